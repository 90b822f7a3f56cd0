"""An :class:`~pgwidgets_core.Application` as a plain ASGI 3 app: mount it in Starlette
or FastAPI, run it under uvicorn (or any ASGI server), on that server's event loop.

``Application(listen=False).asgi()`` answers, under whatever prefix it is mounted at:

- HTTP ``GET``/``HEAD``: the connector page and the pgwidgets-js assets, exactly as the
  built-in server answers them (:meth:`Site.answer_get <pgwidgets_core.site.Site.answer_get>`);
- the WebSocket at ``<prefix>/ws`` (``ws_path``): the origin checked as usual, then the
  page served by :meth:`Application.serve_page` through an :class:`ASGISocket`;
- ``lifespan`` (when it is the server's top-level app): start at startup, close at
  shutdown. Mounted, the host app's lifespan should ``async with`` the application
  (Starlette does not pass lifespan on); the first request starts it otherwise.

The page finds its WebSocket beside itself (``location``), so any prefix works, also
behind a proxy. Frame size, compression and pings are the ASGI server's settings.
No framework is imported here: only the ASGI messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from websockets.exceptions import ConnectionClosed
from websockets.frames import Close

from .errors import ApplicationClosedError

if TYPE_CHECKING:
    from .application import Application

__all__ = ["ASGIApp", "ASGISocket", "local_path"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
T = TypeVar("T")

_QUEUE = 16         # frames read ahead of the core (websockets' default max_queue)
_GONE = object()    # queued after the last frame


def local_path(scope: Scope) -> str:
    """The request path below the mount point (``root_path``), as Starlette's Mount
    computes it; ``""`` for the mount point itself without its slash."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):]
    return path


def _headers(scope: Scope) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", ())]


