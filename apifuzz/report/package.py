"""``apifuzz package``: a target as a standalone libFuzzer fuzzer for OSS-Fuzz and ClusterFuzzLite.

Writes, into one folder, what a continuous fuzzing service picks up by name
(OSS-Fuzz's conventions for a fuzzer ``fuzz_<target>``):

- ``fuzz_<target>.py``: the harness (executable, with a shebang): ``python
  fuzz_<target>.py [libFuzzer flags] [corpus folder | crash file]``.  It
  imports the model under atheris' instrumentation (a plain ``import``, so that
  PyInstaller bundles the model too), from the folder it was packaged from
  when the model is not installed (recorded relative to the harness, so that
  it runs from any folder), carries the alias lock, and runs
  ``apifuzz.engine.harness.Harness``;
- ``fuzz_<target>_seed_corpus.zip``: the seed corpus, one input per file;
- ``fuzz_<target>.dict``: the libFuzzer dictionary of the script language;
- ``fuzz_<target>.options``: libFuzzer's options for the service (the
  dictionary and ``max_len``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import site
import stat
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from apifuzz.atomic import atomic_write
from apifuzz.engine.corpus import default_max_len, inputs
from apifuzz.engine.mutator import LEN_CONTROL
from apifuzz.errors import UsageError
from apifuzz.language import LOCK_NAME, Language, LoadedTarget, as_loaded, spec_of
from apifuzz.language.aliases import AliasLock
from apifuzz.model.target import require_undo_redo

#: A fixed timestamp for the zip's members, so the same corpus gives the same bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)

HARNESS = '''#!/usr/bin/env python3
# LLVMFuzzerTestOneInput: a libFuzzer target (this line is how OSS-Fuzz and
# ClusterFuzzLite recognise a fuzzer).
"""apifuzz fuzzer for {target}, written by `apifuzz package`; do not edit.

    python {name}.py [libFuzzer flags] [corpus folder ... | crash file]

