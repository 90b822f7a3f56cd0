"""The exception hierarchy shared by ``pgwidgets_core`` and ``pgwidgets_sync``."""

from __future__ import annotations

from typing import Any

__all__ = [
    "PgwidgetsError",
    "BrowserError",
    "ProtocolError",
    "ApplicationClosedError",
    "SessionClosedError",
    "UnknownCallbackWarning",
]


class PgwidgetsError(Exception):
    """Base class of every error this library raises on purpose."""


class BrowserError(PgwidgetsError):
    """The browser answered a message with an error.

    ``message`` is the browser's own text; ``widget_class``, ``wid`` and
    ``method`` name the call that failed (``None`` where they do not apply,
    e.g. for a failed ``create`` the method is ``"create"``); ``batch_index`` is
    the call's index in the ``session.batch()`` it was made in (else ``None``).
    """

    def __init__(self, message: str, *, widget_class: str | None = None,
                 wid: int | None = None, method: str | None = None,
                 args: Any = None, batch_index: int | None = None) -> None:
        self.message = message
        self.widget_class = widget_class
        self.wid = wid
        self.method = method
        self.args_sent = args
        self.batch_index = batch_index
        where = ""
        if widget_class is not None or method is not None:
            target = f"{widget_class or '?'}(wid={wid})"
            where = f"{target}.{method}" if method else target
            if batch_index is not None:
                where += f" (call {batch_index} of a batch)"
            where += ": "
        super().__init__(f"{where}{message}")


class ProtocolError(PgwidgetsError, ValueError):
    """An inbound frame does not follow the pgwidgets protocol."""


class ApplicationClosedError(PgwidgetsError):
    """The application was closed; it accepts no more work."""


class SessionClosedError(PgwidgetsError):
    """The session was destroyed; its widgets accept no more calls."""


class UnknownCallbackWarning(UserWarning):
    """``on()`` / ``add_callback()`` with an action the pgwidgets-js definitions do not
    list for the class: the handler is kept (the definitions miss some callbacks pages
    emit, e.g. drag and drop), but a misspelt action never fires."""
