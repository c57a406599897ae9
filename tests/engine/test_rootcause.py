"""Root-cause triage: one bug per root cause, and never two bugs merged into one."""

from __future__ import annotations

from dataclasses import replace

from apifuzz.engine.calls import statements
from apifuzz.engine.rootcause import Case, RootCause
from apifuzz.engine.triage import Signature, model_dirs, signature_of
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language, LoadedTarget


def triage(spec: str) -> tuple[RootCause, Interpreter]:
    loaded = LoadedTarget.load(spec)
    return RootCause(loaded, packages=("rootcause_models",)), Interpreter(
        Language.build(loaded.target)
    )


def case(interpreter: Interpreter, script: str) -> Case:
    report = interpreter.run(script)
    assert report.bug is not None, script
    return Case(signature_of(report.bug, model_dirs(["rootcause_models"])), script)


def test_one_assertion_broken_through_two_methods_is_two_bugs() -> None:
    rootcause, interpreter = triage("rootcause_models:disk_target")
    by_write = case(interpreter, "write 6\nwrite 6\n")
    by_restore = case(interpreter, "write 8\nsnapshot\nerase\nset_quota 5\nrestore\n")
    # One assertion, one innermost frame: only the API method tells them apart.
    assert replace(by_write.signature, method="") == replace(by_restore.signature, method="")
    decision = rootcause.same_bug(by_write, by_restore)
    assert not decision.same, decision.reason
    assert "write" in decision.reason and "restore" in decision.reason
    # A variant of the write bug (other sizes, more writes) is still that bug.
    again = case(interpreter, "write 3\nwrite 9\nwrite 9\n")
    assert rootcause.same_bug(by_write, again).same


def test_one_stale_entry_that_breaks_many_methods_is_one_bug() -> None:
    rootcause, interpreter = triage("rootcause_models:shelf_target")
    shows = [
        case(interpreter, "add 1\nadd 2\nremove 0\ntotal\n"),
        case(interpreter, "add 5\nremove 0\nlargest\n"),
        case(interpreter, "add 1\nadd 1\nremove 1\nlisting\n"),
        case(interpreter, "add 3\nremove 0\nresize 0 4\ncompact\n"),
    ]
    assert len({c.signature for c in shows}) == len(shows)
    for other in shows[1:]:
        decision = rootcause.same_bug(shows[0], other)
        assert decision.same, decision.reason
        assert "corrupted state" in decision.reason


def test_decisions_are_deterministic_and_bounded() -> None:
    one, interpreter = triage("rootcause_models:shelf_target")
    two, _ = triage("rootcause_models:shelf_target")
    a = case(interpreter, "add 1\nadd 2\nremove 0\ntotal\n")
    b = case(interpreter, "add 5\nremove 0\nlargest\n")
    assert one.same_bug(a, b) == two.same_bug(a, b)
    assert one.replays == two.replays <= 2 * 600
    assert one.same_bug(a, b) == one.same_bug(a, b)
    assert isinstance(a.signature, Signature)


def test_two_bugs_after_one_setup_are_two_bugs() -> None:
    # A shared setup is no corrupted state: only the two buggy calls fail after it.
    rootcause, interpreter = triage("rootcause_models:tally_target")
    half = case(interpreter, "set 5\nhalf\n")
    third = case(interpreter, "set 5\nthird\n")
    decision = rootcause.same_bug(half, third)
    assert not decision.same, decision.reason


def test_two_redo_handlers_with_a_bug_each_are_two_bugs() -> None:
    # Same surface (an exception in redo), one statement apart: still two root causes.
    rootcause, interpreter = triage("rootcause_models:tally_target")
    double = case(interpreter, "set 3\ndouble\nundo\nredo\n")
    negate = case(interpreter, "set 3\nnegate\nundo\nredo\n")
    assert double.signature != negate.signature
    decision = rootcause.same_bug(double, negate)
    assert not decision.same, decision.reason
    assert rootcause.same_bug(double, case(interpreter, "set 7\ndouble\nundo\nredo\n")).same


def test_a_corruption_that_takes_a_second_call_to_show_is_one_bug() -> None:
    # A copied book is never counted: ``clear`` trips over it at once, ``remove``
    # only at its second call, in the same assertion.
    rootcause, interpreter = triage("rootcause_models:library_target")
    at_once = case(interpreter, "add\ncopy 0\nclear\n")
    second_call = case(interpreter, "add\ncopy 0\nremove 0\nremove 0\n")
    assert at_once.signature.method != second_call.signature.method
    decision = rootcause.same_bug(at_once, second_call)
    assert decision.same, decision.reason
    assert "corrupted state" in decision.reason


