"""Named defaults, in one place. The CLI and policy files override them; nothing reads globals."""

from __future__ import annotations

DEFAULT_PROGRAM = "itss-coaching"  # the preset a run uses when --program is not given
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# spreadsheets of a kind the run does not read, by extension: skipped, each listed with what to do to have it read
_SAVE_AS_XLSX = "open it in Excel and save it as an Excel Workbook (.xlsx) to have it read"
UNREAD_SPREADSHEETS = {
    ".xlsb": f"an Excel binary workbook (.xlsb), a kind the run does not read: {_SAVE_AS_XLSX}",
    ".xltx": f"an Excel template (.xltx), a kind the run does not read: {_SAVE_AS_XLSX}",
    ".xltm": f"an Excel template (.xltm), a kind the run does not read: {_SAVE_AS_XLSX}",
    ".xlt": f"an old Excel template (.xlt), a kind the run does not read: {_SAVE_AS_XLSX}",
    ".csv": f"a CSV file, a kind the run does not read: {_SAVE_AS_XLSX}",
    ".numbers": "an Apple Numbers spreadsheet, a kind the run does not read: in Numbers, choose File > Export To > Excel "
                "to have it read",
    ".zip": "a zip archive, not opened: unzip it into the inbox to have the workbooks in it read",
}
HEADER_SEARCH_ROWS = 30  # a table's header row is found within the sheet's first 30 rows
# a second paper form typed under a log on the same sheet: its header row within this many rows of its pair's block
FORM_HEADER_ROWS = 10
PARTIAL_MATCH_MIN_HEADERS = 3  # a row matching this many headers but lacking a required one is a broken table
EXAMPLE_ROW_MARKER = "EXAMPLE"  # a row whose first cell reads this is the templates' example row: skipped
EXAMPLE_ID = "100234"  # the example row's IDs (one with other IDs has been typed over: it is read)
# the example row's other values, by column type (an enumeration's is its first allowed value); a row
# typed over the example with some of them left is reported (CELL-EXAMPLE)
EXAMPLE_DATE = (2026, 3, 2)
EXAMPLE_TEXT = "any text"
EXAMPLE_INTEGER = 23
EXAMPLE_RATING = 4
EXAMPLE_HOURS = 1.5
INSTRUCTIONS_SHEET = "Instructions"  # the templates' instructions sheet: holds no table, reported as nothing

# Refuse a file before decompressing it (FILE-UNREADABLE) past these limits.
MAX_INFLATE_RATIO = 100
MAX_INFLATED_BYTES = 256 * 1024 * 1024
# an .xlsx's list of sheets (xl/workbook.xml) longer than this (a thousand sheets or so) is checked
# for sheets that are one part listed again
LONG_SHEET_LIST_BYTES = 64 * 1024
MAX_SHEET_ROWS = 1_048_576  # Excel's own limits
MAX_SHEET_COLUMNS = 16_384
# an output's table (the Exceptions sheet of a run of a million findings) takes at most this many rows of a sheet,
# its header row included; its further rows continue on sheets of their own, "Exceptions (2)", "Exceptions (3)", …
# each a table with the same header (a table past Excel's last row could not be written at all)
MAX_OUTPUT_SHEET_ROWS = MAX_SHEET_ROWS
# the cells a workbook's sheets may declare, all together: the reader holds a sheet as a grid of Python
# objects (about 100 bytes a cell) and two workers read at once, so this keeps a run within 1 GiB
MAX_DECLARED_CELLS = 5_000_000

# A row under a table holding only the results of these functions' formulas (`=SUBTOTAL(109,…)`, `=COUNTA(A2:A11)`,
# no `Total` label) is its totals row, not a row of it: an Excel table's Total Row once LibreOffice has saved
# the table as .ods or .xls (the table itself is then gone), or a sum typed under the table.
TOTAL_FUNCTIONS = frozenset({"SUBTOTAL", "AGGREGATE", "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "COUNT", "COUNTA", "COUNTIF",
                             "COUNTIFS", "COUNTBLANK", "AVERAGE", "AVERAGEA", "AVERAGEIF", "AVERAGEIFS", "MIN", "MINA",
                             "MAX", "MAXA"})

