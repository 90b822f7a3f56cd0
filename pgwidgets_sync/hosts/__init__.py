"""Run a ``serialized`` application's handlers inside a host GUI main loop.

``pgwidgets_sync.hosts.qt.attach(app)`` (PySide6) and
``pgwidgets_sync.hosts.tk.attach(app, root)`` (tkinter) make the GUI thread the
thread that runs every handler, ``on_connect`` / ``on_disconnect``, ``gui_do`` and
``gui_call`` of ``app`` (which must use ``concurrency_handling="serialized"``).
Nothing polls: the application wakes the GUI loop whenever calls are queued for it
(``Application.attach_host``; a queued Qt signal, a byte on a wake-up pipe watched
by Tk's file handler, or a short ``after`` poll where Tk has no file handlers), and
the GUI thread runs them with ``app.process_events(0)``, in arrival order.

Closing the host (the last Qt window, ``QApplication.quit()``, the Tk root window)
closes the application; closing the application (``app.close()`` from anywhere)
quits the host loop. See ``docs/hosts-and-repl.md``.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["Host"]


class Host:
    """The part shared by the Qt and Tk hosts: the wake-ups and the drain.

    A subclass provides ``_wake()`` (any thread: make the GUI thread call
    :meth:`_drain` soon) and ``_host_quit()`` (GUI thread: end the host loop), and
    calls :meth:`_begin` on the GUI thread.
    """

    def __init__(self, app: Any, *, quit_host: bool = True) -> None:
        from ..application import Application
        if not isinstance(app, Application):
            raise TypeError(f"attach() needs a pgwidgets_sync Application, not {app!r}")
        self.app = app
        self.quit_host = quit_host          # quit the host loop when the app closes
        self.gui_ident = threading.get_ident()
        self.wakeups = 0                    # how often the GUI thread was woken (tests, bench)
        self.calls = 0                      # how many calls it ran
        self._pending = False               # a wake-up is on its way (one per batch)
        self._detached = False
        if app.concurrency_handling != "serialized":
            raise ValueError("attach() needs an Application made with "
                             "concurrency_handling='serialized' (its handlers then run on "
                             f"the GUI thread); this one is {app.concurrency_handling!r}")
        self._link: Any = None

    def __repr__(self) -> str:
        state = "detached" if self._detached else "attached"
        return f"<{type(self).__name__} {state} {self.app!r}>"

    @property
    def attached(self) -> bool:
        """True until :meth:`detach`, or the application or host has closed."""
        return not self._detached

    def _begin(self) -> None:
        # GUI thread, once the subclass can wake: start the application if needed,
        # then take over its handlers.
        try:
            self.app.start()
        except BaseException:
            self._detached = True
            self._unhook()
            raise
        self._link = self.app.attach_host(self._signal)
        self._signal()                      # run what was queued before we attached

    def _signal(self) -> None:
        # Any thread: calls are queued (or the application closed).
        if not self._pending:
            self._pending = True
            self._wake()

    def _wake(self) -> None:          # pragma: no cover - provided by the subclass
        raise NotImplementedError

    # -- GUI thread --------------------------------------------------------------

    def _drain(self) -> None:
        """Run every call queued so far (GUI thread)."""
        self._pending = False             # reset first: a later call signals again
        self.wakeups += 1
        if self._detached:
            return
        if self.app.is_closed:
            self._finish(quit_host=self.quit_host)
            return
        try:
            self.calls += self.app.process_events(0)
        except Exception:                 # the application closed meanwhile
            if not self.app.is_closed:
                raise
        if self.app.is_closed and not self._detached:
            self._finish(quit_host=self.quit_host)

    def _host_closing(self) -> None:
        """The host loop or window is ending (GUI thread): close the application."""
        if not self._detached:
            self._finish(quit_host=False)

    def _finish(self, quit_host: bool) -> None:
        self.detach()
        self.app.close()
        if quit_host:
            self._host_quit()

    def _host_quit(self) -> None:     # pragma: no cover - provided by the subclass
        raise NotImplementedError

    def _unhook(self) -> None:
        """Remove the host-side hooks (GUI thread); subclasses extend it."""

    def detach(self) -> None:
        """Stop running the application's handlers on the GUI thread (GUI thread).
        The application keeps running; calls queued from now on wait for
        ``app.run()`` / ``app.process_events()``; those queued already run now."""
        if self._detached:
            return
        self._detached = True
        if self._link is not None:
            self._link.detach()
        if not self.app.is_closed:
            try:
                self.calls += self.app.process_events(0)
            except Exception:
                if not self.app.is_closed:
                    raise
        self._unhook()
