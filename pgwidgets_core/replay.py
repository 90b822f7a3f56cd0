"""The plan that rebuilds a page from the records: one pipelined list of messages.

Pure. Every wid is allocated by Python (factories included), so no step waits for a
reply: the whole plan is queued at once and the page runs it in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from . import models, protocol
from .protocol import Ref
from .state import DEFERRED_KEYS, Record, Tree, setter_call

__all__ = ["replay_plan", "Step"]


@dataclass(slots=True)
class Step:
    """One message of a rebuild: ``msg`` (without id), the record it concerns and a
    label for errors; with ``data``, a binary call of ``msg``'s method and args."""
    msg: dict[str, Any]
    rec: Record | None
    what: str
    data: bytes | None = None
    shape: tuple[int, ...] | None = None      # with data: sent as a typed array
    dtype: str | None = None


def _calls(rec: Record, calls: models.Calls, what: str) -> list[Step]:
    return [Step(protocol.call(rec.wid, m, a), rec, f"{m} ({what})") for m, a in calls]


def replay_plan(tree: Tree) -> list[Step]:
    """Every message that rebuilds the session's UI in an empty page, in order.

    Each step is (message without id, the record it concerns, a label for errors).
    Creates come first (so any widget may refer to any other); then every recorded
    setter and attach call of every widget, merged in the order they last happened
    (with each widget's item lists first and its model edits after its model); then
    the keys that select among children (index, sizes, scroll), view state such as
    tree expansion, and visibility; bracketed by reconstruct-start / reconstruct-end.
    """
    order = list(tree.walk())
    steps: list[Step] = [Step(protocol.reconstruct_start(tree.next_wid), None,
                              "reconstruct-start")]
    created: set[int] = set()

    def create(rec: Record) -> None:
        if rec.wid in created:
            return
        created.add(rec.wid)
        for dep in _refs(rec.create_args):
            other = tree.records.get(dep.wid)
            if other is not None:
                create(other)
        steps.append(Step(protocol.create(rec.wid, rec.defn.name, rec.create_args), rec,
                          "create"))

    for rec in order:
        create(rec)
    timeline: list[tuple[int, int, list[Step]]] = []
    for rec in order:
        timeline.append((rec.born, 0, _calls(rec, models.replay_items(rec), "items")))
        edits = _calls(rec, models.replay_edits(rec), "model edit")
        model_at = max((rec.stamps.get(k, 0) for k in models.MODEL_KEYS), default=0)
        timeline.append((model_at or rec.born, 2, edits))
        for key, args in rec.recorded_items():
            if key in DEFERRED_KEYS or key == "visible" or key.startswith("_") \
                    or not models.replays_key(rec, key):
                continue
            method, margs = setter_call(key, args)
            timeline.append((rec.stamps.get(key, rec.born), 1, [
                Step(protocol.call(rec.wid, method, margs), rec, f"{method} (state {key!r})")]))
        # Siblings keep their list order (an insert_widget is replayed as an add at
        # its place); as a group they keep the moments their attaches happened.
        for e, stamp in zip(rec.children, sorted(e.stamp for e in rec.children)):
            timeline.append((stamp, 1, [Step(protocol.call(rec.wid, e.method, e.args), rec,
                                             e.method)]))
        timeline.append((rec.born, 3, [Step(protocol.listen(rec.wid, action), rec,
                                            f"listen {action!r}") for action in rec.listens]))
        image = rec.recorded("_binary_image")
        if image is not None:
            fmt, data, shape, dtype = image
            timeline.append((rec.stamps.get("_binary_image", rec.born), 1, [Step(
                protocol.call(rec.wid, "set_binary_image", [fmt]), rec, "binary image",
                data=data, shape=shape, dtype=dtype)]))
    timeline.sort(key=lambda t: (t[0], t[1]))
    for _, _, group in timeline:
        steps += group
    # Visibility first: positions among children (scroll, splitter sizes) are
    # proportions of a laid-out page.
    for rec in order:
        vis = rec.recorded("visible")
        if vis is not None:
            method, margs = setter_call("visible", vis)
            steps.append(Step(protocol.call(rec.wid, method, margs), rec, method))
    for rec in order:
        steps += _calls(rec, models.replay_late(rec), "view state")
        for key in DEFERRED_KEYS:
            deferred = rec.recorded(key)
            if deferred is not None:
                method, margs = setter_call(key, deferred)
                steps.append(Step(protocol.call(rec.wid, method, margs), rec,
                                  f"{method} (state {key!r})"))
    steps.append(Step(protocol.reconstruct_end(), None, "reconstruct-end"))
    return steps


def _refs(value: Any) -> Iterator[Ref]:
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _refs(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _refs(v)
