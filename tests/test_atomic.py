"""Outputs appear whole or not at all: a folder of documents is flushed to disk before it takes its place."""

from __future__ import annotations

import threading

import pytest

from coaching_batch import atomic


def test_every_file_of_a_folder_is_flushed_before_the_folder_is_put_in_place(tmp_path, monkeypatch):
    final = tmp_path / "certificates"
    flushed: list[tuple[str, bool]] = []
    lock = threading.Lock()

    def record(path):
        with lock:
            flushed.append((path.name, final.exists()))

    monkeypatch.setattr(atomic, "_fsync_file", record)
    with atomic.atomic_folder(final) as temp:
        for i in range(40):
            (temp / f"{i:02}.pdf").write_bytes(b"%PDF-1.4")
        (temp / "sub").mkdir()
        (temp / "sub" / "all.pdf").write_bytes(b"%PDF-1.4")
    assert sorted(name for name, _ in flushed) == sorted([f"{i:02}.pdf" for i in range(40)] + ["all.pdf"])
    assert not any(existed for _, existed in flushed)  # all flushed while the folder was still temporary
    assert len(list(final.iterdir())) == 41


def test_a_folder_that_cannot_be_flushed_never_replaces_the_old_one(tmp_path, monkeypatch):
    final = tmp_path / "notices"
    final.mkdir()
    (final / "last week.eml").write_text("old")

    def fail(path):
        if path.name == "07.eml":
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(atomic, "_fsync_file", fail)
    with pytest.raises(OSError):
        with atomic.atomic_folder(final) as temp:
            for i in range(20):
                (temp / f"{i:02}.eml").write_text("new")
    assert [p.name for p in tmp_path.iterdir()] == ["notices"]
    assert [p.name for p in final.iterdir()] == ["last week.eml"]


def test_a_folder_flushed_by_its_writer_is_not_flushed_again(tmp_path, monkeypatch):
    final = tmp_path / "certificates"
    flushed: list[str] = []
    monkeypatch.setattr(atomic, "_fsync_file", lambda path: flushed.append(path.name))
    with atomic.atomic_folder(final, flush=False) as temp:
        (temp / "sub").mkdir()
        for name in ("a.pdf", "sub/b.pdf"):
            (temp / name).write_bytes(b"%PDF-1.4")
        atomic.flush_folder(temp)  # the writer's part
        assert sorted(flushed) == ["a.pdf", "b.pdf"]
    assert sorted(flushed) == ["a.pdf", "b.pdf"]
    assert sorted(p.name for p in final.rglob("*.pdf")) == ["a.pdf", "b.pdf"]
