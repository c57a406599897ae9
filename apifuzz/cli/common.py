"""What every command shares: exit codes, the loaded target, the one-line usage error."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from apifuzz.engine.timeouts import timeout_error, timeout_ok
from apifuzz.errors import ApifuzzError, describe_os_error
from apifuzz.language import LoadedTarget

EXIT_OK, EXIT_BUG, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C

TARGET_HELP = (
    "MODULE (its `target`) or MODULE:ATTRIBUTE (a Target or an @api class); optional when "
    "[tool.apifuzz] in pyproject.toml sets target"
)


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def loaded(args: argparse.Namespace) -> LoadedTarget:
    """The command's target, loaded once, with its ``--corpus`` (a single folder)."""
    return LoadedTarget.load(args.target, Path(args.corpus) if args.corpus else None)


def check_timeout(args: argparse.Namespace) -> None:
    """A --timeout out of range is a usage error; None means the crash folder's (else 5 s)."""
    if args.timeout is not None and not timeout_ok(args.timeout):
        raise ApifuzzError(timeout_error("--timeout", args.timeout))


def add_timeout(parser: argparse.ArgumentParser) -> None:
    """``--timeout S`` as replay, minimize and to-test take it (default: the crash folder's)."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="a statement running longer than this is a timeout bug (0: off, else 0.01 to "
        "86400; default: the crash folder's, else 5)",
    )


@contextmanager
def writing_into(folder: Path, option: str) -> Iterator[None]:
    """An OSError on a file in ``folder`` (read-only, full disk) is a one-line usage error.

    The error names the option that chose the folder, so the user knows what to
    change; an OSError elsewhere goes on (``main`` reports it in one line too).
    """
    try:
        yield
    except OSError as exc:
        if not _inside(exc.filename, folder):
            raise
        raise ApifuzzError(f"{option} {folder}: cannot write {describe_os_error(exc)}") from None


def _inside(filename: object, folder: Path) -> bool:
    if not isinstance(filename, str):
        return False
    path, base = os.path.abspath(filename), os.path.abspath(folder)
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)
