"""``apifuzz lang``: the script language of a target."""

from __future__ import annotations

import argparse
from typing import TextIO

from apifuzz.cli.common import EXIT_OK, loaded
from apifuzz.language import Language

HELP = "print the script language of a target"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``lang``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--grammar", action="store_true", help="print the Lark grammar")
    group.add_argument("--dict", action="store_true", help="print the libFuzzer dictionary")
    parser.add_argument(
        "--write-lock",
        action="store_true",
        help="create or update <corpus>/aliases.lock with the current aliases",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the language of a target: alias table, or the grammar, or the dictionary."""
    from apifuzz.interpreter.grammar import grammar_text

    language = loaded(args).language(write_lock=args.write_lock)
    if args.grammar:
        out.write(grammar_text(language))
    elif args.dict:
        out.write(language.dictionary())
    else:
        _write_table(language, out)
    return EXIT_OK


def _write_table(language: Language, out: TextIO) -> None:
    registry = language.registry
    out.write(f"{language.target.name}: {registry.model_name}, {len(registry.methods)} methods\n")
    if language.factory_params:
        params = ", ".join(
            f"{p.name}: {p.describe()}" + ("" if p.required else f" = {p.default!r}")
            for p in language.factory_params
        )
        out.write(f"factory:    ! {params}\n")
    out.write(f"ids:        {', '.join(sorted(registry.id_providers)) or '-'}\n")
    out.write(f"invariants: {', '.join(n for n, _ in registry.invariants) or '-'}\n")
    queries = sorted(m.name for m in registry.methods if m.query)
    out.write(f"queries:    {', '.join(queries) or '-'}\n\n")
    width = max(len(name) for _, name, _ in language.table())
    out.write(f"{'alias':<6} {'method':<{width}}  parameters\n")
    for alias, name, signature in language.table():
        params = signature[len(name) + 1 : -1]
        checks = registry.method(name).preconditions
        # A precondition says when the call is made at all: shown after its parameters.
        when = "".join(f"  [requires {check.text}]" for check in checks)
        out.write(f"{alias:<6} {name:<{width}}  {params}{when}\n")
