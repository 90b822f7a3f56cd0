"""The blocking ``Application``: the core application, run on a loop thread of its own."""

from __future__ import annotations

import inspect
import threading
import time
from functools import partial
from typing import TYPE_CHECKING, Any, Callable

from pgwidgets_core.application import Application as CoreApplication
from pgwidgets_core.asgi import ASGIApp
from pgwidgets_core.errors import ApplicationClosedError
from pgwidgets_core.facade import Twins
from pgwidgets_core.fonts import AppMessages
from pgwidgets_core.registry import WidgetRegistry

from .dispatch import JOIN_TIMEOUT, ThreadRunner
from .portal import Portal
from .proxy import Proxy, mirror, plain, to_sync
from .session import Session
from .widget import Widget

__all__ = ["Application", "Session", "HostLink"]

_CORE_INIT = inspect.signature(CoreApplication.__init__)
_FACADE_OWN = ("handler_runner",)     # core parameters this facade fills itself
CLOSE_GRACE = 5.0     # run() lets a handler thread that called close() finish this long


class HostLink:
    """A GUI host loop attached with :meth:`Application.attach_host`."""

    def __init__(self, app: Application, wake: Callable[[], None]) -> None:
        self.app = app
        self.ident = threading.get_ident()
        self._wake = wake
        lane = app._runner.serial
        lane.wakers.append(wake)
        lane.claim(self.ident)

    def detach(self) -> None:
        """The host stops running the handlers (they wait for ``run()`` /
        ``process_events()`` again)."""
        lane = self.app._runner.serial
        if self._wake in lane.wakers:
            lane.wakers.remove(self._wake)
        lane.unclaim(self.ident)


