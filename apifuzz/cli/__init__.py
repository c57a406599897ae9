"""The ``apifuzz`` command line: ``main(argv) -> exit code``.

Exit codes: 0 no bug, 1 a bug was found, 2 a usage error (one line on stderr),
130 interrupted by Ctrl-C (``minimize`` writes the best script found so far first).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.errors import ApifuzzError
from apifuzz.language import LOCK_NAME, Language
from apifuzz.model.loader import default_corpus, load_target
from apifuzz.model.target import Target, require_undo_redo

if TYPE_CHECKING:
    from apifuzz.interpreter import Report

EXIT_OK, EXIT_BUG, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_USAGE)


def _check_timeout(args: argparse.Namespace) -> None:
    """A negative --timeout is a usage error; None means the crash folder's (else 5 s)."""
    if args.timeout is not None and args.timeout < 0:
        raise ApifuzzError(f"--timeout must not be negative, got {args.timeout}")


def _language(args: argparse.Namespace, *, write_lock: bool = False) -> Language:
    target = load_target(args.target)
    corpus = Path(args.corpus) if args.corpus else default_corpus(target)
    lock = corpus / LOCK_NAME
    return Language.for_target(
        target, lock if lock.exists() or write_lock else None, write_lock=write_lock
    )


def cmd_lang(args: argparse.Namespace, out: TextIO) -> int:
    """Print the language of a target: alias table, or the grammar, or the dictionary."""
    from apifuzz.interpreter.grammar import grammar_text

    language = _language(args, write_lock=args.write_lock)
    if args.grammar:
        out.write(grammar_text(language))
        return EXIT_OK
    if args.dict:
        out.write(language.dictionary())
        return EXIT_OK
    registry = language.registry
    out.write(f"{language.target.name}: {registry.model_name}, {len(registry.methods)} methods\n")
    if language.factory_params:
        params = ", ".join(
            f"{p.name}: {p.type.describe()}" + ("" if p.required else f" = {p.default!r}")
            for p in language.factory_params
        )
        out.write(f"factory:    ! {params}\n")
    out.write(f"ids:        {', '.join(sorted(registry.id_providers)) or '-'}\n")
    out.write(f"invariants: {', '.join(n for n, _ in registry.invariants) or '-'}\n\n")
    width = max(len(name) for _, name, _ in language.table())
    out.write(f"{'alias':<6} {'method':<{width}}  parameters\n")
    for alias, name, signature in language.table():
        params = signature[len(name) + 1 : -1]
        out.write(f"{alias:<6} {name:<{width}}  {params}\n")
    return EXIT_OK


def _write_report(report: Report, args: argparse.Namespace, model: str, out: TextIO) -> None:
    """Print what every statement of a replayed script did (``--trace``: as Python calls)."""
    from apifuzz.interpreter import Status

    if args.trace:
        for s in report.statements:
            if s.status is Status.SKIPPED or s.method is None:
                continue
            call = f"{model}.{s.call_text()}"
            if s.status is Status.BUG:
                out.write(f"  {s.line:>4} {call}  # bug\n")
            elif s.error is not None:
                out.write(f"  {s.line:>4} {call} raises {s.detail}\n")
            else:
                out.write(f"  {s.line:>4} {call} -> {s.value!r}\n")
    elif not args.quiet:
        for s in report.statements:
            text = s.text.strip()
            if len(text) > 48:
                text = text[:45] + "..."
            line = f"  {s.line:>4} {s.status.value:<8} {text:<48}"
            if s.status is Status.SKIPPED:
                line += f"  [{s.reason.value if s.reason else ''}: {s.detail}]"
            elif s.status is Status.REFUSED:
                line += f"  {s.call_text()} -> {s.detail or repr(s.value)}"
            elif s.status is Status.BUG:
                line += f"  {s.call_text()}"
            else:
                line += f"  {s.call_text()} -> {s.value!r}"
            out.write(line.rstrip() + "\n")


