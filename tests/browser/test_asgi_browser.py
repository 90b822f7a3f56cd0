"""Mounted in a Starlette app under real uvicorn (``Application(listen=False).asgi()``):
the module of docs/deployment.md as written there, in real Chromium; the blocking API too."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import types
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import expect
from starlette.applications import Starlette
from starlette.routing import Mount
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

import pgwidgets_sync
from pgwidgets_core import Application

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
HEADING = "Embedding in an ASGI app (Starlette, FastAPI, uvicorn)"


def doc_module() -> types.ModuleType:
    """The ```python block under the heading, run as a module of its own."""
    section = DOC.read_text().split(f"## {HEADING}\n", 1)[1].split("\n## ", 1)[0]
    source = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    module = types.ModuleType("myapp")
    exec(compile(source, f"{DOC}:{HEADING}", "exec"), module.__dict__)
    return module


@contextlib.asynccontextmanager
async def uvicorn_serving(asgi_app: object) -> AsyncIterator[str]:
    """uvicorn serving ``asgi_app`` on this loop, on a free port; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(asgi_app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()                  # its error, or:
                    pytest.fail("uvicorn ended before it started")
                await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)
        sock.close()


def fetch(url: str, method: str = "GET") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


async def test_the_documented_starlette_app_under_uvicorn(context):
    doc = doc_module()
    ui, loops = doc.ui, []
    ui.on_connect(lambda session: loops.append(asyncio.get_running_loop()))
    async with uvicorn_serving(doc.app) as base:
        assert ui.url is None and not ui.is_closed
        page = await context.new_page()
        sockets, requests = [], []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.on("request", lambda r: requests.append(r.url))
        await page.goto(f"{base}/ui")                      # Starlette adds the slash
        assert page.url == f"{base}/ui/"
        await page.get_by_text("Count", exact=True).click()
        await expect(page.locator(".label-widget")).to_have_text("count 1")
        await page.reload()
        await expect(page.locator(".label-widget")).to_have_text("count 1")
        await page.get_by_text("Count", exact=True).click()
        await expect(page.locator(".label-widget")).to_have_text("count 2")
        assert sockets and all(u == f"{base.replace('http', 'ws')}/ui/ws" for u in sockets)
        assert all(u.startswith(f"{base}/ui") for u in requests), requests
        assert loops == [asyncio.get_running_loop()]       # the server's loop, shared
        assert len(ui.sessions) == 1

        # the Starlette app's own route, and HTTP answers of the mounted app
        await page.goto(f"{base}/hello")
        await expect(page.locator("body")).to_have_text("hello from Starlette")
        status, body = await asyncio.to_thread(fetch, f"{base}/ui/no-such-file.js")
        assert status == 404
        status, body = await asyncio.to_thread(fetch, f"{base}/ui/", "HEAD")
        assert (status, body) == (200, b"")
        status, _ = await asyncio.to_thread(fetch, f"{base}/ui/", "POST")
        assert status == 405

        # origins: the page's own is let in, a foreign one refused
        ws_url = f"{base.replace('http', 'ws')}/ui/ws"
        async with connect(ws_url, origin=base) as ws:
            assert '"init"' in await ws.recv()
        with pytest.raises(InvalidStatus) as refused:
            async with connect(ws_url, origin="http://evil.example"):
                pass
        assert refused.value.response.status_code == 403
        assert refused.value.response.body == b"Origin not allowed\n"
        with pytest.raises(InvalidStatus):                 # nothing but the ws path
            async with connect(f"{base.replace('http', 'ws')}/ui/other", origin=base):
                pass
    assert ui.is_closed                                   # the lifespan closed it


async def test_the_asgi_app_alone_runs_its_lifespan(context):
    ui = Application(listen=False, max_sessions=None)

    @ui.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Alone")
        await top.set_widget(await W.Label("served alone"))
        await top.show()

    # uvicorn's lifespan="on" waits for the app's startup.complete (a hang otherwise)
    async with uvicorn_serving(ui.asgi()) as base:
        page = await context.new_page()
        await page.goto(f"{base}/")
        await expect(page.locator(".label-widget")).to_have_text("served alone")
        [session] = ui.sessions.values()
        assert session.url is None                          # no address of our own
    assert ui.is_closed                                   # lifespan.shutdown closed it


async def test_the_blocking_api_mounted_under_uvicorn(context):
    ui = pgwidgets_sync.Application(listen=False, max_sessions=None)
    threads = []

    @ui.on_connect
    def setup(session):
        threads.append(threading.current_thread())
        W = session.get_widgets()
        top = W.TopLevel(title="Blocking")
        label = W.Label("Ready")
        button = W.Button("Count")
        clicks = [0]

        def clicked():
            clicks[0] += 1
            label.set_text(f"count {clicks[0]}")
        button.on("activated", clicked)
        box = W.VBox()
        box.add_widget(label)
        box.add_widget(button)
        top.set_widget(box)
        top.show()

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        await asyncio.to_thread(ui.start)
        try:
            yield
        finally:
            await asyncio.to_thread(ui.close)

    app = Starlette(routes=[Mount("/tools/ui", app=ui.asgi())], lifespan=lifespan)
    try:
        async with uvicorn_serving(app) as base:
            page = await context.new_page()
            await page.goto(f"{base}/tools/ui/")
            await page.get_by_text("Count", exact=True).click()
            await expect(page.locator(".label-widget")).to_have_text("count 1")
            await page.reload()
            await page.get_by_text("Count", exact=True).click()
            await expect(page.locator(".label-widget")).to_have_text("count 2")
            assert threads and threads[0] is not threading.main_thread()
        assert ui.is_closed
    finally:
        ui.close()


async def test_an_asgi_app_needs_listen_false():
    with pytest.raises(ValueError, match="listen=False"):
        Application(ws_port=0, http_port=0).asgi()
    with socket.socket() as sock, pytest.raises(ValueError, match="ws_sock needs listen=True"):
        Application(listen=False, ws_sock=sock)
    app = Application(listen=False, ws_path="/sock/")
    assert (app.ws_path, app.url, app.http_server) == ("sock", None, False)
