"""Hostile cases for LengthGroupedBatchSampler (spec §24): lengths of every container, dtype and shape (NaN,
negative, huge, empty, booleans, objects), extreme batch_size / max_tokens / window / world, hostile epochs and
indices for ``position_of``, then ``state_dict`` tampering and resumes on another world through
``combine_states``. A result must be a right plan (every batch non-empty, ascending in length, within its size or
budget, the same count on every rank, ``position_of`` pointing at what iteration yields), equal on both engines."""

from __future__ import annotations

import copy
import itertools
import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

import ferrosampler

from . import values as v
from .judge import Ctx, Family, Wrong, expect, ints

PREFIX = 64  # batches read from an iteration
NAMES = {
    "lengths", "batch_size", "max_tokens", "window", "num_replicas", "rank", "drop_last", "shuffle", "seed",
    "generator", "permutation", "index", "epoch",
}  # fmt: skip
STATE_FIELDS = ("epoch_seed", "group", "num_batches", "num_replicas", "rank", "batch_size", "max_tokens", "window")
JUNK = (None, True, False, 0, -1, 1, 2**32, 2**63, 2**64, 1.5, math.nan, "1", [], {}, [1], np.int64(2))


def _plain(rng: random.Random, n: int) -> list[int]:
    """n good lengths: small, with ties and zeros, or spread up to 2**62."""
    roll = rng.random()
    if roll < 0.6:
        return [rng.randrange(0, 40) for _ in range(n)]
    if roll < 0.8:
        return [rng.choice([0, 1, 2, 7]) for _ in range(n)]
    return [rng.choice([0, 1, 2**31, 2**40, 2**62, 2**63 - 1, rng.randrange(2**62)]) for _ in range(n)]


def lengths(rng: random.Random, torch: Any) -> tuple[Any, list[int] | None]:
    """(lengths in some container, the plain values when they are valid, else None)."""
    n = rng.choice([1, 1, 2, 3, rng.randint(1, 40), rng.randint(1, 40), rng.randint(100, 300)])
    values = _plain(rng, n)
    kind = rng.randrange(26) if rng.random() < 0.4 else rng.randrange(14)
    if kind < 6:
        return (values if kind % 2 else tuple(values)), values
    if kind < 9:
        dtype = rng.choice(v.INT_DTYPES[:-1])
        info = np.iinfo(dtype)
        if all(x <= info.max for x in values):
            return np.array(values, dtype=dtype), values
        return np.array([x % 100 for x in values], dtype=dtype), [x % 100 for x in values]
    if kind == 9:
        small = [x % 1000 for x in values]
        return np.array(small, dtype=rng.choice(["float16", "float32", "float64"])), small
    if kind == 10 and torch is not None:
        small = [x % 1000 for x in values]
        dtype = rng.choice([torch.int64, torch.int32, torch.int16, torch.uint8, torch.float32, torch.float64])
        tensor = torch.tensor([x % 200 for x in small], dtype=dtype)
        return tensor, [x % 200 for x in small]
    if kind == 11:
        return np.repeat(np.array(values, dtype=np.int64), 2)[::2], values  # not contiguous
    if kind == 12:
        return np.array(values, dtype=object), values
    if kind == 13:
        return range(n), list(range(n))
    # -- hostile from here
    if kind == 14:
        return rng.choice([[], (), np.array([], dtype=np.int64), np.zeros((0, 3))]), None
    if kind == 15:
        bad = [float(x % 100) for x in values]
        bad[rng.randrange(n)] = rng.choice([math.nan, math.inf, -math.inf, 2.5, -1.0, 1e300, 2.0**63])
        return (bad if rng.random() < 0.5 else np.array(bad)), None
    if kind == 16:
        bad2: list[Any] = list(values)
        bad2[rng.randrange(n)] = rng.choice([-1, -(2**63), 2**63, 2**64, 2**100])
        return (bad2 if rng.random() < 0.5 else np.array(bad2, dtype=object)), None
    if kind == 17:
        return np.array([x % 2 for x in values], dtype=bool), None
    if kind == 18:
        mixed: list[Any] = list(values)
        mixed[rng.randrange(n)] = rng.choice(["3", None, b"x", 1 + 2j, object(), True, [1], Decimal(3), Fraction(1, 2)])
        return mixed, None
    if kind == 19:
        return rng.choice([np.zeros((2, 3), dtype=np.int64), np.array(5), np.ones((n, 1), dtype=np.int64)]), None
    if kind == 20:
        return rng.choice([None, 5, "abc", b"ab", {1: 2}, 3.5, object(), {"a": [1]}]), None
    if kind == 21:
        return iter(values), None  # an iterable without indexing: what a trainer's re-wrap passes
    if kind == 22:
        return np.array(values, dtype=np.uint64) + np.uint64(2**63), None
    if kind == 23:
        return np.array([str(x) for x in values]), None
    if kind == 24 and torch is not None:
        return torch.tensor([float(x % 50) for x in values], requires_grad=True), [x % 50 for x in values]
    return np.array([x % 1000 for x in values], dtype=np.float64) + 0.5, None  # exact halves: not integers


