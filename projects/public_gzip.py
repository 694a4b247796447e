"""A cached page with one per-response slot (the CSRF token), gzipped once and spliced per response.

The page is compressed ahead of time in two raw-deflate pieces, before and after the slot; a
response is the gzip header, the first piece (flushed to a byte boundary), the slot's bytes as
a stored block, the second piece and the trailer, whose CRC-32 covers the slot and the second
piece (kilobytes of CRC rather than compressing the page again on every request).
"""

from __future__ import annotations

import struct
import zlib

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime, OS unknown


class SplicedPage:
    def __init__(self, html: str, slot: str):
        head, found, tail = html.encode().partition(slot.encode())
        self.has_slot = bool(found)
        self.head, self.tail = head, tail
        before = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.deflated_head = before.compress(head) + before.flush(zlib.Z_SYNC_FLUSH)
        after = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.deflated_tail = after.compress(tail) + after.flush(zlib.Z_FINISH)
        self.head_crc = zlib.crc32(head)

    def plain(self, value: str) -> bytes:
        return self.head + (value.encode() if self.has_slot else b"") + self.tail

    def gzipped(self, value: str) -> bytes:
        data = value.encode() if self.has_slot else b""
        if len(data) > 0xFFFF:
            raise ValueError("the slot's value must fit one stored block")
        # A non-final stored block: header bits 000, padded to the byte, then LEN and ~LEN.
        stored = b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data
        crc = zlib.crc32(self.tail, zlib.crc32(data, self.head_crc))
        size = (len(self.head) + len(data) + len(self.tail)) & 0xFFFFFFFF
        return (
            GZIP_HEADER
            + self.deflated_head
            + stored
            + self.deflated_tail
            + struct.pack("<II", crc, size)
        )
