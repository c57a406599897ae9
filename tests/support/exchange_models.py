"""A model with a branch no fuzzer finds by itself, for the tests of sharing inputs."""

from __future__ import annotations

import hashlib
import os

from apifuzz import Target, api

#: sha256 of the one word that opens the branch: libFuzzer cannot work back from the hash.
OPENS = hashlib.sha256(b"open sesame").hexdigest()


class Door:
    def __init__(self) -> None:
        self.opened = 0

    @api
    def knock(self, word: str) -> bool:
        if hashlib.sha256(word.encode()).hexdigest() != OPENS:
            return False
        self.opened += 1  # new lines: an input that gets here is kept by libFuzzer
        marks = os.environ.get("APIFUZZ_TEST_MARKS")
        if marks:
            with open(marks, "a") as f:  # which process ran it, and when
                f.write(f"{os.getpid()}\n")
        return True

    @api
    def count(self, n: int) -> int:
        return n % 7 if n > 3 else n


target = Target(Door)
