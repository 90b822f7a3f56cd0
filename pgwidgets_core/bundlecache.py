"""The page bundles (:mod:`.bundle`) kept on disk between runs.

Building them reads ~94 files and joins ~700 KB of text: a few tens of ms, and ~4 MB
of memory a process never gives back to the system. So they are built once per
version of the sources, into a cache directory, and served from those files: a
process that starts with the cache warm never builds and holds no bundle in memory.

The directory is ``$PGWIDGETS_CACHE_DIR`` (empty: no cache, build in memory), else
``$XDG_CACHE_HOME/pgwidgets`` or ``~/.cache/pgwidgets``. An entry is named by a hash of
the connector page, the sizes and times of every ``.js``/``.css`` source and of the
bundler itself, so an upgrade of pgwidgets-js (or of us) makes a new one. Writes are
atomic (a temporary file renamed), so processes starting together are safe. If the
directory cannot be written, the bundle is built in memory as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import bundle

__all__ = ["BundleFiles", "cache_dir", "find_or_build"]


@dataclass(frozen=True)
class BundleFiles:
    """The bundles as files: ``script_file`` served at ``script_path``, likewise the style."""

    script_file: Path
    style_file: Path
    script_path: str
    style_path: str

    def rewrite(self, page: bytes) -> bytes:
        """The connector page importing and linking the bundles instead."""
        return bundle.Bundle(b"", b"", self.script_path, self.style_path).rewrite(page)


def cache_dir() -> Path | None:
    set_to = os.environ.get("PGWIDGETS_CACHE_DIR")
    if set_to is not None:
        return Path(set_to) if set_to else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pgwidgets"


def _key(root: Path, connector: bytes) -> str:
    h = hashlib.blake2b(connector, digest_size=12)
    sources = [Path(bundle.__file__)]
    for dirpath, _, names in os.walk(root):
        sources += [Path(dirpath, n) for n in names if n.endswith((".js", ".css"))]
    for p in sorted(sources):
        st = p.stat()
        h.update(f"\0{p}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def find_or_build(root: Path, connector: bytes) -> BundleFiles | bundle.Bundle | None:
    """The bundles of ``root`` for ``connector``: from the cache (built into it first
    if missing), or built in memory when there is no usable cache; None when the
    sources cannot be bundled (see :func:`.bundle.build`)."""
    where = cache_dir()
    if where is None:
        return bundle.build(root, connector)
    try:
        meta = where / f"{_key(Path(root), connector)}.json"
        if meta.is_file():
            found = json.loads(meta.read_text())
            if found is None:
                return None
            files = BundleFiles(where / found["script_file"], where / found["style_file"],
                                found["script_path"], found["style_path"])
            if files.script_file.is_file() and files.style_file.is_file():
                return files
        built = bundle.build(root, connector)
        where.mkdir(parents=True, exist_ok=True)
        if built is None:
            _write(meta, b"null")
            return None
        names = {"script_file": built.script_path.lstrip("/"),
                 "style_file": built.style_path.lstrip("/"),
                 "script_path": built.script_path, "style_path": built.style_path}
        _write(where / names["script_file"], built.script)
        _write(where / names["style_file"], built.style)
        _write(meta, json.dumps(names).encode())
        return BundleFiles(where / names["script_file"], where / names["style_file"],
                           built.script_path, built.style_path)
    except (OSError, ValueError, KeyError, TypeError):
        return bundle.build(root, connector)        # no usable cache: in memory
