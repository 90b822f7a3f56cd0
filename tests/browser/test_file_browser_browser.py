"""The file browser composite (``pgwidgets_core.extras.file_browser``) in Chromium:
it lists a folder made here, the user opens a sub-folder with a double-click and
picks a file, the program's handler gets its path; a reload keeps the folder."""

from __future__ import annotations

import asyncio
import os

import pytest
from playwright.async_api import expect

from pgwidgets_core.extras.file_browser import FileBrowser

from domsnap import open_session, reload_and_wait, until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]


@pytest.fixture
def tree(tmp_path):
    """tmp/ holds docs/ (report.txt, notes.md), top.txt and a hidden file."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "report.txt").write_text("r" * 2048)
    (tmp_path / "docs" / "notes.md").write_text("n")
    (tmp_path / "top.txt").write_text("t")
    (tmp_path / ".secret").write_text("s")
    return tmp_path


def cell(page, text):
    return page.get_by_text(text, exact=True)


async def test_user_opens_a_folder_picks_a_file_and_reload_keeps_the_folder(app, page, tree):
    page.set_default_timeout(5000)
    session = await open_session(app, page)
    chosen = asyncio.get_running_loop().create_future()
    fb = await FileBrowser(session, title="Pick a report")
    fb.on("activated", chosen.set_result)
    await fb.set_directory(tree)
    await fb.popup()

    await expect(cell(page, "Pick a report")).to_be_visible()
    await expect(cell(page, "top.txt")).to_be_visible()
    await expect(cell(page, "docs")).to_be_visible()
    await expect(cell(page, ".secret")).to_have_count(0)

    await cell(page, "docs").dblclick()
    await expect(cell(page, "report.txt")).to_be_visible()
    await expect(cell(page, "2.0 KB")).to_be_visible()
    await expect(cell(page, "top.txt")).to_have_count(0)
    docs = str(tree / "docs")
    assert fb.get_directory() == docs
    await expect(page.locator("input").first).to_have_value(docs)

    await reload_and_wait(page, session)
    await expect(cell(page, "Pick a report")).to_be_visible()
    await expect(cell(page, "report.txt")).to_be_visible()
    await expect(cell(page, "top.txt")).to_have_count(0)
    await expect(page.locator("input").first).to_have_value(docs)

    await cell(page, "report.txt").click()
    await page.get_by_role("button", name="Open").click()
    assert await asyncio.wait_for(chosen, 5) == os.path.join(docs, "report.txt")
    await expect(cell(page, "Pick a report")).to_be_hidden()


async def test_double_click_on_a_file_chooses_it_and_dotdot_goes_up(app, page, tree):
    page.set_default_timeout(5000)
    session = await open_session(app, page)
    got: list[tuple[object, str]] = []
    fb = await FileBrowser(session, title="Open")
    fb.add_callback("activated", lambda src, path: got.append((src, path)))
    await fb.set_directory(tree / "docs")
    await fb.popup()
    await cell(page, "..").dblclick()
    await expect(cell(page, "top.txt")).to_be_visible()
    await cell(page, "top.txt").dblclick()
    await expect(cell(page, "Open").first).to_be_hidden()
    assert got == [(fb, str(tree / "top.txt"))]


async def test_filter_shows_only_matching_files(app, page, tree):
    page.set_default_timeout(5000)
    session = await open_session(app, page)
    fb = await FileBrowser(session, mode="files")
    await fb.add_ext_filter("Markdown", ".md")
    await fb.set_directory(tree / "docs")
    await fb.popup()
    await expect(cell(page, "report.txt")).to_be_visible()
    await page.locator(".combobox-button").click()
    await page.locator(".combobox-item", has_text="Markdown").dispatch_event("mousedown")
    await expect(cell(page, "report.txt")).to_have_count(0)
    await expect(cell(page, "notes.md")).to_be_visible()


async def test_set_directory_refuses_what_is_not_a_folder(app, tree):
    session = app.create_session()
    fb = await FileBrowser(session)
    with pytest.raises(FileNotFoundError, match="not a folder"):
        await fb.set_directory(tree / "nope")
    with pytest.raises(NotADirectoryError):
        await fb.set_directory(tree / "top.txt")
    with pytest.raises(ValueError, match="mode"):
        FileBrowser(session, mode="folder")


async def test_typed_path_and_the_up_button_navigate(app, page, tree):
    page.set_default_timeout(5000)
    session = await open_session(app, page)
    fb = await FileBrowser(session)
    await fb.set_directory(tree)
    await fb.popup()
    path_entry = page.locator("input").first
    await path_entry.fill(str(tree / "docs"))
    await path_entry.press("Enter")
    await expect(cell(page, "report.txt")).to_be_visible()
    await path_entry.fill(str(tree / "nowhere"))
    await path_entry.press("Enter")
    await expect(page.get_by_text("No such file or folder")).to_be_visible()
    assert fb.get_directory() == str(tree / "docs")
    await page.get_by_role("button", name="↑").click()
    await expect(cell(page, "top.txt")).to_be_visible()
    assert fb.get_directory() == str(tree)


async def test_save_over_an_existing_file_asks_first(app, page, tree):
    page.set_default_timeout(5000)
    session = await open_session(app, page)
    chosen = asyncio.get_running_loop().create_future()
    fb = await FileBrowser(session, mode="save", title="Save as")
    fb.on("activated", chosen.set_result)
    await fb.set_directory(tree)
    await fb.set_filename("top.txt")
    await fb.popup()
    await expect(page.locator("input").nth(1)).to_have_value("top.txt")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text('"top.txt" already exists. Overwrite?')).to_be_visible()
    assert not chosen.done()
    await page.get_by_role("button", name="Overwrite").click()
    assert await asyncio.wait_for(chosen, 5) == str(tree / "top.txt")


async def test_directory_mode_picks_the_selected_or_the_shown_folder(app, page, tree):
    page.set_default_timeout(5000)
    session = await open_session(app, page)
    got: list[str] = []
    fb = await FileBrowser(session, mode="directory", autoclose=False)

    async def record(path):                      # a coroutine handler is awaited
        got.append(path)
    fb.on("activated", record)
    await fb.set_directory(tree)
    await fb.popup()
    await cell(page, "docs").click()
    await page.get_by_role("button", name="Select").click()
    await until(lambda: got == [str(tree / "docs")], what="the selected folder")
    await cell(page, "docs").dblclick()           # open it: nothing selected there
    await expect(cell(page, "report.txt")).to_be_visible()
    await page.get_by_role("button", name="Select").click()
    await until(lambda: got[-1:] == [str(tree / "docs")] and len(got) == 2,
                what="the folder shown")


async def test_a_root_keeps_the_user_inside_it(app, page, tree):
    page.set_default_timeout(5000)
    session = await open_session(app, page)
    fb = await FileBrowser(session, root=tree / "docs")
    with pytest.raises(ValueError, match="outside the root"):
        await fb.set_directory(tree)
    await fb.popup()                                  # the first popup shows the root
    await expect(cell(page, "report.txt")).to_be_visible()
    await expect(cell(page, "..")).to_have_count(0)
    path_entry = page.locator("input").first
    await path_entry.fill(str(tree))
    await path_entry.press("Enter")
    await expect(page.get_by_text(f"Outside {tree / 'docs'}")).to_be_visible()
    await page.get_by_role("button", name="↑").click()
    await expect(cell(page, "report.txt")).to_be_visible()
    assert fb.get_directory() == str(tree / "docs")
