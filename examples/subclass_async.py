"""Your own widget classes with the asyncio API: a composite (a labelled counter made of
a Label and two Buttons), used twice. ``app.register_widget(Counter)`` would offer it as
``W.Counter(...)`` too; made from the class, a type checker knows it.

Run it, then open the URL it prints.
"""

import asyncio
import logging

from pgwidgets_core import Application, Session
from pgwidgets_core.Widgets import Button, HBox, Label
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT


class Counter(HBox):
    """A caption, a value and - / + buttons."""

    def __init__(self, session: Session, caption: str, start: int = 0) -> None:
        super().__init__(session, spacing=6)
        self.value = start
        self.caption = Label(session, caption)
        self.shown = Label(session, str(start))

    async def _initialize(self) -> "Counter":
        await super()._initialize()
        minus = await Button(self.session, "-")
        plus = await Button(self.session, "+")
        await minus.on("activated", self.step, -1)
        await plus.on("activated", self.step, 1)
        for w in (self.caption, minus, self.shown, plus):
            await self.add_widget(w)
        return self

    async def step(self, by: int) -> None:
        self.value += by
        await self.shown.set_text(str(self.value))


async def main() -> None:
    app = Application(max_sessions=None, **ports())

    @app.on_connect
    async def setup(session: Session) -> None:
        W = session.get_widgets()
        top = await W.TopLevel(title="Counters", resizable=True)
        box = await W.VBox(spacing=8, padding=8)
        await box.add_widget(await Counter(session, "Apples", 3))
        await box.add_widget(await Counter(session, "Pears"))
        await top.set_widget(box)
        await top.resize(300, 120)
        await top.show()

    await app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    await app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
