"""Find the workbooks in the inbox and refuse dangerous ones before they are opened.

Nothing in the inbox is ever modified: files are opened read-only. Each workbook is hashed by the
worker that reads it (:mod:`coaching_batch.read`), so the bytes are read once, in parallel.
"""

from __future__ import annotations

import lzma
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from defusedxml import ElementTree  # entities refused, never expanded (SPEC §3)
from xml.parsers import expat

from . import settings
from .errors import UsageError
from .sheet_xml import column_letters, column_number, filled_extent


@dataclass
class Candidate:
    """One entry of the inbox: a workbook to read, or something skipped with a reason."""

    path: Path
    relpath: str
    size: int | None = None  # bytes, of a file (a folder or a link has none)
    skip_reason: str = ""  # set when the entry is not read at all


def workbook_suffix(path: str | Path) -> str:
    """A file's extension as its format is told by: `.xlsx` also for `Log.XLSX` and for `Log.xlsx `,
    a name a Mac keeps with its trailing space (python-calamine reads the file all the same)."""
    name = os.path.basename(os.fspath(path).rstrip("/"))
    dot = name.rfind(".")
    return name[dot:].lower().rstrip() if 0 < dot < len(name) - 1 else ""  # as Path(path).suffix: `.xlsx` alone is a name


def copy_name_length(path: str | Path) -> int:
    """The length of a file's name without its extension: a copy's name adds to its original's
    (`Copy of Log.xlsx`, `Log (1).xlsx`), and the longer is the copy. Without the extension, so that a
    log saved in another format (`Log - Summer.ods` for `Log - Summer.xlsx`) is not taken for another's original."""
    name = os.path.basename(os.fspath(path).rstrip("/"))
    return name.rfind(".") if workbook_suffix(name) else len(name)


POLICY_FILE_SKIPPED = "a policy file: a run applies one only when given with --program FILE.toml"


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
    suffix = workbook_suffix(path)
    if suffix == ".toml":  # left beside the workbooks, it would apply to nothing without a word
        return POLICY_FILE_SKIPPED
    if suffix in settings.UNREAD_SPREADSHEETS:
        return settings.UNREAD_SPREADSHEETS[suffix]
    if suffix not in settings.WORKBOOK_SUFFIXES:
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


# A folder of the run's own, inside an inbox read with its sub-folders, is left out whole, so that what a
# run wrote is never read back as the inbox's tables: the ledger's folder, known by its ledger file
# (ledger.LEDGER_FILENAME), and an earlier run's output folder, known by two or more of its outputs
# (reports.OUTPUT_NAMES): its run.json beside its workbooks, or the workbooks without it (deleted, or a run
# stopped while putting its outputs in place). A sub-folder merely named like one, or one file of that
# name among a coach's workbooks, leaves nothing out.
LEDGER_FILE = "ledger.sqlite"
OUTPUT_FILES = frozenset({"results.xlsx", "payments.xlsx", "exceptions.xlsx", "run.json"})


def _run_folders(entries: list[tuple[tuple[str, ...], Path]]) -> dict[tuple[str, ...], str]:
    """The run's own folders among ``entries`` (path parts below the inbox → what the folder is)."""
    held: dict[tuple[str, ...], set[str]] = {}
    for parts, path in entries:
        if len(parts) > 1 and (parts[-1] == LEDGER_FILE or parts[-1] in OUTPUT_FILES) and path.is_file():
            held.setdefault(parts[:-1], set()).add(parts[-1])
    return {folder: "the ledger" if LEDGER_FILE in names else "an earlier run's outputs"
            for folder, names in held.items() if LEDGER_FILE in names or len(names) > 1}


def holds_earlier_outputs(folder: Path) -> bool:
    """Whether ``folder`` is an earlier run's output folder, as :func:`_run_folders` knows one (a ledger
    kept in the inbox with ``--state`` is not: the inbox's workbooks are beside it)."""
    return len({name for name in OUTPUT_FILES if (folder / name).is_file()}) > 1


