"""The tree and table helpers of :mod:`pgwidgets_core.tree_model`, under the blocking
API's name: they are pure functions on plain dicts and lists, the same for both APIs
(a program written for the reference's ``pgwidgets.tree_model`` may import either)."""

from __future__ import annotations

from pgwidgets_core.tree_model import (VALUES_KEY, add_item, append_column, append_row,
                                       children_of, column_key, copy_tree, delete_column,
                                       delete_row, delete_tree, diff_tree, insert_column,
                                       insert_row, merge_tree, node_at, remove_item,
                                       remove_items, row_set_cell, set_cell, values_of,
                                       values_target)

__all__ = ["VALUES_KEY", "children_of", "values_of", "values_target", "node_at",
           "copy_tree", "add_item", "merge_tree", "remove_item", "remove_items",
           "set_cell", "delete_tree", "diff_tree", "column_key", "append_row",
           "insert_row", "delete_row", "append_column", "insert_column",
           "delete_column", "row_set_cell"]
