"""The seeded bugs of the example file system, switched on by an environment variable.

The file system is correct by default.  ``APIFUZZ_FS_BUGS`` holds a
comma-separated list of bug names (or ``all``); each named bug brings back one
realistic regression, so benchmarks know exactly which bugs a fuzzer should
find.  The variable is read when a :class:`~example_fs.FileSystem` is
constructed.  ``BUGS.md`` beside this file describes every bug, and
``bugs/<name>.txt`` holds the shortest known script that shows it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

ENV_VAR = "APIFUZZ_FS_BUGS"
"""The environment variable naming the bugs to switch on."""

ALL_BUGS: tuple[str, ...] = (
    "write_checks_parent_only",
    "restore_keeps_quota",
    "unlink_frees_open_file",
    "copy_skips_blob_ref",
    "move_into_own_subtree",
    "rename_onto_itself",
    "link_overwrites_entry",
    "restore_shares_snapshot",
)
"""Every seeded bug, by name."""

SCRIPTS_DIR = Path(__file__).with_name("bugs")
"""The folder of the bugs' reproducer scripts (``<name>.txt``)."""


class UnknownBugError(ValueError):
    """``APIFUZZ_FS_BUGS`` names a bug that does not exist."""


@functools.lru_cache(maxsize=16)
def parse_bugs(spec: str) -> frozenset[str]:
    """The bug names in ``spec`` (comma-separated, or ``all``); cached per value."""
    names = {part.strip() for part in spec.split(",") if part.strip()}
    if "all" in names:
        return frozenset(ALL_BUGS)
    unknown = sorted(names.difference(ALL_BUGS))
    if unknown:
        raise UnknownBugError(
            f"{ENV_VAR} names unknown bug(s) {', '.join(unknown)}; "
            f"valid names are: all, {', '.join(ALL_BUGS)}"
        )
    return frozenset(names)


def enabled_bugs() -> frozenset[str]:
    """The bugs switched on by ``APIFUZZ_FS_BUGS`` right now (empty when unset)."""
    return parse_bugs(os.environ.get(ENV_VAR, ""))


def script_path(name: str) -> Path:
    """The reproducer script of the bug ``name``."""
    if name not in ALL_BUGS:
        raise UnknownBugError(
            f"no seeded bug named {name!r}; valid names are: {', '.join(ALL_BUGS)}"
        )
    return SCRIPTS_DIR / f"{name}.txt"
