"""Tests for pgwidgets_core.http.StaticServer, spoken over raw sockets."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from pgwidgets_core.http import StaticServer

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(15)]

SECRET = b"TOPSECRET"
INDEX = b"<html>connector ws://injected</html>"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


async def read_response(reader: asyncio.StreamReader, *, head: bool = False) -> Response:
    """Read exactly one response (no body for HEAD or 304)."""
    raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    status_line, *lines = raw.decode("latin-1").split("\r\n")
    version, status, _ = status_line.split(" ", 2)
    assert version == "HTTP/1.1"
    headers = {}
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = b""
    if not head and int(status) != 304:
        body = await asyncio.wait_for(reader.readexactly(int(headers["content-length"])), 5)
    return Response(int(status), headers, body)


async def assert_closed_by_server(reader: asyncio.StreamReader, timeout: float = 3) -> None:
    """The server closed the connection and sent nothing more."""
    try:
        rest = await asyncio.wait_for(reader.read(), timeout)
    except ConnectionResetError:
        return
    assert rest == b""


class Client:
    """One raw TCP connection to the server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int) -> Client:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def get(self, path: str, *, method: str = "GET", extra: str = "") -> Response:
        await self.send(f"{method} {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n".encode())
        return await read_response(self.reader, head=method == "HEAD")

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def fetch(port: int, raw: bytes) -> Response:
    """Send *raw* on a fresh connection and read one response."""
    client = await Client.connect(port)
    try:
        await client.send(raw)
        return await read_response(client.reader, head=raw.startswith(b"HEAD "))
    finally:
        await client.close()


async def get(port: int, path: str, extra: str = "") -> Response:
    return await fetch(port, f"GET {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n".encode())


