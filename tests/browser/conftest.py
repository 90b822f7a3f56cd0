"""Browser tests share one Chromium on one session-wide event loop.

Starting Playwright and Chromium costs ~1.5 s; with dozens of browser tests that
dominates the run. Every test module here declares
``pytestmark = pytest.mark.asyncio(loop_scope="session")`` so its tests, their
servers and this browser all live on the same loop. Each test still gets a fresh
browser context (an empty profile: no sessionStorage carried over).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from pgwidgets_core import Application

from chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[object]:
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            await b.close()


@pytest_asyncio.fixture(loop_scope="session")
async def context(browser) -> AsyncIterator[object]:
    """A fresh browser context; open as many pages (tabs) in it as a test needs."""
    ctx = await browser.new_context()
    ctx.console_lines = []
    ctx.on("console", lambda msg: ctx.console_lines.append(f"[{msg.type}] {msg.text}"))
    try:
        yield ctx
    finally:
        await ctx.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(context) -> AsyncIterator[object]:
    pg = await context.new_page()
    pg.console_lines = context.console_lines
    pg.on("pageerror", lambda err: context.console_lines.append(f"[pageerror] {err}"))
    yield pg


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def app():
    """One application for a whole module (tests that need their own make one)."""
    a = Application(ws_port=0, http_port=0, max_sessions=None)
    await a.start()
    try:
        yield a
    finally:
        await a.close()
