"""Certificates of Completion: one PDF per certificate the run issues, and all of them in one PDF.

"Certificate is issued and submitted to candidate's supervisor, with copies to candidate and coach"
(the ITSS seed). A certificate line of the run (``result.certificates``) is issued when it has no
earlier issue date (:func:`.names.name_certificates` gives it its file before the ledger records it);
the wording comes from the certificate template (:mod:`.template`). Each certificate is one
Letter page in landscape: text that would not fit is set smaller until it does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fpdf.enums import XPos, YPos

from ..forked import collection_paused
from ..model import RunResult
from ..policy import Words
from .names import NOTES_FILE, combined_certificates_name, text_of
from .pdf import Document, day
from .template import fill, parse_template, read_template_text

NO_SUPERVISOR = "the {candidate}'s supervisor (not recorded in the roster)"  # in the program's word
SMALLEST_SCALE = 0.5  # text is set down to half its size to fit one page, no smaller
WRITE_IN = "_" * 14  # a line to write a missing date on by hand
WORDING_LIMIT = 10_000  # characters of one line of the wording, its values filled in (each already shortened)
_SIZES = {"title": 30, "name": 24, "center": 13, "text": 11, "signature": 10, "small": 8}
_BOLD = {"title", "name"}


@collection_paused()  # thousands of pages' objects, no reference cycles: collections only walk them
def write_certificates(result: RunResult, folder: Path) -> None:
    """Write the PDF of every certificate with a ``file``, the combined PDF for printing and, when a
    certificate needs a look first, a note listing what to check."""
    certificates = result.certificates
    if certificates.empty or "file" not in certificates:
        return
    issued = certificates[certificates["file"].notna()].sort_values(["program", "candidate_name", "candidate_id"], na_position="last")
    if issued.empty:
        return
    lines = parse_template(result.certificate_template or read_template_text(None))
    pdf = Document.new("landscape", title=f"Certificates of Completion {result.as_of.isoformat()}")
    people = _roster(result.people)
    pairs = _pairs_by_certificate(result.pairs)
    for certificate in issued.to_dict("records"):
        pdf.begin(Path(certificate["file"]).name, f"Certificate of Completion: {text_of(certificate['candidate_name'])}")
        _draw(pdf, lines, _values(result, certificate, people, pairs))
    parts = pdf.save(folder, combined_certificates_name(result))  # all in one PDF to print, and one file each
    notes = [f"{part.file}: {note}" for part in parts for note in part.notes]
    if notes:
        (folder / NOTES_FILE).write_text(
            "Certificates to check before sending (coaching-batch run of " + result.as_of.isoformat() + ")\r\n\r\n"
            + "".join(f"- {note}\r\n" for note in notes), encoding="utf-8-sig")


def _roster(people: pd.DataFrame) -> dict[str, dict[object, object]]:
    """The roster's "name" and "supervisor_id" columns, each by employee ID (the IDs are unique)."""
    return {column: dict(zip(people["employee_id"], people[column])) if {"employee_id", column} <= set(people) else {}
            for column in ("name", "supervisor_id")}


def _values(result: RunResult, certificate: dict, people: dict[str, dict], pairs: dict) -> dict[str, object]:
    """The raw values of the placeholders for one certificate (made printable when drawn)."""
    pair = pairs.get(certificate["certificate_id"], {})
    supervisor_id = text_of(people["supervisor_id"].get(certificate["candidate_id"]))
    supervisor_name = text_of(people["name"].get(supervisor_id)) if supervisor_id else ""
    policy = result.programs.get(certificate["program"])
    planning, agreement = pair.get("planning_meeting_date"), pair.get("agreement_date")
    if pd.notna(agreement) and pd.notna(pair.get("start")) and pair["start"] == agreement:  # a mentoring relationship
        start_event, start = "the agreement", agreement
    elif pd.notna(planning):
        start_event, start = "the planning meeting", planning
    elif pd.notna(pair.get("agreement_date")) and pd.notna(pair.get("start")):
        start_event, start = "the agreement", pair.get("start")
    else:
        start_event, start = "the start", pair.get("start", pair.get("assigned_date"))
    goals = [text_of(pair.get(f"goal_{n}")).strip() for n in (1, 2, 3)]
    words = policy.words if policy is not None else Words()
    return {
        "candidate_name": certificate["candidate_name"], "candidate_id": certificate["candidate_id"],
        "coach_name": certificate["coach_name"], "coach_id": certificate["coach_id"],
        "supervisor_name": supervisor_name, "supervisor_id": supervisor_id if supervisor_name else "",
        "supervisor_on_file": supervisor_id,  # for the note only, not a placeholder
        "program_title": policy.title if policy is not None else certificate["program"],
        "program": certificate["program"],
        "start_event": start_event, "start_date": day(start),
        "completion_date": day(certificate["completion_date"]), "issued_date": day(result.as_of),
        "candidate_hours": _hours(pair.get("candidate_hours")),
        "coach_contact_hours": _hours(pair.get("coach_contact_hours")),
        "hours_documented": " and ".join(
            f"{hours} hours of {what}" for hours, what in ((_hours(pair.get("candidate_hours")), "learning experiences"),
                                                           (_hours(pair.get("coach_contact_hours")), f"{words.coach} contact")) if hours)
                            + _logged_after(certificate["completion_date"], pair.get("coaching_to")),
        # only goals attained are certified ("Goals attained: …"): blank otherwise, so that line is left out
        "goals": "; ".join(goal.rstrip(".;") for goal in goals if goal) if pair.get("goals_attained", False) else "",
        "certificate_id": certificate["certificate_id"],
        "coach_role": words.coach, "candidate_role": words.candidate, "activity": words.activity,
    }


