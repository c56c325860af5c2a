"""Build real .xlsx files for tests, with xlsxwriter (and a hand-made .ods: write_ods).

    write_workbook(tmp_path / "roster.xlsx", {"Roster": roster_rows([{"employee_id": "100", ...}])})

A sheet is a list of rows (lists); the first row you give is usually the header, but title rows may
come first, they are written as given. Values: str (always a string cell, never a formula or a link),
int, float, bool, datetime.date, datetime.datetime, datetime.time (h:mm), None (empty cell).

The ``*_rows`` builders turn dicts keyed by canonical column name (SPEC §3) into a header row of
canonical headers followed by one row per dict. Unknown keys are an error, so a typo in a test fails
loudly.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from unittest.mock import patch

import xlsxwriter

Rows = list[list]

DEFAULT_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "time": "h:mm",
}

# A fixed creation time keeps the bytes of a workbook the same from one write to the next.
_CREATED = dt.datetime(2026, 1, 1, 9, 0, 0)


def _per_sheet(value: int | Mapping[str, int], sheet: str) -> int:
    return value.get(sheet, 0) if isinstance(value, Mapping) else value


def write_workbook(
    path: str | Path,
    sheets: Mapping[str, Rows],
    *,
    start_row: int | Mapping[str, int] = 0,
    start_col: int | Mapping[str, int] = 0,
    hidden: Iterable[str] = (),
    formats: Mapping[str, str] | None = None,
) -> Path:
    """Write ``sheets`` (name → rows) to ``path`` and return the path.

    ``start_row`` / ``start_col`` (0-based; one number for every sheet or a dict per sheet name) leave
    blank rows above and blank columns to the left. ``hidden`` names sheets to hide. ``formats``
    overrides the number formats for "date", "datetime" and "time" cells.
    """
    path = Path(path)
    number_formats = {**DEFAULT_FORMATS, **(formats or {})}
    hidden = set(hidden)
    if hidden - set(sheets):
        raise ValueError(f"hidden names no sheet: {sorted(hidden - set(sheets))}")
    if sheets and hidden >= set(sheets):
        raise ValueError("Excel needs at least one visible sheet")
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": _CREATED})
    fmt = {kind: workbook.add_format({"num_format": code}) for kind, code in number_formats.items()}
    first_visible = None
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        r0, c0 = _per_sheet(start_row, name), _per_sheet(start_col, name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _write(sheet, r0 + r, c0 + c, value, fmt)
        if name in hidden:
            sheet.hide()
        elif first_visible is None:
            first_visible = sheet
    if first_visible is not None:  # Excel cannot show a hidden sheet as the active one
        first_visible.activate()
        first_visible.set_first_sheet()
    workbook.close()
    return path


def _write(sheet, row: int, col: int, value, fmt) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, fmt["datetime"])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, fmt["date"])
    elif isinstance(value, dt.time):
        sheet.write_datetime(row, col, value, fmt["time"])
    elif isinstance(value, str):
        sheet.write_string(row, col, value)
    else:
        raise TypeError(f"cannot write {type(value).__name__} {value!r} to a cell")


# Canonical column → canonical (first accepted) header, per table, in template order (SPEC §3).
HEADERS: dict[str, dict[str, str]] = {
    "employees": {
        "employee_id": "Employee ID",
        "name": "Name",
        "email": "Email",
        "job_title": "Job Title",
        "grade": "Grade",
        "hire_date": "Hire Date",
        "position_start_date": "Position Start Date",
        "supervisor_id": "Supervisor ID",
        "employment_status": "Employment Status",
        "pgs_status": "PGS Status",
        "evaluation_status": "Evaluation Status",
        "coach_training_date": "Coach Training Date",
        "location": "Job Location",
    },
    "recommendations": {
        "prospective_coach_id": "Prospective Coach ID",
        "reference_name": "Reference Name",
        "relationship": "Relationship",
        "rating_people": "People Skills",
        "rating_job_skills": "Job Skills",
        "rating_model_explain": "Model and Explain",
        "rating_communication": "Communication",
        "rating_time_management": "Time Management",
        "overall": "Overall Recommendation",
        "date": "Date",
    },
    "requests": {
        "employee_id": "Employee ID",
        "employee_name": "Employee Name",
        "request_date": "Request Date",
        "current_job_level": "Current Job and Level",
        "target_grade": "Target Grade",
        "enrollment_form_date": "Enrollment Form Date",
        "supervisor_name": "Supervisor's Name",
        "notes": "Additional Notes",
    },
    "assignments": {
        "program": "Program",
        "candidate_id": "Candidate ID",
        "coach_id": "Coach ID",
        "assigned_date": "Assigned Date",
        "planning_meeting_date": "Planning Meeting Date",
        "target_grade": "Target Grade",
        "goal_1": "Goal 1",
        "goal_2": "Goal 2",
        "goal_3": "Goal 3",
        "goals_attained": "Goals Attained",
        "status": "Status",
        "completion_date": "Completion Date",
        "payment_request_date": "Payment Request Date",
        "agreement_date": "Agreement Date",
        "extended_until": "Extended Until",
    },
    "coach_log": {
        "candidate_id": "Candidate ID",
        "coach_id": "Coach ID",
        "date": "Date",
        "contact_type": "Type of Contact",
        "duration": "Duration",
        "description": "Description",
    },
    "candidate_log": {
        "candidate_id": "Candidate ID",
        "coach_id": "Coach ID",
        "date": "Date",
        "duration": "Duration",
        "activity_type": "Activity Type",
        "description": "Description",
    },
    "feedback": {
        "employee_id": "Employee ID",
        "role": "Role",
        "coach_id": "Coach ID",
        "candidate_id": "Candidate ID",
        "feedback_date": "Feedback Date",
        "rating": "Rating",
        "comments": "Comments",
    },
    "milestones": {
        "candidate_id": "Candidate ID",
        "coach_id": "Coach ID",
        "phase": "Phase",
        "date": "Date",
        "campus": "Campus",
        "notes": "Notes",
    },
}


def table_rows(table: str, records: Iterable[Mapping], columns: Iterable[str] | None = None) -> Rows:
    """Header row + one row per record for ``table``.

    ``columns`` picks and orders the columns (canonical names); by default every column of the table
    is written. A record may leave any column out (empty cell).
    """
    headers = HEADERS[table]
    columns = list(columns) if columns is not None else list(headers)
    for name in columns:
        if name not in headers:
            raise KeyError(f"{table} has no column {name!r}")
    rows: Rows = [[headers[name] for name in columns]]
    for record in records:
        unknown = set(record) - set(headers)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
        rows.append([record.get(name) for name in columns])
    return rows


def roster_rows(employees: Iterable[Mapping], columns: Iterable[str] | None = None) -> Rows:
    return table_rows("employees", employees, columns)


def recommendation_rows(recommendations: Iterable[Mapping], columns: Iterable[str] | None = None) -> Rows:
    return table_rows("recommendations", recommendations, columns)


def request_rows(requests: Iterable[Mapping], columns: Iterable[str] | None = None) -> Rows:
    return table_rows("requests", requests, columns)


def assignment_rows(assignments: Iterable[Mapping], columns: Iterable[str] | None = None) -> Rows:
    return table_rows("assignments", assignments, columns)


def coach_log_rows(entries: Iterable[Mapping], columns: Iterable[str] | None = None) -> Rows:
    return table_rows("coach_log", entries, columns)


def candidate_log_rows(entries: Iterable[Mapping], columns: Iterable[str] | None = None) -> Rows:
    return table_rows("candidate_log", entries, columns)


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def edit_part(path: Path, member: str, edit) -> Path:
    """The workbook at ``path`` with its zip ``member`` changed by ``edit`` (bytes → bytes), as a
    hand-made or hostile file would have it."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[member] = edit(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def write_ods(path: Path, header: list[str], rows_xml: str, prolog: str = "", settings: str = "") -> Path:
    """A hand-made .ods: one sheet `Log` with ``header`` as its first row, then ``rows_xml``
    (table:table-row elements as written, so a test can repeat rows and cells as it likes).
    ``settings`` goes before the sheet (``table:calculation-settings``, e.g. a 1904 null date)."""
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>' for h in header)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet>{settings}<table:table table:name="Log"><table:table-row>{cells}</table:table-row>'
        f'{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    return path


