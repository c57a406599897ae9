"""Small models with seeded bugs for root-cause triage (tests/engine/test_rootcause.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant


class Refused(Exception):
    pass


class Disk:
    """One folder with a quota; two bugs break the same assertion through two methods."""

    def __init__(self) -> None:
        self.quota = 10
        self.used = 0
        self.snapshots: list[tuple[int, int]] = []

    @api
    def write(self, size: int) -> None:
        if size <= 0:
            raise Refused("nothing to write")
        if size > self.quota:  # the bug: compares the write alone, not used + size
            raise Refused("over quota")
        self.used += size

    @api
    def erase(self) -> None:
        self.used = 0

    @api
    def set_quota(self, quota: int) -> None:
        if quota < self.used or quota <= 0:
            raise Refused("quota below usage")
        self.quota = quota

    @api
    def snapshot(self) -> None:
        self.snapshots.append((self.used, self.quota))

    @api
    def restore(self) -> None:
        if not self.snapshots:
            raise Refused("no snapshot")
        self.used, _ = self.snapshots.pop()  # the bug: keeps today's quota

    @invariant
    def within_quota(self) -> None:
        assert self.used <= self.quota, f"{self.used} used of {self.quota}"


disk_target = Target(Disk, expected=(Refused,))

Item = Annotated[int, Ref("item")]


class Shelf:
    """Items in a dict and an order list; ``remove`` forgets the list (one stale entry)."""

    def __init__(self) -> None:
        self.items: dict[int, int] = {}
        self.order: list[int] = []
        self.next = 1

    @ids("item")
    def item_ids(self) -> list[int]:
        return sorted(self.items)

    @api
    def add(self, size: int) -> int:
        self.items[self.next] = size
        self.order.append(self.next)
        self.next += 1
        return self.next - 1

    @api
    def remove(self, item: Item) -> None:
        del self.items[item]  # the bug: leaves the item in self.order

    @api
    def total(self) -> int:
        return sum(self.items[i] for i in self.order)

    @api
    def largest(self) -> int:
        return max((self.items[i] for i in self.order), default=0)

    @api
    def listing(self) -> list[str]:
        return [f"{i}:{self.items[i]}" for i in self.order]

    @api
    def compact(self) -> None:
        self.order = [i for i in self.order if self.items[i] > 0]

    @api
    def resize(self, item: Item, size: int) -> None:
        self.items[item] = size


shelf_target = Target(Shelf, expected=(Refused,))


class Tally:
    """A number with undo and redo; independent bugs that share their setup or surface."""

    def __init__(self) -> None:
        self.value = 0
        self.done: list[tuple[str, int]] = []
        self.undone: list[tuple[str, int]] = []

    @api
    def set(self, value: int) -> None:
        self.done.append(("set", self.value))
        self.undone.clear()
        self.value = value

    @api
    def double(self) -> None:
        self.done.append(("double", self.value))
        self.undone.clear()
        self.value *= 2

    @api
    def negate(self) -> None:
        self.done.append(("negate", self.value))
        self.undone.clear()
        self.value = -self.value

    @api
    def half(self) -> int:
        assert self.value % 2 == 0, "the bug: half of an odd number"
        return self.value // 2

    @api
    def third(self) -> int:
        return {0: 0}[self.value % 3] or self.value // 3  # the bug: KeyError unless divisible

    @api
    def undo(self) -> bool:
        if not self.done:
            return False
        op, before = self.done.pop()
        self.undone.append((op, self.value))
        self.value = before
        return True

    @api
    def redo(self) -> bool:
        if not self.undone:
            return False
        op, after = self.undone.pop()
        self.done.append((op, self.value))
        if op == "double":
            self._redo_double(after)
        elif op == "negate":
            self._redo_negate(after)
        else:
            self.value = after
        return True

    def _redo_double(self, after: int) -> None:
        assert after != self.value * 2 or after == 0, "the bug: double redone twice"
        self.value = after

    def _redo_negate(self, after: int) -> None:
        self.value = {self.value: after}[after]  # the bug: KeyError unless nothing changes


tally_target = Target(Tally, expected=(Refused,))


class Crate:
    """Items packed in bundles: sets and lists of object ids, for normal forms of calls."""

    def __init__(self) -> None:
        self.items: list[int] = []

    @ids("item")
    def item_ids(self) -> list[int]:
        return list(self.items)

    @api
    def make(self) -> int:
        self.items.append(len(self.items) + 1)
        return self.items[-1]

    @api
    def bundle(self, items: set[Item]) -> int:
        return len(items)

    @api
    def chain(self, items: list[Item], weight: int) -> int:
        return len(items) * weight

    @api
    def label(self, item: Item, text: str) -> str:
        if not text:
            raise Refused("no label")
        return f"{item}:{text}"


crate_target = Target(Crate, expected=(Refused,))


class Library:
    """Books counted per shelf; ``copy`` adds a book without counting it (one corruption
    that shows in several methods, in some only at their second call)."""

    def __init__(self) -> None:
        self.books: dict[int, str] = {}
        self.counted = 0
        self.next = 1

    @ids("book")
    def book_ids(self) -> list[int]:
        return sorted(self.books)

    @api
    def add(self) -> int:
        self.books[self.next] = "new"
        self.counted += 1
        self.next += 1
        return self.next - 1

    @api
    def copy(self, book: Annotated[int, Ref("book")]) -> int:
        self.books[self.next] = self.books[book]  # the bug: not counted
        self.next += 1
        return self.next - 1

    @api
    def remove(self, book: Annotated[int, Ref("book")]) -> None:
        del self.books[book]
        self._uncount()

    @api
    def clear(self) -> None:
        for book in list(self.books):
            self.remove(book)

    @api
    def stocktake(self) -> int:
        assert self.counted == len(self.books), "count and books differ"
        return self.counted

    def _uncount(self) -> None:
        assert self.counted > 0, "counted below zero"
        self.counted -= 1


library_target = Target(Library, expected=(Refused,))


class Strip:
    """Clips on a strip; three independent bugs, each breaking the invariant with its own call
    after one shared setup (a trimmed clip)."""

    def __init__(self) -> None:
        self.clips: dict[int, list[int]] = {}  # id -> [start, end, source length]
        self.next = 0

    @ids("clip")
    def clip_ids(self) -> list[int]:
        return list(self.clips)

    @api
    def add(self, length: int) -> int:
        if not 1 <= length <= 50:
            raise Refused("bad length")
        self.next += 1
        self.clips[self.next] = [0, length, length]
        return self.next

    @api
    def trim(self, clip: Annotated[int, Ref("clip")], frames: int) -> None:
        start, end, _ = self.clips[clip]
        if not 0 < frames < end - start:
            raise Refused("bad trim")
        self.clips[clip][0] += frames

    @api
    def cut(self, clip: Annotated[int, Ref("clip")]) -> None:
        start, _, source = self.clips[clip]
        if start:  # the bug: a trimmed clip is cut as if from its source's start
            self.clips[clip][1] = source + 1

    @api
    def stretch(self, clip: Annotated[int, Ref("clip")]) -> None:
        if self.clips[clip][0]:  # the bug: stretches a trimmed clip past its source
            self.clips[clip][1] += 1

    @api
    def shift(self, clip: Annotated[int, Ref("clip")]) -> None:
        if self.clips[clip][0]:  # the bug: shifts the end, not the start
            self.clips[clip][1] += 2

    @api
    def length(self, clip: Annotated[int, Ref("clip")]) -> int:
        start, end, _ = self.clips[clip]
        return end - start

    @invariant
    def within_source(self) -> None:
        for start, end, source in self.clips.values():
            assert 0 <= start < end <= source, f"[{start}, {end}) of {source}"


strip_target = Target(Strip, expected=(Refused,))


class BlobStore:
    """Files and the content blobs they share by reference count: the bookkeeping of
    :class:`Blobs` and :class:`NamedBlobs`, no API of its own."""

    def __init__(self) -> None:
        self.files: dict[int, int] = {}  # file -> blob
        self.blobs: dict[int, list[object]] = {}  # blob -> [data, references]
        self.made = 0

    @ids("file")
    def file_ids(self) -> list[int]:
        return sorted(self.files)

    def _new_blob(self, data: str) -> int:
        self.made += 1
        self.blobs[self.made] = [data, 1]
        return self.made

    def _release(self, blob: int) -> None:
        entry = self.blobs[blob]
        entry[1] = int(str(entry[1])) - 1
        if entry[1] == 0:
            del self.blobs[blob]


class Blobs(BlobStore):
    """Files share content blobs by reference count.  ``copy`` shares its source's blob
    without counting the new reference: whichever of the two files changes first frees
    the blob, and every later access of the other trips over it (one corruption, many
    triggers, many victims).  ``relabel`` is a bug of its own: it drops the label's old
    blob without releasing it, so a blob outlives its files."""

    def _data(self, blob: int) -> str:
        return str(self.blobs[blob][0])

    def _replace(self, file: int, data: str) -> None:
        old = self.files[file]
        self.files[file] = self._new_blob(data)
        self._release(old)

    @api
    def create(self) -> int:
        blob = self._new_blob("")
        self.files[blob] = blob
        return blob

    @api
    def copy(self, file: Annotated[int, Ref("file")]) -> int:
        blob = self.files[file]  # the bug: the new reference is not counted
        self.made += 1
        self.files[self.made] = blob
        return self.made

    @api
    def write(self, file: Annotated[int, Ref("file")], text: str) -> None:
        self._replace(file, text)

    @api
    def append(self, file: Annotated[int, Ref("file")], text: str) -> None:
        self._replace(file, self._data(self.files[file]) + text)

    @api
    def truncate(self, file: Annotated[int, Ref("file")]) -> None:
        self._replace(file, "")

    @api
    def delete(self, file: Annotated[int, Ref("file")]) -> None:
        self._release(self.files.pop(file))

    @api
    def read(self, file: Annotated[int, Ref("file")]) -> str:
        return self._data(self.files[file])

    @api
    def relabel(self, file: Annotated[int, Ref("file")], onto: Annotated[int, Ref("file")]) -> None:
        if file == onto:
            raise Refused("a file onto itself")
        self.files[onto] = self.files.pop(file)  # the bug: onto's old blob is not released

    @invariant
    def every_blob_has_a_file(self) -> None:
        assert set(self.blobs) <= set(self.files.values()), "a blob outlives its files"


blobs_target = Target(Blobs, expected=(Refused,))


class SnapshotBlobs(Blobs):
    """:class:`Blobs` with one snapshot: ``restore`` gives every current file's blob back
    and brings the snapshot's files back.  A restore after the uncounted copy gives the
    shared blob back twice: a victim that needs a setup of its own (a snapshot taken
    before), which no form of the other victims has."""

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[int, int] | None = None

    @api
    def snapshot(self) -> None:
        if self.saved is not None:
            for blob in self.saved.values():
                self._release(blob)
        self.saved = dict(self.files)
        for blob in self.saved.values():
            self.blobs[blob][1] = int(str(self.blobs[blob][1])) + 1

    @api
    def restore(self) -> None:
        if self.saved is None:
            raise Refused("no snapshot")
        for blob in self.files.values():
            self._release(blob)
        self.files, self.saved = self.saved, None

    @api
    def merge(self, file: Annotated[int, Ref("file")], into: Annotated[int, Ref("file")]) -> None:
        """``file``'s text appended to ``into``, and ``file`` gone.  A bug of its own in
        the last call: merging a file into itself looks it up after taking it away."""
        blob = self.files.pop(file)
        self._replace(into, self._data(self.files[into]) + self._data(blob))
        self._release(blob)


snapshot_blobs_target = Target(SnapshotBlobs, expected=(Refused,))


class SwapBlobs(Blobs):
    """:class:`Blobs` whose files can trade contents.  ``swap`` has a bug of its own: a
    file swapped with itself gives its blob back twice.  After the uncounted copy that
    fails as the copy's victims do, and the copy's state makes it fail the same way; but
    without the copy it fails all the same: a cause of its own."""

    @api
    def swap(self, file: Annotated[int, Ref("file")], other: Annotated[int, Ref("file")]) -> None:
        if file == other:  # the bug: released twice
            self._release(self.files[file])
            self._release(self.files[file])
            return
        self.files[file], self.files[other] = self.files[other], self.files[file]


swap_blobs_target = Target(SwapBlobs, expected=(Refused,))


Source = Annotated[int, Ref("source")]
Clip = Annotated[int, Ref("clip")]


class Reels:
    """Clips use sources, and each use is counted.  ``split`` makes a second clip of a
    source without counting it: every later release of that source can trip over the
    count (one corruption, victims with setups of their own)."""

    def __init__(self) -> None:
        self.uses: dict[int, int] = {}
        self.clips: dict[int, int] = {}  # clip -> source
        self.next = 0

    @ids("source")
    def source_ids(self) -> list[int]:
        return sorted(self.uses)

    @ids("clip")
    def clip_ids(self) -> list[int]:
        return sorted(self.clips)

    @api
    def add(self) -> int:
        self.next += 1
        self.uses[self.next] = 0
        return self.next

    @api
    def place(self, source: Source) -> int:
        self.next += 1
        self.clips[self.next] = source
        self.uses[source] += 1
        return self.next

    @api
    def split(self, clip: Clip) -> int:
        self.next += 1
        self.clips[self.next] = self.clips[clip]  # the bug: the new use is not counted
        return self.next

    @api
    def remove(self, clip: Clip) -> None:
        self._release(self.clips.pop(clip))

    @api
    def clear(self) -> None:
        for clip in list(self.clips):
            self.remove(clip)

    @api
    def swap(self, clip: Clip, source: Source) -> None:
        if self.clips[clip] == source:
            raise Refused("the clip uses that source already")
        self._release(self.clips[clip])
        self.uses[source] += 1
        self.clips[clip] = source

    def _release(self, source: int) -> None:
        assert self.uses[source] > 0, "released more often than used"
        self.uses[source] -= 1


reels_target = Target(Reels, expected=(Refused,))


class ClonedReels(Reels):
    """``clone`` counts the use on the newest source, not on the clip's: right while there
    is one source, and else the symptom of ``split``'s bug, from a bug of its own."""

    @api
    def clone(self, clip: Clip) -> int:
        self.next += 1
        self.clips[self.next] = self.clips[clip]
        self.uses[max(self.uses)] += 1  # the bug: counts the newest source, not the clip's
        return self.next