def cmd_replay(args: argparse.Namespace, out: TextIO) -> int:
    """Run scripts or crash folders on a fresh model each and print what every statement did.

    A crash folder (holding ``input.txt``) is judged the way the fuzz worker
    judged it, and the bug it shows now is compared with its recorded signature.
    """
    from apifuzz.engine.crashes import (
        INPUT_NAME,
        MINIMIZED_NAME,
        Artifact,
        find_artifacts,
        load_artifact,
        owning_artifact,
    )
    from apifuzz.engine.judge import Judge
    from apifuzz.engine.replay import ReplaySetup, Reproduction, replay_setup

    target = load_target(args.target)
    if args.undo_redo:
        require_undo_redo(target)
    _check_timeout(args)
    corpus = Path(args.corpus) if args.corpus else None
    # Everything is read first, so a bad path is a usage error before any output.
    entries: list[tuple[str, bytes, Artifact | None]] = []
    for name in args.scripts:
        path = Path(name)
        if not path.is_dir():
            try:
                entries.append((name, path.read_bytes(), owning_artifact(path)))
            except OSError as exc:
                raise ApifuzzError(f"cannot read script {name!r}: {exc.strerror}") from None
            continue
        folders = find_artifacts(path)
        if not folders:
            raise ApifuzzError(f"{name}: no crash folder (a folder holding input.txt) in it")
        for folder in folders:
            crash = load_artifact(folder)
            entries.append((str(folder / INPUT_NAME), crash.script, crash))
            if crash.minimized is not None:
                entries.append((str(folder / MINIMIZED_NAME), crash.minimized, crash))

    judges: dict[ReplaySetup, Judge] = {}
    model = target.registry.model_name.lower()
    found = False
    for label, data, artifact in entries:
        if artifact is not None and artifact.target not in (None, args.target):
            out.write(
                f"WARNING: {artifact.folder} was recorded with target {artifact.target}; "
                f"replaying with {args.target}\n"
            )
        setup = replay_setup(
            args.target,
            artifact,
            target=target,
            corpus=corpus,
            undo_redo=args.undo_redo,
            timeout=args.timeout,
        )
        judge = judges.get(setup)
        if judge is None:
            judge = judges[setup] = setup.judge()
        undo_redo = setup.undo_redo
        verdict = judge.run(data, record=True)
        report = verdict.report
        flags = " (undo/redo oracle on)" if undo_redo and not args.undo_redo else ""
        out.write(f"{label}: {report.counts()}{flags}\n")
        _write_report(report, args, model, out)
        if report.bug is not None:
            found = True
            if verdict.hang:
                out.write(f"BUG: timeout: the script ran longer than {setup.timeout:g}s\n")
            else:
                out.write(f"BUG: {report.bug.summary()}\n")
            if not args.quiet:
                out.write(report.bug.traceback)
        if artifact is not None:
            out.write(Reproduction(artifact.signature, verdict.signature).describe() + "\n")
    return EXIT_BUG if found else EXIT_OK


def cmd_trace(args: argparse.Namespace, out: TextIO) -> int:
    """Run the tests under the tracer and write the target's seed corpus."""
    import subprocess

    target = load_target(args.target)
    pytest_args = list(args.extra)
    if not pytest_args and Path("tests", target.name).is_dir():
        pytest_args = [str(Path("tests", target.name))]
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--apifuzz-trace={args.out}",
        f"--apifuzz-target={args.target}",
        *pytest_args,
    ]
    out.write(f"INFO: {' '.join(command[2:])}\n")
    out.flush()
    code = subprocess.call(command)
    if code == 0:
        return EXIT_OK
    if code == 1:
        out.write("WARNING: some tests failed; the scripts of every test were written anyway\n")
        return EXIT_BUG
    raise ApifuzzError(f"pytest stopped with exit code {code}; see its output above")


