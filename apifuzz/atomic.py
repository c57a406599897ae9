"""One way to write a file: whole or not at all, whatever kills the process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from apifuzz.text import utf8_safe


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Read once: os.umask can only be read by setting it.
_UMASK = _umask()


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write then rename: a kill at any moment leaves the old file or the new one.

    Text is written as UTF-8, byte for byte (no newline translation); a lone
    surrogate, which UTF-8 cannot hold, as its backslash escape (``\\ud800``).
    The file keeps its permissions (a new one gets the usual ``0o666 & ~umask``,
    not mkstemp's 0600), and a symlink keeps pointing at the file it names.
    An OSError (a full disk, a read-only folder) names ``path``, not the
    temporary file, whichever step failed.
    """
    raw = utf8_safe(data).encode("utf-8") if isinstance(data, str) else data
    if path.is_symlink():
        path = path.resolve()
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_UMASK
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        _name(exc, path)
        raise
    try:
        with os.fdopen(fd, "wb") as f:
            _write(f, raw)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            _name(exc, path)
        raise


def _write(f: BinaryIO, raw: bytes) -> None:
    # One place where the bytes go out: where a full disk shows (tests simulate it here).
    f.write(raw)


def _name(exc: OSError, path: Path) -> None:
    """Make ``exc`` name ``path`` (a write on a descriptor names no file, mkstemp a temporary)."""
    exc.filename, exc.filename2 = str(path), None
