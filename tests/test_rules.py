"""The ITSS rule catalogue on small typed tables: a passing and a failing case per rule, boundaries included."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from conftest import typed_tables
from coaching_batch.rules.evaluate import evaluate
from coaching_batch.rules.pairs import certificate_id, payment_id

AS_OF = pd.Timestamp("2026-11-20")


def employee(id, name, grade=25, **extra):
    row = {"employee_id": id, "name": name, "grade": grade, "hire_date": "2015-01-05", "pgs_status": "Meeting",
           "coach_training_date": "2020-02-01", "supervisor_id": "9000"}
    row.update(extra)
    return row


def roster(**coach_extra):
    return [
        employee("100", "Casey Coach", **{"grade": 25, **coach_extra}),
        employee("101", "Cory Coach", 25),
        employee("200", "Kim Candidate", 20),
        employee("201", "Kai Candidate", 20),
        employee("9000", "Sam Supervisor", 30),
    ]


def recommendations(coach="100", supervisors=1, colleagues=2, overall="Recommended"):
    rows = [{"prospective_coach_id": coach, "reference_name": f"S{i}", "relationship": "Supervisor", "overall": overall} for i in range(supervisors)]
    rows += [{"prospective_coach_id": coach, "reference_name": f"C{i}", "relationship": "Colleague", "overall": "Recommended"} for i in range(colleagues)]
    return rows


def request(candidate="200", request_date="2025-12-01", enrollment="2025-11-15", target=23):
    return {"employee_id": candidate, "request_date": request_date, "enrollment_form_date": enrollment, "target_grade": target}


def assignment(candidate="200", coach="100", planning="2026-01-10", **extra):
    row = {"candidate_id": candidate, "coach_id": coach, "assigned_date": "2026-01-02", "planning_meeting_date": planning,
           "goals_attained": True, "status": "Completed", "completion_date": "2026-05-01", "payment_request_date": "2026-05-05"}
    row.update(extra)
    return row


def coach_entry(date, minutes, candidate="200", coach="100", contact="In Person", description=None):
    return {"candidate_id": candidate, "coach_id": coach, "date": date, "contact_type": contact, "duration": minutes,
            "description": description or f"contact {date}"}


def candidate_entry(date, minutes, candidate="200", coach="100", description=None):
    return {"candidate_id": candidate, "coach_id": coach, "date": date, "duration": minutes,
            "description": description or f"activity {date}"}


def full_logs(candidate_minutes=40 * 60, coach_minutes=12 * 60, candidate="200", coach="100", start="2026-01-12"):
    """Logs spread as whole entries over consecutive days from ``start``."""
    days = pd.date_range(start, periods=40).strftime("%Y-%m-%d")
    cand, coach_rows = [], []
    for i, minutes in enumerate(_split(candidate_minutes)):
        cand.append(candidate_entry(days[i], minutes, candidate, coach))
    for i, minutes in enumerate(_split(coach_minutes)):
        coach_rows.append(coach_entry(days[i], minutes, candidate, coach))
    return cand, coach_rows


def _split(total, chunk=240):
    parts = [chunk] * (total // chunk)
    if total % chunk:
        parts.append(total % chunk)
    return parts


def run(policy, *, employees=None, recs=None, requests=None, assignments=None, candidate_log=None, coach_log=None, as_of=AS_OF,
        issued=None, certified=None):
    cand, coach_rows = full_logs()
    tables = typed_tables(
        employees=roster() if employees is None else employees,
        recommendations=recommendations() if recs is None else recs,
        requests=[request()] if requests is None else requests,
        assignments=[assignment()] if assignments is None else assignments,
        candidate_log=cand if candidate_log is None else candidate_log,
        coach_log=coach_rows if coach_log is None else coach_log,
    )
    return evaluate(tables, policy, as_of, issued=issued, certified=certified)


def rules(evaluation, rule=None):
    found = [f.rule for f in evaluation.findings]
    return found if rule is None else [f for f in evaluation.findings if f.rule == rule]


def only_pair(evaluation):
    assert len(evaluation.pairs) == 1
    return evaluation.pairs.iloc[0]


# --- verdicts and hour boundaries -------------------------------------------------------------

def test_exactly_40_candidate_hours_and_12_contact_hours_are_enough(policy):
    result = run(policy)
    pair = only_pair(result)
    assert pair["candidate_hours"] == 40.00 and pair["coach_contact_hours"] == 12.00
    assert pair["completion_eligible"] and pair["payment_eligible"]
    assert rules(result) == []
    assert list(result.payable["amount"]) == [300.0]


def test_one_minute_short_of_40_hours_blocks_completion(policy):
    cand, coach_rows = full_logs(candidate_minutes=40 * 60 - 1)
    result = run(policy, candidate_log=cand, coach_log=coach_rows)
    pair = only_pair(result)
    assert pair["candidate_hours"] == 39.98 and pair["candidate_hours_needed"] == 0.02
    assert not pair["completion_eligible"] and not pair["payment_eligible"]
    assert "COMPLETION-HOURS-SHORT" in rules(result)
    assert "PAYMENT-NOT-COMPLETE" in rules(result)


@pytest.mark.parametrize(("status", "as_of", "fix"), [
    ("Active", "2026-06-01", "The candidate must document the minimum hours before completion."),
    ("Completed", "2026-06-01", "The pair is already marked Completed. Check the candidate log with the coordinator "
                                "for sessions held that are not in it"),
    ("Active", "2026-07-11", "The deadline (2026-07-10) has passed: no hours after it count. Check the candidate log "
                             "with the coordinator for sessions held by then that are not in it"),
], ids=["hours can still be logged", "already completed", "deadline passed"])
def test_hours_short_asks_to_log_hours_only_while_they_can_still_count(policy, status, as_of, fix):
    """COMPLETION-HOURS-SHORT asks for the minimum hours only while the pair is open and its deadline ahead."""
    cand, coach_rows = full_logs(candidate_minutes=10 * 60)
    result = run(policy, assignments=[assignment(status=status, completion_date="2026-05-01" if status == "Completed" else None)],
                 candidate_log=cand, coach_log=coach_rows, as_of=pd.Timestamp(as_of))
    [found] = rules(result, "COMPLETION-HOURS-SHORT")
    assert found.fix.startswith(fix)


def test_a_payment_requested_for_a_pair_not_complete_says_why_it_is_not(policy):
    """The finding states what was seen against what is needed, as the Pairs sheet's Reasons do."""
    result = run(policy, assignments=[assignment(completion_date="2026-07-11")])
    [found] = rules(result, "PAYMENT-NOT-COMPLETE")
    assert found.message == ("Payment requested on 2026-05-05 but the pair is not eligible for completion: "
                             "past the deadline 2026-07-10")


def test_a_completion_or_payment_request_dated_after_the_run_has_not_happened_yet(policy):
    """Dates typed ahead: a run as of 2026-05-03 neither completes a coaching completed on 2026-05-04
    nor pays on a Request for Payment signed after it."""
    ahead = only_pair(run(policy, as_of=pd.Timestamp("2026-04-30"), assignments=[assignment(payment_request_date="2026-04-28")]))
    assert not ahead["completion_eligible"] and not ahead["payment_eligible"]
    assert "completion date 2026-05-01 is after the as-of date 2026-04-30" in ahead["reasons"]
    signed_later = only_pair(run(policy, as_of=pd.Timestamp("2026-05-03")))
    assert signed_later["completion_eligible"] and not signed_later["payment_eligible"]
    assert "the Request for Payment is dated 2026-05-05, after the as-of date 2026-05-03" in signed_later["reasons"]
    on_the_day = only_pair(run(policy, as_of=pd.Timestamp("2026-05-05")))
    assert on_the_day["completion_eligible"] and on_the_day["payment_eligible"]


def test_contact_hours_short_blocks_payment_but_not_completion(policy):
    cand, coach_rows = full_logs(coach_minutes=12 * 60 - 30)
    result = run(policy, candidate_log=cand, coach_log=coach_rows)
    pair = only_pair(result)
    assert pair["completion_eligible"] and not pair["payment_eligible"]
    assert rules(result) == ["PAYMENT-CONTACT-SHORT"]
    assert result.payable.empty


def test_no_payment_request_means_not_yet_payable_without_an_error(policy):
    result = run(policy, assignments=[assignment(payment_request_date=None)])
    pair = only_pair(result)
    assert pair["completion_eligible"] and not pair["payment_eligible"]
    assert "no Request for Payment" in pair["reasons"]
    assert rules(result) == []


def test_goals_not_attained_blocks_completion(policy):
    result = run(policy, assignments=[assignment(goals_attained=False, status="Active", completion_date=None, payment_request_date=None)])
    assert not only_pair(result)["completion_eligible"]
    assert "goals not attained" in only_pair(result)["reasons"]


def test_completed_pair_gets_a_certificate_for_the_supervisor(policy):
    result = run(policy)
    assert list(result.certificates["candidate_id"]) == ["200"]
    assert "Sam Supervisor" in result.certificates.iloc[0]["send_to"]


# --- the window ------------------------------------------------------------------------------

def test_entries_on_the_planning_meeting_and_on_the_deadline_count(policy):
    cand = [candidate_entry("2026-01-10", 20 * 60), candidate_entry("2026-07-10", 20 * 60)]
    result = run(policy, candidate_log=cand, assignments=[assignment(completion_date="2026-07-10")])
    assert only_pair(result)["candidate_hours"] == 40.00
    assert "LOG-OUTSIDE-WINDOW" not in rules(result)


