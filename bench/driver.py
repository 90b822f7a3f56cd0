"""One measurement in a fresh process, for one implementation.

    python bench/driver.py --impl ours-async --metric build500 --samples 5

Run with the interpreter of the implementation's venv (the project's .venv for
``ours-*`` and ``floor``, bench/.refvenv for ``ref-*``); it is started as a
script, so only bench/ is on sys.path and only the library under test is
imported.  It prints one line ``BENCH-RESULT {json}`` with the raw samples (in
seconds, bytes, ...; see spec.py) or an ``error``, then exits.  It never hangs:
a watchdog ends the process after ``--deadline`` seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from pathlib import Path
from time import perf_counter
from typing import Any

import spec
from browser import (CHROMIUM, CHROMIUM_ARGS, CLICK_ONE, CLICK_SETUP, ECHO_PAGE, RELOAD_PROBE,
                     Browser)

PREFIX = "BENCH-RESULT "
HERE = Path(__file__).resolve().parent
_emit_lock = threading.Lock()
_emitted = False


def emit(result: dict) -> None:
    """Print the result line once (the watchdog and main may race)."""
    global _emitted
    with _emit_lock:
        if _emitted:
            return
        _emitted = True
        sys.stdout.write(PREFIX + json.dumps(result) + "\n")
        sys.stdout.flush()


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class ConnectLog:
    """What the on_connect handlers did; thread-safe (loop thread, session threads).

    ``work`` names the workload on_connect runs (a function of work_async /
    work_sync), or None.
    """

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self.entered_at: list[float] = []            # perf_counter at handler entry
        self.finished: list[tuple[Any, float]] = []  # (session, perf_counter) after work
        self.errors: list[str] = []
        self.work: str | None = None

    def entered(self, session: Any, t: float) -> None:
        with self._cv:
            self.entered_at.append(t)
            self._cv.notify_all()

    def finished_work(self, session: Any, t: float) -> None:
        with self._cv:
            self.finished.append((session, t))
            self._cv.notify_all()

    def failed(self, exc: BaseException) -> None:
        with self._cv:
            self.errors.append(f"{type(exc).__name__}: {exc}")
            self._cv.notify_all()

    def wait(self, what: str, n: int, timeout: float = 60.0) -> list:
        items = self.entered_at if what == "entered" else self.finished
        with self._cv:
            ok = self._cv.wait_for(lambda: len(items) >= n or self.errors, timeout)
            if self.errors:
                raise RuntimeError(f"on_connect failed: {self.errors[0]}")
            if not ok:
                raise TimeoutError(f"{n} on_connect handlers not {what} within {timeout} s "
                                   f"(have {len(items)})")
            return list(items)


class Env:
    """The implementation under test, its workloads, and a lazily started browser."""

    def __init__(self, impl_name: str) -> None:
        from impls import make_impl
        self.impl = make_impl(impl_name)
        if self.impl.flavor == "async":
            import work_async as work
        else:
            import work_sync as work
        self.work = work
        self.log = ConnectLog()
        self.impl.start(work.make_on_connect(self.log, self.impl.flush))
        self._browser: Browser | None = None

    @property
    def browser(self) -> Browser:
        if self._browser is None:
            self._browser = Browser()
        return self._browser

    def run(self, fn_name: str, *args: Any, timeout: float = 120.0) -> Any:
        """Run workload ``fn_name(session, flush, *args)`` as a user would."""
        fn = getattr(self.work, fn_name)
        return self.impl.call(fn, *args, timeout=timeout)

    def connect_page(self, page: Any = None) -> tuple[Any, Any]:
        """Open the app in a new page; (page, its session) once on_connect is done."""
        page = page or self.browser.new_page()
        k = len(self.log.finished)
        page.goto(self.impl.url)
        session = self.log.wait("finished", k + 1)[k][0]
        return page, session

    def close(self) -> None:
        for step in (self.impl.close, self._browser and self._browser.close):
            if step:
                try:
                    step()
                except BaseException:
                    pass


# ---------------------------------------------------------------------------------
# Metrics.  Each returns {"samples": [...], **extra}; the first repetition of a
# loop is a warm-up and is not recorded unless said otherwise.
# ---------------------------------------------------------------------------------

def m_open(env: Env, n: int) -> dict:
    samples = []
    for i in range(n + 1):
        ctx = env.browser.browser.new_context()
        page = env.browser.new_page(ctx)
        k = len(env.log.entered_at)
        t0 = perf_counter()
        page.goto(env.impl.url, wait_until="commit")
        t1 = env.log.wait("entered", k + 1)[k]
        ctx.close()
        if i:
            samples.append(t1 - t0)
    return {"samples": samples}


def _page_has_text(page: Any, text: str) -> None:
    if not page.evaluate("(t) => document.body.textContent.includes(t)", text):
        raise RuntimeError(f"the page does not show {text!r}: the work was not applied")


def m_build500(env: Env, n: int) -> dict:
    page, session = env.connect_page()
    dt, top = env.run("build", session, env.impl.flush, 50)             # warm-up
    env.run("destroy", session, env.impl.flush, top)
    samples = []
    for i in range(n):
        dt, top = env.run("build", session, env.impl.flush, spec.BUILD_LABELS)
        samples.append(dt)
        if i == 0:
            _page_has_text(page, f"label {spec.BUILD_LABELS - 1}")
        env.run("destroy", session, env.impl.flush, top)
    return {"samples": samples}


def m_settext(env: Env, n: int) -> dict:
    page, session = env.connect_page()
    vbox, label = env.run("one_label", session, env.impl.flush)
    env.run("set_texts", session, env.impl.flush, label, 200, "warm")
    samples = [env.run("set_texts", session, env.impl.flush, label, spec.SET_TEXT_CALLS,
                       f"round{i}", timeout=150) for i in range(n)]
    _page_has_text(page, f"round{n - 1} {spec.SET_TEXT_CALLS - 1}")
    return {"samples": samples}


def m_batch(env: Env, n: int, labels_shown: int = spec.BATCH_LABELS) -> dict:
    page, session = env.connect_page()
    labels = env.run("labels_ui", session, env.impl.flush, labels_shown)
    env.run("batched_texts", session, env.impl.flush, labels, 200, "warm")
    samples = [env.run("batched_texts", session, env.impl.flush, labels, spec.BATCH_CALLS,
                       f"round{i}", timeout=150) for i in range(n)]
    _page_has_text(page, f"round{n - 1} {spec.BATCH_CALLS - 1}")
    return {"samples": samples}


def m_batch_distinct(env: Env, n: int) -> dict:
    return m_batch(env, n, spec.BATCH_CALLS)


IMAGE_SHOWN = """(w) => Array.from(document.querySelectorAll('img'))
    .some(i => i.complete && i.naturalWidth === w)"""


def m_buffer(env: Env, n: int) -> dict:
    """Each round sends an image of another size (a side of BUFFER_SIDE - i pixels),
    so the probe sees the new one, never the last. Random pixels: a solid colour would
    let the reference's default permessage-deflate shrink 4 MB to a few KiB."""
    from pngdata import png
    page, session = env.connect_page()
    img = env.run("image_ui", session, env.impl.flush)
    samples, size = [], 0
    for i in range(n + 1):
        side = spec.BUFFER_SIDE - i
        data = png(side, side, level=0, noise=i)        # photo-like: incompressible
        size = len(data)
        t0 = perf_counter()
        env.run("send_image", session, env.impl.flush, img, data)
        page.wait_for_function(IMAGE_SHOWN, arg=side, polling=5, timeout=60_000)
        if i:                                           # the first is a warm-up
            samples.append(perf_counter() - t0)
    return {"samples": samples, "bytes": size}


