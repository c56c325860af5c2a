"""Which table a sheet holds, decided by its header row (SPEC §3).

Headers match after normalisation: case-folded, whitespace runs made one space, typographic quotes
made plain (``’`` is ``'``), a trailing ``:``
and a trailing parenthesised hint dropped. A sheet is the table whose required headers are all in
one row and which matches the most headers of that row.

A table lacking a required header is still recognised (and reported) when it matches the most
headers; against a table complete in the same row, its optional free-text headers (Notes, Campus,
Description …) count half: such headers are on many kinds of sheet, so a candidate log with Campus
and Notes columns stays a candidate log rather than a milestones table lacking its Phase.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import repeat

from .contracts import TABLE_ORDER, tables
from .settings import HEADER_SEARCH_ROWS, PARTIAL_MATCH_MIN_HEADERS
from .spelling import DASHES_AS_HYPHENS, PLAIN_QUOTES, WHITESPACE_RUN, WITHOUT_INVISIBLE

_HINT = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)\s*$")  # "(In Person, Phone (incl. Teams), Email)"
_CURLY = re.compile("[\u2018\u2019\u201c\u201d]")


def normalise_header(value: object) -> str:
    """`Type of Contact (In Person, Phone, Email)` → `type of contact`; `Candidate Name:` → `candidate name`."""
    if not isinstance(value, str):
        return ""
    return _normalise_text(value)


@lru_cache(maxsize=8192)  # a workbook repeats its headers, labels and phrases; a worker reads thousands
def _normalise_text(value: str) -> str:
    text = WHITESPACE_RUN.sub(" ", value).strip().casefold()
    if not text.isascii():  # full-width `Name：` or `（hours）`, as East Asian keyboards type them
        text = unicodedata.normalize("NFKC", text).translate(DASHES_AS_HYPHENS).translate(WITHOUT_INVISIBLE).strip()
    if _CURLY.search(text):  # rare: translate() on every text of a sheet's first rows costs more than the look
        text = text.translate(PLAIN_QUOTES)
    text = text.lstrip("* ")  # "*Date": a required column marked, as some forms do, before its name
    for _ in range(2):  # "Hours (h:mm):" has both a hint and a colon
        text = text.rstrip(" :*").strip()
        text = _HINT.sub("", text).strip()
    return text


@cache
def _header_index() -> dict[str, list[tuple[str, str]]]:
    """normalised header → [(table, column)] for every accepted header of every table."""
    index: dict[str, list[tuple[str, str]]] = {}
    for table in tables().values():
        for column in table.columns:
            for header in column.headers:
                index.setdefault(normalise_header(header), []).append((table.name, column.name))
    return index


# The words a program names a pair's two people by (SPEC §2a: a mentee or a coachee is a candidate,
# a mentor a coach): word → role.
ROLE_WORDS = {"candidate": "candidate", "mentee": "candidate", "coachee": "candidate", "coach": "coach", "mentor": "coach"}
# The labels naming a log's pair above its table (the paper form, SPEC §3): text → (role, kind).
PAIR_LABELS = {f"{word} {kind}": (role, kind) for word, role in ROLE_WORDS.items() for kind in ("name", "id")}

# A pair's block above a log may name a date besides the pair (`Date:`); a header row names its table's columns
_BLOCK_OTHER_HEADERS = 1
_WEAK_WEIGHT = 0.5  # an optional free-text header: weak evidence for a table lacking a required one


@cache
def _weights() -> dict[str, dict[str, float]]:
    """table → column → how much a matched header of that column counts."""
    return {
        table.name: {c.name: _WEAK_WEIGHT if c.type == "text" and not c.required else 1.0 for c in table.columns}
        for table in tables().values()
    }


@dataclass
class Recognition:
    table: str | None
    header_row: int | None = None  # 0-based index into the rows given
    columns: dict[str, int] = field(default_factory=dict)  # canonical column → 0-based column index
    missing: list[str] = field(default_factory=list)  # required columns absent from the header


def is_blank(cell: object) -> bool:
    """An empty cell, or one of spaces only."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _match_row(row: list) -> dict[str, dict[str, int]]:
    """For one row: table → {column: position} of the headers it contains (first occurrence wins).

    A cell ending in ``:`` whose next filled cell is not a header is a label with its value
    (`Candidate ID: | 200`, the paper log's block above its table), not a header. So is every
    `Candidate ID:` / `Coach ID:` / `… Name:` of a row where one such label has a blank cell beside
    it and no more than one other header: the block left unfilled (`Candidate ID: | | Coach ID: |`).
    A header row typed with colons may have such a gap (a blank column between its columns, a note
    typed right of its last one) beside the other headers of its table.
    """
    found: dict[str, dict[str, int]] = {}
    for position, matches in _header_cells(row):
        for table, column in matches:
            found.setdefault(table, {}).setdefault(column, position)
    return found


