"""Find the workbooks in the inbox and refuse dangerous ones before they are opened.

Nothing in the inbox is ever modified: files are opened read-only. Each workbook is hashed by the
worker that reads it (:mod:`coaching_batch.read`), so the bytes are read once, in parallel.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import settings
from .errors import UsageError


@dataclass
class Candidate:
    """One entry of the inbox: a workbook to read, or something skipped with a reason."""

    path: Path
    relpath: str
    size: int = 0
    skip_reason: str = ""  # set when the entry is not read at all


def _skip_reason(path: Path, mode: int) -> str:
    """Why the entry is not read ('' if it is a workbook to read); ``mode`` is its own (not followed)."""
    if stat.S_ISLNK(mode):
        return "symbolic link (not followed)"
    if stat.S_ISDIR(mode):
        return "folder"
    if path.name.startswith("~$"):
        return "Excel lock file"
    if path.name.startswith("."):
        return "hidden file"
    if path.suffix.lower() not in settings.WORKBOOK_SUFFIXES:
        return "not a workbook (.xlsx, .xlsm, .xls, .ods)"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return ""


def shown_path(parts: tuple[str, ...]) -> str:
    """The entry's path below the inbox as text every output can hold: a name that is not UTF-8 (an
    old zip tool's "Jos\xe9.xlsx") keeps its odd bytes as ``\\xe9``, so no two names become one."""
    joined = "/".join(parts)
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:  # the bytes the file system gave, kept by Python as lone surrogates
        return joined.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return joined


def discover(inbox: Path, *, recursive: bool = False) -> list[Candidate]:
    """Every entry of the inbox, sorted by path, with its size; the ones not to read say why."""
    if not inbox.is_dir():
        raise UsageError(f"inbox {inbox} does not exist or is not a folder")
    # sorted by the parts of each path below the inbox, as paths sort: comparing 10,000 Path
    # objects costs more than listing them
    start = len(inbox.parts)
    entries = sorted((path.parts[start:], path) for path in (inbox.rglob("*") if recursive else inbox.iterdir()))
    found: list[Candidate] = []
    for parts, path in entries:
        relpath = shown_path(parts)
        if recursive and any(part.startswith(".") for part in parts[:-1]):
            continue
        if recursive and path.is_dir() and not path.is_symlink():
            continue
        try:
            info = path.lstat()  # one look at the entry itself: a link is never followed
        except OSError as exc:
            found.append(Candidate(path=path, relpath=relpath, skip_reason=f"cannot be read: {exc.strerror or exc}"))
            continue
        reason = _skip_reason(path, info.st_mode)
        found.append(Candidate(path=path, relpath=relpath, size=0 if reason else info.st_size, skip_reason=reason))
    return found


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def archive_refuse_reason(archive: zipfile.ZipFile) -> str:
    """Why a zip-based workbook must not be opened (zip bomb, absurd sheet size), or ''; the reader
    asks it of each workbook already open as a zip (``read._inspect``), so each file is opened once.

    May raise what reading the archive raises (OSError, RuntimeError, NotImplementedError).
    """
    infos = archive.infolist()
    inflated = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if inflated > settings.MAX_INFLATED_BYTES:
        return f"it would inflate to {inflated / 2**20:,.0f} MB (limit {settings.MAX_INFLATED_BYTES / 2**20:,.0f} MB)"
    if inflated > 1_000_000 and inflated / compressed > settings.MAX_INFLATE_RATIO:
        return f"it would inflate {inflated / compressed:,.0f} times (limit {settings.MAX_INFLATE_RATIO}×)"
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            with archive.open(info) as stream:
                head = stream.read(4096)
            reason = _dimension_reason(head, info.filename)
            if reason:
                return reason
    return ""


def _dimension_reason(head: bytes, member: str) -> str:
    match = _DIMENSION.search(head)
    if not match:
        return ""
    last_col, last_row = match.group(3) or match.group(1), match.group(4) or match.group(2)
    if not last_col or not last_row:
        return ""
    rows, cols = int(last_row), _column_number(last_col)
    sheet = member.rsplit("/", 1)[-1]
    if rows > settings.MAX_SHEET_ROWS or cols > settings.MAX_SHEET_COLUMNS:
        return f"{sheet} declares {rows:,} rows × {cols:,} columns, more than Excel allows"
    if rows * cols > settings.MAX_DECLARED_CELLS:
        return f"{sheet} declares {rows:,} rows × {cols:,} columns ({rows * cols:,} cells; limit {settings.MAX_DECLARED_CELLS:,})"
    return ""
