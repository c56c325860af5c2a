"""The paper Coaching Log layout (SPEC §3): the pair named above the table, continuation pages,
`Total Hours` footers; and dates typed as serial numbers in a 1904 workbook."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from coaching_batch import values
from coaching_batch.read import Footer, read_workbook
from coaching_batch.recognise import recognise
from coaching_batch.rules.evaluate import evaluate
from coaching_batch.rules.logs import check_footers
from coaching_batch.validate import SheetSource
from conftest import typed_tables
from workbooks import assignment_rows, roster_rows, run_command, write_workbook

PAPER_HEADER = ["Date", "Type of Contact (In Person, Phone, Email)", "Duration", "Brief Description of Contact"]
ENTRY = [dt.date(2026, 2, 2), "Phone", 1.5, "call"]


def read_sheets(tmp_path, sheets: dict) -> dict:
    path = write_workbook(tmp_path / "log.xlsx", sheets)
    result = read_workbook(str(path), "log.xlsx")
    assert not result.error
    return {sheet.name: sheet for sheet in result.sheets}


def labels_of(sheet) -> dict:
    return {role: (label.kind, label.value, values.a1(label.row, label.col), label.sheet) for role, label in sheet.labels.items()}


# --- reading the labelled block ------------------------------------------------------------------

def test_a_row_of_id_labels_above_a_short_header_is_not_taken_for_the_header():
    found = recognise([["Candidate ID:", "200", "Coach ID:", "100"], [], ["Date", "Duration"]])
    assert found.table == "candidate_log" and found.header_row == 2


def test_a_row_of_id_labels_left_unfilled_is_still_the_labelled_block_not_a_header():
    title, header = ["ITSS Coaching Candidate Log"], ["Date", "Duration"]
    for block in (["Candidate ID:", "200", "Coach ID:", "100"], ["Candidate ID:", None, "Coach ID:"], ["Candidate ID:", "", "Coach ID:", ""],
                  ["Candidate ID:", None, "Coach ID:", None, "Date:", None]):
        found = recognise([title, block, [], header])
        assert (found.table, found.header_row) == ("candidate_log", 3), block


@pytest.mark.parametrize("other", [["Program:", "ITSS Coaching"], ["Status:", "Active"], ["Campus:", "Rockville HS"]])
def test_a_block_naming_the_pair_by_ids_typed_as_text_and_another_label_with_words_is_still_the_block(tmp_path, other):
    """`Candidate ID: | A-200 | Coach ID: | A-100 | Program: | ITSS Coaching` above the log: the IDs are the
    log's pair, not the headers of an assignments table read from the log's rows (its entries were lost)."""
    block = ["Candidate ID:", "A-200", "Coach ID:", "A-100", *other]
    sheet = read_sheets(tmp_path, {"Log": [["ITSS Coaching Candidate Log"], block, [], ["Date", "Duration"], [dt.date(2026, 2, 2), 1.5]]})["Log"]
    assert (sheet.table, sheet.header_row, len(sheet.frame)) == ("candidate_log", 4, 1)
    assert {role: value for role, (_, value, *_) in labels_of(sheet).items()} == {"candidate": "A-200", "coach": "A-100"}


def test_a_header_cell_ending_in_a_colon_is_still_a_header():
    assert recognise([["Candidate ID:", "Coach ID:", "Date:", "Duration:"]]).columns["duration"] == 3


def test_labels_take_the_next_filled_cell_or_the_text_after_the_colon(tmp_path):
    sheets = read_sheets(tmp_path, {"Log": [
        ["ITSS Job Banding Coaching Log"],
        ["Candidate Name", None, None, "Kim Candidate"],
        ["Coach Name: Casey Coach"],
        PAPER_HEADER,
        ENTRY,
    ]})
    assert labels_of(sheets["Log"]) == {
        "candidate": ("name", "Kim Candidate", "D2", "Log"),
        "coach": ("name", "Casey Coach", "A3", "Log"),
    }


@pytest.mark.parametrize("between", ["      ", "\n"])
def test_both_labels_typed_in_one_cell_each_name_their_own_person(tmp_path, between):
    """`Candidate Name: Kim Candidate      Coach Name: Casey Coach` in one merged cell (or on two lines of
    it): the candidate's name was read as everything after its colon, 'Kim Candidate Coach Name: Casey
    Coach', ID-UNKNOWN, and the log's entries were not counted."""
    sheets = read_sheets(tmp_path, {"Log": [["ITSS Job Banding Coaching Log"], [f"Candidate Name: Kim Candidate{between}Coach ID: 100"],
                                            PAPER_HEADER, ENTRY]})
    assert labels_of(sheets["Log"]) == {"candidate": ("name", "Kim Candidate", "A2", "Log"), "coach": ("id", "100", "A2", "Log")}


def test_labels_printed_with_the_forms_fill_in_line_take_the_name_beside_or_typed_over_it(tmp_path):
    """The form prints `Candidate Name _____` (no colon): the name typed in the next cell, past a
    cell of the line, or over the line itself is the label's value (none was: no entry counted)."""
    sheets = read_sheets(tmp_path, {
        "Beside": [["Candidate Name _____", "Kim Candidate"], ["Coach Name", "________", "Casey Coach"], PAPER_HEADER, ENTRY],
        "Over": [["Candidate Name ____Kim Candidate____"], ["Coach Name: Casey Coach ____"], PAPER_HEADER, ENTRY],
        "Unfilled": [["Candidate Name _____"], ["Coach Name _____", "________"], PAPER_HEADER, ENTRY],
    })
    assert labels_of(sheets["Beside"]) == {
        "candidate": ("name", "Kim Candidate", "B1", "Beside"),
        "coach": ("name", "Casey Coach", "C2", "Beside"),
    }
    assert labels_of(sheets["Over"]) == {
        "candidate": ("name", "Kim Candidate", "A1", "Over"),
        "coach": ("name", "Casey Coach", "A2", "Over"),
    }
    assert sheets["Unfilled"].labels == {}


def test_a_log_labelled_in_its_programs_words_names_its_mentee_or_coachee_and_mentor(tmp_path):
    """SPEC §2a: a mentee or a coachee is the candidate, a mentor the coach; a mentor log's
    `Mentee Name:` / `Mentor Name:` name its pair as `Candidate Name:` / `Coach Name:` do (its
    entries were each CELL-REQUIRED: no candidate and coach)."""
    sheets = read_sheets(tmp_path, {
        "Mentor log": [["Mentee Name:", "Kim Candidate"], ["Mentor Name:", "Casey Coach"], PAPER_HEADER, ENTRY],
        "Reps log": [["Coachee ID: 200"], ["Coach ID:", "100"], PAPER_HEADER, ENTRY],
        "Typed": [["Mentee Name __Kim Candidate__"], ["MENTOR ID 100"], PAPER_HEADER, ENTRY],
    })
    assert labels_of(sheets["Mentor log"]) == {
        "candidate": ("name", "Kim Candidate", "B1", "Mentor log"),
        "coach": ("name", "Casey Coach", "B2", "Mentor log"),
    }
    assert labels_of(sheets["Reps log"]) == {
        "candidate": ("id", "200", "A1", "Reps log"),
        "coach": ("id", "100", "B2", "Reps log"),
    }
    assert labels_of(sheets["Typed"]) == {
        "candidate": ("name", "Kim Candidate", "A1", "Typed"),
        "coach": ("id", "100", "A2", "Typed"),
    }


def test_a_logs_id_columns_headed_in_its_programs_words_are_its_pairs_columns():
    """The columns agree with the labels: `Mentee ID` / `Coachee ID` is Candidate ID, `Mentor ID` Coach ID."""
    mentor_log = recognise([["Mentee ID", "Mentor ID", "Date", "Type of Contact", "Hours"]])
    assert (mentor_log.table, mentor_log.columns["candidate_id"], mentor_log.columns["coach_id"]) == ("coach_log", 0, 1)
    coachee_log = recognise([["Coachee ID", "Coach ID", "Date", "Duration"]])
    assert (coachee_log.table, coachee_log.columns["candidate_id"]) == ("candidate_log", 0)


def test_a_name_typed_after_the_printed_label_in_its_cell_is_read_when_nothing_else_labels_it(tmp_path):
    """The form's `Candidate Name _____` with its line typed over: `Candidate Name Kim Candidate`."""
    sheets = read_sheets(tmp_path, {
        "Typed": [["Candidate Name Kim Candidate"], ["COACH NAME  Casey Coach"], PAPER_HEADER, ENTRY],
        "Both": [["Candidate name must match the roster"], ["Candidate Name:", "Kim Candidate"],
                 ["Coach ID Number: 100"], PAPER_HEADER, ENTRY],
    })
    assert labels_of(sheets["Typed"]) == {
        "candidate": ("name", "Kim Candidate", "A1", "Typed"),
        "coach": ("name", "Casey Coach", "A2", "Typed"),
    }
    assert labels_of(sheets["Both"]) == {"candidate": ("name", "Kim Candidate", "B2", "Both")}


def test_the_forms_instructions_starting_with_a_labels_words_name_no_one(tmp_path):
    """`Coach name and signature required on every page` over a continuation page: no coach named
    "and signature required …" (the page took it for its coach, and so not its first page's names: its
    entries were not counted); `Coach ID numbers are on the staff roster` over a log with a Coach ID
    column: no label (a blank Coach ID was ID-UNKNOWN at the instructions, not CELL-REQUIRED at its cell)."""
    sheets = read_sheets(tmp_path, {
        "Log": [["Candidate Name:", "Kim Candidate"], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY],
        "Log continued": [["Coach name and signature required on every page"], PAPER_HEADER, ENTRY],
        "IDs": [["Coach ID numbers are on the staff roster"], ["Candidate ID", "Coach ID"] + PAPER_HEADER, ["200", None] + ENTRY],
    })
    assert labels_of(sheets["Log continued"]) == {"candidate": ("name", "Kim Candidate", "B1", "Log"),
                                                  "coach": ("name", "Casey Coach", "B2", "Log")}
    assert labels_of(sheets["IDs"]) == {}


