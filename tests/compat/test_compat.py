"""Programs written for the reference binding (pgwidgets-python 0.4.2) run on it and, with
only their imports changed, on this library; the same Chromium script passes on both.

The reference runs from bench/.refvenv (made from PyPI by ``bench.refenv.ensure``: only run,
none of its code is here). Each program's reference variant is made by replacing every line
marked ``# REF:`` by the text after the mark: the imports, nothing else.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = sorted((Path(__file__).parent / "programs").glob("*.py"))
MARK = re.compile(r"^(?P<ours>.*?)\s*# REF: (?P<ref>.*)$")

pytestmark = pytest.mark.timeout(240)


def reference_source(path: Path) -> str:
    out = []
    for line in path.read_text().splitlines():
        m = MARK.match(line)
        assert m is None or m["ours"].lstrip().startswith(("from ", "import ")), line
        out.append(m["ref"] if m else line)
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def ref_python() -> Path:
    sys.path.insert(0, str(ROOT))
    from bench import refenv
    return refenv.ensure(log=lambda *a: None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(python: Path | str, program: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if str(python) == sys.executable:
        env["PYTHONPATH"] = str(ROOT)
    else:
        env.pop("PYTHONPATH", None)
    proc = subprocess.Popen([str(python), str(program), str(free_port()), str(free_port())],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, cwd=program.parent)
    line = proc.stdout.readline()
    m = re.search(r"Open (http://\S+)", line)
    if not m:
        proc.kill()
        pytest.fail(f"{program.name} printed no URL: {line!r} {proc.stdout.read()}")
    port = int(re.search(r":(\d+)/", m.group(1)).group(1))
    deadline = time.monotonic() + 15                 # it prints the URL, then listens
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert time.monotonic() < deadline and proc.poll() is None, "the program never listened"
        time.sleep(0.05)
    return proc, m.group(1)


def shop_script(page, url: str) -> None:
    """What a user does; the same for every implementation."""
    page.goto(url)
    expect(page.locator(".toplevel-title-bar")).to_contain_text("Shop")
    page.get_by_text("Buy", exact=True).click()
    expect(page.get_by_text("1 x pear")).to_be_visible()
    expect(page.get_by_text("tab 0 of 2")).to_be_visible()
    page.reload()
    expect(page.get_by_text("1 x pear")).to_be_visible()        # state came back
    page.get_by_text("Buy", exact=True).click()
    expect(page.get_by_text("2 x pear")).to_be_visible()
    page.get_by_text("Quit", exact=True).click()


@pytest.mark.parametrize("impl", ["reference", "ours"])
@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_reference_program_runs_on_both(program, impl, ref_python, browser, tmp_path):
    if impl == "reference":
        path = tmp_path / program.name
        path.write_text(reference_source(program))
        python: Path | str = ref_python
    else:
        path, python = program, sys.executable
    proc, url = launch(python, path)
    ctx = browser.new_context()
    try:
        shop_script(ctx.new_page(), url)
        assert proc.wait(20) == 0, proc.stdout.read()
    finally:
        ctx.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_the_variants_differ_in_their_imports_only():
    for program in PROGRAMS:
        ours, ref = program.read_text().splitlines(), reference_source(program).splitlines()
        changed = [(a, b) for a, b in zip(ours, ref) if a != b]
        assert len(ours) == len(ref) and changed
        assert all(b.startswith(("from pgwidgets", "import pgwidgets")) for _, b in changed)
