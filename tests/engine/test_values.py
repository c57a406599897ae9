"""Values that matter, end to end: a bug that needs two keys colliding under ``hash()``."""

from __future__ import annotations

from pathlib import Path

import pytest
from apifuzz_cli import run_apifuzz

from apifuzz.engine.crashes import load_crashes


@pytest.mark.slow
def test_two_keys_that_collide_under_hash_are_found(tmp_path: Path) -> None:
    # Non-negative keys that collide are a key and that key plus 2**61 - 1: the
    # generator's interesting ints hold such pairs.
    work = tmp_path / "work"
    found = run_apifuzz(
        *("fuzz", "value_models:table_target", "--stop-on-first", "--minimize-time", "0"),
        *("--max-time", "60", "--workdir", str(work)),
        cwd=tmp_path,
        timeout=180,
    )
    assert found.returncode == 1, found.stdout + found.stderr
    (record,) = load_crashes(work / "crashes")
    assert record.signature.kind == "invariant"
    assert "keys lost" in record.summary

