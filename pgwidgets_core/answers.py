"""Methods answered from the records, with no round trip (``Kind.LOCAL``).

Functions of the engine's records: ``fn(engine, rec, *args)``. The reference binding
answers these from its own model too; a program reads the value at once. A few are
commands Python translates from its model into the page's own methods
(``scroll_to_lineno`` -> ``_scrollToOffset(offset, align)``), sent write-behind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from .state import Record
from .textsource import icon_refs, model

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["ANSWERS"]


def _children(rec: Record) -> list[Record]:
    return [e.child for e in rec.children if e.child is not None and not e.child.destroyed]


def index_of(engine: Engine, rec: Record, child: Any) -> int:
    """The index of ``child`` among this container's children; -1 if not one."""
    for i, c in enumerate(_children(rec)):
        if c.obj is child or c is child:
            return i
    return -1


def index_to_widget(engine: Engine, rec: Record, index: int) -> Any:
    """The child at ``index``; None out of range."""
    kids = _children(rec)
    if not isinstance(index, int) or not 0 <= index < len(kids):
        return None
    return kids[index].obj


def num_children(engine: Engine, rec: Record) -> int:
    """How many children this widget has (0 for a widget that holds none)."""
    return len(_children(rec))


def get_menu(engine: Engine, rec: Record, name: str) -> Any:
    """The submenu added under ``name`` (``add_menu`` / ``add_name``); None if none."""
    for e in rec.children:
        if e.method == "add_menu" and e.child is not None and name in e.args:
            return e.child.obj
    return None


def _ref_offset(rec: Record) -> int:
    v = rec.read("offset")
    if not isinstance(v, int):
        v = rec.create_args[1] if len(rec.create_args) > 1 else 0
    return v if isinstance(v, int) else 0


def get_offset(engine: Engine, rec: Record) -> int:
    """A TextBufferRef's offset in its buffer's text."""
    return _ref_offset(rec)


def get_line(engine: Engine, rec: Record) -> int:
    """The 0-based line of a TextBufferRef's offset."""
    buf = engine.tree.lookup(rec.create_args[0]) if rec.create_args else None
    if buf is None:
        return 0
    return model(buf).text.count("\n", 0, _ref_offset(rec))


def get_end_lineno(engine: Engine, rec: Record) -> int:
    """The 0-based line number of the end of a TextSource's text."""
    return model(rec).text.count("\n")


def get_modified(engine: Engine, rec: Record) -> bool:
    """True when a TextSource's text differs from its text at the last ``mark_clean()``
    (or at creation): an edit undone by hand counts as no change."""
    clean = rec.recorded("_clean_text") or rec.seeded.get("text") or ("",)
    return bool(model(rec).text != clean[0])


def mark_clean(engine: Engine, rec: Record) -> None:
    """Take the TextSource's current text as unmodified (e.g. after saving)."""
    rec.put("_clean_text", (model(rec).text,))


def get_cursor_style(engine: Engine, rec: Record) -> tuple[str, str | None]:
    """The caret's ``(style, color)`` as last set (``("line", None)`` by default)."""
    args = rec.recorded("cursor_style") or ()
    style = args[0] if args and args[0] is not None else "line"
    return (style, args[1] if len(args) > 1 else None)


# ---- calls translated from the model into the page's own methods --------------------
_ALIGNS = ("nearest", "center", "top")


def scroll_to_lineno(engine: Engine, rec: Record, lineno: int, align: str = "nearest") -> None:
    """Scroll so that line ``lineno`` (0-based) is in view: ``align`` "nearest" (the
    least scrolling), "center" or "top"."""
    if not isinstance(lineno, int) or isinstance(lineno, bool):
        raise TypeError(f"TextSource.scroll_to_lineno(): lineno must be an int, not "
                        f"{type(lineno).__name__}")
    if align not in _ALIGNS:
        raise ValueError(f"TextSource.scroll_to_lineno(): align must be one of "
                         f"{', '.join(map(repr, _ALIGNS))}, not {align!r}")
    text = model(rec).text
    offset = 0
    for _ in range(max(lineno, 0)):
        nl = text.find("\n", offset)
        if nl < 0:
            offset = len(text)
            break
        offset = nl + 1
    engine.call(rec, "_scrollToOffset", [offset, align])


def scroll_to_end(engine: Engine, rec: Record) -> None:
    """Scroll to the end of the text."""
    engine.call(rec, "_scrollToOffset", [len(model(rec).text), "nearest"])


def show_tooltip(engine: Engine, rec: Record, text: str, x: float, y: float) -> None:
    """Show ``text`` as a hover tooltip near viewport point (x, y), or hide it when
    ``text`` is empty (typically from a ``tooltip`` handler)."""
    if not isinstance(text, str):
        raise TypeError(f"TextSource.show_tooltip(): text must be a str, not "
                        f"{type(text).__name__}")
    engine.call(rec, "_showTooltip", [text, x, y])


def clear_icons(engine: Engine, rec: Record) -> None:
    """Remove every gutter icon set with ``set_icon(ref, url)``."""
    spec = rec.defn.methods["set_icon"]
    for ref in icon_refs(rec):
        engine.set(rec, spec, [ref, None])


def get_content_area(engine: Engine, rec: Record) -> Any:
    raise NotImplementedError(
        f"{rec.defn.name}.get_content_area() returns a page element, which Python cannot "
        "hold: add widgets to the dialog itself (add_widget, insert_widget, set_spacing)")


ANSWERS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (index_of, index_to_widget, num_children, get_menu, get_offset,
                            get_line, get_end_lineno, get_modified, mark_clean,
                            get_cursor_style, get_content_area, scroll_to_lineno,
                            scroll_to_end, show_tooltip, clear_icons)}