def m_query(env: Env, n: int) -> dict:
    page, session = env.connect_page()
    vbox, label = env.run("one_label", session, env.impl.flush)
    # Warm-up: the first few hundred round trips are slower on both sides (the
    # page's JIT, Python's caches); the floor's 1,000 samples are mostly warm too.
    env.run("queries", session, env.impl.flush, vbox, 300)
    return {"samples": env.run("queries", session, env.impl.flush, vbox, n)}


CLICK_SETTLE_S = 3.0     # seconds between the click UI shown and the first click


def _clicks(env: Env, n: int, real_input: bool) -> dict:
    page, session = env.connect_page()
    env.run("click_ui", session, env.impl.flush)
    x, y = page.evaluate(CLICK_SETUP, ["click 0", "Click me"])
    # The page settles first. Clicked at once, the first ~100 clicks run into what
    # Chromium does after a page has loaded, 1.2-1.6 ms instead of 0.8-0.9 for both
    # bindings, and more so the sooner the page loaded (ours, bundled, is 3x sooner):
    # that measured the page's load, not the click (docs/performance.md, 2026-12-07).
    time.sleep(CLICK_SETTLE_S)
    warm = 5
    for i in range(1, n + warm + 1):
        if real_input:
            page.mouse.click(x, y)
            page.evaluate("([n, ms]) => window.__pgbClickWait(n, ms)", [i, 15_000])
        else:
            page.evaluate(CLICK_ONE, [i, 15_000])
    lat = page.evaluate("window.__pgbClick.lat")[warm:]
    if any(v < 0 for v in lat):
        raise RuntimeError("a label change came without a click")
    _page_has_text(page, f"click {n + warm}")
    return {"samples": [v / 1e3 for v in lat]}


