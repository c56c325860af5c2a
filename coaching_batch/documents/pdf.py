"""The PDF page every document is drawn on: the shipped Unicode font, text made printable, sizes.

Every document embeds DejaVu Sans (``fonts/``, free to redistribute: ``fonts/LICENSE-DejaVu.txt``)
so names such as "Zoë Ångström" or "Nguyễn Thị" print as typed. A character the font has no glyph
for (Chinese, for instance) is printed as the replacement mark and the document records a note,
which the coordinator sees, instead of a blank or a broken line; so is a letter of a right-to-left
script (Arabic, Hebrew): the font has its glyphs, but the documents lay text out left to right and
unjoined: a name would print backwards, its letters apart. Text longer than any sensible
value is shortened, with a note, so a pasted essay cannot push a form off its page.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import pandas as pd
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.drawing import DeviceGray, DeviceRGB
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFException
from fpdf.line_break import BREAKING_SPACE_SYMBOLS_STR, FORM_FEED, NBSP, NEWLINE, SOFT_HYPHEN
from fpdf.syntax import PDFContentStream
from fpdf.util import FloatTolerance

from ..reports.xlsx import ERROR_FONT
from .names import text_of

FONT_DIR = Path(__file__).with_name("fonts")
FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"  # in both DejaVu faces
PAGE_FORMAT = "letter"
MARGIN = 19.05  # mm: three quarters of an inch
GREY = (90, 90, 90)
LONGEST_NAME = 120  # characters of a name or ID printed; the rest is shortened with a note
LABEL_GAP = 2  # mm between a form's label column and its value
LONGEST_TEXT = 600  # characters of a free-text value (a goal) printed
COMPRESSION_LEVEL = 4  # zlib's, for the PDF's streams: a quarter less time than its default (6), files 0.3% larger
BANNER_POINTS = 12  # a banner atop every page (a dry run's "not for payment"), bold, in the payment sheet's red
BANNER_COLOUR = tuple(int(ERROR_FONT[n:n + 2], 16) for n in (1, 3, 5))

RIGHT_TO_LEFT = ("R", "AL")  # bidirectional classes of letters written right to left (Hebrew; Arabic, joined)


@lru_cache(maxsize=1)
def printable_codepoints() -> frozenset[int]:
    """The characters both faces of the shipped font can draw as they are written: not the letters
    of a right-to-left script, which the documents would print backwards (no bidi or shaping)."""
    faces = [TTFont(FONT_DIR / name, lazy=True) for name in FONT_FILES.values()]
    try:
        covered = set(faces[0].getBestCmap())
        for face in faces[1:]:
            covered &= set(face.getBestCmap())
    finally:
        for face in faces:
            face.close()
    return frozenset(code for code in covered if unicodedata.bidirectional(chr(code)) not in RIGHT_TO_LEFT)


@lru_cache(maxsize=50_000)
def _clean(text: str, limit: int) -> tuple[str, int, tuple[int, ...]]:
    """(printable text, length before shortening, codepoints the font lacks): the same text is
    checked once per run, however many documents print it."""
    if not (text.isascii() and text.isprintable()):  # printable ASCII (most names and words) is NFC, with no controls
        text = unicodedata.normalize("NFC", text)
        text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))
    text = " ".join(text.split())  # each run of whitespace one space, none at either end (as re's \s+)
    length = len(text)
    if length > limit:
        text = text[:limit].rstrip() + "…"
    covered = printable_codepoints()
    missing = tuple(sorted(code for code in map(ord, set(text)) if code not in covered))  # each character once
    if missing:
        text = "".join(REPLACEMENT if ord(ch) not in covered else ch for ch in text)
    return text, length, missing


@dataclass
class Part:
    """One document (one file) of a :class:`Document` holding many: its pages and its own notes."""

    file: str
    title: str
    first: int = 0  # its first page, numbered from 1 in the whole PDF
    last: int = 0
    notes: list[str] = field(default_factory=list)
    # said before "Page X of N" on each of its pages, as many as fit from the first: what ties a page
    # parted from the others to its document (a Payment ID, the pair)
    footer: tuple[str, ...] = ()


# (process ID, orientation) → blank documents that process made before they were needed
_MADE_AHEAD: dict[tuple[int, str], list[Document]] = {}


def make_ahead(*orientations: str) -> None:
    """Blank documents made now, one per orientation given, for :meth:`Document.new` to hand out.

    Each document parses the shipped font's two faces (about 45 ms) before it can draw: a process
    with nothing else to do yet (the writer process waiting for the run's result) does it ahead.
    Only the process that made them hands them out: a font file is read as the document draws, and
    a process forked meanwhile would share the open file, and its reading position, with it.
    """
    for orientation in orientations:
        _MADE_AHEAD.setdefault((os.getpid(), orientation), []).append(Document(orientation))


def warm_up() -> None:
    """What a process's first saved document would load on the way, loaded now: the font's coverage
    and the PDF reader that splits a folder's PDF into its files. For a process with nothing else to
    do yet. (The font subsetter comes with the PDF library; no scratch document is saved: its own
    parse of the font cost 55 ms of a core the run needs, to spare the first document 2 ms.)"""
    printable_codepoints()
    import pypdf  # noqa: F401 - see _split


class Document(FPDF):
    """Letter pages with the shipped font, margins and a list of notes for the coordinator.

    A folder's documents are all drawn into one Document (the fonts are loaded and embedded once):
    :meth:`begin` starts the next one, with its own notes and page numbers, and :meth:`save` writes
    the whole PDF, if wanted, and each document's pages as its own file.
    """

    def __init__(self, orientation: str = "portrait", *, title: str = "", page_numbers: bool = False,
                 banner: str | None = None) -> None:
        super().__init__(orientation=orientation, unit="mm", format=PAGE_FORMAT)
        for style, name in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style, FONT_DIR / name)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_creator("coaching-batch")
        # One /Resources object (the two faces) shared by every page, not one per page: thousands
        # fewer objects to write. Each document's file holds both faces in any case.
        self.single_resources_object = True
        self.notes: list[str] = []
        self._describe(title, page_numbers, banner)
        self.parts: list[Part] = []
        self._starting: Part | None = None  # begun, its first page not added yet
        self._lines: dict[tuple, list[str] | None] = {}  # by font, size, width and text: see lines()
        self._line_counts: dict[tuple, dict[str, int]] = {}  # by font, size and width: see line_counts()
        self._shown: dict[tuple[str, str], str] = {}  # by font and text: see texts()
        self._cell_texts: dict[tuple, dict[str, tuple[str, str]]] = {}  # by font, size and column: see text_rows()
        self._widths: dict[tuple[str, float, str], float] = {}  # by font, size and text: see text_width()
        self.set_font(FONT_FAMILY, "", 11)

    def _describe(self, title: str, page_numbers: bool, banner: str | None) -> None:
        if title:  # the file's properties: any Unicode text, no glyphs needed
            self.set_title(re.sub(r"\s+", " ", unicodedata.normalize("NFC", title)).strip()[:200])
        self.page_numbers = page_numbers
        self.banner = banner

    @classmethod
    def new(cls, orientation: str = "portrait", *, title: str = "", page_numbers: bool = False,
            banner: str | None = None) -> Document:
        """A document as ``Document(…)`` makes it, one of those :func:`make_ahead` made when there is one."""
        made = _MADE_AHEAD.get((os.getpid(), orientation))
        if not made:
            return cls(orientation, title=title, page_numbers=page_numbers, banner=banner)
        pdf = made.pop()
        pdf.set_creation_date(datetime.now(timezone.utc))  # made now, as far as its readers know
        pdf._describe(title, page_numbers, banner)
        return pdf

    # ------------------------------------------------------------------------ many documents

    def begin(self, file: str, title: str = "") -> Part:
        """Start the next document, written as ``file`` by :meth:`save`; its first page is the next added."""
        part = Part(file, re.sub(r"\s+", " ", unicodedata.normalize("NFC", title)).strip()[:200])
        self.parts.append(part)
        self.notes = part.notes
        self._starting = part
        return part

    def add_page(self, *args, **kwargs) -> None:
        """fpdf2's add_page(), which keeps the font from page to page, without the two set_font()
        calls it makes for that: the family is left blank for it, so it sets none (and nothing
        else about the font changes on a new page), and put back after."""
        family, self.font_family = self.font_family, ""
        super().add_page(*args, **kwargs)
        self.font_family = family
        if self._starting is not None:
            self._starting.first = self.page
            self._starting = None

    def save(self, folder: Path, combined: str | None = None) -> list[Part]:
        """Write each document begun as ``folder/<its file>`` (its pages only, "Page X of N" counted
        in it) and, when ``combined`` is a name, every page in one PDF of that name."""
        parts = [part for part in self.parts if part.first]
        if not parts:
            return []
        for part, following in zip(parts, parts[1:] + [None]):
            part.last = following.first - 1 if following is not None else self.page
        if self.page_numbers:
            self._number_pages(parts)
        if self.banner:
            self._banner_pages()
        default, PDFContentStream._COMPRESSION_LEVEL = PDFContentStream._COMPRESSION_LEVEL, COMPRESSION_LEVEL
        try:  # fpdf2 has no setting for it: its class's level, for this PDF only
            data = bytes(self.output())
        finally:
            PDFContentStream._COMPRESSION_LEVEL = default
        if combined:
            (folder / combined).write_bytes(data)
        _split(data, parts, folder)
        return parts

    # ---------------------------------------------------------------------------------- text

    def printable(self, value: object, *, limit: int = LONGEST_TEXT, what: str = "a value") -> str:
        """``value`` as text the font can draw: one NFC string with no control characters, missing
        glyphs replaced by the replacement mark and text past ``limit`` shortened (each with a note)."""
        text, length, missing = _clean(text_of(value), limit)
        if length > limit:
            self.note(f"{what} of {length:,} characters: shortened here to the first {limit:,}")
        if missing:
            codes = ", ".join(f"U+{code:04X}" for code in missing)
            many = len(missing) > 1
            backwards = any(unicodedata.bidirectional(chr(code)) in RIGHT_TO_LEFT for code in missing)
            self.note(f"{len(missing)} character{'s' if many else ''} of {what} ({codes}) cannot be printed in this font"
                      + (" (letters written right to left would print backwards)" if backwards else "")
                      + f" and show{'' if many else 's'} as {REPLACEMENT}: write {'them' if many else 'it'} in by hand")
        return text

    def name(self, value: object, what: str = "a name") -> str:
        text = self.printable(value, limit=LONGEST_NAME, what=what)
        return text or "(not recorded)"

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # ------------------------------------------------------------------------------- drawing

    def style(self, size: float, bold: bool = False, grey: bool = False) -> None:
        """The shipped font at ``size`` points, in black or grey: set_font() only for a change (its
        own check for one costs more than this, on tens of thousands of calls a run)."""
        emphasis = "B" if bold else ""
        if self.font_size_pt != size or self.font_style != emphasis or self.font_family != _FAMILY_KEY:
            self.set_font(FONT_FAMILY, emphasis, size)
        self.set_text_color(_GREY_TEXT if grey else _BLACK_TEXT)

    def paragraph(self, text: str, size: float = 11, *, bold: bool = False, align: str = "L", grey: bool = False,
                  line: float = 1.35, width: float = 0) -> None:
        """Wrapped text across the page (or ``width``), from the left margin, then the next line."""
        self.style(size, bold, grey)
        self.wrapped(width, size * line * 0.3528, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph_height(self, text: str, size: float, *, bold: bool = False, line: float = 1.35, width: float = 0) -> float:
        """The height :meth:`paragraph` takes for ``text``."""
        self.style(size, bold)
        lines = self.lines(text, width)
        if lines is None:
            return self.multi_cell(width, size * line * 0.3528, text, dry_run=True, output="HEIGHT")
        height = 0.0
        for _ in lines:
            height += size * line * 0.3528  # added line by line, as fpdf2's multi_cell does
        return height

    def wrapped(self, width: float, height: float, text: str, *, align: str = "L", new_x: XPos = XPos.RIGHT,
                new_y: YPos = YPos.NEXT) -> None:
        """:meth:`multi_cell` drawn as one :meth:`plain_cell` per line of :meth:`lines`: the same
        page, without fpdf2's line breaking (its cost grows with the square of a line's length)."""
        width = width or self.w - self.r_margin - self.x
        lines = self.lines(text, width)
        if lines is None:
            self.multi_cell(width, height, text, align=align, new_x=new_x, new_y=new_y)
            return
        for n, line in enumerate(lines, start=1):
            last = n == len(lines)
            self.plain_cell(width, height, line, align=align, new_x=new_x if last else XPos.LEFT, new_y=new_y if last else YPos.NEXT)

    def plain_cell(self, width: float, height: float, text: str, *, align: str = "L", new_x: XPos = XPos.RIGHT,
                   new_y: YPos = YPos.TOP) -> None:
        """:meth:`cell` for one line of plain text, left-aligned or centred, with no border, fill or
        link: the same text at the same place, written by :meth:`texts` without fpdf2's per-call
        work, and the same position after it. A line that needs a new page first is left to cell()."""
        if self.will_page_break(height) or align not in ("L", "C") or new_x not in _PLAIN_X or new_y not in _PLAIN_Y:
            self.cell(width, height, text, align=align, new_x=new_x, new_y=new_y)
            return
        width = width or self.w - self.r_margin - self.x
        if text:
            x = self.x + (width - self.text_width(text)) / 2 if align == "C" else self.x + self.c_margin
            self.texts([(x, self.y + 0.5 * height + 0.3 * self.font_size, text)])
        self._lasth = height or self.font_size  # as cell() leaves it, for ln()
        if new_x == XPos.RIGHT:
            self.x += width
        elif new_x == XPos.LMARGIN:
            self.x = self.l_margin
        if new_y == YPos.NEXT:
            self.y += height

    def lines(self, text: str, width: float = 0) -> list[str] | None:
        """``text`` as the lines :meth:`multi_cell` prints it in a cell ``width`` wide (0: to the
        right margin) in the current font; None for text with a line break, a form feed, a
        no-break space or a soft hyphen (those only fpdf2's own line breaking lays out).

        fpdf2's rule, a greedy word wrap: a line takes characters while its width stays within
        the cell's (less the cell margins); the character that would overflow it breaks the line
        at the line's last space (that space is not printed), or, if it is a space itself, just
        before it, or, in a word longer than the line, just before that character. Widths are the
        font's, added as fpdf2 adds them, so the breaks fall where fpdf2's would."""
        width = width or self.w - self.r_margin - self.x
        key = (self.current_font.fontkey, self.font_size_pt, width, text)
        if key not in self._lines:
            self._lines[key] = _word_wrap(text, self.current_font.cw, self.font_size_pt, self.k,
                                          width - self.c_margin - self.c_margin)  # subtracted as fpdf2 does
        return self._lines[key]

    def line_counts(self, texts: Iterable[str], width: float) -> dict[str, int]:
        """How many :meth:`lines` each of ``texts`` takes in a cell ``width`` wide in the current
        font (with the others counted so far): each counted once per document, for a long table."""
        counted = self._line_counts.setdefault((self.current_font.fontkey, self.font_size_pt, width), {})
        for text in texts:
            if text not in counted:
                counted[text] = len(self.lines(text, width))
        return counted

    def labelled(self, label: str, value: str, *, label_width: float = 45, size: float = 11) -> None:
        """``label`` in bold on the left, the (filled-in) ``value`` wrapped beside it, underlined. A
        label wider than its column (a program's own word: "Instructional coach Name") wraps within
        it, clear of the value, and the rule goes under the taller of the two."""
        top, page = self.get_y(), self.page
        self.style(size, bold=True)
        self.set_x(self.l_margin)
        self.wrapped(label_width - LABEL_GAP, size * 0.5, label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        below_label = self.get_y()
        self.style(size)
        left = self.l_margin + label_width
        self.set_xy(left, top)
        self.wrapped(self.epw - label_width, size * 0.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.page == page:  # (a value run onto the next page is below its label anyway)
            self.set_y(max(self.get_y(), below_label))
        self.set_draw_color(*GREY)
        self.line(left, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.ln(3)

    # Text and rules without fpdf2's per-call work: its text(), rect() and cell() check, encode
    # and track state on every call, which costs more than the drawing itself on a page of many
    # lines. These write the same operators to the page through fpdf2's own (private) means, _out
    # and _set_font_for_page, as its methods do; the tests hold them to fpdf2's own drawing.

    def texts(self, placed: Iterable[tuple[float, float, str]]) -> None:
        """:meth:`text` for each (x, baseline, text), in the current font, size and text colour;
        each distinct text is encoded for the font once (by the font, so its glyphs join the
        embedded subset). No underline or text mode: the documents use neither."""
        k, page_height = self.k, self.h
        self._write_texts([f"BT {x * k:.2f} {(page_height - y) * k:.2f} Td {self._encoded(text)} ET" for x, y, text in placed])

    def text_rows(self, columns: Sequence[tuple[float, float, str]], rows: Iterable[tuple[float, Sequence[str]]]) -> None:
        """:meth:`texts` for the one-line cells of table rows: each (baseline, cells) row's texts in
        its ``columns`` (left, width, align "L" or "R"), inside the cell margin as :meth:`cell` puts
        them. A text's place across the page and its encoding depend only on its column and font:
        each is worked out once per document (a log's dates, types and durations repeat on every
        page), and a row costs one number for its baseline."""
        font, k, page_height = self.current_font, self.k, self.h
        by_column = [self._cell_texts.setdefault((font.fontkey, self.font_size_pt, column), {}) for column in columns]
        operators = []
        for baseline, cells in rows:
            y = f" {(page_height - baseline) * k:.2f} Td "
            for placed, column, text in zip(by_column, columns, cells):
                if text not in placed:
                    left, width, align = column
                    x = left + width - self.c_margin - self.text_width(text) if align == "R" else left + self.c_margin
                    placed[text] = (f"BT {x * k:.2f}", f"{self._encoded(text)} ET")
                start, end = placed[text]
                operators.append(start + y + end)
        self._write_texts(operators)

    def _encoded(self, text: str) -> str:
        """``text`` shown in the current font: encoded by the font once (so its glyphs join the
        embedded subset, in the order first drawn)."""
        key = (self.current_font.fontkey, text)
        shown = self._shown.get(key)
        if shown is None:
            shown = self._shown[key] = self.current_font.encode_text(text)
        return shown

    def _write_texts(self, operators: list[str]) -> None:
        """Text operators onto the page in the current font, size and text colour."""
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))
        if self.fill_color != self.text_color:  # text is painted in the fill colour: set it for these only
            operators = ["q", self.text_color.serialize().lower(), *operators, "Q"]
        self._out(" ".join(operators))

    def text_width(self, text: str) -> float:
        """:meth:`get_string_width` of ``text``, measured once per font and size: its characters'
        widths in the font added up and scaled as fpdf2 does it, without the text fragments fpdf2
        makes first (for shaping, stretching, spacing or markup, none of which the documents use)."""
        key = (self.current_font.fontkey, self.font_size_pt, text)
        if key not in self._widths:
            units = self.current_font.cw
            self._widths[key] = sum(units[ord(character)] for character in text) * self.font_size_pt * 0.001 / self.k
        return self._widths[key]

    def grid(self, xs: Sequence[float], ys: Sequence[float]) -> None:
        """The rules of a table whose columns are bounded by ``xs`` and rows by ``ys`` (left to
        right, top to bottom), in the draw colour: its outline as one rectangle and each inner
        line once, stroked as one path. The same lines as a :meth:`rect` around each cell."""
        k, page_height = self.k, self.h
        left, right, top, bottom = xs[0] * k, xs[-1] * k, (page_height - ys[0]) * k, (page_height - ys[-1]) * k
        path = [f"{left:.2f} {top:.2f} {right - left:.2f} {bottom - top:.2f} re"]
        across, down = (f"{left:.2f} {{0}} m {right:.2f} {{0}} l", f"{{0}} {top:.2f} m {{0}} {bottom:.2f} l")  # each number written once
        path += [across.format(f"{(page_height - y) * k:.2f}") for y in ys[1:-1]]
        path += [down.format(f"{x * k:.2f}") for x in xs[1:-1]]
        self._out(" ".join(path) + " S")

    def _number_pages(self, parts: list[Part]) -> None:
        """Each page's "Page X of N" below its bottom margin, N counted in its document, written once
        every page is drawn (so N is known): in small grey type, where fpdf2's cell() centred the
        line when it held the {nb} placeholder, which kept room for three digits."""
        drawing = self.page
        self.style(8, grey=True)
        font, colour, k = self.current_font, self.text_color.serialize().lower(), self.k
        top, width = self.h + (4 - MARGIN), self.w - self.r_margin - self.l_margin  # a cell 4 mm high across the page
        baseline = (self.h - top - 0.5 * 4 - 0.3 * self.font_size) * k
        for part in parts:
            total = part.last - part.first + 1
            caption = self._footer_caption(part.footer, f"Page {total} of {total}", width)
            for number in range(part.first, part.last + 1):
                self.page = number  # back to the page, to write on it
                text = f"{caption}Page {number - part.first + 1} of "
                left = self.l_margin + (width - (self.text_width(text) + self.text_width("000"))) / 2
                # font and colour set here: which were last set on the page is not known at this point
                self._out(f"{self._set_font_for_page(font, self.font_size_pt)} "
                          f"q {colour} BT {left * k:.2f} {baseline:.2f} Td {font.encode_text(text + str(total))} ET Q")
        self.page = drawing

    def _footer_caption(self, footer: Sequence[str], widest: str, width: float) -> str:
        """As many of ``footer``'s texts, from the first, as fit on one line of ``width`` with the
        page number ``widest``, each followed by " · " ('' when not even the first fits)."""
        for count in range(len(footer), 0, -1):
            caption = "".join(f"{text} · " for text in footer[:count])
            if self.text_width(caption + widest) <= width:
                return caption
        return ""

    def _banner_pages(self) -> None:
        """The :attr:`banner` centred in every page's top margin, bold and red, written once every
        page is drawn (as :meth:`_number_pages`, whose notes on fonts hold here too)."""
        drawing = self.page
        self.style(BANNER_POINTS, bold=True)
        self.set_text_color(*BANNER_COLOUR)
        font, colour, k = self.current_font, self.text_color.serialize().lower(), self.k
        left = self.l_margin + (self.epw - self.text_width(self.banner)) / 2
        baseline = (self.h - self.t_margin / 2 - 0.3 * self.font_size) * k  # half-way down the top margin
        shown = f"BT {left * k:.2f} {baseline:.2f} Td {font.encode_text(self.banner)} ET"
        for number in range(1, self.page + 1):
            self.page = number
            self._out(f"{self._set_font_for_page(font, self.font_size_pt)} q {colour} {shown} Q")
        self.page = drawing


_FAMILY_KEY = FONT_FAMILY.lower()  # as fpdf2 keeps the current family
_BLACK_TEXT, _GREY_TEXT = DeviceGray(0 / 255), DeviceRGB(*(level / 255 for level in GREY))  # as set_text_color() makes them
_PLAIN_X = (XPos.RIGHT, XPos.LEFT, XPos.LMARGIN)  # where plain_cell() leaves the position as cell() would
_PLAIN_Y = (YPos.TOP, YPos.NEXT)
_LAID_OUT_BY_FPDF2 = frozenset(NEWLINE + FORM_FEED + NBSP + SOFT_HYPHEN + "\r")


def _word_wrap(text: str, units: dict[int, float], size_pt: float, k: float, room: float) -> list[str] | None:
    """fpdf2's word wrap (:meth:`Document.lines`) of ``text`` into ``room`` (mm): ``units`` are the
    font's character widths (thousandths of the font size), ``k`` the points in a mm."""

    if not _LAID_OUT_BY_FPDF2.isdisjoint(text):
        return None
    if not text:
        return [""]
    # Most texts fit on one line: the test below made once, at the last character (where the
    # line is widest), with the widths of the others added up at once
    used, more = sum(map(units.__getitem__, map(ord, text[:-1]))), units[ord(text[-1])]
    if used * size_pt * 0.001 / k + more * size_pt * 0.001 / k - room <= FloatTolerance.TOLERANCE:
        return [text] if used + more else [""]
    lines: list[str] = []
    start, end = 0, len(text)
    while start < end:
        used, space, at = 0, None, start  # the line's width, its last space, the next character
        while at < end:
            character = text[at]
            more = units[ord(character)]
            # fpdf2's test, written out (it is made for every character): the line's width and the
            # character's, each in mm as fpdf2 computes them (for the same rounding), beyond the room
            if used * size_pt * 0.001 / k + more * size_pt * 0.001 / k - room > FloatTolerance.TOLERANCE:
                break
            if character in BREAKING_SPACE_SYMBOLS_STR:
                space = at
            used += more
            at += 1
        if at == end:
            if used:  # as fpdf2: a last line whose characters have no width is left out
                lines.append(text[start:])
            break
        if text[at] in BREAKING_SPACE_SYMBOLS_STR:  # the overflowing space ends the line, unprinted
            lines.append(text[start:at])
            start = at + 1
        elif space is not None:  # back to the line's last space
            lines.append(text[start:space])
            start = space + 1
        elif at > start:  # a word longer than the line: broken before the character that overflows
            lines.append(text[start:at])
            start = at
        else:
            raise FPDFException("Not enough horizontal space to render a single character")
    return lines or [""]  # no text: one empty line


def _split(data: bytes, parts: list[Part], folder: Path) -> None:
    """Each document's pages of the whole PDF ``data`` as its own file.

    fpdf2 writes each object of a PDF once, one after the other, and a table of where each starts.
    A document's file is made of the objects its pages use (the pages, their contents and
    resources, the fonts), copied byte for byte under their own numbers; its own page tree (the
    whole one's with only its pages), catalog and information, under the whole PDF's numbers for
    them (so the pages' /Parent holds); and a cross-reference table of the numbers it holds.
    pypdf reads the whole PDF's structure and writes the three new objects: copying the pages'
    bytes spares cloning and writing the fonts and every page object again through pypdf."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, create_string_object

    reader = PdfReader(BytesIO(data))
    if reader.xref_objStm:
        raise ValueError("the PDF keeps objects in object streams: its documents cannot be copied byte for byte")
    starts = sorted((offset, number) for number, offset in reader.xref[0].items())
    ends = [offset for offset, _ in starts[1:]] + [data.rindex(b"\nxref\n") + 1]
    objects = {number: data[start:end] for (start, number), end in zip(starts, ends)}
    header = data[:starts[0][0]]
    catalog, info = reader.trailer.raw_get("/Root"), reader.trailer.raw_get("/Info")
    tree = reader.trailer["/Root"].raw_get("/Pages")
    whole_tree = reader.get_object(tree)
    if len(whole_tree["/Kids"]) == whole_tree["/Count"]:  # fpdf2's page tree: the pages themselves, in order
        pages = [kid.idnum for kid in whole_tree["/Kids"]]
    else:
        pages = [page.indirect_reference.idnum for page in reader.pages]
    untitled_info = DictionaryObject(reader.get_object(info))  # each file's, but for its title
    untitled_info[NameObject("/Creator")] = create_string_object("coaching-batch")
    untitled_info.pop(NameObject("/Title"), None)
    own_catalog = _serialised(catalog.idnum, DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): tree}))
    references: dict[int, list[int]] = {}

    def used(kids: list[int]) -> set[int]:
        """The objects the pages ``kids`` use, themselves included (not through the page tree)."""
        found, waiting = set(), list(kids)
        while waiting:
            number = waiting.pop()
            if number in found or number == tree.idnum:
                continue
            found.add(number)
            if number not in references:
                dictionary = objects[number].split(b">>\nstream\n", 1)[0]  # a stream's data holds no reference
                references[number] = [int(n) for n in _REFERENCE.findall(dictionary)]
            waiting += references[number]
        return found

    for part in parts:
        kids = pages[part.first - 1:part.last]
        own_tree = DictionaryObject(whole_tree)
        own_tree[NameObject("/Kids")] = ArrayObject(IndirectObject(kid, 0, reader) for kid in kids)
        own_tree[NameObject("/Count")] = NumberObject(len(kids))
        own_info = DictionaryObject(untitled_info)
        if part.title:
            own_info[NameObject("/Title")] = create_string_object(part.title)
        held = {number: objects[number] for number in used(kids)}
        held.update({tree.idnum: _serialised(tree.idnum, own_tree), catalog.idnum: own_catalog,
                     info.idnum: _serialised(info.idnum, own_info)})
        out, offsets = bytearray(header), {}
        for number in sorted(held):
            offsets[number] = len(out)
            out += held[number]
        table = len(out)
        out += b"xref\n0 1\n0000000000 65535 f \n"
        for run in _runs(sorted(offsets)):
            out += b"%d %d\n" % (run[0], len(run)) + b"".join(b"%010d 00000 n \n" % offsets[number] for number in run)
        out += (b"trailer\n<<\n/Size %d\n/Root %d 0 R\n/Info %d 0 R\n>>\nstartxref\n%d\n%%%%EOF\n"
                % (max(held) + 1, catalog.idnum, info.idnum, table))
        (folder / part.file).write_bytes(out)


_REFERENCE = re.compile(rb"(\d+) 0 R")


def _serialised(number: int, value) -> bytes:
    stream = BytesIO()
    value.write_to_stream(stream)
    return b"%d 0 obj\n" % number + stream.getvalue() + b"\nendobj\n"


def _runs(numbers: list[int]) -> list[list[int]]:
    """Sorted ``numbers`` in runs of consecutive ones (a cross-reference table's subsections)."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def day(value: object) -> str:
    """A date in words, e.g. "July 24, 2026"; blank when there is none."""
    if value is None or value is pd.NaT or (not isinstance(value, date) and pd.isna(value)):  # NaT is a date too
        return ""
    value = pd.Timestamp(value)
    return f"{value:%B} {value.day}, {value.year}"


def clock_text(minutes: int) -> str:
    """Whole minutes as hours and minutes (``1:30``)."""
    return f"{minutes // 60}:{minutes % 60:02d}"
