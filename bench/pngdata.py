"""Small PNG files made without an image library (the bench and the tests use them)."""

from __future__ import annotations

import random
import struct
import zlib


def png(width: int, height: int, rgb: tuple[int, int, int] = (255, 0, 0), *,
        level: int = 9, noise: int | None = None) -> bytes:
    """A solid-colour RGB PNG; ``level=0`` makes it about 3 bytes per pixel. With
    ``noise`` (a seed), random pixels instead: like a photo, the bytes do not compress
    (a WebSocket's permessage-deflate gains nothing on them)."""
    if noise is None:
        raw = zlib.compress((b"\x00" + bytes(rgb) * width) * height, level)
    else:
        rnd = random.Random(noise)
        raw = zlib.compress(b"".join(b"\x00" + rnd.randbytes(3 * width)
                                     for _ in range(height)), level)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
