"""`coaching-batch ledger backup | restore | rebuild | verify`: keep the ledger safe and bring it back.

The commands are added to the ``ledger`` group by :mod:`coaching_batch.cli`; their work is in
:mod:`coaching_batch.recovery` and :mod:`coaching_batch.ledger`.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from .click_types import GivenPath
from .errors import CoachingBatchError
from .settings import LOCK_WAIT_SECONDS

STATE = click.option("--state", type=GivenPath(path_type=Path), default=Path("state"), show_default=True,
                     metavar="DIR", help="Folder of the ledger (the run's default is state/ beside the inbox).")
# a mistyped folder is refused: its sheets left out, verify would agree and rebuild leave their payments unknown
FROM = click.option("--from", "sources", multiple=True, type=GivenPath(path_type=Path, exists=True, file_okay=False), metavar="DIR",
                    help="A folder of outputs besides out/ beside the state folder, which is always read (a run's "
                         "folder, or the folder of the dated folders); repeatable.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command("backup")
@click.argument("file", type=GivenPath(path_type=Path, dir_okay=False))
@STATE
def ledger_backup(file: Path, state: Path) -> None:
    """Copy the ledger to FILE (SQLite's online backup: safe while a run is going)."""
    from .ledger import Ledger, ledger_path

    try:
        if file.resolve() == ledger_path(state).resolve():
            raise CoachingBatchError(f"{file} is the ledger itself: give another file")
        book = Ledger.open_existing(state) if ledger_path(state).is_file() else None
        if book is None:
            raise CoachingBatchError(f"no ledger at {ledger_path(state)} (use --state to point at its folder)")
        with book:
            book.backup_to(file)
    except CoachingBatchError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {file}: {exc.strerror or exc}")
    except sqlite3.Error as exc:  # the copy's disk full: SQLite says so, not the OS
        _fail(f"cannot write {file}: {exc}")
    click.echo(f"Ledger {ledger_path(state)} backed up to {file}")


@click.command("restore")
@click.argument("file", type=GivenPath(path_type=Path, dir_okay=False))
@STATE
def ledger_restore(file: Path, state: Path) -> None:
    """Put the backup FILE back as the ledger, after checking it (the replaced one is kept in state/backups/).

    Refused at once while a run is using the ledger: restored after it, the copy would silently drop
    that run, which the coordinator has not seen yet."""
    from .recovery import restore

    _locked(state, lambda: restore(state, file), f"cannot restore into {state}", wait=0)


def _locked(state: Path, change, cannot: str, wait: float = LOCK_WAIT_SECONDS) -> None:
    """``change()`` of the ledger under the state lock (waiting ``wait`` seconds for a run that holds
    it, as a second run does); its lines printed, a failure one Error: line."""
    from .ledger import state_lock

    try:
        with state_lock(state, wait):
            lines = change()
    except CoachingBatchError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{cannot}: {exc.strerror or exc}")
    except sqlite3.Error as exc:  # the disk full as the new ledger is written: SQLite says so, not the OS
        _fail(f"{cannot}: {exc}")
    for line in lines:
        click.echo(line)


@click.command("rebuild")
@FROM
@click.option("--record-unlisted", is_flag=True,
              help="Also record as issued the payments a run.json lists as paid that are on no payment sheet read "
                   "(their sheet gone, finance holding no copy), each one named; void any that finance never paid "
                   "with `ledger void`. Without it, rebuild refuses while there are any.")
@STATE
def ledger_rebuild(sources: tuple[Path, ...], record_unlisted: bool, state: Path) -> None:
    """Create a lost, empty or damaged ledger from the delivered payment sheets (payments.xlsx).

    A payment that a run.json lists as paid before that run but that no sheet read holds stops it: give the
    folder of that week's sheet with --from, or put finance's copy of the sheet back in its week's folder; only
    if there is no copy, --record-unlisted."""
    from .recovery import ledger_sources, rebuild

    _locked(state, lambda: rebuild(state, ledger_sources(state, sources), record_unlisted),
            f"cannot write the ledger in {state}")


@click.command("verify")
@FROM
@STATE
def ledger_verify(sources: tuple[Path, ...], state: Path) -> None:
    """Check the ledger (integrity, schema, pending payments) against the delivered payment sheets.

    Exit status 0 when all agree, 1 when not or when there is no ledger.
    """
    from .ledger import LedgerDamaged, state_lock
    from .errors import StateLocked
    from .recovery import VERIFY_NOT_DONE, ledger_sources, verify

    in_progress = False
    try:
        with state_lock(state, 0) if state.is_dir() else _nothing():
            lines, agree = verify(state, ledger_sources(state, sources), run_in_progress=False)
    except StateLocked:
        in_progress = True
        lines, agree = verify(state, ledger_sources(state, sources), run_in_progress=True)
    except LedgerDamaged as exc:
        lines, agree = [f"  ! {exc.saying(VERIFY_NOT_DONE)}"], False
    except CoachingBatchError as exc:
        lines, agree = [f"  ! {exc}"], False
    if in_progress:
        lines.insert(1, "  a run is using the ledger now: its pending payments are being written")
    for line in lines:
        click.echo(line)
    sys.exit(0 if agree else 1)


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return None


COMMANDS = [ledger_backup, ledger_restore, ledger_rebuild, ledger_verify]
