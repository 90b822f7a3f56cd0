"""A composite widget subclass written for pgwidgets-python's asyncio API (only the
imports differ): an HBox subclass that builds a caption, a value and a "+" button in
``_initialize()``, registered on the application and made through ``W.Counter(...)``.

python subclass_async.py WS_PORT HTTP_PORT
"""

import asyncio
import sys

from pgwidgets_core import Application  # REF: from pgwidgets.async_ import Application
from pgwidgets_core.Widgets import HBox  # REF: from pgwidgets.async_.Widgets import HBox

app = Application(ws_port=int(sys.argv[1]), http_port=int(sys.argv[2]))


class Counter(HBox):
    def __init__(self, session, caption, start=0, **kwargs):
        super().__init__(session, **kwargs)
        self.caption = caption
        self.value = start

    async def _initialize(self):
        await super()._initialize()
        W = self.session.get_widgets()
        self.shown = await W.Label(f"{self.caption}: {self.value}")
        plus = await W.Button(f"+ {self.caption}")
        await plus.on("activated", self.step)
        await self.add_widget(self.shown)
        await self.add_widget(plus)
        return self

    async def step(self, *_):
        self.value += 1
        await self.shown.set_text(f"{self.caption}: {self.value}")


app.register_widget(Counter)


@app.on_connect
async def setup(session):
    W = session.get_widgets()
    top = await W.TopLevel(title="Counters", resizable=True)
    box = await W.VBox(spacing=8)
    apples = await W.Counter("apples", 3, spacing=6)
    pears = await W.Counter("pears", spacing=6)
    leave = await W.Button("Quit")

    async def quit_app():
        await app.close()

    await leave.on("activated", quit_app)
    for w in (apples, pears, leave):
        await box.add_widget(w)
    await top.set_widget(box)
    await top.resize(300, 160)
    await top.show()


print("Open", app.url, flush=True)
asyncio.run(app.run())
