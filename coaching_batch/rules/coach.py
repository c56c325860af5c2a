"""Coach qualification (SPEC §4, COACH-NOT-QUALIFIED) and one-candidate-at-a-time (COACH-CONCURRENT)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from .. import settings
from ..findings import Finding
from ..policy import Coach, capital
from .dates import add_months, day_text, whole_months, years_text
from .judgement import Context, Judgement
from .pairs import named_few, pair_finding, reason_topic


NO_TRAINING, TRAINED_AFTER = "no coach training date", "coach training on "  # the training reasons
FORM_ASIDE = "; a recommendation form is left out for the error at "  # no part of the reason's weekly topic


def recommendation_counts(recommendations: pd.DataFrame) -> pd.DataFrame:
    """Per prospective coach: supervisors, colleagues, and `Not recommended` forms received."""
    if recommendations.empty:
        return pd.DataFrame(columns=["supervisors", "colleagues", "not_recommended"], dtype=int)
    recs = recommendations.assign(
        supervisors=recommendations["relationship"].eq("Supervisor"),
        colleagues=recommendations["relationship"].eq("Colleague"),
        not_recommended=recommendations["overall"].eq("Not recommended"),
    )
    return recs.groupby("prospective_coach_id")[["supervisors", "colleagues", "not_recommended"]].sum().astype(int)


def judge_coach(pairs: pd.DataFrame, coach: Coach, context: Context) -> Judgement:
    """COACH-NOT-QUALIFIED (one finding per reason) and, with a limit, COACH-CONCURRENT."""
    judgement = Judgement()
    said = context.policy.words.coach
    fix = f"Assign a qualified {said}, or complete the {said}'s missing qualification."
    reasons = qualification_reasons(pairs, context.tables["employees"], context.tables["recommendations"], coach, context.as_of,
                                    context.tables.recommendations_aside)
    records = pairs[["candidate_id", "coach_id", "program", "start", "period_end", "_file", "_sheet"]].to_dict("index")
    for i, pair_reasons in reasons.items():
        for reason in pair_reasons:
            judgement.blocks(i, f"{said} not qualified: {reason}", coach=True)
            judgement.findings.append(pair_finding("COACH-NOT-QUALIFIED", records[i],
                                                   f"{capital(said)} {records[i]['coach_id']} is not qualified: {reason}",
                                                   fix=training_fix(reason, said) or fix,
                                                   topic=reason_topic(reason.split(FORM_ASIDE)[0])))
    if coach.max_concurrent_candidates:
        limit = coach.max_concurrent_candidates
        flagged = concurrent_pairs(pairs, limit)
        for i, others in flagged.items():
            judgement.blocks(i, "coach has another candidate at the same time" if limit == 1
                             else f"coach has more than {limit} candidates at once (at most {limit} at a time)")
        judgement.findings += concurrency_findings(records, flagged, limit)
    return judgement


def training_fix(reason: str, said: str) -> str | None:
    """COACH-NOT-QUALIFIED's fix for a training reason (None for the others): a coach trained after
    the pair began cannot complete the qualification now, and one not recorded may have been trained."""
    if reason == NO_TRAINING:
        return (f"Record the {said}'s Coach Training Date in the roster if the {said} was trained by the start of this "
                f"pair; if not, assign a trained {said}.")
    if reason.startswith(TRAINED_AFTER):
        return (f"Check the {said}'s Coach Training Date in the roster and the pair's start; if both are right, the "
                f"{said} was trained too late for this pair: assign a {said} trained by its start.")
    return None


def concurrency_fix(limit: int) -> str:
    """COACH-CONCURRENT's fix, with the policy's limit (a copy may allow a coach two candidates at once)."""
    at_once = "one candidate" if limit == 1 else f"at most {limit} candidates"
    return f"A coach may coach {at_once} at a time: end or reassign one pair."


def qualification_reasons(pairs: pd.DataFrame, employees: pd.DataFrame, recommendations: pd.DataFrame, policy: Coach,
                          as_of: pd.Timestamp, forms_aside: Mapping[str, str] | None = None) -> pd.Series:
    """For each pair: the list of reasons its coach is not qualified on the pair's `qualify_on` date.
    ``forms_aside``: coach → the bad cell of a recommendation form of theirs left out (the reason names it)."""
    forms_aside = forms_aside or {}
    roster = employees.drop_duplicates("employee_id").set_index("employee_id")
    coach = roster.reindex(pairs["coach_id"].to_numpy())
    coach.index = pairs.index
    when = pairs["qualify_on"]
    recs = recommendation_counts(recommendations).reindex(pairs["coach_id"].to_numpy()).fillna(0)
    recs.index = pairs.index
    known = pairs["coach_id"].isin(roster.index)

    reasons = pd.Series([[] for _ in range(len(pairs))], index=pairs.index, dtype=object)

    def add(mask: pd.Series, text) -> None:
        for i in mask[mask.fillna(False).astype(bool) & known].index:
            reasons[i].append(text(i))

    if policy.grade_at_least_target:
        add(coach["grade"] < pairs["target_grade"],
            lambda i: f"grade {coach.at[i, 'grade']} is below the candidate's target grade {pairs.at[i, 'target_grade']}")
    if policy.min_years_employed:
        add(coach["hire_date"].isna(), lambda i: "hire date not recorded in the roster")
        add(add_months(coach["hire_date"], whole_months(policy.min_years_employed)) > when,
            lambda i: f"employed since {day_text(coach.at[i, 'hire_date'])}, less than {years_text(policy.min_years_employed)} before {day_text(when[i])}")
    if policy.require_pgs_meeting:
        add(~coach["pgs_status"].eq("Meeting").fillna(False),  # a blank is not Meeting either
            lambda i: "PGS status not recorded" if pd.isna(coach.at[i, "pgs_status"]) else f"PGS status is {coach.at[i, 'pgs_status']}, not Meeting")
    if policy.require_training:
        # judged on the pair's start, else (none recorded yet) on the as-of date; a pair that counts no
        # entries (withdrawn with no completion date) still has its start
        on = pairs["start_label"].where(pairs["window_start"].notna() | pairs["qualify_on"].ne(as_of), "the as-of date")
        add(coach["coach_training_date"].isna(), lambda i: NO_TRAINING)
        add(coach["coach_training_date"] > when,
            lambda i: f"{TRAINED_AFTER}{day_text(coach.at[i, 'coach_training_date'])}, after {on[i]} {day_text(when[i])}")
    if policy.supervisor_recommendations or policy.colleague_recommendations:
        short = (recs["supervisors"] < policy.supervisor_recommendations) | (recs["colleagues"] < policy.colleague_recommendations)
        add(short, lambda i: (
            f"recommendations incomplete: {int(recs.at[i, 'supervisors'])} supervisor and {int(recs.at[i, 'colleagues'])} colleague "
            f"(needs {policy.supervisor_recommendations} and {policy.colleague_recommendations}"
            + _form_aside(forms_aside.get(pairs.at[i, "coach_id"])) + ")"))
    if policy.reject_not_recommended:
        add(recs["not_recommended"] > 0, lambda i: "a reference marked Not recommended")
    return reasons


def _form_aside(where: str | None) -> str:
    """What the recommendations reason adds for a coach's form left out for a bad cell: where to fix it."""
    return "" if where is None else f"{FORM_ASIDE}{where}: fix that cell"


