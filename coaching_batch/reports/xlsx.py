"""Shared xlsxwriter helpers: every workbook the run writes goes through these.

Text is written with ``write_string`` on a workbook that never turns strings into formulas, URLs or
numbers, so an input value such as ``=HYPERLINK(...)``, ``+1-555`` or ``@foo`` stays text. Missing
values (None, NaN, NA, NaT, "") are blank cells; dates are real Excel dates; booleans are Yes/No.
"""

from __future__ import annotations

import math
import re
import textwrap
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.chart import Chart
from xlsxwriter.utility import xl_col_to_name, xl_range, xl_rowcol_to_cell_fast
from xlsxwriter.workbook import Format, Workbook
from xlsxwriter.worksheet import CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet, convert_range_args

from .. import settings
from ..forked import collection_paused
from ..values import NEVER_MISSING

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

DATE_FORMAT = "yyyy-mm-dd"
HOURS_FORMAT = "0.00"
MONEY_FORMAT = "$#,##0.00"
INTEGER_FORMAT = "0"
COUNT_FORMAT = "#,##0"
TABLE_STYLE = "Table Style Medium 2"
ERROR_FILL, ERROR_FONT = "#FFC7CE", "#9C0006"  # Excel's own "light red fill with dark red text"
WARNING_FILL, WARNING_FONT = "#FFEB9C", "#9C5700"  # and "yellow fill with dark yellow text"
GOOD_FILL, GOOD_FONT = "#C6EFCE", "#006100"  # and "green fill with dark green text"
AMBER_FILL, AMBER_FONT = "#FFD966", "#7F4F00"  # a pair at risk: darker than a warning row, still readable
SETTLED_FONT = "#767676"  # a resolved finding: grey text, still readable (4.5:1 on white)

EXCEL_FIRST_DAY = date(1900, 1, 1)  # serial 1: see as_datetime
MAX_CELL_TEXT = 32_767  # Excel's limit; xlsxwriter drops a longer string instead of writing it
MAX_COLUMN_WIDTH = 50
LONG_TEXT_WIDTH = 60  # messages, fixes, reasons: wrapped at this width
MAX_HEADER_FOOTER = 200  # Excel allows 255 characters, codes included
MAX_CHART_TEXT = 255  # a chart's title, a series' or an axis' name: Excel keeps its length in one byte
# zlib's fastest level for a workbook's parts: a third of the time of xlsxwriter's default (6), for
# files a quarter larger (still a tenth of their XML)
ZIP_COMPRESSLEVEL = 1
# A workbook of at most this many cells is put together in memory (its XML parts about 10 MB at
# most); a larger one part by part through temporary files, as xlsxwriter does by default.
IN_MEMORY_CELLS = 200_000

# Kinds of column, each with its cell writer and number format.
TEXT, LONG_TEXT, DATE, HOURS, MONEY, INTEGER, COUNT, YES_NO = (
    "text", "longtext", "date", "hours", "money", "integer", "count", "yesno",
)
NUMBER_KINDS = {HOURS, MONEY, INTEGER, COUNT}
RIGHT_ALIGNED = (DATE, *NUMBER_KINDS)  # the kinds a cell shows at its right edge
LEFT_ALIGNED = (TEXT, LONG_TEXT, YES_NO)  # and at its left edge
INDENT_WIDTH = 2  # characters: a text column indented clear of the number before it is that much wider


@dataclass(frozen=True)
class Column:
    """One output column: the frame's canonical column, the header people read, and its kind."""

    key: str
    header: str
    kind: str = TEXT
    width: float | None = None  # fixed width; None fits the width to the values


