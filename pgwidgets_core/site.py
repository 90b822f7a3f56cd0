"""What the browser loads before it talks to us: the connector page, its assets,
the WebSocket URL written into the page, and which page origins may connect.

``Application`` owns the sockets and sessions; a ``Site`` owns everything the
HTTP side serves and the origin check of the WebSocket handshake.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from http import HTTPStatus
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Response

from .bundle import Bundle
from .bundlecache import BundleFiles, find_or_build
from .http import StaticServer
from .httpmsg import Request
from .pagesocket import PageConnection
from .routing import ROUTE_SCRIPT

__all__ = ["Site", "url_host", "inject_ws_url", "relative_links", "ws_from_location",
           "WILDCARD"]

WILDCARD = ("0.0.0.0", "::", "")
_ASSET_MAX_AGE = 3600         # seconds browsers reuse the pgwidgets-js files


def url_host(host: str) -> str:
    """*host* as it appears in a URL a browser on this machine can open."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def relative_links(page: bytes) -> bytes:
    """The connector page with its links relative (``./Widgets.js``): under a path prefix
    (``/myapp/`` behind a proxy) they stay under it."""
    return page.replace(b'from "/', b'from "./').replace(b'href="/', b'href="./')


def ws_from_location(path: str) -> str:
    """JavaScript for the WebSocket URL at ``path`` beside the page (scheme and path
    prefix kept): one-port mode, and exported pages."""
    return ("(location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host"
            f" + location.pathname.replace(/[^/]*$/, '') + {json.dumps(path)}")


def inject_ws_url(page: bytes, ws_url: str, *, expression: bool = False,
                  route: bool = False) -> bytes:
    """The connector page with ``window.PGWIDGETS_WS_URL`` set first in its head (to a
    JavaScript ``expression`` instead of a string if told); with ``route``, followed by
    :data:`.routing.ROUTE_SCRIPT` (the session id in the WebSocket URL)."""
    value = ws_url if expression else f'"{ws_url}"'
    script = f'<script>window.PGWIDGETS_WS_URL = {value};</script>\n'.encode()
    if route:
        script += ROUTE_SCRIPT.encode()
    i = page.find(b"<head>")
    if i < 0:
        return script + page
    i += len(b"<head>")
    return page[:i] + b"\n" + script + page[i:]


