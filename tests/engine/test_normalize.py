"""Normal forms with a scripted runner: which scripts fail is given, so each move is seen alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from apifuzz.engine.calls import Calls, Script
from apifuzz.engine.normalize import Form, Outcome, Reducer, Surface
from apifuzz.engine.triage import Signature
from apifuzz.language import Language, LoadedTarget

# The disk model's aliases: e erase, r restore, s set_quota, sn snapshot, w write.
IN_RESTORE = Surface("exception", "restore", None, None)


def fails_in(function: str) -> Outcome:
    signature = Signature("exception", "AssertionError", "disk.py", function, 1, "", "restore")
    return Outcome(signature, IN_RESTORE, 0)  # line: set by the runner


def reducer(fails: Callable[[Script], str | None]) -> Reducer:
    """A reducer whose replays fail at ``restore`` in the function ``fails`` names."""
    calls = Calls(Language.build(LoadedTarget.load("rootcause_models:disk_target").target))

    def run(script: Script) -> Outcome | None:
        script = tuple(calls.canonical(line) for line in script)
        function = fails(script) if script and script[-1] == "r" else None
        if function is None:
            return None
        if function.startswith("check "):  # an invariant that breaks after restore
            signature = Signature("invariant", "AssertionError", "disk.py", function, 2, "ok")
            surface = Surface("invariant", "restore", None, "ok")
            return Outcome(replace(signature, method="restore"), surface, len(script))
        return Outcome(fails_in(function).signature, IN_RESTORE, len(script))

    return Reducer(calls, run)


def form(reduce: Reducer, script: str) -> Form:
    found = reduce.reduce(script)
    assert found is not None, script
    return found


def test_independent_statements_end_in_one_order() -> None:
    def both_before(script: Script) -> str | None:
        return "both" if "e" in script and "sn" in script else None

    reduce = reducer(both_before)
    one = form(reduce, "snapshot\nerase\nrestore")
    two = form(reduce, "erase\nsnapshot\nrestore")
    assert one.statements == two.statements == ("e", "sn", "r")


def test_a_statement_may_become_a_copy_of_another() -> None:
    # No smaller number the shrinker offers turns 5 into 3; a copy of the other write does.
    failing = {("w 3", "w 5", "r"): "twice", ("w 3", "w 3", "r"): "twice"}
    assert form(reducer(failing.get), "write 3\nwrite 5\nrestore").statements == (
        "w 3",
        "w 3",
        "r",
    )


def test_two_statements_that_go_only_together_are_deleted_at_once() -> None:
    # A quota raised and set back (an object made and removed again) before the play:
    # either alone changes the failure, both together do not.
    def balanced(script: Script) -> str | None:
        if "sn" not in script or script.count("s 7") != script.count("s 0"):
            return None
        return "balanced"

    found = form(reducer(balanced), "set_quota 7\nsnapshot\nset_quota 0\nrestore")
    assert found.statements == ("sn", "r")


def test_two_local_minima_of_one_failure_meet() -> None:
    # Each form is stuck: the step between them goes up first (to "w 4 ; s 4 ; r").
    failing = {("w 1", "s 4", "r"): "low", ("w 4", "s 4", "r"): "high", ("w 4", "s 1", "r"): "x"}
    reduce = reducer(failing.get)
    one, two = form(reduce, "write 1\nset_quota 4\nrestore"), form(reduce, "w 4\ns 1\nr")
    assert one.statements != two.statements
    assert reduce.meets(one, two) and reduce.meets(two, one)


def test_forms_one_statement_apart_do_not_meet() -> None:
    # The step between them is the other form itself: two bugs one statement apart.
    failing = {("w 1", "s 4", "r"): "four", ("w 1", "s 2", "r"): "two"}
    reduce = reducer(failing.get)
    one, two = form(reduce, "w 1\ns 4\nr"), form(reduce, "w 1\ns 2\nr")
    assert not reduce.meets(one, two) and not reduce.meets(two, one)


def test_forms_with_no_failing_path_between_them_do_not_meet() -> None:
    failing = {("w 1", "s 4", "r"): "low", ("w 4", "s 1", "r"): "high"}
    reduce = reducer(failing.get)
    one, two = form(reduce, "w 1\ns 4\nr"), form(reduce, "w 4\ns 1\nr")
    assert not reduce.meets(one, two) and not reduce.meets(two, one)


def test_a_statement_and_its_copies_change_together_when_counting_manifestations() -> None:
    # "X ; X ; restore" fails for several X: the slot is generic although no single
    # copy can change alone.
    failing = {("w 1", "w 1", "r"): "write", ("e", "e", "r"): "erase", ("sn", "sn", "r"): "snap"}
    reduce = reducer(failing.get)
    reduce._left = reduce.budget
    found = reduce.manifestations(("w 1", "w 1", "r"), IN_RESTORE)
    assert {s.function for s in found} == {"write", "erase", "snap"}
    # The signature a move comes from counts as one more.
    start = fails_in("before").signature
    assert start in reduce.manifestations(("w 1", "w 1", "r"), IN_RESTORE, {start})


def test_a_repeated_statement_recast_everywhere_may_surface_elsewhere() -> None:
    # "X ; sn ; X ; restore": an invariant for X = w 1, an exception for three other X.
    failing = {
        ("w 1", "sn", "w 1", "r"): "check ok",
        ("e", "sn", "e", "r"): "one",
        ("s 0", "sn", "s 0", "r"): "two",
        ("w 0", "sn", "w 0", "r"): "three",
        ("sn", "s 1", "r"): "check ok",
    }
    reduce = reducer(failing.get)
    repeated, other = form(reduce, "w 1\nsn\nw 1\nr"), form(reduce, "e\nsn\ne\nr")
    assert repeated.surface != other.surface
    assert other.statements in reduce.recast(repeated)
    # A statement that is not repeated does not change alone: that is another play.
    assert reduce.recast(form(reduce, "sn\ns 1\nr")) == []


def _taken_over(needs_first_write: bool) -> Callable[[Script], str | None]:
    """``w 3 ; sn ; w 5 ; r`` fails one way; with the ``w 5`` replaced by any of three
    calls it fails three other ways (a generic failure).  Unless ``needs_first_write``,
    the erase's way shows without the ``w 3`` too."""

    def fails(script: Script) -> str | None:
        if script == ("w 3", "sn", "w 5", "r"):
            return "first"
        if not needs_first_write and script == ("sn", "e", "r"):
            return "second e"
        for call in ("e", "s 0", "sn"):
            if script == ("w 3", "sn", call, "r"):
                return f"second {call}"
        return None

    return fails


