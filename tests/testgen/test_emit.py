"""testgen.emit: generated regression tests, checked byte for byte against golden files.

The golden files are ``tests/testgen/golden/*.py``.  After an intended change
of the generated code, rewrite them and review the diff::

    APIFUZZ_UPDATE_GOLDEN=1 python -m pytest tests/testgen/test_emit.py

The signature in each header is a fixed one (line 0), so that editing the
example model does not change the golden files; tests/testgen/test_regression.py
checks the real signatures against the generated tests' failures.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.engine.triage import Signature
from apifuzz.language import Language
from apifuzz.model.target import Target
from apifuzz.testgen.emit import BugInfo, GeneratedTest, emit, regression_test_name
from apifuzz.testgen.function import script_comment, wrap
from apifuzz.testgen.steps import Outcome, Steps, collect_steps
from example_timeline import target as timeline_target
from example_timeline.bugs import script_path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("APIFUZZ_UPDATE_GOLDEN") == "1"


def check_golden(name: str, code: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(code, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    if code != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                code.splitlines(keepends=True),
                f"golden/{name}",
                "generated",
            )
        )
        pytest.fail(
            f"generated code differs from golden/{name} "
            f"(APIFUZZ_UPDATE_GOLDEN=1 rewrites it):\n{diff}"
        )


def bug(kind: str, error: str, function: str, invariant: str = "") -> BugInfo:
    signature = Signature(kind, error, "example/model.py", function, 0, invariant)
    return BugInfo(kind, error, invariant, signature.key(), signature.describe())


def timeline_steps(
    name: str, monkeypatch: pytest.MonkeyPatch, *, undo_redo: bool = False
) -> tuple[Steps, str]:
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", name)
    script = script_path(name).read_text()
    return collect_steps(Language.build(timeline_target), script, undo_redo=undo_redo), script


CASES = {
    # bug name: (kind, error, function in the model, invariant)
    "redo_not_cleared": ("exception", "KeyError", "_destroy_clip", ""),
    "collision_off_by_one": (
        "invariant",
        "AssertionError",
        "check_consistency",
        "check_consistency",
    ),
    "group_move_undo_late_binding": ("exception", "AssertionError", "_attach", ""),
    "retarget_not_undoable": ("exception", "AssertionError", "_remove_track", ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_seeded_bug_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    steps, script = timeline_steps(name, monkeypatch)
    emitted = emit(GeneratedTest(steps, bug(*CASES[name]), script))
    assert emitted.code is not None and not emitted.appended
    assert emitted.steps == len(steps.steps)
    check_golden(f"{name}.py", emitted.code)


def test_undo_redo_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    steps, script = timeline_steps("redo_not_cleared", monkeypatch, undo_redo=True)
    emitted = emit(GeneratedTest(steps, bug(*CASES["redo_not_cleared"]), script))
    assert emitted.code is not None
    check_golden("redo_not_cleared_undo_redo.py", emitted.code)


HAND_WRITTEN = '''\
"""Hand-written timeline tests, with a regression test appended by apifuzz."""

from example_timeline import Timeline


def test_a_new_timeline_has_four_tracks() -> None:
    assert Timeline().track_ids() == [1, 2, 3, 4]


# a trailing comment of the hand-written file
'''


def test_append_keeps_the_file_as_an_exact_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    steps, script = timeline_steps("retarget_not_undoable", monkeypatch, undo_redo=True)
    test = GeneratedTest(steps, bug(*CASES["retarget_not_undoable"]), script)
    emitted = emit(test, HAND_WRITTEN)
    assert emitted.code is not None and emitted.appended
    assert emitted.code.startswith(HAND_WRITTEN)
    # Timeline is imported by the file and reused; the other names are imported locally.
    check_golden("append_hand_written.py", emitted.code)
    # The same signature again: nothing to add.
    again = emit(test, emitted.code)
    assert again.code is None and again.test_name == emitted.test_name
    # Another bug is appended after the first one, the file still a prefix.
    other_steps, other_script = timeline_steps("redo_not_cleared", monkeypatch, undo_redo=True)
    other = emit(
        GeneratedTest(other_steps, bug(*CASES["redo_not_cleared"]), other_script), emitted.code
    )
    assert other.code is not None and other.code.startswith(emitted.code)
    assert other.code.count("def _undo_redo(") == 1  # the helper is shared


def test_append_to_a_file_without_newline_or_with_crlf(monkeypatch: pytest.MonkeyPatch) -> None:
    steps, script = timeline_steps("redo_not_cleared", monkeypatch)
    test = GeneratedTest(steps, bug(*CASES["redo_not_cleared"]), script)
    for original in ("import os\nx = os.sep", "import os\r\n\r\nx = os.sep\r\n"):
        code = emit(test, original).code
        assert code is not None and code.startswith(original)
        compile(code, "<generated>", "exec")
    crlf = emit(test, "import os\r\n").code
    assert crlf is not None and "\n" not in crlf.replace("\r\n", "")


def test_only_a_tests_header_says_its_signature_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other_steps, other_script = timeline_steps("collision_off_by_one", monkeypatch)
    other = GeneratedTest(other_steps, bug(*CASES["collision_off_by_one"]), other_script)
    key = other.bug.key
    # A's script quotes B's signature in a comment; so do the file and a hand-written test.
    steps, script = timeline_steps("redo_not_cleared", monkeypatch)
    quoting = f"# signature: {key}\n{script}# signature: {key}\n"
    first = emit(GeneratedTest(steps, bug(*CASES["redo_not_cleared"]), quoting))
    assert first.code is not None and first.code.count(f"# signature: {key}") == 2
    hand = (
        f"\n\n# signature: {key}\n"
        f"def test_mine() -> None:\n    x = 1  # signature: {key}\n    # signature: {key}\n"
        f'    """# signature: {key}"""\n'
    )
    written = emit(other, first.code + hand)
    assert written.code is not None, "B's test was taken for present"
    assert written.test_name == regression_test_name(other.bug, other_steps.steps[-1].method)
    # Once written, its own header says it is there, under whatever name its owner gives it.
    again = emit(other, written.code.replace(written.test_name, "test_renamed"))
    assert again.code is None and again.test_name == "test_renamed"


