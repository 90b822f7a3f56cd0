"""A TextSource driven as the reference's blocking TextSource is: scrolled to a line and
to the end, a tooltip shown, gutter icons set one per ref, kept by a reload, cleared; tags
between refs the page made (get_ref_line_start...) redrawn by a reload."""

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


RED = """() => [...document.querySelectorAll('.textsource-line span')]
    .filter(s => getComputedStyle(s).color === 'rgb(255, 0, 0)').map(s => s.textContent)"""


async def test_a_tag_between_refs_the_page_made_is_kept_by_a_reload(app, page):
    """Refs from get_ref_line_start / get_ref_line_end / create_ref (made by the page, not
    by Python): a tag between them is drawn after a reload, and the refs are there too."""
    session = app.create_session()
    errors = []
    session.on_error(lambda _s, err: errors.append(err))
    W = session.get_widgets()
    top = await W.TopLevel(title="Tags")
    ts = await W.TextSource("\n".join(f"line {i}" for i in range(10)))
    await top.set_widget(ts)
    await top.resize(320, 260)
    await top.show()
    await goto_and_wait(page, session)                # the page answers the queries
    await ts.create_tag("hot", foreground="rgb(255, 0, 0)")
    start, end = await ts.get_ref_line_start(2), await ts.get_ref_line_end(2)
    await ts.apply_tag("hot", start, end)
    await ts.apply_tag("hot", await ts.create_ref(len("line 0\nli")),
                       await ts.create_ref(len("line 0\nline")))
    await session.flush()
    assert await page.evaluate(RED) == ["ne", "line 2"]

    await reload_and_wait(page, session)
    assert await page.evaluate(RED) == ["ne", "line 2"], "the tags were not redrawn"
    assert await end.get_line_column() == [2, 6]     # the page's own ref, made again
    await ts.insert_text(start, ">> ")               # at a ref of the new page
    await session.flush()
    edited = await page.evaluate(RED)
    assert edited == ["ne", "line 2"]                # the tag's start moved with the text
    assert (start.get_offset(), end.get_offset()) == (17, 23)    # as the page's refs:
    assert [await start.get_line_column(), await end.get_line_column()] == [[2, 3], [2, 9]]
    await reload_and_wait(page, session)
    assert await page.evaluate(RED) == edited
    assert [await start.get_line_column(), await end.get_line_column()] == [[2, 3], [2, 9]]
    assert not errors, errors
