"""Kill: a browser that dies mid-rebuild, mid-upload and mid-call.

One Application runs in this process with ``max_sessions=1``, so a slot that leaked
would keep the next page waiting (and the check would time out). Each case builds a
session with :meth:`~pgwidgets_core.Application.create_session`, lets a page join
it, kills the page at the chosen moment, and then checks that:

- the server noticed at once (the page's connection left the session),
- the dead connection holds no pending request, its writer stopped, and the object
  itself was freed (a weak reference to it is dead after ``gc.collect()``),
- the admission count is exact (``app._admission.used`` is 0, nobody waiting),
- no handler task is left running and nothing was logged at ERROR or with a traceback,
- a new page joining the session is rebuilt completely and answers a query, taking
  exactly one slot, released when it leaves.

Kills: a fake page drops its TCP connection without a closing handshake
(``transport.abort()``, what the server sees of a killed browser); and a real
Chromium, started by this module on the session's URL (the app's own HTTP page) in a
process group of its own, is killed with SIGKILL once the first replies of its
rebuild have arrived.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path
from typing import Any, Callable

from pgwidgets_core import Application

from .common import page_count, Checks, LogCapture, mono, poll
from .page import LightPage

#: Chromium binary and flags (the test suite's, tests/chromium.py).
CHROMIUM = os.environ.get("PGWIDGETS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
CHUNK = 512 * 1024


async def build(session: Any, n: int, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """A window with a box of ``n - 3`` labels and a drop target: ``n`` widgets."""
    W = session.get_widgets()
    top = await W.TopLevel(title=f"kill {session.id}", resizable=True)
    box = await W.VBox(spacing=1)
    drop = await W.Label("drop files here")
    await box.add_widget(drop, 0)
    for i in range(n - 3):
        await box.add_widget(await W.Label(f"label {i}"), 0)
    await top.set_widget(box)
    await top.show()
    got: dict[str, Any] = {"files": None}
    if counts is not None:
        def note(action: str) -> Callable[..., None]:
            def handler(payload: Any = None, *rest: Any) -> None:
                counts[action] = counts.get(action, 0) + 1
                if action == "drop-end":
                    got["files"] = payload.get("files") if isinstance(payload, dict) else None
            return handler
        for action in ("drop-start", "drop-progress", "drop-end"):
            await drop.on(action, note(action))
    return {"box": box, "drop": drop, "kids": n - 2, "got": got}


class Case:
    """Bookkeeping of one kill case."""

    def __init__(self, app: Application, logs: LogCapture, name: str) -> None:
        self.app = app
        self.logs = logs
        self.name = name
        self.checks = Checks()
        self.metrics: dict[str, Any] = {}
        self.t0 = mono()

    def result(self) -> dict[str, Any]:
        return {"case": self.name, "ok": self.checks.ok, "checks": self.checks.items,
                "metrics": self.metrics}

    async def after_kill(self, session: Any, ref: weakref.ref[Any], t_kill: float) -> None:
        """The checks every case shares, once the page was killed at ``t_kill``.
        ``ref`` is a weak reference to the page's connection (nobody else may hold it,
        or it could not be seen to be freed)."""
        app = self.app
        conn = ref()
        if conn is not None:                   # (else: already detached and freed)
            gone = await poll(lambda: conn not in session._conns, 10)
            self.metrics["detach_ms"] = round((mono() - t_kill) * 1000, 1) if gone else None
            self.checks.add("server dropped the dead connection", bool(gone),
                            f"{self.metrics['detach_ms']} ms after the kill")
            self.checks.add("no pending request left on it", not conn.page.pending,
                            f"{len(conn.page.pending)} pending")
            writer = conn._writer
            await poll(lambda: writer is None or writer.done(), 2)
            self.checks.add("its writer task ended", writer is None or writer.done())
            del conn, writer
        await poll(lambda: not app.dispatcher.runner._tasks, 5)
        self.checks.add("no handler task left", not app.dispatcher.runner._tasks,
                        f"{len(app.dispatcher.runner._tasks)} running")
        self.checks.add("admission exact after the kill (used 0, none waiting)",
                        app._admission.used == 0 and not app._admission._waiters,
                        f"used {app._admission.used}, waiting {len(app._admission._waiters)}")
        await asyncio.sleep(0.05)
        gc.collect()
        alive = ref()
        self.checks.add("the dead connection object was freed", alive is None,
                        None if alive is None else "held by " + _referrers(alive))
        del alive

    async def rejoin(self, url: str, session: Any, ui: dict[str, Any]) -> LightPage:
        """A new page joins: full rebuild, a query answers, one slot taken."""
        page = LightPage(url, session_id=session.id, token=session.token, name="rejoin")
        t0 = mono()
        await page.connect(timeout=20)
        await page.wait_for(lambda p: p.rebuilds_done >= 1, 60, "the rebuild")
        self.metrics["rejoin_rebuild_ms"] = round((mono() - t0) * 1000, 1)
        want = len(session.engine.tree.records)
        self.checks.add("new page rebuilt completely", len(page.widgets) == want,
                        f"{len(page.widgets)}/{want} widgets")
        got = await asyncio.wait_for(page_count(ui["box"]), 10)
        self.checks.add("new page answers a query", got == ui["kids"],
                        f"page children = {got}, expected {ui['kids']}")
        self.checks.add("admission: the new page holds exactly one slot",
                        self.app._admission.used == 1, f"used {self.app._admission.used}")
        return page

    async def leave(self, page: LightPage) -> None:
        await page.close()
        freed = await poll(lambda: self.app._admission.used == 0, 5)
        self.checks.add("admission back to 0 when the new page left", bool(freed),
                        f"used {self.app._admission.used}")
        bad = [r for r in self.logs.since(self.t0) if r.level in ("ERROR", "CRITICAL")
               or r.exc_type]
        self.checks.add("nothing logged at ERROR or with a traceback", not bad,
                        [f"{r.logger}: {r.message[:120]} {r.exc_type or ''}" for r in bad[:3]])


def _referrers(obj: Any) -> str:
    return ", ".join(type(r).__name__ for r in gc.get_referrers(obj)[:5])


def _conn_of(session: Any) -> Any:
    return session._conns[0] if session._conns else None


# ---- cases ------------------------------------------------------------------------------

async def mid_rebuild_fake(app: Application, logs: LogCapture, url: str, n: int
                           ) -> dict[str, Any]:
    """A fake page joins a session of ``n`` widgets and drops its connection right
    after answering the first frame of the rebuild."""
    case = Case(app, logs, "mid-rebuild, fake page (transport abort)")
    session = app.create_session()
    seen = _track(session)
    ui = await build(session, n)
    page = LightPage(url, session_id=session.id, token=session.token, name="victim")
    page.abort_when = lambda p: p.rebuilding and p.rebuild_messages > 0
    await page.connect(timeout=20)
    await page.wait_for(lambda p: p.closed.is_set(), 30, "the abort")
    t_kill = mono()
    case.metrics.update(widgets=len(session.engine.tree.records),
                        rebuild_messages_answered=page.rebuild_messages,
                        rebuild_messages_total=_plan_size(session),
                        rebuilding_when_killed=page.rebuilding)
    case.checks.add("killed mid-rebuild", page.rebuilding and page.rebuild_messages
                    < case.metrics["rebuild_messages_total"],
                    f"{page.rebuild_messages}/{case.metrics['rebuild_messages_total']} "
                    "rebuild messages answered")
    await page.stop()
    await case.after_kill(session, seen[-1], t_kill)
    new = await case.rejoin(url, session, ui)
    await case.leave(new)
    await session.destroy()
    return case.result()


def _plan_size(session: Any) -> int:
    from pgwidgets_core.replay import replay_plan
    return len(replay_plan(session.engine.tree))


def _track(session: Any) -> list[weakref.ref[Any]]:
    """Weak references to the connections ``session`` gets from now on, in order (a
    page killed very early may be gone before anyone polled for it)."""
    seen: list[weakref.ref[Any]] = []
    orig = session._attach

    def attach(ws: Any, **kw: Any) -> Any:
        conn = orig(ws, **kw)
        seen.append(weakref.ref(conn))
        return conn
    session._attach = attach
    return seen


async def mid_upload(app: Application, logs: LogCapture, url: str) -> dict[str, Any]:
    """A page announces a 3-chunk upload, sends 2 chunks, and drops its connection."""
    case = Case(app, logs, "mid-upload, fake page (transport abort)")
    session = app.create_session()
    counts: dict[str, int] = {}
    ui = await build(session, 10, counts)
    drop = ui["drop"].wid

    async def upload(page: LightPage, chunks: int, size: int) -> None:
        await page.callback(drop, "drop-end", {
            "transfer_id": 1, "x": 5, "y": 5,
            "files": [{"name": "big.bin", "size": size, "type": "application/octet-stream",
                       "encoding": "bytes"}]})
        for c in range(chunks):
            await page.send({"type": "binary-chunk", "wid": drop, "transfer_id": 1,
                             "file_index": 0, "file_count": 1, "chunk_index": c,
                             "num_chunks": 3, "encoding": "binary"})
            await page.send_raw(bytes([c]) * CHUNK)

    page = LightPage(url, session_id=session.id, token=session.token, name="victim")
    await page.connect(timeout=20)
    await page.wait_for(lambda p: p.rebuilds_done >= 1, 30, "the rebuild")
    ref = weakref.ref(_conn_of(session))
    await upload(page, 2, 3 * CHUNK)
    got2 = await poll(lambda: counts.get("drop-progress", 0) >= 2, 10)
    transfers = {tid: {"chunks": sum(len(c) for c in t.chunks), "bytes": t.bytes}
                 for tid, t in ref().page.uploads.transfers.items()}
    case.metrics["open_transfer_before_kill"] = transfers
    case.checks.add("two chunks arrived before the kill", bool(got2) and bool(transfers),
                    transfers)
    page.abort()
    t_kill = mono()
    await page.stop()
    await case.after_kill(session, ref, t_kill)
    case.checks.add("the incomplete upload never reached its handler",
                    counts.get("drop-end", 0) == 0, dict(counts))
    new = await case.rejoin(url, session, ui)
    await upload(new, 3, 3 * CHUNK)
    done = await poll(lambda: counts.get("drop-end", 0) == 1, 10)
    files = ui["got"]["files"] or []
    data = files[0].get("data") if files and isinstance(files[0], dict) else None
    case.checks.add("a complete upload from the new page works", bool(done) and
                    data == b"\x00" * CHUNK + b"\x01" * CHUNK + b"\x02" * CHUNK,
                    f"{len(data) if data else None} bytes delivered")
    await case.leave(new)
    await session.destroy()
    return case.result()


async def mid_call(app: Application, logs: LogCapture, url: str) -> dict[str, Any]:
    """A query is pending (the page got it and does not answer); the page dies."""
    case = Case(app, logs, "mid-call, fake page (transport abort)")
    session = app.create_session()
    ui = await build(session, 10)
    page = LightPage(url, session_id=session.id, token=session.token, name="victim")
    await page.connect(timeout=20)
    await page.wait_for(lambda p: p.rebuilds_done >= 1, 30, "the rebuild")
    ref = weakref.ref(_conn_of(session))
    page.hold = True
    before = page.msgs_in
    query = asyncio.create_task(ui["box"].get_children())
    await page.wait_for(lambda p: p.msgs_in > before, 10, "the query")
    case.metrics["pending_before_kill"] = len(ref().page.pending)
    page.abort()
    t_kill = mono()
    try:
        value = await asyncio.wait_for(query, 10)
        case.metrics["query_returned_ms"] = round((mono() - t_kill) * 1000, 1)
        case.checks.add("the query in flight returned None promptly (< 1 s)",
                        value is None and case.metrics["query_returned_ms"] < 1000,
                        f"{value!r:.60} after {case.metrics['query_returned_ms']} ms")
    except Exception as exc:                          # noqa: BLE001 - reported
        case.checks.add("the query in flight returned None promptly (< 1 s)", False,
                        repr(exc))
    await page.stop()
    await case.after_kill(session, ref, t_kill)
    new = await case.rejoin(url, session, ui)
    await case.leave(new)
    await session.destroy()
    return case.result()


# ---- Chromium ---------------------------------------------------------------------------

class Chromium:
    """A headless Chromium in a process group of its own, opened on one URL."""

    def __init__(self, url: str, pidfile: str | None) -> None:
        self.url = url
        self.pidfile = pidfile
        self.proc: subprocess.Popen[bytes] | None = None
        # beside the pidfile: the parent removes that directory even if we are killed
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-",
                                        dir=Path(pidfile).parent if pidfile else None)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", *CHROMIUM_ARGS, self.url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if self.pidfile:
            with open(self.pidfile, "a") as f:
                f.write(f"{self.proc.pid}\n")

    def kill(self) -> None:
        """SIGKILL the whole process group (browser, renderer, network service)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


