"""Shared by the benchmarks: write one section of docs/benchmarks.md, keep the others."""

from __future__ import annotations

import fcntl
import platform
import re
import sys
from importlib import metadata
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
TITLE = "# Benchmarks\n\nEach section is written by the script it names; rerun it to refresh.\n"


def machine() -> str:
    """One line naming the machine and the Python that measured."""
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, {platform.system()} {platform.release()}"
    )


def versions() -> str:
    """The versions of the packages that the figures depend on."""
    names = ("apifuzz", "atheris", "hypothesis", "lark", "wrapt", "coverage")
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def write_section(key: str, markdown: str) -> None:
    """Replace (or add) the section between ``<!-- key -->`` markers.

    Benchmarks that run side by side write their sections under a lock, so
    neither overwrites the other's.
    """
    begin, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    block = f"{begin}\n{markdown.rstrip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    with open(DOC.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else TITLE
        text = (
            pattern.sub(lambda _: block, text)
            if pattern.search(text)
            else text.rstrip() + "\n\n" + block + "\n"
        )
        DOC.write_text(text, encoding="utf-8")
