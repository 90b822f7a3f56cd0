"""TextSource calls Python translates from its model into the page's own methods
(``scroll_to_lineno``, ``scroll_to_end``, ``show_tooltip``, ``clear_icons``), and its
gutter icons kept one per ref for rebuilds; in the engine, no event loop."""

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