cloned_reels_target = Target(ClonedReels, expected=(Refused,))


Layer = Annotated[int, Ref("layer")]
Shape = Annotated[int, Ref("shape")]


class Canvas:
    """Shapes on layers.  Moving a shape and moving a whole layer's shapes go through one
    path (``_request`` -> ``_apply`` -> ``_place``), and ``_request`` forgets that a layer
    can be locked: one faulty helper, reached from two API methods."""

    def __init__(self) -> None:
        self.layers: dict[int, set[int]] = {}
        self.where: dict[int, int] = {}  # shape -> layer
        self.locked: set[int] = set()
        self.next = 0

    @ids("layer")
    def layer_ids(self) -> list[int]:
        return sorted(self.layers)

    @ids("shape")
    def shape_ids(self) -> list[int]:
        return sorted(self.where)

    @api
    def add_layer(self) -> int:
        self.next += 1
        self.layers[self.next] = set()
        return self.next

    @api
    def add_shape(self, layer: Layer) -> int:
        if layer in self.locked:
            raise Refused("locked layer")
        self.next += 1
        self.layers[layer].add(self.next)
        self.where[self.next] = layer
        return self.next

    @api
    def lock(self, layer: Layer) -> None:
        self.locked.add(layer)

    @api
    def move_shape(self, shape: Shape, layer: Layer) -> None:
        self._request([shape], layer)

    @api
    def move_layer(self, source: Layer, layer: Layer) -> None:
        if source == layer:
            raise Refused("onto itself")
        self._request(sorted(self.layers[source]), layer)

    def _request(self, shapes: list[int], layer: int) -> None:
        if any(self.where[s] in self.locked for s in shapes):  # the bug: not the target's lock
            raise Refused("locked layer")
        self._apply(shapes, layer)

    def _apply(self, shapes: list[int], layer: int) -> None:
        for shape in shapes:
            self._place(shape, layer)

    def _place(self, shape: int, layer: int) -> None:
        assert layer not in self.locked, "a shape placed on a locked layer"
        self.layers[self.where[shape]].discard(shape)
        self.layers[layer].add(shape)
        self.where[shape] = layer


