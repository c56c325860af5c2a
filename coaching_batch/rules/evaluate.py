"""Apply the whole rule catalogue to the validated tables and reach each pair's verdict (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..findings import Finding
from ..model import CERTIFICATE_COLUMNS, COACH_COLUMNS, HOURS_BY_MONTH_COLUMNS, PAYMENT_COLUMNS
from ..policy import Policy
from ..validate import Tables
from . import candidate, coach, logs, schedule
from .pairs import build_pairs, pair_finding, payment_id


@dataclass
class Evaluation:
    pairs: pd.DataFrame
    entries: pd.DataFrame
    payable: pd.DataFrame  # every payment-eligible stipend (the ledger decides which are new)
    coaches: pd.DataFrame
    hours_by_month: pd.DataFrame
    certificates: pd.DataFrame
    findings: list[Finding]


def _by_pair(frame: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values`` (indexed by pair number) aligned to the rows of ``frame``."""
    return pd.Series(values.reindex(frame["pair"].to_numpy()).to_numpy(), index=frame.index)


def hours(minutes) -> float:
    """Minutes shown as hours with 2 decimals."""
    return round(float(minutes) / 60, 2)


def evaluate(tables: Tables, policy: Policy, as_of: pd.Timestamp, footers: list | None = None) -> Evaluation:
    findings: list[Finding] = []
    pairs, pair_findings = build_pairs(tables, policy)
    findings += pair_findings
    known = set(tables["employees"]["employee_id"])

    entries, entry_findings = logs.judge_entries(logs.log_entries(tables), pairs, known, policy, as_of)
    findings += entry_findings
    findings += logs.check_footers(entries, footers or [])

    counted = entries[entries["counted"]]
    minutes = counted.groupby(["pair", "kind"])["duration"].sum().unstack(fill_value=0)
    pairs["candidate_minutes"] = pairs["pair"].map(minutes.get("candidate_log", pd.Series(dtype=int))).fillna(0).astype(int)
    pairs["coach_contact_minutes"] = pairs["pair"].map(minutes.get("coach_log", pd.Series(dtype=int))).fillna(0).astype(int)
    coach_entries = entries[(entries["kind"] == "coach_log") & (entries["pair"] >= 0)]
    pairs["coach_log_entries"] = pairs["pair"].map(coach_entries.groupby("pair").size()).fillna(0).astype(int)
    dated = coach_entries[coach_entries["date"] <= as_of]
    last_contact = _by_pair(pairs, dated.groupby("pair")["date"].max())

    qualification = coach.qualification_reasons(pairs, tables["employees"], tables["recommendations"], policy, as_of)
    findings += coach.qualification_findings(pairs, qualification)
    concurrent = coach.concurrent_pairs(pairs, policy)
    findings += coach.concurrency_findings(pairs, concurrent, policy)
    enrollment = candidate.enrollment_problems(pairs, tables["requests"], policy)
    repeats = candidate.repeat_pairs(pairs, policy)
    findings += candidate.candidate_findings(pairs, enrollment, repeats)
    timing, overdue = schedule.schedule_findings(pairs, last_contact, policy, as_of)
    findings += timing

    pairs, verdict_findings = _verdicts(pairs, policy, as_of, known, qualification, concurrent, enrollment, repeats, overdue)
    findings += verdict_findings

    payable = pairs[pairs["payment_eligible"]]
    return Evaluation(
        pairs=pairs,
        entries=entries,
        payable=_payments(payable, counted, policy),
        coaches=_coaches(pairs, tables, qualification, policy),
        hours_by_month=_hours_by_month(counted, pairs),
        certificates=_certificates(pairs, tables),
        findings=findings,
    )


