"""The code of one target's generated tests: the model, the calls on it, the invariants.

:class:`Writer` knows the target: its model class and the variable naming the
model (``timeline``), the registered methods (``timeline.move_clip(...)``, or
``put(ordered_dict, ...)`` for an external action), the invariants checked
after every step, and the ``@ids`` providers that give a variable to an id a
call created without returning it (``clip_8 = timeline.clip_ids()[2]``).  Its
:meth:`Writer.line` makes one statement line, wrapped as ruff format wraps it
when it is longer than :data:`MAX_LINE` (:mod:`apifuzz.testgen.layout`).
"""

from __future__ import annotations

import keyword
import re
import typing
from collections.abc import Callable, Iterable
from typing import Any

import libcst as cst
from libcst.helpers import parse_template_statement

from apifuzz.errors import ApifuzzError
from apifuzz.model.decorators import IDS_TAG
from apifuzz.model.registry import MethodSpec
from apifuzz.testgen.case import GeneratedTest
from apifuzz.testgen.imports import MISSING, ModuleNames, dotted, locate
from apifuzz.testgen.layout import Layout
from apifuzz.testgen.names import Names
from apifuzz.testgen.steps import Binding
from apifuzz.testgen.values import Values, quoted
from apifuzz.tracing.guard import unwrap

#: The longest line the generated code aims for (the repository's ruff line length).
MAX_LINE = 100


class Writer:
    """Renders the statements of one test (and the helpers it needs) for one target.

    ``indent`` is the file's indentation unit, ``file`` what an existing file
    imports (None for a new file) and ``reserved`` the names the file defines.
    """

    def __init__(
        self, test: GeneratedTest, indent: str, file: ModuleNames | None, reserved: set[str]
    ) -> None:
        self.test = test
        self.steps = test.steps
        language = test.steps.language
        self.target = language.target
        self.registry = language.registry
        self.methods = {m.name: m for m in self.registry.methods}
        self.cls = self.target.model_class
        self.model = model_variable(self.cls)
        self.indent = len(indent.expandtabs(4))
        self.layout = Layout(indent, MAX_LINE)
        self.expected = self.target.expected
        self.providers = {kind: self._provider_method(kind) for kind in self.registry.id_providers}
        # A variable is only bound (and so only used) when an expression can compute it.
        self.bound: set[str] = set()
        for binding in self._all_bindings():
            if binding.returned or self.providers.get(binding.kind) is not None:
                self.bound.add(binding.name)
        self.names = Names(file, reserved | {self.model} | self.bound)
        self.values = Values(self.names, self.steps, self.bound)

    def _all_bindings(self) -> Iterable[Binding]:
        yield from self.steps.initial
        for step in self.steps.steps:
            yield from step.bindings

    # -- lines ------------------------------------------------------------------------------

    def line(
        self, small: cst.BaseSmallStatement, depth: int, notes: Iterable[str] = ()
    ) -> cst.SimpleStatementLine:
        """One statement line, with its notes as a trailing comment, wrapped if too long."""
        comment = printable(", ".join(dict.fromkeys(notes)))
        if comment:
            comment = f"# {comment}"
        node = cst.SimpleStatementLine([self.layout.statement(small, depth, comment)])
        if comment:
            node = node.with_changes(
                trailing_whitespace=cst.TrailingWhitespace(
                    whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment)
                )
            )
        return node

    def room(self, depth: int) -> int:
        """The columns left for a comment at block depth ``depth`` (at least 40)."""
        return max(MAX_LINE - self.indent * depth, 40)

    # -- calls on the model -------------------------------------------------------------------

    def _is_method(self, name: str, func: Callable[..., Any] | None) -> bool:
        """Whether ``model.name(...)`` calls ``func`` (always true for a scanned class)."""
        raw = _static_attribute(self.cls, name)
        if raw is None or not callable(_plain(raw)):
            return False
        return self.target.registration is None or func is None or _plain(raw) is func

    def _function(self, func: Callable[..., Any], name: str) -> cst.BaseExpression:
        """An expression for a registered function: imported, or found through the target."""
        if locate(func) is not None:
            return self.names.ref(func, "function")
        if self.test.target_ref is None:
            raise ApifuzzError(f"cannot import {name!r} in a test: it is not a module-level name")
        target = self._target_expr()
        method = cst.Call(
            cst.Attribute(cst.Attribute(target, cst.Name("registry")), cst.Name("method")),
            [cst.Arg(cst.SimpleString(quoted(name)))],
        )
        return cst.Attribute(method, cst.Name("func"))

    def _target_expr(self) -> cst.BaseExpression:
        assert self.test.target_ref is not None
        module, attribute = self.test.target_ref
        return dotted(self.names.local(module, attribute))

    def call(self, method: MethodSpec, args: list[cst.Arg]) -> cst.Call:
        """``timeline.move_clip(...)``, or ``put(ordered_dict, ...)`` for an external action."""
        if self._is_method(method.name, method.func):
            return cst.Call(cst.Attribute(cst.Name(self.model), cst.Name(method.name)), args)
        func = self._function(method.func, method.name)
        return cst.Call(func, [cst.Arg(cst.Name(self.model)), *args])

    def action(self, name: str) -> cst.Call:
        """A call of the model method (or registered action) ``name`` without arguments."""
        spec = self.methods.get(name)
        if _static_attribute(self.cls, name) is not None and (
            spec is None or self._is_method(name, spec.func)
        ):
            return cst.Call(cst.Attribute(cst.Name(self.model), cst.Name(name)))
        if spec is None:
            raise ApifuzzError(f"{self.cls.__qualname__} has no method {name!r}")
        return self.call(spec, [])

    def may_return_false(self, name: str) -> bool:
        """Whether the method (or action) ``name`` may return False: it is not annotated
        ``-> None``."""
        spec = self.methods.get(name)
        func = spec.func if spec is not None else _plain(_static_attribute(self.cls, name))
        return func is None or not returns_none(func)

    def construction(self) -> cst.Call:
        """``Timeline(video_tracks=3)``: the factory with the script's arguments."""
        params = self.steps.language.factory_params
        args = self.values.keywords(params, self.steps.factory_kwargs, 0, [])
        factory = self.target.factory
        if factory is self.cls:
            return cst.Call(self.names.ref(self.cls, "model class"), args)
        if locate(factory) is not None:
            return cst.Call(self.names.ref(factory, "factory"), args)
        if self.test.target_ref is None:
            raise ApifuzzError("cannot import the target's factory in a test")
        return cst.Call(cst.Attribute(self._target_expr(), cst.Name("factory")), args)

    def invariants(self, depth: int) -> list[cst.SimpleStatementLine]:
        """``timeline.check_consistency()`` for every invariant (``assert ... is not False``
        for one that may return False)."""
        lines = []
        for name, check in self.registry.invariants:
            if self._is_method(name, check):
                call = cst.Call(cst.Attribute(cst.Name(self.model), cst.Name(name)))
            else:
                call = cst.Call(self._function(check, name), [cst.Arg(cst.Name(self.model))])
            if returns_none(check):
                lines.append(self.line(cst.Expr(call), depth))
            else:
                lines.append(self.line(assert_not_false(call), depth))
        return lines

    # -- ids a call created -----------------------------------------------------------------

    def _provider_method(self, kind: str) -> str | None:
        """The name of the model method listing the ids of ``kind``, if it is a method."""
        provider = self.registry.id_providers[kind]
        for klass in self.cls.__mro__:
            for name, raw in vars(klass).items():
                plain = _plain(raw)
                if not callable(plain):
                    continue
                if plain is provider or (
                    self.target.registration is None and getattr(plain, IDS_TAG, None) == kind
                ):
                    return name
        return None

    def _provider_call(self, kind: str) -> cst.Call:
        name = self.providers[kind]
        assert name is not None
        return cst.Call(cst.Attribute(cst.Name(self.model), cst.Name(name)))

    def binding_lines(
        self, bindings: Iterable[Binding], depth: int
    ) -> list[cst.SimpleStatementLine]:
        """``clip_8 = timeline.clip_ids()[2]`` for ids a call created but did not return;
        after construction, ``track_1, track_2 = timeline.track_ids()`` when all are used."""
        lines = []
        by_kind: dict[str, list[Binding]] = {}
        for b in bindings:
            if not b.returned and b.name in self.bound:
                by_kind.setdefault(b.kind, []).append(b)
        for kind in sorted(by_kind, key=lambda k: min(b.value for b in by_kind[k])):
            group = sorted(by_kind[kind], key=lambda b: b.index)
            listing = self._provider_call(kind)
            if len(group) > 1 and len(group) == group[0].count:
                targets = cst.Tuple(
                    [cst.Element(cst.Name(b.name)) for b in group], lpar=[], rpar=[]
                )
                assign = cst.Assign([cst.AssignTarget(targets)], listing)
                lines.append(self.line(assign, depth))
                continue
            for b in group:
                assign = cst.Assign([cst.AssignTarget(cst.Name(b.name))], _item(listing, b))
                lines.append(self.line(assign, depth))
        return lines


