"""The TextSource model: text, tag definitions and tagged ranges, and its refs' offsets.

Pure. ``set_text`` in the page is destructive (it drops tags and invalidates refs), so a
rebuild cannot replay calls one by one; Python keeps the result instead and rebuilds it
in one go: the text as the constructor argument, ``create_tag`` per definition,
``_restoreTagIntervals``, and each TextBufferRef created at its current offset. Edits
made in the page arrive as a new text (pulled after ``changed``); the difference is
applied here with the page's own rules for moving tags and refs.

Refs the page makes and hands back (``get_ref_line_start(1)``, ``create_ref(5)``,
``ref.copy()``...) are placed by the same rules the page uses: their offset is
computed from the model when the answer arrives (the page answers after every call
made before the query, so the model shows the page's text), and they become refs
like the program's own, moved by edits and created again by a rebuild.
"""

from __future__ import annotations

from typing import Any, cast

from .state import Record, Tree

__all__ = ["answered", "icon_refs", "model", "on_call", "on_text", "replay"]


class TextModel:
    __slots__ = ("text", "defs", "tags", "icons")

    def __init__(self, text: str) -> None:
        self.text = text
        self.defs: dict[str, Any] = {}
        self.tags: list[list[Any]] = []      # [name, start, end]
        self.icons: dict[int, tuple[Record, Any]] = {}   # ref wid -> (ref, icon url)


def model(rec: Record) -> TextModel:
    m = rec.recorded("_textmodel")
    if m is None:
        text = rec.read("text")
        rec.put("_textmodel", m := (TextModel(text if isinstance(text, str) else ""),))
    return cast(TextModel, m[0])


def _refs(tree: Tree, rec: Record) -> list[Record]:
    return [r for r in tree.records.values() if r.defn.name == "TextBufferRef"
            and r.create_args and getattr(r.create_args[0], "wid", None) == rec.wid]


def _offset(tree: Tree, ref: Any) -> int | None:
    r = tree.lookup(ref)
    if r is None:
        return None
    v = r.read("offset")
    return v if isinstance(v, int) else None


def _set_ref(r: Record, offset: int) -> None:
    r.write("offset", (offset,))
    if len(r.create_args) > 1:
        r.own_args()[1] = offset


def _replace(tree: Tree, rec: Record, start: int, end: int, new: str) -> None:
    """The page's ``_replaceRange`` rules for tags and refs."""
    m = model(rec)
    m.text = m.text[:start] + new + m.text[end:]
    n = end - start
    if n:
        kept = []
        for name, s, e in m.tags:
            if e <= start:
                kept.append([name, s, e])
            elif s >= end:
                kept.append([name, s - n, e - n])
            else:
                ns, ne = min(s, start), (e - n if e > end else start)
                if ne > ns:
                    kept.append([name, ns, ne])
        m.tags = kept
        for r in _refs(tree, rec):
            o = r.read("offset") or 0
            if o > start:
                _set_ref(r, o - n if o >= end else start)
    if new:
        k = len(new)
        for t in m.tags:
            if t[1] >= start:
                t[1] += k
            if t[2] > start or (t[2] == start and t[1] == t[2]):
                t[2] += k
        for r in _refs(tree, rec):
            o = r.read("offset") or 0
            if o > start or (o == start and r.read("gravity") != "left"):
                _set_ref(r, o + k)


def on_text(tree: Tree, rec: Record, new: str) -> None:
    """The page now shows ``new``: fold the edit into the model (as one replaced range:
    the common prefix and suffix stay)."""
    old = model(rec).text
    if new == old:
        return
    p = 0
    limit = min(len(old), len(new))
    while p < limit and old[p] == new[p]:
        p += 1
    q = 0
    while q < limit - p and old[len(old) - 1 - q] == new[len(new) - 1 - q]:
        q += 1
    _replace(tree, rec, p, len(old) - q, new[p:len(new) - q])
    _sync_ctor(rec)


def _sync_ctor(rec: Record) -> None:
    m = model(rec)
    if rec.create_args:
        rec.own_args()[0] = m.text
    else:
        rec.own_args().append(m.text)


