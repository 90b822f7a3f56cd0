"""``Session``: one UI and the pages that show it; the asyncio shell over its engine.

The protocol itself (ids, write-behind order, replies, replay, uploads) is the
:class:`~pgwidgets_core.engine.Engine`'s. A Session feeds it the frames of its pages,
writes what it queues (one :class:`~pgwidgets_core.connection.Connection` per page)
and acts on its events: futures resolved, handlers dispatched, errors reported,
timers armed.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Iterator, cast

from . import protocol, rebuild
from .batching import Batch
from .catalog import catalog
from .connection import Connection
from .engine import Engine
from .pages import Call
from .errors import BrowserError, ProtocolError, SessionClosedError
from .events import Answered, Failed, Fired, Malformed, Reported, TimerSet
from .widget import Widget, widget_class, wrap

if TYPE_CHECKING:
    from .registry import WidgetRegistry
    from .Widgets import Namespace
    from .application import Application

__all__ = ["Session", "WidgetNamespace"]


class WidgetNamespace:
    """``session.get_widgets()``: ``W.Button(...)`` is ``Button(session, ...)``.

    Classes are made when first named (``make(name)``, cached there), not all at once;
    ``registry`` holds the app's own (``app.register_widget``). The blocking facade
    passes its session, registry and class maker."""

    __slots__ = ("_session", "_registry", "_make")

    def __init__(self, session: Any, registry: WidgetRegistry,
                 make: Callable[[str], Any] = widget_class) -> None:
        self._session = session
        self._registry = registry
        self._make = make

    def __getattr__(self, name: str) -> Any:
        own = self._registry.get(name)                 # app.register_widget(...)
        if own is not None:
            return partial(own, self._session)
        if name.startswith("_") or name not in catalog():
            raise AttributeError(f"pgwidgets-js has no widget class {name!r} (and none "
                                 f"was registered with app.register_widget)")
        return partial(self._make(name), self._session)

    def __dir__(self) -> list[str]:
        return sorted({*catalog(), *self._registry.names()})


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
        self._log: logging.Logger = app.logger
        #: The Sans-I/O engine: the records and the protocol (loop thread only).
        self.engine = Engine(app.page_facts, wrap=partial(wrap, self))
        # Loop thread only from here on.
        self._conns: list[Connection] = []
        self._destroyed = False
        self._error_handlers: list[Callable[[Session, Exception], Any]] = []
        self._destroy_handlers: list[Callable[[Session], Any]] = []
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
    def is_destroyed(self) -> bool:
        """True once :meth:`destroy` ran: the session is gone for good."""
        return self._destroyed

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
        return self.engine.screen

    def __repr__(self) -> str:
        return (f"<Session {self._id!r} pages={len(self._conns)} "
                f"widgets={len(self.engine.tree.records)}>")

    # ---- connections -------------------------------------------------------------
    def add_connection(self, ws: Any, *, rebuild_page: bool = False) -> None:
        """Attach a browser connection (a websockets connection) to this session; the
        application calls it for every page that joins (``rebuild_page``: the page gets
        the whole UI), so wrapping it is a hook on each attach."""
        self._attach(ws, rebuild_page=rebuild_page)

    def connection_of(self, ws: Any) -> Connection:
        """The :class:`~pgwidgets_core.connection.Connection` of attached socket ``ws``."""
        for c in self._conns:
            if c.ws is ws:
                return c
        raise LookupError(f"{ws!r} is not attached to session {self._id!r}")

    def remove_connection(self, ws: Any) -> None:
        """Detach a browser connection; its pending requests are answered now (with no
        value; on a busy loop, in the next turns: releases.py)."""
        for c in list(self._conns):
            if c.ws is ws:
                self._detach(c)

    def _attach(self, ws: Any, *, rebuild_page: bool = False) -> Connection:
        # The page is rebuilt from the records unless the session is new to pages.
        conn = Connection(ws, self._app.writers)
        self._conns.append(conn)
        self.engine.join(conn.page, rebuild_it=rebuild_page, first=self._app.fonts.messages())
        conn.start()
        return conn

    def _detach(self, conn: Connection) -> None:
        if conn in self._conns:
            self._conns.remove(conn)
        self.engine.leave(conn.page)
        conn.stop()
        self._drain()

    def _receive(self, conn: Connection, data: str | bytes) -> None:
        """A frame from ``conn``'s page (loop thread)."""
        now = asyncio.get_running_loop().time()
        if isinstance(data, bytes):
            self.engine.receive_bytes(conn.page, data, now)
        else:
            self.engine.receive(conn.page, data, now)
        self._drain()

    # ---- the engine's events -----------------------------------------------------
    def _drain(self) -> None:
        for ev in self.engine.events_received():
            t = type(ev)
            if t is Answered:
                self._app.releases.answer(ev.waiter, ev.value)  # type: ignore[union-attr]
            elif t is Fired:
                self._fire(ev)                                  # type: ignore[arg-type]
            elif t is Failed:
                self._app.releases.fail(ev.waiter, ev.error)  # type: ignore[union-attr,arg-type]
            elif t is Reported:
                self.report_error(ev.error)           # type: ignore[union-attr,arg-type]
            elif t is TimerSet:
                asyncio.get_running_loop().call_later(ev.delay, self._tick,  # type: ignore
                                                      ev.key)  # type: ignore[union-attr]
            elif t is Malformed:
                self._malformed(ev)                             # type: ignore[arg-type]

    def _fire(self, ev: Fired) -> None:
        rec = ev.rec
        handlers = rec.handlers.get(ev.action) if rec.handlers else None
        if not handlers:
            return
        submit = self._app.dispatcher.submit
        obj, args = rec.obj, ev.args
        what = f"{rec.defn.name}(wid={rec.wid}) {ev.action!r}"
        for fn, extra, kw, with_widget in handlers:
            submit(self, fn, (obj, *args, *extra) if with_widget else (*args, *extra), kw, what)

    def _tick(self, key: Any) -> None:
        self.engine.tick(key)
        self._drain()

    def _malformed(self, ev: Malformed) -> None:
        if ev.error is None:
            self._log.warning("pgwidgets: session %r: %d more malformed frames ignored",
                              self._id, ev.skipped)
            return
        # Our own bugs show with their traceback; bad input is one line.
        self._log.warning("pgwidgets: session %r: ignored a malformed frame (%s): %.120r",
                          self._id, ev.error, ev.data,
                          exc_info=None if isinstance(ev.error, ProtocolError) else ev.error)

    # ---- errors ------------------------------------------------------------------
    def on_error(self, handler: Callable[[Session, BrowserError], Any]) -> Callable[..., Any]:
        """Register ``handler(session, error)`` for browser errors of calls nobody
        waited for (write-behind). Without a handler they are logged."""
        self._error_handlers.append(handler)      # type: ignore[arg-type]
        return handler

    def report_error(self, err: Exception) -> None:
        """Log ``err`` and hand it to the :meth:`on_error` handlers (loop thread)."""
        self._log.error("session %r: %s", self._id, err,
                        exc_info=None if isinstance(err, BrowserError) else err)
        for h in list(self._error_handlers):
            try:
                h(self, err)
            except Exception:
                self._log.exception("session %r: error handler failed", self._id)

    # ---- widgets -----------------------------------------------------------------
    def get_widgets(self) -> Namespace:
        """A namespace with one constructor per widget class, bound to this session.

        ``W = session.get_widgets(); btn = await W.Button("Click me")``
        """
        return cast("Namespace", WidgetNamespace(self, self._app.widget_classes))  # Widgets.pyi

    async def make_timer(self, duration: float = 0) -> Widget:
        """Create a Timer (non-visual; it runs in the page) and return it."""
        return await self.get_widgets().Timer(duration=duration)

    def walk_widget_tree(self) -> Iterator[Widget]:
        """Yield every widget: roots in creation order, each followed by its
        children in attach order (parents before children)."""
        subwindows = self.engine.subwindows
        for rec in self.engine.tree.walk():
            sub = subwindows.get(rec.wid)
            if sub is not None and rec.parent is not None:
                yield sub.obj                    # an MDI sub-window holds this child
            yield rec.obj

    async def flush(self) -> None:
        """Wait until the first page has answered everything sent so far.

        Write-behind calls return before the page ran them; after ``flush()`` they
        have run, any error they caused was reported to the error handlers, and
        every callback the page sent before them has been dispatched.
        """
        self.engine.check_open()
        fut = asyncio.get_running_loop().create_future()
        if self.engine.flush(fut):
            await self._app.deadlines.wait(fut, self._app.call_timeout, "flush")

    def send_app_message(self, msg: dict[str, Any]) -> None:
        """Send an application-level message (a font...) to this session's pages,
        write-behind; not part of the UI's records."""
        if self.engine.refusal is None:
            self.engine.send(msg, Call(None, str(msg.get("type"))))

    def batch(self) -> Batch:
        """Many calls as one frame per page: ``async with session.batch(): ...`` (or
        ``with``). Calls inside are recorded and return as usual; what they send leaves
        together at the end of the outermost batch, with TreeView/TableView rendering
        suspended meanwhile. A browser error names the call and its ``batch_index``."""
        return Batch(self.engine)

    def begin_batch(self) -> None:
        """Open a batch by hand (:meth:`batch` is the usual way); batches nest."""
        self.engine.begin_batch()

    def end_batch(self) -> None:
        """Close a batch opened by :meth:`begin_batch`."""
        self.engine.end_batch()

    def open_url(self, url: str) -> None:
        """Ask this session's pages to open ``url`` in a new tab (write-behind; a page's
        popup blocker may refuse). Not recorded: a page that joins later does not get it."""
        if not isinstance(url, str):
            raise TypeError(f"open_url: url must be a str, got {type(url).__name__}")
        self.engine.check_open()
        self.engine.send(protocol.open_url(url), Call(None, "open_url", [url]))

    async def reconstruct(self) -> None:
        """Rebuild the whole UI in every connected page, then wait until they are done."""
        self.engine.check_open()
        if self._conns:
            rebuild.rebuild(self.engine, list(self.engine.pages))
            await self.flush()

    # ---- ending ------------------------------------------------------------------
    def on_destroy(self, handler: Callable[[Session], Any]) -> Callable[[Session], Any]:
        """Register ``handler(session)``, called (on the loop) when :meth:`destroy`
        ends the session. Usable as a decorator."""
        self._destroy_handlers.append(handler)
        return handler

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
        if self.engine.refusal is None:
            self.engine.close(SessionClosedError, f"session {self._id!r} was destroyed")
        for h in list(self._destroy_handlers):
            try:
                h(self)
            except Exception:
                self._log.exception("session %r: destroy handler failed", self._id)
        await self._close_pages(4000, "Session ended")

    async def _close_pages(self, code: int, reason: str) -> None:
        conns = list(self._conns)
        for c in conns:
            self._detach(c)
        await asyncio.gather(*(c.ws.close(code, reason) for c in conns),
                             return_exceptions=True)
