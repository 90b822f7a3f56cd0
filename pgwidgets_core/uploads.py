"""Files the page uploads (drop-end, FileDialog): chunks collected per connection.

Pure. The page sends a callback whose first argument carries a ``transfer_id`` and
file metadata, then for every file chunk a ``binary-chunk`` header followed by one
binary frame. Transfers are numbered per page, so they are kept per connection; an
incomplete one expires after ``idle`` seconds without a chunk.
"""

from __future__ import annotations

from typing import Any

from .protocol import UploadChunk

__all__ = ["Transfer", "Uploads"]


def _size(v: Any) -> int:
    # Only for progress estimates: anything but a plain byte count counts as 0.
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**53:
        return v
    return 0


class Transfer:
    """One upload: the callback it completes and the chunks received so far."""

    __slots__ = ("wid", "action", "payload", "chunks", "counts", "sizes", "last", "bytes")

    def __init__(self, wid: int, action: str, payload: dict[str, Any], now: float) -> None:
        self.wid = wid
        self.action = action
        self.payload = payload
        files = payload.get("files") or []
        self.sizes = [_size(f.get("size") if isinstance(f, dict) else None) for f in files]
        self.chunks: list[dict[int, bytes]] = [{} for _ in files]
        self.counts: list[int | None] = [None for _ in files]
        self.last = now
        self.bytes = 0

    def complete(self) -> bool:
        return all(n is not None and len(c) == n for c, n in zip(self.chunks, self.counts))

    def progress(self, h: UploadChunk) -> dict[str, Any]:
        got = sum(size * len(c) / n for size, c, n in zip(self.sizes, self.chunks, self.counts)
                  if n)
        return {"transfer_id": h.transfer_id, "file_index": h.file_index,
                "chunk_index": h.chunk_index, "num_chunks": h.num_chunks,
                "transferred_bytes": int(got), "total_bytes": sum(self.sizes),
                "complete": self.complete()}

    def result(self) -> dict[str, Any]:
        """The callback payload with each file's ``data`` joined."""
        payload = dict(self.payload)
        files = []
        for meta, chunks in zip(payload.get("files") or [], self.chunks):
            f = dict(meta) if isinstance(meta, dict) else {}
            f["data"] = b"".join(chunks[i] for i in sorted(chunks))
            files.append(f)
        payload["files"] = files
        return payload


class Uploads:
    """The transfers of one connection."""

    def __init__(self, *, idle: float = 120.0, max_bytes: int = 256 * 2**20,
                 max_open: int = 16) -> None:
        self.idle = idle
        self.max_bytes = max_bytes
        self.max_open = max_open
        self.transfers: dict[int, Transfer] = {}

    @staticmethod
    def starts(args: list[Any]) -> bool:
        """True if a callback's arguments announce an upload."""
        return bool(args) and isinstance(args[0], dict) and "transfer_id" in args[0] \
            and isinstance(args[0].get("files"), list)

    def begin(self, wid: int, action: str, payload: dict[str, Any], now: float) -> None:
        self.expire(now)
        tid = payload.get("transfer_id")
        if isinstance(tid, int) and not isinstance(tid, bool):
            self.transfers.pop(tid, None)
            while len(self.transfers) >= self.max_open:        # the oldest gives way
                self.transfers.pop(next(iter(self.transfers)))
            self.transfers[tid] = Transfer(wid, action, payload, now)

    def chunk(self, h: UploadChunk, data: bytes, now: float
              ) -> tuple[Transfer, dict[str, Any], bool] | None:
        """Store one chunk. Returns (transfer, progress, finished) or None when the
        chunk belongs to no open transfer (unknown, expired or out of range)."""
        self.expire(now)
        t = self.transfers.get(h.transfer_id)
        if t is None or not 0 <= h.file_index < len(t.chunks) or h.num_chunks < 1 \
                or not 0 <= h.chunk_index < h.num_chunks:
            return None
        if t.counts[h.file_index] not in (None, h.num_chunks):
            return None
        t.counts[h.file_index] = h.num_chunks
        slot = t.chunks[h.file_index]
        if h.chunk_index not in slot:
            t.bytes += len(data)
            if t.bytes > self.max_bytes:
                del self.transfers[h.transfer_id]
                raise ValueError(f"upload {h.transfer_id} is larger than {self.max_bytes} bytes")
            slot[h.chunk_index] = data
        t.last = now
        done = t.complete()
        if done:
            del self.transfers[h.transfer_id]
        return t, t.progress(h), done

    def expire(self, now: float) -> list[Transfer]:
        """Forget transfers idle for longer than ``idle``; returns them."""
        old = [tid for tid, t in self.transfers.items() if now - t.last > self.idle]
        return [self.transfers.pop(tid) for tid in old]
