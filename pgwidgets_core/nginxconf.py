"""The nginx configuration for several workers (:mod:`pgwidgets_core.launcher`).

A new page, its assets and its first WebSocket go to the upstream of all workers,
``least_conn``: nginx sends the WebSocket to the worker with the fewest open
connections, and that worker makes the session (``w2-5``). Every later WebSocket of
the session (reload, second tab, reconnect) carries ``?session=w2-5`` and goes to its
owner's own upstream, chosen by a ``map`` on the id's prefix. The pages and assets are
the same on every worker, so they are served by any.
"""

from __future__ import annotations

from dataclasses import dataclass

from .routing import check_worker_name

__all__ = ["Upstream", "nginx_conf", "parse_upstream"]


@dataclass(frozen=True)
class Upstream:
    """A worker as nginx reaches it: ``name`` (its session-id prefix) at host:port."""
    name: str
    host: str
    port: int

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_upstream(text: str) -> Upstream:
    """``"w3=10.0.0.2:9601"`` -> ``Upstream("w3", "10.0.0.2", 9601)``."""
    name, sep, where = text.partition("=")
    host, colon, port = where.rpartition(":")
    if not sep or not colon or not host or not port.isdigit():
        raise ValueError(f"a worker is NAME=HOST:PORT (e.g. w3=10.0.0.2:9601), got {text!r}")
    return Upstream(check_worker_name(name), host.strip("[]"), int(port))


def nginx_conf(workers: list[Upstream], *, listen: str = "80",
               server_name: str = "example.com", prefix: str = "/myapp/",
               ws_path: str = "ws", tls: tuple[str, str] | None = None) -> str:
    """The ``http``-context configuration serving ``workers`` at ``prefix`` (a path
    ending in ``/``); ``tls=(certificate, key)`` adds ``ssl`` to ``listen``."""
    if not workers:
        raise ValueError("nginx_conf needs at least one worker")
    names = [w.name for w in workers]
    if len(set(names)) != len(names):
        raise ValueError(f"worker names must differ, got {names}")
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"prefix must start and end with '/', got {prefix!r}")
    lines = ["map $http_upgrade $pgw_connection {",
             "    default upgrade;",
             "    ''      close;",
             "}",
             "",
             "upstream pgw_all {",
             "    least_conn;",
             *(f"    server {w.address};" for w in workers),
             "}",
             ""]
    for w in workers:
        lines += [f"upstream pgw_{w.name} {{", f"    server {w.address};", "}", ""]
    width = max(len(n) for n in names) + 1
    lines += ["map $arg_session $pgw_upstream {",
              *(f"    ~^{w.name + '-':<{width}} pgw_{w.name};" for w in workers),
              f"    {'default':<{width + 2}} pgw_all;",
              "}",
              "",
              "server {",
              f"    listen {listen}{' ssl' if tls else ''};",
              f"    server_name {server_name};"]
    if tls:
        lines += [f"    ssl_certificate     {tls[0]};", f"    ssl_certificate_key {tls[1]};"]
    proxy = ["        proxy_http_version 1.1;",
             "        proxy_set_header Upgrade $http_upgrade;",
             "        proxy_set_header Connection $pgw_connection;",
             "        proxy_set_header Host $host;",
             "        proxy_read_timeout 1h;",
             "        proxy_send_timeout 1h;"]
    lines += ["",
              f"    location = {prefix}{ws_path} {{",
              f"        proxy_pass http://$pgw_upstream/{ws_path}$is_args$args;",
              *proxy,
              "    }",
              "",
              f"    location {prefix} {{",
              "        proxy_pass http://pgw_all/;",
              *proxy,
              "    }",
              "}"]
    return "\n".join(lines) + "\n"
