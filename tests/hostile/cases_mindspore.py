"""Hostile cases for every ferrosampler.mindspore class and method (and ferrosampler.reference.mindspore)."""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np

from . import values as v
from .judge import Ctx, Family, expect, in_range, ints

PREFIX = 200
COMMON = {"seed", "dataset_size", "num_samples", "epoch"}


def _ms_int(rng: random.Random, valid: range, hostile: float = 0.25) -> Any:
    return v.integer(rng, valid, hostile)


def _seed(rng: random.Random, ctx: Ctx) -> Any:
    if rng.random() < 0.1:
        ctx.compare = False
        return None
    seed = v.seed(rng, 0.15)
    ctx.compare = seed is not None
    return seed


def _num_samples(rng: random.Random) -> Any:
    return None if rng.random() < 0.4 else _ms_int(rng, range(50))


def _dataset_size(rng: random.Random, ctx: Ctx) -> Any:
    size = rng.choice([None, *range(1, 41)] * 3 + [0, -1, 2**63 - 1, 2**63, 2**64, 1.0, "5", True, np.int64(7)])
    if isinstance(size, int) and size >= v.LARGE:
        ctx.large = True
    return size


def _run(rng: random.Random, sampler: Any, ctx: Ctx, fam: Family) -> Any:
    """Hostile calls on a built sampler: set_dataset_size, add_child, set_epoch, epoch_indices, iteration."""
    if rng.random() < 0.2:
        size = _dataset_size(rng, ctx)
        if size is not None:
            sampler.set_dataset_size(size)
    if rng.random() < 0.15:
        child = rng.choice(
            [fam.ms.SequentialSampler(), fam.ms.RandomSampler(seed=1), None, 3, fam.ms.SubsetSampler([0, 1])]
        )
        ctx.names |= {"add_child", "child", "Sample ID"}  # Sample ID: a SubsetSampler child out of range
        sampler.add_child(child)
    if rng.random() < 0.2:
        sampler.set_epoch(_ms_int(rng, range(5), 0.4))
    length = len(sampler)
    size = sampler._known_dataset_size()
    out = [length, sampler.get_num_samples()]
    if length >= v.LARGE:
        ctx.large = True
    if rng.random() < 0.5:
        epoch = _ms_int(rng, range(5), 0.4) if rng.random() < 0.5 else None
        indices = sampler.epoch_indices(epoch)
        expect(len(indices) == length, f"epoch_indices has {len(indices)} indices, len() says {length}")
        out.append(in_range(indices[:PREFIX], size))
    read = ints(itertools.islice(iter(sampler), PREFIX))
    expect(len(read) == min(length, PREFIX), f"iteration gave {len(read)}, len() says {length}")
    out.append(in_range(read, size))
    return out


def _prepare(ctx: Ctx, *names: str) -> None:
    ctx.mindspore = True
    ctx.names |= COMMON | set(names)


