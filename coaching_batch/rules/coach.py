"""Coach qualification (SPEC §4, COACH-NOT-QUALIFIED) and one-candidate-at-a-time (COACH-CONCURRENT)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..findings import Finding
from ..policy import Policy
from .dates import add_months, day_text
from .pairs import pair_finding


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


def qualification_reasons(pairs: pd.DataFrame, employees: pd.DataFrame, recommendations: pd.DataFrame, policy: Policy, as_of: pd.Timestamp) -> pd.Series:
    """For each pair: the list of reasons its coach is not qualified (empty = qualified)."""
    roster = employees.set_index("employee_id")
    coach = roster.reindex(pairs["coach_id"].to_numpy())
    coach.index = pairs.index
    when = pairs["planning_meeting_date"].fillna(as_of)
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
        months = round(policy.min_years_employed * 12)
        add(coach["hire_date"].isna(), lambda i: "hire date not recorded in the roster")
        add(add_months(coach["hire_date"], months) > when,
            lambda i: f"employed since {day_text(coach.at[i, 'hire_date'])}, less than {policy.min_years_employed:g} years before {day_text(when[i])}")
    if policy.require_pgs_meeting:
        add(coach["pgs_status"].ne("Meeting"),
            lambda i: "PGS status not recorded" if pd.isna(coach.at[i, "pgs_status"]) else f"PGS status is {coach.at[i, 'pgs_status']}, not Meeting")
    if policy.require_training:
        add(coach["coach_training_date"].isna(), lambda i: "no coach training date")
        add(coach["coach_training_date"] > when,
            lambda i: f"coach training on {day_text(coach.at[i, 'coach_training_date'])}, after the planning meeting {day_text(when[i])}")
    short = (recs["supervisors"] < policy.supervisor_recommendations) | (recs["colleagues"] < policy.colleague_recommendations)
    add(short, lambda i: (
        f"recommendations incomplete: {int(recs.at[i, 'supervisors'])} supervisor and {int(recs.at[i, 'colleagues'])} colleague "
        f"(needs {policy.supervisor_recommendations} and {policy.colleague_recommendations})"))
    if policy.reject_not_recommended:
        add(recs["not_recommended"] > 0, lambda i: "a reference marked Not recommended")
    return reasons


def qualification_findings(pairs: pd.DataFrame, reasons: pd.Series) -> list[Finding]:
    findings = []
    for i, pair in zip(pairs.index, pairs.to_dict("records")):
        for reason in reasons[i]:
            findings.append(pair_finding(
                "COACH-NOT-QUALIFIED", pair,
                f"Coach {pair['coach_id']} is not qualified: {reason}",
            ))
    return findings


def active_periods(pairs: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Each pair's active period [start, end): start = planning meeting or assignment date;
    end = completion date, else the deadline. A Withdrawn pair ends at its completion date, or is
    ignored when that is blank."""
    start = pairs["planning_meeting_date"].fillna(pairs["assigned_date"])
    deadline = pairs["deadline"].fillna(add_months(start, policy.months_maximum))
    end = pairs["completion_date"].fillna(deadline.where(pairs["status"] != "Withdrawn"))
    return pd.DataFrame({"coach_id": pairs["coach_id"], "start": start, "end": end}, index=pairs.index).dropna()


def concurrent_pairs(pairs: pd.DataFrame, policy: Policy) -> dict[int, list[int]]:
    """Pairs whose coach had more candidates at once than allowed → the overlapping pairs."""
    periods = active_periods(pairs, policy)
    periods = periods.assign(_at=np.arange(len(periods)), _pair=periods.index)
    # Every two periods of the same coach, compared at once: a coach has only a few pairs.
    both = periods.merge(periods, on="coach_id", suffixes=("", "_other"))
    overlap = both[(both["_at"] != both["_at_other"])
                   & (both["start"] < both["end_other"]) & (both["start_other"] < both["end"])]
    overlap = overlap.sort_values(["coach_id", "_at", "_at_other"], kind="stable")
    flagged: dict[int, list[int]] = {}
    for i, others in overlap.groupby("_pair", sort=False)["_pair_other"]:
        if len(others) >= policy.max_concurrent_candidates:
            flagged[int(i)] = others.tolist()
    return flagged


def concurrency_findings(pairs: pd.DataFrame, flagged: dict[int, list[int]], policy: Policy) -> list[Finding]:
    findings = []
    candidate_of, start_of = pairs["candidate_id"].to_dict(), pairs["start"].to_dict()
    for i, others in flagged.items():
        pair = pairs.loc[i]
        with_ = ", ".join(f"candidate {candidate_of[j]} (from {day_text(start_of[j])})" for j in others)
        findings.append(pair_finding(
            "COACH-CONCURRENT", pair,
            f"Coach {pair['coach_id']} coaches candidate {pair['candidate_id']} (from {day_text(pair['start'])}) at the same time as {with_}; "
            f"at most {policy.max_concurrent_candidates} at a time",
        ))
    return findings
