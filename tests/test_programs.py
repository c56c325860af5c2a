"""The three new programs (SPEC §2a) on small typed tables, several programs in one inbox, policy files
and tiered stipends: a passing and a failing case per rule, at the boundary the spec states."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from conftest import typed_tables
from coaching_batch import values
from coaching_batch.cli import main
from coaching_batch.contracts import tables as contracts
from coaching_batch.errors import UsageError
from coaching_batch.pipeline import RunOptions, run_batch
from coaching_batch.policy import Programs, load_policy, policy_from_toml
from coaching_batch.reports.exceptions import finding_key
from coaching_batch.rules.evaluate import evaluate
from workbooks import assignment_rows, roster_rows, run_command, table_rows, write_workbook

AS_OF = pd.Timestamp("2026-11-20")
COMMAND = Path(sys.executable).parent / "coaching-batch"
PRESETS = Path(__file__).resolve().parent.parent / "coaching_batch" / "programs"


# --- helpers -----------------------------------------------------------------------------------

def day(when, days: int = 0) -> str:
    """``when`` moved by ``days``, as 'YYYY-MM-DD'."""
    return (pd.Timestamp(when) + pd.Timedelta(days=days)).strftime("%Y-%m-%d")


def cell(table: str, column: str, row: int) -> str:
    """The A1 reference typed_tables gives ``column`` of data row ``row`` (1 = the first row under the header)."""
    position = [c.name for c in contracts()[table].columns].index(column)
    return f"{values.column_letter(position)}{row + 1}"


def evaluate_with(program, as_of=AS_OF, **rows):
    policy = load_policy(program) if isinstance(program, str) else program
    return evaluate(typed_tables(**rows), policy, pd.Timestamp(as_of))


def found(evaluation, rule=None):
    """The findings of ``rule`` (every rule code when None)."""
    if rule is None:
        return [f.rule for f in evaluation.findings]
    return [f for f in evaluation.findings if f.rule == rule]


def pair_of(evaluation, candidate="200"):
    rows = evaluation.pairs[evaluation.pairs["candidate_id"] == candidate]
    assert len(rows) == 1
    return rows.iloc[0]


def reasons(pair) -> str:
    value = pair["reasons"]
    return "; ".join(value) if isinstance(value, (list, tuple)) else str(value)


def names_month(message: str, year: int, month: int) -> bool:
    stamp = pd.Timestamp(year=year, month=month, day=1)
    return any(text in message for text in (stamp.strftime("%Y-%m"), stamp.strftime("%B %Y"), stamp.strftime("%b %Y")))


def coach_entry(date, minutes=60, candidate="200", coach="100", contact="In Person", description=None):
    return {"candidate_id": candidate, "coach_id": coach, "date": date, "contact_type": contact, "duration": minutes,
            "description": description or f"meeting {date} {candidate}"}


# --- support-mentoring -------------------------------------------------------------------------

MENTORING = "support-mentoring"
AGREEMENT = "2026-01-15"


def mentoring_roster(mentor=None, mentee=None):
    return [
        {"employee_id": "100", "name": "Morgan Mentor", "grade": 20, "hire_date": "2015-03-01",
         "position_start_date": "2020-03-01", "supervisor_id": "9000", "employment_status": "Permanent",
         **(mentor or {})},
        {"employee_id": "200", "name": "Mia Mentee", "grade": 15, "hire_date": "2024-05-01", "supervisor_id": "9000",
         "employment_status": "Permanent", "evaluation_status": "Standard", **(mentee or {})},
        {"employee_id": "9000", "name": "Sam Supervisor", "grade": 30, "hire_date": "2005-01-01"},
    ]


def mentoring_pair(agreement=AGREEMENT, status="Active", completion=None, candidate="200", coach="100", **extra):
    return {"candidate_id": candidate, "coach_id": coach, "assigned_date": "2026-01-05", "agreement_date": agreement,
            "status": status, "completion_date": completion, **extra}


def monthly_meetings(first="2026-02", last="2026-10", minutes=60, candidate="200", coach="100", skip=()):
    """One meeting on the 20th of every month from ``first`` to ``last`` (months in ``skip`` left out)."""
    months = pd.period_range(first, last, freq="M")
    return [coach_entry(f"{m}-20", minutes, candidate, coach) for m in months if str(m) not in skip]


def mentoring(roster=None, pairs=None, log=None, as_of=AS_OF, program=MENTORING):
    return evaluate_with(
        program, as_of,
        employees=mentoring_roster() if roster is None else roster,
        assignments=[mentoring_pair()] if pairs is None else pairs,
        coach_log=monthly_meetings() if log is None else log,
    )


def completed_mentoring_pair(**extra):
    return mentoring_pair(status="Completed", completion="2026-10-30", **extra)


def test_mentoring_pair_with_eligible_people_and_a_meeting_every_month_has_no_findings():
    result = mentoring()
    pair = pair_of(result)
    assert found(result) == []
    assert pair["program"] == MENTORING
    assert pair["coach_contact_hours"] == 9.00
    assert not pair["completion_eligible"]  # Active, the 12 months not reached yet
    assert not pair["payment_eligible"]


def test_mentoring_ignores_the_itss_rules_about_recommendations_requests_and_planning_meetings():
    result = mentoring(pairs=[completed_mentoring_pair()])
    itss_only = {"COACH-NOT-QUALIFIED", "COACH-CONCURRENT", "CANDIDATE-NOT-ENROLLED", "CANDIDATE-REPEAT",
                 "PAIR-NOT-STARTED", "PAIR-INACTIVE", "PAIR-AT-RISK", "PAIR-OVERDUE", "PAIR-TOO-SHORT",
                 "COMPLETION-HOURS-SHORT", "PAYMENT-CONTACT-SHORT", "PAYMENT-NOT-COMPLETE"}
    assert itss_only.isdisjoint(found(result))
    assert pair_of(result)["completion_eligible"]


# MENTOR-NOT-ELIGIBLE

def test_mentor_employed_exactly_5_years_to_the_day_of_the_agreement_qualifies():
    result = mentoring(roster=mentoring_roster(mentor={"hire_date": "2021-01-15"}), pairs=[completed_mentoring_pair()])
    assert found(result, "MENTOR-NOT-ELIGIBLE") == []
    assert pair_of(result)["completion_eligible"]


def test_mentor_in_the_position_exactly_1_year_on_the_agreement_date_qualifies():
    result = mentoring(roster=mentoring_roster(mentor={"position_start_date": "2025-01-15"}), pairs=[completed_mentoring_pair()])
    assert found(result, "MENTOR-NOT-ELIGIBLE") == []
    assert pair_of(result)["completion_eligible"]


@pytest.mark.parametrize(
    "mentor, expected",
    [
        ({"hire_date": "2021-01-16"}, "5"),
        ({"hire_date": None}, "hire date"),
        ({"position_start_date": "2025-01-16"}, "1"),
        ({"position_start_date": None}, "position start date"),
    ],
    ids=["employed-one-day-short-of-5-years", "no-hire-date", "one-day-short-of-1-year-in-position", "no-position-start-date"],
)
def test_mentor_not_eligible_is_an_error_that_blocks_completion(mentor, expected):
    result = mentoring(roster=mentoring_roster(mentor=mentor), pairs=[completed_mentoring_pair()])
    findings = found(result, "MENTOR-NOT-ELIGIBLE")
    assert len(findings) == 1
    assert findings[0].severity == "error" and findings[0].coach_id == "100" and findings[0].candidate_id == "200"
    assert expected in findings[0].message.lower()
    assert findings[0].program == MENTORING
    assert not pair_of(result)["completion_eligible"]


def test_mentor_who_is_the_mentees_supervisor_is_not_eligible():
    result = mentoring(roster=mentoring_roster(mentee={"supervisor_id": "100"}), pairs=[completed_mentoring_pair()])
    findings = found(result, "MENTOR-NOT-ELIGIBLE")
    assert len(findings) == 1 and "supervisor" in findings[0].message.lower()
    assert not pair_of(result)["completion_eligible"]


def test_mentor_not_eligible_is_one_finding_per_reason():
    roster = mentoring_roster(mentor={"hire_date": "2022-06-01", "position_start_date": None}, mentee={"supervisor_id": "100"})
    assert len(found(mentoring(roster=roster), "MENTOR-NOT-ELIGIBLE")) == 3


@pytest.mark.parametrize(
    "mentor, mentee, fix",
    [
        ({"hire_date": "2021-01-16"}, {}, "Choose a mentor employed at least 5 years on the agreement date, or correct "
                                          "the mentor's Hire Date in the roster if it is mistyped."),
        ({"hire_date": None}, {}, "Record the mentor's Hire Date in the roster (a mentor must have been employed at "
                                  "least 5 years on the agreement date), or choose another mentor."),
        ({"position_start_date": "2025-01-16"}, {}, "Choose a mentor at least 1 year in the current position on the "
                                                    "agreement date, or correct the mentor's Position Start Date"),
        ({}, {"supervisor_id": "100"}, "Choose a mentor who is not the mentee's supervisor, or correct the mentee's "
                                       "Supervisor ID in the roster if it is wrong."),
    ],
    ids=["employed-too-short", "no-hire-date", "in-position-too-short", "supervisor"],
)
def test_mentor_not_eligible_tells_what_fits_its_reason(mentor, mentee, fix):
    """Each reason its own fix, with the policy's number (it was one text naming every requirement)."""
    findings = found(mentoring(roster=mentoring_roster(mentor=mentor, mentee=mentee)), "MENTOR-NOT-ELIGIBLE")
    assert len(findings) == 1 and findings[0].fix.startswith(fix)


def test_mentor_not_eligible_fix_gives_a_copys_years_and_not_its_dropped_supervisor_rule(tmp_path):
    text = (PRESETS / f"{MENTORING}.toml").read_text(encoding="utf-8")
    text = text.replace("min_years_employed = 5", "min_years_employed = 3").replace("not_supervisor = true", "not_supervisor = false")
    ours = policy_file(tmp_path, text, "ours.toml")
    roster = mentoring_roster(mentor={"hire_date": "2023-06-01"}, mentee={"supervisor_id": "100"})
    findings = found(mentoring(roster=roster, program=ours), "MENTOR-NOT-ELIGIBLE")
    assert len(findings) == 1
    assert "employed at least 3 years" in findings[0].fix and "supervisor" not in findings[0].fix


def test_mentor_without_an_agreement_date_is_judged_on_the_as_of_date():
    on_time = mentoring(roster=mentoring_roster(mentor={"hire_date": "2021-11-20"}), pairs=[mentoring_pair(agreement=None)], log=[])
    assert found(on_time, "MENTOR-NOT-ELIGIBLE") == []
    short = mentoring(roster=mentoring_roster(mentor={"hire_date": "2021-11-21"}), pairs=[mentoring_pair(agreement=None)], log=[])
    assert len(found(short, "MENTOR-NOT-ELIGIBLE")) == 1


# MENTEE-NOT-ELIGIBLE

@pytest.mark.parametrize(
    "mentee, expected",
    [
        ({"employment_status": "Temporary"}, "Temporary"),
        ({"employment_status": "Probationary"}, "Probationary"),
        ({"employment_status": None}, "not recorded"),
        ({"evaluation_status": "PAR"}, "PAR"),
        ({"evaluation_status": "Special Evaluation"}, "Special Evaluation"),
    ],
)
def test_mentee_not_eligible_is_an_error_that_blocks_completion(mentee, expected):
    result = mentoring(roster=mentoring_roster(mentee=mentee), pairs=[completed_mentoring_pair()])
    findings = found(result, "MENTEE-NOT-ELIGIBLE")
    assert len(findings) == 1
    assert findings[0].severity == "error" and findings[0].candidate_id == "200"
    assert expected in findings[0].message
    assert not pair_of(result)["completion_eligible"]


@pytest.mark.parametrize("evaluation", [None, "Standard"])
def test_permanent_mentee_with_a_standard_or_blank_evaluation_is_eligible(evaluation):
    result = mentoring(roster=mentoring_roster(mentee={"evaluation_status": evaluation}), pairs=[completed_mentoring_pair()])
    assert found(result, "MENTEE-NOT-ELIGIBLE") == []
    assert pair_of(result)["completion_eligible"]


def test_mentee_not_eligible_is_one_finding_per_reason():
    roster = mentoring_roster(mentee={"employment_status": "Temporary", "evaluation_status": "PAR"})
    assert len(found(mentoring(roster=roster), "MENTEE-NOT-ELIGIBLE")) == 2


# AGREEMENT-MISSING

def test_active_mentoring_pair_without_an_agreement_date_is_an_error_at_that_cell():
    result = mentoring(pairs=[mentoring_pair(agreement=None)], log=[])
    findings = found(result, "AGREEMENT-MISSING")
    assert len(findings) == 1
    assert findings[0].severity == "error"
    assert findings[0].cell == cell("assignments", "agreement_date", 1)
    assert findings[0].file == "assignments.xlsx"


def test_a_missing_agreement_date_column_is_to_be_added_to_the_assignments_sheet(tmp_path):
    """An assignments sheet with a Program column but no Agreement Date column: the fix says to add the
    column (it said to record the date in a column the sheet does not have); with the column, to fill it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(mentoring_roster())})
    pair = {**mentoring_pair(agreement=None), "program": MENTORING}
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows(
        [pair], ["program", "candidate_id", "coach_id", "assigned_date", "status"])})
    write_workbook(inbox / "more.xlsx", {"Pairs": assignment_rows(
        [{**pair, "candidate_id": "201"}], ["program", "candidate_id", "coach_id", "agreement_date", "status"])})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    fixes = {(f.sheet, f.cell): f.fix for f in result.findings if f.rule == "AGREEMENT-MISSING"}
    assert fixes == {
        ("Assignments", "A2"): "Add an Agreement Date column to the Assignments sheet; have mentor and mentee sign the "
                               "mentoring agreement before they meet, and record its date there.",
        ("Pairs", "D2"): "Have mentor and mentee sign the mentoring agreement before they meet, "
                         "and record its date in Agreement Date.",
    }


def test_completed_mentoring_pair_without_an_agreement_date_is_not_completion_eligible():
    result = mentoring(pairs=[completed_mentoring_pair(agreement=None)], log=[])
    assert len(found(result, "AGREEMENT-MISSING")) == 1
    assert not pair_of(result)["completion_eligible"]


def test_withdrawn_mentoring_pair_without_an_agreement_date_is_fine():
    result = mentoring(pairs=[mentoring_pair(agreement=None, status="Withdrawn")], log=[])
    assert found(result, "AGREEMENT-MISSING") == []


def test_an_agreement_date_after_as_of_is_an_error_at_that_cell_and_blocks_completion():
    """A signed agreement dated after the run's as-of date: not signed yet, or mistyped (2027 for 2026?)."""
    result = mentoring(pairs=[completed_mentoring_pair(agreement=day(AS_OF, 1))], log=[coach_entry("2026-10-20")])
    at_pair = [f for f in found(result, "AGREEMENT-MISSING") if f.file == "assignments.xlsx"]
    assert [(f.cell, f.severity) for f in at_pair] == [(cell("assignments", "agreement_date", 1), "error")]
    assert at_pair[0].message.startswith(f"Agreement Date {day(AS_OF, 1)} is after the as-of date {day(AS_OF)}")
    pair = pair_of(result)
    assert not pair["completion_eligible"]
    assert "is after the as-of date" in reasons(pair)


def test_an_agreement_dated_on_as_of_is_signed():
    result = mentoring(pairs=[mentoring_pair(agreement=day(AS_OF))], log=[])
    assert found(result, "AGREEMENT-MISSING") == []


def test_a_meeting_the_day_before_the_agreement_is_not_counted_and_does_not_block_the_verdict():
    log = [coach_entry("2026-01-14", 90)] + monthly_meetings()
    result = mentoring(pairs=[completed_mentoring_pair()], log=log)
    findings = found(result, "AGREEMENT-MISSING")
    assert len(findings) == 1
    assert findings[0].severity == "error"
    assert findings[0].file == "coach_log.xlsx" and findings[0].cell == cell("coach_log", "date", 1)
    assert found(result, "LOG-OUTSIDE-WINDOW") == []  # one finding for the entry, not two
    # the agreement's date is recorded: the fix asks which date is wrong, not to record it
    assert findings[0].message == f"mentor log entry dated 2026-01-14 is before the agreement on {AGREEMENT}; not counted"
    assert findings[0].fix.startswith("Check the meeting's date in the mentor log and the pair's Agreement Date")
    assert "record its date in Agreement Date" not in findings[0].fix
    pair = pair_of(result)
    assert pair["coach_contact_hours"] == 9.00
    assert pair["completion_eligible"]


def test_a_meeting_on_the_agreement_date_counts():
    log = [coach_entry(AGREEMENT, 90)] + monthly_meetings()
    result = mentoring(log=log)
    assert found(result, "AGREEMENT-MISSING") == []
    assert pair_of(result)["coach_contact_hours"] == 10.50


def test_meetings_of_a_pair_without_an_agreement_date_are_not_counted_and_the_one_error_is_the_pairs():
    """SPEC §2a: the missing date is one pair-level error; with no agreement there is no "before the
    agreement", so each meeting is only not counted, a warning at its date that says why."""
    log = [coach_entry("2026-03-20", 60), coach_entry("2026-04-20", 60)]
    result = mentoring(pairs=[mentoring_pair(agreement=None)], log=log)
    assert [f.cell for f in found(result, "AGREEMENT-MISSING")] == [cell("assignments", "agreement_date", 1)]
    outside = found(result, "LOG-OUTSIDE-WINDOW")
    assert [(f.cell, f.severity) for f in outside] == [(cell("coach_log", "date", 1), "warning"), (cell("coach_log", "date", 2), "warning")]
    assert all("no Agreement Date" in f.message for f in outside)
    assert outside[0].fix == "Only entries from the agreement on count: see that its date is recorded on the assignment."
    assert pair_of(result)["coach_contact_hours"] == 0


def test_a_withdrawn_pair_without_an_agreement_date_gets_no_errors_for_its_meetings():
    log = [coach_entry("2026-03-02", 60), coach_entry("2026-03-16", 30)]
    result = mentoring(pairs=[mentoring_pair(agreement=None, status="Withdrawn", completion="2026-04-01")], log=log)
    assert found(result, "AGREEMENT-MISSING") == []
    assert [f for f in result.findings if f.severity == "error"] == []
    assert len(found(result, "LOG-OUTSIDE-WINDOW")) == 2
    assert pair_of(result)["coach_contact_hours"] == 0


# MONTH-OVER-LIMIT

def test_exactly_4_hours_of_meetings_in_a_month_is_within_the_limit():
    log = monthly_meetings(skip=("2026-03",)) + [coach_entry("2026-03-05", 120), coach_entry("2026-03-19", 120)]
    assert found(mentoring(log=log), "MONTH-OVER-LIMIT") == []


def test_4_hours_and_1_minute_in_a_month_is_over_the_limit_and_still_counted():
    log = monthly_meetings(skip=("2026-03",)) + [coach_entry("2026-03-05", 120), coach_entry("2026-03-19", 121)]
    result = mentoring(log=log)
    findings = found(result, "MONTH-OVER-LIMIT")
    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert names_month(findings[0].message, 2026, 3)
    assert "4.02" in findings[0].message or "4:01" in findings[0].message
    assert pair_of(result)["coach_contact_minutes"] == 8 * 60 + 241


def test_over_the_limit_is_judged_per_calendar_month_not_per_30_days():
    log = monthly_meetings(skip=("2026-03", "2026-04")) + [coach_entry("2026-03-31", 240), coach_entry("2026-04-01", 240)]
    assert found(mentoring(log=log), "MONTH-OVER-LIMIT") == []


def test_a_repeated_entry_is_counted_once_toward_the_monthly_limit():
    log = monthly_meetings(skip=("2026-03",)) + [coach_entry("2026-03-05", 150), coach_entry("2026-03-05", 150)]
    result = mentoring(log=log)
    assert len(found(result, "LOG-DUPLICATE")) == 1
    assert found(result, "MONTH-OVER-LIMIT") == []


def test_the_monthly_limit_is_per_pair_not_per_mentor():
    roster = mentoring_roster() + [{"employee_id": "201", "name": "Max Mentee", "grade": 15, "supervisor_id": "9000",
                                    "employment_status": "Permanent"}]
    log = monthly_meetings() + monthly_meetings(candidate="201") + [coach_entry("2026-03-05", 180),
                                                                     coach_entry("2026-03-06", 180, candidate="201")]
    result = mentoring(roster=roster, pairs=[mentoring_pair(), mentoring_pair(candidate="201")], log=log)
    assert found(result, "MONTH-OVER-LIMIT") == []


# LOG-MONTH-MISSING

def test_a_full_calendar_month_without_a_meeting_is_a_warning_naming_the_month():
    result = mentoring(log=monthly_meetings(skip=("2026-05",)))
    findings = found(result, "LOG-MONTH-MISSING")
    assert len(findings) == 1
    assert findings[0].severity == "warning"
    assert names_month(findings[0].message, 2026, 5)


def test_the_partial_first_and_last_months_need_no_meeting():
    # agreement 15 January, as-of 20 November: January and November are not full months
    assert found(mentoring(log=monthly_meetings("2026-02", "2026-10")), "LOG-MONTH-MISSING") == []


def test_a_month_whose_only_entry_is_not_counted_has_no_meeting():
    log = monthly_meetings(skip=("2026-05",)) + [coach_entry("2026-05-20", 0)]
    result = mentoring(log=log)
    assert len(found(result, "LOG-DURATION-INVALID")) == 1
    findings = found(result, "LOG-MONTH-MISSING")
    assert len(findings) == 1 and names_month(findings[0].message, 2026, 5)


