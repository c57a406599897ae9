"""``apifuzz cov``: coverage of the model from replaying a corpus (coverage.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import coverage_models  # noqa: F401  (every in-process run below sees it imported already)
import pytest

from apifuzz.cli import main
from apifuzz.report.coverage import measure, tty_progress

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = ROOT / "tests" / "support"
MODEL = "coverage_models"  # tests/support/coverage_models.py: every line is known


def corpus(folder: Path, **inputs: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in inputs.items():
        (folder / name).write_text(text)
    return folder


def crash_folder(folder: Path, script: str, minimized: str | None = None) -> Path:
    folder.mkdir(parents=True)
    (folder / "input.txt").write_text(script)
    if minimized is not None:
        (folder / "minimized.txt").write_text(minimized)
    return folder


def test_example_corpus_is_partly_covered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("APIFUZZ_EXAMPLE_BUGS", raising=False)
    result = measure("example_timeline")
    files = [
        p for p in (ROOT / "corpora" / "example_timeline").iterdir() if p.name != "aliases.lock"
    ]
    assert result.inputs == len(files) and result.bugs == 0
    assert 0 < result.percent < 100
    assert 0 < result.lines_covered < result.lines_total
    assert 0 < result.branches_covered < result.branches_total
    table = result.table()
    assert "model.py" in table and "TOTAL" in table and "BrPart" in table
    assert result.header().startswith(
        f"{len(files)} inputs (0 showed a bug) from corpora/example_timeline"
    )


def test_an_input_reaching_more_code_covers_more(tmp_path: Path) -> None:
    small = measure(MODEL, [corpus(tmp_path / "small", one="add 3\n")])
    more = measure(MODEL, [corpus(tmp_path / "more", one="add 3\n", two="add 30\n")])
    assert (small.inputs, more.inputs) == (1, 2)
    assert not small.fresh_import and not more.fresh_import  # the same module-level lines
    assert more.lines_covered > small.lines_covered
    assert more.branches_covered > small.branches_covered
    assert more.lines_total == small.lines_total and more.branches_total == small.branches_total


def test_bugs_are_counted_and_do_not_stop_the_run(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c", a="crash\n", b="add 30\n", c="add 3\ncrash\n", d="")
    result = measure(MODEL, [folder])
    assert (result.inputs, result.bugs) == (4, 2)
    # "b" (add 30) ran after "a" crashed, and "c" (add 3) before its own crash.
    assert result.branches_covered == result.branches_total == 2


def test_crash_folders_and_scripts(tmp_path: Path) -> None:
    crashes = tmp_path / "crashes"
    one = crash_folder(crashes / "exception-one", "add 1\nadd 30\ncrash\n", minimized="crash\n")
    crash_folder(crashes / "exception-two", "add 2\ncrash\n")
    script = tmp_path / "script.txt"
    script.write_text("add 5\n")
    assert measure(MODEL, [one]).inputs == 2  # input.txt and minimized.txt
    result = measure(MODEL, [crashes, script])
    assert (result.inputs, result.bugs) == (4, 3)
    assert "crashes" in result.header() and "script.txt" in result.header()


def test_skips_the_lock_and_hidden_files(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "c", one="add 3\n")
    (folder / "aliases.lock").write_text("a add\nc crash\n")
    (folder / ".staging").write_text("crash\n")
    result = measure(MODEL, [folder])
    assert (result.inputs, result.bugs) == (1, 0)


def test_a_workdir_corpus_uses_the_workdir_lock(tmp_path: Path) -> None:
    # The fuzzer wrote these inputs with aliases that are not the target's defaults.
    workdir = tmp_path / "wd"
    corpus(workdir / "corpus", one="zz\n")
    (workdir / "aliases.lock").write_text("zz crash\nyy add\n")
    crash_folder(workdir / "crashes" / "exception-x", "zz\n")
    assert measure(MODEL, [workdir / "corpus"]).bugs == 1
    assert measure(MODEL, [workdir / "crashes"]).bugs == 1
    # --corpus names the lock for every input: here one without those aliases.
    assert measure(MODEL, [workdir / "corpus"], corpus=tmp_path / "elsewhere").bugs == 0


def test_the_default_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    corpus(tmp_path / "corpora" / MODEL, one="add 3\n", two="crash\n")
    result = measure(MODEL)
    assert (result.inputs, result.bugs) == (2, 1)
    assert result.paths == [Path("corpora", MODEL)]


def test_end_to_end_in_a_fresh_process(tmp_path: Path) -> None:
    corpus(tmp_path / "c", one="add 3\n")
    environ = dict(os.environ, PYTHONPATH=str(SUPPORT))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "apifuzz",
            "cov",
            MODEL,
            "c",
            "--json",
            "cov.json",
            "--html",
            "html",
        ],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # not a terminal: no progress counter
    lines = done.stdout.splitlines()
    assert lines[0] == "1 input (0 showed a bug) from c"
    assert lines[1].split() == ["Name", "Stmts", "Miss", "Branch", "BrPart", "Cover"]
    # The name column is a path, which holds spaces when the checkout's path does.
    assert any(line.rsplit(None, 5)[0].endswith("coverage_models.py") for line in lines[3:-3])
    assert lines[-2].split()[0] == "TOTAL"
    assert lines[-1] == f"HTML report: {Path('html', 'index.html')}"
    assert (tmp_path / "html" / "index.html").is_file()
    totals = json.loads((tmp_path / "cov.json").read_text())
    assert set(totals) == {"inputs", "bugs", "lines", "branches", "percent"}
    assert (totals["inputs"], totals["bugs"]) == (1, 0)
    # Imported inside the measured region: the module-level lines (imports, class and
    # def statements) count, and only `self.n += 100` and `raise` are missed.
    assert totals["lines"]["total"] - totals["lines"]["covered"] == 2
    assert totals["branches"] == {"covered": 1, "total": 2}
    assert 0 < totals["percent"] < 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "apifuzz cov: error: nope: no such file or folder"),
        (["empty"], "apifuzz cov: error: empty: no inputs found"),
        ([], "apifuzz cov: error: no corpus at corpora/coverage_models; give corpus folders"),
        (
            ["c", "--undo-redo"],
            "apifuzz cov: error: --undo-redo: target 'coverage_models' declares no undo/redo",
        ),
    ],
)
def test_errors_are_one_line(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    corpus(tmp_path / "c", one="add 3\n")
    assert main(["cov", MODEL, *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message) and captured.err.count("\n") == 1


def test_an_unreadable_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus(tmp_path / "c", one="add 3\n")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "one":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert main(["cov", MODEL, str(folder)]) == 2
    err = capsys.readouterr().err
    assert err == f"apifuzz cov: error: cannot read {folder / 'one'}: Permission denied\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    assert tty_progress(io.StringIO()) is None
    stream = _Terminal()
    show = tty_progress(stream, every=0.0)
    assert show is not None
    show(1, 3)
    show(2, 3)
    show(3, 3)
    assert stream.getvalue() == "\r1/3 inputs\r2/3 inputs\r\033[K"
