"""Soak: many epochs of every sampler with resident memory flat, abandoned iterators leaking nothing,
DataLoader workers (fork and spawn, persistent) across epochs, pickling mid-iteration.

The default run soaks each sampler for SHORT epochs; `-m slow` for 10**4 (figures printed with -s).
RSS (VmRSS after gc) is measured after a warm-up of WARMUP epochs; growth must stay under
TOLERANCE_MIB (allocator noise is a few MiB; a leak of one index array per epoch would be > 70 MiB)."""

from __future__ import annotations

import itertools
import pickle
import sys
import threading

import pytest

import ferrosampler as fs
from tests.threads.samplers import LABELS, RECIPES, WEIGHTS, N, epoch_list

from .memory import peak_mib, rss_mib

SHORT, LONG, WARMUP = 150, 10_000, 30
TOLERANCE_MIB = 8.0

# The wrapper and the class-imbalance samplers, on top of tests/threads' recipes (name -> (build, counts epochs)).
SOAKED = {
    **RECIPES,
    "DistributedSamplerWrapper": (
        lambda: fs.DistributedSamplerWrapper(fs.RandomSampler(range(N), seed=31), 3, 1),
        True,
    ),
    "DistributedSamplerWrapper-batches": (
        lambda: fs.DistributedSamplerWrapper(fs.BatchSampler(fs.RandomSampler(range(N), seed=32), 16, False), 2, 0),
        True,
    ),
    "DistributedWeightedSampler": (lambda: fs.DistributedWeightedSampler(WEIGHTS, 2500, 3, 2, seed=33), False),
    "DistributedWeightedSampler-without": (
        lambda: fs.DistributedWeightedSampler(WEIGHTS, 900, 2, 1, replacement=False, seed=34),
        False,
    ),
    "PKBatchSampler": (lambda: fs.PKBatchSampler(LABELS, 4, 8, seed=35), True),
    "MPerClassSampler": (lambda: fs.MPerClassSampler(LABELS, 4, 32, 2000, seed=36), True),
}
FAST = sorted(name for name in SOAKED if not name.startswith("reference."))


def soak(name: str, epochs: int) -> tuple[float, float]:
    sampler = SOAKED[name][0]()
    for _ in range(WARMUP):
        sum(1 for _ in sampler)
    before = rss_mib()
    for _ in range(epochs):
        sum(1 for _ in sampler)
    after = rss_mib()
    print(f"soak {name}: {epochs} epochs, VmRSS {before:.1f} -> {after:.1f} MiB, peak {peak_mib():.1f} MiB")
    return before, after


@pytest.mark.parametrize("name", FAST)
def test_epochs_keep_memory_flat(name: str) -> None:
    before, after = soak(name, SHORT)
    assert after - before < TOLERANCE_MIB


@pytest.mark.slow
@pytest.mark.parametrize("name", FAST)
def test_ten_thousand_epochs_keep_memory_flat(name: str) -> None:
    before, after = soak(name, LONG)
    assert after - before < TOLERANCE_MIB


@pytest.mark.parametrize("name", FAST)
def test_abandoned_iterators_leak_nothing(name: str) -> None:
    sampler = SOAKED[name][0]()
    threads = threading.active_count()
    for _ in range(WARMUP):
        next(iter(sampler))
    before = rss_mib()
    for _ in range(20 * SHORT):
        iterator = iter(sampler)
        next(iterator)
        del iterator
    assert rss_mib() - before < TOLERANCE_MIB
    assert threading.active_count() == threads


@pytest.mark.parametrize("name", sorted(SOAKED))
def test_pickling_mid_iteration(name: str) -> None:
    """A sampler pickled while one of its iterations runs: the iteration finishes its own epoch, the copy
    goes on from the next epoch (the running one was already claimed); the iterator itself does not pickle."""
    build, counts_epochs = SOAKED[name]
    sampler, twin = build(), build()
    iterator = iter(sampler)
    head = list(itertools.islice(iterator, 5))
    copy = pickle.loads(pickle.dumps(sampler))
    expected = epoch_list(twin, 0)
    rest = [tuple(b) if isinstance(b, list) else b for b in iterator]
    assert [tuple(b) if isinstance(b, list) else b for b in head] + rest == expected
    assert epoch_list(copy, 1 if counts_epochs else 0) == epoch_list(build(), 1 if counts_epochs else 0)
    with pytest.raises(TypeError, match="pickle"):
        pickle.dumps(iter(sampler))


def dataloader_epochs(context: str, epochs: int, only: tuple[str, ...] | None = None) -> None:
    torch = pytest.importorskip("torch")
    if context not in torch.multiprocessing.get_all_start_methods():
        pytest.skip(f"no {context} start method here")
    from torch.utils.data import DataLoader

    import ferrosampler

    from .datasets import Indices

    data = Indices(3000)
    labels = [i % 13 for i in range(3000)]
    weights = [float(i % 5) for i in range(3000)]
    samplers = {
        "RandomSampler": lambda: ferrosampler.RandomSampler(data, seed=21),
        "DistributedSampler": lambda: ferrosampler.DistributedSampler(data, 2, 1, seed=22),
        "DistributedSamplerWrapper": lambda: ferrosampler.DistributedSamplerWrapper(
            ferrosampler.RandomSampler(data, seed=23), 2, 1
        ),
        "DistributedWeightedSampler": lambda: ferrosampler.DistributedWeightedSampler(weights, 2000, 2, 0, seed=24),
        "MPerClassSampler": lambda: ferrosampler.MPerClassSampler(labels, 4, 32, 1500, seed=25),
    }
    batch_samplers = {"PKBatchSampler": lambda: ferrosampler.PKBatchSampler(labels, 4, 8, seed=26)}
    for name, build in {**samplers, **batch_samplers}.items():
        if only is not None and name not in only:
            continue
        sampler, twin = build(), build()
        kwargs = {"batch_sampler": sampler} if name in batch_samplers else {"batch_size": 64, "sampler": sampler}
        loader = DataLoader(
            data, num_workers=4, persistent_workers=True, multiprocessing_context=context, **kwargs
        )  # fmt: skip
        for epoch in range(epochs):
            if hasattr(sampler, "set_epoch"):
                sampler.set_epoch(epoch)
            got = [int(i) for batch in loader for i in batch]
            want = [int(i) for item in epoch_list(twin, epoch) for i in (item if isinstance(item, tuple) else [item])]
            assert got == want, name


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux default")
def test_dataloader_fork_workers_across_epochs() -> None:
    """The default run's slice: four persistent fork workers; every sampler kind under -m slow (fork, spawn,
    forkserver)."""
    dataloader_epochs("fork", 2, ("RandomSampler", "DistributedSamplerWrapper", "PKBatchSampler"))


@pytest.mark.slow
@pytest.mark.parametrize("context", ["fork", "spawn", "forkserver"])
def test_dataloader_persistent_workers_across_many_epochs(context: str) -> None:
    dataloader_epochs(context, 12)
