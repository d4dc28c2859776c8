"""LengthGroupedBatchSampler's state (spec §24.3): exact resume at every batch of small epochs (same world),
elastic resume through combine_states (2 → 3 ranks), torchdata's StatefulDataLoader with 0 and 2 workers,
unseeded and generator-drawn epochs, and the refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

import ferrosampler as fs

LENGTHS = [int(v) for v in np.random.default_rng(5).integers(1, 40, 61)]
EPOCHS = 3
CONFIGS = [
    {"batch_size": 3, "window": 9},
    {"batch_size": 4, "drop_last": True},
    {"max_tokens": 60, "window": 20},
    {"max_tokens": 45, "drop_last": True, "shuffle": False},
]


def make(family, world, rank, config, **extra):
    return family.LengthGroupedBatchSampler(LENGTHS, num_replicas=world, rank=rank, seed=7, **config, **extra)


def run(samplers, epochs):
    """Each rank's batches per epoch, the ranks in DDP lockstep."""
    return [[list(s) for s in samplers] for _ in range(epochs)]


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("world", [1, 3])
def test_resume_at_every_batch_of_two_epochs(family, config, world):
    expected = run([make(family, world, r, config) for r in range(world)], EPOCHS)
    per_epoch = len(expected[0][0])
    for stop in range(2 * per_epoch + 1):
        samplers = [make(family, world, r, config) for r in range(world)]
        iterators = [iter(s) for s in samplers]
        epoch, taken = 0, 0
        head = [[[] for _ in range(world)]]
        for _ in range(stop):
            if taken == per_epoch:
                iterators, epoch, taken = [iter(s) for s in samplers], epoch + 1, 0
                head.append([[] for _ in range(world)])
            for r in range(world):
                head[-1][r].append(next(iterators[r]))
            taken += 1
        states = [s.state_dict() for s in samplers]
        assert all(state == {**states[0], "rank": r} for r, state in enumerate(states)), "lockstep: one state"
        state = json.loads(json.dumps(states[0]))  # JSON-serialisable
        resumed = [make(family, world, r, config) for r in range(world)]
        for s in resumed:
            s.load_state_dict(state)
        rest = run(resumed, EPOCHS - epoch)
        for r in range(world):
            rest[0][r] = head[-1][r] + rest[0][r]
        assert head[:-1] + rest == expected, stop


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_elastic_two_to_three_ranks_serves_every_batch_once(config):
    """Two ranks stop after different counts; combine_states keeps the least consumed global position (4); three
    ranks serve the rest of that epoch — the saved plan's positions 4 + r + 3j (§14, read mod n) —, then the next
    epochs are planned for three."""
    old = [make(fs, 2, r, config) for r in range(2)]
    plan = old[0]._plan(7, 0, 2)
    n = plan.num_batches
    iterators = [iter(s) for s in old]
    head = [next(iterators[0]) for _ in range(3)], [next(iterators[1]) for _ in range(2)]
    assert head == ([batch_at(plan, p) for p in (0, 2, 4)], [batch_at(plan, p) for p in (1, 3)])
    state = fs.combine_states([s.state_dict() for s in old])
    assert (state["position"], state["group"], state["num_batches"]) == (4, 2, n)
    new = [make(fs, 3, r, config) for r in range(3)]
    for s in new:
        s.load_state_dict(state)
    rest = [list(s) for s in new]
    share = (n - 4) // 3 if config.get("drop_last") else -(-(n - 4) // 3)
    positions = [[4 + r + 3 * j for j in range(share)] for r in range(3)]
    assert rest == [[batch_at(plan, p % n) for p in ps] for ps in positions]
    assert rest[0][0] == head[0][2]  # rank 0 of the old world had gone past the combined position: served again
    served = sorted([0, 1, 2, 3] + [p for ps in positions for p in ps])
    if config.get("drop_last"):  # the tail that does not fill a step of 3 is left out
        assert served == list(range(4 + 3 * share)) and n - (4 + 3 * share) < 3
    else:  # every position of the epoch once, plus fewer than 3 read again from the start (padding)
        assert served[:n] == list(range(n)) and [p % n for p in served[n:]] == list(range(len(served) - n))
        assert len(served) - n < 3
    # The next epoch is planned for three ranks.
    counts = [len(list(s)) for s in new]
    assert counts == [len(s) for s in new] and new[0].state_dict()["group"] == 3