def _verdicts(pairs, policy, as_of, known, qualification, concurrent, enrollment, repeats, overdue):
    findings = []
    need_candidate, need_coach = policy.candidate_minimum_minutes, policy.coach_contact_minimum_minutes
    completion_eligible, payment_eligible, reasons = [], [], []
    for i, pair in zip(pairs.index, pairs.to_dict("records")):
        why: list[str] = []
        for role, key in (("candidate", "candidate_id"), ("coach", "coach_id")):
            if pair[key] not in known:
                why.append(f"{role} ID {pair[key]} not in the roster")
        if pd.isna(pair["planning_meeting_date"]):
            why.append("no planning meeting date")
        if pair["candidate_minutes"] < need_candidate:
            why.append(f"candidate hours {hours(pair['candidate_minutes']):.2f} < {policy.candidate_minimum_hours:g}")
        if not pair["goals_attained"]:
            why.append("goals not attained")
        why += [f"coach not qualified: {r}" for r in qualification[i]]
        if i in enrollment:
            why.append(f"candidate not enrolled: {enrollment[i]}")
        if i in concurrent:
            why.append("coach has another candidate at the same time")
        if i in repeats:
            why.append("candidate already coached for this target grade")
        if pair["status"] == "Withdrawn":
            why.append("withdrawn")
        end = pair["completion_date"] if pd.notna(pair["completion_date"]) else as_of
        if pd.notna(pair["deadline"]) and end > pair["deadline"]:
            why.append(f"past the deadline {pair['deadline']:%Y-%m-%d}")
        complete = not why

        if (pair["status"] == "Completed" or pair["goals_attained"]) and pair["candidate_minutes"] < need_candidate:
            findings.append(pair_finding("COMPLETION-HOURS-SHORT", pair,
                f"Marked {'Completed' if pair['status'] == 'Completed' else 'goals attained'} but the candidate log counts "
                f"{hours(pair['candidate_minutes']):.2f} h of the {policy.candidate_minimum_hours:g} h needed"))

        pay_why: list[str] = []
        requested = pd.notna(pair["payment_request_date"])
        if policy.stipend <= 0:
            pay_why.append("the program pays no stipend")
        if pair["coach_contact_minutes"] < need_coach:
            pay_why.append(f"coach contact hours {hours(pair['coach_contact_minutes']):.2f} < {policy.coach_contact_minimum_hours:g}")
            if requested:
                findings.append(pair_finding("PAYMENT-CONTACT-SHORT", pair,
                    f"Payment requested but the coach log counts {hours(pair['coach_contact_minutes']):.2f} contact hours "
                    f"of the {policy.coach_contact_minimum_hours:g} needed"))
        if policy.requires_coach_log and pair["coach_log_entries"] == 0:
            pay_why.append("no coach log received")
        if policy.requires_payment_request and not requested:
            pay_why.append("no Request for Payment")
        if requested and not complete:
            findings.append(pair_finding("PAYMENT-NOT-COMPLETE", pair,
                f"Payment requested on {pair['payment_request_date']:%Y-%m-%d} but the pair is not eligible for completion: {why[0]}"))
        completion_eligible.append(complete)
        payment_eligible.append(complete and not pay_why)
        reasons.append("; ".join(why + pay_why))

    pairs = pairs.assign(
        completion_eligible=pd.Series(completion_eligible, index=pairs.index, dtype=bool),
        payment_eligible=pd.Series(payment_eligible, index=pairs.index, dtype=bool),
        reasons=pd.Series(reasons, index=pairs.index, dtype=object),
    )
    pairs["candidate_hours"] = pairs["candidate_minutes"].map(hours)
    pairs["coach_contact_hours"] = pairs["coach_contact_minutes"].map(hours)
    pairs["candidate_hours_needed"] = (need_candidate - pairs["candidate_minutes"]).clip(lower=0).map(hours)
    pairs["coach_contact_hours_needed"] = (need_coach - pairs["coach_contact_minutes"]).clip(lower=0).map(hours)
    pairs["payment_id"] = [payment_id(p, c, k) for p, c, k in zip(pairs["program"], pairs["candidate_id"], pairs["coach_id"])]
    pairs["paid_on"] = pd.NaT
    return pairs, findings


