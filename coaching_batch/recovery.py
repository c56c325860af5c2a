"""Pay once even when the ledger is lost, restored from an old copy, damaged, or kept on a share.

The payment sheets already delivered to finance are a second record of what was paid. Before a run
pays (a dry run too, recording nothing), it reads every ``payments.xlsx`` at any depth under the
default ``out/`` folder and under every output folder the ledger remembers, and checks each Payment
ID on them against the ledger:

* an ID the ledger has no record of (not issued, pending or voided — a ledger behind its sheets)
  that belongs to a pair of the inbox is recorded as issued on the as-of date of the run that wrote
  the sheet (``PAYMENT-RECOVERED``) and is not paid again;
* an ID that matches no pair is reported (``PAYMENT-SHEET-UNKNOWN-ID``), never recorded;
* a payment the ledger issued on a sheet that no longer lists it is reported
  (``PAYMENT-SHEET-ROW-MISSING``) and not paid again;
* a voided payment stays voided (a sheet of a later run listing it again was a re-payment the
  ledger lost, and is recovered like any other);
* a payment held by the ledger (its run was killed while putting its payment sheet in place, and
  that sheet is gone) that no sheet lists is reported (``PAYMENT-DELIVERY-UNCERTAIN``): finance may
  have the sheet, so it is not paid again unless the coordinator voids it.

The sheets only ever stop a payment, never make one. Sheets written by a dry run (``run.json`` says
``"dry_run": true``) were never delivered and are not read.

A run refuses to start a new ledger beside delivered sheets (:func:`refuse_new_ledger`), or to go on
beside an unreadable sheet of a run its ledger does not know (:func:`refuse_unchecked_sheets`), refuses a
damaged one, backs the ledger up first (:func:`open_for_run`), and names a state folder on a
network or sync file system (:func:`unsafe_mount`). ``ledger rebuild`` and ``ledger verify`` are
:func:`rebuild` and :func:`verify`.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from pathlib import Path

from .errors import UsageError, as_typed
from .findings import Finding, finding, sort_key
from .inbox import OUTPUT_FILES
from .settings import HEADER_SEARCH_ROWS, WORKBOOK_SUFFIXES
from .values import a1
from .ledger import (
    ISSUED, PENDING, SCHEMA_VERSION, VOIDED, Ledger, LedgerDamaged, backup_ledger, backups_dir,
    damaged_message, ledger_path, list_backups, remove_left_behind_ledgers, settle_hot_journal,
)

SHEET_NAME = "payments.xlsx"
# the same sheet as finance may save it again (Excel, LibreOffice): read as it is, except a CSV copy
SHEET_SAVED_AS = (".xlsm", ".xls", ".ods", ".csv")
SHEET_NAMES = (SHEET_NAME, *(SHEET_NAME.rsplit(".", 1)[0] + suffix for suffix in SHEET_SAVED_AS))  # in the order taken
PAYMENTS_SHEET = "Payments"  # the sheet the run writes the payments on
RUN_JSON = "run.json"
# A run's folder is known by one of its other outputs; there, a workbook holding the payment table under
# another name is the payment sheet renamed by finance (`Payments week 32.xlsx`) when no payments.* is left.
RUN_OUTPUTS = OUTPUT_FILES - {SHEET_NAME}  # run.json, results.xlsx, exceptions.xlsx
DEFAULT_OUT_DIRNAME = "out"
# `ledger rebuild`'s last resort: a payment a run.json lists as paid, on no sheet left anywhere, recorded as issued
RECORD_UNLISTED = "--record-unlisted"
# what a run.json's pair gives of such a payment (its ``pairs`` entry's keys, as the ledger's)
UNLISTED_FROM_PAIR = ("program", "coach_id", "candidate_id", "coach_contact_hours", "candidate_hours")

# File systems where SQLite's locking is unreliable: network shares and FUSE-based sync clients.
UNSAFE_FSTYPES = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "9p", "afs", "ncpfs", "davfs", "fuse", "vboxsf",
                  "vmhgfs", "prl_fs"}  # and every fuse.* (sshfs, rclone, onedriver, dropbox … clients)
MOUNT_TABLE_ENV = "COACHING_BATCH_MOUNT_TABLE"  # tests: a mount table file read instead of /proc/self/mountinfo
# rules a dry run does not judge (its payment sheet is never delivered): one of the last run's is not
# Resolved by a dry run
NOT_JUDGED_IN_DRY_RUN = frozenset({"PAYMENT-SHEET-ELSEWHERE"})
SAFER_LAYOUT = ("keep the state folder on a local disk (--state) and put only the outputs on the share (--out); "
                "see the README, \"Shared drives\"")


# -- the state folder's file system -------------------------------------------------------------


def unsafe_mount(mount_table: str, folder: Path | str) -> tuple[str, str] | None:
    """(mount point, fstype) of the mount holding ``folder`` when it is a network or sync file system,
    else None. ``mount_table`` is the text of ``/proc/self/mountinfo`` or ``/proc/mounts``; the last
    mount on the longest matching mount point wins (a later mount hides an earlier one)."""
    folder = os.path.normpath(str(folder))
    best: tuple[int, str, str] | None = None
    for line in mount_table.splitlines():
        fields = line.split()
        if " - " in line:  # mountinfo: id parent dev root MOUNTPOINT options ... - FSTYPE source options
            left, right = line.split(" - ", 1)
            left_fields, right_fields = left.split(), right.split()
            if len(left_fields) < 5 or not right_fields:
                continue
            point, fstype = left_fields[4], right_fields[0]
        elif len(fields) >= 3:  # /proc/mounts: SOURCE MOUNTPOINT FSTYPE options 0 0
            point, fstype = fields[1], fields[2]
        else:
            continue
        point = _unescape(point)
        if folder == point or folder.startswith(point.rstrip("/") + "/") or point == "/":
            if best is None or len(point) >= best[0]:
                best = (len(point), point, fstype)
    if best is None:
        return None
    _, point, fstype = best
    kind = fstype.split(".", 1)[0] if fstype.startswith("fuse.") else fstype
    if kind in UNSAFE_FSTYPES or fstype.startswith("fuse."):
        return point, fstype
    return None


def _unescape(text: str) -> str:
    """Mount tables write a space as \\040, a tab as \\011, a backslash as \\134."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def state_location_problem(state_dir: Path) -> str | None:
    """A sentence naming the state folder's network or sync file system, or None (a local disk, or a
    platform without a mount table to read)."""
    folder = Path(state_dir).resolve()
    if os.name == "nt" and str(folder).startswith("\\\\"):
        return f"The state folder {folder} is on a network share, where SQLite's locking is unreliable"
    table_file = os.environ.get(MOUNT_TABLE_ENV) or next(
        (p for p in ("/proc/self/mountinfo", "/proc/mounts") if os.path.exists(p)), None)
    if table_file is None:
        return None
    try:
        table = Path(table_file).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = unsafe_mount(table, folder)
    if found is None:
        return None
    point, fstype = found
    return (f"The state folder {folder} is on a {fstype} file system (mounted at {point}), a network or sync "
            "folder where SQLite's locking is unreliable: two computers can write the ledger at once, or a sync "
            "client can bring back an old copy")


# -- the delivered payment sheets ---------------------------------------------------------------


@dataclass
class SheetRow:
    payment_id: str
    row: int  # the Excel row number
    values: dict  # payment column key → value (model.PAYMENT_COLUMNS keys the header names)
    cell: str = ""  # the A1 reference of its Payment ID


