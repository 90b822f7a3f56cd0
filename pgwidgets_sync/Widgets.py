"""Every blocking widget class as a module attribute, under the reference binding's
module name: ``from pgwidgets_sync.Widgets import Button``, to subclass it (a
subclass builds what it needs in ``__init__``; ``app.register_widget`` offers it in
``session.get_widgets()``)."""

from __future__ import annotations

from pgwidgets_core.Widgets import class_module

from .widget import Widget, widget_class

__all__ = ["Widget", "build_all_widget_classes"]


__getattr__, __dir__, build_all_widget_classes = class_module(widget_class, __name__)
