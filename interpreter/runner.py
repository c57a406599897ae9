"""Execute scripts on a fresh model: the interpreter of the apifuzz language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from apifuzz.interpreter.convert import BadArgument, Binder, NoLiveRef
from apifuzz.interpreter.parser import Call, Factory, LineParser, SkipReason, Unparsed, is_blank
from apifuzz.interpreter.report import Bug, BugKind, Report, StatementResult, Status
from apifuzz.language import Language
from apifuzz.model.target import Target, require_undo_redo
from apifuzz.tracing.guard import unwrap


def _no_live(kind: str) -> Sequence[int]:
    raise NoLiveRef(kind)


def decode(script: bytes | str) -> str:
    """Any bytes are a script: invalid UTF-8 becomes U+FFFD."""
    if isinstance(script, str):
        return script
    return script.decode("utf-8", "replace")


def _model_function(target: Target, name: str) -> Callable[[Any], Any]:
    """The raw function behind a model method: never the tracing wrapper of ``@api``."""
    try:
        return target.registry.method(name).func
    except KeyError:
        return unwrap(getattr(target.model_class, name))  # type: ignore[no-any-return]


class Interpreter:
    """Runs scripts of one language, each on a fresh model from the target.

    ``run`` never raises for the script itself: a line that does not parse,
    names no method, has the wrong arguments or refers to objects that do not
    exist is skipped and counted.  Only a bug in the model (an unexpected
    exception or a failed invariant) ends a script early.

    With ``undo_redo`` (the target must declare ``undo`` and ``redo``), every
    executed call is followed by the undo/redo oracle: undo, then redo, must
    give back the state the call left (see :meth:`_undo_redo`).
    """

    def __init__(self, language: Language, *, undo_redo: bool = False) -> None:
        self.language = language
        self.target = language.target
        registry = language.registry
        self.parser = LineParser(language)
        self._binders = {id(m): Binder(m.params, m) for m in registry.methods}
        self._factory_binder = Binder(language.factory_params)
        self._providers = registry.id_providers
        self._invariants = registry.invariants
        self._expected = self.target.expected
        self.undo_redo = undo_redo
        self._undo: Callable[[Any], Any] | None = None
        self._redo: Callable[[Any], Any] | None = None
        self._state: Callable[[Any], Any] | None = None
        self._oracle_step = ""  # the oracle's step running now: "state", "undo" or "redo"
        if undo_redo:
            require_undo_redo(self.target)
            assert self.target.undo is not None and self.target.redo is not None
            self._undo = _model_function(self.target, self.target.undo)
            self._redo = _model_function(self.target, self.target.redo)
            if self.target.state is not None:
                self._state = _model_function(self.target, self.target.state)

    # -- construction -----------------------------------------------------------

    def _construct(self, lines: list[str], report: Report, record: bool) -> tuple[Any, int]:
        """Build the model, honouring a leading factory statement; returns (model, next line)."""
        start = 0
        for index, line in enumerate(lines):
            if not is_blank(line):
                parsed = self.parser.parse(line)
                if isinstance(parsed, Factory):
                    start = index + 1
                    model = self._construct_with(parsed, index + 1, line, report, record)
                    if model is not None or report.bug is not None:
                        return model, start
                break
        try:
            return self.target.factory(), start
        except (Exception, SystemExit) as exc:
            report.bug = Bug(BugKind.EXCEPTION, exc, 0, None)
            return None, start

    def _construct_with(
        self, parsed: Factory, line_no: int, text: str, report: Report, record: bool
    ) -> Any:
        try:
            kwargs = self._factory_binder.bind_keywords(parsed.args, _no_live)
        except BadArgument as exc:
            report.skipped += 1
            if record:
                report.statements.append(
                    StatementResult(line_no, text, Status.SKIPPED, SkipReason.BAD_ARGS, str(exc))
                )
            return None
        name = getattr(self.target.factory, "__name__", "factory")
        try:
            model = self.target.factory(**kwargs)
        except self._expected as exc:
            report.refused += 1
            if record:
                report.statements.append(
                    StatementResult(
                        line_no,
                        text,
                        Status.REFUSED,
                        method=name,
                        kwargs=kwargs,
                        error=exc,
                        detail=_one_line(exc),
                    )
                )
            return None
        except (Exception, SystemExit) as exc:
            report.bug = Bug(BugKind.EXCEPTION, exc, line_no, name)
            if record:
                report.statements.append(
                    StatementResult(
                        line_no, text, Status.BUG, method=name, kwargs=kwargs, error=exc
                    )
                )
            return None
        report.executed += 1
        report.factory_kwargs = kwargs
        if record:
            report.statements.append(
                StatementResult(
                    line_no, text, Status.EXECUTED, method=name, kwargs=kwargs, value=model
                )
            )
        return model

    # -- invariants -------------------------------------------------------------

    def _check(self, model: Any, line_no: int, method: str | None) -> Bug | None:
        for name, check in self._invariants:
            try:
                result = check(model)
            except (Exception, SystemExit) as exc:
                return Bug(BugKind.INVARIANT, exc, line_no, method, name)
            if result is False:
                return Bug(
                    BugKind.INVARIANT,
                    AssertionError(f"{name}() returned False"),
                    line_no,
                    method,
                    name,
                )
        return None

    # -- the undo/redo oracle ---------------------------------------------------

    def _undo_redo(self, model: Any, line_no: int, method: str) -> Bug | None:
        """Undo, then redo, after the call ``method`` at ``line_no``; the bug, if any.

        An undo that is refused (False or an expected exception) ends the check:
        there may be nothing to undo.  Once it succeeded, redo must succeed too,
        the invariants must hold after each step, and the state must come back.
        """
        assert self._undo is not None and self._redo is not None
        expected = self._expected
        state = self._state
        before: Any = None
        # Which step runs, for a timeout that interrupts it (see interrupted_bug).
        self._oracle_step = "state"
        if state is not None:
            try:
                before = state(model)
            except (Exception, SystemExit) as exc:
                return Bug(BugKind.EXCEPTION, exc, line_no, method, oracle="state")
        self._oracle_step = "undo"
        try:
            done = self._undo(model)
        except expected:
            return None
        except (Exception, SystemExit) as exc:
            return Bug(BugKind.EXCEPTION, exc, line_no, method, oracle="undo")
        if done is False:
            return None
        bug = self._check(model, line_no, method)
        if bug is not None:
            bug.oracle = "undo"
            return bug
        redo = self.target.redo
        self._oracle_step = "redo"
        try:
            done = self._redo(model)
        except expected as exc:
            return Bug(
                BugKind.ORACLE,
                AssertionError(f"{redo}() refused right after a successful undo: {_one_line(exc)}"),
                line_no,
                method,
                oracle="redo",
            )
        except (Exception, SystemExit) as exc:
            return Bug(BugKind.EXCEPTION, exc, line_no, method, oracle="redo")
        if done is False:
            return Bug(
                BugKind.ORACLE,
                AssertionError(f"{redo}() returned False right after a successful undo"),
                line_no,
                method,
                oracle="redo",
            )
        bug = self._check(model, line_no, method)
        if bug is not None:
            bug.oracle = "redo"
            return bug
        if state is None:
            return None
        self._oracle_step = "state"
        try:
            after = state(model)
        except (Exception, SystemExit) as exc:
            return Bug(BugKind.EXCEPTION, exc, line_no, method, oracle="state")
        if after != before:
            what = _difference(before, after)
            message = f"undo then redo did not give back the state: {what}"
            return Bug(BugKind.ORACLE, AssertionError(message), line_no, method, oracle="compare")
        return None

    # -- the loop ---------------------------------------------------------------

    def run(
        self,
        script: bytes | str,
        *,
        record: bool = True,
        on_call: Callable[[str, tuple[Any, ...], dict[str, Any], Any], None] | None = None,
    ) -> Report:
        """Run ``script`` on a fresh model.

        With ``record`` the report lists every statement; without it only the
        counts and the bug are kept (the fuzzing fast path).  ``on_call`` sees
        every executed or refused call as ``(method, args, kwargs, value)``.
        """
        report = Report()
        lines = decode(script).split("\n")
        model, start = self._construct(lines, report, record)
        if report.bug is not None:
            return report
        bug = self._check(model, 0, None)
        if bug is not None:
            report.bug = bug
            return report

        providers = self._providers
        live_cache: dict[str, Sequence[int]] = {}

        def live(kind: str) -> Sequence[int]:
            ids = live_cache.get(kind)
            if ids is None:
                ids = list(providers[kind](model))
                live_cache[kind] = ids
            return ids

        parse = self.parser.parse
        binders = self._binders
        expected = self._expected
        statements = report.statements
        undo_redo = self.undo_redo
        for index in range(start, len(lines)):
            text = lines[index]
            parsed = parse(text)
            if parsed is None:
                continue
            if type(parsed) is not Call:
                report.skipped += 1
                if record:
                    if type(parsed) is Factory:
                        reason, detail = (
                            SkipReason.MISPLACED_FACTORY,
                            "only the first statement may be '!'",
                        )
                    else:
                        assert isinstance(parsed, Unparsed)
                        reason, detail = parsed.reason, parsed.detail
                    statements.append(
                        StatementResult(index + 1, text, Status.SKIPPED, reason, detail)
                    )
                continue
            method = parsed.method
            bound = parsed.bound
            if bound is None:
                binder = binders[id(method)]
                live_cache.clear()
                try:
                    bound = binder.bind(parsed.args, live)
                except BadArgument as exc:
                    bound = exc
                except NoLiveRef as exc:
                    bound = exc
                except (Exception, SystemExit) as exc:  # an @ids provider failed
                    report.bug = Bug(BugKind.EXCEPTION, exc, index + 1, method.name)
                    if record:
                        statements.append(
                            StatementResult(
                                index + 1, text, Status.BUG, method=method.name, error=exc
                            )
                        )
                    return report
                if binder.static:
                    parsed.bound = bound
            if type(bound) is not tuple:
                report.skipped += 1
                if record:
                    reason = (
                        SkipReason.NO_LIVE_REF
                        if isinstance(bound, NoLiveRef)
                        else SkipReason.BAD_ARGS
                    )
                    statements.append(
                        StatementResult(
                            index + 1, text, Status.SKIPPED, reason, str(bound), method=method.name
                        )
                    )
                continue
            args, kwargs = bound
            status = Status.EXECUTED
            value: Any = None
            error: BaseException | None = None
            try:
                value = method.func(model, *args, **kwargs) if kwargs else method.func(model, *args)
            except expected as exc:
                status, error = Status.REFUSED, exc
            except (Exception, SystemExit) as exc:
                report.bug = Bug(BugKind.EXCEPTION, exc, index + 1, method.name)
                if record:
                    statements.append(
                        StatementResult(
                            index + 1,
                            text,
                            Status.BUG,
                            method=method.name,
                            args=tuple(args),
                            kwargs=kwargs,
                            error=exc,
                        )
                    )
                return report
            if status is Status.EXECUTED and value is False:
                status = Status.REFUSED
            if status is Status.REFUSED:
                report.refused += 1
            else:
                report.executed += 1
            if on_call is not None:
                on_call(method.name, tuple(args), kwargs, error if error is not None else value)
            if record:
                statements.append(
                    StatementResult(
                        index + 1,
                        text,
                        status,
                        method=method.name,
                        args=tuple(args),
                        kwargs=kwargs,
                        value=value,
                        error=error,
                        detail=_one_line(error) if error is not None else "",
                    )
                )
            bug = self._check(model, index + 1, method.name)
            if undo_redo and bug is None and status is Status.EXECUTED:
                bug = self._undo_redo(model, index + 1, method.name)
            if bug is not None:
                report.bug = bug
                if record:
                    statements[-1].status = Status.BUG
                return report
        return report


class _Missing:
    def __repr__(self) -> str:
        return "missing"


_MISSING = _Missing()


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _narrow(before: Any, after: Any, path: str) -> str:
    """Follow the first difference down through dicts (and sequences of containers)."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(before.keys() | after.keys(), key=repr):
            b, a = before.get(key, _MISSING), after.get(key, _MISSING)
            if b != a:
                return _narrow(b, a, f"{path}[{key!r}]")
    elif (
        isinstance(before, (tuple, list))
        and isinstance(after, (tuple, list))
        and len(before) == len(after)
    ):
        for index, (b, a) in enumerate(zip(before, after, strict=True)):
            # Into a record (a tuple of scalars) is one step too far: show it whole.
            if b != a and isinstance(b, (tuple, list, dict)):
                return _narrow(b, a, f"{path}[{index}]")
    return f"{path} before: {_short(before)}, after: {_short(after)}".lstrip()


