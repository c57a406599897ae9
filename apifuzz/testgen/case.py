"""What a generated regression test is made from, and the name it gets.

:class:`GeneratedTest` holds the steps of a crashing script
(:mod:`apifuzz.testgen.steps`), the bug they show (:class:`BugInfo`, the parts
of its signature a test names) and the script to quote in the test's comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apifuzz.testgen.steps import Steps


@dataclass(frozen=True)
class BugInfo:
    """What the test is about: the parts of the bug's signature a test shows."""

    kind: str  # "exception", "invariant", "timeout", "oracle" or "signal"
    error: str  # the exception type's name
    invariant: str  # the failed invariant, for kind "invariant"
    key: str  # Signature.key(): ``exception-KeyError-_destroy_clip-1a2b3c4d5e``
    describe: str  # Signature.describe(): one line for a person

    @property
    def digest(self) -> str:
        """The first 8 characters of the signature's hash: the test name's suffix."""
        return self.key.rsplit("-", 1)[-1][:8]


@dataclass(frozen=True)
class GeneratedTest:
    """Everything a regression test is made from."""

    steps: Steps
    bug: BugInfo
    script: str  # the script the steps come from, quoted in the test's comments
    timeout: float = 5.0  # a hanging call fails after this many seconds
    target_ref: tuple[str, str] | None = None  # (module, attribute) of the Target: last resort
    # The statements of the input ``script`` was minimized from (a crash folder's
    # input.txt), None when it is not a minimized script.
    minimized_from: int | None = None
    # The last call kills the process (a fatal signal, a hang in native code): the test
    # runs in a child process, so that it fails instead of killing pytest.
    in_child: bool = False


def regression_test_name(bug: BugInfo, method: str) -> str:
    """``test_redo_raises_keyerror_1a2b3c4d``: the failing call, what went wrong, the hash."""
    if bug.kind == "invariant":
        what = f"breaks_{bug.invariant}"
    elif bug.kind == "timeout":
        what = "hangs"
    elif bug.kind == "oracle":
        what = "breaks_undo_redo"
    elif bug.kind == "signal":
        what = f"dies_of_{bug.error.lower()}"
    else:
        what = f"raises_{bug.error.lower()}"
    slug = re.sub(r"\W+", "_", f"{method}_{what}").strip("_")[:70]
    return f"test_{slug}_{bug.digest}"
