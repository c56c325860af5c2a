"""Atomic file replacement: a reader sees the old file or the new one, never half of one.

The new content is written to a temporary file in the destination's own folder (so the final
``os.replace`` is a rename on one file system), flushed to disk, then renamed onto the final name.
Any failure before the rename removes the temporary file and leaves the old file untouched.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

TEMP_MARKER = ".tmp-"  # every temporary name contains it: ".results.xlsx.tmp-<pid>-<token>"


def temp_path_for(final: Path) -> Path:
    """A fresh, hidden temporary name beside ``final``."""
    return final.with_name(f".{final.name}{TEMP_MARKER}{os.getpid()}-{secrets.token_hex(4)}")


def remove_temporaries(folder: Path, names: list[str], companions: tuple[str, ...] = ()) -> list[Path]:
    """The temporary files and folders of ``names`` in ``folder`` (:func:`temp_path_for`'s names only,
    ``.results.xlsx.tmp-<pid>-<token>``), and those names with one of ``companions`` after them (SQLite's
    ``-wal`` and ``-shm`` beside a temporary ledger), removed: what a process killed while writing left
    behind. Returns what was removed; anything else in the folder is never touched."""
    after = f"(?:{'|'.join(map(re.escape, companions))})?" if companions else ""
    pattern = re.compile(rf"\.(?:{'|'.join(map(re.escape, names))}){re.escape(TEMP_MARKER)}\d+-[0-9a-f]{{8}}{after}")
    try:
        entries = [Path(entry.path) for entry in os.scandir(folder) if pattern.fullmatch(entry.name)]
    except OSError:  # no folder yet: nothing left behind
        return []
    for path in entries:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            _remove_quietly(path)
    return entries


def check_writable(folder: Path | str, name: str) -> None:
    """Raise the OSError that writing ``name`` atomically into ``folder`` would raise, before anything is
    written: its temporary file made and removed there, or, while ``folder`` does not exist yet, the
    temporary sibling of the first missing folder on its path, where that one would be created. A file
    made, not ``os.access``, which can answer wrongly on a network share."""
    folder = Path(folder)
    missing = next((path for path in (folder, *folder.parents) if path.parent.is_dir() or path.parent == path), folder)
    probe = temp_path_for(folder / name if folder.is_dir() else missing)
    os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    _remove_quietly(probe)


@contextmanager
def atomic_path(final: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write; on a clean exit it replaces ``final`` atomically.

    The temporary file already exists (empty, created with the usual permissions) when the body
    runs; the body may write it by name (``xlsxwriter``, ``sqlite3.connect``) or open it itself.
    If the body raises, the temporary file is removed and ``final`` is not touched.
    """
    final = Path(final)
    temp = temp_path_for(final)
    # O_EXCL: never write through a file (or symbolic link) someone else put there.
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield temp
        _fsync_file(temp)
        os.replace(temp, final)
    except BaseException:
        _remove_quietly(temp)
        raise
    _fsync_folder(final.parent)


@contextmanager
def atomic_folder(final: Path | str, *, flush: bool = True) -> Iterator[Path]:
    """Yield a fresh temporary folder to fill; on a clean exit it takes the place of ``final``.

    A folder cannot be swapped in one rename when one is already there: the old folder is first
    moved aside, the new one renamed into place, then the old one removed, so ``final`` is only
    ever missing for the moment between two renames and is never half-written. If the body raises,
    the temporary folder is removed and ``final`` is not touched.

    Every file in it is flushed to disk before the renames; ``flush=False`` leaves that to the body,
    which then has flushed them (:func:`flush_folder`) by the time it ends.
    """
    final = Path(final)
    temp = temp_path_for(final)
    temp.mkdir()
    try:
        yield temp
        if flush:
            flush_folder(temp)
        if final.exists():
            aside = temp_path_for(final)
            os.replace(final, aside)
            os.replace(temp, final)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    _fsync_folder(final.parent)


def atomic_write_bytes(final: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``final`` atomically; returns the final path."""
    with atomic_path(final) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)
    return Path(final)


def atomic_write_text(final: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``final`` atomically; returns the final path."""
    return atomic_write_bytes(final, text.encode(encoding))


def flush_folder(folder: Path) -> None:
    """Every file in ``folder`` (and its subfolders) flushed to disk."""
    _fsync_files([path for path in folder.rglob("*") if path.is_file()])


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_files(paths: list[Path]) -> None:
    """Flush many files to disk. A flush waits on the disk, not the processor: asked for together
    (from threads) the disk takes them in one go, where one after another each waits its turn; a
    folder of 2,000 documents took half a second to five seconds one by one, a tenth together."""
    if len(paths) < 2:
        for path in paths:
            _fsync_file(path)
        return
    with ThreadPoolExecutor(max_workers=min(_FLUSHING_THREADS, len(paths))) as pool:
        for _ in pool.map(_fsync_file, paths):  # the first failure is raised here
            pass


_FLUSHING_THREADS = 16


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible, and not needed, on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:  # never hide the error that made the write fail
        pass
