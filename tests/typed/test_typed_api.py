"""The typed API: generated stubs checked by mypy on small programs, kept current with the
definitions, and signatures that help() and completion can show."""

from __future__ import annotations

import copy
import inspect
import os
import pydoc
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from pgwidgets_core import stubgen
from pgwidgets_core.catalog import build_catalog

HERE = Path(__file__).parent
ROOT = HERE.parents[1]

pytestmark = pytest.mark.timeout(180)


def mypy(*files: Path, tmp_path: Path) -> list[tuple[str, int, str]]:
    """(file name, line, message) of every error, with --strict; our packages from source."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--no-error-summary", "--cache-dir", str(tmp_path / "mypy-cache"), *map(str, files)],
        capture_output=True, text=True, cwd=tmp_path, timeout=170,
        env={**os.environ, "MYPYPATH": str(ROOT)})
    errors = []
    for line in proc.stdout.splitlines():
        m = re.match(r"(.+?):(\d+): error: (.*)", line)
        if m:
            errors.append((Path(m[1]).name, int(m[2]), m[3]))
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return errors


def test_correct_programs_pass_strict(tmp_path):
    assert mypy(HERE / "ok_async.py", HERE / "ok_sync.py", tmp_path=tmp_path) == []


@pytest.mark.parametrize("program", ["typos_async.py", "typos_sync.py"])
def test_each_mistake_is_one_error_on_its_line(program, tmp_path):
    path = HERE / program
    marked = {i for i, line in enumerate(path.read_text().splitlines(), 1) if "# E:" in line}
    assert len(marked) == 5
    errors = mypy(path, tmp_path=tmp_path)
    assert sorted(line for _, line, _ in errors) == sorted(marked), errors


def test_checked_in_stubs_are_the_generated_ones():
    assert stubgen.main(["--check"]) == 0, "run `make stubs`"


def test_a_changed_definition_changes_the_stubs():
    from pgwidgets_js import defs
    changed = types.SimpleNamespace(WIDGETS=copy.deepcopy(defs.WIDGETS),
                                    CONTAINER_METHODS=defs.CONTAINER_METHODS,
                                    WIDGET_METHODS=defs.WIDGET_METHODS,
                                    CALLBACK_METHODS=defs.CALLBACK_METHODS)
    changed.WIDGETS["Label"]["methods"]["set_blink_rate"] = ["hz"]
    changed.WIDGETS["Label"].setdefault("callbacks", []).append("blinked")
    for api in ("async", "sync"):
        before, after = stubgen.render(build_catalog(defs), api), \
            stubgen.render(build_catalog(changed), api)
        assert before != after
        assert "set_blink_rate(self, hz: Any = None) -> None" in after
        assert "blink_rate: Any = ..." in after and '"blinked"' in after


def test_signatures_and_help_show_the_real_parameters():
    import pgwidgets_core.Widgets as core
    import pgwidgets_sync.Widgets as sync
    for mod in (core, sync):
        assert list(inspect.signature(mod.Label).parameters)[:3] == ["session", "text", "halign"]
        assert str(inspect.signature(mod.Slider.set_limits)).startswith("(self, min")
        text = pydoc.render_doc(mod.Label, renderer=pydoc.plaintext)
        assert "set_text(self, text=None)" in text
    assert inspect.iscoroutinefunction(core.Label.set_text)
    assert not inspect.iscoroutinefunction(sync.Label.set_text)


def test_the_packages_and_examples_pass_mypy_strict(tmp_path):
    """pyproject.toml's [tool.mypy] (strict; pgwidgets_js, untyped, ignored)."""
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "c"),
                           "pgwidgets_core", "pgwidgets_sync", "examples"],
                          capture_output=True, text=True, cwd=ROOT, timeout=170)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