def _pairs_by_certificate(pairs: pd.DataFrame) -> dict[str, dict]:
    """Each certificate's pair (assignment) by certificate ID: a later band of the same two people has
    its own ID (rules.pairs.bands); of assignments sharing one, the last completed, else the last."""
    if pairs.empty or "certificate_id" not in pairs:
        return {}
    done = (pairs["completion_eligible"] & (pairs["status"] == "Completed")).to_numpy()
    chosen: dict[str, tuple[bool, int]] = {}
    for n, key in enumerate(pairs["certificate_id"]):
        if key not in chosen or done[n] or not chosen[key][0]:
            chosen[key] = (bool(done[n]), n)
    records = pairs.iloc[[n for _, n in chosen.values()]].to_dict("records")
    return dict(zip(chosen, records))


def _logged_after(completed: object, period_end: object) -> str:
    """", logged up to <date>" when the hours counted include entries dated after the completion (ITSS
    counts up to the deadline): the certificate's period ends at the completion, its hours do not."""
    later = pd.notna(completed) and pd.notna(period_end) and pd.Timestamp(period_end) > pd.Timestamp(completed)
    return f", logged up to {day(period_end)}" if later else ""


def _hours(value: object) -> str:
    """Decimal hours; blank when none were logged (a program without that log)."""
    return "" if value is None or pd.isna(value) or float(value) == 0 else f"{float(value):.2f}"


def _draw(pdf: Document, lines, raw: dict[str, object], fit: tuple[float, float] | None = None) -> tuple[float, float]:
    """One certificate page: the template's lines, vertically centred inside a double frame and set
    smaller, if need be, until they fit; returns (scale, height) for drawing the same page again.
    Lines too many for the frame's padding even in the smallest print use the padding too, centred
    in the frame; only a text that runs past the frame is noted as too long (its end is cut off).
    Each distinct line's height is measured once per document (``pdf.measured``): a template's fixed
    lines once per run, only the filled-in ones per certificate."""
    values = {key: _printable(pdf, key, value, _what(key, raw)) for key, value in raw.items()}
    if not values["supervisor_name"]:
        values["supervisor_name"] = NO_SUPERVISOR.format(candidate=values["candidate_role"])
        given = values.pop("supervisor_on_file")  # a Supervisor ID no employee of the roster has
        fix = (f"the roster's Supervisor ID {given} is no employee's: correct it or add that employee" if given
               else "add the Supervisor ID to the roster")
        pdf.note(f"the {values['candidate_role']}'s supervisor is not recorded in the roster: the certificate is "
                 f"addressed to \"{values['supervisor_name']}\"; write in the supervisor's name, or {fix}")
    values.pop("supervisor_on_file", None)
    for key, what in (("start_date", "start"), ("completion_date", "completion")):
        if not values[key] and any(key in line.placeholders for line in lines):
            values[key] = WRITE_IN
            pdf.note(f"the pair has no {what} date, so the certificate leaves a line for it: write it in "
                     f"before sending, and add it to the assignment")
    # the template's own words too: a character the font lacks shows as the replacement mark, with a note
    blocks = _blocks([(style, pdf.printable(text, limit=WORDING_LIMIT, what="the certificate's wording"))
                      for style, text in fill(lines, values)])
    pdf.add_page()
    pdf.set_auto_page_break(False, margin=pdf.b_margin)  # one page, whatever the text
    _frame(pdf)
    inner_top, inner_height = pdf.t_margin + 8, pdf.eph - 16
    if fit is None:
        scale, height = 1.0, _height(pdf, blocks, 1.0)
        while height > inner_height and scale > SMALLEST_SCALE:
            scale = max(SMALLEST_SCALE, scale * 0.9)
            height = _height(pdf, blocks, scale)
    else:
        scale, height = fit
    if height > pdf.eph:
        pdf.note("the certificate template's text is too long for one page even in small print: its end "
                 "runs past the frame and is cut off; shorten it")
    pdf.set_y(max(pdf.t_margin, inner_top + (inner_height - height) / 2))
    for style, texts in blocks:
        _draw_block(pdf, style, texts, scale)
    return scale, height


