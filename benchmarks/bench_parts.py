"""Where a run's time goes: the stages of one run, each with its wall time and CPU time.

    .venv/bin/python benchmarks/bench_parts.py                      # the full ITSS inbox of make bench
    .venv/bin/python benchmarks/bench_parts.py --mix programs       # the four-program inbox
    .venv/bin/python benchmarks/bench_parts.py --files 400 --rows-per-file 100   # a quick look

The inbox is the one ``bench_run.py`` generates and caches (generated first when missing). The run
is the library's own ``run_batch`` as a dry run, in this process, so the stages can be timed where
they change: the pipeline reports each stage through its progress callback (discover and read,
validate, rules, write). Imports are timed first, apart. CPU time is this process's plus that of
the reading workers (they have ended by the time the stage is over). One run is one sample: the
machine's other work shows in the figures, so compare runs made side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_run  # noqa: E402  (the inbox generator and its cache)


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the reading workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Stages:
    """Marks the moment each stage starts, from the pipeline's progress callback."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float, float]] = []

    def mark(self, stage: str) -> None:
        self.marks.append((stage, time.perf_counter(), _cpu()))

    def progress(self, stage: str, done: int, total: int) -> None:
        if not self.marks or self.marks[-1][0] != stage:
            self.mark(stage)

    def rows(self) -> list[tuple[str, float, float]]:
        """(stage, wall seconds, CPU seconds) between consecutive marks."""
        return [(name, t1 - t0, c1 - c0) for (name, t0, c0), (_, t1, c1) in zip(self.marks, self.marks[1:])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--rows-per-file", type=int, default=100)
    parser.add_argument("--mix", choices=list(bench_run.VARIANTS), default="itss")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "coaching-batch-bench")
    parser.add_argument("--jobs", type=int, default=2, help="processes generating the inbox (default 2)")
    args = parser.parse_args(argv)
    args.regenerate = False
    _, inbox = bench_run._inbox(args, args.mix)

    stages = Stages()
    stages.mark("Importing")
    from coaching_batch.pipeline import RunOptions, run_batch

    stages.mark("Discovering")
    with tempfile.TemporaryDirectory() as out:
        options = RunOptions(inbox=inbox, as_of=bench_run.AS_OF, out=Path(out) / "out", dry_run=True,
                             state=Path(out) / "state", overwrite=True)
        result, _ = run_batch(options, progress=stages.progress)
        stages.mark("done")

    rows = stages.rows()
    wall, cpu = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"{inbox.name}: {len(result.inputs):,} files, {len(result.pairs):,} pairs, {len(result.findings):,} findings "
          f"({dt.date.today()})")
    print(f"{'stage':<22}{'wall':>9}{'CPU':>9}{'share':>8}")
    for name, seconds, cpu_seconds in rows:
        print(f"{name:<22}{seconds:>8.2f}s{cpu_seconds:>8.2f}s{seconds / wall:>8.0%}")
    print(f"{'whole run':<22}{wall:>8.2f}s{cpu:>8.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