def discover(inbox: Path, *, recursive: bool = False) -> list[Candidate]:
    """Every entry of the inbox, sorted by path, with its size (a file's); the ones not to read say why.

    ``recursive``: the sub-folders' entries too, but for hidden folders and the run's own folders
    (:func:`_run_folders`), each of which is one skipped entry.
    """
    if not inbox.is_dir():
        raise UsageError(f"inbox {inbox} does not exist or is not a folder")
    # sorted by the parts of each path below the inbox, as paths sort: comparing 10,000 Path
    # objects costs more than listing them
    start = len(inbox.parts)
    entries = sorted((path.parts[start:], path) for path in (inbox.rglob("*") if recursive else inbox.iterdir()))
    left_out = _run_folders(entries) if recursive else {}
    found: list[Candidate] = []
    for parts, path in entries:
        relpath = shown_path(parts)
        if recursive and any(part.startswith(".") or parts[:depth] in left_out for depth, part in enumerate(parts[:-1], 1)):
            continue
        if parts in left_out:
            found.append(Candidate(path=path, relpath=relpath, skip_reason=f"folder of {left_out[parts]} (not read)"))
            continue
        if recursive and path.is_dir() and not path.is_symlink():
            if parts[-1].startswith("."):  # listed, as a hidden file is, so that its workbooks are not missed unsaid
                found.append(Candidate(path=path, relpath=relpath, skip_reason="hidden folder (not read)"))
            elif why := _unlisted(path):  # its workbooks, unseen, would be missing without a word
                found.append(Candidate(path=path, relpath=relpath, skip_reason=f"folder that cannot be read: {why}; "
                                       "its workbooks were not read (give the account that runs the job read access)"))
            continue
        try:
            info = path.lstat()  # one look at the entry itself: a link is never followed
        except OSError as exc:
            found.append(Candidate(path=path, relpath=relpath, skip_reason=f"cannot be read: {exc.strerror or exc}"))
            continue
        reason = _skip_reason(path, info.st_mode)
        size = info.st_size if stat.S_ISREG(info.st_mode) else None  # a skipped file's own size too
        found.append(Candidate(path=path, relpath=relpath, size=size, skip_reason=reason))
    return found


def _unlisted(folder: Path) -> str:
    """Why the entries of a sub-folder cannot be listed (a folder of its own account's, permission
    denied), or '': the recursive listing passes over such a folder without a word."""
    try:
        with os.scandir(folder):
            return ""
    except OSError as exc:
        return exc.strerror or str(exc)


# What reading a zip member raises when the member is damaged (its compressed data corrupt or cut
# short, a compression method not supported), beside a missing member's KeyError: never a crash.
ARCHIVE_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, RuntimeError, NotImplementedError)

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def archive_refuse_reason(archive: zipfile.ZipFile) -> str:
    """Why a zip-based workbook must not be opened (zip bomb, absurd sheet size), or ''; the reader
    asks it of each workbook already open as a zip (``read._inspect``), so each file is opened once.

    May raise what reading a damaged archive raises (:data:`ARCHIVE_ERRORS`).
    """
    infos = archive.infolist()
    if twice := _part_twice(infos) or _sheets_sharing_parts(archive, infos):
        return twice
    if too_large := _inflated_reason(sum(i.file_size for i in infos), sum(i.compress_size for i in infos)):
        return too_large
    declared = 0  # the cells of the sheets before: the limit is the workbook's
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            reason, cells = _worksheet_extent(archive, info, before=declared)
            if reason:
                return reason
            declared += cells
        elif info.filename == "content.xml":  # an .ods: its sheets' extent is known only by reading them
            with archive.open(info) as stream:
                reason = _ods_extent_reason(stream)
            if reason:
                return reason
    return ""


def _inflated_reason(inflated: int, compressed: int) -> str:
    """Why a zip whose members inflate to ``inflated`` bytes from ``compressed`` must not be opened
    (a zip bomb, or more than a workbook should hold), or ''."""
    if inflated > settings.MAX_INFLATED_BYTES:
        return (f"it would inflate to {inflated / 2**20:,.0f} MB (limit {settings.MAX_INFLATED_BYTES / 2**20:,.0f} MB): "
                "if it truly holds that much, split it into smaller workbooks (a log per coach, or per term)")
    compressed = compressed or 1
    if inflated > 1_000_000 and inflated / compressed > settings.MAX_INFLATE_RATIO:
        return f"it would inflate {inflated / compressed:,.0f} times (limit {settings.MAX_INFLATE_RATIO}×)"
    return ""


