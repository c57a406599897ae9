"""A real-library campaign from scratch, in its short form (CI runs it; it needs PyPI)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from apifuzz.engine.crashes import load_crashes

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.real_world
def test_the_ordered_set_campaign_runs_from_scratch(tmp_path: Path) -> None:
    # Pinned install, the sdist's tests traced into seeds, 30 s of fuzzing, the bugs listed.
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env["APIFUZZ_REAL_WORLD_DIR"] = str(tmp_path)
    done = subprocess.run(
        ["bash", str(ROOT / "tools" / "real_world" / "ordered_set.sh"), "--max-time", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    work = tmp_path / "ordered-set-4.1.0"
    assert (work / "site" / "ordered_set").is_dir()
    seeds = [p for p in (work / "corpus").iterdir() if p.suffix == ".txt"]
    assert len(seeds) >= 5, out[-3000:]  # the suite's tests, traced into scripts
    assert "apifuzz fuzz docs.real_world.ordered_set" in out
    # ordered-set 4.1.0's quickest defect shows within seconds (README: 4.4 s).
    bugs = load_crashes(work / "fuzz" / "crashes")
    assert bugs, out[-3000:]
    assert any(b.signature.method == "symmetric_difference_update" for b in bugs), out[-3000:]
