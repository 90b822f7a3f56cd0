"""Soak: memory, tasks, threads and fds stay flat while pages come and go for a long run.

    python -m bench.reliability.soak --minutes 10         # ours-async then ours-sync
    python -m bench.reliability.soak --minutes 2 --impls ours-async --no-chromium

For each implementation, one app process (:mod:`bench.reliability.soak_app`: the UI is
built per session; samples RSS, tasks, threads, fds, GC objects, sessions) and one
driver process (:mod:`bench.reliability.soak_driver`: fake pages and one real
headless Chromium page connect, build, click, reload, click and leave, cycle after
cycle, for ``--minutes``). The verdict uses the samples the app takes at rest (no
session, no page) after the warm-up; see :data:`TOLERANCE`. Prints a table and
writes everything (samples included) to bench/results/soak.json; docs/reliability.md
has the figures of a full run.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from statistics import median
from typing import IO, Any

from .common import RESULTS, ROOT, machine, slope

IMPLS = ("ours-async", "ours-sync")
METRICS = ("rss_kib", "tasks", "threads", "fds", "gc_objects")
#: "Flat" after the warm-up, over the rest samples: RSS grows less than
#: ``rss_kib`` by the least-squares line; GC-tracked objects less than ``gc_objects``
#: (a fraction of their level after the warm-up); tasks, threads and fds: the lowest
#: count of the last fifth of the window is not above that of the first fifth (``net``
#: 0: one leaked per session would show at once); and after the pages left for good,
#: no session, no page, and as many tasks and fds as before the first page.
TOLERANCE = {"rss_kib": 2048, "gc_objects": 0.01, "net": 0}


def warmup_default(minutes: float) -> float:
    """2 minutes, or a fifth of a shorter run."""
    return min(2.0, minutes / 5)


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.reliability.soak",
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0, help="per implementation (10)")
    ap.add_argument("--warmup", type=float,
                    help="minutes not judged (default 2, or a fifth of a shorter run)")
    ap.add_argument("--impls", default=",".join(IMPLS), help=",".join(IMPLS))
    ap.add_argument("--pages", type=int, default=10, help="fake pages per cycle (10)")
    ap.add_argument("--interval", type=float, default=5.0,
                    help="seconds between periodic samples (5)")
    ap.add_argument("--no-chromium", action="store_true", help="fake pages only")
    ap.add_argument("--output", type=Path, default=RESULTS / "soak.json")
    args = ap.parse_args(argv)
    args.impls = [s.strip() for s in args.impls.split(",") if s.strip()]
    bad = [s for s in args.impls if s not in IMPLS]
    if bad:
        ap.error(f"unknown implementation(s) {', '.join(bad)}; known: {', '.join(IMPLS)}")
    if args.warmup is None:
        args.warmup = warmup_default(args.minutes)
    return args


def _lines(stream: IO[str], q: queue.Queue[str | None]) -> None:
    for line in stream:
        q.put(line)
    q.put(None)


def _expect(q: queue.Queue[str | None], prefix: str, timeout: float) -> str:
    """The rest of the first line starting with ``prefix``, within ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = q.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"no {prefix!r} line within {timeout:.0f} s") from None
        if line is None:
            raise RuntimeError(f"process ended before its {prefix!r} line")
        if line.startswith(prefix):
            return line[len(prefix):].strip()


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _spawn(cmd: list[str], err: IO[str], stdin: bool = False
           ) -> tuple[subprocess.Popen[str], queue.Queue[str | None]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    proc = subprocess.Popen([sys.executable, "-m", *cmd], cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=err, start_new_session=True)
    q: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, q), daemon=True).start()
    return proc, q


