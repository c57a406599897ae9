"""What running a script produced: one record per statement, and the outcome."""

from __future__ import annotations

import enum
import traceback
from dataclasses import dataclass, field
from typing import Any, Literal

from apifuzz.interpreter.parser import SkipReason
from apifuzz.text import safe_repr, safe_str, utf8_safe


class Status(enum.Enum):
    """What happened to one statement."""

    EXECUTED = "executed"
    SKIPPED = "skipped"
    REFUSED = "refused"  # an expected exception or a False return
    BUG = "bug"


class BugKind(enum.Enum):
    """How a bug showed."""

    EXCEPTION = "exception"  # an exception not listed in Target(expected=...)
    INVARIANT = "invariant"  # an @invariant raised or returned False
    ORACLE = "oracle"  # undo then redo changed the state, or redo was refused after an undo


#: The step of the undo/redo oracle in which a bug showed (see :attr:`Bug.oracle`).
OracleStep = Literal["undo", "redo", "state", "compare"]


@dataclass
class StatementResult:
    """One line of the script and what became of it."""

    line: int  # 1-based line number in the script
    text: str
    status: Status
    reason: SkipReason | None = None
    detail: str = ""
    method: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    value: Any = None
    error: BaseException | None = None

    def call_text(self) -> str:
        """The resolved call, ``move_clip(4, 1, 120)``."""
        if self.method is None:
            return ""
        parts = [safe_repr(a) for a in self.args]
        parts += [f"{k}={safe_repr(v)}" for k, v in self.kwargs.items()]
        return f"{self.method}({', '.join(parts)})"


@dataclass
class Bug:
    """An unexpected exception or an invariant failure, and where it happened."""

    kind: BugKind
    error: BaseException
    line: int  # 0 for the model's construction
    method: str | None  # the call that failed, or after which the invariant failed
    invariant: str | None = None
    # Set when the bug showed in the undo/redo oracle run after ``method``: "undo",
    # "redo" or "state" (the step that raised or after which the invariant failed),
    # "compare" for a state that undo and redo did not give back.
    oracle: OracleStep | None = None

    @property
    def traceback(self) -> str:
        """The formatted Python traceback of the error (lone surrogates escaped)."""
        return utf8_safe("".join(traceback.format_exception(self.error)))

    def summary(self) -> str:
        """One line: where it happened and what was raised, or which invariant failed."""
        where = f"line {self.line}" if self.line else "construction"
        if self.oracle is not None:
            where += f", undo/redo after {self.method}"
            if self.oracle != "compare":
                where += f" ({'after' if self.kind is BugKind.INVARIANT else 'in'} {self.oracle})"
        elif self.method:
            where += f", {'after' if self.kind is BugKind.INVARIANT else 'in'} {self.method}"
        what = f"{type(self.error).__name__}: {safe_str(self.error)}".rstrip(": ")
        if self.invariant:
            what = f"invariant {self.invariant} failed: {what}"
        return f"{where}: {what}"


@dataclass
class Report:
    """The result of running one script."""

    statements: list[StatementResult] = field(default_factory=list)
    bug: Bug | None = None
    factory_kwargs: dict[str, Any] = field(default_factory=dict)
    executed: int = 0
    skipped: int = 0
    refused: int = 0

    @property
    def ok(self) -> bool:
        """True when no bug showed."""
        return self.bug is None

    def counts(self) -> str:
        """``12 executed, 3 refused, 2 skipped``."""
        return f"{self.executed} executed, {self.refused} refused, {self.skipped} skipped"
