"""A cache of atheris' instrumented modules: a worker starts without instrumenting again.

atheris instruments a module as it is imported, rewriting the bytecode of
every function in Python: a quarter of a second for the example timeline's
model, 11 s for networkx's 285 modules, in every worker at every start.  With
:mod:`apifuzz.engine.steady` the result is the same in every process, so it
can be kept: the instrumented module code is written to the cache folder
(``$XDG_CACHE_HOME/apifuzz/instrumented``, else ``~/.cache/...``) and read
back by the next worker that imports the same source.

Two things tie instrumented code to its process, and both are checked:

- the coverage counters are numbered constants in the code, reserved one by
  one as atheris instruments; a cached module is used only when the counters
  it holds are the ones this process reserves for it, in the same place
  (the entry's key holds the first counter's number, and loading reserves
  as many and checks they are the same);
- the code calls atheris through its module object, a constant that cannot
  be written to a file; it is stored as a marker and put back on loading.

The key also holds the source's bytes, its path, Python's bytecode magic and
atheris' instrumenter file, so an edited source, another Python or another
atheris is a miss.  A cache that cannot be read or written is no cache: the
module is instrumented as before, and the run goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Bumped when what is stored, or how it is keyed, changes.
FORMAT = 2

#: Entries kept; past it the oldest are removed when one is written.
MAX_ENTRIES = 2048

# Stands for the atheris module object in stored code (a module cannot be marshalled).
_MARKER = ("__apifuzz_atheris_module__", FORMAT)


def cache_folder() -> Path:
    """Where instrumented modules are kept: ``$XDG_CACHE_HOME/apifuzz/instrumented``."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "apifuzz" / "instrumented"


class InstrumentCache:
    """Wraps atheris' ``patch_code`` (the import hook's) and ``_reserve_counter``.

    :meth:`install` before ``atheris.instrument_imports``; ``hits`` and
    ``misses`` count the modules read from the cache and instrumented afresh.
    """

    def __init__(self, atheris: Any, folder: Path | None = None) -> None:
        self.atheris = atheris
        self.folder = cache_folder() if folder is None else folder
        self.hits = 0
        self.misses = 0
        self._next: int | None = None  # the number the next reserved counter gets
        self._reserve: Callable[[], int] = atheris._reserve_counter
        self._salt = b""

    def install(self) -> bool:
        """Hook into atheris; False (and nothing changed) when its internals differ."""
        try:
            from atheris import import_hook, instrument_bytecode
        except ImportError:
            return False
        patch = getattr(import_hook, "patch_code", None)
        if patch is not instrument_bytecode.patch_code or not callable(self._reserve):
            return False
        try:
            stat = os.stat(instrument_bytecode.__file__)
        except (OSError, TypeError):
            return False
        self._salt = repr(
            (
                FORMAT,
                importlib.util.MAGIC_NUMBER,
                sys.flags.optimize,
                instrument_bytecode.__file__,
                stat.st_size,
                stat.st_mtime_ns,
            )
        ).encode()
        self._next = self._reserve() + 1  # the only way to read the number: spend one
        self.atheris._reserve_counter = self._counted_reserve

        def cached_patch_code(code: types.CodeType, *args: Any, **kwargs: Any) -> types.CodeType:
            return self.patch(patch, code, args, kwargs)

        import_hook.patch_code = cached_patch_code
        return True

    def _counted_reserve(self) -> int:
        number = self._reserve()
        self._next = number + 1
        return number

    # -- one module ------------------------------------------------------------------

    def patch(
        self,
        patch_code: Callable[..., types.CodeType],
        code: types.CodeType,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> types.CodeType:
        """``patch_code(code, *args, **kwargs)``, from the cache when it holds it."""
        try:
            source = Path(code.co_filename).read_bytes()
        except (OSError, ValueError):
            return patch_code(code, *args, **kwargs)  # no source: nothing to key it by
        path = self.folder / self._key(code.co_filename, source, args, kwargs)
        cached = self._load(path)
        if cached is not None:
            return cached
        first = self._next
        patched = patch_code(code, *args, **kwargs)
        assert first is not None and self._next is not None
        self.misses += 1
        if _compiled_from(code, source):
            self._store(path, (FORMAT, first, self._next - first, _unlink(patched, self.atheris)))
        return patched

    def _key(
        self, filename: str, source: bytes, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> str:
        """The entry's file name."""
        digest = hashlib.sha256(self._salt)
        digest.update(repr((filename, args, sorted(kwargs.items()), self._next)).encode())
        digest.update(source)
        return digest.hexdigest()[:40]

    def _load(self, path: Path) -> types.CodeType | None:
        try:
            entry = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        if not (isinstance(entry, tuple) and len(entry) == 4 and entry[0] == FORMAT):
            return None
        _, first, count, code = entry
        if not (type(first) is int and type(count) is int and isinstance(code, types.CodeType)):
            return None
        if first != self._next:
            return None
        # The counters this code holds are the next ``count``: reserve them.
        numbers = [self._counted_reserve() for _ in range(count)]
        if numbers != list(range(first, first + count)):
            # Something else reserved in between: these counters stay unused, and the
            # module is instrumented afresh with the next ones.
            return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: the last to be pruned
        return _relink(code, self.atheris)

    def _store(self, path: Path, entry: tuple[Any, ...]) -> None:
        from apifuzz.atomic import atomic_write

        try:
            data = marshal.dumps(entry)
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(path, data)
            self._prune()
        except (OSError, ValueError):
            return  # no cache this time: the module is instrumented all the same

    def _prune(self) -> None:
        entries = list(self.folder.iterdir())
        if len(entries) <= MAX_ENTRIES:
            return
        by_age = sorted(entries, key=_mtime)
        for stale in by_age[: len(entries) - MAX_ENTRIES]:
            with contextlib.suppress(OSError):
                stale.unlink()


def _compiled_from(code: types.CodeType, source: bytes) -> bool:
    """Whether ``code`` is what ``source`` compiles to: a file edited after the import
    read it must not be keyed by its new text."""
    try:
        return compile(source, code.co_filename, "exec", dont_inherit=True) == code
    except (SyntaxError, ValueError):
        return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _swap(code: types.CodeType, change: Callable[[object], object]) -> types.CodeType:
    """``code`` with ``change`` applied to every constant, in nested code too."""
    consts = tuple(
        _swap(c, change) if isinstance(c, types.CodeType) else change(c) for c in code.co_consts
    )
    same = all(new is old for new, old in zip(consts, code.co_consts, strict=True))
    return code if same else code.replace(co_consts=consts)


def _unlink(code: types.CodeType, module: types.ModuleType) -> types.CodeType:
    return _swap(code, lambda c: _MARKER if c is module else c)


def _relink(code: types.CodeType, module: types.ModuleType) -> types.CodeType:
    return _swap(code, lambda c: module if type(c) is tuple and c == _MARKER else c)


def cached_instrumentation(atheris: Any) -> InstrumentCache | None:
    """Install the cache in this process; None when atheris' internals differ."""
    cache = InstrumentCache(atheris)
    return cache if cache.install() else None
