"""The ``apifuzz`` program: the ``apifuzz`` script and ``python -m apifuzz`` start here.

Before the command line is imported, ``apifuzz fuzz`` fixes its string hashing
to its seed (:func:`~apifuzz.hashing.pin_string_hashing`), which may start the
program again: the cheaper that start, the better.
"""

from __future__ import annotations

import sys

from apifuzz.hashing import pin_string_hashing


def main() -> int:
    """Run the ``apifuzz`` program on ``sys.argv``; returns the exit code."""
    pin_string_hashing(sys.argv[1:])
    from apifuzz.cli import main as run_command_line

    return run_command_line()
