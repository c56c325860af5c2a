"""The payment sheet for finance (``payments.xlsx``): one row per stipend newly payable in this run.

Finance imports it, so the header is row 1, there are only the columns below (nothing
confidential: no ratings, references or exception text), and the total under the rows is a plain
number that every importer reads. Each row names its program and how its amount was reached (the
policy's flat stipend, hourly rate or tier); only programs that pay a stipend ever have rows. A dry
run's sheet is laid out the same and marked "not for payment" around the table (DRY_RUN_BANNER).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..model import PAYMENT_COLUMNS, RunResult
from .programs import programs_title, run_programs
from .xlsx import (
    DATE, ERROR_FILL, ERROR_FONT, HOURS, INDENT_WIDTH, MONEY, TEXT, Column, Formats, as_number, column_values,
    column_width, indented_after_number, make_printable, open_workbook, set_header_height, set_wrapped_heights,
    write_fitted_column, write_header,
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
# A dry run's sheet says so where a clerk looks: in the middle of every printed page's header, on a
# red header row and sheet tab, and in a red note under the total (a drawing, not a cell: an import
# of the table, header in row 1 and total last, reads it as it reads a real sheet).
DRY_RUN_BANNER = "DRY RUN — NOT FOR PAYMENT (nothing recorded in the ledger)"
DRY_RUN_NOTE = (f"{DRY_RUN_BANNER}\nThis sheet was written by a dry run: pay nothing from it. The next run that is "
                "not a dry run lists these stipends again, on the sheet to pay from.")
DRY_RUN_NOTE_BOX = {
    "width": 720, "height": 64, "font": {"bold": True, "size": 12, "color": ERROR_FONT},
    "fill": {"color": ERROR_FILL}, "line": {"color": ERROR_FONT, "width": 1.5},
}
PAYMENTS_PER_PAGE = 40  # printed: a page break after every 40 payments; the total prints with the last ones


def payment_total(payments: pd.DataFrame) -> float:
    """The sum of the amounts, added in whole cents so it equals the sum of the printed rows."""
    if "amount" not in payments.columns:
        return 0.0
    cents = sum(round(amount * 100) for amount in (as_number(v, MONEY) for v in payments["amount"].tolist())
                if amount is not None and math.isfinite(amount))
    return cents / 100


DRY_RUN_PROPERTY = "coaching-batch dry run"  # a document property of a dry run's payment sheet


def write_payments(result: RunResult, path: Path) -> None:
    """Write ``payments.xlsx``: sheet ``Payments``, header in row 1, one row per payment, then Total."""
    payments = result.payments
    workbook = open_workbook(path)
    formats = Formats(workbook)
    sheet = workbook.add_worksheet("Payments")
    header_format = None
    if result.dry_run:
        header_format = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1,
                                             "bg_color": ERROR_FILL, "font_color": ERROR_FONT})
        sheet.set_tab_color(ERROR_FONT)
    write_header(sheet, formats, PAYMENT_SHEET, cell_format=header_format)
    wrapped, total = [], payment_total(payments)
    for col, column in enumerate(PAYMENT_SHEET):
        values = column_values(payments, column)
        width = column_width(column, values)
        if column.key == "amount":  # as wide as the total too, printed bold: a larger total showed ####
            width = column_width(column, [*values, total]) + 1
        # text right of a right-aligned amount, indented clear of it (it printed as "$300.00itss-coaching")
        indented = indented_after_number(PAYMENT_SHEET, col)
        if indented:
            width += INDENT_WIDTH
        if write_fitted_column(sheet, formats, col, column, values, width, indent=indented):  # a name too long for the widest column
            wrapped.append((col, values))
    set_header_height(sheet, 0, PAYMENT_SHEET)
    heights = set_wrapped_heights(sheet, wrapped)

    total_row, last_col = len(payments) + 1, len(PAYMENT_SHEET) - 1
    amount_col = PAYMENT_COLUMNS.index("amount")
    sheet.write_string(total_row, 0, TOTAL_LABEL, formats.total_label)
    for col in range(1, last_col + 1):
        if col != amount_col:
            sheet.write_blank(total_row, col, None, formats.total_blank)
    sheet.write_number(total_row, amount_col, total, formats.total_money)

    sheet.autofilter(0, 0, max(total_row - 1, 0), last_col)  # the rows, not the total
    sheet.freeze_panes(1, 0)
    if result.dry_run:
        sheet.insert_textbox(total_row + 2, 0, DRY_RUN_NOTE, DRY_RUN_NOTE_BOX)
        # in the file itself too: a copy taken away from its run.json is still known for a preview
        workbook.set_custom_property(DRY_RUN_PROPERTY, True)
    make_printable(sheet, f"Payments — {paying_programs_title(result)}", as_of=result.as_of, last_row=total_row,
                   last_col=last_col, page_breaks=payment_page_breaks(len(payments), heights),
                   rows_per_page=PAYMENTS_PER_PAGE + 1, banner=DRY_RUN_BANNER if result.dry_run else None)
    workbook.close()


def paying_programs_title(result: RunResult) -> str:
    """The titles of the run's programs that pay a stipend (all of them when none does)."""
    paying = [policy.title or name for name, policy in run_programs(result).items() if policy.payment is not None]
    return "; ".join(paying) or programs_title(result)


def payment_page_breaks(count: int, heights: Sequence[float] = ()) -> list[int]:
    """The rows (0-based; row 0 is the header) that start a printed page: one every
    PAYMENTS_PER_PAGE payments, none that would leave the total alone on a page. ``heights``: each
    payment's row in rows of the default height, when a long name wraps onto a taller one: a page
    then holds no more than its scale is sized for (PAYMENTS_PER_PAGE rows and the total's)."""
    if not len(heights):
        return list(range(1 + PAYMENTS_PER_PAGE, count + 1, PAYMENTS_PER_PAGE))
    room = PAYMENTS_PER_PAGE + 1
    breaks, first, used = [], 1, 0.0
    for row, height in enumerate(heights, start=1):
        if row > first and (used + height > room or row - first == PAYMENTS_PER_PAGE):
            breaks.append(row)
            first, used = row, 0.0
        used += height
    if used + 1 > room and count > first:  # the last page has no room left for the total: its last payment goes with it
        breaks.append(count)
    return breaks
