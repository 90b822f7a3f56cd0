"""``session.batch()`` in the engine (no event loop): one frame per page, the render of
TreeView/TableView suspended around it, errors attributed to their call and index."""

from __future__ import annotations

import json

import pytest

from pgwidgets_core.catalog import widget_def
from pgwidgets_core.engine import Engine
from pgwidgets_core.errors import BrowserError
from pgwidgets_core.events import Answered, Reported
from pgwidgets_core.pages import Page


def create(engine: Engine, cls: str, *args):
    return engine.create(widget_def(cls), list(args), {})


def set_text(engine: Engine, rec, text: str) -> None:
    engine.set(rec, widget_def(rec.defn.name).methods["set_text"], [text])


def frames(page: Page) -> list:
    return [json.loads(f) if isinstance(f, str) else f for f in page.data_to_send()]


def one_label() -> tuple[Engine, Page, object]:
    """An engine with one page and one Label (its creation already sent)."""
    engine, page, [label] = labels(1)
    return engine, page, label


def labels(n: int) -> tuple[Engine, Page, list]:
    """An engine with one page and ``n`` Labels (their creation already sent)."""
    engine = Engine()
    page = Page()
    engine.join(page)
    made = [create(engine, "Label", "a") for _ in range(n)]
    frames(page)
    return engine, page, made


def test_a_batch_leaves_as_one_frame_when_it_ends_and_not_before():
    engine, page, made = labels(700)
    with_calls = []
    engine.begin_batch()
    for i, label in enumerate(made):               # more than one array frame's worth
        set_text(engine, label, f"t{i}")
        with_calls.append(f"t{i}")
    assert page.data_to_send() == []               # held
    assert made[-1].read("text") == "t699"         # but recorded at once
    engine.end_batch()
    [frame] = frames(page)
    assert [m["args"][0] for m in frame] == with_calls
    assert not any("id" in m for m in frame)       # answered in order, without ids
    engine.receive(page, json.dumps([{"type": "result"}] * 700))
    assert engine.events_received() == () and page.take(None, {}) is None


def test_batches_nest_and_only_the_outermost_end_sends():
    engine, page, (one, two) = labels(2)
    engine.begin_batch()
    set_text(engine, one, "1")
    engine.begin_batch()
    set_text(engine, two, "2")
    engine.end_batch()
    assert page.data_to_send() == []
    engine.end_batch()
    [frame] = frames(page)
    assert [m["args"] for m in frame] == [["1"], ["2"]]
    with pytest.raises(RuntimeError, match="without begin_batch"):
        engine.end_batch()


def test_a_query_inside_a_batch_sends_what_was_held_first():
    engine = Engine()
    page = Page()
    engine.join(page)
    box = create(engine, "VBox")
    frames(page)
    engine.begin_batch()
    label = create(engine, "Label", "x")          # creations ride in the batch too
    assert engine.query(box, "get_children", [], waiter="w")
    set_text(engine, label, "after")
    [sent] = frames(page)                          # the query joins the held frame
    assert sent[0]["type"] == "create" and sent[0]["wid"] == label.wid
    assert sent[-1]["method"] == "get_children"        # after the held create
    engine.end_batch()
    [last] = frames(page)
    assert [m["args"] for m in last] == [["after"]]


def test_treeview_render_is_suspended_around_the_batch():
    engine = Engine()
    page = Page()
    engine.join(page)
    old = create(engine, "TreeView")
    frames(page)
    engine.begin_batch()
    label = create(engine, "Label", "x")
    engine.call(old, "set_cell", [[0], "a", 1])
    new = create(engine, "TableView")
    engine.call(new, "set_cell", [[0], "a", 2])
    engine.end_batch()
    [frame] = frames(page)
    steps = [(m.get("wid"), m.get("method") or m["type"], m.get("args")) for m in frame
             if m["type"] in ("call", "create")]
    assert steps[0] == (old.wid, "_suspendRender", [True])          # before everything
    i_new = steps.index((new.wid, "create", steps[[s[0] for s in steps].index(new.wid)][2]))
    assert steps[i_new + 1] == (new.wid, "_suspendRender", [True])  # right after its create
    assert steps[-2:] == [(old.wid, "_suspendRender", [False]),
                          (new.wid, "_suspendRender", [False])]
    assert (label.wid, "create", ["x"]) in steps


def test_an_error_in_a_batch_names_its_call_and_index():
    engine, page, made = labels(3)
    before = made[1].read("text")
    engine.begin_batch()
    for label, t in zip(made, "xyz"):
        set_text(engine, label, t)
    engine.end_batch()
    [frame] = frames(page)
    # as pgwidgets-js answers messages that have no id
    engine.receive(page, json.dumps([{"type": "result"}, {"type": "error", "error": "boom"},
                                     {"type": "result"}]))
    [ev] = engine.events_received()
    assert isinstance(ev, Reported) and isinstance(ev.error, BrowserError)
    assert ev.error.batch_index == 1 and ev.error.method == "set_text"
    assert ev.error.args_sent == ["y"]
    assert "Label(wid=" in str(ev.error) and "call 1 of a batch" in str(ev.error)
    assert [label.read("text") for label in made] == ["x", before, "z"]   # "y" put back