class TableRanges:
    """Where a worksheet's tables are, as one rectangle each, for xlsxwriter's check that a merged range
    or another table does not overlap one (a critical error in Excel). xlsxwriter keeps an entry per
    cell of every table for it (``table_cells``): 310 MiB for a table of 200,000 rows of 14 columns,
    held until the workbook is closed. It asks ``get`` for each cell of a range it adds, and sets
    each cell of a table it adds, which :meth:`FastCellWorksheet.add_table` records whole instead."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int, int, int, str]] = []  # first row, first col, last row, last col, A1 range

    def get(self, cell: tuple[int, int]) -> str | None:
        """The A1 range of the table holding ``cell`` (row, col), or None."""
        row, col = cell
        for first_row, first_col, last_row, last_col, cell_range in self.ranges:
            if first_row <= row <= last_row and first_col <= col <= last_col:
                return cell_range
        return None

    def __setitem__(self, cell: tuple[int, int], cell_range: str) -> None:
        """A cell of the table being added: its whole range is recorded once the table is."""


class FastCellWorksheet(Worksheet):
    """A worksheet that writes its formatted text, number and date cells' XML with one string each,
    and keeps where its tables are as rectangles (:class:`TableRanges`).

    The XML is the very text xlsxwriter writes (a shared-string or number ``<c>`` element with the
    cell's style); xlsxwriter escapes every attribute of every cell, which is where most of the time
    of a large workbook goes, but a cell reference and a style index never need escaping. Any other
    cell is left to xlsxwriter.
    """

    def __init__(self) -> None:
        super().__init__()
        self.table_cells = TableRanges()

    @convert_range_args
    def add_table(self, first_row: int, first_col: int, last_row: int, last_col: int,
                  options: dict[str, Any] | None = None) -> int:
        status = super().add_table(first_row, first_col, last_row, last_col, options)
        if status == 0:
            first_row, last_row = sorted((first_row, last_row))
            first_col, last_col = sorted((first_col, last_col))
            self.table_cells.ranges.append(
                (first_row, first_col, last_row, last_col, xl_range(first_row, first_col, last_row, last_col)))
        return status

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = type(cell).__name__
        if cell.format and not self.constant_memory and kind in _FAST_CELLS:
            reference = xl_rowcol_to_cell_fast(row, col)
            style = cell.format._get_xf_index()
            if kind == "String":
                self.fh.write(f'<c r="{reference}" s="{style}" t="s"><v>{cell.string}</v></c>')
            else:
                self.fh.write(f'<c r="{reference}" s="{style}"><v>{cell.number:.16G}</v></c>')
            return
        super()._write_cell(row, col, cell)

    def _calculate_spans(self) -> None:
        """xlsxwriter's ``spans`` of the rows (for each block of 16 rows, its first and last column
        holding a cell) from the columns each row holds, rather than by asking each row for every
        column of the sheet. A sheet with comments is left to xlsxwriter."""
        if self.comments:
            return super()._calculate_spans()
        blocks: dict[int, tuple[int, int]] = {}
        for row, cells in self.table.items():
            if cells:
                low, high = min(cells), max(cells)
                if row // 16 in blocks:
                    low, high = min(low, blocks[row // 16][0]), max(high, blocks[row // 16][1])
                blocks[row // 16] = (low, high)
        self.row_spans = {block: f"{low + 1}:{high + 1}" for block, (low, high) in blocks.items()}

    def write_column(self, col: int, values: Sequence[Any], kind: str, cell_format: Format) -> None:
        """Rows 1, 2, ... of column ``col``: ``values`` already converted for a cell of ``kind``
        (None is a blank cell), stored as ``write_string``/``write_number``/``write_datetime`` store
        them, without their per-cell checks that cannot fail for such values. The cells of one value
        share one stored cell (xlsxwriter only reads them): a column repeats its values (a severity,
        a rule, a date), and 200,000 rows of 14 columns held 2.8 million, 170 MiB."""
        present = [(row, value) for row, value in enumerate(values, start=1) if value is not None]
        if not present:
            return
        if self.constant_memory or present[-1][0] >= self.xls_rowmax or col >= self.xls_colmax:
            write = cell_writer(self, kind)
            for row, value in present:
                write(row, col, value, cell_format)
            return
        self._check_dimensions(present[0][0], col)
        self._check_dimensions(present[-1][0], col)
        table = self.table
        cells: dict[Any, Any] = {}  # each value's stored cell
        if kind == DATE:
            excel_date = self._convert_date_time
            for row, value in present:
                key = (type(value), value)  # a date and a datetime of one day are different cells
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = CellDatetimeTuple(excel_date(value), cell_format)
                table[row][col] = cell
        elif kind in NUMBER_KINDS:  # finite numbers (as_number)
            for row, value in present:
                key = (type(value), value)  # 1 and 1.0 are equal keys, not the same number written
                cell = cells.get(key)
                if cell is None:
                    cell = cells[key] = CellNumberTuple(value, cell_format)
                table[row][col] = cell
        else:
            shared = self.str_table._get_shared_string_index
            short = self.xls_strmax // 2  # a longer text may need truncating: xlsxwriter decides
            for row, value in present:
                if len(value) > short:
                    self._write_string(row, col, value, cell_format)
                    continue
                index = shared(value)
                cell = cells.get(index)
                if cell is None:
                    cell = cells[index] = CellStringTuple(index, cell_format)
                table[row][col] = cell


_FAST_CELLS = frozenset({"String", "Number", "Datetime"})


class FastZipWorkbook(Workbook):
    """A workbook whose parts are deflated at :data:`ZIP_COMPRESSLEVEL`, and put together in memory
    when it is small.

    xlsxwriter has no option for the level: it makes its zip file with its module's ``ZipFile``,
    which is given the level for the time of the write. Its ``in_memory`` option is read only when
    the workbook is stored, so it is decided then, by the workbook's size: otherwise each of a
    workbook's twenty-odd parts is a temporary file written, read back and deleted: storing the
    demo run's workbooks took 0.22 s that way, 0.05 s in memory.
    """

    def _store_workbook(self) -> None:
        self.in_memory = self.cells() <= IN_MEMORY_CELLS
        xlsxwriter.workbook.ZipFile = partial(zipfile.ZipFile, compresslevel=ZIP_COMPRESSLEVEL)
        try:
            super()._store_workbook()
        finally:
            xlsxwriter.workbook.ZipFile = zipfile.ZipFile

    def cells(self) -> int:
        return sum(len(cells) for sheet in self.worksheets() for cells in sheet.table.values())


def open_workbook(path: Path | str) -> Workbook:
    """A workbook that writes every string as text (never a formula, URL or number)."""
    workbook = FastZipWorkbook(str(path), WORKBOOK_OPTIONS)
    workbook.worksheet_class = FastCellWorksheet
    return workbook


class Formats:
    """The cell formats of one workbook (xlsxwriter formats belong to the workbook that made them)."""

    def __init__(self, workbook: Workbook) -> None:
        add = workbook.add_format
        top = {"valign": "top"}
        self.header = add({"bold": True, "text_wrap": True, "valign": "top"})
        self.plain_header = add({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#D9E1F2"})
        self.title = add({"bold": True, "font_size": 14})
        self.wrapped_title = add({"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"})
        self.section = add({"bold": True, "font_size": 12})
        self.wrapped_section = add({"bold": True, "font_size": 12, "text_wrap": True, "valign": "top"})
        self.label = add({"bold": True, "valign": "top"})
        self.total_label = add({"bold": True, "top": 1})
        self.total_money = add({"bold": True, "top": 1, "num_format": MONEY_FORMAT})
        self.total_blank = add({"top": 1})
        self.by_kind: dict[str, Format] = {
            # left-aligned: under General alignment a name in Arabic or Hebrew is right-aligned,
            # against the next column's ID
            TEXT: add({**top, "align": "left"}),
            LONG_TEXT: add({**top, "align": "left", "text_wrap": True}),
            YES_NO: add(top),
            DATE: add({**top, "num_format": DATE_FORMAT}),
            HOURS: add({**top, "num_format": HOURS_FORMAT}),
            MONEY: add({**top, "num_format": MONEY_FORMAT}),
            INTEGER: add({**top, "num_format": INTEGER_FORMAT}),
            COUNT: add({**top, "num_format": COUNT_FORMAT}),
        }
        # text after a right-aligned number, one indent clear of it ("$300.00itss-coaching" printed as one)
        self.indented_text = add({**top, "align": "left", "indent": 1})
        self.indented_long_text = add({**top, "align": "left", "indent": 1, "text_wrap": True})
        self.error_row = add({"bg_color": ERROR_FILL, "font_color": ERROR_FONT})
        self.warning_row = add({"bg_color": WARNING_FILL, "font_color": WARNING_FONT})
        self.settled_row = add({"font_color": SETTLED_FONT})
        # The Pairs sheet's rows (and the legend that explains them).
        self.eligible_row = add({"bg_color": GOOD_FILL, "font_color": GOOD_FONT})
        self.at_risk_row = add({"bg_color": AMBER_FILL, "font_color": AMBER_FONT})
        self.blocked_row = self.error_row
        self.note = add({"italic": True, "font_color": "#595959"})
        self.wrapped_note = add({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.legend = {
            "eligible": add({"bold": True, "bg_color": GOOD_FILL, "font_color": GOOD_FONT, "border": 1}),
            "at_risk": add({"bold": True, "bg_color": AMBER_FILL, "font_color": AMBER_FONT, "border": 1}),
            "blocked": add({"bold": True, "bg_color": ERROR_FILL, "font_color": ERROR_FONT, "border": 1}),
        }


# ---------------------------------------------------------------------------------------------
# Values → cells


def is_missing(value: Any) -> bool:
    """None, NaN, pd.NA, NaT (any flavour) or an empty string."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    if type(value) in NEVER_MISSING:  # the common cells, without asking pandas about one value
        return False
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return isinstance(missing, (bool, np.bool_)) and bool(missing)


