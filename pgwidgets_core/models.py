"""Class-specific models: what some widgets hold beyond plain setter state.

Pure, like :mod:`state`. A tracker folds a call (made by the program) or a callback
(a change made in the page) into the record; :func:`replay_items` and
:func:`replay_late` give the calls that rebuild it. Keys of these models start with
``_`` so the generic state replay leaves them alone.
"""

from __future__ import annotations

from typing import Any, Callable, cast

from . import textsource
from .state import Record, Tree

__all__ = ["ARRANGES", "track", "track_user", "replay_items", "replay_edits", "replay_late", "PULLS",
           "MODEL_KEYS", "SEQUENCE_ACTIONS"]

#: Setter keys that replace a TreeView/TableView model (its edit log follows them).
MODEL_KEYS = ("tree", "data", "rows")

#: Calls recorded in the parent's child sequence although they attach no widget.
SEQUENCE_ACTIONS = frozenset({"add_separator", "add_spacer"})

#: (class, action) -> (query, key): after this callback Python asks the page that sent
#: it for the new value (the callback itself does not carry it), records it under key
#: and sets it in the other pages. E.g. text typed into a TextSource.
PULLS = {("TextSource", "changed"): ("get_text", "text"),
         # a ScrollArea moved by its scroll bars reports a stale position: ask it
         ("ScrollArea", "scrolled"): ("get_scroll_position", "scroll_position")}

#: Calls after which the page has placed sub-windows itself (no move event): Python
#: asks where they went (inbound.ask_subwindow_positions).
ARRANGES = frozenset({("MDIWidget", "tile_windows"), ("MDIWidget", "cascade_windows")})

Calls = list[tuple[str, list[Any]]]


def _items(rec: Record) -> list[str]:
    args = rec.recorded("_items")
    if args is None:
        rec.put("_items", args := ([],))
    return cast("list[str]", args[0])


# ---- ComboBox: the item list ----------------------------------------------------------

def _combo_first(rec: Record, items: list[str]) -> None:
    # The page selects the first item of an empty list unless an index was set.
    if len(items) == 1 and not rec.has("index"):
        rec.write("text", (items[0],))


def _combo_append(tree: Tree, rec: Record, args: list[Any]) -> None:
    items = _items(rec)
    items.append(args[0] if args else "")
    _combo_first(rec, items)


def _combo_insert_alpha(tree: Tree, rec: Record, args: list[Any]) -> None:
    items = _items(rec)
    text = args[0] if args else ""
    # JS localeCompare; casefold-then-exact is close enough for ordering words
    pos = next((i for i, t in enumerate(items) if (text.casefold(), text) <
                (str(t).casefold(), str(t))), len(items))
    items.insert(pos, text)
    if len(items) == 1 and not rec.has("index"):
        rec.write("text", (items[0],))


def _combo_delete_alpha(tree: Tree, rec: Record, args: list[Any]) -> None:
    items = _items(rec)
    if args and args[0] in items:
        items.remove(args[0])


def _combo_set_index(tree: Tree, rec: Record, args: list[Any]) -> None:
    # The page shows the item's text: get_text() answers the same.
    items = _items(rec)
    if args and isinstance(args[0], int) and 0 <= args[0] < len(items):
        rec.write("text", (items[args[0]],))


# ---- text appended ---------------------------------------------------------------------

def _appender(key: str) -> Callable[[Tree, Record, list[Any]], None]:
    def append(tree: Tree, rec: Record, args: list[Any]) -> None:
        rec.write(key, (str(rec.read(key) or "") + str(args[0] if args else ""),))
    return append


# ---- GridBox: cells move when rows and columns are inserted or deleted ----------------

def _grid_size(rec: Record) -> dict[str, Any]:
    if not rec.create_args or not isinstance(rec.create_args[-1], dict):
        rec.own_args().append({})
    opts = rec.create_args[-1]
    opts.setdefault("rows", 1)
    opts.setdefault("columns", 1)
    return cast("dict[str, Any]", opts)


def _grid_cells(rec: Record) -> list[list[Any]]:
    return [e.args for e in rec.children if e.child is not None and len(e.args) >= 3]


