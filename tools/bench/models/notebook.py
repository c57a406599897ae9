"""A notebook with undo and redo, and seeded bugs in the state the history does not hold.

Notes are added, edited and deleted; those three are undoable.  Around them
lives state no undo records: the pinned notes, the note open in the editor,
and a cache of word counts filled when a count is asked for.  Whatever
destroys or changes a note must keep that state right, an undo and a redo
included.  Each seeded bug forgets it in one of the redo's paths, so it shows
only when the state is touched between an undo and the redo that follows it:
a note deleted, the deletion undone, the note pinned, the deletion redone.
The undo/redo lines the bug needs are all run by ordinary scripts too: no new
coverage on the way, and five related calls.

``APIFUZZ_NOTEBOOK_BUGS`` names the bugs to switch on (comma-separated, or
``all``); read when a :class:`Notebook` is made.  ``SCRIPTS`` holds the
shortest known script of each (tests/test_bench_models.py checks them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant

ENV_VAR = "APIFUZZ_NOTEBOOK_BUGS"

#: Each seeded bug and the shortest script that shows it (ids count from 1).
SCRIPTS: dict[str, str] = {
    # redoing the deletion of a pinned note leaves it pinned.
    "redo_keeps_pin": 'add_note "a"\ndelete_note 1\nundo\npin 1\nredo\n',
    # redoing the deletion of the open note leaves it open in the editor.
    "redo_keeps_open": 'add_note "a"\ndelete_note 1\nundo\nopen_note 1\nredo\n',
    # redoing an edit keeps the word count cached for the text before it.
    "redo_keeps_count": 'add_note "a b"\nedit 1 "c"\nundo\nword_count 1\nredo\n',
}
ALL_BUGS = tuple(SCRIPTS)


def enabled_bugs() -> frozenset[str]:
    """The bugs ``APIFUZZ_NOTEBOOK_BUGS`` switches on now."""
    names = {n.strip() for n in os.environ.get(ENV_VAR, "").split(",") if n.strip()}
    return frozenset(ALL_BUGS) if "all" in names else frozenset(names & set(ALL_BUGS))


class NotebookError(Exception):
    """A refused request: not a bug."""


@dataclass
class Step:
    """One undoable change: the note's text before and after (None: it did not exist)."""

    note: int
    before: str | None
    after: str | None


@dataclass
class History:
    done: list[Step] = field(default_factory=list)
    undone: list[Step] = field(default_factory=list)


NoteId = Annotated[int, Ref("note")]


class Notebook:
    """Notes with undo/redo; pins, the open note and word counts outside the history."""

    def __init__(self) -> None:
        self.bugs = enabled_bugs()
        self.notes: dict[int, str] = {}
        self.history = History()
        self.pinned: set[int] = set()
        self.opened: int | None = None
        self.counts: dict[int, int] = {}  # note -> its cached word count
        self.next_id = 1
        self._redoing = False

    @ids("note")
    def note_ids(self) -> list[int]:
        return list(self.notes)

    # -- the undoable changes ---------------------------------------------------------

    @api
    def add_note(self, text: str) -> int:
        note = self.next_id
        self.next_id += 1
        self._do(Step(note, None, text))
        return note

    @api
    def edit(self, note: NoteId, text: str) -> None:
        if self.notes[note] == text:
            raise NotebookError("the text is the same")
        self._do(Step(note, self.notes[note], text))

    @api
    def delete_note(self, note: NoteId) -> None:
        self._do(Step(note, self.notes[note], None))

    @api
    def undo(self) -> bool:
        if not self.history.done:
            return False
        step = self.history.done.pop()
        self._apply(step.note, step.before)
        self.history.undone.append(step)
        return True

    @api
    def redo(self) -> bool:
        if not self.history.undone:
            return False
        step = self.history.undone.pop()
        self._redoing = True
        try:
            self._apply(step.note, step.after)
        finally:
            self._redoing = False
        self.history.done.append(step)
        return True

    def _do(self, step: Step) -> None:
        self._apply(step.note, step.after)
        self.history.done.append(step)
        self.history.undone.clear()

    def _apply(self, note: int, text: str | None) -> None:
        """Set a note's text, or remove the note (None), and keep the state around it right."""
        if text is None:
            del self.notes[note]
            if not self._forgets("redo_keeps_pin"):
                self.pinned.discard(note)
            if self.opened == note and not self._forgets("redo_keeps_open"):
                self.opened = None
            self.counts.pop(note, None)
            return
        self.notes[note] = text
        if not self._forgets("redo_keeps_count"):
            self.counts.pop(note, None)

    def _forgets(self, bug: str) -> bool:
        """Whether the seeded ``bug`` makes this step forget the state it should keep right."""
        return self._redoing and bug in self.bugs

    # -- state outside the history ----------------------------------------------------

    @api
    def pin(self, note: NoteId) -> None:
        self.pinned.add(note)

    @api
    def unpin(self, note: NoteId) -> None:
        if note not in self.pinned:
            raise NotebookError(f"note {note} is not pinned")
        self.pinned.remove(note)

    @api
    def open_note(self, note: NoteId) -> None:
        self.opened = note

    @api
    def close_note(self) -> None:
        self.opened = None

    @api
    def word_count(self, note: NoteId) -> int:
        count = self.counts.get(note)
        if count is None:
            count = self.counts[note] = len(self.notes[note].split())
        return count

    @api(query=True)
    def text(self, note: NoteId) -> str:
        return self.notes[note]

    @invariant
    def consistent(self) -> None:
        gone = self.pinned - set(self.notes)
        assert not gone, f"deleted notes pinned: {gone}"
        assert self.opened is None or self.opened in self.notes, f"deleted note {self.opened} open"
        for note, count in self.counts.items():
            assert note in self.notes, f"a word count of deleted note {note}"
            words = len(self.notes[note].split())
            assert count == words, f"note {note}: {count} words cached, {words} in its text"


target = Target(Notebook, expected=(NotebookError,), undo="undo", redo="redo")
