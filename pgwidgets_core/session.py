"""``Session``: one UI, its widgets, and the pages (connections) that show it."""

from __future__ import annotations

import asyncio
import logging
import secrets
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Iterator

from . import models, protocol
from .catalog import catalog
from .connection import NO_PAGE, Connection, Pending, Solo
from .errors import BrowserError, SessionClosedError
from .protocol import CallbackEvent, Reply, UploadChunk
from .replay import replay_plan
from .state import Record, Tree, apply_callback, learn_internal, setter_call

if TYPE_CHECKING:
    from .application import Application
    from .widget import Widget

__all__ = ["Session"]


class WidgetNamespace:
    """``session.get_widgets()``: ``W.Button(...)`` is ``Button(session, ...)``."""

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def __getattr__(self, name: str) -> Any:
        from .widget import widget_class
        if name.startswith("_") or name not in catalog():
            raise AttributeError(f"pgwidgets-js has no widget class {name!r}")
        return partial(widget_class(name), self._session)

    def __dir__(self) -> list[str]:
        return sorted(catalog())


class Session:
    """A UI owned by Python, shown in zero or more browser pages.

    Sessions outlive their connections: a page that reloads, or a second page
    opening :attr:`url`, is rebuilt from the state recorded here.
    """

    def __init__(self, app: Application, session_id: int | str, ws: Any = None, *,
                 token: str | None = None) -> None:
        self._app = app
        self._id = session_id
        self._token = token or secrets.token_urlsafe(32)
        self._log: logging.Logger = app._log
        # Loop-thread only from here on.
        self._conns: list[Connection] = []
        self._tree = Tree()
        self._widgets: dict[int, Widget] = {}
        self._wrappers: dict[int, Widget] = {}   # child wid -> page-made wrapper (MDI)
        self._pulling: dict[tuple, Connection | None] = {}   # values being asked for
        self._aliased: set[int] = set()          # page-made wids that differ per page
        self._next_msg_id = 1
        self._lock = asyncio.Lock()          # per_session dispatch: one handler at a time
        self._screen = (0, 0)
        self._destroyed = False
        self._sync: Any = None               # the pgwidgets_sync proxy, if any
        self._holds_slot = False             # counts against max_sessions (has pages)
        self._expires = True                 # destroyed after the app's idle timeout
        self._expiry: asyncio.TimerHandle | None = None   # pending expiry, if any
        self._error_handlers: list[Callable[[Session, BrowserError], Any]] = []
        if ws is not None:
            self.add_connection(ws)

    # ---- identity ----------------------------------------------------------------
    @property
    def id(self) -> int | str:
        """Unique session identifier."""
        return self._id

    @property
    def app(self) -> Application:
        """The Application this session belongs to."""
        return self._app

    @property
    def token(self) -> str:
        """Security token a page presents to rejoin this session."""
        return self._token

    @property
    def is_connected(self) -> bool:
        """True if at least one browser page is connected."""
        return bool(self._conns)

    @property
    def connections(self) -> list[Any]:
        """The WebSocket connections of the pages showing this session."""
        return [c.ws for c in self._conns]

    @property
    def url(self) -> str | None:
        """Link that opens (or joins) this session in a browser; None without HTTP."""
        base = self._app.url
        if base is None:
            return None
        return f"{base}?session={self._id}&token={self._token}"

    def get_url(self) -> str | None:
        """Same as :attr:`url` (the reference binding's spelling)."""
        return self.url

    def get_screen_size(self) -> tuple[int, int]:
        """The primary page's viewport size; (0, 0) before a page reported one."""
        return self._screen

    def __repr__(self) -> str:
        return f"<Session {self._id!r} pages={len(self._conns)} widgets={len(self._widgets)}>"

    # ---- connections -------------------------------------------------------------
    def add_connection(self, ws: Any) -> None:
        """Attach a browser connection (a websockets connection) to this session."""
        self._attach(Connection(ws, self._on_reply_error, self._app._dirty))

    def remove_connection(self, ws: Any) -> None:
        """Detach a browser connection; its pending requests complete at once."""
        for c in list(self._conns):
            if c.ws is ws:
                self._detach(c)

    def _attach(self, conn: Connection) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        self._conns.append(conn)
        conn.start()

    def _detach(self, conn: Connection) -> None:
        if conn in self._conns:
            self._conns.remove(conn)
        conn.close_pending()

    def _conn_for(self, ws: Any) -> Connection | None:
        for c in self._conns:
            if c.ws is ws:
                return c
        return None

    # ---- sending -----------------------------------------------------------------
    def _check_open(self) -> None:
        self._app._check_open()
        if self._destroyed:
            raise SessionClosedError(f"session {self._id!r} was destroyed")

    def _send(self, msg: dict[str, Any], label: Any = None, *, wait: bool = False,
              on_reply: Callable[[Reply], None] | None = None,
              to: list[Connection] | None = None,
              each: Callable[[Connection], Callable[[Reply], None]] | None = None,
              ) -> asyncio.Future | None:
        """Send ``msg`` to every page (or ``to``), in order, without waiting.

        With ``wait``, returns a future for the first page's reply (``NO_PAGE`` if it
        goes away). ``on_reply`` sees the first page's reply, ``each(page)`` makes a
        hook for every page's. Errors of messages nobody waits for go to the error
        handlers.
        """
        conns = self._conns if to is None else to
        if not conns:
            return None
        rid = self._next_msg_id
        self._next_msg_id += 1
        msg["id"] = rid
        wid = msg.get("wid")
        per_page = wid in self._aliased
        text = "" if per_page else protocol.encode(msg)
        fut = None
        for i, c in enumerate(conns):
            if per_page:
                text = protocol.encode({**msg, "wid": c.outward.get(wid, wid)})
            hook = each(c) if each is not None else (on_reply if i == 0 else None)
            if i == 0 and wait:
                fut = asyncio.get_running_loop().create_future()
                c.enqueue(text, rid, Pending(fut, label, hook))
            else:
                c.enqueue(text, rid, Pending(None, label, hook))
        return fut

    def _send_binary(self, wid: int, method: str, args: list[Any], data: bytes,
                     to: list[Connection] | None = None) -> None:
        """Call ``method(data, *args)`` in every page (or ``to``) with ``data`` as a
        binary frame: one frame up to 1 MiB, else announced 512 KiB chunks.
        Fire-and-forget, like the page's protocol (no reply exists)."""
        for c in (self._conns if to is None else to):
            rid = self._next_msg_id
            self._next_msg_id += 1
            wid_c = c.outward.get(wid, wid)
            if len(data) <= _BINARY_SINGLE:
                c.enqueue(Solo(protocol.encode({"type": "binary-call", "id": rid, "wid": wid_c,
                                                "method": method, "args": args})))
                c.enqueue(bytes(data))
                continue
            n = -(-len(data) // _BINARY_CHUNK)
            c.enqueue(Solo(protocol.encode({
                "type": "binary-call-chunked", "id": rid, "wid": wid_c, "method": method,
                "args": args, "transfer_id": rid, "num_chunks": n})))
            for i in range(n):
                c.enqueue(Solo(protocol.encode({"type": "binary-chunk", "transfer_id": rid,
                                                "chunk_index": i, "num_chunks": n,
                                                "encoding": "binary"})))
                c.enqueue(bytes(data[i * _BINARY_CHUNK:(i + 1) * _BINARY_CHUNK]))

    async def _ask(self, msg: dict[str, Any], label: Any) -> Any:
        """Send and wait for the first page's value (None without a page)."""
        fut = self._send(msg, label, wait=True)
        if fut is None:
            return None
        reply = await self._wait(fut, label)
        return None if reply is None else protocol.from_wire(reply.value, self._resolve_ref)

    async def _wait(self, fut: asyncio.Future, label: Any) -> Reply | None:
        """The reply ``fut`` stands for, bounded by ``call_timeout``; None if the
        page went away first."""
        timeout = self._app.call_timeout
        try:
            reply = await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            raise TimeoutError(f"{_describe(label)}: no answer from the browser "
                               f"within {timeout} s") from None
        return None if reply is NO_PAGE else reply

    async def flush(self) -> None:
        """Wait until the first page has answered everything sent so far.

        Write-behind calls return before the page ran them; after ``flush()`` they
        have run, any error they caused was reported to the error handlers, and
        every callback the page sent before them has been dispatched.
        """
        self._check_open()
        if not self._conns:
            return
        # A message the page answers at once (with "Unknown message type"): its reply
        # comes after the replies to everything before it, on the one socket.
        fut = self._send({"type": "flush"}, _FLUSH, wait=True)
        if fut is not None:
            await self._wait(fut, "flush")

    def _on_reply_error(self, reply: Reply, p: Pending) -> None:
        if p.label is _FLUSH:
            if p.future is not None and not p.future.done():
                p.future.set_result(reply)
            return
        label = p.label
        if isinstance(label, tuple) and len(label) == 5:
            rec, _, args, key, prev = label       # a setter the page rejected:
            if rec.state.get(key) == tuple(args):  # not recorded (unless written since)
                rec.state.pop(key, None)
                if prev is not None:
                    rec.write(key, prev)
        err = _browser_error(reply.error or "", label)
        if p.waited and p.future is not None and not p.future.done():
            p.future.set_exception(err)
        else:
            self._report(err)

    def on_error(self, handler: Callable[[Session, BrowserError], Any]) -> Callable:
        """Register ``handler(session, error)`` for browser errors of calls nobody
        waited for (write-behind). Without a handler they are logged."""
        self._error_handlers.append(handler)
        return handler

    def _report(self, err: Exception) -> None:
        self._log.error("session %r: %s", self._id, err,
                        exc_info=None if isinstance(err, BrowserError) else err)
        for h in list(self._error_handlers):
            try:
                h(self, err)              # type: ignore[arg-type]
            except Exception:
                self._log.exception("session %r: error handler failed", self._id)

    # ---- widgets -----------------------------------------------------------------
    def get_widgets(self) -> WidgetNamespace:
        """A namespace with one constructor per widget class, bound to this session.

        ``W = session.get_widgets(); btn = await W.Button("Click me")``
        """
        return WidgetNamespace(self)

    async def make_timer(self, duration: float = 0) -> Widget:
        """Create a Timer (non-visual; it runs in the page) and return it."""
        return await self.get_widgets().Timer(duration=duration)

    def walk_widget_tree(self) -> Iterator[Widget]:
        """Yield every widget: roots in creation order, each followed by its
        children in attach order (parents before children)."""
        for rec in self._tree.walk():
            w = self._widgets.get(rec.wid)
            if w is None:
                continue
            wrapper = self._wrappers.get(rec.wid)
            if wrapper is not None and rec.parent is not None:
                yield wrapper                    # an MDI sub-window holds this child
            yield w

    def _register(self, widget: Widget, rec: Record, *, root: bool = True) -> None:
        if root:
            self._tree.add(rec)
        else:
            self._tree.bump(rec.wid)
            self._tree.records[rec.wid] = rec
        self._widgets[rec.wid] = widget

    def _resolve_ref(self, wid: int, cls: str | None, *, keep: bool = True) -> Any:
        """The widget a page's reference names. An unknown one was made by the page:
        wrapped, and kept only when the program asked for it (``keep``) and its wid
        is plausible (near the ones in use, so a hostile value cannot push ours)."""
        w = self._widgets.get(wid)
        if w is not None:
            return w
        from .widget import wrap_page_widget
        keep = keep and wid < self._tree.next_wid + _PAGE_WID_SPAN
        return wrap_page_widget(self, wid, cls, register=keep)

    # ---- callbacks from the page -------------------------------------------------
    def _on_callback(self, conn: Connection, ev: CallbackEvent) -> None:
        if conn.rebuilding and ev.action != "map":
            return                       # echoes of the replay itself
        w = self._widgets.get(conn.inward.get(ev.wid, ev.wid))
        if w is None:
            self._log.debug("session %r: callback %r for unknown wid %s", self._id,
                            ev.action, ev.wid)
            return
        rec = w._rec
        if rec.defn.name == "Timer" and self._conns and conn is not self._conns[0]:
            return                       # every page runs the timer: count it once
        inward = conn.inward
        args = protocol.from_wire(
            ev.args, lambda wid, cls: self._resolve_ref(inward.get(wid, wid), cls, keep=False))
        if conn.uploads.starts(args):          # files follow; dispatched when complete
            conn.uploads.begin(rec.wid, ev.action, args[0], asyncio.get_running_loop().time())
            return
        self._deliver(conn, w, ev.action, args)

    def _on_upload_chunk(self, conn: Connection, header: UploadChunk, data: bytes) -> None:
        try:
            got = conn.uploads.chunk(header, data, asyncio.get_running_loop().time())
        except ValueError as exc:
            self._report(exc)
            return
        if got is None:
            self._log.debug("session %r: chunk for no open upload %r", self._id, header)
            return
        transfer, progress, finished = got
        w = self._widgets.get(transfer.wid)
        if w is None:
            return
        w._dispatch("drop-progress" if transfer.action == "drop-end" else "progress",
                    [progress])
        if finished:
            self._deliver(conn, w, transfer.action, [transfer.result()])

    def _deliver(self, conn: Connection, w: Widget, action: str, args: list[Any]) -> None:
        """A user event from ``conn``: fold it into the state, bring the other pages
        along, run the handlers."""
        rec = w._rec
        changed = apply_callback(rec, action, args)
        if changed and rec.defn.name == "MDISubWindow":
            from .widget import note_subwindow_geometry
            note_subwindow_geometry(self, w, changed)
        pushes = [setter_call(k, v) for k, v in changed]
        pushes += models.track_user(self._tree, rec, action, args)
        others = [c for c in self._conns if c is not conn]
        if others:
            for method, margs in pushes:
                self._send(protocol.call(rec.wid, method, margs, silent=True),
                           (rec, method, margs), to=others)
        pull = models.PULLS.get((rec.defn.name, action))
        if pull is not None:
            self._pull(rec, conn, *pull)
        if (action == "page-close" and rec.defn.name == "TabWidget" and args
                and not w._handlers_for("page-close")):
            # a closable tab whose program does not decide: the user closed it
            asyncio.get_running_loop().create_task(w.close_widget(args[0]))
        w._dispatch(action, args)

    def _pull(self, rec: Record, conn: Connection, query: str, key: str) -> None:
        """Ask ``conn`` for ``query``'s value, record it under ``key`` and set it in
        the other pages. Coalesced: one question in flight per widget and key."""
        flag = ("pull", rec.wid, key)
        if flag in self._pulling:
            self._pulling[flag] = conn          # ask again when the answer comes
            return
        self._pulling[flag] = None

        async def ask(c: Connection) -> None:
            try:
                while True:
                    fut = self._send(protocol.call(rec.wid, query, []), (rec, query, []),
                                     wait=True, to=[c])
                    reply = await self._wait(fut, (rec, query, [])) if fut else None
                    if reply is not None and not rec.destroyed:
                        value = reply.value
                        value = tuple(value) if isinstance(value, list) else (value,)
                        models.on_pulled(self._tree, rec, key, value)
                        rec.write(key, value)
                        others = [o for o in self._conns if o is not c]
                        method, margs = setter_call(key, value)
                        if others:
                            self._send(protocol.call(rec.wid, method, margs, silent=True),
                                       (rec, method, margs), to=others)
                    again = self._pulling.get(flag)
                    if again is None or again.closed:
                        return
                    self._pulling[flag] = None
                    c = again
            except Exception as exc:               # BrowserError, TimeoutError
                self._report(exc)
            finally:
                self._pulling.pop(flag, None)
        asyncio.get_running_loop().create_task(ask(conn))

    # ---- rebuilding pages --------------------------------------------------------
    def _replay_to(self, conns: list[Connection]) -> asyncio.Future | None:
        """Queue the whole UI for ``conns`` (pipelined: nothing waits in between)."""
        steps = replay_plan(self._tree)
        # The rebuilt page numbers its own widgets from next_wid on: skip past them.
        self._tree.next_wid += sum(self._tree.page_ids(m["class"]) for m, _, _ in steps
                                   if m.get("type") == "create")
        last = None
        for conn in conns:
            conn.rebuilding = True
            end: asyncio.Future = asyncio.get_running_loop().create_future()

            def done(reply: Reply, conn: Connection = conn, end=end) -> None:
                conn.rebuilding = False
                self._rescroll(conn)
                if not end.done():
                    end.set_result(None)
            for i, (msg, rec, what) in enumerate(steps):
                if "__binary__" in msg:
                    self._send_binary(msg["wid"], msg["method"], msg["args"], msg["__binary__"],
                                      to=[conn])
                    continue
                is_end = i == len(steps) - 1
                self._send(dict(msg), ("replay", rec, what), to=[conn],
                           on_reply=done if is_end else self._replay_reply(rec, msg, conn))
            last = end
        return last

    def _rescroll(self, conn: Connection, again: tuple[float, ...] | None = None) -> None:
        """Scroll positions again, once the rebuilt page has laid itself out: they are
        proportions of content sizes that settle only after the rebuild (the page
        shows and hides scroll bars from ResizeObservers, at its next frames), so
        this runs at reconstruct-end and again ``again`` seconds later."""
        if conn.closed or self._destroyed or conn not in self._conns:
            return
        if again is None:
            again = _RESCROLL_AFTER
        for rec in self._tree.records.values():
            for key in ("scroll_position", "scroll_percent"):
                args = rec.state.get(key)
                if args is not None:
                    method, margs = setter_call(key, args)
                    self._send(protocol.call(rec.wid, method, margs, silent=True),
                               (rec, method, margs), to=[conn])
        if again:
            asyncio.get_running_loop().call_later(again[0], self._rescroll, conn, again[1:])

    def _replay_reply(self, rec: Record | None, msg: dict, conn: Connection
                      ) -> Callable[[Reply], None] | None:
        if msg.get("type") == "create":
            return self._created
        if rec is not None and msg.get("method") == "add_widget" and rec.defn.name == "MDIWidget":
            from .widget import link_wrapper
            child = msg["args"][0] if msg["args"] else None
            return lambda reply: link_wrapper(self, conn, child, reply)
        return None

    def _created(self, reply: Reply) -> None:
        """A create reply: keep Python's wid counter at or above the page's."""
        if reply.ok and reply.next_wid is not None and reply.wid is not None:
            rec = self._tree.records.get(reply.wid)
            if rec is not None:
                learn_internal(rec.defn.name, reply.wid, reply.next_wid)
            if reply.next_wid - 1 < self._tree.next_wid + _PAGE_WID_SPAN:
                self._tree.bump(reply.next_wid - 1)

    async def reconstruct(self) -> None:
        """Rebuild the whole UI in every connected page, then wait until they are done."""
        self._check_open()
        if not self._conns:
            return
        conns = list(self._conns)
        self._replay_to(conns)
        await self.flush()

    # ---- ending ------------------------------------------------------------------
    async def close(self) -> None:
        """Close every page's connection; the session and its UI survive and the
        pages rejoin (they reconnect by themselves)."""
        await self._close_pages(1000, "")

    async def destroy(self) -> None:
        """End the session for good: its pages are told it ended (close code 4000)
        and it leaves ``app.sessions``; its widgets accept no more calls."""
        if self._destroyed:
            return
        self._destroyed = True
        self._app._forget(self)
        if self._sync is not None:       # the pgwidgets_sync proxy stops its handler thread
            self._sync._destroyed()
        await self._close_pages(4000, "Session ended")

    async def _close_pages(self, code: int, reason: str) -> None:
        conns = list(self._conns)
        for c in conns:
            c.close_pending()
        await asyncio.gather(*(c.ws.close(code, reason) for c in conns),
                             return_exceptions=True)


_PAGE_WID_SPAN = 2**20     # page-made wids are this close to Python's counter
_BINARY_SINGLE = 2**20     # larger binary payloads go in chunks
_BINARY_CHUNK = 512 * 1024
# Scroll positions are set again this long after a rebuild ends (seconds, chained).
_RESCROLL_AFTER = (0.1, 0.4)
_FLUSH = "flush"        # label of the round-trip marker sent by flush()


def _describe(label: Any) -> str:
    if isinstance(label, tuple) and len(label) >= 2:
        if label[0] == "replay":
            rec, what = label[1], label[2]
            return f"rebuilding {rec!r}: {what}" if rec is not None else f"rebuilding: {what}"
        rec, method = label[0], label[1]
        return f"{rec!r}.{method}"
    return str(label)


def _browser_error(message: str, label: Any) -> BrowserError:
    cls = wid = method = args = None
    if isinstance(label, tuple) and label:
        if label[0] == "replay":
            rec, method = label[1], f"rebuild: {label[2]}"
        else:
            rec, method = label[0], label[1]
            args = label[2] if len(label) > 2 else None
        if rec is not None:
            cls, wid = rec.defn.name, rec.wid
    return BrowserError(message, widget_class=cls, wid=wid, method=method, args=args)

