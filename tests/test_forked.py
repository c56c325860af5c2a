"""Work done by a forked copy of the process (coaching_batch.forked), and the run's stages that use it:
the outcome is the same as doing the work here, whatever happens to the copy."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from coaching_batch import read, settings
from coaching_batch.findings import sort_key
from coaching_batch.forked import Forked, end_with_parent, interrupts_held
from coaching_batch.reports import writers_started
from coaching_batch.pipeline import RunOptions, _evaluate
from coaching_batch.policy import Programs
from coaching_batch.read import WorkbookRead
from coaching_batch.rules import logs

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def evaluate_demo(out: Path):
    """The demo inbox read, validated and judged (nothing written)."""
    options = RunOptions(inbox=SAMPLES, as_of=pd.Timestamp("2026-11-20").date(), out=out, dry_run=True)
    return _evaluate(options, Programs.load([options.program]), None)


def test_the_copy_does_the_work_and_sends_back_its_result():
    parent = os.getpid()
    assert Forked(lambda: (os.getpid() != parent, [1, 2, 3])).result() == (True, [1, 2, 3])


def test_the_copy_sees_what_this_process_held_when_it_started():
    table = pd.DataFrame({"minutes": range(1000)})
    assert Forked(lambda: int(table["minutes"].sum())).result() == 499500


def test_an_error_in_the_copy_is_raised_here():
    def fails():
        raise ValueError("bad cell")

    with pytest.raises(ValueError, match="bad cell"):
        Forked(fails).result()


def test_a_copy_that_dies_has_its_work_done_here():
    parent = os.getpid()

    def dies_in_the_copy():
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return "done here"

    assert Forked(dies_in_the_copy).result() == "done here"


def test_not_enabled_means_done_here():
    parent = os.getpid()
    assert Forked(os.getpid, enabled=False).result() == parent


def test_the_rules_give_the_same_verdicts_and_findings_with_part_of_them_forked(monkeypatch, tmp_path):
    """The demo inbox evaluated as a small inbox (no fork) and as a large one (validation halved, one
    log judged and part of the rules worked out by forked copies): the same pairs, hours, counted
    entries and findings (sorted, as a run has them)."""
    alone = evaluate_demo(tmp_path / "out")
    monkeypatch.setattr(settings, "PARALLEL_ROWS", 8)
    monkeypatch.setattr(logs, "SIDE_BY_SIDE_SHARE", 0.2)  # the demo's candidate log: 263 of 835 entries
    forked = evaluate_demo(tmp_path / "out")
    assert len(alone.findings) > 20 and forked.findings == alone.findings
    pd.testing.assert_frame_equal(forked.pairs, alone.pairs)
    pd.testing.assert_frame_equal(forked.hours_by_month, alone.hours_by_month)
    pd.testing.assert_frame_equal(forked.counted_entries, alone.counted_entries)


def demo_entries(monkeypatch, tmp_path) -> tuple:
    """The arguments the rules stage judges the demo's log entries with, as a large inbox's."""
    calls = []
    judge_both_logs = logs.judge_both_logs

    def kept(*args, **kwargs):
        calls.append((args, kwargs))
        return judge_both_logs(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(logs, "judge_both_logs", kept)
        patched.setattr(settings, "PARALLEL_ROWS", 8)
        evaluate_demo(tmp_path / "out")
    [(args, options)] = calls
    assert options == {"may_fork": True}
    return args


def test_the_two_logs_judged_side_by_side_are_judged_as_all_entries_at_once(monkeypatch, tmp_path):
    """The demo's entries judged as a large inbox's are (the smaller log by a forked copy) and all at
    once: the same columns, dtypes, values and row order, and the same findings once sorted. Also
    when a log's rows are not in one block, and when one log is empty."""
    entries, pairs, known, programs, as_of = demo_entries(monkeypatch, tmp_path)
    assert set(entries["kind"]) == set(logs.LOG_KINDS)
    monkeypatch.setattr(logs, "SIDE_BY_SIDE_SHARE", 0)
    shuffled = entries.sample(frac=1, random_state=1)
    for given in (entries, shuffled, entries[entries["kind"] == "coach_log"]):
        at_once, at_once_findings = logs.judge_entries(given, pairs, known, programs, as_of)
        side_by_side, side_by_side_findings = logs.judge_both_logs(given, pairs, known, programs, as_of, may_fork=True)
        pd.testing.assert_frame_equal(side_by_side, at_once, check_exact=True)
        assert list(side_by_side.columns) == [*given.columns, *logs.JUDGED_COLUMNS]
        assert len(at_once_findings) > 5
        assert sorted(side_by_side_findings, key=sort_key) == sorted(at_once_findings, key=sort_key)


