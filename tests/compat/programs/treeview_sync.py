"""A file-size tree written for pgwidgets-python's blocking API (only the imports differ):
a TreeView with columns, a nested tree, a button that changes a cell, and the selection
reported in a Label by a callback.

python treeview_sync.py WS_PORT HTTP_PORT
"""

import sys

from pgwidgets_sync import Application  # REF: from pgwidgets.sync import Application

app = Application(ws_port=int(sys.argv[1]), http_port=int(sys.argv[2]))

FILES = {
    "src": {"app.py": {"size": 4200}, "util.py": {"size": 800},
            "ui": {"main.py": {"size": 2600}}},
    "docs": {"README.md": {"size": 1500}},
    "setup.cfg": {"size": 300},
}


@app.on_connect
def setup(session):
    W = session.get_widgets()
    top = W.TopLevel(title="Files", resizable=True)
    box = W.VBox(spacing=6)
    tree = W.TreeView(columns=[{"label": "Name", "key": "name"},
                               {"label": "Size", "key": "size", "type": "int"}])
    status = W.Label("nothing selected")
    grow = W.Button("Grow")
    leave = W.Button("Quit")
    tree.set_tree(FILES)
    tree.expand_all()

    def selected(*args):
        status.set_text(f"selected: {args[-1]}")

    def grown():
        tree.set_cell(["src", "util.py"], "size", 999)

    tree.on("selected", selected)
    grow.on("activated", grown)
    leave.on("activated", lambda: app.close())
    box.add_widget(tree, 1)
    for w in (status, grow, leave):
        box.add_widget(w, 0)
    top.set_widget(box)
    top.resize(420, 360)
    top.show()


print("Open", app.url, flush=True)
app.run()
