"""The three ways callbacks run: ``per_session``, ``serialized``, ``concurrent``.

One place decides which handlers may run together: every handler (widget callbacks,
``on_connect``, ``on_disconnect``) gets a *lane*: the session (``per_session``), one
lane for all (``serialized``), or none (``concurrent``). Handlers of one lane run one
at a time, in arrival order. *How* a lane runs its handlers is the runner's business:

- :class:`TaskRunner` (the asyncio API): each handler is a task, started eagerly (it
  runs at once while its lane is free), under an ``asyncio.Lock`` per lane (FIFO).
- ``pgwidgets_sync`` passes a runner of its own: a thread per lane, a queue drained
  by ``run()`` / ``process_events()``, a pool for no lane (see :class:`Runner`).
"""

from __future__ import annotations

import asyncio
import inspect
import weakref
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Callable, Collection, Protocol

if TYPE_CHECKING:
    from .session import Session

__all__ = ["MODES", "SERIAL", "Dispatcher", "Runner", "TaskRunner"]

MODES = ("per_session", "serialized", "concurrent")

#: The one lane of ``serialized`` mode.
SERIAL = "serialized"


class Runner(Protocol):
    """Runs handlers; the interface a facade implements to run them elsewhere."""

    def run(self, lane: Any, session: Session, fn: Callable[..., Any], args: tuple[Any, ...],
            kwargs: dict[str, Any], what: str) -> None:
        """Run ``fn(*args, **kwargs)`` after the earlier handlers of ``lane`` (a session,
        :data:`SERIAL`, or None: no order). Called on the loop thread. A failure goes
        to ``session.report_error`` with a note naming ``what``."""

    def release(self, lane: Any) -> None:
        """``lane`` (a destroyed session) gets no more handlers once those given have
        run. A handler may still come after (``on_disconnect`` of the pages its end
        closed): the dispatcher then releases the lane again right after it."""

    def owns(self, task: asyncio.Task[Any]) -> bool:
        """True if ``task`` runs one of this runner's handlers."""

    async def close(self, spare: Collection[asyncio.Task[Any]] = ()) -> None:
        """The application closes: stop running handlers (but the tasks in ``spare``:
        those that called close())."""


class Dispatcher:
    """The mode's lanes, and the runner that runs them."""

    def __init__(self, mode: str, runner: Runner | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"concurrency_handling must be one of {', '.join(MODES)}; "
                             f"got {mode!r}")
        self.mode = mode
        self.runner: Runner = runner if runner is not None else TaskRunner()

    def lane(self, session: Session) -> Any:
        """Which handlers ``session``'s handlers wait for."""
        if self.mode == "per_session":
            return session
        return SERIAL if self.mode == "serialized" else None

    def submit(self, session: Session, fn: Callable[..., Any], args: tuple[Any, ...],
               kwargs: dict[str, Any], what: str) -> None:
        """Run ``fn(*args, **kwargs)`` (sync or async) as the mode says (loop thread)."""
        lane = self.lane(session)
        self.runner.run(lane, session, fn, args, kwargs, what)
        if lane is session and session.is_destroyed:
            # A handler after the session's end (the on_disconnect of the pages that
            # destroy() closed): its lane is let go again once that handler ran, or a
            # runner that made the lane anew (a thread) would keep it, and the session,
            # for good.
            self.runner.release(session)

    def release(self, session: Session) -> None:
        if self.mode == "per_session":
            self.runner.release(session)


class TaskRunner:
    """The asyncio API's runner: a task per handler, a lock per lane (loop thread)."""

    def __init__(self) -> None:
        # lane -> its lock; a session's lock goes with the session
        self._locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()
        self._serial = asyncio.Lock()     # serialized: one handler of the app at a time
        self._tasks: set[asyncio.Task[Any]] = set()   # running handler tasks

    def _lock(self, lane: Any) -> Any:
        if lane is None:
            return nullcontext()
        if lane is SERIAL:
            return self._serial
        lock = self._locks.get(lane)
        if lock is None:
            # per_session: one handler of the session at a time
            self._locks[lane] = lock = asyncio.Lock()
        return lock

    def run(self, lane: Any, session: Session, fn: Callable[..., Any], args: tuple[Any, ...],
            kwargs: dict[str, Any], what: str) -> None:
        # Started eagerly: a handler whose lane is free runs now, up to its first real
        # suspension, instead of one loop iteration later.
        task = asyncio.Task(self._run(self._lock(lane), session, fn, args, kwargs, what),
                            loop=asyncio.get_running_loop(), name=f"pgwidgets {what}",
                            eager_start=True)
        if not task.done():
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(lock: Any, session: Session, fn: Callable[..., Any], args: tuple[Any, ...],
                   kwargs: dict[str, Any], what: str) -> None:
        async with lock:
            try:
                result = fn(*args, **kwargs)
                if inspect.isawaitable(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                exc.add_note(f"in the handler for {what}")
                session.report_error(exc)

    def release(self, lane: Any) -> None:
        self._locks.pop(lane, None)

    def owns(self, task: asyncio.Task[Any]) -> bool:
        return task in self._tasks

    async def close(self, spare: Collection[asyncio.Task[Any]] = ()) -> None:
        """Cancel running handlers (but the caller's and ``spare``) and wait for them."""
        tasks = [t for t in self._tasks if t is not asyncio.current_task() and t not in spare]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2)
