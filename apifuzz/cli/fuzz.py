"""``apifuzz fuzz``: a fuzzing campaign on the target."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import TARGET_HELP, writing_into
from apifuzz.engine import CHECK_EVERY, DEFAULT_TIMEOUT
from apifuzz.hashing import DEFAULT_SEED
from apifuzz.language import LoadedTarget
from apifuzz.model.target import require_undo_redo

HELP = "fuzz a target with atheris (libFuzzer)"
DESCRIPTION = "Fuzz a target with atheris (libFuzzer); arguments after -- go to libFuzzer."
EPILOG = (
    "The workdir's report page (report.html, see apifuzz report) and stats.json are kept up "
    "to date as it runs. "
    "One run at a time in a workdir (a second one is refused); a worker that dies is "
    "restarted, at most 3 times. Exit code 0: no bug hit in this run; 1: a bug was hit; "
    "2: usage error, or the workdir is in use; 3: the fuzzer itself failed (a worker died "
    "and was not restarted) and no bug was hit; 130: interrupted (Ctrl-C, SIGTERM) before any "
    "bug was hit."
)


def add_target(parser: argparse.ArgumentParser) -> None:
    """TARGET and ``--corpus``, which fuzz takes more than once (read-only seed folders)."""
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        action="append",
        help="seed folder, read only; its scripts are the seeds, not the alias lock or other "
        "files (repeatable; default: corpora/<target>)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``fuzz``."""
    parser.add_argument(
        "--workdir", metavar="DIR", help="new inputs, crashes and logs (default: .apifuzz/<target>)"
    )
    parser.add_argument(
        "--max-time",
        type=float,
        metavar="S",
        help="stop fuzzing after S seconds (new bugs are minimized after that; see "
        "--minimize-time). No default: without it (or --runs, --stop-on-first) the run goes "
        "on until Ctrl-C",
    )
    parser.add_argument("--runs", type=int, metavar="N", help="stop after N inputs per worker")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (they share new inputs within seconds)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="a statement running longer is a timeout bug (0: off, else 0.01 to 86400; default 5)",
    )
    parser.add_argument(
        "--mutator",
        choices=("structure", "bytes"),
        default="structure",
        help="statement-aware mutations (default) or libFuzzer's byte mutations",
    )
    add_search_arguments(parser)
    _add_seed(parser)
    parser.add_argument("--stop-on-first", action="store_true", help="stop at the first bug")
    parser.add_argument(
        "--instrument",
        action="append",
        default=[],
        metavar="MODULE",
        help="also collect coverage in MODULE (repeatable)",
    )
    parser.add_argument(
        "--no-library-coverage",
        action="store_true",
        help="collect coverage in the target's own package only, not in the libraries its "
        "module imports or registers (instrumented by default)",
    )
    parser.add_argument(
        "--max-len",
        type=int,
        default=None,
        metavar="BYTES",
        help="longest input (default: 4096, or the longest seed or corpus input if longer, as "
        "libFuzzer picks)",
    )
    _add_after_run(parser)


def add_search_arguments(parser: argparse.ArgumentParser) -> None:
    """The switches of the search's mechanisms (each on by default; off for an ablation)."""
    parser.add_argument(
        "--state-feedback",
        choices=("on", "model", "off"),
        default="on",
        help="new states count as new coverage: 'on' (default): what the model reports "
        "through apifuzz.feedback() and maximize() and apifuzz's own abstraction of each "
        "run; 'model': only the model's reports; 'off': lines and branches only",
    )
    parser.add_argument(
        "--relational",
        choices=("on", "off"),
        default="on",
        help="structure mutations that relate a new call or argument to the script's own "
        "objects and values, and put new calls after its newest state (default on)",
    )
    parser.add_argument(
        "--swarm",
        choices=("on", "off"),
        default="on",
        help="new calls come from a subset of the methods that changes as the run goes "
        "(swarm testing; default on)",
    )
    parser.add_argument(
        "--value-profile",
        choices=("on", "off"),
        default="on",
        help="the model's comparisons count as coverage as their operands come closer "
        "(libFuzzer's -use_value_profile; default on)",
    )
    parser.add_argument(
        "--check-every",
        type=_check_every,
        default=CHECK_EVERY,
        metavar="N",
        help="check the invariants after every Nth call and after the last one (default "
        f"{CHECK_EVERY}; 1: after every call); a failure is run again with 1 to find the "
        "call that broke the state",
    )


def _check_every(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 1000, got {text!r}")
    return value


def _add_seed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="N",
        help="seed of the random choices: libFuzzer's (worker n uses N+n), the mutator's, "
        f"string hashing (PYTHONHASHSEED, unless set); 0: draw one; default {DEFAULT_SEED}. "
        "One worker with --runs repeats a run of the same seed, seeds and workdir; "
        "--max-time and --jobs N make runs differ",
    )


def _add_after_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--undo-redo",
        action="store_true",
        help="after every call, check that undo then redo give back the same state "
        "(needs Target(undo=..., redo=...))",
    )
    parser.add_argument(
        "--minimize-time",
        type=float,
        default=10.0,
        metavar="S",
        help="after the run, minimize each new bug for up to S seconds (0: off; default 10)",
    )
    parser.add_argument(
        "--to-test",
        nargs="?",
        const="",
        metavar="FILE",
        help="after minimizing, append a pytest regression test of each new bug to FILE "
        "(default: tests/regression/test_<target>_regressions.py; put the option after TARGET)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Fuzz a target until the time or run limit (or Ctrl-C); summarize the bugs found."""
    from apifuzz.campaign.options import FuzzOptions
    from apifuzz.campaign.run import fuzz
    from apifuzz.report.page import write_page

    target = LoadedTarget.load(args.target)
    if args.corpus:
        corpora = [Path(c) for c in args.corpus]
    else:
        default = target.corpus_folder
        corpora = [default] if default.is_dir() else []
    if args.undo_redo:
        require_undo_redo(target.target)
    workdir = Path(args.workdir) if args.workdir else Path(".apifuzz") / target.name
    to_test = None
    if args.to_test is not None:
        # libcst costs a quarter second to import: a run that writes no test never pays it.
        from apifuzz.testgen.regression import default_output

        to_test = Path(args.to_test) if args.to_test else default_output(target.target)
    options = FuzzOptions(
        corpus=corpora,
        workdir=workdir,
        max_time=args.max_time,
        runs=args.runs,
        jobs=args.jobs,
        timeout=args.timeout,
        mutator=args.mutator,
        state_feedback=args.state_feedback,
        relational=args.relational == "on",
        swarm=args.swarm == "on",
        check_every=args.check_every,
        value_profile=args.value_profile == "on",
        seed=args.seed,
        stop_on_first=args.stop_on_first,
        instrument=list(args.instrument),
        libraries=not args.no_library_coverage,
        max_len=args.max_len,
        libfuzzer_args=list(args.extra),
        undo_redo=args.undo_redo,
        minimize_time=args.minimize_time,
        to_test=to_test,
    )
    with writing_into(workdir, "--workdir"):
        return fuzz(target, options, out, page=write_page)
