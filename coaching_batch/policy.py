"""A program's policy: which families of rules apply to it, and with which numbers.

A policy file (TOML) is a set of sections. Each section switches on one family of rules from the
shared catalogue and holds that family's numbers; a family applies to a program exactly when its
section is present (``[monthly_meetings]`` → MONTH-OVER-LIMIT and LOG-MONTH-MISSING). The settings
of every section are the typed dataclasses below, so the loader can tell a coordinator exactly which
key of their copy is unknown or of the wrong type. Which function judges each section lives with
the rules (:data:`coaching_batch.rules.evaluate.FAMILIES`); this module stays free of pandas so the
command line starts quickly.

Presets ship as TOML in ``coaching_batch/programs``; a coordinator may copy one, change numbers and
pass the file instead of a name. Nothing in the rules hard-codes a number that lives here.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import difflib
import json
import math
import re
import tomllib
import types
import typing
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import UsageError
from .settings import DEFAULT_PROGRAM
from .spelling import choice_key, words_key


# --- the settings of each section ------------------------------------------------------------------

@dataclass(frozen=True)
class Hours:
    """[hours]: the hour minimums (absent = no minimum) and the plausibility limit of one entry."""
    candidate_minimum: float | None = None  # candidate-log hours needed for completion
    coach_contact_minimum: float | None = None  # coach-log contact hours needed for payment
    implausible_entry_hours: float = 8  # one entry longer than this is a warning (still counted)


@dataclass(frozen=True)
class Window:
    """[window] (ITSS): the deadline from the planning meeting and the timing warnings."""
    months_maximum: int = 6
    months_minimum: int = 2
    not_started_days: int = 30
    inactive_days: int = 30
    at_risk_days: int = 30


@dataclass(frozen=True)
class Relationship:
    """[relationship] (mentoring): from the signed agreement for so many months."""
    months: int = 12
    completes_at_end: bool = True  # a relationship that reached its end counts as completed


@dataclass(frozen=True)
class Commitment:
    """[commitment] (reps): a commitment of so many months from the start, extendable."""
    months: int = 12
    due_days: int = 30  # warn this many days before it ends


@dataclass(frozen=True)
class SchoolYear:
    """[school_year] (job-embedded): pairs are judged within the school year holding as-of."""
    starts: str = "08-01"  # month-day


@dataclass(frozen=True)
class Coach:
    """[coach]: the coach's qualification (and, ITSS, one candidate at a time)."""
    min_years_employed: float = 0
    require_pgs_meeting: bool = False
    require_training: bool = False
    grade_at_least_target: bool = False
    supervisor_recommendations: int = 0
    colleague_recommendations: int = 0
    reject_not_recommended: bool = False
    max_concurrent_candidates: int = 0  # 0 = no limit


@dataclass(frozen=True)
class Candidate:
    """[candidate] (ITSS): enrolled before the request; coached once per band enrollment."""
    require_enrollment: bool = True
    once_per_target_grade: bool = True


@dataclass(frozen=True)
class MentorEligibility:
    """[mentor_eligibility]: years employed, years in position, not the mentee's supervisor."""
    min_years_employed: float = 5
    min_years_in_position: float = 1
    not_supervisor: bool = True


@dataclass(frozen=True)
class MenteeEligibility:
    """[mentee_eligibility]: employment status required, evaluations excluded."""
    employment_status: list[str] = field(default_factory=lambda: ["Permanent"])
    excluded_evaluation: list[str] = field(default_factory=lambda: ["PAR", "Special Evaluation"])


@dataclass(frozen=True)
class MonthlyMeetings:
    """[monthly_meetings]: at most so many hours a month; every full month logged."""
    max_hours: float = 4
    require_monthly_log: bool = True


@dataclass(frozen=True)
class Capacity:
    """[capacity] (reps): at most so many active coachees per coach."""
    max_active_coachees: int = 3


@dataclass(frozen=True)
class CoachActivity:
    """[coach_activity] (reps): a coach with no logged contact for so many days is inactive."""
    inactive_days: int = 60


@dataclass(frozen=True)
class Feedback:
    """[feedback] (reps): coach and coachee each give feedback once in so many months."""
    every_months: int = 12


@dataclass(frozen=True)
class PartnershipAgreement:
    """[partnership_agreement] (job-embedded): the agreement's due date and its reviews."""
    due_days: int = 30
    review_due: list[str] = field(default_factory=lambda: ["12-15", "04-15"])  # month-day


@dataclass(frozen=True)
class Phases:
    """[phases] (job-embedded): the phases of the coaching relationship, in order."""
    order: list[str] = field(default_factory=lambda: ["Orientation", "Relationship", "Goals", "Ongoing Support"])


@dataclass(frozen=True)
class MeetingGap:
    """[meeting_gap] (job-embedded): the longest gap between meetings."""
    max_days: int = 21


@dataclass(frozen=True)
class Completion:
    """[completion]: what makes a pair complete besides the absence of blocking errors."""
    requires: str = "goals attained"  # or "status completed"


COMPLETION_REQUIRES = ("goals attained", "status completed")


@dataclass(frozen=True)
class Condition:
    """A tier's condition on a roster column of the coach (one operator)."""
    column: str
    present: bool | None = None
    equals: str | None = None
    one_of: list[str] | None = None
    on_or_after: dt.date | None = None
    on_or_before: dt.date | None = None
    at_least: float | None = None
    below: float | None = None

    def describe(self) -> str:
        for key in ("present", "equals", "one_of", "on_or_after", "on_or_before", "at_least", "below"):
            value = getattr(self, key)
            if value is not None:
                if key == "present":
                    return f"{self.column} {'filled in' if value else 'blank'}"
                shown = ", ".join(value) if isinstance(value, list) else value
                return f"{self.column} {key.replace('_', ' ')} {shown}"
        return self.column


@dataclass(frozen=True)
class Tier:
    """One step of a stipend schedule: from/below so many hours, a flat amount or a rate per hour."""
    amount: float | None = None
    per_hour: float | None = None
    from_hours: float = 0
    below_hours: float | None = None
    when: Condition | None = None


