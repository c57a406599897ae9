"""Reflection: decorators, parameter types, inheritance, external registration, errors."""

from __future__ import annotations

import collections
import enum
from typing import Annotated, Any, Optional

import pytest

from apifuzz import InvalidDefinition, Ref, Registration, Target, api, ids, invariant
from apifuzz.errors import ApifuzzError
from apifuzz.model.params import (
    BoolType,
    BytesType,
    EnumType,
    FloatType,
    IntType,
    ListType,
    OptionalType,
    RefType,
    SetType,
    StrType,
    TupleType,
    VarTupleType,
)
from apifuzz.model.registry import NO_DEFAULT, scan


class Mode(enum.Enum):
    A = "a"
    B = "b"


Item = Annotated[int, Ref("item")]


class Everything:
    @ids("item")
    def items(self) -> list[int]:
        return []

    @api
    def scalars(self, i: int, f: float, b: bool, s: str, raw: bytes, m: Mode) -> None: ...

    @api
    def containers(
        self,
        o: Optional[int],
        o2: str | None,
        li: list[int],
        si: set[str],
        fs: frozenset[int],
        t: tuple[int, str],
        vt: tuple[float, ...],
        refs: list[Item],
        nested: list[list[Mode]],
    ) -> None: ...

    @api
    def defaults(self, ref: Item, n: int = 3, *, key: str = "k") -> None: ...


def test_every_supported_type_is_read() -> None:
    reg = scan(Everything)
    assert [m.name for m in reg.methods] == ["containers", "defaults", "scalars"]
    scalars = reg.method("scalars")
    assert [p.type for p in scalars.params] == [
        IntType(),
        FloatType(),
        BoolType(),
        StrType(),
        BytesType(),
        EnumType(Mode),
    ]
    c = reg.method("containers")
    assert [p.type for p in c.params] == [
        OptionalType(IntType()),
        OptionalType(StrType()),
        ListType(IntType()),
        SetType(StrType()),
        SetType(IntType(), frozen=True),
        TupleType((IntType(), StrType())),
        VarTupleType(FloatType()),
        ListType(RefType("item")),
        ListType(ListType(EnumType(Mode))),
    ]
    assert c.ref_kinds == {"item"}


def test_defaults_and_keyword_only() -> None:
    m = scan(Everything).method("defaults")
    assert [(p.name, p.default, p.keyword_only) for p in m.params] == [
        ("ref", NO_DEFAULT, False),
        ("n", 3, False),
        ("key", "k", True),
    ]
    assert m.required_count == 1
    assert m.signature() == "defaults(ref: ref(item), n: int = 3, key: str = 'k')"


def test_scan_is_cached_per_class() -> None:
    assert scan(Everything) is scan(Everything)


def test_func_is_the_undecorated_function() -> None:
    m = scan(Everything).method("scalars")
    wrapper = vars(Everything)["scalars"]
    assert m.func is wrapper.__wrapped__
    assert m.func is not wrapper


class Base:
    def __init__(self) -> None:
        self.log: list[str] = []

    @api
    def step(self, n: int) -> int:
        self.log.append("base")
        return n

    @api(alias="q")
    def other(self) -> None: ...

    @invariant
    def fine(self) -> None: ...


class Child(Base):
    def step(self, n: int) -> int:  # plain override keeps the registration
        self.log.append("child")
        return n + 1

    @api
    def extra(self, s: str) -> None: ...


def test_subclass_inherits_and_overrides() -> None:
    reg = scan(Child)
    assert [m.name for m in reg.methods] == ["extra", "other", "step"]
    step = reg.method("step")
    child = Child()
    assert step.func(child, 1) == 2
    assert child.log == ["child"]
    assert reg.method("other").alias == "q"
    assert [name for name, _ in reg.invariants] == ["fine"]
    assert [m.name for m in scan(Base).methods] == ["other", "step"]


