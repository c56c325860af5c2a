"""Pay once even when the ledger is lost, restored from an old copy, damaged, edited around, or kept on
a share (issue 10): the real command on a small inbox, each story ending with every stipend paid once."""

from __future__ import annotations

import csv
import errno
from datetime import date
import json
import os
import sqlite3
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from coaching_batch import recovery
from coaching_batch.errors import UsageError
from coaching_batch.ledger import KEEP_BACKUPS, Ledger, LedgerDamaged, backup_ledger, list_backups, state_lock
from coaching_batch.pipeline import RunOptions, run_batch
from test_ledger import (
    ALICIA_BROOKS, COMMAND, RYAN_PATEL, SAMPLES, WEEK1, WEEK2, WEEK3, _itss_copy, command, exception_rows, find, ledger_rows,
    out_folder, paid_ids, payment_sheet, request_payment, run_week, small_inbox,
)
from workbooks import write_ods
from coaching_batch.rules.pairs import payment_id

RYAN = payment_id("itss-coaching", *RYAN_PATEL)
MADE_UP = "PAY-0000DEADBEEF"


TWO_STIPENDS = ["Coach Log - Linda Marsh.xlsx", "Candidate Log - Ryan Patel.xlsx"]


def two_stipend_inbox(root: Path, ryan_requested: bool = False) -> Path:
    """The small inbox with Ryan Patel's logs too: Alicia Brooks's stipend payable, and Ryan Patel's once
    his coach's Request for Payment is in (``ryan_requested``, or :func:`request_ryan` later)."""
    inbox = small_inbox(root)
    for name in TWO_STIPENDS:
        shutil.copy2(SAMPLES / name, inbox / name)
    if ryan_requested:
        request_ryan(inbox, WEEK1)
    return inbox


def request_ryan(inbox: Path, signed: str = WEEK2) -> None:
    """His coach's Request for Payment, signed on ``signed`` (a run before that date does not have it yet)."""
    request_payment(inbox / "Assignments and Planning.xlsx", RYAN_PATEL[0], date.fromisoformat(signed))


def delivered(root: Path) -> list[str]:
    """Every Payment ID on every delivered (not dry-run) payment sheet under the root, as many times as listed."""
    ids = []
    for sheet in sorted(root.rglob("payments.xlsx")):
        run = json.loads((sheet.parent / "run.json").read_text())
        if not run.get("dry_run"):
            ids += paid_ids(sheet.parent)
    return sorted(ids)


def issued(state: Path) -> list[str]:
    return sorted(p for (p,) in ledger_rows(state, "SELECT payment_id FROM payments WHERE status = 'issued'"))


def remove_ledger(state: Path) -> None:
    for name in ("ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"):
        (state / name).unlink(missing_ok=True)


def one_error_line(completed: subprocess.CompletedProcess) -> str:
    assert completed.returncode == 2, completed.stdout + completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), completed.stderr
    return lines[0]


def ledger_command(*args: str, state: Path) -> subprocess.CompletedProcess:
    return command("ledger", *args, "--state", str(state))


def listed_runs(completed: subprocess.CompletedProcess) -> list[dict[str, str]]:
    """The rows `ledger runs` printed, each cell under its header (a blank cell is "")."""
    assert completed.returncode == 0, completed.stderr
    header, *rows = completed.stdout.splitlines()
    names = header.split("  ")  # two spaces between the columns, one inside a header ("As of")
    names = [name.strip() for name in names if name.strip()]
    starts = [header.index(name) for name in names] + [None]
    return [{name: row[start:end].strip() for name, start, end in zip(names, starts, starts[1:])} for row in rows]


# --- the ledger lost, emptied, damaged or restored from an old copy -----------------------------


def test_a_mistyped_from_folder_is_refused_by_rebuild_and_verify(tmp_path):
    """`--from` naming no folder was passed over: `ledger verify` said the ledger and the sheets agree
    (exit 0) without the sheets meant, and `ledger rebuild` rebuilt from the other folders only, leaving
    the payments on the sheets meant unknown to the ledger."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    assert run_week(inbox, WEEK1).returncode == 0
    typo = tmp_path / "S-Coaching-ot"
    assert "'--from'" in one_error_line(ledger_command("verify", "--from", str(typo), state=state))
    remove_ledger(state)
    refused = ledger_command("rebuild", "--from", str(tmp_path / "out"), "--from", str(typo), state=state)
    assert f"Directory '{typo}' does not exist" in one_error_line(refused)
    assert not (state / "ledger.sqlite").exists()


def test_the_rebuild_command_a_lost_ledger_names_can_be_pasted_with_spaces_in_its_folders(tmp_path):
    """A state folder "Coaching State" on its own, its outputs under "Coaching Out": the commands the
    Error: line gives, pasted into a shell, named folders that do not exist."""
    import shlex

    inbox = small_inbox(tmp_path)
    state, out = tmp_path / "Coaching State", tmp_path / "Coaching Out"
    assert run_week(inbox, WEEK1, "--state", str(state), "--out", str(out / WEEK1)).returncode == 0
    remove_ledger(state)
    error = one_error_line(run_week(inbox, WEEK2, "--state", str(state), "--out", str(out / WEEK2)))
    rebuild, restore = (part.split("`", 1)[0] for part in error.split("`coaching-batch ")[1:])
    assert shlex.split(rebuild) == ["ledger", "rebuild", "--state", str(state), "--from", str(out)]
    assert shlex.split(restore) == ["ledger", "restore", "FILE", "--state", str(state)]


def delete_payment_id_column(folder: Path) -> None:
    """Finance deleted the Payment ID column of a week's sheet (the IDs meant nothing to them)."""
    workbook = openpyxl.load_workbook(folder / "payments.xlsx")
    assert workbook["Payments"]["A1"].value == "Payment ID"
    workbook["Payments"].delete_cols(1)
    workbook.save(folder / "payments.xlsx")


def test_a_lost_ledger_is_rebuilt_from_a_sheet_whose_payment_id_column_finance_deleted_by_its_run_json(tmp_path):
    """The sheet still lists both payments, and the run.json beside it lists the same two with their IDs:
    the run said "(0 payments, …)" and rebuild refused it as having no Payment ID column, to be moved out
    of the folder "if it is not a payment sheet", which would have let both stipends be paid again."""
    inbox, state = two_stipend_inbox(tmp_path, ryan_requested=True), tmp_path / "state"
    week1 = out_folder(run_week(inbox, WEEK1))
    assert paid_ids(week1) == sorted([ALICIA_BROOKS, RYAN])
    delete_payment_id_column(week1)
    remove_ledger(state)
    assert "(2 payments, the latest run as of " in one_error_line(run_week(inbox, WEEK2))
    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "2 payments (its Payment ID column is gone: each one's ID taken from its run.json" in rebuilt.stdout
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])
    again = run_week(inbox, WEEK2)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == []


@pytest.mark.parametrize("run_json", ["deleted", "another payment"])
def test_a_sheet_whose_payment_id_column_is_gone_is_told_to_be_put_right_never_moved_away(tmp_path, run_json):
    """Without a run.json listing the sheet's own payments the IDs cannot be known: the run and rebuild
    say how many payments the sheet lists and to put the column back, not to move the sheet away."""
    inbox, state = two_stipend_inbox(tmp_path, ryan_requested=True), tmp_path / "state"
    week1 = out_folder(run_week(inbox, WEEK1))
    delete_payment_id_column(week1)
    if run_json == "deleted":
        (week1 / "run.json").unlink()
    else:  # the run.json of another week (copied over it), or finance deleted a row of the sheet too
        run = json.loads((week1 / "run.json").read_text())
        run["payments"] = run["payments"][:1]
        (week1 / "run.json").write_text(json.dumps(run))
    remove_ledger(state)
    error = one_error_line(run_week(inbox, WEEK2))
    assert "(2 payments, the latest run as of " in error
    assert f"the Payment ID column of {week1 / 'payments.xlsx'} is gone (2 payments listed without their IDs)" in error
    assert "never move a payment sheet out of the folder" in error
    refused = one_error_line(ledger_command("rebuild", state=state))
    assert "its Payment ID column is gone: it lists 2 payments without their IDs" in refused
    assert "put the Payment ID column back: from finance's copy of the sheet, or each payment's payment_id" in refused
    assert "if it is not a payment sheet" not in refused
    assert not (state / "ledger.sqlite").exists()


