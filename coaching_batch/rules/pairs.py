"""The pairs (assignment rows) of this run's program, with their windows and the people joined in."""

from __future__ import annotations

import hashlib

import pandas as pd

from ..findings import Finding, finding
from ..policy import Policy
from ..validate import Tables
from .dates import add_months


def pair_finding(rule: str, pair, message: str) -> Finding:
    """A finding about a pair, placed at its assignment row's file and sheet (``pair`` is a row or record)."""
    return finding(rule, message, file=pair["_file"], sheet=pair["_sheet"],
                   candidate_id=pair["candidate_id"], coach_id=pair["coach_id"])


def payment_id(program: str, candidate_id: str, coach_id: str) -> str:
    """Stable ID of a pair's stipend: the same pair in the same program always gets the same ID."""
    digest = hashlib.sha256(f"{program}\x1f{candidate_id}\x1f{coach_id}".encode()).hexdigest()
    return f"PAY-{digest[:12].upper()}"


def build_pairs(tables: Tables, policy: Policy) -> tuple[pd.DataFrame, list[Finding]]:
    """One row per assignment of this program, with names, target grade, deadline and window."""
    assignments = tables["assignments"]
    program = assignments["program"].fillna(policy.name).str.casefold()
    pairs = assignments[program == policy.name.casefold()].copy()
    pairs["program"] = policy.name
    pairs["status"] = pairs["status"].fillna("Active")
    pairs["goals_attained"] = pairs["goals_attained"].fillna(False).astype(bool)
    pairs["pair"] = range(len(pairs))
    pairs = pairs.reset_index(drop=True)

    employees = tables["employees"].set_index("employee_id")
    names = employees["name"]
    pairs["candidate_name"] = pairs["candidate_id"].map(names)
    pairs["coach_name"] = pairs["coach_id"].map(names)

    # Target grade: the assignment's, else the candidate's request (the latest one).
    requests = tables["requests"].sort_values("request_date").drop_duplicates("employee_id", keep="last")
    requested = requests.set_index("employee_id")["target_grade"]
    pairs["target_grade"] = pairs["target_grade"].fillna(pairs["candidate_id"].map(requested))

    pairs["deadline"] = add_months(pairs["planning_meeting_date"], policy.months_maximum)
    pairs["start"] = pairs["planning_meeting_date"].fillna(pairs["assigned_date"])

    findings = []
    cells = tables.cells(pairs, "candidate_id")
    coach_cells = tables.cells(pairs, "coach_id")
    for i, row in enumerate(pairs.to_dict("records")):
        for role, key, cell in (("Candidate", "candidate_id", cells.iloc[i]), ("Coach", "coach_id", coach_cells.iloc[i])):
            if row[key] not in employees.index:
                findings.append(finding(
                    "ID-UNKNOWN", f"{role} ID {row[key]} on the assignment is not in the roster",
                    file=row["_file"], sheet=row["_sheet"], cell=cell,
                    candidate_id=row["candidate_id"], coach_id=row["coach_id"],
                ))
    return pairs, findings
