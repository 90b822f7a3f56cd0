"""Where handlers run; never on the loop thread. By ``concurrency_handling``:
``per_session`` one thread per session, in order; ``serialized`` the thread inside
``run()`` / ``process_events()``; ``concurrent`` a bounded pool. Calls cross in janus
queues: the loop puts with the async side, other threads (``gui_do``) the sync side.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import janus

from pgwidgets_core.dispatch import MODES
from pgwidgets_core.errors import ApplicationClosedError, SessionClosedError

__all__ = ["Runner", "Dispatcher"]

POOL_SIZE = 8            # threads of the concurrent mode
JOIN_TIMEOUT = 2.0       # close() waits this long, in all, for busy handler threads


class Runner:
    """A queue of calls ``(fn, args, kwargs, reply, report)`` and the threads that
    drain it; with none, :meth:`process` drains it. Made on the loop thread."""

    def __init__(self, name: str, threads: int) -> None:
        self._q: janus.Queue[tuple] = janus.Queue()
        self._home: set[int] = set()     # threads draining now; each adds/removes itself
        self._refusal: type[Exception] = ApplicationClosedError   # once shut down
        self.threads = [threading.Thread(target=self._work, daemon=True,
                                         name=f"{name}-{i}" if threads > 1 else name)
                        for i in range(threads)]
        for t in self.threads:
            t.start()

    def deliver(self, item: tuple) -> None:
        """Queue a call (loop thread); dropped once the runner has stopped."""
        try:
            self._q.async_q.put_nowait(item)
        except janus.AsyncQueueShutDown:
            pass

    def put(self, item: tuple) -> None:
        """Queue a call (any other thread)."""
        try:
            self._q.sync_q.put(item)
        except janus.SyncQueueShutDown:
            raise self._refusal("no more calls: the application or session has ended") \
                from None

    def is_home(self) -> bool:
        """True on a thread that drains this queue right now."""
        return threading.get_ident() in self._home

    @property
    def done(self) -> bool:
        """True once every thread of this runner has ended."""
        return not any(t.is_alive() for t in self.threads)

    def _work(self) -> None:
        self._home.add(threading.get_ident())
        while True:
            try:
                _run(*self._q.sync_q.get())
            except janus.SyncQueueShutDown:
                return

    def process(self, timeout: float) -> int:
        """Run the queued calls here, waiting up to ``timeout`` for the first."""
        me, n = threading.get_ident(), 0
        self._home.add(me)
        try:
            item = self._q.sync_q.get(timeout=timeout)
            while True:
                _run(*item)
                n += 1
                item = self._q.sync_q.get_nowait()
        except (janus.SyncQueueEmpty, janus.SyncQueueShutDown):
            return n
        finally:
            self._home.discard(me)

    def stop(self) -> None:
        """The session ended: take no more calls; the threads end once the queued
        ones have run."""
        self._refusal = SessionClosedError
        self._q.shutdown()

    def close(self, deadline: float) -> None:
        """Drop the queued calls; end the threads and join them (but the caller's)
        until ``deadline``."""
        self._q.shutdown(immediate=True)
        for t in self.threads:
            if t is not threading.current_thread():
                t.join(max(0.0, deadline - time.monotonic()))


def _run(fn: Any, args: tuple, kwargs: dict, reply: Any, report: Any) -> None:
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


class Dispatcher:
    """The runners of one application, as its mode says. Made on the loop thread."""

    def __init__(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"concurrency_handling must be one of {', '.join(MODES)}; "
                             f"got {mode!r}")
        self.mode = mode
        self._lock = threading.Lock()    # guards _own: the loop adds, close() takes all
        self._own: list[Runner] = []     # per-session runners whose thread may still run
        self._shared = None if mode == "per_session" else Runner(
            "pgwidgets-pool", POOL_SIZE if mode == "concurrent" else 0)

    def for_session(self, session_id: Any) -> Runner:
        """The runner for a new session's handlers (loop thread)."""
        if self._shared is not None:
            return self._shared
        runner = Runner(f"pgwidgets-session-{session_id}", 1)
        with self._lock:
            self._own = [r for r in self._own if not r.done] + [runner]
        return runner

    def release(self, runner: Runner) -> None:
        """A session ended: its own thread, if any, ends after the calls queued."""
        if runner is not self._shared:
            runner.stop()

    def process(self, timeout: float) -> int:
        """Serialized mode: run the queued handlers here. Other modes: just wait."""
        if self.mode == "serialized":
            return self._shared.process(timeout)   # type: ignore[union-attr]
        time.sleep(timeout)
        return 0

    def close(self) -> None:
        """Stop every runner and join its threads (bounded)."""
        with self._lock:
            runners, self._own = self._own, []
        deadline = time.monotonic() + JOIN_TIMEOUT
        for r in runners + ([self._shared] if self._shared else []):
            r.close(deadline)
