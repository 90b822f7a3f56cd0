"""Hello, pgwidgets: a window with a label and a button, blocking API.

Run it, then open the URL it prints. Handlers are plain functions; each session's
run on a thread of its own (``concurrency_handling="per_session"``).
"""

import logging

from pgwidgets_sync import Application, Session
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT


def main() -> None:
    app = Application(max_sessions=None, **ports())

    @app.on_connect
    def setup(session: Session) -> None:
        W = session.get_widgets()
        top = W.TopLevel(title="Hello", resizable=True)
        vbox = W.VBox(spacing=8, padding=10)
        label = W.Label("Ready", halign="center")
        btn = W.Button("Click me")
        clicks = 0

        def clicked() -> None:
            nonlocal clicks
            clicks += 1
            label.set_text(f"Clicked {clicks} time{'s' if clicks > 1 else ''}")

        btn.on("activated", clicked)
        vbox.add_widget(label, 1)
        vbox.add_widget(btn, 0)
        top.set_widget(vbox)
        top.resize(300, 140)
        top.show()

    app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
