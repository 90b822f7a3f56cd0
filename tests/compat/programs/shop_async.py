"""A small shop written for pgwidgets-python's asyncio API (only the imports differ).

python shop_async.py WS_PORT HTTP_PORT
"""

import asyncio
import sys

from pgwidgets_core import Application  # REF: from pgwidgets.async_ import Application
from pgwidgets_core.Widgets import Button  # REF: from pgwidgets.async_.Widgets import Button

app = Application(ws_port=int(sys.argv[1]), http_port=int(sys.argv[2]))


class BuyButton(Button):
    async def _initialize(self):
        await super()._initialize()
        self.bought = 0
        return self


app.register_widget(BuyButton)


@app.on_connect
async def setup(session):
    W = session.get_widgets()
    top = await W.TopLevel(title="Shop", resizable=True)
    vbox = await W.VBox(spacing=6)
    fruit = await W.ComboBox()
    for name in ("apple", "pear", "plum"):
        await fruit.append_text(name)
    await fruit.set_index(1)
    tabs = await W.TabWidget()
    basket = await W.Label("empty")
    await tabs.add_widget(basket, "Basket")
    await tabs.add_widget(await W.Label("fresh fruit"), "Info")
    status = await W.Label("ready")
    buy = await W.BuyButton("Buy")
    leave = await W.Button("Quit")

    async def bought():
        buy.bought += 1
        async with session.batch():
            await basket.set_text(f"{buy.bought} x {fruit.get_text()}")
            await status.set_text(f"tab {tabs.index_of(basket)} of {await tabs.num_children()}")

    async def quit_app():
        await app.close()

    await buy.on("activated", bought)
    await leave.on("activated", quit_app)
    for w in (fruit, tabs, status, buy, leave):
        await vbox.add_widget(w)
    await top.set_widget(vbox)
    await top.resize(400, 300)
    await top.show()


print("Open", app.url, flush=True)
asyncio.run(app.run())