def test_three_bugs_after_one_setup_are_three_bugs() -> None:
    # A trimmed clip: three calls each break the invariant by themselves. The state after
    # the trim is sound (nothing raises on it): a setup, not a corruption.
    rootcause, interpreter = triage("rootcause_models:strip_target")
    cut = case(interpreter, "add 5\ntrim 0 2\ncut 0\n")
    stretch = case(interpreter, "add 5\ntrim 0 2\nstretch 0\n")
    shift = case(interpreter, "add 5\ntrim 0 2\nshift 0\n")
    for one, two in ((cut, stretch), (stretch, shift), (cut, shift)):
        decision = rootcause.same_bug(one, two)
        assert not decision.same, decision.reason


def test_a_corruption_with_many_triggers_and_victims_is_one_bug() -> None:
    # A copy shares a blob without counting it: a change of either file frees it (the
    # trigger: any of several edits) and every access of the other fails (the victim),
    # in another frame depending on the access.
    rootcause, interpreter = triage("rootcause_models:blobs_target")
    read = case(interpreter, 'create\ncopy 1\nwrite 2 "a"\nread 1\n')
    delete = case(interpreter, 'create\ncopy 1\nwrite 1 "a"\ndelete 2\n')
    assert read.signature.function != delete.signature.function
    decision = rootcause.same_bug(read, delete)
    assert decision.same, decision.reason
    assert "corrupted state" in decision.reason
    # A bug of its own after a setup that shares the first statement stays apart.
    relabel = case(interpreter, "create\ncreate\nrelabel 1 2\n")
    for corruption in (read, delete):
        decision = rootcause.same_bug(corruption, relabel)
        assert not decision.same, decision.reason


def test_a_victim_play_on_another_forms_corrupted_state_is_one_bug() -> None:
    # Restore trips over the uncounted copy only after a snapshot taken before it; read
    # and append, after an edit frees the shared blob.  No form shares a setup with the
    # others and the two failures are not alike, but read's play (an edit, then the
    # read) run after restore's snapshot, create and copy fails as read does.
    rootcause, interpreter = triage("rootcause_models:snapshot_blobs_target")
    restore = case(interpreter, "snapshot\ncreate\ncopy 1\nrestore\n")
    for victim in (
        'create\ncopy 1\nwrite 2 "a"\nread 1\n',
        'create\ncopy 1\nwrite 1 "a"\nappend 2 "b"\n',
    ):
        other = case(interpreter, victim)
        assert other.signature.function != restore.signature.function
        decision = rootcause.same_bug(restore, other)
        assert decision.same, decision.reason
        assert "carries both" in decision.reason
    # A last call with a bug of its own fails on that state too, but it needs no
    # corruption: on its own form's state nothing else fails.  It stays apart.
    merge = case(interpreter, "create\nmerge 1 1\n")
    for corruption in (restore, case(interpreter, 'create\ncopy 1\nwrite 2 "a"\nread 1\n')):
        decision = rootcause.same_bug(corruption, merge)
        assert not decision.same, decision.reason


def test_a_failure_that_needs_no_call_of_the_corruption_has_a_cause_of_its_own() -> None:
    # A file swapped with itself gives its blob back twice: after the uncounted copy it
    # fails as the copy's victims do, and the copy's corrupted state makes it fail the
    # same way.  But without the copy it fails all the same: the swap's own bug.
    rootcause, interpreter = triage("rootcause_models:swap_blobs_target")
    swap = case(interpreter, "create\ncopy 1\nswap 1 1\n")
    delete = case(interpreter, 'create\ncopy 1\nwrite 1 "a"\ndelete 2\n')
    assert swap.signature.function == delete.signature.function == "_release"
    for decision in (rootcause.same_bug(delete, swap), rootcause.same_bug(swap, delete)):
        assert not decision.same, decision.reason
        assert decision.reason == "a cause of its own: fails without copy"
    # It is the swap's bug, and the copy's victims are still one bug.
    assert rootcause.same_bug(case(interpreter, "create\nswap 1 1\n"), swap).same
    read = case(interpreter, 'create\ncopy 1\nwrite 2 "a"\nread 1\n')
    assert rootcause.same_bug(read, delete).same


