"""Run a Hypothesis state machine as a bug hunt with a time budget; print one JSON line.

A campaign's Hypothesis peer (``tools/real_world/hypothesis_<module>.py``) is a
plain ``RuleBasedStateMachine`` over the library's API that ends with
``hunt.main(Machine)``.  Usage of such a script::

    python tools/real_world/hypothesis_<module>.py --seed S --budget B [--programs N]

It generates programs (no shrinking, no database) until the first failure or
the budget, and prints ``{"found", "detected_at", "programs", "error"}`` (and,
with a failure, ``file``: the file of the innermost frame that raised it):
``detected_at`` is ``time.time()`` at the failure, ``programs`` how many
programs ran up to and including the failing one.  ``--programs N`` runs at
most N programs whatever the time: with the same seed, a run on a version with
the bug fixed replays the same N programs, which tells whether the failure
found was that bug.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
import traceback
from typing import Any

from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

STEPS = 50  # stateful_step_count: as long as a traced test, longer than Hypothesis's default


class BudgetSpent(BaseException):
    """A new program would start after the budget: not a failure (BaseException, so that
    Hypothesis does not take it for one)."""


def hunt(
    machine: type[RuleBasedStateMachine],
    budget: float,
    seed_value: int,
    programs: int | None = None,
    steps: int = STEPS,
) -> dict[str, Any]:
    """Programs of ``machine`` until the first failure, ``budget`` seconds or ``programs``."""
    deadline = time.monotonic() + budget
    count = [0]

    def spent() -> bool:
        return time.monotonic() > deadline or (programs is not None and count[0] >= programs)

    def __init__(self: RuleBasedStateMachine) -> None:
        if spent():
            raise BudgetSpent
        count[0] += 1
        machine.__init__(self)

    hunted = seed(seed_value)(type(f"Hunted{machine.__name__}", (machine,), {"__init__": __init__}))
    config = settings(
        max_examples=10**9,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    result: dict[str, Any] = {"found": False, "detected_at": None, "programs": 0, "error": None}
    try:
        run_state_machine_as_test(hunted, settings=config)
    except BudgetSpent:
        pass
    except Exception as exc:  # the failure: any exception a rule or an invariant let out
        # BudgetSpent stops a program Hypothesis was generating, which it may report as a
        # flaky strategy once the budget is spent: that is the end of the hunt, no failure.
        if not (isinstance(exc, Flaky) and spent()):
            result.update(found=True, detected_at=time.time(), error=f"{type(exc).__name__}: {exc}")
            # Where it was raised: a failure in the peer's own rules (a wrong call) is not one
            # of the library's.
            frames = traceback.extract_tb(exc.__traceback__)
            result["file"] = frames[-1].filename if frames else ""
    result["programs"] = count[0]
    if result["error"]:
        result["error"] = result["error"][:500]
    return result


def main(machine: type[RuleBasedStateMachine]) -> None:
    """The command line of a Hypothesis peer script."""
    parser = argparse.ArgumentParser(description="Hunt for the first failure; print JSON.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds")
    parser.add_argument("--programs", type=int, default=None, help="stop after N programs")
    args = parser.parse_args()
    with contextlib.redirect_stdout(None):  # a library's prints must not hide the JSON line
        result = hunt(machine, args.budget, args.seed, args.programs)
    print(json.dumps(result), flush=True)
