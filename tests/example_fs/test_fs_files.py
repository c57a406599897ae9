"""Files of the example file system: contents, copies, hard links, renames."""

from __future__ import annotations

import pytest

from example_fs import MAX_SIZE, ROOT, FileSystem, FsError


def test_create_makes_an_empty_file(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    assert fs.stat(file) == 0
    assert fs.read(file, 0, 10) == b""
    assert fs.links(file) == [(ROOT, "f")]


def test_write_and_read(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    assert fs.write(file, 0, b"hello world") == 11
    assert fs.write(file, 6, b"there") == 11
    assert fs.read(file, 0, 100) == b"hello there"
    assert fs.read(file, 6, 3) == b"the"


def test_write_past_the_end_fills_zeros(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    assert fs.write(file, 3, b"x") == 4
    assert fs.read(file, 0, 4) == b"\0\0\0x"


def test_append(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.append(file, b"ab")
    assert fs.append(file, b"cd") == 4
    assert fs.read(file, 0, 4) == b"abcd"


def test_truncate_shrinks_and_grows(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"abcdef")
    fs.truncate(file, 2)
    assert fs.read(file, 0, 10) == b"ab"
    fs.truncate(file, 4)
    assert fs.read(file, 0, 10) == b"ab\0\0"


@pytest.mark.parametrize(("offset", "data"), [(-1, b"x"), (MAX_SIZE, b"x"), (MAX_SIZE + 1, b"")])
def test_write_out_of_range_is_refused(fs: FileSystem, offset: int, data: bytes) -> None:
    file = fs.create(ROOT, "f")
    with pytest.raises(FsError):
        fs.write(file, offset, data)


def test_equal_contents_share_storage(fs: FileSystem) -> None:
    one = fs.create(ROOT, "one")
    two = fs.create(ROOT, "two")
    fs.write(one, 0, b"same")
    fs.write(two, 0, b"same")
    fs.write(one, 0, b"diff")
    assert fs.read(one, 0, 4) == b"diff"
    assert fs.read(two, 0, 4) == b"same"


def test_copy_has_the_same_content(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"content")
    duplicate = fs.copy(file, a, "g")
    assert duplicate != file
    assert fs.read(duplicate, 0, 100) == b"content"
    assert fs.stat(duplicate) == fs.stat(file) == 7
    assert fs.listdir(a) == ["g"]


def test_copy_refuses_a_taken_name(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    with pytest.raises(FsError, match="already holds"):
        fs.copy(file, ROOT, "f")


def test_a_hard_link_is_the_same_file(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(ROOT, "f")
    fs.link(file, a, "g")
    fs.write(file, 0, b"shared")
    assert fs.links(file) == [(ROOT, "f"), (a, "g")]
    assert fs.listdir(a) == ["g"]
    assert fs.file_ids() == [file]


def test_unlink_one_name_keeps_the_file(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.link(file, ROOT, "g")
    fs.unlink(file, 0)
    assert fs.links(file) == [(ROOT, "g")]
    assert fs.listdir(ROOT) == ["g"]


def test_unlink_the_last_name_deletes_the_file(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.write(file, 0, b"gone")
    fs.unlink(file, 0)
    assert fs.file_ids() == []
    assert fs.listdir(ROOT) == []


def test_rename_to_another_directory(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(ROOT, "f")
    fs.rename(file, 0, a, "g")
    assert fs.links(file) == [(a, "g")]
    assert fs.listdir(ROOT) == ["a"]


def test_rename_replaces_another_file(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    other = fs.create(ROOT, "g")
    fs.rename(file, 0, ROOT, "g")
    assert fs.file_ids() == [file]
    assert fs.links(file) == [(ROOT, "g")]
    assert other not in fs.file_ids()


def test_rename_between_two_names_of_one_file_does_nothing(fs: FileSystem) -> None:
    file = fs.create(ROOT, "f")
    fs.link(file, ROOT, "g")
    fs.rename(file, 0, ROOT, "g")
    assert fs.links(file) == [(ROOT, "f"), (ROOT, "g")]


def test_rename_onto_a_directory_is_refused(fs: FileSystem) -> None:
    fs.mkdir(ROOT, "a")
    file = fs.create(ROOT, "f")
    with pytest.raises(FsError, match="is a directory"):
        fs.rename(file, 0, ROOT, "a")
