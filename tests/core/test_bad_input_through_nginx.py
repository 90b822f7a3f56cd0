"""Bad input through real nginx (the one-process block of docs/deployment.md) gets the
same answer as sent straight to the application, the log names it, and a well-behaved
session connected through nginx at the same time goes on and sees none of it."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from fakebrowser import FakeBrowser
from nginxutil import doc_block, free_port, nginx
from pgwidgets_core import Application

pytestmark = pytest.mark.timeout(60)

MAX_FRAME = 64 * 1024
GOOD_TEXT = "good-session-only"        # must never reach a bad client
BAD_TEXT = "bad-session-only"          # must never reach the good page


@dataclass
class Setup:
    app: Application
    origin: str                        # the proxy's, in allowed_origins
    urls: dict[str, str]               # "direct" / "nginx" -> WebSocket URL
    good: FakeBrowser                  # a well-behaved page, through nginx
    session: Any                       # its session and widgets
    label: Any
    button: Any
    clicks: list[Any]                  # what its button's handler got
    bad: list[FakeBrowser]             # the bad clients (for the leak check)


@pytest.fixture
async def setup(tmp_path):
    public_port = free_port()
    origin = f"http://127.0.0.1:{public_port}"
    app = Application(http_port=0, ws_path="ws", max_sessions=None, allowed_origins=[origin],
                      max_frame_size=MAX_FRAME, call_timeout=5)
    await app.start()
    try:
        with nginx(doc_block("nginx, one process, under a path prefix"),
                   app_port=app.http_port, public_port=public_port, tmp=tmp_path):
            urls = {"direct": f"ws://127.0.0.1:{app.http_port}/ws",
                    "nginx": f"ws://127.0.0.1:{public_port}/myapp/ws"}
            good = FakeBrowser(urls["nginx"], origin=origin)
            await good.connect()
            sid, _ = await good.wait_session_info()
            W = app.sessions[sid].get_widgets()
            label, button = await W.Label(GOOD_TEXT), await W.Button("Go")
            clicks: list[Any] = []
            await button.on("activated", lambda: clicks.append("activated"))
            await app.sessions[sid].flush()
            s = Setup(app, origin, urls, good, app.sessions[sid], label, button, clicks, [])
            try:
                yield s
            finally:
                await asyncio.gather(good.close(), *(fb.close() for fb in s.bad))
    finally:
        await app.close()


async def bad_page(s: Setup, path: str) -> tuple[FakeBrowser, Any]:
    """A fresh page on ``path`` with a widget of its own; its server-side session."""
    fb = FakeBrowser(s.urls[path], origin=s.origin)
    s.bad.append(fb)
    await fb.connect()
    sid, _ = await fb.wait_session_info()
    session = s.app.sessions[sid]
    await session.get_widgets().Label(BAD_TEXT)
    await session.flush()
    return fb, session


async def still_served(fb: FakeBrowser, session: Any) -> tuple:
    """The page's connection is open and the session still reaches it."""
    [label] = [w for w in session.walk_widget_tree()]
    await label.set_text("still served")
    await session.flush()
    await fb.wait_for(lambda f: f.widgets[label.wid].state.get("text") == "still served", 5)
    return ("open", fb.close_code)


# Each case sends its bad input on ``path`` and returns what the client saw, in a form
# that does not depend on the path; ``expect`` is that outcome, ``logged`` what the
# application's log line must contain.

async def malformed_json(s: Setup, path: str) -> tuple:
    fb, session = await bad_page(s, path)
    await fb.send_raw('{"type": "callback", "wid": ')
    return await still_served(fb, session)


async def unknown_type(s: Setup, path: str) -> tuple:
    fb, session = await bad_page(s, path)
    await fb.send_raw('{"type": "nope", "id": 3}')
    return await still_served(fb, session)


async def unknown_widget(s: Setup, path: str) -> tuple:
    fb, session = await bad_page(s, path)
    await fb.send_raw('{"type": "callback", "wid": 987654, "action": "activated", "args": []}')
    return await still_served(fb, session)


async def oversized(s: Setup, path: str) -> tuple:
    fb, session = await bad_page(s, path)
    [label] = list(session.walk_widget_tree())
    frame = json.dumps({"type": "callback", "wid": label.wid, "action": "activated",
                        "args": ["x" * MAX_FRAME]})
    await fb.send_raw(frame)
    await fb.wait_closed(5)
    return ("closed", fb.close_code, fb.close_reason.replace(str(len(frame)), "N"))


