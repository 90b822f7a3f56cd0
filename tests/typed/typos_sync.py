from pgwidgets_sync import Application, Session

app = Application(ws_port=0, http_port=0)


@app.on_connect
def setup(session: Session) -> None:
    W = session.get_widgets()
    box = W.VBox()
    btn = W.Buton("misspelt class")  # E: misspelt class
    label = W.Label("x", colour="red")  # E: unknown keyword
    label.set_txt("y")  # E: unknown method
    count: int = box.get_children()  # E: query result used as the wrong type
    label.on("clickd", print)  # E: unknown callback action
    print(btn, count)
