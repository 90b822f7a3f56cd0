"""register_font / set_default_font in real Chromium: the page fetches the face from our
font route and uses it; a reload and a second tab get it too, before their UI."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from playwright.async_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fontutil import FONT_SCRIPT, font_file  # noqa: E402

from pgwidgets_core import Application

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]


async def font_state(page, family, want_default):
    loop = asyncio.get_running_loop()
    end = loop.time() + 10
    while True:
        ok, statuses, default = await page.evaluate(FONT_SCRIPT, family)
        if ok and "loaded" in statuses and default == want_default:
            return statuses
        assert loop.time() < end, (ok, statuses, default)
        await asyncio.sleep(0.05)


async def test_a_registered_font_reaches_every_page_and_survives_reload(context):
    app = Application(ws_port=0, http_port=0, max_sessions=None)
    app.register_font("Test Face", font_file())            # before start: a file path
    app.set_default_font("Test Face", size=15)
    seen = asyncio.get_running_loop().create_future()

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Fonts")
        await top.set_widget(await W.HtmlView(html="<p id='t'>Some text</p>"))
        await top.show()
        if not seen.done():
            seen.set_result(session)

    await app.start()
    try:
        page = await context.new_page()
        fetched = []
        page.on("request", lambda r: fetched.append(r.url))
        await page.goto(app.url)
        session = await asyncio.wait_for(seen, 10)
        await font_state(page, "Test Face", "Test Face")
        assert any(u.endswith("/_pgwidgets/font/1") for u in fetched), fetched
        family = await page.evaluate("getComputedStyle(document.querySelector('#t')).fontFamily")
        assert "Test Face" in family
        # registered while a page is open: it gets it at once
        bold = Path(font_file()).with_name("DejaVuSans-Bold.ttf")
        app.register_font("Late Face", bold.read_bytes() if bold.is_file()
                          else Path(font_file()).read_bytes(), weight="bold")
        await font_state(page, "Late Face", "Test Face")
        await page.reload()
        await expect(page.locator("#t")).to_have_text("Some text")
        await font_state(page, "Test Face", "Test Face")
        await font_state(page, "Late Face", "Test Face")
        second = await context.new_page()
        await second.goto(session.url)
        await font_state(second, "Late Face", "Test Face")
        app.set_default_font(None)                          # back to the stylesheet's
        await font_state(second, "Late Face", "")
    finally:
        await app.close()


async def test_bad_fonts_are_refused_clearly(tmp_path):
    app = Application(ws_port=0, http_port=0)
    with pytest.raises(FileNotFoundError, match="no font file at"):
        app.register_font("X", tmp_path / "missing.ttf")
    with pytest.raises(ValueError, match="family must be a non-empty str"):
        app.register_font("", b"\x00\x01")
    with pytest.raises(TypeError, match="font file path or bytes"):
        app.register_font("X", 42)
    with pytest.raises(ValueError, match="size must be a positive number"):
        app.set_default_font("X", size=-3)