def test_a_deleted_ledger_stops_the_run_until_rebuilt_from_the_sheets_then_pays_only_what_was_never_paid(tmp_path):
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    remove_ledger(state)
    request_ryan(inbox)

    error = one_error_line(run_week(inbox, WEEK2))
    assert "found 1 delivered payment sheet" in error and "is missing" in error and "ledger rebuild" in error
    assert not (tmp_path / "out" / WEEK2).exists() and not (state / "ledger.sqlite").exists()  # nothing written

    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "1 payment recorded as issued ($300.00)" in rebuilt.stdout and "Voids cannot be known" in rebuilt.stdout
    assert f"{ALICIA_BROOKS}  issued {WEEK1}" in rebuilt.stdout
    # what a payment sheet cannot tell is blank, its inputs too (they showed 0 beside a blank Exit and Pairs)
    [listed] = listed_runs(ledger_command("runs", state=state))
    assert listed["As of"] == WEEK1 and listed["Paid"] == "1" and listed["Status"] == "completed"
    assert listed["Exit"] == listed["Inputs"] == listed["Pairs"] == listed["Errors"] == ""

    week2 = run_week(inbox, WEEK2)
    assert week2.returncode == 0, week2.stderr
    assert paid_ids(out_folder(week2)) == [RYAN]  # only what was never paid
    assert delivered(tmp_path) == sorted([ALICIA_BROOKS, RYAN]) == issued(state)
    assert ledger_command("verify", state=state).returncode == 0
    # Week 1's certificate was delivered as a PDF: the rebuilt ledger does not issue it again.
    week1_certificates = {p.name for p in (tmp_path / "out" / WEEK1 / "certificates").glob("*CERT-*.pdf")}
    week2_certificates = {p.name for p in (out_folder(week2) / "certificates").glob("*CERT-*.pdf")}
    assert week1_certificates and not week1_certificates & week2_certificates


def test_a_lost_ledger_is_not_rebuilt_without_the_sheets_of_earlier_weeks_moved_away(tmp_path):
    """Finance moved week 1's folder to its own archive; then the ledger was lost. The run stops on week 2's
    sheet and says to rebuild; `ledger rebuild` took week 2's sheet alone, and the next run paid week 1's
    stipend again. Week 2's run.json says what the ledger had paid before it: the rebuild names the payment
    no sheet lists and records nothing until the folder is given with --from."""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    request_ryan(inbox)
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == [RYAN]
    archive = tmp_path / "Finance archive"
    archive.mkdir()
    shutil.move(tmp_path / "out" / WEEK1, archive / WEEK1)
    shutil.rmtree(state)

    assert "ledger rebuild" in one_error_line(run_week(inbox, WEEK3))
    error = one_error_line(ledger_command("rebuild", state=state))
    assert f"{ALICIA_BROOKS} (paid by the run of {WEEK1})" in error and "--from DIR" in error
    assert not (state / "ledger.sqlite").exists()  # nothing rebuilt

    rebuilt = ledger_command("rebuild", "--from", str(tmp_path / "out"), "--from", str(archive), state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])


def _sheet_never_delivered(tmp_path) -> tuple[Path, Path]:
    """Week 2's run killed as its payment sheet appeared, that folder deleted, week 2 run again: Ryan Patel's
    payment PAYMENT-DELIVERY-UNCERTAIN, recorded as issued, on no sheet. (The inbox, the state folder.)"""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    request_ryan(inbox, WEEK1)
    assert run_week(inbox, WEEK2, env={"COACHING_BATCH_CRASH_AT": "outputs-written"}).returncode == -signal.SIGKILL
    shutil.rmtree(tmp_path / "out" / WEEK2)
    again = run_week(inbox, WEEK2)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == [] and "PAYMENT-DELIVERY-UNCERTAIN" in again.stdout
    return inbox, state


def _sheet_never_delivered_then_state_lost(tmp_path) -> tuple[Path, Path]:
    """:func:`_sheet_never_delivered`, then state/ deleted before anyone voided the payment: no sheet lists
    it, and finance has no copy. (The inbox, the state folder.)"""
    inbox, state = _sheet_never_delivered(tmp_path)
    shutil.rmtree(state)
    return inbox, state


def test_a_payment_whose_sheet_finance_never_got_is_not_stuck_when_the_ledger_is_lost_before_its_void(tmp_path):
    """The ledger lost before the payment no sheet lists was voided: `ledger rebuild` refused until finance's copy
    of its sheet was put back, and finance had none; without a ledger it could not be voided either. Put back
    nothing, rebuild with --record-unlisted records it as issued, line by line, and says to void it if finance
    never paid it; voided, the next run pays it once."""
    inbox, state = _sheet_never_delivered_then_state_lost(tmp_path)
    error = one_error_line(ledger_command("rebuild", state=state))
    assert f"{RYAN} (paid by the run of {WEEK2})" in error and "--record-unlisted" in error
    assert error.index("finance's copy") < error.index("--record-unlisted")  # the last resort
    assert not (state / "ledger.sqlite").exists()  # nothing rebuilt without the option

    rebuilt = ledger_command("rebuild", "--record-unlisted", state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    [line] = [line for line in rebuilt.stdout.splitlines() if line.startswith(f"  {RYAN}")]
    assert f"issued {WEEK2}" in line and f"coach {RYAN_PATEL[1]}" in line and f"candidate {RYAN_PATEL[0]}" in line
    assert "on no payment sheet" in line
    assert f"ledger void {RYAN}" in rebuilt.stdout
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])
    assert ledger_command("verify", state=state).returncode == 0

    voided = command("ledger", "void", RYAN, "--reason", "sheet never delivered", "--on", WEEK3, "--state", str(state))
    assert voided.returncode == 0, voided.stderr
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == [RYAN]  # paid once, now
    week4 = run_week(inbox, "2026-12-11")
    assert week4.returncode == 0, week4.stderr
    assert paid_ids(out_folder(week4)) == []
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])


def test_a_payment_recorded_with_record_unlisted_and_not_voided_is_never_paid_again(tmp_path):
    inbox, state = _sheet_never_delivered_then_state_lost(tmp_path)
    assert ledger_command("rebuild", "--record-unlisted", state=state).returncode == 0
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    assert delivered(tmp_path) == [ALICIA_BROOKS] and issued(state) == sorted([ALICIA_BROOKS, RYAN])


def test_a_run_on_an_older_ledger_stopped_for_a_payment_on_no_sheet_names_the_last_resort_which_pays_once(tmp_path):
    """As above, but the ledger put back from a copy older than week 2 instead of lost: the run stops naming the
    payment and told only to put its week's folder back, which is gone. It names the rebuild with
    --record-unlisted as the last resort; followed, the payment is voided and paid once."""
    inbox, state = _sheet_never_delivered(tmp_path)
    older = list_backups(state)[0]  # made before week 2's first run: it knows week 1 only
    assert ledger_command("restore", str(older), state=state).returncode == 0

    error = one_error_line(run_week(inbox, WEEK3))
    assert f"{RYAN} (paid by the run of {WEEK2})" in error
    assert error.index("finance's copy") < error.index("--record-unlisted")
    assert f"--state {state} --record-unlisted" in error and "voids this ledger holds are not kept" in error
    aside = tmp_path / "ledger restored.sqlite"
    shutil.move(state / "ledger.sqlite", aside)
    assert ledger_command("rebuild", "--record-unlisted", state=state).returncode == 0
    assert command("ledger", "void", RYAN, "--reason", "sheet never delivered", "--on", WEEK3, "--state",
                   str(state)).returncode == 0
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == [RYAN]
    assert delivered(tmp_path) == sorted([ALICIA_BROOKS, RYAN]) == issued(state)


def test_a_hand_edited_run_json_with_odd_payments_stops_rebuild_with_an_error_line_not_a_traceback(tmp_path):
    """Someone edited week 2's run.json: a Payment ID typed as a list, a date typed as a number. `ledger
    rebuild` crashed with a traceback; now it still names the payment no sheet lists and rebuilds nothing."""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    request_ryan(inbox)
    week2 = out_folder(run_week(inbox, WEEK2))
    shutil.rmtree(tmp_path / "out" / WEEK1)
    shutil.rmtree(state)
    run_json = week2 / "run.json"
    run = json.loads(run_json.read_text())
    run["paid_before"] += [{"payment_id": [MADE_UP], "paid_on": WEEK1}, {"payment_id": MADE_UP, "paid_on": 20260105}]
    run_json.write_text(json.dumps(run))

    error = one_error_line(ledger_command("rebuild", state=state))
    assert f"{ALICIA_BROOKS} (paid by the run of {WEEK1})" in error and f"{MADE_UP} (paid by the run of ?)" in error
    assert not (state / "ledger.sqlite").exists()  # nothing rebuilt


def _three_weeks_paid(tmp_path) -> tuple[Path, Path]:
    """Week 1 pays Alicia Brooks, week 2 Ryan Patel, week 3 no one. (The inbox, the state folder.)"""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    request_ryan(inbox)
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == [RYAN]
    assert paid_ids(out_folder(run_week(inbox, WEEK3))) == []
    return inbox, state


def test_rebuild_given_a_moved_week_with_from_reads_out_too_and_pays_nothing_twice(tmp_path):
    """Finance moved weeks 1 and 2 to archives of their own; the ledger was lost. The rebuild, told "give the
    folders holding those weeks' payment sheets with --from DIR", was given week 1's archive: it read that
    folder alone, not out/ (whose week-3 run.json says week 2 paid Ryan Patel), rebuilt, and the next run paid
    Ryan Patel again. out/ beside the state folder is read with every --from, as the README says."""
    inbox, state = _three_weeks_paid(tmp_path)
    first, second = tmp_path / "Archive 1", tmp_path / "Archive 2"
    first.mkdir(), second.mkdir()
    shutil.move(tmp_path / "out" / WEEK1, first / WEEK1)
    shutil.move(tmp_path / "out" / WEEK2, second / WEEK2)
    shutil.rmtree(state)

    error = one_error_line(ledger_command("rebuild", "--from", str(first), state=state))
    assert f"{RYAN} (paid by the run of {WEEK2})" in error and ALICIA_BROOKS not in error
    assert not (state / "ledger.sqlite").exists()  # nothing rebuilt
    rebuilt = ledger_command("rebuild", "--from", str(first), "--from", str(second), state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "3 delivered payment sheets" in rebuilt.stdout  # out/'s week 3 too
    week4 = run_week(inbox, "2026-12-11")
    assert week4.returncode == 0, week4.stderr
    assert paid_ids(out_folder(week4)) == []
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])


