"""Validate the raw tables with pandera and turn every failing cell into a finding.

The pandera schema of each table is built from its contract in ``schemas/``: required columns are
not nullable (CELL-REQUIRED), every typed column has a check that the value can be read as people
type it (CELL-TYPE), enumerations a check against the allowed values and their variants (CELL-ENUM),
and a unique column reports every repeat after the first (ID-DUPLICATE). Validation is lazy, so one
pass finds every bad cell. A row with a failing cell is excluded; the rest of the sheet counts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from . import settings, values
from .contracts import Column, Table, tables
from .findings import Finding, finding
from .forked import Forked
from .read import SAVE_TO_CALCULATE, FormulaError, Label, RawSheet, UncalculatedFormula

META = ["_file", "_sheet", "_row", "_src"]  # where each row came from


@dataclass
class SheetSource:
    file: str
    sheet: str
    columns: dict[str, int]  # canonical column → 0-based sheet column
    labels: dict[str, Label] = field(default_factory=dict)  # a log's candidate / coach named above its table; a
    #   label left unfilled, for a role the table has no ID column of, is the empty cell where its value belongs (value None)
    header_row: int = 0  # 1-based sheet row of the header: of paper forms one under another on a sheet, each its own


@dataclass
class Tables:
    """The validated, typed tables of one run, with where every row came from."""

    frames: dict[str, pd.DataFrame]
    sources: list[SheetSource] = field(default_factory=list)
    # the roster's IDs whose every row was left out for a bad cell → that cell ("Roster.xlsx, Staff, F5"),
    # so that an "unknown" ID can say it is there but set aside
    set_aside: dict[str, str] = field(default_factory=dict)
    # the pairs (candidate ID, coach ID) of assignment rows left out for a bad cell → that cell, so that
    # a row of theirs can say its assignment is there but set aside, not that they have none
    assignments_aside: dict[tuple[str, str], str] = field(default_factory=dict)
    # the prospective coaches with a recommendation form left out for a bad cell → the first such cell, so
    # that a coach short of recommendations can say a form of theirs is there but set aside
    recommendations_aside: dict[str, str] = field(default_factory=dict)
    # the feedback forms (candidate ID, coach ID, role) with a row left out for a bad cell → the first such
    # cell, so that feedback missing from that side of the pair can say a row of theirs is there but set aside
    feedback_aside: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # a log → its rows left out for a bad cell: where each came from,
    # its IDs and its duration as read (missing where blank or unreadable). No entries, but on the page
    # a `Total Hours` footer adds up (see rules.logs.check_footers). The roster → its rows left out so,
    # with their IDs and names: a name above a log is looked up among them too (rules.logs.resolve_labels)
    left_out: dict[str, pd.DataFrame] = field(default_factory=dict)
    # the tables of which no sheet was read: a pair whose program needs one of them is judged as having
    # none of its rows, and the run says so once (rules.evaluate.tables_missing)
    missing: set[str] = field(default_factory=set)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def cells(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """A1 reference of ``column`` on each row of ``frame`` (the row's first cell if absent)."""
        if frame.empty:
            return pd.Series([], index=frame.index, dtype=object)
        # Letters only for the sheets these rows come from: an inbox may hold 10,000 log sheets.
        sheets, positions = np.unique(frame["_src"].to_numpy(dtype=int), return_inverse=True)
        letters = np.array([_letter(self.sources[s], column) for s in sheets], dtype=object)
        return pd.Series(letters[positions], index=frame.index) + frame["_row"].astype(str)

    def have(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Whether the sheet each row of ``frame`` comes from has a ``column`` column at all."""
        present = np.array([column in source.columns for source in self.sources] or [False])
        return pd.Series(present[frame["_src"].to_numpy(dtype=int)] if len(frame) else [], index=frame.index, dtype=bool)

    def cell(self, src: int, row: int, column: str) -> str:
        """A1 reference of ``column`` on one row of sheet ``src`` (the row's first cell if absent)."""
        return f"{_letter(self.sources[int(src)], column)}{int(row)}"


def _named_above(sheet: RawSheet) -> dict[str, Label]:
    """A log's labels above its table, with the empty cell of each label left unfilled (see
    :attr:`RawSheet.unfilled`) for a role its table has no ID column of: its entries name no one there."""
    if not sheet.unfilled:
        return sheet.labels
    blanks = {role: blank for role, blank in sheet.unfilled.items()
              if role not in sheet.labels and f"{role}_id" not in sheet.columns}
    return {**blanks, **sheet.labels}


def _letter(source: SheetSource, column: str) -> str:
    position = source.columns.get(column)
    if position is None:
        position = min(source.columns.values(), default=0)
    return values.column_letter(position)


def _parser(column: Column, *, day_first: bool):
    match column.type:
        case "id":
            return values.parse_ids
        case "text":
            return None
        case "integer":
            return values.parse_integers
        case "rating":
            return values.parse_rating
        case "date":
            return partial(values.parse_dates, day_first=day_first)
        case "duration":
            return values.parse_durations
        case "enum":
            return partial(values.parse_enum, values=column.values, variants=column.variants)
        case "yesno":
            return values.parse_yesno
    raise ValueError(column.type)


def _readable(parsed: pd.Series, series: pd.Series) -> pd.Series:
    """The check's answer, from the column already parsed once (``parsed`` is ``~invalid``)."""
    return parsed.reindex(series.index)


def schema_for(table: Table, *, day_first: bool = False, readable: dict[str, pd.Series] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one table contract.

    With ``readable`` (column → which cells can be read), the type and enumeration checks use those
    answers instead of parsing the column again.
    """
    columns = {}
    for column in table.columns:
        parser = _parser(column, day_first=day_first)
        checks = []
        if parser is not None or (readable is not None and column.name in readable):  # a text column: see validate_table
            code = "CELL-ENUM" if column.type in ("enum", "yesno") else "CELL-TYPE"
            if readable is not None and column.name in readable:
                check = partial(_readable, readable[column.name])
            else:
                check = partial(_parsed_readable, parser)
            # A blank cell reads as readable (its nullability is a check of its own), so pandera need not
            # look for blanks and drop them before the check (ignore_na): one pass less over every column.
            checks.append(pa.Check(check, name=code, ignore_na=False))
        columns[column.name] = pa.Column(
            None,  # no type check: every column validated holds Python objects (Cells.cleaned), a type pandera
            # looked up at length for each column of each table (about 0.15 ms each: 12 ms of the demo's validation)
            checks=checks,
            nullable=not column.required,
            unique=column.unique,
            report_duplicates="exclude_first",
            required=False,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False, name=table.name)


def _parsed_readable(parser, series: pd.Series) -> pd.Series:
    return ~parser(series).invalid


def combine(sheets: list[tuple[str, RawSheet]], table: Table, first_src: int,
            rows: tuple[int, int] | None = None) -> pd.DataFrame:
    """One raw frame for a table from its sheets, with the origin of every row: all its rows, or the
    table's rows ``[start, stop)`` (counted over its sheets in order); ``first_src`` is the number of
    its first sheet among the run's sources.

    Filled column by column into one array, not concatenated frame by frame: an inbox may hold
    10,000 log sheets.
    """
    names = [c.name for c in table.columns]
    if not sheets:
        empty = pd.DataFrame({name: pd.Series(dtype=object) for name in names})
        for meta, dtype in zip(META, (object, object, np.int64, np.int64)):
            empty[meta] = pd.Series(dtype=dtype)
        return empty
    lengths = np.array([0 if sheet.cells is None else len(sheet.cells) for _, sheet in sheets], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)])
    start, stop = rows if rows is not None else (0, int(starts[-1]))
    pieces = []  # the sheets holding those rows, each cut to its share of them: (sheet number, cells, sheet rows)
    for k, first in enumerate(starts[:-1].tolist()):
        if lengths[k] and first < stop and first + lengths[k] > start:
            share = slice(max(start - first, 0), stop - first)
            pieces.append((k, sheets[k][1].cells[share], sheets[k][1].rows[share]))
    position = {name: i for i, name in enumerate(names)}
    # column by column (each column one contiguous run of cells), handed to the frame as it is
    columns = np.full((len(names), stop - start), np.nan, dtype=object)
    at = 0
    for k, cells, _ in pieces:
        sheet = sheets[k][1]
        present = [i for i, c in enumerate(sheet.columns) if c in position]  # sheet.cells holds sheet.columns in order
        if present:
            targets = [position[c] for c in sheet.columns if c in position]
            columns[targets, at : at + len(cells)] = np.asarray(cells, dtype=object)[:, present].T
        at += len(cells)
    frame = pd.DataFrame(columns.T, columns=names, dtype=object, copy=False)
    counts = np.array([len(cells) for _, cells, _ in pieces], dtype=np.int64)
    frame["_file"] = pd.Series(np.repeat(np.array([sheets[k][0] for k, _, _ in pieces], dtype=object), counts), dtype="str")
    frame["_sheet"] = pd.Series(np.repeat(np.array([sheets[k][1].name for k, _, _ in pieces], dtype=object), counts), dtype="str")
    frame["_row"] = np.concatenate([np.zeros(0, dtype=np.int64)] + [np.asarray(numbers, dtype=np.int64) for _, _, numbers in pieces])
    frame["_src"] = np.repeat(np.array([first_src + k for k, _, _ in pieces], dtype=np.int64), counts)
    return frame


_DESCRIBE = {
    "id": "an ID",
    "integer": "a whole number",
    "rating": "a rating from 1 to 5",
    "date": "a date",
    "duration": "a duration (hours such as 1.5, 1:30 or 90 min)",
}


def _message(rule: str, table: Table, column: Column, value: object, *, day_first: bool, why: str | None = None) -> str:
    """What is wrong with a cell, in plain words; ``why`` is :func:`values.why_unreadable` of its value when
    already worked out (None: worked out here)."""
    header = column.headers[0]
    if isinstance(value, UncalculatedFormula):
        return (f"{header} {value} is a formula with no result saved (the workbook was made by a program that does "
                "not calculate formulas): open it in Excel or LibreOffice and save it")
    if isinstance(value, FormulaError):
        return f"{header} {value} is a formula error: fix the formula"
    shown = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    if isinstance(value, float) and value.is_integer():
        shown = str(int(value))  # a number cell 60 is shown as 60, as Excel shows it, not 60.0
    if column.confidential:
        # A confidential form's answers never leave it, not even quoted in a finding.
        if rule == "CELL-ENUM":
            allowed = ", ".join(column.values) if column.type == "enum" else "Yes, No"
            return f"{header} (confidential, not shown) is not one of: {allowed}"
        if rule in ("CELL-TYPE",):
            return f"{header} (confidential, not shown) is not {_DESCRIBE.get(column.type, 'valid')}"
    if rule == "CELL-REQUIRED":
        return f"{table.title}: {header} is required but the cell is empty"
    if rule == "ID-DUPLICATE":
        return f"Employee ID {shown} appears more than once in the roster; only its first row is used"
    if rule == "CELL-ENUM":
        allowed = ", ".join(column.values) if column.type == "enum" else "Yes, No"
        return f"{header} {_quoted(shown)} is not one of: {allowed}"
    if why is None:
        why = values.why_unreadable(column.type, value, day_first=day_first)
    return f"{header} {_quoted(shown)} is not {_DESCRIBE.get(column.type, 'valid')}" + (f" ({why})" if why else "")


def _quoted(text: str) -> str:
    """A cell's value as a finding quotes it: a long one cut, with its length (a paragraph pasted into a
    choice cell made a message of thousands of characters, cut off on screen and on paper)."""
    limit = settings.QUOTED_VALUE_CHARS
    return repr(text) if len(text) <= limit else f"{text[:limit].rstrip() + '…'!r} ({len(text):,} characters)"


def clipped(text: str) -> str:
    """A value a finding names unquoted (an ID) cut as :func:`_quoted` cuts one: a megabyte typed or
    pasted in an ID cell made a message that a results cell (32,767 characters at most) cut before
    it said what was wrong."""
    limit = settings.QUOTED_VALUE_CHARS
    return text if len(text) <= limit else f"{text[:limit].rstrip()}… ({len(text):,} characters)"


# a note typed beside a value in its cell: "3/5/2026 (make-up)", "1.5?", "~1.5", "1 hr (approx)"
_NOTE = re.compile(r"\s*\([^()]*\)\s*|[?~]+|\b(?:approx(?:imately)?|about|ca)\b\.?", re.IGNORECASE)


# what to type in an ID's cell that holds no ID (a date, a fraction, a name with it)
ID_ALONE = "Type the employee ID alone, as the roster has it."


def _fix(rule: str, column: Column, value: object, *, day_first: bool, meant: str | None = None) -> str | None:
    """What to type instead, in plain words (None: the catalogue's fix): the allowed values, the one
    a mistyped choice looks like, the forms a date or a duration is read in, and ``meant``, the value a
    text not of its column's type holds without its note (see :func:`_values_in`). A suggestion only:
    the cell stays a finding and is never read as the value suggested."""
    if isinstance(value, UncalculatedFormula):
        return SAVE_TO_CALCULATE
    if isinstance(value, FormulaError):
        return None
    shown = value.strip() if isinstance(value, str) else None
    if rule == "CELL-ENUM":
        allowed = list(column.values) if column.type == "enum" else ["Yes", "No"]
        fix = f"Type one of: {', '.join(allowed)}."
        if column.confidential:  # a confidential answer is not hinted at either
            return fix
        close = values.closest_choice(shown, allowed, column.variants if column.type == "enum" else {})
        return fix + (f" {shown!r} looks like {close}: if that is what was meant, type {close}." if close else "")
    if rule != "CELL-TYPE":
        return None
    alone = f" Here: type {meant} alone, if that is what was meant." if meant else ""
    match column.type:
        case "date":
            example = "5/3/2026" if day_first else "3/5/2026"
            blank = "" if column.required else " Leave the cell blank if there is no date yet."
            return (f"Type the date alone, such as {example} or 2026-03-05, with no words, notes or question marks "
                    f"(an Excel comment can hold a note); a month or a week is not enough: type the day.{blank}{alone}")
        case "duration":
            return ("Type only the time spent: hours (1.5), hours and minutes (1:30) or minutes (45 min), with no "
                    "notes, ranges or question marks (an Excel comment can hold a note); add parts up "
                    f"(30 min + 15 min is 45 min).{alone}")
        case "integer":
            return f"Type the number alone, such as 22 (not Grade 22, G22 or a range).{alone}"
        case "rating":
            return "Type a whole number from 1 to 5."
        case "id" if isinstance(value, (dt.date, np.datetime64)):
            return ("Format the column as Text (or Number) so that each cell shows the ID it holds, not a date, "
                    "and check that it is the ID the roster has.")
        case "id":
            return ID_ALONE
    return None


def _values_in(kind: str, texts: list[str], *, day_first: bool) -> list[str | None]:
    """The one value of ``kind`` each cell's text holds once its note is left out ("3/5/2026 (make-up)"
    → 3/5/2026, "Grade 22" → 22), as typed; None where there is not exactly one. The texts left once
    their notes are out are parsed together, as a column is: one by one, a text cost milliseconds."""
    if kind == "integer":
        return [_whole_number_in(text) for text in texts]
    if kind not in ("date", "duration"):
        return [None] * len(texts)
    bare = [" ".join(_NOTE.sub(" ", text).split()) for text in texts]
    bare = [left if left and left != text else None for left, text in zip(bare, texts)]  # None: blank, not parsed
    parser = partial(values.parse_dates, day_first=day_first) if kind == "date" else values.parse_durations
    invalid = parser(pd.Series(bare, dtype=object)).invalid.to_numpy(dtype=bool)
    return [left if left is not None and not bad else None for left, bad in zip(bare, invalid)]


def _whole_number_in(text: str) -> str | None:
    """The one whole number a text holds ("Grade 22" → 22); None if none, several or a range."""
    numbers = re.findall(r"\d+", text)
    return numbers[0] if len(numbers) == 1 and not re.search(r"\d\s*[-–/.,]\s*\d", text) else None


def _texts_reread(column: Column, texts: list[str], *, day_first: bool) -> dict[str, tuple[str, str | None]]:
    """Each text of ``column`` not of its type → why not (:func:`values.why_unreadable`) and the value
    it holds without its note (:func:`_values_in`; never for a confidential column): the dates and
    durations these try are parsed in one pass for all the texts, not text by text."""
    whys = values.whys_unreadable(column.type, texts, day_first=day_first)
    meant = [None] * len(texts) if column.confidential else _values_in(
        column.type, [text.strip() for text in texts], day_first=day_first)
    return dict(zip(texts, zip(whys, meant)))


def validate_table(frame: pd.DataFrame, table: Table, sources_view: Tables, *, day_first: bool) -> ValidatedTable:
    """Validate one combined raw table; return its typed good rows, the findings, for a table
    with a unique column (the roster) each value of it on a row left out → the first bad cell there, and for
    the assignments each pair (candidate ID, coach ID) so (see :func:`_aside_keys`), and for a log its
    rows left out (see :func:`_rows_left_out`)."""
    findings: list[Finding] = []
    bad_rows: dict[int, str] = {}  # row → where its first bad cell is
    # Each column is analysed once (its texts cleaned by the whitespace rule, each distinct one once)
    # and each typed column parsed once: its invalid cells feed the pandera check, its values the typed table.
    cells = {column.name: values.Cells(frame[column.name]) for column in table.columns}
    text = pd.DataFrame({name: column.cleaned() for name, column in cells.items()}, index=frame.index, copy=False)
    parsed = {}
    for column in table.columns:
        parser = _parser(column, day_first=day_first)
        if parser is not None:
            parsed[column.name] = parser(cells[column.name])
    readable = {name: ~result.invalid for name, result in parsed.items()}
    for column in table.columns:  # text is any value, but not a formula's error or a formula with no result
        if column.name not in parsed and not (shown := cells[column.name].values_shown()).all():
            readable[column.name] = pd.Series(shown, index=frame.index)
    for column in table.columns:
        if column.unique and column.name in parsed:
            text[column.name] = _as_read(text[column.name], parsed[column.name])
    try:
        # inplace: no copy of the whole table first (nothing is coerced, so pandera changes nothing in it)
        schema_for(table, day_first=day_first, readable=readable).validate(text, lazy=True, inplace=True)
    except SchemaErrors as errors:
        findings, bad_rows = _cell_findings(errors.failure_cases, frame, text, table, sources_view, day_first=day_first)
    keep = np.ones(len(frame), dtype=bool)
    if bad_rows:
        keep[frame.index.get_indexer(sorted(bad_rows))] = False
    keys = _aside_keys(table)
    set_aside = {}
    if keys and bad_rows:
        for row, where in sorted(bad_rows.items()):
            named = [parsed[key].values.at[row] if key in parsed else text.at[row, key] for key in keys]
            if all(pd.notna(value) for value in named):
                set_aside.setdefault(str(named[0]) if len(keys) == 1 else tuple(map(str, named)), where)
    index = frame.index[keep]
    typed = {}
    for column in table.columns:
        if column.name in parsed:
            typed[column.name] = parsed[column.name].values[keep]
        else:
            typed[column.name] = values.normalise_text(cells[column.name])[keep]
    for meta in META:
        typed[meta] = frame[meta][keep]
    typed = pd.DataFrame(typed, index=index, copy=False)
    if set_aside and table.name not in FORM_TABLES:  # an ID kept on another row (a repeat, ID-DUPLICATE) is in the roster; a pair, assigned
        kept = set(typed[keys[0]]) if len(keys) == 1 else set(zip(*(typed[key] for key in keys)))
        set_aside = {value: where for value, where in set_aside.items() if value not in kept}
    return typed, findings, set_aside, _rows_left_out(frame, table, parsed, text, ~keep)


def _cell_findings(cases: pd.DataFrame, frame: pd.DataFrame, text: pd.DataFrame, table: Table, view: Tables, *,
                   day_first: bool) -> tuple[list[Finding], dict[int, str]]:
    """A finding for each failing cell of pandera's ``cases``, and each bad row → where its first bad cell is.

    A message and a fix are worked out once for each distinct value of a column, not once for each
    cell (a log of 200,000 rows of one unreadable date said the same thing 200,000 times, each time
    looking again for why), and the cells' values, places and IDs are taken column by column.
    """
    cases = cases[cases["index"].notna() & cases["column"].isin([c.name for c in table.columns])]
    labels = cases["index"].to_numpy().astype(np.int64)
    positions = frame.index.get_indexer(labels)
    sources, rows = frame["_src"].to_numpy()[positions], frame["_row"].to_numpy()[positions]
    ids = {}  # candidate_id / coach_id → the ID on each failing cell's row, None where blank
    for role in ("candidate_id", "coach_id"):
        if role in text.columns:
            named = text[role].to_numpy(dtype=object)[positions]
            ids[role] = [None if blank else str(value).removesuffix(".0") for value, blank in zip(named, pd.isna(named))]
    raw = {name: frame[name].to_numpy(dtype=object) for name in set(cases["column"])}
    names, checks = cases["column"].to_numpy(), cases["check"].astype(str).to_numpy()
    rules = [_CHECK_RULES.get(check, check if check in ("CELL-TYPE", "CELL-ENUM") else "CELL-TYPE") for check in checks]
    unread: dict[str, dict[str, None]] = {name: {} for name in raw}  # column → its distinct texts not of its type
    for name, rule, position in zip(names, rules, positions):
        if rule == "CELL-TYPE" and isinstance(value := raw[name][position], str):
            unread[name][value] = None
    reread = {name: _texts_reread(table.column(name), list(texts), day_first=day_first)
              for name, texts in unread.items()}
    described: dict[tuple, tuple[str, str | None]] = {}  # (rule, column, the value and the value shown) → (message, fix)
    letters: dict[tuple[int, str], str] = {}  # (sheet, column) → its letter
    findings: list[Finding] = []
    bad_rows: dict[int, str] = {}
    for k, (name, rule) in enumerate(zip(names, rules)):
        column = table.column(name)
        value = raw[name][positions[k]]
        if rule == "CELL-ENUM" and isinstance(value, FormulaError):
            rule = "CELL-TYPE"  # not a wrong choice: the cell shows an error, not a value
        shown = value if rule != "ID-DUPLICATE" else text[name].iat[positions[k]]
        alike = type(value) in _SAME_WHEN_EQUAL and type(shown) in _SAME_WHEN_EQUAL
        key = (rule, name, type(value), value, type(shown), shown) if alike else None
        if key is None or (said := described.get(key)) is None:
            reread_here = rule == "CELL-TYPE" and isinstance(value, str)
            why, meant = reread[name][value] if reread_here else (None, None)
            said = (_message(rule, table, column, shown, day_first=day_first, why=why),
                    _fix(rule, column, value, day_first=day_first, meant=meant))
            if key is not None:
                described[key] = said
        src = int(sources[k])
        source = view.sources[src]
        if (letter := letters.get((src, name))) is None:
            letter = letters[src, name] = _letter(source, name)
        cell = f"{letter}{int(rows[k])}"
        findings.append(finding(rule, said[0], file=source.file, sheet=source.sheet, cell=cell, fix=said[1],
                                **{role: found[k] for role, found in ids.items() if found[k] is not None}))
        bad_rows.setdefault(int(labels[k]), f"{source.file}, {source.sheet}, {cell}")
    return findings, bad_rows


# pandera's check → the rule of a cell failing it (the type and choice checks are named by their rule)
_CHECK_RULES = {"not_nullable": "CELL-REQUIRED", "field_uniqueness": "ID-DUPLICATE"}
# the types of cell value two of which, when equal, are said alike: a message or fix once per distinct value
_SAME_WHEN_EQUAL = (str, int, float, bool)


def _rows_left_out(frame: pd.DataFrame, table: Table, parsed: dict[str, values.Parsed], text: pd.DataFrame,
                   out: np.ndarray) -> pd.DataFrame | None:
    """A log's rows left out for a bad cell (``out``), as far as they can be read: where each came
    from, its IDs, its date and its duration (missing where blank or unreadable); the roster's, their
    IDs and names (:data:`NAMED_TABLES`); None for another table."""
    if not (table.log or table.name in NAMED_TABLES):
        return None
    kept = {}
    for column in table.columns:
        if (column.type in ("id", "duration") or (table.log and column.type == "date")
                or (table.name in NAMED_TABLES and column.name == "name")):
            kept[column.name] = parsed[column.name].values[out] if column.name in parsed else text[column.name][out]
    for meta in META:
        kept[meta] = frame[meta][out]
    return pd.DataFrame(kept, index=frame.index[out])


# a row left out keeps its name (Tables.left_out): a name above a log that is this row's is not taken for another employee's
NAMED_TABLES = ("employees",)
PAIR_TABLES = ("assignments",)  # a row left out is told by the pair it names (Tables.assignments_aside)
# a form left out is told by whom it is for, who may have others (Tables.recommendations_aside, Tables.feedback_aside):
# table → the columns that say whom
FORM_TABLES = {"recommendations": ("prospective_coach_id",), "feedback": ("candidate_id", "coach_id", "role")}


def _aside_keys(table: Table) -> tuple[str, ...]:
    """The columns that tell what a row left out for a bad cell was: a table's unique column (the
    roster's Employee ID), an assignment's two IDs, a recommendation form's coach, a feedback form's pair and
    role; none for the other tables."""
    if table.name in FORM_TABLES:
        return FORM_TABLES[table.name]
    unique = tuple(column.name for column in table.columns if column.unique)[:1]
    return unique or (("candidate_id", "coach_id") if table.name in PAIR_TABLES else ())


def _as_read(text: pd.Series, parsed: values.Parsed) -> pd.Series:
    """A unique column as the run reads it (the ID 117044 typed as a number, as text or as
    "117044.0" is one ID), so a repeat is found however it was typed; a cell that cannot be read
    stays as typed, for its own finding."""
    read = parsed.values.astype(object)
    return read.where(read.notna(), text)


def validate(sheets_by_table: dict[str, list[tuple[str, RawSheet]]], *, day_first: bool = False,
             release: bool = False, parallel: bool | None = None) -> tuple[Tables, list[Finding]]:
    """Validate every table found in the inbox; tables not found are empty frames.

    With ``release``, the sheets' raw cells are dropped once validated, so a large inbox is not held
    twice (the sheets keep everything else). ``parallel`` validates the tables in two processes,
    split by their rows (None: when the inbox is large and the platform can fork); the tables and
    findings are the same either way.
    """
    result = Tables(frames={})
    groups: dict[str, Group] = {}
    for name in tables():  # every sheet numbered first, so that both processes number them alike
        sheets = sheets_by_table.get(name, [])
        groups[name] = (sheets, len(result.sources))
        result.sources += [SheetSource(relpath, sheet.name, sheet.columns, _named_above(sheet), sheet.header_row or 0)
                           for relpath, sheet in sheets]
        if not sheets:
            result.missing.add(name)
    if parallel is None:
        parallel = sum(_rows(sheets) for sheets, _ in groups.values()) >= settings.PARALLEL_ROWS
    validated = _validate_all(groups, result, day_first=day_first, parallel=parallel)
    if release:
        for sheets, _ in groups.values():
            for _, sheet in sheets:
                sheet.cells = sheet.rows = None
    findings: list[Finding] = []
    for name in tables():  # in the contracts' order, however they were validated
        typed, table_findings, set_aside, left_out = validated[name]
        result.frames[name] = typed.reset_index(drop=True)
        if left_out is not None:
            result.left_out[name] = left_out.reset_index(drop=True)
        findings += table_findings
        if name in PAIR_TABLES:
            result.assignments_aside |= set_aside
        elif name == "feedback":
            result.feedback_aside |= set_aside
        elif name in FORM_TABLES:
            result.recommendations_aside |= set_aside
        else:
            result.set_aside |= set_aside
    return result, findings


ValidatedTable = tuple[pd.DataFrame, list[Finding], dict[str | tuple[str, str], str], pd.DataFrame | None]
Group = tuple[list[tuple[str, RawSheet]], int]  # a table's sheets, and the source number of its first
Part = tuple[str, int, int]  # a table's rows [start, stop)


def _rows(sheets: list[tuple[str, RawSheet]]) -> int:
    return sum(0 if sheet.cells is None else len(sheet.cells) for _, sheet in sheets)


def _validate_all(groups: dict[str, Group], view: Tables, *, day_first: bool, parallel: bool) -> dict[str, ValidatedTable]:
    """Every table combined from its sheets and validated; with ``parallel``, a forked process
    combines and validates the second half of each large table and the tables not halved meanwhile
    (see :func:`_halves` and :mod:`coaching_batch.forked`), from the sheets it inherits. A table's
    findings come part by part (the run sorts every finding)."""
    here, elsewhere = _halves(groups) if parallel else ([(name, 0, _rows(sheets)) for name, (sheets, _) in groups.items()], [])
    aside = Forked(lambda: [_validate_part(groups, part, view, day_first) for part in elsewhere], enabled=bool(elsewhere))
    done = {part: _validate_part(groups, part, view, day_first) for part in here}
    done |= dict(zip(elsewhere, aside.result()))
    validated = {}
    for name in groups:
        parts = sorted(part for part in done if part[0] == name)
        frames, left_out = [done[part][0] for part in parts], [done[part][3] for part in parts]
        validated[name] = (frames[0] if len(frames) == 1 else pd.concat(frames),
                           [item for part in parts for item in done[part][1]],
                           {value: where for part in parts[::-1] for value, where in done[part][2].items()},  # the first's
                           left_out[0] if len(left_out) == 1 or left_out[0] is None else pd.concat(left_out))
    return validated


def _halves(groups: dict[str, Group]) -> tuple[list[Part], list[Part]]:
    """(this process's parts, the other's): a large table is halved by rows, unless a column of it
    must be unique (a repeat is only seen in the whole table). The tables not halved go with the
    other's halves when there are any, as this process merges the parts after: kept here, they made
    it end last while the other waited (the four-program benchmark: 1.6 CPU-s here, 1.1 there)."""
    halved, whole = [], []
    for name, (sheets, _) in groups.items():
        rows = _rows(sheets)
        if rows >= settings.PARALLEL_ROWS // 4 and not any(c.unique for c in tables()[name].columns):
            halved.append((name, rows))
        else:
            whole.append((name, 0, rows))
    if not halved:
        return whole, []
    return [(name, 0, rows // 2) for name, rows in halved], [(name, rows // 2, rows) for name, rows in halved] + whole


def _validate_part(groups: dict[str, Group], part: Part, view: Tables, day_first: bool) -> ValidatedTable:
    name, start, stop = part
    sheets, first_src = groups[name]
    return validate_table(combine(sheets, tables()[name], first_src, (start, stop)), tables()[name], view, day_first=day_first)