def test_a_call_changed_onto_another_bugs_play_is_not_taken_in_a_reduction() -> None:
    # The copy's victim renames the file onto a second copy's name: the second copy gives
    # the freed blob back.  With the name re-picked as the file's own, it fails alike
    # (the rename onto itself gives it back too), and the copies would go next, leaving
    # the rename's bug.  The changed call brought in a smaller failure in another frame
    # (without the append, it fails in _move): that step is not taken.
    rootcause, interpreter = triage("rootcause_models:named_blobs_target")
    onto_itself = case(interpreter, 'create "a"\nrename 0 "a"\n')
    victim = case(interpreter, 'create "f"\ncopy 0 "c"\nappend 1 "x"\ncopy 0 "d"\nrename 0 "d"\n')
    assert onto_itself.signature.function == "_move"
    assert victim.signature.function == "_release"
    decision = rootcause.same_bug(onto_itself, victim)
    assert not decision.same, decision.reason
    form = rootcause.form(victim)
    assert form is not None and form.signature.function == "_release"


def test_a_script_that_needs_two_bugs_joins_the_one_it_shows_without_the_others_calls() -> None:
    # The copy's append frees the shared blob; renamed onto itself, the file then gives
    # it back again, in _release as the copy's victims do.  Its form is the copy's play,
    # but without the copy it still fails, and reduces to the rename onto itself.
    rootcause, interpreter = triage("rootcause_models:named_blobs_target")
    onto_itself = case(interpreter, 'create "a"\nrename 0 "a"\n')
    victim = case(interpreter, 'create "f"\ncopy 0 "c"\nappend 1 "x"\ncopy 0 "d"\nrename 0 "d"\n')
    both = case(interpreter, 'create "f"\ncopy 0 "c"\nappend 1 "x"\nrename 0 "g"\nrename 0 "g"\n')
    assert both.signature == victim.signature
    for decision in (rootcause.same_bug(onto_itself, both), rootcause.same_bug(both, onto_itself)):
        assert decision.same, decision.reason
        assert decision.reason.startswith("rests on the other without copy")
    for decision in (rootcause.same_bug(victim, both), rootcause.same_bug(both, victim)):
        assert not decision.same, decision.reason
    assert not rootcause.same_bug(onto_itself, victim).same


def test_a_guard_of_the_other_forms_own_may_be_left_out_of_its_state() -> None:
    # A second snapshot releases what the first one held, and trips over the blob the
    # uncounted copy shared.  That form needs its first snapshot, taken before the copy,
    # and that snapshot holds a reference that keeps read's play from tripping over the
    # copy.  Without it, read's play on the create and the copy fails as read does.
    rootcause, interpreter = triage("rootcause_models:snapshot_blobs_target")
    second = case(interpreter, 'create\nsnapshot\ncopy 1\nwrite 1 "a"\nwrite 2 "b"\nsnapshot\n')
    read = case(interpreter, 'create\ncopy 1\nwrite 2 "a"\nread 1\n')
    assert (second.signature.method, read.signature.method) == ("snapshot", "read")
    decision = rootcause.same_bug(second, read)
    assert decision.same, decision.reason
    assert "carries both" in decision.reason
    merge = case(interpreter, "create\nmerge 1 1\n")
    assert not rootcause.same_bug(second, merge).same


def test_a_corruption_few_methods_raise_on_is_one_bug_when_others_break_the_invariant() -> None:
    # The uncounted split: a second drop raises, a source deleted under a clip breaks the
    # invariant after the delete.  Only drop and clear raise on that state, but
    # delete_source fails there too: three methods fail, the state is corrupted.
    rootcause, interpreter = triage("rootcause_models:usage_target")
    drop = case(interpreter, "add\nplace 0\nsplit 0\ndrop 0\ndrop 0\n")
    delete = case(interpreter, "add\nplace 0\nsplit 0\ndrop 0\ndelete_source 0\n")
    assert (drop.signature.kind, delete.signature.kind) == ("exception", "invariant")
    decision = rootcause.same_bug(delete, drop)
    assert decision.same, decision.reason
    assert "carries both" in decision.reason


