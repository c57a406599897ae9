"""tracing.steps: a script's calls, with the ids each call creates and the variables they get."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

import pytest

from apifuzz.engine.triage import Hang
from apifuzz.errors import ApifuzzError
from apifuzz.interpreter.runner import Position
from apifuzz.language import Language
from apifuzz.model.params import ListType, OptionalType, RefType, SetType, TupleType
from apifuzz.testgen.steps import Binding, Outcome, collect_steps, refs_in
from example_timeline import target as timeline_target
from example_timeline.bugs import script_path

TIMELINE = Language.build(timeline_target)


def test_redo_not_cleared_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "redo_not_cleared")
    steps = collect_steps(TIMELINE, script_path("redo_not_cleared").read_text())
    assert [s.method for s in steps.steps] == [
        "add_bin_clip",
        "insert_clip",
        "delete_item",
        "undo",
        "delete_item",
        "redo",
    ]
    assert [s.outcome for s in steps.steps] == [Outcome.RETURNED] * 5 + [Outcome.RAISED]
    assert steps.steps[1].args == (5, 1, 0)  # resolved: `insert_clip 0 1 0` names bin 5
    assert steps.bug is not None and isinstance(steps.bug.error, KeyError)
    # Track 1 exists from the start and is used; tracks 2-4 are not, so they get no variable.
    assert steps.initial == (Binding("track_1", "track", 1, 0, 4, True, False),)
    assert steps.steps[0].bindings == (Binding("bin_5", "bin", 5, 0, 1, True, True),)
    # Clip 6 is also item 6: one variable, named after the kind insert_clip names.
    assert steps.steps[1].bindings == (Binding("clip_6", "clip", 6, 0, 1, True, True),)
    assert steps.variable("item", 6, 3) == "clip_6"
    assert steps.variable("clip", 6, 2) is None  # not yet created at step 2
    # undo brings clip 6 back: the same id, no second variable.
    assert steps.steps[3].bindings == ()


def test_in_oracle_says_whether_the_bug_showed_in_the_undo_redo_oracle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "retarget_not_undoable")
    script = script_path("retarget_not_undoable").read_text()
    plain = collect_steps(TIMELINE, script)
    assert plain.bug is not None and not plain.in_oracle  # the script's own undo raises
    oracle = collect_steps(TIMELINE, script, undo_redo=True)
    assert oracle.bug is not None and oracle.bug.oracle == "undo" and oracle.in_oracle
    assert oracle.steps[-1].outcome is Outcome.RETURNED  # the call went through


def test_ids_that_no_later_call_uses_get_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "collision_off_by_one")
    steps = collect_steps(TIMELINE, script_path("collision_off_by_one").read_text())
    assert [b.name for b in steps.initial] == ["track_1"]
    # Clip 6 is never used by a later call, clip 7 comes from the failing call.
    assert [b.name for s in steps.steps for b in s.bindings] == ["bin_5"]


def test_refused_calls_and_skipped_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "collision_off_by_one")
    script = (
        'add_bin_clip "red" 10\nnonsense\ninsert_clip 0 1 0\ninsert_clip 0 1 5\nundo\n'
        "lock_track 0\nlock_track 0\ninsert_clip 0 1 9\n"
    )
    steps = collect_steps(TIMELINE, script)
    assert [s.outcome for s in steps.steps] == [
        Outcome.RETURNED,
        Outcome.RETURNED,
        Outcome.REFUSED,
        Outcome.RETURNED,
        Outcome.RETURNED,
        Outcome.FALSE,
        Outcome.REFUSED,
    ]
    assert steps.bug is None  # the track is locked: the last insertion is refused
    assert type(steps.steps[2].error).__name__ == "TimelineError"


def test_ids_created_without_being_returned() -> None:
    from regression_models import shelf

    steps = collect_steps(Language.build(shelf), "! 5\nunpack 2\nunpack 1\nstack 0 2\n")
    assert steps.factory_kwargs == {"size": 5}
    first, second = steps.steps[0].bindings, steps.steps[1].bindings
    # The provider returns an iterator, not a list: the emitter must not index it as is.
    assert first == (Binding("box_100", "box", 100, 0, 2, False, False),)
    assert second == (Binding("box_102", "box", 102, 2, 3, False, False),)


def test_factory_arguments_and_construction_bug() -> None:
    steps = collect_steps(TIMELINE, '! 3 0\nadd_bin_clip "a" 5\n')
    assert steps.factory_kwargs == {"video_tracks": 3, "audio_tracks": 0}
    assert steps.bug is None and len(steps.steps) == 1


def test_a_model_that_cannot_be_built_has_no_steps() -> None:
    from apifuzz import Target, api

    class Broken:
        def __init__(self) -> None:
            raise RuntimeError("cannot build")

        @api
        def act(self) -> None: ...

    steps = collect_steps(Language.build(Target(Broken)), "act\n")
    assert steps.steps == [] and steps.initial == ()
    assert steps.bug is not None and steps.bug.line == 0


class _Stop(BaseException):
    """A BaseException, like the fuzzer's Hang: the interpreter does not catch it."""


