"""The exception hierarchy: every error apifuzz raises derives from ApifuzzError."""

from __future__ import annotations


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
