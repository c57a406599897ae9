"""docs/cli.md documents every command and option of the command line."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from cli_docs import DOC, subcommands  # noqa: E402

from apifuzz.cli import build_parser  # noqa: E402


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def sections() -> dict[str, str]:
    """The raw text of each command's section, by command."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## `apifuzz (\S+)`$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


COMMANDS = subcommands(build_parser())


def test_every_command_has_a_section() -> None:
    assert list(sections()) == list(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_option_and_its_help_is_documented(name: str) -> None:
    section = sections()[name]
    for action in COMMANDS[name]._actions:
        if isinstance(action, argparse._HelpAction) or action.help == argparse.SUPPRESS:
            continue  # a hidden option is left out of the help on purpose
        for option in action.option_strings:
            # Listed at the start of a line of the options table: "  -o FILE, --output FILE".
            listed = rf"^  (?:-\S+(?: [A-Z_]+)?, )*{re.escape(option)}(?=[ ,]|$)"
            assert re.search(listed, section, re.M), f"apifuzz {name}: {option} is not listed"
        if action.help:
            helptext = flat(action.help % {"default": action.default}).strip()
            assert helptext in flat(section), f"apifuzz {name}: help of {action.dest} differs"
