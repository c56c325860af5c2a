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
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
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
_FOOTER_LABELS = {"total hours", "total", "total duration"}


@dataclass
class Footer:
    """A `Total Hours` footer row of a log sheet: the value typed beside the label."""

    row: int  # 1-based sheet row
    col: int  # 0-based sheet column of the value
    value: object


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


@dataclass
class WorkbookRead:
    relpath: str
    sheets: list[RawSheet] = field(default_factory=list)
    error: str = ""  # why the file could not be read at all


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_blank_cells = np.frompyfunc(_is_blank, 1, 1)


def _sheet_table(name: str, hidden: bool, rows: list[list], first_row: int, first_col: int) -> RawSheet:
    """Recognise one sheet's table and cut its data rows out of the raw cells."""
    recognition = recognise(rows)
    sheet = RawSheet(name=name, hidden=hidden, table=recognition.table)
    if recognition.table is None:
        return sheet
    sheet.header_row = first_row + recognition.header_row + 1
    sheet.columns = {column: first_col + position for column, position in recognition.columns.items()}
    sheet.missing = recognition.missing
    if sheet.missing:
        return sheet

    body = rows[recognition.header_row + 1 :]
    width = max((len(r) for r in body), default=0)
    grid = np.empty((len(body), width), dtype=object)
    for i, r in enumerate(body):
        grid[i, : len(r)] = r
        grid[i, len(r) :] = ""
    blank = _blank_cells(grid).astype(bool) if grid.size else np.zeros(grid.shape, bool)
    sheet_rows = np.arange(len(body)) + sheet.header_row + 1
    positions = [p - first_col for p in sheet.columns.values()]
    table = np.where(blank[:, positions], None, grid[:, positions]) if len(body) else np.empty((0, len(positions)), object)
    frame = pd.DataFrame(table, columns=list(sheet.columns), index=pd.Index(sheet_rows, name="row"), dtype=object)

    filled = ~blank[:, positions]
    keep = filled.any(axis=1)
    # Footer rows (`Total Hours …`): the first non-empty cell of the row is the label.
    first = (~blank).argmax(axis=1) if grid.size else np.zeros(0, int)
    for i in np.flatnonzero((~blank).any(axis=1)) if grid.size else ():
        label = grid[i, first[i]]
        if isinstance(label, str) and normalise_header(label) in _FOOTER_LABELS:
            later = [j for j in np.flatnonzero(~blank[i]) if j > first[i]]
            value_col = later[0] if later else first[i]
            sheet.footers.append(Footer(int(sheet_rows[i]), first_col + int(value_col), grid[i, value_col] if later else None))
            keep[i] = False
    # Rows whose only content is a note such as "Continued on next page".
    for i in np.flatnonzero(keep & (filled.sum(axis=1) == 1)):
        value = table[i][filled[i]][0]
        if isinstance(value, str) and _NOTE.search(value):
            keep[i] = False
    sheet.frame = frame[keep]
    return sheet


def read_workbook(path: str, relpath: str) -> WorkbookRead:
    """Read every sheet of one workbook. Never raises for a bad file: the error is returned."""
    result = WorkbookRead(relpath=relpath)
    reason = refuse_reason(Path(path))
    if reason:
        result.error = f"refused before opening: {reason}"
        return result
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        for meta in workbook.sheets_metadata:
            hidden = str(meta.visible).rsplit(".", 1)[-1].lower() != "visible"
            if str(meta.typ).rsplit(".", 1)[-1].lower() != "worksheet":
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python()
            first_row, first_col = sheet.start or (0, 0)
            result.sheets.append(_sheet_table(meta.name, hidden, rows, first_row, first_col))
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
    not_done = set(futures)
    while not_done:
        done, not_done = wait(not_done, return_when=FIRST_COMPLETED)
        yield from done


def table_names() -> list[str]:
    return list(tables())