@dataclass(frozen=True)
class Payment:
    """[payment]: the stipend (flat, or a schedule of tiers) and what must be received first."""
    stipend: float = 0  # a flat amount; with tiers, the amount when no tier matches (0 = not paid)
    tiers: list[Tier] = field(default_factory=list)
    hours: str = "coach contact"  # the hours the tiers are measured in: "coach contact" or "candidate"
    requires_payment_request: bool = True
    requires_coach_log: bool = True


@dataclass(frozen=True)
class Words:
    """[words]: what the program calls its two people and their work, in its paperwork and notices."""
    coach: str = "coach"  # mentor, coach …: "you coach Kim Lee", "with Ana Ruiz as coach"
    candidate: str = "candidate"  # mentee, coachee …
    activity: str = "coaching"  # mentoring …: "has completed the coaching experience"

    @property
    def candidates(self) -> str:
        """The plural, as a message counts them: coachees, mentees, candidates."""
        return self.candidate + ("es" if self.candidate.endswith(("s", "x", "z", "ch", "sh")) else "s")


def capital(word: str) -> str:
    """``word`` with a capital first letter, the rest as written ("coachee" → "Coachee")."""
    return word[:1].upper() + word[1:]


@dataclass(frozen=True)
class Reading:
    """[reading]: how dates typed as text are read."""
    day_first: bool = False


PERIOD_END_LABELS = {"window": "Deadline", "relationship": "Relationship ends", "commitment": "Commitment ends"}
# the same once that day is before the as-of date (a deadline is one, passed or not)
PERIOD_ENDED_LABELS = {"window": "Deadline", "relationship": "Relationship ended", "commitment": "Commitment ended"}
# and in a sentence: "days left to the end of the relationship"
PERIOD_END_NAMES = {"window": "the deadline", "relationship": "the end of the relationship",
                    "commitment": "the end of the commitment"}


# Section name → settings. A window section says how a pair's period is measured: exactly one per program.
SECTIONS: dict[str, type] = {
    "hours": Hours, "window": Window, "relationship": Relationship, "commitment": Commitment,
    "school_year": SchoolYear, "coach": Coach, "candidate": Candidate, "mentor_eligibility": MentorEligibility,
    "mentee_eligibility": MenteeEligibility, "monthly_meetings": MonthlyMeetings, "capacity": Capacity,
    "coach_activity": CoachActivity, "feedback": Feedback, "partnership_agreement": PartnershipAgreement,
    "phases": Phases, "meeting_gap": MeetingGap, "completion": Completion, "payment": Payment, "reading": Reading,
    "words": Words,
}
WINDOW_SECTIONS = ("window", "relationship", "commitment", "school_year")
ALWAYS = ("hours", "completion", "reading", "words")  # sections every policy has (their defaults when left out)


@dataclass(frozen=True)
class Policy:
    name: str
    title: str
    source: str
    sections: dict[str, object]  # section name → its settings: the sections the file names, then ALWAYS's
    given: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)  # section → keys the file gives

    def section(self, name: str):
        """The settings of section ``name``, or None when the program does not have it."""
        return self.sections.get(name)

    def has(self, name: str) -> bool:
        return name in self.sections

    @property
    def hours(self) -> Hours:
        return self.sections["hours"]

    @property
    def completion(self) -> Completion:
        return self.sections["completion"]

    @property
    def payment(self) -> Payment | None:
        """The stipend, or None for a program that pays none."""
        payment = self.sections.get("payment")
        return payment if payment is not None and (payment.stipend > 0 or payment.tiers) else None

    @property
    def window_section(self) -> str:
        return next(name for name in WINDOW_SECTIONS if name in self.sections)

    @property
    def period_end_label(self) -> str:
        """What a pair's end date (its `deadline`) is called in a notice: the ITSS deadline, the end of
        a mentoring relationship or of a reps commitment."""
        return PERIOD_END_LABELS.get(self.window_section, "Deadline")

    @property
    def period_ended_label(self) -> str:
        """:attr:`period_end_label` for an end date before the as-of date ("Relationship ended")."""
        return PERIOD_ENDED_LABELS.get(self.window_section, "Deadline")

    @property
    def period_end_name(self) -> str:
        """:attr:`period_end_label` in a sentence ("days left to the end of the relationship")."""
        return PERIOD_END_NAMES.get(self.window_section, "the deadline")

    @property
    def words(self) -> Words:
        return self.sections["words"]

    @property
    def day_first(self) -> bool:
        return self.sections["reading"].day_first

    @property
    def candidate_minimum_minutes(self) -> int | None:
        minimum = self.hours.candidate_minimum
        return None if minimum is None else round(minimum * 60)

    @property
    def coach_contact_minimum_minutes(self) -> int | None:
        minimum = self.hours.coach_contact_minimum
        return None if minimum is None else round(minimum * 60)

    def settings(self) -> list[Setting]:
        """Every setting in force, section by section: those the file gives and those it leaves out
        (their defaults apply all the same), including every setting of a section it leaves out
        that every program has ([hours], [completion], [reading], [words])."""
        return [Setting(section, f.name, getattr(values, f.name), f.name in self.given.get(section, ()))
                for section, values in self.sections.items() for f in dataclasses.fields(values)]

    def as_rows(self) -> list[tuple[str, str, bool]]:
        """(setting, value, whether the file gives it) for the Summary sheet and run.json: the
        program's name, title and source, then every setting in force, the defaults included."""
        rows = [("program", self.name, True), ("title", self.title, True), ("source", self.source, True)]
        return rows + [(s.label, setting_text(s.key, s.value), s.given) for s in self.settings()]


@dataclass(frozen=True)
class Setting:
    """One setting of a policy in force: its section, key and value, and whether its file gives it
    (else it is the section's default)."""
    section: str
    key: str
    value: object
    given: bool

    @property
    def label(self) -> str:
        return f"{self.section}.{self.key}"


# What a setting left blank (None) means, where it is not simply "none".
_NONE_MEANS = {"candidate_minimum": "no minimum", "coach_contact_minimum": "no minimum"}

