"""Line and branch coverage of a model from replaying a corpus (``apifuzz cov``).

Every input (a corpus file, a script, a crash folder's ``input.txt`` and
``minimized.txt``) runs once on a fresh model, and coverage.py measures the
model's own code: the target's top-level package and the libraries its module
imports (``--no-library-coverage``: the target's package only), from before
they are imported, so module-level lines count. apifuzz's interpreter is never
measured.

``apifuzz cov TARGET DIR --json FILE`` writes the totals as one JSON object,
a format kept stable for benchmarks and scripts::

    {
      "inputs": 120,                              # inputs run
      "bugs": 0,                                  # inputs that showed a bug
      "lines": {"covered": 781, "total": 818},    # statements executed / measured
      "branches": {"covered": 174, "total": 198}, # branch arcs taken / possible
      "percent": 93.99606299212599                # lines and branches together
    }

``percent`` is coverage.py's own total, (covered lines + covered branches) /
(lines + branches) * 100, unrounded. The figures are coverage.py's JSON
report totals (``covered_lines``, ``num_statements``, ``covered_branches``,
``num_branches``, ``percent_covered``), measured with no configuration file,
so a project's ``.coveragerc`` does not change them.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import coverage
from coverage.exceptions import CoverageException

from apifuzz.engine.corpus import inputs as corpus_inputs
from apifuzz.engine.crashes import (
    INPUT_NAME,
    MINIMIZED_NAME,
    artifact_lock,
    find_artifacts,
    is_artifact,
    load_artifact,
)
from apifuzz.errors import UsageError, describe_os_error
from apifuzz.interpreter import Interpreter
from apifuzz.language import LOCK_NAME, Language, LoadedTarget, as_loaded, spec_of
from apifuzz.model.libraries import library_packages
from apifuzz.model.loader import target_packages
from apifuzz.model.target import Target, require_undo_redo

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Input:
    """One script to run: where it came from, its bytes and how to run it."""

    label: str
    data: bytes
    lock: Path | None  # the aliases.lock it was written with; None: the default one
    undo_redo: bool = False  # a crash folder found with the undo/redo oracle on


@dataclass
class CoverageResult:
    """What replaying the inputs covered; ``cov`` holds the data for the reports."""

    spec: str
    paths: list[Path]
    inputs: int
    bugs: int
    lines_covered: int
    lines_total: int
    branches_covered: int
    branches_total: int
    percent: float
    cov: coverage.Coverage
    # False when the model was imported before measuring began (an in-process
    # caller): its module-level lines then show as missed.
    fresh_import: bool = True

    def header(self) -> str:
        """``121 inputs (3 showed a bug) from corpora/example_timeline``."""
        names = [str(p) for p in self.paths]
        if len(names) > 3:
            names = [*names[:3], f"{len(names) - 3} more"]
        noun = "input" if self.inputs == 1 else "inputs"
        return f"{self.inputs} {noun} ({self.bugs} showed a bug) from {', '.join(names)}"

    def table(self) -> str:
        """coverage.py's report: one row per file of the model, and a total row."""
        text = io.StringIO()
        self.cov.report(file=text, show_missing=False, skip_covered=False)
        return text.getvalue()

    def write_html(self, directory: Path) -> Path:
        """coverage.py's HTML report into ``directory``; returns its ``index.html``."""
        try:
            self.cov.html_report(directory=str(directory), title=f"apifuzz cov {self.spec}")
        except (OSError, CoverageException) as exc:
            # coverage.py wraps the OSError of a folder it cannot create in its own exception.
            cause = exc if isinstance(exc, OSError) else exc.__cause__
            reason = describe_os_error(cause) if isinstance(cause, OSError) else str(exc)
            raise UsageError(f"--html {directory}: cannot write {reason}") from None
        return directory / "index.html"

    def totals(self) -> dict[str, Any]:
        """The documented JSON object (see the module docstring)."""
        return {
            "inputs": self.inputs,
            "bugs": self.bugs,
            "lines": {"covered": self.lines_covered, "total": self.lines_total},
            "branches": {"covered": self.branches_covered, "total": self.branches_total},
            "percent": self.percent,
        }

    def files(self) -> list[dict[str, Any]]:
        """Per file of the model, by path: ``{"file", "lines", "branches", "percent"}``,
        with ``lines`` and ``branches`` as in :meth:`totals`; paths relative to their
        common folder."""
        found = _json_report(self.cov)["files"]
        names = list(found)
        base = os.path.commonpath([os.path.dirname(n) for n in names]) if names else ""
        rows = []
        for name in sorted(names):
            s = found[name]["summary"]
            rows.append(
                {
                    "file": os.path.relpath(name, base) if base else name,
                    "lines": {"covered": s["covered_lines"], "total": s["num_statements"]},
                    "branches": {"covered": s["covered_branches"], "total": s["num_branches"]},
                    "percent": s["percent_covered"],
                }
            )
        return rows

    def write_json(self, path: Path) -> None:
        """Write :meth:`totals` to ``path``."""
        try:
            path.write_text(json.dumps(self.totals(), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            exc.filename = exc.filename or str(path)
            raise UsageError(f"--json {path}: cannot write {describe_os_error(exc)}") from None


def measure(
    target: LoadedTarget | str,
    paths: Sequence[Path] = (),
    *,
    undo_redo: bool = False,
    corpus: Path | None = None,
    progress: Progress | None = None,
    libraries: bool = True,
) -> CoverageResult:
    """Run every input under ``paths`` on a fresh model of ``target`` and measure coverage.

    ``paths`` are corpus folders (each regular file is an input), script files,
    crash folders and folders of crash folders; none means the target's corpus
    (``corpus``, else ``corpora/<target>``). ``corpus`` also names the folder
    whose ``aliases.lock`` every input is read with; without it each input uses
    the lock beside it (a crash folder's, or one in a corpus folder or its
    parent, as a fuzz workdir keeps it), else the target's corpus's.
    ``progress(done, total)`` is called after every input; ``libraries``: see :func:`_measured`.

    Module-level lines only count when the model is first imported here: a
    caller that imported it before (a :class:`LoadedTarget` is imported) gets
    them as missed (``fresh_import`` is then False), as coverage.py cannot see
    code that already ran. The command line passes the spec, so it always
    imports it fresh.
    """
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    spec = spec_of(target)
    packages = _measured(spec, libraries)
    fresh = not any(name in sys.modules for name in packages)
    cov = coverage.Coverage(
        data_file=None, branch=True, source_pkgs=packages, config_file=False, messages=False
    )
    # Reported through fresh_import instead, for a caller that imported the model first.
    cov.set_option("run:disable_warnings", ["module-not-measured", "already-imported"])
    cov.start()
    try:
        # Imported inside the measured region, so module-level lines count.
        loaded = as_loaded(target, corpus)
        chosen, inputs = _inputs_of(loaded, paths)
        if undo_redo:
            require_undo_redo(loaded.target)
        bugs = _run_all(loaded.target, inputs, undo_redo, progress)
    finally:
        cov.stop()
    totals = _json_totals(cov)
    return CoverageResult(
        spec=spec,
        paths=chosen,
        inputs=len(inputs),
        bugs=bugs,
        lines_covered=int(totals["covered_lines"]),
        lines_total=int(totals["num_statements"]),
        branches_covered=int(totals["covered_branches"]),
        branches_total=int(totals["num_branches"]),
        percent=float(totals["percent_covered"]),
        cov=cov,
        fresh_import=fresh,
    )


def _measured(spec: str, libraries: bool) -> list[str]:
    """The target's package, and with ``libraries`` those its module imports.

    The libraries are read from the module's source (:func:`library_packages`):
    importing it before measuring would hide its module-level lines.
    """
    return target_packages(spec, library_packages(spec) if libraries else ())


def _inputs_of(loaded: LoadedTarget, paths: Sequence[Path]) -> tuple[list[Path], list[Input]]:
    """The paths measured (the target's corpus when none are given) and their inputs."""
    home = loaded.corpus_folder
    if not paths and not home.is_dir():
        raise UsageError(
            f"no corpus at {home}; give corpus folders, scripts or crash folders: "
            f"apifuzz cov {loaded.spec} PATH..."
        )
    chosen = list(paths) or [home]
    return chosen, collect_inputs(chosen, _lock_in(home), own_locks=loaded.corpus is None)


def collect_inputs(
    paths: Iterable[Path], default_lock: Path | None, *, own_locks: bool
) -> list[Input]:
    """Read every input under ``paths`` (see :func:`measure`); each file once.

    A folder holding crash folders (or being one) gives their ``input.txt`` and
    ``minimized.txt``; any other folder is a corpus: each regular file directly
    in it is one input, except ``aliases.lock`` and hidden files. With
    ``own_locks`` an input uses the alias lock found beside it (else
    ``default_lock``); without it, ``default_lock``.
    """
    inputs: list[Input] = []
    seen: set[Path] = set()

    def add(file: Path, lock: Path | None, undo_redo: bool = False) -> None:
        key = file.resolve()
        if key in seen:
            return
        seen.add(key)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror}") from None
        inputs.append(Input(str(file), data, lock if own_locks else default_lock, undo_redo))

    for path in paths:
        if not path.is_dir():
            folder = path.parent
            lock = artifact_lock(folder) if is_artifact(folder) else _folder_lock(folder)
            add(path, lock or default_lock)
            continue
        folders = find_artifacts(path)
        files = []
        if not folders:
            try:
                files = corpus_inputs(path)
            except OSError as exc:
                raise UsageError(f"cannot read folder {path}: {exc.strerror}") from None
        lock = _folder_lock(path) or default_lock
        for file in files:
            add(file, lock)
        for folder in folders:
            crash = load_artifact(folder)
            lock = artifact_lock(folder) or default_lock
            add(folder / INPUT_NAME, lock, crash.undo_redo)
            if crash.minimized is not None:
                add(folder / MINIMIZED_NAME, lock, crash.undo_redo)
        if not files and not folders:
            raise UsageError(
                f"{path}: no inputs found (a corpus folder holds one input per file; "
                f"a crash folder holds input.txt)"
            )
    return inputs


def _lock_in(folder: Path) -> Path | None:
    lock = folder / LOCK_NAME
    return lock if lock.is_file() else None


def _folder_lock(folder: Path) -> Path | None:
    # A fuzz workdir keeps its corpus in <workdir>/corpus and the lock in <workdir>.
    return _lock_in(folder) or _lock_in(folder.parent)


def _run_all(
    target: Target, inputs: list[Input], undo_redo: bool, progress: Progress | None
) -> int:
    interpreters: dict[tuple[Path | None, bool], Interpreter] = {}
    bugs = 0
    for done, item in enumerate(inputs, 1):
        oracle = undo_redo or item.undo_redo
        interpreter = interpreters.get((item.lock, oracle))
        if interpreter is None:
            language = Language.for_target(target, item.lock)
            interpreter = interpreters[item.lock, oracle] = Interpreter(language, undo_redo=oracle)
        try:
            report = interpreter.run(item.data, record=False)
            bugs += report.bug is not None
        except KeyboardInterrupt:
            raise
        except BaseException:
            # The interpreter stops at Exception and SystemExit; anything else the model
            # raises still ends only this input.
            bugs += 1
        if progress is not None:
            progress(done, len(inputs))
    return bugs


def _json_totals(cov: coverage.Coverage) -> dict[str, Any]:
    totals: dict[str, Any] = _json_report(cov)["totals"]
    return totals


def _json_report(cov: coverage.Coverage) -> dict[str, Any]:
    # coverage.py's JSON report is its public, stable way to get the branch totals.
    with tempfile.TemporaryDirectory(prefix="apifuzz-cov-") as tmp:
        out = os.path.join(tmp, "coverage.json")
        try:
            cov.json_report(outfile=out)
        except coverage.CoverageException as exc:
            raise UsageError(f"coverage.py could not report: {exc}") from None
        with open(out, encoding="utf-8") as f:
            report: dict[str, Any] = json.load(f)
    return report


def tty_progress(stream: TextIO, every: float = 0.5) -> Progress | None:
    """A ``\\r``-updated ``done/total inputs`` counter on a terminal; None otherwise."""
    if not stream.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done == total:
            stream.write("\r\033[K")  # the final report replaces the counter
            stream.flush()
        elif now - last[0] >= every:
            last[0] = now
            stream.write(f"\r{done}/{total} inputs")
            stream.flush()

    return show
