"""The commands a campaign hands the user: ``reproduce.sh`` works from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import fuzz_models
import pytest

from apifuzz.campaign.commands import reproduce_command, to_test_command
from apifuzz.engine.crashes import CrashStore
from apifuzz.engine.judge import Judge
from apifuzz.language import Language
from apifuzz.model.loader import target_packages

DIVIDE = "new 5\ndivide 0 100\n"  # ZeroDivisionError in divide


def crash_folder(crashes: Path) -> Path:
    """The crash folder of DIVIDE, stored as a fuzz worker in the current directory would."""
    judge = Judge(Language.build(fuzz_models.target), target_packages("fuzz_models"))
    verdict = judge.run(DIVIDE)
    assert verdict.signature is not None and verdict.bug is not None
    store = CrashStore(crashes, "0", reproduce_command("fuzz_models"), target="fuzz_models")
    store.hit(verdict.signature, verdict.bug, DIVIDE.encode(), verdict.bug.traceback)
    return crashes / verdict.signature.key()


def test_reproduce_sh_works_from_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fuzzer ran in a folder with an awkward name, which holds the model (importable
    # only from there) and an apifuzz package that is not the installed one, as a
    # checkout's parent holds the checkout.
    here = tmp_path / "run dir 'x' $HOME"
    here.mkdir()
    shutil.copy(fuzz_models.__file__, here / "fuzz_models.py")
    (here / "apifuzz").mkdir()
    (here / "apifuzz" / "__init__.py").write_text("raise SystemExit('the shadow was imported')\n")
    monkeypatch.chdir(here)
    monkeypatch.setenv("APIFUZZ_TEST_QUOTING", "a b'c {x} $HOME")
    script = crash_folder(here / ".apifuzz" / "crashes") / "reproduce.sh"

    # Nothing of the test's environment helps: no APIFUZZ_* variable, no PYTHONPATH.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APIFUZZ_", "PYTHON"))}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for cwd in (elsewhere, here, here / "apifuzz", tmp_path):
        result = subprocess.run(
            ["sh", str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1, (cwd, result.stdout + result.stderr)
        assert "reproduced: ZeroDivisionError in divide at fuzz_models.py:" in result.stdout
    # Pasted into a shell, the command leaves the shell where it was.
    line = script.read_text().splitlines()[-1]
    shell = subprocess.run(
        ["sh", "-c", f"{line}; echo; pwd; echo $APIFUZZ_TEST_QUOTING"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.stdout.splitlines()[-2:] == [str(elsewhere), ""], shell.stdout


def test_reproduce_sh_runs_another_command_on_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "run"
    here.mkdir()
    shutil.copy(fuzz_models.__file__, here / "fuzz_models.py")
    monkeypatch.chdir(here)
    folder = crash_folder(here / "crashes")
    command = to_test_command("fuzz_models", folder)
    assert command == f"sh {folder}/reproduce.sh to-test"
    test_file = tmp_path / "test_divide.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APIFUZZ_", "PYTHON"))}
    made = subprocess.run(
        [*command.split(), "-o", str(test_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "fuzz_models" in test_file.read_text()
    # A folder whose reproduce.sh only replays (written before) gets the command in full.
    (folder / "reproduce.sh").write_text("#!/bin/sh\n(cd /x && python -m apifuzz replay t f)\n")
    assert to_test_command("fuzz_models", folder).endswith(f"to-test fuzz_models {folder}")
