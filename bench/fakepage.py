"""Fake browser pages over WebSocket, in their own process (so their CPU time is not
charged to the server being measured).

    python bench/fakepage.py pages URL       fake pages, driven through stdin
    python bench/fakepage.py echo URL        echo every message back (the floor)

``pages`` reads commands on stdin: ``go N`` opens N connections that each act as
the pgwidgets-js connector page (answer ``init``, store ``session-info``, send a
``viewport``, answer every message that has an id, an array with an array), and
prints ``opened`` when all are open; ``drop`` closes them and prints ``dropped``;
``count`` prints ``count K``: how many texts starting ``pgs-`` (the scale bench's
setters) all pages received so far; ``fire`` sends each open page's last
``activated`` listener a callback (a click; bench/proxy.py) and prints ``fired``;
``quit`` (or EOF) exits.  Output lines are
flushed at once.
"""

from __future__ import annotations

import asyncio
import json
import sys

from websockets.asyncio.client import connect

# Message types the page answers with a `result` (PROTOCOL.md 3.2).
_ANSWERED = frozenset({"init", "reconstruct-start", "reconstruct-end", "create", "call",
                       "batch", "listen", "unlisten", "register-font", "set-default-font",
                       "open-url"})
# Types the page never answers.
_SILENT = frozenset({"session-info", "binary-call", "binary-call-chunked", "binary-chunk"})
# Setter texts received (bench/scale.py marks its setters' texts "pgs-...").
_received = [0]


class FakePage:
    def __init__(self) -> None:
        self.next_wid = 1
        self.session: tuple | None = None
        self.sent_viewport = False
        self.activated: int | None = None     # wid of the last ``activated`` listener

    def answer(self, msg: object) -> dict | None:
        if not isinstance(msg, dict):
            return None
        typ, mid = msg.get("type"), msg.get("id")
        if typ == "session-info":
            self.session = (msg.get("session_id"), msg.get("token"))
            return None
        if typ in _SILENT or mid is None:
            return None
        if typ == "listen" and msg.get("action") == "activated":
            self.activated = msg.get("wid")
        if typ in _ANSWERED:
            reply = {"type": "result", "id": mid}
            if typ == "create":
                wid = msg.get("wid")
                if isinstance(wid, int) and wid >= self.next_wid:
                    self.next_wid = wid + 1
                reply["wid"] = wid
                reply["next_wid"] = self.next_wid
            return reply
        return {"type": "error", "id": mid, "error": f"Unknown message type: {typ}"}


async def one_page(url: str, opened: list, n: int, ready: asyncio.Event,
                   stop: asyncio.Event) -> None:
    page = FakePage()
    # Default options, compression included: Chromium negotiates permessage-deflate.
    async with connect(url, max_size=None, open_timeout=300) as ws:
        opened.append((ws, page))
        if len(opened) == n:
            ready.set()
        serve = asyncio.ensure_future(_serve(ws, page))
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({serve, stopper}, return_when=asyncio.FIRST_COMPLETED)
        serve.cancel()
        stopper.cancel()


async def _serve(ws, page: FakePage) -> None:
    async for frame in ws:
        if isinstance(frame, bytes):
            continue
        if '"pgs-' in frame:
            _received[0] += frame.count('"pgs-')
        data = json.loads(frame)
        if isinstance(data, list):
            await ws.send(json.dumps([page.answer(m) for m in data]))
            continue
        reply = page.answer(data)
        if reply is not None:
            await ws.send(json.dumps(reply))
        if data.get("type") == "session-info" and not page.sent_viewport:
            page.sent_viewport = True
            await ws.send(json.dumps({"type": "viewport", "width": 1280, "height": 800}))


async def pages(url: str) -> None:
    loop = asyncio.get_running_loop()
    out = sys.stdout
    tasks: list[asyncio.Task] = []
    stop = asyncio.Event()
    opened: list = []
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line.startswith("go "):
            n = int(line.split()[1])
            stop = asyncio.Event()
            ready = asyncio.Event()
            opened = []
            tasks = [asyncio.ensure_future(one_page(url, opened, n, ready, stop))
                     for _ in range(n)]
            await asyncio.wait_for(ready.wait(), 600)
            print("opened", flush=True, file=out)
        elif line == "drop":
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
            print("dropped", flush=True, file=out)
        elif line == "fire":
            for ws, page in opened:
                if page.activated is not None:
                    await ws.send(json.dumps({"type": "callback", "wid": page.activated,
                                              "action": "activated", "args": []}))
            print("fired", flush=True, file=out)
        elif line == "count":
            print("count", _received[0], flush=True, file=out)
        else:                                 # "quit" or EOF
            stop.set()
            return


async def echo(url: str) -> None:
    async with connect(url, max_size=None) as ws:
        async for frame in ws:
            await ws.send(frame)


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "pages":
        asyncio.run(pages(url))
    elif mode == "echo":
        asyncio.run(echo(url))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
