"""The script grammar, parser and interpreter (installed as ``apifuzz.interpreter``)."""

from apifuzz.interpreter.grammar import grammar_text
from apifuzz.interpreter.parser import LineParser, SkipReason
from apifuzz.interpreter.report import Bug, BugKind, Report, StatementResult, Status
from apifuzz.interpreter.runner import CallHook, Interpreter, Position

__all__ = [
    "Bug",
    "BugKind",
    "CallHook",
    "Interpreter",
    "LineParser",
    "Position",
    "Report",
    "SkipReason",
    "StatementResult",
    "Status",
    "grammar_text",
]
