"""pgwidgets_core.bundle: which sources it joins, which it refuses, and how.

What the joined script *does* is proven in Chromium (tests/browser/test_bundle_browser.py
runs a small module graph; every other browser test runs the real toolkit bundled).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pgwidgets_js
import pytest

from pgwidgets_core import bundle

CONNECTOR = (b'<link rel="stylesheet" href="/Widgets.css" type="text/css" />\n'
             b'<script type="module">import { Widgets } from "/Widgets.js";</script>')


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


GRAPH = {
    "Widgets.js": ('"use_strict";\nimport {B} from "./modules/b.js";\n'
                   'import {A as First} from "./modules/a.js";\n'
                   'const Widgets = {A: First, B};\nexport { Widgets };\n'),
    "modules/a.js": 'const A = 1;\nconst here = import.meta.url;\nexport { A, here };\n',
    "modules/b.js": ('import {A} from "./a.js";\nimport {C} from "../lib/c.js";\n'
                     'const B = A + C;\nexport { B as B };\n'),
    "lib/c.js": "export {C};\nfunction C() {}\n",
    "Widgets.css": '/* all */\n@import "css/one.css";\n@import url("css/two.css");\nbody {}\n',
    "css/one.css": ".one { color: red }\n",
    "css/two.css": ".two { color: blue }\n",
}


def test_modules_are_joined_in_evaluation_order(tmp_path):
    script = bundle.bundle_scripts(write(tmp_path, GRAPH))
    order = re.findall(r"^// ---- (\S+)$", script, re.M)
    # depth-first, imports in source order, each module once, the entry last
    assert order == ["modules/a.js", "lib/c.js", "modules/b.js", "Widgets.js"]
    assert "const {A: First} = __pgw_modules_a_js;" in script
    assert "const {C} = __pgw_lib_c_js;" in script
    assert "return {B: B};" in script and "return {C: C};" in script
    assert 'new URL("modules/a.js", import.meta.url).href' in script
    assert script.rstrip().endswith("export {Widgets};")
    assert "import {" not in script and "export { " not in script


def test_styles_are_inlined_in_place(tmp_path):
    css = bundle.bundle_styles(write(tmp_path, GRAPH))
    assert css.index(".one") < css.index(".two") < css.index("body {}")
    assert "@import" not in css


def test_build_names_by_content_and_rewrites_the_connector(tmp_path):
    root = write(tmp_path, GRAPH)
    b = bundle.build(root, CONNECTOR)
    assert b is not None
    assert re.fullmatch(r"/pgwidgets-bundle-[0-9a-f]{16}\.js", b.script_path)
    page = b.rewrite(CONNECTOR)
    assert f'from "{b.script_path}"'.encode() in page
    assert f'href="{b.style_path}"'.encode() in page
    assert b"/Widgets.js" not in page and b"/Widgets.css" not in page
    (root / "modules" / "a.js").write_text("const A = 2;\nexport { A, };\n")
    os.utime(root / "modules" / "a.js", ns=(1, 1))        # an edit the cache notices
    b2 = bundle.build(root, CONNECTOR)
    assert b2 is not None and b2.script_path != b.script_path and b"const A = 2" in b2.script


@pytest.mark.parametrize("rel, text", [
    ("modules/a.js", "export const A = 1;\n"),
    ("modules/a.js", "const A = 1;\nexport default A;\n"),
    ("modules/a.js", "const A = 1;\nexport { A };\nexport * from './b.js';\n"),
    ("modules/a.js", "import * as X from './b.js';\nconst A = 1;\nexport { A };\n"),
    ("modules/a.js", "import './side.js';\nconst A = 1;\nexport { A };\n"),
    ("modules/a.js", "const A = await import('./x.js');\nexport { A };\n"),
    ("modules/a.js", "const A = 1;\nawait null;\nexport { A };\n"),
    ("modules/a.js", "const A = import.meta.resolve('x');\nexport { A };\n"),
    ("modules/a.js", 'import {B} from "./b.js";\nconst A = 1;\nexport { A };\n'),  # cycle
    ("modules/a.js", 'import {Z} from "./missing.js";\nconst A = 1;\nexport { A };\n'),
    ("modules/a.js", 'import {Z} from "../../out.js";\nconst A = 1;\nexport { A };\n'),
    ("css/one.css", ".one { background: url(x.png) }\n"),
    ("css/one.css", "@import 'deeper.css';\n"),
    ("Widgets.css", '@import "https://example.com/x.css";\n'),
])
def test_unknown_forms_leave_the_files_unbundled(tmp_path, rel, text):
    root = write(tmp_path, {**GRAPH, rel: text})
    assert bundle.build(root, CONNECTOR) is None


def test_a_connector_page_of_another_shape_is_left_alone(tmp_path):
    root = write(tmp_path, GRAPH)
    assert bundle.build(root, b'<script src="/other.js"></script>') is None


def test_the_installed_toolkit_is_bundled_whole():
    static = Path(pgwidgets_js.__file__).parent / "static"
    page = Path(pgwidgets_js.get_remote_html()).read_bytes()
    b = bundle.build(static, page)
    assert b is not None, "pgwidgets-js uses a form the bundler does not know"
    modules = re.findall(rb"^// ---- (\S+)$", b.script, re.M)
    assert len(modules) == len(list((static / "modules").glob("*.js"))) + 1
    assert len(re.findall(rb"^/\* ---- css/", b.style, re.M)) == len(list((static / "css").glob("*.css")))
