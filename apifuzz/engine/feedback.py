"""State feedback as coverage: what a run did to the model's state, as libFuzzer features.

libFuzzer keeps an input when it hits a coverage counter no input hit before
(or hits one a new number of times).  A worker reserves a bank of extra
counters next to atheris' own and, after each input, hits one counter per
*state feature* the run showed, so an input that reaches a new state is kept
even when it runs no new line: the stepping stones towards bugs that live in
state.  Two sources:

- what the model reports through :func:`apifuzz.feedback` and
  :func:`apifuzz.maximize` (see :mod:`apifuzz.model.feedback`);
- a default abstraction apifuzz derives by itself from the calls (``default``):
  per call, its method and outcome (executed, or refused by which exception);
  per object a call names, alone or in a list, set or tuple, the method that
  touched that object last, or that returned its id (two related calls on one
  object: a clip trimmed, then cut); per executed call,
  the kind and size of what it returned; at the end of the run, the number of
  live ids of each kind, in buckets, alone and in pairs of kinds (clips and
  groups, say).  Not all kinds together: each new mix of counts would be a
  feature, and the inputs that bring nothing else (more than half the corpus
  of the example timeline after 20 s) take the mutations the others need.

Per input, ``novel_line`` is the script line of the last call that brought a
feature no earlier input of the worker brought: where the input reached its
newest state (see engine.frontier, which the structure mutator builds on).

Every feature is hashed onto the bank, so the number of features, and with
them the inputs they can add to the corpus, is bounded by the bank's size.
Hashes are of small ints, names and the model's own values, never of None
(Python 3.11 hashes it by its address, which differs from process to
process): with a fixed ``PYTHONHASHSEED`` the same run gives the same
features.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

from apifuzz.language import Language
from apifuzz.model import feedback as model_feedback
from apifuzz.model.params import names_objects
from apifuzz.model.registry import ParamSpec

#: Extra counters a worker reserves: the most distinct state features it can tell apart.
BANK = 4096

# Tags that keep the sources' features apart.
_CALL, _PAIR, _RETURN, _LIVE, _LIVE_PAIR, _VALUE, _MAX = range(7)
_RETURNED = -1  # the kind of an id a call returned (its kind is unknown until named)
_ITEMS = 8  # the ids of a container argument that count: its first few


def bucket(n: int) -> int:
    """libFuzzer's hit-count buckets: 0, 1, 2, 3, then 4-7, 8-15, 16-31, ... up to 128+."""
    return n if n < 4 else min(n.bit_length() + 1, 9)


