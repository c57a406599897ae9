"""Codecs (a parameter a script writes as a literal) and ``via`` (a library method called
through a checking function): the language, the interpreter, the tracer, generated tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pytest

from apifuzz import Codec, Registration, Target
from apifuzz.errors import InvalidDefinition
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language
from apifuzz.tracing.recorder import Recorder, replay_mismatch


@dataclass(frozen=True)
class Span:
    """A library's own value type: no script literal is one."""

    start: int
    stop: int


def to_span(pair: tuple[int, int]) -> Span:
    if pair[0] > pair[1]:
        raise ValueError("a span ends after it starts")
    return Span(*pair)


def from_span(span: Span) -> tuple[int, int]:
    return (span.start, span.stop)


SpanArg = Annotated[tuple[int, int], Codec(to_span, from_span, name="Span")]


class Timeline:
    """A library class: spans go in, nothing of apifuzz inside."""

    def __init__(self, spans: list[Span] | None = None) -> None:
        self.spans = list(spans or [])

    def add(self, span: Span) -> int:
        self.spans.append(span)
        return len(self.spans)

    def total(self) -> int:
        return sum(s.stop - s.start for s in self.spans)


CHECKED: list[Span] = []


def add_checked(t: Timeline, span: SpanArg) -> int:
    """Timeline.add, called through a check (as a reference model would)."""
    CHECKED.append(span)
    return t.add(span)


def make(spans: list[Span] | None = None) -> Timeline:
    CHECKED.clear()
    return Timeline(spans)


def spans_of(pairs: list[tuple[int, int]] | None) -> list[Span] | None:
    return None if pairs is None else [to_span(p) for p in pairs]


def pairs_of(spans: list[Span] | None) -> list[tuple[int, int]] | None:
    return None if spans is None else [from_span(s) for s in spans]


SpansArg = Annotated[list[tuple[int, int]] | None, Codec(spans_of, pairs_of, name="spans")]


def registration() -> Registration:
    reg = Registration(Timeline)
    reg.init(via=make, spans=SpansArg)
    reg.method("add", via=add_checked)
    reg.method("total")
    return reg


def test_the_language_shows_the_written_type_and_the_codec() -> None:
    language = Language.build(Target(registration(), name="timeline"))
    add = language.registry.method("add")
    assert add.signature() == "add(span: tuple[int, int] as Span)"
    assert add.func is add_checked
    assert language.factory_params[0].describe() == "list[tuple[int, int]]? as spans"


def test_the_interpreter_decodes_and_calls_through_via() -> None:
    interpreter = Interpreter(Language.build(Target(registration(), name="timeline")))
    report = interpreter.run("! [[0 5]]\nadd [2 3]\nadd [4 1]\ntotal\n")
    assert report.bug is None
    assert report.skipped == 1  # decode refused [4 1]: a bad argument, not a bug
    assert [Span(2, 3)] == CHECKED
    assert interpreter.model.spans == [Span(0, 5), Span(2, 3)]


def test_a_codec_inside_a_container_is_refused() -> None:
    reg = Registration(Timeline)

    def add_all(t: Timeline, spans: list[SpanArg]) -> None: ...

    with pytest.raises(InvalidDefinition, match="a Codec annotates a whole parameter"):
        reg.api(add_all)


def test_the_tracer_writes_encoded_arguments_and_they_replay() -> None:
    language = Language.build(Target(registration(), name="timeline"))
    with Recorder([language]) as recorder:
        t = Timeline([Span(0, 5)])
        t.add(Span(2, 3))
        t.total()
        t.add("not a span")  # type: ignore[arg-type]  # encode fails: the script ends
        traces = recorder.take()
    assert len(traces) == 1
    trace = traces[0]
    assert trace.body().splitlines() == ["! [[0 5]]", f"{language.aliases['add']} [2 3]", "t"]
    assert trace.problem is not None and "Span cannot encode 'not a span'" in trace.problem
    assert replay_mismatch(trace, Interpreter(language)) is None
    assert Timeline.add.__qualname__ == "Timeline.add"  # put back after recording


def test_a_default_no_script_can_write_is_left_out() -> None:
    class Store:
        def take(self, key: int, default: Any = ...) -> Any:
            return default

    reg = Registration(Store)
    reg.method("take", key=int, default=int)
    with Recorder([Language.build(Target(reg, name="store"))]) as recorder:
        Store().take(1)
        traces = recorder.take()
    assert traces[0].statements == ["t 1"] and traces[0].problem is None


def test_a_generated_test_calls_the_decoder(tmp_path: Any) -> None:
    from apifuzz.testgen.values import Values

    reg = registration()
    param = reg.registry().method("add").params[0]

    class Names:
        def ref(self, obj: Any, what: str) -> Any:
            import libcst as cst

            return cst.Name(obj.__name__)

    values = Values(Names(), None, set())  # type: ignore[arg-type]
    import libcst as cst

    code = cst.Module([]).code_for_node(values.argument(param, Span(2, 3), 1, []))
    assert code == "to_span((2, 3))"
