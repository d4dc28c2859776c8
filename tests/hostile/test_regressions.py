"""Regression tests for what the hostile suite (and issue 11's fuzz run) found, one test per finding."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import ferrosampler
import ferrosampler._core as rust
import ferrosampler.mindspore
import ferrosampler.reference
import ferrosampler.reference.mindspore
from ferrosampler._inputs.weights import torch_weights
from ferrosampler.reference import _engine as reference

from .values import Dataset

ENGINES = pytest.mark.parametrize("engine", [rust, reference], ids=["rust", "reference"])
FAMILIES = pytest.mark.parametrize("family", [ferrosampler, ferrosampler.reference], ids=["rust", "reference"])
MS = pytest.mark.parametrize(
    "ms", [ferrosampler.mindspore, ferrosampler.reference.mindspore], ids=["rust", "reference"]
)


@FAMILIES
def test_sequential_over_2_63_minus_1_rows_iterates(family) -> None:
    sampler = family.SequentialSampler(Dataset(2**63 - 1))
    assert len(sampler) == 2**63 - 1
    assert list(itertools.islice(sampler, 3)) == [0, 1, 2]
    with pytest.raises(MemoryError):  # numpy itself returns an empty array here
        sampler.epoch_indices()


@MS
def test_mindspore_sequential_over_2_63_minus_1_rows_is_never_an_empty_epoch(ms) -> None:
    """The MindSpore chain builds each epoch's rows as an array: a clean MemoryError, not numpy's empty array."""
    sampler = ms.SequentialSampler(start_index=5, dataset_size=2**63 - 1)
    assert len(sampler) == 2**63 - 6
    with pytest.raises(MemoryError):
        next(iter(sampler))
    with pytest.raises(MemoryError):
        sampler.epoch_indices()
    assert list(ms.SequentialSampler(start_index=5, dataset_size=8)) == [5, 6, 7]


@FAMILIES
def test_random_sampler_over_a_huge_dataset_reads_a_prefix(family) -> None:
    sampler = family.RandomSampler(Dataset(2**63 - 1), num_samples=4, seed=3)
    out = list(sampler)
    assert len(out) == 4 and all(0 <= i < 2**63 - 1 for i in out)


@MS
def test_pk_labels_function_refuses_huge_datasets_without_calling_it(ms) -> None:
    calls = []

    def label(i: int) -> int:
        calls.append(i)
        return i % 3

    with pytest.raises(ValueError, match="labels= as a function"):
        ms.PKSampler(5, labels=label, dataset_size=2**56)
    assert not calls


@ENGINES
def test_strided_permutation_checks_seed_and_epoch_when_not_shuffling(engine) -> None:
    with pytest.raises(ValueError, match="seed"):
        engine.strided_permutation(-1, 0, 10, False, 0, 1, 3)
    with pytest.raises(ValueError, match="epoch"):
        engine.strided_permutation(0, 2**56, 10, False, 0, 1, 3)


@ENGINES
@pytest.mark.parametrize("weights", [3.0, np.array(2.0), "123", b"12", np.array([1 + 2j, 1]), np.array([1 + 0j])])
def test_weight_tables_refuse_scalars_strings_and_complex(engine, weights) -> None:
    with pytest.raises(TypeError, match="weights"):
        engine.WeightTable(weights)


def test_weight_tables_refuse_2d_and_accept_iterators() -> None:
    with pytest.raises(ValueError, match="weights must be 1-D"):
        reference.WeightTable(np.ones((2, 2)))
    assert reference.WeightTable(iter([1.0, 0.0, 2.0])).n == 3
    # The Rust table takes the samplers' float64 snapshot only (tests/engine/test_engine_seam.py).
    for weights in (np.ones((2, 2)), iter([1.0, 0.0, 2.0])):
        with pytest.raises(TypeError, match="weights must be a contiguous 1-D float64 array"):
            rust.WeightTable(weights)


def test_torch_tensors_with_a_gradient_are_read() -> None:
    torch = pytest.importorskip("torch")
    weights = torch.tensor([1.0, 0.0, 3.0], requires_grad=True)
    expected = reference.WeightTable([1.0, 0.0, 3.0]).integer_weights()
    assert reference.WeightTable(weights).integer_weights() == expected
    # The Rust table reads a tensor through the samplers' snapshot.
    assert rust.WeightTable(torch_weights(weights)).integer_weights().tolist() == expected
    assert reference.WeightTable(weights.to(torch.bfloat16)).n == 3
    assert rust.WeightTable(torch_weights(weights.to(torch.bfloat16))).n == 3
    complex_weights = torch.tensor([1.0, 2.0], dtype=torch.complex64)
    with pytest.raises(TypeError, match="weights"):
        reference.WeightTable(complex_weights)
    with pytest.raises(TypeError, match="weights"):
        torch_weights(complex_weights)


@FAMILIES
def test_weighted_sampler_takes_tensors_with_a_gradient(family) -> None:
    torch = pytest.importorskip("torch")
    weights = torch.tensor([1.0, 0.0, 3.0], requires_grad=True)
    a = family.WeightedRandomSampler(weights, 20, seed=4).epoch_indices(0)
    b = family.WeightedRandomSampler([1.0, 0.0, 3.0], 20, seed=4).epoch_indices(0)
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("masses", [[2**64, 0], [-1, 2**33 + 1], [2**100]])
def test_integer_masses_out_of_range_are_value_errors(masses) -> None:
    with pytest.raises(ValueError, match="integer weights"):
        rust.WeightTable._from_integer_weights(masses)
    with pytest.raises(ValueError, match=r"masses|integer weights"):
        reference.WeightTable.from_integer_weights(masses)


@FAMILIES
@pytest.mark.parametrize("length", [2**63, 2**64, 2**100, -1])
def test_a_len_that_does_not_fit_is_a_value_error(family, length) -> None:
    data = Dataset(length)
    for build in (family.RandomSampler, lambda d: family.DistributedSampler(d, 2, 0)):
        with pytest.raises(ValueError, match="len"):
            build(data)
    with pytest.raises(ValueError, match="data_source"):
        len(family.SequentialSampler(data))
    with pytest.raises(ValueError, match="sampler"):
        len(family.BatchSampler(data, 2, False))


@FAMILIES
def test_a_len_of_the_wrong_type_is_a_type_error(family) -> None:
    with pytest.raises(TypeError, match="data_source"):
        family.RandomSampler(Dataset(2.5))
    with pytest.raises(TypeError, match="data_source"):
        family.RandomSampler(Dataset(None), num_samples=3, seed=0).epoch_indices()
    with pytest.raises(TypeError, match="sampler"):
        len(family.BatchSampler(None, 2, False))


@FAMILIES
def test_sequential_epoch_indices_validates_the_epoch(family) -> None:
    sampler = family.SequentialSampler([1, 2, 3])
    with pytest.raises(ValueError, match="epoch"):
        sampler.epoch_indices(epoch=-1)
    with pytest.raises(TypeError, match="epoch"):
        sampler.epoch_indices(epoch="0")
    assert sampler.epoch_indices(epoch=7).tolist() == [0, 1, 2]


def test_shuffle_modes_print_the_same_on_every_python() -> None:
    shuffle = ferrosampler.mindspore.Shuffle
    with pytest.raises(RuntimeError, match=r"^The shuffle mode: Shuffle\.PARTIAL is not"):
        ferrosampler.mindspore.RandomSampler(shuffle=shuffle.PARTIAL)
    with pytest.raises(RuntimeError, match=r"^The shuffle mode: Shuffle\.INFILE is not"):
        ferrosampler.mindspore.DistributedSampler(2, 0, shuffle=shuffle.INFILE)


@ENGINES
def test_stride_none_means_one(engine) -> None:
    assert list(engine.uniform_draws(1, 0, 10, 0, 5, stride=None)) == list(engine.uniform_draws(1, 0, 10, 0, 5))


@ENGINES
def test_integer_sequences_that_are_not_sequences_name_the_argument(engine) -> None:
    with pytest.raises(TypeError, match="rows"):
        engine.ClassLayout(3, [0, 1])


@MS
def test_ragged_labels_name_labels(ms) -> None:
    with pytest.raises(ValueError, match="labels"):
        ms.PKSampler(2, labels=[[1], [2, 3]])


# -- Found by the hostile suite's state, wrapper and toolkit families (fixed; they were xfails in known.py).


def test_an_idle_wrapper_state_loads() -> None:
    """The state of a wrapper that has not started an epoch has no epoch_seed: load raised KeyError."""
    build = lambda: ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(10), seed=1), 2, 0)  # noqa: E731
    resumed = build()
    resumed.load_state_dict(build().state_dict())
    assert list(resumed) == list(build())


@pytest.mark.parametrize("hostile", ["dict", "none-entry", "no-position", "str-position", "nan-position"])
def test_combine_states_refuses_hostile_states_naming_them(hostile: str) -> None:
    state = ferrosampler.DistributedSampler(range(8), 2, 0, seed=1).state_dict()
    given = {
        "dict": state,
        "none-entry": [state, None],
        "no-position": [{k: v for k, v in state.items() if k != "position"}],
        "str-position": [state, {**state, "position": "3"}],
        "nan-position": [{**state, "position": 4}, {**state, "position": float("nan")}],
    }[hostile]
    with pytest.raises((TypeError, ValueError), match="state"):
        ferrosampler.combine_states(given)


class _Len:
    def __init__(self, n: object) -> None:
        self.n = n

    def __len__(self) -> object:
        return self.n

    def __iter__(self):
        return iter(range(3))


@pytest.mark.parametrize(
    "inner", [5, None, iter([1, 2]), _Len(-1), _Len(2**63)], ids=["int", "None", "iter", "-1", "2**63"]
)
def test_wrapper_refuses_a_sampler_without_a_usable_len_naming_it(inner: object) -> None:
    with pytest.raises((TypeError, ValueError), match="sampler"):
        len(ferrosampler.DistributedSamplerWrapper(inner, 2, 0))


def test_wrapper_resume_continues_an_inner_generators_epochs() -> None:
    torch = pytest.importorskip("torch")

    def build():
        inner = ferrosampler.RandomSampler(range(6), generator=torch.Generator().manual_seed(3))
        return ferrosampler.DistributedSamplerWrapper(inner, 1, 0)

    saver, resumed = build(), build()
    iterator = iter(saver)
    next(iterator)
    resumed.load_state_dict(saver.state_dict())
    assert list(resumed) == list(iterator)  # the rest of the epoch: this part works
    assert list(resumed) == list(saver)  # the next epoch: the inner generator continues as uninterrupted


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"m": 2**62}, "m"), ({"m": 3, "num_replicas": 2**63 - 1}, "num_replicas")]
)
def test_m_per_class_refuses_sizes_whose_slots_do_not_fit_naming_them(kwargs: dict, name: str) -> None:
    """Accepted, then the first next() failed with the engine's 'count must be in [0, 2**64)' / 'start must be …'."""
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        list(ferrosampler.MPerClassSampler([0, 1, 0, 1], length_before_new_iter=10, seed=0, rank=0, **kwargs))


