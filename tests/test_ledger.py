"""The weekly cycle on the real command: pay once, New / Open / Resolved, dated output folders, the
state lock, runs killed at any point, and the ledger commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from coaching_batch.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger, state_lock
from coaching_batch.pipeline import RunOptions, run_batch
from coaching_batch.reports.exceptions import finding_key
from coaching_batch.reports.ledger_export import write_ledger_payments
from coaching_batch.rules.pairs import payment_id
from test_reports import MENTORING, TIERED, programs_result
from workbooks import coach_log_rows, output_texts, run_command, table_rows, write_workbook

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())
COMMAND = Path(sys.executable).parent / "coaching-batch"
DEMO_PAYMENTS = sorted(payment_id("itss-coaching", p["candidate_id"], p["coach_id"]) for p in EXPECTED["payments"])
WEEK1, WEEK2, WEEK3 = "2026-11-20", "2026-11-27", "2026-12-04"
EXTRA_LOG = "Coach Log - Jordan Reyes (extra).xlsx"  # a log of the small inbox's coach, of the tests' own


def _alicia(day: dt.date, contact: str, hours: float, description: str) -> dict:
    """An entry of Jordan Reyes's coaching of Alicia Brooks (a pair of the small inbox)."""
    return {"candidate_id": "113402", "coach_id": "104233", "date": day, "contact_type": contact, "duration": hours,
            "description": description}
RYAN_PATEL = ("115230", "102264")  # pair A4: completed, no Request for Payment yet in the demo


def command(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return run_command(*args, env=env, **kwargs)


SMALL_INBOX = ["Roster 2026.xlsx", "Coach Recommendations.xlsx", "Coaching Requests.xlsx", "Assignments and Planning.xlsx",
               "Coach Log - Jordan Reyes.xlsx", "Candidate Logs - Spring 2026.xlsx"]
ALICIA_BROOKS = payment_id("itss-coaching", "113402", "104233")  # the one stipend payable from SMALL_INBOX


def demo_inbox(root: Path) -> Path:
    """A copy of the whole demo inbox (four stipends payable as of WEEK1)."""
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox, ignore=shutil.ignore_patterns("*.md", "*.json"))
    return inbox


def small_inbox(root: Path) -> Path:
    """The demo's tables with only Alicia Brooks's logs: one stipend payable, a quicker run."""
    inbox = root / "inbox"
    inbox.mkdir()
    for name in SMALL_INBOX:
        shutil.copy2(SAMPLES / name, inbox / name)
    return inbox


