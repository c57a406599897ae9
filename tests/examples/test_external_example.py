"""docs/examples/ordered_dict.py: a class we cannot edit, fuzzed from outside."""

from __future__ import annotations

import random

import pytest

from apifuzz.interpreter import BugKind, Interpreter
from apifuzz.language import Language
from docs.examples import ordered_dict


def random_script(rng: random.Random, words: list[str], length: int = 12) -> str:
    lines = []
    for _ in range(length):
        word = rng.choice(words)
        args = [str(rng.randrange(-3, 6)) for _ in range(rng.randrange(0, 3))]
        if rng.random() < 0.3:
            args.append(rng.choice(["true", "false"]))
        lines.append(" ".join([word, *args]))
    return "\n".join(lines)


@pytest.mark.parametrize("target", [ordered_dict.target, ordered_dict.differential])
def test_random_scripts_find_nothing_in_ordered_dict(target: object) -> None:
    language = Language.build(target)  # type: ignore[arg-type]
    interpreter = Interpreter(language)
    rng = random.Random(7)
    words = list(language.lookup)
    executed = 0
    for _ in range(2000):
        report = interpreter.run(random_script(rng, words), record=False)
        assert report.ok, report.bug and report.bug.traceback
        executed += report.executed
    assert executed > 1500  # the scripts really drive the dict


def test_differential_oracle_catches_a_wrong_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong_move(self: ordered_dict.ListDict, key: int, last: bool = True) -> None:
        pair = self.pairs.pop(self._find(key))
        self.pairs.append(pair)  # ignores last=False

    monkeypatch.setattr(ordered_dict.ListDict, "move_to_end", wrong_move)
    interpreter = Interpreter(Language.build(ordered_dict.differential))
    report = interpreter.run("p 1 10\np 2 20\nm 2 false\n")
    assert report.bug is not None and report.bug.kind is BugKind.INVARIANT
    assert report.bug.invariant == "same_items"
    rng = random.Random(3)
    words = list(interpreter.language.lookup)
    found = sum(not interpreter.run(random_script(rng, words), record=False).ok for _ in range(500))
    assert found > 0


def test_plain_registration_calls_the_c_methods() -> None:
    interpreter = Interpreter(Language.build(ordered_dict.target))
    report = interpreter.run("p 5 50\np 6 60\nmove_to_end 0\npopitem false\n")
    assert [s.call_text() for s in report.statements] == [
        "put(5, 50)", "put(6, 60)", "move_to_end(5)", "popitem(False)"]
    assert report.statements[-1].value == (6, 60)
