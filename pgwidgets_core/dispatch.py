"""The three ways callbacks run: ``per_session``, ``serialized``, ``concurrent``.

Every handler (widget callbacks, ``on_connect``, ``on_disconnect``) becomes a task,
started eagerly (it runs at once while its lock is free):

- ``per_session``: the task takes the session's asyncio.Lock, so one session's
  handlers run one at a time in arrival order (the lock is FIFO); sessions
  interleave at await points.
- ``serialized``: one asyncio.Lock for every handler of every session.
- ``concurrent``: no lock.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .session import Session

__all__ = ["MODES", "Dispatcher"]

MODES = ("per_session", "serialized", "concurrent")


class Dispatcher:
    """Runs handlers as tasks under the lock the mode asks for."""

    def __init__(self, mode: str, logger: logging.Logger) -> None:
        if mode not in MODES:
            raise ValueError(f"concurrency_handling must be one of {', '.join(MODES)}; "
                             f"got {mode!r}")
        self.mode = mode
        self._log = logger
        self._global = asyncio.Lock()         # serialized mode: every handler
        self._tasks: set[asyncio.Task] = set()   # running handler tasks (loop thread)

    def _lock_for(self, session: Session) -> Any:
        if self.mode == "per_session":
            return session._lock
        if self.mode == "serialized":
            return self._global
        return nullcontext()

    def submit(self, session: Session, fn: Callable[..., Any], args: tuple[Any, ...],
               kwargs: dict[str, Any], what: str) -> asyncio.Task:
        """Run ``fn(*args, **kwargs)`` (sync or async) as the mode says.

        The task starts eagerly: a handler whose lock is free runs now, up to its
        first real suspension, instead of one loop iteration later."""
        task = asyncio.Task(self._run(session, fn, args, kwargs, what),
                            loop=asyncio.get_running_loop(), name=f"pgwidgets {what}",
                            eager_start=True)
        if not task.done():
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, session: Session, fn: Callable[..., Any], args: tuple[Any, ...],
                   kwargs: dict[str, Any], what: str) -> None:
        async with self._lock_for(session):
            try:
                result = fn(*args, **kwargs)
                if inspect.isawaitable(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                exc.add_note(f"in the handler for {what}")
                session._report(exc)

    async def cancel_all(self) -> None:
        """Cancel running handlers (application close) and wait for them to end."""
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2)