def test_entries_before_the_planning_meeting_or_after_the_deadline_are_not_counted(policy):
    cand, _ = full_logs()
    cand += [candidate_entry("2026-01-09", 60), candidate_entry("2026-07-11", 60)]
    result = run(policy, candidate_log=cand)
    assert only_pair(result)["candidate_hours"] == 40.00
    assert len(rules(result, "LOG-OUTSIDE-WINDOW")) == 2
    assert all(f.severity == "warning" for f in rules(result, "LOG-OUTSIDE-WINDOW"))
    assert {f.fix for f in rules(result, "LOG-OUTSIDE-WINDOW")} == {"Check the date: only entries from the planning meeting to the deadline count."}


def test_an_entry_before_every_coaching_of_the_two_is_told_of_the_first_planning_meeting(policy):
    """Coached for two bands: an entry dated before both planning meetings is before the first one,
    and its message names that meeting, not the later band's."""
    first = assignment(planning="2025-11-03", target_grade=23, completion_date="2026-05-01")
    second = assignment(planning="2026-06-01", target_grade=25, status="Active", completion_date=None, payment_request_date=None)
    result = run(policy, requests=[request(target=23), request(request_date="2026-05-20", enrollment="2026-05-15", target=25)],
                 assignments=[first, second], candidate_log=[candidate_entry("2025-10-20", 60)], coach_log=[])
    [early] = rules(result, "LOG-OUTSIDE-WINDOW")
    assert "2025-11-03" in early.message and "2026-06-01" not in early.message


def test_deadline_is_clamped_to_the_end_of_a_shorter_month(policy):
    result = run(policy, assignments=[assignment(planning="2026-08-31", completion_date=None, status="Active")], as_of=pd.Timestamp("2026-09-30"))
    assert only_pair(result)["deadline"] == pd.Timestamp("2027-02-28")


def test_entries_after_the_as_of_date_are_not_counted(policy):
    cand, coach_rows = full_logs()
    cand.append(candidate_entry("2026-11-21", 120))
    result = run(policy, candidate_log=cand, assignments=[assignment(planning="2026-06-01", completion_date=None, status="Active")])
    future = rules(result, "LOG-DATE-FUTURE")
    assert len(future) == 1 and future[0].cell.startswith("C")


def test_an_error_on_one_log_entry_does_not_block_the_pair_but_an_error_on_the_pair_does(policy):
    cand, coach_rows = full_logs()
    cand.append(candidate_entry("2026-11-21", 120))  # LOG-DATE-FUTURE: that entry is not counted, nothing more
    active = assignment(planning="2026-06-01", completion_date=None, status="Active", payment_request_date=None,
                        goals_attained=False)
    result = run(policy, candidate_log=cand, assignments=[active])
    assert rules(result, "LOG-DATE-FUTURE") and only_pair(result)["blocking_errors"] == ""
    untrained = run(policy, candidate_log=cand, assignments=[active], employees=roster(coach_training_date=None))
    assert only_pair(untrained)["blocking_errors"] == "COACH-NOT-QUALIFIED"


def test_an_error_of_one_assignment_neither_blocks_nor_shares_history_with_the_other(policy):
    """The same coach and candidate for two bands: band 1 completed after its deadline (PAIR-OVERDUE)
    is band 1's alone; band 2 has no blocking error, and its own findings are told apart from band
    1's week to week (a fixed one of band 1 shows Resolved, a new one of band 2 shows New)."""
    first_cand, first_coach = full_logs(start="2025-11-03")
    second_cand, second_coach = full_logs(start="2026-06-01")
    first = assignment(planning="2025-11-03", target_grade=23, completion_date="2026-05-10")  # deadline 3 May
    second = assignment(planning="2026-06-01", target_grade=25, completion_date="2026-11-13")
    result = run(policy, requests=[request(target=23), request(request_date="2026-05-20", enrollment="2026-05-15", target=25)],
                 assignments=[first, second], candidate_log=first_cand + second_cand, coach_log=first_coach + second_coach)
    blocking = dict(zip(result.pairs["target_grade"], result.pairs["blocking_errors"]))
    assert "PAIR-OVERDUE" in blocking[23] and blocking[25] == ""
    [overdue] = rules(result, "PAIR-OVERDUE")
    assert overdue.topic == "assignment of 2025-11-03"  # part of its identity in the ledger (finding_key)
    lone = run(policy, assignments=[first], candidate_log=first_cand, coach_log=first_coach)
    assert rules(lone, "PAIR-OVERDUE")[0].topic == ""  # one assignment: its findings keep the keys they always had


# --- log entries -----------------------------------------------------------------------------

def test_a_repeated_entry_is_counted_once(policy):
    cand, coach_rows = full_logs()
    cand.append(dict(cand[0]))
    result = run(policy, candidate_log=cand)
    assert only_pair(result)["candidate_hours"] == 40.00
    assert len(rules(result, "LOG-DUPLICATE")) == 1



def test_entries_alike_but_for_their_description_or_contact_all_count(policy):
    cand, coach_rows = full_logs()
    first = coach_rows[0]
    coach_rows.append({**first, "description": "A different conversation"})
    coach_rows.append({**first, "contact_type": "Phone"})
    coach_rows.append(dict(first))  # the only true repeat
    result = run(policy, candidate_log=cand, coach_log=coach_rows)
    assert only_pair(result)["coach_contact_hours"] == pytest.approx(12 + 2 * first["duration"] / 60)
    assert len(rules(result, "LOG-DUPLICATE")) == 1

def test_hours_by_month_add_up_to_the_pairs_hours_when_each_month_rounds_down(policy):
    # 20 minutes a month is 0.33 h each, but the 40 minutes of the two months are 0.67 h: the months
    # are rounded so that, added up, they print the pair's total, each within 0.01 h of its own.
    cand, _ = full_logs()
    coach_rows = [coach_entry("2026-02-10", 20), coach_entry("2026-03-10", 20), coach_entry("2026-04-10", 20),
                  coach_entry("2026-04-20", 700)]
    result = run(policy, candidate_log=cand, coach_log=coach_rows)
    months = result.hours_by_month
    assert only_pair(result)["coach_contact_hours"] == 12.67
    assert round(months["coach_contact_hours"].sum(), 2) == 12.67
    assert round(months["candidate_hours"].sum(), 2) == only_pair(result)["candidate_hours"] == 40.00
    assert list(months.loc[months["month"] >= "2026-02", "coach_contact_hours"]) == [0.33, 0.34, 12.0]


def test_zero_duration_is_invalid_and_not_counted(policy):
    cand, _ = full_logs()
    cand.append(candidate_entry("2026-03-01", 0))
    result = run(policy, candidate_log=cand)
    assert [f.rule for f in rules(result, "LOG-DURATION-INVALID")] == ["LOG-DURATION-INVALID"]


def test_an_entry_over_8_hours_is_a_warning_but_counts(policy):
    cand, _ = full_logs(candidate_minutes=30 * 60)
    cand.append(candidate_entry("2026-03-01", 10 * 60))
    result = run(policy, candidate_log=cand)
    assert only_pair(result)["candidate_hours"] == 40.00
    [long] = rules(result, "LOG-DURATION-IMPLAUSIBLE")
    assert long.message.endswith("in one entry; counted")


def test_an_entry_of_45_read_as_45_hours_says_to_type_45_min_if_minutes_were_meant(policy):
    """A Duration typed 45 is 45 hours (SPEC §3: a number is hours), counted with a warning: its fix
    told only to split a multi-day activity, though 45 minutes is what was most likely meant."""
    cand, _ = full_logs(candidate_minutes=30 * 60)
    cand.append(candidate_entry("2026-03-01", 45 * 60))
    [long] = rules(run(policy, candidate_log=cand), "LOG-DURATION-IMPLAUSIBLE")
    assert long.fix == ("Check the duration, read as 45 hours: if 45 minutes were meant, type 45 min; "
                        "split a multi-day activity into one entry per day.")


def test_an_entry_over_8_hours_dated_after_as_of_does_not_say_it_is_counted(policy):
    cand, _ = full_logs()
    cand.append(candidate_entry("2026-11-21", 10 * 60))
    result = run(policy, candidate_log=cand)
    [future] = rules(result, "LOG-DATE-FUTURE")
    [long] = rules(result, "LOG-DURATION-IMPLAUSIBLE")
    assert long.message.endswith("in one entry; not counted (see the entry's other finding)")
    assert (long.file, long.sheet, long.cell[1:]) == (future.file, future.sheet, future.cell[1:])  # the same row


def test_exactly_8_hours_in_one_entry_is_plausible(policy):
    cand, _ = full_logs(candidate_minutes=32 * 60)
    cand.append(candidate_entry("2026-03-01", 8 * 60))
    assert "LOG-DURATION-IMPLAUSIBLE" not in rules(run(policy, candidate_log=cand))


def test_log_of_an_unassigned_pair_is_one_finding_and_not_counted(policy):
    cand, coach_rows = full_logs()
    coach_rows += [coach_entry("2026-02-01", 60, candidate="201"), coach_entry("2026-02-02", 60, candidate="201")]
    result = run(policy, coach_log=coach_rows, candidate_log=cand)
    found = rules(result, "LOG-NO-ASSIGNMENT")
    assert len(found) == 1 and "2 coach log entries" in found[0].message
    assert only_pair(result)["coach_contact_hours"] == 12.00


def test_log_with_an_id_not_in_the_roster_is_id_unknown(policy):
    cand, _ = full_logs()
    cand.append(candidate_entry("2026-02-01", 60, candidate="999"))
    found = rules(run(policy, candidate_log=cand), "ID-UNKNOWN")
    assert len(found) == 1 and "999" in found[0].message


