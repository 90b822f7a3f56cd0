"""Fixed cases for a ``tree_model`` module, printed as JSON: run by
tests/compat/test_tree_model_contract.py under the reference's venv
(``python tree_model_cases.py pgwidgets.tree_model``) and under ours
(``... pgwidgets_core.tree_model``), which must print the same.

Standard library only (it runs in the reference's venv). Each case calls the module on
fresh arguments and records what it returned, what became of its arguments (they are
changed in place) or the class of the exception it raised; a few cases record
whether a value was copied or stored as it is.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import itertools
import json
import math
import random
import sys
from collections import OrderedDict
from types import MappingProxyType
from typing import Any, Callable

Case = Callable[[Any], Any]
CASES: list[tuple[str, Case]] = []


def fresh(x: Any) -> Any:
    """A deep copy (also of read-only mappings, which deepcopy refuses)."""
    if isinstance(x, MappingProxyType):
        return MappingProxyType(fresh(dict(x)))
    if isinstance(x, dict):
        return type(x)((k, fresh(v)) for k, v in x.items())
    if isinstance(x, (list, tuple)):
        return type(x)(fresh(v) for v in x)
    return copy.deepcopy(x)


def call(name: str, *args: Any, **kwargs: Any) -> None:
    """A case: ``module.name(*args, **kwargs)`` on deep copies of the arguments."""
    def run(m: Any) -> Any:
        a, kw = fresh(args), fresh(kwargs)
        result = getattr(m, name)(*a, **kw)
        return {"result": result, "args": list(a), "kwargs": kw}
    custom(f"{name}{args!r}{kwargs!r}", run)


def custom(label: str, fn: Case) -> None:
    CASES.append((f"{len(CASES):04d} {label}", fn))


def encode(x: Any) -> Any:
    """JSON-able and exact: the types of containers and keys are kept."""
    if isinstance(x, float) and math.isnan(x):
        return ["nan"]
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, (dict, MappingProxyType)):
        return [type(x).__name__, [[encode(k), encode(v)] for k, v in x.items()]]
    if isinstance(x, (list, tuple)):
        return [type(x).__name__, [encode(v) for v in x]]
    return ["object", type(x).__name__]


# ---- trees used by several groups ---------------------------------------------------

SAMPLE = {"a": {"b": {"c": {"v": 1}}, "v": 2}, "z": {"v": 3}, "p": 5,
          "w": {"__values__": {"v": 9}, "k": {"q": 1}, "m": {"q": 2}}}
NODES = [{"a": 1, "b": {"x": 1}, "c": {}}, {"__values__": {"n": 1}, "b": {"x": 1}},
         {"__values__": {"n": 1}, "a": 2}, {"__values__": 5, "a": 2}, {"__values__": None, "b": {}},
         {"__values__": {}, "b": {}}, {"a": [1, 2], "b": None, "c": {}}, {"a": 1, "b": "s"},
         {}, None, 5, "text", [{"a": 1}], {1: 2, 3: {}}, OrderedDict(a=1, b={}),
         MappingProxyType({"a": 1})]
PATHS = [None, [], (), ["a"], ("a", "b"), ["a", "b", "c"], ["a", "v"], ["a", "v", "x"], ["p"],
         ["p", "x"], ["nope"], ["a", "nope"], "a", "ab", "z", ["w"], ["w", "k"],
         ["w", "__values__"], ["__values__"]]

for node in NODES:
    for fn in ("children_of", "values_of", "values_target"):
        call(fn, node)
for path in PATHS:
    call("node_at", SAMPLE, path)
    call("remove_item", SAMPLE, path)
    call("set_cell", SAMPLE, path, "v", 10)
    call("set_cell", SAMPLE, path, "new", {"x": 1})
    call("add_item", SAMPLE, path, "k", {"v": 1, "c": {"z": 1}})
    call("add_item", SAMPLE, path, "a", 7)
    call("merge_tree", SAMPLE, {"a": {"q": 1}, "n": {"c": {}}}, path)
call("node_at", None, [])
call("node_at", None, ["a"])
call("node_at", 5, [])
call("node_at", {"a": {}}, [["x"]])
call("set_cell", SAMPLE, ["w"], "__values__", 1)
call("set_cell", SAMPLE, ["z"], "__values__", {"a": 1})
call("set_cell", SAMPLE, ["a", "b", "c"], 3, "x")
call("set_cell", None, ["z"], "v", 1)

# ---- copies -----------------------------------------------------------------------

for value in [{"a": {"b": [1, {"q": 2}]}}, None, 5, [1, [2]], (1, [2]), OrderedDict(a={})]:
    call("copy_tree", value)


def parts(x: Any) -> list[Any]:
    if isinstance(x, dict):
        return list(x.values())
    return list(x) if isinstance(x, (list, tuple)) else []


def copied(label: str, make: Callable[[Any], tuple[Any, Any, Callable[[], Any]]]) -> None:
    """Which of what was handed in (and its items) the structure now holds itself."""
    def run(m: Any) -> Any:
        holder, value, stored = make(m)
        return {"same": stored() is value,
                "items": [a is b for a, b in zip(parts(stored()), parts(value))],
                "holder": holder}
    custom(f"identity {label}", run)


def _identity_cases() -> None:
    def add(kind: Any) -> Callable[[Any], tuple[Any, Any, Callable[[], Any]]]:
        def make(m: Any) -> tuple[Any, Any, Callable[[], Any]]:
            tree: dict[str, Any] = {}
            value = copy.deepcopy(kind)
            m.add_item(tree, None, "k", value)
            return tree, value, lambda: tree["k"]
        return make

    def merge(kind: Any) -> Callable[[Any], tuple[Any, Any, Callable[[], Any]]]:
        def make(m: Any) -> tuple[Any, Any, Callable[[], Any]]:
            tree: dict[str, Any] = {"k": {"old": {}}}
            value = copy.deepcopy(kind)
            m.merge_tree(tree, {"k": value})
            return tree, value, lambda: tree["k"]
        return make

    def rows(fn: str, kind: Any) -> Callable[[Any], tuple[Any, Any, Callable[[], Any]]]:
        def make(m: Any) -> tuple[Any, Any, Callable[[], Any]]:
            seq: list[Any] = [1]
            value = copy.deepcopy(kind)
            if fn == "insert_row":
                m.insert_row(seq, 0, value)
            elif fn == "insert_column":
                m.insert_column(seq, value, index=0)
            else:
                getattr(m, fn)(seq, value)
            at = 0 if fn.startswith("insert") else -1
            return seq, value, lambda: seq[at]
        return make

    def cell(kind: Any) -> Callable[[Any], tuple[Any, Any, Callable[[], Any]]]:
        def make(m: Any) -> tuple[Any, Any, Callable[[], Any]]:
            tree = {"a": {}}
            value = copy.deepcopy(kind)
            m.set_cell(tree, ["a"], "x", value)
            return tree, value, lambda: tree["a"]["x"]
        return make

    def table_cell(kind: Any) -> Callable[[Any], tuple[Any, Any, Callable[[], Any]]]:
        def make(m: Any) -> tuple[Any, Any, Callable[[], Any]]:
            table: list[Any] = [{}]
            value = copy.deepcopy(kind)
            m.row_set_cell(table, ["a"], 0, "a", value)
            return table, value, lambda: table[0]["a"]
        return make

    for kind in ({"v": [1]}, [{"q": 1}], {"o": (1, [2])}):
        copied(f"add_item {kind!r}", add(kind))
        copied(f"merge_tree {kind!r}", merge(kind))
        copied(f"set_cell {kind!r}", cell(kind))
        copied(f"row_set_cell {kind!r}", table_cell(kind))
        for fn in ("append_row", "insert_row", "append_column", "insert_column"):
            copied(f"{fn} {kind!r}", rows(fn, kind))


_identity_cases()

# ---- remove_items, merge_tree, add_item edges ---------------------------------------------

for paths in [[["a", "b"], ["z"]], [["a"], ["a", "b"]], [["a", "b"], ["a"]], [], None,
              [["nope"], ["z"]], [[]], ["a", "z"], "az", [("a", "b"), ("z",)], [["p"], ["w", "m"]]]:
    call("remove_items", SAMPLE, paths)
for sub in [{"a": {"v": 1}}, {"a": 5}, {"a": {}}, {}, None, 5, [("a", {})],
            {"__values__": {"n": 1}}, {"a": {"__values__": {"n": 1}}}, {"b": 1, "a": {"q": 1}}]:
    call("merge_tree", {"a": {"w": 2, "c": {}}}, sub)
    call("merge_tree", {"a": {"w": 2, "c": {}}}, sub, ["a"])
call("merge_tree", None, {"b": 1})
for key, values in [("k", None), ("k", 5), ("k", {}), (3, {"v": 1}), (None, {"v": 1})]:
    call("add_item", {"k": {"x": 1}, "z": {}}, None, key, values)
call("add_item", None, None, "k", {"v": 1})
call("add_item", MappingProxyType({}), None, "k", {})
call("merge_tree", {}, MappingProxyType({"a": {}}))


def _aliased() -> None:
    def tree() -> dict[str, Any]:
        return {"a": {"b": {"c": {}}, "d": {"e": {}, "f": {"g": {}}}}, "h": {}}

    def run(m: Any, prune: bool, shared: bool, spec: Any) -> Any:
        t = tree()
        if shared:
            t["a"]["d"]["x"] = t["a"]["b"]
        s = t if spec is None else spec
        return {"result": m.delete_tree(t, s, prune), "tree": t}

    for prune in (True, False):
        custom(f"delete_tree(t, t, {prune})", lambda m, p=prune: run(m, p, False, None))
        for spec in ({"a": {"b": {"c": {}}, "d": {"x": {"c": {}}}}},
                     {"a": {"d": {"x": {"c": {}}}, "b": {"c": {}}}}):
            custom(f"delete_tree shared {spec!r} {prune}",
                   lambda m, p=prune, s=spec: run(m, p, True, s))

    def merge_self(m: Any) -> Any:
        t = {"a": {"b": {"c": {}}}}
        return [m.merge_tree(t, t), m.merge_tree(t, t, ["a"]), m.add_item(t, ["a"], "z", t), t]
    custom("merge_tree/add_item with the tree itself", merge_self)


_aliased()

# ---- delete_tree --------------------------------------------------------------------

DEL_TREES = [SAMPLE, {"z": {"v": 3}}, {"p": 5}, {"a": {"v": 2, "b": {}}},
             {"a": {"__values__": {"x": 1}}}, {"a": {"__values__": {"x": 1}, "c": {}}},
             {"a": {"__values__": {"x": {}}, "c": {}}}, {"a": {"c": {}, "d": {}, "e": {}}},
             {"a": {"c": {"k": {}, "j": {}}}}, {"a": {"c": {"k": {}}, "d": {}}}, {"a": None},
             {"a": {"b": {"c": {}, "d": {}}}, "x": {}}, {"a": {"b": {"c": {}}, "e": {}, "f": {}}}]
SPECS = [{"a": {}}, {"a": None}, {"a": True}, {"a": 1}, {"a": []}, {"a": ""},
         {"a": {"b": {}}}, {"a": {"b": {"c": {}}}}, {"a": {"v": {}}}, {"a": {"zz": {}}},
         {"a": {"x": {}}}, {"a": {"c": {}, "d": {}}}, {"a": {"c": {"k": {}}}},
         {"a": {"c": None}}, {"a": {"__values__": {}}}, {"a": {"__values__": {"x": {}}}},
         {"a": {"b": {"c": {"v": {}}}}}, {"a": {"b": {"c": {"zz": {}}}}}, {"a": {"b": {"zz": {}}}},
         {"a": {"b": {"c": {}}, "e": {}}}, {"p": {}}, {"p": {"x": {}}}, {"nope": {}},
         {"w": {"k": {}}}, {"w": {"k": {}, "m": {}}}, {"w": {"__values__": {}}},
         {"z": {"v": {}}}, {"z": {"v": 1}}, {"a": {}, "z": {}, "w": {}}, {"__values__": {}},
         {"a": MappingProxyType({"c": {}})}, OrderedDict(a=OrderedDict(c={})),
         MappingProxyType({"a": {}}), {}, None, [], 0, "", 5, ["a"], "a"]
for tree, spec in itertools.product(DEL_TREES, SPECS):
    call("delete_tree", tree, spec)
    call("delete_tree", tree, spec, prune_empty=False)
for tree in (None, 5, [], MappingProxyType({"a": {}})):
    call("delete_tree", tree, {"a": {}})
    call("delete_tree", tree, 5)
for prune in (0, None, 1, ""):
    call("delete_tree", {"a": {"c": {"k": {}}}}, {"a": {"c": {"k": {}}}}, prune)

# ---- diff_tree ----------------------------------------------------------------------

DIFF_TREES = [
    {}, None, 5, [], {"__values__": {"x": 1}}, {"a": {"v": 1}}, {"a": {"v": 2}},
    {"a": {"v": 1, "w": 2}}, {"a": {"v": 1}, "b": {"v": 2}}, {"b": {"v": 2}, "a": {"v": 1}},
    {"a": {"c": {"v": 1}}}, {"a": {"c": {"v": 2}}}, {"a": {"c": {"v": 1}, "d": {"v": 3}}},
    {"a": {"v": 1, "c": {"x": 1}}}, {"a": {"__values__": {"v": 1}, "c": {}}},
    {"a": {"__values__": {"v": 2}, "c": {}}}, {"a": {"__values__": 5, "k": {}}},
    {"a": {"x": {"q": 1}}, "b": {}, "c": {}}, {"a": {"x": 5}, "b": {}, "c": {}},
    {"a": 5, "b": {}, "c": {}}, {"a": 6, "b": {}, "c": {}}, {"b": {}, "c": {}},
    {"a": {"v": 1.0}, "b": {}}, {"a": {"v": True}, "b": {}}, {"a": {"v": [1]}, "b": {}},
    {"a": {"v": [2]}, "b": {}}, {"a": {"v": {"x": 1}}}, {"a": {"v": {"x": 2}}},
    {"v": 1, "a": {}}, {"v": 2, "a": {}},
    {"a": {"v": 1, "c": {"x": 1}, "d": {"x": 2}}, "b": {"v": 2, "e": {"x": 3}}, "g": {"v": 0}},
    {"a": {"v": 9, "c": {"x": 1}, "n": {"x": 5}}, "b": {"v": 2, "e": {"x": 4}, "f": {"x": 6}},
     "h": {"v": 7}, "i": {"v": 8}},
    {"h": {"v": 1}, "a": {"c": {}, "n": {}}, "z": {}, "k": {}},
    {"a": {"d": {}, "c": {"y": {}, "w": {}}}, "g": {}, "z": {}, "b": {"q": {}}},
]
for old, new in itertools.product(DIFF_TREES, repeat=2):
    call("diff_tree", old, new)
for old, new in itertools.product(DIFF_TREES[-4:], repeat=2):
    for max_ops in (0, 1, 2, 3, 6, 7, 8, 100, -1):
        call("diff_tree", old, new, max_ops)
        call("diff_tree", old, new, max_ops=max_ops)
call("diff_tree", {"a": {"v": float("nan")}, "b": {}}, {"a": {"v": float("nan")}, "b": {}})


def _shared_nan(m: Any) -> Any:
    nan = float("nan")
    return m.diff_tree({"a": {"v": nan}, "b": {}}, {"a": {"v": nan}, "b": {}})


custom("diff_tree with one nan object", _shared_nan)


def _diff_identity(m: Any) -> Any:
    new = {"a": {"v": [1]}, "b": {"c": {"l": [2]}}}
    ops = m.diff_tree({"a": {"v": [0]}}, new, max_ops=9)
    return [ops, ops[0][1]["b"] is new["b"], ops[1][3] is new["a"]["v"]]


custom("diff_tree hands out new's own objects", _diff_identity)


def random_tree(rng: random.Random, depth: int) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key in rng.sample("abcde", rng.randint(0, 4)):
        roll = rng.random()
        if depth and roll < 0.45:
            tree[key] = random_tree(rng, depth - 1)
            if rng.random() < 0.3:
                tree[key]["__values__"] = {"n": rng.randint(0, 2)}
        elif roll < 0.8:
            tree[key] = {"n": rng.randint(0, 2), "m": rng.choice(["x", "y"])}
        else:
            tree[key] = rng.randint(0, 2)
    return tree


RNG = random.Random(20261207)
for _ in range(150):
    old, new = random_tree(RNG, 3), random_tree(RNG, 3)
    call("diff_tree", old, new, max_ops=RNG.choice([None, 0, 3, 10, 1000]))
for _ in range(100):
    tree = random_tree(RNG, 3)
    spec = random_tree(RNG, 3)
    call("delete_tree", tree, spec, prune_empty=RNG.random() < 0.5)


def _apply_diff(m: Any) -> Any:
    """diff_tree's calls, applied with the module's own editors, give new's nodes."""
    rng = random.Random(7)
    out = []
    for _ in range(60):
        old, new = random_tree(rng, 3), random_tree(rng, 3)
        model = m.copy_tree(old)
        for op in m.diff_tree(old, new, max_ops=10_000):
            if op[0] == "remove_items":
                m.remove_items(model, op[1])
            elif op[0] == "add_tree":
                m.merge_tree(model, op[1], op[2])
            else:
                m.set_cell(model, *op[1:])
        out.append(model)
    return out


