"""[window] (ITSS): not started, inactive, at risk, overdue, too short (SPEC §4, Pairs)."""

from __future__ import annotations

import pandas as pd

from ..policy import Window
from .dates import add_months, day_text, days_text, due_text, months_text
from .judgement import Context, Judgement
from .pairs import pair_finding, pair_records


# How a message introduces a pair's completion date, by its status (the date a withdrawal ended it, too).
ENDED = {"Completed": "Completed on", "Withdrawn": "Withdrawn on", "Active": "Still Active, with a completion date of"}

# PAIR-OVERDUE of a pair whose completion is recorded (the catalogue's fix asks for it to be recorded).
COMPLETED_LATE_FIX = ("Check the Completion Date and the Planning Meeting Date: if they are right, the pair was "
                      "completed after its deadline and is neither certified nor paid.")
UNDATED_FIX = ("Record the Completion Date on the assignment: without it the pair is judged on the as-of date, "
               "which is past the deadline.")


def judge_window(pairs: pd.DataFrame, window: Window, context: Context) -> Judgement:
    """Timing findings; an overdue pair and one with no planning meeting are not complete."""
    as_of, policy = context.as_of, context.policy
    judgement = Judgement()
    last_contact = context.last_coach_contact
    need_candidate = policy.candidate_minimum_minutes or 0
    need_coach = policy.coach_contact_minimum_minutes or 0
    minimum_ends = add_months(pairs["planning_meeting_date"], window.months_minimum)
    records = pair_records(pairs, "planning_meeting_date", "deadline", "status", "assigned_date", "completion_date",
                           "candidate_minutes", "coach_contact_minutes")
    for i, pair, minimum_end in zip(pairs.index, records, minimum_ends):
        planning, deadline = pair["planning_meeting_date"], pair["deadline"]
        active = pair["status"] == "Active"
        if pd.isna(planning):
            judgement.blocks(i, "no planning meeting date")
            # the meeting was due 30 days after the assignment; a due date equal to as-of has passed (SPEC §2a)
            if active and pd.notna(pair["assigned_date"]) and as_of >= pair["assigned_date"] + pd.Timedelta(days=window.not_started_days):
                days = (as_of - pair["assigned_date"]).days
                judgement.findings.append(pair_finding("PAIR-NOT-STARTED", pair,
                    f"Assigned on {day_text(pair['assigned_date'])} ({days_text(days)} ago) and no planning meeting date yet; "
                    f"it is due {due_text(window.not_started_days, 'the assignment')}"))
            continue
        end = pair["completion_date"] if pd.notna(pair["completion_date"]) else as_of
        if end > deadline or (active and as_of > deadline):  # still Active past it: overdue, whatever its completion date
            judgement.blocks(i, f"past the deadline {day_text(deadline)}")
        if active:
            quiet_since = as_of - pd.Timedelta(days=window.inactive_days)
            last = last_contact.get(i, pd.NaT)
            if planning < quiet_since and (pd.isna(last) or last <= quiet_since):
                seen = f"last coach-log entry {day_text(last)}" if pd.notna(last) else "no coach-log entry yet"
                judgement.findings.append(pair_finding("PAIR-INACTIVE", pair,
                    f"No coach-log entry in the {days_text(window.inactive_days)} up to {day_text(as_of)} ({seen})"))
            if deadline < as_of:
                judgement.findings.append(pair_finding("PAIR-OVERDUE", pair,
                    f"Still Active but the deadline {day_text(deadline)} ({months_text(window.months_maximum)} from the planning meeting) has passed"))
            elif deadline <= as_of + pd.Timedelta(days=window.at_risk_days):
                short_candidate = max(0, need_candidate - pair["candidate_minutes"])
                short_coach = max(0, need_coach - pair["coach_contact_minutes"])
                if short_candidate or short_coach:
                    needed = []
                    if short_candidate:
                        needed.append(f"{short_candidate / 60:.2f} candidate hours")
                    if short_coach:
                        needed.append(f"{short_coach / 60:.2f} coach contact hours")
                    left = (deadline - as_of).days
                    when = "today" if left == 0 else f"{days_text(left)} away"
                    judgement.findings.append(pair_finding("PAIR-AT-RISK", pair,
                        f"Deadline {day_text(deadline)} is {when} and {' and '.join(needed)} are still needed"))
        completion = pair["completion_date"]
        if pd.isna(completion) and pair["status"] == "Completed" and as_of > deadline:  # judged on as-of (SPEC §4)
            judgement.findings.append(pair_finding("PAIR-OVERDUE", pair,
                f"Completed with no completion date: judged on the as-of date {day_text(as_of)}, after the deadline {day_text(deadline)}",
                fix=UNDATED_FIX))
        if pd.notna(completion):
            ended = ENDED[pair["status"]]
            # a withdrawal ends it, late or not; a pair still Active past its deadline is overdue once, above
            if completion > deadline and pair["status"] != "Withdrawn" and not (active and deadline < as_of):
                judgement.findings.append(pair_finding("PAIR-OVERDUE", pair,
                    f"{ended} {day_text(completion)}, after the deadline {day_text(deadline)}", fix=COMPLETED_LATE_FIX))
            if completion < minimum_end:
                when = "before" if completion < planning else f"less than {months_text(window.months_minimum)} after"
                judgement.findings.append(pair_finding("PAIR-TOO-SHORT", pair,
                    f"{ended} {day_text(completion)}, {when} the planning meeting on {day_text(planning)}"))
    return judgement
