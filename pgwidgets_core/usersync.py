"""What the user changes in a page, folded into the records: the actions Python listens
for on every widget to keep its state (a slider's value, a window's size...) and how
each one's arguments become the key's setter args.

Pure: no sockets, no asyncio.
"""

from __future__ import annotations

from typing import Any, Callable

from .catalog import WidgetDef
from .state import Record

__all__ = ["auto_listens", "apply_callback", "SYNC", "SCROLLED_KEYS"]


def _arg(i: int) -> Callable[[list[Any]], tuple[Any, ...] | None]:
    return lambda args: (args[i],) if len(args) > i else None


def _all(args: list[Any]) -> tuple[Any, ...] | None:
    return tuple(args) if args else None


def _box(args: list[Any]) -> tuple[Any, ...] | None:
    box = args[0] if args and isinstance(args[0], dict) else {}
    w, h = box.get("width"), box.get("height")
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (w, h)):
        return (w, h)
    return None


# class -> action -> [(key, how to get the setter args from the callback args)]
_VALUE = {"activated": [("value", _arg(0))]}
_STATE = {"activated": [("state", _arg(0))]}
_TEXT = {"activated": [("text", _arg(0))], "modified": [("text", _arg(0))]}
_SCROLL_POS = {"scrolled": [("scroll_position", _all)]}
SYNC: dict[str, dict[str, list[tuple[str, Any]]]] = {
    "ScrollBar": {"activated": [("scroll_percent", _arg(0))]},
    "Slider": _VALUE, "SpinBox": _VALUE, "Dial": _VALUE,
    "CheckBox": _STATE, "RadioButton": _STATE, "ToggleButton": _STATE,
    "ToolBarAction": _STATE, "MenuAction": {"activated": [("checked", _arg(0))]},
    "TextEntry": _TEXT, "TextEntrySet": _TEXT,
    "TextArea": {**_TEXT, **_SCROLL_POS},
    "ComboBox": {"activated": [("index", _arg(0)), ("text", _arg(1))],
                 "modified": [("text", _arg(0))]},
    "AbstractScrollArea": {"scrolled": [("scroll_percent", _all)]},
    "ScrollArea": _SCROLL_POS,          # its set_scroll_percent moves only the bars
    "HtmlView": _SCROLL_POS, "TextSource": _SCROLL_POS,
    "Splitter": {"sizing": [("sizes", _arg(0))]},
    "Expander": {"toggled": [("collapsed", _arg(0))]},
    "TabWidget": {"page-switch": [("index", _arg(1))]},
    "StackWidget": {"page-switch": [("index", _arg(1))]},
    "TopLevel": {"window-state": [("window_state", _arg(0))]},
    "ColorWidget": {"pick": [("color", _arg(0))]},
    "ColorDialog": {"pick": [("color", _arg(0))], "activated": [("color", _arg(0))]},
}
_GEOMETRY = {"move": [("position", _all)], "resize": [("size", _box)]}


def _geometry_actions(defn: WidgetDef) -> tuple[str, ...]:
    # Windows the user can move or resize; other widgets' sizes follow layout.
    acts = []
    if "move" in defn.callbacks:
        acts.append("move")
    if "resizable" in defn.options or defn.name == "MDISubWindow":
        acts.append("resize")
    return tuple(acts)


def auto_listens(defn: WidgetDef) -> tuple[str, ...]:
    """Actions Python listens for on every widget of this class to track user state."""
    acts = list(_geometry_actions(defn))
    acts += [a for a in SYNC.get(defn.name, {}) if a in defn.callbacks]
    if "page-close" in defn.callbacks:
        acts.append("page-close")
    if defn.name in ("TreeView", "TableView"):
        acts += [a for a in ("expanded", "collapsed", "sorted") if a in defn.callbacks]
    if defn.name == "TextSource":
        acts.append("changed")                 # text typed in the page (pulled)
    return tuple(dict.fromkeys(acts))


#: (class, key) that the ``scrolled`` event reports: setting the key silently still
#: makes the page send that event later (its native scroll event).
SCROLLED_KEYS = frozenset((name, key) for name, acts in SYNC.items()
                          for key, _ in acts.get("scrolled", ()))


def apply_callback(rec: Record, action: str, args: list[Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """Fold a user change reported by the page into ``rec``; returns what changed."""
    specs = SYNC.get(rec.defn.name, {}).get(action)
    if specs is None:
        if action not in _geometry_actions(rec.defn):
            return []
        if action == "resize" and rec.read("window_state") not in (None, "normal"):
            return []               # a shaded or minimized window's box is not its size
        specs = _GEOMETRY[action]
    changed = []
    for key, get in specs:
        value = get(args)
        if value is not None and not rec.holds(key, value):
            rec.write(key, value)
            changed.append((key, value))
    return changed
