"""`coaching-batch templates DIR`: blank workbooks built from the table contracts, which a
coordinator fills in and the run then reads without a single finding about their format."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from coaching_batch.cli import main
from coaching_batch.contracts import tables
from coaching_batch.policy import preset_names
from coaching_batch.read import read_workbook
from coaching_batch.settings import EXAMPLE_ROW_MARKER, INSTRUCTIONS_SHEET
from coaching_batch.validate import validate
from workbooks import roster_rows, write_workbook

FORMAT_RULES = ("SHEET-", "CELL-", "FILE-", "ID-DUPLICATE")
MIN_VALIDATED_ROWS = 1_000
FIRST_DATA_ROW = 3  # header in row 1, the example in row 2


def cli(*args: str) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    return exit_.value.code


@pytest.fixture(scope="module")
def template_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("templates") / "new" / "folder"  # created by the command
    assert cli("templates", str(directory)) == 0
    return directory


def table_sheet(template_dir: Path, name: str):
    table = tables()[name]
    workbook = openpyxl.load_workbook(template_dir / f"{name}.xlsx")
    return workbook, workbook[table.title], table


def column_format(sheet, letter: str) -> str:
    """The number format of a whole column (Excel may store neighbouring columns as one range)."""
    index = column_index_from_string(letter)
    for dimension in sheet.column_dimensions.values():
        if dimension.min is not None and dimension.min <= index <= dimension.max:
            return dimension.number_format
    return "General"


def instructions_text(workbook) -> str:
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True))


def validations_by_column(sheet) -> dict[str, object]:
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in str(validation.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(cell_range)
            for col in range(min_col, max_col + 1):
                found[get_column_letter(col)] = (validation, min_row, max_row)
    return found


# ------------------------------------------------------------------------------ what is written


def test_templates_writes_one_workbook_per_table_and_the_certificate_template_into_a_new_folder(template_dir):
    assert sorted(p.name for p in template_dir.iterdir()) == sorted([f"{name}.xlsx" for name in tables()] + ["certificate-template.txt"])


@pytest.mark.parametrize("name", list(tables()))
def test_header_row_holds_each_columns_first_accepted_header_and_is_frozen(template_dir, name):
    workbook, sheet, table = table_sheet(template_dir, name)
    assert workbook.sheetnames == [table.title, INSTRUCTIONS_SHEET]
    assert [cell.value for cell in sheet[1]] == [column.headers[0] for column in table.columns]
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize("name", list(tables()))
def test_every_enumeration_has_a_dropdown_of_the_contracts_values_over_at_least_1000_rows(template_dir, name):
    _, sheet, table = table_sheet(template_dir, name)
    validations = validations_by_column(sheet)
    for position, column in enumerate(table.columns):
        if column.type not in ("enum", "yesno"):
            continue
        validation, first, last = validations[get_column_letter(position + 1)]
        allowed = column.values if column.type == "enum" else ("Yes", "No")
        assert validation.type == "list", column.name
        assert validation.formula1.strip('"').split(",") == list(allowed), column.name
        assert first <= FIRST_DATA_ROW and last - FIRST_DATA_ROW + 1 >= MIN_VALIDATED_ROWS, column.name


@pytest.mark.parametrize("name", list(tables()))
def test_every_column_has_an_input_message_saying_what_to_type(template_dir, name):
    _, sheet, table = table_sheet(template_dir, name)
    validations = validations_by_column(sheet)
    for position, column in enumerate(table.columns):
        validation, first, last = validations[get_column_letter(position + 1)]
        assert validation.showInputMessage and validation.promptTitle == column.headers[0][:32]
        assert 0 < len(validation.prompt) <= 255
        assert validation.prompt.startswith("Required.") == table.needed_in_rows(column), column.name
        assert last - FIRST_DATA_ROW + 1 >= MIN_VALIDATED_ROWS


@pytest.mark.parametrize("name", ["coach_log", "candidate_log"])
def test_a_logs_candidate_and_coach_id_are_marked_required_as_the_run_treats_them(template_dir, name, tmp_path):
    """The template names no pair above its table, so an entry without its Candidate ID or Coach ID is
    CELL-REQUIRED and not counted: the template says so (they were light-blue optional columns)."""
    workbook, sheet, table = table_sheet(template_dir, name)
    validations = validations_by_column(sheet)
    dark = sheet[f"{header_letter(sheet, 'Date')}1"].fill.fgColor.rgb
    rows = {row[0]: row[1] for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row[0]}
    for header in ("Candidate ID", "Coach ID"):
        letter = header_letter(sheet, header)
        assert sheet[f"{letter}1"].fill.fgColor.rgb == dark
        assert validations[letter][0].prompt.startswith("Required.")
        assert rows[header] == "Yes"

    position = {cell.value: cell.column for cell in sheet[1]}
    entry = {"Date": dt.datetime(2026, 5, 4), "Duration": 1.5, "Type of Contact": "Phone", "Activity Type": "Independent"}
    for field, value in entry.items():
        if field in position:
            sheet.cell(FIRST_DATA_ROW, position[field], value)
    sheet.cell(FIRST_DATA_ROW, position["Coach ID"], COACH)  # no Candidate ID
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook.save(inbox / f"{name}.xlsx")
    findings = [(f["rule"], f["cell"]) for f in run_inbox(inbox, tmp_path)["exceptions"]]
    assert ("CELL-REQUIRED", f"{header_letter(sheet, 'Candidate ID')}{FIRST_DATA_ROW}") in findings


@pytest.mark.parametrize("name", list(tables()))
def test_no_note_says_the_same_thing_twice(template_dir, name):
    """The roster's Employee ID read 'An employee ID number, exactly as in HR records. The employee's ID
    number, exactly as in HR records.', its Grade 'A whole number, e.g. 23. Current grade (band) as a
    whole number, e.g. 23.'"""
    workbook, _, _ = table_sheet(template_dir, name)
    for (note,) in workbook[INSTRUCTIONS_SHEET].iter_rows(min_col=3, max_col=3, values_only=True):
        for phrase in ("as in hr records", "whole number", "e.g. 23"):
            assert str(note or "").casefold().count(phrase) <= 1, note


