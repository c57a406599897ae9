"""Models for the tracing tests (a module of its own: the recorder skips classes of test modules)."""

from __future__ import annotations

import enum
import random
from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant


class Refused(Exception):
    pass


class Mood(enum.Enum):
    CALM = 1
    none = 2  # a member named like a keyword


NoteId = Annotated[int, Ref("note")]


class Notebook:
    def __init__(self, pages: int = 10, title: str = "n", extra: object = None) -> None:
        if pages < 0:
            raise Refused("pages")
        self.pages = pages
        self.notes: dict[int, object] = {}
        self.next = 1
        self.log: list[str] = []
        self.write("created")  # an @api call during construction: not traced

    @ids("note")
    def note_ids(self) -> list[int]:
        return sorted(self.notes)

    @api
    def write(self, text: str) -> int:
        self.notes[self.next] = text
        self.next += 1
        return self.next - 1

    @api
    def store(self, value: float, data: bytes = b"", mood: Mood = Mood.CALM, big: int = 0,
              tags: frozenset[str] = frozenset(), maybe: int | None = None,
              pair: tuple[int, str] = (0, ""), many: list[list[int]] = []) -> int:  # noqa: B006
        return self.write(repr((value, data, mood, big, sorted(tags), maybe, pair, many)))

    @api
    def erase(self, note: NoteId, *, quietly: bool = False) -> bool:
        if note not in self.notes:
            raise Refused(f"no note {note}")
        del self.notes[note]
        return not quietly

    @api
    def copy(self, note: NoteId) -> int:
        return self.write(str(self.notes[note]))  # a nested @api call: not traced

    @api
    def fail(self) -> None:
        self.write("about to fail")
        raise Refused("always")

    @invariant
    def fine(self) -> None:
        assert isinstance(self.notes, dict)


notebook = Target(Notebook, expected=(Refused,))


class Dice:
    """Ids drawn at random: a trace of it does not replay (the recorder must notice)."""

    def __init__(self) -> None:
        self.faces: dict[int, int] = {}

    @ids("die")
    def die_ids(self) -> list[int]:
        return sorted(self.faces)

    @api
    def roll(self) -> int:
        die = random.randrange(1, 10**9)
        self.faces[die] = 1
        return die

    @api
    def drop(self, die: Annotated[int, Ref("die")]) -> bool:
        return self.faces.pop(die) == 1


dice = Target(Dice)
