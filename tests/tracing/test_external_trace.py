"""Tracing a library's own test suite through a class registered from outside.

The library (``tests/support/minilib``) and its tests (``minilib_suite``) know
nothing of apifuzz; ``minilib_target`` registers ``minilib.Inventory``.
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
from pathlib import Path

import minilib
import pytest

from apifuzz import Registration, Target
from apifuzz.errors import InvalidDefinition
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language
from apifuzz.tracing.recorder import Recorder, replay_mismatch

pytest_plugins = ["pytester"]

SUPPORT = Path(__file__).resolve().parents[1] / "support"


def checkout(root: Path) -> tuple[Path, Path]:
    """A library checkout (package + tests) and a separate folder with the target module."""
    lib, work = root / "lib", root / "work"
    shutil.copytree(SUPPORT / "minilib", lib / "minilib")
    (lib / "tests").mkdir()
    shutil.copy(
        SUPPORT / "minilib_suite" / "inventory_suite.py", lib / "tests" / "test_inventory.py"
    )
    work.mkdir()
    shutil.copy(SUPPORT / "minilib_target.py", work / "minilib_target.py")
    return lib, work


def test_trace_writes_the_library_tests_as_scripts(tmp_path: Path) -> None:
    lib, work = checkout(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(lib)}
    result = subprocess.run(
        [sys.executable, "-m", "apifuzz", "trace", "minilib_target", "--", str(lib / "tests")],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "8 of 8 tests traced, 8 scripts (19 statements)" in out, out
    assert "1 dropped, 3 cut short" in out, out
    folder = work / "corpora" / "inventory"
    scripts = {p.stem.split("--")[-1]: p.read_text() for p in folder.glob("*.txt")}
    # Methods, a mutating dunder, defaults left out, a library function taking the model first.
    assert scripts["test_add_and_count"].splitlines()[1:] == [
        'a "apple"',
        'a "apple" 2',
        'c "apple"',
        "t",
    ]
    assert scripts["test_setitem"].splitlines()[1:] == ['a "apple" 3', 's "pear" 4', "t"]
    assert scripts["test_restock"].splitlines()[1:] == [
        'a "apple" 3',
        'rs "apple" 5',
        'rs "apple" 5',
    ]
    # The refused call is written too: KeyError is expected.
    assert scripts["test_remove"].splitlines()[-1] == 'r "pear"'
    # An unregistered method and an unwritable value cut the script there, with a warning.
    assert scripts["test_clear"].splitlines()[1:] == [
        "# ends early: Inventory.clear is not in inventory's language",
        'a "apple" 3',
        'a "pear"',
    ]
    assert (
        "cut short lib/tests/test_inventory.py::test_merge (model 1): Inventory.merge is not in"
        in out
    )
    assert (
        "cut short lib/tests/test_inventory.py::test_fractional_count (model 1): add: 0.5 is not an int"
        in out
    )
    # Constructor arguments without a declared type: that model is dropped, with the reason.
    assert (
        "dropped lib/tests/test_inventory.py::test_capacity (model 1): constructed with capacity=2"
        in out
    )


def test_the_scripts_replay(tmp_path: Path) -> None:
    lib, work = checkout(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(lib)}
    subprocess.run(
        [sys.executable, "-m", "apifuzz", "trace", "minilib_target", "--", str(lib / "tests")],
        cwd=work,
        env=env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    scripts = sorted(str(p) for p in (work / "corpora" / "inventory").glob("*.txt"))
    result = subprocess.run(
        [sys.executable, "-m", "apifuzz", "cov", "minilib_target", *scripts],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"{len(scripts)} inputs (0 showed a bug)" in result.stdout


def test_the_class_is_restored_after_recording() -> None:
    import minilib_target

    before = dict(vars(minilib.Inventory))
    restock = minilib.restock
    recorder = Recorder([Language.build(minilib_target.target)])
    with recorder:
        assert vars(minilib.Inventory)["add"] is not before["add"]
        assert "names" in vars(minilib.Inventory)  # unregistered public methods are wrapped too
        assert (
            "__getitem__" in before
            and vars(minilib.Inventory)["__getitem__"] is before["__getitem__"]
        )
        assert minilib.restock is not restock
        inv = minilib.Inventory()
        inv.add("x", 2)
        inv["y"] = 1
        minilib.restock(inv, "x", 4)
        traces = recorder.take()
    assert dict(vars(minilib.Inventory)) == before
    assert minilib.restock is restock
    assert [t.statements for t in traces] == [['a "x" 2', 's "y" 1', 'rs "x" 4']]


def test_library_made_models_are_not_recorded() -> None:
    import minilib_target

    with Recorder([Language.build(minilib_target.target)]) as recorder:
        inv = minilib.Inventory()
        inv.add("x")
        copy = inv.copy()  # built by the library: a script cannot call a second model
        copy.add("y")
        inv.merge(copy)  # merge is not registered: the script ends before it
        traces = recorder.take()
    assert [t.statements for t in traces] == [['a "x"', "cp"]]
    assert [t.problem for t in traces] == ["Inventory.merge is not in inventory's language"]


def test_registered_constructor_parameters_are_written() -> None:
    reg = Registration(minilib.Inventory)
    reg.init(capacity=int)
    reg.method("add", name=str, count=int)
    target = Target(reg, expected=(ValueError,), name="sized")
    assert [p.name for p in target.factory_params] == ["capacity"]
    with Recorder([Language.build(target)]) as recorder:
        minilib.Inventory(capacity=5).add("x", 2)
        minilib.Inventory(7).add("y")
        traces = recorder.take()
    assert [t.body() for t in traces] == ['! 5\na "x" 2\n', '! 7\na "y"\n']


def test_a_built_in_class_is_reported_not_traced(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        od_target="""
import collections
from apifuzz import Registration, Target
from apifuzz.errors import InvalidDefinition
reg = Registration(collections.OrderedDict)
reg.method("move_to_end", key=int, last=bool)
target = Target(reg, expected=(KeyError,), name="od")
""",
        test_od="""
