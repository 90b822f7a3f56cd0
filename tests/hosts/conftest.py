"""Fixtures for the host-loop tests: sync Playwright, Xvfb, Qt offscreen, apps.

Qt runs with ``QT_QPA_PLATFORM=offscreen``; Tk needs an X display, so the ``xvfb``
fixture starts Debian's ``Xvfb`` (``make`` installs it) on a free display number
and sets ``DISPLAY`` for the module. Nothing is skipped: a missing Xvfb fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chromium import sync_chromium
from pgwidgets_sync import Application

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium (playwright.sync_api.Browser) for this module."""
    with sync_chromium() as b:
        yield b


@pytest.fixture
def page(browser) -> Iterator[object]:
    ctx = browser.new_context()
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


@pytest.fixture
def make_app() -> Iterator[Callable[..., Application]]:
    """Serialized facade apps on free ports (not started); all closed at teardown."""
    apps: list[Application] = []

    def make(**kw) -> Application:
        kw.setdefault("max_sessions", None)
        kw.setdefault("call_timeout", 10)
        kw.setdefault("concurrency_handling", "serialized")
        app = Application(ws_port=0, http_port=0, **kw)
        apps.append(app)
        return app
    yield make
    for app in apps:
        app.close()


def _free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    """Start Xvfb on a free display; DISPLAY is set while the module runs."""
    exe = shutil.which("Xvfb")
    if exe is None:
        pytest.fail("Xvfb not found: run `make test` (installs Debian's xvfb) or "
                    "`apt-get install xvfb`", pytrace=False)
    n = _free_display()
    proc = subprocess.Popen([exe, f":{n}", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = Path(f"/tmp/.X11-unix/X{n}")
    deadline = time.monotonic() + 10
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb :{n} did not start", pytrace=False)
        time.sleep(0.05)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{n}"
    try:
        yield f":{n}"
    finally:
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
