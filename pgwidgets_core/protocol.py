"""The pgwidgets wire codec: outgoing messages, inbound validation, widget references.

Pure: no sockets, no asyncio. Outgoing messages are plain dicts turned into text by
:func:`encode`; inbound text is turned into typed events by :func:`parse_frame`,
which raises :class:`~pgwidgets_core.errors.ProtocolError` naming what is wrong.
"""

from __future__ import annotations

import json
import json.encoder
import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeGuard

from .errors import ProtocolError

__all__ = ["Ref", "MAX_SAFE_INT", "is_wid", "encode", "from_wire", "parse_frame", "Reply",
           "UNNUMBERED_OK", "CallbackEvent", "ViewportEvent", "UploadChunk", "Inbound", "Solo",
           "Many", "array_frame", "binary_frames", "BINARY_SINGLE", "BINARY_CHUNK"]


class Ref:
    """Anything sent as a widget reference ``{"__wid__": wid}``."""

    __slots__ = ()
    wid: int


def _default(obj: Any) -> Any:
    # Called by json for values it cannot encode itself.
    if isinstance(obj, Ref):
        return {"__wid__": obj.wid}
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    tolist = getattr(obj, "tolist", None)        # numpy arrays and scalars
    if callable(tolist):
        return tolist()
    item = getattr(obj, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"cannot send a {type(obj).__name__} to the browser: {obj!r:.80}")