async def unknown_session(s: Setup, path: str) -> tuple:
    presented = 9000 + len(path)          # one id per path: the first makes the session
    fb = FakeBrowser(s.urls[path], origin=s.origin, session_id=presented, token="guessed")
    s.bad.append(fb)
    await fb.connect()
    sid, token = await fb.wait_session_info()
    await asyncio.sleep(0.2)              # anything the server would send, sent
    widgets = [m for m in fb.received if isinstance(m, dict) and m.get("type") == "create"]
    return ("new session", sid == presented, token == "guessed", widgets)


async def wrong_token(s: Setup, path: str) -> tuple:
    fb = FakeBrowser(s.urls[path], origin=s.origin, session_id=s.good.session_id,
                     token="not-the-token")
    s.bad.append(fb)
    await fb.connect()
    await fb.wait_closed(5)
    return ("closed", fb.close_code, fb.close_reason,
            [m["type"] for m in fb.received if isinstance(m, dict)])


async def foreign_origin(s: Setup, path: str) -> tuple:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(s.urls[path], origin="http://evil.example", open_timeout=5):
            pass
    async with connect(s.urls[path], origin=s.origin, open_timeout=5) as ws:   # ours: in
        first = json.loads(await asyncio.wait_for(ws.recv(), 5))
    return ("refused", refused.value.response.status_code, first["type"])


CASES = {
    "malformed JSON": (malformed_json, ("open", None),
                       "ignored a malformed frame (invalid JSON"),
    "unknown message type": (unknown_type, ("open", None), "unknown message type 'nope'"),
    "unknown widget id": (unknown_widget, ("open", None),
                          "callback 'activated' for unknown widget id 987654"),
    "oversized frame": (oversized, ("closed", 1009, "frame with N bytes exceeds limit of "
                                    f"{MAX_FRAME} bytes"),
                        f"bytes exceeds limit of {MAX_FRAME} bytes; "
                        f"Application(max_frame_size={MAX_FRAME})"),
    "unknown session id": (unknown_session, ("new session", True, True, []),
                           "which this process does not hold: a new session"),
    "known session id, wrong token": (wrong_token, ("closed", 4001,
                                                    "Invalid session credentials", ["init"]),
                                      "wrong token"),
    "foreign origin": (foreign_origin, ("refused", 403, "init"),
                       "refused a WebSocket from origin 'http://evil.example'"),
}


async def logged_soon(caplog, text: str, path: str) -> None:
    """A line containing ``text`` is in the log, or is within 2 s (the server may log
    a close after the client saw it)."""
    for _ in range(100):
        lines = [r.getMessage() for r in caplog.records]
        if any(text in line for line in lines):
            return
        await asyncio.sleep(0.02)
    pytest.fail(f"{path}: no log line with {text!r} in {lines}")


async def good_page_goes_on(s: Setup, step: str) -> None:
    await s.label.set_text(f"{GOOD_TEXT} {step}")
    await s.session.flush()
    await s.good.wait_for(lambda f: f.widgets[s.label.wid].state.get("text")
                          == f"{GOOD_TEXT} {step}", 5)
    before = len(s.clicks)
    await s.good.send_callback(s.button.wid, "activated")
    for _ in range(100):
        if len(s.clicks) > before:
            break
        await asyncio.sleep(0.02)
    assert s.clicks == ["activated"] * (before + 1), f"the click after {step} was lost"
    assert s.good.connections == 1 and s.good.close_code is None


@pytest.mark.parametrize("case", CASES)
async def test_bad_input_gets_the_same_answer_through_nginx_and_leaks_nowhere(
        setup, caplog, case):
    probe, expected, logged = CASES[case]
    got = {}
    with caplog.at_level(logging.INFO, logger="pgwidgets_core"):
        for path in ("direct", "nginx"):
            caplog.clear()
            got[path] = await asyncio.wait_for(probe(setup, path), 20)
            await logged_soon(caplog, logged, path)
            await good_page_goes_on(setup, f"{case} {path}")
    assert got["direct"] == expected
    assert got["nginx"] == got["direct"]
    seen_by_good = json.dumps([m for m in setup.good.received if not isinstance(m, bytes)])
    assert GOOD_TEXT in seen_by_good                 # (the check below can fail)
    assert BAD_TEXT not in seen_by_good and "not-the-token" not in seen_by_good
    for fb in setup.bad:
        seen = json.dumps([m for m in fb.received if not isinstance(m, bytes)])
        assert GOOD_TEXT not in seen and setup.session.token not in seen