def test_victims_with_setups_of_their_own_are_one_bug() -> None:
    # Forms that share no setup: clear trips over the uncounted use at once, swap only
    # once two sources exist and the other clip moved first. One state shows both.
    rootcause, interpreter = triage("rootcause_models:reels_target")
    clear = case(interpreter, "add\nplace 0\nsplit 0\nclear\n")
    swap = case(interpreter, "add\nadd\nplace 0\nsplit 0\nswap 0 2\nswap 1 2\n")
    assert clear.signature.method != swap.signature.method
    decision = rootcause.same_bug(clear, swap)
    assert decision.same, decision.reason
    assert "makes both" in decision.reason


def test_one_symptom_of_two_methods_with_one_mistake_is_two_bugs() -> None:
    # clone miscounts where split forgets to count: a state made with clone shows the
    # symptom of split's form, but split's form needs split, which that state never calls.
    rootcause, interpreter = triage("rootcause_models:cloned_reels_target")
    split = case(interpreter, "add\nplace 0\nsplit 0\nclear\n")
    clone = case(interpreter, "add\nadd\nplace 0\nclone 0\nswap 0 2\nswap 1 2\n")
    decision = rootcause.same_bug(split, clone)
    assert not decision.same, decision.reason


def test_one_faulty_helper_reached_from_two_methods_is_one_bug() -> None:
    # Both moves fail in _place, called along one path of three helpers: the helper's bug.
    rootcause, interpreter = triage("rootcause_models:canvas_target")
    shape = case(interpreter, "add_layer\nadd_layer\nadd_shape 1\nlock 2\nmove_shape 3 2\n")
    layer = case(interpreter, "add_layer\nadd_layer\nadd_shape 1\nlock 2\nmove_layer 1 2\n")
    assert shape.signature.method != layer.signature.method
    decision = rootcause.same_bug(shape, layer)
    assert decision.same, decision.reason
    assert "one faulty helper" in decision.reason


def test_model_frames_shared_below_the_api_method() -> None:
    from apifuzz.engine.rootcause import shared_helper

    path = ("_request:1", "_apply:2", "_place:3")
    assert shared_helper(("move_shape:9", *path), ("move_layer:8", *path)) == path[::-1]
    # Two frames (a runner and the failing helper) are a crossroads of many paths.
    assert shared_helper(("a:1", "x:2", "run:3", "f:4"), ("b:1", "y:5", "run:3", "f:4")) == ()
    assert shared_helper((), ("b:1",)) == ()


def test_the_common_subsequence_and_the_runs_outside_it() -> None:
    from apifuzz.engine.rootcause import common_subsequence, runs_outside

    a, b = ("x", "u", "y", "r"), ("p", "q", "u", "r")
    pairs = common_subsequence(a, b)
    assert pairs == [(1, 2), (3, 3)]
    assert runs_outside(len(a), [i for i, _ in pairs]) == [(0, 1), (2, 3)]
    assert runs_outside(len(b), [j for _, j in pairs]) == [(0, 2)]
    assert common_subsequence((), b) == [] and runs_outside(0, []) == []


def test_one_faulty_check_behind_two_methods_is_one_bug() -> None:
    # place and shift both ask _taken, which misses one shared cell; grow checks nothing.
    rootcause, interpreter = triage("rootcause_models:row_target")
    by_place = case(interpreter, "place 0\nplace 2\n")
    by_shift = case(interpreter, "place 0\nplace 6\nshift 2 2\n")
    by_grow = case(interpreter, "place 0\nplace 6\ngrow 1 4\n")
    assert len({c.signature for c in (by_place, by_shift, by_grow)}) == 3
    decision = rootcause.same_bug(by_place, by_shift)
    assert decision.same, decision.reason
    assert "_taken" in decision.reason
    for faulty in (by_place, by_shift):
        decision = rootcause.same_bug(faulty, by_grow)
        assert not decision.same, decision.reason


# A history that keeps undone commands: each edit between an undo and a redo makes the
# redo fail in another helper.
RENAMED_AGAIN = 'add "a"\nrename 0 "b"\nundo\nrename 0 "c"\nredo\n'  # a stale renaming
ADDED_AGAIN = 'add "a"\nundo\nadd "b"\nredo\n'  # a stale addition of a reused id


def test_a_history_that_keeps_undone_commands_is_one_bug_whatever_the_edit() -> None:
    rootcause, interpreter = triage("rootcause_models:forgetful_target")
    one = case(interpreter, RENAMED_AGAIN)
    two = case(interpreter, ADDED_AGAIN)
    assert one.signature != two.signature  # two helpers trip over the stale command
    decision = rootcause.same_bug(one, two)
    assert decision.same, decision.reason
    assert "history kept" in decision.reason


