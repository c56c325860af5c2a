"""The outputs on paper and in pictures: print settings of every sheet, the payment sheet's pages, the
Progress charts (read from the xlsx parts: openpyxl reads charts poorly) and the Pairs sheet's colours."""

from __future__ import annotations

import re
from datetime import datetime
import zipfile

import openpyxl
import pandas as pd
import pytest

from coaching_batch import settings
from coaching_batch.model import CERTIFICATE_COLUMNS, COACH_COLUMNS, PAIR_COLUMNS, PAYMENT_COLUMNS
from coaching_batch.reports import write_outputs
from coaching_batch.reports.ledger_export import write_ledger_payments
from coaching_batch.reports.payments import write_payments
from coaching_batch.reports.results import CHART_PAIRS, MAX_CHART_PAGES, progress_frame, summary_page_breaks
from coaching_batch.reports.xlsx import new_chart, open_workbook
from test_reports import MENTORING, TYPO, make_result, pair, programs_result

WORKBOOKS = ("results.xlsx", "payments.xlsx", "exceptions.xlsx")


@pytest.fixture
def several(tmp_path, policy):
    write_outputs(programs_result(policy), tmp_path)
    return tmp_path


def test_every_sheet_of_every_output_is_set_up_for_printing(several):
    for name in WORKBOOKS:
        for sheet in openpyxl.load_workbook(several / name).worksheets:
            where = f"{name} {sheet.title}"
            assert sheet.print_area, where
            columns = openpyxl.utils.range_boundaries(sheet.print_area.split("!")[-1].replace("$", ""))[2]
            expected = "portrait" if columns <= 8 or sheet.title == "Progress" else "landscape"
            assert sheet.page_setup.orientation == expected, where
            if sheet.row_breaks.brk:  # manual page breaks: a fixed scale (Excel ignores breaks under "fit to")
                assert 10 <= int(sheet.page_setup.scale) <= 100, where
            else:
                assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
                one_page_wide = sheet.title != "Pairs"  # too wide to read on one page: see below
                assert (sheet.page_setup.fitToWidth in (None, 1)) == one_page_wide, where
                assert int(sheet.page_setup.fitToHeight) == 0, where
            header = sheet.oddHeader.left.text
            assert "As of 2026-11-20" in header and "&A" in header, where
            assert "Supporting Services Mentoring" in header or name == "payments.xlsx", where
            footer = sheet.oddFooter
            assert (footer.right.text if footer.left.text else footer.center.text) == "Page &P of &N", where
            if sheet.title not in ("Summary", "Progress"):
                assert sheet.print_title_rows == "$1:$1", where


def test_print_areas_cover_the_tables(several):
    results = openpyxl.load_workbook(several / "results.xlsx")
    assert results["Pairs"].print_area.endswith("$A$1:$Z$7")  # 26 columns, 6 pairs
    payments = openpyxl.load_workbook(several / "payments.xlsx")["Payments"]
    assert payments.print_area.endswith("$A$1:$L$4")  # the header, two payments and the total
    assert payments.oddHeader.left.text.startswith("Payments — ITSS Technical Advancement Skills Coaching; "
                                                   "District Tiered Coaching")  # the paying programs only


def payments_of(count: int) -> pd.DataFrame:
    return pd.DataFrame([
        {"payment_id": f"P-{i:03}", "coach_id": f"C{i}", "coach_name": f"Coach {i}", "candidate_id": f"K{i}",
         "candidate_name": f"Candidate {i}", "start_date": pd.Timestamp("2026-05-01"),
         "end_date": pd.Timestamp("2026-10-30"), "coach_contact_hours": 12.5, "candidate_hours": 40.0, "amount": 300.0,
         "program": "itss-coaching", "amount_basis": "flat stipend $300.00"} for i in range(count)
    ], columns=PAYMENT_COLUMNS)


@pytest.mark.parametrize("count, breaks", [(95, [41, 81]), (80, [41]), (40, [])])
def test_the_payment_sheet_prints_40_payments_a_page_with_the_total_on_the_last(tmp_path, policy, count, breaks):
    write_payments(make_result(policy, payments=payments_of(count)), tmp_path / "payments.xlsx")  # alone: quick
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    assert [b.id for b in sheet.row_breaks.brk] == breaks  # a break after row 41 (header + 40 payments), 81, ...
    assert sheet.cell(count + 2, 1).value == "Total"
    assert sheet.print_area.endswith(f"$A$1:$L${count + 2}")
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"
    if breaks:
        assert not sheet.sheet_properties.pageSetUpPr.fitToPage and 10 <= int(sheet.page_setup.scale) < 100


