"""IDs, dates, durations, numbers and enumerations as coordinators really type them (SPEC §3).

Each parser takes one raw column — an object Series of what python-calamine's ``to_python()``
returns (str, float, int, bool, date, datetime, time, timedelta; blanks already None/NA) — and
returns a ``Parsed``: the typed values, and ``invalid``, True exactly where a cell was filled in but
could not be read. Blank cells (and text that is only whitespace) are NA and not invalid. A parser
never raises on bad data; validation turns ``invalid`` into findings.

Columns can hold a million rows, so no parser loops over every cell in Python: cells are sorted by
their Python type once, numbers and Excel dates go through numpy, and text is factorised so that
each distinct spelling is parsed once (a million-row date column holds a few thousand distinct
texts at most) with the regular expressions applied by pandas' string methods.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import settings
from .spelling import DASHES_AS_HYPHENS, FULL_WIDTH_AS_PLAIN, NAME_END_MARKS, PLAIN_QUOTES, TURKISH_I, WITHOUT_INVISIBLE, choice_key

# Dates are midnights in microseconds: the unit pandas 3 gives when it parses date text, so typed
# tables built here and elsewhere agree; unlike nanoseconds it reaches 9999-12-31 (serial 2958465).
DATE_DTYPE = "datetime64[us]"
EXCEL_EPOCH_1900 = np.datetime64("1899-12-30", "D")  # serial 0 of the 1900 date system
EXCEL_EPOCH_1904 = np.datetime64("1904-01-01", "D")  # serial 0 of the 1904 date system
SERIAL_MAX = 2958465  # the last serial Excel shows as a date (9999-12-31 in the 1900 system)
# Excel's 1900 system counts a 29 February 1900 that never was (serial 60, kept from Lotus 1-2-3):
# serials 1–59 are 1900-01-01..1900-02-28, 60 is no date, from 61 on they count from 1899-12-30.
# The 1904 system has no such day; its serial 0 is 1904-01-01.
EXCEL_PHANTOM_LEAP_DAY = 60
TEXT_DATE_MIN = np.datetime64("1900-01-01", "D")  # earliest date read from text or a date cell
DATE_MAX = np.datetime64("9999-12-31", "D")
TWO_DIGIT_YEAR_PIVOT = 69  # 00–68 are 2000–2068, 69–99 are 1969–1999
# An Excel time-of-day cell read with a date attached carries "day zero": 1899-12-30 (serial 0)
# or 1899-12-31 (Excel's own "1900-01-00").
EXCEL_DAY_ZERO = (np.datetime64("1899-12-30", "D"), np.datetime64("1899-12-31", "D"))
RATING_MIN, RATING_MAX = 1, 5
YES_SPELLINGS = ("yes", "y", "true", "x", "✓", "✔", "1")
NO_SPELLINGS = ("no", "n", "false", "0")
_EXACT_FLOAT_INT = 2.0**53  # beyond this a float no longer holds every whole number
_INT64_MAX = np.iinfo(np.int64).max


class Parsed(NamedTuple):
    """Typed values, and where the input was filled in but could not be read."""

    values: pd.Series
    invalid: pd.Series


# --------------------------------------------------------------------------- cells by Python type

_BLANK, _TEXT, _BOOL, _INT, _FLOAT, _DATETIME, _DATE, _TIME, _TIMEDELTA, _OTHER = range(10)


def _kind_of_type(kind: type) -> int:
    # Order matters: bool is an int, datetime is a date, pd.Timestamp a datetime.
    if issubclass(kind, str):
        return _TEXT
    if issubclass(kind, (bool, np.bool_)):
        return _BOOL
    if issubclass(kind, (int, np.integer)):
        return _INT
    if issubclass(kind, (float, np.floating)):
        return _FLOAT
    if issubclass(kind, (dt.datetime, np.datetime64)):
        return _DATETIME
    if issubclass(kind, dt.date):
        return _DATE
    if issubclass(kind, dt.time):
        return _TIME
    if issubclass(kind, (dt.timedelta, np.timedelta64)):
        return _TIMEDELTA
    return _OTHER


NEVER_MISSING = frozenset({str, bool, int, dt.datetime, dt.date, dt.time, dt.timedelta})  # no value of exactly these types is NA


def _squeeze(texts: np.ndarray) -> np.ndarray:
    """The whitespace rule: every run of whitespace becomes one space, trimmed."""
    # str.split() splits on every Unicode space (tabs, line breaks, \u00a0, \u2007, \u202f, ...);
    # invisible characters are not spaces: they are removed, as a reader of the cell cannot see them
    # ("12\u200b345" is "12345", see spelling.INVISIBLE). Only a text with an unprintable character can hold one.
    texts = [text if text.isascii() or text.isprintable() else text.translate(WITHOUT_INVISIBLE) for text in texts]
    return np.array([" ".join(text.split()) for text in texts], dtype=object)


class Cells:
    """A raw column sorted by the Python type of each cell, its text factorised and squeezed.

    Every parser below takes a column or its ``Cells``: a column analysed once can be parsed, and
    :meth:`cleaned`, without analysing it again (a log column holds a million cells).
    """

    def __init__(self, s: pd.Series) -> None:
        self.index = s.index
        self.name = s.name
        self.raw = s.to_numpy(dtype=object)
        size = len(self.raw)
        # Each cell's kind, from its Python type: a column holds a few types, each judged once.
        kind_of = {kind: _kind_of_type(kind) for kind in set(map(type, self.raw))}
        if len(kind_of) == 1:
            self.kinds = np.full(size, next(iter(kind_of.values())), dtype=np.int8)
        else:
            self.kinds = np.fromiter(map(kind_of.__getitem__, map(type, self.raw)), dtype=np.int8, count=size)
        # Missing (None, NaN, NaT, NA) is asked only of the cells of a type that can be missing.
        maybe = [kind for python_type, kind in kind_of.items() if python_type not in NEVER_MISSING]
        if maybe:
            where = np.flatnonzero(np.isin(self.kinds, maybe))
            self.kinds[where[pd.isna(self.raw[where])]] = _BLANK
        # Text: parse each distinct spelling once; `text_unique[text_codes]` is the text of the
        # cells at `text_where`. Whitespace-only text is blank.
        where = np.flatnonzero(self.kinds == _TEXT)
        codes, unique = pd.factorize(self.raw[where])
        unique = _squeeze(unique)
        filled = (unique != "")[codes]
        self.blank_text = where[~filled]
        self.kinds[self.blank_text] = _BLANK
        self.text_where, self.text_codes, self.text_unique = where[filled], codes[filled], unique

    @functools.cached_property
    def plain_unique(self) -> np.ndarray:
        """``text_unique`` with full-width digits, letters and signs made plain, for the typed values
        (IDs, dates, durations, numbers): `１０４２３３` is the ID 104233, `１．５` is 1.5 hours."""
        if all(text.isascii() for text in self.text_unique):
            return self.text_unique
        return np.array([text.translate(FULL_WIDTH_AS_PLAIN) for text in self.text_unique], dtype=object)

    @classmethod
    def of(cls, s: pd.Series | Cells) -> Cells:
        return s if isinstance(s, Cells) else cls(s)

    def cleaned(self) -> pd.Series:
        """The column with text by the whitespace rule and blank text as None; other values as they are."""
        values = self.raw.copy()
        values[self.text_where] = self.text_unique[self.text_codes]
        values[self.blank_text] = None
        return pd.Series(values, index=self.index, name=self.name, dtype=object)

    def __len__(self) -> int:
        return len(self.raw)

    def values_shown(self) -> np.ndarray:
        """Whether each cell shows a value or nothing: False where it shows what a formula gives instead
        of one (an error, a formula saved without its result; see :class:`.read.FormulaError`)."""
        return self.kinds != _OTHER

    def where(self, *kinds: int) -> np.ndarray:
        return np.flatnonzero(np.isin(self.kinds, kinds))

    def floats(self, where: np.ndarray) -> np.ndarray:
        """The numbers at ``where`` as floats (a Python int too big for a float becomes inf)."""
        numbers = self.raw[where]
        try:
            return numbers.astype(np.float64)
        except OverflowError:
            return np.array([_float_or_inf(number) for number in numbers], dtype=np.float64)

    def parsed(self, values: pd.api.extensions.ExtensionArray | np.ndarray, readable: np.ndarray) -> Parsed:
        invalid = (self.kinds != _BLANK) & ~readable
        return Parsed(
            pd.Series(values, index=self.index, name=self.name, copy=False),
            pd.Series(invalid, index=self.index, name=self.name, copy=False),
        )


def _per_distinct(
    cells: np.ndarray, convert: Callable[[Any], object], dtype: type | np.dtype = object
) -> np.ndarray:
    """``convert`` of each cell, called once per distinct value: a column repeats its values."""
    codes, unique = pd.factorize(cells)
    converted = np.fromiter(map(convert, unique), dtype=dtype, count=len(unique))
    return converted[codes]


def _float_or_inf(number: object) -> float:
    try:
        return float(number)  # type: ignore[arg-type]
    except OverflowError:
        return float("inf")


def _extract(texts: np.ndarray, pattern: re.Pattern[str]) -> pd.DataFrame:
    """The named groups of ``pattern`` in each text (NaN where a group or the pattern misses)."""
    return pd.Series(texts, dtype=object).str.extract(pattern)


def _numbers(column: pd.Series) -> np.ndarray:
    """Digits captured by a regex as floats; a decimal comma counts as a point."""
    return pd.to_numeric(column.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=np.float64)


def _round_half_away(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _int_array(numbers: np.ndarray, readable: np.ndarray) -> pd.arrays.IntegerArray:
    """A nullable Int64 array of whole-valued floats, NA where not readable."""
    data = np.where(readable, numbers, 0).astype(np.int64)
    return pd.arrays.IntegerArray(data, ~readable)


# ------------------------------------------------------------------------------------------ text


# Excel's autocorrected quotes (`Today’s Date`), and what else is typed for an apostrophe: ʼ ´ `
_WHOLE_NUMBER_TEXT = re.compile(r"^(?P<digits>\d+)\.0+$")
_GROUPED_ID_TEXT = re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.0+)?$")  # "12,345": a number shown with separators


def _as_text(cells: Cells, *, ids: bool) -> tuple[np.ndarray, np.ndarray]:
    """Every cell as text (None for blank), and which cells could be read as such.

    With ``ids`` only text and whole numbers are readable; otherwise every value has a text.
    """
    text = np.full(len(cells), None, dtype=object)
    readable = np.zeros(len(cells), dtype=bool)
    unique = cells.plain_unique if ids else cells.text_unique
    if ids and len(unique):
        # A number that reached a text cell as "12345.0" or "12,345" (pasted from an export or a
        # report that shows thousands separators) is the ID 12345.
        texts = pd.Series(unique, dtype=object)
        grouped = texts.str.match(_GROUPED_ID_TEXT).to_numpy(dtype=bool)
        if grouped.any():
            texts[grouped] = texts[grouped].str.replace(",", "", regex=False)
        unique = texts.str.replace(_WHOLE_NUMBER_TEXT, r"\g<digits>", regex=True).to_numpy()
    text[cells.text_where] = unique[cells.text_codes]
    readable[cells.text_where] = True

    where = cells.where(_FLOAT)
    numbers = cells.floats(where)
    whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
    exact = whole & (np.abs(numbers) < _EXACT_FLOAT_INT)
    text[where[exact]] = numbers[exact].astype(np.int64).astype(str).astype(object)
    huge = where[whole & ~exact]
    text[huge] = [str(int(number)) for number in cells.raw[huge]]
    readable[where[whole]] = True

    where = cells.where(_INT)
    text[where] = _per_distinct(cells.raw[where], lambda number: str(int(number)))
    readable[where] = True

    if not ids:
        # One kind at a time: True, 1 and 1.0 are equal to pandas but not the same text.
        for kind in (_FLOAT, _BOOL, _DATETIME, _DATE, _TIME, _TIMEDELTA):
            where = cells.where(kind)
            where = where[~readable[where]]
            text[where] = _per_distinct(cells.raw[where], str)
            readable[where] = True
        where = cells.where(_OTHER)  # anything else may not even be hashable
        text[where] = [str(value) for value in cells.raw[where]]
        readable[where] = True
    return text, readable


def normalise_text(s: pd.Series | Cells) -> pd.Series:
    """Text by the whitespace rule, NA for blank; whole numbers without ``.0`` ("12345")."""
    cells = Cells.of(s)
    text, _ = _as_text(cells, ids=False)
    return pd.Series(pd.array(text, dtype="string"), index=cells.index, name=cells.name, copy=False)


_PLAIN_NAME_MARKS = PLAIN_QUOTES | DASHES_AS_HYPHENS


def name_keys(s: pd.Series | Cells) -> pd.Series:
    """Names as they are compared (SPEC §3), NA for blank: text by the whitespace rule, in one Unicode
    form (NFKC: an accent typed as its own character, as macOS and PDFs give it, is the accented
    letter), case-folded (a Turkish İ or ı too: `İLKAY` is `İlkay`, `YILMAZ` is `Yılmaz`), typographic
    quotes and apostrophes made plain (`O’Kim`, `OʼKim`, `O´Kim` are `O'Kim`), a hyphen or dash as Word or
    Outlook give it a plain `-` (`Anne‑Marie`, `Anne–Marie`), and without a period or comma after it (`Kim Lee.`)."""
    keys = normalise_text(s).str.translate(_PLAIN_NAME_MARKS).str.normalize("NFKC").str.casefold()
    for letter, plain in TURKISH_I.items():
        keys = keys.str.replace(letter, plain, regex=False)
    keys = keys.str.rstrip(NAME_END_MARKS).str.rstrip()
    return keys.mask(keys == "")


def name_words(keys: pd.Series) -> pd.Series:
    """Name keys (:func:`name_keys`) as their words, sorted, without commas, periods, hyphens, accents,
    titles and initials: `candidate, kim`, `kim j. candidate` and `dr. kim candidate` are all `candidate
    kim`, `zoe smith - jones` is `zoë smith-jones`. A near match, named in a finding, never a match."""
    def words(key: str) -> str:
        if not key.isascii():
            key = "".join(ch for ch in unicodedata.normalize("NFD", key) if not unicodedata.combining(ch))
        kept = [word for word in key.split() if len(word) > 1 and word not in settings.NAME_TITLES]
        return " ".join(sorted(kept))

    return keys.str.replace(r"[,.-]", " ", regex=True).map(words, na_action="ignore")


def parse_ids(s: pd.Series | Cells) -> Parsed:
    """IDs as text: ``12345.0`` → "12345", text kept (leading zeros too); 12.5 and booleans invalid.

    Text follows the whitespace rule, with zero-width characters removed; a text "12345.0" or
    "12,345" is "12345" too.
    """
    cells = Cells.of(s)
    text, readable = _as_text(cells, ids=True)
    text[~readable] = None
    return cells.parsed(pd.array(text, dtype="string"), readable)


# ------------------------------------------------------------------------------------------ dates

_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_NUMBER = {name: str(number) for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_TIME_OF_DAY = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s?[ap]\.?m\.?)?"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # numpy's weekday 0 is a Monday
_WEEKDAY_NAME = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
_DATE_TEXT = re.compile(
    rf"""^(?:(?P<weekday>{_WEEKDAY_NAME}),?\s)?(?:
        (?P<iso_y>\d{{4}})(?P<iso_sep>[-/.])(?P<iso_m>\d{{1,2}})(?P=iso_sep)(?P<iso_d>\d{{1,2}})
            (?:[t\s]{_TIME_OF_DAY}(?:z|[+-]\d{{2}}:?\d{{2}})?)?
      | (?P<num_a>\d{{1,2}})(?P<num_sep>[-/.])(?P<num_b>\d{{1,2}})(?P=num_sep)(?P<num_y>\d{{4}}|\d{{2}})
            (?:\s{_TIME_OF_DAY})?
      | (?P<mdy_m>{_MONTH_NAME})[\s/-]?(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?,?[\s/-](?P<mdy_y>\d{{4}}|\d{{2}})
      | (?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?[\s/-]?(?P<dmy_m>{_MONTH_NAME}),?[\s/-](?P<dmy_y>\d{{4}}|\d{{2}})
    )$""",
    re.VERBOSE | re.IGNORECASE,
)

# a date typed without its year: "5/8", "May 8th", "8-May" (not "5.8": a number as much as a date)
_NO_YEAR = re.compile(
    rf"""^(?:\d{{1,2}}(?P<num_sep>[-/])\d{{1,2}}
      | {_MONTH_NAME}[\s/-]?\d{{1,2}}(?:st|nd|rd|th)?
      | \d{{1,2}}(?:st|nd|rd|th)?(?P<dmy_sep>[\s/-]?){_MONTH_NAME}
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
EXAMPLE_YEAR = 2026  # the year a message's example shows


def _calendar_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Dates from float year, month and day arrays; NaT where the date does not exist."""
    days = np.full(len(year), np.datetime64("NaT"), dtype="datetime64[D]")
    possible = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31) & (year >= 1) & (year <= 9999)
    where = np.flatnonzero(possible)
    months = ((year[where] - 1970) * 12 + month[where] - 1).astype(np.int64).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (day[where] - 1).astype(np.int64)
    exists = dates.astype("datetime64[M]") == months  # 2/30 rolls into March: it does not exist
    days[where[exists]] = dates[exists]
    return days


def _text_dates(texts: np.ndarray, *, day_first: bool) -> np.ndarray:
    """Each distinct date text as a day (NaT where it is not a date)."""
    if not len(texts):
        return np.empty(0, dtype="datetime64[D]")
    parts = _extract(texts, _DATE_TEXT)
    first, second = ("num_b", "num_a") if day_first else ("num_a", "num_b")
    month_names = parts["mdy_m"].fillna(parts["dmy_m"]).str[:3].str.lower().map(_MONTH_NUMBER)
    year_text = parts["iso_y"].fillna(parts["num_y"]).fillna(parts["mdy_y"]).fillna(parts["dmy_y"])
    month = parts["iso_m"].fillna(parts[first]).fillna(month_names)
    day = parts["iso_d"].fillna(parts[second]).fillna(parts["mdy_d"]).fillna(parts["dmy_d"])

    year = _numbers(year_text)
    two_digit = (year_text.str.len() == 2).to_numpy(dtype=bool)
    year = np.where(two_digit, np.where(year < TWO_DIGIT_YEAR_PIVOT, 2000 + year, 1900 + year), year)
    days = _calendar_days(year, _numbers(month), _numbers(day))

    # "Mon 4/6/2026": a weekday typed before the date must be that date's; "Tue 4/6/2026" is not read.
    typed = parts["weekday"].str[:3].str.lower().map({name: n for n, name in enumerate(_WEEKDAYS)})
    named = np.flatnonzero(typed.notna().to_numpy(dtype=bool) & ~np.isnat(days))
    weekday = (days[named].astype("datetime64[D]").view(np.int64) - 4) % 7  # 1970-01-01 was a Thursday
    days[named[weekday != typed.to_numpy(dtype=np.float64)[named]]] = np.datetime64("NaT")
    return days


def _datetimes(values: np.ndarray) -> np.ndarray:
    """Date and datetime objects as datetime64[us], wall-clock time kept; NaT where impossible."""
    if not len(values):
        return np.empty(0, dtype="datetime64[us]")
    try:
        stamps = pd.to_datetime(values, errors="coerce")
        if stamps.tz is not None:
            stamps = stamps.tz_localize(None)
        result = stamps.as_unit("us").to_numpy().copy()
    except (ValueError, TypeError, OverflowError):  # one out of range for pandas
        return np.array([_one_datetime(value) for value in values], dtype="datetime64[us]")
    # Values with and without a time zone mixed come back NaT: those few are read one by one.
    missed = np.flatnonzero(np.isnat(result))
    if len(missed):
        result[missed] = np.array([_one_datetime(value) for value in values[missed]], dtype="datetime64[us]")
    return result


def _one_datetime(value: object) -> np.datetime64:
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
        if stamp.tz is not None:
            stamp = stamp.tz_localize(None)
        return stamp.as_unit("us").to_datetime64()
    except (ValueError, TypeError, OverflowError):
        return np.datetime64("NaT", "us")


def _serial_days(serial: np.ndarray, *, date1904: bool) -> np.ndarray:
    """Whole Excel serial numbers as days; NaT where Excel shows no date (NaN and inf included)."""
    days = np.full(len(serial), np.datetime64("NaT"), dtype="datetime64[D]")
    if date1904:
        is_date = (serial >= 0) & (serial <= SERIAL_MAX)  # DATE_MAX cuts off the last 1462
        days[is_date] = EXCEL_EPOCH_1904 + serial[is_date].astype(np.int64)
        return days
    is_date = (serial >= 1) & (serial <= SERIAL_MAX) & (serial != EXCEL_PHANTOM_LEAP_DAY)
    offset = np.where(serial < EXCEL_PHANTOM_LEAP_DAY, 1, 0)  # before the phantom day: one day on
    days[is_date] = EXCEL_EPOCH_1900 + (serial[is_date] + offset[is_date]).astype(np.int64)
    return days


def parse_dates(s: pd.Series | Cells, *, day_first: bool = False, date1904: bool = False) -> Parsed:
    """Dates as Excel dates, Excel serial numbers or text; values are ``datetime64[us]`` at midnight.

    Text is ISO (``2024-03-05``, a time may follow), numeric month first (``3/5/2024``, ``3/5/24``,
    ``03-05-2024``, ``3.5.2024``; day first with ``day_first``) or with a month name
    (``March 5, 2024``, ``5 March 2024``, ``5-Mar-2024``, ``Mar 5 2024``), any of them after a
    weekday name that must be the date's (``Tue 3/5/2024``, ``Tuesday, March 5, 2024``). A date that
    does not exist is invalid, never swapped. A number is an Excel serial: 1 is 1900-01-01 and 45356 is
    2024-03-05 (with ``date1904``, 0 is 1904-01-01); its fraction, a time, is dropped. Excel's
    phantom 1900-02-29 (serial 60) is invalid. Every date must fall in 1900-01-01..9999-12-31.
    A time without a date, a duration or a boolean is invalid.
    """
    cells = Cells.of(s)
    days = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[D]")

    where = cells.where(_DATE, _DATETIME)
    days[where] = _datetimes(cells.raw[where]).astype("datetime64[D]")  # floors: the time is dropped
    days[where[days[where] < TEXT_DATE_MIN]] = np.datetime64("NaT")

    days[cells.text_where] = _text_dates(cells.plain_unique, day_first=day_first)[cells.text_codes]
    days[cells.text_where[days[cells.text_where] < TEXT_DATE_MIN]] = np.datetime64("NaT")

    where = cells.where(_FLOAT, _INT)
    days[where] = _serial_days(np.floor(cells.floats(where)), date1904=date1904)

    days[days > DATE_MAX] = np.datetime64("NaT")
    readable = ~np.isnat(days)
    return cells.parsed(days.astype(DATE_DTYPE), readable)


def why_unreadable(kind: str, value: object, *, day_first: bool = False) -> str:
    """What a coordinator needs to know about an unreadable date, duration or ID beyond "not a date":
    a weekday that is not the date's, a date read month first that is one only day first (or the
    other way round), a comma that may be a thousands separator, Excel's serial 60 (its phantom
    29 February 1900), or an ID cell formatted as a date; "" otherwise."""
    return whys_unreadable(kind, [value], day_first=day_first)[0]


def whys_unreadable(kind: str, values: Sequence[object], *, day_first: bool = False) -> list[str]:
    """:func:`why_unreadable` of each of ``values``. The dates it tries (the date after a weekday, the
    date read the other way round, the date with its year) are parsed in one pass for all the values:
    parsing them one by one cost milliseconds each, in a column of thousands of different notes."""
    said = [_why_before_parsing(kind, value, day_first=day_first) for value in values]
    tries = [tried for answer in said if not isinstance(answer, str) for tried in answer]
    days: dict[tuple[str, bool], np.datetime64] = {}
    for flag in (day_first, not day_first):
        texts = list(dict.fromkeys(tried.text for tried in tries if tried.day_first == flag))
        parsed = _text_dates(np.array(texts, dtype=object), day_first=flag)
        days |= {(text, flag): day for text, day in zip(texts, parsed)}
    return [answer if isinstance(answer, str)
            else next((why for tried in answer if (why := tried.say(days[tried.text, tried.day_first]))), "")
            for answer in said]


class _DateTried(NamedTuple):
    """A date text :func:`why_unreadable` parses, and what it says of the day parsed (NaT if none): "" to go on."""

    text: str
    day_first: bool
    say: Callable[[np.datetime64], str]


def _why_before_parsing(kind: str, value: object, *, day_first: bool) -> str | list[_DateTried]:
    """:func:`why_unreadable` as far as it goes without parsing a date: the answer, or the dates to
    try in order (the first that says something is the answer; "" if none does)."""
    if kind == "date" and isinstance(value, (int, float)) and not isinstance(value, bool) and value == EXCEL_PHANTOM_LEAP_DAY:
        return "Excel's 29 February 1900, a day that never was: type the date meant"
    if kind == "id" and isinstance(value, (dt.date, np.datetime64)):
        return "a date: the cell is formatted as a date, which shows an ID typed as a number as a date"
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    if kind == "duration" and _GROUPED_NUMBER.search(text):
        return "the comma could be a thousands separator or a decimal point: type 1500 or 1.5"
    if kind == "date" and (missing := _NO_YEAR.match(text)):
        return [_no_year(text, missing["num_sep"] or (missing["dmy_sep"] or " ").strip() or " ", day_first=day_first)]
    match = _DATE_TEXT.match(text) if kind == "date" else None
    tries = []
    if match and match["weekday"]:
        tries.append(_DateTried(text[match.end("weekday"):].lstrip(", "), day_first, _weekday_said))
    if match and match["num_a"]:  # "13/2/2026", read month first: a date only the other way round
        tries.append(_DateTried(text, not day_first, functools.partial(_other_way_said, day_first=day_first)))
    return tries or ""


def _weekday_said(date: np.datetime64) -> str:
    """A date typed after a weekday that is not its own: the date's weekday."""
    return "" if np.isnat(date) else pd.Timestamp(date).strftime("%Y-%m-%d is a %A")


def _other_way_said(date: np.datetime64, *, day_first: bool) -> str:
    """A date that is one only read the other way round: which way the inbox's dates are read, and how to change it."""
    if np.isnat(date):
        return ""
    ways = ("month first", "day first") if not day_first else ("day first", "month first")
    return (f"dates are read {ways[0]}; {ways[1]} it is {pd.Timestamp(date):%Y-%m-%d}: if the inbox's dates are "
            f"{ways[1]}, set day_first = {str(not day_first).lower()} under [reading] in the program's policy file")


def _no_year(text: str, separator: str, *, day_first: bool) -> _DateTried:
    """A date typed without its year ("5/8"): said so, with the date to type if the year makes one."""
    dated = f"{text}{separator}{EXAMPLE_YEAR}"
    return _DateTried(dated, day_first, lambda date: "it has no year" if np.isnat(date)
                      else f"it has no year: type it with its year, such as {dated}")


# -------------------------------------------------------------------------------------- durations

_NUMBER = r"\d+(?:[.,]\d+)?|[.,]\d+"
_HOUR_UNIT = r"(?:h|hrs?|hours?)\.?"
_MINUTE_UNIT = r"(?:m|mins?|minutes?)\.?"
_DURATION_TEXT = re.compile(
    rf"""^(?P<sign>[-+])?\s?(?:
        (?P<hours>{_NUMBER})
      | (?P<clock_h>\d+):(?P<clock_m>\d{{2}})(?::(?P<clock_s>\d{{2}}))?(?:\s?{_HOUR_UNIT})?
      | (?P<unit_h>{_NUMBER})\s?{_HOUR_UNIT}(?:\s?(?:,\s?|and\s)?(?P<unit_hm>\d{{1,2}})\s?(?:{_MINUTE_UNIT})?)?
      | (?P<unit_m>{_NUMBER})\s?{_MINUTE_UNIT}
      | PT(?=\d)(?:(?P<iso_h>\d+)H)?(?:(?P<iso_m>\d+)M)?(?:(?P<iso_s>\d+(?:[.,]\d+)?)S)?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)

_GROUPED_NUMBER = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d.,])")


@np.errstate(over="ignore")  # hours too many for minutes (1e308) are inf: no duration, without a warning
def _text_minutes(texts: np.ndarray) -> np.ndarray:
    """Each distinct duration text in (unrounded) minutes; NaN where it is not a duration."""
    if not len(texts):
        return np.empty(0, dtype=np.float64)
    parts = _extract(texts, _DURATION_TEXT)
    minutes = _numbers(parts["hours"]) * 60

    clock_h, clock_m, clock_s = (_numbers(parts[g]) for g in ("clock_h", "clock_m", "clock_s"))
    clock_s = np.where(np.isnan(clock_s), 0, clock_s)
    clock = np.where((clock_m <= 59) & (clock_s <= 59), clock_h * 60 + clock_m + clock_s / 60, np.nan)
    minutes = np.where(np.isnan(minutes), clock, minutes)

    unit_h, unit_hm = _numbers(parts["unit_h"]), _numbers(parts["unit_hm"])
    # "1h30": the minutes are a clock's, 0–59 after whole hours.
    with_minutes = ~np.isnan(unit_hm)
    sound = ~with_minutes | ((unit_hm <= 59) & (unit_h == np.floor(unit_h)))
    hours_minutes = np.where(sound, unit_h * 60 + np.where(with_minutes, unit_hm, 0), np.nan)
    minutes = np.where(np.isnan(minutes), hours_minutes, minutes)
    minutes = np.where(np.isnan(minutes), _numbers(parts["unit_m"]), minutes)

    # ISO 8601 ("PT42H00M00S"): how python-calamine gives an .ods time cell of 24 h or more
    iso = [np.nan_to_num(_numbers(parts[g])) for g in ("iso_h", "iso_m", "iso_s")]
    is_iso = parts[["iso_h", "iso_m", "iso_s"]].notna().any(axis=1).to_numpy(dtype=bool)
    minutes = np.where(is_iso, iso[0] * 60 + iso[1] + iso[2] / 60, minutes)

    # "1,500 min": a thousands separator or a decimal comma? Reported, never guessed ("1,5" is 1.5).
    grouped = pd.Series(texts, dtype=object).str.contains(_GROUPED_NUMBER).to_numpy(dtype=bool)
    minutes = np.where(grouped, np.nan, minutes)

    negative = (parts["sign"] == "-").to_numpy(dtype=bool)
    return np.where(negative, -minutes, minutes)


def _time_minutes(time: dt.time) -> float:
    return time.hour * 60 + time.minute + (time.second + time.microsecond / 1e6) / 60


@np.errstate(over="ignore")  # as in _text_minutes
def parse_durations(s: pd.Series | Cells) -> Parsed:
    """Durations as whole minutes (``Int64``, rounded half away from zero).

    Numbers are decimal hours (zero and negatives are read; a rule judges them); time-of-day cells,
    timedeltas and datetimes on Excel's day zero (1899-12-30/31) give their time; text may be hours
    (``1.5``, ``1,5``), a clock (``1:30``, ``1:30:00``, ``1:30 hrs``; minutes 0–59) or carry units
    (``90 min``, ``1.5 h``, ``1h30``, ``1 hr 30 min``, ``2 hours``, ``45m``), or be ISO 8601
    (``PT42H00M00S``, ``PT1H30M``, ``PT45M``: what the reader gives for an .ods time cell of 24 h
    or more). Text that is not one of these (``2:75``, ``TBD``) is invalid, and so is a number whose
    comma may be a thousands separator or a decimal comma (``1,500 min``, ``2,250``).
    """
    cells = Cells.of(s)
    minutes = np.full(len(cells), np.nan)

    where = cells.where(_FLOAT, _INT)
    minutes[where] = cells.floats(where) * 60

    where = cells.where(_TIME)
    minutes[where] = _per_distinct(cells.raw[where], _time_minutes, np.float64)

    where = cells.where(_TIMEDELTA)
    if len(where):
        minutes[where] = pd.to_timedelta(cells.raw[where], errors="coerce").total_seconds().to_numpy() / 60

    where = cells.where(_DATETIME)
    stamps = _datetimes(cells.raw[where])
    day = stamps.astype("datetime64[D]")
    on_day_zero = np.isin(day, EXCEL_DAY_ZERO)
    time_of_day = (stamps - day).astype("timedelta64[us]").astype(np.int64) / 60e6
    minutes[where[on_day_zero]] = time_of_day[on_day_zero]

    minutes[cells.text_where] = _text_minutes(cells.plain_unique)[cells.text_codes]

    whole = _round_half_away(minutes)
    readable = np.isfinite(whole) & (np.abs(whole) < _EXACT_FLOAT_INT)
    return cells.parsed(_int_array(whole, readable), readable)


# -------------------------------------------------------------------------------- whole numbers

_INTEGER_TEXT = re.compile(r"^(?P<digits>[-+]?\d+)(?:\.0*)?$")


def parse_integers(s: pd.Series | Cells) -> Parsed:
    """Whole numbers (``Int64``): ``23``, ``23.0``, "23"; 23.5, booleans and "Grade 23" invalid."""
    cells = Cells.of(s)
    numbers = np.full(len(cells), np.nan)

    where = cells.where(_FLOAT, _INT)
    numbers[where] = cells.floats(where)

    if len(cells.text_unique):
        digits = _extract(cells.plain_unique, _INTEGER_TEXT)["digits"]
        numbers[cells.text_where] = _numbers(digits)[cells.text_codes]

    readable = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (np.abs(numbers) < _EXACT_FLOAT_INT)
    return cells.parsed(_int_array(numbers, readable), readable)


def parse_rating(s: pd.Series | Cells) -> Parsed:
    """A rating: a whole number from 1 to 5 (``Int64``); anything else is invalid."""
    whole, invalid = parse_integers(s)
    in_range = whole.between(RATING_MIN, RATING_MAX).fillna(False).to_numpy(dtype=bool)
    out_of_range = whole.notna().to_numpy(dtype=bool) & ~in_range
    return Parsed(whole.where(in_range, pd.NA), invalid | out_of_range)


# --------------------------------------------------------------------------------- enumerations


def _lookup(cells: Cells, spellings: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's value in ``spellings`` (keyed by ``choice_key``), and where one was found."""
    text, _ = _as_text(cells, ids=False)
    codes, unique = pd.factorize(text)  # blank cells (None) get code -1: the last, a miss
    found = [spellings.get(choice_key(spelling)) for spelling in unique] + [None]
    readable = np.array([value is not None for value in found])
    return np.array(found, dtype=object)[codes], readable[codes]


def parse_enum(
    s: pd.Series | Cells,
    values: Sequence[str],
    variants: Mapping[str, Sequence[str]] = MappingProxyType({}),
) -> Parsed:
    """An allowed value, in its canonical spelling from ``values``.

    Matching ignores case, ``-`` (or a dash: ``In–person``), ``_`` and whitespace (``in-person``,
    ``IN PERSON``, ``In_Person`` and ``InPerson`` are all "In Person"); ``variants`` adds
    further spellings of a canonical value, matched the same way.
    """
    cells = Cells.of(s)
    found, readable = _lookup(cells, _spellings(values, variants))
    return cells.parsed(pd.array(found, dtype="string"), readable)


def _spellings(values: Sequence[str], variants: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each spelling of an enumeration, as compared (:func:`choice_key`) → its canonical value."""
    spellings: dict[str, str] = {}
    for canonical in values:
        spellings.setdefault(choice_key(canonical), canonical)
    for canonical, extra in variants.items():
        if canonical not in values:
            raise ValueError(f"variants given for {canonical!r}, which is not one of {list(values)}")
        for spelling in extra:
            spellings.setdefault(choice_key(spelling), canonical)
    return spellings


def closest_choice(text: object, values: Sequence[str],
                   variants: Mapping[str, Sequence[str]] = MappingProxyType({})) -> str | None:
    """The allowed value a mistyped choice is most likely meant to be (``Compelted`` → Completed,
    ``Coachee.`` → Coachee), compared as :func:`parse_enum` compares spellings; None when none is
    close. A suggestion for the finding only: the cell is never read as it."""
    if not isinstance(text, str) or not text.strip():
        return None
    spellings = _spellings(values, variants)
    close = difflib.get_close_matches(choice_key(text), list(spellings), n=1, cutoff=settings.CHOICE_SUGGESTION_CUTOFF)
    return spellings[close[0]] if close else None


_YES_NO = {**{spelling: True for spelling in YES_SPELLINGS}, **{spelling: False for spelling in NO_SPELLINGS}}


def parse_yesno(s: pd.Series | Cells) -> Parsed:
    """Yes/no as nullable ``boolean``: Yes, Y, TRUE, x, ✓, 1 or No, N, FALSE, 0, in any case."""
    cells = Cells.of(s)
    found, readable = _lookup(cells, _YES_NO)
    answers = np.zeros(len(cells), dtype=bool)
    answers[readable] = found[readable].astype(bool)
    return cells.parsed(pd.arrays.BooleanArray(answers, ~readable), readable)


# ------------------------------------------------------------------------------ cell references


def column_letter(index: int) -> str:
    """Excel's letters for a 0-based column: 0 → "A", 25 → "Z", 26 → "AA"."""
    if index < 0:
        raise ValueError(f"column index must be 0 or more, not {index}")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def a1(row: int, col: int) -> str:
    """The A1 reference of a 1-based row and a 0-based column: a1(5, 2) == "C5"."""
    if row < 1:
        raise ValueError(f"row must be 1 or more, not {row}")
    return f"{column_letter(col)}{row}"