def test_an_unknown_id_of_a_megabyte_is_cut_in_its_finding_which_still_says_what_is_wrong(policy):
    """A cell of a log's Candidate ID column holding a megabyte (a paste gone wrong, a hostile file) made
    an ID-UNKNOWN message of a megabyte: the results workbook cut it at a cell's 32,767 characters,
    before it said the ID is not in the roster. The ID is cut as a quoted value is, with its length."""
    cand, _ = full_logs()
    cand.append(candidate_entry("2026-02-01", 60, candidate="Q" * 1_000_000))
    found = rules(run(policy, candidate_log=cand), "ID-UNKNOWN")
    assert len(found) == 1 and len(found[0].message) < 400
    assert found[0].message.startswith("Candidate ID " + "Q" * 200 + "… (1,000,000 characters) on the candidate log, not in")


def test_a_pasted_log_naming_thousands_of_unknown_ids_has_one_id_unknown_per_id_at_its_first_entry(policy):
    """A log pasted with something else in its Candidate ID column has an ID-UNKNOWN per distinct
    value, each at its first entry, the same as one group of the same entries has one (the groups are
    taken at once: one at a time, 40,000 of them took 20 s of a run; the speed is the benchmark's to
    measure, not this test's)."""
    pasted = [coach_entry("2026-02-01", 60, candidate=f"X{i}", description=f"c{i}") for i in range(3000)]
    one = [dict(row, candidate_id="X") for row in pasted]
    found, single = rules(run(policy, coach_log=pasted), "ID-UNKNOWN"), rules(run(policy, coach_log=one), "ID-UNKNOWN")
    assert len(found) == 3000 and len(single) == 1
    assert (found[5].message, found[5].cell, found[5].candidate_id) == (
        "Candidate ID X5 on the coach log, not in the roster; 1 entry not counted", "A7", "X5")
    assert [f.cell for f in found] == [f"A{i + 2}" for i in range(3000)]
    assert single[0].message == "Candidate ID X on the coach log, not in the roster; 3000 entries not counted"


def test_an_id_that_lost_its_leading_zeros_is_unknown_and_its_finding_says_why(policy):
    """The roster has 000200 as text; a log typed it as the number 200: SPEC §3 keeps them apart, and
    the finding says where the zeros went, on the log and on the assignment."""
    employees = [dict(e, employee_id="000200") if e["employee_id"] == "200" else e for e in roster()]
    cand, coach_rows = full_logs()
    result = run(policy, employees=employees, candidate_log=cand, coach_log=coach_rows)
    found = rules(result, "ID-UNKNOWN")
    assert found and all("the roster has 000200: typed as a number, it lost its leading zeros" in f.message for f in found)


def test_an_id_the_roster_holds_as_a_number_without_its_leading_zeros_is_unknown_and_its_finding_says_why(policy):
    """The roster's 200 is a number (a "000000" format may show it as 000200); the assignment and the
    logs have the text 000200: SPEC §3 keeps them apart, and the finding says the roster lost the zeros
    (it said only "not in the roster", where the coordinator sees 000200 in both)."""
    cand, coach_rows = full_logs(candidate="000200")
    result = run(policy, requests=[request(candidate="000200")], assignments=[assignment(candidate="000200")],
                 candidate_log=cand, coach_log=coach_rows)
    found = rules(result, "ID-UNKNOWN")
    assert found and all("ID 000200 (the roster has 200: typed there as a number, without the leading zeros"
                         in f.message for f in found)
    assert any(f.message.startswith("Employee ID 000200") and f.file == "requests.xlsx" for f in found)  # the request too


@pytest.mark.parametrize("employees", [
    [e for e in roster() if e["employee_id"] != "100"],  # the coach missing from the roster
    [dict(e, employee_id="000100") if e["employee_id"] == "100" else e for e in roster()],  # 100 lost its zeros
])
def test_a_pair_with_an_id_not_in_the_roster_is_not_told_to_log_hours_it_logged(policy, employees):
    """The assignment's Coach ID is not in the roster, so none of the pair's 40 + 12 logged hours count:
    its ID-UNKNOWN is what to fix. COMPLETION-HOURS-SHORT told the candidate, and PAYMENT-CONTACT-SHORT
    the coach, to document hours both had logged."""
    result = run(policy, employees=employees)
    assert rules(result, "ID-UNKNOWN")
    assert not rules(result, "COMPLETION-HOURS-SHORT") and not rules(result, "PAYMENT-CONTACT-SHORT")
    pair = only_pair(result)
    assert not pair["completion_eligible"] and not pair["payment_eligible"]
    assert pair["reasons"].startswith("coach ID 100 not in the roster")


def test_a_recommendation_or_request_naming_an_id_not_in_the_roster_is_id_unknown_at_its_cell(policy):
    """"104233 (Jordan)" in a form's ID column counted for no one, unsaid: the coach then lacked a
    recommendation, or the candidate a request, and nothing pointed at the form."""
    recs = recommendations()
    recs[1] = dict(recs[1], prospective_coach_id="100 (Kim)")
    result = run(policy, recs=recs, requests=[request(), request(candidate="200/201")])
    found = sorted(rules(result, "ID-UNKNOWN"), key=lambda f: f.file)
    assert [(f.file, f.cell, f.message) for f in found] == [
        ("recommendations.xlsx", "A3", "Prospective Coach ID 100 (Kim) (the roster has 100: type the ID alone, with no name or note "
                                       "beside it) on the recommendation form is not in the roster; "
                                       "the recommendation form is not counted"),
        ("requests.xlsx", "A3", "Employee ID 200/201 on the coaching request is not in the roster; the coaching request is not counted")]
    assert "COACH-NOT-QUALIFIED" in rules(result)  # the form still does not count


def test_an_id_typed_with_a_name_or_note_beside_it_is_unknown_and_its_finding_names_the_roster_id(policy):
    """"200 (Kim)" or "ID 200" is not the ID 200 (SPEC §3 reads no guessed values), but the coordinator
    is told the roster's ID in it and to type it alone; "200/201" holds two and is told nothing more."""
    cand, coach_rows = full_logs()
    cand += [candidate_entry("2026-02-01", 60, candidate="200 (Kim)"), candidate_entry("2026-02-02", 60, candidate="ID 200"),
             candidate_entry("2026-02-03", 60, candidate="200/201")]
    messages = sorted(f.message for f in rules(run(policy, candidate_log=cand), "ID-UNKNOWN"))
    assert messages == [
        "Candidate ID 200 (Kim) (the roster has 200: type the ID alone, with no name or note beside it) on the candidate log, "
        "not in the roster; 1 entry not counted",
        "Candidate ID 200/201 on the candidate log, not in the roster; 1 entry not counted",
        "Candidate ID ID 200 (the roster has 200: type the ID alone, with no name or note beside it) on the candidate log, "
        "not in the roster; 1 entry not counted"]


def _unknown_messages_beside_e0200(policy, employees: list[dict], *typed: str) -> list[str]:
    """The ID-UNKNOWN messages, sorted, of full logs of the pair whose candidate the roster ``employees`` call
    E-0200, with one more candidate-log entry for each Candidate ID ``typed`` (from 1 February 2026 on)."""
    cand, coach_rows = full_logs(candidate="E-0200")
    cand += [candidate_entry(f"2026-02-{day:02d}", 60, candidate=id_) for day, id_ in enumerate(typed, start=1)]
    result = run(policy, employees=employees, requests=[request(candidate="E-0200")], assignments=[assignment(candidate="E-0200")],
                 candidate_log=cand, coach_log=coach_rows)
    return sorted(f.message for f in rules(result, "ID-UNKNOWN"))


def _unknown_candidate_messages(policy, typed: str) -> list[str]:
    """The ID-UNKNOWN messages of full logs with one more candidate-log entry, its Candidate ID ``typed``."""
    cand, _ = full_logs()
    cand += [candidate_entry("2026-02-01", 60, candidate=typed)]
    return [f.message for f in rules(run(policy, candidate_log=cand), "ID-UNKNOWN")]


def test_an_id_typed_with_spaces_in_it_is_unknown_and_its_finding_names_the_roster_id(policy):
    """"2 00", as an ID is printed in groups on a badge, is not the ID 200 (nor another person's): the
    coordinator is told the roster's ID and to type it without the spaces."""
    messages = _unknown_candidate_messages(policy, "2 00")
    assert messages == ["Candidate ID 2 00 (the roster has 200: type the ID without the spaces in it) on the candidate log, "
                        "not in the roster; 1 entry not counted"]


def test_an_id_typed_without_the_roster_s_letters_or_as_an_email_is_unknown_and_its_finding_names_the_roster_id(policy):
    """The roster's IDs are `E-0200`; a log typed `0200` (the badge's digits) or the candidate's email:
    neither is matched (SPEC §3 reads no guessed values), but the coordinator is told the roster's ID."""
    employees = [dict(e, employee_id="E-0200", email="kim.candidate@school.org") if e["employee_id"] == "200" else e
                 for e in roster()]
    messages = _unknown_messages_beside_e0200(policy, employees, "0200", "Kim.Candidate@school.org")
    assert messages == [
        "Candidate ID 0200 (the roster has E-0200: type the ID with its letters, as the roster has it) on the candidate log, "
        "not in the roster; 1 entry not counted",
        "Candidate ID Kim.Candidate@school.org (the roster's email of employee E-0200: type the ID E-0200) on the candidate log, "
        "not in the roster; 1 entry not counted"]


