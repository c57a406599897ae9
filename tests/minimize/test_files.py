"""minimize.files: the minimized script written beside its source, under a header comment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import minimize_models

from apifuzz.engine.judge import Judge
from apifuzz.interpreter.parser import is_blank
from apifuzz.language import Language
from apifuzz.minimize import Minimizer, MinimizeStatus
from apifuzz.minimize.files import comment_text, header, minimize_path

SCRIPT = "add 1\nadd 2\npair 0 2\n"  # a ValueError in pair: already minimal but for its values
#: Every line break Python's str.splitlines knows, and a lone surrogate (a non-UTF-8 name).
BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def judge() -> Judge:
    return Judge(Language.build(minimize_models.target), ["minimize_models"])


def statements(script: str) -> list[str]:
    return [line for line in script.split("\n") if not is_blank(line)]


def test_a_path_with_line_breaks_stays_inside_the_header_comment(tmp_path: Path) -> None:
    folder = tmp_path / "crash\nadd 7\r\nadd 8\u2028pair 0 1"
    folder.mkdir()
    source = folder / "script.txt"
    source.write_text(SCRIPT)
    written = minimize_path(Minimizer(judge(), max_time=30), source)
    assert written.result.status is MinimizeStatus.MINIMIZED and written.path is not None
    text = written.path.read_text(encoding="utf-8")
    head = text.splitlines()[:2]
    assert head[0].startswith("# apifuzz minimize: ValueError in pair at minimize_models.py:")
    assert head[1] == (
        f"# from {tmp_path}/crash\\nadd 7\\r\\nadd 8\\u2028pair 0 1/script.txt: 3 -> 3 statements"
    )
    # Only the minimized statements run: nothing of the path became one.
    assert statements(text) == statements(written.result.script)
    assert judge().run(text).report.executed == 2


def test_a_name_with_line_breaks_stays_inside_the_header_comment(tmp_path: Path) -> None:
    result = Minimizer(judge(), max_time=30).minimize(SCRIPT)
    assert result.signature is not None
    odd = replace(result.signature, function="pair\nadd 9", file="m\u2028add 10.py")
    text = header(replace(result, signature=odd), tmp_path / "x.txt")
    assert text.count("\n") == 2 and len(text.splitlines()) == 2
    assert "in pair\\nadd 9 at m\\u2028add 10.py:" in text
    assert statements(text) == []


def test_comment_text_escapes_what_is_not_printable() -> None:
    assert comment_text("plain text: kept as it is") == "plain text: kept as it is"
    escaped = comment_text(f"a{BREAKS}\ud800\x00b")
    assert escaped.isprintable() and len(escaped.splitlines()) == 1
    assert escaped == "a\\n\\r\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029\\ud800\\x00b"
    assert comment_text("é ü 猫") == "é ü 猫"
