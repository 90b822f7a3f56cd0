"""pgwidgets_core.tree_model: pure helpers on TreeView trees and TableView tables.
(tests/compat/test_tree_model_contract.py checks the same results as the reference's.)"""

from __future__ import annotations

import random
from typing import Any

import pytest

import pgwidgets_sync.tree_model as sync_tm
from pgwidgets_core import tree_model as tm

pytestmark = pytest.mark.timeout(10)


def sample() -> dict[str, Any]:
    return {"src": {"main.py": {"size": 120}, "util.py": {"size": 80}},
            "docs": {"__values__": {"size": 0}, "index.md": {"size": 5}},
            "README": {"size": 40}}


# ---- reading ---------------------------------------------------------------------------

def test_children_and_values_of_the_three_node_shapes():
    tree = sample()
    assert tm.children_of(tree["src"]) == {"main.py": {"size": 120}, "util.py": {"size": 80}}
    assert tm.children_of(tree["README"]) == {}
    assert tm.children_of(tree["docs"]) == {"index.md": {"size": 5}}      # not __values__
    assert tm.values_of(tree["README"]) == {"size": 40}
    assert tm.values_of(tree["docs"]) is tree["docs"]["__values__"]
    mixed = {"size": 3, "sub": {}}
    assert tm.values_of(mixed) == {"size": 3}
    assert tm.values_target(mixed) is mixed
    assert tm.values_target(tree["docs"]) is tree["docs"]["__values__"]
    for nothing in (None, 5, "s", [1]):
        assert tm.children_of(nothing) == {} and tm.values_of(nothing) == {}
        assert tm.values_target(nothing) is None


def test_node_at():
    tree = sample()
    assert tm.node_at(tree, None) is tree and tm.node_at(tree, []) is tree
    assert tm.node_at(tree, ["src", "main.py"]) == {"size": 120}
    assert tm.node_at(tree, ("src", "main.py", "size")) == 120     # a value, as it is
    assert tm.node_at(tree, ["src", "main.py", "size", "x"]) is None
    assert tm.node_at(tree, ["nope"]) is None
    assert tm.node_at(None, ["a"]) is None


def test_copy_tree_shares_nothing():
    tree = {"a": {"b": [1, {"c": 2}]}}
    copy = tm.copy_tree(tree)
    assert copy == tree and copy["a"]["b"] is not tree["a"]["b"]
    assert copy["a"]["b"][1] is not tree["a"]["b"][1]


# ---- editing ---------------------------------------------------------------------------

def test_add_item_adds_or_replaces_in_place_and_copies_dicts():
    tree = sample()
    values = {"size": 9, "tags": ["x"]}
    assert tm.add_item(tree, ["src"], "new.py", values)
    assert tree["src"]["new.py"] == values and tree["src"]["new.py"] is not values
    assert tree["src"]["new.py"]["tags"] is not values["tags"]
    assert tm.add_item(tree, None, "src", {"size": 1})           # replaced whole, first still
    assert list(tree) == ["src", "docs", "README"] and tree["src"] == {"size": 1}
    assert tm.add_item(tree, [], "top", 5) and tree["top"] == 5
    assert not tm.add_item(tree, ["nope"], "k", {})
    assert not tm.add_item(tree, ["README", "size"], "k", {})     # not a node
    assert not tm.add_item(None, None, "k", {})


def test_merge_tree_replaces_same_keys_whole():
    tree = sample()
    assert tm.merge_tree(tree, {"src": {"other.py": {"size": 1}}, "new": {}})
    assert tree["src"] == {"other.py": {"size": 1}} and tree["new"] == {}
    assert tm.merge_tree(tree, {"a.md": {"size": 2}}, ["docs"])
    assert tree["docs"]["a.md"] == {"size": 2}
    assert not tm.merge_tree(tree, {"x": {}}, ["nope"])
    assert not tm.merge_tree(tree, None) and not tm.merge_tree(tree, [("x", {})])


def test_remove_item_and_remove_items():
    tree = sample()
    assert tm.remove_item(tree, ["src", "util.py"])
    assert tree["src"] == {"main.py": {"size": 120}}
    assert not tm.remove_item(tree, ["src", "util.py"])
    assert not tm.remove_item(tree, []) and not tm.remove_item(tree, None)
    assert tm.remove_item(tree, ["README", "size"]) and tree["README"] == {}   # a value too
    # the second path is gone with the first
    assert tm.remove_items(tree, [["src"], ["src", "main.py"], ["docs"]]) == 2
    assert tree == {"README": {}}
    assert tm.remove_items(tree, None) == 0


