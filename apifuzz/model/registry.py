"""Reflection: scan a model class (or an external registration) into a Registry.

The class is scanned once with :mod:`inspect` and the result cached per
class.  Every problem names ``Class.method``, the parameter, what is wrong and
the fix; all the problems of a class (or of a registered function) are raised
together, in one :class:`InvalidDefinition`.
"""

from __future__ import annotations

import inspect
import typing
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from apifuzz.errors import InvalidDefinition
from apifuzz.model.codecs import Codec
from apifuzz.model.decorators import API_TAG, IDS_TAG, INVARIANT_TAG, ApiTag, check_query_flag
from apifuzz.model.params import (
    SUPPORTED,
    DomainMismatch,
    ParamType,
    UnsupportedType,
    param_type,
)
from apifuzz.model.preconditions import PRECONDITION_TAG, Precondition, resolve
from apifuzz.model.problems import Problems, did_you_mean
from apifuzz.tracing.guard import unwrap


class _NoDefault:
    """Marks a parameter without a default value."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a registered method or of the model's factory."""

    name: str
    type: ParamType
    default: Any = NO_DEFAULT
    keyword_only: bool = False
    #: How the argument is written when it is no literal (``Annotated[W, Codec(...)]``).
    codec: Codec | None = None

    @property
    def required(self) -> bool:
        """True when a script must give this argument."""
        return self.default is NO_DEFAULT

    def describe(self) -> str:
        """The type as ``apifuzz lang`` shows it: the written type, and its codec."""
        written = self.type.describe()
        return written if self.codec is None else self.codec.describe(written)


@dataclass(frozen=True)
class MethodSpec:
    """A registered action: its name, parameters and the raw function to call.

    ``func(model, *args, **kwargs)`` calls the undecorated implementation, so
    the fuzz path never pays for the tracing wrapper.
    """

    name: str
    qualname: str
    params: tuple[ParamSpec, ...]
    func: Callable[..., Any]
    alias: str | None = None
    doc: str = ""
    #: A query only reads the model: no invariant check (nor undo/redo oracle) after it.
    query: bool = False
    #: Checks of the model that must all hold for a call to be made (``@precondition``).
    preconditions: tuple[Precondition, ...] = ()
    #: The class's own method this action stands for (``reg.method``): a library test's
    #: call of it is recorded as this action.  None for an action that is not a method.
    method: Any = None

    @property
    def required_count(self) -> int:
        """How many leading arguments a script must give."""
        return sum(1 for p in self.params if p.required)

    @property
    def ref_kinds(self) -> frozenset[str]:
        """Every Ref kind any parameter uses."""
        kinds: frozenset[str] = frozenset()
        for p in self.params:
            kinds |= p.type.ref_kinds()
        return kinds

    def signature(self) -> str:
        """``move_clip(clip: ref(clip), track: ref(track), position: int = 0)``."""
        parts = []
        for p in self.params:
            text = f"{p.name}: {p.describe()}"
            if not p.required:
                text += f" = {p.default!r}"
            parts.append(text)
        return f"{self.name}({', '.join(parts)})"


@dataclass(frozen=True)
class Registry:
    """Everything apifuzz knows about one model: actions, id providers, invariants."""

    model: type
    methods: tuple[MethodSpec, ...]
    id_providers: dict[str, Callable[[Any], Iterable[int]]] = field(hash=False)
    invariants: tuple[tuple[str, Callable[[Any], Any]], ...]

    def method(self, name: str) -> MethodSpec:
        """The method registered under ``name`` (KeyError when there is none)."""
        for m in self.methods:
            if m.name == name:
                return m
        raise KeyError(name)

    @property
    def model_name(self) -> str:
        """The model class's name, as used in messages."""
        return self.model.__qualname__


# --------------------------------------------------------------------------
# building specs from functions


def _hints(func: Callable[..., Any], where: str) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception as exc:  # NameError for a forward reference, TypeError, ...
        raise InvalidDefinition(
            f"{where}: its annotations cannot be resolved ({type(exc).__name__}: {exc}); "
            f"import the names they use at module level"
        ) from None


