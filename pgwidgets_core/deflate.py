"""permessage-deflate for ``Application(compression=True)``, with no memory kept per page.

websockets' default deflate keeps a compressor and a decompressor per connection for
its whole life (context takeover: each message may refer back to the ones before),
~37 KiB per page. Here neither side keeps a context (``server_no_context_takeover``
and ``client_no_context_takeover``, which a server may require of the browser): the
zlib objects are made for one message and dropped after it, so an idle page holds no
zlib state. Our messages are whole JSON texts that compress well alone.

Small messages (under :data:`SMALL` bytes: a click's call, a reply) leave uncompressed:
RFC 7692 lets an endpoint send any message without compression, and a fresh compressor
for a few dozen bytes costs more than it saves.
"""

from __future__ import annotations

from typing import Any, Sequence

from websockets.extensions.base import Extension, ServerExtensionFactory
from websockets.extensions.permessage_deflate import (PerMessageDeflate,
                                                      ServerPerMessageDeflateFactory)
from websockets.frames import Frame, Opcode

__all__ = ["SMALL", "extensions"]

#: Messages shorter than this many bytes are sent uncompressed.
SMALL = 1024
_WINDOW_BITS = 12          # websockets' own defaults for a server: small windows
_COMPRESS = {"memLevel": 5}


class _LargeOnly(PerMessageDeflate):
    """Compresses whole messages of at least :data:`SMALL` bytes; sends the rest as
    they are (a fragmented message is compressed whole, from its first frame)."""

    def encode(self, frame: Frame) -> Frame:
        if frame.fin and frame.opcode in (Opcode.TEXT, Opcode.BINARY) \
                and len(frame.data) < SMALL:
            return frame
        return super().encode(frame)


class _Factory(ServerPerMessageDeflateFactory):
    def process_request_params(self, params: Sequence[tuple[str, str | None]],
                               accepted_extensions: Sequence[Extension]
                               ) -> tuple[list[tuple[str, str | None]], PerMessageDeflate]:
        response, ext = super().process_request_params(params, accepted_extensions)
        return response, _LargeOnly(ext.remote_no_context_takeover,
                                    ext.local_no_context_takeover,
                                    ext.remote_max_window_bits,
                                    ext.local_max_window_bits, dict(_COMPRESS))


def extensions(compression: bool) -> dict[str, Any]:
    """The options of websockets' ``serve`` for ``compression`` on or off."""
    if not compression:
        return {"compression": None}
    factory: ServerExtensionFactory = _Factory(
        server_no_context_takeover=True, client_no_context_takeover=True,
        server_max_window_bits=_WINDOW_BITS, client_max_window_bits=_WINDOW_BITS,
        compress_settings=dict(_COMPRESS))
    return {"compression": None, "extensions": [factory]}
