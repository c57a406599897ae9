"""The commands a campaign hands the user: pasted into any shell, they work as printed."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from apifuzz.engine.crashes import REPRODUCE_NAME
from apifuzz.engine.triage import apifuzz_environment, shell_assignments

#: The variable of ``reproduce.sh`` that holds the apifuzz command it runs.
COMMAND = "apifuzz_command"


def environment_prefix() -> str:
    """``APIFUZZ_X=1 `` for every APIFUZZ_* variable set here: a model may read them."""
    return shell_assignments(apifuzz_environment())


def apifuzz_command() -> str:
    """``<this python> -m apifuzz``: works pasted into any shell, venv on PATH or not."""
    return f"{shlex.quote(sys.executable)} -m apifuzz"


def reproduce_command(target: str) -> str:
    """The replay command for a crash folder (``{folder}``), as ``reproduce.sh`` holds it.

    The folder is replayed, not its input.txt: it records the aliases, oracle,
    packages and timeout the worker ran with, and replay compares signatures.
    The command works from any folder, run as a script or pasted into a shell:
    in a subshell (a pasted command leaves the shell where it was), it goes to
    the folder the fuzzer ran from, where the target imports from, and sets
    the APIFUZZ_* variables of this environment; ``python -P`` keeps that
    folder off the front of ``sys.path``, so that an ``apifuzz`` folder in it
    (a checkout, seen from its parent) cannot shadow the installed package.
    Every part is quoted for the shell.  Its first argument names another apifuzz
    command to run on the folder (``to-test``, ``minimize``); the rest go to that
    command.  The last line alone, pasted, replays.
    """
    here = shlex.quote(os.getcwd())
    python = shlex.quote(sys.executable)
    run = f'{python} -P -m apifuzz "${{{COMMAND}:-replay}}" {shlex.quote(target)} {{folder}} "$@"'
    return "\n".join(
        (
            "# sh reproduce.sh: replay this bug; sh reproduce.sh to-test: write its test;",
            "# any other apifuzz command that takes the target and a crash folder works too",
            f"{COMMAND}=${{1:-replay}}; [ $# -gt 0 ] && shift",
            f"(cd {here} && {environment_prefix()}{run})",
        )
    )


def replay_command(folder: Path) -> str:
    """The command that replays a crash folder: its ``reproduce.sh``."""
    return f"sh {shlex.quote(str(folder))}/{REPRODUCE_NAME}"


def takes_command(folder: Path) -> bool:
    """Whether the folder's ``reproduce.sh`` takes a command (``to-test``, ``minimize``)
    as its first argument; one written by an older apifuzz only replays."""
    try:
        return COMMAND in (folder / REPRODUCE_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def to_test_command(target: str, folder: Path) -> str:
    """The command that turns a crash folder into a regression test: its ``reproduce.sh``
    with ``to-test`` when it takes a command (the environment and the folder to run
    from come with it), else ``apifuzz to-test`` in full (a folder written before)."""
    if takes_command(folder):
        return f"{replay_command(folder)} to-test"
    where = f"{shlex.quote(target)} {shlex.quote(str(folder))}"
    return f"{environment_prefix()}{apifuzz_command()} to-test {where}"


def minimize_hint(target: str, folder: Path) -> str:
    """The command that minimizes a crash folder by hand, with the APIFUZZ_* variables."""
    where = f"{shlex.quote(target)} {shlex.quote(str(folder))}"
    return f"{environment_prefix()}{apifuzz_command()} minimize {where}"
