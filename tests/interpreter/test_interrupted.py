"""Interpreter.interrupted_bug: where a timeout alarm (any exception raised from outside) found it."""

from __future__ import annotations

from typing import Any

import pytest

from apifuzz import Target, api, invariant
from apifuzz.interpreter import BugKind, Interpreter
from apifuzz.language import Language


class Alarm(BaseException):
    """Stands for the timeout alarm: a BaseException, so the interpreter lets it through."""


AT = {"where": ""}  # where the next Alarm goes off


class Clock:
    def __init__(self, start: int = 0) -> None:
        if AT["where"] == "factory":
            raise Alarm
        self.n = start
        self.done: list[int] = []
        self.undone: list[int] = []

    @api
    def tick(self, step: int) -> int:
        if AT["where"] == "tick" and step == 7:
            raise Alarm
        self.n += step
        self.done.append(step)
        self.undone.clear()
        return self.n

    @api
    def undo(self) -> bool:
        if AT["where"] == "undo":
            raise Alarm
        if not self.done:
            return False
        self.undone.append(self.done.pop())
        self.n -= self.undone[-1]
        return True

    @api
    def redo(self) -> bool:
        if AT["where"] == "redo":
            raise Alarm
        if not self.undone:
            return False
        self.done.append(self.undone.pop())
        self.n += self.done[-1]
        return True

    @invariant
    def bounded(self) -> None:
        if AT["where"] == "invariant" and self.n >= 3:
            raise Alarm


TARGET = Target(Clock, undo="undo", redo="redo")


def alarmed(where: str, script: str, *, undo_redo: bool = False, **patch: Any) -> Any:
    interpreter = Interpreter(Language.build(TARGET), undo_redo=undo_redo)
    for name, value in patch.items():
        setattr(interpreter.parser, name, value)
    AT["where"] = where
    try:
        with pytest.raises(Alarm) as raised:
            interpreter.run(script, record=False)
    finally:
        AT["where"] = ""
    return interpreter.interrupted_bug(raised.value)


def test_inside_a_call() -> None:
    bug = alarmed("tick", "tick 1\ntick 7\ntick 2\n")
    assert (bug.kind, bug.line, bug.method, bug.invariant) == (BugKind.EXCEPTION, 2, "tick", None)
    assert bug.summary() == "line 2, in tick: Alarm"


def test_inside_an_invariant_check() -> None:
    bug = alarmed("invariant", "tick 1\ntick 2\ntick 2\n")
    assert (bug.kind, bug.line, bug.method, bug.invariant) == (
        BugKind.INVARIANT, 2, "tick", "bounded"
    )


def test_inside_the_oracles_undo_and_redo() -> None:
    for step in ("undo", "redo"):
        bug = alarmed(step, "tick 1\n", undo_redo=True)
        assert (bug.line, bug.method, bug.oracle) == (1, "tick", step)
        assert bug.summary() == f"line 1, undo/redo after tick (in {step}): Alarm"


def test_while_a_line_is_parsed_no_call_is_named() -> None:
    real = Interpreter(Language.build(TARGET)).parser.parse

    def parse(line: str) -> Any:
        if line == "tick 3":
            raise Alarm
        return real(line)

    bug = alarmed("", "tick 1\ntick 3\n", parse=parse)
    assert (bug.line, bug.method) == (2, None)  # not the tick of line 1


def test_in_the_factory() -> None:
    bug = alarmed("factory", "! 5\ntick 1\n")
    assert (bug.line, bug.method) == (1, "Clock")
    fresh = Interpreter(Language.build(TARGET)).interrupted_bug(Alarm())
    assert (fresh.line, fresh.method) == (0, None)


def test_after_a_run_no_statement_is_named() -> None:
    interpreter = Interpreter(Language.build(TARGET), undo_redo=True)
    assert interpreter.run("tick 1\ntick 2\n", record=False).ok
    bug = interpreter.interrupted_bug(Alarm())
    assert (bug.line, bug.method, bug.invariant, bug.oracle) == (0, None, None, None)


def test_a_run_after_an_interrupted_one_starts_afresh() -> None:
    interpreter = Interpreter(Language.build(TARGET), undo_redo=True)
    AT["where"] = "invariant"
    try:
        with pytest.raises(Alarm):
            interpreter.run("tick 3\n", record=False)
        assert interpreter.interrupted_bug(Alarm()).invariant == "bounded"
        AT["where"] = "factory"
        with pytest.raises(Alarm):
            interpreter.run("tick 1\n", record=False)
    finally:
        AT["where"] = ""
    bug = interpreter.interrupted_bug(Alarm())
    assert (bug.kind, bug.line, bug.method, bug.invariant, bug.oracle) == (
        BugKind.EXCEPTION, 0, None, None, None
    )
