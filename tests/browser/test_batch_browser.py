"""``session.batch()`` against the real page: one WebSocket frame, the table drawn once,
and an error inside the batch naming its call."""

from __future__ import annotations

import asyncio
import json

import pytest
from playwright.async_api import expect

from domsnap import until
from pgwidgets_core import BrowserError

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

COLUMNS = [{"label": "Name", "key": "name"}, {"label": "Size", "key": "size", "type": "int"}]
ROWS = 40

# Counts the DOM mutations of the table from now on (one render rewrites its rows).
WATCH = """() => {
    window.__mutations = 0;
    const t = document.querySelector('.treeview-widget, .tableview-widget')
        || document.querySelector('.treeview-row').parentElement;
    new MutationObserver(rs => { window.__mutations += rs.length; })
        .observe(t, {childList: true, subtree: true});
}"""


async def open_table(app, page):
    ready = asyncio.get_running_loop().create_future()

    async def build(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Batch")
        tv = await W.TableView(columns=COLUMNS)
        await tv.set_data([[f"r{i}", i] for i in range(ROWS)])
        await top.set_widget(tv)
        await top.resize(400, 300)
        await top.show()
        ready.set_result((session, tv))
    app.on_connect(build)
    try:
        await page.goto(app.url)
        session, tv = await asyncio.wait_for(ready, 10)
    finally:
        app._connect_handlers.remove(build)
    await expect(page.locator(".treeview-row").first).to_be_visible()
    return session, tv


async def set_sizes(tv, base):
    for i in range(ROWS):
        await tv.set_cell([f"row{i}"], "size", base + i)


async def test_a_batch_is_one_frame_and_the_table_draws_once(app, page):
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    session, tv = await open_table(app, page)
    await session.flush()

    await page.evaluate(WATCH)
    await set_sizes(tv, 1000)                       # no batch: each call redraws
    await session.flush()
    unbatched = await page.evaluate("window.__mutations")

    await page.evaluate(WATCH)
    frames.clear()
    async with session.batch():
        await set_sizes(tv, 2000)
        assert frames == []
    await session.flush()
    batched = await page.evaluate("window.__mutations")
    calls = [json.loads(f) for f in frames if isinstance(f, str)]
    batch_frames = [f for f in calls if isinstance(f, list)
                    and sum(m.get("method") == "set_cell" for m in f) == ROWS]
    assert len(batch_frames) == 1, [str(f)[:80] for f in calls]
    assert batched * 5 < unbatched, (batched, unbatched)
    await expect(page.locator(".treeview-row").nth(ROWS - 1)).to_contain_text(str(2000 + ROWS - 1))


async def test_an_error_in_a_batch_names_the_call_and_its_index(app, page):
    session, tv = await open_table(app, page)
    errors = []
    session.on_error(lambda s, e: errors.append(e))
    async with session.batch():
        await tv.set_cell(["row0"], "size", 7)
        session.engine.call(tv._rec, "no_such_method", [1])     # the page rejects it
        await tv.set_cell(["row1"], "size", 8)
    await session.flush()
    await until(lambda: errors)
    [err] = errors
    assert isinstance(err, BrowserError)
    assert err.batch_index == 1 and err.method == "no_such_method" and err.wid == tv.wid
    assert "TableView" in str(err) and "call 1 of a batch" in str(err)
    # the calls after it ran
    await expect(page.locator(".treeview-row").nth(1)).to_contain_text("8")


async def test_a_setter_repeated_in_a_batch_reaches_the_page_once_with_its_last_value(app,
                                                                                      page):
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    ready = asyncio.get_running_loop().create_future()

    async def build(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Coalesced")
        box = await W.VBox()
        labels = [await W.Label("start a"), await W.Label("start b")]
        for label in labels:
            await box.add_widget(label, 0)
        await top.set_widget(box)
        await top.show()
        ready.set_result((session, labels))
    app.on_connect(build)
    try:
        await page.goto(app.url)
        session, (a, b) = await asyncio.wait_for(ready, 10)
    finally:
        app._connect_handlers.remove(build)
    await expect(page.get_by_text("start b")).to_be_visible()
    frames.clear()
    async with session.batch():
        for i in range(10):
            await a.set_text(f"a {i}")
            await b.set_text(f"b {i}")
    await session.flush()
    await expect(page.get_by_text("a 9")).to_be_visible()
    await expect(page.get_by_text("b 9")).to_be_visible()
    sent = [m for f in frames if isinstance(f, str) for m in json.loads(f)
            if isinstance(m, dict) and m.get("method") == "set_text"]
    assert [m["args"] for m in sent] == [["a 9"], ["b 9"]]
    assert a.get_text() == "a 9"                    # a local getter
    await page.reload()                              # what a reload draws: the same
    await expect(page.get_by_text("a 9")).to_be_visible()
    await expect(page.get_by_text("b 9")).to_be_visible()
