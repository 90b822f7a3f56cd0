"""Tests of tests/fakebrowser.py against a tiny scripted websockets server."""
from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

try:
    from tests.fakebrowser import NULL, FakeBrowser, FakeBrowserTimeout, FakeWidget
except ImportError:  # tests/ not importable as a package: fall back to its directory
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from fakebrowser import NULL, FakeBrowser, FakeBrowserTimeout, FakeWidget  # type: ignore

pytestmark = pytest.mark.timeout(10)
Page = tuple[ServerConnection, FakeBrowser]


class ScriptServer:
    """A websockets server handing each accepted connection to the test body."""

    def __init__(self) -> None:
        self.conns: asyncio.Queue[ServerConnection] = asyncio.Queue()
        self.url = ""

    async def __aenter__(self) -> ScriptServer:
        self._server = await serve(self._handler, "127.0.0.1", 0)
        port = next(iter(self._server.sockets)).getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _handler(self, ws: ServerConnection) -> None:
        await self.conns.put(ws)
        await ws.wait_closed()

    async def accept(self, timeout: float = 2.0) -> ServerConnection:
        return await asyncio.wait_for(self.conns.get(), timeout)


async def recv(ws: ServerConnection, timeout: float = 2.0) -> Any:
    raw = await asyncio.wait_for(ws.recv(), timeout)
    return json.loads(raw) if isinstance(raw, str) else raw


async def rpc(ws: ServerConnection, msg: Any) -> Any:
    await ws.send(json.dumps(msg))
    return await recv(ws)


async def no_frame(ws: ServerConnection, wait: float = 0.05) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(ws.recv(), wait)


@pytest.fixture
async def server() -> AsyncIterator[ScriptServer]:
    async with ScriptServer() as srv:
        yield srv


@pytest.fixture
async def make_fb(server: ScriptServer) -> AsyncIterator[Callable[..., FakeBrowser]]:
    made: list[FakeBrowser] = []

    def make(**kw: Any) -> FakeBrowser:
        fb = FakeBrowser(server.url, **kw)
        made.append(fb)
        return fb

    yield make
    for fb in made:
        await fb.close()


async def handshake(server: ScriptServer, fb: FakeBrowser, session_id: Any = 7,
                    token: str = "tok") -> tuple[ServerConnection, Any, Any]:
    """init → ack → session-info → viewport; returns (server ws, ack, viewport)."""
    connecting = asyncio.create_task(fb.connect())
    ws = await server.accept()
    await ws.send(json.dumps({"type": "init", "id": 0}))
    ack = await recv(ws)
    await connecting
    await ws.send(json.dumps({"type": "session-info", "session_id": session_id, "token": token}))
    viewport = await recv(ws)
    return ws, ack, viewport


@pytest.fixture
async def fake_page(server: ScriptServer, make_fb: Callable[..., FakeBrowser]
               ) -> Page:
    fb = make_fb()
    ws, _, _ = await handshake(server, fb)
    return ws, fb


def create(mid: int, wid: int | None, cls: str, *args: Any) -> dict[str, Any]:
    msg = {"type": "create", "id": mid, "class": cls, "args": list(args)}
    if wid is not None:
        msg["wid"] = wid
    return msg


def call(mid: int, wid: int, method: str, *args: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "call", "id": mid, "wid": wid, "method": method, "args": list(args), **extra}


# ---------------------------------------------------------------------------- handshake
async def test_handshake_ack_session_info_viewport(server: ScriptServer,
                                                   make_fb: Callable[..., FakeBrowser]) -> None:
    fb = make_fb(origin="http://127.0.0.1:9501")
    ws, ack, viewport = await handshake(server, fb)
    assert ws.request is not None and ws.request.headers["Origin"] == "http://127.0.0.1:9501"
    assert ack == {"type": "result", "id": 0}
    assert viewport == {"type": "viewport", "width": 1280, "height": 800}
    assert await fb.wait_session_info() == (7, "tok")
    assert fb.received == [{"type": "init", "id": 0},
                           {"type": "session-info", "session_id": 7, "token": "tok"}]
    assert fb.sent == [ack, viewport]
    assert fb.connected.is_set() and fb.connections == 1