def _grid_add(tree: Tree, rec: Record, args: list[Any]) -> None:
    size = _grid_size(rec)
    row, col = args[1] if len(args) > 1 else 0, args[2] if len(args) > 2 else 0
    size["rows"] = max(size["rows"], (row or 0) + 1)
    size["columns"] = max(size["columns"], (col or 0) + 1)


def _grid_place(tree: Tree, rec: Record, widgets: list[Any], fixed: int, axis: int) -> None:
    for i, w in enumerate(widgets or []):
        child = tree.lookup(w)
        if child is None:
            continue
        cell = [w, fixed, i] if axis == 1 else [w, i, fixed]
        tree.attach(rec, child, "add_widget", cell)
        _grid_add(tree, rec, cell)


def _grid_shift(rec: Record, axis: int, index: int, by: int) -> None:
    for cell in _grid_cells(rec):
        if cell[axis] is not None and cell[axis] >= index:
            cell[axis] += by


def _grid_insert(axis: int) -> Callable[[Tree, Record, list[Any]], None]:
    key = "rows" if axis == 1 else "columns"

    def insert(tree: Tree, rec: Record, args: list[Any]) -> None:
        index = args[0] if args else 0
        _grid_shift(rec, axis, index, 1)
        _grid_size(rec)[key] += 1
        _grid_place(tree, rec, args[1] if len(args) > 1 else [], index, axis)
    return insert


def _grid_append(axis: int) -> Callable[[Tree, Record, list[Any]], None]:
    key = "rows" if axis == 1 else "columns"

    def append(tree: Tree, rec: Record, args: list[Any]) -> None:
        _grid_place(tree, rec, args[0] if args else [], _grid_size(rec)[key], axis)
    return append


def _grid_delete(axis: int) -> Callable[[Tree, Record, list[Any]], None]:
    key = "rows" if axis == 1 else "columns"

    def delete(tree: Tree, rec: Record, args: list[Any]) -> None:
        index = args[0] if args else 0
        for e in [e for e in rec.children if e.child is not None and len(e.args) >= 3
                  and e.args[axis] == index]:
            tree.detach(e.child)             # type: ignore[arg-type]
        for cell in _grid_cells(rec):
            if cell[axis] is not None and cell[axis] > index:
                cell[axis] -= 1
        size = _grid_size(rec)
        size[key] = max(1, size[key] - 1)
    return delete


# ---- mutually exclusive groups (radio buttons, grouped toggles) ------------------------

_GROUPED = frozenset({"RadioButton", "ToggleButton", "ToolBarAction"})


def _group_root(tree: Tree, rec: Record) -> Record:
    seen = set()
    while rec.wid not in seen:
        seen.add(rec.wid)
        owner = rec.seeded.get("group")
        owner_rec = tree.lookup(owner[0]) if owner else None
        if owner_rec is None:
            return rec
        rec = owner_rec
    return rec


def _select(tree: Tree, rec: Record, args: list[Any]) -> None:
    """``rec`` was selected: the page deselected the rest of its group by itself
    (no callback), so the record does the same."""
    if not args or not args[0]:
        return
    root = _group_root(tree, rec)
    for other in tree.records.values():
        if other is not rec and other.defn is rec.defn and _group_root(tree, other) is root \
                and other.read("state"):
            other.write("state", (False,))


# ---- popups -----------------------------------------------------------------------------

def _popup(tree: Tree, rec: Record, args: list[Any]) -> None:
    if len(args) >= 2 and args[0] is not None and args[1] is not None:
        rec.write("position", (args[0], args[1]))
    rec.write("visible", (True,))


# ---- closing a child --------------------------------------------------------------------

def _close_child(tree: Tree, rec: Record, args: list[Any]) -> None:
    child = tree.lookup(args[0]) if args else None
    if child is not None and child.parent is rec:
        tree.detach(child)


# ---- TreeView / TableView: the data model as an edit log --------------------------------

_RESETS = frozenset({"set_tree", "set_data", "set_rows", "clear"})


def _log(tree: Tree, rec: Record, method: str, args: list[Any]) -> None:
    log = rec.recorded("_edits")
    if log is None:
        rec.put("_edits", log := ([],))
    log[0].append((method, list(args)))


