"""A real Jupyter kernel: cells typed as a notebook user would, clicks in Chromium.

Each test starts ipykernel (through jupyter_client, with the venv's interpreter, see
kernelutil.py), runs the cells of docs/hosts-and-repl.md ("Notebooks (Jupyter)") in
it, opens the session's URL in headless Chromium and clicks. The cells below are the
documented ones, character for character (test_the_documented_cells_are_these).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kernelutil import Kernel, port_is_free, running_kernel

# No warning filter: with jupyter_client 8.10 / jupyter_core 5.9 / ipykernel 7.4 the
# test process gets no DeprecationWarning (the kernel's own warnings stay in the
# kernel process). Should a newer jupyter_client warn, filter that one message here
# (pytest.mark.filterwarnings("ignore:<its text>:DeprecationWarning")), not all.
pytestmark = pytest.mark.timeout(60)

DOC = Path(__file__).resolve().parents[2] / "docs" / "hosts-and-repl.md"

# ---- the cells (docs/hosts-and-repl.md, "Notebooks (Jupyter)") ---------------------

SYNC_APP = """\
from pgwidgets_sync import Application
app = Application(ws_port=0, http_port=0)   # free ports, read back after start()
app.start()
session = app.create_session(); W = session.get_widgets()
print(session.url)
"""

SYNC_UI = """\
import threading, time
top = W.TopLevel(title="From Jupyter"); vbox = W.VBox(spacing=8)
label = W.Label("Ready"); btn = W.Button("Click me")
clicks = []                    # (time, thread) of each click, for later cells
def clicked():
    clicks.append((time.time(), threading.current_thread().name))
    label.set_text(f"Clicked {len(clicks)}")
btn.on("activated", clicked)
vbox.add_widget(label, 1); vbox.add_widget(btn, 0)
top.set_widget(vbox); top.show()
"""

SYNC_BUSY = """\
started = time.time(); time.sleep(3); ended = time.time()   # the kernel is busy
"""

SYNC_CHECK = """\
print(len(clicks), started < clicks[-1][0] < ended, clicks[-1][1])
"""

ASYNC_APP = """\
import asyncio, sys, time
from pgwidgets_core import Application
app = Application(ws_port=0, http_port=0)
await app.start()              # top-level await: the servers run on the kernel's loop
session = app.create_session(); W = session.get_widgets()
top = await W.TopLevel(title="Async in Jupyter"); vbox = await W.VBox(spacing=8)
label = await W.Label("Ready"); btn = await W.Button("Click me")
clicks = []                    # (time, loop) of each click
async def clicked():
    clicks.append((time.time(), asyncio.get_running_loop()))
    await label.set_text(f"Clicked {len(clicks)}")
await btn.on("activated", clicked)
await vbox.add_widget(label, 1); await vbox.add_widget(btn, 0)
await top.set_widget(vbox); await top.show()
print(session.url)
"""

ASYNC_NO_NEST = """\
print(any(m.startswith("nest_asyncio") for m in sys.modules),
      hasattr(asyncio.get_running_loop(), "_nest_patched"))
"""

ASYNC_BUSY = """\
started = time.time(); await asyncio.sleep(3); ended = time.time()   # busy, awaiting
"""

ASYNC_CHECK = """\
print(len(clicks), started < clicks[-1][0] < ended,
      clicks[-1][1] is asyncio.get_running_loop())
"""

ASYNC_BLOCKING = """\
started = time.time(); time.sleep(3); ended = time.time()   # blocks the kernel's loop
"""

ASYNC_LATE = """\
print(len(clicks), clicks[-1][0] > ended)
"""

WAIT_FOR_PAGE = """\
session.flush()                # waits until the page has run everything sent
"""

AFTER_INTERRUPT = """\
label.set_text("After the interrupt"); session.flush(); print(label.get_text())
"""

PORTS = """\
print(app.ws_port, app.http_port)
"""

CELLS = [SYNC_APP, SYNC_UI, SYNC_BUSY, SYNC_CHECK, ASYNC_APP, ASYNC_NO_NEST, ASYNC_BUSY,
         ASYNC_CHECK, ASYNC_BLOCKING, ASYNC_LATE, WAIT_FOR_PAGE, AFTER_INTERRUPT, PORTS]


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[Kernel]:
    """A fresh ipykernel on the venv's Python; shut down (killed if need be) afterwards."""
    with running_kernel(tmp_path) as k:
        yield k


def open_session(kernel: Kernel, page, setup: str, *more: str) -> None:
    """Run the cell ``setup`` (it prints the session's URL) and the cells ``more``,
    then open that URL: the page shows the label."""
    url = kernel.run(setup).strip()
    for cell in more:
        kernel.run(cell)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?session=\S+", url), url
    page.goto(url)
    expect(page.locator(".label-widget")).to_have_text("Ready")