class StateFeedback:
    """The state features of one worker's runs, hit as counters of a reserved bank.

    ``reserve()`` returns the index of one new counter (atheris' ``_reserve_counter``)
    and ``hit(index)`` bumps it (``_trace_branch``).  Per input: :meth:`begin`, then
    :meth:`on_call` for every executed or refused call (the interpreter's ``on_call``),
    and :meth:`end` with the live ids of each kind once the run is over.  ``count``
    is the number of the bank's counters hit so far: the distinct features seen.
    """

    def __init__(
        self,
        language: Language,
        reserve: Callable[[], int],
        hit: Callable[[int], None],
        *,
        default: bool = True,
        size: int = BANK,
        where: Callable[[], int] | None = None,
    ) -> None:
        self.base = reserve()
        for offset in range(1, size):
            # atheris hands out consecutive indices; a gap would make the bank a lie.
            if reserve() != self.base + offset:
                raise RuntimeError("the extra coverage counters are not consecutive")
        self.size = size
        self.default = default
        self._hit = hit
        self._hits = bytearray(size)
        self.count = 0
        # The script line of the call running (the interpreter's position), and the last
        # line of this input whose call brought a feature no input brought before (-1: none).
        self._where = where
        self.novel_line = -1
        self._features: set[int] = set()
        kinds = sorted({k for m in language.methods for k in m.ref_kinds})
        self._kinds = {kind: i for i, kind in enumerate(kinds)}
        # Per method, one lookup on the hot path: its number and its Ref parameters' places
        # (with whether the parameter holds many ids: a list, set or tuple of them).
        self._methods = {
            m.name: (number, tuple(_ref_places(m.params, self._kinds)))
            for number, m in enumerate(language.methods)
        }
        self._errors: dict[type, int] = {}
        self._last: dict[tuple[int, Any], int] = {}  # (kind, id) -> the method that touched it
        self._tops: dict[Hashable, float] = {}  # this input's largest value per key
        self._best: dict[Hashable, float] = {}  # the campaign's, per key
        self._raised: dict[Hashable, int] = {}  # how often the best went up, per key

    # -- one input -------------------------------------------------------------------

    def begin(self) -> None:
        """A new input starts: forget the last one's features."""
        self._features.clear()
        self._last.clear()
        self._tops.clear()
        self.novel_line = -1

    def on_call(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any) -> None:
        """One executed or refused call (``out``: its value, or the expected exception)."""
        if not self.default:
            return
        m, refs = self._methods.get(method, (-1, ()))
        if isinstance(out, BaseException) or out is False:
            outcome = 1 + self._error_id(type(out)) if out is not False else 1
            executed = False
        else:
            outcome, executed = 0, True
        call = m * 64 + min(outcome, 63)
        self._add(hash((_CALL, call)))
        last = self._last
        for index, kind, many in refs:
            if index < len(args):
                arg = args[index]
                if not many:
                    self._touch(kind, arg, call, m if executed else None)
                elif isinstance(arg, (list, set, frozenset, tuple)):
                    for n, item in enumerate(arg):
                        if n == _ITEMS:
                            break
                        self._touch(kind, item, call, m if executed else None)
        if executed and out is not None:
            self._add(hash((_RETURN, m, type(out).__name__, _size(out))))
            if type(out) is int:  # maybe a new object's id: the call that made it
                last[(_RETURNED, out)] = m

    def _touch(self, kind: int, ref: Any, call: int, method: int | None) -> None:
        """A call named the object ``ref``: the pair (what touched it last, this call)."""
        last = self._last
        key = (kind, ref)
        before = last.get(key)
        if before is None:  # not named yet: maybe the id a call returned
            before = last.get((_RETURNED, ref), -1)
        self._add(hash((_PAIR, kind, before, call)))
        if method is not None:  # executed: this method touched it last
            last[key] = method

    def _add(self, feature: int) -> None:
        """A feature of the call running; a new one marks its line (``novel_line``)."""
        features = self._features
        if feature not in features:
            features.add(feature)
            if self._where is not None and not self._hits[feature % self.size]:
                self.novel_line = self._where()

    def value(self, value: Hashable) -> None:
        """The model reported a state (:func:`apifuzz.feedback`)."""
        self._add(hash((_VALUE, _stable(value))))

    def maximum(self, key: Hashable, value: float) -> None:
        """The model reported a value to maximize (:func:`apifuzz.maximize`)."""
        key = _stable(key)
        top = self._tops.get(key)
        if top is None or value > top:
            self._tops[key] = value

    def end(self, live: Sequence[tuple[str, int]] = ()) -> None:
        """The run is over: hit the counters of its features.  ``live``: the number of live
        ids of each kind at the end (the default abstraction's state)."""
        features = self._features
        for key, top in self._tops.items():
            best = self._best.get(key)
            if best is None or top > best:
                self._best[key] = top
                raised = self._raised[key] = self._raised.get(key, 0) + 1
                features.add(hash((_MAX, key, raised)))
        if self.default and live:
            buckets = tuple((self._kinds.get(kind, -1), bucket(n)) for kind, n in live)
            features.update(hash((_LIVE, kind, b)) for kind, b in buckets)
            pairs = itertools.combinations(buckets, 2)
            features.update(hash((_LIVE_PAIR, one, two)) for one, two in pairs)
        hits, hit, base, size = self._hits, self._hit, self.base, self.size
        for feature in features:
            slot = feature % size
            hit(base + slot)
            if not hits[slot]:
                hits[slot] = 1
                self.count += 1

    def _error_id(self, error: type) -> int:
        found = self._errors.get(error)
        if found is None:
            found = self._errors[error] = len(self._errors) + 1
        return found

    # -- the model's reports -----------------------------------------------------------

    def install(self) -> None:
        """Receive what the model reports through :func:`apifuzz.feedback` and
        :func:`apifuzz.maximize`, from now on in this process."""
        model_feedback.install(self)


_SIZED = (list, tuple, dict, set, frozenset, str, bytes)


def _ref_places(
    params: Sequence[ParamSpec], kinds: dict[str, int]
) -> Iterator[tuple[int, int, bool]]:
    """Per parameter that names objects: its place, its kind's number, and whether it
    holds many ids or one (see :func:`names_objects`)."""
    for i, p in enumerate(params):
        named = names_objects(p.type)
        if named is not None:
            yield i, kinds[named[0]], named[1]


def _size(value: Any) -> tuple[bool, int]:
    """A value's size in buckets: an int's magnitude and sign, a built-in container's
    length; (False, -1) for anything else (a model's own ``__len__`` is never called).
    Never None: Python 3.11 hashes None by its address, which differs in every process."""
    kind = type(value)
    if kind is int:
        return value < 0, bucket(value.bit_length())
    if kind in _SIZED:
        return False, bucket(len(value))
    return False, -1


# Stands for None in what the model reports: hash(None) is its address on Python 3.11.
_NONE = "<None>"


def _stable(value: Hashable) -> Hashable:
    """``value`` with None, alone or in tuples, replaced: a hash the same in every process
    (given ``PYTHONHASHSEED``) for the values models report most, flags and tuples."""
    if value is None:
        return _NONE
    if type(value) is tuple:
        return tuple(_stable(item) for item in value)
    return value