@dataclass
class DeliveredSheet:
    path: Path
    rows: list[SheetRow] = field(default_factory=list)
    error: str = ""
    sheet_name: str = PAYMENTS_SHEET  # the sheet the payments were read from (renamed by finance, it may be another)
    unidentified: int = 0  # the payments it lists whose Payment ID column is gone (error set)
    ids_from_run: bool = False  # its Payment ID column is gone, each payment's ID taken from its run.json

    @cached_property
    def run(self) -> dict:
        """``as_of``, ``program`` and ``dry_run`` from the run.json beside the sheet (its head only: it
        may be large), as far as they are there."""
        run = {}
        try:
            with open(self.path.parent / RUN_JSON, encoding="utf-8", errors="replace") as handle:
                head = handle.read(65536)
        except OSError:
            return run
        if m := re.search(r'"as_of"\s*:\s*"(\d{4}-\d{2}-\d{2})"', head):
            run["as_of"] = date.fromisoformat(m.group(1))
        if m := re.search(r'"program"\s*:\s*"([^"\\]*)"', head):
            run["program"] = m.group(1)
        if m := re.search(r'"dry_run"\s*:\s*(true|false)', head):
            run["dry_run"] = m.group(1) == "true"
        if m := re.search(r'"inbox"\s*:\s*("(?:[^"\\]|\\.)*")', head):
            run["inbox"] = json.loads(m.group(1))
        return run

    @cached_property
    def dry_run(self) -> bool:
        """A dry run's sheet, never delivered: its run.json says so, or the workbook's own mark (a
        copy taken away from its folder)."""
        if self.run.get("dry_run"):
            return True
        from .reports.payments import DRY_RUN_PROPERTY

        try:
            with zipfile.ZipFile(self.path) as archive:
                custom = archive.read("docProps/custom.xml") if "docProps/custom.xml" in archive.namelist() else b""
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError):
            return False
        return f'name="{DRY_RUN_PROPERTY}"'.encode() in custom

    @cached_property
    def as_of(self) -> date:
        """The as-of date of the run that wrote the sheet: its run.json, else the folder's name
        (``2026-11-20`` or ``2026-11-20-2``), else the day the sheet was written."""
        if "as_of" in self.run:
            return self.run["as_of"]
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:-\d+)?", self.path.parent.name):
            try:
                return date.fromisoformat(m.group(1))
            except ValueError:
                pass
        try:
            return datetime.fromtimestamp(self.path.stat().st_mtime).date()
        except OSError:
            return date.today()

    def run_value(self, key: str) -> object:
        """The value of ``key`` in the run.json beside the sheet, read whole (:attr:`run` reads its head
        only); None when it has none, cannot be read, or is not a JSON object (hand-edited)."""
        try:
            with open(self.path.parent / RUN_JSON, encoding="utf-8") as handle:
                return json.load(handle).get(key)
        except (OSError, ValueError, AttributeError):
            return None

    @property
    def ids(self) -> set[str]:
        return {r.payment_id for r in self.rows}

    @property
    def key(self) -> str:
        return _key(self.path)


def _in_run_order(sheet: "DeliveredSheet") -> tuple:
    """Delivered sheets in the order their runs were made: by as-of date, then by folder, a rerun's
    `2026-11-27-2` after `2026-11-27` and `-10` after `-9` (as text, `-2/` sorted before `/`)."""
    return sheet.as_of, tuple(tuple(int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", part))
                              for part in sheet.path.parts)


def _key(path: Path | str) -> str:
    return os.path.normcase(str(Path(path).resolve()))


def sheet_paths(roots: list[Path]) -> list[Path]:
    """Every payment sheet in the folders ``roots`` and at any depth below them (``out/<as-of>/``,
    ``out/2026/2026-11-20/`` …), each once."""
    return output_files(roots, zips=False)[0]


def output_files(roots: list[Path], *, zips: bool = True) -> tuple[list[Path], list[Path]]:
    """(every payment sheet, every zip archive holding one not unzipped beside it — a week's folder
    zipped away; none looked for unless ``zips``) in the folders ``roots`` and at any depth below
    them, each once.

    Only names are compared, so a year of outputs (thousands of PDFs) is listed, never opened (a zip
    archive's list of names is read, when asked); a root inside another root (an output folder the
    ledger remembers, under ``out/``) is not walked again.
    """
    folders: dict[str, Path] = {}
    for root in roots:
        if Path(root).is_dir():
            folders.setdefault(_key(root), Path(root))
    found: dict[str, Path] = {}
    zipped: dict[str, Path] = {}
    for key, root in folders.items():
        if any(str(parent) in folders for parent in Path(key).parents):
            continue  # walked with the folder it is in
        for folder, subfolders, files in os.walk(root):
            subfolders.sort()
            if path := sheet_among(Path(folder), files) or renamed_sheet(Path(folder), files):
                found.setdefault(_key(path), path)
            for name in sorted(files) if zips else ():
                if name.lower().endswith(".zip") and _holds_sheet(Path(folder) / name):
                    zipped.setdefault(_key(Path(folder) / name), Path(folder) / name)
    return list(found.values()), list(zipped.values())


def sheet_among(folder: Path, names: Iterable[str]) -> Path | None:
    """The payment sheet of ``folder``, whose files are ``names``: ``payments.xlsx``, else the same
    sheet saved again in another format or case (``payments.ods``, ``Payments.xls``, ``payments.csv``),
    which must not be passed over as if no sheet were there."""
    ranks = {name: rank for rank, name in enumerate(SHEET_NAMES)}
    for name in sorted((n for n in names if n.casefold() in ranks), key=lambda n: (n != SHEET_NAME, ranks[n.casefold()], n)):
        if (folder / name).is_file():
            return folder / name
    return None


def renamed_sheet(folder: Path, names: Iterable[str]) -> Path | None:
    """The payment sheet of a run's ``folder`` (whose files are ``names``) renamed by finance
    (``Payments week 32.xlsx``, ``Copy of payments.xlsx``): the first workbook there, other than the
    run's own, that holds the payment table. None when the folder is no run's (none of its other
    outputs is there). Looked for only where no ``payments.*`` is: a run's folder always has one."""
    folded = {name.casefold() for name in names}
    if not folded & RUN_OUTPUTS:
        return None
    for name in sorted(names):
        if (name.casefold() in RUN_OUTPUTS or name.startswith((".", "~$"))
                or not name.casefold().endswith(WORKBOOK_SUFFIXES) or not (folder / name).is_file()):
            continue
        try:
            table = _payment_table(folder / name, _void_headers())
        except Exception:  # noqa: BLE001 - a workbook that cannot be read is not taken for the sheet
            continue
        if table is not None and _is_payment_sheet(table[1]):
            return folder / name
    return None


@cache  # built once: every workbook of a run's folder whose sheet finance renamed is looked at with it
def _void_headers() -> dict[str, str]:
    """The ledger export's void columns (case-folded header → key): a workbook holding them is the
    export, which lists voided payments too, not a payment sheet."""
    from .reports.ledger_export import LEDGER_PAYMENT_COLUMNS

    return {c.header.casefold(): c.key for c in LEDGER_PAYMENT_COLUMNS if c.key.startswith("void")}


def _is_payment_sheet(header: list) -> bool:
    """Whether a table's header (column keys, None for other headers) is the payment sheet's: its IDs
    and amount, and none of the ledger export's void columns."""
    return ({"payment_id", "coach_id", "candidate_id", "amount"} <= set(header)
            and not set(header) & set(_void_headers().values()))


def _holds_sheet(archive: Path) -> bool:
    """Whether the zip archive holds a payment sheet (at any depth inside it) that is not also there
    unzipped beside it."""
    try:
        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError):
        return False
    return any(name.rsplit("/", 1)[-1] == SHEET_NAME and not (archive.parent / name).is_file() for name in names)


def _zipped_error(zipped: list[Path], what: str) -> UsageError:
    return UsageError(
        f"{', '.join(str(z) for z in zipped[:3])}{' …' if len(zipped) > 3 else ''} hold{'s' if len(zipped) == 1 else ''} "
        f"payment sheets ({SHEET_NAME}) zipped away, which cannot be read there: {what}. Unzip "
        f"{'it' if len(zipped) == 1 else 'them'} where {'it is' if len(zipped) == 1 else 'they are'} (keeping the "
        "folders inside), then run the command again")


def read_sheet(path: Path) -> DeliveredSheet:
    """A delivered payment sheet: its rows (sheet Payments, header in row 1, as the run wrote it; else
    the first sheet with a Payment ID header in its first rows: finance may have renamed the sheet or
    put a title above the table). The Total row and blank rows are skipped wherever they are: finance
    may have sorted the sheet, Total row and all."""
    from .reports.payments import TOTAL_LABEL

    sheet = DeliveredSheet(Path(path))
    if sheet.path.suffix.casefold() == ".csv":  # its amounts and dates are text as displayed, in any format
        sheet.error = (f"a CSV copy of the payment sheet, which is not read: open it and save it as {SHEET_NAME} "
                       "(Excel Workbook) in the same folder")
        return sheet
    try:
        table = _payment_table(path)
    except Exception as exc:  # noqa: BLE001 - any reason a sheet cannot be read is reported, not raised
        sheet.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return sheet
    if table is None:
        return _sheet_without_ids(sheet)
    sheet.sheet_name, header, rows, first_number, first_col = table
    id_col = header.index("payment_id")
    for number, row in enumerate(rows, start=first_number):
        value = str(row[id_col]).strip() if id_col < len(row) and row[id_col] not in (None, "") else ""
        if not value or value == TOTAL_LABEL:
            continue
        if value.endswith(".0") and value[:-2].isdigit():
            value = value[:-2]
        values = _row_values(header, row)
        values["payment_id"] = value
        sheet.rows.append(SheetRow(value, number, values, a1(number, first_col + id_col)))
    return sheet


def _row_values(header: list, row: list) -> dict:
    """A sheet row's values by payment column key, blank as None, its IDs as text (`104233`, not 104233.0)."""
    values = {key: (row[i] if i < len(row) and row[i] != "" else None) for i, key in enumerate(header) if key}
    for key in ("coach_id", "candidate_id"):
        if isinstance(values.get(key), float) and values[key].is_integer():
            values[key] = str(int(values[key]))
        elif values.get(key) is not None:
            values[key] = str(values[key]).strip()
    return values


