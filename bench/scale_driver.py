"""One scale measurement in a fresh process: N fake pages, one implementation.

    python bench/scale_driver.py --impl ours-async --sessions 1000 --setters 100

Run with the implementation's interpreter (like bench/driver.py).  Every session's
on_connect builds TopLevel > VBox > 48 Labels (50 widgets) and shows it.  Steps:

1. ``connect``: N fake pages (bench/fakepage.py, another process) connect at once;
   from "go" to the last on_connect done -> sessions admitted per second.
2. ``rss``: VmRSS growth from before the pages to after (gc, 1 s idle) / N.
   ``SCALE_GC_TYPES=1``: also the commonest GC-tracked types per session;
   ``SCALE_TRACEMALLOC=1``: Python allocations per session, by line (slow).
   ``SCALE_GC_THRESHOLD=20000,20,100``: ``gc.set_threshold`` first (what a deployment
   may set; docs/deployment.md, "Many sessions in one worker").
3. ``setters``: every session, all at once, makes S ``set_text`` calls (texts
   ``pgs-...``) then waits until applied (ours: ``flush``) -> calls/s; the fake
   pages then report how many they received (must be N*S: no lost calls).
   Also the loop thread's CPU time for the step, and the cyclic GC's share of it.
4. ``click`` (``--clicks K``): one headless Chromium page joins (driven by
   bench/clicker.py, another process) and is left 3 s to settle (bench/driver.py's
   CLICK_SETTLE_S); while every fake session streams
   setters, K clicks (``button.click()`` in the page) -> p50/p99
   from the click event to the label's DOM mutation. With ``--paced-rate R``, K more
   clicks while the sessions stream R calls/s in all: the same background load for
   every implementation (as fast as they go, a faster one carries more of it).

Prints one ``BENCH-RESULT {json}``; whatever step fails or passes the deadline
is named in ``error`` / ``failed_at`` with the figures of the steps before it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import platform
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from time import perf_counter
from typing import Any

from driver import CLICK_SETTLE_S, emit, rss_bytes  # the one result line, the RSS reader

HERE = Path(__file__).resolve().parent
LABELS = 48


class Sessions:
    """The sessions whose on_connect built the 50-widget UI (thread-safe)."""

    def __init__(self) -> None:
        self.cv = threading.Condition()
        self.items: list[tuple[Any, list, float]] = []   # (session, labels, t done)
        self.errors: list[str] = []
        self.click_ui = False

    def wait(self, n: int, timeout: float) -> list:
        with self.cv:
            ok = self.cv.wait_for(lambda: len(self.items) >= n or self.errors, timeout)
            if self.errors:
                raise RuntimeError(f"on_connect failed: {self.errors[0]}")
            if not ok:
                raise TimeoutError(f"{len(self.items)} of {n} sessions up after {timeout:.0f} s")
            return list(self.items)


def make_on_connect(reg: Sessions, flush: Any) -> Any:
    async def on_connect(session: Any) -> None:
        try:
            W = session.get_widgets()
            if reg.click_ui:
                import work_async
                await work_async.click_ui(session, flush)
                labels: list = []
            else:
                top = await W.TopLevel(title="scale")
                vbox = await W.VBox()
                await top.set_widget(vbox)
                labels = []
                for i in range(LABELS):
                    lab = await W.Label(f"label {i}")
                    await vbox.add_widget(lab, 0)
                    labels.append(lab)
                await top.show()
                await flush(session)
        except BaseException as exc:
            with reg.cv:
                reg.errors.append(f"{type(exc).__name__}: {exc}")
                reg.cv.notify_all()
            raise
        with reg.cv:
            reg.items.append((session, labels, perf_counter()))
            reg.cv.notify_all()
    return on_connect


async def setters(flush: Any, items: list, n: int, tag: str) -> tuple[float, float]:
    """Every session at once: n set_text on its labels, then until applied; the
    wall time and the loop thread's CPU time (steadier on a shared machine)."""
    async def one(session: Any, labels: list) -> None:
        for i in range(n):
            await labels[i % len(labels)].set_text(f"pgs-{tag}-{i}")
        await flush(session)
    t0, c0 = perf_counter(), time.thread_time()
    await asyncio.gather(*(one(s, labs) for s, labs, _ in items))
    return perf_counter() - t0, time.thread_time() - c0