# What a setting of 0 means where it is not a limit of 0 (a coach with 0 candidates at once).
_ZERO_MEANS = {"max_concurrent_candidates": "no limit"}


def setting_text(key: str, value: object) -> str:
    """A setting's value as the Summary shows it: numbers as typed (450, not 450.0), lists joined
    with "; ", a tier by the settings it gives."""
    if value is None:
        return _NONE_MEANS.get(key, "none")
    if _zero_means(key, value):
        return f"0 = {_zero_means(key, value)}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(setting_text(key, v) for v in value) or "none"
    if dataclasses.is_dataclass(value):
        return ", ".join(f"{k} {setting_text(k, v)}" for k, v in _set_fields(value))
    return str(value)


def _zero_means(key: str, value: object) -> str | None:
    """What ``value`` means when it is a 0 that switches its rule off ("no limit"), else None."""
    return _ZERO_MEANS.get(key) if value == 0 and not isinstance(value, bool) else None


def _set_fields(settings) -> list[tuple[str, object]]:
    """The fields of a tier or condition that differ from their defaults (what a file writes of it)."""
    return [(f.name, getattr(settings, f.name)) for f in dataclasses.fields(settings)
            if f.default is dataclasses.MISSING or getattr(settings, f.name) != f.default]


# --- loading ---------------------------------------------------------------------------------------

class _Problem(Exception):
    """A policy file problem, with the section and key it concerns (to find its line)."""

    def __init__(self, message: str, section: str | None = None, key: str | None = None, table: int = 1) -> None:
        super().__init__(message)
        self.section, self.key, self.table = section, key, table  # table: which [[section]] of that name


