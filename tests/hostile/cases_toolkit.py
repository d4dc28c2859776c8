"""Hostile cases for the wrapper and the class-imbalance toolkit: DistributedSamplerWrapper (an inner sampler of
every kind), DistributedWeightedSampler, PKBatchSampler, MPerClassSampler, class_balanced_weights / class_counts,
``from_labels`` and ``set_weights``.

Results are judged against definitions computed here or in ``ferrosampler.reference._literal`` (the spec
written forwards): the wrapper's rank r reads positions r, r + R, … of its inner epoch; PK batches are P
distinct classes × K rows; m-per-class units hold m rows of each of their classes; weights are
``(1/n) ** power``; a zero weight is never drawn; new weights take effect at the next epoch only.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from typing import Any

import numpy as np

from ferrosampler.reference import _literal

from . import values as v
from .cases_state import _norm, _share, ms_recipe, torch_recipe
from .judge import Ctx, Family, expect, in_range, ints

PREFIX = 200
LABEL_NAMES = {"labels", "num_rows", "class_weights", "power", "effective_beta"}


def _ranks(world: Any) -> range:
    """Valid ranks for a world size drawn by values.size (rank 0 when the size itself is hostile)."""
    return range(world) if type(world) is int and 0 < world < 9 else range(1)


def _good_weights(rng: random.Random, n: int) -> Any:
    values = [rng.choice([0.0, 1.0, 2.0, 0.5, 7.0, 1e-300]) for _ in range(n)]
    values[rng.randrange(n)] = 1.0
    return np.array(values) if rng.random() < 0.5 else values


def _big(value: Any) -> bool:
    return (type(value) is int and value >= v.LARGE) or (isinstance(value, np.integer) and int(value) >= v.LARGE)


def _prefix(sampler: Any, count: int = PREFIX) -> list[Any]:
    return _norm(itertools.islice(iter(sampler), count))


def _values(items: Any) -> list[Any]:
    """Any sampler's outputs, comparable: ints, tuples of ints for batches, else repr."""
    return [_value(item) for item in items]


def _value(item: Any) -> Any:
    try:
        return _norm([item])[0]
    except (TypeError, ValueError):
        return repr(item)


# -- DistributedSamplerWrapper ---------------------------------------------------------------


def _hostile_inner(rng: random.Random, fam: Family) -> tuple[Any, Any]:
    """(inner sampler, a twin giving its first epoch, or None when the order is not reproducible)."""
    roll = rng.random()
    if roll < 0.72:
        recipe = torch_recipe(rng, fam, rng.choice(
            ["random", "subset", "weighted", "sequential", "list", "batch", "pk", "mper", "dws", "distributed"]
        ))  # fmt: skip
        return recipe.build(), (recipe.build() if recipe.seeded else None)
    if roll < 0.8:
        recipe = ms_recipe(rng, fam, rng.choice(["random", "sequential", "distributed", "weighted", "pk"]))
        return recipe.build(), recipe.build()
    if roll < 0.86:
        n = rng.randint(0, 20)
        return range(n), range(n)
    if roll < 0.9:
        return iter([1, 2, 3]), None  # no len()
    if roll < 0.95:
        return rng.choice([None, 5, 2.5, "abc", v.Dataset(-1), v.Dataset(2**63), v.Dataset(v.LenBoom("len"))]), None
    data = v.Dataset(rng.choice([2**31, 2**62, 2**63 - 1]))
    return fam.torch.SequentialSampler(data), None


