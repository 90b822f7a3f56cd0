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

FILTERS = [("Python", "py"), ("Text", "txt"), ("Text", "md")]


def chooser(session: Session) -> None:
    """on_connect: a button that opens the browser and a label for the choice."""
    W = session.get_widgets()
    chosen = W.Label("Nothing chosen yet")
    fb = FileBrowser(session, title="Open a file", mode="file")
    for category, ext in FILTERS:
        fb.add_ext_filter(category, ext)

    def show(path: str) -> None:                 # on the session's callback thread
        chosen.set_text(f"chose {path} ({os.path.getsize(path)} bytes)")
    fb.on("activated", show)

    open_button = W.Button("Open...")
    open_button.on("activated", lambda: fb.popup())
    column = W.VBox(spacing=6, padding=8)
    for widget, stretch in ((open_button, 0), (chosen, 1)):
        column.add_widget(widget, stretch)
    window = W.TopLevel(title="File chooser", resizable=True)
    window.set_widget(column)
    window.resize(460, 120)
    window.show()


def main() -> None:
    with Application(max_sessions=None, **ports()) as app:     # started here
        app.on_connect(chooser)
        print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
        app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