# What to do about a payment sheet whose Payment ID column is gone (DeliveredSheet.unidentified)
IDS_GONE_FIX = (f"put the Payment ID column back: from finance's copy of the sheet, or each payment's payment_id "
                f"in the {RUN_JSON} of that week's folder; never move a payment sheet out of the folder: its stipends "
                "would be paid again")


def _sheet_without_ids(sheet: DeliveredSheet) -> DeliveredSheet:
    """A sheet whose payment table has lost its Payment ID column (deleted by finance): each payment's ID
    from the run.json beside it when that lists exactly the sheet's payments, one to each coach and
    candidate (the sheet is then read as it was delivered); else the sheet cannot be read, and says how
    many payments it lists, so that it is put right, never moved away as if it were no payment sheet."""
    try:
        table = _payment_table(sheet.path, required=("coach_id", "candidate_id", "amount"))
    except Exception:  # noqa: BLE001 - it was opened a moment ago: read as having no payment table
        table = None
    if table is None:
        sheet.error = "no sheet of it has a Payment ID column"
        return sheet
    sheet.sheet_name, header, rows, first_number, first_col = table
    numbered = ((number, _row_values(header, row)) for number, row in enumerate(rows, start=first_number))
    # not the Total row (its label was in the Payment ID column), nor a blank one
    listed = [(number, values) for number, values in numbered if values.get("coach_id") or values.get("candidate_id")]
    ids = _run_payment_ids(sheet.run_value("payments"))
    keys = [(values.get("coach_id"), values.get("candidate_id")) for _, values in listed]
    if ids is not None and len(set(keys)) == len(keys) and set(keys) == set(ids):
        sheet.ids_from_run = True
        sheet.rows = [SheetRow(ids[key], number, values | {"payment_id": ids[key]}, a1(number, first_col))
                      for key, (number, values) in zip(keys, listed)]
        return sheet
    sheet.unidentified = len(listed)
    sheet.error = (f"its Payment ID column is gone: it lists {len(listed)} payment{'s' if len(listed) != 1 else ''} "
                   f"without their IDs{'' if ids is None else f', not the payments its {RUN_JSON} lists'}")
    return sheet


def _run_payment_ids(payments: object) -> dict[tuple[str, str], str] | None:
    """(coach ID, candidate ID) → Payment ID of each of a run.json's ``payments``, when each of the two people's
    pairs has one payment there; else None (no run.json, another version's, or two payments of a pair)."""
    try:
        ids = {(str(p["coach_id"]), str(p["candidate_id"])): str(p["payment_id"]) for p in payments}
    except (KeyError, TypeError):
        return None
    return ids if len(ids) == len(payments) and all(ids.values()) else None


def _payment_table(path: Path, also: dict[str, str] | None = None,
                   required: tuple[str, ...] = ("payment_id",)) -> tuple[str, list, list, int, int] | None:
    """(the sheet's name, the header as payment column keys, the rows below it, the Excel row number
    of the first of them, the 0-based column of their first cell) of the workbook's payment table:
    sheet Payments first, then the others in order, each with its header found in its first rows;
    None when no sheet has a Payment ID header (the ``required`` headers). ``also``: more headers known
    (case-folded → key)."""
    import python_calamine

    from .reports.payments import PAYMENT_HEADERS

    by_header = {header.casefold(): key for key, (header, _) in PAYMENT_HEADERS.items()} | (also or {})
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    names = sorted(workbook.sheet_names, key=lambda name: name != PAYMENTS_SHEET)
    for name in names:
        sheet = workbook.get_sheet_by_name(name)
        rows = sheet.to_python()
        first_row, first_col = sheet.start or (0, 0)
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            header = [by_header.get(" ".join(str(v).split()).casefold()) for v in row]
            if set(required) <= set(header):
                return name, header, rows[index + 1:], first_row + index + 2, first_col
    return None


def read_sheets(roots: list[Path]) -> list[DeliveredSheet]:
    """The delivered sheets under ``roots`` (a dry run's left out: it was never delivered)."""
    return [s for s in (read_sheet(p) for p in sheet_paths(roots)) if not s.dry_run]


@dataclass
class Comparison:
    """What the delivered sheets say that the ledger does not."""

    unrecorded: dict[str, list[tuple[DeliveredSheet, SheetRow]]]  # ID → where it is, earliest first
    missing: list[tuple[dict, DeliveredSheet]]  # an issued payment, and its sheet that no longer lists it
    unreadable: list[DeliveredSheet]

    @property
    def agree(self) -> bool:
        return not (self.unrecorded or self.missing or self.unreadable)


def compare(sheets: list[DeliveredSheet], records: list[dict]) -> Comparison:
    """The delivered ``sheets`` against the ledger's payment ``records`` (Ledger.payment_records).

    An ID on a sheet is unrecorded when the ledger has no row for it, or only voided ones all issued
    before that sheet's run (a later sheet listing it again was a re-payment the ledger lost). A
    payment issued on a sheet that is here and readable but no longer lists it is missing.
    """
    by_id: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_id[record["payment_id"]].append(record)
    readable = [s for s in sheets if not s.error]
    where: dict[str, list[tuple[DeliveredSheet, SheetRow]]] = defaultdict(list)
    for sheet in sorted(readable, key=_in_run_order):
        for row in sheet.rows:
            where[row.payment_id].append((sheet, row))
    unrecorded = {}
    for payment, places in where.items():
        known = by_id.get(payment, [])
        if any(r["status"] in (ISSUED, PENDING) for r in known):
            continue
        if known:  # voided only: it stays voided, unless a later run's sheet paid it again
            last = max((date.fromisoformat(r["issued_on"]) for r in known if r["issued_on"]), default=date.min)
            places = [(s, r) for s, r in places if s.as_of > last]
        if places:
            unrecorded[payment] = places
    by_sheet = {s.key: s for s in readable}
    missing = [(r, by_sheet[_key(r["sheet"])]) for r in records
               if r["status"] == ISSUED and r["sheet"] and _key(r["sheet"]) in by_sheet
               and r["payment_id"] not in by_sheet[_key(r["sheet"])].ids]
    return Comparison(unrecorded, missing, [s for s in sheets if s.error])


# -- the weekly run -----------------------------------------------------------------------------


def default_out_root(inbox: Path) -> Path:
    return Path(inbox).resolve().parent / DEFAULT_OUT_DIRNAME


def _is_new(path: Path) -> str | None:
    """'missing' or 'empty' when the ledger file holds nothing yet, else None."""
    if not path.exists():
        return "missing"
    if path.is_file() and path.stat().st_size == 0:
        return "empty"
    return None


def _new_ledger_error(state_dir: Path, out_root: Path, sheets: list[DeliveredSheet], state: str,
                      restorable: bool = True) -> UsageError:
    """The Error: line of a run refused a new ledger beside the delivered ``sheets`` (found under ``out_root``).
    ``restorable``: every run reads them there, so a backup put back learns what they paid; the folders
    beside an ``--out`` elsewhere are read only through the ledger, and a backup does not know the newest."""
    latest = max(s.as_of for s in sheets)
    payments = sum(len(s.rows) + s.unidentified for s in sheets)
    default_root = Path(state_dir).resolve().parent / DEFAULT_OUT_DIRNAME
    source = "" if default_root == Path(out_root).resolve() else f" --from {as_typed(out_root)}"
    rebuild = f"`coaching-batch ledger rebuild --state {as_typed(state_dir)}{source}`"
    found = f"found {len(sheets)} delivered payment sheet{'s' if len(sheets) != 1 else ''} under {out_root} " \
            f"({payments} payment{'s' if payments != 1 else ''}, the latest run as of {latest}) but the ledger " \
            f"{ledger_path(state_dir)} is {state}: a run now could pay those stipends again. " \
            "If the ledger is in another folder (a mistyped --state), give that folder with --state. Else: "
    if gone := [s for s in sheets if s.unidentified]:  # rebuild cannot read them as they are
        found += (f"the Payment ID column of {', '.join(str(s.path) for s in gone[:3])}{' …' if len(gone) > 3 else ''} "
                  f"is gone ({sum(s.unidentified for s in gone)} payments listed without their IDs): {IDS_GONE_FIX}; then ")
    backups = list_backups(state_dir)
    if backups and restorable:  # a copy of the ledger itself keeps what the sheets cannot tell (voids, the findings' history)
        return UsageError(
            found + f"put back the newest of its backups with `coaching-batch ledger restore {as_typed(backups[-1])} "
            f"--state {as_typed(state_dir)}` (the next run records what the later sheets paid), or rebuild the ledger "
            f"from the sheets with {rebuild}, then run again")
    return UsageError(
        found + f"rebuild the ledger from the sheets with {rebuild} (or put back a copy with `coaching-batch ledger "
        f"restore FILE --state {as_typed(state_dir)}`), then run again")