@pytest.mark.parametrize("name", ["recommendations", "feedback"])
def test_ratings_are_limited_to_whole_numbers_from_1_to_5(template_dir, name):
    _, sheet, table = table_sheet(template_dir, name)
    validations = validations_by_column(sheet)
    ratings = [i for i, column in enumerate(table.columns) if column.type == "rating"]
    assert ratings
    for position in ratings:
        validation, _, _ = validations[get_column_letter(position + 1)]
        assert validation.operator in (None, "between")  # Excel leaves out its default, "between"
        assert (validation.type, validation.formula1, validation.formula2) == ("whole", "1", "5")


def header_letter(sheet, header: str) -> str:
    return get_column_letter([cell.value for cell in sheet[1]].index(header) + 1)


@pytest.mark.parametrize(
    "name, header, allowed",
    [
        ("feedback", "Role", ["Coach", "Coachee"]),
        ("milestones", "Phase", ["Agreement", "Agreement Review", "Orientation", "Relationship", "Goals", "Ongoing Support"]),
    ],
)
def test_feedback_role_and_milestone_phase_are_dropdowns_that_take_nothing_else(template_dir, name, header, allowed):
    workbook, sheet, _ = table_sheet(template_dir, name)
    letter = header_letter(sheet, header)
    validation, first, last = validations_by_column(sheet)[letter]
    assert validation.type == "list" and validation.formula1.strip('"').split(",") == allowed
    assert validation.errorStyle in (None, "stop")  # Excel's default: a value not in the list is refused
    assert first <= FIRST_DATA_ROW and last - FIRST_DATA_ROW + 1 >= MIN_VALIDATED_ROWS
    assert sheet[f"{letter}2"].value == allowed[0]
    assert all(value in instructions_text(workbook) for value in allowed)


