"""Releases: answers handed to their waiters in order, a bounded number per loop turn,
so that the loop reads its sockets between bursts of the woken tasks' work."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from pgwidgets_core import releases
from pgwidgets_core.releases import Releases

pytestmark = pytest.mark.timeout(30)


async def _turn() -> None:
    await asyncio.sleep(0)


async def test_an_idle_loop_hands_an_answer_over_at_once() -> None:
    rel = Releases()
    fut = asyncio.get_running_loop().create_future()
    rel.answer(fut, 42)
    assert fut.done() and fut.result() == 42
    err = asyncio.get_running_loop().create_future()
    rel.fail(err, KeyError("x"))
    assert isinstance(err.exception(), KeyError)


async def test_beyond_the_allowance_answers_wait_for_the_next_turns_in_order() -> None:
    loop = asyncio.get_running_loop()
    rel = Releases()
    rel.allowance = rel._left = 3
    futs = [loop.create_future() for _ in range(8)]
    order: list[int] = []
    for i, f in enumerate(futs):
        f.add_done_callback(lambda f, i=i: order.append(i))
    for i, f in enumerate(futs):
        if i == 5:
            rel.fail(f, ValueError("five"))
        else:
            rel.answer(f, i)
    assert [f.done() for f in futs] == [True] * 3 + [False] * 5
    assert rel.waiting == 5
    for _ in range(10):
        if rel.waiting == 0:
            break
        await _turn()
    assert rel.waiting == 0
    await _turn()
    assert order == list(range(8))
    assert [f.result() for i, f in enumerate(futs) if i != 5] == [0, 1, 2, 3, 4, 6, 7]
    with pytest.raises(ValueError, match="five"):
        futs[5].result()


async def test_a_waiter_cancelled_while_queued_is_skipped() -> None:
    loop = asyncio.get_running_loop()
    rel = Releases()
    rel.allowance = rel._left = 1
    a, b, c = (loop.create_future() for _ in range(3))
    for f in (a, b, c):
        rel.answer(f, "v")
    b.cancel()
    for _ in range(5):
        await _turn()
    assert a.result() == "v" and b.cancelled() and c.result() == "v"


async def test_the_allowance_follows_how_long_the_turns_take() -> None:
    loop = asyncio.get_running_loop()
    rel = Releases(target=0.005)

    async def busy_waiter(ms: float) -> None:
        fut = loop.create_future()
        pending.append(fut)
        await fut
        end = time.perf_counter() + ms / 1e3       # the work a woken task does
        while time.perf_counter() < end:
            pass

    pending: list[asyncio.Future[None]] = []
    tasks = [asyncio.ensure_future(busy_waiter(1.0)) for _ in range(120)]
    await _turn()
    for f in pending:
        rel.answer(f, None)
    await asyncio.gather(*tasks)
    assert rel.allowance < releases.FIRST      # 1 ms of work each: ~5 per 5 ms turn
    low = rel.allowance
    pending.clear()
    tasks = [asyncio.ensure_future(busy_waiter(0.0)) for _ in range(3000)]
    await _turn()
    for f in pending:
        rel.answer(f, None)
    await asyncio.gather(*tasks)
    assert rel.allowance > low                 # no work: it grows back


async def test_the_loop_reads_a_socket_between_bursts_of_woken_tasks() -> None:
    """A page's frame that arrives while 200 answered tasks each have 1 ms of work is
    read after a few of them, not after all 200 (what a click under load waits for)."""
    loop = asyncio.get_running_loop()
    rel = Releases(target=0.005)
    done = 0
    seen_at: list[int] = []

    async def worker() -> None:
        nonlocal done
        fut = loop.create_future()
        pending.append(fut)
        await fut
        end = time.perf_counter() + 0.001
        while time.perf_counter() < end:
            pass
        done += 1

    pending: list[asyncio.Future[None]] = []
    tasks = [asyncio.ensure_future(worker()) for _ in range(200)]
    await _turn()
    a, b = socket.socketpair()
    try:
        a.setblocking(False)
        loop.add_reader(a, lambda: (seen_at.append(done), a.recv(16), loop.remove_reader(a)))
        for f in pending:
            rel.answer(f, None)
        b.send(b"click")
        await asyncio.gather(*tasks)
    finally:
        loop.remove_reader(a)
        a.close()
        b.close()
    assert seen_at and seen_at[0] <= 64, seen_at     # all at once: 200


def test_a_target_must_be_positive() -> None:
    with pytest.raises(ValueError, match="target must be a positive number of seconds"):
        Releases(target=0)
