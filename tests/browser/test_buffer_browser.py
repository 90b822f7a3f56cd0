"""Image bytes from any buffer (array.array, memoryview, a Buffer with shape/dtype) shown
in real Chromium, chunked above the frame limit, and back after a reload and in a
second tab."""

from __future__ import annotations

import array
import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pngutil import png  # noqa: E402

from pgwidgets_core import Buffer
from pgwidgets_core.protocol import BINARY_SINGLE

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

NATURAL = """() => Array.from(document.querySelectorAll('img'))
    .filter(i => i.complete && i.naturalWidth > 0).map(i => [i.naturalWidth, i.naturalHeight])"""


async def shown(page, want, timeout=10.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        got = sorted(map(tuple, await page.evaluate(NATURAL)))
        if got == sorted(want):
            return
        assert loop.time() < end, f"images shown {got}, expected {sorted(want)}"
        await asyncio.sleep(0.05)


async def test_buffers_show_survive_reload_and_reach_a_second_tab(app, context):
    big = png(700, 600, (0, 90, 200), level=0)          # > 1 MiB: chunked
    assert len(big) > BINARY_SINGLE
    small = png(30, 20, (200, 0, 0))
    ready = asyncio.get_running_loop().create_future()

    async def build(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Buffers")
        box = await W.VBox()
        imgs = [await W.Image() for _ in range(3)]
        for img in imgs:
            await box.add_widget(img)
        imgs[0].set_binary_image(array.array("B", small), "png")     # no await needed
        await imgs[1].set_binary_image(memoryview(big), "png")
        await imgs[2].set_binary_image(Buffer(small, (len(small),), "uint8"), "png")
        await top.set_widget(box)
        await top.resize(800, 700)
        await top.show()
        ready.set_result(session)
    app.on_connect(build)
    page = await context.new_page()
    try:
        await page.goto(app.url)
        session = await asyncio.wait_for(ready, 10)
    finally:
        app._connect_handlers.remove(build)
    want = [(30, 20), (700, 600), (30, 20)]
    await shown(page, want)
    await page.reload()
    await shown(page, want)
    second = await context.new_page()
    await second.goto(session.url)
    await shown(second, want)
