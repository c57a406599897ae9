"""The seeded bugs: each reproducer script shows its bug only when the bug is on.

The scripts run through apifuzz's interpreter, which calls the undecorated
functions: the tracing guard never sees them, so the reproducers never end up
in the seed corpus traced from the test suite.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apifuzz.interpreter import BugKind, Interpreter
from apifuzz.language import Language
from example_fs import FileSystem, bugs, target

SHOWS = re.compile(r"^# Shows as: (?:check fails|(\w+) in (\w+)): (.*)$", re.M)


class BugFound(Exception):
    """The script showed a bug: ``where`` is the method or ``check``."""

    def __init__(self, where: str, error: BaseException) -> None:
        super().__init__(f"{where}: {type(error).__name__}: {error}")
        self.where, self.error = where, error


def run_script(text: str) -> int:
    """Run a script on a new FileSystem; raise BugFound on a bug; the number of calls made.

    Every statement must run (none skipped).
    """
    report = Interpreter(Language.build(target)).run(text)
    if report.bug is not None:
        where = "check" if report.bug.kind is BugKind.INVARIANT else report.bug.method
        raise BugFound(where or "construction", report.bug.error)
    assert report.skipped == 0, [s.detail for s in report.statements if s.reason]
    return report.executed + report.refused


def script(name: str) -> str:
    return bugs.script_path(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_script_shows_the_bug_when_switched_on(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(bugs.ENV_VAR, name)
    text = script(name)
    with pytest.raises(BugFound) as found:
        run_script(text)
    shows = SHOWS.search(text)
    assert shows, f"{name}.txt has no '# Shows as:' line"
    error_type, where, message = shows.groups()
    assert message in str(found.value.error)
    if error_type is None:
        assert found.value.where == "check"
    else:
        assert (type(found.value.error).__name__, found.value.where) == (error_type, where)


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_script_is_harmless_when_switched_off(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    assert run_script(script(name)) >= 2
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


def test_every_bug_has_a_script_and_a_marked_place() -> None:
    folder = Path(bugs.__file__).with_name("bugs")
    assert sorted(p.stem for p in folder.glob("*.txt")) == sorted(bugs.ALL_BUGS)
    model = Path(bugs.__file__).with_name("model.py").read_text(encoding="utf-8")
    for name in bugs.ALL_BUGS:
        assert f'self._bug("{name}")' in model, name


def test_two_bugs_break_the_same_assertion_through_different_methods(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """write_checks_parent_only and restore_keeps_quota: one line of check, two API paths."""
    seen = {}
    for name in ("write_checks_parent_only", "restore_keeps_quota"):
        monkeypatch.setenv(bugs.ENV_VAR, name)
        report = Interpreter(Language.build(target)).run(script(name))
        assert report.bug is not None and report.bug.kind is BugKind.INVARIANT
        frame = report.bug.error.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next
        assert frame is not None
        seen[name] = (report.bug.method, frame.tb_frame.f_code.co_name, frame.tb_lineno)
    assert {method for method, _, _ in seen.values()} == {"write", "restore"}
    (place,) = {(function, line) for _, function, line in seen.values()}
    assert place[0] == "_check_quotas"


def test_no_bug_by_default() -> None:
    assert bugs.enabled_bugs() == frozenset()


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", frozenset()),
        ("all", frozenset(bugs.ALL_BUGS)),
        (
            " rename_onto_itself , copy_skips_blob_ref,",
            {"rename_onto_itself", "copy_skips_blob_ref"},
        ),
    ],
)
def test_enabled_bugs_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, spec: str, expected: frozenset[str]
) -> None:
    monkeypatch.setenv(bugs.ENV_VAR, spec)
    assert bugs.enabled_bugs() == expected


def test_unknown_bug_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bugs.ENV_VAR, "rename_onto_itself,no_such_bug")
    with pytest.raises(bugs.UnknownBugError, match=r"no_such_bug.*valid names are: all, "):
        FileSystem()
    with pytest.raises(bugs.UnknownBugError):
        bugs.script_path("no_such_bug")
