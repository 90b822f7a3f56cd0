"""A normalized snapshot of what a pgwidgets page shows, for before/after comparisons.

``await snapshot(page)`` walks ``document.body`` in the page and returns a list of
lines, one per element, indented by depth::

    div.toplevel-widget rect=10,20,300,200 style{height:200px;left:10px;...}
      div.toplevel-title-bar
        span.toplevel-title-text "Hello"
      ...
      input.checkbox-input checked=true

Each line holds what a user can see or what reflects widget state:

* tag and classes (sorted; transient classes such as ``dragging`` dropped);
* the element's own text (its direct text nodes, whitespace collapsed);
* form state: ``value`` of inputs/textareas/selects, ``checked``, ``selected``
  options, ``disabled``;
* state attributes: ``aria-*``, ``data-*``, ``title``, ``src``/``href`` (data URIs
  hashed), ``draggable``, and SVG geometry attributes (rounded);
* ``hidden`` when the element is not rendered (``checkVisibility()`` is false);
* ``rect=x,y,w,h`` (rounded px) for visible widget root elements (the ones the
  toolkit marks ``pgwidgets-widget``) -- window positions and sizes, splitter
  panes, layouts;
* the inline ``style`` declarations (sorted by property; numbers rounded), except
  ``display`` (its effect is recorded as ``hidden`` and in the rects);
* scroll offsets of scrolled elements, and a hash of each canvas's pixels.

Volatile things are left out: element ids (``dial-clip-<wid>``), ``url(#...)``
references to them, sub-pixel differences (everything numeric is rounded), the
left/top where a hidden fixed-position popup (a closed menu) was last opened, and
the content of a closed combo-box dropdown (built afresh each time it opens).
Top-level elements that are shown keep their document order (it decides the
stacking); hidden ones (closed menus, dropdowns) follow in a canonical order,
since where the toolkit parked them in ``<body>`` is not visible. Long strings
are shortened to head...tail#hash/length.

``compare(before, after)`` returns a unified diff (empty when equal). The module
also holds the helpers both browser test files use to open, reload and inspect a
session's pages.
"""

from __future__ import annotations

import asyncio
import difflib
from typing import Any, Callable

__all__ = ["SNAPSHOT_JS", "snapshot", "stable_snapshot", "compare", "assert_same",
           "assert_differs", "until", "open_session", "goto_and_wait", "reload_and_wait",
           "page_state", "on_screen", "page_classes"]

