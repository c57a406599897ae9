#!/usr/bin/env python3
"""A hand-written atheris harness for the example timeline, as the atheris README teaches.

    python tools/bench/peers/atheris_fdp.py [libFuzzer flags] [corpus dirs]

Each input drives a fresh Timeline: FuzzedDataProvider picks an operation and
its arguments, ids are chosen among the live ones, and check_consistency runs
after every call; TimelineError is a refusal.  A bug raises, as in any atheris
harness, so libFuzzer stops at the first one.
"""

import contextlib
import sys

import atheris

with atheris.instrument_imports(include=["example_timeline"]):
    from example_timeline import Side, Timeline, TimelineError, TrackKind


class NoId(Exception):
    """No live object of the kind an operation needs: skip the operation."""


def pick(fdp, ids):
    """One of the live ids."""
    if not ids:
        raise NoId
    return ids[fdp.ConsumeIntInRange(0, len(ids) - 1)]


def pick_set(fdp, ids):
    if not ids:
        return set()
    return {pick(fdp, ids) for _ in range(fdp.ConsumeIntInRange(0, 3))}


def small(fdp):
    return fdp.ConsumeIntInRange(-5, 300)


OPS = [
    lambda t, f: t.add_bin_clip(
        f.ConsumeUnicodeNoSurrogates(8) or "c", f.ConsumeIntInRange(-1, 200)
    ),
    lambda t, f: t.rename_bin_clip(pick(f, t.bin_clip_ids()), f.ConsumeUnicodeNoSurrogates(8)),
    lambda t, f: t.delete_bin_clip(pick(f, t.bin_clip_ids())),
    lambda t, f: t.insert_track(
        f.ConsumeIntInRange(-1, 10), TrackKind.VIDEO if f.ConsumeBool() else TrackKind.AUDIO
    ),
    lambda t, f: t.delete_track(pick(f, t.track_ids())),
    lambda t, f: t.lock_track(pick(f, t.track_ids())),
    lambda t, f: t.unlock_track(pick(f, t.track_ids())),
    lambda t, f: t.insert_clip(pick(f, t.bin_clip_ids()), pick(f, t.track_ids()), small(f)),
    lambda t, f: t.move_clip(pick(f, t.clip_ids()), pick(f, t.track_ids()), small(f)),
    lambda t, f: t.resize_clip(
        pick(f, t.clip_ids()), small(f), Side.LEFT if f.ConsumeBool() else Side.RIGHT
    ),
    lambda t, f: t.cut_clip(pick(f, t.clip_ids()), small(f)),
    lambda t, f: t.insert_composition(
        pick(f, t.track_ids()), pick(f, t.track_ids()), small(f), small(f)
    ),
    lambda t, f: t.move_composition(pick(f, t.composition_ids()), pick(f, t.track_ids()), small(f)),
    lambda t, f: t.resize_composition(
        pick(f, t.composition_ids()), small(f), Side.LEFT if f.ConsumeBool() else Side.RIGHT
    ),
    lambda t, f: t.set_composition_target(pick(f, t.composition_ids()), pick(f, t.track_ids())),
    lambda t, f: t.delete_item(pick(f, t.item_ids())),
    lambda t, f: t.group_items(pick_set(f, t.item_ids())),
    lambda t, f: t.ungroup(pick(f, t.group_ids())),
    lambda t, f: t.select_items(pick_set(f, t.item_ids())),
    lambda t, f: t.clear_selection(),
    lambda t, f: t.delete_selection(),
    lambda t, f: t.undo(),
    lambda t, f: t.redo(),
]


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    timeline = Timeline()
    while fdp.remaining_bytes() > 0:
        op = OPS[fdp.ConsumeIntInRange(0, len(OPS) - 1)]
        with contextlib.suppress(TimelineError, NoId):
            op(timeline, fdp)
        timeline.check_consistency()


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
