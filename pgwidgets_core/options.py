"""The checks of ``Application``'s arguments: each bad value is a ``ValueError`` or
``TypeError`` naming the argument and what it got."""

from __future__ import annotations

import socket
from typing import Any

__all__ = ["check_app_args", "normalize_id", "callable_handler"]


def check_app_args(*, ws_port: Any, http_port: Any, max_sessions: Any, call_timeout: Any,
                   session_idle_timeout: Any, ws_sock: Any, ws_path: Any = None,
                   http_server: Any = True, listen: Any = True,
                   ping_interval: Any = 20.0) -> None:
    for name, port in (("ws_port", ws_port), ("http_port", http_port)):
        if not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"{name} must be a port number 0-65535, got {port!r}")
    if max_sessions is not None and (not isinstance(max_sessions, int) or max_sessions < 1):
        raise ValueError(f"max_sessions must be a positive int or None, got {max_sessions!r}")
    if not call_timeout > 0:
        raise ValueError(f"call_timeout must be positive, got {call_timeout!r}")
    if session_idle_timeout is not None and not session_idle_timeout > 0:
        raise ValueError(f"session_idle_timeout must be positive or None, "
                         f"got {session_idle_timeout!r}")
    if ping_interval is not None and not (isinstance(ping_interval, (int, float))
                                          and ping_interval > 0):
        raise ValueError(f"ping_interval must be a positive number of seconds or None, "
                         f"got {ping_interval!r}")
    if ws_path is not None:
        if not isinstance(ws_path, str) or not ws_path.strip("/") or "?" in ws_path:
            raise ValueError(f"ws_path must be a URL path such as 'ws', got {ws_path!r}")
        if not http_server and listen:
            raise ValueError("ws_path (one port for the page and the WebSocket) needs "
                             "http_server=True")
    if not isinstance(listen, bool):
        raise TypeError(f"listen must be a bool, not {type(listen).__name__}")
    if not listen and ws_sock is not None:
        raise ValueError("ws_sock needs listen=True (listen=False opens no socket)")
    if ws_sock is not None:
        if not isinstance(ws_sock, socket.socket):
            raise TypeError(f"ws_sock must be a bound socket.socket, not "
                            f"{type(ws_sock).__name__}")
        if ws_sock.type != socket.SOCK_STREAM:
            raise ValueError("ws_sock must be a TCP (SOCK_STREAM) socket")
        try:
            ws_sock.getsockname()
        except OSError as exc:
            raise ValueError(f"ws_sock is not usable: {exc}") from None


def normalize_id(sid: Any) -> Any:
    # The page turns an all-digit id into a number; so do we, or "42" never rejoins.
    if isinstance(sid, str) and sid.isdigit() and sid.isascii():
        return int(sid)
    return sid


def callable_handler(handler: Any, what: str) -> Any:
    if not callable(handler):
        raise TypeError(f"{what} handler must be callable, not {type(handler).__name__}")
    return handler

