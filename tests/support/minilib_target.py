"""An apifuzz target registering minilib.Inventory from outside (the library is not edited)."""

from __future__ import annotations

import minilib

from apifuzz import Registration, Target

inventory = Registration(minilib.Inventory)
inventory.method("add", alias="a", name=str, count=int)
inventory.method("remove", alias="r", name=str, count=int)
inventory.method("count", name=str)
inventory.method("total")
inventory.method("copy", alias="cp")
inventory.method("names", alias="n")
inventory.method("__setitem__", alias="s", name=str, count=int)
inventory.api(minilib.restock, alias="rs")


@inventory.invariant
def within_capacity(inv: minilib.Inventory) -> None:
    assert inv.total() <= inv.capacity


target = Target(inventory, expected=(KeyError, ValueError), name="inventory")
