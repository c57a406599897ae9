"""Execute scripts on a fresh model: the interpreter of the apifuzz language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from apifuzz.interpreter.convert import BadArgument, Binder, NoLiveRef
from apifuzz.interpreter.parser import Call, Factory, LineParser, SkipReason, Unparsed, is_blank
from apifuzz.interpreter.queries import QueryCheck
from apifuzz.interpreter.report import (
    Bug,
    BugKind,
    OracleStep,
    Report,
    StatementResult,
    Status,
)
from apifuzz.interpreter.stats import BAD_ARGUMENTS, MethodStats
from apifuzz.language import Language
from apifuzz.model.preconditions import Precondition
from apifuzz.model.registry import MethodSpec
from apifuzz.model.target import Target, require_undo_redo
from apifuzz.text import safe_str
from apifuzz.tracing.guard import unwrap

#: ``on_call(method, args, kwargs, value)``: sees every executed or refused call of a run.
OnCall = Callable[[str, tuple[Any, ...], dict[str, Any], Any], None]


class CallHook(Protocol):
    """Sees every call of a script's statements, as it starts and as it ends.

    Given to :class:`Interpreter` (``hook=``), for tools that must watch the
    model around each call (the regression-test writer snapshots its ids).
    The calls of the undo/redo oracle and of the factory are not statements'
    calls: the hook does not see them.  Without a hook the fuzzing path pays
    one ``is None`` test per call.
    """

    def before(
        self, model: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Called right before ``method(*args, **kwargs)``; must not change ``kwargs``."""

    def after(self, model: Any, value: Any, error: BaseException | None) -> None:
        """Called when the call returned ``value`` or raised ``error`` (an Exception or
        SystemExit, raised again once the hook returns); never after a timeout's interruption."""


@dataclass(slots=True)
class Position:
    """Where a run is: the statement, and the call, invariant or oracle step running now.

    The interpreter keeps it up to date as it goes (a few attribute stores per
    statement), so an exception raised into the run from outside, such as a
    timeout alarm, can say where it came: see :meth:`Interpreter.interrupted_bug`.
    The timeout watches ``index`` too: a statement that stays current too long
    is a hang, a script that moves on is not (``apifuzz.engine.hangs``).
    """

    index: int = -1  # the statement's index in the script's lines; -1: none (construction)
    method: str | None = None  # the call running, or whose invariants or oracle run
    invariant: str | None = None  # the invariant being checked
    oracle: OracleStep | None = None  # the undo/redo oracle's step: "state", "undo" or "redo"

    def clear(self) -> None:
        """Back to the start of a run: no statement yet."""
        self.index, self.method, self.invariant, self.oracle = -1, None, None, None

    def bug(self, error: BaseException) -> Bug:
        """The bug of ``error`` raised here."""
        kind = BugKind.INVARIANT if self.invariant is not None else BugKind.EXCEPTION
        return Bug(kind, error, self.index + 1, self.method, self.invariant, self.oracle)


def _no_live(kind: str) -> Sequence[int]:
    raise NoLiveRef(kind)


def decode(script: bytes | str) -> str:
    """Any bytes are a script: invalid UTF-8 becomes U+FFFD."""
    if isinstance(script, str):
        return script
    return script.decode("utf-8", "replace")