def policy_from_toml(text: str, origin: str) -> Policy:
    """Read a policy from TOML text; any problem is one :class:`UsageError` naming the key and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(_not_toml(text, origin, str(exc))) from None
    try:
        return _policy(data, origin)
    except _Problem as problem:
        line = _line_of(text, problem.section, problem.key, problem.table)
        where = f"{origin} line {line}" if line else origin
        raise UsageError(f"{where}: {problem}") from None


_TOML_AT = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_NUMBER = r"(-?\d[\d,]*(?:\.\d+)?)"
# What a coordinator types for a value, and how TOML wants it: (pattern of the value, what to write).
_VALUE_HINTS = (
    (re.compile(r"(?i)(true|false|yes|no|y|n|on|off)"), "write true or false, in small letters",
     lambda m: "true" if m[1].lower() in ("true", "yes", "y", "on") else "false"),
    (re.compile(rf"[$€£]\s*{_NUMBER}|{_NUMBER}\s*[$€£]"), "write the amount as a number alone",
     lambda m: (m[1] or m[2]).replace(",", "")),
    (re.compile(rf"{_NUMBER}\s*%"), "write the number alone, without %", lambda m: m[1].replace(",", "")),
    (re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"), "write the number without commas", lambda m: m[0].replace(",", "")),
    (re.compile(rf"{_NUMBER}\s*[A-Za-z][A-Za-z. ]*"), "write the number alone, without its unit",
     lambda m: m[1].replace(",", "")),
    (re.compile(r"(?=.*[“”‘’„«»])[“”‘’„«»\"'](.*?)[“”‘’„«»\"']?"), "write text between straight quotes \" (not curly ones)",
     lambda m: f'"{m[1]}"'),
    (re.compile(r"[\"'](.*)"), "end the text with a quote as it began", lambda m: f'"{m[1].rstrip(QUOTES)}"'),
    (re.compile(r"\[(.*)\]"), "put each value of the list in straight quotes",
     lambda m: "[" + ", ".join(f'"{v.strip().strip(QUOTES)}"' for v in m[1].split(",") if v.strip()) + "]"),
    (re.compile(r"[\w./-]+( [\w./'&()-]+)*"), "put text in straight quotes", lambda m: f'"{m[0]}"'),
)
QUOTES = "\"'“”‘’„«»"


def _not_toml(text: str, origin: str, message: str) -> str:
    """A TOML syntax error as one line naming the line, what it says and what to write instead
    (`require_pgs_meeting = True`, `candidate_minimum = 40%`, `stipend = 1,300`, a setting given twice)."""
    found = _TOML_AT.search(message)
    what = message[:found.start()] if found else message
    lines = text.splitlines()
    number = int(found[1]) if found and found[1] else None
    if what.startswith("Cannot overwrite a value"):
        number, key, section = _repeated_key(lines)
        if number is not None:
            return f"{origin} line {number}: {key} is given twice{section}: keep one {key} line"
    if what.startswith("Cannot declare"):
        header = lines[number - 1].strip() if number and number <= len(lines) else ""
        return f"{origin} line {number}: the section {header} is given twice: keep one, with every setting of it"
    if number is None or number > len(lines):
        return f"{origin} is not valid TOML: {message}"
    said, hint = _toml_hint(lines[number - 1].strip())
    if hint is None:
        return f"{origin} line {number} is not valid TOML ({said}): {what}, column {found[2]}"
    return f"{origin} line {number} is not valid TOML ({said}): {hint}"


def _toml_hint(line: str) -> tuple[str, str | None]:
    """The line TOML refuses (without its comment), and what to write instead when its value is
    typed as a person would."""
    key, sep, value = line.partition("=")
    if not value.strip().startswith(tuple(QUOTES)):
        value = value.split("#", 1)[0]  # a comment after the value
    key, value = key.strip(), value.strip()
    if not sep:
        key, sep, value = key.partition(":")  # stipend: 300
        key, value = key.strip(), value.strip()
        if not value.startswith(tuple(QUOTES)):
            value = value.split("#", 1)[0].strip()
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            return line, None
        return f"{key}: {value}", f"write {key} = {value}"
    for pattern, advice, written in _VALUE_HINTS:
        match = pattern.fullmatch(value)
        if match:
            return f"{key} = {value}", f"{advice}: {key} = {written(match)}"
    return f"{key} = {value}", None


def _repeated_key(lines: list[str]) -> tuple[int | None, str | None, str]:
    """The line and key of a setting given a second time in one section, and ' in [section]' (TOML
    names no line for it)."""
    seen, scope, section = set(), 0, ""
    for number, line in enumerate(lines, start=1):
        header = _SECTION_LINE.match(line)
        if header:
            scope, section = number, f" in [{header[1]}]"
            continue
        found = _KEY_LINE.match(line)
        if found:
            if (scope, found[1]) in seen:
                return number, found[1], section
            seen.add((scope, found[1]))
    return None, None, ""


def _policy(data: dict, origin: str) -> Policy:
    for key in ("name", "title", "source"):
        if key in data and not isinstance(data[key], str):
            raise _Problem(f"{key} must be text in quotes, not {data[key]!r}", None, key)
    if "name" not in data:  # named after the file, it would not replace the preset it was copied from
        raise _Problem('name is missing: add name = "..." at the top (pairs name their program by it)', None, "name")
    if not data["name"].strip():
        raise _Problem("name must not be blank: pairs name their program by it", None, "name")
    for key in ("name", "title"):  # printed on the console, in file names, notices and workbooks
        if any(unicodedata.category(ch) == "Cc" for ch in data.get(key, "")):
            raise _Problem(f"{key} must be one line of text, without line breaks or control characters: {data[key]!r}", None, key)
    sections: dict[str, object] = {}
    for name, values in data.items():
        if name in ("name", "title", "source"):
            continue
        if not isinstance(values, dict):
            raise _Problem(f"unknown setting {name!r} outside any [section]", None, name)
        if name not in SECTIONS:
            raise _Problem(f"unknown section [{name}]{_suggest(name, SECTIONS)}", name)
        sections[name] = _settings(SECTIONS[name], values, f"[{name}]", name)
    windows = [name for name in WINDOW_SECTIONS if name in sections]
    if len(windows) != 1:
        listed = ", ".join(f"[{w}]" for w in WINDOW_SECTIONS)
        found = ", ".join(f"[{w}]" for w in windows) or "none"
        raise _Problem(f"a program needs exactly one of {listed} (how a pair's period is measured); found {found}",
                       windows[1] if len(windows) > 1 else None)
    for name in ALWAYS:
        sections.setdefault(name, SECTIONS[name]())
    _check_values(sections)
    return Policy(
        name=data["name"],
        title=data.get("title", ""),
        source=data.get("source", origin),
        sections=sections,
        given={name: frozenset(values) for name, values in data.items() if isinstance(values, dict)},
    )


def _check_values(sections: dict[str, object]) -> None:
    """Values of the right type that still make no sense."""
    if sections["completion"].requires not in COMPLETION_REQUIRES:
        raise _Problem(f"[completion] requires must be one of {', '.join(map(repr, COMPLETION_REQUIRES))}, "
                       f"not {sections['completion'].requires!r}", "completion", "requires")
    school_year = sections.get("school_year")
    if school_year is not None:
        month_day(school_year.starts, "school_year", "starts")
    agreement = sections.get("partnership_agreement")
    if agreement is not None:  # "4-15" and "04-15" are one date
        _once(agreement.review_due, lambda text: month_day(text, "partnership_agreement", "review_due"),
              "[partnership_agreement] review_due", "partnership_agreement", "review_due")
        _check_reviews_after_agreement(agreement, school_year or SchoolYear())
    for (section, key), why in _NOT_ZERO.items():
        if section in sections and getattr(sections[section], key) == 0:
            least = "at least 1" if isinstance(getattr(sections[section], key), int) else "more than 0"
            raise _Problem(f"[{section}] {key} must be {least}, not 0: {why}", section, key)
    for (section, lower, upper), why in _IN_ORDER.items():
        settings = sections.get(section)
        if settings is not None and getattr(settings, lower) > getattr(settings, upper):
            raise _Problem(f"[{section}] {lower} must be at most {upper} ({getattr(settings, upper):g}), "
                           f"not {getattr(settings, lower):g}: {why}", section, lower)
    for (section, key), (why, instead) in _NOT_EMPTY.items():
        if section in sections and not getattr(sections[section], key):
            choices = _CHOICE_SETTINGS.get((section, key))
            allowed = f": {', '.join(_allowed(*choices))}" if choices else ""
            raise _Problem(f"[{section}] {key} must list at least one value, not []: {why} ({instead}{allowed})", section, key)
    for (section, key), (table, column) in _CHOICE_SETTINGS.items():
        if section in sections:
            sections[section] = dataclasses.replace(sections[section], **{key: _choices(
                getattr(sections[section], key), table, column, section, key)})
    for key, word in dataclasses.asdict(sections["words"]).items():
        if not word.strip():
            raise _Problem(f"[words] {key} must not be blank: it is printed on the program's paperwork", "words", key)
    sections["words"] = Words(**{key: " ".join(word.split()) for key, word in dataclasses.asdict(sections["words"]).items()})
    payment = sections.get("payment")
    if payment is not None:
        if payment.hours not in ("coach contact", "candidate"):
            raise _Problem(f"[payment] hours must be 'coach contact' or 'candidate', not {payment.hours!r}", "payment", "hours")
        for number, tier in enumerate(payment.tiers, start=1):
            if payment.tiers.index(tier) < number - 1:  # the first that matches decides: a copy is never reached
                raise _Problem(f"[[payment.tiers]] tier {number} is the same as tier {payment.tiers.index(tier) + 1}: "
                               "give each tier once", "payment.tiers", None)
            if (tier.amount is None) == (tier.per_hour is None):
                raise _Problem("each [[payment.tiers]] needs exactly one of amount or per_hour", "payment.tiers", None)
            if tier.when is not None:
                _check_condition(tier.when)
            _check_tier_hours(number, tier, payment.hours, sections["hours"])


# Settings of which 0 makes every pair fail their rule, or leaves no period to judge: refused, with
# what to do instead. (A 0 that switches a rule off or asks for it on the day is a real choice and
# allowed: an hour minimum, [window] months_minimum, not_started_days and at_risk_days,
# [commitment] due_days, [partnership_agreement] due_days, a tier's amount or per_hour; [coach]
# max_concurrent_candidates, where 0 is no limit: _ZERO_MEANS.)
_NOT_ZERO = {
    ("hours", "implausible_entry_hours"): "every entry would be longer than 0 hours, so every one a warning "
                                          "(a number past a day's 24 hours never warns)",
    ("window", "months_maximum"): "the deadline would be the planning meeting itself, so every pair overdue",
    ("window", "inactive_days"): "a pair would be inactive on any day without a coach-log entry",
    ("relationship", "months"): "the relationship would end the day the agreement is signed, before any meeting",
    ("commitment", "months"): "the commitment would end the day it starts, before any coaching",
    ("monthly_meetings", "max_hours"): "any meeting would put its month over the limit (for no monthly limit, set "
                                       "it above any month's meetings: 744, the hours of a month)",
    ("capacity", "max_active_coachees"): "with no room, every pair would be over capacity (leave out [capacity] for no limit)",
    ("coach_activity", "inactive_days"): "a coach would be inactive on any day without a coach-log entry "
                                         "(leave out [coach_activity] for no inactivity warning)",
    ("feedback", "every_months"): "feedback dated in the 0 months up to the as-of date would be none, however recent "
                                  "(leave out [feedback] for no feedback round)",
    ("meeting_gap", "max_days"): "two meetings on different days would always be too far apart "
                                 "(leave out [meeting_gap] for no gap warning)",
}

# Two settings of one section, the first no larger than the second: (section, lower, upper) → why.
_IN_ORDER = {
    ("window", "months_minimum", "months_maximum"): "a completion early enough to meet the deadline would always be "
                                                    "too soon, and one late enough never on time",
}

# List settings that must name at least one value: (section, key) → (why, what to do instead).
_NOT_EMPTY = {
    ("mentee_eligibility", "employment_status"): ("no mentee could be eligible",
                                                  "to accept any status, list every one the roster allows"),
}


# Settings that list values of a table's enumeration: each must be one of them (any case and spacing).
_CHOICE_SETTINGS = {
    ("mentee_eligibility", "employment_status"): ("employees", "employment_status"),
    ("mentee_eligibility", "excluded_evaluation"): ("employees", "evaluation_status"),
    ("phases", "order"): ("milestones", "phase"),
}


def _allowed(table: str, column: str) -> tuple[str, ...]:
    """The values a table's enumeration column allows, as the contract spells them."""
    from .contracts import tables  # TOML only: no pandas

    return tables()[table].column(column).values


