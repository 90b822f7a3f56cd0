"""Benchmarks: this project against the reference binding, in one run.

    python -m bench                  # default run (make bench)
    python -m bench --quick          # fewer samples, one round
    python -m bench --metrics open,click --impls ours-async,ref-async

Installs the reference (pgwidgets-python 0.4.2) into bench/.refvenv on first use,
then runs every measurement in a fresh driver process (bench/driver.py), one at
a time, alternating ours and the reference (ABAB, then BABA in the next round).
Prints medians, ratios ours/reference and the goals, and writes everything (raw
samples included) to bench/results/latest.json.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import refenv, report, spec

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "driver.py"
PREFIX = "BENCH-RESULT "


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="metrics: " + ", ".join(spec.ORDER))
    ap.add_argument("--quick", action="store_true", help="fewer samples, one round (~2-3 min)")
    ap.add_argument("--metrics", help="comma-separated metrics to run (default: all)")
    ap.add_argument("--impls", help="comma-separated implementations (default: all of "
                    + ", ".join(spec.IMPLS) + ")")
    ap.add_argument("--rounds", type=int, help="driver runs per implementation and metric "
                    "(default 2, quick 1)")
    ap.add_argument("--samples", type=int, help="override the samples per driver run")
    ap.add_argument("--output", type=Path, default=HERE / "results" / "latest.json")
    ap.add_argument("--ref-python", type=Path,
                    help="use this interpreter for the reference instead of bench/.refvenv")
    args = ap.parse_args(argv)
    # Always in spec.ORDER: each floor next to the metric it is the floor of.
    picked = _pick(args.metrics, list(spec.ORDER), "metric")
    args.metric_list = [m for m in spec.ORDER if m in picked]
    args.impl_list = _pick(args.impls, list(spec.IMPLS), "implementation")
    if args.rounds is None:
        args.rounds = 1 if args.quick else 2
    return args


def _pick(text: str | None, known: list[str], what: str) -> list[str]:
    if not text:
        return known
    chosen = [t.strip() for t in text.split(",") if t.strip()]
    bad = [c for c in chosen if c not in known]
    if bad:
        raise SystemExit(f"unknown {what}(s): {', '.join(bad)}; known: {', '.join(known)}")
    return chosen


def _ours_env() -> dict[str, str]:
    """Environment of our drivers: the working tree first on sys.path, so that the
    code measured is the checkout's even if the editable install predates a package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(HERE.parent), env.get("PYTHONPATH")) if p)
    return env


def ours_sync_available() -> bool:
    # TODO(pgwidgets_sync): ours-sync is reported "n/a" until this import works.
    r = subprocess.run([sys.executable, "-c", "import pgwidgets_sync; pgwidgets_sync.Application"],
                       capture_output=True, timeout=60, env=_ours_env(), cwd="/")
    return r.returncode == 0


def run_driver(python: Path | str, impl: str, metric: str, samples: int, quick: bool,
               log_dir: Path, rnd: int) -> dict[str, Any]:
    """One driver process; its result dict (with "error" on any failure)."""
    timeout = spec.METRICS[metric]["timeout"]
    cmd = [str(python), str(DRIVER), "--impl", impl, "--metric", metric,
           "--samples", str(samples), "--deadline", str(timeout - 10),
           "--rss-pages", str(spec.RSS_PAGES[1 if quick else 0])]
    stderr_path = log_dir / f"{metric}.{impl}.r{rnd + 1}.stderr.txt"
    t0 = time.monotonic()
    with open(stderr_path, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                                start_new_session=True, cwd=HERE.parent,
                                env=None if impl.startswith("ref-") else _ours_env())
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return {"error": f"timeout: killed after {timeout} s",
                    "seconds": time.monotonic() - t0}
    _kill_group(proc)        # browsers or helpers it may have left behind
    seconds = time.monotonic() - t0
    for line in out.splitlines():
        if line.startswith(PREFIX):
            try:
                res = json.loads(line[len(PREFIX):])
            except ValueError as exc:
                return {"error": f"bad result line: {exc}", "seconds": seconds}
            res["seconds"] = seconds
            return res
    tail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
    return {"error": f"no result (exit {proc.returncode}): " + " | ".join(tail)[-300:],
            "seconds": seconds}


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        pass


