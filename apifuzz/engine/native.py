"""A death in native code: a fatal signal, or a hang that SIGALRM cannot interrupt.

A segfault or an abort in a C extension kills the process before Python can
catch anything, and a loop in C code never returns to the interpreter, so the
timeout alarm's handler never runs.  Both are bugs like any other; this module
keeps their evidence and turns it into a crash folder:

- a fuzz worker keeps a :class:`NativeGuard`: the input it is running, in a
  memory-mapped file that outlives the process, ``faulthandler`` writing the
  Python stack at a fatal signal, and a ``faulthandler`` watchdog that writes
  the stack and ends the worker when one input runs well past the timeout;
- once such a worker is dead, :func:`adopt` reads that evidence and records
  the bug through the crash store, as the worker would have;
- :func:`parse_fault` and :func:`native_signature` read a ``faulthandler``
  dump, for the worker's bug and for a replay in a child process
  (:mod:`apifuzz.engine.isolated`) alike, so both give the same signature.

The files of worker ``n`` live in ``<workdir>/native/<n>/``.
"""

from __future__ import annotations

import faulthandler
import hashlib
import json
import mmap
import os
import re
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from apifuzz.engine.crashes import CrashStore
from apifuzz.engine.triage import Signature, SignatureKind
from apifuzz.interpreter.report import Bug, BugKind

#: The folder of the workdir holding each worker's native-crash evidence.
NATIVE_DIR = "native"
FAULT_NAME = "fault.txt"  # what faulthandler wrote: the Python stack at the signal or hang
INPUT_NAME = "input.bin"  # the input running now (memory-mapped; see NativeGuard)
WORKER_NAME = "worker.json"  # how to record the worker's bug: its crash store, its model
#: libFuzzer's -artifact_prefix in the workdir: it writes ``<prefix>crash-<sha1>`` at a signal.
ARTIFACT_PREFIX = "libfuzzer-"
#: Seconds an input may run past the timeout before the watchdog ends the worker: by then
#: the alarm had its chance, and the run is stuck where SIGALRM does not reach.
GRACE = 1.0
#: The watchdog is re-armed at most this often (arming costs ~35 us: not once per input).
REARM = 1.0

# The input file: a flag (1 while an input runs), the input's length, then the input.
_HEADER = struct.Struct("<II")

#: faulthandler's words for the signals it handles, and their names.
_SIGNALS = {
    "Segmentation fault": "SIGSEGV",
    "Aborted": "SIGABRT",
    "Bus error": "SIGBUS",
    "Illegal instruction": "SIGILL",
    "Floating point exception": "SIGFPE",
}
#: Where the interpreter calls a statement's method: the frame above it is the method's.
_RUNNER = os.path.join("interpreter", "runner.py")
_CALLERS = ("_call", "_hooked_call")
_FRAME = re.compile(r'^\s+File "(.*)", line (\d+) in (.*)$')
_THREAD = re.compile(r"^(Current thread|Thread) 0x[0-9a-f]+")


def native_dir(workdir: Path, worker: int) -> Path:
    """``<workdir>/native/<worker>``: one worker's evidence."""
    return workdir / NATIVE_DIR / str(worker)


class FatalSignal(Exception):
    """Stands for a fatal signal that killed the process running a script (never raised)."""


class NativeHang(Exception):
    """Stands for a hang in native code that the timeout alarm could not stop (never raised)."""


@dataclass
class RemoteBug(Bug):
    """A bug seen in another process (a dead worker, a replay's child): its texts come with it."""

    text: str = ""  # the traceback, or the faulthandler dump of a death
    model_text: str = ""  # the same, cut down to the model's frames
    shown: str = ""  # the one-line summary
    died: bool = False  # the process died of it: a fatal signal or a native hang

    @property
    def traceback(self) -> str:
        """The traceback (or the Python stack at the death) as the other process wrote it."""
        return self.text

    def summary(self) -> str:
        """One line: where it happened and what it was."""
        return self.shown or super().summary()


# -- reading a faulthandler dump ----------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A faulthandler dump: what happened, and the Python stack of the thread it hit."""

    kind: SignatureKind  # "signal", or "timeout" for the watchdog's dump
    error: str  # "SIGSEGV", ...; "Timeout"
    frames: tuple[tuple[str, int, str], ...] = ()  # (file, line, function), innermost first
    text: str = ""


