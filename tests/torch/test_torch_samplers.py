"""torch.utils.data semantics: structure, lengths, seeds and epochs, and errors
(../shared/reference/torch-samplers.md §2, §5, §6, §8)."""

from __future__ import annotations

import collections
import copy
import functools
import math
import operator
import pickle

import numpy as np
import pytest

import ferrosampler as fs
from ferrosampler import ArgumentTypeError

torch = pytest.importorskip("torch")

DATA = range(100)


# --- torch's own test_random_sampler assertions -----------------------------------------


def test_random_sampler_counts_like_torch() -> None:
    counts = collections.Counter(fs.RandomSampler(DATA, replacement=True, num_samples=101, seed=1))
    assert sum(counts.values()) == 101 and min(counts) >= 0 and max(counts) < 100
    assert max(counts.values()) > 1
    counts = collections.Counter(fs.RandomSampler(DATA, seed=1))
    assert sorted(counts) == list(DATA) and set(counts.values()) == {1}
    assert set(collections.Counter(fs.RandomSampler(DATA, num_samples=200, seed=1)).values()) == {2}
    counts = collections.Counter(fs.RandomSampler(DATA, num_samples=99, seed=1))
    assert len(counts) == 99 and set(counts.values()) == {1}
    counts = collections.Counter(fs.RandomSampler(DATA, num_samples=101, seed=1))
    assert sorted(counts.values()) == [1] * 99 + [2]


def test_random_sampler_blocks_are_permutations() -> None:
    out = list(fs.RandomSampler(range(10), num_samples=25, seed=3))
    assert sorted(out[:10]) == sorted(out[10:20]) == list(range(10))
    assert len(set(out[20:])) == 5


@pytest.mark.parametrize("replacement", [False, True])
def test_lengths_match_torch(replacement: bool) -> None:
    sampler = fs.RandomSampler(DATA, replacement=replacement, num_samples=105)
    assert len(sampler) == 105 and len(list(sampler)) == 105
    assert len(torch.utils.data.DataLoader(DATA, batch_size=6, sampler=sampler)) == math.ceil(105 / 6)


def test_random_sampler_follows_a_growing_dataset() -> None:
    data = [1, 2, 3, 4]
    sampler = fs.RandomSampler(data, seed=0)
    data.append(5)
    assert len(sampler) == 5 and sorted(sampler) == [0, 1, 2, 3, 4]


def test_sequential_and_batch_sampler_match_torch_exactly() -> None:
    for drop_last in (False, True):
        ours = fs.BatchSampler(fs.SequentialSampler(range(10)), 3, drop_last)
        theirs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), 3, drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_batch_sampler_over_a_random_sampler_keeps_the_epoch() -> None:
    sampler = fs.RandomSampler(range(23), seed=4)
    batches = list(fs.BatchSampler(sampler, 5, drop_last=False))
    sampler.set_epoch(0)
    assert functools.reduce(operator.iadd, batches, []) == list(sampler)
    sampler.set_epoch(0)
    assert fs.BatchSampler(sampler, 5, True).epoch_indices(0).tolist() == functools.reduce(
        operator.iadd, batches[:4], []
    )


# --- DistributedSampler: torch's worked examples, closed form and padding ------------------


@pytest.mark.parametrize(
    ("n", "replicas", "drop_last", "expected"),
    [
        (10, 4, False, [[0, 4, 8], [1, 5, 9], [2, 6, 0], [3, 7, 1]]),
        (10, 4, True, [[0, 4], [1, 5], [2, 6], [3, 7]]),
        (3, 8, False, [[0], [1], [2], [0], [1], [2], [0], [1]]),
        (3, 8, True, [[]] * 8),
        (9, 4, False, [[0, 4, 8], [1, 5, 0], [2, 6, 1], [3, 7, 2]]),
        (0, 3, False, [[], [], []]),
    ],
)
def test_distributed_without_shuffle_equals_torch(n, replicas, drop_last, expected) -> None:
    for rank in range(replicas):
        ours = fs.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) == expected[rank]
        assert (len(ours), ours.total_size) == (len(theirs), theirs.total_size)