def run_week(inbox: Path, as_of: str, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return command("run", str(inbox), "--as-of", as_of, *extra, env=env)


def out_folder(completed: subprocess.CompletedProcess) -> Path:
    line = next(line for line in completed.stdout.splitlines() if line.startswith("Outputs written to "))
    return Path(line.removeprefix("Outputs written to ").split(" (dry run")[0])


def payment_sheet(folder: Path) -> list[list]:
    sheet = openpyxl.load_workbook(folder / "payments.xlsx")["Payments"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def paid_ids(folder: Path) -> list[str]:
    return [row[0] for row in payment_sheet(folder)[1:] if row[0] != "Total"]


def exception_rows(folder: Path) -> list[dict]:
    sheet = openpyxl.load_workbook(folder / "exceptions.xlsx")["Exceptions"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:] if any(v is not None for v in row)]


def find(rows: list[dict], rule: str, **where) -> list[dict]:
    return [r for r in rows if r["Rule"] == rule and all(r[k] == v for k, v in where.items())]


def ledger_rows(state: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(state / "ledger.sqlite") as db:
        return db.execute(sql).fetchall()


def set_cell(path: Path, sheet: str, find_value, new_value) -> None:
    """Edit one cell of a copied input workbook, as a coordinator fixing it in Excel would."""
    workbook = openpyxl.load_workbook(path)
    cells = [c for row in workbook[sheet].iter_rows() for c in row if c.value == find_value]
    assert len(cells) == 1, (path, find_value)
    cells[0].value = new_value
    workbook.save(path)


def request_payment(path: Path, candidate_id: str, on: dt.date) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assignments"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if str(row[header.index("Candidate ID")].value) == candidate_id:
            row[header.index("Request for Payment Date")].value = on
    workbook.save(path)


# --- three weeks in a row ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def weeks(tmp_path_factory):
    """Three weekly runs with the default folders: the demo; then a bad date fixed, a payment requested
    and a new log with a misspelt contact type; then nothing changed."""
    root = tmp_path_factory.mktemp("weekly")
    inbox = demo_inbox(root)
    runs = [run_week(inbox, WEEK1)]
    set_cell(inbox / "Candidate Log - Oscar Diaz.xlsx", "Candidate Log", "31/31/2026", "3/31/2026")
    request_payment(inbox / "Assignments and Planning.xlsx", RYAN_PATEL[0], dt.date(2026, 11, 24))
    write_workbook(inbox / "Coach Log - Linda Marsh (late pages).xlsx", {"Ryan Patel": coach_log_rows([
        {"candidate_id": RYAN_PATEL[0], "coach_id": RYAN_PATEL[1], "date": dt.date(2026, 11, 2),
         "contact_type": "Phnoe", "duration": 1.0, "description": "Call about the final write-up"}])})
    runs.append(run_week(inbox, WEEK2))
    runs.append(run_week(inbox, WEEK3))
    for completed in runs:
        assert completed.returncode == 0, completed.stderr
    return {"root": root, "state": root / "state", "out": [out_folder(c) for c in runs]}


def test_each_week_goes_to_its_own_dated_folder_beside_the_inbox(weeks):
    assert weeks["out"] == [weeks["root"] / "out" / day for day in (WEEK1, WEEK2, WEEK3)]
    assert (weeks["state"] / "ledger.sqlite").is_file()


def test_each_stipend_is_paid_exactly_once_across_the_weeks(weeks):
    week1, week2, week3 = (paid_ids(folder) for folder in weeks["out"])
    assert sorted(week1) == DEMO_PAYMENTS
    assert len(week2) == 1 and week2[0] not in week1  # Ryan Patel's, requested in week 2
    assert week3 == []
    issued = ledger_rows(weeks["state"], "SELECT payment_id, issued_on FROM payments WHERE status = 'issued'")
    assert sorted(p for p, _ in issued) == sorted(week1 + week2)
    assert dict(issued)[week2[0]] == WEEK2


def test_a_week_with_nothing_new_to_pay_has_an_empty_sheet_with_header_and_zero_total(weeks):
    rows = payment_sheet(weeks["out"][2])
    amount = rows[0].index("Amount")
    assert rows[0][0] == "Payment ID" and rows[0][amount + 1:] == ["Program", "Amount Basis"]
    assert rows[1][0] == "Total" and rows[1][amount] == 0
    assert len(rows) == 2


def test_pairs_paid_before_show_already_paid_and_the_date(weeks):
    week3 = exception_rows(weeks["out"][2])
    already = find(week3, "PAYMENT-ALREADY-PAID")
    assert len(already) == 5 and all(r["Severity"] == "Info" for r in already)
    # at the pair's assignment, as every other finding about a pair is, and Open since the week it was paid
    assert {(r["File"], r["Sheet"], r["Cell"]) for r in already} == {("Assignments and Planning.xlsx", "Assignments", None)}
    pairs = openpyxl.load_workbook(weeks["out"][2] / "results.xlsx")["Pairs"]
    rows = list(pairs.iter_rows(values_only=True))
    header = rows[0]
    ryan = next(r for r in rows[1:] if r[header.index("Candidate ID")] == RYAN_PATEL[0])
    assert ryan[header.index("Paid On")] == dt.datetime(2026, 11, 27)
    assert ryan[header.index("Payment Eligible")] == "No"


def test_first_week_every_finding_is_new_and_zero_days_old(weeks):
    rows = exception_rows(weeks["out"][0])
    assert rows and {r["Status"] for r in rows} == {"New"}
    assert {r["Age (days)"] for r in rows} == {0}


def test_a_fixed_problem_is_resolved_once_and_then_gone(weeks):
    fixed = dict(File="Candidate Log - Oscar Diaz.xlsx", Cell="C12")
    assert find(exception_rows(weeks["out"][0]), "CELL-TYPE", **fixed)[0]["Status"] == "New"
    resolved = find(exception_rows(weeks["out"][1]), "CELL-TYPE", **fixed)
    assert [(r["Status"], r["First Seen"]) for r in resolved] == [("Resolved", dt.datetime(2026, 11, 20))]
    assert find(exception_rows(weeks["out"][2]), "CELL-TYPE", **fixed) == []


def test_a_new_problem_is_new_then_open_with_its_age(weeks):
    late = dict(File="Coach Log - Linda Marsh (late pages).xlsx")
    assert find(exception_rows(weeks["out"][0]), "CELL-ENUM", **late) == []
    week2 = find(exception_rows(weeks["out"][1]), "CELL-ENUM", **late)
    week3 = find(exception_rows(weeks["out"][2]), "CELL-ENUM", **late)
    assert [(r["Status"], r["Age (days)"]) for r in week2] == [("New", 0)]
    assert [(r["Status"], r["First Seen"], r["Age (days)"]) for r in week3] == [("Open", dt.datetime(2026, 11, 27), 7)]


def test_a_problem_left_alone_stays_open_and_ages(weeks):
    duplicate = dict(File="Roster 2026.xlsx", Sheet="Employees")
    ages = [[(r["Status"], r["Age (days)"]) for r in find(exception_rows(folder), "ID-DUPLICATE", **duplicate)]
            for folder in weeks["out"]]
    assert ages == [[("New", 0)], [("Open", 7)], [("Open", 14)]]


def test_the_report_is_grouped_by_who_acts_with_the_oldest_errors_first(weeks):
    rows = exception_rows(weeks["out"][1])
    actors = [r["Who Acts"] for r in rows]
    order = ["Coordinator", "Coach", "Mentor", "Candidate", "Coachee", "Mentee", "Supervisor"]  # as each program calls them
    assert actors == sorted(actors, key=order.index)
    new_problem = find(rows, "CELL-ENUM", File="Coach Log - Linda Marsh (late pages).xlsx")[0]
    errors = [r for r in rows if r["Who Acts"] == new_problem["Who Acts"] and r["Severity"] == "Error" and r["Status"] != "Resolved"]
    seen = [r["First Seen"] for r in errors]
    assert seen == sorted(seen) and len(set(seen)) == 2  # the week-1 ones, then the new one
    assert errors.index(new_problem) >= seen.index(max(seen))


def test_the_summary_sheet_counts_new_open_and_resolved(weeks):
    rows = exception_rows(weeks["out"][1])
    summary = openpyxl.load_workbook(weeks["out"][1] / "exceptions.xlsx")["Summary"]
    cells = [list(r) for r in summary.iter_rows(values_only=True)]
    counts = {row[0]: row[1] for row in cells if row and row[0] in ("New", "Open", "Resolved")}
    assert counts == {s: sum(r["Status"] == s for r in rows) for s in ("New", "Open", "Resolved")}
    assert counts["Resolved"] >= 1 and counts["New"] >= 1 and counts["Open"] >= 1


def test_the_ledger_records_every_run_with_its_inputs_and_counts(weeks):
    runs = ledger_rows(weeks["state"], "SELECT run_id, as_of, program, status, exit_status, counts FROM runs ORDER BY run_id")
    assert [(r[1], r[2], r[3], r[4]) for r in runs] == [
        (WEEK1, "itss-coaching", "completed", 0), (WEEK2, "itss-coaching", "completed", 0), (WEEK3, "itss-coaching", "completed", 0)]
    assert [json.loads(r[5])["payments"] for r in runs] == [4, 1, 0]
    hashes = ledger_rows(weeks["state"], "SELECT path, sha256 FROM run_inputs WHERE run_id = 1")
    assert ("Roster 2026.xlsx", __import__("hashlib").sha256((SAMPLES / "Roster 2026.xlsx").read_bytes()).hexdigest()) in hashes


def test_ledger_commands_list_runs_and_payments(weeks):
    state = str(weeks["state"])
    runs = command("ledger", "runs", "--state", state)
    assert runs.returncode == 0 and [line.split()[1] for line in runs.stdout.splitlines()[1:]] == [WEEK1, WEEK2, WEEK3]
    everything = command("ledger", "payments", "--state", state)
    assert "5 issued, total $1,500.00; 0 voided" in everything.stdout
    week2 = command("ledger", "payments", "--state", state, "--from", WEEK2, "--to", WEEK2)
    assert "1 issued, total $300.00" in week2.stdout and RYAN_PATEL[1] in week2.stdout
    coach = command("ledger", "payments", "--state", state, "--coach", RYAN_PATEL[1])
    assert coach.stdout.count("PAY-") == 1


def test_ledger_export_writes_a_workbook_of_the_payments(weeks, tmp_path):
    target = tmp_path / "ledger payments.xlsx"
    assert command("ledger", "export", str(target), "--state", str(weeks["state"])).returncode == 0
    rows = list(openpyxl.load_workbook(target)["Payments"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Payment ID", "Status", "Issued On")
    assert sorted(r[0] for r in rows[1:]) == sorted(paid_ids(weeks["out"][0]) + paid_ids(weeks["out"][1]))
    assert {r[1] for r in rows[1:]} == {"Issued"}


def test_ledger_export_into_a_folder_that_is_not_there_is_one_error_line(weeks, tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    for target, reason in ((tmp_path / "nosuch" / "payments.xlsx", f"there is no folder {tmp_path / 'nosuch'}"),
                           (tmp_path / "afile" / "payments.xlsx", f"{tmp_path / 'afile'} is a file, not a folder")):
        refused = command("ledger", "export", str(target), "--state", str(weeks["state"]))
        assert refused.returncode == 2 and refused.stderr == f"Error: cannot write {target}: {reason}\n"
    assert not (tmp_path / "nosuch").exists()


def test_a_from_date_after_the_to_date_is_refused_in_one_error_line(weeks, tmp_path):
    """`ledger payments --from 2026-08-10 --to 2026-07-01` printed "(none)" and exit 0, as for a ledger
    with no payments then; export wrote an empty workbook."""
    target = tmp_path / "export.xlsx"
    for args in (["payments"], ["export", str(target)]):
        refused = command("ledger", *args, "--from", WEEK2, "--to", WEEK1, "--state", str(weeks["state"]))
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr == f"Error: --from {WEEK2} is after --to {WEEK1}: give the earlier date with --from\n"
    assert not target.exists()
    one_day = command("ledger", "payments", "--from", WEEK2, "--to", WEEK2, "--state", str(weeks["state"]))
    assert one_day.returncode == 0 and "1 issued" in one_day.stdout


# --- pay once, dry runs, folders ---------------------------------------------------------------


def test_the_same_inputs_again_pay_nothing_and_keep_last_weeks_outputs(tmp_path):
    inbox = small_inbox(tmp_path)
    first = run_week(inbox, WEEK1)
    before = {p: p.read_bytes() for p in out_folder(first).rglob("*") if p.is_file()}
    again = run_week(inbox, WEEK1)
    assert again.returncode == 0 and "0 newly payable ($0.00)" in again.stdout
    assert out_folder(again) == tmp_path / "out" / f"{WEEK1}-2"
    assert {p: p.read_bytes() for p in out_folder(first).rglob("*") if p.is_file()} == before
    assert paid_ids(out_folder(again)) == []


def test_an_explicit_out_folder_with_outputs_is_replaced_only_when_asked(tmp_path):
    inbox = small_inbox(tmp_path)
    out = tmp_path / "report"
    assert run_week(inbox, WEEK1, "--out", str(out), "--dry-run").returncode == 0
    refused = run_week(inbox, WEEK1, "--out", str(out), "--dry-run")
    assert refused.returncode == 2 and refused.stderr.startswith("Error: ") and "--overwrite" in refused.stderr
    assert run_week(inbox, WEEK1, "--out", str(out), "--dry-run", "--overwrite").returncode == 0


def test_the_inbox_itself_is_refused_as_the_output_folder(tmp_path):
    """Outputs written into the inbox would be read back next week as its tables (their Pairs sheet as
    assignments, a stipend due then left unpaid): the run stops before reading or recording anything."""
    inbox = small_inbox(tmp_path)
    before = sorted(p.name for p in inbox.iterdir())
    for out in (str(inbox), str(inbox / "." / ".." / inbox.name), str(inbox / "no such folder" / "..")):
        refused = run_week(inbox, WEEK1, "--out", out)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1
        assert refused.stderr.startswith(f"Error: --out {out} is the inbox itself")
    assert sorted(p.name for p in inbox.iterdir()) == before and not (tmp_path / "state").exists()
    assert run_week(inbox, WEEK1, "--out", str(inbox / "week 1")).returncode == 0  # a folder inside it is not read



def test_an_out_that_is_a_file_is_refused_before_the_run(tmp_path):
    """A mistyped --out naming a file: one line saying so, before anything is read or recorded (it
    said "File exists" once the whole run was done, and the ledger listed an interrupted run)."""
    inbox = small_inbox(tmp_path)
    out = tmp_path / "results.xlsx"
    out.write_bytes(b"not a folder")
    refused = run_week(inbox, WEEK1, "--out", str(out))
    assert refused.returncode == 2
    assert refused.stderr == f"Error: --out {out} is a file, not a folder: choose a folder for the outputs\n"
    assert not (tmp_path / "state").exists() and out.read_bytes() == b"not a folder"
    inside = out / "week 1"  # a folder typed under the file: refused alike, not after the run
    refused = run_week(inbox, WEEK1, "--out", str(inside))
    assert refused.returncode == 2
    assert refused.stderr == f"Error: --out {inside} lies inside {out}, a file, not a folder: choose a folder for the outputs\n"
    assert not (tmp_path / "state").exists() and out.read_bytes() == b"not a folder"

def test_what_a_real_run_delivered_is_never_replaced_even_with_overwrite(tmp_path):
    """A re-run after a typo must not wipe last run's payment sheet: the ledger has those stipends paid,
    so no later run would list them again. An explicit --out stops the run; the dated default folder
    moves on to the next name. A real run that paid nothing, or a dry run's folder, is replaced."""
    inbox = small_inbox(tmp_path)
    out = tmp_path / "report"
    assert paid_ids(out_folder(run_week(inbox, WEEK1, "--out", str(out)))) == [ALICIA_BROOKS]
    sheet = (out / "payments.xlsx").read_bytes()
    first = run_week(inbox, WEEK1, "--out", str(out))  # the first message gives only advice that works
    assert first.returncode == 2 and "never replaced" in first.stderr and "add --overwrite" not in first.stderr
    refused = run_week(inbox, WEEK1, "--out", str(out), "--overwrite")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "1 stipend paid" in refused.stderr and "never replaced" in refused.stderr
    assert (out / "payments.xlsx").read_bytes() == sheet
    dated = run_week(inbox, WEEK2)
    assert dated.returncode == 0 and out_folder(dated) == tmp_path / "out" / WEEK2  # paid nothing new
    again = run_week(inbox, WEEK2, "--overwrite")
    assert again.returncode == 0 and out_folder(again) == tmp_path / "out" / WEEK2  # nothing delivered there: replaced


def test_several_findings_of_one_rule_about_a_pair_each_keep_their_own_status(tmp_path):
    """A pair may have several findings of one rule with no cell of their own (one per failed reason,
    per missing role, per month): fixing one resolves that one, and a new one is New, not Open since
    the first. The demo's coach 111206 is not qualified for two reasons; one is fixed in week 2 (the
    reasons come from the roster, recommendations and assignments alone: the small inbox has them)."""
    inbox = small_inbox(tmp_path)
    week1 = exception_rows(out_folder(run_week(inbox, WEEK1)))
    reasons = find(week1, "COACH-NOT-QUALIFIED", **{"Candidate ID": "116590"})
    assert len(reasons) == 2 and {r["Status"] for r in reasons} == {"New"}
    roster = openpyxl.load_workbook(inbox / "Roster 2026.xlsx")
    sheet = roster["Employees"]
    [row] = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "111206"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row, header.index("Coach Training Date") + 1).value = dt.datetime(2026, 6, 1)
    roster.save(inbox / "Roster 2026.xlsx")
    week2 = exception_rows(out_folder(run_week(inbox, WEEK2)))
    statuses = {("training" if "training" in r["Message"] else "recommendations", r["Status"])
                for r in find(week2, "COACH-NOT-QUALIFIED", **{"Candidate ID": "116590"})}
    assert statuses == {("training", "Resolved"), ("recommendations", "Open")}
    week3 = exception_rows(out_folder(run_week(inbox, WEEK3)))
    assert [r["Status"] for r in find(week3, "COACH-NOT-QUALIFIED", **{"Candidate ID": "116590"})] == ["Open"]


def test_a_row_deleted_above_findings_leaves_them_open_since_they_were_first_seen(tmp_path):
    """A coordinator deletes one entry of a log: the problems on the rows below it move up a row
    (D4 -> D3) but are the same problems, so they stay Open with their age; the one fixed that week
    is Resolved, and nothing comes back as Resolved the week after."""
    inbox = small_inbox(tmp_path)
    log = inbox / EXTRA_LOG
    write_workbook(log, {"Alicia Brooks": coach_log_rows([
        _alicia(dt.date(2026, 5, 4), "Phone", 1.0, "a wrong entry"),
        _alicia(dt.date(2026, 5, 11), "Carrier pigeon", 1.0, "a"),
        _alicia(dt.date(2026, 5, 18), "Phone", 9.5, "b"),
        _alicia(dt.date(2026, 5, 25), "Phnoe", 1.0, "c")])})
    week1 = exception_rows(out_folder(run_week(inbox, WEEK1)))
    assert sorted((r["Rule"], r["Cell"], r["Status"]) for r in week1 if r["File"] == log.name) == [
        ("CELL-ENUM", "D3", "New"), ("CELL-ENUM", "D5", "New"), ("LOG-DURATION-IMPLAUSIBLE", "E4", "New")]
    workbook = openpyxl.load_workbook(log)
    workbook["Alicia Brooks"].delete_rows(2)  # the wrong entry
    workbook.save(log)
    set_cell(log, "Alicia Brooks", "Phnoe", "Phone")  # and one fixed

    week2 = [r for r in exception_rows(out_folder(run_week(inbox, WEEK2))) if r["File"] == log.name]
    assert sorted((r["Rule"], r["Cell"], r["Status"], r["First Seen"], r["Age (days)"]) for r in week2) == [
        ("CELL-ENUM", "D2", "Open", dt.datetime(2026, 11, 20), 7),
        ("CELL-ENUM", "D5", "Resolved", dt.datetime(2026, 11, 20), 7),  # the fixed one, at its cell of last week
        ("LOG-DURATION-IMPLAUSIBLE", "E3", "Open", dt.datetime(2026, 11, 20), 7)]
    week3 = [r for r in exception_rows(out_folder(run_week(inbox, WEEK3))) if r["File"] == log.name]
    assert sorted((r["Rule"], r["Cell"], r["Status"], r["Age (days)"]) for r in week3) == [
        ("CELL-ENUM", "D2", "Open", 14), ("LOG-DURATION-IMPLAUSIBLE", "E3", "Open", 14)]


def test_a_row_inserted_above_two_different_problems_leaves_both_open_not_one_resolved_and_one_new(tmp_path):
    """Two bad cells one above the other (D3, D4); a coordinator inserts an entry above them, so each
    moves down a row and the lower one's cell of last week now holds the upper one. Both are the
    problems of last week: Open since then, not the upper one Resolved and the lower one New."""
    inbox = small_inbox(tmp_path)
    log = inbox / EXTRA_LOG
    entries = [_alicia(dt.date(2026, 5, 4), "Phone", 1.0, "a"),
               _alicia(dt.date(2026, 5, 11), "Carrier pigeon", 1.0, "b"),
               _alicia(dt.date(2026, 5, 18), "Phnoe", 1.0, "c")]
    write_workbook(log, {"Alicia Brooks": coach_log_rows(entries)})
    run_week(inbox, WEEK1)
    inserted = _alicia(dt.date(2026, 4, 27), "Phone", 1.0, "z")
    write_workbook(log, {"Alicia Brooks": coach_log_rows([inserted, *entries])})

    week2 = [r for r in exception_rows(out_folder(run_week(inbox, WEEK2))) if r["File"] == log.name]
    assert sorted((r["Cell"], r["Message"].split("'")[1], r["Status"], r["First Seen"]) for r in week2) == [
        ("D4", "Carrier pigeon", "Open", dt.datetime(2026, 11, 20)), ("D5", "Phnoe", "Open", dt.datetime(2026, 11, 20))]
    week3 = [r for r in exception_rows(out_folder(run_week(inbox, WEEK3))) if r["File"] == log.name]
    assert sorted((r["Cell"], r["Status"], r["Age (days)"]) for r in week3) == [("D4", "Open", 14), ("D5", "Open", 14)]


@pytest.mark.parametrize("rows", [0, 1])
def test_a_column_inserted_left_of_findings_leaves_them_open_since_they_were_first_seen(tmp_path, rows):
    """A coordinator inserts a column at the left of a log (a `Week` column), and perhaps a title row
    above it too: every bad cell moves right (D3 → E3), but they are the same problems, Open with their
    age, not all Resolved at their old cells and New at the next."""
    inbox = small_inbox(tmp_path)
    log = inbox / EXTRA_LOG
    write_workbook(log, {"Alicia Brooks": coach_log_rows([
        _alicia(dt.date(2026, 5, 4), "Phone", 1.0, "a"),
        _alicia(dt.date(2026, 5, 11), "Phnoe", 1.0, "b"),
        _alicia(dt.date(2026, 5, 18), "Phone", 9.5, "c")])})
    week1 = exception_rows(out_folder(run_week(inbox, WEEK1)))
    assert sorted((r["Rule"], r["Cell"]) for r in week1 if r["File"] == log.name) == [
        ("CELL-ENUM", "D3"), ("LOG-DURATION-IMPLAUSIBLE", "E4")]
    workbook = openpyxl.load_workbook(log)
    sheet = workbook["Alicia Brooks"]
    sheet.insert_cols(1)
    sheet["A1"] = "Week"
    if rows:
        sheet.insert_rows(1, rows)
    workbook.save(log)

    week2 = [r for r in exception_rows(out_folder(run_week(inbox, WEEK2))) if r["File"] == log.name]
    assert sorted((r["Rule"], r["Cell"], r["Status"], r["First Seen"], r["Age (days)"]) for r in week2) == [
        ("CELL-ENUM", f"E{3 + rows}", "Open", dt.datetime(2026, 11, 20), 7),
        ("LOG-DURATION-IMPLAUSIBLE", f"F{4 + rows}", "Open", dt.datetime(2026, 11, 20), 7)]


def test_a_bad_cell_typed_wrong_another_way_stays_open_and_a_new_row_with_its_old_value_is_new(tmp_path):
    """No row moved: a coordinator retypes a misspelt contact type at D3, still wrongly, and the coach
    adds an entry below with the old misspelling. D3 is the same bad cell, Open since week 1; the new
    entry's problem is New, not Open with the age of the cell above it."""
    inbox = small_inbox(tmp_path)
    log = inbox / EXTRA_LOG
    entries = [_alicia(dt.date(2026, 5, 4), "Phone", 1.0, "a"),
               _alicia(dt.date(2026, 5, 11), "Phnoe", 1.0, "b")]
    write_workbook(log, {"Alicia Brooks": coach_log_rows(entries)})
    run_week(inbox, WEEK1)
    added = _alicia(dt.date(2026, 5, 18), "Phnoe", 1.0, "c")
    write_workbook(log, {"Alicia Brooks": coach_log_rows([entries[0], {**entries[1], "contact_type": "Phne"}, added])})

    week2 = [r for r in exception_rows(out_folder(run_week(inbox, WEEK2))) if r["File"] == log.name]
    assert sorted((r["Cell"], r["Message"].split("'")[1], r["Status"], r["First Seen"]) for r in week2) == [
        ("D3", "Phne", "Open", dt.datetime(2026, 11, 20)), ("D4", "Phnoe", "New", dt.datetime(2026, 11, 27))]


def test_the_row_of_the_older_of_two_alike_problems_deleted_resolves_that_one_and_moves_the_other(tmp_path):
    """Week 1 a misspelt contact type at D3, week 2 the same at D7; week 3 row 3 is deleted: D3 is
    Resolved and the week-2 problem, now at D6, stays Open since week 2 (not D7 Resolved, D6 since week 1)."""
    inbox = small_inbox(tmp_path)
    log = inbox / EXTRA_LOG
    entries = [_alicia(dt.date(2026, 5, day), "Phone", 1.0, str(day)) for day in range(4, 10)]
    for week, misspelt in ((WEEK1, [1]), (WEEK2, [1, 5]), (WEEK3, [4])):
        rows = [{**entry, "contact_type": "Phnoe"} if i in misspelt else entry
                for i, entry in enumerate(entries if week != WEEK3 else entries[:1] + entries[2:])]
        write_workbook(log, {"Alicia Brooks": coach_log_rows(rows)})
        found = exception_rows(out_folder(run_week(inbox, week)))
    assert sorted((r["Cell"], r["Status"], r["First Seen"]) for r in found if r["File"] == log.name) == [
        ("D3", "Resolved", dt.datetime(2026, 11, 20)), ("D6", "Open", dt.datetime(2026, 11, 27))]


def test_a_renamed_assignments_workbook_leaves_its_pairs_findings_open_since_they_were_first_seen(tmp_path):
    """A new term's name for the assignments workbook: an overdue or inactive pair is still the same
    problem about the same pair, Open with its age, not Resolved under the old name and New under the new."""
    inbox = small_inbox(tmp_path)
    week1 = exception_rows(out_folder(run_week(inbox, WEEK1)))
    (inbox / "Assignments and Planning.xlsx").rename(inbox / "Assignments 2026-27.xlsx")
    week2 = exception_rows(out_folder(run_week(inbox, "2026-11-21")))  # a day on: none is over by date

    def pairs(rows, file):  # the findings about a pair, with no cell of their own
        return sorted((r["Rule"], r["Candidate ID"], r["Coach ID"], r["Status"], r["First Seen"], r["Age (days)"])
                      for r in rows if r["File"] == file and r["Cell"] is None)

    before = pairs(week1, "Assignments and Planning.xlsx")
    assert {rule for rule, *_ in before} >= {"PAIR-OVERDUE", "PAIR-INACTIVE", "PAIR-AT-RISK", "PAIR-NOT-STARTED"}
    paid = [row for row in pairs(week2, "Assignments 2026-27.xlsx") if row[0] == "PAYMENT-ALREADY-PAID"]
    assert paid == [("PAYMENT-ALREADY-PAID", "113402", "104233", "New", dt.datetime(2026, 11, 21), 0)]  # paid in week 1
    assert [row for row in pairs(week2, "Assignments 2026-27.xlsx") if row not in paid] == [
        (rule, candidate, coach, "Open", dt.datetime(2026, 11, 20), 1) for rule, candidate, coach, *_ in before]
    assert not [r for r in week2 if r["File"] == "Assignments and Planning.xlsx"]  # nothing Resolved under the old name


def test_a_renamed_log_workbook_leaves_its_cells_findings_open_since_they_were_first_seen(tmp_path):
    """The same bad cell in the same sheet of a workbook of another name is the same problem."""
    inbox = small_inbox(tmp_path)
    run_week(inbox, WEEK1)
    (inbox / "Coach Log - Jordan Reyes.xlsx").rename(inbox / "Jordan Reyes coaching log 2026.xlsx")
    week2 = exception_rows(out_folder(run_week(inbox, WEEK2)))
    assert [(r["File"], r["Cell"], r["Status"], r["First Seen"], r["Age (days)"]) for r in find(week2, "CELL-ENUM")] == [
        ("Jordan Reyes coaching log 2026.xlsx", "D11", "Open", dt.datetime(2026, 11, 20), 7)]


def test_a_renamed_sheet_leaves_its_cells_findings_open_since_they_were_first_seen(tmp_path):
    """A log's tab renamed in its workbook (`Alicia Brooks` as `Alicia Brooks 2026`): its bad cell is
    the same problem, Open with its age, not Resolved under the old name and New under the new."""
    inbox = small_inbox(tmp_path)
    run_week(inbox, WEEK1)
    book = openpyxl.load_workbook(inbox / "Coach Log - Jordan Reyes.xlsx")
    book["Alicia Brooks"].title = "Alicia Brooks 2026"
    book.save(inbox / "Coach Log - Jordan Reyes.xlsx")
    week2 = exception_rows(out_folder(run_week(inbox, WEEK2)))
    assert [(r["Sheet"], r["Cell"], r["Status"], r["First Seen"], r["Age (days)"]) for r in find(week2, "CELL-ENUM")] == [
        ("Alicia Brooks 2026", "D11", "Open", dt.datetime(2026, 11, 20), 7)]


def test_a_renamed_roster_workbook_leaves_its_notes_sheet_open_since_it_was_first_seen(tmp_path):
    """Next year's name for the roster workbook: its Notes sheet, which holds no table, is the same
    sheet as last week, Open with its age, not Resolved under the old name and New under the new."""
    inbox = small_inbox(tmp_path)
    run_week(inbox, WEEK1)
    (inbox / "Roster 2026.xlsx").rename(inbox / "Roster 2026-27.xlsx")
    week2 = exception_rows(out_folder(run_week(inbox, WEEK2)))
    assert [(r["File"], r["Sheet"], r["Status"], r["First Seen"], r["Age (days)"]) for r in find(week2, "SHEET-UNRECOGNIZED")] == [
        ("Roster 2026-27.xlsx", "Notes", "Open", dt.datetime(2026, 11, 20), 7)]


def test_a_sheet_holding_no_table_renamed_in_its_workbook_stays_open_and_apart_from_another(tmp_path):
    """The roster's Notes tab renamed `Notes 2026`: it holds no table (SHEET-UNRECOGNIZED, whose message
    quotes the sheet's name) and is the same sheet, Open since week 1, not Resolved and New; a Scratch
    tab added in week 2 is another sheet, Open since week 2."""
    inbox = small_inbox(tmp_path)
    roster = inbox / "Roster 2026.xlsx"
    run_week(inbox, WEEK1)
    book = openpyxl.load_workbook(roster)
    book.create_sheet("Scratch")["A1"] = "to do: new hires"
    book.save(roster)
    run_week(inbox, WEEK2)
    book = openpyxl.load_workbook(roster)
    book["Notes"].title = "Notes 2026"
    book.save(roster)
    week3 = exception_rows(out_folder(run_week(inbox, WEEK3)))
    assert sorted((r["Sheet"], r["Status"], r["First Seen"], r["Age (days)"]) for r in find(week3, "SHEET-UNRECOGNIZED")) == [
        ("Notes 2026", "Open", dt.datetime(2026, 11, 20), 14), ("Scratch", "Open", dt.datetime(2026, 11, 27), 7)]


def _another_coaching(path: Path, *, assigned: dt.date, planning: dt.date, target_grade: int, completion: dt.date,
                      request_for_payment: dt.date, request: tuple[dt.date, dt.date] | None = None,
                      program: str | None = None) -> None:
    """A workbook of one more completed coaching of Alicia Brooks by Jordan Reyes, weekly from the day
    after its planning meeting: 40 hours of her log, 12 of his (``request``: her Coaching Request for
    it, its date and its enrollment form's; ``program``: its Program cell)."""
    candidate, coach = "113402", "104233"
    days = [planning + dt.timedelta(days=1 + 7 * i) for i in range(10)]
    name = path.stem.lower()
    sheets = {} if request is None else {"Requests": table_rows("requests", [{
        "employee_id": candidate, "request_date": request[0], "target_grade": target_grade, "enrollment_form_date": request[1]}])}
    sheets |= {
        "Assignments": table_rows("assignments", [{
            "candidate_id": candidate, "coach_id": coach, "assigned_date": assigned, "planning_meeting_date": planning,
            "target_grade": target_grade, "goals_attained": "Yes", "status": "Completed", "completion_date": completion,
            "payment_request_date": request_for_payment, "program": program}]),
        "Coach Log": coach_log_rows([{"candidate_id": candidate, "coach_id": coach, "date": day, "contact_type": "In Person",
                                      "duration": 4.0, "description": f"{name} {i}"} for i, day in enumerate(days[:3])]),
        "Candidate Log": table_rows("candidate_log", [{"candidate_id": candidate, "coach_id": coach, "date": day, "duration": 4.0,
                                                       "description": f"{name} {i}"} for i, day in enumerate(days)]),
    }
    write_workbook(path, sheets)


def test_a_paid_coaching_keeps_its_payment_id_when_an_earlier_band_is_entered_later(tmp_path):
    """Week 1 pays Alicia Brooks's coaching for grade 23. Week 2 the coordinator enters her earlier
    coaching by the same coach (for grade 21, completed and requested): only that one is paid, under
    an ID of its own, and certified; the 23 coaching keeps its ID and certificate and is not paid again
    (the earlier band took the pair's ID, so the 23 coaching got a new one and was paid twice)."""
    inbox = small_inbox(tmp_path)
    candidate = "113402"
    first, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK1)))
    assert list(first.payments["payment_id"]) == [ALICIA_BROOKS]
    _another_coaching(inbox / "Earlier band.xlsx", assigned=dt.date(2025, 11, 10), planning=dt.date(2025, 11, 12),
                      target_grade=21, completion=dt.date(2026, 2, 13), request_for_payment=dt.date(2026, 2, 16))
    second, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK2)))

    bands = second.pairs[second.pairs["candidate_id"] == candidate].set_index("target_grade")
    assert bands.at[23, "payment_id"] == ALICIA_BROOKS and pd.notna(bands.at[23, "paid_on"])
    assert [(p["payment_id"], p["start_date"].date()) for p in second.payments.to_dict("records")] == [
        (bands.at[21, "payment_id"], dt.date(2025, 11, 12))]
    assert bands.at[21, "payment_id"] != ALICIA_BROOKS
    new = second.certificates[second.certificates["issued_on"].isna()]
    assert list(new["certificate_id"]) == [bands.at[21, "certificate_id"]]
    assert bands.at[23, "certificate_id"] in set(first.certificates["certificate_id"])
    assert sorted(p for (p,) in ledger_rows(tmp_path / "state", "SELECT payment_id FROM payments")) == sorted(
        [ALICIA_BROOKS, bands.at[21, "payment_id"]])
    # week 3: each coaching's "already paid" is its own finding: grade 23's Open since week 2, grade 21's New
    third, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK3)))
    already = [finding_key(f) for f in third.findings if f.rule == "PAYMENT-ALREADY-PAID" and f.candidate_id == candidate]
    assert len(set(already)) == 2
    assert sorted(third.finding_history.get(key, ("New",))[0] for key in already) == ["New", "Open"]


