"""Seeded, stable train/test assignment by conversation index.

Indices are taken in blocks of 20; a seeded permutation of each block puts its share of test rows
(20 * fraction, the remainders carried from block to block so the long-run share is exact) in test.  The side of an index depends only on (seed, block), so a longer run keeps every earlier
conversation on the same side, and small runs still get close to the asked fraction.
"""
from __future__ import annotations

import math
from functools import lru_cache

from .rng import Rand

BLOCK = 20


@lru_cache(maxsize=4096)
def _test_positions(seed: int, block: int, k: int) -> frozenset[int]:
    return frozenset(Rand(seed, 0x5B117, block).sample(range(BLOCK), k))


def side_of(index: int, seed: int, test_fraction: float) -> str:
    block, pos = divmod(index, BLOCK)
    k = math.floor((block + 1) * BLOCK * test_fraction + 1e-9) - math.floor(block * BLOCK * test_fraction + 1e-9)
    if k <= 0:
        return "train"
    if k >= BLOCK:
        return "test"
    return "test" if pos in _test_positions(seed, block, k) else "train"