def test_a_blank_fill_in_line_or_another_label_is_not_a_value(tmp_path):
    sheets = read_sheets(tmp_path, {"Log": [
        ["Candidate Name:", "Coach Name:", "Casey Coach"],
        ["Candidate Name: ________"],
        PAPER_HEADER,
        ENTRY,
    ]})
    assert labels_of(sheets["Log"]) == {"coach": ("name", "Casey Coach", "C1", "Log")}


def test_the_forms_printed_hint_beside_an_unfilled_label_is_not_its_value(tmp_path):
    """`Candidate ID: | | (Employee ID)` left unfilled was read as the ID '(Employee ID)', "not in the
    roster"; the form's hint, beside the label or after its line, is no value: the label is unfilled
    (its log names no candidate). Beside a value typed in, the hint is passed over as before."""
    sheets = read_sheets(tmp_path, {
        "Log": [["Candidate ID:", None, "(Employee ID)"], ["Coach ID: ______ (6 digits)"], PAPER_HEADER, ENTRY],
        "Filled": [["Candidate ID:", "200", "(Employee ID)"], ["Coach ID: 100"], PAPER_HEADER, ENTRY],
    })
    assert labels_of(sheets["Log"]) == {}
    assert labels_of(sheets["Filled"]) == {"candidate": ("id", "200", "B1", "Filled"), "coach": ("id", "100", "A2", "Filled")}


def test_an_id_label_wins_over_a_name_label_and_labels_below_the_header_are_ignored(tmp_path):
    sheets = read_sheets(tmp_path, {"Log": [
        ["Candidate Name:", "Kim Candidate"],
        ["Candidate ID:", 200],
        PAPER_HEADER,
        ENTRY,
        ["Coach Name:", "Casey Coach"],
    ]})
    assert labels_of(sheets["Log"]) == {"candidate": ("id", 200.0, "B2", "Log")}


def test_a_label_value_showing_a_formulas_error_or_saved_without_its_result_is_read_as_such(tmp_path):
    """`Candidate ID: | ="2"&"00"` exported with xlsxwriter (saved with the result 0, the workbook to be
    calculated on opening) was read as the ID 0 ("Candidate ID 0 … not in the roster"); saved by openpyxl
    (no result) or showing #N/A (`=VLOOKUP(…)` of the name) it was an empty cell, the label unfilled and
    the log's entries said to name no candidate. The label's value is that formula or error, at its cell;
    a page continuing the log carries it, and a result its writer saved is read."""
    import openpyxl

    from coaching_batch.read import FormulaError, UncalculatedFormula

    header, entry = ["Date", "Type of Contact", "Duration"], ["2026-02-02", "Phone", 1.5]
    book = xlsxwriter.Workbook(str(tmp_path / "exported.xlsx"))
    for name, (formula, *result) in {"Log": ('="2"&"00"',), "Told": ('="2"&"00"', "200"),  # no result given: 0
                                     "Error": ("=VLOOKUP(200,Roster!A:B,2,FALSE)", "#N/A")}.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["Candidate ID:" if name != "Error" else "Candidate Name:"])
        sheet.write_formula(0, 1, formula, None, *result)
        sheet.write_row(0, 2, ["Coach ID:", "100"])  # the error's blank cell is followed by the other label
        sheet.write_row(2, 0, header)
        sheet.write_row(3, 0, entry)
    cont = book.add_worksheet("Error continued")
    cont.write_row(2, 0, header)
    cont.write_row(3, 0, entry)
    book.close()
    book = openpyxl.Workbook()
    book.active.title = "Log"
    for row in (["Candidate ID:", '="2"&"00"'], ["Coach ID:", "100"], [], header, entry):
        book.active.append(row)
    book.save(tmp_path / "unsaved.xlsx")

    read = {(name, sheet.name): sheet for name in ("exported.xlsx", "unsaved.xlsx")
            for sheet in read_workbook(str(tmp_path / name), name).sheets}
    shown = {key: labels_of(sheet)["candidate"] for key, sheet in read.items()}
    assert shown == {
        ("exported.xlsx", "Log"): ("id", UncalculatedFormula('="2"&"00"'), "B1", "Log"),
        ("exported.xlsx", "Told"): ("id", "200", "B1", "Told"),
        ("exported.xlsx", "Error"): ("name", FormulaError("#N/A"), "B1", "Error"),
        ("exported.xlsx", "Error continued"): ("name", FormulaError("#N/A"), "B1", "Error"),
        ("unsaved.xlsx", "Log"): ("id", UncalculatedFormula('="2"&"00"'), "B1", "Log"),
    }


def test_a_continuation_page_without_labels_carries_its_first_pages_labels(tmp_path):
    first = [["Candidate Name:", "Kim Candidate"], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY, ["Continued on next page"]]
    sheets = read_sheets(tmp_path, {
        "Page 1": first,
        "Page 2": [["ITSS Job Banding Coaching Log - continued"], PAPER_HEADER, ENTRY],
        "Other": [["Candidate Name:", "Kai Candidate"], ["Coach Name:", "Cory Coach"], PAPER_HEADER, ENTRY],
        "Notes": [PAPER_HEADER, ENTRY],  # does not say it continues anything
    })
    assert labels_of(sheets["Page 2"])["candidate"] == ("name", "Kim Candidate", "B1", "Page 1")
    assert sheets["Notes"].labels == {}


def test_a_continuation_page_naming_only_the_candidate_again_takes_the_coach_from_its_first_page(tmp_path):
    """Page 2 names the candidate again and leaves the coach's line blank: its entries were not
    counted (no coach named). A page naming another candidate takes nothing from the page before."""
    first = [["Candidate Name:", "Kim Candidate"], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY, ["Continued on next page"]]
    sheets = read_sheets(tmp_path, {
        "Page 1": first,
        "Page 2": [["Coaching Log - continued"], ["Candidate Name:", "kim  candidate"], ["Coach Name:", "______"], PAPER_HEADER, ENTRY],
        "Page 3": [["Coaching Log - continued"], ["Candidate Name:", "Kai Candidate"], ["Coach Name:", "______"], PAPER_HEADER, ENTRY],
    })
    assert labels_of(sheets["Page 2"]) == {"candidate": ("name", "kim  candidate", "B2", "Page 2"),
                                           "coach": ("name", "Casey Coach", "B2", "Page 1")}
    assert labels_of(sheets["Page 3"]) == {"candidate": ("name", "Kai Candidate", "B2", "Page 3")}


def test_a_continuation_page_naming_the_candidate_id_as_text_agrees_with_the_number_on_its_first_page(tmp_path):
    first = [["Candidate ID:", 200], ["Coach ID:", 100], PAPER_HEADER, ENTRY, ["Continued on next page"]]
    sheets = read_sheets(tmp_path, {
        "Page 1": first,
        "Page 2": [["Coaching Log - continued"], ["Candidate ID:", "200"], ["Coach ID:", "______"], PAPER_HEADER, ENTRY],
    })
    assert labels_of(sheets["Page 2"])["coach"] == ("id", 100, "B2", "Page 1")


def test_a_continuation_page_named_after_its_first_page_carries_that_pages_labels_wherever_it_is(tmp_path):
    """Another pair's log between the two pages does not take the continuation: its name says whose it is."""
    first = [["Candidate Name:", "Kim Candidate"], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY, ["Continued on next page"]]
    other = [["Candidate Name:", "Kai Candidate"], ["Coach Name:", "Cory Coach"], PAPER_HEADER, ENTRY]
    sheets = read_sheets(tmp_path, {
        "Page 1": first,
        "Kai": other,
        "Page 1 continued": [PAPER_HEADER, ENTRY],
        "page 1 (cont.)": [PAPER_HEADER, ENTRY],
        "Page 1 - Continued": [PAPER_HEADER, ENTRY],
        "Page 1 cont'd": [PAPER_HEADER, ENTRY],
        "Page 1 continued (2)": [PAPER_HEADER, ENTRY],  # Excel's name for a copy of the sheet
        "Page1 continued 2": [PAPER_HEADER, ENTRY],
        "Kai continued": [PAPER_HEADER, ENTRY],
        "Log continued": [PAPER_HEADER, ENTRY],  # names no sheet: the page before it
    })
    for name in ("Page 1 continued", "page 1 (cont.)", "Page 1 - Continued", "Page 1 cont'd", "Page 1 continued (2)", "Page1 continued 2"):
        assert labels_of(sheets[name])["candidate"] == ("name", "Kim Candidate", "B1", "Page 1"), name
    assert labels_of(sheets["Kai continued"])["candidate"] == ("name", "Kai Candidate", "B1", "Kai")
    assert labels_of(sheets["Log continued"])["candidate"] == ("name", "Kai Candidate", "B1", "Kai")


def test_a_page_continuing_another_is_not_itself_continued_by_the_next_page_unless_it_says_so(tmp_path):
    """`Kim continued` continues Kim; `Robert` after it says nothing of continuing (it took Kim's labels, its
    hours counted for Kim's pair). A page continues another when its name says so (`Kim (2)`,
    `Kim - page 2`, `Kim cont.`, a chain `Kim continued 2`), or when the page before it ends
    `Continued on next page`, a page whose name says nothing included."""
    kim = [["Candidate Name:", "Kim Candidate"], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY]
    sheets = read_sheets(tmp_path, {
        "Kim": kim,
        "Kim continued": [PAPER_HEADER, ENTRY],
        "Robert": [PAPER_HEADER, ENTRY],
        "Kim (2)": [PAPER_HEADER, ENTRY],
        "Kim - page 2": [PAPER_HEADER, ENTRY],
        "Kim cont.": [PAPER_HEADER, ENTRY],
        "Kim continued 2": [PAPER_HEADER, ENTRY, ["Continued on next page"]],
        "Sheet8": [PAPER_HEADER, ENTRY],
        "Robin": [["Candidate Name:", None], PAPER_HEADER, ENTRY],
    })
    for name in ("Kim continued", "Kim (2)", "Kim - page 2", "Kim cont.", "Kim continued 2", "Sheet8"):
        assert labels_of(sheets[name]) == {"candidate": ("name", "Kim Candidate", "B1", "Kim"),
                                           "coach": ("name", "Casey Coach", "B2", "Kim")}, name
    assert sheets["Robert"].labels == sheets["Robin"].labels == {}
    assert {role: (label.sheet, values.a1(label.row, label.col)) for role, label in sheets["Robin"].unfilled.items()} == {
        "candidate": ("Robin", "B1")}


