"""Fixtures of the example file system's unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from example_fs import FileSystem
from example_fs.bugs import ENV_VAR


@pytest.fixture(autouse=True)
def no_seeded_bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with the seeded bugs switched off, whatever the shell exports."""
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture
def fs() -> Iterator[FileSystem]:
    """A new file system, checked for consistency after the test."""
    model = FileSystem()
    yield model
    model.check()
