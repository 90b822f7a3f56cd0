"""Behind real nginx, with the configurations of docs/deployment.md: one process under a
path prefix (page, click, reload, second tab, origins) and TLS (https page, wss socket)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from playwright.async_api import expect
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from nginxutil import doc_block, free_port, nginx, self_signed  # noqa: E402

from pgwidgets_core import Application

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(90)]


async def counter_app(public: str, **options) -> Application:
    app = Application(http_port=0, ws_path="ws", max_sessions=None, allowed_origins=[public],
                      **options)

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Behind nginx")
        label = await W.Label("Ready")
        btn = await W.Button("Count")
        n = [0]

        async def clicked():
            n[0] += 1
            await label.set_text(f"count {n[0]}")
        await btn.on("activated", clicked)
        box = await W.VBox()
        await box.add_widget(label)
        await box.add_widget(btn)
        await top.set_widget(box)
        await top.show()
    await app.start()
    return app


async def test_through_nginx_under_a_prefix(browser, tmp_path):
    public_port = free_port()
    public = f"http://127.0.0.1:{public_port}"
    app = await counter_app(public)
    try:
        with nginx(doc_block("nginx, one process, under a path prefix"), app_port=app.http_port,
                   public_port=public_port, tmp=tmp_path):
            ctx = await browser.new_context()
            try:
                page = await ctx.new_page()
                sockets = []
                page.on("websocket", lambda ws: sockets.append(ws.url))
                await page.goto(f"{public}/myapp/")
                await page.get_by_text("Count", exact=True).click()
                await expect(page.locator(".label-widget")).to_have_text("count 1")
                assert sockets == [f"ws://127.0.0.1:{public_port}/myapp/ws"]
                await page.reload()
                await expect(page.locator(".label-widget")).to_have_text("count 1")
                [session] = app.sessions.values()
                second = await ctx.new_page()
                await second.goto(f"{public}/myapp/?session={session.id}&token={session.token}")
                await expect(second.locator(".label-widget")).to_have_text("count 1")
                await second.get_by_text("Count", exact=True).click()
                await expect(page.locator(".label-widget")).to_have_text("count 2")
                await expect(second.locator(".label-widget")).to_have_text("count 2")
            finally:
                await ctx.close()
            # origins: the public one is let in, a foreign one refused, through the proxy
            ws_url = f"ws://127.0.0.1:{public_port}/myapp/ws"
            async with connect(ws_url, origin=public) as ws:
                assert '"init"' in await ws.recv()
            with pytest.raises(InvalidStatus) as refused:
                async with connect(ws_url, origin="http://evil.example"):
                    pass
            assert refused.value.response.status_code == 403
    finally:
        await app.close()


@pytest.mark.parametrize("ping, kept", [(0.5, True), (None, False)])
async def test_idle_sessions_survive_the_proxy_timeout(browser, tmp_path, ping, kept):
    """The doc's block with a 2 s proxy_read_timeout: pings keep an idle page's socket;
    without them nginx drops it (the page then reconnects)."""
    public_port = free_port()
    public = f"http://127.0.0.1:{public_port}"
    app = await counter_app(public, ping_interval=ping)
    block = doc_block("nginx, one process, under a path prefix")
    assert "proxy_read_timeout 1h;" in block
    try:
        with nginx(block.replace("proxy_read_timeout 1h;", "proxy_read_timeout 2s;"),
                   app_port=app.http_port, public_port=public_port, tmp=tmp_path):
            ctx = await browser.new_context()
            try:
                page = await ctx.new_page()
                sockets = []
                page.on("websocket", lambda ws: sockets.append(ws.url))
                await page.goto(f"{public}/myapp/")
                await expect(page.locator(".label-widget")).to_have_text("Ready")
                await asyncio.sleep(6)                     # idle, three proxy timeouts
                await page.get_by_text("Count", exact=True).click()
                await expect(page.locator(".label-widget")).to_have_text("count 1")
                assert (len(sockets) == 1) is kept, sockets
            finally:
                await ctx.close()
    finally:
        await app.close()


async def test_tls_through_nginx_https_page_and_wss(browser, tmp_path):
    public_port = free_port()
    public = f"https://127.0.0.1:{public_port}"
    cert, key = self_signed(tmp_path)
    app = await counter_app(public)
    try:
        with nginx(doc_block("nginx with TLS"), app_port=app.http_port, public_port=public_port,
                   tmp=tmp_path, cert=cert, key=key):
            ctx = await browser.new_context(ignore_https_errors=True)
            try:
                page = await ctx.new_page()
                sockets = []
                page.on("websocket", lambda ws: sockets.append(ws.url))
                await page.goto(f"{public}/myapp/")
                await page.get_by_text("Count", exact=True).click()
                await expect(page.locator(".label-widget")).to_have_text("count 1")
                assert sockets == [f"wss://127.0.0.1:{public_port}/myapp/ws"]
            finally:
                await ctx.close()
    finally:
        await app.close()


async def test_exported_page_on_nginx_and_the_app_without_http(browser, tmp_path):
    from pgwidgets_core.export import export_static

    public_port = free_port()
    public = f"http://127.0.0.1:{public_port}"
    app = Application(ws_port=0, http_server=False, max_sessions=None, allowed_origins=[public])

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Exported")
        label = await W.Label("Ready")
        btn = await W.Button("Go")
        await btn.on("activated", lambda: label.set_text("went"))
        box = await W.VBox()
        await box.add_widget(label)
        await box.add_widget(btn)
        await top.set_widget(box)
        await top.show()
    await app.start()
    try:
        assert app.url is None
        site = export_static(tmp_path / "site", ws_url=f"ws://127.0.0.1:{app.ws_port}")
        with nginx(doc_block("Static files served by nginx (`http_server=False`)"),
                   app_port=None, public_port=public_port, tmp=tmp_path, root=site):
            ctx = await browser.new_context()
            try:
                page = await ctx.new_page()
                await page.goto(f"{public}/")
                await page.get_by_text("Go", exact=True).click()
                await expect(page.locator(".label-widget")).to_have_text("went")
            finally:
                await ctx.close()
    finally:
        await app.close()


async def test_export_needs_one_websocket_address(tmp_path):
    from pgwidgets_core.export import export_static
    with pytest.raises(ValueError, match="needs one of ws_url"):
        export_static(tmp_path)
    with pytest.raises(ValueError, match="must start with ws://"):
        export_static(tmp_path, ws_url="http://x")