def plan(args: argparse.Namespace, absent: set[str]) -> list[tuple[str, int, str]]:
    """(metric, round, impl) in run order: per metric, rounds of ours/ref pairs,
    the pair order flipped every round (ABAB, then BABA)."""
    runs = []
    for metric in args.metric_list:
        impls = [i for i in spec.impls_for(metric)
                 if i == spec.FLOOR or (i in args.impl_list and i not in absent)]
        for r in range(spec.rounds_for(metric, args.rounds)):
            order = []
            for flavor in ("async", "sync"):
                pair = [i for i in (f"ours-{flavor}", f"ref-{flavor}") if i in impls]
                order += pair[::-1] if r % 2 else pair
            order += [i for i in impls if i == spec.FLOOR]
            runs += [(metric, r, impl) for impl in order]
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    absent: set[str] = set()
    if "ours-sync" in args.impl_list and not ours_sync_available():
        absent.add("ours-sync")
        print("bench: pgwidgets_sync is not importable yet: ours-sync is n/a")
    ref_python: Path | None = None
    if any(i.startswith("ref-") for i in args.impl_list):
        try:
            ref_python = args.ref_python or refenv.ensure()
        except Exception as exc:
            print(f"bench: the reference is unavailable: {exc}")
            absent |= {"ref-async", "ref-sync"}
    log_dir = args.output.parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in log_dir.glob("*.txt"):
        old.unlink()

    runs = plan(args, absent)
    load_before = os.getloadavg()
    print(f"bench: {len(runs)} driver runs ({'quick' if args.quick else 'default'}, "
          f"{args.rounds} round(s)); load average {load_before[0]:.2f} on "
          f"{os.cpu_count()} CPUs")
    if load_before[0] > (os.cpu_count() or 1):
        print("bench: warning: the machine is busy; absolute numbers will be noisy "
              "(the ratios are less affected: ours and the reference alternate)")

    samples: dict[str, dict[str, list[float]]] = {}
    details: dict[str, dict[str, list[dict]]] = {}
    errors: dict[tuple[str, str], str] = {}
    for n, (metric, rnd, impl) in enumerate(runs, 1):
        python = ref_python if impl.startswith("ref-") else sys.executable
        count = args.samples or spec.METRICS[metric]["samples"][1 if args.quick else 0]
        res = run_driver(python, impl, metric, count, args.quick, log_dir, rnd)
        got = res.pop("samples", None) or []
        samples.setdefault(metric, {}).setdefault(impl, []).extend(got)
        details.setdefault(metric, {}).setdefault(impl, []).append(
            {"round": rnd, "samples": got,
             **{k: v for k, v in res.items() if k not in ("traceback",)}})
        if res.get("error"):
            errors[(metric, impl)] = res["error"]
            if res.get("traceback"):
                (log_dir / f"{metric}.{impl}.r{rnd + 1}.traceback.txt").write_text(
                    res["traceback"])
        summary = (f"ERROR {res['error']}" if res.get("error") else
                   f"{len(got)} samples, median {statistics.median(got):.6g}" if got else
                   "no samples")
        print(f"[{n:>3}/{len(runs)}] {metric:<13} {impl:<10} round {rnd + 1}: "
              f"{summary} ({res.get('seconds', 0):.1f} s)", flush=True)

    rows = report.compute_rows(samples)
    text = report.table(rows, errors, absent)
    elapsed = time.monotonic() - started
    print()
    print(text)
    print(f"\nbench: {elapsed:.0f} s; load average {os.getloadavg()[0]:.2f} at the end")

    info = report.machine()
    info["load_average_start"] = load_before
    info["load_average_end"] = os.getloadavg()
    chromium_seen = {d.get("chromium") for m in details.values() for runs_ in m.values()
                     for d in runs_ if d.get("chromium")}
    if chromium_seen:
        info["chromium_playwright"] = sorted(chromium_seen)
    versions = {impl: d.get("version") for m in details.values()
                for impl, runs_ in m.items() for d in runs_ if d.get("version")}
    result = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "default",
        "rounds": args.rounds,
        "elapsed_s": round(elapsed, 1),
        "machine": info,
        "git": _git(),
        "versions": versions,
        "unavailable": sorted(absent),
        "metrics": {m: {"title": spec.METRICS[m]["title"], "how": spec.METRICS[m]["doc"],
                        "runs": details.get(m, {})} for m in args.metric_list},
        "rows": rows,
        "errors": {f"{m}/{i}": e for (m, i), e in errors.items()},
        "table": text,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1))
    print(f"bench: wrote {args.output}")
    return 0


def _git() -> dict[str, Any]:
    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], capture_output=True, text=True, timeout=10,
                                  cwd=HERE.parent).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return {"commit": git("rev-parse", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--", "pgwidgets_core",
                              "pgwidgets_sync"))}


if __name__ == "__main__":
    sys.exit(main())
