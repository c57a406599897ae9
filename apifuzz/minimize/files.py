"""Minimize a script file or a crash folder and write the result beside it.

A crash folder gets ``minimized.txt`` (only when the bug reproduced) and
``minimize.json`` (always: the status, sizes and time), which the fuzz
summary and the regression tools read back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apifuzz.atomic import atomic_write
from apifuzz.engine.crashes import (
    INPUT_NAME,
    MINIMIZED_NAME,
    Artifact,
    MinimizeRecord,
    is_artifact,
    load_artifact,
    owning_artifact,
    read_minimize_record,
    write_minimize_record,
)
from apifuzz.engine.judge import Judge
from apifuzz.engine.replay import ReplaySetup, replay_setup, why_no_bug
from apifuzz.errors import ApifuzzError, describe_os_error
from apifuzz.language import LoadedTarget
from apifuzz.minimize.minimizer import Minimized, Minimizer, MinimizeStatus


@dataclass
class MinimizedFile:
    """A minimization and where its script went (None when nothing was written)."""

    result: Minimized
    source: Path
    path: Path | None


def default_output(source: Path) -> Path:
    """``<folder>/minimized.txt`` for a crash folder, ``name.min.txt`` beside a file."""
    if is_artifact(source):
        return source / MINIMIZED_NAME
    return source.with_name(f"{source.stem}.min{source.suffix or '.txt'}")


def header(result: Minimized, source: Path) -> str:
    """Comment lines that say what the script shows and where it came from."""
    assert result.signature is not None
    return (
        f"# apifuzz minimize: {comment_text(result.signature.describe())}\n"
        f"# from {comment_text(str(source))}: {result.before} -> {result.after} statements\n"
    )


def comment_text(text: str) -> str:
    """``text`` made safe for the rest of a comment line: what is not printable escaped.

    A path or a name echoed into a script's comment may hold a line break: left
    as it is, what follows would be a statement of the script.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


def minimize_path(
    minimizer: Minimizer,
    source: Path,
    output: Path | None = None,
    artifact: Artifact | None = None,
) -> MinimizedFile:
    """Minimize ``source`` (a script or a crash folder); raises ApifuzzError if unreadable.

    ``artifact`` is the crash folder ``source`` is, or the one a script file
    belongs to (read here when not given): only the bug it recorded counts.
    """
    if output is not None and output.is_dir():
        raise ApifuzzError(f"{output} is a folder; -o names the file to write")
    try:
        if is_artifact(source):
            artifact = artifact if artifact is not None else load_artifact(source)
            data = artifact.script
        elif source.is_dir():
            raise ApifuzzError(f"{source} is a folder without input.txt, not a crash folder")
        else:
            data = source.read_bytes()
    except OSError as exc:
        raise ApifuzzError(f"cannot read {source}: {exc.strerror}") from None
    result = minimizer.minimize(data, artifact.signature if artifact is not None else None)
    path = None
    if result.status is MinimizeStatus.MINIMIZED:
        path = output or default_output(source)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, header(result, source) + result.script)
        except OSError as exc:
            raise ApifuzzError(f"cannot write {describe_os_error(exc)}") from None
    if (
        is_artifact(source)
        and output is None
        and (path is not None or not _minimized_before(source))
    ):
        # The folder's record tells of its own minimized.txt only (not of an -o file),
        # and a failed attempt (the bug variable not set, say) never hides an earlier success.
        record = MinimizeRecord(
            status=result.status.value,
            before=result.before,
            after=result.after,
            seconds=round(result.seconds, 3),
            runs=result.runs,
            complete=result.complete,
            interrupted=result.interrupted,
            describe=result.describe(),
            path=str(path) if path else None,
        )
        write_minimize_record(source, record)
    return MinimizedFile(result, source, path)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ApifuzzError(f"cannot read {path}: {exc.strerror}") from None


def _minimized_before(folder: Path) -> bool:
    record = read_minimize_record(folder)
    return record is not None and record.status == MinimizeStatus.MINIMIZED.value


@dataclass
class MinimizeRun:
    """A minimization as ``apifuzz minimize`` runs it: the result and how it was replayed."""

    written: MinimizedFile
    setup: ReplaySetup
    judge: Judge
    artifact: Artifact | None  # the crash folder the script is, or belongs to

    def why_no_bug(self) -> str:
        """``''``, or ``'; hint; hint'``: what may explain that no bug showed."""
        hints = why_no_bug(self.setup, self.artifact)
        report = self.judge.run(self.written.result.script).report
        if report.skipped and not report.executed + report.refused:
            hints = f"; no statement ran ({report.counts()}: apifuzz replay says why)" + hints
        return hints


def minimize_script(
    loaded: LoadedTarget,
    source: Path,
    *,
    output: Path | None = None,
    max_time: float = 60.0,
    timeout: float | None = None,
    undo_redo: bool = False,
    log: Callable[[str], None] | None = None,
) -> MinimizeRun:
    """Minimize a script or a crash folder of ``loaded``, as the worker that found it ran it.

    A crash folder, or a file of one, is replayed with the folder's aliases,
    oracle, packages and timeout, and only the bug it recorded counts; the
    result goes to ``output``, else beside the source (:func:`default_output`).
    """
    if not source.exists():
        raise ApifuzzError(f"{source}: no such file or folder")
    artifact = owning_artifact(source)
    if artifact is not None and source.name == INPUT_NAME:
        source = source.parent  # a crash folder's input is that crash folder
    if is_artifact(source):
        artifact = load_artifact(source)
    setup = replay_setup(loaded, artifact, undo_redo=undo_redo, timeout=timeout)
    if artifact is None and source.is_file():
        # A plain script may kill the process: a first run in a child tells.
        setup = setup.probed(_read(source))
    judge = setup.judge()
    minimizer = Minimizer(judge, max_time=max_time, log=log)
    written = minimize_path(minimizer, source, output, artifact)
    return MinimizeRun(written, setup, judge, artifact)