def test_a_move_to_another_failure_keeps_every_statement_needed() -> None:
    # Another bug in the same method takes over once the last edit changes, and with the
    # erase it does not need the first write: a descent through the erase would drop the
    # first bug's own statement and end in the other bug's form.
    start = "write 3\nsnapshot\nwrite 5\nrestore"
    assert "w 3" in form(reducer(_taken_over(False)), start).statements
    # When every new failure needs the first write, any of the moves may be taken.
    assert form(reducer(_taken_over(True)), start).statements == ("w 3", "sn", "e", "r")


def test_a_reduction_keeps_the_scripts_own_failure_while_it_can() -> None:
    # Two writes, the larger first, fail one way; with the first one gone the other write
    # fails another way in the same call: a deletion that changes which objects the
    # statements touch can turn one bug's script into another's.  The descent first
    # goes as far as the script's own failure takes it, and only then lets it move.
    def two_ways(script: Script) -> str | None:
        if len(script) == 4 and script[2:] == ("sn", "r") and script[0][0] == script[1][0] == "w":
            return "larger_first" if int(script[0][2:]) > int(script[1][2:]) else None
        return "alone" if script == ("w 3", "sn", "r") else None

    found = form(reducer(two_ways), "write 5\nwrite 3\nsnapshot\nrestore")
    assert found.statements == ("w 1", "w 0", "sn", "r")
    assert found.signature.function == "larger_first"


