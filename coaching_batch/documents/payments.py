"""The stipend's paperwork: the coach's Request for Payment, pre-filled, and the hours summary
finance files with each payment.

* ``payment-requests/``: for each pair that would be payable but for the coach's signed Request for
  Payment, the seed's form filled in ("I, ___, certify that I have completed a minimum of 12 contact
  hours while coaching ___, from ___ to ___"), with signature and date lines, and the coach's log
  summary on the next page; the coach signs it and sends it back with the log.
* ``payment-documentation/``: for each stipend on this run's payment sheet, the same summary,
  named by its Payment ID.

A dry run's are marked as its payment sheet is, atop every page: "DRY RUN — NOT FOR PAYMENT".

The summary lists each counted coach-log entry (date, type of contact, duration as h:mm) and the
total (h:mm and hours with 2 decimals, of the minutes added up, so the printed rows add up to it);
never the entries' descriptions, ratings or anything else from the forms.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import pandas as pd

from ..forked import collection_paused
from ..model import RunResult
from ..policy import Words
from ..reports.payments import DRY_RUN_BANNER
from .names import NOTES_FILE, documentation_name, request_name, text_of, waiting_for_request
from .parallel import in_forks
from ..rules.dates import count_text, hours_text
from .pdf import Document, clock_text, day


@collection_paused()  # as write_payment_documentation()
def write_payment_requests(result: RunResult, folder: Path) -> None:
    """One pre-filled Request for Payment (and log summary) per pair waiting for the coach's form."""
    waiting = waiting_for_request(result)
    if waiting.empty:
        return
    entries = _entries_by_pair(result)
    pdf = Document.new(title="Requests for Payment", page_numbers=True, banner=_banner(result))  # all drawn at once, saved one file each
    for pair_index, pair in waiting.iterrows():
        pair = pair.to_dict()
        words = _words(result, pair["program"])
        part = pdf.begin(request_name(pair, words.activity), f"{_capital(words.activity)} Request for Payment: {text_of(pair['coach_name'])}")
        log = entries.get(pair_index, NO_ENTRIES)
        _request_page(pdf, result, pair, log)
        _summary_page(pdf, result, pair, log, subheading="Attach to the signed Request for Payment.")
        part.footer = _footer(pdf, result, pair)
    _write_notes(folder, result, pdf.save(folder))


@collection_paused()  # thousands of pages' objects, no reference cycles (the forks drawing them inherit the pause)
def write_payment_documentation(result: RunResult, folder: Path) -> None:
    """One hours summary per stipend on the payment sheet, named by its Payment ID (a large payment
    sheet is drawn on both cores: each summary lists every entry, so a run's summaries can run to
    thousands of pages)."""
    if result.payments.empty:
        return
    entries = _entries_by_pair(result)
    pair_of = {payment: index for index, payment in result.pairs["payment_id"].items()}

    def draw(payments: list[dict]) -> list:
        pdf = Document.new(title="Payment documentation", page_numbers=True, banner=_banner(result))  # all drawn at once, saved one file each
        indexes = [pair_of.get(payment["payment_id"]) for payment in payments]
        known = [index for index in indexes if index is not None]
        pairs = dict(zip(known, result.pairs.loc[known].to_dict("records")))  # the pairs' rows taken at once
        for payment, index in zip(payments, indexes):
            pair = pairs[index] if index is not None else payment
            part = pdf.begin(documentation_name(payment["payment_id"]), f"Payment documentation {payment['payment_id']}")
            _summary_page(pdf, result, pair, entries.get(index, NO_ENTRIES),
                          subheading=f"Documentation for payment {payment['payment_id']}.", payment=payment)
            part.footer = _footer(pdf, result, {**pair, "payment_id": payment["payment_id"]})
        return pdf.save(folder)

    _write_notes(folder, result, in_forks(draw, result.payments.to_dict("records")))