def m_click(env: Env, n: int) -> dict:
    return _clicks(env, n, real_input=False)


def m_click_input(env: Env, n: int) -> dict:
    return _clicks(env, n, real_input=True)


def m_reload(env: Env, n: int) -> dict:
    page, session = env.connect_page()
    probe = "window.__pgbReload && window.__pgbReload.t !== null"

    def reload(mark: str) -> float:
        page.evaluate("(m) => localStorage.setItem('__pgbMark', m)", mark)
        page.reload(wait_until="commit")
        page.wait_for_function(probe, timeout=120_000, polling=20)
        t = page.evaluate("window.__pgbReload.t") / 1e3
        # Let the reconstruction finish (reconstruct-end, listens) before going on.
        env.run("settle", session, env.impl.flush)
        time.sleep(0.3)
        return t

    # Warm-up: a reload of a small UI (page caches, the reconstruction code
    # paths); it stays in the session, before the big one.
    env.run("small", session, env.impl.flush)
    page.context.add_init_script(RELOAD_PROBE)
    reload(env.work.SMALL_MARK)
    t0 = perf_counter()
    env.run("big", session, env.impl.flush, spec.RELOAD_BOXES, spec.RELOAD_LABELS_PER_BOX,
            timeout=200)
    build_s = perf_counter() - t0
    _page_has_text(page, env.work.MARK)
    return {"samples": [reload(env.work.MARK) for _ in range(n)], "build_s": build_s}


def m_bytes(env: Env, n: int) -> dict:
    return {"samples": [env.run("bytes_per_widget", env.impl.app, env.impl.flush,
                                spec.BYTES_LABELS, timeout=100) for _ in range(n)]}


def m_rss(env: Env, n: int, pages: int) -> dict:
    """Real Chromium pages, opened through the DevTools HTTP endpoint of a Chromium
    this driver starts itself: Playwright would keep Python objects per page (and
    per loaded file) in this very process and blur the number."""
    env.log.work = "hello"
    with _DevToolsChromium() as chrome:
        opened = 0

        def open_pages(count: int) -> None:
            nonlocal opened
            for _ in range(count):
                k = len(env.log.finished)
                chrome.open(env.impl.url)
                env.log.wait("finished", k + 1)
                opened += 1

        open_pages(2)                                   # warm-up sessions
        samples = []
        for _ in range(n):
            time.sleep(0.5)
            gc.collect()
            before = rss_bytes()
            open_pages(pages)
            time.sleep(0.5)                             # late callbacks (resize, map)
            gc.collect()
            samples.append((rss_bytes() - before) / pages)
    return {"samples": samples, "pages": pages}