class Application(Proxy):
    """Serves the pgwidgets-js page and gives each browser a :class:`Session`: the
    blocking twin of ``pgwidgets_core.Application``, with its parameters and defaults.

    ``concurrency_handling`` chooses the thread that runs handlers (never the loop
    thread): ``per_session`` one per session, ``serialized`` the thread inside
    :meth:`run` / :meth:`process_events`, ``concurrent`` a pool.
    """

    if TYPE_CHECKING:       # the core's other methods, mirrored at import (proxy.mirror)
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._app = self
        self._lock = threading.Lock()      # guards _closing: the first close() does the work
        self._closing = False
        self._closer: threading.Thread | None = None   # the thread whose close() runs
        self._done = threading.Event()     # set once that close() has finished
        params = _CORE_INIT.bind(None, *args, **kwargs).arguments
        del params["self"]
        for name in _FACADE_OWN:
            if name in params:
                raise TypeError(f"pgwidgets_sync.Application() got an unexpected keyword "
                                f"argument {name!r} (the blocking API runs handlers itself)")
        self._mode = params.get("concurrency_handling",
                                _CORE_INIT.parameters["concurrency_handling"].default)
        self._portal = Portal(30.0)
        self.widget_classes = WidgetRegistry(Widget)    # register_widget (any thread)
        try:
            self._portal.call(self._setup, params)
        except BaseException:
            self._portal.close()
            raise

    __init__.__signature__ = _CORE_INIT.replace(  # type: ignore[attr-defined]
        parameters=[p for n, p in _CORE_INIT.parameters.items() if n not in _FACADE_OWN])

    def _setup(self, params: dict[str, Any]) -> None:
        # Loop thread. The core decides which handlers run in order; ours run them.
        self._twins = Twins()
        self._runner = ThreadRunner(partial(to_sync, self), self._report, self._portal.call)
        self._core = CoreApplication(**params, handler_runner=self._runner)
        self._log = self._core.logger
        self._portal.timeout = self._core.call_timeout
        self._portal.after_drain = self._core.writers.write_all

    def __repr__(self) -> str:
        return f"<sync Application {self._core.url}>"

    def on_connect(self, handler: Callable[[Session], Any]) -> Callable[[Session], Any]:
        """Register ``handler(session)``, a plain function run for each new session on
        its callback thread; it builds the UI. Usable as a decorator."""
        self._call("on_connect", plain(handler))
        return handler

    def on_disconnect(self, handler: Callable[[Session], Any]) -> Callable[[Session], Any]:
        """Register ``handler(session)``, run on the session's callback thread each
        time one of its pages disconnects. Usable as a decorator."""
        self._call("on_disconnect", plain(handler))
        return handler

    def register_widget(self, cls: type[Widget], name: str | None = None) -> type[Widget]:
        """Offer blocking widget subclass ``cls`` as ``session.get_widgets().<name>``
        (default: its class name), the session passed first. Usable as a decorator."""
        return self.widget_classes.register(cls, name)

    def _relay(self, handler: Callable[..., Any], what: str) -> Callable[..., None]:
        # For core hooks called on the loop (on_error, on_destroy): run the handler on
        # the session's callback thread instead.
        def on_loop(session: Any, *args: Any) -> None:
            self._core.dispatcher.submit(session, handler, (session, *args), {}, what)
        return on_loop

    def _report(self, session: Any, fn: Any, what: str, exc: Exception) -> None:
        # A handler failed, on its thread: the core session logs it and tells its error
        # handlers, as for an async handler. Failures caused by close() are expected.
        if self._closing and isinstance(exc, ApplicationClosedError):
            return
        exc.add_note(f"in the pgwidgets_sync handler {getattr(fn, '__qualname__', fn)}")
        if what == "on_error":            # an error handler failed: do not loop
            self._log.error("pgwidgets_sync: an error handler failed: %s", exc, exc_info=exc)
            return
        try:
            self._portal.submit(None, session.report_error, exc)
        except ApplicationClosedError:
            self._log.error("pgwidgets_sync: a handler failed: %s", exc, exc_info=exc)

    def run(self) -> None:
        """Start if needed, then block until :meth:`close` (from any thread) or Ctrl-C,
        which closes. In ``serialized`` mode the handlers run here meanwhile."""
        try:
            if not self._closing:                # closed already: wait for it, return
                self.start()
            while not self._done.is_set() and self._portal.alive:
                self._process(0.1)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()
            # A handler that called close() goes on after it: let it finish before the
            # program goes on (and maybe exits, ending our daemon threads).
            closer = self._closer
            if closer is not None and closer is not threading.current_thread():
                closer.join(CLOSE_GRACE)

    def asgi(self) -> ASGIApp:
        """This application as an ASGI app (``listen=False``; see ``pgwidgets_core.asgi``).
        Its requests run on this application's loop thread, their messages passed to and
        from the ASGI server's loop: embed the core's ``Application`` to share that loop."""
        return ASGIApp(self._core, loop=self._portal.loop)

    def process_events(self, timeout: float = 0.1) -> int:
        """Run the queued handlers on this thread (``serialized`` mode), waiting up to
        ``timeout`` for the first; return how many ran. Other modes just wait."""
        self._portal.guard()
        return self._process(timeout)

    def _process(self, timeout: float) -> int:
        if self._mode == "serialized":
            return self._runner.serial.process(timeout)
        time.sleep(timeout)
        return 0

    def attach_host(self, wake: Callable[[], None]) -> HostLink:
        """Let a GUI host loop run the handlers (``serialized`` mode), on this thread.

        ``wake()`` is called, from any thread, whenever handlers (or ``gui_do`` calls)
        are queued, and once more when the application closes; the host then calls
        :meth:`process_events` with timeout 0 on this thread, where ``gui_call`` also
        runs inline. ``pgwidgets_sync.hosts`` uses this for Qt and Tk."""
        if self._mode != "serialized":
            raise ValueError("attach_host() needs an Application made with "
                             "concurrency_handling='serialized' (its handlers then run on "
                             f"the host's thread); this one is {self._mode!r}")
        return HostLink(self, wake)

    @property
    def is_closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closing

    def close(self) -> None:
        """Close every page and both servers; stop the handler threads and the loop
        thread; :meth:`run` returns. Idempotent and safe from any thread, a handler
        included (its own thread then ends when it returns)."""
        with self._lock:
            first = not self._closing
            self._closing = True
            if first:
                self._closer = threading.current_thread()
        if not first:
            # Another thread closes: wait for it (a handler thread must not: that close
            # joins it).
            if not self._runner.on_handler_thread():
                self._done.wait(self._portal.timeout + JOIN_TIMEOUT + 5)
            return
        try:
            if self._portal.alive:
                self._call("close")
        finally:
            self._portal.close()
            self._runner.join()
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
mirror(Application, AppMessages)        # register_font, set_default_font, open_url
