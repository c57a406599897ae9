"""``pytest --apifuzz-regress=DIR``: crash folders replayed as regression tests (pytester)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import fuzz_models
import pytest
import undo_models

from apifuzz import Target
from apifuzz.engine.crashes import CrashStore
from apifuzz.engine.judge import Judge
from apifuzz.language import Language
from apifuzz.model.loader import target_packages

pytest_plugins = ["pytester"]

DIVIDE = "new 5\ndivide 0 100\n"  # ZeroDivisionError in divide, unless APIFUZZ_TEST_NO_DIVIDE_BUG
LABEL = 'new 1\nlabel 0 "clip"\n'  # breaks the invariant with APIFUZZ_TEST_LABEL_BUG
FUZZ = "--apifuzz-target=fuzz_models"
UNDO = "--apifuzz-target=undo_models"


@pytest.fixture(autouse=True)
def bugs_on(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("APIFUZZ_TEST_NO_DIVIDE_BUG", "APIFUZZ_TEST_LABEL_BUG"):
        monkeypatch.delenv(name, raising=False)


def crash(
    root: Path,
    script: str,
    *,
    target: Target = fuzz_models.target,
    spec: str | None = "fuzz_models",
    undo_redo: bool = False,
) -> Path:
    """A crash folder as a fuzz worker writes it."""
    judge = Judge(
        Language.build(target), target_packages(spec or "fuzz_models"), undo_redo=undo_redo
    )
    verdict = judge.run(script)
    assert verdict.signature is not None and verdict.bug is not None
    store = CrashStore(root, "0", "replay {folder}", target=spec, undo_redo=undo_redo)
    store.hit(verdict.signature, verdict.bug, script.encode(), verdict.bug.traceback)
    return root / verdict.signature.key()


def test_an_active_bug_fails_with_its_signature(pytester: pytest.Pytester) -> None:
    folder = crash(pytester.path / "crashes", DIVIDE)
    key = folder.name
    result = pytester.runpytest("--apifuzz-regress=crashes", FUZZ)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "apifuzz: --apifuzz-regress=crashes (1 crash folder)",
            "collected 1 item",
            f"*_ apifuzz regression {key} _*",
            "the recorded bug still shows: ZeroDivisionError in divide at fuzz_models.py:*",
            f"signature: {key}",
            "bug:       line 2, in divide: ZeroDivisionError: integer division or modulo by zero",
            f"replayed:  {folder}/input.txt on target fuzz_models",
            "script:",
            "     1  new 5",
            "     2  divide 0 100",
            "Traceback (model frames only):",
            '  File "*fuzz_models.py", line *, in divide',
            "ZeroDivisionError: integer division or modulo by zero",
            f"FAILED crashes/{key}::{key}*",
        ]
    )
    assert "apifuzz/interpreter" not in result.stdout.str()
    assert "runner.py" not in result.stdout.str()


def test_a_fixed_bug_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    crash(pytester.path / "crashes", DIVIDE)
    monkeypatch.setenv("APIFUZZ_TEST_NO_DIVIDE_BUG", "1")
    pytester.runpytest("--apifuzz-regress=crashes", FUZZ).assert_outcomes(passed=1)


def test_the_folder_as_the_path_too_runs_only_the_crash_folders(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash(pytester.path / "crashes", DIVIDE)
    pytester.makepyfile(test_own="def test_own():\n    pass\n")
    monkeypatch.setenv("APIFUZZ_TEST_NO_DIVIDE_BUG", "1")
    pytester.runpytest("--apifuzz-regress=crashes", FUZZ).assert_outcomes(passed=2)
    pytester.runpytest("--apifuzz-regress=crashes", FUZZ, "crashes").assert_outcomes(passed=1)


def test_a_different_bug_fails_and_says_so(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = crash(pytester.path / "crashes", DIVIDE)
    (folder / "input.txt").write_text(LABEL)
    monkeypatch.setenv("APIFUZZ_TEST_LABEL_BUG", "1")
    result = pytester.runpytest("--apifuzz-regress=crashes", FUZZ)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "a different bug shows: invariant whole: AssertionError in whole at fuzz_models.py:* "
            "(recorded: ZeroDivisionError in divide at fuzz_models.py:*)",
            "signature: invariant-AssertionError-whole-*",
        ]
    )


def test_minimized_txt_is_replayed_when_present(pytester: pytest.Pytester) -> None:
    folder = crash(pytester.path / "crashes", DIVIDE)
    (folder / "minimized.txt").write_text("new 1\n")  # no bug: the item passes
    pytester.runpytest("--apifuzz-regress=crashes", FUZZ).assert_outcomes(passed=1)
    (folder / "minimized.txt").write_text("new 7\ndivide 0 100\n")
    result = pytester.runpytest("--apifuzz-regress=crashes", FUZZ)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"replayed:  {folder}/minimized.txt on target fuzz_models"])


def test_an_undo_redo_crash_replays_with_the_oracle(pytester: pytest.Pytester) -> None:
    crash(
        pytester.path / "crashes",
        "push 13\n",
        target=undo_models.broken_redo,
        spec="undo_models",
        undo_redo=True,
    )
    result = pytester.runpytest("--apifuzz-regress=crashes", UNDO)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "the recorded bug still shows: oracle: undo/redo after push (AssertionError)",
            "bug:       line 1, undo/redo after push: AssertionError: undo then redo did not give "
            "back the state: values changed; values before: (13,), after: (14,)",
            "replayed:  * on target undo_models with the undo/redo oracle",
        ]
    )


def test_items_are_named_by_signature_and_selectable(pytester: pytest.Pytester) -> None:
    root = pytester.path / "nested"
    divide = crash(root / "w1" / "crashes", DIVIDE).name
    undo = crash(
        root / "w2" / "crashes",
        "push 13\n",
        target=undo_models.broken_redo,
        spec="undo_models",
        undo_redo=True,
    ).name
    result = pytester.runpytest("--apifuzz-regress=nested", FUZZ, UNDO, "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [f"nested/w1/crashes/{divide}::{divide}", f"nested/w2/crashes/{undo}::{undo}"]
    )
    result = pytester.runpytest("--apifuzz-regress=nested", FUZZ, UNDO, "-k", "oracle")
    result.assert_outcomes(failed=1, deselected=1)


def test_without_a_configured_target_a_folder_is_a_collection_error(
    pytester: pytest.Pytester,
) -> None:
    recorded = crash(pytester.path / "crashes" / "a", DIVIDE)
    bare = crash(pytester.path / "crashes" / "b", DIVIDE, spec=None)
    assert "target" not in json.loads((bare / "signature.json").read_text())
    result = pytester.runpytest("--apifuzz-regress=crashes")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            f"*ERROR collecting crashes/a/{recorded.name}*",
            f"{recorded}: no target configured (signature.json records fuzz_models): pass "
            f"--apifuzz-target=MODULE or set the apifuzz_targets ini value; a crash folder's "
            f"own record is not imported",
            f"*ERROR collecting crashes/b/{bare.name}*",
            f"{bare}: no target configured: pass --apifuzz-target=MODULE or set the "
            f"apifuzz_targets ini value; a crash folder's own record is not imported",
        ]
    )
    result = pytester.runpytest("--apifuzz-regress=crashes", FUZZ)
    result.assert_outcomes(failed=2)


def test_a_folder_without_a_target_needs_a_single_configured_one(
    pytester: pytest.Pytester,
) -> None:
    folder = crash(pytester.path / "crashes", DIVIDE, spec=None)
    result = pytester.runpytest("--apifuzz-regress=crashes", FUZZ, UNDO)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            f"{folder}: no target: signature.json records none and 2 targets are configured "
            f"(fuzz_models, undo_models); pass one --apifuzz-target=MODULE",
        ]
    )


def test_the_ini_value_names_the_target_too(pytester: pytest.Pytester) -> None:
    crash(pytester.path / "crashes", DIVIDE, spec=None)
    crash(pytester.path / "crashes", "push 13\n", target=undo_models.broken_redo,
          spec="undo_models:target", undo_redo=True)  # fmt: skip
    pytester.makeini("[pytest]\napifuzz_targets =\n    fuzz_models\n    undo_models\n")
    # The folder without a target is an error (two are configured); undo_models:target runs.
    result = pytester.runpytest("--apifuzz-regress=crashes", "--continue-on-collection-errors")
    result.assert_outcomes(failed=1, errors=1)
    pytester.makeini("[pytest]\napifuzz_targets = fuzz_models\n")
    # undo_models:target is undo_models, but not fuzz_models: refused, never imported.
    result = pytester.runpytest("--apifuzz-regress=crashes")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*signature.json names target 'undo_models:target'*"])


def test_a_target_that_does_not_load_fails_the_item(pytester: pytest.Pytester) -> None:
    folder = crash(pytester.path / "crashes", DIVIDE)
    info = json.loads((folder / "signature.json").read_text())
    (folder / "signature.json").write_text(json.dumps(dict(info, target="no_such_module")))
    result = pytester.runpytest("--apifuzz-regress=crashes", "--apifuzz-target=no_such_module")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["target no_such_module: cannot import 'no_such_module'*"])


EVIL = """
from pathlib import Path

