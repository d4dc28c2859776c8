"""Hostile cases for the epoch-level additions: even=False sharding, InfiniteSampler, the Grain adapters."""

from __future__ import annotations

import importlib.util
import itertools
import json
import random
from typing import Any

from . import values as v
from .judge import Ctx, Family, expect, in_range, ints

PREFIX = 200  # indices read from an iteration
GRAIN = importlib.util.find_spec("grain") is not None


def _even(rng: random.Random) -> Any:
    return rng.choice([False, False, False, True, None, 0, 1, "no", 1.0]) if rng.random() < 0.3 else False


def uneven(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """DistributedSampler / DistributedSamplerWrapper with even=False: rank r of R reads its own positions only."""
    data, n = v.dataset(rng)
    ctx.names |= {
        "dataset",
        "rank",
        "num_replicas",
        "seed",
        "drop_last",
        "even",
        "sampler",
        "data_source",
        "num_samples",
    }
    world, rank = v.size(rng, 5, 0.25), v.integer(rng, range(5), 0.25)
    even, drop_last = _even(rng), v.boolean(rng) if rng.random() < 0.3 else False
    ctx.names.add("process group")
    if rng.random() < 0.5:
        sampler = fam.torch.DistributedSampler(data, world, rank, seed=v.seed(rng), drop_last=drop_last, even=even)
    else:
        inner = fam.torch.RandomSampler(data, seed=3)
        sampler = fam.torch.DistributedSamplerWrapper(inner, world, rank, drop_last=drop_last, even=even)
    length = len(sampler)
    if length >= v.LARGE:
        ctx.large = True
    read = ints(itertools.islice(iter(sampler), PREFIX))
    expect(len(read) == min(length, PREFIX), f"an uneven share gave {len(read)} indices, len() says {length}")
    if even is False and n is not None:
        expected = max(0, (n - sampler.rank + sampler.num_replicas - 1) // sampler.num_replicas)
        expect(length == expected, f"an uneven rank {sampler.rank} of {sampler.num_replicas} over {n} has {length}")
    return in_range(read, n) if n else read


def infinite(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """InfiniteSampler over a hostile inner sampler, a hostile start epoch and a state round trip."""
    data = list(range(rng.randint(0, 12)))
    inner = rng.choice(
        [
            data,
            5,
            None,
            fam.torch.SequentialSampler(data),
            v.Dataset(rng.choice([0, -1, 2**63, "3", None])),
        ]
        + ([fam.torch.RandomSampler(data, seed=rng.getrandbits(64))] * 3 if data else [])
        + ([fam.torch.DistributedSampler(data, 3, rng.randrange(3), seed=1)] if data else [])
    )
    ctx.names |= {"sampler", "start_epoch", "epoch", "data_source", "dataset"}
    start = v.integer(rng, range(5), 0.3)
    sampler = fam.torch.InfiniteSampler(inner, start_epoch=start)
    steps = rng.randint(0, 40)
    iterator = iter(sampler)
    read = list(itertools.islice(iterator, steps))
    expect(len(read) == steps, f"an infinite sampler stopped after {len(read)} of {steps} steps")
    if hasattr(inner, "state_dict"):
        state = json.loads(json.dumps(sampler.state_dict()))
        resumed = fam.torch.InfiniteSampler(_same(inner, fam, data))
        resumed.load_state_dict(state)
        after = list(itertools.islice(resumed, 15))
        expect(after == list(itertools.islice(iterator, 15)), "a resumed infinite sampler went elsewhere")
        read += after
    return in_range(read, len(data)) if data else ints(read)


def _same(inner: Any, fam: Family, data: list[int]) -> Any:
    """A fresh sampler built like ``inner``."""
    if isinstance(inner, fam.torch.RandomSampler):
        return fam.torch.RandomSampler(data, seed=inner.seed)
    if isinstance(inner, fam.torch.DistributedSampler):
        return fam.torch.DistributedSampler(data, 3, inner.rank, seed=1)
    return fam.torch.SequentialSampler(data)


def grain_adapters(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """ferrosampler.grain's Sampler and IndexSource with hostile indices, epochs and num_epochs."""
    if not GRAIN:
        return []
    import ferrosampler.grain as fg

    n = rng.randint(0, 12)
    ctx.names |= {"index", "epoch", "num_epochs", "seed", "data_source", "sampler"}
    seed = rng.choice([None, 1, 2, 2**64 - 1]) if rng.random() < 0.3 else 7
    inner = fam.torch.RandomSampler(range(n), seed=seed) if n else fam.torch.SequentialSampler(range(n))
    num_epochs = v.integer(rng, range(1, 4), 0.3) if rng.random() < 0.7 else None
    sampler = fg.Sampler(inner, num_epochs=num_epochs)
    out = []
    for _ in range(8):
        index = v.integer(rng, range(len(sampler) if len(sampler) < 50 else 50), 0.3)
        try:
            record = sampler[index]
        except IndexError:
            expect(not (0 <= int(index) < len(sampler)), f"IndexError for index {index} of {len(sampler)}")
            continue
        out.append(int(record.record_key))
    source = fg.IndexSource(inner, epoch=v.integer(rng, range(3), 0.3) if rng.random() < 0.6 else None)
    for _ in range(4):
        index = v.integer(rng, range(n), 0.3)
        try:
            out.append(int(source[index]))
        except IndexError:
            expect(not (-len(source) <= int(index) < len(source)), f"IndexError for index {index} of {len(source)}")
    return in_range(out, n)


CASES = [uneven, infinite, grain_adapters]
