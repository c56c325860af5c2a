"""The output writers: four files, written atomically, text kept as text, read back with openpyxl."""

from __future__ import annotations

import dataclasses
import gc
import json
import math
import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter.workbook

from coaching_batch import reports
from coaching_batch.findings import Severity, finding
from coaching_batch.model import (
    CERTIFICATE_COLUMNS, COACH_COLUMNS, HOURS_BY_MONTH_COLUMNS, PAIR_COLUMNS, PAYMENT_COLUMNS, InputFile, RunResult,
    SheetInfo,
)
from coaching_batch.policy import load_policy, policy_from_toml
from coaching_batch.reports import atomic, write_outputs
from coaching_batch.reports import results as results_module
from coaching_batch.reports import runjson
from coaching_batch.reports.exceptions import finding_key
from coaching_batch.reports.runjson import run_summary
from workbooks import output_texts

AS_OF = date(2026, 11, 20)
FORMULA_TEXT = '=HYPERLINK("http://x","y")'
PHONE_LIKE = "+1-555"


def pair(candidate_id, coach_id, candidate_name, coach_name, *, candidate_minutes, coach_minutes, complete, paid,
         planning="2026-05-01", completion=None, reasons="", program="itss-coaching", minimums=(40, 12), **more):
    """A Pairs row; ``minimums`` None is a program without hour minimums (hours needed NaN)."""
    def needed(minimum_hours, minutes):
        return float("nan") if minimum_hours is None else round(max(minimum_hours * 60 - minutes, 0) / 60, 2)

    need_candidate, need_coach = minimums or (None, None)
    return {
        "program": program, "candidate_id": candidate_id, "candidate_name": candidate_name,
        "coach_id": coach_id, "coach_name": coach_name, "assigned_date": pd.Timestamp("2026-04-15"),
        "planning_meeting_date": pd.Timestamp(planning), "agreement_date": pd.NaT, "start": pd.Timestamp(planning),
        "deadline": pd.Timestamp(planning) + pd.DateOffset(months=6), "extended_until": pd.NaT,
        "status": "Completed" if completion else "Active",
        "completion_date": pd.Timestamp(completion) if completion else pd.NaT,
        "payment_request_date": pd.Timestamp(completion) if paid else pd.NaT,
        "candidate_minutes": candidate_minutes, "coach_contact_minutes": coach_minutes,
        "candidate_hours": round(candidate_minutes / 60, 2), "coach_contact_hours": round(coach_minutes / 60, 2),
        "candidate_hours_needed": needed(need_candidate, candidate_minutes),
        "coach_contact_hours_needed": needed(need_coach, coach_minutes),
        "feedback_coach_date": pd.NaT, "feedback_coachee_date": pd.NaT,
        "completion_eligible": complete, "payment_eligible": paid,
        "payment_id": f"P-{candidate_id}-{coach_id}", "paid_on": pd.NaT, "reasons": reasons,
        **{key: pd.Timestamp(value) if "date" in key or key in ("start", "extended_until") else value
           for key, value in more.items()},
    }


def make_result(policy, *, with_payment: bool = True, **changes) -> RunResult:
    pairs = pd.DataFrame([
        pair("1001", "2001", PHONE_LIKE, "Grace Kim", candidate_minutes=2430, coach_minutes=760, complete=True,
             paid=True, completion="2026-10-30"),
        pair("1002", "2002", "Oscar Diaz", "Helen Wu", candidate_minutes=1201, coach_minutes=300, complete=False,
             paid=False, reasons="candidate hours 20.02 < 40; goals not attained", blocking_errors="PAIR-OVERDUE"),
        pair("1003", "2003", "@foo", "Chris Dunn", candidate_minutes=0, coach_minutes=0, complete=False, paid=False,
             planning="2026-10-01"),
    ], columns=PAIR_COLUMNS)
    payment_rows = [{
        "payment_id": "P-1001-2001", "coach_id": "2001", "coach_name": "Grace Kim", "candidate_id": "1001",
        "candidate_name": PHONE_LIKE, "start_date": pd.Timestamp("2026-05-01"), "end_date": pd.Timestamp("2026-10-30"),
        "coach_contact_hours": 12.67, "candidate_hours": 40.5, "amount": 300.0,
        "program": "itss-coaching", "amount_basis": "flat stipend $300.00",
    }] if with_payment else []
    findings = [
        finding("LOG-DURATION-IMPLAUSIBLE", "Entry of 9.00 h is longer than 8 h", file="Coach Log.xlsx", sheet="Log",
                cell="D7", candidate_id="1002", coach_id="2002"),
        finding("SHEET-UNRECOGNIZED", "Sheet 'Notes' holds no table", file="Roster.xlsx", sheet="Notes"),
        finding("CELL-TYPE", FORMULA_TEXT, file="Roster.xlsx", sheet="Staff", cell="B4"),
        finding("PAIR-OVERDUE", "The deadline passed", candidate_id="1002", coach_id="2002",
                file="Assignments.xlsx", sheet="Pairs", program="itss-coaching"),
    ]
    inputs = [
        InputFile("Roster.xlsx", "ab" * 32, 12_345, "read", sheets=[
            SheetInfo("Staff", "employees", 12, header_row=1), SheetInfo("Notes", None, 0, hidden=True),
        ]),
        InputFile("~$Roster.xlsx", "", 165, "skipped", note="Excel lock file"),
    ]
    values = dict(
        as_of=AS_OF, policy=policy, inbox="inbox", inputs=inputs, pairs=pairs,
        payments=pd.DataFrame(payment_rows, columns=PAYMENT_COLUMNS),
        coaches=pd.DataFrame([{
            "program": "itss-coaching", "coach_id": "2001", "coach_name": "Grace Kim", "grade": 9, "hire_date": pd.Timestamp("2015-03-01"),
            "pgs_status": "Meeting", "coach_training_date": pd.NaT, "recommendations_complete": True,
            "qualified": False, "reasons": "no coach training date",
        }], columns=COACH_COLUMNS),
        hours_by_month=pd.DataFrame([{"program": "itss-coaching", "candidate_id": "1001", "coach_id": "2001", "month": "2026-05",
                                      "candidate_hours": 10.5, "coach_contact_hours": float("nan")}],
                                    columns=HOURS_BY_MONTH_COLUMNS),
        certificates=pd.DataFrame(columns=CERTIFICATE_COLUMNS),
        findings=findings,
    )
    values.update(changes)
    return RunResult(**values)


def header(sheet) -> list:
    return [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]