def _header_cells(row: list):
    """The row's cells that are headers, as (position, the (table, column) pairs they match)."""
    unfilled_block = None  # judged once, only for a row with a matched cell ending in ":"
    for position, cell in enumerate(row):
        if not isinstance(cell, str):  # dates and numbers are never headers
            continue
        matches = _matches(cell)
        if not matches or _is_label(row, position):
            continue
        if _is_pair_label(cell):
            if unfilled_block is None:
                unfilled_block = _has_unfilled_pair_label(row)
            if unfilled_block:
                continue
        yield position, matches


@lru_cache(maxsize=8192)
def _matches(cell: str) -> tuple[tuple[str, str], ...]:
    """The (table, column) pairs whose accepted headers a cell's text is."""
    return tuple(_header_index().get(_normalise_text(cell), ()))


def _is_pair_label(cell: object) -> bool:
    """`Candidate ID:`, `Coach Name:` …: a cell naming a log's candidate or coach, ending in a colon."""
    return isinstance(cell, str) and cell.rstrip().endswith(":") and _normalise_text(cell) in PAIR_LABELS


def _has_unfilled_pair_label(row: list) -> bool:
    """Whether the row is a pair's block left unfilled: a pair label of it has a blank cell beside it,
    where its value was to be written, and the row holds at most one header besides its pair labels
    (`Candidate ID: | | Coach ID: | | Date:`); a header row holds its table's other headers."""
    return (any(_is_pair_label(cell) and position + 1 < len(row) and is_blank(row[position + 1])
                for position, cell in enumerate(row))
            and _other_headers(row) <= _BLOCK_OTHER_HEADERS)


def _is_label(row: list, position: int) -> bool:
    """Whether a cell ending in ``:`` is a label with its value in the next filled cell: a date or a
    number (`Date: | 9/1/2026`), or, after a pair's label (`Candidate Name: | Kim Lee`), words that
    are neither a header nor another label. Any other header with a colon is a header, whatever
    column follows it (`Employee Name: | Phone`)."""
    cell = row[position]
    if not cell.rstrip().endswith(":"):
        return False
    after = next((cell for cell in row[position + 1 :] if not is_blank(cell)), None)
    if after is None:
        return False
    if not isinstance(after, str):
        return True
    if not _is_words_value(after):
        return False
    return _normalise_text(cell) in PAIR_LABELS and not _has_other_header(row)


def _is_words_value(cell: str) -> bool:
    """Whether text after a cell ending in ``:`` is words written as its value: neither a header nor a label."""
    text = _normalise_text(cell)
    return not (text in _header_index() or text in PAIR_LABELS or cell.rstrip().endswith(":"))


def _has_other_header(row: list) -> bool:
    """Whether the row holds a header besides its pair labels: then it is a header row, and its
    `Candidate ID:` a header whatever column follows it (`Candidate ID: | Candidate | Status`). A
    paper log's block holds only labels with their values (`Date: | 9/1/2026`, `Program: | ITSS
    Coaching` are ones too)."""
    return _other_headers(row) > 0


def _other_headers(row: list) -> int:
    """How many headers the row holds besides its pair labels and labels with a value."""
    count = 0
    for k, cell in enumerate(row):
        if not isinstance(cell, str) or _is_pair_label(cell) or not _matches(cell):
            continue
        after = next((other for other in row[k + 1 :] if not is_blank(other)), None)
        if cell.rstrip().endswith(":") and after is not None and (not isinstance(after, str) or _is_words_value(after)):
            continue
        count += 1
    return count


def recognise(rows: list[list]) -> Recognition:
    """Find the header row among the first rows and the table it belongs to."""
    # (weighted matches, complete, -row, -missing columns, -table order) ranks candidates: of two broken
    # tables matching as much, the one lacking fewer columns is named (`Candidate ID | Coach ID | Date`
    # lacks only Duration as a candidate log, two columns as a coach log)
    best: tuple | None = None
    best_recognition = Recognition(table=None)
    for row_number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        # A row's score is at most its number of text cells (one header each): a row of fewer than
        # the best score so far cannot outrank it, and a data row is usually such a row.
        if best is not None and sum(map(isinstance, row, repeat(str))) < best[0]:
            continue
        for score, complete, order, table_name, columns, missing in _row_candidates(row):
            rank = (score, complete, -row_number, -len(missing), -order)
            if best is None or rank > best:
                best = rank
                best_recognition = Recognition(table_name, row_number, dict(columns), list(missing))
    return best_recognition


