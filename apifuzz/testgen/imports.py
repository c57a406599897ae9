"""The imports of generated test code: where a name comes from, and how isort orders them.

A generated test names classes, functions and enums of the model's package.
:func:`locate` finds the shortest public module that exports each one (so
``example_timeline.model.Timeline`` is imported from ``example_timeline``),
:class:`Imports` collects what one generated function uses, and
:func:`import_statements` writes the import lines in the order ruff's isort
wants: standard library, third party, this project; ``import x`` before
``from x import y``; constants, classes, then functions.  :class:`ModuleNames`
tells what an existing file already imports, so an appended test reuses it.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

#: What ``import_object`` returns for a name that cannot be imported.
MISSING: Any = object()


@dataclass
class Imports:
    """The names one generated function uses, and the modules they come from."""

    modules: set[str] = field(default_factory=set)  # ``import math``
    symbols: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (module, name)

    def merge(self, other: Imports) -> None:
        self.modules |= other.modules
        self.symbols.update(other.symbols)


def locate(obj: Any) -> tuple[str, str] | None:
    """``(module, qualname)`` to import ``obj`` from: the shortest module path exporting it.

    ``example_timeline.model.Timeline`` is imported from ``example_timeline``
    when the package re-exports it.  None for what cannot be imported (a class
    defined in a function, or in ``__main__``).
    """
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    if module == "__main__":
        return None
    parts = module.split(".")
    for end in range(1, len(parts) + 1):
        candidate = ".".join(parts[:end])
        loaded = sys.modules.get(candidate)
        if loaded is not None and resolve(loaded, qualname) is obj:
            return candidate, qualname
    return None


def resolve(root: Any, dotted: str) -> Any:
    value = root
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def dotted(name: str) -> cst.Name | cst.Attribute:
    """``a.b.c`` as nested Attribute nodes (every part is an identifier)."""
    parts = name.split(".")
    node: cst.Name | cst.Attribute = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return node


def _section(module: str) -> int:
    """isort's sections: standard library, third party, first party (this project)."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return 0
    path = str(getattr(sys.modules.get(top), "__file__", None) or "")
    if "site-packages" in path or "dist-packages" in path:
        return 1
    return 2


def _member_order(name: str) -> tuple[int, str]:
    # ruff's isort (order-by-type): CONSTANTS, then Classes, then everything else.
    if len(name) > 1 and name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def import_statements(imports: Imports) -> list[cst.SimpleStatementLine]:
    """The import lines, grouped in sections separated by a blank line, sorted like isort."""
    by_module: dict[str, list[tuple[str, str]]] = {}
    for local, (module, name) in imports.symbols.items():
        by_module.setdefault(module, []).append((name, local))
    lines: list[cst.SimpleStatementLine] = []
    for section in sorted({_section(m) for m in imports.modules | set(by_module)}):
        plain = sorted((m for m in imports.modules if _section(m) == section), key=str.lower)
        froms = sorted((m for m in by_module if _section(m) == section), key=str.lower)
        statements: list[cst.BaseSmallStatement] = [
            cst.Import(names=[cst.ImportAlias(dotted(module))]) for module in plain
        ]
        for module in froms:
            members = sorted(by_module[module], key=lambda pair: _member_order(pair[0]))
            aliases = [
                cst.ImportAlias(
                    cst.Name(name), asname=None if local == name else cst.AsName(cst.Name(local))
                )
                for name, local in members
            ]
            statements.append(cst.ImportFrom(module=dotted(module), names=aliases))
        for index, statement in enumerate(statements):
            line = cst.SimpleStatementLine([statement])
            if index == 0 and lines:  # a blank line between sections
                line = line.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
            lines.append(line)
    return lines


@dataclass
class ModuleNames:
    """What an existing file binds at module level (imports only count when identical)."""

    imports: dict[str, Any] = field(default_factory=dict)  # local name -> object it imports
    other: set[str] = field(default_factory=set)  # names bound some other way
    functions: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, module: cst.Module) -> ModuleNames:
        names = cls()
        for statement in module.body:
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                names.other.add(statement.name.value)
                names.functions.add(statement.name.value)
                continue
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        dotted = code_of(alias.name)
                        local = alias.evaluated_alias or dotted.split(".")[0]
                        target = dotted if alias.asname else dotted.split(".")[0]
                        names.imports[local] = import_object(target, None)
                elif isinstance(small, cst.ImportFrom) and not small.relative:
                    if small.module is None or isinstance(small.names, cst.ImportStar):
                        continue
                    source = code_of(small.module)
                    for alias in small.names:
                        name = code_of(alias.name)
                        local = alias.evaluated_alias or name
                        names.imports[local] = import_object(source, name)
                elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                    targets = (
                        [t.target for t in small.targets]
                        if isinstance(small, cst.Assign)
                        else [small.target]
                    )
                    names.other.update(t.value for t in targets if isinstance(t, cst.Name))
        return names

    def provides(self, local: str, obj: Any) -> bool:
        """Whether ``local`` is bound at module level to ``obj`` by an import."""
        found = self.imports.get(local, MISSING)
        return found is not MISSING and found is obj and local not in self.other


def import_object(module: str, name: str | None) -> Any:
    """What ``import module`` / ``from module import name`` binds (``MISSING`` if it fails)."""
    try:
        loaded = importlib.import_module(module)
    except Exception:
        return MISSING
    if name is None:
        return loaded
    return getattr(loaded, name, MISSING)


def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)
