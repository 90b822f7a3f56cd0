"""Blocking widget classes, generated from the core's catalog (one per pgwidgets-js
class), each method forwarding to its async twin on the loop thread.

A method the core runs write-behind (setters, actions, child calls) is checked here
with the core's own ``bind_args``, queued, and returns at once; an error it raises
later on the loop goes to the session's error handlers. Everything else (creation,
getters, browser queries, factories) blocks for its value.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from pgwidgets_core import facade
from pgwidgets_core.catalog import MethodSpec, bind_args
from pgwidgets_core.widget import Widget as CoreWidget
from pgwidgets_core.widget import to_data_uri, write_behind
from pgwidgets_core.widget import widget_class as core_widget_class

from .proxy import Later, Proxy, forward, like, mirror, plain, resolve, to_core

if TYPE_CHECKING:
    from .application import Application
    from .session import Session

__all__ = ["Widget", "widget_class", "sync_class"]


class Widget(Proxy):
    """Base class of the blocking widget classes.

    ``btn = W.Button("Click me")`` (``W = session.get_widgets()``), or
    ``Button(session, "Click me")``: the arguments are checked here, the creation is
    queued in order with every other call, and the widget is returned at once.
    Methods have the names and arguments of the asyncio API.
    """

    __slots__ = ("_session", "__weakref__")
    _core_class: ClassVar[type[CoreWidget]]

    def __init__(self, session: Session, *args: Any, **kwargs: Any) -> None:
        from .session import Session
        if not isinstance(session, Session):
            raise TypeError(f"{type(self).__name__}() needs a pgwidgets_sync Session first, "
                            f"not {type(session).__name__}")
        facade.check_args(type(self)._core_class, args, kwargs)   # TypeError here, at once
        self._app, self._session = session._app, session
        later = Later()
        self._core = later
        self._app._portal.submit(session._core.report_error, _create, self, later,
                                 session._core, to_core(args), to_core(kwargs))

    def __repr__(self) -> str:
        return f"<sync {self._core!r}>"

    @property
    def session(self) -> Session:
        """The Session this widget belongs to."""
        return self._session

    @property
    def app(self) -> Application:
        """The Application this widget belongs to."""
        return self._app                                   # type: ignore[no-any-return]

    def on(self, action: str, handler: Callable[..., Any], *extra_args: Any,
           **extra_kwargs: Any) -> None:
        """Call ``handler(*callback_args, *extra_args, **extra_kwargs)`` on ``action``,
        on the session's callback thread."""
        self._register("on", action, handler, extra_args, extra_kwargs)

    def add_callback(self, action: str, handler: Callable[..., Any], *extra_args: Any,
                     **extra_kwargs: Any) -> None:
        """Call ``handler(widget, *callback_args, *extra_args, **extra_kwargs)`` on
        ``action``, on the session's callback thread."""
        self._register("add_callback", action, handler, extra_args, extra_kwargs)

    def _register(self, how: str, action: str, handler: Any, extra: tuple[Any, ...], kw: dict[str, Any]) -> None:
        self._call(how, action, plain(handler), *extra, **kw)

    def destroy(self) -> None:
        """Destroy this widget in every page and forget it (children included);
        returns at once."""
        self._app._portal.submit(self._session._core.report_error, _call_core, self,
                                 "destroy", [])

    def batch(self) -> Any:
        """``self.session.batch()``: ``with tree.batch(): ...``."""
        return self._session.batch()

    to_data_uri = staticmethod(to_data_uri)

    def has_callback(self, action: str) -> bool:
        """True if this widget class has the callback ``action`` (class data)."""
        return action in facade.definition(type(self)._core_class).callbacks


mirror(Widget, CoreWidget)          # wid, add_cursor, is_container


def _create(proxy: Widget, later: Later, core_session: Any, args: tuple[Any, ...],
            kwargs: dict[str, Any]) -> None:
    core = type(proxy)._core_class(core_session, *resolve(args), **resolve(kwargs))
    proxy._app._twins.add(core, proxy)
    later.core = proxy._core = core


def _call_core(proxy: Widget, name: str, args: list[Any]) -> Any:
    # Loop thread: the proxy's core object exists by now (its creation ran first).
    return getattr(resolve(proxy._core), name)(*resolve(args))


def _write_behind(proxy: Widget, spec: MethodSpec, args: list[Any]) -> None:
    # Loop thread: the proxy's core object exists by now (its creation ran first). The
    # core runs the call at once: no coroutine, no task per call.
    write_behind(resolve(proxy._core), spec, resolve(args))


def _method(core_class: type[CoreWidget], spec: MethodSpec) -> Any:
    if not spec.write_behind:
        return forward(core_class, spec.name)
    name, params, owner = spec.name, spec.params, f"{core_class.__name__}.{spec.name}"

    def queued(self: Widget, *args: Any, **kwargs: Any) -> None:
        bound = bind_args(owner, params, to_core(args), to_core(kwargs))
        self._app._portal.submit(self._session._core.report_error, _write_behind, self, spec,
                                 bound)
    return like(queued, getattr(core_class, name))


@cache
def sync_class(core_class: type[CoreWidget]) -> type[Widget]:
    """The blocking class for a core widget class."""
    ns: dict[str, Any] = {"__slots__": (), "_core_class": core_class, "__module__": __name__,
                          "__doc__": core_class.__doc__,
                          "definition": facade.definition(core_class)}
    for spec in facade.methods(core_class).values():
        ns[spec.name] = _method(core_class, spec)
    cls = type(core_class.__name__, (Widget,), ns)
    if "__signature__" in vars(core_class):
        cls.__signature__ = core_class.__signature__  # type: ignore[attr-defined]
    return cls


def widget_class(name: str) -> type[Widget]:
    """The blocking class for pgwidgets-js class ``name`` (``KeyError`` if unknown)."""
    return sync_class(core_widget_class(name))             # type: ignore[arg-type]