def test_override_dropping_annotations_is_refused() -> None:
    class Bad(Base):
        def step(self, n):  # type: ignore[no-untyped-def]
            return n

    with pytest.raises(InvalidDefinition, match=r"Bad\.step overrides .* drops its annotations"):
        scan(Bad)


def test_static_and_class_methods() -> None:
    class S:
        @staticmethod
        @api
        def pure(x: int) -> int:
            return x * 2

        @classmethod
        @api
        def kind(cls, x: int) -> str:
            return f"{cls.__name__}{x}"

    reg = scan(S)
    assert reg.method("pure").func(S(), 4) == 8
    assert reg.method("kind").func(S(), 1) == "S1"


def _refused(cls: type, pattern: str) -> None:
    with pytest.raises(InvalidDefinition, match=pattern) as info:
        scan(cls)
    assert isinstance(info.value, ApifuzzError)
    assert isinstance(info.value, TypeError)


def test_unsupported_type() -> None:
    class M:
        @api
        def f(self, x: dict[str, int]) -> None: ...

    _refused(
        M, r"M\.f, parameter 'x': dict\[str, int\] is not a type apifuzz can generate; use int"
    )


def test_missing_annotation() -> None:
    class M:
        @api
        def f(self, x) -> None: ...  # type: ignore[no-untyped-def]

    _refused(M, r"M\.f, parameter 'x': it has no type annotation; annotate it")


def test_union_refused() -> None:
    class M:
        @api
        def f(self, x: int | str) -> None: ...

    _refused(M, r"is a union; only Optional\[X\]")


def test_bare_container_refused() -> None:
    class M:
        @api
        def f(self, x: list) -> None: ...  # type: ignore[type-arg]

    _refused(M, r"bare list has no element type; write e.g. list\[int\]")


def test_unhashable_set_refused() -> None:
    class M:
        @api
        def f(self, x: set[list[int]]) -> None: ...  # type: ignore[type-var]

    _refused(M, r"unhashable elements")


def test_ref_on_non_int_refused() -> None:
    class M:
        @ids("item")
        def items(self) -> list[int]:
            return []

        @api
        def f(self, x: Annotated[str, Ref("item")]) -> None: ...

    _refused(M, r"ids are ints, write Annotated\[int, Ref\('item'\)\]")


def test_ref_without_provider() -> None:
    class M:
        @api
        def f(self, x: Annotated[int, Ref("clip")]) -> None: ...

    _refused(
        M,
        r"M\.f, parameter 'x': Ref\('clip'\) has no provider; add a method decorated with @ids\('clip'\)",
    )


def test_variadic_refused() -> None:
    class M:
        @api
        def f(self, *xs: int) -> None: ...

    _refused(M, r"\*args and \*\*kwargs can't be fuzzed")


def test_no_api_method() -> None:
    class M:
        pass

    _refused(M, r"M has no method decorated with @api")


def test_two_providers_for_one_kind() -> None:
    class M:
        @ids("item")
        def a(self) -> list[int]:
            return []

        @ids("item")
        def b(self) -> list[int]:
            return []

        @api
        def f(self) -> None: ...

    _refused(M, r"@ids\('item'\) is already provided by")


def test_decorated_twice() -> None:
    with pytest.raises(
        InvalidDefinition, match=r"f has been decorated with @api twice, which is not allowed"
    ):

        class M:
            @api
            @api
            def f(self) -> None: ...


def test_api_and_invariant_together() -> None:
    with pytest.raises(InvalidDefinition, match=r"decorated with both @api and @invariant"):

        class M:
            @invariant
            @api
            def f(self) -> None: ...


def test_ids_needs_a_kind() -> None:
    with pytest.raises(InvalidDefinition, match=r"@ids needs the kind it provides"):

        class M:
            @ids  # type: ignore[arg-type]
            def f(self) -> list[int]:
                return []


def test_bad_ref_kind() -> None:
    with pytest.raises(InvalidDefinition, match=r"kind must be an identifier"):
        Ref("not a kind")