def _finite(value: Any) -> Any:
    """A copy of ``value`` with NaN and infinities replaced by None (JSON has none)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, Ref) or type(value).__module__ == "builtins":
        return value
    return _finite(_default(value))


_encoder = json.JSONEncoder(default=_default, allow_nan=False, separators=(",", ":"),
                            ensure_ascii=False)
# The same encoder's C core, made once: JSONEncoder.encode makes it anew for every call,
# which costs as much as encoding a small message. Without the circular-reference
# check (shared state; _encoder names a cycle), so it is safe on any thread.
_c_make: Any = getattr(json.encoder, "c_make_encoder", None)     # None: no C accelerator
_c_encode = None if _c_make is None else _c_make(
    None, _default, json.encoder.encode_basestring, None, ":", ",", False, False, False)


def encode(msg: Any) -> str:
    """Serialize one message (or a list of them) as compact JSON text."""
    try:
        if _c_encode is not None:
            return "".join(_c_encode(msg, 0))
        return _encoder.encode(msg)
    except ValueError:                              # NaN / Infinity somewhere
        return _encoder.encode(_finite(msg))
    except RecursionError:                          # a cycle: _encoder names it
        return _encoder.encode(msg)


#: Largest integer a page can represent exactly (JavaScript's Number.MAX_SAFE_INTEGER).
MAX_SAFE_INT = 2**53 - 1


def is_wid(v: Any) -> TypeGuard[int]:
    """True for a value usable as a widget id (a positive JS-safe integer)."""
    return isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_SAFE_INT


def from_wire(value: Any, resolve: Callable[[int, str | None], Any]) -> Any:
    """Replace every inbound ``{"__wid__": N, "__class__": C}`` by ``resolve(N, C)``.

    ``C`` is passed only when it is a string. Raises ProtocolError for values
    nested too deeply to walk.
    """
    try:
        return _from_wire(value, resolve)
    except RecursionError:
        raise ProtocolError("value nested too deeply") from None


def _from_wire(value: Any, resolve: Callable[[int, str | None], Any]) -> Any:
    if isinstance(value, list):
        return [_from_wire(v, resolve) for v in value]
    if isinstance(value, dict):
        wid = value.get("__wid__")
        if is_wid(wid):
            cls = value.get("__class__")
            return resolve(wid, cls if isinstance(cls, str) else None)
        return {k: _from_wire(v, resolve) for k, v in value.items()}
    return value


# ---- inbound events ----------------------------------------------------------------

@dataclass(slots=True)
class Reply:
    """``result`` or ``error`` for request ``id``; ``id`` None: for the next message
    sent without an id (a batch's calls, see :mod:`~pgwidgets_core.batching`)."""
    id: int | None
    ok: bool
    value: Any = None
    error: str | None = None
    wid: int | None = None
    next_wid: int | None = None
    session_id: Any = None
    token: str | None = None
    has_value: bool = False


@dataclass(slots=True)
class CallbackEvent:
    wid: int
    action: str
    args: list[Any]


@dataclass(slots=True)
class ViewportEvent:
    width: int
    height: int


@dataclass(slots=True)
class UploadChunk:
    """Header of one uploaded file chunk; its bytes follow as a binary frame."""
    wid: int
    transfer_id: int
    file_index: int
    file_count: int
    chunk_index: int
    num_chunks: int


#: ``{"type":"result"}``: the next unnumbered message went well (shared: immutable use).
UNNUMBERED_OK = Reply(None, True)

Inbound = Reply | CallbackEvent | ViewportEvent | UploadChunk | None


def _int(msg: dict[str, Any], key: str, *, optional: bool = False) -> int | None:
    v = msg.get(key)
    if v is None and optional:
        return None
    if not isinstance(v, int) or isinstance(v, bool) or not -MAX_SAFE_INT <= v <= MAX_SAFE_INT:
        raise ProtocolError(f"{msg.get('type')!r} message needs an integer {key!r}, "
                            f"got {v!r:.40}")
    return v


def _parse_one(msg: Any) -> Inbound:
    if msg is None:                 # an array reply holds null for no-reply entries
        return None
    # the common answers: {"type":"result","id":N}, and {"type":"result"} in a batch
    if type(msg) is dict and len(msg) <= 2 and msg.get("type") == "result":
        if len(msg) == 1:
            return UNNUMBERED_OK
        rid = msg.get("id")
        if type(rid) is int and -MAX_SAFE_INT <= rid <= MAX_SAFE_INT:
            return Reply(rid, True)
    if not isinstance(msg, dict):
        raise ProtocolError(f"expected a JSON object, got {type(msg).__name__}")
    kind = msg.get("type")
    if kind == "result" or kind == "error":
        rid = _int(msg, "id", optional=True)
        if kind == "error":
            err = msg.get("error")
            return Reply(rid, False, error=err if isinstance(err, str) else repr(err))
        sid = msg.get("session_id")
        token = msg.get("token")
        if sid is not None and not isinstance(sid, (int, str)) or isinstance(sid, bool):
            raise ProtocolError(f"session_id must be an integer or a string, got {sid!r:.40}")
        if token is not None and not isinstance(token, str):
            raise ProtocolError("token must be a string")
        return Reply(rid, True, value=msg.get("value"), has_value="value" in msg,
                     wid=_int(msg, "wid", optional=True),
                     next_wid=_int(msg, "next_wid", optional=True),
                     session_id=sid, token=token)
    if kind == "callback":
        wid = _int(msg, "wid")
        action = msg.get("action")
        if not isinstance(action, str) or not action:
            raise ProtocolError("callback message needs a non-empty string 'action'")
        args = msg.get("args", [])
        if not isinstance(args, list):
            raise ProtocolError("callback 'args' must be an array")
        assert wid is not None
        return CallbackEvent(wid, action, args)
    if kind == "viewport":
        w, h = msg.get("width"), msg.get("height")
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                   and math.isfinite(v) and 0 <= v <= MAX_SAFE_INT for v in (w, h)):
            raise ProtocolError("viewport needs numeric 'width' and 'height'")
        return ViewportEvent(int(w), int(h))                 # type: ignore[arg-type]
    if kind == "binary-chunk":
        vals = [_int(msg, k) for k in ("wid", "transfer_id", "file_index", "file_count",
                                       "chunk_index", "num_chunks")]
        if msg.get("encoding", "binary") != "binary":
            raise ProtocolError("upload chunks must use encoding 'binary'")
        return UploadChunk(*vals)            # type: ignore[arg-type]
    raise ProtocolError(f"unknown message type {kind!r:.40}")


def parse_frame(text: str | bytes) -> list[Inbound]:
    """Decode one text frame into events; an array frame gives several.

    Raises ProtocolError for invalid JSON or a message that breaks the schema. In an
    array, one bad entry does not hide the others: bad entries are returned as
    ProtocolError instances in place, so the caller can report each.
    """
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError("JSON nested too deeply") from None
    if isinstance(data, list):
        out: list[Any] = []
        for m in data:
            try:
                out.append(_parse_one(m))
            except ProtocolError as exc:
                out.append(exc)
        return out
    return [_parse_one(data)]


