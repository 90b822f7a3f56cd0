"""open_url through the blocking facade, in real headless Chromium: the page's
window.open is called with the URL (recorded by an init script, no popup needed)."""

from __future__ import annotations

import pytest

from syncutil import until

pytestmark = pytest.mark.timeout(60)

RECORD = "window.__opened = []; window.open = (u, t, f) => { window.__opened.push([u, t, f]); return null; };"


def test_application_and_session_open_url_call_window_open_in_the_page(make_app, page):
    app = make_app()
    page.add_init_script(RECORD)
    page.goto(app.url)
    until(lambda: app.sessions)
    session = next(iter(app.sessions.values()))
    until(lambda: session.is_connected)
    app.open_url("https://example.org/app")
    session.open_url("https://example.org/session")
    session.flush()
    opened = page.evaluate("window.__opened")
    assert [o[0] for o in opened] == ["https://example.org/app", "https://example.org/session"]
    assert opened[0][1] == "_blank"
