"""Every pgwidgets-js widget class, built with the asyncio API.

The twin of ``all_widgets_sync.py``. Run it, then open the URL it prints: one window
with a tab per family of widgets, a menu bar, a tool bar and a status bar that reports
what you do; dialogs, a colour dialog and an MDI area are one click away.
``build(session)`` is reused by the tests, which check that it makes an instance of
every class and click through it.
"""

import asyncio
import logging

from typing import Any

from pgwidgets_core import Application, Session, Widget
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT

RED = ("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='80' "
       "height='50'><rect width='80' height='50' rx='8' fill='tomato'/></svg>")
COLUMNS = [{"label": "Name", "key": "name"}, {"label": "Size", "key": "size", "type": "int"}]


async def build(session: Session) -> Widget:
    """Build the gallery in ``session`` and return its top-level window."""
    W = session.get_widgets()
    status = await W.StatusBar()

    async def say(*what: Any) -> None:
        await status.set_message(" ".join(str(w) for w in what))

    async def labelled(*pairs: tuple[str, Widget]) -> Widget:
        """A scrollable column of (caption, widget) rows."""
        box = await W.VBox(spacing=6, padding=8)
        for caption, widget in pairs:
            row = await W.HBox(spacing=8)
            await row.add_widget(await W.Label(caption), 0)
            await row.add_widget(widget, 1)
            await box.add_widget(row, 0)
        area = await W.ScrollArea()
        await area.set_widget(box)
        return area

    # -- containers
    grid = await W.GridBox(rows=2, columns=2)
    for r in range(2):
        for c in range(2):
            await grid.add_widget(await W.Label(f"cell {r},{c}"), r, c)
    fixed = await W.FixedLayout()
    await fixed.add_widget(await W.Label("at 10,10"), 10, 10)
    await fixed.add_widget(await W.Label("at 120,30"), 120, 30)
    await fixed.resize(220, 60)
    frame = await W.Frame(title="Frame")
    await frame.set_widget(await W.Label("inside a frame"))
    expander = await W.Expander(title="Expander", collapsible=True)
    await expander.set_widget(await W.Label("details"))
    splitter = await W.Splitter(orientation="horizontal")
    await splitter.add_widget(await W.Label("left pane"))
    await splitter.add_widget(await W.Label("right pane"))
    scroll = await W.ScrollArea()
    lines = await W.VBox()
    for i in range(20):
        await lines.add_widget(await W.Label(f"scrolled line {i}"), 0)
    await scroll.set_widget(lines)
    await scroll.resize(200, 80)
    abstract = await W.AbstractScrollArea()
    await abstract.set_widget(await W.Label("an area the program scrolls"))
    stack = await W.StackWidget()
    for i in range(2):
        await stack.add_widget(await W.Label(f"stack page {i}"))
    await stack.set_index(1)
    box = await W.Box(orientation="horizontal")
    await box.add_widget(await W.Label("Box:"), 0)
    await box.add_widget(await W.Separator("vertical"), 0)
    await box.add_widget(await W.Label("a Separator on the left"), 1)
    containers = await labelled(("GridBox", grid), ("FixedLayout", fixed), ("Frame", frame),
                                ("Expander", expander), ("Splitter", splitter),
                                ("ScrollArea", scroll), ("AbstractScrollArea", abstract),
                                ("StackWidget", stack), ("Box", box))

    # -- buttons
    button = await W.Button("Button")
    await button.on("activated", say, "Button pressed")
    check = await W.CheckBox("CheckBox")
    await check.on("activated", lambda state: say("CheckBox", state))
    radio1 = await W.RadioButton("first")
    radio2 = await W.RadioButton("second", group=radio1)
    toggle1 = await W.ToggleButton("left")
    toggle2 = await W.ToggleButton("right", group=toggle1)
    radios, toggles = await W.HBox(spacing=6), await W.HBox(spacing=6)
    for w in (radio1, radio2):
        await radios.add_widget(w, 0)
    for tb in (toggle1, toggle2):
        await toggles.add_widget(tb, 0)
    buttonbox = await W.ButtonBox(halign="right")
    for text in ("OK", "Cancel"):
        b = await W.Button(text)
        await b.on("activated", say, text)
        await buttonbox.add_widget(b)
    buttons = await labelled(("Button", button), ("CheckBox", check),
                             ("RadioButton", radios), ("ToggleButton", toggles),
                             ("ButtonBox", buttonbox))

    # -- text
    entry = await W.TextEntry("type, then Enter", linehistory=5)
    await entry.on("activated", lambda *a: say("TextEntry:", entry.get_text()))
    entryset = await W.TextEntrySet("", label="Go")
    await entryset.on("activated", lambda *a: say("TextEntrySet:", entryset.get_text()))
    area = await W.TextArea("A TextArea\nwith two lines", wrap=True)
    source = await W.TextSource("def hello():\n    return 'world'\n", line_numbers=True)
    ref = await W.TextBufferRef(source, 4)    # follows its text as the user edits
    where = await W.Button("Where is the TextBufferRef?")

    async def where_is_ref() -> None:
        await say("TextBufferRef at line/column", await ref.get_line_column())

    await where.on("activated", where_is_ref)
    html = await W.HtmlView("<b>HtmlView</b>: <i>rich</i> text")
    texts = await labelled(("Label", await W.Label("a Label", halign="left")),
                           ("TextEntry", entry), ("TextEntrySet", entryset),
                           ("TextArea", area), ("TextSource", source),
                           ("TextBufferRef", where), ("HtmlView", html))

    # -- values
    combo = await W.ComboBox(editable=False)
    for t in ("apple", "banana", "cherry"):
        await combo.append_text(t)
    await combo.on("activated", lambda *a: say("ComboBox:", combo.get_text()))
    spin = await W.SpinBox(min=0, max=10, value=5)
    slider = await W.Slider(min=0, max=100, value=30, show_value=True)
    progress = await W.ProgressBar()
    await progress.set_value(0.3)
    await slider.on("activated", lambda v: progress.set_value(v / 100))
    dial = await W.Dial(min=0, max=100, value=60, show_value=True)
    await dial.resize(100, 110)
    scrollbar = await W.ScrollBar(orientation="horizontal")
    await scrollbar.set_thumb_percent(0.25)
    color = await W.ColorWidget(color="#3366cc")
    await color.on("pick", lambda *a: say("ColorWidget:", color.get_color()))
    values = await labelled(("ComboBox", combo), ("SpinBox", spin), ("Slider", slider),
                            ("ProgressBar", progress), ("Dial", dial),
                            ("ScrollBar", scrollbar), ("ColorWidget", color))

    # -- views
    tree = await W.TreeView(columns=COLUMNS, sortable=True)
    await tree.set_tree({"docs": {"a.txt": {"size": 30}, "b.txt": {"size": 10}},
                         "src": {"main.py": {"size": 200}}})
    await tree.resize(320, 140)
    table = await W.TableView(columns=COLUMNS, sortable=True)
    await table.set_data([["one", 3], ["two", 1], ["three", 2]])
    await table.resize(320, 120)
    views = await labelled(("TreeView", tree), ("TableView", table))

    # -- media
    image = await W.Image(url=RED)
    canvas = await W.Canvas()
    await canvas.resize(160, 60)
    await canvas.set_border_width(2)
    await canvas.set_border_color("green")
    video = await W.VideoWidget(controls=True, muted=True)
    await video.resize(200, 100)
    external = await W.ExternalWidget()
    await external.set_content("<b>ExternalWidget</b> content")
    media = await labelled(("Image", image), ("Canvas", canvas), ("VideoWidget", video),
                           ("ExternalWidget", external))

    # -- windows: buttons open them
    dialog = await W.Dialog("A Dialog", [["OK", 1], ["Cancel", 0]], autoclose=True)
    await dialog.add_widget(await W.Label("Dialogs pop up over the page."))
    await dialog.on("activated", lambda value: say("Dialog answered", value))
    colordialog = await W.ColorDialog(title="Pick a colour", color="#ff0000")
    await colordialog.on("pick", lambda *a: say("ColorDialog:", colordialog.get_color()))
    files = await W.FileDialog(mode="file")
    await files.on("activated", lambda *a: say("FileDialog:", a))
    timer = await W.Timer(duration=1)
    await timer.on("expired", say, "Timer expired")
    mdi = await W.MDIWidget()
    await mdi.add_widget(await W.Label("an MDI sub-window"), title="One",
                         width=180, height=90, x=10, y=10)
    await mdi.resize(420, 160)
    page = await W.Page()                    # a page-level container
    back = await W.Button("This is a Page: click to hide it")
    await back.on("activated", page.hide)    # a bound coroutine method is a handler too
    await page.set_widget(back)
    openers = await W.HBox(spacing=6)
    for text, action in (("Dialog", lambda: dialog.popup(40, 40)),
                         ("ColorDialog", lambda: colordialog.popup(60, 60)),
                         ("FileDialog", files.popup), ("Timer (1 s)", timer.start),
                         ("Page", page.show)):
        b = await W.Button(text)
        await b.on("activated", action)
        await openers.add_widget(b, 0)
    windows = await W.VBox(spacing=6, padding=8)
    await windows.add_widget(openers, 0)
    await windows.add_widget(mdi, 1)

    tabs = await W.TabWidget()
    for title, content in (("Containers", containers), ("Buttons", buttons),
                           ("Text", texts), ("Values", values), ("Views", views),
                           ("Media", media), ("Windows", windows)):
        await tabs.add_widget(content, title=title)

    # -- menus and tool bar (the factories are awaited and return the new widget)
    menubar = await W.MenuBar()
    file_menu = await menubar.add_name("File")
    await (await file_menu.add_name("Open")).on("activated", lambda *a: files.popup())
    await file_menu.add_separator()
    more = await file_menu.add_menu("More")
    await (await more.add_name("About")).on("activated",
                                            lambda *a: say("pgwidgets_core gallery"))
    view_menu = await W.Menu()
    await menubar.add_menu(view_menu, "View")
    grid_action = await W.MenuAction(text="Show grid", checkable=True)
    await view_menu.add_widget(grid_action)
    await grid_action.on("activated", lambda *a: say("Show grid:", grid_action.get_state()))
    toolbar = await W.ToolBar()
    await (await toolbar.add_action(text="New")).on("activated", lambda *a: say("New"))
    bold = await W.ToolBarAction(text="Bold", toggle=True)
    await toolbar.add_widget(bold)

    top = await W.TopLevel(title="Every widget", resizable=True)
    main = await W.VBox(spacing=4)
    await main.add_widget(menubar, 0)
    await main.add_widget(toolbar, 0)
    await main.add_widget(tabs, 1)
    await main.add_widget(status, 0)
    await top.set_widget(main)
    await top.resize(640, 520)
    await top.show()
    await say(f"{len(list(session.walk_widget_tree()))} widgets, built by a coroutine")
    return top


async def main() -> None:
    app = Application(max_sessions=None, **ports())
    app.on_connect(build)
    await app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    await app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
