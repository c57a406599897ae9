"""engine.steady: atheris instruments a piece of code alike, whatever came before it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODEL = Path(__file__).resolve().parents[1] / "support" / "fuzz_models.py"
OTHER = Path(__file__).resolve().parents[2] / "apifuzz" / "engine" / "mutator.py"

# Instruments MODEL's code, with or without OTHER's first, and prints the bytecode of
# every function: the counters are numbered alike only if the blocks come in one order.
PROBE = """
import sys, types
import atheris
from apifuzz.engine.steady import steady_instrumentation
from atheris.instrument_bytecode import patch_code as original
assert steady_instrumentation()
from atheris import instrument_bytecode
def walk(code, out):
    out.append(code.co_code.hex())
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            walk(c, out)
    return out
model, other = sys.argv[1], sys.argv[2]
if other != "-":
    instrument_bytecode.patch_code(compile(open(other).read(), other, "exec"), True)
patched = instrument_bytecode.patch_code(compile(open(model).read(), model, "exec"), True)
print("\\n".join(walk(patched, [])))
"""


def _instrumented(*, after: Path | None) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(MODEL), str(after or "-")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_code_is_instrumented_alike_whatever_was_instrumented_before() -> None:
    # A worker reads some modules from the cache (not instrumented here) and instruments
    # others: what it instruments must not depend on which, or a cached module and a
    # fresh one differ, and a seed runs otherwise in another checkout.
    alone = _instrumented(after=None)
    assert len(alone) > 10
    assert _instrumented(after=OTHER) == alone
