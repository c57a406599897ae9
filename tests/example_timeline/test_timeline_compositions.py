"""Compositions: transitions that blend one video track with another."""

from __future__ import annotations

import pytest

from example_timeline import Side, Timeline, TimelineError, TrackKind


def test_insert_composition(timeline: Timeline) -> None:
    _, _, video1, video2 = timeline.track_order()
    composition = timeline.insert_composition(video2, video1, 10, 25)
    assert timeline.composition_ids() == [composition]
    assert timeline.item_ids() == [composition]
    assert timeline.composition_target(composition) == video1
    assert timeline.get_item_track(composition) == video2
    assert timeline.get_item_position(composition) == 10
    assert timeline.get_item_duration(composition) == 25


def test_composition_needs_two_distinct_video_tracks(timeline: Timeline) -> None:
    audio1, _, video1, video2 = timeline.track_order()
    with pytest.raises(TimelineError):
        timeline.insert_composition(audio1, video1, 0, 10)
    with pytest.raises(TimelineError):
        timeline.insert_composition(video1, audio1, 0, 10)
    with pytest.raises(TimelineError):
        timeline.insert_composition(video1, video1, 0, 10)
    with pytest.raises(TimelineError):
        timeline.insert_composition(video1, video2, 0, 0)
    assert timeline.composition_ids() == []


def test_compositions_collide_with_compositions_only(timeline: Timeline) -> None:
    _, _, video1, video2 = timeline.track_order()
    source = timeline.add_bin_clip("shot", 50)
    clip = timeline.insert_clip(source, video2, 0)
    first = timeline.insert_composition(video2, video1, 0, 20)
    with pytest.raises(TimelineError):
        timeline.insert_composition(video2, video1, 15, 20)
    second = timeline.insert_composition(video2, video1, 20, 20)
    assert timeline.track_items(video2) == [clip, first, second]


def test_move_composition(timeline: Timeline) -> None:
    _, _, video1, video2 = timeline.track_order()
    video3 = timeline.insert_track(4, TrackKind.VIDEO)
    composition = timeline.insert_composition(video2, video1, 0, 10)
    assert timeline.move_composition(composition, video2, 40)
    assert timeline.move_composition(composition, video3, 40)
    assert timeline.get_item_track(composition) == video3
    assert timeline.composition_target(composition) == video1, "the target stays"
    assert not timeline.move_composition(composition, video1, 40), "onto its own target"
    assert not timeline.move_composition(composition, timeline.track_order()[0], 40)
    assert timeline.get_item_track(composition) == video3


def test_resize_composition_both_sides(timeline: Timeline) -> None:
    _, _, video1, video2 = timeline.track_order()
    composition = timeline.insert_composition(video2, video1, 100, 10)
    assert timeline.resize_composition(composition, 30, Side.RIGHT)
    assert timeline.get_item_duration(composition) == 30
    assert timeline.resize_composition(composition, 50, Side.LEFT)
    assert timeline.get_item_position(composition) == 80
    assert not timeline.resize_composition(composition, 200, Side.LEFT), "before frame 0"
    blocker = timeline.insert_composition(video2, video1, 130, 5)
    assert not timeline.resize_composition(composition, 55, Side.RIGHT)
    assert blocker in timeline.composition_ids()


def test_set_composition_target(timeline: Timeline) -> None:
    audio1, _, video1, video2 = timeline.track_order()
    video3 = timeline.insert_track(4, TrackKind.VIDEO)
    composition = timeline.insert_composition(video2, video1, 0, 10)
    assert timeline.set_composition_target(composition, video3)
    assert timeline.composition_target(composition) == video3
    assert not timeline.set_composition_target(composition, audio1)
    assert not timeline.set_composition_target(composition, video2)
    assert timeline.undo()
    assert timeline.composition_target(composition) == video1


def test_delete_composition(timeline: Timeline) -> None:
    _, _, video1, video2 = timeline.track_order()
    composition = timeline.insert_composition(video2, video1, 0, 10)
    assert timeline.delete_item(composition)
    assert timeline.composition_ids() == []
    assert timeline.undo()
    assert timeline.composition_ids() == [composition]
