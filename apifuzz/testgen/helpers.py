"""The module-level helpers a generated test may call, written once per file.

``_undo_redo(model)`` runs the fuzzer's undo/redo oracle after a step
(``--undo-redo``); ``_TimeLimit(seconds)`` turns a hanging call into a failure;
``@_InChild(seconds)`` runs a test whose last call kills the process (a fatal
signal, a hang in native code) in a child process, and fails it cleanly.
A file that already defines one (an earlier generated test) shares it.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import parse_template_statement

from apifuzz.model.target import require_undo_redo
from apifuzz.testgen.values import quoted
from apifuzz.testgen.writer import Writer, template_small

#: The helper that runs undo, then redo, after a step (``--undo-redo``).
UNDO_REDO_HELPER = "_undo_redo"
#: The helper that turns a hang into a failure.
TIME_LIMIT_HELPER = "_TimeLimit"
#: The decorator that runs a test in a child process (a bug that kills the process).
IN_CHILD_HELPER = "_InChild"


def helpers(
    writer: Writer, needed: set[str], existing: set[str]
) -> list[cst.BaseCompoundStatement]:
    """The helpers in ``needed`` that the file does not define already (``existing``)."""
    out: list[cst.BaseCompoundStatement] = []
    if UNDO_REDO_HELPER in needed and UNDO_REDO_HELPER not in existing:
        out.append(undo_redo_helper(writer))
    if TIME_LIMIT_HELPER in needed and TIME_LIMIT_HELPER not in existing:
        out.append(time_limit_helper())
    if IN_CHILD_HELPER in needed and IN_CHILD_HELPER not in existing:
        out.append(_class(_IN_CHILD))
    return out


def undo_redo_helper(writer: Writer) -> cst.FunctionDef:
    """``_undo_redo(timeline)``: undo, invariants, redo, invariants, the same state.

    As the fuzzer's oracle: a refused undo (False, or an expected exception)
    ends the check, as there may be nothing to undo; a redo refused right after
    a successful undo is the bug, reported with an AssertionError (as the
    oracle reports it), never with the model's expected exception.
    """
    target = writer.target
    require_undo_redo(target)
    assert target.undo is not None and target.redo is not None
    body: list[cst.BaseStatement] = []
    state = writer.action(target.state) if target.state is not None else None
    if state is not None:
        body.append(writer.line(template_small("before = {state}", state=state), 1))
    caught = _caught(writer)
    undone = template_small("undone = {undo}", undo=writer.action(target.undo))
    if caught is None:
        body.append(writer.line(undone, 1))
    else:
        body.append(_try(writer, undone, caught, None, cst.Return()))
    body.append(parse_template_statement("if undone is False:\n    return\n"))
    body += writer.invariants(1)
    redone = template_small("redone = {redo}", redo=writer.action(target.redo))
    if caught is None:
        body.append(writer.line(redone, 1))
    else:
        message = cst.parse_expression(f'f"{target.redo}() refused after an undo: {{exc}}"')
        failure = template_small("raise AssertionError({message}) from exc", message=message)
        body.append(_try(writer, redone, caught, "exc", failure))
    message = cst.SimpleString(quoted(f"{target.redo}() returned False after an undo"))
    body.append(writer.line(template_small("assert redone is not False, {m}", m=message), 1))
    body += writer.invariants(1)
    if state is not None:
        body.append(writer.line(template_small("assert {state} == before", state=state), 1))
    parameter = cst.Param(cst.Name(writer.model), writer.names.annotation(writer.cls))
    docstring = "Undo the last step, then redo it: the model must come back to the same state."
    return cst.FunctionDef(
        name=cst.Name(UNDO_REDO_HELPER),
        params=cst.Parameters([parameter]),
        body=cst.IndentedBlock(writer.names.settle(body, [], docstring)),
        returns=cst.Annotation(cst.Name("None")),
        leading_lines=[cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)],
    )


def _caught(writer: Writer) -> cst.BaseExpression | None:
    """The target's expected exceptions, as an ``except`` clause names them."""
    exceptions = [writer.names.ref(e, "exception") for e in writer.expected]
    if not exceptions:
        return None
    if len(exceptions) == 1:
        return exceptions[0]
    return cst.Tuple([cst.Element(e) for e in exceptions])


def _try(
    writer: Writer,
    statement: cst.BaseSmallStatement,
    caught: cst.BaseExpression,
    name: str | None,
    handler: cst.BaseSmallStatement,
) -> cst.Try:
    """``try: statement`` / ``except caught as name: handler``, at depth 1."""
    return cst.Try(
        cst.IndentedBlock([writer.line(statement, 2)]),
        [
            cst.ExceptHandler(
                cst.IndentedBlock([writer.line(handler, 2)]),
                type=caught,
                name=cst.AsName(cst.Name(name)) if name is not None else None,
            )
        ],
    )


_TIME_LIMIT = '''
class _TimeLimit:
    """Raise TimeoutError in the block after ``seconds``: a hang fails the test."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        import signal

        self.previous = signal.signal(signal.SIGALRM, self._expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        import signal

        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)

    def _expire(self, signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {self.seconds} s")
'''


_IN_CHILD = '''
class _InChild:
    """Run the test in a child process: a crash or a hang in native code fails it there,
    where it would kill or freeze pytest."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self, test: object) -> object:
        import functools

        assert callable(test)

        @functools.wraps(test)
        def run() -> None:
            __tracebackhide__ = True  # pytest shows the test's failure, not this helper
            import os
            import signal
            import sys
            import time
            import traceback

            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    test()
                except BaseException:
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
            deadline = time.monotonic() + self.seconds
            done, status = os.waitpid(pid, os.WNOHANG)
            while not done:
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    raise AssertionError(f"still running after {self.seconds} s: a hang")
                time.sleep(0.01)
                done, status = os.waitpid(pid, os.WNOHANG)
            if os.WIFSIGNALED(status):
                name = signal.Signals(os.WTERMSIG(status)).name
                raise AssertionError(f"the process running the test was killed by {name}")
            assert os.WEXITSTATUS(status) == 0, "the test failed in its child process (above)"

        return run
'''


def _class(code: str) -> cst.ClassDef:
    """The class defined by ``code``, after two blank lines."""
    statement = cst.parse_module(code).body[0]
    assert isinstance(statement, cst.ClassDef)
    return statement.with_changes(
        leading_lines=[cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)]
    )


def time_limit_helper() -> cst.ClassDef:
    """``class _TimeLimit``: a context manager that raises TimeoutError after a while."""
    return _class(_TIME_LIMIT)
