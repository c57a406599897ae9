"""One way to write a file: whole or not at all, whatever kills the process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Read once: os.umask can only be read by setting it.
_UMASK = _umask()


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write then rename: a kill at any moment leaves the old file or the new one.

    Text is written as UTF-8, byte for byte (no newline translation).  The file
    keeps its permissions (a new one gets the usual ``0o666 & ~umask``, not
    mkstemp's 0600), and a symlink keeps pointing at the file it names.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_symlink():
        path = path.resolve()
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
