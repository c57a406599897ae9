"""A model whose messages and reprs hold text no UTF-8 writer accepts (lone surrogates)."""

from __future__ import annotations

from apifuzz import Target, api


class Refused(Exception):
    pass


class Odd:
    """A value whose repr holds a lone surrogate."""

    def __repr__(self) -> str:
        return "Odd(\ud800)"


class NoRepr:
    """A value whose repr raises."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class Echo:
    def __init__(self) -> None:
        self.said: list[str] = []

    @api
    def say(self, text: str) -> str:
        if text.startswith("\ud800"):
            raise ValueError(f"cannot say {text}")  # the bug: echoes the lone surrogate
        if text == "no":
            raise Refused(f"refused \udcff{text} \xe9")  # and a non-ASCII letter
        self.said.append(text)
        return text

    @api
    def odd(self) -> Odd:
        return Odd()

    @api
    def norepr(self) -> NoRepr:
        return NoRepr()


target = Target(Echo, expected=(Refused,))
