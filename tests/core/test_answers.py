"""Methods the reference binding answers from its own model, answered from ours:
plain where it has them plain, awaited where it awaits them; no page needed."""

from __future__ import annotations

import inspect
import socket

import pytest

from pgwidgets_core import Application, Widget
from pgwidgets_core.widget import Done


@pytest.fixture
def session():
    return Application(ws_port=0, http_port=0).create_session()


async def test_index_of_and_index_to_widget_follow_the_tree(session):
    W = session.get_widgets()
    tabs, a, b, stranger = W.TabWidget(), W.Label("a"), W.Label("b"), W.Label("c")
    await tabs.add_widget(a, "A")
    await tabs.add_widget(b, "B")
    assert tabs.index_of(b) == 1 and tabs.index_of(a) == 0 and tabs.index_of(stranger) == -1
    assert tabs.index_to_widget(1) is b and tabs.index_to_widget(5) is None
    await tabs.remove(a)
    assert tabs.index_of(b) == 0 and tabs.index_to_widget(0) is b


async def test_get_menu_finds_the_submenu_by_name(session):
    W = session.get_widgets()
    bar = W.MenuBar()
    file_menu = await bar.add_name("File")
    assert bar.get_menu("File") is file_menu and bar.get_menu("Edit") is None
    sub = await file_menu.add_menu("Recent")
    assert file_menu.get_menu("Recent") is sub


async def test_awaited_local_answers_and_plain_ones(session):
    W = session.get_widgets()
    box, label, top = W.VBox(), W.Label("x"), W.TopLevel(title="t")
    await box.add_widget(label)
    assert await box.num_children() == 1          # a container awaits it (as the reference)
    assert label.num_children() == 0              # a widget that holds none: plain
    assert await box.is_container() is True and await label.is_container() is False
    await top.set_position(30, 40)
    assert await top.get_position() == (30, 40)
    assert inspect.iscoroutinefunction(type(box).num_children)


async def test_text_buffer_ref_offset_and_line(session):
    W = session.get_widgets()
    src = W.TextSource("one\ntwo\nthree")
    ref = W.TextBufferRef(src, 5)
    assert ref.get_offset() == 5 and ref.get_line() == 1
    await ref.set_offset(9)
    assert ref.get_offset() == 9 and ref.get_line() == 2


async def test_set_binary_image_works_with_and_without_await(session):
    img = session.get_widgets().Image()
    done = img.set_binary_image(b"\x89PNG....", "png")
    assert isinstance(done, Done)
    await img.set_binary_image(b"\x89PNG....", "png")
    with pytest.raises(TypeError, match="buffer protocol"):
        img.set_binary_image("not bytes")


async def test_combobox_set_index_shows_that_item_text(session):
    combo = session.get_widgets().ComboBox()
    for t in ("red", "green", "blue"):
        await combo.append_text(t)
    await combo.set_index(1)
    assert combo.get_text() == "green" and combo.get_index() == 1


async def test_to_data_uri_dialog_content_area_and_create_session_token(tmp_path, session):
    f = tmp_path / "x.png"
    f.write_bytes(b"\x89PNG")
    assert Widget.to_data_uri(f) == "data:image/png;base64,iVBORw=="
    dialog = session.get_widgets().Dialog(title="d")
    with pytest.raises(NotImplementedError, match="add widgets to the dialog itself"):
        dialog.get_content_area()
    app = session.app
    s = app.create_session("kept", "tok-1")        # the token positionally, as the reference
    assert s.token == "tok-1" and app.create_session("kept", "tok-1") is s


def test_ws_sock_is_checked():
    with pytest.raises(TypeError, match="ws_sock must be a bound socket.socket"):
        Application(ws_sock=9500)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(ValueError, match="SOCK_STREAM"):
            Application(ws_sock=udp)
    finally:
        udp.close()


async def test_text_source_end_line_modified_and_cursor_style(session):
    W = session.get_widgets()
    src = W.TextSource("one\ntwo")
    assert src.get_end_lineno() == 1 and src.get_modified() is False
    assert src.get_cursor_style() == ("line", None)
    await src.insert_text(W.TextBufferRef(src, 3), "\nand a half")
    assert src.get_end_lineno() == 2 and src.get_modified() is True
    src.mark_clean()
    assert src.get_modified() is False
    await src.set_text("fresh")                   # a new text is unmodified, as the reference
    assert src.get_modified() is False and src.get_end_lineno() == 0
    await src.set_cursor_style("block", "red")
    assert src.get_cursor_style() == ("block", "red")


def test_leftover_keywords_go_into_an_options_parameter():
    from pgwidgets_core.catalog import bind_args
    assert bind_args("TextSource.create_tag", ("name", "attrs"), ("err",),
                     {"color": "red"}) == ["err", {"color": "red"}]
    assert bind_args("TextSource.find", ("query", "opts"), ("Ab",),
                     {"case_insensitive": True}) == ["Ab", {"case_insensitive": True}]
    assert bind_args("TextSource.create_tag", ("name", "attrs"), ("err", {"bold": True}),
                     {"color": "red"}) == ["err", {"bold": True, "color": "red"}]
    with pytest.raises(TypeError, match="unexpected keyword.*colour"):
        bind_args("Label.set_text", ("text",), (), {"colour": "red"})
