"""The base of the deep-bug benchmark's Hypothesis peers: a machine that calls a model.

A peer is a ``RuleBasedStateMachine`` over its model, written as a Hypothesis
user would, on :class:`ModelMachine`: its rules call the model through
:meth:`ModelMachine.call`, which takes the model's refusal for what it is (not
a failure).  The hunt itself, the budget and the JSON line it prints are
tools/real_world/hunt.py's, shared with the real-world campaigns' peers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis.stateful import RuleBasedStateMachine, multiple

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "real_world"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))


class ModelMachine(RuleBasedStateMachine):
    """A state machine whose rules call a model that may refuse a request."""

    #: The model's exception for a refused request (not a bug).
    refused: type[Exception] = Exception

    def call(self, method: Callable[..., Any], *args: Any) -> Any:
        """Call the model; a refusal gives None, anything else it raises is the failure."""
        try:
            return method(*args)
        except self.refused:
            return None

    @staticmethod
    def made(value: Any) -> Any:
        """What a rule with a target returns: nothing for the bundle when refused."""
        return multiple() if value is None else value