def run_one(impl: str, args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    """App and driver for ``impl``; the app's samples and the driver's counts."""
    seconds = args.minutes * 60
    with open(log_dir / f"soak.{impl}.app.stderr.txt", "w") as app_err, \
            open(log_dir / f"soak.{impl}.driver.stderr.txt", "w") as drv_err:
        app, app_q = _spawn(["bench.reliability.soak_app", "--impl", impl,
                             "--interval", str(args.interval),
                             "--warmup", str(args.warmup * 60)], app_err, stdin=True)
        driver = None
        try:
            http, ws = _expect(app_q, "URL ", 60).split()
            cmd = ["bench.reliability.soak_driver", "--http", http, "--ws", ws,
                   "--seconds", str(seconds), "--pages", str(args.pages)]
            driver, drv_q = _spawn(cmd + (["--no-chromium"] if args.no_chromium else []),
                                   drv_err)
            drove = json.loads(_expect(drv_q, "SOAK-DRIVER ", seconds + 180))
            assert app.stdin is not None
            app.stdin.write("STOP\n")
            app.stdin.flush()
            served = json.loads(_expect(app_q, "SOAK-APP ", 90))
        finally:
            for p in (driver, app):
                if p is not None:
                    try:
                        p.wait(15)
                    except subprocess.TimeoutExpired:
                        pass
                    _kill_group(p.pid)
    return {"impl": impl, "driver": drove, "app": served,
            "figures": analyse(served["samples"], args.warmup * 60, seconds)}


def analyse(samples: list[dict[str, Any]], warmup: float, seconds: float
            ) -> dict[str, Any]:
    """Slopes, ranges and the verdict from the app's samples (times in seconds)."""
    start = next(s for s in samples if s["kind"] == "start")
    final = samples[-1]
    rest = [s for s in samples if s["kind"] == "rest"]
    window = [s for s in rest if warmup <= s["t"] <= seconds]
    periodic = [s for s in samples if s["kind"] == "periodic" and warmup <= s["t"] <= seconds]
    out: dict[str, Any] = {"warmup_s": warmup, "seconds": seconds,
                           "rest_samples": len(window), "periodic_samples": len(periodic)}
    if len(window) < 2:
        out.update(verdict="no data", problems=["fewer than 2 rest samples after warm-up"])
        return out
    span = window[-1]["t"] - window[0]["t"]
    fifth = max(span / 5, 1e-9)
    first = [s for s in window if s["t"] <= window[0]["t"] + fifth]
    last = [s for s in window if s["t"] >= window[-1]["t"] - fifth]
    problems = []
    for m in METRICS:
        xs = [s["t"] / 60 for s in window]
        ys = [s[m] for s in window]
        per_min = slope(xs, ys)
        fig = {"start": start[m], "after_warmup": window[0][m], "end_of_run": window[-1][m],
               "final": final[m], "min": min(ys), "max": max(ys), "median": median(ys),
               "per_minute": round(per_min, 3), "fitted_growth": round(per_min * span / 60, 1),
               "net": min(s[m] for s in last) - min(s[m] for s in first)}
        if len(periodic) >= 2:
            fig["per_minute_periodic"] = round(slope([s["t"] / 60 for s in periodic],
                                                     [s[m] for s in periodic]), 3)
        out[m] = fig
    if out["rss_kib"]["fitted_growth"] >= TOLERANCE["rss_kib"]:
        problems.append(f"RSS grew {out['rss_kib']['fitted_growth']:.0f} KiB after warm-up")
    gc_limit = TOLERANCE["gc_objects"] * out["gc_objects"]["after_warmup"]
    if out["gc_objects"]["fitted_growth"] >= gc_limit:
        problems.append(f"GC objects grew {out['gc_objects']['fitted_growth']:.0f} "
                        f"(limit {gc_limit:.0f})")
    for m in ("tasks", "threads", "fds"):
        if out[m]["net"] > TOLERANCE["net"]:
            problems.append(f"{m}: net +{out[m]['net']} after warm-up")
    for m in ("tasks", "fds"):
        if final[m] > start[m]:
            problems.append(f"{m}: {final[m]} after the run, {start[m]} before")
    if final["sessions"] or final["pages"]:
        problems.append(f"left after the run: {final['sessions']} sessions, "
                        f"{final['pages']} pages")
    out["max_live_sessions"] = max(s["sessions"] for s in samples)
    out["max_live_pages"] = max(s["pages"] for s in samples)
    out["problems"] = problems
    out["verdict"] = "flat" if not problems else "GROWS"
    return out


def table(results: list[dict[str, Any]]) -> str:
    """The figures as text, one block per implementation."""
    rows = []
    for r in results:
        if "error" in r:
            rows.append(f"{r['impl']:<11} ERROR  {r['error']}")
            continue
        f, d, c = r["figures"], r["driver"], r["app"]["counts"]
        rows.append(f"{r['impl']:<11} {f['verdict'].upper():<6} {d['cycles']} cycles, "
                    f"{c['sessions']} sessions ({d['fake_sessions']} fake, "
                    f"{d['chromium_sessions']} Chromium), {c['clicks']} clicks, "
                    f"{c['queries']} queries ({c['bad_answers']} wrong), "
                    f"{c['disconnects']} disconnects, {d['failures']} driver failures")
        rows.append(f"{'':<11} max live {f.get('max_live_sessions')} sessions, "
                    f"{f.get('max_live_pages')} pages; warm-up {f['warmup_s'] / 60:g} min, "
                    f"{f['rest_samples']} rest samples after it")
        if "rss_kib" not in f:
            continue
        rows.append(f"{'':<11} {'metric':<10} {'start':>8} {'warm':>8} {'end':>8} "
                    f"{'final':>8} {'min':>8} {'max':>8} {'/min':>9} {'growth':>8} {'net':>6}")
        for m in METRICS:
            g = f[m]
            scale = 1024 if m == "rss_kib" else 1
            name = "RSS MiB" if m == "rss_kib" else m

            def v(x: float) -> str:
                return f"{x / scale:.1f}" if scale > 1 else f"{x:g}"
            rows.append(f"{'':<11} {name:<10} {v(g['start']):>8} {v(g['after_warmup']):>8} "
                        f"{v(g['end_of_run']):>8} {v(g['final']):>8} {v(g['min']):>8} "
                        f"{v(g['max']):>8} {g['per_minute'] / scale:>9.3f} "
                        f"{v(g['fitted_growth']):>8} {v(g['net']):>6}")
        for p in f["problems"] + d["failure_examples"]:
            rows.append(f"{'':<11} ! {p}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    log_dir = args.output.parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    before = machine()
    print(f"soak: {', '.join(args.impls)}, {args.minutes:g} min each (warm-up "
          f"{args.warmup:g} min), {args.pages} fake pages"
          f"{'' if args.no_chromium else ' + 1 Chromium page'} per cycle; load average "
          f"{before['loadavg'][0]} on {before['cpus']} CPUs", flush=True)
    results = []
    for impl in args.impls:
        print(f"soak: {impl} ...", flush=True)
        t0 = time.monotonic()
        try:
            r = run_one(impl, args, log_dir)
        except Exception as exc:                     # noqa: BLE001 - reported, not raised
            r = {"impl": impl, "error": repr(exc)[:300]}
        r["wall_seconds"] = round(time.monotonic() - t0, 1)
        results.append(r)
        print(f"soak: {impl}: {r.get('figures', {}).get('verdict', 'ERROR')} "
              f"({r['wall_seconds']} s)", flush=True)
    after = machine()
    print()
    print(table(results))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "machine_before": before, "machine_after": after, "tolerance": TOLERANCE,
        "argv": sys.argv[1:] if argv is None else argv, "minutes": args.minutes,
        "warmup_minutes": args.warmup, "results": results}, indent=1, default=repr))
    print(f"\nsoak: load average {after['loadavg'][0]} at the end; wrote {args.output}")
    ok = all(r.get("figures", {}).get("verdict") == "flat" and not r["driver"]["failures"]
             and not r["app"]["counts"]["bad_answers"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
