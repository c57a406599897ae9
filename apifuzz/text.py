"""Text from a model, made safe to print and to write: any string, any object.

A model's messages, reprs and tracebacks may hold any code point, and a lone
surrogate (``"\\ud800"``, echoed from a string argument) is one that no UTF-8
writer accepts: printing it to a terminal or writing it to a file raises
``UnicodeEncodeError``.  Everything apifuzz prints or writes from a model goes
through :func:`utf8_safe` (or :func:`safe_str` / :func:`safe_repr`), and the
command line's own streams escape whatever is left (:func:`protect_stream`).
The escape is Python's own backslash form, so ``"\\ud800"`` reads as ``\\ud800``.
"""

from __future__ import annotations

from typing import TextIO


def utf8_safe(text: str) -> str:
    """``text`` with each lone surrogate written as its escape (``\\ud800``): valid UTF-8.

    Any other text comes back unchanged (the same object).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def safe_str(value: object) -> str:
    """``str(value)`` made :func:`utf8_safe`; a ``__str__`` that raises gives a placeholder."""
    try:
        text = str(value)
    except Exception as exc:  # the model's __str__ is the model's code: it may do anything
        text = f"<{type(value).__name__}: str() failed with {type(exc).__name__}>"
    return utf8_safe(text)


def safe_repr(value: object) -> str:
    """``repr(value)`` made :func:`utf8_safe`; a ``__repr__`` that raises gives a placeholder."""
    try:
        text = repr(value)
    except Exception as exc:  # as in safe_str
        text = f"<{type(value).__name__}: repr() failed with {type(exc).__name__}>"
    return utf8_safe(text)


def protect_stream(stream: TextIO) -> None:
    """Make a text stream escape what its encoding cannot hold instead of raising.

    For the process's own ``sys.stdout`` and ``sys.stderr`` (a terminal, a
    pipe, a log file): a lone surrogate, or text beyond an ASCII or Latin-1
    locale, prints as backslash escapes.  Streams without ``reconfigure``
    (a ``StringIO``) hold any string already.
    """
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
