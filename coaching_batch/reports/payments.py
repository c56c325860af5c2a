"""The payment sheet for finance (``payments.xlsx``): one row per stipend newly payable in this run.

Finance imports it, so the header is row 1, there are only the columns below (nothing
confidential: no ratings, references or exception text), and the total under the rows is a plain
number that every importer reads. Each row names its program and how its amount was reached (the
policy's flat stipend, hourly rate or tier); only programs that pay a stipend ever have rows.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..model import PAYMENT_COLUMNS, RunResult
from .xlsx import (
    DATE, HOURS, MONEY, TEXT, Column, Formats, as_number, cell_writer, column_values, column_width, open_workbook,
    write_header,
)

# Header and kind of each payment column, in model.PAYMENT_COLUMNS order (a new column must be named here).
PAYMENT_HEADERS = {
    "payment_id": ("Payment ID", TEXT),
    "coach_id": ("Coach ID", TEXT),
    "coach_name": ("Coach Name", TEXT),
    "candidate_id": ("Candidate ID", TEXT),
    "candidate_name": ("Candidate Name", TEXT),
    "start_date": ("Start Date", DATE),
    "end_date": ("End Date", DATE),
    "coach_contact_hours": ("Coach Contact Hours", HOURS),
    "candidate_hours": ("Candidate Hours", HOURS),
    "amount": ("Amount", MONEY),
    "program": ("Program", TEXT),
    "amount_basis": ("Amount Basis", TEXT),
}
PAYMENT_SHEET = [Column(key, *PAYMENT_HEADERS[key]) for key in PAYMENT_COLUMNS]

TOTAL_LABEL = "Total"


def payment_total(payments: pd.DataFrame) -> float:
    """The sum of the amounts, added in whole cents so it equals the sum of the printed rows."""
    if "amount" not in payments.columns:
        return 0.0
    cents = sum(round(amount * 100) for amount in (as_number(v, MONEY) for v in payments["amount"].tolist())
                if amount is not None and math.isfinite(amount))
    return cents / 100


def write_payments(result: RunResult, path: Path) -> None:
    """Write ``payments.xlsx``: sheet ``Payments``, header in row 1, one row per payment, then Total."""
    payments = result.payments
    workbook = open_workbook(path)
    formats = Formats(workbook)
    sheet = workbook.add_worksheet("Payments")
    write_header(sheet, formats, PAYMENT_SHEET)
    for col, column in enumerate(PAYMENT_SHEET):
        values = column_values(payments, column)
        write, cell_format = cell_writer(sheet, column.kind), formats.by_kind[column.kind]
        for row, value in enumerate(values, start=1):
            if value is not None:
                write(row, col, value, cell_format)
        sheet.set_column(col, col, column_width(column, values))

    total_row, last_col = len(payments) + 1, len(PAYMENT_SHEET) - 1
    amount_col = PAYMENT_COLUMNS.index("amount")
    sheet.write_string(total_row, 0, TOTAL_LABEL, formats.total_label)
    for col in range(1, last_col + 1):
        if col != amount_col:
            sheet.write_blank(total_row, col, None, formats.total_blank)
    sheet.write_number(total_row, amount_col, payment_total(payments), formats.total_money)

    sheet.autofilter(0, 0, max(total_row - 1, 0), last_col)  # the rows, not the total
    sheet.freeze_panes(1, 0)
    workbook.close()