class Site:
    """The connector page and static files of one application, and its origins.

    ``ws_port`` and ``http_port`` are the application's (0 until it listens).
    """

    def __init__(self, host: str, static_path: Path, remote_html: Path, favicon: Path,
                 logger: logging.Logger, allowed_origins: Iterable[str] | None) -> None:
        self.host = host
        self.static_path = static_path
        self.remote_html = remote_html
        self.ws_port = 0
        self.http_port = 0
        self._favicon = favicon
        self._log = logger
        self._extra_origins = None if allowed_origins is None else set(allowed_origins)
        self._http: StaticServer | None = None
        self._page: bytes | None = None
        self._page_source = b""        # remote.html as served (bundles linked), read once
        self._routes: dict[str, Any] = {}   # path -> make() -> (body, type): fonts...
        self.ws_path: str | None = None     # one-port mode: the WebSocket's path
        #: The page's WebSocket URL carries its session id (for a proxy routing by it).
        self.route_sessions = False

    @property
    def favicon(self) -> Path:
        return self._favicon

    @favicon.setter
    def favicon(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"favicon file not found: {path}")
        self._favicon = path
        if self._http is not None:
            self._http.favicon = path

    def add_route(self, path: str, make: Any) -> None:
        """Serve ``make()`` -> ``(body, content type)`` at ``path`` (before or after start)."""
        self._routes[path] = make
        if self._http is not None:
            self._http.add_route(path, make)

    # ---- serving ----------------------------------------------------------------
    async def serve(self, handler: Any, *, ws_port: int, http_port: int, http_server: bool,
                    ws_sock: Any = None, ws_path: str | None = None,
                    **ws_options: Any) -> tuple[Any, int, int]:
        """Listen: the WebSocket server (``handler`` per page) and, with ``http_server``,
        the page and its assets on ``http_port``; with ``ws_path`` all of it on the one
        port ``http_port``, the WebSocket at ``/<ws_path>``. Returns the WebSocket
        server and the two ports listened on. websockets' own keepalive is off: the
        application pings from one timer (:mod:`pgwidgets_core.keepalive`); each page's
        messages are handed over as they arrive (:mod:`pgwidgets_core.pagesocket`)."""
        ws_options.update(ping_interval=None, create_connection=PageConnection)
        if ws_path is not None:
            self.ws_path = ws_path
            await self._prepare()
            where: dict[str, Any] = ({"sock": ws_sock} if ws_sock is not None
                                     else {"host": self.host, "port": http_port})
            server = await serve(handler, **where, process_request=self.one_port_request,
                                 **ws_options)
            self.ws_port = self.http_port = server.sockets[0].getsockname()[1]
            return server, self.ws_port, self.http_port
        where = ({"sock": ws_sock} if ws_sock is not None
                 else {"host": self.host, "port": ws_port})
        server = await serve(handler, **where, process_request=self.check_origin,
                             **ws_options)
        self.ws_port = server.sockets[0].getsockname()[1]
        if http_server:
            try:
                http_port = await self.start(http_port)
            except BaseException:
                server.close()
                raise
        return server, self.ws_port, http_port

    async def _prepare(self) -> StaticServer:
        """The static server and the connector page, made once."""
        if self._http is not None:
            return self._http
        self._http = http = StaticServer(self.static_path, index_html=self.index,
                                         favicon=self._favicon, logger=self._log,
                                         max_age=_ASSET_MAX_AGE, extra_routes=self._routes)
        source = self.remote_html.read_bytes()
        found = await asyncio.to_thread(self._build_bundle, source)
        if found is not None:
            source = found.rewrite(source)
            script, style = ((found.script_file, found.style_file)
                             if isinstance(found, BundleFiles) else (found.script, found.style))
            http.add_immutable(found.script_path, script, "text/javascript; charset=utf-8")
            http.add_immutable(found.style_path, style, "text/css; charset=utf-8")
        self._page_source = relative_links(source)
        self._page = self.connector_page(None)
        return http

    async def start(self, port: int) -> int:
        """Serve the page and assets on *port*; return the port it listens on."""
        http = await self._prepare()
        await http.start(self.host, port)
        self.http_port = http.port
        return self.http_port

    async def one_port_request(self, ws: ServerConnection, request: Any) -> Any:
        """websockets' ``process_request`` in one-port mode: the WebSocket path goes on
        to the handshake (origin checked), any other GET is answered as by the HTTP
        server (the page, assets, fonts), then the connection closes."""
        path = urlsplit(request.path).path
        if path == "/" + (self.ws_path or ""):
            return self.check_origin(ws, request)
        status, head, body = await self.answer_get(path, request.headers.raw_items())
        return Response(status, HTTPStatus(status).phrase,
                        Headers([*head, ("Content-Length", str(len(body))),
                                 ("Connection", "close")]), body)

    async def answer_get(self, path: str, headers: Iterable[tuple[str, str]]
                         ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body of a GET of ``path`` (still percent-encoded, no
        query) as the HTTP server answers it: the page, assets, fonts, 304s, 404s.
        Used by one-port mode and by :mod:`pgwidgets_core.asgi`."""
        fields: dict[str, list[str]] = {}
        for k, v in headers:
            fields.setdefault(k.lower(), []).append(v)
        host = fields.get("host", [None])[0]
        http = await self._prepare()
        status, head, body, _ = await http.answer(Request("GET", path, host, (1, 1),
                                                          fields, False))
        return status, head, body

    async def embed(self, ws_path: str) -> None:
        """Serve through somebody else's server (an ASGI app): no socket of ours; the
        page finds its WebSocket at ``ws_path`` beside it, as in one-port mode."""
        self.ws_path = ws_path
        await self._prepare()

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    def ws_url(self, host_header: str | None) -> str:
        """The WebSocket URL for a page loaded with *host_header*."""
        host = self.host
        if host in WILDCARD and host_header:
            host = urlsplit("//" + host_header).hostname or host
            host = f"[{host}]" if ":" in host else host
        return f"ws://{url_host(host)}:{self.ws_port}"

    def index(self, host_header: str | None) -> bytes:
        if self.host in WILDCARD and host_header:
            return self.connector_page(host_header)
        assert self._page is not None
        return self._page

    def connector_page(self, host_header: str | None) -> bytes:
        if self.ws_path is not None:
            page = inject_ws_url(self._page_source, ws_from_location(self.ws_path),
                                 expression=True, route=self.route_sessions)
        else:
            page = inject_ws_url(self._page_source, self.ws_url(host_header),
                                 route=self.route_sessions)
        return page

    def _build_bundle(self, page: bytes) -> Bundle | BundleFiles | None:
        """One script and one stylesheet for the ~94 asset files (see bundle.py);
        None when switched off (``PGWIDGETS_BUNDLE=0``) or the sources are not of
        the forms the bundler knows: then the page loads the files one by one."""
        if os.environ.get("PGWIDGETS_BUNDLE", "1") == "0":
            return None
        found = find_or_build(Path(self.static_path), page)
        if found is None:
            self._log.info("pgwidgets: assets served unbundled (unrecognised sources)")
        return found

    # ---- origins ----------------------------------------------------------------
    def check_origin(self, ws: ServerConnection, request: Any) -> Any:
        """websockets' ``process_request``: refuse a page from a foreign origin."""
        if self.origin_allowed(request.headers.get("Origin"), request.headers.get("Host")):
            return None
        return ws.respond(HTTPStatus.FORBIDDEN, "Origin not allowed\n")

    def origin_allowed(self, origin: str | None, host_header: str | None, *,
                       server: tuple[str, int] | None = None, scheme: str = "http") -> bool:
        """Whether a WebSocket from a page of ``origin`` may connect (a refusal is
        logged). Our own origins are the loopback names and our host at our HTTP port,
        or at ``server`` (the address an ASGI server was reached at, with ``scheme``)."""
        if origin is None or self._extra_origins is None:
            return True                        # not a browser, or any origin allowed
        if origin in self._extra_origins or origin in self._own_origins(host_header, server,
                                                                         scheme):
            return True
        self._log.warning("pgwidgets: refused a WebSocket from origin %r; to allow it, pass "
                         "Application(allowed_origins=[%r])", origin, origin)
        return False

    def _own_origins(self, host_header: str | None, server: tuple[str, int] | None,
                     scheme: str) -> set[str]:
        host, port = server if server is not None else (self.host, self.http_port)
        hosts = {"localhost", "127.0.0.1", "[::1]", url_host(host)}
        if host in WILDCARD:
            h = urlsplit("//" + (host_header or "")).hostname
            if h:
                hosts.add(f"[{h}]" if ":" in h else h)
        return {f"{scheme}://{h}:{port}" for h in hosts}