canvas_target = Target(Canvas, expected=(Refused,))


Slot = Annotated[int, Ref("slot")]

#: The cells a placed item takes (a bin clip's length, say).
SIZE = 3


class Row:
    """Items on a row of cells.  One faulty overlap check sits behind two API methods
    (``place`` and ``shift`` ask it); ``grow`` breaks the same assertion with no check."""

    def __init__(self) -> None:
        self.items: dict[int, tuple[int, int]] = {}  # id -> (first cell, size)
        self.next = 1

    @ids("slot")
    def slot_ids(self) -> list[int]:
        return sorted(self.items)

    @api
    def place(self, start: int) -> int:
        if start < 0:
            raise Refused("bad start")
        if self._taken(start, SIZE, None):
            raise Refused("taken")
        self.items[self.next] = (start, SIZE)
        self.next += 1
        return self.next - 1

    @api
    def shift(self, item: Slot, start: int) -> bool:
        if start < 0:
            raise Refused("bad start")
        size = self.items[item][1]
        if self._taken(start, size, item):
            return False
        self.items[item] = (start, size)
        return True

    @api
    def grow(self, item: Slot, extra: int) -> None:
        if extra <= 0:
            raise Refused("bad size")
        first, size = self.items[item]
        self.items[item] = (first, size + extra)  # the bug: no overlap check

    def _taken(self, start: int, size: int, skip: int | None) -> bool:
        last = start + size - 1
        for other, (first, n) in self.items.items():
            # The bug: '<' where the last cells need '<=': one shared cell goes unseen.
            if other != skip and first < last and start < first + n - 1:
                return True
        return False

    @invariant
    def apart(self) -> None:
        cells: set[int] = set()
        for first, n in self.items.values():
            mine = set(range(first, first + n))
            assert not cells & mine, "two items share a cell"
            cells |= mine