def test_a_page_number_typed_on_the_form_says_which_page_continues_which(tmp_path):
    """`Page 1 of 2` under Kim's entries: the next sheet is its page 2, even named `Sheet2`; a page
    `Page 2 of 2` (at its top or foot) continues the log and is continued by nothing, nor is a `Page 1 of 1`."""
    kim = [["Candidate Name:", "Kim Candidate"], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY]
    sheets = read_sheets(tmp_path, {
        "Kim": [*kim, ["Page 1 of 2"]],
        "Sheet2": [PAPER_HEADER, ENTRY, ["Page 2 of 2"]],
        "Robert": [PAPER_HEADER, ENTRY],
        "Kai": [["Candidate Name:", "Kai Candidate"], ["Coach Name:", "Cory Coach"], PAPER_HEADER, ENTRY, ["Page 1 of 1"]],
        "Sheet5": [PAPER_HEADER, ENTRY],
        "Sheet6": [["Coaching Log - page 2/2"], PAPER_HEADER, ENTRY],
    })
    assert labels_of(sheets["Sheet2"])["candidate"] == ("name", "Kim Candidate", "B1", "Kim")
    assert sheets["Robert"].labels == sheets["Sheet5"].labels == {}
    assert labels_of(sheets["Sheet6"])["candidate"] == ("name", "Kai Candidate", "B1", "Kai")


def _kim_and_casey(tmp_path: Path) -> Path:
    """An inbox holding a roster of coach 100 Casey Coach and candidate 200 Kim Lee, and their assignment."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Employees": roster_rows([
        {"employee_id": "100", "name": "Casey Coach", "grade": 25}, {"employee_id": "200", "name": "Kim Lee", "grade": 20}])})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows([
        {"candidate_id": "200", "coach_id": "100", "planning_meeting_date": dt.date(2026, 1, 10), "status": "Active"}])})
    return inbox


@pytest.mark.parametrize("robert", [[], [["Candidate Name:", None]]], ids=["no labels", "candidate left blank"])
def test_a_log_after_a_continuation_page_that_says_nothing_of_continuing_counts_for_no_one(tmp_path, robert):
    """Kim's log goes on over `Kim continued`; Robert's sheet after it names no one: its 4 h counted for
    Kim's pair (7.5 h for 3.5 h), with no finding. Its entries are not counted, and it is told so."""
    inbox = _kim_and_casey(tmp_path)
    write_workbook(inbox / "log.xlsx", {
        "Kim": [["Candidate Name:", "Kim Lee"], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY],
        "Kim continued": [PAPER_HEADER, [dt.date(2026, 2, 3), "Phone", 2, "call"]],
        "Robert": [*robert, PAPER_HEADER, [dt.date(2026, 2, 4), "In Person", 4, "visit"]],
    })
    assert run_command("run", inbox, "--as-of", "2026-03-01", "--out", tmp_path / "out", "--dry-run").returncode == 0
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert {(pair["candidate_id"], pair["coach_id"]): pair["coach_contact_hours"] for pair in run["pairs"]} == {("200", "100"): 3.5}
    required = sorted((f["sheet"], f["cell"], f["message"]) for f in run["exceptions"] if f["rule"] == "CELL-REQUIRED")
    if robert:
        assert required == [
            ("Robert", "A3", "The coach log names no coach (add a Coach ID column, or Coach Name above the table); 1 entry not counted"),
            ("Robert", "B1", "Candidate name above the coach log is empty, so the log names no candidate; 1 entry not counted")]
    else:
        assert required == [("Robert", "A2", "1 coach log entry names no candidate and coach (add Candidate ID and Coach ID "
                                             "columns, or Candidate Name and Coach Name above the table); not counted")]


def test_a_footer_takes_its_value_from_the_duration_column_and_is_not_an_entry(tmp_path):
    sheets = read_sheets(tmp_path, {
        "Signed": [PAPER_HEADER, ENTRY, ["Total Hours", None, 1.5, "Signature of Coach: ______"]],
        "Inline": [PAPER_HEADER, ENTRY, ["Total hours: 1:30"]],
        "Blank": [PAPER_HEADER, ENTRY, ["TOTAL HOURS", None, None, "Signature of Coach: ______"]],
    })
    assert [(f.row, f.col, f.value) for f in sheets["Signed"].footers] == [(3, 2, 1.5)]
    assert [(f.row, f.col, f.value) for f in sheets["Inline"].footers] == [(3, 0, "1:30")]
    assert list(sheets["Signed"].frame.index) == list(sheets["Inline"].frame.index) == list(sheets["Blank"].frame.index) == [2]
    # a footer left blank beside a signature gives a value that is no duration: nothing to check
    assert values.parse_durations(pd.Series([sheets["Blank"].footers[0].value], dtype=object)).values.isna().all()


def test_a_footers_hours_typed_right_beside_its_label_are_checked_whatever_column_they_are_in(tmp_path):
    """`Total Hours: | 7` with the 7 under Type of Contact, not Duration: it was never checked, so a
    total the entries do not add up to went unreported. A signature line beside the label is no total."""
    sheets = read_sheets(tmp_path, {
        "Beside": [PAPER_HEADER, ENTRY, ["Total Hours:", 7]],
        "Signed": [PAPER_HEADER, ENTRY, ["Total Hours", "Signature of Coach: ______"]],
    })
    assert [(f.row, f.col, f.value) for f in sheets["Beside"].footers] == [(3, 1, 7)]
    assert [(f.row, f.value) for f in sheets["Signed"].footers] == [(3, None)]
    assert list(sheets["Beside"].frame.index) == list(sheets["Signed"].frame.index) == [2]
    [mismatch] = check_footers(_entries([("log.xlsx", "Beside", 2, "coach_log", "200", "100", 90)]),
                               [("log.xlsx", "Beside", sheets["Beside"].footers[0], 420)])
    assert (mismatch.rule, mismatch.cell) == ("LOG-TOTAL-MISMATCH", "B3")


@pytest.mark.parametrize("label", ["Total hrs", "Total Contact Hours", "Total Hours This Page", "TOTAL HOURS TO DATE:",
                                   "Page Total", "Grand Total", "Subtotal", "Total Meeting Hours", "Total hours logged:",
                                   "Total Hours Spent Mentoring"])
def test_a_footer_worded_as_forms_word_it_is_a_footer_not_an_entry(tmp_path, label):
    """Each was read as an entry: two errors (its label not a date, no Type of Contact) and its total unchecked."""
    sheets = read_sheets(tmp_path, {"Log": [PAPER_HEADER, ENTRY, [label, None, 4]]})
    assert [(f.row, f.col, f.value) for f in sheets["Log"].footers] == [(3, 2, 4)]
    assert list(sheets["Log"].frame.index) == [2]


def test_the_forms_closing_words_under_its_total_are_not_entries(tmp_path):
    """The ITSS log ends with where to send it, under `Total Hours`: "Gaither Road, Suite 102" (a digit
    in it) was read as an entry, with three errors. Above the total, a lone unreadable date is still an
    incomplete entry, reported."""
    sheets = read_sheets(tmp_path, {"Log": [
        PAPER_HEADER, ENTRY, ["3/45/2026 room 12"],
        ["Total Hours", None, 1.5, "Signature of Coach: ______"],
        ["Duplicate page 1 of this log to document additional contact experiences."],
        ["Upon completion of mentoring experience, submit a copy of this form to:"],
        ["Coaching Coordinator"],
        ["Gaither Road, Suite 102"],
    ]})
    assert list(sheets["Log"].frame.index) == [2, 3]


def test_a_lone_description_under_a_pages_total_with_another_page_below_is_an_entry(tmp_path):
    """Two pages typed on one sheet, each with its `Total Hours This Page`: the form has not ended
    under the first, so a lone description on the second page is an incomplete entry, reported (it was
    dropped as the form's closing words, without a word); under the last total the closing words are none."""
    sheets = read_sheets(tmp_path, {"Log": [
        PAPER_HEADER, ENTRY, ["Total Hours This Page", None, 1.5],
        ENTRY, [None, None, None, "Observed a lesson, time not noted"], ["Total Hours This Page", None, 1.5],
        ["Gaither Road, Suite 102"],
    ]})
    assert list(sheets["Log"].frame.index) == [2, 4, 5]


def _minutes_read(sheet) -> list:
    return values.parse_durations(sheet.frame["duration"]).values.tolist()


@pytest.mark.parametrize("heading, typed, minutes", [
    ("Time Spent (hrs)", [1.5, "2:00"], [90, 120]),
    ("Time Spent", [1.5, 2], [90, 120]),
    ("Minutes", [90, "45"], [90, 45]),
])
def test_a_duration_column_headed_time_spent_or_minutes_is_the_logs_duration(tmp_path, heading, typed, minutes):
    """The sheet was skipped whole (SHEET-MISSING-COLUMN: 'no Duration column'), its entries lost,
    though its duration column was there; under `Minutes` a plain number is minutes."""
    header = ["Date", "Type of Contact", heading, "Brief Description of Contact"]
    sheet = read_sheets(tmp_path, {"Log": [header, *[[dt.date(2026, 2, 2 + i), "Phone", t, "call"] for i, t in enumerate(typed)]]})["Log"]
    assert (sheet.table, sheet.missing, _minutes_read(sheet)) == ("coach_log", [], minutes)


