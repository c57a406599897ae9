"""A death in native code: reading faulthandler's dump, judging in a child, adopting a dead worker."""

from __future__ import annotations

import faulthandler
import json
import os
import subprocess
import sys
from pathlib import Path

import native_models

from apifuzz.engine.crashes import load_artifact, load_crashes
from apifuzz.engine.isolated import IsolatedJudge
from apifuzz.engine.judge import Judge
from apifuzz.engine.native import (
    FAULT_NAME,
    Fault,
    NativeGuard,
    adopt,
    native_dir,
    native_signature,
    parse_fault,
)
from apifuzz.engine.replay import died, model_traceback
from apifuzz.engine.triage import model_dirs
from apifuzz.interpreter import Status
from apifuzz.language import Language

SUPPORT = Path(__file__).resolve().parents[1] / "support"
MODEL = str(SUPPORT / "native_models.py")

SEGFAULT_DUMP = f"""Fatal Python error: Segmentation fault

Current thread 0x00007f28c2e7ab80 (most recent call first):
  File "/usr/lib/python3.11/ctypes/__init__.py", line 519 in string_at
  File "{MODEL}", line 33 in peek
  File "/somewhere/apifuzz/interpreter/runner.py", line 416 in _call
  File "/somewhere/apifuzz/interpreter/runner.py", line 387 in run

Extension modules: atheris.native (total: 1)
"""

WATCHDOG_DUMP = f"""Timeout (0:00:03)!
Thread 0x00007f0000000001 (most recent call first):
  File "/usr/lib/python3.11/threading.py", line 320 in wait
Thread 0x00007fe91adcbb80 (most recent call first):
  File "{MODEL}", line 57 in close
  File "/somewhere/apifuzz/interpreter/runner.py", line 416 in _call
  File "/somewhere/apifuzz/interpreter/runner.py", line 387 in run
"""


def dirs() -> tuple[str, ...]:
    return model_dirs(["native_models"])


def test_a_fatal_signal_dump_gives_the_innermost_model_frame() -> None:
    fault = parse_fault(SEGFAULT_DUMP)
    assert fault is not None and (fault.kind, fault.error) == ("signal", "SIGSEGV")
    assert fault.frames[0][2] == "string_at"
    signature = native_signature(fault, dirs())
    assert (signature.kind, signature.error, signature.file) == (
        "signal",
        "SIGSEGV",
        "native_models.py",
    )
    assert (signature.function, signature.line, signature.method) == ("peek", 33, "peek")
    assert signature.describe() == "fatal signal SIGSEGV in peek at native_models.py:33"


def test_a_watchdog_dump_is_a_timeout_in_the_thread_running_the_script() -> None:
    fault = parse_fault(WATCHDOG_DUMP)
    assert fault is not None and fault.kind == "timeout"
    signature = native_signature(fault, dirs())
    assert (signature.kind, signature.error, signature.function, signature.line) == (
        "timeout",
        "Timeout",
        "close",
        0,
    )
    assert signature.method == "close"  # the function the interpreter called


def test_text_without_a_dump_is_no_fault() -> None:
    assert parse_fault("") is None
    assert parse_fault("INFO: something else\n") is None
    bare = parse_fault("Fatal Python error: Aborted\n")
    assert bare == Fault("signal", "SIGABRT", (), "Fatal Python error: Aborted\n")
    assert native_signature(bare, dirs()).function == ""


def judge(cls: type[Judge] = IsolatedJudge, *, timeout: float = 5.0) -> Judge:
    language = Language.build(native_models.target)
    return cls(language, ["native_models"], timeout=timeout)


def test_a_segfault_in_a_child_is_the_bug_and_the_caller_lives_on() -> None:
    verdict = judge().run("push 3\npeek 0\npeek 77\npush 4\n", record=True)
    assert died(verdict) and not verdict.hang
    assert verdict.signature is not None and verdict.signature.kind == "signal"
    assert verdict.signature.describe().startswith("fatal signal SIGSEGV in peek at native_models")
    assert verdict.bug is not None and (verdict.bug.line, verdict.bug.method) == (3, "peek")
    assert verdict.bug.summary() == "line 3, in peek: killed by SIGSEGV"
    assert "Fatal Python error: Segmentation fault" in verdict.bug.traceback
    # The statements before the fatal one, then the fatal one, as a replay shows them.
    shown = [(s.line, s.status, s.call_text()) for s in verdict.report.statements]
    assert shown == [
        (1, Status.EXECUTED, "push(3)"),
        (2, Status.EXECUTED, "peek(0)"),
        (3, Status.BUG, "peek(77)"),
    ]
    assert 'native_models.py", line' in model_traceback(verdict, dirs())


def test_an_abort_is_named_too() -> None:
    verdict = judge().run("drop 66\n")
    assert verdict.signature is not None
    assert (verdict.signature.kind, verdict.signature.error) == ("signal", "SIGABRT")
    assert verdict.signature.function == "drop"


def test_a_script_that_lives_is_judged_as_in_process() -> None:
    script = "push 5\npush x\npeek 1\n"
    here, there = judge(Judge).run(script, record=True), judge().run(script, record=True)
    assert there.signature is None and not died(there)
    assert there.report.counts() == here.report.counts() == "2 executed, 0 refused, 1 skipped"
    assert [(s.line, s.status, s.call_text(), repr(s.value)) for s in there.report.statements] == [
        (s.line, s.status, s.call_text(), repr(s.value)) for s in here.report.statements
    ]


