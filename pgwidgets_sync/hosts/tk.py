"""Attach a ``serialized`` pgwidgets_sync application to a Tk (tkinter) main loop.

::

    import tkinter as tk
    from pgwidgets_sync import Application
    from pgwidgets_sync.hosts import tk as tk_host

    root = tk.Tk()
    app = Application(concurrency_handling="serialized")
    host = tk_host.attach(app, root)  # on the Tk thread; starts app if needed
    ...
    root.mainloop()                   # handlers, gui_do, gui_call run here

Every handler runs on the Tk thread, so it may touch Tk widgets directly. Where Tk
has file handlers (every Unix), the loop thread wakes Tk by writing a byte to a
wake-up pipe that Tk watches (``createfilehandler``): no polling. Elsewhere
(Windows) a short ``after`` poll is the fallback: every ``poll_ms`` (10) after
activity, backing off to ``max_poll_ms`` (100) while idle.
Closing the root window (or destroying it) closes the application;
``app.close()`` from anywhere destroys the root (``quit_host=False`` keeps it).
Needs nothing beyond the standard library.
"""

from __future__ import annotations

import os
import tkinter
from typing import Any

from . import Host

__all__ = ["TkHost", "attach"]


class TkHost(Host):
    """An application attached to a running Tk loop; see :func:`attach`."""

    def __init__(self, app: Any, root: tkinter.Tk | tkinter.Toplevel, *, quit_host: bool = True,
                 poll_ms: int = 10, max_poll_ms: int = 100, use_pipe: bool = True) -> None:
        super().__init__(app, quit_host=quit_host)
        self.root = root
        self.poll_ms = poll_ms
        self.max_poll_ms = max(poll_ms, max_poll_ms)
        self._interval = poll_ms
        self._after: str | None = None
        self._pipe: tuple[int, int] | None = None
        self._old_protocol = root.protocol("WM_DELETE_WINDOW")
        root.protocol("WM_DELETE_WINDOW", self._on_delete_window)
        self._bind = root.bind("<Destroy>", self._on_destroy, add="+")
        self.mode = "poll"
        if use_pipe and hasattr(root.tk, "createfilehandler"):
            r, w = os.pipe()
            os.set_blocking(r, False)
            os.set_blocking(w, False)
            try:
                root.tk.createfilehandler(r, tkinter.READABLE, self._on_readable)
            except (tkinter.TclError, NotImplementedError, RuntimeError):
                os.close(r)
                os.close(w)
            else:
                self._pipe = (r, w)
                self.mode = "pipe"
        self._begin()
        if self._pipe is None:
            self._poll()

    # -- waking --------------------------------------------------------------------

    def _wake(self) -> None:
        # Relay thread: never touches Tk. In poll mode the next poll finds the FIFO.
        if self._pipe is not None:
            try:
                os.write(self._pipe[1], b"\0")
            except (BlockingIOError, OSError):
                pass               # full (a wake-up is pending anyway) or closed

    def _on_readable(self, fd: int, mask: int) -> None:
        try:
            while os.read(fd, 4096):
                pass
        except (BlockingIOError, OSError):
            pass
        self._drain()

    def _poll(self) -> None:
        # Fallback only: poll_ms right after activity, doubling up to max_poll_ms idle.
        self._after = None
        if self._pending or self.app.is_closed:
            self._drain()
            self._interval = self.poll_ms
        else:
            self._interval = min(self._interval * 2, self.max_poll_ms)
        if not self._detached:
            self._after = self.root.after(self._interval, self._poll)

    # -- closing -------------------------------------------------------------------

    def _on_delete_window(self) -> None:
        self._host_closing()
        self.root.destroy()

    def _on_destroy(self, event: Any) -> None:
        if event.widget is self.root:
            self._host_closing()

    def _host_quit(self) -> None:
        try:
            self.root.destroy()
        except tkinter.TclError:
            pass                   # already destroyed

    def _unhook(self) -> None:
        root = self.root
        if self._after is not None:
            try:
                root.after_cancel(self._after)
            except tkinter.TclError:
                pass
            self._after = None
        if self._pipe is not None:
            r, w = self._pipe
            self._pipe = None
            try:
                root.tk.deletefilehandler(r)
            except tkinter.TclError:
                pass
            os.close(r)
            os.close(w)
        try:
            root.protocol("WM_DELETE_WINDOW", self._old_protocol or "")
            root.unbind("<Destroy>", self._bind)
        except tkinter.TclError:
            pass                   # the root is gone


def attach(app: Any, root: tkinter.Tk | tkinter.Toplevel, *, quit_host: bool = True, poll_ms: int = 10,
           max_poll_ms: int = 100, use_pipe: bool = True) -> TkHost:
    """Run ``app``'s handlers, ``gui_do`` and ``gui_call`` on the Tk thread.

    Call on the thread that made ``root`` (the ``tkinter.Tk``); ``app`` (a
    ``pgwidgets_sync.Application`` with ``concurrency_handling="serialized"``) is
    started if it was not. Closing the root window closes ``app``; closing ``app``
    destroys ``root`` unless ``quit_host=False``. ``use_pipe=False`` forces the
    ``after`` poll: every ``poll_ms`` after activity, slowing down to every
    ``max_poll_ms`` while idle. Returns the :class:`TkHost` (``host.mode`` is
    ``"pipe"`` or ``"poll"``; ``host.detach()``).
    """
    return TkHost(app, root, quit_host=quit_host, poll_ms=poll_ms, max_poll_ms=max_poll_ms,
                  use_pipe=use_pipe)
