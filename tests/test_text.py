"""Text from a model made safe to print and write: apifuzz/text.py."""

from __future__ import annotations

import io

from apifuzz.text import protect_stream, safe_repr, safe_str, utf8_safe


class BadStr:
    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def test_utf8_safe_escapes_lone_surrogates_only() -> None:
    plain = "déjà vu \U0001f600"
    assert utf8_safe(plain) is plain  # valid text is returned as is
    assert utf8_safe("a\ud800b\udcff") == "a\\ud800b\\udcff"
    assert utf8_safe("\ud800é").encode("utf-8") == b"\\ud800\xc3\xa9"


def test_safe_str_and_repr_survive_any_object() -> None:
    assert safe_str(ValueError("x \ud800")) == "x \\ud800"
    assert safe_repr("\ud800") == "'\\ud800'"
    assert safe_str(BadStr()) == "<BadStr: str() failed with RuntimeError>"
    assert safe_repr(BadStr()) == "<BadStr: repr() failed with RuntimeError>"

    class OddRepr:
        def __repr__(self) -> str:
            return "Odd(\udc80)"

    assert safe_repr(OddRepr()) == "Odd(\\udc80)"


def test_protect_stream_escapes_what_the_encoding_cannot_hold() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    protect_stream(stream)
    stream.write("\ud800 caf\xe9\n")
    stream.flush()
    assert raw.getvalue() == b"\\ud800 caf\\xe9\n"
    text = io.StringIO()
    protect_stream(text)  # holds any string already: left alone
    text.write("\ud800")
    assert text.getvalue() == "\ud800"