def build_params(
    func: Callable[..., Any],
    where: str,
    *,
    skip_first: bool,
    allow_refs: bool = True,
    skip_unannotated_defaults: bool = False,
    problems: Problems | None = None,
) -> tuple[ParamSpec, ...]:
    """Read the fuzzable parameters of ``func`` from its signature and type hints.

    With ``skip_unannotated_defaults`` (used for factories) a parameter that has a
    default but no usable annotation, ``*args``, ``**kwargs`` and an unreadable signature
    are left alone (the script cannot set them) instead of refused.  The problems of
    every parameter are raised together; given ``problems``, they are added to it
    instead, and the parameters without one are returned.
    """
    sig = _read_signature(func, where, skip_unannotated_defaults=skip_unannotated_defaults)
    if sig is None:
        return ()
    hints = _hints(func, where)
    params = list(sig.parameters.values())
    if skip_first:
        params = _without_model(params, where)
    specs = []
    found = Problems(where) if problems is None else problems
    for p in params:
        with found.collect():
            spec = _param_spec(
                p,
                hints,
                where,
                allow_refs=allow_refs,
                skip_unannotated_defaults=skip_unannotated_defaults,
            )
            if spec is not None:
                specs.append(spec)
    if problems is None:
        found.check()
    return tuple(specs)


def _read_signature(
    func: Callable[..., Any], where: str, *, skip_unannotated_defaults: bool
) -> inspect.Signature | None:
    """The signature of ``func``; None when it is unreadable and may be left alone."""
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        if skip_unannotated_defaults:
            return None
        raise InvalidDefinition(
            f"{where}: its signature cannot be read; register a Python function with "
            f"annotated parameters instead"
        ) from None


def _without_model(params: list[inspect.Parameter], where: str) -> list[inspect.Parameter]:
    """The parameters after the first one, which receives the model (self)."""
    if not params or params[0].kind not in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        raise InvalidDefinition(
            f"{where}: it takes no model argument; give it a first parameter (self)"
        )
    return params[1:]


def _param_spec(
    p: inspect.Parameter,
    hints: dict[str, Any],
    where: str,
    *,
    allow_refs: bool,
    skip_unannotated_defaults: bool,
) -> ParamSpec | None:
    """The spec of one parameter; None when it may be left alone (see :func:`build_params`)."""
    if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
        if skip_unannotated_defaults:
            return None
        raise InvalidDefinition(
            f"{where}, parameter {p.name!r}: *args and **kwargs can't be fuzzed; "
            f"list the parameters one by one"
        )
    if p.name not in hints:
        if skip_unannotated_defaults and p.default is not inspect.Parameter.empty:
            return None
        raise InvalidDefinition(
            f"{where}, parameter {p.name!r}: it has no type annotation; annotate it "
            f"with {SUPPORTED}"
        )
    try:
        hint, codec = split_codec(hints[p.name])
        ptype = param_type(hint)
    except UnsupportedType as exc:
        if skip_unannotated_defaults and p.default is not inspect.Parameter.empty:
            return None
        fix = "" if isinstance(exc, DomainMismatch) else f"; use {SUPPORTED}"
        raise InvalidDefinition(f"{where}, parameter {p.name!r}: {exc}{fix}") from None
    if not allow_refs and ptype.ref_kinds():
        raise InvalidDefinition(
            f"{where}, parameter {p.name!r}: a Ref can't be a factory parameter because "
            f"no object exists before the model; use a plain int"
        )
    return ParamSpec(
        name=p.name,
        type=ptype,
        default=NO_DEFAULT if p.default is inspect.Parameter.empty else p.default,
        keyword_only=p.kind is inspect.Parameter.KEYWORD_ONLY,
        codec=codec,
    )


def split_codec(hint: Any) -> tuple[Any, Codec | None]:
    """``Annotated[W, Codec(...)]`` as ``(W, codec)``; any other hint as ``(hint, None)``."""
    if typing.get_origin(hint) is not typing.Annotated:
        return hint, None
    base, *meta = typing.get_args(hint)
    codecs = [m for m in meta if isinstance(m, Codec)]
    if not codecs:
        return hint, None
    if len(codecs) > 1:
        raise UnsupportedType("it carries more than one Codec; keep one")
    rest = tuple(m for m in meta if not isinstance(m, Codec))
    written = typing.Annotated[(base, *rest)] if rest else base
    return written, codecs[0]