@pytest.mark.parametrize(("n", "replicas"), [(10, 4), (100, 7), (9, 4), (3, 8), (64, 8)])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_shards_cover_one_shared_permutation(n, replicas, drop_last) -> None:
    shards = [list(fs.DistributedSampler(range(n), replicas, r, seed=11, drop_last=drop_last)) for r in range(replicas)]
    assert len({len(s) for s in shards}) == 1
    interleaved = [shards[r][k] for k in range(len(shards[0])) for r in range(replicas)]
    if drop_last:
        assert len(set(interleaved)) == len(interleaved) == n // replicas * replicas
    else:
        head = interleaved[:n]
        assert sorted(head) == list(range(n))
        assert interleaved[n:] == (head * replicas)[: len(interleaved) - n]  # padding wraps to the front


def test_distributed_seed_plus_epoch_rule_and_set_epoch() -> None:
    a = fs.DistributedSampler(range(50), 2, 0, seed=5)
    a.set_epoch(1)
    b = fs.DistributedSampler(range(50), 2, 0, seed=6)
    assert list(a) == list(b)
    assert list(a) == list(a)  # no set_epoch, same order (torch semantics)
    c = fs.DistributedSampler(range(50), 2, 0, seed=0)
    c.set_epoch(-1)
    d = fs.DistributedSampler(range(50), 2, 0, seed=2**64 - 1)
    assert list(c) == list(d)


def test_duplicating_data_with_drop_last() -> None:
    seen: list[int] = []
    for rank in range(4):
        sampler = fs.DistributedSampler(range(9), 4, rank, drop_last=True)
        for batch in torch.utils.data.DataLoader(range(9), batch_size=2, sampler=sampler, drop_last=True):
            seen.extend(batch.tolist())
    assert len(seen) == len(set(seen))


def test_distributed_rejects_a_dataset_that_changed() -> None:
    data = list(range(10))
    sampler = fs.DistributedSampler(data, 2, 0)
    data.append(10)
    with pytest.raises(ValueError, match=r"len\(dataset\) changed from 10 at construction to 11"):
        list(sampler)


def test_distributed_defaults_need_a_process_group() -> None:
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        fs.DistributedSampler(range(10))


# --- seeds and epochs ---------------------------------------------------------------------


def test_manual_seed_reproduces_unseeded_samplers_lazily() -> None:
    for make in (
        lambda: fs.RandomSampler(range(30)),
        lambda: fs.RandomSampler(range(30), replacement=True),
        lambda: fs.SubsetRandomSampler(list(range(30))),
        lambda: fs.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5),
        lambda: fs.WeightedRandomSampler([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, replacement=False),
    ):
        first, second = iter(make()), iter(make())  # created first: nothing is drawn yet
        torch.manual_seed(0)
        a = list(first)
        torch.manual_seed(0)
        b = list(second)
        assert a == b
        torch.manual_seed(0)
        sampler = make()
        epochs = [list(sampler), list(sampler)]
        torch.manual_seed(0)
        assert [list(sampler), list(sampler)] == epochs


def test_generators_and_fixed_seeds_advance_each_epoch() -> None:
    def run(generator):
        sampler = fs.RandomSampler(range(50), generator=generator)
        return [list(sampler) for _ in range(3)]

    torch_runs = run(torch.Generator().manual_seed(42)), run(torch.Generator().manual_seed(42))
    assert torch_runs[0] == torch_runs[1] and torch_runs[0][0] != torch_runs[0][1]
    assert run(42) == run(42) and run(42)[0] != run(42)[1]
    sampler = fs.RandomSampler(range(50), seed=42)
    epoch0, epoch1 = list(sampler), list(sampler)
    assert sampler.epoch_indices(0).tolist() == epoch0 and sampler.epoch_indices(1).tolist() == epoch1
    sampler.set_epoch(1)
    assert list(sampler) == epoch1


