"""Domains and preconditions on the command line: ``lang`` shows them, a bad domain is a
one-line definition error, and a regression test holds only the calls a run made."""

from __future__ import annotations

import subprocess
from pathlib import Path

from apifuzz_cli import run_apifuzz


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_apifuzz(*args, cwd=cwd, path=[cwd])


def test_lang_shows_each_domain_and_precondition(tmp_path: Path) -> None:
    result = run("lang", "domain_models", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[1]: line for line in result.stdout.splitlines()[5:]}
    assert "size: int[0..100], colour: str[one of 'red', 'green', 'blue']" in rows["put"]
    assert "label: str[text of 'ab' 1..4 long]" in rows["put"]
    assert rows["shrink"].endswith(
        "item: ref(item), by: int[40..60], ratio: float[0.5..2.0]? = None  [requires has_items]"
    )
    assert rows["drop"].endswith("[requires len(self.items) >= 2]")
    assert "mode: int[one of 3, 5, 8], codes: list[bytes[one of b'x', b'yz']]" in rows["tune"]


def test_a_bad_domain_is_a_one_line_definition_error(tmp_path: Path) -> None:
    (tmp_path / "upside_down.py").write_text(
        "from typing import Annotated\n"
        "from apifuzz import Range, Target, api\n"
        "class M:\n"
        "    @api\n"
        "    def go(self, n: Annotated[int, Range(5, 1)]) -> None: ...\n"
        "target = Target(M)\n"
    )
    (tmp_path / "wrong_type.py").write_text(
        "from typing import Annotated\n"
        "from apifuzz import Range, Target, api\n"
        "class M:\n"
        "    @api\n"
        "    def go(self, n: Annotated[str, Range(0, 9)]) -> None: ...\n"
        "target = Target(M)\n"
    )
    upside_down = run("lang", "upside_down", cwd=tmp_path)
    assert upside_down.returncode == 2
    assert upside_down.stderr == (
        "apifuzz lang: error: apifuzz.Range(5, 1): min 5 is above max 1; write Range(1, 5)\n"
    )
    wrong_type = run("lang", "wrong_type", cwd=tmp_path)
    assert wrong_type.returncode == 2
    assert wrong_type.stderr == (
        "apifuzz lang: error: M.go, parameter 'n': Range(0, 9) annotates str; "
        "a Range bounds an int or a float\n"
    )


def test_a_regression_test_holds_only_the_calls_the_run_made(tmp_path: Path) -> None:
    # drop's precondition is false at first; put 300 is outside the range: both skipped.
    (tmp_path / "crash.txt").write_text(
        'drop 0\nput 300 "red" "a"\nput 30 "green" "ab"\ndrop 0\nshrink 0 47\n'
    )
    (tmp_path / "corpus").mkdir()
    made = run(
        "to-test",
        "domain_models",
        "crash.txt",
        "-o",
        "test_reg.py",
        "--corpus",
        "corpus",
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    code = (tmp_path / "test_reg.py").read_text()
    calls = [line.strip() for line in code.splitlines() if "shelf." in line and "check" not in line]
    assert calls == ['item_1 = shelf.put(30, "green", "ab")', "shelf.shrink(item_1, 47)"]
