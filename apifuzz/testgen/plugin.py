"""``pytest --apifuzz-regress=DIR``: every crash folder under DIR becomes a test item.

The way OSS-Fuzz projects replay old crashes as regression tests: an item
fails while its input still shows a bug (the recorded one or any other) and
passes once the bug is fixed.  Each item replays ``minimized.txt`` when the
minimizer wrote one, else ``input.txt``, judged exactly as the fuzz worker
judged it.

The target comes from the project's configuration only: ``--apifuzz-target``
or the ``apifuzz_targets`` ini value.  Crash folders are committed and run in
CI, so what a folder says is data, never code to run: the target its
``signature.json`` names is only compared with the configured ones, and a
folder that names another target is never imported.  Its item fails, naming
the folder and both targets; it is not skipped, since a skip passes in CI and
the folder would silently stop guarding its bug.

Registered by :mod:`apifuzz.pytest_plugin` only when the option is given, so
ordinary test runs never import this module.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from apifuzz.engine.crashes import (
    INPUT_NAME,
    MINIMIZED_NAME,
    Artifact,
    find_artifacts,
    load_artifact,
)
from apifuzz.engine.judge import Judge, Verdict
from apifuzz.engine.replay import ReplaySetup, model_traceback, replay_setup
from apifuzz.errors import ApifuzzError
from apifuzz.language import LoadedTarget
from apifuzz.tracing.guard import guarded

#: The most script lines a failure report shows.
MAX_SCRIPT_LINES = 60


class RegressionError(Exception):
    """A crash folder that cannot be replayed (no target, a target that does not load)."""


class TargetMismatch(RegressionError):
    """A crash folder that names a target the project does not configure."""


def same_target(configured: str, recorded: str) -> bool:
    """Whether two target specs name one target: ``module`` is ``module:target``."""

    def canonical(spec: str) -> tuple[str, str]:
        module, _, attribute = spec.strip().partition(":")
        return module, attribute or "target"

    return canonical(configured) == canonical(recorded)


class BugStillShows(AssertionError):
    """The crash folder's input still shows a bug; the message is the whole report."""


class RegressPlugin:
    """The pytest plugin object registered by ``--apifuzz-regress``."""

    def __init__(self, config: pytest.Config, root: str, specs: list[str]) -> None:
        self.config = config
        self.root = Path(root)
        if not self.root.is_dir():
            what = (
                "a file, not a folder of crash folders" if self.root.exists() else "no such folder"
            )
            raise pytest.UsageError(f"--apifuzz-regress: {root}: {what}")
        self.specs = specs
        self.folders = find_artifacts(self.root)
        self._judges: dict[tuple[str, ReplaySetup], Judge] = {}
        self._loaded: dict[str, LoadedTarget] = {}  # each target imported once

    def pytest_report_header(self) -> str:
        count = len(self.folders)
        return f"apifuzz: --apifuzz-regress={self.root} ({count} crash folder{'s' * (count != 1)})"

    # Runs before pytest's own hooks (-k, --deselect, --lf), so they apply to these items.
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        hook = config.hook
        for folder in self.folders:
            path = folder.resolve()
            kwargs: dict[str, Any] = {}
            try:
                path.relative_to(config.rootpath)
            except ValueError:
                # Outside the rootdir pytest derives no node id from the path: give one.
                kwargs["nodeid"] = kwargs["name"] = os.path.relpath(path, config.rootpath)
            node = CrashFolder.from_parent(session, path=path, plugin=self, **kwargs)
            # Collected the way pytest collects a file, so a folder that cannot be
            # replayed is reported as a collection error and counts show right.
            hook.pytest_collectstart(collector=node)
            report = hook.pytest_make_collect_report(collector=node)
            hook.pytest_collectreport(report=report)
            if report.passed:
                items.extend(i for i in report.result if isinstance(i, pytest.Item))

    def spec_for(self, recorded: str | None) -> str:
        """The configured target a folder that records ``recorded`` replays with.

        Raises RegressionError when no target is configured, or when the folder
        records none and more than one is; TargetMismatch when the folder records
        a target that is not configured (it is never imported).
        """
        if not self.specs:
            hint = f" (signature.json records {recorded})" if recorded else ""
            raise RegressionError(
                f"no target configured{hint}: pass --apifuzz-target=MODULE or set the "
                f"apifuzz_targets ini value; a crash folder's own record is not imported"
            )
        if recorded is None:
            if len(self.specs) == 1:
                return self.specs[0]
            raise RegressionError(
                f"no target: signature.json records none and {len(self.specs)} targets are "
                f"configured ({', '.join(self.specs)}); pass one --apifuzz-target=MODULE"
            )
        for spec in self.specs:
            if same_target(spec, recorded):
                return spec
        raise TargetMismatch(
            f"signature.json names target {recorded!r}, which is not configured "
            f"({', '.join(self.specs)}): not imported; if the folder is right, add its target "
            f"with --apifuzz-target or the apifuzz_targets ini value, else fix or remove it"
        )

    def judge(self, spec: str, artifact: Artifact) -> Judge:
        """One Judge per target and replay setup (aliases, oracle, packages), made on first use."""
        try:
            loaded = self._loaded.get(spec)
            if loaded is None:
                loaded = self._loaded[spec] = LoadedTarget.load(spec)
            setup = replay_setup(loaded, artifact)
            judge = self._judges.get((spec, setup))
            if judge is None:
                judge = self._judges[spec, setup] = setup.judge()
        except ApifuzzError as exc:
            raise RegressionError(f"target {spec}: {exc}") from None
        return judge


