"""Per-method counts: what became of every call, counted in the interpreter's loop."""

from __future__ import annotations

from apifuzz.interpreter import Interpreter
from apifuzz.interpreter.stats import MethodStats, merge_json
from apifuzz.language import Language


def shelf() -> Interpreter:
    from report_models import target

    interpreter = Interpreter(Language.build(target))
    interpreter.stats = MethodStats(m.name for m in target.registry.methods)
    return interpreter


def test_each_outcome_is_counted_by_method_and_reason() -> None:
    interpreter = shelf()
    script = "\n".join(
        [
            'add_book "a"',
            "read 0",
            "read 0",
            "trim 0",  # no live clip
            "burn 0",  # refused
            'read "x"',  # bad arguments
            "nosuch 1",  # unknown method
            "read (",  # parse error
        ]
    )
    interpreter.run(script, record=False)
    interpreter.run('read 0\nadd_book "b"\ndrop 1', record=False)  # no live book, then a bug
    data = interpreter.stats.to_json() if interpreter.stats else {}
    methods = data["methods"]
    assert data["runs"] == 2
    assert methods["read"] == {
        "executed": 2,
        "refused": {},
        "skipped": {"bad arguments": 1, "no live book": 1},
        "bugs": 0,
        "inputs": 1,
    }
    assert methods["trim"]["skipped"] == {"no live clip": 1}
    assert methods["trim"]["inputs"] == 0
    assert methods["burn"]["refused"] == {"Refused": 1}
    assert methods["add_book"]["executed"] == 2 and methods["add_book"]["inputs"] == 2
    assert methods["drop"]["bugs"] == 1 and methods["drop"]["inputs"] == 1
    assert data["lines"] == {"unknown method": 1, "parse error": 1}


def test_a_method_never_named_is_listed_with_zeros() -> None:
    interpreter = shelf()
    interpreter.run('add_book "a"', record=False)
    assert interpreter.stats is not None
    assert interpreter.stats.to_json()["methods"]["drop"]["inputs"] == 0


def test_a_false_return_is_a_refusal_of_its_own() -> None:
    stats = MethodStats()
    stats.runs = 1
    stats.call("undo", None, True)
    stats.call("undo", None, False)
    assert stats.to_json()["methods"]["undo"]["refused"] == {"False": 1}
    assert stats.to_json()["methods"]["undo"]["executed"] == 1


def test_merge_adds_up_and_ignores_what_is_not_counts() -> None:
    one = {"runs": 3, "methods": {"a": {"executed": 2, "refused": {"E": 1}}}, "lines": {"x": 1}}
    two = {"runs": 2, "methods": {"a": {"executed": 1, "skipped": {"r": 4}, "inputs": True}}}
    merged = merge_json([one, two, None, "torn", {"runs": "many", "methods": [1]}])
    assert merged["runs"] == 5
    assert merged["methods"]["a"] == {
        "executed": 3,
        "refused": {"E": 1},
        "skipped": {"r": 4},
        "bugs": 0,
        "inputs": 0,
    }
    assert merged["lines"] == {"x": 1}


def test_a_query_answering_false_is_executed_not_refused() -> None:
    from apifuzz import Registration, Target
    from apifuzz.interpreter import Interpreter
    from apifuzz.language import Language

    class Box:
        def __init__(self) -> None:
            self.items: set[int] = set()

        def add(self, item: int) -> None:
            self.items.add(item)

        def has(self, item: int) -> bool:
            return item in self.items

    reg = Registration(Box)
    reg.method("add", item=int)
    reg.method("has", query=True, item=int)
    interpreter = Interpreter(Language.build(Target(reg, name="box")))
    report = interpreter.run("add 1\nhas 2\nhas 1\n")
    assert (report.executed, report.refused) == (3, 0)
