"""The soak bench's driver and verdict (bench/reliability/soak.py): a 12-second run with
fake pages, and the verdict on made-up samples. The 10-minute soak itself is a bench
(``make bench-soak``), not a test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.reliability.soak import analyse

ROOT = Path(__file__).resolve().parents[2]


def test_soak_driver_cycles_sessions_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.reliability.soak", "--minutes", "0.2",
         "--impls", "ours-async", "--no-chromium", "--pages", "6", "--interval", "1",
         "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=50)
    assert out.exists(), proc.stdout + proc.stderr
    (r,) = json.loads(out.read_text())["results"]
    assert "error" not in r, r["error"]
    drove, counts, fig = r["driver"], r["app"]["counts"], r["figures"]
    assert drove["failures"] == 0, drove["failure_examples"]
    assert drove["cycles"] >= 2
    # every session was made, clicked twice (each click a checked query), rejoined once
    assert counts["sessions"] == drove["fake_sessions"] == 6 * drove["cycles"]
    assert counts["clicks"] == counts["queries"] == 2 * counts["sessions"]
    assert counts["bad_answers"] == 0
    assert counts["disconnects"] == 2 * counts["sessions"]
    assert counts["quits"] == 2 * drove["cycles"]
    final = r["app"]["samples"][-1]
    start = r["app"]["samples"][0]
    assert (final["sessions"], final["pages"]) == (0, 0)
    assert final["tasks"] == start["tasks"] and final["fds"] == start["fds"]
    assert fig["rest_samples"] >= 2 and "rss_kib" in fig


def _samples(leak_tasks: int = 0, leak_kib: int = 0) -> list[dict[str, Any]]:
    def one(kind: str, t: float, n: int) -> dict[str, Any]:
        return {"kind": kind, "t": t, "rss_kib": 40_000 + leak_kib * n,
                "tasks": 2 + leak_tasks * n, "threads": 3, "fds": 11,
                "gc_objects": 30_000 + (n % 3), "sessions": 0, "pages": 0}
    rest = [one("rest", 3.0 * n, n) for n in range(1, 200)]
    return [one("start", 0.0, 0), *rest, dict(rest[-1], kind="end")]


def test_soak_verdict_flat_and_growing() -> None:
    assert analyse(_samples(), 120, 600)["verdict"] == "flat"
    grows = analyse(_samples(leak_tasks=1), 120, 600)
    assert grows["verdict"] == "GROWS" and any("tasks" in p for p in grows["problems"])
    rss = analyse(_samples(leak_kib=20), 120, 600)      # 20 KiB a cycle: ~3 MiB in 8 min
    assert rss["verdict"] == "GROWS" and any("RSS" in p for p in rss["problems"])