def _without_alicias_assignment(inbox: Path, planning: dt.date | None = None) -> None:
    """Her row taken out of the demo's assignments, and that of Jordan Reyes's candidate since August
    (``planning``: her row kept, with that planning meeting date)."""
    book = openpyxl.load_workbook(inbox / "Assignments and Planning.xlsx")
    sheet = book["Assignments"]
    row = next(r for r in range(2, sheet.max_row + 1) if str(sheet.cell(r, 1).value) == "113402")
    if planning is not None:
        sheet.cell(row, 6).value = planning
    else:
        for gone in sorted((r for r in range(2, sheet.max_row + 1) if str(sheet.cell(r, 1).value) in ("113402", "116021")), reverse=True):
            sheet.delete_rows(gone)
    book.save(inbox / "Assignments and Planning.xlsx")


def test_the_next_band_entered_alone_after_the_paid_one_left_the_inbox_is_paid_and_certified(tmp_path):
    """Week 1 pays Alicia Brooks's coaching for grade 23. By week 2 its row has left the inbox (archived)
    and only her coaching for 25 by the same coach, begun after the 23 one ended, is entered: another
    coaching, paid and certified under IDs of its own (it took the pair's paid IDs and was never paid)."""
    inbox = small_inbox(tmp_path)
    candidate, coach = "113402", "104233"
    first, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK1)))
    assert list(first.payments["payment_id"]) == [ALICIA_BROOKS]
    _without_alicias_assignment(inbox)
    _another_coaching(inbox / "Next band.xlsx", assigned=dt.date(2026, 7, 30), planning=dt.date(2026, 8, 3),
                      target_grade=25, completion=dt.date(2026, 11, 20), request_for_payment=dt.date(2026, 11, 23),
                      request=(dt.date(2026, 7, 27), dt.date(2026, 7, 25)))
    second, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK2)))

    [pair] = second.pairs[second.pairs["candidate_id"] == candidate].to_dict("records")
    assert pair["payment_id"] == payment_id("itss-coaching", candidate, coach, "grade 25"), pair["reasons"]
    assert pair["payment_eligible"], pair["reasons"]
    assert [(p["payment_id"], p["start_date"].date()) for p in second.payments.to_dict("records")] == [
        (pair["payment_id"], dt.date(2026, 8, 3))]
    new = second.certificates[second.certificates["issued_on"].isna()]
    assert list(new["certificate_id"]) == [pair["certificate_id"]]
    assert pair["certificate_id"] not in set(first.certificates["certificate_id"])
    third, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK3)))  # and only that week
    [again] = third.pairs[third.pairs["candidate_id"] == candidate].to_dict("records")
    assert (again["payment_id"], again["certificate_id"]) == (pair["payment_id"], pair["certificate_id"])
    assert third.payments.empty and third.certificates["issued_on"].notna().all()


def test_a_paid_coaching_whose_planning_date_is_corrected_keeps_its_payment_id(tmp_path):
    """A lone row starting before its paid coaching ended is that coaching, its date corrected: not paid again."""
    inbox = small_inbox(tmp_path)
    run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK1)))
    _without_alicias_assignment(inbox, planning=dt.date(2026, 3, 3))  # was 2 March
    second, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK2)))
    [pair] = second.pairs[second.pairs["candidate_id"] == "113402"].to_dict("records")
    assert pair["payment_id"] == ALICIA_BROOKS and pd.notna(pair["paid_on"])
    assert second.payments.empty


