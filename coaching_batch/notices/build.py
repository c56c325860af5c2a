"""Who must act on what: the run's open findings and progress, gathered into one notice per person.

Pure: a function of the run's result only (no file, clock or mail server). Each error or warning
goes to the person its ``actor`` names — the pair's coach, its candidate, or the candidate's
supervisor from the roster — and everything else (files, sheets, cells, assignments, people not on
the roster) to the coordinator. Info findings ask nobody to act and are left out; so, but for the coordinator, are the
findings that say no row of a table is recorded when the inbox held no such table (TABLE-MISSING): no
one is asked for a feedback form or a milestone they may well have sent. A pair whose stipend waits only
for the coach's signed Request for Payment (its form pre-filled in ``payment-requests/``) is no
finding: it is a :class:`RequestToSign` in the coach's notice, and in the coordinator's.

A person whose roster Email is blank or is not an email address gets a notice all the same (it is
written for the coordinator to forward), and the coordinator's notice lists them with its text.

Nothing confidential reaches a notice: it carries finding messages and fixes (which never quote a
feedback or recommendation cell, as in ``exceptions.xlsx``), hours and dates, never goals,
ratings, comments or references.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..documents.names import REQUESTS_FOLDER, request_name, waiting_for_request
from ..findings import RULES_ON_TABLE_ROWS, Finding, Severity
from ..model import RunResult
from ..policy import Words
from ..settings import WINDOWS_DEVICE_NAMES
from .address import email_address

COORDINATOR = "coordinator"  # the coordinator's notice: its key, its file's stem, its role
COORDINATOR_FILE = f"{COORDINATOR}.eml"
ACTING_SEVERITIES = (Severity.ERROR, Severity.WARNING)  # an info finding asks nobody to act
CLOSED_STATUSES = ("Completed", "Withdrawn")  # a pair in neither is in progress: its progress is shown
MAX_NAME_CHARS = 40  # of a person's name in a file name

@dataclass
class Progress:
    """One pair's hours for the person it is about (coach or candidate)."""

    program: str  # the program's title
    role: str  # coach | candidate: the recipient's side of the pair
    other: str  # the other person: "Alicia Brooks (113402)"
    hours: float | None  # so far: the coach's contact hours, or the candidate's hours
    hours_needed: float | None  # None where the program has no minimum
    candidate_hours: float | None = None  # shown to the coach too
    candidate_hours_needed: float | None = None
    deadline: date | None = None
    deadline_label: str = "Deadline"  # what the program calls that date ("Relationship ends" …)
    with_coach: bool = False  # hours are the meetings logged with the coach (the candidate keeps no log)
    words: Words = Words()  # what the program calls coach and candidate (mentor and mentee …)
    not_judged: str = ""  # why the run did not judge the pair (its Program names no known program): no hours shown


@dataclass
class RequestToSign:
    """A pair whose stipend waits only for the coach's signed Request for Payment, pre-filled by the run."""

    program: str  # the program's title
    coach_id: str
    coach: str  # "Linda Marsh (102264)"
    candidate: str  # "Ryan Patel (115230)"
    amount: float | None  # the stipend once the signed form is in
    file: str  # the form, relative to the run's folder: "payment-requests/<coach> coaching <candidate> - … .pdf"
    words: Words = Words()


@dataclass
class Notice:
    """One message: to a person on the roster, or to the coordinator."""

    key: str  # the employee ID, or COORDINATOR
    name: str
    file: str  # the .eml file's name, safe on every file system
    address: str | None = None  # None: the coordinator's (filled in when sending), or none usable
    email_on_file: str = ""  # the roster's Email when it is not a usable address ("" when blank)
    roles: set[str] = field(default_factory=set)  # coach, candidate, supervisor
    called: set[str] = field(default_factory=set)  # the roles as their programs call them: mentor, coachee …
    findings: list[tuple[Finding, str]] = field(default_factory=list)  # with a note for the reader
    progress: list[Progress] = field(default_factory=list)
    requests: list[RequestToSign] = field(default_factory=list)  # Requests for Payment to sign (coach), or to send (coordinator)
    pass_on: list[Notice] = field(default_factory=list)  # coordinator only: notices without an address
    words: dict[str, Words] = field(default_factory=dict)  # each program's words, by its name

    def words_of(self, program: str) -> Words:
        return self.words.get(program) or Words()

    @property
    def activity(self) -> str:
        """What the recipient's programs call their work, when they all call it one thing (mentoring),
        else coaching: the notice comes from "the mentoring program"."""
        said = ({self.words_of(item.program).activity for item, _ in self.findings}
                | {progress.words.activity for progress in self.progress} | {request.words.activity for request in self.requests})
        return said.pop() if len(said) == 1 else Words().activity

    @property
    def for_coordinator(self) -> bool:
        return COORDINATOR in self.roles


