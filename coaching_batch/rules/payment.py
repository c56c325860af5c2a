"""[payment]: how much a payable pair's stipend is, and how that amount was reached.

A flat stipend pays the same to every payable pair; a schedule of tiers pays by the pair's hours
(coach contact hours, or the candidate's) and, optionally, a condition on a roster column of the
coach. The first tier that matches decides.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from ..policy import Condition, Payment, Tier
from .dates import hours_text


def _holds(condition: Condition, value) -> bool:
    """Whether a coach's roster value meets the condition (a blank meets only `present = false`)."""
    if condition.present is not None:
        return pd.notna(value) == condition.present
    if value is None or pd.isna(value):
        return False
    if condition.equals is not None:
        return str(value).casefold() == condition.equals.casefold()
    if condition.one_of is not None:
        return str(value).casefold() in {v.casefold() for v in condition.one_of}
    if condition.on_or_after is not None:
        return pd.Timestamp(value) >= pd.Timestamp(condition.on_or_after)
    if condition.on_or_before is not None:
        return pd.Timestamp(value) <= pd.Timestamp(condition.on_or_before)
    if condition.at_least is not None:
        return float(value) >= condition.at_least
    return float(value) < condition.below


def _tier_matches(tier: Tier, minutes: int, coach: dict) -> bool:
    if minutes < round(tier.from_hours * 60):
        return False
    if tier.below_hours is not None and minutes >= round(tier.below_hours * 60):
        return False
    return tier.when is None or _holds(tier.when, coach.get(tier.when.column))


CENT = Decimal("0.01")


def _rate_text(per_hour: float) -> str:
    """A rate as the Amount Basis prints it: in cents, or to the fraction of a cent the policy gives."""
    rate = Decimal(str(per_hour))
    return f"${rate:,.2f}" if rate == rate.quantize(CENT) else f"${rate:,}"


def _to_cent(amount: float | Decimal) -> float:
    """An amount to the cent, half a cent up, once, where it is worked out: a policy may give a fraction
    of a cent (``stipend = 300.555``), and every output then shows the same $300.56."""
    return float(Decimal(str(amount)).quantize(CENT, ROUND_HALF_UP))


def hourly_amount(minutes: int, per_hour: float) -> float:
    """The hours as printed (2 decimals, like the payment sheet's hours columns) times the rate, to the
    cent: the Amount Basis finance reads multiplies out to the Amount."""
    return _to_cent(Decimal(hours_text(minutes)) * Decimal(str(per_hour)))


def _tier_text(tier: Tier) -> str:
    """The tier's conditions in words: "12 h or more, coach_training_date on or after 2025-01-01"."""
    parts = []
    if tier.from_hours:
        parts.append(f"{tier.from_hours:g} h or more")
    if tier.below_hours is not None:
        parts.append(f"below {tier.below_hours:g} h")
    if tier.when is not None:
        parts.append(tier.when.describe())
    return ", ".join(parts)


def stipend(payment: Payment, minutes: int, coach: dict) -> tuple[float, str]:
    """(amount, how it was reached) for one pair: ``minutes`` are the hours the schedule is measured in,
    ``coach`` the coach's roster row (canonical columns)."""
    measured = payment.hours
    for tier in payment.tiers:
        if _tier_matches(tier, minutes, coach):
            condition = _tier_text(tier)
            if tier.per_hour is not None:
                amount = hourly_amount(minutes, tier.per_hour)
                how = f"{hours_text(minutes)} {measured} h × {_rate_text(tier.per_hour)}/h"
            else:
                amount = _to_cent(tier.amount)
                how = f"${amount:,.2f} for {hours_text(minutes)} {measured} h"
            return amount, f"{how} (tier: {condition})" if condition else how
    if payment.stipend > 0:
        amount = _to_cent(payment.stipend)
        return amount, f"flat stipend ${amount:,.2f}" if not payment.tiers else f"${amount:,.2f} (no tier applies)"
    return 0.0, "no tier of the stipend schedule applies"
