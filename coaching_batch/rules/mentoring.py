"""Supporting Services Mentoring (SPEC §2a): the relationship, who may mentor and be mentored,
and the monthly meetings."""

from __future__ import annotations

import pandas as pd

from ..findings import finding
from ..policy import MenteeEligibility, MentorEligibility, MonthlyMeetings, Relationship, Words, capital
from .dates import add_months, day_text, hours_text, whole_months, years_text
from .judgement import Context, Judgement
from .pairs import pair_finding, pair_records, reason_topic


def agreement_fix(words: Words) -> str:
    """AGREEMENT-MISSING's fix, for the pair and for a meeting before the agreement, in the program's words."""
    return (f"Have {words.coach} and {words.candidate} sign the {words.activity} agreement before they meet, "
            f"and record its date in Agreement Date.")


def agreement_column_fix(words: Words, sheet: str) -> str:
    """AGREEMENT-MISSING's fix for a pair whose assignments sheet has no Agreement Date column to record it in."""
    return (f"Add an Agreement Date column to the {sheet} sheet; have {words.coach} and {words.candidate} sign the "
            f"{words.activity} agreement before they meet, and record its date there.")


def meeting_before_agreement_fix(words: Words) -> str:
    """AGREEMENT-MISSING's fix for a meeting dated before a recorded agreement: both dates are in, so
    one of them is mistyped, or the meeting was held before the agreement was signed."""
    return (f"Check the meeting's date in the {words.coach} log and the pair's Agreement Date, and correct the one "
            f"mistyped; a meeting held before the {words.activity} agreement was signed does not count.")


def judge_relationship(pairs: pd.DataFrame, relationship: Relationship, context: Context) -> Judgement:
    """AGREEMENT-MISSING on a pair with no Agreement Date, or one after as-of: not signed yet, or
    mistyped (blocks completion); RELATIONSHIP-EXPIRED on an Active pair whose months ended before as-of."""
    judgement = Judgement()
    words = context.policy.words
    cells = context.tables.cells(pairs, "agreement_date")
    recorded = context.tables.have(pairs, "agreement_date")  # without the column, the fix says to add it
    for i, pair in zip(pairs.index, pair_records(pairs, "agreement_date", "status", "deadline")):
        if pd.isna(pair["agreement_date"]):
            if pair["status"] != "Withdrawn":
                judgement.blocks(i, f"no Agreement Date (the signed {words.activity} agreement)")
                fix = agreement_fix(words) if recorded[i] else agreement_column_fix(words, pair["_sheet"])
                judgement.findings.append(pair_finding("AGREEMENT-MISSING", pair,
                    f"No Agreement Date: the relationship starts with the signed {words.coach}–{words.candidate} agreement, "
                    "and no meeting counts until it is recorded", cell=cells[i], fix=fix))
        elif pair["agreement_date"] > context.as_of:
            if pair["status"] != "Withdrawn":
                signed = day_text(pair["agreement_date"])
                judgement.blocks(i, f"Agreement Date {signed} is after the as-of date")
                judgement.findings.append(pair_finding("AGREEMENT-MISSING", pair,
                    f"Agreement Date {signed} is after the as-of date {day_text(context.as_of)}: the {words.activity} "
                    f"agreement is not signed yet, or the date is mistyped; no meeting counts before it", cell=cells[i],
                    fix="Correct the Agreement Date if it is mistyped; otherwise record it once the agreement is signed."))
        elif pair["status"] == "Active" and pair["deadline"] < context.as_of:
            judgement.findings.append(pair_finding("RELATIONSHIP-EXPIRED", pair,
                f"Still Active but the {relationship.months}-month relationship from the agreement of "
                f"{day_text(pair['agreement_date'])} ended on {day_text(pair['deadline'])}"))
    return judgement


def _roster(context: Context) -> pd.DataFrame:
    return context.tables["employees"].drop_duplicates("employee_id").set_index("employee_id")


