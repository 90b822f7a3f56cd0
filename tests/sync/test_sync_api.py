"""The blocking facade without a browser: the portal, dispatch, errors and lifecycle."""

from __future__ import annotations

import inspect
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import pytest

import pgwidgets_core
import pgwidgets_sync
from pgwidgets_core.catalog import catalog
from pgwidgets_sync import (Application, ApplicationClosedError, Session, SessionClosedError,
                            Widget)
from pgwidgets_sync.widget import widget_class
from syncutil import ours, until

pytestmark = pytest.mark.timeout(30)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def session(app):
    return app.create_session()


def public(obj) -> set[str]:
    return {n for n in dir(obj) if not n.startswith("_")}


# ---- one API, generated from the core ---------------------------------------------

def test_application_takes_the_parameters_and_defaults_of_the_core():
    sync = inspect.signature(Application.__init__).parameters
    core = inspect.signature(pgwidgets_core.Application.__init__).parameters
    # handler_runner is how a facade runs handlers: the blocking API fills it itself
    assert [(p.name, p.kind, p.default) for p in sync.values()] == \
           [(p.name, p.kind, p.default) for p in core.values() if p.name != "handler_runner"]


def test_every_core_widget_class_and_method_has_a_blocking_twin():
    for name in catalog():
        core_cls, sync_cls = pgwidgets_core.widget.widget_class(name), widget_class(name)
        assert issubclass(sync_cls, Widget) and sync_cls.__name__ == name
        assert public(core_cls) <= public(sync_cls), name
        assert inspect.signature(sync_cls) == inspect.signature(core_cls)
    assert inspect.signature(widget_class("Slider").set_limits) == \
        inspect.signature(pgwidgets_core.widget.widget_class("Slider").set_limits)


def test_every_core_session_and_application_member_is_reachable(app, session):
    core_session = app._core.sessions[session.id]
    for name in public(core_session):
        assert hasattr(session, name), name
    for name in public(app._core):
        assert hasattr(app, name), name
    assert app.ws_port == app._core.ws_port != 0          # forwarded attribute


def test_errors_are_the_cores_and_exported_by_both_packages():
    for name in ("PgwidgetsError", "BrowserError", "ApplicationClosedError",
                 "SessionClosedError"):
        assert getattr(pgwidgets_sync, name) is getattr(pgwidgets_core, name)


# ---- objects ----------------------------------------------------------------------

def test_results_and_core_objects_come_back_as_the_same_sync_objects(app, session):
    W = session.get_widgets()
    top = W.TopLevel(title="T")
    bar = W.MenuBar()
    top.set_widget(bar)
    menu = bar.add_name("File")
    timer = session.make_timer(duration=1)
    assert isinstance(menu, Widget) and type(menu).__name__ == "Menu"
    assert isinstance(timer, Widget) and type(timer).__name__ == "Timer"
    tree = list(session.walk_widget_tree())
    assert tree[:3] == [top, bar, menu] and tree[0] is top and timer in tree
    assert app.sessions == {session.id: session} and app.sessions[session.id] is session
    assert top.session is session and top.app is app and session.app is app
    assert isinstance(session, Session) and session.url.startswith(app.url)


def test_queued_and_blocking_calls_run_in_the_order_they_were_made(session):
    label = session.get_widgets().Label("0")
    for i in range(300):
        label.set_text(str(i))
        if i % 50 == 0:
            assert label.get_text() == str(i)
    assert label.get_text() == "299"


def test_calls_in_a_batch_reach_the_loop_together_and_keep_their_order(session):
    W = session.get_widgets()
    label = W.Label("0")
    other = threading.Thread(target=lambda: [W.Label(f"other {i}") for i in range(50)])
    got = []
    session.on_error(lambda s, exc: got.append(exc))
    with session.batch():
        for i in range(200):
            label.set_text(str(i))
            if i == 100:
                other.start()                        # another thread's calls meanwhile
                assert label.get_text() == "100"     # a blocking call sees what came before
        W.VBox().add_widget("not a widget")          # fails on the loop: reported
        with session.batch():                        # nested: released by the outer one
            label.set_text("nested")
    other.join()
    assert label.get_text() == "nested"
    until(lambda: got)
    assert isinstance(got[0], TypeError) and len(got) == 1


def test_bad_arguments_of_a_queued_call_raise_at_the_call_site(session):
    label = session.get_widgets().Label("kept")
    with pytest.raises(TypeError, match="Label.set_text"):
        label.set_text("a", "b")
    with pytest.raises(TypeError, match="colour"):
        label.set_text(colour="red")
    assert label.get_text() == "kept"


def test_an_exception_keeps_its_type_and_the_loop_side_traceback(session):
    with pytest.raises(TypeError, match="bogus") as info:
        session.get_widgets().Button("x", bogus=1)
    frames = [f.filename for f in traceback.extract_tb(info.value.__traceback__)]
    assert any(f.endswith(os.path.join("pgwidgets_core", "widget.py")) for f in frames)
    assert frames[0] == __file__


def test_an_error_of_a_queued_call_reaches_on_error_on_the_callback_thread(app, session):
    got = []
    session.on_error(lambda s, exc: got.append((s, exc, threading.current_thread())))
    box = session.get_widgets().VBox()
    box.add_widget("not a widget")                   # fails on the loop, later
    until(lambda: got)
    s, exc, thread = got[0]
    assert s is session and isinstance(exc, TypeError)
    assert thread.name.startswith("pgwidgets-session") and thread is not app._portal.thread


