"""Class-specific models folded into the records, and how they replay (pure)."""

from pgwidgets_core import models
from pgwidgets_core.catalog import widget_def
from pgwidgets_core.replay import replay_plan


def replay_msgs(tree):
    return [step.msg for step in replay_plan(tree)]
from pgwidgets_core.protocol import Ref
from pgwidgets_core.state import Tree


class W(Ref):
    """Stands for a Widget in call arguments (models look its record up by wid)."""

    __slots__ = ("wid",)

    def __init__(self, rec):
        self.wid = rec.wid


def rec(tree, cls, *args):
    r = tree.record(widget_def(cls), list(args), {}, wid=tree.allocate())
    tree.add(r)
    return r


def calls_for(tree, r):
    return [(m["method"], m["args"]) for m in replay_msgs(tree)
            if m["type"] == "call" and m["wid"] == r.wid]


def test_combo_items_replay_before_the_index_that_selects_among_them():
    t = Tree()
    c = rec(t, "ComboBox")
    for word in ("pear", "apple"):
        models.track(t, c, "append_text", [word])
    models.track(t, c, "insert_alpha", ["banana"])
    models.track(t, c, "delete_alpha", ["pear"])
    c.write("index", (1,))
    assert c.read("text") == "pear"          # the first item was auto-selected
    assert calls_for(t, c) == [("append_text", ["banana"]), ("append_text", ["apple"]),
                               ("set_text", ["pear"]), ("set_index", [1])]


def test_text_typed_into_an_editable_combo_joins_its_items():
    t = Tree()
    c = rec(t, "ComboBox")
    models.track(t, c, "append_text", ["a"])
    pushes = models.track_user(t, c, "activated", [1, "typed"])
    assert c.state["_items"][0] == ["a", "typed"]
    assert pushes == [("append_text", ["typed"]), ("set_index", [1])]


def test_appended_text_accumulates_in_the_text_state():
    t = Tree()
    ta = rec(t, "TextArea", "one\n")
    models.track(t, ta, "append_text", ["two\n"])
    assert ta.read("text") == "two\n"        # no seeded text here: Record built bare
    ta.seed(text="one\n")
    ta.unset("text")
    models.track(t, ta, "append_text", ["two\n"])
    assert ta.read("text") == "one\ntwo\n"


def test_grid_rows_inserted_and_deleted_move_cells_and_resize_the_grid():
    t = Tree()
    g = rec(t, "GridBox")
    a, b, c, d = (rec(t, "Label") for _ in range(4))
    t.attach(g, a, "add_widget", [W(a), 0, 0]); models.track(t, g, "add_widget", [W(a), 0, 0])
    t.attach(g, b, "add_widget", [W(b), 1, 1]); models.track(t, g, "add_widget", [W(b), 1, 1])
    models.track(t, g, "insert_row", [0, [W(c)]])          # a, b move down a row
    models.track(t, g, "append_row", [[W(d)]])             # d lands in row 3
    models.track(t, g, "delete_row", [1])                  # a leaves; b, d move up
    cells = {e.child.wid: e.args[1:] for e in g.children}
    assert cells == {b.wid: [1, 1], c.wid: [0, 0], d.wid: [2, 0]}
    assert a.parent is None and a.wid in t.roots
    assert g.create_args == [{"rows": 3, "columns": 2}]


def test_closed_tabs_leave_the_tree():
    t = Tree()
    tabs, page = rec(t, "TabWidget"), rec(t, "Label")
    t.attach(tabs, page, "add_widget", [W(page), {"title": "P"}])
    models.track(t, tabs, "close_widget", [W(page)])
    assert tabs.children == [] and page.parent is None


