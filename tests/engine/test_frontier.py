"""The frontier: where each input reached a new state, and new calls placed right after it."""

from __future__ import annotations

import itertools
from pathlib import Path

from apifuzz.engine.feedback import StateFeedback
from apifuzz.engine.frontier import Frontier
from apifuzz.engine.mutator import ScriptMutator
from apifuzz.interpreter import Interpreter
from apifuzz.language import LOCK_NAME, Language, LoadedTarget
from apifuzz.model.loader import load_target

CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "example_timeline"


def test_a_noted_line_is_found_among_the_non_blank_lines() -> None:
    frontier = Frontier()
    data = b"a 1\n\n   \nb 2\nc 3\n"
    frontier.note(data, 3)
    assert frontier.statement(data) == 1  # "b 2", the second statement
    assert frontier.statement(b"a 1\n") is None


def test_the_oldest_inputs_are_forgotten_first() -> None:
    frontier = Frontier(capacity=2)
    for n in range(3):
        frontier.note(b"x %d\n" % n, 0)
    assert frontier.statement(b"x 0\n") is None
    assert frontier.statement(b"x 1\n") == 0
    assert frontier.statement(b"x 2\n") == 0


def novel_lines(scripts: list[str]) -> list[int]:
    """For each script in turn (one StateFeedback for all), the line it noted."""
    language = LoadedTarget.load("sample_models:store_target").language()
    interpreter = Interpreter(language)
    reserved = itertools.count()
    state = StateFeedback(
        language,
        lambda: next(reserved),
        lambda index: None,
        where=lambda: interpreter.position.index,
    )
    out = []
    for script in scripts:
        state.begin()
        interpreter.run(script, record=False, on_call=state.on_call)
        state.end()
        out.append(state.novel_line)
    return out


def test_the_last_line_that_brought_a_new_state_is_noted() -> None:
    assert novel_lines(
        [
            'add "a"\nr 0\n',  # everything is new; the removal is the last line
            'add "a"\nadd "b"\nr 0\n',  # the same calls, the same pairs: nothing new
            'add "a"\nadd "b"\nr 0\nrename 0 "q"\n',  # a rename of an added item: new
        ]
    ) == [1, -1, 3]


def test_new_calls_go_right_after_the_newest_state_far_more_often() -> None:
    language = Language.for_target(load_target("example_timeline"), CORPUS / LOCK_NAME)
    data = b"".join(sorted(p.read_bytes() for p in CORPUS.glob("*.txt"))[:3])
    lines = data.decode().splitlines()
    at = len(lines) // 2
    frontier = Frontier()
    frontier.note(data, at)

    def right_after(mutator: ScriptMutator) -> int:
        """How many mutations put one new call right after line ``at``, the rest kept."""
        count = 0
        for seed in range(3000):
            out = mutator.mutate(data, 1 << 16, seed).decode().splitlines()
            count += out[: at + 1] == lines[: at + 1] and out[at + 2 :] == lines[at + 1 :]
        return count

    anywhere = right_after(ScriptMutator(language, relational=False, swarm=False))
    focused = right_after(ScriptMutator(language, relational=False, swarm=False, frontier=frontier))
    assert focused > 3 * max(anywhere, 1)
