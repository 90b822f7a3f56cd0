"""The blocking API's register_font / set_default_font, in real Chromium."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fontutil import FONT_SCRIPT, font_file  # noqa: E402

pytestmark = pytest.mark.timeout(60)


def test_fonts_from_the_blocking_api(make_app, page):
    app = make_app()

    @app.on_connect
    def setup(session):
        W = session.get_widgets()
        top = W.TopLevel(title="Fonts")
        top.set_widget(W.Label("hello"))
        top.show()

    assert app.register_font("Sync Face", font_file()) == 1
    app.set_default_font("Sync Face")
    page.goto(app.url)
    deadline = time.monotonic() + 10
    while True:
        ok, statuses, default = page.evaluate(FONT_SCRIPT, "Sync Face")
        if ok and "loaded" in statuses and default == "Sync Face":
            break
        assert time.monotonic() < deadline, (ok, statuses, default)
        time.sleep(0.05)