def test_a_name_typed_for_an_id_is_unknown_and_its_finding_names_the_employee_s_id(policy):
    """`Casey Coach` typed in a log's or an assignment's Coach ID: the coordinator sees Casey Coach in
    the roster, so "not in the roster" alone does not tell what to fix; the finding says it is a name
    and gives the employee's ID to type. A name two employees share gives no ID."""
    employees = roster() + [employee("300", "Pat Twin", 20), employee("301", "Pat Twin", 20)]
    cand, coach_rows = full_logs()
    coach_rows += [coach_entry("2026-02-01", 60, coach="casey COACH"), coach_entry("2026-02-02", 60, coach="Pat Twin")]
    result = run(policy, employees=employees, coach_log=coach_rows, candidate_log=cand,
                 assignments=[assignment(), assignment(candidate="201", coach="Cory Coach")])
    found = sorted((f.message, f.fix) for f in rules(result, "ID-UNKNOWN"))
    assert found == [
        ("Coach ID Cory Coach (a name, not an ID: the roster's Cory Coach is employee 101) on the assignment is not in the roster",
         "Type 101, the employee ID of Cory Coach in the roster, in place of the name."),
        ("Coach ID Pat Twin on the coach log, not in the roster; 1 entry not counted",
         "Correct the ID or name, or add the employee to the roster."),
        ("Coach ID casey COACH (a name, not an ID: the roster's Casey Coach is employee 100) on the coach log, not in the roster; "
         "1 entry not counted",
         "Type 100, the employee ID of Casey Coach in the roster, in place of the name."),
    ]


def test_many_different_names_typed_for_ids_in_a_log_are_each_told_their_own_employee(policy):
    """A log whose Coach ID cells hold names, each different: the unknown IDs are read as names all at
    once, and each finding still names the employee its own name is."""
    employees = roster() + [employee("300", "Ann One", 20), employee("301", "Bo Two", 20), employee("302", "Cy Three", 20)]
    cand, coach_rows = full_logs()
    typed = ["ann one", "BO TWO", "Cy Three.", "Dee Four"]
    coach_rows += [coach_entry(f"2026-02-0{day}", 60, coach=name) for day, name in enumerate(typed, start=1)]
    result = run(policy, employees=employees, coach_log=coach_rows, candidate_log=cand)
    found = sorted(f.message for f in rules(result, "ID-UNKNOWN"))
    assert found == [
        "Coach ID BO TWO (a name, not an ID: the roster's Bo Two is employee 301) on the coach log, not in the roster; 1 entry not counted",
        "Coach ID Cy Three. (a name, not an ID: the roster's Cy Three is employee 302) on the coach log, not in the roster; "
        "1 entry not counted",
        "Coach ID Dee Four on the coach log, not in the roster; 1 entry not counted",
        "Coach ID ann one (a name, not an ID: the roster's Ann One is employee 300) on the coach log, not in the roster; "
        "1 entry not counted"]


def test_an_id_typed_in_another_case_or_with_a_dash_is_unknown_and_its_finding_names_the_roster_id(policy):
    """`e-0200` or `E–0200` (Word's en dash) for the roster's `E-0200`: SPEC §3 compares IDs as text, so
    it is unknown; the finding said only "not in the roster", where the coordinator sees the same ID."""
    employees = [dict(e, employee_id="E-0200") if e["employee_id"] == "200" else e for e in roster()]
    messages = _unknown_messages_beside_e0200(policy, employees, "e-0200", "E\u20130200")
    assert messages == [
        "Candidate ID E\u20130200 (the roster has E-0200: typed with an en dash (U+2013) where the roster has a plain hyphen -; "
        "type the ID as the roster has it) on the candidate log, not in the roster; "
        "1 entry not counted",
        "Candidate ID e-0200 (the roster has E-0200: type the ID as the roster has it) on the candidate log, not in the roster; "
        "1 entry not counted"]


@pytest.mark.parametrize(("typed", "roster_id", "named"), [
    ("E\u20110200", "E-0200", "a non-breaking hyphen (U+2011) where the roster has a plain hyphen -"),
    ("E\u20130200", "E-0200", "an en dash (U+2013) where the roster has a plain hyphen -"),
    ("E-0200", "E\u20110200", "a plain hyphen - where the roster has a non-breaking hyphen (U+2011)"),
    ("O\u2019K-0200", "O'K-0200", "a right single quotation mark (U+2019) where the roster has a plain apostrophe '"),
    ("e\u20130200", "E-0200", "an en dash (U+2013) where the roster has a plain hyphen -, and in another case"),
])
def test_an_id_typed_with_a_look_alike_character_names_the_character(policy, typed, roster_id, named):
    """`E‑0200` (a non-breaking hyphen, as Word or Outlook gives it) and the roster's `E-0200` look the same
    on screen: the finding said only "the roster has E-0200: type the ID as the roster has it", so the
    coordinator could not see what to change. IDs are text (SPEC §3) and stay unknown; the finding names
    the character typed and the one the roster has."""
    employees = [dict(e, employee_id=roster_id) if e["employee_id"] == "200" else e for e in roster()]
    cand, coach_rows = full_logs(candidate=roster_id)
    cand += [candidate_entry("2026-02-01", 60, candidate=typed)]
    result = run(policy, employees=employees, requests=[request(candidate=roster_id)], assignments=[assignment(candidate=roster_id)],
                 candidate_log=cand, coach_log=coach_rows)
    found = [(f.message, f.fix) for f in rules(result, "ID-UNKNOWN")]
    assert found == [(f"Candidate ID {typed} (the roster has {roster_id}: typed with {named}; type the ID as the roster has it) "
                      "on the candidate log, not in the roster; 1 entry not counted",
                      f"Type {roster_id}, the roster's ID, as the roster has it (or copy it from the roster): the ID was "
                      f"typed with {named}.")]


def test_an_id_in_scientific_notation_is_unknown_and_its_finding_says_to_type_the_whole_id(policy):
    """`1.23457E+12`: a 13-digit ID as Excel shows it in a General cell, saved as text by a CSV export.
    Its digits are gone, so it is no one; the finding said only "not in the roster"."""
    messages = _unknown_candidate_messages(policy, "1.23457E+12")
    assert messages == ["Candidate ID 1.23457E+12 (a number as Excel shows a long one, in scientific notation, whose last digits "
                        "may be lost: type the whole ID as text) on the candidate log, not in the roster; 1 entry not counted"]


def test_an_unknown_ids_fix_says_what_to_type_where_the_roster_has_one_near_it(policy):
    """The message named the roster's ID near an unknown one, but the fix said only "Correct the ID or
    name, or add the employee to the roster" (adding 000200 again would be a duplicate): it says what to
    type, on a log, an assignment and a request, each ID told when both are unknown; an ID near none
    keeps the catalogue's fix."""
    employees = [dict(e, employee_id="000200", email="kim.candidate@school.org") if e["employee_id"] == "200" else e
                 for e in roster()]
    cand, coach_rows = full_logs(candidate="000200")
    cand += [candidate_entry("2026-02-01", 60, candidate=typed, description=typed)
             for typed in ("200", "000 200", "Kim.Candidate@school.org", "999")]
    cand += [candidate_entry("2026-02-02", 60, candidate="999", coach="1 00")]
    result = run(policy, employees=employees, requests=[request(candidate="000200"), request(candidate="200")],
                 assignments=[assignment(candidate="000200"), assignment(candidate="200", coach="101")],
                 candidate_log=cand, coach_log=coach_rows)
    fixes = {(f.file, f.candidate_id or f.message.split()[2], f.coach_id): f.fix for f in rules(result, "ID-UNKNOWN")}
    zeros = "Type 000200, the roster's ID (format the cell as Text first, to keep its zeros)."
    generic = "Correct the ID or name, or add the employee to the roster."
    assert {key: fix for key, fix in fixes.items() if key[0] != "requests.xlsx"} == {
        ("candidate_log.xlsx", "200", "100"): zeros,
        ("candidate_log.xlsx", "000 200", "100"): "Type 000200, the roster's ID, without spaces.",
        ("candidate_log.xlsx", "Kim.Candidate@school.org", "100"): "Type 000200, the ID of the employee with this email.",
        ("candidate_log.xlsx", "999", "100"): generic,
        ("candidate_log.xlsx", "999", "1 00"): f"Candidate ID: {generic} Coach ID: Type 100, the roster's ID, without spaces.",
        ("assignments.xlsx", "200", "101"): zeros,
    }
    assert list(fixes.values()).count(zeros) == 3  # the request too


# --- coach qualification ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"grade": 22}, "below the candidate's target grade 23"),
        ({"hire_date": "2024-01-11"}, "less than 2 years"),
        ({"pgs_status": "Not Meeting"}, "PGS status is Not Meeting"),
        ({"pgs_status": None}, "PGS status not recorded"),  # a blank is not Meeting either
        ({"coach_training_date": "2026-01-11"}, "after the planning meeting"),
        ({"coach_training_date": None}, "no coach training date"),
    ],
)
def test_coach_not_qualified_for_each_reason(policy, extra, expected):
    result = run(policy, employees=roster(**extra))
    found = rules(result, "COACH-NOT-QUALIFIED")
    assert len(found) == 1 and expected in found[0].message
    assert not only_pair(result)["completion_eligible"]


def test_a_coach_trained_after_the_as_of_date_of_a_pair_not_started_is_not_told_of_a_planning_meeting(policy):
    """With no planning meeting, the coach is judged on the as-of date: the message names it as such."""
    unstarted = assignment(planning=None, status="Active", completion_date=None, payment_request_date=None, goals_attained=False)
    result = run(policy, employees=roster(coach_training_date="2026-12-01"), assignments=[unstarted], candidate_log=[], coach_log=[])
    [found] = rules(result, "COACH-NOT-QUALIFIED")
    assert found.message == "Coach 100 is not qualified: coach training on 2026-12-01, after the as-of date 2026-11-20"


def test_a_coach_qualified_for_one_pair_but_not_another_is_qualified_for_some_pairs_naming_the_candidate(policy):
    later = assignment(candidate="201", planning="2026-06-01", status="Active", completion_date=None, payment_request_date=None)
    result = run(policy, employees=roster(grade=23), assignments=[assignment(), later],
                 requests=[request(target=23), request(candidate="201", target=25)])
    assert result.pairs["payment_eligible"].tolist() == [True, False]  # the coach is paid for candidate 200
    coach = result.coaches.iloc[0]
    assert coach["qualified"] == "For some pairs"
    assert coach["reasons"] == "for candidate 201: grade 23 is below the candidate's target grade 25"


