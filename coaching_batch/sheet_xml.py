"""An .xlsx/.xlsm sheet's XML looked through for what the reader does not give: read a piece at a time,
never held whole, with patterns that read it once in time linear in its size."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from itertools import chain

from defusedxml import ElementTree  # entities refused, never expanded (SPEC §3)

PIECE = 1 << 20  # a sheet's XML is searched this much at a time, never held whole
LONGEST_CELL = 8 << 20  # far past Excel's 32,767 characters a cell: a longer one is not looked into

# A cell's content, up to its `</c>`, never past the next cell's start: each pattern that uses it then
# reads the XML once, in time linear in its size, whatever it holds (a comment of thousands of unclosed
# `<c t="e">`, a tag of thousands of attributes, made a search of a 200 KB sheet last minutes).
IN_CELL = rb"[^<]*(?:<(?!/c>|c[\s>/])[^<]*)*"
CELL_REF = re.compile(rb"\br=\"([A-Z]{1,3})0*(\d{1,7})\"")  # no row of Excel has more digits (a hostile one of thousands cannot be an int)

_FILLED_CELL = re.compile(rb"<c\b([^<>]*)(?<!/)>(" + IN_CELL + rb")</c>")
_HOLDS = (b"<v", b"<is", b"<f")  # a value, an inline text or a formula
_PREFIXED = re.compile(rb"<\w+:(?:c|row)\b")  # a prefixed cell or row left so (its sheet's root tag has none)


def pieces(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A sheet's XML in pieces of about a megabyte, each cut just before a cell or a row starts, so
    that no cell (as :data:`IN_CELL` reads it) or row tag is split. A sheet of hundreds of MB read
    whole took twice its size in memory, in each worker, and again in the run itself.

    Written as Excel writes it, whoever wrote it: tags without their namespace prefix (`<x:c>`, as
    the Open XML SDK writes them, is `<c>`), and each row and cell saying where it is (a writer may
    leave out `r`: a row then follows the row before, a cell the cell before)."""
    places = _Places()
    with archive.open(part) as stream:
        for xml in _cut(_unprefixed(iter(lambda: stream.read(PIECE), b""))):
            yield places.placed(xml)


def holds(archive: zipfile.ZipFile, part: str, marks: tuple[bytes, ...]) -> bool:
    """Whether a sheet's XML holds any of ``marks`` (short texts, such as a tag's start), read a piece at
    a time: a quick look before :func:`pieces`, which places every cell and row."""
    tail = b""
    keep = max(map(len, marks)) - 1
    with archive.open(part) as stream:
        for block in iter(lambda: stream.read(PIECE), b""):
            xml = tail + block
            if any(mark in xml for mark in marks):
                return True
            tail = xml[max(len(xml) - keep, 0):]  # a mark cut between two pieces is found in the next
    return False


