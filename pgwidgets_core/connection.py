"""One browser page's WebSocket: the ordered write-behind queue and its pending replies.

Everything here runs on the event loop. Messages are queued as encoded text and
written by one writer task, so a burst of calls leaves as a few array frames (the
page answers an array with one array of replies, in order). Every message with an
id keeps a :class:`Pending` entry until its reply arrives, so no browser error is
lost even for calls nobody waited for.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Callable

from .protocol import Reply
from .uploads import Uploads

__all__ = ["Connection", "Pending", "Solo", "NO_PAGE"]

# Result of a request whose page went away before answering.
NO_PAGE: Any = object()

# At most this many messages ride in one array frame (bounds page-side latency).
MAX_BATCH = 500


class Solo(str):
    """An encoded message that must travel in a frame of its own (binary-transfer
    headers: the page pairs them with the binary frame that follows)."""

    __slots__ = ()


class Pending:
    """A message waiting for its reply: who waits (``future``), what it was (for error
    reports) and what to do with the answer (``on_reply``)."""

    __slots__ = ("future", "label", "on_reply", "waited")

    def __init__(self, future: asyncio.Future | None, label: Any,
                 on_reply: Callable[[Reply], None] | None) -> None:
        self.future = future
        self.label = label
        self.on_reply = on_reply
        # True when the caller awaits ``future`` for the value (errors raise there);
        # False when ``future`` only marks "answered" (flush) and errors are reported.
        self.waited = future is not None


class Connection:
    """A page attached to a session (or still in its handshake)."""

    def __init__(self, ws: Any, on_error: Callable[[Reply, Pending], None],
                 dirty: set[Connection] | None = None) -> None:
        self.ws = ws
        # Only the loop thread touches these.
        self.pending: dict[int, Pending] = {}
        self.rebuilding = False          # True between reconstruct-start and -end replies
        self.closed = False
        self.upload_headers: deque[Any] = deque()   # binary headers awaiting their frame
        self.uploads = Uploads()                      # files this page is sending
        self.bad_since = 0.0                          # malformed-frame log rate limit
        self.bad_count = 0
        # Widgets the page made itself (MDI sub-windows) have a wid of its own in each
        # page: inward maps this page's wid to Python's, outward the reverse.
        self.inward: dict[int, int] = {}
        self.outward: dict[int, int] = {}
        self._out: deque[str | bytes] = deque()
        self._wake = asyncio.Event()
        self._idle = False               # the writer waits for work (nothing in flight)
        self._sending: set[asyncio.Task] = set()   # direct writes still draining
        # Connections with messages queued since the writer last ran (shared by the
        # application: write_now() at the end of a burst of work empties it).
        self._dirty = dirty if dirty is not None else set()
        self._writer: asyncio.Task | None = None
        self._on_error = on_error

    @property
    def remote(self) -> str:
        addr = getattr(self.ws, "remote_address", None)
        return f"{addr[0]}:{addr[1]}" if addr else "?"

    def start(self) -> None:
        """Start the writer task; queued messages go out from now on."""
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(
                self._write_loop(), name=f"pgwidgets-writer-{self.remote}")

    def enqueue(self, text: str | bytes, rid: int | None = None,
                pending: Pending | None = None) -> None:
        """Queue one encoded message (never blocks; order is preserved).

        A message someone waits for, with nothing queued or being written before it,
        is written at once rather than one loop iteration later by the writer."""
        if self.closed:
            if pending is not None and pending.future is not None and not pending.future.done():
                pending.future.set_result(NO_PAGE)
            return
        if rid is not None and pending is not None:
            self.pending[rid] = pending
            if self._idle and not self._out and pending.waited and type(text) is str:
                # ws.send writes to the socket before its first suspension, so
                # anything queued after this leaves after it.
                self._send_now(text)
                return
        if self._idle and not self._out:
            self._dirty.add(self)
        self._out.append(text)
        self._wake.set()

    def write_now(self) -> None:
        """Write what is queued now rather than at the writer's next turn: called at
        the end of a burst of work (a frame's handlers ran, a batch of calls from
        other threads ran), so a reply to a click leaves without waiting a loop
        iteration. The writer still takes whatever a slow socket leaves over."""
        while self._idle and self._out and not self.closed:
            if not self._send_now(self._take()):
                break

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

    def _take(self) -> str | bytes:
        """The next frame: a message alone, or a run of text messages as one array."""
        out = self._out
        first = out.popleft()
        if type(first) is not str or not out or type(out[0]) is not str:
            return first if type(first) is bytes else str(first)
        frame = [first]
        while out and len(frame) < MAX_BATCH and type(out[0]) is str:
            frame.append(out.popleft())   # type: ignore[arg-type]
        return "[" + ",".join(frame) + "]"  # type: ignore[arg-type]

    async def _send(self, text: str | bytes) -> None:
        try:
            await self.ws.send(text)
        except Exception:                # the socket closed under us: reader notices
            pass

    async def _write_loop(self) -> None:
        out = self._out
        try:
            while True:
                if not out:
                    self._wake.clear()
                    self._idle = True
                    try:
                        await self._wake.wait()
                    finally:
                        self._idle = False
                    continue
                await self.ws.send(self._take())
        except asyncio.CancelledError:
            raise
        except Exception:                # the socket closed under us: reader notices
            out.clear()

    def resolve(self, reply: Reply) -> None:
        """Complete the request ``reply`` answers (unknown ids are ignored)."""
        p = self.pending.pop(reply.id, None)
        if p is None:
            return
        if p.on_reply is not None:
            p.on_reply(reply)
        if reply.ok:
            if p.future is not None and not p.future.done():
                p.future.set_result(reply)
            return
        self._on_error(reply, p)          # raises at the waiter, or reports it
        if not p.waited and p.future is not None and not p.future.done():
            p.future.set_result(reply)    # a flush marker: answered all the same

    def close_pending(self) -> None:
        """The page is gone: every waiter answers at once (``NO_PAGE``)."""
        self.closed = True
        pending, self.pending = self.pending, {}
        for p in pending.values():
            if p.future is not None and not p.future.done():
                p.future.set_result(NO_PAGE)
        self._out.clear()
        if self._writer is not None:
            self._writer.cancel()
