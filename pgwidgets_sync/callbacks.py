"""Callbacks for Python-side objects of the blocking API: the registration of
:mod:`pgwidgets_core.callbacks`, with a plain ``make_callback``::

    from pgwidgets_sync.callbacks import Callbacks

    class Tool(Callbacks):
        def __init__(self):
            super().__init__()
            self.enable_callback("done")

        def work(self):
            self.make_callback("done", 42)

    Tool().on("done", print)
"""

from __future__ import annotations

import logging
from typing import Any

from pgwidgets_core.callbacks import CallbackTable

from .proxy import plain

__all__ = ["Callbacks"]

log = logging.getLogger(__name__)


class Callbacks(CallbackTable):
    """Callback registration and dispatch for blocking objects. Handlers are plain
    functions; they run on the thread that calls :meth:`make_callback`."""

    def make_callback(self, action: str, *args: Any) -> None:
        """Run every handler of ``action`` in registration order. A handler's
        exception is logged and the rest still run."""
        for call in self.handler_calls(action, args):
            try:
                call()
            except Exception:
                log.exception("%s handler %r for %r failed", type(self).__name__,
                              call.func, action)

    def check_handler(self, action: str, handler: Any) -> None:
        """Refuse what is not a plain function (a coroutine would never run here)."""
        plain(handler)
