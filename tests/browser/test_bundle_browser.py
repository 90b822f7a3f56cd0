"""The bundled page assets in Chromium: same behaviour as the separate files, far
fewer requests. (Every other browser test also runs the real toolkit bundled.)"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import expect

from pgwidgets_core import Application, bundle
from pgwidgets_core.http import StaticServer

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(60)]

# A small module graph using every form the bundler rewrites; each module notes
# when it runs, so evaluation order can be compared with the browser's own.
GRAPH = {
    "Widgets.js": ('"use_strict";\nglobalThis.__order.push("entry");\n'
                   'import {B, makeB} from "./modules/b.js";\n'
                   'import {A as First, here} from "./modules/a.js";\n'
                   'const Widgets = {A: First, B, b: makeB().kind, here, '
                   'strict: (function () { return this === undefined; })()};\n'
                   'export { Widgets };\n'),
    "modules/a.js": ('globalThis.__order.push("a");\nconst A = 40;\n'
                     'const here = new URL("../icons/x.svg", import.meta.url).pathname;\n'
                     'function hoisted() { return A; }\nexport { A, here };\n'),
    "modules/b.js": ('import {A} from "./a.js";\nimport {C} from "../lib/c.js";\n'
                     'globalThis.__order.push("b");\nclass Thing { constructor() { this.kind = "b"; } }\n'
                     'const B = A + C;\nconst makeB = () => new Thing();\n'
                     'export { B, makeB };\n'),
    "lib/c.js": 'globalThis.__order.push("c");\nexport {C};\nvar C = 2;\n',
    "Widgets.css": '@import "css/one.css";\n@import "css/two.css";\n',
    "css/one.css": "#probe { color: rgb(1, 2, 3); }\n",
    "css/two.css": "#probe { width: 17px; }\n",
}

CONNECTOR = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/Widgets.css" type="text/css" />
</head><body><div id="probe">x</div>
<script>globalThis.__order = [];</script>
<script type="module">
import { Widgets } from "/Widgets.js";
const s = getComputedStyle(document.getElementById("probe"));
window.__result = {...Widgets, order: globalThis.__order, color: s.color, width: s.width};
</script></body></html>"""


async def run_graph(page, root, bundled: bool) -> dict:
    html = CONNECTOR.encode()
    b = bundle.build(root, html) if bundled else None
    if bundled:
        assert b is not None
        html = b.rewrite(html)
    server = StaticServer(root, index_html=lambda host: html)
    if b is not None:
        server.add_immutable(b.script_path, b.script, "text/javascript; charset=utf-8")
        server.add_immutable(b.style_path, b.style, "text/css; charset=utf-8")
    await server.start("127.0.0.1", 0)
    try:
        await page.goto(f"http://127.0.0.1:{server.port}/")
        await page.wait_for_function("window.__result !== undefined")
        names = await page.evaluate("""performance.getEntriesByType('resource')
            .map(e => new URL(e.name).pathname).filter(p => /\\.(js|css)$/.test(p))""")
        return {"result": await page.evaluate("window.__result"), "fetched": names}
    finally:
        await server.close()


async def test_a_module_graph_behaves_the_same_bundled(context, tmp_path):
    for rel, text in GRAPH.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    plain = await run_graph(await context.new_page(), tmp_path, bundled=False)
    joined = await run_graph(await context.new_page(), tmp_path, bundled=True)
    want = {"A": 40, "B": 42, "b": "b", "here": "/icons/x.svg", "strict": True,
            "order": ["a", "c", "b", "entry"], "color": "rgb(1, 2, 3)", "width": "17px"}
    assert plain["result"] == want, json.dumps(plain["result"])
    assert joined["result"] == want, json.dumps(joined["result"])
    assert len(plain["fetched"]) == 7
    assert len(joined["fetched"]) == 2 and all("pgwidgets-bundle-" in n for n in joined["fetched"])


@asynccontextmanager
async def hello_app():
    app = Application(ws_port=0, http_port=0, max_sessions=None)

    async def hello(session):
        W = session.get_widgets()
        top = await W.TopLevel(title="Hello")
        vbox = await W.VBox(spacing=8)
        label = await W.Label("Ready")
        btn = await W.Button("Click me")

        async def clicked():
            await label.set_text("Clicked")
        await btn.on("activated", clicked)
        await vbox.add_widget(label, 1)
        await vbox.add_widget(btn, 0)
        await top.set_widget(vbox)
        await top.resize(300, 140)
        await top.show()

    app.on_connect(hello)
    await app.start()
    try:
        yield app
    finally:
        await app.close()


STYLE_PROBE = """() => {
    const pick = (sel) => { const s = getComputedStyle(document.querySelector(sel));
        return ['display', 'color', 'background-color', 'font-size', 'border-top-width',
                'padding-left', 'cursor', 'height'].map(p => s.getPropertyValue(p)); };
    return {title: pick('.toplevel-title-bar'), button: pick('.button-widget'),
            label: pick('.label-widget'),
            files: performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)};
}"""


async def open_hello(page, app) -> dict:
    resp = await page.goto(app.url)
    assert resp is not None and resp.ok
    await expect(page.locator(".label-widget")).to_have_text("Ready")
    await page.locator(".button-widget").click()
    await expect(page.locator(".label-widget")).to_have_text("Clicked")
    return await page.evaluate(STYLE_PROBE)


async def test_the_toolkit_bundled_looks_and_works_as_unbundled(context, monkeypatch):
    async with hello_app() as app:
        joined = await open_hello(await context.new_page(), app)
    monkeypatch.setenv("PGWIDGETS_BUNDLE", "0")
    async with hello_app() as app:
        plain = await open_hello(await context.new_page(), app)
    assert {k: joined[k] for k in ("title", "button", "label")} == \
        {k: plain[k] for k in ("title", "button", "label")}
    assert not any(f.startswith(("/modules/", "/css/")) for f in joined["files"])
    assert sum(f.startswith("/pgwidgets-bundle-") for f in joined["files"]) == 2
    assert sum(f.startswith(("/modules/", "/css/")) for f in plain["files"]) > 80


async def test_the_bundle_is_cached_for_good(context):
    async with hello_app() as app:
        page = await context.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r))
        await page.goto(app.url)
        await expect(page.locator(".label-widget")).to_have_text("Ready")
        cache = {r.url.rsplit("/", 1)[1]: await r.header_value("cache-control")
                 for r in responses if "pgwidgets-bundle-" in r.url}
        assert len(cache) == 2
        assert all(v == "public, max-age=31536000, immutable" for v in cache.values()), cache
