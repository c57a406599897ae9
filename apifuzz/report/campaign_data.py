"""What a fuzz workdir holds for its report page, read so that nothing in it can fail the page.

A workdir may come from an older apifuzz (no ``stats.json``, no per-method
counts), be empty, or be written by a running campaign (a torn line, a
folder moved by triage mid-read): each part is read on its own, and a part
that cannot be read becomes a note on the page, never an error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from apifuzz.campaign.commands import replay_command, to_test_command
from apifuzz.campaign.methods import MethodCounts
from apifuzz.campaign.record import (
    log_coverage,
    read_methods,
    read_stats,
    read_timeline,
    worker_stats,
)
from apifuzz.engine.bugs import BugRecord, load_bugs
from apifuzz.engine.corpus import count
from apifuzz.engine.crashes import INPUT_NAME, MINIMIZED_NAME

#: Per-file coverage measured by ``apifuzz report``, and coverage.py's HTML report of it.
COVERAGE_JSON = "coverage.json"
COVERAGE_HTML = "coverage"

T = TypeVar("T")


@dataclass
class BugView:
    """One bug as the page shows it."""

    title: str  # the representative's signature, described
    summary: str
    variants: list[str]  # the other signatures, described
    hits: int
    first_seen: float  # inf when never counted
    last_seen: float
    triage: str  # "bug: <reason>", or "not triaged yet"
    script_name: str  # minimized.txt, else input.txt
    script: str
    replay: str
    to_test: str


@dataclass
class CampaignData:
    """Everything the page shows; a part that could not be read is empty, with a note."""

    workdir: Path
    target: str = ""
    running: bool | None = None  # None: not recorded (an older apifuzz, or no campaign yet)
    updated: float = 0.0  # when the latest figures were written (time.time()), 0: unknown
    settings: dict[str, Any] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    methods: MethodCounts | None = None
    bugs: list[BugView] = field(default_factory=list)
    coverage: dict[str, Any] | None = None  # coverage.json, as apifuzz report wrote it
    coverage_html: Path | None = None
    notes: list[str] = field(default_factory=list)


def _safely(notes: list[str], what: str, read: Callable[[], T], default: T) -> T:
    """``read()``, or ``default`` with a note when the workdir changed under it or is odd."""
    try:
        return read()
    except Exception as exc:  # the page is a view: any trouble of one part is a note
        notes.append(f"{what} could not be read: {type(exc).__name__}: {exc}")
        return default


def read_campaign(workdir: Path) -> CampaignData:
    """Read every part of ``workdir`` the page shows (see the module docstring)."""
    data = CampaignData(workdir)
    notes = data.notes
    stats = _safely(notes, "stats.json", lambda: read_stats(workdir), None)
    if stats is not None:
        data.running = bool(stats.get("running"))
        settings, totals = stats.get("settings"), stats.get("totals")
        data.settings = settings if isinstance(settings, dict) else {}
        data.totals = totals if isinstance(totals, dict) else {}
    else:
        data.settings = _safely(notes, "the workers' settings", lambda: _old_settings(workdir), {})
    data.timeline = _safely(notes, "timeline.jsonl", lambda: read_timeline(workdir), [])
    if not data.totals:
        data.totals = _safely(notes, "the totals", lambda: _totals(workdir, data.timeline), {})
    stamp = data.totals.get("t")
    data.updated = float(stamp) if isinstance(stamp, (int, float)) else 0.0
    data.methods = _safely(notes, "the per-method counts", lambda: read_methods(workdir), None)
    none: list[BugRecord] = []
    records = _safely(notes, "crashes/", lambda: load_bugs(workdir / "crashes").bugs, none)
    target = data.settings.get("target")
    data.target = str(target) if target else next((b.representative.target for b in records), "")
    for record in records:
        view = _safely(notes, f"bug {record.key}", partial(_bug, record, data.target), None)
        if view is not None:
            data.bugs.append(view)
    data.coverage = _safely(notes, COVERAGE_JSON, lambda: _coverage(workdir), None)
    html = workdir / COVERAGE_HTML / "index.html"
    data.coverage_html = html if html.is_file() else None
    _explain(data, stats is not None)
    return data


def _explain(data: CampaignData, has_stats: bool) -> None:
    """Notes for what is missing, so an empty part says why."""
    if not has_stats and not data.timeline and not data.settings:
        data.notes.append(
            "no campaign recorded here yet: run apifuzz fuzz with this workdir (--workdir)"
        )
    elif not has_stats:
        data.notes.append(
            "no stats.json: this workdir was written by an older apifuzz, or its campaign "
            "is starting; what it holds is shown"
        )
    if data.methods is None and data.settings:
        data.notes.append(
            "no per-method counts: the workers of this campaign did not record them "
            "(an older apifuzz); fuzz again to get them"
        )


def _old_settings(workdir: Path) -> dict[str, Any]:
    """The settings the workers were started with (``stats/config-<n>.json``)."""
    configs = sorted((workdir / "stats").glob("config-*.json"))
    for path in configs:
        try:
            config = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(config, dict):
            keep = ("target", "seed", "max_time", "runs", "timeout", "mutator", "undo_redo")
            settings = {k: config[k] for k in keep if k in config}
            settings["jobs"] = len(configs)
            settings["corpus"] = config.get("corpora", [])
            return settings
    return {}


def _totals(workdir: Path, timeline: list[dict[str, Any]]) -> dict[str, Any]:
    """The latest figures: the timeline's last row, else what the workers' files say."""
    if timeline:
        return timeline[-1]
    stats = worker_stats(workdir)
    if not stats and not (workdir / "corpus").is_dir():
        return {}
    cov, ft = log_coverage(workdir)
    runs = sum(s["runs"] for s in stats if isinstance(s.get("runs"), int))
    rate = sum(s["exec_per_s"] for s in stats if isinstance(s.get("exec_per_s"), (int, float)))
    bugs = load_bugs(workdir / "crashes")
    return {
        "runs": runs,
        "exec_per_s": rate,
        "cov": cov,
        "ft": ft,
        "corpus": count(workdir / "corpus") if (workdir / "corpus").is_dir() else 0,
        "bugs": len(bugs.bugs),
        "variants": len(bugs.signatures()),
    }


def _bug(bug: BugRecord, target: str) -> BugView:
    rep = bug.representative
    name = MINIMIZED_NAME if (bug.folder / MINIMIZED_NAME).is_file() else INPUT_NAME
    try:
        script = (bug.folder / name).read_text(encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        script = f"# unreadable: {exc.strerror}"
    spec = target or rep.target or "TARGET"
    decided = bug.triage
    triage = f"{decided.status}: {decided.reason}" if decided is not None else "not triaged yet"
    return BugView(
        title=rep.signature.describe(),
        summary=rep.summary,
        variants=[v.signature.describe() for v in bug.variants],
        hits=bug.count,
        first_seen=bug.first_seen,
        last_seen=bug.last_seen,
        triage=triage,
        script_name=name,
        script=script,
        replay=replay_command(bug.folder),
        to_test=to_test_command(spec, bug.folder),
    )


def _coverage(workdir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((workdir / COVERAGE_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return None
    return data


def when(stamp: float) -> str:
    """A wall-clock time for the page: ``2026-12-01 16:45:02``; ``-`` for none."""
    if not 0 < stamp < 1e11:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))