def _words(result: RunResult, program: str) -> Words:
    """What the pair's program calls its two people and their work (coach, candidate, coaching by default)."""
    policy = result.programs.get(program)
    return policy.words if policy is not None else Words()


def _printed_words(pdf: Document, result: RunResult, program: str) -> Words:
    """:func:`_words` as a page prints them: a letter the font lacks shows as the replacement mark,
    with a note naming the policy's word (drawn as it is, it printed as nothing, without a word)."""
    words = _words(result, program)
    return Words(**{key: pdf.printable(word, what=f"the program's [words] {key}")
                    for key, word in dataclasses.asdict(words).items()})


def _capital(word: str) -> str:
    """``word`` with a capital first letter, the rest as written ("mentoring" → "Mentoring")."""
    return word[:1].upper() + word[1:]


def _footer(pdf: Document, result: RunResult, pair: dict) -> tuple[str, ...]:
    """What every page's footer says before its number, so that a page parted from the first is still
    matched to its payment: the Payment ID, then the coach and the candidate, as far as they fit.
    Made once the pages are drawn, so that a name's note keeps its place among the pages' notes."""
    words, named = _printed_words(pdf, result, pair["program"]), _words(result, pair["program"])
    return (f"Payment ID {pdf.printable(pair['payment_id'], limit=_ID_CHARS, what='the Payment ID')}",
            f"{_capital(words.coach)} {_named_with_id(pdf, pair, 'coach', named.coach)}",
            f"{_capital(words.candidate)} {_named_with_id(pdf, pair, 'candidate', named.candidate)}")


_ID_CHARS = 40  # an ID printed in a document is cut to this many characters (with a note)


def _named_with_id(pdf: Document, pair: dict, role: str, word: str) -> str:
    """The pair's coach or candidate (``role``) as a document names them: `Kim Lee (ID 200004)`; a note
    about either names it by the program's ``word`` for that role ("the mentor name")."""
    return (f"{pdf.name(pair[f'{role}_name'], f'the {word} name')} "
            f"(ID {pdf.printable(pair[f'{role}_id'], limit=_ID_CHARS, what=f'the {word} ID')})")


def _banner(result: RunResult) -> str | None:
    """A dry run's paperwork says on every page what its payment sheet says: not for payment."""
    return DRY_RUN_BANNER if result.dry_run else None


# ------------------------------------------------------------------------------------- pages


def _request_page(pdf: Document, result: RunResult, pair: dict, log: Log) -> None:
    """The seed's Coaching Request for Payment, filled in, in the program's words (a mentoring
    program's reads "Mentoring Request for Payment", "Mentor Name", "while mentoring …")."""
    policy = result.programs.get(pair["program"])
    words, named = _printed_words(pdf, result, pair["program"]), _words(result, pair["program"])
    title = policy.title if policy is not None else pair["program"]
    minimum = policy.hours.coach_contact_minimum if policy is not None else None
    coach = pdf.name(pair["coach_name"], f"the {named.coach} name")  # named as on the summary page: one note for both
    candidate = pdf.name(pair["candidate_name"], f"the {named.candidate} name")
    start, end = day(pair["coaching_from"]), day(pair["coaching_to"])  # the period the payment sheet will state
    pdf.add_page()
    pdf.paragraph(pdf.printable(title, what="the program title"), 12, bold=True, align="C")
    pdf.paragraph(f"{_capital(words.activity)} Request for Payment", 20, bold=True, align="C")
    pdf.ln(8)
    pdf.labelled(f"{_capital(words.coach)} Name", coach, label_width=55)
    pdf.labelled("Employee ID Number", pdf.printable(pair["coach_id"], limit=_ID_CHARS, what=f"the {named.coach} ID"), label_width=55)
    pdf.labelled(_capital(words.candidate), f"{candidate} (ID {pdf.printable(pair['candidate_id'], limit=_ID_CHARS, what=f'the {named.candidate} ID')})", label_width=55)
    pdf.ln(6)
    hours = (f"a minimum of {count_text(minimum, 'contact hour')}" if minimum  # none, or 0 under an hourly schedule: the hours logged
             else f"{hours_text(log.total)} contact hours")
    pdf.paragraph(f"I, {coach}, certify that I have completed {hours} while {words.activity} {candidate}, "
                  f"from {start or '________________'} to {end or '________________'}.", 12, line=1.6)
    pdf.ln(4)
    pdf.paragraph(f"The {_capital(words.activity)} Log attached (next page) documents {hours_text(log.total)} contact hours "
                  f"in {len(log)} entr{'y' if len(log) == 1 else 'ies'}.", 10, grey=True)
    pdf.ln(22)
    _signature_lines(pdf, [f"{_capital(words.coach)} Signature", "Date"])
    pdf.ln(14)
    pdf.paragraph(f"Return the signed form, with the {_capital(words.activity)} Log, to the {_capital(words.activity)} Coordinator.", 10)
    pdf.paragraph(f"Prepared by the coaching batch run of {day(result.as_of)}; Payment ID {pair['payment_id']}.", 8, grey=True)


