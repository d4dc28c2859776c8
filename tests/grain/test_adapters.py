"""ferrosampler.grain's Sampler and IndexSource over every torch-side sampler, read at random like Grain reads."""

from __future__ import annotations

import json
import pickle
import random
import subprocess
import sys
import threading

import numpy as np
import pytest

import ferrosampler
import ferrosampler.grain as fg
import ferrosampler.mindspore
import ferrosampler.reference

from .samplers import LABELS, WEIGHTS, N, iterated, recipes

grain = pytest.importorskip("grain.python")


EPOCHS = 3
NAMES = list(recipes(ferrosampler))


@pytest.mark.parametrize("name", NAMES)
def test_global_index_g_is_position_g_mod_len_of_epoch_g_div_len_as_iteration_gives_it(family, name) -> None:
    make = recipes(family)[name]
    sampler = fg.Sampler(make(), num_epochs=EPOCHS)
    expected = iterated(make, EPOCHS)
    assert len(sampler) == len(expected) == EPOCHS * len(make())
    order = list(range(len(sampler)))
    random.Random(name).shuffle(order)  # read in any order: each record stands alone
    got = {g: sampler[g] for g in order}
    assert [got[g].record_key for g in range(len(sampler))] == expected
    assert all(got[g].index == g for g in order)
    with pytest.raises(IndexError, match="past the end"):
        sampler[len(sampler)]
    with pytest.raises(IndexError, match=">= 0"):
        sampler[-1]


