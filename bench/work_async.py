"""Workloads for the asyncio APIs (pgwidgets_core and pgwidgets.async_).

Every function takes the session and ``flush`` (a coroutine function that waits
until the page applied everything sent so far: ``session.flush()`` for ours, a
no-op for the reference, whose calls already wait for the page).  work_sync.py is
the same code for the blocking APIs; keep the two in step.
"""

from __future__ import annotations

import gc
import tracemalloc
from time import perf_counter

from spec import FAKE_SETTERS

MARK = "pgb-last-label"          # text of the last label of the reload workload
SMALL_MARK = "pgb-small-label"   # the same for the small UI of its warm-up


def make_on_connect(log, flush):
    """The on_connect handler: records its entry time, runs ``log.work`` (a name
    in this module, or None) and records when that finished."""
    async def on_connect(session):
        log.entered(session, perf_counter())
        work = log.work
        try:
            if work is not None:
                await globals()[work](session, flush)
        except BaseException as exc:
            log.failed(exc)
            raise
        log.finished_work(session, perf_counter())
    return on_connect


async def hello(session, flush):
    """A small UI (the getting-started example), for RSS per session."""
    W = session.get_widgets()
    top = await W.TopLevel(title="Hello", resizable=True)
    vbox = await W.VBox(spacing=8)
    label = await W.Label("Ready", halign="center")
    btn = await W.Button("Click me")
    await btn.on("activated", lambda: None)
    await vbox.add_widget(label, 1)
    await vbox.add_widget(btn, 0)
    await top.set_widget(vbox)
    await top.show()
    await flush(session)


async def fake(session, flush):
    """One fake-browser session: a label and 100 setters."""
    W = session.get_widgets()
    label = await W.Label("fake")
    for i in range(FAKE_SETTERS):
        await label.set_text(f"text {i}")
    await flush(session)


async def build(session, flush, n):
    """TopLevel > VBox > n Labels, shown; (seconds, top)."""
    t0 = perf_counter()
    W = session.get_widgets()
    top = await W.TopLevel(title="build")
    vbox = await W.VBox()
    await top.set_widget(vbox)
    for i in range(n):
        await vbox.add_widget(await W.Label(f"label {i}"), 0)
    await top.show()
    await flush(session)
    return perf_counter() - t0, top


async def settle(session, flush):
    await flush(session)


async def destroy(session, flush, widget):
    await widget.destroy()
    await flush(session)


async def one_label(session, flush):
    """A shown TopLevel > VBox > Label; (vbox, label)."""
    W = session.get_widgets()
    top = await W.TopLevel(title="label")
    vbox = await W.VBox()
    label = await W.Label("start")
    await vbox.add_widget(label, 0)
    await top.set_widget(vbox)
    await top.show()
    await flush(session)
    return vbox, label


async def set_texts(session, flush, label, n, tag):
    t0 = perf_counter()
    for i in range(n):
        await label.set_text(f"{tag} {i}")
    await flush(session)
    return perf_counter() - t0


async def queries(session, flush, vbox, n):
    times = []
    for _ in range(n):
        t0 = perf_counter()
        children = await vbox.get_children()
        times.append(perf_counter() - t0)
    if not children or len(children) != 1:
        raise RuntimeError(f"get_children() answered {children!r}")
    return times


async def click_ui(session, flush):
    """A Label "click 0" and a Button whose handler sets it to "click N"."""
    W = session.get_widgets()
    top = await W.TopLevel(title="click")
    vbox = await W.VBox()
    label = await W.Label("click 0")
    btn = await W.Button("Click me")
    count = 0

    async def clicked():
        nonlocal count
        count += 1
        await label.set_text(f"click {count}")

    await btn.on("activated", clicked)
    await vbox.add_widget(label, 1)
    await vbox.add_widget(btn, 0)
    await top.set_widget(vbox)
    await top.resize(300, 160)
    await top.show()
    await flush(session)


async def small(session, flush):
    W = session.get_widgets()
    top = await W.TopLevel(title="small")
    vbox = await W.VBox()
    await vbox.add_widget(await W.Label(SMALL_MARK), 0)
    await top.set_widget(vbox)
    await top.show()
    await flush(session)


async def big(session, flush, boxes, per_box):
    """TopLevel > VBox > ``boxes`` VBoxes > ``per_box`` Labels; the last is MARK."""
    W = session.get_widgets()
    top = await W.TopLevel(title="reload")
    outer = await W.VBox()
    await top.set_widget(outer)
    for b in range(boxes):
        box = await W.VBox()
        for i in range(per_box):
            last = b == boxes - 1 and i == per_box - 1
            await box.add_widget(await W.Label(MARK if last else f"label {b}.{i}"), 0)
        await outer.add_widget(box, 1)
    await top.resize(600, 700)
    await top.show()
    await flush(session)


async def bytes_per_widget(app, flush, n):
    """tracemalloc growth per Label built into a VBox of a headless session (made
    with app.create_session(), no page): what the library keeps per widget."""
    session = app.create_session()
    W = session.get_widgets()
    top = await W.TopLevel(title="bytes")
    vbox = await W.VBox()
    await top.set_widget(vbox)
    for i in range(20):                        # warm-up: first-use caches
        await vbox.add_widget(await W.Label(f"warm {i}"), 0)
    await top.show()
    await flush(session)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            await vbox.add_widget(await W.Label(f"label {i}"), 0)
        await flush(session)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    return grown / n


async def labels_ui(session, flush, n):
    """A shown TopLevel > VBox > ``n`` Labels; the labels."""
    W = session.get_widgets()
    top = await W.TopLevel(title="batch")
    vbox = await W.VBox()
    labels = []
    for i in range(n):
        labels.append(await W.Label(f"label {i}"))
        await vbox.add_widget(labels[-1], 0)
    await top.set_widget(vbox)
    await top.show()
    await flush(session)
    return labels


async def labels100(session, flush):
    """The "rss_process" UI: 100 Labels in a shown window."""
    await labels_ui(session, flush, 100)


async def batched_texts(session, flush, labels, calls, tag):
    """``calls`` set_text calls spread over ``labels``, in one ``session.batch()``,
    until the page applied them; seconds."""
    t0 = perf_counter()
    async with session.batch():
        for i in range(calls):
            await labels[i % len(labels)].set_text(f"{tag} {i}")
    await flush(session)
    return perf_counter() - t0


async def image_ui(session, flush):
    """A shown TopLevel > Image; the image."""
    W = session.get_widgets()
    top = await W.TopLevel(title="buffer")
    img = await W.Image()
    await top.set_widget(img)
    await top.resize(400, 300)
    await top.show()
    await flush(session)
    return img


async def send_image(session, flush, img, data):
    """``img.set_binary_image(data, "png")`` (a method the reference runs without
    waiting, ours write-behind), then ours' flush; the page decodes it after."""
    sent = img.set_binary_image(data, "png")
    if sent is not None:
        await sent
    await flush(session)