def test_the_program_column_offers_the_presets_and_still_takes_another_program(template_dir):
    workbook, sheet, _ = table_sheet(template_dir, "assignments")
    letter = header_letter(sheet, "Program")
    validation, first, last = validations_by_column(sheet)[letter]
    assert {"itss-coaching", "support-mentoring", "reps-coaching", "job-embedded"} <= set(preset_names())
    assert validation.type == "list" and validation.formula1.strip('"').split(",") == preset_names()
    assert validation.errorStyle == "warning"  # Excel asks, and keeps the value when told Yes
    assert "another program" in validation.error
    assert first <= FIRST_DATA_ROW and last - FIRST_DATA_ROW + 1 >= MIN_VALIDATED_ROWS
    text = instructions_text(workbook)
    assert all(name in text for name in preset_names()) and "or title" in text


def test_assignments_show_agreement_date_and_extended_until_as_date_columns(template_dir):
    _, sheet, _ = table_sheet(template_dir, "assignments")
    validations = validations_by_column(sheet)
    for header in ("Agreement Date", "Extended Until"):
        letter = header_letter(sheet, header)
        assert column_format(sheet, letter) == "yyyy-mm-dd" and sheet[f"{letter}2"].is_date
        assert validations[letter][0].prompt.startswith("A date")


@pytest.mark.parametrize("name", ["recommendations", "feedback"])
def test_feedback_like_recommendations_is_marked_confidential(template_dir, name):
    workbook, _, table = table_sheet(template_dir, name)
    text = instructions_text(workbook)
    assert table.confidential
    assert "CONFIDENTIAL: nothing typed here is copied into any output" in text
    assert "Share this file with no one" in text


@pytest.mark.parametrize("name", list(tables()))
def test_dates_durations_and_ids_have_their_formats(template_dir, name):
    _, sheet, table = table_sheet(template_dir, name)
    # IDs as text; durations General, so that a typed 1:30 stays a time (0.00 would show it as 0.06 and
    # keep 0.0625 of a day, read as 0.06 hours)
    expected = {"date": "yyyy-mm-dd", "duration": "General", "id": "@"}
    for position, column in enumerate(table.columns):
        letter = get_column_letter(position + 1)
        if column.type in expected:
            # The whole column carries the format (a typed cell gets it), and so does the example.
            assert column_format(sheet, letter) == expected[column.type], column.name
            assert sheet[f"{letter}2"].number_format == expected[column.type], column.name


@pytest.mark.parametrize("name", list(tables()))
def test_instructions_sheet_explains_every_column_and_the_example_row(template_dir, name):
    workbook, _, table = table_sheet(template_dir, name)
    text = instructions_text(workbook)
    assert table.description in text
    assert f"first cell reads {EXAMPLE_ROW_MARKER}" in text and "ignored by the run" in text
    for column in table.columns:
        assert column.headers[0] in text
        for value in column.values:
            assert value in text
    assert ("CONFIDENTIAL" in text) == table.confidential


def test_instructions_give_the_command_for_either_way_of_installing(template_dir):
    """`make demo` installs no `coaching-batch` on the PATH: its command is .venv/bin/coaching-batch."""
    text = instructions_text(table_sheet(template_dir, "coach_log")[0])
    assert "run: coaching-batch run INBOX (installed with pip install .)" in text
    assert "after make demo, in the project's folder: .venv/bin/coaching-batch run INBOX" in text
    assert "on Windows .venv\\Scripts\\coaching-batch.exe run INBOX" in text


# ------------------------------------------------------------------------------- the example row


@pytest.mark.parametrize("name", list(tables()))
def test_the_example_row_is_recognised_and_gives_no_data(template_dir, name):
    _, sheet, table = table_sheet(template_dir, name)
    assert sheet["A2"].value == EXAMPLE_ROW_MARKER
    assert all(cell.value is not None for cell in sheet[2])  # it shows a value for every column
    read = read_workbook(str(template_dir / f"{name}.xlsx"), f"{name}.xlsx")
    assert not read.error
    data_sheet = next(s for s in read.sheets if s.name == table.title)
    assert data_sheet.table == name and data_sheet.frame is not None and data_sheet.frame.empty


