"""Fonts reach a joining page before anything of its UI (engine, no event loop)."""

from __future__ import annotations

import json

from pgwidgets_core.catalog import widget_def
from pgwidgets_core.engine import Engine
from pgwidgets_core.fonts import Fonts
from pgwidgets_core.pages import Page


def test_a_rebuilt_page_gets_the_fonts_first():
    fonts = Fonts()
    fonts.register("Face", b"\x00\x01\x00\x00font", "bold", "italic")
    fonts.set_default("Face", 14, None, None)
    engine = Engine()
    engine.create(widget_def("Label"), ["x"], {})
    page = Page()
    engine.join(page, rebuild_it=True, first=fonts.messages())
    sent = []
    for frame in page.data_to_send():
        data = json.loads(frame)
        sent.extend(data if isinstance(data, list) else [data])
    assert [m["type"] for m in sent[:3]] == ["register-font", "set-default-font",
                                             "reconstruct-start"]
    assert sent[0]["family"] == "Face" and sent[0]["url"] == "_pgwidgets/font/1"
    assert sent[0]["weight"] == "bold" and sent[0]["style"] == "italic"
    assert sent[1]["font"] == {"family": "Face", "size": 14.0, "weight": None, "style": None}
