"""The pytest plugin, driven in-process with pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = '''
import pytest
from traced_models import Notebook, Refused

@pytest.fixture
def book():
    b = Notebook(pages=4)
    b.write("from the fixture")
    return b

def test_write(book):
    book.write("hello")

def test_write_again(book):
    book.write("hello")          # same calls as test_write: a duplicate

def test_two_models():
    Notebook().write("a")
    Notebook().write("b")

def test_negative():
    b = Notebook()
    b.write("x")
    with pytest.raises(Refused):
        b.erase(999)

@pytest.mark.parametrize("text", ["p/q", "r s"])
def test_param(text):
    Notebook().write(text)

def test_no_model():
    assert 1 + 1 == 2
'''


def test_option_off_changes_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain='''
from apifuzz.tracing import guard
from traced_models import Notebook

def test_untraced(pytestconfig):
    assert pytestconfig.pluginmanager.get_plugin("apifuzz-trace") is None
    assert guard.installed() is None
    Notebook().write("x")
''')
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "apifuzz trace" not in result.stdout.str()
    assert not list(pytester.path.rglob("*.txt"))


def test_option_on_writes_scripts_and_a_summary(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_book=TESTS)
    out = pytester.path / "corpus"
    result = pytester.runpytest(f"--apifuzz-trace={out}", "--apifuzz-target=traced_models:notebook")
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines([
        f"apifuzz trace: 6 of 7 tests traced, 6 scripts (7 statements) written to {out}/traced_models;"
        " 1 duplicates, 0 dropped, 1 cut short",
        "WARNING: apifuzz trace: cut short test_book.py::test_negative (model 1): "
        "erase: 999 is not a live note id",
    ])
    folder = out / "traced_models"
    names = sorted(p.name for p in folder.glob("*.txt"))
    assert names == [
        "test_book--test_negative.txt",
        "test_book--test_param_p_q.txt",
        "test_book--test_param_r_s.txt",
        "test_book--test_two_models.2.txt",
        "test_book--test_two_models.txt",
        "test_book--test_write.txt",
    ]
    write = (folder / "test_book--test_write.txt").read_text()
    assert write.splitlines() == [
        "# apifuzz trace: test_book.py::test_write (model 1)",
        "! 4",
        'w "from the fixture"',
        'w "hello"',
    ]
    assert (folder / "aliases.lock").exists()


def test_regenerating_removes_stale_scripts_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_book=TESTS)
    out = pytester.path / "corpus"
    folder = out / "traced_models"
    folder.mkdir(parents=True)
    (folder / "stale.txt").write_text("# apifuzz trace: gone\nw \"x\"\n")
    (folder / "handwritten.txt").write_text('w "mine"\n')
    pytester.runpytest(f"--apifuzz-trace={out}", "--apifuzz-target=traced_models:notebook")
    assert not (folder / "stale.txt").exists()
    assert (folder / "handwritten.txt").read_text() == 'w "mine"\n'


def test_discovers_targets_without_being_told(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_book=TESTS)
    out = pytester.path / "corpus"
    result = pytester.runpytest(f"--apifuzz-trace={out}")
    result.assert_outcomes(passed=7)
    assert (out / "traced_models" / "test_book--test_write.txt").exists()


def test_bad_target_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_book=TESTS)
    result = pytester.runpytest(f"--apifuzz-trace={pytester.path}", "--apifuzz-target=nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--apifuzz-target: cannot import 'nope'*"])


def test_options_are_in_their_own_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["apifuzz: trace model calls into a seed corpus:",
                                 "*--apifuzz-trace=DIR*"])

