"""Built-in static HTTP server for the pgwidgets-js browser assets.

Pure asyncio + stdlib.  It serves the connector page, the favicon, a few
optional generated routes and the files of one static directory.  A page
load issues ~94 requests, so connections are HTTP/1.1 keep-alive and static
files carry ETags (revalidated with ``Cache-Control: no-cache``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from .httpmsg import (MAX_HEAD_BYTES, MAX_HEADER_LINES, HTML, HTTPError, Request, Response,
                      content_etag, content_type_for, error_response, etag_matches, parse_head,
                      parse_header_line, resolve_static, response_head)

__all__ = ["StaticServer", "content_type_for"]

_CLOSE_GRACE = 2.0  # seconds close() waits for handlers / the listener


@dataclass(slots=True)
class _Entry:
    key: tuple[int, int]  # (size, mtime_ns) the bytes were read at
    data: bytes
    etag: str


def _read_file(path: Path) -> tuple[bytes, tuple[int, int]]:
    # fstat the open file so the key describes the bytes actually read.
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        return fh.read(), (st.st_size, st.st_mtime_ns)




class StaticServer:
    """Serve the connector page, the favicon, extra routes and a static dir.

    ``index_html(host_header)`` returns the connector page bytes (the caller
    injects the WebSocket URL).  ``extra_routes`` maps exact request paths to
    functions returning ``(body, content_type)``.  ``header_timeout`` bounds
    the time to receive a request head; ``idle_timeout`` bounds the wait for
    the next request on a keep-alive connection (and for a slow reader).
    """

    def __init__(self, static_dir: Path, *, index_html: Callable[[str | None], bytes],
                 favicon: Path | None = None, logger: logging.Logger | None = None,
                 extra_routes: dict[str, Callable[[], tuple[bytes, str]]] | None = None,
                 header_timeout: float = 10.0, idle_timeout: float = 30.0,
                 max_age: int = 0) -> None:
        self._root = Path(static_dir).resolve()
        # Seconds the browser may reuse a file without asking (0: revalidate each time
        # with the ETag). The assets change only when pgwidgets-js is upgraded.
        self.max_age = max_age
        self._index_html = index_html
        self.favicon = favicon
        self._log = logger or logging.getLogger(__name__)
        self._extra_routes = dict(extra_routes or {})
        # path -> (body, content type, etag): content-addressed, cached for a year.
        self._immutable: dict[str, tuple[bytes | Path, str, str]] = {}
        self.header_timeout = header_timeout
        self.idle_timeout = idle_timeout
        self._cache: dict[Path, _Entry] = {}
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()

    def add_route(self, path: str, make: Callable[[], tuple[bytes, str]]) -> None:
        """Serve ``make()`` -> ``(body, content type)`` at exact path ``path``."""
        self._extra_routes[path] = make

    def add_immutable(self, path: str, body: bytes | Path, content_type: str) -> None:
        """Serve ``body`` at ``path``, which names this content for good (a hash in
        the name): browsers may keep it a year without asking again. ``body`` may be
        a file, read at each request (its content must not change: the name says it)
        and not kept in memory."""
        etag = f'"{path.rsplit("/", 1)[-1]}"' if isinstance(body, Path) else content_etag(body)
        self._immutable[path] = (body, content_type, etag)

    @property
    def favicon(self) -> Path | None:
        """File served at /favicon.svg and /favicon.ico (None → 404)."""
        return self._favicon

    @favicon.setter
    def favicon(self, value: Path | None) -> None:
        self._favicon = Path(value) if value is not None else None

    @property
    def port(self) -> int:
        """The bound TCP port (valid after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("StaticServer is not started")
        return self._port

    async def start(self, host: str, port: int) -> None:
        """Listen on *host*:*port* (0 picks a free port); listening on return."""
        if self._server is not None or self._closing:
            raise RuntimeError("StaticServer can only be started once")
        server = await asyncio.start_server(self._handle, host, port, limit=MAX_HEAD_BYTES)
        ports = [s.getsockname()[1] for s in server.sockets]
        if len(set(ports)) > 1:
            # Port 0 on a name with several addresses ("localhost" → 127.0.0.1
            # and ::1) gets one random port per address; rebind all on the
            # first so that .port is right whichever address a browser picks.
            server.close()
            await server.wait_closed()
            server = await asyncio.start_server(self._handle, host, ports[0],
                                                limit=MAX_HEAD_BYTES)
        self._server = server
        self._port = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and drop open (keep-alive) connections. Idempotent."""
        if self._closing:
            return
        self._closing = True
        server = self._server
        if server is None:
            return
        server.close()
        # asyncio.Server.wait_closed() waits for every connection, and idle
        # keep-alive clients would otherwise hold it for idle_timeout.
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=_CLOSE_GRACE)
        with suppress(TimeoutError):
            async with asyncio.timeout(_CLOSE_GRACE):
                await server.wait_closed()

    # -- connection handling ------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        peer = writer.get_extra_info("peername")
        aborted = False
        try:
            first = True
            while not self._closing:
                try:
                    request = await self._read_request(reader, first)
                except HTTPError as exc:
                    self._log.debug("http %s: %s %s", peer, exc.status, exc)
                    await self._send(writer, error_response(exc.status), head=False, keep=False)
                    break
                if request is None or not await self._respond(request, writer):
                    break
                first = False
        except asyncio.CancelledError:
            # close() is shutting down.  Not re-raised: Python 3.12's
            # client_connected_cb done-callback calls task.exception(), which
            # would log a spurious error for a cancelled task.
            aborted = True
        except OSError as exc:  # resets, broken pipes, timeouts
            self._log.debug("http %s: connection ended: %r", peer, exc)
            aborted = True
        except Exception:  # a bug must not take the server down
            self._log.debug("http %s: unexpected error", peer, exc_info=True)
            aborted = True
        finally:
            if not aborted:
                writer.close()
                try:
                    async with asyncio.timeout(1.0):
                        await writer.wait_closed()
                except (Exception, asyncio.CancelledError):
                    aborted = True
            # abort() drops unsent data: a client that stopped reading (or a
            # shutdown) must not keep the transport alive.
            if aborted:
                writer.transport.abort()
            self._tasks.discard(task)

    async def _read_request(self, reader: asyncio.StreamReader, first: bool) -> Request | None:
        """Read one request head; None on a clean EOF between requests."""
        loop = asyncio.get_running_loop()
        # The first request's whole head must arrive within header_timeout; a
        # keep-alive follow-up may take idle_timeout to start, then its head
        # gets header_timeout (slow-loris guard).
        deadline = loop.time() + (self.header_timeout if first else self.idle_timeout)
        async with asyncio.timeout_at(deadline):
            line = await self._readline(reader)
            for _ in range(4):  # RFC 9112 2.2: tolerate stray CRLFs between requests
                if line not in (b"\r\n", b"\n"):
                    break
                line = await self._readline(reader)
            if not line:
                return None
        total, count = len(line), 0
        headers: dict[str, list[str]] = {}
        async with asyncio.timeout_at(
                deadline if first else loop.time() + self.header_timeout):
            while True:
                raw = await self._readline(reader)
                total += len(raw)
                if total > MAX_HEAD_BYTES:
                    raise HTTPError(431, "request head too large")
                if not parse_header_line(raw, headers):
                    break
                count += 1
                if count > MAX_HEADER_LINES:
                    raise HTTPError(431, "too many header lines")
        return parse_head(line, headers)

    @staticmethod
    async def _readline(reader: asyncio.StreamReader) -> bytes:
        try:
            return await reader.readline()
        except ValueError:  # a single line longer than the stream limit
            raise HTTPError(431, "header line too long") from None

    async def _respond(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; return whether the connection stays open."""
        keep = request.keep_alive and not self._closing
        if request.method not in ("GET", "HEAD"):
            # An unread body would be parsed as the next request: close then.
            keep = keep and not request.has_body
            await self._send(writer, error_response(405, ("Allow", "GET, HEAD")),
                             head=False, keep=keep)
            return keep
        head = request.method == "HEAD"
        if request.has_body or request.path == "*":
            await self._send(writer, error_response(400), head=head, keep=False)
            return False
        status, headers, body, etag = await self.answer(request)
        await self._send(writer, (status, headers, body, etag), head=head, keep=keep)
        return keep

    async def answer(self, request: Request) -> Response:
        """The response to a GET of ``request.path`` with its caching headers (a 304 when
        the client's ETag matches). Also used by one-port mode (see ``Site``)."""
        status, headers, body, etag = await self._route(request)
        if etag is not None:
            if request.path in self._immutable:
                cache = "public, max-age=31536000, immutable"
            else:
                cache = f"public, max-age={self.max_age}" if self.max_age else "no-cache"
            headers += [("ETag", etag), ("Cache-Control", cache)]
            if etag_matches(request.header("if-none-match"), etag):
                status, body = 304, b""
        return status, headers, body, etag

    async def _route(self, request: Request) -> Response:
        path = request.path
        try:
            if path in ("/", "/index.html"):
                page = self._index_html(request.host)
                return 200, [("Content-Type", HTML), ("Cache-Control", "no-store")], page, None
            if path in self._immutable:
                body, ctype, etag = self._immutable[path]
                if isinstance(body, Path):
                    body = await asyncio.to_thread(body.read_bytes)
                return 200, [("Content-Type", ctype)], body, etag
            if path in self._extra_routes:
                body, ctype = self._extra_routes[path]()
                etag = content_etag(body)
                return 200, [("Content-Type", ctype)], body, etag
        except Exception:  # the caller's callback failed, not the client
            self._log.exception("http: generating %s failed", path)
            return error_response(500)
        if path in ("/favicon.svg", "/favicon.ico"):
            file = self._favicon
            ctype_default = "image/svg+xml"
        else:
            file = resolve_static(self._root, path)
            ctype_default = "application/octet-stream"
        entry = await self._load(file) if file is not None else None
        if entry is None or file is None:
            return error_response(404)
        return 200, [("Content-Type", content_type_for(file, ctype_default))], entry.data, entry.etag

    async def _load(self, path: Path) -> _Entry | None:
        """Return the (cached) bytes of regular file *path*, or None."""
        try:
            path = path.resolve()  # one cache key per real file
            st = path.stat()
        except (OSError, RuntimeError, ValueError):
            return None
        if not stat.S_ISREG(st.st_mode):
            return None  # directories (no listings), devices, fifos
        entry = self._cache.get(path)
        if entry is not None and entry.key == (st.st_size, st.st_mtime_ns):
            return entry
        try:
            data, key = await asyncio.to_thread(_read_file, path)
        except OSError:
            return None
        entry = _Entry(key, data, f'"{key[0]:x}-{key[1]:x}"')
        self._cache[path] = entry
        return entry

    # -- writing --------------------------------------------------------------

    async def _send(self, writer: asyncio.StreamWriter, response: Response, *, head: bool,
                    keep: bool) -> None:
        status, headers, body, _ = response  # the ETag is already in headers
        writer.write(response_head(status, headers, keep=keep, length=len(body)))
        if body and not head and status != 304:
            writer.write(body)
        # Bound the wait on a client that never reads its responses.
        async with asyncio.timeout(self.idle_timeout):
            await writer.drain()
