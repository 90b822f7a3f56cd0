"""A file browser dialog over the server's file system, made of pgwidgets-js widgets
(a Dialog holding a path bar, a TableView of entries, a name entry and a filter)::

    from pgwidgets_core.extras.file_browser import FileBrowser

    fb = await FileBrowser(session, mode="file", title="Open File")
    await fb.add_ext_filter("Images", "png")
    fb.on("activated", lambda path: print("chosen:", path))
    await fb.popup()

``"activated"`` fires with the chosen path (a list of paths for ``mode="files"``).
The user opens a folder with a double-click (or ``..`` / the ↑ button, or by typing
a path and Enter), picks a file with a double-click or a click and Open. The file
system is read on a worker thread, never on the event loop. The browser's state is
the state of its widgets, so a reload (or a second tab) shows the same folder.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from ..callbacks import Callbacks
from .listing import ICONS, Scope, rows, set_icon

if TYPE_CHECKING:
    from ..session import Session

__all__ = ["FileBrowser", "MODES", "ICONS", "set_icon"]

MODES = ("file", "files", "directory", "save")
_OK_LABEL = {"save": "Save", "directory": "Select"}        # else "Open"
_COLUMNS = [
    {"label": "", "key": "icon", "type": "icon", "icon_size": 14},
    {"label": "Name", "key": "name", "type": "string"},
    {"label": "Size", "key": "size", "type": "string"},
    {"label": "Modified", "key": "modified", "type": "string"},
]


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"FileBrowser mode must be one of {MODES}, not {mode!r}")
    return mode


class FileBrowser(Callbacks):
    """A file browser dialog (asyncio API). ``await FileBrowser(session, ...)``
    builds its widgets; :meth:`popup` lists the folder and shows it.

    Parameters: ``title`` of the dialog; ``modal``; ``autoclose``: hide once a
    choice is made; ``mode``: ``"file"`` (an existing file), ``"files"`` (several),
    ``"directory"`` (a folder: the selected one, or the one shown) or ``"save"`` (a
    new or existing name; an existing file is confirmed first). Keyword-only
    ``root``: a folder the user cannot leave (by ``..``, a typed path or a link);
    the first popup shows it. Without it the user may browse whatever the server
    process can read.
    """

    def __init__(self, session: Session, title: str = "Browse", modal: bool = True,
                 autoclose: bool = True, mode: str = "file", *,
                 root: str | os.PathLike[str] | None = None) -> None:
        super().__init__()
        self.enable_callback("activated")
        self.session = session
        self._title, self._modal, self._autoclose = title, modal, autoclose
        self._mode = _check_mode(mode)
        self._directory: str | None = None       # None until set or first popup
        self._listed = False                     # has the table shown a folder?
        self._filename: str | None = None        # name to offer at the next listing
        self._show_hidden = False
        self._filters: dict[str, list[str]] = {}
        self._extensions: list[str] | None = None   # the chosen filter; None: all
        self._selected: list[str] = []
        self._pending: str | None = None         # path awaiting overwrite confirmation
        self._w: Any = None                      # the widgets, once built
        self._scope = Scope(root)

    def __await__(self) -> Generator[Any, None, FileBrowser]:
        return self.build().__await__()

    # ---- public API ------------------------------------------------------------------
    async def build(self) -> FileBrowser:
        """Create the dialog and its widgets (once); ``await FileBrowser(...)`` runs
        this. Returns the browser."""
        if self._w is None:
            self._w = await _Widgets.make(self)
            await self._rebuild_filter_combo()
        return self

    @property
    def dialog(self) -> Any:
        """The Dialog widget (None before :meth:`build`), to resize or move it."""
        return None if self._w is None else self._w.dialog

    def get_directory(self) -> str | None:
        """The folder shown (or to be shown), None before the first popup."""
        return self._directory

    def get_mode(self) -> str:
        """The selection mode."""
        return self._mode

    async def set_title(self, title: str) -> None:
        """Set the dialog's title."""
        self._title = title
        if self._w is not None:
            await self._w.dialog.set_title(title)

    async def set_mode(self, mode: str) -> None:
        """Set the mode (see the class). The table's selection mode and the button
        label are those of the mode given at creation, as in the reference."""
        self._mode = _check_mode(mode)

    async def set_directory(self, path: str | os.PathLike[str]) -> None:
        """Browse folder ``path`` (``~`` expanded). Raises ``FileNotFoundError`` or
        ``NotADirectoryError`` if it is not a folder, ``ValueError`` if it is outside
        ``root``; a shown browser moves there."""
        directory = os.path.abspath(os.path.expanduser(os.fspath(path)))
        kind = await asyncio.to_thread(self._scope.kind, directory)
        if kind == "outside":
            raise ValueError(f"FileBrowser.set_directory: {directory!r} is outside the "
                             f"root {self._scope.root!r}")
        if kind != "dir":
            err = NotADirectoryError if kind else FileNotFoundError
            raise err(f"FileBrowser.set_directory: not a folder: {directory!r}")
        self._directory = directory
        if self._listed:
            await self._show(directory)

    async def set_filename(self, name: str) -> None:
        """Offer ``name`` in the name entry at the next listing (a save name)."""
        self._filename = name
        if self._listed:
            await self._w.name.set_text(name)

    async def clear_filters(self) -> None:
        """Remove every extension filter."""
        self._filters.clear()
        await self._rebuild_filter_combo()

    async def add_ext_filter(self, category: str, file_ext: str) -> None:
        """Add extension ``file_ext`` ("png" or ".png") to filter ``category``
        ("Images"); each category is one choice of the Filter box."""
        self._filters.setdefault(category, []).append(file_ext.lstrip(".").lower())
        await self._rebuild_filter_combo()

    async def popup(self, x: int | None = None, y: int | None = None) -> None:
        """List the folder and show the dialog (at ``x``, ``y`` if given). The first
        popup shows ``root`` or else the current working directory, unless
        :meth:`set_directory` chose one; later ones reopen where the user was."""
        await self.build()
        if self._directory is None:
            self._directory = self._scope.root or os.getcwd()
        await self._show(self._directory)
        await self._w.dialog.popup(x, y)

    # ---- listing ---------------------------------------------------------------------
    async def _show(self, directory: str) -> bool:
        """List ``directory``; on an error keep the current one and say why."""
        w = self._w
        try:
            entries, parent = await asyncio.to_thread(self._scope.list, directory,
                                                      self._show_hidden)
        except OSError as e:
            await w.status.set_text(f"Cannot open {directory}: {e.strerror or e}")
            return False
        self._directory, self._listed, self._selected = directory, True, []
        async with self.session.batch():
            await w.path.set_text(directory)
            await w.table.set_rows(rows(entries, self._extensions, parent))
            await w.table.set_column_width("icon", 22)
            await w.name.set_text(self._filename or "")
            await w.status.set_text("")
        self._filename = None
        return True

    async def _rebuild_filter_combo(self) -> None:
        self._extensions = None
        if self._w is None:
            return
        combo = self._w.combo
        await combo.clear()
        await combo.append_text("All Files")
        for category, exts in self._filters.items():
            await combo.append_text(f"{category} ({', '.join(f'*.{e}' for e in exts)})")
        await combo.set_index(0)
        if self._listed:
            await self._show(self._here())

    def _here(self) -> str:
        assert self._directory is not None
        return self._directory

    # ---- what the user does ----------------------------------------------------------
    async def _go_up(self) -> None:
        parent = os.path.dirname(self._here())
        if parent != self._here() and await asyncio.to_thread(self._scope.contains, parent):
            await self._show(parent)

    async def _on_path_entered(self, *_: Any) -> None:
        path = os.path.abspath(os.path.expanduser(self._w.path.get_text().strip()))
        kind = await asyncio.to_thread(self._scope.kind, path)
        if kind == "dir":
            await self._show(path)
        elif kind == "outside":
            await self._w.status.set_text(f"Outside {self._scope.root}: {path}")
        elif kind is None and self._mode != "save":
            await self._w.status.set_text(f"No such file or folder: {path}")
        elif await self._show(os.path.dirname(path)):
            await self._w.name.set_text(os.path.basename(path))

    async def _on_row_activated(self, values: dict[str, Any], *_: Any) -> None:
        name = values.get("name", "")
        if name == "..":
            await self._go_up()
            return
        full = os.path.join(self._here(), name)
        if await asyncio.to_thread(self._scope.kind, full) == "dir":
            await self._show(full)
        else:
            await self._w.name.set_text(name)
            if self._mode != "directory":
                await self._accept()

    async def _on_row_selected(self, items: list[dict[str, Any]] | None, *_: Any) -> None:
        names = [n for it in items or () if (n := it.get("values", {}).get("name")) != ".."]
        self._selected = names
        if names:
            many = self._mode == "files" and len(names) > 1
            await self._w.name.set_text(f"{len(names)} items selected" if many else names[0])

    async def _on_filter_changed(self, index: int, *_: Any) -> None:
        categories = list(self._filters)
        self._extensions = self._filters[categories[index - 1]] if 0 < index <= len(
            categories) else None
        if self._listed:
            await self._show(self._here())

    async def _on_dialog_button(self, value: str, *_: Any) -> None:
        if value == "ok":
            await self._accept()
        else:
            await self._w.dialog.hide()

    async def _on_confirm(self, value: str, *_: Any) -> None:
        path, self._pending = self._pending, None
        if value == "ok" and path is not None:
            await self._fire(path)

    # ---- the choice ------------------------------------------------------------------
    async def _accept(self) -> None:
        here = self._here()
        if self._mode == "files":
            names = self._selected or [self._w.name.get_text().strip()]
            found = [p for p in (os.path.join(here, n) for n in names if n)
                     if await asyncio.to_thread(self._scope.kind, p) == "file"]
            if found:
                await self._fire(found)
            return
        name = self._w.name.get_text().strip()
        if not name and self._mode == "directory":
            await self._fire(here)               # the folder shown is the choice
            return
        if not name:
            return
        full = os.path.join(here, name)
        kind = await asyncio.to_thread(self._scope.kind, full)
        if kind == "outside":
            await self._w.status.set_text(f"Outside {self._scope.root}: {name}")
        elif kind == "dir" and self._mode != "directory":
            await self._show(full)
        elif kind == "dir" or (kind == "file" and self._mode == "file"):
            await self._fire(full)
        elif self._mode == "save":
            await (self._confirm(full) if kind else self._fire(full))
        else:
            await self._w.status.set_text(f"Not a folder: {name}" if kind
                                          else f"No such file: {name}")

    async def _confirm(self, path: str) -> None:
        self._pending = path
        dlg, label = await self._w.confirm_dialog(self)
        await label.set_text(f'"{os.path.basename(path)}" already exists. Overwrite?')
        await dlg.popup()

    async def _fire(self, result: str | list[str]) -> None:
        if self._autoclose:
            await self._w.dialog.hide()
        await self.make_callback("activated", result)