async def stream(flush: Any, items: list, stop: asyncio.Event, counter: list,
                 rate: float | None = None) -> None:
    """Every session streams setters (10 then until applied) until ``stop``: as fast
    as they go, or ``rate`` calls/s across all sessions (each session paced evenly)."""
    loop = asyncio.get_running_loop()
    period = 10 * len(items) / rate if rate else 0.0     # seconds per 10 calls, per session

    async def one(session: Any, labels: list, start: float) -> None:
        k = 0
        due = start
        while not stop.is_set():
            for _ in range(10):
                await labels[k % len(labels)].set_text(f"pgs-bg-{k}")
                k += 1
            await flush(session)
            counter[0] += 10
            if period:
                due += period
                await asyncio.sleep(max(0.0, due - loop.time()))
    t0 = loop.time()
    await asyncio.gather(*(one(s, labs, t0 + period * i / len(items))
                           for i, (s, labs, _) in enumerate(items)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", required=True)
    ap.add_argument("--sessions", type=int, required=True)
    ap.add_argument("--setters", type=int, default=100)
    ap.add_argument("--clicks", type=int, default=100)
    ap.add_argument("--deadline", type=float, default=240.0)
    ap.add_argument("--paced-rate", type=float, default=0.0,
                    help="then the clicks again with the others streaming this many "
                         "calls/s in all (the same load for every implementation)")
    args = ap.parse_args()
    if os.environ.get("SCALE_GC_THRESHOLD"):
        gc.set_threshold(*(int(v) for v in os.environ["SCALE_GC_THRESHOLD"].split(",")))
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    N, S = args.sessions, args.setters
    result: dict[str, Any] = {"impl": args.impl, "sessions": N, "setters": S,
                              "python": platform.python_version(), "step": "start",
                              "gc_threshold": gc.get_threshold()}

    def watchdog() -> None:
        emit({**result, "error": f"deadline ({args.deadline:.0f} s) passed",
              "failed_at": result["step"]})
        os._exit(3)
    timer = threading.Timer(args.deadline, watchdog)
    timer.daemon = True
    timer.start()

    from impls import make_impl, ws_url_of
    impl: Any = None
    proc: Any = None
    try:
        impl = make_impl(args.impl)
        result["version"] = impl.version()
        reg = Sessions()
        impl.start(make_on_connect(reg, impl.flush))
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "fakepage.py"), "pages", ws_url_of(impl.url)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)

        def say(cmd: str) -> str:
            proc.stdin.write(cmd + "\n")
            proc.stdin.flush()
            return proc.stdout.readline().strip()

        timeout = args.deadline
        # Warm-up: 5 sessions, setters, dropped.
        result["step"] = "warm-up"
        if say("go 5") != "opened":
            raise RuntimeError("fake pages did not open")
        items = reg.wait(5, 60)
        impl.call(setters, impl.flush, items, 10, "w", timeout=60)
        if say("drop") != "dropped":
            raise RuntimeError("fake pages did not drop")
        time.sleep(0.5)
        base = say("count").split()
        received0 = int(base[1])
        gc.collect()
        time.sleep(0.5)
        rss0 = rss_bytes()
        k = len(reg.items)

        result["step"] = "connect"
        traced = os.environ.get("SCALE_TRACEMALLOC") == "1"   # where the memory goes
        if traced:
            import tracemalloc
            tracemalloc.start()
            snap0 = tracemalloc.take_snapshot()
        t0 = perf_counter()
        proc.stdin.write(f"go {N}\n")
        proc.stdin.flush()
        items = reg.wait(k + N, timeout)[k:]
        result["connect_s"] = max(t for *_, t in items) - t0
        result["connect_per_s"] = N / result["connect_s"]
        if proc.stdout.readline().strip() != "opened":
            raise RuntimeError("fake pages did not report opened")

        result["step"] = "rss"
        gc.collect()
        time.sleep(1.0)
        result["rss_per_session"] = (rss_bytes() - rss0) / N
        if traced:
            stats = tracemalloc.take_snapshot().compare_to(snap0, "lineno")
            tracemalloc.stop()
            result["traced_per_session"] = sum(st.size_diff for st in stats) / N
            result["traced_top"] = [f"{st.size_diff / N:.0f} B {st.traceback[0]}"
                                    for st in stats[:25]]
        result["tasks_idle"] = impl.call(_count_tasks, timeout=30)
        result["gc_tracked_idle"] = len(gc.get_objects())
        if os.environ.get("SCALE_GC_TYPES") == "1":     # what the tracked objects are
            result["gc_types_idle"] = _tracked_types(N)
        if os.environ.get("SCALE_GC_FREEZE") == "1":   # experiment: idle UI out of the GC
            gc.freeze()

        result["step"] = "setters"
        gcw = GcWatch()
        prof = os.environ.get("SCALE_PROFILE")     # a path: cProfile the loop thread
        if prof:
            import cProfile
            profiler = cProfile.Profile()

            async def on() -> None:
                profiler.enable()

            impl.call(on, timeout=10)
        dt, cpu = impl.call(setters, impl.flush, items, S, "s", timeout=timeout)
        if prof:
            async def off() -> None:
                profiler.disable()

            impl.call(off, timeout=10)
            profiler.dump_stats(prof)
        gcw.stop()
        result["setters_s"], result["setters_cpu_s"] = dt, cpu
        result.update(gcw.figures("setters"))
        result["setters_per_s"] = N * S / dt
        got = int(say("count").split()[1]) - received0
        result["received"] = got
        if got != N * S:
            raise RuntimeError(f"the fake pages received {got} of {N * S} setter calls")

        if args.clicks:
            result["step"] = "click"
            gcw = GcWatch()
            turns = TurnWatch(impl) if os.environ.get("SCALE_TURNS") == "1" else None
            result.update(clicks(impl, reg, items, args.clicks, args.paced_rate))
            if turns is not None:
                result["click_turns"] = turns.stop()
            gcw.stop()
            result.update(gcw.figures("click"))
    except BaseException as exc:
        result["error"] = f"{type(exc).__name__}: {exc}".strip()
        result["failed_at"] = result["step"]
        result["traceback"] = traceback.format_exc()
    finally:
        if proc is not None:
            try:
                os.killpg(proc.pid, 9)
            except BaseException:
                pass
    emit(result)
    sys.stderr.flush()
    os._exit(0)


