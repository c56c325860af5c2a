"""Sending a run's notices (``<out>/notices/*.eml``) through an SMTP server, each at most once a week.

The week is the run's as-of date (``run.json``) and the ledger is the run's (``run.json``'s
``state_dir``, or ``--state``). Under the state lock, the ledger's ``notices`` table says who was
sent this week's notice already; every other notice is sent over one connection, and each one the
server accepted is recorded at once, so a send that stops half-way sends the rest next time.

A message the server refuses, or a server that is down or drops the connection, is one
:class:`Unsent` per message: the others are still sent, and the unsent ones go out on the next send.
A config that asks for STARTTLS from a server that does not offer it, or a login the server refuses,
stops the send before any message is given to the server (:class:`CannotSend`).
"""

from __future__ import annotations

import json
import smtplib
import ssl
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from ..errors import CoachingBatchError, UsageError
from ..ledger import Ledger, ledger_path, state_lock
from ..settings import LOCK_WAIT_SECONDS
from .build import COORDINATOR
from .config import SmtpConfig
from .eml import AS_OF_HEADER, NOTICE_HEADER, NOTICES_DIRNAME, UNSENT_HEADER, read_notice

RUN_JSON = "run.json"


class CannotSend(CoachingBatchError):
    """The mail server cannot be used at all: nothing was sent"""


@dataclass
class Outgoing:
    """One notice file, with the address it goes to (None: it has none and is passed on by hand)."""

    file: str
    address: str | None
    name: str
    message: EmailMessage
    key: str = ""  # what the ledger remembers it by: the address (or address and file, when shared)


@dataclass
class Unsent:
    file: str
    address: str
    reason: str

    def line(self) -> str:
        return f"Not sent: the notice to {self.address} ({self.file}): {self.reason}; it goes out on the next send"


@dataclass
class SendReport:
    as_of: date
    sent: list[Outgoing] = field(default_factory=list)  # (dry run: would be sent)
    unsent: list[Unsent] = field(default_factory=list)
    already_sent: list[Outgoing] = field(default_factory=list)
    no_address: list[Outgoing] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        """0 every notice due was sent; 1 some were not; 2 none could be."""
        if not self.unsent:
            return 0
        return 2 if not self.sent else 1


def send_notices(out_dir: Path, config: SmtpConfig, *, state_dir: Path | None = None, dry_run: bool = False,
                 lock_wait: float = LOCK_WAIT_SECONDS, smtp_factory=smtplib.SMTP) -> SendReport:
    """Send the notices of the run in ``out_dir`` not sent before for its week; a dry run sends and records nothing.

    ``state_dir``: the ledger's folder (None: the one the run recorded itself in). It must hold a
    ledger, but for a dry run's look at its own run's ledger (a first week's preview has none yet):
    a new one would remember nothing sent, and the week's notices would all go out again."""
    out_dir = Path(out_dir)
    as_of, recorded_state, preview = _run_recorded(out_dir)
    if preview and not dry_run:  # recorded as the week's, they would stop the real run's notices of that date
        raise UsageError(f"{out_dir} holds a dry run's outputs: its notices are a preview and are never sent; "
                         "send the notices of the week's real run")
    given = state_dir is not None
    state_dir = Path(state_dir) if given else recorded_state
    if state_dir is None:
        raise UsageError(f"{out_dir / RUN_JSON} does not say which ledger the run used: pass --state DIR")
    if (given or not dry_run) and not ledger_path(state_dir).is_file():
        raise UsageError(f"no ledger at {ledger_path(state_dir)} (a run records one; use --state to point at its "
                         "folder): nothing was sent")
    outgoing = _outgoing(out_dir / NOTICES_DIRNAME, as_of, config)
    report = SendReport(as_of)
    if dry_run:
        ledger = Ledger.open_existing(state_dir)
        with closing(ledger) if ledger else nullcontext():
            sent = ledger.notices_sent(as_of) if ledger else set()
            for notice in outgoing:
                _sort(notice, sent, report).append(notice)
        return report
    with state_lock(state_dir, lock_wait), closing(Ledger.open(state_dir)) as ledger:
        sent = ledger.notices_sent(as_of)
        due = []
        for notice in outgoing:
            place = _sort(notice, sent, report)
            (due if place is report.sent else place).append(notice)
        if due:
            _deliver(due, config, report, lambda notice: ledger.record_notice_sent(
                notice.key, as_of, Path(NOTICES_DIRNAME) / notice.file), smtp_factory)
    return report


def _sort(notice: Outgoing, sent: set[str], report: SendReport) -> list[Outgoing]:
    if notice.address is None:
        return report.no_address
    return report.already_sent if notice.key in sent else report.sent


def _run_recorded(out_dir: Path) -> tuple[date, Path | None, bool]:
    """The run's as-of date, the state folder it recorded itself in (None if run.json does not say),
    and whether it was a dry run."""
    path = out_dir / RUN_JSON
    if not out_dir.is_dir():  # not "holds no run's outputs", nor "cannot read …/run.json: Not a directory"
        raise UsageError(f"{out_dir} is not a folder: name the output folder of a run" if out_dir.exists()
                         else f"no such folder: {out_dir}; name the output folder of a run")
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        as_of = date.fromisoformat(summary["as_of"])
    except FileNotFoundError:
        raise UsageError(f"{out_dir} holds no run's outputs (no {RUN_JSON})") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not (out_dir / NOTICES_DIRNAME).is_dir():
        raise UsageError(f"{out_dir} has no {NOTICES_DIRNAME}/ folder (a run of an older version, or not a run's outputs)")
    state = summary.get("state_dir")
    return as_of, Path(state) if isinstance(state, str) and state else None, summary.get("dry_run") is True


