"""What a file browser shows of a directory: its entries, their icons, sizes and
dates. Plain functions; :func:`read_directory` makes blocking file system calls, so
the asyncio browser runs it on a worker thread."""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Collection
from typing import NamedTuple

from pgwidgets_js import get_static_path

from ..widget import to_data_uri

__all__ = ["ICONS", "Entry", "Scope", "set_icon", "extension", "icon_for", "format_size",
           "format_time", "read_directory", "rows"]

# Category -> data: URI. "file", "folder" and "parent" (the ".." row) always exist;
# any other key is a lowercase extension ("py") whose files get that icon.
ICONS: dict[str, str] = {}


def set_icon(category: str, path: str | os.PathLike[str]) -> None:
    """Show the image file at ``path`` for ``category``: ``"file"``, ``"folder"``,
    ``"parent"``, or a lowercase extension such as ``"py"``. Read once, at this
    call; browsers built afterwards use it."""
    ICONS[category] = to_data_uri(path)


_static_icons = get_static_path() / "icons"
set_icon("file", _static_icons / "file.svg")
set_icon("folder", _static_icons / "folder.svg")
ICONS["parent"] = ICONS["folder"]


class Entry(NamedTuple):
    """One directory entry, as :func:`read_directory` found it."""
    name: str
    is_dir: bool
    size: int
    mtime: float


def extension(name: str) -> str:
    """The lowercase extension of ``name`` without its dot ("" for none)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def icon_for(name: str, is_dir: bool) -> str:
    """The icon data URI for an entry."""
    if is_dir:
        return ICONS["folder"]
    return ICONS.get(extension(name), ICONS["file"])


def format_size(n: int) -> str:
    """``1536`` -> ``"1.5 KB"``."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def format_time(mtime: float) -> str:
    """A modification time as ``"2026-12-06 23:40"`` (local time)."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(mtime))


def read_directory(path: str, show_hidden: bool = False) -> list[Entry]:
    """The entries of directory ``path``: folders first, then by name (case aside).
    Raises ``OSError`` when the directory cannot be read; an entry that vanishes
    or cannot be stat'ed meanwhile is left out."""
    entries = []
    with os.scandir(path) as it:
        for de in it:
            if not show_hidden and de.name.startswith("."):
                continue
            try:
                st = de.stat()
            except OSError:
                continue
            entries.append(Entry(de.name, stat.S_ISDIR(st.st_mode), st.st_size, st.st_mtime))
    entries.sort(key=lambda e: (not e.is_dir, e.name.lower()))
    return entries


def rows(entries: list[Entry], extensions: Collection[str] | None = None,
         parent: bool = True) -> list[dict[str, str]]:
    """The table rows for ``entries``: a ``..`` row if ``parent``, then every folder
    and every file whose extension is in ``extensions`` (all files when None)."""
    out = []
    if parent:
        out.append({"icon": ICONS["parent"], "name": "..", "size": "", "modified": ""})
    for e in entries:
        if not e.is_dir and extensions is not None and extension(e.name) not in extensions:
            continue
        out.append({"icon": icon_for(e.name, e.is_dir), "name": e.name,
                    "size": "" if e.is_dir else format_size(e.size),
                    "modified": format_time(e.mtime)})
    return out


class Scope:
    """Where a browser may go: anywhere, or inside folder ``root`` (links resolved,
    so none leads out). Its methods make blocking file system calls."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = None if root is None else os.path.abspath(
            os.path.expanduser(os.fspath(root)))
        self._real: str | None = None            # root with links resolved, on first use

    def _real_root(self) -> str | None:
        if self.root is not None and self._real is None:
            self._real = os.path.realpath(self.root)
        return self._real

    def contains(self, path: str) -> bool:
        """True if the browser may show or choose ``path``."""
        root = self._real_root()
        return root is None or os.path.commonpath([root, os.path.realpath(path)]) == root

    def kind(self, path: str) -> str | None:
        """``"dir"``, ``"file"``, None (nothing there) or ``"outside"`` the root."""
        if not self.contains(path):
            return "outside"
        return "dir" if os.path.isdir(path) else "file" if os.path.exists(path) else None

    def list(self, directory: str, show_hidden: bool = False) -> tuple[list[Entry], bool]:
        """:func:`read_directory` of ``directory``, and whether there is a folder above
        it to go up to. ``OSError`` if it cannot be read (``PermissionError`` beyond
        the root)."""
        if not self.contains(directory):
            raise PermissionError(errno.EACCES, "outside the folder this browser shows",
                                  directory)
        top = os.path.dirname(directory) == directory or (
            self.root is not None and os.path.realpath(directory) == self._real_root())
        return read_directory(directory, show_hidden), not top
