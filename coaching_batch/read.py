"""Read workbooks with python-calamine into raw tables that keep their true cell positions.

Each file is read in a worker process: files are read in parallel, and a reader that dies on a
malicious file (calamine aborts the process on some) takes only that file down with it. A worker
hashes the file as it reads it (its bytes are read once for the hash and the zip check) and
returns, per sheet, the recognised table with its rows as raw cell values, indexed by the sheet's
1-based row numbers, and the sheet column of every canonical column, so every later finding can
name the exact cell.
"""

from __future__ import annotations

import errno
import hashlib
import html
import io
import lzma
import multiprocessing
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from datetime import date, datetime, time, timedelta
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import chain, compress
from pathlib import Path
from defusedxml import ElementTree  # entities refused, never expanded (SPEC §3)
from xml.parsers import expat

import numpy as np
import olefile
import pandas as pd
import python_calamine

from . import settings, values
from .contracts import Column, tables
from .forked import end_with_parent, frozen_heap, interrupts_held, stopped_now
from .inbox import (ARCHIVE_ERRORS, ENTITIES_DECLARED, Refused, archive_refuse_reason, declares_entities, entities_refused,
                    extent_reason, ods_repeat, plain_part, plainly_within_limits, sheet_parts, workbook_suffix, xml_parser)
from .recognise import (PAIR_LABELS, ROLE_WORDS, Recognition, is_blank, is_header_text, normalise_header, recognise, repeated_headers,
                        table_below, table_beside)
from .sheet_xml import IN_CELL, ROW_NUMBER, column_number, holds, pieces, position, zero_padded_cells, zero_padded_styles
from .spelling import WHITESPACE_RUN

_NOTE = re.compile(r"continued|next page|page \d|signature|see attached|\bcont\.?\)?$|^\W*notes?\s*:|end of (?:the )?log",
                   re.IGNORECASE)
_CONTINUED = re.compile(r"continued|next page|\bcont\b\.?", re.IGNORECASE)
# of such words, those saying the log goes on over the next page ("Continued on next page", "(cont. overleaf)"),
# and those saying a page continues one before it ("Continued from page 1", "… from the previous page")
_GOES_ON = re.compile(r"next (?:page|sheet|tab)|\b(?:continued|continues|cont)\b\.?\s+(?:on|over)\b|overleaf|to be continued",
                      re.IGNORECASE)
_GOES_BACK = re.compile(r"\bfrom\b|\bprevious\b|\bprior\b", re.IGNORECASE)
# a page number typed on the form ("Page 1 of 2", "page 2/2"): a page after the first continues one,
# a page before the last is continued
_PAGE_OF = re.compile(r"\bpage\s*(\d{1,3})\s*(?:of|/)\s*(\d{1,3})(?![\d/]|\.\d)", re.IGNORECASE)
# "Total Hours", and as forms word it: "Total hrs", "Total Contact Hours", "Total Hours This Page",
# "Total Hours to Date", "Page Total", "Grand Total", "Subtotal" (not minutes: a plain number there is not hours)
_TOTAL_LABEL = r"(?:(?:page|grand)\s+|sub[\s-]?)?totals?"  # `Total`, `Totals`, `Page Total`, `Grand Total`, `Subtotal`
_TOTAL_WORDING = (_TOTAL_LABEL +
                  r"(?:\s+(?:hours?|hrs?|duration|contact|coaching|mentoring|time|this|on|for|of|all|to|date|the|pages?|log))*")
_FOOTER = re.compile(r"^\s*" + _TOTAL_WORDING + r"\s*(?:\([^()]*\))?\s*[:=]?\s*(\d[^\n]*?)?\s*$", re.IGNORECASE)
# and in other words naming the hours: "Total Meeting Hours", "Total hours logged", "Total Hours Spent Mentoring"
_FOOTER_IN_HOURS = re.compile(r"^\s*" + _TOTAL_LABEL + r"(?=(?:\s+[^\W\d_]+){0,3}?\s+(?:hours?|hrs?)\b)"
                              r"(?:\s+[^\W\d_]+){1,5}\s*(?:\([^()]*\))?\s*[:=]?\s*(\d[^\n]*?)?\s*$", re.IGNORECASE)
_NOT_WORDS = re.compile(r"[\W_]+")
_TOTAL = re.compile(r"[\s\u00a0\u2007\u202f\u200b]*" + _TOTAL_LABEL + r"\b", re.IGNORECASE)  # a footer candidate: checked in full by _FOOTER
# A count line under a table: "Total employees: 9", "Total pairs = 19", "Total Employees 9", "Totals";
# other words after the label than what the tables hold (_COUNTED) only with a colon or a count in the
# cell (a name "Total Smith" is no such line)
_COUNT_LINE = re.compile(r"^\s*" + _TOTAL_LABEL + r"\b(?P<words>[^:=\d]{0,40}?)\s*(?P<sep>[:=])?\s*"
                         r"(?P<count>\d[\d,.]*)?\s*$", re.IGNORECASE)
_COUNTED = re.compile(r"(?:(?:number|no\.?|count)\s+(?:of\s+)?)?(?:employees|staff|people|pairs|coaches|candidates|mentors|"
                      r"mentees|coachees|rows|entries|records|requests|assignments|forms|recommendations|references|"
                      r"milestones|sessions|meetings|contacts|visits|observations|count)", re.IGNORECASE)
_TARGET_HOURS = re.compile(r"\b(?:required|requirement|needed|remaining|left|goal|target|minimum|expected|due|to go)\b",
                           re.IGNORECASE)  # a total's label naming the hours to reach (see _hours_to_reach)
_HOURS_WORD = re.compile(r"\b(?:hours?|hrs?|minutes?|mins?|time|duration)\b", re.IGNORECASE)  # a log's total of hours
_COUNT = re.compile(r"^\s*\d[\d,.]*\s*$")
# "Candidate Name: Kim Lee", or typed over the form's line: "Candidate Name ____Kim Lee____"
_ROLE_WORD = "(" + "|".join(ROLE_WORDS) + ")"  # candidate, mentee, coachee, coach, mentor
_INLINE_LABEL = re.compile(r"^\s*" + _ROLE_WORD + r"\s+(name|id)\s*(?::|_{2,})[\s_]*(.*?)[\s_]*$", re.IGNORECASE | re.DOTALL)
# "Candidate Name Kim Lee": the name typed after the printed label, in its cell (read only when the
# sheet labels that role no other way; never a colon after it, which is another label's)
_BARE_LABEL = re.compile(r"^\s*" + _ROLE_WORD + r"\s+(name|id)\s+([^:\s][^:]*?)\s*$", re.IGNORECASE | re.DOTALL)
_LABEL_START = re.compile(r"\b" + _ROLE_WORD + r"\s+(?:name|id)\s*(?::|_{2,})", re.IGNORECASE)  # a label within a cell's text
# the form's fill-in line around a label or its value; the line at the end is matched only from its
# first character (a match tried from each character of a long line inside the text took its length squared)
_LINE_AROUND = re.compile(r"^[\s_\u00a0]+|(?<![\s_\u00a0])[\s_\u00a0]+$")
# a signature line's label anywhere in a cell: "Coach Signature: …", "Signature of Coach:", "Signed: …"
_SIGNATURE_IN = re.compile(r"\bsignature(?:\s+of\s+[\w'’]+)?\s*:|^\s*signed\s*:", re.IGNORECASE)
# "Coach Signature:", "Signature of Coach: …", "Candidate's Signature" alone: a signature line's label
_SIGNED = re.compile(r"^\s*(?:[\w'’]+\s+){0,3}signature(?:\b[^:\n]{0,20}:|(?:\s+of\s+[\w'’]+)?\s*$)", re.IGNORECASE)
_NUMERIC_TYPES = ("date", "duration", "id")  # a value of these has a digit in it, however it is typed
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more together
_FILL_IN = re.compile(r"^[\s_.\u00a0]*$")  # a paper form's empty line: "_______"
# what a paper form prints beside a label for its value, without one: its line and a hint ("(Employee ID)")
_UNFILLED = re.compile(r"^[\s_.\u00a0]*(?:\([^()]*\)[\s_.\u00a0]*)?$")
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")
# a workbook that asks to be calculated when opened: written by a program that does not calculate formulas
_FULL_CALC_ON_LOAD = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad=\"(?:1|true)\"")
# what such a program saves as a formula's result in its stead (xlsxwriter: 0), as the reader gives it
_ZERO_SHOWN = (0, time(0), timedelta(0))
EXCEL_1904_OFFSET_DAYS = 1462  # serial n of the 1904 date system is serial n + 1462 of the 1900 one
# An .ods of the 1904 system gives a time typed in a date-formatted cell dated on its day zero
_DAY_ZERO_1904 = date(1904, 1, 1)
_DAY_ONE = datetime(1900, 1, 1)  # serial 1: a time cell of 24 h or more is dated from it
_DAY_ONE_1904 = datetime(1904, 1, 2)  # and serial 1 of the 1904 system
_DAYS_OF_HOURS = timedelta(days=58)  # up to Excel's 28 February 1900, where serials and dates part
_EXAMPLE_MARKER = settings.EXAMPLE_ROW_MARKER.casefold()
# what a template writes under its headers to say how to fill a column in
_HINT = re.compile(
    r"(?<![a-z])(?:yyyy|yy|mm|dd|m|d)\s*[/.-]\s*(?:yyyy|yy|mm|dd|m|d)\s*[/.-]\s*(?:yyyy|yy|mm|dd|m|d)(?![a-z])"  # MM/DD/YYYY
    r"|(?<![a-z])h{1,2}\s*:\s*mm(?![a-z])"  # h:mm
    r"|^\W*(?:in\s+|decimal\s+|number\s+of\s+)?(?:hours?|hrs?|minutes?|mins?)\W*$"  # "(hours)"
    r"|(?<![a-z])e\.\s?g\.?(?![a-z])|\beg\s*:|\bfor example\b|\bexample\s*:"  # "e.g. 1.5"
    r"|\b(?:optional|required|select|choose|pick)\b|\bdrop[\s-]?down\b|\bfrom (?:the )?list\b|\byes\s*/\s*no\b"
    r"|^\W*\d+\s*(?:-|\u2013|to)\s*\d+\W*$",  # a rating's range: "1-5", "(1 to 5)"
    re.IGNORECASE)
_HINTED_TYPES = ("date", "duration", "integer", "rating", "yesno")  # a hint there is never a value


def _is_example(cell: str) -> bool:
    """The templates' EXAMPLE marker, in any case and with any spaces around it."""
    return cell.strip().casefold() == _EXAMPLE_MARKER


@dataclass(frozen=True)
class FormulaError:
    """A formula cell whose last result is an Excel error (`#DIV/0!`, `#N/A`, `#VALUE!` …).

    The reader gives such a cell as empty; it is looked up in the sheet's XML where a value is
    needed (see :func:`_restore_formula_errors`), so the cell is reported as the error it shows.
    """

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class UncalculatedFormula(FormulaError):
    """A formula cell saved without a result (``code`` is its formula, `=E2-D2`, or '' for the
    follower of a shared formula): the workbook was written by a program that does not calculate
    (a script, with openpyxl) and never opened and saved in Excel. The reader gives it as empty."""

    def __str__(self) -> str:
        return self.code or "(a formula)"


# what to do about a formula saved without its result: nothing in its cell is wrong
SAVE_TO_CALCULATE = ("Open the workbook in Excel or LibreOffice and save it (its formulas' results are then saved "
                     "with it), then re-run.")


@dataclass
class Footer:
    """A `Total Hours` footer row of a log sheet: the value typed beside the label."""

    row: int  # 1-based sheet row
    col: int  # 0-based sheet column of the value
    value: object


@dataclass
class Label:
    """A log's candidate or coach named above its table (`Candidate Name: | Kim Lee`, the paper form)."""

    role: str  # candidate | coach
    kind: str  # name | id
    value: object  # as typed
    sheet: str  # the sheet holding the label (a continuation page carries its first page's)
    row: int  # 1-based sheet row of the value
    col: int  # 0-based sheet column of the value


@dataclass
class Unfilled(Label):
    """A log's pair label with nothing beside it: its value (None) belongs at the empty cell ``row``,
    ``col``, the first of the columns from ``col`` up to ``end`` where it was looked for (both the
    label's own for `Candidate ID: ____` in one cell). Those cells may show a formula's error."""

    end: int  # 0-based sheet column before which the value was looked for


@dataclass
class RawSheet:
    name: str
    hidden: bool
    table: str | None
    header_row: int | None = None  # 1-based sheet row of the header
    columns: dict[str, int] = field(default_factory=dict)  # canonical column → 0-based sheet column
    missing: list[str] = field(default_factory=list)  # required columns the header lacks
    cells: np.ndarray | None = None  # the data rows × canonical columns: raw values, None where blank
    rows: np.ndarray | None = None  # 1-based sheet row of each data row
    footers: list[Footer] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)  # role → label above a log's table
    unfilled: dict[str, Unfilled] = field(default_factory=dict)  # role → a label above a log's table with no
    #   value beside it: of this sheet, or of the page it continues (see _carry_labels)
    continues: bool = False  # a log page that says it continues another (its name, a title or note above its entries)
    goes_on: bool = False  # a log page that says the next page continues it (`Continued on next page` under its entries)
    gaps: bool = False  # a data row has a blank cell where a value is looked for (it may show a formula's error)
    zeros: bool = False  # a cell under the header reads 0 (it may be a formula never calculated, see _ZERO_SHOWN)
    beside: tuple[str, int] | None = None  # a second table on the header row, not read: (table, 0-based sheet column)
    below: tuple[str, int, int, int] | None = None  # a second table under it, not read: (table, 1-based sheet row
    #   and 0-based sheet column of its header, its filled rows below that header)
    above: tuple[str, int, int, int] | None = None  # a second table over it, not read: the same
    repeated: list[tuple[str, int, str, int]] = field(default_factory=list)  # a column headed twice: (the heading
    #   read, its 0-based sheet column, the heading not read, its column), for each second heading
    unread_rows: int = 0  # a table lacking a required column: its filled rows below the header, none read
    summed: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)  # rows holding numbers only where the table
    #   needs a value: (1-based sheet row, 0-based sheet columns of its filled cells); a totals row if each
    #   holds a total's formula (see _drop_formula_totals)
    example_left: list[tuple[str, int, str, str]] = field(default_factory=list)  # the first row typed over the
    #   templates' example row with some of its values left: (column, 0-based sheet column, the value as shown,
    #   how it was taken: "cleared", or "kept" in a column the row needs)
    _frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame | None:
        """The data rows as a frame: canonical columns, raw values, index = 1-based sheet rows.

        Built on first use, in the process that uses it: workers send back the two arrays, which
        pickle far faster than a DataFrame.
        """
        if self._frame is None and self.cells is not None:
            index = pd.Index(self.rows, dtype=np.int64, name="row")
            self._frame = pd.DataFrame(self.cells, columns=list(self.columns), index=index, dtype=object)
        return self._frame

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_frame": None}


@dataclass
class WorkbookRead:
    relpath: str
    sheets: list[RawSheet] = field(default_factory=list)
    error: str = ""  # why the file could not be read as a workbook
    sha256: str = ""  # of the file's bytes ('' when they could not be read)
    unopened: str = ""  # why the file's bytes could not be read at all (then nothing else is set)
    fix: str = ""  # what the coordinator does about it, where the catalogue's fix does not fit
    note: str = ""  # what Inputs says of a workbook read whose sheets are none it lists (chart sheets only)


def _blank_mask(cells: np.ndarray) -> tuple[np.ndarray, set, list[str]]:
    """Where cells are empty or only whitespace, the distinct values, and those of them that are text;
    each distinct value is judged once (logs repeat a lot)."""
    blank = cells == ""
    distinct: set = set()
    texts: list[str] = []
    if cells.size:
        distinct = set(cells.ravel().tolist())
        texts = [value for value in distinct if isinstance(value, str)]
        odd = set(compress(texts, map(str.isspace, texts)))  # spaces only
        if None in distinct:
            odd.add(None)
        if odd:  # rare
            blank |= np.frompyfunc(odd.__contains__, 1, 1)(cells).astype(bool)
    return blank, distinct, texts


def _grid(body: list[list], width: int) -> np.ndarray:
    """The rows as one 2-D array of cells, at least ``width`` wide (short rows padded with None)."""
    lengths = set(map(len, body))
    longest = max(width, max(lengths, default=0))
    if lengths - {longest}:  # a header cell right of every data cell, or ragged rows
        body = [row + [None] * (longest - len(row)) for row in body]
    # from one flat stream of cells: assigning the nested lists makes numpy probe each one as a sequence
    return np.fromiter(chain.from_iterable(body), dtype=object, count=len(body) * longest).reshape(len(body), longest)


