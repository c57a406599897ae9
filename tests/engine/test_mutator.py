"""Structure-aware mutation: always well formed, deterministic, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from apifuzz.engine.generate import Rng, StatementGenerator
from apifuzz.engine.mutator import ScriptMutator
from apifuzz.interpreter.parser import Call, LineParser, Unparsed
from apifuzz.language import LOCK_NAME, Language
from apifuzz.model.loader import load_target

CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "example_timeline"


@pytest.fixture(scope="module")
def language() -> Language:
    return Language.for_target(load_target("example_timeline"), CORPUS / LOCK_NAME)


@pytest.fixture(scope="module")
def seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted(CORPUS.glob("*.txt"))]


def test_rng_is_deterministic_and_spread() -> None:
    a, b = Rng(42), Rng(42)
    draws = [a.below(10) for _ in range(1000)]
    assert draws == [b.below(10) for _ in range(1000)]
    assert set(draws) == set(range(10))
    assert Rng(1).next() != Rng(2).next()


def test_generated_statements_parse_and_bind(language: Language) -> None:
    generator = StatementGenerator(language)
    parser = LineParser(language)
    rng = Rng(7)
    methods = set()
    for _ in range(3000):
        parsed = parser.parse(generator.statement(rng))
        assert isinstance(parsed, Call), parsed
        methods.add(parsed.method.name)
    assert methods == {m.name for m in language.methods}


def test_mutations_always_parse(language: Language, seeds: list[bytes]) -> None:
    mutator = ScriptMutator(language)  # no byte mutator: every mutation is structural
    parser = LineParser(language)
    for seed in range(5000):
        data = seeds[seed % len(seeds)]
        if seed % 4:
            out = mutator.mutate(data, 4096, seed)
        else:
            out = mutator.crossover(data, seeds[(seed * 7) % len(seeds)], 4096, seed)
        assert len(out) <= 4096
        for line in out.decode("utf-8").splitlines():
            parsed = parser.parse(line)
            assert not isinstance(parsed, Unparsed) or parsed.reason.value not in (
                "parse error",
                "unknown method",
            ), (line, parsed)
    assert mutator.failures == 0


def test_mutations_are_deterministic(language: Language, seeds: list[bytes]) -> None:
    one, two = ScriptMutator(language), ScriptMutator(language)
    for seed in range(300):
        data = seeds[seed % len(seeds)]
        assert one.mutate(data, 2048, seed) == two.mutate(data, 2048, seed)
        assert one.crossover(data, seeds[0], 2048, seed) == two.crossover(
            data, seeds[0], 2048, seed
        )


def test_mutations_change_the_input(language: Language, seeds: list[bytes]) -> None:
    mutator = ScriptMutator(language)
    changed = sum(mutator.mutate(seeds[0], 4096, s) != seeds[0] for s in range(200))
    assert changed > 180


def test_size_limit_is_kept(language: Language, seeds: list[bytes]) -> None:
    mutator = ScriptMutator(language)
    big = max(seeds, key=len)
    for seed in range(200):
        assert len(mutator.mutate(big, 100, seed)) <= 100
        assert len(mutator.crossover(big, big, 64, seed)) <= 64


def test_byte_mutator_share(language: Language) -> None:
    calls: list[bytes] = []

    def byte_mutate(data: bytes, max_size: int) -> bytes:
        calls.append(data)
        return data

    mutator = ScriptMutator(language, byte_mutate)
    for seed in range(1600):
        mutator.mutate(b'a "x" 10\n', 4096, seed)
    assert 150 < len(calls) < 450  # about 3 in 16


def test_garbage_input_still_mutates(language: Language) -> None:
    mutator = ScriptMutator(language)
    for seed in range(200):
        mutator.mutate(b"\xff\xfe\x00[[[\n\n", 512, seed)
        mutator.crossover(b"", b"\x00", 512, seed)
    assert mutator.failures == 0
