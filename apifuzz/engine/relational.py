"""Relational mutations: new calls and arguments that use what the script already holds.

A bug that lives in state often needs two related calls: the same object
trimmed, then cut; a position at the end of what an earlier call made.  A
fresh random call names a random object and random values, so it rarely
relates to its neighbours.  These mutations make the relation on purpose:

- :meth:`Relations.insert_related`: a new call on an object an existing call
  names (the same ``Ref`` literal, so the same object), right after it or
  later; the new call's method is, half of the time, one that followed the
  existing call's method on one object in the scripts mutated so far (the
  call pairs the corpus holds, syzkaller's choice table learned from it);
- :meth:`Relations.between_undo_redo`: for a model that declares its undo and
  redo, the three calls undo, a call on an object an existing call names, redo,
  right after that call: state outside the history (a selection, a cache)
  changed between an undo and its redo;
- :meth:`Relations.reuse_value`: an argument re-picked from the script: an
  object another call names, a string or an int another call uses, an int
  plus or minus one, or the end of a range an earlier call gave (the sum of
  its two ints: a position plus a length).

Both work on lines, parse with the language's cached line parser and write
arguments back as literals; a line they cannot use is left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from apifuzz.engine.domains import fit
from apifuzz.engine.generate import Rng, StatementGenerator, gen_value
from apifuzz.interpreter.literals import format_literal
from apifuzz.interpreter.parser import Call, LineParser
from apifuzz.model.params import IntType, ParamType, names_objects, without_domain

#: Learn call pairs from one input in this many (parsing every input costs too much).
LEARN_EVERY = 8


class Relations:
    """The relational mutations of one language (see the module docstring)."""

    def __init__(self, generator: StatementGenerator, parser: LineParser) -> None:
        self.generator = generator
        self.parser = parser
        self.aliases = generator.aliases
        # Per kind, the (method index, parameter index, names many) of every parameter that
        # names objects of that kind: an id, or a list, set or tuple of them.
        self.takes: dict[str, list[tuple[int, int, bool]]] = {}
        for m, method in enumerate(generator.methods):
            for p, param in enumerate(method.params):
                named = names_objects(param.type)
                if named is not None:
                    self.takes.setdefault(named[0], []).append((m, p, named[1]))
        self.index = {method.name: m for m, method in enumerate(generator.methods)}
        self.pairs: dict[str, Counter[str]] = {}  # method -> methods that followed on one object
        # The model's undo and redo (the Target's undo=/redo=), when both are methods of the
        # language: a call between the undo and the redo of another is a relation too.
        target = generator.language.target
        undo, redo = target.undo, target.redo
        self.history: tuple[str, str] | None = None
        if undo is not None and redo is not None and undo in self.index and redo in self.index:
            self.history = (undo, redo)
        self._seen = 0

    # -- learning -----------------------------------------------------------------------

    def learn(self, lines: list[str]) -> None:
        """Count, in one input of every :data:`LEARN_EVERY`, which call followed which on
        the same object."""
        self._seen += 1
        if self._seen % LEARN_EVERY:
            return
        last: dict[tuple[str, object], str] = {}
        for _, call in self._calls(lines):
            name = call.method.name
            for kind, literal in _refs(call):
                before = last.get((kind, literal))
                if before is not None:
                    self.pairs.setdefault(before, Counter())[name] += 1
                last[(kind, literal)] = name

    # -- mutations ----------------------------------------------------------------------

    def insert_related(self, lines: list[str], rng: Rng) -> bool:
        """Insert a call on an object an existing call names; False when none names one."""
        found = self._related_call(lines, rng, learned=True)
        if found is None:
            return False
        i, line = found
        lines.insert(i + 1 + rng.below(len(lines) - i), line)
        return True

    def between_undo_redo(self, lines: list[str], rng: Rng) -> bool:
        """Right after a call that names an object: undo, a call on that object, redo; False
        when the model declares no undo and redo or no call names an object.

        An undo and its redo must give back what the call did whatever came between;
        state the history does not hold (a selection, a cache, an index) is where they
        often do not, and a random insertion rarely puts a call on the right object in
        that one place."""
        if self.history is None:
            return False
        found = self._related_call(lines, rng, learned=False)
        if found is None:
            return False
        i, between = found
        undo, redo = (self.aliases[name] for name in self.history)
        lines[i + 1 : i + 1] = [undo, between, redo]
        return True

    def reuse_value(self, lines: list[str], rng: Rng) -> bool:
        """Re-pick one argument from what the script already uses; False when nothing fits."""
        found = self._pick(lines, rng, lambda call: bool(call.args))
        if found is None:
            return False
        i, call = found
        params = call.method.params
        if len(call.args) > len(params):
            return False
        k = rng.below(len(call.args))
        pool = list(self._values(lines, params[k].type, i))
        if not pool:
            return False
        value = rng.pick(pool)
        if type(value) is int and rng.chance(1, 2):
            value += rng.pick((-1, 1))
        args = [format_literal(a) for a in call.args]
        ptype = params[k].type  # a value out of the parameter's domain: clamped or drawn again
        args[k] = fit(ptype, value, rng, lambda r: gen_value(ptype, r))
        lines[i] = " ".join([self.aliases[call.method.name], *args])
        return True

    # -- helpers ------------------------------------------------------------------------

    def _related_call(self, lines: list[str], rng: Rng, learned: bool) -> tuple[int, str] | None:
        """A call line that names an object and a new call on that object (its method, with
        ``learned``, half of the time one the corpus had follow the line's); None when no
        call names an object."""
        found = self._pick(lines, rng, lambda call: bool(_refs(call)))
        if found is None:
            return None
        i, call = found
        refs = _refs(call)
        kind, literal = refs[rng.below(len(refs))]
        choices = self.takes.get(kind, [])
        if not choices:
            return None
        if learned:
            m, p, many = self._next_method(call.method.name, kind, choices, rng)
        else:
            m, p, many = rng.pick(choices)
        parts = self.generator.arguments(m, rng, at_least=p + 1)
        parts[p] = format_literal([literal] if many else literal)
        return i, " ".join([self.aliases[self.generator.methods[m].name], *parts])

    def _calls(self, lines: list[str]) -> Iterator[tuple[int, Call]]:
        parse = self.parser.parse
        for i, line in enumerate(lines):
            parsed = parse(line)
            if type(parsed) is Call:
                yield i, parsed

    def _pick(
        self, lines: list[str], rng: Rng, fits: Callable[[Call], bool]
    ) -> tuple[int, Call] | None:
        """A random call line that ``fits``, or None (lines parse once: the parser caches)."""
        found = [(i, call) for i, call in self._calls(lines) if fits(call)]
        return rng.pick(found) if found else None

    def _next_method(
        self, name: str, kind: str, choices: list[tuple[int, int, bool]], rng: Rng
    ) -> tuple[int, int, bool]:
        """A method taking ``kind``: half of the time one the corpus had follow ``name``."""
        followers = self.pairs.get(name)
        if followers and rng.chance(1, 2):
            total = sum(followers.values())
            roll = rng.below(total)
            for follower, count in followers.items():
                if roll < count:
                    for choice in choices:
                        if choice[0] == self.index.get(follower):
                            return choice
                    break
                roll -= count
        return rng.pick(choices)

    def _values(self, lines: list[str], ptype: ParamType, skip: int) -> Iterator[object]:
        """Values of type ``ptype`` other calls of the script use (ints: also the ends of
        their ranges, the sum of a call's two ints)."""
        for i, call in self._calls(lines):
            if i == skip:
                continue
            ints = []
            for param, value in zip(call.method.params, call.args, strict=False):
                if without_domain(param.type) == without_domain(ptype):
                    yield value
                if isinstance(param.type, IntType) and type(value) is int:
                    ints.append(value)
            if isinstance(ptype, IntType) and len(ints) >= 2:
                yield ints[-2] + ints[-1]


def _refs(call: Call) -> list[tuple[str, object]]:
    """The (kind, literal) of every object a parsed call names: its Ref arguments and the
    ids in its list, set and tuple arguments of them."""
    found: list[tuple[str, object]] = []
    for param, value in zip(call.method.params, call.args, strict=False):
        named = names_objects(param.type)
        if named is None:
            continue
        if type(value) is int:
            found.append((named[0], value))
        elif type(value) is list:
            found.extend((named[0], item) for item in value if type(item) is int)
    return found
