"""The real command on real workbooks: the demo inbox (a district running four programs) against its
hand-computed oracle, bad input, exit codes. These are the behaviours a coordinator and a finance clerk see."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from coaching_batch import settings
from coaching_batch.cli import main
from workbooks import (assignment_rows, candidate_log_rows, coach_log_rows, roster_rows, run_command, table_rows, write_ods,
                       write_workbook)

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())
COMMAND = Path(sys.executable).parent / "coaching-batch"
PAIR_LEVEL_AT_A_CELL = {"AGREEMENT-MISSING"}  # the mentoring pair with no Agreement Date: at that cell
PAIR_LEVEL_AT_AN_ENTRY = set(EXPECTED["pair_rules_at_entries"])  # e.g. MONTH-OVER-LIMIT at the meeting over the limit
ITSS = "itss-coaching"




def demo_inbox(root: Path) -> Path:
    """A copy of the demo inbox in a folder of its own: the outputs a developer's runs left beside
    sample_workbooks/ (out/) never reach the test's ledger checks."""
    inbox = root / "sample_workbooks"
    shutil.copytree(SAMPLES, inbox, copy_function=shutil.copy2)
    return inbox


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One real run of the command on the demo inbox, as of the demo date."""
    root = tmp_path_factory.mktemp("demo")
    inbox, out = demo_inbox(root), root / "out"
    before = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in inbox.iterdir()}
    completed = run_command("run", str(inbox), "--as-of", EXPECTED["as_of"], "--out", str(out),
                            "--state", str(out.parent / "state"))
    after = {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in inbox.iterdir()}
    assert completed.returncode == 0, completed.stderr
    return {"out": out, "stdout": completed.stdout, "run": json.loads((out / "run.json").read_text()),
            "inputs_unchanged": before == after}


@pytest.fixture(scope="module")
def review_run(tmp_path_factory):
    """The same inbox just after the first Agreement Review due date (none is due by the demo date)."""
    root = tmp_path_factory.mktemp("review")
    inbox, out = demo_inbox(root), root / "out"
    completed = run_command("run", str(inbox), "--as-of", EXPECTED["later_run"]["as_of"], "--out", str(out),
                            "--state", str(out.parent / "state"))
    assert completed.returncode == 0, completed.stderr
    return json.loads((out / "run.json").read_text())


def findings_of(run: dict, candidate_id: str, coach_id: str) -> list[dict]:
    return [f for f in run["exceptions"] if f["candidate_id"] == candidate_id and f["coach_id"] == coach_id]


def pair_level(run: dict, expected: dict) -> list[dict]:
    """The pair's own findings: no cell, a cell of its assignment row (AGREEMENT-MISSING), or the log entry or
    milestone that a pair rule is about (MONTH-OVER-LIMIT, PHASE-*)."""
    place = (expected["assignment"]["file"], expected["assignment"]["sheet"])
    return [f for f in findings_of(run, expected["candidate_id"], expected["coach_id"])
            if not f["cell"] or f["rule"] in PAIR_LEVEL_AT_AN_ENTRY
            or (f["rule"] in PAIR_LEVEL_AT_A_CELL and (f["file"], f["sheet"]) == place)]


def test_the_readme_shows_what_make_demo_prints(tmp_path):
    """The Quick start's console block is the demo's output line for line (its paths aside): the
    dry run's `No ledger at …` line was missing from it."""
    import re

    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ make demo\n", 1)[1].split("```", 1)[0].splitlines()
    inbox = demo_inbox(tmp_path)
    completed = run_command("run", str(inbox), "--as-of", EXPECTED["as_of"], "--out", str(tmp_path / "out" / "demo"),
                            "--dry-run", "--overwrite")
    assert completed.returncode == 0, completed.stderr

    def paths_out(lines: list[str]) -> list[str]:
        return [re.sub(r"^(No ledger at|Outputs written to) \S+", r"\1 PATH", line) for line in lines]

    assert paths_out(completed.stdout.splitlines()) == paths_out(shown)


def test_demo_writes_every_output(demo):
    assert sorted(p.name for p in demo["out"].iterdir() if p.is_file()) == ["exceptions.xlsx", "payments.xlsx", "results.xlsx", "run.json"]
    assert f"{len(EXPECTED['pairs'])} pairs" in demo["stdout"]
    # notices: the weekly notices, one .eml per person who must act and the coordinator's
    assert "coordinator.eml" in [p.name for p in (demo["out"] / "notices").iterdir()]


def test_demo_inputs_are_never_modified(demo):
    assert demo["inputs_unchanged"]


@pytest.mark.parametrize("expected", EXPECTED["pairs"], ids=[p["pair"] for p in EXPECTED["pairs"]])
def test_demo_hours_verdicts_and_findings_of_each_pair_match_the_hand_computed_oracle(demo, expected):
    pairs = {(p["candidate_id"], p["coach_id"]): p for p in demo["run"]["pairs"]}
    got = pairs[(expected["candidate_id"], expected["coach_id"])]
    for key in ("program", "candidate_hours", "coach_contact_hours", "completion_eligible", "payment_eligible"):
        assert got[key] == expected[key], key
    own = pair_level(demo["run"], expected)
    assert sorted(f["rule"] for f in own) == sorted(expected["rules"])
    assert {f["program"] for f in own} <= {expected["program"]}


def test_demo_run_json_gives_every_pair_its_program(demo):
    got = sorted((p["program"], p["candidate_id"], p["coach_id"]) for p in demo["run"]["pairs"])
    want = sorted((p["program"], p["candidate_id"], p["coach_id"]) for p in EXPECTED["pairs"])
    assert got == want
    for name, program in EXPECTED["programs"].items():
        assert sum(p["program"] == name for p in demo["run"]["pairs"]) == program["pairs"], name
        assert sum(p["program"] == name and p["completion_eligible"] for p in demo["run"]["pairs"]) == \
            program["completion_eligible"], name


def test_demo_pairs_of_an_unknown_program_or_another_school_year_are_listed_but_not_judged(demo):
    for expected in EXPECTED["pairs"]:
        if expected.get("judged", True):
            continue
        found = findings_of(demo["run"], expected["candidate_id"], expected["coach_id"])
        assert {f["rule"] for f in found} <= {"CELL-ENUM"}, expected["pair"]  # its Program cell, nothing else
        assert expected["coach_contact_hours"] == 0 and not expected["completion_eligible"]


def test_demo_payment_sheet_lists_exactly_the_payable_itss_stipends_with_a_total(demo):
    sheet = openpyxl.load_workbook(demo["out"] / "payments.xlsx")["Payments"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    column = {name: header.index(name) for name in header if name}
    assert list(header[:10]) == ["Payment ID", "Coach ID", "Coach Name", "Candidate ID", "Candidate Name", "Start Date",
                                 "End Date", "Coach Contact Hours", "Candidate Hours", "Amount"]
    got = sorted((r[1], r[3], r[5].date().isoformat(), r[6].date().isoformat(), r[7], r[8], r[9]) for r in body)
    want = sorted((p["coach_id"], p["candidate_id"], p["start_date"], p["end_date"], p["coach_contact_hours"],
                   p["candidate_hours"], p["amount"]) for p in EXPECTED["payments"])
    assert got == want
    if "Program" in column:
        assert {r[column["Program"]] for r in body} == {ITSS}
    assert total[0] == "Total" and total[column["Amount"]] == EXPECTED["payment_total"]
    assert all(r[0].startswith("PAY-") for r in body) and len({r[0] for r in body}) == len(body)
    assert {p["program"] for p in demo["run"]["payments"]} == {ITSS}


def test_demo_reports_every_planted_row_problem_at_its_cell(demo):
    found = {(f["rule"], f["file"], f["sheet"], f["cell"]) for f in demo["run"]["exceptions"]}
    for planted in EXPECTED["row_findings"]:
        places = [planted, *planted.get("alternatives", [])]
        cells = {planted["cell"], planted["row_first_cell"]}
        assert any(
            (planted["rule"], place["file"], place["sheet"], cell) in found
            for place in places for cell in cells | {place.get("cell")}
        ) or (planted["rule"] == "LOG-NO-ASSIGNMENT" and any(
            f[0] == "LOG-NO-ASSIGNMENT" and f[1] == planted["file"] and f[2] == planted["sheet"] for f in found
        )), planted


def test_demo_flags_each_inactive_coach_once_and_no_other(demo):
    got = sorted((f["coach_id"], f["candidate_id"], f["program"]) for f in demo["run"]["exceptions"]
                 if f["rule"] == "COACH-INACTIVE")
    want = sorted((f["coach_id"], "", f["program"]) for f in EXPECTED["coach_findings"] if f["rule"] == "COACH-INACTIVE")
    assert got == want
    for expected in EXPECTED["coach_findings"]:
        message = next(f["message"] for f in demo["run"]["exceptions"]
                       if f["rule"] == expected["rule"] and f["coach_id"] == expected["coach_id"])
        named = zip(expected["active_coachees"], expected["active_coachee_names"])
        assert all(coachee_id in message or name in message for coachee_id, name in named), message


def test_every_finding_has_the_severity_of_its_rule(demo):
    for f in demo["run"]["exceptions"]:
        if f["rule"] in EXPECTED["severities"]:
            assert f["severity"] == EXPECTED["severities"][f["rule"]], f


def test_agreement_reviews_are_due_from_the_first_review_date_on(demo, review_run):
    assert not [f for f in demo["run"]["exceptions"] if f["rule"] == "AGREEMENT-REVIEWS-SHORT"]
    later = EXPECTED["later_run"]
    got = sorted((f["candidate_id"], f["coach_id"]) for f in review_run["exceptions"] if f["rule"] == later["rule"])
    want = sorted((p["candidate_id"], p["coach_id"]) for p in later["job_embedded_pairs"] if p["reviews_short"])
    assert got == want


def test_demo_exceptions_show_each_findings_program(demo):
    for sheet_file in ("results.xlsx", "exceptions.xlsx"):
        book = openpyxl.load_workbook(demo["out"] / sheet_file, read_only=True)
        rows = list(book["Exceptions"].iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if "Rule" in r and "Program" in r)
        header = rows[header_at]
        programs = {r[header.index("Program")] for r in rows[header_at + 1:] if r[header.index("Rule")]}
        assert {"itss-coaching", "support-mentoring", "reps-coaching", "job-embedded"} <= programs, sheet_file
        book.close()


def test_confidential_feedback_comments_appear_in_no_output(demo):
    book = openpyxl.load_workbook(SAMPLES / "Reps Coaching 2026.xlsx", read_only=True)
    rows = list(book["Feedback"].iter_rows(values_only=True))
    book.close()
    header_at = next(i for i, r in enumerate(rows) if "Comments" in r)
    comments = [r[rows[header_at].index("Comments")] for r in rows[header_at + 1:] if r[0]]
    assert comments
    texts = [(demo["out"] / "run.json").read_text()]
    for name in ("results.xlsx", "exceptions.xlsx", "payments.xlsx"):
        book = openpyxl.load_workbook(demo["out"] / name, read_only=True)
        texts += [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
        book.close()
    text = "\n".join(texts)
    assert not [c for c in comments if c in text]


def test_demo_payment_ids_are_stable_from_run_to_run(demo, review_run):
    """A later run on another ledger gives the same stipends the same Payment IDs."""
    def ids(run):
        return {(p["candidate_id"], p["coach_id"]): p["payment_id"] for p in run["pairs"] if p["payment_eligible"]}
    assert ids(review_run) == ids(demo["run"])
    assert sorted(p["payment_id"] for p in demo["run"]["payments"]) == sorted(ids(demo["run"]).values())


def test_demo_run_json_names_every_input_and_its_recognised_sheets(demo):
    inputs = {i["path"]: i for i in demo["run"]["inputs"]}
    for expected in EXPECTED["inputs"]:
        if inputs[expected["file"]]["status"] != "read":
            continue
        got = {s["name"]: s["table"] for s in inputs[expected["file"]]["sheets"]}
        assert got == {s["name"]: s["table"] for s in expected["sheets"]}


# --- bad input ---------------------------------------------------------------------------------

EMPLOYEES = [
    {"employee_id": "100", "name": "Casey Coach", "grade": 25, "hire_date": dt.date(2015, 1, 5), "pgs_status": "Meeting",
     "coach_training_date": dt.date(2020, 1, 1)},
    {"employee_id": "200", "name": "Kim Candidate", "grade": 20},
]


def small_inbox(root: Path) -> Path:
    inbox = root / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(EMPLOYEES)})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"candidate_id": "200", "coach_id": "100", "assigned_date": dt.date(2026, 1, 2), "planning_meeting_date": dt.date(2026, 1, 10)}])})
    return inbox


def test_unreadable_file_missing_column_and_bad_date_are_findings_and_outputs_are_still_written(tmp_path):
    inbox = small_inbox(tmp_path)
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    write_workbook(inbox / "nodur.xlsx", {"Log": [["Candidate ID", "Coach ID", "Date", "Description"], ["200", "100", dt.date(2026, 2, 1), "x"]]},
                   start_row=3, start_col=2)
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": "31/31/2026", "contact_type": "Phone", "duration": 1},
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2},
    ])})
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    where = {(f["rule"], f["file"], f["sheet"], f["cell"]) for f in result["exceptions"]}
    assert ("FILE-UNREADABLE", "broken.xlsx", "", "") in where
    assert ("SHEET-MISSING-COLUMN", "nodur.xlsx", "Log", "C4") in where  # the header row's first cell
    skipped = next(f["message"] for f in result["exceptions"] if f["rule"] == "SHEET-MISSING-COLUMN")
    assert skipped.endswith("column; sheet skipped: its one filled row below the header was not read")
    assert ("CELL-TYPE", "log.xlsx", "Log", "C2") in where
    assert result["pairs"][0]["coach_contact_hours"] == 2.0  # the bad row is left out, the good one counts
    assert (tmp_path / "out" / "payments.xlsx").exists() and (tmp_path / "out" / "results.xlsx").exists()


def test_a_second_table_typed_beside_the_first_on_one_sheet_is_a_warning_not_lost_silently(tmp_path):
    """A roster with the assignments typed to its right, a blank column between: one table is read
    (the one with more known headers, here the assignments), and the run says the other was not, at
    its first header's cell."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    roster = roster_rows(EMPLOYEES)
    pairs = assignment_rows([{"candidate_id": "200", "coach_id": "100", "assigned_date": dt.date(2026, 1, 2),
                              "planning_meeting_date": dt.date(2026, 1, 10)}])
    rows = [left + [None] + (pairs[i] if i < len(pairs) else []) for i, left in enumerate(roster)]
    write_workbook(inbox / "everything.xlsx", {"Program": rows})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    beside = [f for f in result["exceptions"] if f["rule"] == "SHEET-TABLE-BESIDE"]
    assert [(f["severity"], f["file"], f["sheet"], f["cell"]) for f in beside] == [("warning", "everything.xlsx", "Program", "A1")]
    assert beside[0]["message"] == ("Sheet 'Program' holds a second table beside its Assignments table: "
                                    "the Employees table at A1 was not read")
    assert [sheet["table"] for sheet in result["inputs"][0]["sheets"]] == ["assignments"]
    assert "TABLE-MISSING" in {f["rule"] for f in result["exceptions"]}  # the roster was not read


def test_a_second_table_typed_above_the_first_on_one_sheet_is_a_warning_not_lost_silently(tmp_path):
    """The roster typed over the assignments, a blank row and their title between: the assignments'
    header matches more, so they are read, and the run says the roster at its header's cell was not
    (it was passed over unsaid, as title rows: only TABLE-MISSING told of it)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pairs = assignment_rows([{"candidate_id": "200", "coach_id": "100", "assigned_date": dt.date(2026, 1, 2),
                              "planning_meeting_date": dt.date(2026, 1, 10)}])
    write_workbook(inbox / "everything.xlsx", {"Program": roster_rows(EMPLOYEES) + [[], ["Assignments"]] + pairs})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    assert [(sheet["table"], sheet["rows"]) for sheet in result["inputs"][0]["sheets"]] == [("assignments", 1)]
    stacked = [f for f in result["exceptions"] if f["rule"] == "SHEET-TABLE-BESIDE"]
    assert [(f["severity"], f["file"], f["sheet"], f["cell"]) for f in stacked] == [("warning", "everything.xlsx", "Program", "A1")]
    assert stacked[0]["message"] == ("Sheet 'Program' holds a second table above its Assignments table: "
                                     "the Employees table at A1 (2 filled rows under its header) was not read")


def test_a_column_headed_twice_on_a_sheet_is_a_warning_at_the_heading_not_read(tmp_path):
    """An old Coach ID column (hidden, say) left before the one in use, and a log headed both Duration
    and Hours: the first of each is read, and the run says, at the second heading, that its column
    was not (the pair was judged with the old coach and the log's entries were the other coach's,
    without a word about why)."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "pairs.xlsx", {"Pairs": [
        ["Candidate ID", "Coach ID", "Planning Meeting Date", "Status", "Coach ID", "Assigned Date"],
        ["200", "109", dt.date(2026, 1, 10), "Active", "100", dt.date(2026, 1, 2)]]})
    write_workbook(inbox / "log.xlsx", {"Log": [
        ["Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Hours"],
        ["200", "100", dt.date(2026, 2, 1), "Phone", 1.5, 2]]})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    twice = {f["file"]: f for f in result["exceptions"] if f["rule"] == "SHEET-TABLE-BESIDE"}
    assert {(f["severity"], f["sheet"], f["cell"]) for f in twice.values()} == {("warning", "Pairs", "E1"), ("warning", "Log", "F1")}
    assert twice["pairs.xlsx"]["message"] == ("Sheet 'Pairs' has the column 'Coach ID' twice: "
                                              "the one at E1 was not read (the one at B1 was)")
    assert twice["log.xlsx"]["message"] == ("Sheet 'Log' has 'Duration' and 'Hours', two headings of one column: "
                                            "'Hours' at F1 was not read ('Duration' at E1 was)")
    assert twice["pairs.xlsx"]["fix"].startswith("Delete one of the two columns, or rename")
    assert [(p["coach_id"], p["coach_contact_hours"]) for p in result["pairs"]] == [("109", 0.0)]  # the first is read


def test_a_pairs_reason_says_no_counted_coach_log_entry_when_its_log_came_but_none_of_it_counts(tmp_path):
    """Pair 200 has no coach log; pair 201's one entry is a Duration formula saved without a result
    (CELL-TYPE, left out); pair 202's one entry is before the planning meeting (LOG-OUTSIDE-WINDOW).
    Only for the first was nothing received ("no coach log received" sent the coordinator looking
    for a log that had come in, or no reason named the log at all)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    people = EMPLOYEES + [{"employee_id": str(n), "name": f"Candidate {n}", "grade": 20} for n in (201, 202)]
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows(people)})
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"candidate_id": str(n), "coach_id": "100", "assigned_date": dt.date(2026, 1, 2),
         "planning_meeting_date": dt.date(2026, 1, 10)} for n in (200, 201, 202)])})
    book = openpyxl.Workbook()  # written by a script, never opened in Excel: the formula has no result
    book.active.append(["Candidate ID", "Coach ID", "Date", "Type of Contact", "Start", "End", "Duration"])
    book.active.append(["201", "100", dt.date(2026, 2, 1), "Phone", dt.time(9), dt.time(10), "=F2-E2"])
    book.save(inbox / "log 201.xlsx")
    write_workbook(inbox / "log 202.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "202", "coach_id": "100", "date": dt.date(2025, 12, 1), "contact_type": "Phone", "duration": 1.5}])})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    about_the_log = {p["candidate_id"]: [r for r in p["reasons"] if "coach log" in r or "coach-log" in r] for p in result["pairs"]}
    assert about_the_log == {
        "200": ["no coach log received"],
        "201": ["no counted coach-log entry (1 read, none counted: see the Exceptions)"],
        "202": ["no counted coach-log entry (1 read, none counted: see the Exceptions)"],
    }


@pytest.mark.parametrize("name", ["log.xlsx", b"Coach Log Jos\xe9.xlsx"])
@pytest.mark.parametrize("hidden", [(), (2, 3)])
def test_a_log_total_mismatch_names_the_hidden_rows_among_its_entries_and_their_hours(tmp_path, hidden, name):
    """A log kept as an Excel table, two rows hidden, its Total Row a SUBTOTAL that leaves them out
    (3.00 h): the run counts hidden rows (5.50 h), and its LOG-TOTAL-MISMATCH now says the difference
    may be those rows and what they hold. A sheet hiding nothing is told nothing of the kind."""
    import xlsxwriter

    inbox = small_inbox(tmp_path)
    book = xlsxwriter.Workbook(str(tmp_path / "log.xlsx"))
    sheet = book.add_worksheet("Log")
    columns = [{"header": h} for h in ("Candidate ID", "Coach ID", "Date", "Type of Contact", "Duration", "Description")]
    columns[0]["total_string"] = "Total"
    columns[4].update(total_function="sum", total_value=3)
    sheet.add_table(0, 0, 5, 5, {"columns": columns, "total_row": True, "data": [
        ["200", "100", f"2/{day}/2026", "Phone", 1 if day == 3 else 1.5, "call"] for day in (1, 2, 3, 4)]})
    for row in hidden:
        sheet.set_row(row, None, None, {"hidden": True})
    book.close()
    os.rename(tmp_path / "log.xlsx", os.path.join(os.fsencode(inbox), os.fsencode(name)))  # a name not UTF-8 too (old zip tools)

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    [mismatch] = [f for f in result["exceptions"] if f["rule"] == "LOG-TOTAL-MISMATCH"]
    said = "Total Hours says 3.00 h but the entries add up to 5.50 h on this page"
    if hidden:
        said += ("; rows 3 and 4 above it are hidden and hold 2.50 h, which the run counts: a SUBTOTAL total (as in "
                 "an Excel table's Total Row) leaves hidden and filtered-out rows out, so the difference may be those rows")
    assert (mismatch["cell"], mismatch["message"]) == ("E6", said)
    assert mismatch["fix"].startswith("Unhide the rows") == bool(hidden)
    assert result["pairs"][0]["coach_contact_hours"] == 5.5


PAPER_LOG_HEAD = [["Candidate ID:", "200", "Coach ID:", "100"], [], ["Date", "Type of Contact", "Duration", "Brief Description of Contact"]]


def _paper_log_rows(fifth_duration: object = 1) -> list[list]:
    """A paper coach log of 1, 1.5, 1, 1 and 1 h: its third row typed `fax`, its fourth dated 3/32."""
    return [["2/2/2026", "Phone", 1, "call"], ["2/9/2026", "Phone", 1.5, "call"], ["2/16/2026", "fax", 1, "call"],
            ["3/32/2026", "Phone", 1, "call"], ["3/2/2026", "Phone", fifth_duration, "call"]]


def _footer_findings(tmp_path, sheets: dict) -> list[dict]:
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "log.xlsx", sheets)
    completed = run_command("run", str(inbox), "--as-of", "2026-06-30", "--out", str(tmp_path / "out"), "--dry-run")
    assert completed.returncode == 0, completed.stderr
    exceptions = json.loads((tmp_path / "out" / "run.json").read_text())["exceptions"]
    return [(f["rule"], f["cell"], f["message"]) for f in exceptions if f["rule"].startswith(("CELL-", "LOG-TOTAL"))]


@pytest.mark.parametrize("total, mismatch", [
    (5.5, None),
    (6.5, "Total Hours says 6.50 h but the entries add up to 5.50 h on this page"),
])
def test_a_log_row_left_out_for_a_bad_cell_still_counts_toward_its_total_hours(tmp_path, total, mismatch):
    """A `fax` contact and a date of 3/32 leave two rows out (SPEC §4), but their hours are on the
    page the coordinator added up: the Total Hours of 5.50 h agrees (it was a mismatch against the
    3.50 h of the rows left in), and a wrong total is measured against all 5.50 h."""
    found = _footer_findings(tmp_path, {"Log": [*PAPER_LOG_HEAD, *_paper_log_rows(), ["Total", None, total]]})
    assert [(rule, cell) for rule, cell, _ in found if rule.startswith("CELL-")] == [("CELL-ENUM", "B6"), ("CELL-TYPE", "A7")]
    assert [(cell, message) for rule, cell, message in found if rule == "LOG-TOTAL-MISMATCH"] == ([("C9", mismatch)] if mismatch else [])


def test_a_continuation_pages_total_of_the_whole_log_counts_the_rows_left_out_on_the_first_page(tmp_path):
    """Page 1 holds the two rows left out; the continuation page's footer totals the whole log: 6.50 h."""
    rows = _paper_log_rows()
    found = _footer_findings(tmp_path, {"Log": [*PAPER_LOG_HEAD, *rows[:4]],
                                        "Log continued": [*PAPER_LOG_HEAD, rows[4], ["3/9/2026", "Phone", 1, "call"], ["Total", None, 6.5]]})
    assert [rule for rule, _, _ in found] == ["CELL-ENUM", "CELL-TYPE"]


def test_a_row_whose_hours_cannot_be_read_puts_no_blame_on_the_total(tmp_path):
    """The last row's Duration typed `1 hr?`: its hours cannot be read, so whether the 5.50 h total
    agrees cannot be told; the Duration's own CELL-TYPE is the one finding to act on, not a mismatch
    saying the entries add up to 4.50 h."""
    found = _footer_findings(tmp_path, {"Log": [*PAPER_LOG_HEAD, *_paper_log_rows("1 hr?"), ["Total", None, 5.5]]})
    assert [(rule, cell) for rule, cell, _ in found] == [("CELL-ENUM", "B6"), ("CELL-TYPE", "A7"), ("CELL-TYPE", "C8")]


def test_an_employee_whose_roster_row_is_left_out_for_a_bad_cell_is_not_called_missing_from_the_roster(tmp_path):
    """The coach's Hire Date typed 'soon': the roster row is left out (SPEC §4), and every finding and
    reason about the coach's ID points at that cell instead of saying the roster lacks the coach."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows([{**EMPLOYEES[0], "hire_date": "soon"}, EMPLOYEES[1]])})
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    bad = [f for f in result["exceptions"] if f["rule"] == "CELL-TYPE"]
    assert [(f["file"], f["sheet"]) for f in bad] == [("roster.xlsx", "Roster")]
    where = f"roster.xlsx, Roster, {bad[0]['cell']}"
    unknown = [f["message"] for f in result["exceptions"] if f["rule"] == "ID-UNKNOWN"]
    assert len(unknown) == 2  # on the assignment and on the log
    assert all(f"Coach ID 100 (its roster row is left out for the error at {where}: fix that cell)" in m for m in unknown)
    workbook = openpyxl.load_workbook(tmp_path / "out" / "results.xlsx", read_only=True)
    rows = list(workbook["Pairs"].values)
    reasons = rows[1][rows[0].index("Reasons")]
    assert f"coach ID 100: its roster row has an error ({where})" in reasons


def test_a_coach_short_of_recommendations_for_a_form_left_out_is_told_which_cell_to_fix(tmp_path):
    """A colleague's form with its Overall Recommendation typed 'Recomended' is left out (SPEC §4): the
    coach's COACH-NOT-QUALIFIED said only "1 supervisor and 1 colleague", though three forms were in the
    inbox, and the form's own CELL-ENUM names no coach; now the reason names that cell."""
    inbox = small_inbox(tmp_path)
    forms = [{"prospective_coach_id": "100", "reference_name": name, "relationship": relationship, "overall": overall}
             for name, relationship, overall in (("Sam", "Supervisor", "Recommended"), ("Lee", "Colleague", "Recommended"),
                                                 ("Ash", "Colleague", "Recomended"))]
    write_workbook(inbox / "forms.xlsx", {"Forms": table_rows("recommendations", forms)})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    [bad] = [f for f in result["exceptions"] if f["rule"] == "CELL-ENUM"]
    where = f"forms.xlsx, Forms, {bad['cell']}"
    [short] = [f["message"] for f in result["exceptions"] if f["rule"] == "COACH-NOT-QUALIFIED"]
    assert short == ("Coach 100 is not qualified: recommendations incomplete: 1 supervisor and 1 colleague (needs 1 and 2; "
                     f"a recommendation form is left out for the error at {where}: fix that cell)")


def test_a_pair_whose_assignment_row_is_left_out_for_a_bad_cell_is_not_called_unassigned(tmp_path):
    """The assignment's Status typed 'Compelted': the row is left out (SPEC §4), and the pair's log
    entries and milestone row, not used for it, point at that cell instead of saying the two have no
    assignment (the coordinator went looking for an assignment that is there)."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"candidate_id": "200", "coach_id": "100", "assigned_date": dt.date(2026, 1, 2),
         "planning_meeting_date": dt.date(2026, 1, 10), "status": "Compelted"}])})
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, day), "contact_type": "Phone", "duration": 2}
        for day in (2, 3)])})
    write_workbook(inbox / "milestones.xlsx", {"Milestones": table_rows("milestones", [
        {"candidate_id": "200", "coach_id": "100", "phase": "Orientation", "date": dt.date(2026, 2, 2)}])})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    [bad] = [f for f in result["exceptions"] if f["rule"] == "CELL-ENUM"]
    where = f"pairs.xlsx, Pairs, {bad['cell']}"
    said = f"Candidate 200 and coach 100 have no assignment in use (their assignment row is left out for the error at {where}: fix that cell)"
    unassigned = {f["file"]: f for f in result["exceptions"] if f["rule"] == "LOG-NO-ASSIGNMENT"}
    assert unassigned["log.xlsx"]["message"] == f"{said}; 2 coach log entries not counted"
    assert unassigned["milestones.xlsx"]["message"] == f"{said}; the milestone row is not used"
    assert all(f["fix"].startswith(f"Fix the cell {where}") for f in unassigned.values())


def test_an_employee_id_typed_once_as_text_and_once_as_a_number_is_id_duplicate_not_a_failed_run(tmp_path):
    """The same roster row pasted twice, its Employee ID once a text cell and once a number: one ID
    (SPEC §3: IDs typed as numbers are read as text), so the repeat is ID-DUPLICATE quoting the ID as
    typed, and the run goes on with the first row."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows([*EMPLOYEES, {**EMPLOYEES[1], "employee_id": 200}])})

    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")

    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    repeats = [(f["file"], f["cell"], f["message"]) for f in result["exceptions"] if f["rule"] == "ID-DUPLICATE"]
    assert repeats == [("roster.xlsx", "A4", "Employee ID 200 appears more than once in the roster; only its first row is used")]
    assert [(p["candidate_id"], p["coach_id"]) for p in result["pairs"]] == [("200", "100")]


def with_reader_gone(*args: str | Path) -> subprocess.CompletedProcess:
    """The command with its output piped to a reader that has left before it prints (`… | head -n 0`)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    with subprocess.Popen([str(COMMAND), *map(str, args)], stdout=write_end, stderr=subprocess.PIPE, text=True) as process:
        os.close(write_end)
        _, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, None, stderr)


def test_a_reader_that_leaves_early_does_not_change_the_exit_status(tmp_path):
    """`coaching-batch … | head -1`: the command's work is done (the run recorded) and the exit status
    is its own, for every command (it was 1, click's for a broken pipe)."""
    inbox, out, state = small_inbox(tmp_path), tmp_path / "out", tmp_path / "state"
    run = with_reader_gone("run", inbox, "--as-of", "2026-03-01", "--out", out)
    assert (run.returncode, run.stderr) == (0, "") and (out / "payments.xlsx").exists()
    for command in (["programs"], ["programs", "show", "itss-coaching"], ["ledger", "runs", "--state", state],
                    ["ledger", "payments", "--state", state], ["ledger", "verify", "--state", state, "--from", out]):
        left = with_reader_gone(*command)
        assert (left.returncode, left.stderr) == (0, ""), command
    strict = with_reader_gone("run", inbox, "--as-of", "2026-03-01", "--out", tmp_path / "strict", "--strict", "--dry-run")
    assert (strict.returncode, strict.stderr) == (1, "")  # the coach has no recommendations: COACH-NOT-QUALIFIED


@pytest.mark.parametrize("log", ["full", "closed"])
def test_a_log_that_takes_no_output_does_not_change_the_exit_status(tmp_path, log):
    """A job's log on a full disk (`>> run.log`, /dev/full here), or its output closed (`>&-`): the run
    was recorded, then its summary line ended the command with a traceback and exit status 1 (120)."""
    if log == "full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    inbox, out = small_inbox(tmp_path), tmp_path / "out"
    args = [str(COMMAND), "run", str(inbox), "--as-of", "2026-03-01", "--out", str(out), "--state", str(tmp_path / "state")]
    with open("/dev/full" if log == "full" else os.devnull, "w") as stdout:
        completed = subprocess.run(args, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=300,
                                   preexec_fn=(lambda: os.close(1)) if log == "closed" else None)
    assert (completed.returncode, completed.stderr) == (0, "")
    assert (out / "payments.xlsx").exists()
    assert "completed  0" in run_command("ledger", "runs", "--state", str(tmp_path / "state")).stdout


def test_an_ods_declaring_millions_of_rows_is_unreadable_and_the_run_goes_on(tmp_path):
    """An .ods of under a kilobyte whose one filled row is repeated two million times is refused
    before the reader builds it (SPEC §3); the other files are still read and judged."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})
    write_ods(inbox / "huge.ods", ["Candidate ID", "Coach ID", "Date", "Duration"],
              '<table:table-row table:number-rows-repeated="2000000"><table:table-cell office:value-type="string">'
              '<text:p>x</text:p></table:table-cell></table:table-row>')
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run"])
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    [refused] = [f for f in result["exceptions"] if f["file"] == "huge.ods"]
    assert refused["rule"] == "FILE-UNREADABLE"
    assert refused["message"] == ("huge.ods cannot be read: refused before opening: sheet Log declares 2,000,001 rows × 4 columns, "
                                  "more than Excel allows")
    assert result["pairs"][0]["coach_contact_hours"] == 2.0


def test_findings_past_a_sheets_last_row_continue_on_sheets_of_their_own_each_a_printable_table(tmp_path, monkeypatch):
    """More findings than an Excel sheet holds (a log of a million bad rows): the Exceptions table of
    results.xlsx and of exceptions.xlsx goes on on sheets 'Exceptions (2)', … right after it, each a table
    with the same header set up for printing, the Summary saying so; no finding is lost. A sheet is
    lowered here to 5 rows (the header and 4 findings)."""
    monkeypatch.setattr(settings, "MAX_OUTPUT_SHEET_ROWS", 5)
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": f"31/{day}/2026", "contact_type": "Phone", "duration": 1}
        for day in range(13, 23)])})
    out = tmp_path / "out"
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    exceptions = json.loads((out / "run.json").read_text())["exceptions"]
    sheets = ["Exceptions"] + [f"Exceptions ({n})" for n in range(2, (len(exceptions) + 3) // 4 + 1)]
    assert len(exceptions) > 8 and len(sheets) >= 3
    for name, first in (("results.xlsx", "Hours by Month"), ("exceptions.xlsx", "Summary")):
        book = openpyxl.load_workbook(out / name)
        assert book.sheetnames[book.sheetnames.index(first) + 1:][:len(sheets)] == sheets, name
        held = []
        for number, title in enumerate(sheets, start=1):
            sheet = book[title]
            [table] = sheet.tables.values()
            assert table.name == ("Exceptions" if number == 1 else f"Exceptions{number}")
            assert [c.value for c in sheet[1]] == [c.value for c in book["Exceptions"][1]]
            assert sheet.print_title_rows == "$1:$1" and "&A" in sheet.oddHeader.left.text
            held += [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
            assert len(held) == min(4 * number, len(exceptions)), (name, title)
        rule = [c.value for c in book["Exceptions"][1]].index("Rule")
        assert sorted(row[rule] for row in held) == sorted(f["rule"] for f in exceptions), name
        summary = "\n".join(str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row if c)
        assert (f"{len(exceptions)} rows, more than one Excel sheet holds: the first 4 on sheet 'Exceptions', "
                f"the rest on 'Exceptions (2)' to '{sheets[-1]}'") in summary, name
    at_risk = openpyxl.load_workbook(out / "results.xlsx")["Pairs"].conditional_formatting
    formula = next(r.formula[0] for cf in at_risk for r in cf.rules if "COUNTIFS" in r.formula[0])
    assert all(f"'{title}'!" in formula or f"{title}!" in formula for title in sheets)  # amber looks up every sheet


def test_an_inbox_without_roster_or_assignments_reports_table_missing(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("hello")
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    assert completed.returncode == 0
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    assert sorted(f["rule"] for f in result["exceptions"]) == ["TABLE-MISSING", "TABLE-MISSING"]
    assert [i["status"] for i in result["inputs"]] == ["skipped"]


def test_an_inbox_of_only_a_log_says_on_the_console_which_tables_are_missing(tmp_path):
    """A run given only this week's logs printed "0 pairs: …; 3 errors" and nothing more: the
    coordinator saw no word of the roster and assignments it never had (each a TABLE-MISSING)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("0 pairs: ")  # the counts first, unchanged
    assert lines[1:3] == ["Missing: no roster (employees) table was found in the inbox; see TABLE-MISSING in the Exceptions",
                          "Missing: no assignments table was found in the inbox; see TABLE-MISSING in the Exceptions"]
    assert lines[3].startswith("Default program (for a blank Program cell): ")


def test_a_roster_saved_as_a_kind_the_run_does_not_read_is_named_where_the_table_is_missing(tmp_path):
    """The roster saved as an .xlsb (or a template, or zipped) was skipped as "not a workbook", and
    TABLE-MISSING said to put a roster in the inbox, where one was: the note says what it is and what
    to do, and the missing table's finding names it."""
    inbox = small_inbox(tmp_path)
    (inbox / "roster.xlsx").rename(inbox / "roster.xlsb")
    (inbox / "logs.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    notes = {i["path"]: (i["status"], i["note"]) for i in result["inputs"]}
    assert notes["roster.xlsb"] == ("skipped", "an Excel binary workbook (.xlsb), a kind the run does not read: open it in "
                                    "Excel and save it as an Excel Workbook (.xlsx) to have it read")
    assert notes["logs.zip"] == ("skipped", "a zip archive, not opened: unzip it into the inbox to have the workbooks in it read")
    missing = [f["message"] for f in result["exceptions"] if f["rule"] == "TABLE-MISSING"]
    assert missing == ["No employees table was found in the inbox; not read, as spreadsheets of a kind the run does not "
                       "read (each one's note in Inputs says what to do): logs.zip, roster.xlsb"]


def test_lock_files_hidden_files_and_folders_are_skipped_not_read(tmp_path):
    inbox = small_inbox(tmp_path)
    (inbox / "~$roster.xlsx").write_bytes(b"lock")
    (inbox / ".hidden.xlsx").write_bytes(b"x")
    (inbox / "folder.xlsx").mkdir()
    os.symlink(inbox / "roster.xlsx", inbox / "link.xlsx")
    run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    inputs = {i["path"]: i["status"] for i in json.loads((tmp_path / "out" / "run.json").read_text())["inputs"]}
    assert inputs == {"~$roster.xlsx": "skipped", ".hidden.xlsx": "skipped", "folder.xlsx": "skipped", "link.xlsx": "skipped",
                      "pairs.xlsx": "read", "roster.xlsx": "read"}


def test_a_skipped_file_shows_its_own_size_and_a_folder_or_link_none(tmp_path):
    """The Inputs sheet said a 20 KB README.md in the inbox was 0 bytes."""
    inbox = small_inbox(tmp_path)
    (inbox / "README.md").write_text("x" * 2000)
    (inbox / "folder.xlsx").mkdir()
    os.symlink(inbox / "roster.xlsx", inbox / "link.xlsx")
    run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    sizes = {i["path"]: i["size"] for i in json.loads((tmp_path / "out" / "run.json").read_text())["inputs"]}
    assert sizes["README.md"] == 2000 and sizes["roster.xlsx"] == (inbox / "roster.xlsx").stat().st_size
    assert sizes["folder.xlsx"] is None and sizes["link.xlsx"] is None
    sheet = openpyxl.load_workbook(tmp_path / "out" / "results.xlsx")["Inputs"]
    header = [c.value for c in sheet[1]]
    shown = {row[header.index("File")]: row[header.index("Size")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert shown["README.md"] == 2000 and shown["folder.xlsx"] is None


def test_a_sheet_naming_too_few_of_a_tables_headers_says_a_table_needs_its_required_ones(tmp_path):
    """`Employee ID | Name` without Grade: the finding said the sheet had no known header row."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "contacts.xlsx", {"Data": [["Employee ID", "Name"], ["1", "Kim"], ["2", "Lee"]]})
    run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run")
    found = [f for f in json.loads((tmp_path / "out" / "run.json").read_text())["exceptions"]
             if f["rule"] == "SHEET-UNRECOGNIZED" and f["file"] == "contacts.xlsx"]
    assert len(found) == 1
    report = openpyxl.load_workbook(tmp_path / "out" / "results.xlsx")["Exceptions"]
    header = [cell.value for cell in report[1]]
    messages = [row[header.index("Message")] for row in report.iter_rows(min_row=2, values_only=True) if "contacts.xlsx" in row]
    assert messages and "all the required headers of a table" in messages[0] and "no known header" not in messages[0]


def test_a_workbook_whose_name_ends_in_a_space_after_its_extension_is_read(tmp_path):
    """`roster.xlsx ` (a Mac keeps the space a name was typed with): a workbook like any other, not
    skipped as "not a workbook" with the roster lost."""
    inbox = small_inbox(tmp_path)
    (inbox / "roster.xlsx").rename(inbox / "roster.xlsx ")
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    assert {i["path"]: i["status"] for i in result["inputs"]} == {"pairs.xlsx": "read", "roster.xlsx ": "read"}
    assert "TABLE-MISSING" not in {f["rule"] for f in result["exceptions"]}


def test_an_active_pair_whose_coach_is_not_in_the_roster_is_a_finding_not_a_failed_run(tmp_path):
    """The pair's coach has no name to show: every output is still written (results.xlsx, drawn by a
    writer process, once failed on the missing name), with the pair listed and ID-UNKNOWN reported."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"candidate_id": "200", "coach_id": "999", "assigned_date": dt.date(2026, 1, 2), "planning_meeting_date": dt.date(2026, 1, 10)}])})
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    assert [(p["candidate_id"], p["coach_id"]) for p in result["pairs"]] == [("200", "999")]
    assert "ID-UNKNOWN" in {f["rule"] for f in result["exceptions"]}
    pairs = openpyxl.load_workbook(tmp_path / "out" / "results.xlsx", read_only=True)["Pairs"]
    assert "999" in [cell for row in pairs.iter_rows(values_only=True) for cell in row]


def test_a_file_named_in_another_encoding_is_read_shown_escaped_and_archived(tmp_path):
    """A name that is not UTF-8 (an old zip tool writes "José" in Latin-1): the file is read, every
    output names it with its odd byte escaped (no output could hold the raw name), and --archive moves it."""
    inbox = small_inbox(tmp_path)
    log = os.path.join(os.fsencode(inbox), b"Coach Log Jos\xe9.xlsx")
    try:
        with open(log, "wb"):
            pass
    except OSError:  # a file system that accepts only UTF-8 names has no such file
        pytest.skip("this file system does not allow a name that is not UTF-8")
    os.remove(log)
    write_workbook(os.fsdecode(log), {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--archive")
    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    shown = {i["path"]: i for i in result["inputs"]}["Coach Log Jos\\xe9.xlsx"]
    assert shown["status"] == "read" and [s["table"] for s in shown["sheets"]] == ["coach_log"]
    assert result["pairs"][0]["coach_contact_hours"] == 2.0
    assert not os.path.exists(log)  # archived, under its own name
    assert os.path.exists(os.path.join(os.fsencode(tmp_path), b"archive", b"2026-03-01", b"Coach Log Jos\xe9.xlsx"))


def test_a_placeholder_planning_meeting_at_the_end_of_the_calendar_is_read_and_the_run_completes(tmp_path):
    """12/31/9999 typed as "some day": its deadline six months on is past the last date a workbook
    can hold, so it is that last date, and every output is written."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"candidate_id": "200", "coach_id": "100", "assigned_date": dt.date(2026, 1, 2), "planning_meeting_date": "12/31/9999"}])})
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr
    [pair] = json.loads((tmp_path / "out" / "run.json").read_text())["pairs"]
    assert (pair["planning_meeting_date"], pair["deadline"]) == ("9999-12-31", "9999-12-31")


def test_a_coach_whose_pgs_status_is_blank_is_not_qualified(tmp_path):
    """SPEC §4: "pgs_status not Meeting" — a blank cell is not Meeting (read from a workbook, the blank
    is a missing text, which a plain comparison once let through)."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows([{**EMPLOYEES[0], "pgs_status": None}, EMPLOYEES[1]])})
    completed = run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"))
    assert completed.returncode == 0, completed.stderr
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    [pair] = result["pairs"]
    assert not pair["completion_eligible"]
    assert any(f["rule"] == "COACH-NOT-QUALIFIED" and "PGS status not recorded" in f["message"] for f in result["exceptions"])


def test_an_unknown_coach_id_in_a_log_is_reported_at_its_own_cell(tmp_path):
    """SPEC §4: a finding's cell is the offending cell: the Coach ID's, not the row's first (the
    candidate's, which is right)."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "999", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})
    assert run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")).returncode == 0
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    header = [c.value for c in openpyxl.load_workbook(inbox / "log.xlsx")["Log"][1]]
    column = openpyxl.utils.get_column_letter(header.index("Coach ID") + 1)
    assert [(f["file"], f["cell"]) for f in result["exceptions"] if f["rule"] == "ID-UNKNOWN"] == [("log.xlsx", f"{column}2")]


def test_a_copy_of_a_workbook_is_read_once_and_reported_as_a_duplicate(tmp_path):
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "a log.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})
    shutil.copy2(inbox / "a log.xlsx", inbox / "b log copy.xlsx")
    assert run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")).returncode == 0
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    inputs = {i["path"]: i for i in result["inputs"]}
    digest = hashlib.sha256((inbox / "a log.xlsx").read_bytes()).hexdigest()
    assert (inputs["a log.xlsx"]["status"], inputs["b log copy.xlsx"]["status"]) == ("read", "duplicate")
    assert inputs["a log.xlsx"]["sha256"] == inputs["b log copy.xlsx"]["sha256"] == digest
    assert inputs["b log copy.xlsx"]["note"] == "same bytes as a log.xlsx; read once"
    assert [(f["rule"], f["file"]) for f in result["exceptions"] if f["rule"].startswith("FILE-")] == [("FILE-DUPLICATE", "b log copy.xlsx")]
    assert not [f for f in result["exceptions"] if f["rule"] == "LOG-DUPLICATE"]  # the entry counted once
    [pair] = result["pairs"]
    assert pair["coach_contact_hours"] == 2


def test_a_workbook_of_chart_sheets_only_is_listed_in_inputs_with_why_nothing_was_read(tmp_path):
    """A workbook whose only sheet is a chart sheet (the coordinator's chart of the hours, saved into
    the inbox) was listed as read with no sheet and no note: nothing said why no table came from it.
    A chart sheet beside the roster's sheet changes nothing."""
    inbox = small_inbox(tmp_path)
    charts = openpyxl.Workbook()
    charts.create_chartsheet("Hours chart").add_chart(openpyxl.chart.BarChart())
    charts.remove(charts.active)
    charts.save(inbox / "hours chart.xlsx")
    roster = openpyxl.load_workbook(inbox / "roster.xlsx")
    roster.create_chartsheet("Chart1").add_chart(openpyxl.chart.BarChart())
    roster.save(inbox / "roster.xlsx")
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run"])
    inputs = {i["path"]: i for i in json.loads((tmp_path / "out" / "run.json").read_text())["inputs"]}
    chart_only = inputs["hours chart.xlsx"]
    assert (chart_only["status"], chart_only["note"], chart_only["sheets"]) == (
        "read", "holds chart sheets only: no table to read", [])
    assert (inputs["roster.xlsx"]["note"], [sheet["name"] for sheet in inputs["roster.xlsx"]["sheets"]]) == ("", ["Roster"])


def test_of_a_log_and_its_copies_the_copies_are_reported_whatever_their_names_sort_as(tmp_path):
    """A copy made by Windows Explorer (`… - Copy.xlsx`) or a second download (`… (1).xlsx`) sorts
    before its original: the report asked the coordinator to remove the original, the one the coach
    keeps sending."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "Coach Log - Lee.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})
    for copy in ("Coach Log - Lee - Copy.xlsx", "Coach Log - Lee (1).xlsx"):
        shutil.copy2(inbox / "Coach Log - Lee.xlsx", inbox / copy)
    assert run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")).returncode == 0
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    inputs = {i["path"]: i for i in result["inputs"]}
    assert inputs["Coach Log - Lee.xlsx"]["status"] == "read"
    assert inputs["Coach Log - Lee (1).xlsx"]["note"] == "same bytes as Coach Log - Lee.xlsx; read once"
    assert sorted(f["file"] for f in result["exceptions"] if f["rule"] == "FILE-DUPLICATE") == [
        "Coach Log - Lee (1).xlsx", "Coach Log - Lee - Copy.xlsx"]
    assert result["pairs"][0]["coach_contact_hours"] == 2


def test_a_sync_conflict_copy_saved_again_holds_the_repeated_entries_and_each_names_the_entry_it_repeats(tmp_path):
    """OneDrive's `Log (1).xlsx` and Dropbox's `Log-DESKTOP-PC.xlsx` sort before the log they copy: the
    original's entries were the LOG-DUPLICATE ones, each asking the coordinator to remove it from the log
    the coach keeps sending, without saying where the entry it repeats is."""
    inbox = small_inbox(tmp_path)
    entries = [{"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, day), "contact_type": "Phone",
                "duration": 1, "description": "check-in"} for day in (2, 9)]
    write_workbook(inbox / "Coach Log - Lee.xlsx", {"Log": coach_log_rows(entries)})
    write_workbook(inbox / "Coach Log - Lee (1).xlsx", {"Lee": coach_log_rows(entries[:1])})  # other bytes: read
    write_workbook(inbox / "Coach Log - Lee-DESKTOP-PC.xlsx", {"Sheet1": coach_log_rows(entries)})
    assert run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")).returncode == 0
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    repeats = sorted((f["file"], f["sheet"], f["cell"], f["message"]) for f in result["exceptions"] if f["rule"] == "LOG-DUPLICATE")
    assert repeats == [
        ("Coach Log - Lee (1).xlsx", "Lee", "A2", "coach log entry of 2026-02-02 (1.00 h) repeats the entry at A2 of "
         "sheet 'Log' in Coach Log - Lee.xlsx; counted once"),
        ("Coach Log - Lee-DESKTOP-PC.xlsx", "Sheet1", "A2", "coach log entry of 2026-02-02 (1.00 h) repeats the entry at "
         "A2 of sheet 'Log' in Coach Log - Lee.xlsx; counted once"),
        ("Coach Log - Lee-DESKTOP-PC.xlsx", "Sheet1", "A3", "coach log entry of 2026-02-09 (1.00 h) repeats the entry at "
         "A3 of sheet 'Log' in Coach Log - Lee.xlsx; counted once"),
    ]
    assert result["pairs"][0]["coach_contact_hours"] == 2


@pytest.mark.parametrize("summer", ["Coach Log - Summer 2026.xlsx", "Coach Log - Summer 2026.ods"])
def test_which_log_holds_the_repeated_entry_does_not_depend_on_its_files_format(tmp_path, summer):
    """The same entry in `Coach Log - Spring 2026.xlsx` and in `… - Summer 2026`: the file name's extension
    counted in its length, so Summer's log saved as .ods (a letter shorter) made Spring's entry the repeat."""
    inbox = small_inbox(tmp_path)
    entry = {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone",
             "duration": 1, "description": "check-in"}
    write_workbook(inbox / "Coach Log - Spring 2026.xlsx", {"Log": coach_log_rows([entry])})
    if summer.endswith(".ods"):
        cells = ('<table:table-cell office:value-type="string"><text:p>200</text:p></table:table-cell>'
                 '<table:table-cell office:value-type="string"><text:p>100</text:p></table:table-cell>'
                 '<table:table-cell office:value-type="date" office:date-value="2026-02-02"><text:p>02/02/2026</text:p>'
                 '</table:table-cell><table:table-cell office:value-type="string"><text:p>Phone</text:p></table:table-cell>'
                 '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
                 '<table:table-cell office:value-type="string"><text:p>check-in</text:p></table:table-cell>')
        write_ods(inbox / summer, coach_log_rows([])[0], f"<table:table-row>{cells}</table:table-row>")
    else:
        write_workbook(inbox / summer, {"Summer": coach_log_rows([entry])})  # other bytes: read
    assert run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")).returncode == 0
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    assert [(f["file"], f["cell"], f["message"]) for f in result["exceptions"] if f["rule"] == "LOG-DUPLICATE"] == [
        (summer, "A2", "coach log entry of 2026-02-02 (1.00 h) repeats the entry at A2 of sheet 'Log' in "
                       "Coach Log - Spring 2026.xlsx; counted once")]
    assert result["pairs"][0]["coach_contact_hours"] == 1


def test_each_copy_of_an_unreadable_file_is_unreadable_not_a_duplicate_read_once(tmp_path):
    """Two coaches each send an empty attachment: nothing was read from either, so neither is a
    copy "read once" (SPEC §4: FILE-DUPLICATE is a copy of a file that was read)."""
    inbox = small_inbox(tmp_path)
    (inbox / "Coach Log - Jordan Reyes.xlsx").write_bytes(b"")
    (inbox / "Coach Log - Linda Marsh.xlsx").write_bytes(b"")
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run"])
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    inputs = {i["path"]: i for i in result["inputs"]}
    files = [f for f in result["exceptions"] if f["rule"].startswith("FILE-")]
    assert [(f["rule"], f["file"]) for f in files] == [
        ("FILE-UNREADABLE", "Coach Log - Jordan Reyes.xlsx"), ("FILE-UNREADABLE", "Coach Log - Linda Marsh.xlsx")]
    assert inputs["Coach Log - Jordan Reyes.xlsx"]["note"] == inputs["Coach Log - Linda Marsh.xlsx"]["note"]
    assert files[0]["message"].startswith("Coach Log - Jordan Reyes.xlsx cannot be read: the file is empty (0 bytes) [")
    assert {inputs[f["file"]]["status"] for f in files} == {"unreadable"}


def test_a_workbook_the_jobs_account_may_not_read_is_an_error_naming_it_not_a_quiet_skip(tmp_path, monkeypatch):
    """A coach's log saved with permissions only its owner may read (the job runs as another
    account) was listed as skipped with no finding: its hours were missing without a word, and
    --strict still exited 0."""
    from coaching_batch import read

    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "Coach Log - Lee.xlsx", {"Log": coach_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}])})
    fingerprint = read._fingerprint

    def denied(path):  # the run's tests run as root, whom no file mode stops
        if path.endswith("Lee.xlsx"):
            raise PermissionError(13, "Permission denied", path)
        return fingerprint(path)

    monkeypatch.setattr(read, "_fingerprint", denied)
    with pytest.raises(SystemExit) as exited:
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run", "--strict"])
    assert exited.value.code == 1
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    entry = {i["path"]: i for i in result["inputs"]}["Coach Log - Lee.xlsx"]
    assert entry["status"] == "unreadable"
    [unreadable] = [f for f in result["exceptions"] if f["rule"] == "FILE-UNREADABLE"]
    assert unreadable["file"] == "Coach Log - Lee.xlsx" and unreadable["severity"] == "error"
    assert unreadable["message"] == ("Coach Log - Lee.xlsx cannot be read: the account that runs the job "
                                     "may not read it [Permission denied]") == f"Coach Log - Lee.xlsx cannot be read: {entry['note']}"
    assert "read access" in unreadable["fix"]


def test_a_log_saved_again_while_the_run_reads_it_is_unreadable_not_read_as_other_bytes_than_it_hashed(tmp_path, monkeypatch):
    """A coach saving the log again (or a sync client bringing its new version) between the moment
    the run hashed it and the moment the reader opened it by its path: the run counted the new
    entries under the old file's SHA-256, and looked up its formula errors and leading zeros in the
    old bytes."""
    from coaching_batch import read

    inbox = small_inbox(tmp_path)
    log = inbox / "Coach Log - Lee.xlsx"
    entry = {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "contact_type": "Phone", "duration": 2}
    write_workbook(log, {"Log": coach_log_rows([entry])})
    opened = read._open

    def saved_meanwhile(path, data=None):
        if path.endswith("Lee.xlsx"):
            write_workbook(log, {"Log": coach_log_rows([entry, dict(entry, date=dt.date(2026, 2, 9), duration=5)])})
            os.utime(log, ns=(log.stat().st_atime_ns, log.stat().st_mtime_ns + 10**9))
        return opened(path, data)

    monkeypatch.setattr(read, "_open", saved_meanwhile)
    with pytest.raises(SystemExit) as exited:
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--dry-run", "--strict"])
    assert exited.value.code == 1
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    assert {i["path"]: i for i in result["inputs"]}["Coach Log - Lee.xlsx"]["status"] == "unreadable"
    [unreadable] = [f for f in result["exceptions"] if f["rule"] == "FILE-UNREADABLE"]
    assert unreadable["message"] == ("Coach Log - Lee.xlsx cannot be read: it changed while the run read it (saved "
                                     "again, or still being copied or synced?): nothing in it was used")
    assert unreadable["fix"] == "Run again once the file is saved and its copy or sync has finished."
    assert result["pairs"][0]["coach_contact_hours"] == 0


def test_formula_looking_text_from_an_input_stays_text_in_every_output(tmp_path):
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "log.xlsx", {"Log": candidate_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "duration": 1, "description": '=HYPERLINK("http://x","y")'}])})
    write_workbook(inbox / "roster.xlsx", {"Roster": roster_rows([dict(EMPLOYEES[0]), dict(EMPLOYEES[1], name="+1-555 Kim")])})
    assert run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")).returncode == 0
    pairs = openpyxl.load_workbook(tmp_path / "out" / "results.xlsx")["Pairs"]
    names = [c for row in pairs.iter_rows() for c in row if c.value == "+1-555 Kim"]
    assert names and all(c.data_type == "s" for c in names)


# --- the command line --------------------------------------------------------------------------

def test_no_such_inbox_is_one_error_line_and_exit_2(tmp_path):
    completed = run_command("run", str(tmp_path / "missing"))
    assert completed.returncode == 2
    assert completed.stderr.strip().count("\n") == 0 and completed.stderr.startswith("Error: ")
    assert "Traceback" not in completed.stderr


def test_an_inbox_that_is_a_workbook_says_it_is_a_file_not_a_folder(tmp_path):
    """Naming a workbook instead of its folder: one line saying so (it said 'no such inbox folder'
    of a file that is there)."""
    workbook = write_workbook(tmp_path / "roster.xlsx", {"Roster": roster_rows(EMPLOYEES)})
    completed = run_command("run", str(workbook), "--out", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert completed.stderr == (f"Error: the inbox {workbook} is a file, not a folder: "
                                "name the folder that holds the workbooks\n")
    assert not (tmp_path / "out").exists()


def test_an_inbox_that_is_a_device_says_it_is_not_a_folder(tmp_path):
    """A path that is there but is neither a folder nor a workbook (/dev/null): it is not a folder,
    not missing (it said 'no such inbox folder')."""
    completed = run_command("run", os.devnull, "--out", str(tmp_path / "out"))
    assert completed.returncode == 2
    assert completed.stderr == (f"Error: the inbox {os.devnull} is not a folder: "
                                "name the folder that holds the workbooks\n")
    assert not (tmp_path / "out").exists()


def test_an_inbox_that_is_an_earlier_runs_output_folder_is_refused(tmp_path):
    """Naming last week's output folder instead of the inbox read its results, payments and exceptions
    as the program's tables: hundreds of pairs and errors that are none, and a real run would have
    started a second ledger beside it."""
    week = tmp_path / "out" / "2026-03-01"
    assert run_command("run", str(small_inbox(tmp_path)), "--as-of", "2026-03-01", "--out", str(week)).returncode == 0
    completed = run_command("run", str(week), "--as-of", "2026-03-08", "--out", str(tmp_path / "again"))
    assert completed.returncode == 2
    assert completed.stderr == (f"Error: the inbox {week} is an earlier run's output folder, not the folder of the program's "
                                "workbooks: name the folder that holds the workbooks\n")
    assert not (tmp_path / "again").exists() and not (tmp_path / "out" / "state").exists()


@pytest.mark.parametrize("group", [[], ["ledger"], ["notices"]], ids=["coaching-batch", "ledger", "notices"])
def test_a_bare_command_group_prints_its_help_and_exits_0(group, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(group)
    assert exit_.value.code == 0
    shown = capsys.readouterr()
    assert shown.out.startswith("Usage: coaching-batch") and "Commands:" in shown.out
    assert shown.err == ""


def test_the_ledger_groups_help_names_every_thing_it_does(capsys):
    """Listed with the other commands, and atop its own help: export, backup, restore, rebuild and verify too."""
    for args in (["--help"], ["ledger", "--help"]):
        with pytest.raises(SystemExit):
            main(args)
        shown = capsys.readouterr().out
        described = next(line for line in shown.splitlines() if line.startswith("  ledger ")) if args == ["--help"] \
            else " ".join(shown.split("Options:")[0].split())
        assert all(word in described.lower() for word in ("runs", "payments", "export", "void", "backup", "restore", "rebuild", "verify"))


def test_a_usage_error_in_a_group_is_one_error_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["ledger", "no-such-command"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and error.count("\n") == 1


def test_the_runs_help_names_each_option_with_the_readmes_placeholder(capsys):
    """The README's `run` usage says `[--out DIR]`; the help said `--out PATH`."""
    import re

    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    usage = readme.split("coaching-batch run INBOX", 1)[1].split("\ncoaching-batch programs", 1)[0]
    given = re.findall(r"(--[a-z-]+) ([A-Z][A-Za-z_|.-]*[A-Za-z])", usage)
    assert ("--out", "DIR") in given and ("--wait", "SECONDS") in given
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    shown = capsys.readouterr().out
    assert [option for option in given if f"{option[0]} {option[1]} " not in shown] == []


def test_the_runs_help_names_its_exit_statuses(capsys):
    """The IT person scheduling the run reads `run --help` for what the job's exit status means: it named
    none (`notices send --help` and `ledger verify --help` name theirs)."""
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "Exit status: 0 the run completed (findings or not); 1 with --strict when any error finding exists; " \
           "2 the run could not be done" in shown
    assert "143 stopped by SIGTERM" in shown


@pytest.mark.parametrize("given, shown", [
    (["frobnicate"], "Error: No such command 'frobnicate'. See `coaching-batch --help`.\n"),
    (["run"], "Error: Missing argument 'INBOX'. See `coaching-batch run --help`.\n"),
    (["run", "inbox", "extra"], "Error: Got unexpected extra argument (extra). See `coaching-batch run --help`.\n"),
    (["ledger", "void", "PAY-1"], "Error: Missing option '--reason'. See `coaching-batch ledger void --help`.\n"),
    (["notices", "send"], "Error: Missing argument 'OUTDIR'. See `coaching-batch notices send --help`.\n"),
])
def test_a_command_line_the_command_cannot_take_names_its_help(given, shown, capsys):
    """Click's one line said what was wrong (`Missing argument 'INBOX'.`) and not where to see what the
    command takes: the IT person scheduling the run had only that line in the job's log."""
    with pytest.raises(SystemExit) as exit_:
        main(given)
    assert exit_.value.code == 2
    assert capsys.readouterr().err == shown


def test_an_inbox_whose_name_begins_with_a_dash_is_told_how_to_be_given(tmp_path, monkeypatch, capsys):
    """An inbox folder named `-inbox` is read as options: click's line, `No such option '-i'.`, named
    neither the folder nor what to type, and the job's log held only that line."""
    (tmp_path / "-inbox").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["run", "-inbox", "--as-of", "2026-11-20"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "Error: No such option '-i'. The folder '-inbox' begins with '-', so it was read as options: write it "
        "./-inbox (or last on the line, after --). See `coaching-batch run --help`.\n")
    with pytest.raises(SystemExit):
        main(["run", "-x"])  # an option mistyped, no such folder: click's line alone
    assert capsys.readouterr().err == "Error: No such option '-x'. See `coaching-batch run --help`.\n"


@pytest.mark.parametrize("given", [["run", "inbox", "--archive", "--dry-run"], ["run", "inbox", "--as-of", "2026-1-5"]])
def test_a_refusal_that_says_what_to_do_names_no_help(given, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(given)
    assert exit_.value.code == 2
    assert "--help" not in capsys.readouterr().err


@pytest.mark.parametrize("seconds", ["nan", "inf", "1e400", "-1", "abc", "10s"])
def test_a_wait_that_is_not_a_number_of_seconds_is_refused_before_anything_is_done(tmp_path, seconds, capsys):
    """`--wait nan` got past the option check and stopped the run later, as a bug, when the ledger was busy.
    The line says what to give, in words (it was `'abc' is not a valid float range`, `-1.0 is not in the
    range x>=0`)."""
    inbox, out = small_inbox(tmp_path), tmp_path / "out"
    for command in (["run", inbox, "--out", out], ["notices", "send", out, "--smtp-config", tmp_path / "smtp.toml"]):
        with pytest.raises(SystemExit) as exit_:
            main([*map(str, command), "--wait", seconds])
        assert exit_.value.code == 2
        error = capsys.readouterr().err
        assert error == (f"Error: Invalid value for '--wait': '{seconds}' is not a number of seconds: "
                         "give 0 or more (0 does not wait)\n")
    assert not out.exists()


@pytest.mark.parametrize("command", [["run"], ["notices", "send"]])
def test_the_help_of_wait_gives_its_default_and_range_in_words(command, capsys):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "[default: 10 seconds; 0 or more]" in shown and "x>=0" not in shown and "10.0" not in shown


@pytest.mark.parametrize("option", [["--as-of", "2026-02-30"], ["--as-of", "2300-01-01"], ["--as-of", "0001-01-01"],
                                    ["--as-of", "20260105"], ["--as-of", "2026-W02-1"], ["--as-of", "2026-1-5"],
                                    ["--program", "no-such-program"], ["--bogus"], ["--smtp-config", "smtp.toml"]])
def test_unusable_options_exit_2(tmp_path, option, capsys):
    inbox = small_inbox(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(inbox), "--out", str(tmp_path / "out"), *option])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("Error: ")


@pytest.mark.parametrize("as_of, days", [("2027-02-29", "February 2027 has 28 days"), ("2026-04-31", "April 2026 has 30 days"),
                                          ("2026-13-01", "a year has 12 months")])
def test_an_as_of_typed_in_the_form_but_no_day_of_the_calendar_says_so(tmp_path, as_of, days, capsys):
    """A 29 February of a year that is not a leap year is typed in the form the help names: the error
    says why it is no date, not that it is not in the form YYYY-MM-DD."""
    inbox = small_inbox(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(inbox), "--out", str(tmp_path / "out"), "--as-of", as_of])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error == f"Error: Invalid value for '--as-of': '{as_of}' is no day of the calendar: {days}\n"


@pytest.mark.parametrize("given", [["run", ""], ["run", "inbox", "--out", ""], ["run", "inbox", "--state", ""],
                                   ["templates", ""], ["ledger", "runs", "--state", ""]])
def test_an_empty_path_is_refused_not_taken_for_the_current_folder(tmp_path, given, capsys, monkeypatch):
    """`run "$INBOX"` with the variable unset in the job read the job's working folder as the inbox;
    `--out ""` wrote the outputs into it, `templates ""` its workbooks."""
    small_inbox(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(SystemExit) as exit_:
        main([*given, "--as-of", "2026-03-01"] if given[0] == "run" else given)
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: Invalid value for ") and "'' is empty" in error and error.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_failure_that_is_a_bug_is_still_one_short_error_line(tmp_path, capsys, monkeypatch):
    """An exception may quote all it was working on (an encoding error quotes a whole run.json): the
    coordinator still sees one readable line and exit 2, the traceback only with --verbose."""
    from coaching_batch import pipeline

    def failing(*args, **kwargs):
        raise UnicodeEncodeError("utf-8", "{" + "x" * 10_000 + "}", 5, 6, "surrogates not allowed")

    monkeypatch.setattr(pipeline, "run_batch", failing)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(small_inbox(tmp_path)), "--out", str(tmp_path / "out")])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: the run failed unexpectedly: UnicodeEncodeError(") and error.count("\n") == 1
    assert len(error) < 400 and "Traceback" not in error


@pytest.mark.parametrize("where", ["inbox", "out"])
def test_a_folder_whose_name_is_not_utf8_is_refused_before_the_run(tmp_path, where, capsys):
    """A folder made under another encoding (its name's bytes are not UTF-8) cannot be recorded in
    run.json, the workbooks or the ledger: the run says so at once, one Error: line and exit 2, and
    writes nothing (it read every workbook, then failed unexpectedly, leaving a ledger behind)."""
    not_utf8 = tmp_path / os.fsdecode(b"Coaching \xeb")
    not_utf8.mkdir()
    inbox = small_inbox(not_utf8 if where == "inbox" else tmp_path)
    out = not_utf8 / "out" if where == "out" else tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(out)])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: cannot use the folder ") and "Coaching \\xeb" in error
    assert "its name is not UTF-8 text" in error and error.endswith("; rename it\n")
    assert error.count("\n") == 1
    assert not out.exists() and not (inbox.parent / "state").exists()


def test_strict_exits_1_when_an_error_finding_exists_and_0_without(tmp_path, capsys):
    inbox = small_inbox(tmp_path)
    with pytest.raises(SystemExit) as plain:
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "a")])
    assert plain.value.code == 0
    with pytest.raises(SystemExit) as strict:
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "b"), "--strict"])
    assert strict.value.code == 1  # the coach has no recommendations: COACH-NOT-QUALIFIED


def test_the_run_summary_counts_one_of_a_kind_in_the_singular(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["run", str(small_inbox(tmp_path)), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")])
    assert capsys.readouterr().out.splitlines()[0] == (
        "1 pair: 0 completion-eligible, 0 newly payable ($0.00); 2 errors, 1 warning, 0 info")  # PAIR-INACTIVE


def test_a_policy_file_changes_the_numbers(tmp_path, capsys):
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "log.xlsx", {"Log": candidate_log_rows([
        {"candidate_id": "200", "coach_id": "100", "date": dt.date(2026, 2, 2), "duration": 5}])})
    main_policy = run_command("programs", "show", "itss-coaching").stdout
    custom = tmp_path / "short.toml"
    custom.write_text(main_policy.replace("candidate_minimum = 40", "candidate_minimum = 5"))
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out"), "--program", str(custom)])
    pair = json.loads((tmp_path / "out" / "run.json").read_text())["pairs"][0]
    assert pair["candidate_hours"] == 5.0
    assert not any("candidate hours" in r for r in pair["reasons"])


def test_the_run_says_which_program_a_blank_program_cell_means(tmp_path, capsys):
    """A policy file given alone is the default: the ITSS pair of this inbox (its Program cell blank)
    is judged as mentoring, and the coordinator is told so on the console."""
    inbox = small_inbox(tmp_path)
    ours = tmp_path / "our-mentoring.toml"
    ours.write_text(run_command("programs", "show", "support-mentoring").stdout)
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "a")])
    assert "Default program (for a blank Program cell): itss-coaching" in capsys.readouterr().out.splitlines()
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "b"), "--program", str(ours)])
    assert f"Default program (for a blank Program cell): support-mentoring, from {ours}" in capsys.readouterr().out.splitlines()



def test_an_unknown_program_is_one_short_printable_console_line(tmp_path, capsys):
    """A Program cell is printed on the console's per-program lines: one of 5,000 characters padded
    every line to its width, and its control characters (BEL, NUL, a terminal's escape sequences)
    went to the terminal as they were. It is cut to a short label, quoted as its finding quotes it."""
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"program": program, "candidate_id": "200", "coach_id": "100", "assigned_date": dt.date(2026, 1, 2)}
        for program in ("Bell\x07\x00Nul", "P" * 5000, "itss-coaching")])})
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")])
    lines = capsys.readouterr().out.splitlines()
    programs = [line for line in lines if line.startswith("  ")]
    assert len(programs) == 3 and all(len(line) < 120 and line.isprintable() for line in lines)
    assert any(line.startswith("  'Bell\\x07\\x00Nul'  ") for line in programs)
    assert any(line.startswith("  " + "P" * 30) and "…" in line for line in programs)

def test_many_unknown_program_values_are_a_few_console_lines_and_one_for_the_rest(tmp_path, capsys):
    """800 Program cells of 800 values printed 800 console lines: the most frequent few are named,
    then one line counts the rest (each is a CELL-ENUM in the reports)."""
    inbox = small_inbox(tmp_path)
    programs = ["Peer Circle"] * 3 + [f"Program number {n}" for n in range(40)] + ["itss-coaching"]
    write_workbook(inbox / "pairs.xlsx", {"Pairs": assignment_rows([
        {"program": program, "candidate_id": "200", "coach_id": "100", "assigned_date": dt.date(2026, 1, 2)}
        for program in programs])})
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")])
    programs = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    named = settings.CONSOLE_UNKNOWN_PROGRAMS - 1  # the last line takes the place of the last one named
    assert len(programs) == 1 + named + 1
    assert programs[0].startswith("  itss-coaching ") and programs[1].startswith("  Peer Circle ")
    assert "3 pairs (not a known program: not judged)" in programs[1]
    rest = 41 - named
    assert programs[-1] == f"  and {rest} other values not a known program  {rest} pairs (not judged; each is a CELL-ENUM)"


def test_an_id_with_an_invisible_zero_width_space_still_matches_the_roster(tmp_path):
    inbox = small_inbox(tmp_path)
    write_workbook(inbox / "log.xlsx", {"Log": candidate_log_rows([
        {"candidate_id": "2\u200b00", "coach_id": "\ufeff100", "date": dt.date(2026, 2, 2), "duration": 1.5}])})
    assert run_command("run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")).returncode == 0
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    assert result["pairs"][0]["candidate_hours"] == 1.5
    assert not [f for f in result["exceptions"] if f["rule"] in ("ID-UNKNOWN", "LOG-NO-ASSIGNMENT")]


def test_a_bad_cell_of_a_paper_log_carries_the_pair_its_labels_name(tmp_path):
    """SPEC §4: every finding names its pair. A log naming its pair above the table (and its
    continued page) reports a bad cell with that pair and program, as a log with ID columns does."""
    inbox = small_inbox(tmp_path)
    header = ["Date", "Type of Contact", "Duration", "Description"]
    write_workbook(inbox / "paper log.xlsx", {
        "Page 1": [["Candidate Name:", "kim candidate"], ["Coach Name:", "Casey Coach"], header,
                   [dt.date(2026, 2, 2), "Phone", "TBD", "call"], ["Continued on next page"]],
        "Page 1 continued": [header, [dt.date(2026, 2, 9), "Phone", "1,5h?", "call"]],
    })
    with pytest.raises(SystemExit):
        main(["run", str(inbox), "--as-of", "2026-03-01", "--out", str(tmp_path / "out")])
    result = json.loads((tmp_path / "out" / "run.json").read_text())
    bad = [(f["sheet"], f["cell"], f["candidate_id"], f["coach_id"], f["program"]) for f in result["exceptions"] if f["rule"] == "CELL-TYPE"]
    assert sorted(bad) == [("Page 1", "C4", "200", "100", ITSS), ("Page 1 continued", "C2", "200", "100", ITSS)]