def _choices(given: list[str], table: str, column: str, section: str, key: str) -> list[str]:
    """``given`` as the column's own spellings; a value it does not allow is a problem (a phase no
    milestone can have would make every pair impossible to complete)."""
    allowed = _allowed(table, column)
    spelled = {choice_key(value): value for value in allowed}
    unknown = [text for text in given if choice_key(text) not in spelled]
    if unknown:
        raise _Problem(f"[{section}] {key}: {', '.join(map(repr, unknown))} "
                       f"{'is' if len(unknown) == 1 else 'are'} not one of {', '.join(allowed)}", section, key)
    _once(given, choice_key, f"[{section}] {key}", section, key)  # `Ongoing Support` and `OngoingSupport` are one
    return [spelled[choice_key(text)] for text in given]


def _check_reviews_after_agreement(agreement: PartnershipAgreement, school_year: SchoolYear) -> None:
    """A review due on or before the day the school year's agreement is due is owed by no pair (no
    review is owed of an agreement not yet due): it would be dropped without a word."""
    starts = month_day(school_year.starts, "school_year", "starts")
    for text in agreement.review_due:
        month, day = month_day(text, "partnership_agreement", "review_due")
        # the days into the school year, in years whose school year holds a 29 February and in years that do not
        into = {_days_into(year, starts, (month, day)) for year in _LEAP_AND_COMMON_YEARS}
        days = min(into)
        if days <= agreement.due_days:
            common = " in a year without 29 February" if len(into) > 1 else ""
            raise _Problem(f"[partnership_agreement] review_due {text!r} must be more than due_days ({agreement.due_days}) "
                           f"into the school year that starts {school_year.starts!r}, not {days} days{common}: no pair owes a "
                           "review due by the day its agreement is due, so it would never be asked for", "partnership_agreement", "review_due")


_LEAP_AND_COMMON_YEARS = (2023, 2024, 2025)  # a school year starting in each: 29 February 2024 falls in one of the first two


def _days_into(year: int, starts: tuple[int, int], due: tuple[int, int]) -> int:
    """How many days after the start of the school year starting in ``year`` a month and day falls."""
    start = day_in_year(year, *starts)
    on = day_in_year(year, *due)
    return ((on if on >= start else day_in_year(year + 1, *due)) - start).days


