"""Work done by a forked copy of the process (coaching_batch.forked), and the run's stages that use it:
the outcome is the same as doing the work here, whatever happens to the copy."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pandas as pd
import pytest

from coaching_batch.forked import Forked
from coaching_batch.pipeline import RunOptions, _evaluate
from coaching_batch.policy import Programs

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


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
    """The demo inbox evaluated as a small inbox (no fork) and as a large one (validation halved and
    part of the rules worked out by forked copies): the same pairs, hours, findings, in order."""
    from coaching_batch import settings

    def run():
        options = RunOptions(inbox=SAMPLES, as_of=pd.Timestamp("2026-11-20").date(), out=tmp_path / "out", dry_run=True)
        return _evaluate(options, Programs.load([options.program]), None)

    alone = run()
    monkeypatch.setattr(settings, "PARALLEL_ROWS", 8)
    forked = run()
    assert len(alone.findings) > 20 and forked.findings == alone.findings
    pd.testing.assert_frame_equal(forked.pairs, alone.pairs)
    pd.testing.assert_frame_equal(forked.hours_by_month, alone.hours_by_month)


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
