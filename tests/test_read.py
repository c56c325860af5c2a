"""Reading and recognising sheets: header rows anywhere in the first 30 rows, true cell positions."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from coaching_batch import read, settings, sheet_xml, values
from coaching_batch.read import read_all, read_workbook
from coaching_batch.recognise import normalise_header, recognise
from workbooks import edit_part, write_ods, write_workbook

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
COACH_HEADER = ["Candidate ID", "Coach ID", "Date", "Type of Contact (In Person, Phone, Email)", "Duration", "Brief Description of Contact"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Type of Contact (In Person, Phone, Email)", "type of contact"),
        ("Candidate Name:", "candidate name"),
        ("  EMPLOYEE\nID\u00a0 Number ", "employee id number"),
        ("Duration (h:mm):", "duration"),
        ("Type of Contact (In Person, Phone (incl. Teams), Email)", "type of contact"),
        ("Employee Name\uff1a", "employee name"),  # a full-width colon, as East Asian keyboards type it
        ("Duration\uff08hours\uff09", "duration"),
        ("Today\u2019s Date", "today's date"),
        ("Form 336\u201184 Date", "form 336-84 date"),  # a non-breaking hyphen, as a PDF or Word may give it
        ("Form 336\u201384 Date:", "form 336-84 date"),  # an en dash
        ("\u201cSupervisor\u2019s Name\u201d", '"supervisor\'s name"'),
        ("\ufeffEmployee ID", "employee id"),  # a byte-order mark, as a header pasted from a CSV keeps it
        ("Employee\u2060 ID", "employee id"),  # a word joiner
        (12, ""),
    ],
)
def test_headers_are_normalised_before_matching(raw, expected):
    assert normalise_header(raw) == expected


@pytest.mark.parametrize("header, expected", [
    (["Band (grade)", "Employee ID Number", "Employee Name:", "Phone", "Hire Date:", "Phone:"],
     ("employees", {"grade": 0, "employee_id": 1, "name": 2, "hire_date": 4})),
    (["Employee ID:", "Phone", "Name:", "Grade:"], ("employees", {"employee_id": 0, "name": 2, "grade": 3})),
    (["Candidate ID:", "Candidate Name:", "Coach ID:", "Coach Name:", "Planning Meeting Date:"],
     ("assignments", {"candidate_id": 0, "coach_id": 2, "planning_meeting_date": 4})),
    (["Date:", "Type of Contact:", "Duration:", "Candidate Name"], ("coach_log", {"date": 0, "contact_type": 1, "duration": 2})),
    # the ID headers typed as on the paper form, beside name columns no table knows: still the assignments
    (["Candidate ID:", "Candidate", "Coach ID:", "Coach", "Planning Meeting Date", "Status"],
     ("assignments", {"candidate_id": 0, "coach_id": 2, "planning_meeting_date": 4, "status": 5})),
])
def test_a_header_with_a_colon_before_a_column_no_table_knows_is_still_a_header(header, expected):
    found = recognise([header])
    assert (found.table, found.columns) == expected and found.missing == []


@pytest.mark.parametrize("asked", ["Goals Attained?", "Goals attained? (Y/N)", "GOALS ATTAINED?:"])
def test_goals_attained_asked_as_a_question_is_the_goals_attained_column(asked):
    # not read, every pair's goals would be No: none completion-eligible, without a word why
    found = recognise([["Candidate ID", "Coach ID", asked, "Status"]])
    assert (found.table, found.columns.get("goals_attained")) == ("assignments", 2)


def test_a_paper_logs_labels_with_their_values_are_still_not_a_header():
    for block in (["Candidate Name:", "Kim Lee", "Coach Name:", "Cory Coach"], ["Candidate ID:", 200, "Coach ID:", 100],
                  ["Candidate ID:", "A-200", "Coach ID:", "A-100", "Date:", dt.date(2026, 9, 1)]):
        found = recognise([block, [], ["Date", "Duration"]])
        assert (found.table, found.header_row) == ("candidate_log", 2), block


@pytest.mark.parametrize("sheet, columns", [
    # a log's ID headers last, a note typed two columns to their right
    ([["Date:", "Type of Contact:", "Duration:", "Candidate ID:", "Coach ID:", None, "Notes"],
      [dt.date(2026, 3, 5), "Phone", 1.5, "200", "100", None, "ask HR about March"]],
     {"date": 0, "contact_type": 1, "duration": 2, "candidate_id": 3, "coach_id": 4}),
    # the assignments with a blank column between their columns
    ([["Candidate ID:", None, "Coach ID:", None, "Planning Meeting Date:", None, "Status:"],
      ["200", None, "100", None, dt.date(2026, 1, 10), None, "Active"]],
     {"candidate_id": 0, "coach_id": 2, "planning_meeting_date": 4, "status": 6}),
])
def test_id_headers_with_colons_and_a_blank_cell_beside_them_on_a_header_row_are_still_headers(tmp_path, sheet, columns):
    """Not a paper log's unfilled block (`Candidate ID: | | Coach ID: |`): the row holds its table's other
    headers. The IDs were lost (the log's entries named no pair; the assignments were no table at all)."""
    path = write_workbook(tmp_path / "typed.xlsx", {"Sheet1": sheet})
    read_sheet = read_workbook(str(path), "typed.xlsx").sheets[0]
    assert (read_sheet.columns, read_sheet.missing) == (columns, [])
    assert (read_sheet.frame["candidate_id"].tolist(), read_sheet.frame["coach_id"].tolist()) == (["200"], ["100"])


def test_a_log_with_type_of_contact_is_a_coach_log_and_without_it_a_candidate_log():
    assert recognise([COACH_HEADER]).table == "coach_log"
    assert recognise([["Candidate ID", "Coach ID", "Date", "Duration"]]).table == "candidate_log"


def test_a_header_with_excels_curly_apostrophe_matches_the_plain_one():
    assert recognise([["Employee ID", "Today\u2019s Date", "Target Grade"]]).columns["request_date"] == 1


def test_a_roster_is_not_a_requests_table_and_an_assignment_sheet_is_not_a_log():
    assert recognise([["Employee ID", "Name", "Grade", "Hire Date"]]).table == "employees"
    assert recognise([["Employee ID Number", "Employee Name", "Today's Date", "Target Grade"]]).table == "requests"
    assert recognise([["Candidate ID", "Coach ID", "Planning Meeting Date", "Status"]]).table == "assignments"


def test_header_row_is_found_below_title_rows_and_extra_columns_are_ignored():
    rows = [["ITSS Job Banding Coaching Log"], [], ["Signature", *COACH_HEADER, "Remarks"]]
    found = recognise(rows)
    assert found.table == "coach_log" and found.header_row == 2
    assert found.columns["candidate_id"] == 1 and "remarks" not in found.columns


def test_header_below_row_30_is_not_looked_for():
    rows = [[f"note {i}"] for i in range(30)] + [COACH_HEADER]
    assert recognise(rows).table is None


def test_a_table_lacking_a_required_column_is_recognised_with_the_column_missing():
    found = recognise([["Candidate ID", "Coach ID", "Date", "Brief Description of Activity"]])
    assert found.table == "candidate_log" and found.missing == ["duration"]


def test_a_log_lacking_its_duration_is_named_by_the_table_it_is_closest_to():
    # a coach log would lack two columns (Type of Contact, Duration): the message must not ask for both
    found = recognise([["Candidate ID", "Coach ID", "Date"]])
    assert found.table == "candidate_log" and found.missing == ["duration"]


def test_cells_keep_their_true_sheet_positions_after_blank_rows_and_columns(tmp_path):
    path = write_workbook(
        tmp_path / "log.xlsx",
        {"Log": [["Coaching Log"], [], COACH_HEADER, ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"]]},
        start_row=2, start_col=1,
    )
    sheet = read_workbook(str(path), "log.xlsx").sheets[0]
    assert sheet.table == "coach_log" and sheet.header_row == 5
    assert sheet.columns["date"] == 3  # column D
    assert list(sheet.frame.index) == [6]


def test_blank_rows_notes_and_total_footers_are_not_entries(tmp_path):
    rows = [
        COACH_HEADER,
        ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
        [],
        ["Continued on next page"],
        ["200", "100", dt.date(2026, 3, 6), "Email", 0.5, "mail"],
        ["Total Hours", None, None, None, 2],
    ]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [2, 5]
    assert [(f.row, f.col, f.value) for f in sheet.footers] == [(6, 4, 2.0)]


@pytest.mark.parametrize("line", [
    ["Total employees: 3"], ["Total employees:", 3], ["Total Employees", None, 3], ["Totals", None, 57], ["Total: 3"],
    ["Total number of staff = 3"], [None, "Grand total:", 3],
])
def test_a_count_line_under_a_roster_is_no_employee(tmp_path, line):
    """SPEC §3: a row whose first filled cell is `Total …` is no row of the table. A coordinator's
    `Total employees: 3` under the roster was an employee (CELL-REQUIRED for Name and Grade)."""
    rows = [["Employee ID", "Name", "Grade"], ["100", "Ann Lee", 20], ["101", "Bo Kim", 17], ["102", "Cy Ray", 20], [], line]
    [roster] = read_workbook(str(write_workbook(tmp_path / "roster.xlsx", {"Roster": rows})), "roster.xlsx").sheets
    assert roster.table == "employees" and list(roster.frame.index) == [2, 3, 4]
    assert roster.footers == []


def test_a_row_whose_first_cell_merely_starts_with_total_is_still_a_row(tmp_path):
    """A name that starts with the word (`Total Smith`), or words after `Total` with no count on the
    row, are data: only a total's label, alone or with a colon or a count, ends a table's rows."""
    rows = [["Name", "Employee ID", "Grade"], ["Total Smith", "100", 20], ["Totally Kim", "101", 17],
            ["Total Wellness Team", None, 18], ["Ann Lee", "103", 19], ["Total: 4"]]
    [roster] = read_workbook(str(write_workbook(tmp_path / "roster.xlsx", {"Roster": rows})), "roster.xlsx").sheets
    assert list(roster.frame.index) == [2, 3, 4, 5]


def test_a_count_line_under_the_assignments_or_a_log_is_no_row_and_a_logs_totals_line_is_its_footer(tmp_path):
    """`Total pairs: 2` under the assignments is no pair; under a log, `Total entries: 2` is no entry
    and no hours either, while `Totals` with the hours under Duration is the log's footer."""
    pairs = [["Candidate ID", "Coach ID", "Planning Meeting Date"], ["200", "100", dt.date(2026, 1, 10)],
             ["201", "101", dt.date(2026, 1, 11)], ["Total pairs: 2"]]
    log = [COACH_HEADER, ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
           ["200", "100", dt.date(2026, 3, 6), "Email", 0.5, "mail"], ["Total entries:", None, 2], ["Totals", None, None, None, 2]]
    sheets = read_workbook(str(write_workbook(tmp_path / "book.xlsx", {"Pairs": pairs, "Log": log})), "book.xlsx").sheets
    assert [(sheet.table, list(sheet.frame.index)) for sheet in sheets] == [("assignments", [2, 3]), ("coach_log", [2, 3])]
    assert [(f.row, f.col, f.value) for f in sheets[1].footers] == [(5, 4, 2.0)]


@pytest.mark.parametrize("line", [["Total sessions", None, 2], ["Total Meetings", None, None, None, 2],
                                  ["Total contacts", None, 2], ["Total number of visits", None, 2]])
def test_a_logs_count_of_its_sessions_or_meetings_is_no_entry_and_no_hours(tmp_path, line):
    """A log counts its entries in its own words (`Total sessions | 2`, `Total Meetings` with 2 under
    Duration): no entry (it was one, with CELL-REQUIRED for its Date) and no total of hours."""
    log = [COACH_HEADER, ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
           ["200", "100", dt.date(2026, 3, 6), "Email", 0.5, "mail"], line]
    [sheet] = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": log})), "log.xlsx").sheets
    assert sheet.table == "coach_log" and list(sheet.frame.index) == [2, 3]
    assert sheet.footers == []


@pytest.mark.parametrize("line", [["Total Hours Required", None, None, None, 20], ["Total hours required: 20"],
                                  ["Total hours remaining", None, None, None, 18], ["Total Hours Goal", None, None, None, 40]])
def test_a_logs_line_of_the_hours_to_reach_is_no_total_and_no_entry(tmp_path, line):
    """`Total hours required: 20` under a log is the form's own words: it was read as the log's Total
    Hours (LOG-TOTAL-MISMATCH against the 2 h logged), while the true total above it still is one."""
    log = [COACH_HEADER, ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
           ["200", "100", dt.date(2026, 3, 6), "Email", 0.5, "mail"], ["Total Hours", None, None, None, 2], line]
    [sheet] = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": log})), "log.xlsx").sheets
    assert sheet.table == "coach_log" and list(sheet.frame.index) == [2, 3]
    assert [(f.row, f.col, f.value) for f in sheet.footers] == [(4, 4, 2)]


def test_an_excel_tables_totals_row_under_a_roster_is_no_employee_and_no_log_total(tmp_path):
    """Excel's Total Row on a roster table (`Total`, a SUBTOTAL of the grades): not an employee, and
    no `Total Hours` to check against log entries (it said LOG-TOTAL-MISMATCH: 37.00 h, 0.00 h)."""
    path = tmp_path / "roster.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Roster")
    sheet.add_table(0, 0, 3, 2, {"data": [["100", "Ann Lee", 20], ["101", "Bo Kim", 17]], "total_row": True, "columns": [
        {"header": "Employee ID", "total_string": "Total"}, {"header": "Name"},
        {"header": "Grade", "total_function": "sum", "total_value": 37}]})
    workbook.close()
    [roster] = read_workbook(str(path), path.name).sheets
    assert roster.table == "employees" and list(roster.frame.index) == [2, 3]
    assert roster.footers == []


@pytest.mark.parametrize("totals, footer", [
    ({"description": ("count", 2)}, None),  # Excel's default for a last column of text: a count, not hours
    ({"duration": ("sum", 2.5), "description": ("count", 2)}, 2.5),
])
def test_an_excel_tables_totals_row_on_a_log_is_checked_on_its_hours_only(tmp_path, totals, footer):
    """A log kept as an Excel table with its Total Row: the row is no entry, and only a total under
    Duration is its hours (the count of descriptions was read as 2.00 h: LOG-TOTAL-MISMATCH)."""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    columns = [{"header": header} for header in COACH_HEADER]
    columns[0]["total_string"] = "Total"
    for name, (function, value) in totals.items():
        columns[{"duration": 4, "description": 5}[name]].update(total_function=function, total_value=value)
    sheet.add_table(0, 0, 3, 5, {"columns": columns, "total_row": True, "data": [
        ["200", "100", "3/5/2026", "Phone", 1.5, "call"], ["200", "100", "3/6/2026", "Email", 1, "mail"]]})
    workbook.close()
    [log] = read_workbook(str(path), path.name).sheets
    assert list(log.frame.index) == [2, 3]
    assert [(f.row, f.value) for f in log.footers] == [(4, footer)]


def test_an_excel_tables_totals_row_without_its_total_label_is_still_no_row_of_the_table(tmp_path):
    """A coordinator's Total Row that counts the IDs in the first column (no `Total` label), or shows
    only the sum under Duration, is the table's Total Row all the same: not an employee (it was one,
    Name required, Grade 18.5 not a whole number) and not a log entry (Date and Type of Contact
    required); a log's sum is its footer, checked as a `Total Hours` line is."""
    path = tmp_path / "program.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    roster = workbook.add_worksheet("Roster")
    roster.add_table(0, 0, 3, 2, {"data": [["100", "Ann Lee", 20], ["101", "Bo Kim", 17]], "total_row": True, "columns": [
        {"header": "Employee ID", "total_function": "count", "total_value": 2}, {"header": "Name"},
        {"header": "Grade", "total_function": "average", "total_value": 18.5}]})
    log = workbook.add_worksheet("Log")
    columns = [{"header": header} for header in COACH_HEADER]
    columns[4].update(total_function="sum", total_value=3)
    log.add_table(2, 0, 5, 5, {"columns": columns, "total_row": True, "data": [
        ["200", "100", "3/5/2026", "Phone", 1.5, "call"], ["200", "100", "3/6/2026", "Email", 1, "mail"]]})
    workbook.close()
    employees, entries = read_workbook(str(path), path.name).sheets
    assert employees.table == "employees" and list(employees.frame.index) == [2, 3]
    assert entries.table == "coach_log" and list(entries.frame.index) == [4, 5]
    assert [(f.row, f.col, f.value) for f in entries.footers] == [(6, 4, 3)]


def test_the_total_row_of_another_excel_table_beside_a_log_is_no_row_of_the_log(tmp_path):
    """A coordinator's small summary table to the right of the log (Month, Sum, with its Total Row on
    the log's fourth row): the log's entry on that row is an entry (it was dropped, its hours taken
    for the log's total: a false LOG-TOTAL-MISMATCH and 1.5 hours lost)."""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, COACH_HEADER)
    for row in range(1, 6):
        sheet.write_row(row, 0, ["200", "100", f"3/{row}/2026", "Phone", 1.5, f"call {row}"])
    sheet.add_table(0, 7, 3, 8, {"data": [["March", 3], ["April", 3]], "total_row": True, "columns": [
        {"header": "Month", "total_string": "Total"}, {"header": "Sum", "total_function": "sum", "total_value": 6}]})
    workbook.close()
    [log] = read_workbook(str(path), path.name).sheets
    assert list(log.frame.index) == [2, 3, 4, 5, 6] and log.footers == []


def test_a_table_definition_claiming_a_billion_total_rows_is_not_used(tmp_path):
    """A hostile definition's totalsRowCount of a billion: the rows were listed one by one (memory
    without end); such a count, more rows than the table has, is no Total Row and the rows are read."""
    path = tmp_path / "roster.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Roster").add_table(0, 0, 3, 2, {"data": [["100", "Ann Lee", 20], ["101", "Bo Kim", 17]],
                                                            "total_row": True, "columns": [
        {"header": "Employee ID", "total_string": "Total"}, {"header": "Name"}, {"header": "Grade"}]})
    workbook.close()
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/tables/table1.xml":
                data = data.replace(b'totalsRowCount="1"', b'totalsRowCount="1000000000"')
            target.writestr(info, data)
    [employees] = read_workbook(str(hostile), hostile.name).sheets
    assert employees.table == "employees" and list(employees.frame.index) == [2, 3]


