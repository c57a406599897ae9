"""Whether two signatures are one bug (placeholder interface while the rule is measured)."""

from __future__ import annotations

from dataclasses import dataclass

from apifuzz.engine.triage import Signature
from apifuzz.language import LoadedTarget


@dataclass(frozen=True)
class Case:
    """One signature's evidence: its minimized script."""

    signature: Signature
    script: str


@dataclass(frozen=True)
class Verdict:
    """The decision and its one-line reason."""

    same: bool
    reason: str


class RootCause:
    """Decides whether a new signature is a variant of a known bug."""

    def __init__(
        self,
        loaded: LoadedTarget,
        *,
        undo_redo: bool = False,
        timeout: float = 5.0,
        packages: tuple[str, ...] = (),
        seed: int = 0,
    ) -> None:
        self.loaded = loaded

    def same_bug(self, known: Case, new: Case) -> Verdict:
        """Keep apart."""
        return Verdict(False, "no evidence")