def _check_refs(
    registry: Registry,
    problems: Problems,
    faulty: Iterable[tuple[str, tuple[ParamSpec, ...]]] = (),
) -> None:
    """Every Ref kind a parameter uses has an ``@ids`` provider; a near miss is named.

    ``faulty``: the readable parameters of methods with another problem, checked too.
    """
    methods = [(m.qualname, m.params) for m in registry.methods]
    for where, params in sorted([*methods, *faulty]):
        for p in params:
            for kind in sorted(p.type.ref_kinds()):
                if kind not in registry.id_providers:
                    problems.messages.append(_no_provider(where, p.name, kind, registry))


def _no_provider(where: str, param: str, kind: str, registry: Registry) -> str:
    close = did_you_mean(kind, registry.id_providers)
    fix = (
        f"add a method decorated with @ids({kind!r}) that returns the live {kind} ids"
        if close is None
        else f"did you mean Ref({close!r}), or @ids({kind!r}) where @ids({close!r}) is? "
        f"(one of the two is misspelt)"
    )
    return f"{where}, parameter {param!r}: Ref({kind!r}) has no provider; {fix}"


# --------------------------------------------------------------------------
# scanning a decorated class

_CACHE: weakref.WeakKeyDictionary[type, Registry] = weakref.WeakKeyDictionary()


def _static_members(cls: type) -> dict[str, tuple[type, Any]]:
    """Every attribute visible on ``cls``, with the class that defines it (MRO wins)."""
    seen: dict[str, tuple[type, Any]] = {}
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            seen.setdefault(name, (klass, value))
    return seen


def _tagged_base(cls: type, name: str, tag: str) -> Any:
    """The nearest definition of ``name`` along the MRO that carries ``tag``."""
    for klass in cls.__mro__:
        value = vars(klass).get(name)
        if value is not None and hasattr(_plain(value), tag):
            return _plain(value)
    return None


def _plain(value: Any) -> Any:
    """The undecorated function inside staticmethod/classmethod and @api wrappers."""
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    return unwrap(value)


def _caller(raw: Any, func: Callable[..., Any]) -> Callable[..., Any]:
    """A callable taking the model first, whatever kind of method ``raw`` is."""
    if isinstance(raw, (staticmethod, classmethod)):
        raw = type(raw)(unwrap(raw.__func__))
    if isinstance(raw, staticmethod):
        return lambda model, *a, **k: func(*a, **k)
    if isinstance(raw, classmethod):
        return lambda model, *a, **k: func(type(model), *a, **k)
    return func


@dataclass
class _Scanned:
    """What scanning a class has found so far, problems included."""

    cls: type
    problems: Problems
    methods: list[MethodSpec] = field(default_factory=list)
    providers: dict[str, Callable[[Any], Iterable[int]]] = field(default_factory=dict)
    provider_names: dict[str, str] = field(default_factory=dict)
    invariants: list[tuple[str, Callable[[Any], Any]]] = field(default_factory=list)
    actions: int = 0  # methods registered with @api, a faulty one included
    #: The readable parameters of each faulty action, so that their Refs are checked too.
    faulty: list[tuple[str, tuple[ParamSpec, ...]]] = field(default_factory=list)


def scan(cls: type) -> Registry:
    """Scan a class decorated with ``@api``/``@ids``/``@invariant`` (cached per class).

    Every problem of the class is raised at once, in one InvalidDefinition.
    """
    cached = _CACHE.get(cls)
    if cached is not None:
        return cached
    found = _Scanned(cls, Problems(cls.__qualname__))
    for name, (_owner, raw) in sorted(_static_members(cls).items()):
        with found.problems.collect():
            _scan_member(found, name, raw)
    if not found.actions:
        found.problems.messages.append(
            f"{cls.__qualname__} has no method decorated with @api; decorate the model "
            f"methods a script may call"
        )
    registry = Registry(cls, tuple(found.methods), found.providers, tuple(found.invariants))
    _check_refs(registry, found.problems, found.faulty)
    found.problems.check()
    _CACHE[cls] = registry
    return registry


