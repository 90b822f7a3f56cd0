"""The widget catalog built from pgwidgets_js.defs: classes, kinds, argument binding."""

import inspect

import pytest
from pgwidgets_js import defs

from pgwidgets_core.catalog import Kind, bind_args, catalog, widget_def
from pgwidgets_core.widget import widget_class


def test_every_defs_class_is_in_the_catalog():
    assert set(catalog()) == set(defs.WIDGETS)
    assert len(catalog()) == 52


@pytest.mark.parametrize("name", sorted(defs.WIDGETS))
def test_generated_constructor_has_args_then_options_as_named_parameters(name):
    entry = defs.WIDGETS[name]
    sig = inspect.signature(widget_class(name))
    names = list(sig.parameters)
    assert names[0] == "session"
    assert names[1:-1] == [*entry["args"], *entry["options"]]
    assert sig.parameters[names[-1]].kind is inspect.Parameter.VAR_KEYWORD


@pytest.mark.parametrize("name", sorted(defs.WIDGETS))
def test_every_defs_method_becomes_a_method_of_the_generated_class(name):
    base = {"container": defs.CONTAINER_METHODS, "widget": defs.WIDGET_METHODS,
            "callback": defs.CALLBACK_METHODS}[defs.WIDGETS[name]["base"]]
    cls = widget_class(name)
    for method in {**base, **defs.WIDGETS[name]["methods"]}:
        assert callable(getattr(cls, method)), f"{name}.{method}"


@pytest.mark.parametrize("cls, method, kind, key", [
    ("Label", "set_text", Kind.SETTER, "text"),
    ("Label", "get_text", Kind.GETTER, "text"),
    ("Slider", "get_value", Kind.GETTER, "value"),
    ("Slider", "set_limits", Kind.SETTER, "limits"),
    ("Splitter", "get_sizes", Kind.GETTER, "sizes"),
    ("VBox", "get_children", Kind.QUERY, None),       # no set_children: the page knows
    ("TreeView", "get_column_widths", Kind.QUERY, None),
    ("Timer", "elapsed_time", Kind.QUERY, None),
    ("Button", "show", Kind.SETTER, "visible"),
    ("Button", "hide", Kind.SETTER, "visible"),
    ("Button", "is_visible", Kind.GETTER, "visible"),
    ("TopLevel", "resize", Kind.SETTER, "size"),
    ("TopLevel", "get_size", Kind.GETTER, "size"),
    ("TopLevel", "get_position", Kind.GETTER, "position"),
    ("Label", "get_position", Kind.QUERY, None),
    ("VBox", "add_widget", Kind.CHILD, None),
    ("TopLevel", "set_widget", Kind.CHILD, None),
    ("MenuBar", "add_menu", Kind.CHILD, None),
    ("MenuBar", "add_name", Kind.FACTORY, None),
    ("Menu", "add_name", Kind.FACTORY, None),
    ("ToolBar", "add_action", Kind.FACTORY, None),
    ("Timer", "start", Kind.ACTION, None),
    ("TextArea", "append_text", Kind.ACTION, None),
    ("MenuAction", "set_state", Kind.SETTER, "checked"),
    ("MenuAction", "get_state", Kind.GETTER, "checked"),
])
def test_methods_are_classified_by_what_they_do(cls, method, kind, key):
    spec = widget_def(cls).methods[method]
    assert spec.kind is kind
    assert spec.key == key


def test_visual_classes_get_resize_and_map_callbacks_and_timer_does_not():
    assert {"resize", "map"} <= widget_def("Button").callbacks
    assert "resize" not in widget_def("Timer").callbacks
    assert widget_def("Timer").callbacks == {"expired", "cancelled"}


def test_unknown_class_names_the_class():
    with pytest.raises(KeyError, match="NoSuchWidget"):
        widget_def("NoSuchWidget")


def test_keywords_fill_slots_by_name_and_skipped_slots_become_none():
    assert bind_args("Button.set_color", ("bg", "fg"), (), {"fg": "red"}) == [None, "red"]


def test_trailing_none_slots_are_dropped_so_js_defaults_apply():
    assert bind_args("Box.add_widget", ("child", "stretch"), ("w",), {}) == ["w"]
    assert bind_args("Box.add_widget", ("child", "stretch"), ("w", None), {}) == ["w"]


def test_leftover_keywords_go_into_a_trailing_options_object():
    assert bind_args("TabWidget.add_widget", ("child", "options"), ("w",),
                     {"title": "One"}) == ["w", {"title": "One"}]
    assert bind_args("TabWidget.add_widget", ("child", "options"), ("w", {"a": 1}),
                     {"title": "One"}) == ["w", {"a": 1, "title": "One"}]


def test_unknown_keyword_raises_type_error_naming_method_and_parameters():
    with pytest.raises(TypeError, match=r"Slider.set_value\(\).*colour.*val"):
        bind_args("Slider.set_value", ("val",), (), {"colour": 1})


def test_too_many_positional_arguments_raise_type_error():
    with pytest.raises(TypeError, match=r"Label.set_text\(\) takes 1 argument"):
        bind_args("Label.set_text", ("text",), ("a", "b"), {})


def test_duplicate_argument_raises_type_error():
    with pytest.raises(TypeError, match="multiple values for argument 'text'"):
        bind_args("Label.set_text", ("text",), ("a",), {"text": "b"})
