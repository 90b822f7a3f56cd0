"""The application process of the soak bench: one app, its UI built per session, sampled.

Run by :mod:`bench.reliability.soak` (not meant to be run by hand)::

    python -m bench.reliability.soak_app --impl ours-async --interval 5

``--impl ours-async`` runs a :class:`pgwidgets_core.Application` on this process's
main thread; ``ours-sync`` a :class:`pgwidgets_sync.Application` (its loop on its own
thread, handlers on per-session threads). Each new session gets TopLevel > VBox >
Label "ready", Buttons "Click" and "Quit", and 20 filler labels; "Click" sets the label
to ``clicked N`` after asking the page for the box's children (a query, checked), "Quit"
destroys the session; an ``on_disconnect`` handler counts the pages that left. ``session_idle_timeout=1`` destroys the
sessions whose pages just leave.

Protocol with the parent (lines on stdout, one line on stdin): ``URL <http> <ws>``
once serving; the parent's ``STOP`` (or EOF) ends the run, then ``SOAK-APP {json}``
with every sample.

Samples, taken on the app's event loop: every ``--interval`` seconds (``periodic``),
and once per quiet moment (``rest``: no session, no page, for 0.3 s, at most one every
2 s). Each has RSS (``VmRSS``), asyncio tasks, threads (``/proc/self/status``), open
fds, GC-tracked objects after ``gc.collect()``, sessions and pages. At the first rest
after ``--warmup`` seconds and at the end it also counts GC objects by type, and (with
``SOAK_TRACEMALLOC=1`` in the environment; slower) takes a tracemalloc snapshot: the
result has the types and source lines that grew in between.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from collections import Counter
from typing import Any

from .common import mono

IDLE_TIMEOUT = 1.0     # seconds without a page before a session is destroyed
FILLER = 20            # extra labels per session, so a per-session leak is visible
REST_QUIET = 0.3       # no session and no page for this long: a rest sample
REST_EVERY = 2.0       # at most one rest sample per this many seconds
COUNTS = ("sessions", "clicks", "queries", "bad_answers", "quits", "disconnects")


def proc_status() -> dict[str, int]:
    """VmRSS (KiB) and Threads of this process."""
    out = {}
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith((b"VmRSS:", b"Threads:")):
                key, value = line.split()[:2]
                out[key.decode().rstrip(":")] = int(value)
    return out


def sample(kind: str, core: Any, t0: float, counts: dict[str, int]) -> dict[str, Any]:
    """One sample; runs on the app's event loop."""
    gc.collect()
    st = proc_status()
    sessions = list(core._sessions.values())
    return {
        "kind": kind,
        "t": round(mono() - t0, 3),
        "rss_kib": st.get("VmRSS", -1),
        "tasks": len(asyncio.all_tasks()),
        "threads": st.get("Threads", -1),
        "py_threads": threading.active_count(),
        "fds": len(os.listdir("/proc/self/fd")),
        "gc_objects": len(gc.get_objects()),
        "sessions": len(sessions),
        "pages": sum(len(s._conns) for s in sessions),
        "sessions_made": counts["sessions"],
        "clicks": counts["clicks"],
        "quits": counts["quits"],
    }


class Growth:
    """GC objects by type (and tracemalloc, if on) at the warm-up's end, and the
    difference at the end of the run."""

    def __init__(self) -> None:
        self.types: Counter[str] | None = None
        self.snap: tracemalloc.Snapshot | None = None
        self.result: dict[str, Any] = {}

    @staticmethod
    def _types() -> Counter[str]:
        return Counter(type(o).__qualname__ for o in gc.get_objects())

    def mark(self) -> None:
        self.types = self._types()
        if tracemalloc.is_tracing():
            self.snap = tracemalloc.take_snapshot()

    def finish(self) -> None:
        if self.types is None:
            return
        grown = self._types()
        grown.subtract(self.types)
        out: dict[str, Any] = {"gc_types": dict(sorted(
            ((k, v) for k, v in grown.items() if v), key=lambda kv: -abs(kv[1]))[:20])}
        if self.snap is not None:
            diff = tracemalloc.take_snapshot().compare_to(self.snap, "lineno")
            out["tracemalloc"] = [f"{d.traceback[0].filename}:{d.traceback[0].lineno} "
                                  f"{d.size_diff:+d} B {d.count_diff:+d} blocks"
                                  for d in diff[:15]]
        self.result = out


async def sampler(core: Any, interval: float, counts: dict[str, int],
                  out: list[dict[str, Any]], stop: asyncio.Event, warmup: float,
                  growth: Growth) -> None:
    """Periodic and rest samples until ``stop``; then a final one."""
    t0 = mono()
    out.append(sample("start", core, t0, counts))
    next_periodic = mono() + interval
    quiet_since: float | None = None
    last_rest = -1e9
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), 0.1)
        except TimeoutError:
            pass
        now = mono()
        idle = not core._sessions
        quiet_since = (quiet_since or now) if idle else None
        if (quiet_since is not None and now - quiet_since >= REST_QUIET
                and now - last_rest >= REST_EVERY):
            out.append(sample("rest", core, t0, counts))
            last_rest = now
            if growth.types is None and now - t0 >= warmup:
                growth.mark()
            quiet_since = None
        if now >= next_periodic:
            out.append(sample("periodic", core, t0, counts))
            next_periodic += interval
    out.append(sample("end", core, t0, counts))
    growth.finish()


