"""state_dict / load_state_dict on the samplers alone: every stop position of small epochs, both engines."""

from __future__ import annotations

import copy
import itertools
import json
import threading

import pytest

import ferrosampler as fs
import ferrosampler.mindspore as fm

from .samplers import MINDSPORE_FACTORIES, TORCH_FACTORIES

N = 11
EPOCHS = 3


def run_epochs(sampler, epochs, set_epoch):
    out = []
    for epoch in range(epochs):
        if set_epoch:
            sampler.set_epoch(epoch)
        out.append(list(sampler))
    return out


def interrupted(make, epochs, stop_epoch, stop, set_epoch):
    """The run stopped after ``stop`` indices of epoch ``stop_epoch``, saved as JSON, resumed by a fresh sampler."""
    sampler = make()
    done = run_epochs(sampler, stop_epoch, set_epoch)
    if set_epoch:
        sampler.set_epoch(stop_epoch)
    iterator = iter(sampler)
    head = list(itertools.islice(iterator, stop))
    state = json.loads(json.dumps(sampler.state_dict()))
    resumed = make()
    resumed.load_state_dict(state)
    if set_epoch:
        resumed.set_epoch(stop_epoch)
    rest = [head + list(resumed)]
    for epoch in range(stop_epoch + 1, epochs):
        if set_epoch:
            resumed.set_epoch(epoch)
        rest.append(list(resumed))
    return done + rest


def check_every_stop(make, set_epoch):
    expected = run_epochs(make(), EPOCHS, set_epoch)
    for stop_epoch in (0, 1):
        # Stop 0 of epoch 1 is stop len of epoch 0 (nothing of epoch 1 handed out yet): counted there.
        for stop in range(1 if stop_epoch else 0, len(expected[stop_epoch]) + 1):
            assert interrupted(make, EPOCHS, stop_epoch, stop, set_epoch) == expected, (stop_epoch, stop)


@pytest.mark.parametrize("name", sorted(TORCH_FACTORIES))
@pytest.mark.parametrize("set_epoch", [False, True])
def test_torch_samplers_resume_at_every_position(name, set_epoch, family):
    check_every_stop(lambda: TORCH_FACTORIES[name](family, N), set_epoch)


@pytest.mark.parametrize("name", ["random", "weighted-without", "sequential"])
def test_batch_sampler_carries_its_inner_state(name):
    def make():
        return fs.BatchSampler(TORCH_FACTORIES[name](fs, N), 3, False)

    check_every_stop(make, set_epoch=False)
    state = make().state_dict()
    assert state["kind"] == "torch.BatchSampler" and state["sampler"]["kind"].startswith("torch.")


@pytest.mark.parametrize("name", sorted(MINDSPORE_FACTORIES))
def test_mindspore_samplers_resume_at_every_position(name, mindspore_family):
    if name == "random-unseeded":
        sampler = MINDSPORE_FACTORIES[name](mindspore_family, N)
        sampler.epoch_indices()  # settles the drawn seed, which the state carries
        check_every_stop(lambda: copy.deepcopy(sampler), set_epoch=False)
        return
    check_every_stop(lambda: MINDSPORE_FACTORIES[name](mindspore_family, N), set_epoch=False)


def test_a_state_loads_into_either_engine():
    sampler = fs.reference.RandomSampler(range(N), seed=3)
    iterator = iter(sampler)
    head = [next(iterator) for _ in range(4)]
    rust = fs.RandomSampler(range(N), seed=3)
    rust.load_state_dict(sampler.state_dict())
    assert head + list(rust) == fs.RandomSampler(range(N), seed=3).epoch_indices(0).tolist()


def test_set_epoch_to_another_epoch_starts_it_from_the_beginning():
    sampler = fs.RandomSampler(range(N), seed=4)
    iterator = iter(sampler)
    next(iterator)
    state = sampler.state_dict()
    resumed = fs.RandomSampler(range(N), seed=4)
    resumed.load_state_dict(state)
    resumed.set_epoch(5)
    assert list(resumed) == sampler.epoch_indices(5).tolist()


def test_epoch_indices_after_a_load_is_the_rest_of_the_epoch():
    sampler = fs.WeightedRandomSampler([1.0, 2.0, 3.0], 20, seed=5)
    state = {**sampler.state_dict(), "position": 7}
    sampler.load_state_dict(state)
    assert sampler.epoch_indices().tolist() == sampler.epoch_indices(0).tolist()[7:]


def test_a_state_saved_after_the_last_index_resumes_an_empty_rest():
    sampler = fs.RandomSampler(range(N), seed=6)
    list(sampler)
    state = sampler.state_dict()
    assert (state["epoch"], state["position"]) == (0, N)
    resumed = fs.RandomSampler(range(N), seed=6)
    resumed.load_state_dict(state)
    assert list(resumed) == [] and list(resumed) == sampler.epoch_indices(1).tolist()


