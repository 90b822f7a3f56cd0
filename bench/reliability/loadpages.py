"""The pages of the load scenario: N light fake pages sending callbacks at a steady rate.

Run by :mod:`bench.reliability.load` as a separate process (the default), so the
server process measured is alone in its process and the pages get the other core::

    python -m bench.reliability.loadpages --url ws://127.0.0.1:PORT --pages 100 \\
        --duration 60 --rate 4

Protocol with the parent (lines on stdout, answers on stdin): ``READY`` when every
page has its UI; the pages start clicking when the parent answers ``GO`` (after it
measured its memory). ``STOPPED <n>`` when they stopped after sending ``n``
callbacks; they keep answering until the parent writes ``CLOSE`` (its handlers are
done), then close and print ``DONE <json>`` with the counts.
:class:`LoadPages` also runs inside the server's process (``--pages-inproc``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from .common import mono
from .page import LightPage, PageClosed

#: The callbacks a page sends, in turn: (widget class, action, args maker).
KINDS: list[tuple[str, str, Callable[[int], list[Any]]]] = [
    ("Button", "activated", lambda n: []),
    ("Slider", "activated", lambda n: [n % 101]),
    ("TextEntry", "activated", lambda n: [f"typed {n}"]),
]


@dataclass
class PageStats:
    """Counts of one run of all pages (the steady window only, unless noted)."""

    pages: int = 0
    connected: int = 0
    connect_seconds: float = 0.0
    window_seconds: float = 0.0
    callbacks_sent: int = 0             # whole run (the server must handle them all)
    callbacks_in_window: int = 0
    msgs_in: int = 0                    # server -> pages, in the window
    msgs_out: int = 0                   # pages -> server, in the window
    frames_in: int = 0
    frames_out: int = 0
    unexpected_close: int = 0
    send_failures: int = 0
    behind_schedule: int = 0            # sends more than one interval late
    surprises: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0


class LoadPages:
    """``pages`` fake pages, each a new session, clicking for ``duration`` seconds."""

    def __init__(self, url: str, pages: int, duration: float, rate: float,
                 ready: Callable[[], Awaitable[None]] | None = None,
                 stopped: Callable[[int], Awaitable[None]] | None = None) -> None:
        self.url = url
        self.n = pages
        self.duration = duration
        self.rate = rate
        self.ready = ready
        self.stopped = stopped
        self.pages: list[LightPage] = []
        self.stats = PageStats(pages=pages)

    def _snapshot(self) -> tuple[int, int, int, int, int]:
        ps = self.pages
        return (sum(p.msgs_in for p in ps), sum(p.msgs_out for p in ps),
                sum(p.frames_in for p in ps), sum(p.frames_out for p in ps),
                self.stats.callbacks_sent)

    async def run(self) -> PageStats:
        """Connect, wait for every UI, click for ``duration``, drain, close."""
        cpu0 = time.process_time()
        t0 = mono()
        sem = asyncio.Semaphore(10)            # connect 10 at a time (no SYN burst)

        async def open_one(i: int) -> LightPage:
            async with sem:
                page = LightPage(self.url, name=f"load{i}")
                await page.connect(timeout=30)
                await page.wait_for(lambda p: _targets(p) is not None, 60, "the UI")
                return page
        results = await asyncio.gather(*(open_one(i) for i in range(self.n)),
                                       return_exceptions=True)
        self.pages = [p for p in results if isinstance(p, LightPage)]
        for r in results:
            if isinstance(r, BaseException):
                self.stats.surprises.append(f"connect: {r!r:.200}")
        self.stats.connected = len(self.pages)
        self.stats.connect_seconds = mono() - t0
        if self.ready is not None:
            await self.ready()
        start = mono()
        before = self._snapshot()
        await asyncio.gather(*(self._click(p, start) for p in self.pages))
        after = self._snapshot()
        self.stats.window_seconds = mono() - start
        self.stats.msgs_in, self.stats.msgs_out, self.stats.frames_in, \
            self.stats.frames_out, _ = (a - b for a, b in zip(after, before))
        self.stats.callbacks_in_window = after[4] - before[4]
        if self.stopped is not None:
            await self.stopped(self.stats.callbacks_sent)
        else:
            await asyncio.sleep(2.0)
        await asyncio.gather(*(p.close() for p in self.pages), return_exceptions=True)
        for p in self.pages:
            self.stats.surprises += [f"{p.name}: {u}" for u in p.unexpected[:3]]
        self.stats.cpu_seconds = time.process_time() - cpu0
        return self.stats

    async def _click(self, page: LightPage, start: float) -> None:
        """Send callbacks at ``rate`` per second until ``start + duration``."""
        targets = _targets(page)
        assert targets is not None
        interval = 1.0 / self.rate
        rnd = random.Random(page.name)
        t = start + rnd.uniform(0, interval)           # spread the pages' phases
        end = start + self.duration
        n = 0
        while t < end:
            now = mono()
            if t > now:
                await asyncio.sleep(t - now)
            elif now - t > interval:
                self.stats.behind_schedule += 1
            if page.closed.is_set():
                self.stats.unexpected_close += 1
                self.stats.surprises.append(f"{page.name}: closed {page.close_code} "
                                            f"{page.close_reason!r}")
                return
            wid, action, args = targets[n % len(targets)]
            try:
                # the last argument is the send time: the handler measures latency
                await page.callback(wid, action, *args(n), mono())
                self.stats.callbacks_sent += 1
            except PageClosed:
                self.stats.send_failures += 1
            n += 1
            t += interval


def _targets(page: LightPage) -> list[tuple[int, str, Callable[[int], list[Any]]]] | None:
    """(wid, action, args) of the widgets this page clicks, once all are listened."""
    out = []
    for cls, action, args in KINDS:
        wid = next((w for w, c in page.widgets.items() if c == cls), None)
        if wid is None or (wid, action) not in page.listened:
            return None
        out.append((wid, action, args))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.reliability.loadpages")
    ap.add_argument("--url", required=True)
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--rate", type=float, required=True)
    args = ap.parse_args(argv)

    async def answer(line: str) -> None:
        """Print ``line``, then wait for the parent's answer on stdin (in a thread:
        the pages keep answering meanwhile)."""
        print(line, flush=True)
        await asyncio.wait_for(asyncio.to_thread(sys.stdin.readline), 180)

    async def ready() -> None:
        await answer("READY")

    async def stopped(sent: int) -> None:
        await answer(f"STOPPED {sent}")

    runner = LoadPages(args.url, args.pages, args.duration, args.rate, ready, stopped)
    stats = asyncio.run(runner.run())
    print("DONE " + json.dumps(stats.__dict__), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