def test_tree_edits_replay_in_order_after_the_last_full_model():
    t = Tree()
    tv = rec(t, "TreeView")
    tv.write("tree", ({"a": {}},))
    models.track(t, tv, "set_tree", [{"a": {}}])
    models.track(t, tv, "add_item", [None, "b", ["B"]])
    models.track(t, tv, "set_row_color", [["b"], "red", None, None])
    models.track(t, tv, "expand_item", [["a"]])
    models.track(t, tv, "collapse_item", [["a"]])
    models.track(t, tv, "sort_by_column", ["name", False])
    assert calls_for(t, tv) == [("set_tree", [{"a": {}}]),
                                ("add_item", [None, "b", ["B"]]),
                                ("set_row_color", [["b"], "red", None, None]),
                                ("collapse_item", [["a"]]),
                                ("sort_by_column", ["name", False])]
    tv.write("tree", ({"z": {}},))
    models.track(t, tv, "set_tree", [{"z": {}}])            # a new model drops the log
    assert calls_for(t, tv) == [("set_tree", [{"z": {}}])]


def test_user_expansion_and_sorting_are_recorded_and_pushed():
    t = Tree()
    tv = rec(t, "TreeView")
    assert models.track_user(t, tv, "expanded", [["x"], ["a", "b"]]) == \
        [("expand_item", [["a", "b"]])]
    assert models.track_user(t, tv, "sorted", ["size", True]) == \
        [("sort_by_column", ["size", True])]
    assert models.replay_late(tv) == [("expand_item", [["a", "b"]]),
                                      ("sort_by_column", ["size", True])]


def test_clear_all_colors_drops_colour_edits_but_keeps_data_edits():
    t = Tree()
    tv = rec(t, "TableView")
    models.track(t, tv, "append_row", [["1"]])
    models.track(t, tv, "set_cell_color", [0, 0, "red", None, None])
    models.track(t, tv, "clear_all_colors", [])
    assert models.replay_edits(tv) == [("append_row", [["1"]]), ("clear_all_colors", [])]


def test_selecting_a_radio_button_deselects_its_group_in_the_record():
    t = Tree()
    first = rec(t, "RadioButton", "first")
    second = t.record(widget_def("RadioButton"), [], {"group": (W(first),)}, wid=t.allocate())
    t.add(second)
    alone = rec(t, "RadioButton", "alone")
    second.write("state", (True,)), alone.write("state", (True,))
    models.track_user(t, first, "activated", [True])
    first.write("state", (True,))
    assert (first.read("state"), second.read("state"), alone.read("state")) == \
        (True, False, True)


def test_separators_and_popups_are_recorded():
    t = Tree()
    dlg = rec(t, "Dialog")
    models.track(t, dlg, "popup", [10, 20])
    assert dlg.read("position") == (10, 20) and dlg.read("visible") is True
    assert "add_separator" in models.SEQUENCE_ACTIONS


def test_text_source_edits_move_tags_and_refs_like_the_page_and_rebuild_in_one_go():
    t = Tree()
    ts = rec(t, "TextSource", "alpha beta gamma")
    ts.seed(text="alpha beta gamma")
    a = t.record(widget_def("TextBufferRef"), [W(ts), 6], {"offset": (6,)}, wid=t.allocate())
    b = t.record(widget_def("TextBufferRef"), [W(ts), 10], {"offset": (10,)}, wid=t.allocate())
    t.add(a), t.add(b)
    models.track(t, ts, "create_tag", ["hot", {"bold": True}])
    models.track(t, ts, "apply_tag", ["hot", W(a), W(b)])
    models.on_pulled(t, ts, "text", ("ALPHA! beta gamma",))     # user typed at the start
    m = ts.state["_textmodel"][0]
    assert m.text == "ALPHA! beta gamma" and m.tags == [["hot", 7, 11]]
    assert (a.read("offset"), b.read("offset")) == (7, 11)
    assert ts.create_args[0] == "ALPHA! beta gamma" and a.create_args[1] == 7
    ts.write("text", ("ALPHA! beta gamma",))
    assert calls_for(t, ts) == [("create_tag", ["hot", {"bold": True}]),
                                ("_restoreTagIntervals", [[{"name": "hot", "start": 7,
                                                            "end": 11}]])]
