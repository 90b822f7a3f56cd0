"""Subclasses of the generated classes (the reference's subclassing guide): an async
subclass overriding ``_initialize()``, a composite widget made of others, registered
with ``app.register_widget`` and made with ``W.<Name>``; clicks and reload."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from pgwidgets_core import Application
from pgwidgets_core.Widgets import Button, Label, VBox

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]


class CounterButton(Button):
    """Counts its clicks in its own text."""

    async def _initialize(self):
        await super()._initialize()
        self.count = 0
        await self.on("activated", self.bump)
        return self

    async def bump(self):
        self.count += 1
        await self.set_text(f"clicked {self.count}")


class Captioned(VBox):
    """A composite: a caption above a CounterButton."""

    def __init__(self, session, caption, **kwargs):
        super().__init__(session, spacing=4, **kwargs)
        self.caption = Label(session, caption)

    async def _initialize(self):
        await super()._initialize()
        self.button = await CounterButton(self.session, "press")
        await self.add_widget(self.caption)
        await self.add_widget(self.button)
        return self


async def test_registered_subclasses_build_click_and_come_back_after_reload(page):
    app = Application(ws_port=0, http_port=0)
    app.register_widget(Captioned)
    app.register_widget(CounterButton, name="Counter")
    made = asyncio.get_running_loop().create_future()

    @app.on_connect
    async def setup(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Subclasses")
        box = await W.VBox()
        comp = await W.Captioned("A composite")
        plain = await W.Counter("solo")
        await box.add_widget(comp)
        await box.add_widget(plain)
        await top.set_widget(box)
        await top.show()
        made.set_result((comp, plain))

    await app.start()
    try:
        await page.goto(app.url)
        comp, plain = await asyncio.wait_for(made, 10)
        assert type(comp) is Captioned and isinstance(comp.button, CounterButton)
        await expect(page.get_by_text("A composite")).to_be_visible()
        await page.get_by_text("press").click()
        await expect(page.get_by_text("clicked 1")).to_be_visible()
        await page.get_by_text("solo").click()
        await page.get_by_text("clicked 1").nth(1).wait_for()
        await page.reload()
        await expect(page.get_by_text("A composite")).to_be_visible()
        await page.get_by_text("clicked 1").first.click()
        await expect(page.get_by_text("clicked 2")).to_be_visible()
        assert comp.button.count == 2 and plain.count == 1
    finally:
        await app.close()


async def test_register_widget_refuses_what_is_not_a_widget_class():
    app = Application(ws_port=0, http_port=0)
    with pytest.raises(TypeError, match="subclass of pgwidgets_core.widget.Widget"):
        app.register_widget(int)
    with pytest.raises(ValueError, match="public identifier"):
        app.register_widget(CounterButton, name="no spaces")
    session = app.create_session()
    with pytest.raises(AttributeError, match="register_widget"):
        session.get_widgets().Nope
