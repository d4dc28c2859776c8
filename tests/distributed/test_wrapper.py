"""DistributedSamplerWrapper: the ranks' shares put back together are one epoch of the inner sampler, for every
sampler type of both modules, and a seekable inner epoch is read by seeking (only this rank's positions)."""

from __future__ import annotations

import contextlib
import inspect
import json
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler
import ferrosampler._core as core
import ferrosampler.mindspore
import ferrosampler.reference
import ferrosampler.reference.mindspore
from ferrosampler._protocol.epoch import open_epoch

RUST = (ferrosampler, ferrosampler.mindspore)
REFERENCE = (ferrosampler.reference, ferrosampler.reference.mindspore)


def labels(n):
    return [i % 4 for i in range(n + 4)]  # at least one row of each of 4 classes


def chain(parent, child):
    parent.add_child(child)
    return parent


# name -> (f, m, n, seed) -> a fresh inner sampler (f: the torch-compatible module, m: the MindSpore one), and
# how the wrapper reads it (Epoch.how). Every public sampler class of both modules is here (test below).
INNER = {
    "RandomSampler": (lambda f, m, n, s: f.RandomSampler(range(n), seed=s), "seeked"),
    "RandomSampler/replacement": (lambda f, m, n, s: f.RandomSampler(range(n), True, 2 * n + 1, seed=s), "seeked"),
    "RandomSampler/num_samples": (lambda f, m, n, s: f.RandomSampler(range(n), False, 3 * n - 1, seed=s), "seeked"),
    "RandomSampler/fisher-yates": (
        lambda f, m, n, s: f.RandomSampler(range(n), False, 2 * n + 3, seed=s, permutation="fisher-yates"),
        "regenerated",
    ),
    "RandomSampler/unseeded": (lambda f, m, n, s: f.RandomSampler(range(n)), "seeked"),
    "SubsetRandomSampler": (lambda f, m, n, s: f.SubsetRandomSampler([10 * i for i in range(n)], seed=s), "seeked"),
    "SubsetRandomSampler/fisher-yates": (
        lambda f, m, n, s: f.SubsetRandomSampler([f"v{i}" for i in range(n)], seed=s, permutation="fisher-yates"),
        "regenerated",
    ),
    "SequentialSampler": (lambda f, m, n, s: f.SequentialSampler(range(n)), "seeked"),
    "WeightedRandomSampler": (
        lambda f, m, n, s: f.WeightedRandomSampler([1.0 + i % 3 for i in range(n)], n + 2, seed=s),
        "seeked",
    ),
    "WeightedRandomSampler/no-replacement": (
        lambda f, m, n, s: f.WeightedRandomSampler([1.0 + i for i in range(n)], max(1, n - 1), False, seed=s),
        "regenerated",
    ),
    "BatchSampler": (lambda f, m, n, s: f.BatchSampler(f.RandomSampler(range(n), seed=s), 3, False), "seeked"),
    "BatchSampler/large-batches": (
        lambda f, m, n, s: f.BatchSampler(f.SubsetRandomSampler(list(range(n)), seed=s), 7, False),
        "seeked",
    ),
    "BatchSampler/drop_last": (
        lambda f, m, n, s: f.BatchSampler(f.RandomSampler(range(n), True, 2 * n, seed=s), 2, True),
        "seeked",
    ),
    "BatchSampler/weighted-no-replacement": (
        lambda f, m, n, s: f.BatchSampler(f.WeightedRandomSampler([1.0] * n, n, False, seed=s), 2, False),
        "regenerated",
    ),
    "BatchSampler/mindspore": (
        lambda f, m, n, s: f.BatchSampler(m.RandomSampler(seed=s, dataset_size=n), 2, False),
        "seeked",
    ),
    "BatchSampler/foreign": (
        lambda f, m, n, s: f.BatchSampler([(i * 7) % n for i in range(n)], 3, False),
        "materialised",
    ),
    "DistributedSampler": (lambda f, m, n, s: f.DistributedSampler(range(n), 3, 1, seed=s), "seeked"),
    "DistributedSampler/fisher-yates-drop_last": (
        lambda f, m, n, s: f.DistributedSampler(range(n + 1), 2, 0, seed=s, drop_last=True, permutation="fisher-yates"),
        "regenerated",
    ),
    "DistributedSampler/no-shuffle": (lambda f, m, n, s: f.DistributedSampler(range(n), 4, 3, False), "seeked"),
    "DistributedSamplerWrapper": (
        lambda f, m, n, s: f.DistributedSamplerWrapper(f.RandomSampler(range(n), seed=s), 2, 1),
        "seeked",
    ),
    "DistributedWeightedSampler": (
        lambda f, m, n, s: f.DistributedWeightedSampler([1.0 + i % 3 for i in range(n)], 2 * n, 3, 2, seed=s),
        "seeked",
    ),
    "DistributedWeightedSampler/no-replacement": (
        lambda f, m, n, s: f.DistributedWeightedSampler([1.0 + i for i in range(n)], n, 2, 1, False, seed=s),
        "regenerated",
    ),
    "PKBatchSampler": (
        lambda f, m, n, s: f.PKBatchSampler(labels(n), 2, 3, num_batches=n, seed=s, num_replicas=2, rank=1),
        "seeked",
    ),
    "PKBatchSampler/unseeded": (lambda f, m, n, s: f.PKBatchSampler(labels(n), 3, 2), "materialised"),
    "MPerClassSampler": (
        lambda f, m, n, s: f.MPerClassSampler(labels(n), 2, 4, max(4, n), seed=s, num_replicas=2, rank=0),
        "regenerated",
    ),
    "MPerClassSampler/passes": (
        lambda f, m, n, s: f.MPerClassSampler(labels(n), 1, None, 3 * n, seed=s),
        "regenerated",
    ),
    "LengthGroupedBatchSampler": (
        lambda f, m, n, s: f.LengthGroupedBatchSampler([(i * 5) % 7 for i in range(n)], 2, window=4, seed=s),
        "materialised",
    ),
    "LengthGroupedBatchSampler/max_tokens": (
        lambda f, m, n, s: f.LengthGroupedBatchSampler(
            [(i * 5) % 7 for i in range(n)], max_tokens=9, seed=s, num_replicas=2, rank=1
        ),
        "materialised",
    ),
    "mindspore.SequentialSampler": (
        lambda f, m, n, s: m.SequentialSampler(n // 3, n // 2 + 1, dataset_size=n),
        "seeked",
    ),
    "mindspore.RandomSampler": (lambda f, m, n, s: m.RandomSampler(seed=s, dataset_size=n), "seeked"),
    "mindspore.RandomSampler/replacement": (
        lambda f, m, n, s: m.RandomSampler(True, n // 2 + 1, seed=s, dataset_size=n),
        "seeked",
    ),
    "mindspore.RandomSampler/fisher-yates": (
        lambda f, m, n, s: m.RandomSampler(seed=s, dataset_size=n, permutation="fisher-yates"),
        "regenerated",
    ),
    "mindspore.SubsetSampler": (
        lambda f, m, n, s: m.SubsetSampler([(7 * i) % n for i in range(n + 3)], dataset_size=n),
        "seeked",
    ),
    "mindspore.SubsetRandomSampler": (
        lambda f, m, n, s: m.SubsetRandomSampler([(3 * i) % n for i in range(n + 2)], seed=s, dataset_size=n),
        "seeked",
    ),
    "mindspore.WeightedRandomSampler": (
        lambda f, m, n, s: m.WeightedRandomSampler(
            [1.0] + [float(i % 3) for i in range(n - 1)], seed=s, dataset_size=n
        ),
        "seeked",
    ),
    "mindspore.WeightedRandomSampler/no-replacement": (
        lambda f, m, n, s: m.WeightedRandomSampler(
            [1.0] + [float(i % 3) for i in range(n - 1)], n, False, seed=s, dataset_size=n
        ),
        "regenerated",
    ),
    "mindspore.DistributedSampler": (lambda f, m, n, s: m.DistributedSampler(3, 1, seed=s, dataset_size=n), "seeked"),
    "mindspore.DistributedSampler/offset": (
        lambda f, m, n, s: m.DistributedSampler(4, 2, False, offset=1, seed=s, dataset_size=n),
        "seeked",
    ),
    "mindspore.PKSampler": (lambda f, m, n, s: m.PKSampler(2, shuffle=True, labels=labels(n), seed=s), "seeked"),
    "mindspore.chain/sequential-over-random": (
        lambda f, m, n, s: chain(m.SequentialSampler(0, max(1, n - 1), dataset_size=n), m.RandomSampler(seed=s)),
        "seeked",
    ),
    "mindspore.chain/unshuffled-shard-over-sequential-over-random": (
        lambda f, m, n, s: chain(
            m.DistributedSampler(2, 1, False, dataset_size=n), chain(m.SequentialSampler(), m.RandomSampler(seed=s))
        ),
        "seeked",
    ),
    "mindspore.chain/random-over-subset": (
        lambda f, m, n, s: chain(
            m.RandomSampler(seed=s, dataset_size=n), m.SubsetRandomSampler([(5 * i) % n for i in range(n + 1)], seed=s)
        ),
        "regenerated",
    ),
    "MixtureSampler": (
        lambda f, m, n, s: f.MixtureSampler([n, 5, 2 * n + 1], [0.5, 0.2, 0.3], num_samples=2 * n + 3, seed=s),
        "seeked",
    ),
    "MixtureSampler/schedule-unseeded": (
        lambda f, m, n, s: f.MixtureSampler([3, n], [(0, [1, 0]), (n // 2 + 1, [1, 2])], num_samples=n + 1),
        "seeked",
    ),
    "foreign": (lambda f, m, n, s: [(i * 7) % n for i in range(n)], "materialised"),
}


@contextlib.contextmanager
def same_drawn_seeds():
    """Unseeded samplers draw from torch's global generator: the same draws for every 'rank', then restored."""
    torch = pytest.importorskip("torch")
    generator = torch.default_generator
    saved = generator.get_state()
    generator.manual_seed(1234)
    try:
        yield
    finally:
        generator.set_state(saved)


def make(name, modules, n, seed):
    with same_drawn_seeds():
        return INNER[name][0](*modules, n, seed)


def one_epoch(name, modules, n, seed, epoch):
    sampler = make(name, modules, n, seed)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)
    with same_drawn_seeds():
        return list(sampler)


def rank_shares(name, modules, n, seed, epoch, world, drop_last=False):
    out = []
    for rank in range(world):
        wrapper = modules[0].DistributedSamplerWrapper(make(name, modules, n, seed), world, rank, drop_last)
        wrapper.set_epoch(epoch)
        with same_drawn_seeds():
            share = list(wrapper)
        assert len(share) == len(wrapper)
        out.append(share)
    return out


def expected_share(whole, world, rank, drop_last=False):
    """torch's DistributedSampler rule applied to a list: pad from its front (or cut), take every world-th."""
    if drop_last:
        padded = whole[: len(whole) // world * world]
    else:
        size = -(-len(whole) // world) * world
        padded = (whole * (size // max(1, len(whole)) + 1))[:size] if whole else []
    return padded[rank::world]


def public_sampler_classes():
    classes = []
    for module in RUST:
        for name in module.__all__:
            value = getattr(module, name)
            sampler = (
                inspect.isclass(value) and callable(getattr(value, "__iter__", None)) and hasattr(value, "__len__")
            )
            if sampler and not issubclass(value, (str, int, tuple)):  # not the Shuffle enum, not Position
                classes.append(value)
    return classes


def test_every_public_sampler_class_is_in_the_list():
    built = {type(INNER[name][0](*RUST, 12, 1)) for name in INNER}
    missing = [cls.__module__ + "." + cls.__qualname__ for cls in public_sampler_classes() if cls not in built]
    assert not missing, f"add these sampler classes to INNER: {missing}"
    assert len(public_sampler_classes()) == 19  # 12 torch-compatible + 7 MindSpore: a new class fails here first


@pytest.mark.parametrize("modules", [RUST, REFERENCE], ids=["rust", "reference"])
@pytest.mark.parametrize("name", sorted(INNER))
@settings(max_examples=12, deadline=None)
@given(n=st.integers(1, 40), seed=st.integers(0, 2**64 - 1), epoch=st.integers(0, 5), world=st.integers(1, 5))
def test_each_rank_is_its_strided_share_of_one_inner_epoch(modules, name, n, seed, epoch, world):
    whole = one_epoch(name, modules, n, seed, epoch)
    shares = rank_shares(name, modules, n, seed, epoch, world)
    for rank, share in enumerate(shares):
        assert share == expected_share(whole, world, rank), rank
    # The union over ranks before padding is the epoch: position p is rank p mod R's (p div R)-th value.
    assert [shares[p % world][p // world] for p in range(len(whole))] == whole
    dropped = rank_shares(name, modules, n, seed, epoch, world, drop_last=True)
    for rank, share in enumerate(dropped):
        assert share == expected_share(whole, world, rank, drop_last=True), rank


@pytest.mark.parametrize("name", sorted(INNER))
def test_how_each_sampler_is_read(name):
    sampler = INNER[name][0](*RUST, 30, 5)
    with same_drawn_seeds():
        assert open_epoch(sampler).how == INNER[name][1]


# -- seeking, proven on a recording engine --------------------------------------------------------------------------


class RecordingTable:
    """A real WeightTable whose draws are counted."""

    def __init__(self, engine, table):
        self._engine, self._table = engine, table

    def alias_draws(self, seed, epoch, start, count, stride=1):
        self._engine.computed += count
        return self._table.alias_draws(seed, epoch, start, count, stride)

    def without_replacement(self, seed, epoch, k, *algorithm):
        self._engine.computed += k
        return self._table.without_replacement(seed, epoch, k, *algorithm)

    def __getattr__(self, name):
        return getattr(self._table, name)

    def __len__(self):
        return len(self._table)


class RecordingLayout:
    """A real ClassLayout whose rows are counted: pk_draws' count, pk_batches' count · p · k,
    m_per_class_units' count · group · m."""

    def __init__(self, engine, layout):
        self._engine, self._layout = engine, layout

    def pk_draws(self, seed, epoch, class_order, num_val, start, count, stride=1):
        self._engine.computed += count
        return self._layout.pk_draws(seed, epoch, class_order, num_val, start, count, stride)

    def pk_batches(self, seed, epoch, p, k, replacement, start, count, stride=1):
        self._engine.computed += count * p * k
        return self._layout.pk_batches(seed, epoch, p, k, replacement, start, count, stride)

    def m_per_class_units(self, seed, epoch, group, m, start, count, stride=1):
        self._engine.computed += count * group * m
        return self._layout.m_per_class_units(seed, epoch, group, m, start, count, stride)

    def __getattr__(self, name):
        return getattr(self._layout, name)

    def __len__(self):
        return len(self._layout)


class RecordingPlan:
    """A MixturePlan whose draws count the positions they compute."""

    def __init__(self, engine, plan):
        self._engine, self._plan = engine, plan

    def draws(self, seed, epoch, start, count, stride=1):
        self._engine.computed += count
        return self._plan.draws(seed, epoch, start, count, stride=stride)

    def __getattr__(self, name):
        return getattr(self._plan, name)


class RecordingEngine:
    """The Rust engine itself, counting the positions (draws, permutation entries, words / 2) each call computes."""

    COUNT_ARGUMENT: ClassVar[dict[str, int]] = {
        "uniform_draws": 4,
        "permutation_stream": 5,
        "strided_permutation": 6,
    }

    def __init__(self):
        self.computed = 0

    def WeightTable(self, weights):
        return RecordingTable(self, core.WeightTable(weights))

    def ClassLayout(self, rows, offsets):
        return RecordingLayout(self, core.ClassLayout(rows, offsets))

    def MixturePlan(self, sizes, starts, weights, num_samples):
        return RecordingPlan(self, core.MixturePlan(sizes, starts, weights, num_samples))

    def keystream_words(self, seed, purpose, epoch, start, count):
        self.computed += count // 2
        return core.keystream_words(seed, purpose, epoch, start, count)

    def __getattr__(self, name):
        function = getattr(core, name)
        if name not in self.COUNT_ARGUMENT:
            return function

        def counted(*args, **kwargs):
            self.computed += args[self.COUNT_ARGUMENT[name]]
            return function(*args, **kwargs)

        return counted


class Recorded:
    """Stand-ins for the modules whose classes run on a RecordingEngine (subclasses of the real classes)."""

    def __init__(self, module, engine):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isclass(value) and hasattr(value, "_engine"):
                value = type(value.__name__, (value,), {"_engine": engine})
            setattr(self, name, value)


SEEKED = sorted(name for name, (_, how) in INNER.items() if how == "seeked")
REGENERATED = sorted(name for name, (_, how) in INNER.items() if how == "regenerated")


def recorded_costs(name, n, world):
    """Positions the engine computes for one whole inner epoch, and for rank world − 1's share of it."""
    engine = RecordingEngine()
    modules = (Recorded(ferrosampler, engine), Recorded(ferrosampler.mindspore, engine))
    inner = make(name, modules, n, 3)
    engine.computed = 0
    with same_drawn_seeds():
        whole = list(inner)
    full = engine.computed
    wrapper = ferrosampler.DistributedSamplerWrapper(make(name, modules, n, 3), world, world - 1)
    engine.computed = 0
    with same_drawn_seeds():
        share = list(wrapper)
    assert share == expected_share(whole, world, world - 1)
    return full, engine.computed


@pytest.mark.parametrize("name", SEEKED)
def test_a_seekable_inner_epoch_is_read_by_seeking(name):
    # 8 ranks: a rank that computed the whole epoch (or even a quarter of it) would fail. Samplers that draw
    # nothing (sequential, subset, unshuffled shards) compute nothing either way.
    full, share = recorded_costs(name, 3000, 8)
    assert share <= full / 8 * 1.25 + 64, (full, share)


@pytest.mark.parametrize("name", REGENERATED)
def test_an_unseekable_inner_epoch_is_regenerated(name):
    full, share = recorded_costs(name, 400, 8)
    assert share >= full / 8 * 0.9 and share > 0, (full, share)  # documented: O(epoch) or a prefix per rank


def test_a_seeked_inner_sampler_is_never_iterated():
    class Refusing(ferrosampler.RandomSampler):
        def __iter__(self):
            raise AssertionError("the wrapper iterated its inner sampler")

        def epoch_indices(self, epoch=None):
            raise AssertionError("the wrapper materialised its inner sampler")

    whole = ferrosampler.RandomSampler(range(50), seed=2).epoch_indices().tolist()
    wrapper = ferrosampler.DistributedSamplerWrapper(
        ferrosampler.BatchSampler(Refusing(range(50), seed=2), 4, False), 3, 1
    )
    assert list(wrapper) == expected_share([whole[i : i + 4] for i in range(0, 50, 4)], 3, 1)


# -- behaviour ----------------------------------------------------------------------------------------------------


def test_is_a_distributed_sampler_and_forwards_set_epoch():
    torch_data = pytest.importorskip("torch.utils.data")
    inner = ferrosampler.RandomSampler(range(10), seed=1)
    wrapper = ferrosampler.DistributedSamplerWrapper(inner, 2, 1)
    assert isinstance(wrapper, torch_data.DistributedSampler)
    wrapper.set_epoch(4)
    assert inner.epoch == 4
    assert (wrapper.num_samples, wrapper.total_size, len(wrapper)) == (5, 10, 5)


@pytest.mark.parametrize(
    "name", ["RandomSampler", "BatchSampler", "mindspore.RandomSampler", "PKBatchSampler", "MPerClassSampler"]
)
def test_counting_inner_sampler_moves_on_each_epoch(name):
    inner = make(name, RUST, 24, 5)
    wrapper = ferrosampler.DistributedSamplerWrapper(inner, 3, 0)
    first, second = list(wrapper), list(wrapper)
    reference = make(name, RUST, 24, 5)
    assert first == expected_share(list(reference), 3, 0)
    assert second == expected_share(list(reference), 3, 0)


RESUMED = [
    "RandomSampler",
    "MixtureSampler",
    "WeightedRandomSampler/no-replacement",
    "SubsetRandomSampler",
    "foreign",
    "BatchSampler",
    "BatchSampler/mindspore",
    "mindspore.RandomSampler",
    "mindspore.chain/random-over-subset",
    "PKBatchSampler",
    "DistributedWeightedSampler",
]


@pytest.mark.parametrize("name", RESUMED)
@pytest.mark.parametrize(("world", "new_world"), [(2, 2), (3, 1), (2, 4)])
def test_resume_and_elastic_resume(name, world, new_world):
    n, seed, epoch = 31, 8, 2
    whole = one_epoch(name, RUST, n, seed, epoch)
    length = len(whole)
    states = []
    for rank in range(world):
        wrapper = ferrosampler.DistributedSamplerWrapper(make(name, RUST, n, seed), world, rank)
        wrapper.set_epoch(epoch)
        iterator = iter(wrapper)
        assert [next(iterator) for _ in range(2)] == [whole[rank], whole[rank + world]]
        states.append(json.loads(json.dumps(wrapper.state_dict())))
    state = ferrosampler.combine_states(states)
    consumed = state["position"]
    assert consumed == 2 * world
    for rank in range(new_world):
        wrapper = ferrosampler.DistributedSamplerWrapper(make(name, RUST, n, seed), new_world, rank)
        wrapper.load_state_dict(state)
        wrapper.set_epoch(epoch)
        rest = list(wrapper)
        count = -(-(length - consumed) // new_world)
        assert rest == [whole[(consumed + rank + j * new_world) % length] for j in range(count)]
        wrapper.set_epoch(epoch + 1)  # later epochs as if never interrupted
        assert list(wrapper) == rank_shares(name, RUST, n, seed, epoch + 1, new_world)[rank]


def test_resume_of_a_drawn_seed_reuses_that_seed():
    torch = pytest.importorskip("torch")
    for make_inner in (
        lambda: ferrosampler.RandomSampler(range(20)),
        lambda: ferrosampler.BatchSampler(ferrosampler.RandomSampler(range(40)), 2, False),
    ):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            whole = list(ferrosampler.DistributedSamplerWrapper(make_inner(), 2, 0))
            torch.manual_seed(0)
            wrapper = ferrosampler.DistributedSamplerWrapper(make_inner(), 2, 0)
            iterator = iter(wrapper)
            head = [next(iterator) for _ in range(3)]
            state = wrapper.state_dict()
            torch.manual_seed(123)  # another global state: the saved seed decides
            resumed = ferrosampler.DistributedSamplerWrapper(make_inner(), 2, 0)
            resumed.load_state_dict(state)
            assert head + list(resumed) == whole


def test_mismatched_inner_sampler_is_refused():
    state = ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(9), seed=1), 2, 0).state_dict()
    other = ferrosampler.DistributedSamplerWrapper(ferrosampler.RandomSampler(range(9), seed=2), 2, 0)
    with pytest.raises(ValueError, match="inner_seed"):
        other.load_state_dict(state)


def test_set_weights_takes_effect_at_the_next_wrapped_epoch():
    for make_inner in (
        lambda: ferrosampler.WeightedRandomSampler([1.0, 1.0, 1.0, 1.0], 40, seed=3),
        lambda: ferrosampler.DistributedWeightedSampler([1.0, 1.0, 1.0, 1.0], 40, 2, 1, seed=3),
        lambda: ferrosampler.mindspore.WeightedRandomSampler([1.0, 1.0, 1.0, 1.0], 4, seed=3, dataset_size=4),
    ):
        inner = make_inner()
        wrapper = ferrosampler.DistributedSamplerWrapper(inner, 2, 0)
        list(wrapper)
        inner.set_weights([0.0, 0.0, 1.0, 0.0])
        assert set(np.unique(list(wrapper))) == {2}


def test_set_epoch_leaves_a_non_callable_set_epoch_attribute_alone():
    # Lightning's regression test for its #21454: a sampler whose set_epoch is not a method is not called.
    class Labelled(list):
        set_epoch = "not a method"

    wrapper = ferrosampler.DistributedSamplerWrapper(Labelled(range(6)), num_replicas=2, rank=1)
    wrapper.set_epoch(3)
    assert wrapper.epoch == 3 and list(wrapper) == [1, 3, 5]
    wrapper.load_state_dict(wrapper.state_dict())
