"""Where handlers run; never on the loop thread.

The core decides the lanes (``pgwidgets_core.dispatch``: which handlers run in order);
:class:`ThreadRunner` gives each lane its threads: a session's lane (``per_session``)
one thread of its own, the serialized lane the thread inside ``run()`` /
``process_events()`` (or a host GUI thread), no lane (``concurrent``) a bounded pool.
Calls cross in janus queues: the loop puts with the async side, other threads
(``gui_do``) the sync side. A coroutine-function handler is a core object's own (a
composite such as ``pgwidgets_core.extras.file_browser``; ours are plain): its lane's
thread runs it on the loop and waits, so it keeps its place in the lane's order.
"""

from __future__ import annotations

import inspect
import threading
import time
from functools import partial
from typing import Any, Callable, Collection

import janus

from pgwidgets_core.errors import ApplicationClosedError, SessionClosedError
from pgwidgets_core.facade import SERIAL

__all__ = ["Lane", "ThreadRunner"]

POOL_SIZE = 8            # threads of the concurrent mode
JOIN_TIMEOUT = 2.0       # close() waits this long, in all, for busy handler threads


class Lane:
    """A queue of calls ``(fn, args, kwargs, reply, report)`` and the threads that
    drain it; with none, :meth:`process` drains it. Made on the loop thread."""

    def __init__(self, name: str, threads: int) -> None:
        # This lane's calls in arrival order: the loop puts (async side), gui_do and
        # other threads put (sync side), the lane's threads or process() take.
        self._q: janus.Queue[tuple[Any, ...]] = janus.Queue()
        # Threads that run this lane's calls: those draining now (each adds and removes
        # itself) and a host GUI thread that claimed it (see claim()). Any thread.
        self._home: set[int] = set()
        self._refusal: type[Exception] = ApplicationClosedError   # once shut down
        # Called (any thread) after a call was queued for process(): a host wakes up.
        self.wakers: list[Callable[[], None]] = []
        self.threads = [threading.Thread(target=self._work, daemon=True,
                                         name=f"{name}-{i}" if threads > 1 else name)
                        for i in range(threads)]
        for t in self.threads:
            t.start()

    def deliver(self, item: tuple[Any, ...]) -> None:
        """Queue a call (loop thread); dropped once the lane has stopped."""
        try:
            self._q.async_q.put_nowait(item)
        except janus.AsyncQueueShutDown:
            return
        self._wake()

    def put(self, item: tuple[Any, ...]) -> None:
        """Queue a call (any other thread)."""
        try:
            self._q.sync_q.put(item)
        except janus.SyncQueueShutDown:
            raise self._refusal("no more calls: the application or session has ended") \
                from None
        self._wake()

    def _wake(self) -> None:
        for wake in list(self.wakers):
            try:
                wake()
            except Exception:            # a host's wake-up must not break the caller
                pass

    def is_home(self) -> bool:
        """True on a thread that runs this lane's calls."""
        return threading.get_ident() in self._home

    def thread_ident(self) -> int | None:
        """The ident of the thread that runs this lane's calls: its own thread, else a
        home (a host GUI thread, the thread in ``process_events``), else the main thread
        (the one ``run()`` is for); None for a pool of threads."""
        if self.threads:
            return self.threads[0].ident if len(self.threads) == 1 else None
        home = list(self._home)
        return home[0] if home else threading.main_thread().ident

    def claim(self, ident: int | None = None) -> None:
        """Make thread ``ident`` (this one) a home of this lane: ``gui_call`` there
        runs inline."""
        self._home.add(threading.get_ident() if ident is None else ident)

    def unclaim(self, ident: int) -> None:
        self._home.discard(ident)

    @property
    def done(self) -> bool:
        """True once every thread of this lane has ended."""
        return not any(t.is_alive() for t in self.threads)

    @property
    def shut(self) -> bool:
        """True once the lane takes no more calls."""
        return self._q.sync_q.closed

    def _work(self) -> None:
        self._home.add(threading.get_ident())
        while True:
            try:
                run(*self._q.sync_q.get())
            except janus.SyncQueueShutDown:
                return

    def process(self, timeout: float) -> int:
        """Run the queued calls here, waiting up to ``timeout`` for the first."""
        me, n = threading.get_ident(), 0
        claimed = me in self._home
        self._home.add(me)
        try:
            item = self._q.sync_q.get(timeout=timeout) if timeout > 0 \
                else self._q.sync_q.get_nowait()
            while True:
                run(*item)
                n += 1
                item = self._q.sync_q.get_nowait()
        except (janus.SyncQueueEmpty, janus.SyncQueueShutDown):
            return n
        finally:
            if not claimed:
                self._home.discard(me)

    def stop(self) -> None:
        """The session ended: take no more calls; the threads end once the queued
        ones have run."""
        self._refusal = SessionClosedError
        self._q.shutdown()

    def close(self) -> None:
        """Drop the queued calls; the threads end (see :meth:`join`)."""
        self._q.shutdown(immediate=True)
        self._wake()

    def join(self, deadline: float) -> None:
        for t in self.threads:
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - time.monotonic()))


