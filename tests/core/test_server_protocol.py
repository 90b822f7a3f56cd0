"""The real server against the scripted fake browser: handshake, sessions, write-behind,
queries, errors, admission and malformed input."""

import asyncio
import json
import re

import pytest

from fakebrowser import FakeBrowser
from pgwidgets_core.errors import UnknownCallbackWarning
from pgwidgets_core import Application, BrowserError, SessionClosedError

pytestmark = pytest.mark.timeout(20)


@pytest.fixture
async def app():
    app = Application(ws_port=0, http_port=0, max_sessions=None, call_timeout=5)
    await app.start()
    yield app
    await app.close()


@pytest.fixture
async def page_for(app):
    """Make fake pages for ``app`` (closed at teardown)."""
    made = []

    def make(application=None, **kw):
        a = application or app
        kw.setdefault("origin", f"http://127.0.0.1:{a.http_port}")
        fb = FakeBrowser(f"ws://127.0.0.1:{a.ws_port}", **kw)
        made.append(fb)
        return fb
    yield make
    await asyncio.gather(*(fb.close() for fb in made), return_exceptions=True)


async def connected(app, fb):
    """Connect ``fb`` and return its server-side Session."""
    await fb.connect()
    sid, _ = await fb.wait_session_info()
    return app.sessions[sid]


async def test_handshake_sends_session_info_before_anything_else_and_runs_on_connect(app, page_for):
    built = asyncio.Event()

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        await W.Label("hello")
        built.set()
    fb = page_for()
    session = await connected(app, fb)
    await asyncio.wait_for(built.wait(), 5)
    await session.flush()
    types = [m["type"] for m in fb.received]
    assert types[:2] == ["init", "session-info"]
    assert fb.find("Label")[0].args == ["hello"]
    assert session.is_connected and fb.session_id == session.id and fb.token == session.token


