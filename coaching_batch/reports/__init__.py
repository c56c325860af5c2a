"""The run's outputs: ``results.xlsx`` (coordinator), ``payments.xlsx`` (finance),
``exceptions.xlsx`` (weekly exception report) and ``run.json`` (machines).

Every file is written atomically. All four are first written in full to temporary files beside
their final names; only when all of them are complete are they renamed into place, so a failure
while writing leaves the previous run's files as they were and no temporary file behind.

Building a workbook or a PDF is CPU-bound Python, so ``results.xlsx`` (the largest workbook) and
the folders of PDFs are written by two writer processes while this one writes the rest; the
renames still wait for all. A run starts its writer processes at its beginning
(:func:`writers_started`): they load the PDF library while the run reads and judges, share none
of the run's data (they are sent the result, pickled), and so are ready when the outputs are due.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import NamedTuple

from ..forked import end_with_parent, frozen_heap, interrupts_held
from ..model import RunResult
from ..documents import FOLDER_WRITERS as DOCUMENT_WRITERS  # the PDFs
from ..notices.eml import NOTICES_DIRNAME, write_notices
from .atomic import atomic_folder, atomic_path, flush_folder, remove_temporaries
from .exceptions import finding_key, tracked_findings, write_exceptions
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
# The outputs that list the run's findings with their status and age (tracked_findings): written in
# the run's own process, they are given that list, worked out once for both.
LISTING_FINDINGS = (RUN_JSON, EXCEPTIONS)
# Folders of documents (certificates, notices …): each writer fills a fresh temporary folder; when
# every file and folder is complete, the folders are put in place first, then the files.
FOLDER_WRITERS: dict[str, Callable[[RunResult, Path], None]] = {
    **DOCUMENT_WRITERS,  # certificates/, payment-requests/, payment-documentation/ (PDF)
    NOTICES_DIRNAME: write_notices,  # the weekly notices as .eml files
}


def _prepare_documents() -> None:
    """The PDF library loaded and warmed up, and a blank document made for each PDF folder (landscape
    for the certificates, portrait for the payment folders), while the writer waits for the result."""
    from ..documents import certificates, payments  # noqa: F401 - loaded now, used when the result comes
    from ..documents.pdf import make_ahead, warm_up

    warm_up()
    make_ahead("landscape", "portrait", "portrait")


class Share(NamedTuple):
    """What a writer process writes, what it prepares while it waits for the result, and whether
    those outputs list the run's inputs and findings (see :func:`_pickled`)."""

    names: tuple[str, ...]
    prepare: Callable[[], None] | None
    lists: bool


SHARES: tuple[Share, ...] = (
    Share((RESULTS,), None, lists=True),
    Share(tuple(DOCUMENT_WRITERS), _prepare_documents, lists=False),  # the PDFs name no input or finding
)
PARALLEL_MIN_ROWS = 5_000  # without started writers: below this many rows (findings, inputs, pairs) all is written here

__all__ = ["write_outputs", "writers_started", "finding_key", "run_summary", "OUTPUT_NAMES", "RESULTS", "PAYMENTS",
           "EXCEPTIONS", "RUN_JSON"]


class WriterStopped(RuntimeError):
    """The process writing an output ended without saying whether it succeeded"""


