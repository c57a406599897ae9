"""example_timeline: a Kdenlive-like timeline model, the embedded default target of apifuzz.

It is written the way a user's application would use apifuzz: the model's
methods are decorated with ``@api``/``@ids``/``@invariant`` and this module
exposes ``target``, which ``apifuzz`` fuzzes when no other target is named.

Seeded bugs for benchmarks are switched on with the environment variable
``APIFUZZ_EXAMPLE_BUGS`` (see :mod:`example_timeline.bugs` and ``BUGS.md``).
"""

from apifuzz import Target
from example_timeline.bugs import ALL_BUGS, enabled_bugs
from example_timeline.model import (
    MAX_DURATION,
    MAX_POSITION,
    MAX_TRACKS,
    BinClipId,
    ClipId,
    CompositionId,
    GroupId,
    ItemId,
    Side,
    Timeline,
    TimelineError,
    TrackId,
    TrackKind,
)

target = Target(Timeline, expected=(TimelineError,), undo="undo", redo="redo", state="snapshot")
"""The fuzz target: a fresh :class:`Timeline` per input; TimelineError is a refusal.

``apifuzz fuzz example_timeline --undo-redo`` checks after every call that undo
then redo give back the same :meth:`Timeline.snapshot`.
"""

__all__ = [
    "ALL_BUGS",
    "MAX_DURATION",
    "MAX_POSITION",
    "MAX_TRACKS",
    "BinClipId",
    "ClipId",
    "CompositionId",
    "GroupId",
    "ItemId",
    "Side",
    "Timeline",
    "TimelineError",
    "TrackId",
    "TrackKind",
    "enabled_bugs",
    "target",
]