class GcWatch:
    """The cyclic GC's collections from now to :meth:`stop`: per generation, how many,
    the seconds spent and the CPU seconds of them (the rest: the thread waited for a
    core), and the longest pause."""

    def __init__(self) -> None:
        self.by_gen = [[0, 0.0, 0.0] for _ in range(3)]   # collections, seconds, CPU s
        self.longest = 0.0
        self._t = self._c = 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t, self._c = perf_counter(), time.thread_time()
            return
        dt = perf_counter() - self._t
        g = self.by_gen[min(int(info.get("generation", 2)), 2)]
        g[0] += 1
        g[1] += dt
        g[2] += time.thread_time() - self._c
        self.longest = max(self.longest, dt)

    def stop(self) -> None:
        gc.callbacks.remove(self._cb)

    def figures(self, step: str) -> dict[str, Any]:
        return {f"{step}_gc_s": sum(t for _, t, _ in self.by_gen),
                f"{step}_gc_n": sum(n for n, _, _ in self.by_gen),
                f"{step}_gc_by_gen": [[n, round(t, 4), round(c, 4)] for n, t, c in self.by_gen],
                f"{step}_gc_longest_s": round(self.longest, 4)}


class TurnWatch:
    """The loop's turns from now to :meth:`stop`: a callback that schedules itself
    again runs once per turn, so the gaps between its runs are the turns' lengths.
    (Meanwhile the loop never sleeps: an idle loop spins through empty turns.)"""

    EDGES = (0.0001, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, float("inf"))

    def __init__(self, impl: Any) -> None:
        self.impl = impl
        self.times: list[float] = []
        self.on = True

        async def start() -> None:
            asyncio.get_running_loop().call_soon(self._tick)
        impl.call(start, timeout=10)

    def _tick(self) -> None:
        self.times.append(perf_counter())
        if self.on:
            asyncio.get_running_loop().call_soon(self._tick)

    def stop(self) -> dict[str, list]:
        """Per length bucket (upper edge in ms): how many turns, and their seconds."""
        async def off() -> None:
            self.on = False
        self.impl.call(off, timeout=10)
        t = self.times
        gaps = [b - a for a, b in zip(t, t[1:])]
        out: dict[str, list] = {}
        low = 0.0
        for edge in self.EDGES:
            sub = [g for g in gaps if low <= g < edge]
            out[f"<{edge * 1e3:g} ms"] = [len(sub), round(sum(sub), 3)]
            low = edge
        return out