class _Widgets:
    """The browser's widgets, made by :meth:`make`."""

    dialog: Any
    path: Any
    table: Any
    name: Any
    combo: Any
    status: Any
    confirm: Any = None

    @classmethod
    async def make(cls, fb: FileBrowser) -> _Widgets:
        self = cls()
        W = fb.session.get_widgets()
        mode = fb.get_mode()
        self.dialog = d = await W.Dialog(fb._title, [["Cancel", "cancel"],
                                                     [_OK_LABEL.get(mode, "Open"), "ok"]],
                                         autoclose=False, modal=fb._modal, moveable=True,
                                         resizable=True)
        await d.resize(550, 420)
        await d.set_spacing(6)
        await d.set_padding(4)
        await d.on("activated", fb._on_dialog_button)

        bar = await W.HBox(spacing=4)
        up = await W.Button("↑")
        await up.on("activated", fb._go_up)
        self.path = await W.TextEntry()
        await self.path.on("activated", fb._on_path_entered)
        await bar.add_widget(up, 0)
        await bar.add_widget(self.path, 1)

        self.table = t = await W.TableView(
            columns=_COLUMNS, selection_mode="multiple" if mode == "files" else "single",
            alternate_row_colors=True, sortable=True)
        await t.set_column_width("icon", 22)
        await t.on("activated", fb._on_row_activated)
        await t.on("selected", fb._on_row_selected)

        self.name = await W.TextEntry()
        await self.name.set_length(40)
        self.combo = await W.ComboBox()
        await self.combo.on("activated", fb._on_filter_changed)
        self.status = await W.Label("")
        bottom = await W.VBox(spacing=4)
        for caption, entry in (("Name:", self.name), ("Filter:", self.combo)):
            row = await W.HBox(spacing=4)
            await row.add_widget(await W.Label(caption), 0)
            await row.add_widget(entry, 1)
            await bottom.add_widget(row, 0)
        await bottom.add_widget(self.status, 0)

        for child, stretch in ((bar, 0), (t, 1), (bottom, 0)):
            await d.add_widget(child, stretch)
        return self

    async def confirm_dialog(self, fb: FileBrowser) -> tuple[Any, Any]:
        """The overwrite question (made on first use, then reused)."""
        if self.confirm is None:
            W = fb.session.get_widgets()
            dlg = await W.Dialog("Confirm Overwrite", [["Cancel", "cancel"],
                                                       ["Overwrite", "ok"]],
                                 autoclose=True, modal=True)
            await dlg.resize(350, 140)
            await dlg.set_spacing(8)
            label = await W.Label("")
            await dlg.add_widget(label, 1)
            await dlg.on("activated", fb._on_confirm)
            self.confirm = (dlg, label)
        return self.confirm  # type: ignore[no-any-return]
