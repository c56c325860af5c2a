"""The run's outputs: ``results.xlsx`` (coordinator), ``payments.xlsx`` (finance),
``exceptions.xlsx`` (weekly exception report) and ``run.json`` (machines).

Every file is written atomically. All four are first written in full to temporary files beside
their final names; only when all of them are complete are they renamed into place, so a failure
while writing leaves the previous run's files as they were and no temporary file behind.

Building a workbook is CPU-bound Python, so for a large run ``results.xlsx`` (the largest) is
written by a forked process while this one writes the other three; the renames still wait for both.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from ..forked import frozen_heap
from ..model import RunResult
from ..documents import FOLDER_WRITERS as DOCUMENT_WRITERS  # the PDFs
from ..notices.eml import NOTICES_DIRNAME, write_notices
from .atomic import atomic_folder, atomic_path
from .exceptions import finding_key, write_exceptions
from .payments import write_payments
from .results import write_results
from .runjson import run_summary, write_run_json

RESULTS, PAYMENTS, EXCEPTIONS, RUN_JSON = "results.xlsx", "payments.xlsx", "exceptions.xlsx", "run.json"
OUTPUT_NAMES = (RESULTS, PAYMENTS, EXCEPTIONS, RUN_JSON)

# Written in this order; renamed into place in reverse, except payments.xlsx, always the last to appear.
WRITERS: dict[str, Callable[[RunResult, Path], None]] = {
    RUN_JSON: write_run_json,
    EXCEPTIONS: write_exceptions,
    RESULTS: write_results,
    PAYMENTS: write_payments,
}
# Folders of documents (certificates, notices …): each writer fills a fresh temporary folder; when
# every file and folder is complete, the folders are put in place first, then the files.
FOLDER_WRITERS: dict[str, Callable[[RunResult, Path], None]] = {
    **DOCUMENT_WRITERS,  # certificates/, payment-requests/, payment-documentation/ (PDF)
    NOTICES_DIRNAME: write_notices,  # the weekly notices as .eml files
}
FORKED_OUTPUT = RESULTS  # the output a second process writes, in a parallel write
PARALLEL_MIN_ROWS = 5_000  # below this many rows (findings, inputs, pairs) a fork costs more than it saves

__all__ = ["write_outputs", "finding_key", "run_summary", "OUTPUT_NAMES", "RESULTS", "PAYMENTS", "EXCEPTIONS", "RUN_JSON"]


class WriterStopped(RuntimeError):
    """The process writing an output ended without saying whether it succeeded"""


def write_outputs(result: RunResult, out_dir: Path, *, parallel: bool | None = None) -> list[Path]:
    """Write the four outputs and the folders of documents into ``out_dir`` (created with its
    parents); returns the four outputs' paths.

    ``parallel`` writes :data:`FORKED_OUTPUT`, and the PDF folders, in forked processes meanwhile;
    None (the default) does so for a large run where the platform can fork.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if parallel is None:
        parallel = _worth_forking(result)
    if parallel and "fork" not in multiprocessing.get_all_start_methods():
        parallel = False
    with ExitStack() as stack:
        # payments.xlsx is entered first so it is renamed into place last (the stack
        # exits in reverse), after run.json: a delivered payment sheet always has the rest beside it
        temps = {name: stack.enter_context(atomic_path(out_dir / name)) for name in sorted(WRITERS, key=lambda n: n != PAYMENTS)}
        folders = {name: stack.enter_context(atomic_folder(out_dir / name)) for name in FOLDER_WRITERS}
        forked = _ForkedWriter(result, FORKED_OUTPUT, temps[FORKED_OUTPUT]) if parallel else None
        # in a parallel write the PDF folders are written by a second forked process meanwhile
        documents = _ForkedWriter(result, "the documents", folders, write=_write_documents) if parallel else None
        elsewhere = [writer for writer in (forked, documents) if writer is not None]
        try:
            for name, write in WRITERS.items():
                if forked is None or name != FORKED_OUTPUT:
                    write(result, temps[name])
            for name, write in FOLDER_WRITERS.items():
                if documents is None or name not in DOCUMENT_WRITERS:
                    write(result, folders[name])
            for writer in elsewhere:
                writer.wait()
        except BaseException:  # this process, or a forked writer, failed: none may write afterwards
            for writer in elsewhere:
                writer.stop()
            raise
    return [out_dir / name for name in (RESULTS, PAYMENTS, EXCEPTIONS, RUN_JSON)]


def _worth_forking(result: RunResult) -> bool:
    return len(result.findings) + len(result.inputs) + len(result.pairs) >= PARALLEL_MIN_ROWS


class _ForkedWriter:
    """One output written by a forked copy of this process; its failure is raised here by :meth:`wait`."""

    def __init__(self, result: RunResult, name: str, temp, write: Callable | None = None) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_write_forked, args=(write or WRITERS[name], result, temp, send), daemon=True)
        with frozen_heap():
            self._process.start()
        send.close()
        self.name = name

    def wait(self) -> None:
        """Until the output is written; its writer's exception, if it raised one, is raised again."""
        try:
            error = self._receive.recv()
        except EOFError:
            error = WriterStopped(f"the process writing {self.name} stopped before finishing it")
        finally:
            self._receive.close()
            self._process.join()
        if error is not None:
            raise error

    def stop(self) -> None:
        """End the writer at once (this process failed): nothing may write its file afterwards."""
        self._process.kill()
        self._process.join()
        self._receive.close()


def _write_documents(result: RunResult, folders: dict[str, Path]) -> None:
    """Every PDF folder (certificates, payment requests and documentation), in a forked process."""
    for name in DOCUMENT_WRITERS:
        FOLDER_WRITERS[name](result, folders[name])


def _write_forked(write: Callable[[RunResult, Path], None], result: RunResult, temp: Path, send) -> None:
    try:
        write(result, temp)
    except BaseException as exc:  # handed to the parent, which raises it
        try:
            send.send(exc)
        except Exception:  # an exception that cannot be pickled is reported by its text
            send.send(RuntimeError(f"{type(exc).__name__}: {exc}"))
    else:
        send.send(None)
    finally:
        send.close()