def test_two_edits_that_each_keep_undone_commands_are_two_bugs() -> None:
    rootcause, interpreter = triage("rootcause_models:two_forgetful_target")
    history = rootcause.history
    assert history is not None
    one = case(interpreter, RENAMED_AGAIN)
    two = case(interpreter, ADDED_AGAIN)
    # Both break the history, through different edits, and a removal cuts it: no shared code.
    assert history.same_bug(statements(one.script), statements(two.script)) is None
    decision = rootcause.same_bug(one, two)
    assert not decision.same, decision.reason


def test_a_redo_after_a_selection_is_no_breach_of_the_history() -> None:
    rootcause, interpreter = triage("rootcause_models:selective_target")
    history = rootcause.history
    assert history is not None
    kept = case(interpreter, 'add "a"\nremove 0\nundo\nselect 0\nredo\n')
    assert kept.signature.kind == "invariant"
    # A selection changes the state, but an undo does not take it back: no edit, and
    # the redo after it is the model's right (it fails only on a state it was not made
    # for, which nothing here shows: no undo fails after a selection).
    breach = history.breach(statements(kept.script))
    assert breach is not None and breach.kind == "unrecorded"
    assert history.breach(statements(RENAMED_AGAIN)) is not None
    decision = rootcause.same_bug(case(interpreter, RENAMED_AGAIN), kept)
    assert not decision.same, decision.reason


def test_a_target_without_undo_redo_and_state_has_no_history() -> None:
    rootcause, _ = triage("rootcause_models:shelf_target")
    assert rootcause.history is None


def test_one_shared_snapshot_broken_by_any_edit_is_one_bug() -> None:
    rootcause, interpreter = triage("rootcause_models:names_target")
    added = case(interpreter, 'snapshot\nrestore\nadd "a"\nrestore\n')
    renamed = case(interpreter, 'add "a"\nsnapshot\nrestore\nrename 0 "b"\nrestore\n')
    # Two assertions of one invariant, after one method: the trigger tells them apart.
    assert added.signature.line != renamed.signature.line
    decision = rootcause.same_bug(renamed, added)
    assert decision.same, decision.reason
    assert "another generic trigger" in decision.reason


def test_an_edit_the_history_does_not_record_is_one_bug_whatever_undo_trips_over() -> None:
    rootcause, interpreter = triage("rootcause_models:unrecorded_target")
    after_rename = case(interpreter, 'add "a"\nrename 0 "b"\nretitle 0 "c"\nundo\n')
    after_add = case(interpreter, 'add "a"\nretitle 0 "c"\nundo\n')
    assert after_rename.signature != after_add.signature  # the undo of another edit fails
    decision = rootcause.same_bug(after_rename, after_add)
    assert decision.same, decision.reason
    assert "cannot take back" in decision.reason


def test_a_redo_that_fails_right_after_an_unrecorded_edit_is_that_edits_bug() -> None:
    # The retitling is not recorded, so the history keeps the undone rename for a redo,
    # which then replays it on a text the retitling changed: the same unrecorded edit
    # as an undo that fails right after it.
    rootcause, interpreter = triage("rootcause_models:unrecorded_target")
    undo_after = case(interpreter, 'add "a"\nretitle 0 "c"\nundo\n')
    redo_after = case(interpreter, 'add "a"\nrename 0 "b"\nundo\nretitle 0 "c"\nredo\n')
    assert redo_after.signature.method == "redo"
    decision = rootcause.same_bug(undo_after, redo_after)
    assert decision.same, decision.reason
    assert "cannot take back" in decision.reason
    # Two redos that fail right after an unrecorded call are not one bug by that alone:
    # the call may be a selection, and each redo a bug of its own.
    again = case(interpreter, 'add "a"\nrename 0 "b"\nundo\nretitle 0 "d"\nredo\n')
    assert rootcause.history is not None
    assert (
        rootcause.history.same_bug(statements(redo_after.script), statements(again.script)) is None
    )


def test_states_that_cannot_be_compared_count_as_different() -> None:
    from apifuzz.engine.history import same_state

    class Ambiguous:
        def __eq__(self, other: object) -> bool:
            raise ValueError("the truth value of an array is ambiguous")

        __hash__ = object.__hash__

    assert same_state((1, "a"), (1, "a"))
    assert not same_state((1, "a"), (2, "a"))
    assert not same_state(Ambiguous(), Ambiguous())
