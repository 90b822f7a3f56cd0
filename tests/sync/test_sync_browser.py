"""The blocking facade driving the real pgwidgets-js page in headless Chromium."""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pgwidgets_core.catalog import catalog
from syncutil import ours, until

pytestmark = pytest.mark.timeout(60)


def hello(session, clicked=None):
    """The hello UI, built with plain blocking calls; returns (top, label, button)."""
    W = session.get_widgets()
    top = W.TopLevel(title="Hello", resizable=True)
    vbox = W.VBox(spacing=8)
    label = W.Label("Ready")
    btn = W.Button("Click me")
    if clicked is not None:
        btn.on("activated", clicked)
    vbox.add_widget(label, 1)
    vbox.add_widget(btn, 0)
    top.set_widget(vbox)
    top.resize(300, 140)
    top.show()
    return top, label, btn


def test_hello_click_and_reload_with_plain_functions(make_app, page):
    app = make_app()
    connected, disconnected = [], []

    @app.on_connect
    def setup(session):
        def clicked():
            label.set_text("Clicked!")
        _, label, _ = hello(session, clicked)
        connected.append((session, threading.current_thread()))

    app.on_disconnect(lambda s: disconnected.append((s, threading.current_thread())))
    page.goto(app.url)
    expect(page.locator(".toplevel-title-bar")).to_contain_text("Hello")
    expect(page.locator(".label-widget")).to_have_text("Ready")
    page.get_by_text("Click me").click()
    expect(page.locator(".label-widget")).to_have_text("Clicked!")
    page.reload()
    expect(page.locator(".label-widget")).to_have_text("Clicked!")
    expect(page.locator(".button-widget")).to_have_text("Click me")
    until(lambda: disconnected)
    assert disconnected == connected, "on_disconnect: same session object, same thread"
    assert len(app.sessions) == 1


@pytest.fixture
def running():
    """``running(app)`` runs ``app.run()`` on a background thread (returned); the
    app is closed and the thread joined at teardown."""
    started = []

    def start(app):
        t = threading.Thread(target=app.run, name="test-run-thread", daemon=True)
        started.append((app, t))
        t.start()
        return t
    yield start
    for app, t in started:
        app.close()
        t.join(5)


def test_per_session_handlers_run_on_one_thread_per_session(make_app, new_page):
    app = make_app(concurrency_handling="per_session")
    seen: dict[object, list] = {}
    sessions = {}

    @app.on_connect
    def setup(session):
        sessions[session.id] = session
        seen[session.id] = [threading.current_thread()]
        _, _, btn = hello(session)

        def clicked(widget):
            here = threading.current_thread()
            seen[session.id] += [here, session.gui_call(threading.current_thread),
                                 widget is btn]
        btn.add_callback("activated", clicked)

    for _ in range(2):
        pg = new_page()
        pg.goto(app.url)
        pg.get_by_text("Click me").click()
    until(lambda: len(seen) == 2 and all(len(v) == 4 for v in seen.values()))
    (a, *rest_a), (b, *rest_b) = seen.values()
    assert rest_a == [a, a, True] and rest_b == [b, b, True], \
        "connect and click on the session's thread; gui_call there runs inline"
    assert a is not b, "two sessions, two threads"
    for t in (a, b):
        assert t is not threading.main_thread() and t is not app._portal.thread
    assert [s.gui_call(threading.current_thread) for s in sessions.values()] == [a, b]


def test_serialized_handlers_run_on_the_thread_inside_run(make_app, page, running):
    app = make_app(concurrency_handling="serialized")
    seen = []

    @app.on_connect
    def setup(session):
        seen.append(threading.current_thread())
        hello(session, lambda: seen.extend([threading.current_thread(),
                                            session.gui_call(threading.current_thread)]))

    runner = running(app)
    page.goto(app.url)
    page.get_by_text("Click me").click()
    until(lambda: len(seen) == 3)
    assert seen == [runner] * 3
    (session,) = app.sessions.values()
    assert session.gui_call(threading.current_thread) is runner


def test_serialized_handlers_run_on_the_thread_calling_process_events(make_app, page):
    app = make_app(concurrency_handling="serialized")
    seen = []

    @app.on_connect
    def setup(session):
        seen.append(threading.current_thread())
        hello(session, lambda: seen.append(threading.current_thread()))

    page.goto(app.url)
    until(lambda: app.process_events(0.05) or len(seen) == 1)
    page.get_by_text("Click me").click()
    until(lambda: app.process_events(0.05) or len(seen) == 2)
    assert seen == [threading.main_thread()] * 2


