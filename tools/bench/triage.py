"""Triage against the ground truth: do the reported bugs match the seeded ones?

    python tools/bench/triage.py [--models example_timeline,example_fs] [--seeds 1,2,3]
                                 [--jobs 2] [--max-time 120] [--workdirs DIR] [--quick]
    python tools/bench/triage.py --analyze WORKDIR --model example_timeline

For each model (every seeded bug on) and seed, runs ``apifuzz fuzz MODEL --jobs J
--max-time T --seed S --workdir W``, then labels every script of every reported
bug: each folder's ``minimized.txt`` (else ``input.txt``), the representative's
and each variant's (``crashes/<bug>/variants/<signature>/``; a folder without
``variants/`` is a bug with one variant, today's layout).  A script's label is
the set of seeded bugs under which it still shows a bug when that one bug alone
is on: one process per seeded bug replays every script in-process, through
apifuzz's Judge, as the worker ran it.  Per run it reports, for the folders as
reported (one per bug) and for one folder per signature side by side:

- true bugs found: the seeded bugs some script shows on its own;
- reported: the folders, and their ratio to the true bugs found;
- mixed: bug folders whose scripts' labels share no seeded bug;
- hidden: true bugs found that no folder owns (a maximum matching of folders to
  the seeded bugs of their labels, so two folders cannot own one bug, nor one
  folder two);
- unexplained: scripts that show no bug with any one seeded bug on.

Prints every folder's labels and the figures, and writes a "Triage" section of
docs/benchmarks.md (not with ``--analyze``, which reads an existing workdir).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.crashes import INPUT_NAME, MINIMIZED_NAME, load_artifact
from apifuzz.engine.judge import Judge
from apifuzz.errors import ApifuzzError
from apifuzz.language import LOCK_NAME, Language, LoadedTarget

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import machine, write_section  # noqa: E402

MODELS = ("example_timeline", "example_fs")
"""The models measured: each has a ``<model>.bugs`` module with ENV_VAR and ALL_BUGS."""

VARIANTS = "variants"
"""The folder of a bug folder that holds its other signatures."""

GOAL_RATIO = 1.2
"""Issue 13's goal: at most this many reported bugs per true bug found."""


@dataclass(frozen=True)
class SeededBugs:
    """A model's seeded bugs and the variable that switches them on."""

    env_var: str
    names: tuple[str, ...]


def seeded_bugs(model: str) -> SeededBugs:
    """The seeded bugs of ``model`` (its ``bugs`` module)."""
    module = importlib.import_module(f"{model}.bugs")
    return SeededBugs(str(module.ENV_VAR), tuple(module.ALL_BUGS))


# ----------------------------------------------------------------------
# reading a workdir


@dataclass(frozen=True)
class Script:
    """One script of a reported bug: its representative's, or one variant's."""

    bug: str  # the bug folder's name, crashes/<bug>
    variant: str  # "" for the representative, else the variant folder's name
    folder: Path
    path: Path  # minimized.txt when there is one, else input.txt

    @property
    def name(self) -> str:
        """``<bug>`` or ``<bug>/variants/<variant>``."""
        return f"{self.bug}/{VARIANTS}/{self.variant}" if self.variant else self.bug


def _script_file(folder: Path) -> Path | None:
    for name in (MINIMIZED_NAME, INPUT_NAME):
        if (folder / name).is_file():
            return folder / name
    return None


