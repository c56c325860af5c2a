"""Blank input workbooks for coordinators, written from the table contracts in ``schemas/``.

One workbook per table (``employees.xlsx``, ``coach_log.xlsx``, ...): the coach log goes to coaches,
the candidate log to candidates, the confidential recommendations stay in a file of their own, and
the run reads any number of workbooks anyway. Each holds the table's sheet — the first accepted
header of every column, a frozen header row, a dropdown for every enumeration, date and hour
formats, an input message per column — then an ``Instructions`` sheet in plain English.

Row 2 is an example whose first cell is ``EXAMPLE``: the reader skips such rows, so a coordinator
may keep it, overwrite it or delete it. Nothing here is a hand-kept copy of a table: adding a
column or a header alias to ``schemas/`` changes the templates too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .contracts import Column, Table, tables
from .errors import UsageError
from .policy import preset_names
from .atomic import atomic_path

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

TEMPLATE_ROWS = 10_000  # rows below the header that carry the dropdowns and input messages
HEADER_ROW = 0  # 0-based: the header is row 1, the example row 2, data from row 3
EXAMPLE_ROW = 1
DATE_FORMAT = "yyyy-mm-dd"
# Durations keep Excel's General format: 1.5 shows as typed, and a typed 1:30 becomes a time cell
# (a number format such as 0.00 would keep it as 0.0625 of a day, shown "0.06", read as 0.06 h).
ID_FORMAT = "@"  # text, so 012345 keeps its leading zero

# Excel's own limits: longer titles or messages make Excel reject the whole validation.
_TITLE_LIMIT = 32
_MESSAGE_LIMIT = 255
_LIST_LIMIT = 255  # characters of a dropdown's comma-separated source
_CREATED = dt.datetime(2026, 1, 1)  # a fixed creation time: the same contracts give the same bytes

_WHAT_TO_TYPE = {
    "id": "An employee ID number, exactly as in HR records.",
    "text": "Free text.",
    "integer": "A whole number, e.g. 23.",
    "rating": "A rating from 1 (lowest) to 5 (highest).",
    "date": "A date, e.g. 2026-03-02 (or 3/2/2026 for March 2).",
    "duration": "Hours as a number: 1.5 is an hour and a half (1:30 and 90 min are read too).",
    "yesno": "Yes or No (pick from the list).",
}
_YES_NO = ("Yes", "No")


def template_filename(table: Table) -> str:
    return f"{table.name}.xlsx"


def write_templates(directory: Path, *, force: bool = False) -> tuple[list[Path], list[Path], list[Path]]:
    """Write one blank workbook per table and the certificate template into ``directory`` (created if
    missing); return the paths written new, the paths replaced (``force``) and the paths kept.

    An existing workbook of the same name is a coordinator's file: nothing is written unless
    ``force`` is given, so a refusal never leaves half the set replaced. ``force`` replaces the
    workbooks only: a certificate template already there holds the coordinator's wording, and is kept.
    """
    from .documents.template import DEFAULT_TEMPLATE_NAME, default_template_text  # imports pandas: not at start-up

    targets = [(table, directory / template_filename(table)) for table in tables().values()]
    targets.append((None, directory / DEFAULT_TEMPLATE_NAME))  # the certificates' wording, to edit in Notepad
    try:  # a folder that cannot be looked into (Permission denied) is said so, as one that cannot be written
        _refuse_a_file_on_the_way(directory)
        there = {path for _, path in targets if path.exists()}
    except OSError as exc:
        raise UsageError(f"cannot write the templates in {directory}: {exc.strerror or exc}") from None
    if there and not force:
        existing = [path.name for _, path in targets if path in there]
        raise UsageError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} in {directory}; "
            "nothing was written (use --force to replace the workbooks, or choose another folder)"
        )
    kept = [path for table, path in targets if table is None and path in there]
    targets = [(table, path) for table, path in targets if path not in kept]
    import xlsxwriter.exceptions  # here, not at the top: the command line's help does not need it

    created: list[Path] = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for table, path in targets:
            with atomic_path(path) as temp:
                if table is None:  # the certificate template, with Windows line ends for Notepad
                    temp.write_bytes(default_template_text().replace("\n", "\r\n").encode("utf-8"))
                else:
                    temp.write_bytes(_template_bytes(table))
            if path not in there:
                created.append(path)
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        for path in created:  # a full disk leaves no part of the set: the next try is not refused as "already there"
            with contextlib.suppress(OSError):
                path.unlink()
        cause = exc.args[0] if isinstance(exc, xlsxwriter.exceptions.FileCreateError) and exc.args else exc
        raise UsageError(f"cannot write the templates in {directory}: {getattr(cause, 'strerror', None) or cause}") from None
    written = [path for _, path in targets]
    return [path for path in written if path not in there], [path for path in written if path in there], kept


def _refuse_a_file_on_the_way(directory: Path) -> None:
    """DIR, or the nearest of its parents that exists, must be a folder: a file there is named."""
    for folder in (directory, *directory.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise UsageError(f"{folder} exists and is not a folder: name a folder for the templates"
                                 if folder == directory
                                 else f"{folder} is a file, not a folder: the templates cannot be written in {directory}")
            return


def _template_bytes(table: Table) -> bytes:
    """The table's template workbook, made in memory: a disk that fills as it is saved fails on one
    plain write (xlsxwriter's zip, failing half-way, printed a traceback as it was collected)."""
    buffer = io.BytesIO()
    _write_template(table, buffer)
    return buffer.getvalue()


def _write_template(table: Table, target: io.BytesIO) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"in_memory": True})
    workbook.set_properties({"title": f"{table.title} template", "created": _CREATED})
    formats = {
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "required": workbook.add_format({"bold": True, "bg_color": "#9BC2E6", "border": 1, "text_wrap": True, "valign": "top"}),
        "date": workbook.add_format({"num_format": DATE_FORMAT}),
        "id": workbook.add_format({"num_format": ID_FORMAT}),
        "example": workbook.add_format({"italic": True, "font_color": "#808080"}),
        "example_date": workbook.add_format({"italic": True, "font_color": "#808080", "num_format": DATE_FORMAT}),
        "example_id": workbook.add_format({"italic": True, "font_color": "#808080", "num_format": ID_FORMAT}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "bold": workbook.add_format({"bold": True}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "wrap_bold": workbook.add_format({"text_wrap": True, "valign": "top", "bold": True}),
    }
    sheet = workbook.add_worksheet(_sheet_name(table))
    _write_table_sheet(sheet, table, formats)
    _write_instructions(workbook.add_worksheet(settings.INSTRUCTIONS_SHEET), table, formats)
    sheet.activate()
    workbook.close()


def _sheet_name(table: Table) -> str:
    return table.title[:31]  # Excel's limit on sheet names


def _write_table_sheet(sheet: Worksheet, table: Table, formats: dict) -> None:
    last_row = HEADER_ROW + TEMPLATE_ROWS
    for col, column in enumerate(table.columns):
        header = column.headers[0]
        sheet.write_string(HEADER_ROW, col, header, formats["required" if table.needed_in_rows(column) else "header"])
        sheet.set_column(col, col, _width(column), formats.get(column.type))
        sheet.data_validation(EXAMPLE_ROW, col, last_row, col, _validation(table, column))
        value = settings.EXAMPLE_ROW_MARKER if col == 0 else _example_value(column)
        if isinstance(value, dt.datetime):
            sheet.write_datetime(EXAMPLE_ROW, col, value, formats["example_date"])
        elif isinstance(value, (int, float)):
            sheet.write_number(EXAMPLE_ROW, col, value, formats["example"])
        else:
            sheet.write_string(EXAMPLE_ROW, col, value, formats["example_id" if column.type == "id" else "example"])
    sheet.write_comment(
        EXAMPLE_ROW, 0,
        f"Example row: a row whose first cell is {settings.EXAMPLE_ROW_MARKER} is ignored by the run. "
        "Type your own rows below it; you may also delete it.",
        {"x_scale": 2, "y_scale": 1.2},
    )
    sheet.set_row(HEADER_ROW, 30)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW, len(table.columns) - 1)


def _width(column: Column) -> float:
    longest = max([len(column.headers[0]), *(len(v) for v in (*column.values, *_suggestions(column)))], default=0)
    return min(max(longest + 3, 12), 40)


def _choices(column: Column) -> Sequence[str]:
    return _YES_NO if column.type == "yesno" else column.values


def _suggestions(column: Column) -> Sequence[str]:
    """Values a text column offers in a dropdown without limiting it to them (``suggest`` in schemas/)."""
    if column.suggest == "programs":
        return preset_names()
    return ()


def _dropdown(column: Column, choices: Sequence[str]) -> list[str]:
    choices = list(choices)
    if any("," in choice for choice in choices) or len(",".join(choices)) > _LIST_LIMIT:
        raise ValueError(f"{column.name}: its values do not fit an Excel dropdown list")
    return choices


def _validation(table: Table, column: Column) -> dict:
    """The column's data validation: a dropdown for enumerations, 1–5 for ratings, else a message only."""
    title = column.headers[0][:_TITLE_LIMIT]
    message = _fit(_describe(table, column), _MESSAGE_LIMIT)
    rule: dict = {"input_title": title, "input_message": message}
    if column.type in ("enum", "yesno"):
        choices = _dropdown(column, _choices(column))
        rule |= {"validate": "list", "source": choices, "error_title": title,
                 "error_message": _fit(f"Pick one of: {', '.join(choices)}.", _MESSAGE_LIMIT)}
    elif _suggestions(column):
        # Excel warns about a value not in the list but keeps it when the coordinator says Yes.
        choices = _dropdown(column, _suggestions(column))
        rule |= {"validate": "list", "source": choices, "error_type": "warning", "error_title": title,
                 "error_message": _fit(f"Not one of: {', '.join(choices)}. Keep it (Yes) only if it is "
                                       "another program's name or title.", _MESSAGE_LIMIT)}
    elif column.type == "rating":
        rule |= {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 5, "error_title": title,
                 "error_message": "Type a whole number from 1 to 5."}
    else:
        rule |= {"validate": "any"}
    return rule


def _describe(table: Table, column: Column) -> str:
    """What to type in the column, in plain English (the input message and the Instructions)."""
    if column.type == "enum":
        what = f"One of: {', '.join(column.values)} (pick from the list)."
    elif _suggestions(column):
        what = f"Pick from the list ({', '.join(_suggestions(column))}) or type another value."
    else:
        what = _WHAT_TO_TYPE[column.type]
    parts = ["Required." if table.needed_in_rows(column) else "", what, column.help]
    return " ".join(part for part in parts if part)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _example_value(column: Column) -> object:
    suggestions = _suggestions(column)
    return suggestions[0] if suggestions else column.example


def _write_instructions(sheet: Worksheet, table: Table, formats: dict) -> None:
    """Plain-English instructions, and every column with what to type, generated from the contract."""
    name = _sheet_name(table)
    lines = [
        f"{table.title}: {table.description}",
        f"Type one row per entry on the sheet {name!r}, starting in row {EXAMPLE_ROW + 2}, under the grey example row.",
        f"The example row (its first cell reads {settings.EXAMPLE_ROW_MARKER}) is ignored by the run: keep it, "
        "overwrite it or delete it. If you overwrite it, type or clear every cell: a cell you skip keeps the example's value.",
        "Keep the header row as it is. You may add your own columns to the right; the run ignores them.",
        "Columns in dark blue are required: a row without them is reported and left out.",
        "Pick values from the dropdown lists. Click any cell under a header to see a note on what to type there.",
        "Dates: type them as 2026-03-02 or 3/2/2026 (March 2; month first unless your program reads dates day first).",
        "Put the finished workbook in the inbox folder and run: coaching-batch run INBOX (installed with "
        "pip install .); after make demo, in the project's folder: .venv/bin/coaching-batch run INBOX "
        "(on Windows .venv\\Scripts\\coaching-batch.exe run INBOX).",
        f"Leave this sheet's name as {settings.INSTRUCTIONS_SHEET!r}: the run knows it holds no data.",
    ]
    if table.confidential:
        lines.insert(1, "CONFIDENTIAL: nothing typed here is copied into any output. The run only checks the program's "
                        "rules with it (the results say at most that a form was received, and when). "
                        "Share this file with no one.")
    if table.log:
        lines.append("You may add a 'Total Hours' row at the bottom; the run checks it against the rows above.")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 90)
    sheet.write_string(0, 0, f"How to fill in the {table.title} template", formats["title"])
    row = 2
    for line in lines:
        sheet.write_string(row, 0, line)
        row += 1
    row += 1
    for col, label in enumerate(("Column", "Required", "What to type")):
        sheet.write_string(row, col, label, formats["header"])
    for column in table.columns:
        row += 1
        sheet.write_string(row, 0, column.headers[0], formats["wrap_bold"])
        sheet.write_string(row, 1, "Yes" if table.needed_in_rows(column) else "", formats["wrap"])
        description = _describe(table, column).removeprefix("Required. ")
        also = ", ".join(column.headers[1:])
        if also:
            description += f" (A header reading {also} is read too.)"
        sheet.write_string(row, 2, description, formats["wrap"])