@pytest.mark.parametrize("ref, count", [("A1:F1048576", "1048576"), ("A1:F4", "999999999999"), ("A1:F4", "1e9"),
                                        ("A1:F4", "-5"), ("A1:F99999999999", "1")])
def test_a_table_definition_declaring_more_total_rows_than_excel_has_leaves_the_entries_read(tmp_path, ref, count):
    """An Excel table has one Total Row at most. A definition claiming a million (or a billion: the
    run stopped for want of memory) made every row of the sheet a Total Row: no entry was read."""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Log").add_table(0, 0, 3, 5, {"columns": [{"header": h} for h in COACH_HEADER], "total_row": True,
                                                         "data": [["200", "100", "3/5/2026", "Phone", 1.5, "call"],
                                                                  ["200", "100", "3/6/2026", "Email", 1, "mail"]]})
    workbook.close()
    edit_part(path, "xl/tables/table1.xml", lambda xml: xml.replace(b'ref="A1:F4"', f'ref="{ref}"'.encode()).replace(
        b'totalsRowCount="1"', f'totalsRowCount="{count}"'.encode()))
    result = read_workbook(str(path), path.name)
    assert not result.error and list(result.sheets[0].frame.index) == [2, 3]


def test_a_table_definition_declaring_entities_is_not_used_its_entities_never_expanded(tmp_path):
    """SPEC §3: entities are never resolved. A table definition whose Total Row count comes from an
    entity is refused (the row, its count typed over the formula, is then read as data, as any unlabelled
    row of typed numbers is), and the workbook is still read."""
    path = tmp_path / "roster.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Roster").add_table(0, 0, 3, 2, {"data": [["100", "Ann Lee", 20], ["101", "Bo Kim", 17]],
                                                            "total_row": True, "columns": [
        {"header": "Employee ID", "total_function": "count", "total_value": 2}, {"header": "Name"}, {"header": "Grade"}]})
    workbook.close()
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/tables/table1.xml":
                data = data.replace(b'totalsRowCount="1"', b'totalsRowCount="&one;"').replace(
                    b"?>", b'?><!DOCTYPE table [<!ENTITY one "1">]>', 1)
                assert b"&one;" in data and b"<!ENTITY" in data
            if info.filename == "xl/worksheets/sheet1.xml":  # a formula's row is a totals row with no table
                data = re.sub(rb"<f>[^<]*</f>", b"", data)
            target.writestr(info, data)
    [employees] = read_workbook(str(hostile), hostile.name).sheets
    assert employees.table == "employees" and list(employees.frame.index) == [2, 3, 4]


def test_a_paper_logs_pair_labelled_without_colons_is_no_assignments_table_above_it(tmp_path):
    """`Candidate ID | 200 | Coach ID | 100` over a paper log, a campus line under it: the log's pair,
    read as its labels; it was also a second table, "the Assignments table at A1 was not read"."""
    rows = [["Candidate ID", "200", "Coach ID", "100"], ["Campus", "Lincoln High"],
            ["Date", "Type of Contact", "Duration", "Description"], ["3/5/2026", "Phone", 1.5, "call"]]
    [log] = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows}, start_row=2)), "log.xlsx").sheets
    assert log.table == "coach_log" and {role: label.value for role, label in log.labels.items()} == {
        "candidate": "200", "coach": "100"}
    assert log.above is None


def test_a_second_table_typed_below_the_first_ends_it_and_is_named_not_read_as_its_rows(tmp_path):
    """The requests typed under the recommendations, their title between: the recommendations end
    there (the title, the requests' header and their rows were read as recommendations: Reference
    Name required, Relationship 'Target Grade' not one of ...), and the requests are named as not read."""
    rows = [["Prospective Coach ID", "Reference Name", "Relationship", "Overall Recommendation"],
            ["100", "Sam Boss", "Supervisor", "Recommended"],
            ["100", "Col A", "Colleague", "Recommended"],
            [],
            ["Requests"],
            ["Employee ID", "Request Date", "Target Grade", "Enrollment Form Date"],
            ["200", dt.date(2025, 12, 1), 6, dt.date(2025, 11, 1)],
            ["201", dt.date(2025, 12, 2), 6, dt.date(2025, 11, 2)]]
    [sheet] = read_workbook(str(write_workbook(tmp_path / "forms.xlsx", {"Forms": rows}, start_col=1)), "forms.xlsx").sheets
    assert sheet.table == "recommendations" and list(sheet.frame.index) == [2, 3]
    assert sheet.below == ("requests", 6, 1, 2) and sheet.above is None


def test_a_negative_duration_in_an_h_mm_cell_is_read_negative_not_as_a_late_time_of_day(tmp_path):
    """`=F3-E3` with the End before the Start, in an h:mm cell: the reader shows -1:00 as 23:00, which
    counted as 23 hours (a warning only). Its saved value is negative: LOG-DURATION-INVALID, not counted.
    A real 9:30 session stays 9:30."""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    hours = workbook.add_format({"num_format": "h:mm"})
    sheet.write_row(0, 0, COACH_HEADER[:5] + ["Start", "End"])
    for row, (duration, start, end) in enumerate([(1 / 24, 9, 10), (-1 / 24, 11, 10), (9.5 / 24, 8, 17.5)], start=1):
        sheet.write_row(row, 0, ["200", "100", f"3/{row}/2026", "Phone"])
        sheet.write_formula(row, 4, f"=G{row + 1}-F{row + 1}", hours, duration)
        sheet.write_number(row, 5, start / 24, hours)
        sheet.write_number(row, 6, end / 24, hours)
    workbook.close()
    [log] = read_workbook(str(path), path.name).sheets
    assert log.frame["duration"].tolist() == [dt.time(1, 0), dt.timedelta(hours=-1), dt.time(9, 30)]
    assert values.parse_durations(log.frame["duration"]).values.tolist() == [60, -60, 570]


def _as_a_script_writes_it(xml: bytes, prefixed: bool, placed: bool) -> bytes:
    """A sheet's XML as a program other than Excel may write it: every tag with the namespace prefix `x:`
    (the Open XML SDK), or no row or cell saying where it is (`r` left out, as OOXML allows)."""
    import re

    if not placed:
        xml = re.sub(rb'(<(?:row|c)) r="[A-Z]*\d+"', rb"\1", xml)
    if prefixed:
        xml = re.sub(rb"<(/?)(?![?!])", rb"<\1x:", xml).replace(b"xmlns=", b"xmlns:x=")
    return xml