row_target = Target(Row, expected=(Refused,))


class Usage:
    """Clips use sources, counted per source.  ``split`` makes a second clip of one source
    without counting it (the bug): the count is one short from then on.  Later, dropping
    both pieces takes the count below zero (an AssertionError in ``drop``), and a source
    whose count says unused can be deleted under a clip (the invariant, after
    ``delete_source``): one corruption, a victim that raises and one that breaks the
    invariant."""

    def __init__(self) -> None:
        self.sources: dict[int, int] = {}  # source -> clips that use it
        self.clips: dict[int, int] = {}  # clip -> its source
        self.made = 0

    @ids("source")
    def source_ids(self) -> list[int]:
        return sorted(self.sources)

    @ids("clip")
    def clip_ids(self) -> list[int]:
        return sorted(self.clips)

    @api
    def add(self) -> int:
        self.made += 1
        self.sources[self.made] = 0
        return self.made

    @api
    def place(self, source: Annotated[int, Ref("source")]) -> int:
        self.made += 1
        self.clips[self.made] = source
        self.sources[source] += 1
        return self.made

    @api
    def split(self, clip: Annotated[int, Ref("clip")]) -> int:
        self.made += 1
        self.clips[self.made] = self.clips[clip]  # the bug: the source's count stays
        return self.made

    @api
    def drop(self, clip: Annotated[int, Ref("clip")]) -> None:
        source = self.clips.pop(clip)
        assert self.sources[source] > 0, f"source {source} used by fewer clips than dropped"
        self.sources[source] -= 1

    @api
    def clear(self) -> None:
        for clip in list(self.clips):
            self.drop(clip)

    @api
    def delete_source(self, source: Annotated[int, Ref("source")]) -> None:
        if self.sources[source]:
            raise Refused("a source in use")
        del self.sources[source]

    @invariant
    def every_clip_has_its_source(self) -> None:
        assert set(self.clips.values()) <= set(self.sources), "a clip of a deleted source"