def on_call(tree: Tree, rec: Record, method: str, args: list[Any]) -> None:
    """A call the program made on the TextSource."""
    m = model(rec)
    if method in ("set_text", "clear"):
        m.text = str(args[0]) if method == "set_text" and args and args[0] is not None else ""
        m.tags = []
        m.icons = {}                               # the page drops them with its refs
        rec.put("_clean_text", (m.text,))     # a new text is unmodified (get_modified)
        for r in _refs(tree, rec):
            _set_ref(r, 0)
    elif method == "create_tag" and args:
        m.defs.pop(args[0], None)
        m.defs[args[0]] = args[1] if len(args) > 1 else {}
    elif method == "remove_tag_def" and args:
        m.defs.pop(args[0], None)
        m.tags = [t for t in m.tags if t[0] != args[0]]
    elif method in ("apply_tag", "remove_tag") and len(args) >= 3:
        s, e = _offset(tree, args[1]), _offset(tree, args[2])
        if s is None or e is None:
            return
        s, e = min(s, e), max(s, e)
        if method == "apply_tag" and s < e and args[0] in m.defs:
            m.tags.append([args[0], s, e])
        elif method == "remove_tag":
            clipped = []
            for name, ts, te in m.tags:
                if name != args[0] or te <= s or ts >= e:
                    clipped.append([name, ts, te])
                    continue
                if ts < s:
                    clipped.append([name, ts, s])
                if te > e:
                    clipped.append([name, e, te])
            m.tags = clipped
    elif method == "set_icon" and args:
        ref = tree.lookup(args[0])
        if ref is not None:
            url = args[1] if len(args) > 1 else None
            if url is None:
                m.icons.pop(ref.wid, None)
            else:
                m.icons[ref.wid] = (ref, url)
    elif method == "insert_text" and len(args) >= 2:
        at = _offset(tree, args[0])
        if at is not None:
            _replace(tree, rec, at, at, str(args[1]))
            for name in (args[2] if len(args) > 2 and args[2] else []):
                m.tags.append([name, at, at + len(str(args[1]))])
    elif method == "delete_range" and len(args) >= 2:
        s, e = _offset(tree, args[0]), _offset(tree, args[1])
        if s is not None and e is not None:
            _replace(tree, rec, min(s, e), max(s, e), "")
    _sync_ctor(rec)


def _line_start(text: str, lineno: Any) -> int:
    """TextSource.js ``_offsetOfLineStart``: past the last line the end, below 0 zero."""
    if not isinstance(lineno, int) or lineno <= 0:
        return 0
    off = 0
    for _ in range(lineno):
        nl = text.find("\n", off)
        if nl < 0:
            return len(text)
        off = nl + 1
    return off


def _line_end(text: str, lineno: Any) -> int:
    nl = text.find("\n", _line_start(text, lineno))
    return len(text) if nl < 0 else nl


def _clamp(text: str, offset: Any) -> int | None:
    if not isinstance(offset, int) or isinstance(offset, bool):
        return None
    return min(max(offset, 0), len(text))


def _arg(args: list[Any], i: int, default: Any = None) -> Any:
    return args[i] if len(args) > i else default


def _made(text: str, method: str, args: list[Any]) -> list[tuple[int | None, Any]] | None:
    """Where the refs a TextSource query answers with are, as (offset, gravity), in the
    order of the answer; None for a query whose refs only the page can place."""
    if method == "get_ref_start":
        return [(0, "right")]
    if method == "get_ref_end":
        return [(len(text), "right")]
    if method == "get_ref_bounds":
        return [(0, "right"), (len(text), "right")]
    if method == "get_ref_line_start":
        return [(_line_start(text, _arg(args, 0)), "right")]
    if method == "get_ref_line_end":
        return [(_line_end(text, _arg(args, 0)), "right")]
    if method == "create_ref":
        return [(_clamp(text, _arg(args, 0)), _arg(args, 1, "right"))]
    if method == "create_named_ref":
        return [(_clamp(text, _arg(args, 1)), _arg(args, 2, "right"))]
    return None


def answered(tree: Tree, rec: Record, method: str, args: list[Any], value: Any) -> None:
    """The page answered ``rec.method(*args)`` with ``value`` (decoded): the refs it
    made get their buffer, offset and gravity, and are kept for rebuilds."""
    buf: Record | None
    if rec.defn.name == "TextSource":
        buf, made = rec, _made(model(rec).text, method, args)
    elif rec.defn.name == "TextBufferRef" and method == "copy" and rec.create_args:
        buf = tree.lookup(rec.create_args[0])
        made = [(_offset(tree, rec.obj), rec.read("gravity") or "right")]
    else:
        return
    refs = value if isinstance(value, list) else [value]
    if buf is None or made is None or len(refs) != len(made):
        return
    for obj, (offset, gravity) in zip(refs, made):
        r = tree.lookup(obj)
        if r is None or r.defn.name != "TextBufferRef" or r.create_args or offset is None:
            continue                   # not a page-made ref, or one placed already
        if gravity not in ("left", "right"):
            gravity = "right"
        r.own_args()[:] = [buf.obj, offset, gravity]
        r.seed(buffer=buf.obj, gravity=gravity)
        _set_ref(r, offset)
        tree.add(r)                    # created again by a rebuild, like the program's


def icon_refs(rec: Record) -> list[Any]:
    """The TextBufferRefs that carry a gutter icon (``set_icon(ref, url)``)."""
    m = rec.recorded("_textmodel")
    return [r.obj for r, _ in m[0].icons.values() if not r.destroyed] if m else []


def replay(rec: Record) -> list[tuple[str, list[Any]]]:
    """Tag definitions, tagged ranges and icons (the text rides in the create message;
    the refs are created before any of these run)."""
    m = rec.recorded("_textmodel")
    if m is None:
        return []
    m = m[0]
    calls = [("create_tag", [name, attrs]) for name, attrs in m.defs.items()]
    if m.tags:
        calls.append(("_restoreTagIntervals",
                      [[{"name": n, "start": s, "end": e} for n, s, e in m.tags]]))
    calls += [("set_icon", [r.obj, url]) for r, url in m.icons.values() if not r.destroyed]
    return calls
