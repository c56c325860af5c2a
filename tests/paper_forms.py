"""A coordinator's binder as one real workbook: every table, with the logs in the paper form's layout.

    write_binder(tmp_path / "binder.xlsx")                      # the .xlsx of every variant test
    write_binder(tmp_path / "binder.xlsx", date_1904=True)      # dates counted from 1904 (old Mac Excel)
    write_binder(tmp_path / "binder.xlsm", macros=True)         # a macro-enabled workbook

The same content, converted once with LibreOffice, is committed as tests/fixtures/binder.xls and
binder.ods (see tests/fixtures/README.md), so every format is checked against the same oracle,
``EXPECTED`` below. So is a small log of a 1904 workbook (``write_log_1904``, ``LOG_1904``).

What the binder holds, sheet by sheet:

- **Roster**: an Excel table (ListObject) starting at B2; header cells with line breaks; IDs with
  stray and non-breaking spaces; two employees named Pat Lee.
- **Recommendations**, **Requests**: plain tables that make coach 100 qualified and candidate 200
  enrolled.
- **Assignments**: a hidden sheet; the coach ID typed with a trailing non-breaking space.
- **Coaching Log** and **Coaching Log (2)**: the paper Coaching Log over two pages. Merged title,
  `Candidate Name` / `Coach Name:` labelled above the table with the value in a merged cell or
  two cells further right, a header with line breaks and hints, no ID columns, a duration given by a
  formula, `Continued on next page`; page two has no labels of its own, and its `Total Hours`
  (a formula over both pages, 14 h) totals the whole log.
- **Candidate Log**: `Candidate ID:` / `Coach ID:` on one row, the ID typed as a number; durations
  typed four ways; a `Total Hours:` footer that says 39 h where the entries add up to 40 h.
- **Pat Lee**: a candidate log naming `Candidate Name: Pat Lee` inline: two employees have that name.
- **Robin**: a coach log naming a candidate who is not in the roster.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import xlsxwriter

AS_OF = "2026-06-01"
CANDIDATE, COACH = "200", "100"

EXPECTED = {
    "pair": {"candidate_id": CANDIDATE, "coach_id": COACH, "candidate_hours": 40.0, "coach_contact_hours": 14.0,
             "completion_eligible": True, "payment_eligible": True},
    # (rule, sheet, cell) of every finding the binder plants
    "findings": {
        ("NAME-AMBIGUOUS", "Pat Lee", "A1"),
        ("ID-UNKNOWN", "Robin", "B2"),
        ("LOG-TOTAL-MISMATCH", "Candidate Log", "B16"),
    },
    "sheets": {
        "Roster": ("employees", 5, False),
        "Recommendations": ("recommendations", 3, False),
        "Requests": ("requests", 1, False),
        "Assignments": ("assignments", 1, True),
        "Coaching Log": ("coach_log", 8, False),
        "Coaching Log (2)": ("coach_log", 2, False),
        "Candidate Log": ("candidate_log", 10, False),
        "Pat Lee": ("candidate_log", 2, False),
        "Robin": ("coach_log", 1, False),
    },
}

NBSP = "\u00a0"


def write_binder(path: str | Path, *, date_1904: bool = False, macros: bool = False) -> Path:
    """Write the binder to ``path`` (.xlsx or .xlsm) and return the path."""
    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    workbook.set_properties({"created": dt.datetime(2026, 1, 1, 9, 0, 0)})
    if macros:
        # A stand-in VBA project: it makes the file macro-enabled; the reader must never run it.
        workbook.add_vba_project(io.BytesIO(b"\xd0\xcf\x11\xe0 not a real VBA project"), is_stream=True)
    f = _Formats(workbook)
    _roster(workbook, f)
    _recommendations(workbook, f)
    _requests(workbook, f)
    _assignments(workbook, f)
    _coaching_log(workbook, f)
    _candidate_log(workbook, f)
    _pat_lee(workbook, f)
    _robin(workbook, f)
    workbook.worksheets()[0].activate()
    workbook.close()
    return path


class _Formats:
    def __init__(self, workbook):
        self.date = workbook.add_format({"num_format": "m/d/yyyy"})
        self.time = workbook.add_format({"num_format": "h:mm"})
        self.title = workbook.add_format({"bold": True, "align": "center"})
        self.wrap = workbook.add_format({"bold": True, "text_wrap": True})


def _write_row(sheet, row: int, values: list, f: _Formats, col: int = 0) -> None:
    for c, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, dt.date):
            sheet.write_datetime(row, col + c, dt.datetime.combine(value, dt.time()), f.date)
        elif isinstance(value, dt.time):
            sheet.write_datetime(row, col + c, value, f.time)
        elif isinstance(value, str):
            sheet.write_string(row, col + c, value)
        else:
            sheet.write_number(row, col + c, value)


def _roster(workbook, f: _Formats) -> None:
    sheet = workbook.add_worksheet("Roster")
    d = dt.date
    rows = [
        [f" {COACH}{NBSP}", "Casey Coach", 25, d(2015, 1, 5), "Meeting", d(2020, 1, 1)],
        [CANDIDATE, f"Kim{NBSP}Candidate", 20, d(2019, 3, 1), "Meeting", None],
        ["301", "Pat Lee", 20, d(2018, 5, 1), "Meeting", None],
        ["302", "Pat  Lee", 21, d(2017, 6, 1), "Meeting", None],
        ["900", "Sam Supervisor", 27, d(2010, 1, 4), "Meeting", None],
    ]
    headers = ["Employee\nID", "Name", "Grade", "Hire\nDate", "PGS\u00a0Status", "Coach Training\nDate"]
    sheet.add_table(1, 1, 1 + len(rows), len(headers), {
        "name": "Roster", "columns": [{"header": h} for h in headers], "style": "Table Style Light 9",
    })
    for r, row in enumerate(rows):
        _write_row(sheet, 2 + r, row, f, col=1)


def _recommendations(workbook, f: _Formats) -> None:
    sheet = workbook.add_worksheet("Recommendations")
    _write_row(sheet, 0, ["Prospective Coach ID", "Reference Name", "Relationship", "Overall Recommendation", "Date"], f)
    for r, (name, relationship) in enumerate([("Sam Supervisor", "Supervisor"), ("Ann Ally", "Colleague"), ("Bo Buddy", "Colleague")]):
        _write_row(sheet, 1 + r, [COACH, name, relationship, "Highly recommended", dt.date(2019, 11, 1)], f)


def _requests(workbook, f: _Formats) -> None:
    sheet = workbook.add_worksheet("Requests")
    _write_row(sheet, 0, ["Employee ID Number", "Employee Name", "Today's Date", "Target Grade", "Form 336-84 Date"], f)
    _write_row(sheet, 1, [CANDIDATE, "Kim Candidate", dt.date(2025, 12, 1), 23, dt.date(2025, 11, 20)], f)


def _assignments(workbook, f: _Formats) -> None:
    sheet = workbook.add_worksheet("Assignments")
    _write_row(sheet, 0, ["Candidate ID", "Coach ID", "Assigned Date", "Planning Meeting Date", "Target Grade",
                          "Goals Attained", "Status", "Completion Date", "Payment Request Date"], f)
    _write_row(sheet, 1, [CANDIDATE, f"{COACH}{NBSP}", dt.date(2026, 1, 2), dt.date(2026, 1, 10), 23,
                          "Yes", "Completed", dt.date(2026, 4, 30), dt.date(2026, 5, 2)], f)
    sheet.hide()


COACH_HEADER = ["Date", "Type of Contact\n(In Person, Phone, Email)", "Duration", "Brief Description of\nContact"]


def _coaching_log(workbook, f: _Formats) -> None:
    first = workbook.add_worksheet("Coaching Log")
    first.merge_range("A1:D1", "ITSS Job Banding Coaching Log", f.title)
    _write_row(first, 2, ["Candidate Name"], f)
    first.merge_range("B3:D3", f"Kim{NBSP} Candidate ", None)
    _write_row(first, 3, ["Coach Name:", None, "casey  COACH"], f)
    first.merge_range("A5:D5", "In the table below document and briefly describe any contact you have with the candidate. "
                               "A minimum of 12 hours of contact must be documented to receive compensation.", None)
    _write_row(first, 6, COACH_HEADER, f)
    kinds = ["In Person", "phone call", "E-mail", "in-person"]
    for i in range(8):  # rows 8-15, 1.5 h each: 12 h on page one
        day = dt.date(2026, 1, 12) + dt.timedelta(days=7 * i)
        _write_row(first, 7 + i, [day, kinds[i % 4], None, f"Session {i + 1}"], f)
        if i == 3:
            first.write_formula(7 + i, 2, "=0.5*3", None, 1.5)  # a formula: its cached value is read
        else:
            first.write_number(7 + i, 2, 1.5)
    first.merge_range("A16:D16", "Continued on next page", None)

    second = workbook.add_worksheet("Coaching Log (2)")
    second.merge_range("A1:D1", "ITSS Job Banding Coaching Log - continued", f.title)
    _write_row(second, 2, COACH_HEADER, f)
    _write_row(second, 3, [dt.date(2026, 3, 10), "Phone", 1, "Follow-up call"], f)
    _write_row(second, 4, [dt.date(2026, 3, 17), "In Person", 1, "Wrap-up"], f)
    _write_row(second, 5, ["Total Hours"], f)
    second.write_formula(5, 2, "=SUM('Coaching Log'!C8:C15)+SUM(C4:C5)", None, 14)
    _write_row(second, 5, [None, None, None, "Signature of Coach: ________"], f)


def _candidate_log(workbook, f: _Formats) -> None:
    sheet = workbook.add_worksheet("Candidate Log")
    sheet.merge_range("A1:C1", "ITSS Job Banding Coaching Candidate Log", f.title)
    _write_row(sheet, 2, ["Candidate ID:", float(CANDIDATE), "Coach ID:", COACH], f)
    _write_row(sheet, 4, ["Date", "Hours\n(h:mm)", "Brief Description of\u00a0Activity"], f)
    durations = [4, "4:00", dt.time(4, 0), "4 h", "240 min", 4, 4, "4:00", 4, 4]
    for i, duration in enumerate(durations):  # rows 6-15: 40 h
        _write_row(sheet, 5 + i, [dt.date(2026, 1, 15) + dt.timedelta(days=7 * i), duration, f"Activity {i + 1}"], f)
    _write_row(sheet, 15, ["Total Hours:", 39], f)


def _pat_lee(workbook, f: _Formats) -> None:
    sheet = workbook.add_worksheet("Pat Lee")
    _write_row(sheet, 0, ["Candidate Name: Pat Lee"], f)
    _write_row(sheet, 1, ["Coach Name: Casey Coach"], f)
    _write_row(sheet, 3, ["Date", "Duration", "Description"], f)
    _write_row(sheet, 4, [dt.date(2026, 2, 2), 2, "Reading"], f)
    _write_row(sheet, 5, [dt.date(2026, 2, 9), 2, "Lab"], f)


def _robin(workbook, f: _Formats) -> None:
    sheet = workbook.add_worksheet("Robin")
    _write_row(sheet, 1, ["Candidate Name:", "Robin Nobody", "Coach Name:", "Casey Coach"], f)
    _write_row(sheet, 3, ["Date", "Type of Contact", "Hours", "Description"], f)
    _write_row(sheet, 4, [dt.date(2026, 2, 3), "Phone", 1, "Intro call"], f)


# A candidate log saved on the 1904 date system, as LibreOffice keeps it in .xls and .ods: one date
# typed as a plain serial number (44624 is 2026-03-05 counted from 1904, 2022-03-04 from 1900),
# durations and a `Total Hours` footer in [h]:mm, one of them 24 h or more.
LOG_1904 = {
    "dates": [dt.date(2026, 3, 5), dt.date(2026, 3, 12), dt.date(2026, 3, 19)],
    "minutes": [90, 75, 1500],
    "footer_minutes": 1665,
}


def write_log_1904(path: str | Path) -> Path:
    """Write the 1904 candidate log (``LOG_1904``) to ``path`` (.xlsx) and return the path."""
    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": True})
    date, hours = workbook.add_format({"num_format": "m/d/yyyy"}), workbook.add_format({"num_format": "[h]:mm"})
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Duration"])
    sheet.write_row(1, 0, [CANDIDATE, COACH, 44624, 1.5])  # the date typed as a number, hours as a number
    for row, (day, minutes) in enumerate(zip(LOG_1904["dates"][1:], LOG_1904["minutes"][1:]), start=2):
        sheet.write_row(row, 0, [CANDIDATE, COACH])
        sheet.write_datetime(row, 2, dt.datetime.combine(day, dt.time()), date)
        sheet.write_number(row, 3, minutes / 1440, hours)
    sheet.write_string(4, 0, "Total Hours")
    sheet.write_number(4, 3, LOG_1904["footer_minutes"] / 1440, hours)
    workbook.close()
    return path


# A coach log whose Duration is worked out as `=End-Start` in h:mm cells, as LibreOffice keeps it in .xls:
# one End before its Start (-1:00), one negative time typed as a number (-6:00, which an .xls holds packed
# as an RK number), and a real 9:30 session. The reader shows a negative time as a time of day (23:00, 18:00).
LOG_NEGATIVE = {"minutes": [60, -60, -360, 570]}


def write_log_negative(path: str | Path) -> Path:
    """Write the coach log of ``LOG_NEGATIVE`` to ``path`` (.xlsx) and return the path."""
    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path))
    hours = workbook.add_format({"num_format": "h:mm"})
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Start", "End"])
    for row, times in enumerate([(9, 10), (11, 10), None, (8, 17.5)], start=1):
        sheet.write_row(row, 0, [CANDIDATE, COACH, f"3/{row}/2026", "Phone"])
        if times is None:
            sheet.write_number(row, 4, -0.25, hours)
            continue
        start, end = times
        sheet.write_formula(row, 4, f"=G{row + 1}-F{row + 1}", hours, (end - start) / 24)
        sheet.write_number(row, 5, start / 24, hours)
        sheet.write_number(row, 6, end / 24, hours)
    workbook.close()
    return path


# Totals rows under tables, as a coordinator adds them: the roster's IDs counted (`=COUNTA(A2:A4)`), the
# assignments' IDs counted, a coach log kept as an Excel table with its Total Row (the IDs counted, the
# Duration summed: `=SUBTOTAL(109,Table1[Duration])`, as Excel saves it; its 4 h is not the 4.50 h logged)
# and a log with a `Total` typed by hand beside its `=SUM()`. LibreOffice keeps no Excel table in the .xls and
# .ods it saves: only the cells and their formulas. The rows and footers every format must read:
TOTALS = {
    "Roster": ([2, 3, 4], []),
    "Assignments": ([2, 3], []),
    "Log": ([2, 3, 4], [(5, 4, 4.0)]),
    "Typed": ([2, 3, 4], [(5, 4, 4.5)]),
}


def write_totals(path: str | Path) -> Path:
    """Write the tables of ``TOTALS`` with their totals rows to ``path`` (.xlsx) and return the path."""
    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path))
    date = workbook.add_format({"num_format": "m/d/yyyy"})
    roster = workbook.add_worksheet("Roster")
    roster.write_row(0, 0, ["Employee ID", "Name", "Grade"])
    for row, (employee, name) in enumerate([(COACH, "Casey Coach"), (CANDIDATE, "Kim Lee"), ("300", "Ann Bell")], start=1):
        roster.write_row(row, 0, [employee, name, 20])
    roster.write_formula(4, 0, "=COUNTA(A2:A4)", None, 3)
    assignments = workbook.add_worksheet("Assignments")
    assignments.write_row(0, 0, ["Candidate ID", "Coach ID", "Planning Meeting Date"])
    for row, candidate in enumerate([CANDIDATE, "300"], start=1):
        assignments.write_row(row, 0, [candidate, COACH])
        assignments.write_datetime(row, 2, dt.datetime(2026, 3, 1), date)
    assignments.write_formula(3, 0, "=COUNTA(A2:A3)", None, 2)
    assignments.write_formula(3, 1, "=COUNTA(B2:B3)", None, 2)
    entries = [[CANDIDATE, COACH, dt.datetime(2026, 3, day), "Phone", 1.5, f"Call {day}"] for day in (2, 9, 16)]
    log = workbook.add_worksheet("Log")
    columns = [{"header": header} for header in ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"]]
    columns[0].update(total_function="count", total_value=3)
    columns[2]["format"] = date
    columns[4].update(total_function="sum", total_value=4)
    log.add_table(0, 0, 4, 5, {"columns": columns, "total_row": True, "data": entries})
    typed = workbook.add_worksheet("Typed")
    typed.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"])
    for row, entry in enumerate(entries, start=1):
        typed.write_row(row, 0, entry[:2])
        typed.write_datetime(row, 2, entry[2], date)
        typed.write_row(row, 3, entry[3:])
    typed.write_string(4, 0, "Total")
    typed.write_formula(4, 4, "=SUM(E2:E4)", None, 4.5)
    workbook.close()
    return _name_table_columns(path)


def _name_table_columns(path: Path) -> Path:
    """The Total Row's formulas name their table (`Table1[Duration]`), as Excel saves them: xlsxwriter
    writes `[Duration]`, which LibreOffice cannot place (its .ods then shows Err:508 there)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    for name in [name for name in parts if name.startswith("xl/worksheets/sheet")]:
        parts[name] = re.sub(rb"(SUBTOTAL\(\d+,)\[", rb"\1Table1[", parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path
