"""The widget catalog: every class of ``pgwidgets_js.defs``, with each method classified.

Pure data, no I/O. The classification decides what a generated method does:

=========  ===================================================================
kind       behaviour
=========  ===================================================================
SETTER     record the value under ``key``, send the call, do not wait
GETTER     answer from the recorded state (plain function, no round trip)
QUERY      send the call and wait for the browser's value
CHILD      keep the parent/child record (``child_op``), send, do not wait
FACTORY    make a new widget in Python (server wid) and attach it: the page
           builds the same thing ``MenuBar.add_name`` etc. would have built
LOCAL      answered from the records by :mod:`pgwidgets_core.answers` (no round
           trip): ``index_of``, ``get_menu``, ``num_children``...
ACTION     send the call, do not wait; nothing recorded (a few are tracked
           by the state module, e.g. ``add_separator``)
=========  ===================================================================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Mapping

__all__ = ["Kind", "OPTION_PARAMS", "takes_keywords", "MethodSpec", "WidgetDef", "Factory", "catalog", "build_catalog", "widget_def",
           "page_widget_def", "bind_args"]


class Kind(enum.Enum):
    SETTER = "setter"
    GETTER = "getter"
    QUERY = "query"
    CHILD = "child"
    FACTORY = "factory"
    ACTION = "action"
    LOCAL = "local"


_WRITE_BEHIND = frozenset({Kind.SETTER, Kind.ACTION, Kind.CHILD})


# Methods whose value only the page knows: always a round trip.
_QUERIES = frozenset("""
    get_element get_draw_context get_video_element get_content_element get_position
    is_set elapsed_time time_left can_undo can_redo get_cursor get_selection get_tags_at
    get_duration get_paused get_selected get_expanded get_collapsed get_column_count
    get_row_count get_widget_at_cell get_row_column_count get_content_area get_alpha
    num_children is_container get_tab_id get_child index_of get_subwin get_subwindows
    get_configuration get_child_size get_child_position get_icon index_to_widget
    find find_all replace create_ref create_named_ref get_named_ref get_text_range
    get_length get_selection_range has_selection get_selection_bounds has_tag
    get_tags_range get_tag_region get_tag_regions get_ref_start get_ref_end
    get_ref_bounds get_ref_line_start get_ref_line_end get_subtree get_selected_cells
    get_column_widths get_children get_menu copy_selection cut_selection
    get_offset get_gravity is_valid get_line_column get_line copy to_ref