def test_wrapper_state_saved_between_epochs_keeps_the_inner_generator() -> None:
    """Saved after the next epoch's iter() drew its seed but before its first next(): the state is the finished
    epoch, so it must carry the generator from before that draw (full run seed 1, case 67559)."""
    torch = pytest.importorskip("torch")

    def build():
        inner = ferrosampler.RandomSampler(range(5), generator=torch.Generator().manual_seed(9))
        return ferrosampler.DistributedSamplerWrapper(ferrosampler.BatchSampler(inner, 2, False), 2, 0)

    saver, resumed = build(), build()
    list(saver)
    upcoming = iter(saver)  # draws the next epoch's seed
    resumed.load_state_dict(saver.state_dict())
    assert list(resumed) == []  # the saved epoch was finished
    assert list(resumed) == list(upcoming)


def test_m_per_class_refuses_a_state_with_absurd_units() -> None:
    """units = 2**100 was a multiple of the units per rank and made the resumed epoch endless (case 65009)."""
    sampler = ferrosampler.MPerClassSampler([0, 1, 0, 1], 1, length_before_new_iter=4, seed=1, num_replicas=2, rank=0)
    state = sampler.state_dict()
    with pytest.raises(ValueError, match=r"state\['units'\]"):
        sampler.load_state_dict({**state, "units": 2**100})