def _arguments(rng: random.Random, n: int, fam: Family, ctx: Ctx) -> dict[str, Any]:
    roll = rng.random()
    kwargs: dict[str, Any] = {}
    if roll < 0.5:
        kwargs["batch_size"] = v.integer(rng, range(1, 9), 0.4)
    elif roll < 0.92:
        kwargs["max_tokens"] = (
            v.integer(rng, range(1, 200), 0.4) if rng.random() < 0.8 else rng.choice([2**63, 2**64 - 1])
        )
    elif roll < 0.96:
        kwargs.update(batch_size=2, max_tokens=10)
    if rng.random() < 0.5:
        size = kwargs.get("batch_size")
        good = size * rng.randint(1, 8) if isinstance(size, int) and not isinstance(size, bool) and 0 < size < 9 else 8
        kwargs["window"] = (
            v.integer(rng, range(good, good + 1), 0.5) if rng.random() < 0.9 else rng.choice([1, 3, 2**64 - 1])
        )
    replicas = rng.choice([None, 1, 1, 2, 3, 4]) if rng.random() < 0.9 else v.integer(rng, range(1, 5), 1.0)
    kwargs["num_replicas"] = replicas
    if rng.random() < 0.9:
        top = replicas if isinstance(replicas, int) and not isinstance(replicas, bool) and 0 < replicas < 9 else 1
        kwargs["rank"] = v.integer(rng, range(top), 0.3)
    kwargs["drop_last"] = v.boolean(rng)
    kwargs["shuffle"] = v.boolean(rng)
    if rng.random() < 0.1:
        kwargs["permutation"] = rng.choice(["fisher-yates", "x", None, 3])
    seed_roll = rng.random()
    if seed_roll < 0.75:
        kwargs["seed"] = v.seed(rng)
        ctx.compare = kwargs["seed"] is not None or kwargs["shuffle"] is False
    elif seed_roll < 0.85 and fam.torchlib is not None:
        kwargs["generator"] = fam.torchlib.Generator().manual_seed(rng.getrandbits(62))
    elif seed_roll < 0.9:
        kwargs["generator"] = v.integer(rng, range(5), 0.5)
    else:
        ctx.compare = kwargs["shuffle"] is False
    return kwargs


def check_batches(batches: list[list[int]], plain: list[int], sampler: Any) -> None:
    """Every batch: non-empty, indices in range, ascending length, within its size or budget."""
    n = len(plain)
    for batch in batches:
        expect(batch, "an empty batch")
        expect(all(0 <= i < n for i in batch), f"index out of [0, {n}): {batch[:10]}")
        lens = [plain[i] for i in batch]
        expect(lens == sorted(lens), f"a batch not ascending in length: {lens[:10]}")
        if sampler.batch_size is not None:
            expect(len(batch) <= sampler.batch_size, f"{len(batch)} samples > batch_size={sampler.batch_size}")
            if sampler.drop_last:
                expect(len(batch) == sampler.batch_size, "a short batch under drop_last")
        else:
            within = len(batch) * max(lens) <= sampler.max_tokens or len(batch) == 1
            expect(within, f"{len(batch)} x {max(lens)} over max_tokens={sampler.max_tokens}")


