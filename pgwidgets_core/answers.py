"""Methods answered from the records, with no round trip (``Kind.LOCAL``).

Pure functions of the engine's records: ``fn(engine, rec, *args)``. The reference
binding answers these from its own model too; a program reads the value at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from .state import Record
from .textsource import model

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


def get_content_area(engine: Engine, rec: Record) -> Any:
    raise NotImplementedError(
        f"{rec.defn.name}.get_content_area() returns a page element, which Python cannot "
        "hold: add widgets to the dialog itself (add_widget, insert_widget, set_spacing)")


ANSWERS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (index_of, index_to_widget, num_children, get_menu, get_offset,
                            get_line, get_content_area)}