def test_hours_and_minutes_typed_in_two_columns_are_one_duration(tmp_path):
    """`Hours | Minutes` (1 | 30), as a form prints 'Time: __ hrs __ min': the minutes were dropped
    without a word (1 h counted), and a right Total Hours was called wrong."""
    header = ["Date", "Type of Contact", "Hours", "Minutes", "Brief Description of Contact"]
    sheet = read_sheets(tmp_path, {"Log": [
        header,
        [dt.date(2026, 2, 2), "Phone", 1, 30, "call"],
        [dt.date(2026, 2, 9), "In Person", 2, None, "meeting"],
        [dt.date(2026, 2, 16), "Phone", None, 45, "call"],
        ["Total Hours", None, 4, 15],
    ]})["Log"]
    assert _minutes_read(sheet) == [90, 120, 45]
    assert [(f.row, f.col, f.value) for f in sheet.footers] == [(5, 2, "255 min")]
    assert sheet.repeated == []  # not 'two headings of one column, Minutes not read'


def test_total_minutes_is_no_footer_in_hours(tmp_path):
    sheets = read_sheets(tmp_path, {"Log": [PAPER_HEADER, ENTRY, ["Total minutes", None, 90]]})
    assert sheets["Log"].footers == []


def test_signature_and_fill_in_lines_across_cells_are_not_entries(tmp_path):
    """Below the table a paper form has lines to sign and date, often in two cells, and blank fill-in
    lines: none is an entry (each was read as one, with three errors). A partly typed entry still is."""
    sheets = read_sheets(tmp_path, {"Log": [
        PAPER_HEADER, ENTRY,
        ["Coach Signature: ________", None, None, "Date: ________"],
        ["__________", None, None, "__________"],
        ["Signature of Coach", None, None, "Date"],
        ["Candidate signature"],
        [None, "Phone"],  # an entry with no date or duration: still read, for its findings
    ]})
    assert list(sheets["Log"].frame.index) == [2, 7]


def test_a_signature_line_once_signed_and_dated_is_not_an_entry(tmp_path):
    """Filling in the form's signature line is what the form asks for: it gave three errors a row
    (the signature read as a date, the date as a duration)."""
    sheets = read_sheets(tmp_path, {"Log": [
        PAPER_HEADER, ENTRY,
        ["Coach Signature: Jordan Reyes", None, "Date: 7/30/2026"],
        ["Signature of Coach:", "Jordan Reyes", "Date:", dt.date(2026, 7, 30)],
        ["Candidate's Signature", "Alicia Brooks"],
        ["Date: 8/21/2026", "Coach Signature: Kay Coach"],  # the date first
        ["Date:", dt.date(2026, 8, 21), "Signed: Kay Coach"],
        ["Reviewed the signature pad", None, 1.0],  # words about a signature are not its line
    ]})
    assert list(sheets["Log"].frame.index) == [2, 8]


def test_the_header_row_repeated_in_another_accepted_wording_is_not_an_entry(tmp_path):
    sheets = read_sheets(tmp_path, {"Log": [PAPER_HEADER, ENTRY, ["Date", "Type of Contact", "Hours", "Description"], ENTRY]})
    assert list(sheets["Log"].frame.index) == [2, 4]


