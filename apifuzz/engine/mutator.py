"""Structure-aware mutation: edit scripts statement by statement.

libFuzzer's byte mutations rarely turn one valid call into another valid
call; these mutations always do.  Each works on lines: insert a freshly
generated call, delete, duplicate, swap, replace or nudge one argument,
splice statements from another input; and the relational ones
(:mod:`apifuzz.engine.relational`): a call on an object another call names,
an argument re-picked from what the script uses; and, given the worker's
:class:`~apifuzz.engine.frontier.Frontier`, half of the fresh calls right
after the statement where the input reached its newest state.  New calls
come from a subset of the methods that changes every :data:`SWARM_PERIOD`
mutations (swarm testing).  Some of the time the bytes are left
to ``atheris.Mutate`` instead, so the fuzzer still explores what no
generator would write.  Everything is deterministic for a given seed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from apifuzz.engine.domains import fit
from apifuzz.engine.frontier import Frontier
from apifuzz.engine.generate import Rng, StatementGenerator, gen_int, gen_value
from apifuzz.engine.relational import Relations
from apifuzz.interpreter.literals import format_literal
from apifuzz.interpreter.parser import Call, LineParser
from apifuzz.language import Language

ByteMutator = Callable[[bytes, int], bytes]

#: Out of 16 mutations, how many go to the byte mutator.
BYTE_SHARE = 3

#: libFuzzer turns length control off for a custom mutator; without it inputs grow to
#: max_len at once and every run executes hundreds of statements.
LEN_CONTROL = "-len_control=100"


#: Mutations between two draws of the methods new calls come from (swarm testing).
SWARM_PERIOD = 512


def atheris_hooks(
    language: Language,
    parser: LineParser,
    atheris: Any,
    *,
    relational: bool = True,
    swarm: bool = True,
    frontier: Frontier | None = None,
) -> dict[str, Any]:
    """``custom_mutator`` and ``custom_crossover`` for ``atheris.Setup``.

    The byte mutations go to ``atheris.Mutate``, looked up at call time: ``Fuzz()``
    installs the working one when it starts.
    """

    def byte_mutate(data: bytes, max_size: int) -> bytes:
        return bytes(atheris.Mutate(data, max_size))

    mutator = ScriptMutator(
        language, byte_mutate, parser, relational=relational, swarm=swarm, frontier=frontier
    )
    return {"custom_mutator": mutator.mutate, "custom_crossover": mutator.crossover}


class ScriptMutator:
    """The ``custom_mutator`` and ``custom_crossover`` handed to atheris."""

    def __init__(
        self,
        language: Language,
        byte_mutate: ByteMutator | None = None,
        parser: LineParser | None = None,
        *,
        relational: bool = True,
        swarm: bool = True,
        frontier: Frontier | None = None,
    ) -> None:
        self.generator = StatementGenerator(language)
        self.parser = parser or LineParser(language)
        self.byte_mutate = byte_mutate
        self.relations = Relations(self.generator, self.parser) if relational else None
        ops: list[tuple[int, Callable[[list[str], Rng], None]]] = [
            (4, self._insert),
            (2, self._delete),
            (1, self._duplicate),
            (1, self._swap),
            (3, self._replace_argument),
            (2, self._nudge_int),
        ]
        if self.relations is not None:
            ops += [(3, self._insert_related), (2, self._reuse_value)]
            if self.relations.history is not None:
                ops.append((2, self._between_undo_redo))
        self._ops = tuple(ops)
        self._weights = sum(w for w, _ in self._ops)
        self.swarm = swarm
        self.frontier = frontier
        self._after: int | None = None  # the statement of this input's newest state
        self.mutations = 0
        self.failures = 0

    # -- atheris entry points ----------------------------------------------------------

    def mutate(self, data: bytes, max_size: int, seed: int) -> bytes:
        """One mutation of ``data`` (libFuzzer's custom mutator)."""
        try:
            return self._mutate(data, max_size, seed)
        except Exception as exc:  # a mutator bug must not end a fuzzing run
            self._failed(exc)
            return self.byte_mutate(data, max_size) if self.byte_mutate else data[:max_size]

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        if self.failures == 1:
            sys.stderr.write(
                f"WARNING: apifuzz: structure mutator failed ({type(exc).__name__}: "
                f"{exc}); that mutation fell back to bytes\n"
            )

    def _mutate(self, data: bytes, max_size: int, seed: int) -> bytes:
        rng = Rng(seed)
        self.mutations += 1
        if self.swarm and self.mutations % SWARM_PERIOD == 0:
            self.generator.swarm(rng)
        if self.byte_mutate is not None and rng.below(16) < BYTE_SHARE:
            return self.byte_mutate(data, max_size)
        lines = self._lines(data)
        frontier = self.frontier
        self._after = frontier.statement(data) if frontier is not None else None
        if self.relations is not None:
            self.relations.learn(lines)
        for _ in range(1 + rng.below(3)):  # stack a few edits, as libFuzzer does
            roll = rng.below(self._weights)
            for weight, op in self._ops:
                if roll < weight:
                    op(lines, rng)
                    break
                roll -= weight
        return self._join(lines, max_size)

    def crossover(self, data1: bytes, data2: bytes, max_size: int, seed: int) -> bytes:
        """Splice statements of two inputs (libFuzzer's custom crossover)."""
        try:
            return self._crossover(data1, data2, max_size, seed)
        except Exception as exc:
            self._failed(exc)
            return data1[:max_size]

    def _crossover(self, data1: bytes, data2: bytes, max_size: int, seed: int) -> bytes:
        rng = Rng(seed)
        first, second = self._lines(data1), self._lines(data2)
        if not second:
            return self._join(first, max_size)
        start = rng.below(len(second))
        piece = second[start : start + 1 + rng.below(len(second) - start)]
        at = rng.below(len(first) + 1)
        return self._join(first[:at] + piece + first[at:], max_size)

    # -- helpers -----------------------------------------------------------------------

    @staticmethod
    def _lines(data: bytes) -> list[str]:
        text = data.decode("utf-8", "replace")
        return [line for line in text.split("\n") if line.strip()]

    @staticmethod
    def _join(lines: list[str], max_size: int) -> bytes:
        out = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        while len(out) > max_size and lines:
            lines.pop()
            out = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
        return out[:max_size]

    # -- mutations ---------------------------------------------------------------------

    def _insert(self, lines: list[str], rng: Rng) -> None:
        lines.insert(self._place(lines, rng), self.generator.statement(rng))

    def _place(self, lines: list[str], rng: Rng) -> int:
        """Where a new call goes: half of the time right after the statement where the
        input reached its newest state (engine.frontier), else anywhere."""
        after = self._after
        if after is not None and after < len(lines) and rng.chance(1, 2):
            return after + 1
        return rng.below(len(lines) + 1)

    def _insert_related(self, lines: list[str], rng: Rng) -> None:
        assert self.relations is not None
        if not self.relations.insert_related(lines, rng):
            self._insert(lines, rng)

    def _between_undo_redo(self, lines: list[str], rng: Rng) -> None:
        assert self.relations is not None
        if not self.relations.between_undo_redo(lines, rng):
            self._insert_related(lines, rng)

    def _reuse_value(self, lines: list[str], rng: Rng) -> None:
        assert self.relations is not None
        if not self.relations.reuse_value(lines, rng):
            self._replace_argument(lines, rng)

    def _delete(self, lines: list[str], rng: Rng) -> None:
        if lines:
            del lines[rng.below(len(lines))]

    def _duplicate(self, lines: list[str], rng: Rng) -> None:
        if lines:
            i = rng.below(len(lines))
            lines.insert(rng.below(len(lines) + 1), lines[i])

    def _swap(self, lines: list[str], rng: Rng) -> None:
        if len(lines) > 1:
            i, j = rng.below(len(lines)), rng.below(len(lines))
            lines[i], lines[j] = lines[j], lines[i]

    def _call_at(self, lines: list[str], rng: Rng) -> tuple[int, Call] | None:
        if not lines:
            return None
        i = rng.below(len(lines))
        parsed = self.parser.parse(lines[i])
        if not isinstance(parsed, Call) or not parsed.args:
            return None
        return i, parsed

    def _rewrite(self, lines: list[str], i: int, call: Call, args: list[str]) -> None:
        lines[i] = " ".join([self.generator.aliases[call.method.name], *args])

    def _replace_argument(self, lines: list[str], rng: Rng) -> None:
        found = self._call_at(lines, rng)
        if found is None:
            self._insert(lines, rng)
            return
        i, call = found
        params = call.method.params
        args = [format_literal(a) for a in call.args]
        if not params or len(args) > len(params):  # a call with too many arguments
            lines[i] = self.generator.statement(rng)
            return
        k = rng.below(len(args))
        args[k] = gen_value(params[k].type, rng)
        self._rewrite(lines, i, call, args)

    def _nudge_int(self, lines: list[str], rng: Rng) -> None:
        found = self._call_at(lines, rng)
        if found is None:
            return
        i, call = found
        ints = [k for k, a in enumerate(call.args) if type(a) is int]
        if not ints:
            self._replace_argument(lines, rng)
            return
        k = ints[rng.below(len(ints))]
        value = call.args[k]
        assert isinstance(value, int)
        choice = rng.below(5)
        value = (value + 1, value - 1, -value, value * 2, gen_int(rng))[choice]
        args = [format_literal(a) for a in call.args]
        args[k] = str(value)
        params = call.method.params
        if k < len(params):  # a value out of the parameter's domain: clamped or drawn again
            ptype = params[k].type
            args[k] = fit(ptype, value, rng, lambda r: gen_value(ptype, r))
        self._rewrite(lines, i, call, args)