def test_a_coach_not_qualified_for_any_pair_is_not_qualified_for_a_reason_of_their_own(policy):
    later = assignment(candidate="201", planning="2026-06-01", status="Active", completion_date=None, payment_request_date=None)
    result = run(policy, employees=roster(coach_training_date=None), assignments=[assignment(), later],
                 requests=[request(), request(candidate="201")])
    coach = result.coaches.iloc[0]
    assert (coach["qualified"], coach["reasons"]) == ("No", "no coach training date")


def test_coach_at_the_target_grade_employed_exactly_2_years_and_trained_that_day_qualifies(policy):
    result = run(policy, employees=roster(grade=23, hire_date="2024-01-10", coach_training_date="2026-01-10"))
    assert rules(result, "COACH-NOT-QUALIFIED") == []


@pytest.mark.parametrize("recs", [recommendations(supervisors=0), recommendations(colleagues=1), recommendations(overall="Not recommended")])
def test_recommendations_must_be_a_supervisor_and_two_colleagues_none_negative(policy, recs):
    result = run(policy, recs=recs)
    assert len(rules(result, "COACH-NOT-QUALIFIED")) == 1
    assert result.coaches.iloc[0]["recommendations_complete"] is False or not result.coaches.iloc[0]["recommendations_complete"]


# --- concurrency, enrollment, repeats --------------------------------------------------------

def test_overlapping_pairs_of_one_coach_are_both_flagged(policy):
    pairs = [assignment(), assignment(candidate="201", planning="2026-04-01", completion_date="2026-09-01")]
    result = run(policy, assignments=pairs, requests=[request(), request(candidate="201")])
    assert sorted(f.candidate_id for f in rules(result, "COACH-CONCURRENT")) == ["200", "201"]


def test_a_coach_with_many_pairs_at_once_names_ten_others_and_counts_the_rest(policy, monkeypatch):
    """Each COACH-CONCURRENT finding names the first ten other pairs of the coach and says how many
    more there are: naming every one made each message as long as the coach's list (a coach with
    1,000 pairs at once: 45,000 characters each, cut off in the workbooks' cells, a 50 MB notice for
    the coordinator). A pair's words are made once, not again in each of the others' findings."""
    import coaching_batch.rules.coach as coach_rules

    written = []
    monkeypatch.setattr(coach_rules, "day_text", lambda value: written.append(value) or str(value.date()))
    many = [f"{300 + i}" for i in range(40)]
    result = run(policy, employees=roster() + [employee(c, f"Candidate {c}", 20) for c in many],
                 assignments=[assignment(candidate=c, planning=f"2026-01-{10 + i % 20}") for i, c in enumerate(many)],
                 requests=[request(candidate=c) for c in many])
    found = rules(result, "COACH-CONCURRENT")
    assert len(found) == 40
    first = found[0].message
    assert first.startswith("Coach 100 coaches candidate 300 (2026-01-10 to 2026-05-01) at the same time as candidate 301 "
                            "(2026-01-11 to 2026-05-01), ")
    assert first.count("candidate ") == 11
    assert first.endswith("candidate 310 (2026-01-20 to 2026-05-01) and 29 more; at most 1 at a time")
    assert found[-1].message.endswith("candidate 309 (2026-01-19 to 2026-05-01) and 29 more; at most 1 at a time")
    assert len(written) <= 2 * 40


def placeholder_coach(count):
    """A roster, requests and Pairs rows where one Coach ID, 999999 typed on every unassigned pair of a
    large district, has ``count`` candidates starting within three weeks and ending together."""
    people = [f"{3000 + i}" for i in range(count)]
    return dict(employees=roster() + [employee("999999", "Placeholder Coach")]
                + [employee(c, f"Candidate {c}", 20) for c in people],
                assignments=[assignment(candidate=c, coach="999999", planning=f"2026-01-{10 + i % 20}")
                             for i, c in enumerate(people)],
                requests=[request(candidate=c) for c in people])


def test_a_placeholder_coach_id_on_1200_pairs_flags_each_naming_ten_and_counting_the_rest(policy):
    """Each of 1,200 pairs at once is flagged, naming the first ten others in row order and how many
    more: comparing the pairs two by two made 1.4 million rows at once to say it (9 million, several
    GB, for 3,000)."""
    found = rules(run(policy, **placeholder_coach(1200)), "COACH-CONCURRENT")
    assert len(found) == 1200 and len({f.candidate_id for f in found}) == 1200
    assert all(f.message.endswith(" and 1189 more; at most 1 at a time") for f in found)
    assert found[0].message.startswith("Coach 999999 coaches candidate 3000 (2026-01-10 to 2026-05-01) at the same "
                                       "time as candidate 3001 (2026-01-11 to 2026-05-01), ")
    assert found[-1].message.count("candidate ") == 11 and "candidate 3009 (2026-01-19" in found[-1].message


@pytest.mark.parametrize("at_once", [1, 2])
def test_a_coach_with_1000_pairs_at_once_is_judged_without_holding_every_two_of_them_at_once(policy, at_once):
    """SPEC §8's 1 GiB: a coach's k pairs are compared k² times, but a slice at a time. Holding them all
    at once took 240 MB for 1,000 pairs and passed 1 GiB at 2,000."""
    import tracemalloc

    from coaching_batch.rules.coach import concurrent_pairs

    result = run(allowing(policy, at_once), **placeholder_coach(1000))
    tracemalloc.start()
    flagged = concurrent_pairs(result.pairs, at_once)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100 << 20
    assert len(flagged) == 1000 and {others.count for others in flagged.values()} == {999}


@pytest.mark.parametrize("compared_at_once", [200_000, 3])
def test_each_coachs_pairs_are_compared_with_their_own_coachs_only_however_the_comparisons_are_cut(
        monkeypatch, compared_at_once):
    """Two coaches' pairs in rows taken turn about, compared all at once or a few comparisons at a time
    (a coach's pairs cut across slices, a slice holding two coaches): each pair names the other
    coach's pairs never, its own candidate's other pair never, and its own coach's in row order."""
    from coaching_batch import settings
    from coaching_batch.rules.coach import Others, concurrent_pairs

    monkeypatch.setattr(settings, "PAIRS_COMPARED_AT_ONCE", compared_at_once)
    rows = [("100", "200", "2026-01-01", "2026-03-01"), ("101", "300", "2026-01-01", "2026-06-01"),
            ("100", "201", "2026-02-01", "2026-04-01"), ("100", "202", "2026-03-15", "2026-05-01"),
            ("101", "301", "2026-05-01", "2026-07-01"), ("100", "200", "2026-02-15", "2026-02-20")]
    pairs = pd.DataFrame(rows, columns=["coach_id", "candidate_id", "start", "period_end"])
    pairs[["start", "period_end"]] = pairs[["start", "period_end"]].apply(pd.to_datetime)
    assert concurrent_pairs(pairs, 1) == {0: Others([2], 1), 2: Others([0, 3, 5], 3), 3: Others([2], 1),
                                          5: Others([2], 1), 1: Others([4], 1), 4: Others([1], 1)}


def test_a_coach_with_up_to_ten_others_at_once_has_each_named(policy):
    many = [f"{300 + i}" for i in range(11)]
    result = run(policy, employees=roster() + [employee(c, f"Candidate {c}", 20) for c in many],
                 assignments=[assignment(candidate=c) for c in many], requests=[request(candidate=c) for c in many])
    first = rules(result, "COACH-CONCURRENT")[0].message
    assert first.count("candidate ") == 11 and " more" not in first
    assert first.endswith("candidate 310 (2026-01-10 to 2026-05-01); at most 1 at a time")


def test_a_copy_allowing_two_candidates_at_once_says_so_in_the_fix_and_the_reasons(policy):
    """A policy file's max_concurrent_candidates = 2: the fix and the pair's reason give its number,
    not the preset's "one candidate at a time" (which told the coordinator to end a pair too many)."""
    coach = dataclasses.replace(policy.section("coach"), max_concurrent_candidates=2)
    two = dataclasses.replace(policy, sections={**policy.sections, "coach": coach})
    people = ["200", "201", "202"]
    result = run(two, employees=roster() + [employee("202", "Kay Candidate", 20)],
                 assignments=[assignment(candidate=c) for c in people], requests=[request(candidate=c) for c in people])
    found = rules(result, "COACH-CONCURRENT")
    assert len(found) == 3
    assert {f.fix for f in found} == {"A coach may coach at most 2 candidates at a time: end or reassign one pair."}
    assert all("coach has more than 2 candidates at once (at most 2 at a time)" in str(r) for r in result.pairs["reasons"])
    assert rules(run(policy), "COACH-CONCURRENT") == []
    [preset] = [f.fix for f in rules(run(policy, assignments=[assignment(), assignment(candidate="201")],
                                         requests=[request(), request(candidate="201")]), "COACH-CONCURRENT")][:1]
    assert preset == "A coach may coach one candidate at a time: end or reassign one pair."


def allowing(policy, at_once):
    """A copy of the preset allowing a coach ``at_once`` candidates at a time."""
    coach = dataclasses.replace(policy.section("coach"), max_concurrent_candidates=at_once)
    return dataclasses.replace(policy, sections={**policy.sections, "coach": coach})