def table_beside(row: list, recognition: Recognition) -> tuple[str, int] | None:
    """A second whole table on the header row, all of it to the right or all to the left of the one
    recognised (a roster and its assignments typed side by side, a second log pasted beside the
    first): its name and its first header's 0-based position. None when there is none."""
    first, last = min(recognition.columns.values()), max(recognition.columns.values())
    for rest in ([None] * (last + 1) + list(row[last + 1 :]), list(row[:first])):
        complete = [candidate for candidate in _row_candidates(rest) if candidate[1]]
        if complete:
            *_, table_name, columns, _ = max(complete)
            return table_name, min(columns.values())
    return None


def table_below(row: list, table: str) -> tuple[str, int] | None:
    """A row under a sheet's ``table`` that is the whole header row of another table (a second table
    typed below the first: the requests under the recommendations): its name and its first header's
    0-based position. None when it is not (a row of data, or ``table``'s header typed again)."""
    complete = [candidate for candidate in _row_candidates(row) if candidate[1]]
    if not complete:
        return None
    *_, table_name, columns, _ = max(complete)
    return None if table_name == table else (table_name, min(columns.values()))


def repeated_headers(row: list, recognition: Recognition, beside: int | None = None) -> list[tuple[int, int]]:
    """The recognised table's columns headed twice on its header row (`Coach ID` typed again, or
    `Duration` beside `Hours`, two headings of one column): (0-based position of the column read,
    of the one not read), for each second heading. The first is read; the headers of a second table
    ``beside`` (its first header's position, see :func:`table_beside`) are that table's own."""
    try:
        return list(_repeated_in(tuple(row), recognition.table, tuple(recognition.columns.items()), beside))
    except TypeError:  # a cell that cannot be hashed (never from a workbook reader): judged uncached
        return list(_repeated_in.__wrapped__(tuple(row), recognition.table, tuple(recognition.columns.items()), beside))


@lru_cache(maxsize=1024)  # the workbooks of one template repeat their header rows
def _repeated_in(row: tuple, table_read: str, read_columns: tuple[tuple[str, int], ...],
                 beside: int | None) -> tuple[tuple[int, int], ...]:
    columns = dict(read_columns)
    first, last = min(columns.values()), max(columns.values())
    repeats = []
    for position, matches in _header_cells(row):
        if beside is not None and (position >= beside if beside > last else position < first):
            continue
        for table, column in matches:
            read = columns.get(column) if table == table_read else None
            if read is not None and read != position:
                repeats.append((read, position))
    return tuple(repeats)


def is_header_text(cell: object) -> bool:
    """Whether a cell's text is one of the headers some table accepts."""
    return isinstance(cell, str) and bool(_matches(cell))


def _row_candidates(row: list) -> tuple[tuple, ...]:
    """The tables one row could be the header of: (score, complete, table order, table, columns, missing)."""
    try:
        return _candidates_of(tuple(row))
    except TypeError:  # a cell that cannot be hashed (never from a workbook reader): judged uncached
        return _candidates_of.__wrapped__(tuple(row))


@lru_cache(maxsize=4096)  # the workbooks of one template repeat their header rows
def _candidates_of(row: tuple) -> tuple[tuple, ...]:
    matched = _match_row(row)
    if not matched:
        return ()
    contracts = tables()
    weights = _weights()
    missing_by_table = {name: tuple(c.name for c in contracts[name].required if c.name not in columns)
                        for name, columns in matched.items()}
    any_complete = not all(missing_by_table.values())
    candidates = []
    for table_name, columns in matched.items():
        table = contracts[table_name]
        missing = missing_by_table[table_name]
        complete = not missing
        if not complete and (len(columns) < PARTIAL_MATCH_MIN_HEADERS or len(missing) == len(table.required)):
            continue
        score = sum(weights[table_name][c] for c in columns) if any_complete and not complete else len(columns)
        candidates.append((score, complete, TABLE_ORDER.index(table_name), table_name, columns, missing))
    return tuple(candidates)
