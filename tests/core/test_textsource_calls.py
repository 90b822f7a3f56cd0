"""TextSource calls Python translates from its model into the page's own methods
(``scroll_to_lineno``, ``scroll_to_end``, ``show_tooltip``, ``clear_icons``), and its
gutter icons kept one per ref for rebuilds, and the refs the page makes for a query placed
from the model; in the engine, no event loop."""

from __future__ import annotations

import json

import pytest

from pgwidgets_core.answers import ANSWERS
from pgwidgets_core.catalog import widget_def
from pgwidgets_core.engine import Engine
from pgwidgets_core.pages import Page
from pgwidgets_core.replay import replay_plan


def setup():
    engine = Engine()
    page = Page()
    engine.join(page)
    text = "one\ntwo\nthree\nfour"
    ts = engine.create(widget_def("TextSource"), [text], {"text": (text,)})
    refs = [engine.create(widget_def("TextBufferRef"), [ts.obj, off], {}) for off in (0, 4)]
    page.data_to_send()
    return engine, page, ts, refs


def frames_calls(page: Page) -> list[tuple[str, list]]:
    out = []
    for f in page.data_to_send():
        if not isinstance(f, str):
            continue
        msgs = json.loads(f)
        for m in msgs if isinstance(msgs, list) else [msgs]:
            if isinstance(m, dict) and m.get("type") == "call":
                out.append((m["method"], m["args"]))
    return out


def test_scroll_calls_carry_the_offset_from_the_model():
    engine, page, ts, _ = setup()
    ANSWERS["scroll_to_lineno"](engine, ts, 2, "top")
    ANSWERS["scroll_to_lineno"](engine, ts, 99)           # past the end: the end
    ANSWERS["scroll_to_end"](engine, ts)
    text = "one\ntwo\nthree\nfour"
    assert frames_calls(page) == [("_scrollToOffset", [8, "top"]),
                                  ("_scrollToOffset", [len(text), "nearest"]),
                                  ("_scrollToOffset", [len(text), "nearest"])]
    with pytest.raises(ValueError, match="align must be one of 'nearest', 'center', 'top'"):
        ANSWERS["scroll_to_lineno"](engine, ts, 1, "bottom")
    with pytest.raises(TypeError, match="lineno must be an int"):
        ANSWERS["scroll_to_lineno"](engine, ts, "2")


def test_show_tooltip_is_sent_and_checked():
    engine, page, ts, _ = setup()
    ANSWERS["show_tooltip"](engine, ts, "a hint", 10, 20)
    assert frames_calls(page) == [("_showTooltip", ["a hint", 10, 20])]
    with pytest.raises(TypeError, match="text must be a str"):
        ANSWERS["show_tooltip"](engine, ts, None, 1, 2)


def icon_steps(engine: Engine) -> list:
    return [(s.msg["args"][0], s.msg["args"][1]) for s in replay_plan(engine.tree)
            if s.msg.get("method") == "set_icon"]


def test_every_ref_keeps_its_icon_for_a_rebuild_and_clear_icons_removes_them():
    engine, page, ts, (r0, r1) = setup()
    set_icon = widget_def("TextSource").methods["set_icon"]
    engine.set(ts, set_icon, [r0.obj, "a.png"])
    engine.set(ts, set_icon, [r1.obj, "b.png"])
    steps = icon_steps(engine)
    assert sorted((ref.wid, url) for ref, url in steps) == [(r0.wid, "a.png"), (r1.wid, "b.png")]
    engine.set(ts, set_icon, [r0.obj, None])                # one removed by hand
    assert [(ref.wid, url) for ref, url in icon_steps(engine)] == [(r1.wid, "b.png")]
    frames_calls(page)
    ANSWERS["clear_icons"](engine, ts)
    assert frames_calls(page) == [("set_icon", [{"__wid__": r1.wid}, None])]
    assert icon_steps(engine) == []
    engine.set(ts, set_icon, [r0.obj, "c.png"])
    engine.set(ts, widget_def("TextSource").methods["set_text"], ["new text"])
    assert icon_steps(engine) == [], "set_text drops the page's icons: so does the model"


