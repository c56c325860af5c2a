"""The tables and columns of the other programs (SPEC §2a), read from real workbooks and validated.

Each test writes small workbooks as coordinators keep them (title rows, headers in any case, values
typed the ways people type them), reads and recognises them, and validates them: every bad cell is
a finding with its file, sheet and A1 cell, and the typed tables hold what was meant. The tests stop
at validation, so they hold whatever the rules make of the tables.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import xlsxwriter

from coaching_batch.findings import sort_key
from coaching_batch.read import read_workbook
from coaching_batch.validate import Tables, validate
from workbooks import edit_part, roster_rows, write_workbook

FEEDBACK_HEADER = ["Employee ID", "Role (Coach or Coachee)", "Coach ID", "Candidate ID", "Feedback Date", "Rating (1-5)", "Comments"]
MILESTONES_HEADER = ["Candidate ID", "Coach ID", "PHASE (Orientation, Relationship, Goals, Ongoing Support)", "Date", "Campus", "Notes"]
ASSIGNMENTS_HEADER = ["Program", "Candidate ID", "Coach ID", "Assigned Date", "Planning Meeting Date", "Status",
                      "Agreement Date", "Extended Until"]
COACH, COACHEE = "200001", "300001"


def read_and_validate(tmp_path: Path, files: dict[str, dict[str, list[list]]], **layout) -> tuple[Tables, list]:
    """Write ``files`` (file name → sheet name → rows), read and recognise every sheet, validate all."""
    sheets_by_table: dict[str, list] = {}
    for name, sheets in files.items():
        workbook = read_workbook(str(write_workbook(tmp_path / name, sheets, **layout)), name)
        assert not workbook.error
        for sheet in workbook.sheets:
            assert sheet.table and not sheet.missing, (name, sheet.name, sheet.table, sheet.missing)
            sheets_by_table.setdefault(sheet.table, []).append((name, sheet))
    return validate(sheets_by_table)


def where(findings) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule, f.file, f.sheet, f.cell) for f in findings)


# ------------------------------------------------------------------------------ IDs

def test_an_id_cell_formatted_as_a_date_is_cell_type_saying_so_and_how_to_see_the_id(tmp_path):
    """An ID column given a date format (a column copied from a dated one) shows the ID 45000 as
    2023-03-15: the finding said only "is not an ID", and the coordinator, who sees a date, was left
    to guess why and what to type."""
    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Log")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration"])
    sheet.write_number(1, 0, 45000, day)
    sheet.write_string(1, 1, COACH)
    sheet.write_datetime(1, 2, dt.datetime(2026, 3, 3), day)
    sheet.write_row(1, 3, ["Phone", 1])
    book.close()
    _, findings = validate({"coach_log": [("log.xlsx", read_workbook(str(path), "log.xlsx").sheets[0])]})
    [found] = findings
    assert (found.rule, found.cell) == ("CELL-TYPE", "A2")
    assert found.message == ("Candidate ID '2023-03-15' is not an ID (a date: the cell is formatted as a date, which shows an ID "
                             "typed as a number as a date)")
    assert found.fix == ("Format the column as Text (or Number) so that each cell shows the ID it holds, not a date, "
                         "and check that it is the ID the roster has.")


# ------------------------------------------------------------------------------ formula errors

def test_a_formula_showing_an_excel_error_is_cell_type_quoting_the_error_not_an_empty_cell(tmp_path):
    """The reader gives #DIV/0!, #N/A and #VALUE! as empty cells; where a value is needed the run
    says what the cell shows (SPEC §4: CELL-TYPE with the value seen)."""
    path = tmp_path / "log.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Log")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"])
    sheet.write_row(1, 0, [COACHEE, COACH])
    sheet.write_datetime(1, 2, dt.datetime(2026, 3, 3), day)
    sheet.write_row(1, 3, ["Phone", 1, "fine"])
    sheet.write_row(2, 0, [COACHEE, COACH])
    sheet.write_datetime(2, 2, dt.datetime(2026, 3, 4), day)
    sheet.write_string(2, 3, "Phone")
    sheet.write_formula(2, 4, "=1/0", None, "#DIV/0!")
    sheet.write_formula(2, 5, "=NA()", None, "#N/A")  # a description: any text, not a finding
    sheet.write(3, 0, COACHEE)
    sheet.write_formula(3, 1, "=VLOOKUP(A4,Z:Z,1,0)", None, "#N/A")
    sheet.write_formula(3, 2, '=DATEVALUE("x")', None, "#VALUE!")
    sheet.write_formula(3, 3, "=NA()", None, "#N/A")
    sheet.write(3, 4, 1)
    book.close()
    workbook = read_workbook(str(path), "log.xlsx")
    typed, findings = validate({"coach_log": [("log.xlsx", workbook.sheets[0])]})
    assert sorted((f.rule, f.cell, f.message) for f in findings) == [
        ("CELL-TYPE", "B4", "Coach ID #N/A is a formula error: fix the formula"),
        ("CELL-TYPE", "C4", "Date #VALUE! is a formula error: fix the formula"),
        ("CELL-TYPE", "D4", "Type of Contact #N/A is a formula error: fix the formula"),
        ("CELL-TYPE", "E3", "Duration #DIV/0! is a formula error: fix the formula"),
    ]
    assert typed["coach_log"]["_row"].tolist() == [2]


def test_a_formula_saved_without_its_result_is_cell_type_quoting_the_formula_not_an_empty_cell(tmp_path):
    """A log written by a script (openpyxl) and never opened in Excel holds formulas with no result:
    the reader gives them as empty, and "Duration is required but the cell is empty" sent the
    coordinator to a cell that is not empty. The finding quotes the formula and says to save it in Excel."""
    import openpyxl

    path = tmp_path / "log.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Log"
    sheet.append(["Candidate ID", "Coach ID", "Date", "Start", "End", "Type of Contact", "Duration", "Description"])
    sheet.append([COACHEE, COACH, dt.date(2026, 3, 3), dt.time(9), dt.time(10), "Phone", 1, "typed"])
    sheet.append([COACHEE, COACH, dt.date(2026, 3, 4), dt.time(9), dt.time(10, 30), "Phone", "=E3-D3", "a formula"])
    sheet.append([COACHEE, '=VLOOKUP("Kay Coach",Roster!A:B,1,FALSE)', dt.date(2026, 3, 5), None, None, "Phone", 1, "x"])
    book.save(path)
    workbook = read_workbook(str(path), "log.xlsx")
    typed, findings = validate({"coach_log": [("log.xlsx", workbook.sheets[0])]})
    saved = ("is a formula with no result saved (the workbook was made by a program that does not calculate "
             "formulas): open it in Excel or LibreOffice and save it")
    assert sorted((f.rule, f.cell, f.message) for f in findings) == [
        ("CELL-TYPE", "B4", f'Coach ID =VLOOKUP("Kay Coach",Roster!A:B,1,FALSE) {saved}'),
        ("CELL-TYPE", "G3", f"Duration =E3-D3 {saved}"),
    ]
    assert typed["coach_log"]["_row"].tolist() == [2]


def test_a_formula_with_no_result_or_an_error_in_an_optional_cell_is_cell_type_not_read_as_blank(tmp_path):
    """On the assignments, the roster and the requests a blank cell is a fact: no planning meeting yet,
    Active, no Request for Payment, not trained, the run's own program. A formula there saved without
    its result (a workbook written by a script) or showing an error was read as that blank, without a
    word: a payable stipend was silently not paid, a trained coach not qualified. Each is CELL-TYPE at
    its cell now; a log's description showing one is still no finding (any text will do there)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Assignments"
    sheet.append(["Program", "Candidate ID", "Coach ID", "Assigned Date", "Planning Meeting Date", "Status",
                  "Goal 1", "Completion Date", "Payment Request Date"])
    sheet.append([None, COACHEE, COACH, dt.date(2026, 1, 10), "=D2+5", "Completed", "Lead", dt.date(2026, 5, 20), "=H2+1"])
    sheet.append(['="itss-coaching"', "300002", COACH, dt.date(2026, 1, 10), dt.date(2026, 1, 15),
                  '=IF(H3="","Active","Completed")', '="Lead "&"team"', None, None])
    sheet.append([None, "300003", COACH, dt.date(2026, 1, 10), dt.date(2026, 1, 15), None, None, None, None])
    book.save(tmp_path / "assignments.xlsx")
    roster = openpyxl.Workbook()
    sheet = roster.active
    sheet.title = "Roster"
    for row in roster_rows([{"employee_id": COACH, "name": "Kay Coach", "grade": 7, "coach_training_date": "=DATE(2020,1,1)"},
                            {"employee_id": COACHEE, "name": "Lee Candidate", "grade": 5}]):
        sheet.append(row)
    roster.save(tmp_path / "roster.xlsx")
    log = openpyxl.Workbook()
    sheet = log.active
    sheet.title = "Log"
    sheet.append(["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"])
    sheet.append([COACHEE, COACH, dt.date(2026, 3, 3), "Phone", 1, '="met "&"twice"'])
    log.save(tmp_path / "log.xlsx")
    requests = xlsxwriter.Workbook(str(tmp_path / "requests.xlsx"))  # saved with its results, as Excel saves
    sheet = requests.add_worksheet("Requests")
    sheet.write_row(0, 0, ["Employee ID", "Request Date", "Enrollment Form Date", "Target Grade"])
    sheet.write_row(1, 0, [COACHEE, "2026-01-05"])
    sheet.write_formula(1, 2, "=VLOOKUP(A2,Forms!A:B,2,FALSE)", None, "#N/A")
    sheet.write(1, 3, 6)
    requests.close()
    sheets_by_table: dict[str, list] = {}
    for name in ("assignments.xlsx", "roster.xlsx", "log.xlsx", "requests.xlsx"):
        for sheet in read_workbook(str(tmp_path / name), name).sheets:
            sheets_by_table.setdefault(sheet.table, []).append((name, sheet))

    typed, findings = validate(sheets_by_table)

    saved = "is a formula with no result saved"
    assert sorted((f.rule, f.file, f.cell, f.message.split(" is a ")[0]) for f in findings) == [
        ("CELL-TYPE", "assignments.xlsx", "A3", 'Program ="itss-coaching"'),
        ("CELL-TYPE", "assignments.xlsx", "E2", "Planning Meeting Date =D2+5"),
        ("CELL-TYPE", "assignments.xlsx", "F3", 'Status =IF(H3="","Active","Completed")'),
        ("CELL-TYPE", "assignments.xlsx", "G3", 'Goal 1 ="Lead "&"team"'),
        ("CELL-TYPE", "assignments.xlsx", "I2", "Payment Request Date =H2+1"),
        ("CELL-TYPE", "requests.xlsx", "C2", "Enrollment Form Date #N/A"),
        ("CELL-TYPE", "roster.xlsx", "L2", "Coach Training Date =DATE(2020,1,1)"),
    ]
    assert all(saved in f.message for f in findings if f.file != "requests.xlsx")
    assert {f.fix.split(" (")[0] for f in findings if f.file != "requests.xlsx"} == {"Open the workbook in Excel or LibreOffice and save it"}
    assert typed["assignments"]["candidate_id"].tolist() == ["300003"]  # a blank cell is still blank
    assert typed["coach_log"]["_row"].tolist() == [2]