Path(__file__).with_name("MARKER").write_text("the crash folder ran code")
"""


def evil_folder(root: Path) -> tuple[Path, str]:
    """A crash folder whose signature.json names a module it ships: ``crashes.<key>.evil``."""
    folder = crash(root / "crashes", DIVIDE)
    (folder / "evil.py").write_text(EVIL)
    info = json.loads((folder / "signature.json").read_text())
    evil = f"crashes.{folder.name}.evil"
    (folder / "signature.json").write_text(json.dumps(dict(info, target=evil)))
    return folder, evil


def test_a_folder_naming_another_target_fails_and_is_never_imported(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, evil = evil_folder(pytester.path)
    crash(pytester.path / "crashes" / "legit", DIVIDE)
    # The module is there to import from the current folder: the attack is real.
    monkeypatch.syspath_prepend(str(pytester.path))
    assert importlib.util.find_spec(evil) is not None
    monkeypatch.setenv("APIFUZZ_TEST_NO_DIVIDE_BUG", "1")  # the legit folder's bug is fixed
    monkeypatch.setenv("PYTHONPATH", str(Path(fuzz_models.__file__).parent))
    result = pytester.runpytest_subprocess("--apifuzz-regress=crashes", FUZZ)
    assert not (folder / "MARKER").exists()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            f"*_ apifuzz regression {folder.name} _*",
            f"{folder}: signature.json names target '{evil}', which is not configured "
            f"(fuzz_models): not imported; if the folder is right, add its target with "
            f"--apifuzz-target or the apifuzz_targets ini value, else fix or remove it",
            f"FAILED crashes/{folder.name}::{folder.name}*",
        ]
    )
    # Nor without a configured target, nor with the ini value naming it.
    result = pytester.runpytest_subprocess("--apifuzz-regress=crashes")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    pytester.makeini("[pytest]\napifuzz_targets = fuzz_models\n")
    pytester.runpytest_subprocess("--apifuzz-regress=crashes").assert_outcomes(failed=1, passed=1)
    assert not (folder / "MARKER").exists()
