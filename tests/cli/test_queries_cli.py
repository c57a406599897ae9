"""Queries on the command line: `lang` lists them, `trace` fails on one that changes the state."""

from __future__ import annotations

import subprocess
from pathlib import Path

from apifuzz_cli import run_apifuzz


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_apifuzz(*args, cwd=cwd, timeout=60)


def test_lang_lists_the_queries(tmp_path: Path) -> None:
    result = run("lang", "query_models:counter", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "invariants: check\nqueries:    count, get\n" in result.stdout
    plain = run("lang", "sample_models:store_target", cwd=tmp_path)
    assert "queries:    -\n" in plain.stdout


def test_trace_fails_on_a_query_that_changes_the_state(tmp_path: Path) -> None:
    (tmp_path / "test_stack.py").write_text(
        "from query_models import Leaky\n\n"
        "def test_stack():\n"
        "    s = Leaky()\n"
        "    s.push(1)\n"
        "    assert s.size() == 1 and s.peek() == 1\n"
    )
    out = tmp_path / "corpus"
    result = run(
        "trace", "query_models:leaky", "--out", str(out), "--", "test_stack.py", cwd=tmp_path
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "ERROR: apifuzz trace: Leaky.peek is declared a query but changed the model's state "
        "(attribute values changed); remove query=True" in result.stdout
    )
    assert "size" not in result.stdout.split("ERROR: apifuzz trace:", 1)[1]
    assert result.stderr.strip().splitlines()[-1].endswith("see its output above")
    assert (out / "query_models" / "test_stack--test_stack.txt").exists()
