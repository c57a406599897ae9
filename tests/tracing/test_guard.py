"""The tracing guard: only outermost calls, per thread and per task, transparent when off."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from apifuzz import api
from apifuzz.tracing import guard


class Collect:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.ends: list[tuple[Any, BaseException | None]] = []

    def begin(self, instance: Any, func: Callable[..., Any], args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> object:
        self.calls.append((func.__name__, args))
        return func.__name__

    def end(self, pending: object, result: Any, error: BaseException | None) -> None:
        self.ends.append((result, error))


@pytest.fixture
def sink() -> Iterator[Collect]:
    collect = Collect()
    previous = guard.install(collect)
    yield collect
    guard.install(previous)


class Model:
    def __init__(self) -> None:
        self.barrier: threading.Barrier | None = None

    @api
    def outer(self, n: int) -> int:
        return self.inner(n) + 1

    @api
    def inner(self, n: int) -> int:
        if n < 0:
            raise ValueError("negative")
        if self.barrier is not None:
            self.barrier.wait(timeout=5)
        return n

    @api
    def outer_catching(self) -> str:
        try:
            self.inner(-1)
        except ValueError:
            return "caught"
        return "no"


def test_only_the_outermost_call_is_reported(sink: Collect) -> None:
    m = Model()
    assert m.outer(2) == 3
    m.inner(5)
    assert sink.calls == [("outer", (2,)), ("inner", (5,))]
    assert sink.ends == [(3, None), (5, None)]


def test_exception_inside_a_nested_call_restores_the_guard(sink: Collect) -> None:
    m = Model()
    assert m.outer_catching() == "caught"
    with pytest.raises(ValueError):
        m.outer(-1)
    assert not guard.inside_api_call()
    m.inner(1)
    assert [c[0] for c in sink.calls] == ["outer_catching", "outer", "inner"]
    assert isinstance(sink.ends[1][1], ValueError)


def test_each_thread_has_its_own_guard(sink: Collect) -> None:
    m = Model()
    m.barrier = threading.Barrier(2)
    threads = [threading.Thread(target=m.outer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # both calls were inside an API call at the same time, in different threads
    assert sorted(sink.calls) == [("outer", (0,)), ("outer", (1,))]


def test_each_asyncio_task_has_its_own_guard(sink: Collect) -> None:
    m = Model()
    seen: list[bool] = []

    async def worker(n: int) -> int:
        seen.append(guard.inside_api_call())
        await asyncio.sleep(0)
        return m.outer(n)

    async def main() -> list[int]:
        return list(await asyncio.gather(worker(1), worker(2)))

    assert asyncio.run(main()) == [2, 3]
    assert seen == [False, False]
    assert sorted(sink.calls) == [("outer", (1,)), ("outer", (2,))]


def test_guarded_region_is_not_reported(sink: Collect) -> None:
    with guard.guarded():
        Model().outer(1)
    assert sink.calls == []


def test_no_sink_means_a_plain_call() -> None:
    assert guard.installed() is None
    m = Model()
    assert m.outer(1) == 2
    with pytest.raises(ValueError, match="negative"):
        m.inner(-1)
    assert Model.outer.__name__ == "outer"
    assert Model.outer.__wrapped__.__qualname__ == "Model.outer"
    assert guard.is_traced(vars(Model)["outer"])