def _scan_member(found: _Scanned, name: str, raw: Any) -> None:
    """Register one attribute of the class: an action, an id provider or an invariant."""
    value = _plain(raw)
    where = f"{found.cls.__qualname__}.{name}"
    api_tag = getattr(value, API_TAG, None) if callable(value) else None
    if api_tag is None and callable(value):
        # An override without @api keeps the registration of the method it overrides.
        base = _tagged_base(found.cls, name, API_TAG)
        if base is not None:
            api_tag = getattr(base, API_TAG)
            if not typing.get_type_hints(value) and typing.get_type_hints(base):
                found.actions += 1
                raise InvalidDefinition(
                    f"{where} overrides a method registered with @api but drops its "
                    f"annotations; copy the annotations or decorate it with @api"
                )
    if isinstance(api_tag, ApiTag):
        found.actions += 1
        before = len(found.problems.messages)
        skip_first = not isinstance(raw, staticmethod)
        params = build_params(value, where, skip_first=skip_first, problems=found.problems)
        if len(found.problems.messages) > before:
            found.faulty.append((where, params))
            return
        doc = inspect.getdoc(value) or ""
        checks = resolve(found.cls, where, getattr(value, PRECONDITION_TAG, ()))
        found.methods.append(
            MethodSpec(
                name,
                where,
                params,
                _caller(raw, value),
                api_tag.alias,
                doc,
                api_tag.query,
                preconditions=checks,
            )
        )
        return
    if callable(value) and getattr(value, PRECONDITION_TAG, None):
        raise InvalidDefinition(
            f"{where} has a @precondition but is not decorated with @api; a precondition "
            f"says when an action may be called: decorate it with @api too"
        )
    kind = getattr(value, IDS_TAG, None) if callable(value) else None
    if isinstance(kind, str):
        if kind in found.providers:
            raise InvalidDefinition(
                f"{where}: @ids({kind!r}) is already provided by "
                f"{found.cls.__qualname__}.{found.provider_names[kind]}; keep one provider "
                f"per kind"
            )
        found.providers[kind] = _caller(raw, value)
        found.provider_names[kind] = name
        return
    if callable(value) and getattr(value, INVARIANT_TAG, False):
        found.invariants.append((name, _caller(raw, value)))


# --------------------------------------------------------------------------
# external registration


class _NotGiven:
    """The default of a keyword a registration adds to a method's ``**kwargs``: not passed."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: ``reg.method("add_edge", u=int, v=int, weight=int)`` on ``add_edge(self, u, v, **attr)``:
#: ``weight`` is an optional keyword argument a script passes only when it writes it.
NOT_GIVEN: Any = _NotGiven()

_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _with_types(attr: Callable[..., Any], types: dict[str, Any], where: str) -> Callable[..., Any]:
    """``attr``, or a stub with its signature and ``types`` as annotations.

    A stub when ``types`` are given, the method takes ``*args`` or ``**kwargs`` (left
    out unless ``types`` names them: a script cannot write them), or Python cannot read
    the signature (a method written in C): its parameters are then ``types``' names, in
    order.  A name of
    ``types`` that is no parameter of a method taking ``**kwargs`` is one more keyword
    argument, passed only when a script gives it (its default is ``NOT_GIVEN``).
    """
    try:
        params: list[inspect.Parameter] | None = list(inspect.signature(attr).parameters.values())
    except (TypeError, ValueError):
        params = None
    kinds = set() if params is None else {p.kind for p in params}
    if params is not None and not types and not kinds & set(_VARIADIC):
        return attr
    extra: list[str] = []
    if params is not None:
        # ``*args``/``**kwargs`` given a type by name are one parameter; the others are left out.
        params = [params[0], *(p for p in params[1:] if p.kind not in _VARIADIC or p.name in types)]
        known = [p.name for p in params[1:]]
        unknown = [n for n in types if n not in known]
        if unknown and inspect.Parameter.VAR_KEYWORD not in kinds:
            close = did_you_mean(unknown[0], known)
            fix = f"did you mean {close!r}?" if close else f"its parameters are {', '.join(known)}"
            raise InvalidDefinition(f"{where}: it has no parameter {unknown[0]!r}; {fix}")
        extra = unknown
    hints = dict(getattr(attr, "__annotations__", {}) or {})
    hints.update(types)
    names = list(types) if params is None else [p.name for p in params[1:]]
    defaults = {} if params is None else {p.name: p.default for p in params}
    # A keyword-only parameter stays so: scripts pass it by name, as the method takes it.
    keyword = set() if params is None else {p.name for p in params if p.kind is p.KEYWORD_ONLY}
    proto = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)] + [
        inspect.Parameter(
            n,
            inspect.Parameter.KEYWORD_ONLY
            if n in keyword
            else inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=defaults.get(n, inspect.Parameter.empty),
        )
        for n in names
    ]
    proto += [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=NOT_GIVEN) for n in extra
    ]

    def stub(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("signature stub is never called")

    stub.__signature__ = inspect.Signature(proto)  # type: ignore[attr-defined]
    stub.__annotations__ = {n: hints[n] for n in [*names, *extra] if n in hints}
    return stub


def _parameter_names(method: Any) -> list[str]:
    """The names of a method's parameters after self (none when its signature is unreadable)."""
    try:
        return list(inspect.signature(method).parameters)[1:]
    except (TypeError, ValueError):
        return []