def rows(sheet) -> list[dict]:
    """Data rows as dicts keyed by header (blank rows left out)."""
    names = header(sheet)
    return [dict(zip(names, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


@pytest.fixture
def written(tmp_path, policy):
    out = tmp_path / "out" / "2026-11-20"
    paths = write_outputs(make_result(policy), out)
    return out, paths


def test_write_outputs_creates_the_folder_and_the_four_files(written):
    out, paths = written
    assert [p.name for p in paths] == ["results.xlsx", "payments.xlsx", "exceptions.xlsx", "run.json"]
    assert all(p.parent == out and p.is_file() for p in paths)


def test_no_temporary_file_is_left_in_the_folder(written):
    out, _ = written
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["exceptions.xlsx", "payments.xlsx", "results.xlsx", "run.json"]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") or "tmp" in p.name]  # folders of documents aside


def test_results_workbook_has_its_sheets_in_order(written):
    book = openpyxl.load_workbook(written[0] / "results.xlsx")
    assert book.sheetnames == ["Summary", "Progress", "Pairs", "Coaches", "Hours by Month", "Exceptions", "Certificates",
                              "Inputs", "Progress Data"]


def test_pairs_sheet_is_a_table_with_human_headers_and_no_minutes(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Pairs"]
    names = header(sheet)
    assert names[:4] == ["Program", "Candidate ID", "Candidate Name", "Coach ID"]
    for wanted in ("Candidate Hours", "Hours Still Needed (Candidate)", "Completion Eligible", "Payment Eligible", "Reasons"):
        assert wanted in names
    assert not any("minutes" in n.lower() for n in names)
    assert len(names) == len([c for c in PAIR_COLUMNS if not c.endswith("_minutes")])
    assert list(sheet.tables) == ["Pairs"] and sheet.tables["Pairs"].ref == f"A1:{sheet.cell(1, len(names)).column_letter}4"
    assert sheet.freeze_panes == "A2"


def test_pairs_sheet_types_dates_hours_and_yes_no(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Pairs"]
    first = rows(sheet)[0]
    assert first["Planning Meeting Date"] == datetime(2026, 5, 1)
    assert sheet["G2"].is_date and sheet["G2"].number_format == "yyyy-mm-dd"
    assert first["Candidate Hours"] == 40.5
    assert first["Completion Eligible"] == "Yes"
    assert rows(sheet)[1]["Completion Eligible"] == "No"
    assert first["Completion Date"] == datetime(2026, 10, 30)
    assert rows(sheet)[1]["Completion Date"] is None  # NaT is a blank cell


def test_a_date_of_1_january_1900_is_that_date_not_a_time_of_day(tmp_path, policy):
    # Serial 1 or '1/1/1900' typed in a date cell is read as 1900-01-01; xlsxwriter takes a datetime on
    # that day for a time of day (serial 0, which Excel shows as 1900-01-00 and an import reads as 00:00).
    result = make_result(policy)
    result.pairs.loc[0, "assigned_date"] = pd.Timestamp("1900-01-01")
    result.pairs.loc[1, "assigned_date"] = pd.Timestamp("1900-01-02")
    out = tmp_path / "out"
    write_outputs(dataclasses.replace(result, as_of=date(1900, 1, 1)), out)
    book = openpyxl.load_workbook(out / "results.xlsx")
    assigned = [r["Assigned Date"] for r in rows(book["Pairs"])]
    assert assigned[:2] == [datetime(1900, 1, 1), datetime(1900, 1, 2)]
    as_of = next(row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0] == "As-of date")
    assert as_of == datetime(1900, 1, 1)


def test_formula_looking_input_text_stays_a_string_cell(written):
    book = openpyxl.load_workbook(written[0] / "results.xlsx")
    messages = [c for c in book["Exceptions"]["C"] if c.value == FORMULA_TEXT]
    assert messages and all(c.data_type == "s" for c in messages)
    names = {c.value: c for c in book["Pairs"]["C"]}
    assert names[PHONE_LIKE].data_type == "s" and names["@foo"].data_type == "s"
    payments = openpyxl.load_workbook(written[0] / "payments.xlsx")["Payments"]
    assert payments["E2"].value == PHONE_LIKE and payments["E2"].data_type == "s"
    report = openpyxl.load_workbook(written[0] / "exceptions.xlsx")["Exceptions"]
    assert any(c.value == FORMULA_TEXT and c.data_type == "s" for c in report["D"])


def test_no_output_workbook_holds_a_formula(written):
    for name in ("results.xlsx", "payments.xlsx", "exceptions.xlsx"):
        book = openpyxl.load_workbook(written[0] / name)
        for sheet in book.worksheets:
            assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), (name, sheet.title)


def test_writing_the_workbooks_leaves_xlsxwriter_zipping_as_before(written):
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # the fast level was given for the writes only
    for name in ("results.xlsx", "payments.xlsx", "exceptions.xlsx"):
        with zipfile.ZipFile(written[0] / name) as book:
            assert book.testzip() is None

def test_a_workbook_too_large_to_put_together_in_memory_has_the_same_cells(tmp_path, policy, monkeypatch):
    """Small workbooks are assembled in memory, large ones through temporary files: the same workbooks."""
    from coaching_batch.reports import xlsx

    def cells(folder: Path) -> dict:
        books = {name: openpyxl.load_workbook(folder / name) for name in ("results.xlsx", "payments.xlsx", "exceptions.xlsx")}
        return {(name, sheet.title): [[c.value for c in row] for row in sheet.iter_rows()]
                for name, book in books.items() for sheet in book.worksheets}

    write_outputs(make_result(policy), tmp_path / "memory")
    monkeypatch.setattr(xlsx, "IN_MEMORY_CELLS", 0)
    write_outputs(make_result(policy), tmp_path / "files")
    assert cells(tmp_path / "files") == cells(tmp_path / "memory")
    assert not list(tmp_path.glob("files/.*"))


def test_writing_a_table_leaves_the_garbage_collector_as_it_found_it(tmp_path, policy):
    assert gc.isenabled()
    write_outputs(make_result(policy), tmp_path / "on")
    assert gc.isenabled()
    gc.disable()
    try:
        write_outputs(make_result(policy), tmp_path / "off")
        assert not gc.isenabled()
    finally:
        gc.enable()

def test_a_table_of_repeated_values_has_each_rows_cells_and_refuses_an_overlapping_range(tmp_path):
    """A table's cells of one value share one stored cell and its range is kept whole (the memory of a
    200,000-row Exceptions sheet): every row still has its own cells, and a merge or another table
    over it is still refused, as xlsxwriter refuses it (Excel would call the file corrupt)."""
    from xlsxwriter.exceptions import OverlappingRange

    from coaching_batch.reports.xlsx import COUNT, DATE, HOURS, Column, Formats, open_workbook, write_table_sheet

    columns = [Column("severity", "Severity"), Column("hours", "Hours", HOURS), Column("count", "Count", COUNT),
               Column("day", "Day", DATE)]
    frame = pd.DataFrame({"severity": ["Error", "Error", "Warning", "Error"], "hours": [1.5, 1.5, 2.0, 1.5],
                          "count": [1, 1, 1, 2], "day": [date(2026, 5, 1), date(2026, 5, 1), date(1900, 1, 1), None]})
    workbook = open_workbook(tmp_path / "table.xlsx")
    formats = Formats(workbook)
    sheet = write_table_sheet(workbook, formats, "Exceptions", frame, columns)
    with pytest.raises(OverlappingRange):
        sheet.merge_range(3, 2, 3, 5, "", formats.label)
    with pytest.raises(OverlappingRange):
        sheet.add_table(4, 3, 6, 5)
    assert sheet.add_table(6, 0, 7, 1) == 0  # beside it: a table of its own
    workbook.close()

    table = openpyxl.load_workbook(tmp_path / "table.xlsx")["Exceptions"]
    assert [[c.value for c in row] for row in table.iter_rows(min_row=1, max_row=5)] == [
        ["Severity", "Hours", "Count", "Day"],
        ["Error", 1.5, 1, datetime(2026, 5, 1)],
        ["Error", 1.5, 1, datetime(2026, 5, 1)],
        ["Warning", 2, 1, datetime(1900, 1, 1)],
        ["Error", 1.5, 2, None],
    ]
    assert sorted(table.tables) == ["Exceptions", "Table2"]


def test_results_exceptions_sheet_lists_errors_first_with_its_columns(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Exceptions"]
    assert header(sheet) == ["Severity", "Rule", "Message", "File", "Sheet", "Cell", "Candidate ID", "Coach ID", "Program",
                             "Fix", "Who Acts"]
    severities = [r["Severity"] for r in rows(sheet)]
    assert severities == ["Error", "Error", "Warning", "Info"]
    assert sheet.conditional_formatting  # error and warning rows are highlighted


def test_summary_sheet_shows_counts_total_and_policy(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Summary"]
    values = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r[0] is not None}
    assert values["As-of date"] == datetime(2026, 11, 20)
    assert values["Pairs (assignments)"] == 3
    assert values["Errors"] == 2
    assert values["Amount payable this run"] == 300
    assert values["program"] == "itss-coaching"
    assert values["hours.candidate_minimum"] == "40"
    assert values["coach.require_training"] == "Yes"


def test_inputs_sheet_has_a_row_per_file_and_sheet(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Inputs"]
    assert header(sheet) == ["File", "Status", "Note", "SHA-256", "Size", "Sheet", "Hidden", "Recognised Table",
                             "Header Row", "Rows Read"]
    table = rows(sheet)
    assert [(r["File"], r["Sheet"]) for r in table] == [("Roster.xlsx", "Staff"), ("Roster.xlsx", "Notes"), ("~$Roster.xlsx", None)]
    assert table[0]["Recognised Table"] == "employees" and table[0]["Rows Read"] == 12 and table[0]["Size"] == 12345
    assert table[1]["Hidden"] == "Yes"


def test_empty_frame_gives_a_sheet_with_its_header(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Certificates"]
    assert header(sheet) == ["Program", "Candidate ID", "Candidate Name", "Coach ID", "Coach Name", "Completion Date",
                             "Send To", "Copies To", "Certificate ID", "Issued On", "PDF"]
    assert rows(sheet) == []
    assert list(sheet.tables) == ["Certificates"]


def test_missing_number_is_a_blank_cell(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Hours by Month"]
    assert rows(sheet) == [{"Program": "itss-coaching", "Candidate ID": "1001", "Coach ID": "2001", "Month": "2026-05", "Candidate Hours": 10.5,
                            "Coach Contact Hours": None}]


def test_payment_sheet_has_finance_columns_then_a_numeric_total(written):
    sheet = openpyxl.load_workbook(written[0] / "payments.xlsx")["Payments"]
    assert sheet.parent.sheetnames == ["Payments"]
    assert header(sheet) == ["Payment ID", "Coach ID", "Coach Name", "Candidate ID", "Candidate Name", "Start Date",
                             "End Date", "Coach Contact Hours", "Candidate Hours", "Amount", "Program", "Amount Basis"]
    assert sheet["F2"].value == datetime(2026, 5, 1) and sheet["F2"].is_date
    assert sheet["J2"].value == 300 and sheet["J2"].number_format == "$#,##0.00"
    assert sheet.max_row == 3
    assert sheet["A3"].value == "Total"
    assert sheet["J3"].value == 300 and sheet["J3"].data_type == "n"
    assert all(sheet.cell(3, col).value is None for col in (*range(2, 10), 11, 12))
    assert sheet["K2"].value == "itss-coaching" and sheet["L2"].value == "flat stipend $300.00"


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_dry_runs_payment_sheet_says_not_for_payment_around_an_unmoved_table(tmp_path, policy, dry_run):
    write_outputs(make_result(policy, dry_run=dry_run), tmp_path)
    book = openpyxl.load_workbook(tmp_path / "payments.xlsx")
    sheet = book["Payments"]
    # the table a finance import reads is where it always is: header in row 1, the payment, the total last
    assert book.sheetnames == ["Payments"] and header(sheet)[:2] == ["Payment ID", "Coach ID"]
    assert sheet.max_row == 3 and sheet["A3"].value == "Total" and sheet["J3"].value == 300
    with zipfile.ZipFile(tmp_path / "payments.xlsx") as archive:
        drawn = " ".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/drawings/"))
    banner = "DRY RUN — NOT FOR PAYMENT (nothing recorded in the ledger)"
    if dry_run:
        assert banner in sheet.oddHeader.center.text  # on every printed page
        assert banner in drawn and sheet.sheet_properties.tabColor.rgb.endswith("9C0006")  # and on screen
    else:
        assert sheet.oddHeader.center.text is None and not drawn and sheet.sheet_properties.tabColor is None
    run = dict(r[:2] for r in summary_section(summary_cells(tmp_path), "Run"))
    assert run["Dry run"].startswith("Yes: nothing was recorded in the ledger") if dry_run else run["Dry run"] == "No"


def test_payment_total_is_the_sum_of_the_amounts(tmp_path, policy):
    payments = pd.DataFrame([
        {"payment_id": f"P-{i}", "coach_id": f"C{i}", "candidate_id": f"K{i}", "amount": amount}
        for i, amount in enumerate([300.0, 300.0, 0.1, 0.2])
    ], columns=PAYMENT_COLUMNS)
    write_outputs(make_result(policy, payments=payments), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    amounts = [sheet.cell(r, 10).value for r in range(2, 6)]
    assert sheet["A6"].value == "Total"
    assert sheet["J6"].value == pytest.approx(sum(amounts)) == 600.3


def test_zero_payments_give_header_and_a_total_of_zero(tmp_path, policy):
    write_outputs(make_result(policy, with_payment=False), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    assert sheet.max_row == 2
    assert header(sheet)[0] == "Payment ID"
    assert sheet["A2"].value == "Total" and sheet["J2"].value == 0


def test_exception_report_groups_by_who_acts_then_severity(written):
    book = openpyxl.load_workbook(written[0] / "exceptions.xlsx")
    assert book.sheetnames == ["Summary", "Exceptions"]
    sheet = book["Exceptions"]
    assert header(sheet) == ["Status", "Severity", "Rule", "Message", "File", "Sheet", "Cell", "Candidate ID",
                             "Coach ID", "Program", "Fix", "Who Acts", "First Seen", "Age (days)"]
    order = [(r["Who Acts"], r["Severity"], r["Rule"]) for r in rows(sheet)]
    assert order == [
        ("Coordinator", "Error", "CELL-TYPE"), ("Coordinator", "Error", "PAIR-OVERDUE"),
        ("Coordinator", "Info", "SHEET-UNRECOGNIZED"), ("Coach", "Warning", "LOG-DURATION-IMPLAUSIBLE"),
    ]
    first = rows(sheet)[0]
    assert first["Status"] == "New" and first["First Seen"] == datetime(2026, 11, 20) and first["Age (days)"] == 0
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and int(sheet.page_setup.fitToHeight) == 0  # 1 page wide, any tall


def test_exception_summary_lists_each_program_on_its_own_line(tmp_path, policy):
    """Four titles side by side in one cell ran off the printed page."""
    names = ("itss-coaching", "support-mentoring", "reps-coaching", "job-embedded")
    programs = {name: load_policy(name) for name in names}
    write_outputs(make_result(policy, programs=programs), tmp_path)
    summary = openpyxl.load_workbook(tmp_path / "exceptions.xlsx")["Summary"]
    assert summary["A3"].value == "Programs"
    assert [summary.cell(row, 2).value for row in range(3, 7)] == [p.title for p in programs.values()]
    assert summary["A8"].value == "Open findings (New and Open) by who acts"


def test_who_acts_is_called_what_each_program_calls_its_people(tmp_path, policy):
    """A mentoring pair's finding for its coach goes to the Mentor, a reps pair's for its candidate to
    the Coachee, on both Exceptions sheets and in the Summary's counts by who acts; ITSS's keep Coach."""
    names = ("itss-coaching", "support-mentoring", "reps-coaching")
    programs = {name: load_policy(name) for name in names}
    base = make_result(policy)
    month = finding("LOG-MONTH-MISSING", "No meeting logged in 2026-08", file="Mentoring.xlsx", sheet="Pairs",
                    candidate_id="3001", coach_id="4001", program="support-mentoring", topic="2026-08")
    feedback = finding("FEEDBACK-MISSING", "No feedback from the coachee", file="Reps.xlsx", sheet="Pairs",
                       candidate_id="5001", coach_id="6001", program="reps-coaching", actor="candidate", topic="Coachee")
    write_outputs(make_result(policy, programs=programs, findings=[*base.findings, month, feedback]), tmp_path)
    book = openpyxl.load_workbook(tmp_path / "exceptions.xlsx")
    acts = {r["Rule"]: r["Who Acts"] for r in rows(book["Exceptions"])}
    assert (acts["LOG-MONTH-MISSING"], acts["FEEDBACK-MISSING"], acts["LOG-DURATION-IMPLAUSIBLE"]) == ("Mentor", "Coachee", "Coach")
    assert [r["Who Acts"] for r in rows(book["Exceptions"])][-3:] == ["Coach", "Mentor", "Coachee"]
    summary = {r[0]: r[2] for r in book["Summary"].iter_rows(values_only=True) if r[0] and r[2] is not None}
    listed = [r[0] for r in book["Summary"].iter_rows(values_only=True)]
    assert listed[listed.index("Who Acts") + 1:listed.index("Total")] == [
        "Coordinator", "Coach", "Mentor", "Candidate", "Coachee", "Mentee", "Supervisor"]
    assert (summary["Coach"], summary["Mentor"], summary["Coachee"], summary["Candidate"]) == (1, 1, 1, 0)
    results = {r["Rule"]: r["Who Acts"] for r in rows(openpyxl.load_workbook(tmp_path / "results.xlsx")["Exceptions"])}
    assert (results["LOG-MONTH-MISSING"], results["FEEDBACK-MISSING"]) == ("Mentor", "Coachee")


def test_exception_status_and_age_come_from_the_history(tmp_path, policy):
    base = make_result(policy)
    old = base.findings[2]  # CELL-TYPE
    gone = finding("ID-UNKNOWN", "Coach ID 9 is not in the roster", file="Log.xlsx", sheet="Log", cell="B2")
    history = {finding_key(old): ("Open", date(2026, 11, 6)), finding_key(gone): ("Open", date(2026, 10, 1))}
    write_outputs(make_result(policy, finding_history=history, resolved=[gone]), tmp_path)
    book = openpyxl.load_workbook(tmp_path / "exceptions.xlsx")
    table = {r["Rule"]: r for r in rows(book["Exceptions"])}
    assert table["CELL-TYPE"]["Status"] == "Open" and table["CELL-TYPE"]["Age (days)"] == 14
    assert table["CELL-TYPE"]["First Seen"] == datetime(2026, 11, 6)
    assert table["ID-UNKNOWN"]["Status"] == "Resolved"
    assert table["PAIR-OVERDUE"]["Status"] == "New"
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0] in ("New", "Open", "Resolved")}
    assert summary == {"New": 3, "Open": 1, "Resolved": 1}
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert {e["rule"]: e["status"] for e in report["exceptions"]}["ID-UNKNOWN"] == "Resolved"


def _row_colours(sheet) -> dict[int, tuple[str | None, str | None]]:
    """Row → (fill, font colour) that the sheet's conditional formats give it, each formula worked out
    on the row's cells the way Excel does (text compared in any case); the first rule that holds wins."""
    colours = {}
    for row in range(2, sheet.max_row + 1):
        for ranges in sheet.conditional_formatting:
            for rule in ranges.rules:
                def cell(match, row=row):
                    return repr(str(sheet[f"{match[1]}{row}"].value).casefold() == match[2].casefold())
                expression = re.sub(r'\$([A-Z]+)2="([^"]*)"', cell, rule.formula[0].lstrip("="))
                if eval(expression, {"AND": lambda *a: all(a), "NOT": lambda a: not a}) and row not in colours:
                    fill = rule.dxf.fill.bgColor.rgb if rule.dxf.fill is not None else None
                    colours[row] = (fill, rule.dxf.font.color.rgb if rule.dxf.font is not None else None)
    return colours


def test_a_resolved_finding_is_grey_not_red_in_the_exception_report(tmp_path, policy):
    """A week with everything fixed was all red: the colouring looked at the severity alone."""
    gone = finding("ID-UNKNOWN", "Coach ID 9 is not in the roster", file="Log.xlsx", sheet="Log", cell="B2")
    history = {finding_key(gone): ("Open", date(2026, 10, 1))}
    write_outputs(make_result(policy, finding_history=history, resolved=[gone]), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "exceptions.xlsx")["Exceptions"]
    colours = _row_colours(sheet)
    by_status = {(r["Status"], r["Severity"]): colours.get(i) for i, r in enumerate(rows(sheet), start=2)}
    assert by_status[("Resolved", "Error")] == (None, "FF767676")
    assert by_status[("New", "Error")][0] == "FFFFC7CE"  # still light red
    assert by_status[("New", "Warning")][0] == "FFFFEB9C"


def test_finding_key_leaves_out_the_message_and_cannot_collide():
    a = finding("PAIR-AT-RISK", "12.50 h still needed", candidate_id="1", coach_id="2")
    b = finding("PAIR-AT-RISK", "10.00 h still needed", candidate_id="1", coach_id="2")
    assert finding_key(a) == finding_key(b) == "PAIR-AT-RISK||||1|2"
    assert finding_key(finding("CELL-TYPE", "x", file="a|b")) != finding_key(finding("CELL-TYPE", "x", file="a", sheet="b"))


def _reject(constant: str):
    raise ValueError(f"not strict JSON: {constant}")


def test_run_json_is_strict_json_with_the_run(written):
    text = (written[0] / "run.json").read_text(encoding="utf-8")
    report = json.loads(text, parse_constant=_reject)
    assert report["as_of"] == "2026-11-20" and report["program"] == "itss-coaching"
    assert report["inputs"][0]["path"] == "Roster.xlsx"
    assert report["inputs"][0]["sheets"][0] == {"name": "Staff", "table": "employees", "rows": 12, "header_row": 1, "hidden": False}
    first = report["pairs"][0]
    assert {k: first[k] for k in ("candidate_id", "coach_id", "candidate_hours", "coach_contact_hours",
                                   "completion_eligible", "payment_eligible", "deadline")} == {
        "candidate_id": "1001", "coach_id": "2001", "candidate_hours": 40.5, "coach_contact_hours": 12.67,
        "completion_eligible": True, "payment_eligible": True, "deadline": "2026-11-01"}
    assert report["pairs"][1]["completion_date"] is None
    assert report["pairs"][1]["reasons"] == ["candidate hours 20.02 < 40", "goals not attained"]
    assert report["payments"] == [{"payment_id": "P-1001-2001", "coach_id": "2001", "candidate_id": "1001",
                                   "start_date": "2026-05-01", "end_date": "2026-10-30", "amount": 300.0,
                                   "program": "itss-coaching", "amount_basis": "flat stipend $300.00"}]
    assert [e["severity"] for e in report["exceptions"]] == ["error", "error", "warning", "info"]
    assert report["exceptions"][0]["message"] == FORMULA_TEXT and report["exceptions"][0]["status"] == "New"
    assert report["counts"]["pairs"] == 3 and report["counts"]["errors"] == 2
    assert text.startswith("{\n  ")


def test_run_json_turns_nan_and_numpy_values_into_json(policy):
    pairs = make_result(policy).pairs.astype({"candidate_hours": "float64"})
    pairs.loc[2, "candidate_hours"] = float("nan")
    pairs["completion_eligible"] = pairs["completion_eligible"].astype("boolean")
    pairs.loc[2, "completion_eligible"] = pd.NA
    summary = run_summary(make_result(policy, pairs=pairs))
    json.dumps(summary, allow_nan=False)  # raises on NaN or numpy types
    third = summary["pairs"][2]
    assert third["candidate_hours"] is None and third["completion_eligible"] is None
    assert type(summary["counts"]["completion_eligible"]) is int


def test_a_failure_while_writing_leaves_earlier_outputs_untouched(tmp_path, policy, monkeypatch):
    write_outputs(make_result(policy), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(results_module, "write_table", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_outputs(make_result(policy, with_payment=False, findings=[]), tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before  # none replaced, no temp file


def test_a_failure_of_the_last_writer_also_leaves_no_temp_file(tmp_path, policy, monkeypatch):
    def broken(result, path):
        Path(path).write_bytes(b"half a workbook")
        raise OSError("no space left on device")

    monkeypatch.setitem(reports.WRITERS, reports.PAYMENTS, broken)
    with pytest.raises(OSError):
        write_outputs(make_result(policy), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_replaces_only_on_success(tmp_path):
    target = tmp_path / "ledger.sqlite"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError):
        with atomic.atomic_path(target) as temp:
            assert temp.parent == tmp_path and ".tmp-" in temp.name and temp.exists()
            temp.write_text("new")
            1 / 0
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["ledger.sqlite"]
    atomic.atomic_write_text(target, "new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["ledger.sqlite"]


def test_text_cells_are_never_numbers_or_urls(tmp_path, policy):
    pairs = make_result(policy).pairs
    pairs.loc[0, "candidate_name"] = "http://example.com"
    pairs.loc[1, "candidate_name"] = "00123"
    write_outputs(make_result(policy, pairs=pairs), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "results.xlsx")["Pairs"]
    assert sheet["C2"].value == "http://example.com" and sheet["C2"].hyperlink is None
    assert sheet["C3"].value == "00123" and sheet["C3"].data_type == "s"
    assert not math.isnan(rows(sheet)[0]["Candidate Hours"])


def test_outputs_written_in_parallel_equal_those_written_in_turn(tmp_path, policy):
    in_turn = write_outputs(make_result(policy), tmp_path / "in_turn", parallel=False)
    in_parallel = write_outputs(make_result(policy), tmp_path / "parallel", parallel=True)
    for one, other in zip(in_turn, in_parallel):
        assert one.name == other.name
        if one.suffix == ".xlsx":
            first, second = openpyxl.load_workbook(one), openpyxl.load_workbook(other)
            assert first.sheetnames == second.sheetnames
            for name in first.sheetnames:
                assert list(first[name].values) == list(second[name].values)
        else:
            assert one.read_bytes() == other.read_bytes()
    # the documents and notices too (the PDFs' writer process is sent the result without its inputs and findings)
    folders = [{name: text for name, text in output_texts(tmp_path / out).items() if "/" in name} for out in ("in_turn", "parallel")]
    assert any(name.startswith("payment-documentation/") for name in folders[0]) and folders[0] == folders[1]


def test_a_failure_in_the_parallel_writer_leaves_earlier_outputs_untouched(tmp_path, policy, monkeypatch):
    write_outputs(make_result(policy), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def broken(result, path):
        Path(path).write_bytes(b"half a workbook")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(reports.WRITERS, reports.RESULTS, broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_outputs(make_result(policy, with_payment=False, findings=[]), tmp_path, parallel=True)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_a_failure_beside_the_parallel_writer_stops_it_and_leaves_no_temp_file(tmp_path, policy, monkeypatch):
    def broken(result, path):
        raise OSError("no space left on device")

    monkeypatch.setitem(reports.WRITERS, reports.PAYMENTS, broken)
    with pytest.raises(OSError):
        write_outputs(make_result(policy), tmp_path, parallel=True)
    assert list(tmp_path.iterdir()) == []


def test_a_writer_process_that_dies_stops_the_write_and_leaves_earlier_outputs_untouched(tmp_path, policy, monkeypatch):
    write_outputs(make_result(policy), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def killed(result, path):  # the process writing results.xlsx is killed (out of memory, say)
        Path(path).write_bytes(b"half a workbook")
        os._exit(9)

    monkeypatch.setitem(reports.WRITERS, reports.RESULTS, killed)
    with pytest.raises(reports.WriterStopped, match="results.xlsx"):
        write_outputs(make_result(policy), tmp_path, parallel=True)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_outputs_of_a_writer_process_killed_while_it_waited_are_written_all_the_same(tmp_path, policy):
    import multiprocessing
    import signal
    import time

    with reports.writers_started() as writers:
        for writer in writers:  # an administrator, or the system short of memory, ends them
            os.kill(writer.pid, signal.SIGKILL)
        while {child.pid for child in multiprocessing.active_children()} & {writer.pid for writer in writers}:
            time.sleep(0.05)
        paths = write_outputs(make_result(policy), tmp_path / "out", writers=writers)
    expected = write_outputs(make_result(policy), tmp_path / "in_turn", parallel=False)
    assert [p.name for p in paths] == [p.name for p in expected]
    for one, other in zip(paths, expected):
        if one.suffix == ".xlsx":
            first, second = openpyxl.load_workbook(one), openpyxl.load_workbook(other)
            assert [list(first[n].values) for n in first.sheetnames] == [list(second[n].values) for n in second.sheetnames]
    for folder in (tmp_path / "in_turn").iterdir():
        if folder.is_dir():
            assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (tmp_path / "out" / folder.name).iterdir())


@pytest.mark.parametrize("parallel", [False, True], ids=["in turn", "writer processes"])
def test_every_document_is_flushed_to_disk_before_its_folder_is_put_in_place(tmp_path, policy, monkeypatch, parallel):
    from coaching_batch import atomic as atomic_module

    out = tmp_path / "out"
    flushed: dict[tuple[str, str], bool] = {}  # (folder, file) → whether the folder was in place already

    def record(path):
        temp_folder = Path(path).parent.name  # ".certificates.tmp-<pid>-<token>"
        if atomic.TEMP_MARKER in temp_folder:
            folder = temp_folder[1:].split(atomic.TEMP_MARKER)[0]
            flushed[folder, Path(path).name] = (out / folder).exists()

    monkeypatch.setattr(atomic_module, "_fsync_file", record)
    write_outputs(make_result(policy), out, parallel=parallel)
    documents = {(folder.name, path.name) for folder in out.iterdir() if folder.is_dir() for path in folder.iterdir()}
    assert {folder for folder, _ in documents} >= {"payment-documentation", "notices"}
    assert set(flushed) == documents
    assert not any(flushed.values())  # each flushed while its folder still had its temporary name


def test_a_folder_that_cannot_be_flushed_fails_the_write_and_leaves_earlier_outputs_untouched(tmp_path, policy, monkeypatch):
    from coaching_batch import atomic as atomic_module

    write_outputs(make_result(policy), tmp_path)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))

    def failing(path):
        if Path(path).suffix == ".eml":
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic_module, "_fsync_file", failing)
    with pytest.raises(OSError, match="Input/output"):
        write_outputs(make_result(policy), tmp_path, parallel=True)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before


def test_writer_processes_end_with_the_write_or_without_it(tmp_path, policy):
    import multiprocessing

    with reports.writers_started() as writers:
        assert len(writers) == len(reports.SHARES)  # waiting for a result that never comes
    assert multiprocessing.active_children() == []
    write_outputs(make_result(policy), tmp_path, parallel=True)
    assert multiprocessing.active_children() == []


def test_ctrl_c_is_left_to_the_run_that_started_the_writer_processes(capfd):
    import signal
    import time

    # as in a run started from a terminal (a job started in the background may begin with Ctrl-C ignored)
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with reports.writers_started() as writers:
            for writer in writers:  # as a terminal's Ctrl-C reaches every process of the run
                os.kill(writer.pid, signal.SIGINT)
            time.sleep(0.3)
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the run's own stays
    finally:
        signal.signal(signal.SIGINT, inherited)
    err = capfd.readouterr().err
    assert "KeyboardInterrupt" not in err and "Traceback" not in err


def test_run_json_values_give_dates_as_iso_text_and_missing_ones_as_null():
    values = [pd.NaT, np.datetime64("NaT"), pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-02 10:30"),
              np.datetime64("2026-01-03"), datetime(2026, 1, 4), date(2026, 1, 5), Severity.ERROR, np.int64(3),
              float("nan"), pd.NA, {"hours": 1.5, "none": None}]
    assert runjson.jsonable(values) == [None, None, "2026-01-02", "2026-01-02T10:30:00", "2026-01-03", "2026-01-04",
                                        "2026-01-05", "error", 3, None, None, {"hours": 1.5, "none": None}]

def test_run_json_text_is_what_the_standard_library_writes(policy, tmp_path):
    result = make_result(policy)
    runjson.write_run_json(result, tmp_path / "run.json")  # written piece by piece
    assert (tmp_path / "run.json").read_text(encoding="utf-8") == json.dumps(
        run_summary(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    summary = run_summary(result)
    summary["nested"] = {"empty": {}, "none": [], "mixed": [1, 2.5, True, None, "ü \"q\"\n", {"a": [{}]}]}
    assert runjson.dumps_indented(summary) == json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False)
    with pytest.raises(ValueError):
        runjson.dumps_indented({"hours": float("nan")})


# --- several programs in one run (issue 8) ----------------------------------------------------

MENTORING, TIERED, TYPO = "support-mentoring", "district-tiered", "Mentorng"


def programs_result(policy, **changes) -> RunResult:
    """A run of three programs (ITSS, mentoring, a tiered stipend program) and a pair whose program is a typo."""
    mentoring = load_policy(MENTORING)
    tiered = dataclasses.replace(policy, name=TIERED, title="District Tiered Coaching")
    pairs = pd.DataFrame([
        pair("1001", "2001", "Ann Lee", "Grace Kim", candidate_minutes=2430, coach_minutes=760, complete=True,
             paid=True, completion="2026-10-30"),
        pair("1002", "2002", "Oscar Diaz", "Helen Wu", candidate_minutes=1201, coach_minutes=300, complete=False,
             paid=False, blocking_errors="PAIR-OVERDUE"),
        pair("3001", "4001", "Mia Ford", "Sam Osei", candidate_minutes=0, coach_minutes=600, complete=True, paid=False,
             program=MENTORING, minimums=None, agreement_date="2025-11-03", start="2025-11-03",
             deadline="2026-11-03", completion="2026-11-03"),
        pair("3002", "4002", "Ray Cole", "Ana Ruiz", candidate_minutes=0, coach_minutes=240, complete=False, paid=False,
             program=MENTORING, minimums=None, agreement_date="2026-02-01", start="2026-02-01",
             deadline="2027-02-01", extended_until="2027-05-01", feedback_coach_date="2026-10-02",
             feedback_coachee_date="2026-10-09"),
        pair("5001", "6001", "Lou Park", "Eve Stone", candidate_minutes=600, coach_minutes=900, complete=True, paid=True,
             program=TIERED, completion="2026-11-02"),
        pair("7001", "8001", "Kim Roy", "Ben Ash", candidate_minutes=0, coach_minutes=0, complete=False, paid=False,
             program=TYPO, minimums=None, reasons=f"program '{TYPO}' is not a known program", blocking_errors="CELL-ENUM"),
    ], columns=PAIR_COLUMNS)
    payments = pd.DataFrame([
        {"payment_id": "P-1001-2001", "coach_id": "2001", "coach_name": "Grace Kim", "candidate_id": "1001",
         "candidate_name": "Ann Lee", "start_date": pd.Timestamp("2026-05-01"), "end_date": pd.Timestamp("2026-10-30"),
         "coach_contact_hours": 12.67, "candidate_hours": 40.5, "amount": 300.0, "program": "itss-coaching",
         "amount_basis": "flat stipend $300.00"},
        {"payment_id": "P-5001-6001", "coach_id": "6001", "coach_name": "Eve Stone", "candidate_id": "5001",
         "candidate_name": "Lou Park", "start_date": pd.Timestamp("2026-05-01"), "end_date": pd.Timestamp("2026-11-02"),
         "coach_contact_hours": 10.5, "candidate_hours": 10.0, "amount": 262.5, "program": TIERED,
         "amount_basis": "10.50 coach contact h × $25.00/h"},
    ], columns=PAYMENT_COLUMNS)
    findings = [
        finding("PAIR-OVERDUE", "The deadline passed", candidate_id="1002", coach_id="2002",
                file="Assignments.xlsx", sheet="Pairs", cell="A3", program="itss-coaching"),
        finding("LOG-DURATION-IMPLAUSIBLE", "Entry of 9.00 h is longer than 8 h", file="Mentor Log.xlsx",
                sheet="Log", cell="D7", candidate_id="3002", coach_id="4002", program=MENTORING),
        finding("LOG-DURATION-IMPLAUSIBLE", "Entry of 8.50 h is longer than 8 h", file="Mentor Log.xlsx",
                sheet="Log", cell="D9", candidate_id="3002", coach_id="4002", program=MENTORING),
        finding("CELL-ENUM", f"Program '{TYPO}' is not one of the programs", file="Assignments.xlsx",
                sheet="Pairs", cell="F7", candidate_id="7001", coach_id="8001", program=TYPO),
        finding("CELL-TYPE", "Hire Date 'soon' is not a date", file="Roster.xlsx", sheet="Staff", cell="E4"),
    ]
    coaches = pd.DataFrame([
        {"program": "itss-coaching", "coach_id": "2001", "coach_name": "Grace Kim", "qualified": True},
        {"program": MENTORING, "coach_id": "4001", "coach_name": "Sam Osei", "qualified": True},
    ], columns=COACH_COLUMNS)
    certificates = pd.DataFrame([
        {"program": MENTORING, "candidate_id": "3001", "candidate_name": "Mia Ford", "coach_id": "4001",
         "coach_name": "Sam Osei", "completion_date": pd.Timestamp("2026-11-03")},
    ], columns=CERTIFICATE_COLUMNS)
    values = dict(pairs=pairs, payments=payments, findings=findings, coaches=coaches, certificates=certificates,
                  programs={"itss-coaching": policy, MENTORING: mentoring, TIERED: tiered})
    values.update(changes)
    return make_result(policy, **values)


@pytest.fixture
def several(tmp_path, policy):
    write_outputs(programs_result(policy), tmp_path)
    return tmp_path


def test_pairs_sheet_shows_every_pair_column_but_minutes_with_feedback_as_dates_only(several):
    sheet = openpyxl.load_workbook(several / "results.xlsx")["Pairs"]
    assert header(sheet) == [
        "Program", "Candidate ID", "Candidate Name", "Coach ID", "Coach Name", "Assigned Date",
        "Planning Meeting Date", "Agreement Date", "Start", "Deadline", "Extended Until", "Status", "Completion Date",
        "Payment Request Date", "Candidate Hours", "Coach Contact Hours", "Hours Still Needed (Candidate)",
        "Hours Still Needed (Coach Contact)", "Coach Feedback Received", "Coachee Feedback Received",
        "Completion Eligible", "Payment Eligible", "Blocking Errors", "Payment ID", "Paid On", "Reasons",
    ]
    table = {r["Candidate ID"]: r for r in rows(sheet)}
    ray = table["3002"]
    assert ray["Program"] == MENTORING
    assert (ray["Agreement Date"], ray["Start"], ray["Deadline"], ray["Extended Until"]) == (
        datetime(2026, 2, 1), datetime(2026, 2, 1), datetime(2027, 2, 1), datetime(2027, 5, 1))
    assert (ray["Coach Feedback Received"], ray["Coachee Feedback Received"]) == (datetime(2026, 10, 2), datetime(2026, 10, 9))
    feedback_col = header(sheet).index("Coach Feedback Received") + 1
    assert sheet.cell(table_row(sheet, "3002"), feedback_col).is_date
    assert table["1001"]["Coach Feedback Received"] is None and table["1001"]["Agreement Date"] is None


def table_row(sheet, candidate_id: str) -> int:
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 2).value == candidate_id)


def test_hours_needed_are_blank_for_a_program_without_hour_minimums(several):
    table = {r["Candidate ID"]: r for r in rows(openpyxl.load_workbook(several / "results.xlsx")["Pairs"])}
    for mentee in ("3001", "3002", "7001"):
        assert table[mentee]["Hours Still Needed (Candidate)"] is None
        assert table[mentee]["Hours Still Needed (Coach Contact)"] is None
        assert table[mentee]["Coach Contact Hours"] is not None
    assert table["1002"]["Hours Still Needed (Candidate)"] == 19.98  # ITSS keeps its minimums
    assert table["1001"]["Hours Still Needed (Coach Contact)"] == 0


def test_coaches_and_certificates_start_with_the_program(several):
    book = openpyxl.load_workbook(several / "results.xlsx")
    assert header(book["Coaches"])[:3] == ["Program", "Coach ID", "Coach Name"]
    assert [(r["Program"], r["Coach ID"]) for r in rows(book["Coaches"])] == [("itss-coaching", "2001"), (MENTORING, "4001")]
    assert header(book["Certificates"])[0] == "Program"
    assert rows(book["Certificates"])[0]["Program"] == MENTORING


def test_every_finding_shows_its_program_in_both_workbooks_and_run_json(several):
    results = rows(openpyxl.load_workbook(several / "results.xlsx")["Exceptions"])
    report = rows(openpyxl.load_workbook(several / "exceptions.xlsx")["Exceptions"])
    for table in (results, report):
        by_cell = {(r["File"], r["Cell"]): r["Program"] for r in table}
        assert by_cell == {("Assignments.xlsx", "A3"): "itss-coaching", ("Mentor Log.xlsx", "D7"): MENTORING,
                           ("Mentor Log.xlsx", "D9"): MENTORING, ("Assignments.xlsx", "F7"): TYPO,
                           ("Roster.xlsx", "E4"): None}  # a roster cell belongs to no program
    exceptions = json.loads((several / "run.json").read_text(encoding="utf-8"))["exceptions"]
    assert {(e["file"], e["cell"]): e["program"] for e in exceptions}[("Mentor Log.xlsx", "D7")] == MENTORING
    assert {e["program"] for e in exceptions} == {"itss-coaching", MENTORING, TYPO, ""}


def test_resolved_findings_keep_their_program_in_the_report(tmp_path, policy):
    gone = finding("LOG-DURATION-IMPLAUSIBLE", "Entry of 9.00 h", file="Mentor Log.xlsx", sheet="Log", cell="D2",
                   candidate_id="3001", coach_id="4001", program=MENTORING)
    write_outputs(programs_result(policy, resolved=[gone], finding_history={finding_key(gone): ("Open", date(2026, 11, 1))}),
                  tmp_path)
    report = rows(openpyxl.load_workbook(tmp_path / "exceptions.xlsx")["Exceptions"])
    assert [(r["Status"], r["Program"]) for r in report if r["Cell"] == "D2"] == [("Resolved", MENTORING)]


def summary_cells(folder) -> list[list]:
    return [list(r) for r in openpyxl.load_workbook(folder / "results.xlsx")["Summary"].iter_rows(values_only=True)]


def summary_section(cells: list[list], title: str) -> list[list]:
    """The rows under a Summary section title, up to the blank row that ends it."""
    start = next(i for i, r in enumerate(cells) if r[0] == title) + 1
    end = next((i for i in range(start, len(cells)) if all(v is None for v in cells[i])), len(cells))
    return cells[start:end]


def test_summary_sums_by_program_with_unknown_programs_and_file_findings_apart(several):
    cells = summary_cells(several)
    grid = summary_section(cells, "By program")
    assert grid[0][:9] == ["Program", "Title", "Pairs", "Completion Eligible", "Payment Eligible", "Payments This Run",
                           "Amount", "Errors", "Warnings"]
    by_program = {r[0]: r[1:9] for r in grid[1:]}
    assert by_program == {
        "itss-coaching": ["ITSS Technical Advancement Skills Coaching", 2, 1, 1, 1, 300, 1, 0],
        MENTORING: ["Supporting Services Mentoring", 2, 1, 0, 0, 0, 0, 2],
        TIERED: ["District Tiered Coaching", 1, 1, 1, 1, 262.5, 0, 0],
        TYPO: ["(not a known program)", 1, 0, 0, 0, 0, 1, 0],
        "(none)": ["Findings about files, sheets and cells", 0, 0, 0, 0, 0, 1, 0],
    }
    assert list(by_program) == ["itss-coaching", MENTORING, TIERED, TYPO, "(none)"]  # the run's order, then the rest
    values = {r[0]: r[1] for r in cells if r[0] is not None}
    assert sum(r[1] for r in by_program.values()) == values["Pairs (assignments)"] == 6
    assert sum(r[6] for r in by_program.values()) == values["Errors"] == 3
    assert sum(r[5] for r in by_program.values()) == values["Amount payable this run"] == 562.5
    assert values["Default program"] == "itss-coaching" and values["Programs in this run"] == 3
    assert cells[0][0] == ("Coaching batch run — ITSS Technical Advancement Skills Coaching; "
                           "Supporting Services Mentoring; District Tiered Coaching")


def test_summary_lists_each_programs_settings(several):
    cells = summary_cells(several)
    mentoring = dict((r[0], r[1]) for r in summary_section(cells, f"Policy: {MENTORING}"))
    assert mentoring["program"] == MENTORING and mentoring["title"] == "Supporting Services Mentoring"
    assert mentoring == {k: results_module._setting_text(v) + ("" if given else " (default)")
                         for k, v, given in load_policy(MENTORING).as_rows()}
    itss = dict((r[0], r[1]) for r in summary_section(cells, "Policy: itss-coaching"))
    assert itss["hours.candidate_minimum"] == "40"
    assert dict((r[0], r[1]) for r in summary_section(cells, f"Policy: {TIERED}"))["title"] == "District Tiered Coaching"


MINI = 'name = "mini"\n\n[window]\nmonths_maximum = 4\n\n[payment]\nstipend = 450\n'


def test_summary_shows_every_setting_in_force_the_defaults_a_file_leaves_out_marked(tmp_path):
    """A policy file of three lines: the Summary listed only them, while months_minimum = 2,
    requires_payment_request = true and the rest applied unseen."""
    mini = policy_from_toml(MINI, "mini.toml")
    write_outputs(make_result(mini), tmp_path)
    rows = {r[0]: r[1] for r in summary_section(summary_cells(tmp_path), "Policy: mini")}
    assert rows["window.months_maximum"] == "4" and rows["payment.stipend"] == "450"
    assert rows["window.months_minimum"] == "2 (default)" and rows["window.not_started_days"] == "30 (default)"
    assert rows["payment.requires_payment_request"] == "Yes (default)"
    assert rows["hours.candidate_minimum"] == "no minimum (default)"  # a section every program has, left out
    assert rows["hours.implausible_entry_hours"] == "8 (default)" and rows["words.coach"] == "coach (default)"
    assert len(rows) == 3 + sum(len(dataclasses.fields(s)) for s in mini.sections.values())
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert report["policy"]["window.months_minimum"] == "2" and report["policy"]["window.months_maximum"] == "4"


def test_a_coach_limit_of_0_is_shown_as_no_limit_not_as_0_candidates_at_once(tmp_path):
    """The reps preset leaves [coach] max_concurrent_candidates out (its limit is [capacity]): its
    Summary said `0 (default)` beside `max_active_coachees 3`, read as no candidate at all at once."""
    reps = load_policy("reps-coaching")
    write_outputs(make_result(reps), tmp_path)
    rows = {r[0]: r[1] for r in summary_section(summary_cells(tmp_path), "Policy: reps-coaching")}
    assert rows["coach.max_concurrent_candidates"] == "0 = no limit (default)"
    assert rows["capacity.max_active_coachees"] == "3"
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["policy"]["coach.max_concurrent_candidates"] == "0 = no limit"


def test_a_run_of_one_program_has_one_by_program_row_and_one_policy(written):
    cells = summary_cells(written[0])
    grid = summary_section(cells, "By program")
    assert [r[:3] for r in grid[1:]] == [["itss-coaching", "ITSS Technical Advancement Skills Coaching", 3],
                                         ["(none)", "Findings about files, sheets and cells", 0]]
    assert [r[0] for r in cells if r[0] and str(r[0]).startswith("Policy: ")] == ["Policy: itss-coaching"]


def test_payment_sheet_lists_each_programs_payments_with_the_basis_and_one_total(several):
    sheet = openpyxl.load_workbook(several / "payments.xlsx")["Payments"]
    names = header(sheet)
    assert names == ["Payment ID", "Coach ID", "Coach Name", "Candidate ID", "Candidate Name", "Start Date", "End Date",
                     "Coach Contact Hours", "Candidate Hours", "Amount", "Program", "Amount Basis"]
    table = [dict(zip(names, r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(r["Payment ID"], r["Program"], r["Amount"], r["Amount Basis"]) for r in table[:-1]] == [
        ("P-1001-2001", "itss-coaching", 300, "flat stipend $300.00"),
        ("P-5001-6001", TIERED, 262.5, "10.50 coach contact h × $25.00/h"),
    ]
    total = table[-1]
    assert total["Payment ID"] == "Total" and total["Amount"] == 562.5
    assert total["Program"] is None and total["Amount Basis"] is None
    assert sheet["J4"].data_type == "n" and sheet.auto_filter.ref == "A1:L3"


def test_run_json_names_the_programs_and_each_pairs_payments_and_findings_program(several):
    report = json.loads((several / "run.json").read_text(encoding="utf-8"), parse_constant=_reject)
    assert report["program"] == "itss-coaching"  # the default, as before
    assert report["programs"] == [
        {"name": "itss-coaching", "title": "ITSS Technical Advancement Skills Coaching"},
        {"name": MENTORING, "title": "Supporting Services Mentoring"},
        {"name": TIERED, "title": "District Tiered Coaching"},
    ]
    pairs = {p["candidate_id"]: p for p in report["pairs"]}
    assert {c: p["program"] for c, p in pairs.items()} == {
        "1001": "itss-coaching", "1002": "itss-coaching", "3001": MENTORING, "3002": MENTORING, "5001": TIERED, "7001": TYPO}
    assert pairs["3002"]["extended_until"] == "2027-05-01" and pairs["3002"]["agreement_date"] == "2026-02-01"
    assert [(p["payment_id"], p["program"], p["amount_basis"]) for p in report["payments"]] == [
        ("P-1001-2001", "itss-coaching", "flat stipend $300.00"), ("P-5001-6001", TIERED, "10.50 coach contact h × $25.00/h")]
    assert set(report["policies"]) == {"itss-coaching", MENTORING, TIERED}


def test_run_json_of_an_older_payment_frame_gives_the_default_program(policy):
    payments = make_result(policy).payments.drop(columns=["program", "amount_basis"])
    summary = run_summary(make_result(policy, payments=payments))
    assert summary["payments"][0]["program"] == "itss-coaching" and summary["payments"][0]["amount_basis"] is None
    assert summary["programs"] == [{"name": "itss-coaching", "title": "ITSS Technical Advancement Skills Coaching"}]


# --- confidential stays confidential (issue 8 item 6) ------------------------------------------

SECRET = "Zq7-CONFIDENTIAL-MARKER"


def test_feedback_and_recommendation_values_in_the_frames_reach_no_output(tmp_path, policy):
    """Whatever extra columns the frames carry (a rating, comments, a reference), only the listed columns
    are written: the confidential values are in no output file."""
    base = programs_result(policy)
    leaked = {"rating": 5, "comments": f"{SECRET} comments", "feedback_comments": f"{SECRET} feedback",
              "feedback_rating": f"{SECRET} rating", "reference_name": f"{SECRET} reference",
              "overall": f"{SECRET} overall", "notes": f"{SECRET} notes"}
    frames = {name: getattr(base, name).assign(**leaked)
              for name in ("pairs", "payments", "coaches", "hours_by_month", "certificates")}
    write_outputs(programs_result(policy, **frames), tmp_path)
    texts = output_texts(tmp_path)
    assert {"exceptions.xlsx", "payments.xlsx", "results.xlsx", "run.json"} <= set(texts)  # and the documents' folders
    for name, text in texts.items():
        assert SECRET not in text, name
        assert "Comments" not in text and "Rating" not in text, name


def test_writing_a_text_column_leaves_the_frame_as_it_was_even_after_unpickling():
    """A writer process works on the run's result as it was pickled to it. Writing a text column with
    a missing value (a pair whose coach is not in the roster) must not write blanks into the frame:
    results.xlsx reads the same names again for its progress chart, and once crashed there."""
    import pickle

    from coaching_batch.reports.xlsx import TEXT, Column, column_values

    names = pd.DataFrame({"coach_name": pd.Series(["Ann Lee", None, ""], dtype="string")})
    for frame in (names, pickle.loads(pickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL))):
        assert column_values(frame, Column("coach_name", "Coach Name", TEXT)) == ["Ann Lee", None, None]
        assert frame["coach_name"].astype("string").tolist() == ["Ann Lee", pd.NA, ""]


def test_a_finding_of_a_workbook_saved_in_another_format_is_the_same_finding():
    """Log.xlsx saved again as Log.ods (or .xls): its problems are the ones seen last week, at any row
    or column (a column inserted moves them: the message names the column's header); another
    workbook's, or another column's of another header, are not."""
    from coaching_batch.reports.exceptions import finding_key, moved_findings

    def bad_type(file, cell, sheet="Log", header="Type of Contact"):
        return finding("CELL-ENUM", f"{header} 'Carrier pigeon' is not one of: In Person, Phone, Email",
                       file=file, sheet=sheet, cell=cell, candidate_id="200", coach_id="100")

    last_week = [bad_type("logs/Log.xlsx", "D5"), bad_type("Other.xlsx", "D5")]
    this_week = [bad_type("logs/Log.ods", "D4"), bad_type("Other.xls", "E5", header="Activity Type"), bad_type("Else.ods", "D5")]
    assert moved_findings(this_week, last_week) == {finding_key(this_week[0]): finding_key(last_week[0])}
    assert moved_findings([bad_type("Other.xls", "E6")], last_week) == {
        finding_key(bad_type("Other.xls", "E6")): finding_key(last_week[1])}


def test_a_cells_finding_in_a_renamed_workbook_or_a_sheet_moved_to_another_is_the_same_finding_if_alone():
    """Log.xlsx renamed, or its sheet moved into another workbook: the same sheet, cell and message is
    the same finding; not where two workbooks had it and one now (which one is it?), nor where the
    sheet is still in its workbook (fixed there, and typed again elsewhere)."""
    from coaching_batch.reports.exceptions import finding_key, moved_findings

    def bad_type(file, cell="D5", sheet="Ann Lee"):
        return finding("CELL-ENUM", "Type of Contact 'Zoom' is not one of: In Person, Phone, Email",
                       file=file, sheet=sheet, cell=cell, candidate_id="200", coach_id="100")

    renamed = [bad_type("Coach Log - Ann Lee.xlsx"), bad_type("Fall Logs.xlsx", sheet="Bo Chan")]
    now = [bad_type("Ann Lee log 2026.xlsx"), bad_type("Coach Log - Bo Chan.xlsx", sheet="Bo Chan"), bad_type("New.xlsx", "D6")]
    assert moved_findings(now, renamed) == {finding_key(now[0]): finding_key(renamed[0]),
                                            finding_key(now[1]): finding_key(renamed[1])}
    two = [bad_type("A.xlsx"), bad_type("B.xlsx")]
    assert moved_findings([bad_type("C.xlsx")], two) == {}
    still_there = finding("CELL-TYPE", "Duration 'TBD' is not a number", file="A.xlsx", sheet="Ann Lee", cell="E9")
    assert moved_findings([bad_type("C.xlsx")], [bad_type("A.xlsx")], [bad_type("C.xlsx"), still_there]) == {}


def test_a_sheets_own_finding_in_a_renamed_workbook_is_the_same_finding_unless_its_workbook_is_still_there():
    """Roster.xlsx renamed: its Notes sheet, which holds no table, is last week's; not when Roster.xlsx
    still has something to report (its Notes sheet deleted there, another workbook given one)."""
    from coaching_batch.reports.exceptions import finding_key, moved_findings

    def notes(file):
        return finding("SHEET-UNRECOGNIZED", "Sheet 'Notes' holds no table this program reads", file=file, sheet="Notes")

    assert moved_findings([notes("Roster 2027.xlsx")], [notes("Roster.xlsx")]) == {
        finding_key(notes("Roster 2027.xlsx")): finding_key(notes("Roster.xlsx"))}
    still_there = finding("ID-DUPLICATE", "Employee ID 117044 appears more than once", file="Roster.xlsx", sheet="Staff", cell="A9")
    assert moved_findings([notes("Requests.xlsx")], [notes("Roster.xlsx")], [notes("Requests.xlsx"), still_there]) == {}


def test_a_sheets_own_finding_on_a_sheet_renamed_in_its_workbook_is_the_same_finding_if_alone():
    """Notes renamed Notes 2026 in Roster.xlsx: its SHEET-UNRECOGNIZED, whose message quotes the sheet's
    name, is last week's, and another such sheet of the workbook keeps its own; not where two were
    renamed at once (which is which?), nor where the sheet of the old name still has something to
    report (given a header row, and another sheet added), nor another workbook's."""
    from coaching_batch.reports.exceptions import finding_key, moved_findings

    def notes(sheet, file="Roster.xlsx"):
        return finding("SHEET-UNRECOGNIZED", f"Sheet {sheet!r} holds no table this program reads", file=file, sheet=sheet)

    now = [notes("Notes 2026"), notes("Scratch")]
    assert moved_findings(now[:1], [notes("Notes")], now) == {finding_key(now[0]): finding_key(notes("Notes"))}
    assert moved_findings([notes("A 2026"), notes("B 2026")], [notes("A"), notes("B")]) == {}
    still_there = finding("CELL-TYPE", "Hire Date 'soon' is not a date", file="Roster.xlsx", sheet="Notes", cell="C4")
    assert moved_findings([notes("Scratch")], [notes("Notes")], [notes("Scratch"), still_there]) == {}
    assert moved_findings([notes("Notes 2026", "Requests.xlsx")], [notes("Notes")]) == {}


def test_an_entry_typed_twice_reported_at_its_other_copy_is_the_same_duplicate():
    """A log workbook split in two: read in name order, the entry typed twice is now reported at the
    other copy (the one it repeated last week), whose sheet may still have other problems: it is the
    same doubled entry. A doubled entry of another date, or of another pair, is not."""
    from coaching_batch.findings import DUPLICATE_REPEATS
    from coaching_batch.reports.exceptions import finding_key, moved_findings

    def repeat(file, sheet, cell, other, day="2026-05-22", candidate="113977"):
        return finding("LOG-DUPLICATE", f"candidate log entry of {day} (1.75 h){DUPLICATE_REPEATS}{other}; counted once",
                       file=file, sheet=sheet, cell=cell, candidate_id=candidate, coach_id="105927")

    last = repeat("Summer.xlsx", "Fatima Rahman (final pages)", "A2", "A19 of sheet 'Fatima Rahman' in Spring.xlsx")
    now = repeat("Spring part 2.xlsx", "Fatima Rahman", "A19", "A2 of sheet 'Fatima Rahman (final pages)' in Summer.xlsx")
    still_there = finding("CELL-ENUM", "Type of Contact 'Zoom' is not one of: In Person, Phone, Email", file="Summer.xlsx",
                          sheet="Fatima Rahman (final pages)", cell="B5", candidate_id="113977", coach_id="105927")
    assert moved_findings([now], [last], [now, still_there]) == {finding_key(now): finding_key(last)}
    other_day = repeat("Spring part 2.xlsx", "Fatima Rahman", "A20", "A3 of sheet 'Fatima Rahman (final pages)' in Summer.xlsx",
                       day="2026-05-29")
    other_pair = repeat("Spring part 2.xlsx", "Fatima Rahman", "A19", "A2 of sheet 'Fatima Rahman (final pages)' in Summer.xlsx",
                        candidate="113402")
    assert moved_findings([other_day], [last]) == moved_findings([other_pair], [last]) == {}


def test_findings_of_one_sheet_are_listed_in_row_order_not_as_text(tmp_path, policy):
    cells = ["D1002", "D102", "C10", "D10", "D9"]
    findings = [finding("CELL-ENUM", f"Type of Contact 'Phnoe' at {cell}", file="Big Log.xlsx", sheet="Log", cell=cell,
                        candidate_id="1002", coach_id="2002") for cell in cells]
    write_outputs(make_result(policy, findings=findings), tmp_path)
    in_row_order = ["D9", "C10", "D10", "D102", "D1002"]
    results = openpyxl.load_workbook(tmp_path / "results.xlsx")["Exceptions"]
    assert [r["Cell"] for r in rows(results)] == in_row_order
    report = openpyxl.load_workbook(tmp_path / "exceptions.xlsx")["Exceptions"]
    assert [r["Cell"] for r in rows(report)] == in_row_order
    summary = json.loads((tmp_path / "run.json").read_text())
    assert [e["cell"] for e in summary["exceptions"]] == in_row_order


def test_the_by_program_header_row_is_tall_enough_for_its_wrapped_headers(written):
    """Completion Eligible and Payments This Run wrap onto two lines: LibreOffice does not fit the row by itself."""
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Summary"]
    header_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "By program") + 1
    assert sheet.cell(header_row, 4).value == "Completion Eligible"
    assert sheet.row_dimensions[header_row].height == 30


def test_rows_of_long_messages_are_tall_enough_for_their_wrapped_lines(tmp_path, policy):
    """Excel fits a wrapped row by itself, LibreOffice does not: a long message printed over the rows below."""
    long_message = "Coach 105512 coaches candidate 115388 (from 2026-06-22) at the same time as candidate 116915 " * 2
    findings = [
        finding("COACH-CONCURRENT", long_message.strip(), file="Assignments.xlsx", sheet="Pairs", cell="A2",
                candidate_id="115388", coach_id="105512"),
        finding("CELL-ENUM", "Short", file="Assignments.xlsx", sheet="Pairs", cell="A3"),
        finding("CELL-ENUM", "Two\nlines", file="Assignments.xlsx", sheet="Pairs", cell="A4"),
    ]
    write_outputs(make_result(policy, findings=findings), tmp_path)
    for name, column in (("results.xlsx", "C"), ("exceptions.xlsx", "D")):
        sheet = openpyxl.load_workbook(tmp_path / name)["Exceptions"]
        heights = {sheet[f"{column}{r}"].value: sheet.row_dimensions[r].height for r in range(2, 5)}
        width = sheet.column_dimensions[column].width
        assert heights[long_message.strip()] >= 15 * math.ceil(len(long_message.strip()) / width)
        assert heights["Two\nlines"] == 30
        assert heights["Short"] is None  # the default height


def test_a_name_too_long_for_its_column_wraps_on_a_row_tall_enough_instead_of_being_cut_off(tmp_path, policy):
    """A text wider than the widest fitted column printed cut off (LibreOffice's PDF too): it wraps."""
    long_name = "Maximiliana Concepción Ñúñez-O'Sullivan de la Torre y Gómez-Bermúdez Villanueva"
    result = make_result(policy)
    result.pairs.loc[0, "candidate_name"] = long_name
    result.payments.loc[0, "candidate_name"] = long_name
    write_outputs(result, tmp_path)
    for name, sheet_name in (("payments.xlsx", "Payments"), ("results.xlsx", "Pairs")):
        sheet = openpyxl.load_workbook(tmp_path / name)[sheet_name]
        column = header(sheet).index("Candidate Name") + 1
        cell = sheet.cell(2, column)
        assert cell.value == long_name
        assert cell.alignment.wrap_text
        assert sheet.row_dimensions[2].height == 30


def test_inputs_sheet_shows_a_whole_sha256_on_one_line(written):
    sheet = openpyxl.load_workbook(written[0] / "results.xlsx")["Inputs"]
    column = header(sheet).index("SHA-256") + 1
    letter = openpyxl.utils.get_column_letter(column)
    assert len(sheet.cell(2, column).value) == 64
    assert sheet.column_dimensions[letter].width >= 64 + 1


def test_a_right_to_left_name_is_left_aligned_like_every_text_not_run_into_the_next_column(tmp_path, policy):
    """Under General alignment a name in Arabic or Hebrew is right-aligned, against the next column's ID."""
    result = make_result(policy)
    result.payments.loc[0, "coach_name"] = "محمد عبد الله"
    write_outputs(result, tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    cell = sheet.cell(2, header(sheet).index("Coach Name") + 1)
    assert cell.value == "محمد عبد الله" and cell.alignment.horizontal == "left"
    pairs = openpyxl.load_workbook(tmp_path / "results.xlsx")["Pairs"]
    assert pairs.cell(2, header(pairs).index("Candidate Name") + 1).alignment.horizontal == "left"


def test_a_long_ledger_message_on_the_summary_wraps_in_its_column_instead_of_running_off_the_page(tmp_path, policy):
    """PAYMENT-SHEET-ELSEWHERE's message ran on past the Summary's print area, its end (the command) cut off."""
    message = ("The outputs go to /srv/coaching/outputs/2026-11-20, outside /srv/coaching/out: while the ledger "
               "remembers this run its payment sheet is checked like the others, but if the ledger is ever lost "
               "or restored from an older copy, this sheet protects it only through `coaching-batch ledger rebuild "
               "--from /srv/coaching/outputs`")
    findings = [finding("PAYMENT-SHEET-ELSEWHERE", message)]
    write_outputs(make_result(policy, findings=findings), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "results.xlsx")["Summary"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "PAYMENT-SHEET-ELSEWHERE")
    cell = sheet.cell(row, 2)
    assert cell.value == message and cell.alignment.wrap_text
    assert sheet.row_dimensions[row].height >= 15 * math.ceil(len(message) / sheet.column_dimensions["B"].width)


def test_a_writer_process_whose_run_is_killed_while_sending_it_the_result_ends_without_a_traceback(capfd):
    import struct

    writer = reports.OutputWriter()
    try:
        writer._tasks.send((("run.json",), {"run.json": Path("never-written.json")}, 1))
        # the run killed outright (a scheduler's time limit) part way through sending the pickled result
        os.write(writer._tasks.fileno(), struct.pack("!i", 100_000) + b"x" * 10)
        writer._tasks.close()
        writer._process.join(30)
        assert writer._process.exitcode == 0
    finally:
        writer.stop()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "end of file" not in err


def test_a_writer_process_whose_run_is_killed_while_it_writes_ends_without_a_traceback(capfd):
    import pickle

    writer = reports.OutputWriter()
    try:
        writer._answers.close()  # the run killed outright while its outputs were written: no one reads the answer
        assert writer.send((), {}, [pickle.dumps(None)])
        writer._process.join(30)
        assert writer._process.exitcode == 0
    finally:
        writer.stop()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Broken pipe" not in err
