"""Short, stable aliases for method names, and the lock file that keeps them stable.

A fuzzer stumbles on ``m`` far more often than on ``move_clip``, so each
method gets a one- or two-character alias.  Aliases must never shift when
the API changes, or every script in a corpus silently changes meaning, so
the assignment is recorded in a lock file committed beside the corpus:
adding a method gives it a fresh alias, an existing alias never changes, and
a removed method's alias is retired forever.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from apifuzz.atomic import atomic_write
from apifuzz.errors import InvalidDefinition, LanguageError, describe_os_error

#: Words the script syntax reserves; no alias or method may use them.
KEYWORDS = frozenset({"true", "false", "none", "inf", "nan"})

LOCK_HEADER = (
    "# apifuzz alias lock: keeps script aliases stable across API changes.\n"
    "# Commit it beside the corpus. Lines: '<alias> <method>'; '- <alias> <method>' is retired.\n"
)

_FIRST = string.ascii_lowercase
_SECOND = string.ascii_lowercase + string.digits


def valid_alias(alias: str) -> bool:
    """One or two characters, a letter first, and not a reserved word."""
    return (
        1 <= len(alias) <= 2
        and alias.isascii()
        and alias.isidentifier()
        and alias[0].isalpha()
        and alias not in KEYWORDS
    )


@dataclass
class AliasLock:
    """The alias assignment: live aliases and retired ones (never reused)."""

    aliases: dict[str, str] = field(default_factory=dict)  # method -> alias
    retired: dict[str, str] = field(default_factory=dict)  # alias -> former method

    @classmethod
    def load(cls, path: Path) -> AliasLock:
        """Read a lock file; a missing file is an empty lock.

        Raises LanguageError, naming the file and the fix, when it cannot be read
        or is not UTF-8 text.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            exc.filename = exc.filename or str(path)
            raise LanguageError(f"cannot read alias lock {describe_os_error(exc)}") from None
        except UnicodeDecodeError as exc:
            raise LanguageError(
                f"alias lock {path} is not UTF-8 text (byte {exc.start}); restore it from "
                f"version control, or delete it to assign the aliases afresh"
            ) from None
        return cls.loads(text, str(path))

    @classmethod
    def loads(cls, text: str, source: str = "<aliases>") -> AliasLock:
        """Parse a lock file's text; ``source`` names it in errors."""
        lock = cls()
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            retired = parts[0] == "-"
            if retired:
                parts = parts[1:]
            if len(parts) != 2 or not valid_alias(parts[0]) or not parts[1].isidentifier():
                raise LanguageError(
                    f"{source}:{number}: bad alias lock line {raw!r}; expected '<alias> <method>' "
                    f"(fix the line or delete the file to start afresh)"
                )
            alias, method = parts
            if alias in lock.retired or alias in lock.aliases.values():
                raise LanguageError(f"{source}:{number}: alias {alias!r} appears twice")
            if retired:
                lock.retired[alias] = method
            else:
                if method in lock.aliases:
                    raise LanguageError(f"{source}:{number}: method {method!r} appears twice")
                lock.aliases[method] = alias
        return lock

    def dumps(self) -> str:
        """The lock file's text (sorted, so diffs stay small)."""
        lines = [LOCK_HEADER]
        for method, alias in sorted(self.aliases.items(), key=lambda kv: kv[1]):
            lines.append(f"{alias} {method}\n")
        for alias, method in sorted(self.retired.items()):
            lines.append(f"- {alias} {method}\n")
        return "".join(lines)

    def save(self, path: Path) -> None:
        """Write atomically: a crash leaves either the old or the new file.

        Raises LanguageError, naming the file, when it cannot be written.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, self.dumps())
        except OSError as exc:
            exc.filename = exc.filename or str(path)
            raise LanguageError(f"cannot write alias lock {describe_os_error(exc)}") from None


def _candidates(method: str) -> Iterator[str]:
    """Aliases to try for ``method``, most mnemonic first."""
    letters = [c for c in method.lower() if c in _SECOND]
    words = [w for w in method.lower().split("_") if w]
    if letters and letters[0] in _FIRST:
        first = letters[0]
        yield first
        initials = "".join(w[0] for w in words if w[0] in _SECOND)
        if len(initials) >= 2:
            yield initials[:2]
        for c in letters[1:]:
            yield first + c
    yield from _FIRST
    for a in _FIRST:
        for b in _SECOND:
            yield a + b


def assign_aliases(
    methods: Iterable[tuple[str, str | None]], lock: AliasLock, *, owner: str = "model"
) -> tuple[dict[str, str], bool]:
    """Give every method an alias, respecting ``lock``; update the lock in place.

    ``methods`` yields ``(name, explicit_alias_or_None)``.  Returns the
    method → alias table and whether the lock changed.
    """
    methods = sorted(methods)
    names = {name for name, _ in methods}
    for name in sorted(names & KEYWORDS):
        raise InvalidDefinition(
            f"{owner}.{name}: {name!r} is a reserved word of the script language; "
            f"rename the method or register it under another name"
        )
    taken: set[str] = set(lock.retired) | KEYWORDS | names
    # Explicit aliases first: the code is the truth for them.
    table = _explicit_aliases(methods, names, lock, owner)
    changed = _record_explicit_aliases(table, names, lock)
    taken |= set(lock.retired) | set(table.values())
    assigned = _assign_remaining(methods, table, lock, taken)
    return table, changed or assigned


def _explicit_aliases(
    methods: list[tuple[str, str | None]], names: set[str], lock: AliasLock, owner: str
) -> dict[str, str]:
    """The method → alias table of the methods that choose their alias, each one checked."""
    table: dict[str, str] = {}
    for name, explicit in methods:
        if explicit is None:
            continue
        _check_explicit_alias(name, explicit, names, table, lock, owner)
        table[name] = explicit
    return table


def _check_explicit_alias(
    name: str, explicit: str, names: set[str], table: dict[str, str], lock: AliasLock, owner: str
) -> None:
    """Refuse an explicit alias that is malformed, or that another method has or had."""
    if not valid_alias(explicit):
        raise InvalidDefinition(
            f"{owner}.{name}: alias {explicit!r} must be one or two characters, a letter "
            f"first, and not one of {sorted(KEYWORDS)}; pick another alias"
        )
    if explicit in names and explicit != name:
        raise InvalidDefinition(
            f"{owner}.{name}: alias {explicit!r} is the name of another method; pick another alias"
        )
    clash = next((m for m, a in table.items() if a == explicit), None)
    if clash is not None:
        raise InvalidDefinition(
            f"{owner}.{name}: duplicate alias {explicit!r}, already used by "
            f"{owner}.{clash}; give each method its own alias"
        )
    locked_owner = next((m for m, a in lock.aliases.items() if a == explicit and m != name), None)
    if locked_owner is not None and locked_owner in names:
        raise InvalidDefinition(
            f"{owner}.{name}: alias {explicit!r} is locked to {owner}.{locked_owner} in "
            f"the alias lock; pick another alias so existing scripts keep their meaning"
        )
    if explicit in lock.retired and lock.retired[explicit] != name:
        raise InvalidDefinition(
            f"{owner}.{name}: alias {explicit!r} belonged to the removed method "
            f"{lock.retired[explicit]!r} and is retired; pick another alias"
        )


def _record_explicit_aliases(table: dict[str, str], names: set[str], lock: AliasLock) -> bool:
    """Retire the aliases of removed methods and lock the explicit ones.

    Returns True when the lock changed.
    """
    changed = False
    # Methods gone from the model: retire their aliases forever.
    for method in sorted(set(lock.aliases) - names):
        lock.retired[lock.aliases.pop(method)] = method
        changed = True
    # An explicit alias that replaced a locked one retires the old one.
    for name, alias in table.items():
        old = lock.aliases.get(name)
        if old != alias:
            if old is not None:
                lock.retired[old] = name
            lock.retired.pop(alias, None)
            lock.aliases[name] = alias
            changed = True
    # A locked alias now claimed explicitly by another method is reassigned by it above;
    # drop the stale entry so no alias appears twice.
    for method, alias in list(lock.aliases.items()):
        if method not in table and alias in table.values():
            del lock.aliases[method]
            changed = True
    return changed


def _assign_remaining(
    methods: list[tuple[str, str | None]], table: dict[str, str], lock: AliasLock, taken: set[str]
) -> bool:
    """Give the methods without an alias in ``table`` their locked or a fresh one.

    Returns True when a fresh alias was added to the lock.
    """
    changed = False
    # Locked aliases first, so a new method can never take one.
    for name, _ in methods:
        locked = lock.aliases.get(name)
        if name not in table and locked is not None and locked not in taken:
            table[name] = locked
            taken.add(locked)
    for name, _ in methods:
        if name in table:
            continue
        alias = next(c for c in _candidates(name) if c not in taken and valid_alias(c))
        lock.aliases[name] = alias
        changed = True
        table[name] = alias
        taken.add(alias)
    return changed