def _labels_above(rows: list[list], upto: int, first_row: int, first_col: int, sheet_name: str,
                  columns: Collection[str] = ()) -> tuple[dict[str, Label], dict[str, Unfilled]]:
    """`Candidate Name:` / `Coach Name:` (or `… ID:`) in the rows above a log's header, with their values.

    The value is the next filled cell to the label's right (merged cells hold it in their first
    cell), or follows the colon (or the form's fill-in line) in the label's own cell. An ID label
    wins over a name label; a name typed right after the label's words, with nothing between
    (`Candidate Name Kim Lee`), is taken only for a role the sheet labels no other way, neither so
    nor by its ID column among ``columns`` (the table's), and only when it starts as a name or an ID
    does, not in lower case (`Coach ID numbers are on the roster` is the form's instructions).

    Also returned, for each role labelled with nothing beside it: where its value was looked for
    (see :attr:`RawSheet.unfilled`), as a formula showing an error, or saved without its result, is
    an empty cell to the reader.
    """
    found: dict[str, Label] = {}
    bare: dict[str, Label] = {}
    unfilled: dict[str, Unfilled] = {}
    for r, row in enumerate(rows[:upto]):
        for c, cell in enumerate(row):
            if not isinstance(cell, str) or not cell:  # an empty cell (most of them) holds no label
                continue
            key = _pair_label(cell)  # the form's "Candidate Name ____"
            if key:
                at = next((j for j in range(c + 1, len(row)) if not is_blank(row[j])
                           and not (isinstance(row[j], str) and _UNFILLED.match(row[j]))), None)
                if at is None or (isinstance(row[at], str) and _pair_label(row[at])):
                    unfilled.setdefault(key[0], Unfilled(key[0], key[1], None, sheet_name, first_row + r + 1,
                                                         first_col + c + 1, first_col + (len(row) if at is None else at)))
                    continue
                value = row[at]
                if isinstance(value, str):
                    value = _LINE_AROUND.sub("", value)
                _keep(found, Label(key[0], key[1], value, sheet_name, first_row + r + 1, first_col + at))
                continue
            for piece in _label_pieces(cell):  # "Candidate Name: Kim Lee   Coach Name: Casey Coach", one cell
                inline = _INLINE_LABEL.match(piece)
                if not inline:
                    typed = _BARE_LABEL.match(piece)
                    role = typed and ROLE_WORDS[typed[1].lower()]
                    if typed and role not in bare and f"{role}_id" not in columns and not typed[3][0].islower():
                        bare[role] = Label(role, typed[2].lower(), typed[3], sheet_name, first_row + r + 1, first_col + c)
                    continue
                role, kind = ROLE_WORDS[inline[1].lower()], inline[2].lower()
                if not _UNFILLED.match(inline[3]):
                    _keep(found, Label(role, kind, inline[3], sheet_name, first_row + r + 1, first_col + c))
                else:  # `Candidate ID: ______` in one cell: the value belongs in it
                    unfilled.setdefault(role, Unfilled(role, kind, None, sheet_name, first_row + r + 1, first_col + c,
                                                       first_col + c))
    labels = {**bare, **found}
    return labels, {role: where for role, where in unfilled.items() if role not in labels}


def _keep(found: dict[str, Label], label: Label) -> None:
    """Keep a role's first label, or an ID label over a name label."""
    if label.role not in found or (found[label.role].kind == "name" and label.kind == "id"):
        found[label.role] = label


@lru_cache(maxsize=4096)  # the rows above a log's header repeat their titles and labels across thousands of logs
def _label_pieces(cell: str) -> tuple[str, ...]:
    """A cell's text cut before each label in it after the first: both labels typed in one cell (a
    merged cell, or `Alt+Enter` between them) each name their own person."""
    starts = [match.start() for match in _LABEL_START.finditer(cell)][1:]
    return tuple(cell[a:b] for a, b in zip([0, *starts], [*starts, len(cell)]))


def _sheet_tables(name: str, hidden: bool, rows: list[list], first_row: int, first_col: int,
                  merges: list[Merge] | None = None, totals: tuple[TotalRows, ...] = ()) -> list[RawSheet]:
    """A sheet's table; or, for paper forms typed one under another on one sheet (a second pair's
    `Candidate Name:` / `Coach Name:` block and header under the first form's Total Hours), each
    form read as a log of its own, of the pair its own block names, its cells where they are."""
    forms: list[RawSheet] = []
    search = max(0, settings.HEADER_SEARCH_ROWS - first_row)
    while True:
        sheet, form_at = _sheet_table(name, hidden, rows, first_row, first_col, merges, totals, search)
        if form_at is None:
            return [*forms, sheet]
        forms.append(_sheet_table(name, hidden, rows[:form_at], first_row, first_col, merges, totals, search, forms=False)[0])
        rows, first_row, search = rows[form_at:], first_row + form_at, settings.FORM_HEADER_ROWS


def _sheet_table(name: str, hidden: bool, rows: list[list], first_row: int, first_col: int,
                 merges: list[Merge] | None = None, totals: tuple[TotalRows, ...] = (), search: int | None = None,
                 *, forms: bool = True) -> tuple[RawSheet, int | None]:
    """Recognise one sheet's table and cut its data rows out of the raw cells.

    A sheet holds a hundred rows or so: plain lists and one small array cost less here than
    building pandas objects per sheet, which is what made reading slow. ``merges`` are the sheet's
    merged ranges (0-based sheet positions), when the reader gives them; ``totals`` the sheet's
    Excel tables' Total Rows (see :func:`_table_total_rows`); ``search`` how many of ``rows`` may
    hold the header (the sheet's first 30 rows, by default).

    Also returned: with ``forms``, where in ``rows`` a second paper form typed under this log
    starts (see :func:`_next_form`); the sheet is then to be read again without it.
    """
    top = _merged_headers_filled(rows, merges, first_row, first_col) if merges else rows
    # the reader's rows start at the sheet's first used row: the header is looked for in the sheet's
    # first 30 rows however many blank rows come before it
    recognition = recognise(top[: max(0, settings.HEADER_SEARCH_ROWS - first_row) if search is None else search])
    if recognition.table is not None:
        top, recognition = _header_split_over_two_rows(top, recognition)
    sheet = RawSheet(name=name, hidden=hidden, table=recognition.table)
    if recognition.table is None:
        return sheet, None
    contract = tables()[recognition.table]
    sheet.header_row = first_row + recognition.header_row + 1
    sheet.columns = {column: first_col + position for column, position in recognition.columns.items()}
    sheet.missing = recognition.missing
    header = top[recognition.header_row]
    beside = table_beside(header, recognition)
    if beside:
        sheet.beside = (beside[0], first_col + beside[1])
    if contract.log:
        sheet.labels, sheet.unfilled = _labels_above(rows, recognition.header_row, first_row, first_col, name,
                                                     recognition.columns)
        above = [cell for row in rows[: recognition.header_row] for cell in row if isinstance(cell, str) and cell]
        sheet.continues = bool(_CONTINUED.search(name))  # `Kim continued`, `Page 2 (next page)`
        for text in above:
            _note_continuation(sheet, text, under_entries=False)
    # a paper log's `Candidate ID | 200 | Coach ID | 100` is its pair, not an assignments table over it
    above = _table_above(top, recognition, {label.row - first_row - 1 for label in sheet.labels.values()})
    if above:
        sheet.above = (above[0], first_row + above[1] + 1, first_col + above[2], above[3])
    body = rows[recognition.header_row + 1 :]
    if sheet.missing:  # skipped whole: how much was not read is said (rare, so cell by cell)
        sheet.unread_rows = sum(1 for row in body if not all(map(is_blank, row)))
        return sheet, None

    sheet.repeated = [(" ".join(header[read].split()), first_col + read, " ".join(header[unread].split()), first_col + unread)
                      for read, unread in repeated_headers(header, recognition, beside and beside[1])]

    grid = _grid(body, max(recognition.columns.values()) + 1)
    blank, distinct, distinct_texts = _blank_mask(grid)
    # The sheet's distinct texts in lower case, in one string: a word that a rare row cannot do without
    # (`total`, `sign`) is looked for once in it, and a pass looking for such rows is skipped when the
    # word is in no cell (nearly every log), as it could find nothing.
    words = "\n".join(distinct_texts).lower()
    sheet.zeros = any(zero in distinct for zero in _ZERO_SHOWN) or any(_is_zero(label.value) for label in sheet.labels.values())
    present = ~blank
    positions = list(recognition.columns.values())
    table, filled = grid[:, positions], present[:, positions]
    table[~filled] = None

    facts = _column_facts(recognition.table, tuple(recognition.columns))
    # On a log, the pair's IDs alone are no entry: a template's ID columns filled down ahead of the
    # entries (`=$B$1`) leave the rest of each row to say what it is.
    content = filled.copy()
    if contract.log:
        content[:, facts.ids] = False
    keep = content.any(axis=1)
    # A row whose first filled cell is a `Total Hours` label (a footer) or the templates' EXAMPLE
    # marker is not data, nor is the header row repeated (after a page break). Each distinct first
    # cell is looked at once.
    any_filled = present.any(axis=1)
    first = present.argmax(axis=1)
    if contract.log and facts.ids and "total" in words:  # a `Total Hours` label reads `total` (see _TOTAL)
        _total_label_after_ids(grid, present, first, [positions[k] for k in facts.ids])
    firsts = grid[np.arange(len(grid)), first].tolist()
    # Every kind of row looked for below by its first cell (a label, a marker, a heading, a form's
    # words) has text there: the first cells that are text, each once, are all that these passes read,
    # and there are none on most logs (their rows start with a date or an ID).
    first_texts = {cell for cell in set(firsts) if isinstance(cell, str)}
    if forms and contract.log:
        form_at = _next_form(rows, recognition.header_row + 1, firsts, first_texts, keep)
        if form_at is not None:
            return sheet, form_at
    headings = _headings(tuple(header), facts.accepted)
    special = {cell for cell in first_texts
               if (_is_example(cell) or _TOTAL.match(cell) or normalise_header(cell) in headings)}
    duration = recognition.columns.get("duration", -1)
    marked = False  # the first row is the example typed over with its EXAMPLE marker left
    for i in (i for i, cell in enumerate(firsts) if cell in special and any_filled[i]) if special else ():
        if _is_example(firsts[i]):
            marker = positions.index(int(first[i])) if int(first[i]) in positions else None
            if _typed_over(table[i], marker, facts.ids):
                table[i, marker] = None  # the marker is no value: a blank Program is the run's program
                marked = marked or i == 0
            else:
                keep[i] = False
            continue
        if _repeats_header(table[i], header, positions, facts.accepted):
            keep[i] = False
            continue
        if _hours_to_reach(firsts[i]):  # the form's words: no total to check, no entry
            keep[i] = False
            continue
        footer = _footer(grid[i].tolist(), int(first[i]), duration, first_row + recognition.header_row + 2 + i, first_col,
                         frozenset(positions) - {duration})
        if footer is not None:
            if contract.log:  # elsewhere a `Total` row (an Excel table's totals row) is no data and no hours
                sheet.footers.append(footer)
            keep[i] = False
        elif _count_line(grid[i].tolist(), int(first[i]), log=contract.log):
            keep[i] = False
    # An Excel table's Total Row, whatever its first cell holds (a count of the IDs, or nothing but
    # the sum under Duration): no data; on a log, its value under Duration is a footer's total.
    below = first_row + recognition.header_row + 2  # the 1-based sheet row of the grid's first row
    for i in (i for i in _total_rows(totals, below, len(grid), first_col + min(positions), first_col + max(positions)) if keep[i]):
        if contract.log and duration >= 0 and present[i, duration]:
            sheet.footers.append(Footer(below + i, first_col + duration, _hours_of_days(grid[i, duration])))
        keep[i] = False
    # A second table typed below this one (the requests under the recommendations): its header row,
    # and the title rows right above it, end this table. It is not read, and the run says so.
    headed = {cell for cell in first_texts if is_header_text(cell)}
    for i in (i for i, cell in enumerate(firsts) if cell in headed and keep[i]) if headed else ():
        other = table_below(body[i], recognition.table)
        if other is not None:
            start = i
            while start > 0 and present[start - 1].sum() == 1 and isinstance(grid[start - 1, first[start - 1]], str):
                start -= 1  # its title ("Requests")
            sheet.below = (other[0], below + i, first_col + other[1], int(any_filled[i + 1 :].sum()))
            keep[start:] = False
            break
    # Rows whose only content is a note such as "Continued on next page", or, on a log, words alone
    # where a date, a duration or an ID goes ("--- end of log ---", "Notes: see the binder").
    # Under a log's (last) `Total Hours` line the paper form ends: there, one cell of words is the form's
    # closing text ("Gaither Road, Suite 102", where to send it), even with a digit in it. Under a page's
    # total with another page below it, a lone description is an entry (incomplete, and reported).
    numeric = facts.numeric
    closed = max((footer.row for footer in sheet.footers), default=None)
    for i in np.flatnonzero(keep & (content.sum(axis=1) == 1)):
        at = int(content[i].argmax())
        cell = table[i, at]
        if isinstance(cell, str):
            text = WHITESPACE_RUN.sub(" ", cell).strip()
            if (_NOTE.search(text) or (numeric[at] and not _DIGIT.search(text))
                    or (closed is not None and below + i > closed and _WORD.search(text))):
                keep[i] = False
                if _CONTINUED.search(text) or _PAGE_OF.search(text):
                    _note_continuation(sheet, text, under_entries=bool((keep[:i] & (content[:i].sum(axis=1) > 1)).any()))
    # A template's hints under its header ("MM/DD/YYYY", "(hours)", "e.g. 1.5"): the header's second
    # line, not an entry.
    if len(keep) and keep[0] and _is_hint_row(table[0].tolist(), facts.hinted):
        keep[0] = False
    # The templates' example row typed over, some of its values left beside the typed ones: those are
    # named, and the distinctive ones not used (a left Payment Request Date is no signed request).
    if len(keep) and keep[0]:
        left = _example_left(table[0].tolist(), recognition.table, tuple(recognition.columns), marked)
        sheet.example_left = [(column, sheet.columns[column], shown, how) for column, _, shown, how in left]
        for _, k, _, how in left:
            if how == "cleared":
                table[0, k] = None
    # Rows of the form's own words across several cells ("Coach Signature: ____" … "Date: ____", or
    # only fill-in lines): each distinct first cell is looked at once, the rest only for such rows.
    form_first = {cell for cell in first_texts if _LABEL_ON_FORM.match(cell) or _FILL_IN.match(cell)}
    for i in (i for i, cell in enumerate(firsts) if cell in form_first and keep[i]) if form_first else ():
        texts = [cell for cell in table[i] if cell is not None]
        if all(_form_text(cell) for cell in texts) and any(_FILL_IN.match(cell) or _NOTE.search(cell)
                                                                            or ":" in cell for cell in texts):
            keep[i] = False
    # A signature line the form asked to fill in ("Coach Signature: Jordan Reyes" … "Date: 7/30/2026"),
    # its label first or after the date ("Date: 8/21/2026 | Signed: Kay Coach"), with no hours on it.
    signed = {cell for cell in first_texts if _SIGNED.match(cell)}
    for i in (i for i, cell in enumerate(firsts) if cell in signed and keep[i]) if signed else ():
        keep[i] = False
    hours_at = list(recognition.columns).index("duration") if "duration" in recognition.columns else None
    split = _minutes_beside(sheet, header, recognition.columns.get("duration"), first_col) if hours_at is not None else None
    if split is not None:  # `Hours | Minutes`: one duration typed over two columns
        _join_hours_and_minutes(sheet, table[:, hours_at], body, split, first_col + recognition.columns["duration"], below)
    minutes = set()  # the rows whose Duration, headed in minutes, is a number (written "45 min" for the parser)
    if split is None and hours_at is not None and _says_minutes(header[recognition.columns["duration"]]):
        durations = table[:, hours_at].tolist()
        minutes = {i for i, cell in enumerate(durations) if isinstance(cell, (int, float)) and not isinstance(cell, bool)}
        table[:, hours_at] = [_in_minutes(cell) for cell in durations]
        at = first_col + recognition.columns["duration"]
        for footer in sheet.footers:
            if footer.col == at:
                footer.value = _in_minutes(footer.value)
    # the sheet's distinct texts, each looked at once: "ign" in it first (signature, signed), a plain
    # substring test, so that a sheet without one (nearly all) is done quickly
    signatures = [cell for cell in distinct_texts if ("ign" in cell or "IGN" in cell) and _SIGNATURE_IN.search(cell)
                  ] if hours_at is not None and "ign" in words else []
    if signatures:
        for i in np.flatnonzero(keep & np.logical_or.reduce([table == text for text in signatures]).any(axis=1)):
            if table[i, hours_at] is None or isinstance(table[i, hours_at], str):  # no hours on it: not an entry
                keep[i] = False
    watched = facts.watched
    if merges:
        one_entry = _fill_merged_down(table, merges, first_row + recognition.header_row + 1,
                                      [first_col + at for at in positions], hours_at)
        keep[one_entry] = False
        filled = np.not_equal(table, None)
    complete = filled[:, watched].all(axis=1)  # the rows with a value wherever one is looked for
    lacking = not complete[keep].all()
    sheet.gaps = lacking or any(f.value is None for f in sheet.footers) or bool(sheet.unfilled)
    if lacking:  # a totals row of formulas with no `Total` label lacks one (see _drop_formula_totals)
        sheet.summed = _numbers_only(table, filled, keep & ~complete, facts.ids if contract.log else [], below,
                                     [first_col + at for at in positions], (hours_at, minutes))
    sheet.cells = table[keep]
    sheet.rows = np.flatnonzero(keep) + sheet.header_row + 1
    return sheet, None


