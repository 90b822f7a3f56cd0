"""The documentation site: MkDocs builds it with warnings as errors; the widget reference
has a page per visual class, current with the definitions, each with its screenshot, and
the screenshot maker works in real Chromium."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "tools"))
import reference  # noqa: E402

pytestmark = pytest.mark.timeout(120)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def test_every_visual_class_has_a_current_page_and_a_screenshot():
    defs = reference.visual()
    assert len(defs) == 48
    for d in defs:
        page = reference.OUT / f"{d.name}.md"
        assert page.read_text() == reference.page(d), f"{page} is stale: run `make reference`"
        w, h = png_size(reference.IMG / f"{d.name}.png")
        assert w >= 100 and h >= 50, (d.name, w, h)
    assert (reference.OUT / "index.md").read_text() == reference.index(defs)


def test_the_site_builds_strict(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                           str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True,
                          timeout=110)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (tmp_path / "site" / "reference" / "TreeView" / "index.html").read_text()
    assert 'src="../img/TreeView.png"' in html
    assert (tmp_path / "site" / "reference" / "img" / "TreeView.png").is_file()


def test_the_screenshot_maker_photographs_the_example(tmp_path):
    reference.screenshots(["Label", "TreeView"], out=tmp_path)
    for name in ("Label", "TreeView"):
        w, h = png_size(tmp_path / f"{name}.png")
        assert w >= 300 and h >= 150, (name, w, h)
