"""Hostile ``state_dict`` / ``load_state_dict`` cases for every sampler of both modules, and ``combine_states``.

A recipe builds one sampler (fresh objects with equal parameters at every call). A case saves a state
mid-epoch, then loads it into a fresh sampler as it is (JSON round trip, other Mapping types, the other
engine's state: it must resume exactly the rest of the epoch, which must also be the rest of an
uninterrupted run) or corrupted: truncated, foreign (another kind, other parameters, another spec_version),
every field set to junk (wrong types, bools for ints, negative and huge numbers, NaN, nested junk) or the
whole state not a Mapping. A corruption the spec refuses must be refused (ValueError/TypeError naming the
state); junk in a field that does not decide the order may be ignored, and then the result is exactly the
uncorrupted one; a valid other position resumes there.
"""

from __future__ import annotations

import collections
import collections.abc
import copy
import itertools
import json
import math
import random
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import ferrosampler

from . import values as v
from .judge import Ctx, Family, Wrong, expect, ints

JUNK = (
    None, True, False, 0, -1, 2**63, 2**64, 2**100, 1.5, -0.0, math.nan, math.inf, "x", "", "0", b"1", [], [1, [2]],
    {}, {"a": {"b": [None, math.nan]}}, (), np.int64(1), np.float64(2.0),
)  # fmt: skip
COMMON = ("format", "kind", "spec_version", "fingerprint", "epoch", "position")
SHARDED_INNER = ("random", "subset", "weighted", "sequential", "list", "batch", "pk", "mper", "dws")


@dataclass
class Recipe:
    """One sampler kind with fixed parameters: ``build()`` gives a fresh one each call."""

    name: str
    build: Callable[[], Any]
    seeded: bool = True  # every build draws the same epochs (else only the epoch in progress is comparable)
    flat: bool = True  # state["position"] counts this sampler's own outputs of the epoch
    mindspore: bool = False
    loose: set[str] = field(default_factory=set)  # fields whose other values legitimately change the result
    world: tuple[int, int, bool] | None = None  # (num_replicas, rank, drop_last) of a sharded sampler


def _norm(values: Any) -> list[Any]:
    return [tuple(ints(b)) if isinstance(b, (list, tuple, np.ndarray)) else int(b) for b in values]


def _seed_kwargs(rng: random.Random, fam: Family) -> tuple[Callable[[], dict], bool, set[str]]:
    """(constructor kwargs, equal builds draw equal epochs, state fields whose other values change the result)."""
    roll = rng.random()
    if roll < 0.72:
        seed = rng.choice([0, 1, 7, 2**64 - 1, -5, rng.getrandbits(64)])
        return (lambda: {"seed": seed}), True, set()
    drawn = {"epoch_seed", "generator_state"}  # the epoch's seed is drawn: the state's epoch_seed decides
    if roll < 0.86 and fam.torchlib is not None:
        g = rng.getrandbits(62)
        return (lambda: {"generator": fam.torchlib.Generator().manual_seed(g)}), True, drawn
    return dict, False, drawn


def _weights(rng: random.Random, n: int) -> list[float]:
    values = [rng.choice([0.0, 1.0, 2.0, 0.5, 3.0, 1e-300]) for _ in range(n)]
    values[rng.randrange(n)] = 1.0
    return values


def _labels(rng: random.Random, n: int) -> list[int]:
    return v.class_values(rng, n, rng.randint(1, min(n, 6)))