def build_notices(result: RunResult) -> list[Notice]:
    """The week's notices: one per person who must act, then the coordinator's (when it has anything)."""
    people = _people(result.people)
    pairs = result.pairs
    notices: dict[str, Notice] = {}
    coordinator = Notice(COORDINATOR, "Coaching Coordinator", COORDINATOR_FILE, roles={COORDINATOR})

    words = {name: policy.words for name, policy in result.programs.items()}

    def notice_for(person_id: str, role: str, said: Words) -> Notice:
        if person_id not in notices:
            person = people[person_id]
            address = email_address(person["email"])
            on_file = "" if address is not None or _missing(person["email"]) else _text(person["email"])
            notices[person_id] = Notice(person_id, person["name"], "", address, on_file)
        notices[person_id].roles.add(role)
        notices[person_id].called.add(role_word(role, said))
        return notices[person_id]

    unread = _rules_on_missing_tables(result.findings)
    for item in result.findings:
        if item.severity not in ACTING_SEVERITIES:
            continue
        said = words.get(item.program) or Words()
        person_id, note = _addressee(item, people, said)
        if person_id is None:
            coordinator.findings.append((item, note))
        elif item.rule not in unread:
            notice_for(person_id, item.actor, said).findings.append((item, note))

    titles = {name: policy.title for name, policy in result.programs.items()}
    ends = {name: policy.period_end_label for name, policy in result.programs.items()}
    ended = {name: policy.period_ended_label for name, policy in result.programs.items()}
    coordinator.requests = _requests_to_sign(result, titles, words)
    for request in coordinator.requests:
        if request.coach_id in people:
            notice_for(request.coach_id, "coach", request.words).requests.append(request)
    by_person = _pairs_by_person(pairs) if any(n.roles & {"coach", "candidate"} for n in notices.values()) else {}
    for notice in notices.values():
        notice.progress = _progress(notice, by_person, people, titles, words, ends, ended, result.as_of)
        notice.words = words
    coordinator.words = words

    ordered = sorted(notices.values(), key=lambda n: (n.name.casefold(), n.key))
    _name_files(ordered)
    coordinator.pass_on = [n for n in ordered if n.address is None]
    if coordinator.findings or coordinator.requests or coordinator.pass_on:
        ordered.append(coordinator)
    return ordered


def _rules_on_missing_tables(findings: list[Finding]) -> set[str]:
    """The rules judged on the rows of a table the inbox held none of (a TABLE-MISSING names it in its
    topic): each of their findings says only that none is recorded, which is the coordinator's to see to."""
    missing = {f.topic for f in findings if f.rule == "TABLE-MISSING"}
    return {rule for table in missing for rule in RULES_ON_TABLE_ROWS.get(table, ())}


def role_word(role: str, words: Words) -> str:
    """A role (coach, candidate, supervisor) as a program's ``words`` call it: mentor, coachee …"""
    return {"coach": words.coach, "candidate": words.candidate}.get(role, role)


def _addressee(item: Finding, people: dict[str, dict], words: Words) -> tuple[str | None, str]:
    """The employee ID of the person who must act on ``item`` (None: the coordinator) and a note
    for the coordinator when the finding came to them for want of someone to send it to, naming
    the person as the finding's program (``words``) calls them."""
    actor = role_word(item.actor, words)
    if item.actor == "coach":
        person_id = item.coach_id
    elif item.actor == "candidate":
        person_id = item.candidate_id
    elif item.actor == "supervisor":
        candidate = people.get(item.candidate_id)
        person_id = candidate["supervisor_id"] if candidate else ""
        if not person_id:
            return None, f"for the supervisor of {words.candidate} {item.candidate_id or '(no ID)'}: no supervisor on file"
    else:
        return None, ""
    if not person_id:
        return None, f"for the {actor}: no {actor} ID on the finding"  # its Coach ID or Candidate ID
    if person_id not in people:
        return None, f"for the {actor} {person_id}: not on the roster"
    return person_id, ""


def _requests_to_sign(result: RunResult, titles: dict[str, str], words: dict[str, Words]) -> list[RequestToSign]:
    """The pairs whose Request for Payment the run pre-filled (the same pairs, and file names, as
    ``payment-requests/``): paid, ineligible and requested pairs, and programs paying nothing, have none."""
    requests = []
    for pair in waiting_for_request(result).to_dict("records"):
        program = _text(pair.get("program"))
        own_words = words.get(program) or Words()
        coach_id, candidate_id = _text(pair.get("coach_id")), _text(pair.get("candidate_id"))
        coach_name, candidate_name = _text(pair.get("coach_name")), _text(pair.get("candidate_name"))
        requests.append(RequestToSign(
            program=titles.get(program, program),
            coach_id=coach_id,
            coach=f"{coach_name} ({coach_id})" if coach_name else coach_id,
            candidate=f"{candidate_name} ({candidate_id})" if candidate_name else candidate_id,
            amount=_number(pair.get("amount")),
            file=f"{REQUESTS_FOLDER}/{request_name(pair, own_words.activity)}",
            words=own_words,
        ))
    return requests


PAIR_FIELDS = ("program", "status", "candidate_id", "candidate_name", "coach_id", "coach_name", "candidate_hours",
               "candidate_hours_needed", "coach_contact_hours", "coach_contact_hours_needed", "deadline", "not_judged")  # all _progress reads