def test_a_ledger_restored_from_before_a_week_moved_away_stops_the_run_instead_of_paying_it_again(tmp_path):
    """The ledger put back from a copy older than week 2, whose folder finance had moved to its own archive: the
    run read week 3's sheet and week 1's, knew nothing of Ryan Patel's payment and paid it again. Week 3's
    run.json says week 2 paid it: the run (and a dry run) stops naming it, with no backup made, until the
    folder is back; then nothing is paid twice."""
    inbox, state = _three_weeks_paid(tmp_path)
    older = list_backups(state)[0]  # made before week 2's run: it knows week 1 only
    assert ledger_command("restore", str(older), state=state).returncode == 0
    archive = tmp_path / "Finance archive"
    archive.mkdir()
    shutil.move(tmp_path / "out" / WEEK2, archive / WEEK2)
    backups = list_backups(state)

    week4 = "2026-12-11"
    for extra in (["--dry-run"], []):
        error = one_error_line(run_week(inbox, week4, *extra))
        assert f"{RYAN} (paid by the run of {WEEK2})" in error and "would pay it again" in error
    assert list_backups(state) == backups and not (tmp_path / "out" / week4).exists()
    shutil.move(archive / WEEK2, tmp_path / "out" / WEEK2)
    again = run_week(inbox, week4)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == []
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])


def test_a_deleted_ledger_with_backups_left_names_the_newest_to_restore_and_restoring_it_pays_once(tmp_path):
    """The ledger deleted, its backups still in state/backups/: the Error: line said only `restore FILE`,
    so the clerk rebuilt from the sheets and lost the voids and the findings' history the backups keep."""
    import shlex

    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    request_ryan(inbox)
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == [RYAN]  # its first step backed up week 1's ledger
    [newest] = list_backups(state)
    remove_ledger(state)

    error = one_error_line(run_week(inbox, WEEK3))
    restore = error.split("`coaching-batch ")[1].split("`", 1)[0]
    assert shlex.split(restore) == ["ledger", "restore", str(newest), "--state", str(state)]
    assert "ledger rebuild" in error
    assert ledger_command(*shlex.split(restore)[1:-2], state=state).returncode == 0
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []  # Ryan Patel's, which the backup lacks, is recovered from week 2's sheet
    assert delivered(tmp_path) == sorted([ALICIA_BROOKS, RYAN]) == issued(state)


def test_a_deleted_ledger_of_weeks_written_with_out_elsewhere_is_rebuilt_not_restored_and_pays_once(tmp_path):
    """The weeks go to reports/<date>/ with --out: a backup knows the folders of the runs before it,
    not the latest one, which only the ledger points a run to. The Error: line offered to restore the
    newest backup, and the run after it paid week 2's stipend a second time."""
    import shlex

    inbox = two_stipend_inbox(tmp_path)
    reports, state = tmp_path / "reports", tmp_path / "state"

    def week(as_of: str):
        return run_week(inbox, as_of, "--state", str(state), "--out", str(reports / as_of))

    assert paid_ids(out_folder(week(WEEK1))) == [ALICIA_BROOKS]
    request_ryan(inbox)
    assert paid_ids(out_folder(week(WEEK2))) == [RYAN]
    assert list_backups(state)  # week 1's ledger
    remove_ledger(state)

    error = one_error_line(week(WEEK3))
    assert "ledger restore" not in error.split("(or")[0]
    first = shlex.split(error.split("`coaching-batch ")[1].split("`", 1)[0])
    assert first == ["ledger", "rebuild", "--state", str(state), "--from", str(reports)]
    assert command(*first).returncode == 0
    week3 = week(WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(reports / WEEK3) == []
    assert delivered(tmp_path) == sorted([ALICIA_BROOKS, RYAN]) == issued(state)


def test_a_week_zipped_away_stops_a_lost_ledger_and_its_rebuild_until_unzipped(tmp_path):
    """IT zipped an old week's folder (out/<week>.zip) and the ledger was then lost: the rebuild read the
    other weeks only and the next run paid the zipped week's stipends again; with every week zipped, the
    run did not even stop."""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    out = tmp_path / "out"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    request_ryan(inbox)
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == [RYAN]
    shutil.make_archive(str(out / WEEK1), "zip", out, WEEK1)
    shutil.rmtree(out / WEEK1)
    remove_ledger(state)

    refused = one_error_line(ledger_command("rebuild", state=state))
    assert f"{out / WEEK1}.zip holds payment sheets (payments.xlsx) zipped away" in refused and "Unzip it" in refused
    assert not (state / "ledger.sqlite").exists()
    shutil.make_archive(str(out / WEEK2), "zip", out, WEEK2)
    shutil.rmtree(out / WEEK2)
    assert "zipped away" in one_error_line(run_week(inbox, WEEK3))  # nothing but zips: the run stops too

    for week in (WEEK1, WEEK2):  # unzipped where they are, the zips kept
        shutil.unpack_archive(out / f"{week}.zip", out)
    assert ledger_command("rebuild", state=state).returncode == 0
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])


def test_a_mistyped_state_beside_weeks_written_with_out_elsewhere_pays_nothing_again(tmp_path):
    """The weeks go to reports/<date>/ with --out, not to out/: a --state typed wrong one week (a new,
    empty ledger) is refused all the same, dry run or not, since the sheets beside the week's folder
    were delivered; `ledger rebuild --from` that folder is what the line says to do."""
    inbox = small_inbox(tmp_path)
    reports, state = tmp_path / "reports", tmp_path / "state"
    week1 = run_week(inbox, WEEK1, "--state", str(state), "--out", str(reports / WEEK1))
    assert paid_ids(reports / WEEK1) == [ALICIA_BROOKS], week1.stderr
    for dry in ([], ["--dry-run"]):
        error = one_error_line(run_week(inbox, WEEK2, "--state", str(tmp_path / "stat"), "--out", str(reports / WEEK2), *dry))
        assert f"found 1 delivered payment sheet under {reports}" in error and "is missing" in error
        assert f"--from {reports}" in error
        assert not (reports / WEEK2).exists() and not (tmp_path / "stat" / "ledger.sqlite").exists()
    again = run_week(inbox, WEEK2, "--state", str(state), "--out", str(reports / WEEK2))
    assert again.returncode == 0 and paid_ids(reports / WEEK2) == []
    # a second school's inbox, with a ledger of its own, may keep its first week beside them
    (tmp_path / "school b").mkdir()
    other = small_inbox(tmp_path / "school b")
    first = run_week(other, WEEK2, "--state", str(tmp_path / "school b" / "state"), "--out", str(reports / f"b {WEEK2}"))
    assert first.returncode == 0, first.stderr
    assert paid_ids(reports / f"b {WEEK2}") == [ALICIA_BROOKS]


def test_a_mistyped_state_is_told_to_give_the_ledgers_folder_before_rebuilding_a_second_ledger(tmp_path):
    """A week run with --state typed wrong (`stat` for `state`): the line says first to give the ledger's
    folder, not only to rebuild a ledger there (a second ledger, without the findings' history, the
    voids or the notices sent)."""
    inbox = small_inbox(tmp_path)
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    error = one_error_line(run_week(inbox, WEEK2, "--state", str(tmp_path / "stat")))
    assert "is missing" in error
    assert "If the ledger is in another folder (a mistyped --state), give that folder with --state. Else: " \
           "rebuild the ledger from the sheets" in error
    assert not (tmp_path / "stat" / "ledger.sqlite").exists()


