"""The cache of instrumented modules: a hit is the code a miss made, and never a wrong one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from apifuzz_cli import run_apifuzz

from apifuzz.engine.instrument_cache import _compiled_from

# One process: instrument the package ``cachedpkg`` (beside it) through the cache, and print
# what came of it.  ``EXTRA`` counters reserved first move the numbering, as another
# module instrumented before would.
PROBE = textwrap.dedent(
    """
    import json, marshal, sys
    from pathlib import Path
    import atheris
    from apifuzz.engine.steady import steady_instrumentation
    from apifuzz.engine.instrument_cache import InstrumentCache, _unlink

    steady_instrumentation()
    cache = InstrumentCache(atheris, Path(sys.argv[1]))
    assert cache.install()
    for _ in range(int(sys.argv[2])):
        atheris._reserve_counter()
    with atheris.instrument_imports(include=["cachedpkg"]):
        import cachedpkg
    code = cachedpkg.classify.__code__
    print(json.dumps({
        "hits": cache.hits,
        "misses": cache.misses,
        "code": marshal.dumps(_unlink(code, atheris)).hex(),
        "instrumented": "__ATHERIS_INSTRUMENTED__" in code.co_consts,
        "results": [cachedpkg.classify(n) for n in (-3, 0, 4, 7)],
        "next": atheris._reserve_counter(),
    }))
    """
)

SOURCE = textwrap.dedent(
    """
    def classify(n):
        if n < 0:
            return "negative"
        if n == 0:
            return "zero"
        return "even" if n % 2 == 0 else "odd"
    """
)


def _probe(tmp_path: Path, folder: Path, extra: int = 0) -> dict[str, object]:
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    result = subprocess.run(
        [sys.executable, str(script), str(folder), str(extra)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src"), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def _package(tmp_path: Path, source: str = SOURCE) -> None:
    package = tmp_path / "src" / "cachedpkg"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(source)


def test_a_second_process_reads_the_instrumented_module_the_first_one_wrote(
    tmp_path: Path,
) -> None:
    _package(tmp_path)
    folder = tmp_path / "cache"
    first = _probe(tmp_path, folder)
    assert (first["hits"], first["misses"]) == (0, 1)
    assert len(list(folder.iterdir())) == 1
    second = _probe(tmp_path, folder)
    assert (second["hits"], second["misses"]) == (1, 0)
    # The same code, counters included, and they are reserved: the next one is the same.
    assert second["code"] == first["code"]
    assert second["instrumented"] is True
    assert second["results"] == first["results"] == ["negative", "zero", "even", "odd"]
    assert second["next"] == first["next"]


def test_an_edited_source_or_moved_counters_instrument_afresh(tmp_path: Path) -> None:
    _package(tmp_path)
    folder = tmp_path / "cache"
    first = _probe(tmp_path, folder)
    # Counters numbered from elsewhere: the cached code would bump another module's.
    moved = _probe(tmp_path, folder, extra=5)
    assert (moved["hits"], moved["misses"]) == (0, 1)
    assert moved["code"] != first["code"]
    _package(tmp_path, SOURCE.replace('"zero"', '"nought"'))
    edited = _probe(tmp_path, folder)
    assert (edited["hits"], edited["misses"]) == (0, 1)
    assert edited["results"] == ["negative", "nought", "even", "odd"]


def test_a_damaged_or_unwritable_cache_is_no_cache(tmp_path: Path) -> None:
    _package(tmp_path)
    folder = tmp_path / "cache"
    first = _probe(tmp_path, folder)
    for entry in folder.iterdir():
        entry.write_bytes(b"\x00garbage")
    damaged = _probe(tmp_path, folder)
    assert (damaged["hits"], damaged["misses"]) == (0, 1)
    assert damaged["code"] == first["code"]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be\n")
    unwritable = _probe(tmp_path, blocked / "cache")
    assert (unwritable["hits"], unwritable["misses"]) == (0, 1)
    assert unwritable["results"] == first["results"]


def test_a_fuzzer_worker_instruments_once_then_reads_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "xdg"
    logs = []
    for run in ("first", "second"):
        result = run_apifuzz(
            *("fuzz", "fuzz_models", "--runs", "20", "--jobs", "1"),
            *("--workdir", run, "--minimize-time", "0"),
            cwd=tmp_path,
            env={"XDG_CACHE_HOME": str(cache), "APIFUZZ_TEST_NO_DIVIDE_BUG": "1"},
        )
        assert result.returncode == 0, result.stdout + result.stderr
        logs.append((tmp_path / run / "logs" / "worker-0.log").read_text())
    folder = cache / "apifuzz" / "instrumented"
    entries = len(list(folder.iterdir()))
    assert entries >= 1
    assert f"{entries} instrumented module(s), 0 from the cache ({folder})" in logs[0]
    assert f"{entries} instrumented module(s), {entries} from the cache" in logs[1]


def test_a_source_edited_after_its_import_is_not_stored_under_its_new_text() -> None:
    code = compile(SOURCE, "cachedpkg/__init__.py", "exec", dont_inherit=True)
    assert _compiled_from(code, SOURCE.encode())
    assert not _compiled_from(code, SOURCE.replace('"zero"', '"nought"').encode())
    assert not _compiled_from(code, b"def broken(:\n")
