"""The commands a campaign hands the user: pasted into any shell, they work as printed."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from apifuzz.engine.triage import apifuzz_environment, shell_assignments


def environment_prefix() -> str:
    """``APIFUZZ_X=1 `` for every APIFUZZ_* variable set here: a model may read them."""
    return shell_assignments(apifuzz_environment())


def apifuzz_command() -> str:
    """``<this python> -m apifuzz``: works pasted into any shell, venv on PATH or not."""
    return f"{shlex.quote(sys.executable)} -m apifuzz"


def reproduce_command(target: str) -> str:
    """The replay command for a crash folder, with the APIFUZZ_* variables of this environment.

    The folder is replayed, not its input.txt: it records the aliases, oracle,
    packages and timeout the worker ran with, and replay compares signatures.
    """
    replay = f"{apifuzz_command()} replay {shlex.quote(target)} {{folder}}"
    return environment_prefix() + replay


def minimize_hint(target: str, folder: Path) -> str:
    """The command that minimizes a crash folder by hand, with the APIFUZZ_* variables."""
    where = f"{shlex.quote(target)} {shlex.quote(str(folder))}"
    return f"{environment_prefix()}{apifuzz_command()} minimize {where}"
