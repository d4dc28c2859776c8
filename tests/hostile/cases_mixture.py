"""Hostile cases for MixtureSampler (spec §23): sources, weights and schedules, lengths, then its epochs."""

from __future__ import annotations

import random
from typing import Any

from . import values as v
from .cases_torch import _epoch_ops, _generator_and_seed
from .judge import Ctx, Family, expect, ints


def _source(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.6:
        return rng.randint(1, 300)
    if roll < 0.8:
        return v.size(rng, 300, 0.5)
    data, _ = v.dataset(rng, 300)
    return data


def mixture(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    count = rng.choice([0, 1, 2, 2, 3, 3, 5])
    sources = [_source(rng) for _ in range(count)]
    ctx.names |= {"sources", "weights", "num_samples", "permutation", "index", "epoch", "seed", "generator"}
    roll = rng.random()
    if roll < 0.7:
        weights: Any = v.weights(rng, count, fam.torchlib)
    else:
        starts = sorted(rng.sample(range(1, 400), rng.randrange(0, 3)))
        if rng.random() < 0.2:
            starts.insert(rng.randrange(len(starts) + 1), v.integer(rng, range(400), 1.0))
        weights = [(start, v.weights(rng, count, fam.torchlib)) for start in [0, *starts]]
    num_samples = rng.choice(
        [None, None, v.size(rng, 400, 0.3), v.size(rng, 400, 0.3), "first_exhausted", "all_exhausted"]
    )
    extra = {"permutation": rng.choice(["feistel", "fisher-yates", "x"])} if rng.random() < 0.1 else {}
    sampler = fam.torch.MixtureSampler(sources, weights, num_samples, **_generator_and_seed(rng, fam, ctx), **extra)
    total = sampler.offsets[-1] + sampler.sizes[-1]
    looked_up = list(sampler.source_of(v.integer(rng, range(total), 0.5)))
    out = _epoch_ops(rng, sampler, ctx, total)
    schedule = sampler.schedule
    if len(schedule) == 1:
        weights_in_effect = schedule[0][1]
        for read in out:
            expect(all(weights_in_effect[s] > 0 for s in sampler.sources_of(read).tolist()), "zero-weight source")
    out.append(looked_up)
    if sampler.num_samples <= 10**5:  # positions_of lists every occurrence: bounded by the epoch's length
        index, epoch = v.integer(rng, range(total), 0.5), rng.choice([0, 1, 3])
        places = [place.position for place in sampler.positions_of(index, epoch)]
        served = sampler.epoch_indices(epoch).tolist()
        expect(places == [p for p, value in enumerate(served) if value == index], "positions_of against the epoch")
        out.append(places)
    return [ints(read) if isinstance(read, list) else read for read in out]


CASES = [mixture]
