"""Domains and preconditions as a model declares them: what they accept, how they read,
and the one-line definition errors of a domain that cannot be."""

from __future__ import annotations

from typing import Annotated

import pytest

from apifuzz import InvalidDefinition, OneOf, Range, Target, Text, api, precondition
from apifuzz.model.params import IntType, OptionalType, StrType, param_type


def test_each_domain_reads_in_the_type() -> None:
    assert param_type(Annotated[int, Range(0, 100)]).describe() == "int[0..100]"
    assert param_type(Annotated[int, Range(min=1)]).describe() == "int[1..]"
    assert param_type(Annotated[str, OneOf("a", "b")]).describe() == "str[one of 'a', 'b']"
    text = param_type(Annotated[str, Text(alphabet="abcdefgh", max_size=8)])
    assert text.describe() == "str[text of 'a-h' 0..8 long]"
    optional = param_type(Annotated[int, Range(0, 9)] | None)
    assert optional == OptionalType(IntType(Range(0, 9)))
    # The domain of an Optional goes on the value inside it.
    assert param_type(Annotated[int | None, Range(0, 9)]) == optional
    assert param_type(list[Annotated[str, Text("ab")]]).describe() == "list[str[text of 'ab']]"
    assert param_type(Annotated[str, Text()]) == StrType(Text())


def test_membership() -> None:
    assert Range(0, 10).contains(10) and not Range(0, 10).contains(11)
    assert not Range(0, 10).contains(True) and not Range(0.0, 1.0).contains(float("nan"))
    assert Range(0, 10).clamp(-5) == 0 and Range(0, 10).clamp(99) == 10
    assert OneOf(1, 2).contains(2) and not OneOf(1, 2).contains(2.0)
    assert Text("ab", 1, 2).contains("ba") and not Text("ab", 1, 2).contains("abc")
    assert not Text("ab", 1).contains("") and not Text("ab").contains("c")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Range(5, 1), "Range(5, 1): min 5 is above max 1; write Range(1, 5)"),
        (lambda: Range(), "give at least one end"),
        (lambda: Range("a", 1), "the ends must be numbers"),
        (lambda: OneOf(), "list the values"),
        (lambda: OneOf("a", "a"), "listed twice"),
        (lambda: OneOf([1]), "is not an int, float, str or bytes"),
        (lambda: Text(alphabet=""), "non-empty str"),
        (lambda: Text(min_size=3, max_size=2), "min_size 3 is above max_size 2"),
        (lambda: precondition("not a name"), "name a method of the model"),
        (lambda: precondition(3), "takes a function of the model or a method name"),
    ],
)
def test_a_domain_that_cannot_be_is_a_one_line_error(build: object, message: str) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        build()  # type: ignore[operator]
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("hint", "message"),
    [
        (
            Annotated[str, Range(0, 1)],
            "Range(0, 1) annotates str; a Range bounds an int or a float",
        ),
        (Annotated[int, Range(0.5, 1)], "annotates int; its ends must be ints"),
        (Annotated[int, OneOf("a")], "OneOf('a') annotates int, but 'a' is not an int"),
        (Annotated[bytes, Text("ab")], "Text describes a str"),
        (Annotated[list[int], Range(0, 1)], "a domain goes on an int, float, str or bytes"),
        (Annotated[int, Range(0, 1), OneOf(1)], "more than one domain"),
    ],
)
def test_a_domain_on_the_wrong_type_is_a_one_line_definition_error(
    hint: object, message: str
) -> None:
    def go(self: object, value: object) -> None:
        """Never called."""

    go.__annotations__ = {"value": hint, "return": None}
    with pytest.raises(InvalidDefinition) as caught:
        _ = Target(type("Model", (), {"go": api(go)})).registry
    text = str(caught.value)
    assert text.startswith("Model.go, parameter 'value': ") and message in text, text
    assert "\n" not in text and "use int, float" not in text


def test_a_precondition_naming_nothing_says_what_was_meant() -> None:
    class Model:
        @api
        @precondition("has_itemz")
        def go(self) -> None:
            """Never called."""

        def has_items(self) -> bool:
            return True

    with pytest.raises(InvalidDefinition, match="did you mean 'has_items'"):
        _ = Target(Model).registry


def test_a_precondition_without_api_is_a_definition_error() -> None:
    class Model:
        @api
        def go(self) -> None:
            """Fine."""

        @precondition("go")
        def helper(self) -> None:
            """Not an action."""

    with pytest.raises(InvalidDefinition, match="helper has a @precondition but is not"):
        _ = Target(Model).registry


def test_preconditions_read_in_order_above_or_below_api() -> None:
    class Model:
        def __init__(self) -> None:
            self.items: list[int] = []

        @precondition(lambda self: self.items)
        @api
        @precondition("ready")
        def go(self) -> None:
            """Fine."""

        @property
        def ready(self) -> bool:
            return True

    method = Target(Model).registry.method("go")
    assert [c.text for c in method.preconditions] == ["self.items", "ready"]
    model = Model()
    assert [bool(c.check(model)) for c in method.preconditions] == [False, True]