@MS
def test_mindspore_integer_arguments_take_a_bool_as_its_int(ms) -> None:
    """MindSpore's isinstance(x, int) check accepts bools; the engine refuses them, so the checks hand it the int."""
    assert list(ms.DistributedSampler(True, 0, seed=1, dataset_size=10)) == list(
        ms.DistributedSampler(1, 0, seed=1, dataset_size=10)
    )
    assert list(ms.PKSampler(True, labels=[0, 1, 0, 1], seed=1)) == list(ms.PKSampler(1, labels=[0, 1, 0, 1], seed=1))


def test_wrapper_refuses_a_started_epoch_state_without_its_seed() -> None:
    """Full run, state_roundtrip #3607 (seed 7): a wrapper state missing 'epoch_seed' resumed an unseeded inner
    sampler with a fresh draw instead of refusing."""
    torch = pytest.importorskip("torch")

    def build():
        inner = ferrosampler.RandomSampler(range(9), generator=torch.Generator().manual_seed(1))
        return ferrosampler.DistributedSamplerWrapper(inner, num_replicas=2, rank=0)

    wrapper = build()
    iterator = iter(wrapper)
    next(iterator)
    state = wrapper.state_dict()
    del state["epoch_seed"]
    fresh = build()
    with pytest.raises(ValueError, match=r"state\['epoch_seed'\] is missing"):
        fresh.load_state_dict(state)


