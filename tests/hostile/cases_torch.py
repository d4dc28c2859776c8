"""Hostile cases for every torch-style class and method (ferrosampler and ferrosampler.reference)."""

from __future__ import annotations

import itertools
import operator
import random
from typing import Any

from . import values as v
from .judge import Ctx, Family, expect, in_range, ints

PREFIX = 200  # indices read from an iteration


def _index(value: Any) -> int | None:
    """An int-like value (numpy integers too) as an int, else None."""
    try:
        return None if isinstance(value, bool) else operator.index(value)
    except TypeError:
        return None


def _generator_and_seed(rng: random.Random, fam: Family, ctx: Ctx) -> dict[str, Any]:
    """Comparable only when fixed: a seed, an int generator, or a torch.Generator seeded alike."""
    roll = rng.random()
    if roll < 0.7:
        name = "seed" if roll < 0.55 else "generator"
        value = ctx.arg(name, v.seed(rng))
        ctx.compare = value is not None  # None: a fresh random seed per epoch
        return {name: value}
    if roll < 0.8 and fam.torchlib is not None:
        return {"generator": fam.torchlib.Generator().manual_seed(rng.getrandbits(63))}
    if roll < 0.9:
        return {"seed": ctx.arg("seed", 1), "generator": ctx.arg("generator", 2)}
    ctx.compare = False
    return {}


def _epoch_ops(rng: random.Random, sampler: Any, ctx: Ctx, n: int | None, convert: bool = True) -> Any:
    """set_epoch / epoch_indices / iteration with hostile epochs; returns what was read."""
    out: list[Any] = []
    if rng.random() < 0.3:
        sampler.set_epoch(ctx.arg("epoch", v.integer(rng, range(4), 0.4)))
    length = len(sampler)
    if rng.random() < 0.4:
        epoch = ctx.arg("epoch", v.integer(rng, range(4), 0.4)) if rng.random() < 0.6 else None
        if length >= v.LARGE:
            ctx.large = True
        indices = sampler.epoch_indices(epoch)
        expect(len(indices) == length, f"epoch_indices has {len(indices)} indices, len() says {length}")
        out.append(ints(indices[:PREFIX]))
    read = list(itertools.islice(iter(sampler), PREFIX))
    read = ints(read) if convert else [repr(value) for value in read]
    expect(len(read) == min(length, PREFIX), f"iteration gave {len(read)} indices, len() says {length}")
    if n is not None:
        in_range(read, n)
    out.append(read)
    return out