def _outgoing(folder: Path, as_of: date, config: SmtpConfig) -> list[Outgoing]:
    """Every notice in ``folder`` of the week ``as_of``, addressed (the coordinator's to the config's address)."""
    outgoing = []
    for path in sorted(folder.glob("*.eml")):
        try:
            message = read_notice(path)
            addresses = message["To"].addresses if message["To"] else ()
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise UsageError(f"cannot read the notice {path}: {exc}") from None
        if message[AS_OF_HEADER] != as_of.isoformat():
            raise UsageError(f"{path} is not a notice of the run of {as_of.isoformat()}")
        if message[NOTICE_HEADER] == COORDINATOR:
            del message["To"]
            message["To"] = Address(display_name="Coaching Coordinator", addr_spec=config.coordinator)
            address, name = config.coordinator, "Coaching Coordinator"
        elif addresses:
            address, name = addresses[0].addr_spec, addresses[0].display_name
        else:
            address, name = None, ""
        outgoing.append(Outgoing(path.name, address, name, message))
    seen: set[str] = set()
    for notice in outgoing:  # an address two notices share (a shared mailbox) is remembered with each file
        if notice.address:
            key = notice.address.lower()
            notice.key = key if key not in seen else f"{key} {notice.file}"
            seen.add(key)
    return outgoing


def _deliver(due: list[Outgoing], config: SmtpConfig, report: SendReport, record, smtp_factory) -> None:
    """Give each notice to the server; the ones it took move to ``report.sent`` as they are recorded."""
    connection = None
    down = ""  # why the server cannot be reached: every notice left is unsent for that reason
    try:
        for notice in due:
            if not down and connection is None:
                try:
                    connection = _connect(config, smtp_factory)
                except CannotSend:
                    raise
                except (OSError, smtplib.SMTPException) as exc:
                    down = f"cannot reach the mail server {config.host}:{config.port}: {_reason(exc)}"
            if down:
                report.unsent.append(Unsent(notice.file, notice.address, down))
                continue
            try:
                connection.send_message(_ready(notice, config), from_addr=config.sender, to_addrs=[notice.address])
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                report.unsent.append(Unsent(notice.file, notice.address, f"the server refused the recipient: {code} {_text(text)}"))
                continue
            except smtplib.SMTPSenderRefused as exc:
                report.unsent.append(Unsent(notice.file, notice.address,
                                            f"the server refused the sender {config.sender}: {exc.smtp_code} {_text(exc.smtp_error)}"))
                continue
            except smtplib.SMTPServerDisconnected as exc:
                down = f"the mail server {config.host}:{config.port} closed the connection: {_reason(exc)}"
                connection = None
                report.unsent.append(Unsent(notice.file, notice.address, down))
                continue
            except smtplib.SMTPResponseException as exc:  # SMTPDataError and the like: this message only
                report.unsent.append(Unsent(notice.file, notice.address, f"the server refused the message: {exc.smtp_code} {_text(exc.smtp_error)}"))
                continue
            except (OSError, smtplib.SMTPException) as exc:  # a timeout or a reset: the server is gone
                down = f"the mail server {config.host}:{config.port} stopped answering: {_reason(exc)}"
                connection = None
                report.unsent.append(Unsent(notice.file, notice.address, down))
                continue
            record(notice)
            report.sent.append(notice)
    finally:
        if connection is not None:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()


def _connect(config: SmtpConfig, smtp_factory) -> smtplib.SMTP:
    """A connection ready to take mail: STARTTLS when asked (checked before any login or message), then the login."""
    connection = smtp_factory(config.host, config.port, timeout=config.timeout)
    try:
        if config.starttls:
            connection.ehlo()
            if not connection.has_extn("starttls"):
                raise CannotSend(f"the mail server {config.host}:{config.port} does not offer STARTTLS and the SMTP config "
                                 "asks for it (starttls = true): nothing was sent")
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        if config.username:
            try:
                connection.login(config.username, config.password or "")
            except smtplib.SMTPAuthenticationError as exc:
                raise CannotSend(f"the mail server {config.host}:{config.port} refused the login of {config.username}: "
                                 f"{exc.smtp_code} {_text(exc.smtp_error)}; nothing was sent") from None
            except smtplib.SMTPNotSupportedError:
                raise CannotSend(f"the mail server {config.host}:{config.port} does not accept a login (no AUTH); "
                                 "remove username from the SMTP config or use another server; nothing was sent") from None
    except BaseException:
        connection.close()
        raise
    return connection


def _ready(notice: Outgoing, config: SmtpConfig) -> EmailMessage:
    """The notice as it is sent: from the config's sender, dated now, no longer a draft."""
    message = notice.message
    for header in ("From", "Date", "Message-ID", UNSENT_HEADER):
        del message[header]
    message["From"] = config.sender
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=config.sender.rsplit("@", 1)[1])
    return message


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())
