"""Generation and mutation stay inside each parameter's domain."""

from __future__ import annotations

from apifuzz.engine.domains import fit
from apifuzz.engine.generate import Rng, StatementGenerator, gen_value
from apifuzz.engine.mutator import ScriptMutator
from apifuzz.engine.relational import Relations
from apifuzz.interpreter.convert import Binder
from apifuzz.interpreter.parser import Call, LineParser
from apifuzz.language import Language, LoadedTarget
from apifuzz.model.domains import Range, Text
from apifuzz.model.params import FloatType, IntType, OptionalType, StrType


def language() -> Language:
    return LoadedTarget.load("domain_models").language()


def binds(parser: LineParser, line: str) -> bool:
    """Whether ``line`` is a call whose arguments all fit their parameters (refs: any id)."""
    parsed = parser.parse(line)
    assert isinstance(parsed, Call), line
    try:
        Binder(parsed.method.params, parsed.method).bind(parsed.args, lambda kind: [1])
    except Exception:
        return False
    return True


def test_every_generated_value_is_inside_its_domain() -> None:
    lang = language()
    generator, parser = StatementGenerator(lang), LineParser(lang)
    rng = Rng(3)
    seen: dict[str, set[object]] = {}
    for _ in range(4000):
        line = generator.statement(rng)
        assert binds(parser, line), line
        parsed = parser.parse(line)
        assert isinstance(parsed, Call)
        for param, value in zip(parsed.method.params, parsed.args, strict=False):
            seen.setdefault(f"{parsed.method.name}.{param.name}", set()).add(
                value if not isinstance(value, list) else tuple(value)
            )
    # The ends of a range and values between them, every choice, short and long labels.
    assert {0, 100} <= seen["put.size"] and len(seen["put.size"]) > 20
    assert {40, 60, 47} <= seen["shrink.by"]
    assert seen["put.colour"] == {"red", "green", "blue"}
    assert seen["tune.mode"] == {3, 5, 8}
    labels = {str(v) for v in seen["put.label"]}
    assert {len(v) for v in labels} == {1, 2, 3, 4} and set("".join(labels)) == {"a", "b"}
    ratios = {v for v in seen["shrink.ratio"] if v is not None}
    assert {0.5, 2.0} <= ratios and all(0.5 <= float(v) <= 2.0 for v in ratios)  # type: ignore[arg-type]


def test_mutations_keep_every_value_inside_its_domain() -> None:
    lang = language()
    mutator, parser = ScriptMutator(lang), LineParser(lang)  # no byte mutator: all structural
    script = b'put 50 "red" "ab"\nput 0 "blue" "a"\nshrink 0 40 1.0\ntune 5 [b"x"]\n'
    data = script
    for seed in range(1500):
        data = mutator.mutate(data if seed % 50 else script, 4096, seed)
        for line in data.decode().splitlines():
            assert binds(parser, line), (seed, line)


def test_reused_values_are_clamped_into_the_range() -> None:
    lang = language()
    parser = LineParser(lang)
    relations = Relations(StatementGenerator(lang), parser)
    script = ['put 99 "red" "a"', "shrink 0 45"]
    sizes = set()
    for seed in range(300):
        lines = list(script)
        relations.reuse_value(lines, Rng(seed))
        assert all(binds(parser, line) for line in lines), lines
        call = parser.parse(lines[1])
        assert isinstance(call, Call)
        sizes.add(call.args[1])
    assert 60 in sizes  # 99 taken from put, clamped to shrink's range 40..60


def test_fit_clamps_numbers_and_draws_other_values_again() -> None:
    rng = Rng(1)
    size = IntType(Range(0, 10))
    again = lambda r: gen_value(size, r)  # noqa: E731
    assert fit(size, 99, rng, again) == "10"
    assert fit(size, -3, rng, again) == "0"
    assert fit(size, 4, rng, again) == "4"
    assert fit(OptionalType(size), None, rng, again) == "none"
    assert fit(FloatType(Range(0.5, 2)), 7, rng, again) == "2.0"
    assert fit(IntType(), 10**6, rng, again) == str(10**6)  # no domain: unchanged
    text = StrType(Text("ab", 1, 4))
    drawn = fit(text, "zzz", rng, lambda r: gen_value(text, r))
    assert drawn.strip('"') and set(drawn.strip('"')) <= {"a", "b"}
