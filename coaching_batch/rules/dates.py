"""Calendar arithmetic the program documents use: months are calendar months, clamped to month end."""

from __future__ import annotations

import pandas as pd


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Same day of month ``months`` later, clamped to the month's last day (Aug 31 + 6 → Feb 28/29)."""
    return dates + pd.DateOffset(months=months)


def day_text(value) -> str:
    """A date as messages print it (YYYY-MM-DD); blank for a missing date."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")