def _tracked_types(n: int) -> dict[str, float]:
    """The 25 commonest types of GC-tracked objects, per session."""
    from collections import Counter
    c = Counter(type(o).__qualname__ for o in gc.get_objects())
    return {t: round(k / n, 1) for t, k in c.most_common(25)}


async def _count_tasks() -> int:
    return len(asyncio.all_tasks())


class Clicker:
    """bench/clicker.py in a process of its own: the measuring Chromium page."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "clicker.py"), url], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, start_new_session=True)

    def ask(self, cmd: str) -> str:
        """The answer to ``cmd`` (the driver's deadline bounds the wait)."""
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        word, _, rest = self.proc.stdout.readline().strip().partition(" ")
        if word == "error" or not word:
            raise RuntimeError(f"clicker: {rest or 'exited'}")
        return rest

    def close(self) -> None:
        try:
            self.proc.stdin.close()          # the clicker closes Chromium and exits
            self.proc.wait(30)
        except BaseException:
            try:
                os.killpg(self.proc.pid, 9)
            except ProcessLookupError:
                pass


def clicks(impl: Any, reg: Sessions, items: list, n: int, paced_rate: float) -> dict:
    clicker = Clicker(impl.url)
    try:
        k = len(reg.items)
        reg.click_ui = True
        version = clicker.ask("open")
        reg.wait(k + 1, 120)
        time.sleep(CLICK_SETTLE_S)          # past Chromium's work after the page load
        out = {"chromium": version}
        out.update(click_run(impl, clicker, items, n, None, ""))
        if paced_rate:
            out.update(click_run(impl, clicker, items, n, paced_rate, "paced_"))
            out["paced_rate"] = paced_rate
        return out
    finally:
        clicker.close()


def click_run(impl: Any, clicker: Clicker, items: list, n: int, rate: float | None,
              prefix: str) -> dict:
    """n clicks (after 5 not counted) while the fake sessions stream setters."""
    counter = [0]
    holder: dict = {}

    async def start_stream() -> None:
        holder["stop"] = asyncio.Event()
        holder["task"] = asyncio.ensure_future(
            stream(impl.flush, items, holder["stop"], counter, rate))

    async def stop_stream() -> None:
        holder["stop"].set()
        await asyncio.wait_for(holder["task"], 120)

    impl.call(start_stream, timeout=30)
    time.sleep(1.0)
    warm = 5
    # Paced, the clicks are spread over 10 s at least (many pacing periods, and the
    # collections of the GC that fall in them), as a user's would be.
    gap = 10.0 / n if rate else 0.0
    t0, c0 = perf_counter(), counter[0]
    lat = json.loads(clicker.ask(f"clicks {n + warm} {gap}"))[warm:]
    dt = perf_counter() - t0
    c0 = counter[0] - c0
    impl.call(stop_stream, timeout=150)
    lat = sorted(v / 1e3 for v in lat)
    return {f"click_{prefix}p50": lat[len(lat) // 2],
            f"click_{prefix}p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            f"click_{prefix}n": len(lat), f"bg_{prefix}setters_per_s": c0 / dt}


if __name__ == "__main__":
    main()
