"""The generated test function: a comment block, then one line per step of the script.

The comments say which bug the test is about, its signature (how an appended
file knows the test is there already) and quote the script.  Then come the
model's construction and the calls, each followed by the invariants (and, with
the undo/redo oracle, by ``_undo_redo(model)`` where the fuzzer ran it).  A
call that was refused with an expected exception, and the failing call, run
under ``contextlib.suppress(...)``: the test fails while the bug is there and
passes once a fix makes the call succeed or refuse it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import libcst as cst

from apifuzz.testgen.helpers import IN_CHILD_HELPER, TIME_LIMIT_HELPER, UNDO_REDO_HELPER
from apifuzz.testgen.steps import Outcome, Step
from apifuzz.testgen.values import number
from apifuzz.testgen.writer import Writer, printable

_SCRIPT_INDENT = "#   "
#: How the header line naming the test's signature starts: ``# signature: KEY``, alone on
#: its line (an appended file's tests are found by it).
SIGNATURE_PREFIX = "# signature: "


def build_test(writer: Writer, name: str, helpers: set[str]) -> cst.FunctionDef:
    """The test ``name``; the helpers it calls are added to ``helpers``."""
    test = writer.test
    steps = test.steps
    room = writer.room(1)
    header = [
        *comments([f"# apifuzz: {printable(test.bug.describe)}"], room),
        # Never wrapped: the mark must stay whole on its line (a key fits any sane indent).
        cst.EmptyLine(comment=cst.Comment(f"{SIGNATURE_PREFIX}{test.bug.key}")),
        *comments(script_comment(test.script, test.minimized_from), room),
    ]

    body: list[cst.BaseStatement] = []
    model = cst.Name(writer.model)
    body.append(writer.line(cst.Assign([cst.AssignTarget(model)], writer.construction()), 1))
    body += writer.binding_lines(steps.initial, 1)
    body += writer.invariants(1)
    last = len(steps.steps)
    for index, step in enumerate(steps.steps, start=1):
        body += _step_lines(writer, step, index, index == last, helpers)
    return cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(),
        body=cst.IndentedBlock(writer.names.settle(body, header)),
        decorators=_in_child(writer, helpers),
        returns=cst.Annotation(cst.Name("None")),
        leading_lines=[cst.EmptyLine(indent=False), cst.EmptyLine(indent=False)],
    )


def _in_child(writer: Writer, helpers: set[str]) -> list[cst.Decorator]:
    """``@_InChild(seconds)`` for a test whose last call kills the process, else nothing.

    The child gets twice the fuzzer's timeout: the statements before the last one
    each ran faster than that.
    """
    if not writer.test.in_child:
        return []
    helpers.add(IN_CHILD_HELPER)
    seconds = number(2 * writer.test.timeout + 1)
    return [cst.Decorator(cst.Call(cst.Name(IN_CHILD_HELPER), [cst.Arg(seconds)]))]


def _step_lines(
    writer: Writer, step: Step, index: int, last: bool, helpers: set[str]
) -> list[cst.BaseStatement]:
    """The lines of one step: its call, its bindings and the invariants, then the oracle."""
    notes: list[str] = []
    small = _call_statement(writer, step, index, notes)
    # The fuzzer's undo/redo oracle runs after a call that went through (it returned, and
    # not False), once the invariants hold: never after a refused call, nor a failing one.
    # After the last call it ran only if the bug showed in it; then the test runs it too,
    # but only when the call still goes through (``guard``): a fix may refuse the call
    # instead, and an undo after a refused call would undo an earlier step, which the
    # fuzzer never did there.  For any other bug the test stops at the last call's
    # invariants: it is about this bug, not about what the oracle might find once the
    # last call is fixed.
    # Nor after a query, and no invariants either: the fuzzer checks nothing after one.
    method = writer.methods.get(step.method)
    query = method is not None and method.query
    oracle = writer.steps.undo_redo and step.outcome is Outcome.RETURNED and not query
    if last:
        oracle = oracle and writer.steps.in_oracle
    guard = _guard(writer, step, small) if oracle and last else None
    body = guard.body if guard is not None else [small]
    items = _with_items(writer, step, last, helpers)
    lines: list[cst.BaseStatement] = []
    if items:
        if guard is not None:
            lines.append(writer.line(guard.refused, 1, ["stays False if the call is refused"]))
        inner = [writer.line(s, 2, notes if n == 0 else ()) for n, s in enumerate(body)]
        lines.append(cst.With(items, cst.IndentedBlock(inner)))
    else:
        lines += [writer.line(s, 1, notes if n == 0 else ()) for n, s in enumerate(body)]
    lines += writer.binding_lines(step.bindings, 1)
    if not query:
        lines += writer.invariants(1)
    if oracle:
        lines.append(_oracle_line(writer, guard, helpers))
    return lines


def _call_statement(
    writer: Writer, step: Step, index: int, notes: list[str]
) -> cst.BaseSmallStatement:
    """The step's call, assigned to the name of the id it returned when that name is used.

    Notes about the arguments (for the line's trailing comment) are added to ``notes``.
    """
    method = writer.methods[step.method]
    args = writer.values.arguments(method.params, step.args, step.kwargs, index, notes)
    call = writer.call(method, args)
    returned = next((b for b in step.bindings if b.returned and b.name in writer.bound), None)
    if returned is not None:
        return cst.Assign([cst.AssignTarget(cst.Name(returned.name))], call)
    return cst.Expr(call)


def _with_items(writer: Writer, step: Step, last: bool, helpers: set[str]) -> list[cst.WithItem]:
    """What the step's call runs under: a time limit for a hang, ``suppress`` for a refusal.

    The helpers they call are added to ``helpers``.
    """
    # A call refused with an expected exception, and the failing call, may raise one: once
    # the bug is fixed the failing call may well be refused instead, and the test passes.
    items = []
    if step.outcome is Outcome.HUNG:
        items.append(
            cst.WithItem(
                cst.Call(cst.Name(TIME_LIMIT_HELPER), [cst.Arg(number(writer.test.timeout))])
            )
        )
        helpers.add(TIME_LIMIT_HELPER)
    if writer.expected and (last or step.outcome is Outcome.REFUSED):
        exceptions = [cst.Arg(writer.names.ref(e, "exception")) for e in writer.expected]
        suppress = cst.Attribute(writer.names.module_ref("contextlib"), cst.Name("suppress"))
        items.append(cst.WithItem(cst.Call(suppress, exceptions)))
    return items


def _oracle_line(writer: Writer, guard: _Guard | None, helpers: set[str]) -> cst.BaseStatement:
    """``_undo_redo(model)``, under ``if`` the last call went through when it is guarded."""
    helper = writer.line(
        cst.Expr(cst.Call(cst.Name(UNDO_REDO_HELPER), [cst.Arg(cst.Name(writer.model))])),
        2 if guard is not None else 1,
    )
    helpers.add(UNDO_REDO_HELPER)
    if guard is None:
        return helper
    comment = cst.Comment("# the fuzzer's oracle runs only after a call that went through")
    header = cst.TrailingWhitespace(cst.SimpleWhitespace("  "), comment)
    return cst.If(guard.test, cst.IndentedBlock([helper], header=header))


@dataclass(frozen=True)
class _Guard:
    """How a test tells whether its last call went through (returned, and not False)."""

    refused: cst.BaseSmallStatement  # before the call: what stays if it is refused
    body: list[cst.BaseSmallStatement]  # the call, recording that it went through
    test: cst.BaseExpression  # true when it went through


def _guard(writer: Writer, step: Step, small: cst.BaseSmallStatement) -> _Guard | None:
    """A guard for the last call, or None when it cannot be refused (no expected exception,
    and annotated ``-> None``)."""
    false = cst.Name("False")
    if isinstance(small, cst.Expr) and writer.may_return_false(step.method):
        # ``result: object = False``, ``result = model.f(...)``, ``if result is not False:``
        name = cst.Name(_free_name(writer, "result"))
        return _Guard(
            cst.AnnAssign(name, cst.Annotation(cst.Name("object")), false),
            [cst.Assign([cst.AssignTarget(name)], small.value)],
            cst.Comparison(name, [cst.ComparisonTarget(cst.IsNot(), false)]),
        )
    if not writer.expected:
        return None
    # ``went_through = False``, ``model.f(...)``, ``went_through = True``, ``if went_through:``
    name = cst.Name(_free_name(writer, "went_through"))
    return _Guard(
        cst.Assign([cst.AssignTarget(name)], false),
        [small, cst.Assign([cst.AssignTarget(name)], cst.Name("True"))],
        name,
    )


def _free_name(writer: Writer, name: str) -> str:
    """``name``, or ``name_2``... when the test uses it already; reserved from then on."""
    candidate, n = name, 2
    while candidate in writer.names.reserved or candidate in writer.names.imports.symbols:
        candidate, n = f"{name}_{n}", n + 1
    writer.names.reserved.add(candidate)
    return candidate


# -- comments -------------------------------------------------------------------------------

#: The first line of the header ``apifuzz minimize`` writes above a minimized script, and
#: the line that may follow it (``# from <source>: N -> M statements``).
_MINIMIZER_HEADER = ("# apifuzz minimize:", "# from ")
#: Marks a comment line that holds a word too long for any line.
_NOQA = "# noqa: E501"


def script_comment(script: str, minimized_from: int | None = None) -> list[str]:
    """The comment lines quoting ``script``: a title, then one line per script line.

    The minimizer's own header comment is left out (the test's header says the same), and
    trailing blank lines too.
    """
    lines = script.split("\n")
    if lines and lines[0].startswith(_MINIMIZER_HEADER[0]):
        lines.pop(0)
        if lines and lines[0].startswith(_MINIMIZER_HEADER[1]):
            lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if minimized_from is None:
        title = "# script:"
    else:
        title = f"# script (minimized from {minimized_from} statements):"
    return [title, *((_SCRIPT_INDENT + printable(line)).rstrip() for line in lines)]


def comments(lines: Iterable[str], room: int) -> list[cst.EmptyLine]:
    """Comment lines of at most ``room`` columns, a longer one broken by :func:`wrap`."""
    return [cst.EmptyLine(comment=cst.Comment(part)) for text in lines for part in wrap(text, room)]


def wrap(comment: str, room: int) -> list[str]:
    """``comment`` (``# ...``) as lines of at most ``room`` columns, broken at spaces.

    A continuation line is indented two spaces more than the comment's text
    (``#   push 1`` goes on as ``#     2``).  A word is never cut: one too long
    for the room gets a line of its own, marked ``# noqa: E501`` for ruff.
    """
    mark = len(comment) - len(comment[1:].lstrip(" "))  # "#" and the spaces after it
    continuation = "#" + " " * (mark - 1 + 2)
    out = []
    line, start = comment.rstrip(), mark
    while len(line) > room:
        # The last space that leaves a line fitting the room, after at least one character
        # of text; without one, the first space after the room (the word stays whole).
        cut = line.rfind(" ", start + 1, room + 1)
        if cut < 0:
            cut = line.find(" ", room + 1)
        head, rest = line[:cut].rstrip(), line[cut:].lstrip(" ")
        if cut < 0 or not rest:
            break
        out.append(head)
        line, start = continuation + rest, len(continuation)
    out.append(line)
    return [f"{text}  {_NOQA}" if len(text) > room else text for text in out]
