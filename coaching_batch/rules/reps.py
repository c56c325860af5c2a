"""Reps Coaching (SPEC §2a): the one-year commitment, a coach's capacity and activity, and the
yearly feedback round."""

from __future__ import annotations

import itertools

import pandas as pd

from ..findings import finding
from ..policy import Capacity, CoachActivity, Commitment, Feedback, capital
from ..validate import Tables
from .dates import add_months, day_text, days_text, months_text
from .judgement import Context, Judgement
from .pairs import named_few, pair_finding, pair_records


def given_feedback(tables: Tables) -> pd.DataFrame:
    """The feedback rows given by someone in the roster: another row is ID-UNKNOWN and not used."""
    rows = tables["feedback"]
    return rows[rows["employee_id"].isin(tables["employees"]["employee_id"])]


def judge_commitment(pairs: pd.DataFrame, commitment: Commitment, context: Context) -> Judgement:
    """COMMITMENT-DUE on an Active pair whose commitment ends within the warning days or has ended;
    an Extended Until before the start is reported at its cell and ignored; a pair with no start
    (no planning meeting nor assigned date) is an error at its Assigned Date cell and not complete."""
    judgement = Judgement()
    as_of = context.as_of
    soon = as_of + pd.Timedelta(days=commitment.due_days)
    cells = context.tables.cells(pairs, "extended_until")
    assigned_cells = context.tables.cells(pairs, "assigned_date")
    for i, pair in zip(pairs.index, pair_records(pairs, "extended_until", "start", "deadline", "status")):
        extended, start, end = pair["extended_until"], pair["start"], pair["deadline"]
        if pd.isna(start) and pair["status"] != "Withdrawn":
            judgement.blocks(i, "no Planning Meeting Date or Assigned Date (the pair's start)")
            judgement.findings.append(_no_start_finding(pair, context, assigned_cells[i]))
            continue
        if pd.notna(extended) and pd.notna(start) and extended < start:
            judgement.findings.append(pair_finding("CELL-TYPE", pair,
                f"Extended Until {day_text(extended)} is before the pair's start {day_text(start)}; ignored "
                f"(the commitment ends {day_text(end)})", cell=cells[i],
                fix="Correct Extended Until: the date the commitment was extended to, after the start."))
        if pair["status"] != "Active" or pd.isna(end):
            continue
        if end <= as_of:
            judgement.findings.append(pair_finding("COMMITMENT-DUE", pair,
                f"The commitment from {day_text(start)} ended on {day_text(end)}{_extension_text(extended, start, end, commitment.months)}"))
        elif end <= soon:
            judgement.findings.append(pair_finding("COMMITMENT-DUE", pair,
                f"The commitment ends on {day_text(end)}, {days_text((end - as_of).days)} after {day_text(as_of)}, "
                f"within the {days_text(commitment.due_days)} in which it falls due: extend it or change coach"))
    return judgement


def _no_start_finding(pair: dict, context: Context, cell: str):
    """CELL-REQUIRED for a pair with neither date its start is taken from: its commitment, its coach's
    training and capacity and its feedback round are all measured from the start."""
    said = context.policy.words
    return pair_finding("CELL-REQUIRED", pair,
        f"No Planning Meeting Date or Assigned Date: the pair starts at its planning meeting, else its assignment, "
        f"and without either its commitment, the {said.coach}'s training and capacity cannot be judged, and none "
        f"of its log entries count", cell=cell,
        fix="Record the Planning Meeting Date, or at least the Assigned Date, on the assignment.")


def _extension_text(extended, start, end, months: int) -> str:
    """How an ended commitment's Extended Until bore on its end (one before the start is ignored)."""
    if pd.isna(extended) or pd.isna(start) or extended < start:
        return " without extension"
    if extended >= end:
        return ", the date it was extended until"
    return f" (its Extended Until {day_text(extended)} is earlier than the {months_text(months)}, so it extended nothing)"


def judge_capacity(pairs: pd.DataFrame, capacity: Capacity, context: Context) -> Judgement:
    """COACH-OVER-CAPACITY: taking a coach's pairs by start date (then row order), a pair that starts
    while the coach already has the maximum active is flagged; it still counts for later pairs."""
    judgement = Judgement()
    said = context.policy.words
    fix = f"Assign the {said.candidate} to a {said.coach} with room, or end one of the {said.coach}'s other pairs."
    periods = pairs[pairs["start"].notna() & pairs["period_end"].notna()]
    crowded = periods.groupby("coach_id")["coach_id"].transform("size") > capacity.max_active_coachees
    periods = periods[crowded].sort_values(["coach_id", "start", "pair"], kind="stable")  # only they can be over
    records = zip(periods.index, pair_records(periods, "start", "period_end"))
    for _, group in itertools.groupby(records, key=lambda item: item[1]["coach_id"]):
        # The earlier pairs still active, each with its words: taken by start date, an earlier pair
        # started on or before this one, and once ended it stays ended for the pairs after it.
        active: list[tuple[dict, str]] = []
        for i, pair in group:
            active = [(p, words) for p, words in active if pair["start"] < p["period_end"]]
            if len(active) >= capacity.max_active_coachees:
                others = named_few(active, lambda item: item[1])
                coachees = said.candidate if len(active) == 1 else said.candidates  # a capacity of 1 is a policy's choice
                judgement.blocks(i, f"{said.coach} over capacity ({len(active)} other {coachees} active at the start)")
                judgement.findings.append(pair_finding("COACH-OVER-CAPACITY", pair,
                    f"{capital(said.coach)} {pair['coach_id']} already has {len(active)} active {coachees} when "
                    f"{said.candidate} {pair['candidate_id']} starts on {day_text(pair['start'])}: {others}; "
                    f"at most {capacity.max_active_coachees} at a time", fix=fix))
            active.append((pair, f"{pair['candidate_id']} (from {day_text(pair['start'])})"))
    return judgement


