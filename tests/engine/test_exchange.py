"""A worker's side of the shared corpus: publish, retract, take (apifuzz.engine.exchange)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from apifuzz.engine import exchange
from apifuzz.engine.exchange import Exchange


def _write(folder: Path, data: bytes) -> str:
    """A file as libFuzzer writes one: named by the SHA-1 of its content."""
    name = hashlib.sha1(data).hexdigest()
    (folder / name).write_bytes(data)
    return name


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Exchange, Exchange, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    a = Exchange(tmp_path / "staging" / "0", corpus)
    b = Exchange(tmp_path / "staging" / "1", corpus)
    a.start()
    b.start()
    return a, b, corpus


def test_a_new_input_is_published_whole_and_taken_by_the_other(
    pair: tuple[Exchange, Exchange, Path],
) -> None:
    a, b, corpus = pair
    name = _write(a.staging, b"new 1\n")
    torn = hashlib.sha1(b"new 2\n").hexdigest()
    (a.staging / torn).write_bytes(b"new")  # still being written
    a.step()
    assert (corpus / name).read_bytes() == b"new 1\n" and not (corpus / torn).exists()
    assert (a.staging / name).exists()  # libFuzzer's own output folder keeps it
    b.step()
    copy = b.staging / name
    assert copy.read_bytes() == b"new 1\n" and b.taken_count == 1
    # Stamped ahead of libFuzzer's last look at the folder, so that its next reload reads it.
    assert copy.stat().st_mtime > time.time()
    assert b.staging.stat().st_mtime == copy.stat().st_mtime
    b.step()
    a.step()
    assert b.taken_count == 1 and a.taken_count == 0  # once, and never back to its finder
    assert sorted(p.name for p in corpus.iterdir()) == [name]


def test_an_input_libfuzzer_drops_leaves_the_corpus(
    pair: tuple[Exchange, Exchange, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, corpus = pair
    name = _write(a.staging, b"new 1\nnew 2\n")
    a.step()
    b.step()
    (a.staging / name).unlink()  # replaced by a smaller input with the same coverage
    smaller = _write(a.staging, b"new 1\n")
    a.step()
    assert sorted(p.name for p in corpus.iterdir()) == [smaller]
    monkeypatch.setattr(exchange, "KEEP", 0.0)
    b.step()
    assert not (b.staging / name).exists()  # the copy goes once libFuzzer had time to read it
    assert (b.staging / smaller).exists()


def test_an_input_already_in_the_corpus_is_never_removed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    old = _write(corpus, b"new 3\n")
    a = Exchange(tmp_path / "staging" / "0", corpus)
    a.start()
    _write(a.staging, b"new 3\n")  # libFuzzer finds the same input again
    a.step()
    (a.staging / old).unlink()
    a.step()
    assert (corpus / old).read_bytes() == b"new 3\n"
    assert not (a.staging / old).exists()  # nor taken back: libFuzzer read it at start


def test_start_empties_what_an_earlier_process_left_in_staging(tmp_path: Path) -> None:
    corpus, staging = tmp_path / "corpus", tmp_path / "staging" / "0"
    corpus.mkdir()
    staging.mkdir(parents=True)
    whole = _write(staging, b"new 4\n")
    (staging / hashlib.sha1(b"new 5\n").hexdigest()).write_bytes(b"ne")  # torn by a kill
    Exchange(staging, corpus).start()
    assert list(staging.iterdir()) == []
    assert [p.name for p in corpus.iterdir()] == [whole]