def test_a_rebuilt_ledger_keeps_a_payment_voided_and_paid_again_as_voided_then_in_force(tmp_path):
    """Alicia Brooks's $300 is voided by finance and paid again at $350 the next week; the ledger is lost.
    The rebuilt ledger records the $350 payment as the one in force and the $300 one as voided, as the
    lost ledger had them (it recorded the voided $300 and dropped the $350 one, and verify agreed)."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    assert ledger_command("void", ALICIA_BROOKS, "--reason", "returned by the bank", state=state).returncode == 0
    raised = str(_itss_copy(tmp_path, "itss-coaching", 350))
    assert paid_ids(out_folder(run_week(inbox, WEEK2, "--program", raised))) == [ALICIA_BROOKS]
    history = "SELECT payment_id, status, issued_on, amount FROM payments ORDER BY id"
    before = ledger_rows(state, history)
    assert before == [(ALICIA_BROOKS, "voided", WEEK1, 300.0), (ALICIA_BROOKS, "issued", WEEK2, 350.0)]
    remove_ledger(state)

    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert ledger_rows(state, history) == before
    assert ledger_rows(state, "SELECT voided_on FROM payments WHERE status = 'voided'") == [(WEEK2,)]  # voided by then
    assert "1 payment recorded as issued ($350.00)" in rebuilt.stdout and "1 paid again later recorded as voided" in rebuilt.stdout
    assert f"{ALICIA_BROOKS}  issued {WEEK1}  coach 104233  candidate 113402  $300.00  voided: paid again as of {WEEK2}" in rebuilt.stdout
    assert "the later payment is recorded as the one in force and the earlier one as voided" in rebuilt.stdout
    payments = ledger_command("payments", state=state).stdout
    assert "1 issued, total $350.00; 1 voided" in payments
    assert ledger_command("verify", state=state).returncode == 0
    assert paid_ids(out_folder(run_week(inbox, WEEK3, "--program", raised))) == []


def _paid_then_restored_to_before(tmp_path) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """Alicia Brooks paid in week 1 and Ryan Patel in week 2, then the ledger restored from a copy made
    between them (it knows nothing of Ryan's payment): the inbox, the state folder, the restore."""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    old_copy = tmp_path / "last month.sqlite"
    assert ledger_command("backup", str(old_copy), state=state).returncode == 0
    request_ryan(inbox)
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == [RYAN]
    assert len(list_backups(state)) == 1  # the run copied the ledger first
    restored = ledger_command("restore", str(old_copy), state=state)
    assert restored.returncode == 0, restored.stderr
    return inbox, state, restored


def test_a_ledger_replaced_by_last_months_backup_never_pays_again(tmp_path):
    inbox, state, restored = _paid_then_restored_to_before(tmp_path)
    assert "restored from" in restored.stdout and "kept as" in restored.stdout
    assert issued(state) == [ALICIA_BROOKS]  # the old copy knows nothing of Ryan Patel's payment
    behind = ledger_command("verify", state=state)
    assert behind.returncode == 1 and RYAN in behind.stdout and f"out/{WEEK2}/payments.xlsx" in behind.stdout

    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    [recovered] = find(exception_rows(out_folder(week3)), "PAYMENT-RECOVERED")
    assert recovered["Severity"] == "Warning" and recovered["File"] == f"out/{WEEK2}/payments.xlsx"
    assert RYAN in recovered["Message"] and recovered["Candidate ID"] == RYAN_PATEL[0]
    assert ledger_rows(state, f"SELECT status, issued_on FROM payments WHERE payment_id = '{RYAN}'") == [("issued", WEEK2)]
    assert delivered(tmp_path) == sorted([ALICIA_BROOKS, RYAN]) == issued(state)
    assert ledger_command("verify", state=state).returncode == 0


def test_a_sheet_finance_renamed_and_titled_still_keeps_an_old_ledger_from_paying_again(tmp_path):
    """Finance renamed the sheet tab and put a title above the table: the sheet was "unreadable", so a
    ledger restored from an older copy paid its stipend a second time."""
    inbox, state, _ = _paid_then_restored_to_before(tmp_path)
    sheet_file = tmp_path / "out" / WEEK2 / "payments.xlsx"
    workbook = openpyxl.load_workbook(sheet_file)
    workbook["Payments"].title = "Paid Oct"
    workbook["Paid Oct"].insert_rows(1, 2)
    workbook["Paid Oct"]["A1"] = "Approved for payment"
    workbook.save(sheet_file)

    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    [recovered] = find(exception_rows(out_folder(week3)), "PAYMENT-RECOVERED")
    assert (recovered["Sheet"], recovered["Cell"]) == ("Paid Oct", "A4") and RYAN in recovered["Message"]
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])


def test_a_sheet_finance_renamed_in_its_folder_still_keeps_a_lost_ledger_from_paying_again(tmp_path):
    """Finance renamed week 1's payments.xlsx where it was ("Payments week 47 - approved.xlsx"), then the
    ledger was lost: the run and `ledger rebuild` passed the renamed sheet over, and the rebuilt ledger
    paid its stipend (and drew its certificate) a second time. The ledger export saved into a week's
    folder is not taken for its sheet: it lists voided payments too."""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    week1 = out_folder(run_week(inbox, WEEK1))
    assert paid_ids(week1) == [ALICIA_BROOKS]
    (week1 / "payments.xlsx").rename(week1 / "Payments week 47 - approved.xlsx")
    assert ledger_command("export", str(week1 / "payments-ledger.xlsx"), state=state).returncode == 0
    remove_ledger(state)
    request_ryan(inbox)

    error = one_error_line(run_week(inbox, WEEK2))
    assert "found 1 delivered payment sheet" in error and "is missing" in error
    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Payments week 47 - approved.xlsx" in rebuilt.stdout and f"{ALICIA_BROOKS}  issued {WEEK1}" in rebuilt.stdout

    week2 = run_week(inbox, WEEK2)
    assert week2.returncode == 0, week2.stderr
    assert paid_ids(out_folder(week2)) == [RYAN]
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])
    week1_certificates = {p.name for p in (week1 / "certificates").glob("*CERT-*.pdf")}
    assert week1_certificates and not week1_certificates & {p.name for p in (out_folder(week2) / "certificates").glob("*CERT-*.pdf")}
    assert recovery.renamed_sheet(week1, ["run.json", "payments-ledger.xlsx"]) is None


def test_a_damaged_sheet_an_old_ledger_never_knew_stops_the_run_until_put_back_and_pays_nothing_twice(tmp_path):
    """A ledger restored from a copy older than a delivered sheet that can no longer be read: the
    run paid that sheet's stipend again with only a warning. It stops, naming the sheet and the
    backup that knows its run, and once the sheet is back it pays nothing twice."""
    inbox, state, _ = _paid_then_restored_to_before(tmp_path)
    sheet_file = tmp_path / "out" / WEEK2 / "payments.xlsx"
    delivered_copy = sheet_file.read_bytes()
    sheet_file.write_bytes(delivered_copy[:3000])  # cut short by a sync client
    backups = list_backups(state)

    for extra in ((), ("--dry-run",)):
        error = one_error_line(run_week(inbox, WEEK3, *extra))
        assert f"cannot read the delivered payment sheet {sheet_file}" in error
        assert "has no record of the run that wrote it" in error and "nothing was paid" in error
        assert f"ledger restore {backups[-1]} --state {state}" in error  # the ledger `restore` replaced knows it
    assert not (tmp_path / "out" / WEEK3).exists() and list_backups(state) == backups  # nothing written

    sheet_file.write_bytes(delivered_copy)
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    [recovered] = find(exception_rows(out_folder(week3)), "PAYMENT-RECOVERED")
    assert RYAN in recovered["Message"]
    assert delivered(tmp_path) == sorted([ALICIA_BROOKS, RYAN]) == issued(state)


def test_a_sheet_finance_saved_again_as_csv_or_ods_still_keeps_an_old_ledger_from_paying_again(tmp_path):
    """Only files named exactly payments.xlsx were looked for: the same sheet saved by LibreOffice as
    .ods (or .xls, .csv) in its place was passed over, and a ledger restored from an older copy paid
    its stipend again. A CSV copy stops the run, saying to save it back; an .ods is read as it is."""
    inbox, state, _ = _paid_then_restored_to_before(tmp_path)
    week2 = tmp_path / "out" / WEEK2
    rows = payment_sheet(week2)
    (week2 / "payments.xlsx").unlink()
    with open(week2 / "payments.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(rows)

    error = one_error_line(run_week(inbox, WEEK3))
    assert f"{week2 / 'payments.csv'} (a CSV copy" in error and "save it as payments.xlsx" in error
    assert not (tmp_path / "out" / WEEK3).exists()

    (week2 / "payments.csv").unlink()
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                    for v in (RYAN, *RYAN_PATEL[::-1]))
    write_ods(week2 / "Payments.ods", ["Payment ID", "Coach ID", "Candidate ID"], f"<table:table-row>{cells}</table:table-row>")
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    [recovered] = find(exception_rows(out_folder(week3)), "PAYMENT-RECOVERED")
    assert recovered["File"] == f"out/{WEEK2}/Payments.ods" and RYAN in recovered["Message"]
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])


def test_a_damaged_sheet_of_a_run_the_ledger_knows_is_a_warning_and_the_run_goes_on(tmp_path):
    inbox = two_stipend_inbox(tmp_path)
    run_week(inbox, WEEK1)
    request_ryan(inbox)
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == [RYAN]
    sheet_file = tmp_path / "out" / WEEK2 / "payments.xlsx"
    sheet_file.write_bytes(sheet_file.read_bytes()[:3000])

    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    [unreadable] = find(exception_rows(out_folder(week3)), "PAYMENT-SHEET-UNREADABLE")
    assert unreadable["Severity"] == "Warning" and unreadable["File"] == f"out/{WEEK2}/payments.xlsx"


