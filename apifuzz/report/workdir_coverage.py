"""The coverage section's data: a workdir's corpus and seeds replayed under coverage.py.

``apifuzz report`` measures it (a campaign does not: replaying a corpus
under coverage.py takes longer than a refresh may) and keeps it in the
workdir: ``coverage.json`` (per file and totals) and coverage.py's HTML
report in ``coverage/``, which the page links to.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from apifuzz.atomic import atomic_write
from apifuzz.engine.corpus import inputs
from apifuzz.errors import ApifuzzError
from apifuzz.report.campaign_data import COVERAGE_HTML, COVERAGE_JSON
from apifuzz.report.coverage import measure


def _has_inputs(folder: Path) -> bool:
    try:
        return folder.is_dir() and bool(inputs(folder))
    except OSError:
        return False


def corpus_folders(workdir: Path, settings: dict[str, Any]) -> list[Path]:
    """The campaign's corpus: the workdir's own and the seed folders it ran from, those with
    inputs (seed folders named relative to where the campaign ran: the current folder)."""
    seeds = settings.get("corpus")
    folders = [workdir / "corpus"]
    if isinstance(seeds, list):
        folders += [Path(s) for s in seeds if isinstance(s, str)]
    return [f for f in folders if _has_inputs(f)]


def measure_workdir(workdir: Path, settings: dict[str, Any]) -> str:
    """Measure and write ``coverage.json`` and ``coverage/``; '' when done, else why not."""
    spec = settings.get("target")
    if not isinstance(spec, str) or not spec:
        return "coverage not measured: the workdir does not name its target"
    folders = corpus_folders(workdir, settings)
    if not folders:
        return "coverage not measured: no corpus input yet"
    try:
        result = measure(spec, folders, undo_redo=bool(settings.get("undo_redo")))
        files = result.files()
        result.write_html(workdir / COVERAGE_HTML)
    except ApifuzzError as exc:
        return f"coverage not measured: {exc}"
    except Exception as exc:  # the model's own import or code: a note, the page still comes
        return f"coverage not measured: {type(exc).__name__}: {exc}"
    data = {
        "target": spec,
        "at": time.time(),
        "inputs": result.inputs,
        "paths": [str(p) for p in result.paths],
        "totals": result.totals(),
        "files": files,
    }
    atomic_write(workdir / COVERAGE_JSON, json.dumps(data, indent=1) + "\n")
    return ""
