"""One browser page's WebSocket: how its :class:`Page` outbox is written.

The asyncio side of :mod:`pgwidgets_core.pages`. Everything here runs on the event
loop. What the engine queued leaves at the end of the burst of work that queued it
(see :meth:`Writers.write_all`) or at the loop's next turn, so a burst of calls leaves
as a few array frames; a waited message with nothing queued before it is written at
once. A page has no task of its own unless its socket asks us to wait.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, AsyncIterator, Protocol

from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode

from . import protocol
from .errors import ProtocolError
from .pages import Page
from .protocol import Reply

__all__ = ["Connection", "PageSocket", "Writers", "greet", "remote_of"]

_HANDSHAKE_TIMEOUT = 10.0


class PageSocket(Protocol):
    """What the core uses of a page's WebSocket: websockets' ``ServerConnection``, or
    :class:`pgwidgets_core.asgi.ASGISocket`. ``recv`` and iteration raise (or end on)
    ``websockets.exceptions.ConnectionClosed`` once the page has gone."""

    @property
    def remote_address(self) -> Any: ...
    async def send(self, message: str | bytes) -> None: ...
    async def recv(self) -> str | bytes: ...
    def __aiter__(self) -> AsyncIterator[str | bytes]: ...
    async def close(self, code: int = 1000, reason: str = "") -> None: ...
    async def wait_closed(self) -> None: ...


def remote_of(ws: Any) -> str:
    """``host:port`` of the peer of ``ws`` (behind a proxy: the proxy's), or ``?``."""
    addr = getattr(ws, "remote_address", None)
    return f"{addr[0]}:{addr[1]}" if addr else "?"


def log_oversized(exc: ConnectionClosed, log: logging.Logger, what: str, limit: int) -> None:
    """The one bad input that ends a connection: websockets refuses a frame over its
    max_size (close 1009) before we see it. Say so in our own log."""
    if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
        log.warning("pgwidgets: %s (1009): %s; Application(max_frame_size=%s)", what,
                    exc.sent.reason, limit)


async def greet(ws: PageSocket, log: logging.Logger) -> Reply | None:
    """The page handshake: send ``init``, return the page's reply (session id and
    token); None if the page left, was too slow or answered wrong (then closed 4003)."""
    try:
        await ws.send(protocol.encode(protocol.init()))
        ack = await asyncio.wait_for(ws.recv(), _HANDSHAKE_TIMEOUT)
        events = protocol.parse_frame(ack)
        reply = events[0] if len(events) == 1 else None
        if not isinstance(reply, Reply) or reply.id != 0 or not reply.ok:
            raise ProtocolError(f"expected the init reply, got {ack!r:.80}")
        return reply
    except (ConnectionClosed, TimeoutError):
        return None
    except ProtocolError as exc:
        log.warning("pgwidgets: bad handshake from %s: %s", ws.remote_address, exc)
        await ws.close(4003, "Bad handshake")
        return None


class Writers:
    """The connections with frames queued since they last wrote (loop thread only).
    :meth:`write_all` at the end of a burst of work (a frame's handlers ran, a batch of
    calls from other threads ran) writes them now; whatever no burst's end wrote goes
    at the loop's next turn (one callback for every connection)."""

    __slots__ = ("dirty", "_soon")

    def __init__(self) -> None:
        self.dirty: set[Connection] = set()
        self._soon = False                  # a write_all is scheduled for the next turn

    def mark(self, conn: Connection) -> None:
        """``conn`` has frames to write: now at the end of the burst, or next turn."""
        if not self._soon:
            self._soon = True
            asyncio.get_running_loop().call_soon(self._next_turn)
        self.dirty.add(conn)

    def _next_turn(self) -> None:
        self._soon = False
        self.write_all()

    def write_all(self) -> None:
        dirty = self.dirty
        while dirty:
            dirty.pop().write_now()


class Connection:
    """A page attached to a session: its socket ``ws`` (anything with ``send`` and
    ``close`` coroutines) and the engine's :class:`Page` for it.

    No task of its own while the socket keeps up: frames are written synchronously
    (``ws.send`` writes before its first suspension). A send that has to wait (a full
    socket buffer) goes on in a task, and the frames queued behind it follow when it
    is done, in order."""

    __slots__ = ("ws", "page", "_writers", "_started", "_inflight")

    def __init__(self, ws: Any, writers: Writers | None = None) -> None:
        self.ws = ws
        self.page = Page(self.remote, wake=self._wake)
        # Loop thread only.
        self._writers = writers if writers is not None else Writers()
        self._started = False                            # start() ran, stop() did not
        self._inflight: asyncio.Task[Any] | None = None  # the send that waits to drain

    @property
    def remote(self) -> str:
        return remote_of(self.ws)

    @property
    def closed(self) -> bool:
        return self.page.closed

    def start(self) -> None:
        """Queued frames go out from now on (what is queued now: at the next turn)."""
        self._started = True
        if self.page.outbox:
            self._writers.mark(self)

    def stop(self) -> None:
        """The page is gone: nothing more is written (the engine dropped the outbox)."""
        self._started = False

    def _wake(self, urgent: bool) -> None:
        # The outbox was empty and has a frame now (Page.enqueue). While a send waits
        # to drain, its end writes the rest.
        if self._started and self._inflight is None:
            if urgent:                   # someone waits for it: write it now
                self.write_now()
            else:
                self._writers.mark(self)

    def write_now(self) -> None:
        """Write what is queued now; a socket that asks us to wait gets the rest, in
        order, once that write is done."""
        page = self.page
        loop = None
        while self._started and self._inflight is None and page.outbox and not page.closed:
            loop = loop or asyncio.get_running_loop()
            # ws.send writes to the socket before its first suspension.
            task = asyncio.Task(self._send(page.frame()), loop=loop, eager_start=True)
            if not task.done():
                self._inflight = task    # kept alive (and the rest held) while it drains
                task.add_done_callback(self._drained)

    def _drained(self, _task: asyncio.Task[Any]) -> None:
        self._inflight = None
        self.write_now()

    async def _send(self, frame: str | bytes) -> None:
        try:
            await self.ws.send(frame)
        except Exception:                # the socket closed under us: the reader notices
            self.page.outbox.clear()
