"""The answer timeouts of every waited call of an application, on one timer per
timeout value.

A query or a ``flush()`` waits for the page's answer at most ``call_timeout`` seconds.
A timer per wait (``call_later``, or ``asyncio.wait_for``'s task and context manager)
costs a handle that asyncio keeps in its heap, cancelled, until its deadline passes:
at 1,000 busy sessions that is tens of thousands of objects the cyclic GC promotes and
walks again and again (docs/performance.md, "Scale in one process"). Here a wait is a
``(deadline, future, what)`` entry in a first-in first-out queue per timeout value
(deadlines in it only grow), dropped as soon as the entries before it are answered,
and one timer fires at the oldest deadline still waiting.

Everything here runs on the event loop thread.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

__all__ = ["Deadlines"]

_SLACK = 0.001                # a timer may fire this early (the loop's clock resolution)


class _Queue:
    __slots__ = ("timeout", "entries", "timer")

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.entries: deque[tuple[float, asyncio.Future[Any], str]] = deque()
        self.timer: asyncio.TimerHandle | None = None


class Deadlines:
    """:meth:`wait` gives a future a deadline: not done ``timeout`` seconds later, it
    gets a ``TimeoutError`` naming what it waited for."""

    __slots__ = ("_queues",)

    def __init__(self) -> None:
        self._queues: dict[float, _Queue] = {}

    def __len__(self) -> int:
        """Entries kept now (answered ones included until the ones before them are)."""
        return sum(len(q.entries) for q in self._queues.values())

    def wait(self, fut: asyncio.Future[Any], timeout: float, what: str
             ) -> asyncio.Future[Any]:
        """``fut`` itself, to await: done by whoever answers it, or failed with
        ``TimeoutError("<what>: no answer from the browser within <timeout> s")``."""
        q = self._queues.get(timeout)
        if q is None:
            q = self._queues[timeout] = _Queue(timeout)
        entries = q.entries
        while entries and entries[0][1].done():        # answered: let them go now
            entries.popleft()
        loop = fut.get_loop()
        entries.append((loop.time() + timeout, fut, what))
        if q.timer is None:
            q.timer = loop.call_at(entries[0][0], self._fire, q, loop)
        return fut

    def _fire(self, q: _Queue, loop: asyncio.AbstractEventLoop) -> None:
        q.timer = None
        entries = q.entries
        now = loop.time() + _SLACK
        while entries:
            deadline, fut, what = entries[0]
            if not fut.done():
                if deadline > now:
                    q.timer = loop.call_at(deadline, self._fire, q, loop)
                    return
                fut.set_exception(TimeoutError(
                    f"{what}: no answer from the browser within {q.timeout} s"))
            entries.popleft()
        del self._queues[q.timeout]                     # idle: nothing kept