def torch_recipe(rng: random.Random, fam: Family, kind: str | None = None, depth: int = 0) -> Recipe:
    kind = kind or rng.choice(
        ["random", "random", "subset", "weighted", "weighted", "sequential", "distributed", "distributed",
         "batch", "wrapper", "wrapper", "dws", "dws", "pk", "pk", "mper", "mper"]
    )  # fmt: skip
    t = fam.torch
    n = rng.randint(1, 30)
    if kind == "random":
        replacement = rng.random() < 0.3
        num = None if rng.random() < 0.5 else rng.randint(1, 40 if replacement else n)
        kw, seeded, drawn = _seed_kwargs(rng, fam)
        return Recipe(kind, lambda: t.RandomSampler(range(n), replacement, num, **kw()), seeded,
                      loose=drawn)  # fmt: skip
    if kind == "subset":
        indices = rng.sample(range(-5, 200), n)
        kw, seeded, drawn = _seed_kwargs(rng, fam)
        return Recipe(kind, lambda: t.SubsetRandomSampler(list(indices), **kw()), seeded,
                      loose=drawn)  # fmt: skip
    if kind == "weighted":
        weights, replacement = _weights(rng, n), rng.random() < 0.6
        nonzero = sum(w > 0 for w in weights)
        num = rng.randint(1, 40 if replacement else nonzero)
        kw, seeded, drawn = _seed_kwargs(rng, fam)
        return Recipe(kind, lambda: t.WeightedRandomSampler(list(weights), num, replacement, **kw()), seeded,
                      loose=drawn)  # fmt: skip
    if kind == "sequential":
        return Recipe(kind, lambda: t.SequentialSampler(range(n)))
    if kind == "distributed":
        r_count = rng.randint(1, 4)
        world = (r_count, rng.randrange(r_count), rng.random() < 0.3)
        shuffle, seed = rng.random() < 0.8, rng.choice([0, 3, 2**64 - 1])
        build = lambda: t.DistributedSampler(range(n), world[0], world[1], shuffle, seed, world[2])  # noqa: E731
        return Recipe(kind, build, flat=False, world=world)
    if kind == "batch":
        inner = torch_recipe(rng, fam, rng.choice(["random", "subset", "weighted", "sequential", "list"]), depth + 1)
        size, drop = rng.randint(1, 6), rng.random() < 0.4
        return Recipe(kind, lambda: t.BatchSampler(inner.build(), size, drop), inner.seeded, flat=False,
                      loose=set(inner.loose))  # fmt: skip
    if kind == "list":
        values = [rng.randrange(100) for _ in range(n)]
        return Recipe(kind, lambda: list(values))
    if kind == "wrapper":
        inner_kind = rng.choice(["random", "subset", "weighted", "sequential", "list", "batch", "pk", "mper", "dws"])
        inner = torch_recipe(rng, fam, inner_kind, depth + 1)
        r_count = rng.randint(1, 4)
        world = (r_count, rng.randrange(r_count), rng.random() < 0.3)
        build = lambda: t.DistributedSamplerWrapper(inner.build(), world[0], world[1], world[2])  # noqa: E731
        loose = {"epoch_seed"} if inner.loose else set()
        return Recipe(kind, build, inner.seeded, flat=False, world=world, loose=loose)
    if kind == "dws":
        weights, replacement = _weights(rng, n), rng.random() < 0.6
        nonzero = sum(w > 0 for w in weights)
        num = (
            None
            if rng.random() < 0.3 and (replacement or n <= nonzero)
            else rng.randint(1, 40 if replacement else nonzero)
        )
        r_count = rng.randint(1, 3)
        rank, seed, drop = rng.randrange(r_count), rng.choice([0, 5, 2**63]), rng.random() < 0.3
        if drop and (num or n) < r_count:
            drop = False
        build = lambda: t.DistributedWeightedSampler(list(weights), num, r_count, rank, replacement, seed, drop)  # noqa: E731
        return Recipe(kind, build, flat=r_count == 1)  # spec §21: the position is the global draw position
    labels = _labels(rng, max(n, 2))
    classes = len(set(labels))
    r_count = 1 if rng.random() < 0.6 else rng.randint(2, 3)
    rank, seed = rng.randrange(r_count), rng.choice([0, 11, 2**64 - 1])
    if kind == "pk":
        p, k = rng.randint(1, classes), rng.randint(1, 4)
        num_batches = None if rng.random() < 0.5 else rng.randint(r_count, 12)
        smallest = min(labels.count(c) for c in set(labels))
        within = rng.choice([None, None, True, False] if k <= smallest else [None, True])
        build = lambda: t.PKBatchSampler(  # noqa: E731
            list(labels), p, k, num_batches=num_batches, replacement_within_class=within, seed=seed,
            num_replicas=r_count, rank=rank,
        )  # fmt: skip
        return Recipe(kind, build, flat=r_count == 1)  # spec §21: the position counts global batches
    m = rng.randint(1, 3)
    batch_size = None if rng.random() < 0.5 else m * rng.randint(1, classes)
    length = rng.randint(batch_size or 1, 50)
    build = lambda: t.MPerClassSampler(list(labels), m, batch_size, length, seed=seed, num_replicas=r_count, rank=rank)  # noqa: E731
    return Recipe("mper", build, flat=False)  # spec §21: the position counts units (plus an offset)