def _summary_page(pdf: Document, result: RunResult, pair: dict, log: Log, *, subheading: str,
                  payment: dict | None = None) -> None:
    """The coach's counted log entries (date, type of contact, duration) and their total, in the
    program's words ("Mentoring Log summary", "Mentor", "Mentee")."""
    policy = result.programs.get(pair["program"])
    words, named = _printed_words(pdf, result, pair["program"]), _words(result, pair["program"])
    # The period as the payment sheet states it (rules/evaluate.py works it out once for both).
    start, end = ((day(pair["coaching_from"]), day(pair["coaching_to"])) if payment is None
                  else (day(payment["start_date"]), day(payment["end_date"])))
    ends = pair.get("coaching_to") if payment is None else payment["end_date"]
    pdf.add_page()
    pdf.paragraph(f"{_capital(words.activity)} Log summary", 15, bold=True)
    pdf.paragraph(subheading, 10, grey=True)
    pdf.ln(3)
    facts = [
        ("Program", pdf.printable(policy.title if policy is not None else pair["program"], what="the program title")),
        (_capital(words.coach), _named_with_id(pdf, pair, "coach", named.coach)),
        (_capital(words.candidate), _named_with_id(pdf, pair, "candidate", named.candidate)),
        ("Period", f"{start or 'not recorded'} to {end or 'not recorded'}"),
    ]
    completed = pair.get("completion_date")
    if pd.notna(completed) and pd.notna(ends) and pd.Timestamp(ends) > pd.Timestamp(completed):  # entries counted after it
        facts.append(("Completed", _completed_before(completed, pair.get("window_end"), log, words)))
    if payment is not None:
        facts.append(("Amount", f"${float(payment['amount']):,.2f}"))
        if pd.notna(pair.get("payment_request_date")):
            facts.append(("Request for Payment", f"received {day(pair['payment_request_date'])}"))
    for label, value in facts:
        pdf.labelled(label, value, label_width=48, size=10)
    pdf.ln(3)
    total = log.total
    minimum = policy.hours.coach_contact_minimum if policy is not None else None
    pdf.paragraph(f"{len(log)} counted {words.coach}-log entr{'y' if len(log) == 1 else 'ies'}, {hours_text(total)} contact hours"
                  + (f" (the program requires {minimum:g})" if minimum else "") + ".", 10)
    pdf.ln(2)
    # Each entry as h:mm only, and decimal hours only for the total of the minutes: entries rounded to
    # 2 decimals one by one would not add up to it (10 × 1:02 is 10.33 h, not 10 × 1.03)
    durations = {duration: clock_text(duration) for duration in set(log.minutes)}  # a few values, repeated
    printed = {value: pdf.printable(value, limit=60, what="a type of contact") for value in dict.fromkeys(log.contact_types)}  # in order: its notes too
    rows = [[date, printed[contact_type], durations[duration]] for date, contact_type, duration in zip(log.days, log.contact_types, log.minutes)]
    rows.append(["Total", f"{len(log)} entr{'y' if len(log) == 1 else 'ies'}", f"{clock_text(total)} = {hours_text(total)} h"])
    _table(pdf, rows)
    pdf.style(10)