def plainly_within_limits(data: bytes) -> bool:
    """Whether an .xlsx/.xlsm's bytes are an ordinary zip that :func:`archive_refuse_reason` would
    pass, looked at with `struct` from its table of contents and each sheet's first 4 KB: building a
    ``zipfile.ZipFile`` was most of a log's zip checks, a tenth of reading it. False means only
    "look again in full": anything out of the ordinary (a zip64 record, a comment, data before the
    zip, encryption, a method other than stored or deflated, a name not plain ASCII or given twice,
    Excel tables, a long sheet list, a sheet whose head or size is anything but plainly fine, a
    member cut short) is left to the full checks, which alone say why a file is refused."""
    entries = _plain_entries(data)
    if entries is None:
        return False
    if _inflated_reason(sum(size for _, _, _, size, _, _ in entries), sum(packed for _, _, packed, _, _, _ in entries)):
        return False
    declared = 0
    for name, method, packed, size, offset, _ in entries:
        if name.startswith("xl/tables/") or name == "content.xml":  # Excel tables, or an .ods named .xlsx
            return False
        if name == "xl/workbook.xml" and size > settings.LONG_SHEET_LIST_BYTES:
            return False
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            head = _member_head(data, name, method, packed, size, offset)
            if head is None or declares_entities(head) or not _PLAIN_PROLOG.match(head):
                return False
            extent = _dimension(head)
            if extent and extent_reason("", *extent, before=declared):
                return False
            declared += extent[0] * extent[1] if extent else 0
    return True


def plain_part(data: bytes, name: str) -> bytes | None:
    """The part ``name`` of an ordinary .xlsx/.xlsm held in memory (one :func:`plainly_within_limits`
    passes), inflated whole from its table of contents with `struct` and zlib; None where the part is
    not there or anything is out of the ordinary (it is then read with ``zipfile``, which says what is
    wrong). Building a ``zipfile.ZipFile`` to read one small part cost more than the part's use."""
    entries = _plain_entries(data)
    entry = next((entry for entry in entries or () if entry[0] == name), None)
    if entry is None or entry[3] > settings.MAX_INFLATED_BYTES:
        return None
    _, method, packed, size, offset, crc = entry
    # its bytes end before the next member's header, or the table of contents: ``zipfile`` refuses a
    # part whose bytes hold another's (a zip bomb's trick) in the Python versions that look for it
    directory = _END.unpack_from(data, len(data) - _END.size)[6]
    until = min((other[4] for other in entries if other is not entry and other[4] >= offset), default=directory)
    stored = _member_bytes(data, name, packed, offset, until)
    if stored is None:
        return None
    if method == 0:
        whole = stored
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            whole = inflater.decompress(stored, size + 1)
        except zlib.error:
            return None
        if not inflater.eof:
            return None
    return whole if len(whole) == size and zlib.crc32(whole) == crc else None


def _plain_entries(data: bytes) -> list[tuple[str, int, int, int, int, int]] | None:
    """The members of an ordinary zip held in memory, from its table of contents: (name, method, packed
    size, size, offset of its local header, CRC) each; None where it is anything but plainly a zip
    ``zipfile`` reads as it is (a zip64 record, a comment, data before the zip, encryption, a method
    other than stored or deflated, a version past 2.0, a name not plain ASCII or given twice)."""
    end = len(data) - _END.size
    if end < 0 or data[end:end + 4] != b"PK\x05\x06" or data[end - 20:end - 16] == b"PK\x06\x07":
        return None
    _, disk, cd_disk, _, count, cd_size, cd_at, comment = _END.unpack_from(data, end)
    if disk or cd_disk or comment or cd_at + cd_size != end or count == 0xFFFF:
        return None
    entries, names, at = [], set(), cd_at
    while at < end:
        if end - at < _ENTRY.size or data[at:at + 4] != b"PK\x01\x02":
            return None
        (_, _, needs, flags, method, _, _, crc, packed, size, name_len, extra_len, note_len, _, _, _,
         offset) = _ENTRY.unpack_from(data, at)
        raw = data[at + _ENTRY.size:at + _ENTRY.size + name_len]
        name = raw.decode("ascii", "replace")
        if (needs > _PLAIN_ZIP_VERSION or flags & _UNREAD_FLAGS or method not in (0, 8)
                or 0xFFFFFFFF in (packed, size, offset) or len(raw) != name_len
                or not name.isprintable() or not name.isascii() or name in names):
            return None
        names.add(name)
        entries.append((name, method, packed, size, offset, crc))
        at += _ENTRY.size + name_len + extra_len + note_len
    return entries if len(entries) == count else None


