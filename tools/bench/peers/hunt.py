"""What the Hypothesis peers of the deep-bug benchmark share: a hunt for the first failure.

A peer writes a ``RuleBasedStateMachine`` over its model (as a Hypothesis user
would) on :class:`Hunter`: its rules call the model through :meth:`Hunter.call`
and its invariant through :meth:`Hunter.check`, which record the first failure
and when it came.  ``main(Machine)`` parses ``--seed S --budget B``, generates
programs until the first failure or the budget, and prints one JSON line:
``found``, ``detected_at`` (time.time()), ``error``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.stateful import RuleBasedStateMachine, multiple, run_state_machine_as_test

HUNT: dict[str, Any] = {"deadline": None, "failure": None}


class BudgetSpent(BaseException):
    """A new program would start after the budget: not a bug."""


class Hunter(RuleBasedStateMachine):
    """A state machine that stops starting programs once the budget is spent."""

    #: The model's exception for a refused request (not a bug).
    refused: type[Exception] = Exception

    def __init__(self) -> None:
        super().__init__()
        if HUNT["failure"] is None and time.monotonic() > HUNT["deadline"]:
            raise BudgetSpent

    def call(self, method: Callable[..., Any], *args: Any) -> Any:
        """Call the model; a refusal gives None, a failure is recorded and raised."""
        try:
            return method(*args)
        except self.refused:
            return None
        except Exception as exc:
            if HUNT["failure"] is None:
                HUNT["failure"] = (exc, time.time())
            raise

    def check(self, invariant: Callable[[], Any]) -> None:
        """Run the model's invariant; a failure is recorded and raised."""
        try:
            invariant()
        except AssertionError as exc:
            if HUNT["failure"] is None:
                HUNT["failure"] = (exc, time.time())
            raise

    @staticmethod
    def made(value: Any) -> Any:
        """What a rule with a target returns: nothing for the bundle when refused."""
        return multiple() if value is None else value


def hunt(machine: type[Hunter], budget: float, seed_value: int, steps: int = 50) -> dict[str, Any]:
    """Programs of ``machine`` until the first failure or ``budget`` seconds."""
    HUNT.update(deadline=time.monotonic() + budget, failure=None)
    seeded = seed(seed_value)(type(f"Seeded{machine.__name__}", (machine,), {}))
    config = settings(
        max_examples=10**9,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    result: dict[str, Any] = {"found": False, "detected_at": None, "error": None}
    with contextlib.suppress(BaseException):  # the budget, or the failure recorded in HUNT
        run_state_machine_as_test(seeded, settings=config)
    if HUNT["failure"] is not None:
        failure, when = HUNT["failure"]
        result.update(found=True, detected_at=when, error=f"{type(failure).__name__}: {failure}")
    return result


def main(machine: type[Hunter]) -> None:
    """``--seed S --budget B``: hunt, and print the result as one JSON line."""
    parser = argparse.ArgumentParser(description="Hunt for the first failure; print JSON.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    print(json.dumps(hunt(machine, args.budget, args.seed)), flush=True)
