"""``pgwidgets_sync.callbacks.Callbacks``: the same registration, a plain
``make_callback`` running the handlers on the calling thread."""

from __future__ import annotations

import logging
import threading

import pytest

from pgwidgets_sync.callbacks import Callbacks


class Tool(Callbacks):
    def __init__(self) -> None:
        super().__init__()
        self.enable_callback("done")

    def work(self, value: int) -> None:
        self.make_callback("done", value)


def test_handlers_run_in_order_on_the_calling_thread():
    t, got = Tool(), []
    t.on("done", lambda v, extra: got.append(("on", v, extra, threading.get_ident())), "x")
    t.add_callback("done", lambda src, v: got.append(("add", src, v)))
    t.work(5)
    assert got == [("on", 5, "x", threading.get_ident()), ("add", t, 5)]


def test_a_failing_handler_is_logged_and_the_rest_run(caplog):
    t, got = Tool(), []
    t.on("done", lambda v: [][v])
    t.on("done", got.append)
    with caplog.at_level(logging.ERROR, logger="pgwidgets_sync.callbacks"):
        t.work(3)
    assert got == [3] and "IndexError" in caplog.text


def test_remove_clear_and_enable():
    t, got = Tool(), []
    t.on("done", got.append)
    t.remove_callback("done", got.append)          # bound methods compare equal
    t.work(1)
    t.on("done", got.append)
    t.clear_callback("done")
    t.work(2)
    assert got == [] and t.has_callback("done") and not t.has_callback("other")
    t.enable_callback("other")
    assert t.has_callback("other")


def test_coroutine_functions_are_refused_here():
    async def handler(v):
        pass
    with pytest.raises(TypeError, match="plain function"):
        Tool().on("done", handler)