def sequential(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    _prepare(ctx, "start_index", "start_index_", "num_rows")  # start_index_: MindSpore's verbatim message
    start = None if rng.random() < 0.4 else _ms_int(rng, range(10), 0.3)
    sampler = fam.ms.SequentialSampler(
        start, _num_samples(rng), seed=_seed(rng, ctx), dataset_size=_dataset_size(rng, ctx)
    )
    out = _run(rng, sampler, ctx, fam)
    if sampler.get_child() is None:
        first = int(start or 0)
        expect(out[-1] == list(range(first, first + len(out[-1]))), "SequentialSampler order")
    return out


def random_sampler(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    _prepare(ctx, "replacement", "shuffle")
    shuffle = rng.choice([fam.ms.Shuffle.GLOBAL] * 6 + list(fam.ms.Shuffle) + ["global", True, None])
    sampler = fam.ms.RandomSampler(
        v.boolean(rng), _num_samples(rng), shuffle, seed=_seed(rng, ctx), dataset_size=_dataset_size(rng, ctx)
    )
    out = _run(rng, sampler, ctx, fam)
    if not sampler.replacement:
        expect(len(set(out[-1])) == len(out[-1]) or sampler.get_child() is not None, "a permutation repeated")
    return out


def distributed(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    _prepare(ctx, "num_shards", "shard_id", "shuffle", "offset")
    shards = _ms_int(rng, range(1, 5), 0.25)
    shuffle = rng.choice([True, False, fam.ms.Shuffle.GLOBAL, fam.ms.Shuffle.FALSE, fam.ms.Shuffle.PARTIAL, "x", 1])
    sampler = fam.ms.DistributedSampler(
        shards,
        _ms_int(rng, range(4), 0.25),
        shuffle,
        _num_samples(rng),
        _ms_int(rng, range(-1, 4), 0.25),
        seed=_seed(rng, ctx),
        dataset_size=_dataset_size(rng, ctx),
    )
    if rng.random() < 0.2:
        sampler.set_offset(_ms_int(rng, range(-1, 4), 0.4))
    return _run(rng, sampler, ctx, fam)


def pk(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    _prepare(ctx, "num_val", "num_class", "shuffle", "class_column", "labels")
    n = rng.randint(1, 30)
    labels = v.labels(rng, n)
    size = _dataset_size(rng, ctx) if callable(labels) or rng.random() < 0.3 else None
    if callable(labels) and rng.random() < 0.2:
        size = rng.choice([2**26 + 1, 2**31, 2**56, 2**63 - 1])
    sampler = fam.ms.PKSampler(
        _ms_int(rng, range(1, 4), 0.25),
        None if rng.random() < 0.95 else 3,
        v.boolean(rng),
        "label" if rng.random() < 0.95 else 5,
        _num_samples(rng),
        labels=labels,
        seed=_seed(rng, ctx),
        dataset_size=size,
    )
    return _run(rng, sampler, ctx, fam)


def subset(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    # "sampler object": MindSpore's verbatim TypeError for a non-iterable, pinned by tests/mindspore.
    _prepare(ctx, "indices", "Sample ID", "list", "sampler object")
    base = [rng.randrange(-2, 40) for _ in range(rng.randint(0, 12))]
    kind = rng.randrange(7)
    indices: Any = [base, tuple(base), np.array(base, dtype=np.int64), iter(base), range(rng.randint(0, 9))][kind % 5]
    if kind >= 5:
        indices = rng.choice([7, -1, "ab", None, [1.5], [2**63], [np.int8(3)], [True], 3.0])
    cls = fam.ms.SubsetSampler if rng.random() < 0.5 else fam.ms.SubsetRandomSampler
    sampler = cls(indices, _num_samples(rng), seed=_seed(rng, ctx), dataset_size=_dataset_size(rng, ctx))
    return _run(rng, sampler, ctx, fam)


def weighted(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    _prepare(ctx, "weights", "replacement", "w", "weight size")
    n = rng.choice([0, 1, 2, 3, 5, 9, 30])
    weights = v.weights(rng, n, fam.torchlib)
    replacement = v.boolean(rng)
    sampler = fam.ms.WeightedRandomSampler(
        weights, _num_samples(rng), replacement, seed=_seed(rng, ctx), dataset_size=_dataset_size(rng, ctx)
    )
    out = _run(rng, sampler, ctx, fam)
    values = sampler._weight_values
    if sampler.get_child() is None:
        for read in out[2:]:
            if replacement:
                expect(all(values[i] > 0 for i in read), "WeightedRandomSampler drew a zero-weight index")
            else:
                zeros = [values[i] == 0 for i in read]
                expect(zeros == sorted(zeros), "a zero-weight index came before a positive one")
    return out


CASES = [
    sequential,
    random_sampler,
    random_sampler,
    distributed,
    distributed,
    pk,
    pk,
    subset,
    subset,
    weighted,
    weighted,
]
