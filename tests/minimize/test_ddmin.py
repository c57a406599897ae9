"""ddmin on synthetic predicates with known minimal answers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apifuzz.minimize import ddmin


def test_finds_the_two_needed_elements() -> None:
    calls: list[list[int]] = []

    def fails(items: list[int]) -> bool:
        calls.append(items)
        return {3, 17} <= set(items)

    assert ddmin(list(range(40)), fails) == [3, 17]
    assert len(calls) < 120  # far fewer than the 2**40 subsets


def test_one_element_and_order_kept() -> None:
    assert ddmin(list("abcdefgh"), lambda s: "f" in s) == ["f"]
    assert ddmin([5, 1, 4], lambda s: s[-2:] == [1, 4] if len(s) > 1 else False) == [1, 4]


def test_a_sequence_that_cannot_shrink_is_returned_whole() -> None:
    assert ddmin([1, 2, 3], lambda s: len(s) == 3) == [1, 2, 3]


@given(
    st.integers(min_value=1, max_value=60).flatmap(
        lambda n: st.tuples(
            st.just(n), st.sets(st.integers(min_value=0, max_value=n - 1), min_size=1)
        )
    )
)
def test_result_is_exactly_the_needed_set(case: tuple[int, set[int]]) -> None:
    n, needed = case
    result = ddmin(list(range(n)), lambda items: needed <= set(items))
    assert result == sorted(needed)


@given(st.lists(st.integers(0, 9), min_size=1, max_size=30), st.integers(0, 9))
def test_result_still_fails_and_is_one_minimal(items: list[int], needle: int) -> None:
    items = [*items, needle]

    def fails(s: list[int]) -> bool:  # not monotone: needs an odd count of the needle
        return s.count(needle) % 2 == 1

    if not fails(items):
        items.append(needle)
    result = ddmin(items, fails)
    assert fails(result)
    assert all(
        not fails(result[:i] + result[i + 1 :]) for i in range(len(result)) if len(result) > 1
    )
