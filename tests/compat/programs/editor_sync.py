"""A text view written for pgwidgets-python's blocking API (only the imports differ): the
TextSource model (many lines, scrolling by line, the end line number, the modified flag,
a coloured tag on a range).

python editor_sync.py WS_PORT HTTP_PORT
"""

import sys

from pgwidgets_sync import Application  # REF: from pgwidgets.sync import Application

app = Application(ws_port=int(sys.argv[1]), http_port=int(sys.argv[2]))

TEXT = "\n".join(f"line {i:03d}" for i in range(200))


@app.on_connect
def setup(session):
    W = session.get_widgets()
    top = W.TopLevel(title="Editor", resizable=True)
    box = W.VBox(spacing=6)
    source = W.TextSource(TEXT, line_numbers=True)
    source.create_tag("hot", foreground="rgb(255, 0, 0)")
    source.apply_tag("hot", source.get_ref_line_start(1), source.get_ref_line_end(1))
    info = W.Label("info")
    buttons = W.HBox(spacing=4)
    to_end = W.Button("End")
    to_line = W.Button("Line 100")
    report = W.Button("Report")
    leave = W.Button("Quit")

    def reported():
        info.set_text(f"end {source.get_end_lineno()} modified {source.get_modified()}")

    to_end.on("activated", lambda: source.scroll_to_end())
    to_line.on("activated", lambda: source.scroll_to_lineno(100, "top"))
    report.on("activated", reported)
    leave.on("activated", lambda: app.close())
    for w in (to_end, to_line, report, leave):
        buttons.add_widget(w, 0)
    box.add_widget(source, 1)
    box.add_widget(info, 0)
    box.add_widget(buttons, 0)
    top.set_widget(box)
    top.resize(420, 360)
    top.show()


print("Open", app.url, flush=True)
app.run()
