"""``Application``: the servers, the page handshake, admission and lifecycle."""

from __future__ import annotations

import asyncio
import hmac
import logging
import signal
import socket
import threading
from pathlib import Path
from typing import Any, Callable, Iterable

import pgwidgets_js
from websockets.exceptions import ConnectionClosed

from . import deflate, protocol
from .admission import Admission, Expiry, refusal
from .deadlines import Deadlines
from .connection import Connection, PageSocket, Writers, greet, log_oversized, remote_of
from .dispatch import Dispatcher, Runner
from .errors import ApplicationClosedError
from .fonts import Fonts, AppMessages
from .keepalive import Keepalive
from .pagesocket import pump
from .options import callable_handler as _callable, check_app_args, normalize_id as _normalize_id
from .registry import WidgetRegistry
from .releases import Releases
from .session import Session
from .widget import Widget
from .routing import SessionIds
from .site import Site, url_host
from .state import PageFacts

__all__ = ["Application", "Session"]

_CLOSE_GRACE = 5.0            # run() lets a handler that called close() finish this long


class Application(AppMessages):
    """Main entry point: serves the pgwidgets-js page and gives each browser a Session.

    ``app = Application(ws_port=9500, http_port=9501)`` then ``await app.run()``.
    Pass port 0 to let the system choose; :attr:`url` tells the result after start.
    ``ws_sock``: a bound TCP socket the WebSocket server adopts (``ws_port`` is then
    its port), e.g. one inherited from a supervisor. ``ws_path="ws"``: one port for
    everything (``http_port``), the WebSocket at ``/ws`` (see docs/deployment.md).
    ``listen=False``: no socket at all; an ASGI server brings the pages (:meth:`asgi`).
    ``worker="w2"``: one of several processes behind a proxy (see :mod:`.launcher`).
    """

    def __init__(self, ws_port: int = 9500, http_port: int = 9501, host: str = "127.0.0.1",
                 http_server: bool = True, concurrency_handling: str = "per_session",
                 max_sessions: int | None = 1, logger: logging.Logger | None = None,
                 ws_sock: socket.socket | None = None, *,
                 # Security
                 allowed_origins: Iterable[str] | None = (),
                 # Timeouts and limits
                 call_timeout: float = 30.0, max_frame_size: int = 16 * 2**20,
                 session_idle_timeout: float | None = None,
                 # Transport
                 compression: bool = False, ws_path: str | None = None, listen: bool = True,
                 worker: str | None = None, ping_interval: float | None = 20.0,
                 # Facades: who runs handlers (pgwidgets_sync passes its threads)
                 handler_runner: Runner | None = None) -> None:
        check_app_args(ws_port=ws_port, http_port=http_port, max_sessions=max_sessions,
                       call_timeout=call_timeout, session_idle_timeout=session_idle_timeout,
                       ping_interval=ping_interval, ws_sock=ws_sock, ws_path=ws_path,
                       http_server=http_server, listen=listen)
        self._ws_sock = ws_sock
        self.listen = listen
        #: The WebSocket's path in one-port and ASGI (``listen=False``) modes, else None.
        self.ws_path = ws_path.strip("/") if ws_path else (None if listen else "ws")
        self.session_idle_timeout = session_idle_timeout
        self.ws_port = ws_port
        self.http_port = http_port
        self.host = host
        self.http_server = http_server and listen
        self.concurrency_handling = concurrency_handling
        self.max_sessions = max_sessions
        self.call_timeout = call_timeout
        self.max_frame_size = max_frame_size
        self.compression = bool(compression)
        self.ping_interval = ping_interval     # keepalive: a proxy never sees it idle
        # Without a logger, errors still reach stderr (logging's last resort).
        self.logger = logger or logging.getLogger("pgwidgets_core")
        self._log = self.logger
        self.keepalive = Keepalive(ping_interval, logger=self.logger)   # one timer pings all
        #: Runs handlers as ``concurrency_handling`` says (loop thread).
        self.dispatcher = Dispatcher(concurrency_handling, handler_runner)
        #: What pages taught us about pgwidgets-js, shared by this app's sessions.
        self.page_facts = PageFacts()
        # Loop thread only, shared by every session:
        self.writers = Writers()        # connections with frames queued since their writer ran
        self.releases = Releases()      # answers to the tasks awaiting them, bounded per busy turn
        self.deadlines = Deadlines()    # the timeouts of every waited call
        self._sessions: dict[Any, Session] = {}
        #: Ids of new sessions (``worker``: ``"w2-1"``..., see :mod:`.routing`).
        self.session_ids = SessionIds(worker)
        self._admission = Admission(max_sessions)
        self._expiry = Expiry(session_idle_timeout)
        self.fonts = Fonts()          # register_font / set_default_font (AppMessages)
        #: Widget subclasses registered with :meth:`register_widget`.
        self.widget_classes = WidgetRegistry(Widget)
        self._connect_handlers: list[Callable[[Session], Any]] = []
        self._disconnect_handlers: list[Callable[[Session], Any]] = []
        #: The connector page, its assets and the origin check.
        self.site = Site(host, self.static_path, self.remote_html,
                         self.static_path / "icons" / "pgicon.svg", self._log, allowed_origins)
        self.site.http_port = http_port   # origins of pages served elsewhere on this port
        self.site.route_sessions = worker is not None
        self._ws_server: Any = None
        self._starting: asyncio.Task[Any] | None = None   # the one start, shared by callers
        self._closed = False                     # refuses new work from close() on
        self._done: asyncio.Event | None = None  # set when run() should return
        self._closing: asyncio.Future[Any] | None = None   # the one close, shared by callers
        self._closers: set[asyncio.Task[Any]] = set()      # tasks that awaited close()

    # ---- hooks ------------------------------------------------------------------
    def on_connect(self, handler: Callable[[Session], Any]) -> Callable[[Session], Any]:
        """Register ``handler(session)`` (sync or async) for each new session; it
        builds the UI. Usable as a decorator."""
        self._connect_handlers.append(_callable(handler, "on_connect"))
        return handler

    def on_disconnect(self, handler: Callable[[Session], Any]) -> Callable[[Session], Any]:
        """Register ``handler(session)`` (sync or async), called each time a page of
        a session disconnects. Usable as a decorator."""
        self._disconnect_handlers.append(_callable(handler, "on_disconnect"))
        return handler

    def register_widget(self, cls: type[Widget], name: str | None = None) -> type[Widget]:
        """Offer widget subclass ``cls`` as ``session.get_widgets().<name>`` (default: its
        class name), the session passed first. Usable as a decorator."""
        return self.widget_classes.register(cls, name)

    # ---- properties -------------------------------------------------------------
    @property
    def sessions(self) -> dict[Any, Session]:
        """The sessions (session_id -> Session), with or without pages."""
        return dict(self._sessions)

    @property
    def static_path(self) -> Path:
        """Path of the pgwidgets-js static files."""
        return Path(pgwidgets_js.get_static_path())

    @property
    def remote_html(self) -> Path:
        """Path of the connector page (remote.html)."""
        return Path(pgwidgets_js.get_remote_html())

    @property
    def url(self) -> str | None:
        """``http://HOST:HTTP_PORT/``, or None without the built-in HTTP server."""
        if not self.http_server:
            return None
        return f"http://{url_host(self.host)}:{self.http_port}/"

    def asgi(self) -> Any:
        """This application as an ASGI app to mount in Starlette, FastAPI... (the page,
        its assets and the WebSocket); needs ``listen=False``. See :mod:`.asgi`."""
        from .asgi import ASGIApp
        return ASGIApp(self)

    def set_favicon(self, path: str | Path) -> None:
        """Serve the image at ``path`` as the favicon (SVG, PNG, ICO...)."""
        self.site.favicon = Path(path)        # FileNotFoundError if it is no file

    # ---- sessions ---------------------------------------------------------------
    def create_session(self, session_id: int | str | None = None, token: str | None = None,
                       *, expires: bool = False) -> Session:
        """Create a session with no page; build its UI now, open :attr:`Session.url`
        later. ``on_connect`` never runs for it. It is kept until destroyed, unless
        ``expires=True``: then, like sessions made by pages, it is destroyed after
        ``session_idle_timeout`` seconds without a page."""
        self._check_open()
        if session_id is None:
            session_id = self.session_ids.allocate(self._sessions)
        session_id = _normalize_id(session_id)
        if not isinstance(session_id, (int, str)) or isinstance(session_id, bool):
            raise TypeError(f"session_id must be an int or a str, not "
                            f"{type(session_id).__name__}")
        old = self._sessions.get(session_id)
        if old is not None:
            if token is not None and hmac.compare_digest(token, old.token):
                return old
            raise ValueError(f"session {session_id!r} exists already")
        session = self._new_session(session_id, token)
        if expires:
            self._expiry.arm(session, self._expire)
        else:
            self._expiry.keep.add(session)
        return session

    def _new_session(self, sid: Any, token: str | None) -> Session:
        s = Session(self, sid, token=token)
        self._sessions[sid] = s
        self.session_ids.seen(sid)
        s.on_destroy(self._forget)
        return s

    def _expire(self, session: Session) -> None:
        if not session.is_connected and not session.is_destroyed and not self._closed:
            self._log.info("pgwidgets: session %r expired (no page for %s s)",
                           session.id, self.session_idle_timeout)
            asyncio.get_running_loop().create_task(session.destroy())

    def _forget(self, session: Session) -> None:
        # session.destroy(): it leaves the application
        if self._sessions.get(session.id) is session:
            del self._sessions[session.id]
        self._expiry.forget(session)
        self.dispatcher.release(session)

    def _check_open(self) -> None:
        if self._closed:
            raise ApplicationClosedError("the application was closed")

    # ---- lifecycle --------------------------------------------------------------
    async def start(self) -> None:
        """Start the WebSocket server (and the HTTP server if enabled); both listen
        when this returns. Every caller awaits the same start."""
        self._check_open()
        if self._starting is None:
            self._done = asyncio.Event()    # run() waits on it; set by the end of close()
            self._starting = asyncio.get_running_loop().create_task(self._start(),
                                                                    name="pgwidgets start")
        await asyncio.shield(self._starting)

    async def _start(self) -> None:
        if not self.listen:
            await self.site.embed(self.ws_path or "ws")
            self._log.info("pgwidgets: pages come through ASGI (WebSocket at ./%s)",
                           self.ws_path)
            return
        self._ws_server, self.ws_port, http_port = await self.site.serve(
            self.serve_page, ws_port=self.ws_port, http_port=self.http_port,
            http_server=self.http_server, ws_sock=self._ws_sock, ws_path=self.ws_path,
            max_size=self.max_frame_size, **deflate.extensions(self.compression))
        if self.http_server:
            self.http_port = http_port
        self._log.info("pgwidgets: open %s",
                       self.url or f"the page with ?ws={self.site.ws_url(None)}")

    async def run(self) -> None:
        """Start if needed, then serve until :meth:`close` (at once if it was closed).
        Ctrl-C closes cleanly."""
        if self._closed:
            return await self.close()            # the close may still be under way
        await self.start()
        assert self._done is not None
        restore = None
        if threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()
            done = self._done
            restore = signal.signal(signal.SIGINT,
                                    lambda *_: loop.call_soon_threadsafe(done.set))
        try:
            await self._done.wait()
        finally:
            if restore is not None:
                signal.signal(signal.SIGINT, restore)
            await self.close()
            # A handler that called close() goes on after it: let it finish before
            # the program's asyncio.run() cancels what is left.
            others = [t for t in self._closers
                      if not t.done() and self.dispatcher.runner.owns(t)]
            if others:
                await asyncio.wait(others, timeout=_CLOSE_GRACE)

    async def close(self) -> None:
        """Close every page and both servers; :meth:`run` returns. Idempotent: every
        caller (a handler, run(), ``async with``, a signal...) waits for the same
        close to complete, and the task that called it is not cancelled by it."""
        task = asyncio.current_task()
        if task is not None:
            self._closers.add(task)
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._close(),
                                                                   name="pgwidgets close")
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        self._closed = True
        for s in list(self._sessions.values()):
            s.engine.close(ApplicationClosedError, "the application was closed")
        try:
            if self._starting is not None:           # a close during start: after it
                await asyncio.wait([self._starting])
            for s in list(self._sessions.values()):
                await s._close_pages(4002, "Application closed")
            if self._ws_server is not None:
                self._ws_server.close()
                await self._ws_server.wait_closed()
            await self.site.close()
            await self.dispatcher.runner.close(spare=self._closers)
        finally:
            if self._done is not None:
                self._done.set()        # run() returns once this close has completed

    async def process_events(self, timeout: float = 0.1) -> None:
        """Let the loop run handlers for ``timeout`` seconds (for a program with a loop
        of its own: ``while ...: await app.process_events(0.05)``)."""
        await asyncio.sleep(timeout)

    @property
    def is_closed(self) -> bool:
        """True once :meth:`close` was called (the application takes no more work)."""
        return self._closed

    async def __aenter__(self) -> Application:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    # ---- one page ---------------------------------------------------------------
    async def serve_page(self, ws: PageSocket) -> None:
        """Serve one page on its open WebSocket ``ws`` until it leaves (what the
        servers call per connection; :mod:`pgwidgets_core.asgi` too)."""
        self.keepalive.watch(ws)
        try:
            reply = await greet(ws, self._log)
            admitted = reply and await self._admit(ws, _normalize_id(reply.session_id),
                                                   reply.token)
            if not admitted:
                return
            session, conn = admitted
            writers = self.writers

            def take(data: str | bytes) -> None:
                session._receive(conn, data)
                writers.write_all()           # what the message's handlers sent, at once
            try:               # nothing a page sends ends its connection: bad input is reported
                log_oversized(await pump(ws, take), self._log,
                              f"session {session.id!r}: closed the page at {conn.remote}",
                              self.max_frame_size)
            finally:
                session._detach(conn)
                if not session.is_connected:
                    self._admission.let_go(session)
                    if not self._closed:
                        self._expiry.arm(session, self._expire)
                self._dispatch_hooks(self._disconnect_handlers, session, "on_disconnect")
        finally:
            self.keepalive.forget(ws)

    async def _admit(self, ws: PageSocket, sid: Any, token: str | None
                     ) -> tuple[Session, Connection] | None:
        """Find or make the page's session, wait for a slot, attach and start it."""
        session = self._sessions.get(sid) if sid is not None else None
        if (refused := refusal(session, sid, token, self.session_ids, remote_of(ws))):
            (self._log.warning if refused[0] == 4001 else self._log.info)("pgwidgets: %s", refused[2])
            await ws.close(*refused[:2])
            return None
        fresh = False
        if session is None or not session.is_connected:
            gone = asyncio.ensure_future(ws.wait_closed())
            try:
                if not await self._admission.take(gone):
                    return None
            finally:
                gone.cancel()
            if self._closed:
                self._admission.release()
                await ws.close(4002, "Application closed")
                return None
            if session is not None and session.is_connected:   # another page won the race
                self._admission.release()
            else:
                if session is None or self._sessions.get(sid) is not session:
                    # a new page, or an id we do not know (kept, so links survive a
                    # server restart), or a session destroyed while the page waited
                    new_id = sid if sid is not None else self.session_ids.allocate(self._sessions)
                    if sid is not None:
                        self._log.info("pgwidgets: a page from %s presented session %r, "
                                       "which this process does not hold: a new session "
                                       "of that id was made", remote_of(ws), sid)
                    session = self._new_session(new_id, token if sid is not None else None)
                    fresh = True
                self._admission.hold(session)
        try:
            await ws.send(protocol.encode(protocol.session_info(session.id, session.token)))
        except ConnectionClosed:
            if not session.is_connected:
                self._admission.let_go(session)
            return None
        self._expiry.cancel(session)
        session.add_connection(ws, rebuild_page=not fresh)   # a program may wrap it
        conn = session.connection_of(ws)
        if fresh:
            self._dispatch_hooks(self._connect_handlers, session, "on_connect")
        return session, conn

    def _dispatch_hooks(self, handlers: list[Callable[..., Any]], session: Session, what: str) -> None:
        for h in handlers:
            self.dispatcher.submit(session, h, (session,), {}, what)