async def test_setters_return_without_waiting_for_the_page_and_arrive_in_order(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    W = session.get_widgets()
    label = await W.Label("start")
    await session.flush()
    fb.pause_replies()
    for i in range(50):                               # the page answers nothing meanwhile
        await label.set_text(f"t{i}")
    assert label.get_text() == "t49"
    fb.resume_replies()
    await session.flush()
    fw = fb.widgets[label.wid]
    assert [a[0] for a in fw.calls_to("set_text")] == [f"t{i}" for i in range(50)]


async def test_a_query_keeps_its_place_among_write_behind_calls(app, page_for):
    # A query with nothing queued before it is written at once; one after queued calls
    # waits its turn. Either way the page sees the calls in the order they were made.
    fb = page_for()
    session = await connected(app, fb)
    W = session.get_widgets()
    box = await W.VBox()
    await session.flush()
    loop = asyncio.get_running_loop()
    await box.set_spacing(1)                 # queued: the query must not overtake it
    asked = asyncio.Task(box.get_children(), loop=loop, eager_start=True)
    await box.set_spacing(2)                 # after the query
    await asked
    first = asyncio.Task(box.get_children(), loop=loop, eager_start=True)  # written at once
    await box.set_spacing(3)
    await first
    await session.flush()
    calls = [(m.get("method"), m.get("args")) for m in fb.received
             if isinstance(m, dict) and m.get("wid") == box.wid and m.get("type") == "call"]
    assert calls == [("set_spacing", [1]), ("get_children", []), ("set_spacing", [2]),
                     ("get_children", []), ("set_spacing", [3])]


async def test_a_burst_of_calls_leaves_in_few_array_frames(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    W = session.get_widgets()
    box = await W.VBox()
    for i in range(200):
        await box.add_widget(await W.Label(f"l{i}"))
    await session.flush()
    assert len(fb.find("Label")) == 200
    frames = [m for m in fb.received if isinstance(m, dict) and m.get("type") == "create"]
    assert len(frames) == 201


async def test_query_returns_the_page_value_and_none_without_a_page(app, page_for):
    fb = page_for()
    fb.responders[("VBox", "get_position")] = lambda w, args: 7
    session = await connected(app, fb)
    W = session.get_widgets()
    box = await W.VBox()
    assert await box.get_position() == 7
    headless = app.create_session()
    other = await headless.get_widgets().VBox()
    assert await other.get_position() is None


async def test_query_resolves_widget_references_to_the_same_python_objects(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    W = session.get_widgets()
    box, a = await W.VBox(), await W.Label("a")
    await box.add_widget(a)
    fb.responders[("VBox", "get_children")] = lambda w, args: [fb.widgets[a.wid]]
    assert await box.get_children() == [a]


async def test_browser_error_on_a_query_raises_naming_class_wid_and_method(app, page_for):
    fb = page_for()

    def boom(w, args):
        raise RuntimeError("no such row")
    fb.responders[("TreeView", "get_selected")] = boom
    session = await connected(app, fb)
    tv = await session.get_widgets().TreeView()
    with pytest.raises(BrowserError) as info:
        await tv.get_selected()
    err = info.value
    assert (err.message, err.widget_class, err.wid, err.method) == \
        ("no such row", "TreeView", tv.wid, "get_selected")


async def test_browser_error_of_a_write_behind_call_reaches_the_error_handler(app, page_for):
    fb = page_for()

    def boom(w, args):
        raise RuntimeError("bad colour")
    fb.responders[("Label", "set_color")] = boom
    session = await connected(app, fb)
    errors = []
    session.on_error(lambda s, e: errors.append(e))
    label = await session.get_widgets().Label("x")
    await label.set_color("red")
    await session.flush()
    assert len(errors) == 1
    assert (errors[0].widget_class, errors[0].method, errors[0].args_sent) == \
        ("Label", "set_color", ["red"])
    assert "bad colour" in str(errors[0])


async def test_wrong_arguments_raise_type_error_before_anything_is_sent(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    W = session.get_widgets()
    with pytest.raises(TypeError, match="colour"):
        await W.Label("x", colour="red")
    label = await W.Label("y")
    with pytest.raises(TypeError, match=r"Label.set_text\(\)"):
        await label.set_text("a", "b")
    with pytest.warns(UnknownCallbackWarning, match="declares no callback 'clicked'"):
        await label.on("clicked", print)         # kept: the definitions miss some
    with pytest.raises(ValueError, match="non-empty str"):
        await label.on("", print)
    await session.flush()
    assert [w.args for w in fb.find("Label")] == [["y"]]


async def test_query_whose_page_goes_away_answers_none_at_once(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    box = await session.get_widgets().VBox()
    await session.flush()
    fb.pause_replies()
    task = asyncio.create_task(box.get_position())
    await fb.wait_received(lambda m: isinstance(m, dict) and m.get("method") == "get_position")
    await fb.close()
    assert await asyncio.wait_for(task, 2) is None


async def test_query_without_an_answer_raises_timeout_error_after_call_timeout(page_for):
    app = Application(ws_port=0, http_port=0, call_timeout=0.3)
    async with app:
        fb = page_for(app)
        session = await connected(app, fb)
        box = await session.get_widgets().VBox()
        await session.flush()
        fb.pause_replies()
        with pytest.raises(TimeoutError, match="get_position"):
            await box.get_position()
        await fb.close()


async def test_malformed_frames_are_ignored_and_the_connection_goes_on(app, page_for):
    fb = page_for()
    fb.responders[("VBox", "get_position")] = lambda w, args: 3
    session = await connected(app, fb)
    other_fb = page_for()
    other_fb.responders[("VBox", "get_position")] = lambda w, args: 5
    other = await connected(app, other_fb)
    box = await session.get_widgets().VBox()
    for junk in ["not json", "[1,2", "42", '{"type":"nope"}', '{"type":"callback"}',
                 '{"type":"callback","wid":999,"action":"activated","args":[]}',
                 '{"type":"result","id":"x"}', '{"type":"viewport"}', '[{"type":"zzz"}, null]',
                 b"\x00\x01 stray binary"]:
        await fb.send_raw(junk)
    assert await box.get_position() == 3
    assert session.is_connected and other.is_connected
    assert await (await other.get_widgets().VBox()).get_position() == 5


async def test_wrong_token_is_refused_with_4001_and_sees_nothing(app, page_for):
    session = app.create_session()
    await session.get_widgets().Label("secret")
    fb = page_for(session_id=session.id, token="not-the-token")
    await fb.connect()
    await fb.wait_closed()
    assert fb.close_code == 4001
    assert [m["type"] for m in fb.received if isinstance(m, dict)] == ["init"]


async def test_unknown_session_id_gets_a_new_session_with_that_id_and_token(app, page_for):
    connects = []
    app.on_connect(lambda s: connects.append(s.id))
    fb = page_for(session_id=77, token="tok-from-a-bookmark")
    session = await connected(app, fb)
    assert (session.id, session.token) == (77, "tok-from-a-bookmark")
    await asyncio.sleep(0)
    assert connects == [77]


async def test_digit_string_session_ids_can_be_rejoined(app, page_for):
    session = app.create_session("42")
    assert session.id == 42
    fb = page_for(session_id=42, token=session.token)
    assert await connected(app, fb) is session


async def test_joining_page_is_rebuilt_alone_without_disturbing_the_first(app, page_for):
    first = page_for()
    session = await connected(app, first)
    W = session.get_widgets()
    top = await W.TopLevel(title="T")
    label = await W.Label("one")
    await top.set_widget(label)
    await label.set_text("two")
    await top.show()
    await session.flush()
    second = page_for(session_id=session.id, token=session.token)
    assert await connected(app, second) is session
    await second.wait_received("reconstruct-end")
    await session.flush()
    assert second.widgets[label.wid].state["text"] == "two"
    assert second.widgets[top.wid].state["visible"] is True
    assert not any(m.get("type") == "reconstruct-start" for m in first.received
                   if isinstance(m, dict))
    await label.set_text("three")                   # both pages follow later calls
    await session.flush()
    await second.wait_for(lambda fb: fb.widgets[label.wid].state["text"] == "three")
    assert first.widgets[label.wid].state["text"] == "three"


async def test_user_change_updates_local_getter_and_is_pushed_silently_to_other_pages(
        app, page_for):
    first = page_for()
    session = await connected(app, first)
    slider = await session.get_widgets().Slider(min=0, max=100)
    await session.flush()
    second = page_for(session_id=session.id, token=session.token)
    await connected(app, second)
    await second.wait_received("reconstruct-end")
    await first.send_callback(slider.wid, "activated", 64)
    push = await second.wait_received(lambda m: isinstance(m, dict) and
                                      m.get("method") == "set_value")
    assert push["args"] == [64] and push["silent"] is True
    assert slider.get_value() == 64
    assert not any(isinstance(m, dict) and m.get("method") == "set_value"
                   for m in first.received)


async def test_on_gets_no_widget_and_add_callback_gets_the_widget_first(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    got = []
    cb = await session.get_widgets().CheckBox("c")
    await cb.on("activated", lambda *a, **k: got.append(("on", a, k)), "x", tag=1)
    await cb.add_callback("activated", lambda *a: got.append(("add", a)))
    await session.flush()
    await fb.send_callback(cb.wid, "activated", True)
    await session.flush()
    await asyncio.sleep(0.05)
    assert ("on", (True, "x"), {"tag": 1}) in got
    assert ("add", (cb, True)) in got
    assert cb.get_state() is True


async def test_factory_methods_give_server_wids_and_build_the_same_page(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    W = session.get_widgets()
    bar = await W.MenuBar()
    file_menu = await bar.add_name("File")
    quit_action = await file_menu.add_name("Quit")
    await session.flush()
    assert fb.widgets[file_menu.wid].cls == "Menu"
    assert fb.widgets[quit_action.wid].cls == "MenuAction"
    assert fb.widgets[quit_action.wid].args == [{"name": "Quit", "checkable": False}]
    assert fb.widgets[bar.wid].calls_to("add_menu") == [[{"__wid__": file_menu.wid}, "File"]]
    assert [w for w in session.walk_widget_tree()] == [bar, file_menu, quit_action]


async def test_max_sessions_holds_a_page_until_a_slot_frees(page_for):
    app = Application(ws_port=0, http_port=0, max_sessions=1)
    async with app:
        first = page_for(app)
        s1 = await connected(app, first)
        waiting = page_for(app)
        await waiting.connect()
        with pytest.raises(TimeoutError):
            await waiting.wait_session_info(timeout=0.3)
        await first.close()
        sid, _ = await waiting.wait_session_info()
        assert sid != s1.id


async def test_a_page_that_gives_up_while_queued_does_not_take_the_slot(page_for):
    app = Application(ws_port=0, http_port=0, max_sessions=1)
    async with app:
        first = page_for(app)
        await connected(app, first)
        quitter = page_for(app)
        await quitter.connect()
        await quitter.close()
        await asyncio.sleep(0.05)
        await first.close()
        third = page_for(app)
        await connected(app, third)              # gets the slot the quitter never used
        assert app._admission.used == 1
        assert len([s for s in app.sessions.values() if s.is_connected]) == 1


async def test_second_tab_of_a_session_takes_no_extra_slot(page_for):
    app = Application(ws_port=0, http_port=0, max_sessions=1)
    async with app:
        first = page_for(app)
        session = await connected(app, first)
        second = page_for(app, session_id=session.id, token=session.token)
        assert await connected(app, second) is session
        await first.close()                      # the session still has a page: slot held
        third = page_for(app)
        await third.connect()
        with pytest.raises(TimeoutError):
            await third.wait_session_info(timeout=0.3)
        await second.close()
        await third.wait_session_info()


async def test_foreign_origin_is_refused_at_the_handshake(app, page_for):
    fb = page_for(origin="http://evil.example")
    with pytest.raises(Exception, match="403"):
        await fb.connect()
    assert app.sessions == {}


async def test_destroyed_session_ends_its_pages_with_4000_and_refuses_calls(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    label = await session.get_widgets().Label("x")
    await session.destroy()
    await fb.wait_closed()
    assert fb.close_code == 4000
    assert session.id not in app.sessions
    with pytest.raises(SessionClosedError):
        await label.set_text("y")


async def test_app_close_with_a_query_in_flight_returns_promptly(page_for):
    app = Application(ws_port=0, http_port=0)
    await app.start()
    fb = page_for(app)
    session = await connected(app, fb)
    box = await session.get_widgets().VBox()
    await session.flush()
    fb.pause_replies()
    task = asyncio.create_task(box.get_position())
    await fb.wait_received(lambda m: isinstance(m, dict) and m.get("method") == "get_position")
    await asyncio.wait_for(app.close(), 3)
    assert await asyncio.wait_for(task, 1) is None
    await fb.wait_closed()
    assert fb.close_code == 4002


async def http_get(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                 .encode())
    data = await reader.read()
    writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode(), body


async def test_connector_page_is_served_with_the_websocket_url_injected(app):
    head, body = await http_get(app.http_port, "/")
    assert head.startswith("HTTP/1.1 200")
    assert f'window.PGWIDGETS_WS_URL = "ws://127.0.0.1:{app.ws_port}"'.encode() in body
    # the page imports the toolkit as one bundle (pgwidgets_core.bundle), by a relative
    # link (a path prefix behind a proxy keeps working) ...
    m = re.search(rb'from "\./(pgwidgets-bundle-[0-9a-f]+\.js)"', body)
    assert m is not None and body.index(b"PGWIDGETS_WS_URL") < m.start()
    assert b'href="/' not in body and b'from "/' not in body
    head, script = await http_get(app.http_port, "/" + m.group(1).decode())
    assert "text/javascript" in head and "immutable" in head
    assert script.rstrip().endswith(b"export {Widgets};")
    # ... and the separate files are still there for anything that asks for them
    head, body = await http_get(app.http_port, "/Widgets.js")
    assert "text/javascript" in head and body == (app.static_path / "Widgets.js").read_bytes()


async def test_set_favicon_serves_the_given_image(tmp_path):
    icon = tmp_path / "mine.png"
    icon.write_bytes(b"\x89PNG fake")
    app = Application(ws_port=0, http_port=0)
    app.set_favicon(icon)
    async with app:
        head, body = await http_get(app.http_port, "/favicon.svg")
        assert "image/png" in head and body == b"\x89PNG fake"
    with pytest.raises(FileNotFoundError, match="favicon"):
        app.set_favicon(tmp_path / "missing.svg")


async def test_add_cursor_sends_a_local_file_as_a_data_uri(app, page_for, tmp_path):
    cursor = tmp_path / "hand.png"
    cursor.write_bytes(b"\x89PNG")
    fb = page_for()
    session = await connected(app, fb)
    label = await session.get_widgets().Label("x")
    await label.add_cursor("hand", str(cursor), 1, 2)
    await session.flush()
    [args] = fb.widgets[label.wid].calls_to("add_cursor")
    assert args == ["hand", "data:image/png;base64,iVBORw==", 1, 2]


async def test_async_with_starts_and_closes_the_application():
    async with Application(ws_port=0, http_port=0) as app:
        assert app.url == f"http://127.0.0.1:{app.http_port}/"
        _, body = await http_get(app.http_port, "/")
        assert b"PGWIDGETS_WS_URL" in body
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", app.http_port)


async def test_text_typed_into_a_text_source_is_pulled_and_pushed_to_other_pages(
        app, page_for):
    first = page_for()
    session = await connected(app, first)
    ts = await session.get_widgets().TextSource("hello")
    await session.flush()
    second = page_for(session_id=session.id, token=session.token)
    await connected(app, second)
    await second.wait_received("reconstruct-end")
    first.widgets[ts.wid].state["text"] = "hello world"      # the user typed
    await first.send_callback(ts.wid, "changed")
    push = await second.wait_received(lambda m: isinstance(m, dict) and
                                      m.get("method") == "set_text")
    assert push["args"] == ["hello world"] and push["silent"] is True
    assert ts.get_text() == "hello world"


async def test_setter_rejected_by_the_page_is_not_recorded(app, page_for):
    fb = page_for()

    def refuse(w, args):
        raise RuntimeError("value out of range")
    session = await connected(app, fb)
    slider = await session.get_widgets().Slider()
    await slider.set_value(5)
    await session.flush()
    fb.responders[("Slider", "set_value")] = refuse
    errors = []
    session.on_error(lambda s, e: errors.append(e))
    await slider.set_value(500)
    assert slider.get_value() == 500                   # optimistic until the page answers
    await session.flush()
    assert slider.get_value() == 5 and len(errors) == 1


async def test_mdi_subwindows_have_one_python_object_across_pages_and_rebuilds(app, page_for):
    first = page_for(subwidgets={"Label": 3})          # page wid counters drift apart
    session = await connected(app, first)
    W = session.get_widgets()
    mdi = await W.MDIWidget()
    doc = await W.Label("doc")
    subwin = await mdi.add_widget(doc, title="Doc")
    assert type(subwin).__name__ == "MDISubWindow"
    assert list(session.walk_widget_tree()) == [mdi, subwin, doc]
    second = page_for(session_id=session.id, token=session.token)
    await connected(app, second)
    await second.wait_received("reconstruct-end")
    await session.flush()
    [sub2] = second.find("MDISubWindow")
    [sub1] = first.find("MDISubWindow")
    assert sub1.wid == subwin.wid and sub2.wid != subwin.wid
    second.listeners.add((sub2.wid, "move"))
    await second.send_callback(sub2.wid, "move", 40, 50)      # the user drags it in page 2
    push = await first.wait_received(lambda m: isinstance(m, dict) and
                                     m.get("method") == "set_position")
    assert push["wid"] == sub1.wid and push["args"] == [40, 50]
    assert await subwin.get_position() == (40, 50)
    await subwin.set_title("Renamed")                         # reaches each page's own wid
    await session.flush()
    await second.wait_for(lambda fb: fb.widgets[sub2.wid].state.get("title") == "Renamed")
    third = page_for(session_id=session.id, token=session.token)
    await connected(app, third)
    await third.wait_received("reconstruct-end")
    [add] = third.widgets[mdi.wid].calls_to("add_widget")
    assert add[1] == {"title": "Doc", "x": 40, "y": 50}


async def test_dropped_files_reach_the_handler_whole_with_progress_per_chunk(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    label = await session.get_widgets().Label("drop here")
    got, progress = [], []
    await label.on("drop-end", lambda p: got.append(p))
    await label.on("drop-progress", lambda p: progress.append(p))
    await session.flush()
    meta = {"transfer_id": 1, "x": 5, "y": 6,
            "files": [{"name": "a.txt", "size": 5, "type": "text/plain", "encoding": "bytes"}]}
    await fb.send_callback(label.wid, "drop-end", meta)
    for i, part in enumerate((b"hel", b"lo")):
        await fb.send_raw(json.dumps({"type": "binary-chunk", "wid": label.wid,
                                      "transfer_id": 1, "file_index": 0, "file_count": 1,
                                      "chunk_index": i, "num_chunks": 2,
                                      "encoding": "binary"}))
        await fb.send_raw(part)
    await session.flush()
    await asyncio.sleep(0.05)
    assert [p["files"][0]["data"] for p in got] == [b"hello"]
    assert got[0]["x"] == 5
    assert [p["complete"] for p in progress] == [False, True]


async def test_sessions_without_a_page_expire_after_the_idle_timeout(page_for):
    app = Application(ws_port=0, http_port=0, max_sessions=None, session_idle_timeout=0.2)
    async with app:
        kept = app.create_session()                      # not expiring by default
        doomed = app.create_session(expires=True)
        fb = page_for(app)
        session = await connected(app, fb)
        await fb.close()
        back = page_for(app, session_id=doomed.id, token=doomed.token)
        await connected(app, back)                       # a page in time keeps it
        await asyncio.sleep(0.5)
        assert session.id not in app.sessions
        assert kept.id in app.sessions and doomed.id in app.sessions
        await back.close()
        await asyncio.sleep(0.5)
        assert doomed.id not in app.sessions and kept.id in app.sessions


async def test_binary_images_go_as_binary_frames_and_are_rebuilt(app, page_for):
    fb = page_for()
    session = await connected(app, fb)
    img = await session.get_widgets().Image()
    small, big = b"\x89PNG" + bytes(100), bytes(range(256)) * 5000     # 1.28 MB: chunked
    await img.set_binary_image(small, "png")
    await img.set_binary_image(big, format="png")
    await session.flush()
    await fb.wait_for(lambda f: len(f.binary_calls) == 2)
    assert [(c[1], c[2], c[3]) for c in fb.binary_calls] == \
        [("set_binary_image", small, ["png"]), ("set_binary_image", big, ["png"])]
    with pytest.raises(TypeError, match="buffer protocol"):
        await img.set_binary_image("not bytes")
    second = page_for(session_id=session.id, token=session.token)
    await connected(app, second)
    await second.wait_received("reconstruct-end")
    await second.wait_for(lambda f: len(f.binary_calls) == 1)
    assert second.binary_calls[0][2] == big


@pytest.mark.parametrize("frame", [
    '{"type":"viewport","width":1e999,"height":1}',
    '[{"type":"viewport","width":NaN,"height":1}]',
    "[" * 100_000 + "]" * 100_000,
    '{"type":"callback","wid":WID,"action":"activated","args":' + "[" * 1000 + "]" * 1000 + "}",
    '{"type":"callback","wid":WID,"action":"activated","args":[{"__wid__":500,"__class__":7}]}',
    '{"type":"callback","wid":WID,"action":"activated","args":[{"__wid__":9007199254740993}]}',
    '{"type":"callback","wid":TOP,"action":"resize","args":[{"width":300}]}',
    '{"type":"callback","wid":WID,"action":"activated","args":[{"transfer_id":1,'
    '"files":[{"name":"a","size":null}]}]}',
])
async def test_hostile_frames_leave_the_connection_and_the_wid_counter_alone(app, page_for,
                                                                             frame):
    """Regressions from the fuzz bench (bench/reliability)."""
    fb = page_for()
    fb.responders[("VBox", "get_position")] = lambda w, args: 2
    session = await connected(app, fb)
    W = session.get_widgets()
    top, box, slider = await W.TopLevel(resizable=True), await W.VBox(), await W.Slider()
    await session.flush()
    before = session.engine.tree.next_wid
    raw = fb._require_ws()          # straight to the socket: the fake would parse it first
    await raw.send(frame.replace("WID", str(slider.wid)).replace("TOP", str(top.wid)))
    await fb.send_raw(json.dumps({"type": "binary-chunk", "wid": slider.wid, "transfer_id": 1,
                                  "file_index": 0, "file_count": 1, "chunk_index": 0,
                                  "num_chunks": 2, "encoding": "binary"}))
    await fb.send_raw(b"x")
    assert await box.get_position() == 2
    assert session.is_connected and session.engine.tree.next_wid == before
    assert len(session.engine.tree.records) == 3


async def test_python_wids_skip_the_ids_the_page_gives_its_own_internal_widgets(app, page_for):
    fb = page_for(subwidgets={"TreeView": ["ScrollBar", "ScrollBar"]})
    session = await connected(app, fb)
    W = session.get_widgets()
    await W.TreeView()                       # teaches Python what a TreeView uses
    await session.flush()
    made = [await W.TreeView() for _ in range(3)] + [await W.Label(str(i)) for i in range(3)]
    await session.flush()
    assert not [line for line in fb.log if "displaced" in line]
    assert all(fb.widgets[w.wid].cls == type(w).__name__ for w in made)
    rejoin = page_for(session_id=session.id, token=session.token,
                      subwidgets={"TreeView": ["ScrollBar", "ScrollBar"]})
    await fb.close()
    await connected(app, rejoin)
    await rejoin.wait_received("reconstruct-end")
    late = await W.Label("after the rebuild")
    await session.flush()
    assert not [line for line in rejoin.log if "displaced" in line]
    assert rejoin.widgets[late.wid].cls == "Label"


@pytest.mark.parametrize("compression, extension", [(False, None), (True, "permessage-deflate")])
async def test_compression_is_off_unless_asked_for(compression, extension):
    from websockets.asyncio.client import connect
    async with Application(ws_port=0, http_port=0, compression=compression) as app:
        app.on_connect(lambda s: None)
        # a browser always offers permessage-deflate; the server decides
        async with connect(f"ws://127.0.0.1:{app.ws_port}/", compression="deflate") as ws:
            got = ws.response.headers.get("Sec-WebSocket-Extensions")
            if extension is None:
                assert got is None
            else:
                assert got is not None and got.startswith(extension)
            info = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert info["type"] == "init"        # the handshake goes on as usual


async def test_wrapping_add_connection_is_a_hook_on_every_attach(app, page_for):
    session = app.create_session("hooked", "tok")
    seen = []
    original = session.add_connection

    def add_connection(ws, **kw):
        seen.append(kw)
        return original(ws, **kw)
    session.add_connection = add_connection
    await session.get_widgets().Label("x")
    fb = page_for(session_id="hooked", token="tok")
    await fb.connect()
    await fb.wait_widget("Label")
    assert seen == [{"rebuild_page": True}]
    assert session.is_connected


async def test_on_disconnect_after_destroy_runs_and_its_lane_is_released_after_it(page_for):
    """destroy() releases the session's lane, then closes its pages, whose
    on_disconnect comes after: the lane must be released again once that ran, or a
    runner that makes lanes anew (the blocking API: a thread each) keeps a thread and the
    session for good. Found by the soak bench (bench/reliability/soak.py)."""
    from pgwidgets_core.dispatch import TaskRunner
    events = []

    class Recording(TaskRunner):
        def run(self, lane, session, fn, args, kwargs, what):
            events.append(("run", lane, what))
            super().run(lane, session, fn, args, kwargs, what)

        def release(self, lane):
            events.append(("release", lane, None))
            super().release(lane)

    app = Application(ws_port=0, http_port=0, max_sessions=None, handler_runner=Recording())
    await app.start()
    try:
        left = asyncio.Event()
        app.on_disconnect(lambda s: left.set())
        fb = page_for(app)
        session = await connected(app, fb)
        await session.destroy()
        await fb.wait_closed()
        await asyncio.wait_for(left.wait(), 5)
        mine = [(kind, what) for kind, lane, what in events if lane is session]
        first_release = mine.index(("release", None))
        assert ("run", "on_disconnect") in mine[first_release:], mine
        assert mine[-1] == ("release", None), mine
    finally:
        await app.close()
