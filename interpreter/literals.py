"""Literal values of the script language and their escapes.

Parsed arguments are plain Python values (int, float, str, bytes, bool,
None, list) plus :class:`Name` for a bare identifier, which names an enum
member (or stands for a string).  The escape rules here are the only ones
the parser and the emitters use, so a value written out reads back
identically.
"""

from __future__ import annotations

import math
import re

#: Python refuses to parse ints longer than this (sys.int_info.default_max_str_digits).
MAX_INT_DIGITS = 4300


class Name(str):
    """A bare identifier in argument position: an enum member name or a word."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Name({str(self)!r})"


class LiteralError(ValueError):
    """A literal that is well formed lexically but has no value (bad escape, huge int)."""


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def _unescape_one(match: re.Match[str]) -> str:
    body = match.group(1)
    simple = _SIMPLE.get(body)
    if simple is not None:
        return simple
    if body[0] in "xuU" and len(body) > 1:
        code = int(body[1:], 16)
        if code > 0x10FFFF:
            raise LiteralError(f"\\{body} is beyond the last unicode code point")
        return chr(code)
    raise LiteralError(f"unknown escape \\{body}")


def unescape(body: str) -> str:
    """Decode the inside of a quoted string (no surrounding quotes)."""
    if "\\" not in body:
        return body
    return _ESCAPE.sub(_unescape_one, body)


def unescape_bytes(body: str) -> bytes:
    """Decode the inside of ``b"..."``: ASCII text, \\xHH for other bytes."""
    text = unescape(body)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        raise LiteralError("bytes literals hold only \\x00-\\xff; escape others as \\xHH") from None


def parse_int(token: str) -> int:
    """An int token; refuses the digit counts Python itself refuses."""
    if len(token) > MAX_INT_DIGITS:
        raise LiteralError(f"int literal longer than {MAX_INT_DIGITS} digits")
    return int(token)


def parse_float(token: str) -> float:
    """A float token (``1.5``, ``-0.0``, ``1e300``, ``-inf``, ``nan``)."""
    return float(token)


def quote(text: str) -> str:
    """Write a str as a script literal that :func:`unescape` reads back identically."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif (
            code < 0x20
            or code == 0x7F
            or 0xD800 <= code <= 0xDFFF
            or code in (0x85, 0x2028, 0x2029)
        ):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def quote_bytes(data: bytes) -> str:
    """Write bytes as a ``b"..."`` literal."""
    out = ['b"']
    for byte in data:
        ch = chr(byte)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{byte:02x}")
    out.append('"')
    return "".join(out)


def format_float(value: float) -> str:
    """A float literal that parses back to the identical float (sign of zero included)."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = repr(value)
    return text


def format_literal(value: object) -> str:
    """Write a parsed literal (as the parser returns it) back as script text."""
    if value is None:
        return "none"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Name):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, bytes):
        return quote_bytes(value)
    if isinstance(value, list):
        return "[" + " ".join(format_literal(v) for v in value) + "]"
    raise TypeError(f"not a script literal: {value!r}")
