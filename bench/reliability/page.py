"""A light fake pgwidgets-js page for load and fault runs.

:class:`LightPage` speaks the page side of the protocol (PROTOCOL.md §2-3) over a real
WebSocket with as little work per message as possible, so that a hundred of them fit
in one process: it answers every message that has an id the way pgwidgets-js does
(``create`` with ``wid``/``next_wid``, unknown types with ``Unknown message type``),
keeps just enough of the widget tree to answer ``num_children`` / ``get_children`` /
``get_text``, and records the ``listen`` messages so it knows which callbacks it may
send. It can also send anything at all (:meth:`send_raw`), stop answering
(:attr:`hold`), and drop its TCP connection without a closing handshake
(:meth:`abort`), which is what a killed browser looks like to the server.

``tests/fakebrowser.py`` is the faithful emulation used by the test suite; it keeps
every frame and re-parses what it sends, which is too slow for 100 pages and chokes
on the garbage the fuzzer sends.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

__all__ = ["LightPage", "PageClosed"]


class PageClosed(ConnectionError):
    """The page's socket is closed."""


_dumps = json.JSONEncoder(separators=(",", ":")).encode


class LightPage:
    """One fake page. ``await LightPage(url).connect()`` completes the handshake.

    Counters (``msgs_in``, ``msgs_out``, ``frames_in``, ``frames_out``) count
    protocol messages and WebSocket frames in each direction; array frames count one
    message per entry.
    """

    def __init__(self, url: str, *, session_id: Any = None, token: str | None = None,
                 origin: str | None = None, name: str = "page") -> None:
        self.url = url
        self.origin = origin
        self.name = name
        self.session_id = session_id
        self.token = token
        self.ws: ClientConnection | None = None
        self.widgets: dict[int, str] = {}            # wid -> class
        self.children: dict[int, list[int]] = {}     # container wid -> child wids
        self.texts: dict[int, Any] = {}              # wid -> last set_text argument
        self.listened: set[tuple[int, str]] = set()
        self.next_wid = 1
        self.rebuilding = False
        self.rebuilds_done = 0
        self.rebuild_messages = 0                    # messages seen during rebuilds
        self.session_info = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.close_reason: str | None = None
        #: True: read and count everything but answer nothing (a page that hangs).
        self.hold = False
        self.held: list[Any] = []
        #: Called after each inbound frame was handled and answered; a True return
        #: aborts the connection there (a browser killed at that point).
        self.abort_when: Callable[[LightPage], bool] | None = None
        #: Extra answers: method name -> fn(page, wid, args) giving the reply value.
        self.responders: dict[str, Callable[[LightPage, int, list[Any]], Any]] = {}
        self.msgs_in = self.msgs_out = self.frames_in = self.frames_out = 0
        self.unexpected: list[str] = []              # protocol surprises (for reports)
        self._binary_headers = 0                     # binary-call / chunk headers queued
        self._after_session_info = False             # send viewport after this frame
        self._changed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    # ---- connection ---------------------------------------------------------------
    async def connect(self, timeout: float = 10.0, *, wait_info: bool = True) -> LightPage:
        """Open the socket and (by default) wait for ``session-info``."""
        self.ws = await connect(self.url, origin=self.origin,  # type: ignore[arg-type]
                                max_size=None, ping_interval=None, close_timeout=2,
                                open_timeout=timeout)
        self._reader = asyncio.get_running_loop().create_task(
            self._read(self.ws), name=f"LightPage.reader {self.name}")
        if wait_info:
            await self.wait_for(lambda p: p.session_info.is_set() or p.closed.is_set(),
                                timeout, "session-info")
            if not self.session_info.is_set():
                raise PageClosed(f"{self.name}: closed before session-info "
                                 f"(code {self.close_code} {self.close_reason!r})")
        return self

    @property
    def open(self) -> bool:
        return self.ws is not None and not self.closed.is_set()

    def abort(self) -> None:
        """Drop the TCP connection at once, no closing handshake (a killed browser)."""
        ws = self.ws
        if ws is not None and ws.transport is not None:
            ws.transport.abort()

    async def close(self, code: int = 1000, timeout: float = 3.0) -> None:
        """Close cleanly (closing handshake) and stop the reader."""
        if self.ws is not None and not self.closed.is_set():
            try:
                await asyncio.wait_for(self.ws.close(code), timeout)
            except (TimeoutError, ConnectionClosed, OSError):
                self.abort()
        await self.stop()

    async def stop(self) -> None:
        """Stop the reader task (after the socket closed or was aborted)."""
        if self._reader is not None:
            done, _ = await asyncio.wait({self._reader}, timeout=3.0)
            if not done:
                self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    async def wait_for(self, predicate: Callable[[LightPage], Any], timeout: float,
                       what: str = "a condition") -> Any:
        """Wait until ``predicate(page)`` is truthy (checked after every frame);
        TimeoutError naming ``what`` otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            value = predicate(self)
            if value:
                return value
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"{self.name}: timed out after {timeout} s waiting "
                                   f"for {what}")
            try:
                await asyncio.wait_for(event.wait(), left)
            except TimeoutError:
                pass

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    # ---- sending ------------------------------------------------------------------
    async def send_raw(self, data: str | bytes, *, text: bool | None = None) -> None:
        """Send one frame as given (``text=True`` sends bytes as a text frame)."""
        if self.ws is None or self.closed.is_set():
            raise PageClosed(f"{self.name}: socket closed")
        try:
            await self.ws.send(data, text=text)
        except ConnectionClosed as exc:
            raise PageClosed(f"{self.name}: socket closed") from exc
        self.frames_out += 1

    async def send(self, msg: Any) -> None:
        """Send one message (JSON)."""
        await self.send_raw(_dumps(msg))
        self.msgs_out += len(msg) if isinstance(msg, list) else 1

    async def callback(self, wid: int, action: str, *args: Any) -> None:
        """Send a ``callback`` message, as a listened widget would."""
        await self.send({"type": "callback", "wid": wid, "action": action, "args": list(args)})

    # ---- receiving ----------------------------------------------------------------
    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for frame in ws:
                self.frames_in += 1
                out = self._frame(frame)
                if out is not None and not self.hold:
                    await ws.send(out)
                    self.frames_out += 1
                elif out is not None:
                    self.held.append(out)
                if self._after_session_info:
                    self._after_session_info = False
                    await ws.send(_dumps({"type": "viewport", "width": 1280, "height": 800}))
                    self.frames_out += 1
                    self.msgs_out += 1
                self._notify()
                if self.abort_when is not None and self.abort_when(self):
                    self.abort()
                    break
        except ConnectionClosed:
            pass
        except OSError as exc:                     # the abort above, seen by the reader
            self.unexpected.append(f"reader: {exc!r}")
        finally:
            self.close_code, self.close_reason = ws.close_code, ws.close_reason
            self.closed.set()
            self._notify()

    def _frame(self, frame: str | bytes) -> str | None:
        """Handle one inbound frame; the text of the reply frame, if any."""
        if isinstance(frame, bytes):
            if self._binary_headers:
                self._binary_headers -= 1
            else:
                self.unexpected.append("binary frame without a header")
            return None
        data = json.loads(frame)
        if isinstance(data, list):
            self.msgs_in += len(data)
            replies = [self._message(m) for m in data]
            if all(r is None for r in replies):
                return None
            self.msgs_out += sum(r is not None for r in replies)
            return _dumps(replies)
        self.msgs_in += 1
        reply = self._message(data)
        if reply is None:
            return None
        self.msgs_out += 1
        return _dumps(reply)

    def _message(self, m: Any) -> dict[str, Any] | None:
        if not isinstance(m, dict):
            return {"type": "error", "error": "Unknown message type: undefined"}
        kind = m.get("type")
        rid = m.get("id")
        if self.rebuilding:
            self.rebuild_messages += 1
        if kind == "call":
            return self._call(rid, m.get("wid"), m.get("method"), m.get("args") or [])
        if kind == "create":
            wid = m.get("wid")
            self.widgets[wid] = m.get("class")
            self.next_wid = max(self.next_wid, wid + 1)
            return {"type": "result", "id": rid, "wid": wid, "next_wid": self.next_wid}
        if kind in ("listen", "unlisten"):
            key = (m.get("wid"), m.get("action"))
            if m.get("wid") not in self.widgets:
                return _error(rid, f"Unknown widget id: {m.get('wid')}")
            (self.listened.add if kind == "listen" else self.listened.discard)(key)
            return {"type": "result", "id": rid}
        if kind == "init":
            self.widgets.clear()
            self.children.clear()
            self.listened.clear()
            self.next_wid = 1
            reply = {"type": "result", "id": 0}
            if self.session_id is not None and self.token is not None:
                reply.update(session_id=self.session_id, token=self.token)
            return reply
        if kind == "session-info":
            self.session_id, self.token = m.get("session_id"), m.get("token")
            self.session_info.set()
            self._after_session_info = True
            return None
        if kind == "reconstruct-start":
            self.rebuilding = True
            self.widgets.clear()
            self.children.clear()
            self.listened.clear()
            self.next_wid = m.get("next_wid") or 1
            return {"type": "result", "id": rid}
        if kind == "reconstruct-end":
            self.rebuilding = False
            self.rebuilds_done += 1
            return {"type": "result", "id": rid}
        if kind in ("binary-call", "binary-chunk"):
            if m.get("encoding", "binary") == "binary":
                self._binary_headers += 1
            return None
        if kind == "binary-call-chunked":
            return None
        if kind in ("batch", "register-font", "set-default-font", "open-url"):
            return {"type": "result", "id": rid}
        return _error(rid, f"Unknown message type: {kind}")

    def _call(self, rid: Any, wid: Any, method: Any, args: list[Any]) -> dict[str, Any]:
        if wid not in self.widgets:
            return _error(rid, f"Unknown widget id: {wid}")
        responder = self.responders.get(method)
        if responder is not None:
            return _result(rid, responder(self, wid, args))
        child = args[0].get("__wid__") if args and isinstance(args[0], dict) else None
        if method == "add_widget" and self.widgets[wid] == "MDIWidget" and child:
            sub = self.next_wid                  # the page makes the sub-window itself
            self.next_wid += 1
            self.widgets[sub] = "MDISubWindow"
            self.children.setdefault(wid, []).append(child)
            return _result(rid, {"__wid__": sub, "__class__": "MDISubWindow"})
        if method in ("add_widget", "append_widget", "add_child", "add_page") and child:
            self.children.setdefault(wid, []).append(child)
        elif method == "set_widget" and child:
            self.children[wid] = [child]
        elif method in ("remove", "remove_child", "close_widget") and child:
            kids = self.children.get(wid, [])
            if child in kids:
                kids.remove(child)
        elif method == "num_children":
            return _result(rid, len(self.children.get(wid, [])))
        elif method == "get_children":
            return _result(rid, [{"__wid__": c, "__class__": self.widgets.get(c)}
                                 for c in self.children.get(wid, [])])
        elif method == "set_text" and args:
            self.texts[wid] = args[0]
        elif method == "get_text":
            return _result(rid, self.texts.get(wid, ""))
        elif method == "destroy":
            self.widgets.pop(wid, None)
        return {"type": "result", "id": rid}


def _result(rid: Any, value: Any) -> dict[str, Any]:
    return {"type": "result", "id": rid, "value": value}


def _error(rid: Any, text: str) -> dict[str, Any]:
    return {"type": "error", "id": rid, "error": text}
