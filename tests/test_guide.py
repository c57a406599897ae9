"""docs/guide.md, part one, as a new user follows it: every command, in a fresh folder.

The guide's model and tests are the files of docs/guide_example/, quoted whole;
each command below is run as the guide writes it (checked to be in the guide),
in a subprocess, and its result asserted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide.md"
EXAMPLE = ROOT / "docs" / "guide_example"
FIX = (
    "            del self.titles[card]  # the bug: column_of[card] is left behind\n",
    "            del self.titles[card]\n            del self.column_of[card]\n",
)
pytestmark = pytest.mark.slow


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    """The guide's fenced code blocks in ``language``."""
    return re.findall(rf"^```{language}\n(.*?)^```$", guide(), flags=re.M | re.S)


def test_the_guide_quotes_the_example_files_whole() -> None:
    python = blocks("python")
    for path in (EXAMPLE / "kanban.py", EXAMPLE / "tests" / "test_kanban.py"):
        assert path.read_text(encoding="utf-8") in python, f"{path.name} differs from the guide"
    config = (EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")
    assert config in blocks("toml"), "pyproject.toml differs from the guide"
    fix = FIX[1].rstrip()
    assert any(fix in block for block in python), "the guide's fix differs from the test's"


class User:
    """Runs the guide's commands in one folder, as a user with apifuzz installed would."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
        self.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{self.env['PATH']}"
        self.commands = "\n".join(blocks("sh"))

    def run(self, command: str, expect: int = 0) -> str:
        assert command in self.commands, f"not a command of the guide: {command}"
        done = subprocess.run(
            command,
            shell=True,
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        out = done.stdout + done.stderr
        assert done.returncode == expect, f"{command}: exit {done.returncode}\n{out}"
        return out


def test_following_the_guide_finds_the_bug_and_turns_it_into_a_test(tmp_path: Path) -> None:
    board = tmp_path / "board"
    shutil.copytree(EXAMPLE, board)
    user = User(board)

    assert "2 passed" in user.run("pytest -q tests")
    lang = user.run("apifuzz lang kanban")
    assert "delete_column" in lang and "ref(column)" in lang
    trace = user.run("apifuzz trace kanban -- tests")
    assert "2 of 2 tests traced" in trace
    assert len(list((board / "corpora" / "kanban").glob("*.txt"))) == 2

    summary = user.run("apifuzz fuzz kanban --max-time 60 --stop-on-first", expect=1)
    assert "a card is half deleted" in summary, summary
    assert "minimized: 3 statements" in summary, summary
    run = summary.strip().splitlines()[-1].strip().removeprefix("run:").strip()
    # The guide writes the folder as <folder>; the summary's last line names it. Its
    # reproduce.sh names this Python, so it works in a shell without the venv on PATH.
    assert re.fullmatch(r"sh \.apifuzz/kanban/crashes/invariant-\S+/reproduce\.sh", run), run
    to_test = f"{run} to-test"
    assert "apifuzz to-test kanban .apifuzz/kanban/crashes/<folder>" in user.commands
    user.commands += "\n" + to_test
    written = user.run(to_test)
    assert "tests/regression/test_kanban_regressions.py" in written

    failing = user.run("pytest -q tests", expect=1)
    assert "1 failed, 2 passed" in failing and "a card is half deleted" in failing

    model = board / "kanban.py"
    source = model.read_text(encoding="utf-8")
    assert FIX[0] in source
    model.write_text(source.replace(FIX[0], FIX[1]), encoding="utf-8")
    assert "3 passed" in user.run("pytest -q tests")
    regress = user.run(
        "python -m pytest -q --apifuzz-regress=.apifuzz/kanban/crashes --apifuzz-target=kanban"
    )
    assert "4 passed" in regress  # the crash folder as a test item, beside the three tests

    clean = user.run("apifuzz fuzz kanban --max-time 20")
    assert "  new " not in clean, clean  # the workdir's old bug is listed, not found again
    cov = user.run("apifuzz cov kanban .apifuzz/kanban/corpus corpora/kanban --html cov/")
    assert "kanban.py" in cov and (board / "cov" / "index.html").is_file()
    report = user.run("apifuzz report .apifuzz/kanban")
    assert "report page: .apifuzz/kanban/report.html" in report
    assert "delete_column" in (board / ".apifuzz" / "kanban" / "report.html").read_text()

    packaged = user.run("apifuzz package kanban --out build/")
    assert "wrote build/fuzz_kanban.py" in packaged
    names = sorted(p.name for p in (board / "build").iterdir())
    assert names == [
        "fuzz_kanban.dict",
        "fuzz_kanban.options",
        "fuzz_kanban.py",
        "fuzz_kanban_seed_corpus.zip",
    ]