def model_function(target: Target, name: str) -> Callable[[Any], Any]:
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
    give back the state the call left (see :meth:`_undo_redo`).  ``hook`` sees
    every call of the statements (see :class:`CallHook`).  Neither the
    invariants nor the oracle run after a query (``@api(query=True)``); with
    ``check_queries`` every query call is checked to leave the model's state as
    it found it, and ``queries.errors`` names those that did not
    (:mod:`apifuzz.interpreter.queries`).

    One run at a time: ``position`` says where the current run is.  ``stats``,
    when set (a fuzzing worker sets it), counts what became of every call, per
    method (see :mod:`apifuzz.interpreter.stats`).

    ``check_every`` (1 by default) checks the invariants after every call.  A
    fuzzing worker may set it to N: then after every Nth call that is no query,
    and after the last one, which makes long scripts cheaper.  A failure then
    names the call the check came after, not the one that broke the state: the
    worker runs that script again with 1 to find it.  The undo/redo oracle
    always checks after every call.
    """

    def __init__(
        self,
        language: Language,
        *,
        undo_redo: bool = False,
        hook: CallHook | None = None,
        check_queries: bool = False,
    ) -> None:
        self.language = language
        self.target = language.target
        registry = language.registry
        self.parser = LineParser(language)
        self.hook = hook
        self.position = Position()
        self.report = Report()  # the current run's, or the last one's
        self.model: Any = None  # the current run's model, or the last one's (None: not built)
        self.stats: MethodStats | None = None
        self._binders = {id(m): Binder(m.params, m) for m in registry.methods}
        self._factory_binder = Binder(language.factory_params)
        self._providers = registry.id_providers
        self._invariants = registry.invariants
        self._expected = self.target.expected
        self.undo_redo = undo_redo
        self._undo: Callable[[Any], Any] | None = None
        self._redo: Callable[[Any], Any] | None = None
        self._state: Callable[[Any], Any] | None = None
        if undo_redo:
            require_undo_redo(self.target)
            assert self.target.undo is not None and self.target.redo is not None
            self._undo = model_function(self.target, self.target.undo)
            self._redo = model_function(self.target, self.target.redo)
            if self.target.state is not None:
                self._state = model_function(self.target, self.target.state)
        self.queries: QueryCheck | None = None
        if check_queries:
            self.queries = _query_check(self.target)
        self.check_every = 1
        self._unchecked: tuple[int, str] | None = None  # the last call no check came after
        self._skipped = False  # whether a call of the last run went unchecked before another
        self._calls = 0  # calls (no queries) since the last check that passed

    @property
    def method_names(self) -> list[str]:
        """The names of the methods scripts may call, in the registry's order."""
        return [m.name for m in self.language.registry.methods]

    def interrupted_bug(self, error: BaseException) -> Bug:
        """The bug of an exception raised into a run from outside, such as a timeout alarm.

        It names where the run was when it came: the line, the call when it came
        inside it (not while a line was parsed or bound), the invariant being
        checked, the undo/redo oracle's step, or the factory.  After a run that
        ended, or before any, it names the construction (line 0).
        """
        return self.position.bug(error)

    def interrupted(self, error: BaseException) -> Report:
        """The report of a run that an exception raised from outside ended.

        Its counts are those of the statements that ran before it came, and its
        bug is :meth:`interrupted_bug`'s.
        """
        report = self.report
        report.bug = self.position.bug(error)
        return report

    # -- construction -----------------------------------------------------------

    def _construct(self, lines: list[str], report: Report, record: bool) -> tuple[Any, int]:
        """Build the model, honouring a leading factory statement, and check its invariants.

        Returns the model and the index of the first statement to run: past the
        last line when the construction or the invariants showed a bug.
        """
        start = 0
        model = None
        for index, line in enumerate(lines):
            if not is_blank(line):
                parsed = self.parser.parse(line)
                if isinstance(parsed, Factory):
                    start = index + 1
                    self.position.index = index
                    model = self._construct_with(parsed, index + 1, line, report, record)
                    self.position.clear()  # the plain factory, the invariants: construction again
                break
        if model is None and report.bug is None:  # no factory statement, or it was skipped
            try:
                model = self.target.factory()
            except (Exception, SystemExit) as exc:
                report.bug = Bug(BugKind.EXCEPTION, exc, 0, None)
        if report.bug is None:
            report.bug = self._check(model, 0, None)
        return model, start if report.bug is None else len(lines)

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
        name = self.position.method = getattr(self.target.factory, "__name__", "factory")
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
        at = self.position
        for name, check in self._invariants:
            at.invariant = name
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
        at.invariant = None
        return None

    # -- the undo/redo oracle ---------------------------------------------------

    def _undo_redo(self, model: Any, line_no: int, method: str) -> Bug | None:
        """Undo, then redo, after the call ``method`` at ``line_no``; the bug, if any.

        An undo that is refused (False or an expected exception) ends the check:
        there may be nothing to undo.  Once it succeeded, redo must succeed too,
        the invariants must hold after each step, and the state must come back.
        """
        at = self.position
        state = self._state
        before: Any = None
        if state is not None:
            at.oracle = "state"
            try:
                before = state(model)
            except (Exception, SystemExit) as exc:
                return Bug(BugKind.EXCEPTION, exc, line_no, method, oracle="state")
        at.oracle = "undo"
        undone = self._oracle_undo(model, line_no, method)
        if isinstance(undone, Bug):
            return undone
        if not undone:  # refused: there was nothing to undo
            at.oracle = None
            return None
        at.oracle = "redo"
        bug = self._oracle_redo(model, line_no, method)
        if bug is not None:
            return bug
        if state is not None:
            at.oracle = "state"
            try:
                after = state(model)
            except (Exception, SystemExit) as exc:
                return Bug(BugKind.EXCEPTION, exc, line_no, method, oracle="state")
            if after != before:
                what = _difference(before, after)
                message = f"undo then redo did not give back the state: {what}"
                return Bug(
                    BugKind.ORACLE, AssertionError(message), line_no, method, oracle="compare"
                )
        at.oracle = None
        return None

    def _oracle_undo(self, model: Any, line_no: int, method: str) -> Bug | bool:
        """The oracle's undo: True when it undid the call, False when refused, or the bug."""
        assert self._undo is not None
        try:
            done = self._undo(model)
        except self._expected:
            return False
        except (Exception, SystemExit) as exc:
            return Bug(BugKind.EXCEPTION, exc, line_no, method, oracle="undo")
        if done is False:
            return False
        bug = self._check(model, line_no, method)
        if bug is not None:
            bug.oracle = "undo"
            return bug
        return True

    def _oracle_redo(self, model: Any, line_no: int, method: str) -> Bug | None:
        """The oracle's redo, right after a successful undo: it must succeed; the bug, if any."""
        assert self._redo is not None
        redo = self.target.redo
        try:
            done = self._redo(model)
        except self._expected as exc:
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

    # -- the loop ---------------------------------------------------------------

    def run(
        self, script: bytes | str, *, record: bool = True, on_call: OnCall | None = None
    ) -> Report:
        """Run ``script`` on a fresh model: the fuzzer's hot loop.

        With ``record`` the report lists every statement; without it only the
        counts and the bug are kept (the fuzzing fast path).  ``on_call`` sees
        every executed or refused call as ``(method, args, kwargs, value)``.
        """
        report = self.report = Report()  # kept: an alarm that ends the run reads its counts
        at, parse, binders, stats = self.position, self.parser.parse, self._binders, self.stats
        if stats is not None:
            stats.runs += 1
        at.index, at.method, at.invariant, at.oracle = -1, None, None, None  # at.clear(), no call
        lines = decode(script).split("\n")
        model, start = self._construct(lines, report, record)
        self.model, self._unchecked, self._calls, self._skipped = model, None, 0, False
        live, live_cache = self._live_ids(model)
        for index in range(start, len(lines)):
            at.index = index
            text = lines[index]
            parsed = parse(text)
            if parsed is None:
                continue
            if type(parsed) is not Call:
                self._skip(report, record, _skipped, index, text, parsed)
                continue
            method, bound = parsed.method, parsed.bound
            if bound is None or method.preconditions:
                binder = binders[id(method)]
                try:  # a false precondition takes the place of the arguments: skipped
                    unmet = method.preconditions and _unmet(method, model)
                    bound = unmet or bound or binder.bind(parsed.args, live)
                except (BadArgument, NoLiveRef) as exc:
                    bound = exc
                except (Exception, SystemExit) as exc:  # an @ids provider or a precondition
                    _failed(report, record, exc, index, text, method.name, stats=stats)
                    break
                if binder.static and not method.preconditions:
                    parsed.bound = bound
            if type(bound) is not tuple:
                self._skip(report, record, _unbound, index, text, bound, method.name)
                continue
            if self._call(model, method, bound, index, text, report, record, on_call):
                break
            if not method.query:
                live_cache.clear()
        else:
            self._deferred_check(model, report, record)
        # An alarm that comes after the run is in none of its statements.
        at.index, at.method, at.invariant, at.oracle = -1, None, None, None
        return report

    @property
    def checked_late(self) -> bool:
        """Whether the last run's bug may come from an earlier call than the one it names:
        some call of the run had no check right after it (``check_every``).  Only then
        can a run with ``check_every`` 1 name another call.  A later passing check does
        not clear that call: a state broken and mended in between (a track deleted,
        the deletion undone, then redone) fails a check right after the deletion, and
        a replay, which checks after every call, shows that first failure."""
        bug = self.report.bug
        if bug is None:
            return False
        # The last call no check came after, when it is not the bug's own: an exception
        # in the next call, or a failing check after a later one.
        pending = self._unchecked is not None and self._unchecked[0] + 1 != bug.line
        return self._skipped or pending

    def _live_ids(
        self, model: Any
    ) -> tuple[Callable[[str], Sequence[int]], dict[str, Sequence[int]]]:
        """A kind's live ids, asked once per state, and their cache: only a call that is no
        query changes them, and the run clears the cache after one."""
        providers = self._providers
        cache: dict[str, Sequence[int]] = {}

        def live(kind: str) -> Sequence[int]:
            ids = cache.get(kind)
            if ids is None:
                ids = cache[kind] = list(providers[kind](model))
            return ids

        return live, cache

    def _deferred_check(self, model: Any, report: Report, record: bool) -> None:
        """Check the invariants the run left unchecked (``check_every``) at its end."""
        if self._unchecked is None:
            return
        index, name = self._unchecked
        at = self.position
        at.index, at.method = index, name
        bug = self._check(model, index + 1, name)
        at.method = None
        if bug is not None:
            self._bug_after(report, record, bug, name)

    def _skip(
        self,
        report: Report,
        record: bool,
        make: Callable[..., StatementResult],
        index: int,
        text: str,
        why: object,
        method: str | None = None,
    ) -> None:
        """Count a skipped statement: a line that is no call (``why``: what the parser
        made of it), or a call whose arguments did not bind (``why``: the binder's error)."""
        report.skipped += 1
        stats = self.stats
        if stats is not None:
            if method is None:
                stats.line(_line_reason(why))
            else:
                stats.skip(method, _skip_reason(why))
        if record:
            if method is None:
                report.statements.append(make(index, text, why))
            else:
                report.statements.append(make(index, text, method, why))

    def _call(
        self,
        model: Any,
        method: MethodSpec,
        bound: tuple[list[Any], dict[str, Any]],
        index: int,
        text: str,
        report: Report,
        record: bool,
        on_call: OnCall | None,
    ) -> bool:
        """Make the call of statement ``index``, count it, check the invariants and run the
        undo/redo oracle (not after a query); True when the run ends there, on a bug."""
        at = self.position
        args, kwargs = bound
        name = at.method = method.name
        query, queries = method.query, self.queries
        before = queries.before(model) if query and queries is not None else None
        error: BaseException | None = None
        try:
            if self.hook is not None:
                value = _hooked_call(self.hook, method, model, args, kwargs)
            elif kwargs:
                value = method.func(model, *args, **kwargs)
            else:
                value = method.func(model, *args)
        except self._expected as exc:
            value, error = None, exc
        except (Exception, SystemExit) as exc:
            at.method = None  # out of the call: recording its bug
            _failed(report, record, exc, index, text, name, args, kwargs, self.stats)
            return True
        # A query's False is its answer (has_edge), not a refused request.
        if error is not None or (value is False and not query):
            status = Status.REFUSED
            report.refused += 1
        else:
            status = Status.EXECUTED
            report.executed += 1
        stats = self.stats
        if stats is not None:
            stats.call(name, error, value is False and not query)
        if on_call is not None or record:
            # The call is over while these run: an alarm in them names no call.  (None
            # can land in the lines above: Python runs signal handlers only at calls
            # and loop jumps, so this costs the fuzzing path nothing.)
            at.method = None
            if on_call is not None:
                on_call(name, tuple(args), kwargs, error if error is not None else value)
            if record:
                statements = report.statements
                statements.append(_called(index, text, status, name, args, kwargs, value, error))
            at.method = name
        if query:  # it only reads the model: the state the previous call left holds
            if queries is not None:
                queries.after(model, method, before)
            at.method = None
            return False
        return self._checks_after(model, index, name, status, report, record)

    def _checks_after(
        self, model: Any, index: int, name: str, status: Status, report: Report, record: bool
    ) -> bool:
        """Check the invariants after statement ``index``'s call of ``name``, then run the
        undo/redo oracle; True when the run ends there, on a bug."""
        if self.check_every > 1 and not self.undo_redo:
            self._calls += 1
            if self._calls < self.check_every:
                # The call before went unchecked for good: this one came before a check.
                self._skipped = self._skipped or self._unchecked is not None
                self._unchecked = (index, name)
                self.position.method = None
                return False
        bug = self._check(model, index + 1, name)
        if self.undo_redo and bug is None and status is Status.EXECUTED:
            bug = self._undo_redo(model, index + 1, name)
        self.position.method = None
        if bug is None:
            self._calls, self._unchecked = 0, None
            return False
        self._bug_after(report, record, bug, name)
        return True

    def _bug_after(self, report: Report, record: bool, bug: Bug, method: str) -> None:
        """End the run with ``bug``, shown by the checks after a call of ``method``."""
        if self.stats is not None:
            self.stats.bug(method)
        report.bug = bug
        if record:
            report.statements[-1].status = Status.BUG


