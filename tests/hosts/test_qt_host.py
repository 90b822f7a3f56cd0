"""A serialized app attached to a Qt (PySide6, offscreen) loop, driven by Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest
from playwright.sync_api import expect

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import SIGNAL, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget  # noqa: E402

from hostutil import browser_ui, is_closed, library_threads  # noqa: E402
from pgwidgets_sync import Application  # noqa: E402
from pgwidgets_sync.hosts import qt as qt_host  # noqa: E402

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def qapp():
    qapp = QApplication.instance() or QApplication([])
    qapp.setQuitOnLastWindowClosed(True)
    return qapp


def spin(cond, timeout=10.0):
    """Run the Qt loop (blocking in it, 20 ms at a time) until ``cond()``."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not cond():
        assert time.monotonic() < deadline, "condition not reached in time"
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def exec_bounded(qapp, timeout=15.0) -> float:
    """``qapp.exec()`` with a safety quit; returns how long it ran."""
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(qapp.quit)
    guard.start(int(timeout * 1000))
    t0 = time.monotonic()
    qapp.exec()
    guard.stop()
    return time.monotonic() - t0


def window():
    w = QWidget()
    lay = QVBoxLayout(w)
    qlabel, qbtn = QLabel("qt: idle"), QPushButton("to browser")
    lay.addWidget(qlabel)
    lay.addWidget(qbtn)
    w.show()
    return w, qlabel, qbtn


def test_attach_needs_serialized_mode(qapp, make_app):
    app = make_app(concurrency_handling="per_session")
    with pytest.raises(ValueError, match="serialized"):
        qt_host.attach(app)


def test_browser_click_runs_on_gui_thread_and_qt_updates_browser(qapp, make_app, page):
    app = make_app()
    gui = threading.get_ident()
    w, qlabel, qbtn = window()
    seen: dict[str, int] = {}

    @app.on_connect
    def setup(session):
        seen["connect"] = threading.get_ident()

        def clicked():
            seen["click"] = threading.get_ident()
            qlabel.setText("clicked in browser")       # a Qt widget, from the handler
        label = browser_ui(session, clicked)
        qbtn.clicked.connect(lambda: label.set_text("set from Qt"))
        session.gui_do(lambda: seen.setdefault("gui_do", threading.get_ident()))
        seen["gui_call_inline"] = session.gui_call(threading.get_ident)

    host = qt_host.attach(app)
    assert app.url and host.attached
    page.goto(app.url)
    spin(lambda: "gui_do" in seen)
    assert seen["connect"] == seen["gui_do"] == seen["gui_call_inline"] == gui
    expect(page.locator(".label-widget")).to_have_text("Ready")

    page.get_by_text("Click me").click()
    spin(lambda: qlabel.text() == "clicked in browser")
    assert seen["click"] == gui

    qbtn.click()                                   # a Qt action -> the browser page
    expect(page.locator(".label-widget")).to_have_text("set from Qt")

    # gui_call from another thread runs on the GUI thread, woken by the relay
    out = []
    t = threading.Thread(target=lambda: out.append(
        next(iter(app.sessions.values())).gui_call(threading.get_ident)))
    t.start()
    spin(lambda: out)
    t.join(5)
    assert out == [gui]
    assert host.wakeups >= 3
    hooks = qapp.receivers(SIGNAL("aboutToQuit()"))
    host.detach()
    assert qapp.receivers(SIGNAL("aboutToQuit()")) == hooks - 1
    assert not [n for n in library_threads() if "relay" in n]
    w.close()


def test_closing_the_qt_window_closes_the_application(qapp, make_app, page):
    app = make_app()
    built = []
    app.on_connect(lambda s: built.append(browser_ui(s, lambda: None)))
    host = qt_host.attach(app)
    port = app.http_port
    page.goto(app.url)
    spin(lambda: built)
    w, _, _ = window()
    QTimer.singleShot(0, w.close)                  # last window closed -> Qt quits
    took = exec_bounded(qapp)
    assert took < 10
    assert is_closed(app) and not host.attached
    assert library_threads() == []
    with socket.socket() as s:                     # the port was released
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def test_closing_the_application_from_the_browser_quits_qt(qapp, make_app, page):
    app = make_app()
    closed_on = []

    def close_it():
        closed_on.append(threading.get_ident())
        app.close()
    built = []
    app.on_connect(lambda s: built.append(browser_ui(s, close_it)))
    host = qt_host.attach(app)
    page.goto(app.url)
    spin(lambda: built)
    expect(page.locator(".button-widget")).to_have_text("Click me")
    w, _, _ = window()
    page.get_by_text("Click me").click()
    took = exec_bounded(qapp)                      # returns because the app closed
    assert took < 10
    assert closed_on == [threading.get_ident()]
    assert is_closed(app) and not host.attached
    assert library_threads() == []
    w.close()


def test_close_from_another_thread_quits_qt(qapp, make_app):
    app = make_app()
    host = qt_host.attach(app)
    timer = threading.Timer(0.3, app.close)
    timer.start()
    took = exec_bounded(qapp)
    timer.join()
    assert 0.2 < took < 10
    assert is_closed(app) and not host.attached
    assert library_threads() == []


def test_handler_errors_reach_on_error_on_the_gui_thread(qapp, make_app):
    app = make_app()
    session = app.create_session()
    errors = []
    session.on_error(lambda s, exc: errors.append((str(exc), threading.get_ident())))
    host = qt_host.attach(app)

    def boom():
        raise ValueError("boom in gui_do")
    session.gui_do(boom)
    spin(lambda: errors)
    assert errors[0] == ("boom in gui_do", threading.get_ident())
    host.detach()


def test_detach_hands_the_queue_back_to_process_events(qapp, make_app):
    app = make_app()
    session = app.create_session()
    host = qt_host.attach(app)
    ran = []
    session.gui_do(ran.append, "attached")
    spin(lambda: ran)
    host.detach()
    assert not host.attached and not is_closed(app)
    session.gui_do(ran.append, "detached")
    loop = QEventLoop()                            # the Qt loop no longer runs handlers
    QTimer.singleShot(200, loop.quit)
    loop.exec()
    assert ran == ["attached"]
    assert app.process_events(timeout=2) == 1
    assert ran == ["attached", "detached"]


def test_attach_cleans_up_when_the_app_cannot_start(qapp, make_app):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        app = Application(ws_port=0, http_port=busy.getsockname()[1],
                          concurrency_handling="serialized")
        try:
            hooks = qapp.receivers(SIGNAL("aboutToQuit()"))
            with pytest.raises(OSError):
                qt_host.attach(app)
            assert qapp.receivers(SIGNAL("aboutToQuit()")) == hooks   # none left behind
            assert [n for n in library_threads() if "relay" in n] == []
        finally:
            app.close()
