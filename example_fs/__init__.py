"""example_fs: an in-memory file system with seeded bugs, the second example model of apifuzz.

Directories with quotas, files with hard links, open handles and snapshots,
over a reference-counted block store.  It is written the way a user's
application would use apifuzz: the model's methods are decorated with
``@api``/``@ids``/``@invariant`` and this module exposes ``target``.

Seeded bugs for benchmarks are switched on with the environment variable
``APIFUZZ_FS_BUGS`` (see :mod:`example_fs.bugs` and ``BUGS.md``).
"""

from apifuzz import Target
from example_fs.bugs import ALL_BUGS, enabled_bugs
from example_fs.model import (
    MAX_HANDLES,
    MAX_NAME_LENGTH,
    MAX_QUOTA,
    MAX_SIZE,
    MAX_SNAPSHOTS,
    ROOT,
    DirId,
    FileId,
    FileSystem,
    FsError,
    HandleId,
    SnapshotId,
)

target = Target(FileSystem, expected=(FsError,))
"""The fuzz target: a fresh :class:`FileSystem` per input; FsError is a refusal."""

__all__ = [
    "ALL_BUGS",
    "MAX_HANDLES",
    "MAX_NAME_LENGTH",
    "MAX_QUOTA",
    "MAX_SIZE",
    "MAX_SNAPSHOTS",
    "ROOT",
    "DirId",
    "FileId",
    "FileSystem",
    "FsError",
    "HandleId",
    "SnapshotId",
    "enabled_bugs",
    "target",
]
