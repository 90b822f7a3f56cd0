"""``Widget``: the base class, and the generator of one class per pgwidgets-js widget.

A widget call first updates the Python record (the source of truth), then queues
the message for every page. Only queries wait for the browser.
"""

from __future__ import annotations

import base64
import inspect
import mimetypes
import os
from functools import cache
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from . import models, protocol
from .catalog import Kind, MethodSpec, WidgetDef, bind_args, widget_def
from .protocol import Ref, Reply
from .state import Record, auto_listens

if TYPE_CHECKING:
    from .application import Application
    from .session import Session

__all__ = ["Widget", "widget_class", "to_data_uri"]

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


class Widget(Ref):
    """Base class of every widget wrapper.

    Subclasses are generated from the pgwidgets-js definitions, with constructors
    whose parameters are the class's positional args and options::

        btn = await W.Button("Click me")        # W = session.get_widgets()
        btn = await Button(session, "Click me")

    Creating a widget records it and queues its ``create`` at once; awaiting the
    object returns it (the reference's two-phase form keeps working).
    """

    # _sync: the pgwidgets_sync proxy of this widget, if any (set by the facade)
    __slots__ = ("_session", "_rec", "_handlers", "_sync", "__weakref__")
    _defn: ClassVar[WidgetDef]

    def __init__(self, session: Session, *args: Any, **kwargs: Any) -> None:
        session._check_open()
        create_args, seeded, setters = self._check_args(args, kwargs)
        self._setup(session, create_args, seeded)
        for spec, margs in setters:
            self._set(spec, margs)

    @classmethod
    def _check_args(cls, args: tuple[Any, ...], kwargs: dict[str, Any]
                   ) -> tuple[list[Any], dict[str, tuple[Any, ...]], list[tuple[MethodSpec, list]]]:
        """Validate constructor arguments (pure; ``TypeError`` naming the problem).

        Returns the ``create`` arguments, the state they seed, and the setters that
        extra keywords stand for.
        """
        defn = cls._defn
        params = defn.args + defn.options
        if len(args) > len(params):
            raise TypeError(f"{defn.name}() takes at most {len(params)} arguments "
                            f"({', '.join(params) or 'none'}), {len(args)} given")
        values = dict(zip(params, args))
        setters: list[tuple[MethodSpec, list]] = []
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
        return create_args, {k: (v,) for k, v in values.items() if v is not None}, setters

    @classmethod
    def _from_options(cls, session: Session, options: dict[str, Any]) -> Widget:
        """A widget made as ``new Cls(options)``, the way the page's factories do."""
        w = object.__new__(cls)
        w._setup(session, [options] if options else [], {k: (v,) for k, v in options.items()})
        return w

    def _setup(self, session: Session, create_args: list[Any],
               seeded: dict[str, tuple[Any, ...]]) -> None:
        defn = self._defn
        rec = Record(defn, session._tree.allocate(defn.name), create_args, seeded)
        self._session = session
        self._rec = rec
        self._handlers: dict[str, list[tuple]] | None = None
        self._sync: Any = None
        session._register(self, rec)
        session._send(protocol.create(rec.wid, defn.name, create_args), (rec, "create"),
                      on_reply=session._created)
        for action in auto_listens(defn):
            self._listen(action)

    def __await__(self):  # type: ignore[no-untyped-def]
        if False:  # pragma: no cover - makes this a generator
            yield
        return self

    def __repr__(self) -> str:
        return f"<{self._defn.name} wid={self._rec.wid}>"

    @property
    def wid(self) -> int:
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

    # ---- internals shared by the generated methods ----------------------------------
    def _post(self, method: str, args: list[Any], **kw: Any) -> None:
        self._session._check_open()
        self._session._send(protocol.call(self._rec.wid, method, args), (self._rec, method, args),
                            **kw)

    def _set(self, spec: MethodSpec, args: list[Any]) -> None:
        if spec.name in _DATA_URI_METHODS and args:
            args[0] = _maybe_file(args[0])
        session = self._session
        session._check_open()
        rec = self._rec
        value = (spec.fixed,) if spec.fixed is not None else tuple(args)
        prev = rec.state.get(spec.key)
        rec.write(spec.key, value)
        models.track(session._tree, rec, spec.name, args)
        # the label lets a rejected setter be un-recorded (see Session._on_reply_error)
        session._send(protocol.call(rec.wid, spec.name, args),
                      (rec, spec.name, list(value), spec.key, prev))

    def _listen(self, action: str) -> None:
        if action not in self._rec.listens:
            self._rec.listens[action] = None
            self._session._send(protocol.listen(self._rec.wid, action),
                                (self._rec, f"listen {action!r}"))

    def _child(self, spec: MethodSpec, args: list[Any], raw: dict[str, Any]) -> Any:
        tree = self._session._tree
        child = raw.get(spec.child_param) if spec.child_param else None
        crec = child._rec if isinstance(child, Widget) else None
        op = spec.child_op
        if child is not None and crec is None:
            raise TypeError(f"{self._defn.name}.{spec.name}(): {spec.child_param} must be "
                            f"a widget of this session, not {type(child).__name__}")
        if crec is not None and child._session is not self._session:
            raise ValueError(f"{self._defn.name}.{spec.name}(): {child!r} belongs to "
                             f"another session")
        if op in ("attach", "single", "insert") and crec is not None:
            if op == "insert":
                params = dict(zip(spec.params, args))
                entry_args = [child] + ([params["stretch"]] if params.get("stretch") is not None
                                        else [])
                tree.attach(self._rec, crec, "add_widget", entry_args,
                            index=params.get("index"))
            else:
                tree.attach(self._rec, crec, spec.name, list(args), single=(op == "single"))
        elif op == "remove" and crec is not None:
            if raw.get("destroy"):
                self._forget(tree.drop(crec))
            else:
                tree.detach(crec)
        elif op == "clear":
            for e in [e for e in self._rec.children if e.child is not None]:
                if raw.get("destroy"):
                    self._forget(tree.drop(e.child))
                else:
                    tree.detach(e.child)
        models.track(tree, self._rec, spec.name, args)
        if spec.returns_widget:
            session = self._session
            return session._send(
                protocol.call(self._rec.wid, spec.name, args), (self._rec, spec.name, args),
                wait=True, each=lambda c: lambda r: link_wrapper(session, c, child, r))
        self._post(spec.name, args)
        return None

    def _forget(self, recs: list[Record]) -> None:
        for r in recs:
            self._session._widgets.pop(r.wid, None)

    def _factory(self, spec: MethodSpec, args: list[Any], raw: dict[str, Any]) -> Widget:
        fac = spec.factory
        assert fac is not None
        if fac.existing is not None and fac.existing(raw) is not None:
            return self._child(MethodSpec(spec.name, spec.params, Kind.CHILD, child_op="attach",
                                          child_param=spec.child_param), args, raw) or raw["menu"]
        new = widget_class(fac.new_class)._from_options(self._session, fac.options(raw))
        method, attach_args = fac.attach(new, raw)
        self._session._tree.attach(self._rec, new._rec, method, attach_args)
        self._post(method, attach_args)
        return new

    def _handlers_for(self, action: str) -> list[tuple]:
        return self._handlers.get(action, []) if self._handlers else []

    def _dispatch(self, action: str, args: list[Any]) -> None:
        if not self._handlers:
            return
        d = self._session._app._dispatcher
        for fn, extra, kw, with_widget in self._handlers.get(action, ()):
            call_args = ((self, *args, *extra) if with_widget else (*args, *extra))
            d.submit(self._session, fn, call_args, kw,
                     f"{self._defn.name}(wid={self._rec.wid}) {action!r}")

    # ---- hand-written public methods -------------------------------------------------
    async def on(self, action: str, handler: Callable[..., Any], *extra_args: Any,
                 **extra_kwargs: Any) -> None:
        """Call ``handler(*callback_args, *extra_args, **extra_kwargs)`` on ``action``
        (no widget argument). The handler may be a plain or a coroutine function."""
        self._register_handler(action, handler, extra_args, extra_kwargs, False)

    async def add_callback(self, action: str, handler: Callable[..., Any], *extra_args: Any,
                           **extra_kwargs: Any) -> None:
        """Call ``handler(widget, *callback_args, *extra_args, **extra_kwargs)`` on
        ``action``. The handler may be a plain or a coroutine function."""
        self._register_handler(action, handler, extra_args, extra_kwargs, True)

    def _register_handler(self, action: str, handler: Callable[..., Any], extra: tuple,
                          kw: dict, with_widget: bool) -> None:
        if not isinstance(action, str) or action not in self._defn.callbacks:
            known = ", ".join(sorted(self._defn.callbacks)) or "none"
            raise ValueError(f"{self._defn.name} has no callback {action!r} (known: {known})")
        if not callable(handler):
            raise TypeError(f"handler for {action!r} must be callable, not "
                            f"{type(handler).__name__}")
        self._session._check_open()
        if self._handlers is None:
            self._handlers = {}
        self._handlers.setdefault(action, []).append((handler, extra, kw, with_widget))
        self._listen(action)

    def has_callback(self, action: str) -> bool:
        """True if this widget class has the callback ``action``."""
        return action in self._defn.callbacks

    async def add_cursor(self, name: str, url: str, hotspot_x: int, hotspot_y: int,
                         size: Any = None) -> None:
        """Register a named custom cursor; a local file ``url`` is sent as a data URI."""
        args = bind_args(f"{self._defn.name}.add_cursor", ("name", "url", "hotspot_x",
                         "hotspot_y", "size"), (name, _maybe_file(url), hotspot_x,
                                                hotspot_y, size), {})
        self._post("add_cursor", args)

    async def destroy(self) -> None:
        """Destroy this widget in every page and forget it (children included)."""
        if self._rec.destroyed:
            return
        self._post("destroy", [])
        self._forget(self._session._tree.drop(self._rec))

    def is_container(self) -> bool:
        """True for container widgets (answered locally)."""
        return self._defn.base == "container"