def _visible_dirs(folder: Path) -> list[Path]:
    """Sub-folders, sorted; hidden ones are being written (staged) and are skipped."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_bugs(workdir: Path) -> dict[str, list[Script]]:
    """Each reported bug of ``workdir/crashes``: its representative's script, then its variants'.

    A folder with no script anywhere is left out with a warning.
    """
    bugs: dict[str, list[Script]] = {}
    for folder in _visible_dirs(workdir / "crashes"):
        scripts = []
        top = _script_file(folder)
        if top is not None:
            scripts.append(Script(folder.name, "", folder, top))
        for variant in _visible_dirs(folder / VARIANTS):
            path = _script_file(variant)
            if path is None:
                print(f"WARNING: {variant} holds no script; left out", flush=True)
                continue
            scripts.append(Script(folder.name, variant.name, variant, path))
        if scripts:
            bugs[folder.name] = scripts
        else:
            print(f"WARNING: {folder} holds no script; left out", flush=True)
    return bugs


# ----------------------------------------------------------------------
# labels: one process per seeded bug


class ReplayJob(TypedDict):
    """What a label process needs to replay one script the way its worker ran it."""

    path: str
    lock: str | None  # the alias lock the script was written with
    undo_redo: bool
    timeout: float


def replay_job(script: Script, workdir: Path, model: str) -> ReplayJob:
    undo_redo, timeout = False, DEFAULT_TIMEOUT
    try:
        artifact = load_artifact(script.folder)
        undo_redo, timeout = artifact.undo_redo, artifact.timeout or DEFAULT_TIMEOUT
    except ApifuzzError:
        pass  # the script still replays, with the defaults
    locks = (workdir / LOCK_NAME, ROOT / "corpora" / model / LOCK_NAME)
    lock = next((str(p) for p in locks if p.is_file()), None)
    return ReplayJob(path=str(script.path), lock=lock, undo_redo=undo_redo, timeout=timeout)


def replay_all(model: str, jobs: Sequence[ReplayJob]) -> list[bool]:
    """Replay each job's script on a fresh model in this process: does it show a bug?

    The model reads its seeded bugs when it is built, from this process's environment.
    """
    loaded = LoadedTarget.load(model)
    packages = loaded.packages()
    judges: dict[tuple[str | None, bool, float], Judge] = {}
    shows = []
    for job in jobs:
        key = (job["lock"], job["undo_redo"], job["timeout"])
        if key not in judges:
            lock = Path(job["lock"]) if job["lock"] else None
            language = Language.for_target(loaded.target, lock)
            judges[key] = Judge(
                language, packages, timeout=job["timeout"], undo_redo=job["undo_redo"]
            )
        shows.append(judges[key].run(Path(job["path"]).read_bytes()).signature is not None)
    return shows


def _label_process(model: str, bug: str, jobs: list[ReplayJob]) -> list[bool]:
    """Run :func:`replay_all` in a new process with only ``bug`` switched on."""
    seeded = seeded_bugs(model)
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env[seeded.env_var] = bug
    command = [sys.executable, __file__, "--label", bug, "--model", model]
    result = subprocess.run(
        command, input=json.dumps(jobs), env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"labelling under {bug} failed:\n{result.stderr[-3000:]}")
    shows = json.loads(result.stdout)
    assert isinstance(shows, list) and len(shows) == len(jobs)
    return [bool(s) for s in shows]


Labeller = Callable[[str, str, list[ReplayJob]], list[bool]]
"""Replays jobs with one seeded bug on: (model, bug, jobs) -> shows a bug, per job."""


def label_scripts(
    workdir: Path,
    model: str,
    scripts: Sequence[Script],
    parallel: int = 2,
    labeller: Labeller = _label_process,
) -> dict[Script, frozenset[str]]:
    """Each script's label: the seeded bugs under which, alone, it shows a bug."""
    jobs = [replay_job(s, workdir, model) for s in scripts]
    names = seeded_bugs(model).names
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        results = list(pool.map(lambda bug: labeller(model, bug, jobs), names))
    return {
        script: frozenset(bug for bug, shows in zip(names, results, strict=True) if shows[i])
        for i, script in enumerate(scripts)
    }


# ----------------------------------------------------------------------
# figures


@dataclass
class View:
    """The figures of one way of cutting the scripts into folders."""

    reported: int = 0  # folders
    mixed: list[str] = field(default_factory=list)  # folders whose labels share no seeded bug
    owners: dict[str, str] = field(default_factory=dict)  # true bug -> the folder that owns it
    hidden: list[str] = field(default_factory=list)  # true bugs found that no folder owns


@dataclass
class Figures:
    """What one run's reported bugs are, against the ground truth."""

    model: str
    seeded: int  # seeded bugs switched on
    found: list[str]  # true bugs found: shown on its own by some script
    unexplained: list[str]  # scripts that show no bug with any one seeded bug on
    bugs: View  # one folder per reported bug
    signatures: View  # one folder per signature (every variant its own)
    labels: dict[str, list[tuple[str, list[str]]]]  # bug folder -> (script, label) pairs

    def ratio(self, view: View) -> float:
        """Reported folders per true bug found (0 when none was found)."""
        return view.reported / len(self.found) if self.found else 0.0

    def meets_goal(self) -> bool:
        """Issue 13's goal for the bug view: few folders, none mixed, none hidden."""
        view = self.bugs
        return self.ratio(view) <= GOAL_RATIO and not view.mixed and not view.hidden


