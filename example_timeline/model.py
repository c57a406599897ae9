"""A Kdenlive-like timeline model: the embedded default target of apifuzz.

The model holds a project bin of source clips, an ordered stack of audio and
video tracks, timeline clips cut from bin clips, compositions (transitions
between two video tracks), nested groups, a selection and an undo history.
It uses apifuzz exactly like a user's application would: the public methods
that a view may call are decorated with ``@api``, each kind of object has an
``@ids`` provider, and :meth:`Timeline.check_consistency` is the ``@invariant``.

Like Kdenlive's ``TimelineModel`` it is finicky: a method handed an id of the
wrong kind fails an ``assert`` (the view is never supposed to do that), while a
request the user may legitimately make but that cannot be honoured (a
collision, a locked track, a position out of range) returns ``False`` or raises
:class:`TimelineError`.

Every modifying request follows Kdenlive's undo/redo function pattern (see
:mod:`example_timeline.undo`): it validates, then applies elementary
operations through a :class:`~example_timeline.undo.Recorder`, and pushes the
resulting ``(undo, redo)`` pair on the undo stack.

With ``APIFUZZ_EXAMPLE_BUGS`` set (see :mod:`example_timeline.bugs`) some
requests behave like known regressions; every such place is marked with
``self._bug("<name>")``.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Annotated

from apifuzz import Ref, api, ids, invariant
from example_timeline.bugs import ALL_BUGS, enabled_bugs
from example_timeline.undo import Fun, Recorder, UndoCommand

MAX_INITIAL_TRACKS = 8
"""The most tracks of each kind a new timeline may start with."""

MAX_TRACKS = 32
"""The most tracks a timeline may hold."""

MAX_POSITION = 10**7
"""The last frame at which an item may start (about 4.6 days at 25 fps)."""

MAX_DURATION = 10**6
"""The longest bin clip, composition or resize, in frames."""

MAX_NAME_LENGTH = 1000
"""The longest bin clip name."""


class TimelineError(Exception):
    """A refused request: expected behaviour, not a bug."""


class TrackKind(enum.Enum):
    """What a track carries."""

    AUDIO = "audio"
    VIDEO = "video"


class Side(enum.Enum):
    """Which edge of an item a resize moves."""

    LEFT = "left"
    RIGHT = "right"


BinClipId = Annotated[int, Ref("bin")]
"""The id of a clip in the project bin."""
TrackId = Annotated[int, Ref("track")]
"""The id of a track."""
ClipId = Annotated[int, Ref("clip")]
"""The id of a clip on the timeline."""
CompositionId = Annotated[int, Ref("composition")]
"""The id of a composition on the timeline."""
GroupId = Annotated[int, Ref("group")]
"""The id of a group."""
ItemId = Annotated[int, Ref("item")]
"""The id of a timeline item: a clip or a composition."""


@dataclass
class BinClip:
    """A source clip of the project bin."""

    name: str
    duration: int
    usage: int = 0
    """How many timeline clips use it (the bin refuses to delete a used clip)."""


@dataclass
class Track:
    """A track: its kind, lock state and the items it holds."""

    kind: TrackKind
    locked: bool = False
    clips: set[int] = field(default_factory=set)
    compositions: set[int] = field(default_factory=set)


@dataclass
class Clip:
    """A timeline clip: the frames ``[in_point, out_point)`` of a bin clip at ``position``."""

    bin_clip: int
    track: int
    position: int
    in_point: int
    out_point: int

    @property
    def length(self) -> int:
        """The number of frames the clip covers."""
        return self.out_point - self.in_point

    @property
    def end(self) -> int:
        """The first frame after the clip."""
        return self.position + self.length


@dataclass
class Composition:
    """A composition on ``track`` that blends it with the ``target`` track."""

    track: int
    target: int
    position: int
    length: int

    @property
    def end(self) -> int:
        """The first frame after the composition."""
        return self.position + self.length


Item = Clip | Composition


def _check_range(value: int, low: int, high: int, what: str) -> None:
    """Refuse a number outside ``[low, high]`` (a fuzzer may pass any int)."""
    if not low <= value <= high:
        raise TimelineError(f"{what} must be between {low} and {high}, got {value}")


def _check_name(name: str) -> None:
    if not name.strip():
        raise TimelineError("a bin clip needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise TimelineError(f"a bin clip name is at most {MAX_NAME_LENGTH} characters")


class Timeline:
    """A video editing timeline with a bin, tracks, clips, compositions and groups.

    ``Timeline(video_tracks, audio_tracks)`` starts with that many tracks,
    0 to 8 of each, audio tracks at the bottom; the default is Kdenlive's new
    project, two of each.
    """

    def __init__(self, video_tracks: int = 2, audio_tracks: int = 2) -> None:
        _check_range(video_tracks, 0, MAX_INITIAL_TRACKS, "video_tracks")
        _check_range(audio_tracks, 0, MAX_INITIAL_TRACKS, "audio_tracks")
        self._bugs = enabled_bugs()
        # One counter for every object, like Kdenlive's TimelineModel::getNextId():
        # an id names exactly one object, whatever its kind.
        self._next_id = 1
        self._bin: dict[int, BinClip] = {}
        self._tracks: dict[int, Track] = {}
        self._track_order: list[int] = []  # bottom to top
        self._clips: dict[int, Clip] = {}
        self._compositions: dict[int, Composition] = {}
        self._groups: dict[int, set[int]] = {}  # group -> children (items or groups)
        self._parent: dict[int, int] = {}  # item or group -> the group holding it
        self._selection: set[int] = set()
        self._undo_stack: list[UndoCommand] = []
        self._redo_stack: list[UndoCommand] = []
        self._in_redo = False  # true while redo() replays a command
        self._done = 0  # how many commands are applied: the undo stack's size
        # Private helpers, not @api methods: building the model is not a traced call,
        # and the initial tracks are not an undoable action.
        for kind, count in ((TrackKind.AUDIO, audio_tracks), (TrackKind.VIDEO, video_tracks)):
            for _ in range(count):
                self._create_track(self._new_id(), len(self._track_order), kind, False)

    # ------------------------------------------------------------------
    # live ids

    @ids("bin")
    def bin_clip_ids(self) -> list[int]:
        """The clips of the project bin."""
        return sorted(self._bin)

    @ids("track")
    def track_ids(self) -> list[int]:
        """The tracks (by id; :meth:`track_order` gives their stacking order)."""
        return sorted(self._tracks)

    @ids("clip")
    def clip_ids(self) -> list[int]:
        """The clips on the timeline."""
        return sorted(self._clips)

    @ids("composition")
    def composition_ids(self) -> list[int]:
        """The compositions on the timeline."""
        return sorted(self._compositions)

    @ids("group")
    def group_ids(self) -> list[int]:
        """Every group, nested ones included."""
        return sorted(self._groups)

    @ids("item")
    def item_ids(self) -> list[int]:
        """Every timeline item: clips and compositions."""
        return sorted(self._clips.keys() | self._compositions.keys())

    # ------------------------------------------------------------------
    # project bin

    @api
    def add_bin_clip(self, name: str, duration: int) -> int:
        """Add a source clip of ``duration`` frames to the bin; returns its id."""
        _check_name(name)
        _check_range(duration, 1, MAX_DURATION, "duration")
        bin_id = self._new_id()
        rec = Recorder()
        rec.run(
            partial(self._create_bin_clip, bin_id, name, duration),
            partial(self._remove_bin_clip, bin_id),
        )
        self._push_undo(rec, "Add bin clip")
        return bin_id

    @api
    def rename_bin_clip(self, bin_clip: BinClipId, name: str) -> bool:
        """Rename a bin clip."""
        source = self._bin_clip(bin_clip)
        _check_name(name)
        if name == source.name:
            return True
        rec = Recorder()
        rec.run(
            partial(self._rename_bin_clip, bin_clip, name),
            partial(self._rename_bin_clip, bin_clip, source.name),
        )
        self._push_undo(rec, "Rename bin clip")
        return True

    @api
    def delete_bin_clip(self, bin_clip: BinClipId) -> bool:
        """Delete a bin clip; refused (False) while a timeline clip uses it."""
        source = self._bin_clip(bin_clip)
        if source.usage > 0:
            return False
        rec = Recorder()
        rec.run(
            partial(self._remove_bin_clip, bin_clip),
            partial(self._create_bin_clip, bin_clip, source.name, source.duration),
        )
        self._push_undo(rec, "Delete bin clip")
        return True

    # ------------------------------------------------------------------
    # tracks

    @api
    def insert_track(self, position: int, kind: TrackKind) -> int:
        """Insert a track at index ``position`` of the stack; returns its id.

        0 is the bottom; an index past the top puts the track on top.
        """
        _check_range(position, 0, MAX_TRACKS, "track position")
        if len(self._tracks) >= MAX_TRACKS:
            raise TimelineError(f"a timeline holds at most {MAX_TRACKS} tracks")
        position = min(position, len(self._track_order))
        track_id = self._new_id()
        rec = Recorder()
        rec.run(
            partial(self._create_track, track_id, position, kind, False),
            partial(self._remove_track, track_id),
        )
        self._push_undo(rec, "Insert track")
        return track_id

    @api
    def delete_track(self, track: TrackId) -> bool:
        """Delete a track with everything on it, and the compositions targeting it.

        Refused (False) when the track, or a composition that would go with it,
        is locked.
        """
        victim = self._track(track)
        if victim.locked:
            return False
        targeting = sorted(
            comp_id for comp_id, comp in self._compositions.items() if comp.target == track
        )
        if any(self._tracks[self._compositions[c].track].locked for c in targeting):
            return False
        rec = Recorder()
        for comp_id in targeting:
            self._record_delete_item(rec, comp_id)
        for item_id in sorted(victim.clips | victim.compositions):
            if self._bug("delete_track_dangling_group"):
                # The items are destroyed but stay listed in their groups.
                self._selection.discard(item_id)
                self._record_destroy(rec, item_id)
            else:
                self._record_delete_item(rec, item_id)
        index = self._track_order.index(track)
        rec.run(
            partial(self._remove_track, track),
            partial(self._create_track, track, index, victim.kind, False),
        )
        self._push_undo(rec, "Delete track")
        return True

    @api
    def lock_track(self, track: TrackId) -> bool:
        """Lock a track: its items can no longer be edited. False if already locked."""
        return self._request_lock(track, True)

    @api
    def unlock_track(self, track: TrackId) -> bool:
        """Unlock a track. False if it was not locked."""
        return self._request_lock(track, False)

    def _request_lock(self, track: TrackId, locked: bool) -> bool:
        if self._track(track).locked == locked:
            return False
        rec = Recorder()
        rec.run(
            partial(self._set_track_locked, track, locked),
            partial(self._set_track_locked, track, not locked),
        )
        self._push_undo(rec, "Lock track" if locked else "Unlock track")
        return True

    # ------------------------------------------------------------------
    # clips

    @api
    def insert_clip(self, bin_clip: BinClipId, track: TrackId, position: int) -> int:
        """Put the whole of a bin clip on a track at ``position``; returns the clip's id."""
        source = self._bin_clip(bin_clip)
        destination = self._track(track)
        _check_range(position, 0, MAX_POSITION, "position")
        if destination.locked:
            raise TimelineError("the track is locked")
        if self._collides(track, position, source.duration, frozenset(), compositions=False):
            raise TimelineError("the clip would overlap another clip")
        clip_id = self._new_id()
        clip = Clip(bin_clip, track, position, 0, source.duration)
        rec = Recorder()
        rec.run(
            partial(self._create_clip, clip_id, clip, True), partial(self._destroy_clip, clip_id)
        )
        self._push_undo(rec, "Insert clip")
        return clip_id

    @api
    def move_clip(self, clip: ClipId, track: TrackId, position: int) -> bool:
        """Move a clip (and everything grouped with it) so the clip lands on track at position.

        All or nothing: False if any moved item would collide, leave the track
        stack, go below frame 0 or touch a locked track.
        """
        self._clip(clip)
        self._track(track)
        return self._request_move(clip, track, position, "Move clip")

    @api
    def resize_clip(self, clip: ClipId, size: int, side: Side) -> bool:
        """Give a clip ``size`` frames by moving its left or right edge.

        The clip stays inside its bin clip: False if the source has no more
        frames on that side, on a collision or on a locked track.
        """
        target = self._clip(clip)
        _check_range(size, 1, MAX_DURATION, "size")
        if self._tracks[target.track].locked:
            return False
        if size == target.length:
            return True
        source = self._bin[target.bin_clip]
        if side is Side.RIGHT:
            position, in_point, out_point = target.position, target.in_point, target.in_point + size
            # The new out point must stay inside the source; the seeded bug
            # only compares the size with the source's duration.
            last = size if self._bug("resize_past_source_end") else out_point
            if last > source.duration:
                return False
        else:
            position = target.position + target.length - size
            in_point, out_point = target.out_point - size, target.out_point
            if in_point < 0 or position < 0:
                return False
        if self._collides(target.track, position, size, frozenset({clip}), compositions=False):
            return False
        rec = Recorder()
        rec.run(
            partial(self._set_clip_bounds, clip, position, in_point, out_point),
            partial(
                self._set_clip_bounds, clip, target.position, target.in_point, target.out_point
            ),
        )
        self._push_undo(rec, "Resize clip")
        return True

    @api
    def cut_clip(self, clip: ClipId, position: int) -> int:
        """Cut a clip at timeline frame ``position``; returns the id of the right part.

        The right part joins the group of the clip, if any.  Refused unless
        the frame is strictly inside the clip.
        """
        target = self._clip(clip)
        _check_range(position, 0, MAX_POSITION, "position")
        if self._tracks[target.track].locked:
            raise TimelineError("the track is locked")
        # Counted from the clip's start, the cut must leave both parts at least
        # one frame.  The seeded bug compares it with the out point, which counts
        # source frames: a clip trimmed on the left then accepts cuts past its end.
        offset = position - target.position
        limit = target.out_point if self._bug("cut_uses_source_frames") else target.length
        if not 0 < offset < limit:
            raise TimelineError(f"frame {position} is not inside clip {clip}")
        split = target.in_point + offset
        right = Clip(target.bin_clip, target.track, position, split, target.out_point)
        right_id = self._new_id()
        rec = Recorder()
        rec.run(
            partial(self._set_clip_bounds, clip, target.position, target.in_point, split),
            partial(
                self._set_clip_bounds, clip, target.position, target.in_point, target.out_point
            ),
        )
        # The right part is one more use of the bin clip; the seeded bug lets it
        # share the left part's registration, so the bin undercounts its uses.
        register = not self._bug("cut_skips_bin_usage")
        rec.run(
            partial(self._create_clip, right_id, right, register),
            partial(self._destroy_clip, right_id),
        )
        parent = self._parent.get(clip)
        if parent is not None:
            rec.run(partial(self._reparent, right_id, parent), partial(self._unparent, right_id))
        self._push_undo(rec, "Cut clip")
        return right_id

    # ------------------------------------------------------------------
    # compositions

    @api
    def insert_composition(
        self, track: TrackId, target: TrackId, position: int, length: int
    ) -> int:
        """Add a composition on a video track that blends it with another video track."""
        home = self._track(track)
        blended = self._track(target)
        _check_range(position, 0, MAX_POSITION, "position")
        _check_range(length, 1, MAX_DURATION, "length")
        if home.kind is not TrackKind.VIDEO or blended.kind is not TrackKind.VIDEO:
            raise TimelineError("compositions only blend video tracks")
        if target == track:
            raise TimelineError("a composition cannot target its own track")
        if home.locked:
            raise TimelineError("the track is locked")
        if self._collides(track, position, length, frozenset(), compositions=True):
            raise TimelineError("the composition would overlap another composition")
        comp_id = self._new_id()
        comp = Composition(track, target, position, length)
        rec = Recorder()
        rec.run(
            partial(self._create_composition, comp_id, comp),
            partial(self._destroy_composition, comp_id),
        )
        self._push_undo(rec, "Insert composition")
        return comp_id

    @api
    def move_composition(self, composition: CompositionId, track: TrackId, position: int) -> bool:
        """Move a composition (and its group); its target track does not change."""
        self._composition(composition)
        self._track(track)
        return self._request_move(composition, track, position, "Move composition")

    @api
    def resize_composition(self, composition: CompositionId, size: int, side: Side) -> bool:
        """Give a composition ``size`` frames by moving its left or right edge."""
        comp = self._composition(composition)
        _check_range(size, 1, MAX_DURATION, "size")
        if self._tracks[comp.track].locked:
            return False
        if size == comp.length:
            return True
        position = comp.position if side is Side.RIGHT else comp.position + comp.length - size
        if position < 0:
            return False
        exclude = frozenset({composition})
        if self._collides(comp.track, position, size, exclude, compositions=True):
            return False
        rec = Recorder()
        rec.run(
            partial(self._set_composition_bounds, composition, position, size),
            partial(self._set_composition_bounds, composition, comp.position, comp.length),
        )
        self._push_undo(rec, "Resize composition")
        return True

    @api
    def set_composition_target(self, composition: CompositionId, target: TrackId) -> bool:
        """Make a composition blend with another video track."""
        comp = self._composition(composition)
        blended = self._track(target)
        if target == comp.target:
            return True
        if blended.kind is not TrackKind.VIDEO or target == comp.track:
            return False
        if self._tracks[comp.track].locked:
            return False
        rec = Recorder()
        rec.run(
            partial(self._set_composition_target, composition, target),
            partial(self._set_composition_target, composition, comp.target),
        )
        # The seeded bug forgets to push the change, so it can't be undone and
        # older commands are later undone on top of it.
        if not self._bug("retarget_not_undoable"):
            self._push_undo(rec, "Change composition target")
        return True

    # ------------------------------------------------------------------
    # items

    @api
    def delete_item(self, item: ItemId) -> bool:
        """Delete an item together with its whole group. False if any is on a locked track."""
        self._assert_item(item)
        return self._request_delete({self._root(item)}, "Delete item")

    @api(query=True)
    def get_item_position(self, item: ItemId) -> int:
        """The first frame of an item."""
        return self._item(item).position

    @api(query=True)
    def get_item_track(self, item: ItemId) -> int:
        """The track holding an item."""
        return self._item(item).track

    @api(query=True)
    def get_item_duration(self, item: ItemId) -> int:
        """The number of frames an item covers."""
        return self._item(item).length

    # ------------------------------------------------------------------
    # groups

    @api
    def group_items(self, items: set[ItemId]) -> int:
        """Group items (with whatever they are already grouped with); returns the new group.

        The new group holds the top-level groups of the items, so grouping
        grouped items nests groups.  Refused unless at least two separate
        items or groups are named.
        """
        for item in items:
            self._assert_item(item)
        roots = tuple(sorted({self._root(item) for item in items}))
        if len(roots) < 2:
            raise TimelineError("grouping needs at least two items that are not grouped together")
        group_id = self._new_id()
        rec = Recorder()
        rec.run(
            partial(self._create_group, group_id, roots, None),
            partial(self._dissolve_group, group_id),
        )
        self._push_undo(rec, "Group items")
        return group_id

    @api
    def ungroup(self, group: GroupId) -> bool:
        """Dissolve a group; its children move up to the group's parent, if any."""
        children = tuple(sorted(self._group(group)))
        parent = self._parent.get(group)
        rec = Recorder()
        rec.run(
            partial(self._dissolve_group, group),
            partial(self._create_group, group, children, parent),
        )
        self._push_undo(rec, "Ungroup")
        return True

    @api(query=True)
    def get_group(self, item: ItemId) -> int | None:
        """The top-level group an item belongs to, or None."""
        self._assert_item(item)
        root = self._root(item)
        return None if root == item else root

    # ------------------------------------------------------------------
    # selection

    @api
    def select_items(self, items: set[ItemId]) -> int:
        """Select items, each with its whole group; returns how many items are selected."""
        for item in items:
            self._assert_item(item)
        selection: set[int] = set()
        for root in {self._root(item) for item in items}:
            selection.update(self._leaves(root))
        self._selection = selection
        return len(selection)

    @api
    def clear_selection(self) -> None:
        """Select nothing."""
        self._selection = set()

    @api(query=True)
    def get_selection(self) -> list[int]:
        """The selected items."""
        return sorted(self._selection)

    @api
    def delete_selection(self) -> bool:
        """Delete the selected items with their groups. False if nothing is selected."""
        if not self._selection:
            return False
        return self._request_delete(
            {self._root(item) for item in self._selection}, "Delete selection"
        )

    # ------------------------------------------------------------------
    # undo / redo

    @api(alias="u")
    def undo(self) -> bool:
        """Revert the last command. False when there is nothing to undo."""
        if not self._undo_stack:
            return False
        command = self._undo_stack.pop()
        self._done -= 1
        done = command.undo()
        assert done, f"undo of {command.label!r} failed"
        self._redo_stack.append(command)
        return True

    @api(alias="r")
    def redo(self) -> bool:
        """Replay the last undone command. False when there is nothing to redo."""
        if not self._redo_stack:
            return False
        command = self._redo_stack.pop()
        self._in_redo = True
        try:
            done = command.redo()
        finally:
            self._in_redo = False
        assert done, f"redo of {command.label!r} failed"
        self._undo_stack.append(command)
        self._done += 1
        return True

    # ------------------------------------------------------------------
    # read-only helpers for tests and views (not part of the fuzzed API)

    def track_order(self) -> list[int]:
        """The tracks from bottom to top."""
        return list(self._track_order)

    def track_kind(self, track: int) -> TrackKind:
        """The kind of a track."""
        return self._track(track).kind

    def is_track_locked(self, track: int) -> bool:
        """Whether a track is locked."""
        return self._track(track).locked

    def track_items(self, track: int) -> list[int]:
        """The clips and compositions on a track, by position (clips first on a tie)."""
        holder = self._track(track)
        return sorted(
            holder.clips | holder.compositions,
            key=lambda i: (self._item(i).position, i in holder.compositions, i),
        )

    def bin_clip_name(self, bin_clip: int) -> str:
        """The name of a bin clip."""
        return self._bin_clip(bin_clip).name

    def bin_clip_duration(self, bin_clip: int) -> int:
        """The duration of a bin clip, in frames."""
        return self._bin_clip(bin_clip).duration

    def clip_bin_clip(self, clip: int) -> int:
        """The bin clip a timeline clip shows."""
        return self._clip(clip).bin_clip

    def clip_source_range(self, clip: int) -> tuple[int, int]:
        """The ``(in_point, out_point)`` of a clip inside its bin clip."""
        target = self._clip(clip)
        return target.in_point, target.out_point

    def composition_target(self, composition: int) -> int:
        """The track a composition blends with."""
        return self._composition(composition).target

    def group_children(self, group: int) -> list[int]:
        """The direct children (items or groups) of a group."""
        return sorted(self._group(group))

    def parent_group(self, node: int) -> int | None:
        """The group directly holding an item or group, or None."""
        return self._parent.get(node)

    def undo_count(self) -> int:
        """How many commands can be undone."""
        return len(self._undo_stack)

    def redo_count(self) -> int:
        """How many commands can be redone."""
        return len(self._redo_stack)

    def undo_labels(self) -> list[str]:
        """The labels of the undoable commands, oldest first."""
        return [command.label for command in self._undo_stack]

    def snapshot(self) -> dict[str, object]:
        """What the user sees, as plain comparable values: the undo/redo oracle's state.

        Undo followed by redo must give back an equal snapshot.  The selection
        is left out: it is not part of the history (undoing the insertion of a
        selected clip deselects it, and redo does not select it again).  The
        bin's usage counts, the id counter and the undo/redo stacks are
        bookkeeping, not state the user sees.
        """
        return {
            "bin": {b: (c.name, c.duration) for b, c in sorted(self._bin.items())},
            "tracks": tuple(
                (t, self._tracks[t].kind.value, self._tracks[t].locked) for t in self._track_order
            ),
            "clips": {
                c: (clip.bin_clip, clip.track, clip.position, clip.in_point, clip.out_point)
                for c, clip in sorted(self._clips.items())
            },
            "compositions": {
                c: (comp.track, comp.target, comp.position, comp.length)
                for c, comp in sorted(self._compositions.items())
            },
            "groups": {g: tuple(sorted(children)) for g, children in sorted(self._groups.items())},
            "parents": dict(sorted(self._parent.items())),
        }

    # ------------------------------------------------------------------
    # invariant

    @invariant
    def check_consistency(self) -> None:
        """Assert that the model is consistent; raises AssertionError naming what is not."""
        # In this order: when several things are broken, the first check names the bug.
        self._check_ids()
        self._check_bin()
        self._check_clips()
        self._check_compositions()
        self._check_tracks()
        self._check_groups()
        items = self._clips.keys() | self._compositions.keys()
        assert self._selection <= items, f"deleted items selected: {self._selection - items}"
        self._check_history()

    def _check_ids(self) -> None:
        """Every id is unique across kinds and came from the counter; track order is in sync."""
        kinds = (self._bin, self._tracks, self._clips, self._compositions, self._groups)
        seen: set[int] = set()
        for table in kinds:
            assert seen.isdisjoint(table), f"ids shared by two objects: {seen & table.keys()}"
            seen.update(table)
        assert all(0 < i < self._next_id for i in seen), "an id was not taken from the counter"

        assert sorted(self._track_order) == sorted(self._tracks), "track order out of sync"

    def _check_bin(self) -> None:
        """Every bin clip has a name, a duration in range and no negative usage count."""
        # A bin clip's usage count is the bin's own bookkeeping (like the clip list
        # Kdenlive's ProjectClip keeps); what the user sees, and what is checked
        # below, is that every timeline clip's bin clip exists.
        for bin_id, source in self._bin.items():
            assert source.name.strip(), f"bin clip {bin_id} has no name"
            assert 1 <= source.duration <= MAX_DURATION, f"bin clip {bin_id} has a bad duration"
            assert source.usage >= 0, f"bin clip {bin_id} has a negative usage count"

    def _check_clips(self) -> None:
        """Every clip is on its live track and shows frames of a live bin clip."""
        for clip_id, clip in self._clips.items():
            assert clip.track in self._tracks, f"clip {clip_id} is on deleted track {clip.track}"
            assert clip_id in self._tracks[clip.track].clips, f"clip {clip_id} is not on its track"
            assert clip.bin_clip in self._bin, (
                f"clip {clip_id} shows deleted bin clip {clip.bin_clip}"
            )
            duration = self._bin[clip.bin_clip].duration
            assert 0 <= clip.in_point < clip.out_point <= duration, (
                f"clip {clip_id} shows frames [{clip.in_point}, {clip.out_point}) "
                f"of a {duration}-frame bin clip"
            )
            assert clip.position >= 0, f"clip {clip_id} starts before frame 0"

    def _check_compositions(self) -> None:
        """Every composition is on its live video track and targets another one."""
        for comp_id, comp in self._compositions.items():
            assert comp.track in self._tracks, f"composition {comp_id} is on a deleted track"
            assert comp_id in self._tracks[comp.track].compositions, (
                f"composition {comp_id} is not on its track"
            )
            assert comp.target in self._tracks, (
                f"composition {comp_id} targets deleted track {comp.target}"
            )
            assert comp.target != comp.track, f"composition {comp_id} targets its own track"
            assert self._tracks[comp.track].kind is TrackKind.VIDEO, (
                f"composition {comp_id} is on an audio track"
            )
            assert self._tracks[comp.target].kind is TrackKind.VIDEO, (
                f"composition {comp_id} targets an audio track"
            )
            assert comp.length >= 1 and comp.position >= 0, f"composition {comp_id} is malformed"

    def _check_tracks(self) -> None:
        """Every track lists its own live items, and no two of them overlap."""
        for track_id, track in self._tracks.items():
            tables: tuple[tuple[set[int], dict[int, Clip] | dict[int, Composition]], ...] = (
                (track.clips, self._clips),
                (track.compositions, self._compositions),
            )
            for members, table in tables:
                assert members <= table.keys(), f"track {track_id} lists deleted items"
                assert all(table[i].track == track_id for i in members), (
                    f"track {track_id} lists an item of another track"
                )
                spans = sorted((table[i].position, table[i].end, i) for i in members)
                for (_, end, left), (start, _, right) in itertools.pairwise(spans):
                    assert end <= start, f"items {left} and {right} overlap on track {track_id}"

    def _check_groups(self) -> None:
        """Groups hold live items or groups, agree with the parent links, and form no cycle."""
        items = self._clips.keys() | self._compositions.keys()
        for group_id, children in self._groups.items():
            assert children, f"group {group_id} is empty"
            for child in children:
                assert child in items or child in self._groups, (
                    f"group {group_id} holds {child}, which is neither an item nor a group"
                )
                assert self._parent.get(child) == group_id, (
                    f"{child} is in group {group_id} but its parent link says "
                    f"{self._parent.get(child)}"
                )
        for child, parent in self._parent.items():
            assert parent in self._groups, f"{child} belongs to deleted group {parent}"
            assert child in self._groups[parent], f"{child} points to group {parent} not holding it"
        for group_id in self._groups:
            node, steps = group_id, 0
            while node in self._parent:
                node, steps = self._parent[node], steps + 1
                assert steps <= len(self._groups), f"group {group_id} is in a cycle"

    def _check_history(self) -> None:
        """The undo stack matches its counter, and the stacks hold undo commands."""
        assert len(self._undo_stack) == self._done, "undo stack out of sync with its counter"
        # Commands never change once pushed, and this runs after every call: checking the
        # top of each stack covers every command, without growing with the history.
        for command in (stack[-1] for stack in (self._undo_stack, self._redo_stack) if stack):
            assert isinstance(command, UndoCommand), f"{command!r} is not an undo command"
            assert callable(command.undo) and callable(command.redo), (
                f"command {command.label!r} is not a pair of functions"
            )

    # ------------------------------------------------------------------
    # lookups: the model asserts, like Kdenlive, that the view never passes
    # an id of the wrong kind

    def _bug(self, name: str) -> bool:
        assert name in ALL_BUGS, f"unknown seeded bug {name!r}"
        return name in self._bugs

    def _new_id(self) -> int:
        new_id = self._next_id
        self._next_id += 1
        return new_id

    def _bin_clip(self, bin_clip: int) -> BinClip:
        assert bin_clip in self._bin, f"{bin_clip} is not a bin clip"
        return self._bin[bin_clip]

    def _track(self, track: int) -> Track:
        assert track in self._tracks, f"{track} is not a track"
        return self._tracks[track]

    def _clip(self, clip: int) -> Clip:
        assert clip in self._clips, f"{clip} is not a timeline clip"
        return self._clips[clip]

    def _composition(self, composition: int) -> Composition:
        assert composition in self._compositions, f"{composition} is not a composition"
        return self._compositions[composition]

    def _group(self, group: int) -> set[int]:
        assert group in self._groups, f"{group} is not a group"
        return self._groups[group]

    def _assert_item(self, item: int) -> None:
        assert item in self._clips or item in self._compositions, f"{item} is not an item"

    def _item(self, item: int) -> Item:
        if item in self._clips:
            return self._clips[item]
        assert item in self._compositions, f"{item} is not an item"
        return self._compositions[item]

    def _members(self, item: int, track: Track) -> set[int]:
        """The set of ``track`` that holds items of ``item``'s kind."""
        return track.clips if item in self._clips else track.compositions

    def _root(self, node: int) -> int:
        """The top-level group holding ``node``, or ``node`` itself."""
        while (parent := self._parent.get(node)) is not None:
            node = parent
        return node

    def _leaves(self, node: int) -> list[int]:
        """The items under ``node`` (an item is its own only leaf), sorted."""
        leaves: list[int] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if current in self._groups:
                pending.extend(self._groups[current])
            else:
                leaves.append(current)
        return sorted(leaves)

    def _collides(
        self, track: int, start: int, length: int, exclude: frozenset[int], *, compositions: bool
    ) -> bool:
        """Whether ``[start, start + length)`` overlaps an item of the same kind on ``track``.

        Items that touch (one ends where the next starts) do not collide.
        """
        holder = self._tracks[track]
        members = holder.compositions if compositions else holder.clips
        last = start + length - 1  # the last frame covered, inclusive
        for other_id in members:
            if other_id in exclude:
                continue
            other = self._item(other_id)
            other_last = other.end - 1
            if self._bug("collision_off_by_one"):
                # Inclusive last frames compared strictly: a one-frame overlap slips through.
                if start < other_last and other.position < last:
                    return True
            elif start <= other_last and other.position <= last:
                return True
        return False

    # ------------------------------------------------------------------
    # composite requests

    def _request_move(self, item: int, track: int, position: int, label: str) -> bool:
        """Move ``item`` to (track, position) and its whole group by the same offsets."""
        _check_range(position, 0, MAX_POSITION, "position")
        moved = self._item(item)
        track_shift = self._track_order.index(track) - self._track_order.index(moved.track)
        frame_shift = position - moved.position
        if track_shift == 0 and frame_shift == 0:
            return True
        members = self._leaves(self._root(item))
        plan: dict[int, tuple[int, int]] = {}
        for member in members:
            current = self._item(member)
            index = self._track_order.index(current.track) + track_shift
            if not 0 <= index < len(self._track_order):
                return False
            new_track, new_position = self._track_order[index], current.position + frame_shift
            if not 0 <= new_position <= MAX_POSITION:
                return False
            # Every member's source and destination must be unlocked; the seeded
            # bug only checks the item being dragged.
            checks_lock = member == item or not self._bug("group_move_ignores_lock")
            if checks_lock and (
                self._tracks[current.track].locked or self._tracks[new_track].locked
            ):
                return False
            if isinstance(current, Composition) and (
                self._tracks[new_track].kind is not TrackKind.VIDEO or new_track == current.target
            ):
                return False
            plan[member] = (new_track, new_position)
        moving = frozenset(members)
        for member, (new_track, new_position) in plan.items():
            current = self._item(member)
            is_composition = isinstance(current, Composition)
            if self._collides(
                new_track, new_position, current.length, moving, compositions=is_composition
            ):
                return False
        # Take every member off its track first, then put them all back: members
        # may swap places with each other on the way.
        rec = Recorder()
        for member in members:
            current = self._item(member)
            old_track, old_position = current.track, current.position
            reattach: Fun
            if self._bug("group_move_undo_late_binding"):
                # The closure reads the loop variables when undo runs, so every
                # reverse operation re-attaches the last member only.
                reattach = lambda: self._attach(member, old_track, old_position)  # noqa: B023, E731
            else:
                reattach = partial(self._attach, member, old_track, old_position)
            rec.run(partial(self._detach, member), reattach)
        for member in members:
            rec.run(partial(self._attach, member, *plan[member]), partial(self._detach, member))
        self._push_undo(rec, label)
        return True

    def _request_delete(self, roots: set[int], label: str) -> bool:
        """Delete every item under ``roots``; False if any is on a locked track."""
        doomed = sorted({leaf for root in roots for leaf in self._leaves(root)})
        if any(self._tracks[self._item(item).track].locked for item in doomed):
            return False
        rec = Recorder()
        for item in doomed:
            self._record_delete_item(rec, item)
        self._push_undo(rec, label)
        return True

    def _record_delete_item(self, rec: Recorder, item: int) -> None:
        """Deselect an item, take it out of its groups and destroy it."""
        self._selection.discard(item)
        self._record_leave_groups(rec, item)
        self._record_destroy(rec, item)

    def _record_destroy(self, rec: Recorder, item: int) -> None:
        if item in self._clips:
            snapshot = replace(self._clips[item])
            rec.run(
                partial(self._destroy_clip, item),
                partial(self._create_clip, item, snapshot, True),
            )
        else:
            comp = replace(self._compositions[item])
            rec.run(
                partial(self._destroy_composition, item),
                partial(self._create_composition, item, comp),
            )

    def _record_leave_groups(self, rec: Recorder, item: int) -> None:
        """Take ``item`` out of its group, removing the groups this leaves empty."""
        child, parent = item, self._parent.get(item)
        while parent is not None:
            rec.run(partial(self._unparent, child), partial(self._reparent, child, parent))
            if child != item:  # an emptied group
                rec.run(
                    partial(self._remove_empty_group, child),
                    partial(self._add_empty_group, child),
                )
            if self._groups[parent]:
                return
            child, parent = parent, self._parent.get(parent)
        if child != item:  # an emptied top-level group
            rec.run(partial(self._remove_empty_group, child), partial(self._add_empty_group, child))

    def _push_undo(self, rec: Recorder, label: str) -> None:
        """Push the pair built by ``rec`` (Kdenlive's ``pCore->pushUndo``)."""
        undo, redo = rec.functions()
        self._undo_stack.append(UndoCommand(label, undo, redo))
        self._done += 1
        # A new command makes the undone ones unreachable; the seeded bug keeps
        # them, so redo replays them on a state they were not made for.
        if not self._bug("redo_not_cleared"):
            self._redo_stack.clear()

    # ------------------------------------------------------------------
    # elementary operations: each returns True, and asserts what the
    # requests guarantee (undo and redo replay them on the exact state
    # they were recorded on)

    def _create_bin_clip(self, bin_clip: int, name: str, duration: int) -> bool:
        assert bin_clip not in self._bin, f"bin clip {bin_clip} already exists"
        self._bin[bin_clip] = BinClip(name, duration)
        return True

    def _remove_bin_clip(self, bin_clip: int) -> bool:
        assert self._bin[bin_clip].usage == 0, f"bin clip {bin_clip} is still used"
        del self._bin[bin_clip]
        return True

    def _rename_bin_clip(self, bin_clip: int, name: str) -> bool:
        self._bin[bin_clip].name = name
        return True

    def _create_track(self, track: int, index: int, kind: TrackKind, locked: bool) -> bool:
        assert track not in self._tracks, f"track {track} already exists"
        assert 0 <= index <= len(self._track_order), f"no track index {index}"
        self._tracks[track] = Track(kind, locked)
        self._track_order.insert(index, track)
        return True

    def _remove_track(self, track: int) -> bool:
        holder = self._tracks[track]
        assert not holder.clips and not holder.compositions, f"track {track} is not empty"
        assert not holder.locked, f"track {track} is locked"
        assert all(c.target != track for c in self._compositions.values()), (
            f"a composition still targets track {track}"
        )
        del self._tracks[track]
        self._track_order.remove(track)
        return True

    def _set_track_locked(self, track: int, locked: bool) -> bool:
        self._tracks[track].locked = locked
        return True

    def _create_clip(self, clip: int, data: Clip, register: bool) -> bool:
        assert clip not in self._clips and clip not in self._compositions, f"{clip} exists"
        holder = self._tracks[data.track]
        assert not holder.locked, f"track {data.track} is locked"
        # A private copy: the snapshot held by undo/redo must not change.
        self._clips[clip] = replace(data)
        holder.clips.add(clip)
        if register:
            self._bin[data.bin_clip].usage += 1
        return True

    def _destroy_clip(self, clip: int) -> bool:
        data = self._clips.pop(clip)
        holder = self._tracks[data.track]
        assert not holder.locked, f"track {data.track} is locked"
        holder.clips.remove(clip)
        source = self._bin[data.bin_clip]
        assert source.usage > 0, f"bin clip {data.bin_clip} has no registered use"
        source.usage -= 1
        # Whatever destroys an item (a request, an undo, a redo) deselects it;
        # the seeded bug forgets to when a redo destroys it.
        if not (self._in_redo and self._bug("redo_keeps_selection")):
            self._selection.discard(clip)
        return True

    def _set_clip_bounds(self, clip: int, position: int, in_point: int, out_point: int) -> bool:
        data = self._clips[clip]
        assert not self._tracks[data.track].locked, f"track {data.track} is locked"
        data.position, data.in_point, data.out_point = position, in_point, out_point
        return True

    def _create_composition(self, composition: int, data: Composition) -> bool:
        assert composition not in self._compositions and composition not in self._clips, (
            f"{composition} exists"
        )
        holder = self._tracks[data.track]
        assert not holder.locked, f"track {data.track} is locked"
        self._compositions[composition] = replace(data)
        holder.compositions.add(composition)
        return True

    def _destroy_composition(self, composition: int) -> bool:
        data = self._compositions.pop(composition)
        holder = self._tracks[data.track]
        assert not holder.locked, f"track {data.track} is locked"
        holder.compositions.remove(composition)
        if not (self._in_redo and self._bug("redo_keeps_selection")):
            self._selection.discard(composition)
        return True

    def _set_composition_bounds(self, composition: int, position: int, length: int) -> bool:
        data = self._compositions[composition]
        assert not self._tracks[data.track].locked, f"track {data.track} is locked"
        data.position, data.length = position, length
        return True

    def _set_composition_target(self, composition: int, target: int) -> bool:
        assert target in self._tracks, f"{target} is not a track"
        self._compositions[composition].target = target
        return True

    def _detach(self, item: int) -> bool:
        """Take an item off its track (it keeps its place until re-attached)."""
        data = self._item(item)
        holder = self._tracks[data.track]
        assert not holder.locked, f"track {data.track} is locked"
        members = self._members(item, holder)
        assert item in members, f"item {item} is not on its track"
        members.remove(item)
        return True

    def _attach(self, item: int, track: int, position: int) -> bool:
        """Put a detached item on ``track`` at ``position``."""
        data = self._item(item)
        current = self._tracks.get(data.track)
        assert current is None or item not in self._members(item, current), (
            f"item {item} is already on a track"
        )
        holder = self._tracks[track]
        assert not holder.locked, f"track {track} is locked"
        data.track, data.position = track, position
        self._members(item, holder).add(item)
        return True

    def _create_group(self, group: int, children: tuple[int, ...], parent: int | None) -> bool:
        """Create ``group`` holding ``children`` (taken from ``parent``) inside ``parent``."""
        assert group not in self._groups, f"group {group} already exists"
        assert children, f"group {group} would be empty"
        for child in children:
            assert self._parent.get(child) == parent, f"{child} is not in group {parent}"
            if parent is not None:
                self._groups[parent].remove(child)
            self._parent[child] = group
        self._groups[group] = set(children)
        if parent is not None:
            self._groups[parent].add(group)
            self._parent[group] = parent
        return True

    def _dissolve_group(self, group: int) -> bool:
        """Remove ``group``; its children move up to its parent (or become top-level)."""
        children = self._groups.pop(group)
        parent = self._parent.pop(group, None)
        if parent is not None:
            self._groups[parent].remove(group)
        for child in children:
            del self._parent[child]
            if parent is not None:
                self._groups[parent].add(child)
                # The seeded bug re-lists the children in the parent group but
                # loses their link to it.
                if not self._bug("ungroup_nested_loses_parent"):
                    self._parent[child] = parent
        return True

    def _unparent(self, node: int) -> bool:
        parent = self._parent.pop(node)
        self._groups[parent].remove(node)
        return True

    def _reparent(self, node: int, parent: int) -> bool:
        assert node not in self._parent, f"{node} is already grouped"
        self._groups[parent].add(node)
        self._parent[node] = parent
        return True

    def _add_empty_group(self, group: int) -> bool:
        assert group not in self._groups, f"group {group} already exists"
        self._groups[group] = set()
        return True

    def _remove_empty_group(self, group: int) -> bool:
        assert not self._groups[group], f"group {group} is not empty"
        assert group not in self._parent, f"group {group} is still grouped"
        del self._groups[group]
        return True