def test_a_month_whose_meeting_is_left_out_for_a_bad_cell_says_which_entry_to_correct(tmp_path):
    """The mentor logged May's meeting but left its Type of Contact blank: the row is left out
    (CELL-REQUIRED), and "No meeting logged in 2026-05 … send in the mentor log" sent the coordinator
    after a log already in hand. The finding names that entry and says to correct it; a month with
    nothing logged keeps its wording."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(mentoring_roster())})
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows([{**mentoring_pair(), "program": MENTORING}])})
    log = [[e["candidate_id"], e["coach_id"], dt.datetime.fromisoformat(e["date"]), e["contact_type"], 1, e["description"]]
           for e in monthly_meetings(skip=("2026-07",))]
    log[3][3] = None  # 2026-05-20, on row 5
    write_workbook(inbox / "mentor log.xlsx", {"Log": [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration",
                                                       "Description"], *log]})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    assert [(f.cell, f.message) for f in result.findings if f.rule == "CELL-REQUIRED"] == [
        ("D5", "Coach Log: Type of Contact is required but the cell is empty")]
    found_months = sorted((f.message, f.fix) for f in result.findings if f.rule == "LOG-MONTH-MISSING")
    assert found_months == [
        ("No meeting counted in 2026-05, a full month of the relationship (from the agreement of 2026-01-15): the mentor "
         "log's entry of 2026-05-20 (row 5 of sheet 'Log' in mentor log.xlsx) is left out for an error of its own",
         "Correct the mentor log's entry of 2026-05-20 (its own finding says which cell and how): the month's meeting "
         "then counts."),
        ("No meeting logged in 2026-07, a full month of the relationship (from the agreement of 2026-01-15)",
         "Send in the mentor log for that month: every month of the relationship needs a logged meeting."),
    ]


def test_a_left_out_meeting_of_the_earlier_of_two_pairs_of_the_same_people_is_named_for_that_pair(tmp_path):
    """The same mentor and mentee paired twice (withdrawn in May, paired again in June): March's meeting,
    left out for a blank Type of Contact, was looked for under the later pair only, and the earlier
    pair's March said "No meeting logged … send in the mentor log" though that log was in hand."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(mentoring_roster())})
    pairs = [mentoring_pair(status="Withdrawn", completion="2026-05-31"),
             mentoring_pair(agreement="2026-06-05", assigned_date="2026-06-01")]
    write_workbook(inbox / "assignments.xlsx", {"Assignments": assignment_rows([{**p, "program": MENTORING} for p in pairs])})
    log = [[e["candidate_id"], e["coach_id"], dt.datetime.fromisoformat(e["date"]), e["contact_type"], 1, e["description"]]
           for e in monthly_meetings()]
    log[1][3] = None  # 2026-03-20, on row 3
    write_workbook(inbox / "mentor log.xlsx", {"Log": [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration",
                                                       "Description"], *log]})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    assert [f.message for f in result.findings if f.rule == "LOG-MONTH-MISSING"] == [
        "No meeting counted in 2026-03, a full month of the relationship (from the agreement of 2026-01-15): the mentor "
        "log's entry of 2026-03-20 (row 3 of sheet 'Log' in mentor log.xlsx) is left out for an error of its own"]


def test_an_agreement_on_the_first_of_a_month_makes_that_month_full():
    result = mentoring(pairs=[mentoring_pair(agreement="2026-02-01")], log=monthly_meetings("2026-03", "2026-10"))
    findings = found(result, "LOG-MONTH-MISSING")
    assert len(findings) == 1 and names_month(findings[0].message, 2026, 2)


def test_a_withdrawn_pair_is_checked_for_monthly_meetings_up_to_its_completion_date_only():
    """SPEC §2a: the relationship ends on the completion date, so the full months before a withdrawal
    need a meeting (they were skipped for every Withdrawn pair); the months after it do not."""
    log = monthly_meetings("2026-02", "2026-03") + monthly_meetings("2026-05", "2026-06")
    result = mentoring(pairs=[mentoring_pair(status="Withdrawn", completion="2026-07-10")], log=log)
    findings = found(result, "LOG-MONTH-MISSING")
    assert len(findings) == 1 and names_month(findings[0].message, 2026, 4)


def test_a_pair_withdrawn_on_a_day_not_recorded_is_not_checked_for_monthly_meetings():
    """Which months a relationship withdrawn without a Completion Date lasted is not known: no month
    after the withdrawal is asked for."""
    result = mentoring(pairs=[mentoring_pair(status="Withdrawn")], log=monthly_meetings("2026-02", "2026-03"))
    assert found(result, "LOG-MONTH-MISSING") == []


# RELATIONSHIP-EXPIRED and the 12 months

def test_relationship_ending_on_the_as_of_date_has_reached_its_end_but_not_expired():
    result = mentoring(pairs=[mentoring_pair(agreement="2025-11-20")], log=[])
    assert found(result, "RELATIONSHIP-EXPIRED") == []
    pair = pair_of(result)
    assert pd.Timestamp(pair["deadline"]) == pd.Timestamp("2026-11-20")
    assert pair["completion_eligible"]  # the 12 months reached
    assert not pair["payment_eligible"]


def test_active_relationship_that_ended_the_day_before_as_of_has_expired():
    result = mentoring(pairs=[mentoring_pair(agreement="2025-11-19")], log=[])
    findings = found(result, "RELATIONSHIP-EXPIRED")
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert pair_of(result)["completion_eligible"]


def test_a_completed_relationship_past_its_12_months_has_not_expired():
    result = mentoring(pairs=[mentoring_pair(agreement="2025-06-01", status="Completed", completion="2026-06-01")], log=[])
    assert found(result, "RELATIONSHIP-EXPIRED") == []


@pytest.mark.parametrize("status", ["Completed", "Active"])
def test_relationship_that_reached_its_12_months_is_complete_whatever_later_completion_date_is_typed(status):
    # the relationship ended on the as-of date; a completion date typed after it does not hold the verdict back
    result = mentoring(pairs=[mentoring_pair(agreement="2025-11-20", status=status, completion=day(AS_OF, 15))], log=[])
    pair = pair_of(result)
    assert pair["completion_eligible"], reasons(pair)
    assert not pair["payment_eligible"]
    assert result.certificates.empty  # a certificate dated ahead waits for a run on or after that date


def test_relationship_short_of_its_12_months_with_a_completion_date_typed_ahead_is_not_complete_yet():
    result = mentoring(pairs=[mentoring_pair(agreement="2025-11-21", status="Completed", completion=day(AS_OF, 15))], log=[])
    pair = pair_of(result)
    assert not pair["completion_eligible"]
    assert f"completion date {day(AS_OF, 15)} is after the as-of date" in reasons(pair)


def test_relationship_one_day_short_of_12_months_is_not_yet_completion_eligible():
    result = mentoring(pairs=[mentoring_pair(agreement="2025-11-21")], log=[])
    assert found(result, "RELATIONSHIP-EXPIRED") == []
    assert not pair_of(result)["completion_eligible"]


def test_relationship_end_is_clamped_to_the_end_of_a_shorter_month():
    pairs = [mentoring_pair(agreement="2024-02-29")]
    assert found(mentoring(pairs=pairs, log=[], as_of="2025-02-28"), "RELATIONSHIP-EXPIRED") == []
    assert len(found(mentoring(pairs=pairs, log=[], as_of="2025-03-01"), "RELATIONSHIP-EXPIRED")) == 1


def test_meetings_after_the_relationship_end_are_outside_the_window_and_the_end_day_counts():
    log = [coach_entry("2026-11-19", 60), coach_entry("2026-11-20", 45)]
    result = mentoring(pairs=[mentoring_pair(agreement="2025-11-19")], log=log)
    outside = found(result, "LOG-OUTSIDE-WINDOW")
    assert len(outside) == 1 and outside[0].cell == cell("coach_log", "date", 2)
    assert pair_of(result)["coach_contact_minutes"] == 60
    # what to do, in the program's words (a mentoring pair has no planning meeting or deadline)
    assert outside[0].fix == "Check the date: only entries from the agreement to the end of the relationship count."


def test_relationship_ends_on_an_earlier_completion_date():
    log = monthly_meetings("2026-02", "2026-06") + [coach_entry("2026-06-30", 30), coach_entry("2026-07-02", 45)]
    result = mentoring(pairs=[mentoring_pair(status="Completed", completion="2026-06-30")], log=log)
    assert len(found(result, "LOG-OUTSIDE-WINDOW")) == 1
    assert pair_of(result)["coach_contact_minutes"] == 5 * 60 + 30


# mentoring verdicts

def test_completed_mentoring_pair_is_completion_eligible_but_never_paid():
    result = mentoring(pairs=[completed_mentoring_pair()])
    pair = pair_of(result)
    assert pair["completion_eligible"] and not pair["payment_eligible"]
    assert result.payable.empty
    assert pd.isna(pair["candidate_hours_needed"]) and pd.isna(pair["coach_contact_hours_needed"])


def test_mentoring_warnings_do_not_block_completion():
    log = monthly_meetings(skip=("2026-05",)) + [coach_entry("2026-03-05", 300)]
    result = mentoring(pairs=[completed_mentoring_pair()], log=log)
    assert {"LOG-MONTH-MISSING", "MONTH-OVER-LIMIT"} <= set(found(result))
    assert pair_of(result)["completion_eligible"]


def test_withdrawn_mentoring_pair_is_not_completion_eligible():
    result = mentoring(pairs=[mentoring_pair(status="Withdrawn", completion="2026-06-01")])
    assert not pair_of(result)["completion_eligible"]
    assert reasons(pair_of(result)) == "withdrawn"  # said once (it was "status is Withdrawn, not Completed; withdrawn")


def test_a_mentoring_pair_with_ids_not_in_the_roster_says_mentee_and_mentor_in_its_reasons():
    pairs = [mentoring_pair(candidate="999"), mentoring_pair(candidate="200", coach="555")]
    result = mentoring(pairs=pairs, log=[])
    assert "mentee ID 999 not in the roster" in reasons(pair_of(result, "999"))
    assert "mentor ID 555 not in the roster" in reasons(pair_of(result, "200"))


def test_withdrawn_reps_pair_says_withdrawn_once():
    result = reps(pairs=[reps_pair(status="Withdrawn", completion="2026-09-01")])
    assert reasons(pair_of(result)) == "withdrawn"


def test_a_reps_pair_withdrawn_with_no_completion_date_counts_no_hours_and_says_why_at_each_entry():
    """SPEC §2a: a reps pair is active to its completion date, Withdrawn as in COACH-CONCURRENT (ignored
    when the date is blank), and counts the entries of its active period only: the others are
    LOG-OUTSIDE-WINDOW (its hours were counted up to the end of the commitment, unsaid)."""
    dates = ["2025-10-10", "2026-01-09", "2026-08-07"]
    pair = reps_pair(start="2025-10-03", status="Withdrawn")
    result = reps(pairs=[pair], log=[coach_entry(d) for d in dates], as_of="2026-08-31")
    assert pair_of(result)["coach_contact_hours"] == 0
    outside = found(result, "LOG-OUTSIDE-WINDOW")
    assert [f.cell for f in outside] == [cell("coach_log", "date", row) for row in (1, 2, 3)]
    assert all("withdrawn with no Completion Date" in f.message and f.message.endswith("; not counted") for f in outside)
    assert outside[0].fix == "Record the day the pair was withdrawn in its Completion Date: the entries up to that day then count."
    assert set(found(result)) == {"LOG-OUTSIDE-WINDOW"}  # no COACH-INACTIVE, COMMITMENT-DUE or FEEDBACK-MISSING: not Active
    assert reasons(pair_of(result)) == "withdrawn"


def test_a_mentoring_entry_after_the_relationship_is_told_of_as_a_mentor_log_entry():
    """The message calls the log what the program calls it, as its fix does (it said "coach log")."""
    result = mentoring(pairs=[mentoring_pair(status="Completed", completion="2026-06-30")],
                       log=[coach_entry("2026-07-06")], as_of="2026-08-31")
    assert [f.message for f in found(result, "LOG-OUTSIDE-WINDOW")] == [
        "mentor log entry dated 2026-07-06 is after the completion date 2026-06-30; not counted"]


def test_a_reps_pair_withdrawn_on_a_recorded_day_counts_its_entries_up_to_that_day():
    pair = reps_pair(start="2025-10-03", status="Withdrawn", completion="2026-02-01")
    result = reps(pairs=[pair], log=[coach_entry("2026-01-09"), coach_entry("2026-02-01"), coach_entry("2026-03-06")],
                  as_of="2026-08-31")
    assert pair_of(result)["coach_contact_hours"] == 2
    assert [f.message for f in found(result, "LOG-OUTSIDE-WINDOW")] == [
        "coach log entry dated 2026-03-06 is after the completion date 2026-02-01; not counted"]


def test_a_coach_trained_after_the_start_of_a_pair_withdrawn_undated_is_told_of_that_start():
    pair = reps_pair(start="2025-10-03", status="Withdrawn")
    result = reps(pairs=[pair], log=[], roster=reps_roster(coach={"coach_training_date": "2025-12-01"}), as_of="2026-08-31")
    [unqualified] = found(result, "COACH-NOT-QUALIFIED")
    assert "after the planning meeting 2025-10-03" in unqualified.message


# --- reps-coaching -----------------------------------------------------------------------------

REPS = "reps-coaching"


def reps_roster(coach=None):
    people = [{"employee_id": "100", "name": "Riley Rep", "grade": 20, "hire_date": "2015-01-01",
               "coach_training_date": "2020-02-01", **(coach or {})},
              {"employee_id": "101", "name": "Robin Rep", "grade": 20, "hire_date": "2015-01-01",
               "coach_training_date": "2020-02-01"}]
    people += [{"employee_id": str(200 + i), "name": f"Taylor {i}", "grade": 10} for i in range(6)]
    return people


def reps_pair(candidate="200", coach="100", start="2026-06-01", status="Active", completion=None, **extra):
    return {"candidate_id": candidate, "coach_id": coach, "assigned_date": start, "planning_meeting_date": start,
            "status": status, "completion_date": completion, **extra}


def reps(pairs=None, log=None, feedback=None, roster=None, as_of=AS_OF, program=REPS):
    return evaluate_with(
        program, as_of,
        employees=reps_roster() if roster is None else roster,
        assignments=[reps_pair()] if pairs is None else pairs,
        coach_log=[coach_entry("2026-11-01")] if log is None else log,
        feedback=feedback or [],
    )


def test_reps_pair_with_a_trained_coach_and_recent_contact_has_no_findings():
    result = reps()
    assert found(result) == []
    pair = pair_of(result)
    assert pair["program"] == REPS
    assert pd.Timestamp(pair["deadline"]) == pd.Timestamp("2027-06-01")
    assert pair["coach_contact_hours"] == 1.00


# COACH-NOT-QUALIFIED

@pytest.mark.parametrize("training, expected, fix", [
    (None, "training", "Record the coach's Coach Training Date in the roster if the coach was trained by the start"),
    ("2026-06-02", "2026-06-02", "Check the coach's Coach Training Date in the roster and the pair's start; if both are "
                                 "right, the coach was trained too late for this pair"),
], ids=["no-training-date", "trained-the-day-after-the-start"])
def test_reps_coach_without_training_before_the_start_is_not_qualified(training, expected, fix):
    result = reps(roster=reps_roster(coach={"coach_training_date": training}),
                  pairs=[reps_pair(status="Completed", completion="2026-10-01")])
    findings = found(result, "COACH-NOT-QUALIFIED")
    assert len(findings) == 1 and findings[0].severity == "error"
    assert expected in findings[0].message
    # its own fix: a coach trained after the start cannot "complete the missing qualification" now
    assert findings[0].fix.startswith(fix)
    assert not pair_of(result)["completion_eligible"]


def test_reps_coach_trained_on_the_start_day_is_qualified():
    result = reps(roster=reps_roster(coach={"coach_training_date": "2026-06-01"}),
                  pairs=[reps_pair(status="Completed", completion="2026-10-01")])
    assert found(result, "COACH-NOT-QUALIFIED") == []
    assert pair_of(result)["completion_eligible"]


def test_reps_start_is_the_assigned_date_when_there_is_no_planning_meeting():
    pair = reps_pair(planning_meeting_date=None, assigned_date="2026-06-01")
    trained_that_day = reps(roster=reps_roster(coach={"coach_training_date": "2026-06-01"}), pairs=[pair])
    assert found(trained_that_day, "COACH-NOT-QUALIFIED") == []
    trained_later = reps(roster=reps_roster(coach={"coach_training_date": "2026-06-02"}), pairs=[pair])
    assert len(found(trained_later, "COACH-NOT-QUALIFIED")) == 1


@pytest.mark.parametrize("status", ["Active", "Completed"])
def test_a_reps_pair_with_neither_a_planning_meeting_nor_an_assigned_date_is_an_error_at_its_assigned_date_cell(status):
    # without a start its commitment, capacity and the coach's training go unjudged: it is not complete
    pair = reps_pair(planning_meeting_date=None, assigned_date=None, status=status,
                     completion="2026-10-01" if status == "Completed" else None)
    result = reps(pairs=[pair], log=[])
    findings = found(result, "CELL-REQUIRED")
    assert len(findings) == 1 and findings[0].severity == "error"
    assert findings[0].cell == cell("assignments", "assigned_date", 1)
    assert "No Planning Meeting Date or Assigned Date" in findings[0].message
    assert not pair_of(result)["completion_eligible"]
    assert "no Planning Meeting Date or Assigned Date" in reasons(pair_of(result))


def test_a_reps_pair_withdrawn_with_no_dates_is_not_asked_for_its_start():
    pair = reps_pair(planning_meeting_date=None, assigned_date=None, status="Withdrawn")
    assert found(reps(pairs=[pair], log=[]), "CELL-REQUIRED") == []


def test_reps_coach_needs_no_recommendations_grade_or_pgs_status():
    result = reps(roster=reps_roster(coach={"grade": 1, "hire_date": "2026-01-01", "pgs_status": "Not Meeting"}))
    assert found(result, "COACH-NOT-QUALIFIED") == []


# COACH-OVER-CAPACITY

def four_pairs(**fourth):
    pairs = [reps_pair(candidate=str(200 + i), start=f"2026-03-0{i + 1}") for i in range(3)]
    return pairs + [reps_pair(candidate="203", start="2026-03-04", **fourth)]


def test_a_third_active_coachee_is_within_capacity():
    assert found(reps(pairs=four_pairs()[:3]), "COACH-OVER-CAPACITY") == []


def test_the_fourth_coachee_by_start_date_is_over_capacity_and_the_earlier_ones_are_not():
    pairs = four_pairs()
    result = reps(pairs=[pairs[3], pairs[1], pairs[0], pairs[2]])  # row order is not start order
    findings = found(result, "COACH-OVER-CAPACITY")
    assert [(f.candidate_id, f.coach_id, f.severity) for f in findings] == [("203", "100", "error")]


def test_same_start_dates_are_taken_in_row_order():
    pairs = [reps_pair(candidate=str(200 + i), start="2026-03-01") for i in range(4)]
    assert [f.candidate_id for f in found(reps(pairs=pairs), "COACH-OVER-CAPACITY")] == ["203"]


def test_over_capacity_blocks_completion():
    result = reps(pairs=four_pairs(status="Completed", completion="2026-10-01"))
    assert not pair_of(result, "203")["completion_eligible"]


def test_a_pair_ending_the_day_the_fourth_starts_does_not_overlap_it():
    pairs = four_pairs()
    pairs[0] = reps_pair(candidate="200", start="2026-03-01", status="Completed", completion="2026-03-04")
    assert found(reps(pairs=pairs), "COACH-OVER-CAPACITY") == []


def test_a_pair_ending_the_day_after_the_fourth_starts_overlaps_it():
    pairs = four_pairs()
    pairs[0] = reps_pair(candidate="200", start="2026-03-01", status="Completed", completion="2026-03-05")
    assert [f.candidate_id for f in found(reps(pairs=pairs), "COACH-OVER-CAPACITY")] == ["203"]


def test_a_withdrawn_pair_without_a_completion_date_does_not_count_toward_capacity():
    pairs = four_pairs()
    pairs[0] = reps_pair(candidate="200", start="2026-03-01", status="Withdrawn")
    assert found(reps(pairs=pairs), "COACH-OVER-CAPACITY") == []


def test_a_flagged_pair_still_counts_as_active_for_the_pairs_after_it():
    pairs = four_pairs()
    pairs[0] = reps_pair(candidate="200", start="2026-03-01", status="Completed", completion="2026-04-01")
    pairs.append(reps_pair(candidate="204", start="2026-05-01"))  # 201, 202 and the flagged 203 are active
    assert sorted(f.candidate_id for f in found(reps(pairs=pairs), "COACH-OVER-CAPACITY")) == ["203", "204"]


def test_a_withdrawn_pair_with_a_completion_date_counts_until_that_date():
    pairs = four_pairs()
    pairs[0] = reps_pair(candidate="200", start="2026-03-01", status="Withdrawn", completion="2026-03-10")
    assert [f.candidate_id for f in found(reps(pairs=pairs), "COACH-OVER-CAPACITY")] == ["203"]


def test_a_pair_past_its_commitment_end_no_longer_counts_toward_capacity():
    pairs = four_pairs()
    pairs[0] = reps_pair(candidate="200", start="2025-03-04")  # Active, its commitment ended on 2026-03-04
    assert found(reps(pairs=pairs), "COACH-OVER-CAPACITY") == []
    pairs[0] = reps_pair(candidate="200", start="2025-03-04", extended_until="2026-03-05")
    assert [f.candidate_id for f in found(reps(pairs=pairs), "COACH-OVER-CAPACITY")] == ["203"]


def test_a_coach_with_many_coachees_names_ten_active_ones_and_writes_each_ones_words_once(monkeypatch):
    """Each flagged pair names the coachees still active at its start, in start order, the first ten
    of them and how many more (naming all made each message as long as the coach's list: cut off in a
    workbook's cell); each coachee's words are made once, not again in every later pair's finding (a
    reps coach with 2,000 coachees had 1.7 million dates written out, 12 s of the run)."""
    import coaching_batch.rules.reps as reps_rules

    written = []
    monkeypatch.setattr(reps_rules, "day_text", lambda value: written.append(value) or str(value.date()))
    starts = pd.date_range("2026-01-01", periods=40).strftime("%Y-%m-%d")
    pairs = [reps_pair(candidate=str(300 + i), start=start) for i, start in enumerate(starts)]
    for i in range(10):  # the first ten have ended by the 20th start
        pairs[i] = reps_pair(candidate=str(300 + i), start=starts[i], status="Completed", completion="2026-01-20")
    roster = reps_roster() + [{"employee_id": str(300 + i), "name": f"Coachee {i}", "grade": 10} for i in range(40)]
    findings = found(reps(pairs=pairs, roster=roster), "COACH-OVER-CAPACITY")
    assert [f.candidate_id for f in findings] == [str(300 + i) for i in range(3, 40)]
    twentieth = findings[19 - 3].message
    assert twentieth.startswith("Coach 100 already has 9 active coachees when coachee 319 starts on 2026-01-20: "
                                "310 (from 2026-01-11), 311 (from 2026-01-12), ")
    assert twentieth.endswith("318 (from 2026-01-19); at most 3 at a time")
    last = findings[-1].message
    assert last.startswith("Coach 100 already has 29 active coachees when coachee 339 starts on 2026-02-09: "
                           "310 (from 2026-01-11), ")
    assert last.count("(from ") == 10  # 310 to 319, then 320 to 338 counted
    assert last.endswith("319 (from 2026-01-20) and 19 more; at most 3 at a time")
    assert len(written) <= 2 * 40