def test_bulk_path_is_int64_and_equals_iteration() -> None:
    for sampler in (
        fs.RandomSampler(range(1000), seed=1),
        fs.RandomSampler(range(1000), replacement=True, num_samples=70_000, seed=1),
        fs.WeightedRandomSampler(np.arange(1.0, 1001.0), 70_000, seed=2),
        fs.SubsetRandomSampler(list(range(0, 2000, 2)), seed=3),
        fs.DistributedSampler(range(1000), 3, 2, seed=4),
        fs.SequentialSampler(range(10)),
    ):
        bulk = sampler.epoch_indices(0) if not isinstance(sampler, fs.DistributedSampler) else sampler.epoch_indices()
        assert bulk.dtype == np.int64
        if hasattr(sampler, "set_epoch"):
            sampler.set_epoch(0)
        assert bulk.tolist() == list(sampler)


def test_subset_random_sampler_passes_values_through() -> None:
    values = [torch.tensor(3), -1, "x"]
    out = list(fs.SubsetRandomSampler(values, seed=0))
    assert sorted(map(str, out)) == sorted(map(str, values)) and any(isinstance(v, torch.Tensor) for v in out)
    assert list(fs.SubsetRandomSampler([], seed=0)) == []


def test_weighted_snapshot_and_never_draws_zero_weights() -> None:
    weights = np.array([0.0, 10.0, 3.0, 0.0])
    sampler = fs.WeightedRandomSampler(weights, 1000, seed=0)
    weights[0] = 1e9
    assert set(sampler) <= {1, 2} and sampler.weights[0] == 0.0
    assert sampler.weights.dtype == np.float64 and not sampler.weights.flags.writeable
    out = list(fs.WeightedRandomSampler(torch.tensor([0.0, 1.0, 1.0, 0.0, 5.0]), 3, replacement=False, seed=1))
    assert sorted(out) == [1, 2, 4]


def test_more_than_two_to_the_24_weights() -> None:
    n = 2**24 + 1
    weights = np.ones(n)
    weights[-1] = float(n)  # the last index holds half the mass
    sampler = fs.WeightedRandomSampler(weights, 100_000, seed=7)
    out = sampler.epoch_indices(0)
    assert out.min() >= 0 and out.max() == n - 1
    assert 0.48 < np.mean(out == n - 1) < 0.52
    with pytest.raises(RuntimeError, match="2\\^24"):
        list(torch.utils.data.WeightedRandomSampler(torch.ones(n, dtype=torch.float64), 10))


