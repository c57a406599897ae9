"""A Hypothesis state machine over the benchmark ledger, written as a Hypothesis user would.

Bundles hold the accounts, holds and transfers the rules make; the ledger's
``consistent`` check is the invariant.  ``python hypothesis_ledger.py --seed S
--budget B`` generates programs until the first failure or the budget and
prints one JSON line: ``found``, ``detected_at`` (time.time()), ``error``.
The bug to look for is switched on by ``APIFUZZ_LEDGER_BUGS``, as for apifuzz.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

from ledger import Ledger, LedgerError

HUNT: dict[str, Any] = {"deadline": None, "failure": None}
amounts = st.integers()


class BudgetSpent(BaseException):
    """A new program would start after the budget: not a bug."""


class LedgerMachine(RuleBasedStateMachine):
    accounts = Bundle("accounts")
    holds = Bundle("holds")
    transfers = Bundle("transfers")

    def __init__(self) -> None:
        super().__init__()
        if HUNT["failure"] is None and time.monotonic() > HUNT["deadline"]:
            raise BudgetSpent
        self.ledger = Ledger()

    def call(self, method, *args):  # type: ignore[no-untyped-def]
        try:
            return method(*args)
        except LedgerError:
            return None
        except Exception as exc:
            if HUNT["failure"] is None:
                HUNT["failure"] = (exc, time.time())
            raise

    def made(self, value):  # type: ignore[no-untyped-def]
        return multiple() if value is None else value

    @rule(target=accounts)
    def open_account(self):  # type: ignore[no-untyped-def]
        return self.made(self.call(self.ledger.open_account))

    @rule(account=accounts, amount=amounts)
    def deposit(self, account, amount):  # type: ignore[no-untyped-def]
        if account in self.ledger.account_ids():
            self.call(self.ledger.deposit, account, amount)

    @rule(account=accounts, amount=amounts)
    def withdraw(self, account, amount):  # type: ignore[no-untyped-def]
        if account in self.ledger.account_ids():
            self.call(self.ledger.withdraw, account, amount)

    @rule()
    def new_day(self):  # type: ignore[no-untyped-def]
        self.call(self.ledger.new_day)

    @rule(target=holds, account=accounts, amount=amounts)
    def hold(self, account, amount):  # type: ignore[no-untyped-def]
        if account in self.ledger.account_ids():
            return self.made(self.call(self.ledger.hold, account, amount))
        return multiple()

    @rule(hold=holds)
    def capture(self, hold):  # type: ignore[no-untyped-def]
        self.call(self.ledger.capture, hold)

    @rule(hold=holds)
    def release(self, hold):  # type: ignore[no-untyped-def]
        self.call(self.ledger.release, hold)

    @rule(target=transfers, source=accounts, destination=accounts, amount=amounts)
    def transfer(self, source, destination, amount):  # type: ignore[no-untyped-def]
        live = self.ledger.account_ids()
        if source in live and destination in live:
            return self.made(self.call(self.ledger.transfer, source, destination, amount))
        return multiple()

    @rule(target=transfers, transfer=transfers)
    def reverse(self, transfer):  # type: ignore[no-untyped-def]
        return self.made(self.call(self.ledger.reverse, transfer))

    @rule(account=accounts)
    def close_account(self, account):  # type: ignore[no-untyped-def]
        if account in self.ledger.account_ids():
            self.call(self.ledger.close_account, account)

    @invariant()
    def consistent(self):  # type: ignore[no-untyped-def]
        try:
            self.ledger.consistent()
        except AssertionError as exc:
            if HUNT["failure"] is None:
                HUNT["failure"] = (exc, time.time())
            raise


def hunt(budget: float, seed_value: int, steps: int = 50) -> dict[str, Any]:
    """Programs until the first failure or ``budget`` seconds."""
    HUNT.update(deadline=time.monotonic() + budget, failure=None)
    machine = seed(seed_value)(type("SeededLedgerMachine", (LedgerMachine,), {}))
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
        run_state_machine_as_test(machine, settings=config)
    if HUNT["failure"] is not None:
        failure, when = HUNT["failure"]
        result.update(found=True, detected_at=when, error=f"{type(failure).__name__}: {failure}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Hunt for the first failure; print JSON.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    print(json.dumps(hunt(args.budget, args.seed)), flush=True)


if __name__ == "__main__":
    main()
