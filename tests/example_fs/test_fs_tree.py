"""Directories of the example file system: make, list, move, remove."""

from __future__ import annotations

import pytest

from example_fs import MAX_NAME_LENGTH, ROOT, FileSystem, FsError


def test_a_new_file_system_holds_only_the_root(fs: FileSystem) -> None:
    assert fs.dir_ids() == [ROOT]
    assert fs.listdir(ROOT) == []
    assert fs.file_ids() == fs.handle_ids() == fs.snapshot_ids() == []


def test_mkdir_and_listdir(fs: FileSystem) -> None:
    docs = fs.mkdir(ROOT, "docs")
    src = fs.mkdir(ROOT, "src")
    fs.mkdir(docs, "guide")
    assert fs.listdir(ROOT) == ["docs", "src"]
    assert fs.listdir(docs) == ["guide"]
    assert fs.listdir(src) == []
    fs.check()


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "nul\0", "x" * (MAX_NAME_LENGTH + 1)])
def test_bad_names_are_refused(fs: FileSystem, name: str) -> None:
    with pytest.raises(FsError):
        fs.mkdir(ROOT, name)
    with pytest.raises(FsError):
        fs.create(ROOT, name)


def test_a_taken_name_is_refused(fs: FileSystem) -> None:
    fs.mkdir(ROOT, "a")
    fs.create(ROOT, "f")
    for name in ("a", "f"):
        with pytest.raises(FsError, match="already holds"):
            fs.mkdir(ROOT, name)
        with pytest.raises(FsError, match="already holds"):
            fs.create(ROOT, name)


def test_move_dir_with_its_contents(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    b = fs.mkdir(ROOT, "b")
    inner = fs.mkdir(a, "inner")
    file = fs.create(inner, "f")
    fs.move_dir(inner, b, "moved")
    assert fs.listdir(a) == []
    assert fs.listdir(b) == ["moved"]
    assert fs.links(file) == [(inner, "f")]
    fs.check()


def test_move_dir_renames_in_place(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    fs.move_dir(a, ROOT, "b")
    assert fs.listdir(ROOT) == ["b"]


def test_move_dir_refusals(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    fs.mkdir(ROOT, "b")
    with pytest.raises(FsError, match="root"):
        fs.move_dir(ROOT, a, "root")
    with pytest.raises(FsError, match="below itself"):
        fs.move_dir(a, a, "self")
    with pytest.raises(FsError, match="already holds"):
        fs.move_dir(a, ROOT, "b")


def test_remove_a_tree(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    b = fs.mkdir(a, "b")
    fs.create(a, "f")
    fs.create(b, "g")
    keep = fs.create(ROOT, "keep")
    fs.remove(a)
    assert fs.dir_ids() == [ROOT]
    assert fs.file_ids() == [keep]
    assert fs.listdir(ROOT) == ["keep"]


def test_remove_keeps_files_linked_elsewhere(fs: FileSystem) -> None:
    a = fs.mkdir(ROOT, "a")
    file = fs.create(a, "f")
    fs.write(file, 0, b"data")
    fs.link(file, ROOT, "outside")
    fs.remove(a)
    assert fs.links(file) == [(ROOT, "outside")]
    assert fs.read(file, 0, 10) == b"data"


def test_the_root_cannot_be_removed(fs: FileSystem) -> None:
    with pytest.raises(FsError, match="root"):
        fs.remove(ROOT)
