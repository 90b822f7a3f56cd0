"""``Widget``: the base class, and the generator of one class per pgwidgets-js widget.

A widget call first updates the Python record (the source of truth), then queues
the message for every page. Only queries wait for the browser.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import mimetypes
import os
from functools import cache
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generator, TypeVar

from .answers import ANSWERS
from .batching import Batch
from .buffer import payload
from .catalog import Kind, MethodSpec, WidgetDef, bind_args, page_widget_def, takes_keywords, widget_def
from .protocol import Ref
from .state import Record

if TYPE_CHECKING:
    from .application import Application
    from .session import Session

__all__ = ["Widget", "widget_class", "wrap", "check_args", "to_data_uri", "Done", "write_behind"]

_W = TypeVar("_W", bound="Widget")
_DATA_URI_METHODS = frozenset({"set_icon", "set_image", "set_icon_gutter"})


def to_data_uri(path: str | os.PathLike[str]) -> str:
    """The file at ``path`` as a ``data:`` URI (MIME type from its extension)."""
    mime = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    with open(path, "rb") as f:
        return f"data:{mime};base64,{base64.b64encode(f.read()).decode('ascii')}"


def _maybe_file(value: Any) -> Any:
    """A path naming an existing local file becomes a data URI; URLs pass through."""
    if isinstance(value, os.PathLike) or (
            isinstance(value, str) and not value.startswith(("data:", "http:", "https:"))):
        if os.path.isfile(value):
            return to_data_uri(value)
    return os.fspath(value) if isinstance(value, os.PathLike) else value


def check_args(defn: WidgetDef, args: tuple[Any, ...], kwargs: dict[str, Any]
               ) -> tuple[tuple[Any, ...], tuple[Any, ...], list[tuple[MethodSpec, list[Any]]]]:
    """Validate a constructor call of class ``defn`` (``TypeError`` naming the problem).

    Returns the ``create`` arguments, the state they seed (``(key, value, ...)``, see
    :class:`~pgwidgets_core.state.Record`), and the setters that extra
    keywords stand for. Sends nothing (a local icon file is read into a data URI).
    """
    params = defn.args + defn.options
    if len(args) > len(params):
        raise TypeError(f"{defn.name}() takes at most {len(params)} arguments "
                        f"({', '.join(params) or 'none'}), {len(args)} given")
    values = dict(zip(params, args))
    setters: list[tuple[MethodSpec, list[Any]]] = []
    for k, v in kwargs.items():
        if k in params:
            if k in values:
                raise TypeError(f"{defn.name}() got multiple values for {k!r}")
            values[k] = v
        elif f"set_{k}" in defn.methods and defn.methods[f"set_{k}"].kind is Kind.SETTER:
            spec = defn.methods[f"set_{k}"]
            setters.append((spec, bind_args(f"{defn.name}.set_{k}", spec.params, (v,), {})))
        else:
            raise TypeError(f"{defn.name}() got an unexpected keyword argument {k!r}: "
                            f"not a parameter ({', '.join(params) or 'none'}) and "
                            f"{defn.name} has no set_{k}()")
    create_args: list[Any] = [values.get(a) for a in defn.args]
    options = {o: values[o] for o in defn.options if values.get(o) is not None}
    if "icon" in options:
        options["icon"] = _maybe_file(options["icon"])
    if options:
        create_args.append(options)
    else:
        while create_args and create_args[-1] is None:
            create_args.pop()
    seed: list[Any] = []
    for k, v in values.items():
        if v is not None:
            seed += (k, v)
    return tuple(create_args), tuple(seed), setters


class Done:
    """What a call that has done its work returns: nothing, and awaiting it is optional
    (``img.set_binary_image(data)`` and ``await img.set_binary_image(data)`` both work,
    as in the reference binding)."""

    __slots__ = ()

    def __await__(self):  # type: ignore[no-untyped-def]
        return iter(())

    def __repr__(self) -> str:
        return "<done>"


DONE = Done()


class Widget(Ref):
    """Base class of every widget wrapper.

    Subclasses are generated from the pgwidgets-js definitions, with constructors
    whose parameters are the class's positional args and options::

        btn = await W.Button("Click me")        # W = session.get_widgets()
        btn = await Button(session, "Click me")

    Creating a widget records it and queues its ``create`` at once; awaiting the
    object runs :meth:`_initialize` and returns it (the reference's two-phase form,
    and its subclasses that override ``_initialize``, keep working).
    """

    __slots__ = ("_session", "_rec", "__weakref__")
    definition: ClassVar[WidgetDef]

    def __init__(self, session: Session, *args: Any, **kwargs: Any) -> None:
        session.engine.check_open()
        create_args, seeded, setters = check_args(self.definition, args, kwargs)
        self._session = session
        self._rec = session.engine.create(self.definition, create_args, seeded, obj=self)
        for spec, margs in setters:
            self._set(spec, margs)

    def __await__(self: _W) -> Generator[Any, None, _W]:
        return self._initialize().__await__()

    async def _initialize(self: _W) -> _W:
        """Run by ``await widget``: the widget exists already; a subclass may override
        this to build more (``await super()._initialize()`` first, then return
        ``self``), as the reference binding's subclassing guide shows."""
        return self

    def __repr__(self) -> str:
        return f"<{self.definition.name} wid={self._rec.wid}>"

    @property
    def wid(self) -> int:  # type: ignore[override]   # Ref.wid, read-only here
        """The widget id shared with the page."""
        return self._rec.wid

    @property
    def session(self) -> Session:
        """The Session this widget belongs to."""
        return self._session

    @property
    def app(self) -> Application:
        """The Application this widget belongs to."""
        return self._session.app

    def batch(self) -> Batch:
        """``self.session.batch()``: ``async with tree.batch(): ...``."""
        return self._session.batch()

    # ---- internals shared by the generated methods ----------------------------------
    def _set(self, spec: MethodSpec, args: list[Any]) -> None:
        if spec.name in _DATA_URI_METHODS and args:
            args[0] = _maybe_file(args[0])
        self._session.engine.set(self._rec, spec, args)

    async def _ask(self, waits: bool, fut: asyncio.Future[Any], method: str) -> Any:
        # The value an engine call's waiter gets (None when nothing was sent).
        if not waits:
            return None
        app = self._session.app
        return await app.deadlines.wait(fut, app.call_timeout, f"{self!r}.{method}")

    # ---- hand-written public methods -------------------------------------------------
    async def on(self, action: str, handler: Callable[..., Any], *extra_args: Any,
                 **extra_kwargs: Any) -> None:
        """Call ``handler(*callback_args, *extra_args, **extra_kwargs)`` on ``action``
        (no widget argument). The handler may be a plain or a coroutine function."""
        self._add_handler(action, handler, extra_args, extra_kwargs, False)

    async def add_callback(self, action: str, handler: Callable[..., Any], *extra_args: Any,
                           **extra_kwargs: Any) -> None:
        """Call ``handler(widget, *callback_args, *extra_args, **extra_kwargs)`` on
        ``action``. The handler may be a plain or a coroutine function."""
        self._add_handler(action, handler, extra_args, extra_kwargs, True)

    def _add_handler(self, action: str, handler: Callable[..., Any], extra: tuple[Any, ...],
                     kw: dict[str, Any], with_widget: bool) -> None:
        if not callable(handler):
            raise TypeError(f"handler for {action!r} must be callable, not "
                            f"{type(handler).__name__}")
        self._session.engine.add_handler(self._rec, action, (handler, extra, kw, with_widget))

    def has_callback(self, action: str) -> bool:
        """True if this widget class has the callback ``action``."""
        return action in self.definition.callbacks

    async def add_cursor(self, name: str, url: str, hotspot_x: int, hotspot_y: int,
                         size: Any = None) -> None:
        """Register a named custom cursor; a local file ``url`` is sent as a data URI."""
        args = bind_args(f"{self.definition.name}.add_cursor", ("name", "url", "hotspot_x",
                         "hotspot_y", "size"), (name, _maybe_file(url), hotspot_x,
                                                hotspot_y, size), {})
        self._session.engine.check_open()
        self._session.engine.call(self._rec, "add_cursor", args)

    async def destroy(self) -> None:
        """Destroy this widget in every page and forget it (children included)."""
        self._session.engine.destroy(self._rec)

    async def is_container(self) -> bool:
        """True for container widgets (answered locally; awaited, as in the reference)."""
        return self.definition.base == "container"

    @staticmethod
    def to_data_uri(path: str | os.PathLike[str]) -> str:
        """The file at ``path`` as a ``data:`` URI (for ``set_image``, ``set_icon``...)."""
        return to_data_uri(path)


