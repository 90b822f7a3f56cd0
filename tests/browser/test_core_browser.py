"""The asyncio API driving the real pgwidgets-js page in headless Chromium."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import expect

from domsnap import until
from pgwidgets_core import Application, deflate

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]


@asynccontextmanager
async def running(**kw):
    kw.setdefault("max_sessions", None)
    app = Application(ws_port=0, http_port=0, **kw)
    await app.start()
    try:
        yield app
    finally:
        await app.close()


async def hello(session, clicked=None):
    """The hello UI; returns (top, label, button)."""
    W = session.get_widgets()
    top = await W.TopLevel(title="Hello", resizable=True)
    vbox = await W.VBox(spacing=8)
    label = await W.Label("Ready")
    btn = await W.Button("Click me")
    if clicked is not None:
        await btn.on("activated", clicked)
    await vbox.add_widget(label, 1)
    await vbox.add_widget(btn, 0)
    await top.set_widget(vbox)
    await top.resize(300, 140)
    await top.show()
    return top, label, btn


async def only_session(app):
    await until(lambda: len(app.sessions) == 1)
    return next(iter(app.sessions.values()))


async def test_hello_ui_appears(page):
    async with running() as app:
        app.on_connect(hello)
        await page.goto(app.url)
        await expect(page.locator(".toplevel-title-bar")).to_contain_text("Hello")
        await expect(page.locator(".label-widget")).to_have_text("Ready")
        await expect(page.locator(".button-widget")).to_have_text("Click me")


async def test_with_compression_on_the_ui_appears_and_answers(page):
    async with running(compression=True) as app:
        clicks, sessions, labels = [], [], []

        async def setup(session):
            sessions.append(session)
            labels.append((await hello(session, lambda: clicks.append(1)))[1])
        app.on_connect(setup)
        await page.goto(app.url)
        await expect(page.locator(".label-widget")).to_have_text("Ready")
        await page.locator(".button-widget").click()
        await until(lambda: clicks == [1])
        # a message above deflate.SMALL goes compressed and arrives whole
        [ws] = sessions[0].connections
        [ext] = ws.protocol.extensions
        sent, encode = [], ext.encode

        def watched(frame):
            out = encode(frame)
            sent.append((len(frame.data), out.rsv1, len(out.data)))
            return out
        ext.encode = watched
        big = " ".join(f"word{i}" for i in range(2000))
        await labels[0].set_text(big)
        await sessions[0].flush()
        await expect(page.locator(".label-widget")).to_have_text(big)
        assert [rsv1 for size, rsv1, _ in sent] == [size >= deflate.SMALL
                                                    for size, _, _ in sent], sent
        assert any(rsv1 and wire * 3 < size for size, rsv1, wire in sent), sent
        # no context either way: no zlib state kept between messages
        header = ws.response.headers["Sec-WebSocket-Extensions"]
        assert "server_no_context_takeover" in header
        assert "client_no_context_takeover" in header
        [ext] = ws.protocol.extensions
        assert not hasattr(ext, "encoder") and not hasattr(ext, "decoder")


async def test_click_reaches_the_handler_and_the_label_changes_in_the_dom(page):
    async with running() as app:
        @app.on_connect
        async def setup(session):
            async def clicked():
                await label.set_text("Clicked!")
            _, label, _ = await hello(session, clicked)
        await page.goto(app.url)
        await page.get_by_text("Click me").click()
        await expect(page.locator(".label-widget")).to_have_text("Clicked!")


async def test_on_handlers_get_no_widget_and_add_callback_handlers_get_it_first(page):
    got = []
    async with running() as app:
        @app.on_connect
        async def setup(session):
            W = session.get_widgets()
            top = await W.TopLevel(title="T")
            check = await W.CheckBox("Tick me")
            await check.on("activated", lambda *a: got.append(("on", a)))
            await check.add_callback("activated", lambda *a, tag: got.append(("add", a, tag)),
                                     tag="x")
            await top.set_widget(check)
            await top.show()
            got.append(check)
        await page.goto(app.url)
        await page.locator(".checkbox-widget input").click()
        await until(lambda: len(got) == 3)
        check = got[0]
        assert ("on", (True,)) in got
        assert ("add", (check, True), "x") in got
        assert check.get_state() is True


async def test_sync_and_async_on_connect_handlers_both_run(page, context):
    async with running() as app:
        seen = []

        @app.on_connect
        def plain(session):                 # runs on the loop: schedules the async build
            seen.append(("plain", session.id))
            asyncio.get_running_loop().create_task(hello(session))

        @app.on_connect
        async def coroutine(session):
            seen.append(("async", session.id))
        await page.goto(app.url)
        await expect(page.locator(".label-widget")).to_have_text("Ready")
        sid = next(iter(app.sessions))
        assert seen == [("plain", sid), ("async", sid)]


async def test_on_disconnect_fires_when_the_tab_closes(context):
    async with running() as app:
        gone = asyncio.Event()
        app.on_connect(hello)
        app.on_disconnect(lambda session: gone.set())
        tab = await context.new_page()
        await tab.goto(app.url)
        await expect(tab.locator(".label-widget")).to_have_text("Ready")
        await tab.close()
        await asyncio.wait_for(gone.wait(), 5)


async def test_created_session_shows_its_ui_at_its_url_without_on_connect(page):
    async with running() as app:
        connects = []
        app.on_connect(lambda s: connects.append(s))
        session = app.create_session()
        W = session.get_widgets()
        top, label, _ = await hello(session)
        await label.set_text("Built before any browser")
        bar = await W.MenuBar()
        await (await bar.add_name("File")).add_name("Quit")
        await page.goto(session.url)
        await expect(page.locator(".label-widget")).to_have_text("Built before any browser")
        await expect(page.locator(".toplevel-title-bar")).to_contain_text("Hello")
        assert connects == []
        assert session.is_connected


async def test_reload_brings_back_the_ui_with_state_set_later_and_typed_by_the_user(page):
    async with running() as app:
        @app.on_connect
        async def setup(session):
            W = session.get_widgets()
            top = await W.TopLevel(title="Form")
            box = await W.VBox()
            label = await W.Label("first")
            entry = await W.TextEntry("")
            await box.add_widget(label)
            await box.add_widget(entry)
            await top.set_widget(box)
            await top.show()
            await label.set_text("set after creation")
        await page.goto(app.url)
        entry = page.locator(".label-widget").first
        await expect(entry).to_have_text("set after creation")
        field = page.locator("input").first
        await field.fill("typed by the user")
        await field.press("Enter")
        session = await only_session(app)
        entry_widget = [w for w in session.walk_widget_tree()
                        if type(w).__name__ == "TextEntry"][0]
        await until(lambda: entry_widget.get_text() == "typed by the user")
        await page.reload()
        await expect(page.locator(".label-widget")).to_have_text("set after creation")
        await expect(page.locator("input").first).to_have_value("typed by the user")
        assert app.sessions == {session.id: session}


async def test_second_browser_waits_for_max_sessions_then_gets_its_own_session(browser):
    async with running(max_sessions=1) as app:
        app.on_connect(hello)
        first_ctx, second_ctx = await browser.new_context(), await browser.new_context()
        try:
            first, second = await first_ctx.new_page(), await second_ctx.new_page()
            await first.goto(app.url)
            await expect(first.locator(".label-widget")).to_have_text("Ready")
            await second.goto(app.url)
            await asyncio.sleep(0.5)
            assert await second.locator(".label-widget").count() == 0   # held at the door
            first_id = next(iter(app.sessions))
            await first.close()
            await expect(second.locator(".label-widget")).to_have_text("Ready")
            assert len(app.sessions) == 2 and app.sessions[first_id].is_connected is False
        finally:
            await first_ctx.close()
            await second_ctx.close()


async def test_a_wrong_token_is_refused(page):
    async with running() as app:
        session = app.create_session()
        await hello(session)
        await page.goto(f"{app.url}?session={session.id}&token=wrong")
        await expect(page.get_by_text("Connection Rejected")).to_be_visible()
        await expect(page.get_by_text("Invalid session credentials")).to_be_visible()
        assert await page.locator(".label-widget").count() == 0


async def two_clicks_overlap(app, page, *, second_page=None):
    """Click button A (its handler waits on a gate), then button B; report whether B
    started before A was released. Timing-independent: flush() proves B's callback
    reached the server before we look."""
    gate = asyncio.Event()
    started, ended = [], []

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="T")
        btn = await W.Button(f"Button {len(app.sessions)}")

        async def handler():
            started.append(btn.session.id)
            await gate.wait()
            ended.append(btn.session.id)
        await btn.on("activated", handler)
        await top.set_widget(btn)
        await top.show()
    await page.goto(app.url)
    await expect(page.get_by_text("Button 1")).to_be_visible()
    other = page
    if second_page is not None:
        await second_page.goto(app.url)
        await expect(second_page.get_by_text("Button 2")).to_be_visible()
        other = second_page
    await page.locator(".button-widget").click()
    await until(lambda: len(started) == 1)
    await other.locator(".button-widget").click()
    for s in app.sessions.values():
        await s.flush()
    await asyncio.sleep(0)                       # let any unblocked handler start
    overlapped = len(started) == 2
    gate.set()
    await until(lambda: len(ended) == 2)
    return overlapped


async def test_per_session_never_overlaps_one_sessions_handlers(page):
    async with running(concurrency_handling="per_session") as app:
        assert await two_clicks_overlap(app, page) is False


async def test_per_session_lets_two_sessions_overlap(browser, page):
    async with running(concurrency_handling="per_session") as app:
        ctx = await browser.new_context()
        try:
            assert await two_clicks_overlap(app, page, second_page=await ctx.new_page())
        finally:
            await ctx.close()


async def test_serialized_never_overlaps_handlers_of_two_sessions(browser, page):
    async with running(concurrency_handling="serialized") as app:
        ctx = await browser.new_context()
        try:
            overlapped = await two_clicks_overlap(app, page, second_page=await ctx.new_page())
        finally:
            await ctx.close()
        assert overlapped is False


async def test_concurrent_handlers_overlap(page):
    async with running(concurrency_handling="concurrent") as app:
        assert await two_clicks_overlap(app, page) is True


async def test_a_timer_fires_its_handler(page):
    async with running() as app:
        fired = asyncio.Event()
        durations = []

        @app.on_connect
        async def setup(session):
            await hello(session)
            timer = await session.make_timer(duration=0.05)
            await timer.on("expired", lambda d: (durations.append(d), fired.set()))
            await timer.start()
        await page.goto(app.url)
        await asyncio.wait_for(fired.wait(), 5)
        assert durations == [0.05]


async def test_destroy_removes_the_widget_from_the_dom_and_from_the_tree(page):
    async with running() as app:
        app.on_connect(hello)
        await page.goto(app.url)
        await expect(page.locator(".label-widget")).to_have_text("Ready")
        session = await only_session(app)
        label = [w for w in session.walk_widget_tree() if type(w).__name__ == "Label"][0]
        await label.destroy()
        await expect(page.locator(".label-widget")).to_have_count(0)
        assert label not in list(session.walk_widget_tree())
        await page.reload()                      # and it stays gone
        await expect(page.locator(".button-widget")).to_have_text("Click me")
        assert await page.locator(".label-widget").count() == 0


async def test_session_close_is_followed_by_the_page_rejoining_with_its_ui(page):
    async with running() as app:
        joined = []
        app.on_connect(lambda s: joined.append(s))

        @app.on_connect
        async def setup(session):
            _, label, _ = await hello(session)
            await label.set_text("still here")
        await page.goto(app.url)
        await expect(page.locator(".label-widget")).to_have_text("still here")
        session = await only_session(app)
        await session.close()
        await until(lambda: not session.is_connected)
        await until(lambda: session.is_connected)          # the page came back by itself
        await expect(page.locator(".label-widget")).to_have_text("still here")
        assert joined == [session] and list(app.sessions) == [session.id]


async def test_app_close_makes_run_return(page):
    app = Application(ws_port=0, http_port=0)
    app.on_connect(hello)
    runner = asyncio.create_task(app.run())
    await until(lambda: app._starting is not None and app._starting.done())
    await page.goto(app.url)
    await expect(page.locator(".label-widget")).to_have_text("Ready")
    await app.close()
    await asyncio.wait_for(runner, 5)
    await expect(page.get_by_text("Application closed")).to_be_visible()