def _numbers_only(table: np.ndarray, filled: np.ndarray, looked_at: np.ndarray, ids: list[int], below: int,
                  columns: list[int], minutes: tuple[int | None, set[int]]) -> list[tuple[int, tuple[int, ...]]]:
    """Of the rows ``looked_at`` (kept, lacking a value their table needs: few, each a finding otherwise),
    those whose filled cells hold numbers, dates or times only, no text or yes/no, leaving out ``ids``
    (a log's IDs alone are no entry): each as its 1-based sheet row (``below`` is the first's) and the
    sheet ``columns`` of those cells. Such a row may be a totals row of formulas (see :func:`_drop_formula_totals`).
    ``minutes`` is the Duration column headed in minutes and the rows where it held a number before it was
    written as minutes ("180 min"): a number still."""
    found = []
    minutes_at, numbers = minutes
    for i in np.flatnonzero(looked_at).tolist():
        cells = [k for k in np.flatnonzero(filled[i]).tolist() if k not in ids]
        if cells and not any(isinstance(table[i, k], (str, bool)) and not (k == minutes_at and i in numbers) for k in cells):
            found.append((below + i, tuple(columns[k] for k in cells)))
    return found


def _next_form(rows: list[list], body_at: int, firsts: list, first_texts: set[str], keep: np.ndarray) -> int | None:
    """Where in ``rows`` a second paper form typed under a log starts (its pair's block, `Candidate
    Name: | Robert Smith`, under the first form's entries and Total Hours, then its own header row):
    its first row whose first cell is a pair's label, below an entry of the log and with a log's
    header under it within ``settings.FORM_HEADER_ROWS`` rows. ``body_at`` is the index in ``rows`` of
    the log's first row below its header, ``firsts`` each of those rows' first filled cell, ``first_texts``
    the distinct ones that are text (a label is) and ``keep`` the rows that may be entries. None when
    there is none: a label under the header above every entry, or a block with no header under it (the
    form's signature block, `Coach Name: | Casey Coach` under its total), is no form of its own. Each
    distinct first cell is looked at once."""
    labels = {cell for cell in first_texts if _is_pair_label_cell(cell)}
    if not labels:
        return None
    labelled = [i for i, cell in enumerate(firsts) if cell in labels]
    entries = keep.copy()
    entries[labelled] = False
    if not entries.any():
        return None
    first_entry = int(entries.argmax())
    for i in (i for i in labelled if i > first_entry):
        below = recognise(rows[body_at + i : body_at + i + settings.FORM_HEADER_ROWS])
        if below.table is not None and tables()[below.table].log and below.header_row > 0:  # not the header typed again
            return body_at + i
    return None


@lru_cache(maxsize=4096)  # the labels and first cells of logs repeat across thousands of workbooks
def _is_pair_label_cell(cell: str) -> bool:
    """Whether a cell is a pair's label of a paper form (`Candidate Name:`, `Coach ID ____`,
    `Coach Name: Casey Coach`)."""
    return _pair_label(cell) is not None or bool(_INLINE_LABEL.match(cell))


@lru_cache(maxsize=4096)
def _pair_label(cell: str) -> tuple[str, str] | None:
    """(role, kind) of a cell that is a pair's label alone (`Candidate Name:`, `Coach ID ____`), else None."""
    return PAIR_LABELS.get(normalise_header(_LINE_AROUND.sub("", cell)))


def _total_label_after_ids(grid: np.ndarray, present: np.ndarray, first: np.ndarray, ids: list[int]) -> None:
    """Make a log row's `Total Hours` label its first cell (in ``first``) when only the pair's IDs come
    before it (`200 | 100 | Total Hours | | 14.5`, the IDs filled down the log): it is the log's footer.
    ``ids`` are the ID columns' positions in ``grid``; each distinct label is looked at once."""
    is_id = np.zeros(grid.shape[1], dtype=bool)
    is_id[ids] = True
    after_ids = present & ~is_id
    rows = np.flatnonzero(is_id[first] & after_ids.any(axis=1))
    if not len(rows):
        return
    at = after_ids[rows].argmax(axis=1)
    labels = grid[rows, at].tolist()
    totals = {cell for cell in set(labels) if cell.__class__ is str and _TOTAL.match(cell)}
    if totals:
        labelled = [i for i, cell in enumerate(labels) if cell in totals]
        first[rows[labelled]] = at[labelled]


Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first column), (last row, last column)), 0-based


def _total_rows(totals: tuple[TotalRows, ...], below: int, rows: int, left: int, right: int) -> list[int]:
    """The rows of a sheet's grid (the ``rows`` from sheet row ``below`` on) that are the Total Row
    of an Excel table over the columns ``left`` to ``right`` (0-based sheet columns) of the table
    read: another table's beside it (a summary to the right) is none of its rows."""
    return [row - below for first, last, start, end in totals if start <= right and end >= left
            for row in range(max(first, below), min(last, below + rows - 1) + 1)]


def _table_above(rows: list[list], recognition: Recognition, labelled: set[int]) -> tuple[str, int, int, int] | None:
    """A whole table of another kind typed over the recognised one (the roster above the assignments,
    whose header matched more): its table, its header's 0-based row and column in ``rows``, and its
    filled rows down to the recognised table's header and the title rows right above it. A header
    with no row under it is none: the upper row of a header over two rows (`Candidate ID`, `Coach ID`
    beside a `Contact` heading whose `Date`, `Duration` are on the row below), and so is a row of
    ``labelled``, 0-based rows of ``rows`` holding a log's pair labels."""
    for at, row in enumerate(rows[: recognition.header_row]):
        other = table_below(row, recognition.table) if at not in labelled and any(map(is_header_text, row)) else None
        if other is not None:
            filled = [not all(map(is_blank, rows[r])) for r in range(at + 1, recognition.header_row)]
            while filled and filled[-1] and _is_title(rows[at + len(filled)]):
                filled.pop()  # the recognised table's own title ("Assignments")
            if any(filled):
                return other[0], at, other[1], sum(filled)
    return None


def _is_title(row: list) -> bool:
    """Whether a row holds one text cell and nothing else (a table's title)."""
    cells = [cell for cell in row if not is_blank(cell)]
    return len(cells) == 1 and isinstance(cells[0], str)


def _merged_headers_filled(rows: list[list], merges: list[Merge], first_row: int, first_col: int) -> list[list]:
    """The rows where a header is looked for, with a header merged down over two rows (`Candidate
    ID` over the row whose other cells are `Date`, `Duration` … under a group heading) written into
    each row it covers, as Excel shows it. Only text, only in the merge's first column, only where the
    cell is blank; ``rows`` themselves are left as they are."""
    top = rows[: settings.HEADER_SEARCH_ROWS]
    copied: set[int] = set()
    for (first, column), (last, _) in merges:
        i, j = first - first_row, column - first_col
        if last == first or not 0 <= i < len(top) or j < 0 or j >= len(top[i]) or not isinstance(top[i][j], str):
            continue
        for k in range(i + 1, min(last - first_row + 1, len(top))):
            if k not in copied:
                top[k] = list(top[k])
                copied.add(k)
            if j < len(top[k]) and is_blank(top[k][j]):  # the reader's rows are all as wide as the sheet
                top[k][j] = top[i][j]
    return top


def _header_split_over_two_rows(top: list[list], recognition: Recognition) -> tuple[list[list], Recognition]:
    """A header typed over two rows, not merged (`Type of` above `Contact`, `Brief Description` above
    `of Contact`): the lower row is the header, each split heading read as its two lines joined, and
    a heading of the upper row alone (`Date`, `Duration` over `(hours)`) standing for its column.
    Only the row under the recognised header is looked at, only when it holds words alone (a date or
    hours on it make it an entry), and it is taken only when its joined headings make more of a table
    than the upper row did (a coach log, not a candidate log short of `Type of Contact`); otherwise
    ``top`` and ``recognition`` are returned as they are."""
    at = recognition.header_row
    if at + 1 >= len(top):
        return top, recognition
    upper, lower = top[at], top[at + 1]
    if not all(isinstance(cell, str) or cell is None for cell in lower):  # a date or hours under it: an entry
        return top, recognition
    joined, joins = list(lower), 0
    for k, cell in enumerate(upper[: len(lower)]):
        if not isinstance(cell, str) or is_blank(cell):
            continue
        below = lower[k]
        if is_header_text(cell):
            if not is_header_text(below):
                joined[k] = cell  # `Duration` over `(hours)`, or over nothing
        elif isinstance(below, str) and is_header_text(f"{cell} {below}"):
            joined[k] = f"{cell} {below}"
            joins += 1
    if not joins:
        return top, recognition
    found = recognise([joined])
    if found.table is None or len(found.columns) <= len(recognition.columns) or len(found.missing) > len(recognition.missing):
        return top, recognition
    top = list(top)
    top[at + 1] = joined
    return top, Recognition(found.table, at + 1, found.columns, found.missing)


def _fill_merged_down(table: np.ndarray, merges: list[Merge], top: int, columns: list[int],
                      hours_at: int | None = None) -> list[int]:
    """A cell merged down over rows of a table's body (a Candidate ID typed once for the whole log, a
    Date over two entries of a day) gives its value to every row it covers, as Excel shows it.

    ``table`` holds the body's rows from sheet row ``top`` (0-based) in the sheet ``columns``. Only
    the merge's first column is filled: text merged across a row stays in its first cell (a note is
    still a note). Which rows are entries was decided before: a row the merge alone fills is none.
    A duration (column ``hours_at``) merged down is one entry written over several rows (its
    description running on): its hours count once, and the rows below its first are returned, to
    be left out.
    """
    column_of = {column: k for k, column in enumerate(columns)}
    one_entry: list[int] = []
    for (first, column), (last, _) in merges:
        k = column_of.get(column)
        start, stop = first - top, min(last - top + 1, len(table))
        if k is None or start < 0 or stop - start < 2 or table[start, k] is None:
            continue
        if k == hours_at:
            one_entry += range(start + 1, stop)
            continue
        covered = table[start + 1 : stop, k]
        covered[np.equal(covered, None)] = table[start, k]
    return one_entry


def _is_hint_row(cells: list, hinted: list[bool]) -> bool:
    """Whether the row under a header holds, as text, how to fill its columns in rather than an entry:
    every cell of a date, duration, number or yes/no column in it a hint such as "MM/DD/YYYY" or
    "hours" (at least one), or every cell a hint. A real entry has its date or hours as a value."""
    filled = [(cell, typed) for cell, typed in zip(cells, hinted) if cell is not None]
    if not all(isinstance(cell, str) for cell, _ in filled):
        return False
    hints = [(bool(_HINT.search(cell)), typed) for cell, typed in filled]
    typed_hints = [hint for hint, typed in hints if typed]
    if typed_hints:
        return all(typed_hints)
    return len(hints) > 1 and all(hint for hint, _ in hints)


_IN_MINUTES = re.compile(r"\((?:in\s+)?min(?:ute)?s?\.?\)", re.IGNORECASE)  # "Duration (minutes)", "(in mins)"
_MINUTES_HEADINGS = frozenset({"minutes", "mins", "min"})  # a duration column headed `Minutes` alone
_PLAIN_HOURS = re.compile(r"\s*(?:\d+(?:\.\d*)?|\.\d+)\s*")  # 1, 1.5, .5: no thousands separator or decimal comma


def _says_minutes(heading: object) -> bool:
    """Whether a Duration column's heading says its plain numbers are minutes: `Duration (minutes)`, `Minutes`."""
    return isinstance(heading, str) and bool(_IN_MINUTES.search(heading) or normalise_header(heading) in _MINUTES_HEADINGS)


def _minutes_beside(sheet: RawSheet, header: list, duration: int | None, first_col: int) -> tuple[int, bool] | None:
    """A duration typed over two columns, `Hours | Minutes` (either first): the other column's 0-based
    position in the sheet's rows, and whether it is the minutes, or None. It is taken off the columns
    headed twice (it is not a second heading of one column, to be left unread)."""
    for repeat in sheet.repeated:
        _, read_col, unread, unread_col = repeat
        if read_col != first_col + duration or _says_minutes(header[duration]) == _says_minutes(unread):
            continue
        sheet.repeated.remove(repeat)
        return unread_col - first_col, _says_minutes(unread)
    return None


def _join_hours_and_minutes(sheet: RawSheet, durations: np.ndarray, body: list[list], split: tuple[int, bool],
                            duration_col: int, below: int) -> None:
    """Put the other column's part of each duration (`1 | 30`) into the Duration column read, as one
    duration (`90 min`); a footer's total too (`Total Hours | 3 | 30`)."""
    at, minutes_beside = split
    others = [row[at] if at < len(row) else None for row in body]
    parts = (lambda read, other: (read, other)) if minutes_beside else (lambda read, other: (other, read))
    durations[:] = [_hours_and_minutes(*parts(read, other)) for read, other in zip(durations.tolist(), others)]
    for footer in sheet.footers:
        if footer.col == duration_col and 0 <= footer.row - below < len(others):
            footer.value = _hours_and_minutes(*parts(footer.value, others[footer.row - below]))


def _hours_and_minutes(hours: object, minutes: object) -> object:
    """`1 | 30` → `90 min`; a part left blank is the other alone (`| 45` → `45 min`). A part that is not a
    plain number is left to the reader as typed in the hours' cell, to be reported there if it cannot be read."""
    if is_blank(minutes) or (isinstance(minutes, str) and _FILL_IN.match(minutes)):
        return hours
    if is_blank(hours) or (isinstance(hours, str) and _FILL_IN.match(hours)):
        return _in_minutes(minutes)
    numbers = [_plain_number(part) for part in (hours, minutes)]
    if None in numbers:
        return hours
    return f"{numbers[0] * 60 + numbers[1]:g} min"


def _plain_number(cell: object) -> float | None:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return float(cell)
    return float(cell) if isinstance(cell, str) and _PLAIN_HOURS.fullmatch(cell) else None


_PLAIN_NUMBER = re.compile(r"\s*(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:,\d{3})*\s*")  # 45, 45.5, 45,5, .5, 1,500


