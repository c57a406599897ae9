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

import shlex
import sys
from collections.abc import Sequence

from apifuzz.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from apifuzz.cli.parser import COMMANDS, build_parser
from apifuzz.cli.project import apply_project, find_project, optional_target
from apifuzz.errors import ApifuzzError, describe_os_error
from apifuzz.text import protect_stream

__all__ = ["build_parser", "main"]

#: The commands that pass the words after ``--`` on, and what they pass them to.
PASSED_TO = {"trace": "pytest", "fuzz": "libFuzzer"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    protect_stream(sys.stdout)
    protect_stream(sys.stderr)
    words = list(sys.argv[1:] if argv is None else argv)
    # Everything after "--" is passed through (to pytest, to libFuzzer), never parsed here.
    extra: list[str] = []
    if "--" in words:
        cut = words.index("--")
        words, extra = words[:cut], words[cut + 1 :]
    parser = build_parser()
    try:
        project = find_project()
    except ApifuzzError as exc:
        if not {"-h", "--help"} & set(words):  # the help still shows with a broken file
            named = words[:1] if words[:1] and words[0] in {c.name for c in COMMANDS} else []
            sys.stderr.write(f"{' '.join(['apifuzz', *named])}: error: {exc}\n")
            return EXIT_USAGE
        project = None
    if project is not None and project.get("target") is not None:
        optional_target(parser)
    try:
        args, unknown = parser.parse_known_args(words)
    except SystemExit as exc:
        return int(exc.code or 0)
    if unknown and isinstance(getattr(args, "paths", None), list):
        # argparse fills an optional PATH... list (cov) only before the first option: the
        # paths after one come back unknown.  Plain words there are paths too.
        paths = [w for w in unknown if not w.startswith("-")]
        args.paths.extend(paths)
        unknown = [w for w in unknown if w.startswith("-")]
    if unknown:
        sys.stderr.write(_unrecognized(args.command, words, unknown, extra) + "\n")
        return EXIT_USAGE
    args.extra = extra
    try:
        apply_project(args, project)
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


def _unrecognized(command: str, words: list[str], unknown: list[str], extra: list[str]) -> str:
    """The usage error for words no option takes; where they go when they are pytest's."""
    prog = f"apifuzz {command}"
    message = f"{prog}: error: unrecognized arguments: {' '.join(unknown)}"
    passed_to = PASSED_TO.get(command)
    if passed_to is not None:
        known = list(words)
        for word in unknown:
            known.remove(word)
        fixed = shlex.join(["apifuzz", *known, "--", *unknown, *extra])
        message += f"; {passed_to}'s arguments go after --: {fixed}"
    return f"{message} (see {prog} --help)"
