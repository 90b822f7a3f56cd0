"""Built-in static HTTP server for the pgwidgets-js browser assets.

Pure asyncio + stdlib.  It serves the connector page, the favicon, a few
optional generated routes and the files of one static directory.  A page
load issues ~94 requests, so connections are HTTP/1.1 keep-alive and static
files carry ETags (revalidated with ``Cache-Control: no-cache``).
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import logging
import mimetypes
import os
import re
import stat
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["StaticServer", "content_type_for"]

MAX_HEAD_BYTES = 16 * 1024  # request line + headers
MAX_HEADER_LINES = 100
_CLOSE_GRACE = 2.0  # seconds close() waits for handlers / the listener

_REASONS = {
    200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
    405: "Method Not Allowed", 431: "Request Header Fields Too Large",
    500: "Internal Server Error", 505: "HTTP Version Not Supported",
}
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TARGET = re.compile(rb"[\x21-\x7e]+")  # visible ASCII only
_VERSION = re.compile(rb"HTTP/(\d)\.(\d)")
# Rejected in a decoded path: control chars, backslash (a separator on
# Windows), ':' (drive/ADS syntax on Windows) and '%' (double encoding).
_BAD_PATH_CHARS = re.compile(r"[\x00-\x1f\x7f\\%:]")

_HTML = "text/html; charset=utf-8"
_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": _HTML,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".ico": "image/x-icon",
}


def content_type_for(path: Path, default: str = "application/octet-stream") -> str:
    """Return the Content-Type for *path*, judged by its suffix only.

    A fixed table comes first because ``mimetypes`` depends on the host's
    configuration (e.g. old Windows registries map .js to text/plain, which
    browsers refuse for ES modules under ``nosniff``).
    """
    suffix = path.suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or default


class _HTTPError(Exception):
    """A client error detected while reading a request; the connection closes."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(slots=True)
class _Request:
    method: str
    path: str  # raw (still percent-encoded) path, without the query
    host: str | None
    version: tuple[int, int]
    headers: dict[str, list[str]]
    has_body: bool

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return ", ".join(values) if values else None

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for t in (self.header("connection") or "").split(",")}
        if "close" in tokens:
            return False
        return self.version >= (1, 1) or "keep-alive" in tokens


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


def _content_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    # If-None-Match uses weak comparison (RFC 9110 13.1.2), so W/ is ignored.
    if if_none_match is None:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


