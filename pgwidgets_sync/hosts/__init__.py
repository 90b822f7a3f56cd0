"""Run a ``serialized`` application's handlers inside a host GUI main loop.

``pgwidgets_sync.hosts.qt.attach(app)`` (PySide6) and
``pgwidgets_sync.hosts.tk.attach(app, root)`` (tkinter) make the GUI thread the
thread that runs every handler, ``on_connect`` / ``on_disconnect``, ``gui_do`` and
``gui_call`` of ``app`` (which must use ``concurrency_handling="serialized"``).
Nothing polls: a relay thread blocks on the application's handler queue, moves each
call into a local FIFO and wakes the GUI loop (a queued Qt signal; a byte on a
wake-up pipe watched by Tk's file handler, or a short ``after`` poll where Tk has no
file handlers). The GUI thread then runs the calls in arrival order.

Closing the host (the last Qt window, ``QApplication.quit()``, the Tk root window)
closes the application; closing the application (``app.close()`` from anywhere)
quits the host loop. See ``docs/hosts-and-repl.md``.
"""

from __future__ import annotations

import collections
import threading
from typing import Any

import janus

from ..dispatch import _run

__all__ = ["Host"]


class Host:
    """The part shared by the Qt and Tk hosts: the relay thread and the FIFO.

    A subclass provides ``_wake()`` (any thread: make the GUI thread call
    :meth:`_drain` soon) and ``_host_quit()`` (GUI thread: end the host loop), and
    calls :meth:`_begin` on the GUI thread.
    """

    def __init__(self, app: Any, *, quit_host: bool = True) -> None:
        from ..application import Application
        if not isinstance(app, Application):
            raise TypeError(f"attach() needs a pgwidgets_sync Application, not {app!r}")
        if app._dispatch.mode != "serialized":
            raise ValueError("attach() needs an Application made with "
                             "concurrency_handling='serialized' (its handlers then run on "
                             f"the GUI thread); this one is {app._dispatch.mode!r}")
        self.app = app
        self.quit_host = quit_host          # quit the host loop when the app closes
        self.gui_ident = threading.get_ident()
        self.wakeups = 0                    # how often the GUI thread was woken (tests, bench)
        self.calls = 0                      # how many calls it ran
        self._runner = app._dispatch._shared
        self._fifo: collections.deque[tuple] = collections.deque()
        self._pending = False               # a wake-up is on its way (one per batch)
        self._detached = False
        self._app_closed = False
        self._relay = threading.Thread(target=self._relay_main, daemon=True,
                                       name="pgwidgets-host-relay")

    def __repr__(self) -> str:
        state = "detached" if self._detached else "attached"
        return f"<{type(self).__name__} {state} {self.app!r}>"

    @property
    def attached(self) -> bool:
        """True until :meth:`detach`, or the application or host has closed."""
        return not self._detached

    # -- any thread --------------------------------------------------------------

    def _begin(self) -> None:
        # GUI thread: become the thread that handlers run on, then start the relay.
        try:
            self.app.start()
        except BaseException:
            self._detached = True
            self._unhook()
            raise
        self._runner._home.add(self.gui_ident)   # gui_call on the GUI thread runs inline
        self._relay.start()

    def _relay_main(self) -> None:
        # Relay thread: blocks (no timeout, no polling) until a call arrives or the
        # application's queue is shut down by close().
        q = self._runner._q.sync_q
        while True:
            try:
                item = q.get()
            except janus.SyncQueueShutDown:
                self._app_closed = True
                self._signal()
                return
            if item is _STOP:
                return
            self._fifo.append(item)
            self._signal()

    def _signal(self) -> None:
        if not self._pending:
            self._pending = True
            self._wake()

    def _wake(self) -> None:          # pragma: no cover - provided by the subclass
        raise NotImplementedError

    # -- GUI thread --------------------------------------------------------------

    def _drain(self) -> None:
        """Run every call relayed so far (GUI thread)."""
        self._pending = False             # reset first: a later append signals again
        self.wakeups += 1
        self._runner._home.add(self.gui_ident)   # (a process_events() here removes it)
        fifo = self._fifo
        while fifo and not self._detached:
            _run(*fifo.popleft())
            self.calls += 1
        if self._app_closed and not self._detached:
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
        The application keeps running; calls already relayed run now, later ones
        wait in its queue for ``app.run()`` / ``app.process_events()``."""
        if self._detached:
            return
        self._detached = True
        self._runner._home.discard(self.gui_ident)
        try:
            self._runner._q.sync_q.put_nowait(_STOP)   # unblock the relay
        except (janus.SyncQueueShutDown, janus.SyncQueueFull):
            pass
        if self._relay.is_alive() and self._relay is not threading.current_thread():
            self._relay.join(2)
        leftover, self._fifo = self._fifo, collections.deque()
        if not self._app_closed:          # relayed before the stop: run them, in order
            for item in leftover:
                _run(*item)
        self._unhook()


_STOP = (None,)   # tells the relay thread to end (never run: the relay stops on it)