@pytest.mark.parametrize("prefixed, placed", [(True, True), (False, False), (True, False)])
def test_a_sheet_written_with_prefixed_tags_or_without_cell_references_gives_its_formulas_as_excel_does(
        tmp_path, monkeypatch, prefixed, placed):
    """A log written by the Open XML SDK (`<x:c>`) or without `r` on its rows and cells: a Duration
    formula saved without its result and a #DIV/0! were "required but the cell is empty", and a negative
    time (End before Start, -1:00) was read as 23:00, counted as 23 hours. They are read as in a workbook
    Excel wrote, the XML looked through in pieces of any size."""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    hours = workbook.add_format({"num_format": "h:mm"})
    sheet.write_row(0, 0, COACH_HEADER)
    for row in range(1, 5):
        sheet.write_row(row, 0, ["200", "100", f"3/{row}/2026", "Phone"])
        sheet.write_string(row, 5, "call")
    sheet.write_number(1, 4, 1 / 24, hours)
    sheet.write_formula(2, 4, "=1/0", None, "#DIV/0!")
    sheet.write_formula(3, 4, "=-1/24", hours, -1 / 24)
    sheet.write_formula(4, 4, "=2*1")
    workbook.close()
    edit_part(path, "xl/worksheets/sheet1.xml",
               lambda xml: _as_a_script_writes_it(xml.replace(b"<f>2*1</f><v>0</v>", b"<f>2*1</f>"), prefixed, placed))
    [log] = read_workbook(str(path), path.name).sheets
    assert [str(value) for value in log.frame["duration"]] == ["01:00:00", "#DIV/0!", "-1 day, 23:00:00", "=2*1"]
    for piece in (100, 7):
        monkeypatch.setattr(sheet_xml, "PIECE", piece)
        with zipfile.ZipFile(path) as archive:
            assert set(read._negative_cells(sheet_xml.pieces(archive, "xl/worksheets/sheet1.xml"))) == {(4, 4)}
            assert set(read._error_cells(sheet_xml.pieces(archive, "xl/worksheets/sheet1.xml"))) == {(3, 4), (5, 4)}
            assert sheet_xml.filled_extent(archive, "xl/worksheets/sheet1.xml") == (5, len(COACH_HEADER))


def test_a_negative_duration_is_read_negative_beside_a_formula_whose_text_is_a_dash(tmp_path):
    """A Note column worked out as `=IF(G3<F3,"-","ok")` saves the text "-": the negative Duration
    beside it was read as 23:00 all the same (that text stopped the look-up of the sheet's saved values)."""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    hours = workbook.add_format({"num_format": "h:mm"})
    sheet.write_row(0, 0, COACH_HEADER[:5] + ["Start", "End", "Note"])
    for row, (duration, start, end) in enumerate([(1 / 24, 9, 10), (-1 / 24, 11, 10)], start=1):
        sheet.write_row(row, 0, ["200", "100", f"3/{row}/2026", "Phone"])
        sheet.write_formula(row, 4, f"=G{row + 1}-F{row + 1}", hours, duration)
        sheet.write_number(row, 5, start / 24, hours)
        sheet.write_number(row, 6, end / 24, hours)
        sheet.write_formula(row, 7, f'=IF(G{row + 1}<F{row + 1},"-","ok")', None, "-" if duration < 0 else "ok")
    workbook.close()
    [log] = read_workbook(str(path), path.name).sheets
    assert values.parse_durations(log.frame["duration"]).values.tolist() == [60, -60]


def test_the_example_row_is_skipped_in_any_case_and_with_spaces_around_its_marker(tmp_path):
    rows = [
        COACH_HEADER,
        ["  EXAMPLE  ", "100", dt.date(2026, 3, 2), "Phone", 1.5, "example"],
        ["example", "100", dt.date(2026, 3, 2), "Phone", 1.5, "example"],
        ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
    ]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [4]


def test_the_example_row_typed_over_with_a_real_pair_is_read_though_its_program_still_says_example(tmp_path):
    """The assignments template's marker sits in the optional Program column: a coordinator who types
    a pair over the example row leaves it there. Real IDs make it the pair's row (program blank: the
    run's); the example row itself, its IDs the template's, is still skipped."""
    header = ["Program", "Candidate ID", "Coach ID", "Assigned Date", "Planning Meeting Date"]
    rows = [header,
            ["EXAMPLE", "100234", "100234", dt.date(2026, 3, 2), dt.date(2026, 3, 2)],
            ["EXAMPLE", "300001", "200001", dt.date(2026, 1, 5), dt.date(2026, 1, 12)],
            [None, "300002", "200002", dt.date(2026, 1, 6), None]]
    sheet = read_workbook(str(write_workbook(tmp_path / "pairs.xlsx", {"Pairs": rows})), "pairs.xlsx").sheets[0]
    assert list(sheet.frame.index) == [3, 4]
    assert sheet.frame["program"].isna().all() and sheet.frame["candidate_id"].tolist() == ["300001", "300002"]


