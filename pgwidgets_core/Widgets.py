"""Every generated widget class as a module attribute, under the reference binding's
module name: ``from pgwidgets_core.Widgets import Button``, to subclass it::

    class CounterButton(Button):
        async def _initialize(self):          # run by ``await CounterButton(session, ...)``
            await super()._initialize()
            await self.on("activated", self.bump)
            return self

    app.register_widget(CounterButton)       # then: await W.CounterButton("Go")
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from .catalog import catalog
from .widget import Widget, widget_class

__all__ = ["Widget", "build_all_widget_classes", "class_module"]


def class_module(factory: Callable[[str], type], module: str
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]], Callable[[], dict]]:
    """``__getattr__``, ``__dir__`` and ``build_all_widget_classes`` for a module whose
    attributes are ``factory(name)`` for every pgwidgets-js class (here and in
    ``pgwidgets_sync.Widgets``)."""
    def getattr_(name: str) -> Any:
        if name in catalog():
            return factory(name)
        raise AttributeError(f"module {module!r} has no attribute {name!r} (pgwidgets-js "
                             f"has no widget class of that name)")

    def dir_() -> list[str]:
        return sorted({*vars(sys.modules[module]), *catalog()})

    def build_all() -> dict[str, type]:
        """Every generated class, by pgwidgets-js class name."""
        return {name: factory(name) for name in catalog()}
    return getattr_, dir_, build_all


__getattr__, __dir__, build_all_widget_classes = class_module(widget_class, __name__)
