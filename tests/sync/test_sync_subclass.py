"""Blocking subclasses: ``pgwidgets_sync.Widgets`` classes extended in ``__init__`` and
registered, in real Chromium."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from pgwidgets_sync.Widgets import Button, Label, VBox

pytestmark = pytest.mark.timeout(60)


class CounterButton(Button):
    def __init__(self, session, text):
        super().__init__(session, text)
        self.count = 0
        self.on("activated", self.bump)

    def bump(self):
        self.count += 1
        self.set_text(f"clicked {self.count}")


class Captioned(VBox):
    def __init__(self, session, caption):
        super().__init__(session, spacing=4)
        self.caption = Label(session, caption)
        self.button = CounterButton(session, "press")
        self.add_widget(self.caption)
        self.add_widget(self.button)


def test_registered_blocking_subclasses_click_and_reload(make_app, page):
    app = make_app()
    app.register_widget(Captioned)
    made = {}
    ready = threading.Event()

    @app.on_connect
    def setup(session):
        W = session.get_widgets()
        top = W.TopLevel(title="Subclasses")
        comp = W.Captioned("A composite")
        top.set_widget(comp)
        top.show()
        made["comp"] = comp
        ready.set()

    page.goto(app.url)
    assert ready.wait(10)
    expect(page.get_by_text("A composite")).to_be_visible()
    page.get_by_text("press").click()
    expect(page.get_by_text("clicked 1")).to_be_visible()
    page.reload()
    page.get_by_text("clicked 1").click()
    expect(page.get_by_text("clicked 2")).to_be_visible()
    assert made["comp"].button.count == 2
    assert type(made["comp"]) is Captioned
