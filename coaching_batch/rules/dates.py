"""Calendar arithmetic the program documents use: months are calendar months, clamped to month end."""

from __future__ import annotations

import calendar

import pandas as pd


LAST_DAY = pd.Timestamp("9999-12-31")  # the last date a workbook holds (values.DATE_MAX)


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Same day of month ``months`` later, clamped to the month's last day (Aug 31 + 6 → Feb 28/29),
    and to the calendar's last day (a placeholder planning meeting of 12/31/9999 has that deadline)."""
    later = dates + pd.DateOffset(months=months)
    return later.where(~(later > LAST_DAY), LAST_DAY)


def month_day_in(year: int, month: int, day: int) -> pd.Timestamp:
    """A policy's month and day (a school year's start, a review due) in ``year``, clamped to the
    month's last day: 29 February is 28 February in a common year."""
    return pd.Timestamp(year, month, min(day, calendar.monthrange(year, month)[1]))


def hours_text(minutes) -> str:
    """Whole minutes as hours with 2 decimals, as every output prints them (``90`` → ``1.50``)."""
    return f"{minutes / 60:.2f}"


def days_text(days: int) -> str:
    """A number of days as messages print it: ``1 day``, ``2 days``."""
    return "1 day" if days == 1 else f"{days} days"


def day_text(value) -> str:
    """A date as messages print it (YYYY-MM-DD); blank for a missing date."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")
