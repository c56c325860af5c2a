"""Read workbooks with python-calamine into raw tables that keep their true cell positions.

Each file is read in a worker process: files are read in parallel, and a reader that dies on a
malicious file (calamine aborts the process on some) takes only that file down with it. A worker
returns, per sheet, the recognised table with its rows as raw cell values, indexed by the sheet's
1-based row numbers, and the sheet column of every canonical column, so every later finding can
name the exact cell.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from . import settings
from .contracts import tables
from .inbox import refuse_reason
from .recognise import normalise_header, recognise

_NOTE = re.compile(r"continued|next page|page \d|signature|see attached|\bcont\.?\)?$", re.IGNORECASE)
_CONTINUED = re.compile(r"continued|next page|\bcont\b\.?", re.IGNORECASE)
_FOOTER = re.compile(r"^\s*total(?:\s+(?:hours|duration))?\s*(?:\([^()]*\))?\s*[:=]?\s*(\d[^\n]*?)?\s*$", re.IGNORECASE)
_WHITESPACE = r"[\s\u00a0\u2007\u202f\u200b]+"
_LABELS = {
    "candidate name": ("candidate", "name"),
    "coach name": ("coach", "name"),
    "candidate id": ("candidate", "id"),
    "coach id": ("coach", "id"),
}
_INLINE_LABEL = re.compile(r"^\s*(candidate|coach)\s+(name|id)\s*:\s*(.*?)\s*$", re.IGNORECASE | re.DOTALL)
_FILL_IN = re.compile(r"^[\s_.\u00a0]*$")  # a paper form's empty line: "_______"
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")
EXCEL_1904_OFFSET_DAYS = 1462  # serial n of the 1904 date system is serial n + 1462 of the 1900 one
_EXAMPLE_MARKERS = [settings.EXAMPLE_ROW_MARKER.upper(), settings.EXAMPLE_ROW_MARKER.title(), settings.EXAMPLE_ROW_MARKER.lower()]


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
class RawSheet:
    name: str
    hidden: bool
    table: str | None
    header_row: int | None = None  # 1-based sheet row of the header
    columns: dict[str, int] = field(default_factory=dict)  # canonical column → 0-based sheet column
    missing: list[str] = field(default_factory=list)  # required columns the header lacks
    frame: pd.DataFrame | None = None  # canonical columns, raw values, index = 1-based sheet rows
    footers: list[Footer] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)  # role → label above a log's table
    continued: bool = False  # a log page that says it continues another, or is continued


@dataclass
class WorkbookRead:
    relpath: str
    sheets: list[RawSheet] = field(default_factory=list)
    error: str = ""  # why the file could not be read at all


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_blank_cells = np.frompyfunc(_is_blank, 1, 1)


def _blank_mask(grid: np.ndarray) -> np.ndarray:
    """Where cells are empty or only whitespace; each distinct value is judged once (logs repeat a lot)."""
    if not grid.size:
        return np.ones(grid.shape, bool)
    codes, distinct = pd.factorize(grid.ravel(), use_na_sentinel=True)
    judged = _blank_cells(np.asarray(distinct, dtype=object)).astype(bool)
    return np.where(codes < 0, True, judged[codes]).reshape(grid.shape)


def _text(values: np.ndarray) -> pd.Series:
    """Cells as text by the whitespace rule (NaN where a cell is not text), for vectorised matching."""
    series = pd.Series(values, dtype=object)
    try:
        return series.str.replace(_WHITESPACE, " ", regex=True).str.strip()
    except AttributeError:  # not one text cell
        return pd.Series(np.nan, index=series.index, dtype=object)


def _labels_above(rows: list[list], upto: int, first_row: int, first_col: int, sheet_name: str) -> dict[str, Label]:
    """`Candidate Name:` / `Coach Name:` (or `… ID:`) in the rows above a log's header, with their values.

    The value is the next filled cell to the label's right (merged cells hold it in their first
    cell), or follows the colon in the label's own cell. An ID label wins over a name label.
    """
    found: dict[str, Label] = {}
    for r, row in enumerate(rows[:upto]):
        for c, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            key = _LABELS.get(normalise_header(cell))
            if key:
                at = next((j for j in range(c + 1, len(row)) if not _is_blank(row[j])), None)
                if at is None or (isinstance(row[at], str) and (normalise_header(row[at]) in _LABELS or _FILL_IN.match(row[at]))):
                    continue
                value, col = row[at], at
            else:
                inline = _INLINE_LABEL.match(cell)
                if not inline or _FILL_IN.match(inline[3]):
                    continue
                key, value, col = (inline[1].lower(), inline[2].lower()), inline[3], c
            role, kind = key
            if role not in found or (found[role].kind == "name" and kind == "id"):
                found[role] = Label(role, kind, value, sheet_name, first_row + r + 1, first_col + col)
    return found


def _sheet_table(name: str, hidden: bool, rows: list[list], first_row: int, first_col: int, *, date1904: bool = False) -> RawSheet:
    """Recognise one sheet's table and cut its data rows out of the raw cells."""
    recognition = recognise(rows)
    sheet = RawSheet(name=name, hidden=hidden, table=recognition.table)
    if recognition.table is None:
        return sheet
    contract = tables()[recognition.table]
    sheet.header_row = first_row + recognition.header_row + 1
    sheet.columns = {column: first_col + position for column, position in recognition.columns.items()}
    sheet.missing = recognition.missing
    if contract.log:
        sheet.labels = _labels_above(rows, recognition.header_row, first_row, first_col, name)
        above = [cell for row in rows[: recognition.header_row] for cell in row if isinstance(cell, str)]
        sheet.continued = bool(_CONTINUED.search(name)) or any(_CONTINUED.search(cell) for cell in above)
    if sheet.missing:
        return sheet

    body = rows[recognition.header_row + 1 :]
    grid = pd.DataFrame(body, dtype=object).to_numpy(dtype=object) if body else np.empty((0, 0), object)
    blank = _blank_mask(grid)
    sheet_rows = np.arange(len(body)) + sheet.header_row + 1
    positions = [p - first_col for p in sheet.columns.values()]
    if grid.shape[1] <= max(positions):  # a header cell right of every data cell
        width = max(positions) + 1 - grid.shape[1]
        grid = np.hstack([grid, np.full((len(body), width), None, dtype=object)])
        blank = np.hstack([blank, np.ones((len(body), width), bool)])
    table = np.where(blank[:, positions], None, grid[:, positions])
    frame = pd.DataFrame(table, columns=list(sheet.columns), index=pd.Index(sheet_rows, name="row"), dtype=object)
    if date1904:
        _shift_1904_serials(frame, contract)

    filled = ~blank[:, positions]
    keep = filled.any(axis=1)
    footer_rows = _footers(sheet, grid, blank, sheet_rows, first_col)
    keep[footer_rows] = False
    if grid.size:  # the templates' example row (its first filled cell reads EXAMPLE) shows what to type: not data
        firsts = pd.Series(grid[np.arange(len(grid)), (~blank).argmax(axis=1)], dtype=object)
        keep &= ~firsts.isin(_EXAMPLE_MARKERS).to_numpy(dtype=bool)
    # Rows whose only content is a note such as "Continued on next page".
    single = np.flatnonzero(keep & (filled.sum(axis=1) == 1))
    if len(single):
        notes = _text(table[single, filled[single].argmax(axis=1)])
        is_note = notes.str.contains(_NOTE, na=False).to_numpy(dtype=bool)
        keep[single[is_note]] = False
        sheet.continued = sheet.continued or bool(notes[is_note].str.contains(_CONTINUED, na=False).any())
    sheet.frame = frame[keep]
    return sheet


