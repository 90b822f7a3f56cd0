"""Session ids, and how a page's WebSocket finds the process that owns its session.

One process numbers its sessions 1, 2, 3... A *worker* among several
(``Application(worker="w2")``, see :mod:`pgwidgets_core.launcher`) names them ``w2-7f3a-1``,
``w2-7f3a-2``... (``7f3a``: this process, so a restarted worker never reuses an id): the id
says which worker owns the session, so a proxy can route every later
connection of that session (reload, second tab, reconnect) to it by the id alone, with no
state shared between workers. The page of a worker adds ``?session=ID`` to its WebSocket
URL at each connect (:data:`ROUTE_SCRIPT`), which is what the proxy reads.
"""

from __future__ import annotations

import re
import secrets
from typing import Any, Container

__all__ = ["SessionIds", "ROUTE_SCRIPT", "check_worker_name"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Put in the connector page before pgwidgets-js runs: every WebSocket to the page's
#: WebSocket URL carries the session id the page will present (the address's
#: ``session=``, else the one kept in sessionStorage; pgwidgets-js's own order), so a
#: reconnect after the session began is routed to its owner. When the server ends the
#: session (close code 4000-4999) the address loses its ``session``/``token``, so that
#: reloading starts a new session instead of presenting the ended one again.
ROUTE_SCRIPT = """<script>(() => {
  const Base = window.WebSocket, home = window.PGWIDGETS_WS_URL;
  const sid = () => {
    const p = new URLSearchParams(location.search).get('session');
    if (p) return p;
    try { return sessionStorage.getItem('pgwidgets_session_id'); } catch (e) { return null; }
  };
  window.WebSocket = class extends Base {
    constructor(url, protocols) {
      const s = url === home ? sid() : null;
      if (s) url += (url.includes('?') ? '&' : '?') + 'session=' + encodeURIComponent(s);
      super(url, protocols);
      this.addEventListener('close', (e) => {
        if (e.code < 4000 || e.code > 4999) return;
        const clean = new URL(location.href);
        clean.searchParams.delete('session');
        clean.searchParams.delete('token');
        history.replaceState(history.state, '', clean.href);
      });
    }
  };
})();</script>
"""


def check_worker_name(name: Any) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"worker must be a name of letters, digits and _ starting with a "
                         f"letter (e.g. 'w1'), got {name!r}")
    return name


class SessionIds:
    """Allocates the ids of new sessions and tells which ids are this process's.

    ``worker=None``: integers from 1 (the pgwidgets-js default; any id a page brings
    is accepted, so bookmarked links survive a restart). ``worker="w2"``:
    ``"w2-<tag>-1"``, ``"w2-<tag>-2"``... with ``tag`` this process's (random); an id of
    another worker, or of this worker that this process does not hold (an earlier
    process of the worker made it, or it was closed), is not accepted.
    """

    def __init__(self, worker: str | None = None, tag: str | None = None) -> None:
        self.worker = None if worker is None else check_worker_name(worker)
        self.tag = tag or secrets.token_hex(2)
        self._worker_prefix = None if worker is None else f"{worker}-"
        self._prefix = None if worker is None else f"{worker}-{self.tag}-"
        self._next = 1

    def allocate(self, taken: Container[Any]) -> int | str:
        """The next id not in ``taken``."""
        while self._make(self._next) in taken:
            self._next += 1
        sid = self._make(self._next)
        self._next += 1
        return sid

    def _make(self, n: int) -> int | str:
        return n if self._prefix is None else f"{self._prefix}{n}"

    def seen(self, sid: Any) -> None:
        """A session with id ``sid`` was made: later allocations skip past it."""
        n = sid if self._prefix is None else self._number(sid)
        if isinstance(n, int) and not isinstance(n, bool) and n >= self._next:
            self._next = n + 1

    def _number(self, sid: Any) -> int | None:
        if isinstance(sid, str) and self._prefix and sid.startswith(self._prefix):
            rest = sid[len(self._prefix):]
            if rest.isascii() and rest.isdigit():
                return int(rest)
        return None

    def refusal(self, sid: Any) -> str | None:
        """Why a page presenting ``sid``, which this process does not hold, is refused
        (None: it is accepted and a session of that id is made)."""
        if self._prefix is None:
            return None
        shown = str(sid) if len(str(sid)) <= 24 else str(sid)[:21] + "..."
        if self._number(sid) is not None:
            return f"Session {shown} has ended. Reload the page to start a new session."
        if isinstance(sid, str) and sid.startswith(self._worker_prefix or "-"):
            return (f"Session {shown} has ended: its worker restarted. "
                    f"Reload the page to start a new session.")
        return (f"Session {shown} does not belong to worker {self.worker}: "
                f"the proxy routed it to the wrong process.")
