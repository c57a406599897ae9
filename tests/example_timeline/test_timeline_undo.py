"""Undo and redo of every kind of command of the example timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from example_timeline import Side, Timeline, TrackKind

Snapshot = tuple[object, ...]


def snapshot(model: Timeline) -> Snapshot:
    """Everything a user can observe, through the public API."""
    tracks = tuple(
        (t, model.track_kind(t), model.is_track_locked(t), tuple(model.track_items(t)))
        for t in model.track_order()
    )
    bin_clips = tuple(
        (b, model.bin_clip_name(b), model.bin_clip_duration(b)) for b in model.bin_clip_ids()
    )
    items = tuple(
        (
            i,
            model.get_item_track(i),
            model.get_item_position(i),
            model.get_item_duration(i),
            model.get_group(i),
            model.parent_group(i),
        )
        for i in model.item_ids()
    )
    clips = tuple((c, model.clip_bin_clip(c), model.clip_source_range(c)) for c in model.clip_ids())
    compositions = tuple((c, model.composition_target(c)) for c in model.composition_ids())
    groups = tuple((g, tuple(model.group_children(g)), model.parent_group(g))
                   for g in model.group_ids())
    return tracks, bin_clips, items, clips, compositions, groups


class Scene:
    """A small edit on three video and two audio tracks.

    Two clips and a composition on the video tracks, and a music clip grouped
    with a voice-over on the audio tracks.
    """

    def __init__(self, model: Timeline) -> None:
        self.model = model
        self.audio1, self.audio2, self.video1, self.video2, self.video3 = model.track_order()
        self.source = model.add_bin_clip("scene", 30)
        self.spare = model.add_bin_clip("spare", 10)
        self.unused = model.add_bin_clip("unused", 5)
        self.first = model.insert_clip(self.source, self.video1, 0)
        self.second = model.insert_clip(self.source, self.video1, 40)
        self.composition = model.insert_composition(self.video2, self.video1, 0, 20)
        self.music = model.insert_clip(self.source, self.audio1, 0)
        self.voice = model.insert_clip(self.spare, self.audio2, 5)
        self.group = model.group_items({self.music, self.voice})


def _delete_second_by_selection(scene: Scene) -> bool:
    scene.model.select_items({scene.second})
    return scene.model.delete_selection()


ACTIONS: dict[str, Callable[[Scene], object]] = {
    "add_bin_clip": lambda s: s.model.add_bin_clip("new", 5),
    "rename_bin_clip": lambda s: s.model.rename_bin_clip(s.source, "renamed"),
    "delete_bin_clip": lambda s: s.model.delete_bin_clip(s.unused),
    "insert_track": lambda s: s.model.insert_track(1, TrackKind.AUDIO),
    "delete_track": lambda s: s.model.delete_track(s.video2),
    "lock_track": lambda s: s.model.lock_track(s.audio2),
    "insert_clip": lambda s: s.model.insert_clip(s.spare, s.audio1, 70),
    "move_clip": lambda s: s.model.move_clip(s.second, s.video2, 100),
    "resize_clip": lambda s: s.model.resize_clip(s.second, 12, Side.LEFT),
    "cut_clip": lambda s: s.model.cut_clip(s.first, 13),
    "insert_composition": lambda s: s.model.insert_composition(s.video1, s.video2, 80, 9),
    "move_composition": lambda s: s.model.move_composition(s.composition, s.video3, 60),
    "resize_composition": lambda s: s.model.resize_composition(s.composition, 5, Side.RIGHT),
    "set_composition_target": lambda s: s.model.set_composition_target(s.composition, s.video3),
    "delete_item": lambda s: s.model.delete_item(s.composition),
    "delete_group": lambda s: s.model.delete_item(s.voice),
    "group_items": lambda s: s.model.group_items({s.first, s.second}),
    "ungroup": lambda s: s.model.ungroup(s.group),
    "delete_selection": _delete_second_by_selection,
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_undo_restores_and_redo_replays(new_timeline: Callable[..., Timeline], action: str) -> None:
    scene = Scene(new_timeline(3, 2))
    model = scene.model
    before = snapshot(model)
    commands = model.undo_count()
    result = ACTIONS[action](scene)
    assert result is not False
    after = snapshot(model)
    assert after != before, "the action changed nothing"
    model.check_consistency()
    steps = model.undo_count() - commands
    for _ in range(steps):
        assert model.undo()
        model.check_consistency()
    assert snapshot(model) == before
    for _ in range(steps):
        assert model.redo()
        model.check_consistency()
    assert snapshot(model) == after


def test_nothing_to_undo_or_redo(timeline: Timeline) -> None:
    assert not timeline.undo()
    assert not timeline.redo()
    timeline.add_bin_clip("clip", 10)
    assert not timeline.redo()
    assert timeline.undo()
    assert not timeline.undo()


def test_new_command_clears_the_redo_stack(timeline: Timeline) -> None:
    video1 = timeline.track_order()[2]
    source = timeline.add_bin_clip("clip", 10)
    clip = timeline.insert_clip(source, video1, 0)
    assert timeline.move_clip(clip, video1, 50)
    assert timeline.undo()
    assert timeline.redo_count() == 1
    assert timeline.resize_clip(clip, 5, Side.RIGHT)
    assert timeline.redo_count() == 0
    assert not timeline.redo()
    assert timeline.get_item_position(clip) == 0


def test_refused_requests_are_not_undoable(timeline: Timeline) -> None:
    video1 = timeline.track_order()[2]
    source = timeline.add_bin_clip("clip", 10)
    clip = timeline.insert_clip(source, video1, 0)
    timeline.insert_clip(source, video1, 10)
    labels = timeline.undo_labels()
    assert not timeline.move_clip(clip, video1, 5)
    assert not timeline.resize_clip(clip, 11, Side.RIGHT)
    assert not timeline.delete_bin_clip(source)
    assert timeline.undo_labels() == labels == ["Add bin clip", "Insert clip", "Insert clip"]


def test_undo_everything_back_to_an_empty_project(new_timeline: Callable[..., Timeline]) -> None:
    timeline = new_timeline(3, 2)
    empty = snapshot(timeline)
    scene = Scene(timeline)
    timeline.resize_clip(scene.second, 10, Side.RIGHT)
    timeline.move_clip(scene.first, scene.video3, 100)
    timeline.delete_track(scene.video2)
    timeline.lock_track(scene.audio1)
    edited = snapshot(timeline)
    while timeline.undo():
        timeline.check_consistency()
    assert snapshot(timeline) == empty
    while timeline.redo():
        timeline.check_consistency()
    assert snapshot(timeline) == edited


def test_undo_of_a_move_puts_the_clip_back(new_timeline: Callable[..., Timeline]) -> None:
    scene = Scene(new_timeline(3, 2))
    timeline = scene.model
    before = snapshot(timeline)
    assert timeline.move_clip(scene.second, scene.video3, 70)
    assert timeline.track_items(scene.video1) == [scene.first]
    assert timeline.undo()
    assert snapshot(timeline) == before
    assert timeline.track_items(scene.video1) == [scene.first, scene.second]


def test_ids_are_not_reused_after_undo(timeline: Timeline) -> None:
    first = timeline.add_bin_clip("a", 10)
    timeline.undo()
    second = timeline.add_bin_clip("b", 10)
    assert second != first
    assert not timeline.redo()


def test_undo_leaves_the_selection_alone(timeline: Timeline) -> None:
    source = timeline.add_bin_clip("a", 10)
    clip = timeline.insert_clip(source, timeline.track_order()[0], 0)
    timeline.select_items({clip})
    assert timeline.move_clip(clip, timeline.track_order()[1], 20)
    assert timeline.undo()
    assert timeline.get_selection() == [clip]
    assert timeline.redo()
    assert timeline.get_selection() == [clip]
    assert timeline.get_item_track(clip) == timeline.track_order()[1]