def test_a_call_on_a_new_name_becomes_the_call_on_the_old_one() -> None:
    # The names model's rename fails when an entry is renamed onto its own name.  Renamed
    # first and then onto the new name, it is the same failure: with the first rename
    # gone, the later statements go by the old name.
    calls = Calls(Language.build(LoadedTarget.load("rootcause_models:names_target").target))
    in_rename = Surface("exception", "rename", None, None)
    onto_itself = Signature("exception", "KeyError", "names.py", "rename", 1, "", "rename")

    def run(script: Script) -> Outcome | None:
        names: list[str] = []
        for number, line in enumerate((calls.canonical(x) for x in script), 1):
            alias, *args = line.split(" ")
            if alias == "a":
                names.append(args[0])
            elif alias == "re" and names:
                entry = int(args[0]) % len(names)
                if names[entry] == args[1]:
                    last = number == len(script)
                    return Outcome(onto_itself, in_rename, number) if last else None
                names[entry] = args[1]
        return None

    found = Reducer(calls, run).reduce('add "f"\nrename 0 "g"\nrename 0 "g"')
    assert found is not None
    assert found.statements == ('a ""', 're 0 ""')

    # The same move where the failure then shows in another frame is another play (a
    # call onto another object's name made a call onto the object's own): not taken.
    elsewhere = replace(onto_itself, function="elsewhere")

    def moved(script: Script) -> Outcome | None:
        out = run(script)
        if out is None or len(script) > 2:
            return out
        return replace(out, signature=elsewhere)

    found = Reducer(calls, moved).reduce('add "f"\nrename 0 "g"\nrename 0 "g"')
    assert found is not None
    assert len(found.statements) == 3


def test_statements_whose_order_changes_the_failure_keep_their_order() -> None:
    # The erase comes first in the canonical order, but before the write it shows
    # another failure: those two are not independent, and the order stays.
    failing = {("w 1", "e", "r"): "write_first", ("e", "w 1", "r"): "erase_first"}
    found = form(reducer(failing.get), "write 1\nerase\nrestore")
    assert found.statements == ("w 1", "e", "r")


def test_the_last_call_may_change_two_arguments_at_once() -> None:
    # Renaming the second entry onto the first one's name fails, and so does renaming the
    # first onto the second's; no single smaller argument leads from one to the other.
    calls = Calls(Language.build(LoadedTarget.load("rootcause_models:names_target").target))
    in_rename = Surface("exception", "rename", None, None)
    taken = Signature("exception", "KeyError", "names.py", "rename", 1, "", "rename")
    failing = {('a " "', 'a "0"', 're 1 " "'), ('a " "', 'a "0"', 're 0 "0"')}

    def run(script: Script) -> Outcome | None:
        script = tuple(calls.canonical(line) for line in script)
        return Outcome(taken, in_rename, len(script)) if script in failing else None

    found = Reducer(calls, run).reduce('add " "\nadd "0"\nrename 1 " "')
    assert found is not None
    assert found.statements == ('a " "', 'a "0"', 're 0 "0"')


def test_a_statement_the_failure_needs_whatever_the_trigger_is_essential() -> None:
    # "w 3 ; sn ; T ; r" fails for T = e, s 0 or sn, each time only with its first write.
    start = Form(("w 3", "sn", "w 5", "r"), IN_RESTORE, 0, fails_in("first").signature)
    assert reducer(_taken_over(True)).essential(start, 2, 0)
    # With the erase as the trigger the first write can go: it is not needed whatever
    # the trigger is.
    assert not reducer(_taken_over(False)).essential(start, 2, 0)
    # When no other trigger keeps the failure, nothing says the first write is needed.
    alone = {("w 3", "sn", "w 5", "r"): "first"}
    assert not reducer(alone.get).essential(start, 2, 0)


def test_a_reduction_brings_in_no_method_the_script_never_called() -> None:
    # With several bugs on, a write in place of the erase fails the same way and then
    # needs no snapshot: another bug's play.  The script never wrote, so its normal form
    # keeps its own calls.
    def own_or_written(script: Script) -> str | None:
        if script in (("e", "sn", "r"), ("w 0", "sn", "r"), ("w 0", "r"), ("w 0", "e", "sn", "r")):
            return "same"
        return None

    assert form(reducer(own_or_written), "erase\nsnapshot\nrestore").statements == (
        "e",
        "sn",
        "r",
    )
    # A script that wrote may take that step.
    found = form(reducer(own_or_written), "write 0\nerase\nsnapshot\nrestore")
    assert found.statements == ("w 0", "r")
