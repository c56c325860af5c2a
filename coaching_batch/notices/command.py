"""``coaching-batch notices send``, and the sending step of ``run --send-notices``: options in, one call
to :func:`~coaching_batch.notices.send.send_notices`, its report out, an exit status back."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..click_types import GivenPath
from ..errors import CoachingBatchError
from ..settings import LOCK_WAIT_SECONDS

if TYPE_CHECKING:
    from .config import SmtpConfig

CANNOT_SEND = 2  # as a run that cannot be done


class Seconds(click.ParamType):
    """How long to wait for the ledger (``--wait`` of ``run`` and ``notices send``): 0 or more, and a
    number (``nan`` or ``inf`` got past a plain range and stopped the run later, as a bug). Said in
    words, where click's range said `'abc' is not a valid float range` and `-1.0 is not in the range
    x>=0`, its help `[default: 10.0; x>=0]`."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            seconds = math.nan
        if not (math.isfinite(seconds) and seconds >= 0):
            self.fail(f"{value!r} is not a number of seconds: give 0 or more (0 does not wait)", param, ctx)
        return seconds


WAIT_DEFAULT = f" [default: {LOCK_WAIT_SECONDS:g} seconds; 0 or more]"  # the end of a --wait option's help


def load_config_or_exit(path: Path, *, dry_run: bool = False) -> SmtpConfig:
    """The SMTP config, or one ``Error:`` line and exit status 2."""
    from .config import load_smtp_config  # the email package: loaded only when notices are sent

    try:
        return load_smtp_config(path, sending=not dry_run)
    except CoachingBatchError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(CANNOT_SEND)


def send_and_echo(out_dir: Path, config: SmtpConfig, *, state_dir: Path | None, dry_run: bool,
                  lock_wait: float = LOCK_WAIT_SECONDS, cannot: str = "Error") -> int:
    """Send the notices in ``out_dir``, print what happened, return the exit status (0, 1 or 2).
    ``cannot``: how a line saying none could be sent begins (after a run that completed: ``Not sent``)."""
    from .send import send_notices  # the ledger and smtplib only when sending

    try:
        report = send_notices(out_dir, config, state_dir=state_dir, dry_run=dry_run, lock_wait=lock_wait)
    except CoachingBatchError as exc:
        click.echo(f"{cannot}: {exc}", err=True)
        return CANNOT_SEND
    verb = "Would send" if dry_run else "Sent"
    for notice in report.sent:
        click.echo(f"{verb}: {notice.address} ({notice.file})")
    for notice in report.already_sent:
        click.echo(f"Already sent this week: {notice.address} ({notice.file})")
    for notice in report.no_address:
        click.echo(f"No address: {notice.file} (in the coordinator's notice, to pass on)")
    for unsent in report.unsent:
        click.echo(unsent.line(), err=True)
    click.echo(f"Notices of {report.as_of.isoformat()}: {len(report.sent)} {'to send' if dry_run else 'sent'}, "
               f"{len(report.unsent)} not sent, {len(report.already_sent)} already sent this week, "
               f"{len(report.no_address)} without an address" + (" (dry run: nothing sent or recorded)" if dry_run else ""))
    return report.exit_status


@click.group("notices")
def notices_command() -> None:
    """The weekly notices every run writes to <out>/notices/: send them (`notices send OUTDIR`)."""


@notices_command.command("send")
@click.argument("out_dir", metavar="OUTDIR", type=GivenPath(path_type=Path, file_okay=False))
@click.option("--smtp-config", "smtp_config", required=True, type=GivenPath(path_type=Path, dir_okay=False), metavar="FILE",
              help="TOML file: host, port, from, starttls, username (optional), coordinator. "
                   "The password comes from COACHING_BATCH_SMTP_PASSWORD.")
@click.option("--state", type=GivenPath(path_type=Path), metavar="DIR",
              help="Folder of the ledger [default: the one the run in OUTDIR used].")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")
@click.option("--wait", "lock_wait", type=Seconds(), default=LOCK_WAIT_SECONDS,
              metavar="SECONDS", help="How long to wait for a run using the same ledger." + WAIT_DEFAULT)
def notices_send(out_dir: Path, smtp_config: Path, state: Path | None, dry_run: bool, lock_wait: float) -> None:
    """Send the notices of the run in OUTDIR not sent before for its week.

    Exit status: 0 every notice due was sent; 1 some were not (each is one line on stderr and goes
    out on the next send); 2 none could be, or the server or config cannot be used.
    """
    config = load_config_or_exit(smtp_config, dry_run=dry_run)
    sys.exit(send_and_echo(out_dir, config, state_dir=state, dry_run=dry_run, lock_wait=lock_wait))
