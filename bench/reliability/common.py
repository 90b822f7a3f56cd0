"""Helpers shared by the reliability scenarios: log capture, memory, statistics.

Nothing here talks to the network; see :mod:`bench.reliability.page` for the fake page.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, TypeVar

T = TypeVar("T")

#: The checkout (``/work/main``): the code measured is the working tree's.
ROOT = Path(__file__).resolve().parents[2]
#: Where results go (ignored by git).
RESULTS = ROOT / "bench" / "results"


def mono() -> float:
    """``CLOCK_MONOTONIC`` in seconds: one clock for every process of the machine, so a
    stamp taken by the page process can be compared with the server's."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def rss_kib() -> int:
    """Resident set size of this process (``VmRSS`` of /proc/self/status), in KiB."""
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1])
    return -1


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile (0..1) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs (0.0 with fewer than two points)."""
    if len(xs) < 2:
        return 0.0
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


@dataclass
class LogRecordInfo:
    """What we keep of one log record."""

    t: float
    level: str
    logger: str
    message: str
    exc_type: str | None
    exc_text: str | None


class LogCapture(logging.Handler):
    """Counts every log record (by level, by logger) and keeps the notable ones.

    Attached to the root logger, so it sees ``pgwidgets_core``, ``websockets`` and
    ``asyncio`` alike. Records carrying a traceback are kept with it.
    """

    def __init__(self, keep_level: int = logging.WARNING, keep_max: int = 2000) -> None:
        super().__init__(logging.DEBUG)
        self.by_level: Counter[str] = Counter()
        self.by_logger_level: Counter[tuple[str, str]] = Counter()
        self.kept: list[LogRecordInfo] = []
        self.keep_level = keep_level
        self.keep_max = keep_max
        self.tracebacks = 0
        self.total = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.total += 1
        self.by_level[record.levelname] += 1
        self.by_logger_level[(record.name, record.levelname)] += 1
        exc = record.exc_info
        if exc and exc[0] is not None:
            self.tracebacks += 1
        if record.levelno >= self.keep_level and len(self.kept) < self.keep_max:
            try:
                msg = record.getMessage()
            except Exception:                     # noqa: BLE001 - a broken record
                msg = str(record.msg)
            exc_type = exc_text = None
            if exc and exc[0] is not None:
                exc_type = exc[0].__name__
                exc_text = logging.Formatter().formatException(exc)
            self.kept.append(LogRecordInfo(mono(), record.levelname, record.name,
                                           msg[:300], exc_type, exc_text))

    def install(self, level: int = logging.DEBUG) -> LogCapture:
        """Attach to the root logger (and stop logging's last resort printing)."""
        root = logging.getLogger()
        root.addHandler(self)
        root.setLevel(level)
        # websockets logs every connection at INFO/DEBUG: keep it out of a load run
        logging.getLogger("websockets").setLevel(max(level, logging.INFO))
        return self

    def since(self, t: float) -> list[LogRecordInfo]:
        """Kept records logged at or after ``t`` (a :func:`mono` time)."""
        return [r for r in self.kept if r.t >= t]

    def summary(self) -> dict[str, Any]:
        """Counts for the result file."""
        return {"total": self.total, "by_level": dict(self.by_level),
                "by_logger_level": {f"{n}:{lv}": c
                                    for (n, lv), c in sorted(self.by_logger_level.items())},
                "with_traceback": self.tracebacks}


@dataclass
class Checks:
    """Named pass/fail checks with a detail each."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str, ok: bool, detail: Any = None) -> bool:
        self.items[name] = {"ok": bool(ok), "detail": detail}
        return bool(ok)

    @property
    def ok(self) -> bool:
        return all(v["ok"] for v in self.items.values())

    def failed(self) -> list[str]:
        return [k for k, v in self.items.items() if not v["ok"]]


async def poll(predicate: Callable[[], Any], timeout: float, interval: float = 0.002
               ) -> Any:
    """Wait until ``predicate()`` is truthy; return its value, or None at the timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() >= deadline:
            return None
        await asyncio.sleep(interval)


async def bounded(aw: Awaitable[T], timeout: float, what: str) -> T:
    """``await aw`` within ``timeout`` seconds, else TimeoutError naming ``what``."""
    try:
        return await asyncio.wait_for(aw, timeout)
    except TimeoutError:
        raise TimeoutError(f"{what}: no result within {timeout} s") from None


def machine() -> dict[str, Any]:
    """Where and when the run was made."""
    info: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()
        info["mem_gib"] = round(int(mem[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0].split()
        info["cpu_pressure_some"] = {k: float(v) for k, v in (x.split("=") for x in some[1:])
                                     if k.startswith("avg")}
    except (OSError, ValueError, IndexError):
        pass
    try:
        import hypothesis
        import websockets
        info["websockets"] = websockets.__version__
        info["hypothesis"] = hypothesis.__version__
    except ImportError:
        pass
    return info


async def page_count(box: Any) -> int | None:
    """How many children the page says ``box`` has: a real round trip (``num_children``
    is answered from Python's records), None without a page."""
    kids = await box.get_children()
    return None if kids is None else len(kids)
