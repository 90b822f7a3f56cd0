from pgwidgets_sync import Application, Session, Widget
from pgwidgets_sync.extras.file_browser import FileBrowser

app = Application(ws_port=0, http_port=0)


@app.on_connect
def setup(session: Session) -> None:
    W = session.get_widgets()
    top = W.TopLevel(title="Typed", resizable=True)
    box = W.VBox(spacing=4)
    label = W.Label("ready", halign="center")
    btn = W.Button("Click", tooltip="press me")
    btn.on("activated", lambda: label.set_text("clicked"))
    box.add_widget(label)
    box.add_widget(btn)
    top.set_widget(box)
    top.show()
    kids: list[Widget] | None = box.get_children()
    menu = W.MenuBar().add_name("File")
    menu.add_name("Quit").on("activated", lambda: None)
    fb = FileBrowser(session, title="Save as", mode="save")
    fb.on("activated", lambda path: print(path))
    fb.popup()
    print(label.get_text(), kids)


app.run()