def renamed(program: str, **words: str):
    """A copy of preset ``program`` whose [words] call its two people and their work ``words``."""
    text = (PRESETS / f"{program}.toml").read_text(encoding="utf-8").replace(f'name = "{program}"', f'name = "{program}-ours"')
    text = re.sub(r'(?m)^title = .*$', 'title = "Our Program"', text)
    text = text[: text.index("[words]")] + "[words]\n" + "".join(f'{key} = "{word}"\n' for key, word in words.items())
    return policy_from_toml(text, "ours.toml")


def said_in(findings) -> str:
    """Every word a coordinator reads of ``findings``: the messages and the fixes."""
    return "\n".join(f"{f.message}\n{f.fix}" for f in findings)


def test_a_reps_copy_with_its_own_words_says_them_in_every_message_and_fix():
    """A copied reps policy calls its people rep and member: no message or fix says coach, coachee
    or candidate (COACH-OVER-CAPACITY said "when candidate 203 starts", among "coachees")."""
    ours = renamed(REPS, coach="rep", candidate="member", activity="support")
    pairs = four_pairs() + [reps_pair(candidate="204", coach="101", start="2025-06-01", extended_until="2027-06-01")]
    roster = reps_roster(coach={"coach_training_date": None})
    result = reps(pairs=pairs, log=[], roster=roster, program=ours)
    rules = {f.rule for f in result.findings}
    assert {"COACH-OVER-CAPACITY", "COACH-INACTIVE", "FEEDBACK-MISSING", "COACH-NOT-QUALIFIED"} <= rules
    text = said_in(f for f in result.findings if f.rule in rules - {"CELL-TYPE"})
    assert not re.search(r"coach(?! training)|candidate", text, re.IGNORECASE), text  # Coach Training Date: the roster's column
    assert "Rep 100 already has 3 active members when member 203 starts on 2026-03-04" in text
    assert "Rep 100 looks inactive: no Our Program rep-log entry since the first active pair started on 2026-03-01" in text
    assert "active members: 200, 201, 202, 203" in text
    assert "Assign the member to a rep with room" in text
    assert "No feedback from the member dated" in text
    assert "rep over capacity (3 other members active at the start)" in reasons(pair_of(result, "203"))


def test_a_mentoring_copy_with_its_own_words_says_them_in_every_message_and_fix():
    """Mentor, mentee and mentoring are support-mentoring's words, not the rules': a copy that calls its
    people buddy and newcomer reads them in every message, fix and reason."""
    ours = renamed(MENTORING, coach="buddy", candidate="newcomer", activity="buddying")
    roster = mentoring_roster(mentor={"hire_date": "2024-01-01", "employee_id": "100"},
                              mentee={"employment_status": "Temporary", "supervisor_id": "100"})
    pairs = [mentoring_pair(), mentoring_pair(candidate="9000", agreement=None)]
    log = ([coach_entry("2026-01-14")] + monthly_meetings(skip=("2026-05",))
           + [coach_entry("2026-03-05", 240)])
    result = mentoring(roster=roster, pairs=pairs, log=log, program=ours)
    assert {"MENTOR-NOT-ELIGIBLE", "MENTEE-NOT-ELIGIBLE", "AGREEMENT-MISSING", "MONTH-OVER-LIMIT",
            "LOG-MONTH-MISSING"} <= set(found(result))
    text = said_in(result.findings)
    assert not re.search(r"mentor|mentee", text, re.IGNORECASE), text
    assert "Buddy 100 is not eligible: the buddy is the newcomer's supervisor" in text
    assert "Newcomer 200 is not eligible: employment status is Temporary" in text
    assert text.count("Have buddy and newcomer sign the buddying agreement") == 1  # the pair's
    assert "Check the meeting's date in the buddy log" in text  # a meeting's before it
    assert "buddy not eligible" in reasons(pair_of(result)) and "newcomer not eligible" in reasons(pair_of(result))


def test_capacity_is_per_coach():
    pairs = four_pairs()[:3] + [reps_pair(candidate="203", coach="101", start="2026-03-04")]
    assert found(reps(pairs=pairs), "COACH-OVER-CAPACITY") == []


# COMMITMENT-DUE

def test_commitment_ending_30_days_after_as_of_is_due():
    result = reps(pairs=[reps_pair(start="2025-12-20")])
    findings = found(result, "COMMITMENT-DUE")
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert "2026-12-20" in findings[0].message


def test_commitment_ending_the_day_after_as_of_is_1_day_after():
    [due] = found(reps(pairs=[reps_pair(start="2025-11-21")]), "COMMITMENT-DUE")
    assert "ends on 2026-11-21, 1 day after 2026-11-20" in due.message


def test_commitment_ending_31_days_after_as_of_is_not_yet_due():
    assert found(reps(pairs=[reps_pair(start="2025-12-21")]), "COMMITMENT-DUE") == []


@pytest.mark.parametrize("start", ["2025-11-20", "2025-06-01"], ids=["ended-on-as-of", "ended-months-ago"])
def test_commitment_ended_on_or_before_as_of_without_extension(start):
    findings = found(reps(pairs=[reps_pair(start=start)]), "COMMITMENT-DUE")
    assert len(findings) == 1
    assert "without extension" in findings[0].message
    assert day(pd.Timestamp(start) + pd.DateOffset(months=12)) in findings[0].message


def test_extended_until_moves_the_commitment_end():
    result = reps(pairs=[reps_pair(start="2025-11-20", extended_until="2027-01-15")])
    assert found(result, "COMMITMENT-DUE") == []
    assert pd.Timestamp(pair_of(result)["deadline"]) == pd.Timestamp("2027-01-15")
    due = found(reps(pairs=[reps_pair(start="2025-11-20", extended_until="2026-12-10")]), "COMMITMENT-DUE")
    assert len(due) == 1 and "2026-12-10" in due[0].message and "without extension" not in due[0].message


def test_a_commitment_that_ended_on_its_extended_until_does_not_say_it_was_not_extended():
    [due] = found(reps(pairs=[reps_pair(start="2025-06-01", extended_until="2026-11-20")]), "COMMITMENT-DUE")
    assert due.message.endswith("ended on 2026-11-20, the date it was extended until")
    [due] = found(reps(pairs=[reps_pair(start="2025-06-01", extended_until="2026-03-01")]), "COMMITMENT-DUE")
    assert due.message.endswith("ended on 2026-06-01 (its Extended Until 2026-03-01 is earlier than the 12 months, so it extended nothing)")


def test_an_extended_until_earlier_than_12_months_does_not_shorten_the_commitment():
    result = reps(pairs=[reps_pair(start="2026-06-01", extended_until="2026-12-01")])
    assert pd.Timestamp(pair_of(result)["deadline"]) == pd.Timestamp("2027-06-01")
    assert found(result, "COMMITMENT-DUE") == []


def test_an_extended_until_before_the_start_is_a_cell_error_and_ignored():
    result = reps(pairs=[reps_pair(start="2026-06-01", extended_until="2026-05-01")])
    bad = found(result, "CELL-TYPE")
    assert [(f.file, f.cell, f.severity) for f in bad] == [("assignments.xlsx", cell("assignments", "extended_until", 1), "error")]
    assert pd.Timestamp(pair_of(result)["deadline"]) == pd.Timestamp("2027-06-01")
    assert pair_of(result)["blocking_errors"] == ""  # the value set aside holds nothing back: not painted red


def test_a_completed_pair_has_no_commitment_due():
    assert found(reps(pairs=[reps_pair(start="2025-11-20", status="Completed", completion="2026-11-01")]), "COMMITMENT-DUE") == []


# COACH-INACTIVE

def test_coach_whose_latest_entry_is_exactly_60_days_before_as_of_is_active():
    pairs = [reps_pair(start="2026-03-01"), reps_pair(candidate="201", start="2026-03-01")]
    result = reps(pairs=pairs, log=[coach_entry(day(AS_OF, -60), candidate="201")])
    assert found(result, "COACH-INACTIVE") == []


def test_coach_whose_latest_entry_is_61_days_before_as_of_is_one_finding_naming_the_coachees():
    pairs = [reps_pair(start="2026-03-01"), reps_pair(candidate="201", start="2026-03-01"),
             reps_pair(candidate="202", start="2026-03-01", status="Completed", completion="2026-08-01")]
    result = reps(pairs=pairs, log=[coach_entry(day(AS_OF, -61), candidate="201"), coach_entry("2026-04-01", candidate="202")])
    findings = found(result, "COACH-INACTIVE")
    assert len(findings) == 1
    inactive = findings[0]
    assert inactive.severity == "warning" and inactive.coach_id == "100" and inactive.candidate_id == ""
    assert ("200" in inactive.message or "Taylor 0" in inactive.message)
    assert ("201" in inactive.message or "Taylor 1" in inactive.message)
    assert day(AS_OF, -61) in inactive.message


def test_coach_inactive_names_the_coachees_in_order_of_start_whatever_the_order_of_the_rows():
    """The same pairs typed in another order on the assignments sheet give the same finding."""
    pairs = [reps_pair(candidate="202", start="2026-03-01"), reps_pair(candidate="201", start="2026-02-01"),
             reps_pair(candidate="200", start="2026-03-01")]
    messages = {found(reps(pairs=order, log=[]), "COACH-INACTIVE")[0].message for order in (pairs, pairs[::-1])}
    assert len(messages) == 1
    assert messages.pop().endswith("active coachees: 201, 200, 202")


def test_coach_inactive_says_it_is_the_programs_log_that_has_no_entry():
    """The coach may meet candidates of another program: the message says whose log is quiet."""
    result = reps(pairs=[reps_pair(start="2026-03-01")], log=[coach_entry(day(AS_OF, -61))])
    [inactive] = found(result, "COACH-INACTIVE")
    assert inactive.message.startswith(f"Coach 100 looks inactive: latest Reps Coaching coach-log entry {day(AS_OF, -61)}, ")
    [never] = found(reps(pairs=[reps_pair(start="2026-03-01")], log=[]), "COACH-INACTIVE")
    assert "no Reps Coaching coach-log entry since the first active pair started on 2026-03-01" in never.message


def test_coach_with_no_entries_is_inactive_when_the_earliest_active_start_is_61_days_ago():
    pairs = [reps_pair(start=day(AS_OF, -61)), reps_pair(candidate="201", start=day(AS_OF, -10))]
    assert len(found(reps(pairs=pairs, log=[]), "COACH-INACTIVE")) == 1


def test_coach_with_no_entries_is_not_inactive_when_the_earliest_active_start_is_60_days_ago():
    pairs = [reps_pair(start=day(AS_OF, -60)), reps_pair(candidate="201", start=day(AS_OF, -10))]
    assert found(reps(pairs=pairs, log=[]), "COACH-INACTIVE") == []


def test_a_future_entry_does_not_keep_a_coach_active():
    result = reps(pairs=[reps_pair(start="2026-03-01")], log=[coach_entry(day(AS_OF, -61)), coach_entry(day(AS_OF, 1))])
    assert len(found(result, "COACH-INACTIVE")) == 1


def test_an_entry_that_is_not_counted_does_not_keep_a_coach_active():
    log = [coach_entry(day(AS_OF, -61)), coach_entry(day(AS_OF, -5), 0)]
    result = reps(pairs=[reps_pair(start="2026-03-01")], log=log)
    assert len(found(result, "LOG-DURATION-INVALID")) == 1
    assert len(found(result, "COACH-INACTIVE")) == 1


def test_a_counted_entry_with_a_completed_coachee_keeps_the_coach_active():
    pairs = [reps_pair(start="2026-03-01"), reps_pair(candidate="202", start="2026-03-01", status="Completed", completion="2026-11-15")]
    result = reps(pairs=pairs, log=[coach_entry("2026-11-10", candidate="202")])
    assert found(result, "COACH-INACTIVE") == []


def test_a_meeting_after_a_pairs_end_is_not_counted_but_keeps_the_coach_active():
    """COACH-INACTIVE asks for the coach's latest coach-log entry with any coachee: a meeting with a
    coachee after their pair ended counts for no hours, but the coach was at work."""
    pairs = [reps_pair(start="2026-03-01"), reps_pair(candidate="202", start="2026-01-01", status="Completed", completion="2026-06-01")]
    result = reps(pairs=pairs, log=[coach_entry("2026-03-05"), coach_entry(day(AS_OF, -19), candidate="202")])
    assert len(found(result, "LOG-OUTSIDE-WINDOW")) == 1
    assert found(result, "COACH-INACTIVE") == []


def test_coach_without_an_active_pair_is_never_inactive():
    pairs = [reps_pair(start="2026-01-01", status="Completed", completion="2026-05-01")]
    assert found(reps(pairs=pairs, log=[]), "COACH-INACTIVE") == []


# FEEDBACK-MISSING

def feedback(role, date, candidate="200", coach="100"):
    return {"employee_id": coach if role == "Coach" else candidate, "role": role, "coach_id": coach,
            "candidate_id": candidate, "feedback_date": date, "rating": 4, "comments": "secret comment"}


def test_pair_started_exactly_12_months_before_as_of_needs_feedback_from_both_sides():
    result = reps(pairs=[reps_pair(start="2025-11-20", extended_until="2027-06-01")])
    findings = found(result, "FEEDBACK-MISSING")
    assert len(findings) == 2
    assert all(f.severity == "warning" and f.candidate_id == "200" and f.coach_id == "100" for f in findings)


def test_missing_feedback_tells_the_one_it_goes_to_to_send_it_not_to_ask_themselves():
    """The finding goes to the coach's or the coachee's own notice: its fix is theirs to do."""
    findings = found(reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")]), "FEEDBACK-MISSING")
    assert sorted((f.actor, f.fix) for f in findings) == [
        ("candidate", "Send in this year's feedback form as the coachee."),
        ("coach", "Send in this year's feedback form as the coach."),
    ]


def test_a_half_yearly_feedback_round_asks_for_the_form_of_its_six_months_not_this_years():
    ours = policy_from_toml((PRESETS / "reps-coaching.toml").read_text(encoding="utf-8")
                            .replace("every_months = 12", "every_months = 6"), "ours.toml")
    findings = found(reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], program=ours), "FEEDBACK-MISSING")
    assert [f.message.startswith("No feedback from the coach dated in the 6 months up to 2026-11-20") for f in findings] == [True, False]
    assert sorted(f.fix for f in findings) == ["Send in a feedback form (one is due every 6 months) as the coach.",
                                               "Send in a feedback form (one is due every 6 months) as the coachee."]


def test_pair_started_one_day_less_than_12_months_before_as_of_needs_no_feedback_yet():
    assert found(reps(pairs=[reps_pair(start="2025-11-21")]), "FEEDBACK-MISSING") == []


def test_feedback_missing_is_one_finding_per_missing_role():
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=[feedback("Coach", "2026-05-01")])
    findings = found(result, "FEEDBACK-MISSING")
    assert len(findings) == 1 and "coachee" in findings[0].message.lower()
    pair = pair_of(result)
    assert pd.Timestamp(pair["feedback_coach_date"]) == pd.Timestamp("2026-05-01")
    assert pd.isna(pair["feedback_coachee_date"])
    other_side = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=[feedback("Coachee", "2026-05-02")])
    assert len(found(other_side, "FEEDBACK-MISSING")) == 1
    assert pd.Timestamp(pair_of(other_side)["feedback_coachee_date"]) == pd.Timestamp("2026-05-02")


def test_feedback_dated_exactly_12_months_before_as_of_is_too_old():
    rows = [feedback("Coach", "2025-11-20"), feedback("Coachee", "2025-11-20")]
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=rows)
    assert len(found(result, "FEEDBACK-MISSING")) == 2


def test_feedback_dated_the_day_after_12_months_before_as_of_counts():
    rows = [feedback("Coach", "2025-11-21"), feedback("Coachee", "2025-11-21")]
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=rows)
    assert found(result, "FEEDBACK-MISSING") == []


def test_feedback_dated_after_as_of_is_not_counted_yet_and_the_finding_says_so():
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")],
                  feedback=[feedback("Coach", "2026-11-21"), feedback("Coachee", "2026-05-02")])
    [missing] = found(result, "FEEDBACK-MISSING")
    assert missing.message.endswith("; the form dated 2026-11-21, after 2026-11-20, counts from that date")


def test_a_completed_pair_needs_no_feedback_round():
    result = reps(pairs=[reps_pair(start="2025-01-01", status="Completed", completion="2026-01-01")])
    assert found(result, "FEEDBACK-MISSING") == []


def test_feedback_about_another_pair_does_not_count():
    rows = [feedback("Coach", "2026-05-01", candidate="201"), feedback("Coachee", "2026-05-01", candidate="201")]
    pairs = [reps_pair(start="2025-06-01", extended_until="2027-06-01"), reps_pair(candidate="201", start="2026-06-01")]
    findings = found(reps(pairs=pairs, feedback=rows), "FEEDBACK-MISSING")
    assert [f.candidate_id for f in findings] == ["200", "200"]


def test_feedback_of_a_pair_without_an_assignment_is_a_finding_at_its_candidate_cell():
    result = reps(feedback=[feedback("Coach", "2026-05-01", candidate="205")])
    findings = found(result, "LOG-NO-ASSIGNMENT")
    assert [(f.file, f.cell, f.severity) for f in findings] == [("feedback.xlsx", cell("feedback", "candidate_id", 1), "error")]


def test_feedback_from_an_id_not_in_the_roster_is_id_unknown():
    result = reps(feedback=[feedback("Coachee", "2026-05-01", candidate="999")])
    assert [f.file for f in found(result, "ID-UNKNOWN")] == ["feedback.xlsx"]


def test_a_feedback_or_milestone_row_naming_a_coach_not_in_the_roster_is_id_unknown_at_the_coach_id_cell():
    """The candidate is in the roster, the coach is not: the finding points at the Coach ID the
    coordinator must correct (it pointed at the Candidate ID, which is right)."""
    result = reps(feedback=[feedback("Coachee", "2026-05-01", coach="999")])
    assert [f.cell for f in found(result, "ID-UNKNOWN")] == [cell("feedback", "coach_id", 1)]
    result = evaluate_with(JOB, employees=job_roster(), assignments=[job_pair()],
                           milestones=[milestone("Agreement", "2026-08-20", coach="999")])
    assert [f.cell for f in found(result, "ID-UNKNOWN")] == [cell("milestones", "coach_id", 1)]


def test_feedback_given_by_someone_not_in_the_roster_is_id_unknown_at_its_cell_and_not_used():
    """The pair and role are right but the Employee ID of who gave the feedback is no employee's: an
    error on the row, which then does not count as that side's feedback."""
    rows = [{**feedback("Coach", "2026-05-01"), "employee_id": "999"}, feedback("Coachee", "2026-05-02")]
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=rows)
    [unknown] = found(result, "ID-UNKNOWN")
    assert (unknown.file, unknown.cell, unknown.severity) == ("feedback.xlsx", cell("feedback", "employee_id", 1), "error")
    assert "999" in unknown.message and "not used" in unknown.message
    assert ["the coach" in f.message for f in found(result, "FEEDBACK-MISSING")] == [True]


def test_feedback_given_by_an_id_near_the_roster_s_is_id_unknown_naming_the_roster_id():
    """The giver's ID typed `100 (Riley)`: the roster has 100. Every other ID-UNKNOWN names the roster's
    ID and says what to type; the giver's said only that 100 (Riley) is not in the roster."""
    rows = [{**feedback("Coach", "2026-05-01"), "employee_id": "100 (Riley)"}, feedback("Coachee", "2026-05-02")]
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=rows)
    [unknown] = found(result, "ID-UNKNOWN")
    assert unknown.message == ("Employee ID 100 (Riley) (the roster has 100: type the ID alone, with no name or note beside it), "
                               "who gave the feedback, is not in the roster; the feedback row is not used")
    assert unknown.fix == "Type 100, the roster's ID, alone in the cell."


def test_findings_on_the_feedback_rows_of_a_pair_carry_its_program():
    rows = [{**feedback("Coach", "2026-05-01"), "employee_id": "999"}, feedback("Coach", "2026-05-01", candidate="205")]
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=rows)
    assert [f.program for f in found(result, "ID-UNKNOWN")] == [REPS]  # who gave it: not in the roster
    assert [f.program for f in found(result, "LOG-NO-ASSIGNMENT")] == [""]  # 205 and 100 have no pair


def test_milestone_and_feedback_rows_of_a_program_keeping_none_are_a_warning_per_sheet_and_pair_not_dropped_unsaid():
    """An ITSS pair's milestone rows and a job-embedded pair's feedback row are read but no rule of
    their program uses them: one LOG-NOT-KEPT warning per sheet and pair, at its first row, naming
    the program and the rows left unused (they were dropped with no finding at all)."""
    result = evaluate_with(JOB, employees=job_roster(),
                           assignments=[job_pair(program="ITSS Technical Advancement Skills Coaching"), job_pair(candidate="201")],
                           milestones=[milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-08-21")],
                           feedback=[feedback("Coach", "2026-05-01", candidate="201")])
    unused = found(result, "LOG-NOT-KEPT")
    assert [(f.file, f.cell, f.severity, f.program, f.candidate_id, f.message) for f in unused] == [
        ("feedback.xlsx", cell("feedback", "candidate_id", 1), "warning", JOB, "201",
         "Candidate 201 and coach 100 are assigned in Job-Embedded Coaching, which keeps no feedback round; 1 feedback row not used"),
        ("milestones.xlsx", cell("milestones", "candidate_id", 1), "warning", "itss-coaching", "200",
         "Candidate 200 and coach 100 are assigned in ITSS Technical Advancement Skills Coaching, which keeps no milestones; "
         "2 milestone rows not used")]


def test_rows_of_two_people_assigned_also_in_a_program_keeping_them_are_used_without_a_warning():
    result = evaluate_with(JOB, employees=job_roster(),
                           assignments=[job_pair(start="2025-09-01", program="itss-coaching"), job_pair(start="2026-08-01")],
                           milestones=[milestone("Agreement", "2026-08-20")])
    assert found(result, "LOG-NOT-KEPT") == [] and found(result, "LOG-NO-ASSIGNMENT") == []
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=[feedback("Coach", "2026-05-01")])
    assert found(result, "LOG-NOT-KEPT") == []


