"""``Buffer``: bytes with a shape and a dtype, sent as a typed array.

Anything with the buffer protocol (``bytes``, ``bytearray``, ``memoryview``,
``array.array``, a NumPy array: no NumPy needed) goes as binary frames, chunked above
the frame limit. A :class:`Buffer` adds ``shape`` and ``dtype``: the page gets a typed
array (``Uint8Array``, ``Float32Array``...). Both survive a reload (the bytes are
recorded) and reach every page of the session.
"""

from __future__ import annotations

from math import prod
from typing import Any, Sequence

__all__ = ["Buffer", "is_buffer", "payload", "DTYPES"]

#: dtype -> bytes per item (the typed arrays pgwidgets-js builds).
DTYPES = {"uint8": 1, "int8": 1, "uint16": 2, "int16": 2, "uint32": 4, "int32": 4,
          "float32": 4, "float64": 8}

# memoryview formats -> dtype (native sizes: 'l' is 8 bytes on Linux, hence by size).
_FORMATS = {("B", 1): "uint8", ("b", 1): "int8", ("H", 2): "uint16", ("h", 2): "int16",
            ("I", 4): "uint32", ("i", 4): "int32", ("L", 4): "uint32", ("l", 4): "int32",
            ("f", 4): "float32", ("d", 8): "float64", ("c", 1): "uint8"}


def _bytes(data: Any, what: str) -> tuple[bytes, memoryview]:
    try:
        view = memoryview(data)
    except TypeError:
        raise TypeError(f"{what}: data must support the buffer protocol (bytes, bytearray, "
                        f"memoryview, array.array, a NumPy array...), not "
                        f"{type(data).__name__}") from None
    return (data if type(data) is bytes else view.tobytes()), view


class Buffer:
    """Raw bytes plus ``shape`` and ``dtype``, for the page as a typed array.

    ``Buffer(data, shape, dtype="uint8")`` as in the reference binding; ``shape`` and
    ``dtype`` default to the data's own (a NumPy array or ``array.array`` knows them).
    The bytes are copied: later changes to ``data`` are not sent.
    """

    __slots__ = ("data", "shape", "dtype")

    def __init__(self, data: Any, shape: Sequence[int] | None = None,
                 dtype: str | None = None) -> None:
        raw, view = _bytes(data, "Buffer")
        own = _FORMATS.get((view.format.lstrip("@=<"), view.itemsize))   # the data's dtype
        if dtype is None:
            dtype = own or "uint8"
        if dtype not in DTYPES:
            raise ValueError(f"Buffer: unsupported dtype {dtype!r}; one of {sorted(DTYPES)}")
        if shape is None:
            own_shape = view.shape
            shape = own_shape if own == dtype and own_shape else (len(raw) // DTYPES[dtype],)
        try:
            dims = tuple(int(d) for d in shape)
        except (TypeError, ValueError):
            raise ValueError(f"Buffer: shape must be a sequence of ints, got {shape!r}") \
                from None
        if not dims or any(d <= 0 for d in dims):
            raise ValueError(f"Buffer: shape must be non-empty positive ints, got {shape!r}")
        want = prod(dims) * DTYPES[dtype]
        if len(raw) != want:
            raise ValueError(f"Buffer: {len(raw)} bytes do not match shape {dims} of "
                             f"{dtype} ({want} bytes)")
        self.data, self.shape, self.dtype = raw, dims, dtype

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"Buffer(<{len(self.data)} bytes>, shape={self.shape}, dtype={self.dtype!r})"


def is_buffer(obj: Any) -> bool:
    """True if ``obj`` is a :class:`Buffer`."""
    return isinstance(obj, Buffer)


def payload(data: Any, what: str) -> tuple[bytes, tuple[int, ...] | None, str | None]:
    """The bytes, shape and dtype to send for ``data`` (a Buffer or any buffer)."""
    if isinstance(data, Buffer):
        return data.data, data.shape, data.dtype
    return _bytes(data, what)[0], None, None
