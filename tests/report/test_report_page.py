"""The campaign report page: built from a real campaign, from odd workdirs, seen in a browser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from apifuzz.report.page import write_page

SUPPORT = Path(__file__).resolve().parents[1] / "support"
SECTIONS = ["progress", "bugs", "methods", "coverage", "settings", "notes"]


def apifuzz(cwd: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=cwd,
        env=dict(env, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Page(HTMLParser):
    """What a test checks of the page: its sections, tables, bugs, and anything it would fetch."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.methods: dict[str, list[str]] = {}  # method -> its cells' text
        self.bugs = 0
        self.svg = 0
        self.fetches: list[str] = []  # src= or href= that leave the page's folder, scripts
        self.notes: list[str] = []
        self._row: str | None = None
        self._cells: list[str] = []
        self._section = ""
        self._in_li = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id") or ""
            self.sections.append(self._section)
        elif tag == "tr" and a.get("data-method"):
            self._row = a["data-method"]
            self._cells = []
        elif tag == "td" and self._row is not None:
            self._cells.append("")
        elif tag == "div" and a.get("class") == "bug":
            self.bugs += 1
        elif tag == "svg":
            self.svg += 1
        elif tag == "li" and self._section == "notes":
            self._in_li = True
            self.notes.append("")
        if tag in ("script", "link", "iframe", "img"):
            self.fetches.append(tag)
        for name in ("src", "href"):
            value = a.get(name) or ""
            if value and (":" in value or value.startswith("/")):
                self.fetches.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.methods[self._row] = self._cells
            self._row = None
        elif tag == "li":
            self._in_li = False

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._cells:
            self._cells[-1] += data
        if self._in_li:
            self.notes[-1] += data


# A campaign and a report take some seconds: the tests that need one are slow, as every
# test of a fuzz run is; those of odd workdirs are not.
@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A short campaign on a model with holes and a bug, then ``apifuzz report``."""
    home = tmp_path_factory.mktemp("campaign")
    seeds = home / "seeds"
    seeds.mkdir()
    (seeds / "one.txt").write_text('add_book "a"\nread 0\nburn 0\n')
    fuzzed = apifuzz(
        home, "fuzz", "report_models", "--corpus", "seeds", "--runs", "400", "--minimize-time", "1"
    )
    assert fuzzed.returncode == 1, fuzzed.stdout + fuzzed.stderr
    reported = apifuzz(home, "report", ".apifuzz/report_models")
    assert reported.returncode == 0, reported.stdout + reported.stderr
    return home / ".apifuzz" / "report_models", fuzzed.stdout + reported.stdout


@pytest.mark.slow
def test_a_campaign_gives_a_page_of_every_part(campaign: tuple[Path, str]) -> None:
    workdir, out = campaign
    page = workdir / "report.html"
    assert f"INFO: report page: {page.relative_to(workdir.parent.parent)}" in out
    found = Page(page.read_text(encoding="utf-8"))
    assert found.sections == SECTIONS
    assert found.fetches == []  # self-contained: nothing to load from anywhere
    assert found.svg == 1  # the plots, inline
    assert found.bugs == 1
    assert set(found.methods) == {"add_book", "read", "trim", "burn", "drop"}
    order = list(found.methods)
    assert order.index("trim") < order.index("add_book")  # worst exercised first
    # Mostly no clip; byte mutations may add a few unreadable arguments, named with shares.
    trim = found.methods["trim"][-1]
    assert trim.startswith("always skipped: no live `clip`"), trim
    assert trim.endswith(": nothing creates one before it"), trim
    assert found.methods["burn"][-1].startswith("never executed: refused (Refused), skipped")
    assert found.methods["add_book"][-1] == ""
    assert "ValueError" in page.read_text(encoding="utf-8")
    assert (workdir / "coverage" / "index.html").is_file()  # linked from the page
    assert 'href="coverage/index.html"' in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_summary_and_stats_json_list_the_holes(campaign: tuple[Path, str]) -> None:
    workdir, out = campaign
    assert "API methods exercised worst (" in out
    assert "  trim " in out and "always skipped: no live `clip`" in out
    stats = json.loads((workdir / "stats.json").read_text())
    assert stats["version"] == 1 and stats["running"] is False
    assert stats["settings"]["target"] == "report_models"
    rows = {r["name"]: r for r in stats["methods"]}
    assert rows["trim"]["executed"] == 0 and rows["trim"]["skipped"]["no live clip"] > 0
    assert rows["add_book"]["executed"] > 0 and 0 < rows["add_book"]["share"] <= 1
    assert stats["totals"]["runs"] >= 400
    timeline = (workdir / "timeline.jsonl").read_text().splitlines()
    assert len(timeline) >= 2 and json.loads(timeline[-1])["runs"] == stats["totals"]["runs"]


def test_an_empty_workdir_gives_a_page_that_says_so(tmp_path: Path) -> None:
    result = apifuzz(tmp_path, "report", ".", "--no-cov")
    assert result.returncode == 0, result.stderr
    found = Page((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert found.sections == SECTIONS
    assert any(n.startswith("no campaign recorded here yet") for n in found.notes)


def test_a_missing_workdir_is_a_usage_error(tmp_path: Path) -> None:
    result = apifuzz(tmp_path, "report", "nowhere")
    assert result.returncode == 2
    assert result.stderr == "apifuzz report: error: nowhere: no such workdir\n"


def test_a_workdir_of_an_older_apifuzz_shows_what_it_holds(tmp_path: Path) -> None:
    """Before stats.json: the workers' stats without counts, their configs, their logs."""
    (tmp_path / "stats").mkdir()
    (tmp_path / "stats" / "0.json").write_text(json.dumps({"runs": 1234, "exec_per_s": 99.5}))
    config = {"target": "report_models", "seed": 1, "corpora": ["seeds"], "timeout": 5.0}
    (tmp_path / "stats" / "config-0.json").write_text(json.dumps(config))
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "worker-0.log").write_text("#1024 NEW cov: 77 ft: 150 corp: 9/1b\n")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "crashes").mkdir()
    text = write_page(tmp_path).read_text(encoding="utf-8")
    found = Page(text)
    assert found.sections == SECTIONS
    assert "1,234" in text and ">77<" in text and ">150<" in text
    assert any(n.startswith("no per-method counts") for n in found.notes)
    assert "report_models" in text


