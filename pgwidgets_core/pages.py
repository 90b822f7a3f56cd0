"""One browser page as the session engine sees it: its outgoing frames and its pending
replies, its own widget ids, its uploads.

Pure: no sockets, no asyncio. Messages are queued as encoded text; :meth:`Page.frame`
takes the next frame to write (a run of text messages becomes one array frame, which
the page answers with one array of replies, in order). Every message with an id keeps
a :class:`Pending` entry until its reply arrives, so no browser error is lost even for
calls nobody waited for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from .errors import BrowserError
from .protocol import Many, Reply, UploadChunk, array_frame
from .state import Record
from .uploads import Uploads

__all__ = ["Page", "Pending", "Call", "Compact", "MAX_BATCH"]

# At most this many messages ride in one array frame (bounds page-side latency); a
# batch counts as one.
MAX_BATCH = 500
_JOINABLE = (str, Many)
# A setter in flight (Call.compact): wid, class name, method, args, key, previous value.
Compact = tuple[int, str, str, Any, str, Any]


def _inner(text: str) -> str:
    # a batch's messages without the brackets of their array (a batch is never empty)
    return text[1:-1] if type(text) is Many else text


@dataclass(slots=True)
class Call:
    """What a message was, for its reply: the widget and method it concerns, the
    arguments, and how to undo it if the page rejects it.

    A call nobody waits for and whose reply nothing hooks is its own entry in
    :attr:`Page.pending` (no :class:`Pending` around it), and a setter's is a plain
    tuple (:meth:`compact`): setters are in flight by the thousand, and what the cyclic
    GC does not track it does not walk (docs/performance.md, "Scale in one process")."""
    rec: Record | None
    method: str
    args: list[Any] | tuple[Any, ...] | None = None
    # A setter: the key and what it held before (Record.write's answer); rejected,
    # the key is put back as it was.
    undo: str | None = None
    prev: Any = None
    rebuild: bool = False            # a step of rebuilding a page
    flush: bool = False              # the round-trip marker of flush()
    # What the waiter gets from a successful reply (default: its decoded value).
    result: Callable[[Reply], Any] | None = None
    batch_index: int | None = None   # its index in the session.batch() it was made in
    # (class name, wid) of a widget forgotten since (rec is None then), for the error
    named: tuple[str, int] | None = None

    def compact(self) -> Compact | Call:
        """A setter as ``(wid, class name, method, args, key, previous)``: plain values,
        so the GC stops tracking the tuple at its first pass (a Call, which holds its
        record, stays tracked; 100,000 of them in flight set off full collections of
        the whole heap). Any other call: itself."""
        rec = self.rec
        if self.undo is None or rec is None or self.batch_index is not None or self.rebuild:
            return self
        return (rec.wid, rec.defn.name, self.method, self.args, self.undo, self.prev)

    @staticmethod
    def expand(entry: Compact, records: Mapping[int, Record]) -> Call:
        """The Call a :meth:`compact` entry stands for (its record looked up again)."""
        wid, cls, method, args, key, prev = entry
        rec = records.get(wid)
        return Call(rec, method, args, undo=key, prev=prev,
                    named=(cls, wid) if rec is None else None)

    def error(self, message: str) -> BrowserError:
        """The error for this call, rejected by the page with ``message``."""
        rec = self.rec
        cls, wid = (rec.defn.name, rec.wid) if rec is not None else self.named or (None, None)
        return BrowserError(message, widget_class=cls, wid=wid,
                            method=f"rebuild: {self.method}" if self.rebuild else self.method,
                            args=None if self.rebuild or self.args is None
                            else list(self.args),
                            batch_index=self.batch_index)

    def describe(self) -> str:
        """``<Label wid=3>.set_text`` / ``rebuilding <Label wid=3>: create``."""
        if self.rebuild:
            return f"rebuilding {self.rec!r}: {self.method}" if self.rec is not None \
                else f"rebuilding: {self.method}"
        return f"{self.rec!r}.{self.method}" if self.rec is not None else self.method

    # As its own pending entry: nobody waits, no hook (the fields of a Pending).
    waiter: ClassVar[None] = None
    on_reply: ClassVar[None] = None

    @property
    def call(self) -> Call:
        return self


@dataclass(slots=True)
class Pending:
    """A message waiting for its reply: who waits for it (an opaque ``waiter`` the
    engine hands back in an :class:`~pgwidgets_core.engine.Answered` event), what it
    was, and what the engine does with the answer (``on_reply``)."""
    waiter: Any
    call: Call
    on_reply: Callable[[Reply], None] | None = None


class Page:
    """One page attached to a session (one WebSocket), as pure state.

    ``wake(urgent)`` is called when the outbox goes from empty to not empty; ``urgent``
    when the message is one somebody waits for (the I/O layer may write it at once).
    """

    __slots__ = ("name", "outbox", "pending", "unnumbered", "answered", "rebuilding", "closed",
                 "inward", "outward", "uploads", "upload_headers", "bad_since", "bad_count",
                 "wake", "echoes")

    def __init__(self, name: str = "page", wake: Callable[[bool], None] | None = None) -> None:
        self.name = name                          # for logs: the peer address
        # frames for this page, in send order (a list: a deque keeps ~0.7 KiB per page,
        # and frame() takes a run of messages at once)
        self.outbox: list[str | bytes] = []
        self.pending: dict[int, Pending | Call | Compact] = {}   # see Call
        # Messages sent without an id (a batch's calls), in send order: the page answers
        # each in turn without an id; ``answered`` of them have been.
        self.unnumbered: list[Call | None] = []
        self.answered = 0
        self.rebuilding = False                   # between reconstruct-start and its end
        self.closed = False
        # Widgets the page made itself (MDI sub-windows) have a wid of their own in each
        # page: inward maps this page's wid to Python's, outward the reverse.
        self.inward: dict[int, int] = {}
        self.outward: dict[int, int] = {}
        self.uploads = Uploads()                  # files this page is sending
        self.upload_headers: list[UploadChunk] = []   # awaiting their binary frame (few)
        self.bad_since = 0.0                      # malformed-frame log rate limit
        self.bad_count = 0
        self.wake = wake
        # wid -> args of the ``scrolled`` event this page will send when it puts back a
        # position Python set silently (see inbound.expect_echo); None: none
        self.echoes: dict[int, tuple[Any, ...]] | None = None

    def __repr__(self) -> str:
        return f"<Page {self.name} queued={len(self.outbox)} pending={len(self.pending)}>"

    def enqueue(self, text: str | bytes, rid: int | None = None,
                pending: Pending | Call | Compact | None = None, *,
                urgent: bool = False) -> None:
        """Queue one encoded message (order is preserved); ``pending`` waits for the
        reply to message ``rid``. Dropped (and its waiter answered as gone by the
        engine) once the page has closed."""
        if rid is not None and pending is not None:
            self.pending[rid] = pending
        empty = not self.outbox
        self.outbox.append(text)
        if empty and self.wake is not None:
            self.wake(urgent)

    def expect(self, calls: list[Call]) -> None:
        """``calls`` were sent without ids, in this order (see :attr:`unnumbered`)."""
        self.unnumbered.extend(calls)

    def take(self, rid: int | None, records: Mapping[int, Record]) -> Pending | Call | None:
        """The entry waiting for reply ``rid`` (removed; a compact one expanded with
        ``records``), None for an unknown id; ``rid`` None: the oldest unnumbered
        message not answered yet (None if there is none). An emptied table is let go:
        a dict keeps the size of its largest burst, which an idle page would hold for
        good (~4.6 KiB after a 50-widget UI)."""
        if rid is None:
            waiting, i = self.unnumbered, self.answered
            if i >= len(waiting):
                return None
            call, waiting[i] = waiting[i], None
            self.answered = i + 1
            if i + 1 == len(waiting):
                self.unnumbered, self.answered = [], 0
            return call
        p = self.pending.pop(rid, None)
        if p is not None and not self.pending:
            self.pending = {}
        return Call.expand(p, records) if isinstance(p, tuple) else p

    def frame(self) -> str | bytes:
        """Take the next frame: a message alone, or a run of text messages as one
        array (a batch's array, :class:`~pgwidgets_core.protocol.Many`, is spliced in
        whole). Call only while :attr:`outbox` is not empty."""
        out = self.outbox
        end, stop = 0, min(len(out), MAX_BATCH)
        while end < stop and type(out[end]) in _JOINABLE:
            end += 1
        if end <= 1:
            first = out.pop(0)
            return first if type(first) is bytes else str(first)
        texts = [_inner(t) for t in out[:end]]   # type: ignore[arg-type]
        del out[:end]
        return array_frame(texts)

    def data_to_send(self) -> list[str | bytes]:
        """Every frame queued now (for tests and simple I/O layers)."""
        frames = []
        while self.outbox:
            frames.append(self.frame())
        return frames

    def close(self) -> list[Pending | Call]:
        """The page is gone: nothing more is sent; returns what was still pending
        (setters in flight aside: nobody waits for them)."""
        self.closed = True
        self.outbox.clear()
        pending, self.pending = self.pending, {}
        self.unnumbered, self.answered = [], 0        # nobody waits for those
        self.upload_headers.clear()
        return [p for p in pending.values() if type(p) is not tuple]  # type: ignore[misc]

