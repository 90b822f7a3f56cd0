"""Load and fault benchmarks of pgwidgets_core (not part of the test run).

    python -m bench.reliability                    # load, fuzz, kill (about 5 min)
    python -m bench.reliability --quick            # smaller: about 1.5 min
    python -m bench.reliability --only fuzz,kill   # some scenarios

Each scenario runs in a worker process of its own (``bench.reliability.worker``)
under a hard timeout: the worker and everything it started are killed at the limit,
so a run never hangs. Prints a summary table, the failed checks and the findings,
and writes every figure (load samples included) to bench/results/reliability.json.
docs/reliability.md explains the scenarios and gives the figures of a full run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import report
from .common import RESULTS, ROOT, machine
from .worker import PARAMS, PREFIX

SCENARIOS = ("load", "fuzz", "kill")


def hard_timeout(name: str, quick: bool, args: argparse.Namespace) -> float:
    """Seconds after which the worker of ``name`` is killed."""
    if name == "load":
        duration = args.duration or PARAMS["load"][1 if quick else 0]["duration"]
        return duration + (150 if quick else 240)
    if name == "fuzz":
        return 300 if quick else 900
    return 240


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.reliability",
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="20 pages for 10 s, 1,000 fuzzed frames")
    ap.add_argument("--only", help="comma-separated scenarios: " + ",".join(SCENARIOS))
    ap.add_argument("--pages", type=int, help="load: pages (default 100, quick 20)")
    ap.add_argument("--duration", type=float, help="load: seconds (default 60, quick 10)")
    ap.add_argument("--rate", type=float, help="load: callbacks per page per second (2)")
    ap.add_argument("--pages-inproc", action="store_true",
                    help="load: run the pages in the server's process (default: a "
                         "separate process)")
    ap.add_argument("--frames", type=int, help="fuzz: frames (default 10000, quick 1000)")
    ap.add_argument("--seed", type=int, help="fuzz: Hypothesis seed")
    ap.add_argument("--no-chromium", action="store_true", help="kill: fake pages only")
    ap.add_argument("--output", type=Path, default=RESULTS / "reliability.json")
    args = ap.parse_args(argv)
    chosen = [s.strip() for s in (args.only or ",".join(SCENARIOS)).split(",") if s.strip()]
    bad = [s for s in chosen if s not in SCENARIOS]
    if bad:
        ap.error(f"unknown scenario(s) {', '.join(bad)}; known: {', '.join(SCENARIOS)}")
    args.scenarios = chosen
    return args


def worker_cmd(name: str, args: argparse.Namespace, limit: float, pidfile: str) -> list[str]:
    cmd = [sys.executable, "-m", "bench.reliability.worker", name,
           "--deadline", str(limit - 30)]
    if args.quick:
        cmd.append("--quick")
    opts = {"load": ("pages", "duration", "rate"), "fuzz": ("frames", "seed"), "kill": ()}
    for opt in opts[name]:
        value = getattr(args, opt)
        if value is not None:
            cmd += [f"--{opt}", str(value)]
    if name == "load" and args.pages_inproc:
        cmd.append("--pages-inproc")
    if name == "kill":
        cmd += ["--pidfile", pidfile] + (["--no-chromium"] if args.no_chromium else [])
    return cmd


def run_worker(name: str, args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    """One scenario in its own process group; its result (or the reason it has none)."""
    limit = hard_timeout(name, args.quick, args)
    scratch = tempfile.mkdtemp(prefix="pgw-reliability-")   # pids and browser profiles
    pidfile = os.path.join(scratch, "pids")
    stderr_path = log_dir / f"reliability.{name}.stderr.txt"
    t0 = time.monotonic()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    try:
        with open(stderr_path, "w") as err:
            proc = subprocess.Popen(worker_cmd(name, args, limit, pidfile),
                                    stdout=subprocess.PIPE, stderr=err, text=True,
                                    cwd=ROOT, env=env, start_new_session=True)
            try:
                out, _ = proc.communicate(timeout=limit)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                proc.wait(10)
                return {"scenario": name, "ok": False,
                        "error": f"hard timeout: killed after {limit:.0f} s",
                        "seconds": round(time.monotonic() - t0, 1)}
            finally:
                _kill_group(proc.pid)              # anything it left behind
    finally:
        _kill_browsers(pidfile)
        shutil.rmtree(scratch, ignore_errors=True)
    seconds = round(time.monotonic() - t0, 1)
    for line in out.splitlines():
        if line.startswith(PREFIX):
            result: dict[str, Any] = json.loads(line[len(PREFIX):])
            result["seconds"] = seconds
            if result.get("traceback"):
                (log_dir / f"reliability.{name}.traceback.txt").write_text(result["traceback"])
            return result
    tail = stderr_path.read_text(errors="replace").strip().splitlines()[-3:]
    return {"scenario": name, "ok": False, "seconds": seconds,
            "error": f"no result (exit {proc.returncode}): {' | '.join(tail)[-300:]}"}


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_browsers(pidfile: str) -> None:
    """Kill the process groups of the browsers the kill worker started (by the ids it
    wrote down, and only if they still are Chromium)."""
    try:
        pids = [int(x) for x in Path(pidfile).read_text().split()]
    except (OSError, ValueError):
        pids = []
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"chrom" in cmdline:
            _kill_group(pid)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    log_dir = args.output.parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    before = machine()
    print(f"reliability: {', '.join(args.scenarios)} ({'quick' if args.quick else 'full'}); "
          f"load average {before['loadavg'][0]} on {before['cpus']} CPUs"
          + (f", CPU pressure {before['cpu_pressure_some']['avg60']:.0f}%"
             if "cpu_pressure_some" in before else ""), flush=True)
    if before["loadavg"][0] > (before["cpus"] or 1):
        print("reliability: warning: the machine is busy; latencies and rates will be "
              "noisy (errors, leaks and findings are not)", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for name in args.scenarios:
        print(f"reliability: {name} ...", flush=True)
        results[name] = run_worker(name, args, log_dir)
        print(f"reliability: {name}: {'PASS' if results[name].get('ok') else 'FAIL'} "
              f"({results[name].get('seconds')} s)", flush=True)
    after = machine()
    print()
    print(report.table(results))
    problems = report.failures(results)
    if problems:
        print("\nfailed checks and findings:")
        for p in problems:
            print("  " + p)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "machine_before": before, "machine_after": after, "quick": args.quick,
        "argv": sys.argv[1:] if argv is None else argv, "results": results},
        indent=1, default=repr))
    print(f"\nreliability: wrote {args.output}")
    return 0 if all(r.get("ok") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
