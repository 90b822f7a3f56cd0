"""How a sync object stands for its core twin.

Arguments cross to the loop with sync objects replaced by their core twins
(``to_core``, any thread); results and handler arguments come back the other way
(``to_sync``, on the loop thread only, so each core object has one proxy at a time,
found in the application's ``Twins``).
"""

from __future__ import annotations

import inspect
from types import GeneratorType
from typing import TYPE_CHECKING, Any

from pgwidgets_core.application import Application as CoreApplication
from pgwidgets_core.session import Session as CoreSession
from pgwidgets_core.widget import Widget as CoreWidget

__all__ = ["Proxy", "Later", "forward", "like", "mirror", "plain", "to_core", "to_sync",
           "resolve"]


def plain(fn: Any) -> Any:
    """``fn``, if it can be a pgwidgets_sync handler (run on a thread of ours)."""
    if not callable(fn) or inspect.iscoroutinefunction(fn):
        raise TypeError(f"a pgwidgets_sync handler is a plain function, not {fn!r}")
    return fn


class Later:
    """The core twin of a widget whose creation is still queued. Calls queued after the
    creation run after it, so on the loop ``resolve`` finds the real object."""

    __slots__ = ("core",)

    def __init__(self) -> None:
        self.core: Any = None


def resolve(value: Any) -> Any:
    """``value`` with every :class:`Later` replaced by its core object. Loop thread."""
    t = type(value)
    if t is Later:
        if value.core is None:
            raise RuntimeError("this widget was never created: its creation failed "
                               "(reported to the session's error handlers)")
        return value.core
    if t is tuple or t is list:
        return t(map(resolve, value))
    if t is dict:
        return {k: resolve(v) for k, v in value.items()}
    return value


class Proxy:
    """Blocking stand-in for the core object ``_core``, owned by the sync app ``_app``.
    Core attributes a subclass does not spell out are forwarded too (``app.ws_port``)."""

    __slots__ = ("_core", "_app")
    _core: Any
    _app: Any

    def _call(self, method: str, /, *args: Any, **kwargs: Any) -> Any:
        return self._app._portal.call(_invoke, self._app, self._core, method,
                                      to_core(args), to_core(kwargs))

    def _get(self, attr: str) -> Any:
        return self._app._portal.call(_invoke, self._app, self._core, attr, None, None)

    if not TYPE_CHECKING:      # type checkers see the named methods only (Widgets.pyi)
        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):
                raise AttributeError(name)
            if callable(getattr(type(self._core), name, None)):
                return lambda *args, **kwargs: self._call(name, *args, **kwargs)
            return self._get(name)


def forward(core_class: type, name: str) -> Any:
    """The blocking twin of ``core_class.name``: a method, or a read-only property."""
    twin = inspect.getattr_static(core_class, name)
    if isinstance(twin, property):
        return property(lambda self: self._get(name), doc=twin.__doc__)

    def method(self: Proxy, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)
    return like(method, twin)


def like(fn: Any, twin: Any) -> Any:
    """``fn`` with the name, docstring and signature (less annotations) of ``twin``."""
    sig = inspect.signature(twin)
    fn.__name__, fn.__qualname__, fn.__doc__ = twin.__name__, twin.__qualname__, twin.__doc__
    fn.__signature__ = sig.replace(
        parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
        return_annotation=sig.empty)
    return fn


def mirror(cls: type[Proxy], core_class: type) -> None:
    """Give ``cls`` the blocking twin of every public method and property of
    ``core_class`` that it does not write out itself."""
    for name, twin in vars(core_class).items():
        if (not name.startswith("_") and name not in vars(cls)
                and (inspect.isfunction(twin) or isinstance(twin, property))):
            setattr(cls, name, forward(core_class, name))


def _invoke(app: Any, target: Any, name: str, args: tuple[Any, ...] | None, kwargs: dict[str, Any] | None) -> Any:
    # Loop thread. A coroutine's result is made sync by _settle (no task otherwise).
    value = getattr(resolve(target), name)
    if args is not None:
        value = value(*resolve(args), **resolve(kwargs))
        if inspect.iscoroutine(value):
            return _settle(app, value)
    return to_sync(app, value)


async def _settle(app: Any, coroutine: Any) -> Any:
    return to_sync(app, await coroutine)


def to_core(value: Any) -> Any:
    """``value`` with sync objects (also in tuples, lists, dicts) made core."""
    if isinstance(value, Proxy):
        return value._core
    t = type(value)
    if t is tuple or t is list:
        return t(map(to_core, value))
    if t is dict:
        return {k: to_core(v) for k, v in value.items()}
    if t is not bytes and t is not str and hasattr(t, "__buffer__"):
        return memoryview(value).tobytes()   # the call runs later: send what it was now
    return value


def to_sync(app: Any, value: Any) -> Any:
    """``value`` with core objects (also in tuples, lists, dicts, generators) made
    sync; a proxy is made on first sight. Loop thread only."""
    if isinstance(value, (CoreWidget, CoreSession)):
        proxy = app._twins.get(value)
        return proxy if proxy is not None else _adopt(app, value)
    if isinstance(value, CoreApplication):
        return app
    t = type(value)
    if t is tuple or t is list or t is GeneratorType:
        return (tuple if t is tuple else list)(to_sync(app, v) for v in value)
    if t is dict:
        return {k: to_sync(app, v) for k, v in value.items()}
    return value


def _adopt(app: Any, core: CoreWidget | CoreSession) -> Any:
    from .session import Session
    from .widget import sync_class
    if isinstance(core, CoreSession):
        proxy: Any = Session(app, core)
    else:
        proxy = object.__new__(sync_class(type(core)))     # type: ignore[arg-type]
        proxy._core, proxy._app, proxy._session = core, app, to_sync(app, core.session)
    app._twins.add(core, proxy)
    return proxy