def _owner_candidates(labels: Sequence[frozenset[str]]) -> tuple[frozenset[str], bool]:
    """The seeded bugs a folder may own, and whether it is mixed.

    A folder owns a bug all its explained scripts show.  A mixed folder (no
    such bug) may still own its representative's (the first script's): the
    user sees that one, and the others are hidden behind it.
    """
    explained = [label for label in labels if label]
    if not explained:
        return frozenset(), False
    common = frozenset.intersection(*explained)
    if common:
        return common, False
    return labels[0], True


def match_owners(candidates: dict[str, frozenset[str]]) -> dict[str, str]:
    """A maximum matching of folders to seeded bugs: true bug -> owning folder."""
    owner: dict[str, str] = {}

    def claim(folder: str, tried: set[str]) -> bool:
        for bug in sorted(candidates[folder]):
            if bug in tried:
                continue
            tried.add(bug)
            if bug not in owner or claim(owner[bug], tried):
                owner[bug] = folder
                return True
        return False

    for folder in sorted(candidates):
        claim(folder, set())
    return owner


def view_of(folders: dict[str, list[frozenset[str]]], found: Iterable[str]) -> View:
    candidates, mixed = {}, []
    for name, labels in folders.items():
        candidates[name], is_mixed = _owner_candidates(labels)
        if is_mixed:
            mixed.append(name)
    owners = match_owners(candidates)
    hidden = sorted(set(found) - owners.keys())
    return View(len(folders), sorted(mixed), owners, hidden)


def figures(
    model: str, bugs: dict[str, list[Script]], labels: dict[Script, frozenset[str]]
) -> Figures:
    """The figures of a workdir's bugs, given every script's label."""
    found = sorted(set().union(*labels.values())) if labels else []
    by_bug = {name: [labels[s] for s in scripts] for name, scripts in bugs.items()}
    by_signature = {s.name: [labels[s]] for scripts in bugs.values() for s in scripts}
    unexplained = sorted(s.name for s, label in labels.items() if not label)
    listing = {
        name: [(s.variant or "(representative)", sorted(labels[s])) for s in scripts]
        for name, scripts in bugs.items()
    }
    return Figures(
        model,
        len(seeded_bugs(model).names),
        found,
        unexplained,
        view_of(by_bug, found),
        view_of(by_signature, found),
        listing,
    )


def analyze(
    workdir: Path, model: str, parallel: int = 2, labeller: Labeller = _label_process
) -> Figures:
    """Read a workdir's reported bugs, label every script, and compute the figures."""
    bugs = read_bugs(workdir)
    scripts = [s for group in bugs.values() for s in group]
    labels = label_scripts(workdir, model, scripts, parallel, labeller) if scripts else {}
    return figures(model, bugs, labels)


# ----------------------------------------------------------------------
# output


def describe(fig: Figures) -> str:
    """Every folder's labels, then the figures of both views, as plain text."""
    lines = []
    for name, scripts in fig.labels.items():
        lines.append(f"  {name}: {len(scripts)} signature(s)")
        for variant, label in scripts:
            lines.append(f"      {variant}: {', '.join(label) or '(no seeded bug alone)'}")
    for title, view in (("bug folders", fig.bugs), ("signature folders", fig.signatures)):
        lines.append(
            f"{title}: {view.reported} for {len(fig.found)} true bugs "
            f"(x{fig.ratio(view):.2f}), {len(view.mixed)} mixed, "
            f"{len(view.hidden)} hidden{': ' + ', '.join(view.hidden) if view.hidden else ''}"
        )
    lines.append(f"true bugs found ({len(fig.found)} of {fig.seeded}): {', '.join(fig.found)}")
    if fig.unexplained:
        lines.append(f"unexplained scripts: {', '.join(fig.unexplained)}")
    return "\n".join(lines)