def test_set_cell_writes_where_the_values_are():
    tree = sample()
    assert tm.set_cell(tree, ["src", "main.py"], "size", 121)
    assert tm.set_cell(tree, ["docs"], "size", 7) and tree["docs"]["__values__"]["size"] == 7
    assert tm.set_cell(tree, ["src"], "label", "code") and tree["src"]["label"] == "code"
    assert not tm.set_cell(tree, ["nope"], "size", 1)
    assert not tm.set_cell(tree, ["README", "size"], "x", 1)
    assert tree["src"]["main.py"] == {"size": 121}


def test_delete_tree_whole_nodes_nested_specs_and_pruning():
    tree = sample()
    assert tm.delete_tree(tree, {"README": {}, "nope": {}}) == 1
    assert "README" not in tree
    # a nested spec removes only what it names...
    assert tm.delete_tree(tree, {"src": {"util.py": None}}) == 1
    assert tree["src"] == {"main.py": {"size": 120}}
    # ...and a branch left without children goes too, counted
    assert tm.delete_tree(tree, {"src": {"main.py": {}}}) == 2
    assert "src" not in tree
    assert tm.delete_tree(tree, {"docs": {"index.md": {}}}, prune_empty=False) == 1
    assert tree == {"docs": {"__values__": {"size": 0}}}
    # a node without children under a nested spec is removed whole
    tree = {"a": {"v": 1}}
    assert tm.delete_tree(tree, {"a": {"v": {}}}, prune_empty=False) == 1 and tree == {}
    assert tm.delete_tree({"a": {}}, {}) == tm.delete_tree({"a": {}}, None) == 0
    assert tm.delete_tree(None, {"a": {}}) == 0


def test_delete_tree_cascades_up():
    tree = {"a": {"b": {"c": {"d": {}}}, "v": 1}, "e": {}}
    assert tm.delete_tree(tree, {"a": {"b": {"c": {"d": {}}}}}) == 4
    assert tree == {"e": {}}


# ---- diff_tree -------------------------------------------------------------------------

def test_diff_tree_ops_in_order():
    old = {"a": {"v": 1, "c": {"x": 1}, "d": {"x": 2}}, "b": {"e": {"x": 3}}, "g": {}}
    new = {"a": {"v": 9, "c": {"x": 1}, "n": {"x": 5}}, "b": {"e": {"x": 4}}, "h": {"v": 7}}
    assert tm.diff_tree(old, new) == [
        ("remove_items", [["g"], ["a", "d"]]),
        ("add_tree", {"n": {"x": 5}}, ["a"]),
        ("add_tree", {"h": {"v": 7}}, None),
        ("set_cell", ["a"], "v", 9),
        ("set_cell", ["b", "e"], "x", 4)]


def test_diff_tree_nothing_to_do_and_what_it_does_not_report():
    tree = sample()
    assert tm.diff_tree(tree, tm.copy_tree(tree)) == []
    reordered = dict(reversed(list(tree.items())))
    assert tm.diff_tree(tree, reordered) == []
    assert tm.diff_tree({"a": {"v": 1, "w": 2}}, {"a": {"v": 1}}) == []   # dropped value
    assert tm.diff_tree({"v": 1, "a": {}}, {"v": 2, "a": {}}) == []       # top-level values


def test_diff_tree_cells_after_their_children():
    old = {"a": {"v": 1, "c": {"x": 1}}, "b": {"v": 1}}
    new = {"a": {"v": 2, "c": {"x": 2}}, "b": {"v": 2}}
    assert tm.diff_tree(old, new, max_ops=9) == [
        ("set_cell", ["a", "c"], "x", 2), ("set_cell", ["a"], "v", 2),
        ("set_cell", ["b"], "v", 2)]


def test_diff_tree_gives_up_past_max_ops():
    old, new = {"a": {"v": 1}, "b": {"v": 1}}, {"a": {"v": 2, "w": 3}, "b": {"v": 1}}
    assert len(tm.diff_tree(old, new)) == 2                   # 2 nodes in new: 2 ops allowed
    assert tm.diff_tree(old, new, max_ops=1) is None
    assert tm.diff_tree({"a": {}, "b": {}}, {}) is None       # the default is at least 1
    assert tm.diff_tree({"a": {}}, {}) == [("remove_items", [["a"]])]
    assert tm.diff_tree(old, old, max_ops=0) == []
    # an added subtree costs one
    assert tm.diff_tree({}, {"a": {"b": {}, "c": {}}}, max_ops=1) == [
        ("add_tree", {"a": {"b": {}, "c": {}}}, None)]


def nodes(tree: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], dict[Any, Any]]:
    out = {}
    for key, child in tm.children_of(tree).items():
        out[path + (key,)] = tm.values_of(child)
        out.update(nodes(child, path + (key,)))
    return out


def random_tree(rng: random.Random, depth: int) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key in rng.sample("abcd", rng.randint(0, 4)):
        if depth and rng.random() < 0.5:
            tree[key] = random_tree(rng, depth - 1)
            tree[key]["n"] = rng.randint(0, 2)
        else:
            tree[key] = {"n": rng.randint(0, 2)}
    return tree


