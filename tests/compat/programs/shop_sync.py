"""A small shop written for pgwidgets-python's blocking API (only the imports differ).

python shop_sync.py WS_PORT HTTP_PORT
"""

import sys

from pgwidgets_sync import Application  # REF: from pgwidgets.sync import Application
from pgwidgets_sync.Widgets import Button  # REF: from pgwidgets.sync.Widgets import Button

app = Application(ws_port=int(sys.argv[1]), http_port=int(sys.argv[2]))


class BuyButton(Button):
    def __init__(self, session, text, **kwargs):
        super().__init__(session, text, **kwargs)
        self.bought = 0


app.register_widget(BuyButton)


@app.on_connect
def setup(session):
    W = session.get_widgets()
    top = W.TopLevel(title="Shop", resizable=True)
    vbox = W.VBox(spacing=6)
    fruit = W.ComboBox()
    for name in ("apple", "pear", "plum"):
        fruit.append_text(name)
    fruit.set_index(1)
    tabs = W.TabWidget()
    basket = W.Label("empty")
    tabs.add_widget(basket, "Basket")
    tabs.add_widget(W.Label("fresh fruit"), "Info")
    status = W.Label("ready")
    buy = W.BuyButton("Buy")
    leave = W.Button("Quit")

    def bought():
        buy.bought += 1
        with session.batch():
            basket.set_text(f"{buy.bought} x {fruit.get_text()}")
            status.set_text(f"tab {tabs.index_of(basket)} of {tabs.num_children()}")

    buy.on("activated", bought)
    leave.on("activated", lambda: app.close())
    for w in (fruit, tabs, status, buy, leave):
        vbox.add_widget(w)
    top.set_widget(vbox)
    top.resize(400, 300)
    top.show()


print("Open", app.url, flush=True)
app.run()
