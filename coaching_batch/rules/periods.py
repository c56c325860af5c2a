"""How each program measures a pair's period: the four window sections of a policy.

Every window function returns, for the pairs of one program, the same columns, so the log entries
of all programs are judged in one pass (:func:`coaching_batch.rules.logs.judge_entries`):

* ``start`` — when the pair began (overlaps and capacity count from here);
* ``qualify_on`` — the date qualifications and eligibility are judged on;
* ``window_start`` / ``window_end`` — the dates between which entries count (both included; the
  as-of date also ends the window);
* ``deadline`` — the end of the program's period, as shown (blank where it has none);
* ``period_end`` — the end of the pair's active period [start, period_end) for overlaps;
* ``reached_end`` — the period has come to its end by as-of;
* ``judged`` / ``not_judged`` — whether the program judges the pair this run, else why not;
* ``before_rule`` — the code of an entry dated before the window starts (of every entry, when it
  has no start);
* ``kept_from`` — where an entry dated before the window starts is the pair's own all the same (a
  meeting of an earlier school year of a job-embedded pair begun then): from this day on it is
  kept without a finding of its own, though not counted (NaT: no such entries);
* the wording of messages (``start_label``, ``end_label``, ``no_start``, and ``no_start_fix``
  where an entry's fix is not to record the start).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..policy import Commitment, Relationship, SchoolYear, Window, month_day
from .dates import add_months, month_day_in

PERIOD_COLUMNS = (
    "start", "qualify_on", "window_start", "window_end", "deadline", "period_end", "reached_end", "judged",
    "not_judged", "before_rule", "kept_from", "start_label", "end_label", "no_start", "no_start_fix",
)
PERIOD_DATES = ("start", "qualify_on", "window_start", "window_end", "deadline", "period_end", "kept_from")  # the dates among them


def _period(pairs: pd.DataFrame, **columns) -> pd.DataFrame:
    """The period frame: Series as given, single values (labels, switches) repeated on every pair."""
    defaults = {"judged": True, "not_judged": "", "before_rule": "LOG-OUTSIDE-WINDOW", "kept_from": pd.NaT,
                "reached_end": False, "no_start_fix": ""}
    frame = {}
    for name in PERIOD_COLUMNS:
        value = columns.get(name, defaults.get(name))
        if not isinstance(value, pd.Series):
            value = pd.Series([value] * len(pairs), index=pairs.index, dtype=bool if isinstance(value, bool) else object)
        frame[name] = value
    return pd.DataFrame(frame, index=pairs.index)  # made at once: a column added at a time cost 0.25 ms each


def _ends(pairs: pd.DataFrame, end: pd.Series) -> pd.Series:
    """The end of the active period: the completion date, else ``end``; a Withdrawn pair without a
    completion date has none (it is left out of overlaps)."""
    return pairs["completion_date"].fillna(end.where(pairs["status"] != "Withdrawn"))


def itss_window(pairs: pd.DataFrame, window: Window, as_of: pd.Timestamp) -> pd.DataFrame:
    """ITSS: from the planning meeting to the deadline, so many calendar months later."""
    planning = pairs["planning_meeting_date"]
    start = planning.fillna(pairs["assigned_date"])
    deadline = add_months(planning, window.months_maximum)
    return _period(
        pairs, start=start, qualify_on=planning.fillna(as_of), window_start=planning, window_end=deadline,
        deadline=deadline, period_end=_ends(pairs, deadline.fillna(add_months(start, window.months_maximum))),
        reached_end=(deadline <= as_of).fillna(False),
        start_label="the planning meeting", end_label="the deadline", no_start="the pair has no planning meeting date yet",
    )


def relationship_window(pairs: pd.DataFrame, relationship: Relationship, as_of: pd.Timestamp) -> pd.DataFrame:
    """Mentoring: from the signed agreement for so many months, or to an earlier completion date."""
    agreement = pairs["agreement_date"]
    end = add_months(agreement, relationship.months)
    completed_first = pairs["completion_date"].notna() & (pairs["completion_date"] < end)
    window_end = end.where(~completed_first, pairs["completion_date"])
    return _period(
        pairs, start=agreement, qualify_on=agreement.fillna(as_of), window_start=agreement, window_end=window_end,
        deadline=end, period_end=_ends(pairs, end), reached_end=(end <= as_of).fillna(False),
        # Before a recorded agreement, AGREEMENT-MISSING; with none, no entry counts, as outside the window.
        before_rule=pd.Series(np.where(agreement.notna(), "AGREEMENT-MISSING", "LOG-OUTSIDE-WINDOW"), index=pairs.index, dtype=object),
        start_label="the agreement",
        end_label=pd.Series(np.where(completed_first, "the completion date", "the end of the relationship"), index=pairs.index, dtype=object),
        no_start="no Agreement Date is recorded for the pair",
    )


WITHDRAWN_UNDATED = "the pair was withdrawn with no Completion Date recorded, so it is not known up to when its entries count"
WITHDRAWN_UNDATED_FIX = "Record the day the pair was withdrawn in its Completion Date: the entries up to that day then count."


def commitment_end(pairs: pd.DataFrame, commitment: Commitment) -> tuple[pd.Series, pd.Series]:
    """(start, end of the commitment): so many months from the start, or Extended Until when later.
    An Extended Until before the start is ignored (it is reported by the commitment rules)."""
    start = pairs["planning_meeting_date"].fillna(pairs["assigned_date"])
    end = add_months(start, commitment.months)
    extended = pairs["extended_until"].where(pairs["extended_until"] >= start)
    return start, end.where(~(extended > end), extended)


def commitment_window(pairs: pd.DataFrame, commitment: Commitment, as_of: pd.Timestamp) -> pd.DataFrame:
    """Reps: from the start for the commitment's months (extendable), or to the completion date. A
    pair withdrawn with no completion date has no active period (SPEC §2a: Withdrawn as in
    COACH-CONCURRENT), so none of its entries count."""
    start, end = commitment_end(pairs, commitment)
    window_end = pairs["completion_date"].fillna(end)
    completed = pairs["completion_date"].notna()
    undated = pairs["status"].eq("Withdrawn") & ~completed
    return _period(
        pairs, start=start, qualify_on=start.fillna(as_of), window_start=start.where(~undated), window_end=window_end.where(~undated),
        deadline=end, period_end=_ends(pairs, end), reached_end=(end <= as_of).fillna(False),
        start_label=pd.Series(np.where(pairs["planning_meeting_date"].notna(), "the planning meeting", "the assignment"), index=pairs.index, dtype=object),
        end_label=pd.Series(np.where(completed, "the completion date", "the end of the commitment"), index=pairs.index, dtype=object),
        no_start=pd.Series(np.where(undated, WITHDRAWN_UNDATED, "the pair has no planning meeting or assigned date"),
                           index=pairs.index, dtype=object),
        no_start_fix=pd.Series(np.where(undated, WITHDRAWN_UNDATED_FIX, ""), index=pairs.index, dtype=object),
    )


def school_year_start(school_year: SchoolYear, as_of: pd.Timestamp) -> pd.Timestamp:
    """The first day of the school year holding ``as_of``."""
    month, day = month_day(school_year.starts, "school_year", "starts")
    start = month_day_in(as_of.year, month, day)
    return start if start <= as_of else month_day_in(as_of.year - 1, month, day)


def school_year_window(pairs: pd.DataFrame, school_year: SchoolYear, as_of: pd.Timestamp) -> pd.DataFrame:
    """Job-embedded: the current school year, up to the completion date; pairs neither Active nor
    completed in it are not judged. The meetings of a pair begun in an earlier school year, dated
    from its start (planning meeting, else assigned date) to this school year's, are kept: not
    counted, but no entry's LOG-OUTSIDE-WINDOW either (see :func:`.logs.judge_entries`)."""
    year_start = school_year_start(school_year, as_of)
    start = pairs["planning_meeting_date"].fillna(pairs["assigned_date"])
    completion = pairs["completion_date"]
    active = pairs["status"].eq("Active")
    next_year = school_year_start(school_year, year_start + pd.DateOffset(years=1, days=1))
    # completed in the current school year (undated: judged); a Withdrawn pair is neither (SPEC §2a)
    this_year = pairs["status"].eq("Completed") & ((completion.ge(year_start) & completion.lt(next_year)) | completion.isna())
    judged = active | this_year
    no_end = completion.where(pd.Series(False, index=pairs.index))
    return _period(
        pairs, start=start, qualify_on=start.fillna(as_of), kept_from=start,
        window_start=pd.Series(year_start, index=pairs.index), window_end=completion.where(completion.notna(), no_end),
        deadline=no_end, period_end=_ends(pairs, no_end),
        judged=judged.astype(bool),
        not_judged=pd.Series(np.where(judged, "", "not in the current school year"), index=pairs.index, dtype=object),
        start_label="the start of the school year", end_label="the completion date",  # the date follows in the messages
        no_start="",
    )


WINDOWS = {
    "window": itss_window,
    "relationship": relationship_window,
    "commitment": commitment_window,
    "school_year": school_year_window,
}