@pytest.fixture
def static_dir(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.js").write_bytes(SECRET)
    root = tmp_path / "static"
    (root / "modules").mkdir(parents=True)
    (root / "css").mkdir()
    (root / "icons").mkdir()
    (root / "Widgets.js").write_bytes(b"import './modules/Button.js';\n")
    (root / "Widgets.css").write_bytes(b"@import 'css/base.css';\n")
    (root / "remote.html").write_bytes(b"<html></html>")
    (root / "modules" / "Button.js").write_bytes(b"export class Button {}\n")
    (root / "modules" / "lib.mjs").write_bytes(b"export {};\n")
    (root / "css" / "base.css").write_bytes(b"body {}\n")
    (root / "icons" / "i.svg").write_bytes(b"<svg/>")
    (root / "icons" / "i.png").write_bytes(b"\x89PNG\r\n")
    (root / "data.json").write_bytes(b"{}")
    (root / "font.woff2").write_bytes(b"wOF2")
    (root / "blob.qqqunknown").write_bytes(b"??")
    (root / ".hidden").write_bytes(SECRET)
    (root / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (root / "modules" / "outdir").symlink_to(tmp_path / "outside")
    (root / "alias.js").symlink_to(root / "modules" / "Button.js")
    return root


@pytest.fixture
def favicon(tmp_path: Path) -> Path:
    path = tmp_path / "fav.svg"
    path.write_bytes(b"<svg>fav</svg>")
    return path


@pytest.fixture
def hosts_seen() -> list[str | None]:
    return []


@pytest_asyncio.fixture
async def make_server(static_dir: Path, favicon: Path, hosts_seen: list[str | None]):
    """Factory starting StaticServers on 127.0.0.1:0; all closed afterwards."""
    servers: list[StaticServer] = []

    def index_html(host: str | None) -> bytes:
        hosts_seen.append(host)
        return INDEX

    async def make(**kwargs) -> StaticServer:
        kwargs.setdefault("index_html", index_html)
        kwargs.setdefault("favicon", favicon)
        server = StaticServer(static_dir, **kwargs)
        await server.start("127.0.0.1", 0)
        servers.append(server)
        return server

    yield make
    for server in servers:
        await server.close()


@pytest_asyncio.fixture
async def port(make_server) -> int:
    return (await make_server()).port


# -- routes -------------------------------------------------------------------

async def test_index_serves_injected_html_and_passes_host_header(port, hosts_seen):
    resp = await fetch(port, b"GET / HTTP/1.1\r\nHost: example.test:8123\r\n\r\n")
    assert resp.status == 200
    assert resp.body == INDEX
    assert resp.header("content-type") == "text/html; charset=utf-8"
    assert resp.header("cache-control") == "no-store"
    assert resp.header("x-content-type-options") == "nosniff"
    assert hosts_seen == ["example.test:8123"]


async def test_index_html_alias_ignores_query_string(port):
    for path in ("/index.html?x=1", "/?ws=abc"):
        resp = await get(port, path)
        assert (resp.status, resp.body) == (200, INDEX)


async def test_index_without_host_header_passes_none(port, hosts_seen):
    resp = await fetch(port, b"GET / HTTP/1.0\r\n\r\n")
    assert resp.status == 200
    assert hosts_seen == [None]


async def test_absolute_form_target_serves_path_and_uses_its_authority(port, hosts_seen):
    resp = await fetch(port, b"GET http://other.test:9/ HTTP/1.1\r\nHost: test\r\n\r\n")
    assert (resp.status, resp.body) == (200, INDEX)
    assert hosts_seen == ["other.test:9"]
    resp = await get(port, "http://test/modules/Button.js")
    assert resp.body == b"export class Button {}\n"


async def test_index_callback_error_returns_500_and_server_survives(make_server):
    def broken(host: str | None) -> bytes:
        raise RuntimeError("boom")

    server = await make_server(index_html=broken)
    assert (await get(server.port, "/")).status == 500
    assert (await get(server.port, "/Widgets.js")).status == 200


@pytest.mark.parametrize(("path", "ctype"), [
    ("/Widgets.js", "text/javascript; charset=utf-8"),
    ("/modules/lib.mjs", "text/javascript; charset=utf-8"),
    ("/Widgets.css", "text/css; charset=utf-8"),
    ("/css/base.css", "text/css; charset=utf-8"),
    ("/remote.html", "text/html; charset=utf-8"),
    ("/icons/i.svg", "image/svg+xml"),
    ("/icons/i.png", "image/png"),
    ("/data.json", "application/json"),
    ("/font.woff2", "font/woff2"),
    ("/blob.qqqunknown", "application/octet-stream"),
])
async def test_static_files_are_served_with_expected_content_type(port, static_dir, path, ctype):
    resp = await get(port, path)
    assert resp.status == 200
    assert resp.header("content-type") == ctype
    assert resp.header("x-content-type-options") == "nosniff"
    assert resp.header("cache-control") == "no-cache"
    assert resp.header("etag", ).startswith('"')
    assert resp.body == (static_dir / path.lstrip("/")).read_bytes()


async def test_percent_encoded_file_name_is_decoded(port):
    resp = await get(port, "/modules/%42utton.js")
    assert resp.body == b"export class Button {}\n"


async def test_symlink_inside_static_dir_is_followed(port):
    resp = await get(port, "/alias.js")
    assert (resp.status, resp.body) == (200, b"export class Button {}\n")


async def test_favicon_served_at_svg_and_ico_paths(port):
    for path in ("/favicon.svg", "/favicon.ico", "/favicon.ico?v=2"):
        resp = await get(port, path)
        assert resp.status == 200
        assert resp.body == b"<svg>fav</svg>"
        assert resp.header("content-type") == "image/svg+xml"


async def test_favicon_none_or_missing_is_404(make_server, tmp_path):
    server = await make_server(favicon=None)
    assert (await get(server.port, "/favicon.ico")).status == 404
    server = await make_server(favicon=tmp_path / "nope.svg")
    assert (await get(server.port, "/favicon.svg")).status == 404


async def test_favicon_content_type_follows_suffix_with_svg_fallback(make_server, tmp_path):
    png = tmp_path / "fav.png"
    png.write_bytes(b"\x89PNG")
    odd = tmp_path / "fav"
    odd.write_bytes(b"<svg/>")
    server = await make_server(favicon=png)
    assert (await get(server.port, "/favicon.ico")).header("content-type") == "image/png"
    server = await make_server(favicon=odd)
    assert (await get(server.port, "/favicon.ico")).header("content-type") == "image/svg+xml"


async def test_favicon_attribute_can_be_changed_before_start(static_dir, tmp_path):
    other = tmp_path / "other.svg"
    other.write_bytes(b"<svg>other</svg>")
    server = StaticServer(static_dir, index_html=lambda host: INDEX)
    assert server.favicon is None
    server.favicon = other
    await server.start("127.0.0.1", 0)
    try:
        assert (await get(server.port, "/favicon.svg")).body == b"<svg>other</svg>"
    finally:
        await server.close()


async def test_extra_routes_are_served_and_unknown_paths_404(make_server):
    server = await make_server(extra_routes={"/fonts/x.woff2": lambda: (b"FONT", "font/woff2")})
    resp = await get(server.port, "/fonts/x.woff2")
    assert (resp.status, resp.body, resp.header("content-type")) == (200, b"FONT", "font/woff2")
    again = await get(server.port, "/fonts/x.woff2", f"If-None-Match: {resp.header('etag')}\r\n")
    assert again.status == 304
    assert (await get(server.port, "/fonts/y.woff2")).status == 404


async def test_missing_file_is_404_with_text_body(port):
    resp = await get(port, "/nope.js")
    assert resp.status == 404
    assert resp.header("content-type").startswith("text/plain")
    assert b"404" in resp.body


@pytest.mark.parametrize("path", ["/modules/", "/modules", "/css/", "/modules/outdir/"])
async def test_directory_request_is_404_without_listing(port, path):
    resp = await get(port, path)
    assert resp.status == 404
    assert b"Button" not in resp.body


async def test_real_pgwidgets_js_assets_are_served():
    import pgwidgets_js

    server = StaticServer(Path(pgwidgets_js.get_static_path()), index_html=lambda host: INDEX)
    await server.start("127.0.0.1", 0)
    try:
        client = await Client.connect(server.port)
        for path in ("/Widgets.js", "/modules/RemoteInterface.js"):
            resp = await client.get(path)
            assert resp.status == 200
            assert resp.header("content-type") == "text/javascript; charset=utf-8"
            assert resp.body
        resp = await client.get("/Widgets.css")
        assert resp.header("content-type") == "text/css; charset=utf-8"
        await client.close()
    finally:
        await server.close()


# -- methods ------------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "get"])
async def test_methods_other_than_get_and_head_get_405_with_allow(port, method):
    client = await Client.connect(port)
    resp = await client.get("/Widgets.js", method=method)
    assert resp.status == 405
    assert resp.header("allow") == "GET, HEAD"
    # No body was sent, so the connection stays usable.
    assert (await client.get("/Widgets.js")).status == 200
    await client.close()


async def test_post_with_body_gets_405_and_connection_closes(port):
    client = await Client.connect(port)
    await client.send(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
    resp = await read_response(client.reader)
    assert resp.status == 405
    await assert_closed_by_server(client.reader)
    await client.close()


async def test_head_sends_headers_with_get_length_and_no_body(port, static_dir):
    raw = b"HEAD /Widgets.js HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    client = await Client.connect(port)
    await client.send(raw)
    data = await asyncio.wait_for(client.reader.read(), 5)  # everything until EOF
    await client.close()
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    length = len((static_dir / "Widgets.js").read_bytes())
    assert f"\r\nContent-Length: {length}".encode() in head
    assert body == b""


async def test_head_on_keep_alive_connection_leaves_next_response_intact(port):
    client = await Client.connect(port)
    head = await client.get("/", method="HEAD")
    assert head.status == 200 and int(head.header("content-length")) == len(INDEX)
    assert (await client.get("/")).body == INDEX
    await client.close()


# -- path safety --------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/%252e%252e/secret.txt",
    "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/modules/..\\..\\secret.txt",
    "/%2e%2e%5csecret.txt",
    "//etc/passwd",
    "//secret.txt",
    "/modules/../../secret.txt",
    "/modules/%2e%2e/%2e%2e/secret.txt",
    "/./Widgets.js",
    "/modules/./Button.js",
    "/Widgets.js%00.png",
    "/%2fetc%2fpasswd",
    "/.hidden",
    "/Widgets.js/",
], ids=lambda p: p.replace("/", "|"))
async def test_traversal_and_unsafe_paths_do_not_escape_static_dir(port, path):
    resp = await get(port, path)
    assert resp.status == 404
    assert SECRET not in resp.body
    assert b"root:" not in resp.body


async def test_percent_encoded_dot_segments_do_not_escape_static_dir(port):
    for path in ("/%2e%2e/secret.txt", "/modules/%2e%2e/%2e%2e/secret.txt"):
        assert (await get(port, path)).status == 404


async def test_symlink_pointing_outside_static_dir_is_404(port):
    assert (await get(port, "/escape.txt")).status == 404
    assert (await get(port, "/modules/outdir/x.js")).status == 404


async def test_absolute_form_target_cannot_escape_static_dir(port):
    for path in ("http://test/../secret.txt", "http://test//etc/passwd"):
        resp = await get(port, path)
        assert resp.status in (400, 404)
        assert SECRET not in resp.body


# -- connection handling ------------------------------------------------------

async def test_keep_alive_serves_two_requests_on_one_connection(port):
    client = await Client.connect(port)
    first = await client.get("/Widgets.js")
    second = await client.get("/modules/Button.js")
    assert (first.status, second.status) == (200, 200)
    assert second.body == b"export class Button {}\n"
    assert first.header("connection") != "close"
    await client.close()


async def test_pipelined_requests_are_answered_in_order(port):
    client = await Client.connect(port)
    await client.send(b"GET /Widgets.css HTTP/1.1\r\nHost: t\r\n\r\n"
                      b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                      b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    statuses = [(await read_response(client.reader)).status for _ in range(3)]
    assert statuses == [200, 404, 200]
    await client.close()


async def test_connection_close_header_closes_connection(port):
    client = await Client.connect(port)
    resp = await client.get("/Widgets.js", extra="Connection: close\r\n")
    assert resp.status == 200
    assert resp.header("connection") == "close"
    await assert_closed_by_server(client.reader)
    await client.close()


async def test_http10_closes_unless_keep_alive_requested(port):
    client = await Client.connect(port)
    await client.send(b"GET /Widgets.js HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert (await read_response(client.reader)).header("connection") == "keep-alive"
    await client.send(b"GET /Widgets.js HTTP/1.0\r\n\r\n")
    assert (await read_response(client.reader)).status == 200
    await assert_closed_by_server(client.reader)
    await client.close()


async def test_if_none_match_returns_304_without_body(port):
    client = await Client.connect(port)
    first = await client.get("/Widgets.js")
    etag = first.header("etag")
    for value in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        resp = await client.get("/Widgets.js", extra=f"If-None-Match: {value}\r\n")
        assert resp.status == 304
        assert resp.header("etag") == etag
    resp = await client.get("/Widgets.js", extra='If-None-Match: "other"\r\n')
    assert (resp.status, resp.body) == (200, first.body)
    await client.close()


async def test_changed_file_gets_new_etag_and_content(port, static_dir):
    first = await get(port, "/modules/Button.js")
    path = static_dir / "modules" / "Button.js"
    path.write_bytes(b"export class Button2 {}\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    second = await get(port, "/modules/Button.js", f"If-None-Match: {first.header('etag')}\r\n")
    assert second.status == 200
    assert second.body == b"export class Button2 {}\n"
    assert second.header("etag") != first.header("etag")


@pytest.mark.parametrize("raw", [
    b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 200) for i in range(90)) + b"\r\n",
    b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(150)) + b"\r\n",
    b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\n\r\n",
], ids=["long-line", "large-total", "many-lines", "long-target"])
async def test_oversized_request_head_is_rejected_and_server_keeps_serving(port, raw):
    client = await Client.connect(port)
    await client.send(raw)
    resp = await read_response(client.reader)
    assert resp.status in (400, 431)
    await assert_closed_by_server(client.reader)
    await client.close()
    assert (await get(port, "/Widgets.js")).status == 200


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"GET /\r\n\r\n",
    b"GET / HTTP/1.1 extra\r\n\r\n",
    b"GET  / HTTP/1.1\r\n\r\n",
    b"GET / FTP/1.1\r\n\r\n",
    b"\x00\x01\x02 / HTTP/1.1\r\n\r\n",
    b"GET /\xff HTTP/1.1\r\n\r\n",
    b"GET relative HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
])
async def test_malformed_request_is_400_and_closes(port, raw):
    client = await Client.connect(port)
    await client.send(raw)
    resp = await read_response(client.reader)
    assert resp.status == 400
    assert resp.header("connection") == "close"
    await assert_closed_by_server(client.reader)
    await client.close()


