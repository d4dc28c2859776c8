"""Exact resume through torchdata's StatefulDataLoader: every stop batch of epoch 0 and of epoch 1,
num_workers 0 and 2, our sampler as ``sampler=`` and inside our BatchSampler as ``batch_sampler=``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ferrosampler as fs
import ferrosampler.mindspore as fm

from .samplers import MINDSPORE_FACTORIES, TORCH_FACTORIES

stateful_dataloader = pytest.importorskip("torchdata.stateful_dataloader")

EPOCHS = 3
BATCH = 3


class Echo:
    """A map-style dataset whose item i is i, so a batch shows the indices it was built from."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> int:
        return index


def make_loader(make_sampler, n, mode, workers):
    sampler = make_sampler()
    dataset = Echo(10**6)  # MindSpore row ids and subset values stay in range
    if mode == "sampler":
        return stateful_dataloader.StatefulDataLoader(dataset, batch_size=BATCH, sampler=sampler, num_workers=workers)
    batches = fs.BatchSampler(sampler, BATCH, drop_last=False)
    return stateful_dataloader.StatefulDataLoader(dataset, batch_sampler=batches, num_workers=workers)


def run(loader, epochs, stop=None):
    """Batches of each epoch; with ``stop``, the state after that many batches (counted over all epochs)."""
    out, count = [], 0
    for _ in range(epochs):
        out.append([])
        for batch in loader:
            out[-1].append(batch.tolist())
            count += 1
            if count == stop:
                return out, loader.state_dict()
    return out, None


def check_resume(make_sampler, n, mode, workers, stops):
    expected, _ = run(make_loader(make_sampler, n, mode, workers), EPOCHS)
    for stop in stops:
        head, state = run(make_loader(make_sampler, n, mode, workers), EPOCHS, stop)
        resumed = make_loader(make_sampler, n, mode, workers)
        resumed.load_state_dict(state)
        rest, _ = run(resumed, EPOCHS - len(head) + 1)
        head[-1].extend(rest[0])
        assert head + rest[1:] == expected, stop


def all_stops(make_sampler, epochs=2):
    """Every batch of the first ``epochs`` epochs."""
    per_epoch = -(-len(make_sampler()) // BATCH)
    return range(1, epochs * per_epoch + 1)


TORCH_CASES = [
    "random",
    "random-blocks",
    "random-replacement",
    "subset",
    "weighted",
    "weighted-without",
    "sequential",
    "mixture",
    "mixture-schedule",
]


@pytest.mark.parametrize("name", TORCH_CASES)
@pytest.mark.parametrize("mode", ["sampler", "batch_sampler"])
def test_every_stop_without_workers(name, mode):
    n = 13
    make = lambda: TORCH_FACTORIES[name](fs, n)  # noqa: E731
    check_resume(make, n, mode, 0, all_stops(make))


@pytest.mark.parametrize(("name", "mode"), [("random", "sampler"), ("subset-generator", "batch_sampler")])
def test_every_stop_with_two_workers(name, mode):
    n = 7
    make = lambda: TORCH_FACTORIES[name](fs, n)  # noqa: E731
    check_resume(make, n, mode, 2, all_stops(make))


@pytest.mark.parametrize("name", ["random", "distributed", "pk", "chain", "weighted-without"])
def test_mindspore_samplers_through_the_loader(name):
    n = 12
    make = lambda: MINDSPORE_FACTORIES[name](fm, n)  # noqa: E731
    check_resume(make, n, "sampler", 0, all_stops(make))


@settings(max_examples=15, deadline=None)
@given(
    st.integers(20, 400), st.sampled_from(["random", "weighted", "subset", "random-replacement", "mixture"]), st.data()
)
def test_larger_epochs_resume_at_a_random_batch(n, name, data):
    per_epoch = -(-n // BATCH)
    stop = data.draw(st.integers(1, 2 * per_epoch))
    mode = data.draw(st.sampled_from(["sampler", "batch_sampler"]))
    check_resume(lambda: TORCH_FACTORIES[name](fs, n), n, mode, 0, [stop])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TORCH_FACTORIES))
@pytest.mark.parametrize("mode", ["sampler", "batch_sampler"])
def test_every_sampler_every_stop_with_two_workers(name, mode):
    n = 11
    make = lambda: TORCH_FACTORIES[name](fs, n)  # noqa: E731
    check_resume(make, n, mode, 2, all_stops(make))


def _class_loader(kind, world, rank, workers):
    if kind == "weighted":
        sampler = fs.DistributedWeightedSampler([1.0 + i % 3 for i in range(24)], 24, world, rank, False, seed=3)
        return stateful_dataloader.StatefulDataLoader(Echo(24), batch_size=2, sampler=sampler, num_workers=workers)
    labels = [i % 5 for i in range(20)]
    batches = fs.PKBatchSampler(labels, 2, 2, num_batches=24, seed=3, num_replicas=world, rank=rank)
    return stateful_dataloader.StatefulDataLoader(Echo(20), batch_sampler=batches, num_workers=workers)


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("kind", ["weighted", "pk"])
def test_class_samplers_resume_elastically_through_the_loader(kind, workers):
    """2 ranks' loaders take 3 batches each; rank 0's loader state resumes 3 ranks' loaders: they yield the
    rest of the epoch (spec §21), so the 5 loaders together yield the global epoch once."""
    head = []
    states = []
    for rank in range(2):
        loader = _class_loader(kind, 2, rank, workers)
        iterator = iter(loader)
        head += [next(iterator).tolist() for _ in range(3)]
        states.append(loader.state_dict())
    rest = []
    for rank in range(3):
        loader = _class_loader(kind, 3, rank, workers)
        loader.load_state_dict(states[0])
        rest += [batch.tolist() for batch in loader]
    if kind == "weighted":
        whole = fs.WeightedRandomSampler([1.0 + i % 3 for i in range(24)], 24, False, seed=3).epoch_indices(0)
        assert sorted(x for batch in head + rest for x in batch) == sorted(whole.tolist())
    else:
        from ferrosampler.reference import _literal

        whole = _literal.pk_epoch_literal([i % 5 for i in range(20)], 2, 2, 24, 3, 0)
        assert sorted(head + rest) == sorted(whole)


@pytest.mark.thread_unsafe  # torch's global generator
@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("stop", ["step 0", "mid-epoch", "epoch end"])
@pytest.mark.parametrize("source", ["generator", "global"])
def test_unseeded_samplers_resume_as_documented(source, stop, workers):
    """With generator= the state carries the generator: exact at every step. On torch's global generator the
    state carries the epoch's seed once drawn: exact mid-epoch; an epoch not yet started draws from the resumed
    process's generator (README, docs/distributed.md)."""
    torch = pytest.importorskip("torch")

    def make():
        generator = torch.Generator().manual_seed(3) if source == "generator" else None
        sampler = fs.RandomSampler(range(10), generator=generator)
        return stateful_dataloader.StatefulDataLoader(Echo(10), batch_size=3, sampler=sampler, num_workers=workers)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        loader = make()
        iterator = iter(loader)
        if stop == "mid-epoch":
            next(iterator)
        elif stop == "epoch end":
            list(iterator)
        state = loader.state_dict()
        upcoming = [batch.tolist() for batch in (iterator if stop != "epoch end" else loader)]
        torch.manual_seed(12345)  # the resumed process's global generator is elsewhere
        resumed = make()
        resumed.load_state_dict(state)
        again = [batch.tolist() for batch in resumed]
    if source == "generator" or stop == "mid-epoch":
        assert again == upcoming
    else:
        assert again != upcoming and sorted(i for batch in again for i in batch) == list(range(10))