def ms_recipe(rng: random.Random, fam: Family, kind: str | None = None, top: bool = False) -> Recipe:
    kind = kind or rng.choice(
        ["sequential", "random", "random", "distributed", "distributed", "pk", "subset", "subset_random",
         "weighted", "weighted", "chain", "chain"]
    )  # fmt: skip
    ms = fam.ms
    n: int | None = rng.randint(1, 30)
    size = None if top else n  # a chain's top reads its child's output
    seed = rng.choice([0, 1, 9, 2**64 - 1, rng.getrandbits(64)])
    num = None if rng.random() < 0.5 else rng.randint(0, 40)
    if kind == "sequential":
        start = rng.randrange(n)
        build = lambda: ms.SequentialSampler(start, num, seed=seed, dataset_size=size)  # noqa: E731
    elif kind == "random":
        replacement = rng.random() < 0.4
        build = lambda: ms.RandomSampler(replacement, num, seed=seed, dataset_size=size)  # noqa: E731
    elif kind == "distributed":
        shards = rng.randint(1, 4)
        shard, shuffle, offset = rng.randrange(shards), rng.random() < 0.7, rng.choice([-1, -1, 0, 1])
        build = lambda: ms.DistributedSampler(shards, shard, shuffle, num, offset, seed=seed, dataset_size=size)  # noqa: E731
    elif kind == "pk":
        labels, num_val, shuffle = _labels(rng, n), rng.randint(1, 3), rng.random() < 0.5
        build = lambda: ms.PKSampler(num_val, None, shuffle, num_samples=num, labels=list(labels), seed=seed)  # noqa: E731
    elif kind in ("subset", "subset_random"):
        indices = [rng.randrange(n) for _ in range(rng.randint(1, 20))]
        cls = ms.SubsetSampler if kind == "subset" else ms.SubsetRandomSampler
        build = lambda: cls(list(indices), num, seed=seed, dataset_size=n)  # noqa: E731
    elif kind == "weighted":
        weights, replacement = _weights(rng, n), rng.random() < 0.6
        nonzero = sum(w > 0 for w in weights)
        count = num if replacement or num is None else min(num, nonzero)
        build = lambda: ms.WeightedRandomSampler(list(weights), count, replacement, seed=seed, dataset_size=n)  # noqa: E731
    else:
        parent_recipe = ms_recipe(rng, fam, rng.choice(["random", "distributed"]), top=True)
        child = ms_recipe(rng, fam, rng.choice(["sequential", "random", "distributed", "weighted", "pk"]))

        def build() -> Any:
            parent = parent_recipe.build()
            parent.add_child(child.build())
            return parent

        return Recipe("chain", build, mindspore=True)
    return Recipe(kind, build, mindspore=True)


def _recipe(rng: random.Random, fam: Family) -> Recipe:
    return ms_recipe(rng, fam) if rng.random() < 0.35 else torch_recipe(rng, fam)


def _take(iterator: Any, count: int) -> list[Any]:
    return _norm(itertools.islice(iterator, count))


class _Subclass(dict):  # type: ignore[type-arg]
    pass


