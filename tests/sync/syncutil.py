"""Helpers for the facade tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Poll until ``predicate()`` is true (fails after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def ours() -> set[threading.Thread]:
    """The threads this library runs (all named pgwidgets-...)."""
    return {t for t in threading.enumerate() if t.name.startswith("pgwidgets-")}
