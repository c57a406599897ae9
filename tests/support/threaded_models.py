"""fuzz_models' cells, in a module that starts a thread at import when
``APIFUZZ_TEST_THREAD=1``: a runner holding a thread must not fork its workers."""

from __future__ import annotations

import os
import threading

from fuzz_models import Cells, Refused

from apifuzz import Target

if os.environ.get("APIFUZZ_TEST_THREAD") == "1":
    threading.Thread(target=threading.Event().wait, daemon=True).start()

target = Target(Cells, expected=(Refused,), name="threaded")