_PLAIN_ZIP_VERSION = 20  # the zip version a member stored or deflated needs (zip64 needs 45)
_UNREAD_FLAGS = 0x01 | 0x20 | 0x40  # encrypted, patched data, strong encryption: zipfile refuses to read them
_END = struct.Struct("<4s4H2LH")  # a zip's end of central directory record
_ENTRY = struct.Struct("<4s6H3L5H2L")  # an entry of its central directory, before its name


def _member_head(data: bytes, name: str, method: int, packed: int, size: int, offset: int) -> bytes | None:
    """A zip member's first 4 KB as ``zipfile`` would read them, or None where its local header is
    not the directory's, its data runs past the file, or it does not inflate whole and plainly."""
    packed_bytes = _member_bytes(data, name, packed, offset)
    if packed_bytes is None:
        return None
    if method == 0:
        return packed_bytes[:4096] if packed == size else None  # as stored: its size is what it holds
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        head = inflater.decompress(packed_bytes, 4096)
    except zlib.error:
        return None
    return head if len(head) == min(size, 4096) and (size >= 4096 or inflater.eof) else None


def _member_bytes(data: bytes, name: str, packed: int, offset: int, until: int | None = None) -> bytes | None:
    """A zip member's bytes as stored, or None where its local header is not the directory's or its
    data runs past the file (or past ``until``)."""
    if data[offset:offset + 4] != b"PK\x03\x04" or offset + _LOCAL.size > len(data):
        return None
    name_len, extra_len = _LOCAL.unpack_from(data, offset)
    start = offset + _LOCAL.size + name_len + extra_len
    if (data[offset + _LOCAL.size:offset + _LOCAL.size + name_len] != name.encode()
            or start + packed > (len(data) if until is None else until)):
        return None
    return data[start:start + packed]


_LOCAL = struct.Struct("<26x2H")  # a member's local header, before its name: its name's and extra field's lengths


def _part_twice(infos: list[zipfile.ZipInfo]) -> str:
    """Why a zip holding two parts of one name must not be opened, or '': which of them a reader takes
    is its own choice (the values read and the cells looked at again could come from different copies),
    and Excel refuses such a file as damaged."""
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            return f"it is damaged: it holds two parts named {info.filename} (Excel refuses such a file)"
        seen.add(info.filename)
    return ""


_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")
_SHEET_LISTED = re.compile(rb"<(?:\w+:)?sheet\b")  # a sheet in xl/workbook.xml's list (not <sheets>)


def _sheets_sharing_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str:
    """Why a workbook listing more sheets than it holds sheet parts must not be opened, or '': sheets
    are one part listed again, each read again in full (Excel never saves that: 50,000 sheets over one
    small part, a 0.5 MB file, took 3 minutes and 1.4 GB). Looked at only when the list itself is long
    (:data:`.settings.LONG_SHEET_LIST_BYTES`): a workbook of a few hundred sheets costs nothing more."""
    listing = next((info for info in infos if info.filename == "xl/workbook.xml"), None)
    if listing is None or listing.file_size <= settings.LONG_SHEET_LIST_BYTES:
        return ""
    with archive.open(listing) as stream:
        listed = sum(1 for _ in _SHEET_LISTED.finditer(stream.read(settings.MAX_INFLATED_BYTES)))
    parts = sum(1 for info in infos if info.filename.startswith(_SHEET_FOLDERS) and info.filename.count("/") == 2)
    if listed <= parts:
        return ""
    return (f"it is damaged: it lists {listed:,} sheets but holds {parts:,} sheet parts, so sheets are one part "
            "listed again (Excel never saves that)")


def _worksheet_extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo, before: int) -> tuple[str, int]:
    """Why a worksheet must not be opened ('' if it may), and the cells it counts for: those of its
    `<dimension>`, or, where that is past the cell limit though within Excel's grid, those up to its
    last filled cell (cells only formatted hold nothing the reader builds: a border drawn down a
    column to row 1,048,576 makes the dimension reach that row while the table ends at row 40)."""
    with archive.open(info) as stream:
        head = stream.read(4096)
        declared = declares_entities(head) or (not _PLAIN_PROLOG.match(head) and _declared_after(head, stream))
    if declared:
        return entities_refused(info.filename), 0
    extent = _dimension(head)
    if not extent:
        return "", 0
    name, where = info.filename.rsplit("/", 1)[-1], _REF.search(_DIMENSION.search(head)[0])
    reach = where[1].decode() if where else ""
    reason = extent_reason(name, *extent, before=before)
    if reason and not _past_excel(*extent):
        filled = filled_extent(archive, info.filename)
        if filled and filled != extent:
            extent, reach = filled, f"{column_letters(filled[1])}{filled[0]}"
            reason = extent_reason(name, *extent, before=before).replace("declares", "is filled to", 1)
    return (_named(archive, info.filename, reason, reach) if reason else ""), extent[0] * extent[1]


