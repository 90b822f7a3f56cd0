"""State records, the widget tree and the replay plan (pure)."""

import gc

from pgwidgets_core.catalog import widget_def
from pgwidgets_core.replay import replay_plan
from pgwidgets_core.state import Tree
from pgwidgets_core.usersync import apply_callback, auto_listens


def replay_msgs(tree):
    return [step.msg for step in replay_plan(tree)]


def rec(tree, cls, *args, **seeded):
    r = tree.record(widget_def(cls), list(args), {k: (v,) for k, v in seeded.items()},
                    wid=tree.allocate())
    tree.add(r)
    return r


def plan_calls(tree):
    out = []
    for msg in replay_msgs(tree):
        if msg["type"] == "call":
            out.append((msg["wid"], msg["method"], msg["args"]))
        elif msg["type"] == "create":
            out.append((msg["wid"], "create", msg["class"]))
        else:
            out.append((None, msg["type"], None))
    return out


def test_state_replays_in_the_order_of_the_latest_writes():
    t = Tree()
    s = rec(t, "Slider")
    s.write("value", (5,))
    s.write("limits", (0, 100, 1))
    s.write("value", (80,))          # set after the new limits: must be replayed after them
    calls = [c for c in plan_calls(t) if c[0] == s.wid and c[1] != "create"]
    assert calls == [(s.wid, "set_limits", [0, 100, 1]), (s.wid, "set_value", [80])]


def test_local_read_prefers_recorded_then_constructor_then_class_default():
    t = Tree()
    e = rec(t, "TextEntry", text="from ctor")
    assert e.read("text") == "from ctor"
    e.write("text", ("typed",))
    assert e.read("text") == "typed"
    assert rec(t, "TextEntry").read("text") == ""
    assert rec(t, "TabWidget").read("index") == -1
    top = rec(t, "TopLevel")
    assert top.read("visible") is False and rec(t, "Label").read("visible") is True
    top.write("size", (300, 200))
    assert top.read("size") == (300, 200)


def test_walk_yields_roots_in_creation_order_then_children_in_attach_order():
    t = Tree()
    a, b, box, top = rec(t, "Label"), rec(t, "Label"), rec(t, "VBox"), rec(t, "TopLevel")
    t.attach(box, b, "add_widget", [b])
    t.attach(box, a, "add_widget", [a])
    t.attach(top, box, "set_widget", [box])
    assert list(t.walk()) == [top, box, b, a]


def test_set_widget_replaces_the_previous_child_which_stays_as_a_root():
    t = Tree()
    top, first, second = rec(t, "TopLevel"), rec(t, "Label"), rec(t, "Label")
    t.attach(top, first, "set_widget", [first], single=True)
    t.attach(top, second, "set_widget", [second], single=True)
    assert [e.child for e in top.children] == [second]
    assert first.parent is None and first.wid in t.roots


def test_insert_places_the_child_among_widget_children_and_replays_as_add():
    t = Tree()
    box, a, b, c = rec(t, "VBox"), rec(t, "Label"), rec(t, "Label"), rec(t, "Label")
    t.attach(box, a, "add_widget", [a])
    t.attach(box, b, "add_widget", [b])
    t.attach(box, c, "add_widget", [c], index=1)
    t.detach(a)
    assert [e.child for e in box.children] == [c, b]


def test_dropped_widgets_and_their_children_leave_the_tree():
    t = Tree()
    top, box, lab = rec(t, "TopLevel"), rec(t, "VBox"), rec(t, "Label")
    t.attach(box, lab, "add_widget", [lab])
    t.attach(top, box, "set_widget", [box])
    gone = t.drop(top)
    assert set(gone) == {top, box, lab}
    assert list(t.walk()) == [] and t.records == {}


def test_plan_creates_first_then_replays_calls_in_the_order_they_happened_then_visibility():
    t = Tree()
    top, lab = rec(t, "TopLevel"), rec(t, "Label")
    top.write("title", ("T",))
    top.write("visible", (True,))
    t.attach(top, lab, "set_widget", [lab])
    top.listen("move")
    assert plan_calls(t) == [
        (None, "reconstruct-start", None),
        (top.wid, "create", "TopLevel"), (lab.wid, "create", "Label"),
        (None, "listen", None),
        (top.wid, "set_title", ["T"]), (top.wid, "set_widget", [lab]),
        (top.wid, "show", []),
        (None, "reconstruct-end", None)]


def test_reconstruct_start_reserves_the_server_wids():
    t = Tree()
    rec(t, "Label"), rec(t, "Label")
    t.bump(10)
    first = replay_plan(t)[0].msg
    assert first == {"type": "reconstruct-start", "next_wid": 11}


def test_widgets_named_in_constructor_arguments_are_created_before_their_user():
    t = Tree()
    label = t.record(widget_def("Label"), [None, {"menu": None}], {}, wid=1)
    menu = t.record(widget_def("Menu"), [], {}, wid=2)
    label.create_args = ["x", {"menu": menu}]
    t.add(label), t.add(menu)
    creates = [m["wid"] for m in replay_msgs(t) if m["type"] == "create"]
    assert creates == [2, 1]


def test_index_and_sizes_are_replayed_after_all_children():
    t = Tree()
    tabs, a, b = rec(t, "TabWidget"), rec(t, "Label"), rec(t, "Label")
    tabs.write("index", (1,))
    t.attach(tabs, a, "add_widget", [a, {"title": "A"}])
    t.attach(tabs, b, "add_widget", [b, {"title": "B"}])
    calls = [c[1] for c in plan_calls(t) if c[0] == tabs.wid]
    assert calls == ["create", "add_widget", "add_widget", "set_index"]


