"""A fake pgwidgets-js page: an asyncio WebSocket client that speaks the remote protocol.

``FakeBrowser`` emulates ``RemoteInterface.js`` (pgwidgets-js 0.4.2) closely enough for fast
protocol tests of a server: the handshake, the page's wid registry and auto-id counter
(``Callback._registry`` / ``Callback._nextId``) with the exact ``_handleCreate`` arithmetic,
method dispatch checked against ``pgwidgets_js.defs``, factory methods, batches, listeners,
reconstruction, message arrays, binary transfers, close codes and auto-reconnect.  Widgets are
``FakeWidget`` records with a tiny state model; tests can plug in ``responders``.
"""
from __future__ import annotations

import asyncio
import base64
import json
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pgwidgets_js import defs
from websockets.asyncio.client import ClientConnection, connect as ws_connect
from websockets.exceptions import ConnectionClosed

__all__ = ["FakeBrowser", "FakeWidget", "FakeBrowserTimeout", "NULL", "CLASS_METHODS",
           "CREATABLE_CLASSES"]

Responder = Callable[["FakeWidget", list[Any]], Any]

_BASE_METHODS = {"callback": defs.CALLBACK_METHODS, "widget": defs.WIDGET_METHODS,
                 "container": defs.CONTAINER_METHODS}
# Methods every JS object derived from Callback really has (Callback.js).
_CALLBACK_JS = frozenset({"enable_callback", "has_callback", "add_callback", "remove_callback",
                          "clear_callback", "make_callback", "get_option"})
# classMap entries of Widgets.js that are not in defs: (base, own methods).
_EXTRA_CLASSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Callback": ("callback", ()), "Widget": ("widget", ()), "ContainerWidget": ("container", ()),
    "Text": ("widget", ("set_text", "get_text", "set_html", "clear")),
    "ComboBoxNative": ("widget", ("append_text", "clear", "set_index", "get_index",
                                  "insert_alpha", "delete_alpha", "set_text", "get_text",
                                  "get_alpha", "show_text")),
}


def _class_methods() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for name, spec in defs.WIDGETS.items():
        inherited = frozenset(_BASE_METHODS[spec["base"]]) | _CALLBACK_JS
        table[name] = frozenset(spec["methods"]) | inherited
    for name, (base, own) in _EXTRA_CLASSES.items():
        table[name] = frozenset(own) | frozenset(_BASE_METHODS[base]) | _CALLBACK_JS
    return table


#: Method names callable on each JS class (defs methods + inherited base methods).
CLASS_METHODS: dict[str, frozenset[str]] = _class_methods()
#: Class names accepted by ``create`` (MDISubWindow is in defs but not in the page's classMap).
CREATABLE_CLASSES: frozenset[str] = frozenset(CLASS_METHODS) - {"MDISubWindow"}


class _JsNull:
    def __repr__(self) -> str:
        return "NULL"


#: Sentinel a responder returns to reply with ``"value": null`` (Python None means "no value").
NULL: Any = _JsNull()
_UNDEFINED: Any = object()


class FakeBrowserTimeout(TimeoutError, AssertionError):
    """A FakeBrowser wait timed out; both an ``asyncio.TimeoutError`` and an ``AssertionError``."""


def _js_str(value: Any) -> str:
    """Format a JSON value the way JS string concatenation would (for error messages)."""
    if value is _UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(eq=False, repr=False)
