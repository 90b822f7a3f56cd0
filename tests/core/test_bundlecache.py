"""pgwidgets_core.bundlecache: bundles built once into a cache directory and served
from there; no cache, an unwritable one, or edited sources behave as they should."""

from __future__ import annotations

import asyncio
import os
import urllib.request
from pathlib import Path

import pytest

from pgwidgets_core import Application, bundle, bundlecache
from pgwidgets_core.bundlecache import BundleFiles, find_or_build

from test_bundle import CONNECTOR, GRAPH, write


@pytest.fixture
def cache(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("PGWIDGETS_CACHE_DIR", str(where))
    return where


def test_built_once_then_found_without_building(tmp_path, cache, monkeypatch):
    root = write(tmp_path / "src", GRAPH)
    first = find_or_build(root, CONNECTOR)
    assert isinstance(first, BundleFiles)
    direct = bundle.build(root, CONNECTOR)
    assert first.script_file.read_bytes() == direct.script
    assert first.style_file.read_bytes() == direct.style
    assert first.script_path == direct.script_path
    assert first.rewrite(CONNECTOR) == direct.rewrite(CONNECTOR)

    def no_build(*a):
        raise AssertionError("built again")
    monkeypatch.setattr(bundle, "build", no_build)
    assert find_or_build(root, CONNECTOR) == first


def test_an_edited_source_makes_a_new_entry(tmp_path, cache):
    root = write(tmp_path / "src", GRAPH)
    first = find_or_build(root, CONNECTOR)
    (root / "modules" / "a.js").write_text("const A = 2;\nconst here = 0;\nexport { A, here };\n")
    os.utime(root / "modules" / "a.js", ns=(1, 1))
    second = find_or_build(root, CONNECTOR)
    assert second.script_path != first.script_path
    assert b"const A = 2" in second.script_file.read_bytes()


def test_no_cache_or_an_unwritable_one_builds_in_memory(tmp_path, monkeypatch):
    root = write(tmp_path / "src", GRAPH)
    monkeypatch.setenv("PGWIDGETS_CACHE_DIR", "")
    assert bundlecache.cache_dir() is None
    assert isinstance(find_or_build(root, CONNECTOR), bundle.Bundle)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("PGWIDGETS_CACHE_DIR", str(blocker / "cache"))
    assert isinstance(find_or_build(root, CONNECTOR), bundle.Bundle)


def test_unbundlable_sources_are_remembered_as_such(tmp_path, cache):
    root = write(tmp_path / "src", {**GRAPH, "lib/c.js": "const x = import('./y.js');\n"})
    assert find_or_build(root, CONNECTOR) is None
    assert find_or_build(root, CONNECTOR) is None


def test_the_server_serves_the_cached_files(cache):
    async def main():
        app = Application(ws_port=0, http_port=0)
        await app.start()
        try:
            page = await asyncio.to_thread(lambda: urllib.request.urlopen(app.url).read())
            [meta] = cache.glob("*.json")
            js = next(cache.glob("pgwidgets-bundle-*.js"))
            assert f'from "./{js.name}"'.encode() in page
            got = await asyncio.to_thread(
                lambda: urllib.request.urlopen(app.url + js.name))
            assert got.read() == js.read_bytes()
            assert "immutable" in got.headers["Cache-Control"]
            assert got.headers["ETag"] == f'"{js.name}"'
        finally:
            await app.close()
    asyncio.run(main())
