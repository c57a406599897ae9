"""Which files are scripts, and the seed folders libFuzzer is given (apifuzz.campaign.seeds)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from apifuzz.campaign.seeds import prepare_seeds
from apifuzz.engine.corpus import inputs, is_script, seed_scripts
from apifuzz.language.aliases import LOCK_HEADER


def test_scripts_are_told_from_the_files_beside_them(tmp_path: Path) -> None:
    files = {
        "test_one.txt": True,
        "3f786850e387550fdab836ed7e6dc881de23001b": True,  # libFuzzer's naming
        "handwritten": True,
        "aliases.lock": False,
        "aliases.lock.orig": False,  # .orig: starts like a lock
        "README.md": False,
        "README": False,
        "readme.txt": False,
        "LICENSE": False,
        "notes.json": False,
        "reproduce.sh": False,
        ".hidden": False,
    }
    for name in files:
        text = LOCK_HEADER if name.startswith("aliases") else "new 1\n"
        (tmp_path / name).write_text(text)
    (tmp_path / "sub").mkdir()
    assert {p.name: is_script(p) for p in tmp_path.iterdir() if p.is_file()} == files
    assert not is_script(tmp_path / "sub")
    assert [p.name for p in inputs(tmp_path)] == sorted(n for n, ok in files.items() if ok)


def test_a_crash_folder_offers_its_scripts_only(tmp_path: Path) -> None:
    bug = tmp_path / "crashes" / "exception-Error-f-0123"
    bug.mkdir(parents=True)
    for name in ("input.txt", "minimized.txt", "traceback.txt", "signature.json"):
        (bug / name).write_text(name)
    scripts, left_out = seed_scripts(tmp_path / "crashes")
    assert [p.name for p in scripts] == ["input.txt", "minimized.txt"] and left_out == []
    assert seed_scripts(bug)[0] == scripts


def test_prepare_seeds_copies_the_scripts_and_names_the_rest(tmp_path: Path) -> None:
    one, two, workdir = tmp_path / "one", tmp_path / "two", tmp_path / "work"
    for folder in (one, two):
        folder.mkdir()
        (folder / "a.txt").write_text(f"new {folder.name}\n")
    (one / "aliases.lock").write_text(LOCK_HEADER)
    (one / "README.md").write_text("new 1\n")
    stale = workdir / "seeds" / "0" / "gone"
    stale.parent.mkdir(parents=True)
    stale.write_text("new 9\n")
    seeds = prepare_seeds([one, two], workdir)
    assert seeds.folders == [workdir / "seeds" / "0", workdir / "seeds" / "1"]
    assert seeds.count == 2 and seeds.left_out == [one / "README.md"]
    data = b"new one\n"
    assert [p.name for p in seeds.folders[0].iterdir()] == [hashlib.sha1(data).hexdigest()]
    assert not stale.exists()
    assert "1 file(s) of the seed folders are no script" in seeds.note()
    assert str(one / "README.md") in seeds.note()


def test_seeds_are_linked_where_the_file_system_allows_else_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in (("a.txt", "new 1\n"), ("b.txt", "new 2\n"), ("same.txt", "new 1\n")):
        (folder / name).write_text(text)
    linked = prepare_seeds([folder], tmp_path / "work")
    names = {hashlib.sha1(t).hexdigest(): t for t in (b"new 1\n", b"new 2\n")}
    files = {p.name: p for p in linked.folders[0].iterdir()}
    assert {n: p.read_bytes() for n, p in files.items()} == names  # a duplicate, once
    assert all(p.stat().st_nlink >= 2 for p in files.values())

    def no_link(src: object, dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    copied = prepare_seeds([folder], tmp_path / "work")
    files = {p.name: p for p in copied.folders[0].iterdir()}
    assert {n: p.read_bytes() for n, p in files.items()} == names
    assert all(p.stat().st_nlink == 1 for p in files.values())
    assert (folder / "a.txt").stat().st_nlink == 1  # the old links went with the old folder
