"""``pgwidgets_core.callbacks.Callbacks``: the reference's registration API on a
Python object, with coroutine handlers awaited in order."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pgwidgets_core.callbacks import Callbacks


class Tool(Callbacks):
    def __init__(self) -> None:
        super().__init__()
        self.enable_callback("done")


async def test_on_and_add_callback_get_the_args_with_and_without_the_source():
    t, got = Tool(), []
    t.on("done", lambda *a, **k: got.append(("on", a, k)), "x", flag=1)
    t.add_callback("done", lambda *a: got.append(("add", a)))
    await t.make_callback("done", 1, 2)
    assert got == [("on", (1, 2, "x"), {"flag": 1}), ("add", (t, 1, 2))]


async def test_coroutine_handlers_are_awaited_in_registration_order():
    t, order = Tool(), []

    async def slow(v):
        await asyncio.sleep(0.01)
        order.append(("slow", v))

    t.on("done", slow)
    t.on("done", lambda v: order.append(("plain", v)))
    await t.make_callback("done", 7)
    assert order == [("slow", 7), ("plain", 7)]


async def test_a_failing_handler_is_logged_and_the_others_still_run(caplog):
    t, got = Tool(), []
    t.on("done", lambda: 1 / 0)
    t.on("done", lambda: got.append("ran"))
    with caplog.at_level(logging.ERROR, logger="pgwidgets_core.callbacks"):
        await t.make_callback("done")
    assert got == ["ran"]
    assert "ZeroDivisionError" in caplog.text and "'done'" in caplog.text


async def test_remove_callback_finds_bound_methods_and_clear_keeps_the_action():
    class Owner:
        def __init__(self) -> None:
            self.n = 0

        def hit(self) -> None:
            self.n += 1

    t, o = Tool(), Owner()
    t.on("done", o.hit)
    t.add_callback("done", print)
    t.remove_callback("done", o.hit)              # a new bound-method object, equal
    t.remove_callback("done", print)
    t.remove_callback("never", print)             # unknown action: nothing to do
    await t.make_callback("done")
    assert o.n == 0
    t.on("done", o.hit)
    t.clear_callback("done")
    await t.make_callback("done")
    assert o.n == 0 and t.has_callback("done")


async def test_a_handler_may_register_another_while_firing():
    t, got = Tool(), []

    def first():
        got.append(1)
        t.on("done", lambda: got.append(2))
    t.on("done", first)
    await t.make_callback("done")
    assert got == [1]                               # the new one fires next time
    await t.make_callback("done")
    assert got == [1, 1, 2]


def test_enable_and_has_callback_and_unknown_actions_warn():
    t = Tool()
    assert t.has_callback("done") and not t.has_callback("typo")
    with pytest.warns(UserWarning, match="no callback 'typo'"):
        t.on("typo", print)
    assert t.has_callback("typo")
    with pytest.raises(TypeError, match="must be callable"):
        t.on("done", "not a function")


async def test_make_callback_of_an_action_without_handlers_does_nothing():
    await Tool().make_callback("nothing-here", 1)
