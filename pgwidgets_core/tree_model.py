"""Pure helpers on the data that TreeView and TableView show.

A program that keeps its own copy of what a view shows can edit that copy with the
same vocabulary as the view's methods (``add_item``, ``set_cell``, ``delete_tree``,
``insert_row``...), and :func:`diff_tree` says which calls bring a view showing one
tree to another one, so a refresh sends a few cell writes instead of a new tree.

Nothing here talks to a session: every function takes plain dicts and lists and
changes them in place (or reads them), so it serves both APIs. ``pgwidgets_sync``
re-exports this module as :mod:`pgwidgets_sync.tree_model`.

The tree format (the one ``TreeView.set_tree`` takes)
------------------------------------------------------
A tree is a dict from node keys to nodes. A node is a dict too: its entries whose
values are dicts are its children (the entry :data:`VALUES_KEY` excepted); its column
values are the dict under :data:`VALUES_KEY` when there is one, else its other
(non-dict) entries. So a node without dict entries is a leaf whose dict holds its
values. A path is a sequence of keys from the root; ``None`` or ``[]`` is the root.

Tables (``TableView.set_rows``) are lists of rows, each a dict keyed by column key or
a list in column order; columns are strings, dicts (``{"key": ..., "label": ...}``)
or ``(label, key)`` pairs, see :func:`column_key`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

__all__ = ["VALUES_KEY", "children_of", "values_of", "values_target", "node_at",
           "copy_tree", "add_item", "merge_tree", "remove_item", "remove_items",
           "set_cell", "delete_tree", "diff_tree", "column_key", "append_row",
           "insert_row", "delete_row", "append_column", "insert_column",
           "delete_column", "row_set_cell"]

#: The entry of an interior node that holds its own column values.
VALUES_KEY = "__values__"

Node = dict[Any, Any]
#: One call of :func:`diff_tree`'s answer: the TreeView method's name, then its arguments.
Op = tuple[Any, ...]


# ---- reading nodes ---------------------------------------------------------------

def children_of(node: Any) -> Node:
    """A new dict of ``node``'s children (its dict-valued entries but
    :data:`VALUES_KEY`), in their order; ``{}`` for anything that is not a dict."""
    if not isinstance(node, dict):
        return {}
    return {k: v for k, v in node.items() if isinstance(v, dict) and k != VALUES_KEY}


def values_of(node: Any) -> Node:
    """``node``'s column values, to read: its :data:`VALUES_KEY` dict itself when it
    has one, else a new dict of its non-dict entries; ``{}`` for a non-dict."""
    if not isinstance(node, dict):
        return {}
    own = node.get(VALUES_KEY)
    if isinstance(own, dict):
        return own
    return {k: v for k, v in node.items() if not isinstance(v, dict)}


def values_target(node: Any) -> Node | None:
    """The dict a new column value of ``node`` goes into: its :data:`VALUES_KEY` dict
    when it has one, else the node itself; ``None`` for a non-dict."""
    if not isinstance(node, dict):
        return None
    own = node.get(VALUES_KEY)
    return own if isinstance(own, dict) else node


def node_at(tree: Any, path: Iterable[Any] | None) -> Any:
    """What ``path`` leads to in ``tree`` (``tree`` itself for ``None`` or an empty
    path), or ``None`` when a key is missing or a step meets a non-dict. The last
    step may land on a column value, which is returned as it is."""
    here = tree
    for key in () if path is None else path:
        if not isinstance(here, dict):
            return None
        here = here.get(key)
    return here


def copy_tree(tree: Any) -> Any:
    """A deep copy of ``tree`` (of any value), sharing nothing with it."""
    return copy.deepcopy(tree)


def _stored(value: Any) -> Any:
    # A dict handed in becomes part of the tree: keep our own copy of it, so the
    # caller editing theirs afterwards cannot change the model.
    return copy_tree(value) if isinstance(value, dict) else value


# ---- editing trees ---------------------------------------------------------------

def add_item(tree: Any, parent: Iterable[Any] | None, key: Any, values: Any) -> bool:
    """Put a copy of ``values`` (a leaf's values or a whole subtree) under the node at
    ``parent`` as child ``key``; an existing ``key`` is replaced whole, in its place.
    False (nothing changed) when ``parent`` does not lead to a dict."""
    target = node_at(tree, parent)
    if not isinstance(target, dict):
        return False
    target[key] = _stored(values)
    return True


def merge_tree(tree: Any, subtree: Any, parent: Iterable[Any] | None = None) -> bool:
    """TreeView's ``add_tree``: each entry of ``subtree`` is stored (copied) under the
    node at ``parent``, replacing an entry of the same key with all below it. False
    when ``subtree`` is not a dict or ``parent`` does not lead to one."""
    if not isinstance(subtree, dict):
        return False
    target = node_at(tree, parent)
    if not isinstance(target, dict):
        return False
    for key, value in subtree.items():
        target[key] = _stored(value)
    return True


def remove_item(tree: Any, path: Iterable[Any] | None) -> bool:
    """Delete the entry ``path`` names (a node with all below it, or a column value).
    False when it is not there; the root itself (empty path) is never removed."""
    keys = [] if path is None else list(path)
    if not keys:
        return False
    parent = node_at(tree, keys[:-1])
    if not isinstance(parent, dict) or keys[-1] not in parent:
        return False
    del parent[keys[-1]]
    return True


def remove_items(tree: Any, paths: Iterable[Iterable[Any]] | None) -> int:
    """:func:`remove_item` for each path in turn; how many were removed."""
    return sum(remove_item(tree, path) for path in (() if paths is None else paths))


def set_cell(tree: Any, path: Iterable[Any] | None, col_key: Any, value: Any) -> bool:
    """Set column ``col_key`` of the node at ``path`` to ``value`` (into its
    :data:`VALUES_KEY` dict if it has one). False when ``path`` leads to no node."""
    target = values_target(node_at(tree, path))
    if target is None:
        return False
    target[col_key] = value
    return True


def delete_tree(tree: Any, spec: Any, prune_empty: bool = True) -> int:
    """TreeView's ``delete_tree``: remove what the nested dict ``spec`` names; the
    number of entries removed.

    Under each key of ``spec`` found in the tree: a value that is not a non-empty dict
    removes that entry whole; a non-empty dict is applied, the same way, to the node
    found there when that node has children (a node without children is removed
    whole). Keys not in the tree are skipped. With ``prune_empty``, a node that a
    nested spec was applied to and that has no children left is removed as well (and
    counted), which can cascade up to the top level.
    """
    if not spec:
        return 0
    keys = list(spec.keys())         # a spec that is no mapping fails here, whatever the tree
    if not isinstance(tree, dict):
        return 0
    return _delete(tree, spec, keys, bool(prune_empty))


def _delete(node: Node, spec: Any, keys: list[Any], prune: bool) -> int:
    removed = 0
    for key in keys:                 # listed first: spec may be (part of) the tree itself
        if key not in node:
            continue
        inner, found = spec[key], node[key]
        if isinstance(inner, dict) and inner and children_of(found):
            removed += _delete(found, inner, list(inner.keys()), prune)
            if not prune or children_of(found):
                continue
        del node[key]
        removed += 1
    return removed


# ---- diffing trees ---------------------------------------------------------------

def _count_nodes(tree: Any) -> int:
    count, todo = 0, [tree]
    while todo:
        kids = children_of(todo.pop())
        count += len(kids)
        todo.extend(kids.values())
    return count


def diff_tree(old: Any, new: Any, max_ops: int | None = None) -> list[Op] | None:
    """The TreeView calls that turn a view showing ``old`` into one showing ``new``,
    or ``None`` when they would cost more than ``max_ops`` (then ``set_tree(new)`` is
    the better call).

    The calls are tuples ``(method, *args)``, in this order: one
    ``("remove_items", [path, ...])`` for the nodes of ``old`` missing from ``new``
    (if any); ``("add_tree", {key: node}, parent_path_or_None)`` for each node of
    ``new`` missing from ``old`` (the node is ``new``'s own object, not a copy); and
    ``("set_cell", path, col_key, value)`` for each column value of a node in both
    that is new or differs (``!=``). Column values dropped from a node and a change
    of the order of keys are not reported; the top level's own values are ignored.
    The cost counts each removed path, each added node (with all below it) and each
    cell once. ``max_ops`` defaults to the number of nodes in ``new`` (at least 1).
    """
    limit = max(1, _count_nodes(new)) if max_ops is None else max_ops
    removed: list[list[Any]] = []
    added: list[Op] = []
    cells: list[Op] = []
    # Depth first in new's order: a node's missing children when it is entered, its
    # new children where they come, its own cells once all below it is done.
    todo: list[tuple[str, Any, Any, list[Any]]] = [("enter", old, new, [])]
    while todo:
        step, before, after, path = todo.pop()
        if step == "add":
            added.append(("add_tree", after, path or None))
        elif step == "cells":
            was = values_of(before)
            for col, value in values_of(after).items():
                if col not in was or was[col] != value:
                    cells.append(("set_cell", list(path), col, value))
        else:
            had, has = children_of(before), children_of(after)
            removed.extend(path + [key] for key in had if key not in has)
            steps: list[tuple[str, Any, Any, list[Any]]] = []
            for key, child in has.items():
                if key in had:
                    steps.append(("enter", had[key], child, path + [key]))
                    steps.append(("cells", had[key], child, path + [key]))
                else:
                    steps.append(("add", None, {key: child}, list(path)))
            todo.extend(reversed(steps))
        if len(removed) + len(added) + len(cells) > limit:
            return None
    ops: list[Op] = [("remove_items", removed)] if removed else []
    return ops + added + cells


# ---- tables: columns and flat rows -------------------------------------------------

def column_key(column: Any, index: int | None = None) -> Any:
    """The key of a column descriptor: a dict's ``"key"``, else its ``"label"``, else
    ``f"col{index}"`` (``None`` without an index); a list or tuple's second item (its
    only one if it has one); anything else (a string...) is its own key."""
    if isinstance(column, dict):
        key = column.get("key") or column.get("label")
        if key:
            return key
        return None if index is None else f"col{index}"
    if isinstance(column, (list, tuple)):
        return column[1] if len(column) > 1 else column[0]
    return column


def _position(index: Any, size: int) -> int | None:
    # A usable position in a list of `size` items (bools count, as ints do in Python).
    return index if isinstance(index, int) and 0 <= index <= size else None


def append_row(rows: Any, values: Any) -> bool:
    """Append a copy of ``values`` to the list ``rows``; False if ``rows`` is no list."""
    if not isinstance(rows, list):
        return False
    rows.append(copy_tree(values))
    return True


def insert_row(rows: Any, index: Any, values: Any) -> bool:
    """Insert a copy of ``values`` at ``index`` of the list ``rows``; an index that is
    no position from 0 to ``len(rows)`` (negative, too big, not an int) appends."""
    if not isinstance(rows, list):
        return False
    at = _position(index, len(rows))
    rows.insert(len(rows) if at is None else at, copy_tree(values))
    return True


def delete_row(rows: Any, index: Any) -> bool:
    """Delete row ``index`` (0 to ``len(rows) - 1``; negative ones are refused)."""
    if not isinstance(rows, list) or _position(index, len(rows) - 1) is None:
        return False
    del rows[index]
    return True


def append_column(columns: Any, column: Any) -> bool:
    """Append a copy of the descriptor ``column``; False if ``columns`` is no list."""
    return append_row(columns, column)


def _find_column(columns: list[Any], key: Any) -> int | None:
    for i, column in enumerate(columns):
        if column_key(column, i) == key:
            return i
    return None


def insert_column(columns: Any, column: Any, before: Any = None,
                  index: Any = None) -> bool:
    """Insert a copy of ``column``: at position ``index`` when one is given (an
    unusable one appends), else before the first column whose key is ``before``
    (TreeView's form; appended when there is none), else at the end."""
    if not isinstance(columns, list):
        return False
    if index is not None:
        at = _position(index, len(columns))
    elif before is not None:
        at = _find_column(columns, before)
    else:
        at = None
    columns.insert(len(columns) if at is None else at, copy_tree(column))
    return True


def delete_column(columns: Any, col: Any) -> bool:
    """Delete a column: an int ``col`` is a position (TableView), anything else the
    key of the first column to go (TreeView). False when there is no such column."""
    if not isinstance(columns, list):
        return False
    if isinstance(col, int):
        at = _position(col, len(columns) - 1)
    else:
        at = _find_column(columns, col)
    if at is None:
        return False
    del columns[at]
    return True


def row_set_cell(rows: Any, columns: Any, row: Any, col: Any, value: Any) -> bool:
    """Set one cell of the table ``rows`` (described by ``columns``, any iterable of
    descriptors or ``None``). ``row`` is a position; ``col`` a position or a column
    key. A dict row takes the key (a position is looked up in ``columns``, and may
    add the key to the row); a list row takes the position (a key is looked up in
    ``columns``) and is never extended. False when the cell cannot be named."""
    if not isinstance(rows, list) or _position(row, len(rows) - 1) is None:
        return False
    descriptors = list(columns or ())
    line = rows[row]
    if isinstance(line, dict):
        if isinstance(col, int):
            if _position(col, len(descriptors) - 1) is None:
                return False
            key = column_key(descriptors[col], col)
        else:
            key = col
        if key is None:
            return False
        line[key] = value
        return True
    if isinstance(line, list):
        at = col if isinstance(col, int) else _find_column(descriptors, col)
        if at is None or _position(at, len(line) - 1) is None:
            return False
        line[at] = value
        return True
    return False
