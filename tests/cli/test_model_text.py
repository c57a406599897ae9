"""Every text apifuzz prints or writes from a model survives any string.

The model (tests/support/text_models.py) echoes a lone surrogate ("\\ud800",
which no UTF-8 writer accepts) in its messages and reprs; apifuzz prints and
writes it as the escape ``\\ud800``, and exits as it would for any message.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import text_models

from apifuzz.engine.judge import Judge
from apifuzz.language import Language
from apifuzz.model.loader import target_packages

SUPPORT = Path(__file__).resolve().parent.parent / "support"

#: Line 5 is the bug: a ValueError whose message echoes "\ud800x".
SCRIPT = 'say "a"\nodd\nnorepr\nsay "no"\nsay "\\ud800x"\n'


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    environ.update(PYTHONPATH=str(SUPPORT), **env)
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        errors="strict",
        timeout=120,
    )


def test_replay_prints_any_model_text(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text(SCRIPT)
    result = run("replay", "text_models", "s.txt", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "")
    out = result.stdout
    assert "odd() -> Odd(\\ud800)" in out
    assert "norepr() -> <NoRepr: repr() failed with RuntimeError>" in out
    assert "say('no') -> Refused: refused \\udcffno \xe9" in out
    assert "BUG: line 5, in say: ValueError: cannot say \\ud800x\n" in out
    assert out.endswith("ValueError: cannot say \\ud800x\n")  # the traceback's last line
    traced = run("replay", "--trace", "text_models", "s.txt", cwd=tmp_path)
    assert (traced.returncode, traced.stderr) == (1, "")
    assert "echo.odd() -> Odd(\\ud800)" in traced.stdout
    assert "say('no') raises Refused: refused \\udcffno \xe9" in traced.stdout


def test_replay_prints_to_an_ascii_terminal(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text(SCRIPT)
    result = run("replay", "text_models", "s.txt", cwd=tmp_path, PYTHONIOENCODING="ascii")
    assert (result.returncode, result.stderr) == (1, "")
    assert "refused \\udcffno \\xe9" in result.stdout


def test_minimize_to_test_and_cov_take_any_model_text(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text(SCRIPT)
    minimized = run("minimize", "text_models", "s.txt", "-o", "min.txt", cwd=tmp_path)
    assert (minimized.returncode, minimized.stderr) == (0, "")
    assert "bug: ValueError in say at text_models.py:" in minimized.stdout
    assert (tmp_path / "min.txt").read_text(encoding="utf-8").endswith('say "\\ud800"\n')
    written = run("to-test", "text_models", "s.txt", "-o", "test_echo.py", cwd=tmp_path)
    assert (written.returncode, written.stderr) == (0, ""), written.stdout
    code = (tmp_path / "test_echo.py").read_text(encoding="utf-8")  # strict: no raw surrogate
    assert '"\\ud800x"' in code  # the script's literal, written as an escape
    strings = {n.value for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Constant)}
    assert "\ud800x" in strings
    cov = run("cov", "text_models", "s.txt", cwd=tmp_path)
    assert (cov.returncode, cov.stderr) == (0, "")
    assert "text_models.py" in cov.stdout


def test_trace_takes_any_model_text(tmp_path: Path) -> None:
    tests = tmp_path / "tests" / "text_models"
    tests.mkdir(parents=True)
    (tests / "test_echo.py").write_text(
        "import pytest\n"
        "from text_models import Echo, Refused\n\n\n"
        '@pytest.mark.parametrize("text", ["ok\\udc80", "fine \\ud800"])\n'
        "def test_say(text):\n"
        "    echo = Echo()\n"
        "    echo.say(text)\n"
        "    echo.odd()\n"
        "    with pytest.raises(Refused):\n"
        '        echo.say("no")\n'
        "    with pytest.raises(ValueError):\n"
        '        echo.say("\\ud800 boom")\n'
    )
    result = run("trace", "text_models", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    scripts = sorted((tmp_path / "corpora" / "text_models").glob("*.txt"))
    assert len(scripts) == 2
    texts = [p.read_text(encoding="utf-8") for p in scripts]
    assert all('"\\ud800 boom"' in text for text in texts)
    assert any('"ok\\udc80"' in text for text in texts)


def test_the_campaign_summary_minimize_log_and_tests_take_any_model_text(
    tmp_path: Path,
) -> None:
    """A workdir whose recorded bug's message holds a lone surrogate, run on again."""
    judge = Judge(Language.build(text_models.target), target_packages("text_models"))
    verdict = judge.run(SCRIPT)
    assert verdict.signature is not None and verdict.bug is not None
    folder = tmp_path / "w" / "crashes" / verdict.signature.key()
    folder.mkdir(parents=True)
    (folder / "input.txt").write_text(SCRIPT)
    info = {
        "signature": verdict.signature.__dict__,
        "summary": "line 5, in say: ValueError: cannot say \ud800x",  # as json.loads gives it
        "describe": verdict.signature.describe(),
        "target": "text_models",
    }
    (folder / "signature.json").write_text(json.dumps(info))
    (folder / "count-0.json").write_text('{"count": 1, "first_seen": 1.0, "last_seen": 1.0}')
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text('say "a"\n')
    result = run(
        "fuzz", "text_models", "--corpus", "seeds", "--workdir", "w", "--runs", "1",
        "--minimize-time", "10", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "ValueError: cannot say \\ud800x" in result.stdout
    # Minimized after the run, or already by the background triage while it ran.
    minimized = (folder / "minimized.txt").read_text(encoding="utf-8")
    assert [line for line in minimized.splitlines() if not line.startswith("#")] == [
        'say "\\ud800"'
    ]
    assert (folder / "minimize.log").read_text(encoding="utf-8")
    written = run("to-test", "text_models", str(folder), "-o", "test_echo.py", cwd=tmp_path)
    assert (written.returncode, written.stderr) == (0, ""), written.stdout
    assert '"\\ud800"' in (tmp_path / "test_echo.py").read_text(encoding="utf-8")
