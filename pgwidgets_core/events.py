"""The typed events the session engine produces for its I/O layer.

Pure data. The I/O layer takes them with :meth:`Engine.events_received
<pgwidgets_core.engine.Engine.events_received>` after each input and acts on each:
resolve a waiter, run handlers, report an error, log a malformed frame, arm a timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .pages import Page
from .state import Record

__all__ = ["Answered", "Failed", "Fired", "Reported", "Malformed", "TimerSet", "Event"]


@dataclass(slots=True)
class Answered:
    """The reply ``waiter`` waits for: its decoded value (None without one, or when the
    page went away first: then ``gone``)."""
    waiter: Any
    value: Any = None
    gone: bool = False


@dataclass(slots=True)
class Failed:
    """The page answered ``waiter``'s message with an error."""
    waiter: Any
    error: Exception


@dataclass(slots=True)
class Fired:
    """A user event for the program's handlers of ``rec`` (``rec.handlers``)."""
    rec: Record
    action: str
    args: list[Any]


@dataclass(slots=True)
class Reported:
    """An error nobody waits for (a write-behind call the page rejected...)."""
    error: Exception


@dataclass(slots=True)
class Malformed:
    """A frame (or a message of it) was ignored; ``skipped`` counts the ones not
    reported since the last report (rate limit)."""
    page: Page
    error: Exception | None
    data: Any = None
    skipped: int = 0


@dataclass(slots=True)
class TimerSet:
    """Call :meth:`Engine.tick` with ``key`` after ``delay`` seconds."""
    delay: float
    key: Any


Event = Answered | Failed | Fired | Reported | Malformed | TimerSet
