"""apifuzz.testgen.regression and ``apifuzz to-test``: generated tests fail with the bug, pass without.

Every seeded bug of the example timeline is turned into a test, which is then
run in this process with the bug switched on (it must raise the exception of
the script's signature, from the same innermost frame of the model) and off
(it must pass).  The bugs are read when a Timeline is constructed, so setting
the environment variable before calling the test function is enough.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import example_timeline
from apifuzz.engine.triage import Signature
from apifuzz.errors import ApifuzzError, UsageError
from apifuzz.testgen.regression import WrittenTest, default_output, to_test
from example_timeline.bugs import ALL_BUGS, ENV_VAR, script_path

ROOT = Path(__file__).resolve().parents[2]
SUPPORT = ROOT / "tests" / "support"
MODEL_DIR = Path(example_timeline.__file__).resolve().parent


def load(path: Path) -> ModuleType:
    name = f"generated_{path.stem}_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_test(module: ModuleType, name: str) -> Callable[[], None]:
    function = getattr(module, name)
    assert callable(function)
    return function  # type: ignore[no-any-return]


def innermost_model_frame(exc: BaseException) -> tuple[str, str, int]:
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(str(MODEL_DIR))
    ]
    assert frames, "no frame of the model in the traceback"
    frame = frames[-1]
    return os.path.relpath(frame.filename, MODEL_DIR.parent), frame.name, frame.lineno or 0


def check_fails_then_passes(
    written: WrittenTest, bug: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    function = generated_test(load(written.path), written.test_name)
    monkeypatch.setenv(ENV_VAR, bug)
    with pytest.raises(BaseException) as raised:
        function()
    signature = written.signature
    assert type(raised.value).__name__ == signature.error
    if signature.kind == "oracle":
        # The oracle compared states: the generated helper raised it, not an invariant.
        names = [f.name for f in traceback.extract_tb(raised.value.__traceback__)]
        assert "_undo_redo" in names, names
    else:
        assert innermost_model_frame(raised.value) == (
            signature.file,
            signature.function,
            signature.line,
        )
    monkeypatch.delenv(ENV_VAR)
    function()  # the bug is gone: the test passes


@pytest.mark.parametrize("bug", ALL_BUGS)
def test_every_seeded_bug(bug: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, bug)
    written = to_test("example_timeline", script_path(bug), out=tmp_path / f"test_{bug}.py")
    assert written.status == "created" and written.steps > 0
    check_fails_then_passes(written, bug, monkeypatch)


# The undo/redo after select_items undoes the clip's insertion, which deselects it: the redo
# that should keep a dead id selected finds nothing selected.
HIDDEN_BY_THE_ORACLE = {"redo_keeps_selection"}


@pytest.mark.parametrize("bug", ALL_BUGS)
def test_every_seeded_bug_with_undo_redo(
    bug: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, bug)
    out = tmp_path / f"test_{bug}.py"
    if bug in HIDDEN_BY_THE_ORACLE:
        with pytest.raises(ApifuzzError, match="shows no bug with the undo/redo oracle"):
            to_test("example_timeline", script_path(bug), out=out, undo_redo=True)
        return
    written = to_test("example_timeline", script_path(bug), out=out, undo_redo=True)
    assert written.undo_redo and "def _undo_redo(timeline: Timeline)" in written.path.read_text()
    check_fails_then_passes(written, bug, monkeypatch)


def test_append_keeps_a_hand_written_file_and_adds_a_signature_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "test_timeline.py"
    original = (
        "# My own tests; apifuzz appends below.\n"
        "from example_timeline import Timeline\n\n\n"
        "def test_mine() -> None:\n"
        "\tassert Timeline().undo() is False  # a tab-indented file\n"
    )
    path.write_bytes(original.encode())
    monkeypatch.setenv(ENV_VAR, "redo_not_cleared,collision_off_by_one")
    first = to_test("example_timeline", script_path("redo_not_cleared"), out=path)
    assert first.status == "appended"
    text = path.read_text()
    assert text.startswith(original)
    assert "\n\tclip_6 = timeline.insert_clip(bin_5, track_1, 0)\n" in text  # the file's indent
    again = to_test("example_timeline", script_path("redo_not_cleared"), out=path)
    assert again.status == "present" and again.test_name == first.test_name
    assert path.read_text() == text
    # Renamed by its owner, the test is still found by its signature, and named as it is now.
    path.write_text(text.replace(first.test_name, "test_redo_after_new_edit"))
    renamed = to_test("example_timeline", script_path("redo_not_cleared"), out=path)
    assert renamed.status == "present" and renamed.test_name == "test_redo_after_new_edit"
    path.write_text(text)
    second = to_test("example_timeline", script_path("collision_off_by_one"), out=path)
    assert second.status == "appended" and path.read_text().startswith(text)
    module = load(path)
    module.test_mine()
    monkeypatch.delenv(ENV_VAR)
    generated_test(module, first.test_name)()
    generated_test(module, second.test_name)()


def test_crash_folder_uses_the_minimized_script_and_its_oracle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(SUPPORT))
    folder = tmp_path / "crashes" / "oracle-AssertionError-push-0123456789"
    folder.mkdir(parents=True)
    (folder / "input.txt").write_text("push 1\npush 2\npop\npush 13\npush 3\n")
    (folder / "minimized.txt").write_text("push 13\n")
    signature = Signature("oracle", "AssertionError", "", "push", 0)
    info = {"signature": signature.__dict__, "target": "undo_models", "undo_redo": True}
    (folder / "signature.json").write_text(json.dumps(info))
    written = to_test("undo_models", folder, out=tmp_path / "test_stack.py")
    assert written.undo_redo and written.oracle_from_artifact
    assert written.signature == signature and written.steps == 1
    function = generated_test(load(written.path), written.test_name)
    with pytest.raises(AssertionError):
        function()


def test_hang_becomes_a_test_that_fails_instead_of_hanging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(SUPPORT))
    monkeypatch.setenv("APIFUZZ_TEST_HANG", "1")
    script = tmp_path / "hang.txt"
    script.write_text("new 5\nspin 255\nnew 6\n")
    written = to_test("fuzz_models", script, out=tmp_path / "test_cells.py", timeout=0.5)
    assert written.signature.kind == "timeout" and written.test_name.startswith("test_spin_hangs_")
    function = generated_test(load(written.path), written.test_name)
    with pytest.raises(TimeoutError):
        function()
    monkeypatch.delenv("APIFUZZ_TEST_HANG")
    function()


def test_a_bug_in_the_factory_is_a_test_without_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(SUPPORT))
    monkeypatch.setenv("APIFUZZ_TEST_SHELF_BUG", "1")
    script = tmp_path / "shelf.txt"
    script.write_text("! 13\nunpack 1\n")
    written = to_test("regression_models:shelf", script, out=tmp_path / "test_shelf.py")
    assert written.steps == 0 and written.test_name.startswith("test_shelf_raises_valueerror_")
    assert "    shelf = make_shelf(size=13)\n    shelf.grounded()\n" in written.path.read_text()
    function = generated_test(load(written.path), written.test_name)
    with pytest.raises(ValueError, match="unlucky"):
        function()
    monkeypatch.delenv("APIFUZZ_TEST_SHELF_BUG")
    function()


def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(ApifuzzError, match="shows no bug"):
        to_test("example_timeline", script_path("redo_not_cleared"), out=tmp_path / "t.py")
    assert not (tmp_path / "t.py").exists()
    with pytest.raises(ApifuzzError, match="cannot read script"):
        to_test("example_timeline", tmp_path / "missing.txt", out=tmp_path / "t.py")
    with pytest.raises(ApifuzzError, match="not a crash folder"):
        to_test("example_timeline", tmp_path, out=tmp_path / "t.py")
    monkeypatch.syspath_prepend(str(SUPPORT))
    with pytest.raises(UsageError, match="declares no undo/redo"):
        to_test("sample_models:store_target", script_path("redo_not_cleared"), undo_redo=True)
    monkeypatch.setenv(ENV_VAR, "redo_not_cleared")
    with pytest.raises(ApifuzzError, match="is a folder"):
        to_test("example_timeline", script_path("redo_not_cleared"), out=tmp_path)


def test_default_output_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VAR, "redo_keeps_selection")
    written = to_test("example_timeline", script_path("redo_keeps_selection"))
    assert written.path == default_output(example_timeline.target)
    assert written.path == Path("tests", "regression", "test_example_timeline_regressions.py")
    assert (tmp_path / written.path).is_file()


def run(*args: str, cwd: Path, bugs: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(SUPPORT)])
    if bugs is not None:
        env[ENV_VAR] = bugs
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "test_x.py"
    script = str(script_path("redo_not_cleared"))
    made = run(
        "-m",
        "apifuzz",
        "to-test",
        "example_timeline",
        script,
        "-o",
        str(out),
        cwd=tmp_path,
        bugs="redo_not_cleared",
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"created {out}: test_redo_raises_keyerror_")
    assert "6 steps (KeyError in _destroy_clip at model.py:" in made.stdout
    pytest_args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(out))
    failing = run(*pytest_args, cwd=tmp_path, bugs="redo_not_cleared")
    assert failing.returncode == 1, failing.stdout
    assert "KeyError" in failing.stdout
    passing = run(*pytest_args, cwd=tmp_path, bugs=None)
    assert passing.returncode == 0, passing.stdout
    again = run(
        "-m",
        "apifuzz",
        "to-test",
        "example_timeline",
        script,
        "-o",
        str(out),
        cwd=tmp_path,
        bugs="redo_not_cleared",
    )
    assert again.returncode == 0 and "already has test_redo_raises_keyerror_" in again.stdout
    lint = run(
        "-m",
        "ruff",
        "check",
        "--config",
        str(ROOT / "pyproject.toml"),
        str(out),
        cwd=tmp_path,
        bugs=None,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["example_timeline", "{bug}"], "shows no bug"),
        (["sample_models:store_target", "{bug}", "--undo-redo"], "declares no undo/redo"),
        (["example_timeline", "{missing}"], "cannot read script"),
        (["example_timeline", "{bug}", "--timeout", "-1"], "--timeout must not be negative"),
    ],
)
def test_cli_errors_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    words = [a.format(bug=script_path("redo_not_cleared"), missing=tmp_path / "x") for a in args]
    result = run("-m", "apifuzz", "to-test", *words, cwd=tmp_path, bugs=None)
    assert result.returncode == 2
    assert result.stderr.startswith("apifuzz to-test: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# -- crash folders ----------------------------------------------------------------------------


def crash_folder(
    root: Path,
    script: str,
    signature: Signature,
    *,
    minimized: str | None = None,
    packages: tuple[str, ...] = (),
    environment: dict[str, str] | None = None,
) -> Path:
    """A crash folder as a fuzz worker writes it (without the oracle)."""
    folder = root / "crashes" / signature.key()
    folder.mkdir(parents=True)
    (folder / "input.txt").write_text(script)
    info: dict[str, object] = {"signature": signature.__dict__, "target": "example_timeline"}
    if packages:
        info["packages"] = list(packages)
    if environment:
        info["environment"] = environment
    (folder / "signature.json").write_text(json.dumps(info))
    if minimized is not None:
        (folder / "minimized.txt").write_text(minimized)
    return folder


def signature_of_script(spec: str, script: str, packages: list[str]) -> Signature:
    from apifuzz.engine.judge import Judge
    from apifuzz.language import Language
    from apifuzz.model.loader import load_target

    verdict = Judge(Language.build(load_target(spec)), packages).run(script)
    assert verdict.signature is not None
    return verdict.signature


def test_a_crash_folder_must_show_the_bug_it_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "redo_not_cleared,collision_off_by_one")
    script = script_path("redo_not_cleared").read_text()
    shown = signature_of_script("example_timeline", script, ["example_timeline"])
    other = script_path("collision_off_by_one").read_text()
    recorded = signature_of_script("example_timeline", other, ["example_timeline"])
    folder = crash_folder(tmp_path, script, recorded)
    out = tmp_path / "test_x.py"
    with pytest.raises(ApifuzzError) as refused:
        to_test("example_timeline", folder, out=out)
    message = str(refused.value)
    assert "\n" not in message and "--any-bug" in message
    assert f"the folder recorded {recorded.describe()}, the replay shows {shown.describe()}" in (
        message
    )
    assert not out.exists()
    written = to_test("example_timeline", folder, out=out, any_bug=True)
    assert written.signature == shown and written.recorded == recorded
    assert f"# signature: {shown.key()}" in out.read_text()


def test_a_crash_folder_without_its_bug_says_what_may_explain_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "redo_not_cleared")
    script = script_path("redo_not_cleared").read_text()
    recorded = signature_of_script("example_timeline", script, ["example_timeline"])
    folder = crash_folder(
        tmp_path, script, recorded, environment={"APIFUZZ_EXAMPLE_BUGS": "redo_not_cleared"}
    )
    monkeypatch.delenv(ENV_VAR)  # the environment the fuzzer ran with is gone
    with pytest.raises(ApifuzzError) as refused:
        to_test("example_timeline", folder, out=tmp_path / "t.py", any_bug=True)
    message = str(refused.value)
    assert message.endswith(
        f"the folder recorded {recorded.describe()}, the replay shows no bug; "
        "the fuzzer ran with APIFUZZ_EXAMPLE_BUGS=redo_not_cleared: set it too"
    )
    assert "--undo-redo" not in message  # the folder says it was found without the oracle
    assert "\n" not in message
    # The folder's input.txt is that folder, with the same hint.
    with pytest.raises(ApifuzzError, match=r"the replay shows no bug; the fuzzer ran with"):
        to_test("example_timeline", folder / "input.txt", out=tmp_path / "t.py")
    # Another target than the folder's is named; a fixed bug is suggested when nothing else.
    with pytest.raises(ApifuzzError, match=r"recorded with target example_timeline, not "):
        to_test("example_timeline:target", folder, out=tmp_path / "t.py")
    crash_folder(tmp_path / "other", script, recorded)  # the same, without the environment
    folder = tmp_path / "other" / "crashes" / recorded.key()
    with pytest.raises(ApifuzzError, match=r"shows no bug; fixed since it was found\?$"):
        to_test("example_timeline", folder, out=tmp_path / "t.py")
    # A plain script may come from a run with the oracle: that is worth a hint.
    (tmp_path / "plain.txt").write_text(script)
    with pytest.raises(
        ApifuzzError,
        match=r"shows no bug: .*; if the fuzzer found it with --undo-redo, give --undo-redo too$",
    ):
        to_test("example_timeline", tmp_path / "plain.txt", out=tmp_path / "t.py")
    # Not for a target without undo/redo.
    monkeypatch.syspath_prepend(str(SUPPORT))
    with pytest.raises(ApifuzzError) as plain:
        to_test("undo_models:no_undo", tmp_path / "push.txt", out=tmp_path / "t.py")
    assert "cannot read" in str(plain.value)
    (tmp_path / "push.txt").write_text("push 1\n")
    with pytest.raises(ApifuzzError) as plain:
        to_test("undo_models:no_undo", tmp_path / "push.txt", out=tmp_path / "t.py")
    assert "shows no bug:" in str(plain.value) and "--undo-redo" not in str(plain.value)


def test_a_crash_folder_is_judged_with_the_packages_it_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fuzzer ran a target defined outside the model's package, with --instrument for
    the model: its frames made the signature, so they must make the test's too."""
    (tmp_path / "timeline_target.py").write_text("from example_timeline import target as target\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(ENV_VAR, "redo_not_cleared")
    script = script_path("redo_not_cleared").read_text()
    packages = ["example_timeline", "timeline_target"]
    recorded = signature_of_script("timeline_target", script, packages)
    assert recorded.file == "example_timeline/model.py"
    assert signature_of_script("timeline_target", script, ["timeline_target"]) != recorded
    folder = crash_folder(tmp_path, script, recorded, packages=tuple(packages))
    written = to_test("timeline_target", folder, out=tmp_path / "test_timeline.py")
    assert written.signature == recorded and written.recorded == recorded
    check_fails_then_passes(written, "redo_not_cleared", monkeypatch)


def test_a_crash_folder_quotes_its_minimized_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "redo_not_cleared")
    script = script_path("redo_not_cleared").read_text()
    recorded = signature_of_script("example_timeline", script, ["example_timeline"])
    statements = [line for line in script.splitlines() if line and not line.startswith("#")]
    minimized = (
        f"# apifuzz minimize: {recorded.describe()}\n"
        f"# from crashes/x: {len(statements) + 2} -> {len(statements)} statements\n"
        + "\n".join(statements)
        + "\n"
    )
    padded = "bogus statement\n" + script + "also not a statement\n"
    folder = crash_folder(tmp_path, padded, recorded, minimized=minimized)
    written = to_test("example_timeline", folder, out=tmp_path / "test_x.py")
    text = written.path.read_text()
    assert f"    # script (minimized from {len(statements) + 2} statements):\n" in text
    assert "# apifuzz minimize:" not in text and "# from crashes" not in text
    assert f"    #   {statements[0]}\n" in text and "bogus" not in text
    check_fails_then_passes(written, "redo_not_cleared", monkeypatch)


