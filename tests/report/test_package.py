"""apifuzz package: the standalone libFuzzer fuzzer, its seeds, dictionary and options."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import traceback
import zipfile
from pathlib import Path

import pytest

from apifuzz.engine.harness import Harness
from apifuzz.errors import ApifuzzError
from apifuzz.language import LOCK_NAME
from apifuzz.report.package import fuzzer_name, package

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpora" / "example_timeline"
BUGS = ROOT / "example_timeline" / "bugs"


def seeds() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.name != LOCK_NAME)


def test_package_writes_the_four_files(tmp_path: Path) -> None:
    done = package("example_timeline", tmp_path / "out", CORPUS)
    assert done.name == "fuzz_example_timeline"
    text = done.harness.read_text()
    assert text.startswith("#!/usr/bin/env python3\n")
    assert "LLVMFuzzerTestOneInput" in text
    assert done.harness.stat().st_mode & stat.S_IXUSR
    assert "import example_timeline" in text  # a plain import: PyInstaller bundles the model
    compile(text, str(done.harness), "exec")
    with zipfile.ZipFile(done.seeds) as archive:
        assert sorted(archive.namelist()) == seeds() and done.seed_count == len(seeds())
        first = seeds()[0]
        assert archive.read(first) == (CORPUS / first).read_bytes()
    assert '="insert_clip "' in done.dictionary.read_text()
    assert done.options.read_text() == (
        "[libfuzzer]\ndict = fuzz_example_timeline.dict\nmax_len = 4096\nlen_control = 100\n"
    )


def test_package_is_reproducible(tmp_path: Path) -> None:
    one = package("example_timeline", tmp_path / "a", CORPUS)
    two = package("example_timeline", tmp_path / "b", CORPUS)
    for a, b in (
        (one.harness, two.harness),
        (one.seeds, two.seeds),
        (one.dictionary, two.dictionary),
        (one.options, two.options),
    ):
        assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(one.seeds) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}


def test_package_errors(tmp_path: Path) -> None:
    with pytest.raises(ApifuzzError, match=r"no corpus at .*missing; give the seed folder"):
        package("example_timeline", tmp_path / "out", tmp_path / "missing")
    with pytest.raises(ApifuzzError, match="--max-len must be positive, got 0"):
        package("example_timeline", tmp_path / "out", CORPUS, max_len=0)
    with pytest.raises(ApifuzzError, match="'my-lib' is not a module name"):
        package("example_timeline", tmp_path / "out", CORPUS, instrument=["my-lib"])
    assert fuzzer_name("my-model.v2") == "fuzz_my_model_v2"


def test_instrumented_modules_are_imported_under_instrumentation(tmp_path: Path) -> None:
    done = package("example_timeline", tmp_path, CORPUS, instrument=["json"])
    text = done.harness.read_text()
    assert "include=['example_timeline', 'json']" in text
    assert "    import example_timeline  # noqa: F401\n    import json  # noqa: F401" in text


def test_the_harness_reads_inputs_with_its_own_alias_lock(tmp_path: Path) -> None:
    # A corpus whose lock gave insert_clip the alias "zz": the harness carries that lock.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / LOCK_NAME).write_text("a add_bin_clip\nzz insert_clip\n")
    (corpus / "seed.txt").write_text('a "r" 10\nzz 0 1 0\nzz 0 1 9\n')
    done = package("example_timeline", tmp_path / "out", corpus)
    assert "zz insert_clip" in done.harness.read_text()
    replay = run_harness(done.harness, str(corpus / "seed.txt"), bug="collision_off_by_one")
    assert replay.returncode != 0, replay.stdout + replay.stderr
    assert "line 3, after insert_clip" in replay.stderr


def test_harness_raises_the_models_own_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    lock = (CORPUS / LOCK_NAME).read_text()
    script = (BUGS / "collision_off_by_one.txt").read_bytes()
    monkeypatch.delenv("APIFUZZ_EXAMPLE_BUGS", raising=False)
    Harness("example_timeline", lock).test_one_input(script)  # no bug: returns
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "collision_off_by_one")
    with pytest.raises(AssertionError, match="overlap") as caught:
        Harness("example_timeline", lock).test_one_input(script)
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert any(f.filename.endswith("example_timeline/model.py") for f in frames)


def run_harness(harness: Path, *args: str, bug: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "APIFUZZ_EXAMPLE_BUGS"}
    if bug:
        env["APIFUZZ_EXAMPLE_BUGS"] = bug
    return subprocess.run(
        [sys.executable, str(harness), *args],
        cwd=harness.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_harness_replays_a_crash_file_as_libfuzzer_reports_it(tmp_path: Path) -> None:
    done = package("example_timeline", tmp_path, CORPUS)
    crash = str(BUGS / "collision_off_by_one.txt")
    found = run_harness(done.harness, crash, bug="collision_off_by_one")
    assert found.returncode != 0
    out = found.stdout + found.stderr
    assert "apifuzz: line 7, after insert_clip: invariant check_consistency failed" in out
    assert "Uncaught Python exception" in out and "example_timeline/model.py" in out
    clean = run_harness(done.harness, crash, bug=None)
    assert clean.returncode == 0, clean.stdout + clean.stderr


@pytest.mark.slow
def test_the_harness_fuzzes_and_stops_at_a_bug_with_a_crash_file(tmp_path: Path) -> None:
    done = package("example_timeline", tmp_path, CORPUS)
    seeds_dir = tmp_path / "seeds"
    with zipfile.ZipFile(done.seeds) as archive:
        archive.extractall(seeds_dir)
    (tmp_path / "corpus").mkdir()
    clean = run_harness(done.harness, "-runs=3000", "corpus", "seeds", bug=None)
    assert clean.returncode == 0, clean.stderr[-2000:]
    assert "Done 3000 runs" in clean.stderr
    found = run_harness(
        done.harness, "-max_total_time=120", f"-artifact_prefix={tmp_path}/", "corpus", "seeds",
        bug="collision_off_by_one",
    )  # fmt: skip
    assert found.returncode != 0, found.stderr[-2000:]
    (crash,) = tmp_path.glob("crash-*")
    replay = run_harness(done.harness, str(crash), bug="collision_off_by_one")
    assert replay.returncode != 0 and "overlap" in replay.stdout + replay.stderr