# --- errors: at construction, named, of the documented type --------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: fs.RandomSampler(DATA, replacement=0),
            TypeError,
            "replacement should be a boolean value, but got replacement=0",
        ),
        (
            lambda: fs.RandomSampler(DATA, num_samples=0),
            ValueError,
            "num_samples should be a positive integer value, but got num_samples=0",
        ),
        (lambda: fs.RandomSampler(DATA, num_samples=True), ValueError, "num_samples=True"),
        (lambda: fs.RandomSampler(DATA, num_samples=5.0), TypeError, "num_samples=5.0"),
        (lambda: fs.RandomSampler([]), ValueError, "num_samples=0"),
        (lambda: fs.RandomSampler(DATA, generator="cpu"), TypeError, "generator must be a torch.Generator"),
        (lambda: fs.RandomSampler(DATA, seed=2**64), ValueError, "seed must be in"),
        (lambda: fs.RandomSampler(DATA, seed=1, generator=2), ValueError, "either seed or generator"),
        (lambda: fs.WeightedRandomSampler([1.0], 0), ValueError, "num_samples should be a positive integer"),
        (lambda: fs.WeightedRandomSampler([1.0], 2, replacement=1), ValueError, "replacement should be a boolean"),
        (
            lambda: fs.WeightedRandomSampler([[1.0, 2.0]], 2),
            ValueError,
            r"weights should be a 1d sequence but given weights have shape \(1, 2\)",
        ),
        (lambda: fs.WeightedRandomSampler(3.0, 2), ValueError, r"shape \(\)"),
        (lambda: fs.WeightedRandomSampler("ab", 2), TypeError, "weights must be a 1-D sequence of numbers"),
        (lambda: fs.WeightedRandomSampler([1.0, None], 2), TypeError, "weights must be a 1-D sequence"),
        (lambda: fs.WeightedRandomSampler([], 2), ValueError, "weights must not be empty"),
        (lambda: fs.WeightedRandomSampler([0.0, 0.0], 2), ValueError, "at least one positive value"),
        (
            lambda: fs.WeightedRandomSampler([1.0, float("nan")], 2),
            ValueError,
            r"weights\[1\] must be finite and non-negative, got nan",
        ),
        (lambda: fs.WeightedRandomSampler([1.0, -1.0], 2), ValueError, r"weights\[1\] .* got -1.0"),
        (lambda: fs.WeightedRandomSampler([float("inf")], 2), ValueError, r"weights\[0\] .* got inf"),
        (
            lambda: fs.WeightedRandomSampler([1.0, 0.0, 2.0], 3, replacement=False),
            ValueError,
            r"non-zero weights \(2\)",
        ),
        (
            lambda: fs.BatchSampler(DATA, 0, False),
            ValueError,
            "batch_size should be a positive integer value, but got batch_size=0",
        ),
        (lambda: fs.BatchSampler(DATA, 2, 3), ValueError, "drop_last should be a boolean value, but got drop_last=3"),
        (
            lambda: fs.DistributedSampler(DATA, 3, 3),
            ValueError,
            r"Invalid rank 3, rank should be in the interval \[0, 2\]",
        ),
        (lambda: fs.DistributedSampler(DATA, 3, -1), ValueError, "Invalid rank -1"),
        (
            lambda: fs.DistributedSampler(DATA, 0, 0),
            ValueError,
            "num_replicas should be a positive integer value, but got num_replicas=0",
        ),
        (lambda: fs.DistributedSampler(DATA, 2.5, 0), TypeError, "num_replicas=2.5"),
        (lambda: fs.DistributedSampler(DATA, 2, 1.5), TypeError, "rank must be an integer"),
        (lambda: fs.DistributedSampler(DATA, 2, 0, seed=1.5), TypeError, "seed must be an integer"),
        (lambda: fs.DistributedSampler(object(), 2, 0), TypeError, "dataset must have a len()"),
        (lambda: fs.RandomSampler(DATA).set_epoch(-1), ValueError, r"epoch must be in \[0, 2\*\*56\)"),
        (lambda: fs.RandomSampler(DATA).epoch_indices(0), ValueError, "needs a fixed seed"),
    ],
)
def test_bad_input_is_a_clear_python_error(make, error, message) -> None:
    with pytest.raises(error, match=message):
        make()


def test_type_errors_are_also_value_errors() -> None:
    assert issubclass(ArgumentTypeError, TypeError) and issubclass(ArgumentTypeError, ValueError)


def test_empty_dataset_after_construction() -> None:
    data = [1]
    sampler = fs.RandomSampler(data, num_samples=3, seed=0)
    data.clear()
    with pytest.raises(ValueError, match="data_source is empty"):
        list(sampler)


def test_engine_rejects_what_would_crash() -> None:
    core = fs._core
    with pytest.raises(ValueError, match="n must be >= 1"):
        core.uniform_draws(0, 0, 0, 0, 5)
    with pytest.raises(ValueError, match="epoch must be in"):
        core.uniform_draws(0, 2**56, 1, 0, 5)
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*64\), got seed=-1"):
        core.uniform_draws(-1, 0, 1, 0, 5)
    with pytest.raises(ValueError, match=r"start \+ count must be < 2\*\*64"):
        core.uniform_draws(0, 0, 1, 2**64 - 1, 5)
    with pytest.raises(MemoryError):
        core.uniform_draws(0, 0, 1, 0, 2**62)
    with pytest.raises(ValueError, match="k must be <="):
        core.WeightTable(np.array([1.0, 0.0])).without_replacement(0, 0, 2)
    with pytest.raises(ValueError, match="offsets"):
        core.ClassLayout(np.arange(3), np.array([0, 3, 3]))


