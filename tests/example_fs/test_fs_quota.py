"""Quotas of the example file system: what counts, and every way to grow."""

from __future__ import annotations

import pytest

from example_fs import ROOT, FileSystem, FsError


def test_usage_counts_every_file_below(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    b = fs.mkdir(a, "b")
    fs.write(fs.create(a, "f"), 0, b"12345")
    fs.write(fs.create(b, "g"), 0, b"123")
    assert fs.usage(b) == 3
    assert fs.usage(a) == 8
    assert fs.usage(ROOT) == 8


def test_a_file_linked_twice_counts_once(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(a, "f")
    fs.write(file, 0, b"1234")
    fs.link(file, a, "g")
    fs.link(file, ROOT, "h")
    assert fs.usage(a) == 4
    assert fs.usage(ROOT) == 4


def test_write_is_refused_over_the_quota(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    fs.set_quota(a, 4)
    file = fs.create(a, "f")
    fs.write(file, 0, b"1234")
    with pytest.raises(FsError, match="quota"):
        fs.write(file, 2, b"345")
    fs.write(file, 0, b"abcd")  # an overwrite needs no room
    assert fs.read(file, 0, 10) == b"abcd"


def test_append_checks_every_directory_above(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    b = fs.mkdir(a, "b")
    fs.set_quota(a, 3)
    file = fs.create(b, "f")
    fs.append(file, b"123")
    with pytest.raises(FsError, match="quota"):
        fs.append(file, b"4")


def test_truncate_is_refused_over_the_quota(fs: FileSystem) -> None:
    fs.set_quota(ROOT, 10)
    file = fs.create(ROOT, "f")
    with pytest.raises(FsError, match="quota"):
        fs.truncate(file, 11)
    fs.truncate(file, 10)


def test_copy_and_link_need_room(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    full = fs.mkdir(ROOT, "full")
    file = fs.create(a, "f")
    fs.write(file, 0, b"12345")
    fs.set_quota(full, 4)
    with pytest.raises(FsError, match="quota"):
        fs.copy(file, full, "copy")
    with pytest.raises(FsError, match="quota"):
        fs.link(file, full, "link")


def test_moving_a_directory_needs_room(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    small = fs.mkdir(ROOT, "small")
    fs.write(fs.create(a, "f"), 0, b"12345")
    fs.set_quota(small, 4)
    with pytest.raises(FsError, match="quota"):
        fs.move_dir(a, small, "a")
    assert fs.listdir(ROOT) == ["a", "small"]
    fs.set_quota(small, 5)
    fs.move_dir(a, small, "a")
    assert fs.usage(small) == 5


def test_a_quota_below_the_usage_is_refused(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    fs.write(fs.create(a, "f"), 0, b"12345")
    with pytest.raises(FsError, match="already uses"):
        fs.set_quota(a, 4)
    fs.set_quota(a, 5)
    fs.set_quota(a, None)
    with pytest.raises(FsError):
        fs.set_quota(a, -1)


def test_deleting_frees_room(fs: FileSystem) -> None:
    fs.set_quota(ROOT, 4)
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"1234")
    fs.unlink(file, 0)
    assert fs.usage(ROOT) == 0
    fs.write(fs.create(ROOT, "g"), 0, b"5678")