def output_texts(folder: Path) -> dict[str, str]:
    """Every output's text: run.json as it is, each workbook's XML parts joined (to search for what must not be there)."""
    import zipfile

    texts = {}
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):  # the documents' folders too
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts[name] = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        elif path.suffix == ".pdf":
            texts[name] = _pdf_text(path)
        else:
            texts[name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def _pdf_text(path: Path) -> str:
    """A PDF's text as a reader sees it (its raw bytes when no PDF reader is installed)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return path.read_bytes().decode("latin-1")
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


COMMAND = Path(sys.executable).parent / "coaching-batch"


@contextmanager
def _no_writers() -> Iterator[list]:
    """In place of :func:`coaching_batch.reports.writers_started`: no writer process; the run writes
    its outputs itself."""
    yield []


def run_command(*args: object, env: Mapping[str, str] | None = None, **options) -> subprocess.CompletedProcess:
    """``coaching-batch ARGS`` as a scheduler runs it: its exit status, standard output and error.

    Run by the command's own ``main`` in this process, as its console script calls it, unless the
    test needs a process of its own: an environment of its own (a crash injected, a console's
    encoding) or other process options (``cwd``, ``stdin``). Starting Python and importing pandas,
    pandera and the PDF library again for each of the suite's hundreds of runs took most of its time.
    Run here, the command also writes its outputs here rather than by its two writer processes: the
    suite keeps every core busy with its own processes, so the writers' start-up (each prepares the
    PDF library and a document anew) was a third more CPU for each small run, gaining nothing. The
    writer processes are tested wherever the command runs as a process of its own.
    """
    if env or options:
        return subprocess.run([str(COMMAND), *map(str, args)], capture_output=True, text=True, timeout=300,
                              env={**os.environ, **(env or {})}, **options)
    from coaching_batch import pipeline
    from coaching_batch.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), patch.object(pipeline, "writers_started", _no_writers):
        try:
            main([str(arg) for arg in args])
            status = 0
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return subprocess.CompletedProcess([str(COMMAND), *map(str, args)], status, out.getvalue(), err.getvalue())
