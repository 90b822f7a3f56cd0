"""Run Debian's nginx with a configuration block taken from docs/deployment.md, on free
ports, in a temporary directory of its own (``make test`` installs nginx)."""

from __future__ import annotations

import re
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from bench.nginxrun import NginxError, free_port, free_ports, run_nginx  # noqa: F401

DOC = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"


def doc_block(heading: str) -> str:
    """The ```nginx block under the ``## heading`` of docs/deployment.md."""
    text = DOC.read_text()
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


@contextmanager
def nginx(block: str, *, app_port: int | None, public_port: int, tmp: Path,
          cert: Path | None = None, key: Path | None = None,
          root: Path | None = None) -> Iterator[None]:
    """nginx serving ``block`` (the doc's, with its example ports and files replaced)."""
    if root is not None:
        block = block.replace("root /srv/myapp;", f"root {root};")
    conf = (block.replace("127.0.0.1:9501", f"127.0.0.1:{app_port}")
            .replace("listen 80;", f"listen 127.0.0.1:{public_port};")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{public_port} ssl;"))
    if cert is not None and key is not None:
        conf = (conf.replace("/etc/ssl/certs/myapp.pem", str(cert))
                .replace("/etc/ssl/private/myapp.key", str(key)))
    assert f"127.0.0.1:{public_port}" in conf
    assert app_port is None or f"127.0.0.1:{app_port}" in conf
    assert root is None or f"root {root};" in conf
    with serve_conf(conf, public_port=public_port, tmp=tmp):
        yield


@contextmanager
def serve_conf(conf: str, *, public_port: int, tmp: Path,
               public_host: str = "127.0.0.1") -> Iterator[None]:
    """nginx serving the ``http``-context configuration ``conf``, listening at
    public_host:public_port, until the block ends."""
    try:
        with run_nginx(conf, public_port=public_port, tmp=tmp, public_host=public_host):
            yield
    except NginxError as exc:
        pytest.fail(str(exc), pytrace=False)


def self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True,
                   capture_output=True, timeout=60)
    return cert, key
