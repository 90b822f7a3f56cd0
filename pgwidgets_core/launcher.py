"""Several worker processes behind nginx::

    python -m pgwidgets_core serve myapp:make_app --workers 2 --port 9601 \\
        --origin https://example.com --nginx-conf /etc/nginx/conf.d/myapp.conf

``make_app(**options)`` returns the :class:`~pgwidgets_core.Application` (or a
``pgwidgets_sync.Application``) of one worker,
built with the ``options`` it is given (``http_port``, ``host``, ``ws_path``, ``worker``,
``max_sessions``, ``allowed_origins``; override any by passing your own value after
them). Worker *k* is named ``w<k>`` and listens on ``port + k - 1``; its sessions are
``w<k>-1``, ``w<k>-2``... The launcher restarts a worker that dies: the pages of its
sessions are told their session ended; the other workers' sessions are untouched.
``--nginx-conf`` writes the matching configuration (:mod:`.nginxconf`); ``--also
NAME=HOST:PORT`` adds workers another machine runs (launched there with another
``--name``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from .nginxconf import Upstream, nginx_conf, parse_upstream
from .routing import check_worker_name

__all__ = ["load_factory", "worker_main", "serve_main", "Supervisor"]

_RESTART_DELAYS = (0.0, 0.5, 1.0, 2.0, 5.0)   # after deaths in quick succession
_STABLE = 10.0             # seconds up after which a worker's deaths are forgotten


def load_factory(spec: str) -> Callable[..., Any]:
    """``"package.module:function"`` -> the function."""
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"expected MODULE:FACTORY (e.g. myapp:make_app), got {spec!r}")
    factory = importlib.import_module(module)
    for part in name.split("."):
        factory = getattr(factory, part)
    if not callable(factory):
        raise TypeError(f"{spec} is not callable")
    return factory


def _worker_options(args: argparse.Namespace, name: str, port: int) -> dict[str, Any]:
    return {"http_port": port, "host": args.host, "ws_path": "ws", "worker": name,
            "max_sessions": None, "allowed_origins": list(args.origin)}


# ---- one worker -----------------------------------------------------------------

def worker_main(argv: list[str]) -> int:
    """``python -m pgwidgets_core worker SPEC --name w1 --port 9601 ...`` (the launcher
    runs it; it is one process of the app)."""
    p = argparse.ArgumentParser(prog="python -m pgwidgets_core worker")
    p.add_argument("factory")
    p.add_argument("--name", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--origin", action="append", default=[])
    args = p.parse_args(argv)
    app = load_factory(args.factory)(**_worker_options(args, args.name, args.port))
    if inspect.iscoroutinefunction(app.run):
        asyncio.run(_run_worker(app, args.name))
    else:                                      # a pgwidgets_sync.Application
        def interrupt(*_: Any) -> None:
            raise KeyboardInterrupt            # its run() closes on Ctrl-C
        signal.signal(signal.SIGTERM, interrupt)
        app.start()
        _serving(args.name, app.url)
        app.run()
    return 0


def _serving(name: str, url: str) -> None:
    print(f"pgwidgets: worker {name} (pid {os.getpid()}) serving on {url}", flush=True)


async def _run_worker(app: Any, name: str) -> None:
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(app.close()))
    await app.start()
    _serving(name, app.url)
    await app.run()


# ---- the supervisor -------------------------------------------------------------

class Supervisor:
    """Starts a process per worker and starts it again when it dies."""

    def __init__(self, commands: dict[str, list[str]], log: Callable[[str], None]) -> None:
        self.commands = commands
        self.log = log
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._started: dict[str, float] = {}
        self._deaths: dict[str, int] = {name: 0 for name in commands}
        self._due: dict[str, float] = {}
        self._stopping = False

    def start(self) -> None:
        for name in self.commands:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        self.procs[name] = subprocess.Popen(self.commands[name])
        self._started[name] = time.monotonic()

    def poll(self) -> None:
        """Notice dead workers; start those whose restart delay has passed."""
        now = time.monotonic()
        for name, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None or self._stopping:
                continue
            del self.procs[name]
            if now - self._started[name] > _STABLE:
                self._deaths[name] = 0
            delay = _RESTART_DELAYS[min(self._deaths[name], len(_RESTART_DELAYS) - 1)]
            self._deaths[name] += 1
            self.log(f"pgwidgets: worker {name} (pid {proc.pid}) exited with code {code}; "
                     f"restarting it in {delay:g} s")
            self._due[name] = now + delay
        for name, due in list(self._due.items()):
            if now >= due and not self._stopping:
                del self._due[name]
                self._spawn(name)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every worker to close (SIGTERM), kill those still there after ``timeout``."""
        self._stopping = True
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        end = time.monotonic() + timeout
        for proc in self.procs.values():
            try:
                proc.wait(max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def serve_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(
        prog="python -m pgwidgets_core serve",
        description="run N worker processes of an app, for nginx to route by session")
    p.add_argument("factory", help="MODULE:FUNCTION returning the Application of a worker")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=9601, help="worker k listens on PORT+k-1")
    p.add_argument("--host", default="127.0.0.1", help="the workers' address")
    p.add_argument("--name", default="w", help="workers are NAME1, NAME2... (default w)")
    p.add_argument("--origin", action="append", default=[],
                   help="a public origin pages come from, e.g. https://example.com")
    p.add_argument("--nginx-conf", type=Path, help="write the nginx configuration here")
    p.add_argument("--also", action="append", default=[], type=parse_upstream,
                   help="NAME=HOST:PORT: a worker another machine runs (nginx routes to it)")
    p.add_argument("--listen", default="80", help="nginx's listen (default 80)")
    p.add_argument("--server-name", default="example.com")
    p.add_argument("--prefix", default="/myapp/", help="the public path (default /myapp/)")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="nginx listens with TLS")
    args = p.parse_args(argv)
    if args.workers < 1:
        p.error("--workers must be at least 1")
    check_worker_name(args.name + "1")
    load_factory(args.factory)                  # fail here, not in every worker
    ours = [Upstream(f"{args.name}{k}", args.host, args.port + k - 1)
            for k in range(1, args.workers + 1)]
    if args.nginx_conf is not None:
        args.nginx_conf.write_text(nginx_conf(
            ours + args.also, listen=args.listen, server_name=args.server_name,
            prefix=args.prefix, tls=tuple(args.tls) if args.tls else None))
        print(f"pgwidgets: wrote the nginx configuration to {args.nginx_conf}", flush=True)
    commands = {w.name: [sys.executable, "-m", "pgwidgets_core", "worker", args.factory,
                         "--name", w.name, "--port", str(w.port), "--host", args.host,
                         *(a for o in args.origin for a in ("--origin", o))]
                for w in ours}
    sup = Supervisor(commands, lambda line: print(line, file=sys.stderr, flush=True))
    stop = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(True))
    sup.start()
    try:
        while not stop:
            sup.poll()
            time.sleep(0.1)
    finally:
        sup.stop()
    return 0