def _difference(before: Any, after: Any) -> str:
    """Say which part of two states differs: ``clips changed; clips[6] before: ...``."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted(
            (
                k
                for k in before.keys() | after.keys()
                if before.get(k, _MISSING) != after.get(k, _MISSING)
            ),
            key=repr,
        )
        if keys:
            first = keys[0]
            where = _narrow(before.get(first, _MISSING), after.get(first, _MISSING), str(first))
            return f"{', '.join(map(str, keys))} changed; {where}"
    return _narrow(before, after, "")


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".rstrip(": ")
    return text.splitlines()[0] if text else type(exc).__name__


def interrupted_bug(error: BaseException) -> Bug:
    """The bug of an exception raised into the model from outside, such as a timeout alarm.

    The interpreter's own frames in the traceback still hold where it was, so
    the hot loop keeps no bookkeeping for it: the line, the call when the
    alarm came inside it (not while a line was parsed or bound), the
    invariant being checked, the undo/redo oracle's step, or the factory.
    Only frames of the interpreter's code have their locals read.
    """
    line, method, invariant, oracle = 0, None, None, None
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code is _RUN_CODE:
            names = tb.tb_frame.f_locals
            index, called = names.get("index"), names.get("method")
            if isinstance(index, int):
                line, invariant, oracle = index + 1, None, None
                inner = tb.tb_next
                func = getattr(called, "func", None)
                # ``method`` is the last call bound: current only if the alarm came inside it.
                inside = inner is not None and inner.tb_frame.f_code is getattr(
                    func, "__code__", None
                )
                method = called.name if inside else None  # type: ignore[union-attr]
        elif code is _CHECK_CODE:
            names = tb.tb_frame.f_locals
            line, method, invariant = names["line_no"], names["method"], names.get("name")
        elif code is _UNDO_REDO_CODE:
            names = tb.tb_frame.f_locals
            line, method, oracle = names["line_no"], names["method"], names["self"]._oracle_step
        elif code is _FACTORY_CODE:
            names = tb.tb_frame.f_locals
            line, method = names["line_no"], names.get("name")
        tb = tb.tb_next
    kind = BugKind.INVARIANT if invariant is not None else BugKind.EXCEPTION
    return Bug(kind, error, line, method, invariant, oracle)


_RUN_CODE = Interpreter.run.__code__
_CHECK_CODE = Interpreter._check.__code__
_UNDO_REDO_CODE = Interpreter._undo_redo.__code__
_FACTORY_CODE = Interpreter._construct_with.__code__