class Others(NamedTuple):
    """The pairs active with a flagged pair when its coach had too many: the first its finding names
    (:data:`..settings.NAMED_PAIRS_IN_MESSAGE`, in row order) and how many there are in all."""

    first: list[int]
    count: int


def concurrent_pairs(pairs: pd.DataFrame, limit: int) -> dict[int, Others]:
    """Pairs whose coach had more candidates at once than ``limit`` → the pairs active with them then.

    Each pair is active over [start, period_end) (see :mod:`coaching_batch.rules.periods`). A pair is
    flagged when, at some moment of its period, more than ``limit`` of its coach's candidates were
    active; it names the other pairs active with it at such a moment (not every pair it overlaps:
    with a limit of 2, a chain of pairs each overlapping the next never has three at once).

    Every two pairs of a coach are compared, but a slice of the pairs at a time: each pair of a slice
    against all its coach's pairs, about :data:`..settings.PAIRS_COMPARED_AT_ONCE` comparisons a slice.
    A coach with k pairs makes k² comparisons (a placeholder Coach ID typed on 2,000 pairs: 4 million,
    past a GiB held at once); a slice's are dropped once each of its pairs keeps the others its
    finding names and their count.
    """
    periods = pd.DataFrame({"coach_id": pairs["coach_id"], "candidate_id": pairs["candidate_id"], "start": pairs["start"],
                            "end": pairs["period_end"]}, index=pairs.index).dropna()
    periods = periods.sort_values("coach_id", kind="stable")  # the findings' order: by coach, then row
    # IDs as numbers and each period's place in that order (`_at`): k² comparisons of numbers, not of text
    periods = pd.DataFrame({"coach_id": pd.factorize(periods["coach_id"])[0],
                            "candidate_id": pd.factorize(periods["candidate_id"])[0],
                            "start": periods["start"], "end": periods["end"], "_at": np.arange(len(periods)),
                            "_pair": periods.index})
    spells = crowded_spells(periods, limit) if limit > 1 else None  # with a limit of 1, any two at once are too many
    flagged: dict[int, Others] = {}
    for _, part in periods.groupby(comparison_slices(periods), sort=False):
        flagged.update(_others_at_once(part, periods, spells))
    return flagged


