"""The real command on a coordinator's binder in every format it comes in (SPEC §3).

The same binder (tests/paper_forms.py: paper-form logs, a hidden sheet, an Excel table, merged
titles, formulas, stray spaces, line breaks in headers) is written as .xlsx, as a 1904-dated .xlsx,
as a macro-enabled .xlsm, and read from the committed .xls, 1904-dated .xls and .ods conversions.
Every variant must give the same hours, verdicts and findings. A small 1904-dated log, as .xlsx and
as the committed .xls and .ods, must give the same dates and durations.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from coaching_batch.cli import main
from coaching_batch.read import RawSheet, read_workbook
from coaching_batch.values import parse_dates, parse_durations
from paper_forms import (AS_OF, EXPECTED, LOG_1904, LOG_NEGATIVE, TOTALS, write_binder, write_log_1904, write_log_negative,
                         write_totals)
from workbooks import edit_part, write_ods

FIXTURES = Path(__file__).resolve().parent / "fixtures"

VARIANTS = {
    "xlsx": lambda inbox: write_binder(inbox / "binder.xlsx"),
    "xlsx-1904": lambda inbox: write_binder(inbox / "binder.xlsx", date_1904=True),
    "xlsm": lambda inbox: write_binder(inbox / "binder.xlsm", macros=True),
    "xls": lambda inbox: shutil.copy(FIXTURES / "binder.xls", inbox),
    "xls-1904": lambda inbox: shutil.copy(FIXTURES / "binder-1904.xls", inbox),
    "ods": lambda inbox: shutil.copy(FIXTURES / "binder.ods", inbox),
}


@pytest.fixture(scope="module", params=list(VARIANTS))
def run(request, tmp_path_factory) -> dict:
    """run.json of one real run on an inbox holding only the binder, in one format."""
    root = tmp_path_factory.mktemp(request.param)
    inbox = root / "inbox"
    inbox.mkdir()
    VARIANTS[request.param](inbox)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(inbox), "--as-of", AS_OF, "--out", str(root / "out"), "--dry-run"])
    assert exit_.value.code == 0
    return json.loads((root / "out" / "run.json").read_text())


def test_every_format_gives_the_pairs_hours_and_verdicts(run):
    [pair] = run["pairs"]
    for key, expected in EXPECTED["pair"].items():
        assert pair[key] == expected, key


def test_every_format_reports_exactly_the_planted_findings_at_their_cells(run):
    assert {(f["rule"], f["sheet"], f["cell"]) for f in run["exceptions"]} == EXPECTED["findings"]


def test_every_sheet_is_recognised_with_its_rows_and_hidden_sheets_are_read_and_said_so(run):
    [binder] = run["inputs"]
    assert binder["status"] == "read"
    got = {s["name"]: (s["table"], s["rows"], s["hidden"]) for s in binder["sheets"]}
    assert got == EXPECTED["sheets"]


def test_a_name_two_employees_share_and_a_name_not_in_the_roster_say_who_and_count_nothing(run):
    by_rule = {f["rule"]: f for f in run["exceptions"]}
    assert "301, 302" in by_rule["NAME-AMBIGUOUS"]["message"] and "2 entries not counted" in by_rule["NAME-AMBIGUOUS"]["message"]
    assert "Robin Nobody" in by_rule["ID-UNKNOWN"]["message"]
    assert by_rule["ID-UNKNOWN"]["coach_id"] == "100"  # the coach's name did resolve


LOG_1904_VARIANTS = {
    "xlsx": lambda folder: write_log_1904(folder / "log-1904.xlsx"),
    "xls": lambda folder: FIXTURES / "log-1904.xls",
    "ods": lambda folder: FIXTURES / "log-1904.ods",
}


@pytest.fixture(params=list(LOG_1904_VARIANTS))
def log_1904(request, tmp_path) -> RawSheet:
    """The log sheet of the 1904 workbook, read from one format."""
    path = LOG_1904_VARIANTS[request.param](tmp_path)
    workbook = read_workbook(str(path), path.name)
    assert not workbook.error
    [sheet] = workbook.sheets
    return sheet


def test_a_date_typed_as_a_serial_number_in_a_1904_workbook_counts_from_1904_in_every_format(log_1904):
    assert list(parse_dates(log_1904.frame["date"]).values.dt.date) == LOG_1904["dates"]


def test_a_time_cell_of_24_hours_or_more_is_a_duration_and_a_total_in_every_format(log_1904):
    # an .ods gives such a cell as the text "PT25H00M00S"
    assert parse_durations(log_1904.frame["duration"]).values.tolist() == LOG_1904["minutes"]
    [footer] = log_1904.footers
    assert parse_durations(pd.Series([footer.value], dtype=object)).values.tolist() == [LOG_1904["footer_minutes"]]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_negative_duration_in_an_h_mm_cell_is_negative_in_every_format(tmp_path, kind):
    # `=End-Start` with the End before the Start (-1:00) and a negative time typed (-6:00): the reader
    # shows them as 23:00 and 18:00; in the .xls LibreOffice saves they were counted as 23 and 18 hours.
    path = write_log_negative(tmp_path / "log.xlsx") if kind == "xlsx" else FIXTURES / "log-negative.xls"
    [log] = read_workbook(str(path), path.name).sheets
    assert parse_durations(log.frame["duration"]).values.tolist() == LOG_NEGATIVE["minutes"]


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_a_totals_row_of_formulas_under_a_table_is_no_row_of_it_in_every_format(tmp_path, kind):
    # An Excel table's Total Row (the IDs counted, `=SUBTOTAL(103,…)` showing 3, Duration summed), once
    # LibreOffice saved the log as .xls or .ods, was an entry of Candidate ID 3 with CELL-REQUIRED for its
    # Date and Type of Contact; so were `=COUNTA()` rows under the roster and the assignments, in every format.
    # Now each is no row; a log's sum is its footer's total, checked as a `Total Hours` line is.
    path = write_totals(tmp_path / "totals.xlsx") if kind == "xlsx" else FIXTURES / f"totals.{kind}"
    sheets = read_workbook(str(path), path.name).sheets
    assert {sheet.name: (list(sheet.frame.index), [(f.row, f.col, f.value) for f in sheet.footers])
            for sheet in sheets} == TOTALS


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_a_rows_own_sum_prefilled_down_a_logs_duration_is_no_total(tmp_path, kind):
    # `=SUM(G5-F5)*24` (End minus Start) filled down the Duration column ahead of the entries shows 0 on the
    # rows not used yet: each was read as a `Total Hours` footer, LOG-TOTAL-MISMATCH "Total Hours says 0.00 h"
    # where no total is. Only a sum of a range is a totals row (`=SUM(E2:E6)` under them).
    header = ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Start", "End"]
    rows = [["200", "100", dt.datetime(2026, 3, day), "Phone", 1.0, 9 / 24, 10 / 24] for day in (2, 9, 16)]
    rows += [[None, None, None, None, 0.0, None, None]] * 2 + [[None, None, None, None, 3.0, None, None]]
    formulas = [f"SUM(G{row}-F{row})*24" for row in range(2, 7)] + ["SUM(E2:E6)"]
    if kind == "xlsx":
        path = tmp_path / "log.xlsx"
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("Log")
        sheet.write_row(0, 0, header)
        for r, (row, formula) in enumerate(zip(rows, formulas), start=1):
            for c, value in enumerate(row):
                if c == 4:
                    sheet.write_formula(r, c, f"={formula}", None, value)
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, workbook.add_format({"num_format": "yyyy-mm-dd"}))
                elif value is not None:
                    sheet.write(r, c, value)
        workbook.close()
        edit_part(path, "xl/workbook.xml", lambda xml: xml.replace(b' fullCalcOnLoad="1"', b""))  # results saved, as Excel does
    else:
        def cell(value, formula=None):
            given = f' table:formula="of:={formula}"' if formula else ""
            if value is None:
                return "<table:table-cell/>"
            if isinstance(value, str):
                return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
            if isinstance(value, dt.datetime):
                return f'<table:table-cell office:value-type="date" office:date-value="{value:%Y-%m-%d}"/>'
            return f'<table:table-cell{given} office:value-type="float" office:value="{value}"/>'
        ods = [(f.replace("SUM(G", "SUM([.G").replace("-F", "]-[.F").replace(")*", "])*").replace("(E2:E6)", "([.E2:.E6])"))
               for f in formulas]
        path = write_ods(tmp_path / "log.ods", header, "".join(
            "<table:table-row>" + "".join(cell(value, ods[i] if c == 4 else None) for c, value in enumerate(row))
            + "</table:table-row>" for i, row in enumerate(rows)))
    [log] = read_workbook(str(path), path.name).sheets
    assert list(log.frame.index) == [2, 3, 4, 5, 6]  # the unused rows are rows, as any row of a value alone
    assert [(f.row, f.col, f.value) for f in log.footers] == [(7, 4, 3.0)]


def test_an_unlabelled_sum_under_a_duration_in_minutes_is_a_footer_not_an_entry(tmp_path):
    # `=SUM(E2:E4)` under a `Duration (minutes)` header, no `Total` label beside it: the 180 was read as
    # "180 min" text first, so the row was an entry with CELL-REQUIRED for its Date and Type of Contact.
    # Now it is the footer's total in minutes, checked as any footer under a minutes header is.
    path = tmp_path / "log.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration (minutes)"])
    for r, day in enumerate((2, 9, 16), start=1):
        sheet.write_row(r, 0, ["200", "100"])
        sheet.write_datetime(r, 2, dt.datetime(2026, 3, day), workbook.add_format({"num_format": "yyyy-mm-dd"}))
        sheet.write_row(r, 3, ["Phone", 60])
    sheet.write_formula(4, 4, "=SUM(E2:E4)", None, 180)
    workbook.close()
    edit_part(path, "xl/workbook.xml", lambda xml: xml.replace(b' fullCalcOnLoad="1"', b""))  # results saved, as Excel does
    [log] = read_workbook(str(path), path.name).sheets
    assert list(log.frame.index) == [2, 3, 4]
    assert [(f.row, f.col, f.value) for f in log.footers] == [(5, 4, "180 min")]
    assert parse_durations(pd.Series([log.footers[0].value], dtype=object)).values.tolist() == [180]


NULL_DATE_1904 = ('<table:calculation-settings><table:null-date table:date-value="1904-01-01"/>'
                  "</table:calculation-settings>")


def _ods_cell(value) -> str:
    if isinstance(value, dt.datetime):  # a date-and-time cell, as an .ods holds it
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"/>'
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


@pytest.mark.parametrize("null_date, day_zero", [(NULL_DATE_1904, dt.datetime(1904, 1, 1)), ("", dt.datetime(1899, 12, 30))])
def test_a_duration_cell_formatted_as_a_date_and_time_in_an_ods_is_its_time_on_either_date_system(tmp_path, null_date, day_zero):
    # Old Mac Excel's workbook saved as .ods keeps the 1904 system: a Duration cell formatted
    # "m/d/yy h:mm" showing 1:30 is dated 1904-01-01 there; in .xlsx and .xls it is a time of 1:30.
    rows = [["200", "100", "3/5/2026", day_zero + dt.timedelta(hours=1, minutes=30)],
            ["200", "100", "3/12/2026", day_zero + dt.timedelta(minutes=45)],
            ["Total Hours", "", "", day_zero + dt.timedelta(hours=2, minutes=15)]]
    rows_xml = "".join(f"<table:table-row>{''.join(map(_ods_cell, row))}</table:table-row>" for row in rows)
    path = write_ods(tmp_path / "log.ods", ["Candidate ID", "Coach ID", "Date", "Duration"], rows_xml, settings=null_date)
    workbook = read_workbook(str(path), path.name)
    [sheet] = workbook.sheets
    assert parse_durations(sheet.frame["duration"]).values.tolist() == [90, 45]
    [footer] = sheet.footers
    assert parse_durations(pd.Series([footer.value], dtype=object)).values.tolist() == [135]


def test_a_number_that_is_no_date_in_a_1904_workbook_is_reported_as_typed(tmp_path):
    # 20240305 typed as a number in a Date column, and a negative number: neither is a date in
    # either date system; the finding quotes what was typed, not that plus the 1904 offset.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook = xlsxwriter.Workbook(str(inbox / "log.xlsx"), {"date_1904": True})
    sheet = workbook.add_worksheet("Log")
    sheet.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration"])
    for row, typed in enumerate([20240305, -5, 44624], start=1):  # 44624: 2026-03-05 in the 1904 system
        sheet.write_row(row, 0, ["200", "100", typed, "Phone", 1.5])
    workbook.close()
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", AS_OF, "--out", str(tmp_path / "out"), "--dry-run"])
    findings = json.loads((tmp_path / "out" / "run.json").read_text())["exceptions"]
    not_dates = {f["cell"]: f["message"] for f in findings if f["rule"] == "CELL-TYPE"}
    assert not_dates == {"C2": "Date '20240305' is not a date", "C3": "Date '-5' is not a date"}


@pytest.mark.parametrize("date_1904", [False, True], ids=["1900", "1904"])
@pytest.mark.parametrize("total, says", [(45, None), (44, "Total Hours says 44.00 h but the entries add up to 45.00 h on this page")])
def test_a_sum_of_hmm_durations_of_a_day_or_more_is_a_total_of_its_hours(tmp_path, total, says, date_1904):
    # Durations typed 3:00 get Excel's and LibreOffice's h:mm format, and so does =SUM() below them:
    # 45 hours show as 21:00 there, but the cell holds 45 hours (1.875 days), which the reader gives
    # as a date and time on the first day of the workbook's date system (1900-01-01, or 1904-01-02 in
    # a workbook of older Mac Excel). It is the hours it holds, not "not a number".
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook = xlsxwriter.Workbook(str(inbox / "log.xlsx"), {"date_1904": date_1904})
    sheet = workbook.add_worksheet("Log")
    hmm = workbook.add_format({"num_format": "h:mm"})
    sheet.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration"])
    for row in range(1, 16):
        sheet.write_row(row, 0, ["200", "100", dt.datetime(2026, 3, row), "Phone"])
        sheet.write_number(row, 4, 3 / 24, hmm)
    sheet.write(16, 0, "Total Hours")
    sheet.write_formula(16, 4, "=SUM(E2:E16)", hmm, total / 24)
    workbook.close()
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", AS_OF, "--out", str(tmp_path / "out"), "--dry-run"])
    findings = json.loads((tmp_path / "out" / "run.json").read_text())["exceptions"]
    assert [(f["cell"], f["message"]) for f in findings if f["rule"] == "LOG-TOTAL-MISMATCH"] == ([("E17", says)] if says else [])
