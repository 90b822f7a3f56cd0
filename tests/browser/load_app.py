"""The app of test_click_under_load_browser.py, in its own process (so that the test's
Playwright, on the test's loop, is not slowed by the load it measures).

    python load_app.py SESSIONS CLICKS

Starts an Application on free ports, connects SESSIONS of bench/fakepage.py's fake
pages (another process), gives each a window of labels and makes every one stream:
2 ms of the program's own work, 10 setters, ``flush()``, again and again. Prints
``URL <session url>`` for the page to open: a session whose button's handler counts
the clicks on a label. After CLICKS clicks it stops the streaming and prints
``RESULT {json}``: the clicks taken, the setters sent and the setters the fake pages
received.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from pgwidgets_core import Application

FAKEPAGE = Path(__file__).resolve().parents[2] / "bench" / "fakepage.py"
LABELS = 10
PER_FLUSH = 10         # set_text calls between two flushes (one answer each)
WORK_S = 0.002         # the program's own work before them


async def main(sessions: int, clicks: int) -> None:
    app = Application(ws_port=0, http_port=0, max_sessions=None)
    await app.start()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(FAKEPAGE), "pages", f"ws://127.0.0.1:{app.ws_port}/",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    async def say(cmd: str) -> str:
        proc.stdin.write(cmd.encode() + b"\n")
        await proc.stdin.drain()
        return (await asyncio.wait_for(proc.stdout.readline(), 60)).decode().strip()

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

    if await say(f"go {sessions}") != "opened":
        raise RuntimeError("the fake pages did not open")
    ready = [await asyncio.wait_for(built.get(), 60) for _ in range(sessions)]
    stop = asyncio.Event()
    sent = [0]

    async def stream(session, labs) -> None:
        n = 0
        while not stop.is_set():
            busy = time.perf_counter() + WORK_S
            while time.perf_counter() < busy:
                pass
            for _ in range(PER_FLUSH):
                await labs[n % LABELS].set_text(f"pgs-{n}")
                n += 1
            sent[0] += PER_FLUSH
            await session.flush()

    ui = app.create_session()
    W = ui.get_widgets()
    top = await W.TopLevel(title="click under load")
    box = await W.VBox()
    label = await W.Label("click 0")
    btn = await W.Button("Click me")
    taken = [0]
    all_taken = asyncio.Event()

    async def clicked():
        taken[0] += 1
        await label.set_text(f"click {taken[0]}")
        if taken[0] >= clicks:
            all_taken.set()

    await btn.on("activated", clicked)
    await box.add_widget(label, 1)
    await box.add_widget(btn, 0)
    await top.set_widget(box)
    await top.show()
    streamers = [asyncio.ensure_future(stream(s, labs)) for s, labs in ready]
    await asyncio.sleep(0.5)                       # all of them streaming
    print("URL", ui.url, flush=True)
    await asyncio.wait_for(all_taken.wait(), 100)
    await asyncio.sleep(0.5)                       # the last label change reaches the page
    stop.set()
    await asyncio.wait_for(asyncio.gather(*streamers), 60)
    received = int((await say("count")).split()[1])
    print("RESULT " + json.dumps({"clicks": taken[0], "sent": sent[0], "received": received}),
          flush=True)
    proc.kill()
    await proc.wait()
    await app.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
