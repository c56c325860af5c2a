"""The pairs (assignment rows) of the run, each with its program, and the people joined in."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from .. import settings, values
from ..findings import CATALOGUE, Finding, finding
from ..policy import Completion, Programs
from ..spelling import DASHES_AS_HYPHENS, FULL_WIDTH_AS_PLAIN, PLAIN_QUOTES
from ..validate import Tables, clipped
from .dates import day_text
from .judgement import Context, Judgement


def pair_finding(rule: str, pair, message: str, *, cell: str = "", fix: str | None = None, actor: str | None = None,
                 topic: str = "") -> Finding:
    """A finding about a pair, placed at its assignment row's file and sheet (``pair`` is a row or record);
    ``topic`` tells apart several of one rule about the pair, week after week (see ``finding_key``), and
    the pair's assignment, where the two people have several in the program (``_band``)."""
    topic = "; ".join(part for part in (pair.get("_band", ""), topic) if part)
    return finding(rule, message, file=pair["_file"], sheet=pair["_sheet"], cell=cell, fix=fix, actor=actor,
                   candidate_id=pair["candidate_id"], coach_id=pair["coach_id"], program=pair["program"], topic=topic)


def judge_completion(pairs: pd.DataFrame, completion: Completion, context: Context) -> Judgement:
    """CELL-TYPE at the Completion Date of a pair completed before its start (the agreement, in a program
    of a relationship; else its planning meeting or its assignment, as ``start`` was taken): a date
    mistyped, most often its year, that would certify a coaching ended before it began. It blocks
    completion. Every program is judged so, once, but for one with a window (ITSS): its PAIR-TOO-SHORT
    tells of a completion before the planning meeting."""
    judgement = Judgement()
    if context.policy.section("window") is not None:
        return judgement
    start_label = "the agreement" if context.policy.section("relationship") is not None else None
    wrong = pairs[pairs["completion_date"] < pairs["start"]]
    cells = context.tables.cells(wrong, "completion_date")
    activity = context.policy.words.activity
    for i, pair in zip(wrong.index, pair_records(wrong, "completion_date", "start", "planning_meeting_date")):
        label = start_label or ("the planning meeting" if pd.notna(pair["planning_meeting_date"]) else "the assignment")
        ended, began = day_text(pair["completion_date"]), day_text(pair["start"])
        judgement.blocks(i, f"completion date {ended} is before {label} {began}")
        judgement.findings.append(pair_finding("CELL-TYPE", pair,
            f"Completion Date {ended} is before {label} on {began}: the {activity} cannot have ended before it began",
            cell=cells[i], fix=f"Correct the Completion Date (most often its year), or the date of {label} if that is "
                               "the one mistyped."))
    return judgement


# What :func:`pair_finding` reads from a pair's record (``_band`` where a pair has one).
FINDING_FIELDS = ("candidate_id", "coach_id", "program", "_file", "_sheet", "_band")


def pair_records(pairs: pd.DataFrame, *columns: str) -> list[dict]:
    """Each pair as a record of ``columns`` and of what :func:`pair_finding` reads, for a rule that
    looks at the pairs one by one: a record of every column would box every cell of the frame, a few
    tenths of a second on a large inbox."""
    wanted = dict.fromkeys([*columns, *(field for field in FINDING_FIELDS if field in pairs.columns)])
    return pairs[list(wanted)].to_dict("records")


def named_few(items: list, words: Callable[[object], str], count: int | None = None, first: int | None = None) -> str:
    """The ``first`` few of ``items`` (:data:`..settings.NAMED_PAIRS_IN_MESSAGE` unless given) in their
    ``words``, joined, and how many more there are (`candidate 301 (…), candidate 302 (…) and 489 more`):
    a message naming a coach's other pairs stays a few lines long however many the coach has.
    ``count``: how many there are in all, where ``items`` holds only the first few."""
    shown = items[:settings.NAMED_PAIRS_IN_MESSAGE if first is None else first]
    more = (len(items) if count is None else count) - len(shown)
    return ", ".join(map(words, shown)) + (f" and {more} more" if more else "")


_LOST_ZEROS = tuple("0" * n for n in range(1, 10))


