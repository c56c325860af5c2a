"""Timing rules of a pair: not started, inactive, at risk, overdue, too short (SPEC §4, Pairs)."""

from __future__ import annotations

import pandas as pd

from ..findings import Finding
from ..policy import Policy
from .dates import add_months, day_text
from .pairs import pair_finding


def schedule_findings(pairs: pd.DataFrame, last_coach_contact: pd.Series, policy: Policy, as_of: pd.Timestamp) -> tuple[list[Finding], set[int]]:
    """Timing findings, and the pairs that are overdue (an error that blocks completion).

    ``pairs`` carries `candidate_minutes` and `coach_contact_minutes`; ``last_coach_contact`` is
    the date of each pair's latest coach-log entry on or before the as-of date.
    """
    findings: list[Finding] = []
    overdue: set[int] = set()
    active = pairs["status"].eq("Active")
    need_candidate = policy.candidate_minimum_minutes
    need_coach = policy.coach_contact_minimum_minutes
    minimum_ends = add_months(pairs["planning_meeting_date"], policy.months_minimum)
    for i, pair, minimum_end in zip(pairs.index, pairs.to_dict("records"), minimum_ends):
        planning, deadline = pair["planning_meeting_date"], pair["deadline"]
        if pd.isna(planning):
            if active[i] and pd.notna(pair["assigned_date"]) and as_of > pair["assigned_date"] + pd.Timedelta(days=policy.not_started_days):
                days = (as_of - pair["assigned_date"]).days
                findings.append(pair_finding("PAIR-NOT-STARTED", pair,
                    f"Assigned on {day_text(pair['assigned_date'])} ({days} days ago) and no planning meeting date yet"))
            continue
        if active[i]:
            quiet_since = as_of - pd.Timedelta(days=policy.inactive_days)
            last = last_coach_contact.get(i, pd.NaT)
            if planning < quiet_since and (pd.isna(last) or last <= quiet_since):
                seen = f"last coach-log entry {day_text(last)}" if pd.notna(last) else "no coach-log entry yet"
                findings.append(pair_finding("PAIR-INACTIVE", pair,
                    f"No coach-log entry in the {policy.inactive_days} days up to {day_text(as_of)} ({seen})"))
            if deadline < as_of:
                overdue.add(i)
                findings.append(pair_finding("PAIR-OVERDUE", pair,
                    f"Still Active but the deadline {day_text(deadline)} ({policy.months_maximum} months from the planning meeting) has passed"))
            elif deadline <= as_of + pd.Timedelta(days=policy.at_risk_days):
                short_candidate = max(0, need_candidate - pair["candidate_minutes"])
                short_coach = max(0, need_coach - pair["coach_contact_minutes"])
                if short_candidate or short_coach:
                    needed = []
                    if short_candidate:
                        needed.append(f"{short_candidate / 60:.2f} candidate hours")
                    if short_coach:
                        needed.append(f"{short_coach / 60:.2f} coach contact hours")
                    findings.append(pair_finding("PAIR-AT-RISK", pair,
                        f"Deadline {day_text(deadline)} is {(deadline - as_of).days} days away and {' and '.join(needed)} are still needed"))
        completion = pair["completion_date"]
        if pd.notna(completion):
            if completion > deadline:
                overdue.add(i)
                findings.append(pair_finding("PAIR-OVERDUE", pair,
                    f"Completed on {day_text(completion)}, after the deadline {day_text(deadline)}"))
            if completion < minimum_end:
                findings.append(pair_finding("PAIR-TOO-SHORT", pair,
                    f"Completed on {day_text(completion)}, less than {policy.months_minimum} months after the planning meeting on {day_text(planning)}"))
    return findings, overdue
