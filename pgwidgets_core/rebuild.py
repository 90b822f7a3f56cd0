"""Rebuilding pages from the records: the replay plan queued for a page, pipelined.

Pure, like the engine it works for: the whole plan is queued at once (every wid is
Python's, so no step waits for a reply) and the page runs it in order. While it
does, the page's own callbacks are echoes of the rebuild and are ignored (see
:func:`pgwidgets_core.inbound.callback`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from . import inbound, protocol
from .events import TimerSet
from .pages import Call, Page
from .protocol import Reply
from .replay import Step, replay_plan
from .state import setter_call

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["rebuild", "rescroll", "Rescroll", "RESCROLL_AFTER"]

# Scroll positions are set again this long after a rebuild ends (seconds, chained).
RESCROLL_AFTER = (0.1, 0.4)


@dataclass(slots=True, frozen=True)
class Rescroll:
    """Timer key: set ``page``'s scroll positions again, then ``again`` later."""
    page: Page
    again: tuple[float, ...]


def rebuild(engine: Engine, pages: list[Page]) -> None:
    """Queue the whole UI for ``pages`` (each is wiped and rebuilt)."""
    tree = engine.tree
    steps = replay_plan(tree)
    # The rebuilt page numbers its own widgets from next_wid on: skip past them.
    tree.next_wid += sum(tree.page_ids(s.msg["class"]) for s in steps
                         if s.msg.get("type") == "create")
    for page in pages:
        page.rebuilding = True

        def done(reply: Reply, page: Page = page) -> None:
            page.rebuilding = False
            rescroll(engine, page, None)
        last = len(steps) - 1
        for i, step in enumerate(steps):
            if step.data is not None:
                assert step.rec is not None
                engine.send_binary(step.rec, step.msg["method"], step.msg["args"], step.data,
                                   to=[page], shape=step.shape, dtype=step.dtype)
                continue
            engine.send(dict(step.msg), Call(step.rec, step.what, rebuild=True), to=[page],
                        on_reply=done if i == last else _hook(engine, step, page))


def _hook(engine: Engine, step: Step, page: Page) -> Callable[[Reply], None] | None:
    msg, rec = step.msg, step.rec
    if msg.get("type") == "create":
        return engine.created
    if rec is not None and msg.get("method") == "add_widget" and rec.defn.name == "MDIWidget":
        child = msg["args"][0] if msg["args"] else None
        return lambda reply: inbound.link_subwindow(engine, page, child, reply)
    return None


def rescroll(engine: Engine, page: Page, again: tuple[float, ...] | None) -> None:
    """Scroll positions again, once the rebuilt page has laid itself out: they are
    proportions of content sizes that settle only after the rebuild (the page shows
    and hides scroll bars from ResizeObservers, at its next frames), so this runs at
    reconstruct-end and again ``again`` seconds later."""
    if page.closed or page not in engine.pages:
        return
    if again is None:
        again = RESCROLL_AFTER
    for rec in engine.tree.records.values():
        for key in ("scroll_position", "scroll_percent"):
            args = rec.recorded(key)
            if args is not None:
                method, margs = setter_call(key, args)
                engine.send(protocol.call(rec.wid, method, margs, silent=True),
                            Call(rec, method, margs), to=[page])
                inbound.expect_echo(page, rec, key, args)
    if again:
        engine.emit(TimerSet(again[0], Rescroll(page, again[1:])))