def _in_minutes(cell: object) -> object:
    """A cell of a Duration column headed in minutes: a plain number (45, "45") is minutes, not hours,
    so it is written as such ("45 min") for the parser; a time cell or text with units is left as it is."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return f"{cell:g} min"
    if isinstance(cell, str) and _PLAIN_NUMBER.fullmatch(cell):
        return f"{cell.strip()} min"
    return cell


def _repeats_header(cells: np.ndarray, header: list, positions: list[int], accepted: tuple[frozenset[str], ...]) -> bool:
    """Whether a row's table cells read, each of them, as a header of its column (its own, or another
    wording the table accepts for it): the header row typed again (a page break in a printed log)."""
    filled = [(cell, header[at], names) for cell, at, names in zip(cells.tolist(), positions, accepted) if cell is not None]
    return bool(filled) and all(normalise_header(cell) in names | {normalise_header(heading)} for cell, heading, names in filled)


_LABEL_ON_FORM = re.compile(r"^\s*[^\W\d_]+(?:\s+[^\W\d_]+){0,4}\s*:?[\s_.\u00a0]*$")  # "Date:", "Date: ____"


def _form_text(cell: object) -> bool:
    """Whether a cell holds only a paper form's own words: a fill-in line, a note such as a signature
    line, or a short label with nothing filled in after it. Never a date, an ID or hours."""
    return isinstance(cell, str) and bool(_FILL_IN.match(cell) or _NOTE.search(cell) or _LABEL_ON_FORM.match(cell))


def _footer(row: list, first: int, duration: int, sheet_row: int, first_col: int,
            others: frozenset[int] = frozenset()) -> Footer | None:
    """A `Total Hours` row (its first filled cell is the label) and its value, or None.

    The value is the row's cell in the duration column, else the next filled cell after the label
    that is under none of the table's ``others`` columns (an Excel table's Total Row counts the
    descriptions in its last column: a count, not hours) or is hours typed right beside the label
    (`Total Hours: | 14.5` in the Type of Contact column), else what follows the label in its own
    cell (`Total Hours: 14.5`).
    """
    label = WHITESPACE_RUN.sub(" ", row[first]).strip()
    match = _FOOTER.match(label) or _FOOTER_IN_HOURS.match(label)
    if not match:
        return None
    if 0 <= duration < len(row) and duration != first and not is_blank(row[duration]):
        col, value = duration, row[duration]
    else:
        later = next((j for j in range(first + 1, len(row)) if not is_blank(row[j])
                      and (j not in others or (j == first + 1 and _hours_like(row[j])))), None)
        if match[1]:
            col, value = first, match[1]
        elif later is not None:
            col, value = later, row[later]
        else:  # no total, or one the reader shows as empty (a formula's error): looked up under Duration
            col, value = (duration if 0 <= duration < len(row) and duration != first else first), None
    return Footer(sheet_row, first_col + col, _hours_of_days(value))


def _hours_to_reach(label: str) -> bool:
    """Whether a total's label names the hours a pair must reach, not those logged (`Total hours
    required: 40`, `Total Hours Remaining`, `Total hours goal`): the form's own words, no footer to
    check against the entries and no entry."""
    return bool(_TOTAL.match(label) and _TARGET_HOURS.search(label))


def _count_line(row: list, first: int, *, log: bool) -> bool:
    """Whether a row that is no `Total Hours` footer is a count line under the table (`Total employees: 9`,
    `Total pairs | 19`, `Totals`): no row of it (SPEC §3). Its first filled cell is a total's label,
    alone or with a colon or a count after its words, and the rest of the row holds counts only. A
    name that merely starts with the word (`Total Smith`) is data, and so, on a log, is a total worded
    in hours that is no footer's wording: its cells' findings point at it."""
    match = _COUNT_LINE.match(WHITESPACE_RUN.sub(" ", row[first]))
    words = match and match["words"].strip()
    if not match or (words and not (match["sep"] or match["count"] or _COUNTED.fullmatch(words))):
        return False
    if log and _HOURS_WORD.search(match["words"]):
        return False
    return all(is_blank(cell) or (isinstance(cell, (int, float)) and not isinstance(cell, bool))
               or (isinstance(cell, str) and _COUNT.match(cell)) for cell in row[first + 1 :])


def _hours_of_days(value: object, day_one: datetime = _DAY_ONE) -> object:
    """A total of a day or more in an h:mm cell (=SUM() under durations typed 3:00 takes their format),
    which the reader gives as a time on one of the first days of the workbook's date system (45 h:
    1900-01-01 21:00, or 1904-01-02 21:00; ``day_one`` is its serial 1), as the hours it holds; any
    other value as it is."""
    if _is_days(value, day_one):
        return value - (day_one - timedelta(days=1))
    return value


def _is_days(value: object, day_one: datetime) -> bool:
    return isinstance(value, datetime) and day_one <= value < day_one + _DAYS_OF_HOURS


def _hours_like(value: object) -> bool:
    """A number, a time or a text with a digit: not a signature line or other words."""
    return not isinstance(value, str) or bool(_DIGIT.search(value))


def _is_serial(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _serial_date_columns(sheet: RawSheet) -> list[int]:
    """The columns of a sheet's cells that are dates by contract and hold a number (a date typed as
    Excel's serial number, not a date cell)."""
    if sheet.cells is None or not len(sheet.cells):
        return []
    dates = _column_facts(sheet.table, tuple(sheet.columns)).dates
    return [j for j in dates if _holds_numbers(sheet.cells[:, j].tolist())]


def _holds_numbers(cells: list) -> bool:
    """Whether any cell is a number (not a boolean): told from the cells' few types."""
    return any(kind is not bool and issubclass(kind, (int, float)) for kind in set(map(type, cells)))


def _shift_1904_serials(table: np.ndarray, columns: list[int]) -> None:
    """Dates typed as plain serial numbers in a 1904 workbook, made serials of the 1900 system.

    Date cells need nothing: the reader already turns them into dates with the workbook's system.
    A number that is no serial of either system (negative, or past the last: `20240305` typed as
    a date) is left as typed, not a date, so its finding quotes what was typed.
    """
    for j in columns:
        for i, value in enumerate(table[:, j]):
            if _is_serial(value) and 0 <= value <= values.SERIAL_MAX:
                table[i, j] = float(value) + EXCEL_1904_OFFSET_DAYS


def _is_1904_time(value: object) -> bool:
    return isinstance(value, datetime) and value.date() == _DAY_ZERO_1904


def _duration_columns(sheet: RawSheet) -> list[int]:
    contract = tables()[sheet.table]
    return [j for j, column in enumerate(sheet.columns) if contract.column(column).type == "duration"]


def _has_1904_times(sheet: RawSheet) -> bool:
    """Whether an .ods sheet's durations hold a time dated 1904-01-01: a Duration cell formatted as
    a date and time, in a workbook of the 1904 date system (or a date typed there by mistake)."""
    columns = [] if sheet.cells is None else [sheet.cells[:, j].tolist() for j in _duration_columns(sheet)]
    # a time cell is a time: only a column holding a datetime (few do) is looked at cell by cell
    columns = [column for column in columns if datetime in set(map(type, column))]
    return any(map(_is_1904_time, chain(*columns, (footer.value for footer in sheet.footers))))


def _times_from_1904(sheet: RawSheet) -> None:
    """Times dated on the 1904 system's day zero, dated on the 1900 system's, as the .xlsx and .xls
    readers give them: the durations they are (a `Total Hours` footer's too)."""
    shift = _DAY_ZERO_1904 - date(1899, 12, 30)  # from serial 0 of the 1904 system to that of 1900
    for j in _duration_columns(sheet) if sheet.cells is not None else ():
        for i, value in enumerate(sheet.cells[:, j].tolist()):
            if _is_1904_time(value):
                sheet.cells[i, j] = value - shift
    for footer in sheet.footers:
        if _is_1904_time(footer.value):
            footer.value -= shift


def _fingerprint(path: str) -> tuple[str, bytes | None, tuple[int, int]]:
    """The file's SHA-256, unless it is large its bytes, and its size and time of last change as it
    was opened (see :func:`_changed`): the file is read once for hash and bytes, and the zip is then
    inspected in memory. Raises OSError when the file cannot be read.

    Read from its descriptor to its end: a buffered file object asks the system for the file's status
    three times more, for its place twice and whether it is a terminal, six calls a file that reading
    it does not need."""
    digest = hashlib.sha256()
    descriptor, info = _open_regular(path)
    try:
        signature = (info.st_size, info.st_mtime_ns)
        if info.st_size <= _HELD_BYTES:
            data = b"".join(_read_to_end(descriptor, info.st_size))
            digest.update(data)
            return digest.hexdigest(), data, signature
        for block in iter(partial(os.read, descriptor, _BLOCK_BYTES), b""):
            digest.update(block)
    finally:
        os.close(descriptor)
    return digest.hexdigest(), None, signature


def _read_to_end(descriptor: int, size: int) -> Iterator[bytes]:
    """A file of ``size`` bytes when it was opened, read from ``descriptor`` to its end: in one read,
    and one more to find its end. One grown since (a sync client's copy, opened while still empty)
    is read on in blocks, not ``size + 1`` bytes at a time: a byte a read, it took a system call and a
    Python object each."""
    block = size + 1
    while chunk := os.read(descriptor, block):
        yield chunk
        if len(chunk) == block:  # more than it held when opened
            block = max(block, _BLOCK_BYTES)


_BLOCK_BYTES = 1 << 20  # what a read asks for of a large file, or of one that grew while it was read

# a link is not followed and a named pipe not waited on: the inbox listed a regular file there
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # none on Windows, which has no named pipes in folders
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0) | _NONBLOCK
_REPLACED = "not a regular file: a link or a pipe was put in its place after the inbox was listed"


def _open_regular(path: str) -> tuple[int, os.stat_result]:
    """The file at ``path`` open for reading (its descriptor, and its status), if it is still the
    regular file the inbox listed: one put in its place since (a link to /dev/zero, a named pipe)
    raises OSError, where reading it would never end (a pipe no one writes to, or an endless device
    read whole into memory)."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno != errno.ELOOP:  # what O_NOFOLLOW says of a link
            raise
        raise OSError(errno.EINVAL, _REPLACED) from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise OSError(errno.EINVAL, _REPLACED)
    if _NONBLOCK:
        os.set_blocking(descriptor, True)
    return descriptor, info


def _changed(path: str, signature: tuple[int, int]) -> bool:
    """Whether the file was saved again (or still being copied or synced) since it was hashed: the
    reader opens it again by its path, so its sheets may be of other bytes than its SHA-256 and the
    cells the later passes look up in the bytes hashed."""
    try:
        info = os.stat(path)
    except OSError:  # gone since: nothing to compare with (an open file keeps its bytes)
        return False
    return (info.st_size, info.st_mtime_ns) != signature


def _sha256(path: str) -> str:
    """The file's SHA-256, or '' if it cannot be read (here a worker died reading it)."""
    try:
        return _fingerprint(path)[0]
    except OSError:
        return ""


_HELD_BYTES = 32 << 20  # a larger file is hashed in blocks and its zip inspected from the disk


def _inspect(path: str, data: bytes | None = None, totals: dict[str, tuple[TotalRows, ...]] | None = None) -> str:
    """Why a workbook must not be opened ('' if it may); ``data`` is the file's bytes, when read.
    ``totals``, when given, receives the rows of its Excel tables' Total Rows (the archive is open).

    .xls is not a zip: nothing to look at. An ordinary .xlsx/.xlsm held in memory is passed after a quick
    look at its zip (see :func:`.inbox.plainly_within_limits`); any other is looked at in full.
    """
    suffix = workbook_suffix(path)
    if suffix == ".xls" or (data is not None and suffix in (".xlsx", ".xlsm") and plainly_within_limits(data)):
        return ""
    try:
        with _zip(path, data) as archive:
            reason = archive_refuse_reason(archive)
            if not reason and totals is not None:
                totals.update(_table_total_rows(archive))
            return reason
    except zipfile.BadZipFile:
        return ""  # not a zip, or a part of it fails its checksum: let the reader say what it is
    except (zlib.error, EOFError, lzma.LZMAError) as exc:
        return f"{_DAMAGED} a part of it cannot be unpacked ({exc})"
    except ARCHIVE_ERRORS as exc:
        return f"{_DAMAGED} its archive cannot be read ({exc})"


_DAMAGED = "it is damaged:"


def _table_total_rows(archive: zipfile.ZipFile) -> dict[str, tuple[TotalRows, ...]]:
    """Sheet name → the Total Rows of its Excel tables in an .xlsx/.xlsm (the tables' own definitions
    say so: its first cell may hold a count, or nothing, instead of `Total`), each with its table's columns.

    Looked for only when the archive holds tables; a part that cannot be read gives no rows, nor does
    a count of more rows than its table has under its header (a hostile one of a billion).
    """
    members = set(archive.namelist())
    if not any(member.startswith("xl/tables/") for member in members):
        return {}
    try:
        parts = sheet_parts(archive)
    except _PART_ERRORS:
        return {}
    found: dict[str, tuple[TotalRows, ...]] = {}
    for sheet, part in parts.items():
        rows = tuple(row for member in _table_members(archive, part, members) if (row := _total_row(archive, member)))
        if rows:
            found[sheet] = rows
    return found


# an Excel table's Total Rows: (first and last 1-based sheet row, first and last 0-based column of its table)
TotalRows = tuple[int, int, int, int]
_PART_ERRORS = (KeyError, ValueError, ElementTree.ParseError, *ARCHIVE_ERRORS)  # a part missing, damaged or not XML


def _table_members(archive: zipfile.ZipFile, part: str, members: set[str]) -> list[str]:
    """The zip members of the table definitions a sheet's relationships name (none found in the
    archive, or none readable: no tables)."""
    folder, base = posixpath.split(part)
    rels = f"{folder}/_rels/{base}.rels"
    if rels not in members:
        return []
    try:
        related = ElementTree.fromstring(archive.read(rels))
    except _PART_ERRORS:
        return []
    targets = (rel.get("Target", "") for rel in related if rel.get("Type", "").endswith("/table"))
    found = (target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
             for target in targets)
    return [member for member in found if member in members]


def _total_row(archive: zipfile.ZipFile, member: str) -> TotalRows | None:
    """A table's Total Row with its table's columns, from its definition; None when it shows none, or
    the definition cannot be read or is not Excel's. An Excel table has one Total Row at most, the
    last row of its range under its header (a larger `totalsRowCount` is taken as one: a count of
    millions made every row of the sheet a Total Row, and filled the memory), and no range reaches
    past Excel's last row."""
    try:
        definition = ElementTree.fromstring(archive.read(member))
        shown = int(definition.get("totalsRowCount") or 0) > 0
    except _PART_ERRORS:
        return None
    ref = _TABLE_RANGE.match(definition.get("ref", ""))
    if not (shown and ref and 0 < int(ref[2]) < int(ref[4]) <= settings.MAX_SHEET_ROWS):
        return None
    last = int(ref[4])
    return last, last, column_number(ref[1].encode()) - 1, column_number(ref[3].encode()) - 1


_TABLE_RANGE = re.compile(r"^([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})$")  # a table's range `A4:H13`


def _zip(path: str, data: bytes | None) -> zipfile.ZipFile:
    """The workbook as a zip: from its bytes when they were read (see :func:`_fingerprint`), else from the disk."""
    return zipfile.ZipFile(path if data is None else io.BytesIO(data))


def _counts_from_1904(path: str, data: bytes | None = None) -> bool:
    """Whether a workbook counts its dates from 1904 (older Mac Excel; LibreOffice keeps it in the
    .xls and .ods it saves). The reader already gives date cells with the right system."""
    suffix = workbook_suffix(path)
    try:
        if suffix == ".xls":
            return _xls_uses_1904_dates(Path(path).read_bytes() if data is None else data)
        with _zip(path, data) as archive:
            return _ods_uses_1904_dates(archive) if suffix == ".ods" else _uses_1904_dates(archive)
    except ARCHIVE_ERRORS:
        return False


def _uses_1904_dates(archive: zipfile.ZipFile) -> bool:
    """Whether an .xlsx/.xlsm workbook counts its dates from 1904 (older Mac Excel)."""
    try:
        with archive.open("xl/workbook.xml") as stream:
            return bool(_DATE1904.search(stream.read(1 << 16)))
    except (KeyError, *ARCHIVE_ERRORS):
        return False


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_NULL_DATE, _ODS_SHEET = f"{_ODS_TABLE} null-date", f"{_ODS_TABLE} table"


class _SettingsRead(Exception):
    """The calculation settings of an .ods are behind: content.xml need not be read further."""


def _ods_uses_1904_dates(archive: zipfile.ZipFile) -> bool:
    """Whether an .ods counts its dates from 1904: its calculation settings, ahead of its sheets in
    content.xml, set the null date to 1904-01-01. Only that much of content.xml is read, with a
    parser that refuses entities."""
    null_date = ""

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal null_date
        if tag == _ODS_NULL_DATE:
            null_date = attrs.get(f"{_ODS_TABLE} date-value", "")
        if tag in (_ODS_NULL_DATE, _ODS_SHEET):
            raise _SettingsRead

    parser = xml_parser()
    parser.StartElementHandler = start
    try:
        with archive.open("content.xml") as stream:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                parser.Parse(chunk, False)
    except _SettingsRead:
        pass
    except (KeyError, Refused, expat.ExpatError, zlib.error, EOFError):
        return False
    return null_date.startswith("1904-01-01")


_BIFF_BOF, _BIFF_EOF, _BIFF_DATEMODE = 0x09, 0x000A, 0x0022  # record types (a BOF's low byte: 0x0809, 0x0409 …)


def _xls_uses_1904_dates(data: bytes) -> bool:
    """Whether an .xls counts its dates from 1904: the DATEMODE record of its workbook globals is 1.

    An .xls is an OLE compound file (read with olefile): the records are in its Workbook stream
    (Book in Excel 95), the workbook globals first.
    """
    try:
        for kind, at, length, stream in _biff_records(_xls_stream(data), 0):
            if kind == _BIFF_DATEMODE:
                return length >= 2 and struct.unpack_from("<H", stream, at)[0] == 1
    except _XLS_ERRORS:  # not a sound compound file
        pass
    return False


_XLS_ERRORS = (OSError, ValueError, OverflowError, IndexError, KeyError, struct.error)


def _xls_stream(data: bytes) -> bytes:
    """The Workbook stream of an .xls (Book in Excel 95): its records, the workbook globals first."""
    with olefile.OleFileIO(data) as compound:
        name = next((name for name in ("Workbook", "Book") if compound.exists(name)), None)
        return compound.openstream(name).read() if name else b""


def _biff_records(stream: bytes, start: int) -> Iterator[tuple[int, int, int, bytes]]:
    """(type, offset of its data, length, ``stream``) of each record of the substream (the workbook globals
    or a sheet) whose BOF is at ``start``, up to its EOF; none when no BOF is there."""
    kind, length = struct.unpack_from("<HH", stream, start)
    if kind & 0xFF != _BIFF_BOF:
        return
    at = start + 4 + length
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        if kind == _BIFF_EOF:
            return
        yield kind, at + 4, length, stream
        at += 4 + length


# BIFF8 records: a sheet's name and where its records start; a cell's number (NUMBER, RK, MULRK) or formula result
_BIFF_BOUNDSHEET, _BIFF_NUMBER, _BIFF_RK, _BIFF_MULRK, _BIFF_FORMULA = 0x0085, 0x0203, 0x027E, 0x00BD, 0x0006


def _xls_sheet_starts(stream: bytes) -> dict[str, int]:
    """Sheet name → the offset of its BOF in an .xls's Workbook stream (the globals' BOUNDSHEET records)."""
    starts: dict[str, int] = {}
    for kind, at, length, _ in _biff_records(stream, 0):
        if kind == _BIFF_BOUNDSHEET and length >= 8:
            size, wide = stream[at + 6], stream[at + 7] & 1
            name = stream[at + 8:at + 8 + size * (1 + wide)]
            starts[name.decode("utf-16-le" if wide else "latin-1", "replace")] = struct.unpack_from("<I", stream, at)[0]
    return starts


def _rk_number(rk: int) -> float:
    """An RK value (a number packed in 4 bytes): a 30-bit integer or a double's high 32 bits, perhaps × 100."""
    number = float(rk >> 2) - (1 << 30 if rk & (1 << 31) else 0) if rk & 2 else \
        struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    return number / 100 if rk & 1 else number


def _xls_numbers(stream: bytes, start: int) -> Iterator[tuple[int, int, float]]:
    """(0-based row, column, number) of each number cell and numeric formula result of the sheet at ``start``."""
    for kind, at, length, _ in _biff_records(stream, start):
        if kind == _BIFF_NUMBER and length >= 14:
            yield *struct.unpack_from("<HH", stream, at), struct.unpack_from("<d", stream, at + 6)[0]
        elif kind == _BIFF_FORMULA and length >= 14 and stream[at + 12:at + 14] != b"\xff\xff":  # else no number
            yield *struct.unpack_from("<HH", stream, at), struct.unpack_from("<d", stream, at + 6)[0]
        elif kind == _BIFF_RK and length >= 10:
            row, column, _, rk = struct.unpack_from("<HHHI", stream, at)
            yield row, column, _rk_number(rk)
        elif kind == _BIFF_MULRK and length >= 6:
            row, first = struct.unpack_from("<HH", stream, at)
            for k in range((length - 6) // 6):
                yield row, first + k, _rk_number(struct.unpack_from("<I", stream, at + 6 + 6 * k)[0])


@dataclass(frozen=True)
class _ColumnFacts:
    """What cutting a sheet needs to know of its recognised columns, from the table's contract."""

    accepted: tuple[frozenset[str], ...]  # each column's accepted headers, normalised
    numeric: list[bool]  # on a log: the column holds a date, a duration or an ID (all False elsewhere)
    hinted: list[bool]  # the column holds a date, a duration, a number or yes/no: text there can be a hint
    watched: list[int]  # where a blank cell may be a formula's error or one saved without its result, to look up
    ids: list[int]  # where the ID columns are
    dates: list[int]  # where the date columns are


@lru_cache(maxsize=256)  # a handful of tables and column layouts, thousands of sheets
def _column_facts(table: str, columns: tuple[str, ...]) -> _ColumnFacts:
    contract = tables()[table]
    described = [contract.column(name) for name in columns]
    return _ColumnFacts(
        accepted=tuple(frozenset(normalise_header(h) for h in column.headers) for column in described),
        numeric=[contract.log and column.type in _NUMERIC_TYPES for column in described],
        hinted=[column.type in _HINTED_TYPES for column in described],
        # a log's cells an entry cannot do without (required ones, its IDs); every cell of the other
        # tables, whose few rows read a blank as a fact
        # (no planning meeting yet, Active, not enrolled, no Request for Payment)
        watched=[k for k, column in enumerate(described) if not contract.log or contract.needed_in_rows(column)],
        ids=[k for k, column in enumerate(described) if column.type == "id"],
        dates=[k for k, column in enumerate(described) if column.type == "date"],
    )


def _typed_over(cells: np.ndarray, marker: int | None, ids: list[int]) -> bool:
    """Whether a row whose cell ``marker`` reads EXAMPLE is the templates' example row typed over:
    the marker left in a column that is not an ID (the assignments' `Program`), real IDs beside it.
    Such a row is an entry to read, not the example."""
    return marker is not None and marker not in ids and any(
        cells[k] is not None and id_text(cells[k]) != settings.EXAMPLE_ID for k in ids)


def id_text(cell: object) -> str:
    """An ID cell as the text it was typed as, before validation reads it: `100234` also for the number
    100234.0 the reader gives."""
    return str(cell).strip().removesuffix(".0")


_EXAMPLE_DAY = date(*settings.EXAMPLE_DATE)


@lru_cache(maxsize=256)
def _example_values(table: str, columns: tuple[str, ...]) -> tuple[tuple[str, object, bool], ...]:
    """Per column read: its type, the templates' example value in it (None: a column whose example is
    a suggestion, never compared) and whether a row needs the column."""
    contract = tables()[table]
    described = [contract.column(name) for name in columns]
    return tuple((column.type, None if column.suggest else _example_value(column), contract.needed_in_rows(column))
                 for column in described)


def _example_value(column: Column) -> object:
    """The value the templates write in ``column``'s example cell, as :func:`_holds_example` compares it."""
    value = column.example
    if isinstance(value, datetime):
        return value.date()
    return value.casefold() if isinstance(value, str) else value


def _holds_example(cell: object, kind: str, example: object) -> bool:
    """Whether a raw cell holds the templates' example value of its column (as the template wrote it)."""
    if example is None:
        return False
    if kind == "date":
        return isinstance(cell, date) and (cell.date() if isinstance(cell, datetime) else cell) == example
    if kind == "id":
        return id_text(cell) == example
    if isinstance(example, str):
        return isinstance(cell, str) and " ".join(cell.split()).casefold() == example
    return isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell == example


def _example_left(cells: list, table: str, columns: tuple[str, ...], marked: bool) -> list[tuple[str, int, str, str]]:
    """The first row under the header, when it is the templates' example row typed over with some of
    its values left: each left cell (see ``RawSheet.example_left``), else nothing.

    Such a row has cells that differ from the example (typed) beside cells equal to it, and what is
    left is unlikely by chance in real data: the example's text (`any text`), its EXAMPLE marker kept
    beside its date or ID, or its date beside its ID. Shared dates (a pair assigned, met and enrolled on
    the example's day) or a common value (Active, Yes, 1.5) are never enough, but once the row is the example's, such a value
    left there is no more the row's own than the rest."""
    described = _example_values(table, columns)
    left = [k for k, cell in enumerate(cells)
            if cell is not None and _holds_example(cell, described[k][0], described[k][1])]
    typed = sum(cell is not None for cell in cells) > len(left)  # some cell differs from the example
    if not left or not typed:
        return []
    kinds = [described[k][0] for k in left]
    texts, dates, ids = kinds.count("text"), kinds.count("date"), kinds.count("id")
    if not (texts or (marked and (dates or ids)) or (dates and ids)):
        return []
    found = []
    for k in left:
        kind, example, needed = described[k]
        found.append((columns[k], k, _shown_example(cells[k], kind), "kept" if needed else "cleared"))
    return found


def _shown_example(cell: object, kind: str) -> str:
    if kind == "date":
        return _EXAMPLE_DAY.isoformat()
    if kind in ("id", "integer", "rating", "duration"):
        return id_text(cell)
    return repr(" ".join(str(cell).split()))


@lru_cache(maxsize=1024)  # the workbooks of one template repeat their header rows
def _headings(header: tuple, accepted: tuple[frozenset[str], ...]) -> frozenset[str]:
    """A header row's texts, and every wording its table accepts for its columns, normalised."""
    return frozenset(normalise_header(cell) for cell in header).union(*accepted) - {""}


# each pattern reads the XML once, in time linear in its size (see sheet_xml.IN_CELL)
_ERROR_CELL = re.compile(rb'<c\b(?=[^<>]*?\bt="e")([^<>]*)(?<!/)>(' + IN_CELL + rb")</c>")
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")
_FORMULA_CELL = re.compile(rb"<c\b([^<>]*)(?<!/)>([^<]*(?:<(?!/c>|c[\s>/]|f\b)[^<]*)*<f\b" + IN_CELL + rb")</c>")
_FORMULA_TEXT = re.compile(rb"<f\b[^>]*>([^<]*)</f>")
# a sheet holding a formula holds `</f>` or `<f>` (a shared formula's cells name its first, which has
# one), its tag prefixed or not; one holding an error, a cell of type e
_FORMULA_OR_ERROR = (b"f>", b't="e"')


def _restore_formula_errors(path: str, data: bytes | None, sheets: list[RawSheet], uncalculated: bool = False) -> None:
    """Error results of formula cells (`#DIV/0!`) put back where the reader gave an empty cell.

    Asked only of an .xlsx/.xlsm sheet with a blank cell where one is looked for (``gaps``: a needed
    one of a log, any of the other tables), and of those only the sheets holding a formula: its XML is
    searched for cells of type ``e`` and formulas saved without a result. The .xls and .ods readers
    give no way to tell an error from a blank.

    With ``uncalculated`` (a workbook marked to be calculated on opening, see :func:`_calculates_on_opening`),
    a formula whose saved result is 0 is one saved without its result too: the 0 its writer put in its
    stead is given as that formula where it is looked for (and also asked of the sheets showing a 0).
    """
    _with_sheet_xml(path, data, sheets, lambda sheet, xml: _put_errors(sheet, _error_cells(xml, uncalculated)),
                    _FORMULA_OR_ERROR)


def _drop_formula_totals(path: str, data: bytes | None, sheets: list[RawSheet]) -> None:
    """Rows of numbers only lacking a needed value (:attr:`RawSheet.summed`) each of whose filled cells
    holds a total's formula (``settings.TOTAL_FUNCTIONS``: `=SUBTOTAL(109,…)`, `=COUNTA(A2:A11)`) are
    a totals row, no row of the table; on a log, the value under Duration is a footer's total, checked
    as a `Total Hours` line is. An Excel table's Total Row is known from the table in an .xlsx, but
    LibreOffice keeps no table in the .ods or .xls it saves: there the formulas tell it.

    The formulas are looked up in the workbook only for those rows: in an .xlsx/.xlsm sheet's XML, an
    .ods content.xml or an .xls sheet's FORMULA records. A part that cannot be read leaves the rows read.
    """
    wanted: dict[str, set[tuple[int, int]]] = {}
    for sheet in sheets:
        wanted.setdefault(sheet.name, set()).update((row, col) for row, columns in sheet.summed for col in columns)
    suffix = workbook_suffix(path)
    if suffix == ".xls":
        totals = _xls_total_cells(Path(path).read_bytes() if data is None else data, wanted)
    elif suffix == ".ods":
        totals = _ods_total_cells(path, data, wanted)
    else:
        totals = {}
        _with_sheet_xml(path, data, sheets, lambda sheet, xml: totals.setdefault(sheet.name, set()).update(
            _total_cells(xml, wanted[sheet.name])), (b"f>",))
    for sheet in sheets:
        _drop_totals_rows(sheet, totals.get(sheet.name, set()))


def _drop_totals_rows(sheet: RawSheet, totals: set[tuple[int, int]]) -> None:
    """The sheet's rows each of whose looked-at cells is in ``totals`` left out; on a log, a value
    under Duration made a footer's total (see :func:`_drop_formula_totals`)."""
    rows = {row for row, columns in sheet.summed if all((row, col) in totals for col in columns)}
    if not rows:
        return
    duration = sheet.columns.get("duration")
    k = list(sheet.columns).index("duration") if duration is not None else None
    dropped = np.isin(sheet.rows, list(rows))
    if tables()[sheet.table].log and k is not None:
        for i in np.flatnonzero(dropped).tolist():
            if sheet.cells[i, k] is not None:
                sheet.footers.append(Footer(int(sheet.rows[i]), duration, _hours_of_days(sheet.cells[i, k])))
    sheet.cells, sheet.rows = sheet.cells[~dropped], sheet.rows[~dropped]