async def test_ack_carries_only_complete_credentials(server: ScriptServer,
                                                     make_fb: Callable[..., FakeBrowser]) -> None:
    fb = make_fb(session_id=3, token="abc", viewport=(640, 480))
    _, ack, viewport = await handshake(server, fb)
    assert ack == {"type": "result", "id": 0, "session_id": 3, "token": "abc"}
    assert viewport == {"type": "viewport", "width": 640, "height": 480}
    _, ack2, _ = await handshake(server, make_fb(session_id=3))   # no token → no credentials
    assert ack2 == {"type": "result", "id": 0}


async def test_init_resets_registry_and_listeners(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "Button", "x"))
    await rpc(ws, {"type": "listen", "id": 2, "wid": 1, "action": "activated"})
    assert await rpc(ws, {"type": "init", "id": 0}) == {"type": "result", "id": 0,
                                                        "session_id": 7, "token": "tok"}
    assert fb.widgets == {} and fb.listeners == set() and fb.next_id == 1


# ---------------------------------------------------------------------------- create
async def test_create_wid_arithmetic_matches_js(fake_page: Page) -> None:
    ws, fb = fake_page
    assert await rpc(ws, create(1, 1, "VBox")) == {"type": "result", "id": 1, "wid": 1,
                                                   "next_wid": 3}
    assert await rpc(ws, create(2, 2, "Button", "OK")) == {"type": "result", "id": 2, "wid": 2,
                                                           "next_wid": 4}
    assert await rpc(ws, create(3, 10, "Label", "hi")) == {"type": "result", "id": 3, "wid": 10,
                                                           "next_wid": 12}
    # Without a wid the widget keeps its auto id.
    assert await rpc(ws, create(4, None, "Timer")) == {"type": "result", "id": 4, "wid": 12,
                                                       "next_wid": 13}
    assert [(w.wid, w.cls) for w in fb.widgets.values()] == [(1, "VBox"), (2, "Button"),
                                                            (10, "Label"), (12, "Timer")]
    assert fb.widgets[2].args == ["OK"] and fb.find("Label") == [fb.widgets[10]]


async def test_subwidget_hook_and_displacement(server: ScriptServer,
                                               make_fb: Callable[..., FakeBrowser]) -> None:
    fb = make_fb(subwidgets={"TreeView": ["ScrollBar", "ScrollBar"], "TableView": 1})
    ws, _, _ = await handshake(server, fb)
    # wid 3: bump to 4, TreeView takes auto 4 (then renumbered to 3), scrollbars take 5 and 6.
    assert (await rpc(ws, create(1, 3, "TreeView")))["next_wid"] == 7
    assert [(w.wid, w.cls, w.internal) for w in fb.widgets.values()] == [
        (5, "ScrollBar", True), (6, "ScrollBar", True), (3, "TreeView", False)]
    # A create onto wid 5 (held by an internal scrollbar) moves the scrollbar to a fresh id.
    scrollbar = fb.widgets[5]
    assert await rpc(ws, create(2, 5, "Button", "b")) == {"type": "result", "id": 2, "wid": 5,
                                                          "next_wid": 9}
    assert fb.widgets[8] is scrollbar and scrollbar.wid == 8 and fb.widgets[5].cls == "Button"
    assert (await rpc(ws, create(3, 20, "TableView")))["next_wid"] == 23


async def test_create_resolves_refs(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "VBox"))
    reply = await rpc(ws, create(2, 2, "Dialog", "T", [{"text": "OK", "w": {"__wid__": 1}}]))
    assert reply["wid"] == 2
    assert fb.widgets[2].args == ["T", [{"text": "OK", "w": {"__wid__": 1}}]]
    assert await rpc(ws, create(3, 3, "Dialog", "T", [[{"__wid__": 99}]])) == {
        "type": "error", "id": 3, "error": "Unknown widget id: 99"}
    assert fb.next_id == 4 and 3 not in fb.widgets


