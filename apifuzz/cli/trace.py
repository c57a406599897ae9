"""``apifuzz trace``: the unit tests, run under the tracer, become the seed corpus."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import EXIT_BUG, EXIT_OK, loaded, writing_into
from apifuzz.errors import ApifuzzError

HELP = "run the unit tests under the tracer and write one seed script per test"
EPILOG = (
    "Arguments after -- go to pytest (default: tests/<target> if that folder exists, "
    "else pytest's own default)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``trace``."""
    parser.add_argument(
        "--out", metavar="DIR", default="corpora", help="where <target>/ goes (default: corpora)"
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run the tests under the tracer and write the target's seed corpus."""
    _require_pytest()
    name = loaded(args).name
    # Checked here, before pytest runs: its plugin can only fail with an internal error.
    # --corpus names the very folder the scripts go to; --out, the folder of <target>/.
    corpus = [f"--apifuzz-corpus={args.corpus}"] if args.corpus else []
    folder, option = (Path(args.corpus), "--corpus") if args.corpus else (Path(args.out), "--out")
    with writing_into(folder, option):
        (folder if args.corpus else folder / name).mkdir(parents=True, exist_ok=True)
    pytest_args = list(args.extra)
    if not pytest_args and Path("tests", name).is_dir():
        pytest_args = [str(Path("tests", name))]
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--apifuzz-trace={args.out}",
        f"--apifuzz-target={args.target}",
        *corpus,
        *pytest_args,
    ]
    out.write(f"INFO: {' '.join(command[2:])}\n")
    out.flush()
    code = subprocess.call(command)
    if code == 0:
        return EXIT_OK
    if code == 1:
        out.write("WARNING: some tests failed; the scripts of every test were written anyway\n")
        return EXIT_BUG
    raise ApifuzzError(f"pytest stopped with exit code {code}; see its output above")


def _require_pytest() -> None:
    """Without pytest, say so in one line (a dependency an environment may still lack)."""
    if importlib.util.find_spec("pytest") is None:
        raise ApifuzzError(
            f"pytest is not installed in this environment ({sys.executable}); it runs the "
            f"tests to trace: {sys.executable} -m pip install pytest"
        )