# ---- class generation ---------------------------------------------------------------

def _signature(params: tuple[str, ...], *, options: bool = False) -> inspect.Signature:
    ps = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    ps += [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
           for p in params]
    if options or takes_keywords(params):
        ps.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(ps)


def write_behind(widget: Widget, spec: MethodSpec, args: list[Any]) -> None:
    """Run the write-behind method ``spec`` (a setter, an action, a structural call:
    ``spec.write_behind``) of ``widget`` with ``args`` already bound (``bind_args``):
    recorded and queued for the pages at once. What the generated coroutine methods
    do; the blocking facade calls it on the loop without making a coroutine."""
    kind = spec.kind
    if spec.name == "set_binary_image":          # a payload, not a value: its own method
        widget.set_binary_image(*args)           # type: ignore[attr-defined]
    elif kind is Kind.SETTER:
        widget._set(spec, args)
    elif kind is Kind.CHILD and not spec.returns_widget:
        widget._session.engine.child(widget._rec, spec, args, dict(zip(spec.params, args)),
                                     None)
    elif kind is Kind.ACTION:
        widget._session.engine.action(widget._rec, spec, args)
    else:
        raise TypeError(f"{widget.definition.name}.{spec.name} is not a write-behind call")


def _method(cls: str, spec: MethodSpec) -> Callable[..., Any]:
    owner = f"{cls}.{spec.name}"
    name, params, kind = spec.name, spec.params, spec.kind
    if kind is Kind.GETTER:
        key = spec.key

        def getter(self: Widget) -> Any:
            return self._rec.read(key)          # type: ignore[arg-type]
        fn: Callable[..., Any] = getter
        if spec.awaitable:
            async def awaited_getter(self: Widget) -> Any:
                return self._rec.read(key)      # type: ignore[arg-type]
            fn = awaited_getter
        doc = f"The recorded ``{key}`` (local, no round trip)."
    elif kind is Kind.LOCAL:
        local = ANSWERS[name]

        def answered(self: Widget, *args: Any, **kwargs: Any) -> Any:
            return local(self._session.engine, self._rec, *bind_args(owner, params, args, kwargs))
        fn = answered
        if spec.awaitable:
            async def awaited(self: Widget, *args: Any, **kwargs: Any) -> Any:
                return answered(self, *args, **kwargs)
            fn = awaited
        doc = (local.__doc__ or "").strip() or "Answered locally (no round trip)."
    elif name == "set_binary_image":
        def set_binary_image(self: Widget, data: Any, format: str = "jpeg") -> Done:
            raw, shape, dtype = payload(data, f"{owner}()")
            if not isinstance(format, str):
                raise TypeError(f"{owner}(): format must be a str such as 'png'")
            self._session.engine.set_binary(self._rec, spec, raw, format, shape, dtype)
            return DONE
        fn, doc = set_binary_image, ("Show image bytes (jpeg/png/webp/gif): any buffer, or a "
                                     "Buffer (sent as a typed array); recorded for rebuilds. "
                                     "Runs at once; ``await`` is optional.")
    elif kind is Kind.SETTER:
        async def setter(self: Widget, *args: Any, **kwargs: Any) -> None:
            write_behind(self, spec, bind_args(owner, params, args, kwargs))
        fn, doc = setter, f"Set ``{spec.key}`` in every page; recorded for rebuilds."
    elif kind is Kind.QUERY:
        async def query(self: Widget, *args: Any, **kwargs: Any) -> Any:
            a = bind_args(owner, params, args, kwargs)
            fut = asyncio.get_running_loop().create_future()
            return await self._ask(self._session.engine.query(self._rec, name, a, fut), fut, name)
        fn, doc = query, "Ask the page (first connected page); None without a page."
    elif kind is Kind.FACTORY:
        async def factory(self: Widget, *args: Any, **kwargs: Any) -> Any:
            a = bind_args(owner, params, args, kwargs)
            return self._session.engine.factory(self._rec, spec, a, dict(zip(params, a)))
        fn, doc = factory, f"``{name}`` in every page; returns the new widget."
    elif kind is Kind.CHILD and spec.returns_widget:
        async def structural(self: Widget, *args: Any, **kwargs: Any) -> Any:
            a = bind_args(owner, params, args, kwargs)
            fut = asyncio.get_running_loop().create_future()
            waits = self._session.engine.child(self._rec, spec, a, dict(zip(params, a)), fut)
            return await self._ask(waits, fut, name)
        fn, doc = structural, f"``{name}`` in every page; the tree is recorded."
    elif kind is Kind.CHILD:
        async def structural(self: Widget, *args: Any, **kwargs: Any) -> Any:
            write_behind(self, spec, bind_args(owner, params, args, kwargs))
        fn, doc = structural, f"``{name}`` in every page; the tree is recorded."
    else:
        async def action(self: Widget, *args: Any, **kwargs: Any) -> None:
            write_behind(self, spec, bind_args(owner, params, args, kwargs))
        fn, doc = action, f"Run ``{name}`` in every page (does not wait)."
    fn.__name__ = name
    fn.__qualname__ = owner
    fn.__doc__ = doc
    if name != "set_binary_image":
        fn.__signature__ = _signature(() if kind is Kind.GETTER else params)  # type: ignore[attr-defined]
    return fn