# ---------------------------------------------------------------------------- errors
async def test_error_strings_match_js(fake_page: Page) -> None:
    ws, fb = fake_page
    assert await rpc(ws, create(1, 1, "Nope")) == {
        "type": "error", "id": 1, "error": "Unknown widget class: Nope"}
    assert (await rpc(ws, create(2, 1, "MDISubWindow")))["error"] == \
        "Unknown widget class: MDISubWindow"
    for cls in ("Text", "ComboBoxNative", "Widget", "ContainerWidget", "Callback", "Timer"):
        assert (await rpc(ws, create(3, None, cls)))["type"] == "result"
    await rpc(ws, create(4, 100, "Button", "b"))
    assert await rpc(ws, call(5, 42, "show")) == {
        "type": "error", "id": 5, "error": "Unknown widget id: 42"}
    assert await rpc(ws, call(6, 100, "frobnicate")) == {
        "type": "error", "id": 6, "error": "Unknown method: frobnicate on Button"}
    for method in ("set_bg", "destroy", "_private", "set_text", "add_callback"):
        await rpc(ws, create(7, 101, "Button", "c"))
        assert await rpc(ws, call(8, 101, method, 1)) == {"type": "result", "id": 8}
    await rpc(ws, create(9, 102, "Timer"))
    assert (await rpc(ws, call(10, 102, "set_bg", "red")))["error"] == \
        "Unknown method: set_bg on Timer"
    assert (await rpc(ws, call(11, 100, "add_widget", {"__wid__": 5})))["error"] == \
        "Unknown method: add_widget on Button"
    await rpc(ws, create(12, 103, "VBox"))
    assert (await rpc(ws, call(13, 103, "add_widget", {"__wid__": 555})))["error"] == \
        "Unknown widget id: 555"
    for kind in ("listen", "unlisten"):
        assert await rpc(ws, {"type": kind, "id": 14, "wid": 77, "action": "resize"}) == {
            "type": "error", "id": 14, "error": "Unknown widget id: 77"}
    assert await rpc(ws, {"type": "bogus", "id": 15}) == {
        "type": "error", "id": 15, "error": "Unknown message type: bogus"}


# ---------------------------------------------------------------------------- calls
async def test_factories_return_refs_with_class(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "MenuBar"))                    # next_wid 3
    reply = await rpc(ws, call(2, 1, "add_name", "File"))
    assert reply == {"type": "result", "id": 2, "value": {"__wid__": 3, "__class__": "Menu"}}
    action = await rpc(ws, call(3, 3, "add_name", "Quit", True))
    assert action["value"] == {"__wid__": 4, "__class__": "MenuAction"}
    assert fb.widgets[4].args == [{"name": "Quit", "checkable": True}] and fb.widgets[4].internal
    assert (await rpc(ws, call(4, 3, "add_menu", "Recent", None)))["value"] == {
        "__wid__": 5, "__class__": "Menu"}
    assert (await rpc(ws, call(5, 3, "add_menu", "Again", {"__wid__": 5})))["value"] == {
        "__wid__": 5, "__class__": "Menu"}
    await rpc(ws, create(6, 6, "ToolBar"))
    assert (await rpc(ws, call(7, 6, "add_action", "Open")))["value"] == {
        "__wid__": 8, "__class__": "ToolBarAction"}
    assert fb.widgets[8].args == [{"text": "Open"}]
    await rpc(ws, create(8, 9, "MDIWidget"))
    await rpc(ws, create(9, 11, "Label", "inside"))
    sub = await rpc(ws, call(10, 9, "add_widget", {"__wid__": 11}, {"title": "W"}))
    assert sub["value"] == {"__wid__": 13, "__class__": "MDISubWindow"}
    assert (await rpc(ws, call(11, 13, "get_child")))["value"] == {
        "__wid__": 11, "__class__": "Label"}
    assert fb.widgets[1].calls == [("add_name", ["File"])]


