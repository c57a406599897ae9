"""The ``apifuzz`` command line: ``main(argv) -> exit code``.

One module per command (``lang``, ``replay``, ``trace``, ``minimize``,
``to_test``, ``cov``, ``package``, ``crashes``, ``fuzz``), each with its options
(``add_arguments``) and its function (``run``); :mod:`~apifuzz.cli.parser`
puts them in one parser.

Exit codes: 0 no bug, 1 a bug was found, 2 a usage error (one line on stderr),
130 interrupted by Ctrl-C (``minimize`` writes the best script found so far first).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from apifuzz.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from apifuzz.cli.parser import build_parser
from apifuzz.errors import ApifuzzError

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    # Everything after "--" is passed through (to pytest, to libFuzzer), never parsed here.
    extra: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, extra = words[:cut], words[cut + 1 :]
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.extra = extra
    try:
        return int(args.func(args, sys.stdout))
    except ApifuzzError as exc:
        sys.stderr.write(f"apifuzz {args.command}: error: {exc}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        sys.stderr.write(f"apifuzz {args.command}: interrupted\n")
        return EXIT_INTERRUPTED