def test_diff_tree_applied_with_the_editors_gives_the_new_tree():
    rng = random.Random(1)
    for _ in range(300):
        old, new = random_tree(rng, 3), random_tree(rng, 3)
        model = tm.copy_tree(old)
        for method, *args in tm.diff_tree(old, new, max_ops=10**6):
            {"remove_items": tm.remove_items, "add_tree": tm.merge_tree,
             "set_cell": tm.set_cell}[method](model, *args)
        assert nodes(model) == nodes(new)


def deep(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    node = tree
    for _ in range(depth - 1):
        node["k"] = node = {}
    node["k"] = dict(leaf)
    return tree


def test_diff_tree_of_a_tree_deeper_than_the_recursion_limit():
    old, new = deep(5000, {"v": 1}), deep(5000, {"v": 2})
    assert tm.diff_tree(old, new) == [("set_cell", ["k"] * 5000, "v", 2)]
    assert tm.diff_tree(old, {}) == [("remove_items", [["k"]])]


# ---- tables ----------------------------------------------------------------------------

def test_column_key_of_every_descriptor_form():
    assert tm.column_key("Name") == "Name"
    assert tm.column_key({"key": "name", "label": "Name"}) == "name"
    assert tm.column_key({"label": "Name"}) == "Name"
    assert tm.column_key({"type": "int"}) is None
    assert tm.column_key({"type": "int"}, 3) == "col3"
    assert tm.column_key(("Name", "name")) == "name"
    assert tm.column_key(("name",)) == "name"
    assert tm.column_key(None, 2) is None


def test_rows():
    rows: list[Any] = [{"a": 1}, {"a": 2}]
    row = {"a": [3]}
    assert tm.append_row(rows, row) and rows[2] == row and rows[2]["a"] is not row["a"]
    assert tm.insert_row(rows, 0, {"a": 0}) and rows[0] == {"a": 0}
    assert tm.insert_row(rows, -1, {"a": 9}) and rows[-1] == {"a": 9}     # appended
    assert tm.insert_row(rows, 99, {"a": 10}) and rows[-1] == {"a": 10}
    assert [r["a"] for r in rows] == [0, 1, 2, [3], 9, 10]
    assert tm.delete_row(rows, 0) and rows[0] == {"a": 1}
    assert not tm.delete_row(rows, -1) and not tm.delete_row(rows, 5)
    assert not tm.append_row(None, {}) and not tm.insert_row((), 0, {})


def test_columns():
    cols: list[Any] = ["a", {"key": "b", "label": "B"}]
    assert tm.append_column(cols, {"label": "C"})
    assert tm.insert_column(cols, "z", before="b") and cols[1] == "z"
    assert tm.insert_column(cols, "y", index=0) and cols[0] == "y"
    assert tm.insert_column(cols, "x", before="b", index=99) and cols[-1] == "x"   # index wins
    assert tm.insert_column(cols, "w", before="nope") and cols[-1] == "w"
    assert cols == ["y", "a", "z", {"key": "b", "label": "B"}, {"label": "C"}, "x", "w"]
    assert tm.delete_column(cols, "b") and {"key": "b", "label": "B"} not in cols
    assert not tm.delete_column(cols, "B")                  # by key, not label
    assert tm.delete_column(cols, 0) and cols[0] == "a"     # by position
    assert not tm.delete_column(cols, 99) and not tm.delete_column(cols, "nope")


def test_row_set_cell_dict_and_list_rows():
    cols = ["a", {"key": "b"}, {"title": "t"}]
    rows: list[Any] = [{"a": 1}, [1, 2, 3], (1, 2)]
    assert tm.row_set_cell(rows, cols, 0, "b", 5) and rows[0] == {"a": 1, "b": 5}
    assert tm.row_set_cell(rows, cols, 0, 2, 6) and rows[0]["col2"] == 6
    assert tm.row_set_cell(rows, cols, 1, "b", 7) and rows[1] == [1, 7, 3]
    assert tm.row_set_cell(rows, cols, 1, 0, 8) and rows[1] == [8, 7, 3]
    assert not tm.row_set_cell(rows, cols, 1, 3, 9)          # lists are not extended
    assert not tm.row_set_cell(rows, cols, 1, "nope", 9)
    assert not tm.row_set_cell(rows, cols, 0, 5, 9)          # no such column
    assert not tm.row_set_cell(rows, cols, 2, 0, 9)          # a tuple row
    assert not tm.row_set_cell(rows, cols, 3, "a", 9)
    assert not tm.row_set_cell(None, cols, 0, "a", 9)


def test_the_sync_module_is_the_same_functions():
    for name in tm.__all__:
        assert getattr(sync_tm, name) is getattr(tm, name)
    assert sorted(sync_tm.__all__) == sorted(tm.__all__)