# ---- refs the page makes and hands back (get_ref_line_start, get_ref_line_end...) -----

def answer_ref(engine: Engine, page: Page, rec, method: str, args: list) -> object:
    """Ask ``rec.method(*args)``; the page answers with a TextBufferRef of its own."""
    assert engine.query(rec, method, args, waiter="w")
    msgs = [json.loads(f) for f in page.data_to_send()]
    [q] = [m for ms in msgs for m in (ms if isinstance(ms, list) else [ms])
           if m.get("method") == method]
    wid = engine.tree.next_wid + 7                       # a page-made id, none of ours
    engine.receive(page, json.dumps({"type": "result", "id": q["id"],
                                     "value": {"__wid__": wid, "__class__": "TextBufferRef"}}))
    [ev] = engine.events_received()
    return ev.value


@pytest.mark.parametrize("method,args,offset", [
    ("get_ref_line_start", [1], 4), ("get_ref_line_end", [1], 7),
    ("get_ref_line_start", [99], 18), ("get_ref_line_end", [3], 18),
    ("get_ref_line_start", [-1], 0), ("get_ref_start", [], 0), ("get_ref_end", [], 18),
    ("create_ref", [9], 9), ("create_ref", [99, "left"], 18),
    ("create_named_ref", ["m", 5], 5)])
def test_a_ref_the_page_hands_back_has_its_offset_from_the_model(method, args, offset):
    engine, page, ts, _ = setup()
    ref = answer_ref(engine, page, ts, method, args)
    rec = engine.tree.lookup(ref)
    assert rec.create_args[:2] == [ts.obj, offset]       # a rebuild creates it there
    assert ANSWERS["get_offset"](engine, rec) == offset
    assert ANSWERS["get_line"](engine, rec) == "one\ntwo\nthree\nfour".count("\n", 0, offset)


def test_a_tag_between_page_made_refs_is_rebuilt_and_so_are_the_refs():
    engine, page, ts, _ = setup()
    ts_def = widget_def("TextSource")
    engine.action(ts, ts_def.methods["create_tag"], ["hot", {"foreground": "red"}])
    start = answer_ref(engine, page, ts, "get_ref_line_start", [1])
    end = answer_ref(engine, page, ts, "get_ref_line_end", [1])
    engine.action(ts, ts_def.methods["apply_tag"], ["hot", start, end])
    plan = replay_plan(engine.tree)
    [restore] = [s.msg["args"] for s in plan if s.msg.get("method") == "_restoreTagIntervals"]
    assert restore == [[{"name": "hot", "start": 4, "end": 7}]]
    creates = {s.msg["wid"]: s.msg["args"] for s in plan if s.msg.get("type") == "create"}
    assert creates[start.wid] == [ts.obj, 4, "right"]   # the ref is there too
    assert creates[end.wid] == [ts.obj, 7, "right"]
    # an edit before the tag moves the tag and both refs, as in the page
    engine.action(ts, ts_def.methods["insert_text"], [start, "ab"])
    plan = replay_plan(engine.tree)
    [restore] = [s.msg["args"] for s in plan if s.msg.get("method") == "_restoreTagIntervals"]
    assert restore == [[{"name": "hot", "start": 6, "end": 9}]]
    assert ANSWERS["get_offset"](engine, engine.tree.lookup(end)) == 9


def test_a_copy_of_a_ref_is_where_the_ref_is_with_its_gravity():
    engine, page, ts, _ = setup()
    left = answer_ref(engine, page, ts, "create_ref", [6, "left"])
    copy = answer_ref(engine, page, engine.tree.lookup(left), "copy", [])
    rec = engine.tree.lookup(copy)
    assert rec.create_args == [ts.obj, 6, "left"]
    assert ANSWERS["get_offset"](engine, rec) == 6
