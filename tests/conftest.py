"""Shared, generic test fixtures for pgwidgets-sync.

Feature-specific fixtures belong in conftest.py / fixture modules next to the
tests that use them; keep this file small.

Browser fixtures
----------------
Tests are asyncio tests (``asyncio_mode = "auto"``) that usually run the
pgwidgets server on the *test's own* event loop, and pytest-asyncio gives
each test a fresh, function-scoped loop.  Playwright's async objects are
bound to the loop that created them, so a session-scoped Playwright/Chromium
cannot be used from a function-scoped loop (and the sync Playwright API would
block the loop the server runs on).  Therefore:

* ``browser`` is FUNCTION-scoped: every test that uses it starts its own
  Playwright driver and Chromium (about 1.3-2 s per test on the 2-core
  machine, most of it the Playwright driver start-up).  This is the simplest
  arrangement that is reliable with function-scoped loops.
* ``page`` opens a fresh ``browser.new_context()`` (a new, empty profile:
  Playwright's ``launch()`` already uses a throw-away profile and rejects
  ``--user-data-dir`` in ``args``) and one page in it, closed afterwards.

Chromium is Debian's ``/usr/bin/chromium`` (``make chromium`` installs it);
Playwright's own browser download is not used.  If it is missing the fixture
FAILS - browser tests are never skipped.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium  # noqa: E402


# ---------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on *host* that was free a moment ago.

    Prefer binding to port 0 directly where the code under test allows it;
    this helper is for servers that need the number up front.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def ports() -> tuple[int, int]:
    """Two distinct free ports on 127.0.0.1: ``(ws_port, http_port)``."""
    # Hold both sockets open at once so the kernel cannot hand out the same
    # port twice.
    socks = []
    try:
        for _ in range(2):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind(("127.0.0.1", 0))
        ws_port, http_port = (s.getsockname()[1] for s in socks)
    finally:
        for s in socks:
            s.close()
    assert ws_port != http_port
    return ws_port, http_port


# ---------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[object]:
    """A headless Chromium (playwright.async_api.Browser) for this test."""
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            yield b
        finally:
            await b.close()


@pytest_asyncio.fixture
async def page(browser) -> AsyncIterator[object]:
    """A page in a fresh browser context.

    ``page.console_lines`` collects the page's console messages and uncaught
    errors; they are appended to the report of a failing test.
    """
    context = await browser.new_context()
    try:
        pg = await context.new_page()
        lines: list[str] = []
        pg.console_lines = lines
        pg.on("console", lambda msg: lines.append(f"[{msg.type}] {msg.text}"))
        pg.on("pageerror", lambda err: lines.append(f"[pageerror] {err}"))
        yield pg
    finally:
        await context.close()


# ---------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    """Every test that (directly or indirectly) uses ``browser`` is marked."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        pg = getattr(item, "funcargs", {}).get("page")
        lines = getattr(pg, "console_lines", None)
        if lines:
            report.sections.append(("browser console", "\n".join(lines)))
