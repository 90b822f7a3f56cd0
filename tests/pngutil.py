"""The PNG maker of bench/pngdata.py, for the tests: one copy of the code."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from pngdata import png  # noqa: E402,F401