def refuse_new_ledger(state_dir: Path, out_root: Path, out: Path | None = None, inbox: Path | None = None) -> None:
    """Before anything is written: stop a run that would start a new ledger (none, or an empty file)
    beside payment sheets already delivered under ``out_root``, or, for a run of ``inbox`` given
    ``--out`` (``out``) elsewhere, in the folders beside that one (the earlier weeks' ``--out``: a
    mistyped ``--state`` must not pay them again)."""
    state = _is_new(ledger_path(state_dir))
    if state is None:
        return
    paths, zipped = output_files([out_root])
    sheets, where = [s for s in map(read_sheet, paths) if not s.dry_run], out_root
    if not sheets and zipped:
        raise _zipped_error(zipped, f"the ledger {ledger_path(state_dir)} is {state}, and a run now could pay their "
                                    "stipends again")
    if not sheets and out is not None:
        where = Path(out).resolve().parent
        # only the weeks of this inbox that paid something: another inbox's weeks kept beside (a second
        # school with a ledger of its own), or a program that pays nothing, hold nothing to pay twice
        sheets = [s for s in map(read_sheet, _sheets_beside(where))
                  if not s.dry_run and (s.rows or s.error) and _of_inbox(s, inbox)]
    if sheets:
        raise _new_ledger_error(state_dir, where, sheets, state, restorable=where == out_root)


def _of_inbox(sheet: DeliveredSheet, inbox: Path | None) -> bool:
    """Whether a delivered sheet was written by a run of ``inbox`` (so its run.json says; a sheet
    without one is taken to be)."""
    written_for = sheet.run.get("inbox")
    if inbox is None or not written_for:
        return True
    return Path(written_for).resolve() == Path(inbox).resolve()


def _sheets_beside(folder: Path) -> list[Path]:
    """The payment sheets in the folders directly inside ``folder``: one level only, however large
    the folder an ``--out`` was made in (a home folder is listed, never walked)."""
    try:
        children = sorted(child for child in folder.iterdir() if not child.name.startswith("."))
    except OSError:
        return []
    return [sheet for sheet in (sheet_among(child, SHEET_NAMES) for child in children) if sheet]  # not listed: a few names looked up


def refuse_unchecked_sheets(state_dir: Path, out_root: Path, folders: list[Path]) -> None:
    """Before anything is written: stop a run when a delivered payment sheet under ``out_root`` (or
    the ledger's output ``folders``) cannot be read and the ledger knows no run of its folder (it was
    restored from a copy older than that sheet): its stipends would be paid again unseen. A sheet of
    a run the ledger knows holds nothing the ledger lacks, and is only reported (check_delivered)."""
    known = {_key(folder) for folder in folders}
    paths = [p for p in sheet_paths([out_root, *folders]) if _key(p.parent) not in known]
    unreadable = [s for s in map(read_sheet, paths) if s.error and not s.dry_run]
    if not unreadable:
        return
    named = "; ".join(f"{s.path} ({s.error})" for s in unreadable[:3]) + (" …" if len(unreadable) > 3 else "")
    one = len(unreadable) == 1
    backup = _backup_knowing(state_dir, {_key(s.path.parent) for s in unreadable})
    restore = (f", or put back the ledger's backup that records {'that run' if one else 'those runs'} with "
               f"`coaching-batch ledger restore {as_typed(backup)} --state {as_typed(state_dir)}`" if backup else "")
    raise UsageError(
        f"cannot read the delivered payment sheet{'' if one else 's'} {named}, and the ledger {ledger_path(state_dir)} "
        f"has no record of the run{'' if one else 's'} that wrote {'it' if one else 'them'} (restored from an older "
        f"copy?): a run now could pay {'its' if one else 'their'} stipends again, so nothing was paid. Put the "
        f"delivered copy of {'that sheet' if one else 'those sheets'} back in place (close {'it' if one else 'them'} "
        f"if open in Excel; finance has a copy){restore}, then run again")


def _backup_knowing(state_dir: Path, folders: set[str]) -> Path | None:
    """The newest backup in state/backups/ whose runs wrote into every one of ``folders``, if any."""
    for backup in reversed(list_backups(state_dir)):
        try:
            with closing(Ledger.open_read_only(backup)) as copy:
                if copy.version() >= 1 and folders <= {_key(f) for f in copy.output_folders()}:
                    return backup
        except (LedgerDamaged, OSError, sqlite3.DatabaseError):
            continue
    return None


def open_for_run(state_dir: Path, out_root: Path, as_of: date,
                 check_out: Callable[[set[str]], object] = lambda half_written: None, out: Path | None = None,
                 inbox: Path | None = None) -> Ledger:
    """The real run's ledger, with the state lock held: refused when new beside delivered sheets,
    damaged, or when the run is ``as_of`` a date before its last run's (nothing written), else copied
    to ``state/backups/`` first, then opened (and migrated).

    ``check_out``: the output folder's check (RunOptions.out_dir, and that a file can be made in it), given
    the folders a killed run may have left half written; a refusal it raises comes before the backup and
    before the ledger is made, so that refused runs never rotate the real backups out of ``state/backups/``. ``out`` and ``inbox``: the run's ``--out``, if
    given, and its inbox (see :func:`refuse_new_ledger`)."""
    path = ledger_path(state_dir)
    refuse_new_ledger(state_dir, out_root, out, inbox)
    unwritable = [p for p in (Path(state_dir), path) if p.exists() and not os.access(p, os.W_OK)]
    if unwritable:  # said plainly, before a backup is written: the ledger is not damaged
        raise UsageError(f"{unwritable[0]} is read-only: a run records what it pays in the ledger there; "
                         "nothing was paid (give the account that runs coaching-batch write access)")
    if _is_new(path) is None:
        settle_hot_journal(path)  # what a run killed while making the ledger left: undone first
        with closing(Ledger.open_read_only(path)) as ledger:
            problems = [p for p in ledger.integrity(quick=True) if p != "ok"] or list(filter(None, [ledger.not_a_ledger()]))
            if problems:
                raise LedgerDamaged(path, "; ".join(problems[:3]))
            version = ledger.version()
            if version > SCHEMA_VERSION:  # refused untouched (not even backed up)
                raise UsageError(f"the ledger {path} was written by a newer version of coaching-batch "
                                 f"(schema {version}, this one knows {SCHEMA_VERSION})")
            empty = version == 0 or ledger.run_count() == 0
            last = None if empty else ledger.last_run_as_of()
            half_written = set() if version == 0 else ledger.unfinished_folders()
            folders = [] if empty else ledger.output_folders()
            unlisted = "" if empty else unrecorded_paid_before(out_root, folders, ledger)
        if last is not None and as_of < last:  # its report would show what was first seen after its date
            raise UsageError(f"the ledger's last run was as of {last}: a run as of {as_of} cannot be recorded after "
                             f"it (its findings' history and payments are later); run as of {last} or later, or "
                             f"look back with --dry-run, which records nothing")
        if empty:
            sheets = read_sheets([out_root])
            if sheets:
                raise _new_ledger_error(state_dir, out_root, sheets, "empty")
        else:
            refuse_unchecked_sheets(state_dir, out_root, folders)
        if unlisted:
            raise UsageError(unlisted)
        check_out(half_written)
        try:
            backup_ledger(state_dir)
        except OSError as exc:
            raise UsageError(f"cannot back up the ledger to {backups_dir(state_dir)}: {exc.strerror or exc}; "
                             "nothing was paid") from None
    else:  # nothing to back up, but nothing made either (not even the ledger) for a run refused its output folder
        check_out(set())
    return Ledger.open(state_dir)


