"""The driver process of the soak bench: pages that come and go, in a loop.

Run by :mod:`bench.reliability.soak`::

    python -m bench.reliability.soak_driver --http http://127.0.0.1:P/ \\
        --ws ws://127.0.0.1:Q --seconds 600 --pages 10

Until ``--seconds`` have passed, cycle after cycle, all at once:

* ``--pages`` fake pages (:class:`bench.reliability.page.LightPage`), each a new
  session: connect, wait for the UI, click "Click" (the handler sets the label to
  ``clicked 1``), reload (the socket closes with 1001, a new one rejoins the session
  with its id and token; the rebuilt UI must show ``clicked 1``), click again
  (``clicked 2``), then leave, in turn: click "Quit" (the handler destroys the
  session: close code 4000), close with 1001 (the app's idle timeout destroys the
  session), or drop TCP without a closing handshake (same);
* one real headless Chromium page (Playwright, Debian's /usr/bin/chromium, one browser
  for the run with a fresh user-data-dir, a new context per cycle): open the app's URL,
  click,
  reload (``page.reload()``; the label must come back as ``clicked 1``), click again,
  then click "Quit" or close the tab, in turn.

Then it waits until the app has had no session for a moment (the app takes its rest
sample then). Prints ``SOAK-DRIVER {json}``: cycles, sessions, checks failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from .common import mono
from .page import LightPage
from .soak_app import IDLE_TIMEOUT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ENDINGS = ("quit", "close", "abort")
REST = IDLE_TIMEOUT + 1.2     # after a cycle: expiry, then the app's rest sample


class SoakPage(LightPage):
    """A LightPage that also keeps the first argument of each ``create`` (label and
    button texts), so it can find its widgets and see the rebuilt label's text."""

    def _message(self, m: Any) -> dict[str, Any] | None:
        if isinstance(m, dict) and m.get("type") == "create":
            args = m.get("args") or []
            wid = m.get("wid")
            if args and isinstance(args[0], str) and isinstance(wid, int):
                self.texts[wid] = args[0]
        return super()._message(m)


def ui_of(p: LightPage) -> tuple[int, int, int] | None:
    """(label, click, quit) wids once the UI is there and both buttons are listened."""
    label = click = quit_ = None
    for wid, cls in p.widgets.items():
        text = p.texts.get(wid)
        if cls == "Label" and isinstance(text, str) and not text.startswith("line "):
            label = wid
        elif cls == "Button" and text == "Click":
            click = wid
        elif cls == "Button" and text == "Quit":
            quit_ = wid
    if label is None or click is None or quit_ is None:
        return None
    if (click, "activated") not in p.listened or (quit_, "activated") not in p.listened:
        return None
    return label, click, quit_


async def fake_session(ws: str, name: str, ending: str) -> None:
    """One fake page's life: connect, click, reload, click, leave (see module doc)."""
    p = await SoakPage(ws, name=name).connect(timeout=30)
    try:
        label, click, _ = await p.wait_for(ui_of, 30, "the UI")
        await p.callback(click, "activated")
        await p.wait_for(lambda q: q.texts.get(label) == "clicked 1", 30, "clicked 1")
    finally:
        await p.close(1001)
    q = SoakPage(ws, session_id=p.session_id, token=p.token, name=name + "'")
    await q.connect(timeout=30)
    try:
        await q.wait_for(lambda r: r.rebuilds_done >= 1 and ui_of(r), 30, "the rebuild")
        label, click, quit_ = ui_of(q)  # type: ignore[misc]
        if q.texts.get(label) != "clicked 1":
            raise AssertionError(f"{name}: rebuilt label says {q.texts.get(label)!r}")
        await q.callback(click, "activated")
        await q.wait_for(lambda r: r.texts.get(label) == "clicked 2", 30, "clicked 2")
        if ending == "quit":
            await q.callback(quit_, "activated")
            await q.wait_for(lambda r: r.closed.is_set(), 30, "the close after Quit")
            if q.close_code != 4000:
                raise AssertionError(f"{name}: closed with {q.close_code}, not 4000")
        elif ending == "abort":
            q.abort()
    finally:
        if ending == "abort":
            await q.stop()
        else:
            await q.close(1001)


class Chromium:
    """One headless Chromium for the run. Playwright's ``launch()`` gives it a fresh
    user-data-dir of its own (and refuses ``--user-data-dir``); each tab is opened in a
    new browser context (an empty profile: a new session, a cold cache, and its
    keep-alive HTTP connections closed with it)."""

    async def start(self) -> Chromium:
        from playwright.async_api import async_playwright
        self.pw = await async_playwright().start()
        try:
            self.browser = await self.pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
        except BaseException:
            await self.pw.stop()
            raise
        return self

    async def session(self, url: str, quit_: bool) -> None:
        """One tab's life: open, click, reload, click, Quit or close."""
        ctx = await self.browser.new_context(viewport={"width": 1000, "height": 800})
        try:
            page = await ctx.new_page()
            page.set_default_timeout(30_000)
            await page.goto(url)
            click = page.get_by_text("Click", exact=True)
            await click.click()
            await page.get_by_text("clicked 1", exact=True).wait_for()
            await page.reload()
            await page.get_by_text("clicked 1", exact=True).wait_for()
            await click.click()
            await page.get_by_text("clicked 2", exact=True).wait_for()
            if quit_:
                await page.get_by_text("Quit", exact=True).click()
                await page.get_by_text("clicked 2", exact=True).wait_for(state="detached")
        finally:
            await ctx.close()

    async def close(self) -> None:
        try:
            await self.browser.close()
        finally:
            await self.pw.stop()


async def run(http: str, ws: str, seconds: float, pages: int, chromium: bool
              ) -> dict[str, Any]:
    out: dict[str, Any] = {"cycles": 0, "fake_sessions": 0, "chromium_sessions": 0,
                           "failures": 0, "failure_examples": [], "cycle_seconds": []}
    browser = await Chromium().start() if chromium else None
    end = mono() + seconds
    try:
        while mono() < end:
            i = out["cycles"]
            t = mono()
            jobs = [fake_session(ws, f"c{i}p{k}", ENDINGS[(i + k) % 3]) for k in range(pages)]
            if browser is not None:
                jobs.append(browser.session(http, quit_=i % 2 == 0))
            results = await asyncio.gather(*jobs, return_exceptions=True)
            for k, r in enumerate(results):
                if isinstance(r, BaseException):
                    out["failures"] += 1
                    if len(out["failure_examples"]) < 10:
                        who = "chromium" if k == pages else f"fake {k}"
                        out["failure_examples"].append(f"cycle {i} {who}: {r!r:.300}")
            out["cycles"] += 1
            out["fake_sessions"] += pages
            out["chromium_sessions"] += browser is not None
            out["cycle_seconds"].append(round(mono() - t, 3))
            await asyncio.sleep(REST)
    finally:
        if browser is not None:
            await browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.reliability.soak_driver")
    ap.add_argument("--http", required=True)
    ap.add_argument("--ws", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--no-chromium", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.time()
    out = asyncio.run(run(args.http, args.ws, args.seconds, args.pages,
                          not args.no_chromium))
    out["wall_seconds"] = round(time.time() - t0, 1)
    print("SOAK-DRIVER " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
