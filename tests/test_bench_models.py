"""The deep-bug benchmark's model (tools/bench/models/ledger.py): each seeded bug is real.

Its shortest script shows it with that bug on, and with every bug off the same
script runs clean: the benchmark counts only the bugs it seeded.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from apifuzz.interpreter import Interpreter
from apifuzz.language import Language

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "bench" / "models"))

import ledger


@pytest.mark.parametrize("name", ledger.ALL_BUGS)
def test_each_seeded_bug_shows_only_when_on(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = ledger.SCRIPTS[name]
    interpreter = Interpreter(Language.build(ledger.target))
    monkeypatch.delenv(ledger.ENV_VAR, raising=False)
    clean = interpreter.run(script)
    assert clean.bug is None and clean.skipped == 0, clean.statements
    monkeypatch.setenv(ledger.ENV_VAR, name)
    shown = interpreter.run(script)
    assert shown.bug is not None and shown.bug.line == len(script.splitlines())
    # Four related calls at least before the failing one.
    assert len(script.splitlines()) >= 4


def test_the_other_bugs_do_not_show_it(monkeypatch: pytest.MonkeyPatch) -> None:
    interpreter = Interpreter(Language.build(ledger.target))
    for name, script in ledger.SCRIPTS.items():
        others = ",".join(b for b in ledger.ALL_BUGS if b != name)
        monkeypatch.setenv(ledger.ENV_VAR, others)
        assert interpreter.run(script).bug is None, name