def test_a_copy_allowing_two_at_once_does_not_flag_a_coach_who_never_had_three_at_once(policy):
    """Three pairs in a chain, each overlapping the next but the first and the last never together:
    the coach never had more than 2 candidates at once (the middle pair was flagged for overlapping
    two others, and its completion and stipend blocked)."""
    people = ["200", "201", "202"]
    pairs = [assignment(candidate="200", planning="2026-01-10", completion_date="2026-03-05"),
             assignment(candidate="201", planning="2026-03-01", completion_date="2026-06-01"),
             assignment(candidate="202", planning="2026-05-01", completion_date="2026-08-01")]
    result = run(allowing(policy, 2), employees=roster() + [employee("202", "Kay Candidate", 20)], assignments=pairs,
                 requests=[request(candidate=c) for c in people])
    assert rules(result, "COACH-CONCURRENT") == []
    assert not any("at the same time" in str(r) for r in result.pairs["reasons"])


def test_a_copy_allowing_two_at_once_names_only_the_pairs_active_when_there_were_three(policy):
    """200 runs all year; 201 and 202 overlap it and each other in March; 203 overlaps only 200 in
    the summer. Three at once in March only: 200, 201 and 202 are flagged, and 203 is neither flagged
    nor named."""
    people = ["200", "201", "202", "203"]
    pairs = [assignment(candidate="200", planning="2026-01-10", completion_date="2026-07-09"),
             assignment(candidate="201", planning="2026-02-01", completion_date="2026-04-01"),
             assignment(candidate="202", planning="2026-03-01", completion_date="2026-05-01"),
             assignment(candidate="203", planning="2026-06-01", completion_date="2026-08-01")]
    result = run(allowing(policy, 2), employees=roster() + [employee(c, f"Candidate {c}", 20) for c in ("202", "203")],
                 assignments=pairs, requests=[request(candidate=c) for c in people])
    found = {f.candidate_id: f.message for f in rules(result, "COACH-CONCURRENT")}
    assert sorted(found) == ["200", "201", "202"]
    assert found["200"] == ("Coach 100 coaches candidate 200 (2026-01-10 to 2026-07-09) at the same time as candidate 201 "
                            "(2026-02-01 to 2026-04-01), candidate 202 (2026-03-01 to 2026-05-01); at most 2 at a time")
    assert "203" not in " ".join(found.values())


def test_one_candidate_at_a_time_still_flags_every_overlap_of_a_chain(policy):
    """The preset's limit of 1: each pair of a chain is flagged with every pair it overlaps."""
    people = ["200", "201", "202"]
    pairs = [assignment(candidate="200", planning="2026-01-10", completion_date="2026-03-05"),
             assignment(candidate="201", planning="2026-03-01", completion_date="2026-06-01"),
             assignment(candidate="202", planning="2026-05-01", completion_date="2026-08-01")]
    result = run(policy, employees=roster() + [employee("202", "Kay Candidate", 20)], assignments=pairs,
                 requests=[request(candidate=c) for c in people])
    found = {f.candidate_id: f.message for f in rules(result, "COACH-CONCURRENT")}
    assert sorted(found) == people
    assert found["201"].endswith("at the same time as candidate 200 (2026-01-10 to 2026-03-05), candidate 202 "
                                 "(2026-05-01 to 2026-08-01); at most 1 at a time")


def test_concurrent_pairs_are_named_with_their_ends_so_a_one_day_overlap_shows(policy):
    """Candidate 200 completed on 2026-05-01 and 201 started on 2026-04-30: the message shows both
    periods (it gave start dates only, so the day they share could not be seen)."""
    pairs = [assignment(candidate="200", planning="2026-01-10", completion_date="2026-05-01"),
             assignment(candidate="201", planning="2026-04-30", status="Active", completion_date=None, payment_request_date=None)]
    result = run(policy, assignments=pairs, requests=[request(), request(candidate="201")])
    found = {f.candidate_id: f.message for f in rules(result, "COACH-CONCURRENT")}
    assert found["201"] == ("Coach 100 coaches candidate 201 (2026-04-30 to 2026-10-30) at the same time as candidate 200 "
                            "(2026-01-10 to 2026-05-01); at most 1 at a time")


def test_the_same_candidate_entered_twice_is_one_candidate_when_counting_two_at_once(policy):
    """Candidate 200's row pasted twice beside candidate 201: two candidates at once, within a limit of 2."""
    pairs = [assignment(), assignment(), assignment(candidate="201")]
    result = run(allowing(policy, 2), assignments=pairs, requests=[request(), request(candidate="201")])
    assert rules(result, "COACH-CONCURRENT") == []


def test_an_assignment_entered_twice_is_a_repeat_not_the_coach_coaching_two_candidates(policy):
    """The same row pasted twice: the coach still has one candidate, so no COACH-CONCURRENT (which
    blocked the real assignment's stipend too); the copy is CANDIDATE-REPEAT, and the first is paid."""
    result = run(policy, assignments=[assignment(), assignment()])
    assert rules(result, "COACH-CONCURRENT") == []
    assert len(rules(result, "CANDIDATE-REPEAT")) == 1
    assert result.pairs["payment_eligible"].tolist() == [True, False]


def test_a_pair_starting_on_the_day_the_previous_one_ends_is_not_an_overlap(policy):
    pairs = [assignment(), assignment(candidate="201", planning="2026-05-01", completion_date="2026-09-01")]
    result = run(policy, assignments=pairs, requests=[request(), request(candidate="201")])
    assert rules(result, "COACH-CONCURRENT") == []


def test_a_withdrawn_pair_without_end_date_is_ignored_for_concurrency(policy):
    pairs = [assignment(status="Withdrawn", completion_date=None, payment_request_date=None),
             assignment(candidate="201", planning="2026-04-01", completion_date="2026-09-01")]
    result = run(policy, assignments=pairs, requests=[request(), request(candidate="201")])
    assert rules(result, "COACH-CONCURRENT") == []


@pytest.mark.parametrize(
    "requests, expected",
    [([], "no Coaching Request"), ([request(enrollment=None)], "no enrollment form"), ([request(enrollment="2025-12-02")], "after the request")],
)
def test_candidate_not_enrolled(policy, requests, expected):
    result = run(policy, requests=requests)
    found = rules(result, "CANDIDATE-NOT-ENROLLED")
    assert len(found) == 1 and expected in found[0].message
    assert not only_pair(result)["completion_eligible"]


@pytest.mark.parametrize(
    "requests, fix",
    [([], "Put the candidate's Coaching Request in the inbox"), ([request(enrollment=None)], "Record the enrollment form (336-84) date"),
     ([request(enrollment="2025-12-02")], "The candidate must enroll (form 336-84) before requesting a coach.")],
)
def test_candidate_not_enrolled_tells_the_coordinator_what_is_missing(policy, requests, fix):
    """A request missing from the inbox, or its form's date left blank, is for the coordinator to put in."""
    [found] = rules(run(policy, requests=requests), "CANDIDATE-NOT-ENROLLED")
    assert found.fix.startswith(fix)


def test_enrollment_on_the_request_date_is_in_time(policy):
    assert rules(run(policy, requests=[request(enrollment="2025-12-01")]), "CANDIDATE-NOT-ENROLLED") == []


def test_second_assignment_for_the_same_target_grade_flags_the_later_one(policy):
    pairs = [assignment(coach="101", planning="2026-06-01", completion_date=None, status="Active", payment_request_date=None), assignment()]
    found = rules(run(policy, assignments=pairs, recs=recommendations() + recommendations(coach="101")), "CANDIDATE-REPEAT")
    assert [f.coach_id for f in found] == ["101"]


def test_of_two_repeats_with_one_planning_meeting_date_the_one_assigned_later_is_flagged(policy):
    """SPEC §4: the later one by planning meeting date, then assigned date, then row order."""
    later, earlier = (assignment(coach=coach, assigned_date=assigned, completion_date=None, status="Active", payment_request_date=None)
                      for coach, assigned in (("100", "2026-01-05"), ("101", "2026-01-02")))
    found = rules(run(policy, assignments=[later, earlier], recs=recommendations() + recommendations(coach="101")), "CANDIDATE-REPEAT")
    assert [f.coach_id for f in found] == ["100"]


# --- timing ----------------------------------------------------------------------------------

def test_no_planning_meeting_30_days_after_assignment_is_not_started(policy):
    """Due 30 days after the assignment: on the 30th day (as-of 2026-11-20) it has passed."""
    late = assignment(planning=None, assigned_date="2026-10-21", status="Active", completion_date=None, payment_request_date=None, goals_attained=False)
    [found] = rules(run(policy, assignments=[late], candidate_log=[], coach_log=[]), "PAIR-NOT-STARTED")
    assert "30 days ago" in found.message
    on_time = dict(late, assigned_date="2026-10-22")
    assert rules(run(policy, assignments=[on_time], candidate_log=[], coach_log=[]), "PAIR-NOT-STARTED") == []


def test_not_started_states_the_policys_days_a_planning_meeting_is_due_within(policy):
    """A copy with not_started_days = 10: the warning comes on the 10th day and says the 10 days (the
    coordinator saw "10 days ago" and nothing of the rule it broke)."""
    window = dataclasses.replace(policy.section("window"), not_started_days=10)
    sooner = dataclasses.replace(policy, sections={**policy.sections, "window": window})
    late = assignment(planning=None, assigned_date="2026-11-10", status="Active", completion_date=None, payment_request_date=None, goals_attained=False)
    [found] = rules(run(sooner, assignments=[late], candidate_log=[], coach_log=[]), "PAIR-NOT-STARTED")
    assert found.message == ("Assigned on 2026-11-10 (10 days ago) and no planning meeting date yet; "
                             "it is due within 10 days of the assignment")
    on_time = dict(late, assigned_date="2026-11-11")
    assert rules(run(sooner, assignments=[on_time], candidate_log=[], coach_log=[]), "PAIR-NOT-STARTED") == []


