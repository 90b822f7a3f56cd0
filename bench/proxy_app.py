"""The app of the proxy bench (bench/proxy.py), one worker of it: a click label and
button (the click probe), 50 labels, and a "Burst" button whose handler sets
``PROXY_SETTERS`` texts ``pgs-<i>`` over the labels (the fake pages count them).
``pgs-ready`` in the first label says the UI is built."""

from __future__ import annotations

import os
from typing import Any

from pgwidgets_core import Application, Session

SETTERS = int(os.environ.get("PROXY_SETTERS", "100"))


def make_app(**options: Any) -> Application:
    app = Application(**options)

    @app.on_connect
    async def setup(session: Session) -> None:
        W = session.get_widgets()
        top = await W.TopLevel(title="proxy bench")
        vbox = await W.VBox()
        label = await W.Label("click 0")
        click = await W.Button("Click me")
        labels = [await W.Label(f"label {i}") for i in range(50)]
        burst = await W.Button("Burst")
        clicks = 0

        async def clicked() -> None:
            nonlocal clicks
            clicks += 1
            await label.set_text(f"click {clicks}")

        async def bursting() -> None:
            for i in range(SETTERS):
                await labels[i % 50].set_text(f"pgs-{i}")

        await click.on("activated", clicked)
        await burst.on("activated", bursting)          # the fake pages' "fire"
        for w in (label, click, *labels, burst):
            await vbox.add_widget(w, 0)
        await top.set_widget(vbox)
        await top.show()
        await labels[0].set_text("pgs-ready")

    return app
