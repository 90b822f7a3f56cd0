"""HTTP/1.1 messages for the built-in static server, without any I/O.

Parsing a request head, mapping a path into the static directory, ETags,
content types and response heads: everything here is a pure function of its
arguments, so it is unit-tested without sockets.  ``http.py`` does the reading
and writing.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["HTTPError", "Request", "Response", "content_etag", "content_type_for",
           "error_response", "etag_matches", "parse_head", "parse_header_line",
           "resolve_static", "response_head", "MAX_HEAD_BYTES", "MAX_HEADER_LINES"]

MAX_HEAD_BYTES = 16 * 1024  # request line + headers
MAX_HEADER_LINES = 100

REASONS = {
    200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
    405: "Method Not Allowed", 431: "Request Header Fields Too Large",
    500: "Internal Server Error", 505: "HTTP Version Not Supported",
}
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_TARGET = re.compile(rb"[\x21-\x7e]+")  # visible ASCII only
_VERSION = re.compile(rb"HTTP/(\d)\.(\d)")
# Rejected in a decoded path: control chars, backslash (a separator on
# Windows), ':' (drive/ADS syntax on Windows) and '%' (double encoding).
_BAD_PATH_CHARS = re.compile(r"[\x00-\x1f\x7f\\%:]")

HTML = "text/html; charset=utf-8"
_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": HTML,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".ico": "image/x-icon",
}


def content_type_for(path: Path, default: str = "application/octet-stream") -> str:
    """Return the Content-Type for *path*, judged by its suffix only.

    A fixed table comes first because ``mimetypes`` depends on the host's
    configuration (e.g. old Windows registries map .js to text/plain, which
    browsers refuse for ES modules under ``nosniff``).
    """
    suffix = path.suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or default


class HTTPError(Exception):
    """A client error detected while reading a request; the connection closes."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(slots=True)
class Request:
    method: str
    path: str  # raw (still percent-encoded) path, without the query
    host: str | None
    version: tuple[int, int]
    headers: dict[str, list[str]]
    has_body: bool

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return ", ".join(values) if values else None

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for t in (self.header("connection") or "").split(",")}
        if "close" in tokens:
            return False
        return self.version >= (1, 1) or "keep-alive" in tokens


def content_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    # If-None-Match uses weak comparison (RFC 9110 13.1.2), so W/ is ignored.
    if if_none_match is None:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


Response = tuple[int, list[tuple[str, str]], bytes, str | None]  # status, headers, body, etag



def parse_header_line(raw: bytes, headers: dict[str, list[str]]) -> bool:
    """Add one header line (CRLF still on) to *headers*; False at the blank end line.

    Raises HTTPError for a line that no conforming client sends.
    """
    if not raw.endswith(b"\n"):
        raise HTTPError(400, "incomplete request head")
    raw = raw.rstrip(b"\r\n")
    if not raw:
        return False
    if raw[:1] in (b" ", b"\t"):
        raise HTTPError(400, "obsolete header folding")
    name, sep, value = raw.partition(b":")
    if not sep or not _TOKEN.fullmatch(name):
        raise HTTPError(400, "malformed header line")
    headers.setdefault(name.decode("ascii").lower(), []).append(
        value.strip(b" \t").decode("latin-1"))
    return True


def parse_head(line: bytes, headers: dict[str, list[str]]) -> Request:
    parts = line.rstrip(b"\r\n").split(b" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not _TARGET.fullmatch(parts[1]):
        raise HTTPError(400, "malformed request line")
    method, target_b, version_b = parts
    match = _VERSION.fullmatch(version_b)
    if match is None:
        raise HTTPError(400, "malformed HTTP version")
    if match.group(1) != b"1":
        raise HTTPError(505, "unsupported HTTP version")
    target = target_b.decode("ascii")
    hosts = headers.get("host", [])
    if len(hosts) > 1:
        raise HTTPError(400, "duplicate Host header")
    host = hosts[0] if hosts else None
    if target.startswith("/"):
        # Not urlsplit: it would read "//etc/passwd" as a netloc.
        path = target.split("?", 1)[0].split("#", 1)[0]
    elif "://" in target:  # absolute-form; its authority overrides Host
        split = urlsplit(target)
        if split.scheme.lower() not in ("http", "https") or not split.netloc:
            raise HTTPError(400, "bad absolute-form target")
        path, host = split.path or "/", split.netloc
    elif target == "*":
        path = "*"
    else:
        raise HTTPError(400, "bad request target")
    lengths = {v.strip() for v in headers.get("content-length", [])}
    if any(not v.isdigit() for v in lengths) or len(lengths) > 1:
        raise HTTPError(400, "bad Content-Length")
    has_body = "transfer-encoding" in headers or any(int(v) > 0 for v in lengths)
    return Request(method.decode("ascii"), path, host,
                    (int(match.group(1)), int(match.group(2))), headers, has_body)


def resolve_static(root: Path, raw_path: str) -> Path | None:
    """Map a request path to a file inside the static dir, or None."""
    path = unquote(raw_path)  # exactly once; a leftover '%' is rejected
    if _BAD_PATH_CHARS.search(path) or not path.startswith("/") or path.endswith("/"):
        return None
    segments = path[1:].split("/")
    # Empty segments ("//"), "." / ".." and dotfiles are never served.
    if any(not seg or seg.startswith(".") for seg in segments):
        return None
    try:
        candidate = root.joinpath(*segments).resolve()
    except (OSError, RuntimeError, ValueError):  # symlink loops etc.
        return None
    # resolve() follows symlinks, so a link pointing outside fails here.
    if candidate == root or not candidate.is_relative_to(root):
        return None
    return candidate


def error_response(status: int, *extra: tuple[str, str]) -> Response:
    body = f"{status} {REASONS[status]}\n".encode()
    return status, [("Content-Type", "text/plain; charset=utf-8"), *extra], body, None


def response_head(status: int, headers: list[tuple[str, str]], *, keep: bool,
                  length: int) -> bytes:
    """The status line and headers of a response (*length* is the body's)."""
    lines = [f"HTTP/1.1 {status} {REASONS[status]}",
             f"Date: {email.utils.formatdate(usegmt=True)}", *(f"{k}: {v}" for k, v in headers),
             "X-Content-Type-Options: nosniff",
             f"Connection: {'keep-alive' if keep else 'close'}"]
    if status != 304:  # a 304 never has a body; omit the length entirely
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