def write_outputs(result: RunResult, out_dir: Path, *, parallel: bool | None = None,
                  writers: Sequence[OutputWriter] | None = None,
                  delivering: Callable[[Path], None] | None = None) -> list[Path]:
    """Write the four outputs and the folders of documents into ``out_dir`` (created with its
    parents); returns the four outputs' paths.

    ``delivering`` is called with the payment sheet's temporary file when everything else is in
    place, just before that file is renamed to ``payments.xlsx``; if it raises, the sheet is not put
    in place.

    ``writers`` (from :func:`writers_started`) write their :data:`SHARES` meanwhile. Without them,
    ``parallel`` starts writers here; None (the default) does so for a large run where the
    platform can fork.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        if writers is None:
            if parallel is None:
                parallel = _worth_forking(result)
            writers = stack.enter_context(writers_started()) if parallel else []
        # payments.xlsx is entered first so it is renamed into place last (the stack
        # exits in reverse), after run.json: a delivered payment sheet always has the rest beside it
        temps = {PAYMENTS: stack.enter_context(atomic_path(out_dir / PAYMENTS))}
        if delivering is not None:
            stack.enter_context(_then(delivering, temps[PAYMENTS]))
        temps |= {name: stack.enter_context(atomic_path(out_dir / name)) for name in WRITERS if name != PAYMENTS}
        temps |= {name: stack.enter_context(atomic_folder(out_dir / name, flush=False)) for name in FOLDER_WRITERS}
        # Each folder is flushed to disk as soon as it is written, while the rest is still being
        # written (flushing waits on the disk); the stack waits for the flushes before any rename.
        flushing = stack.enter_context(ThreadPoolExecutor(max_workers=2, thread_name_prefix="flush"))
        flushes: list[Future] = []

        def written(name: str) -> None:
            if name in FOLDER_WRITERS:
                flushes.append(flushing.submit(flush_folder, temps[name]))

        try:
            sent = []  # a writer gone before its outputs were due (killed while it waited): they are written here
            if writers:
                parts = _pickled(result)  # once, for every writer
                sent = [writer for writer, share in zip(writers, SHARES)
                        if writer.send(share.names, {name: temps[name] for name in share.names},
                                       parts if share.lists else parts[:1])]
            elsewhere = {name for writer in sent for name in writer.names}
            for name, write in _writers_here(result, elsewhere).items():
                if name not in elsewhere:
                    write(result, temps[name])
                    written(name)
            for writer in sent:
                writer.wait(written)
            for flush in flushes:
                flush.result()  # a folder that cannot be flushed fails the write
        except BaseException:  # this process, or a writer, failed: none may write afterwards
            for writer in writers:
                writer.stop()
            raise
    return [out_dir / name for name in (RESULTS, PAYMENTS, EXCEPTIONS, RUN_JSON)]


def _writers_here(result: RunResult, elsewhere: set[str]) -> dict[str, Callable[[RunResult, Path], None]]:
    """Every output's writer, as this process runs them: those of :data:`LISTING_FINDINGS` given the
    run's tracked findings, worked out once (after the result is sent to the writer processes, so
    that it is neither pickled nor in their way)."""
    here = WRITERS | FOLDER_WRITERS
    listing = [name for name in LISTING_FINDINGS if name not in elsewhere]
    if listing:
        tracked = tracked_findings(result)
        here |= {name: partial(here[name], tracked=tracked) for name in listing}
    return here


def _pickled(result: RunResult) -> tuple[bytes, bytes]:
    """``result`` pickled in two parts: all but its inputs and findings, and those two lists. They are
    most of what a writer process loads (0.1 s of a large run's); a share whose outputs list neither
    is sent the first part alone (:func:`_unpickled`)."""
    rest = dataclasses.replace(result, inputs=[], findings=[])
    return (pickle.dumps(rest, protocol=pickle.HIGHEST_PROTOCOL),
            pickle.dumps((result.inputs, result.findings), protocol=pickle.HIGHEST_PROTOCOL))


def _unpickled(parts: Sequence[bytes]) -> RunResult:
    """The result of :func:`_pickled`'s ``parts``: without inputs and findings when given the first alone."""
    result = pickle.loads(parts[0])
    if len(parts) > 1:
        result.inputs, result.findings = pickle.loads(parts[1])
    return result


@contextmanager
def _then(action: Callable[[Path], None], path: Path) -> Iterator[None]:
    """``action(path)`` when the block ends cleanly; an exception passes through without it."""
    yield
    action(path)


def remove_left_behind(out_dir: Path) -> list[Path]:
    """The hidden temporary files and folders of the outputs (``.payments.xlsx.tmp-…``) that a run
    killed while writing left in ``out_dir``, removed (nothing else is touched)."""
    return remove_temporaries(Path(out_dir), [*WRITERS, *FOLDER_WRITERS])


def _worth_forking(result: RunResult) -> bool:
    return len(result.findings) + len(result.inputs) + len(result.pairs) >= PARALLEL_MIN_ROWS


@contextmanager
def writers_started() -> Iterator[list[OutputWriter]]:
    """One writer process per share of :data:`SHARES`, started now (none where the platform cannot
    fork); those still waiting when the block ends (the run stopped before its outputs) are stopped."""
    writers: list[OutputWriter] = []
    try:
        if "fork" in multiprocessing.get_all_start_methods():
            writers = [OutputWriter(share.prepare) for share in SHARES]
        yield writers
    finally:
        for writer in writers:
            writer.stop()


class OutputWriter:
    """A forked process that writes the outputs it is sent; their writer's failure is raised by :meth:`wait`."""

    def __init__(self, prepare: Callable[[], None] | None = None) -> None:
        context = multiprocessing.get_context("fork")
        tasks, self._tasks = context.Pipe(duplex=False)  # (reading end, writing end)
        self._answers, answers = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve, args=(tasks, answers, (self._tasks, self._answers), prepare),
                                        daemon=True)
        with frozen_heap(), interrupts_held():  # Ctrl-C is for the run, which stops its writers
            self._process.start()
        tasks.close()
        answers.close()
        self.names: tuple[str, ...] = ()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def send(self, names: Sequence[str], temps: dict[str, Path], parts: Sequence[bytes]) -> bool:
        """Have the outputs ``names`` written to ``temps`` from the result pickled in ``parts``
        (:func:`_pickled`); False when the process had already ended (nothing was sent)."""
        if not self._process.is_alive():
            return False
        names = tuple(names)
        try:
            self._tasks.send((names, temps, len(parts)))
        except OSError:  # it ended just now
            return False
        self.names = names
        try:
            for part in parts:
                self._tasks.send_bytes(part)
        except OSError:  # it ended while being sent the result: wait() says so
            pass
        return True

    def wait(self, written: Callable[[str], None] | None = None) -> None:
        """Until the outputs are written, telling ``written`` the name of each as it is done; their
        writer's exception, if it raised one, is raised again."""
        try:
            while True:
                kind, value = self._answers.recv()  # ("written", name) …, then ("finished", error)
                if kind == "finished":
                    error = value
                    break
                if written is not None:
                    written(value)
        except EOFError:
            error = WriterStopped(f"the process writing {', '.join(self.names)} stopped before finishing")
        finally:
            self.stop()  # once it has answered, it has nothing left to do
        if error is not None:
            raise error

    def stop(self) -> None:
        """End the process (at once, if it is still at work): nothing may write its outputs afterwards."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._tasks.close()
        self._answers.close()


def _serve(tasks, answers, parents_ends, prepare: Callable[[], None] | None) -> None:
    """In the writer process: ``prepare``, then write what is sent, and answer."""
    for end in parents_ends:  # else this process would hold its own pipe open: no end of file
        end.close()
    end_with_parent()
    if prepare is not None:
        try:
            prepare()
        except Exception:  # noqa: BLE001 - the writing does the same again and reports why
            pass
    try:
        names, temps, count = tasks.recv()
        result = _unpickled([tasks.recv_bytes() for _ in range(count)])
    except (EOFError, OSError):  # the run ended before its outputs, or was killed while sending them
        return  # (a message cut short is an OSError): no traceback in the job's log
    error: BaseException | None = None
    try:
        for name in names:
            (WRITERS | FOLDER_WRITERS)[name](result, temps[name])
            answers.send(("written", name))  # the run may flush it meanwhile
    except BaseException as exc:  # handed to the run, which raises it
        error = exc
    try:
        answers.send(("finished", error))
    except BrokenPipeError:  # the run was killed while its outputs were written: no one to answer, no traceback
        pass
    except Exception:  # an exception that cannot be pickled is reported by its text
        with suppress(BrokenPipeError):
            answers.send(("finished", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        answers.close()