def test_a_dry_run_checks_the_delivered_sheets_as_the_real_run_does_and_records_nothing(tmp_path):
    """A dry run shows what the real run would write: after an old copy is restored, a stipend on a
    delivered sheet is recovered, not listed as payable; with the ledger gone it stops as the real run does."""
    inbox, state, _ = _paid_then_restored_to_before(tmp_path)
    ledger, backups = (state / "ledger.sqlite").read_bytes(), list_backups(state)

    dry = run_week(inbox, WEEK3, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert paid_ids(out_folder(dry)) == []
    [recovered] = find(exception_rows(out_folder(dry)), "PAYMENT-RECOVERED")
    assert RYAN in recovered["Message"] and "a real run records it as issued" in recovered["Message"]
    assert (state / "ledger.sqlite").read_bytes() == ledger and list_backups(state) == backups  # nothing recorded
    assert issued(state) == [ALICIA_BROOKS]

    remove_ledger(state)
    error = one_error_line(run_week(inbox, WEEK3, "--dry-run"))
    assert "found 2 delivered payment sheets" in error and "ledger rebuild" in error
    assert not (state / "ledger.sqlite").exists()


def test_payment_sheets_in_a_folder_a_year_inside_out_protect_a_lost_ledger(tmp_path):
    """--out out/2026/<as-of>: two folders inside out/, read like out/<as-of>/ (no warning, the run refused)."""
    inbox = two_stipend_inbox(tmp_path)
    state = tmp_path / "state"
    week1 = run_week(inbox, WEEK1, "--out", str(tmp_path / "out" / "2026" / WEEK1))
    assert paid_ids(out_folder(week1)) == [ALICIA_BROOKS]
    assert not find(exception_rows(out_folder(week1)), "PAYMENT-SHEET-ELSEWHERE")
    remove_ledger(state)
    request_ryan(inbox)

    error = one_error_line(run_week(inbox, WEEK2, "--out", str(tmp_path / "out" / "2026" / WEEK2)))
    assert "found 1 delivered payment sheet" in error and "is missing" in error
    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0 and f"{ALICIA_BROOKS}  issued {WEEK1}" in rebuilt.stdout
    week2 = run_week(inbox, WEEK2, "--out", str(tmp_path / "out" / "2026" / WEEK2))
    assert paid_ids(out_folder(week2)) == [RYAN]
    assert delivered(tmp_path) == sorted([ALICIA_BROOKS, RYAN]) == issued(state)


def test_sheet_paths_finds_each_payment_sheet_at_any_depth_once(tmp_path):
    out = tmp_path / "out"
    sheets = [out / WEEK1 / "payments.xlsx", out / "2026" / WEEK2 / "payments.xlsx",
              out / "old" / "2026" / WEEK3 / "payments.xlsx"]
    for sheet in sheets:
        (sheet.parent / "certificates").mkdir(parents=True)
        (sheet.parent / "certificates" / "payments.pdf").touch()
        sheet.touch()
    (out / "payments.xlsx").mkdir()  # a folder of that name is not a sheet
    remembered = [out / "2026" / WEEK2, tmp_path / "elsewhere"]  # an output folder inside out/ is walked once
    assert sorted(recovery.sheet_paths([out, *remembered])) == sorted(sheets)


def test_an_empty_ledger_file_beside_delivered_sheets_stops_the_run_until_rebuilt(tmp_path):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    remove_ledger(state)
    (state / "ledger.sqlite").write_bytes(b"")
    error = one_error_line(run_week(inbox, WEEK2))
    assert "is empty" in error and "ledger rebuild" in error
    assert (state / "ledger.sqlite").read_bytes() == b"" and not (tmp_path / "out" / WEEK2).exists()
    assert ledger_command("rebuild", state=state).returncode == 0
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == []
    assert delivered(tmp_path) == [ALICIA_BROOKS] == issued(state)


def test_a_corrupt_ledger_stops_the_run_naming_restore_and_rebuild_and_a_backup_brings_it_back(tmp_path):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    run_week(inbox, WEEK2)  # its first step backs up the ledger of week 1
    remove_ledger(state)
    (state / "ledger.sqlite").write_bytes(b"this is not a database, a sync client wrote over it " * 100)
    error = one_error_line(run_week(inbox, WEEK3))
    assert "damaged" in error and "ledger restore" in error and "ledger rebuild" in error
    assert not (tmp_path / "out" / WEEK3).exists()
    damaged = ledger_command("verify", state=state)
    assert damaged.returncode == 1 and "damaged" in damaged.stdout

    [backup] = list_backups(state)
    assert ledger_command("restore", str(backup), state=state).returncode == 0
    week3 = run_week(inbox, WEEK3)
    assert week3.returncode == 0, week3.stderr
    assert paid_ids(out_folder(week3)) == []
    assert delivered(tmp_path) == [ALICIA_BROOKS] == issued(state)
    assert list((state / "backups").glob("damaged-*.sqlite"))  # the damaged file is kept, not deleted


def test_a_corrupt_ledgers_commands_name_its_state_folder_and_newest_backup(tmp_path):
    """The Error: line gave `ledger restore FILE` and `ledger rebuild` without --state: pasted in any
    folder but the one holding state/, they restored into or rebuilt another ledger (the ledger
    commands' default is the current folder's state/), and the backup to put back was left to find."""
    import shlex

    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    run_week(inbox, WEEK2)
    [backup] = list_backups(state)
    (state / "ledger.sqlite").write_bytes(b"this is not a database, a sync client wrote over it " * 100)
    error = one_error_line(run_week(inbox, WEEK3))
    restore, rebuild = (shlex.split(part.split("`", 1)[0]) for part in error.split("`coaching-batch ")[1:])
    assert restore == ["ledger", "restore", str(backup), "--state", str(state)]
    assert rebuild == ["ledger", "rebuild", "--state", str(state)]


def test_another_programs_database_in_place_of_the_ledger_is_refused_and_rebuild_keeps_it(tmp_path):
    """A ledger.sqlite that is another program's database (tables, no schema version) is not an empty
    ledger: the run says what it is, and `ledger rebuild` moves it aside whole rather than deleting it."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    remove_ledger(state)
    with sqlite3.connect(state / "ledger.sqlite") as other:
        other.execute("CREATE TABLE notes (body TEXT)")
        other.execute("INSERT INTO notes VALUES ('the other program keeps this')")
    other.close()
    for args in ((), ("--dry-run",)):
        error = one_error_line(run_week(inbox, WEEK2, *args))
        assert "not a coaching-batch ledger" in error and "notes" in error and "ledger rebuild" in error
    verify = ledger_command("verify", state=state)
    assert verify.returncode == 1 and "not a coaching-batch ledger" in verify.stdout and "schema version" not in verify.stdout

    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0 and not rebuilt.stderr, rebuilt.stderr
    [kept] = (state / "backups").glob("damaged-*.sqlite")
    with sqlite3.connect(kept) as other:
        assert other.execute("SELECT body FROM notes").fetchall() == [("the other program keeps this",)]
    other.close()
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == []
    assert delivered(tmp_path) == [ALICIA_BROOKS] == issued(state)


def test_a_folder_named_like_the_ledger_stops_a_dry_run_too_and_rebuild_says_plainly_what_it_moved(tmp_path):
    """A folder in the ledger file's place is not a missing ledger: a dry run counted nothing as paid
    and previewed every stipend again. `ledger rebuild` names what was wrong with what it moved aside,
    not the whole error of a run (which told to rebuild)."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    run_week(inbox, WEEK1)
    remove_ledger(state)
    (state / "ledger.sqlite").mkdir()
    for args in (("--dry-run",), ()):
        error = one_error_line(run_week(inbox, WEEK2, *args))
        assert "a folder of that name" in error and "ledger rebuild" in error
    assert not list((tmp_path / "out").glob(f"{WEEK2}*"))
    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    moved = rebuilt.stdout.splitlines()[0]
    assert moved.startswith("The damaged ledger (a folder of that name, not the ledger's file) was moved to ")
    assert paid_ids(out_folder(run_week(inbox, WEEK2))) == []
    assert delivered(tmp_path) == [ALICIA_BROOKS] == issued(state)


def test_garbled_pages_behind_an_intact_header_are_found_before_anything_is_written(tmp_path):
    state = tmp_path / "state"
    with Ledger.open(state) as ledger:
        ledger.db.execute("CREATE TABLE filler (x TEXT)")
        ledger.db.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(200)])
        ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray((state / "ledger.sqlite").read_bytes())
    data[8192:40960] = b"\xff" * (40960 - 8192)  # pages 3-10 overwritten, the header page untouched
    (state / "ledger.sqlite").write_bytes(bytes(data))
    with pytest.raises(LedgerDamaged, match="ledger restore"):
        recovery.open_for_run(state, tmp_path / "out", date.fromisoformat(WEEK1))
    assert not (state / "backups").exists()  # a damaged ledger is not backed up over the good copies


# --- the payment sheets edited by hand -----------------------------------------------------------


