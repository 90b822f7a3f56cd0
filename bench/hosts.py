"""Idle CPU and click latency of an application attached to a Qt or Tk host loop.

    .venv/bin/python bench/hosts.py                 # Qt, Tk, Tk's poll fallback; 10 s idle
    .venv/bin/python bench/hosts.py --toolkit tk --idle 5 --clicks 100

Each toolkit runs in a fresh process: a ``serialized`` pgwidgets_sync app attached
(``pgwidgets_sync.hosts``) to the toolkit's loop on the main thread, with one real
headless Chromium page connected (Playwright on a thread of its own).

* **idle CPU**: the host process's CPU time (every thread: GUI, relay, loop) over
  ``--idle`` seconds of the GUI loop with the page connected and nothing happening,
  as a percentage of one core (goal: under 1 %).
* **click -> GUI thread**: the page stamps ``performance.timeOrigin + now()`` and
  clicks the button; the handler, on the GUI thread, stamps ``time.time()``. Median,
  p90 and max over ``--clicks`` clicks, in ms (same machine, same clock).

Qt runs offscreen (``QT_QPA_PLATFORM=offscreen``); Tk needs an X display and gets
a private Xvfb when ``DISPLAY`` is unset.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("PGWIDGETS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PREFIX = "HOSTS-BENCH "
CLICK_JS = """() => { const t = performance.timeOrigin + performance.now();
    document.querySelector('.button-widget').click(); return t; }"""


def child(toolkit: str, idle: float, clicks: int) -> dict:
    """One measurement, in this process (the GUI loop on the main thread)."""
    sys.path.insert(0, str(ROOT))
    from pgwidgets_sync import Application

    app = Application(ws_port=0, http_port=0, concurrency_handling="serialized")
    stamps: list[float] = []
    clicked = threading.Event()
    built = threading.Event()
    gui = threading.get_ident()
    wrong_thread = []

    @app.on_connect
    def setup(session):
        W = session.get_widgets()
        top, btn = W.TopLevel(title="bench"), W.Button("Click me")

        def on_click():
            stamps.append(time.time() * 1000)
            if threading.get_ident() != gui:
                wrong_thread.append(1)
            clicked.set()
        btn.on("activated", on_click)
        top.set_widget(btn)
        top.show()
        built.set()

    if toolkit == "qt":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication
        from pgwidgets_sync.hosts import qt as qt_host
        qapp = QApplication([])
        host = qt_host.attach(app, quit_host=False)

        def run_loop(seconds: float) -> None:
            # a nested loop: qapp.quit() would be the host quitting (closing the app)
            loop = QEventLoop()
            QTimer.singleShot(int(seconds * 1000), loop.quit)
            loop.exec()
    else:
        import tkinter
        from pgwidgets_sync.hosts import tk as tk_host
        root = tkinter.Tk()
        host = tk_host.attach(app, root, quit_host=False, use_pipe=toolkit != "tk-poll")

        def run_loop(seconds: float) -> None:
            root.after(int(seconds * 1000), root.quit)
            root.mainloop()

    result: dict = {"toolkit": toolkit, "mode": getattr(host, "mode", "signal")}
    lat: list[float] = []
    errors: list[BaseException] = []
    phase = {"clicks_done": threading.Event()}

    def driver() -> None:
        from playwright.sync_api import sync_playwright
        try:
            with sync_playwright() as pw:
                b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                       args=CHROMIUM_ARGS)
                page = b.new_page()
                page.goto(url)
                built.wait(20)
                page.locator(".button-widget").wait_for()
                for _ in range(clicks + 5):          # the first 5 warm up
                    clicked.clear()
                    t0 = page.evaluate(CLICK_JS)
                    if not clicked.wait(5):
                        raise RuntimeError("the handler did not run within 5 s")
                    lat.append(stamps[-1] - t0)
                phase["clicks_done"].set()
                phase.setdefault("release", threading.Event()).wait(idle + 30)
                b.close()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
            phase["clicks_done"].set()

    phase["release"] = threading.Event()
    url = app.url
    t = threading.Thread(target=driver, daemon=True)
    t.start()
    deadline = time.monotonic() + 60
    while not phase["clicks_done"].is_set() and time.monotonic() < deadline:
        run_loop(0.05)
    if errors:
        raise errors[0]
    time.sleep(0.5)
    run_loop(0.5)                                   # settle
    c0, w0 = time.process_time(), time.monotonic()
    run_loop(idle)
    cpu, wall = time.process_time() - c0, time.monotonic() - w0
    phase["release"].set()
    t.join(10)
    host.detach()
    app.close()
    lat = lat[5:]
    lat.sort()
    result.update(idle_seconds=round(wall, 2), idle_cpu_percent=round(100 * cpu / wall, 3),
                  clicks=len(lat), wrong_thread=len(wrong_thread),
                  click_ms_median=round(statistics.median(lat), 3),
                  click_ms_p90=round(lat[int(0.9 * (len(lat) - 1))], 3),
                  click_ms_max=round(lat[-1], 3))
    return result


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY"):
        return None
    exe = shutil.which("Xvfb")
    if exe is None:
        raise SystemExit("Tk needs an X display: set DISPLAY or install xvfb")
    for n in range(150, 250):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen([exe, f":{n}", "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(200):
        if Path(f"/tmp/.X11-unix/X{n}").exists():
            break
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{n}"
    return proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--toolkit", choices=["qt", "tk", "tk-poll", "all"], default="all",
                    help="tk-poll: Tk with the 'after' poll fallback (default: all)")
    ap.add_argument("--idle", type=float, default=10.0, help="idle seconds (default 10)")
    ap.add_argument("--clicks", type=int, default=50, help="clicks measured (default 50)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(PREFIX + json.dumps(child(args.child, args.idle, args.clicks)), flush=True)
        return 0
    xvfb = start_xvfb() if args.toolkit != "qt" else None
    try:
        rows = []
        for tk in (["qt", "tk", "tk-poll"] if args.toolkit == "all" else [args.toolkit]):
            out = subprocess.run([sys.executable, __file__, "--child", tk, "--idle",
                                  str(args.idle), "--clicks", str(args.clicks)],
                                 capture_output=True, text=True, timeout=args.idle + 120)
            line = [ln for ln in out.stdout.splitlines() if ln.startswith(PREFIX)]
            if not line:
                print(f"{tk}: failed\n{out.stderr[-3000:]}", file=sys.stderr)
                return 1
            rows.append(json.loads(line[0][len(PREFIX):]))
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(5)
    print(f"{'host':8} {'wake-up':8} {'idle CPU (% core)':>18} {'click->GUI median':>18} "
          f"{'p90':>8} {'max':>8}  (ms, {rows[0]['clicks']} clicks)")
    for r in rows:
        print(f"{r['toolkit']:8} {r['mode']:8} {r['idle_cpu_percent']:>17.3f}% "
              f"{r['click_ms_median']:>18.3f} {r['click_ms_p90']:>8.3f} {r['click_ms_max']:>8.3f}"
              + ("" if r["idle_cpu_percent"] < 1 else "   (goal: < 1 %)")
              + ("" if not r["wrong_thread"] else "   HANDLER OFF THE GUI THREAD"))
    print("goal: idle CPU < 1 % of a core over", args.idle, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
