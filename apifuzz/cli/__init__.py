"""The ``apifuzz`` command line: ``main(argv) -> exit code``.

One module per command (``lang``, ``replay``, ``trace``, ``minimize``,
``to_test``, ``cov``, ``package``, ``crashes``, ``fuzz``), each with its options
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

import shlex
import sys
from collections.abc import Sequence

from apifuzz.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from apifuzz.cli.parser import build_parser
from apifuzz.errors import ApifuzzError, describe_os_error
from apifuzz.text import protect_stream

__all__ = ["build_parser", "main"]

#: The commands that pass the words after ``--`` on, and what they pass them to.
PASSED_TO = {"trace": "pytest", "fuzz": "libFuzzer"}


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
        args, unknown = parser.parse_known_args(words)
    except SystemExit as exc:
        return int(exc.code or 0)
    if unknown:
        sys.stderr.write(_unrecognized(args.command, words, unknown) + "\n")
        return EXIT_USAGE
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


def _unrecognized(command: str, words: list[str], unknown: list[str]) -> str:
    """The usage error for words no option takes; where they go when they are pytest's."""
    prog = f"apifuzz {command}"
    message = f"{prog}: error: unrecognized arguments: {' '.join(unknown)}"
    passed_to = PASSED_TO.get(command)
    if passed_to is not None:
        known = list(words)
        for word in unknown:
            known.remove(word)
        fixed = shlex.join(["apifuzz", *known, "--", *unknown])
        message += f"; {passed_to}'s arguments go after --: {fixed}"
    return f"{message} (see {prog} --help)"
