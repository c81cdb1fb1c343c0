"""Per-conversation randomness derived from (seed, index).

numpy's PCG64 is specified bit-for-bit, so the same (seed, index) gives the same stream on every
machine and in every worker process.  Draws are taken in blocks because single numpy scalar draws
cost about a microsecond each.
"""
from __future__ import annotations

import numpy as np

_BLOCK = 256


class Rand:
    __slots__ = ("_gen", "_buf", "_pos")

    def __init__(self, *key: int) -> None:
        self._gen = np.random.Generator(np.random.PCG64(list(key)))
        self._buf: list[float] = []
        self._pos = 0

    def random(self) -> float:
        if self._pos >= len(self._buf):
            self._buf = self._gen.random(_BLOCK).tolist()
            self._pos = 0
        x = self._buf[self._pos]
        self._pos += 1
        return x

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        return min(int(self.random() * n), n - 1)

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, p: float) -> bool:
        return self.random() < p

    def sample(self, seq, k: int) -> list:
        pool = list(seq)
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(self.below(len(pool))))
        return out

    def shuffled(self, seq) -> list:
        return self.sample(seq, len(seq))
