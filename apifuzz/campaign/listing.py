"""A workdir's bugs as a person reads them: one entry per bug, its script inline.

Shared by the campaign's summary and ``apifuzz crashes``.  Each entry:
what failed and where, its variants and hits, when it was first and last
seen, the minimized script on a line or two, and the one command that
replays it and the one that turns it into a test.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TextIO

from apifuzz.campaign.commands import (
    minimize_hint,
    replay_command,
    takes_command,
    to_test_command,
)
from apifuzz.engine.bugs import BugRecord
from apifuzz.engine.crashes import (
    INPUT_NAME,
    MINIMIZED_NAME,
    MinimizeRecord,
    read_minimize_record,
)

#: Statements of a bug's minimized script shown inline; the rest is in its file.
SCRIPT_LINES = 10
#: What an entry's ``run:`` line does, said once above the entries.
RUN_LEGEND = "run: replays the bug; with to-test added at the end, writes its regression test"

#: Where a script's line wraps: the terminal's width, within these bounds (100 when
#: the output is no terminal).
WIDTH = (80, 100, 160)


def minimized_line(record: MinimizeRecord, folder: Path) -> str:
    """What a crash folder's minimization came to, in one line ('' for nothing to say)."""
    status = record.status
    if status == "minimized":
        cut = "" if record.complete else ", time limit reached"
        if record.interrupted:
            cut = ", interrupted"
        path = record.path or folder / MINIMIZED_NAME
        return f"minimized: {record.after} statements (from {record.before}{cut}) -> {path}"
    describe = record.describe or status
    if status == "flaky":
        return f"{describe} (in a fresh process)"
    if status in ("no bug", "not reproduced"):
        # The worker saw the bug; a fresh process does not: it depended on the worker's past.
        return f"flaky: the worker saw it, a fresh process does not ({describe}); not minimized"
    return ""


def count_bugs(bugs: list[BugRecord]) -> str:
    """``11 bugs (42 variants)``."""
    variants = sum(len(b.signatures) for b in bugs)
    return (
        f"{len(bugs)} bug{'s' if len(bugs) != 1 else ''} "
        f"({variants} variant{'s' if variants != 1 else ''})"
    )


def write_bugs(
    bugs: list[BugRecord], spec: str, out: TextIO, states: list[str] | None = None
) -> None:
    """One entry per bug; ``states`` (``new``, ``seen``, ``on record``) tag each when given.

    A bug whose ``reproduce.sh`` takes a command gets one line for both commands
    (``run: sh F/reproduce.sh``, which ``to-test`` at the end makes the test command,
    explained once above the entries), so that the example's bugs fit on one screen;
    an older folder gets both in full."""
    one_line = [takes_command(_shown(bug.folder)) for bug in bugs]
    if any(one_line):
        out.write(f"({RUN_LEGEND})\n")
    for number, bug in enumerate(bugs, 1):
        rep = bug.representative
        state = f"[{states[number - 1]}] " if states else ""
        out.write(f"{number:2d}. {state}{rep.signature.describe()}\n")
        hits = [f"{len(bug.signatures)} variants" if bug.variants else "", f"x{bug.count}"]
        if bug.count:
            hits.append(f"seen {_when(bug.first_seen)} to {_when(bug.last_seen)}")
        out.write(f"    {_raised(rep.summary)}  ({', '.join(h for h in hits if h)})\n")
        label, statements, note = _script(bug.folder, spec)
        out.write(_wrap(label, statements))
        if note:
            out.write(f"            ({note})\n")
        folder = _shown(bug.folder)
        if one_line[number - 1]:
            out.write(f"    run:    {replay_command(folder)}\n")
        else:
            out.write(f"    replay: {replay_command(folder)}\n")
            out.write(f"    test:   {to_test_command(spec, folder)}\n")


def _raised(summary: str) -> str:
    """What a bug's summary says was raised, without where (the entry's first line says
    where: the method, the invariant, the frame; the input's line number is no help)."""
    where, sep, what = summary.partition(": ")
    if not sep or not where.startswith(("line ", "construction")):
        return summary
    invariant, sep, raised = what.partition(" failed: ")
    return raised if sep and invariant.startswith("invariant ") else what


def _wrap(label: str, statements: list[str]) -> str:
    """Statements joined by ``; ``, wrapped between statements, never inside one."""
    low, default, high = WIDTH
    width = min(max(shutil.get_terminal_size((default, 24)).columns, low), high)
    indent = " " * (4 + len(label))
    lines, line = [], f"    {label}"
    for index, statement in enumerate(statements):
        piece = statement + (";" if index < len(statements) - 1 else "")
        if line.strip() and line != f"    {label}" and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = indent
        line += ("" if line.endswith((label, indent)) else " ") + piece
    lines.append(line)
    return "".join(f"{line}\n" for line in lines)


def _script(folder: Path, spec: str) -> tuple[str, list[str], str]:
    """What to show of the bug's script: a label, the statements, and a note ('' for none).

    The minimized script when there is one; else the input as found, with
    what minimization said about it, or the command that minimizes it.
    """
    name = MINIMIZED_NAME if (folder / MINIMIZED_NAME).is_file() else INPUT_NAME
    try:
        text = (folder / name).read_text(encoding="utf-8", errors="backslashreplace")
    except OSError:
        return "input:  ", [], f"unreadable: {folder / name}"
    statements = [s.strip() for s in text.splitlines() if s.strip() and s.strip()[0] != "#"]
    if len(statements) > SCRIPT_LINES:
        rest = len(statements) - SCRIPT_LINES
        statements = [*statements[:SCRIPT_LINES], f"... ({rest} more in {name})"]
    if name == MINIMIZED_NAME:
        return "script: ", statements, ""
    record = read_minimize_record(folder)
    note = minimized_line(record, folder) if record is not None else ""
    return (
        "input:  ",
        statements,
        note or f"not minimized yet: {minimize_hint(spec, _shown(folder))}",
    )


def _when(stamp: float) -> str:
    """A wall-clock time: ``16:45:02`` today, ``2026-12-01 16:45`` another day."""
    moment = time.localtime(stamp)
    if time.strftime("%Y-%m-%d", moment) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M:%S", moment)
    return time.strftime("%Y-%m-%d %H:%M", moment)


def _shown(folder: Path) -> Path:
    """The folder relative to the current directory when it is below it: shorter to read."""
    try:
        return folder.resolve().relative_to(Path.cwd())
    except ValueError:
        return folder
