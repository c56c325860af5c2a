"""Many documents drawn on both cores: the items split in parts, each part drawn by a forked copy of
this process (the run's data is shared by the fork, never copied or pickled).

``os.fork`` is used directly, not :mod:`multiprocessing`: the documents are themselves written in a
daemon writer process (:func:`coaching_batch.reports.write_outputs`), and a daemon process may not
start :mod:`multiprocessing` children. Where the platform cannot fork, or there are
few items, everything is drawn here.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

from ..forked import frozen_heap

Item = TypeVar("Item")
Result = TypeVar("Result")

PROCESSES = 2  # this machine class has two cores
LEAST_PER_PROCESS = 100  # fewer items than this are not worth a fork


class DrawingFailed(RuntimeError):
    """A process drawing documents failed; nothing it drew may be used"""


def in_forks(draw: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], *,
             processes: int = PROCESSES) -> list[Result]:
    """``draw`` applied to ``items`` in ``processes`` parts at once; the parts' results, in order.

    Each part but the last is drawn by a child process that writes its own files and sends back
    ``draw``'s result; the last is drawn here meanwhile (one process fewer holding a copy of what it
    touches). Any part's failure is raised here once all have ended: its own exception, as drawing
    everything here would raise it (a full disk's OSError is said as one, not as a bug), or, when that
    cannot be sent back, :class:`DrawingFailed` with its text.
    """
    parts = min(processes, len(items) // LEAST_PER_PROCESS)
    if parts < 2 or not hasattr(os, "fork"):
        return draw(items)
    size = -(-len(items) // parts)
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    children = [_start(draw, chunk) for chunk in chunks[:-1]]  # the last part is drawn here meanwhile
    try:
        last = draw(chunks[-1])
    except BaseException as exc:  # noqa: BLE001 - raised below, once the children have ended
        last, failure = [], exc
    else:
        failure = None
    results: list[Result] = []
    for pid, reading in children:
        with os.fdopen(reading, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        try:
            outcome, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - a child that died sent nothing whole
            outcome, value = "error", (None, f"the process ended without finishing (status {status})")
        if outcome == "ok":
            results += value
        elif failure is None:
            failure = _raised(*value)
    if failure is not None:
        raise failure
    return results + last


def _raised(exception: bytes | None, text: str) -> BaseException:
    """A child's failure: its exception, or where that cannot be had again, :class:`DrawingFailed`."""
    try:
        return pickle.loads(exception) if exception is not None else DrawingFailed(text)
    except Exception:  # noqa: BLE001 - pickled, but it cannot be made again here
        return DrawingFailed(text)


def _start(draw, chunk) -> tuple[int, int]:
    reading, writing = os.pipe()
    with frozen_heap():
        pid = os.fork()
    if pid == 0:  # the child: draw, send the result, leave without running the parent's exit handlers
        code = 0
        try:
            os.close(reading)
            try:
                message = pickle.dumps(("ok", draw(chunk)))
            except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                try:
                    exception = pickle.dumps(exc)
                except Exception:  # noqa: BLE001 - told by its text alone
                    exception = None
                message, code = pickle.dumps(("error", (exception, f"{type(exc).__name__}: {exc}"))), 1
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(message)
        finally:
            os._exit(code)
    os.close(writing)
    return pid, reading
