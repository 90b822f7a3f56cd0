"""The session engine alone: frames in, frames and events out, no event loop at all.

Each test drives an :class:`Engine` like an I/O layer would: program calls in, the
bytes queued for each page read back, pages' replies fed in, events read back.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from pgwidgets_core.catalog import widget_def
from pgwidgets_core.engine import Engine
from pgwidgets_core.errors import BrowserError, SessionClosedError
from pgwidgets_core.events import Answered, Failed, Fired, Reported, TimerSet
from pgwidgets_core.pages import Page
from pgwidgets_core.protocol import BINARY_CHUNK, BINARY_SINGLE


@pytest.fixture(autouse=True)
def no_event_loop():
    """Every test here runs without an event loop."""
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()


def messages(page: Page) -> list:
    """Everything queued for ``page``, frames flattened to messages (bytes kept)."""
    out = []
    for frame in page.data_to_send():
        if isinstance(frame, bytes):
            out.append(frame)
        else:
            data = json.loads(frame)
            out.extend(data if isinstance(data, list) else [data])
    return out


def ok(msg: dict, **extra) -> str:
    return json.dumps({"type": "result", "id": msg["id"], **extra})


def create(engine: Engine, cls: str, *args, **seeded):
    # without a wrap function the engine's objects are the records themselves
    return engine.create(widget_def(cls), list(args), {k: (v,) for k, v in seeded.items()})


def spec(cls: str, method: str):
    return widget_def(cls).methods[method]


def test_creates_setters_and_queries_leave_in_the_order_they_were_made():
    engine = Engine()
    page = Page()
    engine.join(page)
    label = create(engine, "Label", "a")
    engine.set(label, spec("Label", "set_text"), ["b"])
    assert engine.query(label, "get_children", [], waiter="w1")
    engine.set(label, spec("Label", "set_text"), ["c"])
    sent = messages(page)
    kinds = [(m["type"], m.get("method")) for m in sent]
    assert kinds[0] == ("create", None)
    assert [k for k in kinds if k[0] == "call"] == [("call", "set_text"), ("call", "get_children"),
                                                    ("call", "set_text")]
    assert [m["id"] for m in sent] == sorted(m["id"] for m in sent)   # one counter, in order
    assert label.read("text") == "c"                                  # recorded at once


def test_a_query_is_answered_with_its_value_and_widget_refs_become_objects():
    engine = Engine()
    page = Page()
    engine.join(page)
    box, label = create(engine, "VBox"), create(engine, "Label", "x")
    engine.query(box, "get_children", [], waiter="w")
    query = [m for m in messages(page) if m.get("method") == "get_children"][0]
    engine.receive(page, ok(query, value=[{"__wid__": label.wid, "__class__": "Label"}]))
    [ev] = engine.events_received()
    assert ev == Answered("w", [label.obj])


def test_a_reply_error_is_attributed_to_its_call_and_a_rejected_setter_is_not_recorded():
    engine = Engine()
    page = Page()
    engine.join(page)
    slider = create(engine, "Slider")
    engine.set(slider, spec("Slider", "set_value"), [5])
    engine.set(slider, spec("Slider", "set_value"), [7])      # rejected below
    sent = messages(page)
    bad = [m for m in sent if m.get("args") == [7]][0]
    replies = [ok(m) if m is not bad else
               json.dumps({"type": "error", "id": m["id"], "error": "out of range"})
               for m in sent]
    engine.receive(page, "[" + ",".join(replies) + "]")
    [ev] = engine.events_received()
    assert isinstance(ev, Reported) and isinstance(ev.error, BrowserError)
    err = ev.error
    assert (err.message, err.widget_class, err.wid, err.method, err.args_sent) == \
           ("out of range", "Slider", slider.wid, "set_value", [7])
    assert slider.read("value") == 5                          # put back as it was


def test_a_setter_in_flight_is_left_untracked_by_the_gc_and_still_named_in_its_error():
    import gc
    engine = Engine()
    page = Page()
    engine.join(page)
    label = create(engine, "Label", "a")
    engine.set(label, spec("Label", "set_text"), ["b"])
    [m] = [m for m in messages(page) if m.get("method") == "set_text"]
    gc.collect()               # a tuple of plain values is untracked by a GC pass that
    gc.collect()               # finds its items untracked (its args: the pass before)
    assert not gc.is_tracked(page.pending[m["id"]])
    engine.destroy(label)      # forgotten before the page answers
    engine.receive(page, json.dumps({"type": "error", "id": m["id"], "error": "no"}))
    [ev] = [e for e in engine.events_received() if isinstance(e, Reported)]
    assert (ev.error.widget_class, ev.error.wid, ev.error.method, ev.error.args_sent) == \
           ("Label", label.wid, "set_text", ["b"])


def test_a_waited_call_fails_at_its_waiter():
    engine = Engine()
    page = Page()
    engine.join(page)
    box = create(engine, "VBox")
    engine.query(box, "get_children", [], waiter="w")
    query = messages(page)[-1]
    engine.receive(page, json.dumps({"type": "error", "id": query["id"], "error": "boom"}))
    [ev] = engine.events_received()
    assert isinstance(ev, Failed) and ev.waiter == "w" and ev.error.method == "get_children"


def test_a_page_that_leaves_answers_its_waiters_as_gone():
    engine = Engine()
    page = Page()
    engine.join(page)
    box = create(engine, "VBox")
    engine.query(box, "get_children", [], waiter="w")
    engine.leave(page)
    assert engine.events_received() == [Answered("w", None, gone=True)]
    assert not engine.query(box, "get_children", [], waiter="w2")   # no page: nothing sent


def test_a_page_joining_mid_stream_is_rebuilt_then_gets_the_calls_after():
    engine = Engine()
    first = Page("first")
    engine.join(first)
    top = create(engine, "TopLevel", title="T")
    label = create(engine, "Label", "one")
    engine.child(top, spec("TopLevel", "set_widget"), [label.obj], {"child": label.obj})
    engine.set(label, spec("Label", "set_text"), ["two"])   # in flight for the first page
    second = Page("second")
    engine.join(second, rebuild_it=True)
    engine.set(label, spec("Label", "set_text"), ["three"])
    got = messages(second)
    types = [m["type"] for m in got]
    assert types[0] == "reconstruct-start" and "reconstruct-end" in types
    end = types.index("reconstruct-end")
    rebuilt = got[:end]
    # the rebuild carries the state as it is now, not the calls in flight before
    assert [m["args"] for m in rebuilt if m.get("method") == "set_text"] == [["two"]]
    assert got[end + 1]["method"] == "set_text" and got[end + 1]["args"] == ["three"]
    assert second.rebuilding
    assert [m.get("args") for m in messages(first) if m.get("method") == "set_text"] == \
           [["two"], ["three"]]                             # the first page is not rebuilt
    engine.receive(second, ok(got[end]))                    # reconstruct-end answered
    assert not second.rebuilding
    [ev] = engine.events_received()                         # scroll positions again later
    assert isinstance(ev, TimerSet)


def test_callbacks_during_a_rebuild_are_echoes_and_are_dropped():
    engine = Engine()
    page = Page()
    engine.join(page)
    btn = create(engine, "Button", "go")
    engine.add_handler(btn, "activated", "handler")
    messages(page)
    engine.join(page2 := Page(), rebuild_it=True)
    cb = json.dumps({"type": "callback", "wid": btn.wid, "action": "activated", "args": []})
    engine.receive(page2, cb)
    assert engine.events_received() == ()
    engine.receive(page, cb)
    assert engine.events_received() == [Fired(btn, "activated", [])]


def test_a_user_change_is_recorded_and_pushed_silently_to_the_other_pages():
    engine = Engine()
    a, b = Page("a"), Page("b")
    engine.join(a)
    engine.join(b)
    slider = create(engine, "Slider")
    messages(a), messages(b)
    engine.receive(a, json.dumps({"type": "callback", "wid": slider.wid, "action": "activated",
                                  "args": [42]}))
    assert slider.read("value") == 42
    [push] = messages(b)
    assert (push["method"], push["args"], push["silent"]) == ("set_value", [42], True)
    assert messages(a) == []


def test_a_scroll_position_set_silently_comes_back_as_an_echo_that_runs_no_handler():
    engine = Engine()
    a, b = Page("a"), Page("b")
    engine.join(a)
    engine.join(b)
    view = create(engine, "HtmlView")
    messages(a), messages(b)

    def scrolled(page, *pos):
        engine.receive(page, json.dumps({"type": "callback", "wid": view.wid,
                                         "action": "scrolled", "args": list(pos)}))
        return engine.events_received()
    assert scrolled(a, 0, 120) == [Fired(view, "scrolled", [0, 120])]      # the user, in A
    [push] = messages(b)
    assert (push["method"], push["args"], push["silent"]) == ("set_scroll_position", [0, 120], True)
    assert scrolled(b, 0, 120) == ()            # B's native event for the push: an echo
    assert scrolled(b, 0, 120) == ()            # (however many times)
    assert scrolled(b, 0, 300) == [Fired(view, "scrolled", [0, 300])]      # the user, in B
    assert scrolled(b, 0, 120) == [Fired(view, "scrolled", [0, 120])]      # and back


def test_binary_payloads_travel_in_one_frame_or_announced_chunks():
    engine = Engine()
    page = Page()
    engine.join(page)
    image = create(engine, "Image")
    messages(page)
    engine.set_binary(image, spec("Image", "set_binary_image"), b"\x01\x02", "png")
    header, data = page.data_to_send()
    assert json.loads(header)["type"] == "binary-call" and data == b"\x01\x02"
    big = bytes(range(256)) * ((BINARY_SINGLE + 10) // 256 + 1)
    engine.set_binary(image, spec("Image", "set_binary_image"), big, "png")
    frames = page.data_to_send()
    announce = json.loads(frames[0])
    n = -(-len(big) // BINARY_CHUNK)
    assert announce["type"] == "binary-call-chunked" and announce["num_chunks"] == n
    assert len(frames) == 1 + 2 * n                     # a header and a frame per chunk
    headers = [json.loads(f) for f in frames[1::2]]
    assert [h["chunk_index"] for h in headers] == list(range(n))
    assert b"".join(frames[2::2]) == big
    # recorded: a rebuilt page gets the image again, by the same path
    engine.join(page2 := Page(), rebuild_it=True)
    assert b"".join(f for f in page2.data_to_send() if isinstance(f, bytes)) == big


def test_an_upload_is_assembled_from_its_chunks_then_delivered():
    engine = Engine()
    page = Page()
    engine.join(page)
    dialog = create(engine, "FileDialog")
    engine.add_handler(dialog, "activated", "h")
    payload = {"transfer_id": 3, "files": [{"name": "a.txt", "size": 6}]}
    engine.receive(page, json.dumps({"type": "callback", "wid": dialog.wid,
                                     "action": "activated", "args": [payload]}), now=1.0)
    assert engine.events_received() == ()                # nothing until the data is in
    for i, chunk in enumerate((b"abc", b"def")):
        engine.receive(page, json.dumps({"type": "binary-chunk", "wid": dialog.wid,
                                         "transfer_id": 3, "file_index": 0, "file_count": 1,
                                         "chunk_index": i, "num_chunks": 2,
                                         "encoding": "binary"}), now=1.0)
        engine.receive_bytes(page, chunk, now=1.0)
    events = engine.events_received()
    assert [e.action for e in events] == ["progress", "progress", "activated"]
    assert events[-1].args[0]["files"][0]["data"] == b"abcdef"


def test_a_binary_frame_without_a_header_is_malformed_not_fatal():
    engine = Engine()
    page = Page()
    engine.join(page)
    engine.receive_bytes(page, b"stray")
    engine.receive(page, "not json")
    assert [type(e).__name__ for e in engine.events_received()] == ["Malformed", "Malformed"]


def test_a_closed_engine_refuses_program_calls():
    engine = Engine()
    label = create(engine, "Label")
    engine.close(SessionClosedError, "gone")
    with pytest.raises(SessionClosedError, match="gone"):
        engine.set(label, spec("Label", "set_text"), ["x"])


def test_two_engines_share_nothing():
    one, two = Engine(), Engine()
    a = create(one, "Label")
    b = create(two, "Label")
    assert a.wid == b.wid                                # each numbers its own widgets
    one.tree.facts.learn("ScrollArea", 10, 20)
    assert "ScrollArea" not in two.tree.facts.internal