def test_batch_sampler_over_a_foreign_sampler_refuses_a_position_past_its_length() -> None:
    """Full run, state_roundtrip #21506 (seed 11): a huge position reached itertools.islice (unnamed ValueError)."""
    batches = ferrosampler.BatchSampler([3, 1, 2], 2, False)
    state = {**batches.state_dict(), "position": 2**70}
    with pytest.raises(ValueError, match=r"state\['position'\] must be at most 3"):
        batches.load_state_dict(state)
    batches.load_state_dict({**state, "position": 3})
    assert list(batches) == []


@MS
def test_mindspore_weighted_takes_a_bool_num_samples_as_the_int_it_is(ms) -> None:
    """Full run, cases_mindspore.weighted #16053 (seed 1): MindSpore accepts num_samples=True (an int to it); the
    engine, which refuses bools, was handed the bool itself."""
    sampler = ms.WeightedRandomSampler([1.0, 2.0, 3.0], num_samples=True, replacement=False, seed=1, dataset_size=3)
    assert len(sampler.epoch_indices()) == 1


def test_batch_sampler_refuses_outer_and_inner_fields_that_disagree() -> None:
    """Full run, state_roundtrip #1121 and #81775 (seed 1): the outer epoch/position were never compared with the
    inner state's, so a corrupted one resumed an empty rest or went unnoticed."""
    batches = ferrosampler.BatchSampler(ferrosampler.SubsetRandomSampler(list(range(11)), seed=3), 6, True)
    iterator = iter(batches)
    next(iterator)
    state = batches.state_dict()
    for name, value in (("position", 0), ("epoch", state["epoch"] + 1)):
        with pytest.raises(ValueError, match=rf"state\['{name}'\] is {value}, but state\['sampler'\]\['{name}'\]"):
            ferrosampler.BatchSampler(
                ferrosampler.SubsetRandomSampler(list(range(11)), seed=3), 6, True
            ).load_state_dict({**state, name: value})
    resumed = ferrosampler.BatchSampler(ferrosampler.SubsetRandomSampler(list(range(11)), seed=3), 6, True)
    resumed.load_state_dict(state)
    assert list(resumed) == list(iterator)


