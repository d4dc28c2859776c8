"""_core.IndexIterator: an int64 array handed out one int (or one batch) at a time, with an exact length_hint;
and the chunked iteration built on it gives the same items, batches and progress as plain Python iteration."""

from __future__ import annotations

import itertools
import operator
import pickle
import sys
import threading

import numpy as np
import pytest

import ferrosampler
from ferrosampler import _core
from ferrosampler._protocol.iteration import batches

VALUES = np.array([5, -1, 2**63 - 1, -(2**63), 0, 7, 7], dtype=np.int64)


def test_yields_the_arrays_ints_in_order_with_an_exact_length_hint() -> None:
    iterator = _core.IndexIterator(VALUES)
    assert iter(iterator) is iterator
    seen = []
    for left in range(len(VALUES), 0, -1):
        assert operator.length_hint(iterator) == left
        seen.append(next(iterator))
    assert operator.length_hint(iterator) == 0
    assert next(iterator, None) is None
    assert seen == VALUES.tolist()
    assert all(type(value) is int for value in seen)


def test_takes_a_snapshot_and_reads_strided_views() -> None:
    values = np.arange(20, dtype=np.int64)
    iterator = _core.IndexIterator(values[3::4])
    values[:] = -1  # written after construction: the iterator has its own copy
    assert list(iterator) == [3, 7, 11, 15, 19]
    assert list(_core.IndexIterator(np.zeros(0, dtype=np.int64))) == []


@pytest.mark.parametrize("bad", [[1, 2], np.arange(3, dtype=np.int32), np.zeros((2, 2), dtype=np.int64), None])
def test_refuses_anything_but_a_1d_int64_array(bad: object) -> None:
    with pytest.raises(TypeError, match="1-D int64 array"):
        _core.IndexIterator(bad)


def test_take_cuts_lists_and_advances_only_by_what_it_took() -> None:
    iterator = _core.IndexIterator(np.arange(10, dtype=np.int64))
    assert next(iterator) == 0
    assert iterator.take(4) == [1, 2, 3, 4]
    assert operator.length_hint(iterator) == 5
    assert iterator.take(0) == []
    assert iterator.take(100) == [5, 6, 7, 8, 9]
    assert iterator.take(3) == []
    assert operator.length_hint(iterator) == 0


def test_taken_batches_are_ordinary_lists() -> None:
    batch = _core.IndexIterator(np.arange(5, dtype=np.int64)).take(3)
    assert type(batch) is list
    batch.append("x")
    batch[0] = batch
    assert batch[1:] == [1, 2, "x"]
    batch.clear()


def test_threads_sharing_one_iterator_never_receive_the_same_int() -> None:
    iterator = _core.IndexIterator(np.arange(200_000, dtype=np.int64))
    seen: list[list[int]] = [[], []]

    def drain(out: list[int]) -> None:
        for value in iterator:
            out.append(value)
            if len(out) % 100 == 0:
                out.extend(iterator.take(7))

    workers = [threading.Thread(target=drain, args=(out,)) for out in seen]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(seen[0] + seen[1]) == list(range(200_000))


def _plain(items: list[int], size: int, drop_last: bool) -> list[list[int]]:
    iterator = iter(items)
    if drop_last:
        return [list(batch) for batch in zip(*[iterator] * size, strict=False)]
    return list(iter(lambda: list(itertools.islice(iterator, size)), []))


@pytest.mark.parametrize("size", [1, 3, 4, 7, 64])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batches_across_chunks_equal_plain_batching(size: int, drop_last: bool) -> None:
    items = list(range(50))
    bounds = [0, 4, 5, 17, 17, 32, 50]  # chunks of 4, 1, 12, 0, 15, 18 items: batches cross them

    def chunks() -> list:
        parts = [items[lo:hi] for lo, hi in itertools.pairwise(bounds)]
        return [
            _core.IndexIterator(np.array(part, dtype=np.int64)) if k % 2 else iter(part) for k, part in enumerate(parts)
        ]

    assert list(batches(iter(chunks()), size, drop_last)) == _plain(items, size, drop_last)


@pytest.mark.parametrize("size", [1, 5, 32, 1000])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_over_a_sampler_equals_batching_its_indices(family, size: int, drop_last: bool) -> None:
    # 70_000 indices: the engine's chunks (2**16) end mid-batch for most sizes.
    inner = family.RandomSampler(range(70_000), seed=11)
    expected = _plain(list(family.RandomSampler(range(70_000), seed=11)), size, drop_last)
    assert list(family.BatchSampler(inner, size, drop_last)) == expected


def test_batch_sampler_state_mid_epoch_counts_the_batches_handed_out() -> None:
    sampler = ferrosampler.BatchSampler(ferrosampler.RandomSampler(range(70_000), seed=3), 48, False)
    iterator = iter(sampler)
    taken = list(itertools.islice(iterator, 1366))  # 65_568 indices: past the first engine chunk
    state = sampler.state_dict()
    assert state["position"] == state["sampler"]["position"] == 1366 * 48
    resumed = ferrosampler.BatchSampler(ferrosampler.RandomSampler(range(70_000), seed=3), 48, False)
    resumed.load_state_dict(state)
    assert taken + list(resumed) == list(
        ferrosampler.BatchSampler(ferrosampler.RandomSampler(range(70_000), seed=3), 48, False)
    )


def test_pickling_keeps_the_ints_not_yet_handed_out() -> None:
    iterator = _core.IndexIterator(np.arange(10, dtype=np.int64))
    assert [next(iterator) for _ in range(3)] == [0, 1, 2]
    copied = pickle.loads(pickle.dumps(iterator))
    assert list(copied) == list(range(3, 10)) == list(iterator)
    assert list(pickle.loads(pickle.dumps(iterator))) == []


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((VALUES, VALUES), {}), ((), {"values": VALUES}), ((VALUES,), {"values": VALUES})],
)
def test_takes_exactly_one_positional_argument(args: tuple, kwargs: dict) -> None:
    with pytest.raises(TypeError, match="one positional argument"):
        _core.IndexIterator(*args, **kwargs)


def test_take_refuses_a_count_that_is_not_a_non_negative_int() -> None:
    iterator = _core.IndexIterator(VALUES)
    with pytest.raises(OverflowError):
        iterator.take(-1)
    with pytest.raises(TypeError):
        iterator.take("3")
    with pytest.raises(OverflowError):
        iterator.take(2**70)
    assert iterator.take(2**62) == VALUES.tolist()


def test_methods_refuse_a_foreign_self_and_the_type_refuses_subclasses() -> None:
    for method in (_core.IndexIterator.__length_hint__, _core.IndexIterator.__reduce__, _core.IndexIterator.__next__):
        with pytest.raises(TypeError):
            method(iter([1]))
    with pytest.raises(TypeError):
        _core.IndexIterator.take([1], 1)
    with pytest.raises(TypeError):
        type("Sub", (_core.IndexIterator,), {})


def test_instances_release_their_type_when_freed() -> None:
    def churn(count: int) -> int:
        for _ in range(count):
            iterator = _core.IndexIterator(VALUES)
            next(iterator)
            iterator.take(2)
        return sys.getrefcount(_core.IndexIterator)

    assert churn(1) == churn(1000)
    assert _core.IndexIterator.__module__ == "ferrosampler._core"
    assert "one at a time" in (_core.IndexIterator.__doc__ or "")
