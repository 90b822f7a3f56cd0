"""Per-widget state records, the widget tree, and the plan that rebuilds a page.

Pure: no sockets, no asyncio. Python is the source of truth; a page is a cache that
:mod:`replay` can rebuild from these records at any time.
"""

from __future__ import annotations

from itertools import count
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Sequence

from .catalog import WidgetDef
from .protocol import Ref

__all__ = ["Record", "Entry", "Tree", "PageFacts", "setter_call", "DEFERRED_KEYS"]

# Keys replayed after every widget has its children (they select among them).
DEFERRED_KEYS = ("sizes", "index", "scroll_position", "scroll_percent")

Clock = Iterator[int]
# Shared by every record until its first write or listen: most widgets of a large UI
# never get one, and an empty dict is 64 bytes per widget (docs/performance.md).
_EMPTY: Mapping[str, Any] = MappingProxyType({})


_BARE = frozenset((str, int, float, bool))    # (not None: None is "not recorded")


def _pack(args: tuple[Any, ...]) -> Any:
    """``args`` as :attr:`Record._state` keeps them: one plain value bare, else the tuple."""
    return args[0] if len(args) == 1 and type(args[0]) in _BARE else args


def _unpack(v: Any) -> tuple[Any, ...]:
    return v if type(v) is tuple else (v,)


#: What a constructor set: ``(key, value, key, value...)`` or a mapping key -> (value,).
Seed = tuple[Any, ...] | Mapping[str, tuple[Any, ...]]


def flat_seed(seeded: Mapping[str, tuple[Any, ...]]) -> tuple[Any, ...]:
    """``{key: (value,)}`` as ``(key, value, ...)`` (every args tuple holds one value)."""
    out: list[Any] = []
    for k, args in seeded.items():
        if len(args) != 1:
            raise ValueError(f"a constructor sets one value per key, not {k}={args!r}")
        out += (k, args[0])
    return tuple(out)


class Entry:
    """One step of a parent's child sequence: an attach call, or a call such as
    ``add_separator`` that builds part of the parent without a child widget."""

    __slots__ = ("method", "args", "child", "stamp")

    def __init__(self, method: str, args: list[Any], child: Record | None, stamp: int) -> None:
        self.method = method
        self.args = args
        self.child = child
        self.stamp = stamp