def cmd_fuzz(args: argparse.Namespace, out: TextIO) -> int:
    """Fuzz a target until the time or run limit (or Ctrl-C); summarize the bugs found."""
    from apifuzz.engine.runner import FuzzOptions, fuzz

    target = load_target(args.target)
    if args.corpus:
        corpora = [Path(c) for c in args.corpus]
        for c in corpora:
            if not c.is_dir():
                raise ApifuzzError(f"--corpus {c}: no such folder")
    else:
        default = default_corpus(target)
        corpora = [default] if default.is_dir() else []
    if args.undo_redo:
        require_undo_redo(target)
    workdir = Path(args.workdir) if args.workdir else Path(".apifuzz") / target.name
    for flag in args.extra:
        # These relaunch argv[0] through a shell, which a Python harness is not, and then
        # fail silently (a crashing seed reports 0 crashes; -merge retries 64 times).
        if flag.split("=")[0] in ("-fork", "-jobs", "-workers", "-merge", "-minimize_crash"):
            raise ApifuzzError(
                f"libFuzzer flag {flag} is not supported here; use --jobs N for parallel "
                f"workers (and apifuzz minimize for crashes)"
            )
    for name, value in (
        ("--max-time", args.max_time),
        ("--runs", args.runs),
        ("--timeout", args.timeout),
        ("--jobs", args.jobs),
        ("--max-len", args.max_len),
    ):
        if value is not None and (value < 0 if name == "--timeout" else value <= 0):
            zero = "0 (off) or " if name == "--timeout" else ""
            raise ApifuzzError(f"{name} must be {zero}positive, got {value}")
    if args.minimize_time < 0:
        raise ApifuzzError(f"--minimize-time must be 0 (off) or positive, got {args.minimize_time}")
    options = FuzzOptions(
        target=args.target,
        corpus=corpora,
        workdir=workdir,
        max_time=args.max_time,
        runs=args.runs,
        jobs=args.jobs,
        timeout=args.timeout,
        mutator=args.mutator,
        seed=args.seed,
        stop_on_first=args.stop_on_first,
        instrument=args.instrument,
        max_len=args.max_len,
        libfuzzer_args=list(args.extra),
        undo_redo=args.undo_redo,
        minimize_time=args.minimize_time,
        to_test=_to_test_file(args, target),
    )
    out.write(
        f"INFO: fuzzing {target.name} with {args.jobs} worker(s); seeds: "
        f"{', '.join(map(str, corpora)) or 'none'}; workdir: {workdir}\n"
    )
    out.flush()
    return int(fuzz(options, target, out))


def _to_test_file(args: argparse.Namespace, target: Target) -> Path | None:
    """The file ``fuzz --to-test [FILE]`` appends regression tests to, or None."""
    from apifuzz.testgen.regression import default_output

    if args.to_test is None:
        return None
    path = Path(args.to_test) if args.to_test else default_output(target)
    if path.is_dir():
        raise ApifuzzError(f"--to-test {path} is a folder; it names the test file to write")
    return path


def cmd_minimize(args: argparse.Namespace, out: TextIO) -> int:
    """Shrink a crashing script (or crash folder) to the fewest statements with the same bug."""
    from apifuzz.engine.crashes import INPUT_NAME, is_artifact, load_artifact, owning_artifact
    from apifuzz.engine.replay import replay_setup, why_no_bug
    from apifuzz.minimize import Minimizer, Status
    from apifuzz.minimize.files import minimize_path

    if args.max_time <= 0:
        raise ApifuzzError(f"--max-time must be positive, got {args.max_time}")
    _check_timeout(args)
    source = Path(args.script)
    if not source.exists():
        raise ApifuzzError(f"{source}: no such file or folder")
    # A crash folder, or a file of one, is replayed exactly as the worker ran it.
    artifact = owning_artifact(source)
    if artifact is not None and source.name == INPUT_NAME:
        source = source.parent  # a crash folder's input is that crash folder
    if is_artifact(source):
        artifact = load_artifact(source)
    setup = replay_setup(
        args.target,
        artifact,
        corpus=Path(args.corpus) if args.corpus else None,
        undo_redo=args.undo_redo,
        timeout=args.timeout,
    )
    judge = setup.judge()

    def log(message: str) -> None:
        if not args.quiet:
            out.write(f"  {message}\n")

    minimizer = Minimizer(judge, max_time=args.max_time, log=log)
    written = minimize_path(minimizer, source, Path(args.output) if args.output else None, artifact)
    result = written.result
    if result.signature is not None and result.status is Status.MINIMIZED:
        out.write(f"bug: {result.signature.describe()}\n")
    hints = ""
    if result.status in (Status.NO_BUG, Status.NOT_REPRODUCED):
        hints = why_no_bug(args.target, setup, artifact)
        report = judge.run(result.script).report
        if report.skipped and not report.executed + report.refused:
            hints = f"; no statement ran ({report.counts()}: apifuzz replay says why)" + hints
    out.write(result.describe() + hints + "\n")
    if written.path is None:
        return EXIT_BUG
    if not args.quiet:
        out.write(result.script)
    out.write(f"written to {written.path}\n")
    return EXIT_INTERRUPTED if result.interrupted else EXIT_OK


