"""apifuzz.hashing: every process of a fuzzing run hashes strings with the run's seed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from apifuzz.hashing import hash_seed, seed_of_words


@pytest.mark.parametrize(
    ("words", "seed"),
    [
        (["fuzz", "t"], 1),
        (["fuzz", "t", "--seed", "7"], 7),
        (["fuzz", "--seed=9", "t"], 9),
        (["fuzz", "t", "--seed", "3", "--seed", "4"], 4),  # argparse: the last one wins
        (["fuzz", "t", "--", "--seed", "5"], 1),  # libFuzzer's words, not ours
        (["fuzz", "t", "--seed", "0"], None),  # drawn: known only later
        (["fuzz", "t", "--see", "5"], None),  # abbreviated: argparse decides
        (["fuzz", "t", "--seed", "x"], None),  # argparse reports it
        (["fuzz", "t", "--seed"], None),
        (["replay", "t", "--seed", "5"], None),
        ([], None),
    ],
)
def test_the_seed_is_read_from_plain_words_only(words: list[str], seed: int | None) -> None:
    assert seed_of_words(words) == seed


def test_a_seed_past_the_range_of_python_hash_seeds_wraps() -> None:
    assert hash_seed(7) == "7" and hash_seed(2**32 + 7) == "7"


def _hash_in(env: dict[str, str], *words: str) -> str:
    code = (
        "import os, sys\n"
        "from apifuzz.hashing import pin_string_hashing, startup_hash_seed\n"
        "pin_string_hashing(sys.argv[1:])\n"
        "print(os.environ.get('PYTHONHASHSEED'), startup_hash_seed(), hash('apifuzz'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *words], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_fuzz_starts_again_with_the_hash_seed_of_its_seed() -> None:
    bare = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    pinned = _hash_in(bare, "fuzz", "t", "--seed", "7")
    seed, startup, value = pinned.split()
    assert seed == startup == "7"
    assert value == _hash_in({**bare, "PYTHONHASHSEED": "7"}).split()[2]
    assert _hash_in({**bare, "PYTHONHASHSEED": "3"}, "fuzz", "--seed", "7").split()[:2] == [
        "3",
        "3",
    ]  # the user's is kept
    assert _hash_in(bare, "replay", "t").split()[:2] == ["None", "None"]  # other commands: as is


def test_the_program_pins_hashing_before_importing_anything_costly() -> None:
    code = (
        "import sys\n"
        "import apifuzz.entry\n"
        "print(sorted(m for m in ('wrapt', 'lark', 'apifuzz.cli', 'apifuzz.model') "
        "if m in sys.modules))\n"
        "from apifuzz import api, Target\n"  # a model's import still finds them
        "import apifuzz\n"
        "print(api.__module__, Target.__module__, 'api' in dir(apifuzz))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "[]",
        "apifuzz.model.decorators apifuzz.model.target True",
    ]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        import apifuzz

        apifuzz.nothing  # noqa: B018
