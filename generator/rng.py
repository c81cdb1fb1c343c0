"""Per-conversation randomness derived from (seed, index, ...).

A splitmix64 stream in plain Python integers: specified bit-for-bit, so the same key gives the same
draws on every machine and in every worker process, and creating one costs nothing (a conversation,
a folder or a split block can each have its own without a shared stream).
"""
from __future__ import annotations

_M = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
    return z ^ (z >> 31)


class Rand:
    __slots__ = ("_s",)

    def __init__(self, *key: int) -> None:
        s = 0x6A09E667F3BCC909
        for k in key:
            s = _mix((s ^ (k & _M)) + _GOLDEN & _M)
        self._s = s

    def _next(self) -> int:
        self._s = s = (self._s + _GOLDEN) & _M
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & _M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
        return z ^ (z >> 31)

    def key(self) -> int:
        """A raw 64-bit draw, to seed an independent stream (Rand(r.key()))."""
        return self._next()

    def random(self) -> float:
        """A uniform float in [0, 1)."""
        return (self._next() >> 11) * (1.0 / (1 << 53))

    # below() and choice() repeat _next()'s body: they are the hottest calls of the generator
    def below(self, n: int) -> int:
        """A uniform integer in [0, n) (multiply-shift; the bias is below 2**-40 for any n used here)."""
        self._s = s = (self._s + _GOLDEN) & _M
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & _M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
        return ((z ^ (z >> 31)) * n) >> 64

    def choice(self, seq):
        self._s = s = (self._s + _GOLDEN) & _M
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & _M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M
        return seq[((z ^ (z >> 31)) * len(seq)) >> 64]

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
