"""Seeded, stable train/test assignment by conversation index.

Indices are taken in blocks of 20; a seeded permutation of each block puts its share of test rows
(20 * fraction, the remainders carried from block to block so the long-run share is exact) in test.  The side of an index depends only on (seed, block), so a longer run keeps every earlier
conversation on the same side, and small runs still get close to the asked fraction.
"""
from __future__ import annotations

import math
from typing import Iterator

from .rng import Rand

BLOCK = 20


def _block_sides(seed: int, block: int, test_fraction: float) -> tuple[str, ...]:
    """The sides of the BLOCK indices from block * BLOCK on."""
    k = math.floor((block + 1) * BLOCK * test_fraction + 1e-9) - math.floor(block * BLOCK * test_fraction + 1e-9)
    if k <= 0:
        return ("train",) * BLOCK
    if k >= BLOCK:
        return ("test",) * BLOCK
    out = ["train"] * BLOCK
    for pos in Rand(seed, 0x5B117, block).sample(range(BLOCK), k):
        out[pos] = "test"
    return tuple(out)


def sides(seed: int, test_fraction: float, start: int = 0) -> Iterator[str]:
    """The side of every index from `start` on, in order: a block's sides are worked out once, when reached
    (a seeded generator per block, not per index)."""
    block, pos = divmod(start, BLOCK)
    while True:
        yield from _block_sides(seed, block, test_fraction)[pos:]
        block, pos = block + 1, 0
