"""The seeded bugs: each reproducer script shows its bug only when the bug is on.

The scripts run through apifuzz's interpreter, which calls the undecorated
functions: the tracing guard never sees them, so the reproducers never end up
in a seed corpus traced from the test suite (a corpus that already holds every
bug would make the benchmarks meaningless).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apifuzz import Target
from apifuzz.interpreter import BugKind, Interpreter
from apifuzz.language import Language
from example_timeline import Timeline, TimelineError, bugs

SHOWS = re.compile(r"^# Shows as: (?:check_consistency fails|(\w+) in (\w+)): (.*)$", re.M)


class BugFound(Exception):
    """The script showed a bug: ``where`` is the method or ``check_consistency``."""

    def __init__(self, where: str, error: BaseException) -> None:
        super().__init__(f"{where}: {type(error).__name__}: {error}")
        self.where, self.error = where, error


def run_script(text: str, model: Timeline | None = None) -> int:
    """Run a script on a new Timeline (or on ``model``); raise BugFound on a bug.

    Returns the number of calls made; every statement must run (none skipped).
    """
    if model is None:
        target = Target(Timeline, expected=(TimelineError,))
    else:
        given = model

        def make() -> Timeline:
            return given

        target = Target(make, expected=(TimelineError,))
    report = Interpreter(Language.build(target)).run(text)
    if report.bug is not None:
        where = "check_consistency" if report.bug.kind is BugKind.INVARIANT else report.bug.method
        raise BugFound(where or "construction", report.bug.error)
    assert report.skipped == 0, [s.detail for s in report.statements if s.reason]
    return report.executed + report.refused


def script(name: str) -> str:
    return bugs.script_path(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_script_shows_the_bug_when_switched_on(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(bugs.ENV_VAR, name)
    text = script(name)
    with pytest.raises(BugFound) as found:
        run_script(text)
    shows = SHOWS.search(text)
    assert shows, f"{name}.txt has no '# Shows as:' line"
    error_type, where, message = shows.groups()
    assert message in str(found.value.error)
    if error_type is None:
        assert found.value.where == "check_consistency"
    else:
        assert (type(found.value.error).__name__, found.value.where) == (error_type, where)


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_script_is_harmless_when_switched_off(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert run_script(script(name)) >= 3
    others = [b for b in bugs.ALL_BUGS if b != name]
    monkeypatch.setenv(bugs.ENV_VAR, ",".join(others))
    run_script(script(name))  # no other seeded bug is on the way


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_every_bug_is_documented(name: str) -> None:
    text = script(name)
    assert text.startswith(f"# {name}:")
    documented = (Path(bugs.__file__).with_name("BUGS.md")).read_text(encoding="utf-8")
    assert f"`{name}`" in documented
    calls = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for call in calls:
        assert call.split("#")[0].strip() in documented, f"BUGS.md lacks {call!r}"


def test_no_bug_by_default() -> None:
    assert bugs.enabled_bugs() == frozenset()


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", frozenset()),
        ("all", frozenset(bugs.ALL_BUGS)),
        ("redo_not_cleared", frozenset({"redo_not_cleared"})),
        (" redo_not_cleared , cut_skips_bin_usage,", {"redo_not_cleared", "cut_skips_bin_usage"}),
    ],
)
def test_enabled_bugs_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, spec: str, expected: frozenset[str]
) -> None:
    monkeypatch.setenv(bugs.ENV_VAR, spec)
    assert bugs.enabled_bugs() == expected


def test_unknown_bug_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bugs.ENV_VAR, "redo_not_cleared,no_such_bug")
    with pytest.raises(bugs.UnknownBugError, match=r"no_such_bug.*valid names are: all, "):
        Timeline()
    with pytest.raises(bugs.UnknownBugError):
        bugs.script_path("no_such_bug")


def test_bugs_are_read_when_a_timeline_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    before = Timeline()
    monkeypatch.setenv(bugs.ENV_VAR, "redo_keeps_selection")
    after = Timeline()
    monkeypatch.delenv(bugs.ENV_VAR)
    later = Timeline()
    text = script("redo_keeps_selection")
    run_script(text, before)
    run_script(text, later)
    with pytest.raises(BugFound):
        run_script(text, after)
