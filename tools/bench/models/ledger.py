"""A ledger with seeded bugs that live in state: the deep-bug benchmark's model.

Accounts with a balance and a daily withdrawal limit, holds (money reserved,
then captured or released) and transfers that can be reversed.  Every seeded
bug is a missing or wrong check in a path the correct model runs anyway, so
the calls that lead to it run only lines and branches that ordinary scripts
run too: no new coverage on the way, and at least four related calls (the
same account or hold, amounts that add up) before the one that fails.

``APIFUZZ_LEDGER_BUGS`` names the bugs to switch on (comma-separated, or
``all``); read when a :class:`Ledger` is made.  ``SCRIPTS`` holds the
shortest known script of each (tests/test_bench_models.py checks them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant

ENV_VAR = "APIFUZZ_LEDGER_BUGS"
DAILY_LIMIT = 1000

#: Each seeded bug and the shortest script that shows it (ids count from 1).
SCRIPTS: dict[str, str] = {
    # withdraw checks each amount against the daily limit, not the day's total.
    "limit_per_withdrawal": "open_account\ndeposit 1 2000\nwithdraw 1 600\nwithdraw 1 600\n",
    # capture does not check that the hold is still open: a released hold is captured.
    "capture_released": "open_account\ndeposit 1 50\nhold 1 20\nrelease 2\ncapture 2\n",
    # close_account checks the available money, not the balance: held money is lost.
    "close_with_hold": "open_account\ndeposit 1 30\nhold 1 30\nclose_account 1\n",
    # transfer checks the balance, not the available money: held money is sent away.
    "transfer_spends_held": (
        "open_account\nopen_account\ndeposit 1 50\nhold 1 40\ntransfer 1 2 30\n"
    ),
    # a reversal can be reversed: the original transfer is then undone twice over.
    "reverse_a_reversal": (
        "open_account\nopen_account\ndeposit 1 50\ntransfer 1 2 20\nreverse 3\nreverse 4\n"
    ),
}
ALL_BUGS = tuple(SCRIPTS)


def enabled_bugs() -> frozenset[str]:
    """The bugs ``APIFUZZ_LEDGER_BUGS`` switches on now."""
    names = {n.strip() for n in os.environ.get(ENV_VAR, "").split(",") if n.strip()}
    return frozenset(ALL_BUGS) if "all" in names else frozenset(names & set(ALL_BUGS))


class LedgerError(Exception):
    """A refused request: not a bug."""


@dataclass
class Account:
    balance: int = 0
    held: int = 0
    withdrawn_today: int = 0
    closed: bool = False


@dataclass
class Hold:
    account: int
    amount: int
    state: str = "open"  # "open", "captured" or "released"


@dataclass
class Transfer:
    source: int
    target: int
    amount: int
    reverses: int | None = None
    reversed_by: int | None = None


AccountId = Annotated[int, Ref("account")]
HoldId = Annotated[int, Ref("hold")]
TransferId = Annotated[int, Ref("transfer")]


class Ledger:
    """Accounts, holds and transfers, with a journal the invariant checks them against."""

    def __init__(self) -> None:
        self.bugs = enabled_bugs()
        self.accounts: dict[int, Account] = {}
        self.holds: dict[int, Hold] = {}
        self.transfers: dict[int, Transfer] = {}
        self.journal: dict[int, int] = {}  # account -> the sum of its booked amounts
        self.next_id = 1

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _account(self, account: int) -> Account:
        found = self.accounts[account]
        if found.closed:
            raise LedgerError(f"account {account} is closed")
        return found

    def _book(self, account: int, amount: int) -> None:
        self.accounts[account].balance += amount
        self.journal[account] = self.journal.get(account, 0) + amount

    @staticmethod
    def _positive(amount: int) -> None:
        if amount <= 0:
            raise LedgerError("amounts are positive")

    @ids("account")
    def account_ids(self) -> list[int]:
        return [a for a, acc in self.accounts.items() if not acc.closed]

    @ids("hold")
    def hold_ids(self) -> list[int]:
        return list(self.holds)

    @ids("transfer")
    def transfer_ids(self) -> list[int]:
        return list(self.transfers)

    @api
    def open_account(self) -> int:
        account = self._new_id()
        self.accounts[account] = Account()
        return account

    @api
    def deposit(self, account: AccountId, amount: int) -> None:
        self._positive(amount)
        self._account(account)
        self._book(account, amount)

    @api
    def withdraw(self, account: AccountId, amount: int) -> None:
        self._positive(amount)
        acc = self._account(account)
        if amount > acc.balance - acc.held:
            raise LedgerError("not enough money available")
        today = 0 if "limit_per_withdrawal" in self.bugs else acc.withdrawn_today
        if today + amount > DAILY_LIMIT:
            raise LedgerError("over the daily limit")
        acc.withdrawn_today += amount
        self._book(account, -amount)

    @api
    def new_day(self) -> None:
        for acc in self.accounts.values():
            acc.withdrawn_today = 0

    @api
    def hold(self, account: AccountId, amount: int) -> int:
        self._positive(amount)
        acc = self._account(account)
        if amount > acc.balance - acc.held:
            raise LedgerError("not enough money available")
        acc.held += amount
        hold = self._new_id()
        self.holds[hold] = Hold(account, amount)
        return hold

    @api
    def capture(self, hold: HoldId) -> None:
        found = self.holds[hold]
        states = ("open", "released") if "capture_released" in self.bugs else ("open",)
        if found.state not in states:
            raise LedgerError(f"hold {hold} is {found.state}")
        self._account(found.account).held -= found.amount
        self._book(found.account, -found.amount)
        found.state = "captured"

    @api
    def release(self, hold: HoldId) -> None:
        found = self.holds[hold]
        if found.state != "open":
            raise LedgerError(f"hold {hold} is {found.state}")
        self._account(found.account).held -= found.amount
        found.state = "released"

    @api
    def transfer(self, source: AccountId, target: AccountId, amount: int) -> int:
        self._positive(amount)
        if source == target:
            raise LedgerError("a transfer needs two accounts")
        src, _ = self._account(source), self._account(target)
        spendable = src.balance if "transfer_spends_held" in self.bugs else src.balance - src.held
        if amount > spendable:
            raise LedgerError("not enough money available")
        return self._move(source, target, amount)

    def _move(self, source: int, target: int, amount: int, reverses: int | None = None) -> int:
        self._book(source, -amount)
        self._book(target, amount)
        transfer = self._new_id()
        self.transfers[transfer] = Transfer(source, target, amount, reverses)
        return transfer

    @api
    def reverse(self, transfer: TransferId) -> int:
        t = self.transfers[transfer]
        if t.reversed_by is not None:
            raise LedgerError(f"transfer {transfer} is already reversed")
        if t.reverses is not None and "reverse_a_reversal" not in self.bugs:
            raise LedgerError(f"transfer {transfer} is a reversal")
        back = self._account(t.target)
        self._account(t.source)
        if t.amount > back.balance - back.held:
            raise LedgerError("not enough money available to reverse")
        t.reversed_by = self._move(t.target, t.source, t.amount, reverses=transfer)
        return t.reversed_by

    @api
    def close_account(self, account: AccountId) -> None:
        acc = self._account(account)
        left = acc.balance - acc.held if "close_with_hold" in self.bugs else acc.balance
        if left != 0:
            raise LedgerError("only an empty account can be closed")
        acc.closed = True

    @api
    def balance(self, account: AccountId) -> int:
        return self._account(account).balance

    @invariant
    def consistent(self) -> None:
        for number, acc in self.accounts.items():
            assert acc.balance == self.journal.get(number, 0), "balance differs from the journal"
            held = sum(
                h.amount for h in self.holds.values() if h.account == number and h.state == "open"
            )
            assert acc.held == held, "held money differs from the open holds"
            assert 0 <= acc.held <= acc.balance, "more money held than there is"
            assert acc.withdrawn_today <= DAILY_LIMIT, "over the daily limit"
            assert not acc.closed or acc.balance == 0, "a closed account holds money"
        for number, t in self.transfers.items():
            if t.reverses is not None:
                assert self.transfers[t.reverses].reversed_by == number, "a reversal lost its pair"
                assert t.reversed_by is None, "a reversal was reversed: the transfer ran twice"


target = Target(Ledger, expected=(LedgerError,))
