"""Candidate rules: enrolled before the request (CANDIDATE-NOT-ENROLLED), coached once per band
enrollment (CANDIDATE-REPEAT)."""

from __future__ import annotations

import pandas as pd

from ..findings import Finding, finding
from ..policy import Policy


def _day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def enrollment_problems(pairs: pd.DataFrame, requests: pd.DataFrame, policy: Policy) -> dict[int, str]:
    """Pair → why its candidate is not enrolled. The request used is the one for the pair's target
    grade if there is one, else the candidate's latest."""
    if not policy.require_enrollment:
        return {}
    problems = {}
    by_candidate = {cid: group.sort_values("request_date") for cid, group in requests.groupby("employee_id")}
    for i, pair in pairs.iterrows():
        mine = by_candidate.get(pair["candidate_id"])
        if mine is None:
            problems[i] = "no Coaching Request from the candidate"
            continue
        same_grade = mine[mine["target_grade"] == pair["target_grade"]]
        request = (same_grade if len(same_grade) else mine).iloc[-1]
        if pd.isna(request["enrollment_form_date"]):
            problems[i] = f"the request of {_day(request['request_date'])} has no enrollment form (336-84) date"
        elif request["enrollment_form_date"] > request["request_date"]:
            problems[i] = (f"enrollment form dated {_day(request['enrollment_form_date'])}, "
                           f"after the request of {_day(request['request_date'])}")
    return problems


def repeat_pairs(pairs: pd.DataFrame, policy: Policy) -> dict[int, int]:
    """Later pair → earlier pair, for a candidate assigned twice for the same target grade.

    A Withdrawn pair does not count: reassigning a coach after a withdrawal is the program's own
    remedy when a pairing does not work out.
    """
    if not policy.once_per_target_grade:
        return {}
    live = pairs[(pairs["status"] != "Withdrawn") & pairs["target_grade"].notna()]
    order = live.assign(_order=live["planning_meeting_date"].fillna(live["assigned_date"]))
    order = order.sort_values(["_order", "pair"], na_position="last")
    repeats = {}
    for _, group in order.groupby(["candidate_id", "target_grade"], sort=False):
        first = group.index[0]
        for later in group.index[1:]:
            repeats[later] = first
    return repeats


def candidate_findings(pairs: pd.DataFrame, enrollment: dict[int, str], repeats: dict[int, int]) -> list[Finding]:
    findings = []
    for i, problem in enrollment.items():
        pair = pairs.loc[i]
        findings.append(finding(
            "CANDIDATE-NOT-ENROLLED", f"Candidate {pair['candidate_id']} is not enrolled: {problem}",
            file=pair["_file"], sheet=pair["_sheet"], candidate_id=pair["candidate_id"], coach_id=pair["coach_id"],
        ))
    for i, first in repeats.items():
        pair, earlier = pairs.loc[i], pairs.loc[first]
        findings.append(finding(
            "CANDIDATE-REPEAT",
            f"Candidate {pair['candidate_id']} was already assigned for target grade {int(pair['target_grade'])} "
            f"(coach {earlier['coach_id']}); coaching is once per band enrollment",
            file=pair["_file"], sheet=pair["_sheet"], candidate_id=pair["candidate_id"], coach_id=pair["coach_id"],
        ))
    return findings
