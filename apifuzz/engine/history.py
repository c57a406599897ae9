"""Linear undo history as a root cause: an undo takes back the last edit, and after an
edit a redo has nothing left to do.

A model whose target declares ``undo``, ``redo`` and ``state`` keeps a linear
history: an edit made after an undo drops the undone commands, so a redo
right after it must change nothing.  A model that keeps them replays, on a
state they were not made for, whatever was undone: each edit in between
makes it fail elsewhere (a track deleted twice, a clip placed on a track
that is gone), under as many signatures as there are pairs of edits.

:class:`History` replays a failing script with a hook that snapshots the
state around every call and finds its *breach*, of one of three kinds:

* ``redo``: a redo acts (changes the state, raises what the model does not
  refuse with, or stacks a command: an undo right after it then ends
  elsewhere than an undo in its place) after an edit that an undo right
  after it takes back, with no undo left for it to take back.  Each undo
  since the edit leaves one redo something to do (an undo that had nothing
  to undo too, which can only hide a breach).  A call that changes the
  state but is not taken back by an undo (a selection) is no edit of the
  history: a redo after it is the model's right.
* ``undo``: an undo fails right after a call that changed the state and that
  an undo does not take back: the edit was not recorded, and the undo took
  back the one before it, on a state it was not made for.
* ``unrecorded``: a redo fails right after such a call, with no breach of the
  first kind: it did the command undone before it on a state it was not made
  for.  If that call is an edit the history should have recorded, that is
  the edit's bug; if it is a selection, the redo's own.  One script cannot
  tell the two apart, so such a failure joins an ``undo`` breach after the
  same method (which shows that method to be an unrecorded edit), and
  nothing else.

Two failures are one bug when both breach alike and the same edit method
came before the redo or undo, or, for redos, when the history is kept by
code many edits share: at least :data:`~apifuzz.engine.normalize.GENERIC`
methods breach in both when put in place of the edit, or that many in one,
the other's edit among them.  A model where only some methods forget to
drop it has that many bugs, and their failures stay apart.  And a failure
whose redo breaches the history is never one bug with a failure that does
not: a redo that does its job wrong on the state it was made for (it keeps
a selection) is another bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from apifuzz.engine.calls import Calls, Script
from apifuzz.engine.judge import Judge
from apifuzz.engine.normalize import GENERIC
from apifuzz.interpreter.runner import Position, model_function


@dataclass(frozen=True)
class Call:
    """One statement's call as the hook saw it: where, what, and the state around it."""

    index: int  # the statement's index in the script
    method: str
    before: object
    after: object
    error: BaseException | None

    def changed(self) -> bool:
        """Whether the call left another state than it found."""
        return not same_state(self.before, self.after)


def same_state(one: object, two: object) -> bool:
    """Whether two states the model's ``state`` method returned are equal; states that
    cannot be compared (an array's ``==`` answers element by element) are not."""
    try:
        return bool(one == two)
    except Exception:
        return False