class Record(Ref):
    """What Python knows of one widget: enough to build it again in any page."""

    __slots__ = ("defn", "wid", "create_args", "_seed", "_state", "stamps", "children",
                 "parent", "listens", "handlers", "destroyed", "born", "obj", "_clock")

    def __init__(self, defn: WidgetDef, wid: int, create_args: Sequence[Any],
                 seeded: Seed, clock: Clock) -> None:
        # The session's clock stamps every write and attach: a rebuild replays them in
        # the order they last happened (a child's resize before or after its attach).
        self._clock = clock
        self.defn = defn
        self.wid = wid
        # the exact ``args`` of the create message: a tuple (40 bytes less than a list)
        # until something changes them in place (own_args)
        self.create_args: Sequence[Any] = create_args
        # key, value, key, value...: what the constructor's args/options set (one
        # tuple: a dict of 1-tuples costs ~230 bytes more per widget)
        self._seed = seeded if isinstance(seeded, tuple) else flat_seed(seeded)
        # key -> setter args, latest last; a single str/int/float/bool arg is kept
        # bare (_pack): a dict of those the cyclic GC does not track, while a fresh
        # args tuple makes it tracked until a full collection (48k labels' first
        # writes then brought the next full collection of the whole heap forward)
        self._state: Mapping[str, Any] = _EMPTY
        self.stamps: Mapping[str, int] = _EMPTY       # key -> when it was last written
        self.born = next(clock)
        # the child sequence; a leaf shares the empty tuple (one GC-tracked list less
        # per widget: most widgets have no children)
        self.children: list[Entry] | tuple[()] = ()
        self.parent: Record | None = None
        self.listens: Mapping[str, None] = _EMPTY     # actions listened for (ordered set)
        # action -> the program's handlers, as the shell registered them (opaque here)
        self.handlers: dict[str, list[Any]] | None = None
        self.destroyed = False
        self.obj: Any = None               # the object the program holds (a Widget)

    def __repr__(self) -> str:
        return f"<{self.defn.name} wid={self.wid}>"

    # -- state ------------------------------------------------------------------------
    def write(self, key: str, args: tuple[Any, ...]) -> Any:
        """Record a setter; the latest write moves to the end (replay order). Returns
        what ``key`` held before, for :meth:`revert` (opaque; None if nothing)."""
        state = self._state
        if type(state) is not dict:
            state = self._state = {}
            prev = None
        else:
            prev = state.pop(key, None)
        state[key] = _pack(args)
        stamps = self.stamps
        if type(stamps) is not dict:
            stamps = self.stamps = {}
        stamps[key] = next(self._clock)
        return prev

    def revert(self, key: str, rejected: tuple[Any, ...], prev: Any) -> None:
        """The page rejected the write of ``rejected`` to ``key``: unless written
        since, ``key`` goes back to ``prev`` (what :meth:`write` returned)."""
        if self.holds(key, rejected):
            self.unset(key)
            if prev is not None:
                self.write(key, _unpack(prev))

    def recorded(self, key: str) -> tuple[Any, ...] | None:
        """The args last written or put for ``key``, None if none."""
        v = self._state.get(key)
        return None if v is None else _unpack(v)

    def holds(self, key: str, args: tuple[Any, ...]) -> bool:
        """Whether ``args`` are what is recorded for ``key`` (compared packed: no tuple
        made)."""
        return bool(self._state.get(key) == _pack(args))

    def has(self, key: str) -> bool:
        return key in self._state

    def recorded_items(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """(key, args) of every recorded key, in replay order."""
        for key, v in self._state.items():
            yield key, _unpack(v)

    @property
    def state(self) -> dict[str, tuple[Any, ...]]:
        """Key -> args of everything recorded (a copy: change it with :meth:`write`,
        :meth:`put`, :meth:`unset`)."""
        return dict(self.recorded_items())

    def own_args(self) -> list[Any]:
        """:attr:`create_args` as a list to change in place."""
        args = self.create_args
        if type(args) is not list:
            args = self.create_args = list(args)
        return args

    def put(self, key: str, args: tuple[Any, ...]) -> None:
        """Set ``key`` where it stands (not moved to the end), unstamped (the models'
        own keys)."""
        state = self._state
        if type(state) is not dict:
            state = self._state = {}
        state[key] = _pack(args)

    def unset(self, key: str) -> None:
        """Forget what is recorded for ``key`` (nothing if none)."""
        state = self._state
        if type(state) is dict:
            state.pop(key, None)

    def listen(self, action: str) -> bool:
        """Note that the pages are asked for ``action``; False if they were already."""
        if action in self.listens:
            return False
        if type(self.listens) is not dict:
            self.listens = {}
        self.listens[action] = None
        return True

    def read(self, key: str) -> Any:
        """The local answer of a getter: recorded, else constructor, else default."""
        args = self._state.get(key)
        if args is None:
            seed = self._seed
            for i in range(0, len(seed), 2):
                if seed[i] == key:
                    return seed[i + 1]
            return self.defn.default(key)
        args = _unpack(args)
        return args[0] if len(args) == 1 else args

    @property
    def seeded(self) -> dict[str, tuple[Any, ...]]:
        """Key -> args set by the constructor (a copy: change it with :meth:`seed`)."""
        s = self._seed
        return {s[i]: (s[i + 1],) for i in range(0, len(s), 2)}

    def seed(self, **values: Any) -> None:
        """Set constructor values (a page-made widget placed by the program)."""
        self._seed = flat_seed({**self.seeded, **{k: (v,) for k, v in values.items()}})

    def unseed(self, key: str) -> None:
        """Forget the constructor's value of ``key`` (an action cleared it)."""
        if key in self._seed[::2]:
            self._seed = flat_seed({k: a for k, a in self.seeded.items() if k != key})


class PageFacts:
    """What the pages of one application taught us about pgwidgets-js: how many widget
    ids the page's constructor of a class uses for widgets of its own (a ScrollArea's
    scroll bars...), learned from create replies. The page numbers them from its
    counter right after the widget's own (wasted) auto id; allocating past them keeps
    Python's ids from landing on them. One per Application (loop thread only)."""

    __slots__ = ("internal",)

    def __init__(self) -> None:
        self.internal: dict[str, int] = {}

    def learn(self, cls: str, wid: int, next_wid: int) -> None:
        """A create of ``cls`` at ``wid`` left the page's counter at ``next_wid``."""
        used = next_wid - wid - 2
        if 0 < used < 64 and used > self.internal.get(cls, 0):
            self.internal[cls] = used


class Tree:
    """Every record of one session: the registry by wid and the ordered roots."""

    def __init__(self, facts: PageFacts | None = None) -> None:
        self.records: dict[int, Record] = {}
        self.roots: dict[int, Record] = {}
        self.next_wid = 1
        self.facts = facts if facts is not None else PageFacts()
        self.clock: Clock = count(1)

    def record(self, defn: WidgetDef, create_args: Sequence[Any],
               seeded: Seed, *, wid: int | None = None) -> Record:
        """A new record on this tree's clock; a fresh wid unless ``wid`` is given (not
        yet registered: see :meth:`add`)."""
        return Record(defn, self.allocate(defn.name) if wid is None else wid, create_args,
                      seeded, self.clock)

    def allocate(self, cls: str | None = None) -> int:
        """A new wid. For a create of ``cls``, the ids the page will use for it (its own
        auto id and its internal widgets) are skipped too, so the two counters agree."""
        wid = self.next_wid
        self.next_wid += 1 if cls is None else 2 + self.facts.internal.get(cls, 0)
        return wid

    def page_ids(self, cls: str) -> int:
        """How many ids a page's counter advances when it creates ``cls``."""
        return 1 + self.facts.internal.get(cls, 0)

    def bump(self, wid: int) -> None:
        """Never hand out ``wid`` or anything below it again (page-made widgets)."""
        if wid >= self.next_wid:
            self.next_wid = wid + 1

    def add(self, rec: Record) -> None:
        """Register a widget the program made: a root until attached."""
        self.bump(rec.wid)
        self.records[rec.wid] = rec
        self.roots[rec.wid] = rec

    def lookup(self, value: Any) -> Record | None:
        """The record a widget argument (anything with a ``wid``) stands for."""
        return self.records.get(value.wid) if isinstance(value, Ref) else None

    def adopt(self, rec: Record) -> None:
        """Register a widget the page made (never a root: its parent made it)."""
        self.bump(rec.wid)
        self.records[rec.wid] = rec

    def attach(self, parent: Record, child: Record | None, method: str, args: list[Any],
               *, single: bool = False, index: int | None = None) -> None:
        """Record ``parent.method(*args)`` in the child sequence."""
        if single:
            for e in [e for e in parent.children if e.child is not None]:
                self.detach(e.child)          # type: ignore[arg-type]
        if child is not None:
            self.detach(child)
            self.roots.pop(child.wid, None)
            child.parent = parent
        entry = Entry(method, args, child, next(self.clock))
        seq = parent.children
        if type(seq) is not list:
            seq = parent.children = []
        if index is None or child is None:
            seq.append(entry)
        else:
            # insert among the widget children at ``index``, keeping other entries
            kids = [i for i, e in enumerate(seq) if e.child is not None]
            seq.insert(kids[index] if 0 <= index < len(kids) else len(seq), entry)

    def detach(self, child: Record) -> None:
        """``child`` leaves its parent and becomes a root (it still exists)."""
        parent = child.parent
        if parent is not None:
            parent.children = [e for e in parent.children if e.child is not child]
            child.parent = None
        if not child.destroyed:
            self.roots[child.wid] = child

    def drop(self, rec: Record) -> list[Record]:
        """Forget ``rec`` and its descendants (destroyed); returns them."""
        if rec.parent is not None:
            self.detach(rec)
        gone = list(self._subtree(rec))
        for r in gone:
            r.destroyed = True
            self.records.pop(r.wid, None)
            self.roots.pop(r.wid, None)
        return gone

    def _subtree(self, rec: Record) -> Iterator[Record]:
        yield rec
        for e in rec.children:
            if e.child is not None:
                yield from self._subtree(e.child)

    def walk(self) -> Iterator[Record]:
        """Roots in creation order, each followed depth-first by its children."""
        for wid in sorted(self.roots):
            yield from self._subtree(self.roots[wid])


def setter_call(key: str, args: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """The method and arguments that set ``key`` again."""
    if key == "size":
        return "resize", list(args)
    if key == "visible":
        return ("show" if args[0] else "hide"), []
    return "set_" + key, list(args)
