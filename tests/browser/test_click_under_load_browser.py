"""Clicks in Chromium while 100 other sessions stream as fast as they go: each computes
for 2 ms, sends 10 setters and waits for its page's answer, again and again.

The app runs in its own process (tests/browser/load_app.py), its 100 other pages are
bench/fakepage.py's fake pages in a third, which answer at once (as a fast browser
would). Every click reaches its handler and shows in the page, and every background
call arrives, while pgwidgets_core.releases holds answers back to keep the loop's
turns short. That the loop reads a page's input between bursts of the woken tasks'
work is tests/core/test_releases.py's; how long a click takes under load is measured
in bench (bench/scale_driver.py, docs/performance.md).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(120)]

APP = Path(__file__).resolve().parent / "load_app.py"
SESSIONS = 100
CLICKS = 5

# Click the button (a DOM click, as the user's), then wait until the label shows the
# n-th click.
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


async def _line(proc, prefix: str) -> str:
    while True:
        raw = await asyncio.wait_for(proc.stdout.readline(), 100)
        if not raw:
            raise AssertionError(f"load_app.py ended before printing {prefix!r}")
        line = raw.decode().strip()
        if line.startswith(prefix + " "):
            return line[len(prefix) + 1:]


async def test_clicks_go_ahead_of_100_streaming_sessions(page) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(APP), str(SESSIONS), str(CLICKS),
        stdout=asyncio.subprocess.PIPE)
    try:
        url = await _line(proc, "URL")
        await page.goto(url)
        await page.get_by_text("click 0").wait_for(timeout=20000)
        for i in range(1, CLICKS + 1):
            await page.evaluate(CLICK, [i])
        result = json.loads(await _line(proc, "RESULT"))
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert result["clicks"] == CLICKS                # each click reached its handler once
    assert result["sent"] > 0
    assert result["received"] == result["sent"]      # every background call arrived
