"""Write docs/cli.md from the command line's own help.

    python tools/cli_docs.py [--check]

Every command's ``--help`` output, at a fixed width, under one heading per
command.  ``--check`` exits 1 when docs/cli.md differs from what would be
written (the test suite checks that every option is documented).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "cli.md"
WIDTH = "100"  # argparse wraps help at $COLUMNS


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommand parsers of ``parser``, by name, in the order they were added."""
    for action in parser._actions:  # argparse has no public accessor for these
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def render() -> str:
    """The whole of docs/cli.md."""
    os.environ["COLUMNS"] = WIDTH
    from apifuzz.cli import build_parser

    parser = build_parser()
    parts = [
        "# Command line",
        "",
        "Generated from the commands' own `--help` by `python tools/cli_docs.py`; a test",
        "checks that every option of every command is here.",
        "",
        "Exit codes: 0 no bug (for `minimize` and `to-test`: the file was written); 1 a bug",
        "showed (for `minimize`: the bug did not reproduce, or is flaky; `cov` exits 0 even",
        "when inputs showed bugs; `trace`: a test failed); 2 a usage error, or a file apifuzz",
        "cannot read or write (a read-only folder, a full disk), reported on one line of",
        "stderr (for `to-test`, also a script that shows no bug); 130 interrupted (Ctrl-C, or",
        "SIGTERM for `fuzz`). Text from the model (messages, reprs, tracebacks) is printed and",
        "written whatever it holds: a lone surrogate as its escape, `\\ud800`.",
        "",
        "```text",
        parser.format_help().rstrip(),
        "```",
    ]
    for name, sub in subcommands(parser).items():
        parts += ["", f"## `apifuzz {name}`", "", "```text", sub.format_help().rstrip(), "```"]
    return "\n".join(parts) + "\n"


def main() -> None:
    args = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    args.add_argument("--check", action="store_true", help="exit 1 if docs/cli.md is stale")
    check = args.parse_args().check
    text = render()
    if check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            sys.exit("docs/cli.md is stale: run python tools/cli_docs.py")
        return
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