def test_a_test_of_the_same_name_but_another_bug_gets_a_new_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps, script = timeline_steps("redo_not_cleared", monkeypatch)
    test = GeneratedTest(steps, bug(*CASES["redo_not_cleared"]), script)
    name = regression_test_name(test.bug, steps.steps[-1].method)
    existing = f"def {name}() -> None:\n    pass\n\n\n{name}_2 = 2\n"
    emitted = emit(test, existing)
    assert emitted.code is not None and emitted.test_name == f"{name}_3"
    assert f"def {name}_3() -> None:" in emitted.code
    assert emit(test, emitted.code).code is None


def test_append_to_invalid_python_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from apifuzz.errors import ApifuzzError

    steps, script = timeline_steps("redo_not_cleared", monkeypatch)
    with pytest.raises(ApifuzzError, match="not valid Python"):
        emit(GeneratedTest(steps, bug(*CASES["redo_not_cleared"]), script), "def (:\n")


def test_values_golden() -> None:
    """Floats, bytes, strings with quotes, enums, sets, optional, keyword-only, a long line."""
    from sample_models import store_target

    script = (
        '! 5\na "x"\na "y\\t\\"z\\""\np [0 1] BLUE nan\np [] RED inf\np [0] GREEN -inf\n'
        't none b"\\x00\\xffab" [true false] [3 "q"] [1 2]\nt "s" b"" [] [1 ""]\n'
        'rs 50\nr 1\na "' + "a long name " * 8 + '"\nre 0 "crash"\n'
    )
    steps = collect_steps(Language.build(store_target), script)
    emitted = emit(GeneratedTest(steps, bug("exception", "KeyError", "rename"), script))
    assert emitted.code is not None
    check_golden("store_values.py", emitted.code)


