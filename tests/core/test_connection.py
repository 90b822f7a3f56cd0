"""pgwidgets_core.connection: the write queue, against a recording socket."""

from __future__ import annotations

import asyncio

import pytest

from pgwidgets_core.connection import Connection, Writers
from pgwidgets_core.pages import Call, Pending
from pgwidgets_core.protocol import Solo

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(10)]


class Socket:
    """Records what is written; ``hold`` makes a send wait (a full socket buffer)."""

    def __init__(self) -> None:
        self.frames: list[str | bytes] = []
        self.hold: asyncio.Event | None = None

    async def send(self, frame: str | bytes) -> None:
        self.frames.append(frame)           # written before any suspension, like websockets
        if self.hold is not None:
            await self.hold.wait()


async def idle_connection() -> tuple[Connection, Socket, set]:
    ws, writers = Socket(), Writers()
    conn = Connection(ws, writers)
    conn.start()
    await asyncio.sleep(0)
    return conn, ws, writers.dirty


def waited(fut) -> Pending:
    return Pending(fut, Call(None, "query"))


async def test_write_now_sends_the_queued_burst_at_once_as_one_array():
    conn, ws, dirty = await idle_connection()
    for i in range(3):
        conn.page.enqueue(f'{{"n":{i}}}')
    assert dirty == {conn} and ws.frames == []
    conn.write_now()                        # no await: written within this call
    assert ws.frames == ['[{"n":0},{"n":1},{"n":2}]']
    await asyncio.sleep(0.01)
    assert ws.frames == ['[{"n":0},{"n":1},{"n":2}]']   # the next turn sends nothing twice


async def test_write_now_keeps_binary_frames_and_solo_messages_in_order():
    conn, ws, _ = await idle_connection()
    conn.page.enqueue('{"a":1}')
    conn.page.enqueue(Solo('{"binary-call":1}'))
    conn.page.enqueue(b"\x00\x01")
    conn.page.enqueue('{"b":2}')
    conn.page.enqueue('{"c":3}')
    conn.write_now()
    assert ws.frames == ['{"a":1}', '{"binary-call":1}', b"\x00\x01", '[{"b":2},{"c":3}]']


async def test_a_waiting_socket_gets_the_rest_after_that_write_in_order():
    conn, ws, _ = await idle_connection()
    ws.hold = asyncio.Event()
    conn.page.enqueue('{"a":1}')
    conn.page.enqueue(b"\x02")
    conn.page.enqueue('{"b":2}')
    conn.write_now()                        # the first write waits: nothing else goes yet
    assert ws.frames == ['{"a":1}']
    ws.hold.set()
    for _ in range(20):
        await asyncio.sleep(0)
    assert ws.frames == ['{"a":1}', b"\x02", '{"b":2}']


async def test_a_waited_message_with_nothing_before_it_is_written_at_once():
    conn, ws, dirty = await idle_connection()
    fut = asyncio.get_running_loop().create_future()
    conn.page.enqueue('{"q":1}', 7, waited(fut), urgent=True)
    assert ws.frames == ['{"q":1}'] and not dirty
    conn.page.enqueue('{"s":1}')                 # queued behind it, for the next turn
    conn.page.enqueue('{"q":2}', 8, waited(fut), urgent=True)   # not ahead of {"s":1}
    assert ws.frames == ['{"q":1}']
    await asyncio.sleep(0.01)
    assert ws.frames == ['{"q":1}', '[{"s":1},{"q":2}]']


async def test_an_idle_connection_keeps_no_task_and_writes_at_the_next_turn():
    before = len(asyncio.all_tasks())
    conn, ws, dirty = await idle_connection()
    assert len(asyncio.all_tasks()) == before     # no writer task while nothing waits
    conn.page.enqueue('{"a":1}')                  # nobody calls write_all
    assert ws.frames == [] and dirty == {conn}
    await asyncio.sleep(0)
    assert ws.frames == ['{"a":1}'] and not dirty
    ws.hold = asyncio.Event()
    conn.page.enqueue('{"b":2}', urgent=True)     # this write waits: one task drains it
    assert len(asyncio.all_tasks()) == before + 1
    ws.hold.set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert len(asyncio.all_tasks()) == before and ws.frames == ['{"a":1}', '{"b":2}']
