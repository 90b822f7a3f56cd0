"""Where Chromium is and how tests launch it (shared by the conftest files)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

#: Chromium binary; override with PGWIDGETS_CHROMIUM=/path for local runs.
CHROMIUM = os.environ.get("PGWIDGETS_CHROMIUM", "/usr/bin/chromium")

#: Flags for a closed network, running as root, with no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Browser tests need Debian's "
            "chromium: run `make chromium` (or `apt-get install chromium`), "
            "or set PGWIDGETS_CHROMIUM to a Chromium binary.",
            pytrace=False,
        )




@contextmanager
def sync_chromium() -> Iterator[object]:
    """A headless Chromium driven by the sync Playwright API (for blocking-API tests:
    Playwright's loop runs in the test thread, the facade's on a thread of its own)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
