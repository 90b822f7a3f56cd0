"""A serialized app attached to a Tk loop under Xvfb, driven by Chromium."""

from __future__ import annotations

import socket
import threading
import time
import tkinter

import pytest
from playwright.sync_api import expect

from hostutil import browser_ui, is_closed, library_threads
from pgwidgets_sync.hosts import tk as tk_host

pytestmark = pytest.mark.timeout(60)


# Every Tk root made here stays referenced until the process exits. A tkinter.Tk
# freed on another thread (a garbage collection that happens to run on the loop
# thread) makes Tcl abort the process; real programs keep their root in main.
_roots: list[tkinter.Tk] = []


@pytest.fixture
def root(xvfb):
    root = tkinter.Tk()
    _roots.append(root)
    yield root
    try:
        root.destroy()
    except tkinter.TclError:
        pass


def spin(root, cond, timeout=10.0):
    """Run Tk's mainloop (blocking in it, 20 ms at a time) until ``cond()``."""
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached in time"
        root.after(20, root.quit)
        root.mainloop()


def mainloop_bounded(root, timeout=15.0) -> float:
    """``root.mainloop()`` with a safety quit; returns how long it ran."""
    root.after(int(timeout * 1000), root.quit)
    t0 = time.monotonic()
    root.mainloop()
    return time.monotonic() - t0


def widgets(root):
    tklabel = tkinter.Label(root, text="tk: idle")
    tkbtn = tkinter.Button(root, text="to browser")
    tklabel.pack()
    tkbtn.pack()
    return tklabel, tkbtn


def test_tcl_is_threaded_and_pipe_mode_is_used(root, make_app):
    assert root.tk.call("info", "exists", "tcl_platform(threaded)")
    app = make_app()
    host = tk_host.attach(app, root)
    assert host.mode == "pipe"
    host.detach()
    with pytest.raises(ValueError, match="serialized"):
        tk_host.attach(make_app(concurrency_handling="concurrent"), root)


@pytest.mark.parametrize("use_pipe", [True, False], ids=["pipe", "after-poll"])
def test_browser_click_runs_on_tk_thread_and_tk_updates_browser(root, make_app, page,
                                                                 use_pipe):
    app = make_app()
    gui = threading.get_ident()
    tklabel, tkbtn = widgets(root)
    seen: dict[str, int] = {}

    @app.on_connect
    def setup(session):
        seen["connect"] = threading.get_ident()

        def clicked():
            seen["click"] = threading.get_ident()
            tklabel.config(text="clicked in browser")   # a Tk widget, from the handler
        label = browser_ui(session, clicked)
        tkbtn.config(command=lambda: label.set_text("set from Tk"))
        seen["gui_call_inline"] = session.gui_call(threading.get_ident)

    host = tk_host.attach(app, root, use_pipe=use_pipe)
    assert host.mode == ("pipe" if use_pipe else "poll")
    page.goto(app.url)
    spin(root, lambda: "connect" in seen)
    assert seen["connect"] == seen["gui_call_inline"] == gui
    expect(page.locator(".label-widget")).to_have_text("Ready")

    page.get_by_text("Click me").click()
    spin(root, lambda: tklabel.cget("text") == "clicked in browser")
    assert seen["click"] == gui

    tkbtn.invoke()                                 # a Tk action -> the browser page
    expect(page.locator(".label-widget")).to_have_text("set from Tk")

    out = []
    t = threading.Thread(target=lambda: out.append(
        next(iter(app.sessions.values())).gui_call(threading.get_ident)))
    t.start()
    spin(root, lambda: out)
    t.join(5)
    assert out == [gui]
    host.detach()


def test_closing_the_tk_window_closes_the_application(root, make_app, page):
    app = make_app()
    built = []
    app.on_connect(lambda s: built.append(browser_ui(s, lambda: None)))
    host = tk_host.attach(app, root)
    port = app.http_port
    page.goto(app.url)
    spin(root, lambda: built)
    expect(page.locator(".button-widget")).to_have_text("Click me")
    # what the window manager's close button does
    root.after(0, lambda: root.tk.call(root.protocol("WM_DELETE_WINDOW")))
    took = mainloop_bounded(root)
    assert took < 10
    assert is_closed(app) and not host.attached
    assert library_threads() == []
    with pytest.raises(tkinter.TclError):
        root.winfo_exists()                        # the root was destroyed
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def test_closing_the_application_from_the_browser_destroys_tk(root, make_app, page):
    app = make_app()
    closed_on = []

    def close_it():
        closed_on.append(threading.get_ident())
        app.close()
    built = []
    app.on_connect(lambda s: built.append(browser_ui(s, close_it)))
    host = tk_host.attach(app, root)
    page.goto(app.url)
    spin(root, lambda: built)
    expect(page.locator(".button-widget")).to_have_text("Click me")
    page.get_by_text("Click me").click()
    took = mainloop_bounded(root)                  # returns because the app closed
    assert took < 10
    assert closed_on == [threading.get_ident()]
    assert is_closed(app) and not host.attached
    assert library_threads() == []
    with pytest.raises(tkinter.TclError):
        root.winfo_exists()


def test_destroying_the_root_closes_the_application(root, make_app):
    app = make_app()
    host = tk_host.attach(app, root)
    root.after(100, root.destroy)
    took = mainloop_bounded(root)
    assert took < 10
    assert is_closed(app) and not host.attached
    assert library_threads() == []


def test_attach_cleans_up_when_the_app_cannot_start(root):
    from pgwidgets_sync import Application
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        app = Application(ws_port=0, http_port=busy.getsockname()[1],
                          concurrency_handling="serialized")
        try:
            before = root.protocol("WM_DELETE_WINDOW")       # tkinter's own destroy
            with pytest.raises(OSError):
                tk_host.attach(app, root)
            assert root.protocol("WM_DELETE_WINDOW") == before    # hook removed
            assert [n for n in library_threads() if "relay" in n] == []
        finally:
            app.close()
