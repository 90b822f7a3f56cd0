"""Several workers: session ids that name their worker, refusals of ids a worker does
not hold, the nginx configuration, and the launcher's restarts (fake pages, real
processes). Real nginx and Chromium: tests/browser/test_workers_browser.py."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fakebrowser import FakeBrowser
from pgwidgets_core import Application
from pgwidgets_core.launcher import Supervisor, load_factory
from pgwidgets_core.nginxconf import Upstream, nginx_conf, parse_upstream
from pgwidgets_core.routing import SessionIds

pytestmark = pytest.mark.timeout(30)
DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def test_session_ids_of_a_worker_name_it_and_skip_taken_ones():
    ids = SessionIds("w2", tag="ab12")
    assert ids.allocate({}) == "w2-ab12-1"
    ids.seen("w2-ab12-7")
    assert ids.allocate({"w2-ab12-8"}) == "w2-ab12-9"
    ids.seen("w3-ab12-50")                 # another worker's: no effect on ours
    ids.seen("w2-cd34-50")                 # an earlier process's: neither
    assert ids.allocate({}) == "w2-ab12-10"
    assert SessionIds().allocate({1, 2}) == 3
    assert SessionIds("w2").tag != SessionIds("w2").tag     # one per process


def test_a_worker_refuses_ids_it_does_not_hold_and_says_why():
    ids = SessionIds("w2", tag="ab12")
    assert ids.refusal("w2-ab12-4") == ("Session w2-ab12-4 has ended. Reload the page to "
                                        "start a new session.")
    assert "has ended: its worker restarted. Reload the page" in ids.refusal("w2-cd34-4")
    assert "does not belong to worker w2" in ids.refusal("w1-ab12-4")
    assert "does not belong" in ids.refusal(17)
    assert SessionIds().refusal(17) is None   # one process: a bookmarked id is made again
    for reason in (ids.refusal("w2-ab12-123456789"), ids.refusal("w2-" + "x" * 40),
                   ids.refusal("x" * 40)):
        assert len(reason.encode()) <= 123     # a WebSocket close reason's limit


@pytest.mark.parametrize("bad", ["", "2w", "w-1", "w 1", 3])
def test_bad_worker_names_are_refused(bad):
    with pytest.raises(ValueError, match="worker must be a name"):
        Application(worker=bad)


@pytest.fixture
async def worker_app():
    app = Application(ws_port=0, http_port=0, max_sessions=None, worker="w2")
    await app.start()
    yield app
    await app.close()


def _page(app, **kw):
    return FakeBrowser(f"ws://127.0.0.1:{app.ws_port}",
                       origin=f"http://127.0.0.1:{app.http_port}", **kw)


async def test_a_worker_names_its_sessions_and_rejoins_them(worker_app):
    async with _page(worker_app) as fb:
        sid, token = await fb.wait_session_info()
    assert re.fullmatch(r"w2-[0-9a-f]{4}-1", sid) and sid in worker_app.sessions
    async with _page(worker_app, session_id=sid, token=token) as again:
        assert (await again.wait_session_info())[0] == sid


@pytest.mark.parametrize("sid, words", [("w2-0000-9", "has ended: its worker restarted"),
                                        ("w1-0000-1", "does not belong to worker w2")])
async def test_a_worker_closes_a_page_with_an_id_it_does_not_hold(worker_app, sid, words,
                                                                   caplog):
    caplog.set_level(logging.INFO, "pgwidgets_core")
    fb = _page(worker_app, session_id=sid, token="t")
    await fb.connect()
    await fb.wait_closed()
    assert fb.close_code == 4003 and words in fb.close_reason
    assert sid not in worker_app.sessions
    assert any(words in r.getMessage() for r in caplog.records)


async def test_the_page_of_a_worker_routes_its_websocket_by_session(worker_app):
    import urllib.request
    import asyncio
    page = await asyncio.to_thread(lambda: urllib.request.urlopen(worker_app.url).read())
    head = page.split(b"<body>")[0]
    assert b"window.PGWIDGETS_WS_URL" in head and b"'session=' + encodeURIComponent" in head
    plain = Application(http_port=0, ws_port=0)
    await plain.start()
    try:
        page = await asyncio.to_thread(lambda: urllib.request.urlopen(plain.url).read())
        assert b"encodeURIComponent" not in page
    finally:
        await plain.close()


# ---- the nginx configuration ----------------------------------------------------

def test_the_documented_configuration_is_what_the_launcher_writes():
    text = DOC.read_text()
    section = text.split("## nginx, several workers\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```nginx\n(.*?)```", section, re.S).group(1)
    made = nginx_conf([Upstream("w1", "127.0.0.1", 9601), Upstream("w2", "127.0.0.1", 9602),
                       parse_upstream("m1=10.0.0.2:9601"), parse_upstream("m2=10.0.0.2:9602")])
    assert block == made


def test_bad_worker_addresses_and_configurations_are_named():
    with pytest.raises(ValueError, match="NAME=HOST:PORT"):
        parse_upstream("w1:9601")
    with pytest.raises(ValueError, match="worker must be a name"):
        parse_upstream("1w=127.0.0.1:9601")
    assert parse_upstream("w1=[::1]:9601").address == "[::1]:9601"
    with pytest.raises(ValueError, match="names must differ"):
        nginx_conf([Upstream("w1", "a", 1), Upstream("w1", "b", 2)])
    with pytest.raises(ValueError, match="at least one worker"):
        nginx_conf([])
    with pytest.raises(ValueError, match="prefix must start and end"):
        nginx_conf([Upstream("w1", "a", 1)], prefix="/myapp")


# ---- the launcher ---------------------------------------------------------------

def test_factories_are_found_or_named():
    assert load_factory("pgwidgets_core.nginxconf:nginx_conf") is nginx_conf
    with pytest.raises(ValueError, match="MODULE:FACTORY"):
        load_factory("pgwidgets_core.nginxconf")
    with pytest.raises(AttributeError):
        load_factory("pgwidgets_core.nginxconf:nope")


def test_the_supervisor_restarts_a_worker_that_dies_and_stops_the_others():
    lines: list[str] = []
    sup = Supervisor({"w1": [sys.executable, "-c", "import sys; sys.exit(3)"],
                      "w2": [sys.executable, "-c", "import time; time.sleep(60)"]},
                     lines.append)
    sup.start()
    first = sup.procs["w1"].pid
    steady = sup.procs["w2"]
    try:
        deadline = time.monotonic() + 15
        while not (len(lines) >= 2 and "w1" in sup.procs) and time.monotonic() < deadline:
            sup.poll()
            time.sleep(0.05)
        assert re.match(rf"pgwidgets: worker w1 \(pid {first}\) exited with code 3; "
                        r"restarting it in 0 s", lines[0]), lines
        assert "restarting it in 0.5 s" in lines[1]        # dying again: a delay
        assert sup.procs["w1"].pid != first
        assert sup.procs["w2"] is steady and steady.poll() is None
    finally:
        sup.stop(timeout=5)
    assert steady.returncode is not None
    assert not any("w2" in line for line in lines)


def test_serve_refuses_a_bad_factory_before_starting_workers():
    out = subprocess.run([sys.executable, "-m", "pgwidgets_core", "serve", "nosuchmodule:f",
                          "--workers", "1"], capture_output=True, text=True, timeout=30)
    assert out.returncode != 0 and "nosuchmodule" in out.stderr
    usage = subprocess.run([sys.executable, "-m", "pgwidgets_core"], capture_output=True,
                           text=True, timeout=30)
    assert usage.returncode == 2 and "serve MODULE:FACTORY" in usage.stdout


@pytest.mark.parametrize("factory, flavour", [("make_async", "async"), ("make_sync", "sync")])
async def test_a_worker_process_serves_an_async_or_a_blocking_app_and_stops_on_sigterm(
        factory, flavour):
    import asyncio
    import os
    import signal
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    here = Path(__file__).resolve()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(here.parents[2]), str(here.parent), os.environ.get("PYTHONPATH", "")])}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pgwidgets_core", "worker", f"worker_apps:{factory}",
        "--name", "w7", "--port", str(port), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert re.match(rf"pgwidgets: worker w7 \(pid {proc.pid}\) serving on "
                        rf"http://127.0.0.1:{port}/", line), line
        fb = FakeBrowser(f"ws://127.0.0.1:{port}/ws", origin=f"http://127.0.0.1:{port}")
        async with fb:
            sid, _ = await fb.wait_session_info()
            assert sid.startswith("w7-")
            await fb.wait_for(lambda b: b.find("Label"), what="the label")
            [label] = fb.find("Label")
            assert label.args[0] == f"{flavour} {sid}"
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