def _footers(sheet: RawSheet, grid: np.ndarray, blank: np.ndarray, sheet_rows: np.ndarray, first_col: int) -> np.ndarray:
    """Find the `Total Hours` rows (the first filled cell is the label); record each value; return their indices.

    The value is the row's cell in the duration column, else the next filled cell after the label,
    else what follows the label in its own cell (`Total Hours: 14.5`).
    """
    if not grid.size:
        return np.zeros(0, int)
    first = (~blank).argmax(axis=1)
    codes, distinct = pd.factorize(grid[np.arange(len(grid)), first], use_na_sentinel=True)
    distinct_text = _text(np.asarray(distinct, dtype=object))
    is_total = distinct_text.str.match(r"(?i)total\b", na=False).to_numpy(dtype=bool)
    candidates = np.flatnonzero((codes >= 0) & is_total[codes] & (~blank).any(axis=1))
    duration_col = sheet.columns.get("duration", -1) - first_col
    rows = []
    for i in candidates:  # footer candidates only: a handful per sheet
        match = _FOOTER.match(distinct_text[codes[i]])
        if not match:
            continue
        rows.append(i)
        if 0 <= duration_col < grid.shape[1] and duration_col != first[i] and not blank[i, duration_col]:
            col, value = duration_col, grid[i, duration_col]
        else:
            later = [j for j in np.flatnonzero(~blank[i]) if j > first[i]]
            if match[1]:
                col, value = first[i], match[1]
            elif later:
                col, value = later[0], grid[i, later[0]]
            else:
                col, value = first[i], None
        sheet.footers.append(Footer(int(sheet_rows[i]), first_col + int(col), value))
    return np.array(rows, dtype=int)