""".split())

# Answered from the records (pgwidgets_core.answers), as the reference binding does.
# True: a coroutine in the asyncio API (the reference awaits these), False: plain.
_LOCAL: dict[str, bool] = {"index_of": False, "index_to_widget": False, "get_menu": False,
                           "num_children": True}
_LOCAL_IN: dict[tuple[str, str], bool] = {
    ("TextBufferRef", "get_offset"): False, ("TextBufferRef", "get_line"): False,
    ("Dialog", "get_content_area"): False,
    **{("TextSource", m): False for m in ("get_end_lineno", "get_modified", "mark_clean",
                                          "get_cursor_style")},
    # calls Python translates from its model into the page's own methods (the
    # reference's blocking TextSource has them; here in both APIs, awaited in asyncio)
    **{("TextSource", m): True for m in ("scroll_to_lineno", "scroll_to_end", "clear_icons",
                                         "show_tooltip")}}
# Parameters of the local methods the definitions do not list.
_LOCAL_PARAMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("TextSource", "scroll_to_lineno"): ("lineno", "align"),
    ("TextSource", "show_tooltip"): ("text", "x", "y"),
}

# Structural calls: which parameter is the child and what happens to the tree.
#   attach  - appended to the parent's children
#   insert  - inserted at parameter ``index``; replayed as add_widget
#   single  - replaces the parent's only child
#   remove  - the child leaves the parent (destroyed if destroy=True)
#   clear   - every child leaves (destroyed if destroy=True)
_CHILD_OPS = {
    "add_widget": "attach", "add_button": "attach", "insert_widget": "insert",
    "set_widget": "single", "remove": "remove", "remove_widget": "remove",
    "remove_all": "clear",
}

# Special setters and getters named otherwise than set_X / get_X.
_SPECIAL_SETTERS = {"show": ("visible", True), "hide": ("visible", False),
                    "resize": ("size", None)}
_SPECIAL_GETTERS = {"is_visible": "visible", "get_size": "size"}

# Per-class aliases: the key a setter writes and a getter reads.
_KEY_ALIASES = {("MenuAction", "state"): "checked"}

# Default answers of local getters whose key was never written.
_CLASS_DEFAULTS: dict[str, dict[str, Any]] = {
    **{c: {"text": ""} for c in ("TextEntry", "TextEntrySet", "TextArea", "TextSource",
                                 "ComboBox", "Label", "Button", "Frame", "MenuAction",
                                 "ToolBarAction")},
    **{c: {"index": -1} for c in ("TabWidget", "StackWidget", "MDIWidget")},
    "ScrollBar": {"scroll_percent": 0.0, "thumb_percent": 0.0},
    # windows stay hidden until show()/popup(); other widgets show at once
    **{c: {"visible": False} for c in ("TopLevel", "Dialog", "ColorDialog")},
}
_KEY_DEFAULTS: dict[str, Any] = {
    "size": (0, 0), "position": (0, 0), "index": -1, "scroll_position": (0.0, 0.0),
    "scroll_percent": (0.0, 0.0), "thumb_percent": (0.0, 0.0), "expanding": (False, False),
    "enabled": True, "state": False, "checked": False, "visible": True, "volume": 1.0,
    "value": 0, "sizes": [], "collapsed": False, "html": "", "color": None,
}

# Keys dropped by ``clear()``.
_CLEAR_KEYS = {
    **{c: ("text",) for c in ("TextEntry", "TextEntrySet", "TextArea", "TextSource")},
    "ComboBox": ("text", "index", "_items"),
    "HtmlView": ("html",),
    "ExternalWidget": ("content",),
    "StatusBar": ("message",),
    "TreeView": ("tree", "data", "_expanded", "_collapsed", "_sort"),
    "TableView": ("rows", "data", "_sort"),
}


@dataclass(frozen=True, slots=True)
class Factory:
    """How a factory method is built from ``create`` + an attach call.

    ``MenuBar.add_name("File")`` is ``Menu()`` then ``bar.add_menu(menu, "File")``:
    the page does exactly that inside ``add_name``; doing it from Python gives the
    new widget a server wid, so it is known at once, headless or not, and a rebuilt
    page gets the same wid.
    """
    new_class: str
    # (params) -> constructor options for the new widget
    options: Any
    # (new widget, params) -> attach method and its argument list
    attach: Any
    # returns the existing widget when the call attaches one instead of making it
    existing: Any = None


def _menu_add_menu_existing(params: dict[str, Any]) -> Any:
    return params.get("menu")


_FACTORIES: dict[tuple[str, str], Factory] = {
    ("MenuBar", "add_name"): Factory(
        "Menu", lambda p: {}, lambda w, p: ("add_menu", [w, p["name"]])),
    ("Menu", "add_name"): Factory(
        "MenuAction",
        lambda p: {"name": p["name"], "checkable": bool(p.get("checkable") or False)},
        lambda w, p: ("add_widget", [w])),
    ("Menu", "add_menu"): Factory(
        "Menu", lambda p: {}, lambda w, p: ("add_menu", [p["name"], w]),
        existing=_menu_add_menu_existing),
    ("ToolBar", "add_action"): Factory(
        "ToolBarAction", lambda p: dict(p.get("options") or {}),
        lambda w, p: ("add_widget", [w])),
}

# MenuBar.add_menu(menu, name, options) attaches ``menu`` (its first parameter).
_CHILD_PARAM = {("MenuBar", "add_menu"): "menu", ("Menu", "add_menu"): "menu"}


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One method of one widget class."""
    name: str
    params: tuple[str, ...]
    kind: Kind
    key: str | None = None            # state key (SETTER / GETTER)
    fixed: Any = None                 # value of show()/hide()
    child_op: str | None = None       # CHILD: attach / insert / single / remove / clear
    child_param: str | None = None    # CHILD: name of the child parameter
    factory: Factory | None = None
    clears: tuple[str, ...] = ()      # ACTION clear(): keys it drops
    returns_widget: bool = False      # CHILD whose reply carries a wrapper (MDI)
    awaitable: bool = False           # GETTER / LOCAL: a coroutine in the asyncio API

    @property
    def write_behind(self) -> bool:
        """True when the call returns nothing the program reads: it is queued and
        returns at once (setters, actions, structural calls but MDI's add_widget)."""
        return self.kind in _WRITE_BEHIND and not self.returns_widget


