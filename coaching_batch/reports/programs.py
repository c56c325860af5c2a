"""The programs of a run, as every output names and sums them."""

from __future__ import annotations

import pandas as pd

from ..model import RunResult
from ..policy import Policy


def run_programs(result: RunResult) -> dict[str, Policy]:
    """The run's programs by name, in the run's order (the default alone when the run names none)."""
    return dict(result.programs) or {result.policy.name: result.policy}


def programs_title(result: RunResult) -> str:
    """The titles of the run's programs, for a heading ("; " between several)."""
    return "; ".join(policy.title or name for name, policy in run_programs(result).items())


def programs_of(frame: pd.DataFrame, default: str) -> pd.Series:
    """Each row's program name; a blank or absent one is ``default`` (the run's default program)."""
    if "program" not in frame.columns:
        return pd.Series([default] * len(frame), index=frame.index, dtype=object)
    names = frame["program"].astype("string").str.strip().fillna("")
    return names.where(names != "", default).astype(object)
