"""What the benchmark measures: metrics, sample counts, goals.

Shared by the orchestrator (``python -m bench``) and the per-process driver
(``bench/driver.py``, which runs in either venv), so it imports nothing but the
standard library and uses no relative imports.
"""

from __future__ import annotations

# Implementations, in the order they run within a round (ours/ref alternate).
IMPLS = ("ours-async", "ref-async", "ours-sync", "ref-sync")
FLOOR = "floor"          # measurements that use no widget library

# Sizes of the workloads (the numbers; the same for every implementation).
BUILD_LABELS = 500
SET_TEXT_CALLS = 2000
RELOAD_BOXES, RELOAD_LABELS_PER_BOX = 10, 100          # 1,000 labels (+ 12 containers)
BYTES_LABELS = 1000
FAKE_SESSIONS, FAKE_SETTERS = 50, 100
BATCH_CALLS, BATCH_LABELS = 1000, 100                   # 10 set_text per label
# "batch_distinct": one set_text on each of 1,000 Labels (ours sends a setter repeated on
# one widget in a batch once, with its last value: there it has nothing to fold)
BUFFER_SIDE = 1160                                      # RGB PNG, level 0: ~4.0 MB

# name -> description.  "samples": (default, quick) per driver process;
# "timeout": seconds for one driver process (it is killed after that);
# "round_factor": this metric runs that many times --rounds (latencies move by
# +-20 % from one Chromium process to the next on a 2-core machine, so their
# medians pool more processes).
METRICS: dict[str, dict] = {
    "open": dict(
        title="page open -> on_connect", samples=(3, 2), timeout=120,
        doc="page.goto start (fresh browser context, cold cache) to on_connect entry"),
    "build500": dict(
        title=f"build {BUILD_LABELS} labels in a VBox", samples=(2, 1), timeout=180,
        doc="TopLevel+VBox+500 Labels+show, until the page applied it (ours: flush)"),
    "settext": dict(
        title=f"{SET_TEXT_CALLS} set_text", samples=(2, 1), timeout=180,
        doc="2,000 label.set_text calls, until the page applied them (ours: flush)"),
    "batch": dict(
        title=f"{BATCH_CALLS}-call batch", samples=(8, 3), timeout=180, round_factor=2,
        doc="one session.batch() of 1,000 set_text calls over 100 shown Labels, "
            "until the page applied them (ours: flush)"),
    "batch_distinct": dict(
        title=f"{BATCH_CALLS}-call batch, {BATCH_CALLS} labels", samples=(8, 3), timeout=180,
        round_factor=2,
        doc="one session.batch() of 1,000 set_text calls, one on each of 1,000 shown Labels "
            "(nothing repeats), until the page applied them (ours: flush)"),
    "buffer": dict(
        title="4 MB image buffer", samples=(6, 3), timeout=180, round_factor=2,
        doc="Image.set_binary_image(bytes of a ~4 MB PNG of random pixels) until the page shows the "
            "decoded image (the same page-side probe for both)"),
    "query": dict(
        title="browser query round trip", samples=(300, 100), timeout=120, round_factor=3,
        doc="vbox.get_children() on a VBox holding one Label, one call at a time"),
    "click": dict(
        title="click -> label updated in DOM", samples=(150, 60), timeout=180, round_factor=3,
        doc="a click dispatched in the page (button.click()) on a Button whose handler "
            "sets a Label; page-side time from the click event to the label's DOM "
            "mutation; the first click 3 s after the UI is shown"),
    "click_input": dict(
        title="real mouse click -> label updated in DOM", samples=(150, 60), timeout=180,
        doc="the same with a real mouse click (CDP input events): Chromium runs no "
            "other task of the page until the frame after an input event, so this "
            "adds up to a frame (~8-16 ms) that neither binding controls"),
    "reload": dict(
        title=f"reload {RELOAD_BOXES * RELOAD_LABELS_PER_BOX}-widget session", samples=(2, 1),
        timeout=300,
        doc="page.reload(); page-side time from navigation start until the last "
            "label's text is in the DOM and visible"),
    "bytes": dict(
        title="Python bytes per widget", samples=(2, 1), timeout=240,
        doc="tracemalloc growth building 1,000 Labels into a VBox of a connected "
            "session (after flush + gc), / 1,000"),
    "rss": dict(
        title="RSS per connected session", samples=(1, 1), timeout=240,
        doc="VmRSS growth per additional real Chromium page (each a new session "
            "building TopLevel+VBox+Label+Button with a callback)"),
    "rss_process": dict(
        title="process RSS, one 100-label session", samples=(1, 1), timeout=240,
        doc="VmRSS of the driver process (app and harness) after one real Chromium page "
            "got a session of TopLevel+VBox+100 Labels"),
    "fake50": dict(
        title=f"{FAKE_SESSIONS} fake sessions x {FAKE_SETTERS} setters", samples=(2, 1),
        timeout=240,
        doc="50 concurrent fake-browser WebSocket clients (another process); each "
            "session's on_connect makes a Label, 100 set_text, then waits for the "
            "page (ours: flush); time until all 50 are done"),
    "floor_py": dict(
        title="floor: WebSocket echo Python<->Python", samples=(1000, 300), timeout=60,
        impls=(FLOOR,),
        doc="websockets server sends, a websockets client in another process echoes"),
    "floor_browser": dict(
        title="floor: WebSocket echo Python<->browser", samples=(1000, 300), timeout=90,
        round_factor=3,
        impls=(FLOOR,),
        doc="websockets server sends, a tiny page in Chromium echoes"),
}

