"""Calendar arithmetic the program documents use: months are calendar months, clamped to month end."""

from __future__ import annotations

import pandas as pd

from ..policy import day_in_year


LAST_DAY = pd.Timestamp("9999-12-31")  # the last date a workbook holds (values.DATE_MAX)


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Same day of month ``months`` later, clamped to the month's last day (Aug 31 + 6 → Feb 28/29),
    and to the calendar's last day (a placeholder planning meeting of 12/31/9999 has that deadline)."""
    later = dates + pd.DateOffset(months=months)
    return later.where(~(later > LAST_DAY), LAST_DAY)


def month_day_in(year: int, month: int, day: int) -> pd.Timestamp:
    """:func:`..policy.day_in_year` as a timestamp: the rules read a policy's dates as the policy checks them."""
    return pd.Timestamp(day_in_year(year, month, day))


def hours_text(minutes) -> str:
    """Whole minutes as hours with 2 decimals, as every output prints them (``90`` → ``1.50``)."""
    return f"{minutes / 60:.2f}"


def count_text(number: float, unit: str) -> str:
    """A number and its unit as messages print it: ``1 day``, ``2 days``, ``1.5 years`` (a policy's
    number may be 1, or a fraction)."""
    shown = f"{number:g}" if isinstance(number, float) else str(number)
    return f"{shown} {unit}" if number == 1 else f"{shown} {unit}s"


def days_text(days: int) -> str:
    """A number of days as messages print it: ``1 day``, ``2 days``."""
    return count_text(days, "day")


def due_text(days: int, of: str = "") -> str:
    """A policy's due period as messages print it: ``within 30 days of the assignment``; a period of 0
    is ``on the day of the assignment`` (``within 30 days`` and ``on that day`` without ``of``)."""
    if days == 0:
        return f"on the day of {of}" if of else "on that day"
    return f"within {days_text(days)} of {of}" if of else f"within {days_text(days)}"


def months_text(months: int) -> str:
    return count_text(months, "month")


def whole_months(years: float) -> int:
    """A policy's number of years as the calendar months it is checked in (1.5 → 18, 1.1 → 13)."""
    return round(years * 12)


def years_text(years: float) -> str:
    """A policy's number of years as it is checked: ``1 year``, ``1.5 years``; in months when they
    are not whole months (1.1 years is checked, and said, as ``13 months``)."""
    months = whole_months(years)
    return count_text(years, "year") if months == years * 12 else months_text(months)


def day_text(value) -> str:
    """A date as messages print it (YYYY-MM-DD); blank for a missing date. Its ISO form, not strftime:
    the same text for every date a run holds (1900–9999), in a third of the time (thousands of findings)."""
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()