def judge_mentor(pairs: pd.DataFrame, rules: MentorEligibility, context: Context) -> Judgement:
    """MENTOR-NOT-ELIGIBLE, one finding per reason, judged on the agreement date (else as-of)."""
    judgement = Judgement()
    words = context.policy.words
    roster = _roster(context)
    mentor = roster.reindex(pairs["coach_id"].to_numpy())
    mentor.index = pairs.index
    # The dates a mentor has been employed, and in the position, long enough (blank: not recorded).
    employed_from = add_months(mentor["hire_date"], whole_months(rules.min_years_employed))
    in_position_from = add_months(mentor["position_start_date"], whole_months(rules.min_years_in_position))
    supervisor_of = roster["supervisor_id"]
    employed = f"employed at least {years_text(rules.min_years_employed)}"
    in_position = f"at least {years_text(rules.min_years_in_position)} in the current position"
    records = pairs[["candidate_id", "coach_id", "program", "qualify_on", "_file", "_sheet"]].to_dict("records")
    # each pair's mentor's dates taken in step with the pairs, not looked up pair by pair
    dates = zip(mentor["hire_date"], mentor["position_start_date"], employed_from, in_position_from)
    for i, pair, (hired, since, employed_by, in_position_by) in zip(pairs.index, records, dates):
        if pair["coach_id"] not in roster.index:
            continue  # ID-UNKNOWN says so
        when = pair["qualify_on"]
        reasons = []  # (reason, fix): each reason's own fix, with the policy's number
        if rules.min_years_employed:
            if pd.isna(hired):
                reasons.append(("hire date not recorded in the roster", _record_fix(words, "Hire Date", employed)))
            elif employed_by > when:
                reasons.append((f"employed since {day_text(hired)}, less than {years_text(rules.min_years_employed)} before {day_text(when)}",
                                _too_soon_fix(words, employed, "Hire Date")))
        if rules.min_years_in_position:
            if pd.isna(since):
                reasons.append(("position start date not recorded in the roster",
                                _record_fix(words, "Position Start Date", in_position)))
            elif in_position_by > when:
                reasons.append((f"in the current position since {day_text(since)}, less than "
                                f"{years_text(rules.min_years_in_position)} before {day_text(when)}",
                                _too_soon_fix(words, in_position, "Position Start Date")))
        supervisor = supervisor_of.get(pair["candidate_id"])
        if rules.not_supervisor and pd.notna(supervisor) and supervisor == pair["coach_id"]:  # blank: not recorded
            reasons.append((f"the {words.coach} is the {words.candidate}'s supervisor",
                            f"Choose a {words.coach} who is not the {words.candidate}'s supervisor, or correct the "
                            f"{words.candidate}'s Supervisor ID in the roster if it is wrong."))
        for reason, fix in reasons:
            judgement.blocks(i, f"{words.coach} not eligible: {reason}", coach=True)
            judgement.findings.append(pair_finding("MENTOR-NOT-ELIGIBLE", pair,
                                                   f"{capital(words.coach)} {pair['coach_id']} is not eligible: {reason}",
                                                   fix=fix, topic=reason_topic(reason)))
    return judgement


def _record_fix(words: Words, column: str, needed: str) -> str:
    """MENTOR-NOT-ELIGIBLE's fix for a roster date not recorded."""
    return (f"Record the {words.coach}'s {column} in the roster (a {words.coach} must have been {needed} on the "
            f"agreement date), or choose another {words.coach}.")


def _too_soon_fix(words: Words, needed: str, column: str) -> str:
    """MENTOR-NOT-ELIGIBLE's fix for a mentor not long enough employed, or in the position."""
    return (f"Choose a {words.coach} {needed} on the agreement date, or correct the {words.coach}'s {column} "
            f"in the roster if it is mistyped.")


def judge_mentee(pairs: pd.DataFrame, rules: MenteeEligibility, context: Context) -> Judgement:
    """MENTEE-NOT-ELIGIBLE, one finding per reason: not permanent; on PAR or special evaluation."""
    judgement = Judgement()
    words = context.policy.words
    fix = mentee_fix(rules, words)
    roster = _roster(context)
    mentee_of = roster.reindex(pairs["candidate_id"].to_numpy()).to_dict("records")
    allowed = {s.casefold() for s in rules.employment_status}
    excluded = {s.casefold() for s in rules.excluded_evaluation}
    for i, pair, mentee in zip(pairs.index, pair_records(pairs), mentee_of):
        if pair["candidate_id"] not in roster.index:
            continue
        reasons = []
        status, evaluation = mentee["employment_status"], mentee["evaluation_status"]
        if allowed and pd.isna(status):
            reasons.append("employment status not recorded in the roster")
        elif allowed and str(status).casefold() not in allowed:
            reasons.append(f"employment status is {status}, not {' or '.join(rules.employment_status)}")
        if pd.notna(evaluation) and str(evaluation).casefold() in excluded:
            reasons.append(f"evaluation status is {evaluation}")
        for reason in reasons:
            judgement.blocks(i, f"{words.candidate} not eligible: {reason}")
            judgement.findings.append(pair_finding("MENTEE-NOT-ELIGIBLE", pair,
                                                   f"{capital(words.candidate)} {pair['candidate_id']} is not eligible: {reason}",
                                                   fix=fix, topic=reason_topic(reason)))
    return judgement


def mentee_fix(rules: MenteeEligibility, words: Words) -> str:
    """MENTEE-NOT-ELIGIBLE's fix, from the policy's lists ("Mentees must be permanent employees who are
    not on PAR or special evaluation", in the preset)."""
    statuses = " or ".join(status.lower() for status in rules.employment_status)
    excluded = " or ".join(e if e.isupper() else e.lower() for e in rules.excluded_evaluation)  # PAR stays PAR
    if statuses:
        must = f"be {statuses} employees" + (f" who are not on {excluded}" if excluded else "")
    else:
        must = f"not be on {excluded}"
    return f"{capital(words.candidates)} must {must}: check the roster, or end the pairing."


def _month_number(day: pd.Timestamp) -> int:
    return day.year * 12 + day.month - 1


