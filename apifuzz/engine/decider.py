"""The check that decided a failing call: which model predicate, answering the other
way, refuses it.

A call that breaks the state often passed a check that should have stopped
it: an overlap test off by one frame, a bounds test that forgets an offset.
The same faulty check, reached from several API methods (insert, move,
resize all ask it whether a place is free), breaks one assertion after each
of them; two different bugs that break one assertion each pass a check of
their own, or none (a restore that keeps the wrong quota checks nothing).

:func:`deciders` finds the check of one failing script: it replays the
scripts next to it (one or two plain int arguments moved by one or two) and
keeps those whose last call the model *refuses*.  In each,
the first model function returning a bool that answered differently from the
failing run (the predicate whose answer flipped, with every earlier answer
the same) decided the call.  API methods do not count: a check that decides
for two API methods is code both of them share.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

from apifuzz.engine.calls import Calls, Script
from apifuzz.engine.judge import Judge, Verdict
from apifuzz.interpreter.report import Status

#: Scripts next to a failing one that :func:`deciders` replays at most (a long form
#: with many ints has thousands of pairs; the nearest come first).
NEAR = 400

#: What one bool-returning model function answered: (its qualified name, the answer).
Answer = tuple[str, bool]

#: Replays a script and lists the answers of the model's predicates, in order.
Tracer = Callable[[Script], tuple[Verdict, list[Answer]]]


def judge_tracer(judge: Judge, skip: Iterable[str]) -> Tracer:
    """A tracer that replays scripts with ``judge`` (``skip``: the names of functions whose
    answers do not count, the API methods)."""
    dirs = judge.model_dirs
    skipped = frozenset(skip)
    names: dict[CodeType, str | None] = {}

    def trace(script: Script) -> tuple[Verdict, list[Answer]]:
        answers: list[Answer] = []

        def profile(frame: FrameType, event: str, arg: Any) -> None:
            if event != "return" or type(arg) is not bool:
                return
            code = frame.f_code
            name = names.get(code, "")
            if name == "":
                inside = code.co_filename.startswith(dirs) and code.co_name not in skipped
                where = Path(code.co_filename).name
                name = names[code] = f"{where}:{code.co_qualname}" if inside else None
            if name is not None:
                answers.append((name, arg))

        previous = sys.getprofile()
        sys.setprofile(profile)
        try:
            verdict = judge.run("\n".join(script), record=True)
        finally:
            sys.setprofile(previous)
        return verdict, answers

    return trace


def deciders(script: Script, calls: Calls, trace: Tracer) -> frozenset[str]:
    """The predicates that decided the last call of the failing ``script`` (see the module
    docstring); empty when no script next to it has that call refused, or none flips a
    predicate.

    Scripts next to it move one plain int by one or two: the last call's first, then an
    earlier call's (a neighbour placed one frame over), then one of each (two items
    that must both grow before a check can see them overlap).  The first of these
    tiers that shows a decider is the answer, so that a far neighbour never outvotes a
    near one."""
    if not script:
        return frozenset()
    failing, answers = trace(script)
    if failing.signature is None:
        return frozenset()
    last = len(script) - 1
    earlier = [(k, line) for k in range(last) for line in calls.nudged(script[k])]
    tiers = (
        [(*script[:-1], line) for line in calls.nudged(script[-1])],
        [(*script[:k], line, *script[k + 1 :]) for k, line in earlier],
        [
            (*script[:k], line, *script[k + 1 : last], end)
            for k, line in earlier
            for end in calls.nudged(script[-1])
        ],
    )
    before = [r.status for r in failing.report.statements[:-1]]
    prefixes: dict[Script, int] = {}
    left = NEAR
    for tier in tiers:
        found: set[str] = set()
        for near in tier[:left]:
            left -= 1
            verdict, other = trace(near)
            done = verdict.report.statements
            if verdict.signature is not None or len(done) != len(script):
                continue
            if done[-1].status is not Status.REFUSED or [r.status for r in done[:-1]] != before:
                continue  # the last call taken, or an earlier one fared otherwise: not next to it
            if near[:-1] not in prefixes:
                prefixes[near[:-1]] = len(trace(near[:-1])[1])
            pairs = zip(answers, other, strict=False)
            flipped = next((k for k, (x, y) in enumerate(pairs) if x != y), None)
            # The answer that flipped must be the last call's: where an earlier call's
            # answers differ already, the neighbour changed more than that call.
            if flipped is None or flipped < prefixes[near[:-1]]:
                continue
            if answers[flipped][0] == other[flipped][0]:
                found.add(answers[flipped][0])
        if found:
            return frozenset(found)
    return frozenset()
