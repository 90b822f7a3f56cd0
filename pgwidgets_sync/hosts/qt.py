"""Attach a ``serialized`` pgwidgets_sync application to a Qt (PySide6) main loop.

::

    from PySide6.QtWidgets import QApplication
    from pgwidgets_sync import Application
    from pgwidgets_sync.hosts import qt as qt_host

    qapp = QApplication([])
    app = Application(concurrency_handling="serialized")
    host = qt_host.attach(app)        # on the GUI thread; starts app if needed
    ...                               # build Qt windows and browser UI alike
    qapp.exec()                       # handlers, gui_do, gui_call run here

Every handler runs on the Qt GUI thread, so it may touch Qt widgets directly. The
loop thread wakes the GUI thread with a queued signal (no timer, no polling).
``QApplication.aboutToQuit`` (the last window closed, ``qapp.quit()``) closes the
application; ``app.close()`` from anywhere quits the Qt loop (``quit_host=False``
keeps it running). Needs the ``qt`` extra: ``pip install 'pgwidgets-sync[qt]'``.
"""

from __future__ import annotations

from typing import Any

try:
    from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError("pgwidgets_sync.hosts.qt needs PySide6: "
                      "pip install 'pgwidgets-sync[qt]' (PySide6-Essentials)") from exc

from . import Host

__all__ = ["QtHost", "attach"]


class _Waker(QObject):
    """Lives on the GUI thread; ``wake`` emitted from any thread queues ``drain``."""

    wake = Signal()

    def __init__(self, host: QtHost) -> None:
        super().__init__()
        self._host: QtHost | None = host
        self.wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _drain(self) -> None:
        if self._host is not None:
            self._host._drain()


class QtHost(Host):
    """An application attached to the running Qt loop; see :func:`attach`."""

    def __init__(self, app: Any, *, quit_host: bool = True) -> None:
        qapp = QCoreApplication.instance()
        if qapp is None:
            raise RuntimeError("attach() needs a QApplication: make one first")
        if QThread.currentThread() is not qapp.thread():
            raise RuntimeError("attach() must be called on the Qt GUI thread")
        super().__init__(app, quit_host=quit_host)
        self.qapp = qapp
        self._waker = _Waker(self)
        qapp.aboutToQuit.connect(self._host_closing)
        self._begin()

    def _wake(self) -> None:
        self._waker.wake.emit()

    def _host_quit(self) -> None:
        self.qapp.quit()

    def _unhook(self) -> None:
        try:
            self.qapp.aboutToQuit.disconnect(self._host_closing)
        except (RuntimeError, TypeError):
            pass
        # Break the host <-> waker cycle, so that no garbage collection on another
        # thread ever deletes the QObject; Qt deletes it on the GUI thread.
        self._waker._host = None
        self._waker.deleteLater()


def attach(app: Any, *, quit_host: bool = True) -> QtHost:
    """Run ``app``'s handlers, ``gui_do`` and ``gui_call`` on the Qt GUI thread.

    Call on the GUI thread, after making the ``QApplication``; ``app`` (a
    ``pgwidgets_sync.Application`` with ``concurrency_handling="serialized"``) is
    started if it was not. Quitting Qt closes ``app``; closing ``app`` quits Qt
    unless ``quit_host=False``. Returns the :class:`QtHost` (``host.detach()``).
    """
    return QtHost(app, quit_host=quit_host)
