"""One-file bundles of the pgwidgets-js page assets (pure; no I/O beyond reading them).

The connector page imports ``Widgets.js``, which imports ~50 ES modules, and links
``Widgets.css``, which ``@import``s ~40 stylesheets. A fresh browser fetches these
~94 files over at most six HTTP/1.1 connections, and that queue is most of the
time a page takes to open. This module joins them into one script and one
stylesheet, served under content-hashed names.

The scripts are joined the way a bundler would, limited to the forms pgwidgets-js
uses: each module becomes a function scope evaluated in the order the browser
would evaluate it (depth-first, imports in source order), ``import {a, b} from
"./m.js";`` reads the names from the scope of ``m``, ``export {a, b};`` returns
them, and ``import.meta.url`` becomes the module's own URL. Anything else
(other import or export forms, a dynamic ``import()``, a top-level ``await``, an
import cycle, a missing file) makes :func:`build` return None, and the page is
served as the separate files it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = ["Bundle", "build", "bundle_scripts", "bundle_styles"]

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"(\.{1,2}/[^"]+\.js)"\s*;?\s*$')
_EXPORT = re.compile(r"^export\s*\{([^}]*)\}\s*;?\s*$")
_IMPORT_EXPORT = re.compile(r"^\s*(import|export)\b")
_UNSUPPORTED = re.compile(r"\bimport\s*\(|\bimport\.meta\b(?!\.url\b)")
# A top-level statement (column 0, not a comment) using await.
_TOP_AWAIT = re.compile(r"^(?![\s/*}]).*\bawait\b")
_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")
_CSS_IMPORT = re.compile(r'^@import\s+(?:url\()?\s*["\']([^"\']+)["\']\s*\)?\s*;\s*$')
_CSS_URL = re.compile(r"\burl\(|@import\b")

_CONNECTOR_SCRIPT = 'from "/Widgets.js"'
_CONNECTOR_STYLE = 'href="/Widgets.css"'


class Unbundlable(Exception):
    """The sources use a form this bundler does not handle."""


@dataclass(frozen=True)
class Bundle:
    """The joined assets: served at ``script_path`` and ``style_path``."""

    script: bytes
    style: bytes
    script_path: str
    style_path: str

    def rewrite(self, page: bytes) -> bytes:
        """The connector page importing and linking the bundles instead."""
        return (page.replace(_CONNECTOR_SCRIPT.encode(), f'from "{self.script_path}"'.encode())
                    .replace(_CONNECTOR_STYLE.encode(), f'href="{self.style_path}"'.encode()))


def _names(spec: str, where: str) -> list[tuple[str, str]]:
    """``a, b as c`` -> [(a, a), (b, c)] (exported name, local name)."""
    out = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        bits = part.split()
        if len(bits) == 1:
            pair = (bits[0], bits[0])
        elif len(bits) == 3 and bits[1] == "as":
            pair = (bits[0], bits[2])
        else:
            raise Unbundlable(f"{where}: cannot read {part!r}")
        if not all(_NAME.match(n) for n in pair):
            raise Unbundlable(f"{where}: cannot read {part!r}")
        out.append(pair)
    return out


def bundle_scripts(root: Path, entry: str = "Widgets.js",
                   read: list[Path] | None = None) -> str:
    """One ES module that does what ``entry`` and everything it imports do.

    Raises :class:`Unbundlable` (or OSError) when the sources are not of the
    forms this supports.
    """
    root = root.resolve()
    order: list[str] = []           # module paths relative to root, evaluation order
    parsed: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
    visiting: set[str] = set()

    def visit(rel: str) -> None:
        if rel in parsed:
            return
        if rel in visiting:
            raise Unbundlable(f"import cycle through {rel}")
        visiting.add(rel)
        path = (root / rel).resolve()
        if not path.is_relative_to(root):
            raise Unbundlable(f"{rel} is outside the static directory")
        if read is not None:
            read.append(path)
        text = path.read_text(encoding="utf-8")
        bad = _UNSUPPORTED.search(text)
        if bad is None and "await" in text:
            bad = next(filter(None, map(_TOP_AWAIT.match, text.split("\n"))), None)
        if bad:
            raise Unbundlable(f"{rel}: unsupported: {bad.group(0)[:60]!r}")
        text = text.replace("import.meta.url",
                            f"new URL({json.dumps(rel)}, import.meta.url).href")
        exports: list[tuple[str, str]] = []
        body = text.split("\n")
        for i, line in enumerate(body):
            if not _IMPORT_EXPORT.match(line):
                continue
            m = _IMPORT.match(line)
            if m:
                dep = str(PurePosixPath(rel).parent / m.group(2))
                dep = str(PurePosixPath(*_normalize(PurePosixPath(dep).parts, rel)))
                visit(dep)
                binds = ", ".join(a if a == b else f"{a}: {b}"
                                  for a, b in _names(m.group(1), rel))
                body[i] = f"const {{{binds}}} = {_var(dep)};"
                continue
            m = _EXPORT.match(line)
            if m:
                exports += _names(m.group(1), rel)
                body[i] = ""         # keeps the line numbers of error messages close
                continue
            raise Unbundlable(f"{rel}: unsupported: {line.strip()[:60]!r}")
        visiting.discard(rel)
        parsed[rel] = (body, exports)
        order.append(rel)

    visit(entry)
    out = ["// pgwidgets-js, joined into one module by pgwidgets_core.bundle"]
    for rel in order:
        body, exports = parsed[rel]
        ret = ", ".join(f"{ext}: {loc}" for loc, ext in exports)
        out.append(f"// ---- {rel}")
        out.append(f"const {_var(rel)} = (() => {{")
        out.extend(body)
        out.append(f"return {{{ret}}};")
        out.append("})();")
    _, entry_exports = parsed[entry]
    names = ", ".join(ext for _, ext in entry_exports)
    out.append(f"const {{{names}}} = {_var(entry)};")
    out.append(f"export {{{names}}};")
    return "\n".join(out) + "\n"


def _normalize(parts: tuple[str, ...], where: str) -> list[str]:
    out: list[str] = []
    for p in parts:
        if p == "..":
            if not out:
                raise Unbundlable(f"{where}: import leaves the static directory")
            out.pop()
        elif p != ".":
            out.append(p)
    return out


def _var(rel: str) -> str:
    return "__pgw_" + re.sub(r"\W", "_", rel)


def bundle_styles(root: Path, entry: str = "Widgets.css",
                  read: list[Path] | None = None) -> str:
    """``entry`` with its ``@import`` lines replaced by the files they name.

    Only files in the same directory as ``entry`` or below, without ``url()`` or
    nested ``@import`` (their relative URLs would change meaning), are inlined.
    """
    root = root.resolve()
    out = []
    if read is not None:
        read.append(root / entry)
    for line in (root / entry).read_text(encoding="utf-8").split("\n"):
        m = _CSS_IMPORT.match(line.strip())
        if m is None:
            if _CSS_URL.search(line):
                raise Unbundlable(f"{entry}: unsupported: {line.strip()[:60]!r}")
            out.append(line)
            continue
        rel = m.group(1)
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or "://" in rel or rel.startswith("/"):
            raise Unbundlable(f"{entry}: cannot inline {rel!r}")
        if read is not None:
            read.append(path)
        text = path.read_text(encoding="utf-8")
        if _CSS_URL.search(text):
            raise Unbundlable(f"{rel}: has url() or @import")
        out.append(f"/* ---- {rel} */")
        out.append(text)
    return "\n".join(out) + "\n"


# (static dir, connector page) -> (files read with their (mtime, size), result):
# every Application of a process serving the same files shares one bundle.
_cache: dict[tuple[Path, bytes], tuple[list[tuple[Path, tuple[int, int]]], Bundle | None]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def build(root: Path, connector: bytes) -> Bundle | None:
    """The bundles for the static directory ``root``, or None when the connector
    page or the sources are not of the expected forms (then nothing changes).

    Built once per process for unchanged files (a few tens of ms)."""
    if _CONNECTOR_SCRIPT.encode() not in connector or _CONNECTOR_STYLE.encode() not in connector:
        return None
    key = (Path(root).resolve(), connector)
    hit = _cache.get(key)
    if hit is not None and all(_stamp(p) == stamp for p, stamp in hit[0]):
        return hit[1]
    read: list[Path] = []
    try:
        script = bundle_scripts(root, read=read).encode()
        style = bundle_styles(root, read=read).encode()
    except (Unbundlable, OSError, UnicodeDecodeError):
        result = None
    else:
        tag = hashlib.blake2b(script + b"\0" + style, digest_size=8).hexdigest()
        result = Bundle(script, style, f"/pgwidgets-bundle-{tag}.js",
                        f"/pgwidgets-bundle-{tag}.css")
    _cache[key] = ([(p, _stamp(p)) for p in read], result)
    return result
