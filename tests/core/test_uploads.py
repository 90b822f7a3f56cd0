"""Uploads collected per connection (pure)."""

import pytest

from pgwidgets_core.protocol import UploadChunk
from pgwidgets_core.uploads import Uploads


def payload(tid, *sizes):
    return {"transfer_id": tid, "x": 1,
            "files": [{"name": f"f{i}", "size": s, "type": "text/plain", "encoding": "bytes"}
                      for i, s in enumerate(sizes)]}


def test_chunks_in_any_order_join_into_each_file_and_report_progress():
    up = Uploads()
    up.begin(3, "drop-end", payload(1, 4, 2), now=0)
    r = up.chunk(UploadChunk(3, 1, 0, 2, 1, 2), b"cd", now=1)
    assert r[1]["complete"] is False and r[1]["transferred_bytes"] == 2
    up.chunk(UploadChunk(3, 1, 1, 2, 0, 1), b"xy", now=1)
    transfer, progress, done = up.chunk(UploadChunk(3, 1, 0, 2, 0, 2), b"ab", now=2)
    assert done and progress["complete"] and progress["total_bytes"] == 6
    files = transfer.result()["files"]
    assert [f["data"] for f in files] == [b"abcd", b"xy"]
    assert transfer.result()["x"] == 1 and up.transfers == {}


def test_chunks_for_unknown_or_expired_transfers_are_refused():
    up = Uploads(idle=10)
    assert up.chunk(UploadChunk(3, 9, 0, 1, 0, 1), b"", now=0) is None
    up.begin(3, "activated", payload(2, 1), now=0)
    assert up.chunk(UploadChunk(3, 2, 0, 1, 0, 1), b"a", now=11) is None   # expired
    up.begin(3, "activated", payload(2, 1), now=20)
    assert up.chunk(UploadChunk(3, 2, 5, 1, 0, 1), b"a", now=21) is None   # no file 5
    assert up.chunk(UploadChunk(3, 2, 0, 1, 3, 2), b"a", now=21) is None   # chunk 3 of 2


def test_an_upload_larger_than_the_limit_is_dropped_with_an_error():
    up = Uploads(max_bytes=3)
    up.begin(3, "activated", payload(1, 10), now=0)
    up.chunk(UploadChunk(3, 1, 0, 1, 0, 2), b"abc", now=0)
    with pytest.raises(ValueError, match="larger than 3 bytes"):
        up.chunk(UploadChunk(3, 1, 0, 1, 1, 2), b"d", now=0)
    assert up.transfers == {}