class RosterIds(frozenset):
    """The roster's employee IDs, and ``set_aside``: those whose roster row was left out for a bad
    cell → where that cell is; ``assignments_aside``: the pairs (candidate ID, coach ID) whose
    assignment row was left out so (see :class:`..validate.Tables`); ``emails``: the roster's
    emails (case-folded) → their employee's ID, for an email typed for an ID; ``employees``: the
    roster, whose names (see :meth:`names`) tell a name typed for an ID."""

    set_aside: dict[str, str]
    assignments_aside: dict[tuple[str, str], str]
    emails: dict[str, str]

    def __new__(cls, ids, set_aside: dict[str, str] | None = None,
                assignments_aside: dict[tuple[str, str], str] | None = None, emails: dict[str, str] | None = None,
                employees: pd.DataFrame | None = None):
        known = super().__new__(cls, ids)
        known.set_aside = set_aside or {}
        known.assignments_aside = assignments_aside or {}
        known.emails = emails or {}
        known._employees = employees
        known._prefixed = known._folded = known._names = None
        known.hints = {}  # an unknown ID → what its finding adds (see id_hint), worked out once per ID
        known._name_keys = {}  # an unknown ID → it as a name is compared (see name_key)
        return known

    def name_key(self, text: str) -> str | None:
        """An unknown ID as names are compared (:func:`..values.name_keys`; None if it has no letters
        or digits left), to tell a name typed for an ID: worked out once per text, those of many
        unknown IDs at once when :meth:`read_as_names` was given them."""
        if text not in self._name_keys:
            self.read_as_names([text])
        return self._name_keys[text]

    def read_as_names(self, texts: Iterable[object]) -> None:
        """Work out the name keys of ``texts``, unknown IDs about to be told, in one pass: one by one, a
        text cost milliseconds, and a pasted log can hold thousands of different ones."""
        texts = [text for text in dict.fromkeys(texts) if isinstance(text, str) and text not in self._name_keys]
        if texts:
            keys = values.name_keys(pd.Series(texts, dtype=object))
            self._name_keys |= {text: None if pd.isna(key) else key for text, key in zip(texts, keys)}

    def folded(self) -> dict[str, str]:
        """The roster's IDs with letters in them in any case and with look-alike characters made plain (:func:`id_folded`)
        → the ID, where one ID only folds so: worked out once, when an unknown ID is first told."""
        if self._folded is None:
            self._folded = self._only_one(lambda employee_id: None if employee_id.isdigit() else id_folded(employee_id))
        return self._folded

    def prefixed(self) -> dict[str, str]:
        """The digits of the roster's IDs that are letters then digits (`E-0123`, `EMP0123`) → the ID,
        where one ID only has them: worked out once, when an unknown ID is first told."""
        if self._prefixed is None:
            self._prefixed = self._only_one(lambda employee_id: (found := _PREFIXED_ID.fullmatch(employee_id)) and found["digits"])
        return self._prefixed

    def names(self) -> dict[str, tuple[str, str]]:
        """The roster's names as they are compared (:func:`..values.name_keys`) → (the employee's ID,
        the name as the roster has it), for the names of one employee only: worked out once, when an
        unknown ID is first told."""
        if self._names is None:
            employees = self._employees
            if employees is None or "name" not in employees:
                self._names = {}
            else:
                named = pd.DataFrame({"key": values.name_keys(employees["name"]), "id": employees["employee_id"].astype(str),
                                      "name": employees["name"].astype(str)}).dropna()
                single = named.drop_duplicates("key", keep=False)
                self._names = dict(zip(single["key"], zip(single["id"], single["name"])))
        return self._names

    def _only_one(self, key_of: Callable[[str], str | None]) -> dict[str, str]:
        """``key_of`` each ID (None: it has none) → the ID, for the keys of one ID only."""
        found: dict[str, list[str]] = {}
        for employee_id in self:
            if isinstance(employee_id, str) and (key := key_of(employee_id)):
                found.setdefault(key, []).append(employee_id)
        return {key: ids[0] for key, ids in found.items() if len(ids) == 1}


def id_folded(employee_id: str) -> str:
    """An ID in lower case, with the characters that look like plain ones made plain: a dash as Word gives
    it (`E–0123`) a hyphen, a typographic quote (`O’K-1`) a plain one, a full-width letter or digit plain:
    `e-0123`. (Spaces of any kind are one plain space already, by the whitespace rule.)"""
    return employee_id.translate(_LOOK_ALIKES_AS_PLAIN).casefold()


_LOOK_ALIKES_AS_PLAIN = DASHES_AS_HYPHENS | PLAIN_QUOTES | FULL_WIDTH_AS_PLAIN


def look_alikes(typed: str, roster_id: str) -> str:
    """How ``typed`` differs from ``roster_id``, of which it is a look-alike (:func:`id_folded` alike):
    `a non-breaking hyphen (U+2011) where the roster has a plain hyphen -`, each character typed for
    another named once, then `in another case` where letters differ in case; "" where only case differs."""
    swapped = dict.fromkeys((mine, theirs) for mine, theirs in zip(typed, roster_id)
                            if mine != theirs and mine.casefold() != theirs.casefold())
    named = [f"{_character_name(mine)} where the roster has {_character_name(theirs)}" for mine, theirs in swapped]
    if named and typed.translate(_LOOK_ALIKES_AS_PLAIN) != roster_id.translate(_LOOK_ALIKES_AS_PLAIN):
        named[-1] += ", and in another case"
    return " and ".join(named)