usage_target = Target(Usage, expected=(Refused,))


Text = Annotated[int, Ref("text")]

#: The edits of an :class:`Editor`.
EDITS = frozenset({"add", "remove", "rename"})


class Editor:
    """Texts with a linear undo history: every edit records how to undo and redo itself,
    and a command replays only on the state it was recorded on (it asserts so)."""

    forgets: frozenset[str] = frozenset()  # edits that keep the undone commands (the bug)
    keeps_selection = False  # a redone removal keeps its text selected (the bug)
    records_retitle = True  # False: a retitling is not recorded (the bug)

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}
        self.selected: set[int] = set()
        self.done: list[tuple[Callable[[], None], Callable[[], None]]] = []
        self.undone: list[tuple[Callable[[], None], Callable[[], None]]] = []
        self.redoing = False

    @ids("text")
    def text_ids(self) -> list[int]:
        return sorted(self.texts)

    @api
    def add(self, text: str) -> int:
        item = min(set(range(len(self.texts) + 1)) - set(self.texts))  # the smallest free id
        self._insert(item, text)
        self._push("add", partial(self._delete, item, text), partial(self._insert, item, text))
        return item

    @api
    def remove(self, item: Text) -> None:
        text = self.texts[item]
        self._delete(item, text)
        self._push("remove", partial(self._insert, item, text), partial(self._delete, item, text))

    @api
    def rename(self, item: Text, text: str) -> None:
        old = self.texts[item]
        self._retext(item, old, text)
        self._push(
            "rename", partial(self._retext, item, text, old), partial(self._retext, item, old, text)
        )

    @api
    def retitle(self, item: Text, text: str) -> None:
        """A renaming the history records, unless ``records_retitle`` is off (the bug)."""
        old = self.texts[item]
        self._retext(item, old, text)
        if self.records_retitle:
            self._push(
                "retitle",
                partial(self._retext, item, text, old),
                partial(self._retext, item, old, text),
            )

    @api
    def select(self, item: Text) -> None:
        self.selected.add(item)

    @api
    def undo(self) -> bool:
        if not self.done:
            return False
        command = self.done.pop()
        command[0]()
        self.undone.append(command)
        return True

    @api
    def redo(self) -> bool:
        if not self.undone:
            return False
        command = self.undone.pop()
        self.redoing = True
        try:
            command[1]()
        finally:
            self.redoing = False
        self.done.append(command)
        return True

    def snapshot(self) -> tuple[object, ...]:
        return tuple(sorted(self.texts.items())), tuple(sorted(self.selected))

    def _push(self, edit: str, undo: Callable[[], None], redo: Callable[[], None]) -> None:
        self.done.append((undo, redo))
        if edit not in self.forgets:
            self.undone.clear()

    def _insert(self, item: int, text: str) -> None:
        assert item not in self.texts, f"text {item} is already there"
        self.texts[item] = text

    def _delete(self, item: int, text: str) -> None:
        assert self.texts.get(item) == text, f"text {item} is not {text!r}"
        del self.texts[item]
        if not (self.redoing and self.keeps_selection):
            self.selected.discard(item)

    def _retext(self, item: int, old: str, new: str) -> None:
        assert self.texts.get(item) == old, f"text {item} is not {old!r}"
        self.texts[item] = new

    @invariant
    def selection_is_shown(self) -> None:
        assert self.selected <= set(self.texts), "a removed text is selected"


