"""Per-conversation randomness derived from (seed, index, ...).

The key's parts, side by side in one int, seed a Mersenne Twister (the C generator behind Python's
`random` module), whose seeding mixes every bit of an int of any length into all of its state.  Seeding
MT19937 from an int and `random()` have not changed since Python 3.2, so the same key gives the same draws
on every machine and in every worker process.  Only `random()` and `getrandbits()` are used; everything else (below, choice, sample) is
computed here, so no library helper whose algorithm might change sits between the seed and the data.
A generator per conversation (and per folder) means no shared stream: any index can be made alone.

An index below n is floor(random() * n): the same number as int(random() * n) (the product is never
negative), and math.floor is a plain C call where int() is a call of a type (about twice as slow).
"""
from __future__ import annotations

from math import floor

try:  # the C type behind random.Random: the same generator, without random.py's seeding wrapper
    from _random import Random as _MT
except ImportError:  # pragma: no cover - an interpreter without the C module
    from random import Random as _MT

_M = (1 << 64) - 1


class Rand:
    __slots__ = ("_mt", "random", "bits")

    def __init__(self, *key: int) -> None:
        s = 1
        for k in key:  # the parts side by side, 64 bits each, behind a 1 (so (0, 5) and (5,) differ)
            s = s << 64 | k & _M
        self._mt = mt = _MT(s)  # MT19937 spreads every bit of a seed of any length over its whole state
        self.random = mt.random  # a uniform float in [0, 1): the hottest call, bound once
        # bits(k): k raw bits, bound once; bits(32) is key() without a call of its own (a tree draws a dozen keys)
        self.bits = mt.getrandbits

    def key(self) -> int:
        """A raw 32-bit draw, to seed an independent stream (Rand(r.key())) for a folder or a file."""
        return self.bits(32)

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        return floor(self.random() * n)

    def choice(self, seq):
        return seq[floor(self.random() * len(seq))]

    def chance(self, p: float) -> bool:
        return self.random() < p

    def sample(self, seq, k: int) -> list:
        pool = list(seq)
        rnd = self.random
        out = []
        n = len(pool)
        # a while loop, not a comprehension (a frame of its own in 3.11) nor range(min(k, n)) (two calls that
        # cost as much as the two or three draws a sample mostly is)
        while k > 0 and n:
            out.append(pool.pop(floor(rnd() * n)))
            k -= 1
            n -= 1
        return out

    def shuffled(self, seq) -> list:
        return self.sample(seq, len(seq))
