"""Normal forms of failing scripts: the smallest script that fails the same way.

"The same way" is relaxed on purpose: the failure must surface at the last
statement, with the same kind (exception, invariant, oracle), from the same
API method (the call it escaped from, or after which the invariant broke);
the innermost frame may change.  The reduction is a greedy descent in a
fixed total order (fewer statements first, then smaller calls: methods in
registry order, shorter literals), so equal starting points give equal forms
and the order of the moves never depends on chance.

Moves, the first that keeps the failure wins and the descent starts over:
delete a statement; replace a statement, or every copy of it, by a smaller
call or by a copy of another statement; shrink one argument (an object id
too), or re-pick several arguments of the last call at once among the
values the script passes; rename one object id to a smaller one everywhere,
and a string or bytes value to the smallest one everywhere;
move a statement before a larger one when the failure keeps its signature
(independent statements end up in canonical order);
swap a statement for any call when that lets another statement go; delete a
statement and shift the later ids of one kind down by one (ids count the
objects made so far); delete a statement and make a string or bytes value
it passed, in the later statements, one an earlier statement passes (a
rename gone, what came after it goes by the old name; only where the
failure keeps its signature).  A replacement that moves the failure to another
signature is taken only where the slot is generic (see :data:`GENERIC`), and
no move but a plain deletion may bring in a smaller failure in another frame
(see :meth:`Reducer._nests_another`).

The descent runs twice, on one replay budget: first keeping the script's
own signature, then keeping only the surface.  With several bugs in one
method, a deletion that changes which objects the later statements touch
can turn one bug's script into another's with the same surface (the objects the later calls name are
numbered otherwise, and another bug's mistake fails the same call); going
first as far as the script's own failure takes it leaves fewer such steps.

Two forms of one failure can still be local minima on either side of a step
that is not downhill; :meth:`Reducer.meets` looks for a path between them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from apifuzz.engine.calls import Calls, Script, statements
from apifuzz.engine.judge import Judge
from apifuzz.engine.triage import Signature, model_stack
from apifuzz.interpreter.report import Bug

#: How many different methods must keep a failure at one place before that place
#: counts as generic: two independent bugs reachable from one slot account for two.
GENERIC = 3

#: Replays one reduction may spend; past it the form reached so far is kept.
BUDGET = 2000


@dataclass(frozen=True)
class Surface:
    """How a failure surfaced: its kind and the API method it escaped from or broke after.

    For an invariant, also the assertion that failed (its frame and line): an
    invariant checks several properties, and a reduction that trades one
    broken property for another has found another bug, not a smaller script
    of the same one.  An exception may move between frames: that is how one
    corruption shows in many helpers.
    """

    kind: str
    method: str | None
    oracle: str | None
    invariant: str | None
    assertion: str | None = None  # an invariant's failing frame: "file:function:line"

    @classmethod
    def of(cls, bug: Bug, signature: Signature | None = None) -> Surface:
        """The surface of a bug (``signature``: its signature, which names the assertion)."""
        assertion = None
        if signature is not None and signature.kind == "invariant":
            assertion = f"{signature.file}:{signature.function}:{signature.line}"
        return cls(bug.kind.value, bug.method, bug.oracle, bug.invariant, assertion)

    def describe(self) -> str:
        """``exception in redo``, ``invariant check after write (undo)``."""
        where = "in" if self.kind == "exception" else "after"
        what = f"{self.kind} {self.invariant}" if self.invariant else self.kind
        step = f" ({self.oracle})" if self.oracle else ""
        return f"{what} {where} {self.method or 'construction'}{step}"


@dataclass(frozen=True)
class Outcome:
    """What one replay showed: the signature, the surface, the failing statement (1-based)."""

    signature: Signature
    surface: Surface
    line: int
    stack: tuple[str, ...] = ()  # an exception's model frames (see triage.model_stack)


@dataclass(frozen=True)
class Form:
    """A script's normal form, how its failure surfaced (and its signature and model
    frames there), and what the reduction cost."""

    statements: Script
    surface: Surface
    replays: int
    signature: Signature
    stack: tuple[str, ...] = ()

    def text(self) -> str:
        """The statements on one line: ``dt 0 ; u ; dt 0 ; r``."""
        return " ; ".join(self.statements)


#: Runs one script; None when it showed no bug.
Runner = Callable[[Script], Outcome | None]


def judge_runner(judge: Judge) -> Runner:
    """A runner that replays scripts with ``judge``."""

    def run(script: Script) -> Outcome | None:
        verdict = judge.run("\n".join(script))
        bug, signature = verdict.bug, verdict.signature
        if bug is None or signature is None:
            return None
        stack = model_stack(bug, judge.model_dirs)
        return Outcome(signature, Surface.of(bug, signature), bug.line, stack)

    return run


class _Spent(Exception):
    """The reduction used its replay budget."""


class Reducer:
    """Reduces failing scripts to their normal form with at most ``budget`` replays each."""

    def __init__(self, calls: Calls, run: Runner, budget: int = BUDGET) -> None:
        self.calls = calls
        self._run = run
        self.budget = budget
        self.replays = 0
        self._outcomes: dict[Script, Outcome | None] = {}
        self._left = 0
        self._guide: Script = ()  # statements of the form a descent tries to meet
        self._exact: Signature | None = None  # the signature a descent must keep, if any
        # The methods a lateral move may bring in: during reduce(), those the script called.
        self._own: frozenset[str] | None = None

    def outcome(self, script: Script) -> Outcome | None:
        """The outcome of ``script`` (cached); raises _Spent past the budget."""
        if script not in self._outcomes:
            if self._left <= 0:
                raise _Spent
            self._left -= 1
            self.replays += 1
            self._outcomes[script] = self._run(script)
        return self._outcomes[script]

    def reduce(self, script: str) -> Form | None:
        """The normal form of ``script``; None when it shows no bug at its last statement.
        The first descent keeps the script's signature, the second its surface."""
        self._left = self.budget
        spent = self.replays
        lines = statements(script)
        first = self.outcome(lines) if lines else None
        if first is None or first.line != len(lines):
            return None
        current = tuple(self.calls.canonical(line) for line in lines)
        if not self._keeps(current, first.surface):
            current = lines
        self._own = frozenset(filter(None, map(self.calls.method, lines[:-1])))
        try:
            self._exact = first.signature
            try:
                current = self._descend(current, first.surface)
            finally:
                self._exact = None  # every other use of the reducer keeps the surface only
            current = self._descend(current, first.surface)
        finally:
            self._own = None
        last = self._outcomes[current] or first  # every step was replayed: it is cached
        return Form(current, first.surface, self.replays - spent, last.signature, last.stack)

    def _descend(self, script: Script, surface: Surface) -> Script:
        """Greedy descent from ``script`` until no move goes down or the budget is spent."""
        try:
            while (step := self._step(script, surface)) is not None:
                script = step
        except _Spent:
            pass
        return script

    def meets(self, one: Form, two: Form) -> bool:
        """Whether ``one`` turns into ``two`` one statement at a time, each script on the
        way failing the same way, or a descent gets there after the first such step:
        both are local minima of one failure, stuck on either side of a step that is not
        downhill (statements that must change together).

        Forms of equal length only, differing in at least two statements (with one, the
        step is ``two`` itself: two bugs one statement apart).  A step that changes the
        method and the signature needs a generic slot, as in the descent."""
        a, b = one.statements, two.statements
        differ = [k for k in range(len(a)) if len(a) == len(b) and a[k] != b[k]]
        if len(differ) < 2 or one.surface != two.surface:
            return False
        self._left = self.budget
        self._guide = b[:-1]
        try:
            steps = self._walk(a, b, differ, one.surface)
            return steps is None or any(self._descend(s, one.surface) == b for s in steps)
        except _Spent:
            return False
        finally:
            self._guide = ()

    def recast(self, form: Form) -> list[Script]:
        """The normal forms ``form`` reaches when a statement it repeats becomes another
        call, every copy at once, and the failure then surfaces in another method, in a
        generic way (under at least :data:`GENERIC` signatures).

        Every copy at once keeps the script's shape (which statements are equal), so the
        new failure is the same play with other props: an edit done, undone and done
        again.  One statement alone may not change: that can add a step of its own to
        the play, the shape of another bug."""
        a = form.statements
        repeated = dict.fromkeys(x for x in a[:-1] if a.count(x) > 1 and x != a[-1])
        found: list[Script] = []
        self._left = self.budget
        try:
            for line in repeated:
                for option in self.calls.replacements(line):
                    if self.calls.method(option) == self.calls.method(line):
                        continue
                    recast = tuple(option if x == line else x for x in a)
                    out = self.outcome(recast)
                    if out is None or out.line != len(a) or out.surface == form.surface:
                        continue
                    if len(self.manifestations(recast, out.surface)) >= GENERIC:
                        found.append(self._descend(recast, out.surface))
        except _Spent:
            pass
        return found

    def retrigger(self, form: Form, slot: int) -> list[Script]:
        """The normal forms ``form`` reaches when its statement at ``slot`` becomes a call
        of another method and the failure then surfaces another way from the same API
        method (another assertion, or an exception for an invariant): the same play with
        another trigger.  Worth asking only where the slot is a generic step.  The reduction
        may drop what only the old trigger needed (before it), never a statement after it."""
        a = form.statements
        found: list[Script] = []
        self._left = self.budget
        try:
            for candidate in self._other_calls(a, slot):
                out = self.outcome(candidate)
                if out is None or out.line != len(a) or out.surface.method != form.surface.method:
                    continue
                if out.surface == form.surface:
                    continue
                reduced = self._descend(candidate, out.surface)
                # The play after the trigger stays: only what the old trigger needed may go
                # (a folder made for a remove), never a statement of the corruption itself.
                play = [self.calls.method(x) for x in a[slot + 1 :]]
                if [self.calls.method(x) for x in reduced[len(reduced) - len(play) :]] == play:
                    found.append(reduced)
        except _Spent:
            pass
        return found

    def essential(self, form: Form, slot: int, k: int) -> bool:
        """Whether ``form``'s statement ``k`` is needed whichever call of another method
        takes the place of its statement at ``slot`` and keeps the failure: with at least
        one such call, and with each of them, the failure no longer shows without ``k``
        (plainly, or with the later ids shifted down).  A statement there for the old
        trigger only (an object made for the call in the slot to use) is not.  Past the
        replay budget it counts as needed: when unsure, keep failures apart."""
        found = False
        self._left = self.budget
        try:
            for candidate in self._other_calls(form.statements, slot):
                if not self._keeps(candidate, form.surface):
                    continue
                found = True
                rest = candidate[:k] + candidate[k + 1 :]
                if any(self._keeps(v, form.surface) for v in (rest, *self.calls.shifted(rest, k))):
                    return False
        except _Spent:
            return True
        return found

    def _other_calls(self, script: Script, slot: int) -> Iterator[Script]:
        """``script`` with its statement at ``slot`` made each call of another method
        that may take its place (see :meth:`_options`), smallest first."""
        own = self.calls.method(script[slot])
        for option in sorted(self._options(script, script[slot : slot + 1]), key=self.calls.key):
            if self.calls.method(option) != own:
                yield (*script[:slot], option, *script[slot + 1 :])

    def _walk(
        self, a: Script, b: Script, differ: list[int], surface: Surface
    ) -> list[Script] | None:
        """Walk from ``a`` to ``b`` taking ``b``'s statements one position at a time
        through failing scripts; None when ``b`` is reached, else the first steps."""
        first: list[Script] = []
        stack, seen = [a], {a}
        while stack:
            here = stack.pop()
            for k in (k for k in differ if here[k] != b[k]):
                step = (*here[:k], b[k], *here[k + 1 :])
                if step in seen or not self._keeps(step, surface):
                    continue
                same_method = self.calls.method(here[k]) == self.calls.method(b[k])
                if not same_method and not self._may_move(here, step, k, surface):
                    continue
                if step == b:
                    return None
                seen.add(step)
                stack.append(step)
                if here == a:
                    first.append(step)
        return first

    def _keeps(self, script: Script, surface: Surface) -> bool:
        out = self.outcome(script)
        if self._exact is not None and (out is None or out.signature != self._exact):
            return False
        return out is not None and out.surface == surface and out.line == len(script)

    def _step(self, script: Script, surface: Surface) -> Script | None:
        """One move down, or None at the bottom."""
        order = self.calls.order
        for move in (
            self._deletions,
            self._replacements,
            self._renamings,
            self._reorderings,
            self._lateral,
            self._shifted,
            self._unified,
            self._pair_deletions,
        ):
            for candidate, slot in move(script, surface):
                if (
                    order(candidate) < order(script)
                    and self._keeps(candidate, surface)
                    and (slot is None or self._may_move(script, candidate, slot, surface))
                    and not self._nests_another(script, candidate, surface)
                ):
                    return candidate
        return None

    def _nests_another(self, script: Script, candidate: Script, surface: Surface) -> bool:
        """Whether ``candidate``, ``script`` with a call changed (not a plain deletion), holds a
        smaller failure of another signature in the same place that ``script`` did not:
        one statement fewer fails at its end, from the same API method, in a frame
        neither script fails in.  With several bugs in one method, a changed argument
        can keep the failure and yet make it rest on another bug: a rename onto a
        copy's name, re-picked onto the file's own name, fails alike through the
        uncounted copy and through renaming onto itself, and the copy goes next."""
        if any(candidate == script[:i] + script[i + 1 :] for i in range(len(script))):
            return False
        own = {out.signature for out in map(self.outcome, (script, candidate)) if out}
        return bool(self._nested(candidate, surface) - self._nested(script, surface) - own)

    def _nested(self, script: Script, surface: Surface) -> set[Signature]:
        """The signatures of the failures at the end of ``script`` with one statement
        before the last deleted, that surface as ``script``'s does."""
        found: set[Signature] = set()
        for i in range(len(script) - 1):
            out = self.outcome(script[:i] + script[i + 1 :])
            if out is not None and out.surface == surface and out.line == len(script) - 1:
                found.add(out.signature)
        return found

    def _may_move(self, script: Script, candidate: Script, slot: int, surface: Surface) -> bool:
        """A new method at ``slot`` may move the failure to another signature only into a
        script whose failure is generic: single replacements show it under at least
        :data:`GENERIC` signatures (one corruption, many manifestations).  Two independent
        bugs reachable from one slot show two, so neither moves into the other.  And the
        moved failure must need every statement the script keeps: with several bugs in
        play, a generic failure of another bug in the same method (a stale redo entry
        that any edit after an undo trips) can take over, and a descent through it would
        drop the first bug's own statements (an uncounted cut) and end in the other
        bug's form.  That holds for a call of the same method with other arguments too: a
        name shrunk onto the file's own makes a rename fail as renaming onto itself does,
        and the uncounted copy before it would go next."""
        before, after = self.outcome(script), self.outcome(candidate)
        if before is None or after is None or before.signature == after.signature:
            return True
        same_method = self.calls.method(candidate[slot]) == self.calls.method(script[slot])
        if (
            not same_method
            and len(self.manifestations(candidate, surface, {before.signature})) < GENERIC
        ):
            return False
        # The new failure must still need every statement the script had, as the old one
        # did (no deletion went down before a replacement was tried): else another bug in
        # that method took over, and the statements of the first one would go next.  The
        # new call itself is not asked (a lateral move also drops one and shifts the rest).
        new = {i for i, line in enumerate(candidate) if line not in script} or {slot}
        return not any(
            self._keeps(variant, surface)
            for i in range(len(candidate) - 1)
            if i not in new
            for rest in (candidate[:i] + candidate[i + 1 :],)
            for variant in (rest, *self.calls.shifted(rest, i))
        )

    def manifestations(
        self, script: Script, surface: Surface, seen: set[Signature] | None = None
    ) -> set[Signature]:
        """The signatures the failure shows when one statement before the last is replaced
        by another call (``script``'s own included); stops once it found :data:`GENERIC`."""
        found: set[Signature] = set(seen or ())
        own = self.outcome(script)
        if own is not None:
            found.add(own.signature)
        for slot in range(len(script) - 1):
            old = script[slot]
            for line in self.calls.replacements(old):
                candidates = [(*script[:slot], line, *script[slot + 1 :])]
                if script.count(old) > 1 and slot == script.index(old):
                    candidates.append(tuple(line if x == old else x for x in script))
                for candidate in candidates:
                    out = self.outcome(candidate)
                    if out is not None and out.surface == surface and out.line == len(script):
                        found.add(out.signature)
                        if len(found) >= GENERIC:
                            return found
        return found

    # -- moves: (candidate, the slot whose method changed or None) ----------------------

    def _deletions(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        for i in range(len(script) - 1):
            yield script[:i] + script[i + 1 :], None

    def _pair_deletions(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        """Two statements deleted at once, when no single move went down: an object made
        and then removed again, before the play, goes only with both of its statements."""
        for j in range(1, len(script) - 1):
            for i in range(j):
                yield script[:i] + script[i + 1 : j] + script[j + 1 :], None

    def _replacements(
        self, script: Script, surface: Surface
    ) -> Iterator[tuple[Script, int | None]]:
        calls = self.calls
        for i, line in enumerate(script):
            last = i == len(script) - 1
            options = (
                calls.shrunk(line) + calls.recombined(line, script)
                if last
                else calls.replacements(line) + calls.shrunk(line)
            )
            if not last:
                # One statement more like another: of this script, or of the form it meets.
                options += [x for x in (*script[:-1], *self._guide) if x != line]
            for option in sorted(set(options), key=calls.key):
                if calls.key(option) >= calls.key(line):
                    break
                yield (*script[:i], option, *script[i + 1 :]), i
                if script.count(line) > 1 and not last:
                    yield tuple(option if x == line else x for x in script), i

    def _reorderings(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        """A statement moved before a larger one: independent statements in canonical order.
        Only where the failure keeps its signature: statements whose order changes how the
        failure shows are not independent (with several bugs in play, one order can be
        another bug's play)."""
        key = self.calls.key
        for j in range(1, len(script) - 1):
            for i in range(j):
                if key(script[j]) < key(script[i]):
                    rest = script[:j] + script[j + 1 :]
                    candidate = (*rest[:i], script[j], *rest[i:])
                    if self._same_signature(script, candidate):
                        yield candidate, None

    def _shifted(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        """A statement deleted and the later object ids of one kind moved down by one:
        ids count the objects made so far, so deleting a statement that made one shifts
        every later reference."""
        for i in range(len(script) - 1):
            rest = script[:i] + script[i + 1 :]
            yield from ((c, None) for c in self.calls.shifted(rest, i))

    def _unified(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        """A statement deleted and a string or bytes value it passed, in the later
        statements, made one an earlier statement passes: a rename onto a new name, then a
        call on that name, is the call on the old one.  Only where the failure keeps its
        signature: two values made one can also turn a call on another object's name into
        a call on the object's own, another failure's play."""
        for i in range(len(script) - 1):
            rest = script[:i] + script[i + 1 :]
            for candidate in self.calls.unified(rest, script[i], i):
                if self._same_signature(script, candidate):
                    yield candidate, None

    def _same_signature(self, script: Script, candidate: Script) -> bool:
        before, after = self.outcome(script), self.outcome(candidate)
        return before is not None and after is not None and after.signature == before.signature

    def _renamings(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        for candidate in self.calls.renamed(script):
            yield candidate, None

    def _lateral(self, script: Script, surface: Surface) -> Iterator[tuple[Script, int]]:
        """Another call in place of a statement (or of every copy) when that lets another
        go.  In a reduction, only a call of a method the script itself called before it
        failed: with several bugs in play, a method it never called can be another bug's
        faulty call, and the step would turn its play into that bug's (an unlink in
        place of the copy of a file that is open, read after a write to the copy)."""
        calls, own = self.calls, self._own
        for i, line in enumerate(script[:-1]):
            for option in calls.replacements(line):
                name = calls.method(option)
                if name == calls.method(line) or (own is not None and name not in own):
                    continue
                swapped = tuple(option if x == line else x for x in script)
                if not self._keeps(swapped, surface):
                    continue
                for j in range(len(swapped) - 1):
                    if swapped[j] != option:
                        yield swapped[:j] + swapped[j + 1 :], i

    def fails_at_end(self, script: Script) -> bool:
        """Whether ``script`` shows a bug at its last statement."""
        self._left = max(self._left, 1)
        out = self.outcome(script)
        return out is not None and out.line == len(script)

    def block_methods(
        self, script: Script, start: int, end: int, surface: Surface, *, loose: bool = False
    ) -> set[str]:
        """The methods whose calls can take the place of ``script[start:end]`` (before the
        last statement) alone and keep the failure; a single statement counts its own
        method.  Stops once it found :data:`GENERIC`: that many make the statements a
        *generic step*.  A corruption's trigger is one (many edits free what a stale
        reference points to), and so is an edit any other edit can stand in for; a bug's
        own faulty call is not, since no other method makes its mistake.  ``loose``: the
        failure may surface another way from the same API method (another assertion, an
        exception for an invariant)."""
        self._left = self.budget
        calls = self.calls
        block = script[start:end]
        found = {calls.method(block[0])} if len(block) == 1 else set()
        options = sorted(self._options(script, block), key=calls.key)
        try:
            for line in options:
                name = calls.method(line)
                if name in found:
                    continue
                candidate = (*script[:start], line, *script[end:])
                out = self.outcome(candidate)
                if out is None or out.line != len(candidate):
                    continue
                if out.surface == surface or (loose and out.surface.method == surface.method):
                    found.add(name)
                    if len(found) >= GENERIC:
                        break
        except _Spent:
            pass
        return {name for name in found if name is not None}

    def _options(self, script: Script, block: Script) -> set[str]:
        """The calls that may take the place of ``block``: every method's replacements,
        and each of them again with new names where its names clash with the script's
        (in place of an unlink, a create of another file than the one already there)."""
        used = self.calls.literals(script)
        options = {o for line in block for o in self.calls.replacements(line)}
        fresh = (self.calls.freshened(o, used) for o in options)
        return options | {o for o in fresh if o is not None}

    def shows(self, state: Script, tail: Script, signature: Signature) -> bool:
        """Whether ``tail`` run right after ``state`` fails at its last statement with
        ``signature``: the last statement as written, with the arguments of its
        replacement, or made smaller (the objects the state holds may be numbered
        otherwise than where it came from)."""
        *steps, last = tail
        method = self.calls.method(last)
        options = dict.fromkeys(
            (
                last,
                *(o for o in self.calls.replacements(last) if self.calls.method(o) == method),
                *self.calls.shrunk(last),
            )
        )
        end = len(state) + len(tail)
        for option in options:
            out = self.outcome((*state, *steps, option))
            if out is not None and out.line == end and out.signature == signature:
                return True
        return False

    def needs(
        self, state: Script, tail: Script, signature: Signature, slots: Iterable[int] | None = None
    ) -> frozenset[int]:
        """The statements of ``state`` (among ``slots``; default all) that :meth:`shows`
        needs: without one (and with the later object ids shifted down, if it made one),
        the failure no longer shows."""
        needed: set[int] = set()
        for i in range(len(state)) if slots is None else slots:
            rest = state[:i] + state[i + 1 :]
            variants = (rest, *self.calls.shifted(rest, i))
            if not any(self.shows(v, tail, signature) for v in variants):
                needed.add(i)
        return frozenset(needed)

    def carries(
        self, state: Script, tail: Script, signature: Signature, slots: frozenset[int]
    ) -> bool:
        """Whether ``tail`` right after ``state`` fails with ``signature`` (see
        :meth:`shows`) and needs every statement of ``state`` at ``slots``."""
        self._left = self.budget
        try:
            if not self.shows(state, tail, signature):
                return False
            return self.needs(state, tail, signature, slots) == slots
        except _Spent:
            return False

    def one_state(
        self, one: Form, two: Form, culprits: Callable[[Form], set[str]]
    ) -> tuple[Script, set[str]] | None:
        """A state, made by a prefix of either form, after which both forms' last methods
        fail as they do and at least :data:`GENERIC` methods raise, and whose statements
        one failure needs are among those the other needs; with the raising methods.

        One corrupted state with many victims, both failures among them.  Two corruptions
        that one state happens to hold (two bugs' faulty calls in one setup) are told
        apart by what each failure needs: each needs its own faulty call, not the other's.
        And the state, made by one form, must call every method the other form needs in
        particular (``culprits``): two methods that each make the same mistake give two
        forms that each need their own method, and a state that shows both symptoms.
        """
        if one.surface.kind != "exception" or two.surface.kind != "exception":
            return None  # a call after which the invariants fail broke the state: no victim
        lasts = (one.statements[-1], two.statements[-1])
        states = dict.fromkeys(
            (form.statements[:k], other)
            for form, other in ((one, two), (two, one))
            for k in range(len(form.statements) - 1, 0, -1)
        )
        for state, other in states:
            self._left = self.budget
            try:
                if not culprits(other) <= {self.calls.method(x) for x in state}:
                    continue
                if not all(self.shows(state, f.statements[-1:], f.signature) for f in (one, two)):
                    continue
                raising = self.failing_methods(state, lasts, raising=True)
                if len(raising) < GENERIC:
                    continue
                self._left = self.budget
                first, second = (
                    self.needs(state, f.statements[-1:], f.signature) for f in (one, two)
                )
            except _Spent:
                continue
            if first <= second or second <= first:
                return state, raising
        return None

    def failing_methods(
        self, prefix: Script, lasts: tuple[str, ...], *, raising: bool = False
    ) -> set[str]:
        """The methods that fail when called right after ``prefix`` (with the arguments
        of ``lasts`` where the types match): a corrupted state breaks many.

        ``raising``: only the methods that raise.  A call that raises on a state the
        invariants passed trips over something already wrong (a victim); a call after
        which the invariants fail broke the state itself (its own bug, maybe)."""
        self._left = self.budget
        failing: set[str] = set()
        tried: set[str] = set()
        try:
            for last in lasts:
                for line in self.calls.replacements(last):
                    name = self.calls.method(line)
                    if name is None or name in failing or line in tried:
                        continue
                    tried.add(line)
                    out = self.outcome((*prefix, line))
                    if out is None or out.line != len(prefix) + 1:
                        continue
                    if not raising or out.surface.kind == "exception":
                        failing.add(name)
        except _Spent:
            pass
        return failing
