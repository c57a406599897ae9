"""A target loaded once for one command: the spec, the Target, its corpus and aliases.

Each command (and each library function a command calls) takes a
:class:`LoadedTarget` built once from the spec the user typed, instead of
the spec string, so the target is imported once and every step reads the
same corpus, alias lock and packages.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from apifuzz.language.language import LOCK_NAME, Language
from apifuzz.model.loader import default_corpus, load_target, target_packages
from apifuzz.model.target import Target


@dataclass(frozen=True)
class LoadedTarget:
    """The target named by ``spec`` (``module`` or ``module:attribute``), imported and checked."""

    spec: str
    target: Target
    corpus: Path | None = None  # the corpus folder given on the command line, if any

    @classmethod
    def load(cls, spec: str, corpus: Path | None = None) -> LoadedTarget:
        """Import the target ``spec`` names; raises UsageError with a one-line reason."""
        return cls(spec, load_target(spec), corpus)

    @property
    def name(self) -> str:
        """The target's name (``corpora/<name>``, ``.apifuzz/<name>``)."""
        return self.target.name

    @property
    def corpus_folder(self) -> Path:
        """The corpus given, else ``corpora/<name>``: the home of the alias lock."""
        return self.corpus if self.corpus is not None else default_corpus(self.target)

    @property
    def lock_path(self) -> Path:
        """Where the alias lock is (or would be written)."""
        return self.corpus_folder / LOCK_NAME

    def language(self, *, write_lock: bool = False) -> Language:
        """The language with the corpus's aliases (``write_lock``: create or update the lock)."""
        lock = self.lock_path
        return Language.for_target(
            self.target, lock if lock.exists() or write_lock else None, write_lock=write_lock
        )

    def packages(self, instrument: Iterable[str] = ()) -> list[str]:
        """The top-level packages whose frames are the model's (and ``instrument``'s)."""
        return target_packages(self.spec, instrument)

    def with_corpus(self, corpus: Path | None) -> LoadedTarget:
        """The same target with another corpus folder (None: keep this one)."""
        return self if corpus is None else replace(self, corpus=corpus)

    def importable_ref(self) -> tuple[str, str] | None:
        """``(module, attribute)`` when the spec names a Target a test can import.

        A generated test uses it as the last resort for a factory or an action
        it cannot import by name.
        """
        module, _, attribute = self.spec.partition(":")
        attribute = attribute or "target"
        try:
            value = getattr(importlib.import_module(module), attribute, None)
        except ImportError:
            return None
        return (module, attribute) if isinstance(value, Target) else None


def spec_of(target: LoadedTarget | str) -> str:
    """The spec a library entry point's target was named by."""
    return target.spec if isinstance(target, LoadedTarget) else target


def as_loaded(target: LoadedTarget | str, corpus: Path | None = None) -> LoadedTarget:
    """A library entry point's target: a LoadedTarget as it is, or a spec loaded now."""
    if isinstance(target, LoadedTarget):
        return target.with_corpus(corpus)
    return LoadedTarget.load(target, corpus)
