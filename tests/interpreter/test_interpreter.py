"""Running scripts: ref mapping, skip reasons, refusals, bugs, invariants, safety."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apifuzz import Ref, Target, api, ids, invariant
from apifuzz.interpreter import BugKind, Interpreter, SkipReason, Status
from apifuzz.language import Language
from sample_models import Color


def statuses(interp: Interpreter, script: str) -> list[tuple[Status, SkipReason | None]]:
    return [(s.status, s.reason) for s in interp.run(script).statements]


def test_executes_calls_and_reports_values(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run('a "one"\nadd "two"\nre 0 "uno"\n')
    assert report.ok
    assert [(s.method, s.args, s.value) for s in report.statements] == [
        ("add", ("one",), 10),
        ("add", ("two",), 11),
        ("rename", (10, "uno"), True),
    ]
    assert report.executed == 3 and report.counts() == "3 executed, 0 refused, 0 skipped"


def test_ref_mapping(store_interpreter: Interpreter) -> None:
    script = 'a "x"\na "y"\na "z"\nre 11\nre 0\nre 4\nre -1\nre 10**0\n'
    calls = [s.args[0] for s in store_interpreter.run(script).statements if s.method == "rename"]
    # live ids are [10, 11, 12]: 11 is live and used as is; 0 -> 10; 4 -> 11; -1 -> 12
    assert calls == [11, 10, 11, 12]


def test_no_live_ref_skips(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run("r 0\np [] RED\np [1] RED\n")
    assert [(s.status, s.reason) for s in report.statements] == [
        (Status.SKIPPED, SkipReason.NO_LIVE_REF),
        (Status.EXECUTED, None),
        (Status.SKIPPED, SkipReason.NO_LIVE_REF),
    ]
    assert report.statements[1].args == (set(), Color.RED)


def test_containers_of_refs_and_enum_forms(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run(
        'a "x"\na "y"\np [0 1 5] 2\np [11] Color.GREEN -1\np [0] "BLUE"\n'
    )
    paints = [s.args for s in report.statements if s.method == "paint"]
    assert paints[0] == ({10, 11}, Color.BLUE)
    assert paints[1] == ({11}, Color.GREEN, -1.0)
    assert paints[2] == ({10}, Color.BLUE)


def test_every_type_converts(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run(
        't none b"\\x01" [true 0 7] [3 "s"]\nt "l" "text" [] [1 "x"] [1 2 3]\n'
    )
    assert [s.args for s in report.statements] == [
        (None, b"\x01", [True, False, True], (3, "s")),
        ("l", b"text", [], (1, "x"), (1, 2, 3)),
    ]


def test_keyword_only_parameters(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run("rs 5\n")
    assert report.statements[0].kwargs == {"capacity": 5}
    assert report.statements[0].call_text() == "resize(capacity=5)"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("nope 1", SkipReason.UNKNOWN_METHOD),
        ("a [", SkipReason.PARSE_ERROR),
        ("a", SkipReason.BAD_ARGS),
        ('a "x" "y"', SkipReason.BAD_ARGS),
        ("a 1", SkipReason.BAD_ARGS),
        ("t 1 2 3 4", SkipReason.BAD_ARGS),
        ('t none b"" [] [1]', SkipReason.BAD_ARGS),
        ("p [] PURPLE", SkipReason.BAD_ARGS),
        ("p [] RED 1" + "0" * 400, SkipReason.BAD_ARGS),
        ("r 0", SkipReason.NO_LIVE_REF),
        ("! 3", SkipReason.MISPLACED_FACTORY),
    ],
)
def test_skip_reasons(store_interpreter: Interpreter, line: str, reason: SkipReason) -> None:
    report = store_interpreter.run(
        f'a "first"\n{line}\n' if reason is not SkipReason.NO_LIVE_REF else line
    )
    last = report.statements[-1]
    assert (last.status, last.reason) == (Status.SKIPPED, reason)
    assert report.ok


def test_refused_by_false_and_expected_exception(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run('! 1\na "x"\na "y"\nre 0 ""\n')
    assert [s.status for s in report.statements] == [
        Status.EXECUTED,
        Status.EXECUTED,
        Status.REFUSED,
        Status.REFUSED,
    ]
    assert report.statements[2].detail == "Refused: full"
    assert report.ok and report.refused == 2


def test_unexpected_exception_is_a_bug(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run('a "x"\nre 0 "crash"\na "never"\n')
    assert report.bug is not None
    assert report.bug.kind is BugKind.EXCEPTION
    assert isinstance(report.bug.error, KeyError)
    assert (report.bug.line, report.bug.method) == (2, "rename")
    assert report.statements[-1].status is Status.BUG
    assert len(report.statements) == 2
    assert "KeyError" in report.bug.traceback
    assert report.bug.summary() == "line 2, in rename: KeyError: 'crash'"


def test_invariant_failure_is_a_bug(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run("p [] BLUE -1\n")
    assert report.bug is not None and report.bug.kind is BugKind.INVARIANT
    assert report.bug.invariant == "not_broken"
    assert "invariant not_broken failed: AssertionError: store is broken" in report.bug.summary()


def test_factory_statement(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run('# comment first\n\n! 2\na "x"\na "y"\na "z"\n')
    assert report.factory_kwargs == {"capacity": 2}
    assert [s.status for s in report.statements][-1] is Status.REFUSED


def test_refused_factory_falls_back_to_defaults(store_interpreter: Interpreter) -> None:
    report = store_interpreter.run('! 0\na "x"\n')
    assert [s.status for s in report.statements] == [Status.REFUSED, Status.EXECUTED]
    assert report.ok and report.factory_kwargs == {}
    bad = store_interpreter.run('! "big"\na "x"\n')
    assert bad.statements[0].reason is SkipReason.BAD_ARGS and bad.ok


def test_factory_bug() -> None:
    class Fragile:
        def __init__(self, n: int = 1) -> None:
            if n == 13:
                raise RuntimeError("unlucky")

        @api
        def f(self) -> None: ...

    interp = Interpreter(Language.build(Target(Fragile)))
    report = interp.run("! 13\nf\n")
    assert report.bug is not None and report.bug.line == 1
    assert report.bug.summary().startswith("line 1, in Fragile: RuntimeError: unlucky")


def test_invariant_returning_false_and_checked_after_construction() -> None:
    class Broken:
        @api
        def f(self) -> None: ...

        @invariant
        def ok(self) -> bool:
            return False

    report = Interpreter(Language.build(Target(Broken))).run("f\n")
    assert report.bug is not None
    assert report.bug.line == 0 and report.bug.invariant == "ok"


def test_failing_id_provider_is_a_bug() -> None:
    class BadIds:
        @ids("x")
        def xs(self) -> list[int]:
            raise ValueError("provider broke")

        @api
        def f(self, x: __import__("typing").Annotated[int, Ref("x")]) -> None: ...

    report = Interpreter(Language.build(Target(BadIds))).run("f 1\n")
    assert report.bug is not None and isinstance(report.bug.error, ValueError)


def test_unregistered_attributes_are_unreachable(store_interpreter: Interpreter) -> None:
    for line in (
        "helper",
        "__class__",
        "__init__",
        "_private",
        "item_ids",
        "calls",
        "__dict__",
        "not_broken",
        "a.__class__",
        '__import__ "os"',
    ):
        report = store_interpreter.run(line + "\n")
        assert report.executed == 0 and report.ok, line


def test_record_false_keeps_counts_and_bug(store_interpreter: Interpreter) -> None:
    script = 'a "x"\nzz\nre 0 ""\nre 0 "crash"\n'
    fast = store_interpreter.run(script, record=False)
    full = store_interpreter.run(script)
    assert fast.statements == []
    assert (fast.executed, fast.skipped, fast.refused) == (
        full.executed,
        full.skipped,
        full.refused,
    )
    assert fast.bug is not None and full.bug is not None
    assert fast.bug.summary() == full.bug.summary()


def test_on_call_sees_resolved_calls(store_interpreter: Interpreter) -> None:
    seen: list[tuple[str, tuple[object, ...]]] = []
    store_interpreter.run('a "x"\nre 5 "y"\n', on_call=lambda m, a, k, v: seen.append((m, a)))
    assert seen == [("add", ("x",)), ("rename", (10, "y"))]


def test_each_run_gets_a_fresh_model(store_interpreter: Interpreter) -> None:
    first = store_interpreter.run('a "x"\n').statements[0].value
    second = store_interpreter.run('a "x"\n').statements[0].value
    assert first == second == 10


def test_hostile_inputs_never_raise(store_interpreter: Interpreter) -> None:
    inputs = [
        b"",
        b"\x00" * 1000,
        b"\xff\xfe\xfd\n" * 100,
        b"a " + b"[" * 10_000 + b"\n",
        b"t " + b"9" * 100_000,
        b'a "' + b"x" * 1_000_000 + b'"\n',
        ('a "' + "\U0010ffff" * 100 + '"\n').encode(),
        b"\r\n".join([b'a "x"'] * 1000),
        b"! " + b"1" * 10_000,
        b"\n" * 100_000,
    ]
    for data in inputs:
        report = store_interpreter.run(data)
        assert report.ok


@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary(max_size=200)
    | st.lists(
        st.sampled_from(
            [
                'a "x"',
                "r 0",
                're 1 "n"',
                "p [0 1] RED",
                't none b"" [] [1 "s"]',
                "rs 3",
                "! 2",
                "zz",
                "[",
                "p [] BLUE 1.5",
            ]
        ),
        max_size=20,
    ).map(lambda lines: "\n".join(lines).encode())
)
def test_any_bytes_never_raise(store_interpreter: Interpreter, data: bytes) -> None:
    report = store_interpreter.run(data)
    assert report.executed + report.skipped + report.refused >= 0


def test_many_random_byte_strings(store_interpreter: Interpreter) -> None:
    rng = random.Random(1234)
    alphabet = b'arpt!"[]#\\ \n0123456789-.ebx'
    for i in range(10_000):
        n = rng.randrange(0, 64)
        if i % 2:
            data = bytes(rng.randrange(256) for _ in range(n))
        else:
            data = bytes(rng.choice(alphabet) for _ in range(n))
        store_interpreter.run(data, record=bool(i % 3))
