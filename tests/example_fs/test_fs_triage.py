"""Root-cause triage on the second model, every seeded bug on: the rules that merge a
corruption's many faces, and the split of two bugs that break one assertion."""

from __future__ import annotations

import pytest

from apifuzz.engine.rootcause import Case, RootCause
from apifuzz.engine.triage import model_dirs, signature_of
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language, LoadedTarget
from example_fs import bugs


@pytest.fixture
def rootcause(monkeypatch: pytest.MonkeyPatch) -> RootCause:
    monkeypatch.setenv(bugs.ENV_VAR, "all")
    return RootCause(LoadedTarget.load("example_fs"), packages=("example_fs",))


def case(script: str) -> Case:
    report = Interpreter(Language.build(LoadedTarget.load("example_fs").target)).run(script)
    assert report.bug is not None, script
    return Case(signature_of(report.bug, model_dirs(["example_fs"])), script)


def test_two_bugs_that_break_the_quota_assertion_are_two_bugs(rootcause: RootCause) -> None:
    write = case(bugs.script_path("write_checks_parent_only").read_text(encoding="utf-8"))
    restore = case(bugs.script_path("restore_keeps_quota").read_text(encoding="utf-8"))
    decision = rootcause.same_bug(write, restore)
    assert not decision.same, decision.reason


def test_a_freed_blob_is_one_bug_whatever_frees_it_and_whatever_trips(
    rootcause: RootCause,
) -> None:
    # A copy shares its blob without counting it: appending to the copy frees it under
    # the original (read by the next append), appending to the original frees it under
    # the copy (retained by the next snapshot).
    append = case('cr 0 " "\nco 0 0 "0"\na 1 b" "\na 0 b""\n')
    snapshot = case('cr 0 " "\nco 0 0 "0"\na 0 b" "\nsn\n')
    assert append.signature.method != snapshot.signature.method
    decision = rootcause.same_bug(append, snapshot)
    assert decision.same, decision.reason
    assert "corrupted state" in decision.reason


def test_one_call_after_setups_that_differ_in_generic_steps_is_one_bug(
    rootcause: RootCause,
) -> None:
    # link overwrites an existing entry: the second name can come from a copy or a mkdir.
    after_copy = case('cr 0 " "\nco 0 0 "0"\nl 0 0 "0"\n')
    after_mkdir = case('cr 0 " "\nm 0 "0"\nl 0 0 "0"\n')
    assert after_copy.signature.method == after_mkdir.signature.method == "link"
    decision = rootcause.same_bug(after_copy, after_mkdir)
    assert decision.same, decision.reason
    assert "generic steps" in decision.reason
