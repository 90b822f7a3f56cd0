"""A file chooser written for pgwidgets-python's blocking API: its FileBrowser (extras)
and a Callbacks object of the program's own (only the imports differ).

python files_sync.py WS_PORT HTTP_PORT
"""

import os
import sys
import tempfile

from pgwidgets_sync import Application  # REF: from pgwidgets.sync import Application
from pgwidgets_sync.callbacks import Callbacks  # REF: from pgwidgets.callbacks import Callbacks
from pgwidgets_sync.extras.file_browser import FileBrowser  # REF: from pgwidgets.extras.file_browser import FileBrowser

ROOT = tempfile.mkdtemp(prefix="pgw-files-")
os.mkdir(os.path.join(ROOT, "docs"))
for name in ("docs/report.txt", "docs/notes.md", "top.txt"):
    with open(os.path.join(ROOT, name), "w") as f:
        f.write(name)

app = Application(ws_port=int(sys.argv[1]), http_port=int(sys.argv[2]))


class Tally(Callbacks):
    """Counts the files chosen; fires "changed" with the count and the path."""

    def __init__(self):
        super().__init__()
        self.enable_callback("changed")
        self.count = 0

    def add(self, path):
        self.count += 1
        self.make_callback("changed", self.count, path)


@app.on_connect
def setup(session):
    W = session.get_widgets()
    top = W.TopLevel(title="Chooser", resizable=True)
    vbox = W.VBox(spacing=6)
    shown = W.Label("none yet")
    browse = W.Button("Browse")
    leave = W.Button("Quit")
    fb = FileBrowser(session, title="Choose a file")
    fb.set_directory(ROOT)
    tally = Tally()
    fb.on("activated", tally.add)
    tally.add_callback("changed", lambda src, n, path: shown.set_text(
        f"{n}: {os.path.relpath(path, ROOT)}"))
    browse.on("activated", lambda: fb.popup())
    leave.on("activated", lambda: app.close())
    buttons = W.HBox(spacing=4)
    for button in (browse, leave):
        buttons.add_widget(button, 0)
    for child, stretch in ((shown, 1), (buttons, 0)):
        vbox.add_widget(child, stretch)
    top.set_widget(vbox)
    top.show()


print("Open", app.url, flush=True)
app.run()