def test_handlers_must_be_plain_functions(app, session):
    async def coroutine_function(session):
        pass
    with pytest.raises(TypeError, match="plain function"):
        app.on_connect(coroutine_function)
    with pytest.raises(TypeError):
        session.get_widgets().Button("b").on("activated", "not callable")
    with pytest.raises(ValueError, match="non-empty str"):
        session.get_widgets().Button("b").on(3, print)


# ---- threads ----------------------------------------------------------------------

def test_a_blocking_call_on_the_loop_thread_raises_instead_of_deadlocking(app, session):
    label = session.get_widgets().Label("x")
    for blocking in (label.get_text, lambda: session.gui_call(int), app.process_events):
        with pytest.raises(RuntimeError, match="event loop thread"):
            app._portal.call(blocking)


def test_gui_do_runs_in_order_on_the_session_thread_and_gui_call_returns(session):
    ran = []
    for i in range(5):
        session.gui_do(ran.append, i)
    thread = session.gui_call(threading.current_thread)
    assert ran == [0, 1, 2, 3, 4]
    assert thread.name.startswith("pgwidgets-session") and thread is not threading.main_thread()


@pytest.mark.parametrize("how", ["destroy", "expiry"])
def test_a_session_that_ends_stops_its_thread(make_app, how):
    app = make_app(session_idle_timeout=0.2)
    session = app.create_session(expires=(how == "expiry"))
    thread = session.gui_call(threading.current_thread)
    if how == "destroy":
        session.destroy()
    until(lambda: not thread.is_alive())
    assert session.id not in app.sessions
    with pytest.raises(SessionClosedError):
        session.gui_do(print)


def test_gui_call_waits_at_most_the_call_timeout(make_app):
    session = make_app(call_timeout=0.3).create_session()
    t0 = time.monotonic()
    with pytest.raises(TimeoutError):
        session.gui_call(time.sleep, 1)
    assert time.monotonic() - t0 < 1.5


def test_serialized_calls_run_only_inside_process_events(make_app):
    app = make_app(concurrency_handling="serialized")
    session = app.create_session()
    ran = []
    session.gui_do(lambda: ran.append(threading.current_thread()))
    time.sleep(0.1)
    assert ran == []
    assert app.process_events(1) == 1 and ran == [threading.main_thread()]
    assert app.process_events(0.01) == 0


def test_a_dead_loop_is_noticed_by_a_waiting_caller(monkeypatch):
    crashes = []
    monkeypatch.setattr(threading, "excepthook", crashes.append)
    app = Application(ws_port=0, http_port=0)      # not started: no sockets to leak
    portal = app._portal
    threading.Timer(0.2, portal._loop.call_soon_threadsafe, (portal._loop.stop,)).start()
    t0 = time.monotonic()
    with pytest.raises(ApplicationClosedError):
        portal.call(time_sleep_on_the_loop)
    assert time.monotonic() - t0 < 1.5
    until(lambda: crashes)                         # asyncio.run() reports the stop
    app.close()
    assert not ours()


async def time_sleep_on_the_loop():
    import asyncio
    await asyncio.sleep(10)


# ---- lifecycle --------------------------------------------------------------------

def test_close_is_idempotent_and_later_calls_raise_application_closed(app, session):
    label = session.get_widgets().Label("x")
    app.close()
    app.close()
    assert not ours()
    for call in (lambda: label.set_text("y"), label.get_text, app.start,
                 lambda: session.gui_do(print)):
        with pytest.raises(ApplicationClosedError):
            call()


def test_with_starts_and_closes_even_on_an_exception():
    with pytest.raises(ZeroDivisionError):
        with Application(ws_port=0, http_port=0) as app:
            assert app.url.startswith("http://127.0.0.1:") and not app.url.endswith(":0/")
            1 / 0
    assert not ours()


def test_bad_parameters_raise_and_leave_no_thread():
    with pytest.raises(ValueError, match="ws_port"):
        Application(ws_port=-1)
    with pytest.raises(ValueError, match="concurrency_handling"):
        Application(concurrency_handling="threads")
    assert not ours()


SIGINT_SCRIPT = """
from pgwidgets_sync import Application
app = Application(ws_port=0, http_port=0)
app.start()
print(app.url, flush=True)
app.run()
print("run returned", flush=True)
"""


def test_sigint_ends_run_cleanly_within_a_second():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SIGINT_SCRIPT], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert proc.stdout.readline().startswith("http://")
        time.sleep(0.3)                            # now inside run()
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(5)
        elapsed = time.monotonic() - t0
        out, err = proc.communicate()
    finally:
        proc.kill()
    assert code == 0, err
    assert "run returned" in out and "Traceback" not in err
    assert elapsed < 1.0


def test_a_session_destroyed_under_its_page_stops_its_thread_after_on_disconnect(make_app):
    """The page's on_disconnect comes after destroy() released the session's thread: it
    runs, on a thread that ends after it (found by the soak bench: one thread, and the
    session, kept for every session a handler destroyed)."""
    import asyncio
    from fakebrowser import FakeBrowser

    app = make_app()
    left: list[threading.Thread] = []
    app.on_disconnect(lambda s: left.append(threading.current_thread()))
    before = ours()

    async def page() -> None:
        fb = FakeBrowser(f"ws://127.0.0.1:{app.ws_port}",
                         origin=f"http://127.0.0.1:{app.http_port}")
        await fb.connect()
        sid, _ = await fb.wait_session_info()
        await asyncio.to_thread(app.sessions[sid].destroy)
        await fb.wait_closed()
        await fb.close()

    asyncio.run(page())
    until(lambda: left)
    until(lambda: not left[0].is_alive() and ours() <= before)