def construction(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """Build with hostile arguments, then len, epochs, iteration and position_of with hostile epochs/indices."""
    ctx.names |= NAMES
    data, plain = lengths(rng, fam.torchlib)
    kwargs = _arguments(rng, len(plain) if plain else 1, fam, ctx)
    sampler = fam.torch.LengthGroupedBatchSampler(data, **kwargs)
    expect(plain is not None, f"accepted invalid lengths {data!r:.80}")
    assert plain is not None
    out: list[Any] = [repr(sampler)]
    if rng.random() < 0.3:
        sampler.set_epoch(v.integer(rng, range(4), 0.4))
    length = len(sampler)
    read = list(itertools.islice(iter(sampler), PREFIX))
    expect(len(read) == min(length, PREFIX), f"iteration gave {len(read)} batches, len() says {length}")
    check_batches(read, plain, sampler)
    out += [length, [ints(b) for b in read]]
    if ctx.compare and rng.random() < 0.5:
        epoch = v.integer(rng, range(4), 0.4)
        batches = sampler.epoch_batches(epoch)
        check_batches(batches, plain, sampler)
        index = v.integer(rng, range(len(plain)), 0.3)
        huge = sampler.num_replicas > 4096  # positions_of would list a repeat on (nearly) every rank
        first = sampler.position_of(index, epoch)
        places = [first] if huge and first is not None else [] if huge else sampler.positions_of(index, epoch)
        expect(first == (places[0] if places else None), f"position_of({index}) is not positions_of's first")
        for place in places:
            if place.rank == sampler.rank:
                expect(batches[place.position][place.offset] == index, f"position_of({index}) is not where it is")
        if not huge:
            mine = sum(b.count(index) for b in batches)
            expect(mine == sum(p.rank == sampler.rank for p in places), f"positions_of({index}) misses places")
        out += [[ints(b) for b in batches], [tuple(p) for p in places]]
    return out


def _world(rng: random.Random, fam: Family) -> tuple[list[int], dict[str, Any], int]:
    plain = _plain(rng, rng.randint(1, 60))
    kwargs: dict[str, Any] = {"seed": rng.choice([0, 3, 2**64 - 1]), "drop_last": rng.random() < 0.3}
    if rng.random() < 0.5:
        size = rng.randint(1, 5)
        kwargs.update(batch_size=size, window=size * rng.randint(1, 6))
    else:
        kwargs.update(max_tokens=rng.randint(1, 120), window=rng.randint(1, 30))
    kwargs["shuffle"] = rng.random() < 0.85
    return plain, kwargs, rng.randint(1, 4)


def _mutated(rng: random.Random, state: dict[str, Any]) -> tuple[str, Any]:
    """(category, state): same (resumes exactly), refuse (must be refused), loose (refused or a right result)."""
    s = copy.deepcopy(state)
    roll = rng.random()
    if roll < 0.3:
        return "same", s
    if roll < 0.4:
        return "refuse", rng.choice([None, list(s.items()), 5, "state", [s]])
    if roll < 0.55:
        name = rng.choice(sorted(s))
        del s[name]
        return "loose", s
    if roll < 0.75:
        name = rng.choice(["epoch", "position", "fingerprint", "kind", "spec_version", "seed", "shuffle", "drop_last"])
        s[name] = rng.choice([*JUNK, s.get(name)])
        return ("same" if s[name] == state.get(name) and type(s[name]) is type(state.get(name)) else "loose"), s
    name = rng.choice(STATE_FIELDS)
    s[name] = rng.choice([*JUNK, s.get(name)])
    return "loose", s


def state_tampering(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """Save every rank mid-epoch, tamper with one state (or combine them), load on a world of another size."""
    ctx.names |= {"state", "states", *NAMES, *STATE_FIELDS, "format", "kind", "spec_version", "fingerprint"}
    ctx.names |= {"position", "epoch_seed"}
    plain, kwargs, replicas = _world(rng, fam)
    t = fam.torch
    ranks = [t.LengthGroupedBatchSampler(plain, num_replicas=replicas, rank=r, **kwargs) for r in range(replicas)]
    iterators = [iter(rank) for rank in ranks]
    taken = [list(itertools.islice(it, rng.randint(0, 4))) for it in iterators]
    states = [rank.state_dict() for rank in ranks]
    combined = ferrosampler.combine_states(states) if replicas > 1 or rng.random() < 0.5 else states[0]
    category, state = _mutated(rng, combined)
    after = rng.randint(1, 4)
    fresh = [t.LengthGroupedBatchSampler(plain, num_replicas=after, rank=r, **kwargs) for r in range(after)]
    try:
        for sampler in fresh:
            sampler.load_state_dict(state)
    except (TypeError, ValueError):
        if category == "same":
            raise Wrong("an untouched state was refused") from None
        raise
    expect(category != "refuse", "a state that is no Mapping was accepted")
    rest = [list(sampler) for sampler in fresh]
    for share in rest:
        check_batches(share, plain, fresh[0])
    expect(len({len(share) for share in rest}) <= 1, f"ranks got {[len(s) for s in rest]} batches")
    if category == "same" and not kwargs["drop_last"]:
        # No batch lost: everything the ranks had not all consumed is served on the new world (drop_last may drop
        # the new world's uneven last positions).
        whole = [t.LengthGroupedBatchSampler(plain, num_replicas=replicas, rank=r, **kwargs) for r in range(replicas)]
        epoch = state["epoch"]
        planned = {tuple(b) for share in (w.epoch_batches(epoch) for w in whole) for b in share}
        served = {tuple(b) for share in rest for b in share} | {tuple(b) for share in taken for b in share}
        expect(served == planned or state["position"] == 0, "batches lost or invented across the resume")
    return [[ints(b) for b in share] for share in rest]


CASES = [construction, construction, construction, state_tampering]
