"""The recorder: faithful scripts, tricky values, constructors, problems, replay checks."""

from __future__ import annotations

import math

import pytest
from traced_models import Dice, Mood, Notebook, Refused, dice, notebook

from apifuzz.interpreter import Interpreter
from apifuzz.language import Language
from apifuzz.tracing.recorder import Recorder, Trace, replay_mismatch


@pytest.fixture
def language() -> Language:
    return Language.build(notebook)


def record(language: Language, body: object) -> list[Trace]:
    recorder = Recorder([language])
    with recorder:
        body()  # type: ignore[operator]
    return recorder.take()


def only(traces: list[Trace]) -> Trace:
    assert len(traces) == 1, traces
    return traces[0]


def check_replays(trace: Trace) -> None:
    assert replay_mismatch(trace, Interpreter(trace.language)) is None


def test_outermost_calls_become_statements(language: Language) -> None:
    def body() -> None:
        n = Notebook()
        first = n.write("hello world")
        n.copy(first)
        n.erase(first)

    trace = only(record(language, body))
    a = language.aliases
    assert trace.statements == [f'{a["write"]} "hello world"', f"{a['copy']} 2", f"{a['erase']} 2"]
    assert [c.method for c in trace.calls] == ["write", "copy", "erase"]
    assert trace.factory_line is None
    check_replays(trace)


TRICKY_STRINGS = [
    "a b",
    'say "hi"',
    "line\nbreak\ttab\r",
    "日本語 ü 😀",
    "",
    "\\",
    "#not a comment",
    "\x00\x7f\u2028",
]


@pytest.mark.parametrize("text", TRICKY_STRINGS)
def test_tricky_strings(language: Language, text: str) -> None:
    trace = only(record(language, lambda: Notebook().write(text)))
    assert "\n" not in trace.statements[0]
    check_replays(trace)


@pytest.mark.parametrize("value", [-0.0, 0.0, math.nan, math.inf, -math.inf, 1e-310, 0.1, 1e300, 7])
def test_tricky_floats(language: Language, value: float) -> None:
    check_replays(only(record(language, lambda: Notebook().store(value))))


def test_every_other_type(language: Language) -> None:
    def body() -> None:
        n = Notebook()
        n.store(
            1.5,
            b'\x00\xff"\\',
            Mood.none,
            10**40,
            frozenset({"b", "a b"}),
            None,
            (3, "x"),
            [[1, 2], []],
        )
        n.store(2.0, mood=Mood.CALM, maybe=-5)
        n.store(3.0, b"", Mood.CALM, 0, frozenset(), None, (0, ""), [])

    trace = only(record(language, body))
    s = language.aliases["store"]
    assert trace.statements == [
        f'{s} 1.5 b"\\x00\\xff\\"\\\\" Mood.none {10**40} ["a b" "b"] none [3 "x"] [[1 2] []]',
        f'{s} 2.0 b"" CALM 0 [] -5',
        f"{s} 3.0",  # every later argument is its default
    ]
    check_replays(trace)


def test_keyword_only_argument(language: Language) -> None:
    def body() -> None:
        n = Notebook()
        n.write("x")
        n.erase(2, quietly=True)

    trace = only(record(language, body))
    assert trace.statements[-1] == f"{language.aliases['erase']} 2 true"
    check_replays(trace)


def test_expected_exceptions_are_recorded(language: Language) -> None:
    def body() -> None:
        n = Notebook()
        with pytest.raises(Refused):
            n.fail()
        n.write("after")

    trace = only(record(language, body))
    assert trace.calls[0].error == ("Refused", "always")
    check_replays(trace)


def test_constructor_arguments_become_the_factory_statement(language: Language) -> None:
    def body() -> None:
        Notebook(pages=3).write("a")
        Notebook(10, "t").write("b")
        Notebook(10).write("c")

    traces = record(language, body)
    assert [t.factory_line for t in traces] == ["! 3", '! 10 "t"', None]
    assert [t.label for t in traces] == ["trace (model 1)", "trace (model 2)", "trace (model 3)"]
    for trace in traces:
        check_replays(trace)


def test_constructor_argument_a_script_cannot_set(language: Language) -> None:
    trace = only(record(language, lambda: Notebook(extra=[1]).write("a")))
    assert trace.problem == "constructed with extra=[1], which a script cannot set"
    assert trace.statements == []


def test_a_dead_id_ends_the_script_with_a_reason(language: Language) -> None:
    def body() -> None:
        n = Notebook()
        n.write("a")
        with pytest.raises(Refused):
            n.erase(999)  # a negative test: 999 is not a live note
        n.write("b")

    trace = only(record(language, body))
    assert trace.problem == "erase: 999 is not a live note id"
    assert len(trace.statements) == 1
    assert "# ends early: erase: 999 is not a live note id" in trace.text()
    check_replays(trace)


def test_wrong_type_ends_the_script(language: Language) -> None:
    trace = only(record(language, lambda: Notebook().write(b"bytes")))  # type: ignore[arg-type]
    assert trace.problem == "write: b'bytes' is not a str"


def test_models_outside_the_target_and_untouched_models() -> None:
    traces = record(Language.build(notebook), lambda: (Dice().roll(), Notebook()))
    assert traces == []


def test_nondeterministic_model_is_caught_by_the_replay_check() -> None:
    language = Language.build(dice)

    def body() -> None:
        d = Dice()
        d.drop(d.roll())

    trace = only(record(language, body))
    mismatch = replay_mismatch(trace, Interpreter(language))
    assert mismatch is not None and "roll" in mismatch


def test_closed_models_are_not_recorded_again(language: Language) -> None:
    recorder = Recorder([language])
    with recorder:
        n = Notebook()
        n.write("first test")
        first = recorder.take()
        n.write("second test")  # a model shared by two tests
        second = recorder.take()
    assert len(first) == 1 and second == []
    assert recorder.counters["shared"] == 1


def test_recorder_restores_the_constructor(language: Language) -> None:
    before = Notebook.__dict__["__init__"]
    with Recorder([language]):
        assert Notebook.__dict__["__init__"] is not before
    assert Notebook.__dict__["__init__"] is before


def test_same_value_leaves_out_cached_properties_and_reads_no_iterator() -> None:
    import functools

    from apifuzz.tracing.emit import same_value

    class Graph:
        def __init__(self, edges: list[int]) -> None:
            self.edges = edges

        @functools.cached_property
        def view(self) -> list[int]:
            return list(self.edges)

    read = Graph([1])
    assert read.view == [1]  # cached on one of the two only
    assert same_value(read, Graph([1]))
    assert not same_value(read, Graph([2]))
    one, other = iter([1]), iter([2])
    assert same_value(one, other)
    assert next(one) == 1  # not consumed by the comparison