SNAPSHOT_JS = r"""
([mask, styleMask]) => {
  mask = mask || [];
  styleMask = styleMask || [];
  const DROP_CLASSES = new Set(['dragging', 'hover', 'focus', 'focused',
                                'drag-over', 'treeview-cell-cursor']);
  const ATTRS = ['title', 'src', 'href', 'draggable', 'disabled', 'readonly', 'min', 'max',
                 'step', 'size', 'wrap',
                 'placeholder', 'type', 'controls', 'loop', 'muted', 'autoplay',
                 'contenteditable', 'colspan', 'rowspan'];
  const SVG_ATTRS = ['d', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r',
                     'width', 'height', 'points', 'transform', 'fill', 'stroke',
                     'href', 'viewBox'];
  const round = (s) => String(s).replace(/-?\d+\.\d+/g,
                                         (m) => String(Math.round(parseFloat(m))));
  const short = (s) => {
    s = String(s);
    if (s.length <= 80) return s;
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return s.slice(0, 30) + '...' + s.slice(-30) + '#' + (h >>> 0).toString(16)
           + '/' + s.length;
  };
  const clean = (v) => short(round(String(v).replace(/url\(["']?#[^)]*\)/g, 'url(#)')));
  const visible = (el) => (typeof el.checkVisibility === 'function')
      ? el.checkVisibility({checkOpacity: false, checkVisibilityCSS: true})
      : el.offsetParent !== null;
  const canvasHash = (c) => {
    try { return short(c.toDataURL()); } catch (e) { return 'tainted'; }
  };

  function line(el) {
    const tag = el.tagName.toLowerCase();
    const cls = [...el.classList].filter((c) => !DROP_CLASSES.has(c)).sort();
    let s = tag + (cls.length ? '.' + cls.join('.') : '');
    let text = '';
    for (const ch of el.childNodes) if (ch.nodeType === 3) text += ch.nodeValue;
    text = text.replace(/\s+/g, ' ').trim();
    if (text) s += ' ' + JSON.stringify(short(text));
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      s += ' value=' + JSON.stringify(short(el.value));
      if (el.type === 'checkbox' || el.type === 'radio') s += ' checked=' + el.checked;
      if (tag === 'select') s += ' selectedIndex=' + el.selectedIndex;
    }
    if (tag === 'option' && el.selected) s += ' selected';
    if (tag === 'video' || tag === 'audio') {
      s += ' muted=' + el.muted + ' loop=' + el.loop + ' controls=' + el.controls
         + ' volume=' + Math.round(el.volume * 100);
    }
    const attrs = [];
    for (const a of el.attributes) {
      const n = a.name;
      if (n === 'id' || n === 'class' || n === 'style') continue;
      const isSvg = el instanceof SVGElement;
      if (n.startsWith('aria-') || n.startsWith('data-') || ATTRS.includes(n)
          || (isSvg && SVG_ATTRS.includes(n))) {
        attrs.push(n + '=' + JSON.stringify(clean(a.value)));
      }
    }
    if (attrs.length) s += ' [' + attrs.sort().join(' ') + ']';
    if (!visible(el)) {
      s += ' hidden';
    } else if (el.classList.contains('pgwidgets-widget')) {
      const r = el.getBoundingClientRect();
      s += ' rect=' + [r.left, r.top, r.width, r.height].map(Math.round).join(',');
    }
    // Inline style, except: 'display' (what it decides is recorded as 'hidden' and
    // in the rects), and where a hidden fixed-position popup was last opened.
    const parkedPopup = !visible(el) && el.style.position === 'fixed';
    if (el.style && el.style.length && !styleMask.some((sel) => el.matches(sel))) {
      const decl = [];
      for (let i = 0; i < el.style.length; i++) {
        const p = el.style[i];
        if (p === 'display') continue;
        if (parkedPopup && (p === 'left' || p === 'top')) continue;
        decl.push(p + ':' + clean(el.style.getPropertyValue(p)));
      }
      if (decl.length) s += ' style{' + decl.sort().join(';') + '}';
    }
    if (el.scrollTop || el.scrollLeft) {
      s += ' scroll=' + Math.round(el.scrollLeft) + ',' + Math.round(el.scrollTop);
    }
    if (tag === 'canvas') s += ' pixels=' + canvasHash(el);
    return s;
  }

  // Popups whose hidden content is only a cache of the last time they were open.
  const LAZY_POPUPS = ['combobox-dropdown', 'window-context-menu'];
  function walk(el, depth, out) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'script' || tag === 'style' || tag === 'link') return;
    if (mask.some((sel) => el.matches(sel))) {
      out.push('  '.repeat(depth) + tag + ' (masked)');
      return;
    }
    if (!visible(el) && LAZY_POPUPS.some((c) => el.classList.contains(c))) {
      out.push('  '.repeat(depth) + tag + '.' + [...el.classList].sort().join('.')
               + ' hidden');
      return;
    }
    out.push('  '.repeat(depth) + line(el));
    for (const ch of el.children) walk(ch, depth + 1, out);
  }
  // Top-level elements: the shown ones in document order (it decides stacking);
  // the hidden ones (closed menus, dropdowns) after them, in a canonical order,
  // since where the toolkit parked them in <body> is not visible.
  const shown = [], parked = [];
  for (const ch of document.body.children) {
    const sub = [];
    walk(ch, 0, sub);
    if (!sub.length) continue;
    (visible(ch) ? shown : parked).push(sub);
  }
  parked.sort((a, b) => { const x = a.join('\n'), y = b.join('\n');
                          return x < y ? -1 : x > y ? 1 : 0; });
  return [].concat(...shown, ...parked);
}
"""


async def snapshot(page, mask: list[str] | None = None,
                   style_mask: list[str] | None = None) -> list[str]:
    """The normalized snapshot of ``page`` now (one line per element).

    Elements matching a CSS selector of ``mask`` are reduced to a placeholder line,
    and those matching ``style_mask`` lose their inline style (for the rare thing no
    server could rebuild, or a cache the page keeps; every use says why).
    """
    return await page.evaluate(SNAPSHOT_JS, [list(mask or []), list(style_mask or [])])