def cmd_to_test(args: argparse.Namespace, out: TextIO) -> int:
    """Turn a crashing script (or crash folder) into a pytest regression test."""
    from apifuzz.testgen.regression import to_test

    _check_timeout(args)
    written = to_test(
        args.target,
        Path(args.script),
        out=Path(args.output) if args.output else None,
        undo_redo=args.undo_redo,
        corpus=Path(args.corpus) if args.corpus else None,
        timeout=args.timeout,
        any_bug=args.any_bug,
    )
    if written.oracle_from_artifact:
        out.write("INFO: the crash was found with the undo/redo oracle on: the test runs it too\n")
    if written.recorded is not None and written.recorded != written.signature:
        out.write(f"INFO: the folder recorded {written.recorded.describe()} (--any-bug)\n")
    bug = written.signature.describe()
    if written.status == "present":
        out.write(f"{written.path} already has {written.test_name} ({bug}): nothing written\n")
        return EXIT_OK
    where = "created" if written.status == "created" else "appended to"
    out.write(f"{where} {written.path}: {written.test_name}, {written.steps} steps ({bug})\n")
    return EXIT_OK


def cmd_cov(args: argparse.Namespace, out: TextIO) -> int:
    """Replay a corpus and print the line and branch coverage of the model's code."""
    from apifuzz.report.coverage import measure, tty_progress

    result = measure(
        args.target,
        [Path(p) for p in args.paths],
        undo_redo=args.undo_redo,
        corpus=Path(args.corpus) if args.corpus else None,
        progress=tty_progress(sys.stderr),
    )
    out.write(result.header() + "\n")
    out.write(result.table())
    if args.html:
        out.write(f"HTML report: {result.write_html(Path(args.html))}\n")
    if args.json:
        result.write_json(Path(args.json))
    return EXIT_OK


