"""apifuzz's own failures (a place it cannot write, a full disk, an unreadable lock) are no bugs.

Each is one line on stderr naming the path and what to do, with exit code 2,
never a traceback with exit code 1 ("a bug showed").  A read-only folder does
not stop root, so the tests that need one are skipped for root; a folder under
a regular file (``file/sub``) fails for everyone and is tested always.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from apifuzz import atomic
from apifuzz.cli import main

SUPPORT = Path(__file__).resolve().parent.parent / "support"
ROOT_WRITES_ANYWHERE = (
    "this user (root) writes into read-only folders; the file/sub tests cover this"
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line_error(result: subprocess.CompletedProcess[str], command: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"apifuzz {command}: error: "), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        (folder / "probe").touch()
    except PermissionError:
        yield folder
    else:
        pytest.skip(ROOT_WRITES_ANYWHERE)
    finally:
        folder.chmod(stat.S_IRWXU)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text("new 1\n")
    return folder


# -- a place apifuzz cannot write --------------------------------------------------------


def test_fuzz_workdir_under_a_file(tmp_path: Path, seeds: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run("fuzz", "fuzz_models", "--corpus", "seeds", "--workdir", "file/w", cwd=tmp_path)
    error = one_line_error(result, "fuzz")
    assert error.startswith("apifuzz fuzz: error: --workdir file/w: cannot write file/w/")
    assert error.endswith("Not a directory; a part of that path is a file, not a folder\n")


def test_fuzz_read_only_workdir(tmp_path: Path, seeds: Path, read_only: Path) -> None:
    result = run("fuzz", "fuzz_models", "--corpus", "seeds", "--workdir", "ro/w", cwd=tmp_path)
    error = one_line_error(result, "fuzz")
    assert "--workdir ro/w: cannot write ro/w" in error and "Permission denied" in error


def test_package_out_under_a_file(tmp_path: Path, seeds: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run("package", "fuzz_models", "--corpus", "seeds", "--out", "file/sub", cwd=tmp_path)
    error = one_line_error(result, "package")
    assert error.startswith("apifuzz package: error: --out file/sub: cannot write file/sub")
    assert error.endswith("; a part of that path is a file, not a folder\n")


def test_package_read_only_out(tmp_path: Path, seeds: Path, read_only: Path) -> None:
    result = run("package", "fuzz_models", "--corpus", "seeds", "--out", "ro", cwd=tmp_path)
    assert "--out ro: cannot write ro/" in one_line_error(result, "package")


def test_write_lock_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    result = run("lang", "fuzz_models", "--corpus", "file/sub", "--write-lock", cwd=tmp_path)
    error = one_line_error(result, "lang")
    assert "alias lock file/sub/aliases.lock: Not a directory" in error


def test_write_lock_in_a_read_only_corpus(tmp_path: Path, read_only: Path) -> None:
    result = run("lang", "fuzz_models", "--corpus", "ro", "--write-lock", cwd=tmp_path)
    error = one_line_error(result, "lang")
    assert error.startswith("apifuzz lang: error: cannot write alias lock ro/aliases.lock: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cov", "fuzz_models", "seeds", "--html", "file/h"],
         "apifuzz cov: error: --html file/h: cannot write file/h: Not a directory"),
        (["cov", "fuzz_models", "seeds", "--json", "file/j.json"],
         "apifuzz cov: error: --json file/j.json: cannot write file/j.json: Not a directory"),
        (["trace", "fuzz_models", "--out", "file/c"],
         "apifuzz trace: error: --out file/c: cannot write file/c/fuzz_models: Not a directory"),
        (["minimize", "fuzz_models", "bug.txt", "-o", "file/m.txt"],
         "apifuzz minimize: error: cannot write file: File exists; it is a file, where a folder "
         "is needed"),
    ],
)  # fmt: skip
def test_other_outputs_under_a_file(
    tmp_path: Path, seeds: Path, args: list[str], message: str
) -> None:
    (tmp_path / "file").write_text("")
    (tmp_path / "bug.txt").write_text("new 5\ndivide 0 100\n")
    result = run(*args, cwd=tmp_path)
    assert one_line_error(result, args[0]).startswith(message)


# -- an unreadable alias lock ------------------------------------------------------------


@pytest.mark.parametrize("command", ["lang", "replay", "fuzz"])
def test_a_lock_that_is_not_utf8(tmp_path: Path, seeds: Path, command: str) -> None:
    (seeds / "aliases.lock").write_bytes(b"n new\n\xff\xfe divide\n")
    (tmp_path / "s.txt").write_text("new 1\n")
    args = {"lang": [], "replay": ["s.txt"], "fuzz": ["--workdir", "w", "--runs", "1"]}[command]
    result = run(command, "fuzz_models", "--corpus", "seeds", *args, cwd=tmp_path)
    assert one_line_error(result, command).endswith(
        "alias lock seeds/aliases.lock is not UTF-8 text (byte 6); restore it from version "
        "control, or delete it to assign the aliases afresh\n"
    )


def test_a_lock_that_is_a_folder(tmp_path: Path, seeds: Path) -> None:
    (seeds / "aliases.lock").mkdir()
    result = run("lang", "fuzz_models", "--corpus", "seeds", cwd=tmp_path)
    assert one_line_error(result, "lang") == (
        "apifuzz lang: error: cannot read alias lock seeds/aliases.lock: Is a directory; "
        "it is a folder, where a file is needed\n"
    )


# -- a full disk -------------------------------------------------------------------------


def full_disk(f: BinaryIO, raw: bytes) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lang", "fuzz_models", "--corpus", "c", "--write-lock"],
         "apifuzz lang: error: cannot write alias lock c/aliases.lock: No space left on device"),
        (["package", "fuzz_models", "--corpus", "seeds", "--out", "out"],
         "apifuzz package: error: --out out: cannot write out/"),
        (["minimize", "fuzz_models", "bug.txt", "-o", "min.txt"],
         "apifuzz minimize: error: cannot write min.txt: No space left on device"),
        (["to-test", "fuzz_models", "bug.txt", "-o", "test_x.py"],
         "apifuzz to-test: error: cannot write test_x.py: No space left on device"),
        (["fuzz", "fuzz_models", "--corpus", "seeds", "--workdir", "w", "--runs", "1"],
         "apifuzz fuzz: error: cannot write alias lock w/aliases.lock: No space left on device"),
    ],
)  # fmt: skip
def test_a_full_disk_is_one_line_and_exit_2(
    tmp_path: Path,
    seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("APIFUZZ_TEST_NO_DIVIDE_BUG", raising=False)
    (tmp_path / "bug.txt").write_text("new 5\ndivide 0 100\n")
    monkeypatch.setattr(atomic, "_write", full_disk)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(message), err
    assert err.count("\n") == 1
