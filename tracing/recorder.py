"""Record the calls a program makes on model instances and turn them into scripts.

While a :class:`Recorder` is active, every outermost ``@api`` call on an
instance of a recorded target becomes one script statement (alias plus
arguments), one script per instance.  Constructor arguments become the
factory statement (``! ...``).  Ids are written raw: the interpreter uses a
live id as is, and a fresh model hands out the same ids when it is driven by
the same calls, so the replay makes the identical calls.  A call that cannot
be written faithfully (an id that is not live, as in a negative test; a value
of the wrong type) ends the script there, with the reason kept in
``Trace.problem``: the script never replays as a different call.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import wrapt

from apifuzz.errors import ApifuzzError
from apifuzz.interpreter import Interpreter
from apifuzz.language import FACTORY_MARK, Language
from apifuzz.model.registry import NOT_GIVEN, MethodSpec, ParamSpec
from apifuzz.model.target import Target, known_targets, on_new_target
from apifuzz.tracing import guard
from apifuzz.tracing.emit import (
    LiveIds,
    NotWritable,
    as_written,
    format_value,
    same_value,
    written,
)
from apifuzz.tracing.patch import ExternalPatch

#: The first line of every traced script (regenerating a corpus removes only such files).
HEADER = "# apifuzz trace: "


@dataclass
class RecordedCall:
    """One outermost call as the program made it."""

    method: str
    values: tuple[Any, ...]  # every parameter's value, defaults filled in
    result: Any = None
    error: tuple[str, str] | None = None  # (exception type, message) when it raised


@dataclass
class Trace:
    """The script of one model instance."""

    language: Language
    label: str
    factory_line: str | None = None
    statements: list[str] = field(default_factory=list)
    calls: list[RecordedCall] = field(default_factory=list)
    problem: str | None = None  # why the script stops before the program's last call
    lost: int = 0  # the program's calls left out of the script because of the problem

    def body(self) -> str:
        """The statements, without the header comment."""
        lines = ([self.factory_line] if self.factory_line else []) + self.statements
        return "".join(line + "\n" for line in lines)

    def text(self) -> str:
        """The script file's content."""
        header = f"{HEADER}{self.label}\n"
        if self.problem:
            header += f"# ends early: {self.problem}\n"
        return header + self.body()


@dataclass(frozen=True)
class _Pending:
    """A statement formatted before its call, completed when the call returns."""

    trace: Trace
    method: str
    values: tuple[Any, ...]
    statement: str


@dataclass(frozen=True)
class _Later:
    """A call with iterator arguments: its statement is written once the library read them."""

    trace: Trace
    method: MethodSpec
    func: Callable[..., Any]
    instance: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    live: dict[str, Sequence[int]]  # the ids live before the call


@dataclass
class _Instance:
    model: Any  # the model itself while open; a weak reference (or the model) once closed
    trace: Trace
    closed: bool = False


def _snapshot(result: Any) -> Any:
    """A copy of a call's result as it was returned (the test may change it afterwards).

    A copy made by ``copy()`` and then changed by the test would otherwise fail the
    replay check.  What cannot be deep-copied is kept as is.
    """
    if result is None or isinstance(result, (bool, int, float, str, bytes)):
        return result
    try:
        with guard.guarded():  # a __deepcopy__ calling the library is not the test's call
            return copy.deepcopy(result)
    except Exception:
        return result


def literals(params: Sequence[ParamSpec], values: Sequence[Any], live: LiveIds) -> list[str]:
    """Literals for ``values``, the trailing run of default values left out."""
    texts: list[str] = []
    pending: list[tuple[ParamSpec, Any]] = []  # defaults, written only if a later argument is
    for p, value in zip(params, values, strict=True):
        if not p.required and same_value(value, p.default):
            # Formatted only when needed: a default may be a sentinel no script can write
            # (``missing=...``), and a trailing one is never written.
            pending.append((p, value))
            continue
        for skipped, default in pending:
            if default is NOT_GIVEN:
                # A keyword a registration adds to **kwargs: a script gives them in order.
                raise NotWritable(f"{p.name} is given without {skipped.name}, which comes first")
        before = [format_value(q.type, written(q, v), live) for q, v in pending]
        texts += [*before, format_value(p.type, written(p, value), live)]
        pending = []
    return texts


