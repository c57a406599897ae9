"""What a new user runs into first, on a model of their own that is not installed.

Each test drives ``apifuzz`` in a subprocess, in a fresh folder holding only the
user's module, the way the guide has them work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHELF = """
from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant

BookId = Annotated[int, Ref("book")]


class Shelf:
    def __init__(self) -> None:
        self.books: dict[int, str] = {}

    @api
    def add(self, title: str) -> int:
        book = len(self.books) + 1
        self.books[book] = title
        return book

    @api
    def rename(self, book: BookId, title: str) -> None:
        self.books[book] = title

    @ids("book")
    def book_ids(self) -> list[int]:
        return sorted(self.books)

    @invariant
    def check(self) -> None:
        assert all(isinstance(t, str) for t in self.books.values())


{target}
"""


def user_env() -> dict[str, str]:
    """The environment of a user: apifuzz on PATH, nothing of this checkout on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env.pop("PYTHONPATH", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def shelf(folder: Path, target: str = "target = Target(Shelf)") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shelf.py").write_text(SHELF.replace("{target}", target), encoding="utf-8")
    return folder


def apifuzz(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=cwd,
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_packaged_fuzzer_finds_a_model_that_is_not_installed(tmp_path: Path) -> None:
    project = shelf(tmp_path / "project")
    seeds = project / "corpora" / "shelf"
    seeds.mkdir(parents=True)
    (seeds / "seed.txt").write_text('add "dune"\nrename 0 "emma"\n', encoding="utf-8")
    done = apifuzz("package", "shelf", "--out", "build/", cwd=project)
    assert done.returncode == 0, done.stderr
    fuzz = next(line for line in done.stdout.splitlines() if line.startswith("fuzz: "))
    # The command as printed, with a bounded run instead of [libFuzzer flags].
    command = fuzz.removeprefix("fuzz: ").replace("[libFuzzer flags]", "-runs=20")
    ran = subprocess.run(
        command, shell=True, cwd=project, env=user_env(), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "Done 20 runs" in ran.stderr
    # From another folder too: the model's folder is found from the fuzzer's own place.
    replay = subprocess.run(
        [sys.executable, str(project / "build" / "fuzz_shelf.py"), str(seeds / "seed.txt")],
        cwd=tmp_path, env=user_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert replay.returncode == 0, replay.stderr[-2000:]


def test_pytest_arguments_without_the_separator_are_shown_after_it(tmp_path: Path) -> None:
    done = apifuzz("trace", "shelf", "tests", "-k", "add", cwd=shelf(tmp_path))
    assert done.returncode == 2
    assert done.stderr == (
        "apifuzz trace: error: unrecognized arguments: tests -k add; pytest's arguments go "
        "after --: apifuzz trace shelf -- tests -k add (see apifuzz trace --help)\n"
    )
    mixed = apifuzz("trace", "shelf", "tests", "--", "-k", "add", cwd=tmp_path)
    assert "pytest's arguments go after --: apifuzz trace shelf -- tests -k add" in mixed.stderr
    libfuzzer = apifuzz("fuzz", "shelf", "-runs=10", cwd=tmp_path)
    assert libfuzzer.returncode == 2
    assert "libFuzzer's arguments go after --: apifuzz fuzz shelf -- -runs=10" in libfuzzer.stderr


def test_trace_without_pytest_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    # An environment without pytest, as far as this process can tell.
    hide = "import sys; sys.modules['pytest'] = None; from apifuzz.cli import main; "
    done = subprocess.run(
        [sys.executable, "-c", hide + "sys.exit(main(['trace', 'shelf', '--', 'tests']))"],
        cwd=shelf(tmp_path), env=user_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(
        "apifuzz trace: error: pytest is not installed in this environment"
    )
    assert f"{sys.executable} -m pip install pytest" in done.stderr
    assert "some tests failed" not in done.stdout + done.stderr
    assert not (tmp_path / "corpora").exists()


def test_pytest_is_a_dependency_of_the_product() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {d.split(">")[0].split("=")[0].strip(): d for d in project["dependencies"]}
    assert names.get("pytest", "").startswith("pytest>="), project["dependencies"]
    assert not any(d.startswith("pytest>") for d in project["optional-dependencies"]["dev"])


def test_a_module_without_target_names_the_target_it_holds(tmp_path: Path) -> None:
    folder = shelf(tmp_path, target="shelf_target = Target(Shelf)")
    done = apifuzz("lang", "shelf", cwd=folder)
    assert done.returncode == 2
    assert done.stderr == (
        "apifuzz lang: error: module 'shelf' has no attribute 'target'; did you mean "
        "shelf:shelf_target (a Target)?\n"
    )
    assert apifuzz("lang", "shelf:shelf_target", cwd=folder).returncode == 0


def test_a_module_with_no_target_at_all_says_how_to_name_one(tmp_path: Path) -> None:
    done = apifuzz("lang", "shelf", cwd=shelf(tmp_path, target=""))
    assert done.returncode == 2
    assert done.stderr == (
        "apifuzz lang: error: module 'shelf' has no attribute 'target'; name the model, e.g. "
        "shelf:MyModel, or set target = Target(...) in it\n"
    )


def test_the_max_time_help_says_a_run_without_it_is_endless() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "apifuzz", "fuzz", "--help"],
        env=user_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    text = " ".join(done.stdout.split())
    assert (
        "--max-time S stop fuzzing after S seconds (new bugs are minimized after that; see "
        "--minimize-time). No default: without it (or --runs, --stop-on-first) the run goes on "
        "until Ctrl-C"
    ) in text


def test_plain_pytest_imports_the_model_in_the_guides_layout(tmp_path: Path) -> None:
    board = tmp_path / "board"
    shutil.copytree(ROOT / "docs" / "guide_example", board)
    pytest_command = [str(Path(sys.executable).parent / "pytest"), "-q", "-p", "no:cacheprovider"]

    def plain_pytest() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pytest_command, "tests"], cwd=board, env=user_env(), capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip

    done = plain_pytest()
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout + done.stderr
    # The guide's pyproject.toml is what makes it work, and it names the target too.
    assert apifuzz("lang", cwd=board).stdout.startswith("kanban: Board, 4 methods")
    (board / "pyproject.toml").unlink()
    without = plain_pytest()
    assert without.returncode != 0 and "No module named 'kanban'" in without.stdout
