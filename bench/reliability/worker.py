"""Runs one scenario in this process and prints its result as one JSON line.

``python -m bench.reliability.worker SCENARIO [--quick] [options]``; started by
``python -m bench.reliability``, which kills it (and what it started) at its hard
timeout. The result line starts with :data:`PREFIX`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback
from typing import Any

PREFIX = "RELIABILITY-RESULT "

#: Per scenario: (full, quick) parameters.
PARAMS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "load": ({"pages": 100, "duration": 60.0, "rate": 2.0},
             {"pages": 20, "duration": 10.0, "rate": 2.0}),
    "fuzz": ({"frames": 10_000}, {"frames": 1_000}),
    "kill": ({"widgets": 1000}, {"widgets": 1000}),
}


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.reliability.worker")
    ap.add_argument("scenario", choices=sorted(PARAMS))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--deadline", type=float, default=600.0,
                    help="the scenario's own time limit (the parent kills at a later one)")
    ap.add_argument("--pages", type=int)
    ap.add_argument("--duration", type=float)
    ap.add_argument("--rate", type=float)
    ap.add_argument("--pages-inproc", action="store_true")
    ap.add_argument("--frames", type=int)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--widgets", type=int)
    ap.add_argument("--no-chromium", action="store_true")
    ap.add_argument("--pidfile", help="write the pids of browsers started here to this file")
    args = ap.parse_args(argv)
    defaults = PARAMS[args.scenario][1 if args.quick else 0]
    for k, v in defaults.items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    return args


async def scenario(args: argparse.Namespace) -> dict[str, Any]:
    """Run the scenario ``args`` names."""
    if args.scenario == "load":
        from . import load
        return await load.run(args.pages, args.duration, args.rate, args.pages_inproc,
                              args.deadline)
    if args.scenario == "fuzz":
        from . import fuzz
        return await fuzz.run(args.frames, args.seed, args.deadline)
    from . import kill
    return await kill.run(args.widgets, not args.no_chromium, args.pidfile, args.deadline)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        result = asyncio.run(scenario(args))
    except BaseException as exc:              # noqa: BLE001 - reported, not raised
        result = {"scenario": args.scenario, "ok": False,
                  "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    print(PREFIX + json.dumps(result, default=repr), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
