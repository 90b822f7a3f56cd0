"""Run Debian's nginx on a configuration of ours, in a temporary directory of its own
(the proxy bench; tests/nginxutil.py uses it too)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

NGINX = os.environ.get("PGWIDGETS_NGINX", "/usr/sbin/nginx")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_ports(n: int, host: str = "127.0.0.1") -> int:
    """A port P such that P..P+n-1 are free on ``host`` now (a probe: bound and let go;
    for workers that listen on consecutive ports)."""
    for _ in range(50):
        base = free_port(host)
        if base + n > 65535:
            continue
        held = []
        try:
            for p in range(base, base + n):
                held.append(socket.socket())
                held[-1].bind((host, p))
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError(f"no {n} consecutive free ports on {host}")


class NginxError(RuntimeError):
    pass


@contextmanager
def run_nginx(conf: str, *, public_port: int, tmp: Path,
              public_host: str = "127.0.0.1") -> Iterator[None]:
    """nginx serving the ``http``-context configuration ``conf`` until the block ends;
    it listens at public_host:public_port when the block starts."""
    if not (os.path.isfile(NGINX) and os.access(NGINX, os.X_OK)):
        raise NginxError(f"nginx not found at {NGINX}: run `make chromium` "
                         "(apt-get install nginx-light)")
    temp = "".join(f"    {k}_temp_path {tmp}/{k};\n"
                   for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(
        f"{'user root;' if os.geteuid() == 0 else ''}\n"   # workers read 0700 temp dirs
        f"daemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log info;\n"
        # each page holds two connections (browser and upstream): the default 512
        # turns pages away above ~250 sessions
        f"events {{ worker_connections 4096; }}\nhttp {{\n    access_log {tmp}/access.log;\n{temp}{conf}\n}}\n")
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as s:
                if s.connect_ex((public_host, public_port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                log = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
                raise NginxError(f"nginx did not start: {out}\n{log}")
            time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
