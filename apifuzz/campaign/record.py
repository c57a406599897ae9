"""A campaign's record in its workdir: ``stats.json``, ``timeline.jsonl``, the report page.

Written by the runner while it watches the workers (never by the workers:
their loop pays nothing for it), read by the summary and the report page.

``timeline.jsonl``: one JSON object per line, appended every
:data:`TIMELINE_EVERY` seconds: ``t`` (time.time()), ``started`` (the
campaign's start, so the runs of several campaigns in one workdir stay
apart), ``elapsed``, ``runs``, ``exec_per_s``, ``cov``, ``ft`` (libFuzzer's
coverage and features), ``corpus``, ``bugs`` and ``variants``.

``stats.json``: the latest of those figures (``totals``), the campaign's
``settings``, and per API method the counts of :mod:`apifuzz.interpreter.stats`
as rows worst exercised first (``methods``, see :class:`MethodRow.to_json
<apifuzz.campaign.methods.MethodRow.to_json>`), with the lines that named no
method (``lines``).  ``version`` is 1.

The page itself is built above this layer (:mod:`apifuzz.report`): the
command line hands :class:`CampaignRecord` a :data:`PageWriter`, so the
campaign refreshes a page it does not know how to draw.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from apifuzz.atomic import atomic_write
from apifuzz.campaign.methods import MethodCounts, method_rows
from apifuzz.campaign.options import FuzzOptions
from apifuzz.campaign.workers import Workers, model_coverage
from apifuzz.engine.bugs import load_bugs
from apifuzz.engine.corpus import count
from apifuzz.interpreter.stats import merge_json

STATS_NAME = "stats.json"
#: The report page's name in the workdir (drawn by apifuzz.report.page).
REPORT_NAME = "report.html"
TIMELINE_NAME = "timeline.jsonl"
STATS_VERSION = 1
#: Seconds between two rows of the timeline (and two writes of stats.json).
TIMELINE_EVERY = 5.0
#: Seconds between two refreshes of the page, at least; and at most this share of the
#: runner's time goes into drawing it (a slow page is refreshed less often).
PAGE_EVERY = 5.0
PAGE_SHARE = 0.05

#: Writes the report page of a workdir; returns its path.
PageWriter = Callable[[Path], Path]


def settings_of(options: FuzzOptions, spec: str) -> dict[str, Any]:
    """The campaign's options as JSON-ready data, the target's spec first."""
    data = {"target": spec}
    for key, value in asdict(options).items():
        if isinstance(value, Path):
            value = str(value)
        elif isinstance(value, list):
            value = [str(v) if isinstance(v, Path) else v for v in value]
        data[key] = value
    return data


def worker_stats(workdir: Path) -> list[dict[str, Any]]:
    """Each worker's latest stats file (``stats/<n>.json``) that reads as a JSON object."""
    found = []
    for path in sorted((workdir / "stats").glob("[0-9]*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # being replaced, or torn by a kill: the next read has it
        if isinstance(data, dict):
            found.append(data)
    return found


def log_coverage(workdir: Path) -> tuple[int, int]:
    """The best (coverage, features) a worker's libFuzzer reported, from the logs (coverage:
    lines and branches, without the state counters)."""
    return model_coverage(workdir)


class CampaignRecord:
    """Keeps ``timeline.jsonl``, ``stats.json`` and the page up to date while a campaign runs.

    :meth:`step` is called from the progress loop (several times a second);
    it writes only every few seconds.  :meth:`finish` writes everything once
    more, after the steps that follow the run.  A page that cannot be
    written is said once and no longer tried: the campaign goes on.
    """

    def __init__(self, workers: Workers, out: TextIO, page: PageWriter | None = None) -> None:
        self.workers = workers
        self.workdir = workers.workdir
        self.out = out
        self.page = page
        self.started = time.time()
        self.next_row = 0.0
        # The first page waits too: drawing it (plotting library included) takes a few
        # tenths of a second of the core the workers start on, for a page with no data yet.
        self.next_page = time.monotonic() + PAGE_EVERY
        self.methods: dict[int, Any] = {}  # per worker pid: a restarted worker's counts stay
        self.written: Path | None = None  # the page, once written
        self.fuzzed: float | None = None  # seconds the workers ran, once they stopped

    def step(self) -> None:
        """Append a timeline row and rewrite stats.json when due; refresh the page when due."""
        now = time.monotonic()
        if now >= self.next_row:
            self.next_row = now + TIMELINE_EVERY
            self._write(running=True)
        if self.page is not None and now >= self.next_page:
            self._refresh(now)

    def fuzzing_done(self) -> None:
        """The workers stopped: the timeline's last row (minimizing and triage are no fuzzing)."""
        self.fuzzed = self._write(running=True)["elapsed"]

    def finish(self) -> Path | None:
        """stats.json and the page once more, after the steps that follow the run (the bugs
        triaged, minimized); the page's path (None when there is none)."""
        self._write(running=False, timeline=self.fuzzed is None)
        if self.page is None:
            return None
        self._refresh(time.monotonic())
        return self.written

    def _refresh(self, now: float) -> None:
        assert self.page is not None
        try:
            self.written = self.page(self.workdir)
        except Exception as exc:  # the page is a view: its trouble never stops the campaign
            self.out.write(f"\nWARNING: report page not written: {type(exc).__name__}: {exc}\n")
            self.page = None
            return
        spent = time.monotonic() - now
        self.next_page = time.monotonic() + max(PAGE_EVERY, spent / PAGE_SHARE)

    def _write(self, running: bool, timeline: bool = True) -> dict[str, Any]:
        """Append a row to the timeline (when ``timeline``) and rewrite stats.json; the row."""
        row = self._row()
        if self.fuzzed is not None:
            row["elapsed"] = self.fuzzed  # the campaign's fuzzing time, not its wall time
        try:
            if timeline:
                with open(self.workdir / TIMELINE_NAME, "a", encoding="utf-8") as f:
                    f.write(json.dumps(row) + "\n")
            atomic_write(self.workdir / STATS_NAME, json.dumps(self._stats(row, running), indent=1))
        except OSError as exc:  # the workers say a full disk; the runner goes on
            sys.stderr.write(f"WARNING: apifuzz: cannot write {exc.filename}: {exc.strerror}\n")
        return row

    def _row(self) -> dict[str, Any]:
        runs, rate, _ = self.workers.stats()
        cov, ft = log_coverage(self.workdir)
        bugs = load_bugs(self.workers.crashes)
        return {
            "t": time.time(),
            "started": self.started,
            "elapsed": time.time() - self.started,
            "runs": runs,
            "exec_per_s": rate,
            "cov": cov,
            "ft": ft,
            "corpus": count(self.workdir / "corpus"),
            "bugs": len(bugs.bugs),
            "variants": len(bugs.signatures()),
        }

    def _stats(self, row: dict[str, Any], running: bool) -> dict[str, Any]:
        for data in worker_stats(self.workdir):
            pid = data.get("pid")
            if isinstance(pid, int) and "methods" in data:
                self.methods[pid] = data["methods"]
        merged = merge_json(self.methods.values())
        options = self.workers.options
        return {
            "version": STATS_VERSION,
            "running": running,
            "settings": settings_of(options, self.workers.loaded.spec),
            "totals": row,
            "runs_counted": merged["runs"],
            "methods": [r.to_json() for r in method_rows(merged)],
            "lines": merged["lines"],
        }


def read_stats(workdir: Path) -> dict[str, Any] | None:
    """``stats.json`` when it reads as a JSON object of a known version; else None."""
    try:
        data = json.loads((workdir / STATS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != STATS_VERSION:
        return None
    return data


def read_methods(workdir: Path) -> MethodCounts | None:
    """The per-method counts of ``stats.json``, else of the workers' stats files; None
    when neither has any (a workdir of an apifuzz that did not count them, or no run yet)."""
    stats = read_stats(workdir)
    if stats is not None:
        rows = stats.get("methods")
        named = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
        methods = {str(r.get("name")): r for r in named}
        parts: list[object] = [
            {"runs": stats.get("runs_counted"), "methods": methods, "lines": stats.get("lines")}
        ]
    else:
        parts = [d["methods"] for d in worker_stats(workdir) if "methods" in d]
        if not parts:
            return None
    merged = merge_json(parts)
    return MethodCounts(method_rows(merged), merged["lines"], merged["runs"])


def read_timeline(workdir: Path) -> list[dict[str, Any]]:
    """The rows of the latest campaign in ``timeline.jsonl``; a torn or foreign line is skipped."""
    rows: list[dict[str, Any]] = []
    try:
        text = (workdir / TIMELINE_NAME).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return rows
    for line in text.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and all(
            isinstance(row.get(k), (int, float)) for k in ("t", "started", "elapsed", "runs")
        ):
            rows.append(row)
    if rows:
        last = rows[-1]["started"]
        rows = [r for r in rows if r["started"] == last]
    return rows
