"""A Hypothesis state machine over the benchmark ledger, written as a Hypothesis user would.

Bundles hold the accounts, holds and transfers the rules make; the ledger's
``consistent`` check is the invariant.  ``python hypothesis_ledger.py --seed S
--budget B`` generates programs until the first failure or the budget and
prints one JSON line: ``found``, ``detected_at`` (time.time()), ``error``.
The bug to look for is switched on by ``APIFUZZ_LEDGER_BUGS``, as for apifuzz.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, multiple, rule
from model_machine import ModelMachine  # first: it puts the models and the hunt on the path

# isort: split
from hunt import main
from ledger import Ledger, LedgerError

amounts = st.integers()


class LedgerMachine(ModelMachine):
    refused = LedgerError
    accounts = Bundle("accounts")
    holds = Bundle("holds")
    transfers = Bundle("transfers")

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger()

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
        self.ledger.consistent()


if __name__ == "__main__":
    main(LedgerMachine)