def day_in_year(year: int, month: int, day: int) -> dt.date:
    """A policy's month and day (a school year's start, a review due) in ``year``, clamped to the
    month's last day: 29 February is 28 February in a common year."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _check_tier_hours(number: int, tier: Tier, measured: str, hours: Hours) -> None:
    """A tier whose hours no paid pair can have is never reached: one from and below the same hours,
    or one below the hour minimum a pair needs before it is paid at all."""
    label = f"[[payment.tiers]] tier {number} below_hours"
    if tier.below_hours is None:
        return
    if tier.below_hours <= tier.from_hours:
        raise _Problem(f"{label} must be more than its from_hours ({tier.from_hours:g}), not {tier.below_hours:g}: "
                       "no number of hours is from the one and below the other", "payment.tiers", "below_hours", number)
    key = "candidate_minimum" if measured == "candidate" else "coach_contact_minimum"
    minimum = getattr(hours, key)
    if minimum is not None and round(tier.below_hours * 60) <= round(minimum * 60):
        raise _Problem(f"{label} must be more than [hours] {key} ({minimum:g}), not {tier.below_hours:g}: a pair with "
                       f"fewer {measured} hours is not paid at all, so the tier is never reached (lower {key}, "
                       "to 0 for a schedule that pays from the first hour)", "payment.tiers", "below_hours", number)


def _check_condition(condition: Condition) -> None:
    from .contracts import tables  # TOML only: no pandas

    roster = {c.name for c in tables()["employees"].columns}
    if condition.column not in roster:
        raise _Problem(f"[[payment.tiers]] when.column {condition.column!r} is not a roster column"
                       f"{_suggest(condition.column, roster)}", "payment.tiers", "when")
    given = [k for k in ("present", "equals", "one_of", "on_or_after", "on_or_before", "at_least", "below")
             if getattr(condition, k) is not None]
    if len(given) != 1:
        raise _Problem("[[payment.tiers]] when needs exactly one of present, equals, one_of, on_or_after, "
                       f"on_or_before, at_least, below (found {', '.join(given) or 'none'})", "payment.tiers", "when")


def _once(values: list[str], same, label: str, section: str, key: str) -> None:
    """A list setting naming one value twice (``same`` says when two are one) is a slip, such as a phase
    pasted over another: judged as it stands it would drop a value or count one twice."""
    seen = set()
    for value in values:
        if same(value) in seen:
            raise _Problem(f"{label} lists {value!r} twice: give each value once", section, key)
        seen.add(same(value))


def month_day(text: str, section: str, key: str) -> tuple[int, int]:
    """'08-01' → (8, 1); anything else is a policy problem naming the key."""
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", text.strip())
    try:
        if not match:
            raise ValueError
        month, day = int(match[1]), int(match[2])
        dt.date(2024, month, day)  # a leap year: 02-29 is allowed
    except ValueError:
        raise _Problem(f"[{section}] {key} must be a month and day like \"08-01\", not {text!r}", section, key) from None
    return month, day


def _settings(cls: type, values: dict, label: str, section: str):
    """``values`` checked against the dataclass ``cls``: every key known, every value of its type."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    given = {}
    for key, value in values.items():
        if key not in known:
            raise _Problem(f"unknown setting {label} {key}{_suggest(key, known)}", section, key)
        given[key] = _typed(hints[key], value, f"{label} {key}", section, key)
    try:
        return cls(**given)
    except TypeError:  # a required field left out (a tier's condition without its column)
        missing = [f.name for f in dataclasses.fields(cls) if f.name not in given
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        raise _Problem(f"{label} needs {', '.join(missing)}", section, None) from None


# The largest number a setting may hold: a century for a number of months, days or years (dates
# counted on from a workbook's stay in the calendar), a million for any other (hours, amounts, counts).
_CEILINGS = (("months", 1_200), ("days", 36_525), ("years", 100))
NUMBER_CEILING = 1_000_000


def _typed(hint, value, label: str, section: str, key: str):
    """``value`` as type ``hint`` (float | None, list[str], Tier …), or a problem saying what was expected."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union else (hint,)
    options = tuple(o for o in options if o is not type(None))
    hint = options[0]
    origin = typing.get_origin(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        expected = "true or false"
    elif hint in (int, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (hint is float or float(value).is_integer()):
            if not math.isfinite(value):
                raise _Problem(f"{label} must be a number, not {value!r}", section, key)
            if value < 0:
                raise _Problem(f"{label} must not be negative, not {value!r}", section, key)
            ceiling = next((most for unit, most in _CEILINGS if unit in key), NUMBER_CEILING)
            if value > ceiling:
                raise _Problem(f"{label} must be at most {ceiling:,}, not {value!r}", section, key)
            return hint(value)
        expected = "a whole number" if hint is int else "a number"
    elif hint is str:
        if isinstance(value, str):
            return value
        expected = "text in quotes"
    elif hint is dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):  # "2026-01-31" in quotes is as clear as the TOML date
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        expected = "a date like 2026-01-31"
    elif origin is list:
        (item,) = typing.get_args(hint)
        if isinstance(value, list):
            if item is str and all(isinstance(v, str) for v in value):
                _once(value, words_key, label, section, key)
                return list(value)
            if dataclasses.is_dataclass(item) and all(isinstance(v, dict) for v in value):
                return [_settings(item, v, label, section) for v in value]
        expected = "a list of text in quotes" if item is str else "a list of tables"
    elif dataclasses.is_dataclass(hint):
        if isinstance(value, dict):
            return _settings(hint, value, label, section)
        expected = "a table { ... }"
    else:  # pragma: no cover - a settings field of a type this loader does not know
        raise TypeError(hint)
    raise _Problem(f"{label} must be {expected}, not {_as_written(value)}{_instead(hint, value, key)}", section, key)


def _as_written(value) -> str:
    """A value as the policy file shows it (2026-08-01, true, '300'), not as Python would."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return repr(value)


def _instead(hint, value, key: str) -> str:
    """': write KEY = ...' for a value of the wrong type whose meaning is plain ("300", "$300", "yes")."""
    if hint in (int, float) and isinstance(value, str):
        number = re.fullmatch(rf"\s*[$€£]?\s*{_NUMBER}\s*[$€£%]?\s*", value)
        if number:
            return f": write {key} = {number[1].replace(',', '')}, without quotes"
    if hint is bool and isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "y", "n"):
        return f": write {key} = {'true' if value.strip().lower() in ('true', 'yes', 'y') else 'false'}, without quotes"
    if hint is str and isinstance(value, dt.date) and key == "starts":  # a school year's month and day
        return f': write {key} = "{value:%m-%d}"'
    return ""


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


