"""Minimization keeps every value inside its parameter's domain."""

from __future__ import annotations

import domain_models

from apifuzz.engine.judge import Judge
from apifuzz.language import Language
from apifuzz.minimize import Minimizer, MinimizeStatus
from apifuzz.minimize.simplify import candidates
from apifuzz.model.domains import OneOf, Range, Text
from apifuzz.model.params import IntType, StrType


def test_simpler_values_stay_inside_the_domain_simplest_first() -> None:
    assert list(candidates(IntType(Range(10, 20)), 17)) == [10, 11, 13]
    assert list(candidates(IntType(Range(-20, -10)), -17)) == [-10, -11, -13]
    assert list(candidates(IntType(OneOf(3, 5, 8)), 8)) == [3, 5]
    assert list(candidates(StrType(Text("ba", min_size=2)), "abab")) == ["bb", "ab", "aba"]
    assert list(candidates(StrType(OneOf("x", "y")), "y")) == ["x"]


def test_a_minimized_script_keeps_its_values_inside_their_domains() -> None:
    judge = Judge(Language.build(domain_models.target), ["domain_models"], timeout=5.0)
    script = (
        'put 30 "blue" "abab"\nput 44 "green" "bbba"\ntune 8 [b"yz"]\n'
        "shrink 5 58\nshrink 2 47 1.5\n"
    )
    result = Minimizer(judge, max_time=30.0).minimize(script)
    assert result.status is MinimizeStatus.MINIMIZED
    # 47 is 7 above the simplest value of 40..60; the size goes to 0, the end of 0..100
    # nearest 0; the label to "a", the shortest text of its alphabet.
    assert result.script == 'put 0 "green" "a"\nshrink 0 47\n'