custom("diff_tree applied", _apply_diff)

# ---- columns and rows --------------------------------------------------------------

DESCRIPTORS = ["name", {"key": "k", "label": "L"}, {"label": "L"}, {"title": "T"}, {"key": ""},
               {"key": 3}, {"key": 0}, {"key": 0, "label": "L"}, {"key": False, "label": "L"},
               {"label": "L", "key": None}, {"label": None}, {"label": ""}, {}, None, 3, 0, "",
               ("k", "L"), ["k", "L"], ("k",), ("a", "b", "c"), ("a", None), ("a", ""),
               (None, "b"), (), [], {"key": {"a": 1}}, {"key": [1]}, OrderedDict(key="k"),
               MappingProxyType({"key": "k"})]
for desc in DESCRIPTORS:
    for index in ((), (None,), (2,), (0,), (-1,), ("x",)):
        call("column_key", desc, *index)
call("column_key", {"key": "k", "label": "L"}, index=5)

ROWS = [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
for values in ({"a": 5}, [5, 6], None, (1, 2)):
    call("append_row", ROWS, values)
for index in (0, 1, 2, 3, -1, -3, 10, None, "1", 1.0, True, False):
    call("insert_row", ROWS, index, {"a": 9})
    call("delete_row", ROWS, index)
for seq in (None, (1,), [], "ab"):
    call("append_row", seq, 1)
    call("insert_row", seq, 0, 1)
    call("delete_row", seq, 0)
    call("append_column", seq, "z")
    call("insert_column", seq, "z")
    call("delete_column", seq, 0)

COLUMNS = ["a", {"key": "b", "label": "B"}, {"label": "C"}, ("x", "d"), {"title": "t"}]
call("append_column", COLUMNS, "z")
call("append_column", COLUMNS, None)
for before in (None, "a", "b", "B", "C", "d", "x", "t", "col4", "nope", "", 0):
    for index in (None, 0, 2, 5, 6, -1, "1", True, 10):
        call("insert_column", COLUMNS, "z", before=before, index=index)
    call("insert_column", COLUMNS, "z", before)
call("insert_column", COLUMNS, "z", "b", 0)
for cols, before in ((["", "a"], ""), ([{"key": 0}, "a"], 0), ([{"key": 0}, "a"], "col0"),
                     (["b", "a", "a"], "a"), (["a", None], None), (["a", None], "col1")):
    call("insert_column", cols, "z", before=before)
for col in ("a", "b", "B", "C", "d", "x", "t", "col4", "nope", 0, 1, 4, 5, -1, None, True,
            "0", 1.0):
    call("delete_column", COLUMNS, col)
for cols, col in ((["a", "b", "a"], "a"), ([{"key": 0}, "b"], 0), ([1, 0], 1), ([1, 0], 0),
                  ([{"key": 0}, "b"], "col0"), (["a", None], None), (["a", 1], 1.0),
                  (["a", None], "col1"), (["a", {}], "col1")):
    call("delete_column", cols, col)

TABLE = [{"a": 1, "b": 2}, [10, 20, 30, 40, 50], (7, 8), None, 5, {"a": 1}]
for row, col in itertools.product((0, 1, 2, 3, 4, 5, 6, -1, None, "0", True),
                                  ("a", "b", "new", 0, 1, "C", "col4", 4, 5, "d", 3, "nope",
                                   -1, True, None, 1.0)):
    call("row_set_cell", TABLE, COLUMNS, row, col, 99)
for cols in (None, [], ("a", "b"), "ab", {"x": 1}, 5, [None, "b"], [{"title": "t"}, "b"],
             ["a", None], ["a", 1], ["a", "a"]):
    for rows, col in (([{"a": 1}], 0), ([{"a": 1}], "a"), ([[1, 2]], 0), ([[1, 2]], "b"),
                      ([[1, 2]], None), ([{}], None), ([[1, 2]], 1.0), ([{}], 1.0), ([[]], "a"),
                      ([5], 0), (None, 0)):
        call("row_set_cell", rows, cols, 0, col, 99)
call("row_set_cell", [[1]], 5, 5, 0, 1)
call("row_set_cell", [OrderedDict(a=1)], ["a"], 0, "a", 99)
call("row_set_cell", (({"a": 1}),), ["a"], 0, "a", 99)


def signature(fn: Any) -> list[Any]:
    return [[p.name, p.kind.name, None if p.default is p.empty else repr(p.default)]
            for p in inspect.signature(fn).parameters.values()]


def main() -> None:
    m = importlib.import_module(sys.argv[1])
    public = {name: fn for name, fn in vars(m).items()
              if inspect.isfunction(fn) and not name.startswith("_")}
    out: dict[str, Any] = {"functions": {n: signature(fn) for n, fn in sorted(public.items())},
                           "VALUES_KEY": m.VALUES_KEY, "cases": {}}
    seen: set[str] = set()
    for label, run in CASES:
        assert label not in seen, label
        seen.add(label)
        try:
            result = encode(run(m))
        except Exception as e:        # the class is compared, not the message
            result = ["raised", type(e).__name__]
        out["cases"][label] = result
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
