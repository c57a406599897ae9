"""The script minimizer: known minimal answers, same signature only, flaky bugs, the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import minimize_models
import pytest

from apifuzz.engine.judge import Judge
from apifuzz.language import Language, LoadedTarget
from apifuzz.minimize import Minimizer, MinimizeStatus
from apifuzz.model.loader import load_target

ROOT = Path(__file__).resolve().parents[2]
CRASHES = Path(__file__).parent / "crashes"


def minimizer(max_time: float = 30.0, timeout: float = 5.0) -> Minimizer:
    judge = Judge(Language.build(minimize_models.target), ["minimize_models"], timeout=timeout)
    return Minimizer(judge, max_time=max_time)


def test_invariant_bug_shrinks_to_the_known_three_statements() -> None:
    script = (
        "# found by a fuzzer\n"
        'noise 5 ["x" "y"]\nadd 7\nnoise 3\n'
        'label 0 "hello"\nadd 2\nnoise 9\nremove 0 true\nnoise 1\nadd 4\n'
    )
    result = minimizer().minimize(script)
    assert result.status is MinimizeStatus.MINIMIZED and result.complete
    assert result.script == 'add 0\nlabel 0 "h"\nremove 0\n'
    assert (result.before, result.after) == (9, 3)
    assert result.signature is not None and result.signature.invariant == "counted"


def test_refs_shrink_toward_the_first_live_id_but_keep_two_boxes() -> None:
    # pair needs two different boxes: ref 0 and ref 1 both name box 1, so b stays 2.
    result = minimizer().minimize("add 6\nadd 8\nadd 9\nnoise 2\npair 7 5\n")
    assert result.script == "add 0\nadd 1\npair 0 2\n"
    assert result.signature is not None and result.signature.error == "ValueError"


def test_removing_a_creation_re_aims_the_refs_after_it() -> None:
    # pair 7 5 names boxes 2 and 3 (equal sizes: KeyError).  Without box 1 the same
    # literals name other boxes; the repair pass re-aims one ref so box 1 can go.
    result = minimizer().minimize("add 6\nadd 9\nadd 9\nnoise 2\npair 7 5\n")
    assert result.script == "add 9\nadd 9\npair 0 2\n"
    assert result.signature is not None and result.signature.error == "KeyError"


def test_never_minimized_into_another_bug() -> None:
    # Setting the second size to 0 would make the sizes equal: a KeyError, another bug.
    result = minimizer().minimize("add 1\nadd 2\npair 0 2\n")
    assert result.script == "add 0\nadd 1\npair 0 2\n"
    assert result.signature is not None and result.signature.error == "ValueError"


def test_a_hang_shrinks_by_bisection() -> None:
    result = minimizer(timeout=0.2).minimize("noise 1\nslow 5000\nnoise 2\n")
    assert result.status is MinimizeStatus.MINIMIZED
    assert result.script == "slow 1000\n"
    assert result.signature is not None and result.signature.kind == "timeout"


def test_a_hang_names_its_line_so_everything_after_it_is_cut_at_once() -> None:
    verdict = minimizer(timeout=0.2).judge.run("noise 1\nslow 5000\nnoise 2\n")
    assert verdict.hang and verdict.bug is not None
    assert (verdict.bug.line, verdict.bug.method) == (2, "slow")
    # Each run of the hang costs the timeout: one cut instead of one removal per statement.
    result = minimizer(timeout=0.2).minimize("noise 1\nslow 5000\n" + "noise 2\n" * 30)
    assert ("cut after the failing statement", 2) in result.passes
    assert result.script == "slow 1000\n"


def test_flaky_bug_is_reported_and_left_alone() -> None:
    minimize_models.FLAKY_CALLS[0] = 0
    result = minimizer().minimize("noise 1\nflaky\n")
    assert result.status is MinimizeStatus.FLAKY
    assert result.script == "noise 1\nflaky\n"
    assert None in result.seen and "flaky" in result.describe()


def test_a_result_that_does_not_show_the_bug_again_is_flaky_not_minimized() -> None:
    judge = Judge(Language.build(minimize_models.target), ["minimize_models"])
    script = 'noise 5\nadd 7\nlabel 0 "hello"\nremove 0 true\n'
    run, runs = judge.run, {}  # type: ignore[var-annotated]

    def forgets_on_the_second_run(text: bytes | str, *, record: bool = False):  # type: ignore[no-untyped-def]
        # The minimizer runs each smaller script once while searching; the confirming
        # replays of its result are the second and third: the bug is gone by then.
        runs[text] = runs.get(text, 0) + 1
        return run("noise 1\n" if text != script and runs[text] > 1 else text, record=record)

    judge.run = forgets_on_the_second_run  # type: ignore[method-assign]
    result = Minimizer(judge).minimize(script)
    assert result.status is MinimizeStatus.FLAKY and result.script == script
    assert result.confirmed == [None, None] and len(result.seen) == 3 and None not in result.seen
    assert result.describe().startswith("flaky: replays gave invariant counted")
    assert result.describe().endswith(", then no bug, no bug; not minimized")


def test_a_bug_gone_after_three_replays_is_flaky_not_minimized_as_it_is() -> None:
    judge = Judge(Language.build(minimize_models.target), ["minimize_models"])
    run, calls = judge.run, [0]

    def only_three_times(text: bytes | str, *, record: bool = False):  # type: ignore[no-untyped-def]
        calls[0] += 1  # the bug depends on the process's past, as a cache's would
        return run(text if calls[0] <= 3 else "noise 1\n", record=record)

    judge.run = only_three_times  # type: ignore[method-assign]
    result = Minimizer(judge).minimize('add 7\nlabel 0 "hello"\nremove 0 true\n')
    assert result.status is MinimizeStatus.FLAKY and result.confirmed == [None, None]
    assert "then no bug, no bug; not minimized" in result.describe()


def test_a_recorded_signature_that_replays_as_another_bug_is_not_reproduced() -> None:
    other = minimizer().minimize("add 1\nadd 1\npair 0 2\n").signature  # KeyError
    result = minimizer().minimize("add 1\nadd 2\npair 0 2\n", expected=other)
    assert result.status is MinimizeStatus.NOT_REPRODUCED
    assert result.describe().startswith("not reproduced: every replay gave ValueError in pair")
    assert "(recorded: KeyError in pair" in result.describe()
    assert result.script == "add 1\nadd 2\npair 0 2\n"


def test_ctrl_c_keeps_the_best_script_so_far() -> None:
    judge = Judge(Language.build(minimize_models.target), ["minimize_models"])
    calls = [0]
    run = judge.run

    def interrupted_later(script: bytes | str, *, record: bool = False):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 12:
            raise KeyboardInterrupt
        return run(script, record=record)

    judge.run = interrupted_later  # type: ignore[method-assign]
    script = "".join(f"noise {i}\n" for i in range(6)) + 'add 1\nlabel 0 "a"\nremove 0\n'
    result = Minimizer(judge).minimize(script)
    assert result.status is MinimizeStatus.MINIMIZED and result.interrupted and not result.complete
    assert result.after < result.before and "interrupted" in result.describe()
    assert run(result.script).signature == result.signature


def test_ctrl_c_before_any_smaller_script_showed_the_bug_keeps_the_input() -> None:
    judge = Judge(Language.build(minimize_models.target), ["minimize_models"])
    calls, run = [0], judge.run

    def canonical_differs_then_ctrl_c(text: bytes | str, *, record: bool = False):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 5:  # replaying the input after its canonical form showed no bug
            raise KeyboardInterrupt
        return run(text if calls[0] <= 3 else "noise 1\n", record=record)

    judge.run = canonical_differs_then_ctrl_c  # type: ignore[method-assign]
    script = 'add 7\nlabel 0 "hello"\nremove 0 true\n'
    result = Minimizer(judge).minimize(script)
    assert result.status is MinimizeStatus.MINIMIZED and result.interrupted
    assert result.script == script and result.after == result.before


def test_no_bug() -> None:
    result = minimizer().minimize("add 1\nnoise 2\n")
    assert result.status is MinimizeStatus.NO_BUG and result.describe().startswith("no bug")


def test_time_limit_returns_a_valid_smaller_script() -> None:
    script = "".join(f"noise {i}\n" for i in range(300)) + 'add 1\nlabel 0 "a"\nremove 0\n'
    result = minimizer(max_time=0.05).minimize(script)
    assert result.status is MinimizeStatus.MINIMIZED and not result.complete
    assert result.after <= result.before
    assert "time limit" in result.describe()


def test_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    script = (CRASHES / "redo_not_cleared.txt").read_text()
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "redo_not_cleared")
    runs = []
    for _ in range(2):
        target = load_target("example_timeline")
        judge = Judge(Language.for_target(target, None), ["example_timeline"])
        runs.append(Minimizer(judge).minimize(script).script)
    assert runs[0] == runs[1]


def shortest_known(bug: str) -> int:
    text = (ROOT / "example_timeline" / "BUGS.md").read_text()
    match = re.search(rf"\| \[`{bug}`\].*\| (\d+) \|", text)
    assert match, bug
    return int(match.group(1))


@pytest.mark.parametrize("path", sorted(CRASHES.glob("*.txt")), ids=lambda p: p.stem)
def test_fuzz_found_crash_of_every_seeded_bug_shrinks_near_the_shortest_known(
    path: Path, monkeypatch: pytest.MonkeyPatch, record_property: Callable[[str, object], None]
) -> None:
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", path.stem)
    target = load_target("example_timeline")
    judge = Judge(Language.for_target(target, None), ["example_timeline"])
    result = Minimizer(judge, max_time=60).minimize(path.read_bytes())
    assert result.status is MinimizeStatus.MINIMIZED and result.complete
    known = shortest_known(path.stem)
    # In the JUnit XML (--junitxml): the sizes of every seeded bug, before and after.
    record_property("statements", f"{result.before} -> {result.after} (shortest known {known})")
    assert result.after <= known + 1, result.script
    assert judge.run(result.script).signature == result.signature
    monkeypatch.delenv("APIFUZZ_EXAMPLE_BUGS")
    assert load_target("example_timeline") and judge.run(result.script).signature is None


def test_deterministic_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    results = []
    for seed in ("1", "2"):
        out = tmp_path / f"min-{seed}.txt"
        crash = str(CRASHES / "cut_skips_bin_usage.txt")
        done = run_cli(
            "example_timeline", crash, "-o", str(out), "-q",
            APIFUZZ_EXAMPLE_BUGS="cut_skips_bin_usage", PYTHONHASHSEED=seed,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        results.append(out.read_text())
    assert results[0] == results[1] and results[0].count("\n") > 3


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", "minimize", *args],
        cwd=ROOT,
        env=dict(base, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_minimizes_a_crash_folder(tmp_path: Path) -> None:
    folder = tmp_path / "crash"
    folder.mkdir()
    (folder / "input.txt").write_bytes((CRASHES / "cut_skips_bin_usage.txt").read_bytes())
    done = run_cli("example_timeline", str(folder), APIFUZZ_EXAMPLE_BUGS="cut_skips_bin_usage")
    assert done.returncode == 0, done.stderr
    assert re.search(r"minimized: 36 -> \d statements", done.stdout)
    written = (folder / "minimized.txt").read_text()
    assert written.startswith("# apifuzz minimize: ")
    record = json.loads((folder / "minimize.json").read_text())
    assert record["status"] == "minimized" and record["before"] == 36 and record["after"] <= 6
    # The written script still shows the bug, and shows nothing with the bug off.
    replay = [sys.executable, "-m", "apifuzz", "replay", "example_timeline", "-q"]
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    on = subprocess.run(
        [*replay, str(folder / "minimized.txt")],
        cwd=ROOT,
        env=dict(base, APIFUZZ_EXAMPLE_BUGS="cut_skips_bin_usage"),
        capture_output=True,
    )
    off = subprocess.run([*replay, str(folder / "minimized.txt")], cwd=ROOT, env=base)
    assert (on.returncode, off.returncode) == (1, 0)
    # -o writes elsewhere and leaves the folder's own record alone; a folder is refused.
    other = run_cli(
        "example_timeline", str(folder), "-o", str(tmp_path / "other.txt"), "--max-time", "0.01",
        APIFUZZ_EXAMPLE_BUGS="cut_skips_bin_usage",
    )
    assert other.returncode == 0 and (tmp_path / "other.txt").exists(), other.stderr
    assert json.loads((folder / "minimize.json").read_text()) == record
    into = run_cli("example_timeline", str(folder), "-o", str(tmp_path))
    assert into.returncode == 2 and "is a folder; -o names the file to write" in into.stderr


def test_cli_no_bug_and_usage_errors(tmp_path: Path) -> None:
    script = tmp_path / "clean.txt"
    script.write_text('add_bin_clip "a" 5\n')
    done = run_cli("example_timeline", str(script))
    assert done.returncode == 1 and "no bug" in done.stdout
    assert not (tmp_path / "clean.min.txt").exists()
    missing = run_cli("example_timeline", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "no such file" in missing.stderr
    bad = run_cli("example_timeline", str(script), "--max-time", "0")
    assert bad.returncode == 2 and "--max-time" in bad.stderr
    bad = run_cli("example_timeline", str(script), "--timeout", "-1")
    assert bad.returncode == 2 and "--timeout must not be negative" in bad.stderr
    # Why there may be no bug: nothing ran, or the oracle was on when it was found.
    (tmp_path / "garbage.txt").write_text("what is this\n???\n")
    garbage = run_cli("example_timeline", str(tmp_path / "garbage.txt"))
    assert garbage.returncode == 1
    assert "no statement ran (0 executed, 0 refused, 2 skipped: apifuzz replay says why)" in (
        garbage.stdout
    )
    assert "give --undo-redo too" in done.stdout


def test_cli_minimizes_an_oracle_crash_folder_with_the_oracle_on(tmp_path: Path) -> None:
    folder = tmp_path / "crash"
    folder.mkdir()
    (folder / "input.txt").write_text("push 1\npush 2\npop\npush 40\npush 13\npush 3\n")
    info = {
        "signature": {
            "kind": "oracle",
            "error": "AssertionError",
            "file": "",
            "function": "push",
            "line": 0,
            "invariant": "",
        },
        "target": "undo_models",
        "undo_redo": True,
    }
    (folder / "signature.json").write_text(json.dumps(info))
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    done = subprocess.run(
        [sys.executable, "-m", "apifuzz", "minimize", "undo_models", str(folder), "-q"],
        cwd=tmp_path,
        env=dict(base, PYTHONPATH=str(ROOT / "tests" / "support")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "minimized: 6 -> 1 statements" in done.stdout
    assert (folder / "minimized.txt").read_text().endswith("\npush 13\n")


def test_a_removal_can_re_pick_an_int_of_the_failing_call(monkeypatch: pytest.MonkeyPatch) -> None:
    # The group's move pushes clip 0 one frame into clip 2 (an overlap test off by one).
    # Without the group, the move itself must end one frame into a clip: its start plus
    # the length, less one, both in the script.  Removal alone loses the bug; removal
    # plus that one value keeps it, and the two clips it no longer needs go.
    monkeypatch.setenv("APIFUZZ_EXAMPLE_BUGS", "collision_off_by_one")
    loaded = LoadedTarget.load("example_timeline")
    judge = Judge(loaded.language(), loaded.packages())
    script = (
        'add_bin_clip "b" 11\ninsert_clip 0 3 0\ninsert_clip 0 3 20\ninsert_clip 0 3 40\n'
        "group_items [0 1]\nmove_clip 1 3 70\n"
    )
    before = judge.run(script).signature
    result = Minimizer(judge, max_time=30).minimize(script)
    assert result.signature == before and before is not None
    assert (before.method, before.function) == ("move_clip", "_check_tracks")
    assert result.after <= 4, result.script