def _view_edit(method: str) -> Callable[[Tree, Record, list[Any]], None]:
    def edit(tree: Tree, rec: Record, args: list[Any]) -> None:
        if method in _RESETS:
            rec.unset("_edits")
            rec.unset("_open")
            rec.unset("_sort")
            if method == "clear":
                for k in ("tree", "data", "rows"):
                    rec.unset(k)
            return
        if method == "clear_all_colors":
            log = rec.recorded("_edits")
            if log is not None:
                log[0][:] = [e for e in log[0] if not _is_colour(e[0])]
        _log(tree, rec, method, args)
    return edit


def _is_colour(method: str) -> bool:
    return method == "set_colors" or method.endswith("_color") or method == "clear_all_colors"


def _view_open(method: str) -> Callable[[Tree, Record, list[Any]], None]:
    def open_close(tree: Tree, rec: Record, args: list[Any]) -> None:
        opened = rec.recorded("_open")
        if opened is None:
            rec.put("_open", opened := ({},))
        if method in ("expand_all", "collapse_all"):
            opened[0].clear()
            opened[0]["*"] = method
        elif args:
            key = repr(args[0])
            opened[0].pop(key, None)
            opened[0][key] = (method, args[0])
    return open_close


def _view_sort(tree: Tree, rec: Record, args: list[Any]) -> None:
    rec.put("_sort", (list(args),))


_VIEW_EDITS = ("set_tree set_data set_rows clear add_item remove_item remove_items add_tree "
               "delete_tree update_data update_rows update_tree set_cell insert_row append_row "
               "delete_row insert_column append_column delete_column set_colors set_cell_color "
               "set_row_color set_column_color set_table_color clear_cell_color clear_row_color "
               "clear_column_color clear_all_colors").split()

def _forget_binary(rec: Record) -> None:
    rec.unset("_binary_image")     # an image URL replaces the bytes


_TRACKERS: dict[tuple[str, str], Callable[[Tree, Record, list[Any]], None]] = {
    ("ComboBox", "append_text"): _combo_append,
    ("ComboBox", "insert_alpha"): _combo_insert_alpha,
    ("ComboBox", "delete_alpha"): _combo_delete_alpha,
    ("ComboBox", "set_index"): _combo_set_index,
    ("TextArea", "append_text"): _appender("text"),
    ("HtmlView", "append_html"): _appender("html"),
    ("GridBox", "add_widget"): _grid_add,
    ("GridBox", "insert_row"): _grid_insert(1), ("GridBox", "insert_column"): _grid_insert(2),
    ("GridBox", "append_row"): _grid_append(1), ("GridBox", "append_column"): _grid_append(2),
    ("GridBox", "delete_row"): _grid_delete(1), ("GridBox", "delete_column"): _grid_delete(2),
    ("Image", "set_image"): lambda tree, rec, args: _forget_binary(rec),
    **{(cls, "set_state"): _select for cls in _GROUPED},
    ("Dialog", "popup"): _popup, ("ColorDialog", "popup"): _popup,
    ("TabWidget", "close_widget"): _close_child,
    ("MDIWidget", "close_child"): _close_child,
    **{(cls, m): _view_edit(m) for cls in ("TreeView", "TableView") for m in _VIEW_EDITS},
    **{(cls, m): _view_open(m) for cls in ("TreeView",)
       for m in ("expand_item", "collapse_item", "expand_all", "collapse_all")},
    ("TreeView", "sort_by_column"): _view_sort, ("TableView", "sort_by_column"): _view_sort,
}

_TEXT_CALLS = frozenset({"set_text", "clear", "create_tag", "remove_tag_def", "apply_tag",
                         "remove_tag", "insert_text", "delete_range", "set_icon"})


def folds(rec: Record, method: str) -> bool:
    """True when ``rec.method(...)`` is folded into a model (not one value per key)."""
    name = rec.defn.name
    return ((name, method) in _TRACKERS or name == "TextBufferRef"
            or (name == "TextSource" and method in _TEXT_CALLS))


