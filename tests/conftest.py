"""Shared fixtures."""

from __future__ import annotations

import pytest

from apifuzz.interpreter import Interpreter
from apifuzz.language import Language


@pytest.fixture
def store_interpreter() -> Interpreter:
    from sample_models import store_target

    return Interpreter(Language.build(store_target))