_SECTION_LINE = re.compile(r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?")


def _line_of(text: str, section: str | None, key: str | None, table: int = 1) -> int | None:
    """The 1-based line of ``key`` in ``section`` (or of the section's header), if the text shows it;
    in the ``table``-th of the sections of that name (``[[payment.tiers]]``)."""
    current = None
    header_line = None
    for number, line in enumerate(text.splitlines(), start=1):
        found = _SECTION_LINE.match(line)
        if found:
            current = found[1]
            if current == section:
                table -= 1
                if table != 0:
                    current = None  # another [[section]] of that name than the one meant
            if section is not None and current == section and header_line is None:
                header_line = number
                if key is None:
                    return number
            continue
        if key is not None and current == section and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return header_line


# --- presets and the programs of a run --------------------------------------------------------------

def preset_names() -> list[str]:
    root = resources.files("coaching_batch.programs")
    return sorted(p.name.removesuffix(".toml") for p in root.iterdir() if p.name.endswith(".toml"))


def preset_text(name: str) -> str:
    if name not in preset_names():
        raise UsageError(f"no program preset named {name!r} (presets: {', '.join(preset_names())})")
    return (resources.files("coaching_batch.programs") / f"{name}.toml").read_text(encoding="utf-8")


# --- a policy file with the defaults it leaves out --------------------------------------------------

DEFAULTS_HEADING = "# Sections this file leaves out, in force with their defaults:"
_NOTE_COLUMN = 32  # where the presets' comments start


def with_defaults(text: str, policy: Policy, origin: str) -> str:
    """A policy file's ``text`` with each setting it leaves out shown in its section as a comment
    line (``# months_minimum = 2            # default``), and each section every program has that it
    leaves out added with its defaults: every setting in force, still the same policy when saved
    and given back with --program (what `programs show` prints). A section the file writes without
    a ``[section]`` line of its own (inline, dotted keys, only ``[[payment.tiers]]``) has its
    defaults listed below, as comment lines naming it."""
    lines = text.splitlines()
    left_out = [s for s in policy.settings() if not s.given]
    inserts: dict[int, list[str]] = {}
    added: list[str] = []
    below: list[Setting] = []
    for section in policy.sections:
        defaults = [s for s in left_out if s.section == section]
        span = _section_span(lines, section)
        if section not in policy.given:
            added += ["", f"[{section}]", *map(_default_line, defaults)]
        elif span is None:
            below += defaults
        else:
            first, end = span
            shown = {line.strip() for line in lines[first:end]}  # a copy saved from `programs show` has them
            missing = [line for line in map(_default_line, defaults) if line.strip() not in shown]
            last = max((n for n in range(first, end) if lines[n].strip() and not lines[n].lstrip().startswith("#")),
                       default=first - 1)
            inserts.setdefault(last + 1, []).extend(missing)
    out = []
    for number, line in enumerate(lines):
        out += inserts.get(number, []) + [line]
    out += inserts.get(len(lines), [])
    shown = "\n".join(out + _below(below, text) + (["", DEFAULTS_HEADING, *added[1:]] if added else [])) + "\n"
    try:
        again = policy_from_toml(shown, origin)
    except UsageError:  # a comment put inside a multi-line string's lines, say
        again = None
    if again != policy:  # as above: every default below instead, the file's own lines as they are
        return "\n".join(lines + _below(left_out, text)) + "\n"
    return shown


def _section_span(lines: list[str], section: str) -> tuple[int, int] | None:
    """The lines of ``[section]``'s settings, 0-based: from the one after its header to the next
    header (or the end); None without one header line (a second is inside a multi-line string)."""
    header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\](?!\])")
    found = [n for n, line in enumerate(lines) if header.match(line) and not line.lstrip().startswith("[[")]
    if len(found) != 1:
        return None
    first = found[0]
    end = next((n for n in range(first + 1, len(lines)) if _SECTION_LINE.match(lines[n])), len(lines))
    return first + 1, end


def _below(settings: list[Setting], text: str) -> list[str]:
    """Comment lines for ``settings``, each naming its section, not yet in ``text``."""
    written = {line.strip() for line in text.splitlines()}
    lines = [line for line in (_default_line(s, f"[{s.section}] ") for s in settings) if line not in written]
    return ["", "# Settings this file leaves out, in force with their defaults:", *lines] if lines else []


def _default_line(setting: Setting, prefix: str = "") -> str:
    """``# key = value`` then ``# default`` at the presets' comment column; a setting whose default
    is none (no hour minimum) says so, as TOML has no way to write it."""
    value = toml_value(setting.value)
    if value is None:
        line, note = f"# {prefix}{setting.key}", f"# default: {setting_text(setting.key, None)}"
    else:
        means = _zero_means(setting.key, setting.value)
        line, note = f"# {prefix}{setting.key} = {value}", f"# default: {means}" if means else "# default"
    return f"{line.ljust(_NOTE_COLUMN - 1 + len(prefix))} {note}"