def as_text(value: Any) -> str | None:
    """The text a cell shows, or None for a blank cell."""
    if isinstance(value, (list, tuple, set, frozenset)):
        value = "; ".join(t for t in (as_text(v) for v in value) if t)
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        text = value.date().isoformat() if midnight else value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, (bool, np.bool_)):
        text = "Yes" if value else "No"
    else:
        text = str(value)
    if not text:
        return None
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def as_datetime(value: Any) -> datetime | date | None:
    """A naive datetime for ``write_datetime``, or None (blank) for a missing or unreadable date.

    1 January 1900 at midnight is a ``date``: xlsxwriter takes a datetime on that day for a time of day
    (serial 0, shown by Excel as 1900-01-00), a date for the day itself (serial 1)."""
    if is_missing(value):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value if value == EXCEL_FIRST_DAY else datetime(value.year, value.month, value.day)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if stamp is pd.NaT:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    if stamp == pd.Timestamp(EXCEL_FIRST_DAY):
        return EXCEL_FIRST_DAY
    return stamp.to_pydatetime()


def as_number(value: Any, kind: str = HOURS) -> float | int | None:
    """A finite number for ``write_number`` (hours and money rounded to cents), or None."""
    if is_missing(value) or isinstance(value, str) and not value.strip():
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if kind in (INTEGER, COUNT) and number.is_integer():
        return int(number)
    if kind in (HOURS, MONEY):
        return round(number, 2)
    return number


