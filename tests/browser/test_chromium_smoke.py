"""Proves the shared browser fixtures work: serve a page, click, see it change."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from playwright.async_api import expect


PAGE = b"""<!doctype html>
<html>
<head><meta charset="utf-8"><title>smoke</title></head>
<body>
<p id="out">not clicked</p>
<button id="btn" onclick="document.getElementById('out').textContent = 'clicked';
                          console.log('button clicked');">Click me</button>
</body>
</html>
"""


async def _serve_one_page(port: int = 0):
    """A minimal asyncio HTTP/1.1 responder: GET / -> PAGE, anything else 404."""
    writers: set[asyncio.StreamWriter] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        writers.add(writer)
        try:
            async with asyncio.timeout(10):
                head = await reader.readuntil(b"\r\n\r\n")
            method, path, _ = head.split(b"\r\n", 1)[0].split(b" ", 2)
            if method == b"GET" and path == b"/":
                status, ctype, body = b"200 OK", b"text/html; charset=utf-8", PAGE
            else:
                status, ctype, body = b"404 Not Found", b"text/plain", b"not found"
            writer.write(
                b"HTTP/1.1 " + status + b"\r\n"
                b"Content-Type: " + ctype + b"\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                b"Connection: close\r\n\r\n" + body
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            pass
        finally:
            writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    return server, writers


@pytest.mark.asyncio(loop_scope="session")
async def test_click_changes_text(page, ports):
    _, http_port = ports
    server, writers = await _serve_one_page(http_port)
    try:
        await page.goto(f"http://127.0.0.1:{http_port}/")
        out = page.locator("#out")
        await expect(out).to_have_text("not clicked")
        await page.click("#btn")
        await expect(out).to_have_text("clicked")
        assert "[log] button clicked" in page.console_lines
    finally:
        server.close()
        # Idle (e.g. pre-connected) browser sockets would keep wait_closed()
        # waiting; close them.
        for w in list(writers):
            w.close()
        await server.wait_closed()


def test_ports_are_distinct(ports):
    ws_port, http_port = ports
    assert ws_port != http_port
    assert all(1024 <= p < 65536 for p in ports)
