"""Work done by a forked copy of this process while this one goes on with other work.

The copy inherits everything this process holds when it starts (a run's tables are never pickled
to it) and sends back only its result, pickled. Where the platform cannot fork, or the copy dies,
the work is done here when its result is asked for: the outcome is the same either way. An
exception the work raises in the copy is raised here by :meth:`Forked.result`.

Beside it, the four ways the run keeps the garbage collector off its large heap: kept out of
collection once the workbooks are read (:func:`heap_kept`), frozen around a fork
(:func:`frozen_heap`), paused while many small objects are made (:func:`collection_paused`), and
what the libraries' imports made left out (:func:`imports_uncollected`);
:func:`interrupts_held` around a fork, so that Ctrl-C is the run's alone; :func:`stopped_now`, a
pool's processes ended at once when the run is interrupted; :func:`end_with_parent`, which every
process a run starts calls, so that none outlives a run killed outright; and :func:`freed_memory_returned`,
the memory of the workbooks read handed back to the system once the run is done with them.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

Result = TypeVar("Result")

_WORK: dict[int, Callable[[], object]] = {}  # what a copy is to do, set before it is forked


class Forked(Generic[Result]):
    """``work()`` started in a forked process (when ``enabled`` and the platform can fork)."""

    def __init__(self, work: Callable[[], Result], *, enabled: bool = True) -> None:
        self._work = work
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future | None = None
        if enabled and "fork" in multiprocessing.get_all_start_methods():
            _WORK[id(self)] = work
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=end_with_parent)
            with frozen_heap(), interrupts_held():
                self._future = self._pool.submit(_run_inherited, id(self))  # the copy is forked here

    def result(self) -> Result:
        """The work's result: the copy's, once it has ended, or the work done here."""
        if self._future is not None:
            try:
                return self._future.result()
            except BrokenProcessPool:
                pass  # the copy died (killed, out of memory): done here below
            except BaseException:  # Ctrl-C: the copy is not waited for
                stopped_now(self._pool)
                raise
            finally:
                self._pool.shutdown()
                _WORK.pop(id(self), None)
                self._future = None
        return self._work()


_kept = False  # a run's heap is kept out of collection (see heap_kept)


@contextmanager
def heap_kept() -> Iterator[Callable[[], None]]:
    """Around a run: the ``keep`` it yields leaves everything the process holds at that moment out
    of garbage collection until the block ends.

    A run keeps the cells it has read to its end: millions of objects that make no reference cycle,
    which every full collection of the later stages walked again (about a second of one core on a
    million log rows). Objects kept out are still freed as soon as nothing refers to them; only a
    reference cycle among them would wait for the block's end.
    """
    global _kept

    def keep() -> None:
        global _kept
        gc.freeze()
        _kept = True

    try:
        yield keep
    finally:
        if _kept:
            _kept = False
            gc.unfreeze()


def freed_memory_returned() -> None:
    """The memory this process has freed handed back to the system, where the C library keeps it for
    later use (glibc's ``malloc_trim``; elsewhere nothing is done).

    The run frees the cells of the workbooks it read once they are validated, but glibc keeps the
    freed blocks: the run's process still held 530 MB when it wrote the outputs of a million log rows,
    216 MB once they were handed back, so that the writer processes then running beside it have the
    memory they need.
    """
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library the interpreter runs on
    except (AttributeError, OSError, TypeError):  # not glibc (macOS, musl, Windows)
        return None


_MALLOC_TRIM = _malloc_trim()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Around a fork: every object this process holds is left out of the copy's garbage collection.

    A collection writes to each object it examines, so a copy collecting the objects it inherited
    would copy every page that holds them (its CPU and memory both grow); frozen, the copy leaves
    them alone. This process collects them again as before once the copy is made (a copy that
    leaves the block, after a bare ``os.fork``, keeps them frozen), unless its heap is kept out of
    collection (:func:`heap_kept`): then they stay out until that ends.
    """
    freezer = os.getpid()
    gc.freeze()
    freed_memory_returned()  # what this process freed is not the copy's to hold too
    try:
        yield
    finally:
        if os.getpid() == freezer and not _kept:
            gc.unfreeze()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection meanwhile: a large table's cells, run.json's values or a folder's PDF
    pages are hundreds of thousands of small objects that make no reference cycle, and each
    collection they set off would walk them, and every other object of the run, again (a process
    forked meanwhile inherits the pause)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def imports_uncollected() -> Iterator[None]:
    """Around the imports of a run's libraries: no garbage collection meanwhile, and what they made left
    out of collection after (frozen, as by :func:`frozen_heap`, until a fork's block ends).

    Modules live as long as the process and make no garbage: collecting while pandas and pandera load
    walked their objects again and again, 0.04 CPU-s of the demo run's 0.9."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # before collecting again: the first allocation after would collect all they made
        if enabled:
            gc.enable()


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Around a fork: Ctrl-C (SIGINT) held back meanwhile, and ignored by a process forked meanwhile
    (held back there until :func:`end_with_parent` ignores it); this one receives it when the block
    ends, and stops its processes.

    A Ctrl-C that came as Python forked was swallowed by an at-fork handler ("Exception ignored",
    a traceback in the job's log) and the run went on to the end; one that reached a reader process
    as it sent its result left the other reader waiting for its lock, and the run hung.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    came: list[int] = []  # one the kernel gave another thread of this process (a pool's): noted, not lost
    previous = signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # this thread's kept pending meanwhile
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if came:
            signal.raise_signal(signal.SIGINT)


def stopped_now(pool: ProcessPoolExecutor) -> None:
    """A pool's work given up and its processes ended at once (the run was interrupted): shutting it
    down the usual way waits for every file or task already sent to it."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # before shutdown forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()


PARENT_CHECK_SECONDS = 1.0


def end_with_parent() -> None:
    """In a process the run started: end it at once when the run's process is gone.

    A run killed outright (SIGKILL, a scheduler's time limit) cannot stop the processes it started;
    a worker or writer waiting for work would otherwise wait for ever, holding its memory. A thread
    looks for the parent once a second.
    """
    parent = os.getppid()
    if threading.current_thread() is threading.main_thread():  # Ctrl-C is the run's: it stops this process
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # forked with Ctrl-C held back (interrupts_held): ignored from here
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _run_inherited(key: int) -> object:
    """In the forked copy: the work this process was given before the fork."""
    return _WORK[key]()
