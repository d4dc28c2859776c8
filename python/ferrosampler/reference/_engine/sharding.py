"""A strided read of one permutation: how every sharded sampler reads its part (spec §6; Rust: src/sharding.rs)."""

from __future__ import annotations

from .keystream import MAIN
from .limits import check_epoch, check_population, check_u64
from .permutation import Bijection, check_permutation, fisher_yates_prefix


def strided_permutation(
    seed: int,
    epoch: int,
    n: int,
    shuffle: bool,
    first: int,
    stride: int,
    count: int,
    permutation: str = "feistel",
) -> list[int]:
    """Output c is π_0((first + c·stride) mod n) of block 0 of stream (seed, MAIN, epoch); the identity
    when not shuffling."""
    # The Rust binding's order: seed and epoch first, whatever ``shuffle`` is.
    check_u64("seed", seed)
    check_epoch(epoch)
    first = check_u64("first", first)
    stride = check_u64("stride", stride)
    count = check_u64("count", count)
    n = check_population("n", n, count)
    permutation = check_permutation(permutation)
    # (first + c * stride) mod n is computed exactly (spec: integers are exact unless said
    # otherwise), not with a wrapping u64 sum.
    positions = [(first + c * stride) % n for c in range(count)]
    if not shuffle or not positions:
        return positions
    if permutation == "feistel":
        # Only the offsets read are evaluated.
        bijection = Bijection.for_block(seed, MAIN, epoch, n, 0)
        return [bijection.apply(position) for position in positions]
    # Fisher–Yates computes the prefix up to the largest position read.
    furthest = max(positions)
    perm = fisher_yates_prefix(seed, MAIN, epoch, n, 0, furthest + 1)
    return [perm[position] for position in positions]