def test_long_lines_are_wrapped_like_ruff_format_golden() -> None:
    """A long set is exploded, a call that fits on its own line is hugged, one that does not
    fit gets one argument per line; the golden files pass ruff format --check."""
    from sample_models import store_target

    script = (
        "! 60\n"
        + "".join(f'a "item {n}"\n' for n in range(14))
        + (
            "p [0 1 2 3 4 5 6 7 8 9 10 11 12 13] BLUE 0.5\n"
            't "a label long enough to wrap the call" b"some bytes" [true false true] [1 "xy"]\n'
            't "a label that is long enough" b"and bytes that are long enough to wrap" [] [1 "x"]\n'
            't "a label that is long enough" b"and bytes that are long enough to wrap" [] [1 "x"] '
            "[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30]\n"
            "rs 40\nr 0\n"
        )
    )
    steps = collect_steps(Language.build(store_target), script)
    emitted = emit(GeneratedTest(steps, bug("exception", "KeyError", "rename"), script))
    assert emitted.code is not None
    check_golden("wrapped_lines.py", emitted.code)


def test_external_registration_golden() -> None:
    """Functions instead of methods, an id provider that is not a method, a bool invariant."""
    from regression_models import tally

    script = "b 5 7\nb 6 2\nd 1\nd 5\n"
    steps = collect_steps(Language.build(tally), script)
    emitted = emit(GeneratedTest(steps, bug("exception", "ValueError", "drop"), script))
    assert emitted.code is not None
    check_golden("tally_registration.py", emitted.code)


def test_factory_function_and_unreturned_ids_golden() -> None:
    from regression_models import shelf

    script = "! 4\nunpack 2\nunpack 1\nstack 0 2\nstack 1 1\nunpack 1\nstack 3 3\n"
    steps = collect_steps(Language.build(shelf), script)
    emitted = emit(GeneratedTest(steps, bug("exception", "RecursionError", "stack"), script))
    assert emitted.code is not None
    check_golden("shelf_factory.py", emitted.code)


def test_undo_redo_without_declaration_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from apifuzz.errors import ApifuzzError
    from example_timeline import Timeline, TimelineError

    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "redo_not_cleared")
    plain = Target(Timeline, expected=(TimelineError,))
    script = script_path("redo_not_cleared").read_text()
    steps = collect_steps(Language.build(plain), script)
    steps.undo_redo = True  # as if the oracle had run
    with pytest.raises(ApifuzzError, match="declares no undo/redo"):
        emit(GeneratedTest(steps, bug(*CASES["redo_not_cleared"]), script))


def test_regression_test_names() -> None:
    assert regression_test_name(bug("exception", "KeyError", "_destroy_clip"), "redo").startswith(
        "test_redo_raises_keyerror_"
    )
    assert regression_test_name(
        bug("invariant", "AssertionError", "check", "check"), "move"
    ).startswith("test_move_breaks_check_")
    assert regression_test_name(bug("timeout", "Timeout", "spin"), "spin").startswith(
        "test_spin_hangs_"
    )
    assert regression_test_name(bug("oracle", "AssertionError", "push"), "push").startswith(
        "test_push_breaks_undo_redo_"
    )
    info = bug("exception", "KeyError", "_destroy_clip")
    assert regression_test_name(info, "redo").endswith("_" + info.key.rsplit("-", 1)[1][:8])


def test_golden_files_pass_ruff() -> None:
    """ruff check and ruff format --check, with the repository's configuration."""
    files = sorted(str(p) for p in GOLDEN.glob("*.py"))
    assert len(files) >= 8
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *files], cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    form = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert form.returncode == 0, form.stdout + form.stderr


# -- the undo/redo oracle -------------------------------------------------------------------


def test_redo_refused_after_an_undo_golden() -> None:
    """The oracle fails after the last call: the helper reports a refused redo with an
    AssertionError (as the oracle does), and runs after the last call only if it went
    through (a fix may refuse the call instead)."""
    from undo_models import raising_redo

    script = "push 7\npop\n"
    steps = collect_steps(Language.build(raising_redo), script, undo_redo=True)
    assert steps.in_oracle
    emitted = emit(GeneratedTest(steps, bug("oracle", "AssertionError", "pop"), script))
    assert emitted.code is not None
    check_golden("raising_redo_oracle.py", emitted.code)


