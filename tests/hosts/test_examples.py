"""examples/qt_host.py and examples/tk_host.py run, talk to the page and exit cleanly."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[2]


def start(example: str, env: dict, cwd: Path | None = None) -> tuple[subprocess.Popen, str]:
    # free ports, whatever else runs here (the defaults 9500/9501 may be taken)
    proc = subprocess.Popen([sys.executable, str(ROOT / "examples" / example),
                             "--ws-port", "0", "--http-port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"}, cwd=cwd)
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


@pytest.fixture
def default_ports_taken():
    """Other programs hold 9500 and 9501 (where they are free)."""
    held = []
    for port in (9500, 9501):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
            held.append(s)
        except OSError:
            s.close()                 # already taken by someone else: as good
    yield
    for s in held:
        s.close()


def test_examples_run_while_the_default_ports_are_taken(page, default_ports_taken):
    for port in (9500, 9501):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) == 0, f"port {port} should be taken"
    proc, url = start("hello_sync.py", {})
    try:
        page.goto(url)
        page.get_by_text("Click me").click()
        expect(page.locator(".label-widget")).to_have_text("Clicked 1 time")
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def test_ports_come_from_the_environment_too(page):
    with socket.socket() as a, socket.socket() as b:
        a.bind(("127.0.0.1", 0))
        b.bind(("127.0.0.1", 0))
        ws, http = a.getsockname()[1], b.getsockname()[1]
    proc = subprocess.Popen([sys.executable, str(ROOT / "examples" / "hello_sync.py")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PGWIDGETS_WS_PORT": str(ws),
                                 "PGWIDGETS_HTTP_PORT": str(http), "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{http}/" in line, line
        page.goto(f"http://127.0.0.1:{http}/")
        expect(page.locator(".label-widget")).to_have_text("Ready")
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_treeview_example_filters_and_reports_the_selection(page):
    proc, url = start("treeview_sync.py", {})
    try:
        page.goto(url)
        expect(page.get_by_text("app.py")).to_be_visible()
        entry = page.locator(".textentry-widget input, input").first
        entry.fill("guide")
        entry.press("Enter")
        expect(page.get_by_text("filter: 'guide'")).to_be_visible()
        expect(page.get_by_text("guide.md")).to_be_visible()
        expect(page.get_by_text("app.py")).to_have_count(0)
        page.get_by_text("guide.md").click()
        expect(page.get_by_text(re.compile("^selected: "))).to_be_visible()
    finally:
        stop(proc)


def test_subclass_example_counters_count(page):
    proc, url = start("subclass_async.py", {})
    try:
        page.goto(url)
        expect(page.get_by_text("Apples")).to_be_visible()
        page.get_by_text("+", exact=True).first.click()
        page.get_by_text("-", exact=True).nth(1).click()
        expect(page.get_by_text("4", exact=True)).to_be_visible()
        expect(page.get_by_text("-1", exact=True)).to_be_visible()
    finally:
        stop(proc)


def test_file_browser_example_opens_a_folder_and_shows_the_chosen_file(page, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("buy milk\n")
    (tmp_path / "run.py").write_text("")
    proc, url = start("file_browser_sync.py", {}, cwd=tmp_path)
    try:
        page.goto(url)
        page.get_by_text("Open...").click()
        page.get_by_text("notes", exact=True).dblclick()
        page.get_by_text("todo.txt", exact=True).dblclick()
        expect(page.get_by_text(f"chose {tmp_path / 'notes' / 'todo.txt'} (9 bytes)")
               ).to_be_visible()
    finally:
        stop(proc)


def test_fonts_and_buffer_example_shows_both(page):
    proc, url = start("fonts_buffer_sync.py", {})
    try:
        page.goto(url)
        img = page.locator(".image-widget img, img:not(.toplevel-title-icon)").first
        expect(img).to_have_js_property("naturalWidth", 160)
        before = img.get_attribute("src")
        page.get_by_text("Shift colours").click()
        expect(img).not_to_have_attribute("src", before or "")
        page.wait_for_function("document.fonts.check('16px \"Example Face\"')")
        assert "Example Face" in page.locator("b").first.inner_text()
    finally:
        stop(proc)