@ENGINES
@pytest.mark.parametrize("row", [2**63, 2**64 - 1, -(2**63) - 1])
def test_class_layout_refuses_a_row_outside_int64_on_both_engines(engine, row) -> None:
    """The reference took a row ≥ 2**63 that the engine stores as int64, then served it (hostile pk_draws)."""
    with pytest.raises(ValueError, match=r"rows.*\[-2\*\*63, 2\*\*63\)"):
        engine.ClassLayout([0, 1, row], [0, 3])
    assert list(engine.ClassLayout([0, 1, -(2**63)], [0, 3]).pk_draws(1, 0, [0], 3, 0, 3)) != []


@FAMILIES
def test_wrapper_over_batches_reads_one_batch_on_a_world_past_2_64_over_the_inner_world(family) -> None:
    """One position has no stride: rank·W of a huge wrapper world times the inner world overflowed it."""
    inner = family.PKBatchSampler([0, 0, 1, 1, 2, 2] * 4, p=1, k=2, seed=3, num_replicas=3, rank=0)
    world = 2**63 - 1
    sampler = family.DistributedSamplerWrapper(inner, num_replicas=world, rank=0, drop_last=False)
    got = list(sampler)
    assert len(got) == len(sampler) == 1
    assert got == list(family.PKBatchSampler([0, 0, 1, 1, 2, 2] * 4, p=1, k=2, seed=3, num_replicas=3, rank=0))[:1]


@FAMILIES
@pytest.mark.parametrize("lengths", [[True, 34], (3, np.bool_(False)), [5, 2, False]])
def test_length_grouped_refuses_a_bool_among_integer_lengths(family, lengths) -> None:
    """numpy reads [True, 34] as int64 [1, 34]: the bool was taken for a length (cases_lengths.construction #485)."""
    index = next(i for i, value in enumerate(lengths) if isinstance(value, (bool, np.bool_)))
    with pytest.raises(TypeError, match=rf"^lengths\[{index}\] must be an integer, got "):
        family.LengthGroupedBatchSampler(lengths, 1, seed=0)


@FAMILIES
def test_length_grouped_position_of_in_a_world_of_2_31_ranks_is_one_answer(family) -> None:
    """One batch over 2**31 ranks is repeated on every rank: the engine listed 2**31 places and aborted on the
    allocation (cases_lengths.construction #64534); it now returns them as one arithmetic run."""
    sampler = family.LengthGroupedBatchSampler((22,), max_tokens=39, num_replicas=2**31, rank=0, seed=2**63)
    assert sampler.position_of(0, 0) == (0, 0, 0, 0, 0)
    assert sampler._plan(2**63, 0, 2**31).locate(0) == (0, 0, 1, 2**31)


@FAMILIES
@pytest.mark.parametrize("weights", [[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0, 5.0]])
def test_a_spec_3_wrapper_state_relabelled_spec_2_over_a_keys_sampler_reads_as_spec_2(family, weights) -> None:
    """Hostile run seed 22: a spec-3 wrapper state relabelled spec 2 is not the same state where spec 2 fixes the
    inner algorithm (weighted without replacement: sequential). It is read as the spec-2 state it claims to be:
    the rest of the epoch is the sequential sampler's, never a mix (or refused, where the fingerprint differs)."""

    def build(algorithm: str) -> object:
        inner = family.WeightedRandomSampler(
            [1.0, 2.0, 3.0, 4.0, 5.0], 5, replacement=False, seed=5, algorithm=algorithm
        )
        return family.DistributedSamplerWrapper(inner, 2, 0)

    started, sequential = build("keys"), build("sequential")
    next(iter(started))
    rest_sequential = list(itertools.islice(iter(sequential), 1, None))
    resumed = build("keys")
    relabelled = {**started.state_dict(), "spec_version": 2}
    if relabelled["inner_fingerprint"] != sequential.state_dict()["inner_fingerprint"]:
        with pytest.raises(ValueError, match="inner_fingerprint"):
            resumed.load_state_dict(relabelled)
    else:
        resumed.load_state_dict(relabelled)
        assert list(resumed) == rest_sequential