async def mid_rebuild_chromium(app: Application, logs: LogCapture, url: str, n: int,
                               pidfile: str | None) -> dict[str, Any]:
    """Chromium opens the session's URL; SIGKILL once its rebuild has begun to answer.
    Retried with twice the widgets (up to 4x) if the rebuild was over too soon."""
    case = Case(app, logs, "mid-rebuild, Chromium (SIGKILL)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        case.checks.add("Chromium available", False, CHROMIUM)
        return case.result()
    attempts = []
    for size in (n, 2 * n, 4 * n):
        session = app.create_session()
        seen = _track(session)
        ui = await build(session, size)
        total = _plan_size(session)
        browser = Chromium(session.url or "", pidfile)
        t_launch = mono()
        try:
            browser.start()
            if not await poll(lambda: seen, 60, 0.001):
                case.checks.add("Chromium connected", False, "no page within 60 s")
                return case.result()
            case.metrics["chromium_connect_s"] = round(mono() - t_launch, 2)
            ref = seen[-1]
            # the whole rebuild is queued at attach; kill once its first replies came
            state = {"peak": 0, "answered": 0, "rebuilding": False}

            def started() -> bool:
                c = ref()
                if c is None:
                    return True
                state["peak"] = max(state["peak"], len(c.page.pending))
                state["answered"] = state["peak"] - len(c.page.pending)
                state["rebuilding"] = c.rebuilding
                return state["answered"] > 0 or not c.rebuilding
            await poll(started, 30, 0.0005)
            browser.kill()
            t_kill = mono()
            started()
        finally:
            browser.cleanup()
        answered, rebuilding = state["answered"], state["rebuilding"]
        attempts.append({"widgets": size, "rebuild_messages": total,
                         "answered_at_kill": answered, "rebuilding_at_kill": rebuilding})
        if rebuilding:
            break
        await poll(lambda: not session._conns, 10)
        await session.destroy()
    case.metrics["attempts"] = attempts
    case.checks.add("killed mid-rebuild", rebuilding,
                    f"{answered}/{total} rebuild messages answered when killed")
    await case.after_kill(session, ref, t_kill)
    new = await case.rejoin(app_ws(app), session, ui)
    await case.leave(new)
    # and a real browser rejoins too: its rebuild completes and it answers a query
    browser = Chromium(session.url or "", pidfile)
    try:
        t0 = mono()
        browser.start()
        await poll(lambda: _conn_of(session), 60)
        done = await poll(lambda: session._conns and not session._conns[0].page.rebuilding, 60)
        case.metrics["chromium_rejoin_rebuild_s"] = round(mono() - t0, 2)
        got = await asyncio.wait_for(page_count(ui["box"]), 20) if done else None
        case.checks.add("a new Chromium page is rebuilt and answers a query",
                        got == ui["kids"], f"page children = {got}, expected {ui['kids']}")
    finally:
        browser.cleanup()
    freed = await poll(lambda: app._admission.used == 0, 10)
    case.checks.add("admission back to 0 after that Chromium was killed too", bool(freed),
                    f"used {app._admission.used}")
    await session.destroy()
    return case.result()


def app_ws(app: Application) -> str:
    return f"ws://127.0.0.1:{app.ws_port}"


async def run(widgets: int, chromium: bool, pidfile: str | None, deadline: float
              ) -> dict[str, Any]:
    """All cases; returns the scenario's result dict."""
    logs = LogCapture(keep_level=logging.WARNING).install(logging.DEBUG)
    app = Application(ws_port=0, http_port=0, max_sessions=1, call_timeout=10.0)
    await app.start()
    url = app_ws(app)
    cases: list[dict[str, Any]] = []
    plan: list[tuple[str, Callable[[], Any]]] = [
        ("mid-rebuild, fake page", lambda: mid_rebuild_fake(app, logs, url, widgets)),
        ("mid-upload, fake page", lambda: mid_upload(app, logs, url)),
        ("mid-call, fake page", lambda: mid_call(app, logs, url)),
    ]
    if chromium:
        plan.insert(1, ("mid-rebuild, Chromium",
                        lambda: mid_rebuild_chromium(app, logs, url, widgets, pidfile)))
    try:
        for name, make in plan:
            try:
                async with asyncio.timeout(max(30.0, deadline / len(plan))):
                    cases.append(await make())
            except Exception as exc:                # noqa: BLE001 - a failed case
                cases.append({"case": name, "ok": False, "checks": {
                    "completed": {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}},
                    "metrics": {}})
    finally:
        await app.close()
    ok = all(c["ok"] for c in cases)
    return {"scenario": "kill", "ok": ok, "cases": cases, "logs": logs.summary(),
            "log_examples": [f"{r.level} {r.logger}: {r.message[:160]}" for r in logs.kept
                             if r.level != "INFO"][:10],
            "python": sys.version.split()[0], "chromium": chromium and Path(CHROMIUM).exists()}
