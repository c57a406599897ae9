"""Tracing a pytest session: record each test, check each script by replay, write the corpus."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from apifuzz.atomic import atomic_write
from apifuzz.errors import ApifuzzError
from apifuzz.interpreter import Interpreter
from apifuzz.language import LOCK_NAME, Language
from apifuzz.model.loader import load_target
from apifuzz.model.target import Target
from apifuzz.tracing.recorder import HEADER, Recorder, Trace, replay_mismatch

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def script_name(label: str, target: str = "") -> str:
    """A file name for a test id.

    ``tests/t/test_b.py::test_c[x] (model 2)`` becomes ``test_b--test_c_x_.2`` for target
    ``t``: the folders ``tests`` (or ``test``) and the target's own are left out.
    """
    nodeid, _, model = label.partition(" (model ")
    path, _, name = nodeid.partition("::")
    parts = [p for p in Path(path).with_suffix("").parts if p not in ("tests", "test", target)]
    stem = "-".join(parts) + ("--" + name.replace("::", "--") if name else "")
    stem = _UNSAFE.sub("_", stem).strip("_.-") or "trace"
    if len(stem) > 150:
        stem = stem[:140] + "-" + hashlib.sha1(stem.encode()).hexdigest()[:8]
    number = model.rstrip(")")
    return stem if number in ("", "1") else f"{stem}.{number}"


@dataclass
class TracedTarget:
    """What tracing produced for one target."""

    target: Target
    language: Language
    scripts: dict[str, Trace] = field(default_factory=dict)  # file stem -> trace
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (label, reason)
    short: list[tuple[str, str]] = field(default_factory=list)  # cut short: (label, reason)
    duplicates: int = 0  # scripts whose statements repeat an earlier one
    #: The queries that changed the model's state on replay: method -> one-line message.
    query_errors: dict[str, str] = field(default_factory=dict)


class TraceSession:
    """The pytest plugin object registered by ``--apifuzz-trace``."""

    def __init__(
        self, config: pytest.Config, out: str, specs: list[str], corpus: str | None = None
    ) -> None:
        self.config = config
        self.out = Path(out)
        #: The one folder the scripts go to (``--apifuzz-corpus``), instead of out/<target>.
        self.corpus = Path(corpus) if corpus else None
        self.tests = 0
        self.traced_tests = 0
        self.outcomes: dict[str, TracedTarget] = {}
        try:
            targets = [load_target(spec) for spec in specs]
        except ApifuzzError as exc:
            raise pytest.UsageError(f"--apifuzz-target: {exc}") from None
        languages = [self._language(t) for t in targets]
        self.recorder = Recorder(languages, discover=not specs)
        self.recorder.on_discover = self._language
        self.recorder.start()

    def _language(self, target: Target) -> Language:
        outcome = self.outcomes.get(target.name)
        if outcome is None or outcome.target.model_class is not target.model_class:
            # A module imported again makes a new class under the same target name: each
            # trace keeps the language of its own class; the newest one writes the lock.
            lock = self.folder(target.name) / LOCK_NAME
            language = Language.for_target(target, lock, write_lock=False)
            if outcome is None:
                outcome = self.outcomes[target.name] = TracedTarget(target, language)
            else:
                outcome.target, outcome.language = target, language
            return language
        return outcome.language

    def folder(self, name: str) -> Path:
        """Where the scripts of target ``name`` go."""
        return self.corpus if self.corpus is not None else self.out / name

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, None]:
        self.recorder.label = item.nodeid
        yield
        self.tests += 1
        traces = self.recorder.take()
        if traces:
            self.traced_tests += 1
        for trace in traces:
            self._keep(trace)

    def _keep(self, trace: Trace) -> None:
        outcome = self.outcomes[trace.language.target.name]
        label = trace.label
        if not trace.statements:
            # A model the test never called (one a library call made and returned, say)
            # loses nothing: no warning for it.
            if trace.lost:
                outcome.dropped.append((label, trace.problem or "no call"))
            return
        self.recorder.stop()  # the replay's own constructions are not part of any test
        interpreter = Interpreter(trace.language, check_queries=True)
        try:
            mismatch = replay_mismatch(trace, interpreter)
        finally:
            self.recorder.start()
        assert interpreter.queries is not None
        for method, message in interpreter.queries.errors.items():
            outcome.query_errors.setdefault(method, message)
        if mismatch is not None:
            outcome.dropped.append((label, mismatch))
            return
        if trace.problem:
            outcome.short.append((label, trace.problem))
        name = script_name(label, outcome.target.name)
        if name in outcome.scripts:  # two test ids that differ only in unsafe characters
            name += "-" + hashlib.sha1(label.encode()).hexdigest()[:6]
        outcome.scripts[name] = trace

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.recorder.stop()
        for outcome in self.outcomes.values():
            self._write(outcome)
        if session.exitstatus == 0 and any(o.query_errors for o in self.outcomes.values()):
            # A definition error, reported in the summary: the run must not pass.
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def _write(self, outcome: TracedTarget) -> None:
        folder = self.folder(outcome.target.name)
        folder.mkdir(parents=True, exist_ok=True)
        Language.for_target(outcome.target, folder / LOCK_NAME, write_lock=True)
        seen: dict[str, str] = {}
        keep: dict[str, Trace] = {}
        for name in sorted(outcome.scripts):
            body = outcome.scripts[name].body()
            if body in seen:
                continue
            seen[body] = name
            keep[name] = outcome.scripts[name]
        outcome.duplicates = len(outcome.scripts) - len(keep)
        for old in folder.glob("*.txt"):
            if old.stem not in keep and old.read_text(encoding="utf-8").startswith(HEADER):
                old.unlink()
        for name, trace in keep.items():
            path = folder / f"{name}.txt"
            text = trace.text()
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                atomic_write(path, text)
        outcome.scripts = keep

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        write = terminalreporter.write_line
        for patch in self.recorder.external:
            for problem in patch.problems:
                write(f"WARNING: apifuzz trace: {problem}")
        if not self.outcomes:
            write("apifuzz trace: no model of a traced target was called")
        for name, outcome in sorted(self.outcomes.items()):
            statements = sum(len(t.statements) for t in outcome.scripts.values())
            duplicates = outcome.duplicates
            write(
                f"apifuzz trace: {self.traced_tests} of {self.tests} tests traced, "
                f"{len(outcome.scripts)} scripts ({statements} statements) written to "
                f"{self.folder(name)}; {duplicates} duplicates, {len(outcome.dropped)} dropped, "
                f"{len(outcome.short)} cut short"
            )
            for line in _warnings("dropped", outcome.dropped) + _warnings(
                "cut short", outcome.short
            ):
                write(line)
            for _, message in sorted(outcome.query_errors.items()):
                write(f"ERROR: apifuzz trace: {message}")


def _warnings(what: str, entries: list[tuple[str, str]]) -> list[str]:
    """One warning per script, or per test when a test has many (a loop of models)."""
    by_test: dict[str, list[tuple[str, str]]] = {}
    for label, reason in entries:
        by_test.setdefault(label.partition(" (model ")[0], []).append((label, reason))
    lines = []
    for test, items in by_test.items():
        if len(items) <= 3:
            lines += [
                f"WARNING: apifuzz trace: {what} {label}: {reason}" for label, reason in items
            ]
        else:
            label, reason = items[0]
            lines.append(
                f"WARNING: apifuzz trace: {what} {len(items)} scripts of {test}; the first, "
                f"{label}: {reason}"
            )
    return lines