async def stable_snapshot(page, *, settle: float = 0.05, timeout: float = 3.0,
                          mask: list[str] | None = None,
                          style_mask: list[str] | None = None) -> list[str]:
    """A snapshot once the page stopped changing: two frames-apart snapshots that are
    equal (layout, animation frames and debounced handlers have run).

    Raises ``AssertionError`` with the last difference if the page keeps changing.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await _frames(page, 2)
    prev = await snapshot(page, mask, style_mask)
    while True:
        await asyncio.sleep(settle)
        await _frames(page, 2)
        cur = await snapshot(page, mask, style_mask)
        if cur == prev:
            return cur
        if loop.time() > deadline:
            raise AssertionError("the page never settled:\n" + compare(prev, cur))
        prev = cur


async def _frames(page, n: int) -> None:
    await page.evaluate("""(n) => new Promise((res) => {
        const step = (k) => k ? requestAnimationFrame(() => step(k - 1)) : res();
        step(n);
    })""", n)


def compare(before: list[str], after: list[str], *, limit: int = 80) -> str:
    """A unified diff of two snapshots ('' when they are equal)."""
    if before == after:
        return ""
    lines = list(difflib.unified_diff(before, after, "before reload", "after reload",
                                      n=2, lineterm=""))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more diff lines)"]
    return "\n".join(lines)


def assert_same(before: list[str], after: list[str], what: str = "snapshot") -> None:
    diff = compare(before, after)
    assert not diff, f"{what} differs:\n{diff}"


def assert_differs(a: list[str], b: list[str], what: str = "snapshot") -> None:
    assert a != b, f"{what}: expected a difference, got two equal snapshots"


# ---- driving pages ----------------------------------------------------------------------

async def until(predicate: Callable[[], Any], timeout: float = 5.0, what: str = "") -> None:
    """Wait (polling the loop) until ``predicate()`` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"condition not reached in time: {what}"
        await asyncio.sleep(0.01)


def _rebuilt(msg) -> bool:
    return "reconstruction complete" in msg.text


async def goto_and_wait(page, session, *, pages: int = 1) -> None:
    """Open ``session.url`` in ``page`` and wait until the page was built from
    Python's record and ``pages`` pages are attached."""
    async with page.expect_console_message(_rebuilt, timeout=10_000):
        await page.goto(session.url)
    await until(lambda: len(session.connections) == pages, what=f"{pages} page(s) attached")
    await session.flush()


async def open_session(app, page):
    """A fresh session with no widgets, shown in ``page`` (a scene is then built
    live, while the page is connected)."""
    session = app.create_session()
    await goto_and_wait(page, session)
    return session


async def reload_and_wait(page, session, *, pages: int = 1) -> None:
    """Reload and wait until the page was rebuilt from Python's record."""
    await page.evaluate("window.__not_reloaded = true")
    async with page.expect_console_message(_rebuilt, timeout=10_000):
        await page.reload()
    assert await page.evaluate("window.__not_reloaded") is None, "the page did not reload"
    await until(lambda: len(session.connections) == pages, what=f"{pages} page(s) after reload")
    await session.flush()


# The toolkit's Callback class (its registry of widgets), from the very module the
# connector page imported: the bundle, or Widgets.js when served unbundled.
CALLBACK_JS = r"""const {Callback} = (await import(performance.getEntriesByType('resource')
        .map(e => e.name).find(n => /\/(pgwidgets-bundle-[0-9a-f]+|Widgets)\.js$/.test(n))
        )).Widgets;"""

# Page-side state of one widget, read from the toolkit's registry.
REGISTRY_JS = """async ([wid, body]) => {
    """ + CALLBACK_JS + """
    const w = Callback._registry.get(wid);
    if (!w) return 'no widget ' + wid;
    return (new Function('w', body))(w);
}"""


async def page_state(page, widget, body: str) -> Any:
    """``body`` is a JS function body run with ``w`` = the page's widget object."""
    return await page.evaluate(REGISTRY_JS, [widget.wid, body])


async def on_screen(page, widget) -> bool:
    """The widget's element is in the document, rendered and not empty."""
    return await page_state(page, widget, """
        const e = w.element;
        if (!e || !e.isConnected) return false;
        const r = e.getBoundingClientRect();
        return e.checkVisibility() && r.width > 0 && r.height > 0;""")


async def page_classes(page) -> dict[int, str]:
    """wid -> class name of every widget registered in the page."""
    got = await page.evaluate("""async () => {
        """ + CALLBACK_JS + """
        const out = {};
        for (const [wid, w] of Callback._registry) out[wid] = w.constructor.name;
        return out;
    }""")
    return {int(k): v for k, v in got.items()}
