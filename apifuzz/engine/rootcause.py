"""Root-cause triage: is a new failure a variant of a known bug, or a bug of its own?

A signature says where a failure surfaced.  One corrupted state can surface
in many places (a stale redo entry that every command's redo trips over), and
two different bugs can break one assertion.  :class:`RootCause` decides from
replays, not from names: each minimized script is reduced to its normal form
(:mod:`apifuzz.engine.normalize`), the smallest script that fails the same
way at its last statement, and

* two failures that surface in the same API method are one bug when their
  normal forms are equal (what differed between them reduced away, or was a
  generic statement that many calls can take the place of), or when one
  form turns into the other one statement at a time through scripts that
  fail the same way (two local minima of one failure; never forms one
  statement apart, the shape of two bugs);
* for a target that declares undo, redo and state, two failures are one bug
  when both breach its linear undo history alike (a redo acts after an edit
  that should have dropped what it redoes, through code many edits share;
  an undo fails right after the same unrecorded edit, or a redo does where an
  undo did), and two bugs when
  only one of them has a redo breach it (see :mod:`apifuzz.engine.history`);
* two failures that end in the same call are one bug when all that tells
  their forms apart (the runs of statements outside their longest common
  subsequence) are generic steps, which calls of many methods can take the
  place of: one play, with other props (a second name made by a copy or a
  mkdir before a link overwrites it);
* two failures that raise alike (one exception, one frame, one line) from different
  methods are one bug when a state that one form makes on the way shows both, makes
  at least :data:`~apifuzz.engine.normalize.GENERIC` methods raise, holds what each
  needs (one's statements among the other's), and calls every method the other form
  needs in particular: one corruption, victims with setups of their own (see
  :meth:`Reducer.one_state <apifuzz.engine.normalize.Reducer.one_state>`);
* two exceptions alike that passed through the same :data:`HELPER_FRAMES` model frames
  below their API methods (crash deduplication by top frames, ClusterFuzz-style) are
  one bug when the methods one form needs in particular are among the other's: one
  faulty helper on one path, reached from two API methods;
* two failures alike from different methods are one bug when one faulty check let
  both failing calls through (:func:`~apifuzz.engine.decider.deciders`: the model
  predicate whose answer flips in the last call when a script next to the failing
  one has that call refused): an overlap test off by one that several edits ask;
* two failures are one bug when one form's play, run on the other form's state,
  fails as it does (see :meth:`RootCause._crossover`): a victim of a latent
  corruption whose own setup the other form lacks (a restore after a snapshot
  taken before the faulty copy), or has a step of its own that guards the
  corruption from the other's play;
* two failures that surface differently are two bugs, unless
  - a statement one form repeats, recast into another call at every copy,
    makes it fail the other way in a generic manner and reduce to the other
    form (an edit done, undone and done again, with other props), or
  - both fail after the same API method and one form's generic step (a
    trigger: many methods there keep a failure from that method), made a
    call of another method, reduces to the other form while keeping every
    statement after it (an edit after a restore that shares the snapshot:
    whichever edit it is, the next restore fails), and drops no statement
    before it that the first failure needs whichever edit is there, or
  - both do the same statements before they part, then at most a trigger
    or two, and that state breaks both of their methods and makes at least
    :data:`~apifuzz.engine.normalize.GENERIC` methods raise: one corrupted
    state, many places where it shows (a call after which the invariants
    fail broke the state itself: it is no victim).  A trigger is one more
    statement when both fail alike (same assertion, same frame), else up to
    two statements that many methods can stand in for (any edit frees what
    a stale reference points to), and only when neither failure shows
    without it.

Whatever rule found two failures one bug, one whose minimized script still fails at
its end without the calls of a method the other form needs in particular has a cause
of its own, and they stay apart (see :meth:`RootCause._own_cause`).  The other way
round, a failure whose minimized script, without the calls of a method its own form
needs in particular, reduces to another bug's form is that bug's (a script that
needs two bugs, see :meth:`RootCause._rests_on`).

When unsure it keeps failures apart: a merge must never hide a bug.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.calls import Calls, Script, statements
from apifuzz.engine.decider import deciders, judge_tracer
from apifuzz.engine.history import History
from apifuzz.engine.judge import Judge
from apifuzz.engine.normalize import BUDGET, GENERIC, Form, Reducer, judge_runner
from apifuzz.engine.triage import Signature
from apifuzz.language import Language, LoadedTarget

#: Statements a form may add to the state two failures share, its last one included.
STEPS = 2

#: The same when every added statement is a generic trigger of the failure.
TRIGGERS = 3

#: Model frames below the API method that two exceptions must share to be one helper's.
HELPER_FRAMES = 3


@dataclass(frozen=True)
class Case:
    """One failure to triage: its signature and its minimized script."""

    signature: Signature
    script: str


@dataclass(frozen=True)
class Decision:
    """Whether two failures are one bug, and why, in one short line."""

    same: bool
    reason: str


class RootCause:
    """Decides whether two failures of one target are the same bug; built once per command.

    Scripts are replayed in-process as the fuzz worker ran them (``undo_redo``,
    ``timeout``, ``packages`` for the signatures; ``lock``: the aliases the
    scripts were written with, else the target's corpus lock).  Normal forms
    are cached per script, so comparing a new failure with many known bugs
    reduces it once.  ``budget`` bounds the replays of one reduction.
    """

    def __init__(
        self,
        loaded: LoadedTarget,
        *,
        undo_redo: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        packages: Iterable[str] = (),
        lock: Path | None = None,
        budget: int = BUDGET,
    ) -> None:
        language = (
            Language.for_target(loaded.target, lock) if lock is not None else loaded.language()
        )
        packages = tuple(packages) or tuple(loaded.packages())
        judge = Judge(language, packages, timeout=timeout, undo_redo=undo_redo)
        self.calls = Calls(language)
        self.reducer = Reducer(self.calls, judge_runner(judge), budget)
        self._trace = judge_tracer(judge, (m.name for m in language.methods))
        self.history = History.of(judge, self.calls)
        self._checks: dict[Script, frozenset[str]] = {}
        self._victims: dict[Script, bool] = {}
        self._forms: dict[str, Form | None] = {}
        self._recasts: dict[Script, list[Script]] = {}
        self._retriggers: dict[tuple[Script, int], list[Script]] = {}
        self._essentials: dict[tuple[Script, int, int], bool] = {}
        self._blocks: dict[tuple[Script, int, int, bool], set[str]] = {}
        self._own_causes: dict[tuple[Script, Script], str | None] = {}

    @property
    def replays(self) -> int:
        """How many scripts were replayed so far."""
        return self.reducer.replays

    def form(self, case: Case) -> Form | None:
        """The normal form of a case's script (None: it does not fail at its last statement)."""
        return self._reduced(case.script)

    def _reduced(self, script: str) -> Form | None:
        if script not in self._forms:
            self._forms[script] = self.reducer.reduce(script)
        return self._forms[script]

    def same_bug(self, known: Case, new: Case) -> Decision:
        """Whether ``new`` is a variant of the bug ``known`` shows."""
        if "timeout" in (known.signature.kind, new.signature.kind):
            same = known.signature == new.signature
            return Decision(same, "same hang" if same else "a hang is only itself")
        if "signal" in (known.signature.kind, new.signature.kind):
            # Its script kills the process: never replayed here, so only its signature speaks.
            same = known.signature == new.signature
            return Decision(same, "same fatal signal" if same else "a fatal signal is only itself")
        one, two = self.form(known), self.form(new)
        if one is None or two is None:
            # Not replayable as recorded: only an equal signature says anything.
            same = known.signature == new.signature
            return Decision(same, "same signature, not replayable" if same else "not replayable")
        scripts = statements(known.script), statements(new.script)
        if self.history is not None:
            # The scripts as minimized, not their normal forms: with other bugs in play a
            # reduction can trade the stale redo for another way to fail the same call.
            kept = self.history.same_bug(*scripts)
            if kept:
                return Decision(True, kept)
            if self.history.apart(*scripts):
                pair = f"{one.text()} | {two.text()}"
                return Decision(False, f"only one breaks the linear undo history: {pair}")
        decided = self._by_forms(known, new, one, two)
        if not decided.same:
            for script, own, other in ((scripts[1], two, one), (scripts[0], one, two)):
                name = self._rests_on(script, own, other)
                if name is not None:
                    return Decision(True, f"rests on the other without {name}: {other.text()}")
            return decided
        for script, other in ((scripts[0], two), (scripts[1], one)):
            without = self._own_cause(script, other)
            if without is not None:
                return Decision(False, f"a cause of its own: fails without {without}")
        return decided

    def _own_cause(self, script: Script, other: Form) -> str | None:
        """The method ``other`` needs in particular that ``script`` (as minimized) fails
        at its end without (see :meth:`_without`), or None.  With several bugs in play a
        script can fail through another bug alone and still hold this one's faulty call,
        which the other's corrupted state and normal form then claim: a rename onto a
        copy's name and then onto itself fails as the uncounted copy's victims do, and
        its reduction, dropping the first rename, becomes the copy's play.  Without the
        copy it fails all the same."""
        key = (script, other.statements)
        if key not in self._own_causes:
            self._own_causes[key] = None
            for name in sorted(self._culprits(other)):
                kept = self._without(script, name)
                if kept is not None and self.reducer.fails_at_end(kept):
                    self._own_causes[key] = name
                    break
        return self._own_causes[key]

    def _rests_on(self, script: Script, own: Form, other: Form) -> str | None:
        """The method ``own`` (``script``'s normal form) needs in particular without
        whose calls ``script`` reduces to ``other`` (see :meth:`_without`), or None.  A
        script that holds two bugs' plays reduces to one of them; without that one's
        particular calls it still fails, through the other: a file copied (uncounted),
        the copy truncated, the file renamed onto itself, reduces to the copy's play,
        and without the copy it is the rename onto itself."""
        for name in sorted(self._culprits(own)):
            kept = self._without(script, name)
            if kept is None or not self.reducer.fails_at_end(kept):
                continue
            form = self._reduced("\n".join(kept))
            if form is not None and form.statements == other.statements:
                return name
        return None

    def _without(self, script: Script, name: str) -> Script | None:
        """``script`` without its calls of ``name`` before the last statement, and
        without the later calls that name an object no call up to the first of them
        named (what those calls made); None when it has no such call."""
        method, refs = self.calls.method, self.calls.refs
        dropped = {i for i, line in enumerate(script[:-1]) if method(line) == name}
        if not dropped:
            return None
        first = min(dropped)
        named = set().union(*map(refs, script[: first + 1]))
        kept = tuple(
            line
            for i, line in enumerate(script[:-1])
            if i not in dropped and (i < first or refs(line) <= named)
        )
        return (*kept, script[-1])

    def _by_forms(self, known: Case, new: Case, one: Form, two: Form) -> Decision:
        """What the normal forms say (see :meth:`same_bug`)."""
        pair = f"{one.text()} | {two.text()}"
        if one.surface != two.surface:
            if one.surface.method == two.surface.method and self._generic_apart(one, two):
                return Decision(True, f"same call, apart only in generic steps: {pair}")
            if two.statements in self._recast(one) or one.statements in self._recast(two):
                return Decision(True, f"a repeated statement replaced: {one.text()} | {two.text()}")
            if one.surface.method == two.surface.method and self._retriggered(one, two):
                return Decision(True, f"one play, another generic trigger: {pair}")
            return self._across(one, two)
        if known.signature == new.signature:
            return Decision(True, f"same signature, {one.surface.describe()}")
        if one.statements == two.statements:
            return Decision(True, f"both reduce to: {one.text()}")
        if self.reducer.meets(one, two) or self.reducer.meets(two, one):
            return Decision(True, f"one reduces to the other: {one.text()} | {two.text()}")
        if self._generic_apart(one, two):
            return Decision(True, f"apart only in generic steps: {pair}")
        helper = shared_helper(one.stack, two.stack) if one.signature == two.signature else ()
        if helper and self._nested(one, two):
            return Decision(True, f"one faulty helper: {' < '.join(helper)}")
        carried = self._crossover(one, two)
        if carried:
            return Decision(True, f"one corrupted state carries both: {carried}")
        return Decision(False, f"different normal forms: {pair}")

    def _retriggered(self, one: Form, two: Form) -> bool:
        """Whether one form, its statement at a generic slot (loosely: any failure from
        the same API method) replaced by another method's call, reduces to the other:
        an edit after a restore that shares the snapshot corrupts it, whichever edit.
        Not when the other form drops a statement of this one's own that its failure
        needs whichever call takes the slot (see :meth:`Reducer.essential`)."""
        for x, y in ((one, two), (two, one)):
            for slot in range(len(x.statements) - 1):
                if len(self._run_methods(x, (slot, slot + 1))) < GENERIC:
                    continue
                key = (x.statements, slot)
                if key not in self._retriggers:
                    self._retriggers[key] = self.reducer.retrigger(x, slot)
                if y.statements not in self._retriggers[key]:
                    continue
                # The other form may drop what served the old trigger only (an object made
                # for the call in the slot), never a statement this form's failure needs
                # whatever call is there: else the slot was a trigger of another bug's play
                # that this form holds too, after its own faulty call.
                if not any(self._essential(x, slot, k) for k in self._dropped(x, y, slot)):
                    return True
        return False

    def _dropped(self, x: Form, y: Form, slot: int) -> list[int]:
        """The slots of ``x``'s own statements before ``slot`` that ``y`` has no call of
        the same method left for (counted: two calls of a method, one kept, one dropped)."""
        left = Counter(self.calls.method(line) for line in y.statements)
        dropped = []
        for k in (k for k in self._culprit_slots(x) if k < slot):
            name = self.calls.method(x.statements[k])
            if left[name] > 0:
                left[name] -= 1
            else:
                dropped.append(k)
        return dropped

    def _essential(self, form: Form, slot: int, k: int) -> bool:
        key = (form.statements, slot, k)
        if key not in self._essentials:
            self._essentials[key] = self.reducer.essential(form, slot, k)
        return self._essentials[key]

    def _recast(self, form: Form) -> list[Script]:
        if form.statements not in self._recasts:
            self._recasts[form.statements] = self.reducer.recast(form)
        return self._recasts[form.statements]

    def _across(self, one: Form, two: Form) -> Decision:
        """Failures that surfaced differently: one bug only when one corrupted state breaks
        many methods (not a shared setup that two bugs happen to start from), or when
        one faulty helper raises alike under both API methods.

        Failures alike are tried first: a state one form makes that shows both
        (:meth:`Reducer.one_state`), then the model frames both exceptions passed
        through (:func:`shared_helper`).  Otherwise the state is what both forms do
        before they part, plus the triggers one of them
        does next (see :meth:`_tail_fits`).  It must break both methods and make at least
        :data:`~apifuzz.engine.normalize.GENERIC` methods raise: several bugs that a
        shared setup exposes each break the state with their own call, and the
        invariants after that call say so."""
        what = f"{one.surface.describe()} vs {two.surface.describe()}"
        alike = replace(one.signature, method="") == replace(two.signature, method="")
        # Only for failures alike: with several bugs in play, one statement can make two
        # corruptions (an edit after an undo that also cuts), and a state then shows both.
        found = self.reducer.one_state(one, two, self._culprits) if alike else None
        if found is not None:
            state, raising = found
            names = ", ".join(sorted(raising))
            return Decision(
                True, f"one corrupted state ({' ; '.join(state)}) makes both and {names} fail"
            )
        helper = shared_helper(one.stack, two.stack) if alike else ()
        if helper and self._nested(one, two):
            return Decision(True, f"one faulty helper: {' < '.join(helper)}")
        checks = self._decided(one) & self._decided(two) if alike else frozenset()
        if checks:
            return Decision(True, f"one faulty check lets both calls through: {min(checks)}")
        carried = self._crossover(one, two)
        if carried:
            return Decision(True, f"one corrupted state carries both: {carried}")
        a, b = one.statements[:-1], two.statements[:-1]
        shared = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        if not shared:
            return Decision(False, f"different API methods: {what}")
        if not all(self._tail_fits(form, shared, alike) for form in (one, two)):
            return Decision(False, f"different API methods: {what} after a shared setup")
        lasts = (one.statements[-1], two.statements[-1])
        both = {one.surface.method, two.surface.method}
        # Triggers count only where both failures need them: a call that fails right
        # after the shared setup shows a bug of its own, whatever a trigger breaks later.
        needed = alike or not any(self.reducer.fails_at_end((*a[:shared], x)) for x in lasts)
        for extra in dict.fromkeys(((), a[shared:], b[shared:])):
            if extra and not needed:
                continue
            state = (*a[:shared], *extra)
            if not both <= self.reducer.failing_methods(state, lasts):
                continue
            # Victims raise: calls after which the invariants fail each broke the state
            # themselves, as independent bugs exposed by one setup do.
            raising = self.reducer.failing_methods(state, lasts, raising=True)
            if len(raising) >= GENERIC:
                names = ", ".join(sorted(raising))
                return Decision(
                    True, f"one corrupted state makes {len(raising)} methods raise: {names}"
                )
        return Decision(False, f"different API methods: {what} after a shared setup")

    def _victim(self, script: Script) -> bool:
        """Whether at least :data:`~apifuzz.engine.normalize.GENERIC` methods fail when
        called right after the state before ``script``'s last call (they raise, or the
        invariants fail after them): a corrupted state with many victims, not a call with a
        bug of its own.  An invariant failure counts: a usage count one short makes a
        second removal raise, and lets a source be deleted under a clip (cached)."""
        if script not in self._victims:
            failing = self.reducer.failing_methods(script[:-1], script[-1:])
            self._victims[script] = len(failing) >= GENERIC
        return self._victims[script]

    def _decided(self, form: Form) -> frozenset[str]:
        """The model predicates that decided the failing call of ``form`` (cached)."""
        if form.statements not in self._checks:
            self._checks[form.statements] = deciders(form.statements, self.calls, self._trace)
        return self._checks[form.statements]

    def _nested(self, one: Form, two: Form) -> bool:
        """Whether the methods one form needs in particular are among the other's."""
        first, second = self._culprits(one), self._culprits(two)
        return first <= second or second <= first

    def _culprits(self, form: Form) -> set[str]:
        """The methods ``form`` needs in particular: those of its statements before the last
        that fewer than :data:`~apifuzz.engine.normalize.GENERIC` methods can stand in for."""
        names = (self.calls.method(form.statements[i]) for i in self._culprit_slots(form))
        return {name for name in names if name}

    def _culprit_slots(self, form: Form) -> list[int]:
        """Where the statements of :meth:`_culprits` stand in ``form``."""
        return [i for i in range(len(form.statements) - 1) if not self._generic(form, i)]

    def _crossover(self, one: Form, two: Form) -> str | None:
        """The play one form makes after its own particular statements, shown on the
        state the other form's particular statements make, when that proves one bug.

        A form is its particular statements (see :meth:`_culprits`: the corruption and
        what it needs), then generic steps and its last call (the play that trips over
        the corruption: an edit that frees what a stale reference points to, then any
        call that reads it).  Form Y's failure must be a victim's (see :meth:`_victim`).
        When Y's play, run right after a prefix of form X that holds X's statements made
        by the methods Y needs in particular (maybe without one earlier statement of X's
        own: a snapshot that holds a reference guards what the faulty copy shared),
        fails as Y does, needs each of those
        statements, and leaves a state that many methods fail on, X's state holds the
        corruption Y trips over.  The statements it needs must play the same part in
        both forms (the same methods can stand in for them: a copy that only makes a
        second name, which a mkdir can make too, is not the copy that corrupts).  Two
        bugs whose forms share only a setup stay apart, since Y's play then needs Y's
        own faulty call, which is among Y's particular statements, not in its play."""
        method = self.calls.method
        for x, y in ((one, two), (two, one)):
            if y.surface.kind != "exception" or not self._victim(y.statements):
                continue
            xs, ys = self._culprit_slots(x), self._culprit_slots(y)
            if not xs or not ys:
                continue
            parts = {method(y.statements[k]): self._stand_ins(y, k) for k in ys}
            slots = frozenset(k for k in xs if method(x.statements[k]) in parts)
            if {method(x.statements[k]) for k in slots} != set(parts):
                continue
            if any(self._stand_ins(x, k) != parts[method(x.statements[k])] for k in slots):
                continue
            tail = y.statements[max(ys) + 1 :]
            # X's state may stop before X's own later steps (a remove that takes away
            # what Y's play would touch), never before a statement Y's play needs.
            for end in range(max(slots) + 1, max(xs) + 2):
                for state, kept in self._states(x.statements[:end], xs, slots):
                    if not self._victim((*state, *tail)):
                        continue
                    if self.reducer.carries(state, tail, y.signature, kept):
                        return f"{' ; '.join(tail)} after {' ; '.join(state)} fails the same way"
        return None

    def _states(
        self, prefix: Script, xs: list[int], slots: frozenset[int]
    ) -> Iterator[tuple[Script, frozenset[int]]]:
        """``prefix``, then ``prefix`` without one of its own particular statements that
        come before the last of ``slots`` (plainly, or with later ids shifted down); each
        with where ``slots`` stand in it.  X's own earlier step can guard what Y's play
        trips over (a snapshot that holds a reference the faulty copy did not count)."""
        yield prefix, slots
        for k in (k for k in xs if k < max(slots) and k not in slots):
            rest = prefix[:k] + prefix[k + 1 :]
            kept = frozenset(i - (i > k) for i in slots)
            for state in dict.fromkeys((rest, *self.calls.shifted(rest, k))):
                yield state, kept

    def _tail_fits(self, form: Form, shared: int, alike: bool) -> bool:
        """Whether what ``form`` does after the shared state, before its last call, may
        belong to one corruption's play: nothing; one statement when both fail alike (the
        same assertion, in the same frame: one corruption can take a second call to
        show, as a clip deleted twice); or fewer than :data:`TRIGGERS` statements that
        are each generic (see :meth:`Reducer.block_methods`): triggers that many edits can
        stand in for.  A bug's own faulty call is neither, so a shared setup followed by
        two bugs' own calls stays two bugs."""
        tail = range(shared, len(form.statements) - 1)
        if not tail or (alike and len(tail) < STEPS):
            return True
        return len(tail) < TRIGGERS and all(self._generic(form, slot) for slot in tail)

    def _generic_apart(self, one: Form, two: Form) -> bool:
        """Whether two forms that end in the same call differ only in generic steps.

        Their longest common subsequence anchors them; between two anchors each form
        does a run of its own (maybe none).  Every such pair of runs must be a step that
        calls of many methods can take the place of: together, the methods that can
        stand in for either run (see :meth:`Reducer.block_methods`) number at least
        :data:`~apifuzz.engine.normalize.GENERIC`.  What is left is the same play with
        other props: an edit undone, any other edit, then a redo that trips over the
        stale entry.  A bug's own faulty call is no generic step, so two bugs that a
        shared play exposes (two redo handlers, each with its own mistake) stay apart."""
        if one.statements[-1] != two.statements[-1]:
            return False
        a, b = one.statements[:-1], two.statements[:-1]
        anchors = [(-1, -1), *common_subsequence(a, b), (len(a), len(b))]
        for (i, j), (k, m) in pairwise(anchors):
            runs = ((one, (i + 1, k)), (two, (j + 1, m)))
            if all(start == end for _, (start, end) in runs):
                continue
            methods: set[str] = set()
            for form, (start, end) in runs:
                if start < end:
                    methods |= self._run_methods(form, (start, end))
            if len(methods) < GENERIC:
                return False
        return True

    def _generic(self, form: Form, slot: int) -> bool:
        key = (form.statements, slot, slot + 1, False)
        if key not in self._blocks:
            self._blocks[key] = self.reducer.block_methods(
                form.statements, slot, slot + 1, form.surface
            )
        return len(self._blocks[key]) >= GENERIC

    def _stand_ins(self, form: Form, slot: int) -> set[str]:
        """The methods whose calls can take the place of ``form``'s statement at ``slot``."""
        self._generic(form, slot)
        return self._blocks[(form.statements, slot, slot + 1, False)]

    def _run_methods(self, form: Form, run: tuple[int, int]) -> set[str]:
        key = (form.statements, *run, True)
        if key not in self._blocks:
            self._blocks[key] = self.reducer.block_methods(
                form.statements, *run, form.surface, loose=True
            )
        return self._blocks[key]


def shared_helper(one: tuple[str, ...], two: tuple[str, ...]) -> tuple[str, ...]:
    """The model frames two exceptions share, innermost first, below the API methods they
    escaped from, when there are at least :data:`HELPER_FRAMES`; else none.  A helper
    that fails alike when reached from two API methods along one path is one bug (crash
    deduplication by top frames, below the API method); one or two frames are a helper
    that many paths call, with many ways to call it wrong (a command runner, say)."""
    shared: list[str] = []
    for a, b in zip(reversed(one[1:]), reversed(two[1:]), strict=False):
        if a != b:
            break
        shared.append(a)
    return tuple(shared) if len(shared) >= HELPER_FRAMES else ()


def common_subsequence(a: Script, b: Script) -> list[tuple[int, int]]:
    """The index pairs of a longest common subsequence of ``a`` and ``b`` (the earliest
    one in ``a`` on ties, so that equal inputs give equal answers)."""
    longest = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            longest[i][j] = (
                longest[i + 1][j + 1] + 1
                if a[i] == b[j]
                else max(longest[i + 1][j], longest[i][j + 1])
            )
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif longest[i + 1][j] >= longest[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def runs_outside(length: int, taken: list[int]) -> list[tuple[int, int]]:
    """The maximal runs ``(start, end)`` of ``range(length)`` that miss ``taken``."""
    runs: list[tuple[int, int]] = []
    start = 0
    for index in [*taken, length]:
        if index > start:
            runs.append((start, index))
        start = index + 1
    return runs
