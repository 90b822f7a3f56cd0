"""The loop thread, and the one queue by which calls reach it.

``submit`` queues a call and returns at once; ``call`` also blocks for its result. Both
go through one janus queue drained in order on the loop, and a coroutine starts
eagerly, so a write-behind core method is done before the next call is taken.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from typing import Any, Callable

import janus

from pgwidgets_core.errors import ApplicationClosedError

__all__ = ["Portal", "Reply"]

SLICE = 0.1   # a blocked caller wakes this often, to notice Ctrl-C and a dead loop
GRACE = 0.5   # our bound is the call timeout plus this: the core's, naming the call, fires first
_numbers = itertools.count(1)
Report = Callable[[Any], Any]       # gets the exception of a call nobody waits for


class Reply:
    """One call's result, for the one thread that waits for it (the part of a
    ``concurrent.futures.Future`` needed here, at a fraction of its cost)."""

    __slots__ = ("ready", "value", "error", "dropped")

    def __init__(self) -> None:
        self.ready = threading.Lock()
        self.ready.acquire()                 # released by set()
        self.value: Any = None
        self.error: BaseException | None = None
        self.dropped = False                 # the caller gave up: skip the call

    def set(self, value: Any, error: BaseException | None = None) -> None:
        self.value, self.error = value, error
        self.ready.release()


_GATHERED = object()     # marks a queue item holding a list of gathered calls


class Portal:
    """An event loop on a daemon thread of its own, and the ways into it."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout                   # bounds every wait (plus GRACE)
        self.loop_ident: int | None = None       # written once, by the loop thread
        self._tasks: set[asyncio.Task[Any]] = set()   # calls suspended on the loop (loop thread)
        # Run on the loop after each batch of calls (the core writes what they queued).
        self.after_drain: Callable[[], Any] | None = None
        # True while a _drain is scheduled. _drain resets it before reading the queue,
        # so an item put after the reset schedules another.
        self._woken = False
        # Per thread: calls gathered inside a batch (see gather()), put as one item.
        self._local = threading.local()
        ready = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._serve(ready)),
                                       name=f"pgwidgets-loop-{next(_numbers)}", daemon=True)
        self.thread.start()
        if not ready.wait(10):
            raise RuntimeError("pgwidgets_sync: the event loop thread did not start")

    async def _serve(self, ready: threading.Event) -> None:
        self.loop_ident = threading.get_ident()
        self._loop = asyncio.get_running_loop()
        # Calls from other threads to run on the loop, in the order they were put.
        self._q: janus.Queue[tuple[Any, ...]] = janus.Queue()
        self._stopped = asyncio.Event()   # set by close(): the loop thread ends
        ready.set()
        await self._stopped.wait()

    def _drain(self) -> None:
        # Loop thread: run the queued calls, in order.
        self._woken = False
        q = self._q.async_q
        while q.qsize():
            item = q.get_nowait()
            if item[0] is _GATHERED:
                for one in item[1]:
                    self._run(*one)
            else:
                self._run(*item)
        if self.after_drain is not None:
            self.after_drain()
        if self._q.sync_q.closed:
            self._stopped.set()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...], reply: Reply | None,
             report: Report | None) -> None:
        if reply is not None and reply.dropped:
            return
        try:
            result = fn(*args)
            if asyncio.iscoroutine(result):
                # The task answers the caller itself when the coroutine ends (a done
                # callback would cost one more loop iteration).
                task = asyncio.Task(self._complete(result, reply, report), loop=self._loop,
                                    eager_start=True)
                if not task.done():
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                return
        except (Exception, asyncio.CancelledError) as exc:
            _finish(reply, report, None, exc)
        else:
            _finish(reply, report, result, None)

    @staticmethod
    async def _complete(coro: Any, reply: Reply | None, report: Report | None) -> None:
        try:
            result = await coro
        except asyncio.CancelledError:
            _finish(reply, report, None, ApplicationClosedError("the application closed "
                                                                "during the call"))
            raise
        except Exception as exc:
            _finish(reply, report, None, exc)
        else:
            _finish(reply, report, result, None)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop the core runs on (for an ASGI server on another loop to reach it)."""
        return self._loop

    @property
    def alive(self) -> bool:
        """True while the loop thread runs."""
        return self.thread.is_alive()

    def submit(self, report: Report | None, fn: Callable[..., Any], *args: Any) -> None:
        """Queue ``fn(*args)`` and return at once; if it fails, ``report(exc)`` runs
        on the loop."""
        gathered = getattr(self._local, "items", None)
        if gathered is not None:
            gathered.append((fn, args, None, report))
        else:
            self._put((fn, args, None, report))

    def gather(self) -> None:
        """From now until the matching :meth:`release`, this thread's submitted calls
        are kept here and put on the queue as one item (a batch: one hand-over to the
        loop instead of one per call). Nests. Their order with this thread's other
        calls is kept: a blocking :meth:`call` puts what was gathered first."""
        local = self._local
        local.depth = getattr(local, "depth", 0) + 1
        if local.depth == 1:
            local.items = []

    def release(self) -> None:
        """End a :meth:`gather`; the outermost puts what was gathered."""
        local = self._local
        local.depth -= 1
        if local.depth == 0:
            self._put_gathered()
            local.items = None

    def _put_gathered(self) -> None:
        items = getattr(self._local, "items", None)
        if items:
            self._local.items = []
            self._put((_GATHERED, items, None, None))

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` on the loop (awaited if a coroutine) and return its
        result, or raise its exception here with its own traceback."""
        self.guard()
        reply = Reply()
        self._put_gathered()
        self._put((fn, args, reply, None))
        return self.wait(reply)

    def wait(self, reply: Reply) -> Any:
        """Block for ``reply`` in short slices, bounded by the call timeout (call
        :meth:`guard` first)."""
        deadline = time.monotonic() + self.timeout + GRACE
        try:
            while not reply.ready.acquire(timeout=SLICE):
                if not self.thread.is_alive():
                    raise ApplicationClosedError("the application was closed")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer within {self.timeout} s")
        except BaseException:
            reply.dropped = True                 # if still queued, it is skipped
            raise
        if reply.error is not None:
            raise reply.error
        return reply.value

    def guard(self) -> None:
        """Raise ``RuntimeError`` on the loop thread, where waiting would deadlock."""
        if threading.get_ident() == self.loop_ident:
            raise RuntimeError(
                "pgwidgets_sync: blocking call made on the event loop thread, which it "
                "would wait for; call it from another thread, or await pgwidgets_core there")

    def _put(self, item: tuple[Any, ...]) -> None:
        try:
            self._q.sync_q.put(item)
        except janus.SyncQueueShutDown:
            raise ApplicationClosedError("the application was closed") from None
        if not self._woken:              # one wake-up per batch (janus's: a task per item)
            self._woken = True
            self._wake()

    def _wake(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._drain)
        except RuntimeError:             # the loop has closed; a waiter notices
            pass

    def close(self) -> None:
        """Take no more calls, run those queued, end the loop and join its thread."""
        self._q.shutdown()
        self._wake()
        if threading.get_ident() != self.loop_ident:
            self.thread.join(5)


def _finish(reply: Reply | None, report: Report | None, result: Any,
            error: BaseException | None) -> None:
    if reply is not None:
        reply.set(result, error)
    elif error is not None and report is not None:
        report(error)
