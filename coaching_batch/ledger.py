"""The ledger: an SQLite file that remembers every run, every payment issued and every finding seen.

It is what makes the weekly run safe to repeat. A stipend is paid **once, ever**: the payments
table holds each Payment ID at most once unless finance voided it (a partial unique index enforces
it). A payment is recorded in two steps around the payment sheet, so a run killed at any point
neither loses nor doubles one:

1. before the outputs are written, the run and its payments are recorded as *pending* (one
   transaction);
2. the outputs are written, each atomically (the payment sheet appears whole or not at all, and
   last); right before the payment sheet is renamed into place, the run records that it is
   delivering it (one transaction of its own);
3. the payments are marked *issued* and the run *completed*, with its findings (one transaction).

A run that finds pending payments left by a killed run reconciles them first: a payment whose
sheet was delivered (the file exists and lists its ID) is issued; one whose sheet never appeared is
dropped, and this run pays it if it is still payable. A payment of a run killed while delivering
its sheet, whose sheet is not there (taken away by finance, or deleted) and whose temporary sheet is
not left either (which would prove the rename never happened), may have been delivered: it is
*held* — recorded as issued, never paid again automatically, and reported, so that the
coordinator voids it (``ledger void``) if finance never received that sheet.

Findings are remembered by :func:`~coaching_batch.reports.exceptions.finding_key`, so next week's
run can tell New (not open last time), Open (still there, with the date first seen) and Resolved
(open last time, gone now). A finding whose row moved is recorded under its new key with its first
seen date, and its old key dropped. A finding is remembered as open from its first seen date until
the run that resolved it, so a dry run that looks back is compared with the run before its date.

Only one run may use a state folder at a time: :func:`state_lock` holds a lock file beside the
database for the whole run.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from .errors import StateLocked, UsageError, as_typed
from .findings import Finding, Severity, finding
from .model import RunResult
from .reports.exceptions import OPEN, finding_key, topic_of_key
from .reports.programs import run_programs

LEDGER_FILENAME = "ledger.sqlite"
LOCK_FILENAME = "ledger.lock"
BACKUPS_DIRNAME = "backups"  # state/backups/: the copy each real run makes first (the last KEEP_BACKUPS kept)
KEEP_BACKUPS = 12
READ_COPY_ATTEMPTS = 3  # a ledger read by copying it (a read-only folder): copies taken while a run writes it
SQLITE_IOERR, SQLITE_FULL = 10, 13
SQLITE_DISK_ERRORS = (SQLITE_IOERR, SQLITE_FULL)  # the disk, not the ledger
DISK_NEARLY_FULL_BYTES = 1024 * 1024  # less free beside the ledger: an I/O error is said to be a full disk
BACKUP_PREFIX = "ledger-"  # backups/ledger-20261120-060000-123456.sqlite (names sort by time)

PENDING, ISSUED, VOIDED = "pending", "issued", "voided"
RUN_PROGRAMS = "programs"  # the key of a run's programs in its counts (JSON)
WRITING, COMPLETED, INTERRUPTED = "writing", "completed", "interrupted"

# Each entry upgrades the schema by one version; a new version is a new entry, never an edit.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        run_id        INTEGER PRIMARY KEY,
        program       TEXT NOT NULL,
        as_of         TEXT NOT NULL,          -- YYYY-MM-DD
        inbox         TEXT NOT NULL,
        out_dir       TEXT NOT NULL,
        started_at    TEXT NOT NULL,          -- UTC, ISO 8601
        finished_at   TEXT,
        status        TEXT NOT NULL CHECK (status IN ('writing', 'completed', 'interrupted')),
        exit_status   INTEGER,
        counts        TEXT NOT NULL DEFAULT '{}'  -- JSON
    );
    CREATE TABLE run_inputs (
        run_id  INTEGER NOT NULL REFERENCES runs(run_id),
        path    TEXT NOT NULL,
        sha256  TEXT NOT NULL,
        status  TEXT NOT NULL,
        PRIMARY KEY (run_id, path)
    );
    CREATE TABLE payments (
        id                   INTEGER PRIMARY KEY,
        payment_id           TEXT NOT NULL,
        run_id               INTEGER NOT NULL REFERENCES runs(run_id),
        program              TEXT NOT NULL,
        status               TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'voided')),
        issued_on            TEXT,            -- the as-of date of the run whose sheet carried it
        coach_id             TEXT NOT NULL,
        coach_name           TEXT,
        candidate_id         TEXT NOT NULL,
        candidate_name       TEXT,
        start_date           TEXT,
        end_date             TEXT,
        coach_contact_hours  REAL,
        candidate_hours      REAL,
        amount               REAL NOT NULL,
        sheet                TEXT NOT NULL,   -- the payment sheet that carried it
        voided_on            TEXT,
        void_reason          TEXT
    );
    -- paid once, ever: a Payment ID appears again only after finance voided the earlier one
    CREATE UNIQUE INDEX payments_once ON payments(payment_id) WHERE status != 'voided';
    CREATE TABLE findings (
        program       TEXT NOT NULL,
        key           TEXT NOT NULL,
        severity      TEXT NOT NULL,
        rule          TEXT NOT NULL,
        message       TEXT NOT NULL,
        file          TEXT NOT NULL,
        sheet         TEXT NOT NULL,
        cell          TEXT NOT NULL,
        candidate_id  TEXT NOT NULL,
        coach_id      TEXT NOT NULL,
        first_seen    TEXT NOT NULL,
        last_seen     TEXT NOT NULL,
        is_open       INTEGER NOT NULL,
        resolved_on   TEXT,
        PRIMARY KEY (program, key)
    );
    """,
    # 2: the program of the pair a finding is about (blank for files, sheets and cells, and for the
    # findings recorded before runs held several programs)
    """
    ALTER TABLE findings ADD COLUMN pair_program TEXT NOT NULL DEFAULT '';
    """,
    # 3: certificates issued (once per pair, ever, like stipends) and weekly notices sent (once per
    # recipient and as-of week)
    """
    CREATE TABLE certificates (
        certificate_id  TEXT PRIMARY KEY,
        run_id          INTEGER NOT NULL REFERENCES runs(run_id),
        program         TEXT NOT NULL,
        candidate_id    TEXT NOT NULL,
        coach_id        TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'issued')),
        issued_on       TEXT NOT NULL,        -- the as-of date of the run that wrote it
        file            TEXT NOT NULL         -- the certificate's PDF
    );
    CREATE TABLE notices (
        recipient  TEXT NOT NULL,             -- the address the notice was sent to
        as_of      TEXT NOT NULL,             -- the week (the run's as-of date)
        file       TEXT NOT NULL,             -- the .eml file sent
        sent_at    TEXT NOT NULL,             -- UTC, ISO 8601
        PRIMARY KEY (recipient, as_of)
    );
    """,
    # 4: the temporary payment sheet a run was renaming into place (payments.xlsx), recorded just
    # before the rename: once that file is gone, the sheet may have been delivered
    """
    ALTER TABLE runs ADD COLUMN delivering TEXT;
    """,
    # 5: who acts on a finding and what to do, as the run that found it said: a finding resolved since
    # is listed with them (blank for those recorded before: the catalogue's are used)
    """
    ALTER TABLE findings ADD COLUMN actor TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN fix TEXT NOT NULL DEFAULT '';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def ledger_path(state_dir: Path) -> Path:
    return Path(state_dir) / LEDGER_FILENAME


@contextmanager
def state_lock(state_dir: Path, wait_seconds: float) -> Iterator[None]:
    """Hold the state folder for one run; another holder makes this wait, then raise StateLocked."""
    state_dir = Path(state_dir)
    lock = FileLock(state_dir / LOCK_FILENAME, timeout=wait_seconds)
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        waited = f" (waited {wait_seconds:g} s)" if wait_seconds else ""
        raise StateLocked(f"another run is using the ledger in {state_dir}{waited}; try again when it has finished") from None
    except OSError as exc:
        if state_dir.is_file():  # a mistyped --state naming a file: mkdir says only "File exists"
            raise UsageError(f"cannot use the state folder {state_dir}: it is a file, not a folder; choose a folder with --state") from None
        raise UsageError(f"cannot use the state folder {state_dir}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


# the files SQLite keeps beside a database (in WAL mode, or in a transaction in rollback-journal mode)
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def remove_left_behind_ledgers(state_dir: Path) -> list[Path]:
    """The temporary ledgers (``.ledger.sqlite.tmp-<pid>-<token>``, with their -wal and -shm) that a
    `ledger rebuild` or `restore` killed while writing left in the state folder, removed; nothing else
    there is touched. The caller holds the state lock: no other process is writing one."""
    from .atomic import remove_temporaries

    return remove_temporaries(Path(state_dir), [LEDGER_FILENAME], SQLITE_COMPANIONS)


FOLDER_NOT_FILE = "a folder of that name, not the ledger's file"


class LedgerDamaged(UsageError):
    """The ledger file is not a database, or fails SQLite's integrity check; ``detail`` says how. Its
    message is a run's (nothing was paid); :meth:`saying` gives another command's."""

    def __init__(self, path: Path, detail: str):
        super().__init__(damaged_message(path, detail))
        self.path = path
        self.detail = detail

    def saying(self, not_done: str) -> str:
        """The message for a command that does not pay: ``not_done`` says what it could not do."""
        return damaged_message(self.path, self.detail, not_done)


RUN_NOT_DONE = "nothing was paid"  # what a run refused for a damaged ledger did not do


def damaged_message(path: Path, detail: str, not_done: str = RUN_NOT_DONE) -> str:
    """The ledger at ``path`` damaged: what could not be done (``not_done``: a run paid nothing), and
    what to do, in commands that work when pasted from any folder (the ledger commands' own default
    is the current folder's state/), the newest backup named."""
    state = as_typed(Path(path).parent)
    backups = list_backups(Path(path).parent)
    copy = (f"its newest backup with `coaching-batch ledger restore {as_typed(backups[-1])} --state {state}` (each "
            f"run keeps one in {backups_dir(Path(path).parent)})" if backups else
            f"a good copy with `coaching-batch ledger restore FILE --state {state}`")
    return (f"the ledger {path} is damaged ({detail}); {not_done}. Put back {copy}, or rebuild it from the "
            f"delivered payment sheets with `coaching-batch ledger rebuild --state {state}`")


class Ledger:
    """An open ledger database. Use :meth:`open` (creates and migrates) or :meth:`open_existing`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, writable: bool):
        self.db = connection
        self.path = path
        self.writable = writable

    @classmethod
    def open(cls, state_dir: Path) -> Ledger:
        """Open the state folder's ledger for writing, creating it and migrating its schema."""
        path = ledger_path(state_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls.open_path(path)

    @classmethod
    def open_path(cls, path: Path) -> Ledger:
        """Open (creating and migrating) the ledger database at ``path`` for writing."""
        try:
            ledger = cls(_connect(path), path, writable=True)
        except sqlite3.DatabaseError as exc:
            raise _database_error(path, exc) from None
        try:
            ledger.migrate()
            ledger.db.execute("PRAGMA journal_mode = WAL")  # readers never block the run's writes
        except sqlite3.DatabaseError as exc:
            ledger.close()
            raise _database_error(path, exc) from None
        except BaseException:
            ledger.close()
            raise
        return ledger

    @classmethod
    def open_read_only(cls, path: Path) -> Ledger:
        """The ledger database at ``path``, read-only and as it is (any schema version): for checking
        a ledger or a backup. A file SQLite cannot open is :class:`LedgerDamaged`."""
        if Path(path).is_dir():
            raise LedgerDamaged(path, FOLDER_NOT_FILE)
        try:
            ledger = cls(_connect(Path(path), read_only=True), Path(path), writable=False)
            ledger.version()
        except sqlite3.DatabaseError as exc:
            if _is_disk_error(exc):  # a full disk, not a damaged file: nothing to restore or rebuild
                raise _database_error(path, exc) from None
            raise LedgerDamaged(path, str(exc)) from None
        return ledger

    @classmethod
    def open_existing(cls, state_dir: Path, *, writable: bool = False) -> Ledger | None:
        """The ledger if the state folder has one (read-only unless asked), else None."""
        path = ledger_path(state_dir)
        if path.is_dir():  # not a missing ledger: a dry run would count nothing as paid
            raise LedgerDamaged(path, FOLDER_NOT_FILE)
        if not path.is_file():
            return None
        if writable:
            return cls.open(state_dir)
        settle_hot_journal(path)
        try:
            connection = _connect(path, read_only=True)
            ledger = cls(connection, path, writable=False)
            version = ledger.version()
        except sqlite3.DatabaseError as exc:
            raise _database_error(path, exc) from None
        if version != SCHEMA_VERSION:
            foreign = ledger.not_a_ledger()
            connection.close()
            if foreign:
                raise LedgerDamaged(path, foreign)
            if version > SCHEMA_VERSION:
                raise UsageError(f"the ledger {path} was written by a newer version of coaching-batch "
                                 f"(schema {version}, this one knows {SCHEMA_VERSION})")
            raise UsageError(f"the ledger {path} has schema version {version}; "
                             f"this program reads version {SCHEMA_VERSION}: run it once without --dry-run")
        return ledger

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------

    def version(self) -> int:
        has_table = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
        if not has_table:
            return 0
        row = self.db.execute("SELECT max(version) FROM schema_version").fetchone()
        return row[0] or 0

    def not_a_ledger(self) -> str | None:
        """What is wrong with a database that is not a ledger at all (another program's: tables, but no
        schema version), else None. A ledger's first migration writes its schema version with its tables."""
        if self.version():
            return None
        tables = [name for (name,) in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        if not tables:
            return None
        return f"not a coaching-batch ledger: another program's database, with the tables {', '.join(tables[:5])}"

    def migrate(self) -> None:
        """Bring the schema up to SCHEMA_VERSION, each step in its own transaction."""
        current = self.version()
        if current > SCHEMA_VERSION:
            raise UsageError(f"the ledger {self.path} was written by a newer version of coaching-batch "
                             f"(schema {current}, this one knows {SCHEMA_VERSION})")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                self.db.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                                "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
                for statement in _statements(MIGRATIONS[version - 1]):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_version VALUES (?, ?)", (version, _now()))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        if not self.writable:
            raise UsageError(f"the ledger {self.path} is open read-only")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.db.in_transaction:
                    self.db.rollback()
                raise
            self.db.commit()
        except sqlite3.IntegrityError:
            raise  # a broken promise of the program itself (paid once), never a full disk
        except sqlite3.DatabaseError as exc:  # a full disk, a read-only folder, a damaged file: nothing changed
            raise _database_error(self.path, exc) from None

    # -- the weekly run -------------------------------------------------------------------------

    def reconcile(self) -> list[SettledRun]:
        """Settle what a killed run left behind; returns each run settled, with the payments held
        (recorded as issued though their sheet may never have reached finance: see :func:`_unfinished`),
        for the run to report."""
        with self.transaction() as db:
            return [_settle_run(db, run_id, as_of, out_dir, delivering) for run_id, as_of, out_dir, delivering in db.execute(
                    "SELECT run_id, as_of, out_dir, delivering FROM runs WHERE status = ? ORDER BY run_id", (WRITING,)).fetchall()]

    def held_payments(self) -> list[dict]:
        """The pending payments the next run's :meth:`reconcile` will hold (nothing changed: for a dry
        run and ``ledger verify``)."""
        if "delivering" not in {column[1] for column in self.db.execute("PRAGMA table_info(runs)")}:
            return []  # an older schema, read by `ledger verify`: no run recorded a delivery
        return [payment for run in self.db.execute(
                    "SELECT run_id, out_dir, delivering FROM runs WHERE status = ?", (WRITING,)).fetchall()
                for payment in _unfinished(self.db, *run)[1]]

    def record_delivering(self, run_id: int, temp_sheet: Path) -> None:
        """Step 2, just before the payment sheet ``temp_sheet`` is renamed into place: from now on the
        sheet may be delivered (the rename has not happened while ``temp_sheet`` is still there)."""
        with self.transaction() as db:
            db.execute("UPDATE runs SET delivering = ? WHERE run_id = ?", (str(Path(temp_sheet).resolve()), run_id))
        crash_point("sheet-delivering")

    def abandon(self, run_id: int) -> None:
        """The run could not write its outputs (a full disk, a folder turned read-only): settle it now,
        so the ledger holds no pending payment — one whose sheet was somehow delivered is issued, the
        rest are forgotten and the next run pays them (the run knows its sheet was not put in place,
        even if it had begun to). If even that cannot be written, the next run's :meth:`reconcile`
        does the same."""
        try:
            with self.transaction() as db:
                as_of, out_dir = db.execute("SELECT as_of, out_dir FROM runs WHERE run_id = ?", (run_id,)).fetchone()
                _settle_run(db, run_id, as_of, out_dir, None)
                db.execute("UPDATE runs SET exit_status = 2 WHERE run_id = ?", (run_id,))
        except (UsageError, sqlite3.Error):
            pass  # never hide the error that stopped the run

    def paid(self, payment_ids: list[str]) -> dict[str, date]:
        """Payment ID → the as-of date it was issued on, for the IDs already paid (and not voided).

        A pending payment whose sheet was delivered, or that the next run will hold, counts as paid
        too (a dry run cannot reconcile).
        """
        wanted = set(payment_ids)
        rows = self.db.execute("SELECT payment_id, issued_on FROM payments WHERE status = ?", (ISSUED,)).fetchall()
        for run in self.db.execute("SELECT run_id, out_dir, delivering FROM runs WHERE status = ?", (WRITING,)).fetchall():
            delivered, held, _ = _unfinished(self.db, *run)
            rows += [(p["payment_id"], p["issued_on"]) for p in delivered + held]
        return {payment: date.fromisoformat(issued_on) for payment, issued_on in rows if payment in wanted}

    def issued_payments(self) -> dict[str, date]:
        """Every payment issued (not voided, not pending) → the as-of date of the run that issued it."""
        rows = self.db.execute("SELECT payment_id, issued_on FROM payments WHERE status = ?", (ISSUED,)).fetchall()
        return {payment: date.fromisoformat(issued_on) for payment, issued_on in rows}

    def payment_starts(self) -> pd.DataFrame:
        """Every Payment ID recorded (issued, pending or voided, in the order recorded) with its program,
        pair, start and end date: the coaching each was issued for, should the pair be coached again."""
        return pd.read_sql_query(
            "SELECT payment_id, program, candidate_id, coach_id, start_date, end_date FROM payments ORDER BY id", self.db)

    def certificate_records(self) -> pd.DataFrame:
        """Every certificate recorded (issued or pending) with its program, pair and the as-of date
        it was issued on: which coaching of a pair coached again holds which certificate ID."""
        return pd.read_sql_query(
            "SELECT certificate_id, program, candidate_id, coach_id, issued_on FROM certificates ORDER BY rowid", self.db)

    def issued_certificates(self, certificate_ids: list[str]) -> dict[str, date]:
        """Certificate ID → the as-of date it was issued on, for the certificates already issued
        (a pending one counts when its PDF was delivered: a dry run cannot reconcile)."""
        wanted = set(certificate_ids)
        issued: dict[str, date] = {}
        for certificate, status, issued_on, file in self.db.execute(
                "SELECT certificate_id, status, issued_on, file FROM certificates").fetchall():
            if certificate in wanted and (status == ISSUED or Path(file).is_file()):
                issued[certificate] = date.fromisoformat(issued_on)
        return issued

    def notices_sent(self, as_of: date) -> set[str]:
        """The recipients whose notice of the week ``as_of`` was sent."""
        return {row[0] for row in self.db.execute("SELECT recipient FROM notices WHERE as_of = ?", (as_of.isoformat(),))}

    def record_notice_sent(self, recipient: str, as_of: date, file: Path) -> None:
        """One notice sent: the next send of the same week leaves this recipient out."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO notices (recipient, as_of, file, sent_at) VALUES (?, ?, ?, ?)",
                       (recipient, as_of.isoformat(), str(file), _now()))

    def previous_findings(self, program: str, as_of: date = date.max) -> dict[str, tuple[Finding, date]]:
        """The findings open after the last completed run of ``program`` (the run's default program) as
        of ``as_of`` or before — a dry run may look back past later runs: first seen by then and not
        resolved by then. Key → (finding, first seen); each finding with the program of the pair it is about."""
        rows = self.db.execute(
            "SELECT key, severity, rule, message, file, sheet, cell, candidate_id, coach_id, pair_program, first_seen, "
            "actor, fix FROM findings WHERE program = ? AND first_seen <= ? AND (is_open = 1 OR resolved_on > ?)",
            (program, as_of.isoformat(), as_of.isoformat())).fetchall()
        return {
            key: (finding(rule, message, severity=Severity(severity), file=file, sheet=sheet, cell=cell,
                          candidate_id=candidate_id, coach_id=coach_id, program=pair_program, topic=topic_of_key(key),
                          actor=actor or None, fix=fix or None),
                  date.fromisoformat(first_seen))
            for key, severity, rule, message, file, sheet, cell, candidate_id, coach_id, pair_program, first_seen, actor, fix
            in rows
        }

    def record_pending(self, result: RunResult, out_dir: Path) -> int:
        """Step 1: the run and its payments, recorded as pending before any output is written."""
        sheet = str(Path(out_dir).resolve() / "payments.xlsx")
        with self.transaction() as db:
            run_id = db.execute(
                "INSERT INTO runs (program, as_of, inbox, out_dir, started_at, status, counts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (result.policy.name, result.as_of.isoformat(), result.inbox, str(Path(out_dir).resolve()), _now(), WRITING,
                 json.dumps(_run_programs(result))),
            ).lastrowid
            db.executemany("INSERT INTO run_inputs VALUES (?, ?, ?, ?)",
                           [(run_id, i.path, i.sha256, i.status) for i in result.inputs])
            db.executemany(
                "INSERT INTO payments (payment_id, run_id, program, status, issued_on, coach_id, coach_name, "
                "candidate_id, candidate_name, start_date, end_date, coach_contact_hours, candidate_hours, amount, sheet) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(p["payment_id"], run_id, _payment_program(p, result.policy.name), PENDING, result.as_of.isoformat(), p["coach_id"],
                  p["coach_name"], p["candidate_id"], p["candidate_name"], _iso(p["start_date"]), _iso(p["end_date"]),
                  _number(p["coach_contact_hours"]), _number(p["candidate_hours"]), float(p["amount"]), sheet)
                 for p in result.payments.to_dict("records")],
            )
            db.executemany(
                "INSERT INTO certificates (certificate_id, run_id, program, candidate_id, coach_id, status, issued_on, file) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(c["certificate_id"], run_id, c["program"], c["candidate_id"], c["coach_id"], PENDING,
                  result.as_of.isoformat(), str(Path(out_dir).resolve() / c["file"]))
                 for c in _new_certificates(result)],
            )
        return run_id

    def record_completed(self, run_id: int, result: RunResult, exit_status: int) -> None:
        """Step 3: the payments issued, the findings remembered, the run completed — together."""
        as_of = result.as_of.isoformat()
        program = result.policy.name
        with self.transaction() as db:
            db.execute("UPDATE payments SET status = ? WHERE run_id = ? AND status = ?", (ISSUED, run_id, PENDING))
            db.execute("UPDATE certificates SET status = ? WHERE run_id = ? AND status = ?", (ISSUED, run_id, PENDING))
            first_seen = {key: seen for key, (status, seen) in result.finding_history.items() if status == OPEN}
            db.executemany(
                "INSERT INTO findings (program, key, severity, rule, message, file, sheet, cell, candidate_id, coach_id, "
                "first_seen, last_seen, is_open, resolved_on, pair_program, actor, fix) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?, ?) "
                "ON CONFLICT (program, key) DO UPDATE SET severity = excluded.severity, message = excluded.message, "
                "first_seen = excluded.first_seen, last_seen = excluded.last_seen, is_open = 1, resolved_on = NULL, "
                "pair_program = excluded.pair_program, actor = excluded.actor, fix = excluded.fix",
                [(program, key, str(f.severity), f.rule, f.message, f.file, f.sheet, f.cell, f.candidate_id, f.coach_id,
                  _iso(first_seen.get(key, result.as_of)), as_of, f.program or "", f.actor, f.fix)
                 for key, f in {finding_key(f): f for f in result.findings}.items()],
            )
            db.executemany("UPDATE findings SET is_open = 0, resolved_on = ? WHERE program = ? AND key = ?",
                           [(as_of, program, finding_key(f)) for f in result.resolved])
            # those found again at another row or in another file: recorded above under their new key, which
            # holds their history now (a dry run looking back before this run finds them once, not twice)
            db.executemany("DELETE FROM findings WHERE program = ? AND key = ?", [(program, key) for key in result.moved])
            db.execute("UPDATE runs SET status = ?, finished_at = ?, exit_status = ?, counts = ? WHERE run_id = ?",
                       (COMPLETED, _now(), exit_status, json.dumps({**result.counts, **_run_programs(result)}), run_id))
            crash_point("completing")

    # -- the delivered payment sheets ------------------------------------------------

    def payment_records(self) -> list[dict]:
        """Every payment row (issued, pending and voided) with the sheet that carried it."""
        self.db.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in self.db.execute(
                "SELECT payment_id, status, issued_on, sheet, coach_id, candidate_id, program, amount, run_id, voided_on "
                "FROM payments ORDER BY id")]
        finally:
            self.db.row_factory = None

    def output_folders(self) -> list[Path]:
        """Every output folder a run recorded (``--out`` folders included)."""
        return [Path(row[0]) for row in self.db.execute("SELECT DISTINCT out_dir FROM runs WHERE out_dir != ''")]

    def interrupted_folders(self) -> set[str]:
        """The output folders of runs killed before they delivered (their payment sheet never appeared),
        where no later run delivered: what they left there is half written, and may be replaced."""
        rows = self.db.execute(
            "SELECT out_dir, status, "
            "  (SELECT count(*) FROM payments p WHERE p.run_id = r.run_id AND p.status = ?) "
            "+ (SELECT count(*) FROM certificates c WHERE c.run_id = r.run_id AND c.status = ?) "
            "FROM runs r WHERE out_dir != '' ORDER BY run_id", (ISSUED, ISSUED)).fetchall()
        last = {}
        for folder, status, delivered in rows:
            last[folder] = (status, delivered)
        # delivered: its payment sheet was there when it was settled (it may have been taken away since)
        return {folder for folder, (status, delivered) in last.items()
                if status == INTERRUPTED and not delivered and not (Path(folder) / "payments.xlsx").exists()}

    def paid_folders(self) -> set[str]:
        """The folders of every payment sheet that carried a payment (issued, or voided since), whether
        or not the sheet is still there: a later run writing its own sheet there would make the ledger's
        payments look removed from theirs."""
        return {str(Path(sheet).parent) for (sheet,) in self.db.execute(
            "SELECT DISTINCT sheet FROM payments WHERE status != ? AND sheet != ''", (PENDING,))}

    def unfinished_folders(self) -> set[str]:
        """The output folders whose last run did not complete (killed, or still recorded as writing)
        and that hold no payment sheet: before :meth:`reconcile` settles a killed run, every folder
        :meth:`interrupted_folders` may name after it (read from a ledger of any schema version)."""
        last = {}
        for folder, status in self.db.execute("SELECT out_dir, status FROM runs WHERE out_dir != '' ORDER BY run_id"):
            last[folder] = status
        return {folder for folder, status in last.items()
                if status != COMPLETED and not (Path(folder) / "payments.xlsx").exists()}

    def run_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM runs").fetchone()[0]

    def last_run_as_of(self) -> date | None:
        """The latest as-of date of a completed run, or of a killed one that delivered (its payment sheet
        appeared: its payments and certificates are of that date); not the record of a sheet recovered
        or rebuilt. Called under the state lock, so a run still ``writing`` is one killed."""
        certified = ("OR EXISTS (SELECT 1 FROM certificates c WHERE c.run_id = r.run_id AND c.status = ?)"
                     if self._has_table("certificates") else "OR ? IS NULL")  # an older schema has none
        rows = self.db.execute(
            "SELECT as_of, status, out_dir FROM runs r WHERE inbox != '' AND (status IN (?, ?) "
            f"OR EXISTS (SELECT 1 FROM payments p WHERE p.run_id = r.run_id AND p.status != ?) {certified})",
            (COMPLETED, WRITING, PENDING, ISSUED)).fetchall()
        delivered = [as_of for as_of, status, out_dir in rows
                     if status != WRITING or (Path(out_dir) / "payments.xlsx").is_file()]
        return date.fromisoformat(max(delivered)) if delivered else None

    def _has_table(self, name: str) -> bool:
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None

    def record_delivered(self, sheet: Path | None, as_of: date, program: str, payments: list[dict], how: str) -> int:
        """Payments found on a delivered payment sheet that the ledger had no record of, recorded as
        issued on ``as_of`` (the date of the run that wrote the sheet) under a run of their own whose
        counts say ``how`` (``recovered`` by a run, ``rebuilt`` by ``ledger rebuild``). Returns the run.
        ``sheet`` None: payments on no sheet (a run.json says they were paid; ``ledger rebuild
        --record-unlisted``), their run's folder and sheet blank."""
        folder, sheet = (str(Path(sheet).parent), str(sheet)) if sheet is not None else ("", "")
        with self.transaction() as db:
            run_id = db.execute(
                "INSERT INTO runs (program, as_of, inbox, out_dir, started_at, finished_at, status, counts) "
                "VALUES (?, ?, '', ?, ?, ?, ?, ?)",
                (program, as_of.isoformat(), folder, _now(), _now(), COMPLETED,
                 json.dumps({how: len(payments), "payments": len(payments)})),
            ).lastrowid
            db.executemany(
                "INSERT INTO payments (payment_id, run_id, program, status, issued_on, coach_id, coach_name, "
                "candidate_id, candidate_name, start_date, end_date, coach_contact_hours, candidate_hours, amount, sheet) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(p["payment_id"], run_id, p.get("program") or program, ISSUED, as_of.isoformat(), p.get("coach_id") or "",
                  p.get("coach_name"), p.get("candidate_id") or "", p.get("candidate_name"), _iso(p.get("start_date")),
                  _iso(p.get("end_date")), _number(p.get("coach_contact_hours")), _number(p.get("candidate_hours")),
                  _number(p.get("amount")) or 0.0, sheet)
                 for p in payments],
            )
        return run_id

    def integrity(self, *, quick: bool = False) -> list[str]:
        """SQLite's ``PRAGMA integrity_check`` (``quick_check`` with ``quick``, the one a run can
        afford): ``["ok"]`` or the problems it lists."""
        try:
            return [row[0] for row in self.db.execute(f"PRAGMA {'quick_check' if quick else 'integrity_check'}")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]

    def backup_to(self, target: Path) -> Path:
        """A consistent copy of the ledger in ``target`` (SQLite's online backup API), written atomically."""
        return backup_database(self.db, target)

    # -- the ledger commands --------------------------------------------------------------------

    def runs(self) -> pd.DataFrame:
        """Every run, oldest first; ``paid``: the payments its sheet carried (issued, or voided since),
        counted from the payments themselves, so a run killed after delivering its sheet shows them;
        ``files``: the inputs it read, unknown (None) for a run recorded from a payment sheet (recovered or
        rebuilt: no inbox)."""
        return pd.read_sql_query(
            "SELECT run_id, as_of, program, status, exit_status, started_at, finished_at, counts, out_dir, "
            "CASE WHEN r.inbox = '' THEN NULL ELSE (SELECT count(*) FROM run_inputs i WHERE i.run_id = r.run_id) END AS files, "
            "(SELECT count(*) FROM payments p WHERE p.run_id = r.run_id AND p.status != ?) AS paid "
            "FROM runs r ORDER BY run_id",
            self.db, params=(PENDING,))

    def payments(self, *, since: date | None = None, until: date | None = None, coach_id: str | None = None,
                 include_voided: bool = True, include_pending: bool = False) -> pd.DataFrame:
        """Payments recorded (issued first by date), filtered by issue date and coach; ``include_pending``:
        with those of a run not finished (or stopped before it finished)."""
        where, params = ([] if include_pending else ["status != 'pending'"]), []
        if since:
            where.append("issued_on >= ?")
            params.append(since.isoformat())
        if until:
            where.append("issued_on <= ?")
            params.append(until.isoformat())
        if coach_id:
            where.append("coach_id = ?")
            params.append(coach_id.strip())
        if not include_voided:
            where.append("status = 'issued'")
        return pd.read_sql_query(
            "SELECT payment_id, status, issued_on, program, coach_id, coach_name, candidate_id, candidate_name, start_date, "
            "end_date, coach_contact_hours, candidate_hours, amount, run_id, voided_on, void_reason FROM payments "
            f"WHERE {' AND '.join(where) or 'TRUE'} ORDER BY issued_on, payment_id, id", self.db, params=params)

    def void(self, payment_id: str, reason: str, on: date) -> None:
        """Finance voided an issued payment: the stipend becomes payable again on the next run."""
        reason = reason.strip()
        if not reason:
            raise UsageError("give the reason the payment was voided (--reason)")
        payment_id = payment_id.strip().upper()  # as finance may type it from the sheet: pay-22e523e7f1e0
        with self.transaction() as db:
            rows = db.execute("SELECT id, status, issued_on FROM payments WHERE payment_id = ? ORDER BY id DESC",
                              (payment_id,)).fetchall()
            issued = [(row_id, issued_on) for row_id, status, issued_on in rows if status == ISSUED]
            if not issued:
                state = "was never paid" if not rows else f"is {rows[0][1]}, not issued"
                raise UsageError(f"payment {payment_id} {state}; only an issued payment can be voided")
            row_id, issued_on = issued[0]
            if issued_on and on.isoformat() < issued_on:  # a mistyped --on: voided before it was paid
                raise UsageError(f"payment {payment_id} was issued on {issued_on}: it cannot have been voided on {on} "
                                 "(check --on, the date finance voided it; it is left issued)")
            db.execute("UPDATE payments SET status = ?, voided_on = ?, void_reason = ? WHERE id = ?",
                       (VOIDED, on.isoformat(), reason, row_id))


# -- backups -------------------------------------------------------------------------


def backups_dir(state_dir: Path) -> Path:
    return Path(state_dir) / BACKUPS_DIRNAME


def backup_database(source: sqlite3.Connection, target: Path) -> Path:
    """Copy the database open in ``source`` to ``target`` with SQLite's online backup API: a consistent
    copy even while another process writes, put in place atomically (a temporary file, then a rename)."""
    from .reports.atomic import atomic_path

    target = Path(target)
    with atomic_path(target) as temp:
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    return target


def backup_ledger(state_dir: Path, keep: int = KEEP_BACKUPS) -> Path | None:
    """The run's first step: copy the ledger into ``state/backups/`` and keep the last ``keep`` copies
    (the oldest removed). None when there is no ledger yet. An OSError or UsageError says why not."""
    path = ledger_path(state_dir)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    folder = backups_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{BACKUP_PREFIX}{stamp}.sqlite"
    source = _connect(path, read_only=True)
    try:
        backup_database(source, target)
    except sqlite3.DatabaseError as exc:
        raise _database_error(path, exc) from None
    finally:
        source.close()
    for old in list_backups(state_dir)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return target


def list_backups(state_dir: Path) -> list[Path]:
    """The run's backups, oldest first."""
    return sorted(backups_dir(state_dir).glob(f"{BACKUP_PREFIX}*.sqlite"))


_PENDING_COLUMNS = ("payment_id", "issued_on", "program", "coach_id", "candidate_id", "amount", "sheet")


def _unfinished(db: sqlite3.Connection, run_id: int, out_dir: str, delivering: str | None
                ) -> tuple[list[dict], list[dict], list[dict]]:
    """The pending payments of an unfinished run, as (delivered, held, undelivered): delivered when its
    payment sheet lists them; held when the run had begun renaming its sheet into place (``delivering``,
    the temporary sheet) and that temporary file is gone, so the sheet may have been delivered and then
    taken away (a temporary sheet still there proves the rename never happened); else undelivered."""
    pending = [dict(zip(_PENDING_COLUMNS, row)) for row in db.execute(
        f"SELECT {', '.join(_PENDING_COLUMNS)} FROM payments WHERE run_id = ? AND status = ?", (run_id, PENDING))]
    on_sheet = delivered_payment_ids(Path(out_dir) / "payments.xlsx") if pending else set()
    may_be_delivered = bool(delivering) and not Path(delivering).exists()
    delivered = [p for p in pending if p["payment_id"] in on_sheet]
    held = [p for p in pending if p["payment_id"] not in on_sheet and may_be_delivered]
    undelivered = [p for p in pending if p["payment_id"] not in on_sheet and not may_be_delivered]
    return delivered, held, undelivered


@dataclass
class SettledRun:
    """A run killed before it finished, as the next run settled it (for its console to say)."""

    as_of: str
    out_dir: str
    sheet: bool  # its payment sheet is in its folder: the run delivered
    issued: int  # payments on that sheet, now recorded as issued
    held: list[dict]  # payments whose sheet may have been delivered and taken away: issued, reported
    unpaid: int  # payments it never delivered: forgotten, paid by this run if still payable
    certified: int  # certificates delivered beside the sheet, now issued
    uncertified: int  # certificates it drew but never delivered: drawn again if still due

    def line(self, out_dir: Path) -> str:
        """What the next run, writing into ``out_dir``, says about it in one line."""
        said = f"The run as of {self.as_of} into {self.out_dir} was stopped"
        if self.sheet:
            return f"{said} after its payment sheet was delivered: " + (
                f"{_count(self.issued, 'payment')} and {_count(self.certified, 'certificate')} of that folder recorded "
                "as issued, not issued again" if self.issued or self.certified else "it had nothing to pay or certify")
        if self.held:
            return (f"{said} while putting its payment sheet in place, and the sheet is not there: "
                    f"{_count(len(self.held), 'payment')} recorded as issued and not paid again, each a "
                    "PAYMENT-DELIVERY-UNCERTAIN error (ask finance whether they received that sheet)")
        left = (f"{_count(self.unpaid, 'payment')} and {_count(self.uncertified, 'certificate')} left unissued, issued by "
                "this run if still due" if self.unpaid or self.uncertified else "it had nothing to pay or certify")
        return (f"{said} before its payment sheet appeared: it delivered nothing ({left}; "
                + ("this run writes that folder again)" if Path(self.out_dir) == Path(out_dir).resolve() else
                   "what it left in that folder is not a week's outputs)"))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _settle_run(db: sqlite3.Connection, run_id: int, as_of: str, out_dir: str, delivering: str | None) -> SettledRun:
    """One unfinished run settled: its pending payments issued if delivered or held (see
    :func:`_unfinished`), else dropped; its pending certificates issued if their PDF is there beside
    the delivered payment sheet (the last output to appear: without it the run delivered nothing, and
    a folder left half written may be replaced), else dropped for the next run to issue again; the
    run interrupted."""
    sheet = Path(out_dir) / "payments.xlsx"
    delivered, held, undelivered = _unfinished(db, run_id, out_dir, delivering)
    db.executemany("UPDATE payments SET status = ? WHERE run_id = ? AND payment_id = ? AND status = ?",
                   [(ISSUED, run_id, p["payment_id"], PENDING) for p in delivered + held])
    db.executemany("DELETE FROM payments WHERE run_id = ? AND payment_id = ? AND status = ?",
                   [(run_id, p["payment_id"], PENDING) for p in undelivered])
    certified = uncertified = 0
    for certificate, file in db.execute(
            "SELECT certificate_id, file FROM certificates WHERE run_id = ? AND status = ?", (run_id, PENDING)).fetchall():
        if sheet.is_file() and Path(file).is_file():  # delivered: the PDF is there, and the run's outputs
            db.execute("UPDATE certificates SET status = ? WHERE certificate_id = ?", (ISSUED, certificate))
            certified += 1
        else:
            db.execute("DELETE FROM certificates WHERE certificate_id = ? AND status = ?", (certificate, PENDING))
            uncertified += 1
    db.execute("UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?", (INTERRUPTED, _now(), run_id))
    return SettledRun(as_of, out_dir, sheet.is_file(), len(delivered), held, len(undelivered), certified, uncertified)


def _database_error(path: Path, exc: sqlite3.DatabaseError) -> UsageError:
    """A plain message for an SQLite error: a damaged file names the way back; anything else (a full disk,
    a read-only folder, a locked file) says what SQLite said."""
    text = str(exc)
    if _is_disk_error(exc):
        if full := _disk_full(path, exc):
            return UsageError(f"cannot use the ledger {path}: {text} ({full}); the ledger itself is not damaged: "
                              "try again once the disk has room")
        return UsageError(f"cannot use the ledger {path}: {text} (its disk could not be read or written: check it, "
                          "then try again)")
    damaged = ("not a database", "malformed", "corrupt", "disk image")
    if isinstance(exc, sqlite3.DatabaseError) and any(word in text.lower() for word in damaged):
        return LedgerDamaged(path, text)
    return UsageError(f"cannot use the ledger {path}: {text}")


def _is_disk_error(exc: sqlite3.DatabaseError) -> bool:
    """SQLite could not read or write the disk (full, or failing): SQLITE_IOERR or SQLITE_FULL and their
    extended codes (a read-only connection's shared-memory file that cannot grow is SQLITE_IOERR_SHMSIZE)."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in SQLITE_DISK_ERRORS


def _disk_full(path: Path, exc: sqlite3.DatabaseError) -> str:
    """``the disk holding it is full: 16 KiB free`` when SQLite said so or the disk is nearly full, else
    nothing (a disk failing)."""
    try:
        free = shutil.disk_usage(Path(path).parent).free
    except OSError:
        free = None
    if free is not None and free < DISK_NEARLY_FULL_BYTES:
        return f"the disk holding it is full: {free // 1024:,} KiB free"
    return "the disk holding it is full" if exc.sqlite_errorcode & 0xFF == SQLITE_FULL else ""


def delivered_payment_ids(sheet: Path) -> set[str]:
    """The Payment IDs on a delivered payment sheet; empty if none (a sheet that cannot be read was
    not delivered). Read as the delivered-sheet checks read it (:func:`coaching_batch.recovery.read_sheet`)."""
    if not sheet.is_file():
        return set()
    from .recovery import read_sheet  # recovery builds on this module

    return read_sheet(sheet).ids


def _new_certificates(result: RunResult) -> list[dict]:
    """The certificates this run issues: those with a PDF and no earlier issue date."""
    certificates = result.certificates
    if certificates.empty or "certificate_id" not in certificates or "file" not in certificates:
        return []
    new = certificates[certificates["issued_on"].isna() & certificates["file"].notna()] if "issued_on" in certificates else certificates
    return new.to_dict("records")


def settle_hot_journal(path: Path) -> None:
    """A run killed inside a transaction of the rollback journal (while the ledger is first made)
    leaves ``ledger.sqlite-journal`` beside it. SQLite undoes that transaction on the next read, but
    only on a connection that may write: a read-only look would report the ledger damaged for ever.
    Nothing else is changed (a journal in use by a live run is not "hot": SQLite leaves it alone)."""
    journal = path.with_name(path.name + "-journal")
    try:
        hot = journal.is_file() and journal.stat().st_size > 0
    except OSError:
        return
    if hot:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("PRAGMA busy_timeout = 10000")
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            pass  # the read-only look that follows says what is wrong
        finally:
            connection.close()


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        connection = _connect_read_only(path)
    else:
        connection = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
        connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA busy_timeout = 10000")
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that only reads. A ledger in write-ahead mode is read through its ``-shm`` file,
    which SQLite creates beside it: in a folder that cannot be written (a read-only share or
    snapshot, an account allowed only to read) a copy is read instead (it said "unable to open
    database file"). The copy takes the ledger's ``-wal`` or ``-journal`` with it, so what the last run
    committed there is read and what a killed one left half-written is undone, as on the ledger itself."""
    uri = path.resolve().as_uri()
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        if os.access(path.parent, os.W_OK) or not os.access(path, os.R_OK):
            return connection  # the caller's first read says what is wrong
        connection.close()
        connection = _read_copy(path)
    return connection


_COPIED_BESIDE = ("-wal", "-journal")  # what SQLite reads with the ledger (not -shm: the copy makes its own)


def _read_copy(path: Path) -> sqlite3.Connection:
    """The ledger at ``path``, with its -wal or -journal, copied and read into memory: a run writing it
    meanwhile (as an account that may write) changes the files, and the copy is taken again."""
    import shutil
    import tempfile

    files = [path, *(path.with_name(path.name + suffix) for suffix in _COPIED_BESIDE)]
    for _ in range(READ_COPY_ATTEMPTS):
        before = [_stamp(file) for file in files]
        with tempfile.TemporaryDirectory(prefix="coaching-batch-ledger-") as folder:
            copy = Path(folder) / path.name
            for file, stamp in zip(files, before):
                if stamp is not None:
                    shutil.copyfile(file, copy.with_name(file.name))
            if [_stamp(file) for file in files] != before:
                continue
            source = sqlite3.connect(copy, isolation_level=None)  # may write the copy: replays -wal, undoes -journal
            try:
                memory = sqlite3.connect(":memory:", isolation_level=None)
                source.backup(memory)
            finally:
                source.close()
        memory.execute("PRAGMA query_only = ON")
        return memory
    raise sqlite3.OperationalError("database is locked: a run kept writing it while it was read; try again when it has finished")


def _stamp(file: Path) -> tuple[int, int] | None:
    try:
        status = file.stat()
    except FileNotFoundError:
        return None
    return status.st_size, status.st_mtime_ns


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (each ends with `;` at the end of a line)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";\n") if s.strip().rstrip(";").strip()]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date().isoformat()


def _run_programs(result: RunResult) -> dict[str, list[str]]:
    """The programs a run covered (its default first when it names none), kept with its counts: the
    runs table has a column for its default program only, under which its findings' history is kept."""
    return {RUN_PROGRAMS: list(run_programs(result))}


def _payment_program(payment: dict, default: str) -> str:
    """The program a payment belongs to: its own, else the run's default (a frame without programs)."""
    program = payment.get("program")
    if program is None or (not isinstance(program, str) and pd.isna(program)) or not str(program).strip():
        return default
    return str(program).strip()


def _number(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def crash_point(name: str) -> None:
    """For the kill tests: die abruptly (SIGKILL) here when COACHING_BATCH_CRASH_AT names this point.

    The points: ``pending-recorded`` (before any output is written), ``sheet-delivering`` (every
    other output in place, the delivery of the payment sheet recorded, its rename not done),
    ``outputs-written`` (after the payment sheet is delivered, before the payments are marked
    issued) and ``completing`` (inside the final transaction, before its commit).
    """
    if os.environ.get("COACHING_BATCH_CRASH_AT") == name:
        os.kill(os.getpid(), 9)
