"""``Application``: the servers, the page handshake, admission and lifecycle."""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import signal
import threading
from collections import deque
from http import HTTPStatus
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import pgwidgets_js
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from . import bundle, protocol
from .bundle import Bundle
from .connection import Connection
from .dispatch import Dispatcher
from .errors import ApplicationClosedError, ProtocolError
from .http import StaticServer
from .protocol import CallbackEvent, Reply, ViewportEvent
from .session import Session

__all__ = ["Application", "Session"]

_WILDCARD = ("0.0.0.0", "::", "")
_HANDSHAKE_TIMEOUT = 10.0
_ASSET_MAX_AGE = 3600         # seconds browsers reuse the pgwidgets-js files
_BAD_FRAME_LOGS = 5            # malformed frames logged per connection and window
_BAD_FRAME_WINDOW = 60.0       # seconds


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _normalize_id(sid: Any) -> Any:
    # The page turns an all-digit id into a number; so do we, or "42" never rejoins.
    if isinstance(sid, str) and sid.isdigit() and sid.isascii():
        return int(sid)
    return sid


class _Admission:
    """``max_sessions``: a slot per session that has at least one page.

    Waiting pages are served first come, first served; a page that leaves while
    waiting gives its turn (or a slot already handed to it) back.
    """

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.used = 0                              # loop thread only
        self._waiters: deque[asyncio.Future] = deque()

    async def take(self, gone: asyncio.Future) -> bool:
        if self.limit is None or (self.used < self.limit and not self._waiters):
            self.used += 1
            return True
        turn = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        await asyncio.wait([turn, gone], return_when=asyncio.FIRST_COMPLETED)
        if turn.done():
            if gone.done():          # granted, but the page left: pass it on
                self.release()
                return False
            return True
        turn.cancel()
        self._waiters.remove(turn)
        return False

    def release(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(True)            # the slot changes hands
                return
        self.used -= 1


class Application:
    """Main entry point: serves the pgwidgets-js page and gives each browser a Session.

    ``app = Application(ws_port=9500, http_port=9501)`` then ``await app.run()``.
    Pass port 0 to let the system choose; :attr:`url` tells the result after start.
    """

    def __init__(self, ws_port: int = 9500, http_port: int = 9501, host: str = "127.0.0.1",
                 http_server: bool = True, concurrency_handling: str = "per_session",
                 max_sessions: int | None = 1, logger: logging.Logger | None = None, *,
                 # Security
                 allowed_origins: Iterable[str] | None = (),
                 # Timeouts and limits
                 call_timeout: float = 30.0, max_frame_size: int = 16 * 2**20,
                 session_idle_timeout: float | None = None,
                 # Transport
                 compression: bool = False) -> None:
        for name, port in (("ws_port", ws_port), ("http_port", http_port)):
            if not isinstance(port, int) or not 0 <= port <= 65535:
                raise ValueError(f"{name} must be a port number 0-65535, got {port!r}")
        if max_sessions is not None and (not isinstance(max_sessions, int) or max_sessions < 1):
            raise ValueError(f"max_sessions must be a positive int or None, got {max_sessions!r}")
        if not call_timeout > 0:
            raise ValueError(f"call_timeout must be positive, got {call_timeout!r}")
        if session_idle_timeout is not None and not session_idle_timeout > 0:
            raise ValueError(f"session_idle_timeout must be positive or None, "
                             f"got {session_idle_timeout!r}")
        self.session_idle_timeout = session_idle_timeout
        self.ws_port = ws_port
        self.http_port = http_port
        self.host = host
        self.http_server = http_server
        self.concurrency_handling = concurrency_handling
        self.max_sessions = max_sessions
        self.call_timeout = call_timeout
        self.max_frame_size = max_frame_size
        self.compression = bool(compression)
        # Without a logger, errors still reach stderr (logging's last resort).
        self._log = logger or logging.getLogger("pgwidgets_core")
        self._dispatcher = Dispatcher(concurrency_handling, self._log)
        self._extra_origins = None if allowed_origins is None else set(allowed_origins)
        self._sessions: dict[Any, Session] = {}
        self._next_id = 1
        self._admission = _Admission(max_sessions)
        self._connect_handlers: list[Callable[[Session], Any]] = []
        self._disconnect_handlers: list[Callable[[Session], Any]] = []
        self._favicon: Path = self.static_path / "icons" / "pgicon.svg"
        self._ws_server: Any = None
        self._http: StaticServer | None = None
        self._page: bytes | None = None
        self._page_source = b""        # remote.html as served (bundles linked), read once
        self._bundle: Bundle | None = None
        self._dirty: set[Connection] = set()     # see Connection.write_now (loop thread)
        self._started = False
        self._closed = False
        self._done: asyncio.Event | None = None

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
        return f"http://{_url_host(self.host)}:{self.http_port}/"

    def set_favicon(self, path: str | Path) -> None:
        """Serve the image at ``path`` as the favicon (SVG, PNG, ICO...)."""
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"favicon file not found: {p}")
        self._favicon = p
        if self._http is not None:
            self._http.favicon = p

    # ---- sessions ---------------------------------------------------------------
    def create_session(self, session_id: int | str | None = None, *,
                       token: str | None = None, expires: bool = False) -> Session:
        """Create a session with no page; build its UI now, open :attr:`Session.url`
        later. ``on_connect`` never runs for it. It is kept until destroyed, unless
        ``expires=True``: then, like sessions made by pages, it is destroyed after
        ``session_idle_timeout`` seconds without a page."""
        self._check_open()
        if session_id is None:
            session_id = self._allocate_id()
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
        session._expires = expires
        if expires:
            self._idle(session)
        return session

    def _allocate_id(self) -> int:
        while self._next_id in self._sessions:
            self._next_id += 1
        sid = self._next_id
        self._next_id += 1
        return sid

    def _new_session(self, sid: Any, token: str | None) -> Session:
        s = Session(self, sid, token=token)
        self._sessions[sid] = s
        if isinstance(sid, int) and sid >= self._next_id:
            self._next_id = sid + 1
        return s

    def _idle(self, session: Session) -> None:
        """``session`` has no page left: destroy it after ``session_idle_timeout``."""
        if self.session_idle_timeout is None or not session._expires or self._closed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return                              # not started yet: armed by start()

        def expire() -> None:
            if not session._conns and not session._destroyed:
                self._log.info("pgwidgets: session %r expired (no page for %s s)",
                               session.id, self.session_idle_timeout)
                loop.create_task(session.destroy())
        session._expiry = loop.call_later(self.session_idle_timeout, expire)

    def _forget(self, session: Session) -> None:
        if self._sessions.get(session.id) is session:
            del self._sessions[session.id]

    def _check_open(self) -> None:
        if self._closed:
            raise ApplicationClosedError("the application was closed")

    # ---- lifecycle --------------------------------------------------------------
    async def start(self) -> None:
        """Start the WebSocket server (and the HTTP server if enabled); both listen
        when this returns."""
        self._check_open()
        if self._started:
            return
        self._done = asyncio.Event()
        self._ws_server = await serve(
            self._serve_page, self.host, self.ws_port, process_request=self._check_origin,
            max_size=self.max_frame_size, compression="deflate" if self.compression else None)
        self.ws_port = self._ws_server.sockets[0].getsockname()[1]
        if self.http_server:
            self._http = StaticServer(self.static_path, index_html=self._index,
                                      favicon=self._favicon, logger=self._log,
                                      max_age=_ASSET_MAX_AGE)
            source = self.remote_html.read_bytes()
            self._bundle = await asyncio.to_thread(self._build_bundle, source)
            if self._bundle is not None:
                source = self._bundle.rewrite(source)
                self._http.add_immutable(self._bundle.script_path, self._bundle.script,
                                         "text/javascript; charset=utf-8")
                self._http.add_immutable(self._bundle.style_path, self._bundle.style,
                                         "text/css; charset=utf-8")
            self._page_source = source
            self._page = self._connector_page(None)
            try:
                await self._http.start(self.host, self.http_port)
            except BaseException:
                self._ws_server.close()
                raise
            self.http_port = self._http.port
        self._started = True
        self._log.info("pgwidgets: open %s", self.url or f"the page with ?ws={self._ws_url(None)}")

    async def run(self) -> None:
        """Start if needed, then serve until :meth:`close`. Ctrl-C closes cleanly."""
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

    async def close(self) -> None:
        """Close every page and both servers; :meth:`run` returns. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._done is not None:
            self._done.set()
        for s in list(self._sessions.values()):
            await s._close_pages(4002, "Application closed")
        if self._ws_server is not None:
            self._ws_server.close()
            await self._ws_server.wait_closed()
        if self._http is not None:
            await self._http.close()
        await self._dispatcher.cancel_all()

    async def __aenter__(self) -> Application:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    # ---- HTTP -------------------------------------------------------------------
    def _ws_url(self, host_header: str | None) -> str:
        host = self.host
        if host in _WILDCARD and host_header:
            host = urlsplit("//" + host_header).hostname or host
            host = f"[{host}]" if ":" in host else host
        return f"ws://{_url_host(host)}:{self.ws_port}"

    def _index(self, host_header: str | None) -> bytes:
        if self.host in _WILDCARD and host_header:
            return self._connector_page(host_header)
        assert self._page is not None
        return self._page

    def _connector_page(self, host_header: str | None) -> bytes:
        return _inject(self._page_source, self._ws_url(host_header))

    def _build_bundle(self, page: bytes) -> Bundle | None:
        """One script and one stylesheet for the ~94 asset files (see bundle.py);
        None when switched off (``PGWIDGETS_BUNDLE=0``) or the sources are not of
        the forms the bundler knows: then the page loads the files one by one."""
        if os.environ.get("PGWIDGETS_BUNDLE", "1") == "0":
            return None
        found = bundle.build(Path(self.static_path), page)
        if found is None:
            self._log.info("pgwidgets: assets served unbundled (unrecognised sources)")
        return found

    def _write_now(self) -> None:
        """Write every page's queued messages now (loop thread): the end of a burst
        of work, such as a frame's handlers or a batch of calls from other threads."""
        dirty = self._dirty
        while dirty:
            dirty.pop().write_now()

    def _check_origin(self, ws: ServerConnection, request: Any) -> Any:
        origin = request.headers.get("Origin")
        if origin is None or self._extra_origins is None:
            return None                        # not a browser, or any origin allowed
        if origin in self._extra_origins or origin in self._own_origins(request):
            return None
        self._log.warning("pgwidgets: refused a WebSocket from origin %r", origin)
        return ws.respond(HTTPStatus.FORBIDDEN, "Origin not allowed\n")

    def _own_origins(self, request: Any) -> set[str]:
        hosts = {"localhost", "127.0.0.1", "[::1]", _url_host(self.host)}
        if self.host in _WILDCARD:
            h = urlsplit("//" + (request.headers.get("Host") or "")).hostname
            if h:
                hosts.add(f"[{h}]" if ":" in h else h)
        return {f"http://{h}:{self.http_port}" for h in hosts}

    # ---- one page ---------------------------------------------------------------
    async def _serve_page(self, ws: ServerConnection) -> None:
        try:
            await ws.send(protocol.encode(protocol.init()))
            ack = await asyncio.wait_for(ws.recv(), _HANDSHAKE_TIMEOUT)
            events = protocol.parse_frame(ack)
            reply = events[0] if len(events) == 1 else None
            if not isinstance(reply, Reply) or reply.id != 0 or not reply.ok:
                raise ProtocolError(f"expected the init reply, got {ack!r:.80}")
        except (ConnectionClosed, TimeoutError):
            return
        except ProtocolError as exc:
            self._log.warning("pgwidgets: bad handshake from %s: %s", ws.remote_address, exc)
            await ws.close(4003, "Bad handshake")
            return
        session = await self._admit(ws, _normalize_id(reply.session_id), reply.token)
        if session is None:
            return
        conn = session._conn_for(ws)
        assert conn is not None
        try:
            await self._read_frames(session, conn)
        finally:
            session._detach(conn)
            if not session._conns and session._holds_slot:
                session._holds_slot = False
                self._admission.release()
            if not session._conns:
                self._idle(session)
            self._dispatch_hooks(self._disconnect_handlers, session, "on_disconnect")

    async def _admit(self, ws: ServerConnection, sid: Any, token: str | None
                     ) -> Session | None:
        """Find or make the page's session, wait for a slot, attach and start it."""
        session = self._sessions.get(sid) if sid is not None else None
        if session is not None and (token is None or not hmac.compare_digest(
                token.encode(), session.token.encode())):
            await ws.close(4001, "Invalid session credentials")
            return None
        fresh = False
        if session is None or not session._conns:
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
            if session is not None and session._conns:     # another page won the race
                self._admission.release()
            else:
                if session is None or self._sessions.get(sid) is not session:
                    # a new page, or an id we do not know (kept, so links survive a
                    # server restart), or a session destroyed while the page waited
                    new_id = sid if sid is not None else self._allocate_id()
                    session = self._new_session(new_id, token if sid is not None else None)
                    fresh = True
                session._holds_slot = True
        try:
            await ws.send(protocol.encode(protocol.session_info(session.id, session.token)))
        except ConnectionClosed:
            if not session._conns and session._holds_slot:
                session._holds_slot = False
                self._admission.release()
            return None
        conn = Connection(ws, session._on_reply_error, self._dirty)
        session._attach(conn)
        if fresh:
            self._dispatch_hooks(self._connect_handlers, session, "on_connect")
        else:
            session._replay_to([conn])
        return session

    async def _read_frames(self, session: Session, conn: Connection) -> None:
        try:
            async for data in conn.ws:
                # Nothing a page sends may end its connection: each frame, and each
                # message of an array frame, fails alone (logged, rate-limited).
                try:
                    if isinstance(data, bytes):
                        if not conn.upload_headers:
                            raise ProtocolError("binary frame without a binary-chunk header")
                        session._on_upload_chunk(conn, conn.upload_headers.popleft(), data)
                        continue
                    events = protocol.parse_frame(data)
                except Exception as exc:
                    self._bad_frame(session, conn, exc, data)
                    continue
                for ev in events:
                    try:
                        self._handle(session, conn, ev)
                    except Exception as exc:
                        self._bad_frame(session, conn, exc, data)
                self._write_now()             # what the frame's handlers sent, at once
        except ConnectionClosed:
            pass

    def _handle(self, session: Session, conn: Connection, ev: Any) -> None:
        if isinstance(ev, Reply):
            conn.resolve(ev)
        elif isinstance(ev, CallbackEvent):
            session._on_callback(conn, ev)
        elif isinstance(ev, ViewportEvent):
            if session._conns and conn is session._conns[0]:
                session._screen = (ev.width, ev.height)
        elif isinstance(ev, ProtocolError):
            raise ev
        elif ev is not None:
            conn.upload_headers.append(ev)

    def _bad_frame(self, session: Session, conn: Connection, exc: Exception,
                   data: Any) -> None:
        # Rate-limited: a hostile page must not flood the log.
        now = asyncio.get_running_loop().time()
        if now - conn.bad_since > _BAD_FRAME_WINDOW:
            if conn.bad_count > _BAD_FRAME_LOGS:
                self._log.warning("pgwidgets: session %r: %d more malformed frames ignored",
                                  session.id, conn.bad_count - _BAD_FRAME_LOGS)
            conn.bad_since, conn.bad_count = now, 0
        conn.bad_count += 1
        if conn.bad_count <= _BAD_FRAME_LOGS:
            # Our own bugs show with their traceback; bad input is one line.
            self._log.warning("pgwidgets: session %r: ignored a malformed frame (%s): %.120r",
                              session.id, exc, data,
                              exc_info=None if isinstance(exc, ProtocolError) else exc)

    def _dispatch_hooks(self, handlers: list[Callable], session: Session, what: str) -> None:
        for h in handlers:
            self._dispatcher.submit(session, h, (session,), {}, what)


def _callable(handler: Any, what: str) -> Any:
    if not callable(handler):
        raise TypeError(f"{what} handler must be callable, not {type(handler).__name__}")
    return handler


def _inject(page: bytes, ws_url: str) -> bytes:
    script = f'<script>window.PGWIDGETS_WS_URL = "{ws_url}";</script>\n'.encode()
    i = page.find(b"<head>")
    if i < 0:
        return script + page
    i += len(b"<head>")
    return page[:i] + b"\n" + script + page[i:]