def run(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any], reply: Any, report: Any) -> None:
    """Run one queued call on this thread: answer its caller or report its failure."""
    if reply is not None and reply.dropped:
        return                           # the caller gave up waiting
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:
        if reply is None:
            report(exc)
        else:
            reply.set(None, exc)
    else:
        if reply is not None:
            reply.set(result)


class ThreadRunner:
    """The core's handler runner for the blocking API (see
    ``pgwidgets_core.dispatch.Runner``): each lane's handlers on its threads, with
    their arguments made sync. Made on the loop thread."""

    def __init__(self, to_sync: Callable[[Any], Any],
                 report: Callable[[Any, Any, str, Exception], None],
                 on_loop: Callable[[Callable[[], Any]], Any]) -> None:
        self._to_sync = to_sync          # core objects -> proxies (loop thread)
        self._report = report            # (core session, fn, what, exc), on a handler thread
        self._on_loop = on_loop          # run a call on the loop, wait for it (bounded)
        self._lock = threading.Lock()    # guards _lanes: the loop adds, close() takes all
        self._lanes: dict[Any, Lane] = {}
        self._ended: list[Lane] = []     # released lanes whose thread may still run
        self.serial = Lane("pgwidgets-serial", 0)
        self._pool: Lane | None = None

    def lane(self, lane: Any) -> Lane:
        """The threads of ``lane`` (a core session, SERIAL or None), made on first use
        (loop thread)."""
        if lane is SERIAL:
            return self.serial
        if lane is None:
            if self._pool is None:
                self._pool = Lane("pgwidgets-pool", POOL_SIZE)
            return self._pool
        found = self._lanes.get(lane)
        if found is None:
            found = Lane(f"pgwidgets-session-{lane.id}", 1)
            with self._lock:
                self._lanes[lane] = found
        return found

    def run(self, lane: Any, session: Any, fn: Callable[..., Any], args: tuple[Any, ...],
            kwargs: dict[str, Any], what: str) -> None:
        report = (lambda exc: self._report(session, fn, what, exc))
        if inspect.iscoroutinefunction(fn):
            # A core object's own handler (a composite of pgwidgets_core.extras; ours
            # are plain, see proxy.plain) is loop code: it runs there, with core
            # arguments, while its lane waits, so the lane's order holds.
            call = partial(fn, *args, **kwargs)
            self.lane(lane).deliver((self._on_loop, (call,), {}, None, report))
            return
        self.lane(lane).deliver((fn, self._to_sync(args), self._to_sync(kwargs), None, report))

    def release(self, lane: Any) -> None:
        with self._lock:
            found = self._lanes.pop(lane, None)
            if found is not None:
                self._ended = [e for e in self._ended if not e.done] + [found]
        if found is not None:
            found.stop()

    def owns(self, task: Any) -> bool:
        return False                     # handlers run on threads, not loop tasks

    async def close(self, spare: Collection[Any] = ()) -> None:
        for lane in self.lanes():
            lane.close()

    def lanes(self) -> list[Lane]:
        with self._lock:
            own = list(self._lanes.values()) + self._ended
        return own + [self.serial] + ([self._pool] if self._pool is not None else [])

    def on_handler_thread(self) -> bool:
        """True on a thread of ours that runs handlers (not a claimed host thread)."""
        return any(threading.current_thread() in lane.threads for lane in self.lanes())

    def join(self) -> None:
        """Wait (bounded) for the handler threads to end (any thread but the loop's)."""
        deadline = time.monotonic() + JOIN_TIMEOUT
        for lane in self.lanes():
            lane.join(deadline)
