"""A file-size browser: a TreeView filled from a nested dict, a filter entry, sorting by a
column header, and a status line about the selection. Blocking API.

Run it, then open the URL it prints.
"""

import logging
from typing import Any

from pgwidgets_sync import Application, Session
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT

FILES = {
    "src": {"app.py": {"size": 4200}, "util.py": {"size": 800}, "ui": {"main.py": {"size": 2600}}},
    "docs": {"README.md": {"size": 1500}, "guide.md": {"size": 9100}},
    "setup.cfg": {"size": 300},
}


def filtered(tree: dict[str, Any], text: str) -> dict[str, Any]:
    """The entries whose name contains ``text`` (folders kept if something inside is)."""
    out: dict[str, Any] = {}
    for name, value in tree.items():
        if "size" not in value:                       # a folder
            inner = filtered(value, text)
            if inner or text in name:
                out[name] = inner if inner else value
        elif text in name:
            out[name] = value
    return out


def main() -> None:
    app = Application(max_sessions=None, **ports())

    @app.on_connect
    def setup(session: Session) -> None:
        W = session.get_widgets()
        top = W.TopLevel(title="Files", resizable=True)
        box = W.VBox(spacing=6, padding=8)
        search = W.TextEntry(text="")
        tree = W.TreeView(columns=[{"label": "Name", "key": "name"},
                                   {"label": "Size", "key": "size", "type": "int"}],
                          sortable=True)
        status = W.Label("Select a file")
        tree.set_tree(FILES)
        tree.expand_all()

        def refilter(*_: object) -> None:
            with session.batch():                 # one frame, the tree drawn once
                tree.set_tree(filtered(FILES, search.get_text()))
                tree.expand_all()
            status.set_text(f"filter: {search.get_text()!r}")

        def selected(*args: object) -> None:
            status.set_text(f"selected: {args[1] if len(args) > 1 else args}")

        search.on("activated", refilter)
        tree.on("selected", selected)
        box.add_widget(search, 0)
        box.add_widget(tree, 1)
        box.add_widget(status, 0)
        top.set_widget(box)
        top.resize(420, 360)
        top.show()

    app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
