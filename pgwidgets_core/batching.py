"""``session.batch()``: many write-behind calls as one frame per page (pure, no I/O).

While a batch is open, the engine holds the messages it would queue on each page.
When the outermost batch ends, or a message somebody waits for (a query, ``flush()``)
or a binary payload must go out, each page gets what was held for it as one array
frame (messages queued right after may join it), with rendering suspended around it
on the widgets that can suspend it (TreeView, TableView): a burst of cell writes
draws once.

A setter that repeats the message held last for its widget (the same setter, nothing
in between but other widgets' setters) replaces it: the page gets the last value only,
as a reload would (:func:`last_wins` says which setters qualify).

The page answers an array with an array of replies, in order, each carrying the id
of its message. Held messages are sent without ids (smaller frames both ways, no
table entry each): the page answers each in turn, and :meth:`Page.take` matches
those replies to the calls in order, so a failing call is still attributed to its
own widget and method, with its index in the batch. Only a message whose reply
something hooks (``Engine.send(on_reply=...)``) keeps its id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import models, protocol
from .pages import Call, Compact, Page, Pending
from .state import Record

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["Batch", "Hold", "SUSPENDABLE", "last_wins"]

#: Classes whose page widget has ``_suspendRender(bool)`` (one render on resume).
SUSPENDABLE = frozenset({"TreeView", "TableView"})
# A setter's first parameter that names a part of the widget (a cell, a column, a
# child): a later call may concern another part.
_ADDRESSED = frozenset({"path", "row", "col_key", "col_index", "child", "ref"})
# Setters the page answers with a callback of its own: each call is an event.
_FIRING = frozenset({("TextSource", "set_cursor"), ("TopLevel", "set_window_state")})


def last_wins(rec: Record, method: str) -> bool:
    """True when setter ``method`` of ``rec`` sets one value that a later call of it
    replaces whole (what a reload replays): an earlier held call is then redundant."""
    spec = rec.defn.methods.get(method)
    return (spec is not None and spec.key is not None and not models.folds(rec, method)
            and not (spec.params and spec.params[0] in _ADDRESSED)
            and (rec.defn.name, method) not in _FIRING)


class Hold:
    """The messages held per page while a batch is open."""

    __slots__ = ("depth", "count", "held", "latest")

    def __init__(self) -> None:
        self.depth = 0            # open batches (they nest; only the outermost releases)
        self.count = 0            # calls made in the current outermost batch
        # per page: (message, call); encoded together when released (one encoder
        # pass over the whole list), as the page will see them then
        self.held: dict[Page, list[tuple[dict[str, Any], Call] | None]] = {}
        # per page: wid -> index in ``held`` of that widget's last message, while it is
        # a setter that may be replaced (see last_wins); any other message clears it
        self.latest: dict[Page, dict[int, int]] = {}

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
        call = pending.call
        items = self.held.setdefault(page, [])
        latest = self.latest.setdefault(page, {})
        rec = call.rec
        if type(pending) is Pending:
            page.pending[rid] = pending
            msg = {**msg, "id": rid}
            latest.clear()
        elif call.undo is not None and rec is not None and last_wins(rec, call.method):
            i = latest.get(rec.wid, -1)
            before = items[i] if i >= 0 else None
            if before is not None and before[1].method == call.method:
                items[i] = None                  # replaced: the page gets the last value
                call.prev = before[1].prev       # rejected, the key goes back before both
            latest[rec.wid] = len(items)
        elif latest:
            latest.clear()
        items.append((msg, call))

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
        held, self.held, self.latest = self.held, {}, {}
        for page, items in held.items():
            if page.closed or not items:
                continue
            # Suspended before the first call (right after its creation, if made in
            # this batch), resumed after the last; not if destroyed in it.
            suspended: dict[int, Record] = {}
            before: list[tuple[dict[str, Any], Call]] = []
            out: list[tuple[dict[str, Any], Call]] = []
            for item in items:
                if item is None:
                    continue
                out.append(item)
                msg, call = item
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