def _check_via(via: Any, params: tuple[ParamSpec, ...], where: str) -> None:
    """``via`` takes the model, then the method's parameters by the same names, in order."""
    wanted = [p.name for p in params]
    try:
        taken = list(inspect.signature(via).parameters)[1:] if callable(via) else None
    except (TypeError, ValueError):
        taken = None
    if taken is None or taken[: len(wanted)] != wanted:
        shown = getattr(via, "__qualname__", repr(via))
        raise InvalidDefinition(
            f"{where}: via={shown} must be a function taking the model, then the method's "
            f"parameters ({', '.join(wanted) or 'none'}), by the same names and in order"
        )


class Registration:
    """Register a class you cannot edit, from outside it (like an RTTR block).

    Each action is a plain function whose first parameter is the model::

        reg = Registration(collections.OrderedDict)

        @reg.api(alias="p")
        def put(d: OrderedDict, key: Key, value: int) -> None:
            d[key] = value

        @reg.ids("key")
        def keys(d: OrderedDict) -> list[int]:
            return list(d)

        target = Target(reg, expected=(KeyError,))

    ``reg.method("move_to_end", key=Key, last=bool)`` registers an existing
    method by name; the keyword arguments give the parameter types in order
    when the method has no readable annotations (C methods).  ``query=True``
    (``reg.api(query=True)``, ``reg.method("get", query=True, key=Key)``)
    declares a query, as ``@api(query=True)`` does.
    """

    def __init__(self, cls: type, /) -> None:
        if not isinstance(cls, type):
            raise InvalidDefinition(
                f"apifuzz.Registration(): expected the class to register, got {cls!r}"
            )
        self.cls = cls
        self._methods: dict[str, MethodSpec] = {}
        self._providers: dict[str, Callable[[Any], Iterable[int]]] = {}
        self._invariants: list[tuple[str, Callable[[Any], Any]]] = []
        self._registry: Registry | None = None
        self._init: tuple[ParamSpec, ...] | None = None
        self._factory: Callable[..., Any] | None = None

    def _where(self, name: str) -> str:
        return f"{self.cls.__qualname__}.{name}"

    def _add(self, spec: MethodSpec) -> None:
        if spec.name in self._methods:
            raise InvalidDefinition(
                f"{spec.qualname} has been registered twice, which is not allowed; "
                f"remove one registration"
            )
        self._registry = None
        self._methods[spec.name] = spec

    def api(
        self,
        func: Callable[..., Any] | None = None,
        /,
        *,
        alias: str | None = None,
        name: str | None = None,
        query: bool = False,
    ) -> Any:
        """Register a function ``f(model, ...)`` as an action named ``name or f.__name__``.

        ``query=True``: it only reads the model (no invariant check after it).
        """
        check_query_flag(query, "reg.api")

        def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
            action = name or f.__name__
            where = self._where(action)
            if not action.isidentifier():
                raise InvalidDefinition(f"{where}: the action name must be an identifier")
            params = build_params(f, where, skip_first=True)
            checks = resolve(self.cls, where, getattr(f, PRECONDITION_TAG, ()))
            doc = inspect.getdoc(f) or ""
            self._add(MethodSpec(action, where, params, f, alias, doc, query, checks))
            return f

        if func is not None:
            return decorate(func)
        return decorate

    def method(
        self,
        name: str,
        /,
        *,
        alias: str | None = None,
        query: bool = False,
        via: Callable[..., Any] | None = None,
        **types: Any,
    ) -> None:
        """Register the existing method ``name`` of the class.

        Annotations and defaults come from the method when Python can read
        them; ``types`` (parameter name → annotation, in order) fills in or
        overrides them.  ``query=True``: it only reads the model (no invariant
        check after it), as ``reg.method("get", query=True, key=Key)``.

        ``via=f``: scripts call the method through ``f(model, <the method's
        parameters>)``, an adapter that may check each call against a reference
        model (and carry ``@precondition``s), while a library test's call of the
        method itself is still traced as this action.
        Types the method's signature lacks are read from ``f``'s annotations.
        """
        check_query_flag(query, "reg.method")
        where = self._where(name)
        attr = getattr(self.cls, name, None)
        if attr is None or not callable(attr):
            raise InvalidDefinition(
                f"{where}: {self.cls.__qualname__} has no method {name!r}; check the spelling"
            )
        if via is not None and callable(via):
            # The adapter's annotations type the method's parameters it does not type itself.
            hints = _hints(via, where)
            types = {n: hints[n] for n in _parameter_names(attr) if n in hints} | types
        spec_params = build_params(_with_types(attr, types, where), where, skip_first=True)
        doc = inspect.getdoc(attr) or ""
        func: Callable[..., Any] = attr
        checks: tuple[Precondition, ...] = ()
        if via is not None:
            _check_via(via, spec_params, where)
            func = via
            checks = resolve(self.cls, where, getattr(via, PRECONDITION_TAG, ()))
        self._add(MethodSpec(name, where, spec_params, func, alias, doc, query, checks, attr))

    def init(self, *, via: Callable[..., Any] | None = None, **types: Any) -> None:
        """Declare the constructor parameters a script may set, and their types.

        ``reg.init(initial=str)``: a script's first line ``! "abc"`` builds
        ``cls(initial="abc")``, and the tracer writes a test's ``cls("abc")`` so.
        As for :meth:`method`, ``types`` fills in or overrides the annotations of
        ``__init__``; its parameters left without a usable type keep their defaults.
        ``via=make``: scripts build the model with ``make(**arguments)`` (which may
        also set up a reference model) instead of the class; tests are still traced
        through the class's constructor.
        """
        init = self.cls.__init__  # type: ignore[misc]
        where = f"{self.cls.__qualname__}.__init__"
        if via is not None and not callable(via):
            raise InvalidDefinition(f"{where}: via must be a function, got {via!r}")
        self._factory = via
        self._init = build_params(
            _with_types(init, types, where),
            where,
            skip_first=True,
            allow_refs=False,
            skip_unannotated_defaults=True,
        )

    @property
    def factory(self) -> Callable[..., Any]:
        """What builds a fresh model: the class, or the ``via`` given to :meth:`init`."""
        return self.cls if self._factory is None else self._factory

    @property
    def init_params(self) -> tuple[ParamSpec, ...] | None:
        """The constructor parameters declared with :meth:`init` (None: not declared)."""
        return self._init

    def ids(self, kind: str) -> Callable[[Callable[[Any], Iterable[int]]], Any]:
        """Register ``f(model) -> list[int]`` as the provider of live ids of ``kind``."""

        def decorate(f: Callable[[Any], Iterable[int]]) -> Callable[[Any], Iterable[int]]:
            if kind in self._providers:
                raise InvalidDefinition(
                    f"{self._where(f.__name__)}: @ids({kind!r}) is already registered; "
                    f"keep one provider per kind"
                )
            self._registry = None
            self._providers[kind] = f
            return f

        return decorate

    def invariant(self, f: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Register ``f(model)`` as a check run after every call."""
        self._registry = None
        self._invariants.append((f.__name__, f))
        return f

    def registry(self) -> Registry:
        """The Registry of everything registered so far."""
        if self._registry is None:
            if not self._methods:
                raise InvalidDefinition(
                    f"Registration({self.cls.__qualname__}) has no action; add one with "
                    f"@reg.api or reg.method(...)"
                )
            registry = Registry(
                self.cls,
                tuple(sorted(self._methods.values(), key=lambda m: m.name)),
                dict(self._providers),
                tuple(self._invariants),
            )
            problems = Problems(f"Registration({self.cls.__qualname__})")
            _check_refs(registry, problems)
            problems.check()
            self._registry = registry
        return self._registry