def test_a_cell_finding_on_a_pairs_row_gets_the_pairs_program_when_the_two_have_pairs_of_one_program_only():
    from coaching_batch.findings import finding
    from coaching_batch.rules.pairs import with_pair_programs

    pairs = pd.DataFrame({"candidate_id": ["200", "200", "201", "201", "202"], "coach_id": ["100", "100", "101", "101", "102"],
                          "program": [REPS, REPS, REPS, "job-embedded", "peer circle"],
                          "known_program": [True, True, True, True, False]})
    cells = [finding("CELL-ENUM", "Role 'Observer' is not one of: Coach, Coachee", file="feedback.xlsx", sheet="Feedback",
                     cell="B2", candidate_id=candidate, coach_id=coach) for candidate, coach in (("200", "100"), ("201", "101"), ("202", "102"), ("203", "103"))]
    about_a_file = finding("FILE-DUPLICATE", "same bytes", file="copy.xlsx")
    already = finding("LOG-DATE-FUTURE", "after as-of", candidate_id="200", coach_id="100", program="job-embedded")
    tagged = with_pair_programs([*cells, about_a_file, already], pairs)
    assert [f.program for f in tagged] == [REPS, "", "", "", "", "job-embedded"]  # two programs, not known, no pair
    assert tagged[0] == dataclasses.replace(cells[0], program=REPS)


def test_a_bad_cell_on_a_feedback_row_is_reported_under_the_pairs_program(tmp_path):
    """Validation knows no pairs: the run gives a finding on a row of a pair's the pair's program, so
    the results workbook sums it under that program (SPEC §2a)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(reps_roster())})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([{**reps_pair(start=dt.date(2025, 6, 1)), "program": REPS}])})
    write_workbook(inbox / "feedback.xlsx", {"Feedback": table_rows("feedback", 
        [{**feedback("Observer", dt.date(2026, 5, 1)), "comments": None}, {**feedback("Coachee", dt.date(2026, 5, 1)), "rating": 9}])})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    bad = [f for f in result.findings if f.sheet == "Feedback"]
    assert sorted(f.rule for f in bad) == ["CELL-ENUM", "CELL-TYPE"]
    assert {f.program for f in bad} == {REPS}


def test_missing_feedback_names_the_cell_its_feedback_row_is_left_out_for(tmp_path):
    """The coachee's only feedback row, left out for a Rating of 3.5: FEEDBACK-MISSING said "No feedback
    from the coachee" and asked the coachee to send a form in, with nothing linking it to the CELL-TYPE."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(reps_roster())})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([{**reps_pair(start=dt.date(2025, 6, 1)), "program": REPS}])})
    write_workbook(inbox / "feedback.xlsx", {"Feedback": table_rows("feedback", [
        {**feedback("Coach", dt.date(2026, 5, 1)), "rating": 3.5}, {**feedback("Coachee", dt.date(2026, 5, 1)), "rating": "3.5"}])})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    bad = {f.cell for f in result.findings if f.rule == "CELL-TYPE"}
    assert bad == {"F2", "F3"}
    missing = {f.topic: f for f in result.findings if f.rule == "FEEDBACK-MISSING"}
    assert missing["Coachee"].message.endswith("; the coachee's feedback row is left out for the error at feedback.xlsx, "
                                               "Feedback, F3: fix that cell")
    assert missing["Coach"].message.endswith("; the coach's feedback row is left out for the error at feedback.xlsx, "
                                             "Feedback, F2: fix that cell")
    assert (missing["Coachee"].actor, missing["Coachee"].fix) == (
        "coordinator", "Correct the cell at feedback.xlsx, Feedback, F3, then re-run; if that row is not this year's "
                       "feedback form, ask the coachee to send one in.")


def test_missing_feedback_names_no_row_left_out_of_another_role_or_pair(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(reps_roster())})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([{**reps_pair(start=dt.date(2025, 6, 1)), "program": REPS}])})
    write_workbook(inbox / "feedback.xlsx", {"Feedback": table_rows("feedback", [
        {**feedback("Coach", dt.date(2026, 5, 1)), "rating": 9}, {**feedback("Coachee", dt.date(2026, 5, 1), candidate="201"), "rating": 9}])})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    coachee = [f for f in result.findings if f.rule == "FEEDBACK-MISSING" and f.topic == "Coachee"]
    assert [("left out" in f.message, f.actor) for f in coachee] == [(False, "candidate")]


def test_feedback_comments_and_ratings_are_not_copied_into_the_evaluation():
    rows = [feedback("Coach", "2026-05-01"), feedback("Coachee", "2026-05-02")]
    result = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2027-06-01")], feedback=rows)
    assert "comments" not in result.pairs.columns and "rating" not in result.pairs.columns
    assert not any("secret comment" in f.message for f in result.findings)


# TABLE-MISSING (warning): no sheet of a table the inbox's pairs need

def without_table(table, program, as_of=AS_OF, **rows):
    """``evaluate_with``, the inbox holding no sheet of ``table``."""
    tables = typed_tables(**rows)
    tables.missing.add(table)
    return evaluate(tables, load_policy(program), pd.Timestamp(as_of))


def test_no_milestones_table_is_said_once_naming_the_job_embedded_pairs_that_need_one():
    """Each pair's AGREEMENT-LATE said only "No partnership agreement recorded this school year": the
    coordinator hunted pair by pair for agreements never sent in, one workbook for all of them."""
    pairs = [job_pair(), job_pair(candidate="201")]
    result = without_table("milestones", JOB, employees=job_roster(), assignments=pairs, coach_log=fortnightly())
    [missing] = found(result, "TABLE-MISSING")
    assert (missing.severity, missing.actor, missing.program, missing.file) == ("warning", "coordinator", JOB, "")
    assert missing.message == ("No milestones table was read from the inbox, though 2 Job-Embedded Coaching pairs need one: "
                               "each is judged as having no milestone rows (candidate / coach: 200 / 100, 201 / 100)")
    assert missing.fix.startswith("Put the workbook with the Milestones sheet in the inbox")
    assert len(found(result, "AGREEMENT-LATE")) == 2  # still each pair's


def test_a_milestones_table_empty_of_a_pairs_rows_is_no_missing_table():
    result = job(milestones=[milestone("Agreement", "2026-08-20", candidate="201")])
    assert found(result, "TABLE-MISSING") == [] and len(found(result, "AGREEMENT-LATE")) == 1


def test_no_feedback_table_is_said_once_naming_the_reps_pairs_due_a_feedback_round():
    pairs = [reps_pair(start="2025-06-01", extended_until="2027-06-01"), reps_pair(candidate="201", start="2026-06-01")]
    result = without_table("feedback", REPS, employees=reps_roster(), assignments=pairs, coach_log=[coach_entry("2026-11-01")])
    [missing] = found(result, "TABLE-MISSING")
    assert missing.message == ("No feedback table was read from the inbox, though 1 Reps Coaching pair needs one: it is "
                               "judged as having no feedback rows (candidate / coach: 200 / 100)")  # 201: not due yet
    assert missing.severity == "warning" and missing.topic == "feedback"
    assert len(found(result, "FEEDBACK-MISSING")) == 2


def test_no_feedback_table_while_no_pair_is_due_a_round_is_no_finding():
    result = without_table("feedback", REPS, employees=reps_roster(), assignments=[reps_pair()], coach_log=[coach_entry("2026-11-01")])
    assert found(result) == []


def test_a_run_without_a_milestones_workbook_says_so_on_the_console(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(job_roster())})
    pairs = [{**job_pair(candidate=candidate, start=dt.date(2026, 6, 1)), "program": JOB} for candidate in ("200", "201")]
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows(pairs)})
    completed = run_command("run", inbox, "--as-of", AS_OF.date(), "--out", tmp_path / "out", "--dry-run")
    assert completed.stdout.splitlines()[1] == ("Missing: no milestones table was found in the inbox, which job-embedded pairs "
                                                "need: each is judged as having none of its rows; see TABLE-MISSING in the Exceptions")
    assert "Missing:" not in completed.stderr


def test_an_inbox_without_a_milestones_workbook_says_so_once(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(job_roster())})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([{**job_pair(start=dt.date(2026, 6, 1)), "program": JOB}])})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    assert [(f.severity, f.topic) for f in result.findings if f.rule == "TABLE-MISSING"] == [("warning", "milestones")]
    write_workbook(inbox / "milestones.xlsx", {"Milestones": table_rows("milestones", [milestone("Agreement", dt.date(2026, 8, 20), candidate="201")])})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out2", dry_run=True))
    assert "TABLE-MISSING" not in {f.rule for f in result.findings}


# reps verdicts and window

def test_completed_reps_pair_with_a_qualified_coach_is_completion_eligible_and_never_paid():
    result = reps(pairs=[reps_pair(status="Completed", completion="2026-10-01", payment_request_date="2026-10-02")])
    pair = pair_of(result)
    assert pair["completion_eligible"] and not pair["payment_eligible"]
    assert result.payable.empty
    assert not any(f.rule.startswith("PAYMENT-") for f in result.findings)


def test_active_reps_pair_is_not_completion_eligible():
    assert not pair_of(reps())["completion_eligible"]


def test_reps_entries_on_the_commitment_end_count_and_after_it_do_not():
    log = [coach_entry("2026-06-01", 60), coach_entry("2026-06-02", 45)]
    result = reps(pairs=[reps_pair(start="2025-06-01")], log=log)
    assert [f.cell for f in found(result, "LOG-OUTSIDE-WINDOW")] == [cell("coach_log", "date", 2)]
    assert pair_of(result)["coach_contact_minutes"] == 60
    extended = reps(pairs=[reps_pair(start="2025-06-01", extended_until="2026-12-31")], log=log)
    assert found(extended, "LOG-OUTSIDE-WINDOW") == []
    assert pair_of(extended)["coach_contact_minutes"] == 105


def test_reps_entries_before_the_start_or_after_the_completion_are_outside_the_window():
    log = [coach_entry("2026-05-31", 30), coach_entry("2026-06-01", 60), coach_entry("2026-10-01", 60), coach_entry("2026-10-02", 45)]
    result = reps(pairs=[reps_pair(status="Completed", completion="2026-10-01")], log=log)
    assert sorted(f.cell for f in found(result, "LOG-OUTSIDE-WINDOW")) == [cell("coach_log", "date", 1), cell("coach_log", "date", 4)]
    assert pair_of(result)["coach_contact_minutes"] == 120
    assert {f.fix for f in found(result, "LOG-OUTSIDE-WINDOW")} == {"Check the date: only entries from the planning meeting to the completion date count."}


# --- job-embedded ------------------------------------------------------------------------------

JOB = "job-embedded"


def job_roster():
    people = [{"employee_id": "100", "name": "Jordan Coach", "grade": 30, "hire_date": "2010-01-01"}]
    return people + [{"employee_id": str(200 + i), "name": f"Principal {i}", "grade": 28} for i in range(4)]


def job_pair(candidate="200", coach="100", start="2026-06-01", status="Active", completion=None, **extra):
    return {"candidate_id": candidate, "coach_id": coach, "assigned_date": start, "planning_meeting_date": start,
            "status": status, "completion_date": completion, **extra}


def milestone(phase, date, candidate="200", coach="100"):
    return {"candidate_id": candidate, "coach_id": coach, "phase": phase, "date": date}


def fortnightly(first="2026-08-06", last=AS_OF, candidate="200"):
    return [coach_entry(d.strftime("%Y-%m-%d"), 60, candidate) for d in pd.date_range(first, last, freq="14D")]


