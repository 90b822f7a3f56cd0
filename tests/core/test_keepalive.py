"""pgwidgets_core.keepalive: one timer pings every page socket, against fake sockets."""

from __future__ import annotations

import asyncio

import pytest
from websockets.protocol import State

from pgwidgets_core.keepalive import Keepalive

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(10)]


class Socket:
    """Counts pings; answers them at once unless ``mute``; records its close."""

    remote_address = ("127.0.0.1", 1)

    def __init__(self, mute: bool = False) -> None:
        self.mute = mute
        self.pings = 0
        self.state = State.OPEN
        self.closed_with: tuple[int, str] | None = None

    async def ping(self) -> asyncio.Future[float]:
        self.pings += 1
        pong = asyncio.get_running_loop().create_future()
        if not self.mute:
            pong.set_result(0.0)
        return pong

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed_with = (code, reason)
        self.state = State.CLOSED


async def until(cond) -> float:
    """Poll ``cond`` every 2 ms; the loop time when it holds."""
    loop = asyncio.get_running_loop()
    while not cond():
        await asyncio.sleep(0.002)
    return loop.time()


async def test_every_socket_is_pinged_each_interval_from_one_timer_and_no_task():
    ka = Keepalive(0.05, timeout=1.0)
    socks = [Socket() for _ in range(3)]
    before = len(asyncio.all_tasks())
    for s in socks:
        ka.watch(s)
    assert len(asyncio.all_tasks()) == before       # no task per socket
    await until(lambda: socks[0].pings == 2)
    assert [s.pings for s in socks] == [2, 2, 2]     # the same rounds
    assert all(s.closed_with is None for s in socks)
    ka.forget(socks[0])
    await asyncio.sleep(0.1)
    assert socks[0].pings == 2 and socks[1].pings >= 3
    for s in socks[1:]:
        ka.forget(s)
    assert len(ka) == 0


async def test_a_socket_without_a_pong_within_the_timeout_is_closed_1011():
    ka = Keepalive(0.05, timeout=0.2)
    quiet, fine = Socket(mute=True), Socket()
    ka.watch(quiet)
    ka.watch(fine)
    t_ping = await until(lambda: quiet.pings == 1)
    t_closed = await until(lambda: quiet.closed_with is not None)
    assert t_closed - t_ping >= 0.2 - 0.01
    assert quiet.pings == 1                          # not pinged again meanwhile
    assert quiet.closed_with == (1011, "keepalive ping timeout")
    assert fine.closed_with is None and fine.pings >= 4
    assert len(ka) == 1
    ka.forget(fine)


async def test_the_timeout_holds_when_it_is_shorter_than_the_interval():
    ka = Keepalive(1.0, timeout=0.1)
    quiet = Socket(mute=True)
    ka.watch(quiet)
    t_ping = await until(lambda: quiet.pings == 1)
    t_closed = await until(lambda: quiet.closed_with is not None)
    assert 0.1 - 0.01 <= t_closed - t_ping < 0.9     # its deadline, not the next tick
    assert quiet.closed_with == (1011, "keepalive ping timeout")
    assert len(ka) == 0


async def test_closed_sockets_are_dropped_and_no_interval_means_no_pings():
    ka = Keepalive(0.05)
    gone = Socket()
    ka.watch(gone)
    gone.state = State.CLOSED
    await asyncio.sleep(0.08)
    assert gone.pings == 0 and len(ka) == 0
    off = Keepalive(None)
    s = Socket()
    off.watch(s)
    await asyncio.sleep(0.05)
    assert s.pings == 0 and len(off) == 0
    off.watch(object())                              # an ASGI socket: nothing to ping
    assert len(off) == 0
