"""Queries: no invariant check (nor undo/redo oracle step) after them; their misuse is found."""

from __future__ import annotations

import collections
from typing import Any

import pytest
import query_models
from query_models import CHECKS

from apifuzz import InvalidDefinition, Registration, Target, api
from apifuzz.interpreter import Interpreter, Status
from apifuzz.interpreter.queries import QueryCheck, structural_state
from apifuzz.language import Language


@pytest.fixture(autouse=True)
def _no_checks_yet() -> None:
    CHECKS.clear()


def _interpreter(target: Target, **options: Any) -> Interpreter:
    return Interpreter(Language.build(target), **options)


def test_a_query_skips_the_invariant() -> None:
    interpreter = _interpreter(query_models.counter)
    report = interpreter.run("add 5\nget 0\nn\nget 0\nadd 6\nn\n")
    assert report.bug is None and report.executed == 6
    # The construction and the two adds: never after get or count.
    assert CHECKS == ["check"] * 3


def test_a_refused_query_skips_the_invariant_too() -> None:
    interpreter = _interpreter(query_models.counter)
    report = interpreter.run("add 1\nadd 2\nadd 3\nadd 4\nn\n")
    assert [s.status for s in report.statements][-1] is Status.REFUSED
    assert CHECKS == ["check"] * 5


def test_a_query_skips_the_undo_redo_oracle() -> None:
    interpreter = _interpreter(query_models.counter, undo_redo=True)
    report = interpreter.run("add 5\nget 0\nn\nget 0\n")
    assert report.bug is None
    assert interpreter.model.undos == 1  # after add only


def test_the_fuzzing_path_does_not_check_queries() -> None:
    interpreter = _interpreter(query_models.leaky)
    assert interpreter.queries is None
    report = interpreter.run("push 1\npeek\n")
    assert report.bug is None and interpreter.model.values == []


def test_a_query_that_changes_the_state_is_reported_once() -> None:
    interpreter = _interpreter(query_models.leaky, check_queries=True)
    assert interpreter.queries is not None
    interpreter.run("push 1\npush 2\nsize\npeek\npeek\n")
    assert interpreter.queries.errors == {
        "peek": "Leaky.peek is declared a query but changed the model's state (attribute "
        "values changed); remove query=True from its registration, or, if that is a cache "
        "or a counter a query may change, give the Target state= a method returning what a "
        "query must leave alone"
    }


def test_a_pure_query_is_not_reported() -> None:
    interpreter = _interpreter(query_models.counter, check_queries=True)
    assert interpreter.queries is not None
    report = interpreter.run("add 5\nget 0\nn\nadd 1\nadd 1\nadd 1\nn\n")
    assert report.refused == 1 and interpreter.queries.errors == {}


def test_a_cache_is_a_change_unless_state_says_what_the_user_sees() -> None:
    script = "push 1\ntotal\nhead\npush 2\ntotal\nhead\n"
    structural = _interpreter(query_models.cached, check_queries=True)
    structural.run(script)
    assert structural.queries is not None
    assert list(structural.queries.errors) == ["total"]  # the cached_property is left out
    assert "(attribute _sums changed)" in structural.queries.errors["total"]
    with_state = _interpreter(query_models.cached_with_state, check_queries=True)
    with_state.run(script)
    assert with_state.queries is not None and with_state.queries.errors == {}


def test_with_state_the_message_names_what_changed() -> None:
    target = Target(query_models.Leaky, state="size")
    interpreter = _interpreter(target, check_queries=True)
    interpreter.run("push 1\npeek\n")
    assert interpreter.queries is not None
    message = interpreter.queries.errors["peek"]
    assert "(size() changed: before: 1, after: 0); remove query=True" in message
    assert "cache" not in message  # state= is already given


def test_the_structural_state_leaves_out_what_cannot_be_pickled() -> None:
    model = query_models.Leaky()
    state = structural_state(model)
    assert state["lock"] is None and state["values"] is not None
    model.lock.acquire()  # a change the check cannot see: never a false alarm either
    check = QueryCheck()
    before = check.before(model)
    model.lock.release()
    check.after(model, query_models.leaky.registry.method("size"), before)
    assert check.errors == {}


def test_registration_queries_skip_the_invariant_and_are_checked() -> None:
    registry = query_models.deque_target.registry
    assert {m.name: m.query for m in registry.methods} == {
        "append": False,
        "at": True,
        "count": True,
        "rotate_and_read": True,
    }
    interpreter = _interpreter(query_models.deque_target, check_queries=True)
    report = interpreter.run("ap 1\nap 2\nat 1\ncount 2\nro\n")
    assert report.bug is None and report.executed == 5
    assert CHECKS == ["deque"] * 3
    assert interpreter.queries is not None
    assert list(interpreter.queries.errors) == ["rotate_and_read"]
    assert (
        "deque.rotate_and_read is declared a query" in interpreter.queries.errors["rotate_and_read"]
    )
    assert "(attribute (contents) changed)" in interpreter.queries.errors["rotate_and_read"]


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_query_takes_a_bool(value: Any) -> None:
    with pytest.raises(InvalidDefinition, match=r"@api\(query=\.\.\.\) takes True or False"):
        api(query=value)
    reg = Registration(collections.deque)
    with pytest.raises(InvalidDefinition, match=r"reg\.method\(query=\.\.\.\) takes True"):
        reg.method("count", query=value, value=int)


def test_state_may_be_given_without_undo_and_redo() -> None:
    target = Target(query_models.Cached, state="visible")
    assert (target.state, target.has_undo_redo) == ("visible", False)


def test_a_generated_test_checks_nothing_after_a_query() -> None:
    from apifuzz.engine.triage import Signature
    from apifuzz.testgen.emit import BugInfo, GeneratedTest, emit
    from apifuzz.testgen.steps import collect_steps

    script = "add 5\nget 0\nn\nadd 6\nundo\n"
    steps = collect_steps(Language.build(query_models.counter), script, undo_redo=True)
    signature = Signature("exception", "KeyError", "query_models.py", "undo", 0, "")
    info = BugInfo("exception", "KeyError", "", signature.key(), signature.describe())
    code = emit(GeneratedTest(steps, info, script)).code
    assert code is not None
    body = code.split("counter = Counter()\n", 1)[1].split("\n")
    calls = [line.strip().split("  #")[0] for line in body if line.strip()]
    assert calls[:9] == [
        "counter.check()",
        "counter.add(5)",
        "counter.check()",
        "_undo_redo(counter)",
        "counter.get(2)",
        "counter.count()",
        "counter.add(6)",
        "counter.check()",
        "_undo_redo(counter)",
    ]
