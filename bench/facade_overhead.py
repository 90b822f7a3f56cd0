"""The blocking facade's extra cost per call over the asyncio API.

    python bench/facade_overhead.py [--calls 3000] [--rounds 7]

Runs the same operations on a headless session (no page, so no browser time is
measured) through ``pgwidgets_core`` (awaited on a loop in this thread) and through
``pgwidgets_sync`` (from this thread, the core on its loop thread), and prints the
median time per call of each and the difference: what the facade adds. The goal
for a blocking call is under 100 µs.

Operations: a local getter (``get_text``), a browser query answered at once without
a page (``get_position`` -> None), a widget creation (``Label``): all three block
in the facade. And a write-behind setter (``set_text``), which the facade queues
and returns from at once (the loop catches up; the last call waits for it).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pgwidgets_core  # noqa: E402
import pgwidgets_sync  # noqa: E402

OPS = ("get_text", "get_position", "Label", "set_text")


def _op(name: str, W: Any, label: Any) -> Callable[[], Any]:
    return {"get_text": label.get_text, "get_position": label.get_position,
            "Label": lambda: W.Label("x"), "set_text": lambda: label.set_text("x")}[name]


def bench_async(calls: int, rounds: int) -> dict[str, list[float]]:
    async def main() -> dict[str, list[float]]:
        app = pgwidgets_core.Application(ws_port=0, http_port=0)
        session = app.create_session()
        W = session.get_widgets()
        label = await W.Label("x")
        out = {}
        for name in OPS:
            op = _op(name, W, label)
            samples = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                for _ in range(calls):
                    r = op()
                    if asyncio.iscoroutine(r) or name == "Label":
                        await r
                samples.append((time.perf_counter() - t0) / calls)
            out[name] = samples
        await app.close()
        return out
    return asyncio.run(main())


def bench_sync(calls: int, rounds: int) -> dict[str, list[float]]:
    with pgwidgets_sync.Application(ws_port=0, http_port=0) as app:
        session = app.create_session()
        W = session.get_widgets()
        label = W.Label("x")
        out = {}
        for name in OPS:
            op = _op(name, W, label)
            op()                                    # warm up
            samples = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                for _ in range(calls):
                    op()
                label.get_text()                    # queued calls have run
                samples.append((time.perf_counter() - t0) / calls)
            out[name] = samples
    return out


def bench_floor(calls: int, rounds: int) -> list[float]:
    """A bare round trip to a loop thread: call_soon_threadsafe + a Future."""
    import concurrent.futures as cf
    import threading
    loop = asyncio.new_event_loop()
    t = threading.Thread(target=loop.run_forever, daemon=True)
    t.start()
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(calls):
            fut: cf.Future = cf.Future()
            loop.call_soon_threadsafe(fut.set_result, None)
            fut.result()
        samples.append((time.perf_counter() - t0) / calls)
    loop.call_soon_threadsafe(loop.stop)
    t.join()
    loop.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=3000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (median reported)")
    args = parser.parse_args()
    a = bench_async(args.calls, args.rounds)
    s = bench_sync(args.calls, args.rounds)
    floor = bench_floor(args.calls, args.rounds)
    us = 1e6
    print(f"µs per call; median of {args.rounds} rounds of {args.calls} calls "
          f"(best round in brackets)")
    print(f"{'operation':14} {'async':>13} {'sync':>15} {'extra':>15}")
    med, best = statistics.median, min
    extras, bests = [], []
    for name in OPS:
        extra, extra_best = med(s[name]) - med(a[name]), best(s[name]) - best(a[name])
        if name != "set_text":
            extras.append(extra * us)
            bests.append(extra_best * us)
        print(f"{name:14} {med(a[name]) * us:6.1f} ({best(a[name]) * us:4.1f})"
              f" {med(s[name]) * us:7.1f} ({best(s[name]) * us:5.1f})"
              f" {extra * us:7.1f} ({extra_best * us:5.1f})"
              f"  {'queued' if name == 'set_text' else 'blocking'}")
    print(f"floor, a bare thread round trip (call_soon_threadsafe + Future): "
          f"{statistics.median(floor) * us:.1f} ({min(floor) * us:.1f})")
    extra = med(extras)
    print(f"facade extra cost per blocking call: {extra:.1f} µs "
          f"({med(bests):.1f} in the best rounds); goal < 100 µs: "
          f"{'met' if extra < 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
