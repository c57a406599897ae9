"""A tiny model for the campaign's process-handling tests: its worker can be made to die."""

from __future__ import annotations

import os
import signal

from apifuzz import Target, api


class Refused(Exception):
    pass


BURST = [False]  # this process has shown the bug


class Lamp:
    def __init__(self) -> None:
        self.on = False

    @api
    def switch(self, on: bool) -> None:
        if on and self.on and "APIFUZZ_TEST_BUG" in os.environ:
            BURST[0] = True
            raise ValueError("switched on twice")  # the bug
        self.on = on

    @api
    def die(self) -> None:
        # The worker dies, as by the OOM killer: always, or once it has shown the bug.
        how = os.environ.get("APIFUZZ_TEST_DIE")
        if how == "1" or (how == "after-bug" and BURST[0]):
            os.kill(os.getpid(), signal.SIGKILL)


target = Target(Lamp, expected=(Refused,))
