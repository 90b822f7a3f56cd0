"""MDI sub-windows arranged by the page (Tile, Cascade) come back where they were after a
reload: the page moves them without a ``move`` event, so Python asks where they went."""

from __future__ import annotations

import asyncio

import pytest

from domsnap import goto_and_wait, reload_and_wait

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

GEOMETRY = """() => Array.from(document.querySelectorAll('.mdi-window')).map(w =>
    [w.querySelector('.mdi-title-bar').textContent.trim(),
     w.style.left, w.style.top, w.style.width, w.style.height]).sort()"""


async def settled(page, timeout: float = 5.0):
    """The sub-windows' geometry once it stops changing."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    last = None
    while True:
        now = await page.evaluate(GEOMETRY)
        if now == last:
            return now
        assert loop.time() < end, f"the sub-windows kept moving: {now}"
        last = now
        await asyncio.sleep(0.3)


@pytest.mark.parametrize("arrange", ["tile_windows", "cascade_windows"])
async def test_windows_arranged_by_the_page_come_back_where_they_were(app, page, arrange):
    session = app.create_session()
    W = session.get_widgets()
    top = await W.TopLevel(title="Desk")
    mdi = await W.MDIWidget()
    for i in range(3):
        await mdi.add_widget(await W.Label(f"doc {i}"), title=f"Doc {i}", x=20 + 30 * i,
                             y=10 + 20 * i, width=150, height=90)
    await top.set_widget(mdi)
    await top.resize(640, 420)
    await top.show()
    await goto_and_wait(page, session)
    before = await settled(page)
    await getattr(mdi, arrange)()
    await session.flush()
    arranged = await settled(page)
    assert arranged != before, f"{arrange}() changed nothing in the page"
    await session.flush()
    await reload_and_wait(page, session)
    assert await settled(page) == arranged, f"after {arrange}() and a reload"
