"""open_url against the scripted fake browser: Application.open_url reaches every
session's pages, Session.open_url only its own, and neither is replayed to later pages."""

import asyncio

import pytest

from fakebrowser import FakeBrowser
from pgwidgets_core import Application

pytestmark = pytest.mark.timeout(20)


@pytest.fixture
async def app():
    app = Application(ws_port=0, http_port=0, max_sessions=None, call_timeout=5)
    await app.start()
    yield app
    await app.close()


@pytest.fixture
async def pages(app):
    made = []

    async def make():
        fb = FakeBrowser(f"ws://127.0.0.1:{app.ws_port}", origin=f"http://127.0.0.1:{app.http_port}")
        made.append(fb)
        await fb.connect()
        sid, _ = await fb.wait_session_info()
        return fb, app.sessions[sid]
    yield make
    await asyncio.gather(*(fb.close() for fb in made), return_exceptions=True)


async def test_application_open_url_reaches_every_session_and_is_not_replayed(app, pages):
    fb1, s1 = await pages()
    fb2, s2 = await pages()
    assert s1 is not s2
    app.open_url("https://example.org/a")
    await s1.flush()
    await s2.flush()
    assert fb1.opened_urls == ["https://example.org/a"]
    assert fb2.opened_urls == ["https://example.org/a"]
    fb3, s3 = await pages()
    await s3.flush()
    assert fb3.opened_urls == []


async def test_session_open_url_reaches_only_its_own_pages(app, pages):
    fb1, s1 = await pages()
    fb2, s2 = await pages()
    s1.open_url("https://example.org/b")
    await s1.flush()
    await s2.flush()
    assert fb1.opened_urls == ["https://example.org/b"]
    assert fb2.opened_urls == []
    with pytest.raises(TypeError):
        s1.open_url(42)