def _itss_copy(tmp_path: Path, name: str, stipend: int) -> Path:
    """The ITSS preset copied to a policy file, with another name and stipend."""
    text = (Path(__file__).resolve().parent.parent / "coaching_batch" / "programs" / "itss-coaching.toml").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace('name = "itss-coaching"', f'name = "{name}"').replace("stipend = 300", f"stipend = {stipend}")
                    .replace('title = "ITSS Technical Advancement Skills Coaching"', f'title = "{name}"'), encoding="utf-8")
    return path


def test_a_stipend_paid_before_the_policy_file_was_renamed_is_held_not_paid_again(tmp_path):
    """Week 1 pays Alicia Brooks's stipend under the preset. Week 2 the coordinator passes a copy of it
    at $350 that she also gave a new name: the same coaching was paid under the old name, so it is held
    with an error naming the Payment ID paid, and her certificate is not issued again (the new name
    gave new IDs, and both were issued a second time). Once finance voids the first payment, the next
    run pays it under the new name."""
    inbox = small_inbox(tmp_path)
    first, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK1)))
    renamed = str(_itss_copy(tmp_path, "itss-coaching-2026", 350))
    second, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK2), program=renamed))

    assert second.payments.empty
    [held] = [f for f in second.findings if f.rule == "PAYMENT-PAID-UNDER-OTHER-NAME"]
    assert (held.severity, held.candidate_id, held.program) == ("error", "113402", "itss-coaching-2026")
    assert f"paid by the run of {WEEK1} as Payment ID {ALICIA_BROOKS}, under the program name 'itss-coaching'" in held.message
    assert 'name = "itss-coaching"' in held.fix and f"ledger void {ALICIA_BROOKS}" in held.fix
    [pair] = second.pairs[second.pairs["candidate_id"] == "113402"].to_dict("records")
    assert not pair["payment_eligible"] and f"as {ALICIA_BROOKS} under 'itss-coaching'" in pair["reasons"]
    assert second.certificates["issued_on"].notna().all()  # none issued again
    assert set(second.certificates["certificate_id"]) == set(first.certificates["certificate_id"])
    assert ledger_rows(tmp_path / "state", "SELECT payment_id, amount FROM payments") == [(ALICIA_BROOKS, 300.0)]
    assert ledger_rows(tmp_path / "state", "SELECT count(*) FROM certificates") == [(len(first.certificates),)]

    assert command("ledger", "void", ALICIA_BROOKS, "--reason", "returned by the bank", "--state",
                   str(tmp_path / "state")).returncode == 0
    third, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK3), program=renamed))
    assert [(p["payment_id"], p["amount"]) for p in third.payments.to_dict("records")] == [
        (payment_id("itss-coaching-2026", "113402", "104233"), 350.0)]
    assert not [f for f in third.findings if f.rule == "PAYMENT-PAID-UNDER-OTHER-NAME"]


def test_a_paid_pair_moved_to_a_renamed_copy_while_the_old_name_runs_the_others_is_held_not_paid_again(tmp_path):
    """Week 2 gives Alicia Brooks's assignment the Program `itss-coaching-2026` (a copy of the preset at
    $350) while the preset still judges every other pair: her coaching was paid under `itss-coaching`,
    which she and her coach no longer have a pair of, so it is held, as for a renamed policy file."""
    inbox = small_inbox(tmp_path)
    run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK1)))
    book = openpyxl.load_workbook(inbox / "Assignments and Planning.xlsx")
    sheet = book["Assignments"]
    column = sheet.max_column + 1
    sheet.cell(1, column, "Program")
    header = [cell.value for cell in sheet[1]]
    [row] = [row for row in sheet.iter_rows(min_row=2) if str(row[header.index("Candidate ID")].value) == "113402"]
    sheet.cell(row[0].row, column, "itss-coaching-2026")
    book.save(inbox / "Assignments and Planning.xlsx")
    programs = ["itss-coaching", str(_itss_copy(tmp_path, "itss-coaching-2026", 350))]

    second, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK2), program=programs))

    assert second.payments.empty
    [held] = [f for f in second.findings if f.rule == "PAYMENT-PAID-UNDER-OTHER-NAME"]
    assert (held.candidate_id, held.program) == ("113402", "itss-coaching-2026")
    assert f"as Payment ID {ALICIA_BROOKS}, under the program name 'itss-coaching'" in held.message
    assert ledger_rows(tmp_path / "state", "SELECT payment_id, amount FROM payments") == [(ALICIA_BROOKS, 300.0)]


def test_two_programs_in_one_inbox_each_pay_their_own_stipend_to_the_same_two_people(tmp_path):
    """Alicia Brooks and Jordan Reyes are in ITSS and in a district program of the coordinator's, both
    run from the inbox: week 1 pays the ITSS stipend; week 2, when the district coaching is requested
    for payment, pays it under its own Payment ID, and nothing is held or paid again."""
    inbox = small_inbox(tmp_path)
    district = str(_itss_copy(tmp_path, "district-coaching", 200))
    _another_coaching(inbox / "District coaching.xlsx", assigned=dt.date(2026, 7, 30), planning=dt.date(2026, 8, 3),
                      target_grade=25, completion=dt.date(2026, 11, 20), request_for_payment=dt.date(2026, 11, 23),
                      request=(dt.date(2026, 7, 27), dt.date(2026, 7, 25)), program="district-coaching")
    programs = ["itss-coaching", district]
    first, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK1), program=programs))
    assert list(first.payments["payment_id"]) == [ALICIA_BROOKS]
    second, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK2), program=programs))
    district_id = payment_id("district-coaching", "113402", "104233")
    assert [(p["payment_id"], p["amount"]) for p in second.payments.to_dict("records")] == [(district_id, 200.0)]
    assert not [f for f in second.findings if f.rule == "PAYMENT-PAID-UNDER-OTHER-NAME"]
    third, _ = run_batch(RunOptions(inbox=inbox, as_of=dt.date.fromisoformat(WEEK3), program=programs))
    assert third.payments.empty
    assert sorted(f.program for f in third.findings if f.rule == "PAYMENT-ALREADY-PAID" and f.candidate_id == "113402") == [
        "district-coaching", "itss-coaching"]


def test_a_dry_runs_payment_sheet_copied_away_from_its_folder_is_still_no_delivered_sheet(tmp_path):
    """Its run.json left behind, the sheet itself says it is a preview: the first real run pays (it
    stopped, the sheet taken for a delivered one, and a rebuild then kept the stipend from ever being paid)."""
    inbox = small_inbox(tmp_path)
    dry = run_week(inbox, WEEK1, "--dry-run")
    preview = tmp_path / "out" / "preview for finance"
    preview.mkdir()
    shutil.copy2(out_folder(dry) / "payments.xlsx", preview / "payments.xlsx")
    real = run_week(inbox, WEEK1)
    assert real.returncode == 0, real.stderr
    assert paid_ids(out_folder(real)) == [ALICIA_BROOKS]


def test_a_dry_run_writes_outputs_but_records_nothing(tmp_path):
    inbox = small_inbox(tmp_path)
    dry = run_week(inbox, WEEK1, "--dry-run")
    assert dry.returncode == 0 and paid_ids(out_folder(dry)) == [ALICIA_BROOKS]
    assert not (tmp_path / "state").exists()
    assert f"No ledger at {tmp_path / 'state' / 'ledger.sqlite'}: the preview counts nothing as paid before" in dry.stdout
    real = run_week(inbox, WEEK1)
    assert paid_ids(out_folder(real)) == [ALICIA_BROOKS]  # the dry run paid nothing
    ledger = (tmp_path / "state" / "ledger.sqlite").read_bytes()
    dry_again = run_week(inbox, WEEK2, "--dry-run")
    assert paid_ids(out_folder(dry_again)) == []  # it reads the ledger: nothing new to pay
    assert "No ledger" not in dry_again.stdout
    assert (tmp_path / "state" / "ledger.sqlite").read_bytes() == ledger


def test_a_dry_run_never_takes_the_dated_folder_finance_takes_the_payment_sheet_from(tmp_path):
    inbox = small_inbox(tmp_path)
    dry = run_week(inbox, WEEK1, "--dry-run")
    assert out_folder(dry) == tmp_path / "out" / f"{WEEK1}-dry-run" and paid_ids(out_folder(dry)) == [ALICIA_BROOKS]
    real = run_week(inbox, WEEK1)
    assert out_folder(real) == tmp_path / "out" / WEEK1 and paid_ids(out_folder(real)) == [ALICIA_BROOKS]
    again = run_week(inbox, WEEK1, "--dry-run")  # the earlier preview is kept
    assert out_folder(again) == tmp_path / "out" / f"{WEEK1}-dry-run-2" and paid_ids(out_folder(again)) == []


def test_a_real_run_replaces_a_folder_that_holds_only_a_dry_runs_outputs(tmp_path):
    """A dry run's outputs were never delivered: the real run takes their folder, --out or the dated one."""
    inbox = small_inbox(tmp_path)
    for folder, extra in ((tmp_path / "report", ("--out", str(tmp_path / "report"))), (tmp_path / "out" / WEEK1, ())):
        assert run_week(inbox, WEEK1, "--out", str(folder), "--dry-run").returncode == 0
        real = run_week(inbox, WEEK1, *extra)
        assert real.returncode == 0 and out_folder(real) == folder, real.stderr
        assert json.loads((folder / "run.json").read_text())["dry_run"] is False
    assert paid_ids(tmp_path / "report") == [ALICIA_BROOKS] and paid_ids(tmp_path / "out" / WEEK1) == []  # paid once


def test_a_run_as_of_a_date_before_the_last_run_is_refused_but_a_dry_run_may_look_back(tmp_path):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    run_week(inbox, WEEK2)
    ledger, earlier = (state / "ledger.sqlite").read_bytes(), "2026-11-13"
    back = run_week(inbox, earlier)
    assert back.returncode == 2 and back.stderr.count("\n") == 1 and back.stderr.startswith("Error: ")
    assert f"last run was as of {WEEK2}" in back.stderr and "--dry-run" in back.stderr
    assert not (tmp_path / "out" / earlier).exists() and (state / "ledger.sqlite").read_bytes() == ledger

    dry = run_week(inbox, earlier, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    rows = exception_rows(out_folder(dry))
    assert rows and all(r["First Seen"].date() <= dt.date(2026, 11, 13) for r in rows)
    assert {r["Status"] for r in rows} == {"New"}  # nothing was seen yet as of that date
    assert run_week(inbox, WEEK2).returncode == 0  # the last run's own date again is not before it


def test_a_run_before_a_killed_run_that_delivered_its_sheet_is_refused_like_one_before_a_completed_run(tmp_path):
    """The clock set back after a run killed once its payment sheet was delivered: its stipends were
    paid as of its date, so a run as of an earlier date is refused (it was accepted, its report as of
    that date saying the stipend was 'paid by the run of' the later date). A killed run that delivered
    nothing does not count."""
    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK3, env={"COACHING_BATCH_CRASH_AT": "pending-recorded"}).returncode == -signal.SIGKILL
    assert run_week(inbox, WEEK2, env={"COACHING_BATCH_CRASH_AT": "outputs-written"}).returncode == -signal.SIGKILL
    back = run_week(inbox, WEEK1)
    assert back.returncode == 2 and back.stderr.startswith("Error: ") and f"last run was as of {WEEK2}" in back.stderr
    assert not (tmp_path / "out" / WEEK1).exists()
    assert paid_ids(tmp_path / "out" / WEEK2) == [ALICIA_BROOKS]


def test_a_dry_run_looking_back_past_a_later_run_gives_the_same_report_as_before_it(tmp_path):
    """The same inbox and as-of date give the same exception report whether or not a later week was
    recorded since: compared with the run before that date, what it fixed is Resolved, and a problem
    whose row moved is listed once, Open."""
    inbox = small_inbox(tmp_path)
    run_week(inbox, WEEK1)
    set_cell(inbox / "Coach Log - Jordan Reyes.xlsx", "Alicia Brooks", "Phnoe", "Phone")  # CELL-ENUM D11 fixed
    logs = openpyxl.load_workbook(inbox / "Candidate Logs - Spring 2026.xlsx")
    logs["Fatima Rahman"].delete_rows(2)  # LOG-DURATION-IMPLAUSIBLE D14 now at D13
    logs.save(inbox / "Candidate Logs - Spring 2026.xlsx")

    def look(as_of):
        rows = exception_rows(out_folder(run_week(inbox, as_of, "--dry-run")))
        return sorted((r["Status"], r["Rule"], r["File"] or "", r["Cell"] or "", r["Candidate ID"] or "", r["First Seen"])
                      for r in rows)

    before = look("2026-11-24")
    assert ("Resolved", "CELL-ENUM", "Coach Log - Jordan Reyes.xlsx", "D11", "113402", dt.datetime(2026, 11, 20)) in before
    assert [row for row in before if row[1] == "LOG-DURATION-IMPLAUSIBLE"] == [
        ("Open", "LOG-DURATION-IMPLAUSIBLE", "Candidate Logs - Spring 2026.xlsx", "D13", "113977", dt.datetime(2026, 11, 20))]
    assert run_week(inbox, WEEK2).returncode == 0
    assert look("2026-11-24") == before


def test_a_voided_payment_is_paid_again_by_the_next_run_and_only_then(tmp_path):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    voided = ALICIA_BROOKS
    unknown = command("ledger", "void", "PAY-000000000000", "--reason", "typo", "--state", str(state))
    assert unknown.returncode == 2 and "never paid" in unknown.stderr
    done = command("ledger", "void", voided, "--reason", "sent to a closed account", "--state", str(state))
    assert done.returncode == 0, done.stderr
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == [voided]
    assert paid_ids(out_folder(run_week(inbox, WEEK3))) == []
    statuses = ledger_rows(state, f"SELECT status, void_reason FROM payments WHERE payment_id = '{voided}' ORDER BY id")
    assert statuses == [("voided", "sent to a closed account"), ("issued", None)]


