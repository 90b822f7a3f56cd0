"""``max_sessions`` slots, and the timers that end sessions left without a page.

Both run on the event loop (loop thread only).
"""

from __future__ import annotations

import asyncio
import hmac
from collections import deque
from typing import Any, Callable

__all__ = ["Admission", "Expiry", "refusal"]


def refusal(session: Any, sid: Any, token: str | None, ids: Any, remote: str
            ) -> tuple[int, str, str] | None:
    """Whether a page presenting session ``sid`` with ``token`` is turned away:
    ``(close code, reason for the page, line for the log)``, or None. ``session`` is the
    one of that id this process holds (None: none); ``ids`` the app's
    :class:`~.routing.SessionIds` (a worker refuses ids it does not hold)."""
    if session is not None:
        if token is not None and hmac.compare_digest(token.encode(), session.token.encode()):
            return None
        return (4001, "Invalid session credentials", f"refused a page from {remote} for "
                f"session {sid!r}: {'no' if token is None else 'wrong'} token")
    why = ids.refusal(sid) if sid is not None else None
    return None if why is None else (4003, why, f"refused a page from {remote}: {why}")


class Admission:
    """``max_sessions``: a slot per session that has at least one page.

    Waiting pages are served first come, first served; a page that leaves while
    waiting gives its turn (or a slot already handed to it) back.
    """

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.used = 0
        self.holders: set[Any] = set()           # sessions holding a slot
        # Pages waiting for a slot, first come first served (loop thread).
        self._waiters: deque[asyncio.Future[Any]] = deque()

    async def take(self, gone: asyncio.Future[Any]) -> bool:
        """Wait for a slot; False if ``gone`` (the page left) completes first."""
        if self.limit is None or (self.used < self.limit and not self._waiters):
            self.used += 1
            return True
        turn = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        await asyncio.wait([turn, gone], return_when=asyncio.FIRST_COMPLETED)
        if turn.done():
            if gone.done():          # granted, but the page left: pass it on
                self.release()
                return False
            return True
        turn.cancel()
        self._waiters.remove(turn)
        return False

    def release(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(True)            # the slot changes hands
                return
        self.used -= 1

    def hold(self, session: Any) -> None:
        """``session`` (its first page attached) holds the slot just taken."""
        self.holders.add(session)

    def let_go(self, session: Any) -> None:
        """``session`` has no page left: its slot, if it held one, frees."""
        if session in self.holders:
            self.holders.discard(session)
            self.release()


class Expiry:
    """Destroy sessions that stay without a page for ``timeout`` seconds (None: never).

    Sessions made by pages expire; ``create_session`` ones only when asked to.
    """

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self.keep: set[Any] = set()                      # sessions that never expire
        self._timers: dict[Any, asyncio.TimerHandle] = {}

    def arm(self, session: Any, expire: Callable[[Any], None]) -> None:
        """``session`` has no page: ``expire(session)`` after the timeout."""
        if self.timeout is None or session in self.keep:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return                              # not started yet: armed by start()
        self.cancel(session)
        self._timers[session] = loop.call_later(self.timeout, self._fire, session, expire)

    def _fire(self, session: Any, expire: Callable[[Any], None]) -> None:
        self._timers.pop(session, None)
        expire(session)

    def cancel(self, session: Any) -> None:
        """A page attached (or the session ended): no expiry."""
        timer = self._timers.pop(session, None)
        if timer is not None:
            timer.cancel()

    def forget(self, session: Any) -> None:
        self.cancel(session)
        self.keep.discard(session)