def parse_fault(text: str) -> Fault | None:
    """The fault a faulthandler dump describes, or None when ``text`` holds none.

    The stack is the current thread's at a fatal signal; for a watchdog's dump
    (where no Python thread is current) the thread that runs the interpreter's
    script, else the first one.
    """
    lines = text.splitlines()
    kind: SignatureKind
    if any(line.startswith("Timeout (") for line in lines):
        kind, error = "timeout", "Timeout"
    else:
        fatal = next((line for line in lines if line.startswith("Fatal Python error: ")), None)
        if fatal is None:
            return None
        what = fatal.removeprefix("Fatal Python error: ").strip()
        kind, error = "signal", _SIGNALS.get(what, re.sub(r"\W+", "_", what) or "signal")
    threads: list[tuple[bool, list[tuple[str, int, str]]]] = []
    for line in lines:
        if _THREAD.match(line):
            threads.append((line.startswith("Current"), []))
        elif threads and (match := _FRAME.match(line)):
            threads[-1][1].append((match[1], int(match[2]), match[3]))
    stack: list[tuple[str, int, str]] = []
    for current, frames in threads:
        if current or any("interpreter" in f[0] and f[2] == "run" for f in frames):
            stack = frames
            break
    if not stack and threads:
        stack = threads[0][1]
    return Fault(kind, error, tuple(stack), text)


def native_signature(fault: Fault, model_dirs: tuple[str, ...]) -> Signature:
    """The signature of a native death, as :func:`~apifuzz.engine.triage.signature_of` makes
    one: the innermost frame in the model's code, else the innermost frame."""
    ours = [f for f in fault.frames if f[0].startswith(model_dirs)]
    file, line, function = ours[0] if ours else (fault.frames[0] if fault.frames else ("", 0, ""))
    for base in model_dirs:
        if file.startswith(base):
            # Relative to the folder holding the package: the same in every checkout.
            file = os.path.relpath(file, os.path.dirname(base))
            break
    method = api_method(fault)
    if fault.kind == "timeout":
        return Signature("timeout", "Timeout", file, function, 0, method=method)
    return Signature("signal", fault.error, file, function, line, method=method)


def api_method(fault: Fault) -> str:
    """The API method the death surfaced in: the function the interpreter called, as the
    stack shows it ("" when it is not a Python function, or the death came elsewhere)."""
    frames = fault.frames
    for index, (file, _line, function) in enumerate(frames):
        if function in _CALLERS and file.endswith(_RUNNER) and index > 0:
            return frames[index - 1][2]
    return ""


def model_stack(fault: Fault, model_dirs: tuple[str, ...]) -> str:
    """The dump's stack cut down to the model's frames, as a traceback shows them."""
    ours = [f for f in reversed(fault.frames) if f[0].startswith(model_dirs)]
    lines = ["Python stack at the death (model frames only):\n"] if ours else []
    lines += [f'  File "{file}", line {line}, in {function}\n' for file, line, function in ours]
    return "".join(lines) + f"{what_killed(fault)}\n"


def what_killed(fault: Fault) -> str:
    """``killed by SIGSEGV``, or the watchdog's account of a hang in native code."""
    if fault.kind == "timeout":
        return "hang in native code: the timeout alarm could not stop it"
    return f"killed by {fault.error}"


# -- the worker's side ----------------------------------------------------------------------


