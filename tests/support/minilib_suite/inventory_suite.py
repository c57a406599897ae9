"""The library's own tests (plain pytest; they know nothing of apifuzz).

Copied as ``tests/test_inventory.py`` of a library checkout by
``tests/tracing/test_external_trace.py``.
"""

import pytest
from minilib import Inventory, restock


@pytest.fixture
def stocked():
    inv = Inventory()
    inv.add("apple", 3)
    return inv


def test_add_and_count():
    inv = Inventory()
    assert inv.add("apple") == 1
    assert inv.add("apple", 2) == 3
    assert inv.count("apple") == 3
    assert len(inv) == 1
    inv._check()


def test_remove(stocked):
    stocked.remove("apple", 2)
    assert stocked.count("apple") == 1
    with pytest.raises(KeyError):
        stocked.remove("pear")


def test_setitem(stocked):
    stocked["pear"] = 4
    assert stocked["pear"] == 4
    assert stocked.total() == 7


def test_restock(stocked):
    assert restock(stocked, "apple", 5) == 2
    assert restock(stocked, "apple", 5) == 0


def test_capacity():
    inv = Inventory(capacity=2)
    with pytest.raises(ValueError):
        inv.add("apple", 3)


def test_clear(stocked):
    stocked.add("pear")
    stocked.clear()
    stocked.add("plum")
    assert stocked.names() == ["plum"]


def test_merge(stocked):
    other = Inventory()
    other.add("pear", 2)
    stocked.merge(other)
    assert stocked.count("pear") == 2


def test_fractional_count():
    inv = Inventory()
    inv.add("flour", 1)
    inv.add("flour", 0.5)
    assert inv.count("flour") == 1.5