def check_delivered(result, ledger: Ledger | None, *, state_dir: Path, out_root: Path, out_dir: Path,
                    dry_run: bool = False, held: list[dict] = ()) -> dict[str, date]:
    """Before a run pays: the delivered sheets against the ledger, the state folder's file system, and
    an output folder outside ``out_root``. Adds the findings to ``result``; returns the payments the
    ledger lost (Payment ID → the as-of date of the sheet that lists it), which a real run records as
    issued and a ``dry_run`` records nothing of (settle() is given them: neither pays them again).
    ``held``: the payments the ledger holds (Ledger.reconcile, or Ledger.held_payments for a dry run),
    reported unless a sheet here lists them."""
    findings: list[Finding] = []
    problem = state_location_problem(state_dir)
    if problem:
        findings.append(finding("LEDGER-UNSAFE-LOCATION", f"{problem}; {SAFER_LAYOUT}", file=str(state_dir)))
    out_root, out_dir = Path(out_root).resolve(), Path(out_dir).resolve()
    if not dry_run and out_dir != out_root and out_root not in out_dir.parents:  # a dry run's sheet is never delivered
        findings.append(finding(
            "PAYMENT-SHEET-ELSEWHERE",
            f"The outputs go to {out_dir}, outside {out_root}: while the ledger remembers this run its payment sheet "
            f"is checked like the others, but if the ledger is ever lost or restored from an older copy, this "
            f"sheet protects it only through `coaching-batch ledger rebuild --from {out_dir.parent}`"))

    base = Path(result.inbox).resolve().parent
    folders = ledger.output_folders() if ledger is not None else []
    sheets = read_sheets([out_root, *folders])
    comparison = compare(sheets, ledger.payment_records() if ledger is not None else [])
    pairs = result.pairs
    by_payment = ({} if not len(pairs) or "payment_id" not in pairs else
                  {p["payment_id"]: p for p in pairs.to_dict("records") if isinstance(p.get("payment_id"), str)})
    recover: dict[str, list[dict]] = defaultdict(list)
    sheet_of: dict[str, DeliveredSheet] = {}
    for payment, places in comparison.unrecorded.items():
        sheet, row = places[0]
        shown = _shown(sheet.path, base)
        pair = by_payment.get(payment)
        if pair is None:
            for s, r in places:
                findings.append(finding(
                    "PAYMENT-SHEET-UNKNOWN-ID",
                    f"The delivered payment sheet {_shown(s.path, base)} lists Payment ID {payment} (row {r.row}), which "
                    "matches no pair of the inbox and no payment in the ledger: it is not recorded, and nothing is "
                    "paid for it", file=_shown(s.path, base), sheet=s.sheet_name, cell=r.cell))
            continue
        values = {**row.values, "program": row.values.get("program") or pair.get("program") or sheet.run.get("program"),
                  "coach_id": row.values.get("coach_id") or pair.get("coach_id"),
                  "candidate_id": row.values.get("candidate_id") or pair.get("candidate_id")}
        recover[sheet.key].append(values)
        sheet_of[sheet.key] = sheet
        also = [f"{_shown(s.path, base)} (as of {s.as_of})" for s, _ in places[1:]]
        findings.append(finding(
            "PAYMENT-RECOVERED",
            f"Payment {payment} is on the delivered payment sheet {shown} of the run as of {sheet.as_of}, but the "
            f"ledger had no record of it (lost, replaced or restored from an older copy?): "
            + (f"a real run records it as issued on {sheet.as_of}, and it is not paid again" if dry_run else
               f"it is now recorded as issued on {sheet.as_of} and is not paid again")
            + (f"; it is also on {', '.join(also)}: check with finance whether it was paid more than once" if also else ""),
            file=shown, sheet=sheet.sheet_name, cell=row.cell, candidate_id=pair.get("candidate_id"),
            coach_id=pair.get("coach_id"), program=pair.get("program")))
    for key, payments in recover.items():
        if not dry_run:  # a dry run records nothing
            sheet = sheet_of[key]
            ledger.record_delivered(sheet.path, sheet.as_of, sheet.run.get("program") or result.policy.name, payments,
                                    "recovered")
    for record, sheet in comparison.missing:
        shown = _shown(sheet.path, base)
        findings.append(finding(
            "PAYMENT-SHEET-ROW-MISSING",
            f"Payment {record['payment_id']} was issued by the run as of {record['issued_on']} on {shown}, but that "
            "sheet no longer lists it (a row removed by hand?): it is not paid again",
            file=shown, sheet=sheet.sheet_name, candidate_id=record["candidate_id"], coach_id=record["coach_id"],
            program=record["program"]))
    listed = {payment for sheet in sheets for payment in sheet.ids}
    for payment in held:
        if payment["payment_id"] in listed:
            continue  # its sheet was moved, not taken: it is here
        folder = _shown(Path(payment["sheet"]).parent, base)
        findings.append(finding(
            "PAYMENT-DELIVERY-UNCERTAIN",
            f"Payment {payment['payment_id']} (${payment['amount'] or 0:,.2f}) was on the payment sheet of the run as of "
            f"{payment['issued_on']}, which was stopped while putting that sheet in {folder}; the sheet is not there or "
            "in any other output folder (taken by finance, moved or deleted?), so it may have been delivered: "
            + ("a real run records the payment as issued" if dry_run else "the payment is recorded as issued")
            + " and it is not paid again. If finance never received that sheet, void the payment (`coaching-batch "
            f"ledger void {payment['payment_id']} --reason \"sheet never delivered\"`) and the next run pays it",
            file=folder, candidate_id=payment["candidate_id"], coach_id=payment["coach_id"], program=payment["program"]))
    for sheet in comparison.unreadable:
        findings.append(finding(
            "PAYMENT-SHEET-UNREADABLE",
            f"The payment sheet {_shown(sheet.path, base)} cannot be read ({sheet.error}): its payments could not be "
            "checked against the ledger", file=_shown(sheet.path, base)))
    _certificates_delivered(result, [out_root, *folders])
    if findings:
        result.findings.extend(findings)
        result.findings.sort(key=sort_key)
    return {payment["payment_id"]: sheet_of[key].as_of for key, payments in recover.items() for payment in payments}


_CERTIFICATE_FILE = re.compile(r"(CERT-[0-9A-F]{12})\.pdf$")


def delivered_certificates(roots: list[Path]) -> dict[str, date]:
    """Certificate ID → the as-of date of the earliest real run whose ``certificates/`` folder holds
    its PDF (the folders beside the delivered payment sheets under ``roots``; a dry run's left out)."""
    found: dict[str, date] = {}
    for sheet in (DeliveredSheet(path) for path in sheet_paths(roots)):
        folder = sheet.path.parent / "certificates"
        if sheet.dry_run or not folder.is_dir():
            continue
        for pdf in folder.glob("*.pdf"):
            if match := _CERTIFICATE_FILE.search(pdf.name):
                found[match[1]] = min(found.get(match[1], sheet.as_of), sheet.as_of)
    return found


def holds_dry_run(folder: Path) -> bool:
    """The outputs in ``folder`` are a dry run's (its run.json says so): nothing there was delivered."""
    return DeliveredSheet(Path(folder) / SHEET_NAME).dry_run


def delivered_in(folder: Path) -> str:
    """What a real run delivered in ``folder`` (stipends on its payment sheet, certificates), in words;
    '' when nothing (no outputs, a dry run's, or a run that paid and certified nothing)."""
    sheet = DeliveredSheet(Path(folder) / SHEET_NAME)
    if not sheet.path.is_file() or sheet.dry_run:
        return ""
    paid = len(read_sheet(sheet.path).ids)
    certified = len(delivered_certificates([Path(folder)]))
    parts = [f"{n} {what}{'s' if n != 1 else ''} {done}" for n, what, done in
             ((paid, "stipend", "paid"), (certified, "certificate", "issued")) if n]
    return " and ".join(parts)


def _certificates_delivered(result, roots: list[Path]) -> None:
    """A certificate whose PDF an earlier run delivered keeps that run's date even when the ledger lost
    it: it is not issued again (settle() adds what the ledger itself knows)."""
    certificates = result.certificates
    if not len(certificates) or "certificate_id" not in certificates:
        return
    import pandas as pd

    delivered = delivered_certificates(roots)
    if delivered:
        found = pd.to_datetime(certificates["certificate_id"].map(delivered))
        certificates["issued_on"] = pd.to_datetime(certificates["issued_on"]).fillna(found)


