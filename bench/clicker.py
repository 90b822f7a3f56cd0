"""The scale bench's measuring page: headless Chromium clicked from a process of its own.

    python bench/clicker.py URL        # then commands on stdin, one answer line each

* ``open``: load URL, wait for the click UI ("click 0" / "Click me", as
  bench/work_async.click_ui builds it), install CLICK_SETUP -> ``ready <chromium>``.
* ``clicks N GAP``: N clicks (``button.click()`` in the page), each waiting for the
  label's change, started GAP s apart at least (0: back to back) -> ``lat [ms, ...]``,
  from the click event to the label's DOM mutation, page-side.
* end of stdin: closes Chromium and exits.  A failure answers ``error <text>``.

Why a process of its own: Playwright's sync API leaves ~60 objects in reference
cycles per call (frames, cells, its API-zone objects).  In the app's process they
are collected by the app's GC, and at 1,000 streaming sessions those young
collections took 10-70 ms, at any moment of the app's loop, with the GIL held: a
pause of the bench's harness, not of the library, that a server clicked from a
browser elsewhere does not have (docs/performance.md, 2026-12-07).
"""

from __future__ import annotations

import json
import sys
import time

from browser import CLICK_ONE, CLICK_SETUP, Browser

LABEL, BUTTON = "click 0", "Click me"         # the click UI's texts (CLICK_SETUP finds them)
UI_SHOWN = f"() => !!document.body && document.body.textContent.includes('{BUTTON}')"


def main() -> None:
    url = sys.argv[1]
    browser = Browser()
    page = None
    try:
        for line in sys.stdin:
            cmd = line.split()
            try:
                if cmd[0] == "open":
                    page = browser.new_page()
                    page.goto(url)
                    page.wait_for_function(UI_SHOWN, timeout=120_000, polling=50)
                    page.evaluate(CLICK_SETUP, [LABEL, BUTTON])
                    answer = f"ready {browser.version}"
                elif cmd[0] == "clicks" and page is not None:
                    answer = "lat " + json.dumps(clicks(page, int(cmd[1]), float(cmd[2])))
                else:
                    raise ValueError(f"unknown command {line.strip()!r}")
            except Exception as exc:
                answer = f"error {type(exc).__name__}: {exc}".replace("\n", " ")
            sys.stdout.write(answer + "\n")
            sys.stdout.flush()
    finally:
        browser.close()


def clicks(page, n: int, gap: float) -> list[float]:
    done = page.evaluate("window.__pgbClick.lat.length")
    for i in range(done + 1, done + n + 1):
        t = time.perf_counter()
        page.evaluate(CLICK_ONE, [i, 30_000])
        time.sleep(max(0.0, gap - (time.perf_counter() - t)))
    return page.evaluate("window.__pgbClick.lat")[done:]


if __name__ == "__main__":
    main()
