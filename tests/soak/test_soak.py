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

from tests.threads.samplers import RECIPES, epoch_list

from .memory import peak_mib, rss_mib

SHORT, LONG, WARMUP = 150, 10_000, 30
TOLERANCE_MIB = 8.0
FAST = sorted(name for name in RECIPES if not name.startswith("reference."))


def soak(name: str, epochs: int) -> tuple[float, float]:
    sampler = RECIPES[name][0]()
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
    sampler = RECIPES[name][0]()
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


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_pickling_mid_iteration(name: str) -> None:
    """A sampler pickled while one of its iterations runs: the iteration finishes its own epoch, the copy
    goes on from the next epoch (the running one was already claimed); the iterator itself does not pickle."""
    build, counts_epochs = RECIPES[name]
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


def dataloader_epochs(context: str, epochs: int) -> None:
    torch = pytest.importorskip("torch")
    if context not in torch.multiprocessing.get_all_start_methods():
        pytest.skip(f"no {context} start method here")
    from torch.utils.data import DataLoader

    import ferrosampler

    from .datasets import Indices

    data = Indices(3000)
    samplers = {
        "RandomSampler": (ferrosampler.RandomSampler(data, seed=21), ferrosampler.RandomSampler(data, seed=21)),
        "DistributedSampler": (ferrosampler.DistributedSampler(data, 2, 1, seed=22),) * 2,
    }
    for sampler, twin in samplers.values():
        loader = DataLoader(
            data,
            batch_size=64,
            sampler=sampler,
            num_workers=4,
            persistent_workers=True,
            multiprocessing_context=context,
        )
        for epoch in range(epochs):
            if hasattr(sampler, "set_epoch"):
                sampler.set_epoch(epoch)
            got = [int(i) for batch in loader for i in batch]
            assert got == epoch_list(twin, epoch)


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux default")
def test_dataloader_fork_workers_across_epochs() -> None:
    dataloader_epochs("fork", 3)


@pytest.mark.slow
@pytest.mark.parametrize("context", ["fork", "spawn", "forkserver"])
def test_dataloader_persistent_workers_across_many_epochs(context: str) -> None:
    dataloader_epochs(context, 12)