def _shown(path: Path, base: Path | None = None) -> str:
    """A path as people see it: relative to ``base`` (the inbox's parent, else the current folder)."""
    path = Path(path).resolve()
    for folder in (base, Path.cwd()):
        if folder is None:
            continue
        try:
            return path.relative_to(Path(folder).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def stderr_warnings(result) -> list[str]:
    """The warnings a run also prints on stderr: a state folder on a network or sync file system."""
    return [f"Warning: {f.message}" for f in result.findings if f.rule == "LEDGER-UNSAFE-LOCATION"]


# -- ledger rebuild / verify / restore ----------------------------------------------------------


def default_sources(state_dir: Path) -> list[Path]:
    return [Path(state_dir).resolve().parent / DEFAULT_OUT_DIRNAME]


def ledger_sources(state_dir: Path, given: Iterable[Path]) -> list[Path]:
    """The folders `ledger rebuild` and `ledger verify` read: out/ beside the state folder, always, as every run
    does, and each ``--from`` folder given besides (given alone, the moved week named with it, out/'s sheets
    were left out: a rebuild recorded none of their payments and skipped the check of what they had paid before)."""
    return [*default_sources(state_dir), *given]


def rebuild(state_dir: Path, sources: list[Path], record_unlisted: bool = False) -> list[str]:
    """Create the ledger from the delivered payment sheets under ``sources``; the lines to print.

    Only a missing, empty or damaged ledger is rebuilt (a damaged one is moved to state/backups/ first);
    the caller holds the state lock. Nothing is written when a sheet cannot be read or none is found,
    nor when the newest run.json lists payments as paid before it that no sheet holds, unless
    ``record_unlisted`` (finance has no copy of their sheet): they are then recorded as issued too.
    A Payment ID on two sheets was voided by finance and paid again by the later run: the later
    payment is recorded as the one in force, the earlier as voided (as ``ledger void`` left it).
    """
    from .reports.atomic import temp_path_for

    state_dir = Path(state_dir)
    path = ledger_path(state_dir)
    remove_left_behind_ledgers(state_dir)  # a killed rebuild's or restore's temporary ledger
    damaged = ""
    if _is_new(path) is None:
        settle_hot_journal(path)  # a command killed mid-transaction left it: undone, not taken for damage
        try:
            with closing(Ledger.open_read_only(path)) as existing:
                problems = [p for p in existing.integrity() if p != "ok"] or list(filter(None, [existing.not_a_ledger()]))
                runs = existing.run_count() if not problems else 0
        except LedgerDamaged as exc:
            problems, runs = [exc.detail], 0
        if problems:
            damaged = "; ".join(problems[:3])
        elif runs:
            raise UsageError(f"the ledger {path} exists and holds {runs} run{'s' if runs != 1 else ''}: `ledger rebuild` "
                             "only creates a missing, empty or damaged ledger (check it with `coaching-batch ledger "
                             "verify`; move it aside first if you really mean to replace it)")
    paths, zipped = output_files(sources)
    if zipped:
        raise _zipped_error(zipped, "nothing was rebuilt, since their payments would be left out of the ledger and "
                                    "paid again")
    all_sheets = [read_sheet(p) for p in paths]
    dry = [s for s in all_sheets if s.dry_run]
    sheets = [s for s in all_sheets if not s.dry_run]
    bad = [s for s in sheets if s.error]
    if bad:
        fix = (IDS_GONE_FIX if all(s.unidentified for s in bad) else
               "repair it, or move it out of the folder if it is not a payment sheet" if not any(s.unidentified for s in bad)
               else f"repair each; of one whose Payment ID column is gone, {IDS_GONE_FIX}")
        raise UsageError("cannot read the payment sheet " + "; ".join(f"{s.path} ({s.error})" for s in bad)
                         + f": nothing was rebuilt ({fix})")
    if not sheets:
        raise UsageError(f"no delivered payment sheet (payments.xlsx) in {', '.join(str(s) for s in sources)} "
                         "or any folder inside: nothing to rebuild from (give the folders of the outputs with --from DIR)")

    unlisted: dict[date, list[dict]] = {}  # the date of the run that paid them → payments on no sheet
    if found := paid_off_the_sheets(sheets):
        newest, missing = found
        if not record_unlisted:
            raise UsageError(f"{_unlisted_text(newest, missing)}: a ledger rebuilt without them would pay them again, "
                             "so nothing was rebuilt. Give the folders holding those weeks' payment sheets with --from "
                             "DIR (or, gone, put finance's copy back in its week's folder), then run the command again. "
                             f"{record_unlisted_last_resort(state_dir, sources)}")
        unlisted = _unlisted_payments(newest, missing)
    lines = []
    if damaged:
        aside = backups_dir(state_dir) / f"damaged-{datetime.now():%Y%m%d-%H%M%S}.sqlite"
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, aside)
        for suffix in ("-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                os.replace(f"{path}{suffix}", f"{aside}{suffix}")
        lines.append(f"The damaged ledger ({damaged}) was moved to {aside}")
    elif path.exists():
        path.unlink()  # empty: nothing in it
    temp = temp_path_for(path)
    recorded: list[tuple[DeliveredSheet, SheetRow]] = []
    in_force: dict[str, tuple[DeliveredSheet, SheetRow]] = {}  # Payment ID → the latest sheet's payment
    twice: list[str] = []
    try:
        with Ledger.open_path(temp) as ledger:
            days = sorted(unlisted)
            for sheet in sorted(sheets, key=_in_run_order):
                while days and days[0] <= sheet.as_of:  # in the order the runs were made
                    _record_unlisted(ledger, days.pop(0), unlisted)
                rows = []
                for row in sheet.rows:
                    earlier, paid = in_force.get(row.payment_id, (None, None))
                    if earlier is sheet:
                        twice.append(f"  {row.payment_id} is listed twice on {sheet.path}: recorded once")
                        continue
                    if earlier is not None:  # only finance's void pays a stipend again: the later payment is in force
                        ledger.void(row.payment_id, f"paid again by the run as of {sheet.as_of} (ledger rebuild: the "
                                    "void's own date and reason are not on the payment sheets)", sheet.as_of)
                        twice.append(f"  {row.payment_id} is on {earlier.path} (as of {earlier.as_of}, "
                                     f"${_money(paid.values.get('amount')):,.2f}) and again on {sheet.path} (as of "
                                     f"{sheet.as_of}, ${_money(row.values.get('amount')):,.2f}): a stipend is paid again only "
                                     "once finance voided it, so the later payment is recorded as the one in force and the "
                                     "earlier one as voided; check with finance that it was voided")
                    in_force[row.payment_id] = (sheet, row)
                    rows.append(row.values)
                    recorded.append((sheet, row))
                ledger.record_delivered(sheet.path, sheet.as_of, sheet.run.get("program") or "", rows, "rebuilt")
            for day in days:
                _record_unlisted(ledger, day, unlisted)
        os.replace(temp, path)
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)
    lines.append(f"Ledger {path} rebuilt from {len(sheets)} delivered payment sheet{'s' if len(sheets) != 1 else ''}:")
    for sheet in sorted(sheets, key=_in_run_order):
        lines.append(f"  {sheet.path}  as of {sheet.as_of}  {len(sheet.rows)} payment{'s' if len(sheet.rows) != 1 else ''}"
                     + (f" (its Payment ID column is gone: each one's ID taken from its {RUN_JSON}, which lists the "
                        "same payments)" if sheet.ids_from_run else ""))
    for sheet in dry:
        lines.append(f"  {sheet.path}  dry run: never delivered, not read")
    lines += twice
    total = sum(_money(row.values.get("amount")) for _, row in in_force.values())
    voided = len(recorded) - len(in_force)
    lines.append(f"{len(in_force)} payment{'s' if len(in_force) != 1 else ''} recorded as issued (${total:,.2f}), each on its "
                 "run's as-of date" + (f", and {voided} paid again later recorded as voided" if voided else "") + ". "
                 "Voids cannot be known from the sheets" + (" otherwise" if voided else "") + ": if finance voided any of "
                 "these, void it again with `coaching-batch ledger void PAYMENT_ID --reason TEXT` and the next run pays it "
                 "if still payable.")
    for sheet, row in recorded:
        v = row.values
        status = "(void unknown)" if in_force[row.payment_id][1] is row else f"voided: paid again as of {in_force[row.payment_id][0].as_of}"
        lines.append(f"  {row.payment_id}  issued {sheet.as_of}  coach {v.get('coach_id') or ''}  candidate "
                     f"{v.get('candidate_id') or ''}  ${_money(v.get('amount')):,.2f}  {status}")
    lines += _unlisted_lines(unlisted, state_dir)
    lines.append("The findings' history (New / Open / Resolved) starts again with the next run.")
    return lines


def record_unlisted_last_resort(state_dir: Path, sources: list[Path], aside: Path | None = None) -> str:
    """The last resort for payments a run.json lists as paid that are on no sheet read, when finance has no
    copy of their sheet: the `ledger rebuild --record-unlisted` command reading ``sources`` (after moving
    the ledger ``aside``: rebuild only creates a missing one)."""
    state_dir = Path(state_dir)
    read = [Path(s).resolve() for s in [*default_sources(state_dir), *sources]]
    froms = "".join(f" --from {as_typed(source)}" for i, source in enumerate(read) if i >= 1 and not any(
        other == source or other in source.parents for other in read[:i]))
    move = f"move the ledger {aside} out of {as_typed(state_dir)}, then " if aside is not None else ""
    return (f"Only if finance has no copy of those sheets either: {move}`coaching-batch ledger rebuild --state "
            f"{as_typed(state_dir)}{froms} {RECORD_UNLISTED}` records those payments as issued, each named; void any that "
            f"finance never paid with `coaching-batch ledger void PAYMENT_ID --reason TEXT` and the next run pays it once"
            + (" (the voids this ledger holds are not kept: void again any finance voided)" if aside is not None else ""))


