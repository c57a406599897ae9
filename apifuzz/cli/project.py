"""``[tool.apifuzz]`` in pyproject.toml: a project's target and common flags, written once.

Found as pytest and ruff find theirs: in the nearest ``pyproject.toml``, from
the current folder up, that has a ``[tool.apifuzz]`` table.  Its values are
defaults: a flag given on the command line wins.  Paths are relative to the
file's folder.  An unknown key or a value of the wrong type is a usage error
naming the key, so that a typo never passes silently.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apifuzz.errors import ApifuzzError

FILE = "pyproject.toml"


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _seconds(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _modules(value: object) -> bool:
    return isinstance(value, list) and all(_text(v) for v in value)


#: Each key, the check of its value, and what the value must be (for the error).
KEYS: dict[str, tuple[Callable[[object], bool], str]] = {
    "target": (_text, "a string, MODULE or MODULE:ATTRIBUTE"),
    "corpus": (_text, "a string, the corpus folder"),
    "workdir": (_text, "a string, the fuzzing workdir"),
    "max-time": (_seconds, "a positive number of seconds"),
    "instrument": (_modules, "a list of module names"),
    "library-coverage": (lambda value: isinstance(value, bool), "true or false"),
}

#: The commands whose TARGET is followed by more positional paths, and their name.
PATHS_AFTER_TARGET = {"replay": "scripts", "cov": "paths"}


@dataclass(frozen=True)
class Project:
    """The ``[tool.apifuzz]`` table of one pyproject.toml, checked."""

    path: Path
    settings: dict[str, object]

    def get(self, key: str) -> object:
        """The value of ``key``, a path made relative to the current folder; None if unset."""
        value = self.settings.get(key)
        if key in ("corpus", "workdir") and isinstance(value, str):
            return os.path.relpath(self.path.parent / value)
        return value


def find_project(start: Path | None = None) -> Project | None:
    """The nearest ``[tool.apifuzz]`` from ``start`` (the current folder) up, if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        path = folder / FILE
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # no file, or not one of ours to judge
        if "apifuzz" not in text:
            continue  # another tool's file: a TOML error in it is not apifuzz's business
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ApifuzzError(f"{path}: cannot be read as TOML ({exc}); fix it") from None
        tool = data.get("tool")
        table = tool.get("apifuzz") if isinstance(tool, dict) else None
        if table is not None:
            return Project(path, _checked(path, table))
    return None


def _checked(path: Path, table: object) -> dict[str, object]:
    """The table itself, once every key is known and every value has the right type."""
    known = ", ".join(KEYS)
    if not isinstance(table, dict):
        raise ApifuzzError(f"{path}: [tool.apifuzz] must be a table of {known}")
    for key, value in table.items():
        if key not in KEYS:
            raise ApifuzzError(
                f"{path}: unknown key {key!r} in [tool.apifuzz]; the known keys are {known}"
            )
        check, what = KEYS[key]
        if not check(value):
            raise ApifuzzError(f"{path}: [tool.apifuzz] {key} must be {what}, got {value!r}")
    return dict(table)


def apply_project(args: argparse.Namespace, project: Project | None) -> None:
    """Fill in what the command line left out from the project's configuration."""
    if "target" in vars(args):
        _apply_target(args, project)
    if project is None:
        return
    if getattr(args, "corpus", False) is None and project.get("corpus") is not None:
        corpus = project.get("corpus")
        args.corpus = [corpus] if args.command == "fuzz" else corpus
    if args.command == "fuzz":
        args.workdir = args.workdir or project.get("workdir")
        if args.max_time is None:
            args.max_time = project.get("max-time")
    if args.command == "crashes":
        args.workdir = args.workdir or project.get("workdir")
    if project.get("library-coverage") is False and args.command in ("fuzz", "cov", "package"):
        args.no_library_coverage = True
    modules = project.get("instrument")
    if args.command in ("fuzz", "package") and not args.instrument and isinstance(modules, list):
        args.instrument = [str(m) for m in modules]


def _apply_target(args: argparse.Namespace, project: Project | None) -> None:
    """TARGET from the configuration when the command line names none."""
    configured = project.get("target") if project is not None else None
    paths = PATHS_AFTER_TARGET.get(args.command)
    # `replay a.txt b.txt` with a configured target: both words are scripts.
    shift = paths is not None and args.target is not None and not _looks_like_target(args.target)
    if configured is not None and shift:
        setattr(args, str(paths), [args.target, *getattr(args, str(paths))])
        args.target = None
    if args.target is None:
        if configured is None:
            raise ApifuzzError(
                f"no TARGET: name one (apifuzz {args.command} MODULE) or set target in the "
                f"[tool.apifuzz] table of {FILE}"
            )
        args.target = configured


def _looks_like_target(word: str) -> bool:
    """Not a script or a folder of them: a module name, a ``.py`` file or a package folder."""
    path = Path(word)
    if not path.exists():
        return True
    return path.suffix == ".py" or (path / "__init__.py").is_file()


def optional_target(parser: argparse.ArgumentParser) -> None:
    """Make every command's TARGET optional: the project's configuration names one.

    Only when it does: without it, a missing TARGET stays argparse's own error.
    argparse has no public way to reach the subcommands' arguments once built.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                for argument in sub._actions:
                    if argument.dest == "target" and not argument.option_strings:
                        argument.nargs, argument.required, argument.default = "?", False, None