def m_rss_process(env: Env, n: int) -> dict:
    """VmRSS of this whole process once one real Chromium page (through DevTools, as
    in ``rss``) has a session of 100 Labels: what a small app costs to run."""
    env.log.work = "labels100"
    with _DevToolsChromium() as chrome:
        samples = []
        for _ in range(n):
            k = len(env.log.finished)
            chrome.open(env.impl.url)
            env.log.wait("finished", k + 1)
            time.sleep(1.0)                             # late callbacks (resize, map)
            gc.collect()
            samples.append(rss_bytes())
            break                                       # one session per process
    return {"samples": samples}


class _DevToolsChromium:
    def __enter__(self) -> _DevToolsChromium:
        self._dir = tempfile.TemporaryDirectory(prefix="pgb-chromium-")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--remote-debugging-port=0",
             f"--user-data-dir={self._dir.name}", *CHROMIUM_ARGS, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        deadline = time.monotonic() + 30
        assert self.proc.stderr is not None
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            m = re.search(r"DevTools listening on ws://([^/]+)/", line)
            if m:
                self.http = f"http://{m.group(1)}"
                break
            if not line and self.proc.poll() is not None:
                raise RuntimeError("chromium exited before DevTools was ready")
        else:
            raise TimeoutError("chromium DevTools did not start")
        # Keep draining stderr so chromium never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()
        return self

    def open(self, url: str) -> None:
        req = urllib.request.Request(f"{self.http}/json/new?{url}", method="PUT")
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()

    def __exit__(self, *exc: Any) -> None:
        for sig, wait in ((15, 5), (9, 10)):
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(wait)
                break
            except OSError:
                break
            except subprocess.TimeoutExpired:
                continue
        self._dir.cleanup()


def m_fake50(env: Env, n: int) -> dict:
    from impls import ws_url_of
    env.log.work = "fake"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "fakepage.py"), "pages", ws_url_of(env.impl.url)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdin is not None and proc.stdout is not None

    def say(cmd: str, expect: str) -> None:
        proc.stdin.write(cmd + "\n")
        proc.stdin.flush()
        if expect:
            line = proc.stdout.readline().strip()
            if line != expect:
                raise RuntimeError(f"fake pages said {line!r} to {cmd!r}")

    samples = []
    try:
        # A warm-up round of 10 sessions, then n rounds of FAKE_SESSIONS.
        for count in [10] + [spec.FAKE_SESSIONS] * n:
            k = len(env.log.finished)
            t0 = perf_counter()
            proc.stdin.write(f"go {count}\n")
            proc.stdin.flush()
            done = env.log.wait("finished", k + count, timeout=120)
            t1 = max(t for _, t in done[k:k + count])
            line = proc.stdout.readline().strip()
            if line != "opened":
                raise RuntimeError(f"fake pages said {line!r}")
            if count == spec.FAKE_SESSIONS:
                samples.append(t1 - t0)
            say("drop", "dropped")
            time.sleep(0.2)
    finally:
        try:
            say("quit", "")
            proc.wait(10)
        except BaseException:
            os.killpg(proc.pid, 9)
    return {"samples": samples}


# ---- floors: no widget library ---------------------------------------------------

