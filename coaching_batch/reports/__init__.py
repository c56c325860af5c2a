"""The run's outputs: ``results.xlsx`` (coordinator), ``payments.xlsx`` (finance),
``exceptions.xlsx`` (weekly exception report) and ``run.json`` (machines).

Every file is written atomically. All four are first written in full to temporary files beside
their final names; only when all of them are complete are they renamed into place, so a failure
while writing leaves the previous run's files as they were and no temporary file behind.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from ..model import RunResult
from .atomic import atomic_path
from .exceptions import finding_key, write_exceptions
from .payments import write_payments
from .results import write_results
from .runjson import run_summary, write_run_json

RESULTS, PAYMENTS, EXCEPTIONS, RUN_JSON = "results.xlsx", "payments.xlsx", "exceptions.xlsx", "run.json"
OUTPUT_NAMES = (RESULTS, PAYMENTS, EXCEPTIONS, RUN_JSON)

# Renamed into place in reverse order, so run.json (written first) is the last to appear.
WRITERS: dict[str, Callable[[RunResult, Path], None]] = {
    RUN_JSON: write_run_json,
    EXCEPTIONS: write_exceptions,
    RESULTS: write_results,
    PAYMENTS: write_payments,
}

__all__ = ["write_outputs", "finding_key", "run_summary", "OUTPUT_NAMES", "RESULTS", "PAYMENTS", "EXCEPTIONS", "RUN_JSON"]


def write_outputs(result: RunResult, out_dir: Path) -> list[Path]:
    """Write the four outputs into ``out_dir`` (created with its parents); returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        for name, write in WRITERS.items():
            write(result, stack.enter_context(atomic_path(out_dir / name)))
    return [out_dir / name for name in (RESULTS, PAYMENTS, EXCEPTIONS, RUN_JSON)]