class CrashFolder(pytest.File):
    """One crash folder: a single item, named by the signature recorded in the folder."""

    def __init__(self, *, plugin: RegressPlugin, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plugin = plugin

    def collect(self) -> list[pytest.Item]:
        try:
            artifact = load_artifact(self.path)
        except ApifuzzError as exc:
            raise self.CollectError(str(exc)) from None
        name = artifact.signature.key() if artifact.signature is not None else self.path.name
        try:
            spec = self.plugin.spec_for(artifact.target)
        except TargetMismatch as exc:
            # An item that fails, not a collection error: the other folders still run.
            refusal = RegressionError(f"{self.path}: {exc}")
            return [CrashItem.from_parent(self, name=name, artifact=artifact, spec=refusal)]
        except RegressionError as exc:
            raise self.CollectError(f"{self.path}: {exc}") from None
        return [CrashItem.from_parent(self, name=name, artifact=artifact, spec=spec)]


class CrashItem(pytest.Item):
    """Replays one crash folder; fails while a bug still shows.

    ``spec`` is the configured target it replays with, or the RegressionError
    that refuses the folder (it names a target that is not configured).
    """

    def __init__(self, *, artifact: Artifact, spec: str | RegressionError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.artifact = artifact
        self.spec = spec
        assert isinstance(self.parent, CrashFolder)
        self.plugin = self.parent.plugin

    def runtest(self) -> None:
        artifact, spec = self.artifact, self.spec
        if isinstance(spec, RegressionError):
            raise spec
        judge = self.plugin.judge(spec, artifact)
        # Untraced: a session that also runs --apifuzz-trace must not record the replay.
        with guarded():
            verdict = judge.run(artifact.best)
        if verdict.signature is not None:
            raise BugStillShows(self._report(artifact, spec, verdict, judge))

    def _report(self, artifact: Artifact, spec: str, verdict: Verdict, judge: Judge) -> str:
        found = verdict.signature
        assert found is not None and verdict.bug is not None
        replayed = MINIMIZED_NAME if artifact.minimized is not None else INPUT_NAME
        bug = verdict.bug.summary()
        recorded = artifact.signature
        if recorded is None:
            headline = f"a bug shows: {found.describe()} (no signature recorded)"
        elif recorded.matches(found):
            headline = f"the recorded bug still shows: {found.describe()}"
        else:
            headline = (
                f"a different bug shows: {found.describe()} (recorded: {recorded.describe()})"
            )
        lines = [
            headline,
            f"signature: {found.key()}",
            f"bug:       {bug}",
            f"replayed:  {self.path / replayed} on target {spec}"
            + (" with the undo/redo oracle" if artifact.undo_redo else ""),
            "script:",
        ]
        script = artifact.best.decode("utf-8", "replace").rstrip("\n").split("\n")
        for number, text in enumerate(script[:MAX_SCRIPT_LINES], 1):
            lines.append(f"  {number:>4}  {text}")
        if len(script) > MAX_SCRIPT_LINES:
            lines.append(f"        ... {len(script) - MAX_SCRIPT_LINES} more lines")
        lines.append(model_traceback(verdict, judge.model_dirs).rstrip("\n"))
        return "\n".join(lines)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, (BugStillShows, RegressionError)):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"apifuzz regression {self.name}"
