"""The ledger's payments as a workbook (``coaching-batch ledger export``): every payment issued or
voided, for finance to reconcile against what was actually paid. It prints as the payment sheet
does: landscape, one page wide, its header row on every page, what it holds in the page header and
"Page n of m" in the footer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from .atomic import atomic_path
from .xlsx import (
    DATE, HOURS, INTEGER, LONG_TEXT, MONEY, TEXT, Column, Formats, make_printable, open_workbook,
    write_table,
)

LEDGER_PAYMENT_COLUMNS = [
    Column("payment_id", "Payment ID", TEXT),
    Column("status", "Status", TEXT),
    Column("issued_on", "Issued On", DATE),
    Column("program", "Program", TEXT),
    Column("coach_id", "Coach ID", TEXT),
    Column("coach_name", "Coach Name", TEXT),
    Column("candidate_id", "Candidate ID", TEXT),
    Column("candidate_name", "Candidate Name", TEXT),
    Column("start_date", "Start Date", DATE),
    Column("end_date", "End Date", DATE),
    Column("coach_contact_hours", "Coach Contact Hours", HOURS),
    Column("candidate_hours", "Candidate Hours", HOURS),
    Column("amount", "Amount", MONEY),
    Column("run_id", "Run", INTEGER),
    Column("voided_on", "Voided On", DATE),
    Column("void_reason", "Void Reason", LONG_TEXT),
]


TITLE = "Payments in the ledger"


def write_ledger_payments(payments: pd.DataFrame, path: Path, *, since: date | None = None, until: date | None = None,
                          coach_id: str | None = None, as_of: date | None = None) -> Path:
    """Write the payments (rows of ``Ledger.payments()``, chosen by the filters ``since``, ``until`` and
    ``coach_id``) to ``path`` atomically, on sheet Payments. Its printed pages name the filters and
    ``as_of``, the day the ledger was read."""
    frame = payments.copy()
    for column in ("issued_on", "start_date", "end_date", "voided_on"):
        frame[column] = pd.to_datetime(frame[column])
    frame["status"] = frame["status"].str.capitalize()
    with atomic_path(path) as temp:
        workbook = open_workbook(temp)
        for sheet in write_table(workbook, Formats(workbook), "Payments", frame, LEDGER_PAYMENT_COLUMNS):
            make_printable(sheet, export_title(since, until, coach_id), as_of=as_of)
        workbook.close()
    return Path(path)


def export_title(since: date | None, until: date | None, coach_id: str | None) -> str:
    """What the export holds, for its page header: "Payments in the ledger issued from 2026-07-01 to
    2026-08-10, coach 103518"."""
    issued = " ".join(filter(None, [since and f"from {since:%Y-%m-%d}", until and f"to {until:%Y-%m-%d}"]))
    return ", ".join(filter(None, [TITLE + (f" issued {issued}" if issued else ""), coach_id and f"coach {coach_id.strip()}"]))
