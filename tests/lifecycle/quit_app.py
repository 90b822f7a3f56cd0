"""The "Quit button" as a program: a page connects, its handler calls close(), and the
line after close() must run before run() returns; the process exits 0 at once.

    python tests/lifecycle/quit_app.py SCENARIO [RUNS]

Prints ``OK n/RUNS`` (exit 0) or the first failure (exit 1). Each run is a fresh
Application on free ports; the page is tests/fakebrowser.py's FakeBrowser.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fakebrowser import FakeBrowser  # noqa: E402

SCENARIOS = ("async-start-run", "async-run", "async-thread", "sync-per_session",
             "sync-serialized", "sync-concurrent", "sync-close-from-main")


async def _page(ws_port: int) -> None:
    fb = FakeBrowser(f"ws://127.0.0.1:{ws_port}")
    try:
        await fb.connect(timeout=5)
        await fb.wait_closed(timeout=10)
    except Exception:
        pass
    finally:
        await fb.close()


def _page_thread(ws_port: int) -> threading.Thread:
    t = threading.Thread(target=lambda: asyncio.run(_page(ws_port)), daemon=True)
    t.start()
    return t


def run_async(start_first: bool) -> bool:
    from pgwidgets_core import Application
    after: list[str] = []

    async def main() -> None:
        app = Application(ws_port=0, http_port=0)

        @app.on_connect
        async def quit_(session):
            await app.close()
            await asyncio.sleep(0.01)       # still alive after an await
            after.append("after close")

        if start_first:
            await app.start()
        runner = asyncio.create_task(app.run())
        while app.ws_port == 0:
            await asyncio.sleep(0.001)
        page = asyncio.create_task(_page(app.ws_port))
        await asyncio.wait_for(runner, 15)
        page.cancel()
    asyncio.run(main())
    return after == ["after close"]


def run_async_thread() -> bool:
    result: list[bool] = []
    t = threading.Thread(target=lambda: result.append(run_async(True)))
    t.start()
    t.join(30)
    return result == [True]


def run_sync(mode: str, close_from_main: bool = False) -> bool:
    from pgwidgets_sync import Application
    after: list[str] = []
    app = Application(ws_port=0, http_port=0, concurrency_handling=mode)
    entered = threading.Event()

    @app.on_connect
    def quit_(session):
        entered.set()
        if close_from_main:
            time.sleep(0.05)                # main closes meanwhile; so do we
        app.close()
        time.sleep(0.3)                     # work after close(), longer than run()'s poll
        after.append("after close")

    app.start()
    _page_thread(app.ws_port)
    if close_from_main:
        threading.Thread(target=lambda: (entered.wait(10), app.close()), daemon=True).start()
    app.run()
    return after == ["after close"]


def one(scenario: str) -> bool:
    if scenario == "async-start-run":
        return run_async(True)
    if scenario == "async-run":
        return run_async(False)
    if scenario == "async-thread":
        return run_async_thread()
    if scenario == "sync-close-from-main":
        return run_sync("per_session", close_from_main=True)
    return run_sync(scenario.removeprefix("sync-"))


def main() -> int:
    scenario = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    if scenario not in SCENARIOS:
        print(f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
        return 2
    for i in range(runs):
        if not one(scenario):
            print(f"FAILED at run {i + 1}/{runs}: the line after close() did not run "
                  f"before run() returned")
            return 1
    print(f"OK {runs}/{runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
