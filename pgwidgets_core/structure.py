"""The program's structural calls folded into the widget tree: attach, insert, remove,
clear, factories, and the actions the records keep (separators, ``clear()``...).

Pure; called by the :class:`~pgwidgets_core.engine.Engine` before it sends the call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import models
from .catalog import Kind, MethodSpec, widget_def
from .protocol import Ref
from .state import Record

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["action", "child", "factory"]


def action(engine: Engine, rec: Record, spec: MethodSpec, args: list[Any]) -> None:
    """Fold an action into the record (most change nothing)."""
    for key in spec.clears:
        rec.unset(key)
        rec.unseed(key)
    if spec.name in models.SEQUENCE_ACTIONS:
        engine.tree.attach(rec, None, spec.name, args)   # a separator, a spacer
    models.track(engine.tree, rec, spec.name, args)


def _child_record(engine: Engine, rec: Record, spec: MethodSpec, child: Any) -> Record | None:
    if child is None:
        return None
    crec = engine.tree.lookup(child)
    if crec is not None and crec.obj is child:
        return crec
    if isinstance(child, Ref):
        raise ValueError(f"{rec.defn.name}.{spec.name}(): {child!r} belongs to another "
                         f"session (or was destroyed)")
    raise TypeError(f"{rec.defn.name}.{spec.name}(): {spec.child_param} must be a widget "
                    f"of this session, not {type(child).__name__}")


def child(engine: Engine, rec: Record, spec: MethodSpec, args: list[Any],
          raw: dict[str, Any]) -> None:
    """Record a structural call in the tree (``spec.child_op`` says which)."""
    tree = engine.tree
    crec = _child_record(engine, rec, spec, raw.get(spec.child_param) if spec.child_param
                         else None)
    op = spec.child_op
    if op in ("attach", "single", "insert") and crec is not None:
        if op == "insert":
            params = dict(zip(spec.params, args))
            entry_args = [crec.obj] + ([params["stretch"]] if params.get("stretch") is not None
                                       else [])
            tree.attach(rec, crec, "add_widget", entry_args, index=params.get("index"))
        else:
            tree.attach(rec, crec, spec.name, list(args), single=(op == "single"))
    elif op == "remove" and crec is not None:
        if raw.get("destroy"):
            tree.drop(crec)
        else:
            tree.detach(crec)
    elif op == "clear":
        for e in [e for e in rec.children if e.child is not None]:
            if raw.get("destroy"):
                tree.drop(e.child)               # type: ignore[arg-type]
            else:
                tree.detach(e.child)             # type: ignore[arg-type]
    models.track(tree, rec, spec.name, args)


def factory(engine: Engine, rec: Record, spec: MethodSpec, args: list[Any],
            raw: dict[str, Any]) -> Any:
    """Make the factory's widget in Python (so its wid is ours, headless or not) and
    attach it, as the page's own ``add_name`` would; returns its object."""
    fac = spec.factory
    assert fac is not None
    if fac.existing is not None and fac.existing(raw) is not None:   # attach a given menu
        attach = MethodSpec(spec.name, spec.params, Kind.CHILD, child_op="attach",
                            child_param=spec.child_param)
        child(engine, rec, attach, args, raw)
        engine.call(rec, spec.name, args)
        return fac.existing(raw)
    options = fac.options(raw)
    new = engine.create(widget_def(fac.new_class), [options] if options else [],
                        {k: (v,) for k, v in options.items()})
    method, attach_args = fac.attach(new.obj, raw)
    engine.tree.attach(rec, new, method, attach_args)
    engine.call(rec, method, attach_args)
    return new.obj
