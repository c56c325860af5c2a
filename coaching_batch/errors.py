"""The few reasons a run cannot be done at all. Everything else is a Finding."""

from __future__ import annotations


class CoachingBatchError(Exception):
    """The run could not be done."""


class UsageError(CoachingBatchError):
    """An option or argument cannot be used (no such inbox, bad policy file, bad date)."""


class StateLocked(CoachingBatchError):
    """Another run holds the state folder."""


SHELL_SPECIAL = frozenset(" \t'\"&|;<>()$`*?[]{}#~!^%,=")  # characters a shell or cmd.exe reads in a word


def as_typed(path: object) -> str:
    """A path as it is to be typed in a command an error line quotes: in double quotes when it holds a
    space or a character a shell reads (bash, PowerShell and cmd.exe all take a double-quoted path)."""
    text = str(path)
    return f'"{text}"' if not text or SHELL_SPECIAL.intersection(text) else text
