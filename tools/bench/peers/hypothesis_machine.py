"""A Hypothesis state machine over the example timeline, written as a Hypothesis user would.

Bundles hold the ids each operation returns; ``check_consistency`` is the
invariant.  ``run(seconds)`` drives it for a time budget and counts programs
and steps; ``TimelineMachine.TestCase`` runs it under pytest.  ``hunt`` (and
``python hypothesis_machine.py --seed S --budget B``) runs it until the first
failure or the budget and reports when the failure happened, as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from typing import Any

from hypothesis import HealthCheck, Phase, seed, settings
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

STEPS = {"count": 0, "program": 0}  # model calls: all, and in the current program
# hunt(): when the budget ends, and the first failure (exception, time.time()).
HUNT: dict[str, Any] = {"deadline": None, "failure": None, "programs": 0, "failing_steps": 0}


class BudgetSpent(BaseException):
    """Raised when a new program would start after hunt()'s budget: not a bug.

    A BaseException, like KeyboardInterrupt, so that no rule's ``except Exception``
    and no failure report mistakes it for a failure of the model.
    """


def _failed(exc: BaseException) -> None:
    """Remember the first failure and when it happened (before Hypothesis replays it)."""
    if HUNT["failure"] is None:
        HUNT["failure"] = (exc, time.time())
        HUNT["failing_steps"] = STEPS["program"]


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
        deadline = HUNT["deadline"]
        if deadline is not None and HUNT["failure"] is None and time.monotonic() > deadline:
            raise BudgetSpent
        HUNT["programs"] += 1
        STEPS["program"] = 0
        self.timeline = Timeline()

    def call(self, method, *args):  # type: ignore[no-untyped-def]
        STEPS["count"] += 1
        STEPS["program"] += 1
        try:
            return method(*args)
        except TimelineError:
            return None
        except Exception as exc:
            _failed(exc)
            raise

    @rule(target=tracks)
    def initial_tracks(self):  # type: ignore[no-untyped-def]
        return multiple(*self.timeline.track_ids())

    @rule(target=bins, name=st.text(min_size=1, max_size=6), duration=st.integers(-1, 200))
    def add_bin_clip(self, name, duration):  # type: ignore[no-untyped-def]
        made = self.call(self.timeline.add_bin_clip, name, duration)
        return multiple() if made is None else made

    @rule(bin_clip=bins, name=st.text(max_size=6))
    def rename_bin_clip(self, bin_clip, name):  # type: ignore[no-untyped-def]
        if bin_clip in self.timeline.bin_clip_ids():
            self.call(self.timeline.rename_bin_clip, bin_clip, name)

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
    def clear_selection(self):  # type: ignore[no-untyped-def]
        self.call(self.timeline.clear_selection)

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
        try:
            self.timeline.check_consistency()
        except Exception as exc:
            _failed(exc)
            raise


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


def _where(exc: BaseException) -> str:
    """``file:line in function`` of the innermost frame that raised ``exc``."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename}:{last.lineno} in {last.name}"


def _budget_spent(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or was raised while handling, a BudgetSpent."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, BudgetSpent):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def hunt(budget: float, seed_value: int, steps: int = 50, shrink: bool = False) -> dict[str, Any]:
    """Generate programs until the first failure or ``budget`` seconds.

    Returns ``found``, ``detected_at`` (time.time() of the failure), ``error``,
    ``where`` (the innermost frame), ``programs``, ``steps`` and
    ``harness_error`` (anything that failed outside the model).  With
    ``shrink``, Hypothesis then shrinks the failing program (its own limits
    bound that) and the result adds ``failing_steps`` (model calls of the
    program that failed first), ``shrunk_steps`` (of the program Hypothesis
    reports: the last one it runs) and ``shrink_seconds``.
    """
    STEPS["count"] = 0
    HUNT.update(deadline=time.monotonic() + budget, failure=None, programs=0, failing_steps=0)
    machine = seed(seed_value)(type("SeededTimelineMachine", (TimelineMachine,), {}))
    config = settings(
        max_examples=10**9,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        # Without shrink, no shrinking: its time would not count towards the detection anyway.
        phases=[Phase.generate, Phase.shrink] if shrink else [Phase.generate],
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    result: dict[str, Any] = {"found": False, "detected_at": None, "error": None, "where": None}
    try:
        run_state_machine_as_test(machine, settings=config)
        result["harness_error"] = "the state machine stopped without failure before the budget"
    except BaseException as exc:
        # Hypothesis wraps the BudgetSpent of a program it had started before in a
        # FlakyStrategyDefinition (the program drew less than last time): still the budget.
        result["harness_error"] = (
            None if _budget_spent(exc) else f"{type(exc).__name__}: {exc}"[:500]
        )
    if HUNT["failure"] is not None:
        failure, when = HUNT["failure"]
        result.update(
            found=True,
            detected_at=when,
            error=f"{type(failure).__name__}: {failure}"[:300],
            where=_where(failure),
            harness_error=None,
        )
        if shrink:
            result.update(
                failing_steps=HUNT["failing_steps"],
                shrunk_steps=STEPS["program"],
                shrink_seconds=time.time() - when,
            )
    result.update(programs=HUNT["programs"], steps=STEPS["count"])
    HUNT["deadline"] = None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Hunt for the first failure; print JSON.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds")
    parser.add_argument("--steps", type=int, default=50, help="stateful_step_count")
    parser.add_argument("--shrink", action="store_true", help="shrink the failing program")
    args = parser.parse_args()
    result = hunt(args.budget, args.seed, args.steps, args.shrink)
    result["bugs"] = os.environ.get("APIFUZZ_EXAMPLE_BUGS", "")
    sys.stdout.write(json.dumps(result) + "\n")


TestTimeline = TimelineMachine.TestCase

if __name__ == "__main__":
    main()