def _query_check(target: Target) -> QueryCheck:
    """The check of the target's queries: on its ``state=`` method when it has one."""
    if target.state is None:
        return QueryCheck()
    return QueryCheck(model_function(target, target.state), target.state, _difference)


def _hooked_call(
    hook: CallHook, method: MethodSpec, model: Any, args: Sequence[Any], kwargs: dict[str, Any]
) -> Any:
    """Call ``method`` between the hook's ``before`` and ``after``."""
    hook.before(model, method.name, tuple(args), kwargs)
    try:
        value = method.func(model, *args, **kwargs)
    except (Exception, SystemExit) as exc:
        hook.after(model, None, exc)
        raise
    hook.after(model, value, None)
    return value


# -- statement records (only made when a run records them, or for its bug) ----------------


def _skipped(index: int, text: str, parsed: object) -> StatementResult:
    """The record of a line that is no call: a factory statement out of place, or unparsed."""
    if type(parsed) is Factory:
        reason, detail = SkipReason.MISPLACED_FACTORY, "only the first statement may be '!'"
    else:
        assert isinstance(parsed, Unparsed)
        reason, detail = parsed.reason, parsed.detail
    return StatementResult(index + 1, text, Status.SKIPPED, reason, detail)


def _line_reason(parsed: object) -> str:
    """Why a line that is no call was skipped, for the per-method counts' ``lines``."""
    if type(parsed) is Factory:
        return SkipReason.MISPLACED_FACTORY.value
    return parsed.reason.value if isinstance(parsed, Unparsed) else "unparsed"