def test_active_pair_without_recent_coach_contact_is_inactive(policy):
    active = assignment(planning="2026-08-01", status="Active", completion_date=None, payment_request_date=None, goals_attained=False)
    quiet = run(policy, assignments=[active], coach_log=[coach_entry("2026-10-21", 60)], candidate_log=[])
    assert len(rules(quiet, "PAIR-INACTIVE")) == 1
    recent = run(policy, assignments=[active], coach_log=[coach_entry("2026-10-22", 60)], candidate_log=[])
    assert rules(recent, "PAIR-INACTIVE") == []


def test_a_zero_hour_coach_log_row_is_no_recent_contact(policy):
    """SPEC §4: an error on a row (LOG-DURATION-INVALID) excludes that row, from the inactivity check too."""
    active = assignment(planning="2026-08-01", status="Active", completion_date=None, payment_request_date=None, goals_attained=False)
    zero = run(policy, assignments=[active], coach_log=[coach_entry("2026-10-21", 60), coach_entry("2026-11-18", 0)], candidate_log=[])
    found = rules(zero, "PAIR-INACTIVE")
    assert len(found) == 1 and "last coach-log entry 2026-10-21" in found[0].message


def test_active_pair_near_its_deadline_with_hours_short_is_at_risk(policy):
    active = assignment(planning="2026-06-15", status="Active", completion_date=None, payment_request_date=None, goals_attained=False)
    found = rules(run(policy, assignments=[active], candidate_log=[candidate_entry("2026-11-19", 600)],
                      coach_log=[coach_entry("2026-11-19", 60)]), "PAIR-AT-RISK")
    assert len(found) == 1 and "30.00 candidate hours" in found[0].message and "2026-12-15" in found[0].message


def test_at_risk_on_the_deadline_day_says_today_and_a_day_before_says_1_day(policy):
    active = assignment(planning="2026-05-20", status="Active", completion_date=None, payment_request_date=None, goals_attained=False)
    [today] = rules(run(policy, assignments=[active]), "PAIR-AT-RISK")
    assert today.message.startswith("Deadline 2026-11-20 is today and ")
    [tomorrow] = rules(run(policy, assignments=[dict(active, planning_meeting_date="2026-05-21")]), "PAIR-AT-RISK")
    assert tomorrow.message.startswith("Deadline 2026-11-21 is 1 day away and ")


def test_active_pair_past_its_deadline_is_overdue(policy):
    active = assignment(planning="2026-05-19", status="Active", completion_date=None, payment_request_date=None)
    result = run(policy, assignments=[active])
    assert [f.severity for f in rules(result, "PAIR-OVERDUE")] == ["error"]
    assert not only_pair(result)["completion_eligible"]
    on_deadline = assignment(planning="2026-05-20", status="Active", completion_date=None, payment_request_date=None)
    assert rules(run(policy, assignments=[on_deadline]), "PAIR-OVERDUE") == []


def test_a_pair_withdrawn_after_its_deadline_is_not_overdue(policy):
    """Withdrawing an overdue pair is what PAIR-OVERDUE asks for: the error goes, whatever the date."""
    withdrawn = assignment(planning="2026-05-19", status="Withdrawn", completion_date="2026-11-25", payment_request_date=None)
    result = run(policy, assignments=[withdrawn], as_of=pd.Timestamp("2026-12-01"))
    assert rules(result, "PAIR-OVERDUE") == []
    assert not only_pair(result)["completion_eligible"]
    completed_late = dict(withdrawn, status="Completed")
    assert len(rules(run(policy, assignments=[completed_late], as_of=pd.Timestamp("2026-12-01")), "PAIR-OVERDUE")) == 1


def test_a_pair_completed_after_its_deadline_is_told_to_check_its_dates_not_to_record_its_completion(policy):
    """Its completion is recorded already: the fix says what is left to do, and what it means."""
    [late] = rules(run(policy, assignments=[assignment(completion_date="2026-07-11")]), "PAIR-OVERDUE")
    assert late.message == "Completed on 2026-07-11, after the deadline 2026-07-10"
    assert "record completion" not in late.fix and "Completion Date" in late.fix and "paid" in late.fix
    active = assignment(planning="2026-05-19", status="Active", completion_date=None, payment_request_date=None)
    [still] = rules(run(policy, assignments=[active]), "PAIR-OVERDUE")
    assert still.fix == "The coaching window is over: record completion or withdrawal."


def test_an_active_pair_past_its_deadline_with_a_later_completion_date_is_overdue_once(policy):
    """Still Active after the deadline, and its completion date after it too: one PAIR-OVERDUE, the
    Active one (it had a second, about the completion date, for the same pair and the same deadline)."""
    late = assignment(status="Active", completion_date="2026-08-01", payment_request_date=None)  # deadline 2026-07-10
    [overdue] = rules(run(policy, assignments=[late]), "PAIR-OVERDUE")
    assert overdue.message.startswith("Still Active but the deadline 2026-07-10")


def test_a_pair_completed_without_a_completion_date_after_its_deadline_is_told_to_record_the_date(policy):
    """SPEC §4: completion_date, or as-of where there is none, must be on or before the deadline. A
    Completed pair with no date, judged on an as-of after its deadline, is held back by PAIR-OVERDUE,
    which asks for the date (it was held back with no finding at all)."""
    undated = assignment(completion_date=None)  # deadline 2026-07-10
    [overdue] = rules(run(policy, assignments=[undated]), "PAIR-OVERDUE")
    assert overdue.severity == "error"
    assert overdue.message == ("Completed with no completion date: judged on the as-of date 2026-11-20, "
                               "after the deadline 2026-07-10")
    assert "Completion Date" in overdue.fix
    assert rules(run(policy, assignments=[undated], as_of=pd.Timestamp("2026-07-10")), "PAIR-OVERDUE") == []
    assert only_pair(run(policy, assignments=[undated], as_of=pd.Timestamp("2026-07-10")))["completion_eligible"]


def test_an_active_pair_past_its_deadline_is_not_complete_or_paid_whatever_its_completion_date(policy):
    """The status was never set to Completed: the pair is overdue, and PAIR-OVERDUE blocks completion
    and payment (SPEC §4) even though the completion date it carries is before the deadline."""
    cand, coach_rows = full_logs(start="2026-03-05")
    active = assignment(planning="2026-03-02", status="Active", completion_date="2026-07-24", payment_request_date="2026-07-31")
    result = run(policy, assignments=[active], candidate_log=cand, coach_log=coach_rows)
    assert [(f.severity, f.message) for f in rules(result, "PAIR-OVERDUE")] == [
        ("error", "Still Active but the deadline 2026-09-02 (6 months from the planning meeting) has passed")]
    pair = only_pair(result)
    assert not pair["completion_eligible"] and not pair["payment_eligible"] and result.payable.empty
    too_short = run(policy, assignments=[dict(active, completion_date="2026-04-01")], candidate_log=cand, coach_log=coach_rows)
    assert [f.message for f in rules(too_short, "PAIR-TOO-SHORT")] == [
        "Still Active, with a completion date of 2026-04-01, less than 2 months after the planning meeting on 2026-03-02"]


def test_completion_before_two_months_is_too_short(policy):
    cand, coach_rows = full_logs()
    result = run(policy, assignments=[assignment(completion_date="2026-03-09")], candidate_log=cand, coach_log=coach_rows)
    [short] = rules(result, "PAIR-TOO-SHORT")
    assert short.message.startswith("Completed on 2026-03-09")
    assert rules(run(policy, assignments=[assignment(completion_date="2026-03-10")]), "PAIR-TOO-SHORT") == []
    before = run(policy, assignments=[assignment(completion_date="2026-01-05")])  # a typo, most likely
    assert [f.message for f in rules(before, "PAIR-TOO-SHORT")] == ["Completed on 2026-01-05, before the planning meeting on 2026-01-10"]
    withdrawn = run(policy, assignments=[assignment(completion_date="2026-03-09", status="Withdrawn")])
    assert [f.message[:25] for f in rules(withdrawn, "PAIR-TOO-SHORT")] == ["Withdrawn on 2026-03-09, "]


def test_policy_numbers_come_from_the_policy_not_the_code(policy):
    from coaching_batch.policy import policy_from_toml, preset_text

    text = preset_text("itss-coaching").replace("candidate_minimum = 40", "candidate_minimum = 30").replace("stipend = 300", "stipend = 450")
    lenient = policy_from_toml(text, "lenient.toml")
    cand, coach_rows = full_logs(candidate_minutes=30 * 60)
    result = run(lenient, candidate_log=cand, coach_log=coach_rows)
    assert only_pair(result)["payment_eligible"]
    assert list(result.payable["amount"]) == [450.0]


def test_a_pair_coached_for_two_bands_is_paid_and_certified_for_each(policy):
    """The ITSS seed lets a candidate be coached again for the next band ("from a 20 to a 23 and then
    again ... from a 23 to a 25"), here by the same coach: each coaching is paid and certified. The
    first keeps the pair's own Payment ID (the one a single coaching always had); the later band gets
    its own (the same ID twice once listed the stipend twice and stopped a real run on the ledger)."""
    first_cand, first_coach = full_logs(start="2025-06-05")
    second_cand, second_coach = full_logs(start="2026-01-12")
    result = run(policy,
                 requests=[request(request_date="2025-05-01", enrollment="2025-04-20", target=23),
                           request(request_date="2025-12-01", enrollment="2025-11-15", target=25)],
                 assignments=[assignment(planning="2026-01-10", target_grade=25),
                              assignment(planning="2025-06-02", target_grade=23, assigned_date="2025-05-20",
                                         completion_date="2025-11-01", payment_request_date="2025-11-02")],
                 candidate_log=first_cand + second_cand, coach_log=first_coach + second_coach)
    pairs = result.pairs.set_index("target_grade")
    assert pairs["payment_eligible"].all() and rules(result, "PAYMENT-ALREADY-PAID") == []
    assert pairs.at[23, "payment_id"] == payment_id("itss-coaching", "200", "100")  # the pair's own, as ever
    assert pairs.at[25, "payment_id"] == payment_id("itss-coaching", "200", "100", "grade 25")
    assert sorted(result.payable["payment_id"]) == sorted(pairs["payment_id"])
    assert sorted(result.certificates["certificate_id"]) == sorted(pairs["certificate_id"]) and pairs["certificate_id"].nunique() == 2


