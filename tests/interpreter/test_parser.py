"""The script syntax: every element, the fast path, and tolerance of any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apifuzz.interpreter import LineParser, SkipReason
from apifuzz.interpreter.literals import (
    Name,
    format_float,
    quote,
    quote_bytes,
    unescape,
    unescape_bytes,
)
from apifuzz.interpreter.parser import Call, Factory, Unparsed
from apifuzz.language import Language


@pytest.fixture(scope="module")
def parser() -> LineParser:
    from sample_models import store_target

    return LineParser(Language.build(store_target))


def args(parser: LineParser, line: str) -> tuple[object, ...]:
    parsed = parser.parse(line)
    assert isinstance(parsed, Call), parsed
    return parsed.args


def test_alias_and_full_name(parser: LineParser) -> None:
    for line in ("r 1", "remove 1", "  r\t1  ", "r 1 # comment", "r,1"):
        parsed = parser.parse(line)
        assert isinstance(parsed, Call) and parsed.method.name == "remove", line
        assert parsed.args == (1,)


def test_ints(parser: LineParser) -> None:
    assert args(parser, "t -1 +2 0 123456789012345678901234567890") == (
        -1,
        2,
        0,
        123456789012345678901234567890,
    )


def test_floats(parser: LineParser) -> None:
    got = args(parser, "t 1.5 -0.0 .25 1e300 -2.5E-3 inf -inf +inf nan 3.")
    assert got[:4] == (1.5, -0.0, 0.25, 1e300)
    assert math.copysign(1, got[1]) == -1  # type: ignore[arg-type]
    assert got[4:8] == (-2.5e-3, math.inf, -math.inf, math.inf)
    assert math.isnan(got[8])  # type: ignore[arg-type]
    assert got[9] == 3.0


def test_keywords_strings_bytes_names(parser: LineParser) -> None:
    got = args(
        parser,
        r't true false none "a b" "q\"uote\\" "line\nbreak\t\u00e9\U0001F600" b"\x00\xff" RED Color.RED "#x"',
    )
    assert got == (
        True,
        False,
        None,
        "a b",
        'q"uote\\',
        "line\nbreak\té😀",
        b"\x00\xff",
        Name("RED"),
        Name("Color.RED"),
        "#x",
    )


def test_unicode_in_strings(parser: LineParser) -> None:
    assert args(parser, 'a "日本語 ü"') == ("日本語 ü",)


def test_lists(parser: LineParser) -> None:
    assert args(parser, "p [] [1 [2 3] []] [true,none]") == ([], [1, [2, 3], []], [True, None])


def test_factory_statement(parser: LineParser) -> None:
    assert parser.parse('! 3 "x"') == Factory((3, "x"))
    assert parser.parse("!") == Factory(())


def test_blank_and_comment(parser: LineParser) -> None:
    assert parser.parse("") is None
    assert parser.parse("   ") is None
    assert parser.parse("# only a comment") is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("zz 1", SkipReason.UNKNOWN_METHOD),
        ("helper", SkipReason.UNKNOWN_METHOD),
        ("__class__", SkipReason.UNKNOWN_METHOD),
        ("__init__ 1", SkipReason.UNKNOWN_METHOD),
        ("_private", SkipReason.UNKNOWN_METHOD),
        ("r1", SkipReason.UNKNOWN_METHOD),
        ("item_ids", SkipReason.UNKNOWN_METHOD),
        ("1 2", SkipReason.PARSE_ERROR),
        ("true", SkipReason.PARSE_ERROR),
        ('a "unterminated', SkipReason.PARSE_ERROR),
        ("a [1 2", SkipReason.PARSE_ERROR),
        ("a ]", SkipReason.PARSE_ERROR),
        ("a 1.2.3", SkipReason.PARSE_ERROR),
        ("a 12abc", SkipReason.PARSE_ERROR),
        (r'a "\q"', SkipReason.PARSE_ERROR),
        (r'a "\UFFFFFFFF"', SkipReason.PARSE_ERROR),
        (r'a b"\u1234"', SkipReason.PARSE_ERROR),
        ("a " + "9" * 5000, SkipReason.PARSE_ERROR),
        ("t " + "[" * 10_000 + "]" * 10_000, SkipReason.PARSE_ERROR),
        ("a " + "x" * 100_000, SkipReason.PARSE_ERROR),
        ("a \x00", SkipReason.PARSE_ERROR),
    ],
)
def test_unparsable_lines(parser: LineParser, line: str, reason: SkipReason) -> None:
    parsed = parser.parse(line)
    assert isinstance(parsed, Unparsed)
    assert parsed.reason is reason, parsed.detail
    assert parsed.detail


def test_cache_parses_each_line_once(parser: LineParser) -> None:
    before = parser.lark_parses
    for _ in range(100):
        parser.parse('a "cac\\"hed"')
    assert parser.lark_parses == before + 1


def test_cache_is_bounded_by_characters(parser: LineParser) -> None:
    from apifuzz.interpreter.parser import CACHE_CHARS, MAX_LINE

    fresh = LineParser(parser.language)
    for k in range(3 * CACHE_CHARS // MAX_LINE):  # long lines: far fewer than CACHE_SIZE
        fresh.parse(f"r {k} " + "7 " * (MAX_LINE // 2 - 8))
        assert fresh._cached_chars <= CACHE_CHARS
        assert sum(map(len, fresh._cache)) == fresh._cached_chars
    assert 0 < len(fresh._cache) <= CACHE_CHARS // (MAX_LINE - 16)


def test_fast_path_skips_lark(parser: LineParser) -> None:
    before = parser.lark_parses
    parser.parse("r 12345 -3 7")
    parser.parse('p 0 RED "a b" true none')
    assert parser.lark_parses == before


ident = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,3}", fullmatch=True)
int_lines = st.builds(
    lambda name, ints, seps: name + "".join(s + str(i) for s, i in zip(seps, ints, strict=False)),
    st.one_of(ident, st.sampled_from(["a", "r", "p", "re", "remove", "paint"])),
    st.lists(st.integers(-(10**30), 10**30), max_size=5),
    st.lists(st.sampled_from([" ", "\t", "  ", " +"]), min_size=5, max_size=5),
)


word_lines = st.builds(
    lambda name, tokens: " ".join([name, *tokens]),
    st.sampled_from(["a", "r", "p", "re", "remove", "paint", "zz", "true"]),
    st.lists(st.one_of(
        st.integers(-10**6, 10**6).map(str),
        st.sampled_from(["true", "false", "none", "inf", "nan", "RED", "Color.RED", "x_1", "b",
                         '""', '"a b"', '"#"', '"日本"', '"\\n"', "-", "1.5", "[]", "b\"x\""]),
        st.text(alphabet='ab "#[]\\1-', max_size=6),
    ), max_size=5),
)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(int_lines | word_lines)
def test_fast_path_agrees_with_lark(parser: LineParser, line: str) -> None:
    fast = parser._parse(line)
    slow = parser.parse_slow(line)
    if isinstance(fast, Unparsed):
        assert isinstance(slow, Unparsed) and slow.reason is fast.reason
    elif isinstance(fast, Call):
        assert isinstance(slow, Call) and fast.method is slow.method
        assert repr(fast.args) == repr(slow.args)
        if isinstance(fast, Call):
            assert [type(a) for a in fast.args] == [type(a) for a in slow.args]


@settings(max_examples=1000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
    | st.text(alphabet='ar!pt "[]\\#1-.,e nbx0fRED', max_size=40)
)
def test_any_text_parses_without_raising(parser: LineParser, line: str) -> None:
    parsed = parser.parse(line)
    assert parsed is None or isinstance(parsed, (Call, Factory, Unparsed))


@given(st.text())
def test_quote_round_trip(text: str) -> None:
    quoted = quote(text)
    assert "\n" not in quoted
    assert unescape(quoted[1:-1]) == text


@given(st.binary())
def test_quote_bytes_round_trip(data: bytes) -> None:
    assert unescape_bytes(quote_bytes(data)[2:-1]) == data


@given(st.floats(allow_nan=False))
def test_format_float_round_trip(value: float) -> None:
    back = float(format_float(value)) if "inf" not in format_float(value) else value
    assert back == value and math.copysign(1, back) == math.copysign(1, value)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=30), st.binary(max_size=30), st.floats(), st.integers())
def test_values_read_back_through_the_parser(
    parser: LineParser, text: str, data: bytes, number: float, integer: int
) -> None:
    line = f"t {quote(text)} {quote_bytes(data)} {format_float(number)} {integer}"
    got = args(parser, line)
    assert got[0] == text and got[1] == data and got[3] == integer
    assert (math.isnan(got[2]) and math.isnan(number)) or got[2] == number  # type: ignore[arg-type]