class ASGISocket:
    """An accepted ASGI WebSocket with the methods the core uses of websockets'
    ``ServerConnection`` (:class:`~pgwidgets_core.connection.PageSocket`).

    A reader task takes the ASGI ``receive`` messages (so :meth:`wait_closed` notices a
    page leaving while nobody reads); sends are written in order, one at a time.
    """

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        self._asgi_receive = receive
        self._asgi_send = send
        self._frames: asyncio.Queue[Any] = asyncio.Queue(_QUEUE)
        self._gone = asyncio.Event()          # the page left, or we closed
        self._close: Close | None = None      # the code and reason it ended with
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    @property
    def remote_address(self) -> Any:
        """The client's ``(host, port)``, as the server reported it (or None)."""
        return self.scope.get("client")

    @property
    def closed(self) -> bool:
        return self._gone.is_set()

    async def accept(self) -> None:
        """Complete the handshake and start reading."""
        await self._asgi_send({"type": "websocket.accept"})
        self._reader = asyncio.get_running_loop().create_task(self._read(),
                                                              name="pgwidgets-asgi-reader")

    async def _read(self) -> None:
        try:
            while True:
                msg = await self._asgi_receive()
                if msg["type"] == "websocket.receive":
                    text = msg.get("text")
                    await self._frames.put(text if text is not None else msg.get("bytes", b""))
                elif msg["type"] == "websocket.disconnect":
                    self._ended(Close(msg.get("code", 1005), msg.get("reason") or ""))
                    return
        except OSError:                       # the server lost the client
            self._ended(Close(1006, ""))

    def _ended(self, close: Close) -> None:
        if self._close is None:
            self._close = close
        if not self._gone.is_set():
            self._gone.set()
            if not self._frames.full():       # else recv() sees _gone once it is drained
                self._frames.put_nowait(_GONE)

    def _closed_error(self) -> ConnectionClosed:
        return ConnectionClosed(self._close, None)

    async def recv(self) -> str | bytes:
        """The next frame; ``ConnectionClosed`` once the page has gone."""
        if self._frames.empty() and self._gone.is_set():
            raise self._closed_error()
        frame = await self._frames.get()
        if frame is _GONE:
            self._frames.put_nowait(_GONE)    # for the next caller
            raise self._closed_error()
        return frame  # type: ignore[no-any-return]

    async def __aiter__(self) -> AsyncIterator[str | bytes]:
        """The frames, until the page goes."""
        while True:
            try:
                yield await self.recv()
            except ConnectionClosed:
                return

    async def send(self, message: str | bytes) -> None:
        """Send one frame (text for ``str``); ``ConnectionClosed`` once it has gone."""
        key = "text" if isinstance(message, str) else "bytes"
        async with self._lock:
            if self._gone.is_set():
                raise self._closed_error()
            try:
                await self._asgi_send({"type": "websocket.send", key: message})
            except (OSError, RuntimeError):   # uvicorn: ClientDisconnected, closed
                self._ended(Close(1006, ""))
                raise self._closed_error() from None

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the WebSocket with ``code`` and ``reason`` (nothing once it has gone)."""
        async with self._lock:
            if self._gone.is_set():
                return
            self._ended(Close(code, reason))
            try:
                await self._asgi_send({"type": "websocket.close", "code": code, "reason": reason})
            except (OSError, RuntimeError):
                pass

    async def wait_closed(self) -> None:
        await self._gone.wait()

    async def finish(self) -> None:
        """The app is done with it: closed if still open (code 1000), reader stopped."""
        await self.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)


class ASGIApp:
    """The ASGI app of one :class:`~pgwidgets_core.Application` (``listen=False``).

    ``loop``: the loop the application runs on when it is not the ASGI server's
    (``pgwidgets_sync``); each request is then handled there, its messages passed
    between the two loops.
    """

    def __init__(self, app: Application, loop: asyncio.AbstractEventLoop | None = None) -> None:
        if app.listen:
            raise ValueError("an ASGI app needs Application(listen=False): the ASGI "
                             "server does the listening")
        self.app = app
        self.loop = loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop = self.loop
        here = asyncio.get_running_loop()
        if loop is None or loop is here:
            return await self.handle(scope, receive, send)

        async def receive_there() -> Message:
            return await _on(here, receive())

        async def send_there(msg: Message) -> None:
            await _on(here, send(msg))
        await _on(loop, self.handle(scope, receive_there, send_there))

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """One ASGI connection, on the application's loop."""
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "http":
            await self._http(scope, send)
        elif kind == "websocket":
            await self._websocket(scope, receive, send)

    async def _started(self) -> bool:
        """Start the application if nobody has (shared); False once it is closed."""
        try:
            await self.app.start()
        except ApplicationClosedError:
            return False
        return True

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            msg = await receive()
            step = msg["type"].rsplit(".", 1)[-1]          # startup / shutdown
            try:
                await (self.app.start() if step == "startup" else self.app.close())
            except Exception as exc:
                await send({"type": f"lifespan.{step}.failed", "message": repr(exc)})
            else:
                await send({"type": f"lifespan.{step}.complete"})
            if step == "shutdown":
                return

    async def _http(self, scope: Scope, send: Send) -> None:
        path = local_path(scope)
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD"):
            status, head, body = 405, [("Allow", "GET, HEAD")], b"405 Method Not Allowed\n"
        elif path == "":                  # the mount point: the page needs its slash
            query = scope.get("query_string", b"").decode("latin-1")
            target = scope.get("root_path", "") + "/" + ("?" + query if query else "")
            status, head, body = 307, [("Location", target)], b""
        elif not await self._started():
            status, head, body = 503, [], b"503 Service Unavailable\n"
        else:
            status, head, body = await self.app.site.answer_get(quote(path), _headers(scope))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in
                                [*head, ("Content-Length", str(len(body))),
                                 ("X-Content-Type-Options", "nosniff")]]})
        await send({"type": "http.response.body",
                    "body": b"" if method == "HEAD" or status == 304 else body})

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        if local_path(scope) != "/" + (self.app.ws_path or ""):
            await send({"type": "websocket.close", "code": 1000})   # a 403 on the wire
            return
        if not self._origin_ok(scope):
            await _refuse(scope, send, 403, b"Origin not allowed\n")
            return
        if not await self._started():
            await _refuse(scope, send, 503, b"Application closed\n")
            return
        ws = ASGISocket(scope, receive, send)
        await ws.accept()
        try:
            await self.app.serve_page(ws)
        finally:
            await ws.finish()

    def _origin_ok(self, scope: Scope) -> bool:
        headers = dict((k.lower(), v) for k, v in _headers(scope))
        server = scope.get("server")
        return self.app.site.origin_allowed(
            headers.get("origin"), headers.get("host"),
            server=(server[0], server[1]) if server and server[1] is not None else None,
            scheme="https" if scope.get("scheme") == "wss" else "http")


async def _refuse(scope: Scope, send: Send, status: int, body: bytes) -> None:
    """Refuse a WebSocket handshake with an HTTP response (a bare 403 if the server
    cannot send one)."""
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "websocket.http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "websocket.http.response.body", "body": body})


async def _on(loop: asyncio.AbstractEventLoop, work: Awaitable[T]) -> T:
    """Await ``work`` on ``loop`` (another thread's) and wait for it here."""
    async def there() -> T:
        return await work
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(there(), loop))
