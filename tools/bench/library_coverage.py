"""Coverage of the library by default: one real-library campaign with and without it.

    python tools/bench/library_coverage.py [--campaigns ordered_set,portion] [--seconds 300]
        [--runs 1]

Each real-library campaign (tools/real_world/<campaign>.sh prepares its pinned
install and traced corpus under build/real_world/) is fuzzed side by side,
one core each, for the same time: with apifuzz's defaults, which instrument
the library the target registers, and with ``--no-library-coverage``, which
instruments the target's own package only.  Per run: the library's line and
branch coverage by the corpus the run kept (coverage.py on the library
alone, every input replayed with the invariants after every call), the
corpus size, and the bugs (folders) found.  Writes the "library-coverage"
section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import machine, write_section  # noqa: E402

# campaign: (PyPI name, pinned version, the library's import name)
CAMPAIGNS = {
    "ordered_set": ("ordered-set", "4.1.0", "ordered_set"),
    "portion": ("portion", "2.6.3", "portion"),
}
VARIANTS = (
    ("library", "defaults (the library instrumented)", ()),
    ("own", "--no-library-coverage", ("--no-library-coverage",)),
)

# Replays a corpus under coverage.py, measuring the library alone; prints JSON.
MEASURE = """
import json, sys
from pathlib import Path
import coverage
cov = coverage.Coverage(branch=True, source_pkgs=[sys.argv[1]], data_file=None)
cov.start()
from apifuzz.interpreter import Interpreter
from apifuzz.language import LoadedTarget
loaded = LoadedTarget.load(sys.argv[2], Path(sys.argv[3]))
interpreter = Interpreter(loaded.language())
for path in sorted(Path(sys.argv[3]).iterdir()):
    if path.is_file() and path.name != "aliases.lock":
        interpreter.run(path.read_bytes(), record=False)
cov.stop()
cov.json_report(outfile=sys.argv[4])
totals = json.loads(Path(sys.argv[4]).read_text())["totals"]
print(json.dumps({
    "lines": totals["covered_lines"], "statements": totals["num_statements"],
    "branches": totals["num_branches"], "branches_taken": totals["covered_branches"],
}))
"""


def folder(campaign: str) -> Path:
    package, version, _ = CAMPAIGNS[campaign]
    return ROOT / "build" / "real_world" / f"{package}-{version}"


def env(campaign: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    clean["PYTHONPATH"] = os.pathsep.join((str(folder(campaign) / "site"), str(ROOT)))
    return clean


def prepare(campaign: str) -> None:
    """The pinned install and the traced corpus, by the campaign's own script."""
    if (folder(campaign) / "corpus").is_dir() and (folder(campaign) / "site").is_dir():
        return
    script = ROOT / "tools" / "real_world" / f"{campaign}.sh"
    subprocess.run(["bash", str(script), "--max-time", "1"], cwd=ROOT, check=True)


def fuzz(
    campaign: str, key: str, flags: tuple[str, ...], seed: int, seconds: float, base: Path
) -> dict[str, Any]:
    work, target = base / f"{campaign}-{key}-{seed}", f"docs.real_world.{campaign}"
    subprocess.run(
        [
            *(sys.executable, "-m", "apifuzz", "fuzz", target),
            *("--corpus", str(folder(campaign) / "corpus")),
            *("--workdir", str(work), "--max-time", f"{seconds:g}", "--jobs", "1"),
            *("--seed", str(seed), "--minimize-time", "0", *flags),
        ],
        cwd=ROOT,
        env=env(campaign),
        capture_output=True,
        check=False,
    )
    stats = json.loads((work / "stats" / "0.json").read_text())
    report = base / f"{campaign}-{key}-{seed}.json"
    measured = subprocess.run(
        [
            *(sys.executable, "-c", MEASURE, CAMPAIGNS[campaign][2], target),
            *(str(work / "corpus"), str(report)),
        ],
        cwd=ROOT,
        env=env(campaign),
        capture_output=True,
        text=True,
        check=True,
    )
    crashes = work / "crashes"
    bugs = sum(1 for p in crashes.iterdir() if p.is_dir()) if crashes.is_dir() else 0
    corpus = sum(1 for p in (work / "corpus").iterdir() if p.is_file())
    return {**json.loads(measured.stdout), "corpus": corpus, "bugs": bugs, "runs": stats["runs"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--campaigns", default=",".join(CAMPAIGNS), help="comma-separated")
    parser.add_argument("--seconds", type=float, default=300.0, help="per run (300)")
    parser.add_argument("--runs", type=int, default=1, help="runs per variant (seeds 1..N)")
    args = parser.parse_args()
    campaigns = [c for c in args.campaigns.split(",") if c]
    for campaign in campaigns:
        prepare(campaign)
    jobs = [
        (campaign, key, flags, seed)
        for campaign in campaigns
        for seed in range(1, args.runs + 1)
        for key, _, flags in VARIANTS
    ]
    with tempfile.TemporaryDirectory(prefix="libcov-") as tmp, ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(fuzz, *job, args.seconds, Path(tmp)) for job in jobs]
        results = [(job, future.result()) for job, future in zip(jobs, futures, strict=True)]
    labels = {key: label for key, label, _ in VARIANTS}
    lines = [
        "## Coverage of the library by default (`tools/bench/library_coverage.py`)",
        "",
        f"Machine: {machine()}. The real-library campaigns (docs/real_world.md) from their "
        f"traced corpora, {args.seconds:g} s per run, one core each, two runs side by side. "
        "Coverage of the library alone by the corpus each run kept (every input replayed, "
        "invariants after every call).",
        "",
        "| library | instrumented | seed | runs | corpus | lines | branches | bug folders |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (campaign, key, _, seed), r in results:
        package, version, _ = CAMPAIGNS[campaign]
        lines.append(
            f"| {package} {version} | {labels[key]} | {seed} | {r['runs']:,} | {r['corpus']} | "
            f"{r['lines']}/{r['statements']} | {r['branches_taken']}/{r['branches']} | "
            f"{r['bugs']} |"
        )
    text = "\n".join(lines)
    print(text)
    write_section("library-coverage", text)


if __name__ == "__main__":
    main()