def test_concurrent_handlers_overlap_on_pool_threads(make_app, page):
    app = make_app(concurrency_handling="concurrent")
    both_in = threading.Barrier(2, timeout=5)   # passes only if two handlers overlap
    done = []

    @app.on_connect
    def setup(session):
        def slow(name):
            both_in.wait()
            here = threading.current_thread()
            done.append((here, session.gui_call(threading.current_thread)))

        W = session.get_widgets()
        top, box = W.TopLevel(title="Pool"), W.HBox()
        for name in ("One", "Two"):
            b = W.Button(name)
            b.on("activated", slow, name)
            box.add_widget(b, 0)
        top.set_widget(box)
        top.show()

    page.goto(app.url)
    page.get_by_role("button", name="One").click()
    page.get_by_role("button", name="Two").click()
    until(lambda: len(done) == 2)
    assert all(here is inline for here, inline in done), "gui_call on a pool thread is inline"
    threads = {here for here, _ in done}
    assert len(threads) == 2
    assert all(t.name.startswith("pgwidgets-pool") for t in threads)


def test_repl_style_ui_built_from_the_main_thread_appears_and_updates_live(page):
    from pgwidgets_sync import Application

    t0 = time.monotonic()
    with Application(ws_port=0, http_port=0) as app:
        assert time.monotonic() - t0 < 2, "start() returns promptly"
        session = app.create_session()
        _, label, _ = hello(session)
        page.goto(session.url)
        expect(page.locator(".label-widget")).to_have_text("Ready")
        label.set_text("Live from the REPL")
        expect(page.locator(".label-widget")).to_have_text("Live from the REPL")
        assert label.get_text() == "Live from the REPL"


@pytest.mark.parametrize("mode", ["per_session", "serialized"])
def test_close_from_inside_a_handler_returns_and_run_exits(make_app, page, running, mode):
    app = make_app(concurrency_handling=mode)
    returned = threading.Event()

    @app.on_connect
    def setup(session):
        def quit():
            app.close()
            returned.set()
        hello(session, quit)

    runner = running(app)
    page.goto(app.url)
    page.get_by_text("Click me").click()
    runner.join(5)
    assert not runner.is_alive(), "run() returned"
    assert returned.wait(5), "close() returned inside the handler"
    until(lambda: not ours())


def in_thread(fn):
    """Run ``fn()`` on a new thread; returns (thread, result dict with value or
    error, and seconds)."""
    result: dict = {}

    def run():
        t0 = time.monotonic()
        try:
            result["value"] = fn()
        except Exception as exc:
            result["error"] = exc
        result["seconds"] = time.monotonic() - t0
    t = threading.Thread(target=run)
    t.start()
    return t, result


def test_query_whose_tab_closes_returns_none_at_once(make_app, page):
    app = make_app(call_timeout=5)
    session = app.create_session()
    _, label, _ = hello(session)
    dropping = []

    def route(ws):            # between page and server; drops queries once asked to
        server = ws.connect_to_server()
        server.on_message(lambda m: None if dropping and "get_position" in m else ws.send(m))
    page.route_web_socket(re.compile("^ws://"), route)
    page.goto(session.url)
    expect(page.locator(".label-widget")).to_have_text("Ready")
    # Sync Playwright forwards frames only inside its own calls: pump while waiting.
    asker, result = in_thread(label.get_position)
    while asker.is_alive():
        page.wait_for_timeout(20)
    assert result.get("value") is not None, result      # the page answers queries

    dropping.append(True)
    asker, result = in_thread(label.get_position)
    page.wait_for_timeout(500)
    assert asker.is_alive(), "the query waits for the page"
    page.close()
    asker.join(8)
    assert result == {"value": None, "seconds": result["seconds"]}
    assert result["seconds"] < 2, "answered when the tab closed, not at the timeout"


def test_no_thread_of_ours_survives_close(make_app, page):
    before = set(threading.enumerate())
    for mode in ("per_session", "concurrent", "serialized"):
        app = make_app(concurrency_handling=mode)
        for _ in range(2):
            hello(app.create_session())
        if mode == "per_session":
            app.on_connect(hello)
            page.goto(app.url)
            until(lambda: len(app.sessions) == 3)
        assert ours()
        app.close()
        assert not ours(), ours()
    assert set(threading.enumerate()) <= before


def test_the_gallery_example_shows_every_widget_class_without_an_error(make_app, page):
    spec = importlib.util.spec_from_file_location(
        "all_widgets_sync", Path(__file__).resolve().parents[2] / "examples" / "all_widgets_sync.py")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))   # its _ports
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    app = make_app()
    errors, sessions = [], []

    @app.on_connect
    def setup(session):
        session.on_error(lambda s, exc: errors.append(exc))
        gallery.build(session)
        sessions.append(session)

    page.goto(app.url)
    expect(page.locator(".statusbar-widget")) \
        .to_contain_text("built by a plain function")
    (session,) = sessions
    session.flush()
    made = {type(w).__name__ for w in session.walk_widget_tree()}
    assert set(catalog()) - made <= {"MDISubWindow"}       # the page makes those
    assert errors == []
    assert not [line for line in page.console_lines if line.startswith("[pageerror]")]
