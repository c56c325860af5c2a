"""Values as coordinators really type them (SPEC §3): IDs, dates, durations, yes/no, enumerations, text.

Each parser reads one raw column of what python-calamine returns and says, per cell, the typed value
or that the cell was filled in but could not be read (``invalid``). Blank cells are neither.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from coaching_batch import values
from coaching_batch.contracts import tables
from coaching_batch.values import (
    a1,
    column_letter,
    normalise_text,
    parse_dates,
    parse_durations,
    parse_enum,
    parse_ids,
    parse_integers,
    parse_rating,
    parse_yesno,
)
from workbooks import write_workbook

NBSP = "\u00a0"
ZERO_WIDTH_SPACE = "\u200b"


def column(*cells: object) -> pd.Series:
    """A raw column as the reader hands it over: an object Series."""
    return pd.Series(list(cells), dtype=object)


def one(parser, cell: object, **options):
    """The parsed value of a single cell, or "invalid"."""
    parsed = parser(column(cell), **options)
    if parsed.invalid.iloc[0]:
        assert pd.isna(parsed.values.iloc[0]), "an invalid cell must have no value"
        return "invalid"
    value = parsed.values.iloc[0]
    if pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# -------------------------------------------------------------------------------------------- IDs


@pytest.mark.parametrize(
    "cell, expected",
    [
        (12345.0, "12345"),  # an ID typed into a number cell reads back as a float
        (12345, "12345"),
        (np.int64(12345), "12345"),
        ("12345", "12345"),
        ("00123", "00123"),  # leading zeros in text are part of the ID
        ("  00123 ", "00123"),
        (f"{NBSP}12345{NBSP}", "12345"),
        (f"12{ZERO_WIDTH_SPACE}345", "12345"),
        (f"{ZERO_WIDTH_SPACE}12345", "12345"),
        ("\ufeff12345", "12345"),
        ("12345\u200e", "12345"),  # a left-to-right mark, pasted from a web form or Outlook
        ("\u200f12345", "12345"),  # a right-to-left mark
        ("\u206612345\u2069", "12345"),  # a direction isolate around it
        ("12\u00ad345", "12345"),  # a soft hyphen, pasted from a web page
        ("12345.0", "12345"),  # a number pasted into a text cell
        ("12,345", "12345"),  # a number shown with a thousands separator, exported as text
        ("1,234,567", "1234567"),
        ("012,345", "012,345"),  # not how a number is shown: text as typed
        ("12,34", "12,34"),
        ("E-1042", "E-1042"),
        (123456789012.0, "123456789012"),
    ],
)
def test_ids_read_as_typed(cell, expected):
    assert one(parse_ids, cell) == expected


@pytest.mark.parametrize("cell", [123.5, True, float("inf"), dt.date(2024, 3, 5)])
def test_an_id_that_is_not_a_whole_number_or_text_is_invalid(cell):
    assert one(parse_ids, cell) == "invalid"


@pytest.mark.parametrize("cell", [None, np.nan, pd.NA, "", "   ", f"{NBSP}\n", ZERO_WIDTH_SPACE])
def test_blank_cells_are_missing_but_not_invalid(cell):
    for parser in (parse_ids, parse_dates, parse_durations, parse_integers, parse_yesno):
        assert one(parser, cell) is None


def test_every_kind_of_missing_value_is_blank_beside_filled_cells_of_its_type():
    # the column mixes each missing value with real values of the same type, as a combined table may
    cells = column(pd.NaT, dt.datetime(2024, 3, 5), np.datetime64("NaT"), np.float64("nan"), 1.5,
                   pd.NA, None, dt.date(2024, 3, 6), np.nan)
    parsed = parse_dates(cells)
    assert parsed.invalid.tolist() == [False] * 9
    assert parsed.values.isna().tolist() == [True, False, True, True, False, True, True, False, True]


def test_ids_are_text_with_nullable_missing_values():
    parsed = parse_ids(column(12345.0, None, "00123"))
    assert parsed.values.dtype == "string"
    assert parsed.values.tolist() == ["12345", pd.NA, "00123"]
    assert parsed.invalid.tolist() == [False, False, False]


@pytest.mark.parametrize(
    "parser, cell, expected",
    [
        (parse_ids, "\uff11\uff10\uff14\uff12\uff13\uff13", "104233"),  # full-width digits, as an East Asian keyboard types them
        (parse_ids, "\uff25-\uff11\uff10\uff14\uff12", "E-1042"),
        (parse_durations, "\uff11.\uff15", 90),
        (parse_durations, "1\uff0e5 h", 90),
        (parse_durations, "\uff11\uff1a\uff13\uff10", 90),
        (parse_dates, "\uff13/\uff15/\uff12\uff10\uff12\uff14", day("2024-03-05")),
        (parse_dates, "\uff13\uff0f\uff15\uff0f\uff12\uff14", day("2024-03-05")),
        (parse_integers, "\uff12\uff13", 23),
    ],
)
def test_full_width_digits_and_signs_read_as_the_plain_ones(parser, cell, expected):
    # Shown in a cell they look like 104233 and 1.5: "ID 104233 not in the roster" would be a riddle.
    assert one(parser, cell) == expected


def test_full_width_choices_read_as_the_plain_ones():
    assert one(parse_enum, "\uff30\uff48\uff4f\uff4e\uff45", **_enum("coach_log", "contact_type")) == "Phone"
    assert one(parse_yesno, "\uff39") is True


def test_free_text_keeps_its_full_width_characters():
    assert normalise_text(column("\u9762\u8ac7\uff1a\uff11\u56de")).iloc[0] == "\u9762\u8ac7\uff1a\uff11\u56de"


# ------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "cell, expected",
    [
        (dt.date(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5, 14, 30), "2024-03-05"),  # a time of day is dropped, not rounded
        (dt.datetime(2024, 3, 5, 23, 59, 59), "2024-03-05"),
        (pd.Timestamp("2024-03-05 10:00"), "2024-03-05"),
        (pd.Timestamp("2024-03-05 23:30", tz="America/Chicago"), "2024-03-05"),  # wall-clock date
        (45356, "2024-03-05"),  # an Excel serial number
        (45356.0, "2024-03-05"),
        (45356.75, "2024-03-05"),  # serial with a time: still that day
        (61, "1900-03-01"),
        (1, "1900-01-01"),
        (59, "1900-02-28"),
        (2958465, "9999-12-31"),
        ("2024-03-05", "2024-03-05"),
        ("2024-3-5", "2024-03-05"),
        ("2024/03/05", "2024-03-05"),
        ("2024-03-05T09:15:00", "2024-03-05"),
        ("2024-03-05 09:15", "2024-03-05"),
        ("3/5/2024", "2024-03-05"),  # month first by default
        ("3/5/24", "2024-03-05"),
        ("03/05/2024", "2024-03-05"),
        ("3-5-2024", "2024-03-05"),
        ("3/5/2024 5:00 PM", "2024-03-05"),
        ("2/29/2024", "2024-02-29"),
        (" 3/5/2024\n", "2024-03-05"),
        ("March 5, 2024", "2024-03-05"),
        ("Mar 5 2024", "2024-03-05"),
        ("5 March 2024", "2024-03-05"),
        ("5-Mar-24", "2024-03-05"),
        ("Tue 3/5/2024", "2024-03-05"),  # a weekday before the date, as some calendars copy it
        ("Tuesday, March 5, 2024", "2024-03-05"),
        ("tues. 2024-03-05", "2024-03-05"),
        ("Thurs 3/7/24", "2024-03-07"),
    ],
)
def test_dates_read_as_typed(cell, expected):
    assert one(parse_dates, cell) == day(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1/1/00", "2000-01-01"),
        ("1/1/24", "2024-01-01"),
        ("12/31/68", "2068-12-31"),
        ("1/1/69", "1969-01-01"),
        ("12/31/99", "1999-12-31"),
    ],
)
def test_two_digit_years_00_to_68_are_2000s_and_69_to_99_are_1900s(text, expected):
    assert one(parse_dates, text) == day(expected)


@pytest.mark.parametrize(
    "text, month_first, day_first",
    [
        ("3/5/2024", "2024-03-05", "2024-05-03"),
        ("03/05/24", "2024-03-05", "2024-05-03"),
        ("12/1/2024", "2024-12-01", "2024-01-12"),
        ("2024-03-05", "2024-03-05", "2024-03-05"),  # ISO is year-month-day either way
        ("March 5, 2024", "2024-03-05", "2024-03-05"),
    ],
)
def test_numeric_dates_are_month_first_unless_day_first_is_configured(text, month_first, day_first):
    assert one(parse_dates, text) == day(month_first)
    assert one(parse_dates, text, day_first=True) == day(day_first)


@pytest.mark.parametrize(
    "cell",
    [
        "13/13/2024",
        "13/5/2024",  # not swapped to 5 May when months come first
        "2/30/2024",
        "2/29/2023",
        "2024-02-30",
        "0/5/2024",
        "3/0/2024",
        "3/5",  # no year: not guessed
        "20240305",
        "not a date",
        "TBD",
        "10:30",  # a time is not a date
        dt.time(10, 30),
        dt.datetime(1899, 12, 30, 10, 30),  # a time-of-day cell read with Excel's day zero
        dt.datetime(1899, 12, 31, 10, 30),
        0.4375,  # a time typed as a fraction of a day
        dt.timedelta(hours=1),
        True,
        False,
        0,
        -5,
        60,  # Excel's 29 February 1900, a day that never was
        2958466,  # past 9999-12-31
        float("inf"),
        "1899-12-31",
        "Mon 3/5/2024",  # 3/5/2024 is a Tuesday: which of the two was meant is not guessed
        "Tue3/5/2024",
    ],
)
def test_a_date_that_cannot_be_read_or_does_not_exist_is_invalid_never_guessed(cell):
    assert one(parse_dates, cell) == "invalid"


def test_a_day_first_program_rejects_what_would_be_the_13th_month():
    assert one(parse_dates, "5/13/2024", day_first=True) == "invalid"
    assert one(parse_dates, "13/5/2024", day_first=True) == day("2024-05-13")


@pytest.mark.parametrize(
    "serial, expected",
    [(0, "1904-01-01"), (1, "1904-01-02"), (43894, "2024-03-05"), (2957003, "9999-12-31")],
)
def test_serials_of_a_1904_workbook_count_from_1904(serial, expected):
    assert one(parse_dates, serial, date1904=True) == day(expected)
    assert one(parse_dates, serial + 1462) == day(expected)  # the same day in the 1900 system


def test_dates_are_midnights_in_one_datetime_dtype_whatever_the_cell_type():
    parsed = parse_dates(column(dt.datetime(2024, 3, 5, 14, 30), 45356, "3/5/24", None, "nope"))
    assert str(parsed.values.dtype) == values.DATE_DTYPE
    assert parsed.values.iloc[:3].tolist() == [day("2024-03-05")] * 3
    assert parsed.invalid.tolist() == [False, False, False, False, True]


def test_the_same_date_text_on_many_rows_gives_the_same_date_on_each():
    parsed = parse_dates(column(*(["3/5/2024", "bad", "2024-03-06", None] * 250)))
    assert parsed.values.iloc[::4].eq(day("2024-03-05")).all()
    assert parsed.values.iloc[2::4].eq(day("2024-03-06")).all()
    assert parsed.invalid.sum() == 250


# -------------------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    "cell, minutes",
    [
        (1.5, 90),  # a number is decimal hours
        (2, 120),
        (0.25, 15),
        (1 / 3, 20),
        ("1.5", 90),
        ("1,5", 90),
        ("0,500", 30),  # a decimal comma: no thousands separator after a 0
        ("1,50 h", 90),
        (".5", 30),
        ("1.25", 75),
        (dt.time(1, 30), 90),  # a time-formatted cell, as python-calamine returns it
        (dt.time(0, 45), 45),
        (dt.time(1, 29, 40), 90),  # rounded to the minute
        (dt.timedelta(hours=1, minutes=30), 90),  # an [h]:mm cell
        (dt.timedelta(hours=25), 1500),
        (dt.datetime(1899, 12, 30, 1, 30), 90),  # a time cell read with Excel's day zero
        (dt.datetime(1899, 12, 31, 1, 30), 90),
        ("1:30", 90),
        ("01:30", 90),
        ("0:45", 45),
        ("1:30:00", 90),
        ("1:30 hrs", 90),
        ("1:30h", 90),
        ("1h30", 90),
        ("1h05", 65),
        ("1h 30m", 90),
        ("1h30m", 90),
        ("1h, 30m", 90),
        ("90 min", 90),
        ("90 mins", 90),
        ("90min", 90),
        ("90 MIN", 90),
        ("45 mins.", 45),
        ("30 minutes", 30),
        ("15 m", 15),
        ("1 hr 30 min", 90),
        ("1 hr 30 mins", 90),
        ("1 hr. 30 min.", 90),
        ("1hr30min", 90),
        ("1 hr 30", 90),
        ("1 hour 30 minutes", 90),
        ("1 hour and 30 minutes", 90),
        ("2 hours 15 minutes", 135),
        ("1.5 hours", 90),
        ("1.5 h", 90),
        ("1.5hrs", 90),
        ("2 hrs", 120),
        ("2 Hrs", 120),
        ("2H", 120),
        ("1 hour", 60),
        ("  1:30\n", 90),
        ("PT1H30M00S", 90),  # ISO 8601: how the reader gives an .ods time cell of 24 h or more
        ("PT42H00M00S", 2520),
        ("PT1H30M", 90),
        ("PT2H", 120),
        ("PT45M", 45),
        ("PT90M", 90),
        ("PT1H29M40S", 90),
        ("PT1H29M59.5S", 90),
        ("PT5400S", 90),
    ],
)
def test_durations_read_as_whole_minutes(cell, minutes):
    assert one(parse_durations, cell) == minutes


@pytest.mark.parametrize(
    "cell",
    [
        "2:75",  # a clock's minutes stop at 59
        "1:5",
        ":30",
        "1 hr 75 min",
        "1.5h 30m",  # fractional hours and minutes besides: unclear
        "1:30 min",  # 1 h 30 or 1 min 30 s: not guessed
        "abc",
        "TBD",
        "1 1/2 hours",
        "PT",  # ISO 8601 with no hours, minutes or seconds
        "PT1H30",
        "PT30M1H",
        "P1H",
        True,
        dt.date(2024, 3, 5),
        dt.datetime(2024, 3, 5, 1, 30),  # a date, not a duration
        float("inf"),
        "nan",
        1e300,
        "1,500 min",  # 1500 minutes or 1.5: a thousands separator and a decimal comma look alike
        "1,500",
        "12,000 minutes",
    ],
)
def test_a_duration_that_cannot_be_read_is_invalid(cell):
    assert one(parse_durations, cell) == "invalid"


def test_hours_too_many_to_count_in_minutes_are_invalid_without_a_warning_on_the_console():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warning would fail here
        assert [one(parse_durations, cell) for cell in (1e308, "1e308 h", "1e308")] == ["invalid"] * 3


@pytest.mark.parametrize(
    "cell, minutes", [(-1, -60), ("-1", -60), ("-1:30", -90), ("-90 min", -90), (0, 0), ("0:00", 0)]
)
def test_zero_and_negative_durations_are_read_for_the_log_rule_to_judge(cell, minutes):
    # SPEC §4: zero or negative is LOG-DURATION-INVALID (a rule), not an unreadable cell (CELL-TYPE).
    assert one(parse_durations, cell) == minutes


@pytest.mark.parametrize("cell, minutes", [(25, 1500), ("25:00", 1500), ("30 h", 1800), ("600 min", 600), ("PT25H00M00S", 1500)])
def test_long_durations_are_read_for_the_implausible_warning_to_judge(cell, minutes):
    # SPEC §4: more than 8 h in one entry is a warning and still counted, so the parser keeps it.
    assert one(parse_durations, cell) == minutes


def test_durations_are_nullable_whole_minutes():
    parsed = parse_durations(column("1:30", None, "TBD", 1.5))
    assert parsed.values.dtype == "Int64"
    assert parsed.values.tolist() == [90, pd.NA, pd.NA, 90]
    assert parsed.invalid.tolist() == [False, False, True, False]


def test_cells_of_a_real_workbook_read_as_people_typed_them(tmp_path):
    """What python-calamine returns for typed cells, through the parsers."""
    path = tmp_path / "log.xlsx"
    write_workbook(
        path,
        {
            "Log": [
                ["Candidate ID", "Date", "Duration"],
                [12345.0, dt.datetime(2024, 3, 5, 14, 30), dt.time(1, 30)],
                ["00123", 45356, 1.5],
                [f" 777{NBSP}", "3/5/24", "1 hr 30 min"],
            ]
        },
    )
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Log").to_python()[1:]
    assert isinstance(rows[0][2], dt.time)  # a time-formatted cell is a datetime.time
    ids, dates, durations = (column(*(row[i] for row in rows)) for i in range(3))
    assert parse_ids(ids).values.tolist() == ["12345", "00123", "777"]
    assert parse_dates(dates).values.tolist() == [day("2024-03-05")] * 3
    assert parse_durations(durations).values.tolist() == [90, 90, 90]


# ---------------------------------------------------------------------------------------- yes/no


@pytest.mark.parametrize("cell", ["Yes", "YES", "yes ", "Y", "y", "TRUE", "true", "x", "X", "✓", "1", True, 1, 1.0])
def test_yes_spellings_are_yes(cell):
    assert one(parse_yesno, cell) is True


@pytest.mark.parametrize("cell", ["No", "no", "N", "n", "FALSE", "false", "0", False, 0, 0.0])
def test_no_spellings_are_no(cell):
    assert one(parse_yesno, cell) is False


@pytest.mark.parametrize("cell", [None, "", "  "])
def test_a_blank_yes_no_is_missing_not_invalid(cell):
    # Blank is not read as anything here; the table's rule decides (goals attained: blank = No).
    assert one(parse_yesno, cell) is None


@pytest.mark.parametrize("cell", ["maybe", "n/a", "pending", 2, dt.date(2024, 3, 5)])
def test_anything_else_in_a_yes_no_column_is_invalid(cell):
    assert one(parse_yesno, cell) == "invalid"


# ---------------------------------------------------------------------------------- enumerations


def _enum(table: str, name: str):
    contract = tables()[table].column(name)
    return {"values": contract.values, "variants": contract.variants}


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("In Person", "In Person"),
        ("in person", "In Person"),
        ("IN PERSON", "In Person"),
        ("In person", "In Person"),
        ("in-person", "In Person"),
        ("In_Person", "In Person"),
        (f"in{NBSP}person", "In Person"),
        ("face to face", "In Person"),
        ("Face-to-Face", "In Person"),
        ("phone", "Phone"),
        ("phone call", "Phone"),
        ("Phone Call ", "Phone"),
        ("telephone", "Phone"),
        ("e-mail", "Email"),
        ("E-Mail", "Email"),
        ("EMAIL", "Email"),
    ],
)
def test_contact_types_in_any_case_and_common_variants(cell, expected):
    assert one(parse_enum, cell, **_enum("coach_log", "contact_type")) == expected


@pytest.mark.parametrize(
    "table, name, cell, expected",
    [
        ("assignments", "status", "completed", "Completed"),
        ("assignments", "status", "Done", "Completed"),
        ("assignments", "status", "cancelled", "Withdrawn"),
        ("assignments", "status", "ACTIVE", "Active"),
        ("employees", "pgs_status", "not meeting", "Not Meeting"),
        ("employees", "pgs_status", "Y", "Meeting"),
        ("employees", "evaluation_status", "par", "PAR"),
        ("employees", "evaluation_status", "special", "Special Evaluation"),
        ("recommendations", "overall", "highly recommended", "Highly recommended"),
        ("recommendations", "overall", "With Reservations", "Recommended with reservations"),
        ("candidate_log", "activity_type", "self-study", "Independent"),
        ("candidate_log", "activity_type", "coach meeting", "Coach Meeting"),
        # SPEC §3: every choice matches "with the usual case and spacing variants", its spaces left out or added
        ("milestones", "phase", "OngoingSupport", "Ongoing Support"),
        ("milestones", "phase", "On-going Support", "Ongoing Support"),
        ("milestones", "phase", "On going support", "Ongoing Support"),
        ("milestones", "phase", "AgreementReview", "Agreement Review"),
        ("feedback", "role", "Coach ee", "Coachee"),
        ("employees", "pgs_status", "NotMeeting", "Not Meeting"),
        ("coach_log", "contact_type", "E mail", "Email"),
    ],
)
def test_every_enumeration_accepts_its_variants_from_the_table_contract(table, name, cell, expected):
    assert one(parse_enum, cell, **_enum(table, name)) == expected


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("In\u2013person", "In Person"),  # an en dash, as Word or Outlook gives a pasted "-"
        ("IN\u2011PERSON", "In Person"),  # a non-breaking hyphen
        ("Face\u2010to\u2010face", "In Person"),
        ("E\u2013mail", "Email"),
        ("phone\u2014call", "Phone"),
    ],
)
def test_a_choice_pasted_with_a_dash_for_its_hyphen_is_read(cell, expected):
    assert one(parse_enum, cell, **_enum("coach_log", "contact_type")) == expected


@pytest.mark.parametrize("cell", ["fax", "zoom", "in persons", 3, True])
def test_a_value_outside_the_enumeration_is_invalid(cell):
    assert one(parse_enum, cell, **_enum("coach_log", "contact_type")) == "invalid"


def test_variants_for_a_value_that_is_not_allowed_are_a_contract_error():
    with pytest.raises(ValueError, match="Fax"):
        parse_enum(column("fax"), values=["Phone"], variants={"Fax": ["fax"]})


# --------------------------------------------------------------------------------- whole numbers


@pytest.mark.parametrize("cell, expected", [(23, 23), (23.0, 23), ("23", 23), ("23.0", 23), (" 23 ", 23), ("-2", -2)])
def test_whole_numbers_read_from_numbers_and_text(cell, expected):
    assert one(parse_integers, cell) == expected


@pytest.mark.parametrize("cell", [23.5, "Grade 23", "1,000", True, dt.date(2024, 3, 5)])
def test_a_number_that_is_not_whole_is_invalid(cell):
    assert one(parse_integers, cell) == "invalid"


@pytest.mark.parametrize(
    "cell, expected",
    [(1, 1), (5, 5), ("3", 3), ("4.0", 4), (0, "invalid"), (6, "invalid"), (4.5, "invalid"), ("five", "invalid")],
)
def test_ratings_are_whole_numbers_from_1_to_5(cell, expected):
    assert one(parse_rating, cell) == expected


# ------------------------------------------------------------------------------------------ text


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("  Jane \n Doe\t", "Jane Doe"),
        (f"Jane{NBSP}{NBSP}Doe", "Jane Doe"),
        ("Jane\r\nDoe", "Jane Doe"),
        (f"Jane{ZERO_WIDTH_SPACE} Doe", "Jane Doe"),
        ("Met\u2007to plan\u202fgoals", "Met to plan goals"),
        (12345.0, "12345"),
        (1.5, "1.5"),
        ("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"),  # text stays text; writers keep it from being a formula
    ],
)
def test_text_follows_the_whitespace_rule(cell, expected):
    assert normalise_text(column(cell)).iloc[0] == expected


def test_blank_text_is_missing():
    assert normalise_text(column(None, "", " \n ")).isna().all()


# ------------------------------------------------------------------------------- cell references


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")])
def test_column_letters_are_excels(index, letters):
    assert column_letter(index) == letters


def test_a1_references_take_a_1_based_row_and_a_0_based_column():
    assert a1(5, 2) == "C5"
    with pytest.raises(ValueError):
        a1(0, 0)
    with pytest.raises(ValueError):
        column_letter(-1)


# ------------------------------------------------------------------------------------ robustness


def test_a_column_of_mixed_cells_never_raises_and_flags_only_the_unreadable():
    cells_and_invalid = [
        ("1:30", False),
        (1.5, False),
        (dt.time(0, 30), False),
        (None, False),
        (float("nan"), False),
        ("", False),
        ("TBD", True),
        (True, True),
        (dt.date(2024, 1, 1), True),
        (10**400, True),  # too big even for a float
        (object(), True),
        ([1, 2], True),
        (b"bytes", True),
    ]
    mixed = column(*(cell for cell, _ in cells_and_invalid))
    parsed = parse_durations(mixed)
    assert parsed.values.iloc[:3].tolist() == [90, 90, 30]
    assert parsed.invalid.tolist() == [invalid for _, invalid in cells_and_invalid]
    for parser in (parse_ids, parse_dates, parse_integers, parse_yesno, parse_rating):
        result = parser(mixed)
        assert len(result.values) == len(result.invalid) == len(mixed)
        assert not result.invalid.iloc[3:6].any()  # blanks are never invalid
        assert result.invalid.iloc[10:].all()  # nor is an unknown object ever readable
    assert len(normalise_text(mixed)) == len(mixed)


def test_parsers_keep_the_index_and_name_of_the_column():
    raw = pd.Series(["3/5/2024", "x"], index=[7, 9], name="date", dtype=object)
    parsed = parse_dates(raw)
    assert parsed.values.index.tolist() == parsed.invalid.index.tolist() == [7, 9]
    assert parsed.values.name == "date"


def test_an_empty_column_parses_to_empty():
    for parser in (parse_ids, parse_dates, parse_durations, parse_integers, parse_yesno, parse_rating):
        parsed = parser(column())
        assert parsed.values.empty and parsed.invalid.empty