@pytest.mark.parametrize("hints", [
    ["Employee ID", "Employee ID", "MM/DD/YYYY", "In Person / Phone / Email", "hours (e.g. 1.5)", "optional"],
    [None, None, "(yyyy-mm-dd)", None, "h:mm", None],
    [None, None, "e.g. 9/1/2026", "select from the list", "Hours", "What you worked on"],
])
def test_a_templates_hints_under_the_header_are_not_an_entry(tmp_path, hints):
    rows = [COACH_HEADER, hints, ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [3]


@pytest.mark.parametrize("first", [
    ["200", "100", "TBD", "Phone", "1.5", "call"],  # words where the date goes: an entry with a bad date
    ["200", "100", "MM/DD/YYYY", "Phone", 1.5, "call"],  # its hours are a number: an entry
    ["200", "100", "9/1/2026", "Phone", "hours", "call"],  # a date typed as text: an entry
])
def test_a_first_entry_typed_as_text_is_still_an_entry(tmp_path, first):
    rows = [COACH_HEADER, first, ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [2, 3]


def test_a_rosters_hint_row_is_not_an_employee(tmp_path):
    rows = [["Employee ID", "Name", "Grade", "Hire Date"], ["6 digits", "First Last", "(1-25)", "mm/dd/yyyy"],
            ["100", "Ann Lee", 20, dt.date(2020, 1, 6)]]
    sheet = read_workbook(str(write_workbook(tmp_path / "roster.xlsx", {"Roster": rows})), "roster.xlsx").sheets[0]
    assert sheet.table == "employees" and list(sheet.frame.index) == [3]


@pytest.mark.parametrize("heading", ["Duration (minutes)", "Duration (mins)", "Hours (in minutes)", "Duration (Min.)"])
def test_a_duration_column_headed_in_minutes_counts_its_plain_numbers_as_minutes(tmp_path, heading):
    """45 under `Duration (minutes)` is 45 minutes, not 45 hours (paid on hours never worked); a time
    or a value with its unit is what it says; the page's Total is in minutes too."""
    rows = [["Candidate ID", "Coach ID", "Date", heading, "Description"],
            ["200", "100", dt.date(2026, 3, 5), 45, "a"], ["200", "100", dt.date(2026, 3, 6), "90", "b"],
            ["200", "100", dt.date(2026, 3, 7), "1 hr", "c"], ["200", "100", dt.date(2026, 3, 8), "22,5", "d"],
            ["Total Hours", None, None, 217.5]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert values.parse_durations(sheet.frame["duration"]).values.tolist() == [45, 90, 60, 23]  # "22,5": 22.5 min
    assert [values.parse_durations(pd.Series([f.value])).values[0] for f in sheet.footers] == [218]


def test_the_header_row_repeated_after_a_page_break_is_not_an_entry(tmp_path):
    rows = [
        COACH_HEADER,
        ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
        ["Candidate ID", "Coach ID", "Date", "Type of Contact", "DURATION", "Brief Description of Contact"],
        ["200", "100", dt.date(2026, 3, 6), "Email", 0.5, "mail"],
        ["Candidate ID", "Coach ID", "Date"],
    ]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [2, 4]
    assert sheet.repeated == []  # a header row typed again is no column headed twice


@pytest.mark.parametrize("header, repeated", [
    (COACH_HEADER + ["Coach ID"], [("Coach ID", 1, "Coach ID", 6)]),
    (["Coach ID", "Candidate ID", "Date", "Duration", "Type of Contact", "Hours", "HOURS"],
     [("Duration", 3, "Hours", 5), ("Duration", 3, "HOURS", 6)]),
    (COACH_HEADER + [None] + COACH_HEADER, []),  # a second log beside: its headers are its own
    (["Employee ID", "Name", "Grade", None] + COACH_HEADER, []),  # a roster beside, on the left
])
def test_a_column_headed_twice_is_known_and_a_second_tables_headers_are_not(tmp_path, header, repeated):
    rows = [header, ["1"] * len(header)]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert sheet.table == "coach_log" and sheet.repeated == repeated


def test_a_cell_merged_down_over_entries_gives_its_value_to_each_of_them(tmp_path):
    """Candidate and Coach ID typed once and merged down the log, a Date merged over two entries of a
    day: each entry has them, as Excel shows it; a blank row the merge runs into stays no entry, and a
    note merged across a row stays a note."""
    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Log")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, COACH_HEADER)
    for row, (when, hours) in enumerate([(dt.datetime(2026, 3, 5), 1), (None, 0.5), (dt.datetime(2026, 3, 9), 2)], start=1):
        if when:
            sheet.write_datetime(row, 2, when, day)
        sheet.write_row(row, 3, ["Phone", hours, f"call {row}"])
    sheet.merge_range("A2:A6", "200")
    sheet.merge_range("B2:B6", "100")
    sheet.merge_range("C2:C3", dt.datetime(2026, 3, 5), day)
    sheet.merge_range("C6:F6", "Continued on next page")
    book.close()
    log = read_workbook(str(path), "log.xlsx").sheets[0]
    assert list(log.frame.index) == [2, 3, 4]
    assert log.frame[["candidate_id", "coach_id"]].drop_duplicates().values.tolist() == [["200", "100"]]
    assert list(log.frame["date"]) == [dt.date(2026, 3, 5), dt.date(2026, 3, 5), dt.date(2026, 3, 9)]


def test_a_header_merged_down_over_two_rows_is_read_with_the_headers_of_its_lower_row(tmp_path):
    """`Candidate ID` and `Coach ID` merged over two header rows, the other headers on the second row
    under a group heading (`Contact`): the table keeps its ID columns, as Excel shows them."""
    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Log")
    sheet.merge_range("A1:A2", "Candidate ID")
    sheet.merge_range("B1:B2", "Coach ID")
    sheet.merge_range("C1:F1", "Contact")
    sheet.write_row(1, 2, ["Date", "Type of Contact", "Duration", "Description"])
    sheet.write_row(2, 0, ["200", "100", "3/5/2026", "Phone", 1.5, "call"])
    book.close()
    log = read_workbook(str(path), "log.xlsx").sheets[0]
    assert log.table == "coach_log" and log.header_row == 2 and not log.missing
    assert log.columns["candidate_id"] == 0 and log.columns["coach_id"] == 1
    assert log.frame[["candidate_id", "coach_id", "duration"]].values.tolist() == [["200", "100", 1.5]]
    assert log.above is None  # its upper row, the IDs alone, is no assignments table above the log


def test_a_header_typed_over_two_rows_without_a_merge_is_read_as_one_header(tmp_path):
    """`Type of` above `Contact`, `Brief Description` above `of Contact`, `Duration` above `(hours)`: a
    coach log, its contact types read (it was a candidate log of Date and Duration, the coach's hours
    counted as the candidate's)."""
    rows = [["Date", "Type of", None, "Duration", "Brief Description"],
            [None, "Contact", None, "(hours)", "of Contact"],
            [dt.date(2026, 3, 2), "In Person", None, 1.5, "planning"],
            [dt.date(2026, 3, 9), "phone", "x", 1, "check in"]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert sheet.table == "coach_log" and sheet.header_row == 2 and not sheet.missing
    assert sheet.columns == {"date": 0, "contact_type": 1, "duration": 3, "description": 4}
    assert sheet.frame[["contact_type", "duration", "description"]].values.tolist() == [
        ["In Person", 1.5, "planning"], ["phone", 1, "check in"]]


def test_a_header_row_with_an_entry_under_it_is_not_joined_with_the_entry(tmp_path):
    rows = [["Date", "Type of Contact", "Duration", "Brief Description"], [dt.date(2026, 3, 2), "Phone", 1.5, "of Contact"]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert sheet.table == "coach_log" and sheet.header_row == 1 and len(sheet.frame) == 1


@pytest.mark.parametrize("gap", [0, 1])
def test_a_second_log_pasted_beside_the_first_is_noticed_with_or_without_a_blank_column_between(tmp_path, gap):
    """Its headers are the first log's again: the first log is read, the second is named at its first header."""
    rows = [COACH_HEADER + [None] * gap + COACH_HEADER,
            ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"] + [None] * gap + ["201", "101", dt.date(2026, 3, 6), "Email", 1, "mail"]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert sheet.table == "coach_log" and sheet.frame["candidate_id"].tolist() == ["200"]
    assert sheet.beside == ("coach_log", len(COACH_HEADER) + gap)


def test_columns_of_its_own_beside_a_table_are_no_second_table(tmp_path):
    rows = [COACH_HEADER + ["Notes", None, "Checked by"], ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call", "ok", None, "KL"]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert sheet.table == "coach_log" and sheet.beside is None


def test_an_entry_written_over_two_rows_with_its_duration_merged_counts_once(tmp_path):
    """Its description runs onto a second row and every other cell, the Duration too, is merged over
    both: one entry of 1.5 h, as Excel's SUM sees it (it was counted twice, and paid on)."""
    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Log")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, COACH_HEADER)
    sheet.write_row(1, 0, ["200", "100"])
    sheet.write_datetime(1, 2, dt.datetime(2026, 3, 2), day)
    sheet.write_row(1, 3, ["Phone", 1, "call"])
    for column, value in enumerate(["200", "100", None, "In Person", 1.5]):
        if value is None:
            sheet.merge_range(2, column, 3, column, dt.datetime(2026, 3, 5), day)
        else:
            sheet.merge_range(2, column, 3, column, value)
    sheet.write_string(2, 5, "reviewed the lab plan and")
    sheet.write_string(3, 5, "set the next steps")
    book.close()
    log = read_workbook(str(path), "log.xlsx").sheets[0]
    assert list(log.frame.index) == [2, 3]
    assert list(log.frame["duration"]) == [1, 1.5]


def test_words_alone_where_a_date_or_an_id_goes_are_a_note_not_an_entry(tmp_path):
    """A coordinator's "--- end of log ---" in the first column is a note (SPEC: "rows whose only
    content is a note … are skipped"); a lone date that cannot be read, or a lone description, is
    still an incomplete entry, reported as such."""
    rows = [
        COACH_HEADER,
        ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
        ["--- end of log ---"],
        ["--- end of log (12 entries) ---"],
        [None, None, None, None, None, "Notes: no meetings 12/21 - 1/4 (winter break)"],
        [None, None, "Notes: winter break, no meetings"],
        [None, None, "3/35/2026"],
        [None, None, None, None, None, "met in the library"],
    ]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [2, 7, 8]
    roster = [["Employee ID", "Name", "Grade", "Hire Date"], ["100", "Kim Lee", 23, dt.date(2020, 1, 6)], [None, "Ana Ruiz"]]
    people = read_workbook(str(write_workbook(tmp_path / "roster.xlsx", {"Staff": roster})), "roster.xlsx").sheets[0]
    assert list(people.frame.index) == [2, 3]  # a roster row with a name alone is a person missing an ID


def test_a_log_row_holding_only_the_pairs_ids_is_no_entry(tmp_path):
    """A log template with its Candidate ID and Coach ID filled down ahead of the entries (typed, or
    `=$A$2` copied down): each such row was an entry with no date, no type of contact and no hours,
    three CELL-REQUIRED errors a row. The IDs beside a note are a note too; beside a lone description
    or a date, still an (incomplete) entry."""
    rows = [
        COACH_HEADER,
        ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
        ["200", "100"],
        ["200", "100"],
        ["200", "100", None, None, None, "Continued on next page"],
        ["200", "100", None, None, None, "met in the library"],
        ["200", "100", "3/35/2026"],
        [None, "100"],
    ]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [2, 6, 7]


def test_a_total_hours_line_after_the_pairs_ids_is_the_logs_footer_not_an_entry(tmp_path):
    """`200 | 100 | Total Hours | | 2` (the IDs filled down the log): it was an entry whose Date
    'Total Hours' is not a date, its total never checked."""
    rows = [
        COACH_HEADER,
        ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"],
        ["200", "100", dt.date(2026, 3, 6), "Email", 0.5, "mail"],
        ["200", "100", "Total Hours", None, 3],
    ]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert list(sheet.frame.index) == [2, 3]
    assert [(f.row, f.col, f.value) for f in sheet.footers] == [(4, 4, 3)]


def test_a_file_that_is_not_a_workbook_is_an_error_not_a_crash(tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("this is not a spreadsheet")
    result = read_workbook(str(bad), "notes.xlsx")
    assert result.error and result.sheets == []


def _cut(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) // 2 + 100]


def _zip_of(**parts: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def _damaged_in_the_middle(path: Path) -> bytes:
    """Every 13th byte changed from offset 200, the size intact: the zip's end record still there."""
    data = bytearray(path.read_bytes())
    for i in range(200, len(data) - 22, 13):  # the end record (its last 22 bytes) whole
        data[i] ^= 0x55
    return bytes(data)


_LAUGHS = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'


def _with_entities(tmp: Path, part: str) -> bytes:
    """A log whose ``part`` declares XML entities (a billion laughs) and uses one in a text cell."""
    whole = write_workbook(tmp / "whole.xlsx", {"Log": [COACH_HEADER, ["200", "100", "3/5/2026", "Phone", 1, "call"]]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = data.replace(b"?>", b"?>" + _LAUGHS, 1).replace(b"<t>call</t>", b"<t>&lol2;</t>").replace(
                    b'<c r="F2" t="s"><v>10</v></c>', b'<c r="F2" t="inlineStr"><is><t>&lol2;</t></is></c>')
                assert b"&lol2;</t>" in data
            target.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content, cause",
    [
        ("log.xlsx", lambda _: b"", "the file is empty (0 bytes)"),
        ("log.xls", lambda _: b"", "the file is empty (0 bytes)"),
        ("log.xlsx", lambda _: b"Candidate ID,Coach ID,Date\r\n200,100,2026-03-05\r\n", "not a workbook: it looks like a CSV or text file"),
        ("log.xlsx", lambda _: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a workbook: it looks like a PDF"),
        ("log.xls", lambda _: b"<html><body><table><tr><td>200</td></tr></table></body></html>", "not a workbook: it looks like a web page (HTML)"),
        ("log.xlsx", lambda tmp: _cut(write_workbook(tmp / "whole.xlsx", {"Log": [COACH_HEADER]})), "the file is cut short (an incomplete download or copy?)"),
        ("log.xls", lambda _: _cut(FIXTURES / "binder.xls"), "the file is cut short (an incomplete download or copy?)"),
        # cut at a whole sector (a copy stopping at a block boundary): it said "it is not a readable workbook"
        # and to save it again in Excel, which cannot open it either
        ("log.xls", lambda _: (FIXTURES / "binder.xls").read_bytes()[:18 * 512], "the file is cut short (an incomplete download or copy?)"),
        ("log.xlsx", lambda _: (FIXTURES / "binder.xls").read_bytes(), "it is an old .xls workbook named .xlsx"),
        ("log.xlsx", lambda tmp: write_ods(tmp / "log.ods", COACH_HEADER, "").read_bytes(), "it is an .ods workbook named .xlsx"),
        ("log.xlsx", lambda _: _zip_of(notes__txt=b"hello"), "not a workbook: it looks like a zip archive of other files"),
        # what a district's systems export and name .xls: a bare table, a page opening with a comment or its
        # meta tag, an Excel 2003 XML workbook, tab-separated text in UTF-16 (Excel's "Unicode Text")
        ("log.xls", lambda _: b'\r\n<table border="1"><tr><td>Candidate ID</td></tr></table>', "not a workbook: it looks like a web page (HTML)"),
        ("log.xls", lambda _: b"<!-- report --><meta charset=utf-8><table><tr><td>200</td></tr></table>",
         "not a workbook: it looks like a web page (HTML)"),
        ("log.xls", lambda _: _SPREADSHEET_ML, "it is an Excel 2003 XML spreadsheet (SpreadsheetML), a kind of file the run does not read"),
        ("log.xls", lambda _: "\ufeffCandidate ID\tCoach ID\tDate\r\n200\t100\t3/5/2026\r\n".encode("utf-16-le"),
         "not a workbook: it looks like a tab-separated text file"),
        ("log.xlsx", lambda _: _zip_of(**{"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"}),
         "it is an Excel binary workbook (.xlsb), a kind of file the run does not read"),
        ("log.xlsx", lambda _: _zip_of(**{"Index/Document.iwa": b"\x00", "Metadata/Properties.plist": b"<plist/>"}),
         "not a workbook: it looks like an Apple Numbers spreadsheet"),
        ("log.xls", lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(1000),
         "not a workbook: it looks like a Word document"),
        ("logs.xlsx", lambda tmp: _zip_of(**{"Log - Ann.xlsx": write_workbook(tmp / "a.xlsx", {"Log": [COACH_HEADER]}).read_bytes()}),
         "not a workbook: it looks like a zip archive of workbooks"),
        ("log.xlsx", lambda tmp: _damaged_in_the_middle(write_workbook(tmp / "whole.xlsx", {"Log": [COACH_HEADER]})),
         "it is damaged: its content is corrupt, though the file is whole (a bad copy?)"),
        ("log.xlsx", lambda tmp: _with_entities(tmp, "xl/sharedStrings.xml"),
         "its part xl/sharedStrings.xml declares XML entities: refused, never expanded (Excel writes none: a hostile or "
         "hand-made file?)"),
    ],
)
def test_an_unreadable_file_says_what_it_most_likely_is_and_keeps_the_readers_words_for_it(tmp_path, name, content, cause):
    """A coordinator cannot act on "invalid Zip archive: Could not find EOCD": the likely cause comes
    first, in plain words, and the reader's own text follows in brackets for IT."""
    path = tmp_path / name
    path.write_bytes(content(tmp_path))
    error = read_workbook(str(path), name).error
    assert error.startswith(f"{cause} [") and error.endswith("]")


@pytest.mark.parametrize("held", [True, False])  # a workbook the run holds in memory, or one too large, read from the disk
@pytest.mark.parametrize(("cut", "words"), [(lambda data: data[:-300], "invalid Zip archive: Could not find EOCD"),
                                            (lambda data: _zip_of(**{"Log - Ann.xlsx": data}), "File not found '_rels/.rels'")])
def test_the_readers_words_for_an_unreadable_workbook_are_the_same_whatever_its_size(tmp_path, monkeypatch, held, cut, words):
    """The reader's own text, in brackets for IT, says what is wrong with the file (a download cut short,
    a zip of workbooks) for a workbook of any size: it was "Cannot detect file format" for each one under
    32 MB, opened from the bytes the run hashed."""
    whole = write_workbook(tmp_path / "whole.xlsx", {"Log": [COACH_HEADER, ["200", "100", "3/5/2026", "Phone", 1, "call"]]})
    path = tmp_path / "log.xlsx"
    path.write_bytes(cut(whole.read_bytes()))
    if not held:
        monkeypatch.setattr(read, "_HELD_BYTES", 0)
    error = read_workbook(str(path), "log.xlsx").error
    assert error.endswith(f" [{words}]") and "Cannot detect" not in error


@pytest.mark.parametrize("padding", [b"", b"<!--" + b"<row>" * 2000 + b"-->"])
@pytest.mark.parametrize("used", [b'<c r="F2" t="inlineStr"><is><t>&lol2;</t></is></c>', b'<c r="E2"><v>&one;</v></c>'])
def test_a_sheet_declaring_xml_entities_is_refused_before_it_is_opened(tmp_path, used, padding):
    """Used in a text cell or a number cell (which the reader dropped without a word: a Duration, or a
    header, gone), a sheet's entities are never expanded and the file is refused, saying why. Also when
    a comment of kilobytes (looking like markup) comes before the declaration: only the sheet's first
    bytes were looked at, so the Duration was dropped, read as blank."""
    whole = write_workbook(tmp_path / "whole.xlsx", {"Log": [COACH_HEADER, ["200", "100", "3/5/2026", "Phone", 1, "call"]]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = re.search(rb'<c r="%s"[^>]*>.*?</c>' % used[6:8], data)[0]
                data = data.replace(b"?>", b"?>" + padding + _LAUGHS.replace(b"]>", b'<!ENTITY one "1">]>'), 1).replace(cell, used)
            target.writestr(info, data)
    path = tmp_path / "log.xlsx"
    path.write_bytes(buffer.getvalue())
    result = read_workbook(str(path), "log.xlsx")
    assert result.error == ("refused before opening: its part xl/worksheets/sheet1.xml declares XML entities: refused, never "
                            "expanded (Excel writes none: a hostile or hand-made file?)")
    assert result.sheets == [] and "how the file was made" in result.fix


_SPREADSHEET_ML = (b'<?xml version="1.0"?>\r\n<?mso-application progid="Excel.Sheet"?>\r\n<Workbook '
                   b'xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
                   b'<Worksheet ss:Name="Log"><Table><Row><Cell><Data ss:Type="String">Candidate ID</Data></Cell></Row></Table>'
                   b'</Worksheet></Workbook>')


@pytest.mark.parametrize(
    "content, fix",
    [
        (lambda _: b"", "Ask the sender for the file again"),
        (lambda tmp: _cut(write_workbook(tmp / "whole.xlsx", {"Log": [COACH_HEADER]})), "Ask the sender for the file again"),
        (lambda _: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Ask the sender for the workbook itself"),
        # Excel refuses a text file named .xlsx ("the file format or file extension is not valid"): renamed, it opens
        (lambda _: b"Candidate ID,Coach ID,Date\r\n200,100,2026-03-05\r\n",
         "Rename it to end in .csv in place of .xlsx, open it in Excel, save it as an Excel Workbook (.xlsx) in the inbox"),
        (lambda _: b"Candidate ID\tCoach ID\tDate\r\n200\t100\t2026-03-05\r\n", "Rename it to end in .txt in place of .xlsx"),
        (lambda _: b"<html><body><table><tr><td>200</td></tr></table></body></html>", "Rename it to end in .htm in place of .xlsx"),
        (lambda _: _SPREADSHEET_ML, "Rename it to end in .xml in place of .xlsx"),
        (lambda _: _zip_of(**{"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83"}), "Rename it to end in .xlsb"),
        # a workbook the run reads, under another extension: renamed, it is read
        (lambda _: (FIXTURES / "binder.xls").read_bytes(), "Rename the file to end in .xls in place of .xlsx, then re-run."),
        (lambda tmp: write_ods(tmp / "log.ods", COACH_HEADER, "").read_bytes(), "Rename the file to end in .ods in place of .xlsx"),
        (lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(992),
         "Remove its password: open it in Excel with the password, choose File > Info > Protect Workbook > Encrypt with Password"),
        (lambda tmp: _damaged_in_the_middle(write_workbook(tmp / "whole.xlsx", {"Log": [COACH_HEADER]})),
         "Ask the sender for the file again"),
        (lambda _: _zip_of(notes__txt=b"hello"), "Ask the sender for the workbook itself"),
        (lambda tmp: _zip_of(**{"Log - Ann.xlsx": write_workbook(tmp / "a.xlsx", {"Log": [COACH_HEADER]}).read_bytes()}),
         "Rename the file to end in .zip, unzip it, put the workbooks it holds in the inbox"),
        (lambda _: _zip_of(**{"Index/Document.iwa": b"\x00"}), "Rename the file to end in .numbers, open it in Numbers, choose File > Export To > Excel"),
        (lambda tmp: _with_entities(tmp, "xl/sharedStrings.xml"), "Ask the sender how the file was made"),
    ],
)
def test_an_unreadable_files_fix_is_one_the_coordinator_can_do(tmp_path, content, fix):
    """Every unreadable file was to be opened in Excel and saved again: an empty attachment, a
    download cut short or a PDF cannot be, nor can a CSV, a web page or an .xls named .xlsx, which
    Excel refuses to open under that name; an encrypted file needs its password removed."""
    path = tmp_path / "log.xlsx"
    path.write_bytes(content(tmp_path))
    result = read_workbook(str(path), "log.xlsx")
    assert result.error and result.fix.startswith(fix)


@pytest.mark.parametrize("content", [b"<html><body><table><tr><td>200</td></tr></table></body></html>", _SPREADSHEET_ML,
                                     b"Candidate ID,Coach ID\r\n200,100\r\n"])
def test_a_systems_export_named_xls_is_to_be_opened_in_excel_and_saved_as_xlsx(tmp_path, content):
    """An HR or student-information system's "Export to Excel" (a web page, Excel 2003 XML or text named
    .xls) opens in Excel after a warning: the fix says what to answer and to take the .xls out."""
    path = tmp_path / "Staff Export.xls"
    path.write_bytes(content)
    result = read_workbook(str(path), "Staff Export.xls")
    assert result.error and not result.sheets
    assert result.fix == ("Open it in Excel (answer Yes when Excel warns that its format and extension do not match), "
                          "save it as an Excel Workbook (.xlsx) in the inbox and take this .xls file out, then re-run.")


def test_a_workbook_refused_for_its_size_is_told_to_be_cut_down_not_saved_again(tmp_path):
    path = _log_with_sheet_xml(tmp_path / "log.xlsx", lambda xml: xml.replace(b'<dimension ref="A1:F1"/>', b'<dimension ref="A1:ZZZZ9"/>'))
    result = read_workbook(str(path), "log.xlsx")
    assert result.error.startswith("refused before opening") and result.fix.startswith("Delete the rows or columns beyond the table")


def test_an_xlsx_kept_encrypted_by_excel_is_said_to_be_password_protected(tmp_path):
    path = tmp_path / "log.xlsx"  # Excel keeps an .xlsx with a password in a compound file
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(992))
    assert read_workbook(str(path), "log.xlsx").error == "it is password-protected or encrypted"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and links as POSIX makes them")
@pytest.mark.parametrize("put", ["pipe", "link to /dev/zero", "link to a workbook"])
def test_a_workbook_replaced_by_a_pipe_or_a_link_after_the_inbox_was_listed_is_unreadable_at_once(tmp_path, put):
    """The inbox skips links and pipes when it lists them; one put in a workbook's place after that was
    opened as the workbook: a pipe no one writes to held the run forever, /dev/zero was read into memory
    until none was left, and a link was followed out of the inbox. Each is FILE-UNREADABLE, at once."""
    import subprocess
    import sys

    path = tmp_path / "log.xlsx"
    if put == "pipe":
        os.mkfifo(path)
    else:
        target = "/dev/zero" if put == "link to /dev/zero" else write_workbook(tmp_path / "elsewhere.xlsx", {"Log": [COACH_HEADER]})
        path.symlink_to(target)
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
            "from coaching_batch.read import read_workbook; print(read_workbook(sys.argv[1], 'log.xlsx').unopened)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.stdout.strip() == ("its bytes cannot be read [not a regular file: a link or a pipe was put in its place "
                                   "after the inbox was listed]"), done.stderr[-500:]


def test_a_workbook_is_hashed_as_it_is_read_and_a_vanished_one_is_said_to_be_unreadable(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "log.xlsx", {"Log": [COACH_HEADER, ["200", "100", "2026-02-02", "Phone", 1, ""]]})
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    held = read_workbook(str(path), "log.xlsx")
    monkeypatch.setattr(read, "_HELD_BYTES", 0)  # a large file: hashed in blocks, its zip looked at on disk
    streamed = read_workbook(str(path), "log.xlsx")
    assert held.sha256 == streamed.sha256 == digest
    assert len(held.sheets[0].cells) == len(streamed.sheets[0].cells) == 1
    gone = read_workbook(str(tmp_path / "gone.xlsx"), "gone.xlsx")
    assert gone.unopened == "it was moved or deleted while the run read the inbox [No such file or directory]" and not gone.sheets


def _log_with_sheet_xml(path: Path, edit) -> Path:
    """A one-sheet log (its header only) written to ``path`` with its sheet's XML changed by ``edit``."""
    import zipfile

    plain = write_workbook(path.with_name("plain-" + path.name), {"Log": [COACH_HEADER]})
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                edited = edit(data)
                assert edited != data  # the edit found what it changes
                data = edited
            target.writestr(info, data)
    return path


def _damaged(path: Path, member: str) -> Path:
    """``path`` with the compressed data of its zip ``member`` garbled (a bad sector, a broken copy),
    its sizes and the zip's table of contents left as they were."""
    import struct
    import zipfile

    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo(member)
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    for at in range(start + 2, start + info.compress_size - 2, 7):
        data[at] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("member, unreadable", [("xl/worksheets/sheet1.xml", True), ("xl/tables/table1.xml", False),
                                                ("xl/worksheets/_rels/sheet1.xml.rels", False)])
def test_a_workbook_with_a_damaged_part_is_reported_and_the_other_files_are_still_read(tmp_path, member, unreadable):
    """A part whose compressed data is garbled stopped the whole run ('the run failed unexpectedly:
    error('Error -3 while decompressing data')'). Its sheet damaged, the file is FILE-UNREADABLE, saying
    so; a damaged table definition only leaves its Total Row unknown."""
    path = tmp_path / "damaged.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Log").add_table(0, 0, 3, 5, {"columns": [{"header": h} for h in COACH_HEADER], "total_row": True,
                                                         "data": [["200", "100", "3/5/2026", "Phone", 1.5, "call"],
                                                                  ["200", "100", "3/6/2026", "Email", 1, "mail"]]})
    workbook.close()
    _damaged(path, member)
    good = write_workbook(tmp_path / "good.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, 1), "Phone", 1, "x"]]})
    results = {r.relpath: r for r in read_all([(str(path), path.name), (str(good), good.name)])}
    assert not results["good.xlsx"].error and results["good.xlsx"].sheets[0].table == "coach_log"
    damaged = results["damaged.xlsx"]
    if unreadable:
        assert "damaged" in damaged.error and not damaged.sheets
    else:
        assert not damaged.error and list(damaged.sheets[0].frame.index) == [2, 3]


@pytest.mark.parametrize("lost, error", [
    # its list of sheets: it was listed as read, with no sheet and no finding (its entries missing unsaid)
    ("xl/workbook.xml", "it is damaged: no sheet can be found in it (a bad copy?)"),
    # its sheet: the finding read `it is not a readable workbook [Log]` (the reader names only the sheet)
    ("xl/worksheets/sheet1.xml", "it is damaged: its sheet 'Log' is missing (a bad copy?) ["),
])
def test_a_workbook_that_lost_a_part_in_a_bad_copy_is_unreadable_saying_what_is_missing(tmp_path, lost, error):
    whole = write_workbook(tmp_path / "whole.xlsx", {"Log": [COACH_HEADER, ["200", "100", "2026-03-05", "Phone", 1, ""]]})
    path = tmp_path / "log.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != lost:
                target.writestr(info, source.read(info))
    result = read_workbook(str(path), "log.xlsx")
    assert result.error.startswith(error) and not result.sheets
    assert result.fix.startswith("Ask the sender for the file again")


def test_a_workbook_holding_two_parts_of_one_name_is_unreadable_and_the_other_files_are_still_read(tmp_path):
    """A zip holding a second, different copy of its sheet (a hand-made or hostile file: Excel refuses it
    as damaged) was read from whichever copy the reader took, without a word: here the Coach ID 999 of
    the second, not the 100 of the first. It is FILE-UNREADABLE, naming the part."""
    import warnings

    whole = write_workbook(tmp_path / "whole.xlsx", {"Log": [COACH_HEADER, ["200", "100", "2026-03-05", "Phone", 1, ""]]})
    path = tmp_path / "log.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the second copy: the point of the file
            target.writestr("xl/worksheets/sheet1.xml", re.sub(rb'<c r="B2" t="s"><v>\d+</v></c>', b'<c r="B2" t="inlineStr"><is><t>999</t></is></c>',
                                                                  source.read("xl/worksheets/sheet1.xml")))
    good = write_workbook(tmp_path / "good.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, 1), "Phone", 1, "x"]]})
    results = {r.relpath: r for r in read_all([(str(path), path.name), (str(good), good.name)])}
    assert not results["good.xlsx"].error and results["good.xlsx"].sheets[0].table == "coach_log"
    twice = results["log.xlsx"]
    assert "it is damaged: it holds two parts named xl/worksheets/sheet1.xml" in twice.error and not twice.sheets
    assert twice.fix.startswith("Ask the sender for the file again")


def test_a_workbook_listing_thousands_of_sheets_over_one_part_is_unreadable_before_it_is_opened(tmp_path):
    """2,000 sheets listed over the one sheet part of a small file (hostile: 50,000 so took 3 minutes
    and 1.4 GB, each read in full as a log of its own) are refused as damaged before the reader opens
    it; a workbook of as many sheets, each its own part, is read."""
    rows = [COACH_HEADER, ["200", "100", "2026-03-05", "Phone", 1, ""]]
    shared, own = tmp_path / "shared.xlsx", tmp_path / "own.xlsx"
    many_ids = range(2_000)
    write_workbook(own, {f"Log {n}": rows for n in many_ids})
    write_workbook(shared, {"Log": rows})
    listed = "".join(f'<sheet name="Log {n}" sheetId="{n + 2}" r:id="rId{n + 100}"/>' for n in many_ids)
    edit_part(shared, "xl/workbook.xml", lambda xml: xml.replace(b"</sheets>", listed.encode() + b"</sheets>"))
    links = "".join(f'<Relationship Id="rId{n + 100}" Type="http://schemas.openxmlformats.org/officeDocument/'
                    f'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' for n in many_ids)
    edit_part(shared, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(b"</Relationships>", links.encode() + b"</Relationships>"))
    refused = read_workbook(str(shared), shared.name)
    assert refused.error.startswith("refused before opening: it is damaged: it lists 2,001 sheets but holds 1 sheet parts")
    assert not refused.sheets and refused.fix.startswith("Ask the sender for the file again")
    read = read_workbook(str(own), own.name)
    assert not read.error and len(read.sheets) == 2_000


def test_a_row_or_cell_numbered_with_thousands_of_digits_is_looked_up_as_excel_reads_it(tmp_path):
    """A hidden row numbered `000…03` (5,000 digits, as the reader reads it: row 3) stopped the whole
    run when its sheet's Total Hours did not match ('Exceeds the limit (4300 digits) for integer
    string conversion'); a formula error's cell so numbered lost every error of its sheet."""
    padded = b'r="' + b"0" * 5000
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    for row, cells in enumerate([COACH_HEADER, ["200", "100", "3/5/2026", "Phone", 1.5, "call"],
                                  ["200", "100", "3/6/2026", "Email", 1, "mail"]]):
        sheet.write_row(row, 0, cells)
        if row:
            sheet.set_row(row, None, None, {"hidden": True})
    workbook.close()
    edited = _log_with_sheet_xml(tmp_path / "edited.xlsx", lambda _: zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
                                 .replace(b'<row r="3"', b"<row " + padded + b'3"'))
    assert read.hidden_rows(str(edited), "Log") == frozenset({2, 3})
    errors = read._error_cells([b'<c r="E2" t="e"><v>#DIV/0!</v></c><c r="E' + b"0" * 5000 + b'3" t="e"><v>#N/A</v></c>'])
    assert {at: error.code for at, error in errors.items()} == {(2, 4): "#DIV/0!", (3, 4): "#N/A"}


def test_a_sheet_whose_xml_hides_thousands_of_unclosed_cells_still_gives_its_formula_error(tmp_path):
    """A comment holding 10,000 `<c t="e">` (no XML reader looks inside it) made the search for a
    blank Duration's formula error take minutes per sheet: the run hung on a 100 KB file. (No time
    is asserted here; the patterns read the XML once, see `read._IN_CELL`.)"""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, COACH_HEADER)
    sheet.write_row(1, 0, ["200", "100", "3/5/2026", "Phone"])
    sheet.write_formula(1, 4, "=1/0", None, "#DIV/0!")
    workbook.close()
    edit_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</worksheet>", b"<!-- " + b'<c t="e">x' * 10_000 + b" --></worksheet>"))
    result = read_workbook(str(path), "log.xlsx")
    assert [str(value) for value in result.sheets[0].frame["duration"]] == ["#DIV/0!"]


def test_a_cell_of_excels_longest_text_with_a_long_fill_in_line_inside_is_read_in_a_moment(tmp_path):
    """A form's fill-in line (`_ _ _`) of thousands of characters within a cell's text, above the
    header or under the entries: each such cell was looked through once per character of the line
    (a cell of Excel's 32,767 characters took 12 s, so a few of them made the run take minutes)."""
    import time

    line = "Notes" + "_ " * 16_000 + "end"  # within Excel's 32,767 characters a cell
    rows = [[line], COACH_HEADER, ["200", "100", dt.date(2026, 3, 2), "Phone", 1, "x"], [line]]
    log = write_workbook(tmp_path / "log.xlsx", {"Log": rows})
    started = time.perf_counter()
    result = read_workbook(str(log), "log.xlsx")
    assert time.perf_counter() - started < 3
    assert not result.error and result.sheets[0].table == "coach_log"


def test_a_sheet_of_tens_of_megabytes_is_looked_through_in_pieces_not_held_whole(tmp_path, monkeypatch):
    """Its hidden rows (asked by the run itself when a Total Hours does not match), negative times and
    formula errors are looked up a piece at a time: a sheet XML of 250 MB, within the zip limits, took
    600 MB in each worker reading it and in the run. Cut into pieces of any size, nothing is missed."""
    import os
    import tracemalloc

    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, COACH_HEADER)
    for row in range(1, 41):
        sheet.write_row(row, 0, ["200", "100", "3/5/2026", "Phone"])
        sheet.write_formula(row, 4, "=1/0", None, "#DIV/0!") if row % 2 else sheet.write_number(row, 4, -0.5)
        sheet.set_row(row, None, None, {"hidden": row % 3 == 0})
    workbook.close()
    for piece in (sheet_xml.PIECE, 100, 7):
        monkeypatch.setattr(sheet_xml, "PIECE", piece)
        with zipfile.ZipFile(path) as archive:
            assert set(read._negative_cells(sheet_xml.pieces(archive, "xl/worksheets/sheet1.xml"))) == {(r, 4) for r in range(3, 42, 2)}
            assert set(read._error_cells(sheet_xml.pieces(archive, "xl/worksheets/sheet1.xml"))) == {(r, 4) for r in range(2, 42, 2)}
            assert sheet_xml.filled_extent(archive, "xl/worksheets/sheet1.xml") == (41, len(COACH_HEADER))
        assert read.hidden_rows(str(path), "Log") == frozenset(range(4, 42, 3))
    monkeypatch.undo()
    padding = b"".join(b"y" * 560 + os.urandom(4).hex().encode() for _ in range(36_000))  # 20 MB, 70 times smaller zipped
    edit_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", b"<sheetData><!-- " + padding + b" -->"))
    tracemalloc.start()
    assert read.hidden_rows(str(path), "Log") == frozenset(range(4, 42, 3))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10 << 20


def test_a_sheet_filled_to_the_end_of_the_grid_is_refused_before_opening(tmp_path):
    """The reader would build every cell up to the last one (17 billion): refused unopened. A sheet
    that only declares the whole grid, its cells filled no further than its table, is read."""
    whole_grid = b'<dimension ref="A1:XFD1048576"/>'
    declared = _log_with_sheet_xml(tmp_path / "declared.xlsx", lambda xml: xml.replace(b'<dimension ref="A1:F1"/>', whole_grid))
    assert read_workbook(str(declared), "declared.xlsx").sheets[0].table == "coach_log"
    filled = _log_with_sheet_xml(tmp_path / "filled.xlsx", lambda xml: xml.replace(b'<dimension ref="A1:F1"/>', whole_grid).replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    result = read_workbook(str(filled), "filled.xlsx")
    assert result.error.startswith("refused before opening: sheet Log declares 1,048,576 rows × 16,384 columns")


def test_a_log_refused_for_a_stray_cell_far_right_names_its_sheet_and_how_far_it_reaches(tmp_path):
    """400 entries and a note typed in column XFD declare 6.5 million cells: refused, in words the
    coordinator can act on (it named the zip part `sheet1.xml`, which Excel never shows)."""
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Notes")
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, COACH_HEADER)
    for row in range(1, 401):
        sheet.write_row(row, 0, ["200", "100", "3/5/2026", "Phone", 1, "call"])
    sheet.write_string(0, 16383, "see the binder")
    workbook.close()
    result = read_workbook(str(path), path.name)
    assert result.error.startswith("refused before opening: sheet Log declares 401 rows × 16,384 columns (6,569,984 cells")
    assert result.error.endswith("; it reaches cell XFD401: if its table ends well before, delete the columns and rows "
                                 "beyond the table and save")


def _log_with_borders_to_the_last_row(path, value_at=None):
    """A 40-entry coach log whose columns carry a border down to Excel's last row, as a coordinator
    formats a column: the sheet's `<dimension>` then reaches row 1,048,576."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, COACH_HEADER)
    for row in range(1, 41):
        sheet.write_row(row, 0, ["200", "100", "3/5/2026", "Phone", 1, "call"])
    border = workbook.add_format({"left": 1})
    for row in (*range(41, 400), 1_048_575):
        for col in range(6):
            sheet.write_blank(row, col, None, border)
    if value_at:
        sheet.write_string(*value_at, "see the binder")
    workbook.close()
    return path


def test_a_sheet_formatted_down_to_excels_last_row_is_read_as_far_as_its_cells_are_filled(tmp_path):
    """Cells only formatted hold nothing: the sheet counts to its last filled cell, not to the
    6.3 million cells its `<dimension>` declares (the whole log was FILE-UNREADABLE)."""
    path = _log_with_borders_to_the_last_row(tmp_path / "log.xlsx")
    with zipfile.ZipFile(path) as archive:
        assert b'<dimension ref="A1:F1048576"/>' in archive.read("xl/worksheets/sheet1.xml")
    result = read_workbook(str(path), path.name)
    assert not result.error and result.sheets[0].table == "coach_log" and len(result.sheets[0].frame) == 40


def test_a_formatted_sheet_filled_past_the_cell_limit_is_refused_at_its_last_filled_cell(tmp_path):
    path = _log_with_borders_to_the_last_row(tmp_path / "log.xlsx", value_at=(249_999, 25))
    result = read_workbook(str(path), path.name)
    assert result.error == ("refused before opening: sheet Log is filled to 250,000 rows × 26 columns (6,500,000 cells; "
                            "limit 5,000,000 a workbook); it reaches cell Z250000: if its table ends well before, delete "
                            "the columns and rows beyond the table and save")


_NOTE_CELL = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize(
    "rows, reason",
    [
        (f'<table:table-row table:number-rows-repeated="2000000">{_NOTE_CELL}</table:table-row>', "2,000,001 rows × 6 columns, more than Excel allows"),
        ('<table:table-row><table:table-cell table:number-columns-repeated="20000" office:value-type="float" office:value="1"/></table:table-row>',
         "2 rows × 20,000 columns, more than Excel allows"),
        ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="21" table:formula="of:=1"/></table:table-row>',
         "1,000,001 rows × 21 columns (21,000,021 cells; limit 5,000,000 a workbook)"),
        ('<table:table-row table:number-rows-repeated="500000"><table:table-cell table:number-columns-repeated="4" table:formula="of:=1"/></table:table-row>'
         '</table:table><table:table table:name="Second">'
         '<table:table-row table:number-rows-repeated="500000"><table:table-cell table:number-columns-repeated="4" table:formula="of:=1"/></table:table-row>',
         "the workbook's other sheets 3,000,006 more"),  # each sheet within the limit, not the two together
        ('<table:table-row table:number-rows-repeated="3000000"><table:table-cell/></table:table-row>'  # blank rows, then a note
         f'<table:table-row>{_NOTE_CELL}</table:table-row>', "3,000,002 rows"),
    ],
)
def test_an_ods_repeating_its_rows_or_cells_past_excels_grid_is_refused_before_opening(tmp_path, rows, reason):
    """A file of a few hundred bytes that declares millions of cells (SPEC §3) is refused without
    building them: its content is streamed, never held."""
    result = read_workbook(str(write_ods(tmp_path / "log.ods", COACH_HEADER, rows)), "log.ods")
    assert result.error.startswith("refused before opening: sheet ") and reason in result.error
    assert result.sheets == []


def test_a_workbook_too_large_to_open_is_refused_with_the_advice_to_split_it(monkeypatch):
    """A log of a million rows inflates past the limit: saving it again (the finding's general fix)
    cannot help, so the reason says what does."""
    from coaching_batch import settings

    monkeypatch.setattr(settings, "MAX_INFLATED_BYTES", 10_000)
    name = "Coach Log - Jordan Reyes.xlsx"
    result = read_workbook(str(SAMPLES / name), name)
    assert result.error.startswith("refused before opening: it would inflate to ")
    assert result.error.endswith("if it truly holds that much, split it into smaller workbooks (a log per coach, or per term)")


def _full_look(monkeypatch, data: bytes) -> tuple[str, dict]:
    """What the zip checks say of ``data`` as a log's .xlsx when it is looked at in full (zipfile)."""
    totals: dict = {}
    with monkeypatch.context() as full:
        full.setattr(read, "plainly_within_limits", lambda _: False)
        return read._inspect("log.xlsx", data, totals), totals


def test_the_quick_look_at_a_zip_never_passes_one_the_full_checks_would_refuse(tmp_path, monkeypatch):
    """An ordinary log's zip is looked at quickly (its table of contents read with struct); whatever
    it passes, the full checks pass too, with no Excel table's Total Rows missed: for hostile
    workbooks (entities, a sheet declaring the whole grid, an Excel table) and for 900 copies damaged
    at random (a byte changed in its table of contents or anywhere, cut short, bytes before or after)."""
    import random

    from coaching_batch.inbox import plainly_within_limits

    ordinary = write_workbook(tmp_path / "log.xlsx", {"Log": [COACH_HEADER] + [["200", "100", "3/5/2026", "Phone", 1, "call"]] * 40,
                                                      "Notes": [["see the binder"]]}).read_bytes()
    sample = (SAMPLES / "Coach Log - Jordan Reyes.xlsx").read_bytes()
    whole_grid = _log_with_sheet_xml(tmp_path / "grid.xlsx", lambda xml: re.sub(rb'<dimension ref="[^"]*"/>',
                                                                                 b'<dimension ref="A1:XFD1048576"/>', xml))
    tabled = tmp_path / "tabled.xlsx"
    workbook = xlsxwriter.Workbook(str(tabled))
    workbook.add_worksheet("Log").add_table("A1:F3", {"columns": [{"header": h} for h in COACH_HEADER], "total_row": True})
    workbook.close()
    hostile = [_with_entities(tmp_path, "xl/worksheets/sheet1.xml"), whole_grid.read_bytes(), tabled.read_bytes()]
    assert plainly_within_limits(ordinary) and plainly_within_limits(sample)
    assert not any(map(plainly_within_limits, hostile))
    passed = 0
    for data in _damaged_copies([ordinary, sample, *hostile], 150, random.Random(20261204)):
        if plainly_within_limits(data):
            passed += 1
            assert _full_look(monkeypatch, data) == ("", {})
    assert passed > 100  # the damage often misses what the checks read


def _damaged_copies(seeds: list[bytes], copies: int, pick) -> Iterator[bytes]:
    """``copies`` of each of ``seeds`` damaged at random: a byte changed in its table of contents or
    anywhere, cut short, bytes before or after."""
    for seed in seeds:
        for _ in range(copies):
            data = bytearray(seed)
            how = pick.randrange(4)
            if how == 0:  # in the table of contents and end record, where the quick look reads
                for _ in range(pick.randint(1, 2)):
                    data[pick.randrange(len(data) * 3 // 4, len(data))] = pick.randrange(256)
            elif how == 1:
                data[pick.randrange(len(data))] = pick.randrange(256)
            elif how == 2:
                del data[pick.randrange(len(data) // 2, len(data)):]
            else:
                data[0:0] = os.urandom(pick.randint(1, 40)) if pick.random() < 0.5 else b""
                data += b"\0" * pick.randint(0, 40)
            yield bytes(data)


def test_the_quick_read_of_a_workbooks_part_gives_what_zipfile_reads_or_nothing(tmp_path):
    """A log's styles are read from its table of contents with struct and zlib, not by opening it as
    an archive: of 600 copies damaged at random, whatever part the quick read gives is the part
    ``zipfile`` reads, byte for byte; where it gives none, the archive is read as before."""
    import random

    from coaching_batch.inbox import plain_part

    ordinary = write_workbook(tmp_path / "log.xlsx", {"Log": [COACH_HEADER] + [["200", "100", "3/5/2026", "Phone", 1, "call"]] * 40})
    ordinary = ordinary.read_bytes()
    sample = (SAMPLES / "Coach Log - Jordan Reyes.xlsx").read_bytes()
    assert plain_part(ordinary, "xl/styles.xml") == zipfile.ZipFile(io.BytesIO(ordinary)).read("xl/styles.xml")
    assert plain_part(ordinary, "xl/no such part.xml") is None
    given = 0
    for data in _damaged_copies([ordinary, sample], 300, random.Random(20261205)):
        for name in ("xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"):
            part = plain_part(data, name)
            if part is not None:
                given += 1
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    assert archive.read(name) == part
    assert given > 600  # the damage often misses the part read


def test_the_quick_read_gives_nothing_for_a_part_whose_bytes_hold_another_members(tmp_path):
    """A zip bomb's trick: a part's bytes run over the next member's header, so two members share
    them. ``zipfile`` refuses such a part in the Python versions that look for it (3.13, and the
    security releases of earlier ones) and reads it in the others: the quick read gives nothing, so
    a workbook reads the same whichever Python runs the job."""
    from coaching_batch.inbox import plain_part

    def local(name: bytes, stored: bytes) -> bytes:
        return struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, zlib.crc32(stored), len(stored), len(stored),
                           len(name), 0) + name + stored

    def central(name: bytes, stored: bytes, offset: int) -> bytes:
        return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, zlib.crc32(stored), len(stored), len(stored),
                           len(name), 0, 0, 0, 0, 0, offset) + name

    inner = b"<workbook/>"
    head = b"<styleSheet/>"
    shared = head + local(b"xl/workbook.xml", inner)  # the styles' bytes hold the workbook's member whole
    members = local(b"xl/styles.xml", shared)
    directory = (central(b"xl/styles.xml", shared, 0)
                 + central(b"xl/workbook.xml", inner, members.index(b"PK\x03\x04", 4)))
    data = members + directory + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(directory), len(members), 0)
    assert plain_part(data, "xl/workbook.xml") == inner  # which shares no other's bytes
    assert plain_part(data, "xl/styles.xml") is None

def test_a_workbook_still_being_copied_in_when_opened_is_read_whole_without_holding_it_many_times_over(tmp_path, monkeypatch):
    """A sync client makes the file empty and then writes it: opened while it was empty, it was read
    a byte at a time (a system call and a Python object each), 40 times its size in memory and a
    second a megabyte. It is read in blocks, whole, and its size as opened says it changed."""
    import tracemalloc

    path = tmp_path / "log.xlsx"
    path.write_bytes(b"")
    copied = os.urandom(512 << 10)
    real_read = os.read

    def copy_finishes(descriptor: int, size: int) -> bytes:
        if path.stat().st_size == 0:
            path.write_bytes(copied)
        return real_read(descriptor, size)

    monkeypatch.setattr(os, "read", copy_finishes)
    tracemalloc.start()
    try:
        digest, data, (size, _) = read._fingerprint(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data == copied and digest == hashlib.sha256(copied).hexdigest()
    assert size == 0  # as opened: the run then finds it changed, and uses nothing in it
    assert peak < 4 * (512 << 10)


def test_a_sheet_that_declares_no_dimension_is_held_to_the_cell_limit_before_its_cells_are_made(tmp_path):
    """`<dimension>` is optional: without it nothing is known before opening, so the extent the reader
    finds is checked before each cell becomes a Python object (one cell at Z250000: 6.5 million)."""
    import re

    far = _log_with_sheet_xml(tmp_path / "no-dimension.xlsx", lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml).replace(
        b"</sheetData>", b'<row r="250000"><c r="Z250000"><v>1</v></c></row></sheetData>'))
    result = read_workbook(str(far), "no-dimension.xlsx")
    assert result.error.startswith("refused: sheet Log declares 250,000 rows × 26 columns") and result.sheets == []


def test_an_ods_with_libreoffices_blank_rows_and_columns_to_the_grids_edge_is_read(tmp_path):
    """LibreOffice writes the blank rest of every sheet as rows repeated to row 1,048,576 and cells
    repeated to column 16,384: only cells that hold something count."""
    blank_rest = ('<table:table-row><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
                  '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    result = read_workbook(str(write_ods(tmp_path / "log.ods", COACH_HEADER, blank_rest)), "log.ods")
    assert not result.error and result.sheets[0].table == "coach_log"
    assert read._inspect(str(FIXTURES / "binder.ods")) == ""  # converted by LibreOffice 7.4


def test_an_ods_declaring_xml_entities_is_refused_and_they_are_never_expanded(tmp_path):
    laughs = '<!DOCTYPE office:document-content [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    result = read_workbook(str(write_ods(tmp_path / "log.ods", COACH_HEADER, "", prolog=laughs)), "log.ods")
    assert result.error == "refused before opening: its content declares XML entities"
    assert result.fix.startswith("Ask the sender how the file was made")  # not to delete rows beyond the table


def _crash_on_poison(path, relpath):
    if "poison" in relpath:
        os._exit(134)  # what a reader abort looks like from outside
    return read_workbook(path, relpath)


def test_a_reader_crash_marks_only_that_file_unreadable(tmp_path, monkeypatch):
    good = [write_workbook(tmp_path / f"log{i}.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, i + 1), "Phone", 1, "x"]]}) for i in range(4)]
    poison = write_workbook(tmp_path / "poison.xlsx", {"Log": [COACH_HEADER]})
    monkeypatch.setattr(read, "read_workbook", _crash_on_poison)
    files = [(str(p), p.name) for p in [*good[:2], poison, *good[2:]]]
    results = {r.relpath: r for r in read_all(files)}
    assert set(results) == {p.name for p in [*good, poison]}
    assert "crashed" in results["poison.xlsx"].error
    assert all(not results[p.name].error and results[p.name].sheets[0].table == "coach_log" for p in good)


@pytest.mark.parametrize("one_reader_bytes", [0, settings.ONE_READER_BYTES], ids=["two readers", "one reader"])
def test_a_reader_crash_inside_a_chunk_of_files_marks_only_that_file_unreadable(tmp_path, monkeypatch, one_reader_bytes):
    monkeypatch.setattr(settings, "ONE_READER_BYTES", one_reader_bytes)  # 0: two readers, few and small as the files are
    good = [write_workbook(tmp_path / f"log{i:02}.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, 1), "Phone", i, "x"]]}) for i in range(40)]
    poison = write_workbook(tmp_path / "poison.xlsx", {"Log": [COACH_HEADER]})
    monkeypatch.setattr(read, "read_workbook", _crash_on_poison)
    files = [(str(p), p.name) for p in [*good[:21], poison, *good[21:]]]
    assert len(read._chunks(len(files), 2)[0]) > 1  # files go to the workers several at a time
    results = {r.relpath: r for r in read_all(files)}
    assert set(results) == {p.name for p in [*good, poison]}
    assert "crashed" in results["poison.xlsx"].error
    assert all(not results[p.name].error and results[p.name].sheets[0].frame["duration"].tolist() == [i] for i, p in enumerate(good))


def _abort_loudly_on_poison(path, relpath):
    if "poison" in relpath:
        os.write(2, b"memory allocation of 549755813888 bytes failed\n")  # python-calamine's last words
        os._exit(134)
    return read_workbook(path, relpath)


def test_a_cell_the_reader_panics_on_marks_only_its_file_unreadable(tmp_path):
    """A Duration of -1e300 days in an h:mm cell makes the reader panic (a Rust panic is no Python
    Exception): that stopped the whole run ('the run failed unexpectedly: PicklingError(...)')."""
    path = tmp_path / "panic.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Log").write_row(0, 0, COACH_HEADER)
    workbook.worksheets()[0].write_row(1, 0, ["200", "100", "3/5/2026", "Phone"])
    workbook.worksheets()[0].write_number(1, 4, 0.123456, workbook.add_format({"num_format": "[h]:mm"}))
    workbook.close()
    edit_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<v>0.123456</v>", b"<v>-1e300</v>"))
    good = write_workbook(tmp_path / "good.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, 1), "Phone", 1, "x"]]})
    results = {r.relpath: r for r in read_all([(str(path), path.name), (str(good), good.name)])}
    assert results["panic.xlsx"].error.startswith("the reader crashed on it") and not results["panic.xlsx"].sheets
    assert not results["good.xlsx"].error and results["good.xlsx"].sheets[0].table == "coach_log"


def _fail_on_poison(path, data=None, totals=None):
    if "poison" in path:
        raise ValueError("a check no one foresaw")
    return ""


def test_an_error_no_check_foresaw_in_reading_one_file_marks_only_that_file_unreadable(tmp_path, monkeypatch):
    """SPEC §8: one unreadable file never stops the run, whatever fails in reading it."""
    good = [write_workbook(tmp_path / f"log{i}.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, i + 1), "Phone", 1, "x"]]})
            for i in range(3)]
    poison = write_workbook(tmp_path / "poison.xlsx", {"Log": [COACH_HEADER]})
    monkeypatch.setattr(read, "_inspect", _fail_on_poison)
    results = {r.relpath: r for r in read_all([(str(p), p.name) for p in [good[0], poison, *good[1:]]])}
    assert results["poison.xlsx"].error.startswith("the reader crashed on it") and results["poison.xlsx"].sha256
    assert all(not results[p.name].error and results[p.name].sheets[0].table == "coach_log" for p in good)


def test_what_a_crashing_reader_prints_stays_off_the_console(tmp_path, monkeypatch, capfd):
    """The file is reported as unreadable; the reader's own message and backtrace are not shown."""
    good = write_workbook(tmp_path / "log.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, 1), "Phone", 1, "x"]]})
    poison = write_workbook(tmp_path / "poison.xlsx", {"Log": [COACH_HEADER]})
    monkeypatch.setattr(read, "read_workbook", _abort_loudly_on_poison)
    results = {r.relpath: r for r in read_all([(str(good), good.name), (str(poison), poison.name)])}
    assert "crashed" in results["poison.xlsx"].error and not results["log.xlsx"].error
    assert "memory allocation" not in capfd.readouterr().err


# --------------------------------------------------------------- feedback and milestones (SPEC §2a)

FEEDBACK_HEADER = ["EMPLOYEE ID", "Role (Coach or Coachee)", "Coach ID", "Candidate ID", "Feedback Date:", "Rating (1-5)", "Comments"]
MILESTONES_HEADER = ["Candidate ID", "Coach ID", "Phase (Orientation, Relationship, Goals, Ongoing Support)", "date", "Campus", "Notes"]


@pytest.mark.parametrize(
    "header, table",
    [
        (FEEDBACK_HEADER, "feedback"),
        (["Employee ID", "Role", "Coach ID", "Candidate ID", "Feedback Date"], "feedback"),  # the required ones only
        (["employee id number", "ROLE", "coach id", "Coachee ID", "FEEDBACK  DATE"], "feedback"),
        (MILESTONES_HEADER, "milestones"),
        (["Candidate ID", "Coach ID", "Phase", "Date"], "milestones"),  # the required ones only
        (["COACHEE ID", "coach\nid", "Milestone", "Milestone Date", "School"], "milestones"),
    ],
)
def test_a_feedback_or_milestones_header_is_that_table_and_no_other(header, table):
    found = recognise([[f"{table.title()} 2026-27"], ["Reps Coaching / Job-Embedded Coaching"], [], header])
    assert (found.table, found.header_row, found.missing) == (table, 3, [])


def test_feedback_and_milestones_sheets_below_title_rows_are_read_with_their_true_cells(tmp_path):
    feedback = [["Reps Coaching: yearly feedback round"], ["CONFIDENTIAL"], FEEDBACK_HEADER,
                ["300001", "Coachee", "200001", "300001", dt.date(2026, 6, 30), 4, "Helpful"]]
    milestones = [["Job-Embedded Coaching milestones"], [], MILESTONES_HEADER,
                  ["300001", "200001", "Orientation", dt.date(2026, 8, 20), "Lincoln Elementary", ""]]
    path = write_workbook(tmp_path / "reps.xlsx", {"Feedback round": feedback, "Phases": milestones}, start_row=1, start_col=1)
    sheets = {sheet.name: sheet for sheet in read_workbook(str(path), "reps.xlsx").sheets}
    assert (sheets["Feedback round"].table, sheets["Feedback round"].header_row) == ("feedback", 4)
    assert sheets["Feedback round"].columns["feedback_date"] == 5  # column F
    assert sheets["Feedback round"].frame["role"].tolist() == ["Coachee"] and list(sheets["Feedback round"].frame.index) == [5]
    assert (sheets["Phases"].table, sheets["Phases"].header_row, sheets["Phases"].columns["phase"]) == ("milestones", 4, 3)
    assert sheets["Phases"].frame["phase"].tolist() == ["Orientation"]


@pytest.mark.parametrize(
    "header, missing",
    [
        (["Employee ID", "Coach ID", "Candidate ID", "Feedback Date", "Rating", "Comments"], ["role"]),
        (["Candidate ID", "Coach ID", "Date", "Campus", "Notes"], ["phase"]),
    ],
)
def test_a_feedback_or_milestones_sheet_lacking_a_required_column_is_reported_as_that_table(header, missing):
    found = recognise([header])
    assert found.table in ("feedback", "milestones") and found.missing == missing


@pytest.mark.parametrize(
    "header, table",
    [
        (["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration"], "coach_log"),
        (["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Campus", "Notes"], "coach_log"),
        (["Candidate ID", "Coach ID", "Date", "Duration", "Notes"], "candidate_log"),
        (["Candidate ID", "Coach ID", "Date", "Duration", "Campus", "Notes"], "candidate_log"),  # not milestones lacking Phase
        (["Candidate ID", "Coach ID", "Date", "Hours", "School", "Notes", "Description"], "candidate_log"),
        (["Candidate ID", "Coach ID", "Date", "Hours", "Activity Type", "Description"], "candidate_log"),
        (["Program", "Candidate ID", "Coach ID", "Assigned Date", "Planning Meeting Date", "Status",
          "Completion Date", "Agreement Date", "Extended Until"], "assignments"),
        (["Candidate ID", "Coach ID", "Agreement Date"], "assignments"),
        (["Candidate ID", "Coach ID", "Assigned Date", "Extended Until", "Notes"], "assignments"),
        (["Employee ID", "Name", "Role", "Grade", "Position Start Date", "Supervisor ID", "Employment Status",
          "Evaluation Status"], "employees"),
        (["Employee ID", "Employee Name", "Request Date", "Target Grade", "Notes"], "requests"),
        (["Prospective Coach ID", "Reference Name", "Relationship", "Overall Recommendation", "Date"], "recommendations"),
    ],
)
def test_the_existing_tables_are_not_mistaken_for_feedback_or_milestones(header, table):
    assert recognise([["Title"], header]).table == table


def test_a_log_with_a_misspelt_type_of_contact_is_still_a_coach_log_lacking_it():
    found = recognise([["Candidate ID", "Coach ID", "Date", "Type of Contacts", "Duration", "Brief Description of Contact"]])
    assert (found.table, found.missing) == ("coach_log", ["contact_type"])


def test_the_inbox_is_listed_in_path_order_and_a_recursive_listing_sorts_as_paths_do(tmp_path):
    """Of two files with the same bytes the first in path order is read: discovery lists the inbox
    sorted as paths sort (capitals first; a subfolder's files before a name that extends the
    folder's with `-`), and a recursive listing lists a hidden folder as one entry not read, and other folders not at all."""
    from coaching_batch.inbox import discover

    for name in ("b.xlsx", "B.xlsx", "a-c.xlsx", "a/x.xlsx", "a/.y.xlsx", ".h/z.xlsx", "notes.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    flat = [(c.relpath, c.skip_reason) for c in discover(tmp_path)]
    assert [relpath for relpath, _ in flat] == [".h", "B.xlsx", "a", "a-c.xlsx", "b.xlsx", "notes.txt"]
    assert dict(flat)["a"] == "folder" and dict(flat)["b.xlsx"] == ""
    nested = [(c.relpath, c.skip_reason) for c in discover(tmp_path, recursive=True)]
    assert [relpath for relpath, _ in nested] == [".h", "B.xlsx", "a/.y.xlsx", "a/x.xlsx", "a-c.xlsx", "b.xlsx", "notes.txt"]
    assert dict(nested)["a/.y.xlsx"] == "hidden file" and dict(nested)[".h"] == "hidden folder (not read)"


@pytest.mark.parametrize("blank_rows, table", [(29, "coach_log"), (30, None)])
def test_a_header_row_is_looked_for_in_the_sheets_first_30_rows_even_below_blank_rows(tmp_path, blank_rows, table):
    """Blank rows above the header count as rows of the sheet, as a title row does: a header in row 30
    is read, one in row 31 is not (the reader's rows start at the first used row)."""
    path = write_workbook(tmp_path / "log.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, 5), "Phone", 1.5, "call"]]},
                          start_row=blank_rows)
    sheet = read_workbook(str(path), "log.xlsx").sheets[0]
    assert sheet.table == table


def test_an_id_kept_as_a_number_under_a_format_of_zeros_reads_as_excel_shows_it(tmp_path):
    """HR's export keeps IDs as numbers shown with their leading zeros (format `000000`: 88912 shows
    as 088912): read as that text, they match the same IDs typed as text in the logs (they were 88912,
    not in the roster, and every pair of theirs lost its hours). Other numbers keep their value."""
    path = tmp_path / "roster.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Roster")
    zeros, plain = workbook.add_format({"num_format": "000000"}), workbook.add_format({"num_format": "0"})
    sheet.write_row(0, 0, ["Employee ID", "Name", "Grade", "Supervisor ID"])
    sheet.write_number(1, 0, 88912, zeros)
    sheet.write_row(1, 1, ["Kim Lee"])
    sheet.write_number(1, 2, 22, zeros)  # not an ID: a number all the same
    sheet.write_number(1, 3, 4512, zeros)
    sheet.write_number(2, 0, 123456, plain)
    sheet.write_row(2, 1, ["Pat Kay", 20])
    sheet.write_string(2, 3, "004512")
    workbook.close()
    frame = read_workbook(str(path), path.name).sheets[0].frame
    assert frame["employee_id"].tolist() == ["088912", 123456]
    assert frame["supervisor_id"].tolist() == ["004512", "004512"]
    assert frame["grade"].tolist() == [22, 20]



def test_an_ods_cell_holding_a_tab_or_a_line_break_reads_it_as_a_space_as_the_xlsx_does(tmp_path):
    """LibreOffice saves a tab typed or pasted in a cell (`Candidate<tab>ID`, `Eve<tab>Lee`), and a
    line break within a paragraph, as elements of their own: the reader dropped them, so the header
    was `CandidateID` (the sheet lacked its Candidate ID column) and the name `EveLee`."""
    header = ["Candidate<text:tab/>ID", "Coach ID", "Date", "Type of<text:line-break/>Contact", "Duration", "Description"]
    row = "".join(f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
                  for text in ["200", "100", "2026-03-05", "In Person", "1:30", "Eve<text:tab/>Lee<text:line-break />visit"])
    result = read_workbook(str(write_ods(tmp_path / "log.ods", header, f"<table:table-row>{row}</table:table-row>")), "log.ods")
    [sheet] = result.sheets
    assert not result.error and sheet.table == "coach_log" and sheet.missing == []
    assert sheet.frame.loc[2, "candidate_id"] == "200" and " ".join(sheet.frame.loc[2, "description"].split()) == "Eve Lee visit"


ASSIGNMENT_HEADER = ["Program", "Candidate ID", "Coach ID", "Assigned Date", "Planning Meeting Date", "Target Grade",
                     "Goal 1", "Goals Attained", "Status", "Completion Date", "Payment Request Date"]


@pytest.mark.parametrize("first", [
    # real pairs that share values with the templates' example row (2026-03-02, 23, Yes, Active)
    [None, "300001", "200001", dt.date(2026, 3, 2), dt.date(2026, 3, 2), 23, "Lead a review", "Yes", "Active", None, None],
    [None, "300001", "200001", dt.date(2025, 9, 1), dt.date(2025, 9, 8), 23, "Lead a review", "Yes", "Completed",
     dt.date(2026, 3, 2), dt.date(2026, 3, 2)],
    # assigned, met, completed and the payment requested on the example's day: real dates all the same
    [None, "300001", "200001", dt.date(2026, 3, 2), dt.date(2026, 3, 2), 23, "Lead a review", "Yes", "Completed",
     dt.date(2026, 3, 2), dt.date(2026, 3, 2)],
])
def test_a_first_row_sharing_some_values_with_the_example_row_is_read_as_typed(tmp_path, first):
    rows = [ASSIGNMENT_HEADER, first]
    sheet = read_workbook(str(write_workbook(tmp_path / "pairs.xlsx", {"Pairs": rows})), "pairs.xlsx").sheets[0]
    assert sheet.example_left == []
    assert sheet.frame.iloc[0].tolist()[1:] == first[1:]


def test_a_log_entry_typed_over_the_example_row_names_what_is_left_of_it(tmp_path):
    """The example's description is no data and is not read; its ID and its Type of Contact, in
    columns the entry needs, are read as typed (and named)."""
    rows = [COACH_HEADER, ["300001", "100234", dt.date(2026, 4, 7), "In Person", 2, "any text"],
            ["300001", "200001", dt.date(2026, 4, 14), "Phone", 1, "call"]]
    sheet = read_workbook(str(write_workbook(tmp_path / "log.xlsx", {"Log": rows})), "log.xlsx").sheets[0]
    assert sheet.example_left == [("coach_id", 1, "100234", "kept"), ("contact_type", 3, "'In Person'", "kept"),
                                  ("description", 5, "'any text'", "cleared")]
    assert sheet.frame["description"].tolist() == [None, "call"]
    assert sheet.frame["coach_id"].tolist() == ["100234", "200001"]