class ForgetfulEditor(Editor):
    """One bug: the history is never cut, whatever the edit."""

    forgets = EDITS


class TwoForgetfulEditor(Editor):
    """Two bugs: an addition and a renaming each keep the undone commands; a removal
    does not."""

    forgets = frozenset({"add", "rename"})


class SelectiveEditor(ForgetfulEditor):
    """Two bugs: the history is never cut, and a redone removal keeps its text selected."""

    keeps_selection = True


class UnrecordedEditor(Editor):
    """One bug: a retitling is not recorded, so the undo after it takes back the edit
    before it, on a state that edit was not made for."""

    records_retitle = False


def _editor(cls: type[Editor]) -> Target:
    return Target(cls, expected=(Refused,), undo="undo", redo="redo", state="snapshot")


forgetful_target = _editor(ForgetfulEditor)
two_forgetful_target = _editor(TwoForgetfulEditor)
selective_target = _editor(SelectiveEditor)


class Names:
    """Named entries, a count and a name index, with one snapshot.  ``restore`` shares
    the snapshot's entries instead of copying them (the bug): an edit after a restore
    edits the snapshot too, and the next restore brings back entries that disagree
    with the count (an entry added or removed) or with the index (one renamed)."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.count = 0
        self.index: dict[str, int] = {}
        self.saved: tuple[dict[int, str], int, dict[str, int]] | None = None

    @ids("entry")
    def entry_ids(self) -> list[int]:
        return sorted(self.names)

    @api
    def add(self, name: str) -> int:
        if name in self.index:
            raise Refused("a name in use")
        item = max(self.names, default=-1) + 1
        self.names[item], self.index[name] = name, item
        self.count += 1
        return item

    @api
    def remove(self, item: Annotated[int, Ref("entry")]) -> None:
        del self.index[self.names.pop(item)]
        self.count -= 1

    @api
    def rename(self, item: Annotated[int, Ref("entry")], name: str) -> None:
        if name in self.index:
            raise Refused("a name in use")
        del self.index[self.names[item]]
        self.names[item], self.index[name] = name, item

    @api
    def snapshot(self) -> None:
        self.saved = dict(self.names), self.count, dict(self.index)

    @api
    def restore(self) -> None:
        if self.saved is None:
            raise Refused("no snapshot")
        names, count, index = self.saved
        self.names, self.count, self.index = names, count, dict(index)  # names: shared

    @invariant
    def consistent(self) -> None:
        assert self.count == len(self.names), f"{self.count} counted, {len(self.names)} kept"
        assert self.index == {n: i for i, n in self.names.items()}, "the index disagrees"


names_target = Target(Names, expected=(Refused,))
unrecorded_target = _editor(UnrecordedEditor)


class NamedBlobs(BlobStore):
    """Named files share content blobs by reference count, with two bugs.  ``copy`` does
    not count the reference it adds, so the first of the two files to change frees the
    blob.  ``rename`` onto the file's own name drops the file as it drops whatever held
    the name, then fails to move it (in ``_move``).  After an uncounted copy, a rename
    onto itself gives the freed blob back again and fails as the copy's victims do (in
    ``_release``): one script that needs both bugs."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[int, str] = {}  # file -> name

    def _add(self, blob: int, name: str) -> int:
        if name in self.names.values():
            raise Refused("a name in use")
        self.made += 1
        self.files[self.made], self.names[self.made] = blob, name
        return self.made

    def _move(self, file: int, name: str) -> None:
        self.files[file]  # gone when the rename dropped the file itself
        self.names[file] = name

    @api
    def create(self, name: str) -> int:
        return self._add(self._new_blob(""), name)

    @api
    def copy(self, file: Annotated[int, Ref("file")], name: str) -> int:
        return self._add(self.files[file], name)  # the bug: the reference is not counted

    @api
    def append(self, file: Annotated[int, Ref("file")], text: str) -> None:
        old = self.files[file]
        self.files[file] = self._new_blob(str(self.blobs[old][0]) + text)
        self._release(old)

    @api
    def delete(self, file: Annotated[int, Ref("file")]) -> None:
        del self.names[file]
        self._release(self.files.pop(file))

    @api
    def rename(self, file: Annotated[int, Ref("file")], name: str) -> None:
        self.files[file]
        holder = next((f for f, n in self.names.items() if n == name), None)
        if holder is not None:  # the bug: also when the holder is the file itself
            del self.names[holder]
            self._release(self.files.pop(holder))
        self._move(file, name)


named_blobs_target = Target(NamedBlobs, expected=(Refused,))
