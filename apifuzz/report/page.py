"""The campaign report: one self-contained HTML file that opens from disk.

No script, no stylesheet or image to fetch: the style is inline and the
plots are inline SVG (:mod:`apifuzz.report.plots`).  While the campaign
runs, the page reloads itself every :data:`RELOAD` seconds (a meta
refresh, no JavaScript) and ``apifuzz fuzz`` rewrites it every few
seconds (:class:`~apifuzz.campaign.record.CampaignRecord`, to which the
command line hands :func:`write_page`).

Sections, each an ``<section id=...>``: ``settings``, ``progress`` (the
figures and the plots), ``bugs``, ``methods`` (per API method, worst
exercised first, with a hint for each hole), ``coverage`` (per file) and
``notes`` (what the workdir lacks).
"""

from __future__ import annotations

import time
from html import escape
from pathlib import Path
from typing import Any

from apifuzz.atomic import atomic_write
from apifuzz.campaign.methods import MethodCounts, MethodRow
from apifuzz.campaign.record import REPORT_NAME
from apifuzz.report.campaign_data import BugView, CampaignData, read_campaign, when
from apifuzz.report.plots import timeline_svg

#: Seconds between two reloads of a page whose campaign is running.
RELOAD = 10

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1180px;padding:0 16px 40px;
color:#222;background:#fff}
h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid
#ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right;
font-variant-numeric:tabular-nums}
tr.hole td{background:#fff4e5}.muted{color:#666}.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #ddd;border-radius:6px;padding:6px 14px;min-width:110px}
.card b{display:block;font-size:20px}pre{background:#f7f7f7;border:1px solid #e3e3e3;
padding:6px 8px;overflow-x:auto;margin:4px 0}code{font-size:13px}
.bug{border:1px solid #e0c0c0;border-radius:6px;padding:4px 12px;margin:6px 0}
.bug summary{cursor:pointer;padding:3px 0}svg{max-width:100%;height:auto}
"""


def write_page(workdir: Path) -> Path:
    """Write ``report.html`` into ``workdir`` from what it holds; returns its path."""
    path = workdir / REPORT_NAME
    atomic_write(path, render(read_campaign(workdir)))
    return path


def render(data: CampaignData) -> str:
    """The page of ``data``, as HTML text."""
    title = f"apifuzz report: {data.target or data.workdir}"
    reload = f'<meta http-equiv="refresh" content="{RELOAD}">' if data.running else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>{reload}<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="muted">{escape(_status(data))}</p>',
        _section("progress", "Progress", _progress(data)),
        _section("bugs", f"Bugs ({len(data.bugs)})", _bugs(data.bugs)),
        _section("methods", "API methods", _methods(data.methods)),
        _section("coverage", "Coverage of the model", _coverage(data)),
        _section("settings", "Settings", _settings(data.settings)),
        _section("notes", "Notes", _notes(data.notes)),
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{key}"><h2>{escape(title)}</h2>\n{body}\n</section>'


def _status(data: CampaignData) -> str:
    state = {None: "", True: "running; ", False: "finished; "}[data.running]
    made = time.strftime("%Y-%m-%d %H:%M:%S")
    figures = f", figures of {when(data.updated)}" if data.updated else ""
    reload = f" (this page reloads every {RELOAD} s)" if data.running else ""
    return f"{state}workdir {data.workdir}; page written {made}{figures}{reload}"


def _fmt(value: Any, digits: int = 0) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "-"
    return f"{value:,.{digits}f}"


def _progress(data: CampaignData) -> str:
    t = data.totals
    variants = t.get("variants")
    cards = [
        ("executions", _fmt(t.get("runs"))),
        ("exec/s", _fmt(t.get("exec_per_s"))),
        ("coverage", _fmt(t.get("cov"))),
        ("features", _fmt(t.get("ft"))),
        ("corpus", _fmt(t.get("corpus"))),
        ("bugs", _fmt(t.get("bugs")) + (f" ({_fmt(variants)} variants)" if variants else "")),
        ("elapsed", _fmt(t.get("elapsed")) + " s" if "elapsed" in t else "-"),
    ]
    html = '<div class="cards">' + "".join(
        f'<div class="card"><b>{escape(v)}</b>{escape(k)}</div>' for k, v in cards
    )
    html += "</div>\n"
    # A running campaign's first page has one row, no trend to plot: drawing it would cost
    # the workers a second of CPU just as they start, when most bugs are found.
    svg = timeline_svg(data.timeline) if len(data.timeline) > 1 or not data.running else ""
    if svg:
        return html + f'<figure id="timeline">{svg}</figure>'
    return html + '<p class="muted">No timeline yet: it is recorded every few seconds.</p>'


def _bugs(bugs: list[BugView]) -> str:
    if not bugs:
        return '<p class="muted">No bug found.</p>'
    intro = "<p>Each opens onto its summary, script and commands.</p>\n"
    return intro + "\n".join(_bug(number, bug) for number, bug in enumerate(bugs, 1))


def _bug(number: int, bug: BugView) -> str:
    """One bug: a line that opens onto its details, its script and its commands."""
    seen = f"seen {when(bug.first_seen)} to {when(bug.last_seen)}" if bug.hits else "not counted"
    counts = f"x{bug.hits}" + (f", {len(bug.variants)} variants" if bug.variants else "")
    variants = ""
    if bug.variants:
        items = "".join(f"<li>{escape(v)}</li>" for v in bug.variants)
        variants = f"<p>Variants:</p><ul>{items}</ul>"
    return (
        f'<div class="bug"><details><summary><b>{number}. {escape(bug.title)}</b> '
        f"<span class=muted>({escape(counts)})</span></summary>"
        f"<p>{escape(bug.summary)}<br><span class=muted>{escape(seen)}; "
        f"triage: {escape(bug.triage)}</span></p>{variants}"
        f"<p>{escape(bug.script_name)}:</p><pre><code>{escape(bug.script)}</code></pre>"
        f"<p>replay: <code>{escape(bug.replay)}</code><br>"
        f"test: <code>{escape(bug.to_test)}</code></p></details></div>"
    )


def _breakdown(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return "0"
    parts = ", ".join(
        f"{escape(k)} {n:,}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return f"{total:,}<br><span class=muted>{parts}</span>"


def _method_row(row: MethodRow) -> str:
    css = ' class="hole"' if row.hint else ""
    calls = row.calls
    executed = f"<br><span class=muted>{row.executed / calls:.0%} of calls</span>" if calls else ""
    return (
        f'<tr{css} data-method="{escape(row.name)}"><td><code>{escape(row.name)}</code></td>'
        f'<td class="n">{row.share:.1%}</td><td class="n">{row.executed:,}{executed}</td>'
        f'<td class="n">{_breakdown(row.refused)}</td><td class="n">{_breakdown(row.skipped)}</td>'
        f'<td class="n">{row.bugs:,}</td><td>{escape(row.hint)}</td></tr>'
    )


def _methods(methods: MethodCounts | None) -> str:
    if methods is None:
        return '<p class="muted">No per-method counts recorded (see the notes).</p>'
    holes = sum(1 for r in methods.rows if r.hint)
    html = (
        f"<p>{len(methods.rows)} methods, {holes} with a hint; {methods.runs:,} inputs counted. "
        "Worst exercised first. <i>Inputs</i>: the share of inputs that call the method; "
        "<i>refused</i>: by exception type (False: a False return); <i>skipped</i>: by reason."
        "</p>\n<table><thead><tr><th>method</th><th>inputs</th><th>executed</th>"
        "<th>refused</th><th>skipped</th><th>bugs</th><th>hint</th></tr></thead><tbody>\n"
    )
    html += "\n".join(_method_row(row) for row in methods.rows) + "</tbody></table>"
    if methods.lines:
        lines = ", ".join(f"{escape(k)}: {n:,}" for k, n in sorted(methods.lines.items()))
        html += f"<p>Lines that named no method they could call: {lines}.</p>"
    return html


def _coverage(data: CampaignData) -> str:
    link = ""
    if data.coverage_html is not None:
        # Relative: the page lives in the workdir, and a moved workdir keeps its link.
        href = data.coverage_html.relative_to(data.workdir).as_posix()
        link = f'<p><a href="{escape(href)}">coverage.py\'s report</a> (per line)</p>'
    cov = data.coverage
    if cov is None:
        return link + (
            '<p class="muted">Not measured yet: <code>apifuzz report</code> replays the corpus '
            "and measures the line and branch coverage of the model.</p>"
        )
    rows = []
    for f in [*cov["files"], {"file": "total", **cov.get("totals", {})}]:
        if isinstance(f, dict):
            rows.append(
                f"<tr><td>{escape(str(f.get('file')))}</td>{_ratio(f.get('lines'))}"
                f"{_ratio(f.get('branches'))}</tr>"
            )
    measured = f"{_fmt(cov.get('inputs'))} inputs replayed at {when(cov.get('at', 0))}"
    return (
        f"{link}<p>{escape(measured)}.</p><table><thead><tr><th>file</th><th>lines</th>"
        f"<th>branches</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _ratio(part: Any) -> str:
    if not isinstance(part, dict):
        return '<td class="n">-</td>'
    covered, total = part.get("covered"), part.get("total")
    if not isinstance(covered, int) or not isinstance(total, int):
        return '<td class="n">-</td>'
    share = f" ({covered / total:.0%})" if total else ""
    return f'<td class="n">{covered:,} / {total:,}{share}</td>'


def _settings(settings: dict[str, Any]) -> str:
    if not settings:
        return '<p class="muted">Not recorded.</p>'
    rows = "".join(
        f"<tr><th>{escape(str(k))}</th><td><code>{escape(str(v))}</code></td></tr>"
        for k, v in settings.items()
    )
    return f"<table>{rows}</table>"


def _notes(notes: list[str]) -> str:
    if not notes:
        return '<p class="muted">None.</p>'
    return "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"