# ---- class generation ---------------------------------------------------------------

def _signature(params: tuple[str, ...], *, options: bool = False) -> inspect.Signature:
    ps = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    ps += [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
           for p in params]
    if options or (params and params[-1] == "options"):
        ps.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(ps)


def _method(cls: str, spec: MethodSpec) -> Callable[..., Any]:
    owner = f"{cls}.{spec.name}"
    params = spec.params
    kind = spec.kind
    if kind is Kind.GETTER:
        key = spec.key

        def getter(self: Widget) -> Any:
            return self._rec.read(key)          # type: ignore[arg-type]
        fn: Callable[..., Any] = getter
        doc = f"The recorded ``{key}`` (local, no round trip)."
    elif spec.name == "set_binary_image":
        async def set_binary_image(self: Widget, data: Any, format: str = "jpeg") -> None:
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"{owner}(): data must be bytes-like, not {type(data).__name__}")
            if not isinstance(format, str):
                raise TypeError(f"{owner}(): format must be a str such as 'png'")
            self._session._check_open()
            data = bytes(data)
            self._rec.state.pop("image", None)
            self._rec.write("_binary_image", (format, data))
            self._session._send_binary(self._rec.wid, spec.name, [format], data)
        fn, doc = set_binary_image, "Show image bytes (jpeg/png/webp/gif); recorded for rebuilds."
    elif kind is Kind.SETTER:
        async def setter(self: Widget, *args: Any, **kwargs: Any) -> None:
            self._set(spec, bind_args(owner, params, args, kwargs))
        fn, doc = setter, f"Set ``{spec.key}`` in every page; recorded for rebuilds."
    elif kind is Kind.QUERY:
        async def query(self: Widget, *args: Any, **kwargs: Any) -> Any:
            a = bind_args(owner, params, args, kwargs)
            self._session._check_open()
            return await self._session._ask(protocol.call(self._rec.wid, spec.name, a),
                                            (self._rec, spec.name, a))
        fn, doc = query, "Ask the page (first connected page); None without a page."
    elif kind in (Kind.CHILD, Kind.FACTORY):
        async def structural(self: Widget, *args: Any, **kwargs: Any) -> Any:
            a = bind_args(owner, params, args, kwargs)
            raw = dict(zip(params, a))
            if kind is Kind.FACTORY:
                return self._factory(spec, a, raw)
            fut = self._child(spec, a, raw)
            if fut is None:
                return None
            await self._session._wait(fut, (self._rec, spec.name, a))
            child = raw.get(spec.child_param or "")
            return self._session._wrappers.get(child.wid) if isinstance(child, Ref) else None
        fn, doc = structural, f"``{spec.name}`` in every page; the tree is recorded."
    else:
        async def action(self: Widget, *args: Any, **kwargs: Any) -> None:
            a = bind_args(owner, params, args, kwargs)
            self._session._check_open()
            for key in spec.clears:
                self._rec.state.pop(key, None)
                self._rec.seeded.pop(key, None)
            tree = self._session._tree
            if spec.name in models.SEQUENCE_ACTIONS:
                tree.attach(self._rec, None, spec.name, a)   # a separator, a spacer
            models.track(tree, self._rec, spec.name, a)
            self._post(spec.name, a)
        fn, doc = action, f"Run ``{spec.name}`` in every page (does not wait)."
    fn.__name__ = spec.name
    fn.__qualname__ = owner
    fn.__doc__ = doc
    if spec.name != "set_binary_image":
        fn.__signature__ = _signature(() if kind is Kind.GETTER else params)  # type: ignore[attr-defined]
    return fn


