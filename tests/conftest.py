"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from apifuzz.interpreter import Interpreter
from apifuzz.language import Language


@pytest.fixture
def store_interpreter() -> Interpreter:
    from sample_models import store_target

    return Interpreter(Language.build(store_target))


@pytest.fixture(autouse=True, scope="session")
def instrument_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The fuzzers the tests start keep their instrumented modules in a cache of this
    session (shared by its tests), not in the user's ``~/.cache``."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before
