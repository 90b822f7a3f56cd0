"""The four implementations behind one small interface, for the driver.

* ``ours-async``  pgwidgets_core (this project)
* ``ours-sync``   pgwidgets_sync (this project's blocking facade)
* ``ref-async``   pgwidgets.async_ (reference binding pgwidgets-python 0.4.2)
* ``ref-sync``    pgwidgets.sync

An implementation starts an Application with ``max_sessions=None`` and the
default ``concurrency_handling`` ("per_session"), serves on 127.0.0.1, and runs
workloads "as a user would": async workloads are coroutines on the application's
event loop (which runs on its own thread, so the main thread can drive Playwright),
sync workloads are plain functions on a user thread.

Only the library named by the implementation is imported; the reference runs in
its own venv (bench/.refvenv), ours in the project venv.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import socket
import threading
import time
import urllib.request
from typing import Any, Callable

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    """Wait until something accepts TCP connections on ``port``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on port {port} after {timeout} s")
            time.sleep(0.01)


def ws_url_of(app_url: str) -> str:
    """The WebSocket URL the app injects into its page (the documented HTTP surface:
    ``window.PGWIDGETS_WS_URL``), so the fake browser connects where a page would."""
    with urllib.request.urlopen(app_url, timeout=10) as r:
        html = r.read().decode("utf-8")
    m = re.search(r'PGWIDGETS_WS_URL\s*=\s*"([^"]+)"', html)
    if not m:
        raise RuntimeError("no PGWIDGETS_WS_URL in the page")
    return m.group(1)


class _Impl:
    name: str
    flavor: str            # "async" | "sync"
    ours: bool
    app: Any
    url: str

    def version(self) -> str:
        from importlib.metadata import version
        return version("pgwidgets-sync" if self.ours else "pgwidgets-python")


class AsyncImpl(_Impl):
    flavor = "async"

    def __init__(self, name: str) -> None:
        self.name = name
        self.ours = name.startswith("ours")
        if self.ours:
            from pgwidgets_core import Application
        else:
            from pgwidgets.async_ import Application
        self._Application = Application
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="app-loop",
                                        daemon=True)
        self._thread.start()

    def call(self, fn: Callable, *args: Any, timeout: float = 120.0) -> Any:
        """Run coroutine function ``fn(*args)`` on the app loop; its result."""
        fut = asyncio.run_coroutine_threadsafe(fn(*args), self.loop)
        try:
            return fut.result(timeout)
        except concurrent.futures.TimeoutError:
            fut.cancel()
            raise TimeoutError(f"{getattr(fn, '__name__', fn)} took over {timeout} s") from None

    def start(self, on_connect: Callable) -> None:
        async def go() -> Any:
            if self.ours:
                app = self._Application(ws_port=0, http_port=0, max_sessions=None,
                                        **_ours_options())
            else:  # the reference does not report a port it chose: pick them here
                self._ports = (free_port(), free_port())
                app = self._Application(ws_port=self._ports[0], http_port=self._ports[1],
                                        max_sessions=None)
            app.on_connect(on_connect)
            await app.start()
            return app
        self.app = self.call(go, timeout=30)
        if not self.ours:
            # Its HTTP server is started by a task in an executor thread, after start().
            for p in self._ports:
                wait_port(p)
        self.url = self.app.url

    async def flush(self, session: Any) -> None:
        """Until the page applied everything sent so far.  The reference's setters
        already waited for the page, so there is nothing left to wait for."""
        if self.ours:
            await session.flush()

    def close(self) -> None:
        try:
            self.call(self.app.close, timeout=10)
        except BaseException:
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)


class SyncImpl(_Impl):
    flavor = "sync"

    def __init__(self, name: str) -> None:
        self.name = name
        self.ours = name.startswith("ours")
        if self.ours:
            # TODO(pgwidgets_sync): nothing to do here once the package exists; the
            # orchestrator reports "n/a" for ours-sync while `import pgwidgets_sync`
            # fails.
            from pgwidgets_sync import Application
        else:
            from pgwidgets.sync import Application
        self._Application = Application
        # The "user thread": bounded waits even though reference calls never time out.
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="user")

    def call(self, fn: Callable, *args: Any, timeout: float = 120.0) -> Any:
        fut = self._pool.submit(fn, *args)
        try:
            return fut.result(timeout)
        except concurrent.futures.TimeoutError:
            raise TimeoutError(f"{getattr(fn, '__name__', fn)} took over {timeout} s") from None

    def start(self, on_connect: Callable) -> None:
        if self.ours:
            app = self._Application(ws_port=0, http_port=0, max_sessions=None,
                                    **_ours_options())
        else:
            self._ports = (free_port(), free_port())
            app = self._Application(ws_port=self._ports[0], http_port=self._ports[1],
                                    max_sessions=None)
        app.on_connect(on_connect)
        app.start()
        if not self.ours:
            # Its WebSocket server starts on a thread after start() returned.
            for p in self._ports:
                wait_port(p)
        self.app = app
        self.url = app.url

    def flush(self, session: Any) -> None:
        if self.ours:
            session.flush()

    def close(self) -> None:
        t = threading.Thread(target=self.app.close, daemon=True)
        t.start()
        t.join(10)


def _ours_options() -> dict:
    """Extra Application options for our implementations: BENCH_COMPRESSION=1 turns
    permessage-deflate on (off by default), to measure what it costs."""
    return {"compression": True} if os.environ.get("BENCH_COMPRESSION") == "1" else {}


def make_impl(name: str) -> _Impl:
    if name.endswith("-async"):
        return AsyncImpl(name)
    if name.endswith("-sync"):
        return SyncImpl(name)
    raise ValueError(f"unknown implementation {name!r}")
