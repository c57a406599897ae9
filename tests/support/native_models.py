"""Models whose bugs kill the process: a crash and a hang in native code (ctypes).

``Buffer.peek(77)`` reads address 0 (SIGSEGV) and ``Buffer.drop(66)`` aborts
(SIGABRT); ``Latch.close(99)`` locks a mutex it already holds, a hang in C
that the timeout alarm cannot interrupt.
"""

from __future__ import annotations

import ctypes
import os

from apifuzz import Target, api


class Refused(Exception):
    pass


class Buffer:
    def __init__(self) -> None:
        self.items: list[int] = []

    @api
    def push(self, value: int) -> None:
        if len(self.items) >= 20:
            raise Refused("full")
        self.items.append(value)

    @api
    def peek(self, at: int) -> int:
        if at == 77:
            return len(ctypes.string_at(0))  # the bug: reads address 0, SIGSEGV
        return self.items[at % len(self.items)] if self.items else 0

    @api
    def drop(self, at: int) -> None:
        if at == 66:
            os.abort()  # the bug: SIGABRT
        if self.items:
            del self.items[at % len(self.items)]


class Latch:
    def __init__(self) -> None:
        self.closed = 0

    @api
    def close(self, times: int) -> int:
        if times == 99:
            # The bug: the second lock waits forever inside C, where SIGALRM cannot reach.
            mutex = ctypes.create_string_buffer(64)  # a zeroed pthread_mutex_t
            libc = ctypes.CDLL(None)
            libc.pthread_mutex_lock(mutex)
            libc.pthread_mutex_lock(mutex)
        self.closed += 1
        return self.closed


target = Target(Buffer, expected=(Refused,))
latch_target = Target(Latch)