def _mutate(
    rng: random.Random, fam: Family, state: dict[str, Any], recipe: Recipe, other: Any, variant: Any, length: int
) -> tuple[str, Any, str]:
    """(category, state to load, what changed). Categories: same (must resume exactly), refuse (must be
    refused), junk (refused, or ignored: the same result), loose (any right result), position (resumes there)."""
    s = copy.deepcopy(state)
    roll = rng.random()
    if roll < 0.22:
        how = rng.randrange(6)
        if how == 1:
            return "same", types.MappingProxyType(s), "MappingProxyType"
        if how == 2:
            return "same", collections.OrderedDict(reversed(list(s.items()))), "OrderedDict, keys reversed"
        if how == 3:
            s["unknown_field"] = rng.choice(JUNK)
            return "same", s, "an unknown field"
        if how == 4:
            return "same", _Subclass(s), "a dict subclass"
        if how == 5 and other is not None:
            return "same", other, "the other engine's state"
        return "same", s, "JSON round trip"
    if roll < 0.3:
        junk = rng.choice([None, list(s.items()), json.dumps(s), 5, [s], tuple(s), b"{}", "state", s.keys(), 1.5])
        return "refuse", junk, f"not a Mapping: {type(junk).__name__}"
    if roll < 0.4:
        name = rng.choice(sorted(s))
        del s[name]
        return ("refuse" if name in COMMON else "junk"), s, f"missing {name!r}"
    if roll < 0.62:
        name = rng.choice(COMMON)
        original = s[name]
        if name in ("epoch", "position"):
            limit = 2**56 if name == "epoch" else length
            pick = rng.random()
            if pick < 0.35:
                value = rng.randint(0, limit if name == "position" else 3)
                s[name] = value
                if name == "position" and value and s.get("epoch_seed", 0) is None and s.get("seed", 0) is None:
                    return "refuse", s, f"position={value} of an unseeded sampler's state without epoch_seed"
                if name == "position" and recipe.flat:
                    return "position", s, f"position={value}"
                return ("same" if value == original else "loose"), s, f"{name}={value}"
            beyond = limit + 1 if name == "position" else 2**56
            value = rng.choice([-1, -(2**63), beyond, 2**64, 2**100, True, False, 1.0 * original, str(original),
                                None, math.nan, [original], np.int64(original)])  # fmt: skip
            s[name] = value
            if isinstance(value, np.integer):
                return "junk", s, f"{name}={value!r}"
            if recipe.name == "batch" and name == "position" and isinstance(value, int) and value > length:
                return "junk", s, f"{name}={value!r} (BatchSampler: the inner state decides)"
            if recipe.name in ("dws", "pk", "mper") and not recipe.flat and name == "position" and value == beyond:
                # A global position (spec §21) may pass this rank's length: within the global epoch it is valid.
                return "loose", s, f"{name}={value!r} (global position)"
            return "refuse", s, f"{name}={value!r}"
        value = rng.choice([*JUNK, original + 1 if isinstance(original, int) else original + "0"])
        if name == "spec_version":
            value = rng.choice([value, original - 1, original + 1, str(original)])
            if value == 2 and original == 3:  # spec 2's states are read by spec 3 (docs/spec.md §13): the same state
                s[name] = value
                if recipe.name == "wrapper":
                    # The wrapper records only the inner fingerprint: over an inner sampler whose algorithm spec 2
                    # fixes (weighted without replacement: sequential) the relabelled state is refused where the
                    # fingerprint tells the algorithms apart, else read as the spec-2 state it claims to be.
                    return "loose", s, f"{name}={value!r} (a spec-3 wrapper state relabelled 2)"
                return "same", s, f"{name}={value!r} (a spec-2 state)"
        if name == "kind":
            value = rng.choice([value, "torch.RandomSampler", "mindspore.RandomSampler", "PKBatchSampler",
                                "DistributedSamplerWrapper", original.upper()])  # fmt: skip
        s[name] = value
        return ("junk" if value == original else "refuse"), s, f"{name}={value!r}"
    if roll < 0.85:
        names = [name for name in s if name not in COMMON]
        if not names:
            return "same", s, "JSON round trip"
        name = rng.choice(names)
        if isinstance(s[name], dict) and rng.random() < 0.6:  # BatchSampler's inner state: corrupt one of its fields
            inner_name = rng.choice(sorted(s[name]))
            original, value = s[name][inner_name], rng.choice(JUNK)
            s[name][inner_name] = value
            refuse = inner_name in COMMON and value != original
            return ("refuse" if refuse else "junk"), s, f"{name}[{inner_name!r}]={value!r}"
        if isinstance(s[name], list) and s[name] and rng.random() < 0.6:  # MindSpore's seeds
            i = rng.randrange(len(s[name]))
            s[name][i] = rng.choice([*JUNK, [1], [1, 2], [True, True], [2**64, True], [-1, False]])
            return "junk", s, f"{name}[{i}] = {s[name][i]!r}"
        s[name] = rng.choice(JUNK)
        return ("loose" if name in recipe.loose else "junk"), s, f"{name}={s[name]!r}"
    # foreign: another sampler's state
    if variant is not None and rng.random() < 0.5:
        same_order = variant.get("kind") == s["kind"] and variant.get("fingerprint") == s["fingerprint"]
        return ("loose" if same_order else "refuse"), variant, "a foreign state (same kind, other parameters)"
    foreign_rng = random.Random(rng.getrandbits(64))
    foreign = _recipe(foreign_rng, fam).build()
    if not hasattr(foreign, "state_dict"):
        return "same", s, "JSON round trip"
    next(iter(foreign), None)
    state2 = json.loads(json.dumps(foreign.state_dict()))
    same_order = state2.get("kind") == s["kind"] and state2.get("fingerprint") == s["fingerprint"]
    return ("loose" if same_order else "refuse"), state2, f"a foreign state ({state2.get('kind')})"


def _other(fam: Family) -> Family:
    from .judge import REFERENCE, RUST

    return REFERENCE if fam is RUST else RUST