def test_a_payment_id_typed_in_small_letters_is_voided_not_called_never_paid(tmp_path):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    done = command("ledger", "void", f" {ALICIA_BROOKS.lower()} ", "--reason", "returned by the bank", "--state", str(state))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Payment {ALICIA_BROOKS} voided: returned by the bank\n"
    assert ledger_rows(state, f"SELECT status FROM payments WHERE payment_id = '{ALICIA_BROOKS}'") == [("voided",)]


def test_a_void_dated_before_the_payment_was_issued_is_refused_and_leaves_it_issued(tmp_path):
    """`--on` typed with last year's date voided the stipend "before" it was paid, and the ledger kept it."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    early = command("ledger", "void", ALICIA_BROOKS, "--reason", "returned by the bank", "--on", "2025-11-20",
                    "--state", str(state))
    assert early.returncode == 2
    assert early.stderr == (f"Error: payment {ALICIA_BROOKS} was issued on {WEEK1}: it cannot have been voided on "
                            "2025-11-20 (check --on, the date finance voided it; it is left issued)\n")
    assert ledger_rows(state, f"SELECT status FROM payments WHERE payment_id = '{ALICIA_BROOKS}'") == [("issued",)]
    same_day = command("ledger", "void", ALICIA_BROOKS, "--reason", "returned by the bank", "--on", WEEK1, "--state", str(state))
    assert same_day.returncode == 0, same_day.stderr


def test_archive_moves_the_files_read_and_never_deletes(tmp_path):
    inbox = small_inbox(tmp_path)
    (inbox / "notes.txt").write_text("not a workbook")
    names = sorted(p.name for p in inbox.iterdir())
    completed = run_week(inbox, WEEK1, "--archive")
    assert completed.returncode == 0, completed.stderr
    archive = tmp_path / "archive" / WEEK1
    archived = sorted(p.name for p in archive.iterdir())
    assert sorted(archived + [p.name for p in inbox.iterdir()]) == names
    assert "Roster 2026.xlsx" in archived and [p.name for p in inbox.iterdir()] == ["notes.txt"]
    refused = run_week(inbox, WEEK1, "--archive", "--dry-run")
    assert refused.returncode == 2



def test_a_recursive_run_reads_the_sub_folders_but_never_its_own_outputs_or_ledger(tmp_path):
    """Logs kept in a folder per coach are read with --recursive, and only then; the weeks' outputs
    and the ledger kept inside the inbox are never read back as its tables, and --archive keeps each
    file's sub-folder."""
    inbox = small_inbox(tmp_path)
    (inbox / "coaches").mkdir()
    log = "Coach Log - Jordan Reyes.xlsx"
    shutil.move(inbox / log, inbox / "coaches" / log)
    state, week1, week2 = inbox / "state", inbox / "week 1", inbox / "week 2"
    flat = run_week(inbox, WEEK1, "--dry-run", "--state", str(state), "--out", str(inbox / "preview"))
    assert flat.returncode == 0, flat.stderr
    assert paid_ids(inbox / "preview") == []  # the coach log is not read: no contact hours
    assert run_week(inbox, WEEK1, "--recursive", "--state", str(state), "--out", str(week1)).returncode == 0
    assert paid_ids(week1) == [ALICIA_BROOKS]
    first = json.loads((week1 / "run.json").read_text())
    assert {i["path"]: i["status"] for i in first["inputs"]}[f"coaches/{log}"] == "read"

    completed = run_week(inbox, WEEK2, "--recursive", "--state", str(state), "--out", str(week2), "--archive")
    assert completed.returncode == 0, completed.stderr
    second = json.loads((week2 / "run.json").read_text())
    notes = {i["path"]: i["note"] for i in second["inputs"] if i["status"] == "skipped"}
    assert notes["week 1"] == notes["preview"] == "folder of an earlier run's outputs (not read)"
    assert notes["state"] == "folder of the ledger (not read)"
    assert not [path for path in notes if path.startswith(("week 1/", "preview/", "state/"))]
    assert len(second["pairs"]) == len(first["pairs"])  # no pair read from an output workbook
    assert (tmp_path / "archive" / WEEK2 / "coaches" / log).is_file() and not (inbox / "coaches" / log).exists()


def test_two_runs_archiving_a_workbook_of_one_name_at_once_keep_both(tmp_path, monkeypatch):
    """Two inboxes side by side archive into one archive/<as-of>/ folder: when the other run moves its
    roster.xlsx there just as this one does, neither replaces the other's file."""
    import coaching_batch.pipeline as pipeline

    archive = tmp_path / "archive" / WEEK1
    ours, theirs = tmp_path / "a" / "roster.xlsx", tmp_path / "b" / "roster.xlsx"
    for path, text in ((ours, b"ours"), (theirs, b"theirs")):
        path.parent.mkdir()
        path.write_bytes(text)
    real_move = shutil.move

    def move(source, target):  # the other run archives its own roster.xlsx first
        if Path(source) == ours:
            real_move(theirs, pipeline._reserved(archive, theirs))
        return real_move(source, target)

    monkeypatch.setattr(pipeline.shutil, "move", move)
    moved = pipeline._move_into(ours, archive)
    assert sorted((p.name, p.read_bytes()) for p in archive.iterdir()) == [("roster (2).xlsx", b"theirs"), ("roster.xlsx", b"ours")]
    assert moved == archive / "roster.xlsx" and not ours.exists() and not theirs.exists()


def test_a_recursive_run_knows_its_output_folder_without_run_json_and_a_folder_named_run_json_is_read(tmp_path):
    """An output folder inside the inbox whose run.json was deleted (or never put in place: the run was
    stopped) is still left out, its results and exceptions never read as the inbox's assignments; a
    coach's folder holding a sub-folder named run.json is read like any other."""
    inbox = small_inbox(tmp_path)
    log = "Coach Log - Jordan Reyes.xlsx"
    (inbox / "coaches" / "run.json").mkdir(parents=True)
    shutil.move(inbox / log, inbox / "coaches" / log)
    state, week1 = inbox / "state", inbox / "week 1"
    assert run_week(inbox, WEEK1, "--recursive", "--state", str(state), "--out", str(week1)).returncode == 0
    first = json.loads((week1 / "run.json").read_text())
    (week1 / "run.json").unlink()

    completed = run_week(inbox, WEEK2, "--recursive", "--dry-run", "--state", str(state), "--out", str(tmp_path / "preview"))
    assert completed.returncode == 0, completed.stderr
    second = json.loads((tmp_path / "preview" / "run.json").read_text())
    statuses = {i["path"]: (i["status"], i["note"]) for i in second["inputs"]}
    assert statuses["week 1"] == ("skipped", "folder of an earlier run's outputs (not read)")
    assert statuses[f"coaches/{log}"] == ("read", "")
    assert not [path for path in statuses if path.startswith("week 1/")]
    assert len(second["pairs"]) == len(first["pairs"])


def test_a_sub_folder_that_cannot_be_read_is_listed_as_not_read(tmp_path):
    """A coach's folder the job's account may not open (its own permissions): a recursive run lists it
    as a folder that cannot be read, instead of passing over it and its workbooks without a word."""
    inbox = small_inbox(tmp_path)
    locked = inbox / "coaches" / "Jordan"
    locked.mkdir(parents=True)
    shutil.move(inbox / "Coach Log - Jordan Reyes.xlsx", locked / "Coach Log - Jordan Reyes.xlsx")
    prefix = []
    if os.geteuid() == 0:  # root reads any folder: run as root without that power
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to run without the power to read any folder")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    locked.chmod(0)
    try:
        completed = subprocess.run([*prefix, str(COMMAND), "run", str(inbox), "--as-of", WEEK1, "--recursive", "--dry-run"],
                                   capture_output=True, text=True, timeout=300)
    finally:
        locked.chmod(0o755)
    assert completed.returncode == 0, completed.stderr
    inputs = {i["path"]: i for i in json.loads((out_folder(completed) / "run.json").read_text())["inputs"]}
    assert inputs["coaches/Jordan"]["status"] == "skipped"
    assert inputs["coaches/Jordan"]["note"].startswith("folder that cannot be read: Permission denied")


def test_a_workbook_that_cannot_be_archived_stays_in_the_inbox_and_the_run_still_completed(tmp_path, monkeypatch, capsys):
    """A read-only inbox, or a roster open in Excel: the run is complete and recorded before the
    files are moved, so it is not reported as failed (exit 2 would have a scheduler run it again);
    one `Not archived:` line says which stay, and no copy of them is left in the archive (as a move
    to another drive leaves when the original cannot be removed)."""
    import coaching_batch.pipeline as pipeline
    from coaching_batch.cli import main

    inbox = small_inbox(tmp_path)
    real_move = shutil.move

    def move(source, target):
        if Path(source).name == "Roster 2026.xlsx":
            shutil.copy2(source, target)
            raise PermissionError(13, "Permission denied")
        return real_move(source, target)

    monkeypatch.setattr(pipeline.shutil, "move", move)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(inbox), "--as-of", WEEK1, "--archive"])
    assert exit_.value.code == 0
    output = capsys.readouterr()
    archive = tmp_path / "archive" / WEEK1
    assert output.err.splitlines() == [f"Not archived: Roster 2026.xlsx could not be moved into {archive} "
                                       "(Permission denied) and stays in the inbox (5 moved); the run itself completed"]
    assert [p.name for p in inbox.iterdir()] == ["Roster 2026.xlsx"]
    assert "Roster 2026.xlsx" not in [p.name for p in archive.iterdir()] and len(list(archive.iterdir())) == 5
    assert paid_ids(out_folder(subprocess.CompletedProcess([], 0, output.out))) == [ALICIA_BROOKS]
    assert ledger_rows(tmp_path / "state", "SELECT status FROM runs") == [("completed",)]

# --- two runs at once, killed runs, the schema -------------------------------------------------


def test_a_second_run_on_locked_state_waits_then_stops_with_exit_2(tmp_path):
    inbox = small_inbox(tmp_path)
    with state_lock(tmp_path / "state", wait_seconds=0):
        started = time.monotonic()
        blocked = run_week(inbox, WEEK1, "--wait", "1")
        waited = time.monotonic() - started
    assert blocked.returncode == 2
    assert blocked.stderr.startswith("Error: another run is using the ledger") and len(blocked.stderr.splitlines()) == 1
    assert waited >= 1
    assert run_week(inbox, WEEK1).returncode == 0



def test_a_run_stopped_by_sigterm_says_so_in_its_log_and_the_next_run_pays_once(tmp_path):
    """A scheduler's stop or time limit: one `Error:` line on stderr, where the job's log keeps it (the
    run ended without a word), no traceback, and the signal's own exit status."""
    inbox = small_inbox(tmp_path)
    with state_lock(tmp_path / "state", wait_seconds=0):  # the run is surely still going when stopped
        process = subprocess.Popen([str(COMMAND), "run", str(inbox), "--as-of", WEEK1, "--wait", "60"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGTERM
    assert err == "Error: stopped by SIGTERM before it finished\n" and out == ""
    again = run_week(inbox, WEEK1)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == [ALICIA_BROOKS]

def test_a_run_stopped_by_ctrl_c_writes_one_error_line_in_its_log(tmp_path):
    """Ctrl-C (SIGINT) with the output going to a log file: one `Error: interrupted` line, not an
    empty line before it, and exit status 2."""
    inbox = small_inbox(tmp_path)
    with state_lock(tmp_path / "state", wait_seconds=0):  # the run is surely still going when stopped
        process = subprocess.Popen([str(COMMAND), "run", str(inbox), "--as-of", WEEK1, "--wait", "60"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a background job ignores it
        time.sleep(3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert (process.returncode, err, out) == (2, "Error: interrupted\n", "")


@pytest.mark.parametrize("where", ["RunOptions", "run_batch"])
def test_ctrl_c_that_python_reports_as_another_error_is_still_one_interrupted_line(tmp_path, monkeypatch, capsys, where):
    """Python 3.11 raises a Ctrl-C that comes while a class is being made (a dataclass of a module being
    imported, as a run starts) as the cause of a RuntimeError: it was a traceback and exit status 1
    before the run began, and "the run failed unexpectedly" in it."""
    from coaching_batch import pipeline
    from coaching_batch.cli import main

    def interrupted(*args, **kwargs):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__ on '_DataclassParams' instance") from exc

    monkeypatch.setattr(pipeline, where, interrupted)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(small_inbox(tmp_path)), "--as-of", WEEK1])
    assert (exit_.value.code, capsys.readouterr().err) == (2, "Error: interrupted\n")


def test_two_runs_started_together_pay_each_stipend_once(tmp_path):
    inbox = small_inbox(tmp_path)
    starts = [subprocess.Popen([str(COMMAND), "run", str(inbox), "--as-of", WEEK1, "--wait", "120"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in starts]
    assert [p.returncode for p in starts] == [0, 0], results
    folders = sorted((tmp_path / "out").iterdir())
    assert [f.name for f in folders] == [WEEK1, f"{WEEK1}-2"]
    assert sorted(paid_ids(folders[0]) + paid_ids(folders[1])) == [ALICIA_BROOKS]


def test_a_ledger_that_cannot_be_written_is_said_so_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    """A read-only ledger (or state folder) is not a damaged one: one line says what to fix, and no
    backup or output is written (tested by the access check itself: the tests may run as root)."""
    from coaching_batch import recovery
    from coaching_batch.cli import main

    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK1).returncode == 0
    ledger = tmp_path / "state" / "ledger.sqlite"
    before = sorted(p.name for p in (tmp_path / "state").rglob("*"))
    monkeypatch.setattr(recovery.os, "access", lambda path, mode: Path(path) != ledger)
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(inbox), "--as-of", WEEK2])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and "is read-only" in error and "damaged" not in error
    assert sorted(p.name for p in (tmp_path / "state").rglob("*")) == before
    assert not (tmp_path / "out" / WEEK2).exists()



def _on_a_read_only_mount(folder: Path, *args: str, program: str = str(COMMAND)) -> subprocess.CompletedProcess:
    """The command (or ``program``) run with ``folder`` mounted read-only (in a mount namespace of its own: a read-only
    share, or an account that may only read; as root a folder's permissions would not stop a write)."""
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(folder), program, *args],
                          capture_output=True, text=True, timeout=300)


