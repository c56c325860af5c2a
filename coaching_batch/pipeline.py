"""One run, stage by stage: discover → read → recognise → validate → rules → write.

``run_batch`` is the library's front door; the CLI only parses options and maps the result to an
exit code. Every stage below is a call into one module, in the order the data flows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from . import settings
from .contracts import tables
from .findings import Finding, finding, sort_key
from .inbox import discover
from .model import InputFile, RunResult, SheetInfo
from .policy import DEFAULT_PROGRAM, load_policy
from .read import RawSheet, WorkbookRead, read_all
from .reports import write_outputs
from .rules.evaluate import evaluate
from .validate import validate
from .values import parse_durations


@dataclass
class RunOptions:
    inbox: Path
    as_of: date
    out: Path | None = None
    program: str = DEFAULT_PROGRAM
    dry_run: bool = False

    @property
    def out_dir(self) -> Path:
        if self.out is not None:
            return self.out
        return self.inbox.resolve().parent / settings.DEFAULT_OUT_DIRNAME / self.as_of.isoformat()


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def run_batch(options: RunOptions, progress: Progress | None = None) -> tuple[RunResult, Path]:
    """Run the batch and write its outputs; returns the result and the folder written."""
    policy = load_policy(options.program)
    as_of = pd.Timestamp(options.as_of)
    findings: list[Finding] = []

    # 1. Discover: every workbook in the inbox, hashed; the rest listed as skipped.
    candidates = discover(options.inbox)
    inputs: dict[str, InputFile] = {}
    to_read = []
    for entry in candidates:
        status = "skipped" if entry.skip_reason else "duplicate" if entry.duplicate_of else "read"
        note = entry.skip_reason or (f"same bytes as {entry.duplicate_of}; read once" if entry.duplicate_of else "")
        inputs[entry.relpath] = InputFile(entry.relpath, entry.sha256, entry.size, status, note)
        if entry.duplicate_of:
            findings.append(finding("FILE-DUPLICATE", f"{entry.relpath} has the same bytes as {entry.duplicate_of}; read once", file=entry.relpath))
        elif not entry.skip_reason:
            to_read.append((str(entry.path), entry.relpath))

    # 2. Read and recognise every sheet (in parallel worker processes).
    done = 0

    def tick(_: WorkbookRead) -> None:
        nonlocal done
        done += 1
        if progress:
            progress("Reading workbooks", done, len(to_read))

    reads = read_all(to_read, on_done=tick)
    sheets_by_table: dict[str, list[tuple[str, RawSheet]]] = {}
    footers = []
    for workbook in reads:
        info = inputs[workbook.relpath]
        if workbook.error:
            info.status, info.note = "unreadable", workbook.error
            findings.append(finding("FILE-UNREADABLE", f"{workbook.relpath} cannot be read: {workbook.error}", file=workbook.relpath))
            continue
        for sheet in workbook.sheets:
            rows = 0 if sheet.frame is None else len(sheet.frame)
            info.sheets.append(SheetInfo(sheet.name, sheet.table, rows, sheet.header_row, sheet.hidden))
            findings += _sheet_findings(workbook.relpath, sheet)
            if sheet.table and not sheet.missing:
                sheets_by_table.setdefault(sheet.table, []).append((workbook.relpath, sheet))
                footers += [(workbook.relpath, sheet.name, footer) for footer in sheet.footers]
    for table in ("employees", "assignments"):
        if table not in sheets_by_table:
            findings.append(finding("TABLE-MISSING", f"No {table} table was found in the inbox"))

    # 3. Validate with pandera: bad cells become findings, bad rows are left out.
    if progress:
        progress("Validating", 0, 1)
    validated, cell_findings = validate(sheets_by_table, day_first=policy.day_first)
    findings += cell_findings

    # 4. Rules, totals and verdicts.
    if progress:
        progress("Applying rules", 0, 1)
    footer_minutes = parse_durations(pd.Series([f.value for _, _, f in footers], dtype=object)).values
    evaluation = evaluate(
        validated, policy, as_of,
        footers=[(file, sheet, f, None if pd.isna(m) else int(m)) for (file, sheet, f), m in zip(footers, footer_minutes)],
    )
    findings += evaluation.findings
    findings.sort(key=sort_key)

    result = RunResult(
        as_of=options.as_of,
        policy=policy,
        inbox=str(options.inbox),
        inputs=list(inputs.values()),
        pairs=evaluation.pairs,
        payments=evaluation.payable,
        coaches=evaluation.coaches,
        hours_by_month=evaluation.hours_by_month,
        certificates=evaluation.certificates,
        findings=findings,
    )

    # 5. Outputs, each written atomically.
    if progress:
        progress("Writing outputs", 0, 1)
    out_dir = options.out_dir
    write_outputs(result, out_dir)
    return result, out_dir


def _sheet_findings(relpath: str, sheet: RawSheet) -> list[Finding]:
    if sheet.table is None:
        return [finding("SHEET-UNRECOGNIZED", f"Sheet {sheet.name!r} holds no table this program reads (no known header row in its first {settings.HEADER_SEARCH_ROWS} rows)",
                        file=relpath, sheet=sheet.name)]
    if sheet.missing:
        table = tables()[sheet.table]
        wanted = ", ".join(repr(table.column(c).headers[0]) for c in sheet.missing)
        return [finding("SHEET-MISSING-COLUMN",
                        f"Sheet {sheet.name!r} looks like the {table.title} table (header row {sheet.header_row}) but has no {wanted} column; sheet skipped",
                        file=relpath, sheet=sheet.name, cell=f"A{sheet.header_row}")]
    return []
