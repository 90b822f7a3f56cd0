"""Clicks in Chromium while 100 other sessions stream setters as fast as they go.

The other sessions' pages are bench/fakepage.py's fake pages, in their own process,
which answer at once (as a fast browser would). Every click reaches its handler and
shows in the page, every background call arrives, and clicks are taken while answered
background work still waits for its turn: the page's input goes ahead of it
(pgwidgets_core.releases) instead of behind all of it. How long a click takes under
load is measured in bench (bench/scale_driver.py, docs/performance.md).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from pgwidgets_core import Application

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(120)]

FAKEPAGE = Path(__file__).resolve().parents[2] / "bench" / "fakepage.py"
SESSIONS = 100         # fake pages streaming
LABELS = 10
PER_FLUSH = 100        # set_text calls between two flushes (one answer each)
CLICKS = 5

# Click the button (a DOM click, as the user's), then wait until the label shows the
# n-th click: one round trip to Chromium per click. (That round trip, Playwright's on
# this loaded loop, takes seconds here; the page shows the click long before.)
CLICK = """([n]) => new Promise((resolve, reject) => {
  const btn = [...document.querySelectorAll('button')]
    .find(b => b.textContent.includes('Click me'));
  if (!btn) return reject(new Error('no button'));
  const want = 'click ' + n;
  const shown = () => document.body.textContent.includes(want);
  const obs = new MutationObserver(() => { if (shown()) { obs.disconnect(); resolve(); } });
  obs.observe(document.body, {childList: true, subtree: true, characterData: true});
  setTimeout(() => { obs.disconnect(); reject(new Error(want + ': not shown in 20 s')); },
             20000);
  btn.click();
})"""


async def test_clicks_go_ahead_of_100_streaming_sessions(page) -> None:
    app = Application(ws_port=0, http_port=0, max_sessions=None)
    await app.start()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(FAKEPAGE), "pages", f"ws://127.0.0.1:{app.ws_port}/",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    async def say(cmd: str) -> str:
        proc.stdin.write(cmd.encode() + b"\n")
        await proc.stdin.drain()
        return (await asyncio.wait_for(proc.stdout.readline(), 60)).decode().strip()

    stop = asyncio.Event()
    streamers: list[asyncio.Task[None]] = []
    try:
        built: asyncio.Queue = asyncio.Queue()

        @app.on_connect
        async def labels_ui(session):
            W = session.get_widgets()
            top = await W.TopLevel(title="bg")
            box = await W.VBox()
            await top.set_widget(box)
            labs = [await W.Label(f"l{i}") for i in range(LABELS)]
            for lab in labs:
                await box.add_widget(lab, 0)
            await top.show()
            built.put_nowait((session, labs))

        assert await say(f"go {SESSIONS}") == "opened"
        ready = [await asyncio.wait_for(built.get(), 60) for _ in range(SESSIONS)]
        sent = [0]

        async def stream(session, labs) -> None:
            n = 0
            while not stop.is_set():
                for _ in range(PER_FLUSH):
                    await labs[n % LABELS].set_text(f"pgs-{n}")
                    n += 1
                sent[0] += PER_FLUSH
                await session.flush()

        # The Chromium page: a button whose handler counts, noting how many answers
        # still waited for a turn when the click was taken.
        ui = app.create_session()
        W = ui.get_widgets()
        top = await W.TopLevel(title="click under load")
        box = await W.VBox()
        label = await W.Label("click 0")
        btn = await W.Button("Click me")
        taken: list[int] = []

        async def clicked():
            taken.append(app.releases.waiting)
            await label.set_text(f"click {len(taken)}")

        await btn.on("activated", clicked)
        await box.add_widget(label, 1)
        await box.add_widget(btn, 0)
        await top.set_widget(box)
        await top.show()
        await page.goto(ui.url)
        await page.get_by_text("click 0").wait_for(timeout=20000)

        streamers = [asyncio.ensure_future(stream(s, labs)) for s, labs in ready]
        await asyncio.sleep(0.5)                 # all of them streaming
        for i in range(1, CLICKS + 1):
            await page.evaluate(CLICK, [i])
        stop.set()
        await asyncio.wait_for(asyncio.gather(*streamers), 60)

        assert len(taken) == CLICKS
        assert any(w > 0 for w in taken), \
            f"no click was taken while answers waited for a turn: {taken}"
        assert await say("count") == f"count {sent[0]}"   # every background call arrived
    finally:
        stop.set()
        for t in streamers:
            t.cancel()
        if proc.returncode is None:
            proc.kill()
        await proc.wait()
        await app.close()