def _exported(path: Path, calculates_on_opening: bool = True) -> Path:
    """A log and an assignments sheet as another system exports them with xlsxwriter: formulas given
    no result are saved with the result 0, the workbook marked to be calculated when opened. Without
    ``calculates_on_opening``, as Excel saves the same cells: the 0s are the formulas' results."""
    book = xlsxwriter.Workbook(str(path))
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    log = book.add_worksheet("Log")
    log.write_row(0, 0, ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"])
    for row, what in enumerate(["duration formula", "date formula", "ID formula", "told its result", "typed 0"], start=1):
        log.write_row(row, 0, [COACHEE, COACH])
        log.write_datetime(row, 2, dt.datetime(2026, 3, row), day)
        log.write_row(row, 3, ["Phone", 1, what])
    log.write_formula(1, 4, "=0.5+0.5")
    log.write_formula(2, 2, "=DATE(2026,3,2)", day)
    log.write_formula(3, 0, f'="{COACHEE[:3]}"&"{COACHEE[3:]}"')
    log.write_formula(4, 4, "=0.5+0.5", None, 1.0)  # the exporting program worked out the result
    log.write_number(5, 4, 0)
    pairs = book.add_worksheet("Pairs")
    pairs.write_row(0, 0, ["Candidate ID", "Coach ID", "Assigned Date", "Planning Meeting Date", "Payment Request Date"])
    pairs.write_row(1, 0, [COACHEE, COACH])
    pairs.write_datetime(1, 2, dt.datetime(2026, 1, 2), day)
    pairs.write_formula(1, 3, "=C2+8", day)
    pairs.write_formula(1, 4, "=D2+100", day, 46100)
    book.close()
    if not calculates_on_opening:
        edit_part(path, "xl/workbook.xml", lambda xml: xml.replace(b' fullCalcOnLoad="1"', b""))
    return path


def test_a_formula_saved_with_0_in_a_workbook_calculated_on_opening_is_cell_type_quoting_the_formula(tmp_path):
    """An export written with xlsxwriter saves 0 as a formula's result and leaves Excel to calculate it on
    opening: Excel shows a Duration of 1:00, a date, an ID, a planning meeting, while the run read 0 and
    said "has a duration of 0.00 h", "'00:00:00' is not a date", "Candidate ID 0 … not in the roster", or
    took the pair as not started. Each such cell is a formula with no result saved, at its cell, quoting it.
    A result the exporting program worked out and saved (1.0) is read, and so is a 0 typed as a number;
    in a workbook Excel saved, a formula's 0 is its result."""
    workbook = read_workbook(str(_exported(tmp_path / "export.xlsx")), "export.xlsx")
    typed, findings = validate({sheet.table: [("export.xlsx", sheet)] for sheet in workbook.sheets})

    saved = ("is a formula with no result saved (the workbook was made by a program that does not calculate "
             "formulas): open it in Excel or LibreOffice and save it")
    assert sorted((f.rule, f.sheet, f.cell, f.message) for f in findings) == [
        ("CELL-TYPE", "Log", "A4", f'Candidate ID ="300"&"001" {saved}'),
        ("CELL-TYPE", "Log", "C3", f"Date =DATE(2026,3,2) {saved}"),
        ("CELL-TYPE", "Log", "E2", f"Duration =0.5+0.5 {saved}"),
        ("CELL-TYPE", "Pairs", "D2", f"Planning Meeting Date =C2+8 {saved}"),
    ]
    assert {f.fix for f in findings} == {"Open the workbook in Excel or LibreOffice and save it (its formulas' results "
                                         "are then saved with it), then re-run."}  # nothing in the cell to correct
    assert typed["coach_log"]["_row"].tolist() == [5, 6]
    assert typed["coach_log"]["duration"].tolist() == [60, 0]  # the told result; the typed 0 (LOG-DURATION-INVALID)

    as_excel_saves = read_workbook(str(_exported(tmp_path / "saved.xlsx", calculates_on_opening=False)), "saved.xlsx")
    typed, findings = validate({sheet.table: [("saved.xlsx", sheet)] for sheet in as_excel_saves.sheets})
    assert sorted((f.rule, f.cell) for f in findings) == [("CELL-TYPE", "C3"), ("CELL-TYPE", "D2")]  # 0 is no date
    assert typed["coach_log"]["duration"].tolist() == [0, 60, 60, 0]


# ------------------------------------------------------------------------------------ milestones


def test_phases_are_read_in_any_case_and_spacing_and_a_phase_that_is_not_one_is_cell_enum(tmp_path):
    rows = [["Job-Embedded Coaching: milestones 2026-27"], [], MILESTONES_HEADER]
    typed_phases = ["agreement", "ongoing-support", "ONGOING SUPPORT", "agreement review", "Getting Oriented",
                    "Establishing the coaching relationship", "goals", "Kickoff"]
    for day, phase in enumerate(typed_phases):
        rows.append([COACHEE, COACH, phase, dt.date(2026, 8, 3 + day), "Lincoln Elementary", None])

    typed, findings = read_and_validate(tmp_path, {"job-embedded.xlsx": {"Milestones": rows}})

    # the header is row 3, the rows start in row 4: "Kickoff" is the 8th, row 11, in column C
    assert where(findings) == [("CELL-ENUM", "job-embedded.xlsx", "Milestones", "C11")]
    (finding,) = findings
    assert "'Kickoff'" in finding.message and "Ongoing Support" in finding.message
    assert (finding.candidate_id, finding.coach_id) == (COACHEE, COACH)
    milestones = typed["milestones"]
    assert milestones["phase"].tolist() == ["Agreement", "Ongoing Support", "Ongoing Support", "Agreement Review",
                                            "Orientation", "Relationship", "Goals"]
    assert milestones["date"].iloc[0] == pd.Timestamp("2026-08-03") and milestones["campus"].iloc[0] == "Lincoln Elementary"


def test_a_milestone_without_its_date_or_its_pair_is_cell_required(tmp_path):
    rows = [MILESTONES_HEADER,
            [COACHEE, COACH, "Orientation", None],
            [None, COACH, "Goals", dt.date(2026, 9, 1)],
            [COACHEE, COACH, "Relationship", "next week"]]
    typed, findings = read_and_validate(tmp_path, {"milestones.xlsx": {"Log": rows}})
    assert where(findings) == [("CELL-REQUIRED", "milestones.xlsx", "Log", "A3"),
                               ("CELL-REQUIRED", "milestones.xlsx", "Log", "D2"),
                               ("CELL-TYPE", "milestones.xlsx", "Log", "D4")]
    assert typed["milestones"].empty


# -------------------------------------------------------------------------------------- feedback


def test_roles_in_any_case_are_read_and_a_role_that_is_not_coach_or_coachee_is_cell_enum(tmp_path):
    rows = [["Reps Coaching: yearly feedback round (CONFIDENTIAL)"], FEEDBACK_HEADER,
            [COACH, "COACH", COACH, COACHEE, dt.date(2026, 6, 1), 4, "Good sessions"],
            [COACHEE, "coachee", COACH, COACHEE, "6/3/2026", None, None],
            ["200009", "Supervisor", COACH, COACHEE, dt.date(2026, 6, 4), 3, None]]

    typed, findings = read_and_validate(tmp_path, {"feedback.xlsx": {"Round 2026": rows}}, start_row=1, start_col=2)

    # title in row 2, header row 3, data from row 4; the table starts in column C, so Role is D
    assert where(findings) == [("CELL-ENUM", "feedback.xlsx", "Round 2026", "D6")]
    assert "'Supervisor'" in findings[0].message and "Coach, Coachee" in findings[0].message
    feedback = typed["feedback"]
    assert feedback["role"].tolist() == ["Coach", "Coachee"]
    assert feedback["employee_id"].tolist() == [COACH, COACHEE]
    assert feedback["feedback_date"].tolist() == [pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-03")]
    assert feedback["rating"].tolist()[0] == 4 and pd.isna(feedback["rating"].tolist()[1])


def test_a_paragraph_typed_in_a_choice_cell_is_quoted_cut_short_with_its_length(tmp_path):
    """A 4,000-character paste made a message of 4,057 characters, cut off on screen and on paper."""
    pasted = "Telepathy " * 400
    rows = [FEEDBACK_HEADER, [COACH, pasted, COACH, COACHEE, dt.date(2026, 6, 1), 4, None]]

    _, findings = read_and_validate(tmp_path, {"feedback.xlsx": {"Round": rows}})

    assert where(findings) == [("CELL-ENUM", "feedback.xlsx", "Round", "B2")]
    message = findings[0].message
    assert len(message) < 300 and "(4,000 characters)" in message and "Telepathy Telepathy" in message
    assert "Coach, Coachee" in message


def test_a_blank_feedback_date_is_cell_required_and_a_rating_of_7_is_cell_type(tmp_path):
    rows = [FEEDBACK_HEADER,
            [COACH, "Coach", COACH, COACHEE, None, 5, None],
            [COACHEE, "Coachee", COACH, COACHEE, dt.date(2026, 6, 2), 7, "Very good"],
            [COACHEE, "Coachee", COACH, COACHEE, dt.date(2026, 6, 3), "4", None]]
    typed, findings = read_and_validate(tmp_path, {"feedback.xlsx": {"Feedback": rows}})
    assert where(findings) == [("CELL-REQUIRED", "feedback.xlsx", "Feedback", "E2"),
                               ("CELL-TYPE", "feedback.xlsx", "Feedback", "F3")]
    assert findings[0].message == "Feedback: Feedback Date is required but the cell is empty"
    assert typed["feedback"]["rating"].tolist() == [4]  # the good row only


def test_feedback_comments_never_reach_a_finding(tmp_path):
    secret = "My coach never turns up"
    rows = [FEEDBACK_HEADER, [COACHEE, "Boss", COACH, COACHEE, "yesterday", 9, secret]]
    _, findings = read_and_validate(tmp_path, {"feedback.xlsx": {"Feedback": rows}})
    assert {f.rule for f in findings} == {"CELL-ENUM", "CELL-TYPE"}
    assert not any(secret in f.message for f in findings)


# ---------------------------------------------------------------------- the roster's new columns


def test_the_roster_columns_of_the_other_programs_are_read_and_typed(tmp_path):
    rows = roster_rows(
        [
            {"employee_id": COACH, "name": "Grace Kim", "grade": 25, "position_start_date": dt.date(2019, 7, 1),
             "supervisor_id": 12345, "employment_status": "permanent", "evaluation_status": "special"},
            {"employee_id": COACHEE, "name": "Ryan Patel", "grade": 22, "position_start_date": "3/5/2024",
             "supervisor_id": "012345", "employment_status": "PROBATIONARY", "evaluation_status": "par"},
            {"employee_id": "300002", "name": "Ann Lee", "grade": 21, "position_start_date": 45292,  # an Excel serial
             "supervisor_id": 12345.0, "employment_status": "Temporary", "evaluation_status": None},
        ],
        columns=["employee_id", "name", "grade", "position_start_date", "supervisor_id", "employment_status", "evaluation_status"],
    )
    typed, findings = read_and_validate(tmp_path, {"roster.xlsx": {"Roster": [["Staff roster, 2026"], *rows]}})
    assert findings == []
    roster = typed["employees"].set_index("employee_id")
    assert roster["position_start_date"].tolist() == [pd.Timestamp("2019-07-01"), pd.Timestamp("2024-03-05"), pd.Timestamp("2024-01-01")]
    assert roster["supervisor_id"].tolist() == ["12345", "012345", "12345"]  # IDs are text
    assert roster["employment_status"].tolist() == ["Permanent", "Probationary", "Temporary"]
    assert roster["evaluation_status"].tolist()[:2] == ["Special Evaluation", "PAR"] and pd.isna(roster.at["300002", "evaluation_status"])


def test_a_bad_value_in_each_new_roster_column_is_a_finding_at_its_cell(tmp_path):
    columns = ["employee_id", "name", "grade", "position_start_date", "supervisor_id", "employment_status", "evaluation_status"]
    good = {"name": "Grace Kim", "grade": 25, "position_start_date": dt.date(2019, 7, 1), "supervisor_id": "200009",
            "employment_status": "Permanent", "evaluation_status": "Standard"}
    rows = roster_rows(
        [
            {**good, "employee_id": "100"},
            {**good, "employee_id": "101", "position_start_date": "since last spring"},
            {**good, "employee_id": "102", "supervisor_id": 12.5},
            {**good, "employee_id": "103", "employment_status": "Contractor"},
            {**good, "employee_id": "104", "evaluation_status": "Excellent"},
        ],
        columns=columns,
    )
    typed, findings = read_and_validate(tmp_path, {"roster.xlsx": {"Roster": rows}})
    assert where(findings) == [("CELL-ENUM", "roster.xlsx", "Roster", "F5"),
                               ("CELL-ENUM", "roster.xlsx", "Roster", "G6"),
                               ("CELL-TYPE", "roster.xlsx", "Roster", "D3"),
                               ("CELL-TYPE", "roster.xlsx", "Roster", "E4")]
    messages = " | ".join(f.message for f in findings)
    assert "'Contractor'" in messages and "Permanent, Temporary, Probationary" in messages
    assert "'Excellent'" in messages and "Standard, PAR, Special Evaluation" in messages
    assert typed["employees"]["employee_id"].tolist() == ["100"]  # the rows with a bad cell are left out


def test_a_weekday_that_is_not_the_dates_or_a_comma_that_may_group_thousands_is_explained(tmp_path):
    """Neither is guessed: the finding says what to look at, so the coordinator can fix the cell."""
    rows = [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"],
            [COACHEE, COACH, "Mon 4/6/2026", "Phone", "1,5", "weekday right, decimal comma"],
            [COACHEE, COACH, "Tue 4/6/2026", "Phone", 1, "weekday wrong"],
            [COACHEE, COACH, "4/8/2026", "Phone", "1,500 min", "thousands or decimal?"]]

    typed, findings = read_and_validate(tmp_path, {"log.xlsx": {"Log": rows}})

    assert where(findings) == [("CELL-TYPE", "log.xlsx", "Log", "C3"), ("CELL-TYPE", "log.xlsx", "Log", "E4")]
    messages = sorted(f.message for f in findings)
    assert messages[0] == "Date 'Tue 4/6/2026' is not a date (2026-04-06 is a Monday)"
    assert "'1,500 min'" in messages[1] and "thousands separator or a decimal point" in messages[1]
    assert typed["coach_log"]["duration"].tolist() == [90]


def test_a_date_that_is_one_only_day_first_says_how_dates_are_read_and_where_to_change_it(tmp_path):
    """13/2/2026 in an inbox read month first: not guessed, but the finding says what it would be and
    how a day-first inbox is read (it said only "is not a date" of what the coordinator sees as one)."""
    rows = [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"],
            [COACHEE, COACH, "13/2/2026", "Phone", 1, "day first"],
            [COACHEE, COACH, "13/13/2026", "Phone", 1, "no date either way"]]

    typed, findings = read_and_validate(tmp_path, {"log.xlsx": {"Log": rows}})

    messages = [f.message for f in sorted(findings, key=lambda f: f.cell)]
    assert messages == ["Date '13/2/2026' is not a date (dates are read month first; day first it is 2026-02-13: if the "
                        "inbox's dates are day first, set day_first = true under [reading] in the program's policy file)",
                        "Date '13/13/2026' is not a date"]
    assert typed["coach_log"].empty


def test_a_date_typed_without_its_year_says_the_year_is_missing(tmp_path):
    """`5/8` in a text cell: not a date, and the finding says why (it said only "is not a date")."""
    rows = [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"],
            [COACHEE, COACH, "5/8", "Phone", 1, "month and day"],
            [COACHEE, COACH, "May 8th", "Phone", 1, "month name"],
            [COACHEE, COACH, "8-May", "Phone", 1, "day first"],
            [COACHEE, COACH, "5/8/2026", "Phone", 1, "a date"]]

    typed, findings = read_and_validate(tmp_path, {"log.xlsx": {"Log": rows}})

    messages = [f.message for f in sorted(findings, key=lambda f: f.cell)]
    assert messages == ["Date '5/8' is not a date (it has no year: type it with its year, such as 5/8/2026)",
                        "Date 'May 8th' is not a date (it has no year: type it with its year, such as May 8th 2026)",
                        "Date '8-May' is not a date (it has no year: type it with its year, such as 8-May-2026)"]
    assert typed["coach_log"]["date"].tolist() == [pd.Timestamp("2026-05-08")]


def test_a_date_typed_as_serial_60_is_named_as_excels_phantom_leap_day(tmp_path):
    rows = [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"],
            [COACHEE, COACH, 60, "Phone", 1, "Excel's 1900-02-29"],
            [COACHEE, COACH, 0, "Phone", 1, "serial 0"],
            [COACHEE, COACH, 61, "Phone", 1, "1900-03-01"]]

    typed, findings = read_and_validate(tmp_path, {"log.xlsx": {"Log": rows}})

    assert where(findings) == [("CELL-TYPE", "log.xlsx", "Log", "C2"), ("CELL-TYPE", "log.xlsx", "Log", "C3")]
    messages = [f.message for f in sorted(findings, key=lambda f: f.cell)]
    assert messages == ["Date '60' is not a date (Excel's 29 February 1900, a day that never was: type the date meant)",
                        "Date '0' is not a date"]
    assert typed["coach_log"]["date"].tolist() == [pd.Timestamp("1900-03-01")]


# ---------------------------------------------------------------- the assignments' new columns


def test_agreement_date_and_extended_until_are_read_as_dates_and_a_bad_one_is_cell_type(tmp_path):
    rows = [["Assignments 2026"], [], ASSIGNMENTS_HEADER,
            ["support-mentoring", COACHEE, COACH, dt.date(2026, 1, 5), None, "Active", dt.date(2026, 1, 20), None],
            ["reps-coaching", "300002", COACH, dt.date(2025, 3, 1), "3/10/2025", None, None, "2026-06-30"],
            ["Reps Coaching", "300003", COACH, dt.date(2025, 3, 1), None, None, 46000, "when possible"],
            ["support-mentoring", "300004", "200002", dt.date(2026, 2, 1), None, None, "soon", None]]

    typed, findings = read_and_validate(tmp_path, {"assignments.xlsx": {"Pairs": rows}})

    assert where(findings) == [("CELL-TYPE", "assignments.xlsx", "Pairs", "G7"),
                               ("CELL-TYPE", "assignments.xlsx", "Pairs", "H6")]
    assert {(f.candidate_id, f.coach_id) for f in findings} == {("300003", COACH), ("300004", "200002")}
    assert all("is not a date" in f.message for f in findings)
    assignments = typed["assignments"]
    assert assignments["candidate_id"].tolist() == [COACHEE, "300002"]
    assert assignments["agreement_date"].iloc[0] == pd.Timestamp("2026-01-20") and pd.isna(assignments["agreement_date"].iloc[1])
    assert pd.isna(assignments["extended_until"].iloc[0]) and assignments["extended_until"].iloc[1] == pd.Timestamp("2026-06-30")
    assert assignments["program"].tolist() == ["support-mentoring", "reps-coaching"]  # the rules judge Program


def test_the_new_tables_beside_the_old_ones_in_one_inbox_each_keep_their_own_findings(tmp_path):
    files = {
        "roster.xlsx": {"Roster": roster_rows([{"employee_id": COACH, "name": "Grace Kim", "grade": 25},
                                               {"employee_id": COACHEE, "name": "Ryan Patel", "grade": 22,
                                                "employment_status": "perm"}])},
        "assignments.xlsx": {"Pairs": [ASSIGNMENTS_HEADER,
                                       ["reps-coaching", COACHEE, COACH, dt.date(2025, 3, 1), None, None, None, "June"]]},
        "reps.xlsx": {"Feedback": [FEEDBACK_HEADER, [COACHEE, "Coachee", COACH, COACHEE, dt.date(2026, 6, 2), 4, None]],
                      "Milestones": [MILESTONES_HEADER, [COACHEE, COACH, "Goal Setting", dt.date(2026, 9, 1), None, None],
                                     [COACHEE, COACH, "Phase 9", dt.date(2026, 9, 2), None, None]]},
        "coach log.xlsx": {"Log": [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Notes"],
                                   [COACHEE, COACH, dt.date(2026, 9, 3), "in-person", 1.5, "first meeting"]]},
    }
    typed, findings = read_and_validate(tmp_path, files)
    assert where(findings) == [("CELL-ENUM", "reps.xlsx", "Milestones", "C3"),
                               ("CELL-TYPE", "assignments.xlsx", "Pairs", "H2")]
    assert {name: len(typed[name]) for name in ("employees", "assignments", "feedback", "milestones", "coach_log")} == {
        "employees": 2, "assignments": 0, "feedback": 1, "milestones": 1, "coach_log": 1}
    assert typed["milestones"]["phase"].tolist() == ["Goals"]
    assert typed["employees"]["employment_status"].tolist()[1] == "Permanent"


# ------------------------------------------------------------------------------ in two processes

def test_a_tables_rows_cut_anywhere_combine_to_the_whole_table():
    """Each process combines only its own rows of a large table from the sheets: cut between sheets
    or inside one, the two parts hold every row once, with its file, sheet, row and source."""
    from coaching_batch.contracts import tables
    from coaching_batch.validate import combine

    samples = Path(__file__).resolve().parent.parent / "sample_workbooks"
    sheets = [(path.name, sheet) for path in sorted(samples.glob("*.xlsx"))
              for sheet in read_workbook(str(path), path.name).sheets if sheet.table == "coach_log" and not sheet.missing]
    table = tables()["coach_log"]
    whole = combine(sheets, table, first_src=5)
    assert len(sheets) >= 3 and len(whole) > 100
    assert whole["_src"].tolist() == [5 + k for k, (_, sheet) in enumerate(sheets) for _ in range(len(sheet.cells))]
    for cut in (0, 1, len(sheets[0][1].cells), len(whole) // 2, len(whole) - 1, len(whole)):
        parts = [combine(sheets, table, 5, (0, cut)), combine(sheets, table, 5, (cut, len(whole)))]
        assert [len(part) for part in parts] == [cut, len(whole) - cut]
        pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)


def test_tables_validated_in_two_processes_are_the_same_as_in_one(monkeypatch):
    """A large inbox's tables are validated half in a forked process: the same typed tables, row
    sources and findings as when one process validates them all."""
    from coaching_batch import settings, validate as validation

    monkeypatch.setattr(settings, "PARALLEL_ROWS", 8)  # the demo's tables count as large
    halved = []
    monkeypatch.setattr(validation, "_halves", lambda raws, split=validation._halves: halved.append(split(raws)) or halved[-1])
    samples = Path(__file__).resolve().parent.parent / "sample_workbooks"

    def demo_sheets() -> dict[str, list]:
        sheets_by_table: dict[str, list] = {}
        for path in sorted(samples.glob("*.xlsx")):
            for sheet in read_workbook(str(path), path.name).sheets:
                if sheet.table and not sheet.missing:
                    sheets_by_table.setdefault(sheet.table, []).append((path.name, sheet))
        return sheets_by_table

    one, one_findings = validate(demo_sheets(), parallel=False)
    two, two_findings = validate(demo_sheets(), parallel=True)
    assert len(one_findings) >= 5 and sorted(one_findings, key=sort_key) == sorted(two_findings, key=sort_key)
    assert [vars(source) for source in one.sources] == [vars(source) for source in two.sources]
    for name, frame in one.frames.items():
        pd.testing.assert_frame_equal(frame, two.frames[name])
    assert one.left_out.keys() == two.left_out.keys() == {"employees", "coach_log", "candidate_log"}
    assert sum(len(rows) for rows in one.left_out.values()) >= 2  # the logs' rows left out for a bad cell, a footer counts them
    for name, rows in one.left_out.items():
        pd.testing.assert_frame_equal(rows, two.left_out[name])
    here, elsewhere = halved[0]
    assert {"coach_log", "candidate_log", "assignments"} <= {name for name, _, _ in here}
    assert [(name, stop) for name, _, stop in here] == [(name, start) for name, start, _ in elsewhere[:len(here)]]
    # its IDs must be unique: never split; a table not halved is validated by the forked process, as
    # this one merges the parts after
    assert elsewhere[len(here):] == [("employees", 0, len(one.frames["employees"]) + len(one.left_out["employees"]))]


# ---------------------------------------------------------------- what to type instead


def test_a_bad_cells_fix_says_what_to_type_instead_and_names_the_choice_a_typo_looks_like(tmp_path):
    """A coordinator who reads "Use one of the allowed values" or "Correct the cell so it holds a valid
    value of the column's kind" still has to guess: the fix lists the choices, names the one a typo is
    close to, gives the forms a date or duration is read in, and the value a note was typed beside.
    The cell is not read as the suggestion: it stays a finding."""
    log = [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"],
           [COACHEE, COACH, dt.date(2026, 3, 2), "In Peson", 1, "typo in a choice"],
           [COACHEE, COACH, "3/5/2026 (make-up)", "Phone", 1, "a note beside the date"],
           [COACHEE, COACH, dt.date(2026, 3, 9), "Phone", "1.5?", "a question mark after the hours"],
           [COACHEE, COACH, dt.date(2026, 3, 9), "Phone", "lunch", "no duration at all"],
           [COACHEE, COACH, dt.date(2026, 3, 12), "Carrier pigeon", 1, "no choice close"]]
    feedback = [FEEDBACK_HEADER, [COACHEE, "Coachee.", COACH, COACHEE, dt.date(2026, 6, 1), "4.5", None]]
    assignments = [ASSIGNMENTS_HEADER, ["reps-coaching", COACHEE, COACH, "week of 3/2", None, "Compelted", None, None]]

    typed, findings = read_and_validate(tmp_path, {"log.xlsx": {"Log": log}, "feedback.xlsx": {"Feedback": feedback},
                                                   "pairs.xlsx": {"Pairs": assignments}})

    fixes = {(f.sheet, f.cell): f.fix for f in findings}
    assert fixes[("Log", "D2")] == ("Type one of: In Person, Phone, Email. 'In Peson' looks like In Person: "
                                    "if that is what was meant, type In Person.")
    assert fixes[("Log", "D6")] == "Type one of: In Person, Phone, Email."
    assert fixes[("Log", "C3")].startswith("Type the date alone, such as 3/5/2026 or 2026-03-05")
    assert fixes[("Log", "C3")].endswith("Here: type 3/5/2026 alone, if that is what was meant.")
    assert "Leave the cell blank" not in fixes[("Log", "C3")]  # a log entry's date is required
    assert fixes[("Log", "E4")].startswith("Type only the time spent: hours (1.5), hours and minutes (1:30) or minutes")
    assert fixes[("Log", "E4")].endswith("Here: type 1.5 alone, if that is what was meant.")
    assert "Here:" not in fixes[("Log", "E5")]
    assert "'Coachee.' looks like Coachee" in fixes[("Feedback", "B2")]
    assert fixes[("Feedback", "F2")] == "Type a whole number from 1 to 5."  # a confidential rating: nothing quoted
    assert "'Compelted' looks like Completed" in fixes[("Pairs", "F2")]
    assert fixes[("Pairs", "D2")].startswith("Type the date alone") and "Leave the cell blank if there is no date yet." in fixes[("Pairs", "D2")]
    assert typed["coach_log"].empty and typed["feedback"].empty and typed["assignments"].empty  # nothing guessed


def test_many_cells_sharing_a_few_bad_values_are_each_told_what_one_such_cell_alone_is_told(tmp_path):
    """What a bad cell is told is worked out once per distinct value of its column: each cell still gets
    its own value's message and suggestion (TRUE and 1 in a choice column are not one value), and its
    own row's IDs and place."""
    header = ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"]
    kinds = [("3/5/2026 (make-up)", "In Peson", 1), ("Friday 3/5/2026", "Emial", "1.5?"),
             (dt.date(2026, 3, 2), True, 1), (60, 1, "1,500")]
    rows = [[str(300001 + k), COACH, *kinds[k % len(kinds)], ""] for k in range(12)]

    _, findings = read_and_validate(tmp_path, {"log.xlsx": {"Log": [header, *rows]}})

    said = {(f.cell, f.candidate_id): (f.rule, f.message, f.fix) for f in findings}
    assert len(said) == len(findings) == 27
    for k, row in enumerate(rows[: len(kinds)]):
        _, alone = read_and_validate(tmp_path, {f"alone {k}.xlsx": {"Log": [header, row]}})
        for f in alone:
            for repeat in range(k, len(rows), len(kinds)):  # the same values, three rows apart
                assert said[(f"{f.cell[0]}{repeat + 2}", str(300001 + repeat))] == (f.rule, f.message, f.fix)
    assert said[("D4", "300003")][1] == "Type of Contact 'True' is not one of: In Person, Phone, Email"
    assert said[("D5", "300004")][1] == "Type of Contact '1' is not one of: In Person, Phone, Email"
    assert said[("D7", "300006")][2].endswith("'Emial' looks like Email: if that is what was meant, type Email.")


def test_many_different_bad_texts_in_one_column_are_each_told_what_it_alone_is_told(tmp_path):
    """A log whose Date and Duration cells hold notes, each different (`3 hrs?`, `TBD - ask Kim`, `see
    email 4/2`): why each is not a date or a duration, and the value it holds without its note, are
    worked out for the column's texts together; each cell is still told what its text alone is told."""
    header = ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"]
    dates = ["3/5/2026 (make-up)", "Tue 4/6/2026", "13/2/2026", "Tue 13/2/2026", "5/8", "13/13", "see email 4/2",
             "TBD - ask Kim", "March 2026", "Monday, April 6, 2026 (held)"]
    durations = ["3 hrs?", "about 2h with prep", "1,500 min", "~1.5", "90 min (approx)", "TBD", "2-3 hrs", "1:75?",
                 "PT1H30M?", "1 hr (prep) 30 min"]
    rows = [[COACHEE, COACH, date, "Phone", duration, ""] for date, duration in zip(dates, durations)]

    _, findings = read_and_validate(tmp_path, {"log.xlsx": {"Log": [header, *rows]}})

    said = {f.cell: (f.rule, f.message, f.fix) for f in findings}
    assert len(said) == len(findings) == 2 * len(rows)
    for k, row in enumerate(rows):
        _, alone = read_and_validate(tmp_path, {f"alone {k}.xlsx": {"Log": [header, row]}})
        assert {f"{f.cell[0]}{k + 2}": (f.rule, f.message, f.fix) for f in alone} == {
            cell: told for cell, told in said.items() if cell[1:] == str(k + 2)}
    assert said["C4"][1].startswith("Date '13/2/2026' is not a date (dates are read month first; day first it is 2026-02-13")
    assert said["C6"][1] == "Date '5/8' is not a date (it has no year: type it with its year, such as 5/8/2026)"
    assert said["C3"][1] == "Date 'Tue 4/6/2026' is not a date (2026-04-06 is a Monday)"
    assert said["C2"][2].endswith("Here: type 3/5/2026 alone, if that is what was meant.")
    assert said["E2"][2].endswith("Here: type 3 hrs alone, if that is what was meant.")
    assert said["E6"][2].endswith("Here: type 90 min alone, if that is what was meant.")
    assert "Here:" not in said["E3"][2] and "Here:" not in said["C9"][2]


def test_a_grade_typed_with_its_word_is_told_the_number_to_type(tmp_path):
    rows = roster_rows([{"employee_id": "100", "name": "Grace Kim", "grade": "Grade 22"},
                        {"employee_id": "101", "name": "Ann Lee", "grade": "22-23"}], columns=["employee_id", "name", "grade"])
    _, findings = read_and_validate(tmp_path, {"roster.xlsx": {"Roster": rows}})
    fixes = {f.cell: f.fix for f in sorted(findings, key=sort_key)}
    assert fixes == {"C2": "Type the number alone, such as 22 (not Grade 22, G22 or a range). Here: type 22 alone, if that is what was meant.",
                     "C3": "Type the number alone, such as 22 (not Grade 22, G22 or a range)."}
