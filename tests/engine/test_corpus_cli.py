"""What reaches libFuzzer's corpus, end to end: scripts only, the same corpus for the same
seed, and inputs shared between workers during the run."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from apifuzz.engine.crashes import find_artifacts
from apifuzz.language import LOCK_NAME, Language

SUPPORT = Path(__file__).resolve().parents[1] / "support"
pytestmark = pytest.mark.slow
RUN_2_WORKERS = ("--jobs", "2", "--max-time", "120", "--minimize-time", "0")


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return dict(base, PYTHONPATH=str(SUPPORT), **extra)


def fuzz(
    tmp_path: Path, target: str, *args: str, timeout: float = 180, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", "fuzz", target, "--minimize-time", "0", *args],
        cwd=tmp_path,
        env=env(**extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_only_scripts_of_a_seed_folder_reach_the_corpus(tmp_path: Path) -> None:
    from fuzz_models import target

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    Language.for_target(target, seeds / LOCK_NAME, write_lock=True)
    (seeds / "cells.txt").write_text("new 5\ndivide 1 3\n")
    # A README that shows script lines: read as an input it would give coverage, be kept,
    # and its marker comment would spread through the mutations.
    (seeds / "README.md").write_text('# README-MARKER\nnew 7\nlabel 1 "x"\nspin 3\nwear\n')
    (seeds / "notes.json").write_text('{"README-MARKER": 1}\n')
    # A crash folder among the seeds gives its script, not its traceback.
    crash = seeds / "a-crash"
    crash.mkdir()
    (crash / "input.txt").write_text("new 2\ndivide 1 100\n")
    (crash / "traceback.txt").write_text("README-MARKER ZeroDivisionError\n")
    result = fuzz(tmp_path, "fuzz_models", "--corpus", str(seeds), "--runs", "4000")
    assert result.returncode == 1, result.stdout + result.stderr  # the crash seed's bug
    assert "file(s) of the seed folders are no script" in result.stdout
    assert str(seeds / "README.md") in result.stdout
    workdir = tmp_path / ".apifuzz" / "fuzz_models"
    log = (workdir / "logs" / "worker-0.log").read_text()
    assert re.search(r"INFO: +2 files found in .*seeds/0\n", log)  # cells.txt, the crash's input
    inputs = [p.read_bytes() for p in (workdir / "corpus").iterdir()]
    inputs += [(f / "input.txt").read_bytes() for f in find_artifacts(workdir / "crashes")]
    assert len(inputs) > 3
    for data in inputs:
        assert b"README-MARKER" not in data and b"alias lock" not in data, data


def test_a_file_that_is_no_input_is_moved_out_of_the_workdir_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / ".apifuzz" / "fuzz_models" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "README.md").write_text("new 1\n")
    script = b"new 3\n"
    (corpus / hashlib.sha1(script).hexdigest()).write_bytes(script)
    result = fuzz(tmp_path, "fuzz_models", "--runs", "200", APIFUZZ_TEST_NO_DIVIDE_BUG="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file(s) that are no input moved out of the workdir's corpus" in result.stdout
    assert not (corpus / "README.md").exists()
    assert (corpus.parent / "set-aside" / "README.md").read_text() == "new 1\n"
    assert (corpus / hashlib.sha1(script).hexdigest()).exists()


def _corpus_and_coverage(tmp_path: Path, workdir: str, seed: str) -> tuple[list[str], str]:
    result = fuzz(
        tmp_path,
        "fuzz_models",
        "--workdir",
        workdir,
        "--runs",
        "3000",
        "--seed",
        seed,
        APIFUZZ_TEST_NO_DIVIDE_BUG="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    coverage = re.search(r"coverage \d+", result.stdout)
    assert coverage is not None, result.stdout
    return sorted(os.listdir(tmp_path / workdir / "corpus")), coverage.group()


def test_one_worker_with_a_seed_and_a_run_limit_repeats_its_corpus(tmp_path: Path) -> None:
    first = _corpus_and_coverage(tmp_path, "a", "7")
    assert len(first[0]) > 10
    assert _corpus_and_coverage(tmp_path, "b", "7") == first


def test_one_worker_repeats_its_run_on_a_model_whose_runs_take_seconds(tmp_path: Path) -> None:
    # Long enough for libFuzzer's once-a-second reload, and the timeline's calls return
    # values of no size (a state feature that must not hash None, hashed by address).
    seeds = Path(__file__).resolve().parents[2] / "corpora" / "example_timeline"

    def corpus(workdir: str) -> list[str]:
        result = fuzz(
            tmp_path,
            "example_timeline",
            *("--corpus", str(seeds), "--workdir", workdir, "--jobs", "1"),
            *("--runs", "2500", "--seed", "3"),
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return sorted(os.listdir(tmp_path / workdir / "corpus"))

    first = corpus("a")
    assert len(first) > 100
    assert corpus("b") == first


def _wait_for(what: str, check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_an_input_one_worker_finds_reaches_the_other_during_the_run(tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    workdir = tmp_path / ".apifuzz" / "exchange_models"
    proc = subprocess.Popen(
        [sys.executable, "-m", "apifuzz", "fuzz", "exchange_models", *RUN_2_WORKERS],
        cwd=tmp_path,
        env=env(APIFUZZ_TEST_MARKS=str(marks)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        logs = [workdir / "logs" / f"worker-{n}.log" for n in (0, 1)]

        def started() -> bool:
            return all(p.exists() and "INITED" in p.read_text() for p in logs)

        _wait_for("both workers to load their corpus", started, 90)
        assert not marks.exists()  # no worker found the word by itself
        # Worker 0's libFuzzer finds an input: it writes it into its first corpus folder.
        found = b'knock "open sesame"\n'
        staging = workdir / "staging" / "0"
        (staging / hashlib.sha1(found).hexdigest()).write_bytes(found)
        dropped = time.monotonic()
        other = json.loads((workdir / "stats" / "1.json").read_text())["pid"]

        def ran() -> bool:
            return marks.exists() and str(other) in marks.read_text().split()

        _wait_for("worker 1 to run worker 0's input", ran, 30)
        latency = time.monotonic() - dropped
        _wait_for("worker 1 to keep it", lambda: "RELOAD" in logs[1].read_text(), 10)
        (workdir / "stop").touch()
        out, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, out
    assert latency < 15, latency  # within 2 to 3 seconds on an idle machine
    assert (workdir / "corpus" / hashlib.sha1(found).hexdigest()).read_bytes() == found


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--", "corpora"], "apifuzz fuzz: error: 'corpora' after --: only libFuzzer flags"),
        (["--seed", "-1"], "apifuzz fuzz: error: --seed must be 0 (draw one) to 2147483647"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = fuzz(tmp_path, "fuzz_models", *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr


def test_seed_0_draws_a_seed_and_says_which(tmp_path: Path) -> None:
    result = fuzz(tmp_path, "fuzz_models", "--seed", "0", "--runs", "50")
    drawn = re.search(r"INFO: --seed 0: this run's seed is (\d+)", result.stdout)
    assert drawn is not None, result.stdout
    config = tmp_path / ".apifuzz" / "fuzz_models" / "stats" / "config-0.json"
    assert json.loads(config.read_text())["seed"] == int(drawn.group(1))