class FakeWidget:
    """One entry of the fake page's widget registry.

    ``args`` are the constructor arguments as received (factory-made widgets: the factory
    call's resolved arguments); ``calls`` lists ``(method, raw_args)`` in order (binary calls
    as ``(method, [payload, *args])``); ``state`` is the tiny setter/getter model;
    ``listeners`` the actions listened on this widget; ``internal`` is True for widgets the
    page created itself (constructor sub-widgets, factory results).
    """

    wid: int
    cls: str
    args: list[Any] = field(default_factory=list)
    calls: list[tuple[str, list[Any]]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    listeners: set[str] = field(default_factory=set)
    internal: bool = False
    destroyed: bool = False

    def ref(self) -> dict[str, Any]:
        """The inbound reference form ``{"__wid__": N, "__class__": "Cls"}``."""
        return {"__wid__": self.wid, "__class__": self.cls}

    def calls_to(self, method: str) -> list[list[Any]]:
        """Argument lists of every recorded call of ``method``."""
        return [args for name, args in self.calls if name == method]

    def __repr__(self) -> str:
        return f"<FakeWidget {self.cls} wid={self.wid}{' internal' if self.internal else ''}>"


def _seed_state(cls: str, args: list[Any]) -> dict[str, Any]:
    """Initial state from constructor args (by defs arg name) and the options object."""
    spec = defs.WIDGETS.get(cls)
    if spec is None:
        return {}
    names = spec["args"]
    state = {name: value for name, value in zip(names, args) if value is not None}
    if len(args) > len(names) and isinstance(args[len(names)], dict):
        state.update((k, v) for k, v in args[len(names)].items()
                     if v is not None and k in (spec.get("options") or ()))
    return state


def _serialize(value: Any) -> Any:
    """``RemoteInterface._serializeValue``: widgets become refs carrying ``__class__``."""
    if isinstance(value, FakeWidget):
        return value.ref()
    if value is NULL:
        return None
    if isinstance(value, (list, tuple)):
        return [_serialize(v) for v in value]
    if isinstance(value, dict):
        return {k: _serialize(v) for k, v in value.items()}
    return value


class FakeBrowser:
    """Emulates the pgwidgets-js page over a real WebSocket connection (see module doc).

    Outbound frames produced while handling an inbound frame (replies, ``viewport``, emitted
    callbacks) are sent in order before the next inbound frame is read, unless replies are
    paused or ``reply_delay`` > 0, in which case they are queued (FIFO) and sent later.
    ``send_callback``/``send_raw`` bypass that queue.

    State for assertions: ``widgets`` (the registry, wid -> FakeWidget), ``next_id`` (the
    page's auto-id counter), ``listeners`` ({(wid, action)}), ``received`` (inbound messages,
    arrays flattened, binary frames as bytes), ``sent``, ``binary_calls``, ``fonts``,
    ``default_font``, ``opened_urls``, ``log`` (what the page would console.warn),
    ``connections`` (sockets opened), ``close_code``/``close_reason``/``rejected_reason``,
    ``closed``/``connected`` (events), ``session_id``/``token`` (stored credentials).
    """

    def __init__(self, url: str, origin: str | None = None, session_id: Any = None,
                 token: str | None = None, viewport: tuple[int, int] = (1280, 800),
                 reply_delay: float = 0.0, *, answer_init: bool = True,
                 auto_reconnect: bool = False, reconnect_delay: float = 0.05,
                 subwidgets: dict[str, int | Sequence[str]] | None = None,
                 timeout: float = 5.0) -> None:
        self.url, self.origin, self.viewport = url, origin, viewport
        self.session_id, self.token = session_id, token
        self.reply_delay, self.answer_init, self.timeout = reply_delay, answer_init, timeout
        self.auto_reconnect, self.reconnect_delay = auto_reconnect, reconnect_delay
        #: class -> extra auto ids consumed by its constructor (count, or sub-widget class names).
        self.subwidgets: dict[str, int | Sequence[str]] = dict(subwidgets or {})
        #: (class or "*", method) -> fn(widget, resolved_args) returning the value (or raising).
        self.responders: dict[tuple[str, str], Responder] = {}
        self.widgets: dict[Any, FakeWidget] = {}
        self.next_id = 1
        self.listeners: set[tuple[Any, str]] = set()
        self.reconstructing = False
        self.syncing = False
        self.received: list[Any] = []
        self.sent: list[Any] = []
        self.binary_calls: list[tuple[Any, str, bytes, list[Any]]] = []
        self.fonts: list[dict[str, Any]] = []
        self.default_font: Any = None
        self.opened_urls: list[Any] = []
        self.log: list[str] = []
        self.connections = 0
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self.rejected_reason: str | None = None
        self.closed = asyncio.Event()
        self.connected = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._runner: asyncio.Task[None] | None = None
        self._sender: asyncio.Task[None] | None = None
        self._outbox: deque[tuple[float, Any]] = deque()
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()
        self._paused = False
        self._user_closed = False
        self._collect: list[Any] | None = None
        self._conn_init = False
        self._conn_session_info = False
        self._pending_binary: deque[dict[str, Any]] = deque()
        self._transfers: dict[Any, dict[str, Any]] = {}
        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
            "init": self._h_init, "session-info": self._h_session_info,
            "reconstruct-start": self._h_reconstruct_start,
            "reconstruct-end": self._h_reconstruct_end, "create": self._h_create,
            "call": self._h_call, "batch": self._h_batch, "listen": self._h_listen,
            "unlisten": self._h_unlisten, "register-font": self._h_register_font,
            "set-default-font": self._h_set_default_font, "open-url": self._h_open_url,
        }

    # ------------------------------------------------------------------ connection
    async def connect(self, timeout: float | None = None) -> FakeBrowser:
        """Open the socket, start the reader and return once ``init`` was handled (acked
        unless ``answer_init`` is False or replies are paused).  Raises ``ConnectionError``
        if the socket closes first."""
        if self._runner is not None and not self._runner.done():
            raise RuntimeError("FakeBrowser is already connected")
        self._user_closed = False
        self.rejected_reason = None
        ws = await self._open(timeout)
        self._runner = asyncio.create_task(self._run(ws), name="FakeBrowser.reader")
        await self.wait_for(lambda fb: fb._conn_init or fb.closed.is_set(), timeout,
                            what="the server's init message")
        if not self._conn_init:
            raise ConnectionError(f"FakeBrowser: socket closed before init (code="
                                  f"{self.close_code}, reason={self.close_reason!r})")
        return self

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the socket (no reconnect) and stop the background tasks."""
        self._user_closed = True
        ws = self._ws
        if ws is not None:
            await ws.close(code, reason)
        if self._runner is not None:
            done, _ = await asyncio.wait({self._runner}, timeout=2.0)
            if not done:
                self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
            self._runner = None

    async def __aenter__(self) -> FakeBrowser:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _open(self, timeout: float | None = None) -> ClientConnection:
        ws = await ws_connect(self.url, origin=self.origin,  # type: ignore[arg-type]
                              max_size=None,
                              ping_interval=None, close_timeout=1.0,
                              open_timeout=timeout or self.timeout)
        self._ws = ws
        self.connections += 1
        self._conn_init = self._conn_session_info = False
        self.close_code = self.close_reason = None
        self.closed.clear()
        self.connected.set()
        self._outbox.clear()
        self._sender = asyncio.create_task(self._send_loop(ws), name="FakeBrowser.sender")
        self._notify()
        return ws

    async def _run(self, ws: ClientConnection) -> None:
        while True:
            try:
                async for frame in ws:
                    out = self._handle_frame(frame)
                    await self._deliver(ws, out)
                    self._notify()
            except ConnectionClosed:
                pass
            await self._on_closed(ws)
            code = self.close_code or 0
            if self._user_closed or not self.auto_reconnect or 4000 <= code < 5000:
                return
            reopened: ClientConnection | None = None
            while reopened is None:   # like the page: retry after every failed attempt
                await asyncio.sleep(self.reconnect_delay)
                if self._user_closed:
                    return
                try:
                    reopened = await self._open()
                except Exception as exc:  # noqa: BLE001 - keep retrying
                    self.log.append(f"reconnect failed: {exc!r}")
                    self._notify()
            ws = reopened

    async def _on_closed(self, ws: ClientConnection) -> None:
        try:
            await asyncio.wait_for(ws.wait_closed(), 2.0)
        except TimeoutError:
            pass
        if self._sender is not None:
            self._sender.cancel()
            await asyncio.gather(self._sender, return_exceptions=True)
            self._sender = None
        self._outbox.clear()
        self.close_code, self.close_reason = ws.close_code, ws.close_reason
        if self.close_code is not None and 4000 <= self.close_code < 5000:
            # Like the page: stop reconnecting and forget the stored credentials.
            self.rejected_reason = self.close_reason or "Connection rejected by server"
            self.session_id = self.token = None
        self._ws = None
        self.connected.clear()
        self.closed.set()
        self._notify()

    # ------------------------------------------------------------------ sending
    async def _send_now(self, ws: ClientConnection, obj: Any) -> None:
        data = obj if isinstance(obj, (bytes, str)) else json.dumps(obj, separators=(",", ":"))
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except ValueError:
                pass
        self.sent.append(obj)
        try:
            await ws.send(data)
        except ConnectionClosed:
            self.log.append(f"dropped outbound frame on closed socket: {str(data)[:120]}")

    async def _deliver(self, ws: ClientConnection, frames: list[Any]) -> None:
        for obj in frames:
            if not self._paused and self.reply_delay <= 0 and not self._outbox:
                await self._send_now(ws, obj)
            else:
                self._enqueue(obj)

    def _enqueue(self, obj: Any) -> None:
        self._outbox.append((asyncio.get_running_loop().time() + self.reply_delay, obj))
        self._wake.set()

    async def _send_loop(self, ws: ClientConnection) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            if self._outbox and not self._paused:
                due, obj = self._outbox[0]
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                    continue
                await self._send_now(ws, obj)
                self._outbox.popleft()     # pop after sending so direct sends cannot overtake
                continue
            await self._wake.wait()

    def pause_replies(self) -> None:
        """Hold every page-generated frame (inbound messages are still handled and recorded)."""
        self._paused = True

    def resume_replies(self) -> None:
        """Release held frames, in order."""
        self._paused = False
        self._wake.set()

    def _require_ws(self) -> ClientConnection:
        if self._ws is None:
            raise RuntimeError("FakeBrowser is not connected")
        return self._ws

    async def send_callback(self, wid: int | FakeWidget, action: str, *args: Any) -> None:
        """Send ``{"type":"callback",...}`` now (FakeWidget args become refs with __class__)."""
        wid = wid.wid if isinstance(wid, FakeWidget) else wid
        msg = {"type": "callback", "wid": wid, "action": action, "args": _serialize(list(args))}
        await self._send_now(self._require_ws(), msg)

    def emit_callback(self, wid: int | FakeWidget, action: str, *args: Any) -> bool:
        """Fire a callback the way the page's listen forwarder would: only if listened, not
        during a silent call, not while reconstructing (except ``map``).  Usable inside a
        responder (then it goes out before the reply).  Returns whether it was sent."""
        wid = wid.wid if isinstance(wid, FakeWidget) else wid
        if ((wid, action) not in self.listeners or self.syncing
                or (self.reconstructing and action != "map")
                or action in ("drop-progress", "progress")):
            return False
        msg = {"type": "callback", "wid": wid, "action": action, "args": _serialize(list(args))}
        if self._collect is not None:
            self._collect.append(msg)
        else:
            self._require_ws()
            self._enqueue(msg)
        return True

    async def send_raw(self, data: str | bytes) -> None:
        """Send a raw text or binary frame now."""
        await self._send_now(self._require_ws(), data)

    async def send_viewport(self, width: int, height: int) -> None:
        """Emulate a window resize: store and send ``viewport``."""
        self.viewport = (width, height)
        await self._send_now(self._require_ws(), {"type": "viewport", "width": width,
                                                  "height": height})

    # ------------------------------------------------------------------ waiting
    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_for(self, predicate: Callable[[FakeBrowser], Any], timeout: float | None = None,
                       *, what: str | None = None) -> Any:
        """Wait until ``predicate(fb)`` is truthy (re-checked after every inbound frame and
        connection change); return its value.  Raises ``FakeBrowserTimeout``."""
        limit = self.timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            event = self._changed
            result = predicate(self)
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise FakeBrowserTimeout(self._describe(what or repr(predicate), limit))
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass

    def _describe(self, what: str, limit: float) -> str:
        last = [json.dumps(m)[:200] if not isinstance(m, bytes) else f"<{len(m)} bytes>"
                for m in self.received[-5:]]
        return (f"FakeBrowser: timed out after {limit}s waiting for {what}; "
                f"connected={self.connected.is_set()} close_code={self.close_code} "
                f"rejected={self.rejected_reason!r}; last frames received "
                f"({len(self.received)} total): {last}")

    async def wait_session_info(self, timeout: float | None = None) -> tuple[Any, Any]:
        """Wait for ``session-info`` on the current connection; return ``(session_id, token)``."""
        await self.wait_for(lambda fb: fb._conn_session_info, timeout, what="session-info")
        return self.session_id, self.token

    async def wait_widget(self, cls: str | None = None,
                          predicate: Callable[[FakeWidget], Any] | None = None,
                          timeout: float | None = None) -> FakeWidget:
        """Wait for a registered widget matching ``cls`` and ``predicate``; return it."""
        def match(fb: FakeBrowser) -> FakeWidget | None:
            return next((w for w in fb.widgets.values() if (cls is None or w.cls == cls)
                         and (predicate is None or predicate(w))), None)
        what = f"a widget cls={cls} predicate={predicate}"
        return await self.wait_for(match, timeout, what=what)

    async def wait_received(self, match: str | Callable[[Any], Any],
                            timeout: float | None = None) -> Any:
        """Wait for an inbound message of type ``match`` (or satisfying it); return the first."""
        if isinstance(match, str):
            def pred(m: Any) -> bool:
                return isinstance(m, dict) and m.get("type") == match
        else:
            pred = match
        return await self.wait_for(lambda fb: next((m for m in fb.received if pred(m)), None),
                                   timeout, what=f"a received message matching {match!r}")

    async def wait_closed(self, timeout: float | None = None) -> None:
        """Wait until the socket is closed."""
        await self.wait_for(lambda fb: fb.closed.is_set(), timeout, what="the socket to close")

    def find(self, cls: str) -> list[FakeWidget]:
        """Registered widgets of class ``cls``, in registry order."""
        return [w for w in self.widgets.values() if w.cls == cls]

    # ------------------------------------------------------------------ inbound frames
    def _handle_frame(self, frame: str | bytes) -> list[Any]:
        """``RemoteInterface._onMessage``; returns the outbound frames, in order."""
        out: list[Any] = []
        self._collect = out
        try:
            if isinstance(frame, bytes):
                self.received.append(frame)
                self._on_binary(frame)
                return out
            try:
                msg = json.loads(frame)
            except ValueError:
                self.received.append(frame)
                self.log.append(f"invalid JSON: {frame[:120]}")
                return out
            if isinstance(msg, list):
                self.received.extend(msg)
                out.append([self._dispatch(m) for m in msg])   # dispatch may append first
                return out
            self.received.append(msg)
            mtype = msg.get("type") if isinstance(msg, dict) else None
            if mtype == "binary-call":
                self._pending_binary.append(msg)
            elif mtype == "binary-call-chunked":
                self._open_transfer(msg)
            elif mtype == "binary-chunk":
                encoding = msg.get("encoding") or "binary"
                if encoding == "binary":
                    self._pending_binary.append(msg)
                elif encoding == "base64":
                    self._chunk(msg, base64.b64decode(msg.get("data") or ""))
                else:
                    self.log.append(f"unknown binary-chunk encoding: {encoding}")
            else:
                reply = self._dispatch(msg)
                if reply is not None:
                    out.append(reply)
            return out
        finally:
            self._collect = None

    @staticmethod
    def _reply(msg: dict[str, Any], kind: str = "result", **extra: Any) -> dict[str, Any]:
        reply: dict[str, Any] = {"type": kind}
        if "id" in msg:
            reply["id"] = msg["id"]
        reply.update(extra)
        return reply

    def _error(self, msg: dict[str, Any], text: str) -> dict[str, Any]:
        return self._reply(msg, "error", error=text)

    def _dispatch(self, msg: Any) -> dict[str, Any] | None:
        if not isinstance(msg, dict):
            return {"type": "error", "error": "Unknown message type: undefined"}
        handler = self._handlers.get(msg.get("type"))  # type: ignore[arg-type]
        try:
            if handler is None:
                return self._error(msg, "Unknown message type: "
                                   + _js_str(msg.get("type", _UNDEFINED)))
            return handler(msg)
        except Exception as exc:  # noqa: BLE001 - the page replies with e.message
            return self._error(msg, str(exc))

    def _h_init(self, msg: dict[str, Any]) -> dict[str, Any] | None:
        reply = self._reply(msg)
        if self.session_id is not None and self.token is not None:
            reply.update(session_id=self.session_id, token=self.token)
        self.widgets.clear()
        self.next_id = 1
        self.listeners.clear()
        self._conn_init = True
        return reply if self.answer_init else None

    def _h_session_info(self, msg: dict[str, Any]) -> None:
        self.session_id, self.token = msg.get("session_id"), msg.get("token")
        self._conn_session_info = True
        assert self._collect is not None
        self._collect.append({"type": "viewport", "width": self.viewport[0],
                              "height": self.viewport[1]})

    def _h_reconstruct_start(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.reconstructing = True
        self.widgets.clear()
        if msg.get("next_wid") is not None:
            self.next_id = msg["next_wid"]
        self.listeners.clear()
        return self._reply(msg)

    def _h_reconstruct_end(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.reconstructing = False
        return self._reply(msg)

    def _h_register_font(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.fonts.append(msg)
        return self._reply(msg)

    def _h_set_default_font(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.default_font = msg.get("font")
        return self._reply(msg)

    def _h_open_url(self, msg: dict[str, Any]) -> dict[str, Any]:
        self.opened_urls.append(msg.get("url"))
        return self._reply(msg)

    # ------------------------------------------------------------------ registry
    def _alloc_id(self) -> int:
        """``Callback`` constructor: skip occupied slots, then ``wid = _nextId++``."""
        while self.next_id in self.widgets:
            self.next_id += 1
        wid = self.next_id
        self.next_id += 1
        return wid

    def _construct(self, cls: str, args: list[Any], internal: bool) -> FakeWidget:
        """Construct a widget with an auto id, then its constructor's sub-widgets."""
        widget = FakeWidget(self._alloc_id(), cls, list(args), internal=internal)
        widget.state.update(_seed_state(cls, self._resolve(args)))
        self.widgets[widget.wid] = widget
        extra = self.subwidgets.get(cls, 0)
        for sub_cls in (["Widget"] * extra if isinstance(extra, int) else list(extra)):
            sub = FakeWidget(self._alloc_id(), sub_cls, internal=True)
            self.widgets[sub.wid] = sub
        return widget

    def _resolve(self, value: Any) -> Any:
        """``RemoteInterface._resolveArgs`` (recursive; unknown refs raise)."""
        if isinstance(value, dict):
            if "__wid__" in value:
                widget = self.widgets.get(value["__wid__"])
                if widget is None:
                    raise LookupError("Unknown widget id: " + _js_str(value["__wid__"]))
                return widget
            return {k: self._resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value

    def _h_create(self, msg: dict[str, Any]) -> dict[str, Any]:
        cls = msg.get("class", _UNDEFINED)
        if cls not in CREATABLE_CLASSES:
            return self._error(msg, "Unknown widget class: " + _js_str(cls))
        raw_args = msg.get("args") or []
        self._resolve(raw_args)
        wid = msg.get("wid")
        displaced = self.widgets.get(wid) if wid is not None else None
        if wid is not None and self.next_id <= wid:
            self.next_id = wid + 1
        widget = self._construct(cls, raw_args, internal=False)
        if wid is not None:
            if widget.wid != wid:
                del self.widgets[widget.wid]
            if displaced is not None and displaced is not widget:
                self.log.append(f"[_handleCreate] wid={wid} ({cls}) displaced {displaced.cls}")
                new_wid = self.next_id
                self.next_id += 1
                displaced.wid = new_wid
                self.widgets[new_wid] = displaced
            widget.wid = wid
            self.listeners = {key for key in self.listeners if key[0] != wid}
            self.widgets[wid] = widget
        return self._reply(msg, wid=widget.wid, next_wid=self.next_id)

    # ------------------------------------------------------------------ calls
    def _h_call(self, msg: dict[str, Any]) -> dict[str, Any]:
        widget = self.widgets.get(msg.get("wid"))
        if widget is None:
            return self._error(msg, "Unknown widget id: " + _js_str(msg.get("wid", _UNDEFINED)))
        method = msg.get("method", _UNDEFINED)
        if not self._has_method(widget, method):
            return self._error(msg, f"Unknown method: {_js_str(method)} on {widget.cls}")
        raw_args = msg.get("args") or []
        args = self._resolve(raw_args)
        silent = bool(msg.get("silent"))
        if silent:
            self.syncing = True
        try:
            result = self._invoke(widget, method, raw_args, args)
        finally:   # (the JS leaves _syncing stuck when the method throws)
            if silent:
                self.syncing = False
        if result is None:
            return self._reply(msg)
        return self._reply(msg, value=_serialize(result))

    @staticmethod
    def _has_method(widget: FakeWidget, method: Any) -> bool:
        if not isinstance(method, str):
            return False
        known = CLASS_METHODS.get(widget.cls, CLASS_METHODS["Widget"])
        return method.startswith("_") or method in known

    def _invoke(self, widget: FakeWidget, method: str, raw_args: list[Any],
                args: list[Any]) -> Any:
        widget.calls.append((method, raw_args))
        responder = self.responders.get((widget.cls, method)) or self.responders.get(("*", method))
        if responder is not None:
            return responder(widget, args)
        factory = _FACTORIES.get((widget.cls, method))
        if factory is not None:
            return factory(self, widget, args)
        return self._state_model(widget, method, args)

    def _state_model(self, widget: FakeWidget, method: str, args: list[Any]) -> Any:
        state = widget.state
        if method == "destroy":
            widget.destroyed = True
            if self.widgets.get(widget.wid) is widget:
                del self.widgets[widget.wid]
        elif method in ("show", "hide"):
            state["visible"] = method == "show"
        elif method == "is_visible":
            return state.get("visible")
        elif method == "resize":
            state["size"] = tuple(args)
        elif method == "get_size":
            return state.get("size")
        elif method.startswith("set_") and args:
            state[method[4:]] = args[0] if len(args) == 1 else tuple(args)
        elif method.startswith("get_") and not args:
            return state.get(method[4:])
        return None

    def _spawn(self, cls: str, args: list[Any]) -> FakeWidget:
        return self._construct(cls, args, internal=True)

    def _h_batch(self, msg: dict[str, Any]) -> dict[str, Any]:
        errors = []
        for call in msg.get("calls") or []:
            reply = self._h_call({"type": "call", "wid": call.get("wid"),
                                  "method": call.get("method", _UNDEFINED),
                                  "args": call.get("args"), "silent": call.get("silent")})
            if reply.get("type") == "error":
                errors.append(reply["error"])
        return self._reply(msg, value={"errors": errors}) if errors else self._reply(msg)

    def _h_listen(self, msg: dict[str, Any]) -> dict[str, Any]:
        widget = self.widgets.get(msg.get("wid"))
        if widget is None:
            return self._error(msg, "Unknown widget id: " + _js_str(msg.get("wid", _UNDEFINED)))
        key = (msg["wid"], msg.get("action"))
        if key in self.listeners and not self.reconstructing:
            return self._reply(msg)
        self.listeners.add(key)
        widget.listeners.add(key[1])
        return self._reply(msg)

    def _h_unlisten(self, msg: dict[str, Any]) -> dict[str, Any]:
        widget = self.widgets.get(msg.get("wid"))
        if widget is None:
            return self._error(msg, "Unknown widget id: " + _js_str(msg.get("wid", _UNDEFINED)))
        self.listeners.discard((msg["wid"], msg.get("action")))
        widget.listeners.discard(msg.get("action"))
        return self._reply(msg)

    # ------------------------------------------------------------------ binary
    def _on_binary(self, data: bytes) -> None:
        header = self._pending_binary.popleft() if self._pending_binary else None
        if header is None:
            self.log.append("unexpected binary frame with no queued header")
        elif header.get("type") == "binary-chunk":
            self._chunk(header, data)
        else:
            self._binary_call(header.get("wid"), header.get("method"), data,
                              header.get("args") or [])

    def _open_transfer(self, msg: dict[str, Any]) -> None:
        if msg.get("transfer_id") in self._transfers:
            self.log.append(f"transfer_id {msg.get('transfer_id')} already open; overwriting")
        num = msg.get("num_chunks") or 0
        self._transfers[msg.get("transfer_id")] = {
            "wid": msg.get("wid"), "method": msg.get("method"), "args": msg.get("args") or [],
            "num": num, "chunks": [None] * num, "count": 0}

    def _chunk(self, header: dict[str, Any], payload: bytes) -> None:
        tid, idx = header.get("transfer_id"), header.get("chunk_index")
        transfer = self._transfers.get(tid)
        if transfer is None:
            self.log.append(f"binary-chunk for unknown transfer_id {tid}")
        elif not isinstance(idx, int) or not 0 <= idx < transfer["num"]:
            self.log.append(f"chunk_index {idx} out of range (num_chunks={transfer['num']})")
        elif transfer["chunks"][idx] is not None:
            self.log.append(f"duplicate chunk_index {idx}")
        else:
            transfer["chunks"][idx] = payload
            transfer["count"] += 1
            if transfer["count"] == transfer["num"]:
                del self._transfers[tid]
                self._binary_call(transfer["wid"], transfer["method"],
                                  b"".join(transfer["chunks"]), transfer["args"])

    def _binary_call(self, wid: Any, method: Any, payload: bytes, args: list[Any]) -> None:
        widget = self.widgets.get(wid)
        if widget is None:
            self.log.append(f"binary call for unknown wid {wid}")
        elif not self._has_method(widget, method):
            self.log.append(f"binary call: {method} is not a function on {widget.cls}")
        else:
            self.binary_calls.append((wid, method, payload, list(args)))
            widget.calls.append((method, [payload, *args]))


# ---------------------------------------------------------------------- factories
def _menubar_add_name(fb: FakeBrowser, w: FakeWidget, args: list[Any]) -> FakeWidget:
    return fb._spawn("Menu", [])


def _menu_add_name(fb: FakeBrowser, w: FakeWidget, args: list[Any]) -> FakeWidget:
    name = args[0] if args else None
    checkable = args[1] if len(args) > 1 else False
    return fb._spawn("MenuAction", [{"name": name, "checkable": checkable}])


def _menu_add_menu(fb: FakeBrowser, w: FakeWidget, args: list[Any]) -> Any:
    menu = args[1] if len(args) > 1 else None
    return fb._spawn("Menu", []) if menu is None else menu


def _toolbar_add_action(fb: FakeBrowser, w: FakeWidget, args: list[Any]) -> FakeWidget:
    options = args[0] if args else {}
    if isinstance(options, str):
        options = {"text": options}
    return fb._spawn("ToolBarAction", [options])


def _mdi_add_widget(fb: FakeBrowser, w: FakeWidget, args: list[Any]) -> FakeWidget:
    sub = fb._spawn("MDISubWindow", list(args))
    sub.state["child"] = args[0] if args else None
    return sub


_FACTORIES: dict[tuple[str, str], Callable[[FakeBrowser, FakeWidget, list[Any]], Any]] = {
    ("MenuBar", "add_name"): _menubar_add_name,
    ("Menu", "add_name"): _menu_add_name,
    ("Menu", "add_menu"): _menu_add_menu,
    ("ToolBar", "add_action"): _toolbar_add_action,
    ("MDIWidget", "add_widget"): _mdi_add_widget,
}
