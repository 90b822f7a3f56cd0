"""The blocking ``Session``: the core session's API, plus ``gui_do`` / ``gui_call``."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Iterator, cast

from pgwidgets_core.session import Session as CoreSession, WidgetNamespace

from .dispatch import Lane
from .portal import Reply
from .proxy import Proxy, mirror, plain
from .widget import Widget, widget_class

if TYPE_CHECKING:
    from .Widgets import Namespace
    from .application import Application

__all__ = ["Session"]


class Session(Proxy):
    """A UI owned by Python, shown in zero or more browser pages (blocking API).

    Its handlers, ``gui_do`` and ``gui_call`` run on its callback thread: its own
    (``per_session``), the one in ``app.run()`` (``serialized``) or a pool's.
    """

    __slots__ = ("_lane", "__weakref__")

    if TYPE_CHECKING:       # the core's other methods, mirrored at import (proxy.mirror)
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, app: Application, core: CoreSession) -> None:
        # Loop thread only: made by to_sync.
        self._app, self._core = app, core
        self._lane: Lane = app._runner.lane(app._core.dispatcher.lane(core))

    def __repr__(self) -> str:
        return f"<sync Session {self._core.id!r}>"

    @property
    def app(self) -> Application:
        """The Application this session belongs to."""
        return self._app                                   # type: ignore[no-any-return]

    def get_widgets(self) -> Namespace:
        """A namespace of blocking widget constructors bound to this session:
        ``W = session.get_widgets(); btn = W.Button("Click me")``."""
        # Classes are made when first named (as in the core), not all 52 at once.
        return cast("Namespace", WidgetNamespace(self, self._app.widget_classes,
                                                 widget_class))   # typed by Widgets.pyi

    def walk_widget_tree(self) -> Iterator[Widget]:
        """Yield every widget, parents before children (a snapshot)."""
        yield from self._call("walk_widget_tree")

    def on_error(self, handler: Callable[[Session, Exception], Any]) -> Callable[..., Any]:
        """Register ``handler(session, error)`` for errors of calls nobody waited for;
        it runs on the callback thread. Usable as a decorator."""
        self._call("on_error", self._app._relay(plain(handler), "on_error"))
        return handler

    def on_destroy(self, handler: Callable[[Session], Any]) -> Callable[..., Any]:
        """Register ``handler(session)``, run on the callback thread when the session
        is destroyed. Usable as a decorator."""
        self._call("on_destroy", self._app._relay(plain(handler), "on_destroy"))
        return handler

    def batch(self) -> Batch:
        """``with session.batch(): ...``: the calls made inside leave together, one
        frame per page, at the end of the outermost batch (see the asyncio API)."""
        return Batch(self)

    def begin_batch(self) -> None:
        """Open a batch by hand (:meth:`batch` is the usual way); returns at once. This
        thread's calls until :meth:`end_batch` reach the loop together."""
        portal = self._app._portal
        portal.gather()
        portal.submit(self._core.report_error, self._core.begin_batch)

    def end_batch(self) -> None:
        """Close a batch opened by :meth:`begin_batch`; returns at once."""
        portal = self._app._portal
        portal.submit(self._core.report_error, self._core.end_batch)
        portal.release()

    def get_session_thread(self) -> int | None:
        """The ident of the thread that runs this session's handlers: its own thread
        (``per_session``), the thread in ``run()`` / ``process_events()`` or the host's
        GUI thread (``serialized``); None in ``concurrent`` mode (a pool)."""
        return self._lane.thread_ident()

    def gui_do(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Queue ``fn(*args, **kwargs)`` for the callback thread; return at once.
        An exception goes to the error handlers."""
        self._lane.put((fn, args, kwargs, None,
                        partial(self._app._report, self._core, fn, "gui_do")))

    def gui_call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` on the callback thread (inline if already
        there) and return its result, within the call timeout."""
        if self._lane.is_home():
            return fn(*args, **kwargs)
        self._app._portal.guard()
        reply = Reply()
        self._lane.put((fn, args, kwargs, reply, None))
        return self._app._portal.wait(reply)


class Batch:
    """``with session.batch():`` in the blocking API: the begin and the end are queued
    in order with the calls between them."""

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def __enter__(self) -> Batch:
        self._session.begin_batch()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._session.end_batch()


mirror(Session, CoreSession)
