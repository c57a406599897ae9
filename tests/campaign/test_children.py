"""campaign.children: a library call in a spawned process, its typed result, its deadline."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from apifuzz.campaign.children import Child, ChildFailed
from apifuzz.errors import UsageError


def wait(child: Child[object]) -> None:
    while not child.done():
        time.sleep(0.02)


def test_the_result_comes_back_typed() -> None:
    child: Child[str] = Child(os.path.join, ("a", "b"), allowance=60)
    wait(child)
    assert child.result() == os.path.join("a", "b") and not child.killed()


def test_a_usage_error_is_its_one_line(tmp_path: Path) -> None:
    child: Child[object] = Child(_refuse, (), allowance=60, log=tmp_path / "log")
    wait(child)
    with pytest.raises(ChildFailed, match=r"^no such thing$"):
        child.result()


def test_a_child_past_its_deadline_is_killed() -> None:
    started = time.monotonic()
    child: Child[None] = Child(time.sleep, (30,), allowance=1)
    wait(child)
    assert child.killed() and time.monotonic() - started < 20
    with pytest.raises(ChildFailed):
        child.result()


def test_output_goes_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    child: Child[None] = Child(print, ("hello from the child",), allowance=60, log=log)
    wait(child)
    child.result()
    assert "hello from the child" in log.read_text()


def _refuse() -> None:
    raise UsageError("no such thing")
