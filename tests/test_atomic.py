"""The one file writer (apifuzz/atomic.py) and the one line for a failed file operation."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import BinaryIO

import pytest

from apifuzz import atomic
from apifuzz.atomic import atomic_write
from apifuzz.errors import describe_os_error


def full_disk(f: BinaryIO, raw: bytes) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as a write on a descriptor does


def test_text_with_a_lone_surrogate_is_written_escaped(tmp_path: Path) -> None:
    path = tmp_path / "traceback.txt"
    atomic_write(path, "ValueError: cannot say \ud800x\n")
    assert path.read_text(encoding="utf-8") == "ValueError: cannot say \\ud800x\n"


def test_a_full_disk_names_the_file_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stats.json"
    path.write_text("old")
    monkeypatch.setattr(atomic, "_write", full_disk)
    with pytest.raises(OSError) as caught:
        atomic_write(path, "new")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(path)
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stats.json"]  # no temporary left
    assert describe_os_error(caught.value) == (
        f"{path}: No space left on device; free some disk space and run again"
    )


def test_a_folder_that_is_a_file_names_the_file_not_a_temporary(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    path = tmp_path / "file" / "sub" / "x.txt"
    with pytest.raises(OSError) as caught:
        atomic_write(path, "x")
    assert caught.value.filename == str(path)
    assert describe_os_error(caught.value).startswith(f"{path}: ")


def test_describe_os_error() -> None:
    denied = PermissionError(errno.EACCES, "Permission denied", "/x/y")
    assert describe_os_error(denied) == (
        "/x/y: Permission denied; check its permissions, or choose another place"
    )
    assert describe_os_error(OSError("odd")) == "odd"
    not_dir = NotADirectoryError(errno.ENOTDIR, "Not a directory", "f/sub")
    assert describe_os_error(not_dir).endswith("; a part of that path is a file, not a folder")