class _Unreadable:
    """The state of a model whose ``state`` method raised: equal to nothing."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)


class _Recorder:
    """A :class:`~apifuzz.interpreter.runner.CallHook` that snapshots the state around
    every call of a run."""

    def __init__(self, position: Position, state: Any) -> None:
        self.position = position
        self.state = state
        self.calls: list[Call] = []
        self._start: tuple[int, str, object] | None = None

    def snapshot(self, model: Any) -> object:
        try:
            return self.state(model)
        except Exception:  # a corrupted model may not even show its state
            return _Unreadable()

    def before(
        self, model: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self._start = (self.position.index, method, self.snapshot(model))

    def after(self, model: Any, value: Any, error: BaseException | None) -> None:
        assert self._start is not None
        index, method, before = self._start
        self.calls.append(Call(index, method, before, self.snapshot(model), error))
        self._start = None


@dataclass(frozen=True)
class Breach:
    """Where a script breaks the linear history (statement indices): the edit, and the
    redo that acted after it (kind ``redo``), or the undo that failed right after an
    edit an undo could not take back (kind ``undo``), or a redo that failed right after
    such a call without acting against the history (kind ``unrecorded``)."""

    edit: int
    at: int
    kind: Literal["redo", "undo", "unrecorded"] = "redo"


class History:
    """Finds the breaches of linear history in failing scripts (see the module docstring);
    built by :meth:`of` for targets that declare undo, redo and state."""

    def __init__(self, judge: Judge, calls: Calls, undo: str, redo: str, state: str) -> None:
        self.judge = judge
        self.calls = calls
        self.undo, self.redo = undo, redo
        self._state = model_function(judge.language.target, state)
        self._expected = judge.language.target.expected
        self._breaches: dict[Script, Breach | None] = {}
        self._breaking_methods: dict[Script, frozenset[str]] = {}
        self._undoables: dict[Script, bool] = {}
        self._undone: dict[Script, object] = {}

    @classmethod
    def of(cls, judge: Judge, calls: Calls) -> History | None:
        """The history of ``judge``'s target, or None when it does not declare one."""
        target = judge.language.target
        if target.undo is None or target.redo is None or target.state is None:
            return None
        return cls(judge, calls, target.undo, target.redo, target.state)

    def same_bug(self, one: Script, two: Script) -> str | None:
        """Why two failing scripts are one bug of the history, or None when that is not
        shown (see the module docstring)."""
        first, second = self.breach(one), self.breach(two)
        if first is None or second is None:
            return None
        method = self.calls.method
        edits = method(one[first.edit]), method(two[second.edit])
        kinds = {first.kind, second.kind}
        if "redo" not in kinds:
            # An undo that fails right after the edit proves it unrecorded; a redo that
            # fails there joins it, never another redo alone (it may keep a selection).
            if "undo" in kinds and edits[0] == edits[1]:
                return f"an undo or redo fails right after a {edits[0]} an undo cannot take back"
            return None
        if first.kind != second.kind:
            return None
        if edits[0] == edits[1]:
            return f"a redo acts after an undoable {edits[0]} in both: the history kept it"
        breaking = self._breaking(one, first), self._breaking(two, second)
        both = breaking[0] & breaking[1]
        if len(both) >= GENERIC or any(
            other in methods and len(methods) >= GENERIC
            for methods, other in zip(breaking, reversed(edits), strict=True)
        ):
            shown = ", ".join(sorted(both or breaking[0] | breaking[1]))
            return (
                f"a redo acts after an undoable {edits[0]} and after an undoable {edits[1]}, "
                f"as after {shown}: the history kept it"
            )
        return None

    def apart(self, one: Script, two: Script) -> bool:
        """Whether one script has a redo breach and the other has none: a kept history
        shows only through a redo that acts after an edit, so the other failure has
        another cause (a redo that does its job wrong on a state it was made for)."""
        kinds = [None if b is None else b.kind for b in (self.breach(one), self.breach(two))]
        return (kinds[0] == "redo") != (kinds[1] == "redo")

    def breach(self, script: Script) -> Breach | None:
        """The first breach of the history in ``script``, of either kind (cached)."""
        if script not in self._breaches:
            self._breaches[script] = self._find(script)
        return self._breaches[script]

    def _record(self, script: Script) -> list[Call]:
        return self._run(script)[0]

    def _run(self, script: Script) -> tuple[list[Call], int | None]:
        """The calls of one run of ``script``, and the index of the statement its bug
        came at (None: no bug)."""
        recorder = _Recorder(self.judge.interpreter.position, self._state)
        interpreter = self.judge.interpreter
        previous, interpreter.hook = interpreter.hook, recorder
        try:
            bug = self.judge.run("\n".join(script)).bug
        finally:
            interpreter.hook = previous
        return recorder.calls, None if bug is None else bug.line - 1

    def _acted(self, call: Call) -> bool:
        if call.error is not None:
            return not isinstance(call.error, self._expected)
        return call.changed()

    def _undo_line(self, script: Script) -> str:
        """The script's own undo statement (``_find`` only looks at scripts that have one)."""
        return next(line for line in script if self.calls.method(line) == self.undo)

    def _acted_unseen(self, script: Script, redo: Call) -> bool:
        """Whether a redo that left the state as it was still did something: it stacked a
        command (an edit redone on a state that already looks done), so an undo right
        after it ends elsewhere than an undo in its place."""
        undo = self._undo_line(script)
        after = (*script[: redo.index + 1], undo)
        instead = (*script[: redo.index], undo)
        return not same_state(self._after_undo(after), self._after_undo(instead))

    def _after_undo(self, probe: Script) -> object:
        """Where a probe that ends in an undo ends: the state, or the undo's error type,
        or None when the run stopped before the undo (cached)."""
        if probe not in self._undone:
            calls = self._record(probe)
            last = calls[-1] if calls else None
            end: object = None
            if last is not None and last.index == len(probe) - 1:
                end = last.after if last.error is None else type(last.error).__name__
            self._undone[probe] = end
        return self._undone[probe]

    def _find(self, script: Script) -> Breach | None:
        methods = {self.calls.method(line) for line in script}
        if self.undo not in methods:
            return None  # without an undo, nothing was there to redo, nor a failed undo
        depth = 0  # what the redos may still take back: the undos since the last edit
        edit: Call | None = None
        calls, failed = self._run(script)
        for k, call in enumerate(calls):
            if call.method == self.undo:
                if call.index == failed and k and self._unrecorded(script, calls[k - 1]):
                    return Breach(calls[k - 1].index, call.index, "undo")
                depth += call.error is None
            elif call.method == self.redo:
                if depth:
                    depth -= self._acted(call)
                elif edit is not None and (
                    self._acted(call) or (call.error is None and self._acted_unseen(script, call))
                ):
                    return Breach(edit.index, call.index)
                if call.index == failed and k and self._unrecorded(script, calls[k - 1]):
                    # A redo the model had the right to do, on a state a call the history
                    # never saw changed: that call's bug if it is an edit, or the redo's
                    # own if the call was a selection (see same_bug).
                    return Breach(calls[k - 1].index, call.index, "unrecorded")
            elif call.error is None and call.changed() and self._undoable(script, call):
                depth, edit = 0, call
        return None

    def _unrecorded(self, script: Script, call: Call) -> bool:
        """Whether ``call`` changed the state without being recorded: an undo right after
        it does not take it back."""
        if call.method in (self.undo, self.redo) or call.error is not None:
            return False
        return call.changed() and not self._undoable(script, call)

    def _undoable(self, script: Script, edit: Call) -> bool:
        """Whether an undo right after ``edit`` gives back the state before it (cached per
        prefix: the scripts one slot apart share their earlier edits)."""
        undo = self._undo_line(script)
        probe = (*script[: edit.index + 1], undo)
        if probe not in self._undoables:
            calls = self._record(probe)
            last = calls[-1] if calls else None
            self._undoables[probe] = (
                last is not None
                and last.method == self.undo
                and last.index == edit.index + 1
                and last.error is None
                and same_state(last.after, edit.before)
            )
        return self._undoables[probe]

    def _breaking(self, script: Script, breach: Breach) -> frozenset[str]:
        """The methods that breach the history at the same redo when a call of theirs takes
        the place of the edit (cached)."""
        if script not in self._breaking_methods:
            kept = script[: breach.at + 1]
            found = {self.calls.method(script[breach.edit])}
            for option in self.calls.replacements(script[breach.edit]):
                name = self.calls.method(option)
                if name in found or name in (self.undo, self.redo):
                    continue
                if self.breach((*kept[: breach.edit], option, *kept[breach.edit + 1 :])) == breach:
                    found.add(name)
            self._breaking_methods[script] = frozenset(n for n in found if n is not None)
        return self._breaking_methods[script]