@dataclass(frozen=True, slots=True)
class WidgetDef:
    """One widget class of pgwidgets-js."""
    name: str
    base: str
    args: tuple[str, ...]
    options: tuple[str, ...]
    methods: Mapping[str, MethodSpec]
    callbacks: frozenset[str]
    defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def visual(self) -> bool:
        """True for widgets with an element on the page (not Timer, FileDialog...)."""
        return self.base != "callback"

    @property
    def creatable(self) -> bool:
        """False for classes the page only makes itself (MDISubWindow)."""
        return self.name != "MDISubWindow"

    def default(self, key: str) -> Any:
        if key in self.defaults:
            return self.defaults[key]
        return _KEY_DEFAULTS.get(key)


def _classify(cls: str, name: str, params: tuple[str, ...],
              all_methods: Mapping[str, Any]) -> MethodSpec:
    factory = _FACTORIES.get((cls, name))
    if factory is not None:
        return MethodSpec(name, params, Kind.FACTORY, factory=factory,
                          child_param=_CHILD_PARAM.get((cls, name)))
    if (cls, name) in _CHILD_PARAM:
        return MethodSpec(name, params, Kind.CHILD, child_op="attach",
                          child_param=_CHILD_PARAM[(cls, name)])
    if name in _CHILD_OPS:
        op = _CHILD_OPS[name]
        child = "child" if "child" in params else (params[0] if params and op != "clear"
                                                    else None)
        return MethodSpec(name, params, Kind.CHILD, child_op=op, child_param=child,
                          returns_widget=(cls == "MDIWidget" and name == "add_widget"))
    local = _LOCAL_IN.get((cls, name), _LOCAL.get(name))
    if local is not None:
        return MethodSpec(name, params, Kind.LOCAL, awaitable=local)
    if name == "set_binary_image":
        return MethodSpec(name, params, Kind.SETTER, key="_binary_image")
    if name in _SPECIAL_SETTERS:
        key, fixed = _SPECIAL_SETTERS[name]
        return MethodSpec(name, params, Kind.SETTER, key=key, fixed=fixed)
    if name in _SPECIAL_GETTERS:
        return MethodSpec(name, params, Kind.GETTER, key=_SPECIAL_GETTERS[name])
    if name == "get_position" and "set_position" in all_methods:
        return MethodSpec(name, params, Kind.GETTER, key="position",   # windows we track
                          awaitable=True)                   # (awaited, as elsewhere)
    if name in _QUERIES:
        return MethodSpec(name, params, Kind.QUERY)
    if name.startswith("set_") and params:
        key = name[4:]
        return MethodSpec(name, params, Kind.SETTER, key=_KEY_ALIASES.get((cls, key), key))
    if name.startswith("get_") and not params:
        key = name[4:]
        if "set_" + key in all_methods:
            return MethodSpec(name, params, Kind.GETTER,
                              key=_KEY_ALIASES.get((cls, key), key))
        return MethodSpec(name, params, Kind.QUERY)
    if name.startswith(("get_", "is_", "has_", "can_")):
        return MethodSpec(name, params, Kind.QUERY)
    if name == "clear":
        return MethodSpec(name, params, Kind.ACTION, clears=_CLEAR_KEYS.get(cls, ()))
    return MethodSpec(name, params, Kind.ACTION)


# Classes whose text the page reports while the user types (RemoteInterface).
_TYPED_TEXT = frozenset({"TextEntry", "TextEntrySet", "TextArea", "ComboBox"})

# Methods Python implements itself on the Widget base class.
_HAND_WRITTEN = frozenset({"destroy", "add_cursor", "is_container"})


