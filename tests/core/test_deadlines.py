"""pgwidgets_core.deadlines: one timer per timeout value for every waited answer."""

import asyncio

import pytest

from pgwidgets_core.deadlines import Deadlines

pytestmark = pytest.mark.timeout(10)


async def test_an_unanswered_wait_fails_after_its_timeout_naming_what_it_waited_for():
    d = Deadlines()
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    with pytest.raises(TimeoutError, match=r"^<Label wid=3>.get_text: no answer from the "
                                           r"browser within 0.1 s$"):
        await d.wait(loop.create_future(), 0.1, "<Label wid=3>.get_text")
    assert 0.095 <= loop.time() - t0 < 1.0
    assert len(d) == 0


async def test_an_answered_wait_returns_its_value_and_is_let_go():
    d = Deadlines()
    loop = asyncio.get_running_loop()
    for i in range(1000):                        # a thousand round trips in turn
        fut = loop.create_future()
        loop.call_soon(fut.set_result, i)
        assert await d.wait(fut, 30.0, "flush") == i
    assert len(d) <= 1                           # not a thousand entries kept for 30 s


async def test_each_timeout_value_keeps_its_own_deadlines():
    d = Deadlines()
    loop = asyncio.get_running_loop()
    slow, fast = loop.create_future(), loop.create_future()
    d.wait(slow, 0.5, "slow")
    t0 = loop.time()
    with pytest.raises(TimeoutError, match="fast"):
        await d.wait(fast, 0.05, "fast")        # queued after the slow one, fails first
    assert loop.time() - t0 < 0.4 and not slow.done()
    with pytest.raises(TimeoutError, match="slow"):
        await slow


async def test_waits_behind_an_unanswered_one_fail_at_their_own_deadlines():
    d = Deadlines()
    loop = asyncio.get_running_loop()
    first = d.wait(loop.create_future(), 0.1, "first")
    answered = loop.create_future()
    d.wait(answered, 0.1, "answered")
    answered.set_result("ok")
    await asyncio.sleep(0.05)
    later = d.wait(loop.create_future(), 0.1, "later")
    t0 = loop.time()
    with pytest.raises(TimeoutError, match="first"):
        await first
    assert not later.done()
    with pytest.raises(TimeoutError, match="later"):
        await later
    assert 0.07 <= loop.time() - t0 < 0.5
    assert answered.result() == "ok" and len(d) == 0


async def test_a_cancelled_waiter_leaves_nothing_to_fail():
    d = Deadlines()
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    async def waiter():
        return await d.wait(fut, 0.05, "cancelled")
    task = asyncio.ensure_future(waiter())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fut.cancelled()
    await asyncio.sleep(0.1)                     # the timer fired and found it done
    assert len(d) == 0