@pytest.mark.parametrize(
    "make",
    [
        lambda f: f.RandomSampler(range(40), seed=1),
        lambda f: f.RandomSampler(range(40), replacement=True, num_samples=90, seed=2),
        lambda f: f.SubsetRandomSampler([5, 6, 7, 8], seed=3),
        lambda f: f.WeightedRandomSampler([0.5, 0.0, 2.0, 1.0], 30, seed=4),
        lambda f: f.DistributedSampler(range(40), 3, 1, seed=5),
        lambda f: f.BatchSampler(f.RandomSampler(range(40), seed=6), 7, False),
    ],
)
def test_samplers_pickle_and_deepcopy_with_their_state(make, family) -> None:
    sampler = make(family)
    sampler.set_epoch(3)
    clones = [pickle.loads(pickle.dumps(sampler)), copy.deepcopy(sampler)]
    expected = list(sampler)
    assert [list(clone) for clone in clones] == [expected, expected]


def test_an_epoch_reads_the_dataset_size_once() -> None:
    data = list(range(70_000))
    sampler = fs.RandomSampler(data, num_samples=140_000, seed=1)
    iterator = iter(sampler)
    head = [next(iterator) for _ in range(10)]
    data.extend(range(70_000, 100_000))  # grows mid-epoch: this epoch keeps n = 70000
    out = head + list(iterator)
    assert sorted(out[:70_000]) == sorted(out[70_000:]) == list(range(70_000))
    data.clear()
    assert len(out) == 140_000 and list(iterator) == []


def test_permutation_blocks_across_chunks() -> None:
    out = fs.RandomSampler(range(1000), num_samples=70_000, seed=2).epoch_indices(0)
    blocks = out.reshape(70, 1000)
    assert (np.sort(blocks, axis=1) == np.arange(1000)).all()
    assert len({tuple(b) for b in blocks[:, :20].tolist()}) == 70


def test_subset_bulk_path_needs_integer_values() -> None:
    with pytest.raises(TypeError, match="needs integer indices"):
        fs.SubsetRandomSampler([1.7, 2.2], seed=1).epoch_indices()
    with pytest.raises(TypeError, match="needs integer indices"):
        fs.SubsetRandomSampler(np.array([2**64 - 1], dtype=np.uint64), seed=1).epoch_indices()
    assert sorted(fs.SubsetRandomSampler(np.array([7, 3], dtype=np.uint8), seed=1).epoch_indices().tolist()) == [3, 7]


@pytest.mark.parametrize(
    "make",
    [
        lambda: fs.RandomSampler(DATA, num_samples=2**63, seed=1),
        lambda: fs.WeightedRandomSampler([1.0], 2**70),
        lambda: fs.BatchSampler(DATA, 2**64, False),
        lambda: fs.DistributedSampler(DATA, 2**64, 0),
    ],
)
def test_counts_beyond_int64_are_refused_at_construction(make) -> None:
    with pytest.raises(ValueError, match="must be at most 2\\*\\*63 - 1"):
        make()


def test_generator_accepts_any_integer_seed() -> None:
    assert list(fs.RandomSampler(DATA, generator=np.int64(3))) == list(fs.RandomSampler(DATA, seed=3))


@pytest.mark.parametrize(
    "indices", [{1, 2}, frozenset({3}), {1: 2}, {1: 2}.keys()], ids=["set", "frozenset", "dict", "keys"]
)
def test_subset_random_sampler_refuses_unordered_indices_at_construction(indices):
    # torch fails at iteration ('set' object is not subscriptable); a dict gave KeyError: 0.
    with pytest.raises(TypeError, match="indices must be a sequence read by position"):
        fs.SubsetRandomSampler(indices, seed=1)


@pytest.mark.parametrize(
    "indices", [[4, 2], (4, 2), range(4, 6), np.array([4, 2])], ids=["list", "tuple", "range", "numpy"]
)
def test_subset_random_sampler_takes_any_sequence(indices):
    assert sorted(fs.SubsetRandomSampler(indices, seed=1)) == sorted(int(i) for i in indices)
