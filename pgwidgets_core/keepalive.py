"""One keepalive timer for every page socket of an application.

websockets' own keepalive (``ping_interval`` of its ``serve``) runs a task per
connection that sleeps between pings. :class:`Keepalive` keeps the same semantics with
one timer for all of them: every ``interval`` seconds each open socket whose previous
ping was answered gets a ping; a socket whose pong has not come back within
``timeout`` seconds (websockets' default ``ping_timeout``, 20 s) is closed with 1011
"keepalive ping timeout", as websockets does. An idle page then costs a dict entry
instead of a task, its coroutine, a sleep future and a timer handle.

Everything here runs on the event loop thread.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from websockets.frames import CloseCode
from websockets.protocol import State

__all__ = ["Keepalive", "PING_TIMEOUT"]

#: Seconds a page has to answer a keepalive ping (websockets' default ping_timeout).
PING_TIMEOUT = 20.0
_SLACK = 0.01                 # a timer may fire this early (the loop's clock resolution)


def _quiet(task: asyncio.Task[Any]) -> None:
    # A ping to a socket that closed meanwhile: the page's reader notices, not us.
    if not task.cancelled():
        task.exception()


class Keepalive:
    """The sockets to ping (:meth:`watch` / :meth:`forget`) and the one timer that
    pings them; ``interval`` None: no pings at all. A socket without ``ping`` (an ASGI
    server's, which pings by itself) is not watched."""

    __slots__ = ("interval", "timeout", "_log", "_pings", "_timer", "_closing")

    def __init__(self, interval: float | None, timeout: float = PING_TIMEOUT,
                 logger: logging.Logger | None = None) -> None:
        self.interval = interval
        self.timeout = timeout
        self._log = logger or logging.getLogger("pgwidgets_core")
        # socket -> (what answers the last ping: the pong future, or the ping's own
        # task while it drains; when it was sent), or None before its first ping
        self._pings: dict[Any, tuple[asyncio.Future[Any], float] | None] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[Any]] = set()   # sockets closed for no pong

    def __len__(self) -> int:
        return len(self._pings)

    def watch(self, ws: Any) -> None:
        """Ping ``ws`` from the next round on, until :meth:`forget` or it closes."""
        if self.interval is None or getattr(ws, "ping", None) is None:
            return
        self._pings[ws] = None
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.interval, self._tick)

    def forget(self, ws: Any) -> None:
        """Stop pinging ``ws`` (its page has gone); the timer stops with the last one."""
        self._pings.pop(ws, None)
        if not self._pings and self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _tick(self) -> None:
        interval = self.interval
        assert interval is not None                  # no timer without an interval
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._expire(now)
        pings = self._pings
        for ws, last in list(pings.items()):
            if ws.state is State.CLOSED:
                del pings[ws]
            elif last is None or _answered(last[0]):
                pings[ws] = self._ping(ws, loop, now)
        self._timer = loop.call_later(interval, self._tick) if pings else None
        if pings and self.timeout < interval:     # the deadline comes before the tick
            loop.call_later(self.timeout, self._expire_now)

    def _ping(self, ws: Any, loop: asyncio.AbstractEventLoop, now: float
              ) -> tuple[asyncio.Future[Any], float] | None:
        # ping() writes the frame before its first suspension (as send does).
        task = asyncio.Task(ws.ping(), loop=loop, eager_start=True)
        if not task.done():              # the socket asks us to wait: count from now
            task.add_done_callback(_quiet)
            return task, now
        if task.cancelled() or task.exception() is not None:
            return None                  # closing: its reader ends, then forget()
        return task.result(), now

    def _expire_now(self) -> None:
        self._expire(asyncio.get_running_loop().time())

    def _expire(self, now: float) -> None:
        """Close every socket whose last ping has had no pong for ``timeout`` s."""
        for ws, last in list(self._pings.items()):
            if last is not None and not _answered(last[0]) \
                    and now - last[1] >= self.timeout - _SLACK:
                del self._pings[ws]
                self._log.info("pgwidgets: no pong from the page at %s within %s s: "
                               "closing it", getattr(ws, "remote_address", "?"),
                               self.timeout)
                task = asyncio.get_running_loop().create_task(
                    ws.close(CloseCode.INTERNAL_ERROR, "keepalive ping timeout"))
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)
        if not self._pings and self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _answered(waiter: asyncio.Future[Any]) -> bool:
    """The pong came back (or the socket closed, which its reader handles)."""
    if not waiter.done():
        return False
    if isinstance(waiter, asyncio.Task):             # the ping itself had to drain
        if waiter.cancelled() or waiter.exception() is not None:
            return True
        return _answered(waiter.result())
    return True
