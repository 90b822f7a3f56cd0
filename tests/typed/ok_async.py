import asyncio

from pgwidgets_core import Application, Session, Widget
from pgwidgets_core.Widgets import Button
from pgwidgets_core.extras.file_browser import FileBrowser

app = Application(ws_port=0, http_port=0)


class Counter(Button):
    async def _initialize(self) -> "Counter":
        await super()._initialize()
        self.count = 0
        return self


@app.on_connect
async def setup(session: Session) -> None:
    W = session.get_widgets()
    top = await W.TopLevel(title="Typed", resizable=True)
    box = await W.VBox(spacing=4)
    label = await W.Label("ready", halign="center")
    btn = await W.Button("Click", tooltip="press me")
    await btn.on("activated", lambda: label.set_text("clicked"))
    await box.add_widget(label)
    await box.add_widget(btn)
    await top.set_widget(box)
    await top.show()
    text: str = label.get_text()
    kids: list[Widget] | None = await box.get_children()
    n: int = await box.num_children()
    menu = await (await W.MenuBar()).add_name("File")
    item = await menu.add_name("Quit")
    await item.on("activated", lambda: None)
    fb = await FileBrowser(session, title="Open", mode="files")
    await fb.add_ext_filter("Images", "png")
    fb.on("activated", lambda paths: print(paths))
    await fb.popup()
    where: str | None = fb.get_directory()
    print(text, kids, n, await Counter(session, "go"), where)


asyncio.run(app.run())
