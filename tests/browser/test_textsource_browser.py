"""A TextSource driven as the reference's blocking TextSource is: scrolled to a line and
to the end, a tooltip shown, gutter icons set one per ref, kept by a reload, cleared."""

from __future__ import annotations

import pytest

from domsnap import goto_and_wait, reload_and_wait

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

DOT = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42"
       "mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
LINE_TOP = """(n) => { const l = document.querySelectorAll('.textsource-line')[n];
    const view = l.closest('.textsource-widget').getBoundingClientRect();
    const r = l.getBoundingClientRect(); return [r.top - view.top, r.bottom <= view.bottom]; }"""
ICONS = "() => document.querySelectorAll('.textsource-line-icon').length"


async def test_scroll_tooltip_and_icons_in_the_page(app, page):
    session = app.create_session()
    errors = []
    session.on_error(lambda _s, err: errors.append(err))
    W = session.get_widgets()
    top = await W.TopLevel(title="Source")
    ts = await W.TextSource("\n".join(f"line {i}" for i in range(200)), icon_gutter=True,
                            line_numbers=True)
    refs = [await W.TextBufferRef(ts, off) for off in (0, len("line 0\n"))]
    for ref in refs:
        await ts.set_icon(ref, DOT)                  # two icons: both are kept
    await top.set_widget(ts)
    await top.resize(320, 200)
    await top.show()
    await goto_and_wait(page, session)
    assert await page.evaluate(ICONS) == 2

    await ts.scroll_to_end()
    await session.flush()
    top199, visible = await page.evaluate(LINE_TOP, 199)
    assert visible, f"the last line is not in view after scroll_to_end() (top {top199})"
    await ts.scroll_to_lineno(50, "top")
    await session.flush()
    top50, _ = await page.evaluate(LINE_TOP, 50)
    assert abs(top50) < 40, f"line 50 is not at the top after scroll_to_lineno(50, 'top'): {top50}"

    await ts.show_tooltip("a hint", 40, 50)
    await session.flush()
    tip = page.locator(".textsource-tooltip")
    assert await tip.is_visible() and await tip.inner_text() == "a hint"
    await ts.show_tooltip("", 0, 0)
    await session.flush()
    assert not await tip.is_visible()

    await reload_and_wait(page, session)
    assert await page.evaluate(ICONS) == 2, "the icons did not come back after a reload"
    await ts.clear_icons()
    await session.flush()
    assert await page.evaluate(ICONS) == 0
    await reload_and_wait(page, session)
    assert await page.evaluate(ICONS) == 0, "cleared icons came back after a reload"
    assert not errors, errors