def test_dates_typed_as_serial_numbers_in_a_1904_workbook_count_from_1904(tmp_path):
    path = tmp_path / "mac.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": True})
    sheet = workbook.add_worksheet("Log")
    for c, header in enumerate(["Candidate ID", "Coach ID", "Date", "Duration"]):
        sheet.write_string(0, c, header)
    sheet.write_row(1, 0, ["200", "100", 44621, 1.5])  # a serial typed as a plain number
    sheet.write_row(2, 0, ["200", "100"])
    sheet.write_datetime(2, 2, dt.datetime(2026, 3, 5), workbook.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_number(2, 3, 1)
    workbook.close()
    frame = read_workbook(str(path), "mac.xlsx").sheets[0].frame
    dates = values.parse_dates(frame["date"]).values
    assert list(dates.dt.date) == [dt.date(1904, 1, 1) + dt.timedelta(days=44621), dt.date(2026, 3, 5)]


def _form(candidate: str, coach: str, entries: list[list], total: float) -> list[list]:
    return [["Candidate Name:", candidate], ["Coach Name:", coach], [], PAPER_HEADER, *entries, ["Total Hours", None, total]]


KIM_FORM = _form("Kim Candidate", "Casey Coach", [ENTRY, [dt.date(2026, 2, 9), "In Person", 2, "meeting"]], 3.5)
ROBERT_FORM = _form("Robert Smith", "Dana R. Mentor", [[dt.date(2026, 2, 3), "Phone", 1, "call"],
                                                       [dt.date(2026, 2, 10), "Fax", 1, "email"]], 2)


def test_a_second_paper_form_typed_under_the_first_counts_for_the_pair_its_own_block_names(tmp_path):
    """Two paper forms one under another on one sheet, each with its pair's block: the second form's
    hours are its own pair's, not the first's (Casey Coach had 5.5 h for 3.5), its block is no entry
    (three bad cells on its `Coach Name:` row), and a bad cell of each form names that form's pair."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Employees": roster_rows([
        {"employee_id": "100", "name": "Casey Coach", "grade": 25}, {"employee_id": "200", "name": "Kim Candidate", "grade": 20},
        {"employee_id": "101", "name": "Dana R. Mentor", "grade": 25}, {"employee_id": "201", "name": "Robert Smith", "grade": 20}])})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows([
        {"candidate_id": "200", "coach_id": "100", "planning_meeting_date": dt.date(2026, 1, 10), "status": "Active"},
        {"candidate_id": "201", "coach_id": "101", "planning_meeting_date": dt.date(2026, 1, 12), "status": "Active"}])})
    kim = [[*row] for row in KIM_FORM]
    kim[4][2] = "TBD"
    write_workbook(inbox / "log.xlsx", {"Coach Log": [["ITSS Coaching Log"], *kim, [], *ROBERT_FORM]})
    assert run_command("run", inbox, "--as-of", "2026-06-01", "--out", tmp_path / "out", "--dry-run").returncode == 0
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    hours = {(pair["candidate_id"], pair["coach_id"]): pair["coach_contact_hours"] for pair in run["pairs"]}
    assert hours == {("200", "100"): 2.0, ("201", "101"): 1.0}
    on_log = sorted((f["rule"], f["cell"], f["candidate_id"], f["coach_id"]) for f in run["exceptions"] if f["file"] == "log.xlsx")
    assert on_log == [("CELL-ENUM", "B15", "201", "101"), ("CELL-TYPE", "C6", "200", "100")]


def test_a_block_under_a_forms_total_with_no_header_under_it_is_no_second_form(tmp_path):
    """The form's own signature block under its total (`Coach Name: | Casey Coach | Signature: …`) ends
    nothing: the form is one log; and its header typed again after a page break is no second form."""
    signed = [["Coach Name:", "Casey Coach", "Signature:", "C. Coach", "Date:", dt.date(2026, 2, 20)],
              ["Candidate Name:", "Kim Candidate"], ["Notes: good progress"]]
    again = [PAPER_HEADER, [dt.date(2026, 2, 16), "Email", 0.5, "mail"]]
    path = write_workbook(tmp_path / "log.xlsx", {"Log": [*KIM_FORM[:-1], *again, KIM_FORM[-1], [], *signed]})
    [sheet] = read_workbook(str(path), "log.xlsx").sheets
    assert (sheet.header_row, list(sheet.frame.index), [footer.row for footer in sheet.footers]) == (4, [5, 6, 8], [9])
    assert labels_of(sheet) == {"candidate": ("name", "Kim Candidate", "B1", "Log"), "coach": ("name", "Casey Coach", "B2", "Log")}


# --- names and IDs above the table, resolved against the roster -----------------------------------

def _assigned(**logs):
    return typed_tables(
        employees=[
            {"employee_id": "100", "name": "Casey Coach", "grade": 25},
            {"employee_id": "200", "name": "Kim Candidate", "grade": 20},
            {"employee_id": "301", "name": "Pat Lee", "grade": 20},
            {"employee_id": "302", "name": "PAT  LEE", "grade": 20},
        ],
        assignments=[{"candidate_id": "200", "coach_id": "100", "planning_meeting_date": "2026-01-10", "status": "Active"}],
        **logs,
    )


def _label_the_coach_log(tables, labels: dict, sheet="Paper log"):
    """Give the coach log its own sheet source, with the pair labelled above the table."""
    src = len(tables.sources)
    found = {role: _Label(role, kind, value, sheet, 3, 1) for role, (kind, value) in labels.items()}
    tables.sources.append(SheetSource("paper.xlsx", sheet, {"date": 0, "contact_type": 1, "duration": 2}, found))
    frame = tables.frames["coach_log"]
    frame["_src"], frame["_file"], frame["_sheet"] = src, "paper.xlsx", sheet
    return tables


def _Label(role, kind, value, sheet, row, col):
    from coaching_batch.read import Label

    return Label(role, kind, value, sheet, row, col)


def _coach_entries(n=2, **ids):
    return [{"date": f"2026-02-0{i + 2}", "contact_type": "Phone", "duration": 90, **ids} for i in range(n)]


def test_names_above_a_log_give_every_row_its_pair_and_its_hours_count(policy):
    tables = _label_the_coach_log(_assigned(coach_log=_coach_entries()), {"candidate": ("name", " kim\u00a0candidate"), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert result.pairs.loc[0, "coach_contact_minutes"] == 180
    assert not [f for f in result.findings if f.rule in ("ID-UNKNOWN", "NAME-AMBIGUOUS", "CELL-REQUIRED", "LOG-NO-ASSIGNMENT")]


def _renamed(tables, employee_id: str, name: str):
    """The roster with one employee's name changed."""
    employees = tables.frames["employees"]
    employees.loc[employees["employee_id"] == employee_id, "name"] = name
    return tables


def test_a_name_typed_with_its_accents_as_separate_characters_matches_the_roster(policy):
    """macOS and a PDF's copy-paste give "é" as "e" and a combining accent: on screen the same name."""
    tables = _renamed(_assigned(coach_log=_coach_entries()), "200", "José Álvarez")
    typed = unicodedata.normalize("NFD", "JOSÉ  álvarez")
    tables = _label_the_coach_log(tables, {"candidate": ("name", typed), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert result.pairs.loc[0, "coach_contact_minutes"] == 180
    assert not [f for f in result.findings if f.rule in ("ID-UNKNOWN", "NAME-AMBIGUOUS")]


@pytest.mark.parametrize("typed", ["Kim Candidate\u200e", "\u202aKim Candidate\u202c", "\u2067Kim Candidate\u2069", "Kim Can\u00addidate"])
def test_a_name_pasted_with_invisible_marks_matches_the_roster(policy, typed):
    """A name pasted from a web form, Outlook or a PDF may carry a left-to-right mark, a direction
    embedding or isolate, or a soft hyphen: the cell shows `Kim Candidate`. It was ID-UNKNOWN "not a name
    in the roster", with no hint, and the log counted for no one."""
    tables = _label_the_coach_log(_assigned(coach_log=_coach_entries()), {"candidate": ("name", typed), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert result.pairs.loc[0, "coach_contact_minutes"] == 180
    assert not [f for f in result.findings if f.rule in ("ID-UNKNOWN", "NAME-AMBIGUOUS")]


@pytest.mark.parametrize("roster, typed", [
    ("İlkay Demir", "İLKAY DEMİR"), ("İlkay Demir", "ilkay demir"), ("ILGAZ YILMAZ", "Ilgaz Yılmaz"), ("Ilgaz Yılmaz", "ILGAZ YILMAZ"),
    ("Kim Lee", "Kim Lee."), ("Kim Lee", "Kim Lee,"), ("Sam Lee Jr.", "Sam Lee Jr"),
])
def test_a_name_in_another_case_of_a_turkish_i_or_with_a_period_after_it_matches_the_roster(policy, roster, typed):
    """Case-folding that a Turkish name survives (İ folded was `i` and a dot, so `İLKAY` was not `İlkay`;
    the dotless ı is I's lower case in Turkish), and a name ending in a period or a comma as typed after it:
    on the form the same name. They were ID-UNKNOWN and the log counted for no one."""
    tables = _renamed(_assigned(coach_log=_coach_entries()), "200", roster)
    tables = _label_the_coach_log(tables, {"candidate": ("name", typed), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert result.pairs.loc[0, "coach_contact_minutes"] == 180
    assert not [f for f in result.findings if f.rule in ("ID-UNKNOWN", "NAME-AMBIGUOUS")]


def test_a_name_of_punctuation_only_is_no_roster_name_of_punctuation():
    assert values.name_keys(pd.Series([".", ", ", "Kim Lee."])).tolist() == [pd.NA, pd.NA, "kim lee"]


@pytest.mark.parametrize("apostrophe", ["\u2019", "\u02bc", "\u00b4", "`"])
def test_a_name_typed_with_a_curly_apostrophe_matches_the_roster_s_straight_one(policy, apostrophe):
    """Excel and Word turn `'` into `’` as it is typed (others type ʼ, ´ or a backtick): on screen the same name."""
    tables = _renamed(_assigned(coach_log=_coach_entries()), "100", "Casey O'Coach")
    tables = _label_the_coach_log(tables, {"candidate": ("name", "Kim Candidate"), "coach": ("name", f"casey o{apostrophe}coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert result.pairs.loc[0, "coach_contact_minutes"] == 180
    assert not [f for f in result.findings if f.rule in ("ID-UNKNOWN", "NAME-AMBIGUOUS")]


@pytest.mark.parametrize("hyphen", ["\u2011", "\u2010", "\u2013"])
def test_a_name_typed_with_a_non_breaking_hyphen_or_a_dash_matches_the_roster_s_hyphen(policy, hyphen):
    """Word and Outlook give `Anne-Marie` with a non-breaking hyphen or an en dash: on screen the same name."""
    tables = _renamed(_assigned(coach_log=_coach_entries()), "100", "Anne-Marie Coach")
    tables = _label_the_coach_log(tables, {"candidate": ("name", "Kim Candidate"), "coach": ("name", f"Anne{hyphen}Marie Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert result.pairs.loc[0, "coach_contact_minutes"] == 180
    assert not [f for f in result.findings if f.rule in ("ID-UNKNOWN", "NAME-AMBIGUOUS")]


@pytest.mark.parametrize("typed, near, fix", [
    ("Candidate, Kim", "the roster has Kim Candidate, 200", "Type the name as the roster has it, Kim Candidate, or the ID 200 beside Candidate ID:."),
    ("Kim J. Candidate", "the roster has Kim Candidate, 200", "Type the name as the roster has it, Kim Candidate, or the ID 200 beside Candidate ID:."),
    ("Dr. Kim Candidate", "the roster has Kim Candidate, 200", "Type the name as the roster has it, Kim Candidate, or the ID 200 beside Candidate ID:."),
    ("200", "200 is the employee ID of Kim Candidate", "Type the name as the roster has it, Kim Candidate, or label the ID Candidate ID:."),
    ("Kim Candidat (200)", "200 is the employee ID of Kim Candidate",
     "Type the name as the roster has it, Kim Candidate, or label the ID Candidate ID:."),
    ("Kim Candidate (200) and Pat", "200 is the employee ID of Kim Candidate",  # more than a name and its ID
     "Type the name as the roster has it, Kim Candidate, or label the ID Candidate ID:."),
    ("Kim Cándidate", "the roster has Kim Candidate, 200", "Type the name as the roster has it, Kim Candidate, or the ID 200 beside Candidate ID:."),
    ("KIM.candidate@school.org", "the roster's email of Kim Candidate, 200",
     "Type the name as the roster has it, Kim Candidate, or the ID 200 beside Candidate ID:."),
])
def test_a_name_typed_otherwise_than_the_roster_is_not_matched_but_its_finding_names_the_employee_it_looks_like(policy, typed, near, fix):
    """`Reyes, Jordan`, a middle initial or a title on the paper form, or the employee's ID or email under
    the Name label: never matched (it could be someone else), but the coordinator is told whom it looks like."""
    tables = _assigned(coach_log=_coach_entries())
    tables.frames["employees"]["email"] = ["casey.coach@school.org", "kim.candidate@school.org", None, None]
    tables = _label_the_coach_log(tables, {"candidate": ("name", typed), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    [unknown] = [f for f in result.findings if f.rule == "ID-UNKNOWN"]
    assert unknown.message == f"Candidate name {typed!r} above the coach log is not a name in the roster ({near}); 2 entries not counted"
    assert unknown.fix == fix
    assert result.pairs.loc[0, "coach_contact_minutes"] == 0


@pytest.mark.parametrize("typed", ["Zoe Smith-Jones", "Zoë Smith - Jones", "Zoe Smith Jones"])
def test_a_name_typed_without_its_accents_or_with_spaces_around_its_hyphen_names_the_employee_it_looks_like(policy, typed):
    """`Zoe` for the roster's `Zoë`, `Smith - Jones` for `Smith-Jones`: maybe someone else, so not matched,
    but the finding names the roster's employee; it said only "not a name in the roster"."""
    tables = _renamed(_assigned(coach_log=_coach_entries()), "200", "Zoë Smith-Jones")
    tables = _label_the_coach_log(tables, {"candidate": ("name", typed), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    [unknown] = [f for f in result.findings if f.rule == "ID-UNKNOWN"]
    assert unknown.message == (f"Candidate name {typed!r} above the coach log is not a name in the roster "
                               "(the roster has Zoë Smith-Jones, 200); 2 entries not counted")
    assert unknown.fix == "Type the name as the roster has it, Zoë Smith-Jones, or the ID 200 beside Candidate ID:."


def _name_with_id_run(tmp_path: Path, typed: str, others: list[dict]) -> dict:
    """Kim Lee's log, her candidate name typed as ``typed``, under a roster of Casey Coach (100), Kim Lee
    (200) and ``others``; Kim 200 and Casey are assigned. The run's run.json."""
    inbox = _kim_and_casey(tmp_path)
    write_workbook(inbox / "roster.xlsx", {"Employees": roster_rows([
        {"employee_id": "100", "name": "Casey Coach", "grade": 25}, {"employee_id": "200", "name": "Kim Lee", "grade": 20},
        *({"grade": 20, **other} for other in others)])})
    write_workbook(inbox / "log.xlsx", {"Kim": [["Candidate Name:", typed], ["Coach Name:", "Casey Coach"], PAPER_HEADER, ENTRY]})
    assert run_command("run", inbox, "--as-of", "2026-03-01", "--out", tmp_path / "out", "--dry-run").returncode == 0
    return json.loads((tmp_path / "out" / "run.json").read_text())


@pytest.mark.parametrize("typed", ["Kim Lee (200)", "kim lee #200", "Kim Lee - 200", "200 Kim Lee", "Kim Lee [ID 200]", "Kim Lee, 200"])
@pytest.mark.parametrize("others", [[], [{"employee_id": "201", "name": "Kim Lee"}]], ids=["one Kim Lee", "two Kim Lees"])
def test_a_name_typed_with_its_employees_id_beside_it_is_that_employee_when_both_agree(tmp_path, typed, others):
    """`Candidate Name: | Kim Lee (200)`, the ID in brackets as people write it, was ID-UNKNOWN "not a
    name in the roster" though the roster's 200 is Kim Lee: the log counted for no one. Name and ID
    agreeing are that employee, with no finding; where two employees are named Kim Lee, the ID says which."""
    run = _name_with_id_run(tmp_path, typed, others)
    assert [f["rule"] for f in run["exceptions"] if f["file"] == "log.xlsx"] == []
    assert {(pair["candidate_id"], pair["coach_id"]): pair["coach_contact_hours"] for pair in run["pairs"]} == {("200", "100"): 1.5}


@pytest.mark.parametrize("typed, others, says, ids", [
    ("Kim Lee (201)", [{"employee_id": "201", "name": "Pat Smith"}],
     "the roster's Kim Lee is 200, and 201 is the employee ID of Pat Smith", "200 or 201"),
    ("Kim Lee (999)", [], "the roster's Kim Lee is 200, and 999 is no employee ID in the roster", "200"),
    ("Kim Lee (301)", [{"employee_id": "201", "name": "Kim Lee"}, {"employee_id": "301", "name": "Pat Smith"}],
     "the roster's Kim Lee is 200 and 201, and 301 is the employee ID of Pat Smith", "200, 201 or 301"),
])
def test_a_name_typed_with_an_id_that_is_not_that_employees_is_never_taken_for_either(tmp_path, typed, others, says, ids):
    """The name is one employee's and the ID beside it another's (or no one's): which one is meant
    cannot be told, so neither is matched (SPEC §3); ID-UNKNOWN at the label says whose each is."""
    run = _name_with_id_run(tmp_path, typed, others)
    [unknown] = [f for f in run["exceptions"] if f["file"] == "log.xlsx"]
    assert (unknown["rule"], unknown["sheet"], unknown["cell"]) == ("ID-UNKNOWN", "Kim", "B1")
    assert unknown["message"] == f"Candidate name {typed!r} above the coach log is a name and an ID that disagree: {says}; 1 entry not counted"
    assert unknown["fix"] == f"Type the ID of the one meant ({ids}) beside Candidate ID:, or the name as the roster has it."
    assert {pair["coach_contact_hours"] for pair in run["pairs"]} == {0}


def test_a_name_whose_words_two_employees_share_names_both_and_asks_for_the_id(policy):
    tables = _label_the_coach_log(_assigned(coach_log=_coach_entries()), {"candidate": ("name", "Lee, Pat"), "coach": ("name", "Casey Coach")})
    [unknown] = [f for f in evaluate(tables, policy, pd.Timestamp("2026-03-01")).findings if f.rule == "ID-UNKNOWN"]
    assert "(the roster has Pat Lee (301), PAT LEE (302))" in unknown.message
    assert unknown.fix == "Type the ID of the one meant beside Candidate ID:, or the name as the roster has it."


def test_an_id_column_keeps_its_values_and_only_its_blank_cells_take_the_label(policy):
    entries = _coach_entries(1, candidate_id="200") + _coach_entries(1, candidate_id=None)
    tables = _label_the_coach_log(_assigned(coach_log=entries), {"candidate": ("id", "999"), "coach": ("id", 100.0)})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert result.pairs.loc[0, "coach_contact_minutes"] == 90  # the row with its own candidate ID
    [unknown] = [f for f in result.findings if f.rule == "ID-UNKNOWN"]
    assert "999" in unknown.message and unknown.cell == "B3" and unknown.coach_id == "100"


def test_a_name_two_employees_share_is_one_finding_at_the_label_and_no_entry_counts(policy):
    tables = _label_the_coach_log(_assigned(coach_log=_coach_entries(3)), {"candidate": ("name", "Pat Lee"), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    [ambiguous] = [f for f in result.findings if f.rule == "NAME-AMBIGUOUS"]
    assert (ambiguous.sheet, ambiguous.cell, ambiguous.coach_id) == ("Paper log", "B3", "100")
    assert "301, 302" in ambiguous.message and "3 entries" in ambiguous.message
    assert not result.entries["counted"].any()
    assert not [f for f in result.findings if f.rule in ("CELL-REQUIRED", "ID-UNKNOWN")]


def test_a_name_shared_with_an_employee_whose_roster_row_is_left_out_is_not_taken_for_the_other(tmp_path):
    """Two employees are named Kim Candidate; the one assigned (201) has a Hire Date typed `soon`, so
    its roster row is left out. The log's name was taken for the other Kim Candidate (200), who has no
    assignment with Casey Coach: LOG-NO-ASSIGNMENT named the wrong person (with an assignment, her hours
    would have counted for the wrong one). It is NAME-AMBIGUOUS, saying where the left-out row is; a
    name only a left-out row has says so too, not that the roster lacks it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Employees": roster_rows([
        {"employee_id": "100", "name": "Casey Coach", "grade": 25}, {"employee_id": "200", "name": "Kim Candidate", "grade": 20},
        {"employee_id": "201", "name": "Kim Candidate", "grade": 20, "hire_date": "soon"},
        {"employee_id": "202", "name": "Robert Smith", "grade": 20, "hire_date": "soon"}])})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows([
        {"candidate_id": "201", "coach_id": "100", "planning_meeting_date": dt.date(2026, 1, 10), "status": "Active"}])})
    write_workbook(inbox / "log.xlsx", {"Kim": KIM_FORM, "Robert": _form("Robert Smith", "Casey Coach", [ENTRY], 1.5)})
    assert run_command("run", inbox, "--as-of", "2026-06-01", "--out", tmp_path / "out", "--dry-run").returncode == 0
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    on_log = sorted((f["rule"], f["sheet"], f["cell"], f["candidate_id"]) for f in run["exceptions"] if f["file"] == "log.xlsx")
    assert on_log == [("ID-UNKNOWN", "Robert", "B1", ""), ("NAME-AMBIGUOUS", "Kim", "B1", "")]
    results = pd.read_excel(tmp_path / "out" / "results.xlsx", sheet_name="Exceptions", engine="calamine")
    messages = set(results["Message"])
    assert ("Candidate name 'Kim Candidate' above the coach log is the name of 2 employees in the roster (200, 201 (its roster "
            "row is left out for the error at roster.xlsx, Employees, F4)); 2 entries not counted") in messages
    assert ("Candidate name 'Robert Smith' above the coach log is the name of employee 202, whose roster row is left out for "
            "the error at roster.xlsx, Employees, F5; 1 entry not counted") in messages


def test_an_id_above_a_log_of_an_employee_whose_roster_row_is_left_out_is_told_as_an_id(tmp_path):
    """`Candidate ID: | 202`, whose roster row is left out for a Hire Date typed `soon`: the label's
    ID-UNKNOWN said "Candidate ID '202' … is the name of employee 202" and "the name is then found".
    It is the ID's finding, as for an ID column: where the roster row is, and that the ID is then found."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Employees": roster_rows([
        {"employee_id": "100", "name": "Casey Coach", "grade": 25},
        {"employee_id": "202", "name": "Robert Smith", "grade": 20, "hire_date": "soon"}])})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows([
        {"candidate_id": "202", "coach_id": "100", "planning_meeting_date": dt.date(2026, 1, 10), "status": "Active"}])})
    write_workbook(inbox / "log.xlsx", {"Robert": [["Candidate ID:", "202"], ["Coach ID:", "100"], [], PAPER_HEADER, ENTRY]})
    assert run_command("run", inbox, "--as-of", "2026-06-01", "--out", tmp_path / "out", "--dry-run").returncode == 0
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    [unknown] = [f for f in run["exceptions"] if f["file"] == "log.xlsx"]
    assert (unknown["rule"], unknown["sheet"], unknown["cell"]) == ("ID-UNKNOWN", "Robert", "B1")
    assert unknown["message"] == ("Candidate ID 202 (its roster row is left out for the error at roster.xlsx, Employees, F3: "
                                  "fix that cell) on the coach log, not in the roster; 1 entry not counted")
    assert unknown["fix"] == "Fix the cell roster.xlsx, Employees, F3 (its own finding says how): the ID is then found."


@pytest.mark.parametrize("coach_first", [False, True])
def test_a_name_two_employees_share_names_in_its_fix_the_one_assigned_with_the_logs_other_person(policy, coach_first):
    """Pat Lee 301 and Pat Lee 302; only 302 is assigned with Casey Coach, who is named on the same log:
    still NAME-AMBIGUOUS (no entry counts), but the fix names 302 for the coordinator to confirm."""
    tables = _assigned(coach_log=_coach_entries())
    tables.frames["assignments"].loc[0, "candidate_id"] = "302"
    labels = {"candidate": ("name", "Pat Lee"), "coach": ("name", "Casey Coach")}
    tables = _label_the_coach_log(tables, dict(reversed(labels.items())) if coach_first else labels)
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    [ambiguous] = [f for f in result.findings if f.rule == "NAME-AMBIGUOUS"]
    assert ambiguous.fix == ("Two employees share this name; the one assigned with coach 100 is 302: if that is who is meant, "
                             "label the row Candidate ID: and type 302 for the name.")
    assert not result.entries["counted"].any()


def test_a_name_not_in_the_roster_is_id_unknown_and_no_entry_counts(policy):
    tables = _label_the_coach_log(_assigned(coach_log=_coach_entries()), {"candidate": ("name", "Kim Candidat"), "coach": ("name", "Casey Coach")})
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    assert [f.rule for f in result.findings if f.rule in ("ID-UNKNOWN", "NAME-AMBIGUOUS")] == ["ID-UNKNOWN"]
    assert result.pairs.loc[0, "coach_contact_minutes"] == 0


def test_a_label_showing_a_formula_not_calculated_or_its_error_is_cell_type_at_its_cell_and_no_entry_counts(policy):
    """Excel shows the ID or name; the run has only the formula (or #N/A): it is a CELL-TYPE at the label's
    value quoting what the cell holds, with what to do about it, not 'Candidate ID 0 not in the roster'."""
    from coaching_batch.read import SAVE_TO_CALCULATE, FormulaError, UncalculatedFormula

    for value, message, fix in [
        (UncalculatedFormula('="2"&"00"'), "Candidate ID =\"2\"&\"00\" above the coach log is a formula with no result saved "
         "(the workbook was made by a program that does not calculate formulas): open it in Excel or LibreOffice and "
         "save it; 2 entries not counted", SAVE_TO_CALCULATE),
        (FormulaError("#N/A"), "Candidate ID #N/A above the coach log is a formula error: fix the formula; 2 entries not counted",
         "Fix the formula so it shows the employee's name or ID, or type the name or ID in its place."),
    ]:
        tables = _label_the_coach_log(_assigned(coach_log=_coach_entries()), {"candidate": ("id", value), "coach": ("id", "100")})
        result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
        found = [(f.rule, f.sheet, f.cell, f.message, f.fix, f.coach_id) for f in result.findings if f.file == "paper.xlsx"]
        assert found == [("CELL-TYPE", "Paper log", "B3", message, fix, "100")]
        assert result.pairs.loc[0, "coach_contact_minutes"] == 0


def test_an_id_label_holding_a_date_is_cell_type_at_its_cell_as_in_an_id_column(policy):
    """`Candidate ID: | 200` typed in a cell formatted as a date shows 07/18/1900: the label holds no ID.
    It was ID-UNKNOWN with the fix to add the employee to the roster; it is CELL-TYPE, told to type the
    ID alone, as the same cell of a Candidate ID column is, and the log's entries are not counted."""
    tables = _label_the_coach_log(_assigned(coach_log=_coach_entries()),
                                  {"candidate": ("id", dt.date(1900, 7, 18)), "coach": ("id", "100")})  # as the reader gives it
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    found = [(f.rule, f.cell, f.message, f.fix) for f in result.findings if f.file == "paper.xlsx"]
    assert found == [("CELL-TYPE", "B3", "Candidate ID '1900-07-18' above the coach log is not an ID; 2 entries not counted",
                      "Type the employee ID alone, as the roster has it.")]
    assert result.pairs.loc[0, "coach_contact_minutes"] == 0


def test_a_blank_id_in_the_logs_own_id_column_is_reported_at_that_empty_cell(policy):
    entries = _coach_entries(1, candidate_id="200", coach_id="100") + [
        {**_coach_entries(1)[0], "date": "2026-02-05", "candidate_id": "200", "coach_id": None},
        {**_coach_entries(1)[0], "date": "2026-02-06", "candidate_id": None, "coach_id": None},
    ]
    result = evaluate(_assigned(coach_log=entries), policy, pd.Timestamp("2026-03-01"))
    required = [(f.cell, f.message, f.candidate_id) for f in result.findings if f.rule == "CELL-REQUIRED"]
    assert required == [
        ("B3", "Coach Log: Coach ID is empty, so the entry names no coach; not counted", "200"),
        ("A4", "Coach Log: Candidate ID and Coach ID are empty, so the entry names no candidate and no coach; not counted", ""),
    ]
    assert result.pairs.loc[0, "coach_contact_minutes"] == 90


def test_a_log_with_neither_id_columns_nor_labels_is_told_once_how_to_name_its_pair(policy):
    for n, words in ((1, "1 coach log entry names"), (3, "3 coach log entries name")):
        result = evaluate(_label_the_coach_log(_assigned(coach_log=_coach_entries(n)), {}), policy, pd.Timestamp("2026-03-01"))
        [required] = [f for f in result.findings if f.rule == "CELL-REQUIRED"]
        assert required.message.startswith(f"{words} no candidate and coach (add Candidate ID and Coach ID columns")


def test_a_label_left_unfilled_is_reported_at_its_empty_cell(tmp_path):
    """`Candidate ID: | (blank)` over `Coach ID: | 100`: the entries naming no candidate were reported at
    the coach's value (B2), told to add a Candidate ID column or label. The finding is at the empty cell
    where the value belongs (B1), for an ID or a name label, a label and its line in one cell, both
    labels unfilled (a finding each), labels on one row, and a continuation page (one finding counting
    both pages, at the first page's cell); a log with no coach named anywhere is told that too."""
    inbox = _kim_and_casey(tmp_path)
    entries = [ENTRY, [dt.date(2026, 2, 3), "In Person", 1, "visit"]]
    write_workbook(inbox / "log.xlsx", {
        "ID": [["Candidate ID:", None], ["Coach ID:", "100"], [], PAPER_HEADER, *entries],
        "Name": [["Candidate Name:", None], ["Coach Name:", "Casey Coach"], [], PAPER_HEADER, *entries],
        "Line": [["Candidate Name: ______   Coach Name: Casey Coach"], [], PAPER_HEADER, *entries],
        "Both": [["Candidate ID:", None], ["Coach ID:", None], [], PAPER_HEADER, *entries],
        "Row": [["Candidate ID:", None, "Coach ID:", "100"], [], PAPER_HEADER, *entries],
        "Page 1": [["Candidate ID:", None], ["Coach ID:", "100"], [], PAPER_HEADER, *entries, ["Continued on next page"]],
        "Page 1 continued": [["Coaching Log - continued"], [], PAPER_HEADER, *entries],
    })
    write_workbook(inbox / "other.xlsx", {"No coach": [["Candidate ID:", None], [], PAPER_HEADER, *entries]})
    assert run_command("run", inbox, "--as-of", "2026-03-01", "--out", tmp_path / "out", "--dry-run").returncode == 0
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    required = [(f["sheet"], f["cell"], f["message"], f["fix"], f["coach_id"]) for f in run["exceptions"]
                if f["file"] != "roster.xlsx" and f["rule"] == "CELL-REQUIRED"]
    by_id = ("Candidate ID above the coach log is empty, so the log names no candidate; 2 entries not counted",
             "Type the candidate's employee ID in the cell, as the roster has it.")
    by_name = ("Candidate name above the coach log is empty, so the log names no candidate; 2 entries not counted",
               "Type the candidate's name in the cell, as the roster has it.")
    assert sorted(required) == sorted([
        ("ID", "B1", *by_id, "100"),
        ("Name", "B1", *by_name, "100"),
        ("Line", "A1", *by_name, "100"),
        ("Both", "B1", *by_id, ""),
        ("Both", "B2", "Coach ID above the coach log is empty, so the log names no coach; 2 entries not counted",
         "Type the coach's employee ID in the cell, as the roster has it.", ""),
        ("Row", "B1", *by_id, "100"),
        ("Page 1", "B1", by_id[0].replace("2 entries", "4 entries on 2 sheets"), by_id[1], "100"),
        ("No coach", "B1", *by_id, ""),
        ("No coach", "A4", "The coach log names no coach (add a Coach ID column, or Coach Name above the table); "
         "2 entries not counted", "Fill in the cell.", ""),
    ])


def test_a_log_naming_its_candidate_but_no_coach_is_told_to_name_the_coach_only(policy):
    """It said the entries named "no candidate and coach" beside a candidate named above them."""
    tables = _label_the_coach_log(_assigned(coach_log=_coach_entries(2)), {"candidate": ("name", "Kim Candidate")})
    [required] = [f for f in evaluate(tables, policy, pd.Timestamp("2026-03-01")).findings if f.rule == "CELL-REQUIRED"]
    assert required.candidate_id == "200"
    assert required.message == ("2 coach log entries name no coach (add a Coach ID column, or Coach Name above the table); "
                                "not counted")


def test_an_unknown_coach_id_above_the_log_is_reported_at_the_coach_label(policy):
    """Each label has its own cell: the candidate's name on row 3, the coach's ID on row 4. The
    unknown coach ID is reported at its own value (C4), not at the candidate's (C3)."""
    tables = _assigned(coach_log=_coach_entries())
    labels = {"candidate": _Label("candidate", "name", "Kim Candidate", "Paper log", 3, 2),
              "coach": _Label("coach", "id", "999", "Paper log", 4, 2)}
    tables.sources.append(SheetSource("paper.xlsx", "Paper log", {"date": 0, "contact_type": 1, "duration": 2}, labels))
    frame = tables.frames["coach_log"]
    frame["_src"], frame["_file"], frame["_sheet"] = len(tables.sources) - 1, "paper.xlsx", "Paper log"
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    [unknown] = [f for f in result.findings if f.rule == "ID-UNKNOWN"]
    assert "Coach ID 999" in unknown.message and unknown.cell == "C4"


def test_both_names_above_a_log_unknown_are_each_reported_at_their_own_cell_in_the_same_run(policy):
    """Neither name is in the roster: the coordinator learns of both at once, not of the coach's only
    once the candidate's is fixed. The log goes on over a second page that carries the same labels."""
    tables = _assigned(coach_log=_coach_entries(4))
    labels = {"candidate": _Label("candidate", "name", "Kim Candidat", "Paper log", 3, 2),
              "coach": _Label("coach", "name", "Casey Coache", "Paper log", 4, 2)}
    columns = {"date": 0, "contact_type": 1, "duration": 2}
    first = len(tables.sources)
    tables.sources += [SheetSource("paper.xlsx", "Paper log", columns, labels), SheetSource("paper.xlsx", "Paper log (2)", columns, labels)]
    frame = tables.frames["coach_log"]
    frame["_src"], frame["_file"], frame["_sheet"] = [first, first, first + 1, first + 1], "paper.xlsx", ["Paper log"] * 2 + ["Paper log (2)"] * 2
    result = evaluate(tables, policy, pd.Timestamp("2026-03-01"))
    unknown = sorted((f.sheet, f.cell, f.message) for f in result.findings if f.rule == "ID-UNKNOWN")
    assert unknown == [
        ("Paper log", "C3", "Candidate name 'Kim Candidat' above the coach log is not a name in the roster; 4 entries on 2 sheets not counted"),
        ("Paper log", "C4", "Coach name 'Casey Coache' above the coach log is not a name in the roster; 4 entries on 2 sheets not counted"),
    ]
    assert not result.entries["counted"].any()


# --- Total Hours footers ---------------------------------------------------------------------------

def _entries(rows):
    """Log entries as check_footers sees them: (file, sheet, row, kind, candidate, coach, minutes)."""
    return pd.DataFrame(rows, columns=["_file", "_sheet", "_row", "kind", "candidate_id", "coach_id", "duration"]).astype({"duration": "Int64"})


PAGES = _entries([
    ("log.xlsx", "Page 1", 8, "coach_log", "200", "100", 90),
    ("log.xlsx", "Page 1", 9, "coach_log", "200", "100", 90),
    ("log.xlsx", "Page 2", 4, "coach_log", "200", "100", 60),
    ("mixed.xlsx", "Both", 2, "coach_log", "200", "100", 60),
    ("mixed.xlsx", "Both", 3, "coach_log", "201", "101", 60),
])


def test_a_footer_may_total_its_page_or_the_whole_log_across_pages():
    footers = [("log.xlsx", "Page 1", Footer(10, 2, 3), 180), ("log.xlsx", "Page 2", Footer(5, 2, 4), 240)]
    assert check_footers(PAGES, footers) == []


def test_each_page_total_of_a_sheet_holding_two_pages_may_total_its_own_page():
    """Two pages typed on one sheet, each ending `Total Hours This Page`: the second page's 1.00 h is
    its own entries' (it was a mismatch: the sheet's 2.50 h above it, or the log's); a wrong one still is."""
    entries = _entries([("log.xlsx", "Log", 2, "coach_log", "200", "100", 90), ("log.xlsx", "Log", 4, "coach_log", "200", "100", 60)])
    assert check_footers(entries, [("log.xlsx", "Log", Footer(3, 2, 1.5), 90), ("log.xlsx", "Log", Footer(5, 2, 1), 60)]) == []
    [mismatch] = check_footers(entries, [("log.xlsx", "Log", Footer(3, 2, 1.5), 90), ("log.xlsx", "Log", Footer(5, 2, 2), 120)])
    assert mismatch.cell == "C5"


def test_a_footer_matching_neither_is_a_mismatch_at_its_cell_with_both_sums():
    [mismatch] = check_footers(PAGES, [("log.xlsx", "Page 2", Footer(5, 2, 5), 300)])
    assert (mismatch.rule, mismatch.cell, mismatch.candidate_id, mismatch.coach_id) == ("LOG-TOTAL-MISMATCH", "C5", "200", "100")
    assert "1.00 h on this page, 4.00 h in the whole log" in mismatch.message


def test_a_sum_of_durations_typed_as_times_saved_by_libreoffice_in_general_format_agrees_with_its_entries():
    """Durations typed 1:30 are time cells; LibreOffice shows `=SUM()` under them as 50:00:00 but saves
    it in General format: its value is days (2.0833…, read as 2.08 h). It agrees with the 50 h above it;
    a whole number typed there is hours and still a mismatch, and so is a fraction of a day that is not the sum."""
    entries = _entries([("log.xlsx", "Log", row, "candidate_log", "200", "100", 150) for row in range(2, 22)])
    assert check_footers(entries, [("log.xlsx", "Log", Footer(22, 3, 50 / 24), 125)]) == []
    assert check_footers(entries, [("log.xlsx", "Log", Footer(22, 3, 2895 / 1440), 121)]) != []  # 48.25 h of days
    assert check_footers(entries, [("log.xlsx", "Log", Footer(22, 3, 2), 120)]) != []


def test_a_footer_whose_value_is_not_a_duration_is_reported_and_a_blank_one_is_not():
    """`TBD` or `9,000` (a thousands separator or a decimal comma?) beside Total Hours cannot agree
    with the entries: it is said so at its cell; a blank one is the form's empty line."""
    footers = [("log.xlsx", "Page 2", Footer(5, 2, "TBD"), None), ("log.xlsx", "Page 1", Footer(10, 2, "9,000"), None),
               ("log.xlsx", "Page 1", Footer(11, 2, None), None), ("log.xlsx", "Page 1", Footer(12, 2, "  "), None)]
    found = check_footers(PAGES, footers)
    assert [(f.rule, f.cell) for f in found] == [("LOG-TOTAL-MISMATCH", "C5"), ("LOG-TOTAL-MISMATCH", "C10")]
    assert found[0].message == "Total Hours 'TBD' is not a number of hours but the entries add up to 1.00 h on this page, 4.00 h in the whole log"
    assert found[1].message.startswith("Total Hours '9,000' is not a number of hours (the comma could be a thousands separator")


def test_a_footer_counts_the_rows_left_out_for_a_bad_cell_and_names_those_whose_hours_cannot_be_read():
    """Rows left out for a bad cell are on the page the total adds up: 1.50 h read, one row's Duration
    unreadable. A total of 4.50 h agrees; one of 9 h is not called wrong (the unread hours may make
    it up); a total that is no number of hours says the sum it quotes lacks that row."""
    left_out = _entries([("log.xlsx", "Page 2", 2, "coach_log", "200", "100", 90),
                         ("log.xlsx", "Page 2", 3, "coach_log", "200", "100", None)])
    assert check_footers(PAGES, [("log.xlsx", "Page 1", Footer(10, 2, 4.5), 270)], left_out) == []  # 3 h + 1.5 h
    assert check_footers(PAGES, [("log.xlsx", "Page 2", Footer(5, 2, 9), 540)], left_out) == []
    assert check_footers(PAGES, [("log.xlsx", "Page 2", Footer(5, 2, 9), 540)]) != []
    [mismatch] = check_footers(PAGES, [("log.xlsx", "Page 2", Footer(5, 2, "TBD"), None)], left_out)
    assert mismatch.message == ("Total Hours 'TBD' is not a number of hours but the entries add up to 2.50 h on this page, "
                                "5.50 h in the whole log (not counting a row above it whose Duration cannot be read)")


def test_a_footer_total_showing_a_formula_error_or_saved_without_its_result_is_said_so_at_its_cell(tmp_path):
    """`=SUM()` under Total Hours showing #REF! (its rows deleted), or saved by a script without its
    result: the reader gives the cell as empty, and the total was passed over as the form's empty
    line, unchecked and unsaid. It is a LOG-TOTAL-MISMATCH at its cell quoting what the cell shows.
    So is one exported with xlsxwriter, which saves 0 as its result for Excel to calculate on opening
    ("Total Hours says 0.00 h" was a mismatch against a 0 that Excel never shows)."""
    import openpyxl

    header, entry = ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration"], ["200", "100", "2026-02-02", "Phone", 1.5]
    book = xlsxwriter.Workbook(str(tmp_path / "error.xlsx"))
    sheet = book.add_worksheet("Log")
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, entry)
    sheet.write_string(2, 0, "Total Hours")
    sheet.write_formula(2, 4, "=SUM(#REF!)", None, "#REF!")
    book.close()
    book = openpyxl.Workbook()
    book.active.title = "Log"
    for row in (header, entry, ["Total Hours", None, None, None, "=SUM(E2:E2)"]):  # openpyxl saves no result
        book.active.append(row)
    book.save(tmp_path / "unsaved.xlsx")
    book = xlsxwriter.Workbook(str(tmp_path / "exported.xlsx"))
    sheet = book.add_worksheet("Log")
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, entry)
    sheet.write_string(2, 0, "Total Hours")
    sheet.write_formula(2, 4, "=SUM(E2:E2)")  # saved with the result 0, calculated on opening
    book.close()
    footers = [(name, sheet.name, footer, None) for name in ("error.xlsx", "unsaved.xlsx", "exported.xlsx")
               for sheet in read_workbook(str(tmp_path / name), name).sheets for footer in sheet.footers]
    entries = _entries([(name, "Log", 2, "coach_log", "200", "100", 90) for name in ("error.xlsx", "unsaved.xlsx", "exported.xlsx")])
    found = check_footers(entries, footers)
    assert [f.fix.split(" (")[0] for f in found if f.file != "error.xlsx"] == ["Open the workbook in Excel or LibreOffice and save it"] * 2
    assert sorted((f.rule, f.file, f.cell, f.message.split(" but ")[0]) for f in found) == [
        ("LOG-TOTAL-MISMATCH", "error.xlsx", "E3", "Total Hours #REF! is a formula error (fix the formula)"),
        ("LOG-TOTAL-MISMATCH", "exported.xlsx", "E3", "Total Hours =SUM(E2:E2) is a formula with no result saved "
                                                     "(open the workbook in Excel or LibreOffice and save it)"),
        ("LOG-TOTAL-MISMATCH", "unsaved.xlsx", "E3", "Total Hours =SUM(E2:E2) is a formula with no result saved "
                                                   "(open the workbook in Excel or LibreOffice and save it)"),
    ]


def test_a_footer_counts_only_the_entries_above_it_and_a_sheet_of_two_pairs_only_its_page():
    assert check_footers(PAGES, [("log.xlsx", "Page 1", Footer(9, 2, 1.5), 90)]) == []
    [mismatch] = check_footers(PAGES, [("mixed.xlsx", "Both", Footer(4, 2, 4), 240)])
    assert mismatch.candidate_id == "" and "2.00 h on this page" in mismatch.message and "whole log" not in mismatch.message


@pytest.mark.parametrize("contact", ["Contact Type", "CONTACT TYPE:", "*Type of Contact"])
def test_a_coach_log_headed_contact_type_or_with_a_leading_asterisk_is_a_coach_log(contact):
    """`Contact Type` for `Type of Contact`, and a required column marked `*Date` as some forms do: the
    coach's log is still the coach's; taken for a candidate log, its hours would count as the candidate's."""
    found = recognise([["*Candidate ID", "*Coach ID", "*Date", contact, "*Duration", "Description"]])
    assert (found.table, found.missing) == ("coach_log", [])
    assert (found.columns["candidate_id"], found.columns["contact_type"], found.columns["duration"]) == (0, 3, 4)
