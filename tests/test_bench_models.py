"""The deep-bug benchmark's models (tools/bench/models/): each seeded bug is real.

Its shortest script shows it with that bug on, and with every bug off the same
script runs clean: the benchmark counts only the bugs it seeded.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

from apifuzz.interpreter import Interpreter
from apifuzz.language import Language

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "bench" / "models"))

import ledger
import notebook

MODELS = (ledger, notebook)
BUGS = [(model, name) for model in MODELS for name in model.ALL_BUGS]


@pytest.mark.parametrize(("model", "name"), BUGS, ids=[name for _, name in BUGS])
def test_each_seeded_bug_shows_only_when_on(
    model: ModuleType, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = model.SCRIPTS[name]
    interpreter = Interpreter(Language.build(model.target))
    monkeypatch.delenv(model.ENV_VAR, raising=False)
    clean = interpreter.run(script)
    assert clean.bug is None and clean.skipped == 0, clean.statements
    monkeypatch.setenv(model.ENV_VAR, name)
    shown = interpreter.run(script)
    assert shown.bug is not None and shown.bug.line == len(script.splitlines())
    # Four related calls at least before the failing one.
    assert len(script.splitlines()) >= 4


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_the_other_bugs_do_not_show_it(model: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    interpreter = Interpreter(Language.build(model.target))
    for name, script in model.SCRIPTS.items():
        others = ",".join(b for b in model.ALL_BUGS if b != name)
        monkeypatch.setenv(model.ENV_VAR, others)
        assert interpreter.run(script).bug is None, name
