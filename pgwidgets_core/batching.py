"""``session.batch()``: many write-behind calls as one frame per page (pure, no I/O).

While a batch is open, the engine holds the messages it would queue on each page
(their replies are still awaited, so an error is attributed to its own call, with
its index in the batch). When the outermost batch ends, or a message somebody waits
for (a query, ``flush()``) or a binary payload must go out, each page gets what was
held for it as one array frame (messages queued right after may join it), with rendering suspended around it on the widgets
that can suspend it (TreeView, TableView): a burst of cell writes draws once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import protocol
from .pages import Call, Compact, Page, Pending
from .state import Record

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["Batch", "Hold", "SUSPENDABLE"]

#: Classes whose page widget has ``_suspendRender(bool)`` (one render on resume).
SUSPENDABLE = frozenset({"TreeView", "TableView"})


class Hold:
    """The messages held per page while a batch is open."""

    __slots__ = ("depth", "count", "held")

    def __init__(self) -> None:
        self.depth = 0            # open batches (they nest; only the outermost releases)
        self.count = 0            # calls made in the current outermost batch
        # per page: (message, call); encoded together when released (one encoder
        # pass over the whole list), as the page will see them then
        self.held: dict[Page, list[tuple[dict[str, Any], Call]]] = {}

    def next_index(self) -> int:
        """The index in the batch of the call being made."""
        i = self.count
        self.count += 1
        return i

    def add(self, page: Page, msg: dict[str, Any], rid: int,
            pending: Pending | Call | Compact) -> None:
        assert not isinstance(pending, tuple), "a held call is never compacted"
        page.pending[rid] = pending
        self.held.setdefault(page, []).append((msg, pending.call))

    def begin(self) -> None:
        if self.depth == 0:
            self.count = 0
        self.depth += 1

    def end(self, engine: Engine) -> None:
        if self.depth == 0:
            raise RuntimeError("end_batch() without begin_batch()")
        self.depth -= 1
        if self.depth == 0:
            self.release(engine)

    def release(self, engine: Engine) -> None:
        """Queue on each page what was held for it, as one frame."""
        held, self.held = self.held, {}
        for page, items in held.items():
            if page.closed or not items:
                continue
            # Suspended before the first call (right after its creation, if made in
            # this batch), resumed after the last; not if destroyed in it.
            suspended: dict[int, Record] = {}
            before: list[dict[str, Any]] = []
            msgs: list[dict[str, Any]] = []
            for msg, call in items:
                msgs.append(msg)
                rec = call.rec
                if (rec is not None and rec.defn.name in SUSPENDABLE and not rec.destroyed
                        and rec.wid not in suspended):
                    suspended[rec.wid] = rec
                    (msgs if call.method == "create" else before).append(
                        _render(engine, page, rec, True))
            msgs = before + msgs + [_render(engine, page, rec, False)
                                    for rec in suspended.values()]
            page.enqueue(protocol.Many(protocol.encode(msgs)))


def _render(engine: Engine, page: Page, rec: Record, suspend: bool) -> dict[str, Any]:
    # A call of its own (with an id, so a failure is reported like any other).
    rid = engine.new_id()
    msg: dict[str, Any] = protocol.call(page.outward.get(rec.wid, rec.wid), "_suspendRender",
                                        [suspend])
    msg["id"] = rid
    page.pending[rid] = Call(rec, "_suspendRender", [suspend])
    return msg


class Batch:
    """What ``session.batch()`` returns: a context manager, plain or async::

        async with session.batch():          # or: with session.batch():
            for path, col, value in changes:
                await tree.set_cell(path, col, value)

    Calls inside are recorded and return as usual (write-behind); what they send is
    held and leaves, at the end of the outermost batch, as one frame per page. A
    query inside sends what was held first, so order is kept. The end sends even when
    the body raised: those calls are recorded already.
    """

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __enter__(self) -> Batch:
        self._engine.begin_batch()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._engine.end_batch()

    async def __aenter__(self) -> Batch:
        return self.__enter__()

    async def __aexit__(self, *exc: Any) -> None:
        self.__exit__()