class NativeGuard:
    """A fuzz worker's evidence for a death in native code.

    Before each input the worker calls :meth:`begin` (the input is copied into
    a memory-mapped file, which keeps it when the process dies) and after it
    :meth:`end`; :meth:`pause` before its own slower work (at most once a
    second: cancelling the watchdog costs ~0.1 ms).  :meth:`arm` must come once
    libFuzzer has installed its own signal handlers: faulthandler then runs
    first at a fatal signal, writes the Python stack and hands the signal on to
    libFuzzer.
    """

    def __init__(self, folder: Path, timeout: float, info: dict[str, Any]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.timeout = timeout
        (folder / WORKER_NAME).write_text(json.dumps(info, indent=2) + "\n")
        self._fault: IO[str] = open(folder / FAULT_NAME, "w")  # noqa: SIM115 - kept for faulthandler
        self._fd = os.open(folder / INPUT_NAME, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        self._capacity = 0
        self._map = self._mapping(4096)
        self._armed = False
        self._rearm = 0.0  # when the watchdog is re-armed next

    def _mapping(self, capacity: int) -> mmap.mmap:
        os.ftruncate(self._fd, _HEADER.size + capacity)
        self._capacity = capacity
        return mmap.mmap(self._fd, _HEADER.size + capacity)

    def arm(self) -> None:
        """Let faulthandler write the Python stack at a fatal signal (and go on to libFuzzer's)."""
        faulthandler.enable(file=self._fault, all_threads=True)
        self._armed = True

    def begin(self, data: bytes) -> None:
        """An input starts: keep it, and keep the watchdog armed."""
        if not self._armed:
            self.arm()
        if len(data) > self._capacity:
            self._map.close()
            self._map = self._mapping(max(len(data), 2 * self._capacity))
        self._map[_HEADER.size : _HEADER.size + len(data)] = data
        _HEADER.pack_into(self._map, 0, 1, len(data))
        if self.timeout > 0:
            now = time.monotonic()
            if now >= self._rearm:
                # Any input gets at least timeout + GRACE before the watchdog fires.
                self._rearm = now + REARM
                faulthandler.dump_traceback_later(
                    self.timeout + GRACE + REARM, exit=True, file=self._fault
                )

    def end(self) -> None:
        """The input returned to Python."""
        self._map[0] = 0

    def moved(self) -> None:
        """The input moved on to another statement: the watchdog starts over.

        The hang clock calls it (:class:`~apifuzz.engine.hangs.HangClock`), so a
        long input is no hang here either: only a statement stuck in C code is.
        """
        if self.timeout > 0:
            self._rearm = time.monotonic() + REARM
            faulthandler.dump_traceback_later(
                self.timeout + GRACE + REARM, exit=True, file=self._fault
            )

    def pause(self) -> None:
        """No watchdog until the next input: the worker's own work between inputs (or its
        exit) may take longer than an input may, and is no hang of the model."""
        faulthandler.cancel_dump_traceback_later()
        self._rearm = 0.0


# -- adopting a dead worker's bug -----------------------------------------------------------


@dataclass
class Adopted:
    """A native death recorded as a bug."""

    signature: Signature
    new: bool  # the first of its signature in the workdir
    artifacts: list[Path] = field(default_factory=list)  # libFuzzer's copies, removed


def _running_input(folder: Path) -> bytes | None:
    """The input the worker was running when it died, or None when it was between inputs."""
    try:
        raw = (folder / INPUT_NAME).read_bytes()
    except OSError:
        return None
    if len(raw) < _HEADER.size:
        return None
    running, length = _HEADER.unpack_from(raw)
    if not running or _HEADER.size + length > len(raw):
        return None
    return raw[_HEADER.size : _HEADER.size + length]


def adopt(workdir: Path, worker: int) -> Adopted | None:
    """Record the bug of worker ``worker`` when it died of a fatal signal or a native hang.

    Call it for a worker that stopped: it does nothing (and returns None) unless
    the worker died inside an input and faulthandler wrote why.  The input,
    the Python stack from faulthandler and a signature (kind "signal", or
    "timeout" for a hang) become a crash folder through the crash store, and
    the evidence is cleared, so a second call adopts nothing.
    """
    folder = native_dir(workdir, worker)
    try:
        text = (folder / FAULT_NAME).read_text(encoding="utf-8", errors="replace")
        info = json.loads((folder / WORKER_NAME).read_text())
    except (OSError, ValueError):
        return None
    fault = parse_fault(text)
    data = _running_input(folder)
    if fault is None or data is None:
        return None
    signature = native_signature(fault, tuple(info["model_dirs"]))
    store = CrashStore(
        workdir / "crashes",
        f"{worker}-native",  # a count file of its own, beside the live worker's
        info["reproduce"],
        target=info["target"],
        undo_redo=bool(info["undo_redo"]),
        packages=tuple(info["packages"]),
        timeout=info["timeout"],
    )
    bug = RemoteBug(
        BugKind.EXCEPTION,
        NativeHang() if fault.kind == "timeout" else FatalSignal(fault.error),
        0,
        None,
        text=_header(fault, worker, info) + text,
        model_text=model_stack(fault, tuple(info["model_dirs"])),
        shown=_worker_summary(fault, info),
        died=True,
    )
    new = store.hit(signature, bug, data, bug.text)
    store.flush()
    # Cleared last: a kill before this line adopts the same death again, and the store
    # only counts it once more.
    (folder / FAULT_NAME).write_text("")
    (folder / INPUT_NAME).write_bytes(b"")
    digest = hashlib.sha1(data).hexdigest()
    removed = []
    for artifact in (workdir / f"{ARTIFACT_PREFIX}crash-{digest}",):
        if artifact.is_file():
            artifact.unlink()  # the same input, now in the crash folder
            removed.append(artifact)
    return Adopted(signature, new, removed)


def _header(fault: Fault, worker: int, info: dict[str, Any]) -> str:
    if fault.kind == "timeout":
        what = (
            f"timeout: a statement ran longer than {info['timeout']}s and never returned to "
            "Python (a hang in native code); the watchdog ended the worker"
        )
    else:
        what = f"fatal signal {fault.error}: the worker was killed running this input"
    return f"{what} (worker {worker}, pid {info.get('pid', '?')}); faulthandler's dump:\n"


def _worker_summary(fault: Fault, info: dict[str, Any]) -> str:
    if fault.kind == "timeout":
        return f"timeout: a hang in native code, past {info['timeout']}s"
    return what_killed(fault)
