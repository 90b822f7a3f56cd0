"""Fonts a program registers: served by our HTTP server, sent to every page first.

``app.register_font(family, source)`` and ``app.set_default_font(family, ...)`` (the
reference binding's names and parameters). The faces and the default are kept by the
application: a page that joins (first load, reload, a second tab) gets them before
its UI is rebuilt; pages already open get them at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import protocol

if TYPE_CHECKING:
    from .session import Session
    from .site import Site

__all__ = ["Fonts", "AppMessages", "Face"]

_MIME = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
ROUTE = "/_pgwidgets/font/"


@dataclass(frozen=True, slots=True)
class Face:
    id: int
    family: str
    weight: str
    style: str
    data: bytes
    mime: str

    @property
    def path(self) -> str:
        return f"{ROUTE}{self.id}"

    def message(self) -> dict[str, Any]:
        # relative: a page served under a path prefix finds it there
        return protocol.register_font(self.id, self.family, self.weight, self.style,
                                      self.path.lstrip("/"))


def _text(name: str, value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "weight":
        value = str(int(value))
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty str, got {value!r}")
    return value


class Fonts:
    """The registered faces and the default font of one application."""

    def __init__(self) -> None:
        self.faces: list[Face] = []
        self.default: dict[str, Any] | None = None

    def register(self, family: Any, source: Any, weight: Any, style: Any) -> Face:
        family, weight, style = _text("family", family), _text("weight", weight), \
            _text("style", style)
        if isinstance(source, (bytes, bytearray, memoryview)):
            data, mime = bytes(source), "font/ttf"
        elif isinstance(source, (str, os.PathLike)):
            path = Path(source)
            if not path.is_file():
                raise FileNotFoundError(f"register_font: no font file at {path}")
            data, mime = path.read_bytes(), _MIME.get(path.suffix.lower(), "font/ttf")
        else:
            raise TypeError(f"register_font: source must be a font file path or bytes, not "
                            f"{type(source).__name__}")
        if not data:
            raise ValueError(f"register_font: the font for {family!r} is empty")
        face = Face(len(self.faces) + 1, family, weight, style, data, mime)
        self.faces.append(face)
        return face

    def set_default(self, family: Any, size: Any, weight: Any, style: Any) -> dict[str, Any] | None:
        if family is None:
            self.default = None
            return None
        if size is not None and (isinstance(size, bool) or not isinstance(size, (int, float))
                                 or not size > 0):
            raise ValueError(f"size must be a positive number of pixels, got {size!r}")
        self.default = {"family": _text("family", family),
                        "size": None if size is None else float(size),
                        "weight": None if weight is None else _text("weight", weight),
                        "style": None if style is None else _text("style", style)}
        return self.default

    def messages(self) -> list[dict[str, Any]]:
        """What a page that joins gets first."""
        out = [f.message() for f in self.faces]
        if self.default is not None:
            out.append(protocol.set_default_font(self.default))
        return out


class AppMessages:
    """What every page of the application is told: ``register_font``,
    ``set_default_font``, ``open_url``. Mixed into ``Application``."""

    fonts: Fonts
    site: Site

    if TYPE_CHECKING:
        @property
        def sessions(self) -> dict[Any, Session]: ...

    def register_font(self, family: str, source: str | os.PathLike[str] | bytes, *,
                      weight: str = "normal", style: str = "normal") -> int:
        """Make ``family`` usable by widgets (``set_font(family, ...)``, the default
        font): ``source`` is a font file (.ttf, .otf, .woff, .woff2) or its bytes. Faces
        of one family with other ``weight``/``style`` combine. Returns the face's id."""
        face = self.fonts.register(family, source, weight, style)
        self.site.add_route(face.path, lambda: (face.data, face.mime))
        self._tell_pages(face.message())
        return face.id

    def set_default_font(self, family: str | None, *, size: float | None = None,
                         weight: str | None = None, style: str | None = None) -> None:
        """The font of every widget that has none of its own (CSS variables of the
        page); ``family=None`` goes back to the stylesheet's."""
        self._tell_pages(protocol.set_default_font(
            self.fonts.set_default(family, size, weight, style)))

    def open_url(self, url: str) -> None:
        """Ask every session's pages to open ``url`` in a new tab (write-behind, not
        replayed to pages that join later)."""
        for s in list(self.sessions.values()):
            if not s.is_destroyed:
                s.open_url(url)

    def _tell_pages(self, msg: dict[str, Any]) -> None:
        for s in self.sessions.values():
            if not s.is_destroyed:
                s.send_app_message(dict(msg))
