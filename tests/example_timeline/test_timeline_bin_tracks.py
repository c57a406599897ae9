"""The project bin and the track stack of the example timeline."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from example_timeline import (
    MAX_DURATION,
    MAX_TRACKS,
    Side,
    Timeline,
    TimelineError,
    TrackKind,
)


def test_new_timeline_has_kdenlive_default_tracks(timeline: Timeline) -> None:
    audio1, audio2, video1, video2 = timeline.track_order()
    assert [timeline.track_kind(t) for t in (audio1, audio2, video1, video2)] == [
        TrackKind.AUDIO,
        TrackKind.AUDIO,
        TrackKind.VIDEO,
        TrackKind.VIDEO,
    ]
    assert timeline.track_ids() == sorted(timeline.track_order())
    assert timeline.clip_ids() == [] and timeline.bin_clip_ids() == []
    assert timeline.undo_count() == 0


def test_factory_sets_the_number_of_tracks(new_timeline: Callable[..., Timeline]) -> None:
    model = new_timeline(video_tracks=3, audio_tracks=0)
    assert [model.track_kind(t) for t in model.track_order()] == [TrackKind.VIDEO] * 3
    assert new_timeline(0, 0).track_ids() == []


@pytest.mark.parametrize(("video", "audio"), [(-1, 0), (0, 9), (10**18, 1)])
def test_factory_refuses_unreasonable_track_counts(video: int, audio: int) -> None:
    with pytest.raises(TimelineError):
        Timeline(video_tracks=video, audio_tracks=audio)


def test_add_bin_clip(timeline: Timeline) -> None:
    red = timeline.add_bin_clip("red", 25)
    blue = timeline.add_bin_clip("blue clip", 100)
    assert timeline.bin_clip_ids() == [red, blue]
    assert timeline.bin_clip_name(blue) == "blue clip"
    assert timeline.bin_clip_duration(red) == 25


@pytest.mark.parametrize(("name", "duration"), [("", 10), ("   ", 10), ("x" * 1001, 10),
                                                ("ok", 0), ("ok", -5), ("ok", MAX_DURATION + 1)])
def test_add_bin_clip_refuses_bad_values(timeline: Timeline, name: str, duration: int) -> None:
    with pytest.raises(TimelineError):
        timeline.add_bin_clip(name, duration)
    assert timeline.bin_clip_ids() == []
    assert timeline.undo_count() == 0


def test_rename_bin_clip_and_undo(timeline: Timeline) -> None:
    clip = timeline.add_bin_clip("interview", 50)
    assert timeline.rename_bin_clip(clip, "interview take 2")
    assert timeline.bin_clip_name(clip) == "interview take 2"
    assert timeline.undo()
    assert timeline.bin_clip_name(clip) == "interview"
    assert timeline.redo()
    assert timeline.bin_clip_name(clip) == "interview take 2"
    with pytest.raises(TimelineError):
        timeline.rename_bin_clip(clip, "")


def test_delete_unused_bin_clip(timeline: Timeline) -> None:
    keep = timeline.add_bin_clip("keep", 10)
    drop = timeline.add_bin_clip("drop", 10)
    assert timeline.delete_bin_clip(drop)
    assert timeline.bin_clip_ids() == [keep]
    assert timeline.undo()
    assert timeline.bin_clip_ids() == [keep, drop]
    assert timeline.bin_clip_name(drop) == "drop"


def test_bin_clip_used_on_the_timeline_cannot_be_deleted(timeline: Timeline) -> None:
    audio1 = timeline.track_order()[0]
    source = timeline.add_bin_clip("music", 30)
    clip = timeline.insert_clip(source, audio1, 0)
    again = timeline.insert_clip(source, audio1, 100)
    assert not timeline.delete_bin_clip(source)
    assert timeline.delete_item(clip)
    assert not timeline.delete_bin_clip(source), "the second use remains"
    assert timeline.delete_item(again)
    assert timeline.delete_bin_clip(source)
    assert timeline.bin_clip_ids() == []


def test_insert_track_at_an_index(timeline: Timeline) -> None:
    audio1, audio2, video1, video2 = timeline.track_order()
    middle = timeline.insert_track(2, TrackKind.VIDEO)
    assert timeline.track_order() == [audio1, audio2, middle, video1, video2]
    bottom = timeline.insert_track(0, TrackKind.AUDIO)
    assert timeline.track_order()[0] == bottom
    top = timeline.insert_track(31, TrackKind.VIDEO)
    assert timeline.track_order()[-1] == top, "an index past the top means on top"


def test_insert_track_refusals(new_timeline: Callable[..., Timeline]) -> None:
    model = new_timeline(0, 0)
    with pytest.raises(TimelineError):
        model.insert_track(-1, TrackKind.VIDEO)
    with pytest.raises(TimelineError):
        model.insert_track(MAX_TRACKS + 1, TrackKind.VIDEO)
    for _ in range(MAX_TRACKS):
        model.insert_track(0, TrackKind.AUDIO)
    with pytest.raises(TimelineError):
        model.insert_track(0, TrackKind.AUDIO)
    assert len(model.track_ids()) == MAX_TRACKS


def test_delete_track_deletes_its_items(timeline: Timeline) -> None:
    audio1, audio2, video1, video2 = timeline.track_order()
    source = timeline.add_bin_clip("shot", 20)
    doomed = timeline.insert_clip(source, video1, 0)
    kept = timeline.insert_clip(source, video2, 0)
    composition = timeline.insert_composition(video1, video2, 5, 10)
    assert timeline.delete_track(video1)
    assert timeline.track_order() == [audio1, audio2, video2]
    assert timeline.clip_ids() == [kept]
    assert timeline.composition_ids() == []
    assert timeline.undo()
    assert timeline.track_order() == [audio1, audio2, video1, video2]
    assert timeline.clip_ids() == [doomed, kept]
    assert timeline.composition_ids() == [composition]
    assert timeline.get_item_track(doomed) == video1


def test_delete_track_deletes_compositions_targeting_it(timeline: Timeline) -> None:
    _, _, video1, video2 = timeline.track_order()
    composition = timeline.insert_composition(video2, video1, 0, 25)
    assert timeline.delete_track(video1)
    assert composition not in timeline.composition_ids()
    assert timeline.undo()
    assert timeline.composition_target(composition) == video1


def test_locked_track_cannot_be_deleted(timeline: Timeline) -> None:
    video2 = timeline.track_order()[3]
    assert timeline.lock_track(video2)
    assert not timeline.delete_track(video2)
    assert timeline.unlock_track(video2)
    assert timeline.delete_track(video2)


def test_lock_and_unlock_are_undoable(timeline: Timeline) -> None:
    audio1 = timeline.track_order()[0]
    assert timeline.lock_track(audio1)
    assert not timeline.lock_track(audio1), "already locked"
    assert timeline.is_track_locked(audio1)
    assert timeline.undo()
    assert not timeline.is_track_locked(audio1)
    assert not timeline.unlock_track(audio1), "not locked"
    assert timeline.redo()
    assert timeline.is_track_locked(audio1)


def test_locked_track_refuses_edits(timeline: Timeline) -> None:
    audio1, audio2, _, _ = timeline.track_order()
    source = timeline.add_bin_clip("voice", 40)
    clip = timeline.insert_clip(source, audio1, 0)
    assert timeline.lock_track(audio1)
    with pytest.raises(TimelineError):
        timeline.insert_clip(source, audio1, 100)
    assert not timeline.move_clip(clip, audio2, 0)
    assert not timeline.move_clip(clip, audio1, 50)
    assert not timeline.resize_clip(clip, 10, Side.RIGHT)
    with pytest.raises(TimelineError):
        timeline.cut_clip(clip, 20)
    assert not timeline.delete_item(clip)
    assert timeline.get_item_position(clip) == 0
    assert timeline.get_item_duration(clip) == 40