def cmd_package(args: argparse.Namespace, out: TextIO) -> int:
    """Write the target's standalone libFuzzer fuzzer, seeds, dictionary and options."""
    from apifuzz.report.package import package

    folder = Path(args.out)
    done = package(
        args.target,
        folder,
        Path(args.corpus) if args.corpus else None,
        max_len=args.max_len,
        undo_redo=args.undo_redo,
        instrument=args.instrument,
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate docs/cli.md)."""
    parser = _Parser(prog="apifuzz", description="Fuzz the model API of a Python application.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def add(
        name: str, func: Callable[[argparse.Namespace, TextIO], int], help: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        p.add_argument(
            "target",
            metavar="TARGET",
            help="MODULE (its `target`) or MODULE:ATTRIBUTE (a Target or an @api class)",
        )
        p.add_argument(
            "--corpus",
            metavar="DIR",
            help="the target's corpus folder, home of aliases.lock (default: corpora/<target>)",
        )
        return p

    lang = add("lang", cmd_lang, "print the script language of a target")
    group = lang.add_mutually_exclusive_group()
    group.add_argument("--grammar", action="store_true", help="print the Lark grammar")
    group.add_argument("--dict", action="store_true", help="print the libFuzzer dictionary")
    lang.add_argument(
        "--write-lock",
        action="store_true",
        help="create or update <corpus>/aliases.lock with the current aliases",
    )

    replay = add(
        "replay",
        cmd_replay,
        "run scripts or crash folders on a fresh model and show each statement",
    )
    replay.add_argument(
        "scripts",
        metavar="PATH",
        nargs="+",
        help="a script file, a crash folder (holding input.txt) or a folder of crash folders",
    )
    replay.add_argument("-q", "--quiet", action="store_true", help="only the summary lines")
    replay.add_argument(
        "--trace", action="store_true", help="show only the resolved calls, as Python"
    )
    replay.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call (as fuzz --undo-redo did)",
    )
    replay.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="a run longer than this is a timeout bug (0: off; default: the crash folder's, "
        "else 5)",
    )
    replay.epilog = (
        "A crash folder replays input.txt (and minimized.txt when present) the way the fuzz "
        "worker ran it (aliases, undo/redo oracle, timeout), and says whether its recorded bug "
        "reproduced; so does a file of a crash folder. Exit code 1: a bug showed."
    )

    trace = add(
        "trace", cmd_trace, "run the unit tests under the tracer and write one seed script per test"
    )
    trace.add_argument(
        "--out", metavar="DIR", default="corpora", help="where <target>/ goes (default: corpora)"
    )
    minimize = add(
        "minimize",
        cmd_minimize,
        "shrink a crashing script to the fewest statements that show the same bug",
    )
    minimize.add_argument(
        "script", metavar="SCRIPT", help="a script file, or a crash folder (holding input.txt)"
    )
    minimize.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write the result (default: <folder>/minimized.txt, or NAME.min.txt)",
    )
    minimize.add_argument(
        "--max-time", type=float, default=60.0, metavar="S", help="time budget (default 60)"
    )
    minimize.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="a run longer than this is a timeout bug (0: off; default: the crash folder's, "
        "else 5)",
    )
    minimize.add_argument("-q", "--quiet", action="store_true", help="only the summary lines")
    minimize.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call (on by itself for a crash folder "
        "found with it)",
    )
    minimize.epilog = (
        "--max-time bounds the search; the 3 replays before it and the 2 after it (each "
        "up to --timeout) come on top. Exit code 0: the minimized script was written; "
        "1: the bug did not reproduce (no bug, not reproduced, or flaky); 2: usage error; "
        "130: Ctrl-C (the best script so far is written first)."
    )

    to_test = add(
        "to-test", cmd_to_test, "turn a crashing script into a pytest regression test (libcst)"
    )
    to_test.add_argument(
        "script",
        metavar="SCRIPT",
        help="a script file, or a crash folder (its minimized.txt, else its input.txt)",
    )
    to_test.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the test file, created or appended to "
        "(default: tests/regression/test_<target>_regressions.py)",
    )
    to_test.add_argument("--out", dest="output", help=argparse.SUPPRESS)  # the old name
    to_test.add_argument(
        "--undo-redo",
        action="store_true",
        help="after every step, undo, redo and compare the state (needs Target(undo=, redo=))",
    )
    to_test.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="a run longer than this is a timeout bug (0: off; default: the crash folder's, "
        "else 5)",
    )
    to_test.add_argument(
        "--any-bug",
        action="store_true",
        help="for a crash folder: write a test of the bug the replay shows even when it is "
        "not the one the folder recorded",
    )
    to_test.epilog = (
        "The test fails while the bug is there (same exception, same place in the model) and "
        "passes once it is fixed. A test for a bug already in the file is not added again."
    )

    cov = add(
        "cov", cmd_cov, "replay a corpus and measure the line and branch coverage of the model"
    )
    cov.add_argument(
        "paths",
        metavar="PATH",
        nargs="*",
        help="a corpus folder (one input per file), a script, a crash folder or a folder of "
        "crash folders (default: the target's corpus)",
    )
    cov.add_argument("--html", metavar="DIR", help="also write coverage.py's HTML report to DIR")
    cov.add_argument(
        "--json",
        metavar="FILE",
        help="also write the totals to FILE: inputs, bugs, lines, branches, percent",
    )
    cov.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call (as fuzz --undo-redo did)",
    )
    cov.epilog = (
        "Each input runs once on a fresh model; a bug does not stop the run. Coverage is "
        "measured in the target's top-level package with coverage.py. Exit code 0 even when "
        "inputs showed bugs (they are counted); 2: usage error."
    )

    pack = add(
        "package",
        cmd_package,
        "write a standalone libFuzzer fuzzer of the target for OSS-Fuzz or ClusterFuzzLite",
    )
    pack.add_argument(
        "--out", metavar="DIR", required=True, help="the folder to write the fuzzer files into"
    )
    pack.add_argument(
        "--max-len",
        type=int,
        metavar="BYTES",
        help="max_len in the .options file (default: 4096, or the longest seed if longer)",
    )
    pack.add_argument(
        "--undo-redo",
        action="store_true",
        help="run the undo/redo oracle after every call, as fuzz --undo-redo does",
    )
    pack.add_argument(
        "--instrument",
        action="append",
        default=[],
        metavar="MODULE",
        help="also collect coverage in MODULE (repeatable), as fuzz --instrument does",
    )
    pack.epilog = (
        "Writes fuzz_<target>.py (run it as python fuzz_<target>.py [libFuzzer flags] "
        "[corpus folder | crash file]; it stops at the first bug, and replays a single file), "
        "fuzz_<target>_seed_corpus.zip from the corpus, fuzz_<target>.dict and "
        "fuzz_<target>.options. See tools/oss-fuzz/ for a build.sh that turns it into an "
        "OSS-Fuzz or ClusterFuzzLite fuzzer."
    )

    fuzz = sub.add_parser(
        "fuzz",
        help="fuzz a target with atheris (libFuzzer)",
        description="Fuzz a target with atheris (libFuzzer); arguments after -- go to libFuzzer.",
    )
    fuzz.set_defaults(func=cmd_fuzz)
    fuzz.add_argument(
        "target",
        metavar="TARGET",
        help="MODULE (its `target`) or MODULE:ATTRIBUTE (a Target or an @api class)",
    )
    fuzz.add_argument(
        "--corpus",
        metavar="DIR",
        action="append",
        help="seed folder, read only (repeatable; default: corpora/<target>)",
    )
    fuzz.add_argument(
        "--workdir", metavar="DIR", help="new inputs, crashes and logs (default: .apifuzz/<target>)"
    )
    fuzz.add_argument(
        "--max-time",
        type=float,
        metavar="S",
        help="stop fuzzing after S seconds (new bugs are minimized after that; see "
        "--minimize-time)",
    )
    fuzz.add_argument("--runs", type=int, metavar="N", help="stop after N inputs per worker")
    fuzz.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes")
    fuzz.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="an input running longer is a timeout bug (0: off; default 5)",
    )
    fuzz.add_argument(
        "--mutator",
        choices=("structure", "bytes"),
        default="structure",
        help="statement-aware mutations (default) or libFuzzer's byte mutations",
    )
    fuzz.add_argument("--seed", type=int, default=1, metavar="N", help="random seed")
    fuzz.add_argument("--stop-on-first", action="store_true", help="stop at the first bug")
    fuzz.add_argument(
        "--instrument",
        action="append",
        default=[],
        metavar="MODULE",
        help="also collect coverage in MODULE (repeatable)",
    )
    fuzz.add_argument(
        "--max-len",
        type=int,
        default=None,
        metavar="BYTES",
        help="longest input (default: 4096, or the longest seed or corpus input if longer, as "
        "libFuzzer picks)",
    )
    fuzz.add_argument(
        "--undo-redo",
        action="store_true",
        help="after every call, check that undo then redo give back the same state "
        "(needs Target(undo=..., redo=...))",
    )
    fuzz.add_argument(
        "--minimize-time",
        type=float,
        default=10.0,
        metavar="S",
        help="after the run, minimize each new bug for up to S seconds (0: off; default 10)",
    )
    fuzz.add_argument(
        "--to-test",
        nargs="?",
        const="",
        metavar="FILE",
        help="after minimizing, append a pytest regression test of each new bug to FILE "
        "(default: tests/regression/test_<target>_regressions.py; put the option after TARGET)",
    )

    trace.epilog = (
        "Arguments after -- go to pytest (default: tests/<target> if that folder exists, "
        "else pytest's own default)."
    )
    return parser


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