def toml_value(value: object) -> str | None:
    """``value`` written as TOML (None for a value TOML cannot write: a setting left blank)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string: JSON's escapes less \/, never written
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if dataclasses.is_dataclass(value):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in _set_fields(value) if v is not None) + " }"
    raise TypeError(value)  # pragma: no cover - a settings field of a type this module does not know


def _preset(name: str) -> Policy:
    """The preset of exactly this name."""
    return policy_from_toml(preset_text(name), name)


def is_policy_file(name_or_file: str) -> bool:
    """Whether a --program value names a policy file (ends in .toml, any case) rather than a preset."""
    return Path(name_or_file).suffix.lower() == ".toml"


def load_policy(name_or_file: str = DEFAULT_PROGRAM) -> Policy:
    """A preset by name or title in any case (as the Program column names it), or a policy TOML file by path."""
    path = Path(name_or_file)
    if is_policy_file(name_or_file):
        if path.is_dir():
            raise UsageError(f"{name_or_file} is a folder, not a policy file")
        if not path.is_file():
            raise UsageError(f"policy file {name_or_file} does not exist")
        try:
            text = path.read_text(encoding="utf-8-sig")  # Notepad may save it with a byte-order mark
        except UnicodeDecodeError:
            raise UsageError(f"policy file {name_or_file} is not UTF-8 text: save it again as UTF-8") from None
        except OSError as exc:
            raise UsageError(f"cannot read the policy file {name_or_file}: {exc.strerror or exc}") from None
        return policy_from_toml(text, str(path))
    if name_or_file in preset_names():
        return _preset(name_or_file)
    found = Programs.of(_preset(DEFAULT_PROGRAM)).named(name_or_file)  # a title, or the name in another case
    return found if found is not None else _preset(name_or_file)  # no preset by that name: preset_text lists them


def _read_dates_alike(specs: Sequence[str], chosen: Sequence[Policy]) -> None:
    """The inbox's dates are read before any is known to be a pair's, so one way for the whole run:
    a `[reading] day_first` that another --program does not share would be ignored without a word
    (13/10/2026 a bad date, 5/10/2026 the 10th of May), so it is refused."""
    def way(policy: Policy) -> str:
        return "day first" if policy.day_first else "month first"

    for spec, policy in zip(specs[1:], chosen[1:]):
        if policy.day_first != chosen[0].day_first:
            raise UsageError(f"--program {spec} reads dates {way(policy)} ([reading] day_first = "
                             f"{str(policy.day_first).lower()}) but --program {specs[0]} {way(chosen[0])}: the dates "
                             f"of the whole inbox are read one way, so give every --program the same day_first")


def _told_apart(specs: Sequence[str], chosen: Sequence[Policy]) -> None:
    """Every program's name and title must name it alone: a copy renamed but keeping its preset's title
    (or titled with another program's name) would take the Program cells that say it from the program
    they meant, without a word. The first policy file to claim a word is told where it clashes."""
    replaced = {policy.name for policy in chosen}
    others = [(f"the preset {name}", _preset(name)) for name in preset_names() if name not in replaced]
    others += [(f"--program {spec}" + ("" if spec == policy.name else f" ({policy.name})"), policy)
               for spec, policy in zip(specs, chosen)]
    for spec, policy in zip(specs, chosen):
        if not is_policy_file(spec):  # the presets clash with no other preset: a policy file is at fault
            continue
        for key in ("name", "title"):
            text = getattr(policy, key)
            clash = next(((what, other, other_key) for what, other in others if other is not policy
                          for other_key in ("name", "title")
                          if text and words_key(getattr(other, other_key)) == words_key(text)), None)
            if clash is not None:
                raise UsageError(_where(spec, key) + _clash_said(key, text, *clash))


def _clash_said(key: str, text: str, what: str, other: Policy, other_key: str) -> str:
    instead = f"give your program a {key} of its own"
    if key == other_key and not what.startswith("--program"):  # a preset's copy, renamed
        instead += f', or write name = "{other.name}" to replace the preset'
    return (f"{key} {text!r} is also the {other_key} of {what}, so a Program cell saying it could mean either: "
            f"{instead}")


def _where(spec: str, key: str) -> str:
    """'FILE line N: ' for the line of a policy file's top-level ``key``."""
    try:
        line = _line_of(Path(spec).read_text(encoding="utf-8-sig"), None, key)
    except (OSError, UnicodeDecodeError):
        line = None
    return f"{spec} line {line}: " if line else f"{spec}: "


def _one_name_twice(first: str, second: str) -> str:
    """What to do about two --programs of one name: a preset given twice, a copy beside its preset, two files."""
    files = [spec for spec in (first, second) if is_policy_file(spec)]
    if not files:
        return "give it once"
    if len(files) == 1:  # renamed, the copy would hold what its preset paid (new Payment IDs)
        return f"a policy file with a preset's name replaces that preset: give {files[0]} alone, in the preset's place"
    return "give only one of them (two different programs need names of their own)"


class Programs:
    """The programs a run knows: every preset, and the coordinator's own policy files.

    A pair names its program in the assignments' Program column by name or title, in any case; a
    blank names the default (the first ``--program``). A policy file with a preset's name replaces
    that preset, and the preset's title still names it (a copy retitled keeps the workbooks' Program
    cells in use), unless that title is another program's own name or title.
    """

    def __init__(self, policies: Sequence[Policy], default: str, aliases: Mapping[str, str] | None = None) -> None:
        self._by_name = {policy.name: policy for policy in policies}
        self.default = self._by_name[default]
        self._lookup: dict[str, Policy] = {}
        for policy in self._by_name.values():
            for text in (policy.title, policy.name):
                if text:
                    self._lookup[words_key(text)] = policy
        for text, name in (aliases or {}).items():  # a replaced preset's title: its replacement
            self._lookup.setdefault(words_key(text), self._by_name[name])

    @classmethod
    def load(cls, specs: Sequence[str] = (DEFAULT_PROGRAM,)) -> Programs:
        """The presets plus ``specs`` (preset names or policy files); the first of ``specs`` is the default."""
        specs = list(specs or [DEFAULT_PROGRAM])
        chosen = [load_policy(spec) for spec in specs]
        for later, policy in enumerate(chosen):  # which one a pair means could not be told
            for earlier in range(later):
                if words_key(chosen[earlier].name) == words_key(policy.name):
                    raise UsageError(f"--program {specs[earlier]} and --program {specs[later]} are both named "
                                     f"{policy.name!r}: {_one_name_twice(specs[earlier], specs[later])}")
        _read_dates_alike(specs, chosen)
        _told_apart(specs, chosen)
        return cls.of(*chosen)

    @classmethod
    def of(cls, default: Policy, *others: Policy) -> Programs:
        """The presets, with ``default`` and ``others`` replacing presets of the same name."""
        given = {policy.name: policy for policy in (default, *others)}
        presets = [_preset(name) for name in preset_names() if name not in given]
        replaced = {_preset(name).title: name for name in preset_names() if name in given}
        return cls([*presets, *given.values()], default.name, replaced)

    def find(self, text: str | None) -> Policy | None:
        """The program named by ``text`` (name or title, any case and spacing); blank = the default."""
        if text is None or not str(text).strip():
            return self.default
        return self.named(str(text))

    def named(self, text: str) -> Policy | None:
        """The program whose name or title is ``text`` (any case and spacing)."""
        return self._lookup.get(words_key(text))

    def __getitem__(self, name: str) -> Policy:
        return self._by_name[name]

    def __iter__(self) -> Iterator[Policy]:
        return iter(self._by_name.values())

    def names(self) -> list[str]:
        return list(self._by_name)
