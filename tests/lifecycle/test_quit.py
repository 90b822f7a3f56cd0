"""The "Quit button" scenario: a handler awaits app.close() and the NEXT line runs."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fakebrowser import FakeBrowser  # noqa: E402

from pgwidgets_core import Application

pytestmark = pytest.mark.timeout(60)

RUNS = int(os.environ.get("PGWIDGETS_LIFECYCLE_RUNS", "20"))


async def _one(start_first: bool) -> bool:
    app = Application(ws_port=0, http_port=0)
    after = []

    @app.on_connect
    async def quit_(session):
        await app.close()
        after.append(True)          # the line after close()

    if start_first:
        await app.start()
    runner = asyncio.create_task(app.run())
    while app.ws_port == 0:
        await asyncio.sleep(0.001)
    fb = FakeBrowser(f"ws://127.0.0.1:{app.ws_port}")
    try:
        await fb.connect(timeout=5)
    except Exception:
        pass
    await asyncio.wait_for(runner, 10)
    return bool(after)


@pytest.mark.parametrize("start_first", [True, False], ids=["start+run", "run"])
def test_handler_line_after_close_runs(start_first):
    ok = sum(asyncio.run(_one(start_first)) for _ in range(RUNS))
    assert ok == RUNS