# Run order: each floor runs next to the metric it is the floor of.
ORDER = ("open", "build500", "settext", "batch", "batch_distinct", "buffer", "floor_browser",
         "query", "click", "click_input", "reload", "bytes", "rss", "rss_process", "floor_py",
         "fake50")
assert sorted(ORDER) == sorted(METRICS)

# Extra numbers per metric.
RSS_PAGES = (8, 6)          # pages opened for the "rss" metric (default, quick)


def rounds_for(metric: str, rounds: int) -> int:
    return rounds * METRICS[metric].get("round_factor", 1)


def impls_for(metric: str) -> tuple[str, ...]:
    return METRICS[metric].get("impls", IMPLS)


# Rows of the result table.  Each row reads one statistic of a metric's pooled
# samples (seconds, bytes or calls/s) and compares ours/ref against a goal.
#   stat: "median" | "p50" | "p95" | "rate" (calls per second = n / median time)
#   unit: how to print the value; scale converts the base unit to it
#   goal: (op, ratio) on ours/ref, or None
ROWS: list[dict] = [
    dict(key="open", metric="open", stat="median", unit="ms", scale=1e3, goal=("<=", 0.5)),
    dict(key="build500", metric="build500", stat="median", unit="ms", scale=1e3,
         goal=("<=", 0.1)),
    dict(key="settext", metric="settext", stat="rate", n=SET_TEXT_CALLS, unit="calls/s",
         scale=1, goal=(">=", 10.0)),
    dict(key="batch", metric="batch", stat="rate", n=BATCH_CALLS, unit="calls/s",
         scale=1, goal=(">=", 1.0)),
    dict(key="batch_distinct", metric="batch_distinct", stat="rate", n=BATCH_CALLS,
         unit="calls/s", scale=1, goal=None),
    dict(key="buffer", metric="buffer", stat="median", unit="ms", scale=1e3,
         goal=("<=", 1.0)),
    dict(key="query", metric="query", stat="median", unit="us", scale=1e6, goal=("<=", 1.0)),
    dict(key="query_over_floor", metric="query", stat="median", unit="us", scale=1e6,
         minus="floor_browser", goal=("abs<=", 100e-6),
         title="browser query - browser floor"),
    dict(key="click_p50", metric="click", stat="p50", unit="ms", scale=1e3, goal=("<=", 1.0),
         title="click -> DOM p50"),
    dict(key="click_p95", metric="click", stat="p95", unit="ms", scale=1e3, goal=("<=", 0.8),
         title="click -> DOM p95"),
    dict(key="click_input_p50", metric="click_input", stat="p50", unit="ms", scale=1e3,
         goal=None, title="real mouse click -> DOM p50"),
    dict(key="click_input_p95", metric="click_input", stat="p95", unit="ms", scale=1e3,
         goal=None, title="real mouse click -> DOM p95"),
    dict(key="reload", metric="reload", stat="median", unit="ms", scale=1e3, goal=("<=", 0.15)),
    dict(key="bytes", metric="bytes", stat="median", unit="B", scale=1, goal=("<=", 0.7)),
    dict(key="rss", metric="rss", stat="median", unit="KiB", scale=1 / 1024, goal=None),
    dict(key="rss_process", metric="rss_process", stat="median", unit="MiB", scale=1 / 2**20,
         goal=("<=", 1.0)),
    dict(key="fake50", metric="fake50", stat="median", unit="ms", scale=1e3, goal=("<=", 0.2)),
    dict(key="floor_py", metric="floor_py", stat="median", unit="us", scale=1e6, goal=None),
    dict(key="floor_browser", metric="floor_browser", stat="median", unit="us", scale=1e6,
         goal=None),
]
