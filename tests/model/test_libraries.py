"""Which libraries a target drives: read from its module's imports and its registration."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from apifuzz.model.libraries import imported_packages, library_packages
from apifuzz.model.loader import load_target


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("raise AssertionError('never imported')\n")
    (tmp_path / "shop" / "target.py").write_text(
        "from __future__ import annotations\n"
        "import collections, json\n"
        "import typing_extensions\n"
        "import pytest\n"
        "from apifuzz import Registration, Target\n"
        "from cachetools import LRUCache\n"
        "from . import helpers\n"
        "from shop.other import thing\n"
        "try:\n"
        "    import not_installed_anywhere\n"
        "except ImportError:\n"
        "    pass\n"
        "def later():\n"
        "    import wrapt.decorators\n"
    )
    return tmp_path


def test_third_party_imports_are_libraries_and_nothing_is_imported(project: Path) -> None:
    assert imported_packages("shop.target") == [
        "__future__",
        "apifuzz",
        "cachetools",
        "collections",
        "json",
        "not_installed_anywhere",
        "pytest",
        "shop",
        "typing_extensions",
        "wrapt",
    ]
    # Not the stdlib, apifuzz, tooling, the target's own package, or what cannot be found.
    assert library_packages("shop.target:target") == ["cachetools"]
    assert "shop" not in sys.modules and "shop.target" not in sys.modules


def test_an_unknown_module_has_no_libraries(project: Path) -> None:
    assert library_packages("nowhere.at_all") == []


def test_the_registered_class_package_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "support"))
    target = load_target("minilib_target")
    assert library_packages("minilib_target", target) == ["minilib"]
    assert library_packages("example_timeline", load_target("example_timeline")) == []


def test_a_package_target_is_read_with_its_submodules(project: Path) -> None:
    (project / "adapter").mkdir()
    (project / "adapter" / "__init__.py").write_text(
        "from apifuzz import Target\nfrom adapter.actions import registration\n"
    )
    (project / "adapter" / "actions.py").write_text(
        "import cachetools\nfrom .helpers import check\n"
    )
    (project / "adapter" / "helpers.py").write_text("import wrapt\nimport shop\n")
    # The library is imported by a submodule only, as a target grows into a folder.
    assert library_packages("adapter") == ["cachetools", "shop"]
    assert "adapter" not in sys.modules