def test_oracle_guard_for_a_call_returning_none_golden() -> None:
    """A last call annotated ``-> None`` that may raise an expected exception: a flag says
    whether it went through.  Without expected exceptions it cannot be refused: no guard."""
    from undo_models import reg, registered

    script = "add 3\n"
    plain = collect_steps(Language.build(registered), script, undo_redo=True)
    code = emit(GeneratedTest(plain, bug("oracle", "AssertionError", "add"), script)).code
    assert code is not None
    assert code.endswith("    add(plain_list, 3)\n    _undo_redo(plain_list)\n")
    refusing = Target(reg, expected=(ValueError,), undo="undo", redo="redo", state="items_now")
    steps = collect_steps(Language.build(refusing), script, undo_redo=True)
    emitted = emit(GeneratedTest(steps, bug("oracle", "AssertionError", "add"), script))
    assert emitted.code is not None
    check_golden("plain_list_oracle.py", emitted.code)


@pytest.mark.parametrize("name", ["collision_off_by_one", "redo_not_cleared"])
def test_no_oracle_after_the_last_call_when_the_bug_is_not_in_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fuzzer ran the oracle after every call that went through but the last one: its
    bug showed first (in the invariants, or in the call)."""
    steps, script = timeline_steps(name, monkeypatch, undo_redo=True)
    assert not steps.in_oracle
    code = emit(GeneratedTest(steps, bug(*CASES[name]), script)).code
    assert code is not None
    went_through = [s for s in steps.steps[:-1] if s.outcome is Outcome.RETURNED]
    assert code.count("    _undo_redo(timeline)\n") == len(went_through) > 0
    assert code.endswith("\n    timeline.check_consistency()\n")
    assert "went_through" not in code and "result" not in code


# -- the comments ---------------------------------------------------------------------------


def test_script_comment_leaves_out_the_minimizer_header() -> None:
    script = (
        "# apifuzz minimize: KeyError in redo at model.py:12\n"
        "# from crashes/x: 9 -> 2 statements\n"
        "push 1\n# from the docs: a comment of the script stays\nredo\n\n"
    )
    assert script_comment(script, 9) == [
        "# script (minimized from 9 statements):",
        "#   push 1",
        "#   # from the docs: a comment of the script stays",
        "#   redo",
    ]
    assert script_comment("push 1\n") == ["# script:", "#   push 1"]
    assert script_comment("# from here\npush 1")[1] == "#   # from here"  # not a header


def test_line_breaks_in_names_and_scripts_stay_inside_the_comments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ast

    steps, script = timeline_steps("redo_not_cleared", monkeypatch)
    info = bug(*CASES["redo_not_cleared"])
    info = BugInfo(
        info.kind, info.error, info.invariant, info.key, "KeyError in f\nraise SystemExit"
    )
    quoted = script + "# a comment\rraise SystemExit\u2028raise SystemExit\x0braise SystemExit\n"
    code = emit(GeneratedTest(steps, info, quoted)).code
    assert code is not None
    assert "# apifuzz: KeyError in f\\nraise SystemExit" in code
    assert "#   # a comment\\rraise SystemExit\\u2028raise SystemExit\\x0braise SystemExit" in code
    # Nothing of it is code: the only raise statements are the model's, none in the file.
    assert not any(isinstance(node, ast.Raise) for node in ast.walk(ast.parse(code)))
    assert len(code.splitlines()) == code.count("\n")


def test_long_comment_lines_break_at_spaces() -> None:
    line = "#   t " + " ".join(f'"word {n}"' for n in range(30))
    parts = wrap(line, 60)
    assert len(parts) > 2 and all(len(p) <= 60 for p in parts)
    assert parts[0].startswith("#   t ") and all(p.startswith("#     ") for p in parts[1:])
    assert " ".join(p.removeprefix("#").strip() for p in parts) == line.removeprefix("#").strip()
    header = "# apifuzz: invariant check_consistency: AssertionError in check_consistency at m.py:1"
    assert wrap(header, 40) == [
        "# apifuzz: invariant check_consistency:",
        "#   AssertionError in check_consistency",
        "#   at m.py:1",
    ]
    # A word longer than any line is never cut: it gets a line of its own, for ruff too.
    long = "x" * 70
    assert wrap(f"#   a {long} b", 40) == ["#   a", f"#     {long}  # noqa: E501", "#     b"]
    assert wrap("#   short", 40) == ["#   short"]
