"""``algorithm=`` of the samplers that draw by weight without replacement (docs/spec.md §8, §13): states record
it, refuse another, and a state saved by spec v2 (no field) resumes with the sequential algorithm it was saved
with. The fixture of states saved by the previous release is tests/resume/test_saved_states.py."""

from __future__ import annotations

import copy
import pickle

import pytest

import ferrosampler as fs
from ferrosampler.mindspore import WeightedRandomSampler as MindSporeWeighted

WEIGHTS = [0.5, 1.0, 2.0, 0.0, 3.0, 1.5, 1.0, 2.5]


def torch_sampler(algorithm: str = "keys") -> fs.WeightedRandomSampler:
    return fs.WeightedRandomSampler(WEIGHTS, 5, replacement=False, seed=3, algorithm=algorithm)


def distributed(algorithm: str = "keys", rank: int = 0) -> fs.DistributedWeightedSampler:
    return fs.DistributedWeightedSampler(WEIGHTS, 6, 2, rank, replacement=False, seed=3, algorithm=algorithm)


def test_the_default_is_keys_and_sequential_is_spec_2() -> None:
    keys, sequential = torch_sampler(), torch_sampler("sequential")
    table = fs._core.WeightTable(fs._inputs.weights.torch_weights(WEIGHTS))
    assert keys.epoch_indices(0).tolist() == table.without_replacement(3, 0, 5, "keys").tolist()
    assert sequential.epoch_indices(0).tolist() == table.without_replacement(3, 0, 5, "sequential").tolist()
    assert repr(keys).endswith("seed=3, algorithm='keys')")
    assert "algorithm" not in repr(fs.WeightedRandomSampler(WEIGHTS, 5, seed=3))  # with replacement it draws none
    with pytest.raises(ValueError, match="algorithm must be one of 'keys', 'sequential', got algorithm='exact'"):
        torch_sampler("exact")


@pytest.mark.parametrize("make", [torch_sampler, distributed])
def test_pickling_keeps_the_algorithm(make) -> None:
    sampler = make("sequential")
    copied = pickle.loads(pickle.dumps(sampler))
    assert copied.algorithm == "sequential"
    assert list(copied) == list(make("sequential"))


@pytest.mark.parametrize("make", [torch_sampler, distributed])
def test_a_state_of_another_algorithm_is_refused(make) -> None:
    for saved, loading in (("keys", "sequential"), ("sequential", "keys")):
        state = make(saved).state_dict()
        assert state["algorithm"] == saved
        sampler = make(loading)
        with pytest.raises(ValueError, match=r"state\['algorithm'\] is '.*', but this sampler has algorithm="):
            sampler.load_state_dict(state)
        assert sampler.algorithm == loading
    state = make("keys").state_dict()
    state["algorithm"] = "exact"
    with pytest.raises(ValueError, match=r"state\['algorithm'\] must be one of"):
        make("keys").load_state_dict(state)


def spec_2_state(sampler) -> dict:
    """What spec v2 saved for this sampler's place: the sequential algorithm's state, without the new field."""
    state = copy.deepcopy(sampler.state_dict())
    del state["algorithm"]
    state["spec_version"] = 2
    return state


def test_a_spec_2_state_resumes_sequentially_and_stays_sequential() -> None:
    saved = torch_sampler("sequential")
    iterator = iter(saved)
    head = [next(iterator) for _ in range(2)]
    state = spec_2_state(saved)
    rest, following = list(iterator), list(saved)
    resumed = torch_sampler()  # the default, as the user's code builds it after upgrading
    resumed.load_state_dict(state)
    assert resumed.algorithm == "sequential"
    assert list(resumed) == rest and list(resumed) == following
    assert len(head + rest) == 5