def _build(name: str, entry: Mapping[str, Any], base_methods: Mapping[str, list[str]],
           ) -> WidgetDef:
    raw = {**base_methods, **entry.get("methods", {})}
    methods = {m: _classify(name, m, tuple(p), raw) for m, p in raw.items()
               if m not in _HAND_WRITTEN}
    if "num_children" not in methods:    # a widget that holds none: 0, a plain method
        methods["num_children"] = MethodSpec("num_children", (), Kind.LOCAL)
    for (cls, m), awaited in _LOCAL_IN.items():   # the reference has them (Dialog's
        if cls == name and m not in methods:      # get_content_area: a clear error)
            methods[m] = MethodSpec(m, _LOCAL_PARAMS.get((cls, m), ()), Kind.LOCAL,
                                    awaitable=awaited)
    callbacks = set(entry.get("callbacks", ()))
    if entry["base"] != "callback":
        callbacks |= {"resize", "map"}
    if name in _TYPED_TEXT:
        callbacks.add("modified")      # the page reports typing (debounced) for these
    return WidgetDef(name=name, base=entry["base"], args=tuple(entry.get("args", ())),
                     options=tuple(entry.get("options", ())), methods=methods,
                     callbacks=frozenset(callbacks), defaults=_CLASS_DEFAULTS.get(name, {}))


@cache
def catalog() -> dict[str, WidgetDef]:
    """Every widget class of the installed pgwidgets-js, by JS class name."""
    from pgwidgets_js import defs

    return build_catalog(defs)


def build_catalog(defs: Any) -> dict[str, WidgetDef]:
    """The catalog of a ``pgwidgets_js.defs``-like object (``WIDGETS`` and the three
    base method tables): what :func:`catalog` is made of, for any copy of the defs."""
    bases = {"container": defs.CONTAINER_METHODS, "widget": defs.WIDGET_METHODS,
             "callback": defs.CALLBACK_METHODS}
    return {name: _build(name, entry, bases[entry["base"]])
            for name, entry in defs.WIDGETS.items()}


def widget_def(name: str) -> WidgetDef:
    """The definition of class ``name``; ``KeyError`` naming it if unknown."""
    try:
        return catalog()[name]
    except KeyError:
        raise KeyError(f"pgwidgets-js has no widget class {name!r}") from None


@cache
def _generic_def() -> WidgetDef:
    return WidgetDef(name="Widget", base="widget", args=(), options=(), methods={},
                     callbacks=frozenset({"resize", "map"}))


def page_widget_def(name: str | None) -> WidgetDef:
    """The definition for a widget the page made and named ``name`` (its JS class);
    a bare widget definition when the name is not a class of the catalog."""
    found = catalog().get(name or "")
    return found if found is not None else _generic_def()


#: A last parameter with one of these names is a JS object of options: keywords the
#: other parameters do not take go into it (``find(q, case_insensitive=True)``,
#: ``create_tag("err", color="red")``), as the reference binding accepts.
OPTION_PARAMS = frozenset({"options", "opts", "attrs"})


def takes_keywords(params: tuple[str, ...]) -> bool:
    """True when leftover keywords of a call go into its last (options) parameter."""
    return bool(params) and params[-1] in OPTION_PARAMS


def bind_args(owner: str, params: tuple[str, ...], args: tuple[Any, ...],
              kwargs: Mapping[str, Any]) -> list[Any]:
    """Map a call's positional and keyword arguments onto the JS parameter list.

    Keywords fill slots by name, a skipped earlier slot becomes ``None``; when the
    last parameter is an options object (:data:`OPTION_PARAMS`), leftover keywords go into that object. Trailing
    ``None`` slots are dropped so the JS defaults apply. Raises ``TypeError``
    naming ``owner`` (e.g. ``"Slider.set_limits"``) on anything else.
    """
    n = len(params)
    if len(args) > n:
        raise TypeError(f"{owner}() takes {n} argument{'s' if n != 1 else ''} "
                        f"({', '.join(params) or 'none'}), {len(args)} given")
    out = list(args) + [None] * (n - len(args))
    if kwargs:
        extra: dict[str, Any] = {}
        for k, v in kwargs.items():
            try:
                i = params.index(k)
            except ValueError:
                extra[k] = v
                continue
            if i < len(args):
                raise TypeError(f"{owner}() got multiple values for argument {k!r}")
            out[i] = v
        if extra:
            if not takes_keywords(params):
                bad = ", ".join(sorted(extra))
                raise TypeError(f"{owner}() got unexpected keyword argument(s): {bad} "
                                f"(parameters: {', '.join(params) or 'none'})")
            opts = out[-1]
            if opts is None:
                opts = {}
            elif isinstance(opts, str):
                opts = {"text": opts}
            elif not isinstance(opts, Mapping):
                raise TypeError(f"{owner}(): options must be a dict, not "
                                f"{type(opts).__name__}")
            out[-1] = {**opts, **extra}
    while out and out[-1] is None:
        out.pop()
    return out