def table(rows: Sequence[tuple[str, Figures]]) -> list[str]:
    """The markdown table of the runs: the bug view beside the signature view."""
    lines = [
        "| model | seed | true bugs found | bug folders | / true | mixed | hidden "
        "| signature folders | / true | hidden | unexplained scripts |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for seed, fig in rows:
        b, s = fig.bugs, fig.signatures
        lines.append(
            f"| {fig.model} | {seed} | {len(fig.found)} of {fig.seeded} | {b.reported} "
            f"| {fig.ratio(b):.2f} | {len(b.mixed)} | {len(b.hidden)} | {s.reported} "
            f"| {fig.ratio(s):.2f} | {len(s.hidden)} | {len(fig.unexplained)} |"
        )
    return lines


def per_bug_table(rows: Sequence[tuple[str, Figures]]) -> list[str]:
    """Per seeded bug: how many folders of each view show it, run by run."""
    lines = [
        "| model | seeded bug | bug folders per run | signature folders per run |",
        "|---|---|---|---|",
    ]
    models = sorted({fig.model for _, fig in rows}, key=MODELS.index)
    for model in models:
        runs = [fig for _, fig in rows if fig.model == model]
        for bug in seeded_bugs(model).names:
            counts = []
            for view in ("bugs", "signatures"):
                per_run = [
                    _folders_showing(fig, bug, by_signature=view == "signatures") for fig in runs
                ]
                counts.append(", ".join(str(n) for n in per_run))
            lines.append(f"| {model} | `{bug}` | {counts[0]} | {counts[1]} |")
    return lines


def _folders_showing(fig: Figures, bug: str, *, by_signature: bool) -> int:
    if by_signature:
        return sum(bug in label for scripts in fig.labels.values() for _, label in scripts)
    return sum(any(bug in label for _, label in scripts) for scripts in fig.labels.values())


# ----------------------------------------------------------------------
# fuzzing


def fuzz(model: str, seed: int, jobs: int, max_time: float, workdir: Path) -> float:
    """``apifuzz fuzz`` with every seeded bug of ``model`` on; returns the seconds it took."""
    seeded = seeded_bugs(model)
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env[seeded.env_var] = "all"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "apifuzz",
        "fuzz",
        model,
        "--jobs",
        str(jobs),
        "--max-time",
        f"{max_time:g}",
        "--seed",
        str(seed),
        "--workdir",
        str(workdir),
    ]
    print(f"$ {seeded.env_var}=all {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    with open(workdir.with_suffix(".log"), "w") as log:
        code = subprocess.call(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    if code not in (0, 1):
        raise SystemExit(f"apifuzz fuzz stopped with exit code {code}; see {log.name}")
    return time.monotonic() - started


def retriage(model: str, workdir: Path) -> float:
    """``apifuzz crashes WORKDIR --triage MODEL --again``: decide a kept run's bugs anew."""
    seeded = seeded_bugs(model)
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env[seeded.env_var] = "all"
    command = [sys.executable, "-m", "apifuzz", "crashes", str(workdir), "--triage", model]
    print(f"$ {seeded.env_var}=all {' '.join(command[1:])} --again", flush=True)
    started = time.monotonic()
    subprocess.run([*command, "--again"], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.monotonic() - started


def write_doc(rows: Sequence[tuple[str, Figures]], args: argparse.Namespace) -> None:
    """The "Triage" section of docs/benchmarks.md."""
    met = sum(fig.meets_goal() for _, fig in rows)
    text = "\n".join(
        [
            "## Triage against the ground truth (`tools/bench/triage.py`)",
            "",
            f"Machine: {machine()}. Per model, every seeded bug on: `apifuzz fuzz MODEL --jobs "
            f"{args.jobs} --max-time {args.max_time:g} --seed S` (seeds {args.seeds}), then each "
            "reported bug's scripts (`minimized.txt`, else `input.txt`, of the representative and "
            "of each variant) are replayed with one seeded bug on at a time; a script's label is "
            "the seeded bugs under which it still shows a bug."
            + (
                " The runs were then triaged again with today's rules (`apifuzz crashes WORKDIR "
                "--triage MODEL --again`, this tool's `--retriage`) before counting."
                if args.retriage
                else ""
            ),
            "",
            "- *true bugs found*: seeded bugs that some script shows on its own;",
            "- *mixed*: bug folders whose scripts' labels share no seeded bug;",
            "- *hidden*: true bugs found that no folder owns (a maximum matching of folders to "
            "the seeded bugs of their labels);",
            "- *signature folders*: the same scripts with one folder per signature (every "
            "variant its own), the layout before bugs had variants;",
            "- *unexplained scripts*: show no bug with any one seeded bug on.",
            "",
            *table(rows),
            "",
            f"- Issue 13's goal (bug folders <= {GOAL_RATIO:g} x true bugs found, 0 mixed, "
            f"0 hidden): met in **{met} of {len(rows)}** runs.",
            "",
            "Folders that show each seeded bug, run by run (1 is the goal):",
            "",
            *per_bug_table(rows),
            "",
            "How the folders came down (see `apifuzz/engine/rootcause.py` for the rules):",
            "",
            "- `redo_not_cleared` (33 to 41 signatures a run) is one folder because the "
            "timeline's target declares undo, redo and state (`apifuzz/engine/history.py`): "
            "each of its scripts has a redo that acts right after an edit an undo takes back, "
            "which breaks the linear history, and from its state at least three methods break "
            "it in place of that edit. A redo that acts without changing the state (it "
            "stacked an edit redone on a state that already looked done) counts: an undo "
            "right after it ends elsewhere than an undo in its place. `redo_keeps_selection` "
            "(a select between the undo and the redo) never breaks the history, so it stays "
            "apart, and `retarget_not_undoable` is the other breach: an undo that fails "
            "right after the same unrecorded edit.",
            "- `restore_shares_snapshot` is one folder because an edit after the restore is a "
            "generic trigger: made another method's call (with a new name where the old one "
            "clashes: a create of another file in place of an unlink), one form reduces to "
            "the other while the play after it stays.",
            "- Every new bug gets a second look once the run's signatures are decided: its "
            "representative against every signature of the other bugs; one found one with "
            "another moves there, variant by variant (`cut_skips_bin_usage`: a variant that "
            "came late links an undo and a delete after the uncounted cut).",
            "- A reduction may move a failure to another signature only where the new "
            "failure still needs every statement, for a call of the same method with other "
            "arguments too: a name shrunk onto the file's own turned an uncounted copy "
            "before a rename into a rename onto itself, and mixed their folders.",
            "- A reduction first goes as far as the script's own signature takes it, and "
            "only then lets the innermost frame move; a reordering must keep the signature "
            "(with every bug on, a mkdir deleted before an uncounted copy, or an open moved "
            "before an unlink, made the script an open file unlinked, and mixed folders).",
            "- A rename gone, the statements after it may go by the old name "
            "(`rename_onto_itself` after an earlier rename reduces to the rename onto "
            "itself); the last call may re-pick several arguments at once among the "
            "script's values (`link_overwrites_entry`: the copy linked over the original's "
            "name becomes the original linked over the copy's).",
            "- A victim's play may run on the other form's state without one earlier step "
            "of that form's own (a snapshot taken between the create and the uncounted "
            "copy holds a reference that guards the blob); a generic trigger made another "
            "method's call may not drop a statement the failure needs whatever the trigger "
            "is (an edit between two restores after the uncounted copy is also "
            "`restore_shares_snapshot`'s play, but the copy is this failure's own).",
            "- What is left apart: forms that number their objects otherwise "
            "(`move_into_own_subtree`, a directory moved under a link to a file made for "
            "the numbering); a member of a group moved onto a locked track and one moved "
            "off it (`group_move_ignores_lock`, two frames under one method); and a "
            "redo right after an unrecorded retarget in a run where no undo failed right "
            "after one, which looks like a redo after a selection. When unsure, triage "
            "keeps failures apart.",
            "- With every bug on, one script can fail through two bugs' plays in one frame. "
            "A lateral step of a reduction (another call in place of a statement, so that a "
            "second one can go) brings in only a method the script itself called: an unlink "
            "in place of the write to an open copy had made the script an open file "
            "unlinked. And a failure whose minimized script still fails at its end without "
            "the calls of a method the other form needs in particular (and without the later "
            "calls that name only what those made) has a cause of its own and stays apart: a "
            "file renamed onto its copy's name, then onto itself, fails in `release` as the "
            "uncounted copy's victims do, and its reduction becomes the copy's play, but "
            "without the copy it fails all the same, through the rename.",
            "- A step of a reduction that changes a call (any move but a plain deletion) "
            "may not bring in a smaller failure of another frame: a rename onto a second "
            "copy's name, re-picked as the file's own name, fails alike, but without the "
            "append that freed the blob it now fails as renaming onto itself does, and the "
            "descent would end in that bug's play. And a failure whose normal form is one "
            "bug's play, but whose minimized script without that play's particular calls "
            "reduces to another bug's form, is that other bug's (a file renamed onto itself "
            "after an uncounted copy's blob was freed needs both bugs, and shows the rename's "
            "without the copy). A string value may become the smallest everywhere at once, "
            "so that a name and the calls that go by it reduce together.",
            "- A redo that fails right after a call an undo does not take back, with no "
            "breach of the history before it, joins an undo that fails right after the same "
            "method (a redone move of a composition after an unrecorded retarget is "
            "`retarget_not_undoable`'s, as the undo after it is). Two statements that go "
            "only together (a file made and unlinked again before the play) are deleted at "
            "once when no single move goes down.",
            "- What is left: a script that needs another bug's call only to make the object "
            "it goes on with (a file copied, the original unlinked, the copy renamed onto "
            "itself) fails without the copy's bug through the rename's, but without the copy "
            "nothing is left to rename: it joins the copy's folder and mixes it (seen in one "
            "earlier set of runs, triaged again).",
        ]
    )
    print(text)
    write_section("triage", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated models")
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (default 1,2,3)")
    parser.add_argument("--jobs", type=int, default=2, help="fuzz workers per run (default 2)")
    parser.add_argument("--max-time", type=float, default=120, help="seconds per run (120)")
    parser.add_argument("--parallel", type=int, default=2, help="label processes at once (2)")
    parser.add_argument("--workdirs", type=Path, help="keep the runs' workdirs here")
    parser.add_argument("--quick", action="store_true", help="one seed, 30 s per run")
    parser.add_argument(
        "--analyze",
        type=Path,
        metavar="WORKDIR",
        help="only label and count an existing workdir's bugs (needs --model)",
    )
    parser.add_argument("--model", help="the model of --analyze")
    parser.add_argument(
        "--retriage",
        action="store_true",
        help="no fuzzing: triage the runs kept in --workdirs again (--again), then count",
    )
    parser.add_argument("--label", metavar="BUG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.label:  # a label process: replay the jobs on stdin with this bug on
        print(json.dumps(replay_all(args.model, json.loads(sys.stdin.read()))))
        return
    if args.analyze:
        if not args.model:
            parser.error("--analyze needs --model")
        print(describe(analyze(args.analyze, args.model, args.parallel)))
        return
    if args.quick:
        args.seeds, args.max_time = "1", 30.0
    if args.retriage and not args.workdirs:
        parser.error("--retriage needs --workdirs (the runs to triage again)")
    run_all_models(args)


def run_all_models(args: argparse.Namespace) -> None:
    """Fuzz each model with each seed, analyze each run, write the section."""
    models = [m for m in args.models.split(",") if m]
    seeds = [int(s) for s in args.seeds.split(",") if s]
    rows: list[tuple[str, Figures]] = []
    with tempfile.TemporaryDirectory(prefix="apifuzz-triage-") as tmp:
        base = args.workdirs or Path(tmp)
        for model in models:
            for seed in seeds:
                workdir = base / f"{model}-seed{seed}"
                if args.retriage:
                    seconds = retriage(model, workdir)
                    print(f"{model}, seed {seed} (triaged again in {seconds:.0f} s):")
                else:
                    seconds = fuzz(model, seed, args.jobs, args.max_time, workdir)
                    print(f"{model}, seed {seed} ({seconds:.0f} s with minimization):")
                fig = analyze(workdir, model, args.parallel)
                print(describe(fig), flush=True)
                rows.append((str(seed), fig))
    write_doc(rows, args)


if __name__ == "__main__":
    main()