def test_batch_replies_are_matched_in_order_across_frames_and_numbered_messages():
    engine, page, made = labels(2)
    for batch in ("ab", "cd"):
        engine.begin_batch()
        for label, t in zip(made, batch):
            set_text(engine, label, t)
        engine.end_batch()
    engine.flush("w")                              # numbered, joins the same frame
    [frame] = frames(page)
    assert [m.get("args") for m in frame[:4]] == [["a"], ["b"], ["c"], ["d"]]
    flush_id = frame[4]["id"]
    # the page's answers: the second batch's first call fails
    engine.receive(page, json.dumps([{"type": "result"}, {"type": "result"}]))
    engine.receive(page, json.dumps([{"type": "error", "error": "no"}, {"type": "result"},
                                     {"type": "result", "id": flush_id}]))
    failed, answered = engine.events_received()
    assert failed.error.args_sent == ["c"] and failed.error.batch_index == 0
    assert answered == Answered("w", None)
    # an answer without an id nobody expects is ignored, like an unknown id
    engine.receive(page, json.dumps({"type": "error", "error": "stray"}))
    assert engine.events_received() == ()


def test_a_page_that_leaves_during_a_batch_answers_its_waiters_and_gets_nothing():
    engine, a, b, label = two_pages()
    engine.begin_batch()
    set_text(engine, label, "1")
    engine.leave(b)
    engine.flush("w")                              # a waited message cuts the hold
    engine.end_batch()
    [sent] = frames(a)                             # the flush joins the held frame
    assert sent[0]["args"] == ["1"]
    assert b.data_to_send() == []
    assert engine.events_received() == ()
    assert sent[1]["type"] == "flush"
    engine.receive(a, json.dumps({"type": "result", "id": sent[1]["id"]}))
    assert engine.events_received() == [Answered("w", None)]


def test_binary_payloads_cut_the_hold():
    engine = Engine()
    page = Page()
    engine.join(page)
    img = create(engine, "Image")
    label = create(engine, "Label", "x")
    frames(page)
    engine.begin_batch()
    set_text(engine, label, "before")
    engine.set_binary(img, widget_def("Image").methods["set_binary_image"], b"\x89PNG", "png")
    set_text(engine, label, "after")
    engine.end_batch()
    sent = frames(page)
    assert sent[0][0]["args"] == ["before"]
    assert sent[1]["type"] == "binary-call" and sent[2] == b"\x89PNG"
    assert sent[3][0]["args"] == ["after"]


def two_pages() -> tuple[Engine, Page, Page, object]:
    """An engine with pages "a" and "b" and one Label (its creation already sent)."""
    engine = Engine()
    a, b = Page("a"), Page("b")
    engine.join(a)
    engine.join(b)
    label = create(engine, "Label", "x")
    frames(a), frames(b)
    return engine, a, b, label


def test_a_setter_repeated_on_a_widget_leaves_once_with_its_last_value():
    engine, page, (one, two) = labels(2)
    before = one.read("text")
    engine.begin_batch()
    for i in range(10):                            # two widgets in turn: both collapse
        set_text(engine, one, f"one {i}")
        set_text(engine, two, f"two {i}")
    engine.end_batch()
    [frame] = frames(page)
    assert [(m["wid"], m["args"]) for m in frame] == [(one.wid, ["one 9"]),
                                                      (two.wid, ["two 9"])]
    # the last value rejected: the record goes back to before the batch, as the page is
    engine.receive(page, json.dumps([{"type": "error", "error": "no"}, {"type": "result"}]))
    [ev] = engine.events_received()
    assert ev.error.args_sent == ["one 9"] and ev.error.batch_index == 18
    assert one.read("text") == before and two.read("text") == "two 9"


def test_only_a_setter_that_repeats_the_last_message_for_its_widget_is_replaced():
    engine = Engine()
    page = Page()
    engine.join(page)
    label, box = create(engine, "Label", "a"), create(engine, "VBox")
    tree, combo = create(engine, "TreeView"), create(engine, "ComboBox")
    top = create(engine, "TopLevel")
    frames(page)
    sets = widget_def("Label").methods
    engine.begin_batch()
    set_text(engine, label, "1")
    engine.set(label, sets["set_color"], ["red", "white"])    # another setter between
    set_text(engine, label, "2")
    engine.action(box, widget_def("VBox").methods["add_widget"], [label, 0])   # a call
    set_text(engine, label, "3")
    for col in ("a", "b"):                         # addressed: a column each
        engine.set(tree, widget_def("TreeView").methods["set_column_width"], [col, 50])
    for combo_index in (0, 1):                     # folded into the combo's model
        engine.set(combo, widget_def("ComboBox").methods["set_index"], [combo_index])
    for state in ("maximized", "normal"):          # each one an event in the page
        engine.set(top, widget_def("TopLevel").methods["set_window_state"], [state])
    engine.end_batch()
    [frame] = frames(page)
    sent = [(m["wid"], m["method"], m["args"]) for m in frame if m["type"] == "call"]
    assert [s for s in sent if s[1] != "_suspendRender"] == [
        (label.wid, "set_text", ["1"]), (label.wid, "set_color", ["red", "white"]),
        (label.wid, "set_text", ["2"]), (box.wid, "add_widget", [{"__wid__": label.wid}, 0]),
        (label.wid, "set_text", ["3"]),
        (tree.wid, "set_column_width", ["a", 50]), (tree.wid, "set_column_width", ["b", 50]),
        (combo.wid, "set_index", [0]), (combo.wid, "set_index", [1]),
        (top.wid, "set_window_state", ["maximized"]), (top.wid, "set_window_state", ["normal"])]


def test_every_page_gets_the_last_value_only():
    engine, a, b, label = two_pages()
    engine.begin_batch()
    for t in ("1", "2", "3"):
        set_text(engine, label, t)
    engine.end_batch()
    assert [[m["args"] for m in f] for f in frames(a)] == [[["3"]]]
    assert [[m["args"] for m in f] for f in frames(b)] == [[["3"]]]

