"""Aliases: short, stable across API changes, locked in a file, never reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from apifuzz import InvalidDefinition, LanguageError, Target, api
from apifuzz.language import Language
from apifuzz.language.aliases import AliasLock, assign_aliases, valid_alias


def methods(*names: str) -> list[tuple[str, str | None]]:
    return [(n, None) for n in names]


def test_aliases_are_short_and_unique() -> None:
    names = [f"method_{i}" for i in range(300)] + ["move_clip", "move", "mute"]
    table, changed = assign_aliases(methods(*names), AliasLock())
    assert changed
    assert len(set(table.values())) == len(names)
    assert all(valid_alias(a) for a in table.values())


def test_mnemonic_choice() -> None:
    table, _ = assign_aliases(methods("move_clip", "undo", "redo", "resize_clip"), AliasLock())
    assert table["move_clip"] == "m"
    assert table["undo"] == "u"
    assert table["redo"] == "r"
    assert table["resize_clip"] == "rc"


def test_adding_a_method_keeps_every_alias() -> None:
    lock = AliasLock()
    before, _ = assign_aliases(methods("move_clip", "undo", "redo"), lock)
    # 'add' sorts first and would take 'a'... and 'mute' would like 'm': neither may steal.
    after, changed = assign_aliases(methods("move_clip", "undo", "redo", "mute", "add"), lock)
    assert changed
    assert {k: after[k] for k in before} == before
    assert after["mute"] != "m"


def test_removed_alias_is_never_reused(tmp_path: Path) -> None:
    path = tmp_path / "aliases.lock"
    lock = AliasLock()
    first, _ = assign_aliases(methods("move_clip", "undo"), lock)
    lock.save(path)
    lock = AliasLock.load(path)
    second, changed = assign_aliases(methods("undo", "merge"), lock)
    assert changed
    assert second["undo"] == first["undo"]
    assert second["merge"] != first["move_clip"]
    assert lock.retired == {first["move_clip"]: "move_clip"}
    lock.save(path)
    assert AliasLock.load(path) == lock
    assert f"- {first['move_clip']} move_clip" in path.read_text()


def test_lock_round_trip_and_no_change(tmp_path: Path) -> None:
    path = tmp_path / "aliases.lock"
    lock = AliasLock()
    table, _ = assign_aliases(methods("a_b", "c_d"), lock)
    lock.save(path)
    again = AliasLock.load(path)
    table2, changed = assign_aliases(methods("a_b", "c_d"), again)
    assert table2 == table and not changed


def test_explicit_alias_rules() -> None:
    table, _ = assign_aliases([("undo", "z"), ("zoom", None)], AliasLock())
    assert table == {"undo": "z", "zoom": "zo"}
    with pytest.raises(InvalidDefinition, match=r"M.b: duplicate alias 'x', already used by M.a"):
        assign_aliases([("a", "x"), ("b", "x")], AliasLock(), owner="M")
    with pytest.raises(InvalidDefinition, match=r"must be one or two characters"):
        assign_aliases([("a", "abc")], AliasLock(), owner="M")
    with pytest.raises(InvalidDefinition, match=r"must be one or two characters"):
        assign_aliases([("a", "true")], AliasLock(), owner="M")
    with pytest.raises(InvalidDefinition, match=r"is the name of another method"):
        assign_aliases([("a", "b"), ("b", None)], AliasLock(), owner="M")


def test_explicit_alias_may_not_steal_a_locked_one() -> None:
    lock = AliasLock()
    assign_aliases(methods("undo", "unlock"), lock)
    owner = next(m for m, a in lock.aliases.items() if a == "u")
    other = "unlock" if owner == "undo" else "undo"
    with pytest.raises(InvalidDefinition, match=r"is locked to M\."):
        assign_aliases([(owner, None), (other, "u")], lock, owner="M")


def test_corrupt_lock(tmp_path: Path) -> None:
    path = tmp_path / "aliases.lock"
    path.write_text("m move\nthis is wrong\n")
    with pytest.raises(LanguageError, match=r"aliases.lock:2: bad alias lock line"):
        AliasLock.load(path)
    path.write_text("m move\nm other\n")
    with pytest.raises(LanguageError, match=r"alias 'm' appears twice"):
        AliasLock.load(path)


def test_language_lock_file_keeps_aliases_when_a_method_is_added(tmp_path: Path) -> None:
    class V1:
        @api
        def move_clip(self, n: int) -> None: ...

        @api
        def undo(self) -> None: ...

    class V2(V1):
        @api
        def add_clip(self) -> None: ...

        @api
        def mark(self) -> None: ...

    lock = tmp_path / "aliases.lock"
    v1 = Language.for_target(Target(V1, name="t"), lock, write_lock=True)
    v2 = Language.for_target(Target(V2, name="t"), lock, write_lock=True)
    assert {k: v2.aliases[k] for k in v1.aliases} == v1.aliases
    assert len(set(v2.aliases.values())) == 4
    # without the lock the fresh assignment would differ: the lock is what keeps them
    fresh = Language.build(Target(V2, name="t"))
    assert fresh.aliases["mark"] == "m" and v2.aliases["mark"] != "m"
