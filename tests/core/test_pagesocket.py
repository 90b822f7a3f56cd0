"""pgwidgets_core.pagesocket against a real websockets server and client: messages are
handed over from ``data_received`` (no task, no queue), whole, in order, and whatever
was held before ``deliver`` comes first; bad UTF-8 closes with 1007; a failing handler
is logged and the page stays."""

import asyncio
import logging

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from pgwidgets_core.pagesocket import PageConnection, pump

pytestmark = pytest.mark.timeout(20)


class Server:
    """A websockets server whose handler reads one message with ``recv()`` (as the
    page handshake does), waits for ``go``, then pumps the rest into ``got``."""

    def __init__(self, direct: bool = True, fail_on: str | None = None) -> None:
        self.direct, self.fail_on = direct, fail_on
        self.got: list[tuple[str | bytes, bool]] = []     # (message, in a task?)
        self.first: list[str | bytes] = []
        self.go = asyncio.Event()
        self.closed: list[ConnectionClosed] = []
        self.arrived = asyncio.Event()
        self.pumping = asyncio.Event()    # set in the step that calls deliver()

    def take(self, message: str | bytes) -> None:
        if message == self.fail_on:
            raise ValueError("the handler failed")
        self.got.append((message, asyncio.current_task() is not None))
        self.arrived.set()

    async def handler(self, ws) -> None:
        self.first.append(await ws.recv())
        await self.go.wait()
        self.pumping.set()
        self.closed.append(await pump(ws, self.take))

    async def __aenter__(self):
        opts = {"create_connection": PageConnection} if self.direct else {}
        self._server = await serve(self.handler, "127.0.0.1", 0, **opts)
        self.url = f"ws://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def until(self, n: int) -> None:
        while len(self.got) < n:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), 5)


async def test_messages_are_handed_over_as_they_arrive_not_from_a_task():
    async with Server() as srv, connect(srv.url) as ws:
        await ws.send("init reply")
        srv.go.set()
        await srv.pumping.wait()
        await ws.send("one")
        await ws.send(b"\x00two")
        await srv.until(2)
    assert srv.first == ["init reply"]
    assert srv.got == [("one", False), (b"\x00two", False)]


async def test_a_plain_socket_is_read_with_recv_in_its_task():
    # the fallback (an ASGI server's socket): the same messages, read by the handler task
    async with Server(direct=False) as srv, connect(srv.url) as ws:
        await ws.send("init reply")
        srv.go.set()
        await ws.send("one")
        await srv.until(1)
    assert srv.got == [("one", True)]


async def test_what_arrives_before_deliver_is_held_and_comes_first_in_order():
    async with Server() as srv, connect(srv.url) as ws:
        for m in ("init reply", "a", "b", "c"):
            await ws.send(m)
        await asyncio.sleep(0.2)                 # all four arrived; three wait for deliver
        assert srv.got == []
        srv.go.set()
        await ws.send("d")
        await srv.until(4)
    assert [m for m, _ in srv.got] == ["a", "b", "c", "d"]


async def test_a_fragmented_message_is_handed_over_whole():
    async with Server() as srv, connect(srv.url) as ws:
        await ws.send("init reply")
        srv.go.set()
        await ws.send(["frag", "mented ", "é"])        # one text message in three frames
        await ws.send([b"bi", b"nary"])
        await ws.send("after")
        await srv.until(3)
    assert [m for m, _ in srv.got] == ["fragmented é", b"binary", "after"]


async def test_a_text_message_that_is_not_utf8_closes_with_1007(caplog):
    caplog.set_level(logging.WARNING, "pgwidgets_core")
    async with Server() as srv, connect(srv.url) as ws:
        await ws.send("init reply")
        srv.go.set()
        await ws.send("fine")
        ws.protocol.send_text(b"bad \xff\xfe")   # a text frame websockets would not send
        ws.send_data()
        await ws.send("never taken")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 1007
    assert [m for m, _ in srv.got] == ["fine"]
    assert srv.closed[0].sent.code == 1007
    assert any("not UTF-8" in r.getMessage() for r in caplog.records)


async def test_a_handler_that_fails_is_logged_and_the_page_stays(caplog):
    caplog.set_level(logging.ERROR, "pgwidgets_core")
    async with Server(fail_on="boom") as srv, connect(srv.url) as ws:
        await ws.send("init reply")
        srv.go.set()
        await ws.send("boom")
        await ws.send("next")
        await srv.until(1)
        await ws.close(1000)
    assert [m for m, _ in srv.got] == ["next"]
    assert any("was not handled" in r.getMessage() and r.exc_info for r in caplog.records)
    assert srv.closed[0].rcvd.code == 1000


async def test_recv_after_the_page_left_raises_connection_closed():
    raised = []

    async def handler(ws):
        await ws.recv()
        try:
            await ws.recv()
        except ConnectionClosed as exc:
            raised.append(exc)
    async with serve(handler, "127.0.0.1", 0, create_connection=PageConnection) as server:
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with connect(url) as ws:
            await ws.send("init reply")
        for _ in range(100):
            if raised:
                break
            await asyncio.sleep(0.05)
    assert raised and raised[0].rcvd.code == 1000