# a call of a total's function in a formula's text (`SUBTOTAL(109,Table1[Duration])`, `of:=SUM([.E2:.E11])`)
_TOTAL_CALL = re.compile(rf"\b(?:{'|'.join(sorted(settings.TOTAL_FUNCTIONS))})\s*\(", re.IGNORECASE)
# a range in it (`E2:E11`, `[.E2:.E11]`, `E:E`, a table's column `Table1[Duration]`, not its row's `Table1[@Duration]`)
_RANGE = re.compile(r":|\w\[(?!\[?(?:@|#This Row))", re.IGNORECASE)


def _is_total_formula(formula: str) -> bool:
    """Whether a formula's text (an .ods one after its `of:` namespace) totals a range: a row's own
    `=SUM(H5-G5)*24` or `=MAX(0,H5-G5)` prefilled down a log's Duration is no total of the rows above."""
    formula = formula.partition("=")[2] if formula.startswith("of:") else formula
    return bool(_TOTAL_CALL.search(formula) and _RANGE.search(formula))


def _total_cells(pieces: Iterable[bytes], wanted: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of the cells ``wanted`` (1-based row, 0-based column), those an .xlsx/.xlsm sheet's XML (in ``pieces``,
    see :func:`.sheet_xml.pieces`) gives a formula calling a total's function."""
    found = set()
    for xml in pieces:
        if b"<f" not in xml:
            continue
        for match in _FORMULA_CELL.finditer(xml):
            if position(match[1]) in wanted:
                formula = _FORMULA_TEXT.search(match[2])
                if formula and _is_total_formula(html.unescape(formula[1].decode("utf-8", "replace"))):
                    found.add(position(match[1]))
    return found


class _OdsSheetsRead(Exception):
    """The sheets looked for in an .ods content.xml are behind: it need not be read further."""


class _OdsTotalCells:
    """:func:`_total_cells` of an .ods, as its content.xml streams past: rows and cells counted with
    their repeats, as the reader places them, in the sheets looked for only."""

    def __init__(self, wanted: dict[str, set[tuple[int, int]]]) -> None:
        self.wanted, self.left = wanted, set(wanted)
        self.found: dict[str, set[tuple[int, int]]] = {}
        self.cells: set[tuple[int, int]] = set()  # looked for in the current sheet
        self.name = ""
        self.depth = 0  # of the sheets open (a table inside a cell holds none of the sheet's cells)
        self.row = self.row_repeat = self.column = 0  # the current row (1-based), its repeat, the next cell's column

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _ODS_SHEET:
            self.depth += 1
            if self.depth == 1:
                self.name = attrs.get(f"{_ODS_TABLE} name", "")
                self.cells, self.row, self.row_repeat = self.wanted.get(self.name, set()), 0, 1
                self.left.discard(self.name)
        elif self.depth != 1 or not self.cells:
            return
        elif tag == _ODS_ROW:
            self.row += self.row_repeat
            self.row_repeat, self.column = ods_repeat(attrs.get(_ODS_ROWS_REPEATED)), 0
        elif tag in _ODS_CELLS:
            if (self.row, self.column) in self.cells and _is_total_formula(attrs.get(_ODS_FORMULA, "")):
                self.found.setdefault(self.name, set()).add((self.row, self.column))
            self.column += ods_repeat(attrs.get(_ODS_COLUMNS_REPEATED))

    def end(self, tag: str) -> None:
        if tag == _ODS_SHEET:
            self.depth -= 1
            if not self.depth and not self.left:
                raise _OdsSheetsRead


_ODS_ROW, _ODS_FORMULA = f"{_ODS_TABLE} table-row", f"{_ODS_TABLE} formula"
_ODS_CELLS = frozenset({f"{_ODS_TABLE} table-cell", f"{_ODS_TABLE} covered-table-cell"})
_ODS_ROWS_REPEATED, _ODS_COLUMNS_REPEATED = f"{_ODS_TABLE} number-rows-repeated", f"{_ODS_TABLE} number-columns-repeated"


def _ods_total_cells(path: str, data: bytes | None, wanted: dict[str, set[tuple[int, int]]]) -> dict[str, set[tuple[int, int]]]:
    """:func:`_total_cells` of an .ods's sheets ``wanted``: its content.xml streamed (no tree kept,
    entities refused) up to the last of them. Found none when it cannot be read."""
    totals = _OdsTotalCells(wanted)
    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = totals.start, totals.end
    try:
        with _zip(path, data) as archive, archive.open("content.xml") as stream:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                parser.Parse(chunk, False)
    except _OdsSheetsRead:
        pass
    except (KeyError, Refused, expat.ExpatError, zlib.error, EOFError, *ARCHIVE_ERRORS):
        return {}
    return totals.found


