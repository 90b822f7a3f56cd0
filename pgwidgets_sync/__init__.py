"""pgwidgets_sync: the blocking API for pgwidgets-js browser UIs.

The API of ``pgwidgets_core``, blocking instead of awaitable: the core runs on a
thread of its own, handlers are plain functions run on threads of ours (see
``concurrency_handling``). ``docs/sync-api.md`` tells the rest::

    app = Application()

    @app.on_connect
    def setup(session):
        W = session.get_widgets()
        top, btn = W.TopLevel(title="Hello"), W.Button("Click me")
        btn.on("activated", lambda: print("clicked"))
        top.set_widget(btn)
        top.show()

    app.run()
"""

from pgwidgets_core.errors import (ApplicationClosedError, BrowserError, PgwidgetsError,
                                   ProtocolError, SessionClosedError)
from pgwidgets_core.buffer import Buffer, is_buffer

from .application import Application
from .session import Session
from .widget import Widget

__all__ = ["Application", "Session", "Widget", "PgwidgetsError", "BrowserError",
           "ProtocolError", "ApplicationClosedError", "SessionClosedError", "Buffer",
           "is_buffer"]
