"""The file browser dialog of the blocking API: the asyncio
:class:`pgwidgets_core.extras.file_browser.FileBrowser`, each method a blocking call
to it, its ``"activated"`` handlers run on the session's callback thread::

    from pgwidgets_sync.extras.file_browser import FileBrowser

    fb = FileBrowser(session, mode="file", title="Open File")
    fb.add_ext_filter("Images", "png")
    fb.on("activated", lambda path: print("chosen:", path))
    fb.popup()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgwidgets_core.extras.file_browser import ICONS, MODES, set_icon
from pgwidgets_core.extras.file_browser import FileBrowser as CoreFileBrowser

from ..callbacks import Callbacks
from ..proxy import Proxy, mirror, to_core

if TYPE_CHECKING:
    import os

    from ..session import Session
    from ..widget import Widget

__all__ = ["FileBrowser", "MODES", "ICONS", "set_icon"]


class FileBrowser(Callbacks, Proxy):
    """A file browser dialog (blocking API); parameters and methods as in
    :class:`pgwidgets_core.extras.file_browser.FileBrowser`. The dialog is built
    when this returns."""

    if TYPE_CHECKING:       # the core's methods, made blocking at import (proxy.mirror)
        def build(self) -> FileBrowser: ...
        @property
        def dialog(self) -> Widget | None: ...
        def get_directory(self) -> str | None: ...
        def get_mode(self) -> str: ...
        def set_title(self, title: str) -> None: ...
        def set_mode(self, mode: str) -> None: ...
        def set_directory(self, path: str | os.PathLike[str]) -> None: ...
        def set_filename(self, name: str) -> None: ...
        def clear_filters(self) -> None: ...
        def add_ext_filter(self, category: str, file_ext: str) -> None: ...
        def popup(self, x: int | None = None, y: int | None = None) -> None: ...

    def __init__(self, session: Session, title: str = "Browse", modal: bool = True,
                 autoclose: bool = True, mode: str = "file", *,
                 root: str | os.PathLike[str] | None = None) -> None:
        Callbacks.__init__(self)
        self.enable_callback("activated")
        self.session = session
        self._app = session.app
        # The core constructor only records its arguments: safe on this thread.
        self._core = CoreFileBrowser(to_core(session), title, modal, autoclose, mode,
                                     root=root)
        self._call("build")
        self._call("on", "activated", self._relay)

    def __repr__(self) -> str:
        return f"<sync FileBrowser {self._core.get_mode()!r}>"

    def _relay(self, result: Any) -> None:
        # Loop thread: run our handlers on the session's callback thread.
        self.session.gui_do(self.make_callback, "activated", result)


mirror(FileBrowser, CoreFileBrowser)
