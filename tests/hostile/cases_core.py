"""Hostile cases for every ``_core`` function and WeightTable method (and their reference twins)."""

from __future__ import annotations

import pickle
import random
from typing import Any

import numpy as np

from ferrosampler.reference._engine.weights.masses import real_weights

from . import values as v
from .judge import Ctx, Family, expect, in_range, ints

PERMUTATIONS = ("feistel", "fisher-yates", None, "FEISTEL", "", 3, b"feistel")


def _count(rng: random.Random, ctx: Ctx, name: str = "count", small: int = 40) -> Any:
    count = ctx.arg(name, v.integer(rng, range(small + 1), 0.25))
    if (_as_int(count) or 0) >= v.LARGE:
        ctx.large = True
    return count


def _stride(rng: random.Random, ctx: Ctx) -> dict[str, Any]:
    return {} if rng.random() < 0.4 else {"stride": ctx.arg("stride", v.integer(rng, range(1, 6), 0.25))}


def _as_int(value: Any) -> int | None:
    try:
        return None if isinstance(value, bool) else int(value.__index__())
    except (AttributeError, TypeError):
        return None


def expand_seed(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    out = ints(fam.engine.expand_seed(ctx.arg("seed", v.seed(rng, 0.5))))
    expect(len(out) == 8, "expand_seed must give 8 words")
    return out


def stream_id(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    purpose, epoch = ctx.arg("purpose", v.integer(rng, range(3))), ctx.arg("epoch", v.integer(rng, range(9)))
    return int(fam.engine.stream_id(purpose, epoch))


def bounded(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    x = ctx.arg("x", v.seed(rng, 0.3))
    n = ctx.arg("n", v.integer(rng, range(1, 2**64 + 1, 2**60 + 7), 0.3))
    out = int(fam.engine.bounded(x, n))
    expect(0 <= out < n, f"bounded out of range: {out}")
    return out


def bounded128(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    x0, x1 = ctx.arg("x0", v.seed(rng, 0.3)), ctx.arg("x1", v.seed(rng, 0.3))
    r = ctx.arg("r", v.integer(rng, range(1, 2**64, 2**59 + 3), 0.3))
    out = int(fam.engine.bounded128(x0, x1, r))
    expect(0 <= out < r, f"bounded128 out of range: {out}")
    return out


def keystream_words(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    seed, purpose = ctx.arg("seed", v.seed(rng)), ctx.arg("purpose", v.integer(rng, range(3), 0.15))
    epoch, start = ctx.arg("epoch", v.integer(rng, range(5), 0.2)), ctx.arg("start", v.integer(rng, range(99), 0.2))
    count = _count(rng, ctx)
    out = ints(fam.engine.keystream_words(seed, purpose, epoch, start, count))
    expect(len(out) == count, "keystream_words length")
    return out


def uniform_draws(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    seed, epoch = ctx.arg("seed", v.seed(rng)), ctx.arg("epoch", v.integer(rng, range(5), 0.2))
    n, start = ctx.arg("n", v.size(rng, 40, 0.25)), ctx.arg("start", v.integer(rng, range(99), 0.2))
    count = _count(rng, ctx)
    out = fam.engine.uniform_draws(seed, epoch, n, start, count, **_stride(rng, ctx))
    expect(len(out) == count, "uniform_draws length")
    return in_range(out, int(n))


def permutation_stream(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    seed, purpose = ctx.arg("seed", v.seed(rng)), ctx.arg("purpose", v.integer(rng, range(3), 0.15))
    epoch, n = ctx.arg("epoch", v.integer(rng, range(5), 0.2)), ctx.arg("n", v.size(rng, 40, 0.25))
    start, count = ctx.arg("start", v.integer(rng, range(99), 0.2)), _count(rng, ctx)
    kwargs = _stride(rng, ctx)
    if rng.random() < 0.5:
        kwargs["permutation"] = ctx.arg("permutation", rng.choice(PERMUTATIONS))
    out = in_range(fam.engine.permutation_stream(seed, purpose, epoch, n, start, count, **kwargs), int(n))
    expect(len(out) == count, "permutation_stream length")
    if _as_int(start) == 0 and count == int(n) and kwargs.get("stride", 1) == 1:
        expect(sorted(out) == list(range(int(n))), "a whole block must be a permutation")
    return out


def strided_permutation(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    seed, epoch = ctx.arg("seed", v.seed(rng)), ctx.arg("epoch", v.integer(rng, range(5), 0.2))
    n, shuffle = ctx.arg("n", v.size(rng, 40, 0.25)), rng.choice([True, False, 0, 1, None, "yes"])
    first = ctx.arg("first", v.integer(rng, range(60), 0.3))
    stride, count = ctx.arg("stride", v.integer(rng, range(6), 0.3)), _count(rng, ctx)
    extra = {"permutation": ctx.arg("permutation", rng.choice(PERMUTATIONS))} if rng.random() < 0.4 else {}
    out = fam.engine.strided_permutation(seed, epoch, n, shuffle, first, stride, count, **extra)
    expect(len(out) == count, "strided_permutation length")
    return in_range(out, int(n))


def pk_draws(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    sizes = [rng.randint(0 if rng.random() < 0.05 else 1, 4) for _ in range(rng.randint(1, 5))]
    offsets = [0]
    for size in sizes:
        offsets.append(offsets[-1] + size)
    rows = list(range(offsets[-1]))
    rng.shuffle(rows)
    order = list(range(len(sizes)))
    rng.shuffle(order)
    if rng.random() < 0.3:
        victim = rng.choice([rows, offsets, order])
        if victim:
            victim[rng.randrange(len(victim))] = v.integer(rng, range(0), 1.0)
    if rng.random() < 0.1:
        rows, offsets, order = rng.choice([(3, offsets, order), (rows, "01", order), (rows, offsets, None)])
    ctx.names |= {"rows", "offsets", "class_order", "num_val", "seed"}
    seed, epoch, num_val = v.seed(rng), ctx.arg("epoch", v.integer(rng, range(4), 0.2)), v.size(rng, 3, 0.2)
    start, count = ctx.arg("start", v.integer(rng, range(30), 0.2)), _count(rng, ctx)
    layout = fam.engine.ClassLayout(rows, offsets)
    out = layout.pk_draws(seed, epoch, order, num_val, start, count, **_stride(rng, ctx))
    expect(len(out) == count, "pk_draws length")
    return in_range(out, max(len(rows), 1))


def weight_table(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """Build a table from hostile weights, then call one method with hostile arguments."""
    ctx.names |= {"weights", "masses"}
    n = rng.choice([0, 1, 2, 3, 5, 8, 17, 40])
    weights = v.weights(rng, n, fam.torchlib)
    if fam.name == "rust":
        # _core.WeightTable takes a float64 array only: converted as the reference engine reads any container.
        weights = np.array(real_weights(weights), dtype=np.float64)
    table = fam.engine.WeightTable(weights)
    masses = ints(table.integer_weights())
    expect(len(table) == table.n == len(masses), "WeightTable length")
    expect(sum(masses) == table.n << 32, "masses must sum to n * 2**32")
    expect(table.nonzero == sum(m > 0 for m in masses), "nonzero count")
    method = rng.randrange(6)
    seed, epoch = ctx.arg("seed", v.seed(rng)), ctx.arg("epoch", v.integer(rng, range(4), 0.2))
    if method == 0:
        start, count = ctx.arg("start", v.integer(rng, range(50), 0.2)), _count(rng, ctx)
        out = in_range(table.alias_draws(seed, epoch, start, count, **_stride(rng, ctx)), table.n)
        expect(all(masses[i] for i in out), "alias_draws gave a zero-mass index")
        return masses, out
    if method == 1:
        k = _count(rng, ctx, "k", table.nonzero + 2)
        out = in_range(table.without_replacement(seed, epoch, k), table.n)
        expect(len(set(out)) == len(out) == k and all(masses[i] for i in out), "without_replacement")
        return masses, out
    if method == 2:
        threshold, alias = table.alias_table()
        return masses, ints(threshold), in_range(alias, table.n)
    if method == 3:
        clone = pickle.loads(pickle.dumps(table))
        return masses, ints(clone.integer_weights())
    rebuild = (
        getattr(fam.engine.WeightTable, "_from_integer_weights", None) or fam.engine.WeightTable.from_integer_weights
    )
    hostile = list(masses)
    if hostile and rng.random() < 0.8:
        hostile[rng.randrange(len(hostile))] = rng.choice([-1, 2**64, 2**65, 1.5, "1", None, 2**64 - 1, True])
    return masses, ints(rebuild(hostile).integer_weights())


def threads(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """set_num_threads/_set_min_chunk with hostile values; the output never depends on them."""
    ctx.names |= {"n"}
    before = fam.engine.get_num_threads()
    try:
        if rng.random() < 0.5:
            fam.engine.set_num_threads(v.integer(rng, range(1, 5), 0.5))
        else:
            fam.engine._set_min_chunk(v.integer(rng, range(1, 9), 0.5))
        return ints(fam.engine.permutation_stream(5, 0, 1, 1000, 0, 300))
    finally:
        fam.engine.set_num_threads(before)
        fam.engine._set_min_chunk(1 << 15)  # DEFAULT_MIN_CHUNK in src/threads.rs


CASES = [
    expand_seed,
    stream_id,
    bounded,
    bounded128,
    keystream_words,
    uniform_draws,
    permutation_stream,
    permutation_stream,
    strided_permutation,
    strided_permutation,
    pk_draws,
    weight_table,
    weight_table,
    weight_table,
    threads,
]