ON_TIME = [milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-08-20")]
ALL_PHASES = [milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-08-20"),
              milestone("Relationship", "2026-09-10"), milestone("Goals", "2026-10-01"),
              milestone("Ongoing Support", "2026-10-20")]


def job(pairs=None, milestones=None, log=None, as_of=AS_OF, program=JOB):
    return evaluate_with(
        program, as_of,
        employees=job_roster(),
        assignments=[job_pair()] if pairs is None else pairs,
        milestones=ON_TIME if milestones is None else milestones,
        coach_log=fortnightly() if log is None else log,
    )


def test_job_embedded_pair_with_an_agreement_on_time_and_regular_meetings_has_no_findings():
    result = job()
    assert found(result) == []
    assert pair_of(result)["program"] == JOB
    assert pair_of(result)["coach_contact_hours"] == 8.00


# AGREEMENT-LATE

def test_agreement_30_days_after_the_school_year_start_is_on_time():
    result = job(milestones=[milestone("Agreement", "2026-08-31")])
    assert found(result, "AGREEMENT-LATE") == []


def test_agreement_31_days_after_the_school_year_start_is_late():
    result = job(milestones=[milestone("Agreement", "2026-09-01")])
    findings = found(result, "AGREEMENT-LATE")
    assert len(findings) == 1 and findings[0].severity == "error"
    assert "2026-09-01" in findings[0].message
    assert "held late" in findings[0].fix and "Hold the" not in findings[0].fix  # it was held: nothing to hold


def test_no_agreement_tells_the_coordinator_to_hold_it():
    findings = found(job(milestones=[], log=[], as_of="2026-09-01"), "AGREEMENT-LATE")
    assert findings[0].fix.startswith("Hold the partnership agreement meeting")


def test_agreement_of_a_pair_starting_after_the_school_year_start_is_measured_from_its_start():
    pairs = [job_pair(start="2026-09-10")]
    assert found(job(pairs=pairs, milestones=[milestone("Agreement", "2026-10-10")]), "AGREEMENT-LATE") == []
    assert len(found(job(pairs=pairs, milestones=[milestone("Agreement", "2026-10-11")]), "AGREEMENT-LATE")) == 1


def test_a_pair_without_a_planning_meeting_is_measured_from_its_assigned_date():
    pairs = [job_pair(start="2026-09-10", planning_meeting_date=None)]
    assert found(job(pairs=pairs, milestones=[milestone("Agreement", "2026-10-10")]), "AGREEMENT-LATE") == []
    assert len(found(job(pairs=pairs, milestones=[milestone("Agreement", "2026-10-11")]), "AGREEMENT-LATE")) == 1


def test_no_agreement_is_late_once_as_of_is_31_days_after_the_start_of_the_school_year():
    assert len(found(job(milestones=[], log=[], as_of="2026-09-01"), "AGREEMENT-LATE")) == 1


def test_no_agreement_is_not_yet_late_30_days_after_the_start_of_the_school_year():
    assert found(job(milestones=[], log=[], as_of="2026-08-31"), "AGREEMENT-LATE") == []


def test_an_agreement_of_last_school_year_does_not_count():
    result = job(milestones=[milestone("Agreement", "2025-08-20")])
    assert len(found(result, "AGREEMENT-LATE")) == 1


def test_a_milestone_dated_after_as_of_does_not_count_and_the_message_names_it():
    result = job(milestones=[milestone("Agreement", day(AS_OF, 1))])
    [late] = found(result, "AGREEMENT-LATE")
    assert late.message.startswith(f"No partnership agreement dated by the as-of date {day(AS_OF)}: "
                                   f"the one recorded is dated {day(AS_OF, 1)}, after it;")
    assert "recorded this school year" not in reasons(pair_of(result))


def test_the_reason_naming_an_agreement_dated_after_as_of_is_one_reason_in_run_json(tmp_path):
    """run.json lists a pair's reasons one by one: this one was cut in two at its "; " ("... (due by
    2026-08-31" and "the one recorded is dated 2026-09-10)")."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(job_roster())})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([{**job_pair(start=dt.date(2026, 6, 1)), "program": JOB}])})
    write_workbook(inbox / "milestones.xlsx", {"Milestones": table_rows("milestones", [milestone("Agreement", dt.date(2026, 9, 10))])})
    completed = run_command("run", inbox, "--as-of", "2026-09-05", "--out", tmp_path / "out", "--dry-run")
    assert completed.returncode == 0, completed.stderr
    [pair] = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["pairs"]
    assert pair["reasons"] == ["status is Active, not Completed",
                               "no partnership agreement by the as-of date 2026-09-05 (due by 2026-08-31, the one recorded dated 2026-09-10)",
                               "phases not dated: Orientation, Relationship, Goals, Ongoing Support"]


def test_milestones_dated_the_day_before_the_school_year_are_named_as_of_the_earlier_one():
    """A pair met first on 1 August (the preset's school-year start), its Orientation and Agreement dated
    31 July: SPEC puts them in the earlier school year, and they are left out, but the reasons said "phases
    not dated: Orientation, ..." and AGREEMENT-LATE "No partnership agreement recorded this school year",
    neither naming the rows the coordinator sees dated: both say they are of an earlier school year."""
    result = job(pairs=[job_pair(start="2026-08-01")], as_of="2026-09-01",
                 milestones=[milestone("Orientation", "2026-07-31"), milestone("Agreement", "2026-07-31")])
    [late] = found(result, "AGREEMENT-LATE")
    assert late.message == ("No partnership agreement recorded this school year, which starts 2026-08-01: the one recorded is "
                            "dated 2026-07-31, of an earlier school year; it was due within 30 days of the start of the "
                            "school year 2026-08-01 (by 2026-08-31)")
    assert late.fix.startswith("Check the date of the Agreement milestone dated 2026-07-31")
    assert reasons(pair_of(result)).split("; ") == [
        "status is Active, not Completed",
        "no partnership agreement this school year (due by 2026-08-31, the one recorded dated 2026-07-31 is of an earlier school year)",
        "phases not dated: Orientation, Relationship, Goals, Ongoing Support (Orientation dated 2026-07-31: of an earlier school "
        "year, before 2026-08-01)"]


def test_a_phase_missing_names_the_phase_dated_in_an_earlier_school_year():
    result = job(pairs=[job_pair(start="2026-08-01")], as_of="2026-09-01",
                 milestones=[milestone("Agreement", "2026-08-10"), milestone("Orientation", "2026-07-31"),
                             milestone("Relationship", "2026-08-20")])
    [missing] = found(result, "PHASE-MISSING")
    assert missing.message == ("Orientation has no date this school year (the one recorded is dated 2026-07-31, before "
                               "2026-08-01: of an earlier school year), but Relationship is dated 2026-08-20")


def test_the_current_school_year_is_the_one_holding_as_of():
    last_year = [milestone("Agreement", "2025-08-31"), milestone("Orientation", "2025-08-31"),
                 milestone("Agreement Review", "2025-12-10"), milestone("Agreement Review", "2026-04-10")]
    pairs = [job_pair(start="2025-06-01")]
    end_of_year = job(pairs=pairs, milestones=last_year, log=fortnightly("2026-06-20", "2026-07-31"), as_of="2026-07-31")
    assert found(end_of_year, "AGREEMENT-LATE") == [] and found(end_of_year, "AGREEMENT-REVIEWS-SHORT") == []
    new_year = job(pairs=pairs, milestones=last_year, log=[], as_of="2026-08-01")
    assert found(new_year, "AGREEMENT-LATE") == [] and found(new_year, "AGREEMENT-REVIEWS-SHORT") == []
    a_month_in = job(pairs=pairs, milestones=last_year, log=[], as_of="2026-09-01")
    assert len(found(a_month_in, "AGREEMENT-LATE")) == 1


def test_a_late_agreement_blocks_completion_but_is_not_a_warning():
    result = job(pairs=[job_pair(status="Completed", completion="2026-11-10")],
                 milestones=[m if m["phase"] != "Agreement" else milestone("Agreement", "2026-09-01") for m in ALL_PHASES],
                 log=fortnightly(last="2026-11-10"))
    assert [f.severity for f in found(result, "AGREEMENT-LATE")] == ["error"]
    assert not pair_of(result)["completion_eligible"]


# AGREEMENT-REVIEWS-SHORT

def test_no_review_by_15_december_is_0_of_1():
    findings = found(job(as_of="2026-12-15"), "AGREEMENT-REVIEWS-SHORT")
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert "0 of 1" in findings[0].message


def test_no_review_by_14_december_is_not_yet_short():
    assert found(job(as_of="2026-12-14"), "AGREEMENT-REVIEWS-SHORT") == []


def test_one_review_by_15_december_is_enough():
    result = job(milestones=ON_TIME + [milestone("Agreement Review", "2026-12-10")], as_of="2026-12-15")
    assert found(result, "AGREEMENT-REVIEWS-SHORT") == []


def test_one_review_by_15_april_is_1_of_2():
    result = job(milestones=ON_TIME + [milestone("Agreement Review", "2026-12-10")], as_of="2027-04-15")
    findings = found(result, "AGREEMENT-REVIEWS-SHORT")
    assert len(findings) == 1 and "1 of 2" in findings[0].message


def test_a_review_due_before_the_pairs_agreement_was_due_is_not_owed():
    started_in_december = [job_pair(start="2026-12-01")]  # its agreement is due by 2026-12-31
    agreed = [milestone("Agreement", "2026-12-20")]
    assert found(job(pairs=started_in_december, milestones=agreed, log=[], as_of="2026-12-15"), "AGREEMENT-REVIEWS-SHORT") == []
    [short] = found(job(pairs=started_in_december, milestones=agreed, log=[], as_of="2027-04-15"), "AGREEMENT-REVIEWS-SHORT")
    assert "0 of 1" in short.message and "2026-12-15" not in short.message
    starting_in_may = [job_pair(start="2027-05-01")]
    assert found(job(pairs=starting_in_may, milestones=[], log=[], as_of="2027-04-15"), "AGREEMENT-REVIEWS-SHORT") == []


def test_the_reviews_due_are_named_in_the_order_they_fall_whatever_the_policys_order(tmp_path):
    """A policy listing its reviews spring first (review_due = ["04-15", "12-15"]) was told "(due
    2027-04-15, 2026-12-15)": the dates are named as they fall in the school year."""
    spring_first = preset_copy(tmp_path, JOB, 'review_due = ["12-15", "04-15"]', 'review_due = ["04-15", "12-15"]')
    [short] = found(job(as_of="2027-04-15", program=spring_first), "AGREEMENT-REVIEWS-SHORT")
    assert short.message.endswith("0 of 2 reviews of the partnership agreement recorded this school year "
                                  "(due 2026-12-15, 2027-04-15)")


def test_one_review_recorded_twice_is_one_review_not_the_next_one_due():
    """The December review entered on two rows (or in two coaches' files) stood for April's too: by
    15 April the pair had "2 of 2" and no warning."""
    december_twice = ON_TIME + [milestone("Agreement Review", "2026-12-10"), milestone("Agreement Review", "2026-12-10")]
    [short] = found(job(milestones=december_twice, as_of="2027-04-15"), "AGREEMENT-REVIEWS-SHORT")
    assert "1 of 2 reviews" in short.message


def test_a_review_of_last_school_year_does_not_count():
    result = job(milestones=ON_TIME + [milestone("Agreement Review", "2026-04-10")], as_of="2026-12-15")
    findings = found(result, "AGREEMENT-REVIEWS-SHORT")
    assert len(findings) == 1 and "0 of 1" in findings[0].message


# PHASE-OUT-OF-ORDER and PHASE-MISSING

def test_phases_on_the_same_day_are_in_order():
    rows = ON_TIME + [milestone("Relationship", "2026-08-20")]
    assert found(job(milestones=rows), "PHASE-OUT-OF-ORDER") == []


def test_a_phase_dated_before_an_earlier_phase_is_out_of_order_naming_both():
    rows = [milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-09-10"), milestone("Relationship", "2026-09-05")]
    findings = found(job(milestones=rows), "PHASE-OUT-OF-ORDER")
    assert len(findings) == 1 and findings[0].severity == "warning"
    message = findings[0].message
    assert all(text in message for text in ("Orientation", "Relationship", "2026-09-10", "2026-09-05"))


def test_the_fix_for_phases_out_of_order_names_the_policys_order(tmp_path):
    rows = [milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-09-10"), milestone("Relationship", "2026-09-05")]
    [preset] = found(job(milestones=rows), "PHASE-OUT-OF-ORDER")
    assert preset.fix == "Check the phase dates: Orientation, Relationship, Goals and Ongoing Support come in that order."
    goals_first = preset_copy(tmp_path, JOB, 'order = ["Orientation", "Relationship", "Goals", "Ongoing Support"]',
                              'order = ["Goals", "Orientation", "Relationship", "Ongoing Support"]')
    rows = [milestone("Agreement", "2026-08-20"), milestone("Goals", "2026-09-10"), milestone("Orientation", "2026-09-05")]
    [own] = found(job(milestones=rows, program=goals_first), "PHASE-OUT-OF-ORDER")
    assert own.message == "Orientation dated 2026-09-05, before Goals dated 2026-09-10"
    assert own.fix == "Check the phase dates: Goals, Orientation, Relationship and Ongoing Support come in that order."


def test_phase_order_uses_each_phases_earliest_date():
    rows = [milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-09-10"), milestone("Orientation", "2026-09-01"),
            milestone("Relationship", "2026-09-05")]
    assert found(job(milestones=rows), "PHASE-OUT-OF-ORDER") == []


def test_a_phase_dated_while_earlier_phases_have_no_date_is_one_finding_per_missing_phase():
    rows = [milestone("Agreement", "2026-08-20"), milestone("Goals", "2026-10-01")]
    findings = found(job(milestones=rows), "PHASE-MISSING")
    assert len(findings) == 2 and all(f.severity == "warning" for f in findings)
    assert sorted("Orientation" in f.message for f in findings) == [False, True]
    assert sorted("Relationship" in f.message for f in findings) == [False, True]
    # each its own finding from week to week: the one fixed is Resolved, the other still Open
    assert len({finding_key(f) for f in findings}) == 2


def test_phases_dated_in_order_with_none_skipped_are_not_missing():
    rows = [milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-08-25"), milestone("Relationship", "2026-09-05")]
    result = job(milestones=rows)
    assert found(result, "PHASE-MISSING") == [] and found(result, "PHASE-OUT-OF-ORDER") == []


def test_a_phase_dated_after_as_of_is_not_yet_reached():
    rows = ON_TIME + [milestone("Goals", day(AS_OF, 3))]
    result = job(milestones=rows)
    assert found(result, "PHASE-MISSING") == [] and found(result, "PHASE-OUT-OF-ORDER") == []


def test_a_phase_dated_after_as_of_is_named_not_said_to_have_no_date():
    """Relationship recorded for 1 December (a slip for 1 October?) with as-of 20 November: the
    warning said "Relationship has no date" while the sheet shows one."""
    rows = ON_TIME + [milestone("Relationship", "2026-12-01"), milestone("Goals", "2026-10-01")]
    [missing] = found(job(milestones=rows), "PHASE-MISSING")
    assert missing.message == ("Relationship has no date by the as-of date 2026-11-20 (the one recorded is dated 2026-12-01), "
                               "but Goals is dated 2026-10-01")


def test_a_pair_coached_again_the_next_school_year_is_judged_on_this_years_phases_only():
    """The same principal and coach, 2025-26 and again 2026-27: last year's phases, all dated in
    order, do not make this year's pair (Goals before Relationship, no Ongoing Support) complete."""
    last_year = [milestone("Agreement", "2025-09-15"), milestone("Orientation", "2025-09-20"), milestone("Relationship", "2025-09-21"),
                 milestone("Goals", "2025-09-22"), milestone("Ongoing Support", "2025-09-23")]
    this_year = [milestone("Agreement", "2026-08-20"), milestone("Orientation", "2026-09-01"), milestone("Goals", "2026-09-03"),
                 milestone("Relationship", "2026-09-10")]
    pairs = [job_pair(start="2025-09-08", status="Completed", completion="2026-05-29"),
             job_pair(start="2026-08-10", status="Completed", completion="2026-11-13")]
    result = job(pairs=pairs, milestones=last_year + this_year, log=fortnightly(first="2026-08-12", last="2026-11-13"))
    [out_of_order] = found(result, "PHASE-OUT-OF-ORDER")
    assert out_of_order.message == "Goals dated 2026-09-03, before Relationship dated 2026-09-10"
    now = result.pairs[result.pairs["completion_date"] == pd.Timestamp("2026-11-13")].iloc[0]
    assert not now["completion_eligible"] and "phase not dated: Ongoing Support" in reasons(now)
    assert result.certificates.empty


def test_a_pair_begun_again_in_july_is_not_judged_on_the_phases_of_the_pair_completed_before_it():
    """Begun on 27 July, before the school year's 1 August start, the new pair reached back into last
    school year and was certified on the phases of the pair completed in June."""
    last_year = [milestone("Agreement", "2025-09-15"), milestone("Orientation", "2025-09-20"), milestone("Relationship", "2025-09-21"),
                 milestone("Goals", "2025-09-22"), milestone("Ongoing Support", "2025-09-23")]
    pairs = [job_pair(start="2025-09-08", status="Completed", completion="2026-06-10"),
             job_pair(start="2026-07-27", status="Completed", completion="2026-11-13")]
    result = job(pairs=pairs, milestones=last_year + [milestone("Agreement", "2026-08-05")],
                 log=fortnightly(first="2026-07-29", last="2026-11-13"))
    now = result.pairs[result.pairs["completion_date"] == pd.Timestamp("2026-11-13")].iloc[0]
    assert not now["completion_eligible"] and "phases not dated: Orientation, Relationship, Goals, Ongoing Support" in reasons(now)
    assert result.certificates.empty


def test_the_agreement_and_a_phase_dated_a_little_before_the_planning_meeting_are_the_pairs():
    rows = [milestone("Agreement", "2026-09-05"), milestone("Orientation", "2026-09-05"), milestone("Relationship", "2026-09-20"),
            milestone("Goals", "2026-10-01"), milestone("Ongoing Support", "2026-10-20")]
    result = job(pairs=[job_pair(start="2026-09-10", status="Completed", completion="2026-11-10")], milestones=rows,
                 log=fortnightly(first="2026-09-10", last="2026-11-10"))
    assert found(result) == [] and pair_of(result)["completion_eligible"]


def test_a_pair_started_last_school_year_keeps_the_phases_it_reached_then():
    rows = [milestone("Orientation", "2026-06-05"), milestone("Relationship", "2026-06-20"), milestone("Agreement", "2026-08-20"),
            milestone("Goals", "2026-10-01"), milestone("Ongoing Support", "2026-10-20")]
    result = job(pairs=[job_pair(start="2026-06-01", status="Completed", completion="2026-11-10")], milestones=rows,
                 log=fortnightly(last="2026-11-10"))
    assert found(result) == [] and pair_of(result)["completion_eligible"]


def test_the_agreement_and_a_phase_dated_after_the_completion_date_are_the_pairs():
    """SPEC §2a stops the counted hours at the completion date, not the milestones: an agreement on
    time and the last phase, both recorded a few days after the last meeting, are the pair's."""
    rows = [milestone("Orientation", "2026-08-06"), milestone("Relationship", "2026-08-10"), milestone("Goals", "2026-08-20"),
            milestone("Ongoing Support", "2026-08-28"), milestone("Agreement", "2026-08-30")]
    pairs = [job_pair(start="2026-08-05", status="Completed", completion="2026-08-25")]
    result = job(pairs=pairs, milestones=rows, log=[coach_entry("2026-08-05"), coach_entry("2026-08-20"), coach_entry("2026-08-24")],
                 as_of="2026-10-30")
    assert found(result) == []
    assert pair_of(result)["completion_eligible"] and len(result.certificates) == 1


def test_milestones_after_the_completion_date_are_the_next_coachings_when_the_two_people_began_again():
    """Coached again in the same school year: what is dated after the first coaching was completed is
    the second one's; the first is told that the agreement recorded is the next coaching's, not that
    none is recorded."""
    rows = [milestone("Orientation", "2026-08-12"), milestone("Relationship", "2026-08-20"), milestone("Goals", "2026-09-01"),
            milestone("Ongoing Support", "2026-09-20"), milestone("Agreement", "2026-09-25")]
    pairs = [job_pair(start="2026-08-05", status="Completed", completion="2026-09-15"), job_pair(start="2026-10-01")]
    result = job(pairs=pairs, milestones=rows, log=fortnightly(first="2026-10-01"))
    first, again = result.pairs.iloc[0], result.pairs.iloc[1]
    assert not first["completion_eligible"] and "phase not dated: Ongoing Support" in reasons(first)
    [late] = [f for f in found(result, "AGREEMENT-LATE") if "2026-09-04" in f.message]
    assert "No partnership agreement recorded" not in late.message
    assert late.message.startswith("No partnership agreement dated by 2026-09-15: the one recorded is dated 2026-09-25, "
                                   "the same two people's next coaching's")
    assert [f.message for f in found(result, "PHASE-MISSING")] == [
        f"{phase} has no date, but Ongoing Support is dated 2026-09-20" for phase in ("Orientation", "Relationship", "Goals")]
    assert not again["completion_eligible"]


def test_a_milestone_of_a_pair_without_an_assignment_is_a_finding_at_its_candidate_cell():
    result = job(milestones=ON_TIME + [milestone("Orientation", "2026-09-01", candidate="203")])
    findings = found(result, "LOG-NO-ASSIGNMENT")
    assert [(f.file, f.cell) for f in findings] == [("milestones.xlsx", cell("milestones", "candidate_id", 3))]


# MEETING-GAP

def test_meetings_21_days_apart_are_regular():
    log = [coach_entry(d) for d in ("2026-10-01", "2026-10-22", "2026-11-05", "2026-11-19")]
    assert found(job(log=log), "MEETING-GAP") == []


def test_meetings_22_days_apart_are_a_gap_stating_both_dates_and_the_days():
    log = [coach_entry(d) for d in ("2026-10-01", "2026-10-23", "2026-11-05", "2026-11-19")]
    findings = found(job(log=log), "MEETING-GAP")
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert all(text in findings[0].message for text in ("2026-10-01", "2026-10-23", "22"))


def test_a_job_embedded_copy_with_its_own_words_says_them_in_the_fixes():
    ours = renamed(JOB, coach="partner", candidate="teacher", activity="partnering")
    log = [coach_entry(d) for d in ("2026-10-01", "2026-10-23", "2026-11-05", "2026-11-19")]
    result = job(log=log, as_of="2026-12-15", program=ours)
    assert {"MEETING-GAP", "AGREEMENT-REVIEWS-SHORT"} <= set(found(result))
    text = said_in(result.findings)
    assert not re.search(r"coach", text, re.IGNORECASE), text
    assert "Review the partnership agreement with the teacher" in text
    assert "schedule the next partnering meeting" in text


def test_latest_meeting_21_days_before_as_of_is_not_a_gap():
    log = [coach_entry(d) for d in ("2026-10-15", day(AS_OF, -21))]
    assert found(job(log=log), "MEETING-GAP") == []


def test_latest_meeting_22_days_before_as_of_is_a_gap():
    log = [coach_entry(d) for d in ("2026-10-15", day(AS_OF, -22))]
    findings = found(job(log=log), "MEETING-GAP")
    assert len(findings) == 1 and day(AS_OF, -22) in findings[0].message and "22" in findings[0].message


def test_an_entry_that_is_not_counted_does_not_close_a_gap():
    log = [coach_entry(d) for d in ("2026-10-01", "2026-10-23", "2026-11-05", "2026-11-19")] + [coach_entry("2026-10-12", 0)]
    result = job(log=log)
    assert len(found(result, "LOG-DURATION-INVALID")) == 1
    assert len(found(result, "MEETING-GAP")) == 1


def test_gaps_are_counted_from_the_first_meeting_not_from_the_school_year_start():
    assert found(job(log=fortnightly(first="2026-10-01")), "MEETING-GAP") == []


def test_a_meeting_of_last_school_year_is_not_counted_and_makes_no_gap():
    """A meeting of the pair's own, held last school year (after its planning meeting): kept, not
    counted, and told of once, as information, not as a date to check."""
    log = [coach_entry("2026-07-01", 90)] + fortnightly(first="2026-08-20")
    result = job(log=log)
    assert found(result, "MEETING-GAP") == []
    assert pair_of(result)["coach_contact_minutes"] == 60 * len(fortnightly(first="2026-08-20"))
    assert found(result, "LOG-OUTSIDE-WINDOW") == []
    [kept] = found(result, "LOG-EARLIER-YEAR")
    assert (kept.severity, kept.actor, kept.cell) == ("info", "coordinator", cell("coach_log", "date", 1))
    assert kept.message == ("1 coach log entry dated 2026-07-01, before the start of the school year on 2026-08-01: "
                            "a meeting of an earlier school year, kept and not counted")


def test_an_active_pair_whose_latest_meeting_was_last_school_year_has_a_gap():
    """No meeting since the summer: the latest meeting, however long ago, is the one the gap runs from
    (it is not counted for this school year's hours, nor told of entry by entry)."""
    result = job(log=[coach_entry("2026-06-01"), coach_entry("2026-06-15")])
    [gap] = found(result, "MEETING-GAP")
    assert "2026-06-15" in gap.message and f"{(pd.Timestamp(AS_OF) - pd.Timestamp('2026-06-15')).days} days" in gap.message
    assert pair_of(result)["coach_contact_minutes"] == 0
    assert found(result, "LOG-OUTSIDE-WINDOW") == []
    [kept] = found(result, "LOG-EARLIER-YEAR")
    assert kept.message.startswith("2 coach log entries dated 2026-06-01 to 2026-06-15, before the start of the school year")


def test_a_new_school_year_keeps_last_years_meetings_of_a_continuing_pair_without_a_warning_each():
    """The first run of a school year: every meeting of last year of a pair still Active is kept
    without a word to its coach (one information finding for the log sheet), while this year's hours
    start from zero and the latest meeting still ends the gap; a meeting dated before the pair's own
    planning meeting is LOG-OUTSIDE-WINDOW still."""
    as_of = "2027-08-10"
    milestones = [milestone("Agreement", "2027-08-05"), milestone("Orientation", "2026-08-20")]
    log = [coach_entry("2026-05-20")] + fortnightly(first="2026-08-06", last="2027-06-30") + [coach_entry("2027-08-04", 45)]
    result = job(milestones=milestones, log=log, as_of=as_of)
    assert pair_of(result)["coach_contact_minutes"] == 45
    assert found(result, "MEETING-GAP") == []
    [outside] = found(result, "LOG-OUTSIDE-WINDOW")
    assert outside.cell == cell("coach_log", "date", 1) and outside.severity == "warning"
    [kept] = found(result, "LOG-EARLIER-YEAR")
    last_year = fortnightly(first="2026-08-06", last="2027-06-30")
    assert kept.cell == cell("coach_log", "date", 2) and kept.severity == "info"
    assert kept.message.startswith(f"{len(last_year)} coach log entries dated 2026-08-06 to {last_year[-1]['date']}, "
                                   f"before the start of the school year on 2027-08-01")
    assert found(result) == ["LOG-OUTSIDE-WINDOW", "LOG-EARLIER-YEAR"]  # nothing else, and the coach asked about one entry


def test_a_long_meeting_of_last_school_year_is_said_to_be_not_counted_for_that_reason():
    """Its LOG-DURATION-IMPLAUSIBLE points at no other finding of the entry: there is none."""
    [long] = found(job(log=[coach_entry("2026-07-01", 600)] + fortnightly()), "LOG-DURATION-IMPLAUSIBLE")
    assert long.message.endswith("; not counted (of an earlier school year)")


def test_an_entry_before_the_pairs_start_and_the_school_year_makes_no_gap():
    """A log entry dated before both the school year and the pair's own planning meeting is not the
    pair's meeting (LOG-OUTSIDE-WINDOW): a pair begun two days ago, or not begun yet, is not told it has
    not met since that entry."""
    for start in ("2026-11-18", "2026-11-25"):
        result = job(pairs=[job_pair(start=start)], log=[coach_entry("2026-07-10")])
        assert found(result, "LOG-OUTSIDE-WINDOW") and found(result, "MEETING-GAP") == []
    # a meeting of this school year before the planning meeting counts, and the gap runs from it
    result = job(pairs=[job_pair(start="2026-11-18")], log=[coach_entry("2026-09-10")])
    assert pair_of(result)["coach_contact_minutes"] == 60 and len(found(result, "MEETING-GAP")) == 1


def test_a_completed_pair_has_no_meeting_gap():
    result = job(pairs=[job_pair(status="Completed", completion="2026-11-10")], milestones=ALL_PHASES,
                 log=[coach_entry("2026-08-10"), coach_entry("2026-10-10")])
    assert found(result, "MEETING-GAP") == []


def test_a_completion_date_before_the_start_is_an_error_at_its_cell_and_no_certificate(tmp_path):
    """A Completion Date typed a year early (before the agreement, the planning meeting) is a coaching
    that ended before it began: each program said nothing and certified it ("from the agreement on
    January 15, 2026 to its completion on December 1, 2025")."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    people = [{"employee_id": "101", "name": "Riley Rep", "grade": 20, "coach_training_date": "2020-02-01"},
              {"employee_id": "102", "name": "Jordan Coach", "grade": 30}]
    people += [{"employee_id": i, "name": f"Taylor {i}", "grade": 10, "supervisor_id": "9000"} for i in ("201", "202")]
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(mentoring_roster() + people)})
    pairs = [{"program": MENTORING, **mentoring_pair(status="Completed", completion="2025-12-01")},
             {"program": REPS, **reps_pair(candidate="201", coach="101", start="2026-03-01", status="Completed",
                                           completion="2026-02-01")},
             {"program": JOB, **job_pair(candidate="202", coach="102", start="2026-09-01", status="Completed",
                                         completion="2026-08-20")}]
    columns = ["program", "candidate_id", "coach_id", "assigned_date", "planning_meeting_date", "agreement_date",
               "status", "completion_date"]
    phases = [milestone(phase, "2026-09-01", "202", "102")
              for phase in ("Agreement", "Orientation", "Relationship", "Goals", "Ongoing Support")]
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows(pairs, columns),
                                          "Milestones": table_rows("milestones", phases)})
    result, _ = run_batch(RunOptions(inbox=inbox, as_of=AS_OF.date(), out=tmp_path / "out", dry_run=True))
    wrong = [(f.candidate_id, f.cell, f.message) for f in result.findings if f.rule == "CELL-TYPE"]
    assert wrong == [
        ("200", "H2", "Completion Date 2025-12-01 is before the agreement on 2026-01-15: "
                      "the mentoring cannot have ended before it began"),
        ("201", "H3", "Completion Date 2026-02-01 is before the planning meeting on 2026-03-01: "
                      "the coaching cannot have ended before it began"),
        ("202", "H4", "Completion Date 2026-08-20 is before the planning meeting on 2026-09-01: "
                      "the coaching cannot have ended before it began"),
    ]
    assert not result.pairs["completion_eligible"].any()
    assert "completion date 2026-02-01 is before the planning meeting 2026-03-01" in reasons(pair_of(result, "201"))
    assert result.certificates.empty


# school year and job-embedded verdicts

def test_pair_completed_last_school_year_is_listed_with_verdicts_no_and_not_judged():
    pairs = [job_pair(candidate="201", start="2025-09-01", status="Completed", completion="2026-06-15"), job_pair()]
    log = fortnightly() + [coach_entry("2026-05-01", candidate="201"), coach_entry("2026-06-10", candidate="201")]
    result = job(pairs=pairs, log=log)
    old = pair_of(result, "201")
    assert not old["completion_eligible"] and not old["payment_eligible"]
    assert "not in the current school year" in reasons(old)
    assert [f.rule for f in result.findings if f.candidate_id == "201"] == []
    assert found(result) == []


@pytest.mark.parametrize("status, completion", [("Withdrawn", "2026-10-01"), ("Withdrawn", None), ("Completed", "2027-09-15")],
                         ids=["withdrawn-this-year", "withdrawn-undated", "completed-next-school-year"])
def test_only_active_pairs_and_those_completed_in_the_current_school_year_are_judged(status, completion):
    """SPEC §2a: "Pairs judged: Active ones, and those completed in the current school year"; a pair
    withdrawn (it was judged, and got AGREEMENT-LATE) or completed in a later school year is listed."""
    pairs = [job_pair(candidate="201", start="2026-08-10", status=status, completion=completion), job_pair()]
    result = job(pairs=pairs, log=fortnightly())
    other = pair_of(result, "201")
    assert not other["completion_eligible"] and "not in the current school year" in reasons(other)
    assert [f.rule for f in result.findings if f.candidate_id == "201"] == []


def test_an_entry_dated_after_as_of_of_a_pair_not_judged_is_log_date_future_unless_its_program_is_unknown():
    """SPEC §2a: the LOG-* rules apply to every preset, so a pair its program does not judge this
    school year is told of a future-dated entry as any pair is; a pair of no known program is not judged."""
    pairs = [job_pair(candidate="201", start="2025-09-01", status="Completed", completion="2026-05-01"),
             job_pair(candidate="202", start="2026-08-10", status="Withdrawn", completion="2026-09-01"),
             job_pair(candidate="203", program="Leadership Mentoring"), job_pair()]
    ahead = day(AS_OF, 5)
    log = fortnightly() + [coach_entry(ahead, candidate=who) for who in ("201", "202", "203")]
    result = job(pairs=pairs, log=log)
    future = found(result, "LOG-DATE-FUTURE")
    assert sorted((f.candidate_id, f.program) for f in future) == [("201", JOB), ("202", JOB)]
    assert all(f"entry dated {ahead}, after the as-of date {day(AS_OF)}; not counted" in f.message for f in future)
    assert [f.rule for f in result.findings if f.candidate_id == "203"] == ["CELL-ENUM"]
    assert "not in the current school year" in reasons(pair_of(result, "201"))


def test_a_completed_pair_without_a_completion_date_is_judged_not_set_aside():
    result = job(pairs=[job_pair(status="Completed")], milestones=ALL_PHASES, log=fortnightly(last="2026-11-10"))
    pair = pair_of(result)
    assert pair["completion_eligible"]
    assert "not in the current school year" not in pair["reasons"]


def test_pair_completed_this_school_year_is_judged():
    result = job(pairs=[job_pair(status="Completed", completion="2026-11-10")], milestones=ALL_PHASES,
                 log=fortnightly(last="2026-11-10"))
    pair = pair_of(result)
    assert pair["completion_eligible"] and not pair["payment_eligible"]
    assert result.payable.empty
    assert found(result) == []


def test_entries_after_the_completion_date_are_not_counted():
    log = fortnightly(last="2026-11-10") + [coach_entry("2026-11-15", 45)]
    result = job(pairs=[job_pair(status="Completed", completion="2026-11-10")], milestones=ALL_PHASES, log=log)
    assert pair_of(result)["coach_contact_minutes"] == 60 * len(fortnightly(last="2026-11-10"))


@pytest.mark.parametrize(
    "milestones",
    [
        [m for m in ALL_PHASES if m["phase"] != "Ongoing Support"],
        [m if m["phase"] != "Goals" else milestone("Goals", "2026-09-01") for m in ALL_PHASES],
        [m if m["phase"] != "Agreement" else milestone("Agreement", "2026-09-01") for m in ALL_PHASES],
    ],
    ids=["a-phase-not-dated", "phases-out-of-order", "agreement-late"],
)
def test_completed_job_embedded_pair_needs_the_agreement_on_time_and_four_phases_in_order(milestones):
    result = job(pairs=[job_pair(status="Completed", completion="2026-11-10")], milestones=milestones,
                 log=fortnightly(last="2026-11-10"))
    assert not pair_of(result)["completion_eligible"]


def test_completed_job_embedded_pair_without_an_agreement_not_yet_due_is_not_completion_eligible():
    # begun 2026-10-25, completed 2026-11-15: its agreement is due by 2026-11-24, after the as-of date,
    # so it is not late; but there is none, and the program completes a pair with its agreement on time
    phases = [milestone(phase, day) for phase, day in (("Orientation", "2026-10-27"), ("Relationship", "2026-10-29"),
                                                         ("Goals", "2026-11-02"), ("Ongoing Support", "2026-11-05"))]
    result = job(pairs=[job_pair(start="2026-10-25", status="Completed", completion="2026-11-15")], milestones=phases,
                 log=[coach_entry(day) for day in ("2026-10-27", "2026-11-05", "2026-11-15")])
    pair = pair_of(result)
    assert found(result, "AGREEMENT-LATE") == []
    assert not pair["completion_eligible"]
    assert "no partnership agreement recorded yet (due by 2026-11-24)" in reasons(pair)
    assert result.certificates.empty


def test_a_completed_pair_without_its_agreement_or_reviews_is_told_to_record_those_held_not_to_hold_them():
    # completed 2026-05-20 with no agreement and no review recorded: the coaching is over, nothing is left to hold
    phases = [milestone("Orientation", "2025-08-27"), milestone("Relationship", "2025-09-29"), milestone("Goals", "2025-10-02"),
              milestone("Ongoing Support", "2025-11-05")]
    result = job(pairs=[job_pair(start="2025-08-05", status="Completed", completion="2026-05-20")], milestones=phases,
                 log=fortnightly(first="2025-08-10", last="2026-05-20"), as_of="2026-06-20")
    late, reviews = found(result, "AGREEMENT-LATE"), found(result, "AGREEMENT-REVIEWS-SHORT")
    assert len(late) == 1 and late[0].fix.startswith("The coaching is completed: if its partnership agreement meeting was held, record it")
    assert len(reviews) == 1 and "0 of 2 reviews" in reviews[0].message
    assert reviews[0].fix.startswith("The coaching is completed: record in the milestones (Phase Agreement Review) the reviews")
    active = job(milestones=[], log=[], as_of="2026-12-20")  # an Active pair is still told to hold them
    assert found(active, "AGREEMENT-LATE")[0].fix.startswith("Hold the partnership agreement meeting")
    assert found(active, "AGREEMENT-REVIEWS-SHORT")[0].fix.startswith("Review the partnership agreement with the coachee")


def test_active_job_embedded_pair_is_not_completion_eligible():
    assert not pair_of(job(milestones=ALL_PHASES))["completion_eligible"]


def preset_copy(tmp_path, program: str, old: str, new: str):
    text = (PRESETS / f"{program}.toml").read_text(encoding="utf-8")
    assert old in text
    return policy_file(tmp_path, text.replace(old, new, 1), f"{program}-copy.toml")


def test_the_years_a_mentor_must_be_employed_are_a_policy_value(tmp_path):
    roster = mentoring_roster(mentor={"hire_date": "2021-01-15"})
    assert found(mentoring(roster=roster), "MENTOR-NOT-ELIGIBLE") == []
    stricter = preset_copy(tmp_path, MENTORING, "min_years_employed = 5", "min_years_employed = 6")
    assert len(found(mentoring(roster=roster, program=stricter), "MENTOR-NOT-ELIGIBLE")) == 1


def test_the_mentees_who_may_be_mentored_are_a_policy_value_and_the_fix_says_which(tmp_path):
    """A copy admitting probationary mentees and excluding only PAR: a Temporary mentee on PAR is told
    the copy's lists, not the preset's "permanent employees who are not on PAR or special evaluation"."""
    text = (PRESETS / f"{MENTORING}.toml").read_text(encoding="utf-8")
    text = text.replace('["Permanent"]', '["Permanent", "Probationary"]').replace('["PAR", "Special Evaluation"]', '["PAR"]')
    admitted = policy_file(tmp_path, text, "our-mentoring.toml")
    on_special = mentoring_roster(mentee={"employment_status": "Probationary", "evaluation_status": "Special Evaluation"})
    assert found(mentoring(roster=on_special, program=admitted), "MENTEE-NOT-ELIGIBLE") == []
    on_par = mentoring_roster(mentee={"employment_status": "Temporary", "evaluation_status": "PAR"})
    refused = found(mentoring(roster=on_par, program=admitted), "MENTEE-NOT-ELIGIBLE")
    assert len(refused) == 2
    assert {f.fix for f in refused} == {"Mentees must be permanent or probationary employees who are not on PAR: "
                                        "check the roster, or end the pairing."}
    [preset] = {f.fix for f in found(mentoring(roster=on_par), "MENTEE-NOT-ELIGIBLE")}
    assert preset == "Mentees must be permanent employees who are not on PAR or special evaluation: check the roster, or end the pairing."


def test_a_coachs_capacity_is_a_policy_value(tmp_path):
    assert len(found(reps(pairs=four_pairs()), "COACH-OVER-CAPACITY")) == 1
    roomier = preset_copy(tmp_path, REPS, "max_active_coachees = 3", "max_active_coachees = 4")
    assert found(reps(pairs=four_pairs(), program=roomier), "COACH-OVER-CAPACITY") == []


def test_a_capacity_of_one_speaks_of_one_coachee(tmp_path):
    single = preset_copy(tmp_path, REPS, "max_active_coachees = 3", "max_active_coachees = 1")
    [finding] = found(reps(pairs=four_pairs()[:2], program=single), "COACH-OVER-CAPACITY")
    assert "already has 1 active coachee when" in finding.message


def test_the_longest_gap_between_meetings_is_a_policy_value(tmp_path):
    log = [coach_entry(d) for d in ("2026-10-01", "2026-10-23", "2026-11-05", "2026-11-19")]
    assert len(found(job(log=log), "MEETING-GAP")) == 1
    relaxed = preset_copy(tmp_path, JOB, "max_days = 21", "max_days = 22")
    assert found(job(log=log, program=relaxed), "MEETING-GAP") == []


def test_the_school_year_start_is_a_policy_value(tmp_path):
    rows = [milestone("Agreement", "2026-09-25")]
    assert len(found(job(milestones=rows), "AGREEMENT-LATE")) == 1
    september = preset_copy(tmp_path, JOB, 'starts = "08-01"', 'starts = "09-01"')
    assert found(job(milestones=rows, program=september), "AGREEMENT-LATE") == []


def test_a_school_year_starting_on_29_february_starts_on_the_28th_in_a_common_year(tmp_path):
    leap_day = preset_copy(tmp_path, JOB, 'starts = "08-01"', 'starts = "02-29"')
    on_time = job(milestones=[milestone("Agreement", "2027-03-30")], log=[], as_of="2027-04-10", program=leap_day)
    assert found(on_time, "AGREEMENT-LATE") == []
    [late] = found(job(milestones=[milestone("Agreement", "2027-03-31")], log=[], as_of="2027-04-10", program=leap_day), "AGREEMENT-LATE")
    assert "after the start of the school year 2027-02-28" in late.message


def test_a_review_due_on_29_february_is_due_on_the_28th_in_a_common_year(tmp_path):
    leap_day = preset_copy(tmp_path, JOB, 'review_due = ["12-15", "04-15"]', 'review_due = ["12-15", "02-29"]')
    rows = ON_TIME + [milestone("Agreement Review", "2026-12-10")]
    assert found(job(milestones=rows, log=[], as_of="2027-02-27", program=leap_day), "AGREEMENT-REVIEWS-SHORT") == []
    [short] = found(job(milestones=rows, log=[], as_of="2027-02-28", program=leap_day), "AGREEMENT-REVIEWS-SHORT")
    assert "1 of 2" in short.message and "2027-02-28" in short.message


def test_the_first_policy_file_is_the_default_and_one_with_a_presets_name_replaces_it(tmp_path):
    text = (PRESETS / "support-mentoring.toml").read_text(encoding="utf-8").replace("max_hours = 4", "max_hours = 6")
    own = tmp_path / "mentoring.toml"
    own.write_text(text, encoding="utf-8")
    programs = Programs.load([str(own), "reps-coaching"])
    assert programs.default.name == "support-mentoring"
    log = monthly_meetings(skip=("2026-03",)) + [coach_entry("2026-03-05", 300)]
    named = dict(mentoring_pair(), program="Supporting Services Mentoring")
    result = evaluate(typed_tables(employees=mentoring_roster(), assignments=[named], coach_log=log), programs, AS_OF)
    assert found(result, "MONTH-OVER-LIMIT") == []


def test_a_retitled_copy_of_a_preset_is_still_named_by_the_presets_title_in_the_program_column(tmp_path):
    """A copy of the mentoring preset given its own title ("Career Pathways Mentoring") left every
    pair whose Program cell said "Supporting Services Mentoring" unjudged, as CELL-ENUM: the copy
    replaces the preset, so the preset's title names the copy."""
    text = (PRESETS / "support-mentoring.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Supporting Services Mentoring"', 'title = "Career Pathways Mentoring"')
    own = tmp_path / "mentoring.toml"
    own.write_text(text.replace("max_hours = 4", "max_hours = 6"), encoding="utf-8")
    programs = Programs.load(["itss-coaching", str(own)])
    log = monthly_meetings(skip=("2026-03",)) + [coach_entry("2026-03-05", 300)]
    for title in ("Supporting Services Mentoring", "Career Pathways Mentoring", "support-mentoring"):
        named = dict(mentoring_pair(), program=title)
        result = evaluate(typed_tables(employees=mentoring_roster(), assignments=[named], coach_log=log), programs, AS_OF)
        assert found(result, "CELL-ENUM") == [] and found(result, "MONTH-OVER-LIMIT") == []
        assert list(result.pairs["program"]) == ["support-mentoring"]


# --- several programs in one inbox --------------------------------------------------------------

ITSS_COACHES = ("100", "101", "102")


def itss_people(training=("2020-02-01", "2020-02-01", "2020-02-01")):
    people = [{"employee_id": coach, "name": f"ITSS Coach {coach}", "grade": 25, "hire_date": "2015-01-05",
               "pgs_status": "Meeting", "coach_training_date": trained, "supervisor_id": "9000"}
              for coach, trained in zip(ITSS_COACHES, training)]
    people += [{"employee_id": str(200 + i), "name": f"ITSS Candidate {i}", "grade": 20, "supervisor_id": "9000"} for i in range(3)]
    return people + [{"employee_id": "9000", "name": "Sam Supervisor", "grade": 30, "hire_date": "2005-01-01"}]


def itss_recommendations():
    rows = []
    for coach in ITSS_COACHES:
        rows.append({"prospective_coach_id": coach, "reference_name": "Sup", "relationship": "Supervisor", "overall": "Recommended"})
        rows += [{"prospective_coach_id": coach, "reference_name": f"Col{i}", "relationship": "Colleague",
                  "overall": "Recommended"} for i in range(2)]
    return rows


def itss_request(candidate="200"):
    return {"employee_id": candidate, "request_date": "2025-12-01", "enrollment_form_date": "2025-11-15", "target_grade": 23}


def itss_pair(candidate="200", coach="100", program=None):
    return {"program": program, "candidate_id": candidate, "coach_id": coach, "assigned_date": "2026-01-02",
            "planning_meeting_date": "2026-01-10", "goals_attained": True, "status": "Completed",
            "completion_date": "2026-05-01", "payment_request_date": "2026-05-05"}


def itss_logs(candidate="200", coach="100", coach_minutes=12 * 60):
    days = pd.date_range("2026-01-12", periods=40).strftime("%Y-%m-%d")
    candidate_rows = [{"candidate_id": candidate, "coach_id": coach, "date": days[i], "duration": 240,
                       "description": f"activity {i}"} for i in range(10)]
    coach_rows, left, i = [], coach_minutes, 0
    while left > 0:
        coach_rows.append(coach_entry(days[i], min(240, left), candidate, coach))
        left -= 240
        i += 1
    return candidate_rows, coach_rows


MIXED_PEOPLE = [
    {"employee_id": "110", "name": "Morgan Mentor", "grade": 20, "hire_date": "2015-03-01", "position_start_date": "2020-03-01",
     "supervisor_id": "9000", "employment_status": "Permanent"},
    {"employee_id": "111", "name": "Riley Rep", "grade": 20, "hire_date": "2015-01-01", "coach_training_date": "2020-02-01"},
] + [{"employee_id": str(210 + i), "name": f"Mentee {i}", "grade": 15, "supervisor_id": "9000",
      "employment_status": "Permanent"} for i in range(5)]


def mixed(assignments, coach_log=(), candidate_log=(), programs=("itss-coaching",), as_of=AS_OF, training=None):
    people = itss_people(training) if training else itss_people()
    return evaluate(typed_tables(employees=people + MIXED_PEOPLE, recommendations=itss_recommendations(),
                                 requests=[itss_request()], assignments=list(assignments),
                                 coach_log=list(coach_log), candidate_log=list(candidate_log)),
                    Programs.load(list(programs)), as_of)


def test_programs_know_the_four_presets_by_name_or_title_in_any_case():
    programs = Programs.load(["itss-coaching"])
    assert {p.name for p in programs} >= {"itss-coaching", "support-mentoring", "reps-coaching", "job-embedded"}
    assert programs.default.name == "itss-coaching"
    assert programs.find("SUPPORT-MENTORING").name == "support-mentoring"
    assert programs.find("supporting services mentoring").name == "support-mentoring"
    assert programs.find("Job-Embedded Coaching").name == "job-embedded"
    assert programs.find("Job\u2013Embedded Coaching").name == "job-embedded"  # its hyphen pasted as an en dash
    assert programs.find("reps\u2011coaching").name == "reps-coaching"  # a non-breaking hyphen


def test_the_program_column_picks_each_pairs_program_by_name_or_title_in_any_case():
    pairs = [dict(mentoring_pair(candidate="210", coach="110"), program="support-mentoring"),
             dict(mentoring_pair(candidate="211", coach="110"), program="Supporting Services Mentoring"),
             dict(reps_pair(candidate="212", coach="111"), program="REPS COACHING"),
             dict(job_pair(candidate="213", coach="111"), program="job-embedded coaching"),
             dict(reps_pair(candidate="214", coach="101"), program="  Reps   Coaching "),
             itss_pair()]
    result = mixed(pairs)
    programs = dict(zip(result.pairs["candidate_id"], result.pairs["program"]))
    assert programs == {"210": "support-mentoring", "211": "support-mentoring", "212": "reps-coaching",
                        "213": "job-embedded", "214": "reps-coaching", "200": "itss-coaching"}
    assert found(result, "CELL-ENUM") == []


def test_the_coaches_are_listed_once_per_program():
    pairs = [itss_pair(), dict(mentoring_pair(candidate="210", coach="110"), program="support-mentoring"),
             dict(reps_pair(candidate="212", coach="111"), program="reps-coaching"),
             dict(reps_pair(candidate="213", coach="100"), program="reps-coaching")]
    coaches = mixed(pairs).coaches
    assert list(coaches.columns)[0] == "program"
    assert sorted(zip(coaches["program"], coaches["coach_id"])) == [
        ("itss-coaching", "100"), ("reps-coaching", "100"), ("reps-coaching", "111"), ("support-mentoring", "110")]


def test_an_error_on_a_pair_does_not_block_the_same_two_people_in_another_program():
    candidate_log, coach_log = itss_logs()
    pairs = [itss_pair(), dict(mentoring_pair(candidate="200", coach="100", agreement=None), program="support-mentoring")]
    result = mixed(pairs, coach_log=coach_log, candidate_log=candidate_log)
    blocking = dict(zip(result.pairs["program"], result.pairs["blocking_errors"]))
    assert blocking["itss-coaching"] == "" and "AGREEMENT-MISSING" in blocking["support-mentoring"]


def test_a_blank_program_is_the_runs_default():
    result = mixed([mentoring_pair(candidate="210", coach="110")], programs=("support-mentoring", "itss-coaching"))
    assert list(result.pairs["program"]) == ["support-mentoring"]


def test_each_pair_is_judged_by_its_own_program_and_its_findings_name_it():
    candidate_log, coach_log = itss_logs()
    pairs = [itss_pair(), dict(mentoring_pair(candidate="210", coach="110", agreement=None), program="support-mentoring")]
    result = mixed(pairs, coach_log=coach_log, candidate_log=candidate_log)
    assert pair_of(result, "200")["payment_eligible"]
    missing = found(result, "AGREEMENT-MISSING")
    assert [(f.candidate_id, f.program) for f in missing] == [("210", "support-mentoring")]
    # the ITSS rules are not applied to the mentoring pair (no request, no recommendations, no planning meeting)
    assert [f.rule for f in result.findings if f.candidate_id == "210"] == ["AGREEMENT-MISSING"]
    assert all(f.program == "itss-coaching" for f in result.findings if f.candidate_id == "200")


def test_an_unknown_program_is_a_cell_enum_and_the_pair_is_not_judged():
    pairs = [itss_pair(), dict(mentoring_pair(candidate="210", coach="110", agreement=None), program="Chess Club")]
    result = mixed(pairs, coach_log=[coach_entry("2026-03-01", 60, "210", "110")])
    bad = found(result, "CELL-ENUM")
    assert [(f.file, f.cell, f.severity) for f in bad] == [("assignments.xlsx", cell("assignments", "program", 2), "error")]
    assert "Chess Club" in bad[0].message
    pair = pair_of(result, "210")
    assert pair["program"] == "Chess Club"
    assert not pair["completion_eligible"] and not pair["payment_eligible"]
    assert "program 'Chess Club' is not a known program" in reasons(pair)
    assert [f.rule for f in result.findings if f.candidate_id == "210" and f.rule != "CELL-ENUM"] == []


def test_a_mistyped_programs_fix_names_the_program_it_looks_like_and_the_pair_is_still_not_judged():
    pairs = [itss_pair(), dict(mentoring_pair(candidate="210", coach="110"), program="Suport Mentoring"),
             dict(mentoring_pair(candidate="211", coach="111"), program="Chess Club")]
    result = mixed(pairs)
    fixes = {f.candidate_id: f.fix for f in found(result, "CELL-ENUM")}
    assert fixes["210"].endswith("'Suport Mentoring' looks like support-mentoring: if that is what was meant, "
                                 "type support-mentoring.")
    assert "looks like" not in fixes["211"]
    assert not pair_of(result, "210")["completion_eligible"]  # a suggestion, not a reading


def test_an_unknown_programs_finding_lists_the_known_ones_alike_whichever_programs_are_passed():
    pairs = [itss_pair(), dict(mentoring_pair(candidate="210", coach="110", agreement=None), program="Chess Club")]
    messages = {found(mixed(pairs, programs=given), "CELL-ENUM")[0].message
                for given in (["itss-coaching"], ["itss-coaching", "reps-coaching"], ["job-embedded", "itss-coaching"])}
    assert len(messages) == 1
    assert "(itss-coaching (ITSS Technical Advancement Skills Coaching), job-embedded (" in messages.pop()


def test_a_pairs_payment_id_does_not_change_when_pairs_of_another_program_are_added():
    candidate_log, coach_log = itss_logs()
    alone = mixed([itss_pair()], coach_log=coach_log, candidate_log=candidate_log)
    others = [dict(mentoring_pair(candidate=str(210 + i), coach="110"), program="support-mentoring") for i in range(3)]
    together = mixed(others + [itss_pair()], coach_log=coach_log, candidate_log=candidate_log)
    assert list(alone.payable["payment_id"]) == list(together.payable["payment_id"])
    assert len(together.payable) == 1 and together.payable.iloc[0]["program"] == "itss-coaching"
    assert pair_of(alone, "200")["payment_id"] == pair_of(together, "200")["payment_id"]


def test_an_entry_of_a_pair_in_two_programs_counts_for_the_one_coaching_on_its_date_whatever_the_row_order():
    """ITSS completed on 1 May (its window runs to the 10 July deadline), then reps coaching from 1 June
    with the same candidate and coach: the June and July meetings are the reps pair's, and the ITSS
    hours and stipend do not depend on which assignment row comes first."""
    candidate_log, coach_log = itss_logs()
    reps_meetings = [coach_entry(f"2026-{month:02d}-01", 60) for month in range(6, 12)]
    pairs = [itss_pair(), dict(reps_pair(), program="reps-coaching")]
    for assignments in (pairs, pairs[::-1]):
        result = mixed(assignments, coach_log=coach_log + reps_meetings, candidate_log=candidate_log)
        hours = dict(zip(result.pairs["program"], result.pairs["coach_contact_hours"]))
        assert hours == {"itss-coaching": 12.00, "reps-coaching": 6.00}
        assert list(result.payable["program"]) == ["itss-coaching"]


def test_a_candidate_log_stays_with_the_itss_pair_when_the_two_also_begin_mentoring():
    """A mentoring relationship begun during the ITSS coaching does not take the candidate's log: the
    mentoring program counts no candidate hours, so its entries are the ITSS pair's (which was left
    20 hours short and unpaid), whichever row comes first."""
    candidate_log, coach_log = itss_logs()
    pairs = [itss_pair(), dict(mentoring_pair(agreement="2026-01-15"), program="support-mentoring")]
    for assignments in (pairs, pairs[::-1]):
        result = mixed(assignments, coach_log=coach_log, candidate_log=candidate_log)
        hours = dict(zip(result.pairs["program"], result.pairs["candidate_hours"]))
        assert hours["itss-coaching"] == 40.00
        assert list(result.payable["program"]) == ["itss-coaching"]


def test_only_pairs_of_a_program_that_pays_a_stipend_have_a_payment_id():
    """A Payment ID on a volunteer mentoring or reps pair reads as a stipend reference to finance
    (SPEC §2a: a program without a stipend never reaches the payment sheet); its certificate keeps one."""
    candidate_log, coach_log = itss_logs()
    pairs = [itss_pair(), dict(completed_mentoring_pair(candidate="210", coach="110"), program="support-mentoring"),
             dict(reps_pair(candidate="212", coach="111"), program="reps-coaching"),
             dict(job_pair(candidate="213", coach="111"), program="job-embedded"),
             dict(mentoring_pair(candidate="211", coach="110"), program="Chess Club")]
    result = mixed(pairs, coach_log=coach_log, candidate_log=candidate_log)
    ids = dict(zip(result.pairs["candidate_id"], result.pairs["payment_id"]))
    assert ids["200"].startswith("PAY-") and list(result.payable["payment_id"]) == [ids["200"]]
    assert all(pd.isna(ids[c]) for c in ("210", "211", "212", "213"))
    assert pair_of(result, "210")["certificate_id"].startswith("CERT-")


def test_one_coach_log_serves_every_program_each_entry_read_once():
    candidate_log, coach_log = itss_logs()
    mentoring_log = [coach_entry("2026-01-14", 30, "210", "110"), coach_entry("2026-01-20", 60, "210", "110"),
                     coach_entry("2026-02-20", 60, "210", "110")]
    reps_log = [coach_entry("2026-10-01", 45, "212", "111")]
    log = coach_log[:1] + mentoring_log + coach_log[1:] + reps_log
    pairs = [itss_pair(), dict(mentoring_pair(candidate="210", coach="110"), program="support-mentoring"),
             dict(reps_pair(candidate="212", coach="111"), program="reps-coaching")]
    result = mixed(pairs, coach_log=log, candidate_log=candidate_log)
    coach_entries = result.entries[result.entries["kind"] == "coach_log"]
    assert len(coach_entries) == len(log)
    assert found(result, "LOG-DUPLICATE") == [] and found(result, "LOG-NO-ASSIGNMENT") == []
    assert pair_of(result, "200")["coach_contact_hours"] == 12.00
    assert pair_of(result, "210")["coach_contact_hours"] == 2.00  # the meeting before the agreement is not counted
    assert pair_of(result, "212")["coach_contact_hours"] == 0.75
    assert [f.program for f in found(result, "AGREEMENT-MISSING")] == ["support-mentoring"]


def test_only_programs_that_pay_reach_the_payments():
    candidate_log, coach_log = itss_logs()
    pairs = [itss_pair(), dict(mentoring_pair(candidate="210", coach="110", status="Completed", completion="2026-10-30",
                                              payment_request_date="2026-11-01"), program="support-mentoring")]
    result = mixed(pairs, coach_log=coach_log + monthly_meetings(candidate="210", coach="110"), candidate_log=candidate_log)
    assert pair_of(result, "210")["completion_eligible"]
    assert list(result.payable["candidate_id"]) == ["200"]


# --- tiered stipends (a policy file's [payment] tiers) ------------------------------------------

TIERED_PAYMENT = """
[payment]
requires_payment_request = true
requires_coach_log = true
hours = "coach contact"

[[payment.tiers]]
below_hours = 12
per_hour = 25

[[payment.tiers]]
amount = 400
when = { column = "coach_training_date", on_or_after = "2025-01-01" }

[[payment.tiers]]
amount = 300
"""


def itss_text() -> str:
    return (PRESETS / "itss-coaching.toml").read_text(encoding="utf-8")


def without_payment(text: str) -> str:
    """``text`` without its [payment] section."""
    lines, out, skipping = text.splitlines(), [], False
    for line in lines:
        if line.startswith("["):
            skipping = line.strip() == "[payment]"
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def tiered_policy(tmp_path):
    text = without_payment(itss_text()).replace('name = "itss-coaching"', 'name = "itss-tiered"')
    # the tiers decide what is paid: no separate contact-hour minimum for payment
    text = text.replace("coach_contact_minimum = 12", "coach_contact_minimum = 0")
    path = tmp_path / "itss-tiered.toml"
    path.write_text(text + TIERED_PAYMENT, encoding="utf-8")
    return load_policy(str(path))


def tiered_run(policy, training=("2025-01-01", "2024-12-31", "2025-03-01"), minutes=(12 * 60, 12 * 60, 630)):
    candidate_rows, coach_rows, pairs = [], [], []
    for i, coach in enumerate(ITSS_COACHES):
        candidate = str(200 + i)
        cand, logged = itss_logs(candidate, coach, minutes[i])
        candidate_rows += cand
        coach_rows += logged
        pairs.append(itss_pair(candidate, coach))
    tables = typed_tables(employees=itss_people(training), recommendations=itss_recommendations(),
                          requests=[itss_request(str(200 + i)) for i in range(3)], assignments=pairs,
                          candidate_log=candidate_rows, coach_log=coach_rows)
    return evaluate(tables, policy, AS_OF)


def test_tiered_stipend_pays_by_hour_below_12_and_by_the_coachs_roster_column_at_12_or_more(tmp_path):
    result = tiered_run(tiered_policy(tmp_path))
    paid = {row["coach_id"]: row for row in result.payable.to_dict("records")}
    assert set(paid) == {"100", "101", "102"}
    assert paid["100"]["amount"] == 400.0  # trained on 1 January 2025: on or after the course date
    assert paid["101"]["amount"] == 300.0  # trained the day before
    assert paid["102"]["amount"] == 262.5  # 10.50 h × $25
    assert "400" in paid["100"]["amount_basis"]
    assert "300" in paid["101"]["amount_basis"]
    assert "10.50" in paid["102"]["amount_basis"] and "25" in paid["102"]["amount_basis"]
    assert all(row["program"] == "itss-tiered" for row in paid.values())


def test_an_hourly_amount_is_the_hours_as_printed_times_the_rate(tmp_path):
    payment = """
[payment]

[[payment.tiers]]
per_hour = 25.5
"""
    policy = policy_file(tmp_path, without_payment(itss_text()) + payment)
    from coaching_batch.rules.payment import stipend

    amount, basis = stipend(policy.payment, 12 * 60 + 20, {})  # 12.333… h, printed 12.33
    assert basis == "12.33 coach contact h × $25.50/h"
    assert amount == 314.42  # 12.33 × 25.50 = 314.415, half a cent up; not 12.333… × 25.50 = 314.50


def test_flat_itss_stipend_stays_300_with_its_basis():
    result = tiered_run(load_policy("itss-coaching"), minutes=(12 * 60, 12 * 60, 13 * 60))
    assert list(result.payable["amount"]) == [300.0, 300.0, 300.0]
    assert all("300" in basis for basis in result.payable["amount_basis"])


def test_a_stipend_with_a_fraction_of_a_cent_is_paid_to_the_cent_half_a_cent_up_in_every_output(tmp_path):
    """run.json lists the amount as worked out, the payment sheet and the ledger round it: worked out
    to the cent, they all say $300.56."""
    path = tmp_path / "odd-cents.toml"
    path.write_text(itss_text().replace("stipend = 300", "stipend = 300.555"), encoding="utf-8")
    result = tiered_run(load_policy(str(path)), minutes=(12 * 60, 12 * 60, 12 * 60))
    assert list(result.payable["amount"]) == [300.56, 300.56, 300.56]
    assert set(result.payable["amount_basis"]) == {"flat stipend $300.56"}
    tier = "\n[payment]\n\n[[payment.tiers]]\namount = 400.005\n"
    result = tiered_run(policy_file(tmp_path, without_payment(itss_text()) + tier), minutes=(12 * 60, 12 * 60, 12 * 60))
    assert list(result.payable["amount"]) == [400.01, 400.01, 400.01]
    assert set(result.payable["amount_basis"]) == {"$400.01 for 12.00 coach contact h"}


def test_a_program_without_a_payment_section_never_pays(tmp_path):
    path = tmp_path / "unpaid.toml"
    path.write_text(without_payment(itss_text()).replace('name = "itss-coaching"', 'name = "itss-unpaid"'), encoding="utf-8")
    result = tiered_run(load_policy(str(path)), minutes=(12 * 60, 12 * 60, 12 * 60))
    assert result.payable.empty
    assert result.pairs["completion_eligible"].all() and not result.pairs["payment_eligible"].any()
    assert not any(f.rule.startswith("PAYMENT-") for f in result.findings)


def tier_run(policy, coach_100=None, coach_101=None, minutes=12 * 60, requested=True):
    """Two payable ITSS pairs: coach 100 with candidate 200, coach 101 with candidate 201 (roster values
    changed as given; ``requested`` False: neither coach's Request for Payment is in yet)."""
    people = itss_people()
    people[0].update(coach_100 or {})
    people[1].update(coach_101 or {})
    candidate_rows, coach_rows, pairs = [], [], []
    for coach, candidate in (("100", "200"), ("101", "201")):
        cand, logged = itss_logs(candidate, coach, minutes)
        candidate_rows += cand
        coach_rows += logged
        pairs.append(itss_pair(candidate, coach) | ({} if requested else {"payment_request_date": None}))
    tables = typed_tables(employees=people, recommendations=itss_recommendations(),
                          requests=[itss_request("200"), itss_request("201")], assignments=pairs,
                          candidate_log=candidate_rows, coach_log=coach_rows)
    return evaluate(tables, policy, AS_OF)


def policy_file(tmp_path, text: str, name: str = "custom.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_policy(str(path))


def condition_policy(tmp_path, when: str):
    payment = f"""
[payment]
requires_payment_request = true
requires_coach_log = true

[[payment.tiers]]
amount = 400
when = {when}

[[payment.tiers]]
amount = 300
"""
    return policy_file(tmp_path, without_payment(itss_text()).replace('name = "itss-coaching"', 'name = "itss-tiered"') + payment)


@pytest.mark.parametrize(
    "when, coach_100, coach_101",
    [
        ('{ column = "job_title", present = true }', {"job_title": "Lead Analyst"}, {"job_title": None}),
        ('{ column = "job_title", present = false }', {"job_title": None}, {"job_title": "Lead Analyst"}),
        ('{ column = "location", equals = "north campus" }', {"location": "North Campus"}, {"location": "South Campus"}),
        ('{ column = "location", one_of = ["North", "East"] }', {"location": "East"}, {"location": "South"}),
        ('{ column = "hire_date", on_or_before = "2015-01-05" }', {"hire_date": "2015-01-05"}, {"hire_date": "2015-01-06"}),
        ('{ column = "coach_training_date", on_or_after = 2025-01-01 }', {"coach_training_date": "2025-01-01"},
         {"coach_training_date": "2024-12-31"}),
        ('{ column = "grade", at_least = 26 }', {"grade": 26}, {"grade": 25}),
        ('{ column = "grade", below = 26 }', {"grade": 25}, {"grade": 26}),
    ],
    ids=["present", "not-present", "equals-any-case", "one-of", "on-or-before", "on-or-after-toml-date", "at-least", "below"],
)
def test_a_tier_condition_on_a_roster_column_of_the_coach(tmp_path, when, coach_100, coach_101):
    result = tier_run(condition_policy(tmp_path, when), coach_100, coach_101)
    amounts = dict(zip(result.payable["coach_id"], result.payable["amount"]))
    assert amounts == {"100": 400.0, "101": 300.0}


def test_tiers_can_be_measured_in_candidate_hours(tmp_path):
    payment = """
[payment]
hours = "candidate"

[[payment.tiers]]
below_hours = 45
per_hour = 10
"""
    policy = policy_file(tmp_path, without_payment(itss_text()) + payment)
    result = tier_run(policy)
    assert list(result.payable["amount"]) == [400.0, 400.0]  # 40 candidate hours × $10
    assert all("40.00" in basis and "candidate" in basis for basis in result.payable["amount_basis"])


def test_a_pair_no_tier_applies_to_is_not_paid_and_says_why(tmp_path):
    payment = """
[payment]

[[payment.tiers]]
amount = 400
when = { column = "grade", at_least = 26 }
"""
    result = tier_run(policy_file(tmp_path, without_payment(itss_text()) + payment), coach_100={"grade": 26})
    assert list(result.payable["coach_id"]) == ["100"]
    unpaid = pair_of(result, "201")
    assert unpaid["completion_eligible"] and not unpaid["payment_eligible"]
    assert "tier" in reasons(unpaid)



def test_a_pair_waiting_only_for_its_request_for_payment_is_owed_its_tier_and_one_no_tier_pays_says_why(tmp_path):
    """The coach's notice states what their signed Request for Payment will bring: the tier's amount,
    worked out before the form is in. A pair no tier pays is not waiting for the form alone (it got
    a form to sign for nothing): its reasons say no tier applies."""
    payment = """
[payment]

[[payment.tiers]]
amount = 400
when = { column = "grade", at_least = 26 }
"""
    result = tier_run(policy_file(tmp_path, without_payment(itss_text()) + payment), coach_100={"grade": 26}, requested=False)
    assert result.payable.empty
    waiting, unpaid = pair_of(result, "200"), pair_of(result, "201")
    assert (reasons(waiting), waiting["amount"]) == ("no Request for Payment", 400.0)
    assert reasons(unpaid) == "no Request for Payment; no tier of the stipend schedule applies"

# --- policy files on the command line ------------------------------------------------------------



TITLES = {"itss-coaching": "ITSS Technical Advancement Skills Coaching", "support-mentoring": "Supporting Services Mentoring",
          "reps-coaching": "Reps Coaching", "job-embedded": "Job-Embedded Coaching"}


def test_programs_lists_the_four_presets_with_their_titles():
    completed = run_command("programs")
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    for name, title in TITLES.items():
        assert any(name in line and title in line for line in lines), name


@pytest.mark.parametrize("name", sorted(TITLES))
def test_programs_show_prints_each_preset(name):
    completed = run_command("programs", "show", name)
    assert completed.returncode == 0, completed.stderr
    shown = tomllib.loads(completed.stdout)
    assert shown == tomllib.loads((PRESETS / f"{name}.toml").read_text(encoding="utf-8"))
    assert shown["name"] == name and shown["title"] == TITLES[name]


MENTORING_HEADERS = ["Candidate ID", "Coach ID", "Assigned Date", "Agreement Date", "Status"]


def mentoring_inbox(root: Path) -> Path:
    """A real inbox: one mentoring pair with 5 h of meetings in March 2026."""
    inbox = root / "inbox"
    inbox.mkdir()
    roster = [["Employee ID", "Name", "Grade", "Hire Date", "Position Start Date", "Supervisor ID", "Employment Status",
               "Evaluation Status"],
              ["100", "Morgan Mentor", 20, dt.date(2015, 3, 1), dt.date(2020, 3, 1), "9000", "Permanent", None],
              ["200", "Mia Mentee", 15, dt.date(2024, 5, 1), None, "9000", "Permanent", "Standard"],
              ["9000", "Sam Supervisor", 30, dt.date(2005, 1, 1), None, None, "Permanent", None]]
    write_workbook(inbox / "roster.xlsx", {"Roster": roster})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": [MENTORING_HEADERS,
                                                     ["200", "100", dt.date(2026, 1, 5), dt.date(2026, 1, 15), "Active"]]})
    log = [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"],
           ["200", "100", dt.date(2026, 3, 5), "In Person", 2.5, "first half"],
           ["200", "100", dt.date(2026, 3, 19), "Phone", 2.5, "second half"]]
    write_workbook(inbox / "mentor-log.xlsx", {"Mentor Log": log})
    return inbox


def month_over_limit(out: Path) -> list[dict]:
    run = json.loads((out / "run.json").read_text())
    return [f for f in run["exceptions"] if f["rule"] == "MONTH-OVER-LIMIT"]


def test_a_copy_of_a_preset_with_a_changed_number_changes_the_outcome(tmp_path, capsys):
    inbox = mentoring_inbox(tmp_path)
    preset = run_command("programs", "show", "support-mentoring").stdout
    assert "max_hours = 4 " in preset or "max_hours = 4\n" in preset
    with pytest.raises(SystemExit) as as_given:
        main(["run", str(inbox), "--as-of", "2026-04-10", "--program", "support-mentoring",
              "--out", str(tmp_path / "preset"), "--state", str(tmp_path / "state-a")])
    assert as_given.value.code == 0
    assert len(month_over_limit(tmp_path / "preset")) == 1
    custom = tmp_path / "mentoring-6h.toml"
    custom.write_text(preset.replace("max_hours = 4", "max_hours = 6"), encoding="utf-8")
    with pytest.raises(SystemExit) as changed:
        main(["run", str(inbox), "--as-of", "2026-04-10", "--program", str(custom),
              "--out", str(tmp_path / "custom"), "--state", str(tmp_path / "state-b")])
    assert changed.value.code == 0
    assert month_over_limit(tmp_path / "custom") == []


@pytest.mark.parametrize("given", ["support-mentoring", "Supporting Services Mentoring", "SUPPORT_MENTORING"])
def test_run_takes_a_preset_by_name_or_title_in_any_case_as_programs_show_does(tmp_path, given):
    assert run_command("programs", "show", given).returncode == 0
    with pytest.raises(SystemExit) as ran:
        main(["run", str(mentoring_inbox(tmp_path)), "--as-of", "2026-04-10", "--program", given,
              "--out", str(tmp_path / "out"), "--dry-run"])
    assert ran.value.code == 0
    (pair,) = json.loads((tmp_path / "out" / "run.json").read_text())["pairs"]
    assert pair["program"] == "support-mentoring"
    assert len(month_over_limit(tmp_path / "out")) == 1


def test_run_and_programs_show_refuse_a_name_no_preset_has_alike(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for command in (["programs", "show"], ["run", str(inbox), "--out", str(tmp_path / "out"), "--program"]):
        completed = run_command(*command, "Job Embedded Coachin")
        assert completed.returncode == 2
        assert completed.stderr.startswith("Error: no program preset named 'Job Embedded Coachin' (presets: ")


def broken_copy(tmp_path, old: str, new: str) -> tuple[Path, int]:
    """support-mentoring.toml with ``old`` replaced by ``new``; returns the file and the changed line's number."""
    text = (PRESETS / "support-mentoring.toml").read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    line = text[: text.index(new)].count("\n") + 1
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return path, line


def run_with_policy(tmp_path: Path, policy: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    """The real command on an empty inbox with ``policy``: a bad policy stops it with exit 2 and one line."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    completed = run_command("run", str(inbox), "--program", str(policy), "--out", str(tmp_path / "out"),
                            "--state", str(tmp_path / "state"))
    assert completed.returncode == 2
    return completed, completed.stderr.strip().splitlines()


@pytest.mark.parametrize(
    "old, new, named",
    [
        ("max_hours = 4", 'max_hours = "four"', "max_hours"),
        ("max_hours = 4", "max_hourz = 4", "max_hourz"),
        ("[monthly_meetings]", "[monthly_meeting]", "monthly_meeting"),
        ("min_years_employed = 5", "min_years_employed = true", "min_years_employed"),
        ("max_hours = 4", "max_hours = inf", "max_hours"),
        ("max_hours = 4", "max_hours = nan", "max_hours"),
        ("max_hours = 4", "max_hours = 1e308", "max_hours"),
        ("months = 12", "months = 100000", "months"),
        ('employment_status = ["Permanent"]', 'employment_status = ["Contractor"]', "employment_status"),
        ('employment_status = ["Permanent"]', 'employment_status = ["Permanent", "permanent"]', "employment_status"),
        ('name = "support-mentoring"', 'name = " "', "name"),
    ],
    ids=["wrong-type", "unknown-key", "misspelt-section", "boolean-for-a-number", "infinite", "not-a-number",
         "past-any-sense", "months-past-the-calendar", "not-a-status-the-roster-has", "a-status-twice", "blank-name"],
)
def test_a_bad_policy_file_is_one_error_line_naming_the_key_and_exit_2(tmp_path, old, new, named):
    path, line = broken_copy(tmp_path, old, new)
    completed, lines = run_with_policy(tmp_path, path)
    assert len(lines) == 1 and lines[0].startswith("Error: "), completed.stderr
    assert re.search(rf"\b{named}\b", lines[0]), lines[0]
    assert f"line {line}" in lines[0]
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize("old, new", [("max_active_coachees = 3", "max_active_coachees = 0"),
                                      ("every_months = 12", "every_months = 0")])
def test_a_reps_copy_with_no_room_or_a_feedback_round_of_0_months_is_refused(old, new):
    """0 coachees flagged every pair ("already has 0 active coachees ...: ; at most 0"), and a round of
    0 months found no feedback even one dated on the as-of date: each is one error naming the key and line."""
    text = (PRESETS / "reps-coaching.toml").read_text(encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    with pytest.raises(UsageError) as refused:
        policy_from_toml(text.replace(old, new), "our-reps.toml")
    key = old.split(" = ")[0]
    assert str(refused.value).startswith(f"our-reps.toml line {line}: ") and f"{key} must be at least 1, not 0" in str(refused.value)


def test_a_policy_file_without_a_name_is_refused_not_named_after_the_file(tmp_path):
    """Named after its file, a copy of a preset would not replace the preset: pairs whose Program cell
    names the preset would be judged by the unedited one."""
    text = (PRESETS / "job-embedded.toml").read_text(encoding="utf-8")
    path = tmp_path / "our-job-embedded.toml"
    path.write_text(text.replace('name = "job-embedded"\n', "").replace("max_days = 21", "max_days = 5"), encoding="utf-8")
    completed, lines = run_with_policy(tmp_path, path)
    assert lines == [f'Error: {path}: name is missing: add name = "..." at the top (pairs name their program by it)']
    assert not (tmp_path / "state").exists() and not (tmp_path / "out").exists()


def test_two_programs_of_one_name_are_one_error_line_and_exit_2(tmp_path):
    """Which of them a pair's Program cell (or a blank one) means could not be told; the first given
    is the default, so a second of its name is refused rather than silently winning."""
    text = (PRESETS / "itss-coaching.toml").read_text(encoding="utf-8")
    (tmp_path / "a.toml").write_text(text.replace("stipend = 300", "stipend = 450"), encoding="utf-8")
    (tmp_path / "b.toml").write_text(text.replace('name = "itss-coaching"', 'name = "ITSS_Coaching"'), encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for second in (str(tmp_path / "b.toml"), "itss-coaching"):
        completed = run_command("run", str(inbox), "--program", str(tmp_path / "a.toml"), "--program", second,
                                "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"))
        assert completed.returncode == 2 and completed.stderr.count("\n") == 1
        assert "both named" in completed.stderr and second in completed.stderr
    assert not (tmp_path / "state").exists() and not (tmp_path / "out").exists()


def test_two_programs_of_one_name_are_told_what_to_give_instead(tmp_path):
    """Every case said "give each policy file a name of its own": also a preset typed twice, and a copy
    given beside its own preset, where renaming the copy (as the README warns) holds what it paid."""
    copy = tmp_path / "our-itss.toml"
    copy.write_text((PRESETS / "itss-coaching.toml").read_text(encoding="utf-8").replace("stipend = 300", "stipend = 350"),
                    encoding="utf-8")
    other = tmp_path / "their-itss.toml"
    other.write_text(copy.read_text(encoding="utf-8"), encoding="utf-8")
    said = {}
    for specs in (["reps coaching", "REPS-COACHING"], ["itss-coaching", str(copy)], [str(copy), str(other)]):
        with pytest.raises(UsageError) as refused:
            Programs.load(specs)
        said[specs[1]] = str(refused.value)
    assert said["REPS-COACHING"].endswith("are both named 'reps-coaching': give it once")
    assert said[str(copy)].endswith(f"a policy file with a preset's name replaces that preset: give {copy} alone, "
                                    "in the preset's place")
    assert "name of its own" not in said[str(copy)] and "give only one of them" in said[str(other)]


def test_a_copy_renamed_but_keeping_its_presets_title_is_refused_at_its_title_line(tmp_path):
    """A mentoring copy renamed our-mentoring kept the title "Supporting Services Mentoring": the pairs
    whose Program cell said the title were judged by the copy, those saying support-mentoring by the
    preset, without a word; so did a title that is another program's name (a reps copy titled
    job-embedded took the job-embedded pairs)."""
    text = (PRESETS / "support-mentoring.toml").read_text(encoding="utf-8")
    renamed = tmp_path / "our-mentoring.toml"
    renamed.write_text(text.replace('name = "support-mentoring"', 'name = "our-mentoring"'), encoding="utf-8")
    completed, lines = run_with_policy(tmp_path, renamed)
    assert lines == [f"Error: {renamed} line {_line(renamed, 'title')}: title 'Supporting Services Mentoring' is also "
                     "the title of the preset support-mentoring, so a Program cell saying it could mean either: give "
                     'your program a title of its own, or write name = "support-mentoring" to replace the preset']
    assert not (tmp_path / "state").exists() and not (tmp_path / "out").exists()
    shown = run_command("programs", "show", str(renamed))
    assert shown.returncode == 2 and shown.stderr.strip().splitlines() == lines
    reps = tmp_path / "our-reps.toml"
    reps.write_text((PRESETS / "reps-coaching.toml").read_text(encoding="utf-8").replace(
        'name = "reps-coaching"', 'name = "our-reps"').replace('title = "Reps Coaching"', 'title = "Job Embedded"'),
        encoding="utf-8")
    with pytest.raises(UsageError, match="title 'Job Embedded' is also the name of the preset job-embedded"):
        Programs.load(["itss-coaching", str(reps)])
    other = tmp_path / "other.toml"
    other.write_text(text.replace('name = "support-mentoring"', 'name = "other"').replace(
        'title = "Supporting Services Mentoring"', 'title = "Our Reps"'), encoding="utf-8")
    with pytest.raises(UsageError, match=r"other.toml line 5: title 'Our Reps' is also the name of --program .*our-reps.toml \(our-reps\)"):
        Programs.load(["itss-coaching", str(other), str(reps)])
    retitled = tmp_path / "retitled.toml"
    retitled.write_text(text.replace('title = "Supporting Services Mentoring"', 'title = "Career Mentoring"'), encoding="utf-8")
    assert Programs.load(["itss-coaching", str(retitled)]).named("Supporting Services Mentoring").title == "Career Mentoring"


def _line(path: Path, key: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if line.startswith(key))


def test_programs_reading_dates_differently_are_one_error_line_and_exit_2(tmp_path):
    """The inbox's dates are read one way for the whole run: a second program's day_first = true would
    be ignored without a word (its 13/10/2026 a bad date, 5/10/2026 read as May 10), so it is refused."""
    text = (PRESETS / "support-mentoring.toml").read_text(encoding="utf-8")
    assert "day_first = false" in text
    ours = tmp_path / "our-mentoring.toml"
    ours.write_text(text.replace("day_first = false", "day_first = true"), encoding="utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    completed = run_command("run", str(inbox), "--program", "itss-coaching", "--program", str(ours),
                            "--out", str(tmp_path / "out"), "--state", str(tmp_path / "state"))
    assert completed.returncode == 2 and completed.stderr.count("\n") == 1
    assert completed.stderr.startswith(f"Error: --program {ours} reads dates day first")
    assert "give every --program the same day_first" in completed.stderr
    assert not (tmp_path / "state").exists() and not (tmp_path / "out").exists()
    alone = run_command("run", str(inbox), "--program", str(ours), "--out", str(tmp_path / "out"), "--dry-run")
    assert "day_first" not in alone.stderr  # the default program's way, for the whole inbox


def test_a_phase_order_in_any_spelling_is_read_and_an_unknown_phase_is_refused(tmp_path):
    text = (PRESETS / "job-embedded.toml").read_text(encoding="utf-8")
    assert '"Ongoing Support"' in text
    spelled = policy_from_toml(text.replace('"Ongoing Support"', '"ongoing-support"'), "spelled.toml")
    assert spelled.section("phases").order[-1] == "Ongoing Support"
    # as a milestone's Phase cell is read (SPEC's spacing variants): a copy listing it so is not refused
    joined = policy_from_toml(text.replace('"Ongoing Support"', '"OngoingSupport"'), "joined.toml")
    assert joined.section("phases").order[-1] == "Ongoing Support"
    with pytest.raises(UsageError, match=r"\[phases\] order lists 'OngoingSupport' twice"):
        policy_from_toml(text.replace('"Ongoing Support"', '"Ongoing Support", "OngoingSupport"'), "twice.toml")
    with pytest.raises(UsageError, match="'Lunch' is not one of"):
        policy_from_toml(text.replace('"Ongoing Support"', '"Lunch"'), "lunch.toml")


@pytest.mark.parametrize(
    "program, old, new, named",
    [
        ("job-embedded", '"Orientation", "Relationship"', '"Orientation", "Orientation"', "[phases] order lists 'Orientation'"),
        ("job-embedded", '"Orientation", "Relationship"', '"Orientation", "orientation"', "[phases] order lists 'orientation'"),
        ("job-embedded", 'review_due = ["12-15", "04-15"]', 'review_due = ["12-15", "12-15"]',
         "[partnership_agreement] review_due lists '12-15'"),
        ("job-embedded", 'review_due = ["12-15", "04-15"]', 'review_due = ["4-15", "04-15"]',
         "[partnership_agreement] review_due lists '04-15'"),
        ("support-mentoring", '["PAR", "Special Evaluation"]', '["PAR", "PAR"]', "[mentee_eligibility] excluded_evaluation lists 'PAR'"),
        ("support-mentoring", '["Permanent"]', '["Permanent", "Permanent"]', "[mentee_eligibility] employment_status lists 'Permanent'"),
    ],
    ids=["phase-twice", "phase-twice-in-another-case", "review-twice", "review-twice-in-another-spelling",
         "evaluation-twice", "status-twice"],
)
def test_a_policy_list_naming_a_value_twice_is_refused_naming_the_key_and_the_value(program, old, new, named):
    """A phase pasted over another would drop it (and double the others' findings); a review date
    copied would count two reviews due on one day."""
    text = (PRESETS / f"{program}.toml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(UsageError) as refused:
        policy_from_toml(text.replace(old, new, 1), "ours.toml")
    line = text.replace(old, new, 1)[: text.index(old)].count("\n") + 1
    assert str(refused.value) == f"ours.toml line {line}: {named} twice: give each value once"


def test_a_stipend_tier_given_twice_is_refused():
    tier = "\n[[payment.tiers]]\namount = 400\nwhen = { column = \"location\", one_of = [\"North\", \"East\"] }\n"
    text = without_payment(itss_text()) + "\n[payment]\n" + tier + "\n[[payment.tiers]]\namount = 300\n" + tier
    with pytest.raises(UsageError, match=r"\[\[payment.tiers\]\] tier 3 is the same as tier 1"):
        policy_from_toml(text, "tiers.toml")
    with pytest.raises(UsageError, match=r"one_of lists 'north' twice"):
        policy_from_toml(text.replace('["North", "East"]', '["North", "north"]'), "tiers.toml")


def test_a_policy_file_that_is_not_toml_names_the_line(tmp_path):
    path, line = broken_copy(tmp_path, "max_hours = 4", "max_hours = = 4")
    completed, lines = run_with_policy(tmp_path, path)
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert f"line {line}" in lines[0]


@pytest.mark.parametrize(
    "tier, named",
    [
        ('amount = 400\nwhen = { column = "coach_training_date", after = "2025-01-01" }', "after"),
        ('amount = 400\nwhen = { column = "shoe_size", present = true }', "shoe_size"),
        ('amount = "400"', "amount"),
    ],
    ids=["unknown-operator", "not-a-roster-column", "amount-not-a-number"],
)
def test_a_bad_stipend_tier_is_one_error_line_naming_it_and_exit_2(tmp_path, tier, named):
    path = tmp_path / "tiers.toml"
    path.write_text(without_payment(itss_text()) + f"\n[payment]\n\n[[payment.tiers]]\n{tier}\n", encoding="utf-8")
    completed, lines = run_with_policy(tmp_path, path)
    assert len(lines) == 1 and lines[0].startswith("Error: "), completed.stderr
    assert re.search(rf"\b{named}\b", lines[0]), lines[0]


def test_a_policy_with_two_window_sections_is_one_error_line_and_exit_2(tmp_path):
    path, _ = broken_copy(tmp_path, "[relationship]", "[commitment]\nmonths = 12\n\n[relationship]")
    completed, lines = run_with_policy(tmp_path, path)
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "commitment" in lines[0] and "relationship" in lines[0]


def test_a_month_over_the_limit_stays_open_with_its_age_when_an_earlier_meeting_is_added_above_it(tmp_path):
    """March is over 4 h in week 1; in week 2 the mentor logs a forgotten March meeting on a row
    inserted above: the month's total (in the message) and the entry crossing the limit (its cell)
    both change, yet it is the same problem, Open since week 1, not Resolved and New."""
    inbox = mentoring_inbox(tmp_path)
    state = ["--program", "support-mentoring", "--state", str(tmp_path / "state")]
    assert run_command("run", str(inbox), "--as-of", "2026-04-10", "--out", str(tmp_path / "week1"), *state).returncode == 0
    log = [["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description"],
           ["200", "100", dt.date(2026, 3, 2), "Phone", 1, "forgotten call"],
           ["200", "100", dt.date(2026, 3, 5), "In Person", 2.5, "first half"],
           ["200", "100", dt.date(2026, 3, 19), "Phone", 2.5, "second half"]]
    write_workbook(inbox / "mentor-log.xlsx", {"Mentor Log": log})
    assert run_command("run", str(inbox), "--as-of", "2026-04-17", "--out", str(tmp_path / "week2"), *state).returncode == 0
    [before] = month_over_limit(tmp_path / "week1")
    after = month_over_limit(tmp_path / "week2")
    assert before["cell"] != after[0]["cell"] and "6.00 h" in after[0]["message"]
    assert [(f["status"], f["first_seen"], f["age_days"]) for f in after] == [("Open", "2026-04-10", 7)]


def test_a_month_over_the_limit_stored_without_its_month_by_an_earlier_version_stays_open_with_its_age(tmp_path):
    """Earlier versions stored MONTH-OVER-LIMIT without its month: on the first run after the upgrade
    the open month showed once as Resolved and once as New, its first-seen date lost."""
    inbox = mentoring_inbox(tmp_path)
    state = ["--program", "support-mentoring", "--state", str(tmp_path / "state")]
    assert run_command("run", str(inbox), "--as-of", "2026-04-10", "--out", str(tmp_path / "week1"), *state).returncode == 0
    with sqlite3.connect(tmp_path / "state" / "ledger.sqlite") as db:  # as an earlier version keyed it
        changed = db.execute("UPDATE findings SET key = substr(key, 1, length(key) - length('|2026-03')) "
                             "WHERE rule = 'MONTH-OVER-LIMIT' AND key LIKE '%|2026-03'").rowcount
    assert changed == 1
    assert run_command("run", str(inbox), "--as-of", "2026-04-17", "--out", str(tmp_path / "week2"), *state).returncode == 0
    after = month_over_limit(tmp_path / "week2")
    assert [(f["status"], f["first_seen"], f["age_days"]) for f in after] == [("Open", "2026-04-10", 7)]


# --- a coordinator's copy with numbers of 1 or fractions --------------------------------------

def copy_of(program: str, **settings) -> object:
    """Preset ``program`` as `programs show` prints it, with ``settings`` changed (the first line of each key)."""
    text = (PRESETS / f"{program}.toml").read_text(encoding="utf-8").replace(f'name = "{program}"', f'name = "{program}-copy"')
    for key, value in settings.items():
        text, changed = re.subn(rf"(?m)^{key} = [^#\n]*", f"{key} = {value} ", text, count=1)
        assert changed, key
    return policy_from_toml(text, "copy.toml")


def test_an_itss_copy_with_numbers_of_1_says_1_month_1_day_1_year():
    """months_minimum, months_maximum, inactive_days and min_years_employed of 1: "less than 1 month",
    not "less than 1 months" (and so on for each)."""
    ours = copy_of("itss-coaching", months_minimum=1, months_maximum=1, inactive_days=1, min_years_employed=1)
    roster = [{"employee_id": "100", "name": "Casey Coach", "grade": 25, "hire_date": "2025-06-01", "pgs_status": "Meeting",
               "coach_training_date": "2020-02-01"},
              {"employee_id": "200", "name": "Kim Candidate", "grade": 20}, {"employee_id": "201", "name": "Kai Candidate", "grade": 20}]
    pairs = [{"candidate_id": "200", "coach_id": "100", "assigned_date": "2026-01-02", "planning_meeting_date": "2026-01-10",
              "status": "Completed", "completion_date": "2026-01-20", "goals_attained": True},
             {"candidate_id": "201", "coach_id": "100", "assigned_date": "2026-01-02", "planning_meeting_date": "2026-10-01",
              "status": "Active"}]
    result = evaluate_with(ours, employees=roster, assignments=pairs, coach_log=[coach_entry("2026-10-05", candidate="201")])
    text = "\n".join(f.message for f in result.findings)
    assert "Completed on 2026-01-20, less than 1 month after the planning meeting on 2026-01-10" in text
    assert "No coach-log entry in the 1 day up to 2026-11-20" in text
    assert "(1 month from the planning meeting) has passed" in text
    assert "employed since 2025-06-01, less than 1 year before 2026-01-10" in text
    assert not re.search(r"\b1 (months|days|years)\b", text), text


def test_both_meeting_gap_messages_end_with_the_days_allowed():
    """One ended "31 days, more than 21", the other "more than 21 days"."""
    result = job(log=[coach_entry("2026-08-06"), coach_entry("2026-09-06"), coach_entry("2026-09-26")])
    assert sorted(f.message for f in found(result, "MEETING-GAP")) == [
        "Latest meeting on 2026-09-26, 55 days before 2026-11-20: more than 21 days",
        "No meeting between 2026-08-06 and 2026-09-06: 31 days, more than 21 days"]


def test_a_due_period_of_0_days_reads_on_the_day_of():
    """`not_started_days = 0`, `[partnership_agreement] due_days = 0`: "due within 0 days of the assignment"."""
    ours = copy_of("itss-coaching", not_started_days=0)
    pairs = [{"candidate_id": "200", "coach_id": "100", "assigned_date": "2026-11-01", "status": "Active"}]
    roster = [{"employee_id": "100", "name": "Casey Coach", "grade": 25}, {"employee_id": "200", "name": "Kim Candidate", "grade": 20}]
    [late] = found(evaluate_with(ours, employees=roster, assignments=pairs), "PAIR-NOT-STARTED")
    assert late.message.endswith("; it is due on the day of the assignment")
    ours = copy_of(JOB, due_days=0)
    [none] = found(job(milestones=[], program=ours), "AGREEMENT-LATE")
    assert none.message.endswith("; it was due on the day of the start of the school year 2026-08-01 (by 2026-08-01)")
    [late] = found(job(milestones=[milestone("Agreement", "2026-08-20")], program=ours), "AGREEMENT-LATE")
    assert late.message.endswith("19 days after the start of the school year 2026-08-01; due on that day (by 2026-08-01)")
    texts = [f.message for milestones in ([], [milestone("Agreement", "2026-08-20")])
             for f in job(milestones=milestones, program=ours).findings]
    assert not any("0 days" in text for text in texts), texts


@pytest.mark.parametrize("years, hired, said", [(1.1, "2025-01-11", "less than 13 months before 2026-01-10"),
                                                (1.5, "2024-07-11", "less than 1.5 years before 2026-01-10")])
def test_a_fractional_number_of_years_is_checked_and_said_in_the_same_whole_months(years, hired, said):
    """1.1 years is checked as 13 calendar months (to the day, like every period), and the message says
    13 months, not "1.1 years"; 1.5 years is 18 months exactly, and said in years."""
    ours = copy_of("itss-coaching", min_years_employed=years)
    months = round(years * 12)
    for hire, short in ((hired, True), (day(pd.Timestamp("2026-01-10") - pd.DateOffset(months=months)), False)):
        roster = [{"employee_id": "100", "name": "Casey Coach", "grade": 25, "hire_date": hire, "pgs_status": "Meeting",
                   "coach_training_date": "2020-02-01"}, {"employee_id": "200", "name": "Kim Candidate", "grade": 20}]
        pairs = [{"candidate_id": "200", "coach_id": "100", "assigned_date": "2026-01-02", "planning_meeting_date": "2026-01-10"}]
        reasons_ = [f.message for f in found(evaluate_with(ours, employees=roster, assignments=pairs), "COACH-NOT-QUALIFIED")
                    if "employed since" in f.message]
        assert (reasons_ == [f"Coach 100 is not qualified: employed since {hire}, {said}"]) if short else reasons_ == []


def test_a_mentoring_copy_of_1_year_employed_says_1_year():
    ours = copy_of(MENTORING, min_years_employed=1, min_years_in_position=0.5)
    roster = mentoring_roster(mentor={"hire_date": "2025-06-01", "position_start_date": "2025-12-01"})
    messages = [f.message for f in found(mentoring(roster=roster, program=ours), "MENTOR-NOT-ELIGIBLE")]
    assert messages == ["Mentor 100 is not eligible: employed since 2025-06-01, less than 1 year before 2026-01-15",
                        "Mentor 100 is not eligible: in the current position since 2025-12-01, less than 0.5 years before 2026-01-15"]


def test_commitment_due_says_the_policys_warning_window():
    """A copy warning 45 days ahead: the message says the commitment is due within 45 days, so a
    coordinator sees why a commitment ending in 40 days is flagged."""
    ours = copy_of(REPS, due_days=45)
    [due] = found(reps(pairs=[reps_pair(start="2025-12-30")], program=ours), "COMMITMENT-DUE")
    assert due.message == ("The commitment ends on 2026-12-30, 40 days after 2026-11-20, within the 45 days in which it falls due: "
                           "extend it or change coach")
    [preset] = found(reps(pairs=[reps_pair(start="2025-11-21")]), "COMMITMENT-DUE")
    assert preset.message == ("The commitment ends on 2026-11-21, 1 day after 2026-11-20, within the 30 days in which it falls due: "
                              "extend it or change coach")


def test_a_reps_copy_with_numbers_of_1_says_1_day_and_1_month():
    ours = copy_of(REPS, inactive_days=1, months=1)
    pairs = [reps_pair(start="2026-06-01", extended_until="2026-06-15")]
    text = "\n".join(f.message for f in reps(pairs=pairs, program=ours).findings)
    assert "(more than 1 day)" in text
    assert "is earlier than the 1 month, so it extended nothing" in text
    assert not re.search(r"\b1 (months|days)\b", text), text


def test_a_job_embedded_copy_with_numbers_of_1_says_1_day():
    ours = copy_of(JOB, due_days=1, max_days=1)
    result = job(milestones=[milestone("Agreement", "2026-08-20")], log=[coach_entry("2026-08-06"), coach_entry("2026-08-20")],
                 program=ours)
    text = "\n".join(f.message for f in result.findings)
    assert "due within 1 day (by 2026-08-02)" in text
    assert "14 days, more than 1 day\n" in text and "before 2026-11-20: more than 1 day" in text
    assert not re.search(r"\b1 days\b", text), text
