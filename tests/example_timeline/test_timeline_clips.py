"""Clips on the example timeline: insert, move, resize, cut and delete."""

from __future__ import annotations

import pytest

from example_timeline import MAX_POSITION, Side, Timeline, TimelineError


@pytest.fixture
def source(timeline: Timeline) -> int:
    """A 20-frame bin clip."""
    return timeline.add_bin_clip("shot", 20)


def test_insert_clip_uses_the_whole_bin_clip(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 100)
    assert timeline.clip_ids() == [clip]
    assert timeline.item_ids() == [clip]
    assert timeline.get_item_track(clip) == video1
    assert timeline.get_item_position(clip) == 100
    assert timeline.get_item_duration(clip) == 20
    assert timeline.clip_source_range(clip) == (0, 20)
    assert timeline.clip_bin_clip(clip) == source
    assert timeline.track_items(video1) == [clip]


def test_touching_clips_do_not_collide(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    first = timeline.insert_clip(source, video1, 0)
    second = timeline.insert_clip(source, video1, 20)
    before = timeline.insert_clip(source, video1, 40)
    assert timeline.track_items(video1) == [first, second, before]


@pytest.mark.parametrize("position", [1, 10, 15, 0])
def test_overlapping_insert_is_refused(timeline: Timeline, source: int, position: int) -> None:
    video1 = timeline.track_order()[2]
    timeline.insert_clip(source, video1, 0)
    with pytest.raises(TimelineError):
        timeline.insert_clip(source, video1, position)
    assert len(timeline.clip_ids()) == 1


def test_insert_between_clips(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    left = timeline.insert_clip(source, video1, 0)
    right = timeline.insert_clip(source, video1, 40)
    with pytest.raises(TimelineError):
        timeline.insert_clip(source, video1, 25)  # would cover frames 25 to 44
    middle = timeline.insert_clip(source, video1, 20)  # exactly fills the gap
    assert timeline.track_items(video1) == [left, middle, right]


@pytest.mark.parametrize("position", [-1, -(10**9), MAX_POSITION + 1, 2**63])
def test_insert_refuses_positions_out_of_range(
    timeline: Timeline, source: int, position: int
) -> None:
    with pytest.raises(TimelineError):
        timeline.insert_clip(source, timeline.track_order()[0], position)


def test_same_clip_on_audio_and_video_tracks(timeline: Timeline, source: int) -> None:
    audio1, _, video1, _ = timeline.track_order()
    picture = timeline.insert_clip(source, video1, 0)
    sound = timeline.insert_clip(source, audio1, 0)
    assert timeline.get_item_track(picture) != timeline.get_item_track(sound)


def test_move_clip_along_and_across_tracks(timeline: Timeline, source: int) -> None:
    _, _, video1, video2 = timeline.track_order()
    clip = timeline.insert_clip(source, video1, 0)
    assert timeline.move_clip(clip, video1, 50)
    assert timeline.get_item_position(clip) == 50
    assert timeline.move_clip(clip, video2, 10)
    assert (timeline.get_item_track(clip), timeline.get_item_position(clip)) == (video2, 10)
    assert timeline.track_items(video1) == []
    assert timeline.track_items(video2) == [clip]


def test_move_onto_another_clip_is_refused(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    left = timeline.insert_clip(source, video1, 0)
    right = timeline.insert_clip(source, video1, 30)
    commands = timeline.undo_count()
    assert not timeline.move_clip(right, video1, 15)
    assert timeline.get_item_position(right) == 30
    assert timeline.undo_count() == commands, "a refused move is not undoable"
    assert timeline.move_clip(right, video1, 20), "touching is fine"
    assert timeline.move_clip(left, video1, 0), "not moving at all is fine"
    assert timeline.undo_labels()[commands:] == ["Move clip"]


def test_move_clip_to_a_negative_position_is_refused(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 0)
    with pytest.raises(TimelineError):
        timeline.move_clip(clip, video1, -1)


def test_resize_clip_from_the_right(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 10)
    assert timeline.resize_clip(clip, 5, Side.RIGHT)
    assert timeline.clip_source_range(clip) == (0, 5)
    assert timeline.get_item_position(clip) == 10
    assert timeline.resize_clip(clip, 20, Side.RIGHT)
    assert not timeline.resize_clip(clip, 21, Side.RIGHT), "the source has 20 frames"
    assert timeline.get_item_duration(clip) == 20


def test_resize_clip_from_the_left_moves_its_start(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 10)
    assert timeline.resize_clip(clip, 15, Side.LEFT)
    assert timeline.get_item_position(clip) == 15
    assert timeline.clip_source_range(clip) == (5, 20)
    assert not timeline.resize_clip(clip, 21, Side.LEFT)
    assert timeline.resize_clip(clip, 20, Side.LEFT)
    assert timeline.get_item_position(clip) == 10


def test_trimmed_clip_grows_back(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 0)
    assert timeline.resize_clip(clip, 10, Side.LEFT)
    assert timeline.resize_clip(clip, 4, Side.RIGHT)
    assert timeline.clip_source_range(clip) == (10, 14)
    assert timeline.get_item_position(clip) == 10
    assert timeline.resize_clip(clip, 10, Side.RIGHT)
    assert timeline.resize_clip(clip, 20, Side.LEFT)
    assert timeline.clip_source_range(clip) == (0, 20)
    assert timeline.get_item_position(clip) == 0


def test_resize_into_a_neighbour_is_refused(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    left = timeline.insert_clip(source, video1, 0)
    timeline.resize_clip(left, 10, Side.RIGHT)
    timeline.insert_clip(source, video1, 10)
    assert not timeline.resize_clip(left, 15, Side.RIGHT)
    with pytest.raises(TimelineError):
        timeline.resize_clip(left, 0, Side.RIGHT)
    with pytest.raises(TimelineError):
        timeline.resize_clip(left, 10**12, Side.LEFT)


def test_cut_clip_in_two(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 100)
    right = timeline.cut_clip(clip, 108)
    assert timeline.track_items(video1) == [clip, right]
    assert timeline.clip_source_range(clip) == (0, 8)
    assert timeline.clip_source_range(right) == (8, 20)
    assert timeline.get_item_position(right) == 108
    assert timeline.clip_bin_clip(right) == source


@pytest.mark.parametrize("frame", [99, 100, 120, 121, -3])
def test_cut_outside_the_clip_is_refused(timeline: Timeline, source: int, frame: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 100)
    with pytest.raises(TimelineError):
        timeline.cut_clip(clip, frame)
    assert timeline.clip_ids() == [clip]


def test_cut_a_trimmed_clip(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    clip = timeline.insert_clip(source, video1, 0)
    assert timeline.resize_clip(clip, 15, Side.LEFT)  # frames [5, 20) at position 5
    with pytest.raises(TimelineError):
        timeline.cut_clip(clip, 5)  # its first frame
    right = timeline.cut_clip(clip, 19)
    assert timeline.clip_source_range(clip) == (5, 19)
    assert timeline.clip_source_range(right) == (19, 20)


def test_delete_clip(timeline: Timeline, source: int) -> None:
    video1 = timeline.track_order()[2]
    first = timeline.insert_clip(source, video1, 0)
    second = timeline.insert_clip(source, video1, 20)
    assert timeline.delete_item(first)
    assert timeline.clip_ids() == [second]
    assert timeline.insert_clip(source, video1, 0) not in (first, second), "ids are not reused"
