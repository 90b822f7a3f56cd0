"""Fuzz: thousands of generated frames from one page into its own session.

One Application runs in this process. Two fake pages connect, each to a session of
its own with the same UI (a window holding a button, slider, entry, label with a
drop handler, combo box, closable tabs, expander, text source, MDI area, timer), a
handler on every callback of every widget. The *fuzzed* page then sends the frames
of :mod:`bench.reliability.strategies` (messages over the inbound schema, garbage,
chunk headers and binary frames, uploads), about forty hand-written edge cases
(:func:`~bench.reliability.strategies.edge_cases`) spread among them, and two frames
of nested brackets just under the 16 MiB frame limit.

Frames go out in groups of :data:`GROUP` frames; after each group a query on the
fuzzed session (``get_children()``, answered by the fuzzed page) serves as a barrier:
when it answers, the server has read every frame before it. A group after which a
traceback was logged or the connection closed is replayed one step at a time to find
the step responsible, which becomes the finding's reproduction. A closed connection
is reopened (rejoining the session) and the storm goes on. Every :data:`OTHER_EVERY`
frames the *unrelated* session must answer a query correctly and run a handler for a
click of its page.

After the storm: the fuzzed connection must be open and answer a query, a new page
must be served, and two limit checks run on fresh connections: a frame over
``max_frame_size`` (close 1009 expected) and invalid UTF-8 in a text frame (close
1007 expected).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pgwidgets_core import Application

from .common import page_count, Checks, LogCapture, LogRecordInfo, mono, poll, rss_kib
from .page import LightPage, PageClosed
from .strategies import MIX, Frame, describe, edge_cases, generate, materialise

#: Frames sent between two barriers.
GROUP = 10
#: Frames between two checks of the unrelated session.
OTHER_EVERY = 100
#: Logged lines of the malformed-frame rate limit (application.py): 5 per connection
#: and 60 s window, then one summary line.
RATE_LIMIT = 5


@dataclass
class FuzzUI:
    """The widgets of one session that the checks use."""

    box: Any
    kids: list[int]
    button: Any
    roles: dict[str, int]
    handled: Counter[str] = field(default_factory=Counter)


async def build_ui(session: Any) -> FuzzUI:
    """The UI every session gets; a counting handler on every callback."""
    W = session.get_widgets()
    top = await W.TopLevel(title="fuzz", resizable=True)
    box = await W.VBox(spacing=2)
    btn = await W.Button("button")
    slider = await W.Slider(min=0, max=10, value=1)
    entry = await W.TextEntry("text")
    label = await W.Label("drop here")
    combo = await W.ComboBox()
    await combo.append_text("one")
    tabs = await W.TabWidget(closable=True)
    t1, t2 = await W.Label("tab 1"), await W.Label("tab 2")
    await tabs.add_widget(t1, {"title": "one"})
    await tabs.add_widget(t2, {"title": "two"})
    exp = await W.Expander(title="more")
    await exp.set_widget(await W.Label("inside"))
    src = await W.TextSource("source")
    mdi = await W.MDIWidget()
    await mdi.add_widget(await W.Label("sub"), {"title": "sub"})
    timer = await W.Timer(duration=60)
    kids = [btn, slider, entry, label, combo, tabs, exp, src, mdi]
    for w in kids:
        await box.add_widget(w, 0)
    await top.set_widget(box)
    await top.show()
    ui = FuzzUI(box, [w.wid for w in kids], btn, {
        "top": top.wid, "button": btn.wid, "drop": label.wid, "tabs": tabs.wid,
        "tab": t1.wid, "combo": combo.wid, "source": src.wid})

    def counter(action: str) -> Any:
        def handler(*args: Any, **kwargs: Any) -> None:
            ui.handled[action] += 1
        return handler
    for w in [top, box, *kids, t1, t2, timer]:
        for action in sorted(w.definition.callbacks):
            if w is tabs and action == "page-close":
                continue          # left to the library (it closes the tab by itself)
            await w.on(action, counter(action))
    return ui


def _signature(rec: LogRecordInfo) -> str:
    """Where a traceback comes from: exception type and innermost frame."""
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', rec.exc_text or "")
    where = ""
    if frames:
        path, line, func = frames[-1]
        where = f" at {path.split('/site-packages/')[-1].split('/work/main/')[-1]}:{line} in {func}"
    return f"{rec.exc_type}{where} (logged by {rec.logger})"


@dataclass
class Finding:
    """One distinct problem: what it is, how often, and a step that reproduces it."""

    signature: str
    count: int = 0
    closes: Counter[str] = field(default_factory=Counter)
    repro: list[str] | None = None
    repro_labels: list[str] | None = None
    message: str = ""


class Storm:
    """The fuzzed page, the unrelated page, and the bookkeeping of one run."""

    def __init__(self, app: Application, url: str, logs: LogCapture,
                 uis: dict[Any, FuzzUI]) -> None:
        self.app = app
        self.url = url
        self.logs = logs
        self.uis = uis
        self.page: LightPage | None = None
        self.other: LightPage | None = None
        self.sid: Any = None
        self.token: str | None = None
        self.findings: dict[str, Finding] = {}
        self.frames_sent = 0
        self.frames_replayed = 0
        self.bytes_sent = 0
        self.by_label: Counter[str] = Counter()
        self.reconnects = 0
        self.closes: Counter[str] = Counter()
        self.forged_barriers = 0
        self.other_checks = 0
        self.other_failures: list[str] = []
        self.other_worst_ms = 0.0
        self.barrier_failures: list[str] = []

    # ---- pages --------------------------------------------------------------------
    async def open(self) -> None:
        self.page = await self._join(LightPage(self.url, name="fuzzed"))
        self.sid, self.token = self.page.session_id, self.page.token
        self.other = await self._join(LightPage(self.url, name="unrelated"))

    async def _join(self, page: LightPage) -> LightPage:
        await page.connect(timeout=20)
        sid = page.session_id
        await page.wait_for(lambda p: sid in self.uis and (
            p.rebuilds_done or len(p.listened) > 10), 30, "the UI")
        return page

    @property
    def ui(self) -> FuzzUI:
        return self.uis[self.sid]

    async def reconnect(self, why: str) -> None:
        """The fuzzed page's connection closed: note it and rejoin the session."""
        assert self.page is not None
        await self.page.close()              # (just stops the reader if already closed)
        code = f"{self.page.close_code} {self.page.close_reason or ''}".strip()
        self.closes[code] += 1
        self.reconnects += 1
        page = LightPage(self.url, session_id=self.sid, token=self.token, name="fuzzed")
        await page.connect(timeout=20)
        await page.wait_for(lambda p: p.rebuilds_done >= 1, 30, "the rebuild after " + why)
        self.page = page

    # ---- sending ------------------------------------------------------------------
    async def send_step(self, step: list[Frame], replay: bool = False) -> bool:
        """Send a step's frames; False if the connection was found closed."""
        assert self.page is not None
        for frame in step:
            data, text = materialise(frame)
            try:
                await self.page.send_raw(data, text=text)
            except PageClosed:
                return False
            self.bytes_sent += len(data)
            if replay:
                self.frames_replayed += 1
            else:
                self.frames_sent += 1
                self.by_label[frame.label] += 1
        return not self.page.closed.is_set()

    async def barrier(self) -> bool:
        """A query on the fuzzed session, answered by the fuzzed page: once it is
        answered the server has read every frame sent before. False if the page is
        gone (or stopped answering)."""
        assert self.page is not None
        for _ in range(3):
            if self.page.closed.is_set():
                return False
            try:
                got = await asyncio.wait_for(page_count(self.ui.box), 15)
            except TimeoutError:
                self.barrier_failures.append("no answer within 15 s")
                return False
            except Exception as exc:                     # noqa: BLE001 - a forged error
                self.forged_barriers += 1
                self.barrier_failures.append(repr(exc)[:120])
                continue
            for _ in range(5):                           # let the handler tasks run
                await asyncio.sleep(0)
            if got == len(self.ui.kids):
                return True
            if got is None:
                await asyncio.sleep(0.05)                # the close is being noticed
                return not self.page.closed.is_set()
            self.forged_barriers += 1                    # a fuzzed reply answered it
        return False

    async def check_other(self) -> None:
        """The unrelated session answers a query and runs a handler."""
        assert self.other is not None
        t0 = mono()
        sid = self.other.session_id
        ui = self.uis[sid]
        self.other_checks += 1
        try:
            got = await asyncio.wait_for(page_count(ui.box), 10)
            if got != len(ui.kids):
                self.other_failures.append(f"page children = {got!r}")
            before = ui.handled["activated"]
            await self.other.callback(ui.button.wid, "activated")
            ok = await poll(lambda: ui.handled["activated"] > before, 10)
            if not ok:
                self.other_failures.append("click not handled within 10 s")
        except Exception as exc:                         # noqa: BLE001 - reported
            self.other_failures.append(repr(exc)[:200])
        self.other_worst_ms = max(self.other_worst_ms, (mono() - t0) * 1000)

    # ---- findings -----------------------------------------------------------------
    def _problems(self, since: float) -> list[tuple[str, LogRecordInfo | None]]:
        out: list[tuple[str, LogRecordInfo | None]] = [
            (_signature(r), r) for r in self.logs.since(since) if r.exc_type]
        return out

    def _note(self, problems: list[tuple[str, LogRecordInfo | None]], closed: str | None,
              step: list[Frame] | None) -> None:
        """Count ``problems`` (and the close, charged to the record of the failed
        connection handler, or to a finding of its own) under their signatures."""
        if closed and not any(r is not None and r.logger.startswith("websockets")
                              for _, r in problems):
            problems = problems + [(f"connection closed with {closed} (no traceback "
                                    f"from the connection handler)", None)]
        for sig, rec in problems:
            f = self.findings.setdefault(sig, Finding(sig))
            f.count += 1
            if rec is not None and not f.message:
                f.message = rec.message[:200]
                if rec.exc_text:
                    f.message += " | " + rec.exc_text.strip().splitlines()[-1][:200]
            if closed and (rec is None or rec.logger.startswith("websockets")):
                f.closes[closed] += 1
            if step is not None and f.repro is None:
                f.repro = [describe(fr) for fr in step]
                f.repro_labels = [fr.label for fr in step]

    async def run_group(self, group: list[list[Frame]]) -> None:
        """Send a group, barrier; on trouble, replay it step by step to attribute."""
        assert self.page is not None
        t0 = mono()
        for step in group:
            if not await self.send_step(step):
                break
        ok = await self.barrier()
        problems = self._problems(t0)
        closed = None if ok else self._closed_code()
        if not problems and closed is None:
            return
        known = problems and all(self.findings.get(s) and self.findings[s].repro
                                 for s, _ in problems)
        if known or len(group) == 1:
            self._note(problems, closed, group[0] if len(group) == 1 else None)
            if closed is not None:
                await self.reconnect("a closed connection")
            return
        if closed is not None:
            await self.reconnect("a closed connection")
        for step in group:                               # attribute, one step at a time
            t1 = mono()
            sent = await self.send_step(step, replay=True)
            ok = sent and await self.barrier()
            problems = self._problems(t1)
            closed = None if ok else self._closed_code()
            if problems or closed is not None:
                self._note(problems, closed, step)
            if closed is not None:
                await self.reconnect("a closed connection")

    def _closed_code(self) -> str:
        assert self.page is not None
        p = self.page
        return f"{p.close_code} {p.close_reason or ''}".strip() if p.closed.is_set() \
            else "no answer"