def state_roundtrip(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """Save mid-epoch, corrupt (or not), load into a fresh sampler, read on; judged by category."""
    recipe_rng = rng.getstate()
    recipe = _recipe(rng, fam)
    ctx.mindspore = recipe.mindspore
    ctx.compare = recipe.seeded
    ctx.names |= {"state", "states", *COMMON}
    if not hasattr(recipe.build(), "state_dict"):
        return None
    twin, saver = recipe.build(), recipe.build()
    warm = rng.random() < 0.25  # save in the second epoch
    if warm:
        first_twin, first_saver = _norm(twin), _norm(saver)
        if recipe.seeded:
            expect(first_twin == first_saver, f"{recipe.name}: two equal builds gave different epochs")
    full = _norm(twin)
    iterator = iter(saver)
    position = rng.randint(0, len(full))
    head = _take(iterator, position)
    state = saver.state_dict()
    try:
        text = json.dumps(state)
    except (TypeError, ValueError) as error:
        raise Wrong(f"{recipe.name}.state_dict() is not JSON-serialisable: {error}") from None
    rest = _norm(iterator)
    if recipe.seeded:
        expect(head + rest == full, f"{recipe.name}: a state_dict() call changed the epoch")
    expect(len(head + rest) == len(full), f"{recipe.name}: epoch length changed")
    other = None
    if recipe.seeded and rng.random() < 0.3:  # the other engine's state, saved at the same place
        replay = random.Random()
        replay.setstate(recipe_rng)
        other_saver = _recipe(replay, _other(fam)).build()
        if warm:
            _norm(other_saver)
        other_iterator = iter(other_saver)
        _take(other_iterator, position)
        other = json.loads(json.dumps(other_saver.state_dict()))
    variant = None
    if rng.random() < 0.3:
        alt_rng = random.Random(rng.getrandbits(64))
        alt = (ms_recipe if recipe.mindspore else torch_recipe)(alt_rng, fam, None)
        alt_sampler = alt.build()
        if hasattr(alt_sampler, "state_dict"):
            next(iter(alt_sampler), None)
            variant = json.loads(json.dumps(alt_sampler.state_dict()))
    limit = state["n"] if recipe.world else len(full)  # a sharded state's position is global
    category, loaded, what = _mutate(rng, fam, json.loads(text), recipe, other, variant, limit)
    fresh = recipe.build()
    try:
        fresh.load_state_dict(loaded)
    except (ValueError, TypeError, RuntimeError) as error:
        if category in ("same", "position"):
            raise Wrong(f"{recipe.name}: refused a good state ({what}): {type(error).__name__}: {error}") from None
        raise
    if category == "refuse":
        raise Wrong(f"{recipe.name}: accepted a corrupted state ({what})")
    got = _norm(fresh)
    if not recipe.seeded and isinstance(loaded, collections.abc.Mapping) and loaded.get("position") == 0:
        # an unseeded sampler saved before its epoch drew a seed: the resumed epoch draws a fresh one
        expect(len(got) == len(full), f"{recipe.name}: resumed epoch has {len(got)} outputs, not {len(full)}")
        return [full, got]
    between = (
        position == 0
        and isinstance(loaded, collections.abc.Mapping)
        and loaded.get("position") != 0
        and not got
        and rest
    )
    if category in ("same", "junk") and between:
        # Saved between epochs (the iterator not started yet): the state is the finished epoch, whose rest
        # is empty; the epoch after it is the one the iterator would have read.
        got = _norm(fresh)
        if not recipe.seeded:
            return [full, got]
        expect(
            got == rest,
            f"{recipe.name}: the epoch after a resume differs from an uninterrupted run's (saved between epochs)",
        )
    if category in ("same", "junk"):
        expect(got == rest, f"{recipe.name}: resumed {got[:8]}… after {what}, the rest was {rest[:8]}…")
    elif category == "position":
        expect(got == (head + rest)[loaded["position"] :], f"{recipe.name}: {what} resumed elsewhere: {got[:8]}")
    else:
        expect(len(got) <= len(full) + len(full), f"{recipe.name}: resumed epoch too long")
    if category == "same" and recipe.seeded:
        expect(
            _norm(fresh) == _norm(saver), f"{recipe.name}: the epoch after a resume differs from an uninterrupted run's"
        )
    return [full, got]


def _share(remaining: int, replicas: int, drop_last: bool) -> int:
    return remaining // replicas if drop_last else -(-remaining // replicas)


def _hostile_states(rng: random.Random, states: list[dict[str, Any]]) -> tuple[Any, bool]:
    """(what combine_states gets, whether it must refuse)."""
    roll = rng.random()
    if roll < 0.7:
        return (states if rng.random() < 0.7 else tuple(states)), False
    s = copy.deepcopy(states)
    pick = rng.randrange(9)
    if pick == 0:
        return [], True
    if pick == 1:
        return rng.choice([None, 5, "states", s[0], iter(s)]), True
    if pick == 2 and len(s) > 1:
        s[-1]["epoch"] += 1
        return s, True
    if pick == 3 and len(s) > 1:
        s[-1]["kind"] = "torch.DistributedSampler" if s[0]["kind"] != "torch.DistributedSampler" else "x"
        return s, True
    if pick == 4:
        del s[rng.randrange(len(s))]["position"]
        return s, True
    if pick == 5:
        s[rng.randrange(len(s))]["position"] = rng.choice(["3", None, math.nan, [1], -1, True])
        return s, True
    if pick == 6:
        s[rng.randrange(len(s))] = rng.choice([None, 3, "state", [1, 2]])
        return s, True
    if pick == 7 and len(s) > 1:
        s[-1]["num_replicas"] += 1
        return s, True
    return s, False


def sharded_resume(rng: random.Random, fam: Family, ctx: Ctx) -> Any:
    """Elastic resume (spec §14): R ranks stop at different places; combine_states; a world of R' ranks
    serves the rest; each rank's outputs are exactly positions s + r + j·R' (mod n) of the global order."""
    ctx.names |= {"state", "states", "combine_states", *COMMON}
    t = fam.torch
    replicas, drop = rng.randint(1, 4), rng.random() < 0.3
    if rng.random() < 0.5:
        n, shuffle, seed, epoch = (
            rng.randint(1, 30),
            rng.random() < 0.8,
            rng.choice([0, 5, 2**64 - 1]),
            rng.randrange(4),
        )

        def build(world: int, rank: int, drop_last: bool) -> Any:
            sampler = t.DistributedSampler(range(n), world, rank, shuffle, seed, drop_last)
            sampler.set_epoch(epoch)
            return sampler

        order = _norm(build(1, 0, False))
        name = "distributed"
    else:
        inner = torch_recipe(
            rng, fam, rng.choice(["random", "subset", "weighted", "sequential", "list", "pk", "mper", "dws", "batch"])
        )
        if not inner.seeded:
            inner = torch_recipe(rng, fam, "sequential")
        order = _norm(inner.build())
        n = len(order)

        def build(world: int, rank: int, drop_last: bool) -> Any:
            return t.DistributedSamplerWrapper(inner.build(), world, rank, drop_last)

        name = f"wrapper({inner.name})"
    ranks = [build(replicas, r, drop) for r in range(replicas)]
    iterators = [iter(rank) for rank in ranks]
    count = len(ranks[0])
    consumed = [rng.randint(0, count) for _ in ranks]
    served = [_take(iterator, k) for iterator, k in zip(iterators, consumed, strict=True)]
    for r, part in enumerate(served):
        expect(part == [order[(r + j * replicas) % n] for j in range(len(part))], f"{name}: rank {r} read {part[:6]}")
    states = [json.loads(json.dumps(rank.state_dict())) for rank in ranks]
    # An iterator that never handed anything out leaves its rank idle: position 0, even for an empty share.
    positions = [0 if k == 0 else n if k >= count else min(k * replicas, n) for k in consumed]
    got_positions = [state["position"] for state in states]
    expect(got_positions == positions, f"{name}: saved global positions {got_positions}, expected {positions}")
    given, refuse = _hostile_states(rng, states)
    combined = ferrosampler.combine_states(given)  # one function for both engines
    if refuse:  # then loading what it combined must refuse
        build(replicas, 0, drop).load_state_dict(combined)
        raise Wrong(f"{name}: combine_states and load_state_dict accepted hostile states")
    start = min(positions)
    expect(combined["position"] == start, f"{name}: combined position {combined['position']}, expected {start}")
    world, drop2 = rng.randint(1, 5), rng.random() < 0.3
    out = [got_positions]
    for r in range(world):
        fresh = build(world, r, drop2)
        fresh.load_state_dict(combined)
        got = _norm(fresh)
        want = [order[(start + r + j * world) % n] for j in range(_share(n - start, world, drop2))]
        expect(got == want, f"{name}: rank {r} of {world} resumed {got[:6]}, expected {want[:6]} (from {start})")
        out.append(got)
    return out


CASES = [state_roundtrip, state_roundtrip, state_roundtrip, sharded_resume]
