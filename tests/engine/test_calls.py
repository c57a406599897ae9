"""Statements as calls: the canonical text, object ids and smaller calls normal forms use."""

from __future__ import annotations

from apifuzz.engine.calls import Calls
from apifuzz.language import Language, LoadedTarget


def calls(spec: str) -> Calls:
    return Calls(Language.build(LoadedTarget.load(spec).target))


def test_a_set_reads_the_same_whatever_the_order_and_repeats() -> None:
    crate = calls("rootcause_models:crate_target")
    assert crate.canonical("bundle [2 0 2]") == crate.canonical("bundle [0 2]") == "b [0 2]"
    # A list keeps its order and its repeats: they can mean something.
    assert crate.canonical("chain [2 0 2] 3") == "c [2 0 2] 3"


def test_object_ids_inside_lists_are_found_renamed_and_shifted() -> None:
    crate = calls("rootcause_models:crate_target")
    assert crate.refs("chain [3 1] 2") == {("item", 3), ("item", 1)}
    renamed = list(crate.renamed(("bundle [2 0]", "chain [2] 1")))
    assert ("b [0 1]", "c [1] 1") in renamed  # 2 -> 1 everywhere
    # Deleting a statement that made an object shifts the later ids from there on.
    shifted = list(crate.shifted(("make", "bundle [2 0]", "chain [2 1] 1"), 1))
    assert ("make", "b [0 1]", "c [1 0] 1") in shifted  # ids >= 1 down by one
    assert all(script[0] == "make" for script in shifted)


def test_a_value_becomes_the_smallest_everywhere_at_once() -> None:
    named = calls("rootcause_models:named_blobs_target")
    script = ('cr "a"', 'r 0 "a"')
    # A name and the calls that go by it change together; a shrink of one alone would
    # part them (onto itself is another call than onto a name nobody holds).
    assert ('cr ""', 'r 0 ""') in list(named.renamed(script))
    # Not where the smallest value is passed already: two values would become one.
    assert all(s != ('cr ""', 'r 0 ""') for s in named.renamed(('cr "a"', 'r 0 ""')))


def test_an_object_id_shrinks_like_a_number() -> None:
    shelf = calls("rootcause_models:shelf_target")
    assert shelf.shrunk("resize 4 0") == ["re 0 0", "re 1 0", "re 2 0", "re 3 0"]


def test_a_replacement_offers_a_string_a_model_that_refuses_the_empty_one_takes() -> None:
    crate = calls("rootcause_models:crate_target")
    options = crate.replacements("bundle [1]")
    assert 'l 0 ""' in options and 'l 0 " "' in options
    assert "c [] 0" in options  # no string: the smallest values only


def test_the_calls_next_to_one_move_its_plain_ints_only() -> None:
    row = calls("rootcause_models:row_target")
    # shift's first argument names an object: it stays; its start moves by one or two.
    assert row.nudged("shift 2 5") == ["s 2 3", "s 2 4", "s 2 6", "s 2 7"]
    assert row.nudged("place 0", steps=(1,)) == ["p 1"]


def test_a_freshened_call_makes_a_new_name_instead_of_a_clashing_one() -> None:
    calls = Calls(Language.build(LoadedTarget.load("rootcause_models:names_target").target))
    used = calls.literals(('add " "', 'rename 0 "0"'))
    assert used == {'" "', '"0"', "0"}
    assert calls.freshened('add " "', used) == calls.canonical('add "a"')
    assert calls.freshened('add "z"', used) is None  # nothing clashes
    assert calls.freshened("remove 0", used) is None  # no name to change


def test_one_name_of_the_later_statements_becomes_another_the_script_uses() -> None:
    calls = Calls(Language.build(LoadedTarget.load("rootcause_models:names_target").target))
    # 're 0 "0"' (at 1) is gone: the name it gave, "0", becomes the one before it, " ".
    rest = ('a " "', 're 0 "0"')
    assert list(calls.unified(rest, 're 0 "0"', 1)) == [('a " "', 're 0 " "')]
    # Only names the removed statement passed, and only names passed before it.
    assert list(calls.unified(rest, "r 0", 1)) == []
    assert list(calls.unified(rest, 'a " "', 0)) == []


def test_the_arguments_of_a_call_re_picked_together_from_the_script() -> None:
    calls = Calls(Language.build(LoadedTarget.load("rootcause_models:names_target").target))
    script = ('a " "', 'a "0"', 're 1 " "')
    # Both arguments change, each to a value of its type the script passes (or the
    # smallest), and the call gets smaller; one argument alone is the shrinker's job.
    assert calls.recombined('re 1 " "', script) == ['re 0 ""', 're 0 "0"']
    assert calls.recombined('re 1 " "', script, most=3) == []  # too many combinations
    assert calls.recombined('a " "', script) == []  # one argument: nothing to pair
