"""Hello, pgwidgets: a window with a label and a button, asyncio API.

Run it, then open the URL it prints.
"""

import asyncio
import logging

from pgwidgets_core import Application, Session
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT


async def main() -> None:
    app = Application(max_sessions=None, **ports())

    @app.on_connect
    async def setup(session: Session) -> None:
        W = session.get_widgets()
        top = await W.TopLevel(title="Hello", resizable=True)
        vbox = await W.VBox(spacing=8, padding=10)
        label = await W.Label("Ready", halign="center")
        btn = await W.Button("Click me")
        clicks = 0

        async def clicked() -> None:
            nonlocal clicks
            clicks += 1
            await label.set_text(f"Clicked {clicks} time{'s' if clicks > 1 else ''}")

        await btn.on("activated", clicked)
        await vbox.add_widget(label, 1)
        await vbox.add_widget(btn, 0)
        await top.set_widget(vbox)
        await top.resize(300, 140)
        await top.show()

    await app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    await app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