def judge_coach_activity(pairs: pd.DataFrame, activity: CoachActivity, context: Context) -> Judgement:
    """COACH-INACTIVE, once per coach with an Active pair and no coach-log entry with any coachee in
    the last days (or none at all, when the coach's first active pair started that long ago). Only
    this program's log is looked at, and the message says so: the coach may log in another."""
    judgement = Judgement()
    as_of = context.as_of
    words = context.policy.words
    log = f"{context.policy.title or context.policy.name} {words.coach}-log entry"
    fix = (f"Contact the {words.coach}; if they are no longer active, change the {words.candidates}' {words.coach} "
           f"through the Reps Council.")
    quiet_since = as_of - pd.Timedelta(days=activity.inactive_days)
    # Each pair's latest meeting (one after the pair's end is still the coach at work), then each coach's.
    last_of_pair = context.latest_meetings(pairs)
    last_of = last_of_pair.groupby(pairs["coach_id"].reindex(last_of_pair.index)).max()
    active = pairs[pairs["status"].eq("Active") & pairs["judged"]]
    # each coach's active pairs by start, not in the order of the rows (a coach with no start last)
    coaches: dict[str, list[dict]] = {}
    for pair in pair_records(active.sort_values(["coach_id", "start", "candidate_id"], kind="stable"),
                             "coach_id", "candidate_id", "start"):
        coaches.setdefault(pair["coach_id"], []).append(pair)
    for coach_id, group in coaches.items():
        last = last_of.get(coach_id, pd.NaT)
        coachees = ", ".join(str(pair["candidate_id"]) for pair in group)
        if pd.notna(last):
            if last >= quiet_since:
                continue
            seen = f"latest {log} {day_text(last)}, {days_text((as_of - last).days)} before {day_text(as_of)}"
        else:
            first = group[0]["start"]  # the earliest: the pairs are in order of start
            if pd.isna(first) or first >= quiet_since:
                continue
            seen = f"no {log} since the first active pair started on {day_text(first)}"
        pair = group[0]
        judgement.findings.append(finding("COACH-INACTIVE",
            f"{capital(words.coach)} {coach_id} looks inactive: {seen} (more than {days_text(activity.inactive_days)}); "
            f"active {words.candidates}: {coachees}",
            file=pair["_file"], sheet=pair["_sheet"], coach_id=coach_id, program=pair["program"], fix=fix))
    return judgement


def judge_feedback(pairs: pd.DataFrame, feedback: Feedback, context: Context) -> Judgement:
    """FEEDBACK-MISSING, per missing role, on an Active pair that started at least a round ago and has
    no feedback of that role dated in the round up to as-of."""
    judgement = Judgement()
    as_of = context.as_of
    since = add_months(pd.Series([as_of]), -feedback.every_months).iloc[0]
    given = given_feedback(context.tables)
    rows = given[(given["feedback_date"] > since) & (given["feedback_date"] <= as_of)]
    received = set(zip(rows["candidate_id"], rows["coach_id"], rows["role"]))
    later = given[given["feedback_date"] > as_of]  # not counted yet, and said so: the form is in the inbox
    dated_later = dict(zip(zip(later["candidate_id"], later["coach_id"], later["role"]), later["feedback_date"]))
    due = pairs["status"].eq("Active") & (add_months(pairs["start"], feedback.every_months) <= as_of).fillna(False)
    words = context.policy.words
    period = months_text(feedback.every_months)
    form = "this year's feedback form" if feedback.every_months == 12 else f"a feedback form (one is due every {period})"
    judgement.need("feedback", pairs.index[due])
    for pair in pair_records(pairs[due], "start"):
        for role, actor, who in (("Coach", "coach", f"the {words.coach}"), ("Coachee", "candidate", f"the {words.candidate}")):
            key = (pair["candidate_id"], pair["coach_id"], role)
            if key not in received:
                after = (f"; the form dated {day_text(dated_later[key])}, after {day_text(as_of)}, counts from that date"
                         if key in dated_later else "")
                fix, aside = f"Send in {form} as {who}.", ""
                if (where := context.tables.feedback_aside.get(key)) is not None:  # sent in: the coordinator's cell to fix
                    aside = f"; {who}'s feedback row is left out for the error at {where}: fix that cell"
                    fix = f"Correct the cell at {where}, then re-run; if that row is not {form}, ask {who} to send one in."
                    actor = "coordinator"
                judgement.findings.append(pair_finding("FEEDBACK-MISSING", pair,
                    f"No feedback from {who} dated in the {period} up to {day_text(as_of)} "
                    f"(the pair started on {day_text(pair['start'])}){after}{aside}",
                    fix=fix, actor=actor, topic=role))
    return judgement