def _character_name(character: str) -> str:
    """`a plain hyphen -`, `an en dash (U+2013)`: a character as a message names it, the plain ones shown,
    the others (which look like them) by their Unicode name and code."""
    if not character.isascii():
        name = f"{unicodedata.name(character, 'character').lower()} (U+{ord(character):04X})"
    else:
        name = _PLAIN_NAMES.get(character) or f"plain {unicodedata.name(character).lower()}"
        name += f" {character}" if character != " " else ""
    return ("an " if name[0] in "aeiou" else "a ") + name


_PLAIN_NAMES = {"-": "plain hyphen", "'": "plain apostrophe", '"': "plain quote", " ": "plain space"}


_PREFIXED_ID = re.compile(r"[^\W\d_]+[-#/ ]?(?P<digits>\d+)")


def roster_emails(employees: pd.DataFrame) -> dict[str, str]:
    """The roster's emails, case-folded, → their employee's ID (see :class:`RosterIds`)."""
    if "email" not in employees:
        return {}
    emails = employees[["email", "employee_id"]].dropna()
    return dict(zip(emails["email"].astype(str).str.strip().str.casefold(), emails["employee_id"].astype(str)))


def no_assignment_text(candidate_id: str, coach_id: str, known, what: str) -> tuple[str, str | None]:
    """`Candidate 200 and coach 100 have no assignment`, and the fix (None: the catalogue's), for a row
    of theirs (``what``: "log entries", "feedback row" …) not used for it; where their assignment row
    is left out for a bad cell (``known``: :class:`RosterIds`), the message says so and the fix is that cell."""
    text = f"Candidate {candidate_id} and coach {coach_id} have no assignment"
    where = getattr(known, "assignments_aside", {}).get((candidate_id, coach_id))
    if where is None:
        return text, None
    return (text + f" in use (their assignment row is left out for the error at {where}: fix that cell)",
            f"Fix the cell {where} (its own finding says how): their assignment row is then read, and the {what} with it.")


def unknown_id(role: str, employee_id: str, known) -> str:
    """`Coach ID 1001` for an ID ``known`` (the roster's IDs) lacks; where the roster has it on a row
    left out for a bad cell, or with leading zeros (001001: typed as a number, the ID lost them), or
    without them (1001: the roster's number, whose cell may show 001001), or with letters before it
    (E-1001), or in another case or with a dash for its hyphen (e–1001), or with spaces typed in it (10 01), or
    where it is an employee's email or a long number in
    scientific notation (1.23457E+11), the message says so (see :func:`id_hint`)."""
    text = f"{role} ID {clipped(employee_id) if isinstance(employee_id, str) else employee_id}"
    return text + id_hint(employee_id, known)[0]


def id_hint(employee_id: str, known) -> tuple[str, str | None]:
    """What an unknown ID's message adds, saying what the roster has that it looks like (see
    :func:`unknown_id`), and the fix: what to type (None: nothing near, the catalogue's fix). Worked
    out once per distinct ID, for ``known`` a :class:`RosterIds`."""
    hints = getattr(known, "hints", None)
    if hints is None:
        return _id_hint(employee_id, known)
    if employee_id not in hints:
        hints[employee_id] = _id_hint(employee_id, known)
    return hints[employee_id]


def _id_hint(employee_id: str, known) -> tuple[str, str | None]:
    if employee_id in getattr(known, "set_aside", {}):
        where = known.set_aside[employee_id]
        return (f" (its roster row is left out for the error at {where}: fix that cell)",
                f"Fix the cell {where} (its own finding says how): the ID is then found.")
    if not isinstance(employee_id, str):
        return "", None
    if employee_id.isdigit():
        padded = next((zeros + employee_id for zeros in _LOST_ZEROS if zeros + employee_id in known), None)
        if padded is not None:
            return (f" (the roster has {padded}: typed as a number, it lost its leading zeros)",
                    f"Type {padded}, the roster's ID (format the cell as Text first, to keep its zeros).")
        if employee_id.startswith("0") and employee_id.lstrip("0") in known:
            # the roster's number, shown with its zeros by a number format ("000000"), is read as the number
            stripped = employee_id.lstrip("0")
            return (f" (the roster has {stripped}: typed there as a number, without the leading zeros its cell may show)",
                    f"Type {stripped}, as the roster has it (or type the roster's ID as text, with its zeros).")
        if prefixed := (known.prefixed().get(employee_id) if isinstance(known, RosterIds) else None):
            # "0123" for the roster's "E-0123": the ID typed without its letters
            return (f" (the roster has {prefixed}: type the ID with its letters, as the roster has it)",
                    f"Type {prefixed}, the roster's ID, with its letters.")
        return "", None
    if " " in employee_id and (joined := employee_id.replace(" ", "")) in known:
        # "113 402", as the ID is printed in groups on a badge or a form: the roster's ID with spaces typed in it
        return (f" (the roster has {joined}: type the ID without the spaces in it)",
                f"Type {joined}, the roster's ID, without spaces.")
    if (beside := id_beside(employee_id)) is not None and beside.employee_id in known:
        # "115764 (Oscar)", "ID 115764", "#115764": the roster's ID with something typed beside it
        return (f" (the roster has {beside.employee_id}: type the ID alone, with no name or note beside it)",
                f"Type {beside.employee_id}, the roster's ID, alone in the cell.")
    if email := getattr(known, "emails", {}).get(employee_id.casefold()):
        # an employee's email typed for the ID
        return f" (the roster's email of employee {email}: type the ID {email})", f"Type {email}, the ID of the employee with this email."
    if isinstance(known, RosterIds) and (named := known.names().get(known.name_key(employee_id))):
        # "Kim Park" typed where the employee's ID goes
        employee, name = named
        return (f" (a name, not an ID: the roster's {name} is employee {employee})",
                f"Type {employee}, the employee ID of {name} in the roster, in place of the name.")
    if isinstance(known, RosterIds) and (folded := known.folded().get(id_folded(employee_id))):
        # "e-0123" or "E–0123" (an en dash, as Word gives it) for the roster's "E-0123": the two look the same
        # on screen, so the message names the character that differs
        if not (named := look_alikes(employee_id, folded)):
            return f" (the roster has {folded}: type the ID as the roster has it)", f"Type {folded}, the roster's ID, as the roster has it."
        return (f" (the roster has {folded}: typed with {named}; type the ID as the roster has it)",
                f"Type {folded}, the roster's ID, as the roster has it (or copy it from the roster): the ID was typed with {named}.")
    if _SCIENTIFIC.fullmatch(employee_id):
        # "1.23457E+11": a long ID as Excel shows it in a General cell, saved as text (a CSV export): its last digits are gone
        return (" (a number as Excel shows a long one, in scientific notation, whose last digits may be lost: type the whole ID as text)",
                "Type the whole ID as text (format the cell as Text first): the number shown may have lost its last digits.")
    return "", None


