"""MixtureSampler with real loaders: a torch DataLoader with workers over a ConcatDataset of three datasets of
different lengths, torchdata's StatefulDataLoader resumed at every batch (0 and 2 workers), and
DistributedSamplerWrapper shards resumed on another world size (2 → 3 ranks, elastic)."""

from __future__ import annotations

import json

import pytest

import ferrosampler

torch_data = pytest.importorskip("torch.utils.data")

SIZES = (7, 23, 130)


class Tagged(torch_data.Dataset):
    """Item j of dataset `name` is (name, j): a loaded batch shows which source and item each index was."""

    def __init__(self, name: int, length: int) -> None:
        self.name, self.length = name, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.length:
            raise IndexError(index)
        return self.name, index


def datasets() -> list[Tagged]:
    return [Tagged(s, n) for s, n in enumerate(SIZES)]


def make_sampler(seed: int = 5) -> ferrosampler.MixtureSampler:
    return ferrosampler.MixtureSampler(
        datasets(), [(0, [0.0, 0.5, 0.3]), (40, [0.6, 0.1, 0.3])], num_samples=100, seed=seed
    )


@pytest.mark.parametrize("workers", [0, 2])
def test_a_dataloader_over_a_concat_dataset_loads_what_the_sampler_names(workers):
    sampler = make_sampler()
    data = ferrosampler.MixtureSampler.concat(datasets())
    loader = torch_data.DataLoader(data, batch_size=8, sampler=sampler, num_workers=workers)
    for epoch in range(2):
        expected = [sampler.source_of(index) for index in sampler.epoch_indices(epoch).tolist()]
        loaded = []
        for names, items in loader:
            loaded.extend(zip(names.tolist(), items.tolist(), strict=True))
        assert loaded == expected
        # The schedule holds: source 0 has no weight for the first 40 positions, then 0.6.
        assert all(name != 0 for name, _ in loaded[:40]) and any(name == 0 for name, _ in loaded[40:])


stateful_dataloader = pytest.importorskip("torchdata.stateful_dataloader")


def run(loader, epochs: int, stop: int | None = None):
    out, count = [], 0
    for _ in range(epochs):
        out.append([])
        for batch in loader:
            out[-1].append(batch.tolist())
            count += 1
            if count == stop:
                return out, loader.state_dict()
    return out, None


class Echo(torch_data.Dataset):
    def __len__(self) -> int:
        return sum(SIZES)

    def __getitem__(self, index: int) -> int:
        return index


@pytest.mark.parametrize("workers", [0, pytest.param(2, marks=pytest.mark.slow)])
def test_stateful_dataloader_resumes_at_every_batch(workers):
    check_stateful_resume(workers, every=True)


def test_stateful_dataloader_with_workers_resumes_at_epoch_edges():
    check_stateful_resume(2, every=False)


def check_stateful_resume(workers, every):
    def loader():
        return stateful_dataloader.StatefulDataLoader(Echo(), batch_size=9, sampler=make_sampler(), num_workers=workers)

    epochs = 3
    expected, _ = run(loader(), epochs)
    per_epoch = len(expected[0])
    edges = [1, 2, per_epoch - 1, per_epoch, per_epoch + 1, 2 * per_epoch]
    stops = range(1, 2 * per_epoch + 1) if every else edges
    for stop in stops:
        head, state = run(loader(), epochs, stop)
        resumed = loader()
        resumed.load_state_dict(state)
        rest, _ = run(resumed, epochs - len(head) + 1)
        head[-1].extend(rest[0])
        assert head + rest[1:] == expected, stop


@pytest.mark.parametrize(("world", "new_world"), [(2, 3), (3, 2)])
def test_wrapper_shards_resume_on_another_world_size(world, new_world):
    epoch = 4
    whole = make_sampler().epoch_indices(epoch).tolist()
    states = []
    for rank in range(world):
        wrapper = ferrosampler.DistributedSamplerWrapper(make_sampler(), world, rank)
        wrapper.set_epoch(epoch)
        iterator = iter(wrapper)
        assert [next(iterator) for _ in range(5)] == [whole[rank + j * world] for j in range(5)]
        states.append(json.loads(json.dumps(wrapper.state_dict())))
    state = ferrosampler.combine_states(states)
    consumed = state["position"]
    assert consumed == 5 * world
    served = []
    for rank in range(new_world):
        wrapper = ferrosampler.DistributedSamplerWrapper(make_sampler(), new_world, rank)
        wrapper.load_state_dict(state)
        wrapper.set_epoch(epoch)
        rest = list(wrapper)
        count = -(-(len(whole) - consumed) // new_world)
        assert rest == [whole[(consumed + rank + j * new_world) % len(whole)] for j in range(count)]
        served += rest
        wrapper.set_epoch(epoch + 1)  # the next epoch as if never interrupted
        following = make_sampler().epoch_indices(epoch + 1).tolist()
        size = -(-len(following) // new_world) * new_world
        assert list(wrapper) == (following * 2)[:size][rank::new_world]
    assert sorted(served[: len(whole) - consumed]) == sorted(whole[consumed:])