Fuzzes the model's API with apifuzz's structure mutator and stops at the first
bug: its traceback is printed and libFuzzer writes the input as crash-<sha1>.
Given a file instead of a folder, it runs that input once (how a crash is
reproduced).  Regenerate with: apifuzz package {target} --out <folder>
"""

import os
import sys

import atheris

# The folders the model was packaged from, relative to this file: searched first, as
# apifuzz searched the current folder (a model is rarely an installed package).
_HERE = os.path.dirname(os.path.abspath(globals().get("__file__") or sys.argv[0]))
for _folder in {folders!r}:
    _folder = os.path.normpath(os.path.join(_HERE, _folder))
    if os.path.isdir(_folder) and _folder not in sys.path:
        sys.path.insert(0, _folder)

# Imported under instrumentation: libFuzzer is guided by the coverage of this code.
with atheris.instrument_imports(include={packages!r}):
{imports}

from apifuzz.engine.harness import Harness

TARGET = {target!r}
UNDO_REDO = {undo_redo!r}
ALIASES = {aliases!r}


def main() -> None:
    Harness(TARGET, ALIASES, undo_redo=UNDO_REDO).fuzz(sys.argv)


if __name__ == "__main__":
    main()
'''


@dataclass
class Packaged:
    """What ``package`` wrote."""

    name: str  # fuzz_<target>
    harness: Path
    seeds: Path
    seed_count: int
    dictionary: Path
    options: Path
    corpus: Path  # the seed folder the zip was made from


def fuzzer_name(target_name: str) -> str:
    """``fuzz_<target name>``, with anything but letters, digits and ``_`` replaced."""
    return "fuzz_" + (re.sub(r"\W+", "_", target_name).strip("_") or "target")


def package(
    target: LoadedTarget | str,
    out: Path,
    corpus: Path | None = None,
    *,
    max_len: int | None = None,
    undo_redo: bool = False,
    instrument: Sequence[str] = (),
) -> Packaged:
    """Write the fuzzer of ``target`` into ``out``; ``corpus``: its seeds (and lock).

    ``instrument``: more modules whose coverage guides the fuzzer (a library the
    model drives), as ``apifuzz fuzz --instrument``.
    """
    if max_len is not None and max_len <= 0:
        raise UsageError(f"--max-len must be positive, got {max_len}")
    spec = spec_of(target)
    modules = [spec.split(":")[0], *instrument]
    for module in modules:
        if not all(part.isidentifier() for part in module.split(".")):
            raise UsageError(f"{module!r} is not a module name the fuzzer can import")
    loaded = as_loaded(target, corpus)
    if undo_redo:
        require_undo_redo(loaded.target)
    corpus = loaded.corpus_folder
    if not corpus.is_dir():
        raise UsageError(f"no corpus at {corpus}; give the seed folder with --corpus DIR")
    seeds = inputs(corpus)
    lock = AliasLock.load(corpus / LOCK_NAME)
    name = fuzzer_name(loaded.name)
    out.mkdir(parents=True, exist_ok=True)
    harness = _write_harness(out / f"{name}.py", loaded, modules, undo_redo, lock, instrument)
    zipped = _write_seeds(out / f"{name}_seed_corpus.zip", seeds)
    dictionary = out / f"{name}.dict"
    language = Language.build(loaded.target, lock)  # a method added since the lock gets its alias
    atomic_write(dictionary, language.dictionary().encode("utf-8"))
    options = out / f"{name}.options"
    length = max_len or default_max_len([corpus])
    flag, value = LEN_CONTROL.lstrip("-").split("=")  # the length control apifuzz fuzz uses
    flags = f"dict = {name}.dict\nmax_len = {length}\n{flag} = {value}\n"
    atomic_write(options, ("[libfuzzer]\n" + flags).encode())
    return Packaged(name, harness, zipped, len(seeds), dictionary, options, corpus)


def _write_harness(
    harness: Path,
    loaded: LoadedTarget,
    modules: list[str],
    undo_redo: bool,
    lock: AliasLock,
    instrument: Sequence[str],
) -> Path:
    """The fuzzer itself: an executable Python file carrying its alias lock."""
    text = HARNESS.format(
        target=loaded.spec,
        name=harness.stem,
        folders=_source_folders(modules, harness.parent),
        imports="\n".join(f"    import {m}  # noqa: F401" for m in modules),
        packages=loaded.packages(instrument),
        undo_redo=undo_redo,
        aliases=lock.dumps(),
    )
    compile(text, harness.stem, "exec")  # the template and its literals always make valid Python
    atomic_write(harness, text.encode("utf-8"))
    harness.chmod(harness.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return harness


def _source_folders(modules: Sequence[str], out: Path) -> list[str]:
    """The folders the modules were imported from, relative to ``out``; not the environment's.

    An installed module is found wherever the fuzzer runs; one imported from the
    current folder (as ``apifuzz`` imports a target) is found from its folder.
    """
    places = (sys.prefix, sys.base_prefix, site.USER_SITE)
    installed = [Path(p).resolve() for p in places if p]
    folders: list[str] = []
    for name in modules:
        root = _import_root(name)
        if root is None or any(root.is_relative_to(p) for p in installed):
            continue
        relative = os.path.relpath(root, out.resolve())
        if relative not in folders:
            folders.append(relative)
    return folders


def _import_root(name: str) -> Path | None:
    """The ``sys.path`` folder module ``name`` is imported from (None: not from a file)."""
    module = sys.modules.get(name)
    if module is not None:
        file = getattr(module, "__file__", None)
    else:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        file = spec.origin if spec is not None and spec.has_location else None
    if not file:
        return None
    root = Path(file).resolve().parent
    depth = name.count(".") + (Path(file).stem == "__init__")
    for _ in range(depth):
        root = root.parent
    return root


def _write_seeds(zipped: Path, seeds: list[Path]) -> Path:
    """The seed corpus as OSS-Fuzz takes it: a zip, written whole or not at all."""
    partial = zipped.with_name(zipped.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in seeds:
            info = zipfile.ZipInfo(path.name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    partial.replace(zipped)
    return zipped
