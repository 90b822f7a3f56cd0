"""Scale in one process: ours-async vs the reference async at 100, 300, 1,000
fake pages (bench/scale_driver.py does one implementation at one size).

    python -m bench.scale                 # 100, 300, 1000 sessions, 100 clicks
    python -m bench.scale --quick         # 100, 1000 sessions, 30 clicks
    python -m bench.scale --sizes 100,300 --impls ours-async

Each (implementation, size) runs in a fresh process with a deadline; a reference
that fails or passes it is reported "failed at N" and not run at larger sizes.
Results: bench/results/scale.json (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PREFIX = "BENCH-RESULT "


def python_of(impl: str) -> str:
    if impl.startswith("ref"):
        from bench import refenv
        return str(refenv.ensure(log=lambda *a: print(*a, file=sys.stderr)))
    return sys.executable


def run(impl: str, n: int, setters: int, clicks: int, deadline: float,
        paced: float = 0.0) -> dict:
    env = dict(os.environ)
    if impl.startswith("ours"):
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [python_of(impl), str(HERE / "scale_driver.py"), "--impl", impl,
           "--sessions", str(n), "--setters", str(setters), "--clicks", str(clicks),
           "--paced-rate", str(paced),
           "--deadline", str(deadline)]
    logs = HERE / "results" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"scale-{impl}-{n}.stderr", "w") as err:
        try:
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env,
                                 timeout=deadline + 30, start_new_session=True).stdout
        except subprocess.TimeoutExpired:
            return {"impl": impl, "sessions": n, "error": "killed after the deadline",
                    "failed_at": "?"}
    for line in out.splitlines():
        if line.startswith(PREFIX):
            return json.loads(line[len(PREFIX):])
    return {"impl": impl, "sessions": n, "error": "no result line", "failed_at": "?"}


def fmt(r: dict | None, key: str, scale: float, digits: int) -> str:
    if r is None:
        return "-"
    if key not in r:
        return f"failed ({r.get('failed_at', '?')})" if "error" in r else "-"
    return f"{r[key] * scale:,.{digits}f}"


ROWS = [("RSS per idle session (KiB)", "rss_per_session", 1 / 1024, 0),
        ("connect rate (sessions/s)", "connect_per_s", 1, 0),
        ("setter throughput (calls/s, all sessions)", "setters_per_s", 1, 0),
        ("click p50 (ms), others streaming", "click_p50", 1e3, 1),
        ("click p99 (ms), others streaming", "click_p99", 1e3, 1),
        ("background setters during clicks (calls/s)", "bg_setters_per_s", 1, 0),
        ("click p50 (ms), others paced to the same rate", "click_paced_p50", 1e3, 1),
        ("click p99 (ms), others paced to the same rate", "click_paced_p99", 1e3, 1),
        ("background setters, paced (calls/s)", "bg_paced_setters_per_s", 1, 0),
        ("longest GC pause in the click steps (ms)", "click_gc_longest_s", 1e3, 0)]


def table(results: dict, sizes: list[int], impls: list[str]) -> str:
    head = ["metric"] + [f"{i} @{n}" for n in sizes for i in impls]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for title, key, scale, d in ROWS:
        cells = [fmt(results.get((i, n)), key, scale, d) for n in sizes for i in impls]
        lines.append("| " + " | ".join([title] + cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--impls", default="ours-async,ref-async")
    ap.add_argument("--setters", type=int, default=100)
    ap.add_argument("--clicks", type=int, default=None)
    ap.add_argument("--paced-rate", type=float, default=12000.0,
                    help="the clicks again with the background at this many calls/s in "
                         "all, the same for every implementation (0: not)")
    ap.add_argument("--deadline", type=float, default=150.0,
                    help="seconds per (implementation, size) process")
    args = ap.parse_args()
    sizes = [int(s) for s in (args.sizes or ("100,1000" if args.quick else "100,300,1000"))
             .split(",")]
    clicks = args.clicks if args.clicks is not None else (30 if args.quick else 100)
    impls = args.impls.split(",")
    results: dict = {}
    failed: dict[str, int] = {}
    t0 = time.monotonic()
    load0 = os.getloadavg()
    for n in sizes:
        for impl in impls:
            if impl in failed:
                results[(impl, n)] = {"error": f"not run (failed at {failed[impl]})",
                                      "failed_at": f"skipped, failed at {failed[impl]}"}
                continue
            print(f"scale: {impl} at {n} sessions ...", file=sys.stderr, flush=True)
            r = run(impl, n, args.setters, clicks, args.deadline, args.paced_rate)
            results[(impl, n)] = r
            if "error" in r:
                print(f"scale: {impl} failed at {n}: {r['error']}", file=sys.stderr, flush=True)
                if "setters_per_s" not in r:
                    failed[impl] = n
    out = table(results, sizes, impls)
    load1 = os.getloadavg()
    print(out)
    thresholds = {tuple(r["gc_threshold"]) for r in results.values() if "gc_threshold" in r}
    print(f"\n{os.cpu_count()} CPUs; load average {load0[0]:.1f} at start, "
          f"{load1[0]:.1f} at end; {time.monotonic() - t0:.0f} s; GC threshold "
          + ", ".join(str(t) for t in sorted(thresholds)))
    for (impl, n), r in results.items():
        if "error" in r:
            print(f"error {impl} @{n}: {r['error']}")
    path = HERE / "results" / "scale.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"table": out, "load": [load0, load1], "results": [
        r | {"impl": i, "sessions": n} for (i, n), r in results.items()]}, indent=1))


if __name__ == "__main__":
    main()