def test_a_row_starting_with_example_is_skipped_but_the_rows_around_it_are_read(tmp_path):
    path = write_workbook(tmp_path / "roster.xlsx", {"Roster": roster_rows([
        {"employee_id": "100", "name": "Ann Lee", "grade": 20},
        {"employee_id": "Example", "name": "Jane Example", "grade": 23},
        {"employee_id": "101", "name": "Bo Chan", "grade": 21},
    ])})
    frame = read_workbook(str(path), "roster.xlsx").sheets[0].frame
    assert list(frame["employee_id"]) == ["100", "101"]
    assert list(frame.index) == [2, 4]  # true sheet rows kept


def test_blank_templates_run_with_no_findings_at_all(template_dir, tmp_path):
    run = run_inbox(template_dir, tmp_path)
    assert run["exceptions"] == []
    assert all(sheet["rows"] == 0 for entry in run["inputs"] for sheet in entry["sheets"])


# ------------------------------------------------------------------------- refusing to overwrite


def test_existing_workbooks_are_refused_and_left_untouched_without_force(tmp_path, capsys):
    directory = tmp_path / "inbox"
    directory.mkdir()
    coordinators = directory / "coach_log.xlsx"
    coordinators.write_bytes(b"the coordinator's own log")
    assert cli("templates", str(directory)) == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: coach_log.xlsx already exists") and "--force" in error
    assert coordinators.read_bytes() == b"the coordinator's own log"
    assert [p.name for p in directory.iterdir()] == ["coach_log.xlsx"]  # nothing half-written