class _EchoFloor:
    """A websockets server on its own loop thread that, for the first client,
    sends ``n`` messages one at a time and times each echo."""

    def __init__(self, n: int, serve_page: bool) -> None:
        from websockets.asyncio.server import serve
        self.n = n
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.result: asyncio.Future = self.loop.create_future()

        def process_request(conn: Any, request: Any) -> Any:
            if not serve_page or request.path.startswith("/ws"):
                return None
            resp = conn.respond(200, ECHO_PAGE)
            del resp.headers["Content-Type"]
            resp.headers["Content-Type"] = "text/html; charset=utf-8"
            return resp

        async def start() -> Any:
            # No permessage-deflate: the floor is the bare protocol (ours runs without it
            # by default; the reference negotiates it, as browsers offer it).
            return await serve(self._handler, "127.0.0.1", 0, process_request=process_request,
                               max_size=None, compression=None)
        self.server = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _handler(self, ws: Any) -> None:
        if self.result.done():
            return
        try:
            times = []
            for i in range(self.n + 50):                  # 50 warm-up round trips
                msg = json.dumps({"type": "call", "id": 1000 + i, "wid": 7,
                                  "method": "get_children", "args": []})
                t0 = perf_counter()
                await ws.send(msg)
                back = await ws.recv()
                times.append(perf_counter() - t0)
                if back != msg:
                    raise RuntimeError("the echo differs")
            self.result.set_result(times[50:])
        except BaseException as exc:
            if not self.result.done():
                self.result.set_exception(exc)

    def samples(self, timeout: float) -> list[float]:
        async def get() -> list[float]:
            return await asyncio.wait_for(asyncio.shield(self.result), timeout)
        return asyncio.run_coroutine_threadsafe(get(), self.loop).result(timeout + 5)


def m_floor_py(n: int) -> dict:
    floor = _EchoFloor(n, serve_page=False)
    proc = subprocess.Popen([sys.executable, str(HERE / "fakepage.py"), "echo",
                             f"ws://127.0.0.1:{floor.port}/"], start_new_session=True)
    try:
        return {"samples": floor.samples(40)}
    finally:
        os.killpg(proc.pid, 9)
        proc.wait(10)


def m_floor_browser(n: int) -> dict:
    floor = _EchoFloor(n, serve_page=True)
    browser = Browser()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{floor.port}/")
        return {"samples": floor.samples(60), "chromium": browser.version}
    finally:
        browser.close()


# ---------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--impl", required=True, choices=[*spec.IMPLS, spec.FLOOR])
    ap.add_argument("--metric", required=True, choices=list(spec.METRICS))
    ap.add_argument("--samples", type=int, required=True)
    ap.add_argument("--rss-pages", type=int, default=spec.RSS_PAGES[0])
    ap.add_argument("--deadline", type=float, default=300.0)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    result: dict[str, Any] = {"impl": args.impl, "metric": args.metric,
                              "python": platform.python_version()}

    def watchdog() -> None:
        emit({**result, "error": f"driver deadline ({args.deadline:.0f} s) passed"})
        os._exit(3)
    timer = threading.Timer(args.deadline, watchdog)
    timer.daemon = True
    timer.start()

    env: Env | None = None
    try:
        if args.impl == spec.FLOOR:
            fn = {"floor_py": m_floor_py, "floor_browser": m_floor_browser}[args.metric]
            result.update(fn(args.samples))
        else:
            env = Env(args.impl)
            result["version"] = env.impl.version()
            fn = globals()["m_" + args.metric]
            extra = (args.rss_pages,) if args.metric == "rss" else ()
            result.update(fn(env, args.samples, *extra))
            if env._browser is not None:
                result["chromium"] = env._browser.version
    except BaseException as exc:
        result["error"] = f"{type(exc).__name__}: {exc}".strip()
        result["traceback"] = traceback.format_exc()
    finally:
        if env is not None:
            closer = threading.Thread(target=env.close, daemon=True)
            closer.start()
            closer.join(15)
    emit(result)
    sys.stderr.flush()
    os._exit(0)     # no waiting for library threads (the reference's never end)


if __name__ == "__main__":
    main()
