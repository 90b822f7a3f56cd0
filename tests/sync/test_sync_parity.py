"""The blocking API's batch, ws_sock and get_session_thread, in real Chromium."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pgwidgets_sync import Application

from syncutil import until

pytestmark = pytest.mark.timeout(60)

N = 30


def test_a_batch_of_setters_is_one_frame_and_the_page_shows_the_last_values(make_app, page):
    app = make_app()
    built = threading.Event()
    ui = {}

    @app.on_connect
    def setup(session):
        W = session.get_widgets()
        top = W.TopLevel(title="Batch")
        box = W.VBox()
        labels = [W.Label(f"l{i}") for i in range(N)]
        for lab in labels:
            box.add_widget(lab)
        top.set_widget(box)
        top.show()
        ui.update(session=session, labels=labels)
        built.set()

    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    page.goto(app.url)
    assert built.wait(10)
    session = ui["session"]
    expect(page.locator(".label-widget").nth(N - 1)).to_have_text(f"l{N - 1}")
    session.flush()
    frames.clear()
    with session.batch():
        for i, lab in enumerate(ui["labels"]):
            lab.set_text(f"b{i}")
    session.flush()
    expect(page.locator(".label-widget").nth(N - 1)).to_have_text(f"b{N - 1}")
    arrays = [json.loads(f) for f in frames if isinstance(f, str) and f.startswith("[")]
    held = [a for a in arrays if sum(m.get("method") == "set_text" for m in a) == N]
    assert len(held) == 1, [str(a)[:60] for a in arrays]
    assert ui["labels"][3].get_text() == "b3"


def test_ws_sock_is_adopted_and_the_ui_appears(page):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = Application(ws_sock=sock, http_port=0)

    @app.on_connect
    def setup(session):
        W = session.get_widgets()
        top = W.TopLevel(title="Adopted")
        top.set_widget(W.Label("on an adopted socket"))
        top.show()
    app.start()
    try:
        assert app.ws_port == port
        page.goto(app.url)
        expect(page.locator(".label-widget")).to_have_text("on an adopted socket")
    finally:
        app.close()


@pytest.mark.parametrize("mode", ["per_session", "serialized", "concurrent"])
def test_get_session_thread_names_the_thread_that_runs_handlers(make_app, page, mode):
    app = make_app(concurrency_handling=mode)
    seen = {}

    @app.on_connect
    def setup(session):
        seen["handler"] = threading.get_ident()
        seen["reported"] = session.get_session_thread()

    page.goto(app.url)
    if mode == "serialized":
        until(lambda: app.process_events(0.05) or "handler" in seen, 10)
    until(lambda: "handler" in seen, 10)
    if mode == "concurrent":
        assert seen["reported"] is None
    else:
        assert seen["reported"] == seen["handler"]
    if mode == "serialized":
        assert seen["handler"] == threading.get_ident()   # the test thread ran it


def test_a_buffer_is_sent_as_it_was_at_the_call(make_app, page):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from pngutil import png

    app = make_app()
    done = threading.Event()

    @app.on_connect
    def setup(session):
        W = session.get_widgets()
        top = W.TopLevel(title="Image")
        img = W.Image()
        data = bytearray(png(12, 8))
        app._portal.submit(None, time.sleep, 0.3)   # keep the loop busy meanwhile
        img.set_binary_image(data, "png")       # queued: runs later on the loop thread
        data[:] = png(50, 50)                   # the program reuses its buffer at once
        top.set_widget(img)
        top.show()
        done.set()

    page.goto(app.url)
    assert done.wait(10)
    until(lambda: page.evaluate("""() => Array.from(document.querySelectorAll('img'))
        .filter(i => i.complete && i.naturalWidth > 0).map(i => i.naturalWidth)""") == [12], 10)


def test_text_source_model_answers_and_translated_calls_are_plain_calls(make_app, page):
    app = make_app()
    session = app.create_session()
    W = session.get_widgets()
    top = W.TopLevel(title="Sync source")
    ts = W.TextSource("\n".join(f"row {i}" for i in range(120)), icon_gutter=True)
    top.set_widget(ts)
    top.resize(300, 160)
    top.show()
    page.goto(session.url)
    expect(page.locator(".textsource-line").first).to_be_visible()
    assert ts.get_end_lineno() == 119 and ts.get_modified() is False
    assert ts.scroll_to_end() is None              # blocking API: plain calls
    last = page.locator(".textsource-line").nth(119)
    expect(last).to_be_in_viewport()
    ts.scroll_to_lineno(0, "top")
    expect(page.locator(".textsource-line").first).to_be_in_viewport()
    ts.show_tooltip("sync hint", 10, 10)
    expect(page.locator(".textsource-tooltip")).to_have_text("sync hint")
    with pytest.raises(ValueError, match="align must be one of"):
        ts.scroll_to_lineno(3, "bottom")
