"""State feedback: the model's reports and apifuzz's own abstraction become coverage."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from apifuzz_cli import SUPPORT, run_apifuzz

import apifuzz
from apifuzz.engine.crashes import load_crashes
from apifuzz.engine.feedback import StateFeedback, bucket
from apifuzz.interpreter import Interpreter
from apifuzz.language import LoadedTarget
from apifuzz.model import feedback as model_feedback


class Bank:
    """A fake counter bank: what atheris would count."""

    def __init__(self) -> None:
        self.next = itertools.count(100)
        self.hits: list[int] = []

    def reserve(self) -> int:
        return next(self.next)


def features(spec: str, scripts: list[str], size: int = 4096) -> list[set[int]]:
    """The counters each script hits, in order (one StateFeedback for all)."""
    loaded = LoadedTarget.load(spec)
    language = loaded.language()
    bank = Bank()
    state = StateFeedback(language, bank.reserve, bank.hits.append, size=size)
    interpreter = Interpreter(language)
    providers = sorted(language.registry.id_providers.items())
    out = []
    for script in scripts:
        bank.hits.clear()
        state.begin()
        interpreter.run(script, record=False, on_call=state.on_call)
        state.end([(kind, len(list(ids(interpreter.model)))) for kind, ids in providers])
        out.append(set(bank.hits))
    return out


def test_the_bank_is_reserved_once_and_every_hit_falls_in_it() -> None:
    hits = features("sample_models:store_target", ['add "a"\nadd "b"\nr 0\n'], size=64)[0]
    assert hits and all(100 <= h < 164 for h in hits)


def test_two_related_calls_on_one_object_are_a_state_of_their_own() -> None:
    # The same calls, but in the first script the removal names the item just resized, in
    # the second the one only added: a pair of calls on one object is a feature of its own.
    apart, together = features(
        "rootcause_models:shelf_target",
        ["add 1\nadd 2\nresize 1 3\nremove 1\n", "add 1\nadd 2\nresize 1 3\nremove 2\n"],
    )
    assert apart != together


def test_an_abstraction_is_deterministic() -> None:
    scripts = ["add 1\nadd 2\nremove 1\ntotal\n"]
    assert features("rootcause_models:shelf_target", scripts) == features(
        "rootcause_models:shelf_target", scripts
    )


def test_the_models_reports_are_features_and_a_new_maximum_is_one() -> None:
    bank = Bank()
    language = LoadedTarget.load("rootcause_models:shelf_target").language()
    state = StateFeedback(language, bank.reserve, bank.hits.append, default=False)
    previous = model_feedback.install(state)
    try:
        seen = []
        for value, top in ((1, 5), (1, 5), (2, 3), (1, 9)):
            bank.hits.clear()
            state.begin()
            apifuzz.feedback(("depth", value))
            apifuzz.maximize("stack", top)
            state.end()
            seen.append(set(bank.hits))
    finally:
        model_feedback.install(previous)
    first, again, other, higher = seen
    assert len(first) == 2  # the value and the first maximum
    assert again < first  # the same state again, the maximum only equalled: nothing new
    assert len(other) == 1 and other != first  # a new value, no new maximum
    assert len(higher - first) == 1  # a new maximum is a new feature
    assert state.count == len(first | other | higher)


def test_reports_do_nothing_outside_a_fuzzing_run() -> None:
    assert model_feedback.install(None) is None
    apifuzz.feedback(object)  # no sink: no effect, no error
    apifuzz.maximize("x", 1)


def test_buckets_are_libfuzzers() -> None:
    assert [bucket(n) for n in (0, 1, 2, 3, 4, 7, 8, 16, 10**6)] == [0, 1, 2, 3, 4, 4, 5, 6, 9]


def fuzz(tmp_path: Path, spec: str, *args: str) -> subprocess.CompletedProcess[str]:
    work = str(tmp_path / "work")
    return run_apifuzz(
        *("fuzz", spec, "--stop-on-first", "--minimize-time", "0", "--workdir", work, *args),
        cwd=tmp_path,
        timeout=180,
    )


@pytest.mark.slow
def test_a_lock_that_gives_no_new_line_opens_with_the_models_feedback(tmp_path: Path) -> None:
    # Six digits in order, every press the same lines: reported, the lock opens in
    # seconds; unreported, not in the same run length (a million-to-one guess).
    found = fuzz(tmp_path, "feedback_models:lock_target", "--max-time", "30")
    assert found.returncode == 1, found.stdout + found.stderr
    (record,) = load_crashes(tmp_path / "work" / "crashes")
    assert record.signature.error == "Opened"
    (tmp_path / "blind").mkdir()
    blind = fuzz(
        tmp_path / "blind",
        "feedback_models:lock_target",
        "--max-time",
        "15",
        "--state-feedback",
        "off",
    )
    assert blind.returncode == 0, blind.stdout + blind.stderr
    assert "state:" not in blind.stdout


def test_an_object_named_in_a_set_is_paired_with_what_touched_it() -> None:
    # ``paint`` names items in a set: painting the item just renamed is a state of its own.
    after_rename, after_add = features(
        "sample_models:store_target",
        [
            'add "a"\nadd "b"\nrename 0 "c"\npaint [0] RED\n',
            'add "a"\nadd "b"\nrename 0 "c"\npaint [1] RED\n',
        ],
    )
    assert after_rename != after_add


def test_live_counts_count_per_kind_and_per_pair_of_kinds_not_per_mix() -> None:
    # Counts (bin, clip, track) whose every single and pair was seen before add no feature:
    # all kinds together would make each new mix of counts one, and flood the corpus.
    bank = Bank()
    language = LoadedTarget.load("example_timeline").language()
    state = StateFeedback(language, bank.reserve, bank.hits.append)

    def hits(bins: int, clips: int, tracks: int) -> set[int]:
        bank.hits.clear()
        state.begin()
        state.end([("bin", bins), ("clip", clips), ("track", tracks)])
        return set(bank.hits)

    seen = hits(1, 2, 2) | hits(1, 1, 1) | hits(2, 2, 1)
    assert hits(1, 2, 1) <= seen  # bin-clip 1-2, bin-track 1-1, clip-track 2-1: all seen
    assert not hits(2, 1, 2) <= seen  # bin-clip 2-1 is new


# One process's features for a return value of no size (a float) and a report holding
# None: Python 3.11 hashes None by its address, which differs from process to process.
_FEATURES_OF_ONE_PROCESS = """
from apifuzz.engine.feedback import StateFeedback
from apifuzz.language import LoadedTarget
hits = []
reserve = iter(range(100, 10**6)).__next__
state = StateFeedback(LoadedTarget.load("sample_models:store_target").language(), reserve,
                      hits.append)
state.begin()
state.on_call("no_such_method", (), {}, 2.5)
state.value(("state", None))
state.maximum(None, 3)
state.end()
print(sorted(hits))
"""


def test_two_processes_with_one_hash_seed_see_the_same_features() -> None:
    def one_process() -> str:
        result = subprocess.run(
            [sys.executable, "-c", _FEATURES_OF_ONE_PROCESS],
            env={**os.environ, "PYTHONHASHSEED": "7", "PYTHONPATH": str(SUPPORT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    first = one_process()
    assert first.count(",") >= 2
    assert all(one_process() == first for _ in range(3))
