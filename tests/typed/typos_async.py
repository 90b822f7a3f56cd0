from pgwidgets_core import Application, Session

app = Application(ws_port=0, http_port=0)


@app.on_connect
async def setup(session: Session) -> None:
    W = session.get_widgets()
    box = await W.VBox()
    btn = await W.Buton("misspelt class")  # E: misspelt class
    label = await W.Label("x", colour="red")  # E: unknown keyword
    await label.set_txt("y")  # E: unknown method
    count: int = await box.get_children()  # E: query result used as the wrong type
    await label.on("clickd", print)  # E: unknown callback action
    print(btn, count)