def printable(text: str) -> str:
    """``text`` as comment text: what is not printable (a line break) escaped, no trailing
    spaces."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    ).rstrip()


def model_variable(cls: type) -> str:
    """``Timeline`` -> ``timeline``, ``OrderedDict`` -> ``ordered_dict``."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", cls.__name__).lower()
    name = re.sub(r"\W+", "_", name).strip("_")
    if not name or not name.isidentifier() or keyword.iskeyword(name) or name == cls.__name__:
        return "model"
    return name


def returns_none(func: Callable[..., Any]) -> bool:
    """Whether ``func`` is annotated ``-> None``."""
    try:
        hints = typing.get_type_hints(func)
    except Exception:
        return False
    return hints.get("return", MISSING) is type(None)


def assert_not_false(call: cst.BaseExpression) -> cst.Assert:
    """``assert <call> is not False``."""
    small = template_small("assert {call} is not False", call=call)
    assert isinstance(small, cst.Assert)
    return small


def template_small(template: str, **values: cst.CSTNode) -> cst.BaseSmallStatement:
    """The one small statement of a one-line template."""
    statement = parse_template_statement(template, **values)  # type: ignore[arg-type]
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement.body[0]


def _static_attribute(cls: type, name: str) -> Any:
    """The attribute ``name`` as defined along the MRO (no descriptor is triggered)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    return unwrap(value)


def _item(listing: cst.Call, binding: Binding) -> cst.BaseExpression:
    index = cst.SubscriptElement(cst.Index(cst.Integer(str(binding.index))))
    if binding.sequence:
        return cst.Subscript(listing, [index])
    if binding.index == 0:  # ruff prefers next(iter(...)) to list(...)[0]
        return cst.Call(cst.Name("next"), [cst.Arg(cst.Call(cst.Name("iter"), [cst.Arg(listing)]))])
    return cst.Subscript(cst.Call(cst.Name("list"), [cst.Arg(listing)]), [index])
