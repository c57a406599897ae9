"""The libraries a target drives, whose coverage is collected by default.

A target around a third-party library (an adapter, a ``Registration``) is
mostly that library's code: coverage of the target's module alone guides the
fuzzer through a few dozen edges.  The libraries are the top-level packages
the target module imports (read from its source, without running it) and
those of the classes it registers; the standard library, apifuzz and the
fuzzing and test tooling are left out.
"""

from __future__ import annotations

import ast
import importlib.machinery
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from apifuzz.model.target import Target

#: Never instrumented: apifuzz itself, the fuzzer, test tooling and typing helpers.
TOOLING = frozenset(
    {
        "apifuzz",
        "atheris",
        "coverage",
        "hypothesis",
        "libcst",
        "lark",
        "mypy_extensions",
        "pluggy",
        "pytest",
        "_pytest",
        "typing_extensions",
        "wrapt",
    }
)


def library_packages(spec: str, target: Target | None = None) -> list[str]:
    """The libraries of the target named by ``spec``: imported by its module or registered.

    ``target``, when it is loaded, adds the package of its registered class (a class
    the module reached through another package).  Only packages that can be found on
    the import path are named.
    """
    module = spec.partition(":")[0]
    own = module.split(".")[0]
    names = set(imported_packages(module))
    if target is not None and target.registration is not None:
        names.add((target.registration.cls.__module__ or "").split(".")[0])
    return sorted(
        name for name in names if name and name != own and _third_party(name) and _findable(name)
    )


def imported_packages(module: str) -> list[str]:
    """The top-level packages module ``module``'s source imports (absolute imports only).

    A target that is a package is read whole: the imports of its own submodules that it
    imports count too (a target package whose ``__init__`` imports only its own ``.actions``).
    """
    found: set[str] = set()
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for imported, top in _imports_of(name):
            if top:
                found.add(top)
            if imported == module or imported.startswith(module + "."):
                todo.append(imported)
    return sorted(found)


def _imports_of(name: str) -> list[tuple[str, str]]:
    """``(module or member imported, its top-level package if absolute)`` in ``name``'s source."""
    source = _source_of(name)
    if source is None:
        return []
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return []
    package = name if source.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, str]] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            out += [(alias.name, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or node.level):
            if node.level:  # relative: resolved against the package, no library of its own
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
                top = ""
            else:
                base = node.module or ""
                top = base.split(".")[0]
            out.append((base, top))
            out += [(f"{base}.{alias.name}", "") for alias in node.names]
    return out


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement in ``body`` and the blocks nested in it.  Expressions are skipped: an
    import is always a statement, and walking every expression too would double the time
    this check adds to a campaign's start."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _statements(inner)


def _third_party(name: str) -> bool:
    return name not in sys.stdlib_module_names and name not in TOOLING


def _search_path() -> list[str]:
    # The current folder first, as load_target searches it.
    return [os.getcwd(), *sys.path]


def _findable(name: str) -> bool:
    if name in sys.modules:
        return True
    return importlib.machinery.PathFinder.find_spec(name, _search_path()) is not None


def _source_of(module: str) -> Path | None:
    """The source file of ``module``, found without importing it (or its packages)."""
    loaded = sys.modules.get(module)
    if loaded is not None:
        file = getattr(loaded, "__file__", None)
        return Path(file) if file else None
    path: Iterable[str] | None = _search_path()
    spec = None
    for depth, _ in enumerate(module.split(".")):
        name = ".".join(module.split(".")[: depth + 1])
        spec = importlib.machinery.PathFinder.find_spec(name, list(path or ()))
        if spec is None:
            return None
        path = spec.submodule_search_locations
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)