def test_a_ledger_in_a_read_only_folder_can_still_be_listed_and_previewed(tmp_path):
    """The ledger keeps a shared-memory file beside it while it is read; where none can be made, the
    dry run and the listing commands read it all the same (they said "unable to open database file")."""
    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK1).returncode == 0
    state = tmp_path / "state"
    if shutil.which("unshare") is None or _on_a_read_only_mount(state, program="true").returncode != 0:
        pytest.skip("needs a mount namespace (unshare -m) to make a read-only folder")
    listed = _on_a_read_only_mount(state, "ledger", "payments", "--state", str(state))
    assert listed.returncode == 0 and listed.stderr == "" and ALICIA_BROOKS in listed.stdout
    preview = _on_a_read_only_mount(state, "run", str(inbox), "--as-of", WEEK2, "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert paid_ids(out_folder(preview)) == []  # the ledger was read: what was paid stays paid
    refused = _on_a_read_only_mount(state, "run", str(inbox), "--as-of", WEEK2)
    assert refused.returncode == 2 and refused.stderr.startswith("Error: cannot use the state folder")


def test_a_ledger_in_a_read_only_folder_is_read_with_what_its_last_run_left_beside_it(tmp_path):
    """A run killed after recording its payments leaves them in ledger.sqlite-wal; a read-only copy
    of the state folder without the shared-memory file (a backup tool leaves it out) still lists that
    run, and a half-made ledger's rollback journal is undone, as on the ledger itself (both were read
    from the main file alone: the run missing, the killed transaction half there)."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    if shutil.which("unshare") is None or _on_a_read_only_mount(tmp_path, program="true").returncode != 0:
        pytest.skip("needs a mount namespace (unshare -m) to make a read-only folder")
    assert run_week(inbox, WEEK1, env={"COACHING_BATCH_CRASH_AT": "outputs-written"}).returncode == -signal.SIGKILL
    assert (state / "ledger.sqlite-wal").stat().st_size > 0
    (state / "ledger.sqlite-shm").unlink()
    listed = _on_a_read_only_mount(state, "ledger", "runs", "--state", str(state))
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[:4] for line in listed.stdout.splitlines()[1:]] == [["1", WEEK1, "itss-coaching", "writing"]]
    half_made = tmp_path / "half" / "ledger.sqlite"
    _killed_mid_transaction(half_made)
    script = ("import sys; from coaching_batch.ledger import Ledger\n"
              "print(Ledger.open_read_only(sys.argv[1]).db.execute('SELECT count(*) FROM half_made').fetchone()[0])")
    counted = _on_a_read_only_mount(half_made.parent, "-c", script, str(half_made), program=sys.executable)
    assert (counted.returncode, counted.stdout) == (0, "0\n"), counted.stderr

def _killed_mid_transaction(database: Path, *, table_too: bool = False) -> None:
    """What a process killed inside a transaction of SQLite's rollback journal leaves (as a run killed
    while it first makes the ledger): part of the transaction in the file, the journal to undo it.
    ``table_too``: the table made inside the transaction too, as a run makes the ledger's tables (undone,
    the file holds no table; else it holds an empty one, as another program's database would)."""
    create, begin = "db.execute('CREATE TABLE half_made (x)')\n", "db.execute('BEGIN')\n"
    script = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA cache_size = 1')\n"  # pages spill into the file before the commit
        + (begin + create if table_too else create + begin) +
        "for _ in range(500): db.execute('INSERT INTO half_made VALUES (?)', ('x' * 1000,))\n"
        "os._exit(0)\n"
    )
    database.parent.mkdir(parents=True)
    subprocess.run([sys.executable, "-c", script, str(database)], check=True)


@pytest.mark.parametrize("dry_run_first", [False, True], ids=["then a run", "then a dry run, then a run"])
def test_a_first_run_killed_while_making_the_ledger_does_not_block_the_next(tmp_path, dry_run_first):
    """Killed inside a transaction while the new ledger is made, a run leaves SQLite's rollback
    journal beside it: the next run (or dry run) has it undone and goes on, instead of calling the
    ledger damaged for ever (a read-only look cannot undo it)."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    _killed_mid_transaction(state / "ledger.sqlite", table_too=True)
    journal = state / "ledger.sqlite-journal"
    assert journal.is_file() and journal.stat().st_size > 0
    if dry_run_first:
        dry = run_week(inbox, WEEK1, "--dry-run")  # the half-made ledger holds no schema yet
        assert dry.returncode == 2 and dry.stderr.count("\n") == 1 and "run it once without --dry-run" in dry.stderr
    after = run_week(inbox, WEEK1)
    assert after.returncode == 0, after.stderr
    assert paid_ids(out_folder(after)) == [ALICIA_BROOKS]
    assert ledger_rows(state, "SELECT status FROM runs") == [("completed",)]
    assert ledger_rows(state, "SELECT count(*) FROM sqlite_master WHERE name = 'half_made'") == [(0,)]  # undone


def _killed_then_next(root: Path, point: str) -> dict:
    """A run as of WEEK1 killed at ``point``; what the ledger and its commands showed then (a run holding
    the ledger meanwhile, too); the next run, as of WEEK2, and what the commands showed after it."""
    inbox, state, first = small_inbox(root), root / "state", root / "out" / WEEK1
    killed = run_week(inbox, WEEK1, env={"COACHING_BATCH_CRASH_AT": point})
    before = {"integrity": ledger_rows(state, "PRAGMA integrity_check"), "runs": ledger_rows(state, "SELECT status FROM runs"),
              "sheet delivered": (first / "payments.xlsx").exists(),
              "paid on the sheet": paid_ids(first) if (first / "payments.xlsx").exists() else None,
              "ledger runs": command("ledger", "runs", "--state", str(state)),
              "ledger payments": command("ledger", "payments", "--state", str(state)),
              "ledger verify": command("ledger", "verify", "--state", str(state))}
    with state_lock(state, 0):  # as a run going now holds it
        before["ledger runs, locked"] = command("ledger", "runs", "--state", str(state))
        before["ledger verify, locked"] = command("ledger", "verify", "--state", str(state))
    after = run_week(inbox, WEEK2)
    return {"state": state, "first": first, "killed": killed, "before": before, "after": after,
            "ledger runs": command("ledger", "runs", "--state", str(state)),
            "ledger payments": command("ledger", "payments", "--state", str(state))}


@pytest.fixture(scope="module")
def killed_then_next(tmp_path_factory):
    """:func:`_killed_then_next` of a crash point, made once for the tests of the module that read it
    (none changes its folders): each killed run starts the command and its writers anew."""
    made: dict[str, dict] = {}

    def at(point: str) -> dict:
        if point not in made:
            made[point] = _killed_then_next(tmp_path_factory.mktemp(point), point)
        return made[point]
    return at


@pytest.mark.parametrize("point, delivered", [
    ("pending-recorded", False),  # killed before any output was written
    ("sheet-delivering", False),  # killed as it was about to put the payment sheet in place
    ("outputs-written", True),  # killed after the payment sheet was delivered
    ("completing", True),  # killed inside the final transaction
])
def test_a_run_killed_at_any_point_never_pays_twice_or_loses_a_payment(killed_then_next, point, delivered):
    runs = killed_then_next(point)
    state, first, before, after = runs["state"], runs["first"], runs["before"], runs["after"]
    assert runs["killed"].returncode == -signal.SIGKILL
    assert before["integrity"] == [("ok",)]
    assert before["runs"] == [("writing",)]
    assert before["sheet delivered"] == delivered

    assert after.returncode == 0, after.stderr
    if delivered:
        assert sorted(paid_ids(first)) == [ALICIA_BROOKS] and paid_ids(out_folder(after)) == []
    else:
        assert sorted(paid_ids(out_folder(after))) == [ALICIA_BROOKS]
    # the next run says what it found the killed run had delivered, and what it did about it
    [said] = [line for line in after.stdout.splitlines() if line.startswith(f"The run as of {WEEK1} into {first} was stopped ")]
    assert ("after its payment sheet was delivered: 1 payment and 3 certificates of that folder recorded as issued"
            if delivered else "it delivered nothing (1 payment and 3 certificates left unissued, issued by this run") in said
    issued = ledger_rows(state, "SELECT payment_id, issued_on FROM payments WHERE status = 'issued' ORDER BY payment_id")
    assert [p for p, _ in issued] == [ALICIA_BROOKS]
    assert {d for _, d in issued} == {WEEK1 if delivered else WEEK2}
    assert ledger_rows(state, "SELECT status FROM runs ORDER BY run_id") == [("interrupted",), ("completed",)]
    listed = runs["ledger runs"]  # the killed run has no exit status
    assert listed.returncode == 0, listed.stderr
    killed_row, next_row = listed.stdout.splitlines()[-2:]
    assert killed_row.split()[3] == "interrupted" and next_row.split()[3:5] == ["completed", "0"]


def test_a_run_killed_after_delivering_a_sheet_that_paid_nothing_is_said_to_have_had_nothing_to_pay(tmp_path):
    """A week that paid nothing new, killed after its (empty) payment sheet appeared: the next run says the
    killed run had nothing to pay or certify, as for one killed before its sheet (it said '0 payments and 0
    certificates of that folder recorded as issued, not issued again')."""
    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK1).returncode == 0
    killed = run_week(inbox, WEEK2, env={"COACHING_BATCH_CRASH_AT": "outputs-written"})
    assert killed.returncode == -signal.SIGKILL
    after = run_week(inbox, WEEK2)
    assert after.returncode == 0, after.stderr
    [said] = [line for line in after.stdout.splitlines() if line.startswith(f"The run as of {WEEK2} into ")]
    assert said.endswith("was stopped after its payment sheet was delivered: it had nothing to pay or certify"), said
    assert paid_ids(out_folder(after)) == [] and paid_ids(tmp_path / "out" / WEEK1) == [ALICIA_BROOKS]


def test_ledger_runs_shows_the_payments_of_a_run_killed_after_delivering_its_sheet(killed_then_next):
    """The stipends on a killed run's delivered sheet were paid by that run: `ledger runs` shows them on
    its line (it showed none on any line, the next run paying nothing)."""
    runs = killed_then_next("outputs-written")
    assert runs["killed"].returncode == -signal.SIGKILL
    assert paid_ids(out_folder(runs["after"])) == []
    header, killed_row, next_row = runs["ledger runs"].stdout.splitlines()
    paid = slice(header.index("Paid"), header.index("Errors"))
    assert killed_row.split()[3] == "interrupted" and killed_row[paid].strip() == "1"
    assert next_row[paid].strip() == "0"


def test_ledger_payments_lists_the_pending_payments_of_a_run_killed_after_delivering_its_sheet(killed_then_next):
    """Until the next run settles them, the payments on a killed run's delivered sheet are pending:
    `ledger payments` lists them as such and says what to do (it said "(none)", 0 issued, while
    finance held a sheet paying them)."""
    runs = killed_then_next("outputs-written")
    assert runs["killed"].returncode == -signal.SIGKILL
    assert runs["before"]["paid on the sheet"] == [ALICIA_BROOKS]
    listed = runs["before"]["ledger payments"]
    assert listed.returncode == 0, listed.stderr
    header, row, total = listed.stdout.splitlines()
    assert row.split()[:3] == [ALICIA_BROOKS, "pending", WEEK1]
    assert total.startswith("0 issued, total $0.00; 0 voided; 1 pending: ") and "ledger verify" in total
    header, row, total = runs["ledger payments"].stdout.splitlines()  # after the next run
    assert row.split()[:3] == [ALICIA_BROOKS, "issued", WEEK1] and total == "1 issued, total $300.00; 0 voided"


def test_ledger_runs_and_verify_call_a_killed_run_interrupted_and_a_run_going_writing(killed_then_next):
    """A run killed outright is shown interrupted, as the next run records it (it was shown `writing`
    until then, as if still going); a run holding the ledger now is `writing`."""
    runs = killed_then_next("pending-recorded")
    before = runs["before"]  # what the commands said before the next run
    assert runs["killed"].returncode == -signal.SIGKILL
    assert before["ledger runs"].stdout.splitlines()[1].split()[3] == "interrupted"
    assert f"the last as of {WEEK1} (interrupted)" in before["ledger verify"].stdout
    assert before["ledger runs, locked"].stdout.splitlines()[1].split()[3] == "writing"
    assert f"the last as of {WEEK1} (writing)" in before["ledger verify, locked"].stdout


@pytest.fixture(scope="module")
def killed_before_its_sheet_then_again(tmp_path_factory):
    """A run as of WEEK1 killed as it was about to put its payment sheet in place, what it left in its
    folder (and the coordinator's own files put there), then the next run of that date, which takes the
    folder back. Read, never changed, by the tests of what it left and what the next run did."""
    root = tmp_path_factory.mktemp("killed before its sheet")
    inbox, first = small_inbox(root), root / "out" / WEEK1
    killed = run_week(inbox, WEEK1, env={"COACHING_BATCH_CRASH_AT": "sheet-delivering"})
    left = {"certificates": [p.name for p in (first / "certificates").glob("*CERT-*.pdf")],
            "sheet delivered": (first / "payments.xlsx").exists(),
            "temporary sheets": [p.name for p in first.glob(".payments.xlsx.tmp-*")]}
    (first / "notes.txt").write_text("the coordinator's own file")
    (first / ".payments.xlsx.tmp-copy for finance.xlsx").write_text("a name like ours, not ours")
    return {"state": root / "state", "first": first, "killed": killed, "left": left, "after": run_week(inbox, WEEK1)}


def test_a_certificate_drawn_by_a_run_killed_before_its_payment_sheet_appeared_is_issued_again(killed_before_its_sheet_then_again):
    """The folders of documents are put in place before the payment sheet, the last output to appear:
    a run killed in between delivered nothing, so its certificate is drawn again by the next run (it
    was once taken as issued, and lost for good when the half-written folder was replaced)."""
    runs = killed_before_its_sheet_then_again
    state, first, after = runs["state"], runs["first"], runs["after"]
    assert runs["killed"].returncode == -signal.SIGKILL
    drawn = runs["left"]["certificates"]
    assert drawn and not runs["left"]["sheet delivered"]

    # the next run, into the dated folder again: what the killed run left there is replaced
    assert after.returncode == 0, after.stderr
    assert "left unissued, issued by this run if still due; this run writes that folder again)" in after.stdout
    assert out_folder(after) == first
    assert sorted(p.name for p in (first / "certificates").glob("*CERT-*.pdf")) == drawn
    assert set(ledger_rows(state, "SELECT run_id, status FROM certificates")) == {(2, "issued")}
    assert paid_ids(first) == [ALICIA_BROOKS]


