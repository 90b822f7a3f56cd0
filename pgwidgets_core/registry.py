"""Widget classes a program registers (``app.register_widget``): its own subclasses,
offered by ``session.get_widgets()`` beside the generated ones."""

from __future__ import annotations

from typing import Any, TypeVar

_T = TypeVar("_T")

__all__ = ["WidgetRegistry"]


class WidgetRegistry:
    """Name -> class, checked: a subclass of ``base``, under an identifier name."""

    __slots__ = ("_base", "_classes")

    def __init__(self, base: type) -> None:
        self._base = base
        self._classes: dict[str, type] = {}

    def register(self, cls: _T, name: str | None = None) -> _T:
        if not isinstance(cls, type) or not issubclass(cls, self._base):
            raise TypeError(f"register_widget() needs a subclass of "
                            f"{self._base.__module__}.{self._base.__qualname__}, got {cls!r}")
        name = cls.__name__ if name is None else name
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"register_widget(): name must be a public identifier, "
                             f"got {name!r}")
        self._classes[name] = cls
        return cls

    def get(self, name: str) -> type | None:
        return self._classes.get(name)

    def names(self) -> list[str]:
        return list(self._classes)
