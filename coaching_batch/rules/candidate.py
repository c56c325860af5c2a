"""Candidate rules: enrolled before the request (CANDIDATE-NOT-ENROLLED), coached once per band
enrollment (CANDIDATE-REPEAT)."""

from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..policy import Candidate
from .dates import day_text
from .judgement import Context, Judgement
from .pairs import followed_requests, pair_finding


def judge_candidate(pairs: pd.DataFrame, candidate: Candidate, context: Context) -> Judgement:
    """CANDIDATE-NOT-ENROLLED and CANDIDATE-REPEAT: both keep the pair from completion."""
    judgement = Judgement()
    enrollment = enrollment_problems(pairs, context.tables["requests"], candidate)
    repeats = repeat_pairs(pairs, candidate)
    for i, (problem, _) in enrollment.items():
        judgement.blocks(i, f"candidate not enrolled: {problem}")
    for i in repeats:
        judgement.blocks(i, "candidate already coached for this target grade")
    judgement.findings += candidate_findings(pairs, enrollment, repeats)
    return judgement


# CANDIDATE-NOT-ENROLLED's fix where the request itself, or its form's date, is not in the inbox (the
# catalogue's fix is for a form dated after the request).
NO_REQUEST_FIX = ("Put the candidate's Coaching Request in the inbox (a requests sheet), with the date of the "
                  "enrollment form 336-84, which must be on or before the request.")
NO_FORM_DATE_FIX = ("Record the enrollment form (336-84) date on the candidate's Coaching Request; a candidate not "
                    "enrolled must enroll before requesting a coach.")


def enrollment_problems(pairs: pd.DataFrame, requests: pd.DataFrame, policy: Candidate) -> dict[int, tuple[str, str | None]]:
    """Pair → (why its candidate is not enrolled, the fix to tell: None for the catalogue's). The request
    used is the one for the pair's target grade that the assignment followed if there is one, else the request it followed (see
    :func:`.pairs.followed_requests`, which gave a blank target grade its value)."""
    if not policy.require_enrollment:
        return {}
    chosen = followed_requests(pairs, requests, same_grade=True).fillna(followed_requests(pairs, requests))
    request_dates = requests["request_date"].reindex(chosen.to_numpy()).to_numpy()
    form_dates = requests["enrollment_form_date"].reindex(chosen.to_numpy()).to_numpy()
    problems = {}
    for i, request, request_date, form_date in zip(pairs.index, chosen, request_dates, form_dates):
        if pd.isna(request):
            problems[i] = "no Coaching Request from the candidate", NO_REQUEST_FIX
        elif pd.isna(form_date):
            problems[i] = f"the request of {day_text(request_date)} has no enrollment form (336-84) date", NO_FORM_DATE_FIX
        elif form_date > request_date:
            problems[i] = (f"enrollment form dated {day_text(form_date)}, "
                           f"after the request of {day_text(request_date)}"), None
    return problems


def repeat_pairs(pairs: pd.DataFrame, policy: Candidate) -> dict[int, int]:
    """Later pair → earlier pair, for a candidate assigned twice for the same target grade.

    A Withdrawn pair does not count: reassigning a coach after a withdrawal is the program's own
    remedy when a pairing does not work out.
    """
    if not policy.once_per_target_grade:
        return {}
    live = pairs[(pairs["status"] != "Withdrawn") & pairs["target_grade"].notna()]
    # by planning meeting (else assigned date), then, on the same day, by assigned date, then row order
    order = live.assign(_order=live["planning_meeting_date"].fillna(live["assigned_date"]))
    order = order.sort_values(["_order", "assigned_date", "pair"], na_position="last", kind="stable")
    order = order[order["candidate_id"].notna()]
    # Group by group (in order of first appearance), each later pair pointing at its group's first.
    labels = pd.Series(order.index, index=order.index)
    keys = [order["candidate_id"], order["target_grade"]]
    order = order.assign(_group=labels.groupby(keys, sort=False).ngroup(), _first=labels.groupby(keys, sort=False).transform("first"))
    order = order.sort_values("_group", kind="stable")
    later = order[order.index != order["_first"]]
    return {int(i): int(first) for i, first in zip(later.index, later["_first"])}


def candidate_findings(pairs: pd.DataFrame, enrollment: dict[int, tuple[str, str | None]], repeats: dict[int, int]) -> list[Finding]:
    findings = []
    for i, (problem, fix) in enrollment.items():
        pair = pairs.loc[i]
        findings.append(pair_finding(
            "CANDIDATE-NOT-ENROLLED", pair,
            f"Candidate {pair['candidate_id']} is not enrolled: {problem}", fix=fix,
        ))
    for i, first in repeats.items():
        pair, earlier = pairs.loc[i], pairs.loc[first]
        findings.append(pair_finding(
            "CANDIDATE-REPEAT", pair,
            f"Candidate {pair['candidate_id']} was already assigned for target grade {int(pair['target_grade'])} "
            f"(coach {earlier['coach_id']}); coaching is once per band enrollment",
        ))
    return findings
