"""The argument parser: one entry per command in :data:`COMMANDS`, in ``--help`` order."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from apifuzz.cli import cov, crashes, fuzz, lang, minimize, package, replay, to_test, trace
from apifuzz.cli.common import TARGET_HELP, Parser


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, what it does, its options and its function."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO], int]
    epilog: str | None = None
    description: str | None = None  # default: the help
    #: TARGET and --corpus; fuzz takes --corpus more than once.
    add_target: Callable[[argparse.ArgumentParser], None] | None = None


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        help="the target's corpus folder, home of aliases.lock (default: corpora/<target>)",
    )


COMMANDS = (
    Command("lang", lang.HELP, lang.add_arguments, lang.run),
    Command("replay", replay.HELP, replay.add_arguments, replay.run, replay.EPILOG),
    Command("trace", trace.HELP, trace.add_arguments, trace.run, trace.EPILOG),
    Command("minimize", minimize.HELP, minimize.add_arguments, minimize.run, minimize.EPILOG),
    Command("to-test", to_test.HELP, to_test.add_arguments, to_test.run, to_test.EPILOG),
    Command("cov", cov.HELP, cov.add_arguments, cov.run, cov.EPILOG),
    Command("package", package.HELP, package.add_arguments, package.run, package.EPILOG),
    Command(
        "crashes",
        crashes.HELP,
        crashes.add_arguments,
        crashes.run,
        crashes.EPILOG,
        add_target=crashes.add_target,
    ),
    Command(
        "fuzz",
        fuzz.HELP,
        fuzz.add_arguments,
        fuzz.run,
        fuzz.EPILOG,
        description=fuzz.DESCRIPTION,
        add_target=fuzz.add_target,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate docs/cli.md)."""
    parser = Parser(
        prog="apifuzz",
        description="Fuzz the model API of a Python application.",
        epilog="The nearest pyproject.toml with a [tool.apifuzz] table (from the current folder "
        "up) gives defaults: target, corpus, workdir, max-time, instrument; flags win.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for command in COMMANDS:
        p = sub.add_parser(
            command.name,
            help=command.help,
            description=command.description or command.help,
            epilog=command.epilog,
        )
        p.set_defaults(func=command.run)
        (command.add_target or _add_target)(p)
        command.add_arguments(p)
    return parser
