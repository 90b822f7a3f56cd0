"""One browser page's WebSocket: the writer task that empties its :class:`Page` outbox.

The asyncio side of :mod:`pgwidgets_core.pages`. Everything here runs on the event
loop. One writer task per page writes the frames the engine queued, so a burst of
calls leaves as a few array frames; a waited message with nothing queued before it,
and whatever a burst of work queued (see :meth:`Writers.write_all`), is written at
once instead of one loop iteration later.
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

__all__ = ["Connection", "PageSocket", "Writers", "answer", "greet", "remote_of"]

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
    """The connections with frames queued since their writer last ran (loop thread
    only). :meth:`write_all` at the end of a burst of work (a frame's handlers ran, a
    batch of calls from other threads ran) writes them now."""

    __slots__ = ("dirty",)

    def __init__(self) -> None:
        self.dirty: set[Connection] = set()

    def write_all(self) -> None:
        dirty = self.dirty
        while dirty:
            dirty.pop().write_now()


class Connection:
    """A page attached to a session: its socket ``ws`` (anything with ``send`` and
    ``close`` coroutines) and the engine's :class:`Page` for it."""

    def __init__(self, ws: Any, writers: Writers | None = None) -> None:
        self.ws = ws
        self.page = Page(self.remote, wake=self._wake)
        # Loop thread only.
        # What the idle writer waits on (made when it goes idle: an Event would keep a
        # deque of ~0.7 KiB per page for good); resolved when the outbox has frames.
        self._wakeup: asyncio.Future[None] | None = None
        self._idle = False               # the writer waits for work (nothing in flight)
        self._sending: set[asyncio.Task[Any]] = set()   # direct writes still draining
        self._writers = writers if writers is not None else Writers()
        self._writer: asyncio.Task[Any] | None = None

    @property
    def remote(self) -> str:
        return remote_of(self.ws)

    @property
    def closed(self) -> bool:
        return self.page.closed

    def start(self) -> None:
        """Start the writer task; queued frames go out from now on."""
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(
                self._write_loop(), name=f"pgwidgets-writer-{self.remote}")

    def stop(self) -> None:
        """The page is gone: the writer ends (the engine already dropped the outbox)."""
        if self._writer is not None:
            self._writer.cancel()

    def _wake(self, urgent: bool) -> None:
        # The outbox was empty and has a frame now (Page.enqueue).
        if self._idle:
            if urgent:                   # someone waits for it: write it now
                self.write_now()
                return
            self._writers.dirty.add(self)
        self._signal()

    def _signal(self) -> None:
        fut = self._wakeup
        if fut is not None and not fut.done():
            fut.set_result(None)

    def write_now(self) -> None:
        """Write what is queued now rather than at the writer's next turn; a socket
        that asks us to wait leaves the rest to the writer, in order."""
        page = self.page
        while self._idle and page.outbox and not page.closed:
            if not self._send_now(page.frame()):
                break
        if page.outbox:
            self._signal()

    def _send_now(self, frame: str | bytes) -> bool:
        """Write ``frame`` before anything queued after it; False if the socket asked
        us to wait (the write then completes in a task of its own)."""
        # ws.send writes to the socket before its first suspension.
        task = asyncio.Task(self._send(frame), loop=asyncio.get_running_loop(),
                            eager_start=True)
        if task.done():
            return True
        self._sending.add(task)          # keep it alive while it drains
        task.add_done_callback(self._sending.discard)
        return False

    async def _send(self, frame: str | bytes) -> None:
        try:
            await self.ws.send(frame)
        except Exception:                # the socket closed under us: the reader notices
            pass

    async def _write_loop(self) -> None:
        page = self.page
        try:
            while True:
                if not page.outbox:
                    self._wakeup = asyncio.get_running_loop().create_future()
                    self._idle = True
                    try:
                        await self._wakeup
                    finally:
                        self._idle = False
                        self._wakeup = None
                    continue
                await self.ws.send(page.frame())
        except asyncio.CancelledError:
            raise
        except Exception:                # the socket closed under us: the reader notices
            page.outbox.clear()


async def answer(fut: asyncio.Future[Any], timeout: float, what: str) -> Any:
    """The value ``fut`` will hold (an engine waiter), within ``timeout`` seconds;
    ``TimeoutError`` naming ``what`` otherwise. One timer, no task or context manager
    around it (``asyncio.wait_for`` makes both: a tenth of a busy loop's time)."""
    expiry = fut.get_loop().call_later(timeout, _expire, fut, timeout, what)
    try:
        return await fut
    finally:
        expiry.cancel()


def _expire(fut: asyncio.Future[Any], timeout: float, what: str) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError(f"{what}: no answer from the browser within {timeout} s"))