def test_a_folder_taken_back_from_a_killed_run_keeps_none_of_its_temporary_files(killed_before_its_sheet_then_again):
    """The killed run's hidden, unfinished outputs (a whole payment sheet among them) are removed when
    the next run writes the week's folder again; nothing else in the folder is touched."""
    runs = killed_before_its_sheet_then_again
    first, after = runs["first"], runs["after"]
    assert runs["killed"].returncode == -signal.SIGKILL
    assert runs["left"]["temporary sheets"]

    assert after.returncode == 0, after.stderr
    assert out_folder(after) == first and paid_ids(first) == [ALICIA_BROOKS]
    assert sorted(p.name for p in first.iterdir() if p.name.startswith(".") or p.suffix == ".txt") == [
        ".payments.xlsx.tmp-copy for finance.xlsx", "notes.txt"]


def test_a_killed_runs_folder_that_delivered_is_never_taken_back_even_once_its_sheet_is_moved(tmp_path):
    """Killed after its payment sheet appeared, the run delivered: the next run settles it and writes
    elsewhere; once finance moves the sheet away, no later run may replace that folder's certificates."""
    inbox = small_inbox(tmp_path)
    killed = run_week(inbox, WEEK1, env={"COACHING_BATCH_CRASH_AT": "outputs-written"})
    assert killed.returncode == -signal.SIGKILL
    first = tmp_path / "out" / WEEK1
    drawn = sorted(p.name for p in (first / "certificates").glob("*.pdf"))
    assert out_folder(run_week(inbox, WEEK1)) != first
    (first / "payments.xlsx").rename(tmp_path / "taken by finance.xlsx")
    third = run_week(inbox, WEEK1)
    assert third.returncode == 0, third.stderr
    assert out_folder(third) != first
    assert sorted(p.name for p in (first / "certificates").glob("*.pdf")) == drawn


@pytest.mark.parametrize("taken", ["moved", "deleted"])
def test_a_payment_sheet_taken_away_after_its_run_was_killed_is_never_paid_again_unless_voided(tmp_path, taken):
    """Killed just after its payment sheet appeared, the run left its payment pending; finance then took
    the folder (or it was deleted as a failed run's). The next run cannot see the sheet, but the ledger
    knows the run had put it in place: the payment is held as issued and reported, never paid again
    until the coordinator voids it."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    killed = run_week(inbox, WEEK1, env={"COACHING_BATCH_CRASH_AT": "outputs-written"})
    assert killed.returncode == -signal.SIGKILL
    first = tmp_path / "out" / WEEK1
    assert paid_ids(first) == [ALICIA_BROOKS]
    if taken == "moved":
        first.rename(tmp_path / "finance")
    else:
        shutil.rmtree(first)

    dry = run_week(inbox, WEEK1, "--dry-run")  # the same as the real run, recording nothing
    assert dry.returncode == 0, dry.stderr
    [previewed] = find(exception_rows(out_folder(dry)), "PAYMENT-DELIVERY-UNCERTAIN")
    assert "a real run records the payment as issued" in previewed["Message"] and paid_ids(out_folder(dry)) == []

    after = run_week(inbox, WEEK1)
    assert after.returncode == 0, after.stderr
    assert paid_ids(out_folder(after)) == []
    assert "while putting its payment sheet in place, and the sheet is not there: 1 payment recorded as issued" in after.stdout
    [held] = find(exception_rows(out_folder(after)), "PAYMENT-DELIVERY-UNCERTAIN", Severity="Error")
    assert ALICIA_BROOKS in held["Message"] and f"ledger void {ALICIA_BROOKS}" in held["Message"]
    assert ledger_rows(state, "SELECT payment_id, status, issued_on FROM payments") == [(ALICIA_BROOKS, "issued", WEEK1)]

    voided = command("ledger", "void", ALICIA_BROOKS, "--reason", "finance never received the sheet", "--state", str(state))
    assert voided.returncode == 0, voided.stderr
    again = run_week(inbox, WEEK2)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == [ALICIA_BROOKS]
    assert not find(exception_rows(out_folder(again)), "PAYMENT-DELIVERY-UNCERTAIN", Status="New")


def test_the_folder_of_a_sheet_that_paid_is_not_taken_again_once_deleted(tmp_path):
    """A killed run's delivered folder deleted (the README's "cleared the failed run"), the next run of
    that date writes beside it, not into a folder of that name: its own empty sheet there made every
    later week report the held payments as rows removed by hand, and `ledger verify` fail."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    assert run_week(inbox, WEEK1, env={"COACHING_BATCH_CRASH_AT": "outputs-written"}).returncode == -signal.SIGKILL
    first = tmp_path / "out" / WEEK1
    shutil.rmtree(first)
    again = run_week(inbox, WEEK1)
    assert again.returncode == 0, again.stderr
    assert out_folder(again) == tmp_path / "out" / f"{WEEK1}-2" and not first.exists()
    assert find(exception_rows(out_folder(again)), "PAYMENT-DELIVERY-UNCERTAIN")
    week2 = run_week(inbox, WEEK2)
    assert paid_ids(out_folder(week2)) == []
    assert not find(exception_rows(out_folder(week2)), "PAYMENT-SHEET-ROW-MISSING")
    verify = command("ledger", "verify", "--state", str(state))
    assert verify.returncode == 0, verify.stdout


def test_runs_killed_at_random_moments_still_pay_each_stipend_exactly_once(tmp_path):
    inbox = small_inbox(tmp_path)
    for delay in (0.4, 1.2, 2.0, 2.6):
        process = subprocess.Popen([str(COMMAND), "run", str(inbox), "--as-of", WEEK1, "--out", str(tmp_path / f"out-{delay}")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    final = run_week(inbox, WEEK2, "--out", str(tmp_path / "out-final"))
    assert final.returncode == 0, final.stderr
    delivered = [p for folder in tmp_path.glob("out-*") if (folder / "payments.xlsx").exists() for p in paid_ids(folder)]
    assert sorted(delivered) == [ALICIA_BROOKS]  # every stipend on exactly one delivered sheet
    assert ledger_rows(tmp_path / "state", "PRAGMA integrity_check") == [("ok",)]


def test_an_empty_ledger_file_is_given_the_schema(tmp_path):
    inbox = small_inbox(tmp_path)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "ledger.sqlite").write_bytes(b"")
    assert run_week(inbox, WEEK1).returncode == 0
    assert ledger_rows(tmp_path / "state", "SELECT max(version) FROM schema_version") == [(SCHEMA_VERSION,)]
    assert ledger_rows(tmp_path / "state", "SELECT count(*) FROM payments") == [(1,)]


def test_a_ledger_from_a_newer_version_is_refused_untouched(tmp_path):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / "ledger.sqlite") as db:
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    before = (state / "ledger.sqlite").read_bytes()
    refused = run_week(inbox, WEEK1)
    assert refused.returncode == 2 and "newer version" in refused.stderr
    assert (state / "ledger.sqlite").read_bytes() == before


def test_the_state_folder_can_be_moved(tmp_path):
    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK1, "--state", str(tmp_path / "elsewhere")).returncode == 0
    assert (tmp_path / "elsewhere" / "ledger.sqlite").is_file() and not (tmp_path / "state").exists()


def test_a_state_folder_that_cannot_be_used_stops_the_run_with_one_line(tmp_path):
    """A mistyped --state naming a file says so (it said only "File exists"); nothing is written."""
    inbox = small_inbox(tmp_path)
    (tmp_path / "not-a-folder").write_text("")
    refused = run_week(inbox, WEEK1, "--state", str(tmp_path / "not-a-folder"), "--out", str(tmp_path / "out"))
    assert refused.returncode == 2
    assert refused.stderr == (f"Error: cannot use the state folder {tmp_path / 'not-a-folder'}: it is a file, not a folder; "
                              "choose a folder with --state\n")
    assert not (tmp_path / "out").exists() and (tmp_path / "not-a-folder").read_text() == ""


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_state_naming_a_file_beside_delivered_sheets_says_it_is_a_file_not_that_the_ledger_is_lost(tmp_path, dry_run):
    """Beside the delivered payment sheets, a --state naming a file (a typo, the ledger's own file) was
    taken for a lost ledger: the run told to rebuild one "in" the file."""
    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK1).returncode == 0
    state_file = tmp_path / "state" / "ledger.sqlite"
    refused = run_week(inbox, WEEK2, "--state", str(state_file), *(["--dry-run"] if dry_run else []))
    assert refused.returncode == 2
    assert refused.stderr == (f"Error: cannot use the state folder {state_file}: it is a file, not a folder; "
                              "choose a folder with --state\n")


def test_outputs_that_cannot_be_written_stop_the_run_and_pay_nothing(tmp_path):
    inbox = small_inbox(tmp_path)
    (tmp_path / "blocked").write_text("a file where the output folder should be")
    failed = run_week(inbox, WEEK1, "--out", str(tmp_path / "blocked" / "out"))  # refused before the run (a full disk: test_ledger_recovery)
    assert failed.returncode == 2 and failed.stderr.startswith(f"Error: --out {tmp_path / 'blocked' / 'out'} lies inside ")
    assert not (tmp_path / "state").exists()  # nothing recorded
    again = run_week(inbox, WEEK1)
    assert again.returncode == 0 and paid_ids(out_folder(again)) == [ALICIA_BROOKS]


# --- several programs in one ledger (issue 8) ---------------------------------------------------


def test_each_payment_is_recorded_under_its_own_program(tmp_path, policy):
    result = programs_result(policy)
    with Ledger.open(tmp_path / "state") as ledger:
        run_id = ledger.record_pending(result, tmp_path / "out")
        ledger.record_completed(run_id, result, 0)
        recorded = ledger.payments()
    assert ledger_rows(tmp_path / "state", "SELECT payment_id, program, status FROM payments ORDER BY payment_id") == [
        ("P-1001-2001", "itss-coaching", "issued"), ("P-5001-6001", TIERED, "issued")]
    assert ledger_rows(tmp_path / "state", "SELECT program FROM runs") == [("itss-coaching",)]  # the run's default
    write_ledger_payments(recorded, tmp_path / "export.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "export.xlsx")["Payments"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Payment ID", "Status", "Issued On", "Program")
    assert [(r[0], r[3]) for r in rows[1:]] == [("P-1001-2001", "itss-coaching"), ("P-5001-6001", TIERED)]


def test_ledger_runs_names_every_program_a_run_covered(tmp_path, policy):
    """The Program column showed the run's default program alone for a run of three; a run recorded
    before the ledger kept them still shows its default."""
    result = programs_result(policy)
    with Ledger.open(tmp_path / "state") as ledger:
        ledger.record_completed(ledger.record_pending(result, tmp_path / "out"), result, 0)
        result.payments = result.payments.iloc[0:0]  # paid once
        ledger.record_pending(result, tmp_path / "out-killed")  # killed before it finished: known from its start
        ledger.db.execute("UPDATE runs SET counts = '{}' WHERE run_id = 1")  # as an earlier version recorded it
        ledger.record_completed(ledger.record_pending(result, tmp_path / "out-3"), result, 0)
    listed = command("ledger", "runs", "--state", str(tmp_path / "state"))
    assert listed.returncode == 0, listed.stderr
    every = f"itss-coaching, {MENTORING}, {TIERED}"
    assert [every in line for line in listed.stdout.splitlines()[1:]] == [False, True, True]
    assert listed.stdout.splitlines()[1].split()[2] == "itss-coaching"


def test_a_payment_frame_without_programs_is_recorded_under_the_runs_program(tmp_path, policy):
    result = programs_result(policy)
    result.payments = result.payments.drop(columns=["program", "amount_basis"])
    with Ledger.open(tmp_path / "state") as ledger:
        ledger.record_pending(result, tmp_path / "out")
    assert ledger_rows(tmp_path / "state", "SELECT DISTINCT program FROM payments") == [("itss-coaching",)]


def test_findings_come_back_with_their_pairs_program_under_the_runs_history(tmp_path, policy):
    result = programs_result(policy)
    with Ledger.open(tmp_path / "state") as ledger:
        ledger.record_completed(ledger.record_pending(result, tmp_path / "out"), result, 0)
        previous = ledger.previous_findings("itss-coaching")
        assert ledger.previous_findings(MENTORING) == {}  # the history is the run's (default program's)
    assert {key: f for key, (f, _) in previous.items()} == {finding_key(f): f for f in result.findings}
    assert {f.program for f, _ in previous.values()} == {"itss-coaching", MENTORING, "Mentorng", ""}
    assert {seen for _, seen in previous.values()} == {dt.date(2026, 11, 20)}


