"""``apifuzz replay``: run scripts or crash folders and show what every statement did."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from apifuzz.cli.common import EXIT_BUG, EXIT_OK, add_timeout, check_timeout, loaded
from apifuzz.errors import ApifuzzError
from apifuzz.language import LoadedTarget
from apifuzz.model.target import require_undo_redo
from apifuzz.text import safe_repr

if TYPE_CHECKING:
    from apifuzz.engine.crashes import Artifact
    from apifuzz.engine.judge import Judge
    from apifuzz.engine.replay import ReplaySetup
    from apifuzz.interpreter import Report

HELP = "run scripts or crash folders on a fresh model and show each statement"
EPILOG = (
    "A crash folder replays input.txt (and minimized.txt when present) the way the fuzz "
    "worker ran it (aliases, undo/redo oracle, timeout), and says whether its recorded bug "
    "reproduced; so does a file of a crash folder. Exit code 1: a bug showed."
)

#: One script to replay: its label, its bytes, and the crash folder it belongs to.
Entry = tuple[str, bytes, "Artifact | None"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``replay``."""
    parser.add_argument(
        "scripts",
        metavar="PATH",
        nargs="+",
        help="a script file, a crash folder (holding input.txt) or a folder of crash folders",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only the summary lines")
    parser.add_argument(
        "--trace", action="store_true", help="show only the resolved calls, as Python"
    )
    parser.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call (as fuzz --undo-redo did)",
    )
    add_timeout(parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run scripts or crash folders on a fresh model each and print what every statement did.

    A crash folder (holding ``input.txt``) is judged the way the fuzz worker
    judged it, and the bug it shows now is compared with its recorded signature.
    """
    target = loaded(args)
    if args.undo_redo:
        require_undo_redo(target.target)
    check_timeout(args)
    # Everything is read first, so a bad path is a usage error before any output.
    entries = [entry for name in args.scripts for entry in _entries(name)]
    judges: dict[ReplaySetup, Judge] = {}
    found = False
    for label, data, artifact in entries:
        found |= _replay_one(target, label, data, artifact, judges, args, out)
    return EXIT_BUG if found else EXIT_OK


def _entries(name: str) -> list[Entry]:
    """The scripts a path names: a file, or every crash folder's input (and minimized input)."""
    from apifuzz.engine.crashes import (
        INPUT_NAME,
        MINIMIZED_NAME,
        find_artifacts,
        load_artifact,
        owning_artifact,
    )

    path = Path(name)
    if not path.is_dir():
        try:
            return [(name, path.read_bytes(), owning_artifact(path))]
        except OSError as exc:
            raise ApifuzzError(f"cannot read script {name!r}: {exc.strerror}") from None
    folders = find_artifacts(path)
    if not folders:
        raise ApifuzzError(f"{name}: no crash folder (a folder holding input.txt) in it")
    entries: list[Entry] = []
    for folder in folders:
        crash = load_artifact(folder)
        entries.append((str(folder / INPUT_NAME), crash.script, crash))
        if crash.minimized is not None:
            entries.append((str(folder / MINIMIZED_NAME), crash.minimized, crash))
    return entries


def _replay_one(
    target: LoadedTarget,
    label: str,
    data: bytes,
    artifact: Artifact | None,
    judges: dict[ReplaySetup, Judge],
    args: argparse.Namespace,
    out: TextIO,
) -> bool:
    """Replay one script as its crash folder (if any) records; True when a bug showed."""
    from apifuzz.engine.replay import Reproduction, replay_setup

    if artifact is not None and artifact.target not in (None, target.spec):
        out.write(
            f"WARNING: {artifact.folder} was recorded with target {artifact.target}; "
            f"replaying with {target.spec}\n"
        )
    # A script no crash folder vouches for may kill the process: it runs in a child.
    plain = artifact is None or artifact.signature is None
    setup = replay_setup(
        target, artifact, undo_redo=args.undo_redo, timeout=args.timeout, isolate=plain
    )
    judge = judges.get(setup)
    if judge is None:
        judge = judges[setup] = setup.judge()
    verdict = judge.run(data, record=True)
    report = verdict.report
    flags = " (undo/redo oracle on)" if setup.undo_redo and not args.undo_redo else ""
    out.write(f"{label}: {report.counts()}{flags}\n")
    _write_report(report, args, target.target.registry.model_name.lower(), out)
    if report.bug is not None:
        out.write(f"BUG: {report.bug.summary()}\n")  # a hang's: the statement that ran too long
        if not args.quiet:
            out.write(report.bug.traceback)
    if artifact is not None:
        out.write(Reproduction(artifact.signature, verdict.signature).describe() + "\n")
    return report.bug is not None


def _write_report(report: Report, args: argparse.Namespace, model: str, out: TextIO) -> None:
    """Print what every statement of a replayed script did (``--trace``: as Python calls)."""
    from apifuzz.interpreter import Status

    if args.trace:
        for s in report.statements:
            if s.status is Status.SKIPPED or s.method is None:
                continue
            call = f"{model}.{s.call_text()}"
            if s.status is Status.BUG:
                out.write(f"  {s.line:>4} {call}  # bug\n")
            elif s.error is not None:
                out.write(f"  {s.line:>4} {call} raises {s.detail}\n")
            else:
                out.write(f"  {s.line:>4} {call} -> {safe_repr(s.value)}\n")
    elif not args.quiet:
        for s in report.statements:
            text = s.text.strip()
            if len(text) > 48:
                text = text[:45] + "..."
            line = f"  {s.line:>4} {s.status.value:<8} {text:<48}"
            if s.status is Status.SKIPPED:
                line += f"  [{s.reason.value if s.reason else ''}: {s.detail}]"
            elif s.status is Status.REFUSED:
                line += f"  {s.call_text()} -> {s.detail or safe_repr(s.value)}"
            elif s.status is Status.BUG:
                line += f"  {s.call_text()}"
            else:
                line += f"  {s.call_text()} -> {safe_repr(s.value)}"
            out.write(line.rstrip() + "\n")