def _printable(pdf: Document, key: str, value: object, what: str) -> str:
    if key.endswith("_name"):
        return pdf.printable(value, limit=120, what=what) if text_of(value) else ""
    return pdf.printable(value, what=what)


def _what(key: str, raw: dict[str, object]) -> str:
    """How a note names the value of placeholder ``key``: in the program's words, as the certificate
    does ("the mentor name", "the mentee ID"); the role words themselves by their own names."""
    role, _, rest = key.partition("_")
    if role in ("coach", "candidate") and rest != "role":
        return f"the {text_of(raw[f'{role}_role'])} {rest.replace('_', ' ')}"
    return f"the {key.replace('_', ' ')}"


def _blocks(lines: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """Consecutive [signature] lines become one block (drawn side by side); each other line its own."""
    blocks: list[tuple[str, list[str]]] = []
    for style, text in lines:
        if style == "signature" and blocks and blocks[-1][0] == "signature" and len(blocks[-1][1]) < 3:
            blocks[-1][1].append(text)
        else:
            blocks.append((style, [text]))
    return blocks


def _size(style: str, scale: float) -> float:
    return _SIZES[style] * scale


def _height(pdf: Document, blocks, scale: float) -> float:
    total = 0.0
    for style, texts in blocks:
        size = _size(style, scale)
        if style == "signature":
            total += 14 * scale + size * 0.6
        elif not texts[0].strip():
            total += 5 * scale
        else:
            total += _measured(pdf, texts[0], size, style in _BOLD)
            total += _space_after(style, scale)
    return total


def _measured(pdf: Document, text: str, size: float, bold: bool) -> float:
    cache = pdf.__dict__.setdefault("measured", {})
    key = (text, size, bold)
    if key not in cache:
        cache[key] = pdf.paragraph_height(text, size, bold=bold, width=_width(pdf))
    return cache[key]


def _space_after(style: str, scale: float) -> float:
    return {"title": 4, "name": 3}.get(style, 1) * scale


def _width(pdf: Document) -> float:
    return pdf.epw - 24  # inside the frame, with room on both sides


def _draw_block(pdf: Document, style: str, texts: list[str], scale: float) -> None:
    size = _size(style, scale)
    left = pdf.l_margin + 12
    if style == "signature":
        gap = 20
        width = (_width(pdf) - gap * (len(texts) - 1)) / len(texts) if len(texts) > 1 else _width(pdf) / 2.5
        top = pdf.get_y() + 12 * scale
        for n, text in enumerate(texts):
            x = left + n * (width + gap)
            pdf.set_draw_color(0, 0, 0)
            pdf.line(x, top, x + width, top)
            pdf.style(size)
            pdf.set_xy(x, top + 1)
            pdf.plain_cell(width, size * 0.45, text)
        pdf.set_xy(left, top + 2 * scale + size * 0.6)
        return
    if not texts[0].strip():
        pdf.ln(5 * scale)
        return
    pdf.set_x(left)
    pdf.style(size, style in _BOLD, grey=style == "small")
    pdf.wrapped(_width(pdf), size * 1.35 * 0.3528, texts[0], align="L" if style in ("text", "small") else "C",
                new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(_space_after(style, scale))


def _frame(pdf: Document) -> None:
    """A double border around the page's printable area."""
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(pdf.l_margin - 4, pdf.t_margin - 4, pdf.epw + 8, pdf.eph + 8)
    pdf.set_line_width(0.3)
    pdf.rect(pdf.l_margin - 1, pdf.t_margin - 1, pdf.epw + 2, pdf.eph + 2)
    pdf.set_line_width(0.2)