def click(page, text: str) -> None:
    """Click the button and wait until Chromium shows the label's new ``text``."""
    page.get_by_text("Click me").click()
    expect(page.locator(".label-widget")).to_have_text(text)


def test_the_documented_cells_are_these():
    """docs/hosts-and-repl.md shows exactly the cells these tests run."""
    doc = DOC.read_text()
    for cell in CELLS:
        assert cell in doc, f"cell not in {DOC.name}:\n{cell}"


def test_sync_api_clicks_reach_handlers_while_idle_and_while_a_cell_is_busy(kernel, page):
    open_session(kernel, page, SYNC_APP, SYNC_UI)
    click(page, "Clicked 1")                     # the kernel is idle
    busy = kernel.start(SYNC_BUSY)
    kernel.wait_running(busy)
    click(page, "Clicked 2")                     # the kernel sleeps in a cell
    assert kernel.finish(busy).status == "ok"
    count, during, thread = kernel.run(SYNC_CHECK).split()
    assert (count, during) == ("2", "True")      # the handler ran during the sleep
    assert thread.startswith("pgwidgets-session-"), thread


def test_async_api_runs_on_the_kernels_loop_with_top_level_await(kernel, page):
    open_session(kernel, page, ASYNC_APP)
    assert kernel.run(ASYNC_NO_NEST).split() == ["False", "False"]
    click(page, "Clicked 1")                     # idle: the kernel's loop serves
    busy = kernel.start(ASYNC_BUSY)
    kernel.wait_running(busy)
    click(page, "Clicked 2")                     # a cell awaits: the loop still serves
    assert kernel.finish(busy).status == "ok"
    assert kernel.run(ASYNC_CHECK).split() == ["2", "True", "True"]
    # A cell that blocks the loop holds the handlers until it returns.
    blocking = kernel.start(ASYNC_BLOCKING)
    kernel.wait_running(blocking)
    page.get_by_text("Click me").click()
    assert kernel.finish(blocking).status == "ok"
    expect(page.locator(".label-widget")).to_have_text("Clicked 3")
    assert kernel.run(ASYNC_LATE).split() == ["3", "True"]


def test_interrupting_a_cell_that_waits_for_the_page_leaves_the_app_usable(kernel, page):
    open_session(kernel, page, SYNC_APP, SYNC_UI)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Debugger.enable")
    cdp.send("Debugger.pause")                   # the page's next script stops there
    try:
        waiting = kernel.start(WAIT_FOR_PAGE)
        kernel.wait_running(waiting)
        time.sleep(1)
        assert not kernel.is_done(waiting), "flush() returned: the page was not paused"
        kernel.interrupt()                       # the notebook's stop button
        cell = kernel.finish(waiting, timeout=10)
        assert cell.ename == "KeyboardInterrupt", cell.describe()
    finally:
        cdp.send("Debugger.resume")
    assert kernel.run(AFTER_INTERRUPT).strip() == "After the interrupt"
    expect(page.locator(".label-widget")).to_have_text("After the interrupt")
    click(page, "Clicked 1")


def bound_ports(kernel: Kernel) -> list[int]:
    """The ports the kernel's ``app`` listens on, checked to be taken."""
    ports = [int(p) for p in kernel.run(PORTS).split()]
    assert len(ports) == 2 and all(ports), ports
    assert not any(port_is_free(p) for p in ports), ports
    return ports


def test_restarting_the_kernel_frees_the_ports(kernel, page):
    open_session(kernel, page, SYNC_APP, SYNC_UI)
    ports = bound_ports(kernel)
    kernel.km.restart_kernel(now=False)          # the notebook's "Restart kernel"
    kernel.reconnect()
    assert all(port_is_free(p) for p in ports), ports
    open_session(kernel, page, SYNC_APP, SYNC_UI)   # the notebook runs again


@pytest.mark.parametrize("cells", [(SYNC_APP, SYNC_UI), (ASYNC_APP,)], ids=["sync", "async"])
def test_shutting_the_kernel_down_frees_the_ports(kernel, page, cells):
    open_session(kernel, page, *cells)
    ports = bound_ports(kernel)
    kernel.kc.shutdown()                         # the notebook's "Shut down kernel"
    deadline = time.monotonic() + 10
    while kernel.km.is_alive():                  # exits by itself, is not killed
        assert time.monotonic() < deadline, "the kernel did not exit after shutdown"
        time.sleep(0.1)
    assert all(port_is_free(p) for p in ports), ports