class IdBeside(NamedTuple):
    """An ID typed beside a name or a note (see :func:`id_beside`)."""

    employee_id: str
    name: str | None  # the name beside it, when asked for (``name_alone``)


def id_beside(text: str, *, name_alone: bool = False) -> IdBeside | None:
    """An ID typed beside a name or a note; None when ``text`` holds none.

    The ID is the one run of digits in ``text`` (none when it holds several), whatever is beside it
    (`115764 (Oscar)`, `ID 115764`, `Kim Lee #200`): enough to name an employee in a hint. With
    ``name_alone``, as a name typed with an ID is taken for an employee (see :func:`.logs.resolve_labels`),
    ``text`` (a name key, see :func:`values.name_keys`) must be a name and the ID only, the ID at one
    end as people write it on a paper form (`kim lee (200)`, `kim lee #200`, `kim lee - 200`, `kim lee
    [id 200]`, `200 kim lee`), the name holding no digits, brackets or `#`; that name is given too.
    """
    digits = _DIGITS.findall(text)
    if len(digits) != 1:
        return None
    if not name_alone:
        return IdBeside(digits[0], None)
    typed = _NAME_WITH_ID.fullmatch(text)
    if typed is None:
        return None
    return IdBeside(digits[0], (typed["name"] or typed["name_after"]).strip(" ,;:/-"))


_DIGITS = re.compile(r"\d+")
# a name key with an ID beside it, as id_beside takes it with name_alone (the name ends between words)
_NAME = r"(?P<name>[^\d()\[\]#]*[^\W\d_][^\d()\[\]#]*?)(?![^\W\d_])"
_ID = rf"[(\[]?\s*(?:id\s*:?\s*)?#?\s*{_DIGITS.pattern}\s*[)\]]?"
_NAME_WITH_ID = re.compile(rf"{_NAME}[\s,;:/#-]*{_ID}|{_ID}[\s,;:/-]*{_NAME.replace('<name>', '<name_after>')}")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?E\+?\d+", re.IGNORECASE)


def unknown_ids(row: dict, known) -> str:
    """`Candidate ID 7 and Coach ID 9`: those of a row's two IDs that ``known`` lacks (see :func:`unknown_id`)."""
    return " and ".join(unknown_id(role, row[key], known) for role, key in (("Candidate", "candidate_id"), ("Coach", "coach_id"))
                        if row[key] not in known)


def unknown_ids_fix(row: dict, known) -> str | None:
    """The fix of :func:`unknown_ids`: what to type for each ID the roster has one near (see
    :func:`id_hint`), each named when both are unknown; None when neither is near one (the catalogue's)."""
    unknown = [(role, row[key]) for role, key in (("Candidate", "candidate_id"), ("Coach", "coach_id")) if row[key] not in known]
    fixes = [id_hint(employee_id, known)[1] for _, employee_id in unknown]
    if not any(fixes):
        return None
    if len(fixes) == 1:
        return fixes[0]
    return " ".join(f"{role} ID: {fix or CATALOGUE['ID-UNKNOWN'].fix}" for (role, _), fix in zip(unknown, fixes))


