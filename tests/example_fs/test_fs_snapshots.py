"""Snapshots of the example file system: capture, restore, drop."""

from __future__ import annotations

import pytest

from example_fs import MAX_SNAPSHOTS, ROOT, FileSystem, FsError


def test_restore_brings_back_the_tree_and_the_contents(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(a, "f")
    fs.write(file, 0, b"before")
    snap = fs.snapshot()
    fs.write(file, 0, b"AFTER!")
    fs.mkdir(ROOT, "later")
    fs.create(ROOT, "new")
    fs.restore(snap)
    assert fs.listdir(ROOT) == ["a"]
    assert fs.read(file, 0, 10) == b"before"
    assert fs.dir_ids() == [ROOT, a]


def test_restore_brings_back_deleted_things(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(a, "f")
    fs.write(file, 0, b"keep me")
    snap = fs.snapshot()
    fs.remove(a)
    fs.restore(snap)
    assert fs.read(file, 0, 10) == b"keep me"
    assert fs.links(file) == [(a, "f")]


def test_restore_brings_back_deleted_files_and_the_quotas(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(a, "f")
    fs.write(file, 0, b"12345")
    snap = fs.snapshot()
    fs.unlink(file, 0)
    fs.set_quota(a, 10)
    fs.restore(snap)
    assert fs.read(file, 0, 10) == b"12345"
    fs.write(file, 0, b"x" * 200)  # the snapshot's directory had no quota
    assert fs.usage(a) == 200


def test_a_snapshot_is_not_changed_by_later_writes(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"one")
    first = fs.snapshot()
    fs.write(file, 0, b"two")
    second = fs.snapshot()
    fs.restore(first)
    assert fs.read(file, 0, 3) == b"one"
    fs.restore(second)
    assert fs.read(file, 0, 3) == b"two"


def test_an_open_file_the_snapshot_lacks_lives_on(fs: FileSystem) -> None:
    snap = fs.snapshot()
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"new")
    handle = fs.open(file)
    fs.restore(snap)
    assert fs.file_ids() == []
    assert fs.read_at(handle, 3) == b"new"
    fs.check()
    fs.close(handle)


def test_drop_snapshot(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"data")
    snap = fs.snapshot()
    fs.drop_snapshot(snap)
    assert fs.snapshot_ids() == []
    assert fs.read(file, 0, 4) == b"data"


def test_too_many_snapshots_are_refused(fs: FileSystem) -> None:
    for _ in range(MAX_SNAPSHOTS):
        fs.snapshot()
    with pytest.raises(FsError, match="snapshots"):
        fs.snapshot()
