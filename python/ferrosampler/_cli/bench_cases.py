"""The `bench` cases and their targets, each as setup functions returning what gets timed.

A setup takes N and returns a zero-argument callable (the timed work) or a string saying
why the cell cannot run ("not installed"); building inputs happens in the setup, untimed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import ferrosampler as fs

from . import bench_mixture

Work = Callable[[], Any]
Setup = Callable[[int], "Work | str"]
NUM_CLASSES = 100
REPLICAS, RANK = 8, 3
ISLICE_BIG_N = 1 << 40
ISLICE_COUNT = 10**6
NO_REPLACEMENT_N = 10**6
TARGET_N = 10**7


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
}
