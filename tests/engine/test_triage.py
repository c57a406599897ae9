"""Signatures, crash folders and the corpus sweep."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from fuzz_models import target

from apifuzz.engine.corpus import count, is_whole, sweep
from apifuzz.engine.crashes import CrashStore, load_artifact, load_crashes
from apifuzz.engine.triage import Hang, Signature, signature_of
from apifuzz.interpreter import Interpreter
from apifuzz.interpreter.report import Bug, BugKind
from apifuzz.language import Language

MODEL_DIR = str(Path(__file__).resolve().parents[1] / "support")


@pytest.fixture
def interpreter(monkeypatch: pytest.MonkeyPatch) -> Interpreter:
    monkeypatch.setenv("APIFUZZ_TEST_LABEL_BUG", "1")
    return Interpreter(Language.build(target))


def bug_of(interpreter: Interpreter, script: str) -> Bug:
    report = interpreter.run(script)
    assert report.bug is not None
    return report.bug


def test_same_bug_from_different_inputs_has_one_signature(interpreter: Interpreter) -> None:
    one = signature_of(bug_of(interpreter, "new 5\ndivide 0 100\n"), (MODEL_DIR,))
    two = signature_of(bug_of(interpreter, "new 1\nnew 2\nnew 3\ndivide 2 100\n"), (MODEL_DIR,))
    assert one == two and one.key() == two.key()
    assert (one.kind, one.error, one.function) == ("exception", "ZeroDivisionError", "divide")
    assert one.file.endswith("fuzz_models.py") and one.line > 0


def test_invariant_signature_names_the_invariant(interpreter: Interpreter) -> None:
    sig = signature_of(bug_of(interpreter, 'new 1\nlabel 0 "clip"\n'), (MODEL_DIR,))
    assert (sig.kind, sig.invariant, sig.function, sig.error) == (
        "invariant",
        "whole",
        "whole",
        "AssertionError",
    )
    assert sig.describe().startswith("invariant whole: AssertionError in whole at fuzz_models.py:")
    other = signature_of(bug_of(interpreter, "new 5\ndivide 0 100\n"), (MODEL_DIR,))
    assert sig.key() != other.key()


def test_hang_signature_ignores_the_line() -> None:
    def spin(n: int) -> None:
        raise Hang("timeout")

    try:
        spin(1)
    except Hang as exc:
        sig = signature_of(
            Bug(BugKind.EXCEPTION, exc, 0, None), (str(Path(__file__).parent),), hang=True
        )
    assert (sig.kind, sig.function, sig.line) == ("timeout", "spin", 0)
    assert sig.describe().startswith("timeout in spin")


def test_crash_store_creates_one_folder_per_signature(
    tmp_path: Path, interpreter: Interpreter, monkeypatch: pytest.MonkeyPatch
) -> None:
    bug = bug_of(interpreter, "new 5\ndivide 0 100\n")
    sig = signature_of(bug, (MODEL_DIR,))
    monkeypatch.setenv("APIFUZZ_TEST_BRACES", "{x}")  # recorded; no format() trips on it
    a = CrashStore(tmp_path, "0", "X={x} apifuzz replay fuzz_models {folder}", timeout=2.5)
    b = CrashStore(tmp_path, "1", "apifuzz replay fuzz_models {folder}", timeout=2.5)
    assert a.hit(sig, bug, b"first input", "Traceback...") is True
    assert a.hit(sig, bug, b"second input", "Traceback...") is False
    assert b.hit(sig, bug, b"third input", "Traceback...") is False  # another worker, same bug
    a.flush()
    b.flush()
    (record,) = load_crashes(tmp_path)
    assert record.count == 3 and record.signature == sig
    folder = tmp_path / sig.key()
    assert (folder / "input.txt").read_bytes() == b"first input"
    assert (folder / "traceback.txt").read_text() == "Traceback..."
    info = json.loads((folder / "signature.json").read_text())
    assert info["summary"] == bug.summary()
    artifact = load_artifact(folder)
    assert artifact.timeout == 2.5 and artifact.environment["APIFUZZ_TEST_BRACES"] == "{x}"
    assert (
        (folder / "reproduce.sh")
        .read_text()
        .endswith(f"X={{x}} apifuzz replay fuzz_models {folder.resolve()}\n")
    )


def test_incomplete_crash_folders_are_ignored(tmp_path: Path) -> None:
    (tmp_path / ".half-written.abc").mkdir()
    (tmp_path / "no-signature").mkdir()
    assert load_crashes(tmp_path) == []


def test_signature_key_is_stable() -> None:
    sig = Signature("exception", "KeyError", "/m.py", "f", 3)
    assert sig.key() == Signature("exception", "KeyError", "/m.py", "f", 3).key()
    assert sig.key().startswith("exception-KeyError-f-")


def test_sweep_moves_only_whole_files(tmp_path: Path) -> None:
    staging, corpus = tmp_path / "staging", tmp_path / "corpus"
    staging.mkdir()
    corpus.mkdir()
    whole = b"new 1\n"
    (staging / hashlib.sha1(whole).hexdigest()).write_bytes(whole)
    torn_name = hashlib.sha1(b"new 1\nnew 2\n").hexdigest()
    (staging / torn_name).write_bytes(b"new 1\nne")  # a write cut short by a kill
    assert sweep(staging, corpus) == 1
    assert count(corpus) == 1 and all(is_whole(p) for p in corpus.iterdir())
    assert (staging / torn_name).exists()  # maybe still being written: left alone
    assert sweep(staging, corpus, discard_torn=True) == 0
    assert not (staging / torn_name).exists()


def test_atomic_write_keeps_permissions_and_symlinks(tmp_path: Path) -> None:
    import os
    import stat

    from apifuzz.atomic import atomic_write

    new = tmp_path / "new.txt"
    atomic_write(new, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.py"
    kept.write_text("old")
    kept.chmod(0o640)
    atomic_write(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "new"
    link = tmp_path / "link.py"
    link.symlink_to(kept)
    atomic_write(link, "via link")
    assert link.is_symlink() and kept.read_text() == "via link"


def test_a_corrupt_signature_means_nothing_recorded(tmp_path: Path) -> None:
    from apifuzz.engine.crashes import INPUT_NAME, SIGNATURE_NAME, load_artifact, load_crashes

    folder = tmp_path / "crashes" / "some-bug"
    folder.mkdir(parents=True)
    (folder / INPUT_NAME).write_text("a 1\n")
    (folder / SIGNATURE_NAME).write_text("{not json")
    artifact = load_artifact(folder)
    assert artifact.script == b"a 1\n" and artifact.signature is None
    assert load_crashes(tmp_path / "crashes") == []  # listed nowhere, and no crash
    (folder / SIGNATURE_NAME).write_text('{"signature": {"kind": "exception"}, "timeout": "x"}')
    assert load_artifact(folder).signature is None and load_crashes(tmp_path / "crashes") == []
