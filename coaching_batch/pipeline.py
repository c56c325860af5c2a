"""One run, stage by stage: discover → read → recognise → validate → rules → write.

``run_batch`` is the library's front door; the CLI only parses options and maps the result to an
exit code. Every stage below is a call into one module, in the order the data flows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path

import pandas as pd

import os
import shutil
from contextlib import closing, nullcontext, suppress
from string import ascii_uppercase

from . import recovery, settings  # the ledger checked against the delivered payment sheets
from .atomic import check_writable
from xlsxwriter.exceptions import FileCreateError as XlsxFileCreateError  # a full disk
from .contracts import tables
from .documents import name_certificates, read_template_text  # certificates' files and wording
from .findings import Finding, finding, sort_key
from .forked import freed_memory_returned, heap_kept, imports_uncollected
from .errors import UsageError
from .inbox import copy_name_length, discover, holds_earlier_outputs
from .ledger import Ledger, crash_point, remove_left_behind_ledgers, state_lock
from .model import COUNTED_ENTRY_COLUMNS, PEOPLE_COLUMNS, InputFile, RunResult, SheetInfo
from .policy import DEFAULT_PROGRAM, Programs
from .read import RawSheet, WorkbookRead, hidden_rows, id_text, read_all
from .recognise import normalise_header
from .reports import OUTPUT_NAMES, PAYMENTS, remove_left_behind, write_outputs, writers_started
from .reports.exceptions import OPEN, RESOLVED, finding_key, match_history
from .values import a1, parse_durations


@dataclass
class RunOptions:
    inbox: Path
    as_of: date
    out: Path | None = None
    program: str | Sequence[str] = DEFAULT_PROGRAM  # preset names or policy files; the first is the default
    state: Path | None = None
    dry_run: bool = False  # write the outputs, record nothing in the ledger
    strict: bool = False  # exit status 1 when any error finding exists
    overwrite: bool = False  # replace the outputs of an earlier run in the output folder
    archive: bool = False  # move the files read to archive/<as-of>/ after a successful run
    recursive: bool = False  # read the inbox's sub-folders too
    lock_wait: float = settings.LOCK_WAIT_SECONDS
    certificate_template: Path | None = None  # the certificates' wording file (None: the default shipped)

    @property
    def state_dir(self) -> Path:
        if self.state is not None:
            return self.state
        return self.inbox.resolve().parent / settings.DEFAULT_STATE_DIRNAME

    def out_dir(self, half_written: set[str] = frozenset(), paid: set[str] = frozenset()) -> Path:
        """The output folder: ``--out``, else ``out/<as-of>/`` beside the inbox, or for a dry run
        ``out/<as-of>-dry-run/`` (never the folder finance takes the week's payment sheet from).

        An earlier run's outputs are never replaced unless ``overwrite``: the dated default folder
        moves on to ``<as-of>-2``, ``<as-of>-3`` …; an explicit ``--out`` that holds outputs stops
        the run. What a real run delivered (stipends on its payment sheet, certificates) is never
        replaced: the ledger has them issued, so no later run would write them again; nor is the dated
        folder of a sheet that carried payments taken again once it is gone (``paid``). A dry run's
        outputs are only a preview: a real run replaces them; so are the outputs a killed run left
        half written (``half_written``, from the ledger: it delivered nothing there).
        """
        half_written = {_folder_key(folder) for folder in half_written}
        paid = {_folder_key(folder) for folder in paid}
        if self.out is not None:
            if _holds_outputs(self.out) and not self._replaceable(self.out, half_written):
                if delivered := recovery.delivered_in(self.out):  # said first: --overwrite would not help
                    raise UsageError(f"{self.out} holds what a real run delivered ({delivered}); it is never "
                                     "replaced, even with --overwrite: choose another --out")
                if not self.overwrite:
                    raise UsageError(f"{self.out} already holds the outputs of an earlier run; "
                                     "choose another --out or add --overwrite")
            return self.out
        name = self.as_of.isoformat() + (settings.DRY_RUN_SUFFIX if self.dry_run else "")
        dated = self.inbox.resolve().parent / settings.DEFAULT_OUT_DIRNAME / name
        candidate, number = dated, 1
        while ((_holds_outputs(candidate) and not self._replaceable(candidate, half_written)
                and (not self.overwrite or recovery.delivered_in(candidate))) or _folder_key(candidate) in paid):
            number += 1
            candidate = dated.with_name(f"{dated.name}-{number}")
        return candidate

    def _replaceable(self, folder: Path, half_written: set[str]) -> bool:
        """A real run takes a folder that holds only a dry run's outputs, or what a killed run left half
        written (neither was delivered)."""
        return not self.dry_run and (recovery.holds_dry_run(folder) or _folder_key(folder) in half_written)

    def exit_status(self, result: RunResult) -> int:
        return 1 if self.strict and result.counts["errors"] else 0


def _folder_key(folder: Path | str) -> str:
    return str(Path(folder).resolve())


def _is_inbox(out: Path, inbox: Path) -> bool:
    """``--out`` names the inbox: the same folder, or the inbox by a path through a folder that does
    not exist yet (``inbox/new/..``), which writing the outputs would create."""
    return _folder_key(out) == _folder_key(inbox) or (out.is_dir() and out.samefile(inbox))


def _file_in_the_way(out: Path) -> Path | None:
    """``out``, or the nearest of its parents that exists, when it is a file: no output can be written."""
    existing = next((path for path in (out, *out.parents) if path.exists()), None)
    return existing if existing is not None and not existing.is_dir() else None


def _name_not_text(options: RunOptions) -> Path | None:
    """The inbox, state or output folder whose full name is not text: bytes that are not UTF-8 (a folder
    made under another encoding, or a UTF-8 name read in a locale that is not UTF-8), kept by Python as
    lone surrogates, which run.json, the workbooks and the ledger cannot hold."""
    folders = [options.inbox, options.state_dir, *([options.out] if options.out is not None else [])]
    for folder in (path.absolute() for path in folders):
        try:
            str(folder).encode("utf-8")
        except UnicodeEncodeError:
            return folder
    return None


def _not_text_reason(folder: Path) -> str:
    name = os.fsencode(folder)
    try:
        shown = name.decode("utf-8")
    except UnicodeDecodeError:  # made under another encoding: its bytes shown as \xeb
        return (f"cannot use the folder {name.decode('utf-8', 'backslashreplace')}: its name is not UTF-8 text, and "
                "the outputs and the ledger record it; rename it")
    return (f"cannot use the folder {shown}: this computer's locale is not UTF-8, so its name cannot be read as "
            "text; run with LANG=C.UTF-8 (for cron, a line LANG=C.UTF-8 in the crontab)")


def _holds_outputs(folder: Path) -> bool:
    return any((Path(folder) / name).exists() for name in OUTPUT_NAMES)


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def run_batch(options: RunOptions, progress: Progress | None = None) -> tuple[RunResult, Path]:
    """Run the batch, settle it with the ledger and write its outputs; returns the result and the folder.

    A real run holds the state folder's lock throughout and records itself in two transactions
    around the writing of the outputs (see :mod:`coaching_batch.ledger`); a dry run only reads the
    ledger, if there is one.
    """
    programs = Programs.load([options.program] if isinstance(options.program, str) else list(options.program))
    wording = read_template_text(options.certificate_template)  # a bad template stops the run before anything is read
    if options.inbox.exists() and not options.inbox.is_dir():  # a workbook (or a device) named instead of its folder
        what = "a file, not a folder" if options.inbox.is_file() else "not a folder"
        raise UsageError(f"the inbox {options.inbox} is {what}: name the folder that holds the workbooks")
    if not options.inbox.is_dir():
        raise UsageError(f"no such inbox folder: {options.inbox}")
    if holds_earlier_outputs(options.inbox):  # its results, payments and exceptions would be read as the program's tables
        raise UsageError(f"the inbox {options.inbox} is an earlier run's output folder, not the folder of the program's "
                         "workbooks: name the folder that holds the workbooks")
    if folder := _name_not_text(options):  # said before the run: the outputs and the ledger record these names
        raise UsageError(_not_text_reason(folder))
    if options.state is not None and (file := _file_in_the_way(options.state)):  # not "the ledger is missing"
        where = "it is a file" if file == options.state else f"it lies inside {file}, a file"
        raise UsageError(f"cannot use the state folder {options.state}: {where}, not a folder; choose a folder with --state")
    if options.out is not None and (file := _file_in_the_way(options.out)):  # said before the run, not after it
        where = "is a file" if file == options.out else f"lies inside {file}, a file"
        raise UsageError(f"--out {options.out} {where}, not a folder: choose a folder for the outputs")
    if options.out is not None and _is_inbox(options.out, options.inbox):
        # the next run would read this one's results, payments and exceptions as the inbox's tables
        raise UsageError(f"--out {options.out} is the inbox itself: the next run would read these outputs as its "
                         "workbooks; choose another folder (without --out: out/<as-of> beside the inbox)")
    # the processes that will write the outputs, started before the run holds any data or lock
    with writers_started() as writers, heap_kept() as keep:
        result, out_dir = _run(options, programs, wording, progress, writers, keep)
    if options.archive:  # the run is complete and recorded: a file that cannot be moved is said, not fatal
        archive = options.inbox.resolve().parent / settings.ARCHIVE_DIRNAME / options.as_of.isoformat()
        result.not_archived = not_archived_line(archive_inputs(options.inbox, result, archive, recursive=options.recursive), archive)
    return result, out_dir


def _run(options: RunOptions, programs: Programs, wording: str, progress: Progress | None,
         writers: list, keep: Callable[[], None]) -> tuple[RunResult, Path]:
    # a lost or empty ledger beside delivered payment sheets stops the run, dry or not (nothing written)
    out_root = recovery.default_out_root(options.inbox)
    recovery.refuse_new_ledger(options.state_dir, out_root, options.out, options.inbox)
    if options.dry_run:  # what the real run would write: the delivered sheets checked, nothing recorded
        ledger = Ledger.open_existing(options.state_dir)
        with closing(ledger) if ledger else nullcontext():
            if ledger is not None and ledger.run_count():
                recovery.refuse_unchecked_sheets(options.state_dir, out_root, ledger.output_folders())
                if unlisted := recovery.unrecorded_paid_before(out_root, ledger.output_folders(), ledger):
                    raise UsageError(unlisted)
            out_dir = _writable(options.out_dir())
            result = _evaluate(options, programs, progress, ledger, keep)
            result.certificate_template = wording
            result.dry_run = True  # run.json says so; its payment sheet is never taken as delivered
            recovered = recovery.check_delivered(result, ledger, state_dir=options.state_dir, out_root=out_root,
                                                 out_dir=out_dir, dry_run=True,
                                                 held=ledger.held_payments() if ledger else [])
            settle(result, ledger, recovered)
            _write(result, out_dir, progress, writers)
        return result, out_dir

    # a damaged ledger or an --out already holding outputs stops the run too; otherwise the ledger is
    # backed up first, and the delivered sheets checked
    with (state_lock(options.state_dir, options.lock_wait),
          closing(recovery.open_for_run(options.state_dir, out_root, options.as_of,
                                        check_out=lambda half_written: _writable(options.out_dir(half_written)),
                                        out=options.out, inbox=options.inbox)) as ledger):
        remove_left_behind_ledgers(options.state_dir)  # a killed rebuild's or restore's temporary ledger
        stopped = ledger.reconcile()
        held = [payment for run in stopped for payment in run.held]
        out_dir = options.out_dir(half_written=ledger.interrupted_folders(), paid=ledger.paid_folders())
        result = _evaluate(options, programs, progress, ledger, keep)
        result.certificate_template = wording
        result.stopped_runs = [run.line(out_dir) for run in stopped]
        recovery.check_delivered(result, ledger, state_dir=options.state_dir, out_root=out_root, out_dir=out_dir,
                                 held=held)
        settle(result, ledger)
        run_id = ledger.record_pending(result, out_dir)
        crash_point("pending-recorded")
        remove_left_behind(out_dir)  # a killed run's temporary files, in a folder taken back
        try:
            _write(result, out_dir, progress, writers, delivering=lambda sheet: ledger.record_delivering(run_id, sheet))
        except BaseException:
            ledger.abandon(run_id)  # no output delivered, so no payment left pending
            raise
        crash_point("outputs-written")
        try:
            ledger.record_completed(run_id, result, options.exit_status(result))
        except UsageError as exc:  # the outputs are delivered: said, so that no one clears them away as a failed run's
            raise UsageError(f"the outputs were written to {out_dir}, payment sheet included, but the ledger could not "
                             f"record the run as finished ({exc}); leave that folder as it is: the next run records "
                             "its payments as paid") from exc
    return result, out_dir


def _unread_spreadsheets(inputs: Iterable[InputFile]) -> str:
    """What a TABLE-MISSING message adds about the spreadsheets skipped for their kind (an .xlsb, a
    template, a zip of workbooks), where the missing table may be: '' when there are none."""
    unread = [info.path for info in inputs if info.status == "skipped" and info.note in settings.UNREAD_SPREADSHEETS.values()]
    if not unread:
        return ""
    shown = ", ".join(unread[:_UNREAD_SHOWN]) + (f" and {len(unread) - _UNREAD_SHOWN} more" if len(unread) > _UNREAD_SHOWN else "")
    return f"; not read, as spreadsheets of a kind the run does not read (each one's note in Inputs says what to do): {shown}"


_UNREAD_SHOWN = 3  # the unread spreadsheets a TABLE-MISSING message names, at most


def _evaluate(options: RunOptions, programs: Programs, progress: Progress | None,
              ledger: Ledger | None = None, keep: Callable[[], None] | None = None) -> RunResult:
    """Discover, read, validate and apply the rules: everything a run decides, nothing written.
    ``ledger``: read only for the payments and certificates it holds, so that each ID stays with the
    coaching it was issued for. ``keep``: called once the workbooks are read (see :func:`heap_kept`)."""
    as_of = pd.Timestamp(options.as_of)
    findings: list[Finding] = []

    # 1. Discover: every workbook in the inbox; the rest listed as skipped.
    inputs: dict[str, InputFile] = {}
    to_read = []
    for entry in discover(options.inbox, recursive=options.recursive):
        inputs[entry.relpath] = InputFile(entry.relpath, "", entry.size, "skipped" if entry.skip_reason else "read", entry.skip_reason)
        if not entry.skip_reason:
            to_read.append((str(entry.path), entry.relpath))

    # 2. Hash, read and recognise every sheet (in parallel worker processes).
    done = 0

    def tick(_: WorkbookRead) -> None:
        nonlocal done
        done += 1
        if progress:
            progress("Reading workbooks", done, len(to_read))

    if progress:
        progress("Reading workbooks", 0, len(to_read))
    reads = read_all(to_read, on_done=tick, meanwhile=_load_later_stages)
    if keep is not None:  # the cells read are kept to the end of the run: no collection walks them again
        keep()
    from .rules.evaluate import evaluate  # loaded while the workers read (see _load_later_stages)
    from .rules.logs import with_hidden_entries, with_label_ids
    from .rules.pairs import with_pair_programs
    from .validate import validate
    sheets_by_table: dict[str, list[tuple[str, RawSheet]]] = {}
    footers = []
    first_by_hash = _originals(reads)
    for workbook in reads:
        info = inputs[workbook.relpath]
        info.sha256 = workbook.sha256
        why = workbook.unopened or workbook.error
        if why:  # each copy of an unreadable file too: none of them was read once
            info.status, info.note = "unreadable", why
            findings.append(finding("FILE-UNREADABLE", f"{workbook.relpath} cannot be read: {why}", file=workbook.relpath,
                                    fix=workbook.fix or None))
            continue
        original = first_by_hash.get(workbook.sha256, workbook.relpath) if workbook.sha256 else workbook.relpath
        if original != workbook.relpath:
            info.status, info.note = "duplicate", f"same bytes as {original}; read once"
            findings.append(finding("FILE-DUPLICATE", f"{workbook.relpath} has the same bytes as {original}; read once", file=workbook.relpath))
            continue
        info.note = workbook.note
        for sheet in workbook.sheets:
            rows = 0 if sheet.cells is None else len(sheet.cells)
            info.sheets.append(SheetInfo(sheet.name, sheet.table, rows, sheet.header_row, sheet.hidden))
            findings += _sheet_findings(workbook.relpath, sheet)
            if sheet.table and not sheet.missing:
                sheets_by_table.setdefault(sheet.table, []).append((workbook.relpath, sheet))
                footers += [(workbook.relpath, sheet.name, footer) for footer in sheet.footers]
    unread = _unread_spreadsheets(inputs.values())
    for table in ("employees", "assignments"):
        if table not in sheets_by_table:
            # each its own topic: two findings of one rule at no cell, which the ledger tells apart by it
            findings.append(finding("TABLE-MISSING", f"No {table} table was found in the inbox{unread}", topic=table))

    # 3. Validate with pandera: bad cells become findings, bad rows are left out.
    if progress:
        progress("Validating", 0, 1)
    validated, cell_findings = validate(sheets_by_table, day_first=programs.default.day_first, release=True)
    cell_findings = with_label_ids(cell_findings, validated)  # a bad cell of a paper log: the pair its labels name
    findings += cell_findings
    left_out = _rows_left_out(cell_findings, sheets_by_table.get("coach_log", []))
    reads = sheets_by_table = workbook = sheet = None  # the raw sheets are not needed past validation

    # 4. Rules, totals and verdicts.
    if progress:
        progress("Applying rules", 0, 1)
    footer_minutes = parse_durations(pd.Series([f.value for _, _, f in footers], dtype=object)).values
    evaluation = evaluate(
        validated, programs, as_of,
        footers=[(file, sheet, f, None if pd.isna(m) else int(m)) for (file, sheet, f), m in zip(footers, footer_minutes)],
        issued=ledger.payment_starts() if ledger is not None else None,
        certified=ledger.certificate_records() if ledger is not None else None,
        left_out=left_out,
        unread=unread,
    )
    paths = {relpath: path for path, relpath in to_read}  # a name that is not UTF-8 is shown escaped: not a path
    findings += with_hidden_entries(evaluation.findings, evaluation.entries,
                                    lambda file, sheet: hidden_rows(paths.get(file, str(options.inbox / file)), sheet))
    findings = with_pair_programs(findings, evaluation.pairs)  # the cells of a pair's rows: the pair's program
    findings.sort(key=sort_key)

    result = RunResult(
        as_of=options.as_of,
        policy=programs.default,
        inbox=str(options.inbox),
        inputs=list(inputs.values()),
        pairs=evaluation.pairs,
        payments=evaluation.payable,
        coaches=evaluation.coaches,
        hours_by_month=evaluation.hours_by_month,
        certificates=evaluation.certificates,
        findings=findings,
        programs=evaluation.programs,
        people=validated["employees"].drop_duplicates("employee_id")[PEOPLE_COLUMNS].reset_index(drop=True),
        counted_entries=_paid_pairs_logs(evaluation),
        state_dir=str(options.state_dir.resolve()),  # `notices send` finds the run's ledger in run.json
    )

    return result


def _originals(reads: Sequence[WorkbookRead]) -> dict[str, str]:
    """Of the workbooks with the same bytes, the one read (sha256 → relpath): the shortest file name
    (its extension not counted), then the first in path order. A copy's name adds to its original's
    (`Copy of Log.xlsx`, `Log (1).xlsx`, `Log - Copy.xlsx`, which sorts first), and the copy is the one reported."""
    originals: dict[str, str] = {}
    for workbook in reads:  # in path order
        if workbook.sha256 and not workbook.unopened and not workbook.error:
            kept = originals.setdefault(workbook.sha256, workbook.relpath)
            if copy_name_length(workbook.relpath) < copy_name_length(kept):
                originals[workbook.sha256] = workbook.relpath
    return originals


def _rows_left_out(cell_findings: list[Finding], sheets: list[tuple[str, RawSheet]]) -> Counter:
    """(candidate ID, coach ID) → how many rows of the pair's logs among ``sheets`` a bad cell left
    out (a row with two bad cells once): received, though no entry of the log."""
    on_sheets = {(relpath, sheet.name) for relpath, sheet in sheets}
    rows = {(f.candidate_id, f.coach_id, f.file, f.sheet, f.cell.lstrip(ascii_uppercase)) for f in cell_findings
            if (f.file, f.sheet) in on_sheets and f.candidate_id and f.coach_id}
    return Counter((candidate_id, coach_id) for candidate_id, coach_id, *_ in rows)


def _load_later_stages() -> None:
    """Validation (pandera) and the rules, imported while the workers read rather than before the
    run starts: about 0.15 s that a small run would otherwise wait for."""
    with imports_uncollected():
        import_module(".validate", __package__)
        import_module(".rules.evaluate", __package__)


def _writable(out_dir: Path) -> Path:
    """``out_dir``, once a file could be made in it (or where it is to be created): a run that cannot write its
    outputs is refused before it reads the inbox, backs up the ledger or records anything."""
    try:
        check_writable(out_dir, PAYMENTS)
    except OSError as exc:
        raise UsageError(f"cannot write the outputs to {out_dir}: {exc.strerror or exc}") from None
    return out_dir


def _paid_pairs_logs(evaluation) -> pd.DataFrame:
    """The counted coach-log entries of the pairs a stipend is (or is about to be) paid for: the hours
    summary their payment documents carry. Only those: a large inbox holds a million entries."""
    pairs = evaluation.pairs
    pays = {name: policy.payment is not None for name, policy in evaluation.programs.items()}
    paid = pairs.index[pairs["completion_eligible"] & pairs["program"].map(pays).fillna(False).astype(bool)]
    entries = evaluation.entries
    chosen = entries["counted"] & (entries["kind"] == "coach_log") & entries["pair"].isin(paid)
    return entries.loc[chosen, COUNTED_ENTRY_COLUMNS].reset_index(drop=True)


def _write(result: RunResult, out_dir: Path, progress: Progress | None, writers: list,
           delivering: Callable[[Path], None] | None = None) -> None:
    """The outputs, each written atomically (shares of them by ``writers``); ``delivering``: told
    just before the payment sheet is renamed into place (write_outputs)."""
    if progress:
        progress("Writing outputs", 0, 1)
    freed_memory_returned()  # what reading, validating and judging left, for the writer processes
    try:
        write_outputs(result, out_dir, writers=writers, delivering=delivering)
    except OSError as exc:  # a full disk, a read-only or missing share: nothing was delivered
        raise UsageError(f"cannot write the outputs to {out_dir}: {exc.strerror or exc}") from None
    except XlsxFileCreateError as exc:  # xlsxwriter's wrapping of the same OSError (a full disk)
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc
        raise UsageError(f"cannot write the outputs to {out_dir}: {getattr(cause, 'strerror', None) or cause}") from None


def settle(result: RunResult, ledger: Ledger | None, delivered: dict[str, date] | None = None) -> None:
    """Compare the run with the ledger: stipends paid before are not paid again (PAYMENT-ALREADY-PAID),
    nor those paid for the same coaching under a program name its two people have no pair of in this
    run, a policy file renamed (PAYMENT-PAID-UNDER-OTHER-NAME: held); and each finding is New or Open, with the ones gone
    since the last run listed as Resolved (not those whose row moved:
    :func:`~coaching_batch.reports.exceptions.moved_findings`).

    ``delivered``: payments on delivered sheets that the ledger lacks and a dry run did not record
    (Payment ID → the sheet's as-of date), paid all the same (recovery.check_delivered)."""
    from .rules.pairs import FORMER_ID_COLUMNS, ids_under_former_names, pair_finding, pair_records  # loaded by now

    pairs = result.pairs
    # each coaching's IDs under a program name the ledger knows and this run does not use
    former = (ids_under_former_names(pairs, ledger.payment_starts(), ledger.certificate_records())
              if ledger is not None and len(pairs) else pd.DataFrame(columns=FORMER_ID_COLUMNS))
    # a certificate issued by an earlier run keeps that date and gets no new PDF (one issued under another
    # program name keeps its ID too); the others are named (certificates/<name>.pdf) here, before the
    # ledger records them as pending
    if ledger is not None and len(result.certificates):
        certificates = result.certificates
        issued = ledger.issued_certificates(certificates["certificate_id"].tolist() + former["certificate_id"].tolist())
        kept = {own: earlier for own, earlier in zip(pairs.loc[former.index, "certificate_id"], former["certificate_id"])
                if earlier in issued and own not in issued}
        if kept:
            certificates["certificate_id"] = certificates["certificate_id"].replace(kept)
            pairs["certificate_id"] = pairs["certificate_id"].replace(kept)
        known = pd.to_datetime(certificates["certificate_id"].map(issued))
        # and those whose PDFs earlier runs delivered (recovery.check_delivered), should the ledger have lost them
        certificates["issued_on"] = known.fillna(pd.to_datetime(certificates["issued_on"]))
    name_certificates(result)
    if ledger is None:
        return
    result.paid_before = (delivered or {}) | ledger.issued_payments()
    paid = (delivered or {}) | (ledger.paid(pairs["payment_id"].tolist() + former["payment_id"].tolist()) if len(pairs) else {})
    if paid:
        pairs["paid_on"] = pd.to_datetime(pairs["payment_id"].map(lambda p: paid.get(p)))
        already = pairs["payment_id"].isin(list(paid))
        reasons: dict[int, str] = {}  # pair → its reasons with why it is not paid, set at once below
        for index, pair in zip(pairs.index[already], pair_records(pairs[already], "payment_id", "payment_eligible", "reasons")):
            paid_on = paid[pair["payment_id"]]
            if pair["payment_eligible"]:  # at its assignment row; the next band's is its own, week after week
                result.findings.append(pair_finding(
                    "PAYMENT-ALREADY-PAID", pair,
                    f"The stipend for this pair (Payment ID {pair['payment_id']}) was paid by the run of "
                    f"{paid_on:%Y-%m-%d}; it is not paid again"))
            reason = f"paid on {paid_on:%Y-%m-%d}"
            reasons[index] = "; ".join(r for r in (pair["reasons"], reason) if r)
        if reasons:
            pairs.loc[list(reasons), "reasons"] = list(reasons.values())
        held = former[former["payment_id"].isin(list(paid)) & ~former.index.isin(pairs.index[already])]
        held = held[~held.index.duplicated()]
        for index, program, earlier in zip(held.index, held["program"], held["payment_id"]):
            pair = pairs.loc[index]
            paid_on = paid[earlier]
            if pair["payment_eligible"]:
                result.findings.append(pair_finding(
                    "PAYMENT-PAID-UNDER-OTHER-NAME", pair,
                    f"The stipend for this coaching was paid by the run of {paid_on:%Y-%m-%d} as Payment ID {earlier}, "
                    f"under the program name '{program}', which these two people have no coaching of in this run (was "
                    f"the policy file's name changed, or the Program cell?): it is held, not paid again as "
                    f"{pair['payment_id']} under '{pair['program']}'",
                    fix=f"Keep the program's name: with name = \"{program}\" in the policy file this is the stipend "
                        f"already paid (Payment IDs come from the name). Only if it truly is a new stipend, void the "
                        f"earlier payment (`coaching-batch ledger void {earlier} --reason ...`) and the next run pays it."))
            reason = f"held: paid on {paid_on:%Y-%m-%d} as {earlier} under '{program}'"
            pairs.loc[index, "reasons"] = "; ".join(r for r in (pair["reasons"], reason) if r)
        pairs.loc[already | pairs.index.isin(held.index), "payment_eligible"] = False
        stopped = [*paid, *pairs.loc[held.index, "payment_id"]]
        result.payments = result.payments[~result.payments["payment_id"].isin(stopped)].reset_index(drop=True)
        result.findings.sort(key=sort_key)

    # a dry run may look back before the last run: it is compared with the last run before its date
    previous = ledger.previous_findings(result.policy.name, result.as_of)
    current = {finding_key(f): f for f in result.findings}
    # a row deleted or inserted above a finding moved its cell, a renamed workbook or moved sheet its file: still Open
    matched, gone = match_history(current, {key: f for key, (f, _) in previous.items()})
    if result.dry_run:  # what it does not judge is still as the last run left it, not Resolved
        gone = [key for key in gone if previous[key][0].rule not in recovery.NOT_JUDGED_IN_DRY_RUN]
    result.moved = [old_key for old_key in matched.values() if old_key not in current]
    result.finding_history = {key: (OPEN, previous[old_key][1]) for key, old_key in matched.items()}
    result.resolved = [previous[key][0] for key in gone]
    result.finding_history |= {key: (RESOLVED, previous[key][1]) for key in gone}


def archive_inputs(inbox: Path, result: RunResult, archive: Path, *, recursive: bool = False) -> Archived:
    """Move the files this run read (and their duplicates) into ``archive``; never overwrite or delete.

    A file of a sub-folder goes into the same sub-folder of ``archive``. A name already in the
    archive gets ``(2)``, ``(3)`` … before its extension. A file that cannot be
    moved (a read-only inbox, a file open in another program) stays in the inbox, and no copy of it
    is left in the archive; the others are moved all the same.
    """
    archived = Archived()
    # a name shown escaped is found by its own
    paths = {entry.relpath: entry.path for entry in discover(inbox, recursive=recursive)}
    for info in result.inputs:
        if info.status not in ("read", "duplicate"):
            continue
        source = paths.get(info.path, inbox / info.path)
        if not source.is_file():
            continue
        try:
            archived.moved.append(_move_into(source, archive.joinpath(*source.relative_to(inbox).parts[:-1])))
        except OSError as exc:
            archived.kept.append((info.path, exc.strerror or str(exc)))
    return archived


@dataclass
class Archived:
    moved: list[Path] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (file, why it could not be moved)


def _move_into(source: Path, archive: Path) -> Path:
    target = _reserved(archive, source)
    try:
        shutil.move(source, target)  # onto the name reserved: an empty file of this run's own
    except OSError:
        if source.exists():  # copied to another drive, but the original could not be removed: one place only
            with suppress(OSError):
                target.unlink()
        raise
    return target


def _reserved(archive: Path, source: Path) -> Path:
    """A name in ``archive`` for ``source``, taken by creating it empty, so that another run archiving
    into the same folder at the same moment (a second inbox beside this one) takes another name
    instead of replacing this one's file: ``roster.xlsx``, then ``roster (2).xlsx`` …"""
    archive.mkdir(parents=True, exist_ok=True)
    target, number = archive / source.name, 1
    while True:
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return target
        except FileExistsError:
            number += 1
            target = archive / f"{source.stem} ({number}){source.suffix}"


def not_archived_line(archived: Archived, archive: Path) -> str:
    """The ``Not archived:`` line for workbooks left in the inbox, or "" when every one was moved."""
    if not archived.kept:
        return ""
    first, why = archived.kept[0]
    others = len(archived.kept) - 1
    which = first + (f" and {others} other workbook{'s' if others > 1 else ''}" if others else "")
    return (f"Not archived: {which} could not be moved into {archive} ({why}) and "
            f"{'stay' if others else 'stays'} in the inbox ({len(archived.moved)} moved); the run itself completed")


def _sheet_findings(relpath: str, sheet: RawSheet) -> list[Finding]:
    beside = []
    if sheet.beside:
        other, col = sheet.beside
        beside = [finding("SHEET-TABLE-BESIDE",
                          f"Sheet {sheet.name!r} holds a second table beside its {tables()[sheet.table].title} table: "
                          f"the {tables()[other].title} table at {a1(sheet.header_row, col)} was not read",
                          file=relpath, sheet=sheet.name, cell=a1(sheet.header_row, col))]
    for where, stacked in (("above", sheet.above), ("below", sheet.below)):
        if stacked:
            other, row, col, rows = stacked
            beside.append(finding("SHEET-TABLE-BESIDE",
                                  f"Sheet {sheet.name!r} holds a second table {where} its {tables()[sheet.table].title} table: "
                                  f"the {tables()[other].title} table at {a1(row, col)}{_rows_under(rows)} was not read",
                                  file=relpath, sheet=sheet.name, cell=a1(row, col)))
    return (beside + [_repeated_column(relpath, sheet, *repeat) for repeat in sheet.repeated] + _sheet_problems(relpath, sheet)
            + _example_left(relpath, sheet))


def _example_left(relpath: str, sheet: RawSheet) -> list[Finding]:
    """CELL-EXAMPLE at each cell of the first row that still holds the templates' example value beside
    values typed over it: not used (read as blank), or, in a column the row needs, read as typed."""
    if not sheet.example_left:
        return []
    row = sheet.header_row + 1
    table = tables()[sheet.table]
    named = [(table.column(column).headers[0], a1(row, col), shown, how) for column, col, shown, how in sheet.example_left]
    left = {column for column, *_ in sheet.example_left}
    # the row's pair, as typed (an ID left from the example names no pair)
    pair = {key: id_text(sheet.cells[0][k]) for k, key in enumerate(sheet.columns)
            if key in ("candidate_id", "coach_id") and key not in left and sheet.cells[0][k] is not None}
    findings = []
    for header, cell, shown, how in named:
        others = [other for _, other, _, _ in named if other != cell]
        taken = "it was not used (read as blank)" if how == "cleared" else "it was read as typed, since the row needs the column: check it"
        message = (f"Row {row} was typed over the templates' grey example row, and {header} still holds the example's "
                   f"{shown}: {taken}." + (f" Other cells left from the example: {', '.join(others)}." if others else ""))
        fix = (f"Clear {cell} or type the row's own {header}. If {shown} is truly the row's own, clear the row's other "
               "example values instead: the row is then read as typed.")
        findings.append(finding("CELL-EXAMPLE", message, fix=fix, file=relpath, sheet=sheet.name, cell=cell, **pair))
    return findings


def _repeated_column(relpath: str, sheet: RawSheet, read: str, read_col: int, unread: str, unread_col: int) -> Finding:
    """A column headed twice on a sheet (SHEET-TABLE-BESIDE: part of the sheet beside the table read
    was not read): the second heading's column is named, and the first, which was read."""
    row = sheet.header_row
    if normalise_header(read) == normalise_header(unread):
        message = (f"has the column {unread!r} twice: the one at {a1(row, unread_col)} was not read "
                   f"(the one at {a1(row, read_col)} was)")
    else:
        message = (f"has {read!r} and {unread!r}, two headings of one column: {unread!r} at {a1(row, unread_col)} "
                   f"was not read ({read!r} at {a1(row, read_col)} was)")
    return finding("SHEET-TABLE-BESIDE", f"Sheet {sheet.name!r} {message}",
                   fix="Delete one of the two columns, or rename the one that holds something else, then re-run: "
                       "a column is read once, from its first heading.",
                   file=relpath, sheet=sheet.name, cell=a1(row, unread_col))


def _rows_under(rows: int) -> str:
    """How many filled rows a table not read holds under its header: ' (3 filled rows under its header)'."""
    return f" ({rows} filled row{'s' if rows != 1 else ''} under its header)" if rows else ""


def _not_read(rows: int) -> str:
    """What a skipped table held: ': its 12 filled rows below the header were not read'."""
    if not rows:
        return ""
    return f": its {rows} filled rows below the header were not read" if rows > 1 else ": its one filled row below the header was not read"


def _sheet_problems(relpath: str, sheet: RawSheet) -> list[Finding]:
    if sheet.table is None:
        if sheet.name.strip().casefold() == settings.INSTRUCTIONS_SHEET.casefold():
            return []  # the templates' instructions sheet holds no table by design
        return [finding("SHEET-UNRECOGNIZED", (f"Sheet {sheet.name!r} holds no table this program reads (no row among its first "
                                                 f"{settings.HEADER_SEARCH_ROWS} holds all the required headers of a table)"),
                        file=relpath, sheet=sheet.name)]
    if sheet.missing:
        table = tables()[sheet.table]
        wanted = ", ".join(repr(table.column(c).headers[0]) for c in sheet.missing)
        return [finding("SHEET-MISSING-COLUMN",
                        f"Sheet {sheet.name!r} looks like the {table.title} table (header row {sheet.header_row}) but has no {wanted} column; "
                        f"sheet skipped{_not_read(sheet.unread_rows)}",
                        file=relpath, sheet=sheet.name, cell=a1(sheet.header_row, min(sheet.columns.values(), default=0)))]
    return []
