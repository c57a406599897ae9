"""A Hypothesis state machine over the benchmark notebook, written as a Hypothesis user would.

Bundles hold the folders (the first one from the start) and the notes the
rules add; every other method is a rule on a note or a folder from them
(skipped when it is gone), and the notebook's ``consistent`` check is the
invariant.  ``python hypothesis_notebook.py --seed
S --budget B`` generates programs until the first failure or the budget and
prints one JSON line: ``found``, ``detected_at`` (time.time()), ``error``.
The bug to look for is switched on by ``APIFUZZ_NOTEBOOK_BUGS``, as for apifuzz.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, initialize, invariant, multiple, rule
from model_machine import ModelMachine  # first: it puts the models and the hunt on the path

# isort: split
from hunt import main
from notebook import Notebook, NotebookError

texts = st.text()


class NotebookMachine(ModelMachine):
    refused = NotebookError
    notes = Bundle("notes")
    folders = Bundle("folders")

    def __init__(self) -> None:
        super().__init__()
        self.notebook = Notebook()

    def note(self, note: int) -> bool:
        return note in self.notebook.note_ids()

    def folder(self, folder: int) -> bool:
        return folder in self.notebook.folder_ids()

    @initialize(target=folders)
    def first_folder(self):  # type: ignore[no-untyped-def]
        return 1

    @rule(target=folders, name=texts)
    def new_folder(self, name):  # type: ignore[no-untyped-def]
        return self.made(self.call(self.notebook.new_folder, name))

    @rule(folder=folders, name=texts)
    def rename_folder(self, folder, name):  # type: ignore[no-untyped-def]
        if self.folder(folder):
            self.call(self.notebook.rename_folder, folder, name)

    @rule(folder=folders)
    def delete_folder(self, folder):  # type: ignore[no-untyped-def]
        if self.folder(folder):
            self.call(self.notebook.delete_folder, folder)

    @rule(target=notes, folder=folders, text=texts)
    def add_note(self, folder, text):  # type: ignore[no-untyped-def]
        if self.folder(folder):
            return self.made(self.call(self.notebook.add_note, folder, text))
        return multiple()

    @rule(note=notes, text=texts)
    def edit(self, note, text):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.edit, note, text)

    @rule(note=notes, text=texts)
    def append(self, note, text):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.append, note, text)

    @rule(note=notes, folder=folders)
    def move_note(self, note, folder):  # type: ignore[no-untyped-def]
        if self.note(note) and self.folder(folder):
            self.call(self.notebook.move_note, note, folder)

    @rule(note=notes, tag=texts)
    def tag(self, note, tag):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.tag, note, tag)

    @rule(note=notes, tag=texts)
    def untag(self, note, tag):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.untag, note, tag)

    @rule(note=notes)
    def delete_note(self, note):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.delete_note, note)

    @rule()
    def undo(self):  # type: ignore[no-untyped-def]
        self.call(self.notebook.undo)

    @rule()
    def redo(self):  # type: ignore[no-untyped-def]
        self.call(self.notebook.redo)

    @rule(note=notes)
    def pin(self, note):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.pin, note)

    @rule(note=notes)
    def unpin(self, note):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.unpin, note)

    @rule(note=notes)
    def open_note(self, note):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.open_note, note)

    @rule()
    def close_note(self):  # type: ignore[no-untyped-def]
        self.call(self.notebook.close_note)

    @rule(note=notes)
    def word_count(self, note):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.word_count, note)

    @rule(note=notes)
    def text(self, note):  # type: ignore[no-untyped-def]
        if self.note(note):
            self.call(self.notebook.text, note)

    @rule(folder=folders)
    def notes_in(self, folder):  # type: ignore[no-untyped-def]
        if self.folder(folder):
            self.call(self.notebook.notes_in, folder)

    @rule(tag=texts)
    def tagged(self, tag):  # type: ignore[no-untyped-def]
        self.call(self.notebook.tagged, tag)

    @invariant()
    def consistent(self):  # type: ignore[no-untyped-def]
        self.notebook.consistent()


if __name__ == "__main__":
    main(NotebookMachine)
