"""A page's WebSocket whose messages go straight to the session, as they arrive.

websockets' asyncio connection queues each message it parses (its ``Assembler``) and
hands it to whoever awaits ``recv()`` at the loop's next turn. A page's clicks then
wait for a turn of every other session's work before anything runs. A
:class:`PageConnection` (what :meth:`Site.serve` asks websockets to make) delivers a
whole message to the callback given to :meth:`PageConnection.deliver` from
``data_received`` itself, in the turn its bytes were read: no queue, no reader, no hop.

Until ``deliver`` is called (the handshake with the page, its admission), messages
are held in order and ``recv()`` returns them, so ``greet`` reads the page's init
reply as from any socket. Pings, pongs, the close handshake and every limit stay
websockets'. Everything here runs on the event loop thread.
"""

from __future__ import annotations

import codecs
import logging
from typing import Any, Callable

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode, Frame, Opcode

__all__ = ["PageConnection", "pump"]

_log = logging.getLogger("pgwidgets_core")
_TEXT, _BINARY, _CONT = Opcode.TEXT, Opcode.BINARY, Opcode.CONT


class PageConnection(ServerConnection):
    """websockets' server connection, its data messages taken as they arrive."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._target: Callable[[str | bytes], None] | None = None
        self._held: list[str | bytes] = []           # before deliver(), in order
        self._arrived: Any = None                    # recv()'s future while it waits
        self._parts: list[Any] | None = None         # a fragmented message so far
        self._text = False                           # ... and whether it is text
        self._failing: Any = None                    # the close task after bad UTF-8

    def deliver(self, target: Callable[[str | bytes], None]) -> None:
        """From now on every message goes to ``target(message)`` as it arrives (what
        was held first, in order). An exception it raises is logged, and the page
        stays connected."""
        held, self._held = self._held, []
        self._target = target
        for message in held:
            self._hand(message)

    async def recv(self, decode: bool | None = None) -> str | bytes:   # type: ignore[override]
        """The next message held (before :meth:`deliver`): for the page handshake."""
        if self._target is not None:
            raise RuntimeError("PageConnection.recv: messages go to deliver()'s target")
        while not self._held:
            if self.connection_lost_waiter.done():
                raise self.close_exc
            self._arrived = self.loop.create_future()
            try:
                await self._arrived
            finally:
                self._arrived = None
        return self._held.pop(0)

    # ---- websockets' side ---------------------------------------------------------
    def process_event(self, event: Any) -> None:
        if self.request is None or type(event) is not Frame:
            super().process_event(event)               # the handshake request
            return
        op = event.opcode
        if op is _TEXT or op is _BINARY:
            if event.fin:
                self._message(op is _TEXT, [event.data])
            else:
                self._parts, self._text = [event.data], op is _TEXT
        elif op is _CONT and self._parts is not None:
            self._parts.append(event.data)
            if event.fin:
                parts, self._parts = self._parts, None
                self._message(self._text, parts)
        else:
            super().process_event(event)               # pings, pongs, close

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._wake()

    # ---- ours ---------------------------------------------------------------------
    def _message(self, text: bool, parts: list[Any]) -> None:
        if self._failing is not None:
            return                                     # closing: nothing more is taken
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        if text:
            try:
                message: str | bytes = codecs.decode(data, "utf-8")
            except UnicodeDecodeError as exc:      # RFC 6455 8.1: close with 1007
                _log.warning("pgwidgets: %s sent a text message that is not UTF-8 (%s at "
                             "byte %d): closed with 1007", self.remote_address, exc.reason,
                             exc.start)
                self._failing = self.loop.create_task(self.close(
                    CloseCode.INVALID_DATA, f"{exc.reason} at position {exc.start}"))
                return
        else:
            message = bytes(data)
        if self._target is None:
            self._held.append(message)
            self._wake()
        else:
            self._hand(message)

    def _hand(self, message: str | bytes) -> None:
        _take(self._target, message, self)             # type: ignore[arg-type]

    def _wake(self) -> None:
        fut = self._arrived
        if fut is not None and not fut.done():
            fut.set_result(None)


async def pump(ws: Any, take: Callable[[str | bytes], None]) -> ConnectionClosed:
    """Hand every message ``ws`` receives to ``take``, until the page leaves; returns
    how the connection closed. A :class:`PageConnection` calls ``take`` as its bytes
    arrive; any other socket (an ASGI server's) is read with ``recv()``. An exception
    from ``take`` is logged: nothing a page sends ends its connection."""
    deliver = getattr(ws, "deliver", None)
    if deliver is not None:
        deliver(take)
        await ws.wait_closed()
        return ws.close_exc                            # type: ignore[no-any-return]
    recv = ws.recv
    while True:
        try:
            data = await recv()
        except ConnectionClosed as exc:
            return exc
        _take(take, data, ws)
        del data                                       # (an idle page's last frame is not kept)


def _take(take: Callable[[str | bytes], None], message: str | bytes, ws: Any) -> None:
    # nothing a page sends ends its connection: a handler's failure is logged
    try:
        take(message)
    except Exception:
        _log.exception("pgwidgets: a message from %s was not handled",
                       getattr(ws, "remote_address", "?"))