def _unlisted_payments(newest: DeliveredSheet, missing: dict[str, str]) -> dict[date, list[dict]]:
    """The payments ``missing`` from every sheet that ``newest``'s run.json lists as paid before it, as
    ``ledger rebuild --record-unlisted`` records them: by the date of the run that paid each (unknown: the
    newest run's own), with the program, people and hours of its pair in that run.json, else blank (like a
    sheet whose columns were deleted); no run.json has the amount of a payment on no sheet."""
    pairs = newest.run_value("pairs")
    of_payment = {}
    for pair in pairs if isinstance(pairs, list) else []:
        if isinstance(pair, dict) and isinstance(pair.get("payment_id"), str):
            of_payment.setdefault(pair["payment_id"], pair)
    by_day: dict[date, list[dict]] = defaultdict(list)
    for payment, paid_on in missing.items():
        pair = of_payment.get(payment, {})
        known = {key: pair[key] for key in UNLISTED_FROM_PAIR if isinstance(pair.get(key), (str, int, float))}
        try:
            day = date.fromisoformat(paid_on)
        except ValueError:
            day = newest.as_of
        by_day[day].append(known | {"payment_id": payment})
    return dict(by_day)


def _record_unlisted(ledger: Ledger, day: date, unlisted: dict[date, list[dict]]) -> None:
    """The payments on no sheet paid by the run as of ``day``, recorded as a rebuilt run of no folder."""
    payments = unlisted[day]
    program = next((p["program"] for p in payments if isinstance(p.get("program"), str)), "")
    ledger.record_delivered(None, day, program, payments, "rebuilt")


def _unlisted_lines(unlisted: dict[date, list[dict]], state_dir: Path) -> list[str]:
    """What ``ledger rebuild --record-unlisted`` says of the payments on no sheet it recorded: each one, and
    how to void one that finance never paid."""
    payments = [(day, p) for day, listed in sorted(unlisted.items()) for p in listed]
    if not payments:
        return []
    lines = [f"{len(payments)} payment{'s' if len(payments) != 1 else ''} on no payment sheet read, which a "
             f"{RUN_JSON} lists as paid, recorded as issued ({RECORD_UNLISTED}) on the date of the run that paid "
             f"{'each' if len(payments) != 1 else 'it'}, amount unknown:"]
    for day, p in payments:
        lines.append(f"  {p['payment_id']}  issued {day}  coach {p.get('coach_id') or ''}  candidate "
                     f"{p.get('candidate_id') or ''}  $?  on no payment sheet: recorded from {RUN_JSON}")
    example = payments[0][1]["payment_id"]
    lines.append(f"If finance never paid {'one of these' if len(payments) != 1 else 'it'} (its sheet never reached "
                 f"them), void it with `coaching-batch ledger void {example} --reason \"sheet never delivered\" --state "
                 f"{as_typed(state_dir)}` and the next run pays it, once; a payment left issued is never paid again.")
    return lines


def paid_off_the_sheets(sheets: list[DeliveredSheet]) -> tuple[DeliveredSheet, dict[str, str]] | None:
    """(the newest of the readable ``sheets`` whose run.json says what the ledger had paid before that run,
    those payments that none of the sheets lists → the date of the run that paid each), when there are
    any: the sheets of earlier weeks moved away or deleted, or rows deleted from them. None when none is
    missing, or no run.json says (written by an older version)."""
    readable = [s for s in sheets if not s.error]
    listed = {payment for sheet in readable for payment in sheet.ids}
    for sheet in sorted(readable, key=_in_run_order, reverse=True):
        paid = sheet.run_value("paid_before")
        if not isinstance(paid, list):
            continue
        missing = {payment: paid_on for payment, paid_on in map(_paid_entry, paid) if payment and payment not in listed}
        return (sheet, missing) if missing else None
    return None


def _paid_entry(entry) -> tuple[str, str]:
    """(the Payment ID, the date of the run that paid it) of one ``paid_before`` entry of a run.json; a
    hand-edited one may hold anything: an ID that is not text is none ("", left out), a date that is not
    text is unknown ("?")."""
    if not isinstance(entry, dict) or not isinstance(entry.get("payment_id"), str):
        return "", "?"
    paid_on = entry.get("paid_on")
    return entry["payment_id"], paid_on if isinstance(paid_on, str) and paid_on else "?"


def unrecorded_paid_before(out_root: Path, folders: list[Path], ledger: Ledger) -> str:
    """Why a run must not pay, or '': the newest delivered sheet is of a run the ledger has no record of (restored
    from an older copy), and its run.json lists payments issued before it that neither the ledger nor any sheet
    read holds (those weeks' folders moved away meanwhile), so they would be paid again. Only that newest
    run.json is read, and the sheets only then: a ledger that knows the newest run is not looked at further."""
    known = {_key(folder) for folder in folders}
    newest = max((DeliveredSheet(p) for p in sheet_paths([out_root, *folders])), key=_in_run_order, default=None)
    if newest is None or _key(newest.path.parent) in known or newest.dry_run:
        return ""
    paid = newest.run_value("paid_before")
    if not isinstance(paid, list):  # no run.json, or an older version's
        return ""
    recorded = {record["payment_id"] for record in ledger.payment_records()}
    unknown = {payment: paid_on for payment, paid_on in map(_paid_entry, paid) if payment and payment not in recorded}
    if not unknown:
        return ""
    listed = {payment for sheet in read_sheets([out_root, *folders]) for payment in sheet.ids}
    missing = {payment: paid_on for payment, paid_on in unknown.items() if payment not in listed}
    if not missing:
        return ""
    return (f"{_unlisted_text(newest, missing)}, and the ledger {ledger.path} has no record of "
            f"{'them' if len(missing) != 1 else 'it'} (restored from an older copy?): a run now would pay "
            f"{'them' if len(missing) != 1 else 'it'} again, so nothing was paid. Put those weeks' folders back under "
            f"{out_root} (or finance's copy of their sheets, each in its week's folder), then run again. "
            + record_unlisted_last_resort(ledger.path.parent, [out_root, *folders], aside=ledger.path))


def _unlisted_text(newest: DeliveredSheet, missing: dict[str, str]) -> str:
    shown = ", ".join(f"{payment} (paid by the run of {paid_on})" for payment, paid_on in list(missing.items())[:5])
    dates = sorted(set(missing.values()))
    return (f"{len(missing)} payment{'s' if len(missing) != 1 else ''} issued before the run as of {newest.as_of} (so its "
            f"{RUN_JSON} says) {'are' if len(missing) != 1 else 'is'} on no payment sheet read: {shown}"
            f"{' …' if len(missing) > 5 else ''}; the sheets of the runs as of {', '.join(dates)} were moved away or "
            "deleted, or those rows deleted from them")


