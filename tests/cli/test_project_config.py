"""``[tool.apifuzz]`` in pyproject.toml: the target and common flags, once per project."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.cli.parser import build_parser
from apifuzz.cli.project import Project, apply_project, find_project, optional_target
from apifuzz.errors import ApifuzzError

SUPPORT = Path(__file__).resolve().parent.parent / "support"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=cwd,
        env=dict(env, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def configure(folder: Path, table: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "shop"\n\n[tool.apifuzz]\n{table}\n', encoding="utf-8"
    )
    return folder


def parse(folder: Path, *words: str) -> argparse.Namespace:
    """The arguments of ``apifuzz WORDS`` run in ``folder``, the configuration applied."""
    project = find_project(folder)
    parser = build_parser()
    if project is not None and project.get("target") is not None:
        optional_target(parser)
    args = parser.parse_args(list(words))
    old = Path.cwd()
    os.chdir(folder)
    try:
        apply_project(args, project)
    finally:
        os.chdir(old)
    return args


def test_the_configured_target_is_the_default(tmp_path: Path) -> None:
    configure(tmp_path, 'target = "sample_models:store_target"')
    done = run("lang", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sample_models: Store, 6 methods")
    # A target on the command line wins.
    other = run("lang", "sample_models:Store", cwd=tmp_path)
    assert other.returncode == 0 and other.stdout.startswith("sample_models: Store")


def test_the_configuration_is_found_from_a_subfolder(tmp_path: Path) -> None:
    configure(tmp_path, 'target = "kanban"\ncorpus = "seeds/kanban"\nworkdir = "out"')
    sub = tmp_path / "docs" / "deep"
    sub.mkdir(parents=True)
    project = find_project(sub)
    assert project is not None and project.path == tmp_path / "pyproject.toml"
    args = parse(sub, "fuzz")
    # Paths are the file's, written relative to where apifuzz runs.
    assert args.target == "kanban"
    assert args.corpus == [os.path.join("..", "..", "seeds", "kanban")]
    assert args.workdir == os.path.join("..", "..", "out")


def test_flags_win_over_the_configuration(tmp_path: Path) -> None:
    configure(
        tmp_path,
        'target = "kanban"\ncorpus = "seeds"\nworkdir = "out"\nmax-time = 300\n'
        'instrument = ["docx", "lxml"]',
    )
    plain = parse(tmp_path, "fuzz")
    assert (plain.target, plain.corpus, plain.workdir) == ("kanban", ["seeds"], "out")
    assert (plain.max_time, plain.instrument) == (300, ["docx", "lxml"])
    given = parse(
        tmp_path, "fuzz", "board", "--corpus", "c", "--workdir", "w", "--max-time", "5",
        "--instrument", "x",
    )  # fmt: skip
    assert (given.target, given.corpus, given.workdir) == ("board", ["c"], "w")
    assert (given.max_time, given.instrument) == (5.0, ["x"])
    assert parse(tmp_path, "package", "--out", "build").instrument == ["docx", "lxml"]
    assert parse(tmp_path, "lang").corpus == "seeds"  # one folder where a command takes one
    assert parse(tmp_path, "trace").corpus == "seeds"  # where trace writes the scripts
    assert parse(tmp_path, "crashes").workdir == "out"


def test_scripts_after_a_configured_target_are_not_taken_for_it(tmp_path: Path) -> None:
    configure(tmp_path, 'target = "kanban"')
    (tmp_path / "a.txt").write_text("x\n")
    (tmp_path / "crashes").mkdir()
    two = parse(tmp_path, "replay", "a.txt", "crashes")
    assert (two.target, two.scripts) == ("kanban", ["a.txt", "crashes"])
    one = parse(tmp_path, "replay", "a.txt")
    assert (one.target, one.scripts) == ("kanban", ["a.txt"])
    named = parse(tmp_path, "replay", "board", "a.txt")
    assert (named.target, named.scripts) == ("board", ["a.txt"])
    cov = parse(tmp_path, "cov", "crashes")
    assert (cov.target, cov.paths) == ("kanban", ["crashes"])
    minimize = parse(tmp_path, "minimize", "a.txt")
    assert (minimize.target, minimize.script) == ("kanban", "a.txt")


def test_an_unknown_key_names_it_and_the_known_ones(tmp_path: Path) -> None:
    configure(tmp_path, 'target = "sample_models:store_target"\nmax_time = 60')
    done = run("lang", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"apifuzz lang: error: {tmp_path / 'pyproject.toml'}: unknown key 'max_time' in "
        "[tool.apifuzz]; the known keys are target, corpus, workdir, max-time, instrument, "
        "library-coverage\n"
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("max-time = -3", "[tool.apifuzz] max-time must be a positive number of seconds, got -3"),
        ('instrument = "docx"', "[tool.apifuzz] instrument must be a list of module names"),
        ("target = 3", "[tool.apifuzz] target must be a string, MODULE or MODULE:ATTRIBUTE"),
        ('library-coverage = "no"', "[tool.apifuzz] library-coverage must be true or false"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(tmp_path: Path, table: str, message: str) -> None:
    configure(tmp_path, table)
    with pytest.raises(ApifuzzError, match=message.replace("[", r"\[").replace("]", r"\]")):
        find_project(tmp_path)


def test_without_a_target_anywhere_the_error_says_where_to_set_one(tmp_path: Path) -> None:
    configure(tmp_path, 'workdir = "out"')
    done = run("lang", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("apifuzz lang: error: the following arguments are required")
    args = argparse.Namespace(command="lang", target=None)
    with pytest.raises(ApifuzzError, match=r"no TARGET: name one \(apifuzz lang MODULE\) or set"):
        apply_project(args, Project(tmp_path / "pyproject.toml", {}))


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    configure(tmp_path, 'target = "kanban"')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.ruff]\nline-length = "not toml')
    project = find_project(inner)
    assert project is not None and project.get("target") == "kanban"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text("[tool.apifuzz]\ntarget = ")
    with pytest.raises(ApifuzzError, match=r"cannot be read as TOML"):
        find_project(broken)


def test_library_coverage_can_be_turned_off_for_the_project(tmp_path: Path) -> None:
    configure(tmp_path, 'target = "kanban"\nlibrary-coverage = false')
    assert parse(tmp_path, "fuzz").no_library_coverage
    assert parse(tmp_path, "cov").no_library_coverage
    configure(tmp_path, 'target = "kanban"\nlibrary-coverage = true')
    assert not parse(tmp_path, "fuzz").no_library_coverage
