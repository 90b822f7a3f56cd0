"""Fixtures for the blocking facade: sync Playwright, and an app that always closes.

Facade tests are plain functions. Sync Playwright runs its own loop in the test
thread, which is fine: the facade's loop lives on a thread of its own. One Chromium
per module (starting it costs ~1.5 s); every page gets a fresh context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from chromium import sync_chromium
from pgwidgets_sync import Application


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium (playwright.sync_api.Browser) for this module."""
    with sync_chromium() as b:
        yield b


@pytest.fixture
def new_page(browser) -> Iterator[Callable[[], object]]:
    """Open a page in a fresh context (its own session storage); closed afterwards."""
    contexts = []
    lines: list[str] = []

    def make():
        ctx = browser.new_context()
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.console_lines = lines
        pg.on("console", lambda msg: lines.append(f"[{msg.type}] {msg.text}"))
        pg.on("pageerror", lambda err: lines.append(f"[pageerror] {err}"))
        return pg
    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def make_app() -> Iterator[Callable[..., Application]]:
    """Make started facade apps on free ports; all are closed at teardown."""
    apps: list[Application] = []

    def make(**kw) -> Application:
        kw.setdefault("max_sessions", None)
        kw.setdefault("call_timeout", 10)
        app = Application(ws_port=0, http_port=0, **kw)
        apps.append(app)
        app.start()
        return app
    yield make
    for app in apps:
        app.close()

