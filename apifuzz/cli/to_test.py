"""``apifuzz to-test``: a crashing script as a pytest regression test."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import EXIT_OK, add_timeout, check_timeout, loaded

HELP = "turn a crashing script into a pytest regression test (libcst)"
EPILOG = (
    "The test fails while the bug is there (same exception, same place in the model) and "
    "passes once it is fixed. A test for a bug already in the file is not added again."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``to-test``."""
    parser.add_argument(
        "script",
        metavar="SCRIPT",
        help="a script file, or a crash folder (its minimized.txt, else its input.txt)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the test file, created or appended to "
        "(default: tests/regression/test_<target>_regressions.py)",
    )
    parser.add_argument("--out", dest="output", help=argparse.SUPPRESS)  # the old name
    parser.add_argument(
        "--undo-redo",
        action="store_true",
        help="after every step, undo, redo and compare the state (needs Target(undo=, redo=))",
    )
    add_timeout(parser)
    parser.add_argument(
        "--any-bug",
        action="store_true",
        help="for a crash folder: write a test of the bug the replay shows even when it is "
        "not the one the folder recorded",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Turn a crashing script (or crash folder) into a pytest regression test."""
    from apifuzz.testgen.regression import to_test

    check_timeout(args)
    written = to_test(
        loaded(args),
        Path(args.script),
        out=Path(args.output) if args.output else None,
        undo_redo=args.undo_redo,
        timeout=args.timeout,
        any_bug=args.any_bug,
    )
    if written.oracle_from_artifact:
        out.write("INFO: the crash was found with the undo/redo oracle on: the test runs it too\n")
    if written.recorded is not None and written.recorded != written.signature:
        out.write(f"INFO: the folder recorded {written.recorded.describe()} (--any-bug)\n")
    out.write(written.describe() + "\n")
    return EXIT_OK
