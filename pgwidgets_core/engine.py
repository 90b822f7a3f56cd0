"""The session engine: one session's protocol, with no I/O at all.

In the style of websockets' ``protocol.py`` and h11: no asyncio, no sockets, no
threads. The program's calls (:meth:`Engine.set`, :meth:`Engine.call`,
:meth:`Engine.create`...) update the records and queue encoded messages on every
page's :class:`~pgwidgets_core.pages.Page`; frames from a page go in through
:meth:`Engine.receive` / :meth:`Engine.receive_bytes`; pages join and leave through
:meth:`Engine.join` / :meth:`Engine.leave`; timers come back through :meth:`Engine.tick`.
What the I/O layer must do in return is read from :attr:`Page.outbox` (frames to write)
and from :meth:`Engine.events_received` (typed events: replies to resolve, user events
to deliver, errors to report, timers to arm).

Waiters are opaque: whatever the caller passes as ``waiter`` comes back in its
:class:`Answered` or :class:`Failed` event.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Iterable, Sequence

from . import inbound, models, protocol, rebuild, structure
from .batching import Hold
from .catalog import MethodSpec, WidgetDef, page_widget_def
from .errors import ProtocolError, UnknownCallbackWarning
from .events import Answered, Event, Failed, Malformed, Reported
from .pages import Call, Page, Pending
from .protocol import CallbackEvent, Ref, Reply, UploadChunk, ViewportEvent
from .state import PageFacts, Record, Seed, Tree
from .usersync import auto_listens

__all__ = ["Engine", "PAGE_WID_SPAN"]

PAGE_WID_SPAN = 2**20      # page-made wids are this close to Python's counter
_BAD_FRAME_LOGS = 5        # malformed frames reported per page and window
_BAD_FRAME_WINDOW = 60.0   # seconds


class Engine:
    """One session: its records, its pages, and everything between them.

    ``wrap(rec)`` makes the program's object for a record the engine made (a widget the
    page made, or a factory's result); it must set nothing but return the object.
    """

    def __init__(self, facts: PageFacts | None = None, *,
                 wrap: Callable[[Record], Any] | None = None) -> None:
        self.tree = Tree(facts)
        self.pages: list[Page] = []             # attached pages; the first is primary
        self.screen = (0, 0)                    # the primary page's viewport
        self.refusal: tuple[type[Exception], str] | None = None   # set when closed
        self._events: list[Event] = []          # results for the I/O shell, in order
        self._next_id = 1                       # one counter for every message sent
        self._wrap = wrap or (lambda rec: rec)
        self.aliased: set[int] = set()          # page-made wids that differ per page
        self.subwindows: dict[int, Record] = {}  # child wid -> its MDI sub-window
        self.pulling: dict[tuple[int, str], Page | None] = {}   # see inbound._pull
        self.hold = Hold()                      # session.batch(): messages held per page

    def __repr__(self) -> str:
        return f"<Engine pages={len(self.pages)} widgets={len(self.tree.records)}>"

    # ---- outputs ------------------------------------------------------------------
    def events_received(self) -> Sequence[Event]:
        """Take the events produced since the last call, in order."""
        out = self._events
        if not out:
            return ()
        self._events = []
        return out

    def emit(self, event: Event) -> None:
        self._events.append(event)

    # ---- pages --------------------------------------------------------------------
    def join(self, page: Page, *, rebuild_it: bool = False,
             first: Iterable[dict[str, Any]] = ()) -> None:
        """``page`` attached; it gets the messages ``first`` (fonts...), then, with
        ``rebuild_it``, the whole UI."""
        self.pages.append(page)
        for msg in first:
            self.send(dict(msg), Call(None, str(msg.get("type"))), to=[page])
        if rebuild_it:
            rebuild.rebuild(self, [page])

    def leave(self, page: Page) -> None:
        """``page`` is gone: its waiters are answered as ``gone`` at once."""
        if page in self.pages:
            self.pages.remove(page)
        for p in page.close():
            if p.waiter is not None:
                self.emit(Answered(p.waiter, None, gone=True))
            if p.call.method.startswith("pull "):
                inbound.pull_gone(self, p.call)

    def close(self, error: type[Exception], message: str) -> None:
        """Accept no more program calls: they raise ``error(message)``."""
        self.refusal = (error, message)

    def check_open(self) -> None:
        if self.refusal is not None:
            raise self.refusal[0](self.refusal[1])

    # ---- sending ------------------------------------------------------------------
    def send(self, msg: dict[str, Any], call: Call, *, waiter: Any = None,
             on_reply: Callable[[Reply], None] | None = None, to: Iterable[Page] | None = None,
             each: Callable[[Page], Callable[[Reply], None] | None] | None = None) -> bool:
        """Queue ``msg`` for every page (or ``to``), in order, without waiting.

        ``waiter`` gets the first page's reply; ``on_reply`` sees the first page's
        reply, ``each(page)`` makes a hook for every page's. Errors of messages nobody
        waits for are :class:`Reported`. False when there was no page to send to."""
        pages = self.pages if to is None else list(to)
        if not pages:
            return False
        hold = self.hold
        held = hold.depth > 0 and waiter is None
        rid = self.new_id()
        if held:                                     # it leaves without its id (Hold.add)
            call.batch_index = hold.next_index()
        else:
            if hold.depth:
                hold.release()                       # what was held goes first
            msg["id"] = rid
        wid = msg.get("wid")
        per_page = wid in self.aliased
        text = "" if per_page or held else protocol.encode(msg)
        first, light = True, call if held else call.compact()
        for page in pages:
            hook = each(page) if each is not None else (on_reply if first else None)
            out = {**msg, "wid": page.outward.get(wid, wid)} if per_page else msg  # type: ignore[arg-type]
            w = None if held or not first else waiter
            entry = light if w is None and hook is None else Pending(w, call, hook)
            if held:                                 # encoded when the batch is released
                hold.add(page, out, rid, entry)
            else:
                page.enqueue(protocol.encode(out) if per_page else text, rid, entry,
                             urgent=w is not None)
            first = False
        return True

    def new_id(self) -> int:
        """A fresh message id."""
        self._next_id += 1
        return self._next_id - 1

    def begin_batch(self) -> None:
        """Hold write-behind messages until :meth:`end_batch` (nests)."""
        self.hold.begin()

    def end_batch(self) -> None:
        """End a batch; the outermost queues what was held, one frame per page."""
        self.hold.end()

    def send_binary(self, rec: Record, method: str, args: list[Any], data: bytes, *,
                    to: Iterable[Page] | None = None, shape: Any = None,
                    dtype: str | None = None) -> None:
        """Call ``method(data, *args)`` in every page (or ``to``), the bytes as binary
        frames (chunked above 1 MiB). Fire-and-forget: the page sends no reply."""
        if self.hold.held:
            self.hold.release()                  # binary frames travel alone
        for page in (self.pages if to is None else to):
            rid = self.new_id()
            for frame in protocol.binary_frames(rid, page.outward.get(rec.wid, rec.wid), method,
                                                args, data, shape=shape, dtype=dtype):
                page.enqueue(frame)

    def flush(self, waiter: Any) -> bool:
        """Ask the primary page to answer once it has run everything sent so far;
        ``waiter`` is answered then. False without a page."""
        return self.send(protocol.flush(), Call(None, "flush", flush=True), waiter=waiter,
                         to=self.pages[:1])

    # ---- the program's calls --------------------------------------------------------
    def create(self, defn: WidgetDef, create_args: Sequence[Any],
               seeded: Seed, obj: Any = None) -> Record:
        """A new widget: recorded, created in every page, listened to for the user
        changes Python tracks. ``obj`` is the program's object (else ``wrap`` makes it)."""
        self.check_open()
        rec = self.tree.record(defn, create_args, seeded)
        rec.obj = obj if obj is not None else self._wrap(rec)
        self.tree.add(rec)
        self.send(protocol.create(rec.wid, defn.name, create_args), Call(rec, "create"),
                  on_reply=self.created)
        for action in auto_listens(defn):
            self.listen(rec, action)
        return rec

    def call(self, rec: Record, method: str, args: list[Any], *, silent: bool = False,
             to: Iterable[Page] | None = None) -> None:
        """Send ``method(*args)`` (write-behind; nothing recorded)."""
        self.send(protocol.call(rec.wid, method, args, silent=silent),
                  Call(rec, method, args), to=to)

    def set(self, rec: Record, spec: MethodSpec, args: list[Any]) -> None:
        """A setter: record the value (a rejected one is put back), send it."""
        self.check_open()
        assert spec.key is not None
        value = (spec.fixed,) if spec.fixed is not None else tuple(args)
        prev = rec.write(spec.key, value)
        models.track(self.tree, rec, spec.name, args)
        self.send(protocol.call(rec.wid, spec.name, args),
                  Call(rec, spec.name, value, undo=spec.key, prev=prev))

    def action(self, rec: Record, spec: MethodSpec, args: list[Any]) -> None:
        """A call that sets no key (some are folded into the records, e.g. separators)."""
        self.check_open()
        structure.action(self, rec, spec, args)
        self.call(rec, spec.name, args)
        if (rec.defn.name, spec.name) in models.ARRANGES:
            inbound.ask_subwindow_positions(self, rec)

    def query(self, rec: Record, method: str, args: list[Any], waiter: Any) -> bool:
        """Ask the primary page for ``method(*args)``; False without a page."""
        self.check_open()
        result = models.reader(self.decode, self.tree, rec, method, args)
        return self.send(protocol.call(rec.wid, method, args),
                         Call(rec, method, args, result=result), waiter=waiter)

    def listen(self, rec: Record, action: str) -> None:
        if rec.listen(action):
            self.send(protocol.listen(rec.wid, action), Call(rec, f"listen {action!r}"))

    def add_handler(self, rec: Record, action: str, handler: Any) -> None:
        """Keep ``handler`` (opaque) for ``action`` of ``rec`` and listen for it."""
        if not isinstance(action, str) or not action:
            raise ValueError(f"{rec.defn.name}: a callback action is a non-empty str, "
                             f"not {action!r}")
        if action not in rec.defn.callbacks:       # the definitions miss some (drag and
            known = ", ".join(sorted(rec.defn.callbacks)) or "none"    # drop...): warn
            warnings.warn(UnknownCallbackWarning(
                f"{rec.defn.name} declares no callback {action!r} (known: {known}); "
                f"listening anyway"), stacklevel=4)
        self.check_open()
        if rec.handlers is None:
            rec.handlers = {}
        rec.handlers.setdefault(action, []).append(handler)
        self.listen(rec, action)

    def child(self, rec: Record, spec: MethodSpec, args: list[Any], raw: dict[str, Any],
              waiter: Any = None) -> bool:
        """A structural call (attach, insert, remove...): the tree is recorded. For a
        call whose reply is a widget (MDI sub-windows) ``waiter`` gets that widget;
        returns whether it will be answered."""
        self.check_open()
        structure.child(self, rec, spec, args, raw)
        if spec.returns_widget:
            child = raw.get(spec.child_param or "")

            def subwindow(reply: Reply) -> Any:
                sub = self.subwindows.get(child.wid) if isinstance(child, Ref) else None
                return sub.obj if sub is not None else None
            return self.send(protocol.call(rec.wid, spec.name, args),
                             Call(rec, spec.name, args, result=subwindow), waiter=waiter,
                             each=lambda page: lambda reply: inbound.link_subwindow(
                                 self, page, child, reply))
        self.call(rec, spec.name, args)
        return False

    def factory(self, rec: Record, spec: MethodSpec, args: list[Any],
                raw: dict[str, Any]) -> Any:
        """``MenuBar.add_name`` and the like: the new widget is made here (a wid of
        Python's) and attached; returns the program's object for it."""
        self.check_open()
        return structure.factory(self, rec, spec, args, raw)

    def destroy(self, rec: Record) -> None:
        """Destroy ``rec`` in every page and forget it (children included)."""
        if rec.destroyed:
            return
        self.check_open()
        self.call(rec, "destroy", [])
        self.tree.drop(rec)

    def set_binary(self, rec: Record, spec: MethodSpec, data: bytes, fmt: str,
                   shape: tuple[int, ...] | None = None, dtype: str | None = None) -> None:
        """``Image.set_binary_image``: recorded (it replaces an image URL), sent binary
        (with ``shape``/``dtype``: as a typed array)."""
        self.check_open()
        rec.unset("image")
        rec.write("_binary_image", (fmt, data, shape, dtype))
        self.send_binary(rec, spec.name, [fmt], data, shape=shape, dtype=dtype)

    # ---- what pages send ------------------------------------------------------------
    def receive(self, page: Page, text: str, now: float = 0.0) -> None:
        """A text frame from ``page``. Nothing a page sends raises: each frame, and each
        message of an array frame, fails alone (:class:`Malformed`)."""
        if page.closed:
            return                                   # in flight when the page left
        try:
            events = protocol.parse_frame(text)
        except Exception as exc:
            self._malformed(page, exc, text, now)
            return
        for ev in events:
            try:
                t = type(ev)
                if t is Reply:
                    self._reply(page, ev)            # type: ignore[arg-type]
                elif t is CallbackEvent:
                    inbound.callback(self, page, ev, now)   # type: ignore[arg-type]
                elif t is ViewportEvent:
                    if self.pages and page is self.pages[0]:
                        self.screen = (ev.width, ev.height)   # type: ignore[union-attr]
                elif t is UploadChunk:
                    page.upload_headers.append(ev)   # type: ignore[arg-type]
                elif ev is not None:
                    raise ev  # type: ignore[misc]   # a ProtocolError in an array frame
            except Exception as exc:
                self._malformed(page, exc, text, now)

    def receive_bytes(self, page: Page, data: bytes, now: float = 0.0) -> None:
        """A binary frame from ``page``: the chunk its last upload header announced."""
        if page.closed:
            return
        if not page.upload_headers:
            self._malformed(page, ProtocolError("binary frame without a binary-chunk header"),
                            data, now)
            return
        try:
            inbound.upload_chunk(self, page, page.upload_headers.pop(0), data, now)
        except Exception as exc:
            self._malformed(page, exc, data, now)

    def tick(self, key: Any) -> None:
        """A timer set by a :class:`TimerSet` event has run out."""
        if isinstance(key, rebuild.Rescroll):
            rebuild.rescroll(self, key.page, key.again)

    def _reply(self, page: Page, reply: Reply) -> None:
        p = page.take(reply.id, self.tree.records)
        if p is None:
            return                                   # unknown ids are ignored
        if p.on_reply is not None:
            p.on_reply(reply)
        call = p.call
        if reply.ok or call.flush:                   # a flush marker is answered anyway
            if p.waiter is not None:
                try:
                    value = None if not reply.ok else call.result(reply) \
                        if call.result is not None else self.decode(reply.value)
                except ProtocolError as exc:
                    self.emit(Failed(p.waiter, exc))
                    return
                self.emit(Answered(p.waiter, value))
            return
        if call.undo is not None and call.rec is not None:   # a setter the page rejected
            call.rec.revert(call.undo, tuple(call.args or ()), call.prev)  # is not recorded
        err = call.error(reply.error or "")
        self.emit(Failed(p.waiter, err) if p.waiter is not None else Reported(err))

    def _malformed(self, page: Page, exc: Exception, data: Any, now: float) -> None:
        # Rate-limited: a hostile page must not flood the log.
        if now - page.bad_since > _BAD_FRAME_WINDOW:
            if page.bad_count > _BAD_FRAME_LOGS:
                self.emit(Malformed(page, None, skipped=page.bad_count - _BAD_FRAME_LOGS))
            page.bad_since, page.bad_count = now, 0
        page.bad_count += 1
        if page.bad_count <= _BAD_FRAME_LOGS:
            self.emit(Malformed(page, exc, data))

    # ---- widget references ------------------------------------------------------------
    def decode(self, value: Any, page: Page | None = None, *, keep: bool = True) -> Any:
        """An inbound value with every widget reference made the program's object."""
        if page is None or not page.inward:
            return protocol.from_wire(value, lambda wid, cls: self.resolve(wid, cls, keep=keep))
        inward = page.inward
        return protocol.from_wire(
            value, lambda wid, cls: self.resolve(inward.get(wid, wid), cls, keep=keep))

    def resolve(self, wid: int, cls: str | None, *, keep: bool = True) -> Any:
        """The object a page's reference names. An unknown one was made by the page:
        wrapped, and kept only when the program asked for it (``keep``) and its wid
        is plausible (near the ones in use, so a hostile value cannot push ours)."""
        rec = self.tree.records.get(wid)
        if rec is not None:
            return rec.obj
        return self.adopt(wid, cls, keep=keep and wid < self.tree.next_wid + PAGE_WID_SPAN).obj

    def adopt(self, wid: int, cls: str | None, *, keep: bool = True) -> Record:
        """A record (and object) for a widget the page made itself."""
        rec = self.tree.record(page_widget_def(cls), [], {}, wid=wid)
        rec.obj = self._wrap(rec)
        if keep:
            self.tree.adopt(rec)
        return rec

    def created(self, reply: Reply) -> None:
        """A create reply: keep Python's wid counter at or above the page's."""
        if reply.ok and reply.next_wid is not None and reply.wid is not None:
            rec = self.tree.records.get(reply.wid)
            if rec is not None:
                self.tree.facts.learn(rec.defn.name, reply.wid, reply.next_wid)
            if reply.next_wid - 1 < self.tree.next_wid + PAGE_WID_SPAN:
                self.tree.bump(reply.next_wid - 1)
