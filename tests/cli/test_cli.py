"""The command line, driven in a subprocess: output, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from apifuzz_cli import run_apifuzz

SUPPORT = Path(__file__).resolve().parent.parent / "support"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_apifuzz(*args, cwd=cwd, timeout=60)


def test_lang_prints_the_table(tmp_path: Path) -> None:
    result = run("lang", "sample_models:store_target", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("sample_models: Store, 6 methods\n")
    assert "factory:    ! capacity: int = 8" in out
    assert "ids:        item" in out
    assert "invariants: not_broken" in out
    assert "r      remove  item: ref(item)" in out
    assert (
        "p      paint   items: set[ref(item)], color: Color{RED,GREEN,BLUE}, alpha: float = 1.0"
        in out
    )


def test_lang_grammar_and_dict(tmp_path: Path) -> None:
    grammar = run("lang", "sample_models:store_target", "--grammar", cwd=tmp_path)
    assert grammar.returncode == 0
    assert (
        "METHOD: /(?:remove|rename|resize|paint|add|tag|re|rs|a|p|r|t)(?![A-Za-z0-9_.])/"
        in grammar.stdout
    )
    dictionary = run("lang", "sample_models:store_target", "--dict", cwd=tmp_path)
    assert dictionary.returncode == 0
    lines = dictionary.stdout.splitlines()
    assert 'kw0="a "' in lines and '"remove "' in dictionary.stdout and '"RED"' in dictionary.stdout
    assert '"\\x0A"' in dictionary.stdout  # the newline token


def test_lang_write_lock(tmp_path: Path) -> None:
    result = run("lang", "sample_models:store_target", "--write-lock", cwd=tmp_path)
    assert result.returncode == 0
    lock = tmp_path / "corpora" / "sample_models" / "aliases.lock"
    assert "r remove\n" in lock.read_text()
    custom = run(
        "lang", "sample_models:Store", "--corpus", str(tmp_path / "c"), "--write-lock", cwd=tmp_path
    )
    assert custom.returncode == 0 and (tmp_path / "c" / "aliases.lock").exists()


def test_replay_ok_and_bug(tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text('a "x"\nre 0 "y"\nzz\n')
    bug = tmp_path / "bug.txt"
    bug.write_text('a "x"\nre 0 "crash"\n')
    result = run("replay", "sample_models:store_target", str(ok), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{ok}: 2 executed, 0 refused, 1 skipped" in result.stdout
    assert "rename(10, 'y') -> True" in result.stdout
    assert "[unknown method: no method or alias 'zz']" in result.stdout
    result = run("replay", "sample_models:store_target", str(ok), str(bug), cwd=tmp_path)
    assert result.returncode == 1
    assert "BUG: line 2, in rename: KeyError: 'crash'" in result.stdout
    assert "Traceback (most recent call last)" in result.stdout
    quiet = run("replay", "-q", "sample_models:store_target", str(bug), cwd=tmp_path)
    assert quiet.returncode == 1 and "Traceback" not in quiet.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["lang", "no_such_module"],
            "apifuzz lang: error: cannot import 'no_such_module': no module named 'no_such_module'",
        ),
        (
            ["lang", "sample_models"],
            "apifuzz lang: error: module 'sample_models' has no attribute 'target'; did you mean sample_models:store_target (a Target)?",
        ),
        (
            ["lang", "sample_models:nope"],
            "apifuzz lang: error: module 'sample_models' has no attribute 'nope'",
        ),
        (
            ["lang", "sample_models:ItemId"],
            "apifuzz lang: error: sample_models:ItemId: expected a Target",
        ),
        (
            ["lang", "sample_models:Color"],
            "apifuzz lang: error: Color has no method decorated with @api",
        ),
        (["lang", "sample_models:"], "apifuzz lang: error: bad target 'sample_models:'"),
        (
            ["replay", "sample_models:Store", "missing.txt"],
            "apifuzz replay: error: cannot read script 'missing.txt': No such file or directory",
        ),
        (
            ["replay", "sample_models:Store"],
            "apifuzz replay: error: the following arguments are required: PATH",
        ),
        (["bogus"], "apifuzz: error: argument COMMAND: invalid choice: 'bogus'"),
        ([], "apifuzz: error: the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_corrupt_lock_is_a_usage_error(tmp_path: Path) -> None:
    lock = tmp_path / "corpora" / "sample_models" / "aliases.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text("garbage line here\n")
    result = run("lang", "sample_models:store_target", cwd=tmp_path)
    assert result.returncode == 2
    assert "aliases.lock:1: bad alias lock line" in result.stderr


def test_console_script_installed() -> None:
    exe = Path(sys.executable).parent / "apifuzz"
    result = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "replay" in result.stdout


def test_replay_trace_shows_resolved_calls(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text('a "x"\nre 7 "y"\nzz\nre 0 ""\n')
    result = run("replay", "--trace", "sample_models:store_target", str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "     1 store.add('x') -> 10",
        "     2 store.rename(10, 'y') -> True",
        "     4 store.rename(10, '') -> False",
    ]


def test_trace_command_writes_the_corpus(tmp_path: Path) -> None:
    (tmp_path / "test_notes.py").write_text(
        "from traced_models import Notebook\n\n"
        "def test_notes():\n"
        "    n = Notebook(pages=2)\n"
        "    n.erase(n.write('a'))\n"
    )
    out = tmp_path / "corpus"
    result = run(
        "trace", "traced_models:notebook", "--out", str(out), "--", "test_notes.py", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 1 tests traced, 1 scripts (2 statements)" in result.stdout
    script = out / "traced_models" / "test_notes--test_notes.txt"
    assert script.read_text().splitlines()[1:] == ["! 2", 'w "a"', "e 2"]
    replay = run(
        "replay",
        "--corpus",
        str(out / "traced_models"),
        "traced_models:notebook",
        str(script),
        cwd=tmp_path,
    )
    assert replay.returncode == 0 and "2 executed" in replay.stdout


def test_trace_writes_into_the_corpus_folder_given(tmp_path: Path) -> None:
    """``--corpus DIR``: the scripts and the alias lock go into DIR itself, where fuzz and
    replay read them with the same option."""
    (tmp_path / "test_notes.py").write_text(
        "from traced_models import Notebook\n"
        "def test_notes():\n"
        "    nb = Notebook(2)\n"
        "    nb.write('a')\n"
    )
    corpus = tmp_path / "seeds"
    result = run(
        "trace",
        "traced_models:notebook",
        "--corpus",
        str(corpus),
        "--",
        "test_notes.py",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"written to {corpus}" in result.stdout
    assert sorted(p.name for p in corpus.iterdir()) == [
        "aliases.lock",
        "test_notes--test_notes.txt",
    ]
    assert not (tmp_path / "corpora").exists()


def test_cov_takes_paths_after_its_options(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text('! 2\nw "a"\n')
    result = run(
        "cov", "traced_models:notebook", "a.txt", "--json", "t.json", "b.txt", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "2 inputs (0 showed a bug)" in result.stdout


def test_trace_command_reports_failing_tests(tmp_path: Path) -> None:
    (tmp_path / "test_bad.py").write_text("def test_bad():\n    assert False\n")
    result = run(
        "trace", "traced_models:notebook", "--out", str(tmp_path), "--", "test_bad.py", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "WARNING: some tests failed" in result.stdout
