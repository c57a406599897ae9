"""Wrap long lines of generated code the way ruff format (and black) would.

libcst renders a call on one line however long it is.  A generated test must
pass ``ruff check`` and should pass ``ruff format --check``, so a statement
that does not fit is split at its last bracket, like black's right-hand split:

* the bracket's content on one indented line, when it fits there ("hug")::

      store.tag(
          "a long string", b"bytes", [1, 2]
      )

* otherwise one element per line with a trailing comma, each element split
  again if it is still too long; a single element is split inside instead::

      timeline.group_items(
          {
              clip_6,
              clip_7,
          }
      )

Only calls and list, set and tuple displays are split (the value of an
expression statement or an assignment, or the exception a ``raise`` raises); a
line that still does not fit (one very long string) is left long, as ruff
format leaves it.
"""

from __future__ import annotations

import libcst as cst

from apifuzz.testgen.imports import code_of

_Splittable = cst.Call | cst.List | cst.Set | cst.Tuple


class Layout:
    """Splits expressions for one file: its indentation unit and line length."""

    def __init__(self, unit: str, limit: int) -> None:
        self.unit = unit
        self.width = len(unit.expandtabs(4))
        self.limit = limit
        self._block = 0  # the depth of the statement being laid out

    def fits(self, *widths: int) -> bool:
        """Whether a line of these parts fits."""
        return sum(widths) <= self.limit

    def statement(
        self, small: cst.BaseSmallStatement, depth: int, comment: str = ""
    ) -> cst.BaseSmallStatement:
        """``small`` at block depth ``depth``, its call split if the line is too long."""
        self._block = depth
        base = self.width * depth
        after = len(comment) + 2 if comment else 0
        if self.fits(base, len(code_of(small)), after):
            return small
        if isinstance(small, cst.Expr):
            return small.with_changes(value=self.expression(small.value, depth, base, after))
        if isinstance(small, cst.Assign):
            head = base + sum(len(code_of(t.target)) + 3 for t in small.targets)
            return small.with_changes(value=self.expression(small.value, depth, head, after))
        if isinstance(small, cst.Raise) and small.exc is not None:
            cause = len(code_of(small.cause)) + 1 if small.cause is not None else 0
            exc = self.expression(small.exc, depth, base + len("raise "), after + cause)
            return small.with_changes(exc=exc)
        return small

    def expression(
        self, node: cst.BaseExpression, level: int, start: int, after: int
    ) -> cst.BaseExpression:
        """``node`` starting at column ``start`` of a line indented ``level`` levels, with
        ``after`` characters following it; split at its brackets if it does not fit."""
        if self.fits(start, len(code_of(node)), after) or not isinstance(node, _Splittable):
            return node
        items = _items(node)
        if not items:
            return node
        inner = self.width * (level + 1)
        opening, closing = self._break(level + 1), self._break(level)
        bare = [_bare(item) for item in items]
        if self.fits(inner, len(", ".join(code_of(item) for item in bare))):
            return _rebuild(node, bare, opening, closing, trailing=False)
        if len(bare) == 1:  # nothing to split between: split inside the one item
            item = bare[0]
            value = self.expression(item.value, level + 1, inner + _prefix(item), 0)
            one = [item.with_changes(value=value)]
            return _rebuild(node, one, opening, closing, trailing=False)
        split = [
            item.with_changes(
                value=self.expression(item.value, level + 1, inner + _prefix(item), 1)
            )
            for item in bare
        ]
        return _rebuild(node, split, opening, closing, trailing=True)

    def _break(self, level: int) -> cst.ParenthesizedWhitespace:
        """A line break, then the indentation of ``level`` levels.

        libcst writes the enclosing block's indentation itself (``indent=True``); only
        the levels beyond it are spelled out here.
        """
        return cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            empty_lines=[],
            indent=True,
            last_line=cst.SimpleWhitespace(self.unit * (level - self._block)),
        )


_Item = cst.Arg | cst.Element


def _items(node: _Splittable) -> list[_Item]:
    if isinstance(node, cst.Call):
        return list(node.args)
    if isinstance(node, cst.Tuple) and not node.lpar:
        return []  # a bare tuple has no bracket to split at
    return [e for e in node.elements if isinstance(e, cst.Element)]


def _bare(item: _Item) -> _Item:
    """The item without its comma and surrounding whitespace."""
    if isinstance(item, cst.Arg):
        return item.with_changes(
            comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace("")
        )
    return item.with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _prefix(item: _Item) -> int:
    """The width of ``keyword=`` before an argument's value."""
    if isinstance(item, cst.Arg) and item.keyword is not None:
        return len(item.keyword.value) + 1
    return 0


def _rebuild(
    node: _Splittable,
    items: list[_Item],
    open_break: cst.ParenthesizedWhitespace,
    close_break: cst.ParenthesizedWhitespace,
    *,
    trailing: bool,
) -> cst.BaseExpression:
    """``node`` with ``items`` after a line break, one per line when ``trailing``."""
    laid: list[_Item] = []
    for index, item in enumerate(items):
        last = index == len(items) - 1
        if trailing:
            comma = cst.Comma(whitespace_after=close_break if last else open_break)
            laid.append(item.with_changes(comma=comma))
        elif last:
            if isinstance(item, cst.Arg):
                laid.append(item.with_changes(whitespace_after_arg=close_break))
            else:
                laid.append(item)
        else:
            laid.append(item)
    if isinstance(node, cst.Call):
        return node.with_changes(args=laid, whitespace_before_args=open_break)
    closing = cst.SimpleWhitespace("") if trailing else close_break
    if isinstance(node, cst.List):
        return node.with_changes(
            elements=laid,
            lbracket=cst.LeftSquareBracket(whitespace_after=open_break),
            rbracket=cst.RightSquareBracket(whitespace_before=closing),
        )
    if isinstance(node, cst.Set):
        return node.with_changes(
            elements=laid,
            lbrace=cst.LeftCurlyBrace(whitespace_after=open_break),
            rbrace=cst.RightCurlyBrace(whitespace_before=closing),
        )
    return node.with_changes(
        elements=laid,
        lpar=[cst.LeftParen(whitespace_after=open_break)],
        rpar=[cst.RightParen(whitespace_before=closing)],
    )