def as_yes_no(value: Any) -> str | None:
    if is_missing(value):
        return None
    if isinstance(value, str):
        folded = value.strip().casefold()
        if folded in ("true", "yes", "y", "1"):
            return "Yes"
        if folded in ("false", "no", "n", "0"):
            return "No"
        return as_text(value)
    return "Yes" if bool(value) else "No"


def cell_value(value: Any, kind: str) -> Any:
    """``value`` converted for a cell of ``kind``; None means a blank cell."""
    if kind == DATE:
        return as_datetime(value)
    if kind in NUMBER_KINDS:
        return as_number(value, kind)
    if kind == YES_NO:
        return as_yes_no(value)
    return as_text(value)


def cell_writer(sheet: Worksheet, kind: str) -> Callable[..., int]:
    if kind == DATE:
        return sheet.write_datetime
    if kind in NUMBER_KINDS:
        return sheet.write_number
    return sheet.write_string


def write_cell(sheet: Worksheet, formats: Formats, row: int, col: int, value: Any, kind: str = TEXT,
               cell_format: Format | None = None) -> None:
    """One cell, typed by ``kind``; nothing is written for a missing value."""
    converted = cell_value(value, kind)
    if converted is not None:
        cell_writer(sheet, kind)(row, col, converted, cell_format or formats.by_kind[kind])


# ---------------------------------------------------------------------------------------------
# Tables


def column_values(frame: pd.DataFrame, column: Column) -> list:
    """The converted cells of one column (None = blank); a column the frame lacks is all blank."""
    if column.key not in frame.columns:
        return [None] * len(frame)
    cells = frame[column.key]
    if cells.dtype == object and pd.api.types.infer_dtype(cells, skipna=True) not in ("string", "empty"):
        # Mixed Python values (True and 1 are equal keys): each converted on its own.
        return [cell_value(v, column.kind) for v in cells.tolist()]
    if column.kind in (TEXT, LONG_TEXT) and pd.api.types.is_string_dtype(cells.dtype):
        # Text as it is (a blank one empty): only a missing value or an over-long text needs a change.
        # A copy made here: pandas 3.1 hands an unpickled string column's own cells back even when
        # asked for a copy (so in a writer process), and the blanks below must not be written into them.
        texts = np.array(cells.to_numpy(dtype=object), dtype=object, copy=True)
        texts[pd.isna(texts)] = None
        texts[texts == ""] = None
        if any(len(text) > MAX_CELL_TEXT for text in texts if text is not None):
            return [as_text(text) for text in texts]
        return texts.tolist()
    # A column repeats its values: each distinct value is converted once; a missing one is blank.
    codes, distinct = pd.factorize(cells)
    converted = np.empty(len(distinct) + 1, dtype=object)
    converted[: len(distinct)] = [cell_value(v, column.kind) for v in distinct]
    return converted[codes].tolist()


@dataclass(frozen=True)
class TableSheet:
    """One sheet of a table: its name, and the rows of the table's frame it holds (``first`` 0-based)."""

    name: str
    first: int
    rows: int


def table_sheets(sheet_name: str, rows: int) -> list[TableSheet]:
    """The sheets a table of ``rows`` rows is written on: ``sheet_name``, holding as many as a sheet takes
    under its header (settings.MAX_OUTPUT_SHEET_ROWS, read now), then "<sheet_name> (2)", "(3)", … for the
    rest. An empty table has its one sheet."""
    per_sheet = settings.MAX_OUTPUT_SHEET_ROWS - 1
    starts = range(0, max(rows, 1), per_sheet)
    return [TableSheet(_numbered(sheet_name, number), first, min(per_sheet, rows - first))
            for number, first in enumerate(starts, start=1)]


def table_row(sheet_name: str, row: int) -> tuple[str, int, int]:
    """Where row ``row`` (0-based) of a table written by :func:`write_table` is: the name of its sheet, its
    row there (0-based, under the header row 0), and how many of the sheet's rows are left from it on."""
    per_sheet = settings.MAX_OUTPUT_SHEET_ROWS - 1
    number, offset = divmod(row, per_sheet)
    return _numbered(sheet_name, number + 1), offset + 1, per_sheet - offset


def _numbered(sheet_name: str, number: int) -> str:
    """The name of a table's ``number``th sheet: "Exceptions", "Exceptions (2)", …"""
    return sheet_name if number == 1 else f"{sheet_name} ({number})"


def continued_note(sheet_name: str, rows: int) -> str | None:
    """What a Summary says of a table that continues on further sheets (None when it fits on one)."""
    sheets = table_sheets(sheet_name, rows)
    if len(sheets) == 1:
        return None
    more = [f"'{s.name}'" for s in sheets[1:]]
    return (f"{rows:,} rows, more than one Excel sheet holds: the first {sheets[0].rows:,} on sheet '{sheet_name}', "
            f"the rest on {' and '.join(more) if len(more) < 3 else f'{more[0]} to {more[-1]}'}")


