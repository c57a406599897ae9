"""``apifuzz minimize``: the fewest statements that still show the same bug."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    add_timeout,
    check_timeout,
    loaded,
)
from apifuzz.errors import ApifuzzError

HELP = "shrink a crashing script to the fewest statements that show the same bug"
EPILOG = (
    "--max-time bounds the search; the 3 replays before it and the 2 after it (each "
    "up to --timeout) come on top. Exit code 0: the minimized script was written; "
    "1: the bug did not reproduce (no bug, not reproduced, or flaky); 2: usage error; "
    "130: Ctrl-C (the best script so far is written first)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``minimize``."""
    parser.add_argument(
        "script", metavar="SCRIPT", help="a script file, or a crash folder (holding input.txt)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write the result (default: <folder>/minimized.txt, or NAME.min.txt)",
    )
    parser.add_argument(
        "--max-time", type=float, default=60.0, metavar="S", help="time budget (default 60)"
    )
    add_timeout(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="only the summary lines")
    parser.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call (on by itself for a crash folder "
        "found with it)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Shrink a crashing script (or crash folder) to the fewest statements with the same bug."""
    from apifuzz.minimize import MinimizeStatus
    from apifuzz.minimize.files import minimize_script

    if not 0 < args.max_time < math.inf:
        raise ApifuzzError(f"--max-time must be a positive number, got {args.max_time}")
    check_timeout(args)

    def log(message: str) -> None:
        if not args.quiet:
            out.write(f"  {message}\n")

    minimized = minimize_script(
        loaded(args),
        Path(args.script),
        output=Path(args.output) if args.output else None,
        max_time=args.max_time,
        timeout=args.timeout,
        undo_redo=args.undo_redo,
        log=log,
    )
    written = minimized.written
    result = written.result
    if result.signature is not None and result.status is MinimizeStatus.MINIMIZED:
        out.write(f"bug: {result.signature.describe()}\n")
    no_bug = result.status in (MinimizeStatus.NO_BUG, MinimizeStatus.NOT_REPRODUCED)
    out.write(result.describe() + (minimized.why_no_bug() if no_bug else "") + "\n")
    if written.path is None:
        return EXIT_BUG
    if not args.quiet:
        out.write(result.script)
    out.write(f"written to {written.path}\n")
    return EXIT_INTERRUPTED if result.interrupted else EXIT_OK