def _skip_reason(error: object) -> str:
    """Why a call was skipped, for the per-method counts: ``no live clip``, ``bad arguments``,
    ``precondition false``."""
    if isinstance(error, Precondition):
        return SkipReason.PRECONDITION.value
    return str(error) if isinstance(error, NoLiveRef) else BAD_ARGUMENTS


def _unbound(index: int, text: str, method: str, error: object) -> StatementResult:
    """The record of a call skipped before it was made: its arguments did not bind, or a
    precondition was false (``error`` says why)."""
    if isinstance(error, Precondition):
        reason, detail = SkipReason.PRECONDITION, error.text
    elif isinstance(error, NoLiveRef):
        reason, detail = SkipReason.NO_LIVE_REF, str(error)
    else:
        reason, detail = SkipReason.BAD_ARGS, str(error)
    return StatementResult(index + 1, text, Status.SKIPPED, reason, detail, method=method)


def _unmet(method: MethodSpec, model: Any) -> Precondition | None:
    """The first precondition of ``method`` that is false now; None when they all hold (an
    exception in one goes to the caller: the bug of the call)."""
    for check in method.preconditions:
        if not check.check(model):
            return check
    return None


def _called(
    index: int,
    text: str,
    status: Status,
    method: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    value: Any,
    error: BaseException | None,
) -> StatementResult:
    """The record of a call that returned or was refused."""
    return StatementResult(
        index + 1,
        text,
        status,
        method=method,
        args=tuple(args),
        kwargs=kwargs,
        value=value,
        error=error,
        detail=_one_line(error) if error is not None else "",
    )


def _failed(
    report: Report,
    record: bool,
    error: BaseException,
    index: int,
    text: str,
    method: str,
    args: Sequence[Any] = (),
    kwargs: dict[str, Any] | None = None,
    stats: MethodStats | None = None,
) -> None:
    """End the run with the bug ``error``, raised by statement ``index``'s call or binding."""
    if stats is not None:
        stats.bug(method)
    report.bug = Bug(BugKind.EXCEPTION, error, index + 1, method)
    if record:
        report.statements.append(
            StatementResult(
                index + 1,
                text,
                Status.BUG,
                method=method,
                args=tuple(args),
                kwargs={} if kwargs is None else kwargs,
                error=error,
            )
        )


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
    text = f"{type(exc).__name__}: {safe_str(exc)}".rstrip(": ")
    return text.splitlines()[0] if text else type(exc).__name__
