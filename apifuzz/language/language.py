"""The script language of one target: alias table, method lookup, libFuzzer dictionary.

The grammar that parses scripts lives with the interpreter
(:mod:`apifuzz.interpreter.grammar`); this module holds what depends only on
the registry and the alias lock.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from apifuzz.language.aliases import KEYWORDS, AliasLock, assign_aliases
from apifuzz.model.params import EnumType
from apifuzz.model.registry import MethodSpec, ParamSpec, Registry
from apifuzz.model.target import Target

#: The first statement of a script may start with this mark to set the factory's parameters.
FACTORY_MARK = "!"
#: Starts a comment that runs to the end of the line.
COMMENT_MARK = "#"
#: The lock file's name inside a target's corpus folder.
LOCK_NAME = "aliases.lock"

# Syntax tokens a mutator should know about (quotes, brackets, keywords, escapes).
_SYNTAX_TOKENS = (
    '"',
    "[",
    "]",
    "[]",
    '""',
    'b"',
    "\\n",
    "\\x00",
    "\n",
    "#",
    "-1",
    "0",
    "-0.0",
    "1e308",
)


@dataclass(frozen=True)
class Language:
    """A target's script language: which words call which method."""

    target: Target
    registry: Registry
    aliases: dict[str, str]  # method name -> alias
    lookup: dict[str, MethodSpec]  # alias or method name -> method

    @classmethod
    def build(cls, target: Target, lock: AliasLock | None = None) -> Language:
        """Build the language; ``lock`` (updated in place) keeps aliases stable."""
        registry = target.registry
        target.check()
        lock = lock if lock is not None else AliasLock()
        aliases, _ = assign_aliases(
            ((m.name, m.alias) for m in registry.methods), lock, owner=registry.model_name
        )
        lookup: dict[str, MethodSpec] = {}
        for m in registry.methods:
            lookup[m.name] = m
            lookup[aliases[m.name]] = m
        return cls(target, registry, aliases, lookup)

    @classmethod
    def for_target(
        cls, target: Target, lock_path: Path | None = None, *, write_lock: bool = False
    ) -> Language:
        """Build with the lock at ``lock_path`` (if any); optionally save the updated lock."""
        lock = AliasLock.load(lock_path) if lock_path is not None else AliasLock()
        before = lock.dumps()
        language = cls.build(target, lock)
        if write_lock and lock_path is not None and lock.dumps() != before:
            lock.save(lock_path)
        return language

    @property
    def methods(self) -> tuple[MethodSpec, ...]:
        """The registered methods, sorted by name."""
        return self.registry.methods

    @property
    def factory_params(self) -> tuple[ParamSpec, ...]:
        """Parameters the factory statement (``! ...``) may set."""
        return self.target.factory_params

    def enum_classes(self) -> list[type[enum.Enum]]:
        """Every Enum used by a parameter, in first-use order."""
        found: list[type[enum.Enum]] = []
        params = [p for m in self.methods for p in m.params] + list(self.factory_params)
        for p in params:
            for node in p.type.walk():
                if isinstance(node, EnumType) and node.cls not in found:
                    found.append(node.cls)
        return found

    def table(self) -> list[tuple[str, str, str]]:
        """Rows ``(alias, method, signature)`` sorted by alias, for ``apifuzz lang``."""
        rows = [(self.aliases[m.name], m.name, m.signature()) for m in self.methods]
        return sorted(rows, key=lambda r: (len(r[0]), r[0]))

    def dictionary_tokens(self) -> Iterator[str]:
        """Every token of the libFuzzer dictionary, deduplicated, in a stable order."""
        seen: set[str] = set()
        tokens: list[str] = []
        for alias, name, _ in self.table():
            tokens += [alias + " ", name + " ", "\n" + alias + " "]
        for e in self.enum_classes():
            tokens += [m.name for m in e]
        tokens += sorted(KEYWORDS)
        tokens += [FACTORY_MARK + " ", *_SYNTAX_TOKENS]
        for token in tokens:
            if token not in seen:
                seen.add(token)
                yield token

    def dictionary(self) -> str:
        """The libFuzzer ``-dict`` file text."""
        lines = [f"# apifuzz dictionary for {self.target.name}\n"]
        for i, token in enumerate(self.dictionary_tokens()):
            lines.append(f"kw{i}={_dict_quote(token)}\n")
        return "".join(lines)


def _dict_quote(token: str) -> str:
    """Quote a token in libFuzzer's dictionary syntax (\\\\, \\", \\xAB escapes)."""
    out = ['"']
    for byte in token.encode("utf-8"):
        ch = chr(byte)
        if ch in '\\"':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{byte:02X}")
    out.append('"')
    return "".join(out)
