"""The undo/redo oracle: after every executed call, undo then redo must give the state back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import undo_models
from undo_models import PlainList, Stack

from apifuzz import InvalidDefinition, Registration, Target, UsageError, api
from apifuzz.interpreter import BugKind, Interpreter, Status
from apifuzz.language import Language
from apifuzz.tracing import guard


def oracle(target: Target) -> Interpreter:
    return Interpreter(Language.build(target), undo_redo=True)


def test_a_correct_model_shows_no_bug() -> None:
    script = "push 1\npush 2\npop\nundo\nundo\nredo\npeek\npush 13\nundo\nredo\nredo\n"
    report = oracle(undo_models.stack).run(script)
    assert report.ok, report.bug and report.bug.summary()
    assert (report.executed, report.refused) == (10, 1)  # the last redo: nothing to redo


def test_the_oracle_leaves_the_state_as_the_call_left_it() -> None:
    plain = Interpreter(Language.build(undo_models.stack))
    checked = oracle(undo_models.stack)
    script = "push 1\npush 2\nundo\npush 3\npop\nundo\n"
    seen: dict[str, list[Any]] = {"plain": [], "checked": []}
    for name, interp in (("plain", plain), ("checked", checked)):
        interp.run(script, on_call=lambda m, a, k, v, n=name: seen[n].append((m, a, v)))
    assert seen["plain"] == seen["checked"]


def test_broken_redo_is_found_only_with_the_flag() -> None:
    script = "push 1\npush 13\npeek\n"
    assert Interpreter(Language.build(undo_models.broken_redo)).run(script).ok
    report = oracle(undo_models.broken_redo).run(script)
    bug = report.bug
    assert bug is not None and bug.kind is BugKind.ORACLE
    assert (bug.line, bug.method, bug.oracle) == (2, "push", "compare")
    assert isinstance(bug.error, AssertionError)
    assert bug.summary().startswith("line 2, undo/redo after push: AssertionError: undo then")
    assert [s.status for s in report.statements] == [Status.EXECUTED, Status.BUG]


def test_the_message_names_the_part_of_the_state_that_changed() -> None:
    bug = oracle(undo_models.broken_redo).run("push 13\n").bug
    assert bug is not None
    assert str(bug.error) == (
        "undo then redo did not give back the state: values changed; "
        "values before: (13,), after: (14,)"
    )


def test_without_a_state_method_only_redo_and_invariants_are_checked() -> None:
    assert oracle(undo_models.broken_redo_no_state).run("push 13\n").ok


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (undo_models.refusing_redo, "redo() returned False right after a successful undo"),
        (
            undo_models.raising_redo,
            "redo() refused right after a successful undo: Refused: cannot redo that",
        ),
    ],
)
def test_a_refused_redo_after_a_successful_undo_is_a_bug(target: Target, message: str) -> None:
    bug = oracle(target).run("push 7\npop\n").bug
    assert bug is not None and bug.kind is BugKind.ORACLE
    assert (bug.line, bug.method, bug.oracle, str(bug.error)) == (2, "pop", "redo", message)
    assert bug.summary() == f"line 2, undo/redo after pop (in redo): AssertionError: {message}"


def test_an_unexpected_exception_in_undo_is_an_exception_bug() -> None:
    bug = oracle(undo_models.crashing_undo).run("push 1\npush 5\n").bug
    assert bug is not None and bug.kind is BugKind.EXCEPTION
    assert (bug.line, bug.method, bug.oracle) == (2, "push", "undo")
    assert isinstance(bug.error, KeyError)
    assert bug.summary() == "line 2, undo/redo after push (in undo): KeyError: 5"


def test_an_invariant_failing_after_undo_is_an_invariant_bug() -> None:
    bug = oracle(undo_models.undo_breaks_invariant).run("push 9\n").bug
    assert bug is not None and bug.kind is BugKind.INVARIANT
    assert (bug.method, bug.oracle, bug.invariant) == ("push", "undo", "sane")
    assert bug.summary().startswith("line 1, undo/redo after push (after undo): invariant sane")


def test_refused_and_skipped_calls_are_not_followed_by_the_oracle() -> None:
    interp = oracle(undo_models.stack)
    models: list[Stack] = []
    original = undo_models.stack.factory

    def make() -> Stack:
        models.append(original())
        return models[-1]

    undo_models.stack.factory = make
    try:
        report = interp.run("pop\nnope\npush\npush 1\n")  # refused, skipped, skipped, executed
    finally:
        undo_models.stack.factory = original
    assert (report.refused, report.skipped, report.executed) == (1, 2, 1)
    assert models[0].undo_calls == 1


def test_an_undo_with_nothing_to_undo_ends_the_check() -> None:
    # peek executes on an empty history: undo returns False, nothing else is called.
    assert oracle(undo_models.broken_redo).run("peek\npeek\n").ok


def test_the_oracle_calls_the_raw_functions_not_the_tracing_wrapper() -> None:
    calls: list[str] = []

    class Sink:
        def begin(self, instance: Any, func: Callable[..., Any], args: Any, kwargs: Any) -> None:
            calls.append(func.__name__)

        def end(self, pending: object, result: Any, error: BaseException | None) -> None:
            pass

    previous = guard.install(Sink())
    try:
        assert oracle(undo_models.stack).run("push 1\npush 2\n").ok
        Stack().undo()  # the sink does see a traced call
    finally:
        guard.install(previous)
    assert calls == ["undo"]


def test_a_registration_may_name_its_own_actions() -> None:
    bug = oracle(undo_models.registered).run("add 1\nadd 3\n").bug
    assert bug is not None and bug.kind is BugKind.ORACLE and bug.method == "add"
    assert str(bug.error).endswith("the state: before: (1, 3), after: (1, 4)")


def test_the_flag_needs_undo_and_redo() -> None:
    with pytest.raises(UsageError, match=r"--undo-redo: target 'undo_models' declares no undo"):
        oracle(undo_models.no_undo)


# -- definition-time checks ------------------------------------------------------------


def test_target_keeps_the_names() -> None:
    target = undo_models.stack
    assert (target.undo, target.redo, target.state) == ("undo", "redo", "state")
    assert target.has_undo_redo
    plain = undo_models.no_undo
    assert (plain.undo, plain.redo, plain.state, plain.has_undo_redo) == (None, None, None, False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"undo": "undo"},
            "apifuzz.Target(Stack): undo= is given without redo=; the undo/redo oracle needs "
            "both, e.g. undo='undo', redo='redo'",
        ),
        ({"redo": "redo"}, "apifuzz.Target(Stack): redo= is given without undo="),
        (
            {"undo": "undoo", "redo": "redo"},
            "apifuzz.Target(Stack): undo='undoo', but Stack has no attribute 'undoo'; "
            "check the spelling",
        ),
        (
            {"undo": "undo", "redo": "redo", "state": "LIMIT"},
            "apifuzz.Target(Stack): state='LIMIT', but Stack.LIMIT is not callable; name a "
            "method taking only the model",
        ),
        (
            {"undo": "undo", "redo": 3},
            "apifuzz.Target(Stack): redo= must be the name of a method of Stack, got 3",
        ),
    ],
)
def test_bad_undo_redo_definitions(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidDefinition) as info:
        Target(Stack, **kwargs)
    assert str(info.value).startswith(message), str(info.value)


def test_a_registration_action_that_does_not_exist_is_refused() -> None:
    reg = Registration(PlainList)

    @reg.api
    def poke(model: PlainList) -> None:
        pass

    Target(reg, undo="poke", redo="poke")
    with pytest.raises(InvalidDefinition, match="PlainList has no attribute 'undo'"):
        Target(reg, undo="undo", redo="poke")


def test_state_may_be_an_api_method() -> None:
    class Counter:
        def __init__(self) -> None:
            self.n = 0

        @api
        def count(self) -> int:
            return self.n

        @api
        def bump(self) -> None:
            self.n += 1

    Target(Counter, undo="bump", redo="bump", state="count")