def _payments(payable: pd.DataFrame, counted: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    last_entry = counted.groupby("pair")["date"].max()
    frame = pd.DataFrame({
        "payment_id": payable["payment_id"],
        "coach_id": payable["coach_id"],
        "coach_name": payable["coach_name"],
        "candidate_id": payable["candidate_id"],
        "candidate_name": payable["candidate_name"],
        "start_date": payable["planning_meeting_date"],
        "end_date": payable["completion_date"].fillna(_by_pair(payable, last_entry)),
        "coach_contact_hours": payable["coach_contact_hours"],
        "candidate_hours": payable["candidate_hours"],
        "amount": float(policy.stipend),
    })
    return frame[PAYMENT_COLUMNS].sort_values(["coach_id", "candidate_id"]).reset_index(drop=True)


def _coaches(pairs: pd.DataFrame, tables: Tables, qualification: pd.Series, policy: Policy) -> pd.DataFrame:
    roster = tables["employees"].drop_duplicates("employee_id").set_index("employee_id")
    recs = coach.recommendation_counts(tables["recommendations"])
    people, received = roster.to_dict("index"), recs.to_dict("index")
    reasons_of = qualification.reindex(pairs.index).to_numpy()
    rows = []
    for coach_id, positions in sorted(pairs.groupby("coach_id", sort=True).indices.items()):
        reasons = list(dict.fromkeys(r for i in sorted(positions) for r in reasons_of[i]))
        person = people.get(coach_id)
        counts = received.get(coach_id)
        complete = counts is not None and counts["supervisors"] >= policy.supervisor_recommendations and counts["colleagues"] >= policy.colleague_recommendations and not (policy.reject_not_recommended and counts["not_recommended"])
        rows.append({
            "coach_id": coach_id,
            "coach_name": None if person is None else person["name"],
            "grade": None if person is None else person["grade"],
            "hire_date": None if person is None else person["hire_date"],
            "pgs_status": None if person is None else person["pgs_status"],
            "coach_training_date": None if person is None else person["coach_training_date"],
            "recommendations_complete": bool(complete),
            "qualified": person is not None and not reasons,
            "reasons": "; ".join(reasons) if person is not None else "not in the roster",
        })
    return pd.DataFrame(rows, columns=COACH_COLUMNS)


def _hours_by_month(counted: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    if counted.empty:
        return pd.DataFrame(columns=HOURS_BY_MONTH_COLUMNS)
    # Each distinct month is written as text once, not once per entry.
    codes, months = pd.factorize(counted["date"].to_numpy().astype("datetime64[M]"))
    month = pd.Categorical.from_codes(codes, categories=np.datetime_as_string(months, unit="M"))
    table = (
        counted.assign(month=month)
        .groupby(["candidate_id", "coach_id", "month", "kind"], observed=True)["duration"].sum()
        .unstack("kind", fill_value=0)
    )
    table = table.reindex(columns=["candidate_log", "coach_log"], fill_value=0).reset_index()
    table["month"] = table["month"].astype(str)
    table["candidate_hours"] = table["candidate_log"].map(hours)
    table["coach_contact_hours"] = table["coach_log"].map(hours)
    return table[HOURS_BY_MONTH_COLUMNS].sort_values(["candidate_id", "coach_id", "month"]).reset_index(drop=True)


def _certificates(pairs: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    done = pairs[(pairs["status"] == "Completed") & pairs["completion_eligible"]]
    roster = tables["employees"].drop_duplicates("employee_id").set_index("employee_id")
    supervisor_of = roster["supervisor_id"]
    names = roster["name"]
    rows = []
    for pair in done.to_dict("records"):
        supervisor = supervisor_of.get(pair["candidate_id"])
        supervisor_name = names.get(supervisor) if isinstance(supervisor, str) else None
        rows.append({
            "candidate_id": pair["candidate_id"], "candidate_name": pair["candidate_name"],
            "coach_id": pair["coach_id"], "coach_name": pair["coach_name"],
            "completion_date": pair["completion_date"],
            "send_to": f"{supervisor_name} (supervisor, {supervisor})" if supervisor_name else "the candidate's supervisor (not in the roster)",
            "copies_to": f"{pair['candidate_name']} (candidate); {pair['coach_name']} (coach)",
        })
    return pd.DataFrame(rows, columns=CERTIFICATE_COLUMNS)