# -- the undo/redo oracle ---------------------------------------------------------------------


def test_a_redo_refused_after_an_undo_fails_the_test_as_the_oracle_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(SUPPORT))
    import undo_models

    script = tmp_path / "redo.txt"
    script.write_text("push 7\npop\n")
    written = to_test("undo_models:raising_redo", script, out=tmp_path / "t.py", undo_redo=True)
    assert written.signature.kind == "oracle" and written.signature.error == "AssertionError"
    function = generated_test(load(written.path), written.test_name)
    # The oracle's AssertionError, not the model's expected exception.
    with pytest.raises(AssertionError, match=r"redo\(\) refused after an undo: cannot redo"):
        function()
    # Fixed by a redo that works, or by a pop that refuses to pop 7: the test passes.
    with monkeypatch.context() as fixed:
        fixed.setattr(undo_models.RaisingRedo, "redo", undo_models.Stack.redo)
        function()

    def refusing_pop(self: undo_models.Stack) -> int:
        if self.values[-1:] == [7]:
            raise undo_models.Refused("not 7")
        return undo_models.Stack.pop(self)

    with monkeypatch.context() as fixed:
        fixed.setattr(undo_models.RaisingRedo, "pop", refusing_pop)
        function()


def test_cli_output_option_and_any_bug(tmp_path: Path) -> None:
    script = str(script_path("redo_not_cleared"))
    for option in ("--output", "--out"):  # --out: the old name, still understood
        out = tmp_path / f"test{option}.py"
        made = run(
            "-m", "apifuzz", "to-test", "example_timeline", script, option, str(out),
            cwd=tmp_path, bugs="redo_not_cleared",
        )  # fmt: skip
        assert made.returncode == 0 and out.is_file(), made.stderr
    helped = run("-m", "apifuzz", "to-test", "--help", cwd=tmp_path, bugs=None)
    assert "-o FILE, --output FILE" in helped.stdout and "--out " not in helped.stdout
    assert "--any-bug" in helped.stdout
    bugs = "redo_not_cleared,collision_off_by_one"
    recorded = Signature("invariant", "AssertionError", "example_timeline/model.py", "f", 1, "f")
    folder = crash_folder(tmp_path, script_path("redo_not_cleared").read_text(), recorded)
    args = ("-m", "apifuzz", "to-test", "example_timeline", str(folder), "-o", "t.py")
    refused = run(*args, cwd=tmp_path, bugs=bugs)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert f"the folder recorded {recorded.describe()}, the replay shows KeyError" in (
        refused.stderr
    )
    accepted = run(*args, "--any-bug", cwd=tmp_path, bugs=bugs)
    assert accepted.returncode == 0, accepted.stderr
    assert f"INFO: the folder recorded {recorded.describe()} (--any-bug)" in accepted.stdout