def test_a_spec_2_wrapper_state_resumes_its_inner_sampler_sequentially() -> None:
    """A wrapper's state records only the inner fingerprint: the inner sampler takes spec 2's algorithm."""
    saved = fs.DistributedSamplerWrapper(torch_sampler("sequential"), num_replicas=2, rank=1)
    iterator = iter(saved)
    next(iterator)
    state = copy.deepcopy(saved.state_dict())
    assert "algorithm" not in state  # nothing of the inner sampler's algorithm but its fingerprint
    state["spec_version"] = 2
    rest, following = list(iterator), list(saved)
    resumed = fs.DistributedSamplerWrapper(torch_sampler(), num_replicas=2, rank=1)
    resumed.load_state_dict(state)
    assert resumed.sampler.algorithm == "sequential"
    assert list(resumed) == rest and list(resumed) == following
    # A keys inner state under a spec-2 label is still refused, and the inner sampler keeps its algorithm.
    keys = fs.DistributedSamplerWrapper(torch_sampler(), num_replicas=2, rank=1)
    state = copy.deepcopy(keys.state_dict())
    state["spec_version"] = 2
    with pytest.raises(ValueError, match="fingerprint"):
        keys.load_state_dict(state)
    assert keys.sampler.algorithm == "keys"


def test_a_spec_2_state_of_other_parameters_is_refused_and_the_algorithm_kept() -> None:
    state = spec_2_state(fs.WeightedRandomSampler(WEIGHTS, 4, replacement=False, seed=3, algorithm="sequential"))
    sampler = torch_sampler()
    with pytest.raises(ValueError, match="fingerprint"):
        sampler.load_state_dict(state)
    assert sampler.algorithm == "keys"
    # A keys state stripped of its field is not a spec-2 state: its fingerprint is the keys algorithm's.
    state = torch_sampler().state_dict()
    del state["algorithm"]
    with pytest.raises(ValueError, match="fingerprint"):
        torch_sampler().load_state_dict(state)


def test_a_spec_2_distributed_state_resumes_sequentially_on_any_world() -> None:
    saved = [distributed("sequential", rank) for rank in range(2)]
    iterators = [iter(rank) for rank in saved]
    for _ in range(1):
        for iterator in iterators:
            next(iterator)
    state = spec_2_state(saved[0])
    resumed = [fs.DistributedWeightedSampler(WEIGHTS, 6, 3, r, replacement=False, seed=3) for r in range(3)]
    for rank in resumed:
        rank.load_state_dict(state)
    rest = [list(rank) for rank in resumed]
    # §14 on 3 ranks from global position 2 of the sequential draw (positions past 6 are padding, read mod 6).
    whole = distributed("sequential").global_indices(0).tolist()
    assert rest == [[whole[(2 + r + 3 * j) % 6] for j in range(2)] for r in range(3)]
    assert all(rank.algorithm == "sequential" for rank in resumed)


def test_other_spec_versions_are_refused() -> None:
    state = torch_sampler().state_dict()
    state["spec_version"] = 4
    with pytest.raises(ValueError, match=r"state\['spec_version'\] must be one of \(2, 3\)"):
        torch_sampler().load_state_dict(state)


def test_mindspore_states_record_and_resume_the_algorithm() -> None:
    pytest.importorskip("mindspore.dataset", reason="MindSpore is not installed")

    def make(algorithm: str = "keys") -> MindSporeWeighted:
        return MindSporeWeighted(WEIGHTS, 5, False, seed=3, dataset_size=8, algorithm=algorithm)

    keys = make()
    assert "algorithm='keys'" in repr(keys)
    state = keys.state_dict()
    assert state["algorithms"] == ["keys"]
    with pytest.raises(ValueError, match=r"state\['algorithm'\] is 'keys', but this sampler has algorithm="):
        make("sequential").load_state_dict(state)
    old = make("sequential")
    iterator = iter(old)
    next(iterator)
    legacy = copy.deepcopy(old.state_dict())
    del legacy["algorithms"]
    legacy["spec_version"] = 2
    rest = list(iterator)
    resumed = make()
    resumed.load_state_dict(legacy)
    assert resumed.algorithm == "sequential"
    assert list(resumed) == rest
