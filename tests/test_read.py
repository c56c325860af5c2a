"""Reading and recognising sheets: header rows anywhere in the first 30 rows, true cell positions."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from coaching_batch import read
from coaching_batch.read import read_all, read_workbook
from coaching_batch.recognise import normalise_header, recognise
from workbooks import write_workbook

COACH_HEADER = ["Candidate ID", "Coach ID", "Date", "Type of Contact (In Person, Phone, Email)", "Duration", "Brief Description of Contact"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Type of Contact (In Person, Phone, Email)", "type of contact"),
        ("Candidate Name:", "candidate name"),
        ("  EMPLOYEE\nID\u00a0 Number ", "employee id number"),
        ("Duration (h:mm):", "duration"),
        (12, ""),
    ],
)
def test_headers_are_normalised_before_matching(raw, expected):
    assert normalise_header(raw) == expected


def test_a_log_with_type_of_contact_is_a_coach_log_and_without_it_a_candidate_log():
    assert recognise([COACH_HEADER]).table == "coach_log"
    assert recognise([["Candidate ID", "Coach ID", "Date", "Duration"]]).table == "candidate_log"


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


def test_a_file_that_is_not_a_workbook_is_an_error_not_a_crash(tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("this is not a spreadsheet")
    result = read_workbook(str(bad), "notes.xlsx")
    assert result.error and result.sheets == []


def test_a_sheet_declaring_the_whole_grid_is_refused_before_opening(tmp_path):
    import zipfile

    path = write_workbook(tmp_path / "huge.xlsx", {"Log": [COACH_HEADER]})
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:F1"/>', b'<dimension ref="A1:XFD1048576"/>')
                assert b"XFD1048576" in data
            dst.writestr(item, data)
    result = read_workbook(str(patched), "patched.xlsx")
    assert "refused" in result.error and "1,048,576" in result.error


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


def test_a_reader_crash_inside_a_chunk_of_files_marks_only_that_file_unreadable(tmp_path, monkeypatch):
    good = [write_workbook(tmp_path / f"log{i:02}.xlsx", {"Log": [COACH_HEADER, ["200", "100", dt.date(2026, 3, 1), "Phone", i, "x"]]}) for i in range(40)]
    poison = write_workbook(tmp_path / "poison.xlsx", {"Log": [COACH_HEADER]})
    monkeypatch.setattr(read, "read_workbook", _crash_on_poison)
    files = [(str(p), p.name) for p in [*good[:21], poison, *good[21:]]]
    assert len(read._chunks(len(files), 2)[0]) > 1  # files go to the workers several at a time
    results = {r.relpath: r for r in read_all(files)}
    assert set(results) == {p.name for p in [*good, poison]}
    assert "crashed" in results["poison.xlsx"].error
    assert all(not results[p.name].error and results[p.name].sheets[0].frame["duration"].tolist() == [i] for i, p in enumerate(good))