def _xls_total_cells(data: bytes, wanted: dict[str, set[tuple[int, int]]]) -> dict[str, set[tuple[int, int]]]:
    """:func:`_total_cells` of an .xls's sheets ``wanted``: their FORMULA records at those cells whose
    tokens call a total's function (see :func:`_biff_total`). Found none when it cannot be read."""
    found: dict[str, set[tuple[int, int]]] = {}
    try:
        stream = _xls_stream(data)
        for name, start in _xls_sheet_starts(stream).items():
            cells = wanted.get(name)
            for kind, at, length, _ in _biff_records(stream, start) if cells else ():
                if kind == _BIFF_FORMULA and length >= 22:
                    row, column = struct.unpack_from("<HH", stream, at)
                    size = min(struct.unpack_from("<H", stream, at + 20)[0], length - 22)
                    if (row + 1, column) in cells and _biff_total(stream[at + 22:at + 22 + size]):
                        found.setdefault(name, set()).add((row + 1, column))
    except _XLS_ERRORS:
        return {}
    return found


def _biff_total(tokens: bytes) -> bool:
    """Whether a BIFF8 formula's tokens call a total's function (by its number, ``_BIFF_TOTAL_FUNCTIONS``;
    `SUM` of one argument is a tAttrSum) on a range given before it (as :func:`_is_total_formula`), or
    are one error constant alone: what LibreOffice saves in an .xls for a formula it cannot write there,
    an Excel table's `=SUBTOTAL(109,Table1[Duration])` (its result kept). A token not known ends the
    look: no total."""
    if len(tokens) == 2 and tokens[0] == _PTG_ERROR:
        return True
    at, ranged = 0, False
    while at < len(tokens):
        token = tokens[at]
        base = token if token < 0x20 else (token & 0x1F) | 0x20
        if base == _PTG_ATTR and at + 4 <= len(tokens):
            if tokens[at + 1] & _ATTR_SUM and ranged:
                return True
            choices = struct.unpack_from("<H", tokens, at + 2)[0] + 1 if tokens[at + 1] & _ATTR_CHOOSE else 0
            at += 4 + 2 * choices
        elif base == _PTG_STRING and at + 3 <= len(tokens):
            at += 3 + tokens[at + 1] * (2 if tokens[at + 2] & 1 else 1)
        elif base in (_PTG_FUNC, _PTG_FUNC_VAR) and at + _PTG_SIZES[base] <= len(tokens):
            if ranged and struct.unpack_from("<H", tokens, at + _PTG_SIZES[base] - 2)[0] & 0x7FFF in _BIFF_TOTAL_FUNCTIONS:
                return True
            at += _PTG_SIZES[base]
        elif base in _PTG_SIZES:
            ranged = ranged or base in _PTG_AREAS
            at += _PTG_SIZES[base]
        else:
            return False
    return False


# BIFF8 formula tokens, by their base (the class bits of those from 0x20 on cleared), and their sizes
_PTG_STRING, _PTG_ATTR, _PTG_ERROR, _PTG_FUNC, _PTG_FUNC_VAR = 0x17, 0x19, 0x1C, 0x21, 0x22
_ATTR_CHOOSE, _ATTR_SUM = 0x04, 0x10
_PTG_AREAS = frozenset({0x25, 0x2B, 0x2D, 0x3B, 0x3D})  # a range: tArea, tAreaErr, tAreaN, tArea3d, tAreaErr3d
_PTG_SIZES = {**dict.fromkeys(range(0x03, 0x17), 1), 0x01: 5, 0x02: 5, 0x1C: 2, 0x1D: 2, 0x1E: 3, 0x1F: 9,
              0x20: 8, 0x21: 3, 0x22: 4, 0x23: 5, 0x24: 5, 0x25: 9, 0x26: 7, 0x27: 7, 0x28: 7, 0x29: 3, 0x2A: 5,
              0x2B: 9, 0x2C: 5, 0x2D: 9, 0x39: 7, 0x3A: 7, 0x3B: 11, 0x3C: 7, 0x3D: 11}
# the total's functions of settings.TOTAL_FUNCTIONS that an .xls numbers (the others are add-ins there)
_BIFF_FUNCTIONS = {"COUNT": 0, "SUM": 4, "AVERAGE": 5, "MIN": 6, "MAX": 7, "COUNTA": 169, "SUMPRODUCT": 228,
                   "SUBTOTAL": 344, "SUMIF": 345, "COUNTIF": 346, "COUNTBLANK": 347, "AVERAGEA": 361, "MAXA": 362, "MINA": 363}
_BIFF_TOTAL_FUNCTIONS = frozenset(number for name, number in _BIFF_FUNCTIONS.items() if name in settings.TOTAL_FUNCTIONS)


def _calculates_on_opening(path: str, data: bytes | None) -> bool:
    """Whether an .xlsx/.xlsm workbook asks to be calculated when it is opened (``fullCalcOnLoad``):
    written by a program that does not calculate formulas (xlsxwriter, an export of another system),
    which saves 0 as each formula's result unless told the result. A workbook saved by Excel has its results."""
    if workbook_suffix(path) not in (".xlsx", ".xlsm"):
        return False
    try:
        with _zip(path, data) as archive, archive.open("xl/workbook.xml") as stream:
            return bool(_FULL_CALC_ON_LOAD.search(stream.read(1 << 16)))
    except (KeyError, *ARCHIVE_ERRORS):
        return False


def _with_sheet_xml(path: str, data: bytes | None, sheets: list[RawSheet],
                    use: Callable[[RawSheet, Iterator[bytes]], None], holding: tuple[bytes, ...] = ()) -> None:
    """``use`` each of an .xlsx/.xlsm workbook's ``sheets`` with its XML in pieces (see :func:`.sheet_xml.pieces`),
    to look at what the reader does not give (with ``holding``, only a sheet whose XML holds one of those
    texts); other formats are left as they are, and so is the rest once a part cannot be read (the cells
    stay as the reader gave them)."""
    if workbook_suffix(path) not in (".xlsx", ".xlsm"):
        return
    try:
        with _zip(path, data) as archive:
            parts = sheet_parts(archive)
            for sheet in sheets:
                part = parts.get(sheet.name)
                if part is not None and (not holding or holds(archive, part, holding)):
                    use(sheet, pieces(archive, part))
    except (KeyError, ValueError, ElementTree.ParseError, *ARCHIVE_ERRORS):
        return


_HIDDEN_ROW = re.compile(rb'<row\b(?=[^<>]*?\bhidden="(?:1|true)")[^<>]*>')  # linear, as IN_CELL


def hidden_rows(path: str, sheet: str) -> frozenset[int]:
    """The 1-based rows an .xlsx/.xlsm sheet hides: hidden, filtered out or collapsed (Excel marks
    each so). Asked only of a log sheet whose Total Hours matches neither its entries nor its log;
    none for the other formats, a sheet not found or a workbook that can no longer be read."""
    if workbook_suffix(path) not in (".xlsx", ".xlsm"):
        return frozenset()
    try:
        with zipfile.ZipFile(path) as archive:
            part = sheet_parts(archive).get(sheet)
            if part is None or archive_refuse_reason(archive):
                return frozenset()
            tags = [match[0] for xml in pieces(archive, part) for match in _HIDDEN_ROW.finditer(xml)]
    except (KeyError, ValueError, ElementTree.ParseError, *ARCHIVE_ERRORS):
        return frozenset()
    rows = (ROW_NUMBER.search(tag) for tag in tags)
    return frozenset(int(row[1]) for row in rows if row)


def _numbered_ids(sheet: RawSheet) -> list[int]:
    """The ID columns of a sheet's cells that hold a number (an ID kept as a number, not as text)."""
    if sheet.table is None or sheet.cells is None or not len(sheet.cells):
        return []
    ids = _column_facts(sheet.table, tuple(sheet.columns)).ids
    return [k for k in ids if _holds_numbers(sheet.cells[:, k].tolist())]


def _restore_leading_zeros(path: str, data: bytes | None, sheets: list[RawSheet]) -> None:
    """An ID kept as a number under a number format of zeros only (`000000`: Excel shows 88912 as
    088912) read as the text Excel shows, so it matches the same ID typed as text elsewhere.

    .xlsx/.xlsm only: the .xls and .ods readers give no cell's format to look up."""
    if workbook_suffix(path) not in (".xlsx", ".xlsm"):
        return
    # the styles of an ordinary zip held in memory read without opening it as an archive (most have no
    # such format, and nothing more is read)
    xml = plain_part(data, "xl/styles.xml") if data is not None else None
    try:
        if xml is None:
            with _zip(path, data) as archive:
                xml = archive.read("xl/styles.xml")
        styles = zero_padded_styles(xml)
    except (KeyError, ValueError, ElementTree.ParseError, *ARCHIVE_ERRORS):
        return
    if styles:
        _with_sheet_xml(path, data, sheets, lambda sheet, xml: _put_shown(sheet, zero_padded_cells(xml, styles)))


def _put_shown(sheet: RawSheet, shown: dict[tuple[int, int], str]) -> None:
    """The sheet's ID cells read as numbers given the text their format shows (see :func:`_restore_leading_zeros`)."""
    if not shown:
        return
    row_of = {row: i for i, row in enumerate(sheet.rows.tolist())}
    columns = list(sheet.columns.values())
    column_of = {columns[k]: k for k in _numbered_ids(sheet)}
    for (row, column), text in shown.items():
        i, k = row_of.get(row), column_of.get(column)
        if i is not None and k is not None and sheet.cells[i, k].__class__ in (int, float):
            sheet.cells[i, k] = text


def _late_times(sheet: RawSheet) -> list[tuple[int, int]]:
    """(row, column) in ``sheet.cells`` of each Duration read as a time of day of
    ``settings.LATE_TIME_OF_DAY_HOURS`` or later: a negative time in an h:mm cell is read so (-1:00 as 23:00)."""
    if sheet.cells is None or "duration" not in sheet.columns:
        return []
    k = list(sheet.columns).index("duration")
    cells = sheet.cells[:, k].tolist()
    if time not in set(map(type, cells)):  # nearly every sheet: its durations are numbers or text
        return []
    return [(i, k) for i, cell in enumerate(cells) if isinstance(cell, time) and cell.hour >= settings.LATE_TIME_OF_DAY_HOURS]


def _restore_negative_times(path: str, data: bytes | None, sheets: list[RawSheet]) -> None:
    """A Duration whose saved value is a negative time (End before Start) given as that negative
    duration, where the reader showed it as a time of day (-1:00 as 23:00, counted as 23 hours).

    .xlsx/.xlsm and .xls (LibreOffice saves it so): the .ods reader gives the negative duration itself.
    """
    if workbook_suffix(path) == ".xls":
        _restore_xls_negative_times(Path(path).read_bytes() if data is None else data, sheets)
    else:
        _with_sheet_xml(path, data, sheets, lambda sheet, xml: _put_negative_times(sheet, _negative_cells(xml)))


def _restore_xls_negative_times(data: bytes, sheets: list[RawSheet]) -> None:
    """:func:`_restore_negative_times` of an .xls: the saved numbers are in its sheets' BIFF records."""
    try:
        stream = _xls_stream(data)
        starts = _xls_sheet_starts(stream)
        for sheet in sheets:
            if sheet.name in starts:
                _put_negative_times(sheet, {(row + 1, column): number for row, column, number
                                            in _xls_numbers(stream, starts[sheet.name]) if number < 0})
    except _XLS_ERRORS:  # the cells stay as the reader gave them
        return


def _put_negative_times(sheet: RawSheet, negative: dict[tuple[int, int], float]) -> None:
    columns = list(sheet.columns.values())
    for i, k in _late_times(sheet) if negative else ():
        saved = negative.get((int(sheet.rows[i]), columns[k]))
        if saved is not None:
            sheet.cells[i, k] = timedelta(days=saved)


# a negative number saved (a formula's text result "-" is none: it made the sheet's XML unreadable here);
# linear, as IN_CELL
_NEGATIVE_CELL = re.compile(rb"<c\b([^<>]*)(?<!/)>(?:<f\b[^<>]*>(?:[^<]*</f>)?)?<v>(-\d*\.?\d+(?:[Ee][-+]?\d+)?)</v>")


def _negative_cells(pieces: Iterable[bytes]) -> dict[tuple[int, int], float]:
    """(1-based row, 0-based column) → value of every cell of a sheet's XML (in ``pieces``, see
    :func:`.sheet_xml.pieces`) whose saved number is negative, in one pass (a sheet may hold many late times)."""
    found: dict[tuple[int, int], float] = {}
    for xml in pieces:
        if b"<v>-" not in xml:
            continue
        for match in _NEGATIVE_CELL.finditer(xml):
            at = position(match[1])
            if at:
                found[at] = float(match[2])
    return found


def _error_cells(pieces: Iterable[bytes], uncalculated: bool = False) -> dict[tuple[int, int], FormulaError]:
    """(1-based row, 0-based column) → what the cell shows instead of a value: every cell of type
    ``e`` in a sheet's XML (in ``pieces``, see :func:`.sheet_xml.pieces`: its error code), and every formula
    saved without a result (its formula) — with ``uncalculated``, also every one saved with the result 0
    (see :func:`_restore_formula_errors`)."""
    found: dict[tuple[int, int], FormulaError] = {}
    for xml in pieces:
        if b't="e"' in xml:
            for match in _ERROR_CELL.finditer(xml):
                at, value = position(match[1]), _CELL_VALUE.search(match[2])
                if at and value:
                    found[at] = FormulaError(value[1].decode("utf-8", "replace"))
        if b"<f" in xml:
            for match in _FORMULA_CELL.finditer(xml):
                at = position(match[1])
                if at and _no_result(match[1], match[2], uncalculated):
                    formula = _FORMULA_TEXT.search(match[2])
                    text = html.unescape(formula[1].decode("utf-8", "replace")).strip() if formula else ""
                    found.setdefault(at, UncalculatedFormula(f"={text}" if text else ""))
    return found


def _no_result(attributes: bytes, content: bytes, uncalculated: bool) -> bool:
    """Whether a formula cell's XML saves no result for it: none at all, or, in a workbook marked to be
    calculated on opening (``uncalculated``), an empty one or a number 0 (a text, a yes/no or an error
    saved is a result its writer was told)."""
    value = _CELL_VALUE.search(content)
    if value is None:
        return True
    return uncalculated and (not value[1].strip() or (_ZERO_VALUE.match(value[1]) is not None
                                                          and _TYPED_NOT_NUMBER.search(attributes) is None))


_ZERO_VALUE = re.compile(rb"\s*[-+]?(?:0+\.?0*|\.0+)(?:[Ee][-+]?\d+)?\s*$")  # 0, 0.0, -0, 0E+0
_TYPED_NOT_NUMBER = re.compile(rb'\bt="(?!n")')


def _put_errors(sheet: RawSheet, errors: dict[tuple[int, int], FormulaError]) -> None:
    """The sheet's blank table cells that are looked for (see :class:`_ColumnFacts`: a log's description
    may show `#N/A`), footer totals and the values of a log's pair labels that hold an error or an
    uncalculated formula in the workbook, given that error or formula."""
    if not errors:
        return
    for footer in sheet.footers:
        if footer.value is None or _is_zero(footer.value):
            footer.value = errors.get((footer.row, footer.col), footer.value)
    _put_label_errors(sheet, errors)
    row_of = {row: i for i, row in enumerate(sheet.rows.tolist())}
    watched = _column_facts(sheet.table, tuple(sheet.columns)).watched
    column_of = {column: k for k, column in enumerate(sheet.columns.values()) if k in watched}
    for (row, column), shown in errors.items():
        i, k = row_of.get(row), column_of.get(column)
        if i is not None and k is not None and (sheet.cells[i, k] is None or _is_zero(sheet.cells[i, k])):
            sheet.cells[i, k] = shown


def _put_label_errors(sheet: RawSheet, errors: dict[tuple[int, int], FormulaError]) -> None:
    """A log's pair label whose value shows a formula's error or was saved without its result (`Candidate
    Name: | =VLOOKUP(…)` showing #N/A, an ID formula an exporting program saved as 0) given that error or
    formula, at its cell: the label names no one until the workbook is calculated or the formula fixed."""
    for label in sheet.labels.values():
        if _is_zero(label.value):
            label.value = errors.get((label.row, label.col), label.value)
    for role, blank in sheet.unfilled.items():
        at = next((col for col in range(blank.col, blank.end) if (blank.row, col) in errors), None)
        if at is not None:
            sheet.labels[role] = Label(role, blank.kind, errors[blank.row, at], sheet.name, blank.row, at)


