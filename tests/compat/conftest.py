"""One Chromium for the compatibility tests (sync Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chromium import sync_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_chromium() as b:
        yield b