async def test_state_model_and_responders(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "TextEntry", None, {"password": True, "junk": 1}))
    assert fb.widgets[1].state == {"password": True}            # seeded from args/options
    del fb.widgets[1].state["password"]
    assert await rpc(ws, call(2, 1, "get_text")) == {"type": "result", "id": 2}
    await rpc(ws, call(3, 1, "set_text", "hello"))
    await rpc(ws, call(4, 1, "set_expanding", True, False))
    assert (await rpc(ws, call(5, 1, "get_text")))["value"] == "hello"
    assert (await rpc(ws, call(6, 1, "get_expanding")))["value"] == [True, False]
    assert fb.widgets[1].state == {"text": "hello", "expanding": (True, False)}
    assert fb.widgets[1].calls_to("set_text") == [["hello"]]

    seen: list[Any] = []
    fb.responders[("TextEntry", "get_text")] = lambda w, args: "from responder"
    fb.responders[("*", "is_container")] = lambda w, args: False
    fb.responders[("TextEntry", "set_font")] = lambda w, args: seen.append(args)
    fb.responders[("TextEntry", "get_tooltip")] = lambda w, args: NULL

    def boom(w: FakeWidget, args: list[Any]) -> Any:
        raise ValueError("no such font")

    fb.responders[("TextEntry", "set_enabled")] = boom
    assert (await rpc(ws, call(7, 1, "get_text")))["value"] == "from responder"
    assert (await rpc(ws, call(8, 1, "is_container")))["value"] is False
    await rpc(ws, create(9, 2, "VBox"))
    assert await rpc(ws, call(10, 1, "set_font", {"__wid__": 2})) == {"type": "result", "id": 10}
    assert seen == [[fb.widgets[2]]] and fb.widgets[1].calls[-1] == ("set_font", [{"__wid__": 2}])
    assert await rpc(ws, call(11, 1, "get_tooltip")) == {"type": "result", "id": 11, "value": None}
    assert await rpc(ws, call(12, 1, "set_enabled", True)) == {
        "type": "error", "id": 12, "error": "no such font"}
    assert await rpc(ws, call(13, 1, "destroy")) == {"type": "result", "id": 13}
    assert 1 not in fb.widgets
    assert (await rpc(ws, call(14, 1, "get_text")))["error"] == "Unknown widget id: 1"


async def test_batch_collects_errors(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "Label", "a"))
    calls = [{"wid": 1, "method": "set_text", "args": ["b"]},
             {"wid": 9, "method": "set_text", "args": ["c"]},
             {"wid": 1, "method": "nope", "args": []},
             {"wid": 1, "method": "set_halign", "args": ["left"]}]
    assert await rpc(ws, {"type": "batch", "id": 2, "calls": calls}) == {
        "type": "result", "id": 2,
        "value": {"errors": ["Unknown widget id: 9", "Unknown method: nope on Label"]}}
    assert fb.widgets[1].state == {"text": "b", "halign": "left"}
    assert await rpc(ws, {"type": "batch", "id": 3, "calls": calls[:1]}) == {
        "type": "result", "id": 3}
    # An unresolvable argument throws inside _handleCall: the JS aborts the whole batch.
    bad = [{"wid": 1, "method": "set_text", "args": [{"__wid__": 50}]}, calls[0]]
    assert await rpc(ws, {"type": "batch", "id": 4, "calls": bad}) == {
        "type": "error", "id": 4, "error": "Unknown widget id: 50"}


async def test_array_replies_in_order_with_nulls(fake_page: Page) -> None:
    ws, fb = fake_page
    batch = [create(1, 1, "Button", "x"), call(2, 1, "set_text", "y"),
             {"type": "session-info", "session_id": 8, "token": "t2"}, call(3, 1, "get_text"),
             {"type": "binary-call", "id": 4, "wid": 1, "method": "x"}, call(5, 9, "show")]
    await ws.send(json.dumps(batch))
    assert await recv(ws) == {"type": "viewport", "width": 1280, "height": 800}
    assert await recv(ws) == [
        {"type": "result", "id": 1, "wid": 1, "next_wid": 3},
        {"type": "result", "id": 2},
        None,
        {"type": "result", "id": 3, "value": "y"},
        {"type": "error", "id": 4, "error": "Unknown message type: binary-call"},
        {"type": "error", "id": 5, "error": "Unknown widget id: 9"}]
    assert fb.received[-6:] == batch and (fb.session_id, fb.token) == (8, "t2")


# ---------------------------------------------------------------------------- listeners
async def test_listen_and_callbacks(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "Button", "b"))
    await rpc(ws, create(2, 2, "TabWidget"))
    for action in ("activated", "page-switch"):
        assert (await rpc(ws, {"type": "listen", "id": 3, "wid": 1, "action": action}))["type"] \
            == "result"
    assert fb.listeners == {(1, "activated"), (1, "page-switch")}
    assert fb.widgets[1].listeners == {"activated", "page-switch"}
    await fb.send_callback(fb.widgets[2], "page-switch", fb.widgets[1], 0, {"w": fb.widgets[1]})
    assert await recv(ws) == {"type": "callback", "wid": 2, "action": "page-switch", "args": [
        {"__wid__": 1, "__class__": "Button"}, 0, {"w": {"__wid__": 1, "__class__": "Button"}}]}

    # A responder emitting a callback: sent before the reply, suppressed by silent calls.
    def set_text(w: FakeWidget, args: list[Any]) -> None:
        fb.emit_callback(w, "activated", args[0])

    fb.responders[("Button", "set_text")] = set_text
    await ws.send(json.dumps(call(4, 1, "set_text", True)))
    assert await recv(ws) == {"type": "callback", "wid": 1, "action": "activated", "args": [True]}
    assert await recv(ws) == {"type": "result", "id": 4}
    assert await rpc(ws, call(5, 1, "set_text", False, silent=True)) == {"type": "result", "id": 5}
    assert fb.emit_callback(1, "activated", "outside a call")
    assert (await recv(ws))["args"] == ["outside a call"]
    await rpc(ws, {"type": "unlisten", "id": 6, "wid": 1, "action": "activated"})
    assert not fb.emit_callback(1, "activated", 1) and fb.listeners == {(1, "page-switch")}