def near_limit_frames(limit: int) -> list[list[Frame]]:
    """Two frames of nested brackets just under ``limit`` bytes."""
    depth_list = (limit - 64) // 2
    depth_obj = (limit - 64) // 6                      # '{"a":' + '}' per level
    return [[Frame("nest", (depth_list, "[", None), "garbage:nest-near-limit")],
            [Frame("nest", (depth_obj, '{"a":', None), "garbage:nest-near-limit")]]


async def limit_checks(url: str, limit: int) -> dict[str, Any]:
    """A frame over the limit, and invalid UTF-8 in a text frame, on fresh pages."""
    out: dict[str, Any] = {}
    for name, data, text, want in [
            ("over_frame_limit", b"[" + b" " * limit + b"]", True, 1009),
            ("invalid_utf8_text_frame", b'{"type":"callback","wid":1,"x":"\xff\xfe"}', True,
             1007)]:
        page = LightPage(url, name=name)
        await page.connect(timeout=20)
        t0 = mono()
        try:
            await page.send_raw(data, text=text)
        except PageClosed:
            pass
        closed = bool(await poll(lambda: page.closed.is_set(), 10))
        await page.stop()
        out[name] = {"closed": closed, "code": page.close_code, "reason": page.close_reason,
                     "expected": want, "ok": closed and page.close_code == want,
                     "ms": round((mono() - t0) * 1000, 1)}
    return out