@pytest.mark.parametrize("name", NAMES)
def test_index_source_is_one_epoch_or_every_epoch_end_to_end(name) -> None:
    make = recipes(ferrosampler)[name]
    expected = iterated(make, EPOCHS)
    length = len(make())
    every = fg.IndexSource(make())
    assert [every[i] for i in range(EPOCHS * length)] == expected
    for epoch in range(EPOCHS):
        one = fg.IndexSource(make(), epoch=epoch)
        assert len(one) == length
        assert [one[i] for i in range(length)] == expected[epoch * length : (epoch + 1) * length]
        assert one[-1] == one[length - 1]
        with pytest.raises(IndexError):
            one[length]
    assert len(every) // length * length == len(every) and len(every) < sys.maxsize
    assert every[len(every) - 1] == fg.IndexSource(make(), epoch=len(every) // length - 1)[length - 1]


@pytest.mark.parametrize("name", NAMES)
def test_reading_has_no_side_effect_on_the_sampler(name) -> None:
    inner = recipes(ferrosampler)[name]()
    inner.set_epoch(1)
    before = json.dumps(inner.state_dict(), sort_keys=True)
    sampler = fg.Sampler(inner)
    for g in range(0, 5 * len(inner), 3):
        sampler[g]
    source = fg.IndexSource(inner, epoch=4)
    [source[i] for i in range(len(source))]
    assert json.dumps(inner.state_dict(), sort_keys=True) == before
    assert getattr(inner, "epoch", getattr(getattr(inner, "sampler", None), "epoch", None)) == 1


def test_a_loaded_state_and_pending_weights_stay_pending() -> None:
    inner = ferrosampler.WeightedRandomSampler(WEIGHTS, 40, seed=3)
    iterator = iter(inner)
    head = [next(iterator) for _ in range(7)]
    resumed = ferrosampler.WeightedRandomSampler(WEIGHTS, 40, seed=3)
    resumed.load_state_dict(inner.state_dict())
    assert [fg.Sampler(resumed)[g].record_key for g in range(40)] == inner.epoch_indices(0).tolist()
    assert head + list(resumed) == inner.epoch_indices(0).tolist()  # the loaded state was not used up

    reweighted = ferrosampler.WeightedRandomSampler(WEIGHTS, 40, seed=3)
    reweighted.set_weights([1.0] * N)  # for the next epoch that starts
    assert [fg.Sampler(reweighted)[g].record_key for g in range(40)] == inner.epoch_indices(0).tolist()
    assert list(reweighted) == ferrosampler.WeightedRandomSampler([1.0] * N, 40, seed=3).epoch_indices(0).tolist()


def test_the_per_record_rng_is_grains_index_sampler_rng() -> None:
    ours = fg.Sampler(ferrosampler.RandomSampler(range(1000), seed=7))
    theirs = grain.IndexSampler(num_records=1000, shuffle=True, seed=7)
    for g in (0, 1, 999, 1000, 12345):
        assert ours[g].rng.integers(0, 2**62, 4).tolist() == theirs[g].rng.integers(0, 2**62, 4).tolist()
    big = fg.Sampler(ferrosampler.RandomSampler(range(10), seed=2**64 - 1))  # the seed is kept whole (mod 2**64)
    expected = np.random.Generator(np.random.Philox(key=2**64 - 1 + 5)).integers(0, 2**62, 3)
    assert big[5].rng.integers(0, 2**62, 3).tolist() == expected.tolist()
    assert fg.Sampler(ferrosampler.SequentialSampler(range(10)))[3].rng is None


def test_unseeded_foreign_and_empty_samplers_are_refused() -> None:
    with pytest.raises(ValueError, match="seed="):
        fg.Sampler(ferrosampler.RandomSampler(range(10)))
    with pytest.raises(ValueError, match="seed="):
        fg.IndexSource(ferrosampler.PKBatchSampler(LABELS, 2, 2))
    with pytest.raises(ValueError, match="seed="):
        fg.Sampler(ferrosampler.MPerClassSampler(LABELS, 2))
    with pytest.raises(ValueError, match="seed="):
        fg.Sampler(ferrosampler.DistributedSamplerWrapper(ferrosampler.SubsetRandomSampler([1, 2, 3]), 2, 0))
    for foreign in ([1, 2, 3], ferrosampler.mindspore.RandomSampler(seed=1, dataset_size=10)):
        with pytest.raises(TypeError, match="cannot be read at an epoch without side effects"):
            fg.Sampler(foreign)
    with pytest.raises(ValueError, match="empty epochs"):
        fg.Sampler(ferrosampler.SequentialSampler([]))
    with pytest.raises(ValueError, match="num_epochs"):
        fg.Sampler(ferrosampler.RandomSampler(range(10), seed=1), num_epochs=0)
    with pytest.raises(ValueError, match="epoch"):
        fg.IndexSource(ferrosampler.RandomSampler(range(10), seed=1), epoch=-1)
    with pytest.raises(TypeError, match="index"):
        fg.Sampler(ferrosampler.RandomSampler(range(10), seed=1))["3"]


def test_records_past_num_epochs_or_the_epoch_limit_are_index_errors() -> None:
    endless = fg.Sampler(ferrosampler.RandomSampler(range(10), seed=1))
    assert len(endless) == 10 * 2**56
    assert endless[10 * 2**56 - 1].record_key in range(10)
    with pytest.raises(IndexError):
        endless[10 * 2**56]
    huge = fg.Sampler(ferrosampler.RandomSampler(range(2**40), seed=1))
    assert len(huge) == sys.maxsize  # 2**56 epochs of 2**40 pass 2**63: capped
    assert huge[sys.maxsize - 1].record_key in range(2**40)


def identity_text(make: str) -> str:
    """The repr of a Sampler built by ``make`` (a Python expression) in a fresh process."""
    code = f"import ferrosampler, ferrosampler.grain as fg\nprint(repr(fg.Sampler({make})))"
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()


def test_the_repr_is_the_same_in_another_process_and_names_every_parameter() -> None:
    makes = [
        "ferrosampler.WeightedRandomSampler([1.0, 2.0, 0.0, 3.0], 9, seed=4)",
        "ferrosampler.DistributedSamplerWrapper(ferrosampler.SubsetRandomSampler([5, 9, 2], seed=1), 2, 1)",
        "ferrosampler.BatchSampler(ferrosampler.DistributedSampler(range(10), 2, 0, seed=3), 3, True)",
    ]
    here = [repr(fg.Sampler(eval(make))) for make in makes]  # our own fixed expressions
    assert [identity_text(make) for make in makes] == here
    wrapper = here[1]
    for part in ("SubsetRandomSampler(n=3", "seed=1", "values=", "num_replicas=2", "rank=1", "even=True"):
        assert part in wrapper
    assert "num_epochs=None" in wrapper


def test_the_repr_changes_whenever_the_order_would() -> None:
    f = ferrosampler

    def text(sampler, **options) -> str:
        return repr(fg.Sampler(sampler, **options))

    base = text(f.RandomSampler(range(10), seed=1))
    assert text(f.RandomSampler(range(10), seed=1)) == base
    variants = [
        text(f.RandomSampler(range(10), seed=2)),
        text(f.RandomSampler(range(11), seed=1)),
        text(f.RandomSampler(range(10), seed=1, permutation="fisher-yates")),
        text(f.RandomSampler(range(10), True, seed=1)),
        text(f.RandomSampler(range(10), seed=1), num_epochs=3),
    ]
    assert len({base, *variants}) == len(variants) + 1
    weights = [text(f.WeightedRandomSampler(w, 5, seed=1)) for w in ([1.0, 2.0], [2.0, 1.0], [1.0, 2.0])]
    assert weights[0] != weights[1] and weights[0] == weights[2]
    subsets = [text(f.SubsetRandomSampler(v, seed=1)) for v in ([1, 2, 3], [1, 2, 4], [1, 2, 3], range(1, 4))]
    assert subsets[0] != subsets[1] and subsets[0] == subsets[2] and subsets[3] != subsets[1]
    shards = {
        text(f.DistributedSampler(range(10), r, k, seed=1, even=e))
        for r, k, e in ((2, 0, True), (2, 1, True), (3, 1, True), (3, 1, False))
    }
    assert len(shards) == 4
    labels = [text(f.PKBatchSampler(x, 2, 2, seed=1)) for x in ([0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 2, 2])]
    assert labels[0] != labels[1]


def test_pickled_adapters_read_the_same_records() -> None:
    for make in (recipes(ferrosampler)["weighted-without"], recipes(ferrosampler)["wrapper"]):
        sampler, source = fg.Sampler(make(), num_epochs=2), fg.IndexSource(make())
        sampler[3], source[40]  # warm the caches: they are not pickled
        copies = pickle.loads(pickle.dumps((sampler, source)))
        assert repr(copies[0]) == repr(sampler) and repr(copies[1]) == repr(source)
        assert [copies[0][g].record_key for g in range(len(sampler))] == [
            sampler[g].record_key for g in range(len(sampler))
        ]
        assert [copies[1][i] for i in range(200)] == [source[i] for i in range(200)]


@pytest.mark.thread_unsafe
def test_threads_reading_at_random_see_what_one_thread_sees() -> None:
    make = lambda: ferrosampler.WeightedRandomSampler(WEIGHTS * 300, 5000, False, seed=9)  # noqa: E731
    serial = fg.Sampler(make(), num_epochs=4)
    expected = [serial[g].record_key for g in range(len(serial))]
    shared = fg.Sampler(make(), num_epochs=4)
    results: dict[int, list[tuple[int, int]]] = {}

    def read(worker: int) -> None:
        order = list(range(len(shared)))
        random.Random(worker).shuffle(order)
        results[worker] = [(g, shared[g].record_key) for g in order]

    threads = [threading.Thread(target=read, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for pairs in results.values():
        assert sorted(pairs) == list(enumerate(expected))


def test_importing_works_without_grain_and_the_first_use_names_the_extra() -> None:
    code = """
import sys
sys.modules["grain"] = None  # as if grain were not installed
import ferrosampler, ferrosampler.grain as fg
for adapter in (fg.Sampler, fg.IndexSource, fg.SelectionMap):
    try:
        adapter(ferrosampler.RandomSampler(range(4), seed=1))
    except ImportError as error:
        assert "ferrosampler[grain]" in str(error), error
    else:
        raise AssertionError(adapter)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_the_reference_twins_read_through_the_adapters_too() -> None:
    reference = fg.Sampler(ferrosampler.reference.RandomSampler(range(N), seed=5), num_epochs=2)
    rust = fg.Sampler(ferrosampler.RandomSampler(range(N), seed=5), num_epochs=2)
    assert [reference[g].record_key for g in range(2 * N)] == [rust[g].record_key for g in range(2 * N)]
