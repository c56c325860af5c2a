"""The weekly exception report (``exceptions.xlsx``): what is wrong, where, who must act, since when.

Each finding carries a status compared with the previous run — New, Open (seen before) or Resolved
(seen before, gone now) — from ``RunResult.finding_history``, which the ledger fills, keyed by
:func:`finding_key`; a finding whose row moved, whose workbook or sheet was renamed or whose sheet
was moved into another workbook stays Open (:func:`moved_findings`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..findings import DUPLICATE_REPEATS, SEVERITY_ORDER, TOTAL_MISMATCH_SUMS, Finding, Severity, sort_key
from ..model import RunResult
from ..policy import Words, capital
from .programs import programs_title, run_programs
from .xlsx import (
    COUNT, DATE, INTEGER, LONG_TEXT, Column, Formats, continued_note, make_printable, open_workbook, write_cell,
    write_header, write_table, write_wrapped,
)

ACTOR_ORDER = ("coordinator", "coach", "candidate", "supervisor")
NEW, OPEN, RESOLVED = "New", "Open", "Resolved"
STATUSES = (NEW, OPEN, RESOLVED)
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_CELL = re.compile(r"([A-Z]+)([0-9]+)")  # an A1 reference: its column letters, its row
_WORKBOOK_SUFFIX = re.compile(r"\.(?:xlsx|xlsm|xls|ods)$", re.IGNORECASE)  # a workbook saved in another format
# A message that quotes, after what its cell says, what changes as the sheet is edited: the sums of a
# `Total Hours` footer's entries, which change as entries are added above it (rules.logs.check_footers),
# or where the entry a duplicate repeats is, which moves with its row, sheet or workbook: the cell is
# told by the part before.
_CHANGING_QUOTE = {"LOG-TOTAL-MISMATCH": TOTAL_MISMATCH_SUMS, "LOG-DUPLICATE": DUPLICATE_REPEATS}
# What stands for a sheet's own name, quoted in its findings' messages (`Sheet 'Notes' holds no table …`),
# where a sheet renamed in its workbook is compared with last week's
_THE_SHEET = "<this sheet>"
# Findings about an entry typed twice, reported at the copy read later: which copy that is changes as
# log workbooks are renamed, split or merged (they are read in name order); the entry is the same
_AT_EITHER_COPY = {"LOG-DUPLICATE"}

# The finding's own columns, shared with the Exceptions sheet of results.xlsx.
FINDING_COLUMNS = [
    Column("severity", "Severity"),
    Column("rule", "Rule"),
    Column("message", "Message", LONG_TEXT, width=55),
    Column("file", "File", LONG_TEXT, width=28),
    Column("sheet", "Sheet"),
    Column("cell", "Cell"),
    Column("candidate_id", "Candidate ID"),
    Column("coach_id", "Coach ID"),
    Column("program", "Program"),  # the pair's program; blank for a file, sheet or cell
    Column("fix", "Fix", LONG_TEXT, width=45),
    Column("actor", "Who Acts"),
]
REPORT_COLUMNS = [
    Column("status", "Status"),
    *FINDING_COLUMNS,
    Column("first_seen", "First Seen", DATE),
    Column("age_days", "Age (days)", INTEGER),
]


def finding_key(f: Finding) -> str:
    """The finding's identity from run to run: rule|file|sheet|cell|candidate_id|coach_id, and its
    topic when it has one (several findings of one rule about a pair: a reason, a role, a month).

    The message is left out on purpose (it quotes hours and dates that change every week). A ``|``
    or ``\\`` inside a part is escaped with a backslash so two different findings never share a key.
    A finding whose row moved (a row deleted or inserted above it) is found by :func:`moved_findings`.
    """
    parts = [str(p or "") for p in (f.rule, f.file, f.sheet, f.cell, f.candidate_id, f.coach_id)]
    if f.topic:
        parts.append(str(f.topic))
    key = "|".join(parts)
    if "\\" in key or key.count("|") >= len(parts):  # a part holds one: escape them (rare; a run has many findings)
        key = "|".join(p.replace("\\", "\\\\").replace("|", "\\|") for p in parts)
    return key


def moved_findings(new: Iterable[Finding], gone: Iterable[Finding], found: Iterable[Finding] | None = None) -> dict[str, str]:
    """The findings of this run that last run had at another row, in the same workbook saved in
    another format, or in a workbook of another name: this run's key → last run's key.

    A row deleted or inserted above a finding moves its cell (E4 → E3), and so its key, as does a
    column deleted or inserted to its left (E4 → F4); so does the workbook saved again as .xls or
    .ods (Log.xlsx → Log.ods). A ``new`` finding (its key not seen last run) is a ``gone`` one (last
    run's key not seen now) when all but the cell and the file's extension is the same: rule, file,
    sheet, pair, topic and the message, which names the cell's column and quotes its value (a footer's mismatch: what the footer says, the sums it
    quotes changing with the entry added above it; a duplicate entry: the entry, not where the one it
    repeats is: :func:`_what_it_says`). Several alike are paired in row order, nearest first.

    Renaming a workbook, or moving a sheet into another one, changes the keys of its findings too,
    and so does renaming a sheet in its workbook. Of those left, one is the other when they are the
    only two alike apart from their file (at the same sheet and cell, with the same message:
    :func:`_likeness_in_any_file`), or else apart from their sheet's name (in the same workbook:
    :func:`_likeness_in_renamed_sheet`, the sheet's name its message quotes left out too), and, for a
    cell's, when no finding of ``found`` (this run's, all of them; ``new`` if not given) is left on the
    sheet where it was: the sheet is no longer there (for a sheet's own finding, none in the workbook
    where it was, :func:`_left_behind`, or, renamed in it, none on the sheet of its old name).
    Last, a doubled entry reported at its other copy (:func:`_likeness_at_either_copy`) is the one
    of last run, when it is the only one of that pair's entry on either side.
    """
    new, gone = list(new), list(gone)
    moved = _paired(new, gone, _likeness_in_workbook, one_for_one=False)
    still = {_sheet_of(f) for f in (new if found is None else found)}
    for likeness, left_behind in ((_likeness_in_any_file, _left_behind), (_likeness_in_renamed_sheet, _sheet_left_behind),
                                  (_likeness_at_either_copy, _copy_left_behind)):
        matched = set(moved.values())
        moved |= _paired([f for f in new if finding_key(f) not in moved],
                         [f for f in gone if finding_key(f) not in matched and not left_behind(f, still)],
                         likeness, one_for_one=True)
    return moved


def _left_behind(f: Finding, still: set[tuple[str, str]]) -> bool:
    """Whether the place a finding of last run was at still has something to report (``still``: this
    run's (workbook, sheet) of each finding): a cell's sheet, a sheet's own workbook. If so, its
    finding was fixed there, not carried into a workbook or sheet of another name."""
    if f.cell:
        return _sheet_left_behind(f, still)
    if f.sheet and not (f.candidate_id or f.coach_id):
        return _sheet_of(f)[0] in {workbook for workbook, _ in still}
    return False


def _sheet_left_behind(f: Finding, still: set[tuple[str, str]]) -> bool:
    """Whether the sheet a finding of last run was on still has something to report: if so, it was
    fixed there, not carried to a sheet of another name."""
    return _sheet_of(f) in still


def _copy_left_behind(f: Finding, still: set[tuple[str, str]]) -> bool:
    """Never: the copy of a doubled entry that was reported last run is still there, the one repeated
    by the other copy now."""
    return False


def match_history(current: dict[str, Finding], previous: dict[str, Finding]) -> tuple[dict[str, str], list[str]]:
    """This run's findings matched with last run's, both by :func:`finding_key`: this run's key →
    last run's key of each finding seen before, and last run's keys of those not seen now.

    A key seen both weeks is the same finding, unless it is a cell's whose message changed while
    another row's problem moved onto that cell (an entry inserted above two bad cells: the lower
    one's cell of last week now holds the upper one, alike a problem last week had at another row);
    then each is matched by :func:`moved_findings` to where it was. A cell typed wrong in another
    way, like no problem of last week, is the same bad cell still. A finding gone from a cell that
    another holds now is not listed as gone: its key is the other's now.
    """
    # last week's problems no longer found where they were: the ones a changed cell may have moved from
    before = {_likeness_in_workbook(f) for key, f in previous.items()
              if f.cell and (key not in current or current[key].message != f.message)}
    doubtful = {key for key, f in current.items()
                if f.cell and key in previous and previous[key].message != f.message and _likeness_in_workbook(f) in before}
    moved = moved_findings([f for key, f in current.items() if key not in previous or key in doubtful],
                           [f for key, f in previous.items() if key not in current or key in doubtful],
                           current.values())
    claimed = set(moved.values())
    matched = {key: key for key in current if key in previous and key not in moved and key not in claimed}
    matched |= moved
    upgraded = _topic_named({key: f for key, f in current.items() if key not in matched},
                            {key: f for key, f in previous.items() if key not in current and key not in claimed})
    matched |= upgraded
    claimed |= set(upgraded.values())
    gone = [key for key in previous if key not in current and key not in claimed]
    return matched, gone


def _topic_named(new: dict[str, Finding], gone: dict[str, Finding]) -> dict[str, str]:
    """This run's key → last run's key of a finding stored without a topic by an earlier version (a
    month over its limit, before months were told apart) and the one finding now of the same rule,
    workbook, sheet and pair whose topic that stored message names: it is the same problem, seen
    since then, not Resolved and New on the first run after the upgrade."""
    def place(f: Finding) -> tuple:
        return (f.rule, *_sheet_of(f), f.candidate_id, f.coach_id)

    with_topic = defaultdict(list)
    for key, f in new.items():
        if f.topic:
            with_topic[place(f)].append((key, f.topic))
    found: dict[str, str] = {}
    for old_key, f in gone.items():
        if f.topic:
            continue
        named = [key for key, topic in with_topic.get(place(f), ()) if topic in f.message]
        if len(named) == 1 and named[0] not in found:
            found[named[0]] = old_key
    return found


def _paired(new: list[Finding], gone: list[Finding], likeness, *, one_for_one: bool) -> dict[str, str]:
    """This run's key → last run's key of the findings alike by ``likeness`` (None: never alike), in
    row order; ``one_for_one``: only where one is alike one, never guessing among several."""
    def by_likeness(findings: list[Finding]) -> dict[tuple, list[tuple[int, str]]]:
        alike = defaultdict(list)
        for f in findings:
            if (like := likeness(f)) is not None:
                alike[like].append((_row(f), finding_key(f)))
        return alike

    before = by_likeness(gone)
    return {key: old_key for like, found in by_likeness(new).items()
            if not one_for_one or len(found) == len(before.get(like, ())) == 1
            for (_, key), (_, old_key) in _in_row_order(sorted(found), sorted(before.get(like, [])))}


def _in_row_order(found: list[tuple[int, str]], was: list[tuple[int, str]]) -> Iterable[tuple]:
    """``found`` and ``was`` (row, key), each sorted by row, paired in row order. Where one side has
    more (a row with the problem deleted, or one added), the fewer are paired with the consecutive
    ones of the other side nearest their rows: E5 and E9 last run, row 5 deleted, E8 is E9."""
    fewer, more = sorted((found, was), key=len)
    start = 0
    if fewer and len(more) > len(fewer):  # one numpy sum per start: a column may hold thousands alike
        rows, others = np.array([row for row, _ in fewer]), np.array([row for row, _ in more])
        start = min(range(len(more) - len(fewer) + 1), key=lambda first: np.abs(others[first:first + len(rows)] - rows).sum())
    return zip(found[start:], was) if more is found else zip(found, was[start:])


def _likeness_in_workbook(f: Finding) -> tuple:
    """All of a finding but its cell's row and column and its file's extension; and but its message
    where it has a topic: the pair has one such finding (a month over the limit), whose message
    quotes a total that changes as entries are added, and its row may move with them. A cell's
    column is told by the message, which names its header (`Type of Contact 'Phnoe' …`): a column
    inserted or deleted to its left moves it (D11 → E11), as a row does (D11 → D12)."""
    return (f.rule, *_sheet_of(f), f.candidate_id, f.coach_id, f.topic, bool(f.cell), "" if f.topic else _what_it_says(f))


def _what_it_says(f: Finding) -> str:
    """A finding's message, or where it also quotes what changes as the sheet is edited, only what its
    cell says: a `Total Hours` footer's mismatch, `Total Hours says 12.00 h` (an entry inserted above
    a footer moves it down a row and adds to the sums at once; the footer is the same); a duplicate
    entry, `candidate log entry of 2026-05-22 (1.75 h)` (the entry it repeats moves with its row,
    sheet or workbook; the duplicate is the same)."""
    after = _CHANGING_QUOTE.get(f.rule)
    return f.message.split(after, 1)[0] if after else f.message


def _sheet_of(f: Finding) -> tuple[str, str]:
    """The workbook (whatever its format) and sheet of a finding."""
    return _WORKBOOK_SUFFIX.sub("", f.file), f.sheet


def _likeness_in_any_file(f: Finding) -> tuple | None:
    """What a finding is, whatever its workbook is called: a cell's is all but the file (the sheet is
    in a renamed workbook, or was moved into another one); a finding about a pair with no cell of its
    own is about the pair (its rule and topic), not about the assignments workbook it names, and its
    message changes week by week. A sheet's own finding (a sheet holding no table the run reads) is
    about the sheet of that name, with that message. None for a file's own finding: its file is what
    it is about."""
    if f.cell:
        return (f.rule, f.sheet, f.cell, f.candidate_id, f.coach_id, f.topic, _what_it_says(f))
    if f.candidate_id or f.coach_id:
        return (f.rule, f.candidate_id, f.coach_id, f.topic)
    if f.sheet:
        return (f.rule, f.sheet, "", "", "", f.topic, f.message)
    return None


def _likeness_in_renamed_sheet(f: Finding) -> tuple | None:
    """What a cell's or a sheet's own finding is, whatever its sheet is called (a log's tab renamed,
    `Hector Ruiz` as `Hector Ruiz 2026`; a roster's `Notes` holding no table as `Notes 2026`): all but
    the sheet's name, in the same workbook, and its message with the sheet's name it quotes left out.
    None for any other finding."""
    if not f.cell and (not f.sheet or f.candidate_id or f.coach_id):
        return None
    said = _what_it_says(f).replace(repr(f.sheet), _THE_SHEET) if f.sheet else _what_it_says(f)
    return (f.rule, _sheet_of(f)[0], f.cell, f.candidate_id, f.coach_id, f.topic, said)


def _likeness_at_either_copy(f: Finding) -> tuple | None:
    """What a doubled entry is, whichever of its copies it is reported at (a log workbook split, its
    sheet now read after the other copy's: `Spring … part 2.xlsx` A19, not `Summer ….xlsx` A2): the
    pair's entry, its kind, date and hours, wherever either copy is. None for any other finding."""
    if f.rule not in _AT_EITHER_COPY:
        return None
    return (f.rule, f.candidate_id, f.coach_id, f.topic, _what_it_says(f))


def _row(f: Finding) -> int:
    cell = _CELL.fullmatch(f.cell)
    return int(cell[2]) if cell else 0


def topic_of_key(key: str) -> str:
    """The topic a :func:`finding_key` holds ('' when it has none): a finding read back from the
    ledger gets it again, so its key is the one stored."""
    parts, part, escaped = [], [], False
    for char in key:
        if escaped:
            part.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            parts.append("".join(part))
            part = []
        else:
            part.append(char)
    parts.append("".join(part))
    return parts[6] if len(parts) > 6 else ""


@dataclass(frozen=True)
class TrackedFinding:
    """A finding with its place in the weekly history."""

    finding: Finding
    status: str  # New / Open / Resolved
    first_seen: date
    age_days: int


def tracked_findings(result: RunResult) -> list[TrackedFinding]:
    """This run's findings (New or Open) followed by the resolved ones, each in catalogue order."""
    as_of = pd.Timestamp(result.as_of).date()
    tracked = []
    for f in sorted(result.findings, key=sort_key):
        status, first_seen = _history(result.finding_history, f, as_of)
        tracked.append(_tracked(f, status if status in (NEW, OPEN) else OPEN, first_seen, as_of))
    for f in sorted(result.resolved, key=sort_key):
        _, first_seen = _history(result.finding_history, f, as_of)
        tracked.append(_tracked(f, RESOLVED, first_seen, as_of))
    return tracked


def report_order(tracked: Iterable[TrackedFinding], words: Mapping[str, Words] | None = None) -> list[TrackedFinding]:
    """Grouped by who acts (coordinator, coach, candidate, supervisor), each role by what the
    findings' programs call it (``words``: each program's, by name; Coach, then Mentor); in each
    group the open findings before the resolved ones, errors before warnings before info, then
    oldest first."""
    return sorted(tracked, key=lambda t: (
        actor_rank(t.finding.actor), actor_label(t.finding, words), t.status == RESOLVED,
        SEVERITY_ORDER.get(t.finding.severity, len(SEVERITY_ORDER)), t.first_seen, sort_key(t.finding),
    ))


def actor_rank(actor: str) -> int:
    return ACTOR_ORDER.index(actor) if actor in ACTOR_ORDER else len(ACTOR_ORDER)


def actor_label(f: Finding, words: Mapping[str, Words] | None = None) -> str:
    """Who acts on ``f``, in the words of its program (``words``: each program's, by name): the coach
    of a mentoring pair is its Mentor, the candidate of a reps pair its Coachee; the coordinator
    and the supervisor are called so in every program."""
    return role_label(f.actor, (words or {}).get(f.program) or Words())


def role_label(actor: str, words: Words) -> str:
    """An actor's role key (coach, candidate, coordinator …) as ``words`` call it, capitalised."""
    said = {"coach": words.coach, "candidate": words.candidate}.get(actor, actor)
    return capital(said)


def findings_frame(findings: Iterable[Finding], words: Mapping[str, Words] | None = None) -> pd.DataFrame:
    """Findings as rows for a sheet (FINDING_COLUMNS), in the order given, with readable labels: who
    acts in the words of the finding's program (``words``: each program's, by name)."""
    return pd.DataFrame([_finding_row(f, words) for f in findings], columns=[c.key for c in FINDING_COLUMNS])


def report_frame(tracked: Iterable[TrackedFinding], words: Mapping[str, Words] | None = None) -> pd.DataFrame:
    rows = [{"status": t.status, **_finding_row(t.finding, words), "first_seen": t.first_seen, "age_days": t.age_days}
            for t in tracked]
    return pd.DataFrame(rows, columns=[c.key for c in REPORT_COLUMNS])


def program_words(result: RunResult) -> dict[str, Words]:
    """Each of the run's programs' words, by its name: what a finding of it calls coach and candidate."""
    return {name: policy.words for name, policy in run_programs(result).items()}


def write_exceptions(result: RunResult, path: Path, tracked: list[TrackedFinding] | None = None) -> None:
    """Write ``exceptions.xlsx``: a Summary sheet and the Exceptions sheet, both printable; ``tracked``:
    the run's :func:`tracked_findings`, when already worked out (run.json lists them too)."""
    words = program_words(result)
    tracked = report_order(tracked_findings(result) if tracked is None else tracked, words)
    workbook = open_workbook(path)
    formats = Formats(workbook)
    title = f"Weekly exception report — {programs_title(result)}"

    summary = workbook.add_worksheet("Summary")
    _write_summary(summary, formats, result, tracked, words)
    make_printable(summary, title, as_of=result.as_of, repeat_header=False)

    for sheet in write_table(workbook, formats, "Exceptions", report_frame(tracked, words), REPORT_COLUMNS,
                             severity_key="severity", settled=("status", RESOLVED)):
        make_printable(sheet, title, as_of=result.as_of)
    workbook.close()


SEVERITY_COUNT_WIDTH = 12  # the Summary's columns of counts by severity (B on), which the program titles span
WHO_ACTS_WIDTH = 42  # and its column of who acts (A)


def _write_summary(sheet, formats: Formats, result: RunResult, tracked: list[TrackedFinding],
                   words: Mapping[str, Words]) -> None:
    sheet.write_string(0, 0, "Weekly exception report", formats.title)
    write_cell(sheet, formats, 1, 0, "As of", cell_format=formats.label)
    write_cell(sheet, formats, 1, 1, result.as_of, DATE)
    titles = [policy.title or name for name, policy in run_programs(result).items()]
    write_cell(sheet, formats, 2, 0, "Programs" if len(titles) > 1 else "Program", cell_format=formats.label)
    for row, title in enumerate(titles, start=2):  # one a line: side by side they ran off the printed page
        write_wrapped(sheet, row, 1, len(SEVERITIES) + 1, title, formats.by_kind[LONG_TEXT],
                      SEVERITY_COUNT_WIDTH * (len(SEVERITIES) + 1) - 1)  # and a long one wraps in the columns' width

    row = 3 + len(titles)
    sheet.write_string(row, 0, "Open findings (New and Open) by who acts", formats.section)
    grid = Counter((actor_label(t.finding, words), t.finding.severity) for t in tracked if t.status != RESOLVED)
    actors = _summary_actors({t.finding for t in tracked if t.status != RESOLVED}, words)
    header = [Column("actor", "Who Acts")] + [Column(s, s.capitalize()) for s in SEVERITIES] + [Column("total", "Total")]
    write_header(sheet, formats, header, row + 1)
    row += 2
    for actor in actors:
        write_cell(sheet, formats, row, 0, actor)
        for col, severity in enumerate(SEVERITIES, start=1):
            write_cell(sheet, formats, row, col, grid[actor, severity], COUNT)
        write_cell(sheet, formats, row, len(SEVERITIES) + 1, sum(grid[actor, s] for s in SEVERITIES), COUNT)
        row += 1
    write_cell(sheet, formats, row, 0, "Total", cell_format=formats.label)
    for col, severity in enumerate(SEVERITIES, start=1):
        write_cell(sheet, formats, row, col, sum(grid[a, severity] for a in actors), COUNT, formats.label)
    write_cell(sheet, formats, row, len(SEVERITIES) + 1, sum(grid.values()), COUNT, formats.label)

    row += 2
    sheet.write_string(row, 0, "Findings by status", formats.section)
    write_header(sheet, formats, [Column("status", "Status"), Column("count", "Findings")], row + 1)
    row += 2
    by_status = Counter(t.status for t in tracked)
    for status in STATUSES:
        write_cell(sheet, formats, row, 0, status)
        write_cell(sheet, formats, row, 1, by_status[status], COUNT)
        row += 1
    write_cell(sheet, formats, row, 0, "Total", cell_format=formats.label)
    write_cell(sheet, formats, row, 1, sum(by_status.values()), COUNT, formats.label)
    continued = continued_note("Exceptions", len(tracked))
    if continued:  # a million findings: the table goes on past its sheet's last row
        write_wrapped(sheet, row + 2, 0, len(SEVERITIES) + 1, f"The Exceptions table: {continued}.",
                      formats.by_kind[LONG_TEXT], WHO_ACTS_WIDTH + SEVERITY_COUNT_WIDTH * (len(SEVERITIES) + 1) - 1)

    sheet.set_column(0, 0, WHO_ACTS_WIDTH)
    sheet.set_column(1, len(SEVERITIES) + 1, SEVERITY_COUNT_WIDTH)


def _summary_actors(findings: Iterable[Finding], words: Mapping[str, Words]) -> list[str]:
    """The Summary's rows of who acts: each role as each of the run's programs calls it (``words``, by
    program: Coach and Mentor, Candidate, Coachee and Mentee; one row for a word programs share), and
    any other a finding names, in the order of :data:`ACTOR_ORDER`, a role's words in alphabetical order."""
    programs = list(words.values()) or [Words()]
    said = {(actor_rank(actor), role_label(actor, w)) for actor in ACTOR_ORDER for w in programs}
    said |= {(actor_rank(f.actor), actor_label(f, words)) for f in findings}
    return [label for _, label in sorted(said)]


def _history(history: dict[str, tuple[str, date]], f: Finding, as_of: date) -> tuple[str, date]:
    """(status, first seen) from the ledger's history; a finding it has never seen is New today."""
    seen = history.get(finding_key(f))
    if seen is None:
        return NEW, as_of
    status, first_seen = seen
    return str(status).strip().capitalize(), _as_date(first_seen, as_of)


def _tracked(f: Finding, status: str, first_seen: date, as_of: date) -> TrackedFinding:
    return TrackedFinding(f, status, first_seen, max((as_of - first_seen).days, 0))


def _as_date(value: object, default: date) -> date:
    if type(value) is date:  # as the ledger gives it: the rest is for other values kept by hand
        return value
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return default
    return default if stamp is pd.NaT else stamp.date()


def _finding_row(f: Finding, words: Mapping[str, Words] | None = None) -> dict[str, str]:
    return {
        "severity": str(f.severity).capitalize(),
        "rule": f.rule,
        "message": f.message,
        "file": f.file,
        "sheet": f.sheet,
        "cell": f.cell,
        "candidate_id": f.candidate_id,
        "coach_id": f.coach_id,
        "program": f.program,
        "fix": f.fix,
        "actor": actor_label(f, words) if f.actor else "",
    }