_Response = tuple[int, list[tuple[str, str]], bytes, str | None]  # status, headers, body, etag


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
        self._immutable: dict[str, tuple[bytes, str, str]] = {}
        self.header_timeout = header_timeout
        self.idle_timeout = idle_timeout
        self._cache: dict[Path, _Entry] = {}
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()

    def add_immutable(self, path: str, body: bytes, content_type: str) -> None:
        """Serve ``body`` at ``path``, which names this content for good (a hash in
        the name): browsers may keep it a year without asking again."""
        self._immutable[path] = (body, content_type, _content_etag(body))

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
                except _HTTPError as exc:
                    self._log.debug("http %s: %s %s", peer, exc.status, exc)
                    await self._send(writer, self._error(exc.status), head=False, keep=False)
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

    async def _read_request(self, reader: asyncio.StreamReader, first: bool) -> _Request | None:
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
                    raise _HTTPError(431, "request head too large")
                if not raw.endswith(b"\n"):
                    raise _HTTPError(400, "incomplete request head")
                raw = raw.rstrip(b"\r\n")
                if not raw:
                    break
                if raw[:1] in (b" ", b"\t"):
                    raise _HTTPError(400, "obsolete header folding")
                name, sep, value = raw.partition(b":")
                if not sep or not _TOKEN.fullmatch(name):
                    raise _HTTPError(400, "malformed header line")
                count += 1
                if count > MAX_HEADER_LINES:
                    raise _HTTPError(431, "too many header lines")
                headers.setdefault(name.decode("ascii").lower(), []).append(
                    value.strip(b" \t").decode("latin-1"))
        return self._parse_head(line, headers)

    @staticmethod
    async def _readline(reader: asyncio.StreamReader) -> bytes:
        try:
            return await reader.readline()
        except ValueError:  # a single line longer than the stream limit
            raise _HTTPError(431, "header line too long") from None

    @staticmethod
    def _parse_head(line: bytes, headers: dict[str, list[str]]) -> _Request:
        parts = line.rstrip(b"\r\n").split(b" ")
        if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not _TARGET.fullmatch(parts[1]):
            raise _HTTPError(400, "malformed request line")
        method, target_b, version_b = parts
        match = _VERSION.fullmatch(version_b)
        if match is None:
            raise _HTTPError(400, "malformed HTTP version")
        if match.group(1) != b"1":
            raise _HTTPError(505, "unsupported HTTP version")
        target = target_b.decode("ascii")
        hosts = headers.get("host", [])
        if len(hosts) > 1:
            raise _HTTPError(400, "duplicate Host header")
        host = hosts[0] if hosts else None
        if target.startswith("/"):
            # Not urlsplit: it would read "//etc/passwd" as a netloc.
            path = target.split("?", 1)[0].split("#", 1)[0]
        elif "://" in target:  # absolute-form; its authority overrides Host
            split = urlsplit(target)
            if split.scheme.lower() not in ("http", "https") or not split.netloc:
                raise _HTTPError(400, "bad absolute-form target")
            path, host = split.path or "/", split.netloc
        elif target == "*":
            path = "*"
        else:
            raise _HTTPError(400, "bad request target")
        lengths = {v.strip() for v in headers.get("content-length", [])}
        if any(not v.isdigit() for v in lengths) or len(lengths) > 1:
            raise _HTTPError(400, "bad Content-Length")
        has_body = "transfer-encoding" in headers or any(int(v) > 0 for v in lengths)
        return _Request(method.decode("ascii"), path, host,
                        (int(match.group(1)), int(match.group(2))), headers, has_body)

    async def _respond(self, request: _Request, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; return whether the connection stays open."""
        keep = request.keep_alive and not self._closing
        if request.method not in ("GET", "HEAD"):
            # An unread body would be parsed as the next request: close then.
            keep = keep and not request.has_body
            await self._send(writer, self._error(405, ("Allow", "GET, HEAD")),
                             head=False, keep=keep)
            return keep
        head = request.method == "HEAD"
        if request.has_body or request.path == "*":
            await self._send(writer, self._error(400), head=head, keep=False)
            return False
        status, headers, body, etag = await self._route(request)
        if etag is not None:
            if request.path in self._immutable:
                cache = "public, max-age=31536000, immutable"
            else:
                cache = f"public, max-age={self.max_age}" if self.max_age else "no-cache"
            headers += [("ETag", etag), ("Cache-Control", cache)]
            if _etag_matches(request.header("if-none-match"), etag):
                status, body = 304, b""
        await self._send(writer, (status, headers, body, etag), head=head, keep=keep)
        return keep

    async def _route(self, request: _Request) -> _Response:
        path = request.path
        try:
            if path in ("/", "/index.html"):
                page = self._index_html(request.host)
                return 200, [("Content-Type", _HTML), ("Cache-Control", "no-store")], page, None
            if path in self._immutable:
                body, ctype, etag = self._immutable[path]
                return 200, [("Content-Type", ctype)], body, etag
            if path in self._extra_routes:
                body, ctype = self._extra_routes[path]()
                etag = _content_etag(body)
                return 200, [("Content-Type", ctype)], body, etag
        except Exception:  # the caller's callback failed, not the client
            self._log.exception("http: generating %s failed", path)
            return self._error(500)
        if path in ("/favicon.svg", "/favicon.ico"):
            file = self._favicon
            ctype_default = "image/svg+xml"
        else:
            file = self._resolve_static(path)
            ctype_default = "application/octet-stream"
        entry = await self._load(file) if file is not None else None
        if entry is None or file is None:
            return self._error(404)
        return 200, [("Content-Type", content_type_for(file, ctype_default))], entry.data, entry.etag

    def _resolve_static(self, raw_path: str) -> Path | None:
        """Map a request path to a file inside the static dir, or None."""
        path = unquote(raw_path)  # exactly once; a leftover '%' is rejected
        if _BAD_PATH_CHARS.search(path) or not path.startswith("/") or path.endswith("/"):
            return None
        segments = path[1:].split("/")
        # Empty segments ("//"), "." / ".." and dotfiles are never served.
        if any(not seg or seg.startswith(".") for seg in segments):
            return None
        try:
            candidate = self._root.joinpath(*segments).resolve()
        except (OSError, RuntimeError, ValueError):  # symlink loops etc.
            return None
        # resolve() follows symlinks, so a link pointing outside fails here.
        if candidate == self._root or not candidate.is_relative_to(self._root):
            return None
        return candidate

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

    @staticmethod
    def _error(status: int, *extra: tuple[str, str]) -> _Response:
        body = f"{status} {_REASONS[status]}\n".encode()
        return status, [("Content-Type", "text/plain; charset=utf-8"), *extra], body, None

    async def _send(self, writer: asyncio.StreamWriter, response: _Response, *, head: bool,
                    keep: bool) -> None:
        status, headers, body, _ = response  # the ETag is already in headers
        lines = [f"HTTP/1.1 {status} {_REASONS[status]}",
                 f"Date: {email.utils.formatdate(usegmt=True)}", *(f"{k}: {v}" for k, v in headers),
                 "X-Content-Type-Options: nosniff",
                 f"Connection: {'keep-alive' if keep else 'close'}"]
        if status != 304:  # a 304 never has a body; omit the length entirely
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if body and not head and status != 304:
            writer.write(body)
        # Bound the wait on a client that never reads its responses.
        async with asyncio.timeout(self.idle_timeout):
            await writer.drain()
