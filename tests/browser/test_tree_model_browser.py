"""tree_model.diff_tree against a real TreeView: its calls, made on a view showing the old
tree, leave the page showing the new one (the same as the page's own ``update_tree``),
and a reload draws it again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.async_api import expect

from pgwidgets_core import tree_model as tm

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

COLUMNS = [{"label": "Name", "key": "name"}, {"label": "Size", "key": "size", "type": "int"}]
OLD = {"src": {"main.py": {"size": 120}, "util.py": {"size": 80},
               "old": {"gone.py": {"size": 1}}},
       "docs": {"__values__": {"size": 0}, "index.md": {"size": 5}},
       "README": {"size": 40}, "obsolete.txt": {"size": 3}}
NEW = {"src": {"main.py": {"size": 121}, "util.py": {"size": 80},
               "lib": {"deep.py": {"size": 7}, "deeper": {"x.py": {"size": 2}}}},
       "docs": {"__values__": {"size": 9}, "index.md": {"size": 5}, "api.md": {"size": 6}},
       "README": {"size": 40, "name": "Read me"}, "tests": {"t.py": {"size": 4}}}


def nodes(tree: Any, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], dict[Any, Any]]:
    """Every node's path and values, order aside."""
    out = {}
    for key, child in tm.children_of(tree).items():
        out[path + (key,)] = dict(tm.values_of(child))
        out.update(nodes(child, path + (key,)))
    return out


async def open_views(app, page):
    ready = asyncio.get_running_loop().create_future()

    async def build(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Trees")
        box = await W.HBox()
        patched, updated = await W.TreeView(columns=COLUMNS), await W.TreeView(columns=COLUMNS)
        for tv in (patched, updated):
            await tv.set_tree(tm.copy_tree(OLD))
            await box.add_widget(tv, 1)
        await top.set_widget(box)
        await top.resize(700, 400)
        await top.show()
        ready.set_result((session, patched, updated))
    app.on_connect(build)
    try:
        await page.goto(app.url)
        views = await asyncio.wait_for(ready, 10)
    finally:
        app._connect_handlers.remove(build)
    await expect(page.get_by_text("obsolete.txt", exact=True).first).to_be_visible()
    return views


async def test_diff_tree_calls_turn_the_shown_tree_into_the_new_one(app, page):
    session, patched, updated = await open_views(app, page)
    ops = tm.diff_tree(OLD, NEW)
    assert ops is not None and [op[0] for op in ops].count("remove_items") == 1
    for method, *args in ops:
        await getattr(patched, method)(*args)
    await updated.update_tree(tm.copy_tree(NEW))
    await session.flush()

    shown = await patched.get_subtree("all")
    assert nodes(shown) == nodes(NEW)
    assert nodes(await updated.get_subtree("all")) == nodes(shown)
    await expect(page.get_by_text("deep.py", exact=True)).to_have_count(2)
    await expect(page.get_by_text("obsolete.txt", exact=True)).to_have_count(0)
    await expect(page.get_by_text("121", exact=True)).to_have_count(2)

    await page.reload()                        # Python's record rebuilds the same
    await expect(page.get_by_text("deep.py", exact=True)).to_have_count(2)
    await session.flush()
    assert nodes(await patched.get_subtree("all")) == nodes(NEW)
