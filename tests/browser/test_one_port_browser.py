"""One port for the page, its assets and the WebSocket (``ws_path``), in real Chromium."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from pgwidgets_core import Application

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]


async def test_page_assets_and_websocket_share_one_port(context):
    app = Application(http_port=0, ws_path="ws", max_sessions=None)
    clicks = []

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="One port")
        label = await W.Label("Ready")
        btn = await W.Button("Click me")

        async def clicked():
            clicks.append(1)
            await label.set_text(f"clicked {len(clicks)}")
        await btn.on("activated", clicked)
        box = await W.VBox()
        await box.add_widget(label)
        await box.add_widget(btn)
        await top.set_widget(box)
        await top.show()

    await app.start()
    try:
        assert app.ws_port == app.http_port
        page = await context.new_page()
        sockets, requests = [], []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.on("request", lambda r: requests.append(r.url))
        await page.goto(app.url)
        await page.get_by_text("Click me").click()
        await expect(page.locator(".label-widget")).to_have_text("clicked 1")
        await page.reload()
        await expect(page.locator(".label-widget")).to_have_text("clicked 1")
        await page.get_by_text("Click me").click()
        await expect(page.locator(".label-widget")).to_have_text("clicked 2")
        port = f":{app.http_port}/"
        assert sockets and all(u == f"ws://127.0.0.1:{app.http_port}/ws" for u in sockets)
        assert requests and all(port in u for u in requests), requests
    finally:
        await app.close()


async def test_one_port_needs_the_http_server():
    with pytest.raises(ValueError, match="needs http_server=True"):
        Application(ws_path="ws", http_server=False)
    with pytest.raises(ValueError, match="ws_path must be a URL path"):
        Application(ws_path="")