async def run(n_frames: int, seed: int, deadline: float) -> dict[str, Any]:
    """The whole scenario; returns its result dict."""
    logs = LogCapture(keep_level=logging.WARNING, keep_max=20000).install(logging.DEBUG)
    uis: dict[Any, FuzzUI] = {}
    app = Application(ws_port=0, http_port=0, max_sessions=None, call_timeout=10.0)
    limit = app.max_frame_size

    @app.on_connect
    async def setup(session: Any) -> None:
        uis[session.id] = await build_ui(session)

    checks = Checks()
    await app.start()
    url = f"ws://127.0.0.1:{app.ws_port}"
    storm = Storm(app, url, logs, uis)
    t_start = mono()
    gen_s = storm_s = 0.0
    state: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    try:
        async with asyncio.timeout(deadline):
            await storm.open()
            assert storm.page is not None
            session = app._sessions[storm.sid]
            targets = {w.wid: sorted(w.definition.callbacks) for w in session.walk_widget_tree()}
            t0 = time.monotonic()
            steps = await asyncio.to_thread(generate, n_frames, seed, targets)
            gen_s = time.monotonic() - t0
            # the hand-written edge cases, spread evenly; the near-limit frames at 1/3, 2/3
            edges = edge_cases(storm.ui.roles)
            for i, step in enumerate(edges):
                at = (i + 1) * len(steps) // (len(edges) + 1) + i
                steps.insert(at, step)
            big = near_limit_frames(limit)
            steps[len(steps) // 3:len(steps) // 3] = big[:1]
            steps[2 * len(steps) // 3:2 * len(steps) // 3] = big[1:]
            session = app._sessions[storm.sid]
            state["before"] = _state(session, rss_kib())
            t0 = time.monotonic()
            group: list[list[Frame]] = []
            in_group = 0
            next_other = OTHER_EVERY
            for step in steps:
                group.append(step)
                in_group += len(step)
                if in_group >= GROUP:
                    await storm.run_group(group)
                    group, in_group = [], 0
                if storm.frames_sent >= next_other:
                    next_other += OTHER_EVERY
                    await storm.check_other()
            if group:
                await storm.run_group(group)
            storm_s = time.monotonic() - t0
            final_ok = await storm.barrier()
            session = app._sessions[storm.sid]
            state["after"] = _state(session, rss_kib())
            checks.add("fuzzed connection never closed by the server", storm.reconnects == 0,
                       dict(storm.closes) or "no close")
            checks.add("fuzzed connection answers a query after the storm", final_ok,
                       storm.barrier_failures[-3:] or "answered")
            checks.add("unrelated session kept working (query + click every "
                       f"{OTHER_EVERY} frames)", not storm.other_failures,
                       f"{storm.other_checks} checks, {len(storm.other_failures)} failed, "
                       f"slowest {storm.other_worst_ms:.0f} ms"
                       + (f": {storm.other_failures[:3]}" if storm.other_failures else ""))
            fresh = LightPage(url, name="after")
            try:
                await fresh.connect(timeout=20)
                served = bool(await poll(lambda: len(fresh.listened) > 10, 20))
            except Exception:                              # noqa: BLE001 - reported
                served = False
            await fresh.close()
            checks.add("a new page is served after the storm", served)
            limits = await limit_checks(url, limit)
            for name, r in limits.items():
                checks.add(f"{name}: connection closed with {r['expected']}", r["ok"],
                           f"code {r['code']} {r['reason']!r}")
            await asyncio.sleep(0.5)            # late records (task GC, handlers)
    except TimeoutError:
        checks.add("finished within the deadline", False, f"{deadline} s")
    finally:
        for p in (storm.page, storm.other):
            if p is not None:
                await p.close()
        await app.close()

    tracebacks = logs.tracebacks
    bad_frame_logs = sum(1 for r in logs.kept if "ignored a malformed frame" in r.message)
    connections = 1 + storm.reconnects
    windows = 1 + int((mono() - t_start) // 60)
    checks.add("no traceback logged", tracebacks == 0,
               f"{tracebacks} records with a traceback, {len(storm.findings)} distinct")
    checks.add("malformed-frame warnings rate-limited",
               bad_frame_logs <= RATE_LIMIT * connections * windows + 2,
               f"{bad_frame_logs} warnings for {connections} connection(s) over "
               f"{windows} minute window(s)")
    findings = sorted(storm.findings.values(), key=lambda f: -f.count)
    return {
        "scenario": "fuzz", "ok": checks.ok, "checks": checks.items,
        "metrics": {
            "frames": storm.frames_sent, "frames_replayed": storm.frames_replayed,
            "bytes_sent": storm.bytes_sent, "by_label": dict(storm.by_label),
            "mix": MIX, "seed": seed, "generation_s": round(gen_s, 1),
            "storm_s": round(storm_s, 1),
            "frames_per_s": round(storm.frames_sent / storm_s, 1) if storm_s else None,
            "reconnects": storm.reconnects, "closes": dict(storm.closes),
            "forged_barrier_answers": storm.forged_barriers,
            "other_session_checks": storm.other_checks,
            "other_session_failures": storm.other_failures[:10],
            "other_session_slowest_ms": round(storm.other_worst_ms, 1),
            "handlers_run_fuzzed_session": dict(uis[storm.sid].handled) if storm.sid in uis
            else {},
            "state": state, "limits": limits,
        },
        "findings": [{"signature": f.signature, "count": f.count, "closes": dict(f.closes),
                      "message": f.message, "repro": f.repro, "repro_labels": f.repro_labels}
                     for f in findings],
        "logs": logs.summary(),
        "warnings_examples": [r.message for r in logs.kept if r.level == "WARNING"][:8],
        "errors_examples": [r.message for r in logs.kept
                            if r.level == "ERROR" and not r.exc_type][:8],
    }


def _state(session: Any, rss: int) -> dict[str, Any]:
    """What the fuzzed session and its connection hold (to spot growth)."""
    from pgwidgets_core import widget
    conns = session._conns
    c = conns[0] if conns else None
    return {"rss_kib": rss, "widgets": len(session.engine.tree.records),
            "records": len(session.engine.tree.records), "next_wid": session.engine.tree.next_wid,
            "pending": len(c.page.pending) if c else None,
            "upload_headers": len(c.page.upload_headers) if c else None,
            "open_uploads": len(c.page.uploads.transfers) if c else None,
            "generic_classes": widget._generic_class.cache_info().currsize}