def test_unresolvable_annotation() -> None:
    class M:
        @api
        def f(self, x: NoSuchType) -> None: ...  # type: ignore[name-defined]  # noqa: F821

    _refused(M, r"M\.f: its annotations cannot be resolved \(NameError")


# -- Target ---------------------------------------------------------------------


class Made:
    def __init__(self, size: int = 2, label: str = "x", untyped=None) -> None:  # type: ignore[no-untyped-def]
        self.size = size

    @api
    def f(self) -> int:
        return self.size


def make_made(size: int = 5) -> Made:
    return Made(size)


def test_target_from_class_and_factory() -> None:
    t = Target(Made)
    assert t.model_class is Made
    assert [(p.name, p.default) for p in t.factory_params] == [("size", 2), ("label", "x")]
    t2 = Target(make_made, name="made")
    assert t2.model_class is Made and t2.name == "made"
    assert [p.name for p in t2.factory_params] == ["size"]


def test_target_rejects_bad_expected() -> None:
    with pytest.raises(
        InvalidDefinition, match=r"apifuzz.Target\(\): expected must be exception classes, got 'x'"
    ):
        Target(Made, expected=("x",))  # type: ignore[arg-type]


def test_target_single_exception_class() -> None:
    assert Target(Made, expected=KeyError).expected == (KeyError,)


def test_factory_without_return_annotation() -> None:
    def make():  # type: ignore[no-untyped-def]
        return Made()

    with pytest.raises(InvalidDefinition, match=r"no return annotation naming the model class"):
        Target(make)


def test_factory_ref_refused() -> None:
    class M:
        def __init__(self, x: Annotated[int, Ref("item")] = 0) -> None: ...

        @ids("item")
        def items(self) -> list[int]:
            return []

        @api
        def f(self) -> None: ...

    with pytest.raises(InvalidDefinition, match=r"a Ref can't be a factory parameter"):
        Target(M).check()


# -- external registration ---------------------------------------------------------

Key = Annotated[int, Ref("key")]


def test_registration_of_a_class_we_cannot_edit() -> None:
    reg = Registration(collections.OrderedDict)

    @reg.api(alias="p")
    def put(d: collections.OrderedDict[int, int], key: int, value: int) -> None:
        d[key] = value

    @reg.ids("key")
    def keys(d: collections.OrderedDict[int, int]) -> list[int]:
        return list(d)

    reg.method("move_to_end", key=Key, last=bool)
    reg.method("popitem", last=bool)

    @reg.invariant
    def sized(d: collections.OrderedDict[int, int]) -> None:
        assert len(d) == len(list(d))

    target = Target(reg, expected=(KeyError,))
    registry = target.registry
    assert [m.name for m in registry.methods] == ["move_to_end", "popitem", "put"]
    move = registry.method("move_to_end")
    assert [(p.name, p.type) for p in move.params] == [
        ("key", RefType("key")),
        ("last", BoolType()),
    ]
    d: collections.OrderedDict[int, int] = collections.OrderedDict()
    registry.method("put").func(d, 1, 10)
    registry.method("put").func(d, 2, 20)
    move.func(d, 1, True)
    assert list(d) == [2, 1]
    assert target.name == "collections"


def test_registration_errors() -> None:
    reg = Registration(collections.OrderedDict)
    with pytest.raises(InvalidDefinition, match=r"OrderedDict has no method 'nope'"):
        reg.method("nope")
    with pytest.raises(InvalidDefinition, match=r"has no action"):
        reg.registry()

    @reg.api
    def put(d: Any, key: int) -> None: ...

    with pytest.raises(InvalidDefinition, match=r"OrderedDict.put has been registered twice"):
        reg.api(name="put")(put)
    with pytest.raises(InvalidDefinition, match=r"expected the class to register"):
        Registration("x")  # type: ignore[arg-type]
