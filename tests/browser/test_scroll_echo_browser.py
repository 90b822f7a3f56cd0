"""A program's ``scrolled`` handler runs for the user's scrolling only: not when a
reload or a second page puts the scroll position back (the page's own scroll events
that follow are echoes of what Python already recorded)."""

from __future__ import annotations

import asyncio

import pytest

from domsnap import goto_and_wait, reload_and_wait, until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]


async def scrolled_area(session):
    W = session.get_widgets()
    top = await W.TopLevel(title="Scrolling")
    sa = await W.ScrollArea()
    inner = await W.VBox()
    for i in range(60):
        await inner.add_widget(await W.Label(f"line {i}"))
    await sa.set_widget(inner)
    await top.set_widget(sa)
    await top.resize(300, 200)
    await top.show()
    fired = []
    await sa.on("scrolled", lambda *args: fired.append(args))
    return sa, fired


async def user_scrolls(page, fired, more_than: int = 0) -> None:
    """Wheel over the area's scroll bar (the viewport itself does not scroll: the wheel
    acts on the bar) until the handler ran again and the page settled."""
    await page.bring_to_front()
    box = await page.locator(".abstractscrollarea-vbar").first.bounding_box()
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 30)
    for _ in range(10):
        await page.mouse.wheel(0, 100)
        if len(fired) > more_than:
            break
        await asyncio.sleep(0.2)
    await until(lambda: len(fired) > more_than,
                what="the user's wheel reaches the scrolled handler")
    await quiet(fired)                       # the wheel's last events (smooth scrolling)


async def quiet(fired, for_s: float = 0.6, within: float = 15.0) -> None:
    """Until the handler has not run for ``for_s`` seconds (a loaded machine stretches a
    wheel's smooth scrolling: a fixed wait let its last event land after the reload)."""
    loop = asyncio.get_running_loop()
    end, n, since = loop.time() + within, len(fired), loop.time()
    while loop.time() < end:
        await asyncio.sleep(0.1)
        if len(fired) != n:
            n, since = len(fired), loop.time()
        elif loop.time() - since >= for_s:
            return
    raise AssertionError(f"the scrolled handler still ran after {within} s: {fired[-3:]}")


async def test_a_reload_does_not_run_the_scrolled_handler(app, context):
    session = app.create_session()
    try:
        page = await context.new_page()
        await goto_and_wait(page, session)
        sa, fired = await scrolled_area(session)
        await session.flush()
        await user_scrolls(page, fired)
        pos = sa.get_scroll_position()
        assert pos[1] > 0, pos
        n = len(fired)
        await reload_and_wait(page, session)
        await asyncio.sleep(1.5)             # past the position's settling (0.1 s, 0.5 s)
        assert sa.get_scroll_position() == pos          # it came back
        assert len(fired) == n, f"the reload ran the handler: {fired[n:]}"

        second = await context.new_page()      # a second tab of the session
        await goto_and_wait(second, session, pages=2)
        await asyncio.sleep(1.5)
        assert len(fired) == n, f"a second page ran the handler: {fired[n:]}"

        await user_scrolls(page, fired, more_than=n)   # the user's next wheel still runs it
        assert sa.get_scroll_position()[1] > pos[1]
    finally:
        await session.destroy()
