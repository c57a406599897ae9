"""Groups (nested, moved as a whole) and the selection."""

from __future__ import annotations

import pytest

from example_timeline import Timeline, TimelineError


@pytest.fixture
def clips(timeline: Timeline) -> list[int]:
    """Three 10-frame clips on the first video track at 0, 20 and 40."""
    video1 = timeline.track_order()[2]
    source = timeline.add_bin_clip("b-roll", 10)
    return [timeline.insert_clip(source, video1, position) for position in (0, 20, 40)]


def test_group_items(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    group = timeline.group_items({first, second})
    assert timeline.group_ids() == [group]
    assert timeline.group_children(group) == [first, second]
    assert timeline.get_group(first) == group
    assert timeline.get_group(third) is None


@pytest.mark.parametrize("how", ["empty", "single", "same group"])
def test_group_needs_two_separate_things(
    timeline: Timeline, clips: list[int], how: str
) -> None:
    first, second, _ = clips
    items: set[int] = set()
    if how == "single":
        items = {first}
    elif how == "same group":
        timeline.group_items({first, second})
        items = {first, second}
    with pytest.raises(TimelineError):
        timeline.group_items(items)


def test_grouping_groups_nests_them(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    inner = timeline.group_items({first, second})
    outer = timeline.group_items({second, third})
    assert timeline.group_children(outer) == sorted([inner, third])
    assert timeline.parent_group(inner) == outer
    assert timeline.get_group(first) == outer


def test_ungroup_top_level(timeline: Timeline, clips: list[int]) -> None:
    first, second, _ = clips
    group = timeline.group_items({first, second})
    assert timeline.ungroup(group)
    assert timeline.group_ids() == []
    assert timeline.get_group(first) is None
    assert timeline.undo()
    assert timeline.group_children(group) == [first, second]


def test_ungroup_outer_group_keeps_the_inner_one(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    inner = timeline.group_items({first, second})
    outer = timeline.group_items({first, third})
    assert timeline.ungroup(outer)
    assert timeline.group_ids() == [inner]
    assert timeline.parent_group(inner) is None
    assert timeline.get_group(first) == inner
    assert timeline.get_group(third) is None
    assert timeline.undo()
    assert timeline.group_children(outer) == sorted([inner, third])
    assert timeline.get_group(second) == outer


def test_moving_one_member_moves_the_group(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    _, _, video1, video2 = timeline.track_order()
    timeline.group_items({first, third})
    assert timeline.move_clip(first, video2, 5)
    assert [timeline.get_item_position(c) for c in clips] == [5, 20, 45]
    assert timeline.get_item_track(third) == video2
    assert timeline.get_item_track(second) == video1


def test_group_members_may_take_each_others_place(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    video1 = timeline.track_order()[2]
    assert timeline.delete_item(third)
    timeline.group_items({first, second})
    assert timeline.move_clip(first, video1, 20)  # onto second's old place
    assert [timeline.get_item_position(c) for c in (first, second)] == [20, 40]


def test_group_move_is_all_or_nothing(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    _, _, video1, video2 = timeline.track_order()
    timeline.group_items({first, second})
    blocker = timeline.insert_clip(timeline.add_bin_clip("blocker", 5), video2, 25)
    assert not timeline.move_clip(first, video2, 0), "second would land on the blocker"
    assert not timeline.move_clip(second, video1, 10), "first would start before frame 0"
    timeline.group_items({third, blocker})
    assert not timeline.move_clip(third, video2, 40), "the blocker would leave the top track"
    assert [timeline.get_item_position(c) for c in clips] == [0, 20, 40]
    assert {timeline.get_item_track(c) for c in clips} == {video1}
    assert timeline.get_item_position(blocker) == 25


def test_locked_group_member_cannot_be_dragged(timeline: Timeline) -> None:
    audio1, _, video1, video2 = timeline.track_order()
    source = timeline.add_bin_clip("scene", 10)
    picture = timeline.insert_clip(source, video1, 0)
    sound = timeline.insert_clip(source, audio1, 0)
    timeline.group_items({picture, sound})
    assert timeline.lock_track(video1)
    assert not timeline.move_clip(picture, video1, 30)
    assert timeline.get_item_position(sound) == 0
    assert timeline.unlock_track(video1)
    assert timeline.lock_track(video2)
    assert not timeline.move_clip(picture, video2, 0), "the destination is locked"
    assert timeline.move_clip(picture, video1, 30)
    assert timeline.get_item_position(sound) == 30


def test_composition_moves_with_its_group(timeline: Timeline, clips: list[int]) -> None:
    first = clips[0]
    _, _, video1, video2 = timeline.track_order()
    composition = timeline.insert_composition(video2, video1, 0, 10)
    timeline.group_items({first, composition})
    assert timeline.move_clip(first, video1, 100)
    assert timeline.get_item_position(composition) == 100
    assert not timeline.move_clip(first, video2, 100), "the composition would hit its target"


def test_delete_item_deletes_its_whole_group(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    timeline.group_items({first, second})
    timeline.group_items({second, third})
    assert timeline.delete_item(second)
    assert timeline.clip_ids() == []
    assert timeline.group_ids() == []
    assert timeline.undo()
    assert timeline.clip_ids() == clips
    assert timeline.get_group(first) == timeline.get_group(third)


def test_cut_part_joins_the_group(timeline: Timeline, clips: list[int]) -> None:
    first, second, _ = clips
    group = timeline.group_items({first, second})
    right = timeline.cut_clip(first, 4)
    assert timeline.group_children(group) == sorted([first, second, right])
    assert timeline.move_clip(second, timeline.track_order()[2], 70)
    assert timeline.get_item_position(right) == 54


def test_deleting_another_track_keeps_groups(timeline: Timeline, clips: list[int]) -> None:
    first, second, _ = clips
    audio1 = timeline.track_order()[0]
    group = timeline.group_items({first, second})
    timeline.insert_clip(timeline.add_bin_clip("music", 100), audio1, 0)
    assert timeline.delete_track(audio1)
    assert timeline.group_children(group) == [first, second]
    assert timeline.move_clip(second, timeline.get_item_track(second), 50)
    assert timeline.get_item_position(first) == 30


def test_select_items_selects_whole_groups(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    timeline.group_items({first, second})
    assert timeline.select_items({first}) == 2
    assert timeline.get_selection() == [first, second]
    assert timeline.select_items({third}) == 1
    assert timeline.get_selection() == [third]
    timeline.clear_selection()
    assert timeline.get_selection() == []
    assert timeline.select_items(set()) == 0


def test_delete_selection(timeline: Timeline, clips: list[int]) -> None:
    first, second, third = clips
    assert not timeline.delete_selection(), "nothing selected"
    timeline.select_items({first, third})
    assert timeline.delete_selection()
    assert timeline.clip_ids() == [second]
    assert timeline.get_selection() == []
    assert timeline.undo()
    assert timeline.clip_ids() == clips
    assert timeline.get_selection() == [], "undo does not restore the selection"


def test_deleted_items_leave_the_selection(timeline: Timeline, clips: list[int]) -> None:
    first, second, _ = clips
    timeline.select_items({first, second})
    assert timeline.delete_item(first)
    assert timeline.get_selection() == [second]
    assert timeline.undo()
    assert timeline.get_selection() == [second], "undo does not reselect"
    assert timeline.delete_track(timeline.get_item_track(second))
    assert timeline.get_selection() == []