BAND_TOPIC = "assignment of "  # a pair-level finding's topic starts so where the two have several assignments


def band_topics(pairs: pd.DataFrame) -> np.ndarray:
    """Each pair's assignment as its findings' topics name it ("assignment of 2026-06-01", by its
    planning meeting, else assigned date), where the two people are assigned more than once in one
    program; "" for the others, whose findings keep the keys they always had."""
    repeated = pairs.duplicated(PAIR_KEYS, keep=False).to_numpy()
    began = pd.to_datetime(pairs["planning_meeting_date"].fillna(pairs["assigned_date"])).dt.strftime("%Y-%m-%d").fillna("no date")
    return np.where(repeated, BAND_TOPIC + began.astype(object), "")


def band_of_topic(topic: str) -> str:
    """The assignment a finding's topic names ('' when none): see :func:`pair_finding`."""
    return topic.split("; ", 1)[0] if topic.startswith(BAND_TOPIC) else ""


def programs_by_pair(pairs: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(candidate_id, coach_id) → program, for two people whose pairs are all of one known program
    (assigned in two programs, a row naming them could be either's: they are left out)."""
    programs = pairs[["candidate_id", "coach_id", "program", "known_program"]].drop_duplicates(["candidate_id", "coach_id", "program"])
    single = programs.drop_duplicates(["candidate_id", "coach_id"], keep=False)
    single = single[single["known_program"]]
    return dict(zip(zip(single["candidate_id"], single["coach_id"]), single["program"]))


def with_pair_programs(findings: list[Finding], pairs: pd.DataFrame) -> list[Finding]:
    """The findings about a row of a pair's (a cell of its log, feedback or milestone row: validation
    knows no pairs) given the pair's program (:func:`programs_by_pair`); one look-up per finding."""
    program_of = programs_by_pair(pairs)
    if not program_of:
        return findings
    tagged = []
    for f in findings:
        program = "" if f.program else program_of.get((f.candidate_id, f.coach_id), "")
        tagged.append(replace(f, program=program) if program else f)
    return tagged


def reason_topic(reason: str) -> str:
    """A reason as the same topic from week to week: its numbers and dates left out ("grade # is
    below the candidate's target grade #")."""
    return re.sub(r"\d[\d.,:/-]*", "#", reason)


def payment_id(program: str, candidate_id: str, coach_id: str, band: str | None = None) -> str:
    """Stable ID of a pair's stipend: the same pair in the same program always gets the same ID;
    ``band`` tells a later coaching of the same two people apart (see :func:`bands`)."""
    later = "" if band is None else f"\x1f{band}"
    digest = hashlib.sha256(f"{program}\x1f{candidate_id}\x1f{coach_id}{later}".encode()).hexdigest()
    return f"PAY-{digest[:12].upper()}"


def certificate_id(program: str, candidate_id: str, coach_id: str, band: str | None = None) -> str:
    """Stable ID of a pair's Certificate of Completion: issued once per pair (and band) and program, ever."""
    later = "" if band is None else f"\x1f{band}"
    digest = hashlib.sha256(f"certificate\x1f{program}\x1f{candidate_id}\x1f{coach_id}{later}".encode()).hexdigest()
    return f"CERT-{digest[:12].upper()}"


PAIR_KEYS = ["program", "candidate_id", "coach_id"]  # one coach and candidate in one program: a pair's own IDs


def bands(pairs: pd.DataFrame, issued: pd.DataFrame | None = None, certified: pd.DataFrame | None = None) -> pd.Series:
    """What tells apart the assignments of one coach and candidate in one program, for their IDs.

    A candidate may be coached again for the next band (ITSS: "from a 20 to a 23 and then again …
    from a 23 to a 25"), by the same coach: each coaching is paid and certified. The first (the
    lowest target grade, then the earliest start) keeps the pair's own IDs (None), so one coaching
    per pair has the IDs it always had; a later one is told apart by its target grade, or by its
    place when that grade is blank or taken.

    ``issued`` is the ledger's payments (``payment_id``, the pair's keys, ``start_date``): a Payment ID
    issued before stays with the coaching it was issued for, the row of the same start date, and that
    row's certificate with it; the other rows are banded as above around it. So an earlier band
    entered weeks later takes no ID already paid (it paid the later coaching twice). ``certified`` is
    the ledger's certificates (``certificate_id``, the pair's keys, ``issued_on``): with ``issued``, it
    keeps a lone row's IDs with its own coaching (see :func:`_lone_bands`).
    """
    band = pd.Series([None] * len(pairs), index=pairs.index, dtype=object)
    band.update(_lone_bands(pairs, issued, certified))
    repeated = pairs[pairs.duplicated(PAIR_KEYS, keep=False)]
    if repeated.empty:
        return band
    ordered = repeated.assign(_order=range(len(repeated)), _start=_start_dates(repeated), _done=_done_dates(repeated)).sort_values(
        ["target_grade", "start", "_order"], na_position="last", kind="stable")
    recorded = _ledger_records(issued, ["payment_id", "start_date"])
    certificates = _ledger_records(certified, ["certificate_id", "issued_on"])
    for key, group in ordered.groupby(PAIR_KEYS, sort=False, dropna=False):
        kept = _kept_bands(group, key, recorded.get(key, [])[::-1])  # the latest payment first
        kept |= _kept_certified(group, key, certificates.get(key, []), kept)
        taken, seen, numbered = set(kept.values()), set(), 1
        for place, (index, grade) in enumerate(zip(group.index, group["target_grade"]), start=1):
            if index in kept:
                band[index] = kept[index]
            elif place > 1 or None in taken:
                label = f"grade {int(grade)}" if pd.notna(grade) and grade not in seen else None
                if label is None or label in taken:
                    numbered = max(numbered, place)
                    while (label := f"#{numbered}") in taken:
                        numbered += 1
                band[index] = label
            taken.add(band[index])
            if pd.notna(grade):
                seen.add(grade)
    return band


FORMER_ID_COLUMNS = ["program", "payment_id", "certificate_id"]


def ids_under_former_names(pairs: pd.DataFrame, issued: pd.DataFrame | None,
                           certified: pd.DataFrame | None) -> pd.DataFrame:
    """The IDs each pair's coaching has under a former name of its program: a program the ledger paid
    stipends under (``issued``, as :func:`bands` takes it) that the pair's two people have no pair of
    in this run, as a copy of a policy given a new ``name`` leaves behind (or a paid pair's Program
    cell moved to such a copy). One row per pair (its index) and such program, with the ``program``,
    ``payment_id`` and ``certificate_id`` the pair's row would have had, had its program kept that
    name (banded by :func:`bands` against the ledger's records of that name).

    Only pairs whose program pays a stipend (they have a Payment ID) are compared, for the two people
    that former program paid or certified: a volunteer mentoring of the same two people is another
    coaching, and so is a coaching of theirs still under that name in the inbox (two programs paying
    the same two people each pay their own stipend)."""
    if issued is None or issued.empty or pairs.empty:
        return pd.DataFrame(columns=FORMER_ID_COLUMNS)
    records = pd.concat([r[PAIR_KEYS] for r in (issued, certified) if r is not None and not r.empty])
    records = records[records["program"].isin(set(issued["program"]))].drop_duplicates()
    still = pd.MultiIndex.from_frame(pairs.loc[pairs["known_program"], PAIR_KEYS])
    records = records[~pd.MultiIndex.from_frame(records[PAIR_KEYS]).isin(still)]
    paying = pairs[pairs["payment_id"].notna()]
    people = pd.MultiIndex.from_frame(paying[["candidate_id", "coach_id"]])
    found = []
    for program, recorded in records.groupby("program", sort=False):
        named = paying[people.isin(pd.MultiIndex.from_frame(recorded[["candidate_id", "coach_id"]]))].assign(program=program)
        keys = list(zip(named["program"], named["candidate_id"], named["coach_id"], bands(named, issued, certified)))
        found.append(pd.DataFrame({"program": program, "payment_id": [payment_id(*key) for key in keys],
                                   "certificate_id": [certificate_id(*key) for key in keys]}, index=named.index))
    return pd.concat(found) if found else pd.DataFrame(columns=FORMER_ID_COLUMNS)


def _lone_bands(pairs: pd.DataFrame, issued: pd.DataFrame | None, certified: pd.DataFrame | None) -> pd.Series:
    """The bands of lone assignments (one row for their pair) that the ledger knows the pair of.

    The pair's other coachings may have left the inbox (archived, a new workbook), so the row is not
    simply the pair's own IDs. Of the bands the ledger holds for the pair it takes, in turn: the one
    paid for a coaching of its start (or whose paid period holds its start: its date corrected since);
    the one certified for its target grade; one certified after it began and was completed (not another
    grade's); the pair's own, unless that paid a coaching over before this one began, or certified
    another (the next band, or a year begun before the last one's certificate went out); else the
    first band nothing was issued to.
    """
    bands: dict = {}
    if (issued is None or issued.empty) and (certified is None or certified.empty):
        return pd.Series(bands, dtype=object)
    lone = pairs[~pairs.duplicated(PAIR_KEYS, keep=False)]
    paid = _ledger_records(issued, ["payment_id", "start_date", "end_date"])
    certificates = _ledger_records(certified, ["certificate_id", "issued_on"])
    for index, key, start, done, grade in zip(lone.index, zip(*(lone[k] for k in PAIR_KEYS)), _start_dates(lone),
                                               _done_dates(lone), lone["target_grade"]):
        if (key not in paid and key not in certificates) or not isinstance(start, str):
            continue
        labels = _labels([grade], len(paid.get(key, [])) + len(certificates.get(key, [])) + 2)
        pays, certs = _bands_of(payment_id, key, labels), _bands_of(certificate_id, key, labels)
        periods = {pays[p]: (first, last) for p, first, last in paid.get(key, []) if p in pays}
        issued_on = {certs[c]: on for c, on in certificates.get(key, []) if c in certs}
        band = next((label for label, (first, last) in periods.items()
                     if first == start or (isinstance(last, str) and first <= start <= last)), _NO_BAND)
        grade_band = labels[1] if pd.notna(grade) else _NO_BAND
        if band is _NO_BAND and grade_band in issued_on and grade_band not in periods:
            band = grade_band  # certified for its own target grade
        fits = {label for label, on in issued_on.items() if isinstance(on, str) and start <= on and done <= on}
        if band is _NO_BAND:  # certified after it began and was completed: its own certificate
            band = next((label for label in issued_on if label in fits and label not in periods
                         and not (isinstance(label, str) and label.startswith("grade "))), _NO_BAND)
        if band is _NO_BAND:
            own_paid = periods.get(None, (None, None))[1]
            over = (isinstance(own_paid, str) and own_paid < start) or (None in issued_on and None not in fits)
            band = next(label for label in labels[1:] if label not in periods and label not in issued_on) if over else None
        bands[index] = band
    return pd.Series(bands, dtype=object)


_NO_BAND = object()  # no band found yet (None is the pair's own)


def _labels(grades, count: int) -> list:
    """The bands a pair's IDs may carry: its own (None), each target grade's, then numbers up to ``count``."""
    return [None, *dict.fromkeys(f"grade {int(g)}" for g in grades if pd.notna(g)), *(f"#{n}" for n in range(2, count + 1))]


def _bands_of(make_id, key: tuple, labels: list) -> dict[str, object]:
    """ID → the band it was made for (``make_id``: payment_id or certificate_id): an ID read back."""
    return {make_id(*key, label): label for label in labels}


def _ledger_records(records: pd.DataFrame | None, columns: list[str]) -> dict[tuple, list[tuple]]:
    """The ledger's records by pair (program, candidate, coach), in the order recorded: each as the
    values of ``columns``."""
    if records is None or records.empty:
        return {}
    found: dict[tuple, list[tuple]] = {}
    absent = [None] * len(records)  # a column an older caller leaves out
    for key, record in zip(zip(*(records[k] for k in PAIR_KEYS)), zip(*(records.get(c, absent) for c in columns))):
        found.setdefault(key, []).append(record)
    return found


def _done_dates(pairs: pd.DataFrame) -> pd.Series:
    """A pair's completion date as text ("~" when none: after every date, so never "done by" one)."""
    return pd.to_datetime(pairs["completion_date"]).dt.strftime("%Y-%m-%d").fillna("~")


def _start_dates(pairs: pd.DataFrame) -> pd.Series:
    """A pair's start as its payment records it (the planning meeting, else the period's start), as text."""
    return pd.to_datetime(pairs["planning_meeting_date"].fillna(pairs["start"])).dt.strftime("%Y-%m-%d")


def _kept_bands(group: pd.DataFrame, key: tuple, recorded: list[tuple]) -> dict:
    """Row → the band of the Payment ID issued before for its start date (each band and row once)."""
    if not recorded:
        return {}
    band_of = _bands_of(payment_id, key, _labels(group["target_grade"], len(group) + len(recorded)))
    kept: dict = {}
    for payment, start in recorded:
        if payment not in band_of or band_of[payment] in kept.values():
            continue
        free = group.index[(group["_start"] == start) & ~group.index.isin(list(kept))]
        if len(free):
            kept[free[0]] = band_of[payment]
    return kept


def _kept_certified(group: pd.DataFrame, key: tuple, certified: list[tuple], kept: dict) -> dict:
    """Row → the band of a certificate issued before, for a band no payment placed: it stays with the
    coaching that had begun by the day it was issued (the latest begun, of the rows still free)."""
    if not certified:
        return {}
    band_of = _bands_of(certificate_id, key, _labels(group["target_grade"], len(group) + len(certified)))
    placed: dict = {}
    for certificate, issued_on in certified:
        label = band_of.get(certificate, _NO_BAND)
        if label is _NO_BAND or label in kept.values() or label in placed.values() or not isinstance(issued_on, str):
            continue
        free = group[~group.index.isin([*kept, *placed]) & group["_start"].le(issued_on)]
        done = free[free["_done"].le(issued_on)]  # completed by then: a certificate is for a coaching completed
        if len(done) or len(free):
            placed[(done if len(done) else free).sort_values("_start", kind="stable").index[-1]] = label
    return placed


def followed_requests(pairs: pd.DataFrame, requests: pd.DataFrame, *, same_grade: bool = False) -> pd.Series:
    """The Coaching Request each assignment followed, as its label in ``requests`` (NaN: none): the
    candidate's latest request dated on or before the assignment (its assigned date, else its planning
    meeting), else the candidate's latest. A candidate enrolled again for the next band has a request
    for each, and each coaching goes with its own. ``same_grade``: only the requests for the
    assignment's target grade.

    Requests are few (one or two a candidate): a sorted list per candidate and a bisection cost far
    less here than a pandas as-of merge.
    """
    def key(candidate, grade):
        return (candidate, grade) if same_grade else candidate

    missing = np.iinfo(np.int64).min  # NaT, as a number
    made: dict = {}  # key → [(date, order, label)], sorted: the latest last
    dates = requests["request_date"].astype("datetime64[ns]").to_numpy().view(np.int64).tolist()
    grades = requests["target_grade"].astype(float).tolist()
    for order, (label, on, candidate, grade) in enumerate(zip(requests.index, dates, requests["employee_id"].tolist(), grades)):
        if on != missing and isinstance(candidate, str) and not (same_grade and math.isnan(grade)):
            made.setdefault(key(candidate, grade), []).append((on, order, label))
    for listed in made.values():
        listed.sort()
    on = pairs["assigned_date"].fillna(pairs["planning_meeting_date"]).astype("datetime64[ns]").to_numpy().view(np.int64).tolist()
    followed = []
    for when, candidate, grade in zip(on, pairs["candidate_id"].tolist(), pairs["target_grade"].astype(float).tolist()):
        listed = None if same_grade and math.isnan(grade) else made.get(key(candidate, grade))
        if not listed:
            followed.append(np.nan)
            continue
        at = bisect_right(listed, (when, len(requests))) - 1 if when != missing else -1
        followed.append(listed[at if at >= 0 else -1][2])
    return pd.Series(followed, index=pairs.index, dtype=float)


def build_pairs(tables: Tables, programs: Programs) -> tuple[pd.DataFrame, list[Finding]]:
    """One row per assignment, numbered in reading order (`pair`, also the index), with its program
    (`program`; `known_program` False when the Program cell names none), names and target grade."""
    pairs = tables["assignments"].reset_index(drop=True)
    typed = pairs["program"].astype(object).where(pairs["program"].notna(), None)
    found = {text: programs.find(text) for text in set(typed)}
    pairs["program"] = [found[text].name if found[text] is not None else text for text in typed]
    pairs["known_program"] = pd.Series([found[text] is not None for text in typed], index=pairs.index, dtype=bool)
    pairs["status"] = pairs["status"].fillna("Active")
    pairs["goals_attained"] = pairs["goals_attained"].fillna(False).astype(bool)
    pairs["pair"] = range(len(pairs))
    pairs["_band"] = band_topics(pairs)

    employees = tables["employees"].set_index("employee_id")
    names = employees["name"]
    pairs["candidate_name"] = pairs["candidate_id"].map(names)
    pairs["coach_name"] = pairs["coach_id"].map(names)

    # Target grade: the assignment's, else that of the candidate's request it followed.
    requests = tables["requests"]
    followed = followed_requests(pairs, requests)
    requested = requests["target_grade"].reindex(followed.to_numpy()).set_axis(pairs.index)
    pairs["target_grade"] = pairs["target_grade"].fillna(requested)

    findings = []
    known_names = ", ".join(f"{p.name} ({p.title})" if p.title else p.name for p in sorted(programs, key=lambda p: p.name))
    program_cells = tables.cells(pairs, "program")
    spellings = [spelling for p in programs for spelling in (p.title, p.name) if spelling]
    for i in pairs.index[~pairs["known_program"]]:
        row = pairs.loc[i]
        close = values.closest_choice(row["program"], spellings)
        findings.append(finding(
            "CELL-ENUM", f"Program {row['program']!r} is not a known program ({known_names}); the pair is not judged",
            fix="Type one of the programs' names or titles, or leave it blank for the run's program "
                "(a program of your own is passed with --program FILE.toml)."
                + (f" {row['program']!r} looks like {close}: if that is what was meant, type {close}." if close else ""),
            file=row["_file"], sheet=row["_sheet"], cell=program_cells[i],
            candidate_id=row["candidate_id"], coach_id=row["coach_id"], program=row["program"]))
    cells = tables.cells(pairs, "candidate_id")
    coach_cells = tables.cells(pairs, "coach_id")
    known = RosterIds(employees.index, tables.set_aside, emails=roster_emails(tables["employees"]), employees=tables["employees"])
    for i, row in enumerate(pairs[["candidate_id", "coach_id", "program", "known_program", "_file", "_sheet"]].to_dict("records")):
        for role, key, cell in (("Candidate", "candidate_id", cells.iloc[i]), ("Coach", "coach_id", coach_cells.iloc[i])):
            if row[key] not in known:
                findings.append(finding(
                    "ID-UNKNOWN", f"{unknown_id(role, row[key], known)} on the assignment is not in the roster",
                    fix=id_hint(row[key], known)[1],
                    file=row["_file"], sheet=row["_sheet"], cell=cell,
                    candidate_id=row["candidate_id"], coach_id=row["coach_id"],
                    program=row["program"] if row["known_program"] else "",
                ))
    return pairs, findings
