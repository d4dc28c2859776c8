"""A typed user of the public API: ``mypy --strict`` checks it in the lint step (scripts/lint.sh) and
tests/typing/test_example_usage.py runs it, so the annotations and the behaviour agree.

Each ``assert_type`` pins what a user's type checker infers; a wrong annotation in the package
fails the lint step here before it misleads anyone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sized
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

import ferrosampler
import ferrosampler.mindspore
import ferrosampler.reference

if TYPE_CHECKING:
    from typing_extensions import assert_type  # typing.assert_type from Python 3.11 on
else:

    def assert_type(value: object, _type: object) -> object:
        return value


def torch_samplers() -> None:
    data: Sized = range(100)
    random = ferrosampler.RandomSampler(data, seed=7)
    assert_type(iter(random), Iterator[int])
    assert_type(random.epoch_indices(), npt.NDArray[np.int64])
    assert_type(len(random), int)
    assert_type(random.seed, int | None)
    assert sorted(random) == list(range(100))

    weighted = ferrosampler.WeightedRandomSampler(np.array([1.0, 2.0, 0.5]), num_samples=10, seed=1)
    assert_type(next(iter(weighted)), int)
    subset = ferrosampler.SubsetRandomSampler([3, 1, 4], generator=5)
    assert sorted(subset.epoch_indices(0).tolist()) == [1, 3, 4]

    batches = ferrosampler.BatchSampler(random, batch_size=16, drop_last=False)
    assert_type(iter(batches), Iterator[list[int]])
    assert [len(batch) for batch in batches][-1] == 100 % 16

    shard = ferrosampler.DistributedSampler(data, num_replicas=4, rank=1, seed=3)
    shard.set_epoch(2)
    assert shard.epoch_indices().dtype == np.int64
    assert len(shard) == 25

    iterator = iter(random)
    taken = [next(iterator) for _ in range(10)]
    resumed = ferrosampler.reference.RandomSampler(data, seed=7)  # the pure-Python engine, same indices
    resumed.load_state_dict(random.state_dict())
    rest = list(resumed)
    assert len(taken) + len(rest) == 100 and rest == list(iterator)

    sequential = ferrosampler.SequentialSampler(data)
    assert_type(sequential.epoch_indices(), npt.NDArray[np.int64])
    ferrosampler.manual_seed(0)
    assert_type(ferrosampler.SPEC_VERSION, int)


def mindspore_samplers() -> None:
    random = ferrosampler.mindspore.RandomSampler(num_samples=5, seed=1, dataset_size=20)
    assert_type(random.epoch_indices(), npt.NDArray[np.int64])
    assert_type(iter(random), Iterator[int])
    place = random.position_of(int(random.epoch_indices(2)[0]), 2)
    assert_type(place, ferrosampler.Position | None)
    assert place is not None and place.position == 0
    assert_type(random.positions_of(3, 0), list[ferrosampler.Position])
    pk = ferrosampler.mindspore.PKSampler(2, labels=[0, 0, 1, 1, 2], seed=3)
    assert len(pk) == 6
    shard = ferrosampler.mindspore.DistributedSampler(num_shards=2, shard_id=0, seed=4, dataset_size=10)
    shard.add_child(ferrosampler.mindspore.SubsetSampler([0, 2, 4, 6], dataset_size=10))
    assert len(shard.epoch_indices()) == 2


def main() -> None:
    torch_samplers()
    mindspore_samplers()


if __name__ == "__main__":
    main()
