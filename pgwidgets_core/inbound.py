"""What pages tell the engine: user events folded into the records, the other pages
brought along, uploads assembled, page-made sub-windows linked.

Pure; called by the :class:`~pgwidgets_core.engine.Engine` for each inbound message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import models, protocol
from .catalog import widget_def
from .errors import ProtocolError
from .events import Fired, Reported
from .pages import Call, Page
from .protocol import CallbackEvent, Ref, Reply, UploadChunk
from .state import Record, setter_call
from .usersync import SCROLLED_KEYS, apply_callback, auto_listens

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["callback", "upload_chunk", "pull_gone", "link_subwindow", "ask_subwindow_positions",
           "expect_echo"]


def callback(engine: Engine, page: Page, ev: CallbackEvent, now: float) -> None:
    """A ``callback`` message from ``page``."""
    if page.rebuilding and ev.action != "map":
        return                               # echoes of the rebuild itself
    wid = page.inward.get(ev.wid, ev.wid)
    rec = engine.tree.records.get(wid)
    if rec is None:
        if wid >= engine.tree.next_wid:      # never handed out: the page is wrong
            raise ProtocolError(f"callback {ev.action!r:.40} for unknown widget id {ev.wid}")
        return                               # a widget since destroyed
    if rec.defn.name == "Timer" and engine.pages and page is not engine.pages[0]:
        return                               # every page runs the timer: count it once
    args = engine.decode(ev.args, page, keep=False)
    if page.uploads.starts(args):            # files follow; delivered when complete
        page.uploads.begin(rec.wid, ev.action, args[0], now)
        return
    deliver(engine, page, rec, ev.action, args)


def upload_chunk(engine: Engine, page: Page, header: UploadChunk, data: bytes,
                 now: float) -> None:
    """One uploaded chunk: progress for the handlers; the upload's own event when the
    last chunk is in."""
    try:
        got = page.uploads.chunk(header, data, now)
    except ValueError as exc:                # over the size limit
        engine.emit(Reported(exc))
        return
    if got is None:
        return                               # for no open upload
    transfer, progress, finished = got
    rec = engine.tree.records.get(transfer.wid)
    if rec is None:
        return
    engine.emit(Fired(rec, "drop-progress" if transfer.action == "drop-end" else "progress",
                      [progress]))
    if finished:
        deliver(engine, page, rec, transfer.action, [transfer.result()])


def expect_echo(page: Page, rec: Record, key: str, args: tuple[Any, ...] | list[Any]) -> None:
    """``key`` of ``rec`` is being set to ``args`` in ``page`` silently (a rebuild puts
    a scroll position back, another page's scrolling is brought along): the scroll
    event the page sends for it later is not the user's and runs no handler."""
    if (rec.defn.name, key) in SCROLLED_KEYS:
        if page.echoes is None:
            page.echoes = {}
        page.echoes[rec.wid] = tuple(args)


def _echo(page: Page, rec: Record, action: str, args: list[Any]) -> bool:
    # True for the scroll event of a position set silently (see expect_echo); any
    # other position ends the expectation (the user moved it since).
    echoes = page.echoes
    if action != "scrolled" or not echoes or rec.wid not in echoes:
        return False
    if echoes[rec.wid] == tuple(args):
        return True
    del echoes[rec.wid]
    return False


def deliver(engine: Engine, page: Page, rec: Record, action: str, args: list[Any]) -> None:
    """A user event from ``page``: fold it into the records, bring the other pages
    along (silently), then hand it to the program's handlers."""
    if _echo(page, rec, action, args):
        return
    _fold(engine, page, rec, action, args)
    if action == "resize" and rec.defn.name == "MDISubWindow":
        _ask_subwindow_position(engine, page, rec)
    pull = models.PULLS.get((rec.defn.name, action))
    if pull is not None:
        _pull(engine, rec, page, *pull)
    if (action == "page-close" and rec.defn.name == "TabWidget" and args
            and not (rec.handlers and rec.handlers.get("page-close"))):
        # a closable tab whose program does not decide: the user closed it
        engine.action(rec, widget_def("TabWidget").methods["close_widget"], [args[0]])
    engine.emit(Fired(rec, action, args))


def _fold(engine: Engine, page: Page, rec: Record, action: str, args: list[Any]) -> None:
    """Fold a user change into the records and bring the other pages along."""
    changed = apply_callback(rec, action, args)
    if changed and rec.defn.name == "MDISubWindow":
        _note_subwindow_geometry(engine, rec, changed)
    pushes = [setter_call(k, v) for k, v in changed]
    pushes += models.track_user(engine.tree, rec, action, args)
    others = [p for p in engine.pages if p is not page]
    if others:
        for method, margs in pushes:
            engine.call(rec, method, margs, silent=True, to=others)
        for key, value in changed:
            for p in others:
                expect_echo(p, rec, key, value)


# ---- values asked for after a user change ------------------------------------------

def ask_subwindow_positions(engine: Engine, mdi: Record) -> None:
    """The program had the page arrange ``mdi``'s sub-windows (``tile_windows()``,
    ``cascade_windows()``): ask the first page where each went."""
    if not engine.pages:
        return
    for e in mdi.children:
        sub = engine.subwindows.get(e.child.wid) if e.child is not None else None
        if sub is not None and not sub.destroyed:
            _ask_subwindow_position(engine, engine.pages[0], sub)


def _ask_subwindow_position(engine: Engine, page: Page, sub: Record) -> None:
    """A sub-window resized in the page may have moved too (the Windows menu's Tile
    and Cascade place them without a ``move`` event): ask its MDIWidget where it is
    and fold the answer in as a move (the program's handlers are not called)."""
    crec = _subwindow_child(engine, sub)
    mdi = crec.parent if crec is not None else None
    if mdi is None or crec is None:
        return

    def answered(reply: Reply) -> None:
        v = reply.value
        if (reply.ok and not sub.destroyed and not page.closed and isinstance(v, list)
                and len(v) == 2 and all(type(n) is int for n in v)):
            _fold(engine, page, sub, "move", v)
    engine.send(protocol.call(mdi.wid, "get_child_position", [crec.obj]),
                Call(mdi, "get_child_position", []), to=[page], on_reply=answered)


def _pull(engine: Engine, rec: Record, page: Page, query: str, key: str) -> None:
    """Ask ``page`` for ``query``'s value, record it under ``key`` and set it in the
    other pages. Coalesced: one question in flight per widget and key; a change while
    it is in flight asks again when the answer comes."""
    flag = (rec.wid, key)
    if flag in engine.pulling:
        engine.pulling[flag] = page
        return
    engine.pulling[flag] = None
    _ask(engine, rec, page, query, key)


def _ask(engine: Engine, rec: Record, page: Page, query: str, key: str) -> None:
    def answered(reply: Reply) -> None:
        if reply.ok and not rec.destroyed:
            value = reply.value
            value = tuple(value) if isinstance(value, list) else (value,)
            models.on_pulled(engine.tree, rec, key, value)
            rec.write(key, value)
            others = [p for p in engine.pages if p is not page]
            if others:
                method, margs = setter_call(key, value)
                engine.call(rec, method, margs, silent=True, to=others)
        _next(engine, rec, query, key)
    engine.send(protocol.call(rec.wid, query, []), Call(rec, f"pull {query}", [key]),
                to=[page], on_reply=answered)


def _next(engine: Engine, rec: Record, query: str, key: str) -> None:
    flag = (rec.wid, key)
    again = engine.pulling.get(flag)
    if again is None or again.closed or rec.destroyed:
        engine.pulling.pop(flag, None)
        return
    engine.pulling[flag] = None
    _ask(engine, rec, again, query, key)


def pull_gone(engine: Engine, call: Call) -> None:
    """The page asked by a pull left before answering."""
    if call.rec is not None and call.args:
        _next(engine, call.rec, call.method[len("pull "):], call.args[0])


# ---- MDI sub-windows: made by the page, one object in Python --------------------------

def link_subwindow(engine: Engine, page: Page, child: Any, reply: Reply) -> None:
    """A page answered ``MDIWidget.add_widget(child)`` with the sub-window it made.

    The first answer makes the Python wrapper (its wid is Python's from then on);
    every other page's sub-window, now or after a rebuild, is an alias of it in that
    page, so the application keeps one object and callbacks from any page reach it.
    """
    if not reply.ok or not isinstance(reply.value, dict) or not isinstance(child, Ref):
        return
    wid = reply.value.get("__wid__")
    if not protocol.is_wid(wid):
        return
    sub = engine.subwindows.get(child.wid)
    if sub is None or sub.destroyed:
        sub = engine.adopt(wid, reply.value.get("__class__") or "MDISubWindow")
        engine.subwindows[child.wid] = sub
        for action in auto_listens(sub.defn):
            engine.listen(sub, action)
        return
    engine.tree.bump(wid)
    if wid != sub.wid:
        page.inward[wid] = sub.wid
        page.outward[sub.wid] = wid
        engine.aliased.add(sub.wid)
    for action in sub.listens:
        engine.send(protocol.listen(sub.wid, action), Call(sub, f"listen {action!r}"),
                    to=[page])


def _subwindow_child(engine: Engine, sub: Record) -> Record | None:
    """The record of the widget an MDI sub-window holds."""
    child = next((c for c, s in engine.subwindows.items() if s is sub), None)
    return engine.tree.records.get(child) if child is not None else None


def _note_subwindow_geometry(engine: Engine, sub: Record, changed: list[Any]) -> None:
    """Keep an MDI sub-window's position and size in its child's ``add_widget``
    options, so a rebuilt page opens it where the user left it."""
    crec = _subwindow_child(engine, sub)
    parent = crec.parent if crec is not None else None
    if parent is None:
        return
    for e in parent.children:
        if e.child is crec:
            opts = dict(e.args[1]) if len(e.args) > 1 and isinstance(e.args[1], dict) else {}
            e.args[1:] = [opts]                 # a copy: the caller's dict stays theirs
            for key, value in changed:
                names = ("x", "y") if key == "position" else ("width", "height")
                opts.update(zip(names, value))
