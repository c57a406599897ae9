"""The search's switches reach the workers: --value-profile, --check-every, --jobs 1."""

from __future__ import annotations

import json
from pathlib import Path

from apifuzz_cli import run_apifuzz

from apifuzz.engine.worker import WorkerConfig, libfuzzer_argv


def _config(tmp_path: Path, *args: str) -> WorkerConfig:
    work = tmp_path / "work"
    done = run_apifuzz(
        *("fuzz", "check_models:gauge_target", "--runs", "20", "--minimize-time", "0"),
        *("--workdir", str(work), *args),
        cwd=tmp_path,
        timeout=180,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    data = json.loads((work / "stats" / "config-0.json").read_text())
    return WorkerConfig(**data)


def test_comparisons_guide_the_search_by_default(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert config.value_profile and config.check_every == 4
    argv = libfuzzer_argv(config, tmp_path / "staging", tmp_path / "corpus")
    assert "-use_value_profile=1" in argv


def test_the_switches_turn_them_off_and_the_users_flags_win(tmp_path: Path) -> None:
    config = _config(tmp_path, "--value-profile", "off", "--check-every", "1", "--", "-use_cmp=0")
    assert not config.value_profile and config.check_every == 1
    argv = libfuzzer_argv(config, tmp_path / "staging", tmp_path / "corpus")
    assert "-use_value_profile=1" not in argv
    assert argv[-1] == "-use_cmp=0"


def test_a_lone_worker_does_not_reload_its_corpus_and_workers_that_share_do(
    tmp_path: Path,
) -> None:
    # A reload reruns, at a moment set by the clock, staging files libFuzzer replaced:
    # one worker of a seed and --runs would not repeat its run.
    alone = _config(tmp_path, "--jobs", "1")
    assert alone.alone
    assert "-reload=0" in libfuzzer_argv(alone, tmp_path / "staging", tmp_path / "corpus")
    (tmp_path / "two").mkdir()
    shared = _config(tmp_path / "two", "--jobs", "2")
    assert not shared.alone
    assert "-reload=0" not in libfuzzer_argv(shared, tmp_path / "staging", tmp_path / "corpus")
