"""The ``apifuzz`` command line: ``main(argv) -> exit code``.

One module per command (``lang``, ``replay``, ``trace``, ``minimize``,
``to_test``, ``cov``, ``package``, ``crashes``, ``report``, ``fuzz``), each with its options
(``add_arguments``) and its function (``run``); :mod:`~apifuzz.cli.parser`
puts them in one parser.

Exit codes: 0 no bug, 1 a bug was found, 2 a usage error, or a file apifuzz
could not read or write (one line on stderr), 3 the fuzzer itself failed
(``fuzz``: a worker died and was not restarted), 130 interrupted by Ctrl-C
(``minimize`` writes the best script found so far first).  Text from the model
prints whatever it holds: what the output's encoding cannot hold (a lone
surrogate) prints as a backslash escape.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from apifuzz.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from apifuzz.cli.parser import build_parser
from apifuzz.errors import ApifuzzError, describe_os_error
from apifuzz.text import protect_stream

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    protect_stream(sys.stdout)
    protect_stream(sys.stderr)
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
    except OSError as exc:
        # apifuzz's own file work failed (the model's errors are bugs, caught long before).
        sys.stderr.write(f"apifuzz {args.command}: error: {describe_os_error(exc)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write(f"apifuzz {args.command}: interrupted\n")
        return EXIT_INTERRUPTED