def test_the_text_after_the_amount_is_indented_clear_of_it(tmp_path, policy):
    """The Amount is right-aligned and the Program after it left-aligned: without an indent they
    printed as one word ("$300.00itss-coaching"). Values and columns stay as they are."""
    write_payments(make_result(policy, payments=payments_of(3)), tmp_path / "payments.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    header = [c.value for c in sheet[1]]
    amount, program = header.index("Amount") + 1, header.index("Program") + 1
    assert program == amount + 1
    assert [sheet.cell(row, program).value for row in (2, 3, 4)] == ["itss-coaching"] * 3
    assert all(sheet.cell(row, program).alignment.indent >= 1 for row in (2, 3, 4))
    assert sheet.cell(2, amount).alignment.indent == 0  # only the text is moved


LONG_NAME = "Maximiliana Alexandrina Konstantinopoulou-Vanderbilt de la Cruz y Montenegro Smith"[:80]


@pytest.mark.parametrize("long_names, breaks", [(1, [41]), (10, [32, 72]), (40, [21, 42])])
def test_payments_with_long_wrapped_names_are_paged_by_the_rows_their_lines_take(tmp_path, policy, long_names, breaks):
    """The scale prints 40 payments of one line and the total on a page: a name wrapping onto a taller
    row takes the room of its lines (40 two-line rows ran over onto pages of their own, in LibreOffice)."""
    payments = payments_of(80)
    payments.loc[: long_names - 1, "candidate_name"] = LONG_NAME
    write_payments(make_result(policy, payments=payments), tmp_path / "payments.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    assert [b.id for b in sheet.row_breaks.brk] == breaks
    starts = [2, *(b + 1 for b in breaks), 80 + 3]  # 1-based rows: the first payment of each page; the row after the total
    for first, end in zip(starts, starts[1:]):
        lines = sum((sheet.row_dimensions[row].height or 15) / 15 for row in range(first, end))
        assert end - first <= 41 and lines <= 41  # 40 payments and the total, in rows of one line


def _exported_payment_and_its_void(path) -> None:
    """``ledger export`` of one payment issued and one voided, filtered from 2026-11-01 to coach 103518."""
    recorded = pd.DataFrame([{
        "payment_id": "PAY-22E523E7F1E0", "status": status, "issued_on": "2026-11-20", "program": "itss-coaching",
        "coach_id": "103518", "coach_name": "Priya Natarajan", "candidate_id": "114518", "candidate_name": "Daniel Cho",
        "start_date": "2026-04-06", "end_date": "2026-09-25", "coach_contact_hours": 12.0, "candidate_hours": 40.0,
        "amount": 300.0, "run_id": 1, "voided_on": voided_on, "void_reason": reason,
    } for status, voided_on, reason in (("issued", None, None), ("voided", "2026-11-25", "returned by the bank"))])
    write_ledger_payments(recorded, path, since=pd.Timestamp("2026-11-01").date(), coach_id="103518",
                          as_of=pd.Timestamp("2026-12-03").date())


def test_a_ledger_export_longer_than_a_sheet_goes_on_on_a_printed_sheet_of_its_own(tmp_path, monkeypatch):
    """A sheet lowered here to the header and one payment: the voided one goes on on 'Payments (2)'."""
    monkeypatch.setattr(settings, "MAX_OUTPUT_SHEET_ROWS", 2)
    _exported_payment_and_its_void(tmp_path / "export.xlsx")
    book = openpyxl.load_workbook(tmp_path / "export.xlsx")
    assert book.sheetnames == ["Payments", "Payments (2)"]
    rows = [row for sheet in book for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row[1] for row in rows] == ["Issued", "Voided"]
    second = book["Payments (2)"]
    assert list(second.tables) == ["Payments2"] and [c.value for c in second[1]] == [c.value for c in book["Payments"][1]]
    assert second.print_title_rows == "$1:$1" and "coach 103518" in second.oddHeader.left.text


def test_the_ledger_export_prints_like_the_payment_sheet(tmp_path):
    """16 columns printed over four portrait pages with no page header, no page numbers, and the
    Program touching the Issued On date before it: now one landscape page wide, the header row on
    every page, what the export holds in the page header."""
    _exported_payment_and_its_void(tmp_path / "export.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "export.xlsx")["Payments"]
    assert sheet.print_area.endswith("$A$1:$P$3") and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (None, 1)
    assert int(sheet.page_setup.fitToHeight) == 0
    header = sheet.oddHeader.left.text
    assert "Payments in the ledger issued from 2026-11-01, coach 103518" in header and "As of 2026-12-03" in header
    assert sheet.oddFooter.center.text == "Page &P of &N"
    titles = [c.value for c in sheet[1]]
    for text, before in (("Program", "Issued On"), ("Void Reason", "Voided On")):  # clear of the date before it
        assert titles.index(text) == titles.index(before) + 1
        assert sheet.cell(3, titles.index(text) + 1).alignment.indent >= 1, text
    assert sheet.cell(2, titles.index("Issued On") + 1).alignment.indent == 0


# LibreOffice lays columns out about 5 % wider than xlsxwriter's pixel widths (measured: 41 payments that
# xlsxwriter fits at 75 % spill a column onto pages of their own in LibreOffice at 72 %, fit at 71 %).
LIBREOFFICE_WIDER = 1.05


@pytest.mark.parametrize("count", [41, 80])
def test_a_payment_sheet_with_page_breaks_still_prints_one_page_wide_in_libreoffice(tmp_path, policy, count):
    payments = payments_of(count).assign(
        payment_id=[f"PAY-{i:012X}" for i in range(count)], coach_name=[f"Coach {i:02d} Jones" for i in range(count)],
        candidate_name=[f"Candidate {i:02d} Smith" for i in range(count)])
    write_payments(make_result(policy, payments=payments), tmp_path / "payments.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    assert sheet.row_breaks.brk  # a fixed scale, not "fit to one page wide"
    points = sum(sheet.column_dimensions[openpyxl.utils.get_column_letter(col)].width * 7 * 0.75
                 for col in range(1, len(PAYMENT_COLUMNS) + 1))
    printable = (11 - 0.4 - 0.4) * 72  # landscape Letter less the margins
    assert int(sheet.page_setup.scale) / 100 * points * LIBREOFFICE_WIDER <= printable


def chart_parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.startswith(("xl/charts/", "xl/drawings/", "xl/worksheets/_rels/", "xl/workbook.xml"))}


def test_progress_sheet_charts_hours_against_minimums_and_days_left(several):
    parts = chart_parts(several / "results.xlsx")
    charts = sorted(n for n in parts if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]
    # ITSS (minimums 40 and 12): its one active pair (1002) in row 2 of Progress Data
    hours = parts["xl/charts/chart1.xml"]
    assert "<c:barChart>" in hours and "<c:lineChart>" in hours
    refs = re.findall(r"<c:f>([^<]+)</c:f>", hours)
    assert "'Progress Data'!$B$2" in refs  # the pair labels
    assert "'Progress Data'!$I$2" in refs and "'Progress Data'!$K$2" in refs  # candidate, coach hours
    assert "'Progress Data'!$J$2" in refs and "'Progress Data'!$L$2" in refs  # the two minimums
    assert "Candidate minimum (40 h)" in hours and "Coach contact minimum (12 h)" in hours
    days = re.findall(r"<c:f>([^<]+)</c:f>", parts["xl/charts/chart2.xml"])
    assert "'Progress Data'!$H$2" in days  # days left
    # Mentoring has no hour minimum: a days-left chart only, for its one active pair (row 3)
    mentoring = parts["xl/charts/chart3.xml"]
    assert "<c:lineChart>" not in mentoring and "'Progress Data'!$H$3" in mentoring
    # each in its program's words: the mentoring relationship has an end, not a deadline
    assert "days left to the deadline" in parts["xl/charts/chart2.xml"]
    assert "Supporting Services Mentoring: days left to the end of the relationship" in mentoring
    assert "Days left to the end of the relationship" in mentoring and "deadline" not in mentoring
    # the charts are drawn on the Progress sheet (the workbook's second)
    assert "drawing1.xml" in parts["xl/worksheets/_rels/sheet2.xml.rels"]
    assert parts["xl/drawings/_rels/drawing1.xml.rels"].count("charts/chart") == 3

    book = openpyxl.load_workbook(several / "results.xlsx")
    data = [r for r in book["Progress Data"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[2], r[7], r[9], r[11]) for r in data] == [
        ("itss-coaching", "1002", -19, 40, 12),  # deadline 2026-11-01, passed
        (MENTORING, "3002", (pd.Timestamp("2027-02-01") - pd.Timestamp("2026-11-20")).days, None, None),
    ]
    notes = [c for row in book["Progress"].iter_rows(values_only=True) for c in row if c]
    assert any("Not charted" in n and "District Tiered Coaching" in n for n in notes)  # its pair is not active


def test_a_chart_of_pairs_on_a_further_progress_data_sheet_draws_from_that_sheet(tmp_path, policy, monkeypatch):
    """Progress Data longer than a sheet (lowered here to the header and one pair) goes on on
    'Progress Data (2)': the mentoring program's chart draws its one pair from there, not from a row
    past the first sheet's end."""
    monkeypatch.setattr(settings, "MAX_OUTPUT_SHEET_ROWS", 2)
    write_outputs(programs_result(policy), tmp_path)
    parts = chart_parts(tmp_path / "results.xlsx")
    assert "'Progress Data'!$H$2" in parts["xl/charts/chart2.xml"]  # ITSS's pair, on the first sheet
    mentoring = parts["xl/charts/chart3.xml"]
    assert "'Progress Data (2)'!$H$2" in mentoring and "'Progress Data'!" not in mentoring
    data = openpyxl.load_workbook(tmp_path / "results.xlsx")["Progress Data (2)"]
    assert [data["A2"].value, data["C2"].value] == [MENTORING, "3002"]


def test_every_chart_ends_a_column_before_the_progress_print_area_does(several):
    """LibreOffice draws columns narrower than Excel: a chart that reaches the print area's last
    column spilled its right edge onto pages of their own. A column to spare prints it whole."""
    parts = chart_parts(several / "results.xlsx")
    chart_ends = [int(col) for col in re.findall(r"<xdr:to><xdr:col>(\d+)</xdr:col>", parts["xl/drawings/drawing1.xml"])]
    area = openpyxl.load_workbook(several / "results.xlsx")["Progress"].print_area
    last = openpyxl.utils.column_index_from_string(re.search(r":\$?([A-Z]+)\$?\d+", str(area))[1]) - 1  # 0-based
    assert chart_ends and max(chart_ends) < last


def chart_titles(path) -> list[str]:
    """The title of each chart of the workbook, as written (text), or None for one written as a reference."""
    parts = chart_parts(path)
    charts = [parts[n] for n in sorted(parts) if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    titles = [re.search(r"<c:title>(.*?)</c:title>", chart, re.S)[1] for chart in charts]
    return [None if "<c:f>" in title else "".join(re.findall(r"<a:t>([^<]*)</a:t>", title)) for title in titles]


@pytest.mark.parametrize("title", ["North!A1 mentoring", "=Sheet 1!$B$2 coaching"])
def test_a_program_title_that_looks_like_a_cell_reference_titles_its_charts_as_typed(tmp_path, policy, title):
    """xlsxwriter takes a chart title starting like 'X!A1' for a reference to that cell: a program file
    titled 'North!A1 mentoring' gave charts with no title, and LibreOffice could not open results.xlsx."""
    import dataclasses

    write_outputs(make_result(dataclasses.replace(policy, title=title)), tmp_path)
    assert chart_titles(tmp_path / "results.xlsx") == [f"{title}: hours so far (2 active pairs)",
                                                       f"{title}: days left to the deadline (2 active pairs)"]


def test_a_series_named_like_a_cell_reference_is_named_as_typed(tmp_path):
    """Every chart's names go the same way: a series' name too is text, never a reference."""
    workbook = open_workbook(tmp_path / "chart.xlsx")
    sheet = workbook.add_worksheet("Data")
    sheet.write_number(0, 0, 1)
    sheet.write_number(1, 0, 2)
    chart = new_chart(workbook, "column")
    chart.add_series({"name": "Data!A1 hours", "values": ["Data", 0, 0, 1, 0]})
    sheet.insert_chart(3, 0, chart)
    workbook.close()
    series = chart_parts(tmp_path / "chart.xlsx")["xl/charts/chart1.xml"]
    assert "<c:tx><c:v>Data!A1 hours</c:v></c:tx>" in series
    assert re.findall(r"<c:f>([^<]+)</c:f>", series) == ["Data!$A$1:$A$2"]


def test_a_long_program_title_is_cut_in_its_charts_titles_to_what_excel_accepts(tmp_path, policy):
    """Excel keeps a chart title's length in one byte (255 UTF-16 units, an emoji two): a policy file's
    title of 200 emoji is cut, and the chart still says what it shows."""
    import dataclasses

    write_outputs(make_result(dataclasses.replace(policy, title="Coaching " + "🌟" * 200)), tmp_path)
    titles = chart_titles(tmp_path / "results.xlsx")
    assert [t.startswith("Coaching 🌟🌟") for t in titles] == [True, True]
    assert titles[0].endswith("🌟…: hours so far (2 active pairs)")
    assert titles[1].endswith("🌟…: days left to the deadline (2 active pairs)")
    assert [len(t.encode("utf-16-le")) // 2 for t in titles] == [255, 254]  # an emoji does not fit the last unit


def test_many_active_pairs_are_charted_a_page_at_a_time_up_to_a_limit(policy):
    many = CHART_PAIRS * MAX_CHART_PAGES + 7
    pairs = pd.DataFrame([
        pair(f"{1000 + i}", f"{5000 + i}", f"Candidate {i}", f"Coach {i}", candidate_minutes=60 * i, coach_minutes=30,
             complete=False, paid=False, planning=str((pd.Timestamp("2026-06-01") + pd.Timedelta(days=i % 90)).date()))
        for i in range(many)
    ], columns=PAIR_COLUMNS)
    frame, blocks = progress_frame(make_result(policy, pairs=pairs))
    assert len(frame) == many and [b.count for b in blocks] == [many]
    assert frame["deadline"].is_monotonic_increasing  # nearest deadline first


def test_pairs_sheet_colours_eligible_at_risk_and_blocked_rows(several):
    book = openpyxl.load_workbook(several / "results.xlsx")
    sheet = book["Pairs"]
    ranges = list(sheet.conditional_formatting)
    assert [str(r.sqref) for r in ranges] == ["A2:Z7"]  # one range over the whole table, nothing per row
    rules = ranges[0].rules
    assert [r.type for r in rules] == ["expression"] * 3 and all(r.stopIfTrue for r in rules)
    blocked, at_risk, eligible = (r.formula[0] for r in rules)
    assert sheet["W1"].value == "Blocking Errors" and '$W2<>""' in blocked  # the errors on the pair itself
    assert "Exceptions" not in blocked  # not any error with the pair's IDs (one on a log entry blocks nothing)
    assert '$U2<>"Yes"' in blocked  # a completion-eligible pair is never shown blocked
    assert '"PAIR-AT-RISK"' in at_risk and '"PAIR-INACTIVE"' in at_risk and "Exceptions!$H$2:$H$6,$D2" in at_risk
    assert "Exceptions!$I$2:$I$6,$A2" in at_risk  # the pair's own program, not another's pair of the same two people
    assert eligible == '$U2="Yes"'
    fills = [r.dxf.fill.bgColor.rgb[-6:] for r in rules]
    assert fills == ["FFC7CE", "FFD966", "C6EFCE"]  # red, amber, green
    assert "green" in sheet["A1"].comment.text.lower() or "Green" in sheet["A1"].comment.text
    assert "green = completion-eligible" in sheet.oddFooter.left.text
    legend = [r[:2] for r in book["Summary"].iter_rows(values_only=True) if r[0] in ("Green", "Amber", "Red")]
    assert [r[0] for r in legend] == ["Green", "Amber", "Red"] and "PAIR-AT-RISK" in legend[1][1]


def test_the_payment_total_fits_its_column_when_it_is_wider_than_every_amount(tmp_path, policy):
    """40 stipends of $300.00 total $12,000.00: a column fitted to $300.00 showed the total as ###."""
    write_payments(make_result(policy, payments=payments_of(40)), tmp_path / "payments.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    assert sheet.cell(42, 1).value == "Total" and sheet.cell(42, 10).value == 12_000
    assert sheet.column_dimensions["J"].width >= len("$12,000.00") + 1


def test_the_pairs_sheet_prints_several_pages_wide_at_a_readable_size_with_the_pair_on_each_page(several):
    """One page wide, its 26 columns printed 11-point text at about 3 points."""
    sheet = openpyxl.load_workbook(several / "results.xlsx")["Pairs"]
    pages = int(sheet.page_setup.fitToWidth)
    widths = {column: dimension.width for column, dimension in sheet.column_dimensions.items()}
    total = sum(widths.get(openpyxl.utils.get_column_letter(col), 8.43) for col in range(1, sheet.max_column + 1))
    keys = sum(widths.get(letter, 8.43) for letter in "ABCDE")
    assert pages >= 2 and (total + (pages - 1) * keys) / pages <= 2 * 130  # 130 characters fill a page at 100 %
    assert sheet.print_title_cols == "$A:$E"  # program, candidate and coach on every page
    assert [sheet.cell(1, col).value for col in range(1, 6)] == [
        "Program", "Candidate ID", "Candidate Name", "Coach ID", "Coach Name"]
    assert sheet.page_setup.pageOrder == "overThenDown"  # a row's pages one after the other


def test_a_pairs_sheet_with_long_names_still_prints_several_pages_wide_with_the_ids_on_each(tmp_path, policy):
    """Long candidate and coach names (each column 50 characters wide) left the five key columns too wide
    to repeat, and the sheet fell back to one page wide: 26 columns at about a quarter of their size."""
    result = programs_result(policy)
    result.pairs["candidate_name"] = [f"{LONG_NAME} {i}" for i in range(len(result.pairs))]
    result.pairs["coach_name"] = [f"{LONG_NAME} Coach {i}" for i in range(len(result.pairs))]
    write_outputs(result, tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "results.xlsx")["Pairs"]
    pages = int(sheet.page_setup.fitToWidth or 1)
    widths = {column: dimension.width for column, dimension in sheet.column_dimensions.items()}
    width = {letter: widths.get(letter, 8.43) for letter in map(openpyxl.utils.get_column_letter, range(1, 27))}
    repeated = sheet.print_title_cols
    assert repeated == "$A:$D"  # program, candidate ID and name, coach ID: the coach's name no longer fits too
    keys = sum(width[letter] for letter in "ABCD")
    assert pages >= 2 and (sum(width.values()) + (pages - 1) * keys) / pages <= 2 * 130
    assert sheet.page_setup.pageOrder == "overThenDown"


def test_the_pairs_colour_note_prints_in_short_lines_clear_of_the_page_numbers(several):
    """The note ran on under "Page 1 of 28" in the footer's middle, the two printed over each other."""
    footer = openpyxl.load_workbook(several / "results.xlsx")["Pairs"].oddFooter
    assert footer.center.text is None and footer.right.text == "Page &P of &N"
    lines = footer.left.text.split("\n")
    assert len(lines) == 2 and all(len(line) <= 90 for line in lines)
    assert footer.left.size == 8 and "green = completion-eligible" in footer.left.text


def test_the_summary_prints_each_program_policy_whole_from_a_page_after_the_counts(several):
    summary = openpyxl.load_workbook(several / "results.xlsx")["Summary"]
    titles = [cell.row for cell in summary["A"] if str(cell.value or "").startswith("Policy: ")]
    breaks = [b.id for b in summary.row_breaks.brk]  # the last row of a page (1-based)
    assert len(titles) == 3 and breaks and breaks[0] == titles[0] - 1  # the policies start a page
    assert 10 <= int(summary.page_setup.scale) <= 100  # a fixed scale: Excel ignores breaks under "fit to"
    for title in titles:  # no policy title printed at a page's foot with its settings overleaf
        end = title + next((n for n, cell in enumerate(summary["A"][title:]) if cell.value is None), summary.max_row)
        assert not any(title <= b < end for b in breaks), title


def test_a_long_program_title_wraps_on_both_summaries_instead_of_running_off_the_printed_page(tmp_path, policy):
    """A policy file's title of 97 characters: the results Summary's title line, its By program row and the
    exception report's Programs ran on past the print area, their ends (and the next program's title) cut off."""
    import dataclasses

    long_title = "Supporting Services Mentoring – Наставничество / Mentorat de carrière pour le personnel de soutien"
    result = programs_result(policy)
    programs = {**result.programs, "district-tiered": dataclasses.replace(result.programs["district-tiered"], title=long_title)}
    write_outputs(dataclasses.replace(result, programs=programs), tmp_path)

    summary = openpyxl.load_workbook(tmp_path / "results.xlsx")["Summary"]
    last_column = openpyxl.utils.range_boundaries(summary.print_area.split("!")[-1].replace("$", ""))[2]
    assert summary["A1"].value.endswith(long_title) and summary["A1"].alignment.wrap_text
    assert f"A1:{openpyxl.utils.get_column_letter(last_column)}1" in {str(r) for r in summary.merged_cells.ranges}
    assert summary.row_dimensions[1].height >= 2 * 19  # its two lines
    row = next(r for r in range(1, summary.max_row + 1) if summary.cell(r, 2).value == long_title)
    assert summary.cell(row, 2).alignment.wrap_text and summary.row_dimensions[row].height >= 2 * 15

    report = openpyxl.load_workbook(tmp_path / "exceptions.xlsx")["Summary"]
    row = next(r for r in range(1, report.max_row + 1) if report.cell(r, 2).value == long_title)
    assert report.cell(row, 2).alignment.wrap_text and report.row_dimensions[row].height >= 2 * 15
    assert f"B{row}:E{row}" in {str(r) for r in report.merged_cells.ranges}  # the width of the counts below


# a district's own program file may give a title of a few hundred characters
LONG_TITLE = ("ITSS Technical Advancement Skills Coaching for the Office of Information Technology Systems Support, "
              "Field Support North (Gaithersburg), Field Support South (Rockville) and the Carver Educational Services "
              "Center, school year 2026-27, as agreed with the Office of Human Resources and Development")


def merged_across(sheet, row: int) -> bool:
    """Whether row ``row`` (1-based) is one cell merged across the sheet's whole print area."""
    last_column = openpyxl.utils.range_boundaries(sheet.print_area.split("!")[-1].replace("$", ""))[2]
    return f"A{row}:{openpyxl.utils.get_column_letter(last_column)}{row}" in {str(r) for r in sheet.merged_cells.ranges}


def test_a_long_program_title_wraps_on_the_progress_sheet_instead_of_running_off_the_printed_page(tmp_path, policy):
    """A program's heading above its charts, and the list of programs not charted, were one line each:
    a title of 280 characters ran on past the print area's edge, its end and program name cut off."""
    import dataclasses

    result = programs_result(policy)
    programs = {name: dataclasses.replace(program, title=f"{LONG_TITLE} ({name})")
                for name, program in result.programs.items()}
    write_outputs(dataclasses.replace(result, programs=programs), tmp_path)
    progress = openpyxl.load_workbook(tmp_path / "results.xlsx")["Progress"]
    column = [str(cell.value or "") for cell in progress["A"]]
    heading = 1 + next(r for r, text in enumerate(column) if text.startswith(LONG_TITLE) and text.endswith(")"))
    skipped = 1 + next(r for r, text in enumerate(column) if text.startswith("Not charted"))
    assert "(district-tiered)" in column[skipped - 1]  # no active pair: not charted
    for row, lines, points in ((heading, 3, 16), (skipped, 2, 15)):
        assert progress.cell(row, 1).alignment.wrap_text and merged_across(progress, row), row
        assert progress.row_dimensions[row].height >= lines * points, row


def test_long_titles_names_and_folders_wrap_on_the_summary_instead_of_running_off_the_printed_page(tmp_path, policy):
    """The default program's title and the inbox in the Run section, each policy's title, and a program
    named at length in a workbook's Program column (By program) were one line each: they ran on past
    the print area's edge (a long Program cut off by its title beside it)."""
    import dataclasses

    result = programs_result(policy)
    long_name = "Supporting Services Mentoring and Career Pathways Leadership Development for Building Services staff"
    pairs = result.pairs.assign(program=result.pairs["program"].replace(TYPO, long_name))
    inbox = "S:/Coaching/" + "Office of Human Resources and Development - coaching programs/" * 2 + "inbox"
    itss = dataclasses.replace(result.policy, title=LONG_TITLE)
    write_outputs(dataclasses.replace(result, pairs=pairs, policy=itss, programs={**result.programs, itss.name: itss},
                                      inbox=inbox), tmp_path)
    summary = openpyxl.load_workbook(tmp_path / "results.xlsx")["Summary"]

    def row_of(col: int, value: str, after: int = 1) -> int:
        return next(r for r in range(after, summary.max_row + 1) if summary.cell(r, col).value == value)

    policy_title = row_of(1, "title", after=row_of(1, "Policy: itss-coaching"))
    for row, col, lines in ((row_of(1, "Default program title"), 2, 5), (row_of(1, "Inbox"), 2, 3),
                            (policy_title, 2, 5), (row_of(1, long_name), 1, 3)):
        assert summary.cell(row, col).alignment.wrap_text and summary.row_dimensions[row].height >= lines * 15, row
    assert summary.cell(policy_title, 2).value == LONG_TITLE


def test_summary_sections_are_paged_by_the_heights_their_wrapped_rows_take():
    """Page breaks counted every row as one of the default height: a long program title wrapped onto
    rows five lines tall in Run and By program pushed the table's last rows onto a page of their own,
    without its header. (first row, height in default rows) of the title, Run, Counts, Totals,
    Colours, By program and a policy, 40 rows a page:"""
    short = [(0, 1), (2, 7), (10, 11), (22, 4), (27, 4), (32, 8), (41, 33)]
    assert summary_page_breaks(short, 41, 40) == [41]  # all before the policies on the first page
    tall = [(0, 3), (2, 11), *short[2:5], (32, 12), (41, 37)]
    assert summary_page_breaks(tall, 41, 40) == [32, 41]  # By program whole, from a page of its own
    assert summary_page_breaks([*tall[:-1], (41, 12), (54, 27.5)], 41, 40) == [32, 41, 54]  # a policy's tall rows


def test_a_long_default_program_title_keeps_the_by_program_table_on_one_page_with_its_header(tmp_path, policy):
    import dataclasses

    result = programs_result(policy)
    itss = dataclasses.replace(result.policy, title=LONG_TITLE)
    write_outputs(dataclasses.replace(result, policy=itss, programs={**result.programs, itss.name: itss}), tmp_path)
    summary = openpyxl.load_workbook(tmp_path / "results.xlsx")["Summary"]
    column = [cell.value for cell in summary["A"]]
    title = 1 + column.index("By program")
    last = title + next(n for n, value in enumerate(column[title:]) if value is None)  # the table's last row
    breaks = [b.id for b in summary.row_breaks.brk]  # the last row of a page (1-based)
    assert title - 1 in breaks and not any(title <= b < last for b in breaks), breaks


def test_a_text_after_a_date_or_number_never_prints_against_it(tmp_path, policy):
    """A right-aligned date or number and a left-aligned text after it printed as one word
    ("2026-07-24Alexandros …" on the Certificates sheet, "2009-09-21Meeting" and "2023-10-18Yes" on the
    Coaches sheet, "2026-11-20certificates/…" beside a PDF name long enough to wrap): every such text is
    indented clear of it, on every sheet of the three workbooks."""
    long_file = "certificates/Alexandros Konstantinopoulou - support-mentoring - CERT-0123456789AB.pdf"
    certificates = pd.DataFrame([
        {"program": MENTORING, "candidate_id": "3001", "candidate_name": "Mia Ford", "coach_id": "4001",
         "coach_name": "Sam Osei", "completion_date": pd.Timestamp("2026-11-03"),
         "send_to": "Αλέξανδρος Παπαδόπουλος (supervisor, 5001)", "copies_to": "Mia Ford (mentee); Sam Osei (mentor)",
         "certificate_id": "CERT-0123456789AB", "issued_on": pd.Timestamp("2026-11-20"), "file": long_file},
    ], columns=CERTIFICATE_COLUMNS)
    coaches = pd.DataFrame([
        {"program": "itss-coaching", "coach_id": "2001", "coach_name": "Grace Kim", "grade": 25,
         "hire_date": pd.Timestamp("2009-09-21"), "pgs_status": "Meeting", "coach_training_date": pd.Timestamp("2023-10-18"),
         "recommendations_complete": True, "qualified": True},
    ], columns=COACH_COLUMNS)
    write_outputs(programs_result(policy, certificates=certificates, coaches=coaches), tmp_path)
    against = []
    for name in WORKBOOKS:
        for sheet in openpyxl.load_workbook(tmp_path / name).worksheets:
            for row in sheet.iter_rows(min_row=2):
                for before, cell in zip(row, row[1:]):
                    right_aligned = (isinstance(before.value, (int, float, datetime)) and not isinstance(before.value, bool)
                                     and before.alignment.horizontal in (None, "general", "right"))
                    left_aligned = isinstance(cell.value, str) and cell.alignment.horizontal in (None, "general", "left")
                    if right_aligned and left_aligned and not cell.alignment.indent:
                        against.append((name, sheet.title, cell.coordinate, before.value, cell.value))
    assert against == [], "\n".join(map(str, against))
    certificate = openpyxl.load_workbook(tmp_path / "results.xlsx")["Certificates"]
    assert [c.value for c in certificate[2]][-1] == long_file and certificate["K2"].alignment.wrap_text  # still wraps


def test_a_program_title_of_emoji_keeps_every_page_header_and_the_dry_run_banner(tmp_path, policy):
    """Excel counts a page header's 255 characters in UTF-16 units, an emoji two: a title of 70 stars was
    fitted to the payment sheet's header by its count of characters, and the writer dropped the header
    whole, the dry run's "not for payment" banner atop its printed pages with it."""
    import dataclasses

    starred = dataclasses.replace(policy, title="Coaching " + "🌟" * 70)
    write_outputs(make_result(starred, dry_run=True), tmp_path)
    for name in WORKBOOKS:
        with zipfile.ZipFile(tmp_path / name) as archive:
            sheets = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
            for part in sheets:
                header = re.search(r"<oddHeader>(.*?)</oddHeader>", archive.read(part).decode(), re.S)
                assert header, f"{name} {part}"
                text = header[1].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                assert len(text.encode("utf-16-le")) // 2 <= 255 and "Coaching 🌟" in text, f"{name} {part}"
    payments = openpyxl.load_workbook(tmp_path / "payments.xlsx")["Payments"]
    assert "DRY RUN — NOT FOR PAYMENT" in payments.oddHeader.center.text
