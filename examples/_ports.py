"""The ports an example listens on: ``--ws-port N --http-port N`` on the command line,
else ``PGWIDGETS_WS_PORT`` / ``PGWIDGETS_HTTP_PORT`` in the environment, else 9500 /
9501. Port 0 lets the system choose (the example prints the URL)."""

from __future__ import annotations

import argparse
import os
from typing import TypedDict


class Ports(TypedDict):
    ws_port: int
    http_port: int


def ports() -> Ports:
    """``Application(**ports())``."""
    parser = argparse.ArgumentParser(description="a pgwidgets example")
    parser.add_argument("--ws-port", type=int,
                        default=int(os.environ.get("PGWIDGETS_WS_PORT", 9500)))
    parser.add_argument("--http-port", type=int,
                        default=int(os.environ.get("PGWIDGETS_HTTP_PORT", 9501)))
    args, _ = parser.parse_known_args()
    return {"ws_port": args.ws_port, "http_port": args.http_port}
