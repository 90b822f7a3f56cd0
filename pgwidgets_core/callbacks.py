"""Callbacks for Python-side objects that are not pgwidgets-js widgets.

A composite (a :class:`~pgwidgets_core.extras.file_browser.FileBrowser`) or a tool of
your own offers handler registration with the names of a widget's: ``on`` (no source
argument), ``add_callback`` (the object first), ``remove_callback``,
``clear_callback``; it fires an action with ``await self.make_callback(action, ...)``::

    from pgwidgets_core.callbacks import Callbacks

    class Downloader(Callbacks):
        def __init__(self):
            super().__init__()
            self.enable_callback("done")

        async def fetch(self, url):
            data = ...
            await self.make_callback("done", url, data)

    d = Downloader()
    d.on("done", lambda url, data: ...)             # plain or coroutine function
    d.add_callback("done", show)                     # show(d, url, data)

Registration is a plain call (as in the reference binding) in both APIs; only
``make_callback`` differs: a coroutine here, which awaits coroutine handlers in
order, and a plain call in ``pgwidgets_sync.callbacks``. The table is not
thread-safe: use an object from one thread (the event loop here).
"""

from __future__ import annotations

import inspect
import logging
import warnings
from functools import partial
from typing import Any, Callable, Iterator

__all__ = ["CallbackTable", "Callbacks"]

log = logging.getLogger(__name__)

# One registration: handler, extra positional args, extra keywords, source-first?
_Entry = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], bool]


class CallbackTable:
    """Handler registration shared by the asyncio and blocking ``Callbacks``."""

    def __init__(self) -> None:
        self._cb: dict[str, list[_Entry]] = {}

    def enable_callback(self, action: str) -> None:
        """Declare ``action`` as a callback of this object."""
        self._cb.setdefault(action, [])

    def has_callback(self, action: str) -> bool:
        """True if ``action`` was enabled (or has had a handler)."""
        return action in self._cb

    def add_callback(self, action: str, handler: Callable[..., Any], *extra_args: Any,
                     **extra_kwargs: Any) -> None:
        """Call ``handler(self, *callback_args, *extra_args, **extra_kwargs)`` on
        ``action``."""
        self._add(action, (handler, extra_args, extra_kwargs, True))

    def on(self, action: str, handler: Callable[..., Any], *extra_args: Any,
           **extra_kwargs: Any) -> None:
        """Call ``handler(*callback_args, *extra_args, **extra_kwargs)`` on ``action``
        (no source argument)."""
        self._add(action, (handler, extra_args, extra_kwargs, False))

    def remove_callback(self, action: str, handler: Callable[..., Any]) -> None:
        """Forget every registration of ``handler`` for ``action``. Handlers compare
        equal, so ``remove_callback("done", self.on_done)`` finds a bound method."""
        if action in self._cb:
            self._cb[action] = [e for e in self._cb[action] if e[0] != handler]

    def clear_callback(self, action: str) -> None:
        """Forget every handler of ``action`` (it stays enabled)."""
        if action in self._cb:
            self._cb[action] = []

    def check_handler(self, action: str, handler: Any) -> None:
        """Raise ``TypeError`` if ``handler`` cannot be a handler of ``action`` here
        (a subclass may refuse more)."""
        if not callable(handler):
            raise TypeError(f"handler for {action!r} must be callable, not "
                            f"{type(handler).__name__}")

    def handler_calls(self, action: str, args: tuple[Any, ...]) -> Iterator[partial[Any]]:
        """The calls that firing ``action`` with ``args`` makes, in registration
        order, as argument-less partials: a snapshot, so a handler may (un)register
        others while they run. ``make_callback`` runs them."""
        for handler, extra, kw, with_source in list(self._cb.get(action, ())):
            head = (self, *args) if with_source else args
            yield partial(handler, *head, *extra, **kw)

    def _add(self, action: str, entry: _Entry) -> None:
        self.check_handler(action, entry[0])
        if action not in self._cb:
            # The reference enables it silently; a typo would then never fire.
            warnings.warn(f"{type(self).__name__} has no callback {action!r} enabled; "
                          f"registering it anyway", stacklevel=3)
        self._cb.setdefault(action, []).append(entry)


class Callbacks(CallbackTable):
    """Callback registration and dispatch for asyncio objects (see the module)."""

    async def make_callback(self, action: str, *args: Any) -> None:
        """Run every handler of ``action`` in registration order, awaiting those that
        return an awaitable. A handler's exception is logged and the rest still run."""
        for call in self.handler_calls(action, args):
            try:
                result = call()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("%s handler %r for %r failed", type(self).__name__,
                              call.func, action)