ENTITIES_DECLARED = "declares XML entities"


def declares_entities(head: bytes) -> bool:
    """Whether an XML part's first bytes declare a DTD (entities, or an external one): it comes before
    the part's root element, so in its head."""
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


class _PrologEnd(Exception):
    """The parser reached the root element or a declaration: the prolog is read."""


# A part opening as Excel and every writer seen write it: the XML declaration, then the root element.
# Nothing can come after the root's start that declares entities, so the parser is not needed.
_PLAIN_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml\s[^<>]*\?>)?\s*<[A-Za-z_]")


def _declared_after(head: bytes, stream) -> bool:
    """Whether a part's prolog declares a DTD past its first bytes (a comment of kilobytes before it):
    the prolog is parsed up to the root element, as the XML parser tells comments from markup."""
    declared = []

    def doctype(*_: object) -> None:
        declared.append(True)
        raise _PrologEnd

    def root(*_: object) -> None:
        raise _PrologEnd

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler, parser.StartElementHandler = doctype, root
    try:
        for chunk in chain((head,), iter(lambda: stream.read(_ODS_CHUNK), b"")):
            parser.Parse(chunk, False)
    except _PrologEnd:
        pass
    except expat.ExpatError:  # malformed: the reader says what it is
        return False
    return bool(declared)


def entities_refused(part: str) -> str:
    """Why a workbook whose XML part declares entities is not read (the reader may drop a cell using
    one without a word: a number cell's `&a;`)."""
    return f"its part {part} {ENTITIES_DECLARED}: refused, never expanded (Excel writes none: a hostile or hand-made file?)"


_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding its XML."""
    workbook, rels = (ElementTree.fromstring(archive.read(name)) for name in _WORKBOOK_PARTS)
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels if rel.tag.endswith("Relationship")}
    parts = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet"):
            rid = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
            target = targets.get(rid, "")
            if target:
                parts[element.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _named(archive: zipfile.ZipFile, member: str, reason: str, reach: str) -> str:
    """A refused worksheet's reason with the sheet named as Excel shows it (`sheet Log`, not
    `sheet1.xml`) and the range it declares (`A1:XFD401`: a cell typed far beyond the table?)."""
    try:
        name = next((name for name, part in sheet_parts(archive).items() if part == member), None)
    except (KeyError, ValueError, ElementTree.ParseError, *ARCHIVE_ERRORS):
        name = None
    said = f"sheet {name}" if name else member.rsplit("/", 1)[-1]
    reason = reason.replace(member.rsplit("/", 1)[-1], said, 1)
    if reach and "more than Excel allows" not in reason:
        reason += (f"; it reaches cell {reach}: if its table ends well before, delete the columns and"
                   " rows beyond the table and save")
    return reason


_REF = re.compile(rb'\bref="[A-Z]*\d*:?([A-Z]+\d+)"')


def _dimension(head: bytes) -> tuple[int, int] | None:
    """(rows, columns) a worksheet's `<dimension>` declares, or None."""
    match = _DIMENSION.search(head)
    if not match:
        return None
    last_col, last_row = match.group(3) or match.group(1), match.group(4) or match.group(2)
    if not last_col or not last_row:
        return None
    return int(last_row), column_number(last_col)


def _past_excel(rows: int, cols: int) -> bool:
    return rows > settings.MAX_SHEET_ROWS or cols > settings.MAX_SHEET_COLUMNS


def extent_reason(sheet: str, rows: int, cols: int, before: int = 0) -> str:
    """Why a sheet of ``rows`` × ``cols`` cells must not be opened, or ''; ``before``: the cells the
    workbook's sheets before it declare (the limit is on all of them)."""
    if _past_excel(rows, cols):
        return f"{sheet} declares {rows:,} rows × {cols:,} columns, more than Excel allows"
    if before + rows * cols > settings.MAX_DECLARED_CELLS:
        others = f", the workbook's other sheets {before:,} more" if before else ""
        return (f"{sheet} declares {rows:,} rows × {cols:,} columns ({rows * cols:,} cells{others}; "
                f"limit {settings.MAX_DECLARED_CELLS:,} a workbook)")
    return ""


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_CELLS = {f"{_ODS_TABLE} table-cell", f"{_ODS_TABLE} covered-table-cell"}
_ODS_VALUES = {f"{_ODS_OFFICE} {name}" for name in ("value", "date-value", "time-value", "boolean-value", "string-value")}
_ODS_FORMULA = f"{_ODS_TABLE} formula"
_ODS_CHUNK = 1 << 16  # content.xml is read this much at a time: its size never matters


