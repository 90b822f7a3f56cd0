"""Load: many concurrent pages, each its own session, for a while: errors, latency, memory.

One :class:`~pgwidgets_core.Application` runs in this process (``max_sessions=None``).
Every new page gets a small UI (window, box, labels, button, slider, entry, progress
bar) and three handlers. The pages (:mod:`bench.reliability.loadpages`, a separate
process by default) click, move the slider and type at a steady rate; each callback
carries its send time, so the handler measures callback -> handler latency. Handlers
call setters, and now and then a query (``get_children()``,
checked against the known answer) or ``session.flush()``. A ticker also sets a label
in every session once a second (calls that come from the program, not a handler).

Sampled every second, without tracemalloc: RSS (``VmRSS``), Python's allocated blocks
(``sys.getallocatedblocks()``), asyncio tasks, requests awaiting a reply, and the
event loop's lag.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import sys
import time
from array import array
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from pgwidgets_core import Application, BrowserError

from .common import page_count, ROOT, Checks, LogCapture, mono, percentile, rss_kib, slope
from .loadpages import LoadPages

#: "Memory flat": RSS may grow at most this much over the second half of the window.
FLAT_KIB = 2048
#: "No leak": Python's allocated blocks, measured at rest (every page connected, no
#: handler running, after gc) before and after the clicking, may grow at most this
#: fraction (the bench's own per-second samples are in it).
LEAK_BLOCKS = 0.01


@dataclass
class UI:
    """The widgets of one session and what its handlers counted."""

    box: Any
    status: Any
    tick: Any
    echo: Any
    bar: Any
    kids: list[int]
    clicks: int = 0


@dataclass
class Counts:
    """Server-side counters of one load run."""

    handled: int = 0
    handled_in_window: int = 0
    latencies_ms: array = field(default_factory=lambda: array("d"))  # no object per value
    queries: int = 0
    flushes: int = 0
    ticks: int = 0
    errors: dict[str, int] = field(default_factory=lambda: {
        "handler_exceptions": 0, "error_replies": 0, "failed_queries": 0,
        "timeouts": 0})
    error_examples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 10:
            self.error_examples.append(f"{kind}: {detail[:200]}")


async def run(pages: int, duration: float, rate: float, inproc: bool,
              deadline: float) -> dict[str, Any]:
    """The whole scenario; returns its result dict."""
    logs = LogCapture().install(logging.INFO)
    counts = Counts()
    uis: dict[Any, UI] = {}
    window: dict[str, float] = {}

    app = Application(ws_port=0, http_port=0, max_sessions=None, call_timeout=10.0)

    @app.on_connect
    async def setup(session: Any) -> None:
        W = session.get_widgets()
        top = await W.TopLevel(title=f"load {session.id}", resizable=True)
        box = await W.VBox(spacing=4)
        status = await W.Label("ready")
        tick = await W.Label("tick")
        btn = await W.Button("Click")
        slider = await W.Slider(min=0, max=100, value=0)
        bar = await W.ProgressBar()
        entry = await W.TextEntry("")
        echo = await W.Label("")
        kids = [status, tick, btn, slider, bar, entry, echo]
        for w in kids:
            await box.add_widget(w, 0)
        await top.set_widget(box)
        await top.show()
        ui = UI(box, status, tick, echo, bar, [w.wid for w in kids])
        uis[session.id] = ui
        await btn.on("activated", on_click, session, ui)
        await slider.on("activated", on_slide, ui)
        await entry.on("activated", on_text, ui)
        session.on_error(on_error)

    def on_error(session: Any, err: Exception) -> None:
        if isinstance(err, BrowserError):
            counts.error("error_replies", str(err))
        elif isinstance(err, TimeoutError):
            counts.error("timeouts", str(err))
        else:
            counts.error("handler_exceptions", repr(err))

    def arrived(stamp: Any) -> None:
        now = mono()
        counts.handled += 1
        if window.get("start", 1e300) <= now <= window.get("end", 1e300):
            counts.handled_in_window += 1
        if isinstance(stamp, float):
            counts.latencies_ms.append((now - stamp) * 1000.0)

    async def on_click(stamp: float, session: Any, ui: UI) -> None:
        arrived(stamp)
        ui.clicks += 1
        n = ui.clicks
        await ui.status.set_text(f"clicked {n}")
        if n % 3 == 0:
            counts.queries += 1
            got = await page_count(ui.box)
            if got != len(ui.kids):
                counts.error("failed_queries", f"page children = {got!r}, "
                                               f"expected {len(ui.kids)}")
        if n % 6 == 0:
            counts.queries += 1
            kids = await ui.box.get_children()
            wids = [getattr(k, "wid", k) for k in kids] if isinstance(kids, list) else kids
            if wids != ui.kids:
                counts.error("failed_queries", f"get_children() = {wids!r:.80}")
        if n % 5 == 0:
            counts.flushes += 1
            await session.flush()

    async def on_slide(value: Any, stamp: float, ui: UI) -> None:
        arrived(stamp)
        await ui.bar.set_value(value)
        await ui.echo.set_text(f"slider {value}")

    async def on_text(text: Any, stamp: float, ui: UI) -> None:
        arrived(stamp)
        await ui.echo.set_text(str(text).upper())

    samples: list[dict[str, Any]] = []

    async def sampler() -> None:
        expected = mono()
        while True:
            expected += 1.0
            await asyncio.sleep(max(0.0, expected - mono()))
            now = mono()
            sessions = list(app._sessions.values())
            samples.append({
                "at": now,
                "rss_kib": rss_kib(),
                "blocks": sys.getallocatedblocks(),
                "tasks": len(asyncio.all_tasks()),
                "sessions": len(sessions),
                "pages": sum(len(s._conns) for s in sessions),
                "awaiting_reply": sum(len(c.page.pending) for s in sessions for c in s._conns),
                "handled": counts.handled,
                "lag_ms": round((now - expected) * 1000.0, 2),
            })

    async def ticker() -> None:
        n = 0
        while True:
            await asyncio.sleep(1.0)
            n += 1
            for ui in list(uis.values()):
                await ui.tick.set_text(f"tick {n}")
                counts.ticks += 1

    settled: dict[str, dict[str, int]] = {}

    def snapshot(name: str) -> None:
        gc.collect()
        settled[name] = {"rss_kib": rss_kib(), "blocks": sys.getallocatedblocks(),
                         "tasks": len(asyncio.all_tasks())}

    async def ready() -> None:
        """Every page has its UI: measure, then let them click."""
        snapshot("start")
        window["start"] = mono()
        window["end"] = window["start"] + duration

    async def settle(sent: int) -> None:
        """The pages stopped after ``sent`` callbacks: wait (bounded) until every one
        reached its handler and no handler is still running, then measure."""
        for _ in range(1200):
            if counts.handled >= sent and not app.dispatcher.runner._tasks:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        snapshot("end")

    checks = Checks()
    page_stats: dict[str, Any] = {}
    cpu0, wall0 = time.process_time(), mono()
    await app.start()
    url = f"ws://127.0.0.1:{app.ws_port}"
    gc.collect()
    base = {"rss_kib": rss_kib(), "blocks": sys.getallocatedblocks()}
    bg = [asyncio.create_task(sampler()), asyncio.create_task(ticker())]
    mode = "in-process" if inproc else "subprocess"
    try:
        async with asyncio.timeout(deadline):
            if inproc:
                runner = LoadPages(url, pages, duration, rate, ready, settle)
                stats = await runner.run()
                page_stats = dict(stats.__dict__)
            else:
                page_stats = await _pages_subprocess(url, pages, duration, rate, ready,
                                                     settle)
            window.setdefault("start", mono())
            window.setdefault("end", window["start"] + duration)
    except TimeoutError:
        checks.add("finished within the deadline", False, f"{deadline} s")
    finally:
        for t in bg:
            t.cancel()
        await asyncio.gather(*bg, return_exceptions=True)
    cpu = time.process_time() - cpu0
    wall = mono() - wall0
    await asyncio.sleep(0.5)                   # let on_disconnect handlers run
    sessions = list(app._sessions.values())
    leftover = {"pages": sum(len(s._conns) for s in sessions),
                "slots_used": app._admission.used,
                "handler_tasks": len(app.dispatcher.runner._tasks)}
    await app.close()

    # ---- figures ------------------------------------------------------------------
    start, end = window.get("start", 0.0), window.get("end", 0.0)
    for s in samples:                  # seconds since the steady window started
        s["t"] = round(s.pop("at") - start, 3)
    win = [s for s in samples if 0 <= s["t"] <= end - start + 0.5]
    half = [s for s in win if s["t"] >= (end - start) / 2]
    mem: dict[str, Any] = {"baseline": base, "settled": settled}
    if win:
        first, mid, last = win[0], win[len(win) // 2], win[-1]
        mem.update({
            "rss_kib": {"start": first["rss_kib"], "middle": mid["rss_kib"],
                        "end": last["rss_kib"], "peak": max(s["rss_kib"] for s in win)},
            "blocks": {"start": first["blocks"], "middle": mid["blocks"],
                       "end": last["blocks"]},
            "second_half_rss_growth_kib": last["rss_kib"] - mid["rss_kib"],
            "second_half_rss_slope_kib_per_s": round(slope(
                [s["t"] for s in half], [s["rss_kib"] for s in half]), 2),
            "whole_window_rss_slope_kib_per_s": round(slope(
                [s["t"] for s in win], [s["rss_kib"] for s in win]), 2),
        })
    if "start" in settled and "end" in settled:
        mem["settled_blocks_growth"] = settled["end"]["blocks"] - settled["start"]["blocks"]
        mem["settled_rss_growth_kib"] = settled["end"]["rss_kib"] - settled["start"]["rss_kib"]
    lat = counts.latencies_ms
    window_s = page_stats.get("window_seconds") or duration
    errors_total = sum(counts.errors.values())
    page_errors = (page_stats.get("unexpected_close", 0) + page_stats.get("send_failures", 0)
                   + pages - (page_stats.get("connected") or 0))
    lost = page_stats.get("callbacks_sent", 0) - counts.handled
    log_errors = logs.by_level.get("ERROR", 0) + logs.by_level.get("CRITICAL", 0)
    metrics = {
        "pages": pages, "duration_s": duration, "rate_per_page": rate, "pages_mode": mode,
        "connected": page_stats.get("connected"),
        "connect_s": round(page_stats.get("connect_seconds", 0.0), 2),
        "callbacks_per_s": round(page_stats.get("callbacks_in_window", 0) / window_s, 1),
        "handled_per_s": round(counts.handled_in_window / window_s, 1),
        "msgs_per_s_server_to_pages": round(page_stats.get("msgs_in", 0) / window_s, 1),
        "msgs_per_s_pages_to_server": round(page_stats.get("msgs_out", 0) / window_s, 1),
        "frames_per_s_server_to_pages": round(page_stats.get("frames_in", 0) / window_s, 1),
        "queries": counts.queries, "flushes": counts.flushes, "ticks": counts.ticks,
        "callbacks_sent": page_stats.get("callbacks_sent"), "callbacks_handled": counts.handled,
        "latency_ms": {"p50": round(percentile(lat, 0.5), 2),
                       "p95": round(percentile(lat, 0.95), 2),
                       "p99": round(percentile(lat, 0.99), 2),
                       "max": round(max(lat), 2) if lat else None, "n": len(lat)},
        "loop_lag_ms": {"p50": round(percentile([s["lag_ms"] for s in win], 0.5), 2),
                        "max": max((s["lag_ms"] for s in win), default=None)},
        "errors": {**counts.errors, "page_side": page_errors, "lost_callbacks": lost,
                   "error_log_records": log_errors},
        "error_examples": counts.error_examples,
        "server_cpu_s": round(cpu, 1),
        "server_cpu_pct": round(100 * cpu / max(1e-9, wall), 1),
        "pages_cpu_s": round(page_stats.get("cpu_seconds", 0.0), 1),
        "behind_schedule_sends": page_stats.get("behind_schedule"),
        "memory": mem,
        "after_close": leftover,
    }
    checks.add("all pages connected", page_stats.get("connected") == pages,
               f"{page_stats.get('connected')}/{pages}")
    checks.add("zero errors", errors_total == 0 and page_errors == 0 and log_errors == 0,
               {**counts.errors, "page_side": page_errors, "error_log_records": log_errors})
    checks.add("every callback handled", lost == 0,
               f"sent {page_stats.get('callbacks_sent')}, handled {counts.handled}")
    growth = mem.get("second_half_rss_growth_kib")
    checks.add(f"memory flat: RSS grew <= {FLAT_KIB} KiB in the window's second half",
               growth is not None and growth <= FLAT_KIB, f"{growth} KiB")
    leak = mem.get("settled_blocks_growth")
    start_blocks = settled.get("start", {}).get("blocks") or 1
    checks.add(f"no leak: Python blocks at rest grew <= {LEAK_BLOCKS:.0%} over the run",
               leak is not None and leak <= LEAK_BLOCKS * start_blocks,
               f"{leak} blocks ({settled.get('start', {}).get('blocks')} -> "
               f"{settled.get('end', {}).get('blocks')})")
    checks.add("no page, slot or handler left after the pages closed",
               leftover == {"pages": 0, "slots_used": 0, "handler_tasks": 0}, leftover)
    return {"scenario": "load", "ok": checks.ok, "checks": checks.items, "metrics": metrics,
            "logs": logs.summary(),
            "log_examples": [r.__dict__ for r in logs.kept[:10]],
            "page_surprises": page_stats.get("surprises", [])[:10],
            "samples": samples}


async def _pages_subprocess(url: str, pages: int, duration: float, rate: float,
                            ready: Callable[[], Awaitable[None]],
                            settle: Callable[[int], Awaitable[None]]) -> dict[str, Any]:
    """Run the pages in ``python -m bench.reliability.loadpages``; its DONE counts."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.reliability.loadpages", "--url", url,
        "--pages", str(pages), "--duration", str(duration), "--rate", str(rate),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=os.fspath(ROOT))
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    result: dict[str, Any] = {}
    try:
        async for raw in proc.stdout:
            line = raw.decode().strip()
            if line == "READY":
                await ready()
                proc.stdin.write(b"GO\n")
                await proc.stdin.drain()
            elif line.startswith("STOPPED "):
                await settle(int(line.split()[1]))
                proc.stdin.write(b"CLOSE\n")
                await proc.stdin.drain()
            elif line.startswith("DONE "):
                result = json.loads(line[5:])
        await proc.wait()
        if proc.returncode:
            err = (await proc.stderr.read()).decode(errors="replace")
            result.setdefault("surprises", []).append(
                f"pages process exited {proc.returncode}: {err[-500:]}")
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return result