def batch_at(plan, position):
    indices, _ = plan.batches(position, 1)
    return indices.tolist()


def plan_batches(plan):
    return [batch_at(plan, p) for p in range(plan.num_batches)]


def test_a_state_of_another_world_resumes_the_saved_plan_not_this_worlds():
    config = {"max_tokens": 60, "window": 20}
    saved = make(fs, 4, 0, config)
    iterator = iter(saved)
    next(iterator)
    state = saved.state_dict()
    single = make(fs, 1, 0, config)
    single.load_state_dict(state)
    rest = list(single)
    plan = saved._plan(7, 0, 4)
    assert rest == plan_batches(plan)[4:]
    assert single.state_dict()["position"] == plan.num_batches


stateful_dataloader = pytest.importorskip("torchdata.stateful_dataloader")


class Echo:
    """A map-style dataset whose item i is i, so a batch shows the indices it was built from."""

    def __len__(self) -> int:
        return len(LENGTHS)

    def __getitem__(self, index: int) -> int:
        return index


def loader(config, workers):
    sampler = make(fs, 1, 0, config)
    return stateful_dataloader.StatefulDataLoader(Echo(), batch_sampler=sampler, num_workers=workers)


def consume(loader_, epochs, stop=None):
    out, count = [], 0
    for _ in range(epochs):
        out.append([])
        for batch in loader_:
            out[-1].append(batch.tolist())
            count += 1
            if count == stop:
                return out, loader_.state_dict()
    return out, None


LOADER_CONFIGS = [{"batch_size": 3, "window": 9}, {"max_tokens": 150, "window": 20}]


def check_loader_resume(config, workers, stops):  # callers with workers are thread_unsafe (worker pools)
    expected, _ = consume(loader(config, workers), EPOCHS)
    per_epoch = len(expected[0])
    for stop in stops(per_epoch):
        head, state = consume(loader(config, workers), EPOCHS, stop)
        resumed = loader(config, workers)
        resumed.load_state_dict(state)
        rest, _ = consume(resumed, EPOCHS - len(head) + 1)
        head[-1].extend(rest[0])
        assert head + rest[1:] == expected, stop


@pytest.mark.parametrize("config", LOADER_CONFIGS, ids=str)
def test_stateful_dataloader_resumes_at_every_batch_without_workers(config):
    check_loader_resume(config, 0, lambda per_epoch: range(1, 2 * per_epoch + 1))