def track(tree: Tree, rec: Record, method: str, args: list[Any]) -> None:
    """Fold ``rec.method(*args)``, made by the program, into the record."""
    fn = _TRACKERS.get((rec.defn.name, method))
    if fn is not None:
        fn(tree, rec, args)
    elif rec.defn.name == "TextSource" and method in _TEXT_CALLS:
        textsource.on_call(tree, rec, method, args)
    elif rec.defn.name == "TextBufferRef" and method == "set_offset" and args \
            and len(rec.create_args) > 1:
        rec.own_args()[1] = args[0]           # rebuilt refs are created where they are


def answered(tree: Tree, rec: Record, method: str, args: list[Any], value: Any) -> None:
    """The page answered the program's query ``rec.method(*args)`` with ``value``
    (decoded): widgets it made for the answer are folded into the records."""
    if rec.defn.name in ("TextSource", "TextBufferRef"):
        textsource.answered(tree, rec, method, args, value)


def reader(decode: Callable[[Any], Any], tree: Tree, rec: Record, method: str,
           args: list[Any]) -> Callable[[Any], Any]:
    """How the reply to the query ``rec.method(*args)`` becomes its value: decoded,
    then folded into the records (see ``answered``)."""
    def result(reply: Any) -> Any:
        value = decode(reply.value)
        answered(tree, rec, method, args, value)
        return value
    return result


def on_pulled(tree: Tree, rec: Record, key: str, value: tuple[Any, ...]) -> None:
    """A value asked from the page after a user change (see PULLS) is about to be
    recorded under ``key``."""
    if rec.defn.name == "TextSource" and key == "text" and value and isinstance(value[0], str):
        textsource.on_text(tree, rec, value[0])


def replays_key(rec: Record, key: str) -> bool:
    """False for setter state a model rebuilds itself (a TextSource's text and its
    icons: ``set_icon(ref, url)`` is one per ref, not one per widget)."""
    return not (key in ("text", "icon") and rec.has("_textmodel"))


def track_user(tree: Tree, rec: Record, action: str, args: list[Any]) -> Calls:
    """Fold a change the user made in the page; returns the calls that bring the
    other pages along (sent silently)."""
    name = rec.defn.name
    if name in _GROUPED and action == "activated":
        _select(tree, rec, args)         # the page deselected the others itself
    if name == "ComboBox" and action == "activated" and len(args) > 1:
        items = _items(rec)
        if args[1] not in items and args[1] is not None:
            items.append(args[1])
            return [("append_text", [args[1]]), ("set_index", [args[0]])]
    if name == "TreeView" and action in ("expanded", "collapsed") and len(args) > 1:
        method = "expand_item" if action == "expanded" else "collapse_item"
        _view_open(method)(tree, rec, [args[1]])
        return [(method, [args[1]])]
    if name in ("TreeView", "TableView") and action == "sorted" and args:
        _view_sort(tree, rec, list(args[:2]))
        return [("sort_by_column", list(args[:2]))]
    if name == "Dialog" and action == "activated" and rec.read("autoclose"):
        rec.write("visible", (False,))       # the page hid it
        return [("hide", [])]
    if name == "MDIWidget" and action == "page-close" and args:
        _close_child(tree, rec, args[:1])    # the page closed the sub-window itself
        return [("close_child", args[:1])]
    return []


def replay_items(rec: Record) -> Calls:
    """Item lists, sent before the widget's other state (an index selects among them)."""
    items = rec.recorded("_items")
    return ([("append_text", [t]) for t in items[0]] if items else []) + textsource.replay(rec)


def replay_edits(rec: Record) -> Calls:
    """Edits made after the last full model (set_tree, set_rows...), in order."""
    edits = rec.recorded("_edits")
    return [(m, list(a)) for m, a in edits[0]] if edits else []


def replay_late(rec: Record) -> Calls:
    """Calls that need the whole UI in place (expansion, sorting)."""
    calls: Calls = []
    opened = rec.recorded("_open")
    if opened:
        for key, value in opened[0].items():
            calls.append((value, []) if key == "*" else (value[0], [value[1]]))
    sort = rec.recorded("_sort")
    if sort:
        calls.append(("sort_by_column", list(sort[0])))
    return calls
