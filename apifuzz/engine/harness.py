"""A plain libFuzzer target for one model: what the harness of ``apifuzz package`` runs.

``apifuzz fuzz`` runs workers that record, deduplicate and minimize bugs
themselves, and never stop at one.  A continuous fuzzing service (OSS-Fuzz,
ClusterFuzzLite) does all of that itself and wants the usual libFuzzer target
instead: one that raises at the first bug, so that libFuzzer writes the crash
file, prints the traceback and exits, and that replays a single crash file
given on the command line the same way, which is how ClusterFuzz reproduces a
crash.  The structure mutator is the same as ``apifuzz fuzz``'s.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from apifuzz.engine.mutator import LEN_CONTROL, atheris_hooks
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language
from apifuzz.language.aliases import AliasLock
from apifuzz.model.loader import load_target


class Harness:
    """The fuzz target and mutator of one model, for ``atheris.Setup``.

    ``lock`` is the text of the alias lock the seeds were written with; the
    packaged harness carries it, so that it reads its corpus as the fuzzer
    that wrote it did, wherever it runs.
    """

    def __init__(self, target: str, lock: str, *, undo_redo: bool = False) -> None:
        self.language = Language.build(load_target(target), AliasLock.loads(lock, "embedded lock"))
        self.interpreter = Interpreter(self.language, undo_redo=undo_redo)

    def test_one_input(self, data: bytes) -> None:
        """Run ``data`` on a fresh model; at a bug, re-raise the model's own exception.

        Its own traceback, down into the model's frames, is what a fuzzing
        service deduplicates crashes by; the line before it says which
        statement showed the bug.
        """
        bug = self.interpreter.run(data, record=False).bug
        if bug is not None:
            sys.stderr.write(f"\napifuzz: {bug.summary()}\n")
            sys.stderr.flush()
            raise bug.error

    def fuzz(self, argv: Sequence[str]) -> None:
        """Hand over to libFuzzer: ``argv`` holds its flags and corpus folders or files."""
        import atheris

        hooks = atheris_hooks(self.language, self.interpreter.parser, atheris)
        # As in apifuzz fuzz; a -len_control given in argv comes later, and wins.
        atheris.Setup([argv[0], LEN_CONTROL, *argv[1:]], self.test_one_input, **hooks)
        sys.stdout.flush()
        atheris.Fuzz()
