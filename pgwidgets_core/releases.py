"""Answers handed to the tasks that wait for them, a bounded number per loop turn.

asyncio runs a task woken by an answer at the start of the loop's next turn, before
the loop reads its sockets again. With many sessions streaming (each waits for its
page's answer, then sends more), every answer read in one turn wakes its task for the
next, and that next turn is all of their work: a page's input (a click) read then
waits behind the whole of it, 60-80 ms at 1,000 sessions.

:class:`Releases` hands the answers over in the order they came, as many in one turn
as keep the loop's turns near :data:`TURN_TARGET_S`; the rest go in the turns after.
The loop reads its sockets between those bursts of work, so a click waits for about
one of them. It counts how long each turn it took part in lasted: a longer turn than
the target cuts the allowance in proportion (to no fewer than :data:`FEWEST`), a
shorter one lets it grow by an eighth.
An idle or lightly loaded loop hands every answer over at once, as it arrives.

Loop thread only.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import perf_counter
from typing import Any

__all__ = ["Releases"]

TURN_TARGET_S = 0.010  # the loop turn a busy loop is kept near (10 ms)
FIRST = 64              # answers handed over in a turn before any turn was timed
MOST = 4096             # never more than this many in one turn
# and never fewer: a turn made long by other work (a thousand pages' replies read at
# once) still hands this many over, so that answers are never held back for long
FEWEST = 8


class Releases:
    """Resolve waiters (``asyncio.Future``) in the order they were answered, as many
    in one loop turn as keep the turns near ``target`` seconds."""

    __slots__ = ("target", "allowance", "_left", "_queue", "_soon", "_turn_began")

    def __init__(self, target: float = TURN_TARGET_S) -> None:
        if not target > 0:
            raise ValueError(f"Releases: target must be a positive number of seconds, "
                             f"not {target!r}")
        self.target = target
        self.allowance = FIRST           # answers one turn hands over
        self._left = FIRST               # answers this turn may still hand over
        self._queue: deque[tuple[asyncio.Future[Any], Any, BaseException | None]] = deque()
        self._soon = False               # _next_turn is scheduled
        self._turn_began = 0.0           # when the _next_turn of this turn ran (0: none)

    def answer(self, waiter: asyncio.Future[Any], value: Any) -> None:
        """``waiter`` gets ``value`` (now, or in a coming turn)."""
        self._release(waiter, value, None)

    def fail(self, waiter: asyncio.Future[Any], error: BaseException) -> None:
        """``waiter`` raises ``error`` (now, or in a coming turn)."""
        self._release(waiter, None, error)

    @property
    def waiting(self) -> int:
        """How many answers wait for a coming turn."""
        return len(self._queue)

    def _release(self, waiter: asyncio.Future[Any], value: Any,
                 error: BaseException | None) -> None:
        if not self._soon:               # first, so that it runs before the tasks woken
            self._soon = True            # now (at the start of the next turn)
            asyncio.get_running_loop().call_soon(self._next_turn)
        if self._left and not self._queue:
            self._left -= 1
            _settle(waiter, value, error)
        else:
            self._queue.append((waiter, value, error))

    def _next_turn(self) -> None:
        # The start of a turn: what waits goes first, within this turn's allowance.
        self._soon = False
        now = perf_counter()
        if self._turn_began:             # the last turn was ours from start to end: fit
            took = now - self._turn_began            # the allowance to how long it took
            a = self.allowance
            if took > self.target:                   # cut in proportion, grow slowly
                self.allowance = max(FEWEST, int(a * self.target / took))
            elif a < MOST:
                self.allowance = a + 1 + (a >> 3)
        queue, left = self._queue, self.allowance
        while queue and left:
            left -= 1
            _settle(*queue.popleft())
        self._left = left
        if left < self.allowance or queue:     # this turn handed some over: count
            self._soon = True                  # afresh (and time it) next turn
            self._turn_began = now
            asyncio.get_running_loop().call_soon(self._next_turn)
        else:
            self._turn_began = 0.0


def _settle(waiter: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if waiter.done():                    # cancelled (a timeout, the task's own cancel)
        return
    if error is None:
        waiter.set_result(value)
    else:
        waiter.set_exception(error)