async def test_reconstruct_start_sets_next_id(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "VBox"))
    await rpc(ws, {"type": "listen", "id": 2, "wid": 1, "action": "resize"})
    assert await rpc(ws, {"type": "reconstruct-start", "id": 3, "next_wid": 50}) == {
        "type": "result", "id": 3}
    assert fb.reconstructing and fb.widgets == {} and fb.listeners == set() and fb.next_id == 50
    assert (await rpc(ws, call(4, 1, "show")))["error"] == "Unknown widget id: 1"
    assert await rpc(ws, create(5, 1, "VBox")) == {"type": "result", "id": 5, "wid": 1,
                                                   "next_wid": 51}
    for action in ("resize", "map"):
        await rpc(ws, {"type": "listen", "id": 6, "wid": 1, "action": action})
    assert not fb.emit_callback(1, "resize", {"width": 1, "height": 2})
    assert fb.emit_callback(1, "map", {})
    assert (await recv(ws))["action"] == "map"
    assert await rpc(ws, {"type": "reconstruct-end", "id": 7}) == {"type": "result", "id": 7}
    assert not fb.reconstructing and fb.emit_callback(1, "resize", {"width": 1, "height": 2})
    assert (await recv(ws))["action"] == "resize"


async def test_fonts_default_font_open_url(fake_page: Page) -> None:
    ws, fb = fake_page
    font = {"type": "register-font", "id": 1, "family": "F", "weight": "bold", "style": "normal",
            "url": "/_pgwidgets/font/1"}
    assert await rpc(ws, font) == {"type": "result", "id": 1}
    assert await rpc(ws, {"type": "set-default-font", "id": 2, "font": {"family": "F"}}) == {
        "type": "result", "id": 2}
    assert await rpc(ws, {"type": "open-url", "id": 3, "url": "http://x"}) == {
        "type": "result", "id": 3}
    assert fb.fonts == [font] and fb.default_font == {"family": "F"}
    assert fb.opened_urls == ["http://x"]


# ---------------------------------------------------------------------------- binary
async def test_binary_frames(fake_page: Page) -> None:
    ws, fb = fake_page
    await rpc(ws, create(1, 1, "Image"))
    await ws.send(b"orphan")                                   # no header: dropped
    await ws.send(json.dumps({"type": "binary-call", "id": 2, "wid": 1,
                              "method": "set_binary_image", "args": ["image/png"]}))
    await ws.send(b"\x89PNG")
    await ws.send(json.dumps({"type": "binary-call-chunked", "id": 3, "wid": 1,
                              "method": "set_binary_image", "args": ["image/jpeg"],
                              "transfer_id": 4, "num_chunks": 3}))
    await ws.send(json.dumps({"type": "binary-chunk", "transfer_id": 4, "chunk_index": 2,
                              "num_chunks": 3, "encoding": "base64",
                              "data": base64.b64encode(b"CC").decode()}))
    await ws.send(json.dumps({"type": "binary-chunk", "transfer_id": 4, "chunk_index": 0,
                              "num_chunks": 3}))
    await ws.send(b"AA")
    await ws.send(json.dumps({"type": "binary-chunk", "transfer_id": 4, "chunk_index": 1,
                              "num_chunks": 3, "encoding": "binary"}))
    await ws.send(b"BB")
    await fb.wait_for(lambda f: len(f.binary_calls) == 2)
    assert fb.binary_calls == [(1, "set_binary_image", b"\x89PNG", ["image/png"]),
                               (1, "set_binary_image", b"AABBCC", ["image/jpeg"])]
    assert fb.widgets[1].calls_to("set_binary_image")[0] == [b"\x89PNG", "image/png"]
    assert fb.log == ["unexpected binary frame with no queued header"]
    await no_frame(ws)                                          # binary messages get no reply


