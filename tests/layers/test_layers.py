"""The layers keep to their interfaces: the facade uses no private name of the core, and
two Applications (in one thread or in two) share no state."""

import ast
import asyncio
import threading
from pathlib import Path

import pytest

from fakebrowser import FakeBrowser
from pgwidgets_core import Application

pytestmark = pytest.mark.timeout(30)

ROOT = Path(__file__).resolve().parents[2]


def _own_members(pkg: Path) -> set[str]:
    """Underscore members the classes of ``pkg`` define (methods, ``self._x = ...``)."""
    own: set[str] = set()
    for p in pkg.rglob("*.py"):
        for cls in (n for n in ast.walk(ast.parse(p.read_text())) if isinstance(n, ast.ClassDef)):
            for n in ast.walk(cls):
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    own.add(n.name)
                elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store):
                    own.add(n.attr)
                elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    own.add(n.id)               # class-level names, __slots__ entries' peers
            for n in ast.walk(cls):          # __slots__ = ("_a", "_b")
                if (isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__slots__"
                                                      for t in n.targets)):
                    own.update(c.value for c in ast.walk(n.value)
                               if isinstance(c, ast.Constant) and isinstance(c.value, str))
    return {x for x in own if x.startswith("_") and not x.startswith("__")}


def private_core_uses(source: str, facade_own: set[str]) -> list[str]:
    """``line: name`` for each private name of pgwidgets_core that ``source`` uses: an
    import of an underscore name or module, or ``obj._x`` on an object that is not the
    facade's own (``self``/``cls``, or a member the facade's classes define)."""
    found = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("pgwidgets_core"):
            for a in n.names:
                if a.name.startswith("_") or any(s.startswith("_") for s in n.module.split(".")):
                    found.append(f"{n.lineno}: {n.module}.{a.name}")
        elif isinstance(n, ast.Import):
            found += [f"{n.lineno}: {a.name}" for a in n.names
                      if a.name.startswith("pgwidgets_core")
                      and any(s.startswith("_") for s in a.name.split("."))]
        elif (isinstance(n, ast.Attribute) and n.attr.startswith("_")
              and not n.attr.startswith("__") and n.attr not in facade_own
              and not (isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"))):
            found.append(f"{n.lineno}: .{n.attr}")
    return found


def test_the_checker_catches_what_it_should():
    src = ("from pgwidgets_core.widget import _check\n"
           "import pgwidgets_core._private\n"
           "def f(session, core):\n"
           "    session._attach(None)\n"
           "    return core.engine._tree, self._mine\n")
    assert private_core_uses(src, {"_mine"}) == [
        "1: pgwidgets_core.widget._check", "2: pgwidgets_core._private", "4: ._attach", "5: ._tree"]


def test_the_facade_uses_no_private_name_of_the_core():
    sync = ROOT / "pgwidgets_sync"
    own = _own_members(sync)
    bad = {str(p.relative_to(ROOT)): uses for p in sync.rglob("*.py")
           if (uses := private_core_uses(p.read_text(), own))}
    assert bad == {}, f"pgwidgets_sync reaches into private members: {bad}"


# ---- two applications share nothing ---------------------------------------------------

async def _serve_one(subwidgets: dict[str, int], barrier: threading.Barrier | None = None):
    """One app, one fake page whose ScrollArea uses ``subwidgets`` ids of its own; build
    two ScrollAreas and a Label, return what the app learned and the wids."""
    app = Application(ws_port=0, http_port=0, call_timeout=5)
    await app.start()
    fb = FakeBrowser(f"ws://127.0.0.1:{app.ws_port}", subwidgets=subwidgets)
    try:
        await fb.connect()
        sid, _ = await fb.wait_session_info()
        session = app.sessions[sid]
        if barrier is not None:
            await asyncio.to_thread(barrier.wait, 10)   # both apps are up at once
        W = session.get_widgets()
        first = await W.ScrollArea()
        await session.flush()                         # the reply teaches the page's ids
        second = await W.ScrollArea()
        label = await W.Label("x")
        await session.flush()
        seen = {wid: fw.cls for wid, fw in fb.widgets.items()}
        return (dict(app.page_facts.internal), [first.wid, second.wid, label.wid], seen,
                app.page_facts)
    finally:
        await fb.close()
        await app.close()


def _check(result, internal):
    facts, wids, seen, _ = result
    assert facts == internal
    # The Python ids are the ones the page gave those widgets: the counters agree.
    assert [seen[w] for w in wids] == ["ScrollArea", "ScrollArea", "Label"]
    assert wids[0] == 1


async def test_two_applications_in_one_loop_learn_separately():
    a = await _serve_one({"ScrollArea": 2})
    b = await _serve_one({})
    _check(a, {"ScrollArea": 2})
    _check(b, {})
    assert a[3] is not b[3]


def test_two_applications_in_two_threads_share_nothing():
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(name, sub):
        try:
            results[name] = asyncio.run(_serve_one(sub, barrier))
        except BaseException as exc:   # reported below
            results[name] = exc
            barrier.abort()

    threads = [threading.Thread(target=run, args=("a", {"ScrollArea": 3})),
               threading.Thread(target=run, args=("b", {}))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    for name in "ab":
        if isinstance(results.get(name), BaseException):
            raise results[name]
    _check(results["a"], {"ScrollArea": 3})
    _check(results["b"], {})
