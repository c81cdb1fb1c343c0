"""A set of 64-bit digests in one flat array: about 11 bytes a row instead of ~100 for a Python set,
so de-duplicating ten million rows stays within about a hundred MB."""
from __future__ import annotations

from array import array
from zlib import adler32, crc32

_EMPTY = 0
_LOAD = 0.75  # most slots in use before the table grows; linear probing stays short up to here


class DigestSet:
    __slots__ = ("_table", "_size", "_count", "_limit")

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._alloc(max(16, int(capacity / _LOAD) + 1))

    def _alloc(self, size: int) -> None:
        # any size works (slots are digest % size), so a table sized up front has no power-of-two slack;
        # repeating one zero allocates the table once (array(bytes(...)) would hold a second copy briefly)
        self._table = array("Q", [0]) * size
        self._size = size
        self._count = 0
        self._limit = int(size * _LOAD)

    @staticmethod
    def digest(text: str) -> int:
        """A non-zero 64-bit digest of `text`: its Adler-32 and CRC-32 (zlib's fixed algorithms, so the same on
        every machine), at about a third of a cryptographic hash's cost.  Two distinct rows share one with odds
        near 2**-64 (2**-51 for near-identical ones): it would only count one row as a duplicate of the other."""
        data = text.encode("utf-8", "surrogatepass")
        return (adler32(data) << 32 | crc32(data)) or 1

    def add(self, h: int) -> bool:
        """Insert digest `h`; False if it was already there."""
        t, size = self._table, self._size
        i = h % size
        while True:  # linear probing
            v = t[i]
            if v == h:
                return False
            if v == _EMPTY:
                t[i] = h
                self._count += 1
                if self._count > self._limit:
                    self._grow()
                return True
            i += 1
            if i == size:
                i = 0

    def _grow(self) -> None:
        old = self._table
        self._alloc(2 * self._size)
        for v in old:
            if v != _EMPTY:
                self.add(v)

    def __len__(self) -> int:
        return self._count