@cache
def widget_class(name: str) -> type[Widget]:
    """The generated Widget subclass for pgwidgets-js class ``name``."""
    defn = widget_def(name)
    ns: dict[str, Any] = {"__slots__": (), "_defn": defn, "__module__": __name__,
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


def wrap_page_widget(session: Session, wid: int, cls_name: str | None, *,
                     register: bool = True) -> Widget:
    """A wrapper for a widget the page made itself (an MDI sub-window, a text ref).

    ``register=False`` makes a throw-away wrapper (for refs in callbacks, which any
    page can send): calls on it reach the page, but Python keeps no record of it.
    """
    try:
        cls = widget_class(cls_name or "")
    except KeyError:
        cls = _generic_class()
    w = object.__new__(cls)
    w._session = session
    w._rec = Record(cls._defn, wid, [], {})
    w._handlers = None
    w._sync = None
    if register:
        session._register(w, w._rec, root=False)
    return w


@cache
def _generic_class() -> type[Widget]:
    defn = WidgetDef(name="Widget", base="widget", args=(), options=(), methods={},
                     callbacks=frozenset({"resize", "map"}))
    return type("Widget", (Widget,), {"__slots__": (), "_defn": defn, "__module__": __name__})


def link_wrapper(session: Session, conn: Any, child: Any, reply: Reply) -> None:
    """A page answered ``MDIWidget.add_widget(child)`` with the sub-window it made.

    The first answer makes the Python wrapper (its wid is Python's from then on);
    every other page's sub-window, now or after a rebuild, is an alias of it in that
    page, so the application keeps one object and callbacks from any page reach it.
    """
    if not reply.ok or not isinstance(reply.value, dict) or not isinstance(child, Ref):
        return
    wid = reply.value.get("__wid__")
    if not isinstance(wid, int) or isinstance(wid, bool):
        return
    w = session._wrappers.get(child.wid)
    if w is None or w._rec.destroyed:
        w = wrap_page_widget(session, wid, reply.value.get("__class__") or "MDISubWindow")
        session._wrappers[child.wid] = w
        for action in auto_listens(w._defn):
            w._listen(action)
        return
    session._tree.bump(wid)
    if wid != w._rec.wid:
        conn.inward[wid] = w._rec.wid
        conn.outward[w._rec.wid] = wid
        session._aliased.add(w._rec.wid)
    for action in w._rec.listens:
        session._send(protocol.listen(w._rec.wid, action), (w._rec, f"listen {action!r}"),
                      to=[conn])


def note_subwindow_geometry(session: Session, wrapper: Widget, changed: list) -> None:
    """Keep an MDI sub-window's position and size in its child's ``add_widget``
    options, so a rebuilt page opens it where the user left it."""
    child = next((c for c, w in session._wrappers.items() if w is wrapper), None)
    crec = session._tree.records.get(child) if child is not None else None
    parent = crec.parent if crec is not None else None
    if parent is None:
        return
    for e in parent.children:
        if e.child is crec:
            opts = dict(e.args[1]) if len(e.args) > 1 and isinstance(e.args[1], dict) else {}
            e.args[1:] = [opts]                 # a copy: the caller's dict stays theirs
            for key, value in changed:
                names = ("x", "y") if key == "position" else ("width", "height")
                opts.update(zip(names, value))