def _ui_async(counts: dict[str, int]) -> Any:
    async def setup(session: Any) -> None:
        counts["sessions"] += 1
        W = session.get_widgets()
        top = await W.TopLevel(title="soak", resizable=True)
        box = await W.VBox(spacing=4)
        label = await W.Label("ready")
        click = await W.Button("Click")
        quit_ = await W.Button("Quit")
        for w in (label, click, quit_):
            await box.add_widget(w, 0)
        for i in range(FILLER):
            await box.add_widget(await W.Label(f"line {i}"), 0)
        await top.set_widget(box)
        await top.show()
        n = 0

        async def clicked() -> None:
            nonlocal n
            n += 1
            counts["clicks"] += 1
            # a query (a page round trip), before the label tells the page it is done
            kids = await box.get_children()
            counts["queries"] += 1
            counts["bad_answers"] += kids is None or len(kids) != 3 + FILLER
            await label.set_text(f"clicked {n}")

        async def quit() -> None:
            counts["quits"] += 1
            await session.destroy()

        await click.on("activated", clicked)
        await quit_.on("activated", quit)
    return setup


def _ui_sync(counts: dict[str, int]) -> Any:
    lock = threading.Lock()          # counts are bumped on per-session threads

    def bump(key: str) -> None:
        with lock:
            counts[key] += 1

    def setup(session: Any) -> None:
        bump("sessions")
        W = session.get_widgets()
        top = W.TopLevel(title="soak", resizable=True)
        box = W.VBox(spacing=4)
        label = W.Label("ready")
        click = W.Button("Click")
        quit_ = W.Button("Quit")
        for w in (label, click, quit_):
            box.add_widget(w, 0)
        for i in range(FILLER):
            box.add_widget(W.Label(f"line {i}"), 0)
        top.set_widget(box)
        top.show()
        n = 0

        def clicked() -> None:
            nonlocal n
            n += 1
            bump("clicks")
            kids = box.get_children()                  # a query, as above
            bump("queries")
            if kids is None or len(kids) != 3 + FILLER:
                bump("bad_answers")
            label.set_text(f"clicked {n}")

        def quit() -> None:
            bump("quits")
            session.destroy()

        click.on("activated", clicked)
        quit_.on("activated", quit)
    return setup


def _urls(core: Any) -> str:
    return f"URL {core.url} ws://127.0.0.1:{core.ws_port}"


async def _wait_stdin_stop() -> None:
    """Until the parent writes a line (``STOP``) or closes stdin."""
    await asyncio.to_thread(sys.stdin.readline)


def run_async(interval: float, warmup: float) -> dict[str, Any]:
    from pgwidgets_core import Application
    counts = dict.fromkeys(COUNTS, 0)
    samples: list[dict[str, Any]] = []
    growth = Growth()

    async def main() -> None:
        app = Application(ws_port=0, http_port=0, max_sessions=None,
                          session_idle_timeout=IDLE_TIMEOUT)
        app.on_connect(_ui_async(counts))

        @app.on_disconnect
        async def left(session: Any) -> None:
            counts["disconnects"] += 1
        await app.start()
        stop = asyncio.Event()
        task = asyncio.create_task(sampler(app, interval, counts, samples, stop,
                                           warmup, growth))
        print(_urls(app), flush=True)
        await _wait_stdin_stop()
        stop.set()
        await task
        await app.close()

    asyncio.run(main())
    return {"counts": counts, "samples": samples, "growth": growth.result}


def run_sync(interval: float, warmup: float) -> dict[str, Any]:
    from pgwidgets_sync import Application
    counts = dict.fromkeys(COUNTS, 0)
    samples: list[dict[str, Any]] = []
    growth = Growth()
    app = Application(ws_port=0, http_port=0, max_sessions=None,
                      session_idle_timeout=IDLE_TIMEOUT)
    app.on_connect(_ui_sync(counts))
    lock = threading.Lock()

    @app.on_disconnect
    def left(session: Any) -> None:
        with lock:
            counts["disconnects"] += 1
    app.start()
    core, loop = app._core, app._portal.loop
    stop = asyncio.Event()

    async def go() -> None:
        await sampler(core, interval, counts, samples, stop, warmup, growth)

    fut = asyncio.run_coroutine_threadsafe(go(), loop)
    print(_urls(core), flush=True)
    sys.stdin.readline()
    loop.call_soon_threadsafe(stop.set)
    fut.result(60)
    app.close()
    return {"counts": counts, "samples": samples, "growth": growth.result}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.reliability.soak_app")
    ap.add_argument("--impl", choices=("ours-async", "ours-sync"), required=True)
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--warmup", type=float, default=120.0, help="seconds")
    args = ap.parse_args(argv)
    if os.environ.get("SOAK_TRACEMALLOC") == "1":
        tracemalloc.start(1)
    t0 = time.time()
    run = run_async if args.impl == "ours-async" else run_sync
    result = run(args.interval, args.warmup)
    result.update(impl=args.impl, wall_seconds=round(time.time() - t0, 1),
                  idle_timeout=IDLE_TIMEOUT, filler=FILLER)
    print("SOAK-APP " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
