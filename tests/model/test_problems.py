"""Every definition problem of a class in one error; a misspelt Ref or @ids kind is named."""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Any

import pytest

from apifuzz import InvalidDefinition, Ref, Registration, api, ids
from apifuzz.model.registry import scan


def problems(cls: type) -> str:
    """The message of scanning ``cls``, without the test function's ``<locals>`` prefix."""
    with pytest.raises(InvalidDefinition) as caught:
        scan(cls)
    return re.sub(r"\w+\.<locals>\.", "", str(caught.value))


def test_two_bad_parameter_types_in_two_methods_are_reported_together() -> None:
    class Board:
        @api
        def add(self, title: dict[str, int]) -> None: ...

        @api
        def move(self, card: int, where: object) -> None: ...

    lines = problems(Board).splitlines()
    assert lines[0] == "Board has 2 definition problems; fix them all:"
    assert lines[1].startswith("  Board.add, parameter 'title': dict[str, int] is not a type")
    assert lines[2].startswith("  Board.move, parameter 'where': object is not a type")


def test_two_bad_parameters_of_one_method_are_reported_together() -> None:
    class Board:
        @api
        def add(self, title, size: list) -> None: ...  # type: ignore[no-untyped-def,type-arg]

    message = problems(Board)
    assert message.startswith("Board has 2 definition problems")
    assert "Board.add, parameter 'title': it has no type annotation" in message
    assert "Board.add, parameter 'size': bare list has no element type" in message


def test_a_single_problem_is_its_own_message() -> None:
    class Board:
        @api
        def add(self, title: object) -> None: ...

    assert problems(Board).startswith("Board.add, parameter 'title': object is not a type")


def test_a_misspelt_ref_kind_names_the_provided_one() -> None:
    class Board:
        @ids("card")
        def card_ids(self) -> list[int]:
            return []

        @api
        def move(self, card: Annotated[int, Ref("crad")]) -> None: ...

        @api
        def archive(self, card: Annotated[int, Ref("cards")], x: set[Any]) -> None: ...

    message = problems(Board)
    assert message.startswith("Board has 3 definition problems")
    assert (
        "Board.move, parameter 'card': Ref('crad') has no provider; did you mean Ref('card'), "
        "or @ids('crad') where @ids('card') is? (one of the two is misspelt)"
    ) in message
    assert (
        "Board.archive, parameter 'card': Ref('cards') has no provider; did you mean Ref('card')"
        in message
    )
    assert "Board.archive, parameter 'x'" in message


def test_a_misspelt_ids_kind_is_named_too() -> None:
    class Board:
        @ids("colunm")
        def column_ids(self) -> list[int]:
            return []

        @api
        def add(self, column: Annotated[int, Ref("column")]) -> None: ...

    with pytest.raises(
        InvalidDefinition, match=r"did you mean Ref\('colunm'\), or @ids\('column'\)"
    ):
        scan(Board)


def test_a_kind_far_from_any_provided_one_gets_the_plain_fix() -> None:
    class Board:
        @ids("card")
        def card_ids(self) -> list[int]:
            return []

        @api
        def add(self, column: Annotated[int, Ref("column")]) -> None: ...

    with pytest.raises(InvalidDefinition, match=r"add a method decorated with @ids\('column'\)"):
        scan(Board)


def test_a_registration_names_a_misspelt_kind() -> None:
    reg = Registration(collections.OrderedDict)

    @reg.api
    def pop(d: Any, key: Annotated[int, Ref("kye")]) -> None: ...

    reg.ids("key")(lambda d: list(d))
    with pytest.raises(
        InvalidDefinition, match=r"Ref\('kye'\) has no provider; did you mean Ref\('key'\)"
    ):
        reg.registry()


def test_the_command_line_shows_every_problem_in_one_run(tmp_path: Path) -> None:
    (tmp_path / "board.py").write_text(
        textwrap.dedent(
            """
            from apifuzz import Target, api

            class Board:
                @api
                def add(self, title: dict[str, int]) -> None: ...

                @api
                def move(self, card: int, where: object) -> None: ...

            target = Target(Board)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "apifuzz", "lang", "board"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0] == "apifuzz lang: error: Board has 2 definition problems; fix them all:"
    assert [line.split(",")[0] for line in lines[1:]] == ["  Board.add", "  Board.move"]
    assert "Traceback" not in done.stderr