def _note_continuation(sheet: RawSheet, text: str, *, under_entries: bool) -> None:
    """What a log page's words say of its being continued (:data:`_CONTINUED`, :data:`_PAGE_OF`): that
    the next page continues it (`Continued on next page`, a bare `continued` under its entries, `Page 1
    of 2`), or that it continues another (`… continued` in its title, `Continued from page 1`, `Page 2 of 2`)."""
    page = _PAGE_OF.search(text)
    if page:
        number, pages = int(page[1]), int(page[2])
        sheet.continues = sheet.continues or 1 < number <= pages
        sheet.goes_on = sheet.goes_on or number < pages
    elif not _CONTINUED.search(text):
        return
    elif _GOES_ON.search(text) or (under_entries and not _GOES_BACK.search(text)):
        sheet.goes_on = True
    else:
        sheet.continues = True


def _is_zero(cell: object) -> bool:
    """A cell as the reader gives the result 0 saved for a formula (see :data:`_ZERO_SHOWN`); never yes/no."""
    return cell.__class__ is not bool and cell in _ZERO_SHOWN


def _carry_labels(sheets: list[RawSheet]) -> None:
    """A continuation page without its own labelled block names the pair of the page it continues.

    The page continues the log sheet of the same kind that its name names (`Page 1 continued`,
    `Page 1 (cont.)`, Excel's copy `Page 1 (2)` and `Page 1 - page 2` continue `Page 1`), wherever
    that sheet is in the workbook. Else it continues the nearest earlier log sheet of the same kind
    that has labels, when the page says it continues one (`… continued`), or when that sheet is the
    log page just before it and ends saying the next page continues it (`Continued on next page`).
    A page continuing another is not itself continued by the next page unless it says so.
    """
    logs = [sheet for sheet in sheets if sheet.table is not None and tables()[sheet.table].log]
    by_name: dict[tuple[str, str], RawSheet] = {}
    for sheet in logs:  # of paper forms one under another on a sheet, its next page continues the last
        key = (sheet.table, _page_name(sheet.name))
        if key not in by_name or by_name[key].name == sheet.name:
            by_name[key] = sheet
    last: dict[str, RawSheet] = {}
    before: dict[str, RawSheet] = {}  # the log page just before, of each kind
    for sheet in logs:
        just_before, before[sheet.table] = before.get(sheet.table), sheet
        if len(sheet.labels) == 2 or ("candidate_id" in sheet.columns and "coach_id" in sheet.columns):
            if sheet.labels:
                last[sheet.table] = sheet
            continue
        named = _named_page(sheet, by_name)
        previous = named if named is not None else last.get(sheet.table)
        says = sheet.continues or named is not None or (previous is just_before and previous is not None and previous.goes_on)
        if previous is not None and says and _agree(sheet.labels, previous.labels):
            # the block left unfilled, or filled in part (the candidate named again, the coach's line
            # left blank): the page it continues names the rest
            sheet.labels = {**previous.labels, **sheet.labels}
            sheet.unfilled = {**previous.unfilled, **sheet.unfilled}
        if sheet.labels:
            last[sheet.table] = sheet


def _agree(labels: dict[str, Label], earlier: dict[str, Label]) -> bool:
    """Whether every label of a page names what the page it continues names (same kind, same text;
    an ID typed as the number 200 is the text `200`)."""
    def text(label: Label) -> str:
        value = label.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return normalise_header(str(value))
    return all(role in earlier and earlier[role].kind == label.kind and text(earlier[role]) == text(label)
               for role, label in labels.items())


def _named_page(sheet: RawSheet, by_name: dict[tuple[str, str], RawSheet]) -> RawSheet | None:
    """The other log sheet a page's name says it continues: `Page 1 continued` (any page saying it
    continues), `Page 1 (2)` or `Page 1 - page 2` (a name another sheet's name with a copy or page
    number after it, that sheet's only); None when it names none."""
    if sheet.continues:
        named = by_name.get((sheet.table, _page_name(_CONTINUES.sub(" ", sheet.name))))
    else:
        base = _page_name(_PAGE_AFTER.sub("", sheet.name))
        named = by_name.get((sheet.table, base)) if base and base != _page_name(sheet.name) else None
    return named if named is not sheet else None


# what a continuation page's name adds to the name of the page it continues: `continued`, `cont.`,
# `cont'd`, a page number after it (`continued 2`), Excel's copy number (`(2)`)
_CONTINUES = re.compile(r"\b(?:continued|cont['\u2019]?d|cont)\b\.?(?:\s*\(?\d+\)?)?|\(\d+\)\s*$", re.IGNORECASE)
# and what a further page's name adds without saying it continues: Excel's copy number, a page number
_PAGE_AFTER = re.compile(r"(?:\(\d+\)|\b(?:page|pg|p)\.?\s*\d+)\s*$", re.IGNORECASE)


def _page_name(name: str) -> str:
    """A sheet's name as another sheet's name gives it: its letters and numbers in any case, without
    the spaces and punctuation between them (`Page 1 - `, `page 1`, `Page1` and `Page 1 ()` all name
    `Page 1`)."""
    return _NOT_WORDS.sub("", name).casefold()


def read_workbook(path: str, relpath: str) -> WorkbookRead:
    """Hash and read every sheet of one workbook. Never raises for a bad file: the error is returned.

    Values only: formulas give their cached results and macros never run.
    """
    result = WorkbookRead(relpath=relpath)
    try:
        result.sha256, data, signature = _fingerprint(path)
    except OSError as exc:
        result.unopened, result.fix = _unopened(exc)
        return result
    totals: dict[str, tuple[TotalRows, ...]] = {}
    reason = _inspect(path, data, totals)
    if reason:
        result.error = f"refused before opening: {reason}"
        result.fix = _ASK_AGAIN if reason.startswith(_DAMAGED) else _ENTITIES_FIX if _ENTITIES in reason else _CUT_DOWN
        return result
    try:
        workbook = _open(path, data)
        if not workbook.sheets_metadata:  # a workbook has a sheet at least: its list of them was lost
            result.error, result.fix = _NO_SHEETS, _ASK_AGAIN
            return result
        cells = 0  # the workbook's, as the reader lays its sheets out
        others = []  # the kinds of sheet holding no table (a chart sheet, an Excel 4 macro sheet), in order
        for meta in workbook.sheets_metadata:
            hidden = str(meta.visible).rsplit(".", 1)[-1].lower() != "visible"
            kind = str(meta.typ).rsplit(".", 1)[-1]
            if kind.lower() != "worksheet":
                others.append(_OTHER_SHEETS.get(kind, "sheets of no table"))
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            # what no declaration told before opening (an .xls, a sheet without its dimension): the
            # same limit, before each cell becomes a Python object
            reason = extent_reason(f"sheet {meta.name}", sheet.height, sheet.width, before=cells)
            if reason:
                result.error, result.sheets, result.fix = f"refused: {reason}", [], _CUT_DOWN
                return result
            cells += sheet.height * sheet.width
            rows = sheet.to_python()
            first_row, first_col = sheet.start or (0, 0)
            # merged ranges: .xlsx and .xls only (None for .ods); found as the sheet is opened
            result.sheets += _sheet_tables(meta.name, hidden, rows, first_row, first_col, sheet.merged_cell_ranges,
                                           totals.get(meta.name, ()))
        if not result.sheets:  # listed with no sheet: Inputs says why nothing was read from it
            result.note = f"holds {' and '.join(dict.fromkeys(others))} only: no table to read"
        summed = [sheet for sheet in result.sheets if sheet.summed]
        if summed:  # a row of numbers only lacking a needed value may be a totals row of formulas: asked only then
            _drop_formula_totals(path, data, summed)
        gaps = [sheet for sheet in result.sheets if sheet.gaps]
        # a 0 may be a formula never calculated, in a workbook asking to be: the workbook is asked only then
        zeros = [sheet for sheet in result.sheets if sheet.zeros and not sheet.gaps]
        uncalculated = any(sheet.zeros for sheet in result.sheets) and _calculates_on_opening(path, data)
        if uncalculated:
            gaps += zeros
        if gaps:  # an empty-looking cell may be a formula's error: asked only then
            _restore_formula_errors(path, data, gaps, uncalculated)
        _carry_labels(result.sheets)  # a page's label showing a formula's error names no one to carry
        late = [sheet for sheet in result.sheets if _late_times(sheet)]
        if late:  # a late time of day may be a negative time: asked only then
            _restore_negative_times(path, data, late)
        numbered = [sheet for sheet in result.sheets if _numbered_ids(sheet)]
        if numbered:  # an ID kept as a number may show leading zeros: asked only then
            _restore_leading_zeros(path, data, numbered)
        # a date typed as a serial number counts from the workbook's date system: asked only then
        serials = [(sheet, columns) for sheet in result.sheets if sheet.table and (columns := _serial_date_columns(sheet))]
        # and a time in a date-formatted Duration cell of an .ods is dated on the system's day zero
        times = [sheet for sheet in result.sheets if sheet.table and workbook_suffix(path) == ".ods"
                 and _has_1904_times(sheet)]
        # and a footer's total of a day or more in an h:mm cell is dated from the system's serial 1
        days = [sheet for sheet in result.sheets if any(_is_days(f.value, _DAY_ONE_1904) for f in sheet.footers)]
        if (serials or times or days) and _counts_from_1904(path, data):
            for sheet, columns in serials:
                _shift_1904_serials(sheet.cells, columns)
            for sheet in times:
                _times_from_1904(sheet)
            for sheet in days:
                for footer in sheet.footers:
                    footer.value = _hours_of_days(footer.value, _DAY_ONE_1904)
    except Exception as exc:  # calamine raises many kinds for corrupt, encrypted or foreign files
        cause = _missing_sheet(exc) or _likely_cause(path, data)
        result.error, result.fix = _explain(exc, cause), _fix_for(cause, workbook_suffix(path))
        result.sheets = []
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        result.error, result.sheets = f"{_CRASHED} [{str(exc).strip()[:200]}]", []
    if not result.error and _changed(path, signature):
        result.error, result.fix, result.sheets = _CHANGED, _CHANGED_FIX, []
    return result


_CRASHED = "the reader crashed on it (the file is malformed or hostile)"
# a workbook's sheets of another kind than a worksheet, as its Inputs note names them
_OTHER_SHEETS = {"ChartSheet": "chart sheets", "DialogSheet": "dialog sheets", "MacroSheet": "macro sheets",
                 "Vba": "VBA modules"}
_CHANGED = "it changed while the run read it (saved again, or still being copied or synced?): nothing in it was used"
_CHANGED_FIX = "Run again once the file is saved and its copy or sync has finished."
_NO_SHEETS = "it is damaged: no sheet can be found in it (a bad copy?)"
# what to do about an unreadable file where opening it in Excel and saving it again (the catalogue's
# fix) cannot be done: nothing in it to save, or nothing Excel would make smaller
_ASK_AGAIN = "Ask the sender for the file again (or copy it from where it is kept) and put it in the inbox, then re-run."
_ASK_WORKBOOK = "Ask the sender for the workbook itself and take this file out of the inbox, then re-run."
_CUT_DOWN = ("Delete the rows or columns beyond the table (cells typed or pasted far from it), or split the "
             "workbook into smaller ones, then re-run.")


def _unopened(exc: OSError) -> tuple[str, str]:
    """Why a file's bytes could not be read, in plain words with the system's own in brackets, and
    what to do about it."""
    text = f"[{exc.strerror or exc}]"
    if isinstance(exc, PermissionError):  # saved by an account of its own, or held locked by another program
        return (f"the account that runs the job may not read it {text}",
                "Give the account that runs the job read access to the file (or close it where it is open), then re-run.")
    if isinstance(exc, FileNotFoundError):
        return f"it was moved or deleted while the run read the inbox {text}", "Put the file back in the inbox, then re-run."
    return f"its bytes cannot be read {text}", "Copy the file into the inbox again, then re-run."


def _is_panic(exc: BaseException) -> bool:
    """Whether ``exc`` is the reader's own failure (a Rust panic, such as a duration cell of -1e300
    days: pyo3's PanicException, which is no Exception). Not caught, it ended the worker's chunk of
    files and, unable to be sent back, stopped the whole run."""
    return type(exc).__name__ == "PanicException"


def _open(path: str, data: bytes | None = None) -> python_calamine.CalamineWorkbook:
    """The workbook at ``path``. An .xlsx or .xlsm whose bytes were read for its hash is opened from
    them, not from the disk again (the sheets are then of the very bytes hashed; opening them costs
    two thirds of opening the file). Opened so, the reader takes a workbook of any kind for what it
    is, so only one holding an .xlsx's workbook part is: a file of another kind is opened by its
    path, as its extension says, and refused as the kind it is not (see :func:`_likely_cause`); so is
    one the reader cannot take for any kind from its bytes, so that its refusal says why, as for a
    workbook too large to hold.

    The reader takes a path only as UTF-8: a file named otherwise (an old zip tool's "Jos\xe9.xlsx")
    is handed to it open, and it reads it whole at once. An .ods whose text holds a tab or a line
    break of its own is handed to it with each made a space (see :func:`_ods_breaks_spaced`)."""
    suffix = workbook_suffix(path)
    if data is not None and suffix in (".xlsx", ".xlsm") and _XLSX_WORKBOOK_PART in data:
        try:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except python_calamine.CalamineError as exc:
            if type(exc) is not python_calamine.CalamineError:  # the reader's own words for what is wrong
                raise
            # "Cannot detect file format" (a zip cut short, a zip of workbooks): opened by its path below, as a
            # workbook too large to hold is, the reader says what is wrong with it, whatever its size
    spaced = _ods_breaks_spaced(path, data) if suffix == ".ods" else None
    if spaced is not None:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(spaced))
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        with open(path, "rb") as handle:
            return python_calamine.CalamineWorkbook.from_filelike(handle)
    return python_calamine.CalamineWorkbook.from_path(path)


_XLSX_WORKBOOK_PART = b"xl/workbook.xml"  # named in the zip's directory, uncompressed

# LibreOffice keeps a tab typed or pasted inside a cell's text (`Eve<tab>Lee`), and a line break kept
# within a paragraph, as an element of its own, which the reader drops: `EveLee`, where the same cell
# of an .xlsx reads `Eve Lee` (any run of whitespace is one space)
_ODS_BREAK = re.compile(rb"<text:(?:tab|line-break)\s*/>")
_ODS_BREAK_LONGEST = len(b"<text:line-break />")


def _ods_breaks_spaced(path: str, data: bytes | None) -> bytes | None:
    """The .ods with each tab or line break element of its text made a space (`<text:s/>`), or None
    when its content.xml holds none (then it is read as it is). content.xml is streamed through once
    to look; it is rewritten, in memory, only when it holds one."""
    try:
        with _zip(path, data) as archive, archive.open("content.xml") as stream:
            tail, found = b"", False
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                if _ODS_BREAK.search(tail + chunk):
                    found = True
                    break
                tail = chunk[-_ODS_BREAK_LONGEST:]
            if not found:
                return None
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as spaced:  # read once, at once: not packed again
                for info in archive.infolist():
                    part = archive.read(info)
                    if info.filename == "content.xml":
                        part = _ODS_BREAK.sub(b"<text:s/>", part)
                    spaced.writestr(info.filename, part)
            return buffer.getvalue()
    except (KeyError, *ARCHIVE_ERRORS):  # no content.xml, a damaged part: the reader says what it is
        return None


def _explain(exc: Exception, cause: str = "") -> str:
    """Why a file could not be read, in words a coordinator can act on; the reader's own text is
    kept at the end, in brackets, for IT."""
    text = str(exc).strip() or type(exc).__name__
    said_encrypted = "password" in text.lower() or "encrypt" in text.lower()
    if isinstance(exc, python_calamine.PasswordError) or said_encrypted or cause == _ENCRYPTED:
        return _ENCRYPTED
    return f"{cause or 'it is not a readable workbook'} [{text[:200]}]"


