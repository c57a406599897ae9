"""What every command shares: exit codes, the loaded target, the one-line usage error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from apifuzz.errors import ApifuzzError
from apifuzz.language import LoadedTarget

EXIT_OK, EXIT_BUG, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C

TARGET_HELP = "MODULE (its `target`) or MODULE:ATTRIBUTE (a Target or an @api class)"


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def loaded(args: argparse.Namespace) -> LoadedTarget:
    """The command's target, loaded once, with its ``--corpus`` (a single folder)."""
    return LoadedTarget.load(args.target, Path(args.corpus) if args.corpus else None)


def check_timeout(args: argparse.Namespace) -> None:
    """A negative --timeout is a usage error; None means the crash folder's (else 5 s)."""
    if args.timeout is not None and args.timeout < 0:
        raise ApifuzzError(f"--timeout must not be negative, got {args.timeout}")


def add_timeout(parser: argparse.ArgumentParser) -> None:
    """``--timeout S`` as replay, minimize and to-test take it (default: the crash folder's)."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="a run longer than this is a timeout bug (0: off; default: the crash folder's, "
        "else 5)",
    )
