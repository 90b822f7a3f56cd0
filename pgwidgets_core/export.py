"""The page and its assets as files, for a web server of your own to serve
(``Application(http_server=False)``)::

    python -m pgwidgets_core export /srv/myapp --ws-url wss://example.com/ws
    python -m pgwidgets_core export /srv/myapp --ws-path ws     # beside the page
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pgwidgets_js

from . import bundle
from .site import inject_ws_url, relative_links, ws_from_location

__all__ = ["export_static", "main"]


def export_static(directory: str | Path, *, ws_url: str | None = None,
                  ws_path: str | None = None) -> Path:
    """Write ``index.html`` (the connector page) and pgwidgets-js's files, bundled as the
    built-in server serves them, to ``directory``. The page connects to ``ws_url``
    (``ws://host:9500``, ``wss://example.com/ws``), or with ``ws_path`` to that path next to
    the page (scheme and prefix kept). Returns the directory."""
    if (ws_url is None) == (ws_path is None):
        raise ValueError("export_static needs one of ws_url (e.g. 'ws://127.0.0.1:9500') "
                         "or ws_path (e.g. 'ws')")
    if ws_url is not None and not ws_url.startswith(("ws://", "wss://")):
        raise ValueError(f"ws_url must start with ws:// or wss://, got {ws_url!r}")
    out = Path(directory)
    static = Path(pgwidgets_js.get_static_path())
    shutil.copytree(static, out, dirs_exist_ok=True)
    page = Path(pgwidgets_js.get_remote_html()).read_bytes()
    found = bundle.build(static, page)
    if found is not None:
        page = found.rewrite(page)
        (out / found.script_path.lstrip("/")).write_bytes(found.script)
        (out / found.style_path.lstrip("/")).write_bytes(found.style)
    shutil.copyfile(static / "icons" / "pgicon.svg", out / "favicon.svg")
    page = relative_links(page)
    page = (inject_ws_url(page, ws_url) if ws_url is not None
            else inject_ws_url(page, ws_from_location(str(ws_path).strip("/")), expression=True))
    (out / "index.html").write_bytes(page)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pgwidgets_core export",
                                     description="write the page and assets to a directory")
    parser.add_argument("directory")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--ws-url", help="the WebSocket URL the page connects to")
    where.add_argument("--ws-path", help="the WebSocket's path beside the page")
    args = parser.parse_args(argv)
    out = export_static(args.directory, ws_url=args.ws_url, ws_path=args.ws_path)
    print(f"wrote the page and assets to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
