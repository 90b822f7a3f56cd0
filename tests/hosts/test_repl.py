"""``python -m pgwidgets_sync`` driven through a pseudo-terminal (pexpect)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pexpect
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]

# The documented lines (docs/hosts-and-repl.md, "The REPL"), typed one by one.
LINES = [
    'top = W.TopLevel(title="Live"); btn = W.Button("Click me")',
    "top.set_widget(btn); top.show()",
    'btn.on("activated", lambda: print("clicked at the prompt"))',
]


def spawn(*args: str) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, ["-m", "pgwidgets_sync", *args], cwd=str(ROOT),
                          encoding="utf-8", timeout=15, env={"TERM": "dumb",
                                                             "PATH": "/usr/bin:/bin"})
    return child


def test_repl_builds_ui_runs_handler_and_exits_on_ctrl_d(page):
    child = spawn("--port", "0")
    try:
        child.expect(r"Open (http://127\.0\.0\.1:\d+/\?session=\S+)")
        url = child.match.group(1)
        child.expect(">>> ")
        page.goto(url)
        for line in LINES:
            child.sendline(line)
            child.expect(">>> ")
        expect(page.locator(".button-widget")).to_have_text("Click me")
        expect(page.locator(".toplevel-title-bar")).to_contain_text("Live")
        page.get_by_text("Click me").click()
        child.expect("clicked at the prompt")      # printed while the prompt waits
        child.sendline("session.is_connected")
        child.expect("True")
        child.expect(">>> ")
        child.sendeof()                            # Ctrl-D
        child.expect("closed.")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
    finally:
        if child.isalive():
            child.terminate(force=True)


def test_repl_errors_at_the_prompt_do_not_end_it(page):
    child = spawn("--port", "0", "--host", "127.0.0.1")
    try:
        child.expect(">>> ")
        child.sendline('W.Label(123, bogus_option=1)')
        child.expect(r"(TypeError|ValueError|AttributeError)")
        child.expect(">>> ")
        child.sendline("exit()")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.terminate(force=True)


def test_api_works_inside_a_running_asyncio_loop_like_jupyter(page):
    """A Jupyter/IPython kernel runs user code inside its own running asyncio loop
    (here on a thread of its own, as sync Playwright owns the test thread's): the
    blocking API needs no nest_asyncio there, and handlers never run on it."""
    import asyncio
    import queue
    import threading

    from pgwidgets_sync import Application

    urls: queue.Queue = queue.Queue()
    out: dict = {}

    async def cells():
        out["kernel"] = threading.get_ident()
        app = Application(ws_port=0, http_port=0)        # default per_session mode
        app.start()
        try:
            s = app.create_session()
            W = s.get_widgets()
            top, btn = W.TopLevel(title="Cell"), W.Button("Click me")
            ran_on: list[int] = []
            btn.on("activated", lambda: ran_on.append(threading.get_ident()))
            top.set_widget(btn)
            top.show()
            urls.put(s.url)
            deadline = time.monotonic() + 10
            while not ran_on and time.monotonic() < deadline:
                await asyncio.sleep(0.01)                  # the kernel idles
            out["ran_on"] = ran_on
            out["btn_text"] = btn.get_text()             # blocking call in the loop
        finally:
            app.close()

    kernel = threading.Thread(target=asyncio.run, args=(cells(),), name="fake-kernel")
    kernel.start()
    try:
        page.goto(urls.get(timeout=10))
        page.get_by_text("Click me").click()
    finally:
        kernel.join(15)
    assert not kernel.is_alive()
    assert out["ran_on"] and out["ran_on"][0] != out["kernel"]
    assert out["btn_text"] == "Click me"
