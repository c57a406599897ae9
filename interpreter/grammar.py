"""Build a target's Lark grammar: the fixed script.lark plus the generated METHOD terminal."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Transformer

from apifuzz.interpreter.literals import (
    Name,
    parse_float,
    parse_int,
    unescape,
    unescape_bytes,
)
from apifuzz.language import Language


@lru_cache(maxsize=1)
def fixed_grammar() -> str:
    """The fixed part of the grammar, shipped as package data."""
    return resources.files("apifuzz.interpreter").joinpath("script.lark").read_text("utf-8")


def method_terminal(language: Language) -> str:
    """The generated METHOD terminal: every alias and method name as whole words."""
    words = sorted(language.lookup, key=lambda w: (-len(w), w))
    alternatives = "|".join(re.escape(w) for w in words)
    return f"METHOD: /(?:{alternatives})(?![A-Za-z0-9_.])/"


def grammar_text(language: Language) -> str:
    """The complete grammar of ``language`` as Lark text (``apifuzz lang --grammar``)."""
    lines = [
        fixed_grammar().rstrip("\n"),
        "",
        f"// generated for {language.target.name}: {len(language.methods)} methods",
    ]
    for alias, _name, signature in language.table():
        lines.append(f"//   {alias:<3} {signature}")
    lines.append(method_terminal(language))
    return "\n".join(lines) + "\n"


class _ToValues(Transformer[Token, object]):
    """Turns parse-tree nodes into Python values while LALR reduces (no tree is built)."""

    def call(self, items: list[object]) -> tuple[str, str, tuple[object, ...]]:
        return ("call", str(items[0]), tuple(items[1:]))

    def factory(self, items: list[object]) -> tuple[str, str, tuple[object, ...]]:
        return ("factory", "!", tuple(items))

    def start(self, items: list[object]) -> object:
        return items[0] if items else None

    def integer(self, items: list[Token]) -> int:
        return parse_int(items[0])

    def real(self, items: list[Token]) -> float:
        return parse_float(items[0])

    def inf(self, items: list[Token]) -> float:
        return float("inf")

    def nan(self, items: list[Token]) -> float:
        return float("nan")

    def string(self, items: list[Token]) -> str:
        return unescape(items[0][1:-1])

    def octets(self, items: list[Token]) -> bytes:
        return unescape_bytes(items[0][2:-1])

    def true(self, items: list[Token]) -> bool:
        return True

    def false(self, items: list[Token]) -> bool:
        return False

    def none(self, items: list[Token]) -> None:
        return None

    def name(self, items: list[Token]) -> Name:
        return Name(items[0])

    def sequence(self, items: list[object]) -> list[object]:
        return list(items)


def build_parser(language: Language) -> Lark:
    """A LALR parser for one line of ``language``, transforming as it parses."""
    return Lark(
        grammar_text(language),
        parser="lalr",
        lexer="contextual",
        transformer=_ToValues(),
        maybe_placeholders=False,
    )
