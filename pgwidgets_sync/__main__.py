"""``python -m pgwidgets_sync``: a live pgwidgets session at an interactive prompt.

Starts an application, creates one session, prints its URL (``--open`` opens the
system browser too), then runs a Python console with ``app``, ``session`` and ``W``
(the session's widget namespace) bound::

    >>> top = W.TopLevel(title="Live"); btn = W.Button("Click me")
    >>> top.set_widget(btn); top.show()          # appears in the browser at once
    >>> btn.on("activated", lambda: print("clicked"))

Handlers run on the session's own thread (``per_session`` mode), so they run while
the prompt waits for input. Ctrl-D (Ctrl-Z Enter on Windows) or ``exit()`` closes
the application and exits with status 0. See docs/hosts-and-repl.md.
"""

from __future__ import annotations

import argparse
import code
import sys
import webbrowser
from typing import Any

from . import Application

BANNER = """pgwidgets_sync {version} - a live session at the prompt.
Open {url}
Bound: app, session, W (widget classes: W.TopLevel, W.Button, W.Label, ...).
Try:   top = W.TopLevel(title="Live"); btn = W.Button("Click me")
       top.set_widget(btn); top.show()
       btn.on("activated", lambda: print("clicked"))
Ctrl-D (or exit()) closes everything."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m pgwidgets_sync",
                                 description="Start a pgwidgets application and session, "
                                             "print its URL, and open a Python prompt with "
                                             "app, session and W bound.")
    ap.add_argument("--host", default="127.0.0.1",
                    help="interface to listen on (default: %(default)s)")
    ap.add_argument("--port", type=int, default=9501,
                    help="HTTP port of the page; 0 picks a free one (default: %(default)s)")
    ap.add_argument("--ws-port", type=int, default=0,
                    help="WebSocket port; 0 picks a free one (default: %(default)s)")
    ap.add_argument("--open", action="store_true", help="open the session in the system browser")
    ap.add_argument("--mode", default="per_session",
                    choices=["per_session", "concurrent"],
                    help="concurrency_handling: where handlers run (default: %(default)s)")
    return ap.parse_args(argv)


def namespace(app: Application) -> dict[str, Any]:
    """The names the console starts with."""
    session = app.create_session()
    return {"app": app, "session": session, "W": session.get_widgets(),
            "__name__": "__console__", "__doc__": None}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from importlib.metadata import PackageNotFoundError, version
    try:
        ver = version("pgwidgets-sync")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        ver = "dev"
    app = Application(ws_port=args.ws_port, http_port=args.port, host=args.host,
                      concurrency_handling=args.mode)
    try:
        app.start()
        ns = namespace(app)
        url = ns["session"].url
        if args.open:
            webbrowser.open(url)
        try:
            import readline  # noqa: F401  (line editing and history, where available)
            import rlcompleter
            readline.set_completer(rlcompleter.Completer(ns).complete)
            readline.parse_and_bind("tab: complete")
        except ImportError:
            pass
        console = code.InteractiveConsole(ns)
        print(BANNER.format(version=ver, url=url), flush=True)
        try:
            console.interact(banner="", exitmsg="")
        except SystemExit:       # exit() / quit() at the prompt
            pass
    finally:
        app.close()
    print("closed.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
