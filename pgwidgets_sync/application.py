"""The blocking ``Application``: the core application, run on a loop thread of its own."""

from __future__ import annotations

import inspect
import threading
from functools import partial
from typing import Any, Callable

from pgwidgets_core.application import Application as CoreApplication
from pgwidgets_core.errors import ApplicationClosedError

from .dispatch import Dispatcher
from .portal import Portal
from .proxy import Proxy, mirror, to_sync
from .session import Session

__all__ = ["Application", "Session"]

_CORE_INIT = inspect.signature(CoreApplication.__init__)


class Application(Proxy):
    """Serves the pgwidgets-js page and gives each browser a :class:`Session`: the
    blocking twin of ``pgwidgets_core.Application``, with its parameters and defaults.

    ``concurrency_handling`` chooses the thread that runs handlers (never the loop
    thread): ``per_session`` one per session, ``serialized`` the thread inside
    :meth:`run` / :meth:`process_events`, ``concurrent`` a pool.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._app = self
        self._lock = threading.Lock()      # guards _closing: the first close() does the work
        self._closing = False
        self._done = threading.Event()     # set once that close() has finished
        params = _CORE_INIT.bind(None, *args, **kwargs).arguments
        del params["self"]
        mode = params.pop("concurrency_handling",
                          _CORE_INIT.parameters["concurrency_handling"].default)
        self._portal = Portal(30.0)
        try:
            self._portal.call(self._setup, mode, params)
        except BaseException:
            self._portal.close()
            raise

    __init__.__signature__ = _CORE_INIT  # type: ignore[attr-defined]

    def _setup(self, mode: str, params: dict[str, Any]) -> None:
        # Loop thread. The core's own dispatch just hands each call to us, at once.
        self._core = CoreApplication(**params, concurrency_handling="concurrent")
        self._log = self._core._log
        self._dispatch = Dispatcher(mode)
        self._portal.timeout = self._core.call_timeout
        self._portal.after_drain = self._core._write_now

    def __repr__(self) -> str:
        return f"<sync Application {self._core.url}>"

    def on_connect(self, handler: Callable[[Session], Any]) -> Callable[[Session], Any]:
        """Register ``handler(session)``, a plain function run for each new session on
        its callback thread; it builds the UI. Usable as a decorator."""
        self._call("on_connect", self._handler(handler))
        return handler

    def on_disconnect(self, handler: Callable[[Session], Any]) -> Callable[[Session], Any]:
        """Register ``handler(session)``, run on the session's callback thread each
        time one of its pages disconnects. Usable as a decorator."""
        self._call("on_disconnect", self._handler(handler))
        return handler

    def _handler(self, fn: Callable[..., Any], session: Session | None = None,
                 extra: tuple = (), kwargs: dict | None = None,
                 report: Callable | None = None) -> Callable[..., None]:
        # What the core calls on the loop in place of fn: fn and its arguments, made
        # sync, go to the session's runner (the session is the first argument if None).
        if not callable(fn) or inspect.iscoroutinefunction(fn):
            raise TypeError(f"a pgwidgets_sync handler is a plain function, not {fn!r}")

        def on_loop(*args: Any) -> None:
            args = to_sync(self, args)
            s = session if session is not None else args[0]
            s._runner.deliver((fn, args + extra, kwargs or {}, None,
                               report or partial(self._report, s, fn)))
        return on_loop

    def _report(self, session: Session, fn: Any, exc: Exception) -> None:
        # A handler failed, on its thread: the core session logs it and tells its error
        # handlers, as for an async handler. Failures caused by close() are expected.
        if self._closing and isinstance(exc, ApplicationClosedError):
            return
        exc.add_note(f"in the pgwidgets_sync handler {getattr(fn, '__qualname__', fn)}")
        try:
            self._portal.submit(None, session._core._report, exc)
        except ApplicationClosedError:
            self._log_failure(exc)

    def _log_failure(self, exc: Exception) -> None:
        self._log.error("pgwidgets_sync: a handler failed: %s", exc, exc_info=exc)

    def run(self) -> None:
        """Start if needed, then block until :meth:`close` (from any thread) or Ctrl-C,
        which closes. In ``serialized`` mode the handlers run here meanwhile."""
        try:
            self.start()
            while not self._done.is_set() and self._portal.alive:
                self._dispatch.process(0.1)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()

    def process_events(self, timeout: float = 0.1) -> int:
        """Run the queued handlers on this thread (``serialized`` mode), waiting up to
        ``timeout`` for the first; return how many ran. Other modes just wait."""
        self._portal.guard()
        return self._dispatch.process(timeout)

    def close(self) -> None:
        """Close every page and both servers; stop the handler threads and the loop
        thread; :meth:`run` returns. Idempotent and safe from any thread, a handler
        included (its own thread then ends when it returns)."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
        try:
            if self._portal.alive:
                self._call("close")
        finally:
            self._portal.close()
            self._dispatch.close()
            self._done.set()

    def __enter__(self) -> Application:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


mirror(Application, CoreApplication)
