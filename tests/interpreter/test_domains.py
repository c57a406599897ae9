"""The interpreter and domains: a false precondition skips the call, with its reason
counted; a literal outside its parameter's domain skips the call as bad arguments."""

from __future__ import annotations

from apifuzz.interpreter import BugKind, Interpreter, SkipReason, Status
from apifuzz.interpreter.stats import BAD_ARGUMENTS, MethodStats
from apifuzz.language import Language


def interpreter(name: str = "target") -> Interpreter:
    import domain_models

    target = getattr(domain_models, name)
    run = Interpreter(Language.build(target))
    run.stats = MethodStats(m.name for m in target.registry.methods)
    return run


def test_a_false_precondition_skips_the_call_with_its_own_reason() -> None:
    run = interpreter()
    report = run.run('shrink 0 50\nput 5 "red" "a"\ndrop 0\nshrink 0 50\nput 6 "red" "b"\ndrop 0\n')
    assert report.ok and (report.executed, report.skipped) == (4, 2)
    skipped = [s for s in report.statements if s.status is Status.SKIPPED]
    assert [(s.line, s.reason, s.detail) for s in skipped] == [
        (1, SkipReason.PRECONDITION, "has_items"),
        (3, SkipReason.PRECONDITION, "len(self.items) >= 2"),
    ]
    assert run.stats is not None
    methods = run.stats.to_json()["methods"]
    assert methods["shrink"]["skipped"] == {"precondition false": 1}
    assert methods["drop"]["skipped"] == {"precondition false": 1}
    assert methods["drop"]["executed"] == 1 and methods["shrink"]["bugs"] == 0


def test_a_literal_outside_the_domain_is_skipped_as_bad_arguments() -> None:
    run = interpreter()
    script = "\n".join(
        [
            'put 101 "red" "a"',  # above the range
            'put 5 "pink" "a"',  # not one of the colours
            'put 5 "red" "abc"',  # a character outside the alphabet
            'put 5 "red" ""',  # shorter than min_size
            'put 5 "red" "ab"',
            "shrink 0 39",  # below the range
            "shrink 0 40 3.5",  # a float above its range
            'tune 4 [b"x"]',  # not one of the modes
            'tune 3 [b"x" b"q"]',  # an item of a list outside its domain
            "shrink 0 40 1",  # an int for a float: inside the range
        ]
    )
    report = run.run(script)
    assert report.ok and (report.executed, report.skipped) == (2, 8)
    skipped = [s for s in report.statements if s.status is Status.SKIPPED]
    assert all(s.reason is SkipReason.BAD_ARGS for s in skipped)
    assert skipped[0].detail == "101 is outside the domain of int[0..100]"
    assert skipped[1].detail == "'pink' is outside the domain of str[one of 'red', 'green', 'blue']"
    assert "outside the domain of str[text of 'ab' 1..4 long]" in skipped[2].detail
    assert run.stats is not None
    assert run.stats.to_json()["methods"]["put"]["skipped"] == {BAD_ARGUMENTS: 4}


def test_a_precondition_that_raises_is_a_bug_of_the_call() -> None:
    report = interpreter("broken_target").run("go\n")
    assert report.bug is not None and report.bug.kind is BugKind.EXCEPTION
    assert report.bug.method == "go" and isinstance(report.bug.error, ZeroDivisionError)
