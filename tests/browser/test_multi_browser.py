"""Several pages on one session, pages built from a headless session, and the
structural truth of a rebuilt page (what was destroyed or closed stays gone).

Pages are compared with the normalized DOM snapshots of ``domsnap``: two pages of
one session must show the same thing (same viewport size: both are Playwright's
default 1280x720).
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio

from domsnap import (assert_same, compare, goto_and_wait, on_screen, page_classes,
                     page_state, reload_and_wait, stable_snapshot, until)

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]




@pytest_asyncio.fixture(loop_scope="session")
async def session(app):
    s = app.create_session()
    errors = []
    s.on_error(lambda _s, err: errors.append(err))
    s.errors = errors
    try:
        yield s
    finally:
        await s.destroy()


async def tabs(context, n: int):
    """``n`` new pages (tabs) of one browser context; each keeps its own console
    lines in ``page.console`` (the context's fixture collects them all)."""
    pages = []
    for _ in range(n):
        p = await context.new_page()
        p.set_default_timeout(5000)
        p.console = []
        p.on("console", lambda msg, p=p: p.console.append(msg.text))
        p.on("pageerror", lambda err: context.console_lines.append(f"[pageerror] {err}"))
        pages.append(p)
    return pages


async def front_snapshot(page, **kw) -> list[str]:
    """A stable snapshot of ``page`` brought to the front: Chromium runs a background
    tab's animation frames (which the snapshot waits for) only about once a second."""
    await page.bring_to_front()
    return await stable_snapshot(page, **kw)


async def same_page(a, b, what: str, timeout: float = 3.0, **kw) -> list[str]:
    """Wait until pages ``a`` and ``b`` show the same thing (``kw``: the snapshot's
    masks); returns the snapshot."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        sa, sb = await front_snapshot(a, **kw), await front_snapshot(b, **kw)
        if sa == sb:
            return sa
        if loop.time() > deadline:
            raise AssertionError(f"{what}: the two pages differ\n"
                                 + compare(sa, sb).replace("before reload", "page A")
                                 .replace("after reload", "page B"))
        await asyncio.sleep(0.1)


async def form(session):
    """A window with state a user can change; returns a dict of its widgets."""
    W = session.get_widgets()
    top = await W.TopLevel(title="Shared form", resizable=True)
    box = await W.VBox(spacing=4)
    w = {
        "label": await W.Label("program text"),
        "check": await W.CheckBox("shared box"),
        "entry": await W.TextEntry("start"),
        "slider": await W.Slider(min=0, max=100, value=40, show_value=True),
        "combo": await W.ComboBox(),
        "tabs": await W.TabWidget(),
    }
    for t in ("red", "green", "blue"):
        await w["combo"].append_text(t)
    for i in range(3):
        await w["tabs"].add_widget(await W.Label(f"page {i}"), title=f"T{i}")
    for v in w.values():
        await box.add_widget(v)
    await top.set_widget(box)
    await top.resize(420, 330)
    await top.set_position(20, 20)
    await top.show()
    w["top"] = top
    return w


# ---- two tabs of one session -------------------------------------------------------------

async def test_a_second_tab_converges_and_both_stay_in_sync(session, context):
    a, b = await tabs(context, 2)
    await goto_and_wait(a, session)
    w = await form(session)
    checks = []
    await w["check"].on("activated", checks.append)
    await session.flush()
    await a.locator(".checkbox-widget input").click()           # user change before B joins
    await session.flush()

    await goto_and_wait(b, session, pages=2)
    await same_page(a, b, "after B joined")

    # user changes in A reach B
    await a.locator(".textentry-widget").fill("typed in A")
    await a.locator(".textentry-widget").press("Enter")
    await a.locator(".slider-input").focus()
    await a.keyboard.press("ArrowRight")
    await a.get_by_role("button", name="T2").click()
    await session.flush()
    await same_page(a, b, "after the user's changes in A")
    assert await b.locator(".textentry-widget").input_value() == "typed in A"

    # user changes in B reach A
    await b.locator(".checkbox-widget input").click()
    await b.locator(".combobox-button").dispatch_event("mousedown")
    await b.locator(".combobox-item", has_text="blue").dispatch_event("mousedown")
    await drag_by(b, b.locator(".toplevel-title-bar"), 30, 20)
    await session.flush()
    await same_page(a, b, "after the user's changes in B")
    assert await a.locator(".combobox-input").input_value() == "blue"

    # programmatic changes reach both
    await w["label"].set_text("set by the program")
    await w["slider"].set_value(7)
    await session.flush()
    snap = await same_page(a, b, "after programmatic changes")
    assert any('"set by the program"' in line for line in snap)

    # Python's record followed, and each user click ran the handler once (the other
    # page applied the change silently, it did not echo it back)
    assert w["entry"].get_text() == "typed in A"
    assert w["check"].get_state() is False
    assert w["combo"].get_text() == "blue"
    assert checks == [True, False], checks
    assert not session.errors, session.errors


async def test_a_joining_tab_does_not_rebuild_the_first(session, context):
    a, b = await tabs(context, 2)
    await goto_and_wait(a, session)
    w = await form(session)
    await session.flush()
    # an expando property on a widget element: survives only if the element does
    await page_state(a, w["label"], "w.element.__marker = 'kept'; return true;")
    starts = sum("reconstruction started" in line for line in a.console)
    await goto_and_wait(b, session, pages=2)
    await same_page(a, b, "after B joined")
    assert await page_state(a, w["label"], "return w.element.__marker || null;") == "kept", \
        "page A was torn down and rebuilt when page B joined"
    assert sum("reconstruction started" in line for line in a.console) == starts, \
        "page A was sent a reconstruction when page B joined"
    # A still talks to Python
    await a.locator(".checkbox-widget input").click()
    await until(lambda: w["check"].get_state() is True, what="A's click reaches Python")


async def test_widget_ids_are_the_same_in_every_page(session, context):
    a, b = await tabs(context, 2)
    W = session.get_widgets()
    await goto_and_wait(a, session)
    top = await W.TopLevel(title="Ids")
    box = await W.VBox()
    bar = await W.MenuBar()
    file = await bar.add_name("File")
    file_open = await file.add_name("Open")
    tb = await W.ToolBar()
    await tb.add_action(text="Go")
    tv = await W.TreeView(columns=["Name"])        # builds scroll bars of its own
    mdi = await W.MDIWidget()
    for wdg in (bar, tb, tv):
        await box.add_widget(wdg)
    await box.add_widget(mdi, stretch=1)       # room for its sub-window to be dragged
    await mdi.add_widget(await W.Label("sub"), title="Sub", x=5, y=5, width=120, height=60)
    await top.set_widget(box)
    await top.resize(400, 420)
    await top.show()
    await session.flush()
    await goto_and_wait(b, session, pages=2)
    late = await W.Label("made with two pages open")     # allocated while both are open
    await box.add_widget(late)
    await session.flush()

    # Every widget Python made (factory results included) has its wid in every page.
    # MDI sub-windows are made by the page itself inside MDIWidget.add_widget: each
    # page numbers them from its own counter, so they are checked by behaviour below.
    known = {w.wid: type(w).__name__ for w in session.walk_widget_tree()
             if type(w).__name__ != "MDISubWindow"}
    in_a, in_b = await page_classes(a), await page_classes(b)
    wrong = {wid: (cls, in_a.get(wid), in_b.get(wid)) for wid, cls in known.items()
             if not (in_a.get(wid) == in_b.get(wid) == cls)}
    assert not wrong, f"wid -> (Python, page A, page B) differ: {wrong}"

    # a callback from B names the widget Python means
    opened = []
    await file_open.on("activated", lambda *a: opened.append(a))
    await b.locator(".menubar-item", has_text="File").click()
    await b.locator(".menuaction-widget", has_text="Open").click()
    await until(lambda: opened, what="B's menu click reaches the right handler")

    # the sub-window: Python's one object reaches it in both pages, both ways
    subs = [w for w in session.walk_widget_tree() if type(w).__name__ == "MDISubWindow"]
    assert len(subs) == 1, subs
    await subs[0].set_title("Renamed sub")
    await session.flush()
    for p in (a, b):
        assert await p.locator(".mdi-title-bar", has_text="Renamed sub").count() == 1
    moved = []
    await subs[0].on("move", lambda *args: moved.append(args))
    await drag_by(b, b.locator(".mdi-title-bar", has_text="Renamed sub"), 40, 30)
    await session.flush()
    await until(lambda: moved, what="B's drag of the sub-window reaches Python")
    # The sub-window's place must agree. The workspace's size and its scrollbars are
    # the dragging page's own: pgwidgets-js sizes the workspace from the viewport at
    # each drag step, and scrollbars shown once shrink the viewport so they stay
    # (seen on a loaded CI machine: B kept a 398x301 workspace and both bars), which
    # no server could make the same; the other page sizes it from the final place.
    await same_page(a, b, "after the user moved the sub-window in B", timeout=10.0,
                    style_mask=[".mdi-workspace"],
                    mask=[".mdi-hbar", ".mdi-vbar", ".mdi-scrollbar-corner"])


async def test_a_timer_fires_its_handler_once_per_expiry_with_two_pages(session, context):
    a, b = await tabs(context, 2)
    W = session.get_widgets()
    timer = await W.Timer(duration=0.2)
    fired = []
    await timer.on("expired", fired.append)
    await W.Label("timer host")
    await goto_and_wait(a, session)
    await goto_and_wait(b, session, pages=2)
    await timer.start()
    await until(lambda: fired, what="the timer expires")
    await asyncio.sleep(0.6)
    assert fired == [0.2], fired
    await timer.start()
    await until(lambda: len(fired) >= 2, what="the timer expires again")
    await asyncio.sleep(0.6)
    assert fired == [0.2, 0.2], fired
    # the first page leaves: the other one's timer now counts
    await a.close()
    await until(lambda: len(session.connections) == 1, what="A left")
    await timer.start()
    await until(lambda: len(fired) >= 3, what="the timer expires with page B alone")
    await asyncio.sleep(0.6)
    assert fired == [0.2, 0.2, 0.2], fired


async def test_pages_that_lose_the_connection_come_back_with_changes_made_meanwhile(
        session, context):
    a, b = await tabs(context, 2)
    await goto_and_wait(a, session)
    w = await form(session)
    await session.flush()
    await goto_and_wait(b, session, pages=2)
    await a.locator(".checkbox-widget input").click()
    await session.flush()
    await session.close()                        # the network goes away for both pages
    await until(lambda: not session.connections, what="both pages dropped")
    await w["label"].set_text("changed while offline")
    await w["entry"].set_text("also offline")
    async with a.expect_console_message(lambda m: "reconstruction complete" in m.text,
                                        timeout=10_000):
        await until(lambda: len(session.connections) == 2, timeout=10,
                    what="both pages reconnected")
    await session.flush()
    snap = await same_page(a, b, "after reconnecting")
    assert any('"changed while offline"' in line for line in snap)
    assert await a.locator(".checkbox-widget input").is_checked()
    assert await b.locator(".textentry-widget").input_value() == "also offline"


# ---- headless building ----------------------------------------------------------------------

async def test_a_headless_ui_with_menus_appears_on_join_and_its_actions_work(session, page):
    page.set_default_timeout(5000)
    W = session.get_widgets()
    top = await W.TopLevel(title="Built headless")
    box = await W.VBox()
    bar = await W.MenuBar()
    file = await bar.add_name("File")
    open_act = await file.add_name("Open")
    await file.add_separator()
    recent = await file.add_menu("Recent")
    old = await recent.add_name("old.txt")
    wrap = await file.add_name("Wrap", checkable=True)
    help_menu = await bar.add_name("Help")
    await help_menu.add_name("About")
    await box.add_widget(bar)
    await box.add_widget(await W.Label("document"))
    await top.set_widget(box)
    await top.resize(300, 160)
    await top.show()
    chosen = []
    await open_act.on("activated", lambda: chosen.append("open"))
    await old.on("activated", lambda: chosen.append("old"))
    assert not session.is_connected

    await goto_and_wait(page, session)
    problems = []
    for name in ("File", "Help"):
        assert await page.locator(".menubar-item", has_text=name).is_visible()
    await page.locator(".menubar-item", has_text="File").click()
    for name in ("Open", "Wrap"):
        assert await page.locator(".menuaction-widget", has_text=name).is_visible()
    if await page.locator(".menu-separator").count() != 1:
        problems.append("the File menu's separator (Menu.add_separator) is missing")
    await page.locator(".menuaction-widget", has_text="Open").click()
    await until(lambda: chosen == ["open"], what="the menu action's handler runs")

    await page.locator(".menubar-item", has_text="File").click()
    await page.locator(".menu-submenu-item", has_text="Recent").hover()
    await page.locator(".menuaction-widget", has_text="old.txt").click()
    await until(lambda: chosen == ["open", "old"], what="the sub-menu action's handler runs")

    await page.locator(".menubar-item", has_text="File").click()
    await page.locator(".menuaction-widget", has_text="Wrap").click()
    await until(lambda: wrap.get_checked() is True, what="the checkable action's state")
    assert not problems, problems
    assert not session.errors, session.errors


async def build_every_class(session):
    """One widget of every class pgwidgets-js can create, with a little state each,
    plus the factory-made menus and tool bar actions."""
    from pgwidgets_js import defs
    W = session.get_widgets()
    top = await W.TopLevel(title="Every class")
    box = await W.VBox(spacing=2)
    made = {}
    # Canvas gets a window of its own: in a box of natural height its size feeds back
    # into its bitmap size, which depends on the timing of past layouts.
    special = {"TopLevel", "Dialog", "ColorDialog", "Page", "Menu", "MenuAction",
               "ToolBarAction", "TextBufferRef", "Timer", "FileDialog", "MDISubWindow",
               "Canvas"}
    for name in defs.WIDGETS:
        if name in special:
            continue
        made[name] = w = await getattr(W, name)()
        await box.add_widget(w)
    await made["Label"].set_text("a label")
    await made["Button"].set_text("a button")
    await made["CheckBox"].set_state(True)
    await made["Slider"].set_value(70)
    await made["TextEntry"].set_text("an entry")
    await made["ComboBox"].append_text("an item")
    await made["TabWidget"].add_widget(await W.Label("tab content"), title="A tab")
    await made["TextSource"].set_text("source text")
    await made["TreeView"].set_columns(["Name"])
    await made["TreeView"].set_tree({"node": {"leaf": {}}})
    await made["TableView"].set_columns(["Cell"])
    await made["TableView"].set_data([["row"]])
    file = await made["MenuBar"].add_name("File")
    await file.add_name("Open")
    await file.add_separator()
    await (await file.add_menu("More")).add_name("Deeper")
    menu = await W.Menu()
    await menu.add_widget(await W.MenuAction(text="standalone action"))
    await made["Label"].set_menu(menu)
    await made["ToolBar"].add_action(text="Go")
    await made["ToolBar"].add_widget(await W.ToolBarAction(text="Stop", toggle=True))
    await made["MDIWidget"].add_widget(await W.Label("in a sub-window"), title="Sub",
                                       x=5, y=5, width=150, height=60)
    await W.TextBufferRef(made["TextSource"], 3)
    await W.Timer(duration=1)
    await W.FileDialog(mode="files")
    await top.set_widget(box)
    await top.resize(700, 1400)
    await top.show()
    dialog = await W.Dialog("A dialog", [["OK", 1]])
    await dialog.set_position(720, 10)
    await dialog.show()
    colors = await W.ColorDialog(title="Colours")
    await colors.set_position(720, 200)
    await colors.show()
    pg = await W.Page()
    await pg.set_widget(await W.Label("a page"))
    await pg.show()
    canvas_top = await W.TopLevel(title="Canvas")
    await canvas_top.set_widget(await W.Canvas())
    await canvas_top.resize(200, 120)
    await canvas_top.set_position(720, 620)
    await canvas_top.show()


async def test_a_headless_session_builds_every_class_like_a_live_one(app, context):
    live, joined = await tabs(context, 2)
    await live.set_viewport_size({"width": 1280, "height": 1600})
    await joined.set_viewport_size({"width": 1280, "height": 1600})
    built_live = app.create_session()
    headless = app.create_session()
    try:
        await goto_and_wait(live, built_live)
        await build_every_class(built_live)
        await build_every_class(headless)
        assert not headless.is_connected
        await built_live.flush()
        await goto_and_wait(joined, headless)
        known = {w.wid: type(w).__name__ for w in headless.walk_widget_tree()
                 if type(w).__name__ != "MDISubWindow"}
        in_page = await page_classes(joined)
        missing = {wid: cls for wid, cls in known.items() if in_page.get(wid) != cls}
        assert not missing, f"widgets Python built headless but the page lacks: {missing}"
        await same_page(live, joined, "built live vs built headless then joined")
    finally:
        await built_live.destroy()
        await headless.destroy()


# ---- structural truth -------------------------------------------------------------------

async def test_a_destroyed_toplevel_does_not_come_back(session, page):
    W = session.get_widgets()
    await goto_and_wait(page, session)
    keep = await W.TopLevel(title="Keep me")
    await keep.set_widget(await W.Label("kept"))
    doomed = await W.TopLevel(title="Doomed")
    await doomed.set_widget(await W.Label("destroyed"))
    for i, t in enumerate((keep, doomed)):
        await t.resize(200, 100)
        await t.set_position(20 + 250 * i, 20)
        await t.show()
    await session.flush()
    assert await page.locator(".toplevel-title-bar", has_text="Doomed").count() == 1
    await doomed.destroy()
    await session.flush()
    before = await stable_snapshot(page)
    assert not any("Doomed" in line for line in before)
    await reload_and_wait(page, session)
    after = await stable_snapshot(page)
    assert_same(before, after, "after the reload")
    assert doomed.wid not in await page_classes(page)
    assert doomed not in list(session.walk_widget_tree())
    assert not session.errors, session.errors


async def test_closed_tabs_stay_closed(session, page):
    W = session.get_widgets()
    await goto_and_wait(page, session)
    top = await W.TopLevel(title="Tabs")
    box = await W.VBox()
    # closed by the user (no page-close handler: the user decides)
    by_user = await W.TabWidget(closable=True)
    # closed by the program
    by_program = await W.TabWidget()
    # the program handles page-close and keeps the tab
    kept = await W.TabWidget(closable=True)
    pages = {}
    for tw, prefix in ((by_user, "U"), (by_program, "P"), (kept, "K")):
        for i in range(3):
            pages[f"{prefix}{i}"] = lab = await W.Label(f"{prefix} content {i}")
            await tw.add_widget(lab, title=f"{prefix}{i}")
        await box.add_widget(tw)
    refused = []
    await kept.on("page-close", refused.append)
    await top.set_widget(box)
    await top.resize(420, 300)
    await top.show()
    await session.flush()

    # (pgwidgets-js cannot close a tab that is not the current one: TabWidget._closeTab
    # removes its content from the page area where it is not; so the user selects it
    # first, as one does)
    await page.get_by_role("button", name="U1").click()
    await page.get_by_role("button", name="U1").locator(".tab-close").click()
    await by_program.close_widget(pages["P0"])
    await page.get_by_role("button", name="K2").locator(".tab-close").click()
    await session.flush()
    await until(lambda: refused, what="the program's page-close handler runs")
    await session.flush()
    assert refused == [pages["K2"]]
    buttons = await page.locator(".tab-header button").all_inner_texts()
    assert [t.strip() for t in buttons] == ["U0", "U2", "P1", "P2", "K0", "K1", "K2"], buttons

    before = await stable_snapshot(page)
    await reload_and_wait(page, session)
    after = await stable_snapshot(page)
    buttons = await page.locator(".tab-header button").all_inner_texts()
    assert [t.strip() for t in buttons] == ["U0", "U2", "P1", "P2", "K0", "K1", "K2"], buttons
    assert_same(before, after, "after the reload")
    assert not session.errors, session.errors


async def test_closed_mdi_windows_stay_closed(session, page):
    W = session.get_widgets()
    await goto_and_wait(page, session)
    top = await W.TopLevel(title="MDI")
    mdi = await W.MDIWidget()
    kids = {}
    for i, name in enumerate(("Stays", "User closes", "Program closes")):
        kids[name] = lab = await W.Label(f"{name} content")
        await mdi.add_widget(lab, title=name, x=10 + 60 * i, y=10 + 40 * i,
                             width=200, height=100)
    await top.set_widget(mdi)
    await top.resize(480, 320)
    await top.show()
    await session.flush()
    await page.locator(".mdi-window", has_text="User closes").locator(".mdi-close").click()
    await mdi.close_child(kids["Program closes"])
    await session.flush()
    titles = await page.locator(".mdi-title-bar").all_inner_texts()
    assert [t.strip() for t in titles] == ["Stays"], titles
    # (the workspace's inline size is a cache the page recomputes when a window moves)
    before = await stable_snapshot(page, style_mask=[".mdi-workspace"])
    await reload_and_wait(page, session)
    titles = await page.locator(".mdi-title-bar").all_inner_texts()
    assert [t.strip() for t in titles] == ["Stays"], titles
    assert_same(before, await stable_snapshot(page, style_mask=[".mdi-workspace"]),
                "after the reload")
    assert not session.errors, session.errors


async def test_a_child_replaced_by_set_widget_does_not_reappear(session, page):
    W = session.get_widgets()
    await goto_and_wait(page, session)
    top = await W.TopLevel(title="Replace")
    await top.set_widget(await W.Label("first child of the window"))
    await top.set_widget(frame := await W.Frame(title="Frame"))
    await frame.set_widget(await W.Label("first child of the frame"))
    await frame.set_widget(sa := await W.ScrollArea())
    await sa.set_widget(await W.Label("first child of the scroll area"))
    await sa.set_widget(await W.Label("current child"))
    await top.resize(300, 200)
    await top.show()
    await session.flush()
    await reload_and_wait(page, session)
    text = await page.locator("body").inner_text()
    assert "current child" in text
    for gone in ("first child of the window", "first child of the frame",
                 "first child of the scroll area"):
        assert gone not in text, f"{gone!r} came back after the reload"
    assert not session.errors, session.errors


async def test_grid_cells_placed_by_row_and_column_edits_come_back_in_place(session, page,
                                                                            context):
    W = session.get_widgets()
    await goto_and_wait(page, session)
    top = await W.TopLevel(title="Grid")
    g = await W.GridBox(rows=2, columns=2)
    labels = {}

    async def lab(t):
        labels[t] = w = await W.Label(t)
        return w
    await g.add_widget(await lab("a"), 0, 0)
    await g.add_widget(await lab("d"), 1, 1)
    await g.insert_row(1, [await lab("r1c0"), await lab("r1c1")])
    await g.append_row([await lab("last row")])
    await g.insert_column(0, [await lab("col0")])
    await g.append_column([await lab("last col")])
    await g.delete_row(0)
    await top.set_widget(g)
    await top.resize(400, 200)
    await top.show()
    await session.flush()

    place = """return w.element.isConnected ? [w.element.style.gridRow,
               w.element.style.gridColumn] : 'not in the page';"""
    before = {t: await page_state(page, w, place) for t, w in labels.items()}
    gone = ["a", "col0", "last col"]                      # row 0 was deleted
    assert [t for t, p in before.items() if p == "not in the page"] == gone
    snap = await stable_snapshot(page)
    await reload_and_wait(page, session)
    after = {t: await page_state(page, w, place) for t, w in labels.items()}
    assert after == before
    assert_same(snap, await stable_snapshot(page), "after the reload")
    # and in a page that joins
    b = (await tabs(context, 1))[0]
    await goto_and_wait(b, session, pages=2)
    assert {t: await page_state(b, w, place) for t, w in labels.items()} == before
    assert not session.errors, session.errors


async def test_a_widget_destroyed_or_removed_inside_a_window_stays_gone(session, page):
    W = session.get_widgets()
    await goto_and_wait(page, session)
    top = await W.TopLevel(title="Parts")
    box = await W.VBox()
    keep, gone, removed = (await W.Label("keep"), await W.Label("destroyed child"),
                           await W.Label("removed child"))
    inner = await W.HBox()
    nested = await W.Label("nested in a removed-and-destroyed box")
    await inner.add_widget(nested)
    for w in (keep, gone, removed, inner):
        await box.add_widget(w)
    await top.set_widget(box)
    await top.show()
    await session.flush()
    await gone.destroy()
    await box.remove(removed)
    await box.remove(inner, destroy=True)
    await session.flush()
    await reload_and_wait(page, session)
    text = await page.locator("body").inner_text()
    assert "keep" in text
    for t in ("destroyed child", "removed child", "nested in a removed"):
        assert t not in text, f"{t!r} came back after the reload"
    assert await on_screen(page, keep)
    assert not session.errors, session.errors


async def drag_by(page, locator, dx: float, dy: float, tries: int = 3) -> None:
    """Drag ``locator`` by (dx, dy) with the mouse, as a user would, and check that it
    moved: on a loaded machine a press can land while the page is still laying out
    (a background tab, a menu closing), so a drag that did not take is made again."""
    await page.bring_to_front()
    for _ in range(tries):
        box = await locator.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        await page.mouse.move(x, y)
        await page.mouse.down()
        await page.mouse.move(x + dx, y + dy, steps=4)
        await page.mouse.up()
        moved = await locator.bounding_box()
        if abs(moved["x"] - box["x"]) >= dx / 2 and abs(moved["y"] - box["y"]) >= dy / 2:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"dragging {locator} by ({dx}, {dy}) did not move it")
