"""Triage by the coverage of the failing call: a baseline for apifuzz's root-cause triage.

Igor (Jiang et al., CCS 2021, "Igor: Crash Deduplication Through Root-Cause
Clustering") minimizes each crash, then clusters crashes by the control flow of
their minimized executions.  This is its simplest form for an API fuzzer: for
each signature's minimized script, the model lines that the failing statement
runs and no earlier statement of the script ran (the new path the failure
takes).  Two signatures join when those sets are alike (Jaccard index at least
a threshold), by single linkage.  Each threshold is scored against
``triage.py``'s ground truth, beside the bug folders apifuzz made of the same
scripts.

It reads the workdirs ``triage.py --workdirs DIR`` kept::

    python tools/bench/triage_coverage.py --workdirs DIR

and writes the "Triage by coverage" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import coverage

from apifuzz.engine.judge import Judge
from apifuzz.language import Language, LoadedTarget

sys.path.insert(0, str(Path(__file__).resolve().parent))

import triage
from report import machine, write_section

THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 1.0)
"""The Jaccard indexes tried: two signatures whose new lines are at least this alike join."""

Lines = frozenset[str]
"""Model lines as ``file:line``."""

Apart = tuple[float, str, str]
"""A Jaccard index and the two true bugs it was measured between."""

Row = tuple[str, int, float, int, int]
"""One way of cutting a run's signatures: name, folders, folders per true bug, mixed, hidden."""


def statements(text: str) -> list[str]:
    """The script's statements (comments and blank lines left out)."""
    return [s for s in (line.strip() for line in text.splitlines()) if s and s[0] != "#"]


def new_lines(judge: Judge, cov: coverage.Coverage, script: list[str]) -> Lines:
    """The model lines the failing statement of ``script`` runs that no earlier one ran
    (empty when the script shows no bug)."""
    bug = judge.run("\n".join(script)).bug
    if bug is None or bug.line < 1:
        return frozenset()
    return _lines(judge, cov, script[: bug.line]) - _lines(judge, cov, script[: bug.line - 1])


def _lines(judge: Judge, cov: coverage.Coverage, script: list[str]) -> Lines:
    cov.erase()
    cov.start()
    try:
        judge.run("\n".join(script))
    finally:
        cov.stop()
    data = cov.get_data()
    return frozenset(
        f"{Path(name).name}:{line}"
        for name in data.measured_files()
        for line in data.lines(name) or ()
    )


def measure(model: str, jobs: Sequence[triage.ReplayJob]) -> list[list[str]]:
    """Each job's new lines, in this process (its environment says which bugs are on)."""
    loaded = LoadedTarget.load(model)
    package = Path(str(sys.modules[model].__file__)).parent
    cov = coverage.Coverage(data_file=None, include=[f"{package}/*"])
    judges: dict[str | None, Judge] = {}
    out = []
    for job in jobs:
        if job["lock"] not in judges:
            lock = Path(job["lock"]) if job["lock"] else None
            language = Language.for_target(loaded.target, lock)
            judges[job["lock"]] = Judge(language, loaded.packages(), timeout=job["timeout"])
        script = statements(Path(job["path"]).read_text(encoding="utf-8", errors="replace"))
        out.append(sorted(new_lines(judges[job["lock"]], cov, script)))
    return out