def wrapper(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    ctx.names |= {"sampler", "num_replicas", "rank", "drop_last", "epoch", "data_source", "process group"}
    inner, twin = _hostile_inner(rng, fam)
    num_replicas = v.size(rng, 4, 0.3)
    rank = v.integer(rng, _ranks(num_replicas), 0.3)
    drop_last = v.boolean(rng)
    kwargs: dict[str, Any] = {"num_replicas": num_replicas, "rank": rank, "drop_last": drop_last}
    kwargs = {k: value for k, value in kwargs.items() if rng.random() < 0.97}
    ctx.compare = twin is not None
    sampler = fam.torch.DistributedSamplerWrapper(inner, **kwargs)
    epoch = None
    if rng.random() < 0.3:
        epoch = v.integer(rng, range(4), 0.3)
        sampler.set_epoch(epoch)
    length = len(sampler)
    if length >= v.LARGE:
        ctx.large = True
    got = _values(itertools.islice(iter(sampler), PREFIX))
    expect(len(got) == min(length, PREFIX), f"wrapper gave {len(got)} values, len() says {length}")
    if twin is None:
        return got
    if epoch is not None and hasattr(twin, "set_epoch"):
        twin.set_epoch(epoch)
    order = _values(twin)
    n, world = len(order), sampler.num_replicas
    expect(length == _share(n, world, sampler.drop_last), f"len {length} for {n} inner values on {world} ranks")
    want = [order[(sampler.rank + j * world) % n] for j in range(min(length, PREFIX))]
    expect(got == want, f"rank {sampler.rank} of {world} read {got[:6]}, the inner epoch gives {want[:6]}")
    return got


# -- DistributedWeightedSampler --------------------------------------------------------------


def distributed_weighted(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    ctx.names |= {"weights", "num_samples", "num_replicas", "rank", "replacement", "seed", "drop_last", "epoch"}
    ctx.names |= {"start", "count", "process group"}
    n = rng.choice([0, 1, 2, 3, 5, 9, 30])
    weights = v.weights(rng, n, fam.torchlib) if rng.random() < 0.5 else _good_weights(rng, max(n, 1))
    num_samples = None if rng.random() < 0.3 else v.size(rng, 40, 0.25)
    world = v.size(rng, 4, 0.15)
    kwargs = {
        "num_replicas": world, "rank": v.integer(rng, _ranks(world), 0.15), "replacement": rng.random() < 0.6,
        "seed": v.seed(rng), "drop_last": v.boolean(rng, 0.1),
    }  # fmt: skip
    if rng.random() < 0.1:
        kwargs["replacement"] = v.boolean(rng, 1.0)
    kwargs = {k: value for k, value in kwargs.items() if rng.random() < 0.97}
    sampler = fam.torch.DistributedWeightedSampler(weights, num_samples, **kwargs)
    snapshot = [float(w) for w in sampler.weights]
    g, world, rank = sampler.global_num_samples, sampler.num_replicas, sampler.rank
    if g >= v.LARGE:
        ctx.large = True
    epoch = 0
    if rng.random() < 0.3:
        epoch = v.integer(rng, range(4), 0.4)
        sampler.set_epoch(epoch)
        epoch = int(epoch)
    out: list[Any] = []
    method = rng.randrange(4)
    if method == 0:
        start, count = v.integer(rng, range(3), 0.3), v.integer(rng, range(4), 0.3) if rng.random() < 0.7 else None
        got = in_range(sampler.rank_indices(start, count), len(snapshot))
        expect(len(got) == (sampler.num_samples - int(start) if count is None else int(count)), "rank_indices length")
        out.append(got)
    elif method == 1:
        got = in_range(
            sampler.global_indices(v.integer(rng, range(3), 0.3) if rng.random() < 0.5 else None), len(snapshot)
        )
        expect(len(got) == g, "global_indices length")
        out.append(got)
    got = _prefix(sampler)
    length = len(sampler)
    expect(length == _share(g, world, sampler.drop_last), f"len {length} for {g} samples on {world} ranks")
    expect(len(got) == min(length, PREFIX), f"iteration gave {len(got)}, len() says {length}")
    in_range(got, len(snapshot))
    expect(all(snapshot[i] > 0 for i in got), "DistributedWeightedSampler drew a zero-weight index")
    if not sampler.replacement and world == 1 and g <= len(snapshot):
        expect(len(set(got)) == len(got), "without replacement, an index repeated within the draw")
    if g <= 400 and length <= PREFIX and world <= 64:  # the oracle pads with a list of up to world entries
        want = _literal.distributed_weighted_literal(
            snapshot, g, world, rank, sampler.replacement, sampler.seed, sampler.epoch, sampler.drop_last
        )
        expect(got == want, f"rank {rank} of {world} drew {got[:6]}, the spec gives {want[:6]}")
    out.append(got)
    return out


# -- labels, PKBatchSampler, MPerClassSampler -------------------------------------------------


def _plain(values: list[Any]) -> tuple[list[Any], list[int]]:
    """(classes ascending, class number of each row) computed here, independently of ferrosampler."""
    classes = sorted(set(values))
    index = {c: i for i, c in enumerate(classes)}
    return classes, [index[x] for x in values]


def pk_batches(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    ctx.names |= LABEL_NAMES | {"p", "k", "num_batches", "replacement_within_class", "drop_last", "seed"}
    ctx.names |= {"num_replicas", "rank", "b", "epoch", "process group"}
    labels, extra, plain = v.toolkit_labels(rng, fam.torchlib)
    count = len(set(plain)) if plain is not None else 3
    p, k = v.integer(rng, range(1, count + 1), 0.2), v.size(rng, 4, 0.2)
    kwargs: dict[str, Any] = {
        "num_batches": None if rng.random() < 0.5 else v.size(rng, 12, 0.2),
        "replacement_within_class": rng.choice([None, None, None, True, True, False, False, rng.choice([1, None])]),
        "drop_last": v.boolean(rng), "seed": v.seed(rng, 0.2) if rng.random() < 0.9 else None,
    }  # fmt: skip
    if rng.random() < 0.4:
        world = v.size(rng, 3, 0.2)
        kwargs |= {"num_replicas": world, "rank": v.integer(rng, _ranks(world), 0.2)}
    ctx.compare = kwargs["seed"] is not None
    ctx.large = any(_big(x) for x in (p, k, kwargs["num_batches"]))  # a batch of p*k rows is built at once
    sampler = fam.torch.PKBatchSampler(labels, p, k, **kwargs, **extra)
    expect(plain is not None, f"accepted hostile labels {labels!r:.80}")
    classes, codes = _plain(plain)
    p, k = sampler.p, sampler.k
    if len(sampler) >= v.LARGE:
        ctx.large = True
    batches = _prefix(sampler, 60)
    expect(len(batches) == min(len(sampler), 60), f"{len(batches)} batches, len() says {len(sampler)}")
    sizes = Counter(codes)
    for batch in batches:
        in_range(batch, len(plain))
        groups = [batch[i : i + k] for i in range(0, p * k, k)]
        expect(len(batch) == p * k, f"a batch of {len(batch)} rows, not p*k = {p * k}")
        group_classes = [{codes[row] for row in group} for group in groups]
        expect(all(len(c) == 1 for c in group_classes), f"a group of k rows mixes classes: {batch}")
        expect(len({next(iter(c)) for c in group_classes}) == p, f"a batch repeats a class: {batch}")
        for group, c in zip(groups, group_classes, strict=True):
            distinct = sampler.replacement_within_class is not True and sizes[next(iter(c))] >= k
            expect(not distinct or len(set(group)) == k, f"rows repeated inside a class of >= k rows: {group}")
    if ctx.compare and len(sampler) * sampler.num_replicas * p <= 600 and len(plain) <= 300:  # the oracle is slow
        want = _literal.pk_epoch_literal(
            plain, p, k, sampler.num_batches, sampler._seed, 0, always=sampler._always,
            num_replicas=sampler.num_replicas, rank=sampler.rank, drop_last=sampler.drop_last,
        )  # fmt: skip
        want = _norm(want)[: len(batches)]
        expect(batches == want, f"PK batches {batches[:2]} differ from the spec's {want[:2]}")
        if sampler.num_replicas == 1:
            expect(_norm([sampler.batch(0, 0)]) == batches[:1], "batch(0) differs from the first batch")
    if sampler.num_replicas == 1 and len(batches) == sampler.num_batches:  # the epoch's class balance (§19.1)
        slots = Counter(codes[batch[i]] for batch in batches for i in range(0, p * k, k))
        low, high = len(batches) * p // len(classes), -(-len(batches) * p // len(classes))
        expect(
            all(low <= slots[c] <= high for c in range(len(classes))),
            f"class slots {dict(slots)} not in [{low}, {high}]",
        )
    return batches


def m_per_class(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    ctx.names |= LABEL_NAMES | {"m", "batch_size", "length_before_new_iter", "seed", "num_replicas", "rank"}
    ctx.names |= {"epoch", "process group"}
    labels, extra, plain = v.toolkit_labels(rng, fam.torchlib)
    count = len(set(plain)) if plain is not None else 3
    m = v.size(rng, 3, 0.2)
    batch_size = None if rng.random() < 0.4 else v.integer(rng, range(1, 3 * count + 1), 0.2)
    length = v.integer(rng, range(1, 120), 0.2) if rng.random() < 0.9 else 100000
    kwargs: dict[str, Any] = {"seed": v.seed(rng, 0.2) if rng.random() < 0.9 else None}
    if rng.random() < 0.4:
        world = v.size(rng, 3, 0.2)
        kwargs |= {"num_replicas": world, "rank": v.integer(rng, _ranks(world), 0.2)}
    ctx.compare = kwargs["seed"] is not None
    ctx.large = any(_big(x) for x in (m, batch_size))  # a unit of m rows per class is built at once
    sampler = fam.torch.MPerClassSampler(labels, m, batch_size, length, **kwargs, **extra)
    expect(plain is not None, f"accepted hostile labels {labels!r:.80}")
    _, codes = _plain(plain)
    m, count = sampler.m_per_class, len(set(plain))
    unit = sampler.batch_size or m * count
    length = sampler.length_before_new_iter
    list_size = length - length % unit if (sampler.batch_size or unit < length) else length
    expect(len(sampler) == list_size, f"len {len(sampler)}, expected {list_size}")
    got = _prefix(sampler, 300)
    expect(len(got) == min(list_size, 300), f"iteration gave {len(got)}, len() says {len(sampler)}")
    in_range(got, len(plain))
    sizes = Counter(codes)
    for start in range(0, len(got) - unit + 1, unit):  # whole units only
        chunk = got[start : start + unit]
        runs = [chunk[i : i + m] for i in range(0, unit, m)]
        run_classes = [{codes[row] for row in run} for run in runs]
        expect(all(len(c) == 1 for c in run_classes), f"m rows of one class expected: {chunk}")
        expect(len({next(iter(c)) for c in run_classes}) == len(runs), f"a class repeated in a unit: {chunk}")
        for run, c in zip(runs, run_classes, strict=True):
            expect(sizes[next(iter(c))] < m or len(set(run)) == m, f"rows repeated in a class of >= m rows: {run}")
    if ctx.compare and list_size <= 300 and len(plain) <= 300:
        want = _literal.m_per_class_literal(
            plain, m, sampler.batch_size, length, sampler._seed, 0, num_replicas=sampler.num_replicas, rank=sampler.rank
        )
        expect(got == ints(want), f"m-per-class {got[:8]} differs from the spec's {want[:8]}")
    return got


# -- class_balanced_weights, class_counts, from_labels ------------------------------------------


def _expected_weights(plain: list[Any], power: float, beta: float | None, overrides: dict[Any, float]) -> list[float]:
    classes, codes = _plain(plain)
    sizes = Counter(codes)
    per_class = []
    for c, label in enumerate(classes):
        n = sizes[c]
        base = 1.0 / n if beta is None else (1.0 - beta) / (1.0 - beta**n)
        w = base**power
        per_class.append(float(overrides.get(label, w)))
    return [per_class[c] for c in codes]


def _close(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def _label_knobs(rng: random.Random, plain: list[Any] | None) -> dict[str, Any]:
    knobs: dict[str, Any] = {}
    if rng.random() < 0.5:
        knobs["power"] = rng.choice(
            [0, 0.5, 1, 2, 3, 1.5, 0.25, 64, 65, -1, math.nan, math.inf, "1", True, None, 1e308]
        )
    if rng.random() < 0.3:
        knobs["effective_beta"] = rng.choice([0.0, 0.5, 0.9, 0.999, 1.0, -0.1, math.nan, "0.5", True, None])
    if rng.random() < 0.3:
        label = rng.choice(plain) if plain else 0
        knobs["class_weights"] = rng.choice(
            [{label: rng.choice([0.0, 2.0, 1e-300, -1.0, math.nan, math.inf, "2", None])}, {"missing": 1.0},
             {(): 1.0}, [(label, 1.0)], {label: 0.0} if len(set(plain or [])) > 1 else {}]
        )  # fmt: skip
    return knobs


def balanced_weights(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    ctx.names |= LABEL_NAMES | {"class_weights", "every class weight"}
    labels, extra, plain = v.toolkit_labels(rng, fam.torchlib)
    knobs = _label_knobs(rng, plain)
    if rng.random() < 0.3:
        counts = fam.torch.class_counts(labels, **extra)
        expect(plain is not None, f"class_counts accepted hostile labels {labels!r:.80}")
        classes, codes = _plain(plain)
        expect(list(counts) == classes and list(counts.values()) == [codes.count(c) for c in range(len(classes))],
               f"class_counts {counts} wrong")  # fmt: skip
        return [repr(list(counts)), list(counts.values())]
    weights = fam.torch.class_balanced_weights(labels, **knobs, **extra)
    expect(plain is not None, f"class_balanced_weights accepted hostile labels {labels!r:.80}")
    expect(isinstance(weights, np.ndarray) and weights.dtype == np.float64 and weights.shape == (len(plain),), "shape")
    want = _expected_weights(
        plain, float(knobs.get("power", 1.0)), knobs.get("effective_beta"), dict(knobs.get("class_weights") or {})
    )
    got = weights.tolist()
    expect(all(_close(a, b) for a, b in zip(got, want, strict=True)), f"weights {got[:5]}, expected {want[:5]}")
    expect(all(math.isfinite(w) and w >= 0 for w in got) and any(got), "weights must be finite, >= 0, not all 0")
    return got


def from_labels(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    ctx.names |= LABEL_NAMES | {"num_samples", "replacement", "seed", "weights", "num_replicas", "rank"}
    ctx.names |= {"class_weights", "every class weight", "w", "process group"}
    labels, extra, plain = v.toolkit_labels(rng, fam.torchlib)
    knobs = _label_knobs(rng, plain)
    kind = rng.randrange(3)
    num_samples = None if rng.random() < 0.5 else v.size(rng, 40, 0.2)
    replacement = v.boolean(rng, 0.1)
    seed = v.seed(rng, 0.1)
    ctx.compare = seed is not None  # None: each engine draws its own seed
    if kind == 0:
        sampler = fam.torch.WeightedRandomSampler.from_labels(
            labels, num_samples, replacement=replacement, seed=seed, **knobs, **extra
        )
    elif kind == 1:
        sampler = fam.torch.DistributedWeightedSampler.from_labels(
            labels, num_samples, num_replicas=rng.choice([1, 2]), rank=0, replacement=replacement, seed=seed,
            **knobs, **extra,
        )  # fmt: skip
    else:
        ctx.mindspore = True
        sampler = fam.ms.WeightedRandomSampler.from_labels(
            labels, num_samples, replacement=replacement, seed=seed, **knobs, **extra
        )
        sampler.set_dataset_size(len(sampler._weight_values) if plain is None else len(plain))
    expect(plain is not None, f"from_labels accepted hostile labels {labels!r:.80}")
    want = _expected_weights(
        plain, float(knobs.get("power", 1.0)), knobs.get("effective_beta"), dict(knobs.get("class_weights") or {})
    )
    weights = [float(w) for w in (sampler._weight_values if kind == 2 else sampler.weights)]
    expect(all(_close(a, b) for a, b in zip(weights, want, strict=True)), "from_labels weights differ")
    got = _prefix(sampler)
    in_range(got, len(plain))
    if kind != 2 or replacement:
        expect(all(weights[i] > 0 for i in got), "from_labels sampler drew a zero-weight row")
    return got


# -- set_weights ------------------------------------------------------------------------------


def set_weights(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """set_weights at every step (before iterating, mid-epoch, twice, between epochs), with hostile weights:
    checked at once; effective from the next epoch; the epoch in progress keeps its weights; zero weights
    are never drawn."""
    ctx.names |= {"weights", "set_weights", "w", "weight size", "num_samples"}
    n = rng.choice([1, 2, 3, 5, 9, 20])
    old = v.weight_values(rng, n)
    if not any(old) or not all(math.isfinite(w) and w >= 0 for w in old):
        old = [1.0] * n
    kind = rng.randrange(3)
    replacement = rng.random() < 0.7
    num = rng.randint(1, 30) if replacement else rng.randint(1, sum(w > 0 for w in old))
    seed = rng.choice([0, 3, 2**64 - 1])
    ctx.mindspore = kind == 2

    def build(weights: Any) -> Any:
        if kind == 0:
            return fam.torch.WeightedRandomSampler(weights, num, replacement, seed=seed)
        if kind == 1:
            return fam.torch.DistributedWeightedSampler(weights, num, 1, 0, replacement, seed)
        return fam.ms.WeightedRandomSampler(list(weights), num, replacement, seed=seed, dataset_size=n)

    def epoch(weights: Any, number: int) -> list[Any]:
        sampler = build(weights)
        if kind == 1:
            sampler.set_epoch(number)
        else:
            for _ in range(number):
                _norm(sampler)
        return _norm(sampler)

    def hostile() -> Any:
        if rng.random() < 0.4:
            return _good_weights(rng, n)
        return v.weights(rng, rng.choice([n, n, n, n, n - 1, n + 1, 0]), fam.torchlib)

    mode = rng.choice(["before", "mid", "mid", "twice", "between"])
    sampler, first = build(old), epoch(old, 0)
    new = hostile()
    if mode == "before":
        sampler.set_weights(new)
        got = _norm(sampler)
        expect(got == epoch(_current(sampler), 0), "set_weights before the first epoch did not apply to it")
        return got
    if mode == "between":
        expect(_norm(sampler) == first, "first epoch")
        sampler.set_weights(new)
    else:
        iterator = iter(sampler)
        head = _take_n(iterator, rng.randint(1, len(first)))
        try:
            if mode == "twice":
                sampler.set_weights(hostile())
            sampler.set_weights(new)
        finally:  # refused or not, the epoch in progress is untouched
            rest = _norm(iterator)
            expect(head + rest == first, "set_weights changed the epoch in progress")
    if kind == 1:
        sampler.set_epoch(1)  # DistributedWeightedSampler: the epoch changes only here
    after = _norm(sampler)
    snapshot = _current(sampler)
    expect(after == epoch(snapshot, 1), "the epoch after set_weights differs from a sampler built with the new weights")
    if replacement:
        expect(all(snapshot[i] > 0 for i in after), "drew a zero-weight index after set_weights")
    return [first, after]


def _current(sampler: Any) -> list[float]:
    """The weights a sampler uses now (an iterator given to set_weights is consumed: read them back)."""
    values = sampler._weight_values if hasattr(sampler, "_weight_values") else sampler.weights
    return [float(w) for w in values]


def _take_n(iterator: Any, count: int) -> list[Any]:
    return _norm(itertools.islice(iterator, count))


CASES = [
    wrapper, wrapper, distributed_weighted, distributed_weighted, pk_batches, pk_batches, m_per_class, m_per_class,
    balanced_weights, from_labels, set_weights, set_weights,
]  # fmt: skip
