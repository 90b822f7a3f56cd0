"""The widget reference: one page per pgwidgets-js class, with a screenshot, and a gallery.

    python docs/tools/reference.py            # pages and screenshots (make reference)
    python docs/tools/reference.py --pages    # pages only (what the docs test compares)

Each page is made from the class's definition (purpose, constructor parameters, methods
by kind, callbacks) and shows the example below; the screenshot is that very example,
built with the blocking API in headless Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from pgwidgets_core.catalog import Kind, WidgetDef, catalog

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "reference"
IMG = OUT / "img"

# The example of each visual class: code run with W = session.get_widgets(); it makes
# ``w``, the widget shown (inside a window unless it is one).
EXAMPLES: dict[str, str] = {
    "Box": 'w = W.Box(orientation="horizontal", spacing=6)\nfor t in ("one", "two", "three"):\n    w.add_widget(W.Button(t))',
    "VBox": 'w = W.VBox(spacing=6)\nfor t in ("first", "second", "third"):\n    w.add_widget(W.Label(t))',
    "HBox": 'w = W.HBox(spacing=6)\nfor t in ("left", "middle", "right"):\n    w.add_widget(W.Button(t))',
    "ButtonBox": 'w = W.ButtonBox(halign="right")\nw.add_widget(W.Button("Cancel"))\nw.add_widget(W.Button("OK"))',
    "FixedLayout": 'w = W.FixedLayout()\nw.add_widget(W.Button("at 10, 10"), 10, 10)\nw.add_widget(W.Button("at 120, 60"), 120, 60)',
    "GridBox": 'w = W.GridBox(rows=2, columns=2, spacing=4)\nfor r in range(2):\n    for c in range(2):\n        w.add_widget(W.Button(f"{r},{c}"), r, c)',
    "Splitter": 'w = W.Splitter(orientation="horizontal")\nw.add_widget(W.Label("left pane"))\nw.add_widget(W.Label("right pane"))',
    "Frame": 'w = W.Frame(title="Frame")\nw.set_widget(W.Label("inside a frame"))',
    "Separator": 'w = W.VBox(spacing=6)\nw.add_widget(W.Label("above"))\nw.add_widget(W.Separator(orientation="horizontal"))\nw.add_widget(W.Label("below"))',
    "Expander": 'w = W.Expander(title="Details")\nw.set_widget(W.Label("shown when expanded"))',
    "AbstractScrollArea": 'w = W.AbstractScrollArea()',
    "ScrollArea": 'w = W.ScrollArea()\nw.set_widget(W.Label("\\n".join(f"line {i}" for i in range(30))))',
    "TabWidget": 'w = W.TabWidget()\nw.add_widget(W.Label("first page"), "One")\nw.add_widget(W.Label("second page"), "Two")',
    "StackWidget": 'w = W.StackWidget()\nw.add_widget(W.Label("the page on top"))\nw.add_widget(W.Label("hidden below"))',
    "MDIWidget": 'w = W.MDIWidget()\nw.add_widget(W.Label("a sub-window"), title="Sub", x=10, y=10, width=160, height=80)',
    "TopLevel": 'w = W.TopLevel(title="TopLevel")\nw.set_widget(W.Label("a window"))\nw.resize(300, 140)',
    "Page": 'w = W.Page()',
    "Dialog": 'w = W.Dialog("Dialog", [["OK", 1], ["Cancel", 0]])\nw.add_widget(W.Label("Proceed?"))',
    "ColorWidget": 'w = W.ColorWidget(color="#3366cc")',
    "ColorDialog": 'w = W.ColorDialog(title="Colour", color="#3366cc")',
    "Button": 'w = W.Button("Button")',
    "CheckBox": 'w = W.CheckBox("Check me")\nw.set_state(True)',
    "RadioButton": 'w = W.VBox()\nfirst = W.RadioButton("first")\nw.add_widget(first)\nw.add_widget(W.RadioButton("second", group=first))',
    "ToggleButton": 'w = W.ToggleButton("Toggle")\nw.set_state(True)',
    "Label": 'w = W.Label("A label", halign="center")',
    "StatusBar": 'w = W.StatusBar()\nw.set_message("Ready")',
    "TextEntry": 'w = W.TextEntry(text="some text")',
    "TextEntrySet": 'w = W.TextEntrySet(text="query", label="Search")',
    "TextArea": 'w = W.TextArea(text="Several lines\\nof text\\nin an area")',
    "TextSource": 'w = W.TextSource("def hello():\\n    return \'world\'\\n", line_numbers=True)',
    "ComboBox": 'w = W.ComboBox()\nfor t in ("apple", "pear", "plum"):\n    w.append_text(t)\nw.set_index(1)',
    "SpinBox": 'w = W.SpinBox(min=0, max=10, value=5)',
    "Slider": 'w = W.Slider(orientation="horizontal", min=0, max=100, value=40, show_value=True)',
    "Dial": 'w = W.Dial(min=0, max=100, value=70, show_value=True)',
    "ScrollBar": 'w = W.ScrollBar(orientation="horizontal")\nw.set_thumb_percent(0.3)',
    "ProgressBar": 'w = W.ProgressBar()\nw.set_value(0.6)',
    "Image": 'w = W.Image()\nw.set_binary_image(PNG, "png")',
    "TreeView": 'w = W.TreeView(columns=[{"label": "Name", "key": "name"}, {"label": "Size", "key": "size"}])\nw.set_tree({"src": {"main.py": {"size": 120}, "util.py": {"size": 80}}, "README": {"size": 40}})\nw.expand_all()',
    "TableView": 'w = W.TableView(columns=[{"label": "Name", "key": "name"}, {"label": "Size", "key": "size", "type": "int"}])\nw.set_data([["one", 3], ["two", 1], ["three", 2]])',
    "Canvas": 'w = W.Canvas()',
    "HtmlView": 'w = W.HtmlView(html="<h3>HtmlView</h3><p>Some <b>rich</b> text.</p>")',
    "VideoWidget": 'w = W.VideoWidget(controls=True)',
    "ExternalWidget": 'w = W.ExternalWidget()',
    "MenuBar": 'w = W.MenuBar()\nfile = w.add_name("File")\nfile.add_name("Open")\nw.add_name("Edit")',
    "Menu": 'w = W.MenuBar()\nmenu = w.add_name("A menu")\nmenu.add_name("Item")',
    "MenuAction": 'w = W.MenuBar()\nw.add_name("Menu").add_name("An action", checkable=True)',
    "ToolBar": 'w = W.ToolBar()\nw.add_action(text="Open")\nw.add_separator()\nw.add_action(text="Save")',
    "ToolBarAction": 'w = W.ToolBar()\nw.add_action(text="An action")',
}
WINDOWS = frozenset({"TopLevel", "Dialog", "ColorDialog"})
SIZE = (360, 200)

_KIND_TITLES = [(Kind.SETTER, "Setters (recorded, write-behind)"),
                (Kind.GETTER, "Getters (answered from Python's records)"),
                (Kind.LOCAL, "Answered locally"),
                (Kind.QUERY, "Queries (a round trip to the page)"),
                (Kind.CHILD, "Children"),
                (Kind.FACTORY, "Factories (return the new widget)"),
                (Kind.ACTION, "Actions (write-behind)")]


def visual() -> list[WidgetDef]:
    return [d for n, d in sorted(catalog().items()) if d.visual and d.creatable]


def page(defn: WidgetDef) -> str:
    name = defn.name
    params = ", ".join(defn.args + defn.options) or "none"
    lines = [f"# {name}", "", f"![{name}](img/{name}.png)", "",
             f"A pgwidgets-js `{name}` ({defn.base}). Made with "
             f"`W.{name}(...)` (`W = session.get_widgets()`), in either API.", "",
             "## Example", "", "```python", EXAMPLES[name], "```", "",
             "## Constructor", "", f"Parameters: {params}. Any setter also works as a "
             "keyword (`text_color=...` calls `set_text_color`).", "",
             "## Callbacks", "",
             ", ".join(f"`{c}`" for c in sorted(defn.callbacks)) or "none", ""]
    for kind, title in _KIND_TITLES:
        specs = sorted((s for s in defn.methods.values() if s.kind is kind),
                       key=lambda s: s.name)
        if specs:
            lines += [f"## {title}", ""]
            lines += [f"- `{s.name}({', '.join(s.params)})`" for s in specs]
            lines.append("")
    return "\n".join(lines)


def index(defs: list[WidgetDef]) -> str:
    others = [n for n, d in sorted(catalog().items()) if not d.visual]
    lines = ["# Widget reference", "",
             "Every widget class of pgwidgets-js, as this library offers it (both APIs). "
             "Each page shows the widget made by its example, in headless Chromium.", ""]
    for d in defs:
        lines.append(f"[![{d.name}](img/{d.name}.png){{ width=240 }}]({d.name}.md) "
                     f"[{d.name}]({d.name}.md)\n")
    lines += ["## Classes without an element of their own", "",
              ", ".join(f"`{n}`" for n in others) + ": their methods are in the stubs "
              "(`pgwidgets_core/Widgets.pyi`).", ""]
    return "\n".join(lines)


def write_pages() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    defs = visual()
    written = []
    for d in defs:
        p = OUT / f"{d.name}.md"
        p.write_text(page(d))
        written.append(p)
    (OUT / "index.md").write_text(index(defs))
    return written


def screenshots(names: list[str] | None = None, out: Path = IMG) -> None:
    """Build each example with the blocking API and photograph it in Chromium."""
    sys.path.insert(0, str(ROOT / "tests"))
    from chromium import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    from pngutil import png

    from pgwidgets_sync import Application

    out.mkdir(parents=True, exist_ok=True)
    todo = [d.name for d in visual()] if names is None else names
    app = Application(ws_port=0, http_port=0, max_sessions=None)
    app.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)
            for name in todo:
                session = app.create_session()
                W = session.get_widgets()
                scope = {"W": W, "PNG": png(96, 64, (40, 110, 200))}
                exec(EXAMPLES[name], scope)
                w = scope["w"]
                top = w if name in WINDOWS else W.TopLevel(title=name)
                if name not in WINDOWS:
                    top.set_widget(w)
                    top.resize(*SIZE)
                if name in ("Dialog", "ColorDialog"):
                    top.popup()
                else:
                    top.show()
                ctx = browser.new_context(viewport={"width": 480, "height": 320})
                pg = ctx.new_page()
                pg.goto(session.url)
                session.flush()
                pg.wait_for_timeout(300)
                shot = pg.locator(".pgwidgets-widget:visible").first     # the window
                shot.screenshot(path=str(out / f"{name}.png"))
                ctx.close()
                session.destroy()
            browser.close()
    finally:
        app.close()


if __name__ == "__main__":
    write_pages()
    if "--pages" not in sys.argv:
        screenshots(sys.argv[1:] if len(sys.argv) > 1 and sys.argv[1] != "--pages" else None)
