"""Hypothesis strategies for what a hostile or broken page may send (PROTOCOL.md §3.3).

A *step* is a short list of frames sent back to back: usually one text frame, or a
``binary-chunk`` header and its binary frame, or an upload callback followed by
its chunks. Frames are :class:`Frame` specs; big ones (deep nesting close to the frame
limit) are described, not built, and only materialised when sent.

How the frames are drawn: :func:`generate` runs a ``@given`` function in-process, in
a worker thread, with ``settings(max_examples=N, database=None, deadline=None,
phases=[generate])`` and a fixed ``@seed``, and collects the steps into a list; the
list is then sent to the live server by the asyncio scenario. Reasons: Hypothesis'
engine (boundary values, mutation of earlier examples) without its shrinker, which
would need the server to be a pure function; a reproducible frame list (same seed,
same frames: a finding can be replayed); no ``strategy.example()`` (meant for the
REPL, warns, and is slow); and Hypothesis never runs inside the event loop.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

__all__ = ["Frame", "step_kinds", "edge_cases", "generate", "materialise", "describe", "MIX"]


@dataclass(frozen=True)
class Frame:
    """One WebSocket frame to send.

    ``kind``: ``text`` (``data`` is a str), ``binary`` (bytes), ``text-bytes`` (bytes
    sent as a *text* frame: invalid UTF-8 there must close the connection, RFC 6455),
    or ``nest`` (``data`` = (depth, opener, wid): ``depth`` brackets built on demand,
    as the ``args`` of a callback to ``wid`` unless it is None).
    ``label`` says which strategy made it (for the statistics).
    """

    kind: str
    data: Any
    label: str


# ---- values ---------------------------------------------------------------------------

HUGE_INTS = st.sampled_from([2**31, 2**53 + 1, 2**63, 2**64 + 7, -(2**63), 10**30, 10**300])
IDS = st.one_of(st.integers(0, 50), st.integers(-3, 3), st.integers(50, 20_000), HUGE_INTS,
                st.just(True), st.floats(allow_nan=True), st.text(max_size=5), st.none())
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), HUGE_INTS, FLOATS,
                    st.text(max_size=30))


def _ref(wids: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    """``{"__wid__": N, "__class__": C}`` with known, unknown and odd ids and classes."""
    wid = st.one_of(st.sampled_from(wids), st.integers(-5, 5_000), HUGE_INTS,
                    st.floats(allow_nan=True), st.text(max_size=4))
    cls = st.one_of(st.sampled_from(["Label", "Button", "MDISubWindow", "VBox", "Widget"]),
                    st.text(max_size=12), st.none(), st.integers())
    return st.one_of(st.fixed_dictionaries({"__wid__": wid}),
                     st.fixed_dictionaries({"__wid__": wid, "__class__": cls}))


#: Keys the library looks for in callback arguments (geometry boxes, uploads, refs).
KEYS = ["width", "height", "x", "y", "transfer_id", "files", "size", "name", "data",
        "__wid__", "__class__", "value", "text", "index"]


def json_values(wids: list[int]) -> st.SearchStrategy[Any]:
    """Any JSON value, with widget references mixed in at every level and object keys
    often among those the library reads (:data:`KEYS`)."""
    keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8))
    return st.recursive(
        st.one_of(SCALARS, _ref(wids)),
        lambda inner: st.one_of(st.lists(inner, max_size=5),
                                st.dictionaries(keys, inner, max_size=5)),
        max_leaves=20)


# ---- messages (PROTOCOL.md §3.3) -------------------------------------------------------

ACTIONS = ["activated", "click", "resize", "move", "map", "page-close", "page-switch",
           "changed", "drop-end", "drop-start", "drop-progress", "progress", "sizing",
           "toggled", "scrolled", "window-state", "modified", "close", "expired",
           "child-added", "pick"]


def _maybe(base: dict[str, Any], optional: dict[str, st.SearchStrategy[Any]]
           ) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(base, optional=optional)


def messages(wids: list[int]) -> st.SearchStrategy[Any]:
    """One inbound message over the schema: mostly well-formed, often subtly not."""
    values = json_values(wids)
    wid = st.one_of(st.sampled_from(wids), st.sampled_from(wids), st.integers(-3, 3_000),
                    HUGE_INTS, SCALARS)
    action = st.one_of(st.sampled_from(ACTIONS), st.sampled_from(ACTIONS), st.text(max_size=10),
                       SCALARS)
    result = _maybe({"type": st.just("result"), "id": IDS},
                    {"value": values, "wid": IDS, "next_wid": IDS, "session_id": SCALARS,
                     "token": SCALARS})
    error = _maybe({"type": st.just("error"), "id": IDS}, {"error": values})
    callback = _maybe({"type": st.just("callback"), "wid": wid, "action": action},
                      {"args": st.one_of(st.lists(values, max_size=4), values)})
    viewport = _maybe({"type": st.just("viewport")},
                      {"width": st.one_of(st.integers(0, 5000), FLOATS, SCALARS, HUGE_INTS),
                       "height": st.one_of(st.integers(0, 5000), FLOATS, SCALARS)})
    chunk = _maybe({"type": st.just("binary-chunk")},
                   {k: IDS for k in ("wid", "transfer_id", "file_index", "file_count",
                                     "chunk_index", "num_chunks")}
                   | {"encoding": st.sampled_from(["binary", "base64", "", "utf-8"]),
                      "data": st.text(max_size=20)})
    other = st.one_of(st.fixed_dictionaries({"type": SCALARS}), st.dictionaries(
        st.text(max_size=6), values, max_size=4), st.none(), SCALARS,
        st.lists(values, max_size=3))
    one = st.one_of(callback, callback, result, error, viewport, chunk, other)
    return st.one_of(one, one, one, st.lists(st.one_of(one, st.none()), max_size=6))


def upload_payloads(wids: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    """The first callback argument of an upload (PROTOCOL.md §8.2), sizes included."""
    size = st.one_of(st.integers(0, 2**21), st.integers(-5, 5), FLOATS, HUGE_INTS,
                     st.text(max_size=5), st.none(), st.lists(st.integers(), max_size=2))
    file = st.one_of(st.fixed_dictionaries({"name": st.text(max_size=8), "size": size,
                                            "type": st.text(max_size=8),
                                            "encoding": st.just("bytes")}),
                     SCALARS)
    return st.fixed_dictionaries({"transfer_id": st.one_of(st.integers(1, 4), IDS),
                                  "files": st.lists(file, max_size=3)},
                                 optional={"x": st.integers(), "y": st.integers()})


# ---- frames and steps -----------------------------------------------------------------

def _text(label: str, data: str) -> Frame:
    return Frame("text", data, label)


def _dump(obj: Any) -> str:
    return json.dumps(obj, allow_nan=True)         # NaN / Infinity: Python accepts them


def garbage(wids: list[int]) -> st.SearchStrategy[Frame]:
    """Raw frames that are not (valid) messages."""
    broken_json = st.one_of(
        st.text(max_size=60),
        st.sampled_from(['{"type":"callback"', '{"type":', "[", "]", "{}}", '"\\ud800"',
                         "nul\x00l", "{'type': 'result'}", "tru", "-", "1e", "[1,]",
                         '{"id":1,"id":2,"type":"result"}']))
    huge = st.sampled_from(["1" * 4300, "1" * 4301, "-" + "9" * 5000, "1e999", "-1e999",
                            "1e-999", "0." + "0" * 5000 + "1", "Infinity", "NaN",
                            '{"type":"result","id":' + "7" * 4400 + "}",
                            '{"type":"viewport","width":1e999,"height":1}',
                            '{"type":"viewport","width":NaN,"height":NaN}'])
    # deep nesting: depths around the JSON decoder's recursion limit and far past it
    # (frames close to the 16 MiB limit are added by the scenario, not drawn here)
    depth = st.sampled_from([50, 500, 900, 990, 1000, 1100, 5_000, 50_000, 400_000])
    opener = st.sampled_from(["[", '{"a":'])
    nest = st.builds(lambda d, o, w: Frame("nest", (d, o, w), "garbage:nest"),
                     depth, opener, st.one_of(st.none(), st.sampled_from(wids)))
    return st.one_of(
        st.builds(lambda s: _text("garbage:json", s), broken_json),
        st.builds(lambda s: _text("garbage:huge-number", s), huge),
        nest,
        st.builds(lambda b: Frame("binary", b, "garbage:binary"), st.binary(max_size=300)),
        st.builds(lambda b: Frame("binary", b, "garbage:binary-invalid-utf8"),
                  st.sampled_from([b"\xff\xfe\xfd", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"])),
        st.just(Frame("text", "null", "garbage:null")),
        st.just(Frame("text", "", "garbage:empty")),
    )


def targeted_callbacks(targets: dict[int, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    """Callbacks that reach a handler: a real widget, one of its class's actions, and
    arguments of any shape (the library folds some of them into the widget's state)."""
    wids = sorted(targets)
    values = json_values(wids)
    pairs = st.sampled_from([(w, a) for w in wids for a in targets[w]])
    return st.builds(lambda wa, args: {"type": "callback", "wid": wa[0], "action": wa[1],
                                       "args": args},
                     pairs, st.lists(values, max_size=3))


def step_kinds(targets: dict[int, list[str]]) -> dict[str, st.SearchStrategy[list[Frame]]]:
    """The kinds of step, each a strategy: a message (or array of messages), a callback
    to a real widget, garbage, a chunk header followed by a binary frame, an upload
    (callback + chunks). ``targets``: wid -> the callback actions of its class."""
    wids = sorted(targets)
    header = _maybe({"type": st.just("binary-chunk")},
                    {k: st.one_of(st.integers(0, 4), IDS) for k in
                     ("wid", "transfer_id", "file_index", "file_count", "chunk_index",
                      "num_chunks")})
    return {
        "message": st.builds(lambda m: [_text("message", _dump(m))], messages(wids)),
        "callback": st.builds(lambda m: [_text("callback", _dump(m))],
                              targeted_callbacks(targets)),
        "garbage": st.builds(lambda f: [f], garbage(wids)),
        "chunk+binary": st.builds(
            lambda h, b: [_text("chunk+binary", _dump(h)), Frame("binary", b, "chunk+binary")],
            header, st.binary(max_size=64)),
        "upload": st.builds(_upload, st.sampled_from(wids), st.sampled_from(
            ["drop-end", "activated", "click", "progress"]), upload_payloads(wids),
            st.integers(0, 2), st.integers(1, 3)),
    }


#: Share of the frames of each kind of step.
MIX = {"message": 0.45, "callback": 0.20, "garbage": 0.20, "chunk+binary": 0.08,
       "upload": 0.07}


def _upload(wid: int, action: str, payload: dict[str, Any], chunks: int, n: int
            ) -> list[Frame]:
    out = [_text("upload", _dump({"type": "callback", "wid": wid, "action": action,
                                  "args": [payload]}))]
    tid = payload.get("transfer_id")
    for c in range(chunks):
        out.append(_text("upload", _dump({
            "type": "binary-chunk", "wid": wid, "transfer_id": tid, "file_index": 0,
            "file_count": 1, "chunk_index": c, "num_chunks": n, "encoding": "binary"})))
        out.append(Frame("binary", bytes([c]) * 100, "upload"))
    return out


# ---- hand-written edge cases ----------------------------------------------------------

def edge_cases(roles: dict[str, int]) -> list[list[Frame]]:
    """Steps written by hand at the edges of the schema, sent along with the drawn ones
    (random drawing reaches some of them only now and then). ``roles`` names wids:
    ``top`` (a resizable TopLevel), ``button``, ``drop`` (a Label with a drop handler),
    ``tabs`` (a TabWidget), ``tab`` (its first page), ``combo``, ``source`` (TextSource).
    """
    r = roles

    def cb(wid: int, action: str, args: Any) -> str:
        return _dump({"type": "callback", "wid": wid, "action": action, "args": args})

    def upload(size: Any, extra_chunks: int = 1) -> list[Frame]:
        out = [_text("edge:upload", cb(r["drop"], "drop-end", [
            {"transfer_id": 9, "files": [{"name": "f", "size": size, "type": "",
                                          "encoding": "bytes"}]}]))]
        for c in range(extra_chunks):
            out += [_text("edge:upload", _dump({
                "type": "binary-chunk", "wid": r["drop"], "transfer_id": 9, "file_index": 0,
                "file_count": 1, "chunk_index": c, "num_chunks": 2, "encoding": "binary"})),
                Frame("binary", b"x", "edge:upload")]
        return out

    def chunk(**over: Any) -> list[Frame]:
        h = {"type": "binary-chunk", "wid": r["drop"], "transfer_id": 1, "file_index": 0,
             "file_count": 1, "chunk_index": 0, "num_chunks": 1, "encoding": "binary"}
        h.update(over)
        return [_text("edge:chunk", _dump(h)), Frame("binary", b"y" * 10, "edge:chunk")]

    texts = [
        '{"type":"viewport","width":1e999,"height":1}',
        '{"type":"viewport","width":1,"height":-Infinity}',
        '{"type":"viewport","width":NaN,"height":NaN}',
        '[{"type":"viewport","width":1e999,"height":1}]',
        '{"type":"viewport","width":1e308,"height":1e-308}',
        cb(r["top"], "resize", [{"width": 300}]),
        cb(r["top"], "resize", [{"width": "x", "height": None}]),
        cb(r["top"], "move", ["a", {}]),
        cb(r["button"], "activated", [{"__wid__": 700, "__class__": 7}]),
        cb(r["button"], "activated", [{"__wid__": 701, "__class__": "A\u0000B"}]),
        cb(r["button"], "activated", [{"__wid__": 702, "__class__": "C" * 10_000}]),
        cb(r["button"], "activated", [{"__wid__": 2**53 + 1}]),
        cb(r["button"], "activated", [{"__wid__": -1}, {"__wid__": 0}, {"__wid__": True}]),
        cb(r["tabs"], "page-close", [5]),
        cb(r["tabs"], "page-close", [{"__wid__": r["tab"]}]),
        cb(r["combo"], "activated", [0, {"x": [1]}]),
        cb(r["source"], "changed", []),
        '{"type":"result","id":0,"session_id":{"a":1}}',
        '{"type":"result","id":0}',
        '{"type":"error","id":0,"error":{"nested":[1,2]}}',
        "[]", "[null]", "{}", "null", '"string"', "[" + ",".join(["null"] * 10_000) + "]",
        "[" + ",".join([cb(r["button"], "activated", [])] * 1000) + "]",
    ]
    steps = [[_text("edge:text", t)] for t in texts]
    steps += [upload("10"), upload(None), upload([1]), upload(1e308 * 10), upload(-5),
              upload(2**70, 2)]
    steps += [chunk(num_chunks=0), chunk(chunk_index=5), chunk(file_index=2**40),
              chunk(transfer_id=424242), chunk(encoding="base64")]
    steps += [[Frame("nest", (100_000, "[", None), "edge:nest")],
              [Frame("nest", (1_000, "[", r["button"]), "edge:nest")],
              [Frame("nest", (1_000, '{"a":', r["button"]), "edge:nest")]]
    return steps


# ---- drawing --------------------------------------------------------------------------

def _draw(strategy: st.SearchStrategy[list[Frame]], n_frames: int, seed_value: int
          ) -> list[list[Frame]]:
    """Steps from ``strategy`` holding at least ``n_frames`` frames."""
    out: list[list[Frame]] = []
    count = 0
    many = st.lists(strategy, min_size=1, max_size=10)    # amortises the engine's cost
    for rnd in range(20):
        batch: list[list[Frame]] = []

        @settings(max_examples=max(10, (n_frames - count) // 4), database=None,
                  deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), print_blob=False)
        @seed(seed_value + rnd)
        @given(many)
        def collect(drawn: list[list[Frame]]) -> None:
            batch.extend(drawn)

        collect()
        for step in batch:
            if count >= n_frames:
                return out
            out.append(step)
            count += len(step)
        if count >= n_frames:
            break
    return out


def generate(n_frames: int, seed_value: int, targets: dict[int, list[str]]
             ) -> list[list[Frame]]:
    """About ``n_frames`` frames in steps, kinds mixed as :data:`MIX` says and
    interleaved at random; the same for the same seed and targets."""
    kinds = step_kinds(targets)
    steps: list[list[Frame]] = []
    for i, (kind, share) in enumerate(MIX.items()):
        steps += _draw(kinds[kind], max(1, round(n_frames * share)), seed_value + 1000 * i)
    random.Random(seed_value).shuffle(steps)
    return steps


def materialise(frame: Frame) -> tuple[str | bytes, bool | None]:
    """(data, text flag for ``ws.send``) of a frame spec."""
    if frame.kind == "text":
        return frame.data, None
    if frame.kind == "binary":
        return frame.data, None
    if frame.kind == "text-bytes":
        return frame.data, True
    depth, opener, wid = frame.data
    closer = "]" if opener == "[" else "}"
    body = opener * depth + "1" + closer * depth
    if wid is not None:
        body = '{"type":"callback","wid":%d,"action":"activated","args":[%s]}' % (wid, body)
    return body, None


def describe(frame: Frame, limit: int = 160) -> str:
    """A short printable form of a frame (for findings)."""
    if frame.kind == "nest":
        depth, opener, wid = frame.data
        where = f"callback to wid {wid} whose args nest" if wid is not None else "nesting"
        return f"<{where} {opener!r} x {depth:,}>"
    data = frame.data
    if isinstance(data, bytes):
        return f"<{frame.kind} {len(data)} bytes: {data[:40]!r}>"
    text = data if len(data) <= limit else f"{data[:limit]}... ({len(data)} chars)"
    return text