# ---- outgoing messages --------------------------------------------------------------

def init() -> dict[str, Any]:
    return {"type": "init", "id": 0}


def session_info(session_id: Any, token: str) -> dict[str, Any]:
    return {"type": "session-info", "session_id": session_id, "token": token}


def create(wid: int, cls: str, args: Sequence[Any]) -> dict[str, Any]:
    return {"type": "create", "wid": wid, "class": cls, "args": args}


def call(wid: int, method: str, args: list[Any], silent: bool = False) -> dict[str, Any]:
    msg = {"type": "call", "wid": wid, "method": method, "args": args}
    if silent:
        msg["silent"] = True
    return msg


def listen(wid: int, action: str) -> dict[str, Any]:
    return {"type": "listen", "wid": wid, "action": action}


def unlisten(wid: int, action: str) -> dict[str, Any]:
    return {"type": "unlisten", "wid": wid, "action": action}


def reconstruct_start(next_wid: int) -> dict[str, Any]:
    return {"type": "reconstruct-start", "next_wid": next_wid}


def reconstruct_end() -> dict[str, Any]:
    return {"type": "reconstruct-end"}


def open_url(url: str) -> dict[str, Any]:
    return {"type": "open-url", "url": url}


def register_font(font_id: int, family: str, weight: str, style: str,
                  url: str) -> dict[str, Any]:
    """The page loads the face at ``url`` (resolved against the page) as ``family``."""
    return {"type": "register-font", "id": font_id, "family": family, "weight": weight,
            "style": style, "url": url}


def set_default_font(font: dict[str, Any] | None) -> dict[str, Any]:
    """``{family, size, weight, style}`` for every widget without a font of its own;
    None clears it."""
    return {"type": "set-default-font", "font": font}


def flush() -> dict[str, Any]:
    """A marker the page answers at once (with "Unknown message type"): its reply comes
    after the replies to everything sent before it."""
    return {"type": "flush"}


# ---- frames ------------------------------------------------------------------------

class Solo(str):
    """An encoded message that must travel in a frame of its own (binary-transfer
    headers: the page pairs them with the binary frame that follows)."""

    __slots__ = ()


class Many(str):
    """Several encoded messages as one encoded array (a batch): they travel in one
    frame, which the messages queued right after may join (a ``flush()`` marker then
    runs in the same page task as the batch, before the page renders)."""

    __slots__ = ()


def array_frame(texts: list[str]) -> str:
    """Several encoded messages as one array frame (the page answers with one array
    of replies, in order)."""
    return "[" + ",".join(texts) + "]"


#: Binary payloads up to this size go in one frame, larger ones in announced chunks.
BINARY_SINGLE = 2**20
BINARY_CHUNK = 512 * 1024


def binary_frames(rid: int, wid: int, method: str, args: list[Any], data: bytes, *,
                  shape: Any = None, dtype: str | None = None) -> list[Solo | bytes]:
    """The frames that call ``method(data, *args)`` in a page: a ``binary-call`` header
    and one binary frame, or (above :data:`BINARY_SINGLE`, or with a ``dtype``) a
    ``binary-call-chunked`` announce and a header + frame per 512 KiB chunk. ``rid``
    is the message id, also used as the transfer id."""
    if len(data) <= BINARY_SINGLE and dtype is None:
        return [Solo(encode({"type": "binary-call", "id": rid, "wid": wid, "method": method,
                             "args": args})), bytes(data)]
    n = max(1, -(-len(data) // BINARY_CHUNK))
    announce: dict[str, Any] = {"type": "binary-call-chunked", "id": rid, "wid": wid,
                                "method": method, "args": args, "transfer_id": rid,
                                "num_chunks": n}
    if dtype is not None:
        announce["dtype"] = dtype
        if shape is not None:
            announce["shape"] = list(shape)
    frames: list[Solo | bytes] = [Solo(encode(announce))]
    for i in range(n):
        frames.append(Solo(encode({"type": "binary-chunk", "transfer_id": rid,
                                   "chunk_index": i, "num_chunks": n, "encoding": "binary"})))
        frames.append(bytes(data[i * BINARY_CHUNK:(i + 1) * BINARY_CHUNK]))
    return frames
