"""The exception hierarchy: every error apifuzz raises derives from ApifuzzError."""

from __future__ import annotations

import errno


class ApifuzzError(Exception):
    """Root of every error raised by apifuzz itself."""


class InvalidDefinition(ApifuzzError, TypeError):
    """A decorated model, a registration or a Target cannot be fuzzed as written.

    The message names the culprit (``Class.method``), the parameter when there
    is one, what is wrong and how to fix it.
    """


class LanguageError(ApifuzzError, ValueError):
    """The script language cannot be built (for example a corrupt alias lock)."""


class UsageError(ApifuzzError, ValueError):
    """A command-line or API call was given something it cannot use."""


#: What to do about a failed file operation, by errno.
_OS_ERROR_HINTS = {
    errno.ENOSPC: "free some disk space and run again",
    errno.EDQUOT: "free some disk space and run again",
    errno.EACCES: "check its permissions, or choose another place",
    errno.EPERM: "check its permissions, or choose another place",
    errno.EROFS: "it is on a read-only file system; choose another place",
    errno.ENOTDIR: "a part of that path is a file, not a folder",
    errno.EISDIR: "it is a folder, where a file is needed",
    errno.EEXIST: "it is a file, where a folder is needed",
}


def describe_os_error(exc: OSError) -> str:
    """One line for a file operation apifuzz could not do: ``PATH: reason; what to do``."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    where = f"{exc.filename}: " if exc.filename is not None else ""
    hint = _OS_ERROR_HINTS.get(exc.errno or 0, "")
    return f"{where}{reason}" + (f"; {hint}" if hint else "")
