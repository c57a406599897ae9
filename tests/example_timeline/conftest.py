"""Fixtures of the example timeline's unit tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from example_timeline import Timeline
from example_timeline.bugs import ENV_VAR


@pytest.fixture(autouse=True)
def no_seeded_bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with the seeded bugs switched off, whatever the shell exports."""
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def new_timeline() -> Iterator[Callable[..., Timeline]]:
    """A factory of timelines that are all checked for consistency after the test."""
    made: list[Timeline] = []

    def make(video_tracks: int = 2, audio_tracks: int = 2) -> Timeline:
        model = Timeline(video_tracks=video_tracks, audio_tracks=audio_tracks)
        made.append(model)
        return model

    yield make
    for model in made:
        model.check_consistency()


@pytest.fixture
def timeline(new_timeline: Callable[..., Timeline]) -> Timeline:
    """A new default timeline: two audio tracks at the bottom, two video tracks on top."""
    return new_timeline()
