"""Open handles of the example file system: positions, and files that outlive their names."""

from __future__ import annotations

import pytest

from example_fs import MAX_HANDLES, ROOT, FileSystem, FsError


def test_read_at_moves_the_position(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"abcdef")
    handle = fs.open(file)
    assert fs.read_at(handle, 2) == b"ab"
    assert fs.read_at(handle, 10) == b"cdef"
    assert fs.read_at(handle, 10) == b""
    fs.close(handle)


def test_write_at_and_seek(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    handle = fs.open(file)
    fs.write_at(handle, b"abc")
    fs.seek(handle, 1)
    assert fs.write_at(handle, b"XY") == 3
    assert fs.fstat(handle) == 3
    fs.seek(handle, 5)
    fs.write_at(handle, b"!")
    assert fs.read(file, 0, 10) == b"aXY\0\0!"
    fs.close(handle)


def test_write_at_respects_the_quota(fs: FileSystem) -> None:
    fs.set_quota(ROOT, 2)
    handle = fs.open(fs.create(ROOT, "f"))
    with pytest.raises(FsError, match="quota"):
        fs.write_at(handle, b"abc")


def test_two_handles_see_each_others_writes(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    one, two = fs.open(file), fs.open(file)
    fs.write_at(one, b"hello")
    assert fs.read_at(two, 5) == b"hello"
    fs.close(one)
    fs.close(two)
    assert fs.handle_ids() == []


def test_an_open_file_outlives_its_removed_directory(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(a, "f")
    fs.write(file, 0, b"still here")
    handle = fs.open(file)
    fs.remove(a)
    assert fs.file_ids() == []
    assert fs.read_at(handle, 100) == b"still here"
    assert fs.usage(ROOT) == 0
    fs.check()
    fs.close(handle)


def test_too_many_handles_are_refused(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    for _ in range(MAX_HANDLES):
        fs.open(file)
    with pytest.raises(FsError, match="handles"):
        fs.open(file)
