"""Every definition problem of a class at once, so that fixing them takes one run, not one each.

The registry collects the :class:`~apifuzz.errors.InvalidDefinition` of each
method and parameter with :meth:`Problems.collect`, and :meth:`Problems.check`
raises them together: the message of the only one, or a first line counting
them and one indented line per problem.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from apifuzz.errors import InvalidDefinition


class DefinitionProblems(InvalidDefinition):
    """Several definition problems of one class, each on its own line."""

    def __init__(self, what: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "".join(f"\n  {problem}" for problem in problems)
        super().__init__(f"{what} has {len(problems)} definition problems; fix them all:{lines}")


class Problems:
    """The definition problems found so far in ``what`` (a class, a function)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.messages: list[str] = []

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Record an InvalidDefinition raised inside, and go on with the next member."""
        try:
            yield
        except DefinitionProblems as exc:
            self.messages.extend(exc.problems)
        except InvalidDefinition as exc:
            self.messages.append(str(exc))

    def __bool__(self) -> bool:
        return bool(self.messages)

    def check(self) -> None:
        """Raise what was found: the only problem as it is, or all of them in one error."""
        if len(self.messages) == 1:
            raise InvalidDefinition(self.messages[0])
        if self.messages:
            raise DefinitionProblems(self.what, self.messages)


def did_you_mean(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to a misspelt ``word``, if one is close enough."""
    close = difflib.get_close_matches(word, sorted(known), n=1)
    return close[0] if close else None
