"""State feedback: a model tells the fuzzer about its state (IJON's annotations, for Python).

Coverage sees lines and branches.  A bug that lives in state (a clip trimmed
on the left and then cut, a selection that survives an undo) is often reached
through calls that each run only lines the corpus has run already, so
libFuzzer keeps no input on the way to it.  A model can say what matters:

- :func:`feedback` ``(value)``: each new value counts as new coverage, so an
  input that reaches a new state is kept even without a new line
  (``IJON_SET`` in Aschermann et al., "IJON: Exploring Deep State Spaces via
  Fuzzing", IEEE S&P 2020);
- :func:`maximize` ``(key, value)``: an input that raises the largest value
  seen for ``key`` is kept (``IJON_MAX``): the fuzzer climbs towards large
  values, a deep undo stack, a long chain of nested groups.

Both cost one global lookup when nothing is fuzzing (a unit test, a replay),
so they may stay in the model's code.  Values must be hashable; keep their
number small (an abstraction: a count in buckets, a flag, a pair of kinds),
since every new value adds an input to the corpus.  A fuzzing worker installs
the sink that receives them (:func:`install`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol


class Sink(Protocol):
    """Receives the values a model reports during one input's run."""

    def value(self, value: Hashable) -> None:
        """A state value the model reached (see :func:`feedback`)."""

    def maximum(self, key: Hashable, value: float) -> None:
        """A value to maximize under ``key`` (see :func:`maximize`)."""


_sink: Sink | None = None


def feedback(value: Hashable) -> None:
    """Report a state the model reached: each new ``value`` counts as new coverage.

    Call it where the state is decided, with a small abstraction of it, for
    example ``apifuzz.feedback(("trimmed", clip.in_point > 0))``.  Outside a
    fuzzing run it does nothing.
    """
    sink = _sink
    if sink is not None:
        sink.value(value)


def maximize(key: Hashable, value: float) -> None:
    """Report a value the fuzzer should drive up: an input that raises the largest value
    seen for ``key`` so far counts as new coverage.  Outside a fuzzing run it does nothing."""
    sink = _sink
    if sink is not None:
        sink.maximum(key, value)


def install(sink: Sink | None) -> Sink | None:
    """Make ``sink`` receive what :func:`feedback` and :func:`maximize` report (None: stop);
    the sink installed before."""
    global _sink
    previous, _sink = _sink, sink
    return previous
