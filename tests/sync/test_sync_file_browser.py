"""The blocking file browser (``pgwidgets_sync.extras.file_browser``) in Chromium:
built in ``on_connect``, the user double-clicks into a folder and picks a file, the
handler runs on the session's callback thread with the path; a reload keeps the
folder; ``mode="files"`` hands a list."""

from __future__ import annotations

import os
import queue
import threading

import pytest
from playwright.sync_api import expect

from pgwidgets_sync.extras.file_browser import FileBrowser

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.txt").write_text("r")
    (tmp_path / "docs" / "notes.md").write_text("n")
    (tmp_path / "top.txt").write_text("t")
    return tmp_path


def cell(page, text):
    return page.get_by_text(text, exact=True)


def open_browser(make_app, page, tree, concurrency="per_session", **kw):
    """An app (``concurrency_handling=concurrency``) whose on_connect pops up a FileBrowser on
    ``tree``; what its handler gets, and the name of the thread it ran on, arrive
    on the returned queue."""
    app = make_app(concurrency_handling=concurrency)
    if concurrency == "serialized":          # handlers run in run(), on a thread of the test
        threading.Thread(target=app.run, daemon=True).start()
    got: queue.Queue = queue.Queue()
    made = {}

    @app.on_connect
    def setup(session):
        made["fb"] = fb = FileBrowser(session, title="Pick", **kw)
        made["home"] = threading.current_thread().name
        fb.on("activated", lambda p: got.put((p, threading.current_thread().name)))
        fb.set_directory(tree)
        fb.popup()

    page.set_default_timeout(5000)
    page.goto(app.url)
    expect(cell(page, "docs")).to_be_visible()
    return made, got


@pytest.mark.parametrize("mode", ["per_session", "serialized", "concurrent"])
def test_user_opens_a_folder_picks_a_file_and_reload_keeps_the_folder(make_app, page, tree,
                                                                      mode):
    made, got = open_browser(make_app, page, tree, mode)
    fb = made["fb"]
    expect(cell(page, "top.txt")).to_be_visible()
    cell(page, "docs").dblclick()
    expect(cell(page, "report.txt")).to_be_visible()
    docs = str(tree / "docs")
    assert fb.get_directory() == docs

    page.reload()
    expect(cell(page, "report.txt")).to_be_visible()
    expect(cell(page, "top.txt")).to_have_count(0)
    expect(page.locator("input").first).to_have_value(docs)

    cell(page, "report.txt").click()
    page.get_by_role("button", name="Open").click()
    path, thread = got.get(timeout=5)
    assert path == os.path.join(docs, "report.txt")
    if mode == "concurrent":                    # a pool thread
        assert thread.startswith("pgwidgets-pool")
    else:                                       # where the session's handlers run
        assert thread == made["home"]
    expect(cell(page, "Pick")).to_be_hidden()


def test_files_mode_hands_the_selected_files(make_app, page, tree):
    made, got = open_browser(make_app, page, tree, mode="files")
    assert made["fb"].get_mode() == "files"
    cell(page, "docs").dblclick()
    cell(page, "notes.md").click()
    cell(page, "report.txt").click(modifiers=["Control"])
    page.get_by_role("button", name="Open").click()
    paths, _ = got.get(timeout=5)
    assert sorted(paths) == [str(tree / "docs" / "notes.md"), str(tree / "docs" / "report.txt")]


def test_set_directory_refuses_a_missing_folder(make_app, tree):
    app = make_app()
    fb = FileBrowser(app.create_session())
    with pytest.raises(FileNotFoundError, match="not a folder"):
        fb.set_directory(tree / "nope")
    assert fb.dialog is not None and fb.get_directory() is None
