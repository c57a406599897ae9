"""``apifuzz package``: a standalone libFuzzer fuzzer for OSS-Fuzz or ClusterFuzzLite."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from apifuzz.cli.common import EXIT_OK, loaded, writing_into

HELP = "write a standalone libFuzzer fuzzer of the target for OSS-Fuzz or ClusterFuzzLite"
EPILOG = (
    "Writes fuzz_<target>.py (run it as python fuzz_<target>.py [libFuzzer flags] "
    "[corpus folder | crash file]; it stops at the first bug, and replays a single file), "
    "fuzz_<target>_seed_corpus.zip from the corpus, fuzz_<target>.dict and "
    "fuzz_<target>.options. See tools/oss-fuzz/ for a build.sh that turns it into an "
    "OSS-Fuzz or ClusterFuzzLite fuzzer."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``package``."""
    parser.add_argument(
        "--out", metavar="DIR", required=True, help="the folder to write the fuzzer files into"
    )
    parser.add_argument(
        "--max-len",
        type=int,
        metavar="BYTES",
        help="max_len in the .options file (default: 4096, or the longest seed if longer)",
    )
    parser.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call, as fuzz --undo-redo does",
    )
    parser.add_argument(
        "--instrument",
        action="append",
        default=[],
        metavar="MODULE",
        help="also collect coverage in MODULE (repeatable), as fuzz --instrument does",
    )
    parser.add_argument(
        "--no-library-coverage",
        action="store_true",
        help="collect coverage in the target's own package only, not in its libraries (see fuzz)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Write the target's standalone libFuzzer fuzzer, seeds, dictionary and options."""
    from apifuzz.model.libraries import library_packages
    from apifuzz.report.package import package

    folder = Path(args.out)
    target = loaded(args)
    instrument = list(args.instrument)
    if not args.no_library_coverage:  # the libraries, as apifuzz fuzz instruments them
        instrument += [
            p for p in library_packages(target.spec, target.target) if p not in instrument
        ]
    with writing_into(folder, "--out"):
        done = package(
            target, folder, max_len=args.max_len, undo_redo=args.undo_redo, instrument=instrument
        )
    for path, what in (
        (done.harness, "the fuzzer (python, executable)"),
        (done.seeds, f"{done.seed_count} seed inputs"),
        (done.dictionary, "libFuzzer dictionary"),
        (done.options, "libFuzzer options for OSS-Fuzz / ClusterFuzzLite"),
    ):
        out.write(f"wrote {path}: {what}\n")
    out.write(
        f"fuzz: mkdir -p {folder / 'corpus'} && python {done.harness} [libFuzzer flags] "
        f"{folder / 'corpus'} {done.corpus}\n"
        f"replay a crash: python {done.harness} crash-<sha1>\n"
    )
    return EXIT_OK