def test_files_torn_by_a_running_campaign_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "stats.json").write_text('{"version": 1, "settings": {"tar')
    row = {"t": 1.0, "started": 1.0, "elapsed": 0.0, "runs": 5}
    (tmp_path / "timeline.jsonl").write_text(json.dumps(row) + '\n{"t": 2.0, "sta')
    (tmp_path / "stats").mkdir()
    (tmp_path / "stats" / "0.json").write_text("{")
    (tmp_path / "crashes" / "exception-x").mkdir(parents=True)  # no input.txt yet
    (tmp_path / "coverage.json").write_text('{"files": 3}')
    found = Page(write_page(tmp_path).read_text(encoding="utf-8"))
    assert found.sections == SECTIONS
    assert found.svg == 1  # the one whole timeline row


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(
        "chromium is not installed here and could not be (tools/test.sh installs Debian's "
        "chromium with apt-get when it runs as root)"
    )


@pytest.mark.slow
def test_the_page_renders_in_a_browser(campaign: tuple[Path, str], tmp_path: Path) -> None:
    from matplotlib.image import imread

    workdir, _ = campaign
    shot = tmp_path / "page.png"
    browser = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1200,1600",
        "--enable-logging=stderr",
    ]
    page = (workdir / "report.html").resolve().as_uri()
    result = subprocess.run(
        [*browser, f"--screenshot={shot}", page], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    errors = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert errors == []  # no script error, no resource that failed to load
    dom = subprocess.run(
        [*browser, "--dump-dom", page], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr
    assert Page(dom.stdout).sections == SECTIONS
    pixels = imread(shot)
    assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1000
    colors = {tuple(p) for p in pixels.reshape(-1, pixels.shape[-1])[::7]}
    assert len(colors) > 50  # text, tables and plots, not a blank page
    assert (pixels[..., :3] < 0.5).mean() > 0.005  # some dark ink on the white
