"""Grain's own DataLoader and MapDataset read ferrosampler's order: shards, workers, checkpoint restore."""

from __future__ import annotations

import numpy as np
import pytest

import ferrosampler
import ferrosampler.grain as fg

from .samplers import WEIGHTS, N, iterated

grain = pytest.importorskip("grain.python")


SEED = 11
EPOCHS = 2


class Tenfold(grain.MapTransform):
    """A data transformation, so that what the loader yields is not the record key itself."""

    def map(self, element: int) -> int:
        return element * 10


class Draw(grain.RandomMapTransform):
    """Pairs each element with a draw from its record's rng."""

    def random_map(self, element: int, rng: np.random.Generator) -> tuple[int, int]:
        return element, int(rng.integers(0, 2**62))


def loader(sampler: fg.Sampler, shard: int, shards: int, workers: int = 0, operations=()) -> grain.DataLoader:
    return grain.DataLoader(
        data_source=list(range(N)),
        sampler=sampler,
        operations=list(operations),
        shard_options=grain.ShardOptions(shard_index=shard, shard_count=shards),
        worker_count=workers,
    )


def shard_share(whole: list[int], shard: int, shards: int) -> list[int]:
    """Global indices shard, shard + S, … of a run, as Grain's loader reads them (the run's tail cut to S)."""
    return whole[shard : len(whole) // shards * shards : shards]


@pytest.mark.parametrize("shards", [1, 2, 3, 4])
def test_the_loaders_shards_read_every_s_th_global_index_of_the_run(shards) -> None:
    make = lambda: ferrosampler.WeightedRandomSampler(WEIGHTS, N, seed=SEED)  # noqa: E731
    whole = iterated(make, EPOCHS)
    for shard in range(shards):
        got = list(loader(fg.Sampler(make(), num_epochs=EPOCHS), shard, shards, operations=[Tenfold()]))
        assert got == [10 * index for index in shard_share(whole, shard, shards)]


@pytest.mark.parametrize("shards", [2, 3, 4])
def test_where_shards_divide_the_epoch_they_are_the_torch_side_distributed_samplers_ranks(shards) -> None:
    n = 36  # a multiple of 2, 3 and 4: Grain's shards and DistributedSampler's ranks coincide
    for shard in range(shards):
        one_world = fg.Sampler(ferrosampler.DistributedSampler(range(n), 1, 0, seed=SEED), num_epochs=EPOCHS)
        got = list(grain.DataLoader(
            data_source=list(range(n)), sampler=one_world,
            shard_options=grain.ShardOptions(shard_index=shard, shard_count=shards), worker_count=0,
        ))  # fmt: skip
        rank = ferrosampler.DistributedSampler(range(n), shards, shard, seed=SEED)
        assert got == iterated(lambda rank=rank: rank, EPOCHS)


@pytest.mark.parametrize("shards", [2, 3, 4])
def test_a_wrapped_distributed_sampler_without_grain_sharding_is_its_rank_padding_included(shards) -> None:
    for rank in range(shards):
        make = lambda rank=rank: ferrosampler.DistributedSampler(range(N), shards, rank, seed=SEED)  # noqa: E731
        got = list(loader(fg.Sampler(make(), num_epochs=EPOCHS), 0, 1))  # NoSharding: the sampler is the shard
        assert got == iterated(make, EPOCHS)


def test_a_checkpoint_restored_mid_epoch_continues_exactly_without_workers() -> None:
    make = lambda: ferrosampler.RandomSampler(range(N), seed=SEED)  # noqa: E731
    whole = iterated(make, 3)
    for shards in (1, 3):
        for shard in range(shards):
            expected = shard_share(whole, shard, shards)
            for stop in (0, 1, 17, N // shards, len(expected) - 1):
                iterator = iter(loader(fg.Sampler(make(), num_epochs=3), shard, shards))
                head = [next(iterator) for _ in range(stop)]
                state = iterator.get_state()
                restored = iter(loader(fg.Sampler(make(), num_epochs=3), shard, shards))
                restored.set_state(state)
                assert head + list(restored) == expected, (shards, shard, stop)


def test_a_checkpoint_into_another_order_is_refused() -> None:
    iterator = iter(loader(fg.Sampler(ferrosampler.RandomSampler(range(N), seed=SEED)), 0, 1))
    next(iterator)
    state = iterator.get_state()
    other = iter(loader(fg.Sampler(ferrosampler.RandomSampler(range(N), seed=SEED + 1)), 0, 1))
    with pytest.raises(ValueError, match="Sampler in checkpoint does not match"):
        other.set_state(state)


@pytest.mark.thread_unsafe
def test_two_worker_processes_with_shards_and_a_mid_epoch_restore_continue_exactly() -> None:
    # The workers are spawned processes: the sampler reaches them pickled. One shard of three, 2 workers.
    make = lambda: ferrosampler.SubsetRandomSampler(list(range(N)), seed=SEED)  # noqa: E731
    expected = shard_share(iterated(make, EPOCHS), 1, 3)
    iterator = iter(loader(fg.Sampler(make(), num_epochs=EPOCHS), 1, 3, workers=2, operations=[Draw()]))
    head = [next(iterator) for _ in range(9)]  # past the first epoch's share (37 / 3 → 12 or 13 per epoch)
    state = iterator.get_state()
    restored = iter(loader(fg.Sampler(make(), num_epochs=EPOCHS), 1, 3, workers=2, operations=[Draw()]))
    restored.set_state(state)
    rows = head + list(restored)
    assert [element for element, _ in rows] == expected
    # Each record's rng is Philox(seed + global index), global index 1 + 3j for shard 1 of 3.
    draws = [
        int(np.random.Generator(np.random.Philox(key=SEED + 1 + 3 * j)).integers(0, 2**62)) for j in range(len(rows))
    ]
    assert [draw for _, draw in rows] == draws


def test_map_dataset_over_an_index_source_slices_and_checkpoints() -> None:
    make = lambda: ferrosampler.RandomSampler(range(N), seed=SEED)  # noqa: E731
    whole = iterated(make, 3)
    epoch = grain.MapDataset.source(fg.IndexSource(make(), epoch=2)).map(lambda i: i * 10)
    assert list(epoch) == [10 * i for i in whole[2 * N :]]
    run = grain.MapDataset.source(fg.IndexSource(make()))[: 3 * N]
    assert list(run) == whole
    dataset = run.to_iter_dataset()
    iterator = iter(dataset)
    head = [next(iterator) for _ in range(50)]
    state = iterator.get_state()
    restored = iter(dataset)
    restored.set_state(state)
    assert head + list(restored) == whole
