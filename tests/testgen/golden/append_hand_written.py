"""Hand-written timeline tests, with a regression test appended by apifuzz."""

from example_timeline import Timeline


def test_a_new_timeline_has_four_tracks() -> None:
    assert Timeline().track_ids() == [1, 2, 3, 4]


# a trailing comment of the hand-written file


def _undo_redo(timeline: Timeline) -> None:
    """Undo the last step, then redo it: the model must come back to the same state."""
    from example_timeline import TimelineError

    before = timeline.snapshot()
    try:
        undone = timeline.undo()
    except TimelineError:
        return
    if undone is False:
        return
    timeline.check_consistency()
    try:
        redone = timeline.redo()
    except TimelineError as exc:
        raise AssertionError(f"redo() refused after an undo: {exc}") from exc
    assert redone is not False, "redo() returned False after an undo"
    timeline.check_consistency()
    assert timeline.snapshot() == before


def test_set_composition_target_raises_assertionerror_817ddbd1() -> None:
    # apifuzz: AssertionError in _remove_track at model.py:0
    # signature: exception-AssertionError-_remove_track-817ddbd1b9
    # script:
    #   # retarget_not_undoable: set_composition_target changes the target but never
    #   # pushes an undo command, so undoing the insertion of the new target track
    #   # removes a track that a composition still targets.
    #   # Shows as: AssertionError in undo: a composition still targets track 6
    #   # A new Timeline has tracks 1, 2 (audio) and 3, 4 (video); ids count on from 5.
    #   insert_composition 3 4 0 10   # composition 5 on track 3, blending with track 4
    #   insert_track 9 VIDEO          # track 6, on top
    #   set_composition_target 0 6    # composition 5 now blends with track 6
    #   undo                          # undoes the insertion of track 6, not the retarget
    import contextlib

    from example_timeline import TimelineError, TrackKind

    timeline = Timeline()
    track_3 = timeline.track_ids()[2]
    track_4 = timeline.track_ids()[3]
    timeline.check_consistency()
    composition_5 = timeline.insert_composition(track_3, track_4, 0, 10)
    timeline.check_consistency()
    _undo_redo(timeline)
    track_6 = timeline.insert_track(9, TrackKind.VIDEO)
    timeline.check_consistency()
    _undo_redo(timeline)
    result: object = False  # stays False if the call is refused
    with contextlib.suppress(TimelineError):
        result = timeline.set_composition_target(composition_5, track_6)
    timeline.check_consistency()
    if result is not False:  # the fuzzer's oracle runs only after a call that went through
        _undo_redo(timeline)