def comparison_slices(periods: pd.DataFrame) -> np.ndarray:
    """For each period (the periods of a coach one after the other): its slice, consecutive periods whose
    comparisons with their coach's periods add up to about :data:`..settings.PAIRS_COMPARED_AT_ONCE` (a
    coach with few pairs shares a slice with others; one with thousands has its pairs cut into several)."""
    compared = periods.groupby("coach_id", sort=False)["coach_id"].transform("size").to_numpy()
    return (np.cumsum(compared) - compared) // settings.PAIRS_COMPARED_AT_ONCE


def _others_at_once(part: pd.DataFrame, periods: pd.DataFrame, spells: pd.DataFrame | None) -> dict[int, Others]:
    """:func:`concurrent_pairs` for the periods of ``part``, each compared with every period of its coach.

    The comparisons are arrays (each period of ``part`` repeated once per period of its coach, beside
    that period), counted and the first few of each taken where they lie: a table of every two
    pairs at once, sorted and grouped, made a coach with 8,000 pairs take 9 CPU-s."""
    at = part["_at"].to_numpy()
    mine, other, compared = _coach_pairings(at, periods["coach_id"].to_numpy())
    candidate, start, end = (periods[column].to_numpy() for column in ("candidate_id", "start", "end"))
    # The same candidate twice is no other candidate: an assignment entered twice is CANDIDATE-REPEAT's.
    meet = (mine != other) & (candidate[mine] != candidate[other]) & (start[mine] < end[other]) & (start[other] < end[mine])
    if spells is not None:
        both = np.flatnonzero(meet)
        overlap = pd.DataFrame({"coach_id": periods["coach_id"].to_numpy()[mine[both]], "start": start[mine[both]],
                                "end": end[mine[both]], "start_other": start[other[both]], "end_other": end[other[both]]})
        meet[both[~while_crowded(overlap, spells).to_numpy()]] = False
    # A period's comparisons follow each other, through its coach's periods in order: counting the others
    # met along all the comparisons, a period's count is the rise over its own, and the first it names
    # are those met while its rise is at most the number named.
    begins = np.cumsum(compared) - compared
    met = np.cumsum(meet)
    met_before = met[begins] - meet[begins]  # by the other periods' comparisons before this one's
    count = met[begins + compared - 1] - met_before
    named = meet & (met - np.repeat(met_before, compared) <= settings.NAMED_PAIRS_IN_MESSAGE)
    pair = periods["_pair"].to_numpy()
    first: dict[int, list[int]] = {int(i): [] for i in pair[at[count > 0]]}
    for i, j in zip(pair[mine[named]].tolist(), pair[other[named]].tolist()):
        first[i].append(j)
    return {i: Others(others, n) for (i, others), n in zip(first.items(), count[count > 0].tolist())}


