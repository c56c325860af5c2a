"""The notices as standard ``.eml`` messages in ``<out>/notices/``, for the coordinator to read first.

Each file is a plain-text message (UTF-8, CRLF line ends) with its ``To`` header, a subject and two
headers that say which notice it is and for which week; ``X-Unsent: 1`` makes mail programs open it
as a draft. ``From``, ``Date`` and ``Message-ID`` are set when it is sent, and the coordinator's own
notice gets its ``To`` then too (the SMTP config's ``coordinator``). A notice without a usable
address has no ``To``: it is also quoted in the coordinator's notice, to be passed on.
"""

from __future__ import annotations

import email
import re
import textwrap
from functools import lru_cache
import email.policy
from datetime import date
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from pathlib import Path

from .. import settings
from ..findings import Severity
from ..model import RunResult
from .build import COORDINATOR, Notice, Progress, RequestToSign, build_notices

NOTICES_DIRNAME = "notices"  # the folder in the run's outputs
NOTICE_HEADER = "X-Coaching-Batch-Notice"  # the employee ID, or "coordinator"
AS_OF_HEADER = "X-Coaching-Batch-As-Of"  # the run's as-of date: the week the notice is for
UNSENT_HEADER = "X-Unsent"  # "1": a draft (Outlook and others); removed when it is sent
FILE_POLICY = email.policy.SMTP  # CRLF line ends, as .eml files have them
LINE_WIDTH = 76  # a plain-text body's lines are folded to this width
# Control characters a roster or log cell may hold (NUL, BEL, ESC …): no header or body may carry NUL,
# and the others are invisible or act on a terminal, so none reaches a notice (tab and line break do).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _HeaderClasses(HeaderRegistry):
    """The email package's header registry, making the class of each kind of header once: its own
    makes a new class for every header of every message, most of the time of a short notice."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


MESSAGE_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())


def write_notices(result: RunResult, folder: Path) -> None:
    """The folder writer: one ``.eml`` file per notice of the run into ``folder``."""
    folder = Path(folder)
    for notice in build_notices(result):
        (folder / notice.file).write_bytes(notice_message(notice, result.as_of).as_bytes(policy=FILE_POLICY))


def notice_message(notice: Notice, as_of: date) -> EmailMessage:
    message = EmailMessage(policy=MESSAGE_POLICY)
    if notice.address:
        message["To"] = Address(display_name=_printable(notice.name), addr_spec=notice.address)
    message["Subject"] = _subject(notice, as_of)
    message[NOTICE_HEADER] = COORDINATOR if notice.for_coordinator else _printable(f"employee {notice.key}")
    message[AS_OF_HEADER] = as_of.isoformat()
    message[UNSENT_HEADER] = "1"
    message.set_content(notice_text(notice, as_of))
    return message


def read_notice(path: Path) -> EmailMessage:
    return email.message_from_bytes(Path(path).read_bytes(), policy=email.policy.default)


def notice_text(notice: Notice, as_of: date) -> str:
    """The body of a notice in plain words."""
    lines: list[str] = []
    if notice.for_coordinator:
        lines += [f"Weekly notice for the coaching coordinator, as of {_day(as_of)}.", ""]
    else:
        lines += [f"Dear {notice.name},", "",
                  f"This is your weekly notice from the {notice.activity} program, as of {_day(as_of)}.", ""]
    if notice.progress:
        lines += ["YOUR PROGRESS", ""]
        for progress in notice.progress:
            lines += _progress_lines(progress) + [""]
    if notice.requests:
        heading = "REQUESTS FOR PAYMENT WAITING FOR THE COACH'S SIGNATURE" if notice.for_coordinator else "REQUESTS FOR PAYMENT TO SIGN"
        lines += [f"{heading} ({len(notice.requests)})", ""]
        for number, request in enumerate(notice.requests, start=1):
            lines += _request_lines(number, request, for_coordinator=notice.for_coordinator) + [""]
    if notice.findings:
        lines += [f"WHAT NEEDS YOUR ATTENTION ({len(notice.findings)})", ""]
        listed, rest = _listed(notice.findings)
        for number, (item, note) in enumerate(listed, start=1):
            lines.append(f"{number}. {item.severity.value.capitalize()}: {item.message}")
            where = ", ".join(part for part in (
                item.file, f"sheet {item.sheet!r}" if item.sheet else "", f"cell {item.cell}" if item.cell else "") if part)
            if where:
                lines.append(f"   Where: {where}")
            words = notice.words_of(item.program)
            pair = ", ".join(part for part in (
                f"{words.candidate} {item.candidate_id}" if item.candidate_id else "",
                f"{words.coach} {item.coach_id}" if item.coach_id else "", item.program) if part)
            if pair:
                lines.append(f"   About: {pair}")
            if note:
                lines.append(f"   Sent to you {note}.")
            if item.fix:
                lines.append(f"   What to do: {item.fix}")
            lines.append("")
        if rest:
            lines += [_more_findings(rest, notice.for_coordinator), ""]
    elif not notice.for_coordinator and not notice.requests:
        lines += ["Nothing needs your attention this week.", ""]
    if notice.pass_on:
        lines += [f"NOTICES TO PASS ON ({len(notice.pass_on)})", ""]
        for other in notice.pass_on:
            who = f"{other.name} ({other.key}, {_roles(other)})"
            lines += [f"The email address on file for {who}, {other.email_on_file!r}, is not an email address: please pass this on."
                      if other.email_on_file else f"No email address on file for {who}: please pass this on.",
                      f"Their notice is also in {NOTICES_DIRNAME}/{other.file}.", "", "    ---"]
            lines += [_Quoted(f"    {line}".rstrip()) for line in notice_text(other, as_of).splitlines()]
            lines += ["    ---", ""]
    if notice.for_coordinator:
        lines.append("Every finding of the run, with its status, is in exceptions.xlsx.")
    else:
        lines.append("If something here looks wrong, please tell the program coordinator.")
    return _printable("\n".join(_wrap(line) for line in lines) + "\n")


def _listed(findings: list) -> tuple[list, list]:
    """The findings a notice lists, and those it only counts: all of them up to
    :data:`..settings.NOTICE_FINDINGS_LISTED`; of more, that many, the errors first (each kind in its
    order), so no error is left unlisted behind thousands of warnings."""
    if len(findings) <= settings.NOTICE_FINDINGS_LISTED:
        return findings, []
    ordered = sorted(findings, key=lambda pair: pair[0].severity != Severity.ERROR)
    return ordered[:settings.NOTICE_FINDINGS_LISTED], ordered[settings.NOTICE_FINDINGS_LISTED:]


def _more_findings(rest: list, for_coordinator: bool) -> str:
    """The line closing a notice that lists only the first of its findings: how many more, of which kind
    (the coordinator's notice ends saying that exceptions.xlsx has every finding)."""
    errors = sum(item.severity == Severity.ERROR for item, _ in rest)
    kinds = ", ".join(part for part in (_count(errors, "error"), _count(len(rest) - errors, "warning")) if part)
    where = "" if for_coordinator else ": please ask the program coordinator for the full list"
    return f"... and {len(rest):,} more not listed here ({kinds}){where}."


def _count(number: int, word: str) -> str:
    return "" if not number else f"{number:,} {word}" + ("" if number == 1 else "s")


def _printable(text: str) -> str:
    return _CONTROL_CHARACTERS.sub("", text)


class _Quoted(str):
    """A line of a notice quoted in another: folded already."""


def _wrap(line: str) -> str:
    """A long line folded at spaces, its continuation lines indented under its text."""
    if len(line) <= LINE_WIDTH or isinstance(line, _Quoted):
        return line
    return _folded(line)


@lru_cache(maxsize=4096)  # the same advice ("What to do: …") is on many findings of many notices
def _folded(line: str) -> str:
    text = line.lstrip(" ")
    indent = " " * (len(line) - len(text))
    numbered = text.split(" ", 1)[0]
    hang = indent + " " * (len(numbered) + 1 if numbered[:-1].isdigit() and numbered.endswith(".") else 0)
    if _OTHER_WHITESPACE.search(text):  # tabs, line breaks, no-break spaces …: textwrap's rules for them
        return "\n".join(textwrap.wrap(text, LINE_WIDTH, initial_indent=indent, subsequent_indent=hang,
                                        break_long_words=False, break_on_hyphens=False))
    return "\n".join(_wrapped_at_spaces(text, indent, hang))


_OTHER_WHITESPACE = re.compile(r"[^\S ]")  # any whitespace but the space


def _wrapped_at_spaces(text: str, indent: str, hang: str) -> list[str]:
    """``textwrap.wrap(text, LINE_WIDTH, initial_indent=indent, subsequent_indent=hang,
    break_long_words=False, break_on_hyphens=False)`` for a text whose only whitespace is spaces and
    that starts with a word, in a fraction of its time: each line holds the most words that fit (a
    longer word alone), without the spaces around them."""
    lines: list[str] = []
    prefix = indent
    while text:
        room = LINE_WIDTH - len(prefix)
        if len(text) <= room:
            end = len(text.rstrip(" "))
        else:
            space = text.rfind(" ", 0, max(room, 0) + 1)  # the last space within the room
            if space > 0:
                end = len(text[:space].rstrip(" "))
            else:  # the first word is longer than the room
                end = text.find(" ") if " " in text else len(text)
        lines.append(prefix + text[:end])
        text = text[end:].lstrip(" ")
        prefix = hang
    return lines


def _subject(notice: Notice, as_of: date) -> str:
    things = len(notice.findings) + len(notice.requests)
    todo = f"{things} thing{'' if things == 1 else 's'} to do"
    if notice.for_coordinator:
        passing = f", {len(notice.pass_on)} notice{'' if len(notice.pass_on) == 1 else 's'} to pass on" if notice.pass_on else ""
        return f"Coaching program: coordinator's weekly notice, {todo}{passing} (as of {as_of.isoformat()})"
    return f"{_capital(notice.activity)} program: {todo} (as of {as_of.isoformat()})"


def _progress_lines(progress: Progress) -> list[str]:
    words = progress.words
    if progress.role == "coach":
        lines = [f"{progress.program}: you are the {words.coach} of {progress.other}",
                 f"  Your contact hours so far: {_hours(progress.hours)}{_needed(progress.hours_needed)}"]
        if progress.candidate_hours_needed is not None:  # the program sets the candidate a minimum
            lines.append(f"  The {words.candidate}'s hours so far: {_hours(progress.candidate_hours)}"
                         f"{_needed(progress.candidate_hours_needed)}")
    else:
        so_far = f"Hours logged with your {words.coach} so far" if progress.with_coach else "Your hours so far"
        lines = [f"{progress.program}: your {words.coach} is {progress.other}",
                 f"  {so_far}: {_hours(progress.hours)}{_needed(progress.hours_needed)}"]
    if progress.not_judged:  # no hours were counted for it: "0 so far" would deny the hours logged
        return [lines[0], f"  Not judged this week ({progress.not_judged}): no hours are counted for it"]
    if progress.deadline is not None:
        lines.append(f"  {progress.deadline_label}: {_day(progress.deadline)}")
    return lines


def _request_lines(number: int, request: RequestToSign, *, for_coordinator: bool) -> list[str]:
    """A Request for Payment the run pre-filled: the pair, the stipend, the form's file and what to do."""
    words = request.words
    form, log = f"{_capital(words.activity)} Request for Payment", f"{_capital(words.activity)} Log"
    stipend = f"${request.amount:,.2f}" if request.amount is not None else "the stipend"
    if for_coordinator:
        return [f"{number}. {request.program}: {stipend} for {request.coach}, {words.coach} of {request.candidate}, "
                f"once their signed {form} is in.",
                f"   Form: {request.file}",
                f"   What to do: Send the form to the {words.coach} to sign; when it is back, enter its date as the "
                "Payment Request Date on the assignment."]
    return [f"{number}. {request.program}: your stipend of {stipend} for {words.activity} {request.candidate} "
            f"waits only for your signed {form}.",
            f"   Form, filled in for you: {request.file}",
            f"   What to do: Sign and date the {form} and return it, with the {log}, to the coordinator."]


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def _hours(value: float | None) -> str:
    return "none logged" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _needed(value: float | None) -> str:
    if value is None:  # the program sets no minimum
        return ""
    return "; the minimum is met" if value <= 0 else f"; still needed: {_hours(value)}"


def _roles(notice: Notice) -> str:
    return " and ".join(sorted(notice.called or notice.roles)) or "no role"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
