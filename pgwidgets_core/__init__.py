"""pgwidgets_core: the asyncio API for pgwidgets-js browser UIs.

::

    from pgwidgets_core import Application

    app = Application()

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Hello", resizable=True)
        btn = await W.Button("Click me")
        await btn.on("activated", lambda: print("clicked"))
        await top.set_widget(btn)
        await top.show()

    asyncio.run(app.run())
"""

from .application import Application
from .buffer import Buffer, is_buffer
from .errors import (ApplicationClosedError, BrowserError, PgwidgetsError, ProtocolError,
                     SessionClosedError)
from .session import Session
from .widget import Widget

__all__ = ["Application", "Session", "Widget", "PgwidgetsError", "BrowserError",
           "ProtocolError", "ApplicationClosedError", "SessionClosedError", "Buffer",
           "is_buffer"]
