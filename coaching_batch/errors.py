"""The few reasons a run cannot be done at all. Everything else is a Finding."""

from __future__ import annotations


class CoachingBatchError(Exception):
    """The run could not be done."""


class UsageError(CoachingBatchError):
    """An option or argument cannot be used (no such inbox, bad policy file, bad date)."""


class StateLocked(CoachingBatchError):
    """Another run holds the state folder."""
