"""The coordinator's workbook (``results.xlsx``): Summary, Pairs, Coaches, Hours by Month,
Exceptions, Certificates and Inputs, each data sheet a real Excel table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from ..findings import sort_key
from ..model import CERTIFICATE_COLUMNS, COACH_COLUMNS, HOURS_BY_MONTH_COLUMNS, PAIR_COLUMNS, RunResult
from .exceptions import FINDING_COLUMNS, findings_frame
from .payments import payment_total
from .programs import programs_of, programs_title, run_programs
from .xlsx import (
    COUNT, DATE, HOURS, INTEGER, LONG_TEXT, MONEY, TEXT, YES_NO, Column, Formats, open_workbook, write_cell,
    write_header, write_table,
)

SHEETS = ("Summary", "Pairs", "Coaches", "Hours by Month", "Exceptions", "Certificates", "Inputs")

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
    "payment_id": ("Payment ID", TEXT),
    "paid_on": ("Paid On", DATE),
    "reasons": ("Reasons", LONG_TEXT),
}
PAIR_SHEET = [Column(key, *PAIR_HEADERS[key]) for key in PAIR_COLUMNS if not key.endswith("_minutes")]

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
    "issued_on": ("Issued On", DATE),  # blank: issued by this run
    "file": ("PDF", TEXT),
}
CERTIFICATE_SHEET = [Column(key, *CERTIFICATE_HEADERS[key]) for key in CERTIFICATE_COLUMNS]

INPUT_SHEET = [
    Column("file", "File"),
    Column("status", "Status"),
    Column("note", "Note"),
    Column("sha256", "SHA-256"),
    Column("size", "Size", COUNT),
    Column("sheet", "Sheet"),
    Column("hidden", "Hidden", YES_NO),
    Column("table", "Recognised Table"),
    Column("header_row", "Header Row", INTEGER),
    Column("rows", "Rows Read", COUNT),
]
NOT_RECOGNISED = "(none)"

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
}


def write_results(result: RunResult, path: Path) -> None:
    """Write ``results.xlsx`` with the sheets of :data:`SHEETS`, in that order."""
    workbook = open_workbook(path)
    formats = Formats(workbook)
    _write_summary(workbook, formats, result)
    write_table(workbook, formats, "Pairs", result.pairs, PAIR_SHEET)
    write_table(workbook, formats, "Coaches", result.coaches, COACH_SHEET)
    write_table(workbook, formats, "Hours by Month", result.hours_by_month, HOURS_BY_MONTH_SHEET)
    findings = findings_frame(sorted(result.findings, key=sort_key))
    write_table(workbook, formats, "Exceptions", findings, FINDING_COLUMNS, severity_key="severity")
    write_table(workbook, formats, "Certificates", result.certificates, CERTIFICATE_SHEET)
    write_table(workbook, formats, "Inputs", inputs_frame(result), INPUT_SHEET)
    workbook.close()


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
        ("Default program", policy.name, TEXT),
        ("Default program title", policy.title, TEXT),
        ("Programs in this run", len(run_programs(result)), COUNT),
        ("Inbox", result.inbox, TEXT),
    ]
    counts = [(COUNT_LABELS.get(key, key.replace("_", " ").capitalize()), value, COUNT) for key, value in result.counts.items()]
    totals = [
        ("Amount payable this run", payment_total(result.payments), MONEY),
        ("Candidate hours counted (all pairs)", _column_total(pairs, "candidate_hours"), HOURS),
        ("Coach contact hours counted (all pairs)", _column_total(pairs, "coach_contact_hours"), HOURS),
    ]
    return [("Run", run), ("Counts", counts), ("Totals", totals)]


def policy_sections(result: RunResult) -> list[tuple[str, list[tuple[str, object, str]]]]:
    """One Summary section per program of the run: its settings as (setting, value, kind)."""
    return [(f"Policy: {name}", [(setting, _setting_text(value), TEXT) for setting, value in policy.as_rows()])
            for name, policy in run_programs(result).items()]


UNKNOWN_PROGRAM = "(not a known program)"
NO_PROGRAM, NO_PROGRAM_TITLE = "(none)", "Findings about files, sheets and cells"
BY_PROGRAM_COLUMNS = [
    Column("program", "Program"),
    Column("title", "Title"),
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


def _write_summary(workbook, formats: Formats, result: RunResult) -> None:
    sheet = workbook.add_worksheet("Summary")
    sheet.write_string(0, 0, f"Coaching batch run — {programs_title(result)}", formats.title)
    row = _write_sections(sheet, formats, 2, summary_rows(result))

    sheet.write_string(row, 0, "By program", formats.section)
    write_header(sheet, formats, BY_PROGRAM_COLUMNS, row + 1)
    row += 2
    for record in program_summary(result).to_dict("records"):
        for col, column in enumerate(BY_PROGRAM_COLUMNS):
            write_cell(sheet, formats, row, col, record[column.key], column.kind)
        row += 1
    row += 1

    _write_sections(sheet, formats, row, policy_sections(result))
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, len(BY_PROGRAM_COLUMNS) - 1, 13)


def _write_sections(sheet, formats: Formats, row: int, sections) -> int:
    """Each section's title, then one (label, value) row per item; returns the next free row."""
    for section, items in sections:
        sheet.write_string(row, 0, section, formats.section)
        row += 1
        for label, value, kind in items:
            write_cell(sheet, formats, row, 0, label, cell_format=formats.label)
            write_cell(sheet, formats, row, 1, value, kind)
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
