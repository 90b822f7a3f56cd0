"""tree_model's contract: the cases of tree_model_cases.py give the same results (return
values, arguments changed in place, copies, exception classes) on the reference's
``pgwidgets.tree_model``, run in its own venv (bench/.refvenv, made by
``bench.refenv.ensure``), and on ``pgwidgets_core.tree_model`` / ``pgwidgets_sync.tree_model``;
the functions have the same names and parameters. Altered copies of ours are told apart,
which shows the comparison can fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).with_name("tree_model_cases.py")

pytestmark = pytest.mark.timeout(180)


def run_cases(python: Path | str, module: str, path: list[Path] = ()) -> dict[str, Any]:
    env = {**os.environ}
    if str(python) == sys.executable:
        env["PYTHONPATH"] = os.pathsep.join(map(str, [ROOT, *path]))
    else:
        env.pop("PYTHONPATH", None)          # the reference's venv sees only itself
    proc = subprocess.run([str(python), str(CASES), module], capture_output=True, text=True,
                          env=env, cwd=CASES.parent, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from bench import refenv
    return run_cases(refenv.ensure(log=lambda *a: None), "pgwidgets.tree_model")


def differences(ours: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    assert set(ours["cases"]) == set(ref["cases"])
    return [f"{label}\n  reference: {json.dumps(ref['cases'][label])[:300]}"
            f"\n  ours:      {json.dumps(ours['cases'][label])[:300]}"
            for label in ref["cases"] if ours["cases"][label] != ref["cases"][label]]


def test_the_cases_cover_every_function(reference):
    names = set(reference["functions"])
    assert len(names) == 20 and "diff_tree" in names and "row_set_cell" in names
    called: dict[str, int] = {}
    for label in reference["cases"]:
        name = label.split(" ", 1)[1].split("(", 1)[0]
        called[name] = called.get(name, 0) + 1
    assert {n for n in names if called.get(n, 0) < 5} == set()
    assert len(reference["cases"]) > 3000
    raised = sum(1 for r in reference["cases"].values() if r[:1] == ["raised"])
    assert raised < len(reference["cases"]) / 10      # mostly answers, not errors


@pytest.mark.parametrize("module", ["pgwidgets_core.tree_model", "pgwidgets_sync.tree_model"])
def test_same_functions_and_results_as_the_reference(reference, module):
    ours = run_cases(sys.executable, module)
    assert ours["functions"] == reference["functions"]
    assert ours["VALUES_KEY"] == reference["VALUES_KEY"] == "__values__"
    diffs = differences(ours, reference)
    assert not diffs, f"{len(diffs)} cases differ:\n" + "\n".join(diffs[:10])


# Each alters one behaviour of ours; the cases must notice every one.
MUTANTS = {
    "adds_before_removes": """
def diff_tree(old, new, max_ops=None):
    ops = _m.diff_tree(old, new, max_ops)
    return ops if not ops or ops[0][0] != "remove_items" else ops[1:] + ops[:1]
""",
    "limit_inclusive": """
def diff_tree(old, new, max_ops=None):
    limit = max(1, _m._count_nodes(new)) if max_ops is None else max_ops
    ops = _m.diff_tree(old, new, 10**9)
    cost = sum(len(op[1]) if op[0] == "remove_items" else 1 for op in ops)
    return None if cost >= limit and cost else ops
""",
    "never_prunes": """
def delete_tree(tree, spec, prune_empty=True):
    return _m.delete_tree(tree, spec, False)
""",
    "js_auto_keys": """
def column_key(column, index=None):
    key = _m.column_key(column, index)
    return "_" + key if isinstance(column, dict) and key == f"col{index}" else key
""",
    "python_negative_insert": """
def insert_row(rows, index, values):
    if isinstance(rows, list) and isinstance(index, int) and index < 0:
        rows.insert(index, _m.copy_tree(values))
        return True
    return _m.insert_row(rows, index, values)
""",
    "stores_the_callers_dict": """
def add_item(tree, parent, key, values):
    target = _m.node_at(tree, parent)
    if not isinstance(target, dict):
        return False
    target[key] = values
    return True
""",
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_an_altered_module_is_caught(reference, mutant, tmp_path):
    name = f"tree_model_{mutant}"
    (tmp_path / f"{name}.py").write_text(
        "from pgwidgets_core.tree_model import *\n"
        "from pgwidgets_core import tree_model as _m\n" + MUTANTS[mutant])
    ours = run_cases(sys.executable, name, [tmp_path])
    assert differences(ours, reference)
