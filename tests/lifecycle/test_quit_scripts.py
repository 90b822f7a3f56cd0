"""Every Quit-button scenario of quit_app.py, in a process of its own, many times in a row
(a race: one pass proves nothing). PGWIDGETS_LIFECYCLE_RUNS sets the count (e.g. 200)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("quit_app.py")
sys.path.insert(0, str(SCRIPT.parent))
from quit_app import SCENARIOS  # noqa: E402

RUNS = os.environ.get("PGWIDGETS_LIFECYCLE_RUNS")


@pytest.mark.timeout(300)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_line_after_close_runs_every_time(scenario):
    runs = int(RUNS) if RUNS else (20 if scenario.startswith("async") else 5)
    proc = subprocess.run([sys.executable, str(SCRIPT), scenario, str(runs)],
                          capture_output=True, text=True, timeout=280,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0 and proc.stdout.strip() == f"OK {runs}/{runs}", \
        proc.stdout + proc.stderr[-3000:]