def sequential(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    data, n = v.dataset(rng)
    ctx.names |= {"data_source"}
    sampler = fam.torch.SequentialSampler(data)
    out = _epoch_ops(rng, sampler, ctx, n)
    expect(out[-1] == list(range(min(len(sampler), PREFIX))), "SequentialSampler order")
    return out


def random_sampler(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    data, n = v.dataset(rng)
    replacement = ctx.arg("replacement", v.boolean(rng))
    num_samples = ctx.arg("num_samples", None if rng.random() < 0.5 else v.size(rng, 60, 0.3))
    ctx.names |= {"data_source"}
    sampler = fam.torch.RandomSampler(data, replacement, num_samples, **_generator_and_seed(rng, fam, ctx))
    out = _epoch_ops(rng, sampler, ctx, n)
    if not replacement and n is not None and len(sampler) <= min(n, PREFIX):
        expect(len(set(out[-1])) == len(out[-1]), "RandomSampler without replacement repeated an index")
    return out


def subset(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    kind = rng.randrange(6)
    base = [rng.randrange(-5, 1000) for _ in range(rng.randint(0, 30))]
    import numpy as np

    indices: Any = [base, tuple(base), np.array(base, dtype=np.int64), range(rng.randint(0, 30)), None, "abc"][kind]
    if kind == 4:
        indices = rng.choice([5, v.Dataset(-1), v.Dataset(2**63), [1.5, 2.0], [[1], [2]], np.array(base, dtype=float)])
    ctx.names |= {"indices"}
    sampler = fam.torch.SubsetRandomSampler(indices, **_generator_and_seed(rng, fam, ctx))
    read = list(itertools.islice(iter(sampler), PREFIX))
    expect(sorted(map(repr, read)) == sorted(map(repr, list(indices)[:PREFIX])) or len(indices) > PREFIX, "subset")
    out = [repr(read)]
    if rng.random() < 0.5:
        out.append(_epoch_ops(rng, sampler, ctx, None, convert=False))
    return out


def weighted(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    n = rng.choice([0, 1, 2, 3, 5, 9, 30])
    weights = v.weights(rng, n, fam.torchlib)
    num_samples = ctx.arg("num_samples", v.size(rng, 40, 0.25))
    replacement = ctx.arg("replacement", v.boolean(rng))
    ctx.names |= {"weights"}
    sampler = fam.torch.WeightedRandomSampler(weights, num_samples, replacement, **_generator_and_seed(rng, fam, ctx))
    snapshot = list(sampler.weights)
    out = _epoch_ops(rng, sampler, ctx, len(snapshot))
    for read in out:
        expect(all(snapshot[i] > 0 for i in read), "WeightedRandomSampler drew a zero-weight index")
        if not replacement:
            expect(len(set(read)) == len(read), "without replacement, an index repeated")
    return out


def distributed(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    data, n = v.dataset(rng)
    ctx.names |= {"dataset", "rank", "num_replicas", "shuffle", "seed", "drop_last"}
    kwargs = {
        "num_replicas": v.size(rng, 5, 0.25),
        "rank": v.integer(rng, range(5), 0.25),
        "shuffle": v.boolean(rng),
        "seed": v.seed(rng),
        "drop_last": v.boolean(rng),
    }
    kwargs = {k: value for k, value in kwargs.items() if rng.random() < 0.9}
    ctx.names.add("process group")  # torch's verbatim message when rank or num_replicas is None
    sampler = fam.torch.DistributedSampler(data, **kwargs)
    if rng.random() < 0.3:
        sampler.set_epoch(ctx.arg("epoch", v.integer(rng, range(9), 0.5)))
    length = len(sampler)
    if length >= v.LARGE:
        ctx.large = True
    read = ints(itertools.islice(iter(sampler), PREFIX))
    expect(len(read) == min(length, PREFIX), "DistributedSampler length")
    return in_range(read, n) if n else read


def batch(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    data = list(range(rng.randint(0, 30)))
    inner = rng.choice(
        [data, fam.torch.SequentialSampler(data), None, 5, v.Dataset(2**63)]
        + ([fam.torch.RandomSampler(data, seed=3)] if data else [])
    )
    ctx.names |= {"batch_size", "drop_last", "sampler", "epoch", "data_source"}
    batch_size = v.size(rng, 7, 0.3)
    # torch's drop_last trick, zip(*[iterator] * batch_size), builds a list of batch_size references.
    ctx.large = (_index(batch_size) or 0) >= v.LARGE
    sampler = fam.torch.BatchSampler(inner, batch_size, v.boolean(rng))
    length = len(sampler)
    batches = list(itertools.islice(iter(sampler), PREFIX))
    expect(len(batches) == length, f"BatchSampler gave {len(batches)} batches, len() says {length}")
    expect(all(0 < len(b) <= sampler.batch_size for b in batches), "batch sizes")
    if rng.random() < 0.5 and hasattr(inner, "epoch_indices"):
        flat = ints(sampler.epoch_indices(ctx.arg("epoch", v.integer(rng, range(3), 0.4))))
        expect(len(flat) <= len(data), "BatchSampler.epoch_indices length")
    return batches


def position_of(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """position_of / positions_of with hostile indices and epochs, on every kind of sampler; each answer read back."""
    n = rng.choice([1, 2, 5, 40, 129, 300])
    ctx.names |= {"index", "epoch", "seed"}
    seed = 3 if rng.random() < 0.9 else None  # None: refused, it needs a fixed seed
    inner = rng.choice(
        [
            lambda: fam.torch.RandomSampler(range(n), num_samples=rng.choice([None, 1, n + 7]), seed=seed),
            lambda: fam.torch.SubsetRandomSampler([rng.randrange(n) for _ in range(n)], seed=seed),
            lambda: fam.torch.SequentialSampler(range(n)),
            lambda: fam.torch.RandomSampler(range(n), replacement=True, seed=seed),
            lambda: fam.torch.DistributedSampler(range(n), 3, rng.randrange(3), seed=seed or 0),
        ]
    )()
    kind = rng.randrange(4)
    sampler = [
        inner,
        fam.torch.DistributedSamplerWrapper(inner, 4, rng.randrange(4), drop_last=rng.random() < 0.3),
        fam.torch.BatchSampler(inner, rng.randint(1, 4), rng.random() < 0.3),
        inner,
    ][kind]
    index = ctx.arg("index", v.integer(rng, range(n + 1), 0.4))
    epoch = ctx.arg("epoch", v.integer(rng, range(4), 0.4))
    places = sampler.positions_of(index, epoch)
    expect(sampler.position_of(index, epoch) == (places[0] if places else None), "position_of is not the first")
    if kind in (0, 3) and not hasattr(sampler, "num_replicas") and places:
        indices = sampler.epoch_indices(epoch)
        expect(all(int(indices[p.position]) == index for p in places), "position_of does not hold the index")
    return [tuple(place) for place in places]


CASES = [sequential, random_sampler, random_sampler, subset, weighted, weighted, distributed, distributed, batch]
CASES += [position_of]