def test_logs_of_a_small_inbox_or_of_unequal_sizes_are_judged_at_once(monkeypatch, tmp_path):
    """No fork unless the inbox is large and the smaller log holds SIDE_BY_SIDE_SHARE of the entries:
    the demo's candidate log holds 263 of its 835."""
    entries, pairs, known, programs, as_of = demo_entries(monkeypatch, tmp_path)

    def no_fork(*args, **kwargs):
        raise AssertionError("forked")

    monkeypatch.setattr(logs, "Forked", no_fork)
    at_once, at_once_findings = logs.judge_entries(entries, pairs, known, programs, as_of)
    for may_fork in (False, True):
        judged, judged_findings = logs.judge_both_logs(entries, pairs, known, programs, as_of, may_fork=may_fork)
        pd.testing.assert_frame_equal(judged, at_once, check_exact=True)
        assert judged_findings == at_once_findings
    monkeypatch.setattr(logs, "SIDE_BY_SIDE_SHARE", 0.3)
    with pytest.raises(AssertionError, match="forked"):
        logs.judge_both_logs(entries, pairs, known, programs, as_of, may_fork=True)


def test_objects_are_frozen_only_around_the_fork_and_stay_frozen_in_the_copy():
    import gc

    from coaching_batch.forked import frozen_heap

    assert gc.get_freeze_count() == 0
    in_copy = Forked(gc.get_freeze_count).result()
    assert in_copy > 0 and gc.get_freeze_count() == 0

    reading, writing = os.pipe()
    with frozen_heap():
        pid = os.fork()
    if pid == 0:  # a bare fork's copy leaves the block still frozen
        os.write(writing, b"1" if gc.get_freeze_count() > 0 else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(reading, 1) == b"1" and gc.get_freeze_count() == 0


def test_what_imports_make_is_left_out_of_collection_which_goes_on_as_before_after_them():
    import gc

    from coaching_batch.forked import imports_uncollected

    try:
        with imports_uncollected():
            assert not gc.isenabled()
            made = [[] for _ in range(1_000)]  # noqa: F841 - as a module's objects
        assert gc.isenabled() and gc.get_freeze_count() >= 1_000
        gc.unfreeze()
        gc.disable()  # a process that collects nothing keeps it so
        with imports_uncollected():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_run_keeps_what_it_has_read_out_of_collection_and_gives_it_back_at_its_end(monkeypatch, tmp_path):
    import gc

    from coaching_batch import pipeline, validate as validating

    kept_while_validating = []
    real = validating.validate

    def watched(*args, **kwargs):
        kept_while_validating.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    monkeypatch.setattr(validating, "validate", watched)
    options = RunOptions(inbox=SAMPLES, as_of=pd.Timestamp("2026-11-20").date(), out=tmp_path / "out",
                         state=tmp_path / "state", dry_run=True)
    assert gc.get_freeze_count() == 0
    pipeline.run_batch(options)
    # the cells read were out of collection while the run used them; the process collects as before after it
    assert kept_while_validating and kept_while_validating[0] > 0
    assert gc.get_freeze_count() == 0


# --- a run killed outright ------------------------------------------------------------------------

def _stand_in_for_a_run(report) -> None:
    """Starts the writer processes and a forked copy as a run does, says their process IDs, waits."""
    with writers_started() as writers:
        report.send([writer.pid for writer in writers])
        Forked(lambda: (report.send([os.getpid()]), time.sleep(60))).result()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; whoever adopted it reaps it


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_the_processes_a_run_started_end_when_the_run_is_killed_outright():
    context = multiprocessing.get_context("fork")
    receive, report = context.Pipe(duplex=False)
    run = context.Process(target=_stand_in_for_a_run, args=(report,))
    run.start()
    started = receive.recv() + receive.recv()
    assert len(started) == 3 and all(map(_running, started))
    os.kill(run.pid, signal.SIGKILL)  # as a scheduler's time limit does
    run.join()
    deadline = time.monotonic() + 10
    while any(map(_running, started)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in started if _running(pid)]
    for pid in left:  # never leave them to hold the test run's output open
        os.kill(pid, signal.SIGKILL)
    assert left == []


# Ctrl-C from a terminal reaches every process of the run at once: it is the run's alone. A reader that
# took it as its own while sending its result left the other reader waiting for its lock (the run hung
# until killed, holding the ledger's lock), and one forked just as it came swallowed it in an at-fork
# handler (a traceback in the log, and the run went on to the end).

def _interrupted_as_it_reads(path: str, relpath: str) -> WorkbookRead:
    os.kill(os.getpid(), signal.SIGINT)  # a terminal's Ctrl-C reaches the reader processes too
    time.sleep(0.05)
    return WorkbookRead(relpath)


def test_a_reader_process_leaves_ctrl_c_to_the_run(monkeypatch, capfd):
    monkeypatch.setattr(read, "read_workbook", _interrupted_as_it_reads)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a run started from a terminal
    try:
        reads = read.read_all([(f"{n}.xlsx", f"{n}.xlsx") for n in range(8)])
    finally:
        signal.signal(signal.SIGINT, previous)
    assert [r.relpath for r in reads] == sorted(f"{n}.xlsx" for n in range(8))
    assert "KeyboardInterrupt" not in capfd.readouterr().err


def _slow_read(path: str, relpath: str) -> WorkbookRead:
    time.sleep(0.4)
    return WorkbookRead(relpath)


def test_ctrl_c_while_the_workbooks_are_read_stops_the_run_without_reading_the_rest(monkeypatch):
    monkeypatch.setattr(read, "read_workbook", _slow_read)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.8, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            read.read_all([(f"{n}.xlsx", f"{n}.xlsx") for n in range(30)])  # 12 s of reading (one worker: files too small for two)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert time.monotonic() - started < 3
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []


def _ignores_ctrl_c(answer) -> None:
    end_with_parent()  # as every process the run starts does first
    answer.send(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)


@pytest.mark.parametrize("to_thread", ["this", "another"])
def test_ctrl_c_that_comes_as_a_process_is_forked_reaches_the_run_once_it_is_forked(to_thread):
    """Given to the thread that forks, or to another thread of the run (the kernel picks any that does
    not hold it back: under a pool's threads it was lost), the Ctrl-C reaches the run after the fork,
    and the copy ignores it."""
    context = multiprocessing.get_context("fork")
    receive, answer = context.Pipe(duplex=False)
    other = threading.Thread(target=time.sleep, args=(1,), daemon=True)
    other.start()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            with interrupts_held():
                signal.pthread_kill(threading.get_ident() if to_thread == "this" else other.ident, signal.SIGINT)
                time.sleep(0.05)  # the other thread's handler has run by now
                copy = context.Process(target=_ignores_ctrl_c, args=(answer,))
                copy.start()
                forked = True
        assert forked and receive.recv() is True
        copy.join()
    finally:
        signal.signal(signal.SIGINT, previous)
