"""Statistics, the result table and the machine description."""

from __future__ import annotations

import math
import os
import platform
import re
import statistics
import subprocess
from typing import Any

from . import spec


def percentile(xs: list[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]."""
    s = sorted(xs)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def stat(samples: list[float] | None, row: dict) -> float | None:
    if not samples:
        return None
    kind = row["stat"]
    if kind in ("median", "p50"):
        return statistics.median(samples)
    if kind == "p95":
        return percentile(samples, 95)
    if kind == "rate":
        return row["n"] / statistics.median(samples)
    raise ValueError(kind)


def _met(goal: tuple | None, value: float | None) -> bool | None:
    if goal is None or value is None:
        return None
    op, target = goal
    return value <= target if op in ("<=", "abs<=") else value >= target


def goal_text(row: dict) -> str:
    goal = row["goal"]
    if goal is None:
        return ""
    op, target = goal
    if op == "abs<=":
        return f"<= {target * row['scale']:g} {row['unit']}"
    return f"{op} {target:g}x"


def compute_rows(samples: dict[str, dict[str, list[float]]]) -> list[dict]:
    """samples[metric][impl] -> one dict per table row (values in display units)."""
    rows = []
    for row in spec.ROWS:
        m = row["metric"]
        if m not in samples:
            continue
        impls = spec.impls_for(m)
        base = {i: stat(samples[m].get(i), row) for i in impls}
        if row.get("minus"):
            floor = stat(samples.get(row["minus"], {}).get(spec.FLOOR), row)
            if floor is None:
                continue
            base = {i: None if v is None else v - floor for i, v in base.items()}
        out = {"key": row["key"], "metric": m, "title": row.get("title", spec.METRICS[m]["title"]),
               "unit": row["unit"], "goal": goal_text(row),
               "values": {i: None if v is None else v * row["scale"]
                          for i, v in base.items()},
               "ratios": {}, "met": {}}
        for flavor in ("async", "sync"):
            ours, ref = base.get(f"ours-{flavor}"), base.get(f"ref-{flavor}")
            if row.get("minus"):           # an absolute goal, on ours only
                out["met"][flavor] = _met(row["goal"], ours)
                continue
            ratio = ours / ref if ours is not None and ref else None
            out["ratios"][flavor] = ratio
            out["met"][flavor] = _met(row["goal"], ratio)
        rows.append(out)
    return rows


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def _ratio(v: float | None) -> str:
    return "-" if v is None else f"{v:.3g}x"


def _met_text(v: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "-"}[v]


def table(rows: list[dict], errors: dict[tuple[str, str], str], absent: set[str]) -> str:
    """The result table (plain text)."""
    def cell(row: dict, impl: str) -> str:
        if impl in absent:
            return "n/a"
        v = row["values"].get(impl)
        if v is None and (row["metric"], impl) in errors:
            return "ERR"
        return _fmt(v)

    head = ["metric", "unit", "ours-async", "ref-async", "ratio", "ours-sync", "ref-sync",
            "ratio", "goal", "async", "sync"]
    lines = [head]
    floors = []
    for r in rows:
        if r["key"].startswith("floor"):
            floors.append(r)
            continue
        lines.append([r["title"], r["unit"],
                      cell(r, "ours-async"), cell(r, "ref-async"),
                      _ratio(r["ratios"].get("async")),
                      cell(r, "ours-sync"), cell(r, "ref-sync"),
                      _ratio(r["ratios"].get("sync")),
                      r["goal"] or "-", _met_text(r["met"].get("async")),
                      "n/a" if "ours-sync" in absent else _met_text(r["met"].get("sync"))])
    widths = [max(len(str(l[i])) for l in lines) for i in range(len(head))]
    out = []
    for n, l in enumerate(lines):
        out.append("  ".join(str(c).ljust(widths[i]) if i < 2 else str(c).rjust(widths[i])
                             for i, c in enumerate(l)).rstrip())
        if n == 0:
            out.append("-" * len(out[0]))
    for r in floors:
        out.append(f"{r['title']}: {_fmt(r['values'].get(spec.FLOOR))} {r['unit']} (median)")
    if errors:
        out.append("")
        out.append("errors:")
        for (metric, impl), msg in sorted(errors.items()):
            out.append(f"  {metric} / {impl}: {msg}")
    return "\n".join(out)


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"platform": platform.platform(),
                            "python": platform.python_version(),
                            "cpu_count": os.cpu_count()}
    try:
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
        info["cpu_model"] = m.group(1).strip() if m else None
        with open("/proc/meminfo") as f:
            m = re.search(r"^MemTotal:\s*(\d+) kB", f.read(), re.M)
        info["mem_total_mib"] = int(m.group(1)) // 1024 if m else None
    except OSError:
        pass
    try:
        out = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True,
                             text=True, timeout=30).stdout
        info["chromium"] = out.strip().splitlines()[0] if out.strip() else None
    except (OSError, subprocess.TimeoutExpired):
        info["chromium"] = None
    return info