# ---------------------------------------------------------------------------- close codes
async def test_reconnect_presents_credentials(server: ScriptServer,
                                              make_fb: Callable[..., FakeBrowser]) -> None:
    fb = make_fb(auto_reconnect=True, reconnect_delay=0.01)
    ws, ack, _ = await handshake(server, fb, session_id=7, token="tok")
    assert ack == {"type": "result", "id": 0}
    await ws.close(1001, "restart")
    ws2 = await server.accept()
    await ws2.send(json.dumps({"type": "init", "id": 0}))
    assert await recv(ws2) == {"type": "result", "id": 0, "session_id": 7, "token": "tok"}
    assert fb.connections == 2 and fb.rejected_reason is None
    await ws2.send(json.dumps({"type": "session-info", "session_id": 7, "token": "tok"}))
    assert (await recv(ws2))["type"] == "viewport"
    assert await fb.wait_session_info() == (7, "tok")


async def test_4001_close_is_rejection_without_reconnect(
        server: ScriptServer, make_fb: Callable[..., FakeBrowser]) -> None:
    fb = make_fb(session_id=5, token="bad", auto_reconnect=True, reconnect_delay=0.01)
    connecting = asyncio.create_task(fb.connect())
    ws = await server.accept()
    await ws.send(json.dumps({"type": "init", "id": 0}))
    assert (await recv(ws))["session_id"] == 5
    await connecting
    await ws.close(4001, "Invalid session credentials")
    await fb.wait_closed()
    assert fb.close_code == 4001 and fb.rejected_reason == "Invalid session credentials"
    assert (fb.session_id, fb.token) == (None, None)
    await asyncio.sleep(0.05)
    assert server.conns.empty() and fb.connections == 1


async def test_client_close_and_connect_failure(server: ScriptServer,
                                                make_fb: Callable[..., FakeBrowser]) -> None:
    browser = make_fb()
    connecting = asyncio.create_task(browser.connect())
    ws2 = await server.accept()
    await ws2.close(1000)
    with pytest.raises(ConnectionError, match="closed before init"):
        await connecting
    assert browser.closed.is_set() and browser.close_code == 1000
    first = make_fb()
    ws3, _, _ = await handshake(server, first)
    await first.close(4000, "bye")
    await ws3.wait_closed()
    assert ws3.close_code == 4000 and first.closed.is_set()


# ---------------------------------------------------------------------------- test controls
async def test_pause_resume_and_reply_delay(server: ScriptServer,
                                            make_fb: Callable[..., FakeBrowser]) -> None:
    fb = make_fb()
    ws, _, _ = await handshake(server, fb)
    fb.pause_replies()
    await ws.send(json.dumps(create(1, 1, "Label", "a")))
    await ws.send(json.dumps(call(2, 1, "get_text")))
    await fb.wait_for(lambda f: len(f.received) == 4)
    assert 1 in fb.widgets                         # handled and recorded, reply held
    await no_frame(ws)
    fb.resume_replies()
    assert (await recv(ws))["id"] == 1 and (await recv(ws))["value"] == "a"

    fb.reply_delay = 0.05
    start = time.monotonic()
    assert (await rpc(ws, call(3, 1, "get_text")))["id"] == 3
    assert time.monotonic() - start >= 0.04


async def test_answer_init_false_and_timeout_message(server: ScriptServer,
                                                     make_fb: Callable[..., FakeBrowser]) -> None:
    fb = make_fb(answer_init=False)
    connecting = asyncio.create_task(fb.connect())
    ws = await server.accept()
    await ws.send(json.dumps({"type": "init", "id": 0}))
    await connecting
    await no_frame(ws)
    with pytest.raises(FakeBrowserTimeout, match="session-info.*init") as info:
        await fb.wait_session_info(timeout=0.05)
    assert isinstance(info.value, asyncio.TimeoutError) and isinstance(info.value, AssertionError)
    with pytest.raises(AssertionError, match="a widget cls=Button"):
        await fb.wait_widget("Button", timeout=0.02)
    await ws.send(json.dumps(create(1, 4, "Button", "late")))
    assert (await fb.wait_widget("Button")).wid == 4
    assert (await fb.wait_received("create"))["class"] == "Button"