_ENCRYPTED = "it is password-protected or encrypted"
_CUT_SHORT = "the file is cut short (an incomplete download or copy?)"
_EMPTY, _ZEROS = "the file is empty (0 bytes)", "the file holds only zero bytes (a damaged copy?)"
_NOT_WORKBOOK = "not a workbook: it looks like"
_TEXT = f"{_NOT_WORKBOOK} a CSV or text file"
_TABBED = f"{_NOT_WORKBOOK} a tab-separated text file"
_WEB_PAGE = f"{_NOT_WORKBOOK} a web page (HTML)"
_XML_2003 = "it is an Excel 2003 XML spreadsheet (SpreadsheetML), a kind of file the run does not read"
_XLSB = "it is an Excel binary workbook (.xlsb), a kind of file the run does not read"
_NUMBERS = f"{_NOT_WORKBOOK} an Apple Numbers spreadsheet"
_ZIPPED_WORKBOOKS = f"{_NOT_WORKBOOK} a zip archive of workbooks"
# what a file Excel can open is, as the extension Excel opens it by (a text file named .xlsx Excel refuses)
_EXCEL_OPENS = {_TEXT: ".csv", _TABBED: ".txt", _WEB_PAGE: ".htm", _XML_2003: ".xml", _XLSB: ".xlsb"}
_MARKUP = re.compile(rb"<(?:html|table|body|head|meta|title|style|!doctype\s+html)\b")  # how a web page's text begins
_SPREADSHEET_ML = re.compile(rb"<(?:\w+:)?workbook\b[^>]*urn:schemas-microsoft-com:office:spreadsheet")
_PROLOG = re.compile(rb"^(?:\s*(?:<\?.*?\?>|<!--.*?-->))*\s*", re.DOTALL)  # an XML declaration, processing instructions, comments
_UTF16 = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text", some systems' exports
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how .xlsx/.ods and .xls files begin
_OLE_SECTOR = 512  # an .xls is made of whole sectors of this size
_LOOKS_LIKE = {  # how other files begin → what they are
    b"%PDF": "a PDF",
    b"\x89PNG": "a picture",
    b"\xff\xd8\xff": "a picture",
    b"GIF8": "a picture",
    b"{\\rtf": "a Word document (RTF)",
}
_ZIPPED = {"word/": "a Word document", "ppt/": "a PowerPoint presentation"}  # other Office files are zips too
_NUMBERS_PARTS = ("Index/", "Index.zip")  # where an Apple Numbers file (a zip since 2013) keeps its tables
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")  # never in a text file
_HEAD_BYTES = 4096


def _likely_cause(path: str, data: bytes | None) -> str:
    """What an unreadable file most likely is, told cheaply from its first bytes ('' if nothing
    plain can be said): empty, cut short, encrypted, or another kind of file saved as a workbook.
    ``data`` is the file's bytes when they were read whole (see :func:`_fingerprint`)."""
    try:
        size = len(data) if data is not None else os.path.getsize(path)
        if data is None:
            with open(path, "rb") as handle:
                data = handle.read(_HEAD_BYTES)
    except OSError:
        return ""
    head, suffix = data[:_HEAD_BYTES], workbook_suffix(path)
    if size == 0:
        return _EMPTY
    if not head.strip(b"\0"):
        return _ZEROS
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(data) if len(data) == size else path) as archive:
                names = archive.namelist()
                declaring = _part_declaring_entities(archive, names)
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
        except (zipfile.BadZipFile, OSError, ValueError, zlib.error, EOFError, lzma.LZMAError):
            # a zip's table of contents is at its very end: a file whose end record is still there is whole
            return _DAMAGED_WHOLE if _END_RECORD in _tail(path, data, size) else _CUT_SHORT
        if declaring:
            return entities_refused(declaring)
        return _zip_kind(names, mimetype, suffix)
    if head.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:  # how Excel keeps an .xlsx with a password
            return _ENCRYPTED
        if "WordDocument".encode("utf-16-le") in data:  # an old .doc is a compound file too
            return f"{_NOT_WORKBOOK} a Word document"
        if size % _OLE_SECTOR or _ole_ends_early(path, data, size):
            return _CUT_SHORT
        return f"it is an old .xls workbook named {suffix}" if suffix != ".xls" else ""
    kind = next((kind for magic, kind in _LOOKS_LIKE.items() if head.startswith(magic)), "")
    if kind:
        return f"{_NOT_WORKBOOK} {kind}"
    return _text_kind(head)


_OLE_LAST_SECTOR = 0xFFFFFFFA  # numbers from here on mark no sector (end of chain, free, the table's own)
_OLE_FREE = 0xFFFFFFFF


def _ole_ends_early(path: str, data: bytes, size: int) -> bool:
    """Whether a compound file (.xls) ends before the last sector its own table of sectors uses: a copy
    cut short at a whole sector (a download or sync stopping at a block boundary) passes the size
    check, and its reader says only that a sector 'points past end of file'."""
    try:
        sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        directory = struct.unpack_from("<I", data, 0x30)[0]
        tables = [n for n in struct.unpack_from("<109I", data, 0x4C) if n < _OLE_LAST_SECTOR]
    except struct.error:
        return False
    if sector not in (512, 4096):
        return False  # not a header a reader accepts: let the reader say what it is
    last = max([*tables, directory if directory < _OLE_LAST_SECTOR else 0])
    for number, table in enumerate(tables):  # each sector of the table holds the next one of sector // 4 sectors
        entries = _bytes_at(path, data, (table + 1) * sector, sector)
        used = [n for n, next_one in enumerate(struct.unpack(f"<{len(entries) // 4}I", entries)) if next_one != _OLE_FREE]
        last = max([last, *(number * sector // 4 + n for n in used)])
    return (last + 2) * sector > size  # sector n is the (n + 2)th block of the file, after the header


def _bytes_at(path: str, data: bytes, offset: int, length: int) -> bytes:
    """``length`` bytes of the file at ``offset`` (fewer where it ends): from ``data`` if it holds them."""
    if offset + length <= len(data):
        return data[offset:offset + length]
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            return handle.read(length)
    except OSError:
        return b""


def _text_kind(head: bytes) -> str:
    """What a file that is no zip and no compound file is, when its first bytes are text ('' if they
    are not): a web page, an Excel 2003 XML spreadsheet, a tab-separated or other text file. A text
    in UTF-16 (its byte order mark first) is looked at as the text it holds."""
    if head.startswith(_UTF16):
        head = head.decode("utf-16", "replace").encode("utf-8", "replace")
    elif _CONTROL.search(head):
        return ""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if _SPREADSHEET_ML.search(text):
            return _XML_2003
        if _MARKUP.match(text, _PROLOG.match(text).end()):
            return _WEB_PAGE
    first_line = text.split(b"\n", 1)[0]
    return _TABBED if first_line.count(b"\t") > first_line.count(b",") else _TEXT


_END_RECORD = b"PK\x05\x06"  # a zip's end record: in its last 22 bytes, or before a comment of up to 64 KB
_END_REACH = 22 + 0xFFFF
_DAMAGED_WHOLE = f"{_DAMAGED} its content is corrupt, though the file is whole (a bad copy?)"
_ENTITIES = ENTITIES_DECLARED
_ENTITIES_FIX = ("Ask the sender how the file was made, and for the workbook as Excel or LibreOffice saves it (neither "
                 "declares XML entities); give this file to IT to look at, then re-run.")
_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_OPEN_DOCUMENT = "application/vnd.oasis.opendocument."
_SAME_KIND = {".xlsx": (".xlsx", ".xlsm"), ".ods": (".ods",)}  # a workbook named with a suffix its reader reads
_ENTITY_PARTS = 200  # the XML parts of an unreadable zip looked into for a declaration, at most


def _tail(path: str, data: bytes, size: int) -> bytes:
    """The file's last bytes, as far as a zip's end record can be from its end."""
    if len(data) == size:
        return data[-_END_REACH:]
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, size - _END_REACH))
            return handle.read()
    except OSError:
        return b""


def _part_declaring_entities(archive: zipfile.ZipFile, names: list[str]) -> str:
    """The first XML part whose prolog declares a DTD (entities, or an external one), or ''. The
    reader refuses them, never expanding one, in words only a parser's author reads."""
    for name in [n for n in names if n.endswith((".xml", ".rels"))][:_ENTITY_PARTS]:
        with archive.open(name) as part:
            prolog = part.read(_HEAD_BYTES)
        if declares_entities(prolog):
            return name
    return ""


def _zip_kind(names: list[str], mimetype: str, suffix: str) -> str:
    """What an unreadable zip is, from its parts' names and its ``mimetype`` part ('' if a workbook
    named as what it is): another Office file, a workbook of another kind, or no workbook at all."""
    kind = next((kind for folder, kind in _ZIPPED.items() if any(name.startswith(folder) for name in names)), "")
    if kind:
        return f"{_NOT_WORKBOOK} {kind}"
    if mimetype.startswith(_OPEN_DOCUMENT) and mimetype != _ODS_MIMETYPE:
        return f"{_NOT_WORKBOOK} an OpenDocument {mimetype.removeprefix(_OPEN_DOCUMENT)} file"
    actual = ".ods" if mimetype == _ODS_MIMETYPE else ".xlsx" if "xl/workbook.xml" in names else ""
    if actual:
        return f"it is an {actual} workbook named {suffix}" if suffix not in _SAME_KIND[actual] else ""
    if "xl/workbook.bin" in names:
        return _XLSB
    if any(name.startswith(_NUMBERS_PARTS) for name in names):
        return _NUMBERS
    if "[Content_Types].xml" not in names and not any(name.startswith("xl/") for name in names):
        if any(workbook_suffix(name) in settings.WORKBOOK_SUFFIXES for name in names):
            return _ZIPPED_WORKBOOKS
        return f"{_NOT_WORKBOOK} a zip archive of other files"
    return ""


def _missing_sheet(exc: Exception) -> str:
    """A workbook listing a sheet whose part was lost (a bad copy): the reader says only its name."""
    if isinstance(exc, python_calamine.WorksheetNotFound):
        return f"{_DAMAGED} its sheet '{str(exc).strip()}' is missing (a bad copy?)"
    return ""


def _fix_for(cause: str, suffix: str) -> str:
    """What to do about a file named with ``suffix`` and unreadable for ``cause`` (see
    :func:`_likely_cause`); '' where the catalogue's fix, saving it again from Excel, is the one."""
    if cause in (_EMPTY, _ZEROS, _CUT_SHORT) or cause.startswith(_DAMAGED):
        return _ASK_AGAIN
    if _ENTITIES in cause:
        return _ENTITIES_FIX
    if cause == _ENCRYPTED:
        return _NO_PASSWORD
    misnamed = _MISNAMED.match(cause)
    if misnamed:  # a workbook the run reads, under another kind's extension
        return f"Rename the file to end in {misnamed[1]} in place of {suffix}, then re-run."
    if cause in _EXCEL_OPENS:
        return _saved_from_excel(suffix, _EXCEL_OPENS[cause])
    if cause == _NUMBERS:
        return _FROM_NUMBERS
    if cause == _ZIPPED_WORKBOOKS:
        return _UNZIP
    if cause.startswith(_NOT_WORKBOOK):
        return _ASK_WORKBOOK
    return ""


_MISNAMED = re.compile(r"it is an (?:old )?(\.\w+) workbook named ")
_NO_PASSWORD = ("Remove its password: open it in Excel with the password, choose File > Info > Protect Workbook > "
                "Encrypt with Password, clear the password and save (or ask whoever set it to), then re-run.")
_FROM_NUMBERS = ("Rename the file to end in .numbers, open it in Numbers, choose File > Export To > Excel, put the "
                 ".xlsx it makes in the inbox and take this file out, then re-run.")
_UNZIP = ("Rename the file to end in .zip, unzip it, put the workbooks it holds in the inbox and take this file out, "
          "then re-run.")


def _saved_from_excel(suffix: str, opens_as: str) -> str:
    """The fix for a file Excel opens by its ``opens_as`` extension and can save as a workbook: named
    .xls, Excel opens it after a warning; named .xlsx (or .xlsm, .ods), Excel refuses it until it is
    renamed."""
    if suffix == ".xls":
        return ("Open it in Excel (answer Yes when Excel warns that its format and extension do not match), save it "
                "as an Excel Workbook (.xlsx) in the inbox and take this .xls file out, then re-run.")
    return (f"Rename it to end in {opens_as} in place of {suffix}, open it in Excel, save it as an Excel Workbook "
            f"(.xlsx) in the inbox and take the {opens_as} file out, then re-run.")


def _worker_count(files: list[tuple[str, str]]) -> int:
    """A worker per core, as many as there are files; but one for an inbox so small that one reader has
    read it before the run needs it (while the run imports validation and the rules): a second would
    only take a core from the run meanwhile, and cost a process."""
    workers = max(1, min(settings.MAX_READ_WORKERS, os.cpu_count() or 1, len(files)))
    return 1 if workers > 1 and _smaller_than(files, settings.ONE_READER_BYTES) else workers


def _smaller_than(files: list[tuple[str, str]], limit: int) -> bool:
    """The files' sizes add up to less than ``limit`` bytes (looked at only until they reach it); a file
    that cannot be looked at counts as empty (reading it says why)."""
    total = 0
    for path, _ in files:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue
        if total >= limit:
            return False
    return True


_CHUNK_FILES = 32  # files per task at most: one task per file costs the parent more than a read
_STARTED, _FINISHED = 1, 2
_progress = None  # in a worker: shared flags, one per file: _STARTED, then _FINISHED


def _init_worker(flags) -> None:
    global _progress
    _progress = flags
    end_with_parent()
    # What python-calamine prints as it aborts on a hostile file ("memory allocation of 549755813888
    # bytes failed", and a backtrace) kept off the coordinator's screen: the run reports the file.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)


def _read_tracked(chunk: list[tuple[int, str, str]]) -> list[WorkbookRead]:
    results = []
    for index, path, relpath in chunk:
        _progress[index] = _STARTED
        results.append(_read_safely(path, relpath))
        _progress[index] = _FINISHED
    _share_equal_values(results)
    return results


def _read_safely(path: str, relpath: str) -> WorkbookRead:
    """:func:`read_workbook`, whose reading of one hostile file may still fail in a way no check
    foresaw: that file alone is then unreadable (an exception escaping it lost the worker's whole
    chunk of files and stopped the run)."""
    try:
        return read_workbook(path, relpath)
    except Exception as exc:
        return WorkbookRead(relpath, error=f"{_CRASHED} [{type(exc).__name__}: {str(exc)[:200]}]", sha256=_sha256(path))


_SHAREABLE = {str, date, datetime}  # each equal only to its own kind: sharing never changes a value's type


def _share_equal_values(reads: list[WorkbookRead]) -> None:
    """Equal texts and dates of a chunk's cells made one object each.

    Logs repeat their IDs, dates and phrases: the results then pickle to about half the size, and
    the main process, which holds every cell of the run, keeps one copy of each.
    """
    shared: dict = {}
    for workbook in reads:
        for sheet in workbook.sheets:
            if sheet.cells is not None and sheet.cells.size:
                cells = sheet.cells.reshape(-1)  # a view: the array is contiguous
                cells[:] = [shared.setdefault(v, v) if v.__class__ in _SHAREABLE else v for v in cells.tolist()]


def _chunks(count: int, workers: int) -> list[range]:
    """Indices of `count` files in tasks small enough to keep every worker busy to the end."""
    size = max(1, min(_CHUNK_FILES, count // (workers * 8)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def read_all(
    files: Iterable[tuple[str, str]], *, on_done: Callable[[WorkbookRead], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[WorkbookRead]:
    """Read (path, relpath) files in worker processes; a worker that dies marks only its file unreadable.

    Files go to the workers in small chunks. When a worker dies the pool breaks; the files that
    had started but not finished are the suspects. Each suspect is re-read alone, so the culprit
    is known and every other file is still read (those whose chunk was lost, again in a pool).
    ``meanwhile`` is called once the workers have their files, before their results are awaited.
    """
    pending = list(files)
    results: dict[str, WorkbookRead] = {}
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    suspects: list[tuple[str, str]] = []

    def record(result: WorkbookRead) -> None:
        results[result.relpath] = result
        if on_done:
            on_done(result)

    while pending or suspects:
        alone = bool(suspects)
        batch = suspects[:1] if alone else pending
        progress = context.RawArray("b", len(batch))
        workers = 1 if alone else _worker_count(batch)
        crashed = False
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(progress,)) as pool:
            with frozen_heap(), interrupts_held():  # the workers are forked at the first task
                futures = [pool.submit(_read_tracked, [(i, *batch[i]) for i in chunk]) for chunk in _chunks(len(batch), workers)]
            try:
                if meanwhile is not None:
                    meanwhile()
                    meanwhile = None
                for future in _as_completed(futures):
                    try:
                        for result in future.result():
                            record(result)
                    except BrokenProcessPool:
                        crashed = True
            except BaseException:  # Ctrl-C: the files not read yet are not waited for
                stopped_now(pool)
                raise
        if alone:
            path, rel = suspects.pop(0)
            if rel not in results:
                record(WorkbookRead(rel, error=_CRASHED, sha256=_sha256(path)))
            continue
        if crashed:
            unrecorded = [i for i, (_, r) in enumerate(batch) if progress[i] and r not in results]
            suspects = [batch[i] for i in unrecorded if progress[i] == _STARTED] or [batch[i] for i in unrecorded]
        pending = [(p, r) for p, r in pending if r not in results and (p, r) not in suspects]
    return [results[rel] for rel in sorted(results)]


def _as_completed(futures):
    # Not a loop of wait(FIRST_COMPLETED): that re-arms every pending future each time, O(files²),
    # and for 10,000 files cost the parent about a minute of CPU that the workers needed.
    yield from as_completed(futures)
