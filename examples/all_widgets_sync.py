"""Every pgwidgets-js widget class, built with the blocking API.

Run it, then open the URL it prints: one window with a tab per family of widgets,
a menu bar, a tool bar and a status bar that reports what you do; dialogs, a
colour dialog and an MDI area are one click away. ``build(session)`` is reused by
the tests, which check that it makes an instance of every class.
"""

import logging

from typing import Any

from pgwidgets_sync import Application, Session, Widget
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT

RED = ("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='80' "
       "height='50'><rect width='80' height='50' rx='8' fill='tomato'/></svg>")
COLUMNS = [{"label": "Name", "key": "name"}, {"label": "Size", "key": "size", "type": "int"}]


def build(session: Session) -> Widget:
    """Build the gallery in ``session`` and return its top-level window."""
    W = session.get_widgets()
    status = W.StatusBar()

    def say(*what: Any) -> None:
        status.set_message(" ".join(str(w) for w in what))

    def labelled(*pairs: tuple[str, Widget]) -> Widget:
        """A scrollable column of (caption, widget) rows."""
        box = W.VBox(spacing=6, padding=8)
        for caption, widget in pairs:
            row = W.HBox(spacing=8)
            row.add_widget(W.Label(caption), 0)
            row.add_widget(widget, 1)
            box.add_widget(row, 0)
        area = W.ScrollArea()
        area.set_widget(box)
        return area

    # -- containers
    grid = W.GridBox(rows=2, columns=2)
    for r in range(2):
        for c in range(2):
            grid.add_widget(W.Label(f"cell {r},{c}"), r, c)
    fixed = W.FixedLayout()
    fixed.add_widget(W.Label("at 10,10"), 10, 10)
    fixed.add_widget(W.Label("at 120,30"), 120, 30)
    fixed.resize(220, 60)
    frame = W.Frame(title="Frame")
    frame.set_widget(W.Label("inside a frame"))
    expander = W.Expander(title="Expander", collapsible=True)
    expander.set_widget(W.Label("details"))
    splitter = W.Splitter(orientation="horizontal")
    splitter.add_widget(W.Label("left pane"))
    splitter.add_widget(W.Label("right pane"))
    scroll = W.ScrollArea()
    lines = W.VBox()
    for i in range(20):
        lines.add_widget(W.Label(f"scrolled line {i}"), 0)
    scroll.set_widget(lines)
    scroll.resize(200, 80)
    abstract = W.AbstractScrollArea()
    abstract.set_widget(W.Label("an area the program scrolls"))
    stack = W.StackWidget()
    for i in range(2):
        stack.add_widget(W.Label(f"stack page {i}"))
    stack.set_index(1)
    box = W.Box(orientation="horizontal")
    box.add_widget(W.Label("Box:"), 0)
    box.add_widget(W.Separator("vertical"), 0)
    box.add_widget(W.Label("a Separator on the left"), 1)
    containers = labelled(("GridBox", grid), ("FixedLayout", fixed), ("Frame", frame),
                          ("Expander", expander), ("Splitter", splitter),
                          ("ScrollArea", scroll), ("AbstractScrollArea", abstract),
                          ("StackWidget", stack), ("Box", box))

    # -- buttons
    button = W.Button("Button")
    button.on("activated", say, "Button pressed")
    check = W.CheckBox("CheckBox")
    check.on("activated", lambda state: say("CheckBox", state))
    radio1 = W.RadioButton("first")
    radio2 = W.RadioButton("second", group=radio1)
    toggle1 = W.ToggleButton("left")
    toggle2 = W.ToggleButton("right", group=toggle1)
    radios, toggles = W.HBox(spacing=6), W.HBox(spacing=6)
    for w in (radio1, radio2):
        radios.add_widget(w, 0)
    for tb in (toggle1, toggle2):
        toggles.add_widget(tb, 0)
    buttonbox = W.ButtonBox(halign="right")
    for text in ("OK", "Cancel"):
        b = W.Button(text)
        b.on("activated", say, text)
        buttonbox.add_widget(b)
    buttons = labelled(("Button", button), ("CheckBox", check), ("RadioButton", radios),
                       ("ToggleButton", toggles), ("ButtonBox", buttonbox))

    # -- text
    entry = W.TextEntry("type, then Enter", linehistory=5)
    entry.on("activated", lambda *a: say("TextEntry:", entry.get_text()))
    entryset = W.TextEntrySet("", label="Go")
    entryset.on("activated", lambda *a: say("TextEntrySet:", entryset.get_text()))
    area = W.TextArea("A TextArea\nwith two lines", wrap=True)
    source = W.TextSource("def hello():\n    return 'world'\n", line_numbers=True)
    ref = W.TextBufferRef(source, 4)          # follows its text as the user edits
    where = W.Button("Where is the TextBufferRef?")
    where.on("activated", lambda: say("TextBufferRef at line/column", ref.get_line_column()))
    html = W.HtmlView("<b>HtmlView</b>: <i>rich</i> text")
    texts = labelled(("Label", W.Label("a Label", halign="left")), ("TextEntry", entry),
                     ("TextEntrySet", entryset), ("TextArea", area), ("TextSource", source),
                     ("TextBufferRef", where), ("HtmlView", html))

    # -- values
    combo = W.ComboBox(editable=False)
    for t in ("apple", "banana", "cherry"):
        combo.append_text(t)
    combo.on("activated", lambda *a: say("ComboBox:", combo.get_text()))
    spin = W.SpinBox(min=0, max=10, value=5)
    slider = W.Slider(min=0, max=100, value=30, show_value=True)
    progress = W.ProgressBar()
    progress.set_value(0.3)
    slider.on("activated", lambda v: progress.set_value(v / 100))
    dial = W.Dial(min=0, max=100, value=60, show_value=True)
    dial.resize(100, 110)
    scrollbar = W.ScrollBar(orientation="horizontal")
    scrollbar.set_thumb_percent(0.25)
    color = W.ColorWidget(color="#3366cc")
    color.on("pick", lambda *a: say("ColorWidget:", color.get_color()))
    values = labelled(("ComboBox", combo), ("SpinBox", spin), ("Slider", slider),
                      ("ProgressBar", progress), ("Dial", dial), ("ScrollBar", scrollbar),
                      ("ColorWidget", color))

    # -- views
    tree = W.TreeView(columns=COLUMNS, sortable=True)
    tree.set_tree({"docs": {"a.txt": {"size": 30}, "b.txt": {"size": 10}},
                   "src": {"main.py": {"size": 200}}})
    tree.resize(320, 140)
    table = W.TableView(columns=COLUMNS, sortable=True)
    table.set_data([["one", 3], ["two", 1], ["three", 2]])
    table.resize(320, 120)
    views = labelled(("TreeView", tree), ("TableView", table))

    # -- media
    image = W.Image(url=RED)
    canvas = W.Canvas()
    canvas.resize(160, 60)
    canvas.set_border_width(2)
    canvas.set_border_color("green")
    video = W.VideoWidget(controls=True, muted=True)
    video.resize(200, 100)
    external = W.ExternalWidget()
    external.set_content("<b>ExternalWidget</b> content")
    media = labelled(("Image", image), ("Canvas", canvas), ("VideoWidget", video),
                     ("ExternalWidget", external))

    # -- windows: buttons open them
    dialog = W.Dialog("A Dialog", [["OK", 1], ["Cancel", 0]], autoclose=True)
    dialog.add_widget(W.Label("Dialogs pop up over the page."))
    dialog.on("activated", lambda value: say("Dialog answered", value))
    colordialog = W.ColorDialog(title="Pick a colour", color="#ff0000")
    colordialog.on("pick", lambda *a: say("ColorDialog:", colordialog.get_color()))
    files = W.FileDialog(mode="file")
    files.on("activated", lambda *a: say("FileDialog:", a))
    timer = W.Timer(duration=1)
    timer.on("expired", say, "Timer expired")
    mdi = W.MDIWidget()
    mdi.add_widget(W.Label("an MDI sub-window"), title="One", width=180, height=90, x=10, y=10)
    mdi.resize(420, 160)
    page = W.Page()                          # a page-level container
    back = W.Button("This is a Page: click to hide it")
    back.on("activated", page.hide)
    page.set_widget(back)
    openers = W.HBox(spacing=6)
    for text, action in (("Dialog", lambda: dialog.popup(40, 40)),
                         ("ColorDialog", lambda: colordialog.popup(60, 60)),
                         ("FileDialog", files.popup), ("Timer (1 s)", timer.start),
                         ("Page", page.show)):
        b = W.Button(text)
        b.on("activated", action)
        openers.add_widget(b, 0)
    windows = W.VBox(spacing=6, padding=8)
    windows.add_widget(openers, 0)
    windows.add_widget(mdi, 1)

    tabs = W.TabWidget()
    for title, content in (("Containers", containers), ("Buttons", buttons), ("Text", texts),
                           ("Values", values), ("Views", views), ("Media", media),
                           ("Windows", windows)):
        tabs.add_widget(content, title=title)

    # -- menus and tool bar
    menubar = W.MenuBar()
    file_menu = menubar.add_name("File")
    file_menu.add_name("Open").on("activated", lambda *a: files.popup())
    file_menu.add_separator()
    more = file_menu.add_menu("More")
    more.add_name("About").on("activated", lambda *a: say("pgwidgets_sync gallery"))
    view_menu = W.Menu()
    menubar.add_menu(view_menu, "View")
    grid_action = W.MenuAction(text="Show grid", checkable=True)
    view_menu.add_widget(grid_action)
    grid_action.on("activated", lambda *a: say("Show grid:", grid_action.get_state()))
    toolbar = W.ToolBar()
    toolbar.add_action(text="New").on("activated", lambda *a: say("New"))
    bold = W.ToolBarAction(text="Bold", toggle=True)
    toolbar.add_widget(bold)

    top = W.TopLevel(title="Every widget", resizable=True)
    main = W.VBox(spacing=4)
    main.add_widget(menubar, 0)
    main.add_widget(toolbar, 0)
    main.add_widget(tabs, 1)
    main.add_widget(status, 0)
    top.set_widget(main)
    top.resize(640, 520)
    top.show()
    say(f"{len(list(session.walk_widget_tree()))} widgets, built by a plain function")
    return top


def main() -> None:
    app = Application(max_sessions=None, **ports())
    app.on_connect(build)
    app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