def test_a_version_1_ledger_is_migrated_and_its_findings_have_no_program(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    with sqlite3.connect(state / "ledger.sqlite") as db:
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        db.executescript(MIGRATIONS[0])
        db.execute("INSERT INTO schema_version VALUES (1, '2026-11-01')")
        db.execute("INSERT INTO findings VALUES ('itss-coaching', 'CELL-TYPE|Roster.xlsx|Staff|E4||', 'error', "
                   "'CELL-TYPE', 'Hire Date is not a date', 'Roster.xlsx', 'Staff', 'E4', '', '', '2026-11-13', "
                   "'2026-11-13', 1, NULL)")
    with Ledger.open(state) as ledger:
        assert ledger.version() == SCHEMA_VERSION >= 2
        previous = ledger.previous_findings("itss-coaching")
    [(old, first_seen)] = previous.values()
    assert (old.rule, old.cell, old.program, first_seen) == ("CELL-TYPE", "E4", "", dt.date(2026, 11, 13))


# --- confidential stays confidential on the real command (issue 8 item 6) ----------------------
# Both need the program rules of issue 8 (a reps pair, the feedback table); the second also needs
# cell findings that do not quote the value of a confidential table's cell.

SECRET = "Zq7-CONFIDENTIAL-MARKER"
AVA_SINCLAIR, BETH_SULLIVAN = "116733", "110452"  # a reps pair added to the small inbox
FEEDBACK_HEADER = ["Employee ID", "Role", "Coach ID", "Candidate ID", "Feedback Date", "Rating", "Comments"]


def confidential_inbox(root: Path, feedback: list[list], recommendation: dict[str, object]) -> Path:
    """The small inbox with a reps pair (Program column), a feedback workbook and one recommendation changed."""
    inbox = small_inbox(root)
    assignments = inbox / "Assignments and Planning.xlsx"
    workbook = openpyxl.load_workbook(assignments)
    sheet = workbook["Assignments"]
    header = [c.value for c in sheet[1]]
    sheet.cell(1, len(header) + 1, "Program")
    values = {"Candidate ID": AVA_SINCLAIR, "Candidate": "Ava Sinclair", "Coach ID": BETH_SULLIVAN,
              "Coach": "Beth Sullivan", "Assigned Date": dt.datetime(2025, 8, 25),
              "Planning Meeting Date": dt.datetime(2025, 9, 1), "Status": "Active", "Program": "Reps Coaching"}
    row = sheet.max_row + 1
    for col, name in enumerate([*header, "Program"], start=1):
        if name in values:
            sheet.cell(row, col, values[name])
    workbook.save(assignments)

    recommendations = inbox / "Coach Recommendations.xlsx"
    workbook = openpyxl.load_workbook(recommendations)
    sheet = workbook["Recommendations"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Prospective Coach ID")
    header = [c.value for c in sheet[header_row]]
    for name, value in recommendation.items():
        sheet.cell(header_row + 1, header.index(name) + 1, value)
    workbook.save(recommendations)

    write_workbook(inbox / "Reps Feedback 2026.xlsx", {"Feedback": [FEEDBACK_HEADER, *feedback]})
    return inbox


def test_feedback_and_recommendations_reach_no_output_of_a_real_run(tmp_path):
    """Comments and a reference name hold a marker; ratings are plain numbers. The run shows only when
    feedback arrived."""
    inbox = confidential_inbox(tmp_path, [
        [BETH_SULLIVAN, "Coach", BETH_SULLIVAN, AVA_SINCLAIR, dt.date(2026, 10, 5), 4, f"{SECRET} coach says"],
        [AVA_SINCLAIR, "Coachee", BETH_SULLIVAN, AVA_SINCLAIR, dt.date(2026, 10, 12), 2, f"{SECRET} coachee says"],
    ], {"Reference Name": f"{SECRET} reference"})
    completed = run_week(inbox, WEEK1)
    assert completed.returncode == 0, completed.stderr
    folder = out_folder(completed)
    texts = output_texts(folder)
    assert {"exceptions.xlsx", "payments.xlsx", "results.xlsx", "run.json"} <= set(texts)  # and the documents' folders
    for name, text in texts.items():
        assert SECRET not in text, name
    assert SECRET not in completed.stdout + completed.stderr
    # what the coordinator does see: the dates feedback arrived (waits for the lead's reps rules)
    pairs = openpyxl.load_workbook(folder / "results.xlsx")["Pairs"]
    table = list(pairs.iter_rows(values_only=True))
    ava = next(dict(zip(table[0], r)) for r in table[1:] if r[table[0].index("Candidate ID")] == AVA_SINCLAIR)
    assert ava["Program"] == "reps-coaching"
    assert (ava["Coach Feedback Received"], ava["Coachee Feedback Received"]) == (dt.datetime(2026, 10, 5), dt.datetime(2026, 10, 12))
    assert not any("rating" in str(h).lower() or "comment" in str(h).lower() for h in table[0])


def test_a_resolved_problem_is_listed_with_who_acted_on_it_and_its_fix(tmp_path):
    """The coachee's missing feedback, sent in the next week, is Resolved under the coachee (Coachee,
    what reps coaching calls its candidate) with the fix it had: it was listed with the catalogue's
    (Coach, "Send in this year's feedback form.")."""
    coach_feedback = [BETH_SULLIVAN, "Coach", BETH_SULLIVAN, AVA_SINCLAIR, dt.date(2026, 10, 5), 4, None]
    inbox = confidential_inbox(tmp_path, [coach_feedback], {})
    assert run_week(inbox, WEEK1).returncode == 0
    [missing] = find(exception_rows(tmp_path / "out" / WEEK1), "FEEDBACK-MISSING", **{"Candidate ID": AVA_SINCLAIR})
    assert (missing["Status"], missing["Who Acts"]) == ("New", "Coachee")
    write_workbook(inbox / "Reps Feedback 2026.xlsx", {"Feedback": [
        FEEDBACK_HEADER, coach_feedback, [AVA_SINCLAIR, "Coachee", BETH_SULLIVAN, AVA_SINCLAIR, dt.date(2026, 11, 24), 5, None]]})
    assert run_week(inbox, WEEK2).returncode == 0
    [resolved] = find(exception_rows(tmp_path / "out" / WEEK2), "FEEDBACK-MISSING", **{"Candidate ID": AVA_SINCLAIR})
    assert resolved["Status"] == "Resolved"
    assert (resolved["Who Acts"], resolved["Fix"]) == ("Coachee", missing["Fix"]) == ("Coachee", "Send in this year's feedback form as the coachee.")


def test_a_confidential_cell_with_a_wrong_value_is_reported_without_quoting_it(tmp_path):
    """A rating typed as words, or an overall recommendation that is not one of the choices, is a finding
    at its cell; its text is confidential and is not quoted in any output."""
    inbox = confidential_inbox(tmp_path, [
        [BETH_SULLIVAN, "Coach", BETH_SULLIVAN, AVA_SINCLAIR, dt.date(2026, 10, 5), f"{SECRET} rating", None],
    ], {"People Skills": f"{SECRET} people", "Overall Recommendation": f"{SECRET} overall"})
    completed = run_week(inbox, WEEK1)
    assert completed.returncode == 0, completed.stderr
    folder = out_folder(completed)
    for name, text in output_texts(folder).items():
        assert SECRET not in text, name
    rows = exception_rows(folder)
    assert find(rows, "CELL-TYPE", File="Reps Feedback 2026.xlsx", Cell="F2")
    assert find(rows, "CELL-ENUM", File="Coach Recommendations.xlsx")


def test_ledger_payments_prints_names_from_the_roster_as_short_plain_text(tmp_path):
    """The names a payment was recorded with come from roster cells: a NUL or a right-to-left override
    in one went to the terminal as it was (turning the rest of the row around), and a name of 2,000
    letters widened the whole table. Such a name is shown quoted and escaped, a long one cut short (the
    override, an invisible mark, is dropped when the roster is read, as from any typed text)."""
    from test_documents import completed_pairs_inbox

    inbox = completed_pairs_inbox(tmp_path, {"100": "Nul\x00Coach \u202eevil", "200": "W" * 2000})
    run_batch(RunOptions(inbox=inbox, as_of=dt.date(2026, 11, 20), program=("itss-coaching",), state=tmp_path / "state"))
    listed = command("ledger", "payments", "--state", str(tmp_path / "state"))
    assert listed.returncode == 0 and "1 issued, total $300.00" in listed.stdout
    assert all(line.isprintable() and len(line) < 200 for line in listed.stdout.splitlines())
    assert "'Nul\\x00Coach evil'" in listed.stdout and "W" * 30 in listed.stdout


def test_an_entry_inserted_above_a_wrong_total_hours_leaves_its_mismatch_open_since_it_was_first_seen(tmp_path):
    """A paper log's `Total Hours` says 2.00 h under 3.00 h of entries; the coach adds an entry above
    the footer, leaving its number as it was. The footer moved down a row and its message now says
    4.00 h: it is still the same wrong total, Open since week 1, not Resolved at its old cell and New
    at the next."""
    inbox = small_inbox(tmp_path)
    log = inbox / "Coach Log - Jordan Reyes (paper).xlsx"
    head = [["Candidate ID:", "113402", "Coach ID:", "104233"], [],
            ["Date", "Type of Contact", "Duration", "Brief Description of Contact"]]
    entries = [[dt.date(2026, 5, day), "Phone", 1, f"paper call {day}"] for day in (5, 12, 19)]
    write_workbook(log, {"Alicia Brooks": [*head, *entries, ["Total Hours", None, 2]]})
    week1 = find(exception_rows(out_folder(run_week(inbox, WEEK1))), "LOG-TOTAL-MISMATCH", File=log.name)
    assert [(r["Cell"], r["Status"]) for r in week1] == [("C7", "New")]
    added = [dt.date(2026, 5, 26), "Phone", 1, "paper call 26"]
    write_workbook(log, {"Alicia Brooks": [*head, *entries, added, ["Total Hours", None, 2]]})

    week2 = find(exception_rows(out_folder(run_week(inbox, WEEK2))), "LOG-TOTAL-MISMATCH", File=log.name)
    assert [(r["Cell"], r["Message"].split(" on this page")[0], r["Status"], r["First Seen"], r["Age (days)"]) for r in week2] == [
        ("C8", "Total Hours says 2.00 h but the entries add up to 4.00 h", "Open", dt.datetime(2026, 11, 20), 7)]


@pytest.mark.parametrize("edit", ["rows inserted", "workbooks renamed"])
def test_a_duplicate_entry_whose_row_or_workbook_moved_stays_open_since_it_was_first_seen(tmp_path, edit):
    """A coach log entry typed in two workbooks: LOG-DUPLICATE at the second, its message naming where
    the first is (`repeats the entry at A2 of sheet 'Alicia Brooks' in …`). A row inserted at the top
    of each sheet moves both, and next year's names for the workbooks change the name the message
    quotes: the duplicate is the same, Open since week 1, not Resolved and New."""
    inbox = small_inbox(tmp_path)
    first, second = inbox / EXTRA_LOG, inbox / "Coach Log - Jordan Reyes (extra) 2.xlsx"
    call = _alicia(dt.date(2026, 5, 4), "Phone", 1.0, "a call")
    other = _alicia(dt.date(2026, 5, 11), "Phone", 1.0, "b")
    write_workbook(first, {"Alicia Brooks": coach_log_rows([other, call])})
    write_workbook(second, {"Alicia Brooks": coach_log_rows([call])})
    week1 = find(exception_rows(out_folder(run_week(inbox, WEEK1))), "LOG-DUPLICATE")
    assert [(r["File"], r["Cell"], r["Status"]) for r in week1] == [(second.name, "A2", "New")]
    assert f"at A3 of sheet 'Alicia Brooks' in {first.name}" in week1[0]["Message"]
    if edit == "rows inserted":
        for log in (first, second):
            workbook = openpyxl.load_workbook(log)
            workbook["Alicia Brooks"].insert_rows(1)
            workbook.save(log)
    else:
        first, second = first.rename(inbox / "Jordan Reyes 2026-27 a.xlsx"), second.rename(inbox / "Jordan Reyes 2026-27 b.xlsx")

    week2 = find(exception_rows(out_folder(run_week(inbox, WEEK2))), "LOG-DUPLICATE")
    assert [(r["File"], r["Cell"], r["Status"], r["First Seen"], r["Age (days)"]) for r in week2] == [
        (second.name, "A3" if edit == "rows inserted" else "A2", "Open", dt.datetime(2026, 11, 20), 7)]


def test_a_duplicate_entry_reported_at_its_other_copy_after_a_log_is_split_stays_open(tmp_path):
    """Fatima Rahman's 2026-05-22 entry is in the Spring logs (A19) and again in the Summer logs (A2),
    LOG-DUPLICATE at the Summer copy. Her sheet and Isaac Morgan's are moved from the Spring workbook
    into a new `… part 2` one, read after the Summer one: the duplicate is reported at the other copy
    now, the same doubled entry, Open since week 1, not Resolved and New."""
    inbox = small_inbox(tmp_path)
    shutil.copy2(SAMPLES / "Candidate Logs - Summer 2026.xlsx", inbox)
    week1 = find(exception_rows(out_folder(run_week(inbox, WEEK1))), "LOG-DUPLICATE")
    assert [(r["File"], r["Sheet"], r["Cell"], r["Status"]) for r in week1] == [
        ("Candidate Logs - Summer 2026.xlsx", "Fatima Rahman (final pages)", "A2", "New")]
    spring, moved = inbox / "Candidate Logs - Spring 2026.xlsx", ("Fatima Rahman", "Isaac Morgan")
    kept, split = openpyxl.load_workbook(spring), openpyxl.load_workbook(spring)
    for name in kept.sheetnames:
        del (kept if name in moved else split)[name]
    kept.save(spring)
    split.save(inbox / "Candidate Logs - Spring 2026 part 2.xlsx")

    week2 = find(exception_rows(out_folder(run_week(inbox, WEEK2))), "LOG-DUPLICATE")
    assert [(r["File"], r["Sheet"], r["Cell"], r["Status"], r["First Seen"], r["Age (days)"]) for r in week2] == [
        ("Candidate Logs - Spring 2026 part 2.xlsx", "Fatima Rahman", "A19", "Open", dt.datetime(2026, 11, 20), 7)]


def test_a_roster_put_in_the_inbox_resolves_its_missing_table_while_the_assignments_stay_missing(tmp_path):
    """The two TABLE-MISSING errors (no roster, no assignments) are two findings in the weekly history:
    the roster added, its finding is Resolved and the other's stays Open (they shared one identity)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(SAMPLES / "Coach Log - Jordan Reyes.xlsx", inbox)
    assert run_week(inbox, WEEK1).returncode == 0
    shutil.copy2(SAMPLES / "Roster 2026.xlsx", inbox)
    week2 = run_week(inbox, WEEK2)
    assert week2.returncode == 0, week2.stderr
    missing = {row["Message"].split(" table")[0]: row["Status"] for row in find(exception_rows(out_folder(week2)), "TABLE-MISSING")}
    assert missing == {"No employees": "Resolved", "No assignments": "Open"}
