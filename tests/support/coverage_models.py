"""A tiny model whose every line is known, for ``apifuzz cov``'s tests."""

from apifuzz import Target, api


class Counter:
    def __init__(self) -> None:
        self.n = 0

    @api
    def add(self, k: int) -> None:
        if k > 10:
            self.n += 100
        else:
            self.n += k

    @api
    def crash(self) -> None:
        raise RuntimeError("a bug")


target = Target(Counter)
