"""apifuzz on portion (https://pypi.org/project/portion/): intervals and IntervalDict.

The model is ``portion.IntervalDict``, registered from outside: every public
method, ``d[key] = value``, ``del d[key]`` and ``d |= items``, each called through
a function that runs the same call on a reference model first and checks the
library against it (``reg.method(name, via=...)``), so that the library's own
tests, traced, are seed scripts of these very actions.  Intervals are values:
a script writes them as lists of atomic intervals (see ``codecs``).

The interval algebra (``|``, ``&``, ``-``, ``~``, ``replace``, ``apply``,
comparisons, ``iterate``, ``to_string``/``from_string``, ``to_data``/``from_data``)
runs on a *current interval* the model holds beside the dict; actions move it
between the two (``d[current] = v``, ``current = d.domain()``).

Oracles:

* a reference (:class:`~docs.real_world.portion.model.Piecewise`): the dict as a
  function of the reals, updated in order by every call, compared pointwise after
  each one (and each call's result against what it predicts);
* interval results checked pointwise against the sets they must be;
* the library's own consistency: keys non-empty, in portion's normal form, sorted
  and disjoint, one key per value;
* round trips: ``copy``, ``IntervalDict(d.as_dict())``, pickle, and each key
  through ``to_data``/``from_data`` and ``to_string``/``from_string``.

    apifuzz lang docs.real_world.portion
    bash tools/real_world/portion.sh
"""

from __future__ import annotations

from apifuzz import Target
from docs.real_world.portion.actions import registration

# KeyError and ValueError only where portion documents them: each action checks that the
# reference model expects the refusal before letting it through.
target = Target(registration, expected=(KeyError, ValueError), name="portion")

__all__ = ["registration", "target"]
