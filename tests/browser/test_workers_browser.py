"""Several workers behind real nginx, in real Chromium: ``python -m pgwidgets_core serve``
twice (workers w1, w2 on 127.0.0.1 and, as a second machine, m1 on 127.0.0.2), nginx with
the configuration the launcher writes, and pages through it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.async_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from nginxutil import free_port, free_ports, serve_conf  # noqa: E402

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(120)]
ROOT = Path(__file__).resolve().parents[2]
SERVING = re.compile(r"pgwidgets: worker (\w+) \(pid (\d+)\) serving on")


class Launcher:
    """``python -m pgwidgets_core serve`` in a process of its own; its output in lines."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT), str(ROOT / "examples"), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pgwidgets_core", "serve", "workers_app:make_app", *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def pids(self) -> dict[str, int]:
        """The latest pid of each worker that said it serves."""
        found = {}
        for line in list(self.lines):
            m = SERVING.search(line)
            if m:
                found[m.group(1)] = int(m.group(2))
        return found

    def wait_serving(self, names: set[str], *, not_pids: set[int] = frozenset(),
                     timeout: float = 30) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.pids()
            if names <= pids.keys() and not {pids[n] for n in names} & not_pids:
                return pids
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"workers {names} not serving; output:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@contextmanager
def workers_behind_nginx(tmp: Path) -> Iterator[tuple[str, Launcher, Launcher]]:
    public = free_port()
    origin = f"http://127.0.0.1:{public}"
    here, there = free_ports(2), free_ports(1, "127.0.0.2")
    conf = tmp / "myapp.conf"
    with ExitStack() as stack:
        b = Launcher("--workers", "1", "--name", "m", "--host", "127.0.0.2",
                     "--port", str(there), "--origin", origin)
        stack.callback(b.stop)
        a = Launcher("--workers", "2", "--port", str(here), "--origin", origin,
                     "--also", f"m1=127.0.0.2:{there}", "--nginx-conf", str(conf),
                     "--listen", f"127.0.0.1:{public}", "--server-name", "127.0.0.1")
        stack.callback(a.stop)
        a.wait_serving({"w1", "w2"})
        b.wait_serving({"m1"})
        (tmp / "nginx").mkdir()
        stack.enter_context(serve_conf(conf.read_text(), public_port=public,
                                       tmp=tmp / "nginx"))
        yield f"{origin}/myapp/", a, b


WHERE = re.compile(r"worker (\w+), session (\1-[0-9a-f]{4}-\d+)")


async def served_by(page) -> tuple[str, str]:
    label = page.get_by_text(re.compile(r"^worker \w+, session"))
    await expect(label).to_be_visible(timeout=15000)
    m = WHERE.match(await label.inner_text())
    assert m, await label.inner_text()
    return m.group(1), m.group(2)


async def count(page, n: int) -> None:
    await expect(page.get_by_text(re.compile(r"^count \d+$"))).to_have_text(f"count {n}")


async def test_workers_behind_nginx_route_each_session_to_its_owner(context, tmp_path):
    with workers_behind_nginx(tmp_path) as (url, a, b):
        pages, owners = [], {}
        for _ in range(3):               # least_conn: each new session on an idle worker
            page = await context.new_page()
            await page.goto(url)
            worker, sid = await served_by(page)
            pages.append(page)
            owners[worker] = (page, sid)
        assert set(owners) == {"w1", "w2", "m1"}, owners.keys()

        p1, sid1 = owners["w1"]
        for n in (1, 2):
            await p1.get_by_text("Add one").click()
            await count(p1, n)
        await p1.reload()                          # lands on its owner, state intact
        assert await served_by(p1) == ("w1", sid1)
        await count(p1, 2)
        assert f"session={sid1}" in p1.url

        tab = await context.new_page()             # a second tab with the session's link
        await tab.goto(p1.url)
        assert await served_by(tab) == ("w1", sid1)
        await count(tab, 2)
        await tab.get_by_text("Add one").click()
        await count(tab, 3)
        await count(p1, 3)                         # the two tabs converge

        p2, _ = owners["w2"]
        pm, _ = owners["m1"]
        await pm.get_by_text("Add one").click()
        await count(pm, 1)

        old = a.pids()["w1"]
        os.kill(old, signal.SIGKILL)               # worker w1 dies
        for p in (p1, tab):                        # its pages are told, once it is back
            await expect(p.get_by_text("Connection Rejected")).to_be_visible(timeout=30000)
            await expect(p.get_by_text(f"Session {sid1} has ended: its worker restarted. "
                                       "Reload the page")).to_be_visible()
        assert a.wait_serving({"w1"}, not_pids={old})["w1"] != old
        assert any(f"worker w1 (pid {old}) exited" in line for line in a.lines)

        for p, n in ((p2, 1), (pm, 2)):            # the others go on
            await p.get_by_text("Add one").click()
            await count(p, n)

        await p1.reload()                          # a new session
        assert sid1 not in p1.url                  # the ended id left the address
        worker, sid = await served_by(p1)
        assert sid != sid1
        await count(p1, 0)
        await p1.get_by_text("Add one").click()
        await count(p1, 1)