def test_entries_inside_two_bands_windows_count_for_the_band_being_coached_on_their_date(policy):
    """The same coach again for the next band: the first band completed on 2 March but its window runs
    to its deadline, 3 May; what is logged from the second band's planning meeting on 1 April is the
    second band's (SPEC §4: a pair counts the entries from its planning meeting), whichever row comes first."""
    first_cand, first_coach = full_logs(start="2025-11-03")
    second_cand, second_coach = full_logs(start="2026-04-01")
    first = assignment(planning="2025-11-03", assigned_date="2025-10-20", target_grade=23,
                       completion_date="2026-03-02", payment_request_date="2026-03-05")
    second = assignment(planning="2026-04-01", assigned_date="2026-03-25", target_grade=25,
                        completion_date="2026-08-15", payment_request_date="2026-08-20")
    requests = [request(request_date="2025-10-01", enrollment="2025-09-15", target=23),
                request(request_date="2026-03-20", enrollment="2026-03-15", target=25)]
    for assignments in ([first, second], [second, first]):
        result = run(policy, requests=requests, assignments=assignments,
                     candidate_log=first_cand + second_cand, coach_log=first_coach + second_coach)
        pairs = result.pairs.set_index("target_grade")
        assert pairs.loc[[23, 25], "candidate_hours"].tolist() == [40.00, 40.00]
        assert pairs.loc[[23, 25], "coach_contact_hours"].tolist() == [12.00, 12.00]
        assert pairs["payment_eligible"].all()


def test_a_payment_id_issued_before_stays_with_the_coaching_it_was_issued_for(policy):
    """The 25 coaching was paid under the pair's own ID while it was the only one; its earlier 23
    coaching, entered since, gets an ID of its own (by the bands alone it would take the paid one)."""
    first_cand, first_coach = full_logs(start="2025-06-05")
    second_cand, second_coach = full_logs(start="2026-01-12")
    paid = payment_id("itss-coaching", "200", "100")
    issued = pd.DataFrame([{"payment_id": paid, "program": "itss-coaching", "candidate_id": "200", "coach_id": "100",
                            "start_date": "2026-01-10"}])
    both = dict(requests=[request(request_date="2025-05-01", enrollment="2025-04-20", target=23),
                          request(request_date="2025-12-01", enrollment="2025-11-15", target=25)],
                assignments=[assignment(planning="2026-01-10", target_grade=25),
                             assignment(planning="2025-06-02", target_grade=23, assigned_date="2025-05-20",
                                        completion_date="2025-11-01", payment_request_date="2025-11-02")],
                candidate_log=first_cand + second_cand, coach_log=first_coach + second_coach)
    by_bands = run(policy, **both).pairs.set_index("target_grade")
    kept = run(policy, **both, issued=issued).pairs.set_index("target_grade")
    assert by_bands.at[23, "payment_id"] == paid  # what an ID-less evaluation does, as ever
    assert kept.at[25, "payment_id"] == paid and kept.at[25, "certificate_id"] == by_bands.at[23, "certificate_id"]
    assert kept.at[23, "payment_id"] == payment_id("itss-coaching", "200", "100", "grade 23")
    assert kept["certificate_id"].nunique() == 2


def test_a_certificate_issued_before_stays_with_the_coaching_it_was_issued_for(policy):
    """The 25 coaching was certified (not yet paid) under the pair's own certificate ID while it was the
    only one; its earlier 23 coaching, entered since, gets a certificate of its own, and the 25 one is
    not certified again. Alone in the inbox later, each keeps its own certificate week after week."""
    first_cand, first_coach = full_logs(start="2025-06-05")
    second_cand, second_coach = full_logs(start="2026-01-12")
    own = certificate_id("itss-coaching", "200", "100")
    certified = pd.DataFrame([{"certificate_id": own, "program": "itss-coaching", "candidate_id": "200",
                               "coach_id": "100", "issued_on": "2026-07-20"}])
    later = assignment(planning="2026-01-10", target_grade=25, completion_date="2026-07-10")
    earlier = assignment(planning="2025-06-02", target_grade=23, assigned_date="2025-05-20", completion_date="2025-11-01")
    both = dict(requests=[request(request_date="2025-05-01", enrollment="2025-04-20", target=23),
                          request(request_date="2025-12-01", enrollment="2025-11-15", target=25)],
                assignments=[later, earlier], candidate_log=first_cand + second_cand, coach_log=first_coach + second_coach)
    kept = run(policy, **both, certified=certified).pairs.set_index("target_grade")
    assert kept.at[25, "certificate_id"] == own and kept.at[23, "certificate_id"] != own
    alone = run(policy, **{**both, "assignments": [later]}, certified=certified).pairs.set_index("target_grade")
    assert alone.at[25, "certificate_id"] == own
    second = pd.concat([certified, certified.assign(certificate_id=kept.at[23, "certificate_id"], issued_on="2026-07-27")])
    earlier_alone = run(policy, **{**both, "assignments": [earlier]}, certified=second).pairs.set_index("target_grade")
    assert earlier_alone.at[23, "certificate_id"] == kept.at[23, "certificate_id"]


def test_a_certificate_stays_with_the_coaching_completed_by_its_issue_not_the_next_begun_before_it(policy):
    """The next coaching begun before the last one's certificate went out, but entered only later (late
    paperwork), and not completed: the certificate stays with the completed coaching, which is not
    certified again; alone in the inbox, the next one is a coaching of its own."""
    first_cand, first_coach = full_logs(start="2026-03-16")
    own = certificate_id("itss-coaching", "200", "100")
    certified = pd.DataFrame([{"certificate_id": own, "program": "itss-coaching", "candidate_id": "200",
                               "coach_id": "100", "issued_on": "2026-11-13"}])
    done = assignment(planning="2026-03-16", target_grade=None, completion_date="2026-08-28")
    begun = assignment(planning="2026-11-02", target_grade=None, completion_date=None, status="Active")
    both = run(policy, assignments=[begun, done], candidate_log=first_cand, coach_log=first_coach, certified=certified)
    ids = dict(zip(both.pairs["status"], both.pairs["certificate_id"]))
    assert ids["Completed"] == own and ids["Active"] != own
    alone = run(policy, assignments=[begun], candidate_log=first_cand, coach_log=first_coach, certified=certified)
    assert alone.pairs["certificate_id"].iloc[0] != own


def test_a_blank_target_grade_comes_from_the_request_each_assignment_followed(policy):
    """A candidate enrolled again for the next band has a request for each: the 2025 coaching goes
    with the request for 23, the 2026 one with the request for 25 (not both with the latest, which
    made the second a CANDIDATE-REPEAT and judged the first against grade 25)."""
    first_cand, first_coach = full_logs(start="2025-06-05")
    second_cand, second_coach = full_logs(start="2026-01-12")
    result = run(policy,
                 employees=roster(grade=23),  # a coach at grade 23 qualifies for the first band only
                 recs=recommendations() + recommendations(coach="101"),
                 requests=[request(request_date="2025-05-01", enrollment="2025-04-20", target=23),
                           request(request_date="2025-12-01", enrollment="2025-11-15", target=25)],
                 assignments=[assignment(planning="2025-06-02", assigned_date="2025-05-20", completion_date="2025-11-01",
                                         payment_request_date="2025-11-02"),
                              assignment(coach="101")],
                 candidate_log=first_cand + [dict(e, coach_id="101") for e in second_cand],
                 coach_log=first_coach + [dict(e, coach_id="101") for e in second_coach])
    assert list(result.pairs["target_grade"]) == [23, 25]
    assert result.pairs["payment_eligible"].all()
    assert rules(result, "CANDIDATE-REPEAT") == [] and rules(result, "COACH-NOT-QUALIFIED") == []


def test_enrollment_is_checked_on_the_request_the_assignment_followed(policy):
    """The enrollment form of the 2025 request came late; the 2026 request's did not. The 2025
    coaching (target grade blank) followed the 2025 request, so its candidate was not enrolled."""
    requests = [request(request_date="2025-05-01", enrollment="2025-05-20", target=23),
                request(request_date="2025-12-01", enrollment="2025-11-15", target=25)]
    result = run(policy, requests=requests,
                 assignments=[assignment(planning="2025-06-02", assigned_date="2025-05-25", completion_date="2025-11-01")])
    found = rules(result, "CANDIDATE-NOT-ENROLLED")
    assert len(found) == 1 and "after the request of" in found[0].message and "2025-05-01" in found[0].message


def test_a_copy_allowing_two_at_once_still_flags_three_at_once_beside_a_pair_completed_before_it_started(policy):
    """Three candidates with one coach all spring, and a fourth pair whose Completion Date was typed
    before its planning meeting: that pair is active at no moment, so it takes nothing off the three
    at once (its end, counted before its start, hid them: no COACH-CONCURRENT, all three paid)."""
    people = ["200", "201", "202", "203"]
    pairs = [assignment(candidate=c, planning="2026-01-10", completion_date="2026-06-01") for c in people[:3]]
    pairs.append(assignment(candidate="203", planning="2026-08-01", completion_date="2025-12-01"))
    result = run(allowing(policy, 2), employees=roster() + [employee(c, f"Candidate {c}", 20) for c in ("202", "203")],
                 assignments=pairs, requests=[request(candidate=c) for c in people])
    assert sorted(f.candidate_id for f in rules(result, "COACH-CONCURRENT")) == ["200", "201", "202"]
