"""A real torch.utils.data.DataLoader with worker processes drives every sampler."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import ferrosampler as fs

torch = pytest.importorskip("torch")


class Squares(torch.utils.data.Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> int:
        return index * index


N = 257


def samplers():
    return {
        "sequential": fs.SequentialSampler(range(N)),
        "random": fs.RandomSampler(range(N), seed=1),
        "random_replacement": fs.RandomSampler(range(N), replacement=True, num_samples=300, seed=2),
        "subset_random": fs.SubsetRandomSampler(list(range(0, N, 3)), seed=3),
        "weighted": fs.WeightedRandomSampler(np.linspace(0.0, 1.0, N), 400, seed=4),
        "weighted_no_replacement": fs.WeightedRandomSampler(np.linspace(0.0, 1.0, N), 100, False, seed=5),
        "distributed": fs.DistributedSampler(range(N), num_replicas=3, rank=1, seed=6),
    }


@pytest.mark.parametrize("name", list(samplers()))
def test_dataloader_with_workers_reads_what_the_sampler_says(name: str) -> None:
    sampler = samplers()[name]
    loader = torch.utils.data.DataLoader(Squares(N), batch_size=16, sampler=sampler, num_workers=2)
    assert len(loader) == -(-len(sampler) // 16)
    for epoch in range(2):
        expected = sampler.epoch_indices(epoch)  # that epoch, no side effect
        sampler.set_epoch(epoch)
        rows = torch.cat(list(loader)).tolist()
        assert rows == [i * i for i in expected.tolist()]


def test_batch_sampler_in_a_dataloader_with_persistent_workers() -> None:
    sampler = fs.RandomSampler(range(N), seed=8)
    batches = fs.BatchSampler(sampler, 10, drop_last=True)
    loader = torch.utils.data.DataLoader(Squares(N), batch_sampler=batches, num_workers=2, persistent_workers=True)
    epochs = [torch.cat(list(loader)).tolist() for _ in range(2)]
    assert [sampler.epoch_indices(e)[:250].tolist() for e in range(2)] == [[int(np.sqrt(v)) for v in e] for e in epochs]
    assert epochs[0] != epochs[1]


def test_threads_iterating_one_sampler_at_once() -> None:
    sampler = fs.WeightedRandomSampler(np.arange(1.0, 5001.0), 20_000, seed=9)
    expected = {e: sampler.epoch_indices(e).tolist() for e in range(8)}
    results: list[list[int]] = []
    lock = threading.Lock()

    def work() -> None:
        out = list(sampler)
        with lock:
            results.append(out)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Each thread took one distinct epoch; together they are epochs 0..7.
    assert sorted(results) == sorted(expected.values())


def test_threads_share_engine_objects() -> None:
    table = fs._core.WeightTable(np.linspace(0.1, 2.0, 10_000))
    expected = table.alias_draws(1, 0, 0, 100_000).tolist()
    outputs: list[list[int]] = []

    def work() -> None:
        outputs.append(table.alias_draws(1, 0, 0, 100_000).tolist())

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outputs == [expected] * 6


def test_generation_releases_the_gil() -> None:
    """While one thread generates a large epoch in Rust, another keeps running Python."""
    sampler = fs.RandomSampler(range(10), replacement=True, num_samples=40_000_000, seed=1)
    state = {"running": False, "done": False}
    seen: list[float] = []

    def generate() -> None:
        state["running"] = True
        start = time.perf_counter()
        sampler.epoch_indices(0)
        state["elapsed"] = time.perf_counter() - start
        state["running"] = False
        state["done"] = True

    worker = threading.Thread(target=generate)
    worker.start()
    while not state["done"]:
        if state["running"]:
            seen.append(time.perf_counter())
    worker.join()
    # Holding the GIL would freeze this loop for the whole call: the observed span would be ~0.
    assert seen and seen[-1] - seen[0] > 0.5 * state["elapsed"]


def test_distributed_defaults_come_from_the_process_group(tmp_path) -> None:
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1)
    try:
        sampler = fs.DistributedSampler(range(10), seed=3)
        assert (sampler.num_replicas, sampler.rank) == (1, 0)
        assert sorted(sampler) == list(range(10))
        assert fs.DistributedSampler(range(10), num_replicas=2).rank == 0
    finally:
        dist.destroy_process_group()


def test_mindspore_compatible_samplers_in_a_torch_dataloader() -> None:
    import ferrosampler.mindspore as fm

    def make():
        top = fm.DistributedSampler(3, 1, seed=21)
        top.add_child(fm.RandomSampler(num_samples=200, seed=22))
        top.set_dataset_size(N)
        return top

    sampler = make()
    loader = torch.utils.data.DataLoader(Squares(N), batch_size=16, sampler=sampler, num_workers=2)
    assert len(loader) == -(-len(sampler) // 16)
    epochs = [torch.cat(list(loader)).tolist() for _ in range(2)]
    expected = make()
    assert epochs == [[i * i for i in expected.epoch_indices(e).tolist()] for e in range(2)]
    assert epochs[0] != epochs[1]