def test_a_payment_sheet_edited_by_hand_is_reported_and_never_makes_a_payment(tmp_path):
    inbox = two_stipend_inbox(tmp_path, ryan_requested=True)
    state = tmp_path / "state"
    week1 = out_folder(run_week(inbox, WEEK1))
    assert sorted(paid_ids(week1)) == sorted([ALICIA_BROOKS, RYAN])
    workbook = openpyxl.load_workbook(week1 / "payments.xlsx")
    sheet = workbook["Payments"]
    removed = sheet.cell(2, 1).value
    sheet.delete_rows(2)  # a row removed
    sheet.insert_rows(2)
    sheet.cell(2, 1, MADE_UP)  # a row added with a made-up Payment ID
    sheet.cell(2, 2, RYAN_PATEL[1])
    sheet.cell(2, 4, RYAN_PATEL[0])
    workbook.save(week1 / "payments.xlsx")

    week2 = run_week(inbox, WEEK2)
    assert week2.returncode == 0, week2.stderr
    rows = exception_rows(out_folder(week2))
    [missing] = find(rows, "PAYMENT-SHEET-ROW-MISSING")
    assert removed in missing["Message"] and missing["File"] == f"out/{WEEK1}/payments.xlsx"
    [unknown] = find(rows, "PAYMENT-SHEET-UNKNOWN-ID")
    assert MADE_UP in unknown["Message"] and unknown["Cell"] == "A2" and unknown["Severity"] == "Warning"
    assert paid_ids(out_folder(week2)) == []  # neither the removed row nor the made-up one is paid
    assert ledger_rows(state, f"SELECT count(*) FROM payments WHERE payment_id = '{MADE_UP}'") == [(0,)]
    assert issued(state) == sorted([ALICIA_BROOKS, RYAN])  # each paid once, and the made-up ID never recorded
    assert delivered(tmp_path) == sorted([p for p in (ALICIA_BROOKS, RYAN) if p != removed] + [MADE_UP])
    verify = ledger_command("verify", state=state)
    assert verify.returncode == 1 and removed in verify.stdout and MADE_UP in verify.stdout


def test_a_payment_sheet_sorted_with_its_total_row_on_top_still_lists_every_payment(tmp_path):
    """Finance sorted the sheet by Amount, largest first: the Total row comes first, a blank row between."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Payments"
    sheet.append(["Payment ID", "Coach ID", "Coach Name", "Candidate ID", "Candidate Name", "Amount"])
    sheet.append(["Total", None, None, None, None, 900])
    sheet.append([ALICIA_BROOKS, "104233", "Linda Marsh", "113402", "Alicia Brooks", 300])
    sheet.append([])
    sheet.append([RYAN, RYAN_PATEL[1], "", RYAN_PATEL[0], "Ryan Patel", 300])
    sheet.append([MADE_UP, "1", "", "2", "", 300])
    workbook.save(tmp_path / "payments.xlsx")
    read = recovery.read_sheet(tmp_path / "payments.xlsx")
    assert not read.error and [(r.payment_id, r.row) for r in read.rows] == [(ALICIA_BROOKS, 3), (RYAN, 5), (MADE_UP, 6)]
    assert read.rows[1].values["candidate_id"] == RYAN_PATEL[0] and read.rows[1].values["amount"] == 300


# --- a full disk, a folder turned read-only --------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A real 48 KiB file system (tmpfs) where the machine allows mounting one."""
    folder = tmp_path / "share"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root?)")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_disk_that_fills_up_mid_run_loses_nothing_and_the_next_run_pays_once(tmp_path, small_disk):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    error = one_error_line(run_week(inbox, WEEK1, "--out", str(small_disk / WEEK1)))
    assert "cannot write the outputs" in error and "No space left on device" in error
    assert not (small_disk / WEEK1 / "payments.xlsx").exists()
    assert [p.name for p in (small_disk / WEEK1).iterdir() if p.name.startswith(".")] == []  # no temporary file left
    assert ledger_rows(state, "SELECT count(*) FROM payments") == [(0,)]  # no pending payment
    assert ledger_rows(state, "SELECT status, exit_status FROM runs") == [("interrupted", 2)]

    again = run_week(inbox, WEEK1)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == [ALICIA_BROOKS] == delivered(tmp_path) == issued(state)


@pytest.fixture
def state_disk(tmp_path):
    """A real 256 KiB file system (tmpfs) for the state folder, where the machine allows mounting one."""
    folder = tmp_path / "state-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root?)")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_under_the_ledger_is_said_to_be_full_not_the_ledger_damaged(tmp_path, state_disk):
    """SQLite says "disk I/O error" when the disk holding the ledger has no room left for its
    shared-memory file: the run said the ledger was damaged and sent the coordinator to restore or
    rebuild a ledger that was fine."""
    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK1).returncode == 0
    state = state_disk / "state"
    state.mkdir()
    shutil.copy2(tmp_path / "state" / "ledger.sqlite", state / "ledger.sqlite")
    filler = state_disk / "filler"
    filler.write_bytes(b"\0" * (shutil.disk_usage(state_disk).free - 8 * 1024))
    error = one_error_line(run_week(inbox, WEEK2, "--state", str(state)))
    assert "disk I/O error (the disk holding it is full" in error and "is not damaged" in error
    assert "ledger restore" not in error and "ledger rebuild" not in error
    filler.unlink()
    again = run_week(inbox, WEEK2, "--state", str(state))
    assert again.returncode == 0, again.stderr
    assert issued(state) == [ALICIA_BROOKS]


def test_an_io_error_on_a_disk_with_room_is_not_said_to_be_a_full_disk(tmp_path):
    """SQLite's "disk I/O error" with room left on the disk is a disk failing: the message says to check
    it, not that the ledger is undamaged and only the disk full."""
    from coaching_batch.ledger import _database_error

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 266  # SQLITE_IOERR_READ
    message = str(_database_error(tmp_path / "ledger.sqlite", error))
    assert message.endswith("disk I/O error (its disk could not be read or written: check it, then try again)")
    assert "not damaged" not in message and "is full" not in message


def test_a_backup_onto_a_full_disk_is_one_error_line(tmp_path, state_disk):
    """`ledger backup FILE` onto a disk without room for the copy: SQLite, not the OS, says the disk is
    full, and the command stopped with a traceback (exit status 1)."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    assert run_week(inbox, WEEK1).returncode == 0
    (state_disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(state_disk).free - 8 * 1024))
    copy = state_disk / "ledger copy.sqlite"
    assert one_error_line(ledger_command("backup", str(copy), state=state)) == (
        f"Error: cannot write {copy}: database or disk is full")
    assert sorted(p.name for p in state_disk.iterdir()) == ["filler"]


def test_a_ledger_that_cannot_record_the_run_finished_says_its_outputs_were_delivered(tmp_path, monkeypatch):
    """The disk under the ledger filling as the run records itself finished, after its payment sheet was
    put in place: the one Error: line said only that the ledger could not be used, and a folder holding
    a payment sheet finance may take looked like a failed run's, to be cleared away."""
    from coaching_batch import ledger as ledger_module

    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"

    def disk_full(self, *args, **kwargs):
        raise ledger_module._database_error(self.path, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(Ledger, "record_completed", disk_full)
    first = tmp_path / "out" / WEEK1
    with pytest.raises(UsageError, match=f"the outputs were written to {first}, payment sheet included, .*database or "
                                         "disk is full.*leave that folder as it is"):
        run_batch(RunOptions(inbox=inbox, as_of=date.fromisoformat(WEEK1)))
    monkeypatch.undo()
    assert paid_ids(first) == [ALICIA_BROOKS]
    again = run_week(inbox, WEEK1)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == [] and issued(state) == [ALICIA_BROOKS]


def test_a_folder_turning_read_only_as_the_payment_sheet_is_put_in_place_leaves_no_payment(tmp_path, monkeypatch):
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    replace = os.replace

    def read_only_for_the_sheet(source, target, *args, **kwargs):
        if Path(target).name == "payments.xlsx":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))
        return replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", read_only_for_the_sheet)
    with pytest.raises(UsageError, match="cannot write the outputs .*Read-only file system"):
        run_batch(RunOptions(inbox=inbox, as_of=date.fromisoformat(WEEK1)))
    monkeypatch.setattr(os, "replace", replace)
    first = tmp_path / "out" / WEEK1
    assert (first / "results.xlsx").exists() and not (first / "payments.xlsx").exists()  # the payment sheet is last
    assert ledger_rows(state, "SELECT count(*) FROM payments") == [(0,)]

    again = run_week(inbox, WEEK1)
    assert again.returncode == 0, again.stderr
    assert paid_ids(out_folder(again)) == [ALICIA_BROOKS] == delivered(tmp_path) == issued(state)


# --- backups, restore checks, verify ---------------------------------------------------------------


def test_the_runs_keep_the_last_twelve_backups_oldest_removed(tmp_path):
    state = tmp_path / "state"
    Ledger.open(state).close()
    made = [backup_ledger(state) for _ in range(KEEP_BACKUPS + 2)]
    assert list_backups(state) == made[2:]
    with sqlite3.connect(made[-1]) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_run_refused_for_its_out_folder_makes_no_backup_so_the_real_ones_are_kept(tmp_path):
    """Twelve refusals used to rotate every real backup out of state/backups/, leaving only copies of
    the ledger as it is: a refused run is stopped before its backup."""
    inbox, state = small_inbox(tmp_path), tmp_path / "state"
    week1 = out_folder(run_week(inbox, WEEK1))
    run_week(inbox, WEEK2)
    kept = list_backups(state)
    assert len(kept) == 1  # the copy the second week made of the first week's ledger
    for overwrite in ((), ("--overwrite",)):
        assert "--out" in one_error_line(run_week(inbox, WEEK3, "--out", str(week1), *overwrite))
    assert list_backups(state) == kept