def test_user_changes_from_callbacks_update_state_and_report_what_changed():
    t = Tree()
    s = rec(t, "Slider")
    assert apply_callback(s, "activated", [42]) == [("value", (42,))]
    assert apply_callback(s, "activated", [42]) == []          # no change, no push
    assert s.read("value") == 42
    tabs = rec(t, "TabWidget")
    apply_callback(tabs, "page-switch", ["child", 2])
    assert tabs.read("index") == 2
    top = rec(t, "TopLevel")
    apply_callback(top, "resize", [{"width": 300, "height": 200}])
    apply_callback(top, "move", [10, 20])
    assert top.read("size") == (300, 200) and top.read("position") == (10, 20)


def test_layout_resizes_of_ordinary_widgets_are_not_state():
    t = Tree()
    lab = rec(t, "Label")
    assert apply_callback(lab, "resize", [{"width": 30, "height": 20}]) == []


def test_auto_listens_cover_user_editable_state():
    assert auto_listens(widget_def("Slider")) == ("activated",)
    assert set(auto_listens(widget_def("TopLevel"))) == {"move", "resize", "window-state"}
    assert "page-close" in auto_listens(widget_def("TabWidget"))
    assert auto_listens(widget_def("Label")) == ()


def test_a_childs_setter_before_its_attach_is_replayed_before_it():
    t = Tree()
    box, child = rec(t, "HBox"), rec(t, "Label")
    child.write("size", (380, 60))                # resized first...
    t.attach(box, child, "add_widget", [child])   # ...then attached
    child.write("text", ("late",))
    calls = [c[1] for c in plan_calls(t) if c[1] not in ("create", "reconstruct-start",
                                                         "reconstruct-end")]
    assert calls == ["resize", "add_widget", "set_text"]


def test_a_record_holds_no_state_dict_until_its_first_write_and_none_is_shared():
    tree = Tree()
    a, b = rec(tree, "Label", "x"), rec(tree, "Label", "y")
    assert not _dicts(a) and a.state == {}                   # shared, read-only
    a.unset("text")                                          # nothing to forget
    a.put("_clean_text", ("x",))
    b.write("text", ("z",))
    assert a.state == {"_clean_text": ("x",)} and b.state == {"text": ("z",)}
    assert b.read("text") == "z"
    a.unset("_clean_text")
    assert a.state == {} and b.state == {"text": ("z",)}
    assert not _dicts(rec(tree, "Label"))


def _dicts(r):
    return [o for o in gc.get_referents(r) if type(o) is dict]


def test_plain_values_leave_the_state_dict_untracked_by_the_cyclic_gc():
    """A label's text written 48,000 times over made 48,000 dicts the GC tracked until
    its next full collection, which they brought forward (docs/performance.md)."""
    tree = Tree()
    a = rec(tree, "Label", "x")
    a.write("text", ("z" * 3,))
    a.write("size", (10, 2.5))
    a.write("visible", (True,))
    a.write("text", ("w" * 3,))
    gc.collect()                                 # untracks the (10, 2.5) tuple
    a.write("halign", ("left",))
    state, stamps = _dicts(a)[:2]
    assert not gc.is_tracked(state) and not gc.is_tracked(stamps)
    assert a.recorded("text") == ("www",) and a.recorded("size") == (10, 2.5)
    assert a.read("text") == "www" and a.read("visible") is True and a.read("size") == (10, 2.5)
    assert list(a.recorded_items()) == [("size", (10, 2.5)), ("visible", (True,)),
                                        ("text", ("www",)), ("halign", ("left",))]
    a.write("margins", (None,))                  # None is not kept bare: it means "none"
    assert a.recorded("margins") == (None,) and a.has("margins")
    a.put("_items", ([1, 2],))                   # a list: tracked, as it must be
    assert gc.is_tracked(_dicts(a)[0])
    assert a.recorded("_items")[0] == [1, 2]


def test_a_rejected_write_goes_back_to_what_the_key_held_unless_written_since():
    tree = Tree()
    a = rec(tree, "Label", text="x")
    first = a.write("text", ("one",))
    prev = a.write("text", ("two",))
    assert first is None
    a.revert("text", ("two",), prev)
    assert a.recorded("text") == ("one",)
    prev = a.write("text", ("three",))
    a.write("text", ("four",))                   # written since: the later value stays
    a.revert("text", ("three",), prev)
    assert a.recorded("text") == ("four",)
    a.revert("text", ("four",), first)           # nothing before it: forgotten
    assert not a.has("text") and a.read("text") == "x"


def test_constructor_values_are_one_flat_tuple_read_by_key_never_by_value():
    tree = Tree()
    r = tree.record(widget_def("Label"), ["title"], ("text", "title", "halign", "text"),
                    wid=tree.allocate())
    assert r.read("text") == "title" and r.read("halign") == "text"
    assert r.seeded == {"text": ("title",), "halign": ("text",)}
    r.unseed("text")
    assert r.read("text") == widget_def("Label").default("text")
    r.seed(text="again")
    assert r.seeded == {"halign": ("text",), "text": ("again",)}
    assert rec(tree, "Label", text="x").read("text") == "x"     # a mapping works too