import collections
def test_od():
    d = collections.OrderedDict(a=1)
    d.move_to_end("a")
""",
    )
    result = pytester.runpytest(
        f"--apifuzz-trace={pytester.path / 'c'}", "--apifuzz-target=od_target"
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "WARNING: apifuzz trace: OrderedDict: the methods of a built-in type cannot be wrapped*",
        ]
    )
    assert collections.OrderedDict.move_to_end.__qualname__ == "OrderedDict.move_to_end"


def test_a_type_for_a_parameter_the_method_lacks_is_refused() -> None:
    reg = Registration(minilib.Inventory)
    with pytest.raises(
        InvalidDefinition,
        match=r"Inventory.add: it has no parameter 'size'; its parameters are name, count",
    ):
        reg.method("add", name=str, size=int)
    with pytest.raises(
        InvalidDefinition,
        match=r"Inventory.add: it has no parameter 'cont'; did you mean 'count'\?",
    ):
        reg.method("add", name=str, cont=int)


class Bag:
    """A library class with a ``*items`` method, registered as taking one list."""

    def __init__(self) -> None:
        self.items: list[int] = []

    def extend(self, *items: int) -> int:
        self.items.extend(items)
        return len(self.items)


def test_a_call_that_does_not_fit_the_registered_parameters_is_cut() -> None:
    reg = Registration(Bag)
    reg.method("extend", items=int)
    with Recorder([Language.build(Target(reg, name="bag"))]) as recorder:
        bag = Bag()
        bag.extend(1)
        bag.extend(2, 3)  # two values for the one registered parameter: not writable
        traces = recorder.take()
    assert [t.statements for t in traces] == [["e 1"]]
    assert traces[0].problem is not None and "do not fit" in traces[0].problem


def test_a_result_is_kept_as_it_was_returned() -> None:
    import minilib_target

    with Recorder([Language.build(minilib_target.target)]) as recorder:
        inv = minilib.Inventory()
        inv.add("x")
        names = inv.names()
        names.append("changed by the test afterwards")
        traces = recorder.take()
    assert [c.result for c in traces[0].calls] == [1, ["x"]]


def test_a_returned_object_without_equality_compares_by_its_attributes(tmp_path: Path) -> None:
    lib, work = checkout(tmp_path)
    (lib / "tests" / "test_copy.py").write_text(
        "from minilib import Inventory\n"
        "def test_copy():\n"
        "    inv = Inventory()\n"
        "    inv.add('x')\n"
        "    copy = inv.copy()\n"
        "    copy.add('y')\n"
        "    inv.add('z')\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "apifuzz",
            "trace",
            "minilib_target",
            "--",
            str(lib / "tests" / "test_copy.py"),
        ],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(lib)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "1 scripts (3 statements)" in result.stdout and "0 dropped" in result.stdout, (
        result.stdout
    )
    (script,) = (work / "corpora" / "inventory").glob("*.txt")
    assert script.read_text().splitlines()[1:] == ['a "x"', "cp", 'a "z"']


class Tags:
    """A library class whose methods take ``**attrs`` and iterables, and answer with iterators."""

    def __init__(self) -> None:
        self.tags: dict[str, dict[str, object]] = {}

    def tag(self, name: str, **attrs: object) -> None:
        self.tags.setdefault(name, {}).update(attrs)

    def tag_all(self, names: object) -> int:
        for name in names:  # type: ignore[attr-defined]
            self.tag(name)
        return len(self.tags)

    def names(self) -> object:
        return iter(sorted(self.tags))


def tags_target() -> Target:
    reg = Registration(Tags)
    reg.method("tag", alias="t", name=str, size=int, color=str)
    reg.method("tag_all", alias="a", names=list[str])
    reg.method("names", alias="n", query=True)
    return Target(reg, name="tags")


def test_keywords_of_kwargs_are_registered_by_name_and_others_cut_the_script() -> None:
    target = tags_target()
    spec = target.registry.method("tag")
    assert spec.signature() == "tag(name: str, size: int = NOT_GIVEN, color: str = NOT_GIVEN)"
    with Recorder([Language.build(target)]) as recorder:
        tags = Tags()
        tags.tag("a")
        tags.tag("b", size=2)
        tags.tag("c", size=3, color="red")
        tags.tag("d", color="blue")  # color without size: a script gives them in order
        traces = recorder.take()
    assert traces[0].statements == ['t "a"', 't "b" 2', 't "c" 3 "red"']
    assert traces[0].problem == "tag: color is given without size, which comes first"
    with Recorder([Language.build(target)]) as recorder:
        Tags().tag("a", weight=1)
        traces = recorder.take()
    assert traces[0].problem is not None and "unexpected keyword argument 'weight'" in str(
        traces[0].problem
    )
    plain = Registration(Tags)
    plain.method("tag", name=str)  # **attrs left out
    with Recorder([Language.build(Target(plain, name="plain_tags"))]) as recorder:
        tags = Tags()
        tags.tag("a")
        tags.tag("b", weight=1)  # a script would silently drop the attribute: cut instead
        traces = recorder.take()
    assert traces[0].statements == ['t "a"']
    assert traces[0].problem == "tag: weight=1: not a registered parameter"


def test_a_script_passes_a_registered_keyword_only_when_it_gives_it() -> None:
    from apifuzz.interpreter import Interpreter

    target = tags_target()
    interpreter = Interpreter(Language.build(target))
    report = interpreter.run('t "a"\nt "b" 2\nt "c" 3 "red"\n', record=True)
    assert report.bug is None and report.executed == 3, report
    made = Tags()  # the calls as the interpreter made them
    for statement in report.statements:
        made.tag(*statement.args, **statement.kwargs)
    assert made.tags == {"a": {}, "b": {"size": 2}, "c": {"size": 3, "color": "red"}}


def test_collections_and_iterators_are_written_as_lists() -> None:
    target = tags_target()
    with Recorder([Language.build(target)]) as recorder:
        tags = Tags()
        assert tags.tag_all(("a", "b")) == 2
        assert tags.tag_all(range(0)) == 2
        assert tags.tag_all({"c"}) == 3
        assert tags.tag_all(name for name in ["d", "e"]) == 5  # the library reads it
        traces = recorder.take()
    assert traces[0].statements == ['a ["a" "b"]', "a []", 'a ["c"]', 'a ["d" "e"]']
    assert traces[0].problem is None
    with Recorder([Language.build(target)]) as recorder:
        Tags().tag_all({"e": 1})  # a dict may mean more than its keys: not written
        traces = recorder.take()
    assert traces[0].statements == []


def test_a_generator_is_read_by_the_library_as_it_goes() -> None:
    target = tags_target()
    with Recorder([Language.build(target)]) as recorder:
        tags = Tags()
        tags.tag("a")
        # The generator reads the dict the call changes: the library raises, as untraced.
        with pytest.raises(RuntimeError):
            tags.tag_all(name + "x" for name in tags.tags)
        traces = recorder.take()
    assert traces[0].statements == ['t "a"']
    assert traces[0].problem == "tag_all: the call did not read an iterator argument to its end"


def test_an_iterator_result_replays_as_the_same_call(tmp_path: Path) -> None:
    from apifuzz.interpreter import Interpreter
    from apifuzz.tracing.recorder import replay_mismatch

    target = tags_target()
    language = Language.build(target)
    with Recorder([language]) as recorder:
        tags = Tags()
        tags.tag("a")
        assert list(tags.names()) == ["a"]
        traces = recorder.take()
    assert traces[0].statements == ['t "a"', "n"]
    assert replay_mismatch(traces[0], Interpreter(language)) is None


def test_a_method_registered_via_an_adapter_is_traced_as_the_method() -> None:
    """``via=``: the test's calls run the library method and are traced as the action;
    scripts call the adapter (which can check each call against a reference)."""
    seen: list[tuple[str, int]] = []

    def checked_add(inv: minilib.Inventory, name: str, count: int = 1) -> int:
        seen.append((name, count))
        return inv.add(name, count)

    reg = Registration(minilib.Inventory)
    reg.method("add", via=checked_add, alias="a", name=str, count=int)
    reg.method("count", name=str)
    language = Language.build(Target(reg, expected=(ValueError,), name="checked"))
    with Recorder([language]) as recorder:
        inv = minilib.Inventory()
        inv.add("x", 2)
        inv.add("y")
        inv.count("x")
        traces = recorder.take()
    assert [t.statements for t in traces] == [['a "x" 2', 'a "y"', 'c "x"']]
    assert seen == []  # the library's test ran the library's own method
    assert replay_mismatch(traces[0], Interpreter(language)) is None
    assert seen == [("x", 2), ("y", 1)]  # the script ran through the adapter


def test_a_via_adapter_must_take_the_method_parameters() -> None:
    def wrong(inv: minilib.Inventory, label: str, count: int = 1) -> int:
        return inv.add(label, count)

    reg = Registration(minilib.Inventory)
    with pytest.raises(
        InvalidDefinition,
        match=r"Inventory.add: via=.*wrong must be a function taking the model, then the "
        r"method's parameters \(name, count\), by the same names and in order",
    ):
        reg.method("add", via=wrong, name=str, count=int)
