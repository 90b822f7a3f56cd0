"""What a facade over the core needs, as public API (``pgwidgets_sync`` is one).

A facade stands its own objects in for the core's (a proxy per core object) and runs
the core on an event loop of its own. What it may rely on:

- **Method metadata**: :func:`methods` gives every generated method of a core widget
  class with its :class:`~pgwidgets_core.catalog.MethodSpec`; ``spec.write_behind``
  says whether the core runs it write-behind (it returns nothing the program reads,
  so a facade may queue it and return at once); every other method returns a value.
  :data:`HAND_WRITTEN` does the same for the methods of the Widget base class.
- **Argument checking** without sending anything: :func:`check_args` (constructors)
  and :func:`~pgwidgets_core.catalog.bind_args` (methods) raise the core's own
  ``TypeError`` at the facade's call site.
- **Who runs handlers**: ``Application(handler_runner=...)`` takes a
  :class:`~pgwidgets_core.dispatch.Runner`; the core decides the *lanes* (which
  handlers run in order, by ``concurrency_handling``), the runner how (threads...).
  It is told when a lane ends (a session destroyed) and when the application closes.
- **Destroy notification**: ``Session.on_destroy(handler)``.
- **Writes at the end of a burst**: ``Application.writers.write_all()`` (loop thread)
  writes what a batch of calls queued without waiting a loop iteration.
- **Core object -> proxy**: :class:`Twins`, a weak mapping.
"""

from __future__ import annotations

import weakref
from typing import Any, Mapping

from .catalog import Kind, MethodSpec, WidgetDef, bind_args
from .dispatch import SERIAL, Runner
from .widget import Widget
from .widget import check_args as _check_definition

__all__ = ["methods", "definition", "check_args", "bind_args", "HAND_WRITTEN", "Twins",
           "Runner", "SERIAL"]

#: The methods of the Widget base class and how they behave (as ``methods()`` kinds).
HAND_WRITTEN: Mapping[str, MethodSpec] = {
    "destroy": MethodSpec("destroy", (), Kind.ACTION),
    "add_cursor": MethodSpec("add_cursor", ("name", "url", "hotspot_x", "hotspot_y", "size"),
                             Kind.ACTION),
    "is_container": MethodSpec("is_container", (), Kind.LOCAL, awaitable=True),
    "has_callback": MethodSpec("has_callback", ("action",), Kind.GETTER),
}


def definition(cls: type[Widget]) -> WidgetDef:
    """The pgwidgets-js definition a core widget class was generated from."""
    return cls.definition


def methods(cls: type[Widget]) -> Mapping[str, MethodSpec]:
    """Every generated method of core widget class ``cls``, by name."""
    return cls.definition.methods


def check_args(cls: type[Widget], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise the ``TypeError`` that ``cls(session, *args, **kwargs)`` would raise."""
    _check_definition(cls.definition, args, kwargs)


class Twins:
    """Core object -> its proxy, weakly: an entry lives as long as the proxy does (and
    the proxy keeps its core object alive). One per facade application; touch it from
    one thread only (the loop thread)."""

    def __init__(self) -> None:
        self._proxies: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()

    def get(self, core: Any) -> Any:
        """The proxy of ``core``, or None."""
        return self._proxies.get(id(core))

    def add(self, core: Any, proxy: Any) -> None:
        """``proxy`` stands for ``core`` from now on (it must hold ``core``)."""
        self._proxies[id(core)] = proxy
