"""Shared by the benchmarks: write one section of docs/benchmarks.md, keep the others."""

from __future__ import annotations

import platform
import re
import sys
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


def write_section(key: str, markdown: str) -> None:
    """Replace (or add) the section between ``<!-- key -->`` markers."""
    begin, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else TITLE
    block = f"{begin}\n{markdown.rstrip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
