"""The apifuzz command line run as a user runs it, in a subprocess, for end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

SUPPORT = Path(__file__).resolve().parent


def run_apifuzz(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    path: Sequence[Path] = (),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """``python -m apifuzz ARGS`` in ``cwd``, with tests/support and ``path`` on PYTHONPATH.

    The ``APIFUZZ_*`` variables of the calling environment are left out (a seeded bug
    switched on outside must not reach the test's run); ``env`` adds variables."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    environ["PYTHONPATH"] = os.pathsep.join(str(p) for p in (SUPPORT, *path))
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