def _completed_before(completed: pd.Timestamp, counts_until: object, log: Log, words: Words) -> str:
    """The completion date of a period that runs past it, and why: the program counts entries up to the
    end of its window (ITSS: the deadline), so entries dated after the completion are in the hours."""
    completed_day = f"{completed:%Y-%m-%d}"  # as the entries' days are written (formatted once, not per entry)
    later = sum(entry > completed_day for entry in log.days)
    which = (f"{later} entr{'y' if later == 1 else 'ies'} below {'is' if later == 1 else 'are'} dated after it" if later
             else f"the {words.candidate} log has entries dated after it")
    return f"{day(completed)} ({which}" + (f": the program counts entries up to {day(counts_until)})" if pd.notna(counts_until) else ")")


_COLUMNS = ("Date", "Type of Contact", "Duration (h:mm)")
_COLUMN_SHARES = (30, 48, 36)  # of the page's width
_ALIGN = ("L", "L", "R")
_ROW = 6  # mm: one line of 10 pt
_HEADING_FILL = (221, 235, 247)


def _table(pdf: Document, rows: list[list[str]]) -> None:
    """The log as a ruled table across the page, its heading row shaded and repeated on every page,
    the last row (the total) in bold, on a page with at least one entry above it; a longer type of
    contact wraps within its cell. The rows are laid out a page at a time and each page's part drawn
    at once (:func:`_table_part`)."""
    widths = [pdf.epw * share / sum(_COLUMN_SHARES) for share in _COLUMN_SHARES]
    if pdf.get_y() + 2 * _ROW > pdf.page_break_trigger:  # the heading with at least one row under it
        pdf.add_page()
    part: list[tuple[list[str], int, bool]] = []  # this page's rows: cells, lines, bold
    bottom = pdf.get_y() + _ROW  # under the heading
    pdf.style(10)
    entry_lines = _lines(pdf, rows[:-1], widths)
    for n, cells in enumerate(rows):
        bold = n == len(rows) - 1
        if bold:
            pdf.style(10, bold=True)
            lines = max(len(pdf.lines(text, width)) for text, width in zip(cells[:2], widths))
        else:
            lines = entry_lines[n]
        if bottom + lines * _ROW > pdf.page_break_trigger:
            # the total never stands alone under the heading of a page of its own: the last entry goes over with it
            carried = [part.pop()] if bold and len(part) > 1 else []
            _table_part(pdf, part, widths)
            pdf.add_page()
            pdf.style(10, bold=bold)
            part, bottom = carried, pdf.get_y() + _ROW + sum(row_lines for _, row_lines, _ in carried) * _ROW
        part.append((cells, lines, bold))
        bottom += lines * _ROW
    _table_part(pdf, part, widths)


def _lines(pdf: Document, rows: list[list[str]], widths: list[float]) -> list[int]:
    """The lines each row takes in the current font: the most its date or type of contact wraps to
    (durations are short)."""
    dates = pdf.line_counts([row[0] for row in rows], widths[0])
    contact_types = pdf.line_counts([row[1] for row in rows], widths[1])
    return [max(dates[date], contact_types[contact_type]) for date, contact_type, *_ in rows]


