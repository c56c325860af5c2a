"""The ledger's payments as a workbook (``coaching-batch ledger export``): every payment issued or
voided, for finance to reconcile against what was actually paid."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .atomic import atomic_path
from .xlsx import DATE, HOURS, INTEGER, LONG_TEXT, MONEY, TEXT, Column, Formats, open_workbook, write_table

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


def write_ledger_payments(payments: pd.DataFrame, path: Path) -> Path:
    """Write the payments (rows of ``Ledger.payments()``) to ``path`` atomically, on sheet Payments."""
    frame = payments.copy()
    for column in ("issued_on", "start_date", "end_date", "voided_on"):
        frame[column] = pd.to_datetime(frame[column])
    frame["status"] = frame["status"].str.capitalize()
    with atomic_path(path) as temp:
        workbook = open_workbook(temp)
        write_table(workbook, Formats(workbook), "Payments", frame, LEDGER_PAYMENT_COLUMNS)
        workbook.close()
    return Path(path)
