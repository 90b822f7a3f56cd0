"""``pgwidgets_core.extras.listing``: what the file browser shows of a folder."""

from __future__ import annotations

import pytest

from pgwidgets_core.extras import listing
from pgwidgets_core.extras.listing import format_size, read_directory, rows


def test_format_size_picks_the_unit():
    assert [format_size(n) for n in (0, 1023, 1536, 5 << 20, 3 << 30)] == [
        "0 B", "1023 B", "1.5 KB", "5.0 MB", "3.0 GB"]


def test_folders_first_then_names_case_aside_hidden_left_out(tmp_path):
    for name in ("b.txt", "A.py", ".hidden"):
        (tmp_path / name).write_text("x")
    (tmp_path / "zdir").mkdir()
    assert [e.name for e in read_directory(str(tmp_path))] == ["zdir", "A.py", "b.txt"]
    assert ".hidden" in [e.name for e in read_directory(str(tmp_path), show_hidden=True)]


def test_rows_have_a_parent_row_and_filter_files_not_folders(tmp_path, monkeypatch):
    (tmp_path / "pics").mkdir()
    (tmp_path / "a.PNG").write_text("x")
    (tmp_path / "b.txt").write_text("x")
    monkeypatch.setitem(listing.ICONS, "png", "data:image/png;base64,AA==")
    got = rows(read_directory(str(tmp_path)), ["png"])
    assert [r["name"] for r in got] == ["..", "pics", "a.PNG"]
    assert got[2]["icon"] == "data:image/png;base64,AA==" and got[2]["size"] == "1 B"
    assert got[1]["icon"] == listing.ICONS["folder"] and got[1]["size"] == ""
    assert [r["name"] for r in rows([], None, parent=False)] == []


def test_an_unreadable_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_directory(str(tmp_path / "missing"))


def test_set_icon_reads_the_file_once_as_a_data_uri(tmp_path, monkeypatch):
    png = tmp_path / "py.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setitem(listing.ICONS, "py", "")           # undone after the test
    listing.set_icon("py", png)
    png.unlink()
    assert listing.ICONS["py"] == "data:image/png;base64,iVBORw0KGgo="
    assert listing.icon_for("tool.PY", False) == listing.ICONS["py"]
    assert listing.icon_for("tool.py", True) == listing.ICONS["folder"]


def test_a_scope_keeps_links_and_parents_inside_its_root(tmp_path):
    inside = tmp_path / "root"
    (inside / "sub").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("x")
    (inside / "escape").symlink_to(tmp_path)
    scope = listing.Scope(inside)
    assert scope.kind(str(inside / "sub")) == "dir"
    assert scope.kind(str(inside / "nothing")) is None
    assert scope.kind(str(tmp_path / "secret.txt")) == "outside"
    assert scope.kind(str(inside / "escape" / "secret.txt")) == "outside"
    assert scope.list(str(inside))[1] is False            # no .. at the root
    assert scope.list(str(inside / "sub"))[1] is True
    with pytest.raises(PermissionError, match="outside"):
        scope.list(str(tmp_path))
    assert listing.Scope().kind(str(tmp_path / "secret.txt")) == "file"
    assert listing.Scope().list("/")[1] is False