def _table_part(pdf: Document, rows: list[tuple[list[str], int, bool]], widths: list[float]) -> None:
    """The heading and ``rows`` from the current position down: the heading's shading, the texts
    (one-line rows, nearly all, written in one piece per style by :meth:`Document.text_rows`),
    then the rules as one grid."""
    lefts = list(accumulate(widths[:-1], initial=pdf.l_margin))
    columns = list(zip(lefts, widths, _ALIGN))
    right = lefts[-1] + widths[-1]
    top = pdf.get_y()
    pdf.set_fill_color(*_HEADING_FILL)
    pdf.rect(pdf.l_margin, top, right - pdf.l_margin, _ROW, style="F")
    tops, placed = [top], []  # the rows' tops; the one-line rows (baseline, cells) in the current style, not yet drawn

    def restyle(bold: bool) -> None:
        if placed:
            pdf.text_rows(columns, placed)
            placed.clear()
        pdf.style(10, bold=bold)

    restyle(bold=True)
    placed.append((top + _ROW / 2 + 0.3 * pdf.font_size, _COLUMNS))
    bold, bottom = True, top + _ROW
    for cells, lines, row_bold in rows:
        if row_bold != bold:
            restyle(bold=row_bold)
            bold = row_bold
        tops.append(bottom)
        if lines == 1:
            placed.append((bottom + _ROW / 2 + 0.3 * pdf.font_size, cells))
        else:  # each cell's lines centred in the row's height
            for text, left, width, align in zip(cells, lefts, widths, _ALIGN):
                pdf.set_xy(left, bottom + (lines * _ROW - len(pdf.lines(text, width)) * _ROW) / 2)
                pdf.wrapped(width, _ROW, text, align=align)
        bottom += lines * _ROW
    restyle(bold=bold)
    pdf.set_draw_color(0, 0, 0)
    pdf.grid([*lefts, right], [*tops, bottom])
    pdf.set_xy(pdf.l_margin, bottom)


def _signature_lines(pdf: Document, labels: list[str]) -> None:
    top = pdf.get_y()
    widths = [pdf.epw * 0.55, pdf.epw * 0.3]
    x = pdf.l_margin
    for label, width in zip(labels, widths):
        pdf.set_draw_color(0, 0, 0)
        pdf.line(x, top, x + width, top)
        pdf.set_xy(x, top + 1)
        pdf.style(9)
        pdf.plain_cell(width, 5, label)
        x += width + pdf.epw * 0.15
    pdf.set_xy(pdf.l_margin, top + 7)


@dataclass(frozen=True)
class Log:
    """A pair's counted coach-log entries in date order, as its documents print them."""

    days: list[str] = field(default_factory=list)  # each entry's date, YYYY-MM-DD
    contact_types: list[str] = field(default_factory=list)  # blank when not recorded
    minutes: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.minutes)

    @property
    def total(self) -> int:
        return sum(self.minutes)


NO_ENTRIES = Log()


def _entries_by_pair(result: RunResult) -> dict[int, Log]:
    """Each pair's :class:`Log`: the entries' dates, types and minutes made into lists once for
    the whole coach log, then cut per pair (a summary costs no table operations of its own)."""
    entries = result.counted_entries
    if entries.empty:
        return {}
    coach_log = entries[entries["kind"] == "coach_log"].sort_values(["pair", "date"], kind="stable")
    days = pd.to_datetime(coach_log["date"]).dt.strftime("%Y-%m-%d").tolist()
    contact_types = coach_log["contact_type"].fillna("").tolist()
    minutes = coach_log["duration"].astype(int).tolist()
    logs = {}
    for pair, rows in coach_log.groupby("pair", sort=False).indices.items():  # each pair's rows, together: sorted by pair
        start, end = rows[0], rows[-1] + 1
        logs[pair] = Log(days[start:end], contact_types[start:end], minutes[start:end])
    return logs


def _write_notes(folder: Path, result: RunResult, parts) -> None:
    notes = [f"{part.file}: {note}" for part in parts for note in part.notes]
    if notes:
        (folder / NOTES_FILE).write_text(
            f"Documents to check before sending (coaching-batch run of {result.as_of.isoformat()})\r\n\r\n"
            + "".join(f"- {note}\r\n" for note in notes), encoding="utf-8-sig")