def _month_text(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def judge_monthly_meetings(pairs: pd.DataFrame, rules: MonthlyMeetings, context: Context) -> Judgement:
    """MONTH-OVER-LIMIT at the entry that takes a month past the limit; LOG-MONTH-MISSING for each
    full calendar month of the relationship (up to as-of) with no meeting logged: a Withdrawn pair's up
    to its Completion Date, and none of one withdrawn without it."""
    judgement = Judgement()
    log = f"{context.policy.words.coach} log"
    counted = context.counted
    meetings = counted.loc[(counted["kind"] == "coach_log") & counted["pair"].isin(pairs.index),
                           ["pair", "date", "duration", "_row", "_file", "_sheet", "duration_col", "candidate_id", "coach_id"]]
    meetings = meetings.assign(month=meetings["date"].dt.year * 12 + meetings["date"].dt.month - 1)
    meetings = meetings.sort_values(["pair", "date", "_row"], kind="stable")
    limit = round(rules.max_hours * 60)
    running = meetings.groupby(["pair", "month"])["duration"].cumsum()
    totals = meetings.groupby(["pair", "month"])["duration"].transform("sum")
    crossing = meetings[(running > limit) & (running - meetings["duration"] <= limit)]
    for entry, total in zip(crossing.to_dict("records"), totals[crossing.index]):
        judgement.findings.append(finding(
            "MONTH-OVER-LIMIT",
            f"Meetings in {_month_text(entry['month'])} total {hours_text(total)} h, more than the {rules.max_hours:g} h a month "
            f"(this entry of {day_text(entry['date'])} passes the limit); still counted",
            file=entry["_file"], sheet=entry["_sheet"], cell=f"{entry['duration_col']}{entry['_row']}",
            candidate_id=entry["candidate_id"], coach_id=entry["coach_id"], program=context.policy.name,
            topic=_month_text(entry["month"]),
            fix=f"Keep the month's meetings within the program's limit, or correct the durations in the {log}."))
    if not rules.require_monthly_log:
        return judgement
    logged = set(zip(meetings["pair"], meetings["month"]))
    aside = _meetings_left_out(pairs, context)
    as_of = context.as_of
    for i, pair in zip(pairs.index, pair_records(pairs, "window_start", "window_end", "status", "completion_date")):
        start, end = pair["window_start"], pair["window_end"]
        if pd.isna(start) or (pair["status"] == "Withdrawn" and pd.isna(pair["completion_date"])):
            continue  # withdrawn on a day not recorded: which months it lasted is not known
        end = as_of if pd.isna(end) or end > as_of else end
        first = _month_number(start) + (start.day != 1)
        last = _month_number(end + pd.Timedelta(days=1)) - 1  # the last month that ends by `end`
        for month in range(first, last + 1):
            if (i, month) not in logged:
                message = _no_meeting(month, start, "logged")
                fix = f"Send in the {log} for that month: every month of the relationship needs a logged meeting."
                if (left := aside.get((i, month))) is not None:
                    message = (_no_meeting(month, start, "counted")
                               + f": the {log}'s entry of {day_text(left['date'])} (row {left['_row']} of sheet "
                                 f"'{left['_sheet']}' in {left['_file']}) is left out for an error of its own")
                    fix = (f"Correct the {log}'s entry of {day_text(left['date'])} (its own finding says which cell "
                           f"and how): the month's meeting then counts.")
                judgement.findings.append(pair_finding("LOG-MONTH-MISSING", pair, message, topic=_month_text(month), fix=fix))
    return judgement


def _no_meeting(month: int, start: pd.Timestamp, verb: str) -> str:
    """LOG-MONTH-MISSING's message: no meeting ``verb`` ("logged", or "counted" when one is left out)."""
    return f"No meeting {verb} in {_month_text(month)}, a full month of the relationship (from the agreement of {day_text(start)})"


def _meetings_left_out(pairs: pd.DataFrame, context: Context) -> dict[tuple[int, int], dict]:
    """(pair, month number) → the first of the pair's coach-log rows dated in that month that
    validation left out for a bad cell (a missing Type of Contact, an unreadable duration): a month
    with one had a meeting logged, which the coordinator is told to correct rather than send in. The
    same two people paired twice: a row is each pair's whose agreement it is dated on or after, up to
    the pair's end."""
    rows = context.left_out_rows  # a paper log's rows with the IDs of its labels
    rows = rows[(rows["kind"] == "coach_log") & rows["date"].notna()]
    by_ids: dict[tuple, list[tuple[int, pd.Timestamp, pd.Timestamp]]] = {}
    for i, c, m, start, end in zip(pairs.index, pairs["candidate_id"], pairs["coach_id"], pairs["window_start"], pairs["window_end"]):
        by_ids.setdefault((c, m), []).append((i, start, end))
    found: dict[tuple[int, int], dict] = {}
    for row in rows[["candidate_id", "coach_id", "date", "_file", "_sheet", "_row"]].to_dict("records"):
        day = pd.Timestamp(row["date"])
        for i, start, end in by_ids.get((row["candidate_id"], row["coach_id"]), ()):
            if not (day < start or day > end):  # a window not known (NaT) holds every day
                found.setdefault((i, _month_number(day)), row)
    return found