async def test_unsupported_http_major_version_is_505(port):
    resp = await fetch(port, b"GET / HTTP/2.0\r\n\r\n")
    assert resp.status == 505


@pytest.mark.parametrize("extra", ["Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n"])
async def test_get_with_request_body_is_400_and_closes(port, extra):
    client = await Client.connect(port)
    await client.send(f"GET / HTTP/1.1\r\nHost: t\r\n{extra}\r\nhello".encode())
    resp = await read_response(client.reader)
    assert resp.status == 400
    await assert_closed_by_server(client.reader)
    await client.close()


async def test_zero_content_length_on_get_is_accepted(port):
    assert (await get(port, "/", "Content-Length: 0\r\n")).status == 200


async def test_idle_keep_alive_connection_times_out(make_server):
    server = await make_server(idle_timeout=0.2)
    client = await Client.connect(server.port)
    assert (await client.get("/")).status == 200
    await assert_closed_by_server(client.reader, timeout=3)
    await client.close()


async def test_slow_request_head_times_out_without_blocking_others(make_server):
    server = await make_server(header_timeout=0.3)
    slow = await Client.connect(server.port)
    await slow.send(b"GET / HTTP/1.1\r\nHost: t\r\n")  # never finishes the head
    assert (await get(server.port, "/Widgets.js")).status == 200
    await assert_closed_by_server(slow.reader, timeout=3)
    await slow.close()


async def test_close_disconnects_idle_keep_alive_client_promptly(make_server):
    server = await make_server()
    client = await Client.connect(server.port)
    assert (await client.get("/")).status == 200
    started = time.monotonic()
    await server.close()
    assert time.monotonic() - started < 1.0
    await assert_closed_by_server(client.reader, timeout=1)
    await client.close()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", server.port)


async def test_close_is_idempotent_and_works_before_start(static_dir):
    unstarted = StaticServer(static_dir, index_html=lambda host: INDEX)
    await unstarted.close()
    server = StaticServer(static_dir, index_html=lambda host: INDEX)
    await server.start("127.0.0.1", 0)
    await server.close()
    await server.close()


async def test_port_is_the_bound_port_and_unavailable_before_start(static_dir):
    server = StaticServer(static_dir, index_html=lambda host: INDEX)
    with pytest.raises(RuntimeError):
        server.port
    await server.start("127.0.0.1", 0)
    try:
        assert server.port > 0
        assert (await get(server.port, "/")).status == 200
    finally:
        await server.close()
