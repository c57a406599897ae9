"""A notebook with undo and redo, and seeded bugs in the state the history does not hold.

Notes live in folders; adding, editing, appending to, tagging, moving and
deleting a note are undoable, as are the folders' own changes.  Around them
lives state no undo records: the pinned notes, the note open in the editor,
and a cache of word counts filled when a count is asked for.  Whatever
destroys or changes a note must keep that state right, an undo and a redo
included.  Each seeded bug forgets it in one of the redo's paths, so it shows
only when the state is touched between an undo and the redo that follows it:
a note deleted, the deletion undone, the note pinned, the deletion redone.
The undo/redo lines the bug needs are all run by ordinary scripts too: no new
coverage on the way, and five related calls.

A new notebook holds folder 1; ids count on from 2.
``APIFUZZ_NOTEBOOK_BUGS`` names the bugs to switch on (comma-separated, or
``all``); read when a :class:`Notebook` is made.  ``SCRIPTS`` holds the
shortest known script of each (tests/test_bench_models.py checks them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

from apifuzz import Ref, Target, api, ids, invariant

ENV_VAR = "APIFUZZ_NOTEBOOK_BUGS"

#: Each seeded bug and the shortest script that shows it (ids count from 1).
SCRIPTS: dict[str, str] = {
    # redoing the deletion of a pinned note leaves it pinned.
    "redo_keeps_pin": 'add_note 1 "a"\ndelete_note 2\nundo\npin 2\nredo\n',
    # redoing the deletion of the open note leaves it open in the editor.
    "redo_keeps_open": 'add_note 1 "a"\ndelete_note 2\nundo\nopen_note 2\nredo\n',
    # redoing a change of a note's text keeps the word count cached for the text before it.
    "redo_keeps_count": 'add_note 1 "a b"\nedit 2 "c"\nundo\nword_count 2\nredo\n',
}
ALL_BUGS = tuple(SCRIPTS)


def enabled_bugs() -> frozenset[str]:
    """The bugs ``APIFUZZ_NOTEBOOK_BUGS`` switches on now."""
    names = {n.strip() for n in os.environ.get(ENV_VAR, "").split(",") if n.strip()}
    return frozenset(ALL_BUGS) if "all" in names else frozenset(names & set(ALL_BUGS))


class NotebookError(Exception):
    """A refused request: not a bug."""


@dataclass(frozen=True)
class Note:
    folder: int
    text: str
    tags: frozenset[str] = frozenset()


@dataclass
class Step:
    """One undoable change: a note's or a folder's state before and after (None: absent)."""

    kind: str  # "note" or "folder"
    key: int
    before: Note | str | None
    after: Note | str | None


@dataclass
class History:
    done: list[Step] = field(default_factory=list)
    undone: list[Step] = field(default_factory=list)


NoteId = Annotated[int, Ref("note")]
FolderId = Annotated[int, Ref("folder")]


class Notebook:
    """Folders and notes with undo/redo; pins, the open note and word counts outside it."""

    def __init__(self) -> None:
        self.bugs = enabled_bugs()
        self.folders: dict[int, str] = {1: "notes"}
        self.notes: dict[int, Note] = {}
        self.history = History()
        self.pinned: set[int] = set()
        self.opened: int | None = None
        self.counts: dict[int, int] = {}  # note -> its cached word count
        self.next_id = 2
        self._redoing = False

    @ids("note")
    def note_ids(self) -> list[int]:
        return list(self.notes)

    @ids("folder")
    def folder_ids(self) -> list[int]:
        return list(self.folders)

    # -- the undoable changes ---------------------------------------------------------

    @api
    def new_folder(self, name: str) -> int:
        if name in self.folders.values():
            raise NotebookError(f"a folder is named {name!r}")
        folder = self._new_id()
        self._do(Step("folder", folder, None, name))
        return folder

    @api
    def rename_folder(self, folder: FolderId, name: str) -> None:
        if name in self.folders.values():
            raise NotebookError(f"a folder is named {name!r}")
        self._do(Step("folder", folder, self.folders[folder], name))

    @api
    def delete_folder(self, folder: FolderId) -> None:
        if folder == 1 or any(n.folder == folder for n in self.notes.values()):
            raise NotebookError(f"folder {folder} is the first or holds notes")
        self._do(Step("folder", folder, self.folders[folder], None))

    @api
    def add_note(self, folder: FolderId, text: str) -> int:
        note = self._new_id()
        self._do(Step("note", note, None, Note(folder, text)))
        return note

    @api
    def edit(self, note: NoteId, text: str) -> None:
        self._change(note, text=text)

    @api
    def append(self, note: NoteId, text: str) -> None:
        self._change(note, text=self.notes[note].text + text)

    @api
    def move_note(self, note: NoteId, folder: FolderId) -> None:
        self._change(note, folder=folder)

    @api
    def tag(self, note: NoteId, tag: str) -> None:
        self._change(note, tags=self.notes[note].tags | {tag})

    @api
    def untag(self, note: NoteId, tag: str) -> None:
        self._change(note, tags=self.notes[note].tags - {tag})

    @api
    def delete_note(self, note: NoteId) -> None:
        self._do(Step("note", note, self.notes[note], None))

    @api
    def undo(self) -> bool:
        if not self.history.done:
            return False
        step = self.history.done.pop()
        self._apply(step.kind, step.key, step.before)
        self.history.undone.append(step)
        return True

    @api
    def redo(self) -> bool:
        if not self.history.undone:
            return False
        step = self.history.undone.pop()
        self._redoing = True
        try:
            self._apply(step.kind, step.key, step.after)
        finally:
            self._redoing = False
        self.history.done.append(step)
        return True

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _change(self, note: int, **changes: Any) -> None:
        before = self.notes[note]
        after = replace(before, **changes)
        if after == before:
            raise NotebookError(f"note {note} would not change")
        self._do(Step("note", note, before, after))

    def _do(self, step: Step) -> None:
        self._apply(step.kind, step.key, step.after)
        self.history.done.append(step)
        self.history.undone.clear()

    def _apply(self, kind: str, key: int, state: Note | str | None) -> None:
        """Set a folder's name or a note's state, or remove it (None), and keep the state
        around notes right."""
        if kind == "folder":
            if state is None:
                del self.folders[key]
            else:
                assert isinstance(state, str)
                self.folders[key] = state
            return
        if state is None:
            del self.notes[key]
            if not self._forgets("redo_keeps_pin"):
                self.pinned.discard(key)
            if self.opened == key and not self._forgets("redo_keeps_open"):
                self.opened = None
            self.counts.pop(key, None)
            return
        assert isinstance(state, Note)
        old = self.notes.get(key)
        self.notes[key] = state
        if old is None or (old.text != state.text and not self._forgets("redo_keeps_count")):
            self.counts.pop(key, None)

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
            count = self.counts[note] = len(self.notes[note].text.split())
        return count

    # -- queries ----------------------------------------------------------------------

    @api(query=True)
    def text(self, note: NoteId) -> str:
        return self.notes[note].text

    @api(query=True)
    def notes_in(self, folder: FolderId) -> list[int]:
        return sorted(n for n, note in self.notes.items() if note.folder == folder)

    @api(query=True)
    def tagged(self, tag: str) -> list[int]:
        return sorted(n for n, note in self.notes.items() if tag in note.tags)

    @invariant
    def consistent(self) -> None:
        for note, data in self.notes.items():
            assert data.folder in self.folders, f"note {note} in deleted folder {data.folder}"
        gone = self.pinned - set(self.notes)
        assert not gone, f"deleted notes pinned: {gone}"
        assert self.opened is None or self.opened in self.notes, f"deleted note {self.opened} open"
        for note, count in self.counts.items():
            assert note in self.notes, f"a word count of deleted note {note}"
            words = len(self.notes[note].text.split())
            assert count == words, f"note {note}: {count} words cached, {words} in its text"


target = Target(Notebook, expected=(NotebookError,), undo="undo", redo="redo")