def _shift_1904_serials(frame: pd.DataFrame, contract) -> None:
    """Dates typed as plain serial numbers in a 1904 workbook, made serials of the 1900 system.

    Date cells need nothing: the reader already turns them into dates with the workbook's system.
    """
    for column in frame.columns:
        if contract.column(column).type != "date":
            continue
        cells = frame[column]
        numeric = cells.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).to_numpy(dtype=bool)
        if numeric.any():
            frame.loc[numeric, column] = cells[numeric].astype(float) + EXCEL_1904_OFFSET_DAYS


def _uses_1904_dates(path: str) -> bool:
    """Whether an .xlsx/.xlsm workbook counts its dates from 1904 (older Mac Excel)."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        with zipfile.ZipFile(path) as archive, archive.open("xl/workbook.xml") as stream:
            return bool(_DATE1904.search(stream.read(1 << 16)))
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError):
        return False


def _carry_labels(sheets: list[RawSheet]) -> None:
    """A continuation page without its own labelled block names the pair of the page it continues.

    The page continues the nearest earlier log sheet of the same kind in the workbook that has
    labels, when either page says so (`… continued`, `Continued on next page`).
    """
    last: dict[str, RawSheet] = {}
    for sheet in sheets:
        if sheet.table is None or not tables()[sheet.table].log:
            continue
        if sheet.labels:
            last[sheet.table] = sheet
            continue
        previous = last.get(sheet.table)
        has_ids = "candidate_id" in sheet.columns and "coach_id" in sheet.columns
        if previous is not None and not has_ids and (sheet.continued or previous.continued):
            sheet.labels = dict(previous.labels)


def read_workbook(path: str, relpath: str) -> WorkbookRead:
    """Read every sheet of one workbook. Never raises for a bad file: the error is returned.

    Values only: formulas give their cached results and macros never run.
    """
    result = WorkbookRead(relpath=relpath)
    reason = refuse_reason(Path(path))
    if reason:
        result.error = f"refused before opening: {reason}"
        return result
    try:
        date1904 = _uses_1904_dates(path)
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        for meta in workbook.sheets_metadata:
            hidden = str(meta.visible).rsplit(".", 1)[-1].lower() != "visible"
            if str(meta.typ).rsplit(".", 1)[-1].lower() != "worksheet":
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python()
            first_row, first_col = sheet.start or (0, 0)
            result.sheets.append(_sheet_table(meta.name, hidden, rows, first_row, first_col, date1904=date1904))
        _carry_labels(result.sheets)
    except Exception as exc:  # calamine raises many kinds for corrupt, encrypted or foreign files
        result.error = _explain(exc)
        result.sheets = []
    return result


def _explain(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, python_calamine.PasswordError) or "password" in text.lower() or "encrypt" in text.lower():
        return "it is password-protected or encrypted"
    return f"it is not a readable workbook ({text[:200]})"


def _worker_count(files: int) -> int:
    return max(1, min(settings.MAX_READ_WORKERS, os.cpu_count() or 1, files))


_started = None  # in a worker: shared flags, one per file, set when its reading starts


def _init_worker(flags) -> None:
    global _started
    _started = flags


def _read_tracked(index: int, path: str, relpath: str) -> WorkbookRead:
    _started[index] = 1
    return read_workbook(path, relpath)


def read_all(
    files: Iterable[tuple[str, str]], *, on_done: Callable[[WorkbookRead], None] | None = None
) -> list[WorkbookRead]:
    """Read (path, relpath) files in worker processes; a worker that dies marks only its file unreadable.

    When a worker dies the pool breaks; the files that had started but not finished are the suspects.
    Each suspect is re-read alone, so the culprit is known and every other file is still read.
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
        started = context.RawArray("b", len(batch))
        crashed = False
        with ProcessPoolExecutor(
            max_workers=1 if alone else _worker_count(len(batch)),
            mp_context=context, initializer=_init_worker, initargs=(started,),
        ) as pool:
            futures = [pool.submit(_read_tracked, i, path, rel) for i, (path, rel) in enumerate(batch)]
            for future in _as_completed(futures):
                try:
                    record(future.result())
                except BrokenProcessPool:
                    crashed = True
        if alone:
            path, rel = suspects.pop(0)
            if rel not in results:
                record(WorkbookRead(rel, error="the reader crashed on it (the file is malformed or hostile)"))
            continue
        if crashed:
            suspects = [(p, r) for i, (p, r) in enumerate(batch) if started[i] and r not in results]
        pending = [(p, r) for p, r in pending if r not in results and (p, r) not in suspects]
    return [results[rel] for rel in sorted(results)]


def _as_completed(futures):
    # Not a loop of wait(FIRST_COMPLETED): that re-arms every pending future each time, O(files²),
    # and for 10,000 files cost the parent about a minute of CPU that the workers needed.
    yield from as_completed(futures)


def table_names() -> list[str]:
    return list(tables())
