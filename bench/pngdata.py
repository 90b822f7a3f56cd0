"""Small PNG files made without an image library (the bench and the tests use them)."""

from __future__ import annotations

import struct
import zlib


def png(width: int, height: int, rgb: tuple[int, int, int] = (255, 0, 0), *,
        level: int = 9) -> bytes:
    """A solid-colour RGB PNG; ``level=0`` makes it about 3 bytes per pixel."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, level)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
