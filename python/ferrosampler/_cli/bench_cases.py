"""The `bench` cases and their targets, each as setup functions returning what gets timed.

A setup takes N and returns a zero-argument callable (the timed work) or a string saying
why the cell cannot run ("not installed"); building inputs happens in the setup, untimed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import ferrosampler as fs

from . import bench_access, bench_lengths, bench_mixture

Work = Callable[[], Any]
Setup = Callable[[int], "Work | str"]
NUM_CLASSES = 100
REPLICAS, RANK = 8, 3
BATCH_SIZE = 32  # the batch-list case
ISLICE_BIG_N = 1 << 40
ISLICE_COUNT = 10**6
NO_REPLACEMENT_N = 10**6
NO_REPLACEMENT_K = 10**3  # weighted-topk's k: a partial selection of TOPK_POPULATION weights
TOPK_POPULATION = 10**7
TARGET_N = 10**7
THREADED_EPOCHS = 2  # the gil-threads case: epochs computed, by two threads or by one


def torch_or_reason() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def numpy_rng() -> np.random.Generator:
    return np.random.default_rng(0)


def balanced_weights(n: int) -> np.ndarray:
    """Inverse class frequency over 100 heavily imbalanced classes: the weights users pass."""
    rng = np.random.default_rng(12345)
    class_p = rng.random(NUM_CLASSES) ** 3 + 1e-3  # the rarest class ~1000x rarer than the commonest
    labels = rng.choice(NUM_CLASSES, size=n, p=class_p / class_p.sum())
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    return 1.0 / counts[labels].astype(np.float64)


def islice_count(sizes: list[int]) -> int:
    """10^6 indices, as the islice-2^40 target is stated; fewer when only small sizes were asked for (tests)."""
    return min(ISLICE_COUNT, max(sizes))


def first_of_rank(n: int, count: int) -> Work:
    def work() -> list[int]:
        sampler = fs.DistributedSampler(range(n), num_replicas=REPLICAS, rank=RANK)
        return list(itertools.islice(iter(sampler), count))

    return work


@dataclass(frozen=True)
class Case:
    """One row group of the table; `kind` says how its ratio is read against the target."""

    title: str
    baseline: str
    numpy_label: str | None
    target: str
    kind: str  # "speedup" (baseline/ours >= t), "slowdown" (ours/baseline <= t), "seconds" (ours <= t)
    threshold: float
    ours: Setup
    base: Setup | None
    numpy: Setup | None = None
    target_n: int = TARGET_N
    in_child: bool = False  # timed and memory-measured in a fresh subprocess per cell
    memory_ratio: float | None = None  # peak growth ours / baseline must be at most this
    list_bytes_per_index: int = 0  # for skipping a cell that would not fit in memory
    pick_sizes: Callable[[list[int]], list[int]] = field(default=lambda sizes: sizes)
    returns_indices: bool = True  # the timed work returns N indices (checked outside the timing)


def weighted_sampler(n: int, replacement: bool = True) -> Any:
    return fs.WeightedRandomSampler(balanced_weights(n), n, replacement=replacement)


def torch_multinomial(replacement: bool) -> Setup:
    def setup(n: int) -> Work | str:
        torch = torch_or_reason()
        if torch is None:
            return "torch not installed"
        weights = torch.as_tensor(balanced_weights(n))
        return lambda: torch.multinomial(weights, n, replacement)

    return setup


# weighted-topk's size is k (what a result holds); the population is TOPK_POPULATION.


def ours_topk(k: int) -> Work:
    sampler = fs.WeightedRandomSampler(balanced_weights(TOPK_POPULATION), k, replacement=False)
    work: Work = sampler.epoch_indices
    return work


def torch_multinomial_topk(k: int) -> Work | str:
    torch = torch_or_reason()
    if torch is None:
        return "torch not installed"
    weights = torch.as_tensor(balanced_weights(TOPK_POPULATION))
    return lambda: torch.multinomial(weights, k, False)


def numpy_weighted_topk(k: int) -> Work:
    weights = balanced_weights(TOPK_POPULATION)
    rng = numpy_rng()

    def work() -> Any:
        # Efraimidis–Spirakis's k smallest keys, in key order: numpy's partial selection, then a sort of k.
        keys = rng.exponential(size=TOPK_POPULATION) / weights
        smallest = np.argpartition(keys, k - 1)[:k]
        return smallest[np.argsort(keys[smallest])]

    return work


def torch_sampler_list(make: Callable[[Any, int], Any]) -> Setup:
    def setup(n: int) -> Work | str:
        torch = torch_or_reason()
        if torch is None:
            return "torch not installed"
        sampler = make(torch.utils.data, n)
        return lambda: list(sampler)

    return setup


def numpy_weighted_choice(n: int) -> Work:
    weights = balanced_weights(n)
    p = weights / weights.sum()
    rng = numpy_rng()
    return lambda: rng.choice(n, size=n, p=p)


def numpy_weighted_without(n: int) -> Work:
    weights = balanced_weights(n)
    rng = numpy_rng()
    # Efraimidis–Spirakis: sorting E_i / w_i gives an exact weighted order without replacement.
    return lambda: np.argsort(rng.exponential(size=n) / weights)


def torch_randperm(n: int) -> Work | str:
    torch = torch_or_reason()
    if torch is None:
        return "torch not installed"
    return lambda: torch.randperm(n)


def numpy_permutation(as_list: bool) -> Setup:
    def setup(n: int) -> Work:
        rng = numpy_rng()
        return (lambda: rng.permutation(n).tolist()) if as_list else (lambda: rng.permutation(n))

    return setup


def build_weighted(n: int) -> Work:
    weights = balanced_weights(n)

    def build() -> Any:
        sampler = fs.WeightedRandomSampler(weights, n, seed=0)
        sampler._table.alias_draws(0, 0, 0, 1)  # the alias table is built at the first draw: count it too
        return sampler

    return build


def ours_bulk(make: Callable[[int], Any]) -> Setup:
    def setup(n: int) -> Work:
        work: Work = make(n).epoch_indices
        return work

    return setup


def ours_list(make: Callable[[int], Any]) -> Setup:
    def setup(n: int) -> Work:
        sampler = make(n)
        return lambda: list(sampler)

    return setup


def iterate(make: Callable[[int], Any]) -> Setup:
    def setup(n: int) -> Work:
        source = make(n)

        def work() -> None:
            for _ in source:
                pass

        return work

    return setup


def distributed_list(module: str) -> Setup:
    def setup(n: int) -> Work | str:
        if module == "ferrosampler":
            return lambda: list(fs.DistributedSampler(range(n), num_replicas=REPLICAS, rank=RANK))
        torch = torch_or_reason()
        if torch is None:
            return "torch not installed"
        data = torch.utils.data
        return lambda: list(data.DistributedSampler(range(n), num_replicas=REPLICAS, rank=RANK))

    return setup


def engine_threads(count: int) -> Setup:
    """``count`` Python threads, each computing one epoch of its own sampler (``epoch_indices``) with the engine
    on one thread (``set_num_threads(1)``, restored after): the epochs run in parallel only if every bulk call
    releases the GIL. ``count`` = 1 computes the same epochs one after another on one thread."""

    def setup(n: int) -> Work:
        samplers = [fs.RandomSampler(range(n), seed=seed) for seed in range(THREADED_EPOCHS)]

        def one_thread(share: list[Any]) -> list[Any]:
            return [len(sampler.epoch_indices(0)) for sampler in share]

        def work() -> list[Any]:
            previous = fs._core.get_num_threads()
            fs._core.set_num_threads(1)
            try:
                if count == 1:
                    return one_thread(samplers)
                with ThreadPoolExecutor(count) as pool:
                    shares = pool.map(one_thread, [samplers[k::count] for k in range(count)])
                    return [length for share in shares for length in share]
            finally:
                fs._core.set_num_threads(previous)

        return work

    return setup


CASES: dict[str, Case] = {
    "weighted-bulk": Case(
        "WeightedRandomSampler(w, N), replacement: epoch_indices()",
        "torch.multinomial(w, N, True)",
        "rng.choice(N, N, p=w/w.sum())",
        ">= 50x",
        "speedup",
        50,
        ours_bulk(weighted_sampler),
        torch_multinomial(True),
        numpy_weighted_choice,
    ),
    "weighted-list": Case(
        "WeightedRandomSampler(w, N), replacement: list(sampler)",
        "list(torch WeightedRandomSampler(w, N))",
        None,
        ">= 10x",
        "speedup",
        10,
        ours_list(weighted_sampler),
        torch_sampler_list(lambda data, n: data.WeightedRandomSampler(balanced_weights(n), n)),
        list_bytes_per_index=40,
    ),
    "weighted-norepl": Case(
        "WeightedRandomSampler(w, N, replacement=False), k = N: epoch_indices()",
        "torch.multinomial(w, N, False)",
        "argsort(rng.exponential(N) / w)",
        ">= 3x",
        "speedup",
        3,
        ours_bulk(lambda n: weighted_sampler(n, replacement=False)),
        torch_multinomial(False),
        numpy_weighted_without,
        target_n=NO_REPLACEMENT_N,
        pick_sizes=lambda sizes: [n for n in sizes if n <= NO_REPLACEMENT_N] or [NO_REPLACEMENT_N],
    ),
    "weighted-topk": Case(
        "WeightedRandomSampler(w, N, replacement=False), k = N of 10^7 weights: epoch_indices()",
        "torch.multinomial(w, N, False)",
        "argpartition(rng.exponential(10^7) / w, N), sorted",
        ">= 3x",
        "speedup",
        3,
        ours_topk,
        torch_multinomial_topk,
        numpy_weighted_topk,
        target_n=NO_REPLACEMENT_K,
        pick_sizes=lambda sizes: [NO_REPLACEMENT_K],
    ),
    "random-bulk": Case(
        "RandomSampler(range(N)): epoch_indices()",
        "torch.randperm(N)",
        "rng.permutation(N)",
        ">= 4x",
        "speedup",
        4,
        ours_bulk(lambda n: fs.RandomSampler(range(n))),
        torch_randperm,
        numpy_permutation(as_list=False),
    ),
    "random-list": Case(
        "RandomSampler(range(N)): list(sampler)",
        "list(torch RandomSampler(range(N)))",
        "rng.permutation(N).tolist()",
        ">= 4x",
        "speedup",
        4,
        ours_list(lambda n: fs.RandomSampler(range(n))),
        torch_sampler_list(lambda data, n: data.RandomSampler(range(n))),
        numpy_permutation(as_list=True),
        list_bytes_per_index=40,
    ),
    "random-iter": Case(
        "RandomSampler(range(N)): for i in sampler: pass",
        "for i in range(N): pass",
        None,
        "<= 2x slower",
        "slowdown",
        2,
        iterate(lambda n: fs.RandomSampler(range(n))),
        iterate(range),
    ),
    "random-list-floor": Case(
        "RandomSampler(range(N)): list(sampler)",
        "list(range(N))",
        None,
        "<= 1.5x slower",
        "slowdown",
        1.5,
        ours_list(lambda n: fs.RandomSampler(range(n))),
        lambda n: lambda: list(range(n)),
        list_bytes_per_index=40,
    ),
    "batch-list": Case(
        f"BatchSampler(RandomSampler(range(N)), {BATCH_SIZE}, drop_last=False): list(sampler)",
        "list(torch BatchSampler(torch RandomSampler(range(N)), same))",
        None,
        ">= 4x",
        "speedup",
        4,
        ours_list(lambda n: fs.BatchSampler(fs.RandomSampler(range(n)), BATCH_SIZE, False)),
        torch_sampler_list(lambda data, n: data.BatchSampler(data.RandomSampler(range(n)), BATCH_SIZE, False)),
        list_bytes_per_index=48,
    ),
    "distributed-list": Case(
        f"DistributedSampler(range(N), {REPLICAS} replicas, rank {RANK}): list(sampler)",
        "list(torch DistributedSampler(same))",
        None,
        ">= 8x, peak <= 1/8 of torch's",
        "speedup",
        8,
        distributed_list("ferrosampler"),
        distributed_list("torch"),
        in_child=True,
        memory_ratio=1 / 8,
        list_bytes_per_index=40 // REPLICAS + 8,
    ),
    "gil-threads": Case(
        f"{THREADED_EPOCHS} threads, each RandomSampler(range(N)).epoch_indices(0), engine on 1 thread",
        f"the same {THREADED_EPOCHS} epochs on one thread",
        None,
        ">= 1.6x",
        "speedup",
        1.6,
        engine_threads(THREADED_EPOCHS),
        engine_threads(1),
    ),
    "alias-build": Case(
        "WeightedRandomSampler(w, N) construction: validation + alias table",
        "(no equivalent: torch keeps the tensor)",
        None,
        "<= 0.1 s at N = 10^7",
        "seconds",
        0.1,
        build_weighted,
        None,
    ),
    "islice-2^40": Case(
        f"first K indices of rank {RANK} of {REPLICAS}, N = 2^40: islice(iter(sampler), K)",
        "the same at N = 8K (ferrosampler)",
        None,
        "<= 2x the N = 8K time, memory O(K)",
        "slowdown",
        2,
        lambda k: first_of_rank(ISLICE_BIG_N, k),
        lambda k: first_of_rank(REPLICAS * k, k),
        in_child=True,
        memory_ratio=2.0,
        pick_sizes=lambda sizes: [islice_count(sizes)],
    ),
    "mixture-bulk": Case(
        "MixtureSampler(16 sources summing to N, weights 1..16, num_samples=N): epoch_indices()",
        "RandomSampler(range(N)): epoch_indices()",
        None,
        "<= 1.5x RandomSampler",
        "slowdown",
        1.5,
        bench_mixture.mixture_bulk,
        bench_mixture.random_bulk,
    ),
    "mixture-seek": Case(
        f"first K indices of rank {bench_mixture.RANK} of {bench_mixture.REPLICAS}, "
        "DistributedSamplerWrapper(MixtureSampler(16 x 2^46 items)), resumed at position 2^50",
        "the same resumed at position 0",
        None,
        "<= 2x the position-0 time",
        "slowdown",
        2,
        bench_mixture.rank_from(bench_mixture.SEEK_POSITION),
        bench_mixture.rank_from(0),
        pick_sizes=lambda sizes: [bench_mixture.seek_count(sizes)],
    ),
    "mixture-peer": Case(
        "MixtureSampler(16 sources summing to N, weights 1..16): list(sampler)",
        "torchdata.nodes.MultiNodeWeightedSampler(same sources and weights): N items",
        None,
        ">= 10x",
        "speedup",
        10,
        bench_mixture.mixture_list,
        bench_mixture.torchdata_weighted,
        target_n=bench_mixture.PEER_N,
        list_bytes_per_index=40,
        pick_sizes=lambda sizes: [n for n in sizes if n <= bench_mixture.PEER_N] or [bench_mixture.PEER_N],
    ),
    "position-of": Case(
        f"DistributedSampler(range(N), {REPLICAS} replicas, rank {RANK}): {bench_access.LOOKUPS:,} position_of calls",
        "replay the rank's epoch, then look the indices up",
        None,
        ">= 1x",
        "speedup",
        1,
        bench_access.position_of_calls,
        bench_access.replayed_lookups,
        returns_indices=False,
    ),
    "grain-records": Case(
        f"ferrosampler.grain.Sampler(RandomSampler(range(N))): {bench_access.RECORDS:,} records read",
        "grain.python.IndexSampler(N, shuffle=True): the same reads",
        None,
        ">= 1x (at least as fast)",
        "speedup",
        1,
        bench_access.ferrosampler_grain_records,
        bench_access.grain_index_sampler_records,
        returns_indices=False,
    ),
    "lengths-plan": Case(
        "LengthGroupedBatchSampler(lengths, 32): an epoch's plan (its first batch), N log-normal lengths",
        "HF group_by_length: torch.randperm, then a Python sort of each 50-batch mega-batch",
        None,
        ">= 10x at N = 10^7",
        "speedup",
        10,
        bench_lengths.plan_work,
        bench_lengths.hf_work,
    ),
}