def new_lines_all_on(model: str, jobs: list[triage.ReplayJob]) -> list[Lines]:
    """:func:`measure` in a new process with every seeded bug on, as the runs fuzzed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env[triage.seeded_bugs(model).env_var] = "all"
    command = [sys.executable, __file__, "--measure", model]
    result = subprocess.run(
        command, input=json.dumps(jobs), env=env, cwd=triage.ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"coverage of {model}'s scripts failed:\n{result.stderr[-3000:]}")
    return [frozenset(lines) for lines in json.loads(result.stdout)]


def clusters(points: Sequence[Lines], threshold: float) -> list[list[int]]:
    """Single-linkage clusters of ``points`` (indexes): Jaccard index >= ``threshold``.
    A point with no new lines stays alone (nothing to compare)."""
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(points)), 2):
        a, b = points[i], points[j]
        if a and b and len(a & b) >= threshold * len(a | b):
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(points)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def score(workdir: Path, model: str, parallel: int) -> tuple[list[Row], Apart]:
    """Per way of cutting (apifuzz's bug folders, then each threshold): (name, folders,
    folders per true bug, mixed, hidden); and the two true bugs whose scripts are most
    alike (see :func:`closest_apart`)."""
    fig = triage.analyze(workdir, model, parallel)
    bugs = triage.read_bugs(workdir)
    scripts = [s for group in bugs.values() for s in group]
    labels = [frozenset(label) for scripts_ in fig.labels.values() for _, label in scripts_]
    jobs = [triage.replay_job(s, workdir, model) for s in scripts]
    points = new_lines_all_on(model, jobs)
    found = fig.found
    rows = [_row("apifuzz bug folders", fig.bugs, fig)]
    for threshold in THRESHOLDS:
        cut = clusters(points, threshold)
        view = triage.view_of({f"c{k}": [labels[i] for i in c] for k, c in enumerate(cut)}, found)
        rows.append(_row(f"coverage, Jaccard ≥ {threshold:g}", view, fig))
    return rows, closest_apart(points, labels)


def closest_apart(points: Sequence[Lines], labels: Sequence[frozenset[str]]) -> Apart:
    """The highest Jaccard index between the new lines of two scripts that each show one
    true bug alone, not the same one: no threshold above it can keep those two apart."""
    best: Apart = (0.0, "", "")
    for i, j in combinations(range(len(points)), 2):
        a, b = points[i], points[j]
        if a and b and len(labels[i]) == 1 == len(labels[j]) and labels[i] != labels[j]:
            alike = len(a & b) / len(a | b)
            if alike > best[0]:
                one, two = sorted((min(labels[i]), min(labels[j])))
                best = (alike, one, two)
    return best


def _row(name: str, view: triage.View, fig: triage.Figures) -> Row:
    return name, view.reported, fig.ratio(view), len(view.mixed), len(view.hidden)


def write_doc(results: list[tuple[str, str, list[Row]]], apart: dict[str, list[Apart]]) -> None:
    """The "Triage by coverage" section of docs/benchmarks.md: per model and cut, the runs
    side by side."""
    lines = [
        "## Triage by coverage of the failing call (`tools/bench/triage_coverage.py`)",
        "",
        f"Machine: {machine()}. The runs of the triage section, cut another way: Igor's idea "
        "(CCS 2021: cluster minimized crashes by the control flow of their executions) in its "
        "simplest form. Per signature, its minimized script's *new lines*: the model lines the "
        "failing statement runs that no earlier statement ran (every seeded bug on, as the run "
        "fuzzed). Signatures join when their new lines are alike (Jaccard index at least the "
        "threshold), by single linkage; the folders are scored with the same ground truth. "
        "Cells: run by run (seeds in the triage section's order).",
        "",
        "| model | cut | folders | / true | mixed | hidden |",
        "|---|---|---|---|---|---|",
    ]
    clean: list[tuple[float, str, str]] = []  # (worst ratio, model, cut) of cuts never wrong
    for model in dict.fromkeys(model for model, _, _ in results):
        runs = [rows for m, _, rows in results if m == model]
        for k, (name, *_) in enumerate(runs[0]):
            folders = [row[k][1] for row in runs]
            ratios = [row[k][2] for row in runs]
            mixed = [row[k][3] for row in runs]
            hidden = [row[k][4] for row in runs]
            lines.append(
                f"| {model} | {name} | {_join(folders)} | {_join(ratios, '{:.2f}')} "
                f"| {_join(mixed)} | {_join(hidden)} |"
            )
            if k and not any(mixed) and not any(hidden):
                clean.append((max(ratios), model, name))
    lines += ["", *_verdict(clean, list(apart))]
    for model, closest in apart.items():
        alike, one, two = max(closest)
        lines.append(
            f"- {model}: scripts of two different true bugs have new lines up to {alike:.2f} "
            f"alike (`{one}` and `{two}`; run by run: {_join([c[0] for c in closest], '{:.2f}')})."
        )
    text = "\n".join(lines)
    print(text)
    write_section("triage-coverage", text)


def _join(values: Sequence[object], fmt: str = "{}") -> str:
    return ", ".join(fmt.format(v) for v in values)


def _verdict(clean: list[tuple[float, str, str]], models: list[str]) -> list[str]:
    """Per model, the coverage cut with the fewest folders that never mixes nor hides."""
    out = []
    for model in models:
        best = min((c for c in clean if c[1] == model), default=None)
        if best is None:
            out.append(f"- {model}: every threshold mixes or hides a bug in some run.")
        else:
            out.append(
                f"- {model}: the best threshold that never mixes nor hides is {best[2]}, "
                f"at most **{best[0]:.2f}** folders per true bug."
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--workdirs", type=Path, help="the runs triage.py kept (MODEL-seedS)")
    parser.add_argument("--parallel", type=int, default=2, help="label processes at once (2)")
    parser.add_argument("--measure", metavar="MODEL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # a coverage process: the jobs on stdin
        print(json.dumps(measure(args.measure, json.loads(sys.stdin.read()))))
        return
    if args.workdirs is None or not args.workdirs.is_dir():
        parser.error("--workdirs needs a folder: the runs `triage.py --workdirs DIR` kept")
    results = []
    apart: dict[str, list[Apart]] = {}
    runs = [(*p.name.rpartition("-seed")[::2], p) for p in args.workdirs.iterdir() if p.is_dir()]
    runs = sorted((m, s, p) for m, s, p in runs if m in triage.MODELS)
    if not runs:
        parser.error(f"no runs in {args.workdirs}: run `triage.py --workdirs DIR` first")
    for model, seed, workdir in sorted(runs, key=lambda run: triage.MODELS.index(run[0])):
        print(f"{model}, seed {seed}", flush=True)
        rows, closest = score(workdir, model, args.parallel)
        results.append((model, seed, rows))
        apart.setdefault(model, []).append(closest)
    write_doc(results, apart)


if __name__ == "__main__":
    main()