@pytest.mark.thread_unsafe
@pytest.mark.parametrize("config", LOADER_CONFIGS, ids=str)
def test_stateful_dataloader_resumes_with_two_workers(config):
    """A fixed slice of stops (the first batch, mid-epoch, an epoch's last batch, the next epoch's first)."""
    check_loader_resume(config, 2, lambda per_epoch: (1, per_epoch // 2, per_epoch, per_epoch + 1))


@pytest.mark.slow
@pytest.mark.thread_unsafe
@pytest.mark.parametrize("config", LOADER_CONFIGS, ids=str)
def test_stateful_dataloader_resumes_at_every_batch_with_two_workers(config):
    check_loader_resume(config, 2, lambda per_epoch: range(1, 2 * per_epoch + 1))


def test_unseeded_and_generator_epochs_resume_with_their_seed():
    torch = pytest.importorskip("torch")
    for kwargs in ({}, {"generator": torch.Generator().manual_seed(4)}):
        sampler = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=50, **kwargs)
        iterator = iter(sampler)
        head = [next(iterator) for _ in range(3)]
        state = sampler.state_dict()
        rest_now = list(iterator)
        after = list(sampler)
        kwargs2 = {"generator": torch.Generator().manual_seed(99)} if kwargs else {}
        resumed = fs.LengthGroupedBatchSampler(LENGTHS, max_tokens=50, **kwargs2)
        resumed.load_state_dict(state)
        assert len(resumed) == state["num_batches"]  # the saved epoch's count, from its own seed
        assert list(resumed) == rest_now and len(head + rest_now) == state["num_batches"]
        if kwargs:  # the generator's saved state draws the later epochs' seeds again
            assert list(resumed) == after


def test_idle_and_finished_states():
    config = {"max_tokens": 60}
    sampler = make(fs, 2, 0, config)
    idle = sampler.state_dict()
    assert (idle["position"], idle["num_batches"], idle["group"]) == (0, None, 2)
    first = list(sampler)
    done = sampler.state_dict()
    assert done["position"] == done["num_batches"] and done["epoch"] == 0
    other = make(fs, 2, 0, config)
    other.load_state_dict(done)
    assert list(other) == [] and list(other) == list(make(fs, 2, 0, config).epoch_batches(1))
    fresh = make(fs, 3, 1, config)
    fresh.load_state_dict(idle)  # position 0: the epoch starts afresh on this world
    assert list(fresh) == fresh.epoch_batches(0) and first


REFUSED = [
    (lambda s: {**s, "fingerprint": "0" * 32}, r"state\['fingerprint'\] does not match"),
    (lambda s: {**s, "batch_size": 5}, r"state\['batch_size'\] is 5, but this sampler has batch_size=3"),
    (lambda s: {**s, "window": 12}, r"state\['window'\] is 12"),
    (lambda s: {**s, "seed": 8}, r"state\['seed'\] is 8"),
    (lambda s: {**s, "kind": "PKBatchSampler"}, r"state\['kind'\] must be 'LengthGroupedBatchSampler'"),
    (lambda s: {**s, "group": 0}, r"state\['group'\] must be an int in \[1, 2\*\*32\)"),
    (lambda s: {**s, "group": True}, r"state\['group'\] must be an int"),
    (lambda s: {**s, "num_batches": 7}, r"state\['num_batches'\] must be None or a multiple of state\['group'\]=2"),
    (lambda s: {**s, "num_batches": 2 + s["num_batches"]}, r"state\['num_batches'\] is \d+, but the plan of epoch 0"),
    (lambda s: {**s, "num_batches": None}, r"state\['num_batches'\] is needed to resume mid-epoch"),
    (lambda s: {**s, "position": 10**6}, r"state\['position'\] must be at most"),
    (lambda s: {**s, "position": -1}, r"state\['position'\] must be a non-negative int"),
    (lambda s: {**s, "epoch_seed": 3}, r"state\['epoch_seed'\] is 3, but this sampler's seed is 7"),
    (lambda s: {**s, "rank": 5}, r"state\['rank'\] must be an int in \[0, num_replicas=2\)"),
    (lambda s: "state", r"state must be a dict"),
]


@pytest.mark.parametrize(("corrupt", "message"), REFUSED)
def test_refused_states(corrupt, message):
    sampler = make(fs, 2, 0, {"batch_size": 3, "window": 9})
    iterator = iter(sampler)
    next(iterator)
    next(iterator)
    state = sampler.state_dict()
    target = make(fs, 2, 1, {"batch_size": 3, "window": 9})
    with pytest.raises(ValueError, match=message):
        target.load_state_dict(corrupt(state))


def test_other_lengths_are_refused():
    sampler = make(fs, 1, 0, {"batch_size": 3})
    state = sampler.state_dict()
    other = fs.LengthGroupedBatchSampler([*LENGTHS[:-1], 99], 3, seed=7)
    with pytest.raises(ValueError, match=r"state\['fingerprint'\] does not match"):
        other.load_state_dict(state)


def test_set_epoch_keeps_or_drops_a_loaded_position():
    config = {"batch_size": 3}
    sampler = make(fs, 1, 0, config)
    sampler.set_epoch(4)
    iterator = iter(sampler)
    next(iterator)
    state = sampler.state_dict()
    resumed = make(fs, 1, 0, config)
    resumed.load_state_dict(state)
    resumed.set_epoch(4)  # the saved epoch: the position stays
    assert list(resumed) == list(iterator)
    dropped = make(fs, 1, 0, config)
    dropped.load_state_dict(state)
    dropped.set_epoch(5)
    assert list(dropped) == make(fs, 1, 0, config).epoch_batches(5)
