"""A set of 64-bit digests in one flat array: about 16 bytes a row instead of ~100 for a Python set,
so de-duplicating ten million rows stays within a few hundred MB."""
from __future__ import annotations

import hashlib
from array import array

_EMPTY = 0


class DigestSet:
    __slots__ = ("_table", "_mask", "_count")

    def __init__(self, capacity: int = 1 << 12) -> None:
        size = 1 << max(4, (capacity * 2 - 1).bit_length())
        self._table = array("Q", bytes(8 * size))
        self._mask = size - 1
        self._count = 0

    @staticmethod
    def digest(text: str) -> int:
        """A non-zero 64-bit digest of `text` (blake2b; stable across runs and machines)."""
        return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                              "little") or 1

    def add(self, h: int) -> bool:
        """Insert digest `h`; False if it was already there."""
        t, mask = self._table, self._mask
        i = h & mask
        while True:  # linear probing
            v = t[i]
            if v == h:
                return False
            if v == _EMPTY:
                t[i] = h
                self._count += 1
                if self._count * 2 > mask:
                    self._grow()
                return True
            i = (i + 1) & mask

    def _grow(self) -> None:
        old = self._table
        self._table = array("Q", bytes(16 * len(old)))
        self._mask = len(self._table) - 1
        self._count = 0
        for v in old:
            if v != _EMPTY:
                self.add(v)

    def __len__(self) -> int:
        return self._count
