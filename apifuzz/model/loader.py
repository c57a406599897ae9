"""Find a Target from a command-line spec: ``module``, ``module:attr`` or ``path/to/file.py``."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from apifuzz.errors import ApifuzzError, UsageError
from apifuzz.model.registry import Registration
from apifuzz.model.target import Target, as_target


def load_target(spec: str) -> Target:
    """Import and return the target named by ``spec``.

    ``module`` means the module's ``target`` attribute; ``module:attr`` names a
    Target, a class decorated with ``@api`` or a Registration.  The current
    folder is searched first, like ``python -m`` does.
    """
    module_name, _, attr = spec.partition(":")
    if not module_name or (":" in spec and not attr):
        raise UsageError(
            f"bad target {spec!r}; write MODULE or MODULE:ATTRIBUTE, e.g. example_timeline"
        )
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise UsageError(
                f"cannot import {module_name!r}: no module named {exc.name!r}; run from the folder "
                f"that contains it or install it in this environment"
            ) from None
        raise UsageError(f"importing {module_name!r} failed: {exc}") from None
    except ApifuzzError:
        raise
    except Exception as exc:
        raise UsageError(
            f"importing {module_name!r} failed with {type(exc).__name__}: {exc} "
            f"(python -c 'import {module_name}' shows the traceback)"
        ) from None
    name = attr or "target"
    try:
        obj = getattr(module, name)
    except AttributeError:
        hint = f"; {_candidates(module, module_name)}" if not attr else ""
        raise UsageError(f"module {module_name!r} has no attribute {name!r}{hint}") from None
    if not isinstance(obj, (Target, type, Registration)):
        raise UsageError(
            f"{spec}: expected a Target, a class decorated with @api or a Registration, "
            f"got {type(obj).__name__}"
        )
    target = as_target(obj, name=None)
    target.check()
    return target


def _candidates(module: object, module_name: str) -> str:
    """What a module without ``target`` may have meant: its Targets, else its Registrations."""
    found: dict[type, list[str]] = {Target: [], Registration: []}
    for attr, value in sorted(vars(module).items()):
        for kind, names in found.items():
            if isinstance(value, kind) and not attr.startswith("_"):
                names.append(f"{module_name}:{attr}")
    for kind, names in found.items():
        if names:
            return f"did you mean {' or '.join(names)} (a {kind.__name__})?"
    return f"name the model, e.g. {module_name}:MyModel, or set target = Target(...) in it"


def default_corpus(target: Target) -> Path:
    """``corpora/<target name>`` under the current folder."""
    return Path("corpora") / target.name


def target_packages(spec: str, instrument: Iterable[str] = ()) -> list[str]:
    """The top-level packages whose frames are the model's: the target's own, and extras."""
    return sorted({spec.split(":")[0].split(".")[0], *instrument})