def write_table(workbook: Workbook, formats: Formats, sheet_name: str, frame: pd.DataFrame,
                columns: Sequence[Column], *, severity_key: str | None = None,
                settled: tuple[str, str] | None = None) -> list[Worksheet]:
    """The sheets holding ``frame`` as real Excel tables (:func:`write_table_sheet`): one, unless the frame
    has more rows than a sheet holds; the rest then go on on sheets of their own (:func:`table_sheets`),
    each a table with the same header and highlighting, its widths fitted to its rows."""
    return [write_table_sheet(workbook, formats, part.name, frame.iloc[part.first:part.first + part.rows], columns,
                              severity_key=severity_key, settled=settled)
            for part in table_sheets(sheet_name, len(frame))]


@collection_paused()  # add_table and the cells make hundreds of thousands of objects
def write_table_sheet(workbook: Workbook, formats: Formats, sheet_name: str, frame: pd.DataFrame,
                      columns: Sequence[Column], *, severity_key: str | None = None,
                      settled: tuple[str, str] | None = None) -> Worksheet:
    """A sheet holding ``frame`` as a real Excel table: styled header with filters, frozen header row,
    typed cells and fitted widths. With ``severity_key``, rows whose severity is error or warning are
    highlighted, except those ``settled`` names (a column's key and the value that settles a row, such
    as a Resolved status): they are greyed. A text column right of a date or number is indented clear
    of it (:func:`indented_after_number`). An empty frame gives the header
    and one blank row (the least an Excel table holds).
    """
    sheet = workbook.add_worksheet(sheet_name)
    rows = len(frame)
    last_row, last_col = max(rows, 1), len(columns) - 1
    status = sheet.add_table(0, 0, last_row, last_col, {
        "name": table_name_for(sheet_name),
        "style": TABLE_STYLE,
        "columns": [{"header": c.header, "header_format": formats.header} for c in columns],
    })
    if status != 0:  # xlsxwriter only warns; a sheet without its table is a bug, not a finding
        raise ValueError(f"cannot make an Excel table of sheet {sheet_name!r} (xlsxwriter status {status})")
    wrapped = []
    for col, column in enumerate(columns):
        values = column_values(frame, column)
        width = column_width(column, values)
        indent = indented_after_number(columns, col)
        if write_fitted_column(sheet, formats, col, column, values, width + (INDENT_WIDTH if indent else 0), indent=indent):
            wrapped.append((col, values))
    set_header_height(sheet, 0, columns)
    set_wrapped_heights(sheet, wrapped)
    sheet.freeze_panes(1, 0)
    if severity_key is not None:
        position = {c.key: i for i, c in enumerate(columns)}
        unless = (position[settled[0]], settled[1]) if settled else None
        highlight_severity(sheet, formats, position[severity_key], last_row, last_col, unless)
    return sheet


def write_header(sheet: Worksheet, formats: Formats, columns: Sequence[Column], row: int = 0,
                 cell_format: Format | None = None) -> None:
    """A plain (non-table) header row (in ``cell_format`` when given)."""
    for col, column in enumerate(columns):
        sheet.write_string(row, col, column.header, cell_format or formats.plain_header)


def set_header_height(sheet: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """A header row tall enough for its wrapped headers (Excel would fit it by itself, LibreOffice does not)."""
    lines = max((wrapped_lines(c.header, sheet._size_col(col) / 7 - 1) for col, c in enumerate(columns)), default=1)
    if lines > 1:
        sheet.set_row(row, DEFAULT_ROW_POINTS * lines)


def set_wrapped_heights(sheet: Worksheet, wrapped: Sequence[tuple[int, Sequence[Any]]]) -> np.ndarray:
    """Rows 1, 2, ... as tall as the most lines their wrapped texts take (``wrapped``: each wrapped
    column's index and cells, None blank). Excel would fit them by itself, LibreOffice does not: a
    long message printed over the rows below it. Lines are counted from each text's length (a line
    holds about as many characters as the column is wide), for the whole column at once. Returns
    each row's height in rows of the default height (empty when nothing wraps)."""
    lines = np.ones(0)
    for col, values in wrapped:
        texts = pd.Series(values, dtype=object)
        per_line = max(sheet._size_col(col) / 7 - 1, 1)
        column_lines = (np.ceil(texts.str.len().fillna(0).to_numpy(dtype=float) / per_line)
                        + texts.str.count("\n").fillna(0).to_numpy(dtype=float))
        lines = column_lines if not len(lines) else np.maximum(lines, column_lines)
    lines = np.minimum(np.maximum(lines, 1), MAX_ROW_POINTS / DEFAULT_ROW_POINTS)
    for row in np.flatnonzero(lines > 1):
        sheet.set_row(int(row) + 1, DEFAULT_ROW_POINTS * float(lines[row]))
    return lines


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at word boundaries in ``width`` characters."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def write_wrapped(sheet: Worksheet, row: int, first_col: int, last_col: int, text: str, cell_format: Format,
                  width: float, line_points: float | None = None) -> None:
    """``text`` in columns ``first_col``..``last_col`` (merged when more than one) of a ``cell_format`` that
    wraps, on a row as tall as its lines (``line_points`` each, a default row's when not given) at ``width``
    characters a line: a long text, such as the title of a program's policy file, ran on past the print
    area's edge, its end cut off."""
    if last_col > first_col:
        sheet.merge_range(row, first_col, row, last_col, "", cell_format)
    sheet.write_string(row, first_col, text, cell_format)
    lines = wrapped_lines(text, width)
    if lines > 1:
        sheet.set_row(row, (line_points or DEFAULT_ROW_POINTS) * lines)