def test_a_hang_in_c_code_is_ended_by_the_childs_watchdog() -> None:
    language = Language.build(native_models.latch_target)
    verdict = IsolatedJudge(language, ["native_models"], timeout=0.3).run("close 1\nclose 99\n")
    assert died(verdict) and verdict.hang
    assert verdict.signature is not None
    assert (verdict.signature.kind, verdict.signature.function) == ("timeout", "close")
    assert verdict.bug is not None and (verdict.bug.line, verdict.bug.method) == (2, "close")
    assert verdict.bug.traceback.startswith("hang in native code: still running 1.3s in")
    assert 'native_models.py", line' in verdict.bug.traceback


def test_a_watchdog_armed_by_the_caller_does_not_freeze_the_child() -> None:
    # pytest's faulthandler_timeout arms one: a fork cannot cancel it (its thread is gone).
    faulthandler.dump_traceback_later(600)
    try:
        assert judge().run("push 1\n").signature is None
        assert died(judge().run("peek 77\n"))
    finally:
        faulthandler.cancel_dump_traceback_later()


# -- a dead worker's evidence, adopted ------------------------------------------------------

WORKER = """
import os
import sys
from pathlib import Path
import native_models
from apifuzz.engine.native import NativeGuard
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language

language = Language.build(native_models.{target})
folder, script, timeout = Path(sys.argv[1]), sys.argv[2].encode(), float(sys.argv[3])
info = {{
    "pid": os.getpid(), "model_dirs": [native_models.__file__], "reproduce": "replay {{folder}}",
    "target": "native_models", "undo_redo": False, "packages": ["native_models"],
    "timeout": timeout,
}}
guard = NativeGuard(folder, timeout, info)
interpreter = Interpreter(language)
guard.begin(b"push 1\\n")
interpreter.run(b"push 1\\n")
guard.end()
guard.begin(script)
interpreter.run(script)
"""


def dead_worker(workdir: Path, script: str, target: str = "target", timeout: float = 5.0) -> int:
    """A worker-like process that dies running ``script``; its exit status."""
    env = dict(os.environ, PYTHONPATH=str(SUPPORT))
    code = WORKER.format(target=target)
    folder = native_dir(workdir, 0)
    args = [sys.executable, "-c", code, str(folder), script, str(timeout)]
    return subprocess.run(args, env=env, capture_output=True, timeout=60).returncode


def test_a_worker_killed_by_a_signal_is_adopted_as_a_crash_folder(tmp_path: Path) -> None:
    script = "push 2\npeek 77\n"
    assert dead_worker(tmp_path, script) == -11
    (tmp_path / "libfuzzer-crash-aa").write_text("another input: kept")
    adopted = adopt(tmp_path, 0)
    assert adopted is not None and adopted.new
    assert adopted.signature.describe().startswith("fatal signal SIGSEGV in peek")
    (record,) = load_crashes(tmp_path / "crashes")
    assert record.count == 1 and record.signature == adopted.signature
    artifact = load_artifact(record.folder)
    assert artifact.script == script.encode() and artifact.target == "native_models"
    traceback = (record.folder / "traceback.txt").read_text()
    assert "fatal signal SIGSEGV: the worker was killed running this input" in traceback
    assert 'native_models.py", line 33 in peek' in traceback
    info = json.loads((record.folder / "signature.json").read_text())
    assert info["signature"]["kind"] == "signal" and info["summary"] == "killed by SIGSEGV"
    # Adopted once: the evidence is cleared; another input's file is not touched.
    assert adopt(tmp_path, 0) is None
    assert (native_dir(tmp_path, 0) / FAULT_NAME).read_text() == ""
    assert (tmp_path / "libfuzzer-crash-aa").exists()


def test_the_same_death_again_counts_twice_in_one_folder(tmp_path: Path) -> None:
    for _ in range(2):
        assert dead_worker(tmp_path, "peek 77\n") == -11
        assert adopt(tmp_path, 0) is not None
    (record,) = load_crashes(tmp_path / "crashes")
    assert record.count == 2


def test_a_worker_stopped_by_its_watchdog_is_adopted_as_a_timeout(tmp_path: Path) -> None:
    assert dead_worker(tmp_path, "close 99\n", "latch_target", timeout=0.2) == 1
    adopted = adopt(tmp_path, 0)
    assert adopted is not None
    assert (adopted.signature.kind, adopted.signature.function) == ("timeout", "close")
    (record,) = load_crashes(tmp_path / "crashes")
    traceback = (record.folder / "traceback.txt").read_text()
    assert "a hang in native code" in traceback and "Timeout (0:00:0" in traceback


def test_a_worker_that_died_between_inputs_or_cleanly_is_not_adopted(tmp_path: Path) -> None:
    assert adopt(tmp_path, 0) is None  # no evidence at all
    guard = NativeGuard(native_dir(tmp_path, 1), 0, {"model_dirs": []})
    guard.begin(b"peek 77\n")
    guard.end()
    (native_dir(tmp_path, 1) / FAULT_NAME).write_text(SEGFAULT_DUMP)
    assert adopt(tmp_path, 1) is None  # the input had returned: not the model's doing
    assert not (tmp_path / "crashes").exists()


def test_triage_never_replays_a_fatal_signal_in_process() -> None:
    from apifuzz.engine.rootcause import Case, RootCause
    from apifuzz.language import LoadedTarget

    rootcause = RootCause(LoadedTarget.load("native_models"), packages=("native_models",))
    crash = judge().run("push 1\npeek 77\n").signature
    assert crash is not None
    first = Case(crash, "push 1\npeek 77\n")
    decision = rootcause.same_bug(first, Case(crash, "peek 77\n"))
    assert decision.same and rootcause.replays == 0
    other = judge().run("drop 66\n").signature
    assert other is not None
    assert not rootcause.same_bug(first, Case(other, "drop 66\n")).same
    assert rootcause.replays == 0
