"""``session.batch()``: many write-behind calls as one frame per page (pure, no I/O).

While a batch is open, the engine holds the messages it would queue on each page.
When the outermost batch ends, or a message somebody waits for (a query, ``flush()``)
or a binary payload must go out, each page gets what was held for it as one array
frame (messages queued right after may join it), with rendering suspended around it
on the widgets that can suspend it (TreeView, TableView): a burst of cell writes
draws once.

The page answers an array with an array of replies, in order, each carrying the id
of its message. Held messages are sent without ids (smaller frames both ways, no
table entry each): the page answers each in turn, and :meth:`Page.take` matches
those replies to the calls in order, so a failing call is still attributed to its
own widget and method, with its index in the batch. Only a message whose reply
something hooks (``Engine.send(on_reply=...)``) keeps its id.
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
        """Hold ``msg`` for ``page``: without an id, unless a hook waits for its very
        reply (``pending`` is a :class:`Pending`): then numbered ``rid``."""
        assert not isinstance(pending, tuple), "a held call is never compacted"
        if type(pending) is Pending:
            page.pending[rid] = pending
            msg = {**msg, "id": rid}
        self.held.setdefault(page, []).append((msg, pending.call))

    def begin(self) -> None:
        if self.depth == 0:
            self.count = 0
        self.depth += 1

    def end(self) -> None:
        if self.depth == 0:
            raise RuntimeError("end_batch() without begin_batch()")
        self.depth -= 1
        if self.depth == 0:
            self.release()

    def release(self) -> None:
        """Queue on each page what was held for it, as one frame."""
        held, self.held = self.held, {}
        for page, items in held.items():
            if page.closed or not items:
                continue
            # Suspended before the first call (right after its creation, if made in
            # this batch), resumed after the last; not if destroyed in it.
            suspended: dict[int, Record] = {}
            before: list[tuple[dict[str, Any], Call]] = []
            out: list[tuple[dict[str, Any], Call]] = []
            for msg, call in items:
                out.append((msg, call))
                rec = call.rec
                if (rec is not None and rec.defn.name in SUSPENDABLE and not rec.destroyed
                        and rec.wid not in suspended):
                    suspended[rec.wid] = rec
                    (out if call.method == "create" else before).append(
                        _render(page, rec, True))
            out = before + out + [_render(page, rec, False) for rec in suspended.values()]
            page.expect([call for msg, call in out if "id" not in msg])
            page.enqueue(protocol.Many(protocol.encode([msg for msg, _ in out])))


def _render(page: Page, rec: Record, suspend: bool) -> tuple[dict[str, Any], Call]:
    # A call of its own (unnumbered, so a failure is reported like any other).
    return (protocol.call(page.outward.get(rec.wid, rec.wid), "_suspendRender", [suspend]),
            Call(rec, "_suspendRender", [suspend]))


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
