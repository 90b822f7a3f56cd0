"""Behind nginx: the click round trip direct vs through nginx, and sessions admitted per
second and setter throughput with 1 and 2 workers (``python -m pgwidgets_core serve``)
behind nginx, the pages faked (bench/fakepage.py, one process of its own).

    python -m bench.proxy                     # 300 sessions x 100 setters, 60 clicks x 3
    python -m bench.proxy --quick             # 100 sessions, 30 clicks x 2
    python -m bench.proxy --sessions 500 --setters 200 --workers 1,2

Ours only (the reference has no worker mode; its nginx recipe is one process).
Results: bench/results/proxy.json (gitignored); the table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from browser import CLICK_ONE, CLICK_SETUP, Browser  # noqa: E402
from nginxrun import free_ports, run_nginx  # noqa: E402


@contextmanager
def behind_nginx(workers: int, setters: int, tmp: Path) -> Iterator[tuple[str, str, Any]]:
    """The bench app on ``workers`` workers and nginx before them: (public page URL,
    worker 1's own URL, the launcher's process)."""
    public, base = free_ports(1), free_ports(workers)
    origin = f"http://127.0.0.1:{public}"
    conf = tmp / f"proxy{workers}.conf"
    env = {**os.environ, "PROXY_SETTERS": str(setters), "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), str(HERE), os.environ.get("PYTHONPATH")) if p)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pgwidgets_core", "serve", "proxy_app:make_app",
         "--workers", str(workers), "--port", str(base), "--origin", origin,
         "--nginx-conf", str(conf), "--listen", f"127.0.0.1:{public}",
         "--server-name", "127.0.0.1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while sum("serving on" in line for line in lines) < workers:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("workers did not start:\n" + "".join(lines))
            time.sleep(0.05)
        ngx = tmp / f"nginx{workers}"
        ngx.mkdir(exist_ok=True)
        with run_nginx(conf.read_text(), public_port=public, tmp=ngx):
            yield f"{origin}/myapp/", f"http://127.0.0.1:{base}/", proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def worker_cpu(launcher: Any) -> float:
    """CPU seconds used so far by the launcher's workers."""
    import psutil
    return sum(sum(c.cpu_times()[:2]) for c in psutil.Process(launcher.pid).children())


# ---- click round trip -----------------------------------------------------------

def clicks(browser: Browser, url: str, n: int) -> list[float]:
    page = browser.new_page()
    try:
        page.goto(url)
        page.get_by_text("pgs-ready").wait_for()
        page.evaluate(CLICK_SETUP, ["click 0", "Click me"])
        warm = 5
        for i in range(1, n + warm + 1):
            page.evaluate(CLICK_ONE, [i, 15_000])
        lat = page.evaluate("window.__pgbClick.lat")[warm:]
        if len(lat) != n or any(v < 0 for v in lat):
            raise RuntimeError(f"click probe: {lat}")
        return [v / 1e3 for v in lat]
    finally:
        page.context.close()


def click_rows(n: int, rounds: int, tmp: Path) -> dict[str, list[float]]:
    got: dict[str, list[float]] = {"direct": [], "nginx": []}
    with behind_nginx(1, 10, tmp) as (public, direct, _):
        browser = Browser()
        try:
            for r in range(rounds):                 # alternate, so drift hits both
                order = ("direct", "nginx") if r % 2 == 0 else ("nginx", "direct")
                for way in order:
                    got[way] += clicks(browser, direct if way == "direct" else public, n)
        finally:
            browser.close()
    return got


# ---- fake pages: admission and setters -------------------------------------------

class FakePages:
    def __init__(self, ws_url: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(HERE / "fakepage.py"), "pages",
                                      ws_url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, start_new_session=True)

    def say(self, cmd: str) -> str:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def count(self) -> int:
        return int(self.say("count").split()[1])

    def wait_count(self, target: int, timeout: float) -> float:
        end = time.monotonic() + timeout
        while (got := self.count()) < target:
            if time.monotonic() > end:
                raise RuntimeError(f"the fake pages got {got} of {target} texts")
            time.sleep(0.005)
        if got != target:
            raise RuntimeError(f"the fake pages got {got} texts, expected {target}")
        return time.perf_counter()

    def close(self) -> None:
        try:
            self.say("quit")
            self.proc.wait(10)
        except BaseException:
            os.killpg(self.proc.pid, signal.SIGKILL)


def fake_rows(workers: int, sessions: int, setters: int, tmp: Path) -> dict[str, Any]:
    with behind_nginx(workers, setters, tmp) as (public, _, launcher):
        pages = FakePages(public.replace("http://", "ws://") + "ws")
        try:
            if pages.say("go 10") != "opened":                     # warm-up
                raise RuntimeError("fake pages did not open")
            pages.wait_count(10, 60)
            pages.say("fire")
            pages.wait_count(10 + 10 * setters, 60)
            pages.say("drop")
            base = pages.count()
            t0 = time.perf_counter()
            if pages.say(f"go {sessions}") != "opened":
                raise RuntimeError("fake pages did not open")
            t1 = pages.wait_count(base + sessions, 300)
            cpu0 = worker_cpu(launcher)
            t2 = time.perf_counter()
            pages.say("fire")
            t3 = pages.wait_count(base + sessions + sessions * setters, 300)
            cpu = worker_cpu(launcher) - cpu0
        finally:
            pages.close()
    return {"workers": workers, "sessions": sessions, "setters": setters,
            "admitted_per_s": sessions / (t1 - t0), "setters_per_s": sessions * setters / (t3 - t2),
            "setter_step_s": t3 - t2, "worker_cpu_s": cpu}


# ---- report ---------------------------------------------------------------------

def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sessions", type=int)
    ap.add_argument("--setters", type=int, default=100)
    ap.add_argument("--clicks", type=int)
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    sessions = args.sessions or (100 if args.quick else 300)
    n_clicks = args.clicks or (30 if args.quick else 60)
    rounds = args.rounds or (2 if args.quick else 4)
    result: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python":
                                          platform.python_version(),
                                          "load": os.getloadavg()}}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        lat = click_rows(n_clicks, rounds, tmp)
        result["click"] = lat
        result["fake"] = [fake_rows(int(w), sessions, args.setters, tmp)
                          for w in args.workers.split(",")]
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "proxy.json").write_text(json.dumps(result, indent=1))

    d, g = lat["direct"], lat["nginx"]
    print(f"click round trip, one worker, {len(d)} clicks each (ms):")
    print("| path | p50 | p95 |\n|---|---|---|")
    for name, xs in (("direct", d), ("through nginx", g)):
        print(f"| {name} | {statistics.median(xs) * 1e3:.2f} | {pct(xs, .95) * 1e3:.2f} |")
    print(f"| nginx / direct | {statistics.median(g) / statistics.median(d):.2f}x | "
          f"{pct(g, .95) / pct(d, .95):.2f}x |")
    print(f"\nfake pages through nginx: {sessions} sessions, {args.setters} setters each")
    print("| workers | sessions admitted/s | setter calls/s | workers' CPU s in the setter "
          "step |\n|---|---|---|---|")
    for r in result["fake"]:
        print(f"| {r['workers']} | {r['admitted_per_s']:.0f} | {r['setters_per_s']:,.0f} | "
              f"{r['worker_cpu_s']:.2f} |")
    print(f"\nload average at start: {result['machine']['load']}")


if __name__ == "__main__":
    main()
