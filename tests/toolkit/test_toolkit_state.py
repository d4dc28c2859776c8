"""state_dict / load_state_dict of DistributedWeightedSampler, PKBatchSampler and MPerClassSampler: a
resume at any position continues the epoch exactly; other weights (or parameters) are refused."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

LABELS = np.repeat(np.arange(6), [9, 2, 5, 7, 3, 4])
WEIGHTS = np.linspace(0.5, 3.0, 30)


def _samplers(family):
    return {
        "weighted": lambda w=WEIGHTS: family.DistributedWeightedSampler(w, 50, num_replicas=3, rank=1, seed=2),
        "pk": lambda: family.PKBatchSampler(LABELS, 3, 2, num_batches=9, seed=4),
        "m": lambda: family.MPerClassSampler(LABELS, 2, 4, 40, seed=5),
    }


def _global_place(name, stop, share):
    """spec §21: the global position (and MPerClassSampler's offset) after ``stop`` outputs of a rank's share."""
    if name == "weighted":  # rank 1 of 3 over 50 draws: 3 global draws per output, all 50 once the share is done
        return (50 if stop == share else 3 * stop), 0
    if name == "pk":  # one rank: global batch = batches handed out
        return stop, 0
    return (stop // 4, stop % 4) if stop < share else (10, 0)  # units of batch_size=4 indices, 10 of them


@pytest.mark.parametrize("name", ["weighted", "pk", "m"])
def test_resume_at_every_position(family, name):
    make = _samplers(family)[name]
    whole = list(make())
    for stop in range(len(whole) + 1):
        sampler = make()
        iterator = iter(sampler)
        head = [next(iterator) for _ in range(stop)]
        state = json.loads(json.dumps(sampler.state_dict()))
        assert (state["position"], state.get("offset", 0)) == _global_place(name, stop, len(whole))
        resumed = make()
        resumed.load_state_dict(state)
        assert head + list(resumed) == whole
    after = make()
    list(after)
    after.load_state_dict(make().state_dict())  # an idle state: the epoch from the start
    assert list(after) == whole


def test_counting_samplers_continue_with_the_next_epoch(family):
    make = _samplers(family)["pk"]
    sampler = make()
    epoch0, epoch1 = list(sampler), list(sampler)
    iterator = iter(sampler)
    next(iterator)
    resumed = make()
    resumed.load_state_dict(sampler.state_dict())
    assert [epoch0, epoch1] == [list(make()), make().epoch_batches(1).tolist()]
    assert len(list(resumed)) == len(epoch0) - 1 and list(resumed) == make().epoch_batches(3).tolist()


def test_resume_with_other_weights_is_refused(family):
    sampler = _samplers(family)["weighted"]()
    state = sampler.state_dict()
    other = _samplers(family)["weighted"](WEIGHTS * 2 + 1)
    with pytest.raises(ValueError, match="fingerprint"):
        other.load_state_dict(state)
    sampler.set_weights(WEIGHTS + 1)
    list(sampler)  # the new weights are in effect now: its states describe them
    with pytest.raises(ValueError, match="fingerprint"):
        _samplers(family)["weighted"]().load_state_dict(sampler.state_dict())
    _samplers(family)["weighted"](WEIGHTS + 1).load_state_dict(sampler.state_dict())


@pytest.mark.parametrize("name", ["pk", "m"])
def test_other_parameters_are_refused(family, name):
    state = _samplers(family)[name]().state_dict()
    if name == "pk":
        others = {"p": family.PKBatchSampler(LABELS, 2, 2, num_batches=9, seed=4)}
        others["fingerprint"] = family.PKBatchSampler(LABELS[::-1], 3, 2, num_batches=9, seed=4)
    else:
        others = {"seed": family.MPerClassSampler(LABELS, 2, 4, 40, seed=6)}
        others["fingerprint"] = family.MPerClassSampler(LABELS[::-1], 2, 4, 40, seed=5)
    for field, other in others.items():  # a scalar parameter is named; other labels show in the fingerprint
        with pytest.raises(ValueError, match=re.escape(f"state['{field}']")):
            other.load_state_dict(state)
    with pytest.raises(ValueError, match="kind"):
        family.DistributedWeightedSampler(WEIGHTS, num_replicas=1, rank=0).load_state_dict(state)


def test_unseeded_mid_epoch_resume_keeps_the_epoch_seed(family):
    sampler = family.PKBatchSampler(LABELS, 3, 2, num_batches=6)
    iterator = iter(sampler)
    head = [next(iterator) for _ in range(2)]
    state = sampler.state_dict()
    rest = list(iterator)
    resumed = family.PKBatchSampler(LABELS, 3, 2, num_batches=6)
    resumed.load_state_dict(state)
    assert head + list(resumed) == head + rest
