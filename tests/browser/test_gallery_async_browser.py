"""examples/all_widgets_async.py in Chromium: its ``build(session)`` makes every
pgwidgets-js class without an error, and a user clicking through it (a button, the
Dialog of the Windows tab, a ComboBox item) sees the status bar report each step."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest
from playwright.async_api import expect

from pgwidgets_core.catalog import catalog

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_gallery():
    spec = importlib.util.spec_from_file_location(
        "all_widgets_async", EXAMPLES / "all_widgets_async.py")
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))           # its _ports
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_async_gallery_shows_every_class_and_reports_what_the_user_does(app, page):
    gallery = load_gallery()
    errors, built = [], asyncio.get_running_loop().create_future()

    @app.on_connect
    async def setup(session):
        session.on_error(lambda s, exc: errors.append(exc))
        top = await gallery.build(session)
        built.set_result((session, top))

    await page.goto(app.url)
    status = page.locator(".statusbar-widget")
    await expect(status).to_contain_text("built by a coroutine")
    session, top = await asyncio.wait_for(built, 10)
    assert type(top).__name__ == "TopLevel"
    await session.flush()
    made = {type(w).__name__ for w in session.walk_widget_tree()}
    assert set(catalog()) - made <= {"MDISubWindow"}       # the page makes those

    tabs = page.locator(".tab-header")
    # a plain button, on the Buttons tab
    await tabs.get_by_role("button", name="Buttons", exact=True).click()
    await page.locator(".button-widget", has_text="Button").first.click()
    await expect(status).to_contain_text("Button pressed")

    # the Dialog, opened from the Windows tab, answered with OK
    await tabs.get_by_role("button", name="Windows", exact=True).click()
    await page.get_by_role("button", name="Dialog", exact=True).click()
    dialog = page.locator(".dialog-widget", has_text="A Dialog")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="OK", exact=True).click()
    await expect(status).to_contain_text("Dialog answered 1")
    await expect(dialog).to_be_hidden()                     # autoclose

    # a ComboBox item, on the Values tab
    await tabs.get_by_role("button", name="Values", exact=True).click()
    await page.locator(".combobox-button").first.click()
    await page.locator(".combobox-item", has_text="banana").dispatch_event("mousedown")
    await expect(status).to_contain_text("ComboBox: banana")

    await session.flush()
    assert errors == []
    assert not [line for line in page.console_lines if line.startswith("[pageerror]")]