def _coach_pairings(at: np.ndarray, coach: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every period of ``at`` (places in the periods, in order) beside every period of its coach, as two
    arrays of places, and how many periods each one's coach has (``coach``: each period's coach, the
    coaches' periods one after the other)."""
    first = np.searchsorted(coach, coach[at], side="left")  # the coach's first period
    count = np.searchsorted(coach, coach[at], side="right") - first
    starts = np.cumsum(count) - count  # where each period's comparisons begin
    return np.repeat(at, count), np.arange(count.sum()) - np.repeat(starts - first, count), count


def crowded_spells(periods: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Each coach's spells [lo, hi) with more than ``limit`` candidates active at once, in order.

    A sweep over the coach's start and end dates; one candidate's overlapping pairs (a row entered
    twice) are joined first, so they count as one candidate. A period ending on or before its start (a
    Completion Date typed before the planning meeting) is active at no moment: it is left out, as its
    end counted before its start would take one off the others."""
    periods = periods[periods["start"] < periods["end"]]
    ordered = periods.sort_values(["coach_id", "candidate_id", "start"], kind="stable")
    same = [ordered["coach_id"], ordered["candidate_id"]]
    reach = ordered.groupby(same, sort=False)["end"].cummax().groupby(same, sort=False).shift()
    joined = ordered.groupby((~(ordered["start"] < reach)).cumsum(), sort=False).agg(
        coach_id=("coach_id", "first"), start=("start", "min"), end=("end", "max"))
    events = pd.concat([
        pd.DataFrame({"coach_id": joined["coach_id"], "at": joined["start"], "step": 1}),
        pd.DataFrame({"coach_id": joined["coach_id"], "at": joined["end"], "step": -1}),
    ], ignore_index=True).sort_values(["coach_id", "at", "step"], kind="stable")  # an end before a start of the same day
    events["until"] = events["at"].shift(-1)
    crowded = events["step"].cumsum() > limit  # each coach's steps add up to 0, and its last one leaves none active
    spell = (crowded & ~crowded.shift(fill_value=False)).cumsum()
    spells = events[crowded].groupby(spell[crowded], sort=False).agg(
        coach_id=("coach_id", "first"), lo=("at", "min"), hi=("until", "max"))
    return spells[spells["lo"] < spells["hi"]].sort_values("hi", kind="stable")


def while_crowded(overlap: pd.DataFrame, spells: pd.DataFrame) -> pd.Series:
    """For each overlap of two pairs: whether the time they share meets one of their coach's crowded spells."""
    shared = pd.DataFrame({"coach_id": overlap["coach_id"], "_row": np.arange(len(overlap)),
                           "lo": overlap["start"].where(overlap["start"] > overlap["start_other"], overlap["start_other"]),
                           "hi": overlap["end"].where(overlap["end"] < overlap["end_other"], overlap["end_other"])})
    # The coach's first spell ending after the shared time begins; it meets that time if it begins before its end.
    first = pd.merge_asof(shared.sort_values("lo", kind="stable"), spells.rename(columns={"lo": "spell_lo", "hi": "spell_hi"}),
                          left_on="lo", right_on="spell_hi", by="coach_id", direction="forward", allow_exact_matches=False)
    meets = np.zeros(len(overlap), dtype=bool)
    meets[first["_row"].to_numpy()] = (first["spell_lo"] < first["hi"]).to_numpy()
    return pd.Series(meets, index=overlap.index)


def _span(pair: dict) -> str:
    """A pair's active period as the message shows it: `2026-01-10 to 2026-05-01` (it ends as the day
    begins: a pair starting on 2026-05-01 does not overlap it)."""
    return f"{day_text(pair['start'])} to {day_text(pair['period_end'])}"


def concurrency_findings(records: dict[int, dict], flagged: dict[int, Others], limit: int) -> list[Finding]:
    """COACH-CONCURRENT on each flagged pair (``records``: pair number → its row), naming the first
    few others and how many more (:func:`.pairs.named_few`).

    Each pair's words are made once: a coach with hundreds of pairs at once names a few of them in
    every other one's finding."""
    findings = []
    named = {j: f"candidate {records[j]['candidate_id']} ({_span(records[j])})"
             for j in set(flagged).union(*(others.first for others in flagged.values()))}
    for i, others in flagged.items():
        pair = records[i]
        with_ = named_few(others.first, named.__getitem__, others.count)
        findings.append(pair_finding(
            "COACH-CONCURRENT", pair,
            f"Coach {pair['coach_id']} coaches {named[i]} at the same time as {with_}; "
            f"at most {limit} at a time", fix=concurrency_fix(limit),
        ))
    return findings
