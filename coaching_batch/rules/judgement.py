"""What every family of rules receives and returns.

A family (one section of a policy file) is a pure function ``judge(pairs, settings, context)``:
``pairs`` are the pairs of one program (indexed by pair number), ``settings`` the section's
dataclass from :mod:`coaching_batch.policy`, and ``context`` everything else a rule may read. It
returns a :class:`Judgement`: its findings, and what it blocks on which pair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from ..findings import Finding
from ..policy import Policy
from ..validate import Tables


# the reasons of log entries that are meetings held (LOG-EARLIER-YEAR: of a job-embedded pair's earlier school year)
HELD = ["", "LOG-OUTSIDE-WINDOW", "AGREEMENT-MISSING", "LOG-EARLIER-YEAR"]


@dataclass
class Context:
    tables: Tables
    entries: pd.DataFrame  # every log entry, with its `pair` (or -1), `counted` and `reason`
    counted: pd.DataFrame  # the entries that count towards a pair's hours (evaluate.COUNTED_COLUMNS)
    left_out_rows: pd.DataFrame  # both logs' rows left out for a bad cell, with their labels' IDs (logs.rows_left_out)
    as_of: pd.Timestamp
    policy: Policy
    last_coach_contact: pd.Series  # each pair's latest coach-log entry on or before as-of (by pair number)
    # every pair's latest meeting (see :func:`latest_meetings`), worked out once a run when a family first asks
    every_latest_meeting: Callable[[], pd.Series]

    def latest_meetings(self, pairs: pd.DataFrame) -> pd.Series:
        """Each of these pairs' latest coach-log meeting up to as-of (by pair number; none, none listed)."""
        latest = self.every_latest_meeting()
        return latest[latest.index.isin(pairs.index)]


def latest_meetings(entries: pd.DataFrame) -> pd.Series:
    """Each pair's latest coach-log meeting up to as-of (by pair number; a pair with none is not listed):
    counted, or held outside the pair's window (a meeting still, though not for its hours). An entry
    without a valid duration, a repeat or one dated after as-of is no meeting."""
    held = (entries["kind"] == "coach_log") & (entries["pair"] >= 0) & entries["reason"].isin(HELD)
    return entries.loc[held, ["pair", "date"]].groupby("pair")["date"].max()


@dataclass
class Judgement:
    findings: list[Finding] = field(default_factory=list)
    completion: dict[int, list[str]] = field(default_factory=dict)  # pair → why it is not complete
    payment: dict[int, list[str]] = field(default_factory=dict)  # pair → why it is not payable (only)
    coach: dict[int, list[str]] = field(default_factory=dict)  # pair → why its coach is not qualified
    # table → the pairs judged on its rows (a milestone, a feedback form): when the inbox holds no such
    # table, the run says so once, naming them, rather than leave each pair's finding to say none is recorded
    needs: dict[str, list[int]] = field(default_factory=dict)

    def blocks(self, pair: int, reason: str, *, coach: bool = False) -> None:
        """``reason`` keeps ``pair`` from completion (and, with ``coach``, says its coach is not qualified)."""
        self.completion.setdefault(pair, []).append(reason)
        if coach:
            self.coach.setdefault(pair, []).append(reason)

    def need(self, table: str, pairs: Iterable[int]) -> None:
        """These pairs (pair numbers) were judged on the rows of ``table`` that are theirs."""
        self.needs.setdefault(table, []).extend(pairs)

    def merge(self, other: Judgement) -> None:
        self.findings += other.findings
        for mine, theirs in ((self.completion, other.completion), (self.payment, other.payment), (self.coach, other.coach)):
            for pair, reasons in theirs.items():
                mine.setdefault(pair, []).extend(reasons)
        for table, pairs in other.needs.items():
            self.need(table, pairs)