#: Parameter kinds that bind one argument (``*args`` binds a tuple of them).
_ONE_VALUE = (
    inspect.Parameter.POSITIONAL_ONLY,
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
)


def _signature(func: Callable[..., Any], method: MethodSpec) -> inspect.Signature:
    """``func``'s signature, else the one its registration gives.

    The registration's is used for a method written in C, and for one registered under
    other parameter names (``*sets`` registered as ``other``): a call that does not fit
    it is cut, as the script could not write it.
    """
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None
    if signature is not None and all(
        p.name in signature.parameters and signature.parameters[p.name].kind in _ONE_VALUE
        for p in method.params
    ):
        return signature
    model = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    return inspect.Signature([model, *(_parameter(p) for p in method.params)])


def _parameter(param: ParamSpec) -> inspect.Parameter:
    kind = (
        inspect.Parameter.KEYWORD_ONLY
        if param.keyword_only
        else inspect.Parameter.POSITIONAL_OR_KEYWORD
    )
    default = inspect.Parameter.empty if param.required else param.default
    return inspect.Parameter(param.name, kind, default=default)


def _no_live(kind: str) -> Sequence[int]:
    raise NotWritable(f"a factory cannot take a {kind} id")


class Recorder:
    """Turns the outermost calls on instances of the given targets into scripts."""

    def __init__(self, languages: Sequence[Language], *, discover: bool = False) -> None:
        self._languages = {lang.target.model_class: lang for lang in languages}
        #: With ``discover``, an instance of any other class decorated with @api is recorded
        #: too, under ``Target(cls)``; ``on_discover`` builds its language.
        self.discover = discover
        self.on_discover: Callable[[Target], Language] = Language.build
        self._refused: set[type] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._instances: dict[int, _Instance] = {}
        self._signatures: dict[Callable[..., Any], inspect.Signature] = {}
        self._patched: list[tuple[type, Any]] = []
        #: The wrappers of externally registered classes, put in place while recording.
        self.external = [
            ExternalPatch(registration)
            for lang in languages
            if (registration := lang.target.registration) is not None
        ]
        self._previous: guard.Sink | None = None
        self.label = "trace"  # names the traces: the test id, in a pytest session
        self.counters = {"model": 0, "foreign": 0, "shared": 0, "library": 0}

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> None:
        """Begin recording (patches the targets' constructors)."""
        if self.discover:
            for target in known_targets():
                self._adopt(target)
            self._unsubscribe = on_new_target(self._adopt)
        for lang in self._languages.values():
            self._patch(lang)
        for patch in self.external:
            patch.apply()
        self._previous = guard.install(self)

    def _adopt(self, target: Target) -> None:
        """Record a Target's instances (discovery mode); the first Target of a class wins."""
        cls = target.model_class
        if cls in self._languages or cls in self._refused:
            return
        if target.registration is not None:
            # Externally registered methods carry no tracing wrapper: a class is wrapped
            # for a session only when its target is named (see ExternalPatch).
            self._refused.add(cls)
            return
        try:
            language = self.on_discover(target)
        except ApifuzzError:
            self._refused.add(cls)
            return
        self._languages[cls] = language
        if guard.installed() is self:
            self._patch(language)

    def _patch(self, lang: Language) -> None:
        cls = lang.target.model_class
        # A registration's class is traced through its constructor even when scripts build
        # the model another way (``reg.init(via=...)``).
        builds = lang.target.factory is cls or lang.target.registration is not None
        if builds and all(c is not cls for c, _ in self._patched):
            original = cls.__dict__.get("__init__")
            try:
                wrapt.wrap_function_wrapper(cls, "__init__", self._on_init)
            except (TypeError, AttributeError):
                return  # a built-in type: constructor arguments are not captured
            self._patched.append((cls, original))

    def stop(self) -> None:
        """Stop recording and restore the constructors."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        guard.install(self._previous)
        for patch in reversed(self.external):
            patch.restore()
        for cls, original in reversed(self._patched):
            if original is None:
                delattr(cls, "__init__")
            else:
                cls.__init__ = original
        self._patched.clear()

    def __enter__(self) -> Recorder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def take(self) -> list[Trace]:
        """The traces recorded since the last take; their instances are closed.

        A closed instance is not recorded any more: its script would start
        in the middle of its life (a model shared by several tests).
        """
        traces = []
        for key, entry in list(self._instances.items()):
            if entry.closed:
                continue
            if not (entry.trace.statements or entry.trace.problem):
                del self._instances[key]  # never called: nothing to remember
                continue
            traces.append(entry.trace)
            entry.closed = True
            # Remember the closed model only while it lives, so its id is not mistaken for
            # a new model's; a model that refuses weak references is kept alive instead.
            with contextlib.suppress(TypeError):
                entry.model = weakref.ref(entry.model, self._forget(key))
        self.counters["model"] = 0
        return traces

    def _forget(self, key: int) -> Callable[[Any], None]:
        def forget(_: Any) -> None:
            self._instances.pop(key, None)

        return forget

    # -- construction ---------------------------------------------------------------

    def _language_of(self, model: Any) -> Language | None:
        cls = type(model)
        language = self._languages.get(cls)
        if language is None and self.discover and cls not in self._refused:
            language = self._discovered(cls)
        return language

    def _discovered(self, cls: type) -> Language | None:
        module = getattr(cls, "__module__", "") or ""
        # Classes defined by tests (stubs, failing subclasses) are not fuzz targets.
        if (
            module.split(".")[-1].startswith(("test_", "conftest"))
            or "<locals>" in cls.__qualname__
        ):
            self._refused.add(cls)
            return None
        try:
            self._adopt(Target(cls))
        except ApifuzzError:
            self._refused.add(cls)
        return self._languages.get(cls)

    def _ignore(self, model: Any) -> None:
        """Never record ``model``: a library call made it (a copy, a result), not the test.

        A script has one model, built by its factory: it cannot call a second one.
        """
        self.counters["library"] += 1
        key = id(model)
        entry = _Instance(model, Trace(self._languages[type(model)], ""), closed=True)
        with contextlib.suppress(TypeError):
            entry.model = weakref.ref(model, self._forget(key))
        self._instances[key] = entry

    def _new_entry(self, model: Any, language: Language) -> _Instance:
        self.counters["model"] += 1
        label = f"{self.label} (model {self.counters['model']})"
        entry = _Instance(model, Trace(language, label))
        self._instances[id(model)] = entry
        return entry

    def _on_init(
        self,
        wrapped: Callable[..., Any],
        instance: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        made_by_library = guard.inside_api_call()
        with guard.guarded():  # calls made by the constructor are part of construction
            wrapped(*args, **kwargs)
        language = self._language_of(instance)
        if language is None:  # a subclass: a script would build the target class instead
            return
        if made_by_library and language.target.registration is not None:
            self._ignore(instance)
            return
        entry = self._new_entry(instance, language)
        try:
            signature = inspect.signature(wrapped)
            bound = signature.bind(*args, **kwargs)
        except (TypeError, ValueError) as exc:
            entry.trace.problem = f"constructor arguments cannot be read: {exc}"
            return
        settable = {p.name for p in language.factory_params}
        for name, value in bound.arguments.items():
            param = signature.parameters[name]
            if name not in settable and not (
                param.default is not inspect.Parameter.empty and same_value(value, param.default)
            ):
                entry.trace.problem = (
                    f"constructed with {name}={value!r}, which a script cannot set"
                )
                return
        try:
            given = bound.arguments
            values = [given.get(p.name, p.default) for p in language.factory_params]
            texts = literals(language.factory_params, values, _no_live)
        except NotWritable as exc:
            entry.trace.problem = f"constructor argument {exc}"
            return
        if texts:
            entry.trace.factory_line = " ".join([FACTORY_MARK, *texts])

    # -- calls (the guard's Sink protocol) -------------------------------------------------

    def begin(
        self, instance: Any, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> object:
        """Format the statement before the call (ids must be live *before* it runs)."""
        entry = self._instances.get(id(instance))
        if entry is None:
            language = self._language_of(instance)
            if language is None:
                self.counters["foreign"] += 1
                return None
            # Made before recording started or by another factory: defaults assumed.
            entry = self._new_entry(instance, language)
        if entry.closed:
            self.counters["shared"] += 1
            return None
        trace = entry.trace
        if trace.problem:
            trace.lost += 1
            return None
        method = self._method_of(trace.language, func)
        if method is None:
            where = getattr(func, "__qualname__", repr(func))
            trace.problem = f"{where} is not in {trace.language.target.name}'s language"
            trace.lost += 1
            return None
        if any(isinstance(v, guard.ReadItems) for v in (*args, *kwargs.values())):
            # An iterator's items are known once the library has read them: the statement is
            # written after the call, with the ids that were live before it.
            live = {kind: self._live(trace.language, kind, instance) for kind in method.ref_kinds}
            return _Later(trace, method, func, instance, args, kwargs, live)
        return self._pending(trace, method, func, instance, args, kwargs, {})

    def _pending(
        self,
        trace: Trace,
        method: MethodSpec,
        func: Callable[..., Any],
        instance: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        live: dict[str, Sequence[int]],
    ) -> _Pending | None:
        try:
            values, statement = self._statement(
                trace.language, method, func, instance, args, kwargs, live
            )
        except NotWritable as exc:
            trace.problem = f"{method.name}: {exc}"
            trace.lost += 1
            return None
        return _Pending(trace, method.name, values, statement)

    @staticmethod
    def _live(language: Language, kind: str, instance: Any) -> Sequence[int]:
        with guard.guarded():
            return list(language.registry.id_providers[kind](instance))

    @staticmethod
    def _method_of(language: Language, func: Callable[..., Any]) -> MethodSpec | None:
        """The registered action ``func`` is, if any."""
        if language.target.registration is not None:
            # The external wrappers report the registered function itself: match it exactly,
            # so that a library method is never taken for an adapter function of its name.
            return next((m for m in language.methods if m.func is func), None)
        name = getattr(func, "__name__", "")
        method = language.lookup.get(name)
        return method if method is not None and method.name == name else None

    def end(self, pending: object, result: Any, error: BaseException | None) -> None:
        """Append the statement and what the call did."""
        if isinstance(pending, _Later):
            pending = self._read(pending)
        if not isinstance(pending, _Pending):
            return
        pending.trace.statements.append(pending.statement)
        failure = None if error is None else (type(error).__name__, str(error))
        kept = None if error else _snapshot(result)
        call = RecordedCall(pending.method, pending.values, kept, failure)
        pending.trace.calls.append(call)

    def _read(self, later: _Later) -> _Pending | None:
        """The statement of a call whose iterator arguments the library has read."""
        unread = [
            v for v in (*later.args, *later.kwargs.values()) if isinstance(v, guard.ReadItems)
        ]
        if not all(v.done for v in unread):
            later.trace.problem = (
                f"{later.method.name}: the call did not read an iterator argument to its end"
            )
            later.trace.lost += 1
            return None

        def items(value: Any) -> Any:
            return value.items if isinstance(value, guard.ReadItems) else value

        args = tuple(items(v) for v in later.args)
        kwargs = {k: items(v) for k, v in later.kwargs.items()}
        return self._pending(
            later.trace, later.method, later.func, later.instance, args, kwargs, later.live
        )

    def _statement(
        self,
        language: Language,
        method: MethodSpec,
        func: Callable[..., Any],
        instance: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        live_cache: dict[str, Sequence[int]],
    ) -> tuple[tuple[Any, ...], str]:
        # The method the test called (not a via= adapter), as wrapt hands it over.
        raw = method.method if method.method is not None else getattr(func, "__func__", func)
        signature = self._signatures.get(raw)
        if signature is None:
            signature = self._signatures[raw] = _signature(raw, method)
        try:
            bound = signature.bind(instance, *args, **kwargs)
        except TypeError as exc:
            raise NotWritable(f"arguments do not fit the signature: {exc}") from None
        bound.apply_defaults()
        _check_unregistered(signature, bound, method)
        given = tuple(as_written(p.type, bound.arguments[p.name]) for p in method.params)

        def live(kind: str) -> Sequence[int]:
            ids = live_cache.get(kind)
            if ids is None:
                ids = live_cache[kind] = self._live(language, kind, instance)
            return ids

        texts = literals(method.params, given, live)
        # An argument is compared on replay as the script writes it (a codec's encoding).
        values = tuple(written(p, v) for p, v in zip(method.params, given, strict=True))
        return values, " ".join([language.aliases[method.name], *texts])


def _check_unregistered(
    signature: inspect.Signature, bound: inspect.BoundArguments, method: MethodSpec
) -> None:
    """Refuse a call that gives a parameter the registration leaves out (``**attr``, say).

    Its script could not write that argument: it would replay as another call.
    """
    registered = {p.name for p in method.params}
    for index, (name, value) in enumerate(bound.arguments.items()):
        param = signature.parameters[name]
        if index == 0 or name in registered:
            continue  # the model itself, or an argument the script writes
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            if value:
                given = (
                    ", ".join(map(repr, value))
                    if isinstance(value, tuple)
                    else ", ".join(f"{k}={v!r}" for k, v in value.items())
                )
                raise NotWritable(f"{given}: not a registered parameter")
        elif not same_value(value, param.default):
            raise NotWritable(f"{name}={value!r}: not a registered parameter")


# -- checking a trace by replaying it -----------------------------------------------------------


def _written_or_raw(param: ParamSpec, value: Any) -> Any:
    try:
        return written(param, value)
    except NotWritable:
        return value


def replay_mismatch(trace: Trace, interpreter: Interpreter) -> str | None:
    """Replay the trace's script on a fresh model; describe the first difference, or None."""
    replayed: list[RecordedCall] = []
    params = {m.name: m.params for m in trace.language.methods}

    def on_call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], outcome: Any) -> None:
        values = list(args)
        for p in params[name][len(args) :]:
            values.append(kwargs.get(p.name, p.default))
        values = [_written_or_raw(p, v) for p, v in zip(params[name], values, strict=False)]
        if isinstance(outcome, BaseException):
            replayed.append(
                RecordedCall(name, tuple(values), None, (type(outcome).__name__, str(outcome)))
            )
        else:
            replayed.append(RecordedCall(name, tuple(values), _snapshot(outcome)))

    report = interpreter.run(trace.body(), on_call=on_call)
    if report.skipped:
        first = next(s for s in report.statements if s.reason is not None)
        return f"line {first.line} is skipped on replay ({first.detail})"
    if report.bug is not None:
        bug = report.bug
        recorded = trace.calls[len(replayed)] if len(replayed) < len(trace.calls) else None
        if (
            bug.kind.value == "exception"
            and recorded is not None
            and recorded.error == (type(bug.error).__name__, str(bug.error))
            and len(replayed) + 1 == len(trace.calls)
        ):
            return None  # the program's last call raised the same unexpected exception
        return f"replaying finds a bug: {bug.summary()}"
    for index, (want, got) in enumerate(zip(trace.calls, replayed, strict=False)):
        if want.method != got.method or not same_value(want.values, got.values):
            return (
                f"call {index + 1}: the program called {want.method}{want.values!r}, "
                f"the replay {got.method}{got.values!r}"
            )
        if want.error != got.error or (
            want.error is None and not same_value(want.result, got.result)
        ):
            return (
                f"call {index + 1} ({want.method}): the program got "
                f"{want.error or repr(want.result)}, the replay {got.error or repr(got.result)}"
            )
    if len(replayed) != len(trace.calls):
        return f"the program made {len(trace.calls)} calls, the replay {len(replayed)}"
    return None
