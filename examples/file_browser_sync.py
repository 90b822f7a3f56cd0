"""A file chooser: a button opens the file browser dialog (pgwidgets_sync.extras) on
the folder the program runs in, with a filter per kind of file; the chosen file's
path and size are shown. Blocking API; the asyncio one is the same with ``await``.

Run it, then open the URL it prints.
"""

import logging
import os

from pgwidgets_sync import Application, Session
from pgwidgets_sync.extras.file_browser import FileBrowser
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT


def main() -> None:
    app = Application(max_sessions=None, **ports())

    @app.on_connect
    def setup(session: Session) -> None:
        W = session.get_widgets()
        top = W.TopLevel(title="File chooser", resizable=True)
        box = W.VBox(spacing=6, padding=8)
        chosen = W.Label("Nothing chosen yet")
        button = W.Button("Open...")

        fb = FileBrowser(session, title="Open a file", mode="file")
        fb.add_ext_filter("Python", "py")
        fb.add_ext_filter("Text", "txt")
        fb.add_ext_filter("Text", "md")

        def show(path: str) -> None:            # on the session's callback thread
            chosen.set_text(f"chose {path} ({os.path.getsize(path)} bytes)")

        fb.on("activated", show)
        button.on("activated", lambda: fb.popup())
        box.add_widget(button, 0)
        box.add_widget(chosen, 1)
        top.set_widget(box)
        top.resize(460, 120)
        top.show()

    app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