class Refused(Exception):
    """An .ods's XML declares entities, or one of its sheets is found too large as it is read."""


class _OdsExtent:
    """The extent of each sheet of an .ods content.xml, counted as it streams past.

    A sheet's rows and cells may carry `number-rows-repeated` / `number-columns-repeated`: a tiny
    file can declare millions of cells, which the reader would then build. Only rows and cells that
    hold something (text, a value or a formula) extend a sheet, so LibreOffice's own trailing blank
    rows and columns, repeated to the edge of the grid, never count.
    """

    def __init__(self) -> None:
        self.sheet = "a sheet"
        self.rows = self.last_column = 0  # of the current sheet: rows so far, its last column that holds something
        self.row_repeat = 1
        self.column = 0  # columns so far in the current row
        self.row_last_column = 0  # the last column of the current row that holds something
        self.cell_repeat = 0  # of the open cell (0: no cell open)
        self.cell_filled = False
        self.inside_cell = 0  # depth of the elements open inside the cell
        self.last_row = 0  # of the current sheet: its last row that holds something
        self.before = 0  # the cells of the sheets before it (the limit is the workbook's)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.cell_repeat:  # anything inside a cell (a paragraph of text, a note) fills it
            self.cell_filled = True
            self.inside_cell += 1
        elif tag in _ODS_CELLS:
            self.cell_repeat = ods_repeat(attrs.get(f"{_ODS_TABLE} number-columns-repeated"))
            self.cell_filled = _ODS_FORMULA in attrs or not _ODS_VALUES.isdisjoint(attrs)
        elif tag == f"{_ODS_TABLE} table-row":
            self.row_repeat = ods_repeat(attrs.get(f"{_ODS_TABLE} number-rows-repeated"))
            self.column = self.row_last_column = 0
        elif tag == f"{_ODS_TABLE} table":
            self.sheet = attrs.get(f"{_ODS_TABLE} name", "a sheet")
            self.rows = self.last_column = self.last_row = 0

    def end(self, tag: str) -> None:
        if self.inside_cell:
            self.inside_cell -= 1
        elif self.cell_repeat:  # the cell itself ends
            self.column += self.cell_repeat
            self.cell_repeat = 0
            if self.cell_filled:
                self.row_last_column = self.column
                self.last_row = self.rows + self.row_repeat
                reason = extent_reason(f"sheet {self.sheet}", self.last_row, max(self.last_column, self.column), self.before)
                if reason:
                    raise Refused(reason)
        elif tag == f"{_ODS_TABLE} table-row":
            self.rows += self.row_repeat
            self.last_column = max(self.last_column, self.row_last_column)
        elif tag == f"{_ODS_TABLE} table":
            self.before += self.last_row * self.last_column


def ods_repeat(value: str | None) -> int:
    """A `number-…-repeated` count; one when it is not a plain number, and capped far past any limit."""
    if not value or not (value.isascii() and value.isdigit()):
        return 1
    digits = value.lstrip("0")
    return max(1, int(digits)) if len(digits) <= 15 else 10**15


def _forbid(*_: object) -> None:
    raise Refused("its content declares XML entities")


def xml_parser() -> expat.XMLParserType:
    """A streaming XML parser (it keeps no tree) that refuses entities: a declaration raises
    :class:`Refused` and is never expanded. Names come as ``namespace local-name``."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = _forbid
    return parser


def _ods_extent_reason(stream) -> str:
    """Why an .ods must not be opened because a sheet holds more than Excel allows, or ''.

    content.xml is streamed through an XML parser that keeps no tree, so memory stays small
    whatever the file declares; entities are refused, never expanded. XML that cannot be parsed is
    left to the reader to report.
    """
    extent = _OdsExtent()
    parser = xml_parser()
    parser.StartElementHandler, parser.EndElementHandler = extent.start, extent.end
    try:
        for chunk in iter(lambda: stream.read(_ODS_CHUNK), b""):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except Refused as refused:
        return str(refused)
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError):  # malformed: the reader says what it is
        return ""
    return ""
