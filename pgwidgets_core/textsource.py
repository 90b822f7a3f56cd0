"""The TextSource model: text, tag definitions and tagged ranges, and its refs' offsets.

Pure. ``set_text`` in the page is destructive (it drops tags and invalidates refs), so a
rebuild cannot replay calls one by one; Python keeps the result instead and rebuilds it
in one go: the text as the constructor argument, ``create_tag`` per definition,
``_restoreTagIntervals``, and each TextBufferRef created at its current offset. Edits
made in the page arrive as a new text (pulled after ``changed``); the difference is
applied here with the page's own rules for moving tags and refs.
"""

from __future__ import annotations

from typing import Any, cast

from .state import Record, Tree

__all__ = ["icon_refs", "model", "on_call", "on_text", "replay"]


class TextModel:
    __slots__ = ("text", "defs", "tags", "icons")

    def __init__(self, text: str) -> None:
        self.text = text
        self.defs: dict[str, Any] = {}
        self.tags: list[list[Any]] = []      # [name, start, end]
        self.icons: dict[int, tuple[Record, Any]] = {}   # ref wid -> (ref, icon url)


def model(rec: Record) -> TextModel:
    m = rec.state.get("_textmodel")
    if m is None:
        text = rec.read("text")
        rec.state["_textmodel"] = m = (TextModel(text if isinstance(text, str) else ""),)
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
        r.create_args[1] = offset


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
        rec.create_args[0] = m.text
    else:
        rec.create_args.append(m.text)


def on_call(tree: Tree, rec: Record, method: str, args: list[Any]) -> None:
    """A call the program made on the TextSource."""
    m = model(rec)
    if method in ("set_text", "clear"):
        m.text = str(args[0]) if method == "set_text" and args and args[0] is not None else ""
        m.tags = []
        m.icons = {}                               # the page drops them with its refs
        rec.state["_clean_text"] = (m.text,)     # a new text is unmodified (get_modified)
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


def icon_refs(rec: Record) -> list[Any]:
    """The TextBufferRefs that carry a gutter icon (``set_icon(ref, url)``)."""
    m = rec.state.get("_textmodel")
    return [r.obj for r, _ in m[0].icons.values() if not r.destroyed] if m else []


def replay(rec: Record) -> list[tuple[str, list[Any]]]:
    """Tag definitions, tagged ranges and icons (the text rides in the create message;
    the refs are created before any of these run)."""
    m = rec.state.get("_textmodel")
    if m is None:
        return []
    m = m[0]
    calls = [("create_tag", [name, attrs]) for name, attrs in m.defs.items()]
    if m.tags:
        calls.append(("_restoreTagIntervals",
                      [[{"name": n, "start": s, "end": e} for n, s, e in m.tags]]))
    calls += [("set_icon", [r.obj, url]) for r, url in m.icons.values() if not r.destroyed]
    return calls