def test_a_disk_that_fills_leaves_no_template_and_one_error_line(tmp_path):
    """On a disk with room for a few templates only: one Error: line (a traceback from the half-saved
    workbook's zip followed it), and none of the set is left, so trying again once there is room is
    not refused as "already exists"."""
    directory = tmp_path / "disk"
    directory.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40k", "tmpfs", str(directory)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (not root?)")
    try:
        failed = subprocess.run([sys.executable, "-m", "coaching_batch", "templates", str(directory / "templates")],
                                capture_output=True, text=True, timeout=120)
        assert (failed.returncode, failed.stderr) == (
            2, f"Error: cannot write the templates in {directory / 'templates'}: No space left on device\n")
        assert list((directory / "templates").iterdir()) == []
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def test_a_read_only_folder_is_one_error_line_and_leaves_it_as_it_was(tmp_path, capsys):
    """A folder on a read-only disk (a mounted share, a locked USB stick): one Error: line, status 2
    (tidying up the set it could not write raised 'Read-only file system' again, with a traceback)."""
    directory = tmp_path / "share"
    directory.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=40k", "tmpfs", str(directory)], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here (not root?)")
    try:
        for target in (directory, directory / "templates"):
            assert (cli("templates", str(target)), capsys.readouterr().err) == (
                2, f"Error: cannot write the templates in {target}: Read-only file system\n")
        assert list(directory.iterdir()) == []
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def test_a_folder_under_a_file_names_the_file(tmp_path, capsys):
    """DIR under a file (a typo, a file where the folder was meant): the file is named, nothing is
    written (it was a NotADirectoryError traceback)."""
    notes = tmp_path / "notes.txt"
    notes.write_text("the coordinator's notes")
    assert cli("templates", str(notes / "templates")) == 2
    assert capsys.readouterr().err.strip() == (
        f"Error: {notes} is a file, not a folder: the templates cannot be written in {notes / 'templates'}")
    assert notes.read_text() == "the coordinator's notes" and [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_folder_that_cannot_be_looked_into_is_one_error_line(tmp_path):
    """A folder under one the user may not open (another staff member's, mode 000): one Error: line,
    status 2 (looking for templates already there was a PermissionError traceback)."""
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    command = [sys.executable, "-m", "coaching_batch", "templates", str(locked / "templates")]
    if os.geteuid() == 0:  # root opens any folder: run without that power, as a staff member would
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--inh-caps=-all", *command]
    try:
        failed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        locked.chmod(0o755)
    assert (failed.returncode, failed.stderr) == (
        2, f"Error: cannot write the templates in {locked / 'templates'}: Permission denied\n")
    assert list(locked.iterdir()) == []


def test_force_replaces_existing_workbooks_and_says_which(tmp_path, capsys):
    """A coordinator's filled roster replaced by --force is named as replaced, not as merely written."""
    directory = tmp_path / "inbox"
    assert cli("templates", str(directory)) == 0
    (directory / "employees.xlsx").write_bytes(b"old")
    (directory / "coach_log.xlsx").unlink()
    capsys.readouterr()
    assert cli("templates", str(directory), "--force") == 0
    out = capsys.readouterr().out
    assert f"Replaced {directory / 'employees.xlsx'} with a blank template (--force)" in out
    assert f"Wrote {directory / 'coach_log.xlsx'}" in out and f"Wrote {directory / 'employees.xlsx'}" not in out
    assert openpyxl.load_workbook(directory / "employees.xlsx").sheetnames == ["Employees", INSTRUCTIONS_SHEET]
    assert not [p for p in directory.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_force_keeps_the_coordinators_edited_certificate_template_and_says_so(tmp_path, capsys):
    directory = tmp_path / "forms"
    assert cli("templates", str(directory)) == 0
    wording = directory / "certificate-template.txt"
    edited = wording.read_bytes().replace(b"Certificate of Completion", b"Certificate of Achievement")
    wording.write_bytes(edited)
    capsys.readouterr()
    assert cli("templates", str(directory), "--force") == 0
    assert wording.read_bytes() == edited
    out = capsys.readouterr().out
    assert f"Kept {wording}: the certificates' wording already there is not replaced" in out
    assert f"Wrote {wording}" not in out and f"Replaced {directory / 'employees.xlsx'}" in out


def test_a_file_in_place_of_the_folder_is_a_usage_error(tmp_path, capsys):
    not_a_folder = tmp_path / "templates"
    not_a_folder.write_text("x")
    assert cli("templates", str(not_a_folder)) == 2
    assert capsys.readouterr().err.strip() == (
        f"Error: {not_a_folder} exists and is not a folder: name a folder for the templates")
    assert not_a_folder.read_text() == "x"


# ---------------------------------------------------------------- filled in, then run for real

COACH, CANDIDATE = "200001", "300001"
PLANNING = dt.date(2026, 2, 2)

PROGRAM = {
    "employees": [
        {"employee_id": COACH, "name": "Grace Kim", "email": "grace.kim@example.org", "job_title": "Senior Analyst",
         "grade": 25, "hire_date": dt.date(2015, 1, 5), "position_start_date": dt.date(2019, 7, 1),
         "employment_status": "Permanent", "pgs_status": "Meeting", "evaluation_status": "Standard",
         "coach_training_date": dt.date(2025, 6, 1), "location": "Central Office"},
        {"employee_id": CANDIDATE, "name": "Ryan Patel", "job_title": "Analyst", "grade": 22,
         "hire_date": dt.date(2021, 3, 1), "supervisor_id": "200009", "employment_status": "Permanent",
         "pgs_status": "Meeting", "evaluation_status": "Standard"},
    ],
    "recommendations": [
        {"prospective_coach_id": COACH, "reference_name": reference, "relationship": relationship,
         "rating_people": 5, "rating_job_skills": 4, "rating_model_explain": 4, "rating_communication": 5,
         "rating_time_management": 4, "overall": "Highly recommended", "date": dt.date(2025, 5, 10)}
        for reference, relationship in (("Dana Ortiz", "Supervisor"), ("Lee Wong", "Colleague"), ("Sam Reid", "Colleague"))
    ],
    "requests": [
        {"employee_id": CANDIDATE, "employee_name": "Ryan Patel", "request_date": dt.date(2026, 1, 10),
         "current_job_level": "Analyst, grade 22", "target_grade": 24, "enrollment_form_date": dt.date(2026, 1, 5),
         "supervisor_name": "Dana Ortiz"},
    ],
    "assignments": [
        {"program": "itss-coaching", "candidate_id": CANDIDATE, "coach_id": COACH, "assigned_date": dt.date(2026, 1, 15),
         "planning_meeting_date": PLANNING, "target_grade": 24, "goal_1": "Lead a project review",
         "goals_attained": "Yes", "status": "Completed", "completion_date": dt.date(2026, 6, 15),
         "payment_request_date": dt.date(2026, 6, 20), "agreement_date": dt.date(2026, 1, 20),
         "extended_until": dt.date(2027, 3, 31)},
    ],
    "coach_log": [
        {"candidate_id": CANDIDATE, "coach_id": COACH, "date": PLANNING + dt.timedelta(weeks=week + 1),
         "contact_type": ("In Person", "Phone", "Email")[week % 3], "duration": 1.25, "description": f"Session {week + 1}"}
        for week in range(12)
    ],
    "candidate_log": [
        {"candidate_id": CANDIDATE, "coach_id": COACH, "date": PLANNING + dt.timedelta(days=5 * day + 1),
         "duration": 2.5, "activity_type": ("Coach Meeting", "Independent")[day % 2], "description": f"Activity {day + 1}"}
        for day in range(20)
    ],
    "feedback": [
        {"employee_id": employee, "role": role, "coach_id": COACH, "candidate_id": CANDIDATE,
         "feedback_date": dt.date(2026, 6, 30), "rating": 5, "comments": "Helpful and well organised"}
        for employee, role in ((COACH, "Coach"), (CANDIDATE, "Coachee"))
    ],
    "milestones": [
        {"candidate_id": CANDIDATE, "coach_id": COACH, "phase": phase, "date": PLANNING + dt.timedelta(weeks=week),
         "campus": "Central Office", "notes": f"{phase} reached"}
        for week, phase in enumerate(("Agreement", "Orientation", "Relationship", "Goals", "Ongoing Support", "Agreement Review"))
    ],
}


def fill_in(directory: Path) -> None:
    """Type the program into the templates with openpyxl, below the example row, as a coordinator would."""
    for name, records in PROGRAM.items():
        workbook, sheet, table = table_sheet(directory, name)
        position = {cell.value: cell.column for cell in sheet[1]}
        for offset, record in enumerate(records):
            for column_name, value in record.items():
                sheet.cell(FIRST_DATA_ROW + offset, position[table.column(column_name).headers[0]], value)
        workbook.save(directory / f"{name}.xlsx")


def run_inbox(inbox: Path, tmp_path: Path) -> dict:
    out = tmp_path / "out"
    # A dry run: these tests are about reading the templates, not about where the ledger's sheets are kept.
    assert cli("run", str(inbox), "--as-of", "2026-09-01", "--out", str(out), "--state", str(tmp_path / "state"),
               "--dry-run") == 0
    return json.loads((out / "run.json").read_text(encoding="utf-8"))


def test_templates_filled_in_are_read_and_validated_with_no_finding_at_all(tmp_path):
    inbox = tmp_path / "inbox"
    assert cli("templates", str(inbox)) == 0
    fill_in(inbox)

    sheets_by_table = {}
    for path in sorted(inbox.glob("*.xlsx")):  # the certificate template beside them is no workbook
        workbook = read_workbook(str(path), path.name)
        assert not workbook.error
        for sheet in workbook.sheets:
            if sheet.name == INSTRUCTIONS_SHEET:
                assert sheet.table is None
                continue
            assert (sheet.table, sheet.missing) == (path.stem, [])
            sheets_by_table.setdefault(sheet.table, []).append((path.name, sheet))
    typed, findings = validate(sheets_by_table)

    assert [f"{f.rule} {f.file} {f.cell}: {f.message}" for f in findings] == []
    assert {name: len(typed[name]) for name in PROGRAM} == {name: len(records) for name, records in PROGRAM.items()}
    assignment = typed["assignments"].iloc[0]
    assert (assignment["program"], assignment["agreement_date"], assignment["extended_until"]) == (
        "itss-coaching", pd.Timestamp("2026-01-20"), pd.Timestamp("2027-03-31"))
    assert list(typed["feedback"]["role"]) == ["Coach", "Coachee"]
    assert list(typed["milestones"]["phase"]) == [m["phase"] for m in PROGRAM["milestones"]]
    roster = typed["employees"].set_index("employee_id")
    assert roster.at[CANDIDATE, "supervisor_id"] == "200009"
    assert roster.at[COACH, "position_start_date"] == pd.Timestamp("2019-07-01")


def test_templates_filled_in_run_with_no_findings_about_their_format(tmp_path):
    inbox = tmp_path / "inbox"
    assert cli("templates", str(inbox)) == 0
    fill_in(inbox)

    run = run_inbox(inbox, tmp_path)

    about_format = [f"{f['rule']}: {f['message']}" for f in run["exceptions"] if f["rule"].startswith(FORMAT_RULES)]
    assert about_format == []
    rows = {sheet["table"]: sheet["rows"] for entry in run["inputs"] for sheet in entry["sheets"] if sheet["table"]}
    assert rows == {name: len(records) for name, records in PROGRAM.items()}  # every typed row, not the example
    (pair,) = run["pairs"]
    assert (pair["candidate_id"], pair["coach_id"]) == (CANDIDATE, COACH)
    assert (pair["candidate_hours"], pair["coach_contact_hours"]) == (50, 15)
    assert pair["completion_eligible"]  # the templates hold every column the rules need


def test_a_pair_typed_over_the_example_row_does_not_keep_its_example_dates(tmp_path):
    """A coordinator types the pair over the grey example row but not its Completion Date and Payment
    Request Date: the example's 2026-03-02 left there is no signed Request for Payment. Each left cell
    is named where it is, and said not to be used."""
    inbox = tmp_path / "inbox"
    assert cli("templates", str(inbox)) == 0
    fill_in(inbox)
    workbook, sheet, table = table_sheet(inbox, "assignments")
    position = {cell.value: cell.column for cell in sheet[1]}
    pair = sheet[FIRST_DATA_ROW]
    for cell in pair:  # the pair moved up over the example row, two of the example's dates left
        if cell.column not in (position["Completion Date"], position["Payment Request Date"]):
            sheet.cell(FIRST_DATA_ROW - 1, cell.column, cell.value)
        cell.value = None
    workbook.save(inbox / "assignments.xlsx")

    run = run_inbox(inbox, tmp_path)

    (pair,) = run["pairs"]
    assert (pair["candidate_id"], pair["completion_date"], pair["payment_eligible"]) == (CANDIDATE, None, False)
    assert run["payments"] == []
    left = {(f["severity"], f["sheet"], f["cell"], f["candidate_id"], f["coach_id"])
            for f in run["exceptions"] if f["rule"] == "CELL-EXAMPLE"}
    # the two dates, Goal 2 and Goal 3 (blank in the pair typed, so the example's 'any text'), and the
    # pair's own Goals Attained Yes, as the example's: not taken on trust while the row is the example's
    assert left == {("warning", table.title, cell, CANDIDATE, COACH) for cell in ("H2", "I2", "J2", "L2", "M2")}
    results = openpyxl.load_workbook(tmp_path / "out" / "results.xlsx")["Exceptions"]
    messages = [row for row in results.iter_rows(values_only=True) if "CELL-EXAMPLE" in row]
    assert "Payment Request Date still holds the example's 2026-03-02: it was not used (read as blank)" in str(messages)

    # the coordinator types the pair's own dates and clears the example's goals: the row is the pair's
    workbook, sheet, _ = table_sheet(inbox, "assignments")
    sheet.cell(2, position["Goal 2"]).value = sheet.cell(2, position["Goal 3"]).value = None
    sheet.cell(2, position["Completion Date"], dt.date(2026, 6, 15))
    sheet.cell(2, position["Payment Request Date"], dt.date(2026, 6, 20))
    workbook.save(inbox / "assignments.xlsx")
    shutil.rmtree(tmp_path / "out")

    run = run_inbox(inbox, tmp_path)

    assert [f["cell"] for f in run["exceptions"] if f["rule"] == "CELL-EXAMPLE"] == []
    (pair,) = run["pairs"]
    assert (pair["completion_date"], pair["completion_eligible"], pair["payment_eligible"]) == ("2026-06-15", True, True)