@contextlib.contextmanager
def _limit(position: Position) -> Iterator[None]:
    def expire(signum: int, frame: object) -> None:
        raise _Stop

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_hanging_call_is_the_last_step(monkeypatch: pytest.MonkeyPatch) -> None:
    from fuzz_models import target as cells

    monkeypatch.setenv("APIFUZZ_TEST_HANG", "1")
    steps = collect_steps(
        Language.build(cells), "new 5\nspin 255\nnew 6\n", limit=_limit, interrupt=(_Stop,)
    )
    assert steps.hang and steps.bug is None
    assert [(s.method, s.outcome) for s in steps.steps] == [
        ("new", Outcome.RETURNED),
        ("spin", Outcome.HUNG),
    ]
    assert steps.steps[1].args == (255,)


def test_a_bug_in_an_id_provider_cannot_be_a_step() -> None:
    from sample_models import Store, store_target

    def broken(self: Store) -> list[int]:
        raise RuntimeError("provider")

    language = Language.build(store_target)
    providers = dict(language.registry.id_providers, item=broken)
    registry = type(language.registry)(
        language.registry.model, language.registry.methods, providers, language.registry.invariants
    )
    broken_language = Language(language.target, registry, language.aliases, language.lookup)
    with pytest.raises(ApifuzzError, match="@ids provider"):
        collect_steps(broken_language, 'a "x"\nr 0\n')


def test_refs_in_walks_containers_in_a_stable_order() -> None:
    ref = RefType("clip")
    assert list(refs_in(SetType(ref), {9, 3, 5})) == [("clip", 3), ("clip", 5), ("clip", 9)]
    assert list(refs_in(ListType(OptionalType(ref)), [4, None, 2])) == [("clip", 4), ("clip", 2)]
    assert list(refs_in(TupleType((ref, RefType("track"))), (6, 1))) == [("clip", 6), ("track", 1)]
    assert list(refs_in(ref, True)) == []  # not an int id


def test_a_hang_after_many_calls_keeps_the_factory_arguments() -> None:
    import hang_models

    from apifuzz.engine.hangs import alarm

    script = "! 7\n" + "tick\n" * (hang_models.STUCK_AFTER + 1) + "add 1\n"
    steps = collect_steps(
        Language.build(hang_models.target),
        script,
        limit=lambda position: alarm(0.5, position),
        interrupt=(Hang,),
    )
    assert steps.hang and steps.bug is None and steps.factory_kwargs == {"start": 7}
    assert len(steps.steps) == hang_models.STUCK_AFTER + 1
    assert steps.steps[-1].outcome is Outcome.HUNG
    assert {s.outcome for s in steps.steps[:-1]} == {Outcome.RETURNED}
