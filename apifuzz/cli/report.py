"""``apifuzz report``: a workdir's campaign as one HTML page, opened from disk."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import EXIT_OK
from apifuzz.errors import ApifuzzError

HELP = "write a fuzzing workdir's campaign report: one self-contained HTML page"
EPILOG = (
    "The page (WORKDIR/report.html) shows the campaign's settings, its progress over time, "
    "its bugs with their scripts and commands, per API method what became of its calls "
    "(executed, refused, skipped, and why), and the line and branch coverage of the model, "
    "measured here by replaying the corpus (WORKDIR/coverage/ holds coverage.py's report). "
    "apifuzz fuzz keeps the page up to date while it runs. A workdir of an older apifuzz, "
    "an empty one or one being fuzzed gives a page of what it holds. Exit code 0; 2: usage "
    "error."
)


def add_target(parser: argparse.ArgumentParser) -> None:
    """``report`` takes a workdir, not a target: the workdir records its target."""
    parser.add_argument(
        "workdir",
        metavar="WORKDIR",
        nargs="?",
        help="a fuzzing workdir (default: the only one under .apifuzz/)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``report``."""
    parser.add_argument("--open", action="store_true", help="open the page in a web browser")
    parser.add_argument(
        "--no-cov",
        action="store_true",
        help="do not replay the corpus to measure coverage (the page keeps the last measure)",
    )


def workdir_of(workdir: str | None) -> Path:
    """The workdir the user means; UsageError when there is none."""
    if workdir is None:
        found = sorted(p for p in Path(".apifuzz").glob("*") if p.is_dir())
        if len(found) != 1:
            names = ", ".join(str(p) for p in found) or "none under .apifuzz/"
            raise ApifuzzError(f"name the workdir (found: {names})")
        return found[0]
    path = Path(workdir)
    if not path.exists():
        raise ApifuzzError(f"{workdir}: no such workdir")
    if not path.is_dir():
        raise ApifuzzError(f"{workdir}: not a folder (name a fuzzing workdir)")
    return path


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Measure coverage (unless --no-cov), write the page, say where it is."""
    from apifuzz.report.campaign_data import read_campaign
    from apifuzz.report.page import write_page
    from apifuzz.report.workdir_coverage import measure_workdir

    workdir = workdir_of(args.workdir)
    if not args.no_cov:
        settings = read_campaign(workdir).settings
        why_not = measure_workdir(workdir, settings)
        if why_not:
            out.write(f"INFO: {why_not}\n")
    page = write_page(workdir)
    out.write(f"report page: {page}\n")
    if args.open:
        import webbrowser

        if not webbrowser.open(page.resolve().as_uri()):
            out.write("INFO: no web browser found; open the file above\n")
    return EXIT_OK