def test_a_run_that_cannot_write_its_output_folder_is_refused_at_once_with_no_backup_nor_run_recorded(
        tmp_path, monkeypatch):
    """An --out folder the job's account may not write: the run read the whole inbox, backed the ledger up
    and recorded an interrupted run before it found out, so refusals pushed the real backups out."""
    import coaching_batch.pipeline as pipeline

    inbox, state, out = small_inbox(tmp_path), tmp_path / "state", tmp_path / "rout"
    out.mkdir()
    open_file = os.open

    def not_in_out(path, flags, *args, **kwargs):
        if Path(path).parent == out and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return open_file(path, flags, *args, **kwargs)

    def never_read(*args, **kwargs):
        raise AssertionError("the inbox was read before the output folder was found unwritable")

    monkeypatch.setattr(os, "open", not_in_out)
    monkeypatch.setattr(pipeline, "_evaluate", never_read)
    with pytest.raises(UsageError, match=f"^cannot write the outputs to {out}: Permission denied$"):
        run_batch(RunOptions(inbox=inbox, as_of=date.fromisoformat(WEEK1), out=out))  # the first run: nothing made
    assert not (state / "ledger.sqlite").exists()
    monkeypatch.undo()
    assert run_week(inbox, WEEK1).returncode == 0
    monkeypatch.setattr(os, "open", not_in_out)
    monkeypatch.setattr(pipeline, "_evaluate", never_read)
    for dry_run in (False, True):
        with pytest.raises(UsageError, match=f"^cannot write the outputs to {out}: Permission denied$"):
            run_batch(RunOptions(inbox=inbox, as_of=date.fromisoformat(WEEK2), out=out, dry_run=dry_run))
    monkeypatch.undo()
    assert list_backups(state) == []
    assert ledger_rows(state, "SELECT as_of, status FROM runs") == [(WEEK1, "completed")]
    assert list(out.iterdir()) == []


def test_a_dated_output_folder_that_cannot_be_made_refuses_the_run_before_its_backup(tmp_path):
    """out/ turned read-only (`chmod 555 out`), the job run by an account without the power to write there."""
    inbox, state = small_inbox(tmp_path), tmp_path / "state"
    assert run_week(inbox, WEEK1).returncode == 0
    prefix = []
    if os.geteuid() == 0:  # root writes any folder: run as root without that power
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to run without the power to write any folder")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--inh-caps=-all", "--"]
    (tmp_path / "out").chmod(0o555)
    try:
        refused = subprocess.run([*prefix, str(COMMAND), "run", str(inbox), "--as-of", WEEK2],
                                 capture_output=True, text=True, timeout=300)
    finally:
        (tmp_path / "out").chmod(0o755)
    assert one_error_line(refused) == f"Error: cannot write the outputs to {tmp_path / 'out' / WEEK2}: Permission denied"
    assert list_backups(state) == []
    assert ledger_rows(state, "SELECT as_of, status FROM runs") == [(WEEK1, "completed")]


def test_a_run_killed_before_its_payment_sheet_is_run_again_into_the_same_out_folder_after_a_backup(tmp_path):
    inbox, state, out = small_inbox(tmp_path), tmp_path / "state", tmp_path / "weekly"
    run_week(inbox, WEEK1)
    killed = run_week(inbox, WEEK2, "--out", str(out), env={"COACHING_BATCH_CRASH_AT": "sheet-delivering"})
    assert killed.returncode != 0 and (out / "results.xlsx").exists() and not (out / "payments.xlsx").exists()
    again = run_week(inbox, WEEK2, "--out", str(out))  # what the killed run left half written is replaced
    assert again.returncode == 0, again.stderr
    assert (out / "payments.xlsx").exists() and len(list_backups(state)) == 2


def test_restore_refuses_a_damaged_copy_or_one_from_a_newer_version_and_changes_nothing(tmp_path):
    state = tmp_path / "state"
    Ledger.open(state).close()
    before = (state / "ledger.sqlite").read_bytes()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        db.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    for copy, why in ((garbage, "not an SQLite database"), (newer, "newer version")):
        refused = ledger_command("restore", str(copy), state=state)
        assert why in one_error_line(refused)
    assert (state / "ledger.sqlite").read_bytes() == before


def test_restore_is_refused_at_once_while_a_run_is_using_the_ledger(tmp_path):
    """Restored once the run had finished, the copy would drop that run without a word: the
    coordinator is told a run is going, and nothing is replaced."""
    state = tmp_path / "state"
    Ledger.open(state).close()
    copy = tmp_path / "copy.sqlite"
    assert ledger_command("backup", str(copy), state=state).returncode == 0
    before = (state / "ledger.sqlite").read_bytes()
    running = threading.Event()

    def a_run() -> None:  # holds the state lock for a few seconds, as a run does
        with state_lock(state, 0):
            running.set()
            time.sleep(4)

    run = threading.Thread(target=a_run)
    run.start()
    running.wait()
    refused = ledger_command("restore", str(copy), state=state)
    run.join()
    assert one_error_line(refused) == f"Error: another run is using the ledger in {state}; try again when it has finished"
    assert (state / "ledger.sqlite").read_bytes() == before and not (state / "backups").exists()


# where a sync client wrote over the ledger: all of it, the page after its header (SQLite cannot open
# it), a page further on (it opens, and fails the integrity check)
@pytest.mark.parametrize("offset, opens", [(0, False), (4096, False), (8192, True)])
def test_the_ledger_commands_on_a_damaged_ledger_say_what_they_could_not_do_not_that_nothing_was_paid(tmp_path, offset,
                                                                                                     opens):
    """`ledger verify` (and runs, payments, void) on a damaged ledger said "nothing was paid", the words
    of a refused run, though they never pay: each says what it could not do, and to restore or rebuild."""
    state = tmp_path / "state"
    with Ledger.open(state):
        pass
    with (state / "ledger.sqlite").open("r+b") as file:
        file.seek(offset)
        file.write(b"\xde\xad\xbe\xef" * 1024)
    verified = ledger_command("verify", state=state)
    assert verified.returncode == 1 and "nothing was paid" not in verified.stdout
    assert "could not be checked against the delivered payment sheets" in verified.stdout
    assert "ledger restore" in verified.stdout and "ledger rebuild" in verified.stdout
    if opens:
        return
    for args, not_done in ((["runs"], "it cannot be read"), (["payments"], "it cannot be read"),
                           (["void", MADE_UP, "--reason", "returned"], f"payment {MADE_UP} was not voided")):
        error = one_error_line(ledger_command(*args, state=state))
        assert f"; {not_done}. Put back" in error and "ledger rebuild" in error and "nothing was paid" not in error


def test_verify_without_a_ledger_exits_1(tmp_path):
    missing = ledger_command("verify", state=tmp_path / "state")
    assert missing.returncode == 1 and "no ledger" in missing.stdout


def test_verify_of_a_lost_ledger_beside_delivered_sheets_says_how_to_rebuild_it(tmp_path):
    """A scheduled `ledger verify` after the ledger was lost said only "no ledger: the file is missing", not that
    the next run stops, nor the command that brings the ledger back from the delivered sheets."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    assert paid_ids(out_folder(run_week(inbox, WEEK1))) == [ALICIA_BROOKS]
    remove_ledger(state)
    verified = ledger_command("verify", state=state)
    assert verified.returncode == 1 and "no ledger: the file is missing" in verified.stdout
    assert "1 delivered payment sheet lists 1 payment, and the next run stops until the ledger is back" in verified.stdout
    rebuild = verified.stdout.split("`coaching-batch ")[1].split("`")[0]
    assert rebuild == f"ledger rebuild --state {state}"
    assert command(*rebuild.split()).returncode == 0
    assert ledger_command("verify", state=state).returncode == 0


# --- unsafe places for the state, outputs outside out/ ---------------------------------------------


MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
40 27 0:45 / /mnt/team\040share rw,relatime - cifs //server/team rw,vers=3.0
41 27 0:46 / /home/pat/OneDrive rw,nosuid - fuse.onedriver onedriver rw
42 27 0:47 / /srv/nfs rw - nfs4 server:/export rw
43 42 8:2 / /srv/nfs/local rw - ext4 /dev/sdb1 rw
"""
PROC_MOUNTS = """/dev/sda1 / ext4 rw,relatime 0 0
server:/export /data nfs rw,vers=3 0 0
"""


@pytest.mark.parametrize("folder, expected", [
    ("/home/pat/coaching/state", None),
    ("/mnt/team share/coaching/state", ("/mnt/team share", "cifs")),
    ("/mnt/team shared/state", None),  # only the mount point itself and what is below it
    ("/home/pat/OneDrive/coaching/state", ("/home/pat/OneDrive", "fuse.onedriver")),
    ("/srv/nfs/coaching", ("/srv/nfs", "nfs4")),
    ("/srv/nfs/local/state", None),  # a local disk mounted inside the share
])
def test_a_network_or_sync_file_system_is_found_in_the_mount_table(folder, expected):
    assert recovery.unsafe_mount(MOUNTINFO, folder) == expected