def highlight_severity(sheet: Worksheet, formats: Formats, severity_col: int, last_row: int, last_col: int,
                       unless: tuple[int, str] | None = None) -> None:
    """Light red rows for errors, light yellow for warnings (Excel compares text case-insensitively);
    with ``unless`` (a column and a value), the rows holding that value grey instead: a resolved
    finding needs nobody's attention. Each condition excludes the others, so Excel and LibreOffice,
    which resolve overlapping conditions differently, colour a row alike."""
    letter = xl_col_to_name(severity_col)
    settled = f'${xl_col_to_name(unless[0])}2="{unless[1]}"' if unless else None
    for severity, row_format in (("error", formats.error_row), ("warning", formats.warning_row)):
        condition = f'${letter}2="{severity}"'
        sheet.conditional_format(1, 0, last_row, last_col, {
            "type": "formula", "format": row_format,
            "criteria": f"=AND({condition},NOT({settled}))" if settled else f"={condition}",
        })
    if settled:
        sheet.conditional_format(1, 0, last_row, last_col, {"type": "formula", "criteria": f"={settled}",
                                                            "format": formats.settled_row})


def write_fitted_column(sheet: Worksheet, formats: Formats, col: int, column: Column, values: Sequence[Any],
                        width: float, indent: bool = False) -> bool:
    """Rows 1, 2, ... of column ``col``: its ``values`` (from :func:`column_values`, None blank) in the
    format of its kind, the column ``width`` wide. Returns whether its texts wrap (a LONG_TEXT column,
    or one holding a value too long for it): their rows are then made tall enough by the caller
    (:func:`set_wrapped_heights`, once for all the sheet's wrapped columns). ``indent``: text indented
    one step (see :func:`indented_after_number`)."""
    wraps = column.kind == LONG_TEXT or overflows(column, values, width)
    if indent:
        cell_format = formats.indented_long_text if wraps else formats.indented_text
    else:
        cell_format = formats.by_kind[LONG_TEXT if wraps else column.kind]
    if isinstance(sheet, FastCellWorksheet):
        sheet.write_column(col, values, column.kind, cell_format)
    else:
        write = cell_writer(sheet, column.kind)
        for row, value in enumerate(values, start=1):
            if value is not None:
                write(row, col, value, cell_format)
    sheet.set_column(col, col, width)
    return wraps


def indented_after_number(columns: Sequence[Column], col: int) -> bool:
    """Whether column ``col`` is a text (or Yes/No) column right after a right-aligned date or number,
    indented clear of it: the two printed as one word ("$300.00itss-coaching", "2026-07-24Alexandros",
    "2023-10-18Yes"). A text too long for its column is indented too, on each line it wraps onto
    ("2026-11-20certificates/…" printed as one)."""
    return col > 0 and columns[col - 1].kind in RIGHT_ALIGNED and columns[col].kind in LEFT_ALIGNED