@cache
def widget_class(name: str) -> type[Widget]:
    """The generated Widget subclass for pgwidgets-js class ``name``."""
    defn = widget_def(name)
    ns: dict[str, Any] = {"__slots__": (), "definition": defn, "__module__": __name__,
                          "__doc__": f"pgwidgets-js ``{name}`` ({defn.base}); callbacks: "
                                     f"{', '.join(sorted(defn.callbacks)) or 'none'}."}
    for mname, spec in defn.methods.items():
        ns[mname] = _method(name, spec)
    cls = type(name, (Widget,), ns)
    init_params = [inspect.Parameter("session", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    init_params += [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
                    for p in defn.args + defn.options]
    init_params.append(inspect.Parameter("extra", inspect.Parameter.VAR_KEYWORD))
    cls.__signature__ = inspect.Signature(init_params)  # type: ignore[attr-defined]
    return cls


def wrap(session: Session, rec: Record) -> Widget:
    """The program's object for a record the engine made (a widget the page made, or
    a factory's result): an instance of its class, not created again."""
    try:
        cls = widget_class(rec.defn.name)
    except KeyError:
        cls = _generic_class()
    w = object.__new__(cls)
    w._session = session
    w._rec = rec
    return w


@cache
def _generic_class() -> type[Widget]:
    return type("Widget", (Widget,), {"__slots__": (), "definition": page_widget_def(None),
                                      "__module__": __name__})