def test_the_older_mount_table_format_is_read_too():
    assert recovery.unsafe_mount(PROC_MOUNTS, "/data/state") == ("/data", "nfs")
    assert recovery.unsafe_mount(PROC_MOUNTS, "/home/state") is None
    assert recovery.unsafe_mount("", "/home/state") is None


def test_state_on_a_share_is_named_on_stderr_and_in_the_findings_and_outputs_elsewhere_are_noted(tmp_path, monkeypatch):
    inbox = small_inbox(tmp_path)
    table = tmp_path / "mountinfo"
    table.write_text(f"27 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 27 0:45 / {tmp_path} rw - nfs4 server:/x rw\n")
    monkeypatch.setenv(recovery.MOUNT_TABLE_ENV, str(table))  # read as the run starts: the run in this process sees it
    completed = run_week(inbox, WEEK1, "--out", str(tmp_path / "reports" / WEEK1))
    assert completed.returncode == 0, completed.stderr
    [warning] = completed.stderr.splitlines()
    assert warning.startswith("Warning: The state folder") and "nfs4" in warning and "local disk" in warning
    run = json.loads((tmp_path / "reports" / WEEK1 / "run.json").read_text())
    rules = {f["rule"]: f for f in run["exceptions"]}
    assert rules["LEDGER-UNSAFE-LOCATION"]["severity"] == "warning"
    assert rules["PAYMENT-SHEET-ELSEWHERE"]["severity"] == "info"
    assert "ledger rebuild --from" in rules["PAYMENT-SHEET-ELSEWHERE"]["message"]
    summary = [c for row in openpyxl.load_workbook(tmp_path / "reports" / WEEK1 / "results.xlsx")["Summary"].iter_rows(values_only=True)
               for c in row if isinstance(c, str)]
    assert any("ledger rebuild --from" in c for c in summary) and any("nfs4" in c for c in summary)


def test_a_dry_run_after_a_week_with_outputs_elsewhere_counts_what_it_lists(tmp_path):
    # the real week's outputs went outside out/ (PAYMENT-SHEET-ELSEWHERE); a dry run, whose sheet is
    # never delivered, does not judge that, so it does not call it Resolved either; every finding it
    # lists is counted, the resolved ones under their own count
    inbox = small_inbox(tmp_path)
    assert run_week(inbox, WEEK1, "--out", str(tmp_path / "reports" / WEEK1)).returncode == 0
    request_ryan(inbox, WEEK1)  # something resolved: nothing else changes
    completed = run_week(inbox, WEEK2, "--dry-run", "--out", str(tmp_path / "reports" / "preview"))
    assert completed.returncode == 0, completed.stderr
    run = json.loads((tmp_path / "reports" / "preview" / "run.json").read_text())
    statuses = {(f["rule"], f["status"]) for f in run["exceptions"]}
    assert ("PAYMENT-SHEET-ELSEWHERE", "Resolved") not in statuses
    listed = {s: sum(f["severity"] == s and f["status"] != "Resolved" for f in run["exceptions"])
              for s in ("error", "warning", "info")}
    counts = run["counts"]
    assert (counts["errors"], counts["warnings"], counts["info"]) == (listed["error"], listed["warning"], listed["info"])
    assert counts["resolved"] == sum(f["status"] == "Resolved" for f in run["exceptions"]) > 0
    assert f"{counts['info']} info; {counts['resolved']} resolved since the last run" in completed.stdout


def test_delivered_sheets_are_taken_in_the_order_their_runs_were_made(tmp_path):
    """A rerun's folder `2026-11-27-2` came before `2026-11-27` (as text, `-` sorts before `/`), and
    `-10` before `-9`: a rebuild listed the weeks out of order, and the earlier sheet was not the one
    taken first."""
    names = ["2026-11-27-10", "2026-11-20", "2026-11-27-2", "2026-11-27", "2026-11-27-9"]
    sheets = []
    for name in names:
        folder = tmp_path / "out" / name
        folder.mkdir(parents=True)
        (folder / "run.json").write_text(json.dumps({"as_of": name[:10]}), encoding="utf-8")
        sheets.append(recovery.DeliveredSheet(folder / "payments.xlsx"))
    ordered = [sheet.path.parent.name for sheet in sorted(sheets, key=recovery._in_run_order)]
    assert ordered == ["2026-11-20", "2026-11-27", "2026-11-27-2", "2026-11-27-9", "2026-11-27-10"]


def _killed_mid_void(state: Path) -> None:
    """What `ledger void` killed inside its transaction leaves on a ledger in rollback-journal mode (as a
    restored copy is until the next run): part of the change in the file, ledger.sqlite-journal to undo it."""
    script = ("import os, sqlite3, sys\n"
              "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "db.execute('PRAGMA journal_mode = DELETE'); db.execute('PRAGMA cache_size = 1')\n"
              "db.execute('BEGIN'); db.execute(\"UPDATE payments SET status = 'voided', void_reason = hex(randomblob(4000))\")\n"
              "db.execute('CREATE TABLE half_made AS SELECT * FROM payments')\n"
              "os.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", script, str(state / "ledger.sqlite")])
    assert (state / "ledger.sqlite-journal").stat().st_size > 0


@pytest.mark.parametrize("then", ["rebuild", "restore"])
def test_a_ledger_command_killed_mid_change_leaves_a_ledger_that_rebuild_and_restore_take_for_whole(tmp_path, then):
    """A command killed inside its transaction leaves a journal that undoes it: rebuild and restore
    undo it first. They took the ledger for damaged: rebuild replaced it (runs, voids and findings'
    history lost) and restore kept it as damaged-….sqlite, its journal left beside the restored ledger."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    assert run_week(inbox, WEEK1).returncode == 0
    copy = tmp_path / "copy.sqlite"
    assert ledger_command("backup", str(copy), state=state).returncode == 0
    assert ledger_command("restore", str(copy), state=state).returncode == 0  # a copy: rollback-journal mode
    _killed_mid_void(state)
    done = ledger_command(then, *([str(copy)] if then == "restore" else []), state=state)
    if then == "rebuild":
        assert "exists and holds 1 run" in one_error_line(done)
    else:
        assert done.returncode == 0, done.stderr
        assert "damaged" not in done.stdout
    assert not (state / "ledger.sqlite-journal").exists()
    assert ledger_rows(state, "SELECT payment_id, status FROM payments") == [(ALICIA_BROOKS, "issued")]
    assert ledger_rows(state, "SELECT count(*) FROM sqlite_master WHERE name = 'half_made'") == [(0,)]
    assert [p.name for p in (state / "backups").iterdir() if p.name.startswith("damaged")] == []


def _killed_rebuilds_leftovers(state: Path) -> list[Path]:
    """What a `ledger rebuild` killed (SIGKILL) while writing its new ledger leaves in state/: its temporary
    database with SQLite's -wal and -shm files beside it."""
    temp = state / ".ledger.sqlite.tmp-4242-0a1b2c3d"
    leftovers = [temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")]
    for path in leftovers:
        path.write_bytes(b"half a ledger")
    return leftovers


def _files_beside_the_ledger(state: Path) -> dict[str, bytes]:
    """Every file under state/ but the ledger and its lock, with its content."""
    return {str(p.relative_to(state)): p.read_bytes() for p in state.rglob("*")
            if p.is_file() and not p.name.startswith(("ledger.sqlite", "ledger.lock"))}


def test_the_temporary_ledger_of_a_killed_rebuild_is_removed_by_the_next_rebuild_and_run_and_nothing_else(tmp_path):
    """A SIGKILLed `ledger rebuild` left `.ledger.sqlite.tmp-*` (with -wal and -shm) in state/ for good, as
    a run removes its own outputs' temporaries: the next rebuild or run removes them; the ledger, its
    backups and any other file in state/ (one merely named like them) are left as they are."""
    inbox = small_inbox(tmp_path)
    state = tmp_path / "state"
    assert run_week(inbox, WEEK1).returncode == 0
    remove_ledger(state)
    others = [state / "notes.txt", state / ".ledger.sqlite.tmp-mine", state / ".ledger.sqlite.tmp-4242-0a1b2c3d.bak"]
    for path in others:
        path.write_text("keep me")
    kept = _files_beside_the_ledger(state)
    leftovers = _killed_rebuilds_leftovers(state)
    rebuilt = ledger_command("rebuild", state=state)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert [p for p in leftovers if p.exists()] == []
    assert [p.read_text() for p in others] == ["keep me"] * 3
    assert _files_beside_the_ledger(state) == kept

    leftovers = _killed_rebuilds_leftovers(state)
    assert run_week(inbox, WEEK2).returncode == 0
    assert [p for p in leftovers if p.exists()] == []
    assert [p.read_text() for p in others] == ["keep me"] * 3
    assert issued(state) == [ALICIA_BROOKS]
