"""Log entries: which count towards a pair's hours, and why the others do not (SPEC §4, Logs).

Every entry of the coach log and the candidate log is matched to its pair and given at most one
reason not to count, in this order: unknown person, no assignment, zero or negative duration,
dated after the as-of date, outside the pair's window, a repeat of an entry already read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..findings import Finding, finding
from ..policy import Policy
from ..read import Footer
from ..validate import Tables

LOG_KINDS = {"coach_log": "coach log", "candidate_log": "candidate log"}


def log_entries(tables: Tables) -> pd.DataFrame:
    """Both logs as one frame with a `kind` column, in reading order, each entry with its cells."""
    parts = []
    for kind in LOG_KINDS:
        frame = tables[kind].copy()
        frame["kind"] = kind
        frame["date_cell"] = tables.cells(frame, "date")
        frame["duration_cell"] = tables.cells(frame, "duration")
        frame["id_cell"] = tables.cells(frame, "candidate_id")
        frame["row_cell"] = tables.cells(frame, "")  # the row's first cell
        parts.append(frame)
    entries = pd.concat(parts, ignore_index=True)
    for column in ("contact_type", "activity_type", "description"):
        if column not in entries:
            entries[column] = None
    return entries


def _where(row: dict, cell_column: str) -> dict:
    return {
        "file": row["_file"], "sheet": row["_sheet"], "cell": row[cell_column],
        "candidate_id": row["candidate_id"] or "", "coach_id": row["coach_id"] or "",
    }


def judge_entries(entries: pd.DataFrame, pairs: pd.DataFrame, known_ids: set[str], policy: Policy, as_of: pd.Timestamp) -> tuple[pd.DataFrame, list[Finding]]:
    """Match entries to pairs and decide which count. Adds `pair` (or -1), `counted` and `reason`."""
    entries = entries.copy()
    entries["reason"] = ""
    findings: list[Finding] = []

    missing_ids = entries["candidate_id"].isna() | entries["coach_id"].isna()
    unknown = ~missing_ids & ~(entries["candidate_id"].isin(known_ids) & entries["coach_id"].isin(known_ids))

    # Each entry belongs to the pair with its IDs whose window holds its date, else the pair's first row.
    keyed = pairs[["candidate_id", "coach_id", "pair", "planning_meeting_date", "deadline"]]
    matched = entries.reset_index().merge(keyed, on=["candidate_id", "coach_id"], how="left")
    matched["in_window"] = (matched["date"] >= matched["planning_meeting_date"]) & (matched["date"] <= matched["deadline"])
    matched = matched.sort_values(["index", "in_window", "pair"], ascending=[True, False, True]).drop_duplicates("index")
    matched = matched.set_index("index").reindex(entries.index)
    entries["pair"] = matched["pair"].fillna(-1).astype(int)
    entries["planning_meeting_date"] = matched["planning_meeting_date"]
    entries["deadline"] = matched["deadline"]
    no_assignment = ~missing_ids & ~unknown & (entries["pair"] < 0)

    invalid = entries["duration"] <= 0
    future = entries["date"] > as_of
    window_end = entries["deadline"].where(entries["deadline"] < as_of, as_of)
    outside = (entries["pair"] >= 0) & ~(
        (entries["date"] >= entries["planning_meeting_date"]) & (entries["date"] <= window_end)
    ).fillna(False).astype(bool)

    reasons = [
        (missing_ids, "no candidate or coach ID"),
        (unknown, "ID-UNKNOWN"),
        (no_assignment, "LOG-NO-ASSIGNMENT"),
        (invalid.fillna(False).astype(bool), "LOG-DURATION-INVALID"),
        (future.fillna(False).astype(bool), "LOG-DATE-FUTURE"),
        (outside, "LOG-OUTSIDE-WINDOW"),
    ]
    for mask, reason in reasons:
        entries.loc[mask & (entries["reason"] == ""), "reason"] = reason

    duplicate_key = ["kind", "candidate_id", "coach_id", "date", "duration", "contact_type", "description"]
    keys = entries[duplicate_key].astype(str)
    repeated = keys.duplicated(keep="first")
    entries.loc[repeated & (entries["reason"] == ""), "reason"] = "LOG-DUPLICATE"
    entries["counted"] = entries["reason"] == ""

    findings += _grouped_findings(entries, missing_ids, "CELL-REQUIRED", lambda r, n: (
        f"{n} {LOG_KINDS[r['kind']]} entr{'y' if n == 1 else 'ies'} name no candidate and coach "
        "(add Candidate ID and Coach ID columns); not counted"))
    findings += _grouped_findings(entries, entries["reason"] == "ID-UNKNOWN", "ID-UNKNOWN", lambda r, n: (
        f"{_unknown_ids(r, known_ids)} on the {LOG_KINDS[r['kind']]}, not in the roster; "
        f"{n} entr{'y' if n == 1 else 'ies'} not counted"))
    findings += _grouped_findings(entries, entries["reason"] == "LOG-NO-ASSIGNMENT", "LOG-NO-ASSIGNMENT", lambda r, n: (
        f"Candidate {r['candidate_id']} and coach {r['coach_id']} have no assignment; "
        f"{n} {LOG_KINDS[r['kind']]} entr{'y' if n == 1 else 'ies'} not counted"))

    for row in entries[entries["reason"].isin(["LOG-DURATION-INVALID", "LOG-DATE-FUTURE", "LOG-OUTSIDE-WINDOW", "LOG-DUPLICATE"])].to_dict("records"):
        findings.append(_entry_finding(row, as_of))
    implausible = entries["duration"] > round(policy.implausible_entry_hours * 60)
    for row in entries[implausible.fillna(False).astype(bool)].to_dict("records"):
        findings.append(finding(
            "LOG-DURATION-IMPLAUSIBLE",
            f"{_hours(row['duration'])} h logged on {_day(row['date'])}, more than {policy.implausible_entry_hours:g} h in one entry; counted",
            **_where(row, "duration_cell"),
        ))
    return entries, findings


def _unknown_ids(row: dict, known: set[str]) -> str:
    parts = [f"{role} ID {row[key]}" for role, key in (("Candidate", "candidate_id"), ("Coach", "coach_id")) if row[key] not in known]
    return " and ".join(parts)


def _grouped_findings(entries: pd.DataFrame, mask: pd.Series, rule: str, message) -> list[Finding]:
    """One finding per sheet and pair, at the first entry, for problems that affect a whole log."""
    findings = []
    chosen = entries[mask]
    if chosen.empty:
        return findings
    groups = chosen.fillna({"candidate_id": "", "coach_id": ""}).groupby(["_file", "_sheet", "kind", "candidate_id", "coach_id"], sort=False)
    for _, group in groups:
        first = group.iloc[0].to_dict()
        first["candidate_id"] = first["candidate_id"] or None
        first["coach_id"] = first["coach_id"] or None
        findings.append(finding(rule, message(first, len(group)), **_where(first, "id_cell")))
    return findings


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.2f}"


def _day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _entry_finding(row: dict, as_of: pd.Timestamp) -> Finding:
    kind = LOG_KINDS[row["kind"]]
    date = _day(row["date"])
    match row["reason"]:
        case "LOG-DURATION-INVALID":
            return finding("LOG-DURATION-INVALID", f"{kind} entry of {date} has a duration of {_hours(row['duration'])} h; not counted", **_where(row, "duration_cell"))
        case "LOG-DATE-FUTURE":
            return finding("LOG-DATE-FUTURE", f"{kind} entry dated {date}, after the as-of date {_day(as_of)}; not counted", **_where(row, "date_cell"))
        case "LOG-OUTSIDE-WINDOW":
            if pd.isna(row["planning_meeting_date"]):
                why = "the pair has no planning meeting date yet"
            elif row["date"] < row["planning_meeting_date"]:
                why = f"before the planning meeting on {_day(row['planning_meeting_date'])}"
            else:
                why = f"after the deadline {_day(row['deadline'])}"
            return finding("LOG-OUTSIDE-WINDOW", f"{kind} entry dated {date} is {why}; not counted", **_where(row, "date_cell"))
        case _:
            return finding("LOG-DUPLICATE", f"{kind} entry of {date} ({_hours(row['duration'])} h) repeats an entry already read; counted once", **_where(row, "row_cell"))


def check_footers(entries: pd.DataFrame, footers: list[tuple[str, str, Footer, int | None]]) -> list[Finding]:
    """LOG-TOTAL-MISMATCH: a `Total Hours` footer that matches neither its sheet's entries nor its whole log.

    ``footers`` holds (file, sheet, footer, minutes) with the footer's value read as a duration.
    """
    from ..values import column_letter

    findings = []
    for file, sheet, footer, minutes in footers:
        if minutes is None:
            continue
        on_sheet = entries[(entries["_file"] == file) & (entries["_sheet"] == sheet)]
        above = on_sheet[on_sheet["_row"] < footer.row]
        page_sum = int(above["duration"].sum())
        pairs = on_sheet[["kind", "candidate_id", "coach_id"]].drop_duplicates()
        whole = page_sum
        ids = {"candidate_id": "", "coach_id": ""}
        if len(pairs) == 1:
            kind, candidate, coach = pairs.iloc[0]
            same_log = entries[(entries["_file"] == file) & (entries["kind"] == kind) & (entries["candidate_id"] == candidate) & (entries["coach_id"] == coach)]
            whole = int(same_log["duration"].sum())
            ids = {"candidate_id": candidate or "", "coach_id": coach or ""}
        if abs(minutes - page_sum) > 1 and abs(minutes - whole) > 1:
            expected = f"{page_sum / 60:.2f} h on this page" + (f", {whole / 60:.2f} h in the whole log" if whole != page_sum else "")
            findings.append(finding(
                "LOG-TOTAL-MISMATCH",
                f"Total Hours says {minutes / 60:.2f} h but the entries add up to {expected}",
                file=file, sheet=sheet, cell=f"{column_letter(footer.col)}{footer.row}", **ids,
            ))
    return findings
