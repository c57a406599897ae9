"""tools/bench/triage.py: the labels and figures of a small hand-made workdir.

The bench tools are not tests; the ground truth they compute is, so it is
checked once on folders whose answer is known: the example file system's
reproducer scripts, laid out as reported bugs in both crash-folder layouts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "bench"))

import triage  # noqa: E402

from example_fs import bugs  # noqa: E402

HARMLESS = 'create 1 "f"\n'


def folder(path: Path, script: str, *, minimized: str | None = None) -> None:
    path.mkdir(parents=True)
    (path / "input.txt").write_text(script)
    if minimized is not None:
        (path / "minimized.txt").write_text(minimized)


def reproducer(name: str) -> str:
    return bugs.script_path(name).read_text()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """Four reported bugs: a mixed one, an old-layout one, a well merged one, a false one."""
    crashes = tmp_path / "crashes"
    mixed = crashes / "quota"
    folder(mixed, reproducer("write_checks_parent_only"))
    folder(mixed / "variants" / "sig-restore", reproducer("restore_keeps_quota"))
    # Today's layout: no variants/; minimized.txt is the script replayed.
    folder(crashes / "stale-handle", HARMLESS, minimized=reproducer("unlink_frees_open_file"))
    merged = crashes / "blob"
    folder(merged, reproducer("copy_skips_blob_ref"))
    snapshot_variant = 'create 1 "f"\ncopy 2 1 "g"\nwrite 3 0 b"y"\nsnapshot\n'
    folder(merged / "variants" / "sig-retain", snapshot_variant)
    folder(crashes / "false-alarm", HARMLESS)
    folder(crashes / ".staging-half-written", reproducer("rename_onto_itself"))
    return tmp_path


def test_read_bugs_reads_both_layouts(workdir: Path) -> None:
    found = triage.read_bugs(workdir)
    assert sorted(found) == ["blob", "false-alarm", "quota", "stale-handle"]
    assert [s.name for s in found["quota"]] == ["quota", "quota/variants/sig-restore"]
    (stale,) = found["stale-handle"]
    assert stale.path.name == "minimized.txt"


def in_process(model: str, bug: str, jobs: list[triage.ReplayJob]) -> list[bool]:
    """The label of each job with ``bug`` on, replayed here rather than in a new process."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(bugs.ENV_VAR, bug)
        return triage.replay_all(model, jobs)


def test_labels_and_figures_of_both_views(workdir: Path) -> None:
    fig = triage.analyze(workdir, "example_fs", parallel=1, labeller=in_process)
    assert fig.labels == {
        "blob": [("(representative)", ["copy_skips_blob_ref"]),
                 ("sig-retain", ["copy_skips_blob_ref"])],
        "false-alarm": [("(representative)", [])],
        "quota": [("(representative)", ["write_checks_parent_only"]),
                  ("sig-restore", ["restore_keeps_quota"])],
        "stale-handle": [("(representative)", ["unlink_frees_open_file"])],
    }  # fmt: skip
    assert fig.found == sorted(
        [
            "copy_skips_blob_ref",
            "restore_keeps_quota",
            "unlink_frees_open_file",
            "write_checks_parent_only",
        ]
    )
    assert fig.unexplained == ["false-alarm"]
    # One folder per bug: the quota folder mixes two bugs, and hides the variant's.
    assert (fig.bugs.reported, fig.bugs.mixed, fig.bugs.hidden) == (
        4,
        ["quota"],
        ["restore_keeps_quota"],
    )
    assert fig.bugs.owners["write_checks_parent_only"] == "quota"
    # One folder per signature: nothing mixed or hidden, but more folders.
    assert (fig.signatures.reported, fig.signatures.mixed, fig.signatures.hidden) == (6, [], [])
    assert fig.ratio(fig.bugs) == 1.0 and fig.ratio(fig.signatures) == 1.5
    assert not fig.meets_goal()
    assert "| example_fs | 1 | 4 of 8 | 4 | 1.00 | 1 | 1 | 6 | 1.50 | 0 | 1 |" in triage.table(
        [("1", fig)]
    )


def test_a_label_process_runs_with_one_bug_on(workdir: Path) -> None:
    (script,) = triage.read_bugs(workdir)["stale-handle"]
    jobs = [triage.replay_job(script, workdir, "example_fs")]
    assert triage._label_process("example_fs", "unlink_frees_open_file", jobs) == [True]


def test_a_folder_owns_one_bug_and_a_bug_one_folder() -> None:
    a, b = "bug_a", "bug_b"
    owners = triage.match_owners({"x": frozenset({a, b}), "y": frozenset({a}), "z": frozenset({a})})
    assert owners == {a: "y", b: "x"}  # z shows only a, which y already owns
    assert triage.match_owners({"x": frozenset()}) == {}
