"""``apifuzz cov``: the line and branch coverage a corpus reaches in the model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import EXIT_OK

HELP = "replay a corpus and measure the line and branch coverage of the model"
EPILOG = (
    "Each input runs once on a fresh model; a bug does not stop the run. Coverage is "
    "measured with coverage.py in the target's top-level package and in the libraries its "
    "module imports. Exit code 0 even when "
    "inputs showed bugs (they are counted); 2: usage error."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``cov``."""
    parser.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        help="a corpus folder (one input per file), a script, a crash folder or a folder of "
        "crash folders (default: the target's corpus)",
    )
    parser.add_argument("--html", metavar="DIR", help="also write coverage.py's HTML report to DIR")
    parser.add_argument(
        "--json",
        metavar="FILE",
        help="also write the totals to FILE: inputs, bugs, lines, branches, percent",
    )
    parser.add_argument(
        "--no-library-coverage",
        action="store_true",
        help="measure the target's own package only, not the libraries its module imports",
    )
    parser.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call (as fuzz --undo-redo did)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Replay a corpus and print the line and branch coverage of the model's code."""
    from apifuzz.report.coverage import measure, tty_progress

    # The spec, not a loaded target: measure imports the model inside the measured
    # region, so that its module-level lines count.
    result = measure(
        args.target,
        [Path(p) for p in args.paths],
        undo_redo=args.undo_redo,
        corpus=Path(args.corpus) if args.corpus else None,
        progress=tty_progress(sys.stderr),
        libraries=not args.no_library_coverage,
    )
    out.write(result.header() + "\n")
    out.write(result.table())
    if args.html:
        out.write(f"HTML report: {result.write_html(Path(args.html))}\n")
    if args.json:
        result.write_json(Path(args.json))
    return EXIT_OK
