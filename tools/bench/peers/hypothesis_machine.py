"""A Hypothesis state machine over the example timeline, written as a Hypothesis user would.

Bundles hold the ids each operation returns; ``check_consistency`` is the
invariant.  ``run(seconds)`` drives it for a time budget and counts programs
and steps; ``TimelineMachine.TestCase`` runs it under pytest.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from example_timeline import Side, Timeline, TimelineError, TrackKind

STEPS = {"count": 0}
positions = st.integers(-5, 300)
sides = st.sampled_from(Side)


class TimelineMachine(RuleBasedStateMachine):
    bins = Bundle("bins")
    tracks = Bundle("tracks")
    clips = Bundle("clips")
    comps = Bundle("comps")
    groups = Bundle("groups")

    def __init__(self) -> None:
        super().__init__()
        self.timeline = Timeline()

    def call(self, method, *args):  # type: ignore[no-untyped-def]
        STEPS["count"] += 1
        try:
            return method(*args)
        except TimelineError:
            return None

    @rule(target=tracks)
    def initial_tracks(self):  # type: ignore[no-untyped-def]
        return multiple(*self.timeline.track_ids())

    @rule(target=bins, name=st.text(min_size=1, max_size=6), duration=st.integers(-1, 200))
    def add_bin_clip(self, name, duration):  # type: ignore[no-untyped-def]
        made = self.call(self.timeline.add_bin_clip, name, duration)
        return multiple() if made is None else made

    @rule(bin_clip=consumes(bins))
    def delete_bin_clip(self, bin_clip):  # type: ignore[no-untyped-def]
        if bin_clip in self.timeline.bin_clip_ids():
            self.call(self.timeline.delete_bin_clip, bin_clip)

    @rule(target=tracks, position=st.integers(-1, 10), kind=st.sampled_from(TrackKind))
    def insert_track(self, position, kind):  # type: ignore[no-untyped-def]
        made = self.call(self.timeline.insert_track, position, kind)
        return multiple() if made is None else made

    @rule(track=tracks)
    def delete_track(self, track):  # type: ignore[no-untyped-def]
        if track in self.timeline.track_ids():
            self.call(self.timeline.delete_track, track)

    @rule(track=tracks, lock=st.booleans())
    def lock(self, track, lock):  # type: ignore[no-untyped-def]
        if track in self.timeline.track_ids():
            method = self.timeline.lock_track if lock else self.timeline.unlock_track
            self.call(method, track)

    @rule(target=clips, bin_clip=bins, track=tracks, position=positions)
    def insert_clip(self, bin_clip, track, position):  # type: ignore[no-untyped-def]
        if bin_clip in self.timeline.bin_clip_ids() and track in self.timeline.track_ids():
            made = self.call(self.timeline.insert_clip, bin_clip, track, position)
            if made is not None:
                return made
        return multiple()

    @rule(clip=clips, track=tracks, position=positions)
    def move_clip(self, clip, track, position):  # type: ignore[no-untyped-def]
        if clip in self.timeline.clip_ids() and track in self.timeline.track_ids():
            self.call(self.timeline.move_clip, clip, track, position)

    @rule(clip=clips, size=positions, side=sides)
    def resize_clip(self, clip, size, side):  # type: ignore[no-untyped-def]
        if clip in self.timeline.clip_ids():
            self.call(self.timeline.resize_clip, clip, size, side)

    @rule(target=clips, clip=clips, position=positions)
    def cut_clip(self, clip, position):  # type: ignore[no-untyped-def]
        if clip in self.timeline.clip_ids():
            made = self.call(self.timeline.cut_clip, clip, position)
            if made is not None:
                return made
        return multiple()

    @rule(target=comps, track=tracks, other=tracks, position=positions, length=positions)
    def insert_composition(self, track, other, position, length):  # type: ignore[no-untyped-def]
        live = self.timeline.track_ids()
        if track in live and other in live:
            made = self.call(self.timeline.insert_composition, track, other, position, length)
            if made is not None:
                return made
        return multiple()

    @rule(comp=comps, track=tracks, position=positions)
    def move_composition(self, comp, track, position):  # type: ignore[no-untyped-def]
        if comp in self.timeline.composition_ids() and track in self.timeline.track_ids():
            self.call(self.timeline.move_composition, comp, track, position)

    @rule(comp=comps, size=positions, side=sides)
    def resize_composition(self, comp, size, side):  # type: ignore[no-untyped-def]
        if comp in self.timeline.composition_ids():
            self.call(self.timeline.resize_composition, comp, size, side)

    @rule(comp=comps, target_track=tracks)
    def retarget(self, comp, target_track):  # type: ignore[no-untyped-def]
        if comp in self.timeline.composition_ids() and target_track in self.timeline.track_ids():
            self.call(self.timeline.set_composition_target, comp, target_track)

    @rule(item=st.one_of(clips, comps))
    def delete_item(self, item):  # type: ignore[no-untyped-def]
        if item in self.timeline.item_ids():
            self.call(self.timeline.delete_item, item)

    @rule(target=groups, items=st.sets(st.one_of(clips, comps), max_size=3))
    def group_items(self, items):  # type: ignore[no-untyped-def]
        live = set(self.timeline.item_ids())
        made = self.call(self.timeline.group_items, {i for i in items if i in live})
        return multiple() if made is None else made

    @rule(group=groups)
    def ungroup(self, group):  # type: ignore[no-untyped-def]
        if group in self.timeline.group_ids():
            self.call(self.timeline.ungroup, group)

    @rule(items=st.sets(st.one_of(clips, comps), max_size=3))
    def select(self, items):  # type: ignore[no-untyped-def]
        live = set(self.timeline.item_ids())
        self.call(self.timeline.select_items, {i for i in items if i in live})

    @rule()
    def delete_selection(self):  # type: ignore[no-untyped-def]
        self.call(self.timeline.delete_selection)

    @rule()
    def undo(self):  # type: ignore[no-untyped-def]
        self.call(self.timeline.undo)

    @rule()
    def redo(self):  # type: ignore[no-untyped-def]
        self.call(self.timeline.redo)

    @invariant()
    def consistent(self):  # type: ignore[no-untyped-def]
        self.timeline.check_consistency()


def run(seconds: float, seed: int = 0, steps: int = 20) -> tuple[int, int, BaseException | None]:
    """Run programs for ``seconds``; returns (programs, steps, the first failure or None)."""
    STEPS["count"] = 0
    programs = 0
    deadline = time.monotonic() + seconds
    failure: BaseException | None = None
    while time.monotonic() < deadline and failure is None:
        batch = settings(
            max_examples=50,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        try:
            run_state_machine_as_test(TimelineMachine, settings=batch, _min_steps=0)  # type: ignore[call-arg]
        except BaseException as exc:
            failure = exc
        programs += 50
        seed += 1
    return programs, STEPS["count"], failure


TestTimeline = TimelineMachine.TestCase