EPOCH_OPENERS = {
    "random": lambda: fs.RandomSampler(range(5), seed=11),
    "random-fisher-yates": lambda: fs.RandomSampler(range(5), seed=11, permutation="fisher-yates"),
    "subset": lambda: fs.SubsetRandomSampler([3, 1, 4, 1, 5], seed=11),
    "weighted": lambda: fs.WeightedRandomSampler([1.0, 2.0, 3.0, 4.0, 5.0], 5, seed=11),
    "weighted-without": lambda: fs.WeightedRandomSampler([1.0, 2.0, 3.0, 4.0, 5.0], 5, False, seed=11),
    "pk-batches": lambda: fs.PKBatchSampler([0, 0, 1, 1, 2, 2], 2, 2, num_batches=3, seed=11),
    "m-per-class": lambda: fs.MPerClassSampler([0, 0, 1, 1, 2, 2], 2, seed=11),
    "mindspore-random": lambda: fm.RandomSampler(seed=11, dataset_size=5),
}


@pytest.mark.parametrize("name", sorted(EPOCH_OPENERS))
def test_a_state_saved_after_iter_opened_the_next_epoch_resumes_its_start(name):
    # Two whole epochs, then iter() opens epoch 2: a checkpoint taken now must resume epoch 2 from its start.
    make = EPOCH_OPENERS[name]
    sampler = make()
    uninterrupted = make()
    epochs = [list(uninterrupted) for _ in range(4)]
    assert [list(sampler), list(sampler)] == epochs[:2]
    iterator = iter(sampler)
    state = sampler.state_dict()
    assert (state["epoch"], state["position"]) == (2, 0)
    resumed = make()
    resumed.load_state_dict(json.loads(json.dumps(state)))
    assert [list(resumed), list(resumed)] == epochs[2:]
    assert list(iterator) == epochs[2]  # the opened iterator itself is unaffected


def test_state_is_small_and_json():
    sampler = fs.RandomSampler(range(10**6), generator=__import__("torch").Generator())
    state = sampler.state_dict()
    assert json.loads(json.dumps(state)) == state
    assert len(json.dumps(state)) < 8000
    assert set(state) >= {"kind", "spec_version", "seed", "seed_source", "epoch", "position", "fingerprint"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "torch.SubsetRandomSampler"}, "kind"),
        ({"spec_version": 0}, "spec_version"),
        ({"fingerprint": "0" * 32}, "fingerprint"),
        ({"position": -1}, "position"),
        ({"position": N + 1}, "position"),
        ({"epoch": -2}, "epoch"),
        ({"epoch": 2**56}, "epoch"),
    ],
)
def test_mismatched_states_name_the_field(change, field):
    sampler = fs.RandomSampler(range(N), seed=7)
    with pytest.raises(ValueError, match=f"state\\['{field}'\\]"):
        sampler.load_state_dict({**sampler.state_dict(), **change})


def test_other_parameters_do_not_load():
    saved = fs.RandomSampler(range(N), seed=7).state_dict()
    for other in [
        fs.RandomSampler(range(N + 1), seed=7),
        fs.RandomSampler(range(N), seed=8),
        fs.RandomSampler(range(N), seed=7, permutation="fisher-yates"),
        fs.RandomSampler(range(N), num_samples=N - 1, seed=7),
    ]:
        with pytest.raises(ValueError, match="fingerprint"):
            other.load_state_dict(saved)
    with pytest.raises(ValueError, match="fingerprint"):
        fm.RandomSampler(seed=1, dataset_size=N).load_state_dict(fm.RandomSampler(seed=2, dataset_size=N).state_dict())
    with pytest.raises(ValueError, match="kind"):
        fm.RandomSampler(seed=1, dataset_size=N).load_state_dict(saved)


def test_abandoned_iterators_leave_no_threads_behind():
    before = threading.active_count()
    for seed in range(40):
        iterator = iter(fs.RandomSampler(range(300_000), seed=seed))
        next(iterator)  # a chunk is being prefetched when the iterator is dropped
    assert threading.active_count() <= before + 2


def test_permutation_is_checked_by_name():
    import typing

    import ferrosampler._core as core

    # The Literal the signatures are typed with names exactly the core's algorithms, default first.
    assert typing.get_args(fs._inputs.checks.Permutation) == core.PERMUTATIONS == ("feistel", "fisher-yates")
    for make in [
        lambda p: fs.RandomSampler(range(3), permutation=p),
        lambda p: fs.SubsetRandomSampler([1, 2], permutation=p),
        lambda p: fm.RandomSampler(permutation=p),
        lambda p: fm.SubsetRandomSampler([1], permutation=p),
        lambda p: fm.DistributedSampler(2, 0, permutation=p),
        lambda p: fm.PKSampler(1, permutation=p),
    ]:
        with pytest.raises(
            ValueError, match="permutation must be one of 'feistel', 'fisher-yates', got permutation='x'"
        ):
            make("x")


def test_fisher_yates_keeps_spec_v1_output():
    import ferrosampler._core as core

    n = 1000
    v1 = core.permutation_stream(9, core.MAIN, 0, n, 0, n, permutation="fisher-yates").tolist()
    assert fs.RandomSampler(range(n), seed=9, permutation="fisher-yates").epoch_indices(0).tolist() == v1
    assert fs.RandomSampler(range(n), seed=9).epoch_indices(0).tolist() != v1


def test_torch_samplers_are_torch_samplers():
    import torch.utils.data

    for sampler in [
        fs.RandomSampler(range(3)),
        fs.SubsetRandomSampler([1]),
        fs.WeightedRandomSampler([1.0], 1),
        fs.SequentialSampler(range(3)),
        fs.BatchSampler(range(3), 2, False),
    ]:
        assert isinstance(sampler, torch.utils.data.Sampler)
