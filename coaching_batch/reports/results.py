"""The coordinator's workbook (``results.xlsx``): Summary, Progress (charts), Pairs, Coaches, Hours by
Month, Exceptions, Certificates, Inputs and Progress Data, each data sheet a real Excel table, every
sheet set up for printing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..findings import sort_key
from ..model import CERTIFICATE_COLUMNS, COACH_COLUMNS, HOURS_BY_MONTH_COLUMNS, PAIR_COLUMNS, RunResult
from .exceptions import FINDING_COLUMNS, findings_frame, program_words
from .payments import payment_total
from .programs import programs_of, programs_title, run_programs
from .xlsx import (
    COUNT, DATE, DEFAULT_ROW_POINTS, HOURS, INTEGER, LONG_TEXT, MAX_CHART_TEXT, MONEY, TEXT, YES_NO, Column, Formats,
    TableSheet, continued_note, excel_length, fitted_text, make_printable, new_chart, open_workbook, row_points,
    rows_per_page, set_header_height, table_row, table_sheets, write_cell, write_header, write_table, write_wrapped,
    wrapped_lines,
)
from xlsxwriter.utility import quote_sheetname, xl_col_to_name

SHEETS = ("Summary", "Progress", "Pairs", "Coaches", "Hours by Month", "Exceptions", "Certificates", "Inputs",
          "Progress Data")

# Header and kind of each pair column, in model.PAIR_COLUMNS order; the *_minutes columns are not shown.
# Feedback is shown only as the date it was received: never its rating or comments (confidential).
PAIR_HEADERS = {
    "program": ("Program", TEXT),
    "candidate_id": ("Candidate ID", TEXT),
    "candidate_name": ("Candidate Name", TEXT),
    "coach_id": ("Coach ID", TEXT),
    "coach_name": ("Coach Name", TEXT),
    "assigned_date": ("Assigned Date", DATE),
    "planning_meeting_date": ("Planning Meeting Date", DATE),
    "agreement_date": ("Agreement Date", DATE),
    "start": ("Start", DATE),
    "window_start": ("Counting From", DATE),
    "window_end": ("Counting Until", DATE),
    "deadline": ("Deadline", DATE),
    "extended_until": ("Extended Until", DATE),
    "status": ("Status", TEXT),
    "completion_date": ("Completion Date", DATE),
    "payment_request_date": ("Payment Request Date", DATE),
    "candidate_hours": ("Candidate Hours", HOURS),
    "coach_contact_hours": ("Coach Contact Hours", HOURS),
    "candidate_hours_needed": ("Hours Still Needed (Candidate)", HOURS),  # blank: the program has no minimum
    "coach_contact_hours_needed": ("Hours Still Needed (Coach Contact)", HOURS),
    "feedback_coach_date": ("Coach Feedback Received", DATE),
    "feedback_coachee_date": ("Coachee Feedback Received", DATE),
    "completion_eligible": ("Completion Eligible", YES_NO),
    "payment_eligible": ("Payment Eligible", YES_NO),
    "blocking_errors": ("Blocking Errors", TEXT),  # the rules of the errors on the pair itself: it is red
    "payment_id": ("Payment ID", TEXT),
    "paid_on": ("Paid On", DATE),
    "reasons": ("Reasons", LONG_TEXT),
}
PAIR_SHEET = [Column(key, *PAIR_HEADERS[key]) for key in PAIR_COLUMNS if not key.endswith("_minutes")]
# printed on each page of the Pairs sheet (it is several pages wide): the program and the two people
PAIR_KEY_COLUMNS = 5

COACH_HEADERS = {
    "program": ("Program", TEXT),
    "coach_id": ("Coach ID", TEXT),
    "coach_name": ("Coach Name", TEXT),
    "grade": ("Grade", INTEGER),
    "hire_date": ("Hire Date", DATE),
    "pgs_status": ("PGS Status", TEXT),
    "coach_training_date": ("Coach Training Date", DATE),
    "recommendations_complete": ("Recommendations Complete", YES_NO),
    "qualified": ("Qualified", YES_NO),
    "reasons": ("Reasons", LONG_TEXT),
}
COACH_SHEET = [Column(key, *COACH_HEADERS[key]) for key in COACH_COLUMNS]

HOURS_BY_MONTH_HEADERS = {
    "program": ("Program", TEXT),
    "candidate_id": ("Candidate ID", TEXT),
    "coach_id": ("Coach ID", TEXT),
    "month": ("Month", TEXT),  # "2026-03": text sorts and filters as people expect
    "candidate_hours": ("Candidate Hours", HOURS),
    "coach_contact_hours": ("Coach Contact Hours", HOURS),
}
HOURS_BY_MONTH_SHEET = [Column(key, *HOURS_BY_MONTH_HEADERS[key]) for key in HOURS_BY_MONTH_COLUMNS]

CERTIFICATE_HEADERS = {
    "program": ("Program", TEXT),
    "candidate_id": ("Candidate ID", TEXT),
    "candidate_name": ("Candidate Name", TEXT),
    "coach_id": ("Coach ID", TEXT),
    "coach_name": ("Coach Name", TEXT),
    "completion_date": ("Completion Date", DATE),
    "send_to": ("Send To", TEXT),
    "copies_to": ("Copies To", TEXT),
    "certificate_id": ("Certificate ID", TEXT),
    "issued_on": ("Issued On", DATE),  # this run's as-of date for one it issues; blank for a dry run's
    "file": ("PDF", TEXT),
}
CERTIFICATE_SHEET = [Column(key, *CERTIFICATE_HEADERS[key]) for key in CERTIFICATE_COLUMNS]

SHA256_WIDTH = 66  # a SHA-256's 64 hex digits on one line (wider than a fitted column grows)
INPUT_SHEET = [
    Column("file", "File"),
    Column("status", "Status"),
    Column("note", "Note"),
    Column("sha256", "SHA-256", width=SHA256_WIDTH),
    Column("size", "Size", COUNT),
    Column("sheet", "Sheet"),
    Column("hidden", "Hidden", YES_NO),
    Column("table", "Recognised Table"),
    Column("header_row", "Header Row", INTEGER),
    Column("rows", "Rows Read", COUNT),
]
NOT_RECOGNISED = "(none)"

DRY_RUN_SUMMARY = "Yes: nothing was recorded in the ledger, and the payment sheet is not for payment"
COUNT_LABELS = {
    "files": "Files read",
    "files_skipped": "Files not read (skipped, duplicate or unreadable)",
    "pairs": "Pairs (assignments)",
    "completion_eligible": "Pairs eligible for completion",
    "payment_eligible": "Pairs eligible for payment",
    "payments": "Payments newly payable this run",
    "errors": "Errors",
    "warnings": "Warnings",
    "info": "Notes (info)",
    "resolved": "Findings resolved since the last run",
}


def certificates_frame(result: RunResult) -> pd.DataFrame:
    """The Certificates sheet's rows: a certificate this run issues is dated with its as-of date, as
    its PDF is; a dry run issues none, so its new ones stay undated."""
    certificates = result.certificates
    if result.dry_run or certificates.empty:
        return certificates
    return certificates.assign(issued_on=pd.to_datetime(certificates["issued_on"]).fillna(pd.Timestamp(result.as_of)))


def write_results(result: RunResult, path: Path) -> None:
    """Write ``results.xlsx`` with the sheets of :data:`SHEETS`, in that order, each printable; a table
    longer than a sheet continues on sheets of its own after it, as the Summary says."""
    workbook = open_workbook(path)
    formats = Formats(workbook)
    title = f"Results — {programs_title(result)}"
    findings = findings_frame(sorted(result.findings, key=sort_key), program_words(result))
    tables = [
        ("Coaches", result.coaches, COACH_SHEET, None),
        ("Hours by Month", result.hours_by_month, HOURS_BY_MONTH_SHEET, None),
        ("Exceptions", findings, FINDING_COLUMNS, "severity"),
        ("Certificates", certificates_frame(result), CERTIFICATE_SHEET, None),
        ("Inputs", inputs_frame(result), INPUT_SHEET, None),
    ]
    progress, blocks = progress_frame(result)
    named = [("Pairs", result.pairs), *((name, frame) for name, frame, _, _ in tables), (PROGRESS_DATA, progress)]
    continued = [(name, note) for name, frame in named if (note := continued_note(name, len(frame)))]
    summary, sections, first_policy = _write_summary(workbook, formats, result, continued)
    heights = [(first, sum(row_points(summary, row) for row in range(first, first + rows)) / DEFAULT_ROW_POINTS)
               for first, rows in sections]
    page_rows = rows_per_page(summary, len(BY_PROGRAM_COLUMNS) - 1, True)
    make_printable(summary, title, as_of=result.as_of, repeat_header=False, landscape=True,
                   page_breaks=summary_page_breaks(heights, first_policy, page_rows))
    progress_sheet = workbook.add_worksheet("Progress")
    pair_sheets = write_table(workbook, formats, "Pairs", result.pairs, PAIR_SHEET)
    for sheet, part in zip(pair_sheets, table_sheets("Pairs", len(result.pairs))):
        highlight_pairs(sheet, formats, part.rows, len(findings))
        make_printable(sheet, title, as_of=result.as_of, footer_note=PAIR_COLOURS_NOTE, key_columns=PAIR_KEY_COLUMNS)
    for name, frame, columns, severity in tables:
        for sheet in write_table(workbook, formats, name, frame, columns, severity_key=severity):
            make_printable(sheet, title, as_of=result.as_of)
    for sheet in write_table(workbook, formats, PROGRESS_DATA, progress, PROGRESS_COLUMNS):
        make_printable(sheet, title, as_of=result.as_of)
    _write_progress(workbook, progress_sheet, formats, result, progress, blocks, title)
    workbook.close()


# ---------------------------------------------------------------------------------------------
# The Pairs sheet's colours: conditional formats over the whole table (nothing per row), so they
# follow the rows when the coordinator sorts or filters. Red is the pair's own Blocking Errors column
# (worked out by the rules); amber looks up the pair's warnings on the Exceptions sheet by its program,
# candidate and coach IDs.

PAIR_COLOURS = (
    ("eligible", "Green", "Completion-eligible: the pair has completed the program."),
    ("at_risk", "Amber", "At risk: a PAIR-AT-RISK (deadline near, hours short) or PAIR-INACTIVE (no recent "
                         "contact) warning on the pair."),
    ("blocked", "Red", "Blocked: an error on the pair itself holds back its verdict (see Blocking Errors)."),
)
PAIR_COLOURS_NOTE = ("Rows: green = completion-eligible; amber = at risk (PAIR-AT-RISK or PAIR-INACTIVE); "
                     "red = blocked (an error on the pair itself: Blocking Errors)")
AT_RISK_RULES = ("PAIR-AT-RISK", "PAIR-INACTIVE")


def pair_colour_rules(pair_count: int, finding_count: int) -> list[tuple[str, str]]:
    """(colour key, Excel formula for the Pairs sheet's first data row), in the order they apply:
    red (blocking errors on a pair that is not completion-eligible), amber, green."""
    def pair_col(key: str) -> str:
        return "$" + xl_col_to_name(next(i for i, c in enumerate(PAIR_SHEET) if c.key == key)) + "2"

    def finding_col(part: TableSheet, key: str) -> str:
        letter = xl_col_to_name(next(i for i, c in enumerate(FINDING_COLUMNS) if c.key == key))
        return f"{quote_sheetname(part.name)}!${letter}$2:${letter}${max(part.rows, 1) + 1}"

    candidate, coach, eligible = pair_col("candidate_id"), pair_col("coach_id"), pair_col("completion_eligible")
    program, blocking = pair_col("program"), pair_col("blocking_errors")
    # COUNTIFS, not SUMPRODUCT: both Excel and LibreOffice evaluate it fast over thousands of findings;
    # one for each sheet the Exceptions table takes (a sheet's range cannot run on into the next)
    at_risk = "+".join(
        f"COUNTIFS({finding_col(part, 'program')},{program},{finding_col(part, 'candidate_id')},{candidate},"
        f'{finding_col(part, "coach_id")},{coach},{finding_col(part, "rule")},"{rule}")'
        for part in table_sheets("Exceptions", finding_count) for rule in AT_RISK_RULES)
    return [
        ("blocked", f'=AND({candidate}<>"",{eligible}<>"Yes",{blocking}<>"")'),
        ("at_risk", f'=AND({candidate}<>"",{at_risk}>0)'),
        ("eligible", f'={eligible}="Yes"'),
    ]


def highlight_pairs(sheet, formats: Formats, pair_count: int, finding_count: int) -> None:
    """Colour the Pairs sheet's rows (see PAIR_COLOURS) and put the legend in a note on its first header."""
    row_formats = {"eligible": formats.eligible_row, "at_risk": formats.at_risk_row, "blocked": formats.blocked_row}
    last_row, last_col = max(pair_count, 1), len(PAIR_SHEET) - 1
    for key, formula in pair_colour_rules(pair_count, finding_count):
        sheet.conditional_format(1, 0, last_row, last_col, {
            "type": "formula", "criteria": formula, "format": row_formats[key], "stop_if_true": True,
        })
    sheet.write_comment(0, 0, "Row colours:\n" + "\n".join(f"{colour}: {text}" for _, colour, text in PAIR_COLOURS),
                        {"x_scale": 2.4, "y_scale": 2.2})


# ---------------------------------------------------------------------------------------------
# Progress: charts of the active pairs' hours against their program's minimums, and of the days left
# to their deadline, drawn from the Progress Data sheet. One section per program, nearest deadline
# first, CHART_PAIRS pairs a chart and at most MAX_CHART_PAGES charts a program (all its pairs are on
# the data sheet); each section and each further page of charts prints on a page of its own.

PROGRESS_DATA = "Progress Data"
PROGRESS_COLUMNS = [
    Column("program", "Program"),
    Column("label", "Pair"),
    Column("candidate_id", "Candidate ID"),
    Column("candidate_name", "Candidate Name"),
    Column("coach_id", "Coach ID"),
    Column("coach_name", "Coach Name"),
    Column("deadline", "Deadline", DATE),
    Column("days_left", "Days Left", INTEGER),
    Column("candidate_hours", "Candidate Hours", HOURS),
    Column("candidate_minimum", "Candidate Minimum", HOURS),
    Column("coach_contact_hours", "Coach Contact Hours", HOURS),
    Column("coach_contact_minimum", "Coach Contact Minimum", HOURS),
]
CHART_PAIRS = 25
MAX_CHART_PAGES = 4
# Printed portrait on Letter at 100 %: a page holds about 44 rows of 20 px; each program's section
# (2 rows), its hours chart and its days-left chart fit one page, with the sheet's 5-row introduction.
CHART_WIDTH = 700  # pixels: 11 default-width columns
HOURS_CHART_HEIGHT, HOURS_CHART_ROWS = 340, 17
DAYS_CHART_HEIGHT, DAYS_CHART_ROWS = 280, 14
PROGRESS_COLUMN_COUNT, PROGRESS_COLUMN_WIDTH = 12, 9.14  # 69 px each: the print area, a column wider than the charts (LibreOffice draws columns narrower than Excel)
# A program's heading across the Progress print area: its characters a line (12-point bold ones are about
# 1.2 times as wide as the 11-point ones column widths count) and a line's height in points
PROGRESS_LINE_WIDTH = PROGRESS_COLUMN_COUNT * PROGRESS_COLUMN_WIDTH
PROGRESS_HEADING_WIDTH, PROGRESS_HEADING_POINTS = PROGRESS_LINE_WIDTH / 1.2, 16.0
LABEL_LENGTH = 24
CANDIDATE_COLOUR, COACH_COLOUR, DAYS_COLOUR, OVERDUE_COLOUR = "#4472C4", "#ED7D31", "#70AD47", "#C00000"


@dataclass(frozen=True)
class ProgressBlock:
    """One program's rows on the Progress Data sheet (``first`` 0-based in the frame) and what to chart."""

    program: str
    title: str
    first: int
    count: int
    candidate_minimum: float | None
    coach_contact_minimum: float | None
    hours_series: tuple[str, ...]  # "candidate_hours", "coach_contact_hours": the ones worth drawing
    deadlines: bool  # some pair has a deadline
    period_end: str = "the deadline"  # what the program calls it: "the end of the relationship"

    @property
    def minimums(self) -> bool:
        return self.candidate_minimum is not None or self.coach_contact_minimum is not None


def _minimum(value) -> float | None:
    """A program's hour minimum, None when it has none (a minimum of 0 is none to draw)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and number == number else None


def progress_frame(result: RunResult) -> tuple[pd.DataFrame, list[ProgressBlock]]:
    """The active pairs of the run's known programs (PROGRESS_COLUMNS), grouped by program in the
    run's order, nearest deadline first; and one ProgressBlock per program with something to chart
    (an hour minimum, or a pair with a deadline). Programs with neither have no rows."""
    known = run_programs(result)
    pairs = result.pairs
    columns = [c.key for c in PROGRESS_COLUMNS]
    if not len(pairs) or "status" not in pairs.columns:
        return pd.DataFrame(columns=columns), []
    program = programs_of(pairs, result.policy.name)
    status = pairs["status"].astype("string").str.strip().str.casefold()
    active = (status == "active").fillna(False).to_numpy() & program.isin(list(known)).to_numpy()
    frame = pd.DataFrame(index=pairs.index[active])
    frame["program"] = program[active]
    for key in ("candidate_id", "candidate_name", "coach_id", "coach_name"):
        frame[key] = pairs.loc[active, key] if key in pairs.columns else None
    frame["deadline"] = pd.to_datetime(pairs.loc[active, "deadline"], errors="coerce") if "deadline" in pairs else pd.NaT
    as_of = pd.Timestamp(result.as_of)
    frame["days_left"] = (frame["deadline"] - as_of).dt.days
    for key in ("candidate_hours", "coach_contact_hours"):
        frame[key] = pd.to_numeric(pairs.loc[active, key], errors="coerce") if key in pairs else float("nan")
    minimums = {name: (_minimum(p.hours.candidate_minimum), _minimum(p.hours.coach_contact_minimum))
                for name, p in known.items()}
    frame["candidate_minimum"] = frame["program"].map(lambda name: minimums[name][0])
    frame["coach_contact_minimum"] = frame["program"].map(lambda name: minimums[name][1])
    frame["label"] = _labels(frame)
    rank = {name: i for i, name in enumerate(known)}
    frame["_rank"] = frame["program"].map(rank)
    frame = frame.sort_values(["_rank", "deadline", "label"], na_position="last", kind="stable")

    blocks, parts, first = [], [], 0
    for name, policy in known.items():
        mine = frame[frame["program"] == name]
        candidate_minimum, coach_minimum = minimums[name]
        deadlines = bool(mine["deadline"].notna().any())
        if not len(mine) or (candidate_minimum is None and coach_minimum is None and not deadlines):
            continue
        series = tuple(key for key, minimum in (("candidate_hours", candidate_minimum),
                                               ("coach_contact_hours", coach_minimum))
                       if minimum is not None or mine[key].fillna(0).gt(0).any())
        blocks.append(ProgressBlock(name, policy.title or name, first, len(mine), candidate_minimum, coach_minimum,
                                    series if candidate_minimum is not None or coach_minimum is not None else (),
                                    deadlines, policy.period_end_name))
        parts.append(mine)
        first += len(mine)
    shown = pd.concat(parts) if parts else frame.iloc[:0]
    return shown[columns].reset_index(drop=True), blocks


def _labels(frame: pd.DataFrame) -> pd.Series:
    """ "Candidate / Coach" (the candidate's name, the coach's last name; an ID when there is no name),
    shortened for a chart's axis."""
    def who(name_key: str, id_key: str) -> pd.Series:
        names = frame[name_key].astype("string").str.strip()
        return names.where(names.fillna("") != "", frame[id_key].astype("string")).fillna("?")

    labels = who("candidate_name", "candidate_id") + " / " + who("coach_name", "coach_id").str.split().str[-1]
    return labels.where(labels.str.len() <= LABEL_LENGTH, labels.str.slice(0, LABEL_LENGTH - 1) + "…").astype(object)


def _write_progress(workbook, sheet, formats: Formats, result: RunResult, frame: pd.DataFrame,
                    blocks: list[ProgressBlock], title: str) -> None:
    sheet.write_string(0, 0, f"Progress of the active pairs — as of {pd.Timestamp(result.as_of):%Y-%m-%d}",
                       formats.title)
    intro = ["Hours so far against each program's hour minimums (dashed lines), and days left",
             "to the deadline (red: the deadline has passed); nearest deadline first.",
             f"The numbers of every active pair are on the sheet '{PROGRESS_DATA}'."]
    charted = {block.program for block in blocks}
    skipped = [policy.title or name for name, policy in run_programs(result).items() if name not in charted]
    if skipped:
        intro.append("Not charted (no active pair, or no minimum and no deadline): " + "; ".join(skipped))
    for row, text in enumerate(intro, start=1):  # the programs not charted may have long titles
        write_wrapped(sheet, row, 0, PROGRESS_COLUMN_COUNT - 1, text, formats.wrapped_note, PROGRESS_LINE_WIDTH - 1)
    row = len(intro) + 1
    if not blocks:
        sheet.write_string(row + 1, 0, "No active pair to chart.", formats.section)
    breaks = []
    row += 1
    for number, block in enumerate(blocks):
        if number:
            breaks.append(row)
        write_wrapped(sheet, row, 0, PROGRESS_COLUMN_COUNT - 1, f"{block.title} ({block.program})",
                      formats.wrapped_section, PROGRESS_HEADING_WIDTH, PROGRESS_HEADING_POINTS)
        row += 1
        for line in _block_note(block):
            sheet.write_string(row, 0, line, formats.note)
            row += 1
        pages = range(0, min(block.count, CHART_PAIRS * MAX_CHART_PAGES), CHART_PAIRS)
        for page, start in enumerate(pages):
            if page:
                breaks.append(row)
            # a chart's rows on one data sheet: a page starting near the end of one charts the pairs up to it
            count = min(CHART_PAIRS, block.count - start, table_row(PROGRESS_DATA, block.first + start)[2])
            first = block.first + start + 1  # the data sheet's row (0-based; row 0 is its header)
            span = f"pairs {start + 1}–{start + count} of {block.count}" if block.count > count else (
                f"{block.count} active pair" + ("s" if block.count != 1 else ""))
            if block.hours_series:
                sheet.insert_chart(row, 0, _hours_chart(workbook, block, first, count, span),
                                   {"object_position": 3})
                row += HOURS_CHART_ROWS + 1
            if block.deadlines:
                sheet.insert_chart(row, 0, _days_chart(workbook, block, frame, first, count, span),
                                   {"object_position": 3})
                row += DAYS_CHART_ROWS + 1
    sheet.set_column(0, PROGRESS_COLUMN_COUNT - 1, PROGRESS_COLUMN_WIDTH)
    make_printable(sheet, title, as_of=result.as_of, repeat_header=False, last_row=max(row, 4),
                   last_col=PROGRESS_COLUMN_COUNT - 1, page_breaks=breaks, landscape=False)


def _block_note(block: ProgressBlock) -> list[str]:
    """The lines under a program's heading: how many pairs, which are shown, the minimums."""
    parts = [f"{block.count} active pair{'s' if block.count != 1 else ''}"]
    minimums = [f"{label} {minimum:g} h" for label, minimum in (("candidate", block.candidate_minimum),
                                                                ("coach contact", block.coach_contact_minimum))
                if minimum is not None]
    parts.append("minimums: " + ", ".join(minimums) if minimums else "no hour minimum: days left only")
    if not block.deadlines:
        parts.append("no pair has a deadline")
    lines = ["; ".join(parts) + "."]
    shown = min(block.count, CHART_PAIRS * MAX_CHART_PAGES)
    if shown < block.count:
        lines.append(f"The charts show the {shown} with the nearest deadline; all {block.count} are on the sheet "
                     f"'{PROGRESS_DATA}'.")
    return lines


def _data_range(key: str, first: int, count: int) -> list:
    """The cells of column ``key`` of the data's rows ``first`` (1-based) on, on the data sheet holding them."""
    col = next(i for i, c in enumerate(PROGRESS_COLUMNS) if c.key == key)
    sheet, row, _ = table_row(PROGRESS_DATA, first - 1)
    return [sheet, row, col, row + count - 1, col]


def _hours_chart(workbook, block: ProgressBlock, first: int, count: int, span: str):
    chart = new_chart(workbook, "column")
    categories = _data_range("label", first, count)
    names = {"candidate_hours": ("Candidate hours", CANDIDATE_COLOUR),
             "coach_contact_hours": ("Coach contact hours", COACH_COLOUR)}
    for key in block.hours_series:
        name, colour = names[key]
        chart.add_series({"name": name, "categories": categories, "values": _data_range(key, first, count),
                          "fill": {"color": colour}, "gap": 60})
    lines = new_chart(workbook, "line")
    for key, minimum, colour in (("candidate_minimum", block.candidate_minimum, CANDIDATE_COLOUR),
                                 ("coach_contact_minimum", block.coach_contact_minimum, COACH_COLOUR)):
        if minimum is not None:
            label = "Candidate" if key == "candidate_minimum" else "Coach contact"
            lines.add_series({"name": f"{label} minimum ({minimum:g} h)", "categories": categories,
                              "values": _data_range(key, first, count), "marker": {"type": "none"},
                              "line": {"color": colour, "width": 2, "dash_type": "dash"}})
    if lines.series:
        chart.combine(lines)
    chart.set_title({"name": _chart_title(block, f": hours so far ({span})"), "name_font": {"size": 10}})
    chart.set_y_axis({"name": "Hours", "min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": {"rotation": -45, "size": 8}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": CHART_WIDTH, "height": HOURS_CHART_HEIGHT})
    return chart


def _chart_title(block: ProgressBlock, what: str) -> str:
    """The program's title, then what the chart shows; a long title is cut (…) so that the whole fits
    Excel's limit and still says what is charted."""
    return fitted_text(block.title, MAX_CHART_TEXT - excel_length(what)) + what


def _days_chart(workbook, block: ProgressBlock, frame: pd.DataFrame, first: int, count: int, span: str):
    chart = new_chart(workbook, "column")
    days = frame["days_left"].iloc[first - 1: first - 1 + count].tolist()
    points = [{"fill": {"color": OVERDUE_COLOUR}} if day == day and day is not None and day < 0 else None
              for day in days]
    chart.add_series({"name": f"Days left to {block.period_end}", "categories": _data_range("label", first, count),
                      "values": _data_range("days_left", first, count), "fill": {"color": DAYS_COLOUR},
                      "points": points if any(points) else None, "gap": 60})
    chart.set_title({"name": _chart_title(block, f": days left to {block.period_end} ({span})"), "name_font": {"size": 10}})
    chart.set_y_axis({"name": "Days", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": {"rotation": -45, "size": 8}, "label_position": "low"})
    chart.set_legend({"none": True})
    chart.set_size({"width": CHART_WIDTH, "height": DAYS_CHART_HEIGHT})
    return chart


def inputs_frame(result: RunResult) -> pd.DataFrame:
    """One row per sheet of every input file; a file without sheets (skipped, unreadable) gets one row."""
    rows = []
    for entry in result.inputs:
        file = {"file": entry.path, "status": entry.status, "note": entry.note, "sha256": entry.sha256, "size": entry.size}
        if not entry.sheets:
            rows.append(file)
        for sheet in entry.sheets:
            rows.append({**file, "sheet": sheet.name, "hidden": sheet.hidden, "table": sheet.table or NOT_RECOGNISED,
                         "header_row": sheet.header_row, "rows": sheet.rows})
    return pd.DataFrame(rows, columns=[c.key for c in INPUT_SHEET])


def summary_rows(result: RunResult) -> list[tuple[str, list[tuple[str, object, str]]]]:
    """The Summary sheet's run, counts and totals as sections of (label, value, kind)."""
    policy = result.policy
    pairs = result.pairs
    run = [
        ("As-of date", result.as_of, DATE),
        ("Dry run", DRY_RUN_SUMMARY if result.dry_run else "No", TEXT),
        ("Default program", policy.name, TEXT),
        ("Default program title", policy.title, LONG_TEXT),  # a policy file's title, an inbox's path may be long
        ("Programs in this run", len(run_programs(result)), COUNT),
        ("Inbox", result.inbox, LONG_TEXT),
    ]
    counts = [(COUNT_LABELS.get(key, key.replace("_", " ").capitalize()), value, COUNT) for key, value in result.counts.items()]
    totals = [
        ("Amount payable this run", payment_total(result.payments), MONEY),
        ("Candidate hours counted (all pairs)", _column_total(pairs, "candidate_hours"), HOURS),
        ("Coach contact hours counted (all pairs)", _column_total(pairs, "coach_contact_hours"), HOURS),
    ]
    # the ledger's safety on the Summary — a state folder on a share, outputs outside
    # out/, payments recovered from or disagreeing with the delivered sheets (coaching_batch/recovery.py)
    ledger = [(f.rule, f.message, LONG_TEXT) for f in result.findings if f.rule in LEDGER_SUMMARY_RULES]
    return [("Run", run), ("Counts", counts), ("Totals", totals)] + ([("Ledger", ledger)] if ledger else [])


CONTINUED_SECTION = "Tables continued on further sheets"
LEDGER_SUMMARY_RULES = ("LEDGER-UNSAFE-LOCATION", "PAYMENT-SHEET-ELSEWHERE", "PAYMENT-RECOVERED", "PAYMENT-SHEET-UNKNOWN-ID",
                        "PAYMENT-DELIVERY-UNCERTAIN", "PAYMENT-SHEET-ROW-MISSING", "PAYMENT-SHEET-UNREADABLE")


def policy_sections(result: RunResult) -> list[tuple[str, list[tuple[str, object, str]]]]:
    """One Summary section per program of the run: every setting in force as (setting, value, kind),
    one its policy file leaves out marked DEFAULT_MARK (its default applies all the same). A value
    longer than its column (a policy file's long title, source or list) wraps."""
    sections = []
    for name, policy in run_programs(result).items():
        texts = [(setting, _setting_text(value) + ("" if given else DEFAULT_MARK))
                 for setting, value, given in policy.as_rows()]
        sections.append((f"Policy: {name}", [(setting, text, LONG_TEXT if len(text) >= SUMMARY_VALUE_WIDTH else TEXT)
                                             for setting, text in texts]))
    return sections


DEFAULT_MARK = " (default)"


UNKNOWN_PROGRAM = "(not a known program)"
NO_PROGRAM, NO_PROGRAM_TITLE = "(none)", "Findings about files, sheets and cells"
BY_PROGRAM_COLUMNS = [
    Column("program", "Program", LONG_TEXT),  # as a workbook's Program column types it: may be long
    Column("title", "Title", LONG_TEXT),
    Column("pairs", "Pairs", COUNT),
    Column("completion_eligible", "Completion Eligible", COUNT),
    Column("payment_eligible", "Payment Eligible", COUNT),
    Column("payments", "Payments This Run", COUNT),
    Column("amount", "Amount", MONEY),
    Column("errors", "Errors", COUNT),
    Column("warnings", "Warnings", COUNT),
]


def program_summary(result: RunResult) -> pd.DataFrame:
    """One row per program of the run (BY_PROGRAM_COLUMNS): its pairs, verdicts, payments and findings.

    A pair whose program is unknown is summed under the program value it gives (title
    UNKNOWN_PROGRAM); findings tied to no pair (files, sheets, cells) get a last row of their own, so
    each column adds up to the run's total.
    """
    default = result.policy.name
    known = run_programs(result)
    pairs = result.pairs
    pair_program = programs_of(pairs, default)
    payment_program = programs_of(result.payments, default)
    severities = Counter((f.program, str(f.severity)) for f in result.findings)
    unknown = (set(pair_program) | {p for p, _ in severities if p}) - set(known)
    rows = []
    for name in [*known, *sorted(unknown)]:
        mine = (pair_program == name).to_numpy()
        rows.append({
            "program": name,
            "title": known[name].title if name in known else UNKNOWN_PROGRAM,
            "pairs": int(mine.sum()),
            "completion_eligible": _true_count(pairs, "completion_eligible", mine),
            "payment_eligible": _true_count(pairs, "payment_eligible", mine),
            "payments": int((payment_program == name).sum()),
            "amount": payment_total(result.payments[(payment_program == name).to_numpy()]),
            "errors": severities[name, "error"],
            "warnings": severities[name, "warning"],
        })
    if any(not program for program, _ in severities):
        rows.append({"program": NO_PROGRAM, "title": NO_PROGRAM_TITLE, "pairs": 0, "completion_eligible": 0,
                     "payment_eligible": 0, "payments": 0, "amount": 0.0,
                     "errors": severities["", "error"], "warnings": severities["", "warning"]})
    return pd.DataFrame(rows, columns=[c.key for c in BY_PROGRAM_COLUMNS])


def _true_count(frame: pd.DataFrame, column: str, rows) -> int:
    if column not in frame.columns or not len(frame):
        return 0
    return int(frame[column][rows].eq(True).sum())  # a missing verdict is not a Yes


SUMMARY_LABEL_WIDTH, SUMMARY_VALUE_WIDTH = 48, 50  # the Summary's label and value columns (A, B)
BY_PROGRAM_COUNT_WIDTH = 13  # the By program table's columns after them
# The Summary's title across its print area: its characters a line (14-point bold ones are about 1.4 times
# as wide as the 11-point ones column widths count) and a line's height in points
SUMMARY_TITLE_WIDTH = (SUMMARY_LABEL_WIDTH + SUMMARY_VALUE_WIDTH + BY_PROGRAM_COUNT_WIDTH * (len(BY_PROGRAM_COLUMNS) - 2)) / 1.4
SUMMARY_TITLE_POINTS = 19.0


def _write_summary(workbook, formats: Formats, result: RunResult, continued: list[tuple[str, str]]):
    """The Summary sheet; ``continued``: each table that continues on further sheets, and what to say of it.
    Returns the sheet, the (first row, rows) of its title and of each section, and the first policy's row."""
    sheet = workbook.add_worksheet("Summary")
    write_wrapped(sheet, 0, 0, len(BY_PROGRAM_COLUMNS) - 1, f"Coaching batch run — {programs_title(result)}",
                  formats.wrapped_title, SUMMARY_TITLE_WIDTH, SUMMARY_TITLE_POINTS)
    sections = summary_rows(result)
    if continued:
        sections.append((CONTINUED_SECTION, [(name, note, LONG_TEXT) for name, note in continued]))
    written = [(0, 1)]  # (first row, rows) of the title and each section after it, for the page breaks
    row = _write_sections(sheet, formats, 2, sections, written)

    written.append((row, len(PAIR_COLOURS) + 1))
    sheet.write_string(row, 0, "Colours on the Pairs sheet", formats.section)
    for key, colour, text in PAIR_COLOURS:
        row += 1
        sheet.write_string(row, 0, colour, formats.legend[key])
        sheet.write_string(row, 1, text)
    row += 2

    by_program = program_summary(result)
    written.append((row, len(by_program) + 2))
    sheet.write_string(row, 0, "By program", formats.section)
    by_program_header = row + 1
    write_header(sheet, formats, BY_PROGRAM_COLUMNS, by_program_header)
    row += 2
    for record in by_program.to_dict("records"):
        for col, column in enumerate(BY_PROGRAM_COLUMNS):
            write_cell(sheet, formats, row, col, record[column.key], column.kind)
        lines = max(wrapped_lines(str(record["program"]), SUMMARY_LABEL_WIDTH - 1),
                    wrapped_lines(record["title"], SUMMARY_VALUE_WIDTH - 1))
        if lines > 1:  # as tall as the longer of the two
            sheet.set_row(row, DEFAULT_ROW_POINTS * lines)
        row += 1
    row += 1

    first_policy = row
    row = _write_sections(sheet, formats, row, policy_sections(result), written)
    sheet.set_column(0, 0, SUMMARY_LABEL_WIDTH)
    sheet.set_column(1, 1, SUMMARY_VALUE_WIDTH)
    sheet.set_column(2, len(BY_PROGRAM_COLUMNS) - 1, BY_PROGRAM_COUNT_WIDTH)
    set_header_height(sheet, by_program_header, BY_PROGRAM_COLUMNS)
    return sheet, written, first_policy


def summary_page_breaks(sections: Sequence[tuple[int, float]], first_policy: int, page_rows: int) -> list[int]:
    """The rows (0-based) that start a Summary page: the first program's policy starts one (the run's
    counts, totals and programs on the pages before), and so does each other section that would not
    fit whole in what is left of its page: the By program table never prints its last rows on a page
    of their own, without its header, nor a policy's title alone at a page's foot, its settings
    overleaf. ``sections`` are the (first row, height) of the title and of each section after it, a
    blank row after each; a height counts rows of the default height, as many as ``page_rows`` fit
    on a page: a long text wrapped onto a taller row takes as many as its lines."""
    breaks, used = [], 0.0
    for first, height in sections:
        if first == first_policy or (used and used + height > page_rows):
            breaks.append(first)
            used = 0.0
        used += height + 1  # and the blank row after it
    return breaks


def _write_sections(sheet, formats: Formats, row: int, sections, written: list[tuple[int, int]]) -> int:
    """Each section's title, then one (label, value) row per item; returns the next free row, and adds
    each section's (first row, rows) to ``written`` (for the page breaks). A LONG_TEXT value (a ledger
    message) wraps in the value column on a row as tall as its lines: it ran on past the print area's
    edge, its end cut off."""
    for section, items in sections:
        written.append((row, len(items) + 1))
        sheet.write_string(row, 0, section, formats.section)
        row += 1
        for label, value, kind in items:
            write_cell(sheet, formats, row, 0, label, cell_format=formats.label)
            write_cell(sheet, formats, row, 1, value, kind)
            if kind == LONG_TEXT and isinstance(value, str):
                lines = wrapped_lines(value, SUMMARY_VALUE_WIDTH - 1)
                if lines > 1:
                    sheet.set_row(row, DEFAULT_ROW_POINTS * lines)
            row += 1
        row += 1
    return row


def _column_total(frame: pd.DataFrame, column: str) -> float:
    """The sum of the values as shown (2 decimals), so it equals the sum of the Pairs sheet's rows."""
    if column not in frame.columns:
        return 0.0
    shown = pd.to_numeric(frame[column], errors="coerce").fillna(0).mul(100).round()
    return float(shown.sum()) / 100


def _setting_text(value: object) -> str:
    """Policy values as a coordinator reads them (true/false as Yes/No)."""
    text = str(value)
    return {"True": "Yes", "False": "No"}.get(text, text)
