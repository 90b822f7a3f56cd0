"""examples/qt_host.py and examples/tk_host.py run, talk to the page and exit cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]


def start(example: str, env: dict) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "examples" / example)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline()
    m = re.search(r"Open (http://\S+)", line)
    if not m:
        proc.kill()
        rest = proc.stdout.read()
        proc.wait()
        proc.stdout.close()
        pytest.fail(f"{example} printed no URL: {line!r} {rest}")
    return proc, m.group(1)


def drive(proc: subprocess.Popen, url: str, page, tell: str) -> None:
    try:
        page.goto(url)
        expect(page.locator(".label-widget")).to_have_text(re.compile("Waiting for"))
        page.get_by_text(tell).click()             # runs on the host's GUI thread
        page.get_by_text("Quit").click()           # closes the app, which ends the host
        assert proc.wait(15) == 0, proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_qt_example(page):
    proc, url = start("qt_host.py", {"QT_QPA_PLATFORM": "offscreen"})
    drive(proc, url, page, "Tell Qt")


def test_tk_example(page, xvfb):
    proc, url = start("tk_host.py", {"DISPLAY": xvfb})
    drive(proc, url, page, "Tell Tk")