def _money(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


VERIFY_NOT_DONE = "it could not be checked against the delivered payment sheets"  # verify pays nothing, ever


def _no_ledger_fix(state_dir: Path, sources: list[Path]) -> list[str]:
    """What `ledger verify` says to do about a missing or empty ledger beside delivered payment sheets (the
    next run stops until then): rebuild it from them, or put back a copy. Nothing when there are none."""
    sheets = [s for s in map(read_sheet, output_files(sources)[0]) if not s.dry_run]
    if not sheets:
        return []
    payments = sum(len(s.rows) + s.unidentified for s in sheets)
    default = default_sources(state_dir)
    froms = "".join(f" --from {as_typed(source)}" for source in sources if Path(source).resolve() not in default)
    backups = list_backups(state_dir)
    copy = as_typed(backups[-1]) if backups else "FILE"
    return [f"    {len(sheets)} delivered payment {'sheets list' if len(sheets) != 1 else 'sheet lists'} {payments} "
            f"payment{'s' if payments != 1 else ''}, and the next run stops until the ledger is back: rebuild it from "
            f"them with `coaching-batch ledger rebuild --state {as_typed(state_dir)}{froms}`, or put back a copy with "
            f"`coaching-batch ledger restore {copy} --state {as_typed(state_dir)}`"]


def verify(state_dir: Path, sources: list[Path], run_in_progress: bool) -> tuple[list[str], bool]:
    """Check the ledger: integrity, schema version, pending payments, the delivered sheets. Returns the
    lines to print and whether everything agrees."""
    path = ledger_path(state_dir)
    lines = [f"Ledger {path}"]
    problems = 0
    if state := _is_new(path):
        return lines + [f"  ! no ledger: the file is {state}", *_no_ledger_fix(state_dir, sources)], False
    try:
        with closing(Ledger.open_read_only(path)) as ledger:
            integrity = ledger.integrity()
            if integrity != ["ok"]:
                lines += ["  ! integrity check failed:", *(f"      {p}" for p in integrity[:10])]
                lines.append(f"    {damaged_message(path, 'integrity check failed', VERIFY_NOT_DONE)}")
                return lines, False
            lines.append("  integrity check: ok")
            foreign = ledger.not_a_ledger()
            if foreign:
                return lines + [f"  ! {foreign}", f"    {damaged_message(path, 'not a coaching-batch ledger', VERIFY_NOT_DONE)}"], False
            version = ledger.version()
            if version > SCHEMA_VERSION:
                lines.append(f"  ! schema version {version}: written by a newer coaching-batch (this one knows {SCHEMA_VERSION})")
                return lines, False
            note = "" if version == SCHEMA_VERSION else " (older: the next real run upgrades it)"
            lines.append(f"  schema version: {version}{note}")
            if version < 1:
                lines.append("  ! the ledger holds no tables yet")
                return lines, False
            runs = ledger.runs()
            records = ledger.payment_records()
            folders = ledger.output_folders()
            held = {p["payment_id"] for p in ledger.held_payments()}
            pending_runs = {r["run_id"]: r for r in runs.to_dict("records") if r["status"] == "writing"}
    except LedgerDamaged as exc:
        return lines + [f"  ! {exc.saying(VERIFY_NOT_DONE)}"], False
    last = runs.iloc[-1] if len(runs) else None
    status = last["status"] if last is None or last["status"] != "writing" or run_in_progress else "interrupted"
    lines.append(f"  runs: {len(runs)}" + (f", the last as of {last['as_of']} ({status})" if last is not None else ""))
    issued = [r for r in records if r["status"] == ISSUED]
    voided = [r for r in records if r["status"] == VOIDED]
    pending = [r for r in records if r["status"] == PENDING]
    lines.append(f"  payments: {len(issued)} issued (${sum(r['amount'] or 0 for r in issued):,.2f}), {len(voided)} voided, "
                 f"{len(pending)} pending")
    for record in pending:
        run = pending_runs.get(record["run_id"])
        sheet_lists = record["payment_id"] in (read_sheet(Path(record["sheet"])).ids if Path(record["sheet"]).is_file() else set())
        if run_in_progress:
            why = "being written by the run in progress now"
        elif sheet_lists:
            why = "its run stopped after delivering the payment sheet, which lists it: the next run records it as issued"
        elif record["payment_id"] in held:
            why = ("its run stopped while putting its payment sheet in place, and that sheet is not there (taken by "
                   "finance, moved or deleted?): the next run records it as issued, never pays it again and reports "
                   "it; void it then if finance never received the sheet")
        else:
            why = "its run stopped before delivering a payment sheet listing it: the next run drops it and pays it if still payable"
            if run is None:
                why = "its run is not unfinished (this should not happen): the next run leaves it as it is"
        lines.append(f"  {'  ' if run_in_progress else '! '}pending {record['payment_id']} (run {record['run_id']}, "
                     f"as of {record['issued_on']}): {why}")
        problems += 0 if run_in_progress else 1
    paths, zipped = output_files([*sources, *folders])
    sheets = [read_sheet(p) for p in paths]
    dry = [s for s in sheets if s.dry_run]
    sheets = [s for s in sheets if not s.dry_run]
    comparison = compare(sheets, records)
    lines.append(f"  delivered payment sheets checked: {len(sheets)}" + (f" (and {len(dry)} of dry runs, not read)" if dry else ""))
    unrecorded_on: dict[str, list[str]] = defaultdict(list)
    for payment, places in comparison.unrecorded.items():
        for sheet, row in places:
            unrecorded_on[sheet.key].append(f"{payment} (row {row.row})")
    missing_on: dict[str, list[str]] = defaultdict(list)
    for record, sheet in comparison.missing:
        missing_on[sheet.key].append(record["payment_id"])
    for sheet in sorted(sheets, key=_in_run_order):
        head = f"    {sheet.path} (as of {sheet.as_of}): "
        if sheet.error:
            lines.append(f"  ! {sheet.path}: cannot be read ({sheet.error})")
            continue
        if not unrecorded_on[sheet.key] and not missing_on[sheet.key]:
            lines.append(head + f"{len(sheet.rows)} payment{'s' if len(sheet.rows) != 1 else ''}, all in the ledger")
            continue
        if unrecorded_on[sheet.key]:
            lines.append(f"  ! {sheet.path} (as of {sheet.as_of}) lists what the ledger has no record of: "
                         + ", ".join(unrecorded_on[sheet.key]))
        if missing_on[sheet.key]:
            lines.append(f"  ! {sheet.path} (as of {sheet.as_of}) no longer lists what the ledger issued on it: "
                         + ", ".join(missing_on[sheet.key]))
    problems += len(comparison.unrecorded) + len(comparison.missing) + len(comparison.unreadable)
    known_sheets = {s.key for s in sheets} | {s.key for s in dry}
    gone = sorted({r["sheet"] for r in issued if r["sheet"] and _key(r["sheet"]) not in known_sheets})
    if gone:
        lines.append(f"  note: {len(gone)} sheet{'s' if len(gone) != 1 else ''} the ledger issued payments on "
                     f"{'are' if len(gone) != 1 else 'is'} not here (moved or deleted): " + ", ".join(gone[:5])
                     + (" …" if len(gone) > 5 else ""))
    for archive in zipped:
        lines.append(f"  note: {archive} holds payment sheets ({SHEET_NAME}) zipped away, not checked: should the "
                     "ledger be lost, unzip it where it is before `ledger rebuild`")
    problem = state_location_problem(state_dir)
    if problem:
        lines.append(f"  note: {problem}; {SAFER_LAYOUT}")
    if problems:
        lines.append(f"{problems} disagreement{'s' if problems != 1 else ''} between the ledger and the delivered "
                     "payment sheets (the next run records a payment a sheet lists and the ledger lacks, and never pays "
                     "one twice)")
    else:
        lines.append("The ledger and the delivered payment sheets agree.")
    return lines, problems == 0


def check_backup(file: Path) -> tuple[int, str]:
    """A backup fit to restore: readable, intact, a schema this version knows. Returns (schema
    version, a description of its content); raises UsageError saying what is wrong."""
    file = Path(file)
    if not file.is_file() or file.stat().st_size == 0:
        raise UsageError(f"{file} is {'empty' if file.is_file() else 'not a file'}: nothing to restore")
    try:
        with closing(Ledger.open_read_only(file)) as copy:
            integrity = copy.integrity()
            if integrity != ["ok"]:
                raise UsageError(f"{file} fails SQLite's integrity check ({'; '.join(integrity[:3])}): not restored")
            version = copy.version()
            if version > SCHEMA_VERSION:
                raise UsageError(f"{file} was written by a newer version of coaching-batch (schema {version}, this one "
                                 f"knows {SCHEMA_VERSION}): not restored")
            if version < 1:
                raise UsageError(f"{file} is not a coaching-batch ledger (no schema version): not restored")
            runs = copy.runs()
            issued = copy.db.execute("SELECT count(*) FROM payments WHERE status = 'issued'").fetchone()[0]
    except LedgerDamaged:
        raise UsageError(f"{file} is not an SQLite database (or is damaged): not restored") from None
    last = f", the last as of {runs.iloc[-1]['as_of']}" if len(runs) else ""
    return version, f"schema {version}, {len(runs)} run{'s' if len(runs) != 1 else ''}{last}, {issued} payments issued"


def restore(state_dir: Path, file: Path) -> list[str]:
    """Put the backup ``file`` in place of the state folder's ledger (the caller holds the state lock).
    The ledger it replaces is kept in state/backups/ (moved there whole when damaged)."""
    from .atomic import temp_path_for

    state_dir = Path(state_dir)
    path = ledger_path(state_dir)
    if Path(file).resolve() == path.resolve():
        raise UsageError(f"{file} is the ledger itself: give the backup to restore")
    remove_left_behind_ledgers(state_dir)  # a killed rebuild's or restore's temporary ledger
    version, content = check_backup(file)
    lines = []
    if _is_new(path) is None:
        settle_hot_journal(path)  # a command killed mid-transaction left it: undone, not taken for damage
        try:
            kept = backup_ledger(state_dir, keep=0) if _integrity_ok(path) else None
        except (UsageError, OSError):
            kept = None
        if kept is None:  # damaged: moved aside whole
            kept = backups_dir(state_dir) / f"damaged-{datetime.now():%Y%m%d-%H%M%S}.sqlite"
            kept.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, kept)
        lines.append(f"The ledger it replaces was kept as {kept}")
    temp = temp_path_for(path)
    try:
        with closing(Ledger.open_read_only(file)) as source:
            source.backup_to(temp)
        for suffix in ("-wal", "-shm"):  # the replaced ledger's journal must not be applied to the restored one
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    upgrade = "" if version == SCHEMA_VERSION else "; the next real run upgrades its schema"
    lines.insert(0, f"Ledger {path} restored from {file} ({content}){upgrade}.")
    lines.append("The next run checks it against the delivered payment sheets: a payment on them that this copy "
                 "does not know is recorded as issued, never paid again.")
    return lines


def _integrity_ok(path: Path) -> bool:
    try:
        with closing(Ledger.open_read_only(path)) as ledger:
            return ledger.integrity() == ["ok"]
    except LedgerDamaged:
        return False
