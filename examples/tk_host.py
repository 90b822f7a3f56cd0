"""A Tk desktop window and a browser UI controlling each other.

    python examples/tk_host.py            # prints the URL to open (stdlib only)

The pgwidgets application runs in ``serialized`` mode, attached to the Tk loop:
every browser callback runs on the Tk thread, so it may touch Tk widgets
directly, and Tk commands may call pgwidgets widgets directly. Closing the Tk
window closes the application; the browser's "Quit" button closes the
application, which closes the Tk window.
"""

from __future__ import annotations

import sys
import tkinter as tk

from pgwidgets_sync import Application, Session
from pgwidgets_sync.Widgets import Label
from pgwidgets_sync.hosts import tk as tk_host
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT


def main() -> int:
    root = tk.Tk()
    root.title("Tk host")
    app = Application(concurrency_handling="serialized", **ports())

    # -- the desktop window -----------------------------------------------------
    tk_label = tk.Label(root, text="No click in the browser yet", width=40)
    tk_entry = tk.Entry(root)
    tk_entry.insert(0, "Hello from Tk")
    browser_labels: list[Label] = []    # one label per browser session

    def send() -> None:            # a Tk command, on the Tk thread
        for label in browser_labels:
            label.set_text(tk_entry.get())
    tk_send = tk.Button(root, text="Send to the browser", command=send)
    for w in (tk_label, tk_entry, tk_send):
        w.pack(padx=8, pady=4, fill="x")

    # -- the browser UI -----------------------------------------------------------
    @app.on_connect
    def setup(session: Session) -> None:  # runs on the Tk thread
        W = session.get_widgets()
        top = W.TopLevel(title="Browser side", resizable=True)
        vbox = W.VBox(spacing=8)
        label = W.Label("Waiting for Tk")
        clicks = [0]
        btn = W.Button("Tell Tk")
        quit_btn = W.Button("Quit")

        def tell_tk() -> None:     # also the Tk thread: Tk widgets are safe here
            clicks[0] += 1
            tk_label.config(text=f"Browser session {session.id} clicked {clicks[0]} time(s)")
        btn.on("activated", tell_tk)
        quit_btn.on("activated", app.close)    # closes the app, which destroys root
        for w in (label, btn, quit_btn):
            vbox.add_widget(w, 0)
        top.set_widget(vbox)
        top.resize(320, 160)
        top.show()
        browser_labels.append(label)

    host = tk_host.attach(app, root)   # starts the app; closing root closes it and back
    print(f"Open {app.url}  (wake-up: {host.mode}; close the Tk window or press Quit "
          "in the page to exit)", flush=True)
    root.mainloop()
    app.close()                    # already closed; idempotent
    return 0


if __name__ == "__main__":
    sys.exit(main())