def _pairs_by_person(pairs: pd.DataFrame) -> dict[tuple[str, str], list[dict]]:
    """Each pair's record under (coach, its coach ID) and (candidate, its candidate ID): looked up once
    per recipient, not searched for (a large run has thousands of both)."""
    by_person: dict[tuple[str, str], list[dict]] = {}
    shown = pairs[[column for column in PAIR_FIELDS if column in pairs.columns]]
    for pair in shown.to_dict("records") if len(pairs) else []:
        for role, column in (("coach", "coach_id"), ("candidate", "candidate_id")):
            by_person.setdefault((role, _text(pair.get(column))), []).append(pair)
    return by_person


def _progress(notice: Notice, by_person: dict[tuple[str, str], list[dict]], people: dict[str, dict],
              titles: dict[str, str], words: dict[str, Words], ends: dict[str, str],
              ended: dict[str, str], as_of: date) -> list[Progress]:
    """The recipient's pairs as coach or candidate that are in progress or that a finding of theirs is
    about; an end date before ``as_of`` is called what ``ended`` calls it (a relationship that ended)."""
    if not notice.roles & {"coach", "candidate"}:
        return []
    about = {(f.candidate_id, f.coach_id) for f in (item for item, _ in notice.findings)}
    rows = []
    for role in ("coach", "candidate"):
        for pair in by_person.get((role, notice.key), []):
            ids = (_text(pair.get("candidate_id")), _text(pair.get("coach_id")))
            if _text(pair.get("status")) in CLOSED_STATUSES and ids not in about:
                continue
            other_id = ids[0] if role == "coach" else ids[1]
            other_name = _text(pair.get("candidate_name" if role == "coach" else "coach_name")) or people.get(other_id, {}).get("name", "")
            own, needed = ("coach_contact_hours", "coach_contact_hours_needed") if role == "coach" else ("candidate_hours", "candidate_hours_needed")
            # a candidate of a program without a candidate minimum (reps, mentoring) who keeps no log
            # of their own: the meetings logged with the coach, not "0"
            with_coach = role == "candidate" and _number(pair.get(needed)) is None and not _number(pair.get(own))
            if with_coach:
                own = "coach_contact_hours"
            program = _text(pair.get("program"))
            deadline = _day(pair.get("deadline"))
            past = deadline is not None and deadline < as_of
            label = ended.get(program) if past else None
            rows.append(Progress(
                program=titles.get(program, program),
                role=role,
                other=f"{other_name} ({other_id})" if other_name else other_id,
                hours=_number(pair.get(own)),
                hours_needed=_number(pair.get(needed)),
                candidate_hours=_number(pair.get("candidate_hours")) if role == "coach" else None,
                candidate_hours_needed=_number(pair.get("candidate_hours_needed")) if role == "coach" else None,
                deadline=deadline,
                deadline_label=label or ends.get(program, "Deadline"),
                with_coach=with_coach,
                words=words.get(program) or Words(),
                not_judged=_text(pair.get("not_judged")),
            ))
    return rows


def _name_files(notices: list[Notice]) -> None:
    """``<employee-id>-<name>.eml`` in lower-case ASCII letters, digits and dashes (safe on Windows
    too: a stem Windows keeps for a device, ``nul``, gets ``-person``); a clash after that folding
    gets ``-2``, ``-3`` …"""
    taken = {COORDINATOR_FILE}
    for notice in notices:
        stem = "-".join(part for part in (_slug(notice.key), _slug(notice.name)[:MAX_NAME_CHARS].strip("-")) if part) or "person"
        if stem.upper() in WINDOWS_DEVICE_NAMES:  # "nul.eml" cannot be copied to Windows
            stem = f"{stem}-person"
        name, number = f"{stem}.eml", 1
        while name in taken:
            number += 1
            name = f"{stem}-{number}.eml"
        taken.add(name)
        notice.file = name


# Latin letters that are not a plain letter with accents (so NFKD keeps them whole and the ASCII
# folding dropped them: Đặng Văn Đức was "ang-van-uc")
_OWN_LETTERS = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
                              "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Þ": "Th", "þ": "th", "ß": "ss", "ı": "i",
                              "Ħ": "H", "ħ": "h"})


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.translate(_OWN_LETTERS)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _people(frame: pd.DataFrame) -> dict[str, dict]:
    """The roster by employee ID (text), each person's name, email and supervisor ID."""
    people = {}
    for row in frame.to_dict("records") if len(frame) else []:
        person_id = _text(row.get("employee_id"))
        if person_id:
            people[person_id] = {"name": _text(row.get("name")) or person_id, "email": row.get("email"),
                                 "supervisor_id": _text(row.get("supervisor_id"))}
    return people


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    if value is None or _missing(value):
        return ""
    return " ".join(str(value).split())  # one line: a value never breaks a header or a line of the body


def _number(value: object) -> float | None:
    if value is None or _missing(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _day(value: object) -> date | None:
    if value is None or _missing(value):
        return None
    return pd.Timestamp(value).date()