def _cut(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """``blocks`` cut again just before a cell or a row starts (see :func:`pieces`)."""
    carry = b""
    for block in blocks:
        xml = carry + block
        cut = max(xml.rfind(b"<c"), xml.rfind(b"<row"))
        if cut > 0:
            yield xml[:cut]
            carry = xml[cut:]
        elif cut < 0 or len(xml) > LONGEST_CELL:  # no cell starts here, or no cell so long is Excel's
            yield xml[:-4]
            carry = xml[-4:]  # the start of a tag, maybe
        else:
            carry = xml
    yield carry


_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_ROOT_WITHIN = 1 << 16  # the root tag follows the XML declaration: a sheet's XML starts with it
_TAG_PREFIX = re.compile(rb"<(/?)\w+:")


def _unprefixed(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """``blocks`` with the namespace prefix of every tag dropped, when the sheet's root tag has one
    (`<x:worksheet>`); as they are otherwise (Excel's own). A tag cut off at a block's end waits for the rest."""
    head = b""
    for block in blocks:
        head += block
        root = _ROOT.search(head)
        if root or len(head) > _ROOT_WITHIN:
            break
    else:
        root = None
    if not (root and root[1]):
        yield head
        yield from blocks
        return
    held = b""
    for block in chain([head], blocks):
        xml = held + block
        end = xml.rfind(b"<")
        if end < 0 or len(xml) - end > LONGEST_CELL:  # no tag here, or none so long
            end = len(xml)
        yield _TAG_PREFIX.sub(rb"<\1", xml[:end])
        held = xml[end:]
    yield _TAG_PREFIX.sub(rb"<\1", held)


_ROW_OR_CELL = re.compile(rb"<(row|c)\b([^<>]*?)(/?>)")
_UNPLACED_TAG = re.compile(rb"<(?:row|c)(?![^<>]*\br=\")[\s>/]")  # a row or a cell that does not say where it is
ROW_NUMBER = re.compile(rb'\br="0*(\d{1,7})"')  # as in CELL_REF


class _Places:
    """Where the rows and cells of a sheet's XML are, as its pieces go by: `r` written into each row
    and cell without one (OOXML lets a writer leave it out)."""

    def __init__(self) -> None:
        self.row = self.column = 0  # the last row's number, the last cell's 1-based column

    def placed(self, xml: bytes) -> bytes:
        if _UNPLACED_TAG.search(xml):
            return _ROW_OR_CELL.sub(self._place, xml)
        self._follow(xml)
        return xml

    def _place(self, match: re.Match) -> bytes:
        tag, attributes, end = match[1], match[2], match[3]
        if tag == b"row":
            number = ROW_NUMBER.search(attributes)
            self.row, self.column = (int(number[1]) if number else self.row + 1), 0
            return match[0] if number else b'<row r="%d"%s%s' % (self.row, attributes, end)
        ref = CELL_REF.search(attributes)
        if ref:
            self.column = column_number(ref[1])
            return match[0]
        self.column += 1
        return b'<c r="%s%d"%s%s' % (column_letters(self.column).encode(), self.row, attributes, end)

    def _follow(self, xml: bytes) -> None:
        """After a piece whose rows and cells all say where they are: where its last ones are."""
        row = xml.rfind(b"<row ")
        if row >= 0 and (number := ROW_NUMBER.search(xml, row, xml.find(b">", row) + 1)):
            self.row, self.column = int(number[1]), 0
        cell = xml.rfind(b"<c ")
        if cell > row and (ref := CELL_REF.search(xml, cell, xml.find(b">", cell) + 1)):
            self.column = column_number(ref[1])


def column_number(letters: bytes) -> int:
    """The 1-based column of a cell reference's letters (``b"AB"`` → 28)."""
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def column_letters(number: int) -> str:
    """The letters of a 1-based column (28 → ``"AB"``)."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def position(attributes: bytes) -> tuple[int, int] | None:
    """(1-based row, 0-based column) of a cell from its ``r="AB12"`` attribute."""
    ref = CELL_REF.search(attributes)
    if not ref:
        return None
    return int(ref[2]), column_number(ref[1]) - 1


def filled_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """(rows, columns) of a sheet up to its last cell that holds something (a value, a text or a
    formula), or None when a cell's place cannot be told from the XML (:func:`pieces` gives every cell
    its place, but for a prefixed one under a root tag without a prefix).

    A cell that is only formatted holds nothing the reader builds: a border drawn down a column to
    row 1,048,576 makes the sheet's `<dimension>` reach that row while its table ends at row 40.
    """
    rows = columns = 0
    for xml in pieces(archive, part):
        if _PREFIXED.search(xml):
            return None
        for match in _FILLED_CELL.finditer(xml):
            if any(mark in match[2] for mark in _HOLDS):
                at = position(match[1])
                if at is None:
                    return None
                rows, columns = max(rows, at[0]), max(columns, at[1] + 1)
    return rows, columns


_ZEROS = re.compile(r"0{2,}")  # a number format of zeros only: `000000` shows 88912 as 088912
_ZEROS_FORMAT = re.compile(rb"""\bformatCode\s*=\s*(["'])0{2,}\1""")  # such a format, in styles.xml as saved


def zero_padded_styles(xml: bytes) -> dict[int, int]:
    """Cell style → the digits its number format pads a whole number to, for the styles whose format
    is zeros only (`000000`: 6), from a workbook's ``xl/styles.xml``. An ID kept as a number shows
    its leading zeros so in Excel."""
    if not _ZEROS_FORMAT.search(xml):  # nearly every workbook: parsed only when a format may be zeros only
        return {}
    root = ElementTree.fromstring(xml)
    widths = {element.get("numFmtId"): len(element.get("formatCode", "")) for element in root.iter()
              if _local(element.tag) == "numFmt" and _ZEROS.fullmatch(element.get("formatCode", ""))}
    if not widths:
        return {}
    formats = next((element for element in root.iter() if _local(element.tag) == "cellXfs"), ())
    styles = [element for element in formats if _local(element.tag) == "xf"]
    return {i: widths[xf.get("numFmtId")] for i, xf in enumerate(styles) if xf.get("numFmtId") in widths}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# a cell holding a whole number (not a text: no t="s" / "str" / "inlineStr"), its formula if any before it
_WHOLE_NUMBER_CELL = re.compile(rb'<c\b((?![^<>]*\bt="(?:s|str|inlineStr|e|b)")[^<>]*)(?<!/)>'
                                rb'(?:<f\b[^<>]*(?:/>|>[^<]*</f>))?<v>(\d+)(?:\.0*)?</v>')
_STYLE = re.compile(rb'\bs="(\d+)"')


def zero_padded_cells(pieces: Iterator[bytes], styles: dict[int, int]) -> dict[tuple[int, int], str]:
    """(1-based row, 0-based column) → the text Excel shows, for each whole-number cell whose style pads
    it with zeros (``styles``, see :func:`zero_padded_styles`)."""
    shown: dict[tuple[int, int], str] = {}
    for xml in pieces:
        if b" s=" not in xml:
            continue
        for match in _WHOLE_NUMBER_CELL.finditer(xml):
            style = _STYLE.search(match[1])
            width = styles.get(int(style[1])) if style else None
            at = position(match[1]) if width else None
            if at:
                shown[at] = match[2].decode().zfill(width)
    return shown

