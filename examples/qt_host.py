"""A Qt desktop window and a browser UI controlling each other.

    pip install 'pgwidgets-sync[qt]'      # PySide6-Essentials
    python examples/qt_host.py            # prints the URL to open

The pgwidgets application runs in ``serialized`` mode, attached to the Qt loop:
every browser callback runs on the Qt GUI thread, so it may touch Qt widgets
directly, and Qt slots may call pgwidgets widgets directly. Closing the Qt window
closes the application (and the pages show that it ended); the browser's "Quit"
button closes the application, which closes the Qt window.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import (QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from pgwidgets_sync import Application, Session
from pgwidgets_sync.Widgets import Label
from pgwidgets_sync.hosts import qt as qt_host
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT


def main() -> int:
    qapp = QApplication(sys.argv)
    app = Application(concurrency_handling="serialized", **ports())

    # -- the desktop window -----------------------------------------------------
    window = QWidget()
    window.setWindowTitle("Qt host")
    layout = QVBoxLayout(window)
    qt_label = QLabel("No click in the browser yet")
    qt_entry = QLineEdit("Hello from Qt")
    qt_send = QPushButton("Send to the browser")
    for w in (qt_label, qt_entry, qt_send):
        layout.addWidget(w)

    browser_labels: list[Label] = []    # one label per browser session

    def send() -> None:            # a Qt slot, on the GUI thread
        for label in browser_labels:
            label.set_text(qt_entry.text())
    qt_send.clicked.connect(send)

    # -- the browser UI -----------------------------------------------------------
    @app.on_connect
    def setup(session: Session) -> None:  # runs on the Qt GUI thread
        W = session.get_widgets()
        top = W.TopLevel(title="Browser side", resizable=True)
        vbox = W.VBox(spacing=8)
        label = W.Label("Waiting for Qt")
        clicks = [0]
        btn = W.Button("Tell Qt")
        quit_btn = W.Button("Quit")

        def tell_qt() -> None:     # also the GUI thread: Qt widgets are safe here
            clicks[0] += 1
            qt_label.setText(f"Browser session {session.id} clicked {clicks[0]} time(s)")
        btn.on("activated", tell_qt)
        quit_btn.on("activated", app.close)    # closes the app, which quits Qt
        for w in (label, btn, quit_btn):
            vbox.add_widget(w, 0)
        top.set_widget(vbox)
        top.resize(320, 160)
        top.show()
        browser_labels.append(label)

    host = qt_host.attach(app)     # starts the app; Qt quitting closes it and back
    print(f"Open {app.url}  (close the Qt window or press Quit in the page to exit)",
          flush=True)
    window.show()
    qapp.exec()
    host.detach()
    app.close()                    # already closed; idempotent
    return 0


if __name__ == "__main__":
    sys.exit(main())