def column_width(column: Column, values: Sequence[Any]) -> float:
    """A width that shows the header and typical values without becoming huge."""
    if column.width is not None:
        return column.width
    if column.kind == LONG_TEXT:
        return LONG_TEXT_WIDTH
    # A header wraps (at most three lines): as wide as its longest word, a short one on one line.
    words = column.header.split()
    header = max(max(len(w) for w in words) if words else 0, min(len(column.header), 12), -(-len(column.header) // 3))
    present = [v for v in values if v is not None]
    if column.kind == DATE:
        content = 10
    elif column.kind in NUMBER_KINDS:
        content = max((len(f"{v:,.2f}") + (1 if column.kind == MONEY else 0) for v in present), default=0)
    else:
        content = max((len(v) for v in present), default=0)
    return min(max(header, content, 4) + 2, MAX_COLUMN_WIDTH)


def overflows(column: Column, values: Sequence[Any], width: float) -> bool:
    """Whether a text column fitted to ``width`` holds a value too long to show in it (a name, a file
    name or a SHA-256 past MAX_COLUMN_WIDTH): such a column wraps, its rows as tall as their lines,
    since a cut-off text prints cut off (and on screen too, beside a filled cell)."""
    if column.kind != TEXT or width < MAX_COLUMN_WIDTH:
        return False
    return any(len(v) > width - 2 for v in values if v is not None)


_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")


def table_name_for(sheet_name: str) -> str:
    """An Excel table name from a sheet name ("Hours by Month" → "HoursByMonth")."""
    words = _NOT_NAME.sub(" ", sheet_name).split()
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Table"
    return name if name[0].isalpha() else f"T{name}"


# ---------------------------------------------------------------------------------------------
# Printing
#
# Every sheet of every output prints: its used range is the print area, landscape when wider than
# PORTRAIT_MAX_COLUMNS columns, one page wide, the header row repeated on every page, the program(s)
# and as-of date in the page header and "Page n of m" in the footer. A sheet with manual page
# breaks (the payment sheet, the Progress charts) gets a fixed scale instead of "fit to one page
# wide", computed from its column widths so that it is still one page wide: Excel ignores manual
# page breaks under "fit to".

PORTRAIT_MAX_COLUMNS = 8
DEFAULT_ROW_POINTS = 15.0
MAX_ROW_POINTS = 409.0  # the tallest row Excel allows
PAGE_INCHES = {"landscape": (11.0, 8.5), "portrait": (8.5, 11.0)}  # US Letter, Excel's default paper
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.8, "bottom": 0.7}  # inches; header and footer sit at 0.3
PAGE_NUMBERS = "Page &P of &N"
FOOTER_NOTE_LINE = 90  # characters: a footer note's line in 8-point type ends before the page numbers
BANNER_POINTS = 14  # the size of a page header's banner (a dry run's "not for payment")
# A fixed scale is worked out from xlsxwriter's pixel widths of the columns; LibreOffice lays the same
# columns out a few per cent wider (Excel a little too, with other fonts), so the page is filled to this
# share of its width only: at 100 % of it the last column of a wide sheet prints on pages of its own.
PRINT_WIDTH_MARGIN = 0.9
# A sheet that names its key columns (the Pairs sheet: who the pair is) and would print smaller than
# this one page wide prints several pages wide at this scale or larger, its key columns repeated at the
# left of each page and the pages of a row printed one after the other: one page of 26 columns
# printed its 11-point text at about 3 points.
MIN_PRINT_SCALE = 0.5


def make_printable(sheet: Worksheet, title: str, *, as_of: Any = None, repeat_header: bool = True,
                   last_row: int | None = None, last_col: int | None = None, footer_note: str | None = None,
                   page_breaks: Sequence[int] | None = None, rows_per_page: int | None = None,
                   landscape: bool | None = None, banner: str | None = None, key_columns: int = 0) -> None:
    """Set ``sheet`` up for printing (see above). ``last_row``/``last_col`` end the print area (the
    cells written when not given); ``page_breaks`` are rows (0-based) that start a new page, and
    ``rows_per_page`` the most rows between two of them, used to choose a scale that fits them;
    ``landscape`` overrides the orientation chosen by the number of columns (a sheet of charts);
    ``banner`` is printed large, bold and red in the middle of every page's header; ``key_columns``, the
    first columns that say whose row it is, are repeated on each page of a sheet too wide for one (see
    MIN_PRINT_SCALE)."""
    last_row = sheet.dim_rowmax if last_row is None else last_row
    last_col = sheet.dim_colmax if last_col is None else last_col
    last_row, last_col = max(last_row or 0, 0), max(last_col or 0, 0)
    if landscape is None:
        landscape = last_col + 1 > PORTRAIT_MAX_COLUMNS
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_paper(1)  # Letter
    sheet.set_margins(**MARGINS)
    sheet.print_area(0, 0, last_row, last_col)
    if repeat_header:
        sheet.repeat_rows(0)
    if page_breaks:
        sheet.set_h_pagebreaks(sorted(set(page_breaks)))
        sheet.set_print_scale(print_scale(sheet, last_col, landscape, rows_per_page))
    else:
        wide, repeated = pages_wide(sheet, last_col, landscape, key_columns)
        sheet.fit_to_pages(wide, 0)
        if wide > 1:
            if repeated:
                sheet.repeat_columns(0, repeated - 1)
            sheet.print_across()
    sheet.set_header(page_header(title, as_of, banner), {"margin": 0.25})
    footer = "&C" + PAGE_NUMBERS
    if footer_note:  # small, in lines that end before the page numbers, now at the right: in the middle,
        # the note printed over them
        note = textwrap.fill(footer_note, FOOTER_NOTE_LINE)
        footer = "&L&8" + header_footer_text(note, MAX_HEADER_FOOTER - 20) + "&R" + PAGE_NUMBERS
    sheet.set_footer(footer)


def page_header(title: str, as_of: Any = None, banner: str | None = None) -> str:
    """The page header: the title (program(s)) on the left, the as-of date and sheet name under it;
    a ``banner``, when given, in the middle."""
    stamp = as_datetime(as_of)
    second = (f"As of {stamp:%Y-%m-%d} · " if stamp is not None else "") + "&A"
    middle = "" if banner is None else f"&C&B&{BANNER_POINTS}&K{ERROR_FONT[1:]}" + header_footer_text(banner, MAX_HEADER_FOOTER // 2)
    title_room = MAX_HEADER_FOOTER - excel_length(second) - excel_length(middle) - 6
    return "&L&9" + header_footer_text(title, title_room) + "\n" + second + middle


def print_scale(sheet: Worksheet, last_col: int, landscape: bool, rows_per_page: int | None = None) -> int:
    """The largest scale (10-100 %) at which columns 0..last_col fit one page wide (with
    PRINT_WIDTH_MARGIN to spare) and, with ``rows_per_page``, that many default-height rows (plus the
    repeated header) fit one page tall."""
    page_width, page_height = PAGE_INCHES["landscape" if landscape else "portrait"]
    printable_width = (page_width - MARGINS["left"] - MARGINS["right"]) * 72
    printable_height = (page_height - MARGINS["top"] - MARGINS["bottom"]) * 72
    widths = [_column_points(sheet, col) for col in range(last_col + 1)]
    scale = printable_width * PRINT_WIDTH_MARGIN / max(sum(widths), 1)
    if rows_per_page:
        header_points = 2 * DEFAULT_ROW_POINTS  # a wrapped header row
        scale = min(scale, printable_height / (rows_per_page * DEFAULT_ROW_POINTS + header_points))
    return max(10, min(100, math.floor(scale * 100)))


def rows_per_page(sheet: Worksheet, last_col: int, landscape: bool) -> int:
    """How many default-height rows print on one page at :func:`print_scale` (one page wide), with
    PRINT_WIDTH_MARGIN to spare, as LibreOffice's rows are a little taller too."""
    printable_height = (PAGE_INCHES["landscape" if landscape else "portrait"][1] - MARGINS["top"] - MARGINS["bottom"]) * 72
    scale = print_scale(sheet, last_col, landscape) / 100
    return max(1, math.floor(printable_height * PRINT_WIDTH_MARGIN / (DEFAULT_ROW_POINTS * scale)))


def pages_wide(sheet: Worksheet, last_col: int, landscape: bool, key_columns: int = 0) -> tuple[int, int]:
    """How many pages wide columns 0..last_col print, and how many of the key columns each page repeats:
    one page, unless the sheet has ``key_columns`` and does not fit one page at MIN_PRINT_SCALE; then
    as many as it takes at that scale, each page after the first holding again as many of the key
    columns as fit in half a page (all of them, but for long names: a name column grows to 50
    characters), with PRINT_WIDTH_MARGIN to spare on each."""
    if key_columns <= 0:
        return 1, 0
    page_width = PAGE_INCHES["landscape" if landscape else "portrait"][0]
    page = (page_width - MARGINS["left"] - MARGINS["right"]) * 72 * PRINT_WIDTH_MARGIN / MIN_PRINT_SCALE
    widths = [_column_points(sheet, col) for col in range(last_col + 1)]
    total = sum(widths)
    if total <= page:
        return 1, 0
    repeated = key_columns
    while repeated and sum(widths[:repeated]) >= page / 2:
        repeated -= 1
    keys = sum(widths[:repeated])
    return 1 + math.ceil((total - page) / (page - keys)), repeated


def _column_points(sheet: Worksheet, col: int) -> float:
    """A column's printed width in points: xlsxwriter's own pixel size of it (0 when hidden)."""
    return sheet._size_col(col) * 0.75


def row_points(sheet: Worksheet, row: int) -> float:
    """A row's printed height in points: the height set for it (a wrapped text's lines), else a default
    row's (0 when hidden), from xlsxwriter's own pixel size of it."""
    return sheet._size_row(row) * 0.75


def header_footer_text(text: str, limit: int = MAX_HEADER_FOOTER) -> str:
    """Plain text for a print header: '&' starts a control code there, so it is doubled. Its length is
    Excel's (:func:`excel_length`): a header over Excel's limit is not written at all."""
    return fitted_text(text, limit, _doubled_length).replace("&", "&&")  # cut whole: no '&' left alone


def _doubled_length(text: str) -> int:
    return excel_length(text.replace("&", "&&"))


def fitted_text(text: str, limit: int, length: Callable[[str], int] | None = None) -> str:
    """``text`` as it is when its length (Excel's, :func:`excel_length`, unless ``length`` says how to
    count) is at most ``limit``; else cut to whole characters that fit with a '…' after them."""
    length = length or excel_length
    if length(text) <= limit:
        return text
    cut = text[:limit]
    while cut and length(cut) + 1 > limit:
        cut = cut[:-1]
    return cut + "…"


def new_chart(workbook: Workbook, kind: str) -> Chart:
    """A chart of ``kind`` whose title, series names and axis names are the text given, fitted to Excel's
    MAX_CHART_TEXT. xlsxwriter takes a name that starts like a cell reference ('North!A1 mentoring',
    a program's title) for one, with no way to say it is text: the chart then had no title, and
    LibreOffice (7.4) crashed converting the workbook. Its name handling (tested on 3.3) is replaced here."""
    chart = workbook.add_chart({"type": kind})
    given = chart._process_names

    def names(name: Any, name_formula: Any) -> tuple[Any, Any]:
        if isinstance(name, str):
            return fitted_text(name, MAX_CHART_TEXT), name_formula
        return given(name, name_formula)

    chart._process_names = names
    return chart


def excel_length(text: str) -> int:
    """The length Excel counts: UTF-16 units, two for a character beyond the first 65,536 (an emoji)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