# A Duration shown as a time of day this late may be a negative time (End before Start, `=F2-E2` in an
# h:mm cell: -1:00 is shown as 23:00 by the reader): such a cell's saved value is looked up.
LATE_TIME_OF_DAY_HOURS = 8

# Parallel reading: files are read in worker processes (speed, and a reader crash stays isolated).
MAX_READ_WORKERS = 8
# Workbooks of fewer bytes than this in all are read by one worker: a worker reads about 7–8 MB of workbooks a
# second, so it is done before the run has imported validation and the rules (about 0.17 s) and needs them.
ONE_READER_BYTES = 1_000_000
# The threads numpy's BLAS library (OpenBLAS in numpy's wheels) starts for itself when numpy is loaded, unless
# the environment says otherwise: the run multiplies no matrices, and a thread per core cost the demo run about
# 40 ms before it could read (and as much again in the processes it starts).
BLAS_THREADS = "1"
# Below this many rows in all tables, validating them (or applying the rules) in two processes costs more than it saves.
PARALLEL_ROWS = 100_000

DEFAULT_OUT_DIRNAME = "out"  # outputs go to <inbox>/../out/<as-of>/ unless --out is given
DRY_RUN_SUFFIX = "-dry-run"  # a dry run's to out/<as-of>-dry-run/: never the folder finance takes
DEFAULT_STATE_DIRNAME = "state"  # the ledger: <inbox>/../state/ledger.sqlite unless --state is given
ARCHIVE_DIRNAME = "archive"  # --archive moves the files read to <inbox>/../archive/<as-of>/
# Names Windows keeps for its devices, in any case, alone or before a dot ("NUL.eml", "Con. Smith.pdf"):
# no file of the outputs may be called so, or the output folder cannot be copied to a Windows machine.
WINDOWS_DEVICE_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")})
# a mistyped choice (`Compelted`) this close to an allowed one (difflib's ratio) is named in its fix
CHOICE_SUGGESTION_CUTOFF = 0.75
# titles typed before a name on a paper log (`Dr. Casey Coach`): left out when a name not in the roster is
# compared with the roster's for a near match to name in its finding (never to match it)
NAME_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "jr", "sr"})
# a cell's value quoted in a finding is cut to this many characters (a pasted paragraph in a Type of Contact cell)
QUOTED_VALUE_CHARS = 200
# a finding naming a coach's other pairs (COACH-CONCURRENT, COACH-OVER-CAPACITY) names this many, then "and N more":
# a coach with hundreds of pairs at once made each message name every other one (past a cell's 32,767 characters)
NAMED_PAIRS_IN_MESSAGE = 10
# COACH-CONCURRENT compares a coach's pairs two by two this many comparisons at a time: a coach with k pairs
# makes k² of them (a placeholder Coach ID typed on 2,000 pairs made 4 million rows at once, past 1 GiB)
PAIRS_COMPARED_AT_ONCE = 200_000
# a notice lists this many of its findings, then says how many more (5,000 cells of one sheet typed TBD made a
# notice of 5,000 items); its subject and heading still count them all
NOTICE_FINDINGS_LISTED = 100
CONSOLE_UNKNOWN_PROGRAMS = 5  # the console names this many Program values that are no program, then counts the rest
CONSOLE_TEXT_CHARS = 40  # a Program cell's value or a name from a workbook is cut to this many characters on the console
# a table the console's `Missing:` line names as the coordinator knows it (others by their own name)
CONSOLE_TABLE_NAMES = {"employees": "roster (employees)"}
LOCK_WAIT_SECONDS = 10.0  # a second run on the same state waits this long for the first, then stops
