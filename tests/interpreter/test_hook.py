"""Interpreter(hook=...): a CallHook sees every call of the statements, before and after."""

from __future__ import annotations

from typing import Any

import pytest
import undo_models

from apifuzz.interpreter import CallHook, Interpreter
from apifuzz.language import Language
from sample_models import store_target


class Log:
    """A CallHook that writes down what it sees."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    def before(
        self, model: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.seen.append(("before", method, args, dict(kwargs), sorted(model.items)))

    def after(self, model: Any, value: Any, error: BaseException | None) -> None:
        self.seen.append(("after", value, type(error).__name__ if error else None))


def hooked(target: Any = store_target, **options: Any) -> tuple[Interpreter, Log]:
    log = Log()
    hook: CallHook = log
    return Interpreter(Language.build(target), hook=hook, **options), log


def test_the_hook_sees_resolved_arguments_and_outcomes() -> None:
    interpreter, log = hooked()
    report = interpreter.run('! 1\na "x"\nre 99 ""\na "y"\nzz\n')
    assert report.ok
    assert log.seen == [
        ("before", "add", ("x",), {}, []),
        ("after", 10, None),
        ("before", "rename", (10, ""), {}, [10]),  # the Ref is already the live id
        ("after", False, None),
        ("before", "add", ("y",), {}, [10]),
        ("after", None, "Refused"),  # an expected exception: refused, the run goes on
    ]


def test_the_hook_sees_keyword_arguments() -> None:
    interpreter, log = hooked()
    interpreter.run("resize 5\n")
    assert log.seen == [("before", "resize", (), {"capacity": 5}, []), ("after", True, None)]


def test_an_unexpected_exception_reaches_the_hook_then_is_the_bug() -> None:
    interpreter, log = hooked()
    report = interpreter.run('a "x"\nre 0 "crash"\na "never"\n')
    assert report.bug is not None and isinstance(report.bug.error, KeyError)
    assert log.seen[-2:] == [
        ("before", "rename", (10, "crash"), {}, [10]),
        ("after", None, "KeyError"),
    ]
    # The report is the one a run without the hook makes.
    plain = Interpreter(Language.build(store_target)).run('a "x"\nre 0 "crash"\na "never"\n')
    assert report.bug.summary() == plain.bug.summary()  # type: ignore[union-attr]
    assert [s.status for s in report.statements] == [s.status for s in plain.statements]


def test_an_interrupted_call_gets_no_after() -> None:
    class Alarm(BaseException):
        pass

    class Interrupting(Log):
        def before(self, model: Any, method: str, args: Any, kwargs: Any) -> None:
            super().before(model, method, args, kwargs)
            if method == "rename":
                raise Alarm

    log = Interrupting()
    interpreter = Interpreter(Language.build(store_target), hook=log)
    with pytest.raises(Alarm):
        interpreter.run('a "x"\nre 0 "y"\n')
    assert [entry[0] for entry in log.seen] == ["before", "after", "before"]
    assert interpreter.interrupted_bug(Alarm()).method == "rename"  # inside the call


def test_the_factory_and_the_oracles_undo_and_redo_are_not_statements_calls() -> None:
    calls: list[str] = []

    class Names:
        def before(self, model: Any, method: str, args: Any, kwargs: Any) -> None:
            calls.append(method)

        def after(self, model: Any, value: Any, error: BaseException | None) -> None:
            pass

    interpreter = Interpreter(Language.build(undo_models.stack), undo_redo=True, hook=Names())
    assert interpreter.run("push 1\npush 2\nundo\n").ok
    assert calls == ["push", "push", "undo"]
