"""``apifuzz crashes``: the bugs of a workdir, and their triage (again) on demand."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import EXIT_OK, add_timeout, check_timeout
from apifuzz.errors import ApifuzzError

HELP = "list the bugs of a workdir (one per root cause, with its variants); triage them"
EPILOG = (
    "Without --triage, only reads: nothing is imported or run. With --triage TARGET, each "
    "signature no triage has decided yet (every folder of a workdir written before bugs had "
    "variants) is minimized when it is not yet, then judged a bug of its own or moved into "
    "the folder of the bug it is a variant of; --again first puts every variant back and "
    "decides all of them anew. Exit code 0 (bugs or not); 2: usage error."
)


def add_target(parser: argparse.ArgumentParser) -> None:
    """``crashes`` takes a workdir, not a target: the target comes with ``--triage``."""
    parser.add_argument(
        "workdir",
        metavar="WORKDIR",
        nargs="?",
        help="a fuzzing workdir, or its crashes/ folder (default: the only one under .apifuzz/)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``crashes``."""
    parser.add_argument(
        "--triage",
        metavar="TARGET",
        help="triage the undecided signatures with this target (MODULE or MODULE:ATTRIBUTE)",
    )
    parser.add_argument(
        "--again", action="store_true", help="with --triage: forget every decision first"
    )
    parser.add_argument(
        "--minimize-time",
        type=float,
        default=10.0,
        metavar="S",
        help="with --triage: budget per signature not minimized yet (default 10)",
    )
    add_timeout(parser)


def crashes_folder(workdir: str | None) -> Path:
    """The ``crashes/`` folder the user means; UsageError when there is none."""
    if workdir is None:
        found = sorted(p for p in Path(".apifuzz").glob("*/crashes") if p.is_dir())
        if len(found) != 1:
            names = ", ".join(str(p.parent) for p in found) or "none under .apifuzz/"
            raise ApifuzzError(f"name the workdir (found: {names})")
        return found[0]
    path = Path(workdir)
    if (path / "crashes").is_dir():
        return path / "crashes"
    if path.is_dir() and path.name == "crashes":
        return path
    if path.is_dir():
        raise ApifuzzError(f"{workdir}: no crashes/ folder in it (is it a fuzzing workdir?)")
    raise ApifuzzError(f"{workdir}: no such workdir")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """List a workdir's bugs; with --triage, decide the undecided signatures first."""
    from apifuzz.campaign.listing import count_bugs, write_bugs
    from apifuzz.engine.bugs import load_bugs, split_variants

    check_timeout(args)
    if args.minimize_time < 0:
        raise ApifuzzError(f"--minimize-time must be 0 or positive, got {args.minimize_time}")
    if args.again and not args.triage:
        raise ApifuzzError("--again goes with --triage TARGET")
    root = crashes_folder(args.workdir)
    if args.triage:
        from apifuzz.campaign.lock import WorkdirLock

        # A campaign triages its own workdir while it runs: never two triages at once.
        with WorkdirLock(root.parent if root.name == "crashes" else root):
            if args.again:
                for bug in load_bugs(root).bugs:
                    split_variants(bug.folder)
            _triage(args, root, out)
    bugs = load_bugs(root)
    for line in bugs.warnings():
        out.write(line + "\n")
    if not bugs.bugs:
        out.write(f"no bug in {root}\n")
        return EXIT_OK
    pending = len(bugs.pending())
    undecided = f"; {pending} not triaged yet (--triage TARGET)" if pending else ""
    out.write(f"{root}: {count_bugs(bugs.bugs)}{undecided}\n")
    # Only shown in the commands printed, never imported: a workdir may come from anywhere.
    spec = args.triage or bugs.bugs[0].representative.target or "TARGET"
    write_bugs(bugs.bugs, spec, out)
    return EXIT_OK


def _triage(args: argparse.Namespace, root: Path, out: TextIO) -> None:
    from apifuzz.engine import DEFAULT_TIMEOUT
    from apifuzz.engine.bugs import load_bugs
    from apifuzz.engine.crashes import RECORD_NAME, load_artifact
    from apifuzz.engine.grouping import triage_pending
    from apifuzz.engine.rootcause import RootCause
    from apifuzz.language import LoadedTarget
    from apifuzz.minimize.files import minimize_script
    from apifuzz.model.loader import target_packages

    workdir = root.parent if root.name == "crashes" else None
    loaded = LoadedTarget.load(args.triage, workdir)
    bugs = load_bugs(root).pending()
    if not bugs:
        return
    # The campaign's settings, as its folders recorded them (the oracle, packages, timeout).
    ran = load_artifact(bugs[0].folder)
    timeout = args.timeout if args.timeout is not None else ran.timeout or DEFAULT_TIMEOUT
    pending = [b for b in bugs if not (b.folder / RECORD_NAME).exists()]
    if pending and args.minimize_time > 0:
        out.write(
            f"INFO: minimizing {len(pending)} signature(s), up to {args.minimize_time:g}s each\n"
        )
        for index, bug in enumerate(pending, 1):
            run = minimize_script(
                loaded, bug.folder, max_time=args.minimize_time, timeout=args.timeout
            )
            out.write(f"  [{index}/{len(pending)}] {bug.key}: {run.written.result.describe()}\n")
            out.flush()
    root_cause = RootCause(
        loaded,
        undo_redo=ran.undo_redo,
        timeout=timeout,
        packages=tuple(ran.packages_or(target_packages(args.triage, []))),
    )
    decisions = triage_pending(root, root_cause)
    merged = sum(d.merged for d in decisions)
    out.write(
        f"INFO: triage: {len(decisions) - merged} bug(s) of their own, "
        f"{merged} variant(s) of another\n"
    )
    for decision in decisions:
        if decision.merged:
            out.write(f"  {decision.key} -> {decision.bug}: {decision.reason}\n")
