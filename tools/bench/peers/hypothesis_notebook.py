"""A Hypothesis state machine over the benchmark notebook, written as a Hypothesis user would.

A bundle holds the notes the rules add; every other method is a rule on a
note from it (skipped when the note is gone), and the notebook's
``consistent`` check is the invariant.  ``python hypothesis_notebook.py --seed
S --budget B`` generates programs until the first failure or the budget and
prints one JSON line: ``found``, ``detected_at`` (time.time()), ``error``.
The bug to look for is switched on by ``APIFUZZ_NOTEBOOK_BUGS``, as for apifuzz.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hunt import Hunter, main
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, rule

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from notebook import Notebook, NotebookError

texts = st.text()


class NotebookMachine(Hunter):
    refused = NotebookError
    notes = Bundle("notes")

    def __init__(self) -> None:
        super().__init__()
        self.notebook = Notebook()

    def live(self, note: int) -> bool:
        return note in self.notebook.note_ids()

    @rule(target=notes, text=texts)
    def add_note(self, text):  # type: ignore[no-untyped-def]
        return self.made(self.call(self.notebook.add_note, text))

    @rule(note=notes, text=texts)
    def edit(self, note, text):  # type: ignore[no-untyped-def]
        if self.live(note):
            self.call(self.notebook.edit, note, text)

    @rule(note=notes)
    def delete_note(self, note):  # type: ignore[no-untyped-def]
        if self.live(note):
            self.call(self.notebook.delete_note, note)

    @rule()
    def undo(self):  # type: ignore[no-untyped-def]
        self.call(self.notebook.undo)

    @rule()
    def redo(self):  # type: ignore[no-untyped-def]
        self.call(self.notebook.redo)

    @rule(note=notes)
    def pin(self, note):  # type: ignore[no-untyped-def]
        if self.live(note):
            self.call(self.notebook.pin, note)

    @rule(note=notes)
    def unpin(self, note):  # type: ignore[no-untyped-def]
        if self.live(note):
            self.call(self.notebook.unpin, note)

    @rule(note=notes)
    def open_note(self, note):  # type: ignore[no-untyped-def]
        if self.live(note):
            self.call(self.notebook.open_note, note)

    @rule()
    def close_note(self):  # type: ignore[no-untyped-def]
        self.call(self.notebook.close_note)

    @rule(note=notes)
    def word_count(self, note):  # type: ignore[no-untyped-def]
        if self.live(note):
            self.call(self.notebook.word_count, note)

    @rule(note=notes)
    def text(self, note):  # type: ignore[no-untyped-def]
        if self.live(note):
            self.call(self.notebook.text, note)

    @invariant()
    def consistent(self):  # type: ignore[no-untyped-def]
        self.check(self.notebook.consistent)


if __name__ == "__main__":
    main(NotebookMachine)
